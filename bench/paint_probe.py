"""One paint measurement in a fresh process: ``python -m bench.paint_probe DATA_DIR``.

Prints one JSON line: milliseconds from creating ResidentsScreen(store) to its
first full paint, and how many rows the table showed. "Full" means the table
has rows and no background task is still running (the screen loads on a
worker, so the first paint alone may be an empty table), then grab() renders
the whole screen.

Qt, the screen module and the store are loaded before the clock starts, and a
label with Chinese text is rendered once so font loading is not counted: only
what the screen itself does over its data is timed.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

WAIT_SECONDS = float(os.environ.get("BENCH_PAINT_WAIT", "120"))


def _table_rows(widget) -> int:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QAbstractItemView

    views = widget.findChildren(QAbstractItemView)
    if isinstance(widget, QAbstractItemView):
        views.append(widget)
    counts = [v.model().rowCount() for v in views if v.model() is not None]
    return max(counts, default=0)


def _idle() -> bool:
    from PySide6.QtCore import QThreadPool

    busy = QThreadPool.globalInstance().activeThreadCount()
    try:
        from ui.tasks import write_pool

        busy += write_pool().activeThreadCount()
    except ImportError:
        pass
    return busy == 0


def measure(data_dir: Path) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication, QLabel

    from app.schema import open_store

    app = QApplication.instance() or QApplication(sys.argv[:1])
    try:
        from ui.fonts import install_app_font

        install_app_font(app)  # type: ignore[arg-type]
    except ImportError:
        pass
    from ui.people.residents_screen import ResidentsScreen

    store = open_store(data_dir, create=False)
    warm = QLabel("村民信息 王明 370102")
    warm.show()
    warm.grab()
    warm.close()
    app.processEvents()

    start = time.perf_counter()
    screen = ResidentsScreen(store)
    screen.resize(1280, 800)
    screen.show()
    deadline = start + WAIT_SECONDS
    # PySide6 6.12 on Python 3.11: the static QCoreApplication.processEvents() drops a
    # reference to None on every call and aborts the process after a few thousand calls;
    # the same method on a QEventLoop instance does not.
    loop = QEventLoop()
    while True:
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        if _table_rows(screen) > 0 and _idle():
            # signals a worker emitted just before finishing are still queued
            loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents)
            if _idle():
                break
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the table showed no rows within {WAIT_SECONDS:.0f} s")
        time.sleep(0.001)
    picture = screen.grab()
    elapsed = time.perf_counter() - start
    rows = _table_rows(screen)
    screen.close()
    store.close()
    return {"ms": elapsed * 1000, "rows_shown": rows, "painted": not picture.isNull()}


def main() -> int:
    print(json.dumps(measure(Path(sys.argv[1]))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
