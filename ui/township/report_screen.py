"""月报: the month's report for the county (app.hub.report): a workbook (.xlsx, one sheet per topic) or the
two-page summary for the township head (.pdf, also shown in the print preview first).

A month with no data or a month still to come gets the report's own plain message; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.i18n import _
from ui import filedialogs
from ui.errors import message_for
from ui.style import message_label, show_message
from ui.township.ops import HubRead
from ui.widgets import heading, hint, selectable

MONTHS_OFFERED = 24


def months_before(today: dt.date, count: int = MONTHS_OFFERED) -> list[str]:
    """``YYYY-MM`` of this month and the ``count - 1`` before it, newest first."""
    year, month = today.year, today.month
    out = []
    for _i in range(count):
        out.append("{:04d}-{:02d}".format(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


class ReportScreen(QWidget):
    """``ReportScreen(hub)``: :meth:`export` (month, path) and :meth:`preview` (month) are what the buttons
    do once a file is chosen; ``exported(path)`` and ``previewed(dialog)`` after each."""

    exported = Signal(object)
    previewed = Signal(object)

    def __init__(self, hub: Any, parent: QWidget | None = None, today: Any = dt.date.today) -> None:
        super().__init__(parent)
        self.hub, self.today = hub, today
        self.busy = False
        title = heading(_("月报"))
        title.setObjectName("title")
        self.month_combo = QComboBox()
        for key in months_before(self.today()):
            year, month = key.split("-")
            self.month_combo.addItem(_("{y}年{m}月").format(y=year, m=int(month)), key)
        if self.month_combo.count() > 1:
            self.month_combo.setCurrentIndex(1)  # last month: the one reported at the start of a month
        self.preview_button = QPushButton(_("预览两页摘要…"))
        self.xlsx_button = QPushButton(_("导出Excel…"))
        self.xlsx_button.setObjectName("primary")
        self.pdf_button = QPushButton(_("导出PDF…"))
        self.message = message_label("error")
        selectable(self.message)
        row = QHBoxLayout()
        row.addWidget(QLabel(_("月份:")))
        row.addWidget(self.month_combo)
        row.addSpacing(16)
        row.addWidget(self.preview_button)
        row.addWidget(self.xlsx_button)
        row.addWidget(self.pdf_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint(_("每月初把上个月的村务监督月报报给县里。Excel 表格每个方面一页(各村同步、村务公开、"
                                "代表会议、各类会议、四议两公开、证明),逾期的格子标红并写明“逾期”;"
                                "PDF 是给乡镇领导看的两页摘要。月报里的数据以各村交来的同步包为准。")))
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.xlsx_button.clicked.connect(lambda: self.choose_and_export(".xlsx"))
        self.pdf_button.clicked.connect(lambda: self.choose_and_export(".pdf"))
        self.preview_button.clicked.connect(lambda: self.preview(self.month()))

    def month(self) -> str:
        return str(self.month_combo.currentData())

    def set_month(self, key: str) -> None:
        index = self.month_combo.findData(key)
        if index >= 0:
            self.month_combo.setCurrentIndex(index)

    def choose_and_export(self, suffix: str) -> None:
        month = self.month()
        name = _("{township}{month}村务监督月报{suffix}").format(township=self.hub.name, month=month, suffix=suffix)
        kinds = _("Excel 表格 (*.xlsx)") if suffix == ".xlsx" else _("PDF 文件 (*.pdf)")
        chosen, _filter = filedialogs.save_file_name(self, filedialogs.PDF, _("导出月报"), name, kinds)
        if chosen:
            path = Path(chosen)
            self.export(month, path if path.suffix.lower() == suffix else path.with_name(path.name + suffix))

    def export(self, month: str, path: Path) -> Any:
        from app.hub.report import export_report

        if self.busy:
            return None
        self.busy = True
        today = self.today()
        return (HubRead(self.hub, lambda hub, _ctx: export_report(hub, month, path, today=today))
                .success(lambda _r: self._exported(path)).failure(self._failed)
                .with_progress(self, _("正在生成月报……"))
                .disabling(self.xlsx_button, self.pdf_button, self.preview_button).run())

    def _exported(self, path: Path) -> None:
        self.busy = False
        if isValid(self):
            show_message(self.message, _("月报已保存:{path}").format(path=path), "ok")
            self.exported.emit(path)

    def _failed(self, exc: BaseException) -> None:
        self.busy = False
        if isValid(self):
            show_message(self.message, message_for(exc))

    def preview(self, month: str) -> Any:
        from app.hub.report import month_report, township_report_printout

        today = self.today()
        return (HubRead(self.hub, lambda hub, _ctx: township_report_printout(month_report(hub, month, today=today)))
                .success(self._open_preview).failure(self._failed).run())

    def _open_preview(self, printout: Any) -> None:
        from ui.printing.preview import PrintoutDialog

        if not isValid(self):
            return
        show_message(self.message, "")
        dialog = PrintoutDialog(printout, parent=self, suggested_name="{t}.pdf".format(t=printout.title))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        self.previewed.emit(dialog)
