"""会议记录: the tab the screen opens on offers 新建会议; the minutes, the sign-in sheet and the tally sheet open in the
one print preview (the pages the printer and the PDF get): 打印… sends exactly those pages to the printer, and
另存为PDF… saves them where the clerk chooses, the file dialog starting in a folder of theirs.

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
from ui.meetings.screen import CALENDAR, EDITOR, MeetingsScreen  # noqa: E402
from ui.printing.preview import PrintoutDialog  # noqa: E402

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


def _preview(qtbot, store: Store, shown: Shown, monkeypatch, tmp_path: Path, what: str, *, meeting=None):  # type: ignore[no-untyped-def]
    """The clerk asks for ``what`` on the meeting's screen; the file dialog, when asked, starts where the
    program says and answers with a folder of the test's. Answers (screen, preview, asked, chosen, documents)."""
    monkeypatch.setattr(filedialogs, "_memory", {})  # as the main window starts: this village's folders only
    monkeypatch.setattr(filedialogs, "_data_dir", store.data_dir)
    documents = tmp_path / "我的文档"
    documents.mkdir(exist_ok=True)
    monkeypatch.setattr(filedialogs, "documents_folder", lambda: documents)
    asked: list[str] = []
    chosen = tmp_path / "村委会" / "十月" / "会议材料"
    chosen.mkdir(parents=True, exist_ok=True)

    def save_dialog(_parent, title, start, _filter, *_a, **_k):  # type: ignore[no-untyped-def]
        asked.append(start)
        return str(chosen / Path(start).name), _filter

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    mid = (meeting or _meeting)(store)
    screen = _screen(qtbot, store)
    screen.open_meeting(mid)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == mid, timeout=TASK_MS)
    before = len(shown.dialogs)
    assert screen.print_document(what) is not None
    qtbot.waitUntil(lambda: len(shown.dialogs) > before, timeout=TASK_MS)
    preview = shown.dialogs[-1]
    qtbot.addWidget(preview)
    assert isinstance(preview, PrintoutDialog)
    return screen, preview, asked, chosen, documents


def _texts(pages) -> str:  # type: ignore[no-untyped-def]
    return "".join(op.text for page in pages for op in page.ops if isinstance(op, Text))


@pytest.mark.parametrize(("what", "name", "words"), [
    ("minutes", "会议记录-2026-10-12-两委联席会议.pdf", ["讨论村道维修", "会 议 记 录", "未定稿"]),
    ("signin", "签到表-2026-10-12-两委联席会议.pdf", ["张三", "李四", "签名"]),
    ("tally", "计票单-2026-10-12-两委联席会议.pdf", ["讨论村道维修", "计 票 单", "计票人"]),
])
def test_a_printout_opens_in_the_preview_and_is_saved_where_the_clerk_chose(qtbot, store, shown: Shown, monkeypatch,
                                                                            tmp_path, what, name, words):
    screen, preview, asked, chosen, documents = _preview(qtbot, store, shown, monkeypatch, tmp_path, what)
    assert asked == [] and shown.opened == []  # nothing saved or opened before the clerk says so
    on_screen = _texts(preview.pane.pages)
    assert all(word in on_screen for word in words)
    assert preview.printout.paper == "a4" and not preview.printout.landscape
    assert preview.sizeHint().height() <= 728 and preview.height() <= 728
    # 另存为PDF…: asked where (the Documents folder first, a name that says what), written there
    with qtbot.waitSignal(preview.saved, timeout=TASK_MS):
        preview.save_pdf()
    assert asked == [str(documents / name)]
    saved = chosen / name
    reader = PdfReader(str(saved))
    assert len(reader.pages) == len(preview.pane.pages)
    assert words[0] in "".join(p.extract_text() for p in reader.pages)
    assert str(saved) in screen.editor.message.text() and str(saved) in preview.status.text()


def test_draft_minutes_say_in_the_preview_that_they_print_as_未定稿(qtbot, store, shown: Shown, monkeypatch,
                                                                  tmp_path):
    _screen_, preview, _asked, _chosen, _documents = _preview(qtbot, store, shown, monkeypatch, tmp_path, "minutes")
    assert preview.note.isVisibleTo(preview) and "未定稿" in preview.note.text()
    signin = _preview(qtbot, store, shown, monkeypatch, tmp_path, "signin")[1]
    assert not signin.note.isVisibleTo(signin)


def test_the_next_printout_starts_in_the_folder_chosen_last_time(qtbot, store, shown: Shown, monkeypatch, tmp_path):
    screen, preview, asked, chosen, _documents = _preview(qtbot, store, shown, monkeypatch, tmp_path, "tally")
    with qtbot.waitSignal(preview.saved, timeout=TASK_MS):
        preview.save_pdf()
    screen.print_document("minutes")
    qtbot.waitUntil(lambda: len(shown.dialogs) == 2, timeout=TASK_MS)
    minutes = shown.dialogs[-1]
    qtbot.addWidget(minutes)
    with qtbot.waitSignal(minutes.saved, timeout=TASK_MS):
        minutes.save_pdf()
    assert asked[1] == str(chosen / "会议记录-2026-10-12-两委联席会议.pdf")


def test_打印_sends_the_pages_shown_to_the_printer(qtbot, store, shown: Shown, monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    _screen_, preview, asked, _chosen, _documents = _preview(qtbot, store, shown, monkeypatch, tmp_path, "signin")
    printed = tmp_path / "打印机.pdf"

    def printer() -> QPrinter:
        p = QPrinter(QPrinter.PrinterMode.HighResolution)
        p.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        p.setOutputFileName(str(printed))
        return p

    monkeypatch.setattr(preview, "choose_printer", printer)
    assert preview.print_now()
    reader = PdfReader(str(printed))
    assert len(reader.pages) == len(preview.pane.pages)
    assert "张三" in "".join(p.extract_text() for p in reader.pages)
    assert "已送到打印机" in preview.status.text()
    assert asked == [] and shown.opened == []


def test_a_name_no_font_has_stops_the_preview_and_names_the_character(qtbot, store, shown: Shown, monkeypatch,
                                                                      tmp_path):
    nowhere = "\U0010fffd"

    def meeting(store: Store) -> int:
        mid = _meeting(store)
        with store.begin("王文书") as s:
            from app.meetings.service import get_meeting, update_agenda_item

            item = get_meeting(s, mid).agenda[0]
            update_agenda_item(s, item.id, title=item.title, discussion="张三发言:" + nowhere)
        return mid

    monkeypatch.setattr(filedialogs, "documents_folder", lambda: tmp_path)
    mid = meeting(store)
    screen = _screen(qtbot, store)
    screen.open_meeting(mid)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == mid, timeout=TASK_MS)
    screen.print_document("minutes")
    qtbot.waitUntil(lambda: "U+10FFFD" in screen.editor.message.text(), timeout=TASK_MS)
    assert shown.dialogs == []  # no preview of a page that cannot print
