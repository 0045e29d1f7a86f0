"""What every screenshot script needs: the program's own application set-up, the demo village in
the main window, waiting for the screen to settle, saving a grab.

Imported by tools/screenshots*.py (run as scripts, so this folder is on sys.path).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication, QWidget

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "images"
SIZE = (1366, 728)  # a 1366x768 office screen less its taskbar: what the clerk sees


def arguments() -> tuple[Path, bool]:
    """``--out DIR`` (made if missing; docs/images by default) and ``--large`` (大字模式) from the command line."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(IMAGES))
    parser.add_argument("--large", action="store_true", help="大字模式")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    return out, args.large


def application(large: bool = False) -> QApplication:
    """The QApplication exactly as cunwu-desktop makes it: font, style, Qt's own words in Chinese."""
    from ui.app import application as make, apply_look

    app = make()
    apply_look(app, large)
    return app


@contextmanager
def demo_window(app: QApplication, actor: str = "王文书") -> Iterator[tuple[Any, Any]]:
    """(store, main window) over the small demo village in a temporary directory, shown at :data:`SIZE`;
    closed and the directory removed afterwards."""
    from app.demo import create_demo
    from app.schema import open_store
    from ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        store = open_store(Path(tmp) / "data")
        create_demo(store, size="small")
        window = MainWindow(store, actor=actor)
        window.resize(*SIZE)
        window.show()
        try:
            yield store, window
        finally:
            window.close()
            settle(app)
            store.close()


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
