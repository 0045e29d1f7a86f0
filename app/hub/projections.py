"""The township's projections: plain tables (app/hub/store.py, hub_proj_*) kept beside hub_records.

:func:`project_village` brings one village's rows up to date from hub_records and is called inside the
transaction that applies a bundle (app/hub/service.py), so the projections never disagree with the events;
it looks only at the records the bundle touched (hub_events after the hub's previous head), and evaluates
the disclosure calendar again only when a notice or a 四议两公开 matter changed. :func:`rebuild_projections`
builds every village's rows from hub_records alone and gives the same tables (tests/test_hub_projections.py).

What depends on the day asked about (overdue, due, silence, this quarter, this month) is not stored: the
stored dates answer it (app/hub/status.py). Refusals are not events: they are logged in hub_proj_alerts
(:func:`note_refusal`), which a rebuild keeps.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, tuple_

from app.events import now_text  # as the hub's service writes it (the hub demo sets the hub's clock)
from app.hub import store as t

PROJECTIONS_VERSION = "4"   # 3: the status table's indexes (app/hub/store.py) changed; 4: matters' filed_on
VERSION_INFO_KEY = "projections_version"   # hub_info: the projections' layout the tables hold
FAR = dt.date(9999, 12, 31)                # "as of the end of time": every posting counts
PER_RECORD = {"notice": t.proj_notices, "meeting": t.proj_meetings}
CERT_TYPES = ("certificate", "cert_refusal")
MATTER_TYPES = ("matter", "matter_step")
WATCHED = (*PER_RECORD, *CERT_TYPES, *MATTER_TYPES)
PUBLISHED = ("posted", "archived")          # app.disclosure.models.PUBLISHED
CHUNK = 400                                 # record ids per IN (...)

Catalogues = Callable[[Connection], Sequence[Any]]  # the disclosure catalogues the hub judges by, loaded when needed


# ---------------------------------------------------------------- catalogues


_catalogue_cache: dict[tuple[str, str], list[Any]] = {}


def hub_catalogues(hub: Any) -> Catalogues:
    """The catalogue versions the hub judges villages by: every version shipped and in the hub's data
    folder (catalogues/), or only those the township set as in force (app/hub/status.py)."""
    def load(conn: Connection) -> list[Any]:
        from app.hub.status import CATALOGUES_KEY, SETTING_PREFIX

        chosen = conn.execute(select(t.hub_info.c.value).where(
            t.hub_info.c.key == SETTING_PREFIX + CATALOGUES_KEY)).scalar() or ""
        key = (str(hub.dir), chosen)
        if key not in _catalogue_cache:
            _catalogue_cache[key] = load_catalogues(Path(hub.dir).parent, chosen)
        return _catalogue_cache[key]

    return load


def load_catalogues(data_dir: Path | None, chosen: str = "") -> list[Any]:
    from app.disclosure.catalogue import load_all

    every = load_all(data_dir)
    wanted = {v.strip() for v in chosen.split(",") if v.strip()}
    return [c for c in every if c.version in wanted] if wanted else every


def _shipped(_conn: Connection) -> list[Any]:
    key = ("", "")
    if key not in _catalogue_cache:
        _catalogue_cache[key] = load_catalogues(None)
    return _catalogue_cache[key]


# ---------------------------------------------------------------- reading records


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]


def _records(conn: Connection, code: str, record_type: str, ids: Sequence[str] | None) -> dict[str, dict[str, Any]]:
    """Current content of ``ids`` (all of the type if None); a deleted record is missing."""
    r = t.records.c
    base = select(r.record_id, r.content).where(r.village_code == code, r.record_type == record_type)
    if ids is None:
        return {i: json.loads(c) for i, c in conn.execute(base)}
    out: dict[str, dict[str, Any]] = {}
    for part in _chunks(list(ids)):
        out.update({i: json.loads(c) for i, c in conn.execute(base.where(r.record_id.in_(part)))})
    return out


_CHANGED_SQL = ("SELECT record_type, record_id FROM hub_events WHERE village_code = :code AND seq > :after "
                "AND record_type IN ({})".format(", ".join(f"'{w}'" for w in WATCHED)))


def _changed(conn: Connection, code: str, after: int) -> dict[str, set[str]]:
    """Record ids per watched type that events after ``after`` touched."""
    out: dict[str, set[str]] = {}
    for rtype, rid in driver_rows(conn, _CHANGED_SQL, {"code": code, "after": after}):
        out.setdefault(rtype, set()).add(rid)
    return out


def _day(value: Any) -> str:
    """An ISO day from a record's date or datetime field ("" if none)."""
    return str(value)[:10] if value else ""


