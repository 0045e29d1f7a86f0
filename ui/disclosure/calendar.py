"""公开日历: what the catalogue asks for, month by month, and what is done, due and overdue.

At the top, what needs doing now (due and overdue, the oldest deadline first);
below, the month chosen (entries whose deadline falls in it: December's finances
are due in January) or the whole year, one row per catalogue item and one column per
month. Every state is written out in words as well as coloured, so it reads on a
grey printout and for a clerk who does not tell red from green. Double-clicking a
due item (or 拟稿) starts its notice from the catalogue's template, or opens the
draft already started for it; a 四议两公开 notice in the list opens the draft its
matter made. Each period is the one of the catalogue version in force on its last
day; a period judged by an older version than today's says which in its tooltip.
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QStackedWidget, QTableView,
                               QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.disclosure.calendar import DONE, DUE, LATE, NOT_APPLICABLE, OVERDUE, UPCOMING, CalendarEntry
from app.disclosure.catalogue import CatalogueItem
from app.i18n import _
from app.storage import Store
from ui import widgets
from ui.disclosure import actions
from ui.errors import message_for
from ui.operations import ReadOp
from ui.style import ERROR, MUTED, OK, message_label, show_message
from ui.tasks import Task
from ui.widgets import AnyIndex, ListModel

# (background, text) per state; the words carry the meaning, the colours only help
STATE_COLOURS: dict[str, tuple[str, str]] = {
    DONE: ("#e3f1e4", OK), LATE: ("#fdf0dc", "#8a4b00"), DUE: ("#fff4c2", "#6b4a00"),
    OVERDUE: ("#fbe0e3", ERROR), UPCOMING: ("#ffffff", MUTED), NOT_APPLICABLE: ("#f0f0f0", MUTED),
}
URGENT = (DUE, OVERDUE)
DUE_ROWS = 5  # rows of the "now" list shown before it scrolls


def short_label(state: str) -> str:
    """The year grid's cell: short enough for twelve columns."""
    return {DONE: _("已公开"), LATE: _("迟公开"), DUE: _("待公开"), OVERDUE: _("已逾期"), UPCOMING: _("未到期"),
            NOT_APPLICABLE: _("—")}[state]


def when_text(e: CalendarEntry) -> str:
    """How urgent, in words: 已逾期 12 天, 今天截止, 还剩 3 天, or when it was posted."""
    if e.posted is not None:
        numbers = [n for n in e.posted.number.split("、") if n]
        if len(numbers) > 1:  # shorter periods' notices that make up this one (the tooltip names them)
            return _("{date} 张贴,共 {n} 份").format(date=e.posted.posted_on.isoformat(), n=len(numbers))
        return _("{date} 张贴 {number}").format(date=e.posted.posted_on.isoformat(), number=e.posted.number).strip()
    if e.state == OVERDUE and e.days_left is not None:
        return _("已逾期 {n} 天").format(n=-e.days_left)
    if e.state == DUE and e.days_left == 0:
        return _("今天截止")
    if e.state in (DUE, UPCOMING) and e.days_left is not None:
        return _("还剩 {n} 天").format(n=e.days_left)
    return ""


class Columns(IntEnum):
    STATE = 0
    ITEM = 1
    PERIOD = 2
    DEADLINE = 3
    WHEN = 4
    PROGRESS = 5


def column_title(column: Columns) -> str:
    return {Columns.STATE: _("状态"), Columns.ITEM: _("公开事项"), Columns.PERIOD: _("期间"),
            Columns.DEADLINE: _("截止日期"), Columns.WHEN: _("进度"), Columns.PROGRESS: _("本村办理情况")}[column]


def version_note(e: CalendarEntry, current: str) -> str:
    """For a period judged by another catalogue version than today's: which one, so a half-year owed under
    the old version beside the quarters of the new one is not taken for a mistake."""
    if e.item.periodic and e.catalogue_version and current and e.catalogue_version != current:
        return _("按 {version} 版公开目录(这一期结束时施行的目录)").format(version=e.catalogue_version)
    return ""


