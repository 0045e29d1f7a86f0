"""The residents screen's first paint over 20,000 residents against the same screen over 100.

A table that loads lazily (fetchMore) paints its first page in the same time
whatever the size of the register; one that loads everything grows with it.
Each measurement is a fresh process (bench/paint_probe.py) so no run benefits
from the previous one's caches inside Python or Qt.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.core import ROOT, Result, Settings, failed, median, ratio_of, run_child, tail, unavailable
from bench.villages import large_village, residents_in, small_village

NAME = "paint"
TARGET = "≤ 1.3x"
UNITS = "ms"
LIMIT = 1.3


def _probe(data_dir: Path) -> tuple[dict[str, Any] | None, str]:
    """The probe's result, or None and why. A probe that printed its result and then
    crashed while exiting still counts; the crash is kept with the result."""
    run = run_child([sys.executable, "-m", "bench.paint_probe", str(data_dir)])
    for line in reversed(run.output.strip().splitlines()):
        if line.startswith("{"):
            result = json.loads(line)
            if run.returncode != 0:
                result["exit"] = f"exit {run.returncode} after measuring: {tail(run.output, 4)}"
            return result, ""
    return None, f"exit {run.returncode}, no result printed: {tail(run.output)}"


def run(settings: Settings) -> list[Result]:
    if not (ROOT / "ui" / "people" / "residents_screen.py").exists():
        return [unavailable(NAME, TARGET, UNITS, "ui/people/residents_screen.py is not in this checkout yet")]
    large, small = large_village(settings), small_village(settings)
    details: dict[str, object] = {"large_residents": residents_in(large), "small_residents": residents_in(small),
                                  "runs": settings.repeats, "window": "1280x800, offscreen"}
    if settings.warmup:
        _probe(small)
        _probe(large)
    ours: list[float] = []
    floor: list[float] = []
    for _i in range(settings.repeats):
        for data_dir, samples in ((small, floor), (large, ours)):
            result, error = _probe(data_dir)
            if result is None:
                return [failed(NAME, TARGET, UNITS, f"measuring {data_dir.name}: {error}", **details)]
            samples.append(float(result["ms"]))
            which = "large" if samples is ours else "small"
            details[f"rows_shown_{which}"] = result["rows_shown"]
            if "exit" in result:
                details[f"exit_{which}"] = result["exit"]
    ours_ms, floor_ms = median(ours), median(floor)
    ratio = ratio_of(ours_ms, floor_ms)
    return [Result(NAME, ours_ms, floor_ms, ratio, TARGET, ratio is not None and ratio <= LIMIT, "ms",
                   {**details, "ours_samples": ours, "floor_samples": floor})]
