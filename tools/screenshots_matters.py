"""Screenshot of the 四议两公开 board for the user guide: ``python tools/screenshots_matters.py``.

Builds the small demo village in a temporary directory (three years of minutes, and major matters
at every step) and writes docs/images/matter-board.png: the main window at 1280x800 offscreen, on
会议记录's 四议两公开 tab, the matters still in progress. ``--large`` takes it in 大字模式 and
``--out DIR`` writes it elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, demo_window, save, settle  # noqa: E402

def main() -> int:
    out, large = arguments()
    app = application(large)

    from PySide6.QtWidgets import QTabWidget

    from ui.meetings.matter_board import MatterBoard

    with demo_window(app) as (_store, window):  # the demo's matters stand at every step of 四议两公开
        screen = window.show_screen("meetings")
        settle(app)
        board = screen.findChild(MatterBoard)
        if board is None:
            raise SystemExit("the 会议记录 screen has no 四议两公开 board")
        tabs = board.parent()
        while tabs is not None and not isinstance(tabs, QTabWidget):
            tabs = tabs.parent()
        if tabs is not None:
            tabs.setCurrentWidget(board)
        settle(app, lambda: not board.loading and bool(board.cards))
        save(window, out / "matter-board.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
