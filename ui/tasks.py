"""The one helper for background work (Anki's QueryOp, Picard's run_task).

A task runs a plain function off the GUI thread and reports success, failure
and progress back on the GUI thread. Database writes go through one
single-thread pool so they are serialised; reads may run on the general pool.
Screens never create raw threads. Workers never touch widgets. Screens reach the
store only through ui.operations, which builds on this.
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.i18n import _

log = logging.getLogger(__name__)

_write_pool: QThreadPool | None = None


def write_pool() -> QThreadPool:
    global _write_pool
    if _write_pool is None:
        _write_pool = QThreadPool()
        _write_pool.setMaxThreadCount(1)
    return _write_pool


class Cancelled(Exception):
    """Raised inside a task when the person pressed 取消."""


class TaskContext:
    """Handed to the task function: report progress, learn about cancellation."""

    def __init__(self, signals: _Signals) -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int) -> None:
        if self._cancel.is_set():
            raise Cancelled()
        self._signals.progress.emit(int(done), int(total))

    def say(self, text: str) -> None:
        """Change the progress window's text ("第 3 个,共 12 个……"); nothing when the task has none."""
        if self._cancel.is_set():
            raise Cancelled()
        self._signals.said.emit(str(text))

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()


class _Signals(QObject):
    success = Signal(object)
    failure = Signal(object)
    progress = Signal(int, int)
    said = Signal(str)
    finished = Signal()


class _Runner(QRunnable):
    def __init__(self, fn: Callable[[TaskContext], Any], signals: _Signals, ctx: TaskContext) -> None:
        super().__init__()
        self.fn, self.signals, self.ctx = fn, signals, ctx

    def run(self) -> None:
        try:
            result = self.fn(self.ctx)
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI thread
            from ui.errors import is_plain

            if not isinstance(exc, Cancelled) and not is_plain(exc):
                log.error("task failed:\n%s", "".join(traceback.format_exception(exc)))
            self.signals.failure.emit(exc)
        else:
            self.signals.success.emit(result)
        self.signals.finished.emit()


# Qt holds connections to plain Python methods weakly: keep each running Task
# alive here until its worker has reported, or its callbacks would never run.
_alive: set[Task] = set()


class Task:
    """``Task(fn, write=...).success(cb).failure(cb).with_progress(parent, label).run()``.

    ``fn`` receives a :class:`TaskContext`. ``write`` is always said: True puts it on the one-thread write
    pool (one at a time, in order), False on the general pool. Work on the store goes through
    ui.operations (ReadOp, WriteOp), which choose for themselves; a plain Task is for files and
    computing. Without a failure callback, errors reach the one error dialog (:func:`ui.errors.show_error`).
    """

    def __init__(self, fn: Callable[[TaskContext], Any], *, write: bool) -> None:
        self._fn = fn
        self._write = write
        self._on_success: Callable[[Any], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._progress_parent: QWidget | None = None
        self._label = ""
        self._cancellable = False
        self._disable: list[QWidget] = []
        self.signals = _Signals()
        self.ctx = TaskContext(self.signals)
        self.dialog: QProgressDialog | None = None
        self._when_done: list[Callable[[bool], None]] = []

    def success(self, cb: Callable[[Any], None]) -> Task:
        self._on_success = cb
        return self

    def failure(self, cb: Callable[[BaseException], None]) -> Task:
        self._on_failure = cb
        return self

    def when_done(self, cb: Callable[[bool], None]) -> Task:
        """``cb(succeeded)`` after the task's own success or failure callback. May be added after :meth:`run`
        (by someone waiting for a task another part started): the answer reaches the GUI thread later."""
        self._when_done.append(cb)
        return self

    def with_progress(self, parent: QWidget, label: str, *, cancellable: bool = False) -> Task:
        self._progress_parent, self._label, self._cancellable = parent, label, cancellable
        return self

    def disabling(self, *widgets: QWidget) -> Task:
        self._disable.extend(widgets)
        return self

    def run(self) -> Task:
        for w in self._disable:
            w.setEnabled(False)
        if self._progress_parent is not None:
            dlg = QProgressDialog(self._label, _("取消") if self._cancellable else "", 0, 0, self._progress_parent)
            dlg.setWindowTitle(_("请稍候"))
            dlg.setWindowModality(Qt.WindowModality.WindowModal)
            dlg.setMinimumDuration(300)
            if not self._cancellable:
                dlg.setCancelButton(None)
            dlg.canceled.connect(self.ctx.cancel)
            self.signals.progress.connect(lambda done, total: (dlg.setMaximum(max(total, 0)), dlg.setValue(done)))
            self.signals.said.connect(dlg.setLabelText)
            self.dialog = dlg
        self.signals.success.connect(self._succeeded)
        self.signals.failure.connect(self._failed)
        self.signals.finished.connect(self._finished)
        _alive.add(self)
        pool = write_pool() if self._write else QThreadPool.globalInstance()
        pool.start(_Runner(self._fn, self.signals, self.ctx))
        return self

    def _succeeded(self, result: Any) -> None:
        self._close()
        self._give_back()
        if self._on_success:
            self._on_success(result)
        for cb in self._when_done:
            cb(True)

    def _failed(self, exc: BaseException) -> None:
        self._close()
        self._give_back()
        if not isinstance(exc, Cancelled):
            if self._on_failure:
                self._on_failure(exc)
            else:
                from ui.errors import show_error

                show_error(self._progress_parent, exc)
        for cb in self._when_done:
            cb(False)

    def _give_back(self) -> None:
        """Enable the widgets again before the answer is shown: a field error can be corrected and
        sent at once, and the answer has the last word (it may keep a button off)."""
        from shiboken6 import isValid

        for w in self._disable:
            if isValid(w):  # a dialog closed on success may have taken its buttons with it
                w.setEnabled(True)
        self._disable = []

    def _finished(self) -> None:
        self._give_back()
        _alive.discard(self)

    def _close(self) -> None:
        if self.dialog is not None:
            self.dialog.reset()
            self.dialog.close()
            self.dialog = None


class LatestRead:
    """A read a screen repeats (its status, a list): one at a time on a worker, and a request made
    while one runs reads once more afterwards, so an answer started before a change can never be
    the last one shown. ``owner`` going away (its window closed) ends it quietly."""

    def __init__(self, owner: QObject, fn: Callable[[], Any], success: Callable[[Any], None],
                 failure: Callable[[BaseException], None]) -> None:
        self._owner, self._fn, self._success, self._failure = owner, fn, success, failure
        self._running = self._again = False

    @property
    def running(self) -> bool:
        return self._running

    def request(self) -> None:
        if self._running:
            self._again = True
            return
        self._running = True
        task = self._task().success(self._success).failure(self._failure)
        task.signals.finished.connect(self._finished)
        task.run()

    def _task(self) -> Task:
        fn = self._fn
        return Task(lambda _ctx: fn(), write=False)

    def _finished(self) -> None:
        from shiboken6 import isValid

        if not isValid(self._owner):
            return
        self._running = False
        if self._again:
            self._again = False
            self.request()
