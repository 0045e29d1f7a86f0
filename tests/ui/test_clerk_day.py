"""A clerk's day on a 1366x768 office screen (1366x728 above the taskbar), in normal type and in 大字模式.

On the demo village, with the main window at 1366x728 and the program's own look, the five daily tasks are done
as a clerk does them: through the sidebar, the tabs and the buttons found by the words on them, typing into the
fields (Chinese arrives as an input method commits it), answering the program's dialogs:

1. post a notice: 新建公开事项 → fill → 保存草稿 → 保存并送监委会审核 → 记录审核… → 批准… → 张贴… → 打印预览… →
   另存为PDF…: the PDF has the notice's 公开编号 and no 草稿 (村民委员会组织法 第三十条: the committee answers for
   what is posted, so what goes on the board is the numbered, reviewed page);
2. record a 村民会议: 新建会议 → 按签到表填人数 (实到, 到会户数) → a motion and its votes → 结束并定稿…; the verdict
   shown is the one 第二十二条 gives for the numbers typed (more than half of the adults, or two thirds of the
   households; a decision by more than half of those present);
3. issue a 居住证明: kind, person, purpose and address → 开具并打印 → 样张 → 确认开具 → printed, the PDF kept;
4. export to a stick: 同步 → 选择其他文件夹… → 导出同步包: the bundle is on the stick and the screen says so;
5. find an old record: 低保 in the notices (finds the 最低生活保障 notices and says 同时查找了), 筹资筹劳 in the minutes,
   低保 in the certificate register.

Before each click the button must be shown, enabled and whole inside its window (not below the screen, not cut
by a scroll area); each screen and dialog on the way is checked with the screen-fit test's own checks
(tests/ui/test_fits_screen.py: nothing outside its window, no label or button showing less than its text); and
at the end what was saved is exactly what was typed (no silent change). A screenshot is kept at each task's end,
in a temporary folder (CUNWU_CLERK_SHOTS names another).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import json  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import QPoint, QRect, Qt  # noqa: E402
from PySide6.QtGui import QInputMethodEvent  # noqa: E402
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QApplication,  # noqa: E402
                               QCheckBox, QComboBox, QDialog, QFileDialog, QLabel, QRadioButton, QScrollArea, QTabWidget,
                               QWidget)
from sqlalchemy import select  # noqa: E402

from app.demo import create_demo  # noqa: E402
from app.schema import open_store  # noqa: E402
from app.sync import drives  # noqa: E402
from conftest import Shown  # noqa: E402
from test_fits_screen import HEIGHT, WIDTH, fit_problems, looks, settle  # noqa: E402,F401 - looks: a fixture
from ui.main_window import MainWindow  # noqa: E402
from ui.sync import sync_screen  # noqa: E402

pytestmark = [pytest.mark.usefixtures("shown"), pytest.mark.slow]

SHOTS = Path(os.environ.get("CUNWU_CLERK_SHOTS") or Path(tempfile.gettempdir()) / "cunwu-clerk-day").resolve()
MODES = [pytest.param(False, id="normal"), pytest.param(True, id="large")]

NOTICE_TITLE = "关于2026年冬季村道扫雪分工的公示"
NOTICE_BODY = "今冬降雪后,村道扫雪按村民小组分段负责。\n\n- 第一村民小组:村东主路\n- 第二村民小组:村西主路"
MEETING_TITLE = "2026年冬季村民会议"
MOTION = "同意按村民小组分段负责村道扫雪"
PURPOSE = "办理居住证"
ADDRESS = "第一村民小组12号"
SINCE = "2019年3月"


# ---------------------------------------------------------------- the village and the window


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("clerk-day") / "data"
    store = open_store(data)
    create_demo(store, size="small")
    store.close()
    return data


@pytest.fixture
def linked_demo(demo_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the demo village whose township key is installed (the one-time exchange done, as in
    tests/ui/test_sync_screen.py); the test machine's own drives are kept out."""
    from app.hub.service import enroll, init_hub
    from app.keys import ensure_village_key, trust_township, write_identity_file, write_township_file
    from app.people.service import get_village

    data = tmp_path / "data"
    shutil.copytree(demo_template, data)
    (data / "window.ini").unlink(missing_ok=True)
    hub = init_hub(tmp_path / "township", "石桥镇")
    write_township_file(hub.secrets.public, tmp_path / "township.json")
    ensure_village_key(data)
    store = open_store(data)
    with store.read() as s:
        village = get_village(s)
    store.close()
    assert village is not None
    write_identity_file(data, tmp_path / "id.json", code=village.code, name=village.name, township="石桥镇")
    enroll(hub, tmp_path / "id.json")
    trust_township(data, tmp_path / "township.json")
    hub.close()
    monkeypatch.setattr(drives, "list_removable", lambda **_kw: [])
    monkeypatch.setattr(sync_screen, "_last_folder", None)
    yield data


