"""Temporary files a killed backup or export left (150 MB each for a big village) are removed at the next
start and before the next backup or export to that folder; only the program's own, only when no running
program still writes them, and nothing else is ever touched."""

from __future__ import annotations

import os
import time
from datetime import datetime
from pathlib import Path

import pytest

from app import leftovers
from app.backup import list_backups, make_backup
from app.schema import open_store
from sync_helpers import linked  # noqa: F401 - fixture

LONG_AGO = time.time() - 3 * 24 * 3600


def _old(path: Path, data: bytes = b"\0" * 4096) -> Path:
    """A file as a run killed three days ago left it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    os.utime(path, (LONG_AGO, LONG_AGO))
    return path


def test_a_killed_backup_and_export_leave_nothing_after_the_next_start(store):
    data = store.data_dir
    backups = data / "backups"
    gone = [
        _old(backups / "cunwu-20260301-020304-daily.sqlite3.tmp"),               # an older program's name
        _old(backups / "cunwu-20260301-020304-manual-2.sqlite3.0a1b2c3d.tmp"),
        _old(backups / "cunwu-20260301-020304-manual-2.sqlite3.0a1b2c3d.tmp-journal"),
        _old(data / "cunwu.sqlite3.restore.tmp"),                                # a killed restore
    ]
    work = data / "tmp" / "export-k1ll3d_x"
    _old(work / "payload.bin")
    _old(work / "events.jsonl.gz")
    os.utime(work, (LONG_AGO, LONG_AGO))
    kept = [
        _old(backups / "cunwu-20260301-020304-daily.sqlite3"),   # a finished backup
        _old(backups / "cunwu-20260301-020304-daily.sqlite3.bak"),
        _old(backups / "我的笔记.tmp"),
        _old(backups / ".foto.jpg.part"),
        _old(data / "cunwu.sqlite3.tmp"),
        _old(data / "tmp" / "mine" / "keep.txt"),
    ]
    (data / "tmp" / "mine").touch()
    fresh = backups / "cunwu-20260301-020304-daily.sqlite3.99887766.tmp"  # made after this program started
    fresh.write_bytes(b"\0")

    again = open_store(data)  # the next start
    try:
        for p in gone:
            assert not p.exists(), p
        assert not work.exists()
        for p in kept:
            assert p.exists(), p
        assert fresh.exists()
        assert [b.path.name for b in list_backups(backups)] == ["cunwu-20260301-020304-daily.sqlite3"]
    finally:
        again.close()


def test_a_temporary_file_a_running_program_still_writes_is_left_alone(store):
    part = _old(store.backup_dir / "cunwu-20260301-020304-manual.sqlite3.5e5e5e5e.tmp")
    writer = open(part, "r+b")  # another backup, still copying (its file held as app.backup holds it)
    leftovers.hold(writer)
    try:
        open_store(store.data_dir).close()
        assert part.exists()
    finally:
        writer.close()
    open_store(store.data_dir).close()  # that program was killed: now it is a leftover
    assert not part.exists()


def test_a_backup_to_a_stick_removes_what_a_killed_backup_left_there(store, tmp_path):
    stick = tmp_path / "U盘"
    left = _old(stick / "cunwu-20260301-020304-manual.sqlite3.tmp", b"\0" * 150_000)
    other = _old(stick / "照片.jpg")
    info = make_backup(store.db_path, stick, kind="manual", now=datetime(2026, 3, 14, 9, 0, 0))
    assert not left.exists()
    assert other.exists()
    assert sorted(p.name for p in stick.iterdir()) == sorted([info.path.name, "照片.jpg"])


def test_an_export_to_a_stick_removes_what_a_killed_export_left_there(linked):  # noqa: F811
    left = _old(linked.stick / ".村务同步包_{code}_000001-000009.cunwu-sync.part".format(code=linked.code),
                b"\0" * 150_000)
    not_ours = _old(linked.stick / ".村务同步包_说明.txt.part")
    bundle = linked.export()
    assert bundle.exists()
    assert not left.exists()
    assert not_ours.exists()
    assert [p.name for p in linked.stick.iterdir() if p.name.endswith(".part")] == [not_ours.name]
    assert list((linked.store.data_dir / "tmp").iterdir()) == []  # the export's own work folder went too


_SLOW_BACKUP = """
import sys, time
from pathlib import Path
import app.backup as b
real = b._online_copy
def copy_then_hang(source, target):
    real(source, target)
    print("copied", flush=True)
    time.sleep(120)
b._online_copy = copy_then_hang
b.make_backup(Path(sys.argv[1]), Path(sys.argv[2]), kind="manual")
"""


def _start_slow_backup(db: Path, dest: Path):  # type: ignore[no-untyped-def]
    import subprocess
    import sys

    proc = subprocess.Popen([sys.executable, "-c", _SLOW_BACKUP, str(db), str(dest)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "copied", proc.stderr.read()  # type: ignore[union-attr]
    return proc


def _cunwu(*args: str) -> None:
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr


ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_a_backup_killed_mid_copy_leaves_a_file_the_next_run_removes_but_not_while_it_runs(store):
    proc = _start_slow_backup(store.db_path, store.backup_dir)
    try:
        tmp = [p for p in store.backup_dir.iterdir() if leftovers.BACKUP_TMP.match(p.name)]
        assert len(tmp) == 1
        time.sleep(1.1)  # the program started next is younger than the file
        _cunwu("--data-dir", str(store.data_dir), "check")  # another program starts while the backup runs
        assert tmp[0].exists()  # still being written: left alone
    finally:
        proc.kill()  # the power cut
        proc.wait()
    assert tmp[0].exists()
    _cunwu("--data-dir", str(store.data_dir), "check")  # the next start
    assert not tmp[0].exists()
    assert list_backups(store.backup_dir) == []  # nothing that looks like a finished backup was ever left
