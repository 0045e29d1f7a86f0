"""Python's cycle collector runs on the GUI thread only.

The collector runs in whichever thread happens to allocate when a generation's threshold is reached. If
that is a worker (ui.tasks) and the garbage holds a Qt object, its destructor disconnects signals under
Qt's lock while wanting the interpreter lock, and the GUI thread, holding the interpreter lock inside a
Qt call that wants Qt's lock, waits for it: the program freezes. So automatic collection is switched
off, and a timer on the GUI thread collects as often as the thresholds would have asked for (the
approach Qt programs such as Anki take for the same reason).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect_if_due)
        self.timer.start(INTERVAL_MS)

    def collect_if_due(self) -> int:
        """Collect the oldest generation whose count passed its threshold, as automatic collection would."""
        counts = gc.get_count()
        generation = -1
        for i in range(3):
            if counts[i] > self.threshold[i]:
                generation = i
        return gc.collect(generation) if generation >= 0 else 0

    def stop(self) -> None:
        """Collect once more here, then let Python collect by itself again (tests without a window)."""
        self.timer.stop()
        gc.collect()
        gc.enable()


def install(app: QApplication) -> MainThreadCollector:
    """Collect only on ``app``'s thread from now on; once per application."""
    existing = getattr(app, "_cunwu_collector", None)
    if isinstance(existing, MainThreadCollector) and existing.timer.isActive():
        return existing
    collector = MainThreadCollector(app)
    app._cunwu_collector = collector  # type: ignore[attr-defined]
    return collector
