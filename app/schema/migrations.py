"""Forward-only schema migrations.

Each step names the version it starts from and refuses to run on any other
(Electrum's guarded ``_convert_version_N``). Before an existing database is
upgraded, a 'pre-migration' backup is taken and verified.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Connection, text

from app.i18n import _
from app.storage import Store, StoreError
from app.storage.base import Base
from app.schema.version import SCHEMA_VERSION


def _ensure_version_table(conn: Connection) -> int | None:
    conn.execute(text("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"))
    row = conn.execute(text("SELECT version FROM schema_version")).first()
    return None if row is None else int(row[0])


def _set_version(conn: Connection, version: int) -> None:
    conn.execute(text("DELETE FROM schema_version"))
    conn.execute(text("INSERT INTO schema_version (version) VALUES (:v)"), {"v": version})


def _create_v1(conn: Connection) -> None:
    import app.schema.models  # noqa: F401 - registers every table on Base.metadata

    Base.metadata.create_all(conn)
    _derived(conn)


def _derived(conn: Connection) -> None:
    """Tables that are not models: indexes rebuilt from the records (the notices' search index)."""
    from app.disclosure import search
    from app.meetings import search as minutes_search

    conn.execute(text(search.DDL))
    conn.execute(text(minutes_search.DDL))


def _run(conn: Connection, version: int) -> None:
    from app.schema.frozen import STEP_DDL

    for statement in STEP_DDL[version]:
        conn.execute(text(statement))


def _to_v2(conn: Connection) -> None:
    """Attachments, certificates, and the sync outbox and receipts (sync to the township)."""
    _run(conn, 2)
    # whether a resident moved out or died: certificates that need residence are refused for them
    conn.execute(text("ALTER TABLE residents ADD COLUMN status VARCHAR(8)"))


def _to_v3(conn: Connection) -> None:
    """Village affairs disclosure (notices, reviews, feedback, files, search index) and the ledger."""
    _run(conn, 3)


def _to_v4(conn: Connection) -> None:
    """Meetings and their minutes, major matters (四议两公开), and the minutes' search index."""
    _run(conn, 4)


def _to_v5(conn: Connection) -> None:
    """Law fidelity: probationary party members, proxy holders, special-majority motions, Art. 24
    authorisation by a motion of the villagers' meeting, and the filing of 村规民约 with the township.

    The new columns are NULL on old rows, as a key missing from their older events reads (cunwu check)."""
    for table, column, kind in (("residents", "probationary", "BOOLEAN"), ("residents", "probation_since", "DATE"),
                                ("meeting_attendees", "proxy_holder_id", "INTEGER"),
                                ("motions", "special", "VARCHAR(32)"),
                                ("matters", "authorisation_motion_id", "INTEGER"), ("matters", "filed_on", "DATE"),
                                ("matters", "filing_reference", "VARCHAR(120)")):
        conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {kind}"))


def _to_v6(conn: Connection) -> None:
    """Users inside the program: an account the administrator disabled (停用) cannot log in. NULL on old rows
    (enabled), as a key missing from their older events reads (cunwu check)."""
    conn.execute(text("ALTER TABLE users ADD COLUMN disabled BOOLEAN"))


# version reached -> step from (version - 1). Add new steps at the end only.
STEPS: dict[int, Callable[[Connection], None]] = {2: _to_v2, 3: _to_v3, 4: _to_v4, 5: _to_v5, 6: _to_v6}


def current_version(store: Store) -> int | None:
    with store.engine.begin() as conn:
        return _ensure_version_table(conn)


def upgrade(store: Store) -> int:
    with store.engine.begin() as conn:
        version = _ensure_version_table(conn)
        if version is None:
            has_tables = conn.execute(
                text("SELECT count(*) FROM sqlite_master WHERE type='table' AND name != 'schema_version'")
            ).scalar_one()
            if has_tables:
                raise StoreError(_("这个数据库不是村务数据库,或版本记录已丢失。请用 cunwu restore 从备份恢复。"))
            _create_v1(conn)
            _set_version(conn, SCHEMA_VERSION)
            return SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise StoreError(
            _("数据库版本({found})比本程序({ours})新。请安装新版村务软件后再打开。").format(
                found=version, ours=SCHEMA_VERSION
            )
        )
    if version == SCHEMA_VERSION:
        return version
    from app.backup import make_backup

    make_backup(store.db_path, store.backup_dir, kind="pre-migration")
    while version < SCHEMA_VERSION:
        step = STEPS[version + 1]
        with store.engine.begin() as conn:
            found = _ensure_version_table(conn)
            if found != version:
                raise StoreError(_("升级数据库时版本不符,已停止。请联系维护人员。"))
            step(conn)
            _set_version(conn, version + 1)
        version += 1
    return version
