"""A read-only copy of one village's store, made from what the township hub received.

The hub keeps every village's current records as JSON (``hub_records``) and its events exactly as the
village wrote them (``hub_events``). Putting both back into a fresh village schema (app.schema) gives a
store the village's own read code works on unchanged: the township prints a village's notice with
app.disclosure.service.notice_view and app.disclosure.printing.notice_printout on this copy, and the PDF is
the village's own for the same notice and print date (its 操作日志 line is the head the hub received).

The copy is rebuilt on every call into ``folder``; nothing in it is ever sent back.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import Date, create_engine, insert, select

from app.i18n import _

SKIPPED = frozenset({"user"})  # the village's program users (and their password digests) stay in the village


def village_copy(hub: Any, code: str, folder: Path) -> Path:
    """Build ``code``'s records and events into a fresh village store in ``folder`` (emptied first); returns
    the copy's data directory. HubError (nothing made) for a village the hub has not enrolled."""
    from app.config import DB_NAME
    from app.events import AUDITED, Event
    from app.hub import store as t
    from app.hub.service import HubError
    from app.schema import load_models, open_store

    load_models()
    with hub.engine.connect() as conn:
        name = conn.execute(select(t.villages.c.name).where(t.villages.c.code == code)).scalar()
    if name is None:
        raise HubError(_("乡镇没有登记村代码为 {code} 的村。请在“总览”里选一个已登记的村。").format(code=code))

    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    store = open_store(folder)  # a fresh schema, at this program's version
    store.close()

    # a plain engine: SQLite's foreign keys stay off (records go in table by table, not in link order)
    engine = create_engine(f"sqlite:///{folder / DB_NAME}")
    try:
        with engine.connect() as dst:
            with dst.begin(), hub.engine.connect() as src:
                events = src.execute(select(t.events.c.seq, t.events.c.time, t.events.c.actor, t.events.c.record_type,
                                            t.events.c.record_id, t.events.c.action, t.events.c.content,
                                            t.events.c.prev_hash, t.events.c.hash)
                                     .where(t.events.c.village_code == code).order_by(t.events.c.seq))
                batch: list[dict[str, Any]] = []
                for row in events:
                    batch.append(dict(row._mapping))
                    if len(batch) >= 5000:
                        dst.execute(insert(Event.__table__), batch)
                        batch = []
                if batch:
                    dst.execute(insert(Event.__table__), batch)

                by_type: dict[str, list[dict[str, Any]]] = {}
                for record_type, content in src.execute(
                        select(t.records.c.record_type, t.records.c.content)
                        .where(t.records.c.village_code == code).order_by(t.records.c.record_type, t.records.c.seq)):
                    model = AUDITED.get(record_type)
                    if model is None or record_type in SKIPPED:
                        continue  # a record type of a newer village program: nothing here reads it
                    by_type.setdefault(record_type, []).append(_row(model.__table__, json.loads(content)))
                for record_type, rows in by_type.items():
                    dst.execute(insert(AUDITED[record_type].__table__), rows)  # type: ignore[attr-defined]
    finally:
        engine.dispose()

    from app.hub.service import village_public_address

    address = village_public_address(hub, code)
    if address:  # the village's notices carry the township's public address on their QR codes: so do the copy's
        from app.config import update_setting
        from app.disclosure.public_address import ADDRESS_SETTING

        update_setting(folder, ADDRESS_SETTING, address)
    copy = open_store(folder)
    try:
        from app.disclosure.service import rebuild_search as notices_search
        from app.meetings.service import rebuild_search as minutes_search

        with copy.begin("乡镇副本") as session:
            notices_search(session)
            minutes_search(session)
    finally:
        copy.close()
    return folder


def _row(table: Any, content: dict[str, Any]) -> dict[str, Any]:
    """A record's JSON as column values: dates back from their ISO text; a column the record does not carry
    (kept out of events, such as a login counter) gets its default or an empty value."""
    row: dict[str, Any] = {}
    for column in table.columns:
        if column.key in content:
            value = content[column.key]
            if isinstance(column.type, Date) and isinstance(value, str):
                value = dt.date.fromisoformat(value)
            row[column.key] = value
        elif column.default is not None and getattr(column.default, "is_scalar", False):
            row[column.key] = column.default.arg
        elif not column.nullable and not column.primary_key:
            row[column.key] = _empty(column)
        else:
            row[column.key] = None
    return row


def _empty(column: Any) -> Any:
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return None
    return {str: "", int: 0, float: 0.0, bool: False}.get(kind)
