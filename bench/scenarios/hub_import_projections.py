"""The township imports one month's bundles from 60 villages with its projections, against the same import
without them (SQLite and PostgreSQL).

The data and the import are those of the hub-import scenario (bench/scenarios/hub_import.py,
bench/sync_data.py): each hub already holds every village's first bundle, then the monthly bundles are
imported with ``import_bundles``. Ours: the import as it is, which brings the township's projections up to
date inside each bundle's transaction (app/hub/projections.py). Floor: the same import with the projection
step taken out (``project_village`` does nothing), on a second hub holding the same earlier bundles. The two
alternate within the run. Target: at most 1.5x.
"""

from __future__ import annotations

import gc
import shutil
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.core import Result, Settings, median, ratio_of
from bench.scenarios.hub_import import _hub_with_first_bundles, each_database
from bench.sync_data import township

NAME = "hub-import-projections"
TARGET = "≤ 1.5x"
UNITS = "s"
LIMIT = 1.5


REPEATS = 5  # each side; the import is mostly the wait for the disk, which other work on the machine disturbs


@contextmanager
def _timed_projections(spent: list[float]) -> Any:
    """The projection step as it is, its time added up in ``spent`` (it runs inside each bundle's transaction)."""
    import app.hub.projections as p

    saved = p.project_village

    def timed(*a: Any, **k: Any) -> None:
        start = time.perf_counter()
        try:
            saved(*a, **k)
        finally:
            spent.append(time.perf_counter() - start)

    p.project_village = timed  # type: ignore[assignment]
    try:
        yield
    finally:
        p.project_village = saved


@contextmanager
def _without_projections() -> Any:
    import app.hub.projections as p

    saved = p.project_village, p.refresh_village
    p.project_village = lambda *a, **k: None  # type: ignore[assignment]
    p.refresh_village = lambda *a, **k: None  # type: ignore[assignment]
    try:
        yield
    finally:
        p.project_village, p.refresh_village = saved


def _one(source: Path, work: Path, url: str | None, *, projections: bool) -> tuple[float, int, float]:
    from app.hub.service import IMPORTED, import_bundles

    hub, entries = _hub_with_first_bundles(source, work, url)
    try:
        gc.collect()
        files = [source / e["month"] for e in entries]
        spent: list[float] = []
        if projections:
            with _timed_projections(spent):
                start = time.perf_counter()
                outcomes, _ = import_bundles(hub, files, receipts=work / "r1")
                took = time.perf_counter() - start
        else:
            with _without_projections():
                start = time.perf_counter()
                outcomes, _ = import_bundles(hub, files, receipts=work / "r1")
                took = time.perf_counter() - start
        assert all(o.status == IMPORTED for o in outcomes), outcomes[0].message
        return took, sum(o.events for o in outcomes), sum(spent)
    finally:
        hub.close()
        shutil.rmtree(work, ignore_errors=True)


def _measure(settings: Settings, source: Path, label: str, make_url) -> Result:  # type: ignore[no-untyped-def]
    ours, floor, inside = [], [], []
    events = 0
    for i in range(1 if settings.quick else REPEATS):
        for projections in ((True, False) if i % 2 == 0 else (False, True)):
            tag = "ours" if projections else "floor"
            took, events, spent = _one(source, settings.work_dir / f"hubp-{label}-{tag}-{i}", make_url(f"{tag}{i}"),
                                       projections=projections)
            (ours if projections else floor).append(took)
            if projections:
                inside.append(spent)
    ours_s, floor_s = median(ours), median(floor)
    ratio = ratio_of(ours_s, floor_s)
    return Result(f"{NAME}-{label}", ours_s, floor_s, ratio, TARGET, ratio is not None and ratio <= LIMIT, UNITS, {
        "events": events,
        "floor": "the same import of the month's bundles without the projections (project_village a no-op), "
                 "on a hub holding the same earlier bundles; runs alternate",
        "projection_seconds": median(inside), "projection_samples": inside,
        "ours_samples": ours, "floor_samples": floor})


def run(settings: Settings) -> list[Result]:
    source = township(settings)
    return each_database(NAME, TARGET, UNITS,
                         lambda label, make_url: _measure(settings, source, label, make_url))