class Clerk:
    """The clerk's hands and eyes: clicks only what is shown whole, types as a keyboard does, and keeps what
    the screen-fit checks found on the way (``found``: place → problems)."""

    def __init__(self, qtbot: Any, app: QApplication, window: MainWindow, shown: Shown, mode: str) -> None:
        self.qtbot, self.app, self.window, self.shown, self.mode = qtbot, app, window, shown, mode
        self.found: dict[str, list[str]] = {}
        SHOTS.mkdir(parents=True, exist_ok=True)

    # ---------------------------------------------------------- looking

    def wait(self, until: Callable[[], bool] = lambda: True) -> None:
        settle(self.app, until)

    def look(self, place: str, top: QWidget | None = None) -> None:
        """The screen-fit checks on ``top`` (the main window unless a dialog is named), kept in ``found``."""
        self.wait()
        problems = fit_problems(top or self.window)
        if problems:
            self.found["{p} ({m})".format(p=place, m=self.mode)] = problems

    def shot(self, name: str, top: QWidget | None = None) -> Path:
        path = SHOTS / "{name}-{mode}.png".format(name=name, mode=self.mode)
        self.wait()
        assert (top or self.window).grab().save(str(path))
        return path

    # ---------------------------------------------------------- hands

    def button(self, text: str, within: QWidget | None = None) -> QAbstractButton:
        """The one button showing ``text`` in ``within`` (the main window by default)."""
        top = within or self.window
        found = [b for b in top.findChildren(QAbstractButton)
                 if b.text().replace("&", "") == text and b.isVisibleTo(top) and not b.isWindow()]
        assert len(found) == 1, "{n} buttons say {t!r} on {w}".format(n=len(found), t=text, w=type(top).__name__)
        return found[0]

    def whole_in_window(self, widget: QWidget, rect: QRect | None = None, *, whole: bool = True) -> None:
        """``widget`` (or ``rect`` of it) is shown, inside its window and not cut by what holds it. A field
        taller than its scrolled area (``whole=False``) needs its full width and three lines of it shown."""
        top = widget.window()
        for _ in range(2):  # content that cannot fit scrolls: the clerk scrolls to it (again, once laid out)
            for area in _scroll_areas(widget):
                area.ensureWidgetVisible(widget, 0, 8)
            self.wait()
        rect = rect or widget.rect()
        assert widget.isVisible(), "{w!r} is hidden".format(w=_words(widget))
        seen = widget.visibleRegion().boundingRect().intersected(rect)
        if not whole and seen.width() == rect.width() and seen.top() == rect.top() \
                and seen.height() >= min(rect.height(), 3 * widget.fontMetrics().height()):
            rect = seen
        placed = QRect(widget.mapTo(top, QPoint(0, 0)) + rect.topLeft(), rect.size())
        if not (top.rect().contains(placed) and seen == rect):
            self.shot("cut", top)  # what the clerk saw
        assert top.rect().contains(placed), "{w!r} at {r} lies outside its {W}x{H} window".format(
            w=_words(widget), r=placed.getRect(), W=top.width(), H=top.height())
        assert seen == rect, "{w!r} shows {s} of {r}: cut by what holds it".format(
            w=_words(widget), s=seen.getRect(), r=rect.getRect())

    def click(self, button: QAbstractButton | str, within: QWidget | None = None) -> None:
        if isinstance(button, str):
            button = self.button(button, within)
        self.whole_in_window(button)
        assert button.isEnabled(), "{t!r} is greyed out".format(t=button.text())
        # a tick box or a round button is clicked on its box and words, not on the empty room a layout gave it
        at = QPoint(min(button.width(), button.sizeHint().width()) // 2, button.height() // 2) \
            if isinstance(button, (QCheckBox, QRadioButton)) else button.rect().center()
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton, pos=at)
        self.wait()

    def type(self, field: QWidget, text: str) -> None:
        """Clear ``field`` and type ``text``: digits and Latin letters key by key, Chinese as an input method
        commits it (a word at a time)."""
        self.whole_in_window(field, whole=False)
        field.setFocus()
        target = field.lineEdit() if isinstance(field, QAbstractSpinBox) and hasattr(field, "lineEdit") else field
        if hasattr(field, "selectAll"):
            field.selectAll()
            self.qtbot.keyClick(field, Qt.Key.Key_Delete)
        for run in re.findall(r"[\x20-\x7e]+|[^\x20-\x7e]+", text):
            if run.isascii() and "\n" not in run:
                self.qtbot.keyClicks(field, run)
            else:
                event = QInputMethodEvent()
                event.setCommitString(run)
                QApplication.sendEvent(target, event)
        self.wait()

    def choose(self, combo: QComboBox, text: str) -> None:
        self.whole_in_window(combo)
        index = combo.findText(text)
        assert index >= 0, "{t!r} is not offered".format(t=text)
        combo.setCurrentIndex(index)  # what picking it from the open list does
        self.wait()

    def section(self, title: str) -> QWidget:
        """Click ``title`` in the sidebar; the screen shown."""
        bar = self.window.sidebar
        item = next(bar.item(i) for i in range(bar.count()) if bar.item(i).text() == title)
        rect = bar.visualItemRect(item)
        self.whole_in_window(bar.viewport(), rect)
        self.qtbot.mouseClick(bar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.wait()
        return self.window.stack.currentWidget()

    def tab(self, tabs: QTabWidget, text: str) -> QWidget:
        bar = tabs.tabBar()
        index = next(i for i in range(tabs.count()) if tabs.tabText(i) == text)
        rect = bar.tabRect(index)
        self.whole_in_window(bar, rect)
        self.qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=rect.center())
        self.wait()
        assert tabs.currentIndex() == index
        return tabs.currentWidget()

    def pick_row(self, view: QAbstractItemView, row: int, column: int = 0) -> None:
        index = view.model().index(row, column)
        view.scrollTo(index)
        self.wait()
        rect = view.visualRect(index)
        self.whole_in_window(view.viewport(), rect.intersected(view.viewport().rect()))
        self.qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        self.wait()

    def dialog(self, kind: type) -> QDialog:
        """The dialog the program opened (the ``shown`` fixture keeps it instead of showing it), shown now."""
        self.wait(lambda: bool(self.shown.dialogs) and isinstance(self.shown.dialogs[-1], kind))
        dialog = self.shown.dialogs[-1]
        self.qtbot.addWidget(dialog)
        dialog.show()
        self.wait()
        return dialog


