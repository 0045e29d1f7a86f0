"""One way for screens to reach the store (docs/architecture.md, "Screens and the store"): a write operation
commits in its own transaction on the write pool and the main window announces what changed; screens open
no session and hold no query."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ast  # noqa: E402
import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402

from app.people.service import ResidentInput, add_resident, count_residents, list_groups  # noqa: E402
from conftest import make_id  # noqa: E402
from ui.home import HomeScreen  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.operations import RESIDENTS, VILLAGE, ReadOp, WriteOp  # noqa: E402
from ui.tasks import Task, write_pool  # noqa: E402

TASK_MS = 15_000
UI = Path(__file__).resolve().parents[2] / "ui"
OPERATIONS = UI / "operations.py"

def store_reaches(source: str) -> list[str]:
    """Where a module opens a session or builds a query: ``select(...)`` (SQLAlchemy's, not a method of
    that name), ``<...>store.begin(...)``, ``<...>store.read(...)``; as ``line: code``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        hit = isinstance(f, ast.Name) and f.id == "select"
        if isinstance(f, ast.Attribute) and f.attr in ("begin", "read"):
            owner = f.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else ""
            hit = name == "store" or name.endswith("_store")
        if hit:
            found.append("{line}: {code}".format(line=node.lineno, code=ast.unparse(node)[:80]))
    return found


def test_the_scan_sees_each_way_of_reaching_the_store():
    assert store_reaches("with store.begin(actor) as s:\n    s.scalars(select(A))") == [
        "1: store.begin(actor)", "2: select(A)"]
    assert store_reaches("with self.store.read() as s:\n    pass") == ["1: self.store.read()"]
    # a widget's own select() method and a file's read() are not the store
    assert store_reaches("panel.select(3)\nopen(p).read()\nself._select('a', 'b')") == []


def test_no_screen_opens_a_session_or_builds_a_query_outside_the_operations_module():
    offenders = {}
    for path in sorted(UI.rglob("*.py")):
        if path == OPERATIONS:
            continue
        hits = store_reaches(path.read_text(encoding="utf-8"))
        if hits:
            offenders[path.relative_to(UI).as_posix()] = hits
    assert offenders == {}, "screens reach the store themselves; use ui.operations ReadOp/WriteOp"


def test_the_operations_module_is_where_sessions_are_opened():
    hits = store_reaches(OPERATIONS.read_text(encoding="utf-8"))
    assert any("store.begin(actor)" in h for h in hits) and any("store.read()" in h for h in hits)


def _newcomer(store, seq: int):  # type: ignore[no-untyped-def]
    def add(s, _ctx):  # type: ignore[no-untyped-def]
        group = list_groups(s)[0].id
        return add_resident(s, ResidentInput(name="王新来", id_number=make_id(dt.date(1990, 5, 1), seq),
                                             group_id=group))
    return add


def test_a_write_commits_then_the_main_window_announces_it_and_the_home_screen_shows_it(qtbot, store):
    """A resident added anywhere (here a write operation of no screen) shows in the home screen's count
    without anyone telling the home screen: the commit announces 村民 changed and the screen reads again."""
    window = MainWindow(store)
    qtbot.addWidget(window)
    home = window.show_screen("home")
    assert isinstance(home, HomeScreen)
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)
    assert home.cards["residents"].number.text() == "4"

    with qtbot.waitSignal(window.store_changed, timeout=TASK_MS) as announced:
        WriteOp(store, "测试", _newcomer(store, 11), changes={RESIDENTS}).run()
    assert announced.args == [frozenset({RESIDENTS}), None]
    qtbot.waitUntil(lambda: home.cards["residents"].number.text() == "5", timeout=TASK_MS)
    with store.read() as s:
        assert count_residents(s) == 5


def test_a_write_that_fails_changes_nothing_and_announces_nothing(qtbot, store):
    window = MainWindow(store)
    qtbot.addWidget(window)
    heard, failed = [], []
    window.store_changed.connect(lambda kinds, _initiator: heard.append(kinds))

    def add_then_fail(s, ctx):  # type: ignore[no-untyped-def]
        _newcomer(store, 13)(s, ctx)
        raise ValueError("身份证号码有误")

    WriteOp(store, "测试", add_then_fail, changes={RESIDENTS}).failure(failed.append).run()
    qtbot.waitUntil(lambda: bool(failed), timeout=TASK_MS)
    qtbot.wait(50)
    assert str(failed[0]) == "身份证号码有误"
    assert heard == []
    with store.read() as s:
        assert count_residents(s) == 4


def test_writes_wait_their_turn_on_the_one_write_worker_and_reads_refuse_to_write(qtbot, store):
    import threading

    busy, results = threading.Event(), []
    Task(lambda _ctx: busy.wait(10), write=True).run()  # another write holds the write worker
    WriteOp(store, "测试", lambda s, _ctx: s.execute(text("SELECT name FROM village WHERE id=1")).scalar(),
            changes={VILLAGE}).success(results.append).run()
    qtbot.wait(200)
    assert results == []  # queued behind it, not run beside it
    busy.set()
    qtbot.waitUntil(lambda: bool(results), timeout=TASK_MS)
    assert write_pool().maxThreadCount() == 1

    errors = []
    ReadOp(store, lambda s, _ctx: s.execute(text("UPDATE village SET hotline='1' WHERE id=1"))) \
        .failure(errors.append).run()
    qtbot.waitUntil(lambda: bool(errors), timeout=TASK_MS)
    assert isinstance(errors[0], OperationalError) and "readonly" in str(errors[0]).lower()


def test_a_write_must_say_what_it_changes():
    with pytest.raises(ValueError):
        WriteOp(None, "测试", lambda s, ctx: None, changes=set())  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        WriteOp(None, "测试", lambda s, ctx: None, changes={"everything"})  # type: ignore[arg-type]


def test_a_write_kept_although_the_step_after_its_commit_failed_is_still_announced(qtbot, store):
    """The setup wizard writes the village, then its key file after the commit: a key that cannot be written
    is an error for the clerk, but the village is in the store and the screens must hear of it."""
    window = MainWindow(store)
    qtbot.addWidget(window)
    heard, failed = [], []
    window.store_changed.connect(lambda kinds, _initiator: heard.append(kinds))

    def no_key(_result, _ctx):  # type: ignore[no-untyped-def]
        raise OSError("U盘已拔出")

    WriteOp(store, "测试", _newcomer(store, 15), changes={RESIDENTS}, after_commit=no_key) \
        .failure(failed.append).run()
    qtbot.waitUntil(lambda: bool(heard), timeout=TASK_MS)
    assert [str(e) for e in failed] == ["U盘已拔出"]
    assert heard == [frozenset({RESIDENTS})]
    with store.read() as s:
        assert count_residents(s) == 5
