"""A database saved by every released schema version opens, upgrades and checks clean."""

import shutil
from pathlib import Path

import pytest

from app.check import check_store
from app.people.service import count_residents, get_village
from app.storage import open_store
from app.storage.migrations import current_version
from app.storage.version import SCHEMA_VERSION

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("schema-v*.sqlite3")))
def test_saved_database_of_every_version_upgrades(tmp_path, fixture):
    d = tmp_path / "data"
    d.mkdir()
    shutil.copy(FIXTURES / fixture, d / "cunwu.sqlite3")
    store = open_store(d)
    assert current_version(store) == SCHEMA_VERSION
    with store.read() as s:
        assert get_village(s).name == "柳林村"
        assert count_residents(s) == 1
        report = check_store(s)
    assert report.ok, report.problems[:3]
    store.close()


def test_there_is_a_fixture_for_the_current_version():
    assert (FIXTURES / f"schema-v{SCHEMA_VERSION}.sqlite3").exists()
