"""Each period judged by the catalogue version in force on its last day (docs/disclosure-catalogue.md, section 5).

The shipped 2026.1 (in force from 2026-01-01) had CW-05 集体经济合同签订和履行情况, CW-06 村级债权债务情况 and
DW-02 党费收缴和使用情况 half-yearly; 2026.2 (from 2026-10-01) makes them quarterly, because Organic Law Art. 30
says “一般事项至少每季度公布一次”, and adds SW-13 国家计划生育政策的落实方案 (Art. 30 (二)). A village that posted
the first half-year as 2026.1 asked must not be told in December that it missed the first three quarters
(Art. 31 is what villagers complain to the township with), and is owed the fourth quarter under 2026.2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from app.disclosure.calendar import (DONE, DUE, LATE, NOT_APPLICABLE, OVERDUE, UPCOMING, EventOccurrence, PostedNotice,
                                     catalogue_for, due_on, event_entries, format_due, month_view, year_calendar)
from app.disclosure.catalogue import in_force, load_all, load_catalogue, village_catalogues

D = dt.date
VERSIONS = load_all(None)  # the shipped files: 2026.1 and 2026.2
OLD, NEW = (next(c for c in VERSIONS if c.version == v) for v in ("2026.1", "2026.2"))
DECEMBER = D(2026, 12, 6)
SINCE = D(2026, 1, 1)  # the village keeps its notices here from the start of the year


def by_item(entries, code: str) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    return [(e.period.key, e.state, e.catalogue_version) for e in entries if e.item.code == code]


def test_the_shipped_versions_change_the_items_this_file_is_about():
    assert [c.version for c in VERSIONS] == ["2026.1", "2026.2"]
    assert NEW.effective == D(2026, 10, 1)
    for code in ("CW-05", "CW-06", "DW-02"):
        assert (OLD.item(code).frequency, NEW.item(code).frequency) == ("half_yearly", "quarterly")
    assert "SW-13" not in {i.code for i in OLD.items} and NEW.item("SW-13").frequency == "quarterly"


# ---------------------------------------------------------------- the clerk's case


def test_a_half_year_posted_under_the_old_catalogue_leaves_no_overdue_quarter_in_december():
    """CW-05 for 2026-H1 posted on 10 July as 2026.1 asked (by 15 July): nothing about CW-05 is overdue in
    December, and the fourth quarter is owed under 2026.2."""
    posted = [PostedNotice("CW-05", "2026-H1", D(2026, 7, 10), "2026-020")]
    due = due_on(VERSIONS, posted, DECEMBER, since=SINCE)
    assert by_item(due, "CW-05") == []
    grid = year_calendar(VERSIONS, posted, 2026, on=DECEMBER, since=SINCE)
    assert by_item(grid, "CW-05") == [("2026-H1", DONE, "2026.1"), ("2026-Q4", UPCOMING, "2026.2")]
    # the old behaviour, today's catalogue judging every period, is what the clerk was shown before
    judged_by_today = due_on(load_catalogue(None, DECEMBER), posted, DECEMBER, since=SINCE)
    assert {k for k, s, _v in by_item(judged_by_today, "CW-05") if s == OVERDUE} == {"2026-Q1", "2026-Q2", "2026-Q3"}

    january = D(2027, 1, 10)
    assert by_item(due_on(VERSIONS, posted, january, since=SINCE), "CW-05") == [("2026-Q4", DUE, "2026.2")]
    (q4,) = [e for e in due_on(VERSIONS, posted, january, since=SINCE) if e.item.code == "CW-05"]
    assert q4.period.deadline == D(2027, 1, 15) and q4.days_left == 5  # 2026.2: 15 days after the quarter


def test_a_half_year_the_old_catalogue_asked_for_and_nobody_posted_is_overdue():
    """The old version's own periods are still owed: CW-06's first half-year, due 15 July under 2026.1."""
    due = due_on(VERSIONS, [], DECEMBER, since=SINCE)
    (h1,) = [e for e in due if e.item.code == "CW-06"]
    assert (h1.period.key, h1.state, h1.catalogue_version) == ("2026-H1", OVERDUE, "2026.1")
    assert h1.period.deadline == D(2026, 7, 15)
    assert "(按 2026.1 版公开目录)" in format_due([h1], current="2026.2")[0]
    assert "按" not in format_due([h1], current="2026.1")[0]


def test_an_item_new_in_the_newer_catalogue_is_not_owed_before_it_took_effect():
    """SW-13 is in 2026.2 only: its first period is the fourth quarter of 2026, not the third, whose deadline
    (10 October) falls under 2026.2 but which ended on 30 September under 2026.1."""
    grid = year_calendar(VERSIONS, [], 2026, on=DECEMBER, since=SINCE, include_not_applicable=True)
    assert by_item(grid, "SW-13") == [("2026-Q4", UPCOMING, "2026.2")]
    for on in (D(2026, 10, 5), D(2026, 10, 11), DECEMBER):
        assert by_item(due_on(VERSIONS, [], on, since=SINCE), "SW-13") == []
    assert by_item(due_on(VERSIONS, [], D(2027, 1, 11), since=SINCE), "SW-13") == [("2026-Q4", OVERDUE, "2026.2")]
    assert catalogue_for(VERSIONS, "SW-13", "2026-Q3") is None
    assert catalogue_for(VERSIONS, "SW-13", "2026-Q4") is NEW


def test_the_period_the_change_falls_in_follows_the_version_in_force_at_its_end():
    """The rule chosen (section 5): a period is judged by the version in force on its last day, not on its
    deadline. CW-05's second half-year (July–December) ends under 2026.2, which asks for quarters instead; the
    third quarter ended under 2026.1, which has no quarters for CW-05: neither is owed. CW-03 is quarterly
    in both: its third quarter is owed as 2026.1 names it, by 10 October, although 2026.2 was in force then."""
    assert catalogue_for(VERSIONS, "CW-05", "2026-H1") is OLD
    assert catalogue_for(VERSIONS, "CW-05", "2026-H2") is None
    assert catalogue_for(VERSIONS, "CW-05", "2026-Q3") is None
    assert catalogue_for(VERSIONS, "CW-05", "2026-Q4") is NEW
    (q3,) = [e for e in due_on(VERSIONS, [], D(2026, 10, 20), since=D(2026, 7, 1)) if e.item.code == "CW-03"]
    assert (q3.period.key, q3.catalogue_version, q3.item.name) == ("2026-Q3", "2026.1", OLD.item("CW-03").name)
    assert q3.period.deadline == D(2026, 10, 10)
    grid = year_calendar(VERSIONS, [], 2026, on=DECEMBER, since=SINCE)
    assert [k for k, _s, _v in by_item(grid, "CW-03")] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert [v for _k, _s, v in by_item(grid, "CW-03")] == ["2026.1"] * 3 + ["2026.2"]


def test_deadline_days_changed_by_a_version_apply_to_the_periods_ending_under_it():
    """DW-02's deadline is 15 days in 2026.1 and 10 in 2026.2: the first half-year is due 15 July, the fourth
    quarter 10 January. With a version that changes only a monthly item's days, every month is owed once."""
    july = month_view(VERSIONS, [], 2026, 7, on=DECEMBER, since=SINCE)
    assert [(e.period.key, e.period.deadline) for e in july if e.item.code == "DW-02"] == [("2026-H1", D(2026, 7, 15))]
    january = month_view(VERSIONS, [], 2027, 1, on=DECEMBER, since=SINCE)
    assert [(e.period.key, e.period.deadline) for e in january if e.item.code == "DW-02"] == [
        ("2026-Q4", D(2027, 1, 10))]

    monthly = [replace(c, settings={**c.settings, "finance_monthly": True}) for c in VERSIONS]
    monthly[1] = replace(monthly[1], items=tuple(replace(i, deadline_days=20) if i.code == "CW-01" else i
                                                 for i in monthly[1].items))
    grid = year_calendar(monthly, [], 2026, on=DECEMBER, since=SINCE)
    months = [(e.period.key, e.period.deadline) for e in grid if e.item.code == "CW-01"]
    assert [k for k, _d in months] == [f"2026-{m:02d}" for m in range(1, 13)]
    assert dict(months)["2026-09"] == D(2026, 10, 10) and dict(months)["2026-10"] == D(2026, 11, 20)


