"""The village store: one SQLite file, SQLAlchemy 2.x models, forward migrations.

Every connection gets the pragmas design.md asks for. Write transactions begin
IMMEDIATE so that two writers queue on SQLite's lock instead of both reading
the same last event sequence number; reads begin deferred and never wait.

SQLAlchemy is imported only when a session is first needed: it costs about
0.3 s, more than a bare Qt window takes to appear, and the first screen reads
its numbers through :mod:`app.storage.quick` with the standard sqlite3 module.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.errors import UserError
from app.config import DB_NAME, DataDirError, ensure_writable
from app.i18n import _

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


def _on_begin_read(conn) -> None:  # type: ignore[no-untyped-def]
    # a deferred transaction: readers see one snapshot and never wait for a writer (WAL)
    conn.exec_driver_sql("BEGIN")


def make_engine(db_path: Path, *, read_only: bool = False) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(f"sqlite:///{db_path}")
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin_read if read_only else _on_begin_write)
    return engine


class Store:
    """The open store of one data directory. Engines are made on first use."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
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

            import app.models  # noqa: F401 - every mapper must be configured before the first query

            self._sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        return self._sessionmaker

    @contextmanager
    def begin(self, actor: str = "系统") -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        from app.events import guard_session

        with self.sessionmaker() as session:
            guard_session(session)  # every audited row written here needs its event, or nothing is committed
            with session.begin():
                session.info["actor"] = actor
                yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        if self._read_sessionmaker is None:
            from sqlalchemy.orm import sessionmaker

            import app.models  # noqa: F401

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


def _quick_version(db_path: Path) -> int | None:
    """The schema version read with plain sqlite3, or None if it cannot be read that way."""
    try:
        con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error:
        return None
    try:
        row = con.execute("SELECT version FROM schema_version").fetchone()
        return None if row is None else int(row[0])
    except sqlite3.Error:
        return None
    finally:
        con.close()


def open_store(data_dir: Path, *, migrate: bool = True, create: bool = True) -> Store:
    """Open (and if asked, create and upgrade) the store in ``data_dir``."""
    from app.storage.version import SCHEMA_VERSION

    db_path = data_dir / DB_NAME
    if not create and not db_path.exists():
        raise StoreError(
            _("在 {path} 没有找到村务数据。请先运行 cunwu init 建立本村资料,或用 --data-dir 指向已有数据的目录。").format(
                path=data_dir
            )
        )
    try:
        ensure_writable(data_dir)
    except DataDirError as exc:
        raise StoreError(str(exc)) from exc
    store = Store(data_dir)
    if db_path.exists() and _quick_version(db_path) == SCHEMA_VERSION:
        return store  # the usual start: nothing to create or upgrade
    try:
        from sqlalchemy import text

        with store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - sqlite reports many kinds of unusable file
        store.close()
        raise StoreError(
            _("数据库文件 {path} 无法打开({reason})。可以用 cunwu restore 从备份恢复。").format(path=db_path, reason=exc)
        ) from exc
    if migrate:
        from app.storage.migrations import upgrade

        upgrade(store)
    return store
