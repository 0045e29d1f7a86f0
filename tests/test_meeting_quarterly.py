"""Art. 26: the representatives' meeting is convened at least once a quarter."""

from __future__ import annotations

import datetime as dt

import pytest

from app.meetings.quarterly import quarter_label, quarter_of, representatives_status

LONG_AGO = dt.date(2020, 1, 1)  # the village's record began well before any quarter below


@pytest.mark.parametrize("day, quarter", [
    (dt.date(2026, 1, 1), (2026, 1)), (dt.date(2026, 3, 31), (2026, 1)), (dt.date(2026, 4, 1), (2026, 2)),
    (dt.date(2026, 6, 30), (2026, 2)), (dt.date(2026, 9, 30), (2026, 3)), (dt.date(2026, 10, 1), (2026, 4)),
    (dt.date(2026, 12, 31), (2026, 4))])
def test_quarters_start_and_end_on_the_calendar_boundaries(day, quarter):
    assert quarter_of(day) == quarter


def test_quarter_labels_read_in_chinese():
    assert [quarter_label(2026, q) for q in (1, 2, 3, 4)] == [
        "2026年第一季度", "2026年第二季度", "2026年第三季度", "2026年第四季度"]


def test_art26_a_meeting_on_the_last_day_of_a_quarter_counts_for_that_quarter():
    s = representatives_status([dt.date(2026, 3, 31)], dt.date(2026, 4, 1), since=LONG_AGO)
    assert s.quarter == "2026年第二季度" and not s.held
    assert s.overdue_quarter == "" and s.last_held == dt.date(2026, 3, 31)
    # a day later it belongs to the next quarter, and the first quarter had none
    s = representatives_status([dt.date(2026, 4, 1)], dt.date(2026, 4, 1), since=LONG_AGO)
    assert s.held and s.overdue_quarter == "2026年第一季度"


def test_art26_a_meeting_on_the_first_day_of_a_quarter_counts_for_it():
    s = representatives_status([dt.date(2026, 7, 1)], dt.date(2026, 9, 30), since=LONG_AGO)
    assert s.held and s.quarter == "2026年第三季度"
    assert s.overdue_quarter == "2026年第二季度"


def test_art26_the_last_quarter_without_a_meeting_is_overdue_across_the_new_year():
    s = representatives_status([dt.date(2026, 9, 30)], dt.date(2027, 1, 15), since=LONG_AGO)
    assert s.quarter == "2027年第一季度" and s.overdue_quarter == "2026年第四季度"
    s = representatives_status([dt.date(2026, 12, 31)], dt.date(2027, 1, 15), since=LONG_AGO)
    assert s.overdue_quarter == "" and not s.held


def test_art26_held_this_quarter():
    s = representatives_status([dt.date(2026, 1, 20), dt.date(2026, 5, 8)], dt.date(2026, 6, 30), since=LONG_AGO)
    assert s.held and s.overdue_quarter == "" and s.last_held == dt.date(2026, 5, 8)


def test_a_meeting_planned_for_later_is_not_held_yet():
    s = representatives_status([dt.date(2026, 5, 20)], dt.date(2026, 5, 19), since=LONG_AGO)
    assert not s.held and s.last_held is None
    s = representatives_status([dt.date(2026, 5, 20)], dt.date(2026, 5, 20), since=LONG_AGO)
    assert s.held and s.last_held == dt.date(2026, 5, 20)


@pytest.mark.parametrize("since, overdue", [
    (dt.date(2026, 3, 31), "2026年第二季度"),  # the record began before last quarter started
    (dt.date(2026, 4, 1), "2026年第二季度"),  # on its first day: the whole quarter was kept here
    (dt.date(2026, 4, 2), ""),  # after it started: part of it was kept on paper, so it is not reported
    (dt.date(2026, 8, 1), ""),
    (None, ""),  # an empty store
])
def test_art26_a_quarter_that_began_before_the_record_is_not_reported(since, overdue):
    s = representatives_status([], dt.date(2026, 8, 15), since=since)
    assert s.quarter == "2026年第三季度" and not s.held and s.last_held is None
    assert s.overdue_quarter == overdue


def test_last_held_is_the_latest_meeting_up_to_the_day_asked():
    dates = [dt.date(2026, 2, 1), dt.date(2025, 11, 3), dt.date(2026, 12, 1)]
    assert representatives_status(dates, dt.date(2026, 3, 1), since=LONG_AGO).last_held == dt.date(2026, 2, 1)
