"""What every step of the minutes has: the meeting as stored, read-only once closed, its own messages.

A step never writes by itself: it asks the editor (``editor.call``), which runs the
service on the write worker and then shows the stored meeting on every step. A refusal
comes back to the step that asked, under the field it names, else under the step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.people.service import FieldError
from ui.errors import message_for
from ui.meetings.actions import MeetingState
from ui.style import message_label, show_message
from ui.tasks import Task

if TYPE_CHECKING:
    from ui.meetings.editor import MeetingEditor


class StepPage(QWidget):
    """One step; a subclass lays out ``self.body`` and answers :meth:`show_state`."""

    def __init__(self, editor: MeetingEditor, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = editor
        self.state: MeetingState | None = None
        self.read_only = False
        self.message = message_label("error")
        self.status = message_label("ok")
        self.field_labels: dict[str, QLabel] = {}
        self.body = QVBoxLayout()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 6, 0, 0)
        outer.addLayout(self.body, 1)
        outer.addWidget(self.message)
        outer.addWidget(self.status)

    # ------------------------------------------------------------ what a step answers

    def show_state(self, state: MeetingState | None, mine: bool = False) -> None:
        """The meeting as stored now; ``mine`` when this step's own write produced it."""
        self.state = state

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only

    def editable_fields(self) -> list[QWidget]:
        return []

    @property
    def dirty(self) -> bool:
        return False

    def restyle(self) -> None:
        """The base size changed (大字模式): re-measure what is measured in the font."""

    # ------------------------------------------------------------ messages

    def error_label(self, field: str) -> QLabel:
        label = self.field_labels[field] = message_label("error")
        return label

    def clear_errors(self) -> None:
        show_message(self.message, "")
        show_message(self.status, "")
        for label in self.field_labels.values():
            show_message(label, "")

    def show_error(self, exc: BaseException) -> None:
        label = self.field_labels.get(exc.field) if isinstance(exc, FieldError) else None
        show_message(label or self.message, message_for(exc), "error")

    def say(self, text: str) -> None:
        show_message(self.status, text, "ok")

    # ------------------------------------------------------------ writing

    def write(self, action: Callable[..., MeetingState], *args: Any, then: Callable[[MeetingState], None] | None = None,
              disabling: tuple[QWidget, ...] = ()) -> Task | None:
        return self.editor.call(self, action, *args, then=then, disabling=disabling)
