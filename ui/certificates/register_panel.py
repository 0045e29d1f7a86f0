"""台账: every certificate issued, pending or voided, with filters, void, reprint, Excel and print.

Nothing is ever deleted from the register: a wrong certificate is voided with a
reason (its number stays used and the row says 已作废), and every print after
the first is a reprint marked 补打 on the paper. A reprint goes to the printer and is
logged only once the printer took it; the printed register opens in the preview.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.certificates.models import ISSUED, PENDING, VOIDED
from app.certificates.register import RegisterQuery, RegisterRow
from app.i18n import _
from app.searchtext import also_line
from app.storage import Store
from app.printing.document import Printout
from ui import filedialogs, widgets
from ui.certificates import actions, printing

from ui.certificates.dialogs import ReasonDialog
from ui.certificates.register_model import Columns, RegisterModel
from ui.errors import show_error
from ui.operations import CERTIFICATES, AppWriteOp, ReadOp, WriteOp
from ui.style import message_label, show_message
from ui.tasks import Task
from ui.widgets import record_table, search_timer, selectable, size_columns

ALL = ""
_SAMPLE = {
    Columns.SERIAL: "2026-居住-00077", Columns.KIND: "土地承包经营权", Columns.APPLICANT: "欧阳小明",
    Columns.ID_NUMBER: "3701**********1234", Columns.PURPOSE: "申请最低生活保障", Columns.DATE: "2026-00-00",
    Columns.VERIFIER: "欧阳小明", Columns.APPROVER: "欧阳小明", Columns.PRINTS: "打印次数", Columns.STATE: "已作废 ",
}


class RegisterPanel(QWidget):
    """The 台账 tab. ``changed`` after a void or a reprint."""

    changed = Signal()

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.context: actions.Context | None = None
        self.last_printed: actions.Printed | None = None
        self.register_dialog: QDialog | None = None
        self.last_export: tuple[Path, int] | None = None
        self.details: actions.Details | None = None
        self._detail_asked = 0
        self._select_after: str | None = None

        self.kind_combo = QComboBox()
        self.kind_combo.addItem(_("全部种类"), ALL)
        self.kind_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_combo = QComboBox()
        self.year_combo.addItem(_("全部年份"), None)
        self.applicant_edit = QLineEdit()
        self.applicant_edit.setPlaceholderText(_("姓名、身份证号、证明种类或用途,例如 低保"))
        self.applicant_edit.setClearButtonEnabled(True)
        self.state_combo = QComboBox()
        for label, state in ((_("全部状态"), ALL), (_("已开具"), ISSUED), (_("待办"), PENDING), (_("已作废"), VOIDED)):
            self.state_combo.addItem(label, state)
        self.count_label = QLabel()
        self.count_label.setObjectName("heading")

        self.void_button = QPushButton(_("作废…"))
        self.void_button.setToolTip(_("作废选中的证明:编号保留不再使用,台账里标明已作废"))
        self.reprint_button = QPushButton(_("补打…"))
        self.reprint_button.setToolTip(_("再打印一份选中的证明,纸上标明“补打”和第几次打印"))
        self.export_button = QPushButton(_("导出Excel…"))
        self.export_button.setToolTip(_("按现在的筛选条件导出台账和拒绝开具记录,报给乡镇"))
        self.print_button = QPushButton(_("打印台账…"))
        self.print_button.setToolTip(_("按现在的筛选条件把台账排成表格,在预览里打印或另存为PDF"))
        self.message = message_label("ok")
        selectable(self.message)
        self.also_label = message_label("hint")  # 同时查找了“最低生活保障”: the short forms looked for too

        self.model = RegisterModel(store, self)
        self.table = record_table(self.model)
        self.details_label = selectable(QLabel(""))
        self.details_label.setObjectName("hint")
        self.details_label.setWordWrap(True)

        filters = QHBoxLayout()
        filters.addWidget(self.kind_combo)
        filters.addWidget(self.year_combo)
        filters.addWidget(self.state_combo)
        filters.addWidget(self.applicant_edit, 1)
        actions_row = QHBoxLayout()
        actions_row.addWidget(self.count_label)
        actions_row.addStretch(1)
        for button in (self.void_button, self.reprint_button, self.export_button, self.print_button):
            actions_row.addWidget(button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(filters)
        layout.addLayout(actions_row)
        layout.addWidget(self.also_label)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details_label)

        self._timer = search_timer(self, self.apply_filters)
        self.applicant_edit.textChanged.connect(self._timer.start)
        self.applicant_edit.returnPressed.connect(self.apply_filters)
        for combo in (self.kind_combo, self.year_combo, self.state_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.void_button.clicked.connect(self.void_selected)
        self.reprint_button.clicked.connect(self.reprint_selected)
        self.export_button.clicked.connect(self.export_excel)
        self.print_button.clicked.connect(self.print_register)
        self.model.loaded.connect(self._loaded)
        self.model.modelReset.connect(self._update_buttons)
        self.model.loadFailed.connect(lambda exc: show_error(self, exc))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self._size_table()
        self._update_buttons()

    def _size_table(self) -> None:
        size_columns(self.table, _SAMPLE)
        self.table.horizontalHeader().setStretchLastSection(True)

    def restyle(self) -> None:
        self._size_table()

    # ------------------------------------------------------------ filters

    def set_context(self, context: actions.Context) -> None:
        """Kinds and years to filter by. The first time, the register opens on this year."""
        first = self.context is None
        self.context = context
        for combo in (self.kind_combo, self.year_combo):
            combo.blockSignals(True)
        kind = self.kind_combo.currentData()
        while self.kind_combo.count() > 1:
            self.kind_combo.removeItem(1)
        seen: set[str] = set()
        for lst in reversed(context.catalogues.approved if context.catalogues else ()):
            for k in lst.items:
                if k.code not in seen:
                    seen.add(k.code)
                    self.kind_combo.addItem(k.name, k.code)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(kind), 0))
        year = self.year_combo.currentData()
        while self.year_combo.count() > 1:
            self.year_combo.removeItem(1)
        years = sorted(set(context.years) | {context.today.year}, reverse=True)
        for y in years:
            self.year_combo.addItem(_("{year}年").format(year=y), y)
        if first:
            year = context.today.year
        self.year_combo.setCurrentIndex(max(self.year_combo.findData(year), 0) if year is not None else 0)
        for combo in (self.kind_combo, self.year_combo):
            combo.blockSignals(False)
        if first or self.query() != self.model.query:
            self.apply_filters()

    def query(self) -> RegisterQuery:
        return RegisterQuery(kind=str(self.kind_combo.currentData() or ""), year=self.year_combo.currentData(),
                             applicant=self.applicant_edit.text().strip(),
                             state=str(self.state_combo.currentData() or ""))

    def apply_filters(self) -> Task:
        self._timer.stop()
        return self.model.set_query(self.query())

    def refresh(self) -> Task | None:
        return self.model.refresh()

    def _loaded(self) -> None:
        if not isValid(self):
            return
        q = self.query()
        if q == RegisterQuery(year=q.year):
            self.count_label.setText(_("共 {n} 份").format(n=self.model.total))
        else:
            self.count_label.setText(_("找到 {n} 份").format(n=self.model.total))
        query = self.model.query
        show_message(self.also_label, also_line(query.also_searched) if query else "", "hint")
        if self._select_after:
            if self.select_serial(self._select_after) or not self.model.canFetchMore():
                self._select_after = None
            else:
                self.model.fetchMore()  # the row is further down: read on until it is loaded
        self._update_buttons()

    # ------------------------------------------------------------ selection

    def selected(self) -> RegisterRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_serial(self, serial: str) -> bool:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).serial == serial:
                index = self.model.index(i, 0)
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
                self.table.scrollTo(index)
                return True
        return False

    def _selection_changed(self) -> None:
        self._update_buttons()
        self._load_details()

    def _update_buttons(self) -> None:
        r = self.selected()
        usable = r is not None and r.state == ISSUED
        self.void_button.setEnabled(usable)
        self.reprint_button.setEnabled(usable)
        if r is None:
            self.details_label.setText(_("选中一行,可以作废或补打;这里会显示它的核实、审批和打印记录。"))

    def _load_details(self) -> None:
        r = self.selected()
        if r is None:
            return
        self._detail_asked += 1
        asked, store = self._detail_asked, self.store
        self.details_label.setText(self._summary(r, None))
        (ReadOp(store, lambda s, _ctx: actions.read_details(s, r.id, r.serial))
         .success(lambda d: self._show_details(r, d, asked)).failure(lambda _exc: None).run())

    def _show_details(self, row: RegisterRow, details: actions.Details, asked: int) -> None:
        if isValid(self) and asked == self._detail_asked:
            self.details = details
            self.details_label.setText(self._summary(row, details))

    @staticmethod
    def _summary(r: RegisterRow, details: actions.Details | None) -> str:
        approver = "{name}({role})".format(name=r.approver, role=r.approver_role) if r.approver_role else r.approver
        lines = []
        if r.serial:
            lines.append(_("{serial}:核实人 {verifier},核实内容 {what},核实依据 {document};审批人 {approver}。").format(
                serial=r.serial, verifier=r.verified_by or "-", what=r.verified_what or "-",
                document=r.verified_document or "-", approver=approver or "-"))
        if r.state == VOIDED:
            lines.append(_("已作废,原因:{reason}").format(reason=r.void_reason or "-"))
        if details is not None and details.prints:
            prints = ";".join(_("第{n}次 {time} {who}{mark}").format(
                n=p.copy_number, time=p.time[:16].replace("T", " "), who=p.who, mark=_("(补打)") if p.reprint else "")
                for p in details.prints)
            lines.append(_("打印记录:{prints}").format(prints=prints))
        return "\n".join(lines)

    # ------------------------------------------------------------ void and reprint

    def void_selected(self) -> ReasonDialog | None:
        r = self.selected()
        if r is None or r.state != ISSUED:
            return None
        store, actor, serial = self.store, self.actor, r.serial
        dialog = ReasonDialog(
            _("作废证明"),
            _("确定要作废 {serial}({kind},申请人 {name})吗?\n作废后编号保留、不再使用,台账里标明“已作废”,"
              "不能撤销。已发出的纸质证明请收回。").format(serial=r.serial, kind=r.kind_name, name=r.applicant_name),
            _("作废"), lambda reason: WriteOp(store, actor, lambda s, _ctx: actions.void(s, serial, reason),
                                            changes={CERTIFICATES}, initiator=self), parent=self)
        dialog.completed.connect(self._voided)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _voided(self, info: Any) -> None:
        if not isValid(self):
            return
        show_message(self.message, _("已作废 {serial}。编号保留不再使用,台账里标明已作废。").format(serial=info.serial), "ok")
        self._reload_keeping(info.serial)
        self.changed.emit()

    def _reload_keeping(self, serial: str | None) -> None:
        self._select_after = serial
        self.model.refresh()

    def show_serial(self, serial: str) -> None:
        """Read again and select ``serial`` (a certificate just issued elsewhere on the screen)."""
        self._reload_keeping(serial)

    def reprint_selected(self) -> Task | None:
        r = self.selected()
        if r is None or r.state != ISSUED:
            return None
        if not widgets.confirm(
                self, _("补打证明"),
                _("补打 {serial}({kind},申请人 {name})?\n这将是第 {n} 次打印,证明上会标明“补打”,并记入打印记录。").format(
                    serial=r.serial, kind=r.kind_name, name=r.applicant_name, n=r.print_count + 1),
                _("补打"), _("不补打")):
            return None
        store, actor, serial = self.store, self.actor, r.serial
        # the page is laid out first and the print logged only once the printer took it: a print log
        # that says a copy exists when the printer jammed would have the next 补打 count wrong
        return Task(lambda _ctx: actions.reprint_page(store, actor, serial), write=True) \
            .success(lambda page: self._send_reprint(serial, page)) \
            .failure(self._action_failed).disabling(self.reprint_button) \
            .with_progress(self, _("正在生成补打的证明……")).run()

    def _send_reprint(self, serial: str, page: Printout) -> None:
        if not isValid(self):
            return
        if not printing.to_printer(self, page):
            self._update_buttons()
            show_message(self.message, _("{serial} 没有打印出来,也没有记入打印记录。检查打印机后可以再点“补打…”。").format(
                serial=serial), "error")
            return
        store, actor = self.store, self.actor
        AppWriteOp(store, lambda _ctx: actions.reprint(store, actor, serial), changes={CERTIFICATES},
                   initiator=self).success(self._reprinted).failure(self._action_failed).run()

    def _action_failed(self, exc: BaseException) -> None:
        if isValid(self):
            self._update_buttons()
            show_error(self, exc)

    def _reprinted(self, printed: actions.Printed) -> None:
        if not isValid(self):
            return
        self._update_buttons()
        self.last_printed = printed
        show_message(self.message, _("已补打 {serial}(第 {n} 次打印),已送打印机;PDF 留存在 {path}").format(
            serial=printed.serial, n=printed.print_count, path=printed.path), "ok")
        self._reload_keeping(printed.serial)
        self.changed.emit()

    # ------------------------------------------------------------ Excel and print

    def export_excel(self) -> Task | None:
        q = self.query()
        year = _("{year}年").format(year=q.year) if q.year else ""
        name = _("证明台账{year}-{date}.xlsx").format(year=year, date=dt.date.today().strftime("%Y%m%d"))
        chosen, _filter = filedialogs.save_file_name(self, filedialogs.CERTIFICATE_REGISTER, _("导出证明台账"), name,
                                                     _("Excel 表格 (*.xlsx)"))
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        store = self.store

        def done(count: int) -> None:
            if not isValid(self):
                return
            self.last_export = (path, count)
            text = _("已导出 {n} 份证明的台账(另有一页拒绝开具记录)到:\n{path}").format(n=count, path=path)
            show_message(self.message, text, "ok")
            QMessageBox.information(self, _("导出完成"), text)

        return ReadOp(store, lambda s, _ctx: actions.export(s, path, q)).success(done).failure(self._action_failed) \
            .disabling(self.export_button).with_progress(self, _("正在导出证明台账……")).run()

    def print_register(self) -> Task:
        """The register as filtered, laid out on a worker and opened in the preview (打印, 另存为PDF)."""
        store, q = self.store, self.query()

        def done(result: tuple[Printout, int]) -> None:
            if not isValid(self):
                return
            printout, count = result
            show_message(self.message, _("台账({n} 份)已排成表格,共 {pages} 页。").format(n=count, pages=len(printout)), "ok")
            self.register_dialog = printing.preview_dialog(self, printout, filedialogs.CERTIFICATE_REGISTER,
                                                           actions.register_file_name())

        return ReadOp(store, lambda s, _ctx: actions.register_printout(s, q)).success(done).failure(self._action_failed) \
            .disabling(self.print_button).with_progress(self, _("正在排版证明台账……")).run()
