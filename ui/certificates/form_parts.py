"""Small parts of the issue form: a line edit that counts printed characters, labels with a red star,
and the list entry of a kind (its name, and whether it is done on the spot or takes days)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.certificates.catalogue import ApprovedKind, kind_key
from app.i18n import _
from ui.certificates.common import set_kind
from ui.style import BORDER, ERROR, OK, TEXT, message_label, show_message


def printed_length(text: str) -> int:
    """Characters as printed (the service's count): a variation selector belongs to the character before it."""
    return sum(1 for ch in text.strip() if not (0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF))


class CountedEdit(QWidget):
    """A line edit with ``12/40`` beside it: the printed box holds ``max_len`` characters."""

    def __init__(self, max_len: int, placeholder: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_len = max_len
        self.edit = QLineEdit()
        self.edit.setPlaceholderText(placeholder)
        self.counter = QLabel()
        self.counter.setObjectName("counter")
        self.counter.setToolTip(_("打印时这一格最多放 {n} 个字").format(n=max_len))
        self.error = message_label("error")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.counter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        self.edit.textChanged.connect(self._count)
        self._count(self.edit.text())

    def _count(self, text: str) -> None:
        if self.error.text():
            show_message(self.error, "")  # the red line was about what stood here before: checked again on issuing
        n = printed_length(text)
        self.counter.setText("{n}/{max}".format(n=n, max=self.max_len))
        set_kind(self.counter, "counterOver" if n > self.max_len else "counter")

    def text(self) -> str:
        return self.edit.text()

    def show_error(self, message: str) -> None:
        show_message(self.error, message, "error")
        if message:
            self.edit.setFocus()

    def error_text(self) -> str:
        return self.error.text() if self.error.isVisibleTo(self) else ""


def required_label(text: str, required: bool) -> QLabel:
    # a red star after the label: the fields the service will insist on
    star = ' <span style="color:{red};font-weight:bold">*</span>'.format(red=ERROR) if required else ""
    label = QLabel(text.replace("&", "&amp;").replace("<", "&lt;") + star)
    label.setTextFormat(Qt.TextFormat.RichText)
    return label


def matches(kind: ApprovedKind, text: str) -> bool:
    """Whether ``kind`` is what the clerk is typing (a part of its name, its code or its short name)."""
    raw = text.strip()
    key = kind_key(raw)
    if not key:
        return True
    return (raw.upper() == kind.code.upper() or key in kind_key(kind.name) or key in kind_key(kind.title)
            or kind.short in raw)


MODE_ROLE = Qt.ItemDataRole.UserRole + 1
SPOT_ROLE = Qt.ItemDataRole.UserRole + 2


class KindDelegate(QStyledItemDelegate):
    """A kind in the list: its name, and under it, in colour, whether it is done on the spot or takes days."""

    def _pad(self, option: QStyleOptionViewItem) -> int:
        return max(option.fontMetrics.height() // 3, 4)

    def sizeHint(self, option: QStyleOptionViewItem, index: Any) -> QSize:  # noqa: N802 - Qt's name
        metrics = option.fontMetrics
        width = option.rect.width() if option.rect.width() > 0 else metrics.horizontalAdvance("M") * 16
        name_rect = metrics.boundingRect(0, 0, max(width - 2 * self._pad(option), 10), 10_000,
                                         int(Qt.TextFlag.TextWordWrap), str(index.data()))
        return QSize(width, name_rect.height() + metrics.height() + 3 * self._pad(option))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Any) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        pad = self._pad(option)
        rect = option.rect.adjusted(pad, pad, -pad, -pad)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        painter.save()
        painter.setPen(option.palette.color(QPalette.ColorRole.HighlightedText) if selected else QColor(TEXT))
        name_rect = painter.boundingRect(rect, int(Qt.TextFlag.TextWordWrap), str(index.data()))
        painter.drawText(rect, int(Qt.TextFlag.TextWordWrap), str(index.data()))
        if not selected:
            painter.setPen(QColor(OK if index.data(SPOT_ROLE) else "#8a4b00"))
        mode_rect = rect.adjusted(0, name_rect.height() + pad // 2, 0, 0)
        painter.drawText(mode_rect, int(Qt.AlignmentFlag.AlignLeft), str(index.data(MODE_ROLE) or ""))
        painter.setPen(QColor(BORDER))
        painter.drawLine(option.rect.bottomLeft(), option.rect.bottomRight())
        painter.restore()
