"""Writing files so that a power cut or a pulled stick leaves the old file or the new one, never half.

Everything the program writes for keeps (settings, keys' public files, PDFs, workbooks, copies into
the hub) goes through :func:`replacing`: a temporary name beside the target, fsync, rename, fsync of
the folder. The sync bundle's own write (app/sync/export.py) adds a read-back on top.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


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
    fd, name = tempfile.mkstemp(prefix="." + path.stem[:40] + ".", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        # mkstemp makes the file private to its owner; what we write is meant to be read by others
        os.chmod(tmp, 0o644)
        fsync_file(tmp)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic(path: Path, data: bytes) -> None:
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def copy_atomic(source: Path, target: Path) -> None:
    with replacing(target) as tmp:
        shutil.copyfile(source, tmp)


def read_small_json(path: Path, limit: int) -> Any:
    """The JSON in a file someone handed over (a key file, a receipt), read no further than ``limit``
    bytes. OSError if it cannot be read; ValueError if it is too large, not UTF-8 or not JSON,
    including nesting so deep that the parser gives up."""
    with open(path, "rb") as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise ValueError("larger than {limit} bytes".format(limit=limit))
    try:
        return json.loads(data.decode("utf-8"))
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc


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
