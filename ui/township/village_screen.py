"""各村详情: one village, read-only, as the township received it.

The village's records are built into a read-only copy of its store (app.hub.village_copy) on a worker;
the village's own read-only views then show it unchanged: the notice list and its print preview (the PDF is
the village's own, same bytes), the meeting list and the minutes' print preview, the 四议两公开 board
without its buttons, the certificate register, the refusals and the residents by group. The 概况 tab is the
hub's view of the village (app.hub.status.village_detail): what is overdue, late or due.
Nothing here writes: there is nothing to save and no button that changes a record.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QComboBox, QHBoxLayout, QLabel, QPushButton, QTableWidget, QTableWidgetItem,
                               QTabWidget, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.i18n import _
from ui.errors import message_for
from ui.operations import ReadOp
from ui.style import ERROR, OK, message_label, show_message
from ui.township.ops import HubRead, hub_events
from ui.widgets import FollowsTextSize, heading, hint, record_table, selectable, size_columns

COPIES = "copies"  # under the hub's folder: the read-only copies of the villages' stores


def _copy_store(hub: Any, code: str) -> Any:
    """Build a fresh copy of ``code``'s store (a new folder each time: an older copy may still be read)."""
    from app.hub.village_copy import village_copy
    from app.schema import open_store

    _sweep(hub.dir / COPIES)
    folder = hub.dir / COPIES / "{code}-{tag}".format(code=code, tag=uuid.uuid4().hex[:8])
    return open_store(village_copy(hub, code, folder))


def _sweep(folder: Path, older_than: float = 24 * 3600) -> None:
    """Remove the copies a program that was killed left behind (never one made today: it may be in use)."""
    import shutil
    import time

    if not folder.is_dir():
        return
    for entry in folder.iterdir():
        try:
            if time.time() - entry.stat().st_mtime > older_than:
                shutil.rmtree(entry, ignore_errors=True)
        except OSError:
            pass


def _drop_copy(store: Any) -> None:
    import shutil

    store.close()
    shutil.rmtree(store.data_dir, ignore_errors=True)


def plain_table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill(table: QTableWidget, rows: list[list[str]], colours: list[str | None] | None = None) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setToolTip(text)
            if colours and colours[r]:
                item.setForeground(QColor(colours[r]))
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)


def detail_lines(detail: Any, silence: int = 14) -> list[tuple[str, str | None]]:
    """The 概况 of a village: (words, colour) lines from its VillageDetail, in full sentences."""
    from ui.township.overview import Columns, cell, long_words

    s = detail.status
    lines = []
    for column in (Columns.LAST_SYNC, Columns.BUNDLES, Columns.OVERDUE, Columns.MEETING, Columns.MATTERS,
                   Columns.CERTIFICATES, Columns.ALERTS):
        words, colour, _key = cell(s, column, silence)
        if column == Columns.OVERDUE:
            text = _("村务公开:{words}").format(words=long_words(s, column, silence))
        elif column == Columns.MEETING:
            text = _("{q}村民代表会议:{words}(村民委员会组织法第二十六条:村民代表会议每季度召开一次)").format(
                q=s.quarter_label, words=words)
        elif column == Columns.ALERTS:
            text = _("提醒:{words}").format(words=words)
        else:
            text = long_words(s, column, silence)
        lines.append((text, colour))
    return lines


class ReadOnlyMatterBoard:
    """The village's 四议两公开 board (ui.meetings.matter_board.MatterBoard) over the copy, without its buttons."""

    @staticmethod
    def make(store: Any) -> QWidget:
        from ui.meetings.matter_board import MatterBoard

        class _Board(MatterBoard):
            def _connect(self, card: Any) -> None:  # the cards' actions change records: not here
                for button in (card.advance_button, card.authorise_button, card.result_button, card.close_button,
                               card.filing_button, card.notice_button):
                    button.setVisible(False)
                for box in card.step_boxes:
                    if box.open_button is not None:
                        box.open_button.setVisible(False)

        board = _Board(store, _("乡镇"), store.data_dir)
        board.new_button.setVisible(False)
        return board


