"""The 村务公开 calendar after the township's 2026.2 catalogue took over on 2026-10-01 (docs/disclosure-catalogue.md,
section 5): each period as the version in force on its last day asks for it. A village that posted CW-05's first
half-year under 2026.1 sees it 已公开 in June and the fourth quarter ahead, not three quarters 已逾期 (Organic Law
Art. 31: late disclosure is what villagers complain to the township about, so a false 已逾期 accuses the clerk)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402

from app.disclosure.service import create_notice, get_notice, post_notice  # noqa: E402
from app.storage import Store  # noqa: E402
from ui.disclosure import actions  # noqa: E402
from ui.disclosure.calendar import Columns as CalColumns  # noqa: E402
from ui.disclosure.screen import EDITOR, DisclosureScreen  # noqa: E402

TASK_MS = 15_000
DECEMBER = dt.date(2026, 12, 6)


@pytest.fixture
def village(store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """Notices kept here since January 2026; CW-05 for the first half-year posted on 10 July, as 2026.1 asked.
    The screen is read as on 6 December 2026."""
    import test_disclosure_notices as tn

    read = actions.load_context
    monkeypatch.setattr(actions, "load_context", lambda s, data_dir, today=None: read(s, data_dir, DECEMBER))
    for code, key, label, day in (("SW-01", "2025-Q4", "2025年第四季度", dt.date(2026, 1, 6)),
                                  ("CW-05", "2026-H1", "2026年上半年", dt.date(2026, 7, 10))):
        nid = tn.make(store, title=label + code, item_code=code, period_key=key, period_label=label,
                      catalogue_version="2026.1")
        tn.reviewed_and_approved(store, nid)
        with store.begin("王文书") as s:
            post_notice(s, nid, posted_from=day, posted_until=day + dt.timedelta(days=20))
    return store


def _screen(qtbot, store: Store) -> DisclosureScreen:  # type: ignore[no-untyped-def]
    screen = DisclosureScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and screen.calendar.data is not None
                    and not screen.calendar.loading, timeout=TASK_MS)
    return screen


def test_the_year_grid_shows_the_half_year_under_the_old_catalogue_and_the_quarter_under_the_new(qtbot, village):
    screen = _screen(qtbot, village)
    calendar = screen.calendar
    calendar.mode_button.setChecked(True)
    qtbot.waitUntil(lambda: not calendar.loading and calendar.year_mode, timeout=TASK_MS)
    grid = calendar.year_model
    rows = {item.code: r for r, item in enumerate(grid.items)}

    def cell(code: str, month: int) -> str | None:
        return grid.data(grid.index(rows[code], month))

    assert [m for m in range(1, 13) if cell("CW-05", m)] == [6, 12]
    assert cell("CW-05", 6) == "已公开" and cell("CW-05", 12) == "未到期"
    tip = grid.data(grid.index(rows["CW-05"], 6), Qt.ItemDataRole.ToolTipRole)
    assert "2026年上半年" in tip and "按 2026.1 版公开目录" in tip
    assert "按" not in grid.data(grid.index(rows["CW-05"], 12), Qt.ItemDataRole.ToolTipRole)
    assert [m for m in range(1, 13) if cell("SW-13", m)] == [12]  # new in 2026.2
    assert [m for m in range(1, 13) if cell("CW-03", m)] == [3, 6, 9, 12]  # quarterly in both
    # a renamed item keeps one row, under the name in force now
    assert grid.data(grid.index(rows["CW-03"], 0)) == "救灾救助、补贴补助和社会捐赠资金、物资"
    assert "按 2026.1 版公开目录" in calendar.summary_label.text()


def test_the_due_list_in_december_names_no_quarter_the_old_catalogue_did_not_ask_for(qtbot, village):
    """CW-05: its half-year posted, nothing owed. CW-06: its half-year never posted, owed as 2026.1 asked (one
    line, 2026年上半年, by 15 July), not as three quarters. SW-13: not owed before the fourth quarter."""
    screen = _screen(qtbot, village)
    model = screen.calendar.due_model
    due = [model.row_at(i) for i in range(model.rowCount())]
    assert [(e.period.key, e.state) for e in due if e.item.code in ("CW-05", "CW-06", "SW-13")] == [
        ("2026-H1", "overdue")]
    (row,) = [i for i, e in enumerate(due) if e.item.code == "CW-06"]
    assert model.data(model.index(row, CalColumns.PERIOD)) == "2026年上半年"
    assert model.data(model.index(row, CalColumns.DEADLINE)) == "2026-07-15"
    assert "按 2026.1 版公开目录" in model.data(model.index(row, CalColumns.PERIOD), Qt.ItemDataRole.ToolTipRole)
    assert any(e.item.code == "SW-01" and e.period.key == "2026-Q3" for e in due)  # quarterly in both: owed


def test_a_half_year_owed_under_the_old_catalogue_is_drafted_from_it(qtbot, village):
    """Double-clicking CW-06's first half-year drafts 2026年上半年 from 2026.1 (its template, and its 15 days on
    the board), not a quarter of 2026.2 (which has no half-years and would refuse the period)."""
    screen = _screen(qtbot, village)
    calendar = screen.calendar
    model = calendar.due_model
    (row,) = [i for i in range(model.rowCount()) if model.row_at(i).item.code == "CW-06"]
    calendar.due_table.doubleClicked.emit(model.index(row, CalColumns.ITEM))
    editor = screen.editor
    qtbot.waitUntil(lambda: screen.tabs.currentIndex() == EDITOR and editor.title_edit.text() != "", timeout=TASK_MS)
    draft = editor.draft()
    assert draft.period_key == "2026-H1" and draft.title == "2026年上半年村级债权债务情况"
    assert draft.catalogue_version == "2026.1"
    with village.begin("王文书") as s:
        saved = get_notice(s, create_notice(s, draft).id)
    assert saved.catalogue_version == "2026.1" and actions.posting_minimum(village.data_dir, saved) == 15
