"""会议记录: the tab the screen opens on offers 新建会议; the sign-in sheet opens in a print preview (the pages the
printer and the PDF get), and the minutes and the tally sheet are saved where the clerk chooses, the file
dialog starting in a folder of theirs, then the program offers to open the file.

The minutes and the signed sign-in sheet are the village's archive (村民委员会组织法 第三十四条: 村务档案包括
……会议记录……), so the clerk has to know where the file went and be able to print it from there."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QPushButton  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.meetings.models import PRESENT  # noqa: E402
from app.printing.ops import Text  # noqa: E402
from app.meetings.service import MeetingInput, create_meeting, set_attendance  # noqa: E402
from app.people.models import Resident  # noqa: E402
from app.people.service import assign_role  # noqa: E402
from app.storage import Store  # noqa: E402
from conftest import Shown  # noqa: E402
from ui import filedialogs  # noqa: E402
from ui.meetings import dialogs  # noqa: E402
from ui.meetings.dialogs import choose_pdf as real_choose_pdf  # noqa: E402 - before the shown fixture replaces it
from ui.meetings.screen import CALENDAR, EDITOR, MeetingsScreen  # noqa: E402
from ui.meetings.signin_preview import SigninPreviewDialog  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown

TASK_MS = 15_000
DAY = dt.date(2026, 10, 12)


def _meeting(store: Store) -> int:
    with store.begin("王文书") as s:
        names = dict(s.execute(select(Resident.name, Resident.id)).all())
        for name, title in (("张三", "主任"), ("李四", "委员")):
            assign_role(s, resident_id=names[name], body="村民委员会", title=title, term_start=dt.date(2021, 5, 1))
        m = create_meeting(s, MeetingInput(kind="两委联席会议", title="讨论村道维修", date=DAY, chair="张三",
                                           recorder="王文书", agenda_text="村道维修方案"))
        set_attendance(s, m.id, {a.id: PRESENT for a in m.attendees})
        return m.id


def _screen(qtbot, store: Store) -> MeetingsScreen:  # type: ignore[no-untyped-def]
    screen = MeetingsScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1366, 728)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.meetings.model.loading
                    and not screen.calendar.loading, timeout=TASK_MS)
    return screen


def test_the_tab_the_screen_opens_on_offers_新建会议_and_it_starts_a_new_meeting(qtbot, store):
    screen = _screen(qtbot, store)
    assert screen.tabs.currentIndex() == CALENDAR  # the tab a clerk sees first
    first = screen.tabs.currentWidget()
    offered = [b for b in first.findChildren(QPushButton) if b.text() == "新建会议" and b.isVisible() and b.isEnabled()]
    assert len(offered) == 1
    button = offered[0]
    corner = button.mapTo(screen, button.rect().bottomRight())
    assert screen.rect().contains(corner)  # on the screen, not pushed out at 1366x728
    button.click()
    assert screen.tabs.currentIndex() == EDITOR
    assert screen.editor.title_label.text() == "新建会议" and screen.editor.state is None


def _print(qtbot, store: Store, monkeypatch, tmp_path: Path, what: str):  # type: ignore[no-untyped-def]
    """The clerk prints ``what`` through the real file dialog seam: the dialog is asked where it starts and
    answers with a folder of the test's."""
    monkeypatch.setattr(dialogs, "choose_pdf", real_choose_pdf)
    monkeypatch.setattr(filedialogs, "_memory", {})  # as the main window starts: this village's folders only
    monkeypatch.setattr(filedialogs, "_data_dir", store.data_dir)
    documents = tmp_path / "我的文档"
    documents.mkdir()
    monkeypatch.setattr(filedialogs, "documents_folder", lambda: documents)
    asked: list[str] = []
    chosen = tmp_path / "村委会" / "十月" / "会议材料"
    chosen.mkdir(parents=True)

    def save_dialog(_parent, title, start, _filter, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(start)
        return str(chosen / Path(start).name), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    mid = _meeting(store)
    screen = _screen(qtbot, store)
    screen.open_meeting(mid)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == mid, timeout=TASK_MS)
    assert screen.print_document(what) is not None
    return screen, asked, chosen, documents


