"""The demo village's meetings: three years of minutes of every kind, and 四议两公开 matters at every step."""

from __future__ import annotations

import datetime as dt

import pytest

from app import demo
from app.attachments import blob_path
from app.check import check_store
from app.disclosure.service import get_notice
from app.meetings.kinds import MeetingKind, info
from app.meetings.matters import COMPLETED, ENDED, RESTARTED, STEP_KINDS, is_art24, list_matters
from app.meetings.models import CARRIED_OUT, CLOSED, FAILED, IN_PROGRESS, PLANNED, RESOLVED
from app.meetings.quarterly import quarter_of, representatives_status
from app.meetings.service import get_meeting, list_meetings
from app.people.service import list_roles
from app.schema import open_store

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("meeting-demo") / "demo")
    demo.create_demo(store, size="small", seed=11)
    yield store
    store.close()


@pytest.fixture(scope="module")
def meetings(demo_store):
    with demo_store.read() as s:
        return [get_meeting(s, m.id) for m in list_meetings(s)]


@pytest.fixture(scope="module")
def matters(demo_store):
    with demo_store.read() as s:
        return list_matters(s)


def _by_id(meetings):
    return {m.id: m for m in meetings}


def test_every_kind_of_meeting_is_there_over_three_years_and_none_is_closed_in_the_future(meetings):
    assert {m.kind for m in meetings} == {k.value for k in MeetingKind}
    closed = [m for m in meetings if m.state == CLOSED]
    assert closed and all(m.date <= TODAY for m in closed)
    assert min(m.date for m in closed) <= TODAY - dt.timedelta(days=365 * 2 + 180)
    groups = {m.group_name for m in meetings if m.kind == MeetingKind.GROUP.value}
    assert len(groups) >= 3


def test_some_meetings_are_still_open_today_or_announced_for_the_coming_days(meetings):
    open_ = [m for m in meetings if m.state == PLANNED]
    assert any(m.date > TODAY for m in open_)
    in_progress = [m for m in open_ if m.date <= TODAY]
    assert in_progress and any(a.status != "expected" for m in in_progress for a in m.attendees)


def test_a_villagers_meeting_and_a_group_meeting_missed_their_quorum_and_decided_nothing(meetings):
    failed = [m for m in meetings if m.state == CLOSED and not m.quorate]
    assert {m.kind for m in failed} >= {MeetingKind.VILLAGERS.value, MeetingKind.GROUP.value}
    for m in failed:
        assert m.motion_list and not any(x.voted for x in m.motion_list)
        assert "不足法定人数" in m.quorum.reason


def test_some_motions_were_voted_down(meetings):
    lost = [(m, x) for m in meetings for x in m.motion_list if x.voted and not x.passed]
    assert len(lost) >= 3
    assert all("未通过" in x.verdict for _m, x in lost)
    # a meeting that turned one proposal down and adopted another
    assert any(any(y.passed for y in m.motion_list) for m, _x in lost)


def test_small_bodies_are_marked_person_by_person_and_committees_vote_by_name(meetings):
    held = [m for m in meetings if m.state == CLOSED and m.quorate]
    for m in held:
        k = info(m.kind)
        if k.named_votes:
            assert all(x.named_votes for x in m.motion_list), m.title
            assert len(m.attendees) < 20
        if m.kind in (MeetingKind.REPRESENTATIVES.value, MeetingKind.PARTY.value):
            assert all(a.status != "expected" for a in m.attendees), m.title
    statuses = {a.status for m in held for a in m.attendees}
    assert {"present", "absent", "leave", "proxy"} <= statuses
    villagers = [m for m in meetings if m.kind == MeetingKind.VILLAGERS.value and m.state == CLOSED]
    assert villagers and all(m.households_present is not None and m.present > 0 for m in villagers)
    assert len([m for m in meetings if m.kind == MeetingKind.VILLAGERS.value]) <= 5


def test_chairs_are_the_officers_in_office_on_the_day(demo_store, meetings):
    reps = max((m for m in meetings if m.kind == MeetingKind.REPRESENTATIVES.value and m.state == CLOSED),
               key=lambda m: m.date)
    with demo_store.read() as s:
        roles = list_roles(s, on=reps.date)
    director = next(r.resident_name for r in roles if r.body == "村民委员会" and r.title == "主任")
    assert reps.chair == director and reps.recorder
    assert all(m.chair and m.recorder and m.place for m in meetings)


def test_a_correction_and_a_sign_in_sheet_photo_are_kept_with_closed_minutes(demo_store, meetings):
    corrected = [m for m in meetings if m.addenda]
    assert corrected and all(m.state == CLOSED for m in corrected)
    photos = [(m, f) for m in meetings for f in m.files if f.role == "signin_photo"]
    assert photos
    m, f = photos[0]
    assert m.state == CLOSED
    assert blob_path(demo_store.data_dir, f.sha256).read_bytes().startswith(b"\x89PNG")