# ---------------------------------------------------------------- one row per record


def _notice_row(code: str, rid: str, n: dict[str, Any]) -> dict[str, Any]:
    return {"village_code": code, "record_id": rid, "item_code": n.get("item_code") or "",
            "period_key": n.get("period_key") or "", "number": n.get("number") or "", "title": n.get("title") or "",
            "state": n.get("state") or "", "posted_from": _day(n.get("posted_from")),
            "posted_until": _day(n.get("posted_until")), "corrects": n.get("corrects_id") is not None,
            "catalogue_version": n.get("catalogue_version") or ""}


def _meeting_row(code: str, rid: str, m: dict[str, Any]) -> dict[str, Any]:
    closed = m.get("state") == "closed"
    return {"village_code": code, "record_id": rid, "kind": m.get("kind") or "", "date": _day(m.get("date")),
            "title": m.get("title") or "", "quorate": bool(m.get("quorate")) if closed else None,
            "state": m.get("state") or ""}


def _cert_row(code: str, rtype: str, rid: str, c: dict[str, Any]) -> dict[str, Any]:
    if rtype == "cert_refusal":
        return {"village_code": code, "record_type": rtype, "record_id": rid, "serial": "",
                "kind": c.get("kind_code") or "", "kind_name": c.get("requested") or "", "day": _day(c.get("date")),
                "voided_on": "", "state": "refused"}
    return {"village_code": code, "record_type": rtype, "record_id": rid, "serial": c.get("serial") or "",
            "kind": c.get("kind_code") or "", "kind_name": c.get("kind_name") or c.get("title") or "",
            "day": _day(c.get("issue_date")) if c.get("state") in ("issued", "voided") else "",
            "voided_on": _day(c.get("voided_at")), "state": c.get("state") or ""}


def _replace_rows(conn: Connection, table: Any, code: str, keys: list[tuple[Any, ...]], rows: list[dict[str, Any]],
                  key_columns: Sequence[str]) -> None:
    """Delete the rows of ``keys`` (or all of the village's if keys is empty and rows are all) and insert ``rows``."""
    cols = [table.c[k] for k in key_columns]
    for part in range(0, len(keys), CHUNK):
        some = keys[part:part + CHUNK]
        where = cols[0].in_([k[0] for k in some]) if len(cols) == 1 else tuple_(*cols).in_(some)
        conn.execute(delete(table).where(table.c.village_code == code, where))
    if rows:
        conn.execute(insert(table), rows)


def _project_records(conn: Connection, code: str, changed: dict[str, set[str]] | None) -> bool:
    """Notices, meetings, certificates and refusals; returns whether a notice changed."""
    for rtype, table in PER_RECORD.items():
        ids = None if changed is None else sorted(changed.get(rtype, ()))
        if ids == []:
            continue
        found = _records(conn, code, rtype, ids)
        make = _notice_row if rtype == "notice" else _meeting_row
        rows = [make(code, rid, c) for rid, c in sorted(found.items())]
        if ids is None:
            conn.execute(delete(table).where(table.c.village_code == code))
            if rows:
                conn.execute(insert(table), rows)
        else:
            _replace_rows(conn, table, code, [(i,) for i in ids], rows, ["record_id"])
    for rtype in CERT_TYPES:
        ids = None if changed is None else sorted(changed.get(rtype, ()))
        if ids == []:
            continue
        found = _records(conn, code, rtype, ids)
        rows = [_cert_row(code, rtype, rid, c) for rid, c in sorted(found.items())]
        table = t.proj_certificates
        if ids is None:
            conn.execute(delete(table).where(table.c.village_code == code, table.c.record_type == rtype))
            if rows:
                conn.execute(insert(table), rows)
        else:
            _replace_rows(conn, table, code, [(rtype, i) for i in ids], rows, ["record_type", "record_id"])
    return changed is None or bool(changed.get("notice"))


# ---------------------------------------------------------------- matters (四议两公开)


