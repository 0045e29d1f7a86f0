"""The tables of the 会议记录 screen: the meetings, the attendance list, and who voted how.

The list of meetings reads a page at a time on a worker (ui.paged_model). The attendance
and named-vote tables are edited in place with a drop-down of choices; they never write:
they ask (``change_requested``) and the step page writes through the service, then shows
the rows the service returns.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QComboBox, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.i18n import _
from app.meetings.kinds import parse_kind
from app.meetings.models import ABSENT, ABSTAIN, AGAINST, EXPECTED, FOR, LEAVE, OBSERVER, PRESENT, PROXY
from app.meetings.service import AttendeeInfo, MeetingQuery, MeetingSummary, attendance_label, choice_label
from app.storage import Store
from ui.meetings import actions
from ui.meetings.common import QUORUM_COLOURS, quorum_state, quorum_word
from ui.paged_model import PagedModel
from ui.style import ERROR, MUTED, OK
from ui.widgets import AnyIndex, ListModel

CHOICE_ROLE = Qt.ItemDataRole.UserRole + 1  # the stored code behind the words (present, for, ...)


# ---------------------------------------------------------------- the meetings


class Columns(IntEnum):
    DATE = 0
    KIND = 1
    TITLE = 2
    ATTENDANCE = 3
    QUORATE = 4
    VOTES = 5
    STATE = 6


def column_title(column: Columns) -> str:
    return {Columns.DATE: _("日期"), Columns.KIND: _("会议类型"), Columns.TITLE: _("会议名称"),
            Columns.ATTENDANCE: _("应到/实到"), Columns.QUORATE: _("是否有效"), Columns.VOTES: _("表决 通过/总数"),
            Columns.STATE: _("状态")}[column]


def display(m: MeetingSummary, column: Columns) -> str:
    if column == Columns.DATE:
        return m.date.isoformat()
    if column == Columns.KIND:
        return parse_kind(m.kind).label
    if column == Columns.TITLE:
        return m.title
    if column == Columns.ATTENDANCE:
        return _("{members} / {present}").format(members=m.members, present=m.present)
    if column == Columns.QUORATE:
        return quorum_word(m)
    if column == Columns.VOTES:
        return _("{passed} / {total}").format(passed=m.passed, total=m.motions) if m.motions else _("无")
    if column == Columns.STATE:
        return m.state_text
    return ""


class MeetingListModel(PagedModel[MeetingSummary, MeetingQuery]):
    """Meetings matching a MeetingQuery, newest first; ``loaded`` after each answer."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(store, actions.read_page, "meetings", Columns, column_title, parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        m = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display(m, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Columns.ATTENDANCE:
                return _("应到 {members} 人,实到 {present} 人").format(members=m.members, present=m.present)
            if column == Columns.VOTES:
                return _("表决 {total} 项,通过 {passed} 项").format(total=m.motions, passed=m.passed)
            return display(m, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == Columns.QUORATE:
            return QColor(QUORUM_COLOURS[quorum_state(m)][0])
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.QUORATE:
            return QColor(QUORUM_COLOURS[quorum_state(m)][1])
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.STATE:
            return QColor(OK if m.closed else MUTED)
        if role == Qt.ItemDataRole.FontRole and column in (Columns.QUORATE, Columns.STATE) and m.closed:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            left = column in (Columns.TITLE, Columns.KIND)
            return int((Qt.AlignmentFlag.AlignLeft if left else Qt.AlignmentFlag.AlignHCenter)
                       | Qt.AlignmentFlag.AlignVCenter)
        return None


# ---------------------------------------------------------------- choices in a cell


class ChoiceDelegate(QStyledItemDelegate):
    """A drop-down of the choices the model offers for a cell (``model.choices(index)``: [(code, words)]).

    Picking one commits at once: the clerk should not have to press Enter as well.
    """

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: AnyIndex) -> QWidget:  # noqa: N802
        model = index.model()
        choices = getattr(model, "choices", None)
        source = index
        while choices is None and hasattr(model, "sourceModel"):  # behind a filter
            source = model.mapToSource(source)  # type: ignore[attr-defined]
            model = model.sourceModel()  # type: ignore[attr-defined]
            choices = getattr(model, "choices", None)
        if choices is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        for code, words in choices(source):
            combo.addItem(words, code)
        combo.activated.connect(lambda _i, c=combo: (self.commitData.emit(c), self.closeEditor.emit(c)))
        QTimer.singleShot(0, combo.showPopup)  # one click to open the cell, one to choose
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(editor.findData(index.data(CHOICE_ROLE)), 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: Any, index: AnyIndex) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


