"""会议记录: the calendar of meetings, the list, the minutes being kept, and 四议两公开.

Four tabs: 会议日历 (a month on the wall: each day's meetings, quorate or not), 会议列表
(every meeting, filtered and searched across the minutes), 会议记录 (the meeting open, in
its five steps) and 四议两公开 (the major matters, ui/meetings/matter_board.py). Above the
tabs, when the representatives' meeting is not composed as Art. 25 requires, a yellow box
says so in words. The minutes, the sign-in sheet and the tally sheet open in the one print preview
(ui/printing/preview.PrintoutDialog): the pages as they print, 打印… to the system's printers and
另存为PDF… where the clerk chooses (the folder last used for PDFs, else Documents).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QLabel, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.i18n import _
from app.storage import Store
from ui import filedialogs, widgets
from ui.attach_dialog import attachment_copy
from ui.errors import message_for, show_error
from ui.meetings import actions, common, dialogs
from ui.meetings.actions import MeetingState
from ui.meetings.calendar import CalendarPanel
from ui.meetings.editor import MeetingEditor
from ui.meetings.list_panel import ListPanel
from ui.operations import MATTERS, MEETINGS, NOTICES, RESIDENTS, VILLAGE, LatestReadOp, ReadOp, made_here
from ui.printing.preview import PrintoutDialog
from ui.style import message_label, show_message
from ui.tasks import Task

log = logging.getLogger(__name__)

CALENDAR, MEETINGS, EDITOR, MATTERS = range(4)


def build_matter_board(store: Store, actor: str, data_dir: Path) -> tuple[QWidget, bool]:
    """The 四议两公开 board, or a plain line saying it is not available (the widget, and whether it is the board)."""
    try:
        from ui.meetings.matter_board import MatterBoard
    except ImportError:
        log.info("the 四议两公开 board is not installed")
        return _unavailable(_("四议两公开的办理看板还没有安装。会议记录本身可以照常使用。")), False
    try:
        return MatterBoard(store, actor=actor, data_dir=data_dir), True
    except Exception as exc:  # noqa: BLE001 - a broken board must not take the minutes with it
        log.error("the 四议两公开 board could not be built", exc_info=exc)
        return _unavailable(_("四议两公开的办理看板打不开,详细信息已写入日志文件。会议记录本身可以照常使用。")), False


def _unavailable(text: str) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(24, 24, 24, 24)
    label = QLabel(text)
    label.setObjectName("lead")
    label.setWordWrap(True)
    layout.addWidget(label)
    layout.addStretch(1)
    return box


class WarningBox(QFrame):
    """Art. 25 composition warnings, in words on yellow; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("warnbox")
        self.title = QLabel(_("⚠ 注意:村民代表会议的组成不符合法律要求"))
        self.title.setObjectName("warnTitle")
        self.text_label = QLabel("")
        self.text_label.setWordWrap(True)
        self.hint = QLabel(_("请在“村民信息”里补选或登记村民代表(是否村民代表、性别);会议仍可照常记录。"))
        self.hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.text_label)
        layout.addWidget(self.hint)
        self.setVisible(False)

    def set_warnings(self, warnings: list[str]) -> None:
        self.text_label.setText("\n".join(warnings))
        self.setVisible(bool(warnings))

    def text(self) -> str:
        """What the box says ("" when there is nothing to warn about)."""
        return "\n".join((self.title.text(), self.text_label.text())) if self.text_label.text() else ""


