"""The desktop's write operations say that they wait for another write (another window, a command in a
terminal), in their progress window and the status bar, and go on when the other is done."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import sqlite3  # noqa: E402

from app.people.service import ResidentInput, add_resident, count_residents  # noqa: E402
from conftest import make_id  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.operations import RESIDENTS, WriteOp  # noqa: E402

TASK_MS = 15_000


def test_a_write_behind_another_says_it_waits_then_goes_on(qtbot, store, monkeypatch):
    monkeypatch.setenv("CUNWU_WRITE_WAIT", "60")
    window = MainWindow(store)
    qtbot.addWidget(window)
    other = sqlite3.connect(store.db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # a long import in the other window
    done = []

    def add(s, _ctx):  # type: ignore[no-untyped-def]
        return add_resident(s, ResidentInput(name="王等候", id_number=make_id(dt.date(1990, 5, 1), 17))).id

    op = WriteOp(store, "测试", add, changes={RESIDENTS}).with_progress(window, "正在保存……").success(done.append)
    op.run()
    try:
        qtbot.waitUntil(lambda: "正在等它完成" in window.statusBar().currentMessage(), timeout=TASK_MS)
        assert op.dialog is not None and "另一个操作" in op.dialog.labelText()
        assert done == []
    finally:
        other.execute("ROLLBACK")
        other.close()
    qtbot.waitUntil(lambda: bool(done), timeout=TASK_MS)
    assert window.statusBar().currentMessage() == ""  # the wait is over, the message goes
    with store.read() as s:
        assert count_residents(s) == 5
