"""The register table (台账): RegisterRow dataclasses, read a page at a time on a worker.

A new query resets the table and asks for its first page; scrolling near the
end asks for the next. Answers to an older query (the clerk typed on) are
dropped by a generation number.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.certificates.models import PENDING, VOIDED
from app.certificates.register import RegisterQuery, RegisterRow
from app.i18n import _
from app.storage import Store
from ui.certificates import actions
from ui.paged_model import PagedModel
from ui.style import ACCENT, ERROR, MUTED
from ui.widgets import AnyIndex
GREY = "#8a8a8a"


class Columns(IntEnum):
    # state and print count early: 已作废 and 补打 must be in view without scrolling sideways
    SERIAL = 0
    STATE = 1
    KIND = 2
    APPLICANT = 3
    ID_NUMBER = 4
    DATE = 5
    PRINTS = 6
    PURPOSE = 7
    VERIFIER = 8
    APPROVER = 9


def column_title(column: Columns) -> str:
    return {
        Columns.SERIAL: _("编号"), Columns.KIND: _("证明种类"), Columns.APPLICANT: _("申请人"),
        Columns.ID_NUMBER: _("身份证号(遮盖)"), Columns.PURPOSE: _("用途"), Columns.DATE: _("开具日期"),
        Columns.VERIFIER: _("核实人"), Columns.APPROVER: _("审批人"), Columns.PRINTS: _("打印次数"),
        Columns.STATE: _("状态"),
    }[column]


def state_text(row: RegisterRow) -> str:
    return row.state_label  # 已开具,待补打 for one numbered but not printed yet


_CENTRED = {Columns.PRINTS, Columns.STATE, Columns.DATE}


class RegisterModel(PagedModel[RegisterRow, RegisterQuery]):
    """Rows matching a :class:`RegisterQuery`; ``loaded`` after each answer, ``loadFailed`` with the error."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(store, actions.read_register, "register", Columns, column_title, parent)

    # ------------------------------------------------------------ Qt model

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if r.state == VOIDED:
                return _("已作废,原因:{reason}").format(reason=r.void_reason or "-")
            return self.display(r, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.state == VOIDED:
                return QColor(ERROR if column == Columns.STATE else GREY)
            if r.state == PENDING:
                return QColor(MUTED)
            if column == Columns.PRINTS and r.print_count > 1:
                return QColor(ACCENT)
        if role == Qt.ItemDataRole.FontRole and r.state == VOIDED and column == Columns.STATE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            horizontal = Qt.AlignmentFlag.AlignHCenter if column in _CENTRED else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None

    def display(self, r: RegisterRow, column: Columns) -> str:
        if column == Columns.SERIAL:
            return r.serial or _("(待办,未编号)")
        if column == Columns.KIND:
            return r.kind_name
        if column == Columns.APPLICANT:
            return r.applicant_name
        if column == Columns.ID_NUMBER:
            return r.applicant_id_masked
        if column == Columns.PURPOSE:
            return r.purpose
        if column == Columns.DATE:
            day = r.issue_date or r.applied_on
            return day.isoformat() if day else ""
        if column == Columns.VERIFIER:
            return r.verified_by
        if column == Columns.APPROVER:
            return r.approver
        if column == Columns.PRINTS:
            return str(r.print_count) if r.serial else ""
        if column == Columns.STATE:
            return state_text(r)
        return ""
