"""The minutes of one meeting, in the order of a real meeting: ① 准备 ② 签到 ③ 议题讨论 ④ 表决 ⑤ 结束.

The five steps are big numbered buttons across the top (Alt+1 … Alt+5), each saying how
far it has got (应到 12 人, 实到 9 人, 3 项 · 通过 2). Every write goes through the service on
the write worker and every step then shows the meeting as stored. Once the minutes are
closed every step is read-only: a banner says so, with the hash taken at closing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QButtonGroup, QFrame, QHBoxLayout, QLabel, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.i18n import _
from app.meetings.kinds import parse_kind
from app.meetings.print_common import check_code
from app.storage import Store
from ui import widgets
from ui.errors import is_plain, show_error
from ui.meetings import actions
from ui.meetings.actions import MeetingState
from ui.meetings.common import page_scroll
from ui.meetings.step_attend import AttendPage, quorum_words
from ui.meetings.step_base import StepPage
from ui.meetings.step_close import ClosePage
from ui.meetings.step_discuss import DiscussPage
from ui.meetings.step_prepare import PreparePage
from ui.meetings.step_vote import VotePage
from ui.style import message_label, show_message
from ui.operations import MEETINGS, WriteOp
from ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

PREPARE, ATTEND, DISCUSS, VOTE, CLOSE = range(5)


def step_names() -> list[str]:
    return [_("① 准备"), _("② 签到"), _("③ 议题讨论"), _("④ 表决"), _("⑤ 结束")]


def step_notes(state: MeetingState | None) -> list[str]:
    """The second line of each step's button: how far it has got."""
    if state is None:
        return [_("填写会议信息"), _("保存后可用"), _("保存后可用"), _("保存后可用"), _("保存后可用")]
    m = state.info
    voted = [x for x in m.motion_list if x.voted]
    votes = _("{n} 项 · 通过 {p}").format(n=len(m.motion_list), p=sum(1 for x in voted if x.passed)) \
        if m.motion_list else _("还没有表决事项")
    return [_("应到 {n} 人").format(n=m.members), _("实到 {n} 人").format(n=m.present) if m.present else _("未登记"),
            _("{n} 个议题").format(n=len(m.agenda)), votes, _("已定稿") if m.closed else _("未定稿")]