@pytest.mark.parametrize(("what", "name", "words"), [
    ("minutes", "会议记录-2026-10-12-两委联席会议.pdf", "讨论村道维修"),
    ("tally", "计票单-2026-10-12-两委联席会议.pdf", "讨论村道维修"),
])
def test_a_printout_is_saved_where_the_clerk_chose_and_opening_it_is_offered(qtbot, store, shown: Shown, monkeypatch,
                                                                             tmp_path, what, name, words):
    screen, asked, chosen, documents = _print(qtbot, store, monkeypatch, tmp_path, what)
    qtbot.waitUntil(lambda: bool(shown.questions), timeout=TASK_MS)
    assert asked == [str(documents / name)]  # the dialog starts in the Documents folder with a name that says what
    saved = chosen / name
    assert saved.is_file() and words in "".join(p.extract_text() for p in PdfReader(str(saved)).pages)
    assert str(saved) in shown.questions[-1] and "打开" in shown.questions[-1]
    assert shown.opened == [saved]  # 打开: the system's viewer gets the file
    assert str(saved) in screen.editor.message.text()


def test_declining_the_offer_keeps_the_file_and_opens_nothing(qtbot, store, shown: Shown, monkeypatch, tmp_path):
    shown.answer = False
    screen, _asked, chosen, _documents = _print(qtbot, store, monkeypatch, tmp_path, "tally")
    qtbot.waitUntil(lambda: bool(shown.questions), timeout=TASK_MS)
    assert (chosen / "计票单-2026-10-12-两委联席会议.pdf").is_file()
    assert shown.opened == []


def test_the_next_printout_starts_in_the_folder_chosen_last_time(qtbot, store, shown: Shown, monkeypatch, tmp_path):
    screen, asked, chosen, _documents = _print(qtbot, store, monkeypatch, tmp_path, "tally")
    qtbot.waitUntil(lambda: bool(shown.questions), timeout=TASK_MS)
    screen.print_document("minutes")
    qtbot.waitUntil(lambda: len(shown.questions) == 2, timeout=TASK_MS)
    assert asked[1] == str(chosen / "会议记录-2026-10-12-两委联席会议.pdf")


def _texts(pages) -> str:  # type: ignore[no-untyped-def]
    return "".join(op.text for page in pages for op in page.ops if isinstance(op, Text))


def test_the_sign_in_sheet_opens_in_a_preview_that_prints_and_saves_the_pages_shown(qtbot, store, shown: Shown,
                                                                                    monkeypatch, tmp_path):
    screen, asked, chosen, documents = _print(qtbot, store, monkeypatch, tmp_path, "signin")
    qtbot.waitUntil(lambda: bool(shown.dialogs) and isinstance(shown.dialogs[-1], SigninPreviewDialog),
                    timeout=TASK_MS)
    preview = shown.dialogs[-1]
    qtbot.addWidget(preview)
    assert asked == [] and shown.opened == []  # nothing saved or opened before the clerk says so
    shown_text = _texts(preview.pane.pages)
    assert "张三" in shown_text and "李四" in shown_text and "签名" in shown_text
    assert preview.sizeHint().height() <= 728 and preview.height() <= 728

    # 打印…: the office printer gets the pages on screen
    from PySide6.QtPrintSupport import QPrinter

    printed = tmp_path / "打印机.pdf"

    def printer() -> QPrinter:
        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(printed))
        return p

    monkeypatch.setattr(preview, "choose_printer", printer)
    assert preview.print_now()
    assert len(PdfReader(str(printed)).pages) == len(preview.pane.pages)
    assert "已送到打印机" in preview.status.text()

    # 保存为 PDF…: asked where (the Documents folder first), written there, then offered to open
    with qtbot.waitSignal(preview.saved, timeout=TASK_MS):
        preview.save_pdf()
    name = "签到表-2026-10-12-两委联席会议.pdf"
    assert asked == [str(documents / name)]
    saved = chosen / name
    reader = PdfReader(str(saved))
    assert len(reader.pages) == len(preview.pane.pages)
    assert "张三" in "".join(p.extract_text() for p in reader.pages)
    qtbot.waitUntil(lambda: bool(shown.questions), timeout=TASK_MS)
    assert str(saved) in shown.questions[-1] and shown.opened == [saved]
    assert str(saved) in screen.editor.message.text()
