"""Screenshots of the 村务公开 screen for the user guide: ``python tools/screenshots_disclosure.py``.

Builds the small demo village (three years of notices from its ledger and catalogue)
in a temporary directory and writes, in the main window at 1366x728 (a 1366x768 office screen less its taskbar) offscreen:
docs/images/disclosure-home.png (the home screen's due and overdue items),
docs/images/disclosure-calendar.png (the month with the latest deadlines, and what is due now),
docs/images/disclosure-year.png (the year at a glance),
docs/images/disclosure-list.png (the notices, a posted one selected with a villager's question),
docs/images/disclosure-editor.png (a due item drafted from its template, the printed page beside it),
docs/images/disclosure-review.png, disclosure-post.png (the review and posting dialogs) and
docs/images/disclosure-print.png (the print preview).
``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
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

    from app.disclosure.service import NoticeQuery, list_notices
    from ui import widgets
    from ui.disclosure import actions, dialogs
    from ui.disclosure.preview import PrintPreviewDialog
    from ui.disclosure.screen import CALENDAR, NOTICES, DisclosureScreen

    shown: list = []

    def show(dialog) -> None:  # type: ignore[no-untyped-def]
        shown.append(dialog)
        dialog.show()

    dialogs.show_dialog = show  # type: ignore[assignment]
    widgets.open_path = lambda _path: True  # type: ignore[assignment] - no PDF viewer offscreen

    with demo_window(app) as (store, window):

        # -- home: what is due and overdue
        home = window.show_screen("home")
        settle(app, lambda: getattr(home, "due_loaded", False))
        # the home screen scrolls at 1366x728: bring its 村务公开 box into sight
        from PySide6.QtWidgets import QScrollArea

        home.findChild(QScrollArea).ensureWidgetVisible(home.due_frame, 0, 0)
        settle(app)
        save(window, out / "disclosure-home.png")

        screen = window.show_screen("disclosure")
        assert isinstance(screen, DisclosureScreen)
        calendar = screen.calendar
        settle(app, lambda: screen.context is not None and calendar.data is not None and not calendar.loading)

        # -- the calendar: the latest month with deadlines in it
        today = screen.context.today  # type: ignore[union-attr]
        for back in range(0, 4):
            m = today.year * 12 + today.month - 1 - back
            calendar.go_to(m // 12, m % 12 + 1)
            settle(app, lambda: not calendar.loading)
            if calendar.month_model.rowCount():
                break
        screen.show_tab(CALENDAR)
        settle(app)
        save(window, out / "disclosure-calendar.png")

        calendar.mode_button.setChecked(True)
        settle(app, lambda: not calendar.loading)
        save(window, out / "disclosure-year.png")
        calendar.mode_button.setChecked(False)
        settle(app, lambda: not calendar.loading)

        # -- the list, a posted notice with a villager's question selected
        with store.read() as s:
            posted = list_notices(s, NoticeQuery(state="published"))
            from app.disclosure.service import get_notice

            asked = next((n for n in posted if get_notice(s, n.id).feedback), posted[0])
            ledger = next((n for n in posted if n.category == "财务" and get_notice(s, n.id).source == "ledger"), asked)
            waiting = next(iter(list_notices(s, NoticeQuery(state="submitted"))), None)
            approved = next(iter(list_notices(s, NoticeQuery(state="approved"))), None)
        screen.show_tab(NOTICES)
        notices = screen.notices
        settle(app, lambda: not notices.model.loading and notices.model.rowCount() > 0)
        notices.refresh(select=asked.id)
        settle(app, lambda: notices.details.notice is not None and notices.details.notice.id == asked.id)
        save(window, out / "disclosure-list.png")

        # -- the editor: the most urgent due item drafted from the catalogue
        # (a 四议两公开 notice was drafted by its matter: it opens in the list, not as a new draft)
        due = [e for e in (calendar.data.due if calendar.data else []) if actions.matter_key(e.period.key) is None]
        if due:
            screen.start_draft(due[0].item.code, due[0].period.key)
        else:
            screen.new_notice()
        editor = screen.editor
        settle(app, lambda: screen.tabs.currentWidget() is editor and bool(editor.title_edit.text()))
        editor.preview.refresh_now()
        settle(app, lambda: not editor.preview.busy and bool(editor.preview.pages))
        save(window, out / "disclosure-editor.png")
        editor.dirty = False
        editor.close_editor()

        # -- the review and posting dialogs
        if waiting is not None:
            screen.review(waiting.id)
            settle(app, lambda: bool(shown) and isinstance(shown[-1], dialogs.ReviewDialog))
            review = shown[-1]
            if review.member_checks:
                review.member_checks[0].setChecked(True)
            review.opinion_edit.setPlainText("内容真实完整,同意公开。")
            settle(app)
            save(review, out / "disclosure-review.png")
            review.reject()
        if approved is not None:
            screen.post(approved.id)
            settle(app, lambda: bool(shown) and isinstance(shown[-1], dialogs.PostDialog))
            post = shown[-1]
            settle(app)
            save(post, out / "disclosure-post.png")
            post.reject()

        # -- the print preview of a posted statement from the ledger
        screen.preview(ledger.id)
        settle(app, lambda: bool(shown) and isinstance(shown[-1], PrintPreviewDialog) and bool(shown[-1].pages))
        preview = shown[-1]  # at the size it opens at (within 1366x728)
        settle(app)
        save(preview, out / "disclosure-print.png")
        preview.reject()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
