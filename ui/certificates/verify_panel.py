"""核验: check a certificate's QR code, or the six-character 核验码 printed under it, against this village's key
and register.

A USB scanner types what it reads and presses Enter, so the one big line edit
keeps the focus and is emptied after each check, ready for the next scan; the
text can also be pasted, and the 核验码 typed (a certificate checked by phone, or a creased QR code). The answer is big: green 真实有效 with what the code
says, or red with the reason the core gives.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.certificates.payload import (AMBIGUOUS_CHECK_CODE, BAD_CHECK_CODE, BAD_SIGNATURE, MALFORMED, MISMATCH,
                                      NOT_IN_REGISTER, UNKNOWN_CHECK_CODE, UNKNOWN_VILLAGE, VOIDED, WRONG_KEY,
                                      Verification)
from app.i18n import _
from app.storage import Store
from ui.certificates import actions
from ui.certificates.common import set_kind
from ui.errors import message_for
from ui.operations import ReadOp
from ui.tasks import Task
from ui.widgets import hint, selectable

MAX_SCAN = 2000  # the core refuses longer texts; a scanner that never sends Enter must not fill memory


def verdict_title(v: Verification) -> str:
    if v.ok:
        return _("真实有效")
    return {
        MALFORMED: _("不是证明二维码"), UNKNOWN_VILLAGE: _("无法核验"), WRONG_KEY: _("不是该村开具的"),
        BAD_SIGNATURE: _("内容被改动过,不可信"), VOIDED: _("已作废"), MISMATCH: _("与台账不一致"),
        NOT_IN_REGISTER: _("台账里没有这份证明"), BAD_CHECK_CODE: _("核验码不对,不能认定为真"),
        UNKNOWN_CHECK_CODE: _("查不到这个核验码,不能认定为真"), AMBIGUOUS_CHECK_CODE: _("请扫描二维码核验"),
    }.get(v.reason, _("核验未通过"))


def verdict_fields(v: Verification) -> list[tuple[str, str]]:
    unit = "{name}({code})".format(name=v.village_name, code=v.village_code) if v.village_name else v.village_code
    kind = "{code} {name}".format(code=v.kind_code, name=v.kind_name).strip()
    rows = [(_("开具单位"), unit), (_("编号"), v.serial), (_("证明种类"), kind),
            (_("开具日期"), v.issue_date.isoformat() if v.issue_date else ""), (_("申请人"), v.applicant_name),
            (_("用途"), v.purpose), (_("核验码"), v.check_code)]
    if v.void_reason:
        rows.append((_("作废原因"), v.void_reason))
    return [(label, value) for label, value in rows if value]


class VerifyPanel(QWidget):
    """The 核验 tab. ``verified`` with each :class:`Verification`."""

    verified = Signal(object)

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.result: Verification | None = None
        self._asked = 0

        self.scan_edit = QLineEdit()
        self.scan_edit.setObjectName("scan")
        self.scan_edit.setMaxLength(MAX_SCAN)
        self.scan_edit.setPlaceholderText(_("扫描证明上的二维码,或输入二维码下面的六位核验码,按回车核验"))
        self.verify_button = QPushButton(_("核验"))
        self.verify_button.setObjectName("primary")
        self.clear_button = QPushButton(_("清空"))
        row = QHBoxLayout()
        row.addWidget(self.scan_edit, 1)
        row.addWidget(self.verify_button)
        row.addWidget(self.clear_button)

        self.result_box = QFrame()
        self.result_box.setObjectName("verdictGood")
        self.verdict_label = QLabel()
        self.verdict_label.setObjectName("verdictOk")
        self.reason_label = selectable(QLabel())
        self.reason_label.setObjectName("verdictText")
        self.reason_label.setWordWrap(True)
        self.fields_form = QFormLayout()
        self.fields_form.setHorizontalSpacing(16)
        self.fields_form.setVerticalSpacing(6)
        box = QVBoxLayout(self.result_box)
        box.setContentsMargins(24, 16, 24, 20)
        box.setSpacing(10)
        box.addWidget(self.verdict_label)
        box.addWidget(self.reason_label)
        box.addLayout(self.fields_form)
        self.result_box.setVisible(False)
        self.scanned_label = hint("")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 12, 0, 0)
        layout.setSpacing(12)
        layout.addWidget(hint(_("核验证明真假:扫描后自动核对本村的签名和台账,看是否真实、是否已作废。"
                                "扫码枪会自己按回车,扫完一张可以直接扫下一张。二维码扫不出来时,输入二维码下面的六位核验码"
                                "(大小写都可以),再核对证明上的编号、姓名与查到的是否一致。")))
        layout.addLayout(row)
        layout.addWidget(self.result_box)
        layout.addWidget(self.scanned_label)
        layout.addStretch(1)

        self.scan_edit.returnPressed.connect(self.verify)
        self.verify_button.clicked.connect(self.verify)
        self.clear_button.clicked.connect(self.clear)
        self.setFocusProxy(self.scan_edit)

    def verify(self) -> Task | None:
        text = self.scan_edit.text().strip()
        if not text:
            self.scan_edit.setFocus()
            return None
        # empty at once: the scanner may already be typing the next code
        self.scan_edit.clear()
        self.scan_edit.setFocus()
        self._asked += 1
        asked, store = self._asked, self.store
        return (ReadOp(store, lambda s, _ctx: actions.verify(s, store.data_dir, text)).success(lambda v: self._show(v, text, asked))
                .failure(lambda exc: self._failed(exc, asked)).run())

    def _show(self, v: Verification, text: str, asked: int) -> None:
        if not isValid(self) or asked != self._asked:
            return
        self.result = v
        set_kind(self.result_box, "verdictGood" if v.ok else "verdictBad")
        set_kind(self.verdict_label, "verdictOk" if v.ok else "verdictFail")
        self.verdict_label.setText(("√ " if v.ok else "× ") + verdict_title(v))
        self.reason_label.setText(v.message)
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        for label, value in verdict_fields(v):
            name = QLabel(label)
            name.setObjectName("verdictField")
            shown = selectable(QLabel(value))
            shown.setObjectName("verdictField")
            shown.setWordWrap(True)
            self.fields_form.addRow(name, shown)
        self.result_box.setVisible(True)
        shown_text = text if len(text) <= 80 else text[:77] + "…"
        self.scanned_label.setText(_("刚才核验的内容:{text}").format(text=shown_text))
        self.verified.emit(v)

    def _failed(self, exc: BaseException, asked: int) -> None:
        if not isValid(self) or asked != self._asked:
            return
        self.result = None
        set_kind(self.result_box, "verdictBad")
        set_kind(self.verdict_label, "verdictFail")
        self.verdict_label.setText("× " + _("无法核验"))
        self.reason_label.setText(message_for(exc))
        while self.fields_form.rowCount():
            self.fields_form.removeRow(0)
        self.result_box.setVisible(True)

    def verdict_text(self) -> str:
        """Everything the result says, for tests and screen readers alike."""
        if not self.result_box.isVisible():
            return ""
        parts = [self.verdict_label.text(), self.reason_label.text()]
        for i in range(self.fields_form.rowCount()):
            for role in (QFormLayout.ItemRole.LabelRole, QFormLayout.ItemRole.FieldRole):
                item = self.fields_form.itemAt(i, role)
                if item is not None and isinstance(item.widget(), QLabel):
                    parts.append(item.widget().text())
        return "\n".join(parts)

    def clear(self) -> None:
        self._asked += 1
        self.scan_edit.clear()
        self.result = None
        self.result_box.setVisible(False)
        self.scanned_label.setText("")
        self.scan_edit.setFocus()

    def showEvent(self, event) -> None:  # type: ignore[no-untyped-def]  # noqa: N802 - Qt's name
        super().showEvent(event)
        # the scanner types into whatever has the focus: make that the scan box whenever the tab shows
        self.scan_edit.setFocus(Qt.FocusReason.OtherFocusReason)
