"""The 会议记录 screen as the clerk uses it: a meeting prepared, attendance marked, votes typed with the
verdict following every number, impossible numbers refused, the minutes closed for good, found again
by a word from the discussion or on the calendar, and the sign-in sheet printed."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog, QLabel  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.events import Event  # noqa: E402
from app.meetings.models import FOR, PRESENT, PROXY, Meeting, Motion  # noqa: E402
from app.meetings.service import (MeetingError, MeetingInput, add_motion, create_meeting, get_meeting,  # noqa: E402
                                  record_vote, set_attendance, update_agenda_item, update_meeting)
from app.people.models import Resident  # noqa: E402
from app.people.service import (ResidentInput, ResidentRow, add_resident, assign_role, get_resident,  # noqa: E402
                                list_groups, update_resident)
from app.storage import Store  # noqa: E402
from conftest import Shown, make_id  # noqa: E402
from ui.disclosure.dialogs import set_day  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.meetings import dialogs, step_attend  # noqa: E402
from ui.meetings.editor import ATTEND, CLOSE, DISCUSS, PREPARE, VOTE  # noqa: E402
from ui.meetings.model import AttendanceColumns  # noqa: E402
from ui.meetings.screen import CALENDAR, EDITOR, MEETINGS, MeetingsScreen  # noqa: E402
from ui.printing.preview import PrintoutDialog  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown

TASK_MS = 15_000
DAY = dt.date(2026, 10, 12)
ROAD = "关于村道硬化的村民代表会议"
# name, sex, party member, representative; the template village already has 张三, 李四, 王小红 and a child
PEOPLE = [("刘芳", "女", True, True), ("陈明", "男", True, False), ("周强", "男", False, True)]


@pytest.fixture
def village(store: Store) -> Store:
    """柳林村 with a committee of two (张三 主任, 陈明 委员) and four representatives (李四, 王小红, 刘芳, 周强):
    the representatives' meeting has 6 members. Party members: 张三, 王小红, 刘芳, 陈明 (4)."""
    with store.begin("王文书") as s:
        g1 = list_groups(s)[0].id
        for i, (name, sex, party, rep) in enumerate(PEOPLE):
            add_resident(s, ResidentInput(name=name, id_number=make_id(dt.date(1975 + i, 5, 1), 60 + 2 * i + (
                sex == "女")), group_id=g1, party_member=party, representative=rep))
        ids = dict(s.execute(select(Resident.name, Resident.id)).all())
        for name, rep, party in (("李四", True, False), ("王小红", True, True), ("张三", False, True)):
            r = get_resident(s, ids[name])
            update_resident(s, r.id, replace(_input(r), representative=rep, party_member=party))
        assign_role(s, resident_id=ids["张三"], body="村民委员会", title="主任", term_start=dt.date(2021, 5, 1))
        assign_role(s, resident_id=ids["陈明"], body="村民委员会", title="委员", term_start=dt.date(2021, 5, 1))
    return store


def _input(r: ResidentRow) -> ResidentInput:
    return ResidentInput(name=r.name, sex=r.sex, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
                         group_id=r.group_id, household_id=r.household_id, relation=r.relation,
                         party_member=r.party_member, representative=r.representative, note=r.note)


def _meeting(store: Store, kind: str = "村民代表会议", title: str = ROAD, day: dt.date = DAY, *,
             present: int = 0, motion: str = "") -> int:
    """A meeting made through the service, with ``present`` of its members marked 出席 and one motion."""
    with store.begin("王文书") as s:
        m = create_meeting(s, MeetingInput(kind=kind, title=title, date=day, chair="张三", recorder="王文书",
                                           agenda_text="村道硬化方案"))
        if present:
            set_attendance(s, m.id, {a.id: PRESENT for a in m.attendees[:present]})
        if motion:
            add_motion(s, m.id, text=motion, agenda_item_id=m.agenda[0].id)
        return m.id


