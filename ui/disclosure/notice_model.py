"""The list of notices: NoticeSummary rows matching a NoticeQuery, read a page at a time on a worker.

A new query resets the table and asks for its first page; scrolling near the end
asks for the next. Answers to an older query (the clerk typed on) are dropped by a
generation number, so the last search typed is the one shown.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont

from app.disclosure.models import APPROVED, ARCHIVED, DRAFT, POSTED, RETURNED, REVIEWED, SUBMITTED
from app.disclosure.service import NoticeQuery, NoticeSummary
from app.i18n import _
from app.storage import Store
from ui.disclosure import actions
from ui.paged_model import PagedModel
from ui.style import ACCENT, ERROR, MUTED, OK
from ui.widgets import AnyIndex


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


class NoticeListModel(PagedModel[NoticeSummary, NoticeQuery]):
    """Rows for a query; ``loaded`` after each answer, ``loadFailed`` with the error."""

    def __init__(self, store: Store, parent: Any = None) -> None:
        super().__init__(store, actions.read_page, "notices", Columns, column_title, parent)

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
