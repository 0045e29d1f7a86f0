"""The disclosure calendar: periods, deadlines and states (Organic Law Art. 30: general matters at least
quarterly, busy finances monthly; Art. 31: late disclosure is what villagers complain to the township about)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.disclosure.calendar import (DONE, DUE, LATE, NOT_APPLICABLE, OVERDUE, STATE_LABELS, UPCOMING, PostedNotice,
                                     due_on, format_due, month_view, period_by_key, period_for, periods,
                                     year_calendar)
from app.disclosure.catalogue import (EVENT, FREQUENCIES, HALF_YEARLY, MONTHLY, QUARTERLY, YEARLY, apply_overrides,
                                      load_catalogue)

D = dt.date
CAT = load_catalogue(None, D(2026, 6, 1))
MONTHLY_CAT = apply_overrides(CAT, {"finance_monthly": True})
FIN_M = CAT.item("CW-01")  # finances, monthly, by the 10th of the next month
FIN_Q = CAT.item("CW-02")  # finances, quarterly, by the 10th of the month after the quarter


def entry(cat, posted, item_code: str, key: str, on: dt.date, **kw):
    year = int(key[:4])
    rows = year_calendar(cat, posted, year, on=on, **kw)
    found = [e for e in rows if e.item.code == item_code and e.period.key == key]
    assert len(found) == 1, (item_code, key)
    return found[0]


# ---------------------------------------------------------------- periods and boundaries


def test_months_end_on_their_last_day_and_december_is_due_in_january():
    months = periods(FIN_M, 2026)
    assert [p.key for p in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert months[0].label == "2026年1月" and months[9].label == "2026年10月"
    feb, dec = months[1], months[11]
    assert (feb.start, feb.end, feb.deadline) == (D(2026, 2, 1), D(2026, 2, 28), D(2026, 3, 10))
    assert (dec.start, dec.end, dec.deadline) == (D(2026, 12, 1), D(2026, 12, 31), D(2027, 1, 10))
    assert months[9].deadline == D(2026, 11, 10)  # "by the 10th of the next month"


def test_february_of_a_leap_year_has_29_days():
    feb = periods(FIN_M, 2028)[1]
    assert feb.end == D(2028, 2, 29) and feb.deadline == D(2028, 3, 10)
    same_day = replace(FIN_M, deadline_days=0)
    assert periods(same_day, 2028)[1].deadline == D(2028, 2, 29)
    assert periods(same_day, 2100)[1].end == D(2100, 2, 28)  # 2100 is not a leap year


def test_quarters_half_years_and_years():
    q = periods(FIN_Q, 2026)
    assert [(p.key, p.label) for p in q] == [("2026-Q1", "2026年第一季度"), ("2026-Q2", "2026年第二季度"),
                                             ("2026-Q3", "2026年第三季度"), ("2026-Q4", "2026年第四季度")]
    assert [(p.start, p.end) for p in q] == [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 6, 30)),
                                             (D(2026, 7, 1), D(2026, 9, 30)), (D(2026, 10, 1), D(2026, 12, 31))]
    assert q[3].deadline == D(2027, 1, 10)
    halves = periods(replace(FIN_Q, frequency=HALF_YEARLY), 2026)
    assert [(p.key, p.label, p.end) for p in halves] == [("2026-H1", "2026年上半年", D(2026, 6, 30)),
                                                        ("2026-H2", "2026年下半年", D(2026, 12, 31))]
    year = periods(replace(FIN_Q, frequency=YEARLY, deadline_days=31), 2026)
    assert [(p.key, p.label, p.deadline) for p in year] == [("2026", "2026年度", D(2027, 1, 31))]


def test_period_for_a_day_on_each_side_of_a_boundary():
    assert period_for(FIN_Q, D(2026, 3, 31)).key == "2026-Q1"
    assert period_for(FIN_Q, D(2026, 4, 1)).key == "2026-Q2"
    assert period_for(FIN_M, D(2026, 12, 31)).key == "2026-12"
    assert period_for(FIN_M, D(2027, 1, 1)).key == "2027-01"
    assert period_for(CAT.item("SW-08"), D(2026, 5, 5)) is None  # an event item has no period
    assert periods(CAT.item("SW-08"), 2026) == []
    assert period_by_key(FIN_Q, "2026-Q3") == periods(FIN_Q, 2026)[2]
    assert period_by_key(FIN_Q, "2026-10") is None and period_by_key(FIN_Q, "abc") is None


@given(day=st.dates(min_value=D(1990, 1, 1), max_value=D(2200, 12, 31)),
       frequency=st.sampled_from([f for f in FREQUENCIES if f != EVENT]),
       deadline_days=st.integers(min_value=0, max_value=366))
def test_periods_tile_the_year_and_period_for_finds_the_one(day, frequency, deadline_days):
    item = replace(FIN_Q, frequency=frequency, deadline_days=deadline_days)
    ps = periods(item, day.year)
    assert ps[0].start == D(day.year, 1, 1) and ps[-1].end == D(day.year, 12, 31)
    assert all(a.end + dt.timedelta(days=1) == b.start for a, b in zip(ps, ps[1:]))
    containing = [p for p in ps if p.start <= day <= p.end]
    assert len(containing) == 1 and period_for(item, day) == containing[0]
    assert all((p.deadline - p.end).days == deadline_days for p in ps)


# ---------------------------------------------------------------- states


@pytest.mark.parametrize("on, state, days_left", [
    (D(2026, 9, 30), UPCOMING, 10),  # the quarter is not over: its figures are not final
    (D(2026, 10, 1), DUE, 9),
    (D(2026, 10, 10), DUE, 0),
    (D(2026, 10, 11), OVERDUE, -1),
    (D(2027, 1, 10), OVERDUE, -92),
])
def test_quarter_state_across_its_end_and_its_deadline(on, state, days_left):
    e = entry(CAT, [], "CW-02", "2026-Q3", on)
    assert (e.state, e.days_left, e.posted) == (state, days_left, None)
    assert e.period.deadline == D(2026, 10, 10)


def test_posted_by_the_deadline_is_done_and_after_it_late():
    on = D(2026, 12, 1)
    on_time = PostedNotice("CW-02", "2026-Q3", D(2026, 10, 10), "2026-031")
    late = PostedNotice("SW-01", "2026-Q3", D(2026, 10, 20), "2026-035")
    assert entry(CAT, [on_time, late], "CW-02", "2026-Q3", on).state == DONE
    e = entry(CAT, [on_time, late], "SW-01", "2026-Q3", on)
    assert (e.state, e.posted, e.days_left) == (LATE, late, None)
    assert STATE_LABELS[e.state] == "逾期后公开" == e.state_label


def test_a_late_notice_is_overdue_until_the_day_it_is_posted():
    late = PostedNotice("SW-01", "2026-Q3", D(2026, 10, 20), "2026-035")
    assert entry(CAT, [late], "SW-01", "2026-Q3", D(2026, 10, 19)).state == OVERDUE
    assert entry(CAT, [late], "SW-01", "2026-Q3", D(2026, 10, 20)).state == LATE


def test_posting_before_the_period_ends_counts():
    early = PostedNotice("CW-02", "2026-Q4", D(2026, 12, 28), "2026-050")
    assert entry(CAT, [early], "CW-02", "2026-Q4", D(2026, 12, 29)).state == DONE


@pytest.mark.parametrize("order", [1, -1])
def test_a_correction_keeps_the_original_posting_date(order):
    original = PostedNotice("CW-02", "2026-Q3", D(2026, 10, 8), "2026-031")
    correction = PostedNotice("CW-02", "2026-Q3", D(2026, 10, 25), "2026-040", corrects=True)
    e = entry(CAT, [original, correction][::order], "CW-02", "2026-Q3", D(2026, 11, 1))
    assert (e.state, e.posted.number) == (DONE, "2026-031")
    # a timely correction does not make a late original on time
    late = PostedNotice("SW-01", "2026-Q3", D(2026, 10, 20), "2026-035")
    early_fix = PostedNotice("SW-01", "2026-Q3", D(2026, 10, 9), "2026-030", corrects=True)
    e = entry(CAT, [early_fix, late][::order], "SW-01", "2026-Q3", D(2026, 11, 1))
    assert (e.state, e.posted.number) == (LATE, "2026-035")


def test_only_a_correction_on_the_board_still_counts_as_posted():
    fix = PostedNotice("CW-02", "2026-Q3", D(2026, 10, 15), "2026-040", corrects=True)
    assert entry(CAT, [fix], "CW-02", "2026-Q3", D(2026, 11, 1)).state == LATE


def test_a_notice_for_another_period_or_item_does_not_count():
    wrong = [PostedNotice("CW-02", "2026-Q2", D(2026, 10, 5)), PostedNotice("CW-03", "2026-Q3", D(2026, 10, 5)),
             PostedNotice("CW-02", "2026-09", D(2026, 10, 5))]
    assert entry(CAT, wrong, "CW-02", "2026-Q3", D(2026, 10, 20)).state == OVERDUE


# ---------------------------------------------------------------- what applies


def test_monthly_finances_replace_quarterly_ones_by_setting():
    on = D(2026, 11, 20)
    quarterly = {e.item.code for e in year_calendar(CAT, [], 2026, on=on)}
    monthly = [e for e in year_calendar(MONTHLY_CAT, [], 2026, on=on) if e.item.finance]
    assert "CW-02" in quarterly and "CW-01" not in quarterly
    assert [e.period.key for e in monthly] == [f"2026-{m:02d}" for m in range(1, 13)]
    # the same switch passed as settings, for a caller that keeps the catalogue as loaded
    same = year_calendar(CAT, [], 2026, on=on, settings={"finance_monthly": True})
    assert [e.item.code for e in same] == [e.item.code for e in year_calendar(MONTHLY_CAT, [], 2026, on=on)]


def test_the_full_grid_shows_what_does_not_apply():
    rows = year_calendar(CAT, [], 2026, on=D(2026, 11, 20), include_not_applicable=True)
    assert {e.state for e in rows if e.item.code == "CW-01"} == {NOT_APPLICABLE}
    assert len([e for e in rows if e.item.code == "CW-01"]) == 12
    events = [e for e in rows if e.item.frequency == EVENT]
    assert events and all(e.state == NOT_APPLICABLE and e.days_left is None for e in events)
    assert len(events) == len({e.item.code for e in events})
    assert {e.item.code for e in rows} == {i.code for i in CAT.items}


def test_a_whole_year_has_every_period_of_every_applicable_item():
    rows = year_calendar(CAT, [], 2026, on=D(2027, 6, 1))
    per_year = {MONTHLY: 12, QUARTERLY: 4, HALF_YEARLY: 2, YEARLY: 1}
    applicable = [i for i in CAT.applicable() if i.frequency != EVENT]
    assert len(rows) == sum(per_year[i.frequency] for i in applicable)
    assert {e.state for e in rows} == {OVERDUE}


def test_periods_before_the_calendar_starts_are_not_asked_for():
    rows = year_calendar(CAT, [], 2026, on=D(2026, 11, 20), since=D(2026, 7, 1))
    q = {e.period.key: e.state for e in rows if e.item.code == "CW-02"}
    assert q == {"2026-Q1": NOT_APPLICABLE, "2026-Q2": NOT_APPLICABLE, "2026-Q3": OVERDUE, "2026-Q4": UPCOMING}


# ---------------------------------------------------------------- the home screen and the month screen


def test_home_screen_lists_overdue_first_then_by_deadline():
    on = D(2026, 11, 5)
    posted = [PostedNotice(i.code, p.key, p.deadline) for i in CAT.items for y in (2025, 2026)
              for p in periods(i, y) if p.end < D(2026, 9, 1)]
    rows = due_on(MONTHLY_CAT, posted, on)
    keys = [(e.state, e.item.code, e.period.key) for e in rows]
    overdue = [k for k in keys if k[0] == OVERDUE]
    due = [k for k in keys if k[0] == DUE]
    assert keys == overdue + due
    assert ("overdue", "CW-01", "2026-09") in overdue and ("overdue", "SW-01", "2026-Q3") in overdue
    assert due == [("due", "CW-01", "2026-10")]
    assert [e.period.deadline for e in rows] == sorted(e.period.deadline for e in rows)
    assert all(e.posted is None for e in rows)
    assert "2026-11" not in {k[2] for k in keys}  # November is not over


def test_home_screen_looks_back_a_limited_time_and_not_before_the_start():
    on = D(2026, 11, 5)
    old = {e.period.key for e in due_on(CAT, [], on) if e.item.code == "CW-02"}
    assert old == {"2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"}
    assert {e.period.key for e in due_on(CAT, [], on, lookback_days=60) if e.item.code == "CW-02"} == {"2026-Q3"}
    assert {e.period.key for e in due_on(CAT, [], on, since=D(2026, 1, 1)) if e.item.code == "CW-02"} == {
        "2026-Q1", "2026-Q2", "2026-Q3"}


def test_january_shows_what_december_and_the_fourth_quarter_owe():
    on = D(2027, 1, 12)
    posted = [PostedNotice("CW-01", "2026-12", D(2027, 1, 8), "2027-001")]
    rows = month_view(MONTHLY_CAT, posted, 2027, 1, on=on)
    got = {(e.item.code, e.period.key): e.state for e in rows}
    assert got[("CW-01", "2026-12")] == DONE
    assert got[("SW-01", "2026-Q4")] == OVERDUE
    assert got[("SW-10", "2026")] == DUE  # the yearly report is due by 31 January
    assert all(D(2027, 1, 1) <= e.period.deadline <= D(2027, 1, 31) for e in rows)
    assert ("CW-01", "2027-01") not in got  # due in February
    assert [e.period.deadline for e in rows] == sorted(e.period.deadline for e in rows)


def test_due_line_for_the_command_line():
    lines = format_due(due_on(MONTHLY_CAT, [], D(2026, 11, 22), since=D(2026, 10, 1)))
    assert "已逾期 12 天  财务收支情况(2026年10月)  截止 2026-11-10" in lines
    lines = format_due(due_on(MONTHLY_CAT, [], D(2026, 12, 7), since=D(2026, 11, 1)))
    assert lines == ["还剩 3 天  财务收支情况(2026年11月)  截止 2026-12-10"]
    lines = format_due(due_on(MONTHLY_CAT, [], D(2026, 12, 10), since=D(2026, 11, 1)))
    assert lines == ["今天截止  财务收支情况(2026年11月)  截止 2026-12-10"]


def test_a_village_deadline_moves_the_due_date():
    mine = apply_overrides(MONTHLY_CAT, {"items": {"CW-01": {"deadline_days": 15}}})
    e = entry(mine, [], "CW-01", "2026-10", D(2026, 11, 12))
    assert (e.state, e.period.deadline, e.days_left) == (DUE, D(2026, 11, 15), 3)
    assert entry(MONTHLY_CAT, [], "CW-01", "2026-10", D(2026, 11, 12)).state == OVERDUE


def test_ten_years_of_notices_give_the_same_year_as_one():
    """The calendar reads a long history correctly: postings of other years do not leak into this one."""
    history = [PostedNotice(i.code, p.key, p.deadline - dt.timedelta(days=1), f"{y}-{n:03d}")
               for y in range(2016, 2026) for n, (i, p) in enumerate(
                   ((i, p) for i in MONTHLY_CAT.items for p in periods(i, y)), 1)]
    assert len(history) == 440  # 44 periods a year across the periodic items
    alone = year_calendar(MONTHLY_CAT, [], 2026, on=D(2026, 11, 20))
    with_history = year_calendar(MONTHLY_CAT, history, 2026, on=D(2026, 11, 20))
    assert [(e.item.code, e.period.key, e.state) for e in alone] == [
        (e.item.code, e.period.key, e.state) for e in with_history]
    assert {e.state for e in year_calendar(MONTHLY_CAT, history, 2020, on=D(2026, 11, 20))} == {DONE}
