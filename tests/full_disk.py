"""A USB stick that is full, or fills up while the program writes to it (no test lives here).

``full_disk(monkeypatch, folder, room)`` makes every file opened for writing inside ``folder`` a real file whose
writes fail with ENOSPC ("No space left on device") once ``room`` bytes have gone to the folder in all, as the
operating system does on a full disk: the failure comes from the lowest write, through Python's buffering
and whatever library (openpyxl's zip, ReportLab, csv) is writing, never from a stand-in the program calls
directly. Creating the file still works (a full FAT stick has room for one more directory entry). Files
elsewhere (the store, the log) are written as usual.
"""

from __future__ import annotations

import builtins
import errno
import io
import os
from pathlib import Path
from typing import Any

import pytest

_real_open = io.open


class Stick:
    def __init__(self, folder: Path, room: int) -> None:
        self.folder = Path(folder).resolve()
        self.left = room
        self.refused = 0  # how many writes the full disk refused

    def inside(self, file: Any) -> bool:
        try:
            return Path(os.fspath(file)).resolve().is_relative_to(self.folder)
        except (TypeError, ValueError, OSError):
            return False


class _FullFile(io.FileIO):
    stick: Stick

    def write(self, data: Any) -> int:  # type: ignore[override]
        size = memoryview(data).nbytes
        if size > self.stick.left:
            self.stick.refused += 1
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.stick.left -= size
        return super().write(data)


def full_disk(monkeypatch: pytest.MonkeyPatch, folder: Path, room: int = 0) -> Stick:
    """The stick at ``folder`` has ``room`` bytes left, until the test ends or ``monkeypatch.undo()``."""
    return install(folder, room, monkeypatch.setattr)


def install(folder: Path, room: int = 0, patch: Any = setattr) -> Stick:
    """As :func:`full_disk`, for good (in a child process that runs one command and ends)."""
    stick = Stick(folder, room)

    def opener(file: Any, mode: str = "r", buffering: int = -1, encoding: str | None = None,
               errors: str | None = None, newline: str | None = None, closefd: bool = True,
               opener: Any = None) -> Any:
        if isinstance(file, int) or not any(c in mode for c in "wax+") or not stick.inside(file):
            return _real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)
        raw = _FullFile(file, mode.replace("b", "").replace("t", ""), closefd=closefd, opener=opener)
        raw.stick = stick
        buffered = io.BufferedRandom(raw) if "+" in mode else io.BufferedWriter(raw)
        if "b" in mode:
            return buffered
        return io.TextIOWrapper(buffered, encoding=encoding or "utf-8", errors=errors, newline=newline)

    patch(builtins, "open", opener)
    patch(io, "open", opener)
    return stick
