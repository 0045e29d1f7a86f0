"""PostgreSQL's COPY for the events of a bundle: the bulk path PostgreSQL is built for."""

from __future__ import annotations

from typing import Any

from app.hub.store import EVENT_COLUMNS

_COPY_SQL = f"COPY hub_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN"


def copy_events(raw: Any, rows: list[tuple[Any, ...]]) -> None:
    """``raw`` is the psycopg connection inside the caller's transaction; rows in EVENT_COLUMNS order."""
    with raw.cursor() as cur:
        with cur.copy(_COPY_SQL) as copy:
            for row in rows:
                copy.write_row(row)
