"""Post first, then print: the one order the 村务公开 screen, its print preview, the printed page and the user
guide all give.

The program gives a notice its 公开编号, its QR code and its posting period when 张贴… is confirmed, and
until then prints it with a 草稿 banner. So the approved list says 张贴… then 打印预览…; the preview of a
notice not yet posted says its print carries 草稿 and must not go up, and the PDF indeed carries it; after
posting the preview says the print may go up and the PDF has the number and no 草稿. The committee answers
for what is on the board (村民委员会组织法 第三十条: 村民委员会应当保证所公布事项的真实性,并接受村民的查询),
so a board must never get a page the supervision committee's posting did not number."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.disclosure.service import (NoticeDraft, approve, create_notice, get_notice, record_review,  # noqa: E402
                                    submit_for_review)
from app.people.models import Resident  # noqa: E402
from app.people.service import assign_role  # noqa: E402
from app.storage import Store  # noqa: E402
from conftest import Shown  # noqa: E402
from ui.disclosure import dialogs  # noqa: E402
from ui.disclosure.preview import PrintPreviewDialog  # noqa: E402
from ui.disclosure.screen import NOTICES, DisclosureScreen  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown

TASK_MS = 15_000
TITLE = "关于村道维修工程决算的公示"
GUIDE = Path(__file__).resolve().parents[2] / "docs" / "user-guide.md"


@pytest.fixture
def approved(store: Store) -> int:
    """A notice reviewed by the supervision committee and approved: the next thing is to post it."""
    with store.begin("王文书") as s:
        ids = dict(s.execute(select(Resident.name, Resident.id)).all())
        assign_role(s, resident_id=ids["张三"], body="村民委员会", title="主任", term_start=dt.date(2021, 5, 1))
        assign_role(s, resident_id=ids["李四"], body="村务监督委员会", title="主任", term_start=dt.date(2021, 5, 1))
        n = create_notice(s, NoticeDraft(title=TITLE, category="村务", body="村道维修工程已完工,决算如下。"))
        submit_for_review(s, n.id)
        day = dt.date.today() - dt.timedelta(days=1)
        record_review(s, n.id, reviewers=["李四"], date=day, opinion="同意公开。")
        approve(s, n.id, approver="张三", date=day)
        return n.id


def _screen(qtbot, store: Store) -> DisclosureScreen:  # type: ignore[no-untyped-def]
    screen = DisclosureScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1366, 728)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.notices.model.loading, timeout=TASK_MS)
    screen.show_tab(NOTICES)
    return screen


def _details(qtbot, screen: DisclosureScreen, store: Store, nid: int, state: str):  # type: ignore[no-untyped-def]
    with store.read() as s:
        info = get_notice(s, nid)
    assert info.state == state
    screen.notices.reveal(info)
    qtbot.waitUntil(lambda: screen.notices.details.notice is not None
                    and screen.notices.details.notice.state == state, timeout=TASK_MS)
    return screen.notices.details


def _preview(qtbot, screen: DisclosureScreen, shown: Shown, nid: int) -> PrintPreviewDialog:  # type: ignore[no-untyped-def]
    before = len(shown.dialogs)
    screen.preview(nid)
    qtbot.waitUntil(lambda: len(shown.dialogs) > before and isinstance(shown.dialogs[-1], PrintPreviewDialog)
                    and bool(shown.dialogs[-1].pages), timeout=TASK_MS)
    dialog = shown.dialogs[-1]
    qtbot.addWidget(dialog)
    return dialog


def _printed(qtbot, dialog: PrintPreviewDialog, target: Path, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(dialog, "choose_file", lambda _suggested: target)
    with qtbot.waitSignal(dialog.saved, timeout=TASK_MS):
        dialog.save_pdf()
    return "".join(p.extract_text() for p in PdfReader(str(target)).pages)


def _before(text: str, first: str, then: str) -> bool:
    return first in text and then in text and text.index(first) < text.index(then)


def test_the_list_the_preview_and_the_print_all_say_post_first_then_print(qtbot, store, approved, shown,
                                                                          monkeypatch, tmp_path):
    screen = _screen(qtbot, store)

    # approved: the list says 张贴… first, then 打印预览…, and why
    details = _details(qtbot, screen, store, approved, "approved")
    hint = details.next_label.text()
    assert _before(hint, "“张贴…”", "“打印预览…”"), hint
    assert "草稿" in hint
    assert details.post_button.isVisible() and "张贴后再打印" in details.post_button.toolTip()
    assert "“张贴…”以后打印的才能贴到公开栏" in details.preview_button.toolTip()

    # a print made now: the preview warns, and the page indeed says 草稿 and has no number
    early = _preview(qtbot, screen, shown, approved)
    warning = early.draft_label.text()
    assert "草稿" in warning and "不能贴到公开栏" in warning and "先点“张贴…”" in warning
    text = _printed(qtbot, early, tmp_path / "张贴前.pdf", monkeypatch)
    assert "草稿" in text and not re.search(r"\d{4}-\d{3}", text)
    early.reject()

    # 张贴…: the dialog says what to do next
    screen.post(approved)
    qtbot.waitUntil(lambda: isinstance(shown.dialogs[-1], dialogs.PostDialog), timeout=TASK_MS)
    post = shown.dialogs[-1]
    assert "确认张贴后,点“打印预览…”打印" in " ".join(label.text() for label in post.findChildren(type(details.next_label)))
    with qtbot.waitSignal(post.completed, timeout=TASK_MS):
        post.run()
    with store.read() as s:
        number = get_notice(s, approved).number
    assert number

    # posted: the list says print now; the preview says this print may go up; the page has the number, no 草稿
    details = _details(qtbot, screen, store, approved, "posted")
    hint = details.next_label.text()
    assert "“打印预览…”" in hint and "没有“草稿”字样" in hint and "拍一张照片" in hint
    late = _preview(qtbot, screen, shown, approved)
    said = late.draft_label.text()
    assert number in said and "可以贴到公开栏" in said and "不能" not in said
    text = _printed(qtbot, late, tmp_path / "张贴后.pdf", monkeypatch)
    assert number in text and "草稿" not in text
    late.reject()


def test_the_user_guide_gives_the_same_order():
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("### 审核、批准、张贴", 1)[1].split("\n### ", 1)[0]
    steps = [line for line in section.splitlines() if re.match(r"\d+\. ", line)]
    post = next(i for i, line in enumerate(steps) if "**张贴…**" in line)
    printing = next(i for i, line in enumerate(steps) if "**打印预览…**" in line)
    assert post < printing
    assert "张贴以前打印出来的带有“草稿”字样,不能贴出去" in steps[printing]
    assert "没有“草稿”字样" in steps[printing]