def _events(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def _screen(qtbot, store: Store) -> MeetingsScreen:  # type: ignore[no-untyped-def]
    screen = MeetingsScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1280, 860)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.meetings.model.loading
                    and not screen.calendar.loading, timeout=TASK_MS)
    return screen


def _open(qtbot, screen: MeetingsScreen, meeting_id: int, step: int | None = None):  # type: ignore[no-untyped-def]
    screen.open_meeting(meeting_id, step)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == meeting_id, timeout=TASK_MS)
    return screen.editor


def _settled(qtbot, editor) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not editor.busy, timeout=TASK_MS)


# ---------------------------------------------------------------- opening and preparing


def test_the_screen_opens_from_the_sidebar_with_its_four_tabs(qtbot, village):
    window = MainWindow(village, actor="王文书")
    qtbot.addWidget(window)
    screen = window.show_screen("meetings")
    assert isinstance(screen, MeetingsScreen)
    assert window.stack.currentWidget() is screen
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == ["会议日历", "会议列表", "会议记录", "四议两公开"]


def test_art_25_composition_is_warned_in_words(qtbot, village):
    screen = _screen(qtbot, village)
    # 6 members, 4 of them representatives: fewer than four fifths (5)
    assert screen.warnings.isVisible()
    text = screen.warnings.text()
    assert "不到五分之四" in text and "第二十五条" in text


def test_creating_a_meeting_lists_its_members_and_fills_the_expected_count(qtbot, village):
    screen = _screen(qtbot, village)
    qtbot.keyClick(screen, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert screen.tabs.currentIndex() == EDITOR
    page = screen.editor.prepare
    assert page.kind_combo.currentData() == "村民代表会议"
    page.title_edit.setText(ROAD)
    set_day(page.date_edit, DAY)
    page.agenda_edit.setPlainText("村道硬化方案\n水渠清淤")
    page.save()
    _settled(qtbot, screen.editor)
    assert page.members_label.text() == "应到 6 人"
    assert "应到 6 人" in screen.editor.step_buttons[0].text()
    with village.read() as s:
        m = get_meeting(s, screen.editor.meeting_id)
    assert m.members == 6 and [a.title for a in m.agenda] == ["村道硬化方案", "水渠清淤"]
    qtbot.waitUntil(lambda: ROAD in screen.meetings.titles(), timeout=TASK_MS)


def test_a_meeting_without_a_title_is_refused_beside_the_field_and_nothing_is_written(qtbot, village):
    screen = _screen(qtbot, village)
    screen.new_meeting()
    before = _events(village)
    screen.editor.prepare.save()
    _settled(qtbot, screen.editor)
    label = screen.editor.prepare.field_labels["title"]
    assert label.isVisible() and "请填写会议名称" in label.text()
    assert _events(village) == before
    assert screen.editor.meeting_id is None


def test_a_refusal_of_the_service_is_said_plainly_and_changes_nothing(qtbot, village):
    mid = _meeting(village, present=2)
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, PREPARE)
    page = editor.prepare
    page.kind_combo.setCurrentIndex(page.kind_combo.findData("党员大会"))
    page.save()
    _settled(qtbot, editor)
    assert "不能再改会议类型" in page.message.text() and page.message.isVisible()
    with village.read() as s:
        assert get_meeting(s, mid).kind == "村民代表会议"


# ---------------------------------------------------------------- attendance


def test_marking_attendance_updates_the_count_present_and_the_quorum(qtbot, village):
    mid = _meeting(village)
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, ATTEND)
    page = editor.attend
    assert "还没有登记到会" in page.quorum_label.text()
    model = page.model
    for row in range(3):
        model.setData(model.index(row, AttendanceColumns.STATUS), PRESENT)
        _settled(qtbot, editor)
    assert "实到 3 人" in page.counts_label.text()
    assert page.quorum_label.text() == "不足法定人数"  # 3 of 6: two thirds is 4
    model.setData(model.index(3, AttendanceColumns.STATUS), PRESENT)
    _settled(qtbot, editor)
    assert "实到 4 人" in page.counts_label.text()
    assert page.quorum_label.text() == "会议有效"
    assert "第二十六条" in page.reason_label.text()
    assert "实到 4 人" in editor.facts_label.text()
    with village.read() as s:
        assert get_meeting(s, mid).present == 4


