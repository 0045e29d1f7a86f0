"""The township program's 总览 over a county of 600 villages against the same screen over 10.

The overview is a table model fed from the hub's status rows (app.hub.status.status_rows, read on a
worker); painting shows only the rows in view, so 600 villages should paint in about the time of 10.
Each measurement is a fresh process (``python -m bench.scenarios.township_overview DATA_DIR``): from
creating the screen to its first full paint with every row loaded and no worker busy.

The hubs are made directly in the hub's tables (enrolled villages, some synced days ago, some never):
what is measured is the screen, not the import.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from bench.core import Result, Settings, failed, median, ratio_of, run_child, tail

NAME = "township-overview"
TARGET = "≤ 1.3x"
UNITS = "ms"
LIMIT = 1.3
LARGE, SMALL = 600, 10
WAIT_SECONDS = 120.0


def _hub(settings: Settings, villages: int) -> Path:
    """A data folder whose hub has ``villages`` enrolled villages (made once, kept in the cache)."""
    from sqlalchemy import insert

    from app.hub import store as t
    from app.hub.service import init_hub

    data = settings.cache_dir / "township-{n}".format(n=villages)
    if (data / "hub" / "hub.json").exists():
        return data
    hub = init_hub(data, "演示镇")
    today = dt.date.today()
    try:
        with hub.engine.begin() as conn:
            conn.execute(insert(t.villages), [{
                "code": "54371426{n:09d}X".format(n=i), "name": "第{n}村".format(n=i + 1), "township": "演示镇",
                "public_key": "", "fingerprint": "", "enrolled": (today - dt.timedelta(days=400)).isoformat(),
                "last_seq": 0 if i % 7 == 3 else 100,
                "last_import": "" if i % 7 == 3 else (today - dt.timedelta(days=i % 40)).isoformat() + "T10:00:00",
            } for i in range(villages)])
    finally:
        hub.close()
    return data


def measure(data_dir: Path) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QThreadPool
    from PySide6.QtWidgets import QApplication, QLabel

    from app.hub.service import open_hub

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.fonts import install_app_font

    install_app_font(app)  # type: ignore[arg-type]
    from ui.township.overview import OverviewScreen

    hub = open_hub(data_dir)
    warm = QLabel("总览 第1村 逾期 3 项")
    warm.show()
    warm.grab()
    warm.close()
    app.processEvents()

    start = time.perf_counter()
    screen = OverviewScreen(hub)
    screen.resize(1366, 728)
    screen.show()
    loop = QEventLoop()
    while screen.rows is None or QThreadPool.globalInstance().activeThreadCount():
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if time.perf_counter() - start > WAIT_SECONDS:
            raise TimeoutError("the overview showed no villages within {s:.0f} s".format(s=WAIT_SECONDS))
        time.sleep(0.001)
    loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
    picture = screen.grab()
    elapsed = time.perf_counter() - start
    rows = screen.model.rowCount()
    screen.close()
    hub.close()
    return {"ms": elapsed * 1000, "rows": rows, "painted": not picture.isNull()}


def _probe(data_dir: Path) -> tuple[dict[str, Any] | None, str]:
    run = run_child([sys.executable, "-m", "bench.scenarios.township_overview", str(data_dir)])
    for line in reversed(run.output.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line), ""
    return None, "exit {c}, no result printed: {t}".format(c=run.returncode, t=tail(run.output))


def run(settings: Settings) -> list[Result]:
    large, small = _hub(settings, LARGE), _hub(settings, SMALL)
    details: dict[str, Any] = {"large_villages": LARGE, "small_villages": SMALL, "runs": settings.repeats,
                               "window": "1366x728, offscreen"}
    if settings.warmup:
        _probe(small)
        _probe(large)
    ours: list[float] = []
    floor: list[float] = []
    for _i in range(settings.repeats):
        for data_dir, samples in ((small, floor), (large, ours)):
            result, error = _probe(data_dir)
            if result is None:
                return [failed(NAME, TARGET, UNITS, "measuring {d}: {e}".format(d=data_dir.name, e=error), **details)]
            samples.append(float(result["ms"]))
            details["rows_{w}".format(w="large" if samples is ours else "small")] = result["rows"]
    ours_ms, floor_ms = median(ours), median(floor)
    ratio = ratio_of(ours_ms, floor_ms)
    return [Result(NAME, ours_ms, floor_ms, ratio, TARGET, ratio is not None and ratio <= LIMIT, UNITS,
                   {**details, "ours_samples": ours, "floor_samples": floor})]


if __name__ == "__main__":
    print(json.dumps(measure(Path(sys.argv[1]))), flush=True)