def test_periods_that_ended_before_the_oldest_catalogue_are_not_owed():
    """Before 2026-01-01 no catalogue was in force (section 1): 2025's periods ask for nothing, even when the
    village's record starts earlier."""
    assert year_calendar(VERSIONS, [], 2025, on=DECEMBER, since=D(2024, 1, 1)) == []
    early = due_on(VERSIONS, [], D(2026, 1, 20), since=D(2025, 1, 1))
    assert early == []
    # one catalogue given alone still judges every period, as before versions were told apart
    assert year_calendar(NEW, [], 2025, on=DECEMBER, since=D(2024, 1, 1))


# ---------------------------------------------------------------- posting more often than asked


def test_two_quarters_posted_make_up_the_half_year_the_old_catalogue_asked_for():
    """A village that posted CW-05 every quarter before 2026.2 asked it to: the first half-year counts as posted
    on the day the second quarter went up (on time by 15 July, late after it); one quarter alone is not enough."""
    q1 = PostedNotice("CW-05", "2026-Q1", D(2026, 4, 10), "2026-005")
    on_time = [q1, PostedNotice("CW-05", "2026-Q2", D(2026, 7, 12), "2026-011")]
    (h1,) = [e for e in year_calendar(VERSIONS, on_time, 2026, on=DECEMBER, since=SINCE)
             if e.item.code == "CW-05" and e.period.key == "2026-H1"]
    assert h1.state == DONE and h1.posted is not None
    assert h1.posted.posted_on == D(2026, 7, 12) and h1.posted.number == "2026-005、2026-011"
    late = [q1, PostedNotice("CW-05", "2026-Q2", D(2026, 7, 20), "2026-012")]
    assert by_item(year_calendar(VERSIONS, late, 2026, on=DECEMBER, since=SINCE), "CW-05")[0] == (
        "2026-H1", LATE, "2026.1")
    assert by_item(due_on(VERSIONS, [q1], DECEMBER, since=SINCE), "CW-05") == [("2026-H1", OVERDUE, "2026.1")]
    # three months make up a quarter too
    months = [PostedNotice("CW-03", f"2026-{m:02d}", D(2026, m + 1, 5), f"2026-1{m:02d}") for m in (7, 8, 9)]
    assert by_item(due_on(VERSIONS, months, D(2026, 10, 20), since=D(2026, 7, 1)), "CW-03") == []
    assert by_item(due_on(VERSIONS, months[:2], D(2026, 10, 20), since=D(2026, 7, 1)), "CW-03") == [
        ("2026-Q3", OVERDUE, "2026.1")]


