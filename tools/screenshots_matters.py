"""Screenshots of 四议两公开 for the user guide: ``python tools/screenshots_matters.py``.

Builds the small demo village in a temporary directory (three years of minutes, and major matters
at every step: one 已办结, a 村规民约 adopted and filed, a resolution left unposted past its deadline)
and writes, at 1366x728 (a 1366x768 village office screen less its taskbar) offscreen:

- docs/images/matter-board.png: 会议记录's 四议两公开 tab, every matter (全部), at the first that reached
  step 4 (已实施 and waiting for its result notice, 已办结); matter-board-overdue.png at the resolution
  left unposted past its deadline;
- docs/images/matter-authorise.png: 记录授权 for an Art. 24 matter waiting for step 4, listing the
  passed motions of closed 村民会议;
- docs/images/matter-filing.png: 登记备案 of the adopted 村规民约;
- docs/images/home-due-matters.png: the home screen, its due list with the overdue 决议公开.

``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import SIZE, application, arguments, demo_window, save, settle  # noqa: E402



def main() -> int:
    out, large = arguments()
    app = application(large)

    from PySide6.QtWidgets import QTabWidget

    from app.meetings.matters import is_art24, is_village_rules
    from app.meetings.models import IN_PROGRESS
    from ui.meetings import matter_dialogs
    from ui.meetings.matter_board import MatterBoard

    shown: list = []
    matter_dialogs.show_dialog = shown.append  # keep the dialog for the picture instead of showing it modal

    def grab_dialog(name: str) -> None:
        settle(app, lambda: bool(shown))
        dialog = shown.pop()
        dialog.resize(max(dialog.sizeHint().width(), 760), dialog.sizeHint().height())
        dialog.show()
        settle(app)
        save(dialog, out / name)
        dialog.close()

    with demo_window(app) as (_store, window):
        window.resize(*SIZE)
        home = window.show_screen("home")
        settle(app, lambda: getattr(home, "due_loaded", False))
        save(window, out / "home-due-matters.png")

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
        # the home screen's list made the window taller than the screen; the board itself fits 1366x728
        window.stack.removeWidget(home)
        home.hide()
        settle(app)
        window.resize(*SIZE)
        settle(app)
        board.all_radio.setChecked(True)
        settle(app, lambda: not board.loading and bool(board.cards))

        def scrolled_to(matter_id: int, name: str) -> None:
            card = board.card_for(matter_id)
            board.scroll.verticalScrollBar().setValue(card.y())
            settle(app)
            save(window, out / name)

        rows = [r.matter for r in board.rows]
        decided = next(m for m in rows if m.state != IN_PROGRESS)  # the first that reached step 4
        scrolled_to(decided.id, "matter-board.png")
        overdue = next(r.matter for r in board.rows if r.deadlines.get("resolution") and
                       r.deadlines["resolution"].overdue)
        scrolled_to(overdue.id, "matter-board-overdue.png")

        waiting = next(m for m in rows if m.state == IN_PROGRESS and is_art24(m.category) and m.next_step == 4)
        board.authorise(waiting.id)
        settle(app, lambda: bool(shown))
        granting = next(m for m in shown[-1].meetings if any("授权" in text for _i, text in m.motions))
        shown[-1].select_motion(granting.meeting_id, next(i for i, text in granting.motions if "授权" in text))
        grab_dialog("matter-authorise.png")

        rules = next(r.matter for r in board.rows if is_village_rules(r.matter.category))
        board.record_filing(rules.id)
        grab_dialog("matter-filing.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
