"""Sizes and colours in one place: plain, high contrast, and large.

The clerks are often older (domain.md, seed 000), so the normal text is 12pt
and 大字模式 raises it to 16pt. Every other size is derived from the base size
here, so switching the mode rescales the whole window at once: the application
font carries the ordinary text, and the style sheet, rebuilt from the same base,
carries titles, the sidebar and the cards.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QLabel

BASE_POINT_SIZE = 12
LARGE_POINT_SIZE = 16
LARGE_TEXT_SETTING = "large_text"
LANG_SETTING = "lang"

# colours: dark text on white, one blue for what is selected or important
TEXT = "#111111"
MUTED = "#3d3d3d"
BACKGROUND = "#ffffff"
PANEL = "#eef1f5"
BORDER = "#8a96a3"
ACCENT = "#0b4f9c"
ACCENT_TEXT = "#ffffff"
ERROR = "#b00020"
OK = "#1b6e20"


@dataclass(frozen=True)
class Sizes:
    """Point sizes derived from the base size."""

    base: int

    @property
    def sidebar(self) -> int:
        return self.base + 4

    @property
    def title(self) -> int:
        return self.base + 8

    @property
    def heading(self) -> int:
        return self.base + 3

    @property
    def indicator(self) -> int:
        """Check box size in pixels: the default 13 px box is hard to hit and to see."""
        return round(self.base * 1.6)

    @property
    def lead(self) -> int:
        return self.base + 2

    @property
    def card_number(self) -> int:
        return self.base * 2 + 6

    @property
    def placeholder(self) -> int:
        return self.base + 6


def point_size(large: bool) -> int:
    return LARGE_POINT_SIZE if large else BASE_POINT_SIZE


def style_sheet(base: int) -> str:
    s = Sizes(base)
    pad = max(base // 2, 6)
    return f"""
QMainWindow, QDialog, QWizard, QWizardPage {{ background: {BACKGROUND}; color: {TEXT}; }}
QWidget#page, QScrollArea#pageScroll > QWidget#qt_scrollarea_viewport {{ background: {BACKGROUND}; }}
QListWidget#sidebar {{
    background: {PANEL}; border: none; border-right: 2px solid {BORDER};
    font-size: {s.sidebar}pt; color: {TEXT}; outline: 0;
}}
QListWidget#sidebar::item {{ padding: {pad}px {pad * 2}px; border-bottom: 1px solid #d5dbe2; }}
QListWidget#sidebar::item:selected {{ background: {ACCENT}; color: {ACCENT_TEXT}; }}
QListWidget#sidebar::item:hover:!selected {{ background: #dbe3ee; }}
QLabel#title {{ font-size: {s.title}pt; font-weight: bold; color: {TEXT}; }}
QLabel#heading {{ font-size: {s.heading}pt; font-weight: bold; color: {TEXT}; }}
QLabel#subtitle {{ color: {MUTED}; }}
QLabel#hint {{ color: {MUTED}; }}
QLabel#error {{ color: {ERROR}; font-weight: bold; }}
QLabel#ok {{ color: {OK}; font-weight: bold; }}
QFrame#card {{ background: {BACKGROUND}; border: 2px solid {BORDER}; border-radius: 6px; }}
QLabel#cardNumber {{ font-size: {s.card_number}pt; font-weight: bold; color: {ACCENT}; border: none; }}
QLabel#cardLabel {{ font-size: {s.lead}pt; color: {TEXT}; border: none; }}
QFrame#todo {{ background: #fff8e1; border: 2px solid #c9a227; border-radius: 6px; }}
QFrame#todo QLabel {{ border: none; background: transparent; }}
QLabel#todoItems {{ font-size: {s.lead}pt; }}
QLabel#lead {{ font-size: {s.lead}pt; color: {TEXT}; }}
QListWidget#groups::item {{ padding: 3px; }}
QLabel#placeholderText {{ font-size: {s.placeholder}pt; font-weight: bold; color: {TEXT}; }}
QLabel#placeholderWhat {{ font-size: {s.heading}pt; color: {MUTED}; }}
QPushButton {{ padding: {pad // 2}px {pad * 2}px; }}
QLineEdit, QSpinBox, QComboBox {{ padding: 3px; }}
QCheckBox::indicator {{ width: {s.indicator}px; height: {s.indicator}px; }}
QLineEdit[readOnly="true"] {{ background: {PANEL}; color: {MUTED}; }}
QStatusBar QLabel {{ color: {MUTED}; }}
"""


def apply_style(app: QApplication, large: bool) -> int:
    """Set the application font size and the style sheet for the chosen mode; return the point size.

    Widgets without a font of their own follow the application font, and
    setting the style sheet again re-polishes every widget with the new sizes.
    """
    size = point_size(large)
    font = QFont(app.font())
    font.setPointSize(size)
    app.setFont(font)
    app.setStyleSheet(style_sheet(size))
    return size


def show_message(label: QLabel, text: str, kind: str = "error") -> None:
    """Show ``text`` in ``label`` styled as ``kind`` ('error', 'ok' or 'hint'); hide the label when empty.

    An empty message takes no room, so a form does not have gaps under every field.
    """
    if label.objectName() != kind:
        label.setObjectName(kind)
        # the style sheet picks colours by object name: re-polish after changing it
        label.style().unpolish(label)
        label.style().polish(label)
    label.setText(text)
    label.setVisible(bool(text))
    if text:
        from ui.widgets import grow_to_fit

        grow_to_fit(label)  # in a dialog, the whole message shows: the dialog grows to its wrapped lines


def message_label(kind: str = "error") -> QLabel:
    label = QLabel("")
    label.setObjectName(kind)
    label.setWordWrap(True)
    label.setVisible(False)
    return label