class VillageScreen(FollowsTextSize, QWidget):
    """``VillageScreen(hub, data_dir)``: :meth:`show_village` (code); ``shown(code)`` once the village's copy
    and its facts are on screen; ``previewed(dialog)`` when a print preview opens."""

    shown = Signal(str)
    previewed = Signal(object)

    def __init__(self, hub: Any, data_dir: Path, parent: QWidget | None = None, today: Any = dt.date.today) -> None:
        super().__init__(parent)
        self.hub, self.data_dir, self.today = hub, Path(data_dir), today
        self.code = ""
        self.copy: Any = None
        self.detail: Any = None
        self._asked = 0
        self.notice_model: Any = None
        self.meeting_model: Any = None
        self.register_model: Any = None
        self.board: QWidget | None = None

        self.title = heading(_("各村详情"))
        self.title.setObjectName("title")
        self.village_combo = QComboBox()
        self.village_combo.setMinimumContentsLength(12)
        self.refresh_button = QPushButton(_("刷新"))
        self.state_label = QLabel("")
        self.state_label.setObjectName("hint")
        self.message = message_label("error")
        selectable(self.message)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("村:")))
        top.addWidget(self.village_combo)
        top.addWidget(self.refresh_button)
        top.addWidget(self.state_label, 1)

        self.tabs = QTabWidget()
        # 概况
        self.summary_box = QWidget()
        self.summary_layout = QVBoxLayout(self.summary_box)
        self.summary_lines: list[QLabel] = []
        self.lists = plain_table([_("情况"), _("公开事项"), _("期间"), _("截止日期"), _("张贴日期")])
        self.summary_layout.addWidget(self.lists, 1)
        self.tabs.addTab(self.summary_box, _("概况"))
        # 公开公告
        self.notices_box, self.notices_slot, self.notice_button = self._tab_with_button(_("打印预览…"))
        self.notice_button.setToolTip(_("和村里打印的一模一样:同样的版式、编号和核验码"))
        self.tabs.addTab(self.notices_box, _("公开公告"))
        # 会议记录
        self.meetings_box, self.meetings_slot, self.minutes_button = self._tab_with_button(_("会议记录预览…"))
        self.tabs.addTab(self.meetings_box, _("会议记录"))
        # 四议两公开
        self.board_box = QWidget()
        self.board_layout = QVBoxLayout(self.board_box)
        self.board_layout.setContentsMargins(0, 0, 0, 0)
        self.tabs.addTab(self.board_box, _("四议两公开"))
        # 证明台账
        self.register_box = QWidget()
        self.register_layout = QVBoxLayout(self.register_box)
        self.tabs.addTab(self.register_box, _("证明台账"))
        # 拒绝开具
        self.refusals = plain_table([_("日期"), _("申请开具"), _("申请人"), _("不开具的原因"), _("应到何处办理")])
        self.tabs.addTab(self.refusals, _("拒绝开具"))
        # 村民
        self.groups = plain_table([_("村民小组"), _("村民人数")])
        self.tabs.addTab(self.groups, _("村民"))

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(hint(_("只能查看,不能修改:这是乡镇收到的各村数据,截至该村上次交来的同步包。")))
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)

        self.village_combo.activated.connect(lambda _i: self.show_village(str(self.village_combo.currentData())))
        self.refresh_button.clicked.connect(lambda: self.code and self.show_village(self.code))
        self.notice_button.clicked.connect(self.preview_notice)
        self.minutes_button.clicked.connect(self.preview_minutes)
        hub_events().changed.connect(self._hub_changed)
        self.restyle()
        QTimer.singleShot(0, self.load_villages)

    def apply_text_size(self, base: int) -> None:
        from ui.certificates import common

        self.setStyleSheet(common.style_sheet(base))

    def _tab_with_button(self, text: str) -> tuple[QWidget, QVBoxLayout, QPushButton]:
        box = QWidget()
        layout = QVBoxLayout(box)
        slot = QVBoxLayout()
        layout.addLayout(slot, 1)
        button = QPushButton(text)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        layout.addLayout(row)
        return box, slot, button

    # ------------------------------------------------------------ which village

    def load_villages(self) -> None:
        from app.hub.service import list_villages

        HubRead(self.hub, lambda hub, _ctx: list_villages(hub)).success(self._villages).failure(self._failed).run()

    def _villages(self, villages: list[Any]) -> None:
        if not isValid(self):
            return
        self.village_combo.clear()
        for v in sorted(villages, key=lambda v: v.name):
            self.village_combo.addItem(v.name, v.code)
        if self.code:
            self.village_combo.setCurrentIndex(max(self.village_combo.findData(self.code), 0))
        elif villages:
            self.state_label.setText(_("选一个村查看;在“总览”里双击一个村也会打开这里。"))
        else:
            self.state_label.setText(_("还没有登记任何村。"))

    def _hub_changed(self, hub: Any, _what: str) -> None:
        if isValid(self) and hub is self.hub:
            self.load_villages()

    def show_village(self, code: str) -> None:
        from app.hub.status import silence_limit, village_detail

        if not code:
            return
        self.code = code
        index = self.village_combo.findData(code)
        if index >= 0:
            self.village_combo.setCurrentIndex(index)
        self._asked += 1
        asked, day = self._asked, self.today()
        self.state_label.setText(_("正在读取……"))
        show_message(self.message, "")

        def read(hub: Any, _ctx: Any) -> tuple[Any, Any, int]:
            silence = silence_limit(hub)
            detail = village_detail(hub, code, day, silence_days=silence)
            return detail, _copy_store(hub, code), silence

        HubRead(self.hub, read).success(lambda r: self._show(r, asked)).failure(
            lambda exc: self._failed(exc, asked)).run()

    def _failed(self, exc: BaseException, asked: int | None = None) -> None:
        if not isValid(self) or (asked is not None and asked != self._asked):
            return
        self.state_label.setText("")
        show_message(self.message, message_for(exc))

    def _show(self, answer: tuple[Any, Any, int], asked: int) -> None:
        detail, store, silence = answer
        if not isValid(self) or asked != self._asked:
            _drop_copy(store)
            return
        old, self.copy, self.detail = self.copy, store, detail
        s = detail.status
        self.state_label.setText(_("{name}(村代码 {code}),截至 {day}").format(
            name=s.name, code=s.code, day=s.last_sync[:10] or _("从未同步")))
        self._show_summary(detail, silence)
        self._show_views(store)
        if old is not None:
            QTimer.singleShot(2000, lambda: _drop_copy(old))  # its last reads are done by then
        self.shown.emit(self.code)

    def _show_summary(self, detail: Any, silence: int) -> None:
        for label in self.summary_lines:
            self.summary_layout.removeWidget(label)
            label.deleteLater()
        self.summary_lines = []
        for i, (text, colour) in enumerate(detail_lines(detail, silence)):
            label = QLabel(text)
            label.setWordWrap(True)
            if colour:
                label.setStyleSheet("color: {c};{b}".format(c=colour, b=" font-weight: bold;" if colour == ERROR else ""))
            self.summary_layout.insertWidget(i, label)
            self.summary_lines.append(label)
        rows, colours = [], []
        for state, items, colour in ((_("逾期未公开"), detail.overdue, ERROR), (_("迟公开"), detail.late, ERROR),
                                     (_("快到期"), detail.due, None)):
            for d in items:
                rows.append([state, d.item_name or d.item, d.period_label or d.period, d.deadline, d.posted_on or "-"])
                colours.append(colour)
        fill(self.lists, rows, colours)
        self.lists.setVisible(bool(rows))

    def _show_views(self, store: Any) -> None:
        from app.certificates.register import RegisterQuery
        from app.disclosure.service import NoticeQuery
        from app.meetings.service import MeetingQuery
        from ui.certificates.register_model import RegisterModel
        from ui.disclosure.notice_model import NoticeListModel
        from ui.meetings.model import MeetingListModel

        for model in (self.notice_model, self.meeting_model, self.register_model):
            if model is not None:
                model.deleteLater()  # it reads the previous copy, which goes away
        for slot in (self.notices_slot, self.meetings_slot, self.register_layout, self.board_layout):
            while slot.count():
                widget = slot.takeAt(0).widget()
                if widget is not None:
                    widget.deleteLater()
        self.notice_model = NoticeListModel(store, self)
        self.notice_table = record_table(self.notice_model)
        self.notices_slot.addWidget(self.notice_table)
        self.notice_model.set_query(NoticeQuery(state="published"))
        self.notice_table.doubleClicked.connect(lambda _i: self.preview_notice())

        self.meeting_model = MeetingListModel(store, self)
        self.meeting_table = record_table(self.meeting_model)
        self.meetings_slot.addWidget(self.meeting_table)
        self.meeting_model.set_query(MeetingQuery())
        self.meeting_table.doubleClicked.connect(lambda _i: self.preview_minutes())

        self.register_model = RegisterModel(store, self)
        self.register_table = record_table(self.register_model)
        self.register_layout.addWidget(self.register_table)
        self.register_model.set_query(RegisterQuery())

        self.board = ReadOnlyMatterBoard.make(store)
        self.board_layout.addWidget(self.board)
        QTimer.singleShot(0, self._size_tables)

        from app.certificates.service import list_refusals
        from app.people.service import list_groups

        ReadOp(store, lambda s, _ctx: (list_refusals(s), list_groups(s))).success(self._show_lists) \
            .failure(self._failed).run()

    def _size_tables(self) -> None:
        """The column widths the village's own lists use (their samples), in the type size now in use."""
        if not isValid(self) or self.notice_model is None:
            return
        from ui.certificates.register_panel import _SAMPLE as REGISTER
        from ui.disclosure.list_panel import _SAMPLE as NOTICES
        from ui.disclosure.notice_model import Columns as N
        from ui.meetings.list_panel import _SAMPLE as MEETINGS
        from ui.meetings.model import Columns as M

        size_columns(self.notice_table, NOTICES, stretch=N.TITLE)
        size_columns(self.meeting_table, MEETINGS, stretch=M.TITLE)
        size_columns(self.register_table, REGISTER)

    def changeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        from PySide6.QtCore import QEvent

        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self._size_tables)  # 大字模式 switched on or off
        super().changeEvent(event)

    def _show_lists(self, answer: tuple[list[Any], list[Any]]) -> None:
        if not isValid(self):
            return
        refusals, groups = answer
        fill(self.refusals, [[r.date.isoformat(), r.requested, r.applicant, r.reason, r.authority] for r in refusals])
        rows = [[g.name, str(g.residents)] for g in groups]
        rows.append([_("合计"), str(sum(g.residents for g in groups))])
        fill(self.groups, rows)

    # ------------------------------------------------------------ print previews (the village's own)

    def _selected(self, table_name: str, model: Any) -> Any:
        table = getattr(self, table_name, None)
        if model is None or table is None:
            return None
        index = table.currentIndex()
        row = index.row() if index.isValid() else (0 if model.rowCount() else -1)
        return model.row_at(row) if row >= 0 else None

    def preview_notice(self, notice_id: int | None = None, print_date: dt.date | None = None) -> Any:
        from app.disclosure.printing import notice_printout
        from app.disclosure.service import notice_view

        picked = notice_id if notice_id is not None else getattr(self._selected("notice_table", self.notice_model),
                                                                 "id", None)
        if picked is None or self.copy is None:
            show_message(self.message, _("先在列表里选一份公告。"), "hint")
            return None
        day = print_date or self.today()
        return ReadOp(self.copy, lambda s, _ctx: notice_printout(notice_view(s, picked, print_date=day))) \
            .success(self._open_preview).failure(self._failed).run()

    def preview_minutes(self, meeting_id: int | None = None) -> Any:
        from app.meetings.printing import minutes_printout
        from app.meetings.printouts import minutes_view

        picked = meeting_id if meeting_id is not None else getattr(
            self._selected("meeting_table", self.meeting_model), "id", None)
        if picked is None or self.copy is None:
            show_message(self.message, _("先在列表里选一次会议。"), "hint")
            return None
        data_dir, day = self.copy.data_dir, self.today()
        return ReadOp(self.copy, lambda s, _ctx: minutes_printout(minutes_view(s, picked, print_date=day,
                                                                               data_dir=data_dir))) \
            .success(self._open_preview).failure(self._failed).run()

    def _open_preview(self, printout: Any) -> None:
        from ui.printing.preview import PrintoutDialog

        if not isValid(self):
            return
        dialog = PrintoutDialog(printout, parent=self, suggested_name="{t}.pdf".format(t=printout.title))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.previewed.emit(dialog)

    def close_copy(self) -> None:
        """Close the copy on screen and remove it (the window closes)."""
        if self.copy is not None:
            _drop_copy(self.copy)
            self.copy = None