def test_the_rest_present_and_an_observer_who_is_not_counted(qtbot, village, shown):
    mid = _meeting(village, present=1)
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, ATTEND)
    editor.attend.all_button.click()
    _settled(qtbot, editor)
    assert "实到 6 人" in editor.attend.counts_label.text()
    dialog = editor.attend.add_person()
    assert dialog is shown.dialogs[-1]
    dialog.name_edit.setText("钱驻村")
    dialog.role_edit.setText("镇驻村干部")
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.ok_button.click()
    assert "列席 1 人" in editor.attend.counts_label.text()
    with village.read() as s:
        m = get_meeting(s, mid)
    assert (m.members, m.present) == (6, 6)


# ---------------------------------------------------------------- the live verdict


def test_typing_votes_shows_the_verdict_at_once_citing_article_26(qtbot, village):
    mid = _meeting(village, present=4, motion="同意村道硬化方案")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, VOTE)
    page = editor.vote
    before = _events(village)
    page.for_spin.setValue(3)
    text = page.verdict.text()
    assert "会议有效" in text and "通过" in text and "未通过" not in text
    assert "第二十六条" in text
    page.for_spin.setValue(2)
    page.against_spin.setValue(2)
    text = page.verdict.text()
    assert "未通过" in text and "还差 1 票" in text
    assert page.record_button.isEnabled()
    assert _events(village) == before  # typing writes nothing


def test_a_party_meeting_with_half_present_is_valid_and_half_of_the_members_does_not_pass(qtbot, village):
    mid = _meeting(village, "党员大会", "党员大会", present=2, motion="同意村道硬化方案")
    with village.read() as s:
        assert get_meeting(s, mid).members == 4
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, VOTE)
    page = editor.vote
    page.for_spin.setValue(2)  # both present vote for: 2 of 4 members is not more than half
    assert page.verdict.quorum_label.text() == "会议有效"
    assert page.verdict.result_label.text() == "未通过"
    assert "第十一条" in page.verdict.text()
    assert "还差 1 票" in page.verdict.text()


def test_more_votes_than_people_present_are_refused_beside_the_numbers(qtbot, village):
    mid = _meeting(village, present=4, motion="同意村道硬化方案")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, VOTE)
    page = editor.vote
    page.for_spin.setValue(3)
    page.against_spin.setValue(2)
    assert "比到会的 4 人还多" in page.votes_error.text()
    assert not page.record_button.isEnabled()
    assert page.record() is None
    page.against_spin.setValue(1)
    assert page.votes_error.text() == ""
    assert page.record_button.isEnabled()


def test_recording_a_vote_keeps_the_verdict_of_the_rules(qtbot, village):
    mid = _meeting(village, present=4, motion="同意村道硬化方案")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, VOTE)
    page = editor.vote
    page.for_spin.setValue(3)
    page.against_spin.setValue(1)
    page.resolution_edit.setPlainText("同意按 4.5 米宽硬化村道。")
    page.record_button.click()
    _settled(qtbot, editor)
    assert "已记录表决:通过" in page.status.text()
    with village.read() as s:
        x = s.scalar(select(Motion).where(Motion.meeting_id == mid))
        assert (x.voted, x.votes_for, x.votes_against, x.passed) == (True, 3, 1, True)
        assert x.resolution == "同意按 4.5 米宽硬化村道。" and "第二十六条" in x.verdict
    assert "1 项 · 通过 1" in editor.step_buttons[VOTE].text()


