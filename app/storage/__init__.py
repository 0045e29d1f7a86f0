"""The storage engine: one SQLite file, its engines and sessions (no model; app.schema opens it).

Every connection gets the pragmas design.md asks for. Write transactions begin
IMMEDIATE so that two writers queue on SQLite's lock instead of both reading
the same last event sequence number; reads begin deferred and never wait.

SQLAlchemy is imported only when a session is first needed: it costs about
0.3 s, more than a bare Qt window takes to appear, and the first screen reads
its numbers through :mod:`app.schema.quick` with the standard sqlite3 module.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import UserError
from app.config import DB_NAME
from app.i18n import _

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000
# A writer queues behind another write (a long import in the other window, a command in a terminal) this
# long before it gives up with StoreBusy; CUNWU_WRITE_WAIT (seconds) sets it for tests.
WRITE_WAIT_SECONDS = 5 * 60
# SQLite waits this long inside one attempt to take the write lock; between attempts the writer says it waits
WAIT_STEP_SECONDS = 1.0

WaitNotice = Callable[[float, float, bool], None]
"""Told while a writer waits for another: (seconds waited so far, seconds it will wait in all, False); once
more with True when the wait is over and the write goes on."""


class StoreError(UserError):
    """The store cannot be opened or used; the message says what to do."""


class StoreBusy(StoreError):
    """Another write held the store longer than a writer waits; nothing was changed."""


_waiting = threading.local()
_default_notice: list[WaitNotice | None] = [None]


def set_default_wait_notice(notice: WaitNotice | None) -> None:
    """Who hears that a write waits when no :func:`wait_notice` block says otherwise (the command line's
    line on standard error)."""
    _default_notice[0] = notice


@contextmanager
def wait_notice(notice: WaitNotice | None) -> Iterator[None]:
    """Writes begun on this thread inside the block tell ``notice`` while they wait for another write
    (a desktop operation's progress window)."""
    before = getattr(_waiting, "notice", None)
    _waiting.notice = notice
    try:
        yield
    finally:
        _waiting.notice = before


def write_wait_seconds() -> float:
    try:
        return max(0.0, float(os.environ["CUNWU_WRITE_WAIT"]))
    except (KeyError, ValueError):
        return WRITE_WAIT_SECONDS


def how_long(seconds: float) -> str:
    """A wait as a person says it: 45 秒, 5 分钟."""
    if seconds < 60:
        return _("{n} 秒").format(n=int(round(seconds)))
    return _("{n} 分钟").format(n=int(round(seconds / 60)))


def busy_message(seconds: float) -> str:
    return _("另一个操作(可能是另一个窗口或命令)正在修改数据,等了 {wait} 仍未结束,这次的修改没有做,数据没有改动。"
             "请等那个操作完成后重试;如果没有别的窗口或命令在运行,请关掉本程序再打开后重试。").format(
        wait=how_long(seconds))


def waiting_message(waited: float, limit: float) -> str:
    return _("另一个操作(可能是另一个窗口或命令)正在修改数据,正在等它完成……(已等 {waited},最多等 {limit})").format(
        waited=how_long(waited), limit=how_long(limit))


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    code = (getattr(exc, "sqlite_errorcode", None) or 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in str(exc)


def __getattr__(name: str) -> Any:
    if name == "Base":  # kept importable from here; lives in app.storage.base
        from app.storage.base import Base

        return Base
    raise AttributeError(name)


def _on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # Autocommit at the driver level: SQLAlchemy's "begin" hook below emits the
    # BEGIN itself (SQLAlchemy docs, "Serializable isolation / Savepoints / Transactional DDL").
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    # Power cuts are common in village offices: FULL syncs the WAL on every commit.
    cur.execute("PRAGMA synchronous=FULL")
    cur.close()


def _on_begin_write(conn) -> None:  # type: ignore[no-untyped-def]
    """BEGIN IMMEDIATE, waiting for another writer in steps: between them the person is told (who waits
    and for how long), and after :func:`write_wait_seconds` the write gives up with a plain StoreBusy."""
    dbapi = conn.connection.dbapi_connection
    limit = write_wait_seconds()
    notice = getattr(_waiting, "notice", None) or _default_notice[0]
    start = time.monotonic()
    told = False
    while True:
        waited = time.monotonic() - start
        step = max(0.05, min(WAIT_STEP_SECONDS, limit - waited))
        dbapi.execute("PRAGMA busy_timeout={ms}".format(ms=int(step * 1000)))
        try:
            dbapi.execute("BEGIN IMMEDIATE")
            if told and notice is not None:
                notice(time.monotonic() - start, limit, True)
            return
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc):
                raise
            waited = time.monotonic() - start
            if waited >= limit:
                if told and notice is not None:
                    notice(waited, limit, True)
                raise StoreBusy(busy_message(limit)) from exc
            if notice is not None:
                notice(waited, limit, False)
                told = True
        finally:
            dbapi.execute("PRAGMA busy_timeout={ms}".format(ms=BUSY_TIMEOUT_MS))


def _on_connect_read(dbapi_conn: sqlite3.Connection, _record: object) -> None:
    # a read session refuses every write: writes happen only in store.begin() (the UI's write pool)
    dbapi_conn.execute("PRAGMA query_only=ON")


def _on_begin_read(conn) -> None:  # type: ignore[no-untyped-def]
    # a deferred transaction: readers see one snapshot and never wait for a writer (WAL)
    conn.exec_driver_sql("BEGIN")


def make_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _on_connect)
    if read_only:
        event.listen(engine, "connect", _on_connect_read)
    event.listen(engine, "begin", _on_begin_read if read_only else _on_begin_write)
    return engine


