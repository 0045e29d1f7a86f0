"""The 村务公开 screen as the clerk uses it: the list and its search, writing a draft beside its printed
page, review → approval → posting through the dialogs, posted notices that cannot be edited, the
posting-days refusal, the calendar's overdue items, printing, and the home screen's due items."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.disclosure.layout import TITLE_SIZE, Text  # noqa: E402
from app.disclosure.models import Notice  # noqa: E402
from app.disclosure.service import (NoticeDraft, add_feedback, answer_feedback, approve, create_notice,  # noqa: E402
                                    get_notice, post_notice, record_review, submit_for_review)
from app.disclosure.view import NoticeTable, NoticeView  # noqa: E402
from app.events import Event  # noqa: E402
from app.people.models import Resident  # noqa: E402
from app.people.service import assign_role  # noqa: E402
from app.storage import Store  # noqa: E402
from ui.disclosure import dialogs  # noqa: E402
from ui.disclosure.calendar import STATE_COLOURS, Columns as CalColumns  # noqa: E402
from ui.disclosure.preview import PrintPreviewDialog, lay_out, paint_page, print_pages  # noqa: E402
from ui.disclosure.screen import CALENDAR, EDITOR, NOTICES, DisclosureScreen  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

from conftest import Shown  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown

TASK_MS = 15_000
LOW = "2026年第二季度最低生活保障对象公示"
PARTY = "关于发展党员的公示"


def _rid(s, name: str) -> int:  # type: ignore[no-untyped-def]
    return int(s.scalar(select(Resident.id).where(Resident.name == name)))


def _posted(s, draft: NoticeDraft, day: dt.date, days: int = 10) -> int:  # type: ignore[no-untyped-def]
    n = create_notice(s, draft)
    submit_for_review(s, n.id)
    record_review(s, n.id, reviewers=["李四", "王小红"], date=day - dt.timedelta(days=1), opinion="内容真实完整,同意公开。")
    approve(s, n.id, approver="张三", date=day - dt.timedelta(days=1))
    post_notice(s, n.id, posted_from=day, posted_until=day + dt.timedelta(days=days - 1))
    return n.id


@pytest.fixture
def village(store: Store) -> Store:
    """柳林村 with its committee, three notices posted in 2026 (one late), a draft and one awaiting review.

    The third quarter's 村务一般事项 (SW-01, due 10 October 2026) was never posted: overdue.
    """
    with store.begin("王文书") as s:
        assign_role(s, resident_id=_rid(s, "张三"), body="村民委员会", title="主任", term_start=dt.date(2021, 5, 1))
        assign_role(s, resident_id=_rid(s, "李四"), body="村务监督委员会", title="主任", term_start=dt.date(2021, 5, 1))
        assign_role(s, resident_id=_rid(s, "王小红"), body="村务监督委员会", title="委员", term_start=dt.date(2021, 5, 1))
        low = _posted(s, NoticeDraft(
            title=LOW, category="村务", body="经村民代表会议评议、镇政府审核,本季度最低生活保障对象如下。",
            item_code="SW-02", period_key="2026-Q2", period_label="2026年第二季度",
            tables=[NoticeTable("低保对象名单", ["序号", "姓名", "保障人数"], [["1", "张三", "2"], ["2", "王小红", "1"]],
                                frozenset({0, 2}))]), dt.date(2026, 7, 5))
        _posted(s, NoticeDraft(title="2026年第一季度村务公开", category="村务", body="## 村务工作\n- 完成村道维修。",
                               item_code="SW-01", period_key="2026-Q1", period_label="2026年第一季度"), dt.date(2026, 4, 6))
        _posted(s, NoticeDraft(title="2026年第二季度党务工作情况", category="党务", body="## 组织生活\n- 召开支部委员会 3 次。",
                               item_code="DW-01", period_key="2026-Q2", period_label="2026年第二季度"), dt.date(2026, 7, 20))
        f = add_feedback(s, low, asker="赵大爷", question="第二小组为什么只有一户?", asked_on=dt.date(2026, 7, 8))
        answer_feedback(s, f.id, answer="其他申请户收入超过标准。", answered_by="张三", answered_on=dt.date(2026, 7, 9))
        create_notice(s, NoticeDraft(title="村集体经济合作社年度分红方案", category="村务", body="每股分红 120 元。"))
        party = create_notice(s, NoticeDraft(title=PARTY, category="党务", body="拟确定以下同志为发展对象。"))
        submit_for_review(s, party.id)
    return store


def _id(store: Store, title: str) -> int:
    with store.read() as s:
        return int(s.scalar(select(Notice.id).where(Notice.title == title)))


def _events(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def _screen(qtbot, store: Store) -> DisclosureScreen:  # type: ignore[no-untyped-def]
    screen = DisclosureScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1280, 860)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.notices.model.loading
                    and not screen.calendar.loading, timeout=TASK_MS)
    return screen


def _titles(screen: DisclosureScreen) -> list[str]:
    return [r.title for r in screen.notices.model.rows]


def _dialog(qtbot, shown: Shown, kind: type) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: bool(shown.dialogs) and isinstance(shown.dialogs[-1], kind), timeout=TASK_MS)
    return shown.dialogs[-1]


def _finish(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.run()


# ---------------------------------------------------------------- list and search


def test_the_list_shows_every_notice_and_a_search_for_低保_finds_the_allowance_notice(qtbot, village):
    screen = _screen(qtbot, village)
    screen.show_tab(NOTICES)
    assert len(_titles(screen)) == 5
    assert "共 5 份" in screen.notices.count_label.text()

    screen.notices.search_edit.setText("低保")  # a word in the notice's table, not in its title
    qtbot.waitUntil(lambda: _titles(screen) == [LOW], timeout=TASK_MS)
    assert "找到 1 份" in screen.notices.count_label.text()

    screen.notices.search_edit.setText("")
    screen.notices.state_combo.setCurrentIndex(screen.notices.state_combo.findData("published"))
    qtbot.waitUntil(lambda: len(_titles(screen)) == 3, timeout=TASK_MS)
    assert PARTY not in _titles(screen)


# ---------------------------------------------------------------- the editor


def test_the_editor_saves_a_draft_with_its_table(qtbot, village):
    screen = _screen(qtbot, village)
    editor = screen.new_notice()
    assert screen.tabs.currentIndex() == EDITOR
    editor.title_edit.setText("2026年冬季取暖补贴发放名单公示")
    editor.body_edit.setPlainText("以下农户享受冬季取暖补贴。")
    grid = editor.tables.add_table()
    grid.setData(grid.index(0, 0), "姓名")
    grid.setData(grid.index(0, 1), "村民小组")
    grid.setData(grid.index(0, 2), "金额(元)")
    grid.setData(grid.index(1, 0), "张三")
    grid.setData(grid.index(1, 1), "第一村民小组")
    grid.setData(grid.index(1, 2), "300.00")
    with qtbot.waitSignal(editor.saved, timeout=TASK_MS):
        editor.save_button.click()

    with village.read() as s:
        n = get_notice(s, _id(village, "2026年冬季取暖补贴发放名单公示"))
    assert n.state == "draft" and n.body == "以下农户享受冬季取暖补贴。"
    assert n.tables[0].columns == ["姓名", "村民小组", "金额(元)"]
    assert n.tables[0].rows == [["张三", "第一村民小组", "300.00"]]  # the two blank rows are not kept
    assert n.tables[0].numeric == frozenset({2})
    assert "已保存" in editor.status.text()
    qtbot.waitUntil(lambda: "2026年冬季取暖补贴发放名单公示" in _titles(screen), timeout=TASK_MS)


def test_a_title_left_empty_is_said_under_the_title_and_nothing_is_saved(qtbot, village):
    screen = _screen(qtbot, village)
    editor = screen.new_notice()
    editor.body_edit.setPlainText("正文")
    before = _events(village)
    editor.save()
    qtbot.waitUntil(lambda: editor.title_error.isVisible(), timeout=TASK_MS)
    assert "请填写标题" in editor.title_error.text()
    assert _events(village) == before and editor.notice is None


def test_the_live_preview_paints_the_title_in_the_title_area(qtbot, village):
    screen = _screen(qtbot, village)
    editor = screen.new_notice()
    editor.title_edit.setText("村东主干道硬化项目公示")
    qtbot.waitUntil(lambda: any(isinstance(op, Text) and op.text == "村东主干道硬化项目公示"
                                for p in editor.preview.pages for op in p.ops), timeout=TASK_MS)
    canvas = editor.preview.canvas
    page = editor.preview.pages[0]
    title = next(op for op in page.ops if isinstance(op, Text) and op.size == TITLE_SIZE)
    image = canvas.grab().toImage()
    k = canvas.scale

    def dark(x0: float, y0: float, x1: float, y1: float) -> int:
        count = 0
        for y in range(int(y0), int(y1)):
            for x in range(int(x0), int(x1)):
                if QColor(image.pixel(x, y)).lightness() < 128:
                    count += 1
        return count

    top = (page.height - title.y - title.size) * k + 1
    bottom = (page.height - title.y) * k + 1
    assert dark(title.x * k + 1, top, (title.x + title.width) * k + 1, bottom) > 50
    # the same band in the margin left of the title stays paper-white
    assert dark(2, top, title.x * k * 0.8, bottom) == 0


def test_a_page_painted_for_print_is_the_page_the_pdf_has(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    view = NoticeView(village_name="柳林村", number="2026-009", title="村务公开测试页", category="村务",
                      period_label="2026年10月", body="正文第一段。", print_date=dt.date(2026, 11, 1))
    pages = lay_out(view)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    print_pages(printer, pages)
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "printed.pdf").pages)
    assert "村务公开测试页" in text and "2026-009" in text

    image = QImage(int(pages[0].width), int(pages[0].height), QImage.Format.Format_RGB32)
    from PySide6.QtGui import QPainter

    painter = QPainter(image)
    paint_page(painter, pages[0])
    painter.end()
    assert QColor(image.pixel(2, 2)).lightness() == 255  # the paper, not the window behind it


def test_print_preview_saves_a_pdf_of_the_notice(qtbot, village, tmp_path, monkeypatch):
    screen = _screen(qtbot, village)
    screen.preview(_id(village, LOW))
    shown_dialog = None

    def found() -> bool:
        nonlocal shown_dialog
        shown_dialog = next((d for d in screen.findChildren(PrintPreviewDialog)), None)
        return shown_dialog is not None and bool(shown_dialog.pages)

    qtbot.waitUntil(found, timeout=TASK_MS)
    assert shown_dialog is not None
    target = tmp_path / "公告.pdf"
    monkeypatch.setattr(shown_dialog, "choose_file", lambda _suggested: target)
    with qtbot.waitSignal(shown_dialog.saved, timeout=TASK_MS):
        shown_dialog.save_pdf()
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "2026-001" in text and "低保对象名单" in text


# ---------------------------------------------------------------- review, approval, posting


def test_review_approval_and_posting_through_the_dialogs(qtbot, village, shown):
    screen = _screen(qtbot, village)
    nid = _id(village, PARTY)

    screen.review(nid)
    review = _dialog(qtbot, shown, dialogs.ReviewDialog)
    assert [c.text() for c in review.member_checks] == ["李四", "王小红"]  # the supervision committee in office
    review.member_checks[0].setChecked(True)
    review.opinion_edit.setPlainText("同意公开。")
    _finish(qtbot, review)

    screen.approve(nid)
    approval = _dialog(qtbot, shown, dialogs.ApproveDialog)
    assert approval.approver_edit.text() == "张三"  # the committee's 主任
    _finish(qtbot, approval)

    screen.post(nid)
    post = _dialog(qtbot, shown, dialogs.PostDialog)
    assert "至少张贴 7 天" in post.minimum_label.text() and post.days() == 7
    _finish(qtbot, post)

    with village.read() as s:
        n = get_notice(s, nid)
    assert n.state == "posted" and n.number.endswith("-004") and n.reviewers == "李四"
    assert n.approved_by == "张三" and (n.posted_until - n.posted_from).days + 1 == 7
    qtbot.waitUntil(lambda: screen.notices.details.notice is not None and screen.notices.details.notice.id == nid
                    and screen.notices.details.notice.state == "posted", timeout=TASK_MS)
    screen.show_tab(NOTICES)
    assert screen.notices.details.attach_button.isVisible()
    assert not screen.notices.details.post_button.isVisible()
    assert "拍一张照片" in screen.notices.details.next_label.text()


def test_returning_a_notice_needs_an_opinion_said_in_the_dialog(qtbot, village, shown):
    screen = _screen(qtbot, village)
    nid = _id(village, PARTY)
    screen.review(nid)
    review = _dialog(qtbot, shown, dialogs.ReviewDialog)
    review.member_checks[1].setChecked(True)
    review.returned_radio.setChecked(True)
    review.run()
    qtbot.waitUntil(lambda: "审核意见" in review.field_errors["opinion"].text(), timeout=TASK_MS)
    with village.read() as s:
        assert get_notice(s, nid).state == "submitted"


def test_the_review_dialog_offers_only_the_supervision_committee_in_office_on_the_review_date(qtbot, village, shown):
    # Organic Law Art. 32: the supervision committee reviews; reviewers are ticked, never typed
    from PySide6.QtWidgets import QLineEdit

    from app.people.roles import add_member
    from app.people.service import ResidentInput, add_resident

    with village.begin("王文书") as s:
        rid = add_resident(s, ResidentInput(name="周前任", sex="女", birth_date=dt.date(1958, 1, 1))).id
        add_member(s, resident_id=rid, title="主任", term_start=dt.date(2016, 5, 1), term_end=dt.date(2021, 4, 30))
    screen = _screen(qtbot, village)
    screen.review(_id(village, PARTY))
    review = _dialog(qtbot, shown, dialogs.ReviewDialog)
    assert [c.text() for c in review.member_checks] == ["李四", "王小红"]  # 张三 is the director, 周前任's term ended
    assert review.findChildren(QLineEdit) == [review.date_edit.lineEdit()]  # no box to type a name in
    review.member_checks[0].setChecked(True)
    dialogs.set_day(review.date_edit, dt.date(2021, 4, 30))
    assert [c.text() for c in review.member_checks] == ["周前任"]
    dialogs.set_day(review.date_edit, dt.date(2021, 5, 1))
    assert [(c.text(), c.isChecked()) for c in review.member_checks] == [("李四", True), ("王小红", False)]
    assert review.ok_button.isEnabled() and not review.no_members_label.text()


def test_with_no_member_registered_the_dialog_says_so_and_a_member_registered_there_can_review(qtbot, store, shown):
    from ui.disclosure.members import MemberDialog

    with store.begin("王文书") as s:
        nid = create_notice(s, NoticeDraft(title=PARTY, category="党务", body="拟确定以下同志为发展对象。")).id
        submit_for_review(s, nid)
    screen = _screen(qtbot, store)
    screen.review(nid)
    review = _dialog(qtbot, shown, dialogs.ReviewDialog)
    assert review.member_checks == [] and not review.ok_button.isEnabled()
    assert "没有在任的村务监督委员会成员" in review.no_members_label.text()
    assert "登记监委会成员" in review.no_members_label.text() and review.register_button.isVisibleTo(review)

    review.register_button.click()
    member = _dialog(qtbot, shown, MemberDialog)
    member.person_edit.setText("周监督")  # not on the register
    member.run()
    assert "名册上没有叫“周监督”" in member.field_errors["resident"].text()
    member.person_edit.setText("李四")
    dialogs.set_day(member.start_edit, dt.date(2026, 5, 1))
    assert dialogs.day_of(member.end_edit) == dt.date(2031, 4, 30)
    _finish(qtbot, member)

    assert [(c.text(), c.isChecked()) for c in review.member_checks] == [("李四", True)]
    assert review.ok_button.isEnabled() and not review.no_members_label.text()
    review.opinion_edit.setPlainText("同意公开。")
    _finish(qtbot, review)
    with store.read() as s:
        n = get_notice(s, nid)
    assert n.state == "reviewed" and n.reviews[-1].reviewers == "李四"


def test_posting_for_fewer_days_than_the_catalogue_asks_is_refused_in_place(qtbot, village, shown):
    with village.begin("王文书") as s:
        nid = create_notice(s, NoticeDraft(title="2026年第三季度村务公开", category="村务", body="第三季度村务。",
                                           item_code="SW-01", period_key="2026-Q3", period_label="2026年第三季度")).id
        submit_for_review(s, nid)
        record_review(s, nid, reviewers="李四", date=dt.date.today(), opinion="同意")
        approve(s, nid, approver="张三", date=dt.date.today())
    before = _events(village)
    screen = _screen(qtbot, village)
    screen.post(nid)
    post = _dialog(qtbot, shown, dialogs.PostDialog)
    dialogs.set_day(post.until_edit, dialogs.day_of(post.from_edit) + dt.timedelta(days=2))
    assert "只有 3 天" in post.days_label.text()  # said while choosing the date
    post.run()
    qtbot.waitUntil(lambda: not post.running and bool(post.field_errors["posted_until"].text()), timeout=TASK_MS)
    assert "至少 7 天" in post.field_errors["posted_until"].text()
    assert post.result() != QDialog.DialogCode.Accepted
    with village.read() as s:
        n = get_notice(s, nid)
    assert n.state == "approved" and not n.number and n.posted_from is None
    assert _events(village) == before


def test_a_posted_notice_opens_without_anything_to_edit(qtbot, village):
    screen = _screen(qtbot, village)
    nid = _id(village, LOW)
    screen.show_tab(NOTICES)
    screen.notices.select_notice(nid)
    details = screen.notices.details
    qtbot.waitUntil(lambda: details.notice is not None and details.notice.id == nid, timeout=TASK_MS)
    assert not details.edit_button.isVisible() and details.view_button.isVisible()
    assert details.correct_button.isVisible() and not details.delete_button.isVisible()

    screen.open_notice(nid)
    editor = screen.editor
    qtbot.waitUntil(lambda: editor.notice is not None and editor.notice.id == nid, timeout=TASK_MS)
    assert editor.read_only and editor.editable_fields() == []
    assert not editor.save_button.isVisible() and not editor.submit_button.isVisible()
    assert not editor.tables.add_row_button.isVisible()
    assert "不能再修改" in editor.banner.text() and "更正" in editor.banner.text()
    qtbot.waitUntil(lambda: bool(editor.preview.pages), timeout=TASK_MS)
    texts = [op.text for op in editor.preview.pages[0].ops if isinstance(op, Text)]
    assert any("2026-001" in t for t in texts)  # the saved page, with its number, not a draft


def test_a_correction_starts_a_new_draft_that_names_the_posted_notice(qtbot, village, shown):
    screen = _screen(qtbot, village)
    nid = _id(village, LOW)
    screen.correct(nid)
    dialog = _dialog(qtbot, shown, dialogs.ReasonDialog)
    dialog.reason_edit.setPlainText("王小红的保障人数应为 2 人。")
    _finish(qtbot, dialog)
    editor = screen.editor
    qtbot.waitUntil(lambda: editor.notice is not None and editor.notice.corrects_id == nid, timeout=TASK_MS)
    assert not editor.read_only and editor.title_edit.text().startswith("更正:")
    assert "王小红的保障人数应为 2 人" in editor.banner.text()
    with village.read() as s:
        assert get_notice(s, nid).state == "posted"  # the original stays as it was


# ---------------------------------------------------------------- the calendar


def test_the_calendar_shows_the_missed_quarter_as_overdue_in_october(qtbot, village):
    screen = _screen(qtbot, village)
    calendar = screen.calendar
    calendar.go_to(2026, 10)
    qtbot.waitUntil(lambda: not calendar.loading and calendar.month_label.text() == "2026年10月", timeout=TASK_MS)
    model = calendar.month_model
    rows = {(model.row_at(i).item.code, model.row_at(i).period.key): i for i in range(model.rowCount())}
    row = rows[("SW-01", "2026-Q3")]
    state = model.index(row, CalColumns.STATE)
    assert model.data(state) == "已逾期"  # in words, not only in colour
    assert model.data(state, Qt.ItemDataRole.BackgroundRole) == QColor(STATE_COLOURS["overdue"][0])
    assert "已逾期" in model.data(model.index(row, CalColumns.WHEN))
    assert "已逾期" in calendar.summary_label.text()

    calendar.go_to(2026, 7)
    qtbot.waitUntil(lambda: not calendar.loading and calendar.month_label.text() == "2026年7月", timeout=TASK_MS)
    states = {(model.row_at(i).item.code, model.row_at(i).period.key): model.row_at(i).state
              for i in range(model.rowCount())}
    assert states[("DW-01", "2026-Q2")] == "late"  # posted on 20 July, the deadline was the 10th
    assert states[("SW-02", "2026-Q2")] == "done"


def test_drafting_a_due_item_from_the_calendar_fills_in_the_template(qtbot, village):
    screen = _screen(qtbot, village)
    calendar = screen.calendar
    due = [calendar.due_model.row_at(i) for i in range(calendar.due_model.rowCount())]
    assert any(e.item.code == "SW-01" and e.period.key == "2026-Q3" for e in due)
    screen.start_draft("SW-01", "2026-Q3")
    editor = screen.editor
    qtbot.waitUntil(lambda: screen.tabs.currentIndex() == EDITOR and editor.title_edit.text() != "", timeout=TASK_MS)
    draft = editor.draft()
    assert draft.item_code == "SW-01" and draft.period_key == "2026-Q3"
    assert "2026年第三季度" in draft.title and "柳林村" in draft.body
    assert editor.dirty and editor.notice is None


# ---------------------------------------------------------------- importing a table


def test_a_table_comes_in_from_excel_with_its_title_and_total(qtbot, village, tmp_path, monkeypatch):
    import openpyxl

    path = tmp_path / "取暖补贴.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["2026年冬季取暖补贴名单"])
    sheet.append([])
    sheet.append(["姓名", "村民小组", "金额(元)"])
    sheet.append(["张三", "第一村民小组", 300])
    sheet.append(["王小红", "第二村民小组", 250.5])
    sheet.append(["合计", None, 550.5])
    book.save(path)

    screen = _screen(qtbot, village)
    editor = screen.new_notice()
    monkeypatch.setattr(editor.tables, "choose_file", lambda: path)
    editor.tables.import_excel()
    qtbot.waitUntil(lambda: bool(editor.tables.tables()), timeout=TASK_MS)
    table = editor.tables.tables()[0]
    assert table.title == "2026年冬季取暖补贴名单"
    assert table.columns == ["姓名", "村民小组", "金额(元)"]
    assert table.rows == [["张三", "第一村民小组", "300"], ["王小红", "第二村民小组", "250.5"]]
    assert table.total == ["合计", "", "550.5"] and table.numeric == frozenset({2})
    assert "导入 2 行" in editor.tables.message.text()


def test_a_spreadsheet_too_wide_for_the_board_is_refused_with_what_to_do(qtbot, village, tmp_path, monkeypatch):
    path = tmp_path / "太宽.csv"
    path.write_text(",".join("列{}".format(i) for i in range(15)) + "\n" + ",".join("1" * 15) + "\n", encoding="utf-8")
    screen = _screen(qtbot, village)
    editor = screen.new_notice()
    monkeypatch.setattr(editor.tables, "choose_file", lambda: path)
    editor.tables.import_excel()
    qtbot.waitUntil(lambda: editor.tables.message.isVisible() and bool(editor.tables.message.text()), timeout=TASK_MS)
    assert "15 列" in editor.tables.message.text() and "删掉" in editor.tables.message.text()
    assert editor.tables.tables() == []


# ---------------------------------------------------------------- the home screen


def test_the_home_screen_lists_overdue_items_and_one_click_opens_the_calendar_there(qtbot, village):
    window = MainWindow(village, actor="王文书")
    qtbot.addWidget(window)
    window.show_screen("home")
    window.show()
    home = window.screen("home")
    qtbot.waitUntil(lambda: home.due_loaded, timeout=TASK_MS)
    first = home.due[0]  # the oldest overdue first
    assert first.state == "overdue"
    text = home.due_buttons[0].text()
    assert "已逾期" in text and first.item.name in text and first.period.deadline.isoformat() in text
    assert any(e.item.code == "SW-01" and e.period.key == "2026-Q3" for e in home.due)
    assert "已逾期" in home.due_label.text()
    target = 0

    home.due_buttons[target].click()
    assert window.current_key() == "disclosure"
    screen = window.screen("disclosure")
    assert isinstance(screen, DisclosureScreen) and screen.tabs.currentIndex() == CALENDAR

    def selected() -> tuple[str, str] | None:
        e = screen.calendar.selected_due()
        return (e.item.code, e.period.key) if e is not None else None

    qtbot.waitUntil(lambda: selected() == (first.item.code, first.period.key), timeout=TASK_MS)


def test_a_photo_of_the_board_and_a_villagers_question_are_kept_with_the_posted_notice(qtbot, village, shown,
                                                                                        tmp_path, monkeypatch):
    photo = tmp_path / "公开栏.png"
    image = QImage(40, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("#336699"))
    assert image.save(str(photo))
    screen = _screen(qtbot, village)
    nid = _id(village, "2026年第一季度村务公开")

    screen.attach(nid)
    attach = _dialog(qtbot, shown, dialogs.AttachDialog)
    attach.run()
    assert "选择文件" in attach.field_errors["file"].text()  # nothing chosen yet: said, not sent
    attach.set_path(photo)
    assert attach.role_combo.currentData() == "board_photo"
    _finish(qtbot, attach)

    screen.feedback(nid)
    ask = _dialog(qtbot, shown, dialogs.FeedbackDialog)
    ask.asker_edit.setText("孙师傅")
    ask.question_edit.setPlainText("村道维修花了多少钱?")
    _finish(qtbot, ask)

    with village.read() as s:
        n = get_notice(s, nid)
    assert [(f.name, f.role) for f in n.files] == [("公开栏.png", "board_photo")]
    assert [(f.asker, f.question, f.answer) for f in n.feedback] == [("孙师傅", "村道维修花了多少钱?", "")]
    details = screen.notices.details
    qtbot.waitUntil(lambda: details.notice is not None and details.notice.id == nid and bool(details.notice.files),
                    timeout=TASK_MS)
    assert "公开栏.png" in details.files_list.item(0).text()
    assert "尚未答复" in details.feedback_list.item(0).text()

    screen.answer(details.selected_feedback())
    reply = _dialog(qtbot, shown, dialogs.AnswerDialog)
    reply.answer_edit.setPlainText("共支出 12,360 元。")
    _finish(qtbot, reply)
    with village.read() as s:
        assert get_notice(s, nid).feedback[0].answer == "共支出 12,360 元。"

    before = len(shown.dialogs)
    screen.feedback_pdf(nid)  # 打印意见和答复…: the list opens in the print preview, landscape A4
    qtbot.waitUntil(lambda: len(shown.dialogs) > before, timeout=TASK_MS)
    listing = shown.dialogs[-1]
    qtbot.addWidget(listing)
    assert listing.printout.landscape and listing.printout.paper == "a4"
    target = tmp_path / "意见.pdf"
    monkeypatch.setattr(listing, "choose_file", lambda _suggested: target)
    with qtbot.waitSignal(listing.saved, timeout=TASK_MS):
        listing.save_pdf()
    assert shown.opened[-1] == target
    text = "".join(p.extract_text() for p in PdfReader(shown.opened[-1]).pages)
    assert "孙师傅" in text and "12,360" in text


def test_deleting_a_draft_asks_first_and_no_keeps_it(qtbot, village, shown):
    screen = _screen(qtbot, village)
    nid = _id(village, "村集体经济合作社年度分红方案")
    shown.answer = False
    assert screen.delete(nid) is None
    assert "删除后不能恢复" in shown.questions[-1]
    with village.read() as s:
        assert get_notice(s, nid).state == "draft"
    shown.answer = True
    assert screen.delete(nid) is not None
    # the list is read again after the delete: waiting for it does not race a task that finished at once
    qtbot.waitUntil(lambda: "村集体经济合作社年度分红方案" not in _titles(screen), timeout=TASK_MS)
    with village.read() as s:
        assert s.get(Notice, nid) is None
