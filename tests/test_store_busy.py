"""A second writer behind a long write (an import in the other window, a command in a terminal) waits,
says that it waits, and if the other never finishes gives up in plain words with nothing changed."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import app.storage as storage
from app.people.service import ResidentInput, add_resident
from conftest import make_id

ROOT = Path(__file__).resolve().parent.parent


class _OtherWriter:
    """Another connection (as another window or process would) holding the store's write lock."""

    def __init__(self, db: Path) -> None:
        self.con = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        self.con.execute("BEGIN IMMEDIATE")

    def release(self) -> None:
        self.con.execute("ROLLBACK")
        self.con.close()


def _names(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM residents"))
    finally:
        con.close()


def _add(store, name: str) -> None:  # type: ignore[no-untyped-def]
    with store.begin("测试") as s:
        add_resident(s, ResidentInput(name=name, id_number=make_id(dt.date(1990, 5, 5), 55)))


def test_a_writer_that_waits_too_long_gives_up_in_plain_words_and_changes_nothing(store, monkeypatch):
    monkeypatch.setenv("CUNWU_WRITE_WAIT", "1.5")
    before = _names(store.db_path)
    heard: list[tuple[float, float]] = []
    other = _OtherWriter(store.db_path)
    try:
        started = time.monotonic()
        with storage.wait_notice(lambda waited, limit, _over: heard.append((waited, limit))):
            with pytest.raises(storage.StoreBusy) as err:
                _add(store, "等不到的人")
        assert time.monotonic() - started < 5
    finally:
        other.release()
    assert "另一个操作" in str(err.value) and "没有改动" in str(err.value) and "重试" in str(err.value)
    assert heard and all(limit == 1.5 for _waited, limit in heard)  # the person was told it waits
    assert _names(store.db_path) == before
    _add(store, "后来的人")  # once the other write is done, the next one goes through
    assert "后来的人" in _names(store.db_path)


def test_a_writer_waits_past_the_old_ten_seconds_and_succeeds_when_the_other_finishes(store, monkeypatch):
    monkeypatch.setenv("CUNWU_WRITE_WAIT", "60")
    monkeypatch.setattr(storage, "BUSY_TIMEOUT_MS", 300)  # what a single attempt used to wait, made short
    heard: list[tuple[float, bool]] = []
    other = _OtherWriter(store.db_path)
    timer = threading.Timer(1.5, other.release)
    timer.start()
    try:
        with storage.wait_notice(lambda waited, _limit, over: heard.append((waited, over))):
            _add(store, "等到了的人")
    finally:
        timer.join()
    assert "等到了的人" in _names(store.db_path)
    assert heard, "the person was not told that the write waited"
    assert [over for _w, over in heard] == [False] * (len(heard) - 1) + [True]  # and told when the wait was over


@pytest.mark.slow
def test_the_command_line_says_it_waits_then_gives_up_plainly(store, tmp_path):
    roster = tmp_path / "名单.csv"
    roster.write_text("姓名,身份证号\n新来的人,{id}\n".format(id=make_id(dt.date(1991, 2, 3), 13)), encoding="utf-8")
    before = _names(store.db_path)
    store.close()
    other = _OtherWriter(store.db_path)
    try:
        done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(store.data_dir), "residents", "import",
                               str(roster)], capture_output=True, text=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "CUNWU_WRITE_WAIT": "2.5"})
    finally:
        other.release()
    assert done.returncode == 1
    assert "正在等它完成" in done.stderr
    assert "另一个操作" in done.stderr and "没有改动" in done.stderr
    assert "出现意外问题" not in done.stderr
    assert _names(store.db_path) == before