def test_a_branch_meeting_records_who_voted_how(qtbot, village):
    with village.begin("王文书") as s:
        ids = dict(s.execute(select(Resident.name, Resident.id)).all())
        for name, title in (("张三", "书记"), ("王小红", "委员"), ("陈明", "委员")):
            assign_role(s, resident_id=ids[name], body="党支部", title=title, term_start=dt.date(2021, 5, 1))
    mid = _meeting(village, "支部委员会会议", "支委会", present=3, motion="提议硬化村道")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, VOTE)
    page = editor.vote
    assert page.named_box.isVisible() and not page.counts_box.isVisible()
    assert page.named_model.rowCount() == 3
    page.all_for_button.click()
    assert page.verdict.result_label.text() == "通过"
    page.record()
    _settled(qtbot, editor)
    with village.read() as s:
        m = get_meeting(s, mid)
    x = m.motion_list[0]
    assert x.passed and x.votes_for == 3 and set(x.named_votes.values()) == {FOR}


# ---------------------------------------------------------------- closing


def test_closing_makes_every_field_read_only_and_the_service_refuses_edits(qtbot, village, shown):
    mid = _meeting(village, present=4, motion="同意村道硬化方案")
    with village.begin("王文书") as s:
        record_vote(s, s.scalar(select(Motion.id).where(Motion.meeting_id == mid)), votes_for=4)
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, CLOSE)
    assert editor.editable_fields()
    editor.close_page.close_button.click()
    _settled(qtbot, editor)
    assert any("不能再修改" in q for q in shown.questions)
    assert editor.editable_fields() == []
    with village.read() as s:
        m = s.get(Meeting, mid)
        state, digest = m.state, m.content_hash
    assert state == "closed"
    # the screen names the 核验码 in the words and groups printed on the minutes
    code = "-".join(digest[i:i + 4] for i in range(0, 16, 4)).upper()
    assert editor.closed_banner.isVisible() and "核验码 " + code in editor.closed_text.text()
    assert not editor.prepare.save_button.isVisible() and editor.prepare.save() is None
    assert not (editor.attend.model.flags(editor.attend.model.index(0, AttendanceColumns.STATUS))
                & Qt.ItemFlag.ItemIsEditable)
    assert editor.vote.for_spin.isReadOnly()
    assert editor.close_page.addendum_button.isVisible()
    with village.begin("王文书") as s, pytest.raises(MeetingError):
        update_meeting(s, mid, MeetingInput(kind="村民代表会议", title="改过的名称", date=DAY))


def test_declining_to_close_keeps_the_minutes_open(qtbot, village, shown):
    mid = _meeting(village, present=4)
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, CLOSE)
    shown.answer = False
    assert editor.close_page.close_meeting() is None
    with village.read() as s:
        assert s.get(Meeting, mid).state == "planned"
    assert editor.editable_fields()


# ---------------------------------------------------------------- finding it again


def test_the_search_box_finds_a_meeting_by_a_word_from_its_discussion(qtbot, village):
    water = _meeting(village, title="第三季度村民代表会议")
    _meeting(village, title="党员大会", kind="党员大会")
    with village.begin("王文书") as s:
        item = get_meeting(s, water).agenda[0]
        update_agenda_item(s, item.id, title=item.title, discussion="李四:东头水渠淤塞,雨季前要清淤。")
    screen = _screen(qtbot, village)
    qtbot.waitUntil(lambda: len(screen.meetings.titles()) == 2, timeout=TASK_MS)
    qtbot.keyClick(screen, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert screen.tabs.currentIndex() == MEETINGS
    screen.meetings.search_edit.setText("水渠")
    screen.meetings.apply_filters()
    qtbot.waitUntil(lambda: not screen.meetings.model.loading and screen.meetings.titles() == ["第三季度村民代表会议"],
                    timeout=TASK_MS)
    assert "找到 1 次会议" in screen.meetings.count_label.text()


def test_the_calendar_shows_a_meeting_on_its_day_and_opens_it(qtbot, village):
    mid = _meeting(village, present=4)
    screen = _screen(qtbot, village)
    screen.show_tab(CALENDAR)
    screen.calendar.go_to(2026, 10)
    qtbot.waitUntil(lambda: not screen.calendar.loading, timeout=TASK_MS)
    chips = screen.calendar.chips_on(DAY)
    assert len(chips) == 1
    assert "村民代表会议" in chips[0].text() and "有效" in chips[0].text()
    assert screen.calendar.chips_on(DAY + dt.timedelta(days=1)) == []
    chips[0].click()
    qtbot.waitUntil(lambda: screen.editor.meeting_id == mid, timeout=TASK_MS)
    assert screen.tabs.currentIndex() == EDITOR


# ---------------------------------------------------------------- printing


def test_printing_the_sign_in_sheet_opens_its_preview_and_saves_the_pdf_there(qtbot, village, shown):
    mid = _meeting(village)
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid)
    editor.prepare.signin_button.click()
    qtbot.waitUntil(lambda: bool(shown.dialogs) and isinstance(shown.dialogs[-1], PrintoutDialog),
                    timeout=TASK_MS)
    preview = shown.dialogs[-1]
    qtbot.addWidget(preview)
    assert preview.suggested_name == "签到表-2026-10-12-村民代表会议.pdf"  # says what, when and which meeting
    shown.pdf.parent.mkdir(parents=True, exist_ok=True)
    preview.choose_file = lambda _suggested: shown.pdf
    with qtbot.waitSignal(preview.saved, timeout=TASK_MS):
        preview.save_pdf()  # 另存为PDF… from the preview
    text = "".join(page.extract_text() for page in PdfReader(str(shown.pdf)).pages)
    assert "王小红" in text and "刘芳" in text
    assert "已保存为 PDF" in editor.message.text()