class EntryModel(ListModel[CalendarEntry]):
    """Calendar entries, one per row; ``in_progress`` names the notice already started for an entry."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(Columns, column_title, parent)
        self.in_progress: dict[tuple[str, str], actions.InProgress] = {}
        self.current_version = ""  # the catalogue in force today

    def set_entries(self, entries: list[CalendarEntry], in_progress: dict[tuple[str, str], actions.InProgress]) -> None:
        self.in_progress = in_progress
        self.set_rows(entries)

    def started(self, e: CalendarEntry) -> actions.InProgress | None:
        return self.in_progress.get((e.item.code.upper(), e.period.key))

    def display(self, e: CalendarEntry, column: Columns) -> str:
        if column == Columns.STATE:
            return e.state_label
        if column == Columns.ITEM:
            if not e.item.periodic:  # an event: a 四议两公开 matter's notice, named by the matter
                return _("{name}:{subject}").format(name=e.item.name, subject=e.period.label)
            return _("{name}({category})").format(name=e.item.name, category=e.item.category)
        if column == Columns.PERIOD:
            return e.period.start.isoformat() if not e.item.periodic else e.period.label
        if column == Columns.DEADLINE:
            return e.period.deadline.isoformat()
        if column == Columns.WHEN:
            return when_text(e)
        if column == Columns.PROGRESS:
            started = self.started(e)
            if started is not None and e.posted is None:
                return _("已拟稿:{state}").format(state=started.state_text)
            if e.state in URGENT:
                return _("还没有拟稿(双击拟稿)")
        return ""

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        e = self._rows[index.row()]
        column = Columns(index.column())
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.PERIOD and not e.item.periodic:
            return _("事项发生在 {date}(决议的会议或实施完成的日子),截止日期从这一天算起。").format(
                date=e.period.start.isoformat())
        if role == Qt.ItemDataRole.ToolTipRole and column == Columns.WHEN and e.posted is not None:
            return _("{date} 张贴 {number}").format(date=e.posted.posted_on.isoformat(), number=e.posted.number)
        if role == Qt.ItemDataRole.ToolTipRole and column in (Columns.ITEM, Columns.PERIOD):
            return "\n".join(t for t in (self.display(e, column), version_note(e, self.current_version)) if t) or None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self.display(e, column) or None
        if role == Qt.ItemDataRole.BackgroundRole and column == Columns.STATE:
            return QColor(STATE_COLOURS[e.state][0])
        if role == Qt.ItemDataRole.ForegroundRole and column in (Columns.STATE, Columns.WHEN):
            return QColor(STATE_COLOURS[e.state][1])
        if role == Qt.ItemDataRole.FontRole and e.state in URGENT and column in (Columns.STATE, Columns.WHEN):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            centred = column in (Columns.STATE, Columns.DEADLINE)
            return int((Qt.AlignmentFlag.AlignHCenter if centred else Qt.AlignmentFlag.AlignLeft)
                       | Qt.AlignmentFlag.AlignVCenter)
        return None


def grid_column(e: CalendarEntry) -> int:
    """The month column (0-11) a period sits in: the month it ends."""
    return e.period.end.month - 1


class YearModel(QAbstractTableModel):
    """One row per catalogue item, one column per month: each period in the month it ends."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[CatalogueItem] = []
        self.cells: dict[tuple[int, int], CalendarEntry] = {}
        self.current_version = ""  # the catalogue in force today

    def set_entries(self, entries: list[CalendarEntry]) -> None:
        """Entries in item order, each item's periods in order: a row is named as the item's latest
        period's version names it (a renamed item keeps one row under its new name)."""
        self.beginResetModel()
        self.items, self.cells = [], {}
        rows: dict[str, int] = {}
        for e in entries:
            code = e.item.code.upper()
            if code not in rows:
                rows[code] = len(self.items)
                self.items.append(e.item)
            else:
                self.items[rows[code]] = e.item
            self.cells[(rows[code], grid_column(e))] = e
        self.endResetModel()

    def entry(self, row: int, column: int) -> CalendarEntry | None:
        return self.cells.get((row, column - 1)) if column > 0 else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008 - Qt's name
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008
        return 0 if parent.isValid() else 13

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return _("公开事项") if section == 0 else _("{m}月").format(m=section)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if c == 0:
            item = self.items[r]
            if role == Qt.ItemDataRole.DisplayRole:
                return item.name
            if role == Qt.ItemDataRole.ToolTipRole:
                return _("{code} {name}:{deadline}公开,至少张贴 {days} 天").format(
                    code=item.code, name=item.name, deadline=item.deadline_text(), days=item.min_days)
            return None
        e = self.entry(r, c)
        if e is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return short_label(e.state)
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = _("{period}:{state},截止 {deadline}。{when}").format(
                period=e.period.label, state=e.state_label, deadline=e.period.deadline.isoformat(), when=when_text(e))
            note = version_note(e, self.current_version)
            return tip + ("\n" + note if note else "")
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(STATE_COLOURS[e.state][0])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QColor(STATE_COLOURS[e.state][1])
        if role == Qt.ItemDataRole.FontRole and e.state in URGENT:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


