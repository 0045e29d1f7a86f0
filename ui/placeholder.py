"""A screen for a part of the program not built yet: it says so plainly, and what the part will do."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.i18n import _


def not_built_text() -> str:
    return _("这部分功能还在开发中,将在后续版本提供。")


class PlaceholderScreen(QWidget):
    """``PlaceholderScreen(title, what_it_will_do, parent=None)``."""

    def __init__(self, title: str, what_it_will_do: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("title")
        self.notice_label = QLabel(not_built_text())
        self.notice_label.setObjectName("placeholderText")
        self.notice_label.setWordWrap(True)
        self.what_label = QLabel(_("今后这里可以:{what}").format(what=what_it_will_do))
        self.what_label.setObjectName("placeholderWhat")
        self.what_label.setWordWrap(True)
        for label in (self.notice_label, self.what_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 32, 40, 32)
        layout.setSpacing(24)
        layout.addWidget(self.title_label)
        layout.addSpacing(24)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.what_label)
        layout.addStretch(1)

    def text(self) -> str:
        """Everything the screen says, for tests and screen readers alike."""
        return "\n".join(w.text() for w in (self.title_label, self.notice_label, self.what_label))