# ---------------------------------------------------------------- more of the steps


def test_moving_to_the_next_agenda_item_saves_what_was_typed(qtbot, village):
    mid = _meeting(village)
    with village.begin("王文书") as s:
        from app.meetings.service import add_agenda_item

        add_agenda_item(s, mid, title="水渠清淤")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, DISCUSS)
    page = editor.discuss
    assert page.items_list.count() == 2
    page.discussion_edit.setPlainText("张三:路面宽度建议 4.5 米。")
    assert editor.dirty
    page.items_list.setCurrentRow(1)
    _settled(qtbot, editor)
    assert page.title_edit.text() == "水渠清淤"
    assert not editor.dirty
    with village.read() as s:
        assert get_meeting(s, mid).agenda[0].discussion == "张三:路面宽度建议 4.5 米。"
    assert "已记录讨论" in page.items_list.item(0).text()


def test_a_proxy_is_written_once_the_name_of_who_came_instead_is_typed(qtbot, village):
    mid = _meeting(village, "村民会议", "村民会议")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, ATTEND)
    page = editor.attend
    assert not page.table.isColumnHidden(AttendanceColumns.PROXY)
    model = page.model
    before = _events(village)
    model.setData(model.index(0, AttendanceColumns.STATUS), PROXY)
    assert "请填写受委托人" in model.data(model.index(0, AttendanceColumns.STATUS))
    assert _events(village) == before
    model.setData(model.index(0, AttendanceColumns.PROXY), "张小三")
    _settled(qtbot, editor)
    with village.read() as s:
        m = get_meeting(s, mid)
    # Organic Law Art. 22: recorded, but a written proxy is not attendance
    assert (m.attendees[0].status, m.attendees[0].proxy_name, m.present) == (PROXY, "张小三", 0)
    assert "书面委托 1 份(不计入到会人数)" in page.counts_label.text()
    assert model.data(model.index(0, AttendanceColumns.STATUS)) == "书面委托(不计入到会人数)"
    assert "第二十二条" in page.proxy_label.text() and page.proxy_label.isVisibleTo(page)


def test_a_party_members_meeting_offers_no_proxy(qtbot, village):
    mid = _meeting(village, "党员大会", "党员大会")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, ATTEND)
    assert editor.attend.table.isColumnHidden(AttendanceColumns.PROXY)
    assert PROXY not in [code for code, _words in editor.attend.model.status_choices()]


