"""What every step of the minutes has: the meeting as stored, read-only once closed, its own messages.

A step never writes by itself: it asks the editor (``editor.call``), which runs the
service on the write worker and then shows the stored meeting on every step. A refusal
comes back to the step that asked, under the field it names, else under the step.

A step knows its editor only as an :class:`EditorHost`, so the editor imports the steps
and no step imports the editor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.people.service import FieldError
from app.storage import Store
from ui.errors import message_for
from ui.meetings.actions import MeetingState
from ui.style import message_label, show_message
from ui.tasks import Task


class EditorHost(Protocol):
    """What a step asks of the editor that holds it (ui.meetings.editor.MeetingEditor)."""

    store: Store
    actor: str
    data_dir: Path
    print_requested: SignalInstance  # str: actions.MINUTES / SIGNIN / TALLY
    file_requested: SignalInstance  # a kept file to open

    @property
    def dirty(self) -> bool: ...

    def today(self) -> dt.date: ...

    def run(self, page: StepPage, fn: Callable[[Any], MeetingState], *,
            then: Callable[[MeetingState], None] | None = None, disabling: tuple[QWidget, ...] = ()) -> Task: ...

    def call(self, page: StepPage, action: Callable[..., MeetingState], *args: Any,
             then: Callable[[MeetingState], None] | None = None,
             disabling: tuple[QWidget, ...] = ()) -> Task | None: ...

    def accept_state(self, state: MeetingState) -> None: ...

    def delete_meeting(self) -> Task | None: ...


class StepPage(QWidget):
    """One step; a subclass lays out ``self.body`` and answers :meth:`show_state`."""

    def __init__(self, editor: EditorHost, parent: QWidget | None = None) -> None:
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