# ---------------------------------------------------------------- attendance


class AttendanceColumns(IntEnum):
    NUMBER = 0
    NAME = 1
    GROUP = 2
    ROLE = 3
    STATUS = 4
    PROXY = 5


def attendance_title(column: AttendanceColumns) -> str:
    return {AttendanceColumns.NUMBER: _("序号"), AttendanceColumns.NAME: _("姓名"), AttendanceColumns.GROUP: _("村民小组"),
            AttendanceColumns.ROLE: _("职务或身份"), AttendanceColumns.STATUS: _("到会情况"),
            AttendanceColumns.PROXY: _("受委托人")}[column]


STATUS_COLOURS = {PRESENT: OK, PROXY: OK, ABSENT: ERROR, LEAVE: "#8a4b00", EXPECTED: MUTED, OBSERVER: MUTED}


class AttendanceModel(ListModel[AttendeeInfo]):
    """The people expected at the meeting; ``change_requested(attendee_id, status, proxy_name)``.

    Choosing 委托出席 for someone without a proxy name does not write yet: the row waits
    (``proxy_needed`` with its row) until the name is typed in the 受委托人 cell.
    """

    change_requested = Signal(int, str, str)
    proxy_needed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(AttendanceColumns, attendance_title, parent)
        self.proxies = False
        self.read_only = False
        self.waiting_proxy: set[int] = set()

    def set_attendees(self, attendees: list[AttendeeInfo], *, proxies: bool, read_only: bool) -> None:
        """Show the stored rows; the same people in the same order are updated in place, so the
        table keeps its scroll position and selection while the clerk works down a long list."""
        self.proxies, self.read_only = proxies, read_only
        stored = {a.id: a for a in attendees}
        self.waiting_proxy = {i for i in self.waiting_proxy if i in stored and stored[i].status != PROXY}
        if [a.id for a in attendees] == [a.id for a in self._rows]:
            self._rows = list(attendees)
            if self._rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(AttendanceColumns) - 1))
            return
        self.set_rows(attendees)

    def status_choices(self) -> list[tuple[str, str]]:
        codes = [PRESENT, ABSENT, LEAVE] + ([PROXY] if self.proxies else []) + [EXPECTED]
        return [(c, attendance_label(c)) for c in codes]

    def choices(self, index: AnyIndex) -> list[tuple[str, str]]:
        return self.status_choices()

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not index.isValid() or self.read_only:
            return base
        a = self._rows[index.row()]
        column = AttendanceColumns(index.column())
        if a.member and column == AttendanceColumns.STATUS:
            return base | Qt.ItemFlag.ItemIsEditable
        if a.member and column == AttendanceColumns.PROXY and self.proxies:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        a = self._rows[index.row()]
        column = AttendanceColumns(index.column())
        waiting = a.id in self.waiting_proxy
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == AttendanceColumns.NUMBER:
                return str(index.row() + 1)
            if column == AttendanceColumns.NAME:
                return a.name
            if column == AttendanceColumns.GROUP:
                return a.group_name
            if column == AttendanceColumns.ROLE:
                return a.role_text if a.member else (a.role_text or _("列席(不计入应到人数)"))
            if column == AttendanceColumns.STATUS:
                return _("委托出席(请填写受委托人)") if waiting else a.status_text
            if column == AttendanceColumns.PROXY:
                return a.proxy_name
        if role == Qt.ItemDataRole.EditRole:
            if column == AttendanceColumns.PROXY:
                return a.proxy_name
            if column == AttendanceColumns.STATUS:
                return a.status_text
        if role == CHOICE_ROLE and column == AttendanceColumns.STATUS:
            return PROXY if waiting else a.status
        if role == Qt.ItemDataRole.ForegroundRole and column == AttendanceColumns.STATUS:
            # a written proxy the law does not count is greyed, not green (Organic Law Art. 22, 26, 28)
            return QColor(ERROR if waiting else MUTED if a.proxy_not_counted else STATUS_COLOURS.get(a.status, MUTED))
        if role == Qt.ItemDataRole.FontRole and column == AttendanceColumns.STATUS and a.status != EXPECTED:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (AttendanceColumns.NUMBER, AttendanceColumns.STATUS):
            return int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.read_only:
            return False
        a = self._rows[index.row()]
        column = AttendanceColumns(index.column())
        if column == AttendanceColumns.STATUS:
            status = str(value)
            if status == PROXY and not a.proxy_name:
                self.waiting_proxy.add(a.id)
                self.dataChanged.emit(index, index)
                self.proxy_needed.emit(index.row())
                return True
            self.waiting_proxy.discard(a.id)
            self.change_requested.emit(a.id, status, a.proxy_name if status == PROXY else "")
            return True
        if column == AttendanceColumns.PROXY:
            name = str(value or "").strip()
            if a.status == PROXY or a.id in self.waiting_proxy:
                self.change_requested.emit(a.id, PROXY, name)
                return True
            if name:  # a name typed before the status: it means the person sent someone
                self.change_requested.emit(a.id, PROXY, name)
                return True
        return False

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for a in self._rows:
            if a.member:
                out[a.status] = out.get(a.status, 0) + 1
        return out