def _scroll_areas(widget: QWidget) -> list[QScrollArea]:
    areas, w = [], widget.parentWidget()
    while w is not None and not w.isWindow():
        if isinstance(w, QScrollArea):
            areas.append(w)
        w = w.parentWidget()
    return areas


def _words(widget: QWidget) -> str:
    text = getattr(widget, "text", None)
    return text() if callable(text) else type(widget).__name__


def said(clerk: Clerk, step: QWidget, words: str) -> None:
    """A meeting step answered: its status line says ``words`` (a refusal shown instead fails, with its text)."""
    lines = [step.status, step.message, *step.field_labels.values()]
    clerk.wait(lambda: not step.editor.busy and any(label.text() for label in lines))
    assert words in step.status.text(), [label.text() for label in lines if label.text()]


def _pdf_text(path: Path) -> str:
    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.fixture
def clerk(qtbot, qapp, looks, linked_demo: Path, shown: Shown, request) -> Iterator[Clerk]:  # type: ignore[no-untyped-def]
    large = request.node.callspec.params["large"]
    looks(large)
    store = open_store(linked_demo)
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)  # the office screen's room above the taskbar
    window.show()
    home = window.screen("home")
    settle(qapp, lambda: bool(home.due_buttons) and home.stats is not None)
    yield Clerk(qtbot, qapp, window, shown, "large" if large else "normal")
    window.close()
    settle(qapp)
    store.close()


