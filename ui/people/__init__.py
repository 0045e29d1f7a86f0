"""Screens for the village register: the residents table, the resident dialog, the roster import."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from ui.tasks import Task


def run_held(task: Task, holder: set[Task]) -> Task:
    """Start ``task`` and keep it referenced until it has finished.

    PySide holds connections to a plain object's methods weakly: a Task that
    nobody references is collected while its worker runs, and its success,
    failure and re-enabling callbacks never arrive. It is let go one turn of the
    event loop after ``finished``, when its own handlers have all run.
    """
    holder.add(task)
    task.signals.finished.connect(lambda: QTimer.singleShot(0, lambda: holder.discard(task)))
    return task.run()
