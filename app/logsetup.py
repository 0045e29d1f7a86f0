"""One log file per data directory; tracebacks go here, never to the clerk.

The file is rotated when the program starts (logging.handlers would cost a
noticeable part of the start-up time for a feature needed once in a while).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

MAX_BYTES = 2_000_000
KEEP = 3
_done: set[Path] = set()


def _rotate(path: Path) -> None:
    try:
        if path.stat().st_size < MAX_BYTES:
            return
    except OSError:
        return
    for i in range(KEEP - 1, 0, -1):
        older = path.with_name(f"{path.name}.{i}")
        if older.exists():
            os.replace(older, path.with_name(f"{path.name}.{i + 1}"))
    os.replace(path, path.with_name(f"{path.name}.1"))


def setup_logging(data_dir: Path) -> Path | None:
    log_dir = data_dir / "logs"
    path = log_dir / "cunwu.log"
    if log_dir in _done:
        return path
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        _rotate(path)
        handler = logging.FileHandler(path, encoding="utf-8", delay=True)
    except OSError:
        return None  # a read-only disk is reported by the command itself
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _done.add(log_dir)
    return path
