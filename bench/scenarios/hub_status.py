"""`cunwu hub status` (app.hub.status.status_rows) on a township of 60 villages and a county of 600.

Each village has a year of records: a notice for nearly every period the disclosure catalogue asks for
(some late, some missing), its meetings with four representatives' meetings, 四议两公开 matters with their
steps, about 150 certificates (some voided) and a few refusals. They are written straight into the hub's
event and records tables as synthetic events (one create event per record, as bench/sync_data.py does for
residents), and the projections are then built by ``rebuild_projections`` — the code a real hub runs.

Ours: the command `cunwu hub status`, run in this process through app.cli.main once the interpreter has
started (warm: its modules imported): the arguments parsed, the hub opened, every village's row worked out
as of today by app.hub.status.status_rows (every per-day state decided from the stored dates: overdue, due,
late this year, the quarter's meeting, open and stalled matters, this month's certificates, refusals) and
the table written to standard output (a buffer here). Floor: one SELECT of the same villages' rows from the
projection table (hub_proj_villages). Targets: 60 villages within 50 ms; 600 villages within 3x the
60-village time.

The details also give status_rows alone on a hub already open ("rows_ms"): that part grows with the number
of villages (one row each, about 9 µs a village), not with their years of records; the command's parsing,
opening and writing are the rest.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import random
import time
from pathlib import Path
from typing import Any

from bench.core import Result, Settings, median, ratio_of
from bench.villages import _cached

NAME = "hub-status"
TARGET = "≤ 50 ms; 600 ≤ 3x 60"
UNITS = "ms"
LIMIT_MS = 50.0
LIMIT_RATIO = 3.0
SMALL, LARGE = 60, 600
QUICK_SMALL, QUICK_LARGE = 6, 60
CERTS_PER_YEAR = 150
RUNS = 30


def _event_rows(code: str, records: list[tuple[str, str, dict[str, Any], str]]) -> tuple[list[tuple], str]:
    rows, prev = [], "0" * 64
    for seq, (rtype, rid, content, when) in enumerate(records, start=1):
        text = json.dumps(content, ensure_ascii=False, sort_keys=True)
        digest = hashlib.sha256(f"{prev}{seq}{text}".encode()).hexdigest()
        rows.append((code, seq, when, "文书", rtype, rid, "create", text, prev, digest))
        prev = digest
    return rows, prev


def _village_year(rng: random.Random, catalogues: list[Any], today: dt.date) -> list[tuple[str, str, dict, str]]:
    """A year of one village's records: (record type, record id, content, event time), oldest first."""
    from app.disclosure.calendar import year_calendar

    start = today - dt.timedelta(days=365)
    out: list[tuple[str, str, dict, str]] = []

    def at(day: dt.date) -> str:
        return f"{day.isoformat()}T10:00:00+08:00"

    out.append(("village", "1", {"id": 1, "name": "", "code": ""}, at(start)))
    n = 0
    for year in (start.year, today.year):
        for e in year_calendar(catalogues, [], year, on=today, since=start):
            if e.period.end < start or e.period.end >= today:
                continue
            roll = rng.random()
            if roll < 0.05:
                continue  # never posted
            late = roll < 0.12
            posted = e.period.deadline + dt.timedelta(days=rng.randint(1, 20)) if late else \
                e.period.end + dt.timedelta(days=rng.randint(1, max(1, (e.period.deadline - e.period.end).days)))
            if posted > today:
                continue
            n += 1
            out.append(("notice", str(n), {
                "id": n, "item_code": e.item.code, "period_key": e.period.key, "number": f"{year}-{n:03d}",
                "title": f"{e.period.label}{e.item.name}", "state": "posted", "posted_from": posted.isoformat(),
                "posted_until": (posted + dt.timedelta(days=15)).isoformat(), "corrects_id": None,
                "catalogue_version": e.catalogue_version}, at(posted)))
    meetings = []
    for q in range(4):
        meetings.append((start + dt.timedelta(days=30 + 91 * q + rng.randint(0, 40)), "村民代表会议"))
    for _k in range(20):
        meetings.append((start + dt.timedelta(days=rng.randint(0, 364)),
                         rng.choice(("两委联席会议", "支部委员会会议", "党员大会", "村民小组会议"))))
    for i, (day, kind) in enumerate(sorted(meetings), start=1):
        out.append(("meeting", str(i), {"id": i, "kind": kind, "date": day.isoformat(), "title": f"{kind}",
                                        "quorate": rng.random() > 0.1, "state": "closed"}, at(day)))
    step_id = 0
    for m in range(1, 6):
        filed = start + dt.timedelta(days=rng.randint(0, 300))
        steps = rng.randint(0, 4)
        state = "in_progress" if steps < 4 else rng.choice(("resolved", "carried_out", "completed"))
        out.append(("matter", str(m), {"id": m, "subject": f"事项{m}", "state": state, "round": 1,
                                       "created_at": at(filed), "carried_out_on": None,
                                       "resolution_notice_id": None, "result_notice_id": None}, at(filed)))
        for s in range(1, steps + 1):
            step_id += 1
            day = filed + dt.timedelta(days=10 * s)
            out.append(("matter_step", str(step_id), {"id": step_id, "matter_id": m, "round": 1, "step": s,
                                                      "date": day.isoformat(), "passed": True}, at(day)))
    for c in range(1, CERTS_PER_YEAR + 1):
        day = start + dt.timedelta(days=rng.randint(0, 365))
        voided = rng.random() < 0.03
        out.append(("certificate", str(c), {
            "id": c, "serial": f"{day.year}-居住-{c:04d}", "kind_code": "SD-01", "kind_name": "居住证明",
            "issue_date": day.isoformat(), "state": "voided" if voided else "issued",
            "voided_at": at(day + dt.timedelta(days=1)) if voided else ""}, at(day)))
    for r in range(1, 9):
        day = start + dt.timedelta(days=rng.randint(0, 365))
        out.append(("cert_refusal", str(r), {"id": r, "kind_code": "", "requested": "现实表现证明",
                                             "date": day.isoformat()}, at(day)))
    out.sort(key=lambda x: x[3])
    return out


