"""The public notice list of a village with three years of notices (`cunwu hub serve --public`, /v/<code>/).

The data: the township demo (`app.hub.township_demo.create_hub_demo`, 3 villages), whose villages each carry
three years of the village demo's notices (about 120, a dozen of them on the board now) synced to the hub in
their bundles; cached. The village with the most notices is asked for.

Ours: the server's time for one request, the ASGI application of app/hub/server.py (``make_app(hub,
public=True)``) called in this process as uvicorn calls it, from the request's first byte to the page's last:
the list now on the board (masked as printed, with their text and tables), the ended ones with title, dates
and check code. Asked 200 times without a search and 200 times with one (一 character), warm. Floor: one
SELECT of the same village's rows from the notices projection (hub_proj_notices). Target: the 95th
percentile at most 50 ms.
"""

from __future__ import annotations

import asyncio
import gc
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.core import Result, Settings, median, ratio_of
from bench.villages import _cached

NAME = "public-notices"
TARGET = "p95 ≤ 50 ms"
UNITS = "ms"
LIMIT_MS = 50.0
RUNS, QUICK_RUNS = 200, 20


def _township(settings: Settings) -> Path:
    villages = 1 if settings.quick else 3

    def build(path: Path) -> None:
        from app.hub.township_demo import create_hub_demo

        create_hub_demo(path, villages=villages, seed=11)

    return _cached(settings, f"public-township-{villages}", build)


def _call(app: Any, path: str, query: str = "") -> tuple[int, bytes]:
    """One GET through the ASGI application, as the server calls it: (status, body)."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode("utf-8"), "query_string": query.encode("ascii"),
             "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 50000),
             "server": ("127.0.0.1", 8470)}
    status, body = [0], []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status[0] = message["status"]
        elif message["type"] == "http.response.body":
            body.append(message.get("body", b""))

    asyncio.run(app(scope, receive, send))
    return status[0], b"".join(body)


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def run(settings: Settings) -> list[Result]:
    from sqlalchemy import func, select

    from app.hub import store as t
    from app.hub.server import make_app
    from app.hub.service import open_hub

    runs = QUICK_RUNS if settings.quick else RUNS
    data = _township(settings)
    hub = open_hub(data)
    try:
        n = t.proj_notices.c
        with hub.engine.connect() as conn:
            code, count = conn.execute(select(n.village_code, func.count()).group_by(n.village_code)
                                       .order_by(func.count().desc())).first()  # type: ignore[misc]
            on_board = conn.execute(select(func.count()).where(n.village_code == code, n.state == "posted")).scalar()
        app = make_app(hub, public=True)
        path = f"/v/{code}/"
        search = urllib.parse.urlencode({"q": "公开"})
        status, page = _call(app, path)
        if status != 200:
            raise RuntimeError(f"{path} answered {status}")
        _call(app, path, search)

        def timed(fn: Any) -> list[float]:
            out = []
            for _i in range(runs):
                gc.collect()
                start = time.perf_counter()
                fn()
                out.append((time.perf_counter() - start) * 1000)
            return out

        plain = timed(lambda: _call(app, path))
        searched = timed(lambda: _call(app, path, search))

        def floor() -> None:
            with hub.engine.connect() as conn:
                conn.execute(select(t.proj_notices).where(n.village_code == code)).all()

        floor_ms = timed(floor)
    finally:
        hub.close()
    ours = max(_p95(plain), _p95(searched))
    floor_p95 = _p95(floor_ms)
    return [Result(NAME, ours, floor_p95, ratio_of(ours, floor_p95), TARGET, ours <= LIMIT_MS, UNITS, {
        "measured": "p95 of the ASGI application's time for GET /v/<code>/ (the worse of: no search, a search)",
        "floor": "p95 of one SELECT of the village's rows from hub_proj_notices",
        "village_notices": count, "on_board": on_board, "page_bytes": len(page), "runs": runs,
        "plain_p95_ms": _p95(plain), "plain_median_ms": median(plain),
        "search_p95_ms": _p95(searched), "search_median_ms": median(searched)})]
