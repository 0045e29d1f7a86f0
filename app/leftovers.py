"""The big temporary files the program writes, and removing those a killed run left behind.

A backup is copied under a temporary name beside its final one, a sync bundle is built in DATA_DIR/tmp and
copied to the stick under a hidden ``.part`` name; each of those can be 150 MB. A run killed half-way
(a power cut, the task manager) leaves them. They are removed at the next start and before the next backup
or export to the same folder, and only when all of this holds:

- the name is one this program gives its own temporary files (the patterns below), nothing else;
- the file is older than the running program (it was not made by this run);
- no running program still holds it: every writer holds a lock on the file it writes (``flock`` on
  Linux; on Windows the open file itself cannot be deleted, so removing one in use fails and it is kept).
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

STARTED = time.time()
"""When this program started (this module is loaded by every command and by the desktop at start)."""

# cunwu-YYYYMMDD-HHMMSS-<kind>[-n].sqlite3[.<token>].tmp and SQLite's journal beside it (app.backup)
BACKUP_TMP = re.compile(
    r"^cunwu-\d{8}-\d{6}-(?:daily|manual|pre-migration|pre-restore)(?:-\d+)?\.sqlite3(?:\.[0-9a-f]{8,32})?\.tmp"
    r"(?:-journal|-wal|-shm)?$")
# cunwu.sqlite3.restore.tmp beside the database, and its journal (app.backup.restore_backup)
RESTORE_TMP = re.compile(r"^cunwu\.sqlite3\.restore\.tmp(?:-journal|-wal|-shm)?$")
# .村务同步包_<code>_<first>-<last>[_n].cunwu-sync.part on the stick (app.sync.export)
BUNDLE_PART = re.compile(r"^\.村务同步包_[0-9A-Z]{18}_\d{6,}-\d{6,}(?:_\d+)?\.cunwu-sync\.part$")
# DATA_DIR/tmp/export-XXXXXXXX: where a bundle is built before it goes to the stick (app.sync.export)
EXPORT_WORK = re.compile(r"^export-[A-Za-z0-9_]{6,}$")

_LOCK_NAME = ".lock"
_held: dict[Path, Any] = {}


def hold(fh: Any) -> None:
    """Mark an open file as being written by this program, so that no other run takes it for a leftover.
    The lock goes with the file handle (and with the process, however it ends)."""
    if os.name == "nt":
        return  # an open file cannot be deleted on Windows: that is the mark
    try:
        import fcntl

        fcntl.flock(fh if isinstance(fh, int) else fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except (OSError, ValueError, AttributeError):  # a file system without locks: the age rule still holds
        log.debug("could not lock %r", fh, exc_info=True)


def in_use(path: Path) -> bool:
    """Whether a running program holds ``path`` (see :func:`hold`)."""
    if os.name == "nt":
        return False  # removing it will fail if it is open
    import fcntl

    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError:
        return True  # cannot tell: keep it
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing releases a lock taken here
    return False


def work_dir(parent: Path, prefix: str) -> Path:
    """A new private folder under ``parent``, held (:func:`hold`) until :func:`remove_work_dir`."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    lock = open(path / _LOCK_NAME, "wb")  # noqa: SIM115 - closed by remove_work_dir
    hold(lock)
    _held[path] = lock
    return path


def remove_work_dir(path: Path) -> None:
    lock = _held.pop(path, None)
    if lock is not None:
        lock.close()
    shutil.rmtree(path, ignore_errors=True)


def remove_leftovers(folder: Path, pattern: re.Pattern[str], *, folders: bool = False) -> list[Path]:
    """Remove what a killed run left in ``folder``: entries named by ``pattern`` (files, or with ``folders``
    work folders), older than this program and held by no running one. Returns what was removed; never
    raises (a stick pulled meanwhile, a file that cannot be removed: it stays until the next time)."""
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    for path in entries:
        if not pattern.match(path.name):
            continue
        try:
            st = path.lstat()
            if st.st_mtime >= STARTED:
                continue
            if folders:
                if not path.is_dir() or path.is_symlink():
                    continue
                lock = path / _LOCK_NAME
                if in_use(lock):
                    continue
                lock.unlink(missing_ok=True)  # on Windows this fails while its writer runs
                shutil.rmtree(path)
            else:
                if not path.is_file() or path.is_symlink() or in_use(path):
                    continue
                path.unlink()
        except OSError:
            log.info("left %s for now", path, exc_info=True)
            continue
        log.info("removed %s, left by a run that did not finish", path)
        removed.append(path)
    return removed


@contextmanager
def folder_lock(folder: Path, name: str, *, wait: float, on_wait: Any = None) -> Iterator[None]:
    """Hold the lock file ``folder/name`` while the block runs, so that two runs writing to one folder take
    turns. Waits up to ``wait`` seconds (telling ``on_wait(seconds)`` now and then), then TimeoutError.
    OSError if the lock file cannot be made (a read-only stick): the caller says so as for any write."""
    path = Path(folder) / name
    start = time.monotonic()
    while True:
        fh = open(path, "a+b")  # noqa: SIM115 - closed below
        if _try_lock(fh) and _still_there(fh, path):
            break
        fh.close()
        waited = time.monotonic() - start
        if waited >= wait:
            raise TimeoutError(str(path))
        if on_wait is not None:
            on_wait(waited)
        time.sleep(0.2)
    try:
        yield
    finally:
        # The lock file goes again (a folder of backups holds backups only). Removed while still locked:
        # a run that was waiting on it finds it gone and starts over with a new one (_still_there).
        try:
            path.unlink()
        except OSError:  # Windows, while another run has it open: it stays, harmless
            pass
        fh.close()  # releases the lock


def _still_there(fh: Any, path: Path) -> bool:
    """Whether the file locked is still the one at ``path`` (not removed by the run before)."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    own = os.fstat(fh.fileno())
    return os.name == "nt" or (st.st_ino, st.st_dev) == (own.st_ino, own.st_dev)


def _try_lock(fh: Any) -> bool:
    if os.name == "nt":
        import msvcrt

        try:
            fh.seek(0)
            msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:  # a file system without locks: go on as before
        log.debug("could not lock %s", fh, exc_info=True)
        return True
