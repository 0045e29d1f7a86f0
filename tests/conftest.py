"""Shared fixtures. Qt runs offscreen; every test gets its own copy of a
template store built once per session (Anki's getEmptyCol)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import logging  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402

from app.i18n import set_language  # noqa: E402
from pgserver import pg_server, pg_url  # noqa: E402,F401 - a throwaway PostgreSQL on 127.0.0.1 for the hub tests

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    """``first17`` and its GB 11643 check digit (ISO 7064 MOD 11-2), computed here, not by the code under test."""
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def make_id(birth: dt.date, seq: int, area: str = "370102") -> str:
    """A valid GB 11643 number: odd last sequence digit a man, even a woman."""
    return with_check_digit(f"{area}{birth:%Y%m%d}{seq:03d}")


def village_code() -> str:
    from app.people.uscc import make_uscc

    return make_uscc(random.Random(7), area="371426")


@pytest.fixture(autouse=True)
def _chinese():
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    # never touch the real user data directory
    monkeypatch.setenv("CUNWU_DATA_DIR", str(tmp_path / "default-data"))
    yield
    from app.logsetup import stop_logging

    stop_logging()  # each test's log file goes with its own temporary directory


class _Unexpected(logging.Handler):
    """Catches the two places where a person would read 出现意外问题: the command line's and the error dialog's."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        exc = record.exc_info[1] if record.exc_info else None
        self.seen.append("{}: {!r}".format(record.name, exc))


@pytest.fixture(autouse=True)
def _no_unexpected_errors(request):
    """No test may make the program say 出现意外问题 for something a person or a file caused. A test that
    provokes an internal error on purpose says so with ``@pytest.mark.unexpected_error``."""
    watcher = _Unexpected()
    loggers = [logging.getLogger("cunwu"), logging.getLogger("ui.errors")]  # app.cli logs as "cunwu"
    for logger in loggers:
        logger.addHandler(watcher)
    yield
    for logger in loggers:
        logger.removeHandler(watcher)
    if watcher.seen and request.node.get_closest_marker("unexpected_error") is None:
        pytest.fail("the program showed 出现意外问题 (an internal error) for: " + "; ".join(watcher.seen))


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory) -> Path:
    from app.people.service import ResidentInput, add_resident, init_village, list_groups
    from app.schema import open_store

    d = tmp_path_factory.mktemp("template")
    store = open_store(d)
    with store.begin("测试") as s:
        init_village(s, name="柳林村", code=village_code(), township="石桥镇", county="平原县",
                     groups=["第一村民小组", "第二村民小组"])
        g1, g2 = (g.id for g in list_groups(s))
        people = [("张三", dt.date(1960, 3, 1), 11, g1), ("李四", dt.date(1985, 7, 9), 22, g1),
                  ("王小红", dt.date(1992, 12, 30), 32, g2), ("赵𠀀明", dt.date(2010, 1, 5), 41, g2)]
        for name, birth, seq, gid in people:
            add_resident(s, ResidentInput(name=name, id_number=make_id(birth, seq), group_id=gid, phone="13800138000"))
    store.close()
    return d


def _head(db_path: Path) -> int:
    import sqlite3

    con = sqlite3.connect(db_path)
    try:
        return con.execute("SELECT coalesce(max(seq), 0) FROM events").fetchone()[0]
    finally:
        con.close()


def checked_copy(template: Path, tmp_path: Path, request):  # type: ignore[no-untyped-def]
    """A store copied from ``template`` (a generator for fixtures). A test that wrote to it must leave it as
    `cunwu check` wants it (every row equal to its last event, the chain whole), unless it is marked
    ``tampers`` (it edits the file behind the program's back on purpose, to see check find it)."""
    from app.check import check_store
    from app.schema import open_store

    d = tmp_path / "data"
    shutil.copytree(template, d)
    s = open_store(d)
    start = _head(s.db_path)
    yield s
    if _head(s.db_path) != start and request.node.get_closest_marker("tampers") is None:
        with s.read() as session:
            problems = check_store(session).problems
        assert problems == [], f"the test left the store in a state cunwu check refuses: {problems[:3]}"
    s.close()


@pytest.fixture
def store(template_dir, tmp_path, request):
    """A copy of the template village, checked after the test (:func:`checked_copy`)."""
    yield from checked_copy(template_dir, tmp_path, request)


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(request):
    """UI tests collect Python's garbage on the GUI thread only, as the program does (ui/collector.py): a
    worker thread collecting a Qt object can freeze the whole run. Core tests never load Qt."""
    if "ui" not in request.node.path.parent.parts[-1:]:
        yield
        return
    from ui.collector import install

    collector = install(request.getfixturevalue("qapp"))
    yield
    collector.stop()


@dataclass
class Shown:
    """What a screen put up during a UI test, where nothing may wait for a click: the dialogs it opened (not
    shown: the test fills them in), what message boxes said, the questions asked and the answer given to
    them, the files handed to the system's viewer, and the file a save dialog answers with."""

    dialogs: list[Any] = field(default_factory=list)
    info: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # warning and critical boxes
    said: list[str] = field(default_factory=list)  # every message box, in the order shown
    questions: list[str] = field(default_factory=list)
    opened: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    answer: bool = True


@pytest.fixture
def shown(monkeypatch, tmp_path) -> Shown:
    """The one place UI tests replace the program's dialog seams (message boxes, ``widgets.confirm``,
    ``show_dialog``, ``choose_pdf``, the system viewer) with recorders. A UI test module that uses it for
    every test says ``pytestmark = pytest.mark.usefixtures("shown")``."""
    from PySide6.QtWidgets import QMessageBox

    from ui import widgets
    from ui.disclosure import dialogs as disclosure_dialogs
    from ui.meetings import dialogs as meeting_dialogs
    from ui.meetings import matter_dialogs
    from ui.sync import sync_screen

    s = Shown(pdf=tmp_path / "out" / "签到表.pdf")

    def box(into: list[str]):  # type: ignore[no-untyped-def]
        def say(_parent, _title, text, *_a, **_k) -> None:  # type: ignore[no-untyped-def]
            into.append(text)
            s.said.append(text)
        return say

    monkeypatch.setattr(QMessageBox, "information", box(s.info))
    monkeypatch.setattr(QMessageBox, "warning", box(s.warnings))
    monkeypatch.setattr(QMessageBox, "critical", box(s.warnings))

    def confirm(_parent, _title, text, _yes, _no) -> bool:  # type: ignore[no-untyped-def]
        s.questions.append(text)
        return s.answer

    def open_path(path: Path) -> bool:
        s.opened.append(Path(path))
        return True

    monkeypatch.setattr(widgets, "confirm", confirm)
    monkeypatch.setattr(sync_screen, "confirm", confirm)
    for module in (disclosure_dialogs, meeting_dialogs, matter_dialogs):
        monkeypatch.setattr(module, "show_dialog", s.dialogs.append)
    monkeypatch.setattr(meeting_dialogs, "choose_pdf", lambda _parent, _title, _suggested: s.pdf)
    monkeypatch.setattr(widgets, "open_path", open_path)
    return s
