"""The command line as a clerk or a township script uses it: output and exit codes."""

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import main
from conftest import make_id, village_code

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *args):
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def test_init_then_init_again_is_refused_and_nothing_overwritten(tmp_path, capsys):
    d = str(tmp_path / "v")
    code, out = run(capsys, "--data-dir", d, "init", "--name", "柳林村", "--code", village_code(),
                    "--township", "石桥镇", "--group", "一组", "--group", "二组")
    assert code == 0 and "柳林村" in out
    code, out = run(capsys, "--data-dir", d, "init", "--name", "别的村", "--code", village_code(), "--township", "x")
    assert code == 1 and "已经建立" in out
    code, out = run(capsys, "--data-dir", d, "check")
    assert code == 0
    con = sqlite3.connect(Path(d) / "cunwu.sqlite3")
    assert con.execute("SELECT name FROM village").fetchall() == [("柳林村",)]


def test_init_with_a_mistyped_code_says_which_character(tmp_path, capsys):
    good = village_code()
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    code, out = run(capsys, "--data-dir", str(tmp_path / "v"), "init", "--name", "柳林村", "--code", bad,
                    "--township", "石桥镇")
    assert code == 1 and "校验" in out


def test_check_names_a_record_edited_with_the_sqlite_shell(store, capsys):
    con = sqlite3.connect(store.db_path)
    con.execute("UPDATE residents SET name='冒名' WHERE name='李四'")
    con.commit()
    con.close()
    code, out = run(capsys, "--data-dir", str(store.data_dir), "check")
    assert code == 1
    assert "residents #" in out and "冒名" in out


def test_commands_on_an_empty_directory_say_to_init_first(tmp_path, capsys):
    code, out = run(capsys, "--data-dir", str(tmp_path / "nothing"), "check")
    assert code == 1 and "cunwu init" in out


def test_user_add_reads_the_password_from_stdin(store, monkeypatch, capsys):
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("村务密码12345\n"))
    code, out = run(capsys, "--data-dir", str(store.data_dir), "user", "add", "王会计", "--role", "文书/会计",
                    "--password-stdin")
    assert code == 0 and "王会计" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO("村务密码12345\n"))
    code, out = run(capsys, "--data-dir", str(store.data_dir), "user", "add", "王会计", "--role", "主任",
                    "--password-stdin")
    assert code == 1 and "已经存在" in out


def test_english_with_lang_en(tmp_path, capsys):
    code, out = run(capsys, "--lang", "en", "--data-dir", str(tmp_path / "nothing"), "check")
    assert code == 1 and "cunwu init" in out and "还没有" not in out


def test_console_script_runs_as_a_process(tmp_path):
    out = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "v"), "init", "--name", "柳林村",
                          "--code", village_code(), "--township", "石桥镇"], capture_output=True, text=True,
                         cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "柳林村" in out.stdout


def _names(db):
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM residents"))
    finally:
        con.close()


def test_backup_to_a_stick_then_restore_brings_the_data_back(store, tmp_path, capsys):
    from app.people.service import ResidentInput, add_resident

    d = str(store.data_dir)
    stick = tmp_path / "U盘"
    code, out = run(capsys, "--data-dir", d, "backup", "--to", str(stick))
    assert code == 0
    backup = next(stick.glob("cunwu-*.sqlite3"))
    before = _names(store.db_path)
    with store.begin() as s:
        add_resident(s, ResidentInput(name="后来的人", id_number=make_id(dt.date(1999, 9, 9), 77)))
    store.close()
    code, out = run(capsys, "--data-dir", d, "restore", str(backup))
    assert code == 0 and "另存" in out
    assert _names(store.db_path) == before
    assert run(capsys, "--data-dir", d, "check")[0] == 0


@pytest.mark.parametrize("damage", ["truncated", "random", "foreign"])
def test_restoring_a_bad_file_is_refused_and_changes_nothing(store, tmp_path, capsys, damage):
    d = str(store.data_dir)
    code, _ = run(capsys, "--data-dir", d, "backup", "--to", str(tmp_path / "b"))
    good = next((tmp_path / "b").glob("*.sqlite3")).read_bytes()
    bad = tmp_path / "bad.sqlite3"
    if damage == "truncated":
        bad.write_bytes(good[: len(good) // 2])
    elif damage == "random":
        bad.write_bytes(os.urandom(len(good)))
    else:
        con = sqlite3.connect(bad)
        con.execute("CREATE TABLE photos (x)")
        con.commit()
        con.close()
    before = store.db_path.read_bytes()
    store.close()
    code, out = run(capsys, "--data-dir", d, "restore", str(bad))
    assert code == 1
    assert store.db_path.read_bytes() == before
    assert run(capsys, "--data-dir", d, "check")[0] == 0


def test_residents_export_imports_back_unchanged(store, tmp_path, capsys):
    from openpyxl import load_workbook

    first, second = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    assert run(capsys, "--data-dir", str(store.data_dir), "residents", "export", str(first))[0] == 0
    fresh = str(tmp_path / "fresh")
    assert run(capsys, "--data-dir", fresh, "init", "--name", "新村", "--code", village_code(),
               "--township", "石桥镇")[0] == 0
    code, out = run(capsys, "--data-dir", fresh, "residents", "import", str(first))
    assert code == 0 and "已导入 4 人" in out and "第一村民小组" in out
    assert run(capsys, "--data-dir", fresh, "residents", "export", str(second))[0] == 0
    rows = lambda p: [[c.value for c in r] for r in load_workbook(p).active.iter_rows()]  # noqa: E731
    assert rows(first) == rows(second)
    assert any("赵𠀀明" in str(r) for r in rows(second))
    assert run(capsys, "--data-dir", fresh, "check")[0] == 0


def test_residents_import_with_bad_rows_imports_nothing_and_lists_each(store, tmp_path, capsys):
    from openpyxl import Workbook

    good = make_id(dt.date(1975, 5, 5), 12)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    wb = Workbook()
    ws = wb.active
    ws.append(["XX村村民花名册"])
    ws.append(["姓名", "身份证号", "村民小组"])
    ws.append(["甲", good, "三组"])                          # row 3 fine
    ws.append(["乙", bad_check, "三组"])                     # row 4 check digit
    ws.append(["丙", good, "三组"])                          # row 5 duplicate of row 3
    ws.append([None, make_id(dt.date(1980, 1, 1), 13), "三组"])  # row 6 no name
    ws.append(["丁", 3.2e17, "三组"])                        # row 7 stored as a number
    path = tmp_path / "坏表.xlsx"
    wb.save(path)
    before = _names(store.db_path)
    code, out = run(capsys, "--data-dir", str(store.data_dir), "residents", "import", str(path))
    assert code == 1
    assert "没有导入任何数据" in out
    for row in ("第4行", "第5行", "第6行", "第7行"):
        assert row in out
    assert "  第3行" not in out
    assert _names(store.db_path) == before
    code, out = run(capsys, "--data-dir", str(store.data_dir), "residents", "import", str(path), "--dry-run")
    assert code == 1 and _names(store.db_path) == before