def build_hub(path: Path, villages: int, today: dt.date) -> None:
    """A hub in ``path``/hub with ``villages`` villages and a year of records each, projections built."""
    from sqlalchemy import insert

    from app.disclosure.catalogue import load_all
    from app.hub import store as t
    from app.hub.projections import rebuild_projections
    from app.hub.service import init_hub
    from app.people.uscc import make_uscc

    hub = init_hub(path, "石桥镇")
    try:
        rng = random.Random(villages)
        catalogues = load_all(None)
        codes: set[str] = set()
        with hub.engine.begin() as conn:
            for i in range(villages):
                code = make_uscc(rng, area="371426")
                while code in codes:
                    code = make_uscc(rng, area="371426")
                codes.add(code)
                records = _village_year(rng, catalogues, today)
                rows, head = _event_rows(code, records)
                synced = today - dt.timedelta(days=rng.choice((1, 2, 3, 5, 8, 13, 21, 40)))
                never = i % 50 == 49
                conn.execute(insert(t.villages).values(
                    code=code, name=f"第{i + 1}村", township="石桥镇", public_key=f"k{i}", fingerprint=f"f{i}",
                    enrolled=(today - dt.timedelta(days=400)).isoformat(), last_seq=0 if never else len(rows),
                    last_hash=head, last_import="" if never else f"{synced.isoformat()}T09:00:00+00:00"))
                if never:
                    continue
                conn.execute(insert(t.events), [dict(zip(t.EVENT_COLUMNS, r)) for r in rows])
                conn.execute(insert(t.records), [{"village_code": code, "record_type": r[4], "record_id": r[5],
                                                  "seq": r[1], "content": r[7]} for r in rows])
                conn.execute(insert(t.bundles).values(
                    sha256=hashlib.sha256(code.encode()).hexdigest(), village_code=code, first_seq=1,
                    last_seq=len(rows), prev_head="0" * 64, head=head, state="applied", file="",
                    received=synced.isoformat(), applied=synced.isoformat()))
        rebuild_projections(hub)
    finally:
        hub.close()