def _table(model: Any) -> QTableView:
    table = widgets.record_table(model)
    return table


class CalendarPanel(QWidget):
    """The 公开日历 tab. ``draft_requested(item_code, period_key)`` when the clerk asks to write one."""

    draft_requested = Signal(str, str)
    loaded = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.context: actions.Context | None = None
        self.data: actions.CalendarData | None = None
        today = dt.date.today()
        self.year, self.month = today.year, today.month
        self.year_mode = False
        self._generation = 0
        self.loading = False
        self._select_after: tuple[str, str] | None = None

        self.due_title = widgets.heading(_("现在要公开的"))
        self.due_title.setWordWrap(False)
        self.due_model = EntryModel(self)
        self.due_table = _table(self.due_model)
        self.due_empty = QLabel(_("没有待公开或已逾期的事项。"))
        self.due_empty.setObjectName("ok")
        self.draft_button = QPushButton(_("为选中的事项拟稿"))
        self.draft_button.setObjectName("primary")

        self.prev_button = QPushButton(_("◀ 上一个月"))
        self.next_button = QPushButton(_("下一个月 ▶"))
        self.today_button = QPushButton(_("回到本月"))
        self.mode_button = QPushButton(_("全年总览"))
        self.mode_button.setCheckable(True)
        self.month_label = QLabel("")
        self.month_label.setObjectName("heading")
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("lead")
        self.summary_label.setWordWrap(True)
        self.message = message_label("error")
        self.month_model = EntryModel(self)
        self.month_table = _table(self.month_model)
        self.year_model = YearModel(self)
        self.year_table = _table(self.year_model)
        self.year_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.lower = QStackedWidget()
        self.lower.addWidget(self.month_table)
        self.lower.addWidget(self.year_table)
        legend = QLabel(_("说明:已公开 = 按时张贴;逾期后公开(全年总览里写“迟公开”)= 截止后才张贴;待公开 = 期间已过、还没到截止日;"
                          "已逾期 = 过了截止日还没张贴;未到期 = 期间还没结束。"))
        legend.setObjectName("hint")
        legend.setWordWrap(True)

        due_buttons = QHBoxLayout()
        due_buttons.addWidget(self.due_title)
        due_buttons.addStretch(1)
        due_buttons.addWidget(self.draft_button)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.month_label)
        nav.addWidget(self.next_button)
        nav.addWidget(self.today_button)
        nav.addStretch(1)
        nav.addWidget(self.mode_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(due_buttons)
        layout.addWidget(self.due_empty)
        layout.addWidget(self.due_table)
        layout.addSpacing(6)
        layout.addLayout(nav)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.message)
        layout.addWidget(self.lower, 1)
        layout.addWidget(legend)

        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.mode_button.toggled.connect(self.set_year_mode)
        self.draft_button.clicked.connect(self._draft_selected)
        self.due_table.doubleClicked.connect(lambda index: self._draft_entry(self.due_model.row_at(index.row())))
        self.month_table.doubleClicked.connect(lambda index: self._draft_entry(self.month_model.row_at(index.row())))
        self.year_table.doubleClicked.connect(self._year_clicked)
        self.due_table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.restyle()
        self._update_buttons()

    def restyle(self) -> None:
        samples = {Columns.STATE: "逾期后公开", Columns.PERIOD: "2026年第四季度", Columns.DEADLINE: "2026-12-31",
                   Columns.WHEN: "2026-11-05 张贴 2026-015", Columns.PROGRESS: "还没有拟稿(双击拟稿)"}
        for table in (self.due_table, self.month_table):
            widgets.size_columns(table, samples, stretch=Columns.ITEM)
        widgets.size_columns(self.year_table, {0: "村干部述职和民主评议结果"})
        self._fit_due()
        header = self.year_table.horizontalHeader()
        for month in range(1, 13):  # twelve months always fit beside the names, in either text size
            header.setSectionResizeMode(month, QHeaderView.ResizeMode.Stretch)

    # ------------------------------------------------------------ reading

    def set_context(self, context: actions.Context) -> None:
        first = self.context is None
        self.context = context
        current = context.catalogue.version if context.catalogue is not None else ""
        for model in (self.due_model, self.month_model, self.year_model):
            model.current_version = current
        if first:
            self.year, self.month = context.today.year, context.today.month
        if context.catalogue is None:
            show_message(self.message, context.catalogue_error, "error")
        self.refresh()

    def refresh(self) -> Task | None:
        context = self.context
        if context is None:
            return None
        self._generation += 1
        generation, store = self._generation, self.store
        year, month = self.year, None if self.year_mode else self.month
        self.loading = True
        self._show_heading()
        return (ReadOp(store, lambda s, _ctx: actions.read_calendar(s, context, year, month))
                .success(lambda data: self._loaded(data, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def _loaded(self, data: actions.CalendarData, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.loading = False
        self.data = data
        self.due_model.set_entries(data.due, data.in_progress)
        self.due_empty.setVisible(not data.due and not self.year_mode)
        self.due_table.setVisible(bool(data.due) and not self.year_mode)
        if data.due:
            self.due_table.selectRow(0)
        self._fit_due()
        overdue = sum(1 for e in data.due if e.state == OVERDUE)
        self.due_title.setText(_("现在要公开的:已逾期 {o} 项,待公开 {d} 项").format(o=overdue, d=len(data.due) - overdue)
                               if data.due else _("现在要公开的"))
        if self.year_mode:
            self.year_model.set_entries(data.entries)
        else:
            self.month_model.set_entries(data.entries, data.in_progress)
        self._summarise(data.entries)
        if self._select_after is not None:
            self._select_entry(*self._select_after)
            self._select_after = None
        self._update_buttons()
        self.loaded.emit()

    def _fit_due(self) -> None:
        """As tall as its rows, up to DUE_ROWS: the month below keeps the rest of the screen."""
        rows = min(max(self.due_model.rowCount(), 1), DUE_ROWS)
        table = self.due_table
        header = table.horizontalHeader()
        height = max(header.height(), header.sizeHint().height()) + rows * table.verticalHeader().defaultSectionSize() \
            + 2 * table.frameWidth() + (table.horizontalScrollBar().sizeHint().height() if rows == DUE_ROWS else 0)
        table.setFixedHeight(height)

    def _failed(self, exc: BaseException, generation: int) -> None:
        if isValid(self) and generation == self._generation:
            self.loading = False
            show_message(self.message, _("读取公开日历时出错:{reason}").format(reason=message_for(exc)), "error")
            self.loaded.emit()

    def _show_heading(self) -> None:
        if self.year_mode:
            self.month_label.setText(_("{year}年").format(year=self.year))
            self.prev_button.setText(_("◀ 上一年"))
            self.next_button.setText(_("下一年 ▶"))
            self.today_button.setText(_("回到今年"))
        else:
            self.month_label.setText(_("{year}年{month}月").format(year=self.year, month=self.month))
            self.prev_button.setText(_("◀ 上一个月"))
            self.next_button.setText(_("下一个月 ▶"))
            self.today_button.setText(_("回到本月"))
        self.lower.setCurrentIndex(1 if self.year_mode else 0)
        for w in (self.due_title, self.draft_button):
            w.setVisible(not self.year_mode)

    def _summarise(self, entries: list[CalendarEntry]) -> None:
        counts = {s: sum(1 for e in entries if e.state == s) for s in (DONE, LATE, DUE, OVERDUE, UPCOMING)}
        shown = sum(counts.values())
        versions = self.context.versions if self.context is not None else ()
        first = min((c.effective for c in versions), default=None)
        last_day = dt.date(self.year, 12, 31) if self.year_mode else \
            dt.date(self.year + self.month // 12, self.month % 12 + 1, 1) - dt.timedelta(days=1)
        if not shown and first is not None and last_day < first:
            self.summary_label.setText(_("{date} 以前还没有施行的村务公开目录,这段时间不按目录检查。").format(
                date=first.isoformat()))
            return
        if self.year_mode:
            lead = _("{year}年全年应公开 {n} 次").format(year=self.year, n=shown)
        elif shown:
            lead = _("这个月截止的有 {n} 项").format(n=shown)
        else:
            self.summary_label.setText(_("这个月没有按公开目录截止的事项。"))
            return
        text = _("{lead}:已公开 {done},逾期后公开 {late},待公开 {due},已逾期 {overdue},未到期 {upcoming}。").format(
            lead=lead, done=counts[DONE], late=counts[LATE], due=counts[DUE], overdue=counts[OVERDUE],
            upcoming=counts[UPCOMING])
        current = self.context.catalogue.version if self.context is not None and self.context.catalogue else ""
        older = sorted({e.catalogue_version for e in entries if version_note(e, current)})
        if older:
            text += _("其中 {n} 次按 {versions} 版公开目录:每一期按它结束那天施行的目录。").format(
                n=sum(1 for e in entries if version_note(e, current) and e.state in counts),
                versions="、".join(older))
        self.summary_label.setText(text)

    # ------------------------------------------------------------ moving

    def step(self, by: int) -> None:
        if self.year_mode:
            self.year += by
        else:
            m = self.year * 12 + self.month - 1 + by
            self.year, self.month = m // 12, m % 12 + 1
        self.refresh()

    def go_today(self) -> None:
        today = self.context.today if self.context else dt.date.today()
        self.year, self.month = today.year, today.month
        self.refresh()

    def go_to(self, year: int, month: int) -> Task | None:
        self.year, self.month = year, month
        if self.year_mode:
            self.mode_button.setChecked(False)  # refreshes
            return None
        return self.refresh()

    def set_year_mode(self, on: bool) -> None:
        self.year_mode = on
        self.mode_button.setText(_("按月查看") if on else _("全年总览"))
        self.refresh()

    def show_entry(self, item_code: str, period_key: str) -> None:
        """Go to the month of the entry's deadline and select it (from the home screen)."""
        entry = next((e for e in (self.data.due if self.data else []) if e.item.code.upper() == item_code.upper()
                      and e.period.key == period_key), None)
        self._select_after = (item_code, period_key)
        if entry is not None:
            self.go_to(entry.period.deadline.year, entry.period.deadline.month)
        else:
            self.refresh()

    def _select_entry(self, item_code: str, period_key: str) -> None:
        for table, model in ((self.due_table, self.due_model), (self.month_table, self.month_model)):
            for i in range(model.rowCount()):
                e = model.row_at(i)
                if e.item.code.upper() == item_code.upper() and e.period.key == period_key:
                    table.selectRow(i)
                    table.scrollTo(model.index(i, 0))
        self.due_table.setFocus()

    # ------------------------------------------------------------ drafting

    def selected_due(self) -> CalendarEntry | None:
        rows = self.due_table.selectionModel().selectedRows()
        return self.due_model.row_at(rows[0].row()) if rows else None

    def _update_buttons(self) -> None:
        e = self.selected_due()
        self.draft_button.setEnabled(e is not None)
        # a notice already started (a 四议两公开 one is drafted by its matter) is opened, not started again
        started = e is not None and self.due_model.started(e) is not None
        self.draft_button.setText(_("打开选中事项的草稿") if started else _("为选中的事项拟稿"))

    def _draft_selected(self) -> None:
        e = self.selected_due()
        if e is not None:
            self._draft_entry(e)

    def _draft_entry(self, e: CalendarEntry) -> None:
        if e.state == NOT_APPLICABLE:
            return
        if e.posted is not None and not widgets.confirm(
                self, _("已经公开过"), _("{item}({period})已于 {date} 张贴(编号 {number})。还要再写一份吗?").format(
                    item=e.item.name, period=e.period.label, date=e.posted.posted_on.isoformat(),
                    number=e.posted.number), _("再写一份"), _("不写")):
            return
        self.draft_requested.emit(e.item.code, e.period.key)

    def _year_clicked(self, index: QModelIndex) -> None:
        e = self.year_model.entry(index.row(), index.column())
        if e is not None:
            self._draft_entry(e)

