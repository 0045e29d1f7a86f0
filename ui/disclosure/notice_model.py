"""The list of notices: NoticeSummary rows matching a NoticeQuery, read a page at a time on a worker.

A new query resets the table and asks for its first page; scrolling near the end
asks for the next. Answers to an older query (the clerk typed on) are dropped by a
generation number, so the last search typed is the one shown.
"""

from __future__ import annotations

import logging
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from shiboken6 import isValid

from app.disclosure.models import APPROVED, ARCHIVED, DRAFT, POSTED, RETURNED, REVIEWED, SUBMITTED
from app.disclosure.service import NoticeQuery, NoticeSummary
from app.i18n import _
from app.storage import Store
from ui.disclosure import actions
from ui.style import ACCENT, ERROR, MUTED, OK
from ui.tasks import Task
from ui.widgets import AnyIndex, ListModel

log = logging.getLogger(__name__)

PAGE = 200


class Columns(IntEnum):
    # the title needs the room, above all in 大字模式: the category, the period and the end of the posting
    # are in the details beside the list (and the category and year are filters), not columns of their own
    NUMBER = 0
    STATE = 1
    TITLE = 2
    POSTED = 3


def column_title(column: Columns) -> str:
    return {Columns.NUMBER: _("公开编号"), Columns.STATE: _("状态"), Columns.TITLE: _("标题"),
            Columns.POSTED: _("张贴日期")}[column]


STATE_COLOURS = {DRAFT: MUTED, SUBMITTED: "#8a4b00", RETURNED: ERROR, REVIEWED: ACCENT, APPROVED: ACCENT,
                 POSTED: OK, ARCHIVED: MUTED}


def posted_text(n: NoticeSummary, *, short: bool = False) -> str:
    """"2026-07-05 至 2026-07-14"; ``short`` leaves out the second year when it is the same."""
    if n.posted_from and n.posted_until:
        end = n.posted_until.isoformat()
        if short and n.posted_until.year == n.posted_from.year:
            end = end[5:]
        return _("{start} 至 {end}").format(start=n.posted_from.isoformat(), end=end)
    return ""


def display(n: NoticeSummary, column: Columns) -> str:
    if column == Columns.NUMBER:
        return n.number or _("(未编号)")
    if column == Columns.STATE:
        return n.state_text
    if column == Columns.TITLE:
        marked = n.corrects_id is not None and not n.title.startswith(_("更正"))
        return (_("【更正】") if marked else "") + n.title
    if column == Columns.POSTED:
        return n.posted_from.isoformat() if n.posted_from else ""
    return ""


class NoticeListModel(ListModel[NoticeSummary]):
    """Rows for a query; ``loaded`` after each answer, ``loadFailed`` with the error."""

    loaded = Signal()
    loadFailed = Signal(object)

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(Columns, column_title, parent)
        self._store = store
        self._query: NoticeQuery | None = None
        self._total = 0
        self._exhausted = True
        self._fetching = False
        self._generation = 0
        self.loading = False

    @property
    def query(self) -> NoticeQuery | None:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def rows(self) -> list[NoticeSummary]:
        return list(self._rows)

    def row_of(self, notice_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == notice_id), None)

    def set_query(self, query: NoticeQuery, *, keep: int = 0) -> Task:
        self._query = query
        self._generation += 1
        generation = self._generation
        limit = max(PAGE, -(-keep // PAGE) * PAGE)
        self.loading = True
        store = self._store
        return (Task(lambda _ctx: actions.read_page(store, query, 0, limit))
                .success(lambda page: self._reset(page, limit, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def refresh(self) -> Task | None:
        if self._query is None:
            return None
        return self.set_query(self._query, keep=len(self._rows))

    def _reset(self, page: actions.NoticePage, limit: int, generation: int) -> None:
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
        log.error("reading the notices failed", exc_info=exc)
        self._fetching = False
        self._exhausted = True
        self.loading = False
        self.loadFailed.emit(exc)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802,B008 - Qt's name
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802,B008
        if parent.isValid() or self._exhausted or self._fetching or self._query is None:
            return
        self._fetching = True
        generation, query, start, store = self._generation, self._query, len(self._rows), self._store
        (Task(lambda _ctx: actions.read_page(store, query, start, PAGE))
         .success(lambda page: self._append(page, start, generation))
         .failure(lambda exc: self._failed(exc, generation)).run())

    def _append(self, page: actions.NoticePage, start: int, generation: int) -> None:
        if not isValid(self) or generation != self._generation or start != len(self._rows):
            return
        self._fetching = False
        self._exhausted = len(page.rows) < PAGE
        if page.rows:
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.loaded.emit()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        n = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return display(n, column) or None
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Columns.POSTED:
                return _("张贴期 {period}").format(period=posted_text(n)) if n.posted_from else None
            return display(n, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.STATE:
            return QColor(STATE_COLOURS.get(n.state, MUTED))
        if role == Qt.ItemDataRole.FontRole and column == Columns.STATE and n.state in (RETURNED, SUBMITTED):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            centred = column in (Columns.NUMBER, Columns.STATE, Columns.POSTED)
            horizontal = Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft
            return int(horizontal | Qt.AlignmentFlag.AlignVCenter)
        return None
