"""总览: every village of the township in one table (app.hub.status.status_rows), read on a worker.

Each cell says in words what its colour shows (逾期 3 项 in red, 已开 in green, 从未同步 in red): colour is
never the only sign. Columns sort (by the number behind the words, not the words); a double-click or
Enter opens the village in 各村详情.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.i18n import _
from ui.errors import message_for
from ui.style import ERROR, MUTED, OK, message_label, show_message
from ui.township.ops import HubRead, hub_events
from ui.widgets import AnyIndex, ListModel, heading, hint, record_table, size_columns

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
CODE_ROLE = Qt.ItemDataRole.UserRole + 2
WARN = "#8a5a00"  # waiting for something: darker than amber, readable on white


class Columns(IntEnum):
    VILLAGE = 0
    LAST_SYNC = 1
    BUNDLES = 2
    OVERDUE = 3
    MEETING = 4
    MATTERS = 5
    CERTIFICATES = 6
    ALERTS = 7


def column_title(column: Columns) -> str:
    return {
        Columns.VILLAGE: _("村"), Columns.LAST_SYNC: _("上次同步(天数)"), Columns.BUNDLES: _("待补/拒收"),
        Columns.OVERDUE: _("逾期公开"), Columns.MEETING: _("本季度代表会议"), Columns.MATTERS: _("四议两公开"),
        Columns.CERTIFICATES: _("本月证明"), Columns.ALERTS: _("提醒"),
    }[column]


def cell(row: Any, column: Columns, silence: int) -> tuple[str, str | None, Any]:
    """(words, colour or None, sort key) of one cell of the overview for a VillageStatus ``row``. Short words:
    the whole row is read at a glance; the tooltip has the long form (:func:`long_words`)."""
    if column == Columns.VILLAGE:
        return row.name, None, row.name
    if column == Columns.LAST_SYNC:
        if not row.last_sync:
            return _("从未同步"), ERROR, 10**6
        days = row.days_since if row.days_since is not None else 0
        words = _("{n} 天前").format(n=days) if days else _("今天")
        if days > silence:
            return _("{n} 天前,超期").format(n=days), ERROR, days
        return words, None, days
    if column == Columns.BUNDLES:
        parts = []
        if row.pending:
            parts.append(_("待补 {n}").format(n=row.pending))
        if row.refused:
            parts.append(_("拒收 {n}").format(n=row.refused))
        colour = ERROR if row.refused else WARN if row.pending else None
        return ("、".join(parts) or _("无")), colour, row.refused * 1000 + row.pending
    if column == Columns.OVERDUE:
        if not row.last_sync:
            return _("没有数据"), MUTED, -1
        words = _("逾期 {n} 项").format(n=row.overdue) if row.overdue else _("无逾期")
        if row.late:
            words += _("(迟 {n})").format(n=row.late)
        return words, ERROR if row.overdue else OK, row.overdue * 1000 + row.late
    if column == Columns.MEETING:
        if row.quarter_meeting is None:
            return _("未到要求"), MUTED, 1
        if row.quarter_meeting:
            return _("已开"), OK, 0
        return _("未开"), ERROR, 2
    if column == Columns.MATTERS:
        if not row.matters_open:
            return _("无进行中"), None, 0
        if row.matters_stalled:
            return _("{n} 件,停滞 {m}").format(n=row.matters_open, m=row.matters_stalled), ERROR, \
                1000 * row.matters_stalled + row.matters_open
        return _("{n} 件进行中").format(n=row.matters_open), None, row.matters_open
    if column == Columns.CERTIFICATES:
        words = _("开具 {n}").format(n=row.certs_issued)
        if row.certs_voided:
            words += _("、作废 {n}").format(n=row.certs_voided)
        if row.certs_refused:
            words += _("、拒开 {n}").format(n=row.certs_refused)
        return words, None, row.certs_issued
    # ALERTS
    return ("、".join(row.alerts) or _("无")), (ERROR if row.alerts else None), len(row.alerts)


def long_words(row: Any, column: Columns, silence: int) -> str:
    """The tooltip of a cell: the same facts in full."""
    if column == Columns.VILLAGE:
        return _("{name}(村代码 {code},程序版本 {v})").format(name=row.name, code=row.code, v=row.version or "-")
    if column == Columns.LAST_SYNC:
        if not row.last_sync:
            return _("登记以后还没有交来过同步包")
        day = row.last_sync[:16].replace("T", " ")
        text = _("上次同步:{day},{n} 天前").format(day=day, n=row.days_since) if row.days_since else \
            _("上次同步:{day}(今天)").format(day=day)
        if (row.days_since or 0) > silence:
            text += _(";超过乡镇定的 {n} 天").format(n=silence)
        return text
    if column == Columns.BUNDLES:
        return _("等前面的包才能导入的同步包 {p} 个;被拒收的同步包 {r} 个(上次成功导入以后)").format(
            p=row.pending, r=row.refused)
    if column == Columns.OVERDUE:
        return _("过了期限还没有公开的 {o} 项;今年已经公开但晚于期限的 {l} 项;快到期限的 {d} 项").format(
            o=row.overdue, l=row.late, d=row.due)
    if column == Columns.MEETING:
        return _("{q}是否召开了村民代表会议(村民委员会组织法第二十六条:村民代表会议每季度召开一次)").format(
            q=row.quarter_label)
    if column == Columns.MATTERS:
        return _("按“四议两公开”办理中的重大事项 {n} 件,其中 {m} 件 30 天没有进展").format(
            n=row.matters_open, m=row.matters_stalled)
    if column == Columns.CERTIFICATES:
        return _("本月开具证明 {a} 份,作废 {b} 份,拒绝开具 {c} 次").format(
            a=row.certs_issued, b=row.certs_voided, c=row.certs_refused)
    return cell(row, column, silence)[0]


class OverviewModel(ListModel[Any]):
    """The villages' VillageStatus rows; ``silence`` is the township's limit the 上次同步 column warns at.

    Sorts itself (:meth:`sort`, by the number behind the words) in one Python sort, and works each cell's
    words out once: a county of 600 villages paints and sorts in about the time of ten."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(Columns, column_title, parent)
        self.silence = 14
        self._cells: dict[tuple[int, int], tuple[str, str | None, Any]] = {}
        self._sorted: tuple[int, Qt.SortOrder] | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_rows(self, rows: list[Any]) -> None:
        self._cells = {}
        super().set_rows(rows)
        if self._sorted is not None:
            self.sort(*self._sorted)

    def _cell(self, row: int, column: int) -> tuple[str, str | None, Any]:
        key = (row, column)
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = cell(self._rows[row], Columns(column), self.silence)
        return found

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sorted = (column, order)
        if not 0 <= column < len(Columns):
            return
        self.layoutAboutToBeChanged.emit()
        silence = self.silence
        self._rows.sort(key=lambda r: (cell(r, Columns(column), silence)[2], r.name),
                        reverse=order == Qt.SortOrder.DescendingOrder)
        self._cells = {}
        self.layoutChanged.emit()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cell(index.row(), index.column())[0]
        if role == Qt.ItemDataRole.ForegroundRole:
            colour = self._cell(index.row(), index.column())[1]
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.FontRole:
            return self._bold if self._cell(index.row(), index.column())[1] == ERROR else None
        if role == SORT_ROLE:
            return self._cell(index.row(), index.column())[2]
        if role == CODE_ROLE:
            return self._rows[index.row()].code
        if role == Qt.ItemDataRole.ToolTipRole:
            return long_words(self._rows[index.row()], Columns(index.column()), self.silence)
        return None


