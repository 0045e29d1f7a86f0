"""A 四议两公开 notice owed, clicked on the home screen or in the calendar, opens the notice the matter drafted:
in 村务公开's 公开事项, selected, with its next step (送监委会审核) beside it. Organic Law Art. 30: the resolution of
a major matter is disclosed at once; the clerk's job is to get that draft reviewed and posted."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from test_matter_board import TASK_MS, _resolved, village  # noqa: E402,F401

from app.disclosure.service import NoticeDraft, create_notice  # noqa: E402
from app.meetings.matters import get_matter  # noqa: E402
from ui.disclosure.calendar import Columns as CalColumns  # noqa: E402
from ui.disclosure.screen import CALENDAR, EDITOR, NOTICES, DisclosureScreen  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

SUBJECT = "村道硬化工程"


def _window(qtbot, store) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show_screen("home")
    window.show()
    qtbot.waitUntil(lambda: window.screen("home").due_loaded, timeout=TASK_MS)
    return window


def _resolution(store, matter: int) -> int:  # type: ignore[no-untyped-def]
    with store.read() as s:
        notice_id = get_matter(s, matter).resolution_notice_id
    assert notice_id is not None
    return notice_id


def _lands_on_the_notice(qtbot, screen: DisclosureScreen, notice_id: int) -> None:  # type: ignore[no-untyped-def]
    panel = screen.notices
    qtbot.waitUntil(lambda: panel.selected_id() == notice_id and panel.details.notice is not None
                    and panel.details.notice.id == notice_id, timeout=TASK_MS)
    assert screen.tabs.currentIndex() == NOTICES
    details = panel.details
    assert details.title_label.text() == "关于{}的决议公告".format(SUBJECT)
    assert details.state_label.text().startswith("草稿")
    assert details.submit_button.isVisibleTo(details) and details.submit_button.text() == "送监委会审核"
    assert "送村务监督委员会审核" in details.next_label.text()
    assert SUBJECT in panel.message.text() and "决议公开" in panel.message.text()
    assert panel.message.isVisibleTo(panel)


def test_a_resolution_on_the_home_screen_opens_its_draft_ready_to_be_sent_for_review(qtbot, village):
    matter = _resolved(village, SUBJECT, "public_welfare")  # step 4 twenty days ago, nothing posted
    notice_id = _resolution(village.store, matter)
    window = _window(qtbot, village.store)
    home = window.screen("home")
    (button,) = [b for b in home.due_buttons if SUBJECT in b.text()]
    assert "已逾期" in button.text() and "“四议两公开”决议公开" in button.text()

    button.click()
    assert window.current_key() == "disclosure"
    screen = window.screen("disclosure")
    assert isinstance(screen, DisclosureScreen)
    _lands_on_the_notice(qtbot, screen, notice_id)


def test_the_notice_is_found_whatever_the_list_was_filtered_to_and_however_far_down_it_is(qtbot, village):
    """The list reads 200 notices a page and was left filtered to 财务: the notice is still selected."""
    matter = _resolved(village, SUBJECT, "public_welfare")
    notice_id = _resolution(village.store, matter)
    with village.store.begin("王文书") as s:  # newer drafts come first in the list: 230 of them above it
        for i in range(230):
            create_notice(s, NoticeDraft(title="村务通知第{}号".format(i + 1), category="村务", body="通知内容。"))
    window = _window(qtbot, village.store)
    screen = window.show_screen("disclosure")
    assert isinstance(screen, DisclosureScreen)
    qtbot.waitUntil(lambda: screen.context is not None and not screen.notices.model.loading, timeout=TASK_MS)
    screen.notices.category_combo.setCurrentIndex(screen.notices.category_combo.findData("财务"))
    qtbot.waitUntil(lambda: not screen.notices.model.loading and screen.notices.model.total == 0, timeout=TASK_MS)

    window.open_disclosure_entry("SW-06", "matter:{}:resolution".format(matter))
    _lands_on_the_notice(qtbot, screen, notice_id)
    assert screen.notices.category_combo.currentData() == ""  # the filter that hid it was cleared
    assert screen.notices.model.row_of(notice_id) > 200


def test_the_calendar_lists_the_matters_notice_as_drafted_and_opens_it(qtbot, village):
    """The calendar's 现在要公开的 lists what the home screen lists, the matter's notice among them: 已拟稿,
    and its button opens the draft rather than starting another."""
    matter = _resolved(village, SUBJECT, "public_welfare")
    notice_id = _resolution(village.store, matter)
    window = _window(qtbot, village.store)
    screen = window.show_screen("disclosure")
    assert isinstance(screen, DisclosureScreen)
    calendar = screen.calendar
    qtbot.waitUntil(lambda: screen.context is not None and calendar.data is not None and not calendar.loading,
                    timeout=TASK_MS)
    assert screen.tabs.currentIndex() == CALENDAR
    model = calendar.due_model
    keys = [model.row_at(i).period.key for i in range(model.rowCount())]
    row = keys.index("matter:{}:resolution".format(matter))
    assert model.data(model.index(row, CalColumns.ITEM)) == "“四议两公开”决议公开:" + SUBJECT
    assert model.data(model.index(row, CalColumns.STATE)) == "已逾期"
    assert model.data(model.index(row, CalColumns.PROGRESS)) == "已拟稿:草稿"
    home_keys = [e.period.key for e in window.screen("home").due]
    assert keys == home_keys  # the same list, in the same order, as the home screen

    calendar.due_table.selectRow(row)
    assert calendar.draft_button.text() == "打开选中事项的草稿"
    calendar.draft_button.click()
    _lands_on_the_notice(qtbot, screen, notice_id)
    assert not screen.tabs.isTabVisible(EDITOR)  # no second draft was started in the editor