def test_a_correction_alone_for_a_part_still_counts_but_the_notice_of_the_period_itself_wins():
    own = PostedNotice("CW-05", "2026-H1", D(2026, 7, 14), "2026-030")
    parts = [PostedNotice("CW-05", "2026-Q1", D(2026, 4, 10), "2026-005"),
             PostedNotice("CW-05", "2026-Q2", D(2026, 7, 1), "2026-011")]
    (h1,) = [e for e in year_calendar(VERSIONS, [own, *parts], 2026, on=DECEMBER, since=SINCE)
             if e.period.key == "2026-H1" and e.item.code == "CW-05"]
    assert h1.posted == own


# ---------------------------------------------------------------- events


def test_an_event_is_judged_by_the_version_in_force_on_the_day_it_happened():
    """SW-06 (四议两公开 resolution) within 3 days in both shipped versions; a township version that gives 10 days
    from 2026-10-01 does not stretch a resolution of September."""
    later = replace(NEW, version="2026.3", effective=D(2026, 10, 1),
                    items=tuple(replace(i, deadline_days=10) if i.code == "SW-06" else i for i in NEW.items))
    versions = [OLD, later]
    september = EventOccurrence("SW-06", "matter:1:resolution", "村道硬化", D(2026, 9, 20))
    october = EventOccurrence("SW-06", "matter:2:resolution", "厂房出租", D(2026, 10, 20))
    entries = {e.period.key: e for e in event_entries(versions, [september, october], D(2026, 10, 25))}
    assert entries["matter:1:resolution"].period.deadline == D(2026, 9, 23)
    assert entries["matter:1:resolution"].state == OVERDUE and entries["matter:1:resolution"].catalogue_version == "2026.1"
    assert entries["matter:2:resolution"].period.deadline == D(2026, 10, 30)
    assert entries["matter:2:resolution"].state == DUE
    # SW-12 (村规民约) is an event item of 2026.2 only: a notice filed under it in September keeps a deadline
    rules = EventOccurrence("SW-12", "matter:3:resolution", "修订村规民约", D(2026, 9, 1))
    (entry,) = event_entries(VERSIONS, [rules], DECEMBER)
    assert entry.catalogue_version == "2026.2" and entry.state == OVERDUE


# ---------------------------------------------------------------- where the versions come from


def test_the_village_catalogues_are_every_version_with_the_village_numbers(tmp_path):
    (tmp_path / "settings.json").write_text('{"disclosure": {"items": {"CW-05": {"deadline_days": 20}}}}',
                                            encoding="utf-8")
    versions = village_catalogues(tmp_path, DECEMBER)
    assert [c.version for c in versions] == ["2026.1", "2026.2"]
    assert [c.item("CW-05").deadline_days for c in versions] == [20, 20]
    assert in_force(versions, DECEMBER).version == "2026.2" and in_force(versions, D(2026, 9, 30)).version == "2026.1"
    assert in_force(versions, D(2025, 12, 31)) is None
    from app.disclosure.catalogue import CatalogueError

    with pytest.raises(CatalogueError, match="还没有生效的村务公开目录"):
        village_catalogues(tmp_path, D(2025, 6, 1))


