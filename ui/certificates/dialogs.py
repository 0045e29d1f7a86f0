"""Two small dialogs: a reason for voiding or cancelling, and completing a time-limited certificate.

Each runs the write operation it is given and stays open until the service has answered, so a
FieldError shows under the field and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from app.certificates.catalogue import ApprovedKind
from app.certificates.service import REASON_MAX, Approval
from app.i18n import _
from app.people.service import FieldError
from ui.certificates.check_form import CheckForm
from ui.style import show_message
from ui.task_dialog import TaskDialog
from ui.tasks import Task


class ReasonDialog(TaskDialog):
    """``ReasonDialog(title, question, ok_text, action)``: ``action(reason)`` gives the write operation
    (ui.operations) the main button runs."""

    def __init__(self, title: str, question: str, ok_text: str, action: Callable[[str], Task], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._action = action
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        self.question_label = QLabel(question)
        self.question_label.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(REASON_MAX)
        self.reason_edit.setPlaceholderText(_("必须写明原因,例如“姓名写错,已重新开具”"))
        self.reason_error = self.error_label("reason")
        self.add_buttons(ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question_label)
        layout.addSpacing(6)
        layout.addWidget(QLabel(_("原因")))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.reason_error)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus()

    def action(self) -> Task:
        return self._action(self.reason_edit.text())

    def run(self) -> Task | None:
        if not self.reason_edit.text().strip():
            # said here at once: the service would say the same, a worker round trip later
            show_message(self.reason_error, _("请写明原因。"), "error")
            self.reason_edit.setFocus()
            return None
        return super().run()

    def show_error(self, exc: BaseException) -> None:
        super().show_error(exc)
        if isinstance(exc, FieldError) and exc.field == "reason":
            self.reason_edit.setFocus()


class CompleteDialog(TaskDialog):
    """Verification and approval for a pending certificate, then the write operation ``action(check, approval)``
    gives."""

    def __init__(self, summary: str, kind: ApprovedKind | None, verifier: str, approver: Approval | None,
                 action: Callable[[Any, Any], Task], *, parent: QWidget | None = None) -> None:
        super().__init__(_("办结并打印"), parent)
        self._action = action
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 48)
        text = QLabel(summary)
        text.setWordWrap(True)
        text.setObjectName("lead")
        self.check_form = CheckForm(verifier)
        self.check_form.set_kind(kind)
        self.check_form.set_approver(approver)
        self.add_buttons(_("办结并打印"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addSpacing(6)
        layout.addWidget(self.check_form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> Task:
        check, approval = self.check_form.values()
        return self._action(check, approval)

    def clear_errors(self) -> None:
        super().clear_errors()
        self.check_form.clear_errors()

    def show_error(self, exc: BaseException) -> None:
        if not (isinstance(exc, FieldError) and self.check_form.show_error(exc.field, exc.message)):
            super().show_error(exc)
