"""Two backups started at once to one folder (the desktop's 立即备份 and `cunwu backup` in a terminal, or two
windows) both succeed, each with its own file; neither touches the other's files."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

import app.backup as backup
from app.backup import list_backups, make_backup, verify_backup_file

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("events", "village", "residents", "schema_version")
NOW = datetime(2026, 3, 14, 9, 30, 0)


def test_two_backups_in_the_same_second_to_one_folder_both_succeed(store, tmp_path, monkeypatch):
    stick = tmp_path / "U盘"
    real_copy = backup._online_copy

    def slow_copy(source_uri, target):  # type: ignore[no-untyped-def]
        time.sleep(0.4)  # a big village on a slow stick: the second starts while the first still copies
        real_copy(source_uri, target)

    monkeypatch.setattr(backup, "_online_copy", slow_copy)
    results: list[object] = []

    def run() -> None:
        try:
            results.append(make_backup(store.db_path, stick, kind="manual", now=NOW))
        except Exception as exc:  # noqa: BLE001 - the test reports what the person would have seen
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
        time.sleep(0.1)
    for t in threads:
        t.join(30)
    assert all(isinstance(r, backup.BackupInfo) for r in results), results
    made = list_backups(stick)
    assert len(made) == 2 and len({b.path for b in made}) == 2
    for b in made:
        verify_backup_file(b.path, TABLES)
    assert sorted(p.name for p in stick.iterdir() if not p.name.startswith(".")) == sorted(b.path.name for b in made)


@pytest.mark.slow
def test_two_backup_commands_at_once_to_one_folder_both_succeed(store, tmp_path):
    stick = tmp_path / "U盘"
    store.close()
    cmd = [sys.executable, "-m", "app", "--data-dir", str(store.data_dir), "backup", "--to", str(stick)]
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    made = list_backups(stick)
    assert len(made) == 2
    for b in made:
        verify_backup_file(b.path, TABLES)
