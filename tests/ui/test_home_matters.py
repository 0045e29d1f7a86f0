"""The home screen's 村务公开 list names a 四议两公开 resolution left unposted past its deadline
(the catalogue's SW-06, 3 days in the default), read with plain sqlite3 like the rest of the first screen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

from test_matter_board import TASK_MS, TODAY, _post, _resolved, village  # noqa: E402,F401

from app.meetings.matters import get_matter  # noqa: E402
from ui.home import HomeScreen  # noqa: E402


def _due_lines(qtbot, store) -> str:  # type: ignore[no-untyped-def]
    home = HomeScreen(store)
    qtbot.addWidget(home)
    home.show()
    home.refresh()
    qtbot.waitUntil(lambda: home.due_loaded, timeout=TASK_MS)
    return "\n".join(b.text() for b in home.due_buttons)


def test_an_overdue_resolution_is_on_the_home_screen_until_it_is_posted(qtbot, village):
    """Organic Law Art. 30 (decisions disclosed) and Art. 31 (late disclosure): step 4 twenty days ago,
    nothing posted: 已逾期, with the matter's subject and the deadline."""
    matter = _resolved(village, "村道硬化工程", "public_welfare")  # step 4 at the 村民会议 twenty days ago
    decided = TODAY - dt.timedelta(days=20)
    lines = _due_lines(qtbot, village.store)
    assert "• 已逾期 17 天:“四议两公开”决议公开(村道硬化工程),应在 {d} 前张贴".format(
        d=(decided + dt.timedelta(days=3)).isoformat()) in lines
    with village.store.read() as s:
        notice_id = get_matter(s, matter).resolution_notice_id
    _post(village.store, notice_id, TODAY)
    assert "村道硬化工程" not in _due_lines(qtbot, village.store)
