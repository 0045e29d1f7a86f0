"""Messages belong to their moment: a status line is not carried to another record, a red line goes when its field
is fixed, a confirmation checks the fields before it asks, and a dialog shows a long message whole."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.disclosure.models import Notice  # noqa: E402
from app.storage import Store  # noqa: E402
from ui.disclosure.screen import DisclosureScreen  # noqa: E402
from ui.people.resident_dialog import ResidentDialog  # noqa: E402
from ui.style import apply_style  # noqa: E402

from conftest import Shown  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000
BAD_ID = "450222196109121234"  # the check digit should be 7


def _notices(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Notice)))


def _screen(qtbot, store: Store) -> DisclosureScreen:  # type: ignore[no-untyped-def]
    screen = DisclosureScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1366, 728)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    return screen


def test_a_new_notice_does_not_show_what_was_said_about_the_last_one(qtbot, store, shown: Shown):
    screen = _screen(qtbot, store)
    editor = screen.new_notice()
    editor.title_edit.setText("2026年第三季度村务公开")
    editor.body_edit.setPlainText("## 村务工作\n- 完成村道维修。")
    with qtbot.waitSignal(editor.submitted, timeout=TASK_MS):
        editor.save_and_submit()
    assert "已送监委会审核" in editor.status.text() and editor.status.isVisible()
    editor.close_editor()
    editor = screen.new_notice()
    assert editor.title_edit.text() == ""
    assert not editor.status.isVisible() and editor.status.text() == ""


def test_the_red_line_under_the_title_goes_when_the_title_is_typed(qtbot, store):
    screen = _screen(qtbot, store)
    editor = screen.new_notice()
    editor.body_edit.setPlainText("正文")
    editor.save()
    qtbot.waitUntil(editor.title_error.isVisible, timeout=TASK_MS)
    assert "请填写标题" in editor.title_error.text()
    editor.title_edit.setText("关于村道维修的公示")
    assert not editor.title_error.isVisible()


def test_sending_for_review_checks_the_title_before_it_asks(qtbot, store, shown: Shown):
    screen = _screen(qtbot, store)
    editor = screen.new_notice()
    editor.body_edit.setPlainText("正文")
    before = _notices(store)
    assert editor.save_and_submit() is None
    assert shown.questions == []  # never "把“(无标题)”送村务监督委员会审核吗?"
    assert editor.title_error.isVisible() and "请填写标题" in editor.title_error.text()
    assert _notices(store) == before
    editor.title_edit.setText("  关于村道维修的公示 ")
    shown.answer = False
    editor.save_and_submit()
    assert len(shown.questions) == 1 and "把“关于村道维修的公示”送村务监督委员会审核吗" in shown.questions[0]
    assert "无标题" not in shown.questions[0] and _notices(store) == before


@pytest.fixture(params=[False, True], ids=["normal", "大字模式"])
def large(request, qapp):  # type: ignore[no-untyped-def]
    font, sheet = QApplication.font(), qapp.styleSheet()
    apply_style(qapp, request.param)
    yield request.param
    qapp.setStyleSheet(sheet)
    QApplication.setFont(font)


def test_the_wrong_id_explanation_in_a_new_resident_is_shown_whole(qtbot, store, large):
    dialog = ResidentDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    height = dialog.height()
    dialog.id_edit.setText(BAD_ID)
    label = dialog.error_label("id_number")
    assert "最后一位应为7" in dialog.error_text("id_number")

    def whole() -> bool:
        return label.height() >= label.heightForWidth(label.width())

    qtbot.waitUntil(whole, timeout=TASK_MS)  # every wrapped line has its room: none is cut off
    assert label.heightForWidth(label.width()) > label.fontMetrics().lineSpacing() * 1.5  # more than one line
    assert dialog.height() > height
    dialog.id_edit.setText("")  # the number taken away: the explanation goes
    assert dialog.error_text("id_number") == ""


def test_a_resident_field_error_goes_when_the_field_is_changed(qtbot, store):
    dialog = ResidentDialog(store)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.save()
    qtbot.waitUntil(lambda: dialog.error_text("name") != "", timeout=TASK_MS)
    dialog.name_edit.setText("孙桂兰")
    assert dialog.error_text("name") == ""


def test_opening_another_meeting_starts_without_the_last_ones_messages(qtbot, store):
    import datetime as dt

    from app.meetings.service import MeetingInput, create_meeting
    from ui.meetings.editor import ATTEND
    from ui.meetings.screen import MeetingsScreen

    with store.begin("王文书") as s:
        first, second = (create_meeting(s, MeetingInput(kind="村民会议", title=title, date=dt.date(2026, 10, 12),
                                                        chair="张三", recorder="王文书", agenda_text="村道硬化方案")).id
                         for title in ("第一次村民会议", "第二次村民会议"))
    screen = MeetingsScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    screen.open_meeting(first, ATTEND)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == first and not screen.editor.busy, timeout=TASK_MS)
    editor = screen.editor
    editor.say("已保存:实到 3 人。")
    editor.attend.say("已保存:实到 3 人。")
    screen.open_meeting(second, ATTEND)
    qtbot.waitUntil(lambda: editor.meeting_id == second and not editor.busy, timeout=TASK_MS)
    assert not editor.message.isVisible() and not editor.attend.status.isVisible()
    editor.say("已保存。")
    screen.new_meeting()
    assert not editor.message.isVisible()


def test_a_certificate_fields_red_line_goes_when_the_field_is_changed(qtbot, store):
    from PySide6.QtCore import Qt

    from ui.certificates.screen import CertificatesScreen

    screen = CertificatesScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    panel = screen.issue_panel
    assert panel.select_kind(panel.kind_list.item(0).data(Qt.ItemDataRole.UserRole))
    panel.applicant.search_edit.setText("张三")
    panel.applicant.search()
    qtbot.waitUntil(lambda: panel.applicant.resident is not None, timeout=TASK_MS)
    panel.issue()  # the purpose left empty: refused under it
    qtbot.waitUntil(lambda: panel.purpose.error_text() != "", timeout=TASK_MS)
    panel.purpose.edit.setText("办理居住证")
    assert panel.purpose.error_text() == ""
