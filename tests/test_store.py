"""Storage: pragmas for power cuts, schema versions, the data directory."""

import sqlite3

import pytest
from sqlalchemy import text

from app.config import ENV_DATA_DIR, resolve_data_dir
from app.schema import StoreError, open_store
from app.schema.migrations import SCHEMA_VERSION, current_version


def test_every_connection_is_durable_and_checks_foreign_keys(store):
    with store.engine.connect() as c:
        assert c.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert c.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert c.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert c.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_new_store_records_its_schema_version(tmp_path):
    store = open_store(tmp_path / "d")
    assert current_version(store) == SCHEMA_VERSION
    store.close()


def test_database_from_a_newer_program_is_refused_untouched(tmp_path):
    store = open_store(tmp_path / "d")
    db = store.db_path
    store.close()
    con = sqlite3.connect(db)
    con.execute("UPDATE schema_version SET version = 99")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="新版"):
        open_store(tmp_path / "d")


def test_foreign_file_is_not_taken_for_a_village_database(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    con = sqlite3.connect(d / "cunwu.sqlite3")
    con.execute("CREATE TABLE photos (x)")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="不是村务数据库"):
        open_store(d)


def test_data_dir_flag_beats_environment_beats_default(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_DATA_DIR, str(tmp_path / "env"))
    assert resolve_data_dir(str(tmp_path / "flag")) == (tmp_path / "flag").resolve()
    assert resolve_data_dir(None) == (tmp_path / "env").resolve()
    monkeypatch.delenv(ENV_DATA_DIR)
    assert "cunwu" in str(resolve_data_dir(None))


def test_unwritable_data_dir_gives_a_clear_message_and_writes_nothing(tmp_path, monkeypatch):
    import tempfile

    def refuse(*a, **k):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    with pytest.raises(StoreError, match="无法写入"):
        open_store(tmp_path / "ro")
    assert not (tmp_path / "ro" / "cunwu.sqlite3").exists()


def test_reading_does_not_wait_for_a_long_write(store):
    """A search while an import holds the write lock answers at once (WAL snapshot)."""
    import time

    from app.people.service import count_residents

    with pytest.raises(RuntimeError):
        with store.begin() as writer:
            writer.execute(text("UPDATE village SET hotline='1' WHERE id=1"))
            start = time.monotonic()
            with store.read() as s:
                assert count_residents(s) == 4
            assert time.monotonic() - start < 2  # the busy timeout is 10 s
            raise RuntimeError("roll the write back")
