"""The one dialog shape for an action that writes: its main button runs the action on a worker,
the dialog stays open until the service has answered, and a refusal shows in place, under
its field, so nothing typed is lost."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QWidget
from shiboken6 import isValid

from app.i18n import _
from app.people.service import FieldError
from ui.errors import message_for
from ui.style import message_label, show_message
from ui.tasks import Task


class TaskDialog(QDialog):
    """A dialog whose main button runs its action on a worker; Esc and 取消 wait while it runs.

    ``completed`` carries the action's result. A FieldError whose field a subclass knows
    shows under that field; anything else under the buttons.
    """

    completed = Signal(object)

    def __init__(self, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self._running = False
        self.field_errors: dict[str, QLabel] = {}
        self.general_error = message_label("error")
        self.buttons = QDialogButtonBox()
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("M") * 44)
        box = round(self.fontMetrics().height() * 0.9)  # the default 13 px circle is hard to see and to hit
        self.setStyleSheet("QRadioButton::indicator {{ width: {n}px; height: {n}px; }}".format(n=box))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        # wrapped explanations may need more lines than the first size gave them (大字模式): grow once laid out
        QTimer.singleShot(0, self._grow_to_layout)

    def _grow_to_layout(self) -> None:
        layout = self.layout()
        if not isValid(self) or layout is None or not self.isVisible():
            return
        layout.activate()
        needed = layout.totalMinimumSize().height()
        if layout.hasHeightForWidth():
            needed = max(needed, layout.totalHeightForWidth(self.width()))
        screen = self.screen()
        if screen is not None:
            needed = min(needed, screen.availableGeometry().height() - (self.frameGeometry().height() - self.height()))
        if needed > self.height():
            self.resize(self.width(), needed)

    def add_buttons(self, ok_text: str) -> None:
        self.ok_button = self.buttons.addButton(ok_text, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = self.buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.ok_button.setDefault(True)
        self.cancel_button.setAutoDefault(False)
        self.buttons.accepted.connect(self.run)
        self.buttons.rejected.connect(self.reject)

    def error_label(self, field: str) -> QLabel:
        label = self.field_errors[field] = message_label("error")
        return label

    def reject(self) -> None:
        if not self._running:
            super().reject()

    # True when the function action() returns builds a write operation (ui.operations) instead of writing
    builds_operation = False

    def action(self) -> Callable[[], Any] | Task:
        """What the main button does: a function run on the write worker, or an operation not yet run
        (ui.operations.WriteOp), which opens its own transaction and announces what it changed; or, with
        ``builds_operation``, a function that builds that operation."""
        raise NotImplementedError

    def run(self) -> Task | None:
        if self._running:
            return None
        self.clear_errors()
        try:
            work = self.action()
        except FieldError as exc:  # checked here before a worker is needed
            self.show_error(exc)
            return None
        self._running = True
        if isinstance(work, Task):
            task = work
        elif self.builds_operation:
            task = work()  # only builds the write operation: cheap, and run below on the write worker
        else:
            task = Task(lambda _ctx: work(), write=True)
        return task.success(self._succeeded).failure(self._failed) \
            .disabling(self.ok_button, self.cancel_button).run()

    @property
    def running(self) -> bool:
        return self._running

    def _succeeded(self, result: Any) -> None:
        if not isValid(self):
            return
        self._running = False
        self.completed.emit(result)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._running = False
        self.show_error(exc)

    def clear_errors(self) -> None:
        show_message(self.general_error, "")
        for label in self.field_errors.values():
            show_message(label, "")

    def show_error(self, exc: BaseException) -> None:
        label = self.field_errors.get(getattr(exc, "field", "") or "") if isinstance(exc, FieldError) else None
        text = exc.message if isinstance(exc, FieldError) else message_for(exc)
        show_message(label or self.general_error, text, "error")

    def error_text(self) -> str:
        """Every message shown now, for a test or a screen reader."""
        labels = [self.general_error, *self.field_errors.values()]
        return "\n".join(label.text() for label in labels if label.isVisible() or label.text())
