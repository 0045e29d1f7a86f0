"""Two small dialogs: a reason for voiding or cancelling, and completing a time-limited certificate.

Each runs its own Task and stays open until the service has answered, so a
FieldError shows under the field and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.certificates.catalogue import ApprovedKind
from app.certificates.service import REASON_MAX, Approval
from app.i18n import _
from app.people.service import FieldError
from ui.certificates.check_form import CheckForm
from ui.errors import message_for
from ui.style import message_label, show_message
from ui.tasks import Task, TaskContext


class _TaskDialog(QDialog):
    """A dialog whose main button runs a Task; Esc and 取消 wait while it runs."""

    completed = Signal(object)

    def __init__(self, parent: QWidget | None) -> None:
        super().__init__(parent)
        self._running = False
        self.general_error = message_label("error")
        self.buttons = QDialogButtonBox()

    def _add_buttons(self, ok_text: str) -> None:
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)

    def reject(self) -> None:
        if not self._running:
            super().reject()

    def work(self) -> Callable[[TaskContext], Any]:
        raise NotImplementedError

    def run(self) -> Task | None:
        if self._running:
            return None
        self._running = True
        self.clear_errors()
        return Task(self.work(), write=True).success(self._succeeded).failure(self._failed) \
            .disabling(self.ok_button, self.cancel_button).run()

    def _succeeded(self, result: Any) -> None:
        if not isValid(self):
            return
        self._running = False
        self.completed.emit(result)
        self.accept()

    def clear_errors(self) -> None:
        show_message(self.general_error, "")

    def show_field_error(self, exc: FieldError) -> None:
        show_message(self.general_error, exc.message, "error")

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._running = False
        if isinstance(exc, FieldError):
            self.show_field_error(exc)
            return
        show_message(self.general_error, message_for(exc), "error")


class ReasonDialog(_TaskDialog):
    """``ReasonDialog(title, question, ok_text, action)``: ``action(reason)`` runs on a worker."""

    def __init__(self, title: str, question: str, ok_text: str, action: Callable[[str], Any], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self.setWindowTitle(title)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 40)
        self.question_label = QLabel(question)
        self.question_label.setWordWrap(True)
        self.reason_edit = QLineEdit()
        self.reason_edit.setMaxLength(REASON_MAX)
        self.reason_edit.setPlaceholderText(_("必须写明原因,例如“姓名写错,已重新开具”"))
        self.reason_error = message_label("error")
        self._add_buttons(ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(self.question_label)
        layout.addSpacing(6)
        layout.addWidget(QLabel(_("原因")))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.reason_error)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus()

    def work(self) -> Callable[[TaskContext], Any]:
        action, reason = self._action, self.reason_edit.text()
        return lambda _ctx: action(reason)

    def run(self) -> Task | None:
        if not self.reason_edit.text().strip():
            # said here at once: the service would say the same, a worker round trip later
            show_message(self.reason_error, _("请写明原因。"), "error")
            self.reason_edit.setFocus()
            return None
        return super().run()

    def clear_errors(self) -> None:
        super().clear_errors()
        show_message(self.reason_error, "")

    def show_field_error(self, exc: FieldError) -> None:
        if exc.field == "reason":
            show_message(self.reason_error, exc.message, "error")
            self.reason_edit.setFocus()
        else:
            super().show_field_error(exc)


class CompleteDialog(_TaskDialog):
    """Verification and approval for a pending certificate, then ``action(check, approval)`` on a worker."""

    def __init__(self, summary: str, kind: ApprovedKind | None, verifier: str, approver: Approval | None,
                 action: Callable[[Any, Any], Any], *, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._action = action
        self.setWindowTitle(_("办结并打印"))
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 48)
        text = QLabel(summary)
        text.setWordWrap(True)
        text.setObjectName("lead")
        self.check_form = CheckForm(verifier)
        self.check_form.set_kind(kind)
        self.check_form.set_approver(approver)
        self._add_buttons(_("办结并打印"))
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addSpacing(6)
        layout.addWidget(self.check_form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def work(self) -> Callable[[TaskContext], Any]:
        action = self._action
        check, approval = self.check_form.values()
        return lambda _ctx: action(check, approval)

    def clear_errors(self) -> None:
        super().clear_errors()
        self.check_form.clear_errors()

    def show_field_error(self, exc: FieldError) -> None:
        if not self.check_form.show_error(exc.field, exc.message):
            super().show_field_error(exc)
