"""Fault injection for the hardening suite: fail the N-th write, fsync or rename the program makes.

An :class:`Injector` patches the calls every file write of the program goes through -- ``open`` (the
file it returns counts each ``write``), ``os.write``, ``os.fsync``, ``os.replace``/``os.rename``/``os.link``
-- and counts only the calls on paths under one folder (the test's tmp dir), leaving log files out. The
N-th call of the chosen kind raises the chosen ``OSError`` (once, or from then on: a full disk stays full).
``shutil.copyfile`` is made to copy through Python's file objects so its writes count too. SQLite's own
writes happen in C and are not counted; the kill tests hold those (tests/test_kill.py).

:func:`state` is what a person would notice of a folder: every file (name and content; SQLite databases
by their rows per table and their last event), so a failed attempt can be compared with before.
"""

from __future__ import annotations

import builtins
import errno
import hashlib
import io
import os
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

KINDS = ("write", "fsync", "rename")
# (name, errno, persistent): a stick that hiccups once, one that fails from then on, and a full disk
MODES = (("once", errno.EIO, False), ("always", errno.EIO, True), ("disk-full", errno.ENOSPC, True))
SHORT_MODES = (MODES[0], MODES[2])  # CI: once and a full disk (which stays full); the long form adds "always"
_SIDECARS = ("-wal", "-shm", "-journal")
_SQLITE = b"SQLite format 3\x00"

_real_open = builtins.open
_real_io_open = io.open
_real_write = os.write
_real_fsync = os.fsync
_real_replace = os.replace
_real_rename = os.rename
_real_link = os.link


class InjectedFault(OSError):
    """The fault this suite raised (an OSError like any the disk raises)."""


@dataclass
class Injector:
    root: Path
    kind: str | None = None     # None: only count
    at: int = 0                 # the N-th call of ``kind`` fails (1-based)
    err: int = errno.EIO
    persistent: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    fired: int = 0

    def __post_init__(self) -> None:
        self.root = Path(os.path.realpath(self.root))
        self._prefix = str(self.root) + os.sep

    # ------------------------------------------------------------ which calls count

    def _path(self, target: Any) -> str | None:
        try:
            if isinstance(target, int):
                return os.readlink(f"/proc/self/fd/{target}")
            return os.path.realpath(os.fsdecode(os.fspath(target)))
        except (OSError, TypeError, ValueError):
            return None

    def watched(self, target: Any) -> bool:
        p = self._path(target)
        if p is None or not p.startswith(self._prefix):
            return False
        parts = Path(p).relative_to(self.root).parts
        return "logs" not in parts[:-1]  # the log file is the program's diary, not a file a person keeps

    def hit(self, kind: str, target: Any) -> None:
        if not self.watched(target):
            return
        self.counts[kind] += 1
        n = self.counts[kind]
        if kind == self.kind and (n == self.at or (self.persistent and n > self.at)):
            self.fired += 1
            raise InjectedFault(self.err, os.strerror(self.err), self._path(target))

    # ------------------------------------------------------------ the patches

    @contextmanager
    def active(self) -> Iterator[Injector]:
        inj = self

        class Counted:
            """A file opened for writing whose ``write`` calls count."""

            def __init__(self, f: Any, target: Any) -> None:
                self._f = f
                self._target = target

            def write(self, data: Any) -> Any:
                inj.hit("write", self._target)
                return self._f.write(data)

            def writelines(self, lines: Any) -> None:
                for line in lines:
                    self.write(line)

            def __enter__(self) -> Counted:
                return self

            def __exit__(self, *exc: Any) -> None:
                self._f.close()

            def __iter__(self) -> Any:
                return iter(self._f)

            def __getattr__(self, name: str) -> Any:
                return getattr(self._f, name)

        def counted_open(real: Any) -> Any:
            def opener(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
                f = real(file, mode, *args, **kwargs)
                if any(c in mode for c in "wax+") and inj.watched(file):
                    return Counted(f, file)
                return f
            return opener

        def write(fd: int, data: Any) -> int:
            inj.hit("write", fd)
            return _real_write(fd, data)

        def fsync(fd: Any) -> None:
            inj.hit("fsync", fd if isinstance(fd, int) else fd.fileno())
            _real_fsync(fd)

        def renamer(real: Any) -> Any:
            def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
                inj.hit("rename", dst)
                return real(src, dst, *args, **kwargs)
            return rename

        saved = (builtins.open, io.open, os.write, os.fsync, os.replace, os.rename, os.link,
                 shutil._USE_CP_SENDFILE)  # type: ignore[attr-defined]
        builtins.open = counted_open(_real_open)
        io.open = counted_open(_real_io_open)
        os.write, os.fsync = write, fsync
        os.replace, os.rename, os.link = renamer(_real_replace), renamer(_real_rename), renamer(_real_link)
        shutil._USE_CP_SENDFILE = False  # type: ignore[attr-defined]
        try:
            yield self
        finally:
            (builtins.open, io.open, os.write, os.fsync, os.replace, os.rename, os.link,
             shutil._USE_CP_SENDFILE) = saved  # type: ignore[attr-defined]


# ---------------------------------------------------------------- what a person would notice of a folder


def _db_state(path: Path) -> tuple[Any, ...]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
        counts = tuple((t, con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0]) for t in tables)
        head = None
        if "events" in tables:
            head = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return ("sqlite", counts, head)
    finally:
        con.close()


def state(root: Path) -> dict[str, Any]:
    """Every file under ``root`` (logs and SQLite's sidecar files left out): its content's hash, or for a
    SQLite database its tables' row counts and its last event."""
    out: dict[str, Any] = {}
    for folder, _dirs, files in os.walk(root):
        rel_folder = Path(folder).relative_to(root)
        if "logs" in rel_folder.parts:
            continue
        for name in files:
            if name.endswith(_SIDECARS):
                continue
            p = Path(folder) / name
            with _real_open(p, "rb") as fh:
                head = fh.read(16)
            if head == _SQLITE:
                out[str(rel_folder / name)] = _db_state(p)
            else:
                out[str(rel_folder / name)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def leftovers(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """New files whose names say they are temporary (a ``.part``, ``.tmp``, hidden or ``~`` name)."""
    new = set(after) - set(before)
    return sorted(p for p in new if Path(p).name.startswith((".", "~")) or p.endswith((".part", ".tmp", "~"))
                  or ".tmp" in Path(p).name or ".part" in Path(p).name)


def positions(total: int, *, long: bool, keep: int = 8) -> list[int]:
    """The N to fail at for an operation that makes ``total`` calls of a kind, then ``total + 1`` (nothing
    fails: the operation succeeds). The long form tries every N; the short one the first three, the last
    three and an even spread between."""
    if long or total <= keep:
        return list(range(1, total + 2))
    spread = {1 + round(i * (total - 1) / (keep - 5)) for i in range(keep - 5)}
    return sorted({1, 2, 3, total - 2, total - 1, total, *spread, total + 1})
