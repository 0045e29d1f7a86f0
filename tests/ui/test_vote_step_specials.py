"""④ 表决 with a special majority: the clerk picks 表决事项类别 and the live verdict follows it.

《农村土地承包法》(2018修正) 第五十二条: contracting collective land to anyone outside the collective needs
三分之二以上成员 of the villagers' meeting — two thirds of every adult on the list, not of those present.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.meetings import service as ms  # noqa: E402
from app.meetings.models import Motion  # noqa: E402
from app.storage import Store  # noqa: E402
from ui import widgets  # noqa: E402
from ui.meetings.editor import VOTE  # noqa: E402
from ui.meetings.screen import MeetingsScreen  # noqa: E402

TASK_MS = 15_000
DAY = dt.date(2026, 10, 12)
MOTION = "同意将村东荒坡 40 亩发包给县林果公司"


@pytest.fixture(autouse=True)
def _no_questions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(widgets, "confirm", lambda *_a, **_k: True)


def _meeting(store: Store, kind: str = "村民会议", extra: int = 6, present: int = 7) -> int:
    """The template village's three adults and ``extra`` more: a meeting of 9, ``present`` counted from the sheet."""
    with store.begin("王文书") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind=kind, title="村东荒坡发包" + kind, date=DAY, chair="张三",
                                                 recorder="王文书", agenda_text="村东荒坡对外发包"))
        for n in range(extra):
            ms.add_attendee(s, m.id, name="村民{n}".format(n=n + 1))
        if present:
            ms.set_counts(s, m.id, present=present)
        ms.add_motion(s, m.id, text=MOTION, agenda_item_id=m.agenda[0].id)
        return m.id


def _editor(qtbot, store: Store, meeting_id: int):  # type: ignore[no-untyped-def]
    screen = MeetingsScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1280, 860)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.meetings.model.loading, timeout=TASK_MS)
    screen.open_meeting(meeting_id, VOTE)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == meeting_id, timeout=TASK_MS)
    return screen.editor


def test_picking_article_52_makes_the_live_verdict_count_two_thirds_of_all_members(qtbot, store):
    mid = _meeting(store)
    editor = _editor(qtbot, store, mid)
    page = editor.vote
    combo = page.special_combo
    assert page.special_box.isVisibleTo(page) and combo.currentData() is None  # 一般事项 first
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "TDCB-52", "TDCB-28"]
    page.for_spin.setValue(5)
    page.against_spin.setValue(2)
    assert page.verdict.result_label.text() == "通过"  # 5 of 7 present: Art. 22's ordinary majority

    combo.setCurrentIndex(combo.findData("TDCB-52"))
    assert page.verdict.result_label.text() == "未通过"
    text = page.verdict.text()
    assert "第五十二条" in text and "第二十二条" in text and "还差 1 票" in text
    assert "至少 6 票" in page.special_rule.text() and "应到 9 人" in page.special_rule.text()
    assert page.dirty  # the category is not saved yet

    page.for_spin.setValue(6)
    page.against_spin.setValue(1)
    assert page.verdict.result_label.text() == "通过"
    page.record_button.click()
    qtbot.waitUntil(lambda: not editor.busy, timeout=TASK_MS)
    with store.read() as s:
        x = s.scalar(select(Motion).where(Motion.meeting_id == mid))
        assert (x.special, x.votes_for, x.passed) == ("TDCB-52", 6, True)
        assert "第五十二条" in x.verdict
    assert not page.dirty and "第五十二条" in page.motions_list.item(0).text()


def test_back_to_ordinary_the_same_votes_follow_the_ordinary_rule(qtbot, store):
    mid = _meeting(store)
    with store.begin("王文书") as s:
        (x,) = ms.get_meeting(s, mid).motion_list
        ms.update_motion(s, x.id, text=x.text, special="TDCB-28")
        ms.record_vote(s, x.id, votes_for=5, votes_against=2)
    editor = _editor(qtbot, store, mid)
    page = editor.vote
    assert page.special_combo.currentData() == "TDCB-28" and page.verdict.result_label.text() == "未通过"
    page.special_combo.setCurrentIndex(0)
    assert page.verdict.result_label.text() == "通过"
    page.save_text_button.click()
    qtbot.waitUntil(lambda: not editor.busy, timeout=TASK_MS)
    with store.read() as s:
        x = s.scalar(select(Motion).where(Motion.meeting_id == mid))
        assert x.special is None and x.passed  # saved, and the stored verdict follows the ordinary rule again


def test_a_kind_that_cannot_take_a_special_decision_offers_no_choice(qtbot, store):
    mid = _meeting(store, kind="党员大会", extra=0, present=0)
    editor = _editor(qtbot, store, mid)
    page = editor.vote
    assert not page.special_box.isVisibleTo(page) and not page.new_special_combo.isVisibleTo(page)
    assert page.chosen_special() is None
