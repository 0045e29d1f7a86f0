"""The demo village's disclosure: years of notices in every state, a ledger, corrections, feedback,
and something overdue on the home screen."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from app import demo
from app.check import check_store
from app.disclosure.models import STATES
from app.disclosure.service import NoticeQuery, due_entries, get_notice, list_notices
from app.finance.service import ledger_years
from app.schema import open_store


def test_demo_has_notices_in_every_state_a_ledger_corrections_feedback_and_overdue_items(tmp_path):
    d = tmp_path / "demo"
    store = open_store(d)
    demo.create_demo(store, size="small", seed=5)
    today = dt.date.today()
    try:
        with store.read() as s:
            notices = list_notices(s)
            states = Counter(n.state for n in notices)
            years = ledger_years(s)
            corrections = [n for n in notices if n.corrects_id is not None]
            answered = [f for n in notices if n.state in ("posted", "archived")
                        for f in get_notice(s, n.id).feedback if f.answer]
            finance = list_notices(s, NoticeQuery(category="财务", state="published"))
            due = due_entries(s, d, today)
            report = check_store(s)
    finally:
        store.close()
    assert set(states) == set(STATES), states
    assert len({n.posted_from.year for n in notices if n.posted_from}) >= 3
    assert years == list(range(today.year - 2, today.year + 1))
    assert corrections and any(c.state in ("posted", "archived") for c in corrections)
    assert answered and finance
    assert any(e.state == "overdue" for e in due)
    assert report.ok, report.problems[:3]
