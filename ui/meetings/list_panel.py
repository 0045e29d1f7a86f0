"""会议列表: every meeting, newest first, with filters and a search across the minutes.

The search box finds any word of the minutes: title, place, people, agenda, what was
said in the discussion, motions, resolutions, corrections (one or two characters are
enough: 水渠). Double-click or Enter opens the meeting in the editor.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.i18n import _
from app.meetings.kinds import MeetingKind
from app.meetings.models import CLOSED, PLANNED
from app.meetings.service import MeetingQuery, state_label
from app.searchtext import also_line
from app.storage import Store
from ui.errors import message_for
from ui.meetings import actions
from ui.meetings.model import Columns, MeetingListModel
from ui.style import message_label, show_message
from ui.tasks import Task
from ui.widgets import fit_combos, record_table, refill_years, search_timer, select_row, size_columns

ALL = ""
_SAMPLE = {Columns.DATE: "2026-10-12", Columns.KIND: "村务监督委员会会议", Columns.ATTENDANCE: "应到/实到",
           Columns.QUORATE: "不足法定人数", Columns.VOTES: "表决 通过/总数", Columns.STATE: "未结束"}


class ListPanel(QWidget):
    """The 会议列表 tab; ``open_requested(meeting_id)``, ``new_requested``."""

    open_requested = Signal(int)
    new_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.context: actions.Context | None = None
        self._select_after: int | None = None

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("查找会议记录里的字,例如 水渠、低保、张三(Ctrl+F)"))
        self.search_edit.setClearButtonEnabled(True)
        self.kind_combo = QComboBox()
        self.kind_combo.addItem(_("全部会议类型"), ALL)
        for k in MeetingKind:
            self.kind_combo.addItem(k.label, k.value)
        self.year_combo = QComboBox()
        self.year_combo.addItem(_("全部年份"), ALL)
        self.state_combo = QComboBox()
        self.state_combo.addItem(_("全部状态"), ALL)
        for s in (PLANNED, CLOSED):
            self.state_combo.addItem(state_label(s), s)
        self.count_label = QLabel("")
        self.count_label.setObjectName("heading")
        self.open_button = QPushButton(_("打开"))
        self.open_button.setToolTip(_("打开选中的会议(双击或按回车也可以)"))
        self.new_button = QPushButton(_("新建会议"))
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip(_("新建一次会议的记录(Ctrl+N)"))
        self.message = message_label("error")
        self.also_label = message_label("hint")  # 同时查找了“最低生活保障”: the short forms looked for too
        self.model = MeetingListModel(store, self)
        self.table = record_table(self.model)
        self.empty_label = QLabel("")
        self.empty_label.setObjectName("hint")
        self.empty_label.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.year_combo)
        filters.addWidget(self.state_combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        filters.addSpacing(12)
        filters.addWidget(self.open_button)
        filters.addWidget(self.new_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(self.search_edit)
        layout.addWidget(self.also_label)
        layout.addLayout(filters)
        layout.addWidget(self.message)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)
        self.setTabOrder(self.search_edit, self.kind_combo)
        self.setTabOrder(self.kind_combo, self.year_combo)
        self.setTabOrder(self.year_combo, self.state_combo)
        self.setTabOrder(self.state_combo, self.table)
        self.setTabOrder(self.table, self.open_button)
        self.setTabOrder(self.open_button, self.new_button)

        self._timer = search_timer(self, self.apply_filters)
        self.search_edit.textChanged.connect(self._timer.start)
        self.search_edit.returnPressed.connect(self.apply_filters)
        for combo in (self.kind_combo, self.year_combo, self.state_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.new_button.clicked.connect(self.new_requested.emit)
        self.open_button.clicked.connect(self._open_selected)
        self.table.doubleClicked.connect(lambda _i: self._open_selected())
        self.table.activated.connect(lambda _i: self._open_selected())
        self.model.loaded.connect(self._loaded)
        self.model.loadFailed.connect(
            lambda exc: show_message(self.message, message_for(exc), "error") if isValid(self) else None)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.restyle()
        self._update_buttons()

    def restyle(self) -> None:
        size_columns(self.table, _SAMPLE, stretch=Columns.TITLE)
        fit_combos(self.kind_combo, self.year_combo, self.state_combo)

    # ------------------------------------------------------------ filters

    def set_context(self, context: actions.Context) -> None:
        first = self.context is None
        self.context = context
        refill_years(self.year_combo, context.years, context.today.year)
        self.restyle()
        if first:
            self.apply_filters()

    def query(self) -> MeetingQuery:
        year = self.year_combo.currentData()
        return MeetingQuery(text=self.search_edit.text().strip(), kind=str(self.kind_combo.currentData() or ""),
                            year=int(year) if year else None, state=str(self.state_combo.currentData() or ""))

    def apply_filters(self) -> Task:
        self._timer.stop()
        show_message(self.message, "")
        return self.model.set_query(self.query())

    def refresh(self, select: int | None = None) -> Task | None:
        if select is not None:
            self._select_after = select
        if self.model.query is None:
            return self.apply_filters() if self.context is not None else None
        return self.model.refresh()

    def focus_search(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _loaded(self) -> None:
        if not isValid(self):
            return
        total = self.model.total
        searching = self.query() != MeetingQuery()
        self.count_label.setText((_("找到 {n} 次会议") if searching else _("共 {n} 次会议")).format(n=total))
        query = self.model.query
        show_message(self.also_label, also_line(query.also_searched) if query else "", "hint")
        if total == 0:
            self.empty_label.setText(_("没有找到符合条件的会议。可以换一个字查找,或把筛选改回“全部”。") if searching
                                     else _("还没有会议记录。点右上角“新建会议”记录第一次会议。"))
        self.empty_label.setVisible(total == 0)
        if self._select_after is not None:
            row = self.model.row_of(self._select_after)
            if row is not None:
                select_row(self.table, row)
                self._select_after = None
        self._update_buttons()

    # ------------------------------------------------------------ selection

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_id() is not None)

    def _open_selected(self) -> None:
        mid = self.selected_id()
        if mid is not None:
            self.open_requested.emit(mid)

    def titles(self) -> list[str]:
        """The titles listed now, top to bottom (for a test or a screen reader)."""
        return [self.model.row_at(i).title for i in range(self.model.rowCount())]
