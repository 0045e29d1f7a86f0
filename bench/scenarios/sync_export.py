"""Incremental export of one month of changes on the large demo village (ten years old).

Floor: the same events, already in memory, serialised to canonical JSON lines,
gzip-compressed and hashed — the work no bundle can avoid. Ours is the whole
export: reading the log, archiving, encrypting, signing, writing to the
"stick" with fsync, reading it back. Size is compared with the gzip of the
same canonical JSON and reported against the database file.
"""

from __future__ import annotations

import gc
import gzip
import hashlib
import shutil
import time

from bench.core import Result, Settings, median, ratio_of
from bench.sync_data import aged_village, link_to_township

NAME = "sync-export"
TARGET = "time ≤ 3x, size ≤ 1.2x"
UNITS = "s"
TIME_LIMIT = 3.0
SIZE_LIMIT = 1.2


def _month_start(store) -> int:  # type: ignore[no-untyped-def]
    """The first event of the last month (events carry the month they were written in)."""
    from sqlalchemy import func, select

    from app.events import Event

    with store.read() as s:
        last_time = s.scalar(select(Event.time).order_by(Event.seq.desc()).limit(1))
        return s.scalar(select(func.min(Event.seq)).where(Event.time == last_time))


def run(settings: Settings) -> list[Result]:
    from sqlalchemy import delete, select

    from app.events import Event, canonical
    from app.hub.service import init_hub
    from app.schema import open_store
    from app.sync.export import export_bundle
    from app.sync.models import OutboxEntry

    data = settings.work_dir / "sync-export"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(aged_village(settings), data / "village")
    hub = init_hub(data / "township", "石桥镇")
    hub.close()
    link_to_township(data / "village", hub.dir)
    store = open_store(data / "village")
    stick = data / "stick"
    stick.mkdir()
    try:
        first = _month_start(store)
        table = Event.__table__
        with store.read() as s:
            rows = [dict(r) for r in s.execute(select(table).where(table.c.seq >= first).order_by(table.c.seq))
                    .mappings()]
            head = s.scalar(select(table.c.seq).order_by(table.c.seq.desc()).limit(1))
        ours, floor, sizes = [], [], []
        gz_size = 0
        for _ in range(settings.heavy_repeats):
            gc.collect()
            start = time.perf_counter()
            lines = b"".join((canonical(r) + "\n").encode("utf-8") for r in rows)
            packed = gzip.compress(lines, compresslevel=6)
            hashlib.sha256(packed).hexdigest()
            floor.append(time.perf_counter() - start)
            gz_size = len(packed)

            with store.begin() as s:  # as if everything before this month went out last month
                s.execute(delete(OutboxEntry))
                s.add(OutboxEntry(file_name="earlier", folder="", first_seq=1, last_seq=first - 1, head="",
                                  size=0, sha256="", full=False, created="", state="exported"))
            for f in stick.iterdir():
                f.unlink()
            gc.collect()
            start = time.perf_counter()
            result = export_bundle(store, stick)
            ours.append(time.perf_counter() - start)
            sizes.append(result.size)
            assert result.events == len(rows) and result.last == head
        db_size = store.db_path.stat().st_size
    finally:
        store.close()
        shutil.rmtree(data, ignore_errors=True)
    ours_s, floor_s = median(ours), median(floor)
    t_ratio = ratio_of(ours_s, floor_s)
    size_ratio = sizes[-1] / gz_size
    met = t_ratio is not None and t_ratio <= TIME_LIMIT and size_ratio <= SIZE_LIMIT
    return [Result(NAME, ours_s, floor_s, t_ratio, TARGET, met, "s", {
        "events": len(rows), "bundle_bytes": sizes[-1], "gzip_of_canonical_json_bytes": gz_size,
        "size_ratio": round(size_ratio, 3), "database_bytes": db_size,
        "bundle_vs_database": round(sizes[-1] / db_size, 4),
        "floor": "canonical JSON lines of the same events + gzip + sha256, rows already in memory",
        "ours_samples": ours, "floor_samples": floor})]
