"""Start-up: ``cunwu-desktop --smoke`` on the large village against a bare Qt window.

Both are fresh processes started the same way (offscreen Qt), so the
interpreter, PySide6 import and window creation cost the same in each; what is
left is what the program adds: opening and checking the store, building the
main window, loading its first data. Peak memory comes from the same runs.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bench.core import ROOT, ChildRun, Result, Settings, failed, median, ratio_of, run_child, tail, unavailable
from bench.villages import large_village, residents_in

NAME = "smoke"
TARGET = TIME_TARGET = "≤ 2x"
UNITS = "s"
TIME_LIMIT = 2.0
MEMORY_TARGET = "≤ 300 MB"
MEMORY_LIMIT_MB = 300.0

_MAIN_GUARD = re.compile(r"""^if\s+__name__\s*==\s*['"]__main__['"]\s*:""", re.MULTILINE)


def desktop_command() -> list[str] | None:
    """How to start the desktop program: ``python -m ui.app`` if it supports it, else the console script."""
    module = ROOT / "ui" / "app.py"
    if not module.exists():
        return None
    if _MAIN_GUARD.search(module.read_text(encoding="utf-8")):
        return [sys.executable, "-m", "ui.app"]
    script = Path(sys.executable).parent / ("cunwu-desktop.exe" if sys.platform == "win32" else "cunwu-desktop")
    if script.exists():
        return [str(script)]
    return None


def floor_command() -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "floor_window.py")]


def run(settings: Settings) -> list[Result]:
    base = desktop_command()
    data_dir = large_village(settings)
    details = {"residents": residents_in(data_dir), "data_dir": str(data_dir), "runs": settings.repeats,
               "floor_command": " ".join(floor_command()), "qt_platform": "offscreen"}
    if base is None:
        reason = "ui/app.py (the cunwu-desktop entry point) is not in this checkout yet"
        return [unavailable(NAME, TIME_TARGET, "s", reason, **details),
                unavailable("smoke-memory", MEMORY_TARGET, "MB", reason, **details)]
    ours_cmd = [*base, "--smoke", "--data-dir", str(data_dir)]
    details["command"] = " ".join(ours_cmd)
    if settings.warmup:
        run_child(floor_command())
        run_child(ours_cmd)
    ours_runs: list[ChildRun] = []
    floor_runs: list[ChildRun] = []
    # alternate the two so a slow moment of the machine hits both alike
    for _i in range(settings.repeats):
        floor_runs.append(run_child(floor_command()))
        ours_runs.append(run_child(ours_cmd))
        bad = next((r for r in (floor_runs[-1], ours_runs[-1]) if r.returncode != 0), None)
        if bad is not None:
            which = "cunwu-desktop --smoke" if bad is ours_runs[-1] else "bench/floor_window.py"
            reason = f"{which} exited with {bad.returncode}"
            details["output"] = tail(bad.output)
            return [failed(NAME, TIME_TARGET, "s", reason, **details),
                    failed("smoke-memory", MEMORY_TARGET, "MB", reason, **details)]

    ours_s = median([r.seconds for r in ours_runs])
    floor_s = median([r.seconds for r in floor_runs])
    time_ratio = ratio_of(ours_s, floor_s)
    time_row = Result(NAME, ours_s, floor_s, time_ratio, TIME_TARGET,
                      time_ratio is not None and time_ratio <= TIME_LIMIT, "s",
                      {**details, "ours_samples": [r.seconds for r in ours_runs],
                       "floor_samples": [r.seconds for r in floor_runs]})

    ours_rss = [r.max_rss_mb for r in ours_runs if r.max_rss_mb is not None]
    floor_rss = [r.max_rss_mb for r in floor_runs if r.max_rss_mb is not None]
    if not ours_rss:
        return [time_row, unavailable("smoke-memory", MEMORY_TARGET, "MB",
                                      "this platform does not report a child's peak memory (os.wait4)")]
    ours_mb = median(ours_rss)
    floor_mb = median(floor_rss) if floor_rss else None
    memory_row = Result("smoke-memory", ours_mb, floor_mb, ratio_of(ours_mb, floor_mb), MEMORY_TARGET,
                        ours_mb <= MEMORY_LIMIT_MB, "MB",
                        {**details, "measure": "peak resident set size of the process (ru_maxrss via os.wait4)",
                         "ours_samples": ours_rss, "floor_samples": floor_rss})
    return [time_row, memory_row]
