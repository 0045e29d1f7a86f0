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
_handler: logging.Handler | None = None
_path: Path | None = None


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
    """Log to ``data_dir/logs/cunwu.log``; a second call for another directory moves the log there."""
    global _handler, _path
    log_dir = data_dir / "logs"
    path = log_dir / "cunwu.log"
    if path == _path:
        return path
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        _rotate(path)
        # opened now, not on the first message: the file must exist while the directory does
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        return None  # a read-only disk is reported by the command itself
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    if _handler is not None:
        root.removeHandler(_handler)
        _handler.close()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _handler, _path = handler, path
    return path


def stop_logging() -> None:
    """Close the log file (tests call this between data directories)."""
    global _handler, _path
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
    _handler, _path = None, None