# ---------------------------------------------------------------- the day


@pytest.mark.parametrize("large", MODES)
def test_a_clerks_day_fits_the_office_screen_and_keeps_what_was_typed(clerk: Clerk, tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       large: bool) -> None:
    notice = _post_a_notice(clerk, tmp_path, monkeypatch)
    meeting = _record_a_meeting(clerk)
    serial, applicant = _issue_a_certificate(clerk)
    _export_to_a_stick(clerk, tmp_path, monkeypatch)
    _find_old_records(clerk)
    assert clerk.window.width() <= WIDTH and clerk.window.height() <= HEIGHT

    # no silent change: what was saved is what was typed
    from app.certificates.models import Certificate
    from app.disclosure.service import get_notice
    from app.meetings.service import get_meeting

    store = clerk.window.store
    with store.read() as s:
        n = get_notice(s, notice["id"])
        m = get_meeting(s, meeting["id"])
        c = s.scalar(select(Certificate).where(Certificate.serial == serial))
        assert (n.title, n.category, n.body) == (NOTICE_TITLE, "村务", NOTICE_BODY)
        assert n.state == "posted" and n.reviewers == notice["reviewer"] and n.number == notice["number"]
        assert (m.title, m.kind, m.present, m.households_present) == (
            MEETING_TITLE, "村民会议", meeting["present"], meeting["households"])
        (x,) = m.motion_list
        assert (x.text, x.votes_for, x.votes_against, x.abstentions, x.passed) == (
            MOTION, *meeting["votes"], meeting["passed"])
        assert m.state == "closed"
        assert c is not None and c.purpose == PURPOSE and c.applicant_name == applicant
        assert json.loads(c.fields)["address"] == ADDRESS and json.loads(c.fields)["since"] == SINCE
    assert clerk.found == {}, "\n".join("{k}:\n  {v}".format(k=k, v="\n  ".join(v)) for k, v in clerk.found.items())