def test_a_representatives_meeting_this_quarter_and_last_but_one_older_quarter_missed(meetings):
    dates = [m.date for m in meetings if m.kind == MeetingKind.REPRESENTATIVES.value]
    status = representatives_status(dates, TODAY, since=TODAY - dt.timedelta(days=365 * 4))
    assert status.held and status.overdue_quarter == ""
    held = {quarter_of(d) for d in dates if d <= TODAY}
    first = min(dates)
    quarters, (y, q) = [], quarter_of(first)
    while (y, q) <= quarter_of(TODAY):
        quarters.append((y, q))
        y, q = (y, q + 1) if q < 4 else (y + 1, 1)
    missed = [x for x in quarters if x not in held]
    assert len(missed) == 1 and len(quarters) >= 11


def test_matters_are_in_every_state_and_waiting_at_every_step(matters):
    states = {m.state for m in matters}
    assert states == {IN_PROGRESS, RESOLVED, CARRIED_OUT, COMPLETED, FAILED}
    waiting = {m.next_step for m in matters if m.state == IN_PROGRESS}
    assert waiting == {1, 2, 3, 4}
    fresh = [m for m in matters if m.state == IN_PROGRESS and m.next_step == 1]
    assert any(not m.steps for m in fresh)


def test_each_step_was_taken_at_closed_minutes_of_the_right_kind_in_date_order(matters, meetings):
    by_id = _by_id(meetings)
    for m in matters:
        for round_ in {s.round for s in m.steps}:
            steps = [s for s in m.steps if s.round == round_]
            assert [s.step for s in steps] == list(range(1, len(steps) + 1)), m.subject
            assert [s.date for s in steps] == sorted(s.date for s in steps), m.subject
            for s in steps:
                meeting = by_id[s.meeting_id]
                assert meeting.state == CLOSED and meeting.date == s.date <= TODAY
                assert meeting.kind in {k.value for k in STEP_KINDS[s.step]}
                motion = next(x for x in meeting.motion_list if x.id == s.motion_id)
                assert motion.voted and motion.passed == s.passed
    motions = [s.motion_id for m in matters for s in m.steps]
    assert len(motions) == len(set(motions))


def test_a_matter_failed_and_ended(matters):
    (failed,) = [m for m in matters if m.state == FAILED]
    last = failed.steps[-1]
    assert not last.passed and last.outcome == ENDED and last.note
    assert failed.next_step is None and failed.resolution_notice_id is None


def test_a_matter_sent_back_to_step_one_is_in_its_second_round(matters):
    restarted = [m for m in matters if any(s.outcome == RESTARTED for s in m.steps)]
    assert restarted
    m = restarted[0]
    assert m.state == IN_PROGRESS and m.round == 2
    assert [s.step for s in m.current_steps][:1] == [1] and len(m.current_steps) >= 2
    failure = next(s for s in m.steps if s.outcome == RESTARTED)
    assert failure.round == 1 and all(s.date >= failure.date for s in m.current_steps)


def test_art24_matters_are_decided_by_the_villagers_or_the_authorised_representatives(matters, meetings):
    by_id = _by_id(meetings)
    decided = [(m, next(s for s in m.current_steps if s.step == 4)) for m in matters
               if m.state in (RESOLVED, CARRIED_OUT, COMPLETED)]
    kinds = {by_id[s.meeting_id].kind: m for m, s in decided if is_art24(m.category)}
    assert MeetingKind.VILLAGERS.value in kinds
    authorised = kinds[MeetingKind.REPRESENTATIVES.value]
    # Art. 24: the link to the passed motion of a closed 村民会议, not a description
    link = authorised.authorised_by
    assert link is not None and not authorised.authorisation
    granting = by_id[link.meeting_id]
    assert granting.kind == MeetingKind.VILLAGERS.value and granting.state == CLOSED
    assert any(x.id == link.motion_id and "授权" in x.text and x.passed for x in granting.motion_list)
    # Art. 27: the village rules adopted by a 村民会议 and filed with the township
    (rules,) = [m for m in matters if m.village_rules]
    adopted = next(s for s in rules.current_steps if s.step == 4)
    assert by_id[adopted.meeting_id].kind == MeetingKind.VILLAGERS.value
    assert rules.filed and "备" in rules.filing_reference and rules.filed_on >= rules.resolved_on


def test_resolutions_and_results_are_drafted_as_notices_of_the_disclosure_module(demo_store, matters):
    resolved = [m for m in matters if m.state in (RESOLVED, CARRIED_OUT, COMPLETED)]
    (done,) = [m for m in matters if m.state == COMPLETED]
    with demo_store.read() as s:
        for m in resolved:
            notice = get_notice(s, m.resolution_notice_id)
            assert notice.source == "matter:{id}".format(id=m.id)
            assert m.subject in notice.title and "决议" in notice.title
            # carried out only once the resolution was on the board
            assert notice.state == "posted" or m.state == RESOLVED
        result = get_notice(s, done.result_notice_id)
        assert result.state == "posted"
    assert result.source == "matter:{id}".format(id=done.id) and "实施结果" in result.title
    assert done.result_summary in result.body and done.carried_out_on <= TODAY


def test_the_demo_store_checks_clean(demo_store):
    with demo_store.read() as s:
        report = check_store(s)
    assert report.ok, report.problems[:3]
