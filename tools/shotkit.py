"""What every screenshot script needs: the program's own application set-up, waiting for the
screen to settle, saving a grab.

Imported by tools/screenshots*.py (run as scripts, so this folder is on sys.path).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"


def application(large: bool = False) -> QApplication:
    """The QApplication exactly as cunwu-desktop makes it: font, style, Qt's own words in Chinese."""
    from ui.app import application as make, apply_look

    app = make()
    apply_look(app, large)
    return app


def settle(app: QApplication, until: Callable[[], bool] = lambda: True, timeout: float = 30.0) -> None:
    """Let queued events and background tasks finish, then paint; TimeoutError if ``until`` never holds."""
    deadline = time.monotonic() + timeout
    while True:
        QThreadPool.globalInstance().waitForDone(20)
        app.processEvents()
        if until():
            break
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not finish in time")
        time.sleep(0.02)
    for _ in range(5):
        app.processEvents()


def save(widget: QWidget, target: Path | str) -> Path:
    """Grab ``widget`` into ``target`` (a path, or a file name in docs/images)."""
    path = target if isinstance(target, Path) else IMAGES / target
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(path)
    return path
