"""Who verified the facts, against what, and who approved: the part of the register every certificate needs.

Shared by the issue tab (on-the-spot kinds) and the dialog that completes a
time-limited one. The service checks the values; this form only shows its
verdict under the field it names.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.certificates.catalogue import ApprovedKind
from app.certificates.service import APPROVER_ROLES, CHECK_MAX, DELEGATE_SUFFIX, Approval, CheckRecord
from app.i18n import _
from ui.style import message_label, show_message

FIELDS = ("verifier", "verified_what", "verified_document", "approver", "approver_role")


def role_label(role: str) -> str:
    if role == "主任":
        return _("村民委员会主任")
    return {"副主任": _("副主任(受主任委托)"), "书记": _("党组织书记(受主任委托)"),
            "委员": _("村委会委员(受主任委托)")}.get(role, role)


class CheckForm(QWidget):
    """``CheckForm(verifier)``: :meth:`set_kind` fills the catalogue's defaults; :meth:`values` reads them back."""

    def __init__(self, verifier: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.verifier_edit = QLineEdit(verifier)
        self.verifier_edit.setMaxLength(CHECK_MAX)
        self.verifier_edit.setToolTip(_("是谁核实了证明上写的情况;默认是登录本程序的用户"))
        self.verifier_edit.setPlaceholderText(_("核实人的姓名"))
        self.what_edit = QLineEdit()
        self.what_edit.setPlaceholderText(_("核实了什么,例如“实际居住情况”"))
        self.document_combo = QComboBox()
        self.document_combo.setEditable(True)
        self.document_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.document_combo.lineEdit().setPlaceholderText(_("依据什么材料核实,例如“户口簿”"))
        self.approver_edit = QLineEdit()
        self.approver_edit.setPlaceholderText(_("村民委员会主任的姓名"))
        self.role_combo = QComboBox()
        for role in APPROVER_ROLES:
            self.role_combo.addItem(role_label(role), role)

        self._errors: dict[str, QLabel] = {}
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setVerticalSpacing(8)
        form.setHorizontalSpacing(12)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        rows = [(_("核实人"), self.verifier_edit, "verifier"), (_("核实内容"), self.what_edit, "verified_what"),
                (_("核实依据"), self.document_combo, "verified_document"),
                (_("审批人"), self.approver_edit, "approver"), (_("审批人职务"), self.role_combo, "approver_role")]
        for label, widget, name in rows:
            form.addRow(label, self._with_error(widget, name))

    def _with_error(self, widget: QWidget, name: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        label = message_label("error")
        self._errors[name] = label
        layout.addWidget(label)
        return box

    def set_kind(self, kind: ApprovedKind | None) -> None:
        """What the catalogue says to check, and the materials the applicant brings (the first is the default)."""
        self.what_edit.setText(kind.check if kind else "")
        self.document_combo.clear()
        if kind is not None:
            self.document_combo.addItems(list(kind.materials))
        self.document_combo.setCurrentIndex(0 if self.document_combo.count() else -1)

    def set_approver(self, approval: Approval | None) -> None:
        if approval is None:
            return
        self.approver_edit.setText(approval.approver)
        role = approval.role.removesuffix(DELEGATE_SUFFIX)
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(role), 0))

    def values(self) -> tuple[CheckRecord, Approval]:
        check = CheckRecord(self.verifier_edit.text(), self.what_edit.text(), self.document_combo.currentText())
        return check, Approval(self.approver_edit.text(), str(self.role_combo.currentData() or "主任"))

    def show_error(self, field: str, message: str) -> bool:
        """Show ``message`` under ``field``; False if the field is not on this form."""
        label = self._errors.get(field)
        if label is None:
            return False
        show_message(label, message, "error")
        widget = {"verifier": self.verifier_edit, "verified_what": self.what_edit,
                  "verified_document": self.document_combo, "approver": self.approver_edit,
                  "approver_role": self.role_combo}[field]
        widget.setFocus()
        return True

    def error_text(self, field: str) -> str:
        label = self._errors.get(field)
        return label.text() if label is not None and label.isVisibleTo(self) else ""

    def clear_errors(self) -> None:
        for label in self._errors.values():
            show_message(label, "", "error")