def _post_a_notice(clerk: Clerk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    from app.disclosure.service import NoticeQuery, list_notices
    from ui.disclosure import dialogs
    from ui.disclosure.preview import PrintPreviewDialog
    from ui.disclosure.screen import DisclosureScreen

    screen = clerk.section("村务公开")
    assert isinstance(screen, DisclosureScreen)
    clerk.wait(lambda: screen.context is not None and not screen.notices.model.loading)
    clerk.tab(screen.tabs, "公开事项")
    clerk.look("村务公开 公开事项")
    clerk.click("新建公开事项")
    editor = screen.editor
    assert screen.tabs.currentWidget() is editor
    clerk.type(editor.title_edit, NOTICE_TITLE)
    clerk.choose(editor.category_combo, "村务")
    clerk.type(editor.body_edit, NOTICE_BODY)
    clerk.look("新建公开事项")
    clerk.click("保存草稿")
    clerk.wait(lambda: editor.notice is not None and "已保存" in editor.status.text())
    clerk.look("保存草稿以后")
    clerk.click("保存并送监委会审核")
    assert any(NOTICE_TITLE in q for q in clerk.shown.questions)  # the question names the notice
    clerk.wait(lambda: editor.notice is not None and editor.notice.state == "submitted")
    assert "已送监委会审核" in editor.status.text()
    clerk.look("送审以后")
    nid = editor.notice.id
    clerk.click("返回列表")

    panel = screen.notices
    clerk.wait(lambda: screen.tabs.currentWidget() is panel and not panel.model.loading)
    row = next(i for i, r in enumerate(panel.model.rows) if r.id == nid)
    details = panel.details

    def step(button: str, dialog_kind: type, ok: str, state: str, place: str,
             fill: Callable[[QDialog], None]) -> QDialog:
        clerk.pick_row(panel.table, row)
        clerk.wait(lambda: details.notice is not None and details.notice.id == nid)
        clerk.look("公开事项:{p}前".format(p=place))
        clerk.click(button)
        dialog = clerk.dialog(dialog_kind)
        fill(dialog)
        clerk.look(place, dialog)
        with clerk.qtbot.waitSignal(dialog.completed, timeout=15_000):
            clerk.click(ok, dialog)
        clerk.wait(lambda: details.notice is not None and details.notice.id == nid and details.notice.state == state)
        return dialog

    reviewer: list[str] = []

    def review(dialog: QDialog) -> None:
        first = dialog.member_checks[0]
        clerk.click(first)
        reviewer.append(first.text())
        clerk.type(dialog.opinion_edit, "内容真实完整,同意公开。")

    step("记录审核…", dialogs.ReviewDialog, "记录审核结果", "reviewed", "记录审核", review)
    step("批准…", dialogs.ApproveDialog, "批准", "approved", "批准", lambda _d: None)
    post = step("张贴…", dialogs.PostDialog, "确认张贴", "posted", "张贴", lambda _d: None)
    assert "打印预览" in " ".join(label.text() for label in post.findChildren(QLabel))
    number = details.notice.number
    assert number and details.notice.title == NOTICE_TITLE
    clerk.look("张贴以后")

    clerk.click("打印预览…")
    preview = clerk.dialog(PrintPreviewDialog)
    clerk.wait(lambda: bool(preview.pages))
    assert number in preview.draft_label.text()
    clerk.look("打印预览", preview)
    target = tmp_path / "公告.pdf"
    monkeypatch.setattr(preview, "choose_file", lambda _suggested: target)
    with clerk.qtbot.waitSignal(preview.saved, timeout=15_000):
        clerk.click("另存为PDF…", preview)
    text = _pdf_text(target)
    assert number in text and "草稿" not in text and "扫雪" in text
    clerk.shot("1-notice-preview", preview)
    clerk.click("关闭", preview)
    clerk.shot("1-notice")
    with clerk.window.store.read() as s:
        assert [n.id for n in list_notices(s, NoticeQuery(state="published")) if n.title == NOTICE_TITLE] == [nid]
    return {"id": nid, "number": number, "reviewer": reviewer[0]}


def _record_a_meeting(clerk: Clerk) -> dict[str, Any]:
    from app.meetings.service import get_meeting
    from ui.meetings.editor import ATTEND, CLOSE, VOTE
    from ui.meetings.screen import MeetingsScreen

    screen = clerk.section("会议记录")
    assert isinstance(screen, MeetingsScreen)
    clerk.wait(lambda: screen.context is not None and not screen.calendar.loading)
    clerk.tab(screen.tabs, "会议日历")
    clerk.look("会议日历")
    clerk.click("新建会议", screen.calendar)
    editor = screen.editor
    page = editor.prepare
    clerk.choose(page.kind_combo, "村民会议")
    clerk.type(page.title_edit, MEETING_TITLE)
    clerk.type(page.agenda_edit, "村道扫雪分工")
    clerk.look("新建会议")
    clerk.click("保存,生成参会名单")
    clerk.wait(lambda: not editor.busy and editor.meeting_id is not None)
    mid = editor.meeting_id
    with clerk.window.store.read() as s:
        m = get_meeting(s, mid)
    adults, households = m.members, m.households
    assert adults > 200 and households > 70  # more than the spin boxes once held

    # 按签到表填人数: not more than half of the adults, but two thirds of the households (第二十二条)
    present, came = adults // 2, -(-2 * households // 3)
    clerk.click(editor.step_buttons[ATTEND])
    attend = editor.attend
    clerk.type(attend.present_spin, str(present))
    clerk.type(attend.households_spin, str(came))
    clerk.look("签到:填人数")
    clerk.click("保存人数")
    said(clerk, attend, "已保存:实到 {n} 人".format(n=present))
    quorate = 2 * present > adults or 3 * came >= 2 * households
    assert quorate  # by the households
    assert attend.quorum_label.text() == "会议有效"
    assert "实到 {n} 人".format(n=present) in attend.counts_label.text()
    assert "到会 {h} 户".format(h=came) in attend.counts_label.text()
    clerk.look("签到:人数已保存")

    clerk.click(editor.step_buttons[VOTE])
    vote = editor.vote
    clerk.shot("2-meeting-vote-empty")
    clerk.type(vote.new_edit, MOTION)
    clerk.click("添加表决事项")
    clerk.wait(lambda: not editor.busy and vote.current is not None)
    votes = (present // 2 + 1, present // 4, present // 10)
    for spin, n in zip((vote.for_spin, vote.against_spin, vote.abstain_spin), votes):
        clerk.type(spin, str(n))
    passed = 2 * votes[0] > present  # more than half of those present (第二十二条)
    assert passed
    assert vote.verdict.quorum_label.text() == "会议有效"
    assert vote.verdict.result_label.text() == "通过"
    said_verdict = vote.verdict.text()  # the reason names the numbers it was judged on, as typed
    assert "实到 {n} 人".format(n=present) in said_verdict and "{h} 户".format(h=came) in said_verdict
    assert "赞成 {f} 票".format(f=votes[0]) in said_verdict and "第二十二条" in said_verdict
    clerk.look("表决:填票数")
    clerk.click("记录表决")
    said(clerk, vote, "已记录表决:通过")
    clerk.look("表决:已记录")
    clerk.shot("2-meeting-vote")

    clerk.click(editor.step_buttons[CLOSE])
    clerk.look("结束")
    clerk.click("结束并定稿…")
    clerk.wait(lambda: not editor.busy and editor.state is not None and editor.state.info.closed)
    assert any("定稿" in q for q in clerk.shown.questions)
    clerk.look("定稿以后")
    clerk.shot("2-meeting")
    return {"id": mid, "present": present, "households": came, "votes": votes, "passed": passed}


def _issue_a_certificate(clerk: Clerk) -> tuple[str, str]:
    from app.people.models import Resident
    from ui.certificates.screen import CertificatesScreen

    with clerk.window.store.read() as s:  # a resident living here, found by a name nobody else has
        rows = s.execute(select(Resident.name, Resident.status).where(Resident.group_id.is_not(None))
                         .order_by(Resident.id)).all()
    names = [r.name for r in rows]
    name = next(r.name for r in rows if r.status in (None, "在册") and names.count(r.name) == 1)
    screen = clerk.section("证明开具")
    assert isinstance(screen, CertificatesScreen)
    clerk.wait(lambda: screen.context is not None)
    panel = clerk.tab(screen.tabs, "开具证明")
    panel = screen.issue_panel
    clerk.type(panel.kind_search, "居住证明")
    clerk.qtbot.keyClick(panel.kind_search, Qt.Key.Key_Return)
    clerk.wait(lambda: panel.kind is not None)
    assert panel.kind.code == "SD-01"
    box = panel.applicant
    clerk.type(box.search_edit, name)
    clerk.wait(lambda: box.matches.count() > 0)
    clerk.pick_row(box.matches, 0)
    clerk.wait(lambda: box.resident is not None)
    chosen = box.resident.name
    clerk.type(panel.purpose.edit, PURPOSE)
    clerk.type(panel.field_rows["address"].edit, ADDRESS)
    clerk.type(panel.field_rows["since"].edit, SINCE)
    assert panel.check_form.verifier_edit.text() == "王文书"
    clerk.look("开具证明:填好")
    from ui.certificates import printing

    sent: list[object] = []
    to_printer = printing.to_printer
    printing.to_printer = lambda _parent, printout: sent.append(printout) or True  # the office printer
    try:
        clerk.click("开具并打印")
        clerk.wait(lambda: panel.specimen_dialog is not None)  # the 样张 first, nothing numbered yet
        specimen = panel.specimen_dialog
        clerk.look("开具证明:样张", specimen)
        clerk.click("确认开具", specimen)
        clerk.wait(lambda: panel.last_result is not None and sent != [])
    finally:
        printing.to_printer = to_printer
    pdf = panel.last_result.printed.path
    serial = panel.last_result.outcome.certificate.serial
    assert pdf.exists() and serial in pdf.name
    text = re.sub(r"\s+", "", _pdf_text(pdf))
    assert chosen in text and ADDRESS in text and PURPOSE in text
    assert serial in panel.issue_message.text()
    clerk.look("开具证明:已开具")
    clerk.shot("3-certificate")
    return serial, chosen


def _export_to_a_stick(clerk: Clerk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.sync.sync_screen import SyncScreen

    stick = tmp_path / "U盘"
    stick.mkdir()
    screen = clerk.section("同步")
    assert isinstance(screen, SyncScreen)
    clerk.wait(lambda: screen.status is not None)
    assert screen.status.township is not None
    clerk.look("同步")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    clerk.click("选择其他文件夹…")
    assert str(stick) in screen.drive_combo.currentText()
    before = len(clerk.shown.info)
    clerk.click("导出同步包")
    clerk.wait(lambda: len(clerk.shown.info) > before and screen.export_button.isEnabled())
    (bundle,) = stick.glob("*.cunwu-sync")
    assert str(bundle) in clerk.shown.info[-1]
    assert "已导出" in screen.export_message.text() and str(bundle) in screen.export_message.text()
    clerk.wait(lambda: screen.not_sent_label.text() == "还没发给乡镇的记录:0 条")
    clerk.look("同步:已导出")
    clerk.shot("4-sync")


def _find_old_records(clerk: Clerk) -> None:
    from app.disclosure.service import list_notices
    from ui.certificates.screen import CertificatesScreen
    from ui.disclosure.screen import DisclosureScreen
    from ui.meetings.screen import MeetingsScreen

    disclosure = clerk.section("村务公开")
    assert isinstance(disclosure, DisclosureScreen)
    panel = clerk.tab(disclosure.tabs, "公开事项")
    panel = disclosure.notices
    with clerk.window.store.read() as s:
        allowance = {n.title for n in list_notices(s) if "最低生活保障" in n.title}
    assert allowance
    clerk.type(panel.search_edit, "低保")
    clerk.qtbot.keyClick(panel.search_edit, Qt.Key.Key_Return)
    clerk.wait(lambda: not panel.model.loading and panel.model.query.text == "低保")
    assert {r.title for r in panel.model.rows} & allowance
    assert panel.also_label.text() == "同时查找了“最低生活保障”"
    clerk.look("查找公告:低保")
    clerk.shot("5-search-notices")

    meetings = clerk.section("会议记录")
    assert isinstance(meetings, MeetingsScreen)
    clerk.tab(meetings.tabs, "会议列表")
    minutes = meetings.meetings
    clerk.type(minutes.search_edit, "筹资筹劳")
    clerk.qtbot.keyClick(minutes.search_edit, Qt.Key.Key_Return)
    clerk.wait(lambda: not minutes.model.loading and minutes.model.query.text == "筹资筹劳")
    assert minutes.model.total > 0
    assert minutes.also_label.text() == "同时查找了“一事一议”"
    clerk.look("查找会议:筹资筹劳")
    clerk.type(minutes.search_edit, "扫雪")
    clerk.qtbot.keyClick(minutes.search_edit, Qt.Key.Key_Return)
    clerk.wait(lambda: not minutes.model.loading and minutes.model.query.text == "扫雪")
    assert minutes.titles() == [MEETING_TITLE]
    clerk.shot("5-search-minutes")

    certs = clerk.section("证明开具")
    assert isinstance(certs, CertificatesScreen)
    clerk.tab(certs.tabs, "台账")
    register = certs.register_panel
    clerk.wait(lambda: not register.model.loading)
    clerk.choose(register.year_combo, "全部年份")
    clerk.type(register.applicant_edit, "低保")
    clerk.qtbot.keyClick(register.applicant_edit, Qt.Key.Key_Return)
    clerk.wait(lambda: not register.model.loading and register.model.query.applicant == "低保")
    assert register.model.total > 0
    assert all("最低生活保障" in r.purpose or "低保" in r.purpose for r in register.model.rows)
    assert register.also_label.text() == "同时查找了“最低生活保障”"
    clerk.look("查找台账:低保")
    clerk.shot("5-search-register")
