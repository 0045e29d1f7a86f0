"""The event log: one hash-chained record of every change (design.md).

Each service write calls :func:`record` in the same transaction as the change.
An event holds the record's whole canonical content, so ``cunwu check`` can
compare every current row with its last event, and a sync bundle can rebuild
the village's records from events alone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from decimal import Decimal
from collections.abc import Callable
from typing import Any, ClassVar

from sqlalchemy import Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.errors import internal
from app.storage.base import Base

GENESIS = "0" * 64
_enc = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) uses for every string (C speed-up)


class Event(Base):
    __tablename__ = "events"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    time: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    record_type: Mapped[str] = mapped_column(String(32), index=True)
    record_id: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(f"not serialisable in an event: {type(value).__name__}")


def canonical(obj: Any) -> str:
    """Sorted-key compact JSON: the same content always gives the same bytes."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=_default)


def event_hash(prev_hash: str, seq: int, time: str, actor: str, record_type: str, record_id: str,
               action: str, content: str) -> str:
    """SHA-256 over the previous hash and the canonical JSON of the event's fields.

    The canonical JSON of this fixed set of keys is assembled directly (keys in
    sorted order, each string escaped as json.dumps would): the hub checks
    every event of every bundle, and this is twice as fast as json.dumps with
    sort_keys. A test holds it equal to ``canonical`` of the same dict.
    """
    if not (type(seq) is int and type(time) is str and type(actor) is str and type(record_type) is str
            and type(record_id) is str and type(action) is str and type(content) is str):
        body = canonical({"seq": seq, "time": time, "actor": actor, "record_type": record_type,
                          "record_id": record_id, "action": action, "content": content})
    else:
        body = (f'{{"action":{_enc(action)},"actor":{_enc(actor)},"content":{_enc(content)},'
                f'"record_id":{_enc(record_id)},"record_type":{_enc(record_type)},"seq":{seq},"time":{_enc(time)}}}')
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


class Audited:
    """Mixin for models whose every change is an event.

    ``__record_type__`` names the record in events; ``__unaudited__`` lists
    columns that change without meaning (login counters) and stay out of events.
    """

    __record_type__: ClassVar[str]
    __unaudited__: ClassVar[frozenset[str]] = frozenset()

    def to_record(self) -> dict[str, Any]:
        table = self.__table__  # type: ignore[attr-defined]
        return {
            c.key: _json_ready(getattr(self, c.key))
            for c in table.columns
            if c.key not in self.__unaudited__
        }

    @property
    def record_id(self) -> str:
        return str(self.id)  # type: ignore[attr-defined]


def _json_ready(value: Any) -> Any:
    return json.loads(canonical(value)) if isinstance(value, (dt.date, Decimal)) else value


AUDITED: dict[str, type[Audited]] = {}


def audited(cls: type[Audited]) -> type[Audited]:
    """Class decorator: register a model so ``cunwu check`` compares its rows."""
    AUDITED[cls.__record_type__] = cls
    return cls


# Checks a capability adds to ``cunwu check`` beyond the chain and the records: each returns its problems
# as (where, what), e.g. ("notices #7", "已公开的公告……"). app.check runs them in the order registered.
Verifier = Callable[[Session], list[tuple[str, str]]]
VERIFIERS: list[Verifier] = []


def verifier(fn: Verifier) -> Verifier:
    """Function decorator: ``cunwu check`` runs it (app.schema.load_verifiers imports every module that has one)."""
    if fn not in VERIFIERS:
        VERIFIERS.append(fn)
    return fn


def head(session: Session) -> tuple[int, str]:
    row = session.execute(select(Event.seq, Event.hash).order_by(Event.seq.desc()).limit(1)).first()
    return (0, GENESIS) if row is None else (row[0], row[1])


def now_text() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


