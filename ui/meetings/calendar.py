"""会议日历: a month laid out as on the wall calendar, each day with the meetings held on it.

Each meeting shows its kind and, in words as well as colour, whether it was quorate
(有效 / 不足法定人数 / 未登记到会), so the month reads on a grey screen and for a clerk who
does not tell red from green. Clicking a meeting (or Tab to it and Enter) opens it;
新建会议 on the right of the month's buttons starts a new one (this is the tab the screen opens on).
Under the month: how many meetings it had, and whether this quarter's representatives'
meeting was held (Organic Law Art. 26: at least once a quarter).
"""

from __future__ import annotations

import calendar as cal
import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout,
                               QWidget)
from shiboken6 import isValid

from app.i18n import _
from app.meetings.service import MeetingSummary
from app.storage import Store
from ui import widgets
from ui.errors import message_for
from ui.meetings import actions
from ui.meetings.common import BAD, GOOD, PENDING, page_scroll, quorum_state, quorum_word, short_kind
from ui.operations import ReadOp
from ui.style import message_label, show_message
from ui.tasks import Task


def weekday_names() -> list[str]:
    return [_("星期一"), _("星期二"), _("星期三"), _("星期四"), _("星期五"), _("星期六"), _("星期日")]


class MeetingChip(QFrame):
    """One meeting on a day: its kind and the quorum word; ``clicked(meeting_id)`` by mouse, Enter or Space."""

    clicked = Signal(int)

    def __init__(self, m: MeetingSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.meeting = m
        self.setObjectName("chip_" + quorum_state(m))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # two fixed lines, not word wrap: a wrapped label's height is not passed up to the grid, whose rows
        # would then squeeze the chip in 大字模式 instead of letting the month scroll
        self.label = QLabel(self.text())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.addWidget(self.label)
        self.setToolTip(_("{title}\n{date} {kind}:{word}。点一下打开。").format(
            title=m.title, date=m.date.isoformat(), kind=m.kind, word=quorum_word(m)))
        self.setAccessibleName(self.text())

    def text(self) -> str:
        return _("{kind}\n{word}").format(kind=short_kind(self.meeting.kind), word=quorum_word(self.meeting))

    def click(self) -> None:
        self.clicked.emit(self.meeting.id)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.click()
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.click()
            return
        super().keyPressEvent(event)


class DayCell(QFrame):
    """A day of the grid: its number and its meetings."""

    def __init__(self, day: dt.date, in_month: bool, today: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.day = day
        self.setObjectName("dayToday" if today else "day" if in_month else "dayOther")
        self.number = QLabel(_("{d}日").format(d=day.day) if day.day != 1 else _("{m}月1日").format(m=day.month))
        self.number.setObjectName("dayNumber")
        self.chips: list[MeetingChip] = []
        self.box = QVBoxLayout(self)
        self.box.setContentsMargins(4, 2, 4, 4)
        self.box.setSpacing(3)
        self.box.addWidget(self.number)
        self.box.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def add(self, chip: MeetingChip) -> None:
        self.chips.append(chip)
        self.box.insertWidget(self.box.count() - 1, chip)


def month_days(year: int, month: int) -> list[dt.date]:
    """Whole weeks, Monday first, from the week of the 1st to the week of the last day."""
    first = dt.date(year, month, 1)
    start = first - dt.timedelta(days=first.weekday())
    last = dt.date(year, month, cal.monthrange(year, month)[1])
    end = last + dt.timedelta(days=6 - last.weekday())
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


class CalendarPanel(QWidget):
    """The 会议日历 tab; ``open_requested(meeting_id)``; ``new_requested`` for 新建会议; ``loaded`` after
    each month is shown."""

    open_requested = Signal(int)
    new_requested = Signal()
    loaded = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.context: actions.Context | None = None
        today = dt.date.today()
        self.year, self.month = today.year, today.month
        self.meetings: list[MeetingSummary] = []
        self.cells: dict[dt.date, DayCell] = {}
        self._generation = 0
        self.loading = False

        self.prev_button = QPushButton(_("◀ 上一个月"))
        self.next_button = QPushButton(_("下一个月 ▶"))
        self.today_button = QPushButton(_("回到本月"))
        self.new_button = QPushButton(_("新建会议"))
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip(_("新建一次会议的记录(Ctrl+N)"))
        self.month_label = QLabel("")
        self.month_label.setObjectName("heading")
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("lead")
        self.summary_label.setWordWrap(True)
        self.quarter_label = message_label("hint")
        self.message = message_label("error")
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(2)
        self.grid.setContentsMargins(0, 0, 0, 0)
        scroll = page_scroll(self.grid_host)
        legend = widgets.hint(_("说明:有效 = 到会人数达到法定要求;不足法定人数 = 没有达到,不能作出决定;"
                                "未登记到会 = 还没有记下谁到会。点一次会议就能打开它的记录。"))

        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.month_label)
        nav.addWidget(self.next_button)
        nav.addWidget(self.today_button)
        nav.addStretch(1)
        nav.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(nav)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.quarter_label)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        layout.addWidget(legend)

        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(self.go_today)
        self.new_button.clicked.connect(self.new_requested)
        self._show_heading()

    # ------------------------------------------------------------ reading

    def set_context(self, context: actions.Context) -> None:
        first = self.context is None
        self.context = context
        if first:
            self.year, self.month = context.today.year, context.today.month
        self._show_quarter()
        self.refresh()

    def refresh(self) -> Task | None:
        if self.context is None:
            return None
        self._generation += 1
        generation, store, year, month = self._generation, self.store, self.year, self.month
        self.loading = True
        self._show_heading()
        return (ReadOp(store, lambda s, _ctx: actions.read_month(s, year, month))
                .success(lambda rows: self._loaded(rows, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def _failed(self, exc: BaseException, generation: int) -> None:
        if isValid(self) and generation == self._generation:
            self.loading = False
            show_message(self.message, _("读取会议日历时出错:{reason}").format(reason=message_for(exc)), "error")
            self.loaded.emit()

    def _loaded(self, rows: list[MeetingSummary], generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.loading = False
        show_message(self.message, "")
        self.meetings = rows
        self._lay_out(rows)
        self._summarise(rows)
        self.loaded.emit()

    def _lay_out(self, rows: list[MeetingSummary]) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.deleteLater()
        self.cells = {}
        for col, name in enumerate(weekday_names()):
            label = QLabel(name)
            label.setObjectName("weekday")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.grid.addWidget(label, 0, col)
        today = self.context.today if self.context else dt.date.today()
        by_day: dict[dt.date, list[MeetingSummary]] = {}
        for m in rows:
            by_day.setdefault(m.date, []).append(m)
        days = month_days(self.year, self.month)
        for i, day in enumerate(days):
            cell = DayCell(day, day.month == self.month, day == today)
            for m in by_day.get(day, []):
                chip = MeetingChip(m)
                chip.clicked.connect(self.open_requested.emit)
                cell.add(chip)
            self.cells[day] = cell
            self.grid.addWidget(cell, 1 + i // 7, i % 7)
        for col in range(7):
            self.grid.setColumnStretch(col, 1)
        weeks = len(days) // 7
        for row in range(1, 8):  # a six-week month before this one left its last row stretched
            self.grid.setRowStretch(row, 1 if row <= weeks else 0)

    def _summarise(self, rows: list[MeetingSummary]) -> None:
        if not rows:
            self.summary_label.setText(_("{year}年{month}月没有会议记录。").format(year=self.year, month=self.month))
            return
        states = [quorum_state(m) for m in rows]
        self.summary_label.setText(
            _("{year}年{month}月共 {n} 次会议:有效 {good} 次,不足法定人数 {bad} 次,未登记到会 {pending} 次。").format(
                year=self.year, month=self.month, n=len(rows), good=states.count(GOOD), bad=states.count(BAD),
                pending=states.count(PENDING)))

    def _show_quarter(self) -> None:
        q = self.context.quarter if self.context else None
        if q is None:
            show_message(self.quarter_label, "")
            return
        if q.overdue_quarter:
            show_message(self.quarter_label, _("{quarter}没有召开村民代表会议。《村民委员会组织法》第二十六条:"
                                               "村民代表会议至少每季度召开一次。").format(quarter=q.overdue_quarter),
                         "error")
        elif q.held:
            show_message(self.quarter_label, _("本季度({quarter})已召开村民代表会议。").format(quarter=q.quarter), "ok")
        else:
            show_message(self.quarter_label, _("本季度({quarter})还没有召开村民代表会议;第二十六条要求至少每季度一次。")
                         .format(quarter=q.quarter), "hint")

    def _show_heading(self) -> None:
        self.month_label.setText(_("{year}年{month}月").format(year=self.year, month=self.month))

    # ------------------------------------------------------------ moving

    def step(self, by: int) -> Task | None:
        m = self.year * 12 + self.month - 1 + by
        self.year, self.month = m // 12, m % 12 + 1
        return self.refresh()

    def go_today(self) -> Task | None:
        today = self.context.today if self.context else dt.date.today()
        return self.go_to(today.year, today.month)

    def go_to(self, year: int, month: int) -> Task | None:
        self.year, self.month = year, month
        return self.refresh()

    def chips_on(self, day: dt.date) -> list[MeetingChip]:
        cell = self.cells.get(day)
        return list(cell.chips) if cell is not None else []
