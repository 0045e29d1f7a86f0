"""PostgreSQL's COPY for the events of a bundle: the bulk path PostgreSQL is built for."""

from __future__ import annotations

import operator
from typing import Any

from sqlalchemy import Connection

from app.hub.store import EVENT_COLUMNS


def copy_events(conn: Connection, batch: list[dict[str, Any]]) -> None:
    raw = conn.connection.driver_connection  # the psycopg connection inside this transaction
    row = operator.itemgetter(*EVENT_COLUMNS)
    with raw.cursor() as cur:  # type: ignore[union-attr]
        with cur.copy(f"COPY hub_events ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
            for ev in batch:
                copy.write_row(row(ev))
