"""A database saved by every released schema version opens, upgrades and checks clean."""

import shutil
from pathlib import Path

import pytest

from app.check import check_store
from app.people.service import count_residents, get_village
from app.schema import open_store
from app.schema.migrations import current_version
from app.schema.version import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema-v*.sqlite3")))
def test_saved_database_of_every_version_upgrades(tmp_path, fixture):
    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(FIXTURES / fixture, d / "cunwu.sqlite3")
    _attachment_files(d)
    store = open_store(d)
    assert current_version(store) == SCHEMA_VERSION
    with store.read() as s:
        assert get_village(s).name == "柳林村"
        assert count_residents(s) == 1
        report = check_store(s)
    assert report.ok, report.problems[:3]
    store.close()


def _attachment_files(data: Path) -> None:
    """The file of the photo tools/make_schema_fixture.py attached (check compares it with its hash)."""
    import hashlib

    from app.attachments import blob_path

    photo = b"\xff\xd8\xff fixture photo"
    path = blob_path(data, hashlib.sha256(photo).hexdigest())
    path.parent.mkdir(parents=True)
    path.write_bytes(photo)


def test_there_is_a_fixture_for_the_current_version():
    assert (FIXTURES / f"schema-v{SCHEMA_VERSION}.sqlite3").exists()


def _shape(db: Path) -> dict[str, object]:
    """Every table's columns (name, type, not null, primary key) and every index's columns."""
    import sqlite3

    con = sqlite3.connect(db)
    try:
        shape: dict[str, object] = {}
        for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
            shape[name] = sorted((c[1], c[2].upper(), c[3], c[5]) for c in con.execute(f"PRAGMA table_info('{name}')"))
        for name, table in con.execute("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' "
                                       "AND name NOT LIKE 'sqlite_%' ORDER BY name"):
            shape["index " + name] = (table, [c[2] for c in con.execute(f"PRAGMA index_info('{name}')")])
        return shape
    finally:
        con.close()


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema-v*.sqlite3")))
def test_every_upgrade_path_ends_in_the_schema_a_new_database_gets(tmp_path, fixture):
    """Each step adds what its version added (frozen DDL), so every old file ends where a new one starts."""
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(FIXTURES / fixture, old / "cunwu.sqlite3")
    open_store(old).close()
    new = tmp_path / "new"
    new.mkdir()
    open_store(new).close()
    assert _shape(old / "cunwu.sqlite3") == _shape(new / "cunwu.sqlite3")


@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION))
def test_upgrading_the_version_before_gives_the_saved_database_of_each_version(tmp_path, version):
    """A step means today what it meant when it was released: v(N-1) upgraded by step N has v N's tables."""
    from app.schema.migrations import STEPS, _ensure_version_table, _set_version

    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(FIXTURES / f"schema-v{version}.sqlite3", d / "cunwu.sqlite3")
    store = open_store(d, migrate=False)
    with store.engine.begin() as conn:
        assert _ensure_version_table(conn) == version
        STEPS[version + 1](conn)
        _set_version(conn, version + 1)
    store.close()
    assert _shape(d / "cunwu.sqlite3") == _shape(FIXTURES / f"schema-v{version + 1}.sqlite3")
