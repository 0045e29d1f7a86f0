"""The township imports one month's bundles from 60 villages (SQLite and PostgreSQL).

Each run starts from a hub that already holds every village's first bundle.
Floor: inserting the same rows the import writes straight into the same tables
of a second hub that holds the same earlier bundles — the events with
executemany on SQLite and COPY on PostgreSQL, and each record's new content into
the records projection (an upsert, the only way to write it) — with one durable
transaction per bundle, which the import must have too (a bundle is applied
whole or not at all). The gap is what the import adds: signature and hash
checks, decryption, the event chain, receipts. Ours is the whole import:
signature and hash checks, decryption, the event chain, the events, the
records projection and the receipts.
"""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
import sys
import time
from pathlib import Path

from bench.core import ROOT, Result, Settings, median, ratio_of, unavailable
from bench.sync_data import township

NAME = "hub-import"
TARGET = "≤ 3x"
UNITS = "s"
LIMIT = 3.0


def _fresh_hub(source: Path, work: Path, url: str | None):  # type: ignore[no-untyped-def]
    from app.hub.service import Hub, enroll
    from app.hub.store import create_schema, make_hub_engine

    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source / "hub", work / "hub", ignore=shutil.ignore_patterns("hub.sqlite3*", "tmp", "pending"))
    db = url or f"sqlite:///{work / 'hub' / 'hub.sqlite3'}"
    engine = make_hub_engine(db)
    create_schema(engine)
    hub = Hub(work / "hub", "石桥镇", db, engine)
    entries = json.loads((source / "township.json").read_text(encoding="utf-8"))
    for e in entries:
        enroll(hub, source / e["identity"])
    return hub, entries


def _month_rows(hub, source: Path, entries: list[dict]) -> list[tuple]:  # type: ignore[no-untyped-def]
    """The event rows of the monthly bundles, decrypted once, for the floor (in bundle order)."""
    from app.hub.service import _village_key_lookup
    from app.hub.store import EVENT_COLUMNS
    from app.sync.container import BundleReader

    rows = []
    tmp = hub.tmp_root
    for e in entries:
        reader = BundleReader.open(source / e["month"], _village_key_lookup(hub), hub.secrets.public.fingerprint)
        for kind, ev in reader.contents(hub.secrets.box, tmp):
            if kind == "event":
                ev["village_code"] = e["code"]
                rows.append(tuple(ev[k] for k in EVENT_COLUMNS))
    return rows


def _per_bundle(rows: list[tuple]) -> list[tuple[list[tuple], list[tuple]]]:
    """Per bundle: its event rows and the records rows they leave (the last event of each record)."""
    groups: dict[str, list[tuple]] = {}
    for r in rows:
        groups.setdefault(r[0], []).append(r)
    out = []
    for events in groups.values():
        final = {(e[4], e[5]): e for e in events}
        out.append((events, [(e[0], e[4], e[5], e[1], e[7]) for e in final.values()]))
    return out


_UPSERT = ("INSERT INTO hub_records (village_code, record_type, record_id, seq, content) "
           "VALUES ({p}, {p}, {p}, {p}, {p}) ON CONFLICT (village_code, record_type, record_id) "
           "DO UPDATE SET seq = excluded.seq, content = excluded.content")


def _floor_sqlite(path: Path, rows: list[tuple]) -> float:
    """executemany of each bundle's rows into the hub's own tables, one durable transaction per
    bundle as the import must do, on a hub holding the same earlier bundles."""
    from app.hub.store import EVENT_COLUMNS

    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    sql = f"INSERT INTO hub_events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join('?' * len(EVENT_COLUMNS))})"
    bundles = _per_bundle(rows)
    start = time.perf_counter()
    for events, records in bundles:
        con.execute("BEGIN")
        con.executemany(sql, events)
        con.executemany(_UPSERT.format(p="?"), records)
        con.execute("COMMIT")
    took = time.perf_counter() - start
    con.close()
    return took


