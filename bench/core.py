"""What every scenario shares: the result row, settings, statistics, child processes."""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

COLUMNS = ("scenario", "ours", "floor", "ratio", "target", "met")
KEYS = (*COLUMNS, "units", "details")


@dataclass
class Result:
    """One row of the table and one object of latest.json.

    ``met`` is None when the scenario could not be measured (``details['status']``
    says why); a missed target is False and is never hidden.
    """

    scenario: str
    ours: float | None
    floor: float | None
    ratio: float | None
    target: str
    met: bool | None
    units: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def ratio_of(ours: float | None, floor: float | None) -> float | None:
    if ours is None or floor is None or floor <= 0:
        return None
    return ours / floor


def unavailable(scenario: str, target: str, units: str, reason: str, **details: Any) -> Result:
    return Result(scenario, None, None, None, target, None, units,
                  {"status": "not available", "reason": reason, **details})


def failed(scenario: str, target: str, units: str, reason: str, **details: Any) -> Result:
    return Result(scenario, None, None, None, target, None, units,
                  {"status": "failed", "reason": reason, **details})


@dataclass
class Settings:
    quick: bool
    cache_dir: Path
    work_dir: Path

    @property
    def repeats(self) -> int:
        """Runs per measurement; process start-ups always get five in a full run."""
        return 1 if self.quick else 5

    @property
    def heavy_repeats(self) -> int:
        """Runs for measurements that take seconds each (the 20,000-row import)."""
        return 1 if self.quick else 3

    @property
    def warmup(self) -> bool:
        """A discarded first run fills the OS file cache so run 1 is not an outlier."""
        return not self.quick


def median(values: list[float]) -> float:
    return float(statistics.median(values))


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the value that p per cent of the samples do not exceed."""
    ordered = sorted(values)
    if not ordered:
        raise ValueError("no samples")
    rank = max(1, -(-len(ordered) * p // 100))
    return float(ordered[int(rank) - 1])


# ---------------------------------------------------------------- the machine

def _meminfo_mb() -> int | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) // 1024
    except OSError:
        pass
    return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - a missing package is reported as None
        return None


def environment() -> dict[str, Any]:
    """Machine, interpreter and library versions, recorded with every result."""
    import sqlite3

    qt = None
    try:
        from PySide6.QtCore import qVersion

        qt = qVersion()
    except Exception:  # noqa: BLE001 - the core benches still run without Qt
        pass
    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": {
            "platform": platform.platform(),
            "cpu": _cpu_model(),
            "cpus": os.cpu_count(),
            "memory_mb": _meminfo_mb(),
        },
        "python": platform.python_version(),
        "qt": qt,
        "pyside6": _version("PySide6-Essentials") or _version("PySide6"),
        "sqlite": sqlite3.sqlite_version,
        "sqlalchemy": _version("SQLAlchemy"),
        "pandas": _version("pandas"),
        "openpyxl": _version("openpyxl"),
    }


# ---------------------------------------------------------------- child processes

@dataclass(frozen=True)
class ChildRun:
    seconds: float
    max_rss_mb: float | None
    returncode: int
    output: str


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    # the child must find app/, ui/ and bench/ of this checkout whatever is installed
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def run_child(cmd: list[str], *, timeout: float = 300.0) -> ChildRun:
    """Run one fresh process; wall time from spawn to exit and its peak resident memory.

    ``os.wait4`` returns the resource usage of exactly this child, so runs do
    not contaminate each other the way RUSAGE_CHILDREN's running maximum would.
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=child_env(), stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            if hasattr(os, "wait4"):
                _pid, status, usage = os.wait4(proc.pid, 0)
                seconds = time.perf_counter() - start
                code = os.waitstatus_to_exitcode(status)
                proc.returncode = code
                # ru_maxrss is in KiB on Linux (bytes on macOS)
                scale = 1024 * 1024 if sys.platform == "darwin" else 1024
                rss: float | None = usage.ru_maxrss / scale
            else:
                code = proc.wait()
                seconds = time.perf_counter() - start
                rss = None
        finally:
            killer.cancel()
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return ChildRun(seconds, rss, code, text)


def tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
