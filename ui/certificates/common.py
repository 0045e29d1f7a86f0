"""Pieces the certificate tabs share: texts for kinds and due dates, and the screen's style sheet."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.certificates.catalogue import ApprovedKind
from app.i18n import _
from ui.style import ACCENT, ACCENT_TEXT, BORDER, ERROR, MUTED, OK, PANEL, TEXT


def mode_text(kind: ApprovedKind) -> str:
    if kind.on_the_spot:
        return _("当场办结")
    if kind.working_days:
        return _("{days}个工作日内办结").format(days=kind.days)
    return _("{days}日内办结").format(days=kind.days)


def days_left_text(days_left: int) -> str:
    if days_left < 0:
        return _("已超期 {n} 天").format(n=-days_left)
    if days_left == 0:
        return _("今天到期")
    return _("还剩 {n} 天").format(n=days_left)


def set_kind(label: QWidget, name: str) -> None:
    """Change the object name the style sheet colours by, and re-polish so it shows."""
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)


def style_sheet(base: int) -> str:
    """The screen's own sizes, derived from the application's base size so 大字模式 scales them too."""
    pad = max(base // 2, 6)
    return (
        f"QPushButton#primary {{ font-size: {base + 3}pt; font-weight: bold; padding: {pad}px {pad * 3}px;"
        f" background: {ACCENT}; color: {ACCENT_TEXT}; border: 3px solid {ACCENT}; border-radius: 6px; }}"
        f"QPushButton#primary:focus {{ border-color: {TEXT}; }}"
        f"QPushButton#primary:disabled {{ background: {BORDER}; border-color: {BORDER}; }}"
        f"QFrame#refusal {{ background: #fdecea; border: 3px solid {ERROR}; border-radius: 6px; }}"
        f"QFrame#refusal QLabel {{ border: none; background: transparent; }}"
        f"QLabel#refusalTitle {{ font-size: {base + 6}pt; font-weight: bold; color: {ERROR}; }}"
        f"QLabel#refusalText {{ font-size: {base + 2}pt; color: {TEXT}; }}"
        f"QLabel#refusalWhere {{ font-size: {base + 2}pt; font-weight: bold; color: {TEXT}; }}"
        f"QListWidget#matches::item {{ padding: {pad // 2}px 4px; }}"
        f"QFrame#kindBox {{ background: {PANEL}; border: 2px solid {BORDER}; border-radius: 6px; }}"
        f"QFrame#kindBox QLabel {{ border: none; background: transparent; }}"
        f"QLabel#kindTitle {{ font-size: {base + 5}pt; font-weight: bold; color: {TEXT}; }}"
        f"QLabel#modeSpot {{ font-size: {base + 3}pt; font-weight: bold; color: {OK}; }}"
        f"QLabel#modeLimited {{ font-size: {base + 3}pt; font-weight: bold; color: #8a4b00; }}"
        f"QLabel#counter {{ color: {MUTED}; }}"
        f"QLabel#counterOver {{ color: {ERROR}; font-weight: bold; }}"
        f"QLabel#required {{ color: {ERROR}; font-weight: bold; }}"
        f"QLineEdit#scan {{ font-size: {base + 6}pt; padding: {pad}px; border: 3px solid {ACCENT}; }}"
        f"QFrame#verdictGood {{ background: #e8f5e9; border: 3px solid {OK}; border-radius: 6px; }}"
        f"QFrame#verdictBad {{ background: #fdecea; border: 3px solid {ERROR}; border-radius: 6px; }}"
        f"QFrame#verdictGood QLabel, QFrame#verdictBad QLabel {{ border: none; background: transparent; }}"
        f"QLabel#verdictOk {{ font-size: {base * 2 + 8}pt; font-weight: bold; color: {OK}; }}"
        f"QLabel#verdictFail {{ font-size: {base * 2 + 8}pt; font-weight: bold; color: {ERROR}; }}"
        f"QLabel#verdictText {{ font-size: {base + 3}pt; color: {TEXT}; }}"
        f"QLabel#verdictField {{ font-size: {base + 2}pt; color: {TEXT}; }}"
        f"QTabBar::tab {{ padding: {pad}px {pad * 2}px; font-size: {base + 1}pt; }}"
        f"QTabBar::tab:selected {{ font-weight: bold; color: {ACCENT}; }}"
    )
