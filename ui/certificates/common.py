"""Pieces the certificate tabs share: texts for kinds and due dates, questions, errors, opening a PDF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget
from shiboken6 import isValid

from app.certificates.catalogue import ApprovedKind
from app.i18n import _
from ui.style import ACCENT, ACCENT_TEXT, BASE_POINT_SIZE, BORDER, ERROR, MUTED, OK, PANEL, TEXT
from ui.tasks import Task, TaskContext
from ui.widgets import heading, hint, selectable  # noqa: F401 - re-exported for the certificate panels

if TYPE_CHECKING:
    from ui.certificates.actions import Printed

# the core's own exceptions whose message is written for the clerk (ui.errors does not know them yet)
_PLAIN_HERE = ("CertificateError", "CatalogueError", "SerialError", "CertificateLayoutError", "FontFileMissingError")


def is_plain(exc: BaseException) -> bool:
    from ui.errors import is_plain as plain

    return plain(exc) or any(c.__name__ in _PLAIN_HERE for c in type(exc).__mro__)


def show_failure(parent: QWidget | None, exc: BaseException) -> None:
    """The one error dialog, also for the certificate core's plain messages."""
    if is_plain(exc):
        QMessageBox.warning(parent, _("出错了"), str(exc))
        return
    from ui.errors import show_error

    show_error(parent, exc)


def failure_text(exc: BaseException) -> str:
    if is_plain(exc):
        return str(exc)
    from ui.errors import message_for

    return message_for(exc)


def run_guarded(fn: Callable[[TaskContext], Any], *, write: bool, success: Callable[[Any], None],
                failure: Callable[[BaseException], None], widgets: tuple[QWidget, ...] = (),
                progress: tuple[QWidget, str] | None = None) -> Task:
    """Run ``fn`` as a Task with ``widgets`` disabled until its answer is shown.

    Unlike Task.disabling, the widgets come back before the answer is shown (a
    field error can be corrected and sent again at once; an answer may also
    keep a button off) and only if they still exist (a dialog closes on success).
    """
    def give_back() -> None:
        for w in widgets:
            if isValid(w):
                w.setEnabled(True)

    def succeeded(result: Any) -> None:
        give_back()
        success(result)

    def failed(exc: BaseException) -> None:
        give_back()
        failure(exc)

    for w in widgets:
        w.setEnabled(False)
    task = Task(fn, write=write).success(succeeded).failure(failed)
    if progress is not None:
        task.with_progress(*progress)
    return task.run()


def confirm(parent: QWidget, title: str, text: str, yes: str, no: str) -> bool:
    """A question whose buttons say what they do; No is the default, so Enter never destroys anything."""
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.YesRole)
    no_button = box.addButton(no, QMessageBox.ButtonRole.NoRole)
    box.setDefaultButton(no_button)
    box.setEscapeButton(no_button)
    box.exec()
    return box.clickedButton() is yes_button


def open_file(path: Path) -> bool:
    """Open a PDF in the system's viewer, where the clerk prints it.

    PySide6-Essentials has no QtPdf, so the program cannot draw a PDF itself;
    the system viewer also knows the office printer and its paper trays.
    """
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


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


def base_size() -> int:
    app = QApplication.instance()
    base = app.font().pointSize() if isinstance(app, QApplication) else BASE_POINT_SIZE
    return base if base > 0 else BASE_POINT_SIZE


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


def open_printed(parent: QWidget, printed: Printed) -> None:
    """Open the new PDF for printing; if no viewer opens it, say where the file is."""
    if not open_file(printed.path):
        QMessageBox.information(parent, _("请手动打开证明文件"), _(
            "证明已保存,但这台电脑没能自动打开它。请在文件夹里找到下面的文件,双击打开后打印:\n{path}").format(
            path=printed.path))
