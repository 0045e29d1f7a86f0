"""The main window's left column (its sections, 帮助 and 关于) and F1, without the user guide's window:
ui.help, which shows the guide, is read when 帮助 is first pressed, not at start-up."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from app.i18n import _


def install_shortcut(window: QWidget, callback: object) -> QShortcut:
    """F1 in ``window`` calls ``callback`` (the main window opens the guide at its screen)."""
    shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), window)
    shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
    shortcut.activated.connect(callback)  # type: ignore[arg-type]
    return shortcut


def nav_column(sidebar: QWidget, on_help: object, on_about: object) -> tuple[QWidget, QPushButton, QPushButton]:
    """The main window's left column: the sidebar, and under it 帮助 and 关于 (narrow enough for the sidebar's
    width in either type size; the list gives up the room they take)."""
    from ui.style import BORDER, PANEL

    column = QWidget()
    column.setObjectName("navColumn")
    column.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    column.setStyleSheet("QWidget#navColumn {{ background: {panel}; border-right: 2px solid {border}; }}".format(
        panel=PANEL, border=BORDER))
    help_button = QPushButton(_("帮助"))
    help_button.setObjectName("helpButton")
    help_button.setToolTip(_("打开使用说明里讲这一页的部分(F1)"))
    help_button.clicked.connect(on_help)  # type: ignore[arg-type]
    about_button = QPushButton(_("关于"))
    about_button.setObjectName("aboutButton")
    about_button.setToolTip(_("版本、数据目录和许可证"))
    about_button.clicked.connect(on_about)  # type: ignore[arg-type]
    layout = QVBoxLayout(column)
    layout.setContentsMargins(0, 0, 0, 8)
    layout.setSpacing(6)
    layout.addWidget(sidebar, 1)
    for button in (help_button, about_button):
        row = QHBoxLayout()
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(button)
        layout.addLayout(row)
    return column, help_button, about_button
