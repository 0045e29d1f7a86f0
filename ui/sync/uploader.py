"""Uploads in the background while the program runs, when the township's address is set (app/sync/upload.py).

One :class:`Uploader` per village store, started with the main window (:func:`start_uploads`) and found again by
the 同步 screen (:func:`uploader_for`). Every hour it exports what is new (on the write pool, like the screen's
own export) and uploads every bundle not yet receipted (on the general pool: the network must never hold up
the clerk's saves); the 同步 screen asks for an upload after each export and when 立即上传 is pressed. A
failure is tried again after 1, 2, 4 ... minutes, at most an hour, each times a random factor 0.5-1.5
(app.sync.upload.retry_delay), so villages do not all come back at once when the township's server does.
There is never more than one upload at a time: a request while one runs is answered by that one.
"""

from __future__ import annotations

import logging
import random
import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from shiboken6 import isValid

from app.storage import Store
from app.sync.upload import UploadReport, retry_delay, township_url, upload_outbox
from ui.sync import FIRST_UPLOAD_DELAY
from ui.tasks import Task, TaskContext

log = logging.getLogger(__name__)

FIRST_DELAY = FIRST_UPLOAD_DELAY


class Uploader(QObject):
    """``uploader.upload(export=True)``; ``busy_changed(bool)`` and ``finished(report or exception)`` on the GUI
    thread. ``random`` gives the jitter factor's randomness (tests give their own)."""

    busy_changed = Signal(bool)
    finished = Signal(object)  # UploadReport, or the exception that stopped the upload before it began

    def __init__(self, store: Store, parent: QObject | None = None,
                 random_factor: Callable[[], float] | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.failures = 0          # failed uploads in a row: the back-off's exponent
        self.busy = False
        self.last: UploadReport | BaseException | None = None
        self._random = random_factor or (lambda: random.uniform(0.5, 1.5))
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._scheduled)

    # ------------------------------------------------------------ the schedule

    def start(self, first: float = FIRST_DELAY) -> None:
        self.schedule(first)

    def schedule(self, seconds: float) -> None:
        self.timer.start(max(1, int(seconds * 1000)))

    def next_in(self) -> float:
        """Seconds until the next background upload (for the screen and the tests)."""
        return self.timer.remainingTime() / 1000 if self.timer.isActive() else -1

    def _scheduled(self) -> None:
        if not self.has_url():
            self.schedule(retry_delay(0, 1.0))  # look again in an hour; setting the address starts it sooner
            return
        self.upload(export=True)

    def has_url(self) -> bool:
        return bool(township_url(self.store.data_dir))

    # ------------------------------------------------------------ an upload

    def upload(self, *, export: bool = False) -> Task | None:
        """Upload now (after exporting what is new, with ``export``). None when one is running already: that one
        will do (never two at once) — or when no address is set."""
        if self.busy or not self.has_url():
            return None
        self._set_busy(True)
        self.timer.stop()
        if not export:
            return self._send()
        from app.keys import ensure_village_key
        from app.sync.export import export_bundle
        from app.sync.upload import outbox_dir

        store = self.store

        def export_new(_ctx: TaskContext) -> Any:
            ensure_village_key(store.data_dir)
            folder = outbox_dir(store.data_dir)
            folder.mkdir(parents=True, exist_ok=True)
            return export_bundle(store, folder)

        # the export on the write pool: never beside the screen's own export or a receipt import
        return Task(export_new, write=True).success(lambda _r: self._send()).failure(self._failed).run()

    def _send(self) -> Task:
        store = self.store
        return (Task(lambda _ctx: upload_outbox(store), write=False)
                .success(self._done).failure(self._failed).run())

    def _done(self, report: UploadReport) -> None:
        if not isValid(self):
            return
        self.failures = 0 if report.ok else self.failures + 1
        self._over(report)

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        log.info("upload failed: %s", exc)
        self.failures += 1
        self._over(exc)

    def _over(self, result: UploadReport | BaseException) -> None:
        self.last = result
        self.schedule(retry_delay(self.failures, self._random()))
        self._set_busy(False)
        self.finished.emit(result)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.busy_changed.emit(busy)


_uploaders: weakref.WeakKeyDictionary[Store, Uploader] = weakref.WeakKeyDictionary()


def uploader_for(store: Store, parent: QObject | None = None) -> Uploader:
    """The store's one uploader (made on first use, owned by ``parent``)."""
    found = _uploaders.get(store)
    if found is not None and isValid(found):
        return found
    made = Uploader(store, parent)
    _uploaders[store] = made
    return made


def start_uploads(store: Store, window: QObject, first: float = FIRST_DELAY) -> Uploader:
    """Called once by the main window: background uploads for as long as it is open, the first in ``first``
    seconds."""
    uploader = uploader_for(store, window)
    uploader.start(first)
    return uploader
