"""A demo township served with its villagers' pages (app/hub/public.py), for the page and browser tests.

The demo (app.hub.township_demo) is built once per run; each test gets its own copy of the hub. The pages'
clock is set to a day when one village's 低保 notice (最低生活保障对象, with ID numbers in its table) is on the
board, so the tests see notices on the board and notices whose posting period has ended.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from hub_serving import Serving

TODAY = dt.date.today()


@functools.lru_cache(maxsize=1)
def _built() -> Path:
    from app.hub.township_demo import create_hub_demo

    root = Path(tempfile.mkdtemp(prefix="cunwu-public-")) / "data"
    create_hub_demo(root, villages=3, seed=2026, today=TODAY)
    return root


def hub_copy(dest: Path) -> Any:
    """A fresh copy of the demo township's hub at ``dest``, opened."""
    from app.hub.service import open_hub

    shutil.copytree(_built() / "hub", dest / "hub")
    return open_hub(dest)


def sql(hub: Any, query: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(hub.dir / "hub.sqlite3")
    try:
        rows = con.execute(query, params).fetchall()
        con.commit()
        return rows
    finally:
        con.close()


@dataclass(frozen=True)
class Board:
    day: dt.date            # the pages' today
    code: str               # the village whose 低保 notice is on the board that day
    name: str
    record_id: str          # that notice
    number: str


def board(hub: Any) -> Board:
    code, rid, number, start = sql(hub, "SELECT village_code, record_id, number, posted_from FROM hub_proj_notices "
                                        "WHERE item_code = 'SW-02' AND state IN ('posted', 'archived') "
                                        "ORDER BY posted_from DESC LIMIT 1")[0]
    (name,) = sql(hub, "SELECT name FROM hub_villages WHERE code = ?", code)[0]
    return Board(dt.date.fromisoformat(start) + dt.timedelta(days=1), code, name, rid, number)


class Served(Serving):
    """The public pages of ``hub`` on a loopback port (uvicorn in a thread), judged on ``day``; or, with
    ``server=True``, the hub's own application (app.hub.server.make_app) as ``cunwu hub serve`` runs it."""

    def __init__(self, hub: Any, day: dt.date | None = None, *, server: bool = False, public: bool = True) -> None:
        from starlette.applications import Starlette

        from app.hub.public import public_routes
        from app.hub.server import make_app

        if server:
            application = make_app(hub, public=public)
        else:
            application = Starlette(routes=public_routes(hub, today=lambda: day or TODAY))
        super().__init__(application)

    @property
    def base(self) -> str:
        return "http://127.0.0.1:{}".format(self.port)

    def get(self, path: str) -> tuple[int, dict[str, str], str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", path)
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read().decode("utf-8")
        finally:
            conn.close()

    def check(self, text: str) -> tuple[int, dict[str, str], str]:
        return self.get("/check?code=" + quote(text, safe=""))

def visible(html_text: str) -> str:
    """The page's <main> as text (tags out), for asserting what a reader sees."""
    import html
    import re

    main = html_text.split("<main>", 1)[-1].split("</main>", 1)[0]
    return html.unescape(re.sub(r"<[^>]+>", " ", main))


def village_store(dest: Path, name: str) -> Any:
    """A copy of the demo village ``name``'s own store (the village program's data folder), opened."""
    from app.hub.township_demo import FOLDER
    from app.schema import open_store

    (folder,) = [p for p in (_built() / FOLDER).iterdir() if p.is_dir() and p.name.endswith("-" + name)]
    shutil.copytree(folder, dest)
    return open_store(dest)