# ---------------------------------------------------------------- who voted how


class VoteColumns(IntEnum):
    NAME = 0
    ROLE = 1
    CHOICE = 2


def vote_title(column: VoteColumns) -> str:
    return {VoteColumns.NAME: _("姓名"), VoteColumns.ROLE: _("职务"), VoteColumns.CHOICE: _("表决意见")}[column]


NO_CHOICE = ""
CHOICE_COLOURS = {FOR: OK, AGAINST: ERROR, ABSTAIN: "#8a4b00", NO_CHOICE: MUTED}


class NamedVoteModel(ListModel[AttendeeInfo]):
    """The members present and each one's choice; ``changed`` whenever a choice changes (nothing is written)."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(VoteColumns, vote_title, parent)
        self.votes: dict[int, str] = {}
        self.read_only = False

    def set_voters(self, voters: list[AttendeeInfo], votes: dict[int, str]) -> None:
        self.votes = {k: v for k, v in votes.items() if any(a.id == k for a in voters)}
        self.set_rows(voters)
        self.changed.emit()

    def set_all(self, choice: str) -> None:
        self.votes = {a.id: choice for a in self._rows}
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(VoteColumns) - 1))
        self.changed.emit()

    def choices(self, index: AnyIndex) -> list[tuple[str, str]]:
        return [(FOR, choice_label(FOR)), (AGAINST, choice_label(AGAINST)), (ABSTAIN, choice_label(ABSTAIN)),
                (NO_CHOICE, _("(未投票)"))]

    def tally(self) -> tuple[int, int, int]:
        values = list(self.votes.values())
        return values.count(FOR), values.count(AGAINST), values.count(ABSTAIN)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == VoteColumns.CHOICE and not self.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        a = self._rows[index.row()]
        column = VoteColumns(index.column())
        choice = self.votes.get(a.id, NO_CHOICE)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.EditRole):
            if column == VoteColumns.NAME:
                return a.name + (_("(代 {name})").format(name=a.proxy_name) if a.proxy_name else "")
            if column == VoteColumns.ROLE:
                return a.role_text
            return choice_label(choice) if choice else _("(未投票)")
        if role == CHOICE_ROLE and column == VoteColumns.CHOICE:
            return choice
        if role == Qt.ItemDataRole.ForegroundRole and column == VoteColumns.CHOICE:
            return QColor(CHOICE_COLOURS.get(choice, MUTED))
        if role == Qt.ItemDataRole.FontRole and column == VoteColumns.CHOICE and choice:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or index.column() != VoteColumns.CHOICE or self.read_only:
            return False
        a = self._rows[index.row()]
        if value:
            self.votes[a.id] = str(value)
        else:
            self.votes.pop(a.id, None)
        self.dataChanged.emit(index, index)
        self.changed.emit()
        return True
