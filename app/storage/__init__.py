"""The storage engine: one SQLite file, its engines and sessions (no model; app.schema opens it).

Every connection gets the pragmas design.md asks for. Write transactions begin
IMMEDIATE so that two writers queue on SQLite's lock instead of both reading
the same last event sequence number; reads begin deferred and never wait.

SQLAlchemy is imported only when a session is first needed: it costs about
0.3 s, more than a bare Qt window takes to appear, and the first screen reads
its numbers through :mod:`app.schema.quick` with the standard sqlite3 module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import UserError
from app.config import DB_NAME

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000


class StoreError(UserError):
    """The store cannot be opened or used; the message says what to do."""


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
    conn.exec_driver_sql("BEGIN IMMEDIATE")


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
