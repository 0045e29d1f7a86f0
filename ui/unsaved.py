"""Nothing typed is lost when the main window closes.

An editor that can hold unsaved changes (the notice editor, the minutes editor, the resident dialog, the
certificate form) answers two questions, the protocol :class:`Editor`:

- ``unsaved_changes()``: what is not saved, in a few words (公开事项“……”), or "" when nothing is;
- ``save_changes()``: start saving it, as the editor's own save button does, and give back the write
  operations (ui.tasks.Task) started; None when it cannot be saved from here (a certificate is issued only
  by its own button, after the clerk has checked it), and the editor then says why.

:func:`may_close` is what ``MainWindow.closeEvent`` asks: it finds every editor in the window (and in the
dialogs the window's screens opened) that holds unsaved changes and asks 保存 / 不保存 / 取消, naming them
(without blocking: the close is refused while the question is on screen, and the answer closes it).
取消 keeps the window and every draft. 不保存 closes. 保存 starts each save and keeps the window open until
they have answered: when every one succeeded (and nothing is left unsaved) the window closes; when one
failed the window stays, that editor is brought to the front and shows its own message (under the field).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QDialog, QMessageBox, QStackedWidget, QTabWidget, QWidget
from shiboken6 import isValid

from app.i18n import _
from ui.tasks import Task

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


@runtime_checkable
class Editor(Protocol):
    def unsaved_changes(self) -> str: ...

    def save_changes(self) -> Task | list[Task] | None: ...


def unsaved_editors(root: QWidget) -> list[QWidget]:
    """The editors under ``root`` (its screens, their tabs, the dialogs they opened) holding unsaved changes."""
    found: list[QWidget] = []
    for widget in [root, *root.findChildren(QWidget)]:
        ask = getattr(widget, "unsaved_changes", None)
        if callable(ask) and callable(getattr(widget, "save_changes", None)) and isValid(widget) and ask():
            found.append(widget)
    return found


def question_text(items: list[str]) -> str:
    lines = "\n".join(_("· {what}").format(what=item) for item in items)
    return _("下面的内容改过还没有保存:\n{lines}\n\n关闭前要保存吗?").format(lines=lines)


def ask(parent: QWidget, items: list[str], answered: Callable[[str], None]) -> QMessageBox:
    """Ask 保存 / 不保存 / 取消 about the unsaved ``items`` without blocking (window-modal); ``answered(SAVE|DISCARD|
    CANCEL)`` follows the click. Esc and closing the box are 取消. The seam tests replace."""
    box = QMessageBox(QMessageBox.Icon.Question, _("还没有保存"), question_text(items),
                      QMessageBox.StandardButton.NoButton, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    save = box.addButton(_("保存"), QMessageBox.ButtonRole.AcceptRole)
    discard = box.addButton(_("不保存"), QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(_("取消"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(save)
    box.setEscapeButton(cancel)
    box.buttonClicked.connect(lambda button: answered(SAVE if button is save else DISCARD if button is discard
                                                      else CANCEL))
    box.open()
    return box


def reveal(window: QWidget, editor: QWidget) -> None:
    """Bring ``editor`` to the front: its screen in the main window, its tab, its dialog."""
    show_screen = getattr(window, "show_screen", None)
    screens: dict[str, QWidget] = getattr(window, "_screens", {})
    for key, screen in screens.items():
        if callable(show_screen) and (screen is editor or screen.isAncestorOf(editor)):
            if getattr(window, "current_key", lambda: None)() != key:
                show_screen(key)
            break
    child: QWidget = editor
    parent = editor.parentWidget()
    while parent is not None:
        tabs = parent.parentWidget()
        if isinstance(parent, QStackedWidget) and isinstance(tabs, QTabWidget) and tabs.indexOf(child) >= 0:
            tabs.setCurrentWidget(child)
        elif isinstance(parent, QStackedWidget) and parent.indexOf(child) >= 0 and not screens:
            parent.setCurrentWidget(child)
        child, parent = parent, parent.parentWidget()
    dialog = editor.window()
    if isinstance(dialog, QDialog):
        dialog.raise_()
        dialog.activateWindow()


def may_close(window: QWidget, close_now: Callable[[], object],
              say: Callable[[str], None] | None = None) -> bool:
    """True when ``window`` may close now. Otherwise the question is on screen and the window stays:
    不保存 calls ``close_now`` (which closes without asking again), 保存 starts every save and calls it once
    all have succeeded, 取消 leaves everything as it is."""
    editors = unsaved_editors(window)
    if not editors:
        return True
    shown = getattr(window, "_unsaved_question", None)
    if isinstance(shown, QMessageBox) and isValid(shown) and shown.isVisible():
        shown.raise_()  # asked already (the close button pressed twice): one question at a time
        return False

    asking = True  # an answer given while ask() runs (a test's, or a box shown modally) decides this close

    def answered(answer: str) -> None:
        if not isValid(window):
            return
        if answer == DISCARD:
            for editor in editors:  # a dialog holding what is thrown away goes with the window
                dialog = editor.window() if isValid(editor) else None
                if isinstance(dialog, QDialog) and dialog is not window:
                    dialog.reject()
            decided.append(DISCARD)
            if not asking:
                close_now()
        elif answer == SAVE:
            _save_then_close(window, editors, close_now, say)

    decided: list[str] = []
    window._unsaved_question = ask(window, [e.unsaved_changes() for e in editors],  # type: ignore[attr-defined]
                                   answered)
    asking = False
    return bool(decided)


def _save_then_close(window: QWidget, editors: list[QWidget], close_again: Callable[[], object],
                     say: Callable[[str], None] | None) -> None:
    pending: list[Task] = []
    failed: list[QWidget] = []

    def stay(editor: QWidget) -> None:
        if isValid(window) and isValid(editor):
            reveal(window, editor)
            if say is not None:
                say(_("有内容没有保存,窗口没有关闭。请按提示处理后再关闭。"))

    def done(task: Task, failed_editor: QWidget | None) -> None:
        if task in pending:
            pending.remove(task)
        if failed_editor is not None:
            failed.append(failed_editor)
        if pending or not isValid(window):
            return
        if failed:
            stay(failed[0])
            return
        left = unsaved_editors(window)
        if left:
            stay(left[0])
            return
        close_again()

    for editor in editors:
        started = editor.save_changes()  # type: ignore[attr-defined]
        if started is None:
            failed.append(editor)
            continue
        tasks = started if isinstance(started, list) else [started]
        for task in tasks:
            pending.append(task)
            # after the editor's own callbacks: the editor has shown the stored record or its refusal
            task.when_done(lambda ok, t=task, e=editor: done(t, None if ok else e))
    if failed:
        stay(failed[0])  # it said why; the window stays, and the saves started go on
        return
    if not pending:
        QTimer.singleShot(0, close_again)  # after the close event that asked has been answered
        return
