"""`cunwu restore` checks the backup before it replaces anything: this village's (another village's only when
asked for explicitly, with the township's re-enrolment), a schema this program knows, and not edited. A
refused restore leaves the store exactly as it was, and no copy is set aside."""

from __future__ import annotations

import random
import shutil
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.people.uscc import make_uscc
from app.schema import open_store
from app.schema.version import SCHEMA_VERSION

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def run(capsys, *args):  # type: ignore[no-untyped-def]
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def _backup(capsys, data_dir: Path, to: Path) -> Path:  # type: ignore[no-untyped-def]
    code, out = run(capsys, "--data-dir", str(data_dir), "backup", "--to", str(to))
    assert code == 0, out
    return sorted(to.glob("cunwu-*.sqlite3"))[-1]


def _state(data_dir: Path) -> tuple[bytes, list[str]]:
    """What a refused restore must not change: the database and the files beside it (no copy set aside)."""
    files = sorted(str(p.relative_to(data_dir)) for p in data_dir.rglob("*") if p.is_file() and p.suffix != ".log")
    return (data_dir / "cunwu.sqlite3").read_bytes(), files


def _village(db: Path) -> tuple[str, str]:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT code, name FROM village").fetchone()
    finally:
        con.close()


def _edit(path: Path, sql: str, *params) -> None:  # type: ignore[no-untyped-def]
    con = sqlite3.connect(path)
    con.execute(sql, params)
    con.commit()
    con.close()


@pytest.fixture
def other_village_backup(tmp_path, capsys) -> Path:  # type: ignore[no-untyped-def]
    """A backup of 桃园村, another village of the same township."""
    d = tmp_path / "桃园村"
    code, out = run(capsys, "--data-dir", str(d), "init", "--name", "桃园村",
                    "--code", make_uscc(random.Random(99), area="371426"), "--township", "石桥镇")
    assert code == 0, out
    return _backup(capsys, d, tmp_path / "桃园村的U盘")


def test_another_villages_backup_is_refused_with_the_way_to_do_it_and_nothing_changes(store, other_village_backup,
                                                                                       capsys):
    store.close()
    before = _state(store.data_dir)
    code, out = run(capsys, "--data-dir", str(store.data_dir), "restore", str(other_village_backup))
    assert code == 1
    assert "另一个村" in out and "桃园村" in out and "柳林村" in out
    assert "--other-village" in out and "hub enroll --replace" in out  # the township's recovery path
    assert _state(store.data_dir) == before
    assert _village(store.db_path)[1] == "柳林村"


def test_another_villages_backup_restored_on_purpose_says_the_township_must_enrol_again(store, other_village_backup,
                                                                                        capsys):
    store.close()
    code, out = run(capsys, "--data-dir", str(store.data_dir), "restore", str(other_village_backup),
                    "--other-village")
    assert code == 0, out
    assert _village(store.db_path)[1] == "桃园村"
    assert "重新登记" in out and "cunwu keys export-public" in out and "hub enroll --replace" in out
    assert list((store.data_dir / "backups").glob("cunwu-*-pre-restore.sqlite3"))  # 柳林村's data kept aside
    assert run(capsys, "--data-dir", str(store.data_dir), "check")[0] == 0


def test_a_backup_from_a_newer_program_is_refused_before_anything_is_replaced(store, tmp_path, capsys):
    newer = _backup(capsys, store.data_dir, tmp_path / "U盘")
    _edit(newer, "UPDATE schema_version SET version = ?", SCHEMA_VERSION + 1)
    store.close()
    before = _state(store.data_dir)
    code, out = run(capsys, "--data-dir", str(store.data_dir), "restore", str(newer))
    assert code == 1
    assert "请先升级程序" in out and "没有改动" in out
    assert _state(store.data_dir) == before
    assert run(capsys, "--data-dir", str(store.data_dir), "check")[0] == 0  # every command still starts


@pytest.mark.parametrize("edit", ["event content", "event deleted", "record behind the log"])
def test_an_edited_backup_is_refused_and_nothing_changes(store, tmp_path, capsys, edit):
    edited = _backup(capsys, store.data_dir, tmp_path / "U盘")
    if edit == "event content":
        _edit(edited, "UPDATE events SET content = replace(content, '李四', '李五') WHERE content LIKE '%李四%'")
    elif edit == "event deleted":
        _edit(edited, "DELETE FROM events WHERE seq = 3")
    else:  # the log is whole, but a row no longer matches it: what `cunwu check` names
        _edit(edited, "UPDATE residents SET name = '冒名' WHERE name = '李四'")
    store.close()
    before = _state(store.data_dir)
    code, out = run(capsys, "--data-dir", str(store.data_dir), "restore", str(edited))
    assert code == 1
    assert "被改动过" in out and "没有改动" in out
    assert "出现意外问题" not in out
    assert _state(store.data_dir) == before


@pytest.mark.tampers  # the saved villages name attachment files that are not in this data folder
@pytest.mark.parametrize("version", range(1, SCHEMA_VERSION + 1))
def test_an_untouched_backup_of_this_village_from_any_older_program_restores(store, tmp_path, capsys, version):
    saved = FIXTURES / "schema-v{v}.sqlite3".format(v=version)  # made by the program of that version
    backup = tmp_path / "cunwu-20250101-080000-manual.sqlite3"
    shutil.copyfile(saved, backup)
    store.close()
    code, out = run(capsys, "--data-dir", str(store.data_dir), "restore", str(backup))
    assert code == 0, out
    again = open_store(store.data_dir)  # upgraded on opening, as every command does
    try:
        with again.read() as s:
            names = sorted(r[0] for r in s.connection().exec_driver_sql("SELECT name FROM residents"))
    finally:
        again.close()
    con = sqlite3.connect(saved)
    try:
        assert names == sorted(r[0] for r in con.execute("SELECT name FROM residents"))
    finally:
        con.close()