def _floor_pg(url: str, rows: list[tuple]) -> float:
    """COPY of each bundle's events and the records upsert, one transaction per bundle, into the
    hub's own tables on a hub holding the same earlier bundles."""
    import psycopg

    from app.hub.store import EVENT_COLUMNS

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as con:
        bundles = _per_bundle(rows)
        start = time.perf_counter()
        for events, records in bundles:
            with con.cursor() as cur:
                with cur.copy(f"COPY hub_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                    for r in events:
                        copy.write_row(r)
                cur.executemany(_UPSERT.format(p="%s"), records)
            con.commit()
        return time.perf_counter() - start


def _hub_with_first_bundles(source: Path, work: Path, url: str | None):  # type: ignore[no-untyped-def]
    from app.hub.service import IMPORTED, import_bundles

    hub, entries = _fresh_hub(source, work, url)
    outcomes, _ = import_bundles(hub, [source / e["first"] for e in entries], receipts=work / "r0")
    assert all(o.status == IMPORTED for o in outcomes), outcomes[0].message
    return hub, entries


def _measure(settings: Settings, source: Path, label: str, make_url) -> Result:  # type: ignore[no-untyped-def]
    from app.hub.service import IMPORTED, import_bundles

    ours, floor = [], []
    events = 0
    for i in range(settings.heavy_repeats):
        work = settings.work_dir / f"hub-{label}-{i}"
        hub, entries = _hub_with_first_bundles(source, work / "ours", make_url(f"ours{i}"))
        try:
            rows = _month_rows(hub, source, entries)
            events = len(rows)
            gc.collect()
            start = time.perf_counter()
            outcomes, _ = import_bundles(hub, [source / e["month"] for e in entries], receipts=work / "r1")
            ours.append(time.perf_counter() - start)
            assert all(o.status == IMPORTED for o in outcomes), outcomes[0].message
        finally:
            hub.close()
        floor_url = make_url(f"floor{i}")
        floor_hub, _ = _hub_with_first_bundles(source, work / "floor", floor_url)
        floor_hub.close()
        gc.collect()
        floor.append(_floor_pg(floor_url, rows) if floor_url else
                     _floor_sqlite(work / "floor" / "hub" / "hub.sqlite3", rows))
        shutil.rmtree(work, ignore_errors=True)
    ours_s, floor_s = median(ours), median(floor)
    ratio = ratio_of(ours_s, floor_s)
    how = "executemany" if label == "sqlite" else "COPY"
    return Result(f"{NAME}-{label}", ours_s, floor_s, ratio, TARGET, ratio is not None and ratio <= LIMIT, "s", {
        "villages": len(entries), "events": events,
        "floor": f"the same event rows ({how}) and records (upsert) into the hub's own tables, holding the same "
                 "earlier bundles, one transaction per bundle",
        "ours_samples": ours, "floor_samples": floor})


def each_database(name: str, target: str, units: str, measure) -> list[Result]:  # type: ignore[no-untyped-def]
    """``measure("sqlite", lambda name: None)`` and ``measure("postgresql", make_url)`` on a throwaway PostgreSQL
    server (tests/pgserver.py); the second an "unavailable" row where PostgreSQL cannot start here."""
    results = [measure("sqlite", lambda _name: None)]
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from pgserver import PgServer, PgUnavailable
    except ImportError as exc:
        return results + [unavailable(f"{name}-postgresql", target, units, f"tests/pgserver.py: {exc}")]
    server = PgServer()
    try:
        server.start()
    except PgUnavailable as exc:
        return results + [unavailable(f"{name}-postgresql", target, units, str(exc))]
    try:
        results.append(measure("postgresql", server.create_database))
    finally:
        server.stop()
    return results


def run(settings: Settings) -> list[Result]:
    source = township(settings)
    return each_database(NAME, TARGET, UNITS,
                         lambda label, make_url: _measure(settings, source, label, make_url))