def _project_matters(conn: Connection, code: str) -> None:
    from app.meetings.matters import is_open_state

    matters = _records(conn, code, "matter", None)
    steps = _records(conn, code, "matter_step", None)
    by_matter: dict[str, list[dict[str, Any]]] = {}
    for s in steps.values():
        by_matter.setdefault(str(s.get("matter_id")), []).append(s)
    rows = []
    for rid, m in sorted(matters.items()):
        mid = str(m.get("id", rid))
        rnd = m.get("round") or 1
        mine = sorted((s for s in by_matter.get(mid, []) if (s.get("round") or 1) == rnd),
                      key=lambda s: (s.get("step") or 0, _day(s.get("date")), s.get("id") or 0))
        last = mine[-1] if mine else None
        step4 = [s for s in mine if s.get("step") == 4 and s.get("passed")]
        state = m.get("state") or ""
        rows.append({"village_code": code, "record_id": rid, "subject": m.get("subject") or "",
                     "step": int(last.get("step") or 0) if last else 0, "state": state, "open": is_open_state(state),
                     "last_step_on": _day(last.get("date")) if last else _day(m.get("created_at")),
                     "filed_on": _day(m.get("created_at")),
                     "resolved_on": _day(step4[-1].get("date")) if step4 else "",
                     "carried_out_on": _day(m.get("carried_out_on")),
                     "resolution_notice": str(m["resolution_notice_id"]) if m.get("resolution_notice_id") else "",
                     "result_notice": str(m["result_notice_id"]) if m.get("result_notice_id") else ""})
    conn.execute(delete(t.proj_matters).where(t.proj_matters.c.village_code == code))
    if rows:
        conn.execute(insert(t.proj_matters), rows)


# ---------------------------------------------------------------- the disclosure calendar


def _since(conn: Connection, code: str, first: str) -> str:
    """From when the village's disclosures count (app.disclosure.service.calendar_start): its first event
    (day ``first``) or its first posting, whichever is earlier."""
    n = t.proj_notices.c
    first_post = conn.execute(select(func.min(n.posted_from)).where(
        n.village_code == code, n.state.in_(PUBLISHED), n.posted_from != "")).scalar()
    days = [d for d in (_day(first), first_post or "") if d]
    return min(days) if days else ""


def _project_disclosures(conn: Connection, code: str, since: str, horizon: int, catalogues: Catalogues) -> None:
    from app.disclosure.calendar import NOT_APPLICABLE, PostedNotice, event_entries, year_calendar
    from app.meetings.matter_events import MatterDates, NoticeState, occurrences

    conn.execute(delete(t.proj_disclosures).where(t.proj_disclosures.c.village_code == code))
    if not since or not horizon:
        return
    cats = list(catalogues(conn))
    if not cats:
        return
    n = t.proj_notices.c
    notices = conn.execute(select(n.record_id, n.item_code, n.period_key, n.posted_from, n.number, n.corrects,
                                  n.state).where(n.village_code == code)).all()
    posted = [PostedNotice(item, period, dt.date.fromisoformat(day), number, bool(corrects))
              for _rid, item, period, day, number, corrects, state in notices
              if state in PUBLISHED and item and day]
    start = dt.date.fromisoformat(since)
    rows: dict[tuple[str, str], dict[str, Any]] = {}

    def add(entry: Any, event: bool) -> None:
        p = entry.period
        due_from = p.start if event else min(p.end + dt.timedelta(days=1), p.deadline)
        posted_on = entry.posted.posted_on if entry.posted is not None else None
        key = (entry.item.code.upper(), p.key)
        rows[key] = {"village_code": code, "item_code": key[0], "period_key": p.key, "item_name": entry.item.name,
                     "period_label": p.label, "event": event, "period_end": p.end.isoformat(),
                     "due_from": due_from.isoformat(), "deadline": p.deadline.isoformat(),
                     "posted_on": posted_on.isoformat() if posted_on else None,
                     "late": bool(posted_on and posted_on > p.deadline),
                     "catalogue_version": entry.catalogue_version}

    for year in range(start.year, horizon + 1):
        for entry in year_calendar(cats, posted, year, on=FAR, since=start):
            if entry.state != NOT_APPLICABLE:
                add(entry, False)
    m = t.proj_matters.c
    matters = conn.execute(select(m.record_id, m.subject, m.resolved_on, m.resolution_notice, m.carried_out_on,
                                  m.result_notice).where(m.village_code == code)).all()
    by_id = {rid: (item, state, day, number) for rid, item, _p, day, number, _c, state in notices}

    def nid(value: str) -> int | None:
        return int(value) if value and value.isdigit() else None

    dates = [MatterDates(int(rid) if rid.isdigit() else 0, subject, dt.date.fromisoformat(r4) if r4 else None,
                         nid(rn), dt.date.fromisoformat(done) if done else None, nid(rr))
             for rid, subject, r4, rn, done, rr in matters]
    states = {int(k): NoticeState(v[0], v[1], dt.date.fromisoformat(v[2]) if v[2] else None, v[3])
              for k, v in by_id.items() if k.isdigit()}
    for entry in event_entries(cats, occurrences(dates, states), FAR):
        add(entry, True)
    if rows:
        conn.execute(insert(t.proj_disclosures), [rows[k] for k in sorted(rows)])


