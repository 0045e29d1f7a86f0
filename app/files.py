"""Writing files so that a power cut or a pulled stick leaves the old file or the new one, never half.

Everything the program writes for keeps (settings, keys' public files, PDFs, workbooks, copies into
the hub) goes through :func:`replacing`: a temporary name beside the target, fsync, rename, fsync of
the folder. The sync bundle's own write (app/sync/export.py) adds a read-back on top.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _
from app.text import json_document

log = logging.getLogger(__name__)

_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_WRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS}


class WriteFailed(UserError, OSError):
    """A file could not be written (disk full, read-only stick, pulled stick). Nothing half-written is
    left behind; the message says so and what to do. Still an OSError, so older handlers keep working."""

    def __init__(self, message: str, *, errno_: int | None = None) -> None:
        UserError.__init__(self, message)
        self.errno = errno_
        self.message = message

    def __str__(self) -> str:
        return self.message


def write_failed(exc: OSError, path: Path) -> WriteFailed:
    """The one plain message for a file the program could not write, whatever the program was writing."""
    if isinstance(exc, WriteFailed):
        return exc
    path = Path(path)
    log.info("could not write %s", path, exc_info=exc)
    if exc.errno in _NO_SPACE:
        message = _("磁盘空间不足,“{name}”没有写成,也没有留下不完整的文件。"
                    "请删除一些不用的文件或换一个保存位置(例如另一个U盘)后重试。").format(name=path.name)
    elif (isinstance(exc, PermissionError) or exc.errno in _NOT_WRITABLE) and os.path.exists(path):
        # on Windows a file open in Excel, WPS or a PDF reader cannot be replaced
        message = _("“{name}”没有写成:这个文件可能正在 Excel、WPS 或 PDF 阅读器中打开,请关闭它后重试;"
                    "如果没有打开,可能是“{folder}”只读、写保护或没有权限,请换一个保存位置。").format(
            name=path.name, folder=path.parent)
    elif isinstance(exc, PermissionError) or exc.errno in _NOT_WRITABLE:
        message = _("不能在“{folder}”里写文件(可能是只读、写保护或没有权限),“{name}”没有写成。"
                    "请换一个保存位置后重试。").format(folder=path.parent, name=path.name)
    elif isinstance(exc, FileNotFoundError) and not path.parent.exists():
        message = _("保存位置“{folder}”不存在(U盘可能已拔出)。请检查后重试。").format(folder=path.parent)
    else:
        message = _("写“{name}”时出错({reason}),文件没有写成。如果保存在U盘上,请检查U盘是否插好后重试。").format(
            name=path.name, reason=exc.strerror or type(exc).__name__)
    return WriteFailed(message, errno_=exc.errno)


def fsync_file(path: Path) -> None:
    # Windows only flushes a handle opened for writing.
    with open(path, "r+b") as f:
        os.fsync(f.fileno())


def fsync_dir(folder: Path) -> None:
    """Make a rename survive a power cut. Windows cannot open a folder for this."""
    if os.name == "nt":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        log.warning("could not open %s to fsync it", folder, exc_info=True)
        return
    try:
        os.fsync(fd)
    except OSError:
        # Some file systems used on USB sticks refuse fsync on a folder.
        log.debug("fsync of folder %s refused", folder, exc_info=True)
    finally:
        os.close(fd)


@contextmanager
def replacing(path: Path) -> Iterator[Path]:
    """A temporary file beside ``path`` for the caller to write; when the block ends without an
    error it is fsynced and renamed over ``path``, otherwise removed."""
    path = Path(path)
    try:
        fd, name = tempfile.mkstemp(prefix="." + path.stem[:40] + ".", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise write_failed(exc, path) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp makes the file private to its owner; what we write is meant to be read by others
        os.chmod(tmp, 0o644)
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        raise write_failed(exc, path) from exc
    finally:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:  # the stick may be gone; a ".part" name never looks complete
            log.warning("could not remove %s", tmp, exc_info=True)


def write_atomic(path: Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def copy_atomic(source: Path, target: Path) -> None:
    with replacing(target) as tmp:
        shutil.copyfile(source, tmp)


def read_small_json(path: Path, limit: int) -> Any:
    """The JSON in a file someone handed over (a key file, a receipt), read no further than ``limit``
    bytes. OSError if it cannot be read; ValueError if it is too large or not a JSON document
    (:func:`json_document`)."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError("larger than {limit} bytes".format(limit=limit))
    return json_document(data)


def human_size(n: int) -> str:
    """Bytes as a clerk reads them: 512 B, 980.0 KB, 14.6 GB."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    if unit == "B":
        return "{n} B".format(n=int(value))
    return "{v:.1f} {unit}".format(v=value, unit=unit)