class MeetingEditor(QWidget):
    """``open_new()``, ``open_state(state)``, ``show_step(i)``.

    ``saved(MeetingState)`` after every write, ``deleted(id)``, ``print_requested(what)`` (a printout
    of actions.MINUTES / SIGNIN / TALLY), ``file_requested(FileInfo)``, ``new_requested``.
    """

    saved = Signal(object)
    deleted = Signal(int)
    print_requested = Signal(str)
    file_requested = Signal(object)
    new_requested = Signal()

    def __init__(self, store: Store, *, actor: str = "系统", data_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.data_dir = data_dir if data_dir is not None else store.data_dir
        self.context: actions.Context | None = None
        self.state: MeetingState | None = None
        self.read_only = False
        self.writing = 0

        # nothing open yet
        self.empty = QWidget()
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.setContentsMargins(24, 24, 24, 24)
        empty_text = QLabel(_("在“会议日历”或“会议列表”里点一次会议打开它的记录,或者新建一次会议。"))
        empty_text.setObjectName("lead")
        empty_text.setWordWrap(True)
        self.empty_new_button = QPushButton(_("新建会议"))
        self.empty_new_button.setObjectName("primary")
        empty_layout.addWidget(empty_text)
        empty_layout.addWidget(self.empty_new_button, 0, Qt.AlignmentFlag.AlignLeft)
        empty_layout.addStretch(1)

        # a meeting open
        self.title_label = QLabel("")
        self.title_label.setObjectName("heading")
        self.title_label.setWordWrap(True)
        self.facts_label = QLabel("")
        self.facts_label.setObjectName("lead")
        self.facts_label.setWordWrap(True)
        self.closed_banner = QFrame()
        self.closed_banner.setObjectName("closedBanner")
        self.closed_text = QLabel("")
        self.closed_text.setWordWrap(True)
        self.closed_text.setObjectName("lead")
        self.closed_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        banner = QHBoxLayout(self.closed_banner)
        banner.addWidget(self.closed_text)
        self.message = message_label("error")

        self.step_buttons: list[QPushButton] = []
        self.step_group = QButtonGroup(self)
        self.step_group.setExclusive(True)
        steps_row = QHBoxLayout()
        steps_row.setSpacing(6)
        for i, name in enumerate(step_names()):
            b = QPushButton(name)
            b.setObjectName("step")
            b.setCheckable(True)
            b.setToolTip(_("{step}(Alt+{n})").format(step=name, n=i + 1))
            self.step_group.addButton(b, i)
            self.step_buttons.append(b)
            steps_row.addWidget(b, 1)
            shortcut = QShortcut(QKeySequence("Alt+{n}".format(n=i + 1)), self)
            shortcut.activated.connect(lambda i=i: self.show_step(i))

        self.prepare = PreparePage(self)
        self.attend = AttendPage(self)
        self.discuss = DiscussPage(self)
        self.vote = VotePage(self)
        self.close_page = ClosePage(self)
        self.pages: list[StepPage] = [self.prepare, self.attend, self.discuss, self.vote, self.close_page]
        self.page_stack = widgets.PageStack()  # asks for the room of the step shown; scrolls when the screen is short
        for page in self.pages:
            self.page_stack.addWidget(page)

        self.content = QWidget()
        content = QVBoxLayout(self.content)
        content.setContentsMargins(0, 8, 0, 0)
        content.addWidget(self.title_label)
        content.addWidget(self.facts_label)
        content.addWidget(self.closed_banner)
        content.addLayout(steps_row)
        content.addWidget(self.message)
        content.addWidget(page_scroll(self.page_stack), 1)

        self.outer = QStackedWidget()
        self.outer.addWidget(self.empty)
        self.outer.addWidget(self.content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.outer)

        self.step_group.idClicked.connect(self.show_step)
        self.empty_new_button.clicked.connect(self.new_requested.emit)
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_current)  # type: ignore[call-arg]
        self.closed_banner.setVisible(False)

    # ------------------------------------------------------------ context and opening

    def today(self) -> dt.date:
        return self.context.today if self.context else dt.date.today()

    def set_context(self, context: actions.Context) -> None:
        self.context = context
        self.prepare.set_context(context)

    @property
    def meeting_id(self) -> int | None:
        return self.state.info.id if self.state is not None else None

    @property
    def dirty(self) -> bool:
        return any(p.dirty for p in self.pages)

    @property
    def busy(self) -> bool:
        return self.writing > 0

    def open_new(self) -> None:
        self.state = None
        self._set_read_only(False)
        self.outer.setCurrentWidget(self.content)
        show_message(self.message, "")  # what was said about the last meeting is not about this one
        for page in self.pages:
            page.clear_errors()
            page.show_state(None)
        self.prepare.open_new(self.today(), self.context.chair if self.context else "", self.actor
                              if self.actor != "系统" else "")
        self._show_header(None)
        self.show_step(PREPARE)
        self.prepare.title_edit.setFocus()

    def open_state(self, state: MeetingState, step: int | None = None) -> None:
        """Show a meeting read from the store; ``step`` to go to (default: where its record has got to)."""
        opening = self.state is None or self.state.info.id != state.info.id
        self.outer.setCurrentWidget(self.content)
        if opening:
            show_message(self.message, "")
            for page in self.pages:
                page.clear_errors()
        self._show(state, None)
        if step is None and opening:
            step = self._next_step(state)
        if step is not None:
            self.show_step(step)

    @staticmethod
    def _next_step(state: MeetingState) -> int:
        m = state.info
        if m.closed:
            return CLOSE
        if m.present == 0:
            return PREPARE if m.date > dt.date.today() else ATTEND
        if m.motion_list and any(not x.voted for x in m.motion_list):
            return VOTE
        return DISCUSS if not m.motion_list else CLOSE

    def show_step(self, index: int) -> None:
        if self.state is None and index != PREPARE:
            return
        self.step_buttons[index].setChecked(True)
        self.page_stack.setCurrentIndex(index)

    def current_step(self) -> int:
        return self.page_stack.currentIndex()

    def save_current(self) -> Task | None:
        page = self.pages[self.current_step()]
        save = getattr(page, "save", None)
        return save() if callable(save) else None

    # ------------------------------------------------------------ showing a stored meeting

    def _show(self, state: MeetingState, source: StepPage | None) -> None:
        self.state = state
        closed = state.info.closed
        if closed != self.read_only:
            self._set_read_only(closed)
        for page in self.pages:
            page.show_state(state, mine=page is source)
        self._show_header(state)

    def _set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for page in self.pages:
            page.set_read_only(read_only)

    def _show_header(self, state: MeetingState | None) -> None:
        for b, note, enabled in zip(self.step_buttons, step_notes(state),
                                    [True] + [state is not None] * 4):
            b.setText("{name}\n{note}".format(name=step_names()[self.step_buttons.index(b)], note=note))
            b.setEnabled(enabled)
        if state is None:
            self.title_label.setText(_("新建会议"))
            self.facts_label.setText(_("先在“① 准备”里填写会议类型、名称和日期,保存后按名册生成参会名单。"))
            self.closed_banner.setVisible(False)
            return
        m = state.info
        self.title_label.setText(m.title)
        word = quorum_words(m)[0]
        group = _("({group})").format(group=m.group_name) if m.group_name else ""
        self.facts_label.setText(_("{kind}{group} · {date} · 应到 {members} 人 · 实到 {present} 人 · {word}").format(
            kind=parse_kind(m.kind).label, group=group, date=m.date.isoformat(), members=m.members,
            present=m.present, word=word))
        self.closed_banner.setVisible(m.closed)
        if m.closed:
            self.closed_text.setText(_("已定稿({when}),核验码 {code}。会议记录不能再修改;如有错误,请在“⑤ 结束”里添加补充更正。")
                                     .format(when=m.closed_at[:16].replace("T", " "), code=check_code(m.content_hash)))

    # ------------------------------------------------------------ writing

    def run(self, page: StepPage, fn: Callable[[Session], MeetingState], *,
            then: Callable[[MeetingState], None] | None = None, disabling: tuple[QWidget, ...] = ()) -> Task:
        """``fn(session)`` in a write operation; the stored meeting it returns is shown on every step."""
        page.clear_errors()
        show_message(self.message, "")
        self.writing += 1
        return WriteOp(self.store, self.actor, lambda s, _ctx: fn(s), changes={MEETINGS}, initiator=self) \
            .success(lambda st: self._written(st, page, then)) \
            .failure(lambda exc: self._failed(exc, page)).disabling(*disabling).run()

    def call(self, page: StepPage, action: Callable[..., MeetingState], *args: Any,
             then: Callable[[MeetingState], None] | None = None,
             disabling: tuple[QWidget, ...] = ()) -> Task | None:
        """``action(session, meeting_id, *args, data_dir=...)`` for the meeting open now, in a write operation."""
        if self.state is None:
            return None
        data_dir, mid = self.data_dir, self.state.info.id
        return self.run(page, lambda s: action(s, mid, *args, data_dir=data_dir), then=then,
                        disabling=disabling)

    def _written(self, state: MeetingState, page: StepPage, then: Callable[[MeetingState], None] | None) -> None:
        if not isValid(self):
            return
        self.writing -= 1
        self._show(state, page)
        if then is not None:
            then(state)
        self.saved.emit(state)

    def _failed(self, exc: BaseException, page: StepPage) -> None:
        if not isValid(self):
            return
        self.writing -= 1
        if is_plain(exc):
            page.show_error(exc)
        else:
            show_error(self, exc)
        if self.state is not None:
            self._show(self.state, None)  # a refused mark or vote: show again what is stored

    def accept_state(self, state: MeetingState) -> None:
        """A dialog wrote (an observer added, a correction, a file): show the meeting as it now is."""
        if isValid(self) and self.state is not None and state.info.id == self.state.info.id:
            self._show(state, None)
            self.saved.emit(state)

    def delete_meeting(self) -> Task | None:
        if self.state is None or self.state.info.closed:
            return None
        m = self.state.info
        if not widgets.confirm(self, _("删除会议"), _("确定要删除“{title}”({date})吗?它的签到、讨论和表决记录会一起删除,"
                                                     "不能恢复。").format(title=m.title, date=m.date.isoformat()),
                               _("删除"), _("不删除")):
            return None
        store, actor, mid = self.store, self.actor, m.id
        self.writing += 1

        def done(_result: Any) -> None:
            if not isValid(self):
                return
            self.writing -= 1
            self.state = None
            self.outer.setCurrentWidget(self.empty)
            self.deleted.emit(mid)

        return WriteOp(store, actor, lambda s, _ctx: actions.delete(s, mid), changes={MEETINGS}, initiator=self) \
            .success(done) \
            .failure(lambda exc: self._failed(exc, self.prepare)).run()

    # ------------------------------------------------------------ unsaved changes (ui.unsaved)

    def unsaved_changes(self) -> str:
        """What closing the program would lose, for its question; "" when nothing."""
        if not self.dirty:
            return ""
        title = self.state.info.title if self.state is not None else self.prepare.title_edit.text().strip()
        return _("会议记录:“{title}”").format(title=title) if title else _("会议记录:新的会议")

    def save_changes(self) -> list[Task] | None:
        """保存 in the closing question: every step with unsaved typing saves as its own button does; None
        (that step shown, its message beside the fields) when one cannot be saved as it stands."""
        tasks: list[Task] = []
        for index, page in enumerate(self.pages):
            if not page.dirty:
                continue
            save = getattr(page, "save_unsaved", None) or getattr(page, "save", None)
            task = save() if callable(save) else None
            if task is None:
                self.show_step(index)
                return None
            tasks.append(task)
        return tasks

    def close_editor(self) -> bool:
        """Leave the meeting open now (for another); False if the clerk wants to keep unsaved typing."""
        if self.dirty and not widgets.confirm(
                self, _("还没有保存"), _("这次会议的记录改过还没有保存。不保存就离开吗?"), _("不保存,离开"), _("继续编辑")):
            return False
        return True

    # ------------------------------------------------------------ what is on screen

    def editable_fields(self) -> list[QWidget]:
        """The inputs a clerk could type into now, on every step (none once the minutes are closed)."""
        return [w for page in self.pages for w in page.editable_fields()]

    def say(self, text: str, kind: str = "ok") -> None:
        show_message(self.message, text, kind)

    def restyle(self) -> None:
        for page in self.pages:
            page.restyle()