# ---------------------------------------------------------------- the village's own row


_PG_PARAM = re.compile(r":(\w+)")


def driver_rows(conn: Connection, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` (named parameters, :name) run by the driver inside ``conn``'s transaction: the
    statements run for every bundle and every status table go straight to it (as app/hub/service.py does),
    SQLAlchemy's statement building and row objects costing more than the queries."""
    if conn.dialect.name == "postgresql":
        sql = _PG_PARAM.sub(r"%(\1)s", sql)
    cur = conn.connection.driver_connection.cursor()
    try:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else []
    finally:
        cur.close()


_FACTS_SQL = (
    "SELECT v.last_import, v.last_seq, v.last_hash, "
    "(SELECT value FROM hub_info WHERE key = :version_key), "
    "(SELECT COUNT(*) FROM hub_bundles WHERE village_code = :code AND state = 'pending'), "
    "(SELECT time FROM hub_events WHERE village_code = :code AND seq = 1), "
    "e.time, e.hash, p.code, p.since, p.horizon "
    "FROM hub_villages v LEFT JOIN hub_events e ON e.village_code = v.code AND e.seq = v.last_seq "
    "LEFT JOIN hub_proj_villages p ON p.code = v.code WHERE v.code = :code")
_VILLAGE_COLUMNS = ("last_sync", "version", "pending", "chain_ok", "last_event", "started", "since", "horizon")
_VILLAGE_INSERT = "INSERT INTO hub_proj_villages (code, {c}) VALUES (:code, {v})".format(
    c=", ".join(_VILLAGE_COLUMNS), v=", ".join(":" + c for c in _VILLAGE_COLUMNS))
_VILLAGE_UPDATE = "UPDATE hub_proj_villages SET {s} WHERE code = :code".format(
    s=", ".join(f"{c} = :{c}" for c in _VILLAGE_COLUMNS))


def _village_facts(conn: Connection, code: str) -> tuple[dict[str, Any], tuple[str, int] | None]:
    """The village's own row as its tables say now, and (since, horizon) of its projection row (None if none)."""
    from app.hub.service import VERSION_KEY

    rows = driver_rows(conn, _FACTS_SQL, {"code": code, "version_key": VERSION_KEY + code})
    if not rows:
        return {"code": code, "last_sync": "", "version": "", "pending": 0, "chain_ok": True, "last_event": "",
                "started": "", "horizon": 0}, None
    last_import, last_seq, last_hash, version, pending, first, head_time, head_hash, have, since, horizon = rows[0]
    last_seq = int(last_seq or 0)
    facts = {"code": code, "last_sync": last_import or "", "version": version or "", "pending": int(pending or 0),
             "chain_ok": (head_hash is not None and head_hash == last_hash) if last_seq else True,
             "last_event": head_time or "", "started": _day(first),
             "horizon": int(head_time[:4]) + 1 if head_time and head_time[:4].isdigit() else 0}
    return facts, ((since or "", int(horizon or 0)) if have is not None else None)


def _write_village(conn: Connection, values: dict[str, Any], exists: bool) -> None:
    driver_rows(conn, _VILLAGE_UPDATE if exists else _VILLAGE_INSERT, values)


def refresh_village(conn: Connection, code: str) -> None:
    """The village's own row: last sync, version, bundles waiting, chain head (kept from before: since, horizon)."""
    facts, old = _village_facts(conn, code)
    if old is None:
        _write_village(conn, {**facts, "since": ""}, False)
        return
    # since and horizon move only with the disclosure rows (project_village)
    _write_village(conn, {**facts, "since": old[0], "horizon": old[1]}, True)


def project_village(conn: Connection, code: str, *, after: int | None = None,
                    catalogues: Catalogues | None = None) -> None:
    """Bring one village's projections up to date inside the caller's transaction.

    ``after``: the hub's last event number for the village before the bundle now applied; only the records
    its events touched are read again. None: everything (a rebuild)."""
    catalogues = catalogues or _shipped
    changed = None if after is None else _changed(conn, code, after)
    notices_changed = _project_records(conn, code, changed)
    matters_changed = changed is None or any(changed.get(k) for k in MATTER_TYPES)
    if matters_changed:
        _project_matters(conn, code)
    facts, old = _village_facts(conn, code)
    since = _since(conn, code, facts["started"]) if notices_changed or old is None or not old[0] else old[0]
    if changed is None or notices_changed or matters_changed or old is None or (since, facts["horizon"]) != old:
        _project_disclosures(conn, code, since, facts["horizon"], catalogues)
    _write_village(conn, {**facts, "since": since}, old is not None)


def clear_village(conn: Connection, code: str) -> None:
    for table in (t.proj_notices, t.proj_disclosures, t.proj_meetings, t.proj_matters, t.proj_certificates):
        conn.execute(delete(table).where(table.c.village_code == code))
    conn.execute(delete(t.proj_villages).where(t.proj_villages.c.code == code))


def rebuild_projections(hub: Any, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Build every village's projections again from hub_records (one transaction); returns how many villages.
    The log of refusals (hub_proj_alerts) is not derived from events and is kept."""
    catalogues = hub_catalogues(hub)
    with hub.engine.begin() as conn:
        # the villages an import has touched (an enrolled village that never sent anything has no rows)
        codes = list(conn.execute(select(t.villages.c.code).where(
            (t.villages.c.last_seq > 0) | t.villages.c.code.in_(select(t.bundles.c.village_code)))
            .order_by(t.villages.c.code)).scalars())
        for table in t.PROJECTIONS:
            conn.execute(delete(table))
        for i, code in enumerate(codes):
            project_village(conn, code, catalogues=catalogues)
            if progress:
                progress(i + 1, len(codes))
        conn.execute(delete(t.hub_info).where(t.hub_info.c.key == VERSION_INFO_KEY))
        conn.execute(insert(t.hub_info).values(key=VERSION_INFO_KEY, value=PROJECTIONS_VERSION))
    return len(codes)


def ensure_projections(hub: Any) -> bool:
    """At opening: a hub made before the projections existed (or with an older layout) gets them, filled
    by a rebuild. Returns whether it rebuilt."""
    with hub.engine.connect() as conn:
        have = conn.execute(select(t.hub_info.c.value).where(t.hub_info.c.key == VERSION_INFO_KEY)).scalar()
    if have == PROJECTIONS_VERSION:
        return False
    if have is not None:  # another layout: the tables are made again (they hold nothing that events do not)
        for table in reversed(t.PROJECTIONS):
            table.drop(hub.engine, checkfirst=True)
        t.create_schema(hub.engine)
    rebuild_projections(hub)
    return True


# ---------------------------------------------------------------- refusals


def note_refusal(conn: Connection, code: str, reason: str, sha: str, message: str) -> None:
    """Log a refused bundle of an enrolled village (``reason`` "fork" is a fork) for the township's alerts."""
    if not code or conn.execute(select(t.villages.c.code).where(t.villages.c.code == code)).first() is None:
        return
    conn.execute(insert(t.proj_alerts).values(village_code=code, at=now_text(), kind="fork" if reason == "fork"
                                              else "refused", reason=reason or "", bundle=sha or "",
                                              message=message[:2000]))


def note_refusal_now(hub: Any, code: str | None, reason: str, sha: str, message: str) -> None:
    """:func:`note_refusal` in a transaction of its own (the refused bundle's own transaction rolled back)."""
    if not code:
        return
    try:
        with hub.engine.begin() as conn:
            note_refusal(conn, code, reason, sha, message)
    except Exception:  # noqa: BLE001 - the refusal itself is what the officer must hear about; logging it is extra
        import logging

        logging.getLogger(__name__).warning("could not log the refusal of a bundle of %s", code, exc_info=True)


__all__ = ["project_village", "rebuild_projections", "ensure_projections", "refresh_village", "note_refusal",
           "note_refusal_now", "hub_catalogues", "clear_village"]