def _hub_for(settings: Settings, villages: int, today: dt.date) -> Path:
    # the hub's tables and indexes are part of the key: a hub cached before an index changed would be
    # measured without it (opening a hub makes missing tables, not a table's new indexes)
    layout = hashlib.sha256((Path(__file__).resolve().parents[2] / "app/hub/store.py").read_bytes()).hexdigest()[:8]
    return _cached(settings, f"hub-status-{villages}-{today.isoformat()}-{layout}",
                   lambda p: build_hub(p, villages, today))


def _time(fn: Any, runs: int) -> tuple[float, list[float]]:
    fn()  # warm: the connection pool, SQLite's page cache, the statement caches
    samples = []
    for _i in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return median(samples), samples


def _command(data: Path, today: dt.date) -> str:
    """`cunwu hub status --date today` on ``data``, in this process: what it prints (its exit code must be 0)."""
    import contextlib
    import io

    from app.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--data-dir", str(data), "hub", "status", "--date", today.isoformat()])
    if code != 0:
        raise RuntimeError(f"cunwu hub status exited with {code}")
    return out.getvalue()


def _measure(data: Path, today: dt.date, runs: int) -> dict[str, Any]:
    from sqlalchemy import func, select

    from app.hub import store as t
    from app.hub.service import open_hub
    from app.hub.status import silence_limit, status_rows

    printed = _command(data, today)
    hub = open_hub(data)
    try:
        rows = status_rows(hub, today, silence_days=silence_limit(hub))
        if printed.count("\n") != len(rows) + 2:  # its heading, the table's header, one line a village
            raise RuntimeError(f"cunwu hub status printed {printed.count(chr(10))} lines for {len(rows)} villages")

        def ours() -> None:
            _command(data, today)

        def rows_only() -> None:
            status_rows(hub, today, silence_days=14)

        def floor() -> None:
            with hub.engine.connect() as conn:
                conn.execute(select(t.proj_villages)).all()

        ours_ms, ours_samples = _time(ours, runs)
        floor_ms, floor_samples = _time(floor, runs)
        rows_ms, _rows_samples = _time(rows_only, runs)
        with hub.engine.connect() as conn:
            counts = {table.name: conn.execute(select(func.count()).select_from(table)).scalar_one()
                      for table in (*t.PROJECTIONS, t.events)}
        return {"ours": ours_ms, "floor": floor_ms, "rows_ms": rows_ms, "villages": len(rows),
                "ours_samples": ours_samples, "floor_samples": floor_samples, "overdue": sum(r.overdue for r in rows),
                "never_synced": sum(r.last_sync == "" for r in rows), "rows": counts}
    finally:
        hub.close()


def run(settings: Settings) -> list[Result]:
    today = dt.date.today()
    small, large = (QUICK_SMALL, QUICK_LARGE) if settings.quick else (SMALL, LARGE)
    runs = 3 if settings.quick else RUNS
    a = _measure(_hub_for(settings, small, today), today, runs)
    b = _measure(_hub_for(settings, large, today), today, runs)
    floor_note = "one SELECT of the villages' rows from the projection table (hub_proj_villages)"
    ours_note = "cunwu hub status in the process (parse, open the hub, status_rows, write the table)"
    first = Result(f"{NAME}-{small}", a["ours"], a["floor"], ratio_of(a["ours"], a["floor"]), f"≤ {LIMIT_MS:.0f} ms",
                   a["ours"] <= LIMIT_MS, UNITS, {**a, "measured": ours_note, "floor": floor_note,
                                                  "floor_ms": a["floor"]})
    ratio = ratio_of(b["ours"], a["ours"])
    second = Result(f"{NAME}-{large}", b["ours"], a["ours"], ratio, f"≤ {LIMIT_RATIO:.0f}x {small}",
                    ratio is not None and ratio <= LIMIT_RATIO, UNITS,
                    {**b, "measured": ours_note, "floor": f"hub status on {small} villages (this run)",
                     "select_floor_ms": b["floor"], "rows_ratio": ratio_of(b["rows_ms"], a["rows_ms"])})
    return [first, second]
