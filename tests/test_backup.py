"""Backups and restore of the village database (app.backup)."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from app import backup
from app.backup import (
    BackupError,
    list_backups,
    make_backup,
    needs_daily_backup,
    restore_backup,
    rotate,
    verify_backup_file,
)

ROWS = 3000
TABLES = ("households", "residents")
NOW = datetime(2024, 6, 15, 12, 0, 0)


def _build(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE households (id INTEGER PRIMARY KEY, head TEXT NOT NULL)")
    conn.execute(
        "CREATE TABLE residents (id INTEGER PRIMARY KEY, household_id INTEGER REFERENCES households(id),"
        " name TEXT NOT NULL, id_number TEXT NOT NULL)"
    )
    conn.execute("CREATE INDEX residents_household ON residents(household_id)")
    conn.executemany(
        "INSERT INTO households (id, head) VALUES (?, ?)", [(i, "户主{}".format(i)) for i in range(ROWS // 4)]
    )
    conn.executemany(
        "INSERT INTO residents (id, household_id, name, id_number) VALUES (?, ?, ?, ?)",
        [(i, i // 4, "村民{}号䶮".format(i), "53042119800101{:04d}".format(i)) for i in range(ROWS)],
    )
    conn.commit()
    conn.close()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "cunwu.sqlite3"
    _build(path)
    return path


@pytest.fixture
def db(tmp_path: Path, template_db: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    path = data / "cunwu.sqlite3"
    shutil.copyfile(template_db, path)
    return path


def residents(path: Path) -> list[tuple]:
    # Read without leaving -wal/-shm files behind, yet see rows a crash left in an existing -wal.
    has_wal = path.with_name(path.name + "-wal").exists()
    conn = sqlite3.connect(path.resolve().as_uri() + ("?mode=ro" if has_wal else "?mode=ro&immutable=1"), uri=True)
    try:
        return conn.execute("SELECT id, household_id, name, id_number FROM residents ORDER BY id").fetchall()
    finally:
        conn.close()


def write(path: Path, sql: str, *params: object) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.execute(sql, params)
        conn.commit()
    finally:
        conn.close()


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def snapshot(db_path: Path) -> dict[str, bytes]:
    """The bytes of the database and its WAL: what must not change when a restore fails."""
    out = {}
    for suffix in ("", "-wal"):
        p = db_path.with_name(db_path.name + suffix)
        if p.exists():
            out[suffix] = p.read_bytes()
    return out


def crashed_copy(db_path: Path, target_dir: Path, new_name: str) -> tuple[Path, list[tuple]]:
    """A database as a crash leaves it: committed rows still only in the -wal file."""
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO residents (id, household_id, name, id_number) VALUES (?, 1, ?, 'x')",
                 (ROWS + 1, new_name))
    conn.commit()
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / db_path.name
    shutil.copyfile(db_path, target)
    shutil.copyfile(db_path.with_name(db_path.name + "-wal"), target.with_name(target.name + "-wal"))
    conn.close()
    assert target.with_name(target.name + "-wal").stat().st_size > 0
    return target, residents(target)


def damage_a_page(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    pages = len(data) // page_size
    start = (pages // 2) * page_size
    data[start + 8 : start + 400] = b"\xff" * 392
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- make_backup

def test_backup_holds_committed_rows_and_not_an_open_transaction(db: Path, tmp_path: Path) -> None:
    committed = sqlite3.connect(db)
    committed.execute("PRAGMA wal_autocheckpoint=0")  # keep this row in the WAL only
    committed.execute("UPDATE residents SET name = '已提交的改名' WHERE id = 7")
    committed.commit()

    writer = sqlite3.connect(db, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM residents WHERE id < 1000")
    writer.execute("UPDATE residents SET name = '未提交' WHERE id = 2000")
    try:
        info = make_backup(db, tmp_path / "usb", now=NOW)
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        committed.close()

    rows = residents(info.path)
    assert len(rows) == ROWS
    assert rows[7][2] == "已提交的改名"
    assert rows[2000][2] == "村民2000号䶮"
    assert info.path.name == "cunwu-20240615-120000-daily.sqlite3"
    assert (info.kind, info.created, info.size) == ("daily", NOW, info.path.stat().st_size)
    assert files_in(tmp_path / "usb") == [info.path.name]  # one self-contained file, no temp or -wal


def test_backup_equals_database_and_is_listed(db: Path, tmp_path: Path) -> None:
    info = make_backup(db, tmp_path / "usb", kind="manual", now=NOW)
    assert residents(info.path) == residents(db)
    verify_backup_file(info.path, TABLES)
    assert list_backups(tmp_path / "usb") == [info]


def test_same_second_gets_numbered_names_newest_first(db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "usb"
    first = make_backup(db, dest, now=NOW)
    second = make_backup(db, dest, now=NOW)
    third = make_backup(db, dest, now=NOW)
    assert first.path.name == "cunwu-20240615-120000-daily.sqlite3"
    assert second.path.name == "cunwu-20240615-120000-daily-2.sqlite3"
    assert third.path.name == "cunwu-20240615-120000-daily-3.sqlite3"
    assert [b.path for b in list_backups(dest)] == [third.path, second.path, first.path]


def test_missing_database_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match="找不到要备份的数据库"):
        make_backup(tmp_path / "nope.sqlite3", tmp_path / "usb", now=NOW)
    assert files_in(tmp_path / "usb") == []


def test_full_stick_is_refused_before_writing(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "usb"
    real = shutil.disk_usage

    def nearly_full(path: os.PathLike[str] | str):
        usage = real(path)
        return usage._replace(free=1000)

    monkeypatch.setattr(shutil, "disk_usage", nearly_full)
    with pytest.raises(BackupError, match="空间不足") as caught:
        make_backup(db, dest, now=NOW)
    assert "换一个U盘" in str(caught.value)
    assert files_in(dest) == []


def test_stick_filling_up_during_the_copy_leaves_nothing(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dest = tmp_path / "usb"

    def enospc(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", enospc)
    with pytest.raises(BackupError, match="空间不足"):
        make_backup(db, dest, now=NOW)
    assert files_in(dest) == []


def test_read_only_destination_is_refused(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "usb"
    dest.mkdir()
    dest.chmod(0o500)
    try:
        probe = dest / "probe"
        try:
            probe.write_bytes(b"")
        except PermissionError:
            pass
        else:
            # Running as root: permissions do not stop writes, so fail the write the way a locked stick would.
            probe.unlink()
            real_open = os.open

            def locked(path, *args, **kwargs):
                if str(path).startswith(str(dest)):
                    raise PermissionError(errno.EACCES, "Permission denied", str(path))
                return real_open(path, *args, **kwargs)

            monkeypatch.setattr(os, "open", locked)
        with pytest.raises(BackupError, match="不可写"):
            make_backup(db, dest, now=NOW)
        assert files_in(dest) == []
    finally:
        dest.chmod(0o700)


def test_copy_failing_its_check_is_not_kept(db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = tmp_path / "usb"

    def bad_copy(path: Path, required_tables=()) -> None:
        raise BackupError("坏了")

    monkeypatch.setattr(backup, "verify_backup_file", bad_copy)
    with pytest.raises(BackupError, match="校验没有通过"):
        make_backup(db, dest, now=NOW)
    assert files_in(dest) == []


# ---------------------------------------------------------------- listing and rotation

def touch_backup(folder: Path, when: datetime, kind: str = "daily", seq: int = 1) -> Path:
    suffix = "" if seq == 1 else "-{}".format(seq)
    p = folder / "cunwu-{}-{}{}.sqlite3".format(when.strftime("%Y%m%d-%H%M%S"), kind, suffix)
    p.write_bytes(b"x")
    return p


def days(*isodates: str) -> set[date]:
    return {date.fromisoformat(d) for d in isodates}


def kept_days(folder: Path) -> set[date]:
    return {b.created.date() for b in list_backups(folder) if b.kind == "daily"}


def test_list_ignores_other_files(tmp_path: Path) -> None:
    keep = touch_backup(tmp_path, NOW)
    (tmp_path / (keep.name + ".tmp")).write_bytes(b"half")
    (tmp_path / "cunwu-20241340-120000-daily.sqlite3").write_bytes(b"bad date")
    (tmp_path / "cunwu-20240615-120000-weekly.sqlite3").write_bytes(b"unknown kind")
    (tmp_path / "照片.jpg").write_bytes(b"")
    (tmp_path / "cunwu-20240614-120000-daily.sqlite3").mkdir()
    assert [b.path for b in list_backups(tmp_path)] == [keep]
    assert list_backups(tmp_path / "not-there") == []


def test_rotation_over_400_days_keeps_7_days_4_weeks_12_months(tmp_path: Path) -> None:
    first = NOW.replace(hour=9) - timedelta(days=399)
    for i in range(400):
        touch_backup(tmp_path, first + timedelta(days=i))

    removed = rotate(tmp_path, now=NOW)

    expected = days(
        # the last 7 days
        "2024-06-15", "2024-06-14", "2024-06-13", "2024-06-12", "2024-06-11", "2024-06-10", "2024-06-09",
        # last day of each of the 4 latest ISO weeks not already kept (Jun 15 and Jun 9 are)
        "2024-06-02", "2024-05-26",
        # last day of each of the 12 latest months, June 2024 already kept
        "2024-05-31", "2024-04-30", "2024-03-31", "2024-02-29", "2024-01-31", "2023-12-31",
        "2023-11-30", "2023-10-31", "2023-09-30", "2023-08-31", "2023-07-31",
    )
    assert len(expected) == 20
    assert kept_days(tmp_path) == expected
    assert len(removed) == 380
    assert not any(p.exists() for p in removed)
    assert rotate(tmp_path, now=NOW) == []


def test_rotation_counts_days_that_have_a_backup(tmp_path: Path) -> None:
    # The office PC was off from 1 to 10 June: a week of copies is still kept.
    d = datetime(2024, 1, 1, 9)
    while d.date() <= NOW.date():
        if not date(2024, 6, 1) <= d.date() <= date(2024, 6, 10):
            touch_backup(tmp_path, d)
        d += timedelta(days=1)

    rotate(tmp_path, now=NOW)

    assert kept_days(tmp_path) == days(
        "2024-06-15", "2024-06-14", "2024-06-13", "2024-06-12", "2024-06-11", "2024-05-31", "2024-05-30",
        "2024-05-26", "2024-05-19",
        "2024-04-30", "2024-03-31", "2024-02-29", "2024-01-31",
    )


def test_rotation_keeps_the_latest_copy_of_a_day(tmp_path: Path) -> None:
    morning = touch_backup(tmp_path, NOW.replace(hour=9))
    evening = touch_backup(tmp_path, NOW.replace(hour=18))
    again = touch_backup(tmp_path, NOW.replace(hour=18), seq=2)
    assert rotate(tmp_path, now=NOW.replace(hour=23)) == [evening, morning]
    assert [b.path for b in list_backups(tmp_path)] == [again]


def test_rotation_never_removes_manual_or_safety_copies(tmp_path: Path) -> None:
    old = datetime(2020, 3, 1, 8)
    protected = [
        touch_backup(tmp_path, old, "manual"),
        touch_backup(tmp_path, old + timedelta(days=1), "pre-migration"),
        touch_backup(tmp_path, old + timedelta(days=2), "pre-restore"),
    ]
    future = touch_backup(tmp_path, datetime(2030, 1, 1, 9))  # a clock that was set wrong once
    stale_tmp = tmp_path / "cunwu-20200301-080000-daily.sqlite3.tmp"
    stale_tmp.write_bytes(b"")
    dailies = [touch_backup(tmp_path, NOW - timedelta(days=40 * i)) for i in range(20)]

    removed = rotate(tmp_path, now=NOW, daily=1, weekly=0, monthly=0)

    assert all(p.exists() for p in protected)
    assert future.exists() and stale_tmp.exists()
    assert sorted(removed) == sorted(dailies[1:])
    assert dailies[0].exists()


def test_needs_daily_backup(tmp_path: Path) -> None:
    assert needs_daily_backup(tmp_path / "none-yet", NOW)
    touch_backup(tmp_path, NOW - timedelta(days=1))
    touch_backup(tmp_path, NOW.replace(hour=8), "manual")
    assert needs_daily_backup(tmp_path, NOW)
    touch_backup(tmp_path, NOW.replace(hour=8))
    assert not needs_daily_backup(tmp_path, NOW)
    assert needs_daily_backup(tmp_path, NOW + timedelta(days=1))


# ---------------------------------------------------------------- verify and restore

def bad_file(kind: str, folder: Path, good: Path) -> Path:
    p = folder / "cunwu-20240101-090000-manual.sqlite3"
    data = good.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    if kind == "missing":
        return p
    if kind == "random":
        p.write_bytes(os.urandom(len(data)))
    elif kind == "truncated-mid-page":
        p.write_bytes(data[: len(data) // 2 + 100])
    elif kind == "truncated-at-page":
        p.write_bytes(data[: len(data) - 3 * page_size])
    elif kind == "header-only":
        p.write_bytes(data[:60])
    elif kind == "damaged-page":
        p.write_bytes(data)
        damage_a_page(p)
    elif kind == "other-program":
        conn = sqlite3.connect(p)
        conn.execute("CREATE TABLE songs (title TEXT)")
        conn.commit()
        conn.close()
    else:
        raise AssertionError(kind)
    return p


REFUSALS = {
    "missing": "找不到备份文件",
    "random": "不是数据库备份",
    "truncated-mid-page": "不完整",
    "truncated-at-page": "不完整",
    "header-only": "不完整",
    "damaged-page": "损坏",
    "other-program": "这不是村务数据库的备份",
}


@pytest.fixture
def good_backup(db: Path, tmp_path: Path) -> Path:
    return make_backup(db, tmp_path / "usb", kind="manual", now=NOW - timedelta(days=30)).path


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_verify_refuses_bad_files(kind: str, tmp_path: Path, good_backup: Path) -> None:
    path = bad_file(kind, tmp_path, good_backup)
    with pytest.raises(BackupError, match=REFUSALS[kind]):
        verify_backup_file(path, TABLES)


def test_verify_accepts_a_good_backup_and_checks_tables_only_when_asked(good_backup: Path, tmp_path: Path) -> None:
    verify_backup_file(good_backup, TABLES)
    other = bad_file("other-program", tmp_path, good_backup)
    verify_backup_file(other)
    with pytest.raises(BackupError, match="这不是村务数据库的备份"):
        verify_backup_file(other, ["residents"])


@pytest.mark.parametrize("kind", sorted(REFUSALS))
def test_restore_refuses_bad_files_and_touches_nothing(
    kind: str, db: Path, tmp_path: Path, good_backup: Path
) -> None:
    path = bad_file(kind, tmp_path, good_backup)
    write(db, "UPDATE residents SET name = '今天的数据' WHERE id = 1")
    before_rows, before_bytes = residents(db), snapshot(db)

    with pytest.raises(BackupError, match=REFUSALS[kind]):
        restore_backup(path, db, aside_dir=tmp_path / "aside", now=NOW, required_tables=TABLES)

    assert residents(db) == before_rows
    assert snapshot(db) == before_bytes
    assert files_in(tmp_path / "aside") == []
    assert files_in(db.parent) == [db.name]


def test_restore_brings_back_old_content_and_keeps_current_aside(db: Path, tmp_path: Path, good_backup: Path) -> None:
    old_rows = residents(db)
    write(db, "DELETE FROM residents WHERE id >= 100")
    write(db, "UPDATE residents SET name = '改错了' WHERE id = 5")
    current_rows = residents(db)
    assert len(current_rows) == 100

    aside = restore_backup(good_backup, db, aside_dir=tmp_path / "aside", now=NOW, required_tables=TABLES)

    assert residents(db) == old_rows
    assert aside is not None and residents(aside) == current_rows
    assert [(b.path, b.kind) for b in list_backups(tmp_path / "aside")] == [(aside, "pre-restore")]
    assert files_in(db.parent) == [db.name]
    assert residents(good_backup) == old_rows  # the backup itself is left as it was
    conn = sqlite3.connect(db)  # the program can open it again the usual way
    assert conn.execute("PRAGMA journal_mode=WAL").fetchone() == ("wal",)
    conn.execute("INSERT INTO residents (id, household_id, name, id_number) VALUES (99999, 1, '新', 'y')")
    conn.commit()
    conn.close()
    assert len(residents(db)) == ROWS + 1


def test_restore_after_a_crash_keeps_the_rows_only_in_the_wal(db: Path, tmp_path: Path, good_backup: Path) -> None:
    crashed, crashed_rows = crashed_copy(db, tmp_path / "crashed", "崩溃前刚录入")
    assert crashed_rows[-1][2] == "崩溃前刚录入"

    aside = restore_backup(good_backup, crashed, aside_dir=tmp_path / "aside", now=NOW, required_tables=TABLES)

    assert aside is not None and residents(aside) == crashed_rows
    # The old -wal must not be replayed into the restored database.
    assert residents(crashed) == residents(good_backup)
    assert files_in(crashed.parent) == [crashed.name]


def test_restore_failing_its_final_check_leaves_database_and_wal_as_they_were(
    db: Path, tmp_path: Path, good_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed, crashed_rows = crashed_copy(db, tmp_path / "crashed", "不能丢")
    before = snapshot(crashed)
    real_verify = backup.verify_backup_file

    def fail_on_temp_copy(path: Path, required_tables=()) -> None:
        if Path(path).name.endswith(".tmp") and Path(path).parent == crashed.parent:
            raise BackupError("坏了")
        real_verify(path, required_tables)

    monkeypatch.setattr(backup, "verify_backup_file", fail_on_temp_copy)
    with pytest.raises(BackupError, match="原来的数据没有改动"):
        restore_backup(good_backup, crashed, aside_dir=tmp_path / "aside", now=NOW, required_tables=TABLES)

    assert snapshot(crashed) == before
    assert residents(crashed) == crashed_rows
    assert not [n for n in files_in(crashed.parent) if n.endswith(".tmp")]


def test_restore_failing_at_the_last_rename_keeps_what_the_wal_held(
    db: Path, tmp_path: Path, good_backup: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rows only the -wal held survive: restore folds the -wal into the database before it renames
    anything (SQLite's own checkpoint), so a failed rename has nothing to lose."""
    crashed, crashed_rows = crashed_copy(db, tmp_path / "crashed", "不能丢")
    real_replace = os.replace

    def refuse_onto_database(src, dst) -> None:
        if Path(dst) == crashed:
            raise PermissionError(errno.EACCES, "file in use", str(dst))
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", refuse_onto_database)
    with pytest.raises(BackupError, match="不可写"):
        restore_backup(good_backup, crashed, aside_dir=tmp_path / "aside", now=NOW, required_tables=TABLES)

    assert residents(crashed) == crashed_rows
    assert sqlite3.connect(crashed).execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert not crashed.with_name(crashed.name + "-wal.before-restore").exists()


def test_restore_works_when_the_current_database_is_damaged(db: Path, tmp_path: Path, good_backup: Path) -> None:
    damage_a_page(db)
    damaged = db.read_bytes()
    with pytest.raises(BackupError, match="校验没有通过"):
        make_backup(db, tmp_path / "usb2", now=NOW)

    aside = restore_backup(good_backup, db, aside_dir=tmp_path / "aside", now=NOW, required_tables=TABLES)

    assert residents(db) == residents(good_backup)
    assert aside is not None and aside.read_bytes()[:16] == damaged[:16]
    assert aside.stat().st_size == len(damaged)


def test_restore_onto_a_new_computer(tmp_path: Path, good_backup: Path) -> None:
    target = tmp_path / "new-pc" / "data" / "cunwu.sqlite3"
    assert restore_backup(good_backup, target, aside_dir=tmp_path / "aside", now=NOW) is None
    assert residents(target) == residents(good_backup)
