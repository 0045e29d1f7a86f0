"""Resident search as the residents screen runs it, against the same SQL through plain sqlite3.

Each query is what a clerk types into the search box: a surname, one character
of a given name, the first two characters of a real name, a piece of an ID
number or of a phone number. The screen asks for the first page of matches and
for how many there are, so each measurement is search_residents(limit=200)
plus count_residents in one session. The floor replays the exact statements
SQLAlchemy sent (captured while warming up) through the sqlite3 module, so it
moves with the query if the query changes.
"""

from __future__ import annotations

import random
import sqlite3
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.core import Result, Settings, median, percentile, ratio_of
from bench.villages import large_village

NAME = "search"
TARGET = "≤ 30 ms"
UNITS = "ms"
LIMIT_MS = 30.0
PAGE = 200

# kind -> how many queries of that kind; 230 in all
PLAN = {"surname": 30, "given-name character": 20, "two characters of a name": 60,
        "ID fragment, 6 digits": 40, "ID fragment, 4 digits": 40, "phone fragment": 40}


def make_queries(db_path: Path, seed: int = 2026) -> list[tuple[str, str]]:
    """(kind, text) pairs drawn from the residents actually in the store."""
    conn = sqlite3.connect(db_path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM residents")]
        ids = [r[0] for r in conn.execute("SELECT id_number FROM residents WHERE id_number IS NOT NULL")]
        phones = [r[0] for r in conn.execute("SELECT phone FROM residents WHERE phone != ''")]
    finally:
        conn.close()
    rng = random.Random(seed)
    surnames = [s for s, _n in Counter(n[0] for n in names).most_common()]
    given = [c for c, _n in Counter(c for n in names for c in n[1:]).most_common()]
    pairs = [n[:2] for n in names if len(n) >= 2] or names

    def id_piece(width: int) -> str:
        number = rng.choice(ids)
        # clerks ask for the last digits ("后六位"); the rest fall anywhere, area code included
        if rng.random() < 0.5:
            return number[-width:]
        start = rng.randrange(0, len(number) - width + 1)
        return number[start:start + width]

    def phone_piece() -> str:
        phone = rng.choice(phones)
        # what people remember: the last four digits, or the first seven
        return phone[-4:] if rng.random() < 0.6 else phone[:7]

    draw = {
        # the most frequent surnames first: each matches a thousand people or more
        "surname": lambda i: surnames[i % len(surnames)],
        "given-name character": lambda i: given[i % len(given)],
        "two characters of a name": lambda i: rng.choice(pairs),
        "ID fragment, 6 digits": lambda i: id_piece(6),
        "ID fragment, 4 digits": lambda i: id_piece(4),
        "phone fragment": lambda i: phone_piece(),
    }
    queries = []
    for kind, count in PLAN.items():
        queries.extend((kind, draw[kind](i)) for i in range(count))
    return queries


def run(settings: Settings) -> list[Result]:
    from sqlalchemy import Engine, event

    from app.people.service import ResidentQuery, count_residents, search_residents
    from app.schema import open_store

    data_dir = large_village(settings)
    store = open_store(data_dir)
    queries = make_queries(store.db_path)
    captured: list[tuple[str, Any]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):  # type: ignore[no-untyped-def]
        # the floor reads the same rows; the store's BEGIN IMMEDIATE is the store's own cost
        if statement.split(None, 1)[0].upper() in ("SELECT", "WITH"):
            captured.append((statement, parameters))

    def ours(text: str) -> tuple[float, int]:
        start = time.perf_counter()
        with store.read() as s:
            search_residents(s, ResidentQuery(text=text), limit=PAGE)
            hits = count_residents(s, ResidentQuery(text=text))
        return time.perf_counter() - start, hits

    # one untimed pass warms caches and records the SQL each query sends
    statements: list[list[tuple[str, Any]]] = []
    hits: list[int] = []
    event.listen(Engine, "before_cursor_execute", capture)  # reads use their own engine
    try:
        for _kind, text in queries:
            captured.clear()
            hits.append(ours(text)[1])
            statements.append(list(captured))
    finally:
        event.remove(Engine, "before_cursor_execute", capture)

    plain = sqlite3.connect(store.db_path)
    plain.execute("PRAGMA query_only=ON")

    def floor(sql: list[tuple[str, Any]]) -> float:
        start = time.perf_counter()
        for statement, parameters in sql:
            plain.execute(statement, parameters or ()).fetchall()
        return time.perf_counter() - start

    rounds = 1 if settings.quick else 3
    ours_ms: list[list[float]] = [[] for _q in queries]
    floor_ms: list[list[float]] = [[] for _q in queries]
    try:
        for _round in range(rounds):
            for i, (_kind, text) in enumerate(queries):
                ours_ms[i].append(ours(text)[0] * 1000)
                floor_ms[i].append(floor(statements[i]) * 1000)
    finally:
        plain.close()
        store.close()

    per_ours = [median(t) for t in ours_ms]
    per_floor = [median(t) for t in floor_ms]
    p95, floor_p95 = percentile(per_ours, 95), percentile(per_floor, 95)
    by_kind: dict[str, list[float]] = defaultdict(list)
    for (kind, _text), ms in zip(queries, per_ours):
        by_kind[kind].append(ms)
    slowest = sorted(range(len(queries)), key=lambda i: per_ours[i], reverse=True)[:8]
    details = {
        "queries": len(queries), "rounds": rounds, "page": PAGE,
        "measure": "95th percentile over queries of the median time of search_residents + count_residents",
        "ours_median_ms": median(per_ours), "ours_max_ms": max(per_ours),
        "floor_median_ms": median(per_floor),
        "p95_by_kind_ms": {k: percentile(v, 95) for k, v in by_kind.items()},
        "slowest": [{"kind": queries[i][0], "text": queries[i][1], "ms": per_ours[i], "floor_ms": per_floor[i],
                     "matches": hits[i]} for i in slowest],
        "floor_sql": [s for s, _p in statements[0]],
    }
    return [Result(NAME, p95, floor_p95, ratio_of(p95, floor_p95), TARGET, p95 <= LIMIT_MS, "ms", details)]
