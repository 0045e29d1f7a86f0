"""The register table (台账): RegisterRow dataclasses, read a page at a time on a worker.

A new query resets the table and asks for its first page; scrolling near the
end asks for the next. Answers to an older query (the clerk typed on) are
dropped by a generation number.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from shiboken6 import isValid

from app.certificates.models import ISSUED, PENDING, VOIDED
from app.certificates.register import RegisterQuery, RegisterRow
from app.i18n import _
from app.storage import Store
from ui.certificates import actions
from ui.style import ACCENT, ERROR, MUTED
from ui.tasks import Task
from ui.widgets import AnyIndex, ListModel

log = logging.getLogger(__name__)

PAGE = 200
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
    return {ISSUED: _("已开具"), PENDING: _("待办"), VOIDED: _("已作废")}.get(row.state, row.state)


_CENTRED = {Columns.PRINTS, Columns.STATE, Columns.DATE}


class RegisterModel(ListModel[RegisterRow]):
    """Rows matching a :class:`RegisterQuery`; ``loaded`` after each answer, ``loadFailed`` with the error."""

    loaded = Signal()
    loadFailed = Signal(object)

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(Columns, column_title, parent)
        self._store = store
        self._query: RegisterQuery | None = None
        self._total = 0
        self._exhausted = True
        self._fetching = False
        self._generation = 0
        self.loading = False

    @property
    def query(self) -> RegisterQuery | None:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def rows(self) -> list[RegisterRow]:
        return list(self._rows)

    def row_of(self, certificate_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == certificate_id), None)

    def set_query(self, query: RegisterQuery, *, keep: int = 0) -> Task:
        """Read the first rows matching ``query`` (at least ``keep`` of them, so a refresh does not jump)."""
        self._query = query
        self._generation += 1
        generation = self._generation
        limit = max(PAGE, -(-keep // PAGE) * PAGE)
        self.loading = True
        store = self._store
        return (Task(lambda _ctx: actions.read_register(store, query, 0, limit))
                .success(lambda page: self._reset(page, limit, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def refresh(self) -> Task | None:
        if self._query is None:
            return None
        return self.set_query(self._query, keep=len(self._rows))

    def _reset(self, page: actions.RegisterPage, limit: int, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.beginResetModel()
        self._rows = list(page.rows)
        self._total = page.total
        self._exhausted = len(page.rows) < limit
        self._fetching = False
        self.endResetModel()
        self.loading = False
        self.loaded.emit()

    def _failed(self, exc: BaseException, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        log.error("reading the register failed", exc_info=exc)
        self._fetching = False
        self._exhausted = True  # stop asking; the view would otherwise retry on every scroll
        self.loading = False
        self.loadFailed.emit(exc)

    # ------------------------------------------------------------ lazy loading

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802,B008 - Qt's name
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802,B008
        if parent.isValid() or self._exhausted or self._fetching or self._query is None:
            return
        self._fetching = True
        generation, query, start, store = self._generation, self._query, len(self._rows), self._store
        (Task(lambda _ctx: actions.read_register(store, query, start, PAGE))
         .success(lambda page: self._append(page, start, generation))
         .failure(lambda exc: self._failed(exc, generation)).run())

    def _append(self, page: actions.RegisterPage, start: int, generation: int) -> None:
        if not isValid(self) or generation != self._generation or start != len(self._rows):
            return
        self._fetching = False
        self._exhausted = len(page.rows) < PAGE
        if page.rows:
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.loaded.emit()

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