class Store:
    """The open store of one data directory. Engines are made on first use."""

    def __init__(self, data_dir: Path, *, load_models: Callable[[], None],
                 guard: Callable[[Session], None]) -> None:
        """``load_models`` imports every model before the first session (the schema layer knows them all);
        ``guard`` is given every write session before it begins (app.events.guard_session: every audited
        row written needs its event, or nothing is committed). app.schema.open_store passes both."""
        self.data_dir = data_dir
        self._load_models = load_models
        self._guard = guard
        self._engine: Engine | None = None
        self._sessionmaker: sessionmaker[Session] | None = None
        self._read_engine: Engine | None = None
        self._read_sessionmaker: sessionmaker[Session] | None = None
        self.remove_leftovers()

    def remove_leftovers(self) -> list[Path]:
        """Remove the temporary files a killed backup or export of this store left (app.leftovers says which
        and when): opening the store is the next start."""
        from app.leftovers import BACKUP_TMP, EXPORT_WORK, RESTORE_TMP, remove_leftovers

        return (remove_leftovers(self.backup_dir, BACKUP_TMP)
                + remove_leftovers(self.data_dir, RESTORE_TMP)
                + remove_leftovers(self.data_dir / "tmp", EXPORT_WORK, folders=True))

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = make_engine(self.db_path)
        return self._engine

    @property
    def sessionmaker(self) -> sessionmaker[Session]:
        if self._sessionmaker is None:
            from sqlalchemy.orm import sessionmaker

            self._load_models()  # every mapper must be configured before the first query
            self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        return self._sessionmaker

    @contextmanager
    def begin(self, actor: str = "系统") -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self.sessionmaker() as session:
            self._guard(session)  # every audited row written here needs its event, or nothing is committed
            with session.begin():
                session.info["actor"] = actor
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        if self._read_sessionmaker is None:
            from sqlalchemy.orm import sessionmaker

            self._load_models()
            self._read_engine = make_engine(self.db_path, read_only=True)
            self._read_sessionmaker = sessionmaker(self._read_engine, expire_on_commit=False)
        session = self._read_sessionmaker()
        try:
            yield session
        finally:
            # close() gives the connection back without committing and keeps
            # loaded attributes readable on the now-detached objects
            session.close()

    def close(self) -> None:
        for engine in (self._read_engine, self._engine):
            if engine is not None:
                engine.dispose()
