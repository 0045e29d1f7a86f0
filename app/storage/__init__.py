"""The village store: one SQLite file, SQLAlchemy 2.x models, forward migrations.

Every connection gets the pragmas design.md asks for. Transactions begin
IMMEDIATE so that two writers queue on SQLite's lock instead of both reading
the same last event sequence number and one of them failing later.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from app.config import DB_NAME, DataDirError, ensure_writable
from app.i18n import _

BUSY_TIMEOUT_MS = 10_000


class Base(DeclarativeBase):
    pass


class StoreError(Exception):
    """The store cannot be opened or used; the message says what to do."""


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
    engine = create_engine(f"sqlite:///{db_path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin_read if read_only else _on_begin_write)
    return engine


@dataclass
class Store:
    data_dir: Path
    engine: Engine
    sessionmaker: sessionmaker[Session]
    read_engine: Engine | None = None
    read_sessionmaker: sessionmaker[Session] | None = None

    @property
    def db_path(self) -> Path:
        return self.data_dir / DB_NAME

    @property
    def backup_dir(self) -> Path:
        return self.data_dir / "backups"

    @contextmanager
    def begin(self, actor: str = "系统") -> Iterator[Session]:
        """One transaction: committed on success, rolled back on any error."""
        with self.sessionmaker.begin() as session:
            session.info["actor"] = actor
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only; nothing it does is committed."""
        if self.read_sessionmaker is None:
            self.read_engine = make_engine(self.db_path, read_only=True)
            self.read_sessionmaker = sessionmaker(self.read_engine, expire_on_commit=False)
        session = self.read_sessionmaker()
        try:
            yield session
        finally:
            # close() gives the connection back without committing and keeps
            # loaded attributes readable on the now-detached objects
            session.close()

    def close(self) -> None:
        if self.read_engine is not None:
            self.read_engine.dispose()
        self.engine.dispose()


def open_store(data_dir: Path, *, migrate: bool = True, create: bool = True) -> Store:
    """Open (and if asked, create and upgrade) the store in ``data_dir``."""
    from app.storage.migrations import upgrade

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
    engine = make_engine(db_path)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - sqlite reports many kinds of unusable file
        engine.dispose()
        raise StoreError(
            _("数据库文件 {path} 无法打开({reason})。可以用 cunwu restore 从备份恢复。").format(path=db_path, reason=exc)
        ) from exc
    store = Store(data_dir=data_dir, engine=engine, sessionmaker=sessionmaker(engine, expire_on_commit=False))
    if migrate:
        upgrade(store)
    return store
