"""One log file per data directory; tracebacks go here, never to the clerk."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

_done: set[Path] = set()


def setup_logging(data_dir: Path) -> Path | None:
    log_dir = data_dir / "logs"
    if log_dir in _done:
        return log_dir / "cunwu.log"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(log_dir / "cunwu.log", maxBytes=2_000_000, backupCount=3,
                                                       encoding="utf-8")
    except OSError:
        return None  # a read-only disk is reported by the command itself
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    _done.add(log_dir)
    return log_dir / "cunwu.log"