class OverviewScreen(QWidget):
    """``OverviewScreen(hub)``: :meth:`refresh` reads the villages again; ``open_village(code)`` on a
    double-click; ``loaded(rows)`` after each read."""

    open_village = Signal(str)
    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, hub: Any, parent: QWidget | None = None, today: Any = dt.date.today) -> None:
        super().__init__(parent)
        self.hub = hub
        self.today = today
        self.rows: list[Any] | None = None
        self._asked = 0
        self.title = heading(_("总览:{name}各村").format(name=hub.name))
        self.title.setObjectName("title")
        self.count_label = QLabel("")
        self.count_label.setObjectName("heading")
        self.refresh_button = QPushButton(_("刷新"))
        self.open_button = QPushButton(_("查看选中的村"))
        self.open_button.setObjectName("primary")
        self.message = message_label("error")
        self.model = OverviewModel(self)
        self.table = record_table(self.model)
        # the scroll bar is there from the start: rows arriving do not narrow the table and lay it out again
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(Columns.VILLAGE, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        self.table.activated.connect(self._open_index)

        top = QHBoxLayout()
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        top.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(hint(_("每个村一行:红色是要督促的事(字上写明是什么),绿色是已办好的。点列名排序,"
                                "双击一个村查看详情。数据是各村交来的同步包里的,以上次同步为准。")))
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.open_button.clicked.connect(lambda: self._open_index(self.table.currentIndex()))
        hub_events().changed.connect(self._hub_changed)
        self._size_columns()
        QTimer.singleShot(0, self.refresh)

    def _size_columns(self) -> None:
        # measured in bold (a red cell is bold); the alerts take what is left, and the table scrolls
        # sideways rather than cut a word (大字模式 on a narrow screen)
        bold = self.table.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        pad = metrics.horizontalAdvance("M") * 2
        samples = {Columns.VILLAGE: "欧阳家湾村", Columns.LAST_SYNC: "上次同步(天数)",
                   Columns.BUNDLES: "待补 2、拒收 1", Columns.OVERDUE: "逾期 13 项(迟 2)",
                   Columns.MEETING: "本季度代表会议", Columns.MATTERS: "12 件,停滞 3",
                   Columns.CERTIFICATES: "开具 12、拒开 1"}
        size_columns(self.table, {})
        for column, sample in samples.items():
            self.table.setColumnWidth(column, metrics.horizontalAdvance(sample) + pad)
        self.table.horizontalHeader().setStretchLastSection(True)

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, lambda: isValid(self) and self._size_columns())
        super().changeEvent(event)

    def refresh(self) -> None:
        from app.hub.status import silence_limit, status_rows

        self._asked += 1
        asked, day = self._asked, self.today()

        def read(hub: Any, _ctx: Any) -> tuple[int, list[Any]]:
            silence = silence_limit(hub)
            return silence, status_rows(hub, day, silence_days=silence)

        HubRead(self.hub, read).success(lambda r: self._show(r, asked)).failure(
            lambda exc: self._failed(exc, asked)).run()

    def _show(self, answer: tuple[int, list[Any]], asked: int) -> None:
        if not isValid(self) or asked != self._asked:
            return
        silence, rows = answer
        self.show_rows(rows, silence)

    def show_rows(self, rows: list[Any], silence: int = 14) -> None:
        self.model.silence = silence
        self.model.set_rows(rows)
        self.rows = list(rows)
        attention = sum(1 for r in rows if r.alerts or r.overdue or r.refused or r.quarter_meeting is False)
        self.count_label.setText(_("共 {n} 个村,{m} 个村有要督促的事").format(n=len(rows), m=attention))
        show_message(self.message, "" if rows else _("还没有登记任何村。请用 cunwu hub enroll 登记各村的身份文件。"),
                     "hint")
        self.loaded.emit(self.rows)

    def _failed(self, exc: BaseException, asked: int) -> None:
        if isValid(self) and asked == self._asked:
            show_message(self.message, _("读不出各村情况:{reason}").format(reason=message_for(exc)))
            self.failed.emit(self.message.text())

    def _hub_changed(self, hub: Any, _what: str) -> None:
        if isValid(self) and hub is self.hub:
            self.refresh()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            code = self.model.data(index, CODE_ROLE)
            if code:
                self.open_village.emit(str(code))

    def code_at(self, row: int) -> str:
        """The village code of the ``row``-th row as shown (sorted)."""
        return str(self.model.data(self.model.index(row, 0), CODE_ROLE))

    def text_at(self, row: int, column: Columns) -> str:
        return str(self.model.data(self.model.index(row, column)))
