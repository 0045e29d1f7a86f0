"""The schema: every model (app.schema.models), the migrations, the quick start-up reads, and opening a store.

This is the one layer that knows every capability's tables; the storage engine below it knows none
(docs/architecture.md, "Layers"). Nothing here imports SQLAlchemy at import time: the usual start
reads the schema version with plain sqlite3 and makes no engine.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import DB_NAME, DataDirError, ensure_writable
from app.i18n import _
from app.storage import BUSY_TIMEOUT_MS, Store, StoreError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


def load_models() -> None:
    """Import every model module, so every mapper and every audited table is known."""
    import app.schema.models  # noqa: F401


def load_verifiers() -> None:
    """Import every model and every module that adds a check to ``cunwu check`` (app.events.verifier)."""
    load_models()
    import app.disclosure.service  # noqa: F401 - posted notices against their hashes
    import app.meetings.service  # noqa: F401 - closed minutes against their hashes
    import app.meetings.matters  # noqa: F401 - major matters against what they point to


def _guard(session: Session) -> None:
    from app.events import guard_session

    guard_session(session)


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
    from app.schema.version import SCHEMA_VERSION

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
    store = Store(data_dir, load_models=load_models, guard=_guard)
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
        from app.schema.migrations import upgrade

        upgrade(store)
    return store