def test_a_village_that_posted_under_the_old_catalogue_sees_no_false_alarm_in_the_command_or_on_the_home_screen(
        store, capsys):
    """The whole path: notices kept in the store since January, the half-year of CW-05 and CW-06 posted in July
    under 2026.1; in December `cunwu disclosure due` and the home screen's quick read say the same, and neither
    names CW-05 or CW-06 of 2026 before the fourth quarter."""
    from test_disclosure_notices import draft, reviewed_and_approved

    from app.cli import main
    from app.disclosure.service import create_notice, due_entries, post_notice
    from app.meetings.matters import disclosure_due
    from app.schema.quick import disclosure_due as quick_due

    def post(code: str, key: str, label: str, day: dt.date) -> None:
        with store.begin() as s:
            nid = create_notice(s, draft(title="{}{}".format(label, code), item_code=code, period_key=key,
                                         period_label=label, catalogue_version="2026.1")).id
        reviewed_and_approved(store, nid)
        with store.begin() as s:
            post_notice(s, nid, posted_from=day, posted_until=day + dt.timedelta(days=20))

    post("SW-01", "2025-Q4", "2025年第四季度", D(2026, 1, 6))  # the village's record starts here
    post("CW-05", "2026-H1", "2026年上半年", D(2026, 7, 10))
    post("CW-06", "2026-H1", "2026年上半年", D(2026, 7, 10))
    with store.read() as s:
        service = due_entries(s, store.data_dir, DECEMBER)
        with_matters = disclosure_due(s, store.data_dir, DECEMBER)
    quick = quick_due(store.db_path, store.data_dir, DECEMBER)
    key = [(e.item.code, e.period.key, e.state, e.days_left, e.catalogue_version) for e in service]
    assert key == [(e.item.code, e.period.key, e.state, e.days_left, e.catalogue_version) for e in quick]
    assert key == [(e.item.code, e.period.key, e.state, e.days_left, e.catalogue_version) for e in with_matters]
    assert not [k for k in key if k[0] in ("CW-05", "CW-06", "SW-13")]
    # the general matters of the first three quarters are still owed, as 2026.1 asked (nothing was posted)
    assert ("SW-01", "2026-Q3", "overdue") in {k[:3] for k in key}

    code = main(["--data-dir", str(store.data_dir), "disclosure", "due", "--date", DECEMBER.isoformat()])
    out = capsys.readouterr().out
    assert code == 0
    assert "集体经济合同" not in out and "债权债务" not in out and "计划生育" not in out
    assert "村务一般事项(2026年第三季度)  截止 2026-10-10  (按 2026.1 版公开目录)" in out


def _span(key: str) -> tuple[dt.date, dt.date]:
    """The days a catalogue period key covers, whatever the frequency ("2026", "2026-H1", "2026-Q3", "2026-07")."""
    year = int(key[:4])
    if len(key) == 4:
        first, months = 1, 12
    elif key[5] == "H":
        first, months = 6 * int(key[6]) - 5, 6
    elif key[5] == "Q":
        first, months = 3 * int(key[6]) - 2, 3
    else:
        first, months = int(key[5:7]), 1
    end_month = first + months  # the month after the period, maybe January of the next year
    return D(year, first, 1), D(year + (end_month - 1) // 12, (end_month - 1) % 12 + 1, 1) - dt.timedelta(days=1)


def test_the_demo_village_is_not_told_it_missed_what_the_catalogue_of_the_time_did_not_ask(tmp_path):
    """`cunwu disclosure due` on the demo village: every overdue period is one the version in force at its end
    asks for, and nothing was posted for any day of it (so no period the village covered under the old version
    is reported again as quarters of the new one)."""
    from app.demo import create_demo
    from app.disclosure.service import NoticeQuery, list_notices
    from app.meetings.matters import disclosure_due
    from app.schema import open_store

    store = open_store(tmp_path / "demo")
    create_demo(store, size="small", seed=4)
    today = dt.date.today()
    try:
        with store.read() as s:
            due = disclosure_due(s, store.data_dir, today)
            published = list_notices(s, NoticeQuery(state="published"))
    finally:
        store.close()
    versions = village_catalogues(store.data_dir, today)
    overdue = [e for e in due if e.state == OVERDUE and e.item.periodic]
    for e in overdue:
        judge = catalogue_for(versions, e.item.code, e.period.key)
        assert judge is not None and judge.version == e.catalogue_version, (e.item.code, e.period.key)
        assert e.period.end >= judge.effective
        for n in published:
            if n.item_code.upper() == e.item.code.upper() and n.period_key[:4].isdigit():
                start, end = _span(n.period_key)
                assert end < e.period.start or start > e.period.end, (e.item.code, e.period.key, n.number)
    assert any(e.state == OVERDUE for e in due)  # the demo still has something to show on the home screen
