"""No number typed is silently changed: every numeric field of every screen keeps what was typed, or refuses
it beside the field with the limit and why, and nothing is saved until it is fixed (ui/numbers.py).

A QSpinBox clamps to its maximum without a word: at a 村民会议, 实到 2000 and 到会户数 700 were saved as 200 and
70 and the quorum judged on the wrong numbers. The limits come from the register and the law: 实到 no more
than 应到 (《村民委员会组织法》第二十二条 counts those present against the villagers of eighteen and over, or the
households, in the register), 到会户数 no more than the register's households.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import ast  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QAbstractSpinBox, QDateTimeEdit, QLabel, QWidget  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.events import Event  # noqa: E402
from app.meetings.service import MeetingInput, add_motion, create_meeting, get_meeting, set_attendance  # noqa: E402
from app.meetings.models import PRESENT  # noqa: E402
from app.people.service import (ResidentInput, ResidentQuery, add_household, list_groups,  # noqa: E402
                                search_residents, update_resident)
from app.storage import Store  # noqa: E402
from ui.main_window import MainWindow, sections  # noqa: E402
from ui.meetings import step_attend  # noqa: E402
from ui.meetings.editor import ATTEND, VOTE  # noqa: E402
from ui.numbers import NumberBox  # noqa: E402
from ui.setup_wizard import SetupWizard  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000
UI = Path(__file__).resolve().parents[2] / "ui"
OVER = 99_999_999  # more than any register or amount a village could have, and within what a box can hold
DAY = dt.date(2026, 10, 12)


def _events(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def _meetings(store: Store) -> tuple[int, int]:
    """A 村民会议 (counted from its signed sheet) and a 村民小组会议 with a motion and its members present;
    the register has two households."""
    with store.begin("王文书") as s:
        group = list_groups(s)[0].id
        for number in ("1", "2"):
            household = add_household(s, group_id=group, number=number)
            for r in search_residents(s, ResidentQuery(), limit=10):
                if r.household_id is None and r.group_id == group:
                    update_resident(s, r.id, ResidentInput(
                        name=r.name, sex=r.sex, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
                        group_id=r.group_id, household_id=household, relation="户主", note=r.note))
                    break
        big = create_meeting(s, MeetingInput(kind="村民会议", title="全体村民会议", date=DAY, chair="张三",
                                             recorder="王文书", agenda_text="村道硬化方案"))
        small = create_meeting(s, MeetingInput(kind="村民小组会议", title="小组会议", date=DAY, chair="张三",
                                               recorder="王文书", agenda_text="水渠清淤",
                                               group_id=list_groups(s)[0].id))
        set_attendance(s, small.id, {a.id: PRESENT for a in small.attendees if a.member})
        add_motion(s, small.id, text="同意清淤方案", agenda_item_id=get_meeting(s, small.id).agenda[0].id)
        return big.id, small.id


def _typed(box: QAbstractSpinBox, text: str, qtbot) -> None:  # type: ignore[no-untyped-def]
    box.setFocus()
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    qtbot.keyClicks(box, text)


def _errors_near(box: QWidget) -> list[str]:
    """Red lines shown beside ``box``: in its own part of the form (up to two containers up)."""
    area = box.parentWidget()
    for _i in range(2):
        if area is None or area.findChildren(QLabel, "error") or area.isWindow() or area.parentWidget() is None:
            break
        area = area.parentWidget()
    labels = area.findChildren(QLabel, "error") if area is not None else []
    return [label.text() for label in labels if label.isVisible() and label.text()]


def _number_boxes(root: QWidget) -> list[QAbstractSpinBox]:
    return [w for w in root.findChildren(QAbstractSpinBox)
            if not isinstance(w, QDateTimeEdit) and w.isVisible() and not w.isReadOnly() and w.isEnabled()]


def _try_every_box(qtbot, root: QWidget, where: str) -> list[str]:  # type: ignore[no-untyped-def]
    """Type an over-large and a negative number into every numeric field shown under ``root``; each is kept as
    typed, and refused beside the field or taken. Returns the names of the fields tried."""
    tried = []
    for box in _number_boxes(root):
        name = box.accessibleName() or box.objectName() or type(box).__name__
        original = box.value()
        for value in (OVER, -5):
            before = set(_errors_near(box))
            _typed(box, str(value), qtbot)
            qtbot.wait(10)
            assert box.value() == value, "{where}: {name} changed {typed} to {shown}".format(
                where=where, name=name, typed=value, shown=box.value())
            said = [t for t in _errors_near(box) if t not in before]
            if isinstance(box, NumberBox) and box.problem():
                assert said, "{where}: {name} refused {typed} without a word beside it".format(
                    where=where, name=name, typed=value)
            _typed(box, str(original), qtbot)  # back as it was: the next field starts from a clean form
        tried.append("{where}:{name}".format(where=where, name=name))
    return tried


def _wizard_at_groups(qtbot, store: Store) -> SetupWizard:  # type: ignore[no-untyped-def]
    """The first-run wizard at its 村民小组 page (the number of groups)."""
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.setStartId(wizard.groups_id)
    wizard.restart()
    qtbot.waitUntil(lambda: wizard.currentId() == wizard.groups_id and wizard.groups_page.isVisible())
    return wizard


def test_no_spin_box_is_made_outside_the_checked_number_box() -> None:
    """Every numeric field in ui/ is a ui.numbers.NumberBox: a plain QSpinBox or QDoubleSpinBox would clamp."""
    offenders = []
    for path in UI.rglob("*.py"):
        if path.name == "numbers.py" and path.parent == UI:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = None
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            elif isinstance(node, ast.ClassDef):
                name = next((getattr(b, "id", None) or getattr(b, "attr", None) for b in node.bases
                             if (getattr(b, "id", None) or getattr(b, "attr", None)) in ("QSpinBox", "QDoubleSpinBox")),
                            None)
            if name in ("QSpinBox", "QDoubleSpinBox"):
                offenders.append("{path}:{line}".format(path=path.relative_to(UI.parent), line=node.lineno))
    assert offenders == []


def test_every_numeric_field_of_every_screen_keeps_or_refuses_what_was_typed(qtbot, store, monkeypatch):
    monkeypatch.setattr(step_attend, "BIG", 1)  # the fixture village is small; the totals box is the same at 2,000
    big, small = _meetings(store)
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    tried: list[str] = []
    for section in sections():
        screen = window.show_screen(section.key)
        qtbot.wait(50)
        tried += _try_every_box(qtbot, screen, section.title)
    meetings = window.show_screen("meetings")
    qtbot.waitUntil(lambda: meetings.context is not None, timeout=TASK_MS)
    for mid, step in ((big, ATTEND), (small, VOTE)):
        meetings.open_meeting(mid, step)
        qtbot.waitUntil(lambda mid=mid: meetings.editor.meeting_id == mid and not meetings.editor.busy, timeout=TASK_MS)
        meetings.editor.show_step(step)
        qtbot.wait(50)
        tried += _try_every_box(qtbot, meetings.editor, "会议记录")
    wizard = _wizard_at_groups(qtbot, store)
    tried += _try_every_box(qtbot, wizard, "初始设置")
    names = {t.split(":", 1)[1] for t in tried}
    # the walk reached the fields the clerk types numbers into
    assert {"实到人数", "到会户数", "赞成", "反对", "弃权", "单笔列出明细的金额", "小组数量"} <= names, tried


def test_attendance_over_the_expected_number_is_refused_beside_the_field_and_not_saved(qtbot, store, monkeypatch):
    monkeypatch.setattr(step_attend, "BIG", 1)
    big, _small = _meetings(store)
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.show()
    meetings = window.show_screen("meetings")
    qtbot.waitUntil(lambda: meetings.context is not None, timeout=TASK_MS)
    meetings.open_meeting(big, ATTEND)
    qtbot.waitUntil(lambda: meetings.editor.meeting_id == big and not meetings.editor.busy, timeout=TASK_MS)
    page = meetings.editor.attend
    with store.read() as s:
        members = get_meeting(s, big).members
    before = _events(store)
    _typed(page.present_spin, "2000", qtbot)
    assert page.present_spin.value() == 2000  # kept as typed, never 200
    said = page.field_labels["present"]
    assert said.isVisible() and "最多是 {n}".format(n=members) in said.text() and "应到" in said.text()
    assert not page.counts_button.isEnabled()
    assert page.save_counts() is None
    qtbot.wait(100)
    assert _events(store) == before
    with store.read() as s:
        assert get_meeting(s, big).present == 0
    _typed(page.present_spin, "-3", qtbot)
    assert "不能是负数" in said.text() and not page.counts_button.isEnabled()
    _typed(page.present_spin, str(members), qtbot)  # fixed: the line goes and the number can be saved
    assert not said.isVisible() and page.counts_button.isEnabled()
    # 到会户数 over the register's households (700 of 2): refused in the same way
    assert page.households_spin.isVisible()
    households = page.field_labels["households_present"]
    _typed(page.households_spin, "700", qtbot)
    assert page.households_spin.value() == 700
    assert households.isVisible() and "最多是 2" in households.text() and "名册里全村共 2 户" in households.text()
    assert not page.counts_button.isEnabled() and page.save_counts() is None
    _typed(page.households_spin, "2", qtbot)
    assert not households.isVisible()
    page.counts_button.click()
    qtbot.waitUntil(lambda: not meetings.editor.busy and _events(store) > before, timeout=TASK_MS)
    with store.read() as s:
        m = get_meeting(s, big)
    assert (m.present, m.households_present) == (members, 2)  # saved exactly as typed once within the limits


def test_a_negative_amount_in_settings_is_refused_and_not_written(qtbot, store):
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.show()
    settings = window.show_screen("settings")
    box = settings.threshold_spin
    path = store.data_dir / "settings.json"
    before = path.read_text(encoding="utf-8") if path.exists() else ""
    _typed(box, "-500", qtbot)
    box.editingFinished.emit()
    qtbot.wait(200)
    assert box.value() == -500 and "不能是负数" in settings.threshold_error.text() and settings.threshold_error.isVisible()
    assert (path.read_text(encoding="utf-8") if path.exists() else "") == before
    _typed(box, "20000000", qtbot)  # two crore: no limit of the program's own below what a village may set
    box.editingFinished.emit()
    qtbot.waitUntil(lambda: path.exists() and json.loads(path.read_text(encoding="utf-8")).get(
        "disclosure", {}).get("finance_threshold") == "20000000", timeout=TASK_MS)
    assert not settings.threshold_error.isVisible()


def test_more_groups_than_names_can_be_made_for_is_refused_and_the_list_kept(qtbot, store):
    wizard = _wizard_at_groups(qtbot, store)
    page = wizard.groups_page
    names = page.names()
    _typed(page.count_spin, "100", qtbot)
    assert page.count_spin.value() == 100
    assert page.count_error.isVisible() and "最多是 99" in page.count_error.text()
    page.generate_button.click()
    assert page.names() == names


def test_a_negative_vote_is_refused_beside_the_boxes_even_before_attendance(qtbot, store):
    with store.begin("王文书") as s:
        m = create_meeting(s, MeetingInput(kind="村民小组会议", title="小组会议", date=DAY, chair="张三",
                                           recorder="王文书", agenda_text="水渠清淤", group_id=list_groups(s)[0].id))
        add_motion(s, m.id, text="同意清淤方案", agenda_item_id=m.agenda[0].id)
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.show()
    meetings = window.show_screen("meetings")
    qtbot.waitUntil(lambda: meetings.context is not None, timeout=TASK_MS)
    meetings.open_meeting(m.id, VOTE)
    qtbot.waitUntil(lambda: meetings.editor.meeting_id == m.id and not meetings.editor.busy, timeout=TASK_MS)
    page = meetings.editor.vote
    _typed(page.for_spin, "-5", qtbot)
    assert page.for_spin.value() == -5
    assert page.votes_error.isVisible() and "赞成不能是负数" in page.votes_error.text()
    assert not page.record_button.isEnabled()
