"""待办(限时办结): certificates accepted but not yet issued, the most urgent first.

An office has a handful at a time, so the whole list is read in one go (on a
worker). Overdue ones are red. 办结并打印 verifies, approves, numbers and prints;
撤销 closes one without using a number.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.certificates.service import PendingInfo
from app.i18n import _
from app.storage import Store
from app.printing.document import Printout
from ui.certificates import actions, printing
from ui.certificates.common import days_left_text
from ui.certificates.dialogs import CompleteDialog, ReasonDialog
from ui.errors import message_for, show_error
from ui.operations import CERTIFICATES, AppWriteOp, ReadOp, WriteOp
from ui.style import ERROR, message_label, show_message
from ui.tasks import Task
from ui.widgets import AnyIndex, ListModel, hint, record_table, selectable, size_columns


class Columns(IntEnum):
    ID = 0
    KIND = 1
    APPLICANT = 2
    PURPOSE = 3
    APPLIED = 4
    DUE = 5
    LEFT = 6


def column_title(column: Columns) -> str:
    return {Columns.ID: _("受理号"), Columns.KIND: _("证明种类"), Columns.APPLICANT: _("申请人"),
            Columns.PURPOSE: _("用途"), Columns.APPLIED: _("受理日期"), Columns.DUE: _("应办结日期"),
            Columns.LEFT: _("期限")}[column]


_SAMPLE = {Columns.ID: "受理号", Columns.APPLICANT: "欧阳小明明", Columns.APPLIED: "2026-00-00",
           Columns.DUE: "应办结日期", Columns.LEFT: "已超期 12 天", Columns.PURPOSE: "申请宅基地和建房审批"}


class PendingModel(ListModel[PendingInfo]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(Columns, column_title, parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        p = self._rows[index.row()]
        column = Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {Columns.ID: str(p.id), Columns.KIND: p.kind_name, Columns.APPLICANT: p.applicant_name,
                    Columns.PURPOSE: p.purpose, Columns.APPLIED: p.applied_on.isoformat(),
                    Columns.DUE: p.due_date.isoformat(), Columns.LEFT: days_left_text(p.days_left)}[column]
        if role == Qt.ItemDataRole.ForegroundRole and p.days_left < 0:
            return QColor(ERROR)
        if role == Qt.ItemDataRole.FontRole and column in (Columns.DUE, Columns.LEFT) and p.days_left <= 1:
            font = QFont()
            font.setBold(True)
            return font
        return None


class PendingPanel(QWidget):
    """The 待办 tab. ``changed`` after one was completed or cancelled; ``loaded`` with the rows."""

    changed = Signal()
    loaded = Signal(object)  # list[PendingInfo]

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.context: actions.Context | None = None
        self.rows: list[PendingInfo] | None = None
        self.last_printed: actions.Printed | None = None
        self.specimen_dialog: QDialog | None = None

        self.count_label = QLabel(_("正在读取……"))
        self.count_label.setObjectName("heading")
        self.complete_button = QPushButton(_("办结并打印…"))
        self.complete_button.setObjectName("primary")
        self.complete_button.setToolTip(_("核实、审批后先看样张;确认后编号,登记进台账,并送打印机"))
        self.cancel_button = QPushButton(_("撤销…"))
        self.cancel_button.setToolTip(_("核实不了、申请人不要了:撤销这件待办,不占用编号"))
        self.message = message_label("ok")
        selectable(self.message)

        self.model = PendingModel(self)
        self.table = record_table(self.model)
        self.empty_label = hint(_("没有待办的证明。限时办结的证明受理后会列在这里,直到办结或撤销。"))

        top = QHBoxLayout()
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.cancel_button)
        top.addWidget(self.complete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addLayout(top)
        layout.addWidget(hint(_("红色的已经超过办结时限。请尽快核实办结;确实办不了的,撤销并写明原因。")))
        layout.addWidget(self.message)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.table, 1)

        self.complete_button.clicked.connect(self.complete_selected)
        self.cancel_button.clicked.connect(self.cancel_selected)
        self.table.doubleClicked.connect(lambda _i: self.complete_selected())
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self._size_table()
        self._update_buttons()

    def _size_table(self) -> None:
        size_columns(self.table, _SAMPLE, stretch=Columns.KIND)

    def restyle(self) -> None:
        self._size_table()

    def set_context(self, context: actions.Context) -> None:
        self.context = context

    # ------------------------------------------------------------ reading

    def refresh(self) -> Task:
        return ReadOp(self.store, lambda s, _ctx: actions.read_pending(s)).success(self._show) \
            .failure(self._load_failed).run()

    def _load_failed(self, exc: BaseException) -> None:
        if isValid(self):
            self.count_label.setText(_("读取待办时出错:{reason}").format(reason=message_for(exc)))

    def _show(self, rows: list[PendingInfo]) -> None:
        if not isValid(self):
            return
        selected = self.selected()
        self.rows = list(rows)
        self.model.set_rows(rows)
        overdue = sum(1 for r in rows if r.overdue)
        if not rows:
            self.count_label.setText(_("没有待办的证明"))
        elif overdue:
            self.count_label.setText(_("待办 {n} 件,其中 {m} 件已超期").format(n=len(rows), m=overdue))
        else:
            self.count_label.setText(_("待办 {n} 件").format(n=len(rows)))
        self.empty_label.setVisible(not rows)
        self.table.setVisible(bool(rows))
        if selected is not None:
            for i, r in enumerate(rows):
                if r.id == selected.id:
                    self.table.selectRow(i)
        self.loaded.emit(self.rows)

    def selected(self) -> PendingInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_certificate(self, certificate_id: int) -> bool:
        for i in range(self.model.rowCount()):
            if self.model.row_at(i).id == certificate_id:
                self.table.selectRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        has = self.selected() is not None
        self.complete_button.setEnabled(has)
        self.cancel_button.setEnabled(has)

    # ------------------------------------------------------------ actions

    def complete_selected(self) -> CompleteDialog | None:
        p = self.selected()
        if p is None or self.context is None or self.context.catalogues is None:
            return None
        cats, today = self.context.catalogues, self.context.today
        kind = cats.find_approved(p.kind_name, today)
        summary = _("{kind}\n申请人:{name},用途:{purpose}\n受理号 {id},应在 {due} 前办结({left})。").format(
            kind=p.kind_name, name=p.applicant_name, purpose=p.purpose, id=p.id, due=p.due_date.isoformat(),
            left=days_left_text(p.days_left))
        store, actor, certificate_id = self.store, self.actor, p.id

        def action(check: Any, approval: Any) -> Task:
            # first the 样张, nothing kept: the same checks as completing, so a mistake shows in this dialog
            return Task(lambda _ctx: (actions.completion_specimen(store, actor, certificate_id, check, approval, cats),
                                      check, approval), write=True)

        dialog = CompleteDialog(summary, kind, actions.default_verifier(self.actor), self.context.approver, action,
                                parent=self)
        dialog.completed.connect(lambda answer: self._specimen_ready(certificate_id, *answer))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _specimen_ready(self, certificate_id: int, page: Printout, check: Any, approval: Any) -> None:
        if not isValid(self) or self.context is None or self.context.catalogues is None:
            return
        store, actor, cats = self.store, self.actor, self.context.catalogues
        dialog = self.specimen_dialog = printing.specimen_dialog(self, page)

        def confirmed() -> None:
            self.specimen_dialog = None
            if isValid(self):
                AppWriteOp(store, lambda _ctx: actions.complete(store, actor, certificate_id, check, approval, cats),
                           changes={CERTIFICATES}, initiator=self).success(self._completed) \
                    .failure(lambda exc: show_error(self, exc) if isValid(self) else None).run()

        def closed() -> None:
            self.specimen_dialog = None
            if isValid(self):
                show_message(self.message, _("没有办结:样张已关闭,没有占用编号,也没有登记。"), "hint")

        dialog.accepted.connect(confirmed)
        dialog.rejected.connect(closed)

    def _completed(self, printed: actions.Printed) -> None:
        if not isValid(self):
            return
        self.last_printed = printed
        self.refresh()
        self.changed.emit()
        assert printed.printout is not None
        if printing.to_printer(self, printed.printout):
            show_message(self.message, _("已办结并送打印机:编号 {serial},核验码 {code}。PDF 留存在 {path}").format(
                serial=printed.serial, code=printed.check_code, path=printed.path), "ok")
            store, actor, serial = self.store, self.actor, printed.serial
            WriteOp(store, actor, lambda s, _ctx: actions.log_print(s, serial, actor), changes={CERTIFICATES},
                    initiator=self).success(lambda _info: self.changed.emit() if isValid(self) else None).run()
            return
        text = printing.unprinted_text(printed.serial, printed.path)
        show_message(self.message, text, "error")
        QMessageBox.warning(self, _("证明已开具,但没有打印"), text)

    def cancel_selected(self) -> ReasonDialog | None:
        p = self.selected()
        if p is None:
            return None
        store, actor, certificate_id = self.store, self.actor, p.id
        dialog = ReasonDialog(
            _("撤销待办"),
            _("撤销受理号 {id}({kind},申请人 {name})吗?\n撤销后不再办理,也不占用编号。").format(
                id=p.id, kind=p.kind_name, name=p.applicant_name),
            _("撤销"), lambda reason: WriteOp(store, actor, lambda s, _ctx: actions.cancel(s, certificate_id, reason),
                                            changes={CERTIFICATES}, initiator=self), parent=self)
        dialog.completed.connect(self._cancelled)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _cancelled(self, info: Any) -> None:
        if not isValid(self):
            return
        show_message(self.message, _("已撤销受理号 {id}({kind},{name}),没有占用编号。").format(
            id=info.id, kind=info.kind_name, name=info.applicant_name), "ok")
        self.refresh()
        self.changed.emit()