class EventWriter:
    """Appends events for one transaction, keeping the head in memory so a
    20,000-row import does not query the last event 20,000 times."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.seq, self.hash = head(session)
        self.actor = str(session.info.get("actor", "系统"))
        self.time = now_text()
        self.rows: list[dict[str, Any]] = []

    def add(self, record_type: str, record_id: str, action: str, content: dict[str, Any]) -> None:
        self.seq += 1
        body = canonical(content)
        h = event_hash(self.hash, self.seq, self.time, self.actor, record_type, record_id, action, body)
        self.rows.append(dict(seq=self.seq, time=self.time, actor=self.actor, record_type=record_type,
                              record_id=record_id, action=action, content=body, prev_hash=self.hash, hash=h))
        self.hash = h

    def flush(self) -> None:
        if self.rows:
            self.session.execute(Event.__table__.insert(), self.rows)
            self.rows = []


    def add_row(self, model: type[Audited], row: dict[str, Any], action: str) -> None:
        """The event for a row written in bulk (a dict of column values, as given to an INSERT):
        the content is what ``to_record`` of the same row gives, so ``cunwu check`` finds them equal."""
        if action == "delete":
            content: dict[str, Any] = {"id": row["id"]}
        else:
            content = {c.key: _json_ready(row.get(c.key)) for c in model.__table__.columns  # type: ignore[attr-defined]
                       if c.key not in model.__unaudited__}
        self.add(model.__record_type__, str(row["id"]), action, content)


def record(session: Session, obj: Audited, action: str) -> None:
    """Append the event for ``obj`` after ``action`` ('create', 'update', 'delete')."""
    session.flush()
    writer = EventWriter(session)
    content = obj.to_record() if action != "delete" else {"id": obj.to_record().get("id")}
    writer.add(obj.__record_type__, obj.record_id, action, content)
    writer.flush()


# ---------------------------------------------------------------- every write logged, by construction

@internal
class UnloggedWrite(RuntimeError):
    """A write transaction changed an audited row without its event: a bug in the code that wrote it.

    The transaction is rolled back, so the store stays as it was (and ``cunwu check`` passes)."""


_TOUCHED = "temp._cunwu_touched"


def _audited_columns(model: type[Audited]) -> list[str]:
    # ``__digested__``: kept out of events as themselves, but in them as a digest (a user's password hash)
    digested = getattr(model, "__digested__", frozenset())
    return [c.name for c in model.__table__.columns  # type: ignore[attr-defined]
            if c.key not in model.__unaudited__ or c.key in digested]


def _trigger_sql(model: type[Audited]) -> list[str]:
    """TEMP triggers that note every insert, delete and change of an audited column of ``model``'s table.

    They see every write made on this connection: ORM flushes, bulk ``insert()`` and raw SQL alike, which a
    session hook on ORM objects would not. Changes to ``__unaudited__`` columns only (login counters) are
    not noted."""
    table = model.__table__.name  # type: ignore[attr-defined]
    changed = " OR ".join(f'OLD."{c}" IS NOT NEW."{c}"' for c in _audited_columns(model))
    note = f"INSERT INTO {_TOUCHED[5:]} (tbl, rid, act) VALUES ('{table}', {{row}}.id, '{{act}}')"
    return [
        f"CREATE TEMP TRIGGER IF NOT EXISTS _cunwu_ins_{table} AFTER INSERT ON main.{table} "
        f"BEGIN {note.format(row='NEW', act='create')}; END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS _cunwu_upd_{table} AFTER UPDATE ON main.{table} WHEN {changed} "
        f"BEGIN {note.format(row='NEW', act='update')}; END",
        f"CREATE TEMP TRIGGER IF NOT EXISTS _cunwu_del_{table} AFTER DELETE ON main.{table} "
        f"BEGIN {note.format(row='OLD', act='delete')}; END",
    ]


def guard_session(session: Session) -> None:
    """Refuse to commit ``session`` if an audited row changed in it without its event.

    Called by ``Store.begin`` for every write transaction. Each changed row needs an event of the same
    transaction for the same record; a deleted row needs a ``delete`` event. The triggers are set up when
    the session first touches the database (as SQLAlchemy begins lazily), not before."""
    from sqlalchemy import event, text

    state: dict[str, int] = {}

    def begun(sess: Session, _transaction: Any, conn: Any) -> None:
        raw = conn.connection.driver_connection
        # made inside the transaction, so a rollback takes them away again: look each time, not once
        if raw.execute(f"SELECT count(*) FROM temp.sqlite_master WHERE name = '{_TOUCHED[5:]}'").fetchone()[0] == 0:
            raw.execute(f"CREATE TEMP TABLE {_TOUCHED[5:]} (tbl TEXT, rid TEXT, act TEXT)")
            tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            for model in AUDITED.values():
                if model.__table__.name in tables:  # type: ignore[attr-defined]
                    for sql in _trigger_sql(model):
                        raw.execute(sql)
        raw.execute(f"DELETE FROM {_TOUCHED}")  # anything noted outside a guarded session is not ours
        state["start"] = raw.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]

    def check(sess: Session) -> None:
        sess.flush()  # pending objects reach the database (and begin the transaction) here
        if "start" not in state:
            return  # the session never touched the database
        missing = unlogged(sess, state["start"])
        if missing:
            table, rid, act = missing[0]
            more = len(missing) - 1
            raise UnloggedWrite(
                f"refused to commit: {table} #{rid} was {act}d without its event"
                + (f" (and {more} more rows)" if more else "")
                + "; every write to an audited table must call app.events.record or EventWriter in the same transaction")
        sess.execute(text(f"DELETE FROM {_TOUCHED}"))

    event.listen(session, "after_begin", begun)
    event.listen(session, "before_commit", check)


def unlogged(session: Session, since_seq: int) -> list[tuple[str, str, str]]:
    """(table, record id, action) of the audited rows changed in this transaction that have no event after
    ``since_seq``: a row created or changed needs any event of its record, a deleted row a ``delete`` event."""
    from sqlalchemy import text

    types = {m.__table__.name: m.__record_type__ for m in AUDITED.values()}  # type: ignore[attr-defined]
    touched = session.execute(text(f"SELECT DISTINCT tbl, rid, act FROM {_TOUCHED}")).all()
    if not touched:
        return []
    logged: dict[tuple[str, str], set[str]] = {}
    for rtype, rid, action in session.execute(
            select(Event.record_type, Event.record_id, Event.action).where(Event.seq > since_seq)):
        logged.setdefault((rtype, rid), set()).add(action)
    missing = []
    for table, rid, act in touched:
        actions = logged.get((types[table], str(rid)), set())
        if not actions or (act == "delete" and "delete" not in actions):
            missing.append((table, str(rid), act))
    return sorted(missing)