def test_a_big_meeting_takes_the_totals_of_the_signed_sheet(qtbot, village, monkeypatch):
    monkeypatch.setattr(step_attend, "BIG", 3)  # the demo village is small; the box is the same at 2,000
    mid = _meeting(village, "村民会议", "全体村民会议")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid, ATTEND)
    page = editor.attend
    assert page.counts_box.isVisible()
    page.present_spin.setValue(4)
    page.counts_button.click()
    _settled(qtbot, editor)
    with village.read() as s:
        m = get_meeting(s, mid)
    assert m.present == 4 and m.quorate  # 4 of 6 adults: more than half
    assert page.quorum_label.text() == "会议有效"


def test_closed_minutes_take_a_correction_but_stay_as_they_were(qtbot, village, shown):
    mid = _meeting(village, present=4)
    with village.begin("王文书") as s:
        from app.meetings.service import close_meeting

        close_meeting(s, mid)
        digest = s.get(Meeting, mid).content_hash
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, mid)
    assert editor.current_step() == CLOSE
    dialog = editor.close_page.add_addendum()
    assert dialog is shown.dialogs[-1]
    dialog.corrects_edit.setText("主持人姓名")
    dialog.text_edit.setPlainText("主持人应为张三,记录时笔误。")
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.ok_button.click()
    assert "主持人姓名" in editor.close_page.addenda_list.item(0).text()
    with village.read() as s:
        assert s.get(Meeting, mid).content_hash == digest
        assert len(get_meeting(s, mid).addenda) == 1


def test_a_meeting_called_off_can_be_deleted_but_closed_minutes_cannot(qtbot, village, shown):
    called_off = _meeting(village, title="改期的村民代表会议")
    screen = _screen(qtbot, village)
    editor = _open(qtbot, screen, called_off, PREPARE)
    assert editor.prepare.delete_button.isVisible()
    with qtbot.waitSignal(editor.deleted, timeout=TASK_MS):
        editor.prepare.delete_button.click()
    assert any("不能恢复" in q for q in shown.questions)
    with village.read() as s:
        assert s.get(Meeting, called_off) is None
    qtbot.waitUntil(lambda: "改期的村民代表会议" not in screen.meetings.titles() and not screen.meetings.model.loading,
                    timeout=TASK_MS)
    kept = _meeting(village, present=4)
    with village.begin("王文书") as s:
        from app.meetings.service import close_meeting

        close_meeting(s, kept)
    editor = _open(qtbot, screen, kept, PREPARE)
    assert not editor.prepare.delete_button.isVisible()
    assert editor.delete_meeting() is None


def test_without_the_matter_board_the_tab_says_so_and_the_minutes_still_work(qtbot, village, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ui.meetings.matter_board", None)  # the import fails as if not installed
    screen = _screen(qtbot, village)
    assert not screen.has_board
    board = screen.tabs.widget(3)
    assert "还没有安装" in " ".join(label.text() for label in board.findChildren(QLabel))
    screen.new_meeting()
    assert screen.tabs.currentIndex() == EDITOR


def test_the_matter_board_opens_a_meeting_in_the_minutes(qtbot, village):
    mid = _meeting(village)
    screen = _screen(qtbot, village)
    if not screen.has_board:
        pytest.skip("ui.meetings.matter_board is not there yet")
    screen.board.open_meeting.emit(mid)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == mid, timeout=TASK_MS)
    assert screen.tabs.currentIndex() == EDITOR


def test_no_step_of_the_minutes_imports_the_editor_that_holds_it():
    """The editor imports its steps; a step knows the editor only as step_base.EditorHost, so the two never
    import each other (not even for type checking)."""
    import ast

    folder = Path(__file__).resolve().parents[2] / "ui" / "meetings"
    steps = sorted(folder.glob("step_*.py"))
    assert len(steps) >= 6
    reaching = []
    for path in steps:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            reaching += [f"{path.name}: {n}" for n in names if n == "ui.meetings.editor"]
            if isinstance(node, ast.ImportFrom) and node.module == "ui.meetings":
                reaching += [f"{path.name}: ui.meetings.{a.name}" for a in node.names if a.name == "editor"]
    assert reaching == []