class MeetingsScreen(widgets.FollowsTextSize, QWidget):
    """``MeetingsScreen(store, actor=..., data_dir=...)``; :meth:`refresh` reads everything again.

    ``changed`` after any meeting was written.
    """

    changed = Signal()
    context_loaded = Signal(object)

    def __init__(self, store: Store, *, actor: str = "系统", data_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.data_dir = data_dir if data_dir is not None else store.data_dir
        self.context: actions.Context | None = None
        self.last_printed: Path | None = None
        self._context_read = LatestReadOp(self, store, actions.load_context, self._show_context, self._failed)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        title = QLabel(_("会议记录"))
        title.setObjectName("title")
        self.status_label = message_label("hint")
        self.warnings = WarningBox()
        self.calendar = CalendarPanel(store)
        self.meetings = ListPanel(store)
        self.editor = MeetingEditor(store, actor=actor, data_dir=self.data_dir)
        self.board, self.has_board = build_matter_board(store, actor, self.data_dir)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.calendar, _("会议日历"))
        self.tabs.addTab(self.meetings, _("会议列表"))
        self.tabs.addTab(self.editor, _("会议记录"))
        self.tabs.addTab(self.board, _("四议两公开"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.warnings)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

        self.calendar.open_requested.connect(self.open_meeting)
        self.calendar.new_requested.connect(self.new_meeting)
        self.meetings.open_requested.connect(self.open_meeting)
        self.meetings.new_requested.connect(self.new_meeting)
        self.editor.new_requested.connect(self.new_meeting)
        self.editor.saved.connect(self._saved)
        self.editor.deleted.connect(self._deleted)
        self.editor.print_requested.connect(self.print_document)
        self.editor.file_requested.connect(self.open_file)
        if self.has_board:
            self.board.open_meeting.connect(self.open_meeting)  # type: ignore[attr-defined]
            self.board.changed.connect(self._board_changed)  # type: ignore[attr-defined]
        QShortcut(QKeySequence.StandardKey.New, self, activated=self.new_meeting)  # type: ignore[call-arg]
        QShortcut(QKeySequence.StandardKey.Find, self, activated=self.focus_search)  # type: ignore[call-arg]
        self.restyle()
        self.refresh()

    # ------------------------------------------------------------ reading

    def on_store_changed(self, kinds: frozenset[str], initiator: object = None) -> None:
        """Meetings, matters, the notices they draft or the register changed elsewhere: read the lists again
        if shown (this screen's editor and board show their own changes)."""
        if kinds & {MEETINGS, MATTERS, NOTICES, RESIDENTS, VILLAGE} and not self.isHidden() \
                and not made_here(self, initiator):
            self.refresh()

    def refresh(self) -> None:
        self._context_read.request()
        if self.context is not None:
            self.meetings.refresh()
            self.calendar.refresh()
        refresh_board = getattr(self.board, "refresh", None)
        if self.has_board and callable(refresh_board):
            refresh_board()

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            show_message(self.status_label, _("读取会议记录时出错:{reason}").format(reason=message_for(exc)), "error")

    def _show_context(self, context: actions.Context) -> None:
        if not isValid(self):
            return
        self.context = context
        show_message(self.status_label, "")
        self.warnings.set_warnings(context.warnings)
        self.meetings.set_context(context)
        self.calendar.set_context(context)
        self.editor.set_context(context)
        self.context_loaded.emit(context)

    def show_tab(self, index: int) -> QWidget:
        self.tabs.setCurrentIndex(index)
        return self.tabs.widget(index)

    def focus_search(self) -> None:
        self.tabs.setCurrentIndex(MEETINGS)
        self.meetings.focus_search()

    # ------------------------------------------------------------ opening a meeting

    def new_meeting(self) -> MeetingEditor:
        if self.editor.state is not None or self.editor.dirty:
            if not self.editor.close_editor():
                self.tabs.setCurrentIndex(EDITOR)
                return self.editor
        self.editor.open_new()
        self.tabs.setCurrentIndex(EDITOR)
        return self.editor

    def open_meeting(self, meeting_id: int, step: int | None = None) -> Task | None:
        """Open a meeting in the 会议记录 tab (from the calendar, the list or the 四议两公开 board)."""
        same = self.editor.meeting_id == meeting_id
        if not same and not self.editor.close_editor():
            self.tabs.setCurrentIndex(EDITOR)
            return None
        store, data_dir = self.store, self.data_dir

        def show(state: MeetingState) -> None:
            if isValid(self):
                self.editor.open_state(state, step)
                self.tabs.setCurrentIndex(EDITOR)

        return ReadOp(store, lambda s, _ctx: actions.read_meeting(s, meeting_id, data_dir)).success(show) \
            .failure(lambda exc: show_error(self, exc) if isValid(self) else None).run()

    # ------------------------------------------------------------ after a change

    def _saved(self, state: MeetingState) -> None:
        if not isValid(self):
            return
        self.meetings.refresh(select=state.info.id)
        self.calendar.refresh()
        self._context_read.request()  # a first meeting of a new year adds the year to the filter
        self.changed.emit()

    def _deleted(self, _meeting_id: int) -> None:
        if not isValid(self):
            return
        self.meetings.refresh()
        self.calendar.refresh()
        self.tabs.setCurrentIndex(MEETINGS)
        self.changed.emit()

    def _board_changed(self) -> None:
        if isValid(self):
            self.meetings.refresh()
            self.changed.emit()

    # ------------------------------------------------------------ printing and files

    def print_document(self, what: str) -> Task | None:
        """The minutes, the sign-in sheet or the tally sheet in the one print preview: laid out on a worker, then
        shown as it prints, with 打印… (the system's print dialog, A4 portrait preset) and 另存为PDF… (starting
        in the folder last used for PDFs, else Documents)."""
        state = self.editor.state
        if state is None:
            return None
        m = state.info
        store, data_dir, mid = self.store, self.data_dir, m.id
        suggested = actions.pdf_name(what, m.date, m.kind)
        draft = what == actions.MINUTES and not m.closed

        def show(printout: Any) -> None:
            if not isValid(self):
                return
            dialog = PrintoutDialog(printout, parent=self, purpose=filedialogs.PDF, suggested_name=suggested,
                                    default_folder=filedialogs.documents_folder())
            if draft:
                dialog.set_note(_("这次会议的记录还没有定稿,打印出来每页都带有“未定稿”字样。"), "hint")
            dialog.saved.connect(self._pdf_saved)
            dialogs.show_dialog(dialog)

        def failed(exc: BaseException) -> None:
            if isValid(self):
                self.editor.say(message_for(exc), "error")
                show_error(self, exc)

        return ReadOp(store, lambda s, _ctx: actions.printout(s, what, mid, data_dir)).success(show) \
            .failure(failed).with_progress(self, _("正在排版……")).run()

    def preview_signin(self) -> Task | None:
        """The sign-in sheet in the print preview."""
        return self.print_document(actions.SIGNIN)

    def _pdf_saved(self, path: Path) -> None:
        if isValid(self):
            self.last_printed = path
            self.editor.say(_("已保存为 PDF:{path}").format(path=path))

    def open_file(self, file: Any) -> Task | None:
        if file is None:
            return None
        data_dir = self.store.data_dir
        return Task(lambda _ctx: attachment_copy(data_dir, file.sha256, file.name), write=False) \
            .success(lambda path: widgets.open_path(path)).failure(lambda exc: show_error(self, exc)).run()

    # ------------------------------------------------------------ look

    def apply_text_size(self, base: int) -> None:
        self.setStyleSheet(common.style_sheet(base))
        self.meetings.restyle()
        self.editor.restyle()
        restyle_board = getattr(self.board, "restyle", None)
        if self.has_board and callable(restyle_board):
            restyle_board()
