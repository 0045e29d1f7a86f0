"""四议两公开: a major matter goes through four deliberations in order, then two disclosures.

The village: 张书记 (党员; 党支部书记, 村委会主任), 李秀英 (党员; 党支部委员, 村委会委员), 王大山 (党员, 村民代表),
赵桂兰 (村民代表; 村务监督委员会主任, who reviews notices). So the branch and the joint committees have 2
members, the party 3, the representatives' meeting 4 and the villagers' meeting 4.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from app.check import check_store
from app.disclosure.service import get_notice, list_notices
from app.meetings import matters as mt
from app.meetings import service as ms
from app.meetings.models import CARRIED_OUT, FAILED, IN_PROGRESS, RESOLVED
from app.people import service as ps
from app.people.service import FieldError
from app.schema import open_store
from conftest import checked_copy, village_code

STEP_DAYS = {1: dt.date(2026, 6, 1), 2: dt.date(2026, 6, 5), 3: dt.date(2026, 6, 10), 4: dt.date(2026, 6, 15)}
STEP_KIND = {1: "支部委员会会议", 2: "两委联席会议", 3: "党员大会", 4: "村民代表会议"}


def _build(d: Path) -> None:
    store = open_store(d)
    with store.begin("测试") as s:
        ps.init_village(s, name="柳林村", code=village_code(), township="石桥镇", groups=["一组"])
        g = ps.list_groups(s)[0].id
        ids = {}
        for name, sex, party, rep in (("张书记", "男", True, False), ("李秀英", "女", True, False),
                                      ("王大山", "男", True, True), ("赵桂兰", "女", False, True)):
            ids[name] = ps.add_resident(s, ps.ResidentInput(name=name, sex=sex, birth_date=dt.date(1970, 1, 1),
                                                            group_id=g, party_member=party, representative=rep)).id
        for name, body, title in (("张书记", "党支部", "书记"), ("张书记", "村民委员会", "主任"),
                                  ("李秀英", "党支部", "委员"), ("李秀英", "村民委员会", "委员"),
                                  ("赵桂兰", "村务监督委员会", "主任")):
            ps.assign_role(s, resident_id=ids[name], body=body, title=title)
    store.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("matters-village")
    _build(d)
    return d


@pytest.fixture
def village(template, tmp_path, request):
    yield from checked_copy(template, tmp_path, request)


def meeting(store, kind: str, day: dt.date, motions: dict[str, bool], *, close: bool = True) -> dict[str, int]:
    """A meeting where everyone came; each motion is voted all for (True) or all against (False).

    Returns {motion text: motion id}, and the meeting id under "meeting".
    """
    with store.begin("测试") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind=kind, title=f"{day:%m月%d日}{kind}", date=day,
                                                 chair="张书记", recorder="李秀英"))
        ms.set_attendance(s, m.id, {a.id: "present" for a in m.attendees})
        out = {"meeting": m.id}
        for text, passed in motions.items():
            x = ms.add_motion(s, m.id, text=text)
            n = m.members
            ms.record_vote(s, x.id, votes_for=n if passed else 0, votes_against=0 if passed else n)
            out[text] = x.id
        if close:
            ms.close_meeting(s, m.id)
    return out


def step_meeting(store, step: int, passed: bool = True, *, day: dt.date | None = None, kind: str = "",
                 text: str = "同意硬化村东道路") -> tuple[int, int]:
    made = meeting(store, kind or STEP_KIND[step], day or STEP_DAYS[step], {text: passed})
    return made["meeting"], made[text]


def new_matter(store, category: str = "public_welfare", subject: str = "村东道路硬化工程") -> int:
    with store.begin("测试") as s:
        return mt.create_matter(s, subject=subject, category=category,
                                description="村东道路 1.2 公里硬化,预算 36 万元。").id


def post(store, notice_id: int, day: dt.date) -> None:
    """The notice reviewed by the supervision committee, approved and put on the board on ``day``."""
    from app.disclosure import service as ds

    with store.begin("测试") as s:
        ds.submit_for_review(s, notice_id)
        ds.record_review(s, notice_id, reviewers="赵桂兰", date=day)
        ds.approve(s, notice_id, approver="张书记", date=day)
        ds.post_notice(s, notice_id, posted_from=day, posted_until=day + dt.timedelta(days=20))


def take(store, matter_id: int, step: int, meeting_id: int, motion_id: int) -> mt.MatterInfo:
    with store.begin("测试") as s:
        return mt.take_step(s, matter_id, step=step, meeting_id=meeting_id, motion_id=motion_id)


def refused(store, matter_id: int, step: int, meeting_id: int, motion_id: int, words: str) -> None:
    with pytest.raises(mt.MatterError, match=words), store.begin("测试") as s:
        mt.take_step(s, matter_id, step=step, meeting_id=meeting_id, motion_id=motion_id)


def get(store, matter_id: int) -> mt.MatterInfo:
    with store.read() as s:
        return mt.get_matter(s, matter_id)


def through(store, matter_id: int, last: int) -> mt.MatterInfo:
    info = get(store, matter_id)
    for step in range(1, last + 1):
        info = take(store, matter_id, step, *step_meeting(store, step))
    return info


# ---------------------------------------------------------------- the full path

def test_four_steps_in_order_draft_the_resolution_notice_then_the_result_notice(village):
    mid = new_matter(village, category="other")
    info = get(village, mid)
    assert info.next_step == 1 and "支部委员会会议" in info.waiting
    info = through(village, mid, 4)
    assert info.state == RESOLVED and info.next_step is None
    assert [(s.step, s.meeting_kind, s.date, s.passed) for s in info.steps] == [
        (n, STEP_KIND[n], STEP_DAYS[n], True) for n in (1, 2, 3, 4)]
    with village.read() as s:
        notice = get_notice(s, info.resolution_notice_id)
    assert notice.source == f"matter:{mid}" and notice.item_code == "SW-06" and notice.state == "draft"
    assert "村东道路硬化工程" in notice.title
    for label in ("党组织提议", "两委会商议", "党员大会审议", "村民会议或村民代表会议决议"):
        assert label in notice.body
    for n in (1, 2, 3, 4):
        assert STEP_DAYS[n].isoformat() in notice.body
    assert "应到 4 人,实到 4 人;赞成 4 票,反对 0 票,弃权 0 票" in notice.body
    assert mt.matter_for_notice(notice.source) == mid

    post(village, info.resolution_notice_id, STEP_DAYS[4] + dt.timedelta(days=1))
    with pytest.raises(FieldError, match="早于决议日期"), village.begin("测试") as s:
        mt.record_result(s, mid, summary="已完工", carried_out_on=STEP_DAYS[4] - dt.timedelta(days=1))
    with village.begin("测试") as s:
        info = mt.record_result(s, mid, summary="道路已硬化完成,实际花费 35.2 万元。", carried_out_on=dt.date(2026, 9, 30))
    assert info.state == CARRIED_OUT and info.carried_out_on == dt.date(2026, 9, 30)
    with village.read() as s:
        result = get_notice(s, info.result_notice_id)
        sources = [n.id for n in list_notices(s)]
    assert result.source == f"matter:{mid}" and result.item_code == "SW-07"
    assert "35.2 万元" in result.body and "2026-09-30" in result.body and "2026-06-15" in result.body
    assert sorted(sources) == sorted([notice.id, result.id])
    with village.read() as s:
        assert check_store(s).ok


def test_the_villagers_meeting_may_take_step_four_too(village):
    mid = new_matter(village)
    through(village, mid, 3)
    info = take(village, mid, 4, *step_meeting(village, 4, kind="村民会议"))
    assert info.state == RESOLVED and info.steps[-1].meeting_kind == "村民会议"


# ---------------------------------------------------------------- refusals

def test_a_step_cannot_be_skipped(village):
    mid = new_matter(village)
    refused(village, mid, 2, *step_meeting(village, 2), words="现在应进行第 1 步“党组织提议”,不能跳到第 2 步")
    through(village, mid, 1)
    refused(village, mid, 4, *step_meeting(village, 4), words="不能跳到第 4 步")
    assert [s.step for s in get(village, mid).steps] == [1]


def test_a_step_already_done_cannot_be_taken_again(village):
    mid = new_matter(village)
    through(village, mid, 2)
    refused(village, mid, 1, *step_meeting(village, 1, day=STEP_DAYS[2]), words="第 1 步已经完成,现在应进行第 3 步")
    assert [s.step for s in get(village, mid).steps] == [1, 2]


@pytest.mark.parametrize("step, wrong_kind", [(1, "两委联席会议"), (2, "支部委员会会议"), (3, "村民代表会议"),
                                              (4, "党员大会")])
def test_a_step_needs_a_meeting_of_its_kind(village, step, wrong_kind):
    mid = new_matter(village)
    through(village, mid, step - 1)
    refused(village, mid, step, *step_meeting(village, step, kind=wrong_kind), words="不能用")
    assert get(village, mid).next_step == step


def test_a_step_needs_closed_minutes(village):
    mid = new_matter(village)
    made = meeting(village, "支部委员会会议", STEP_DAYS[1], {"提议硬化村东道路": True}, close=False)
    refused(village, mid, 1, made["meeting"], made["提议硬化村东道路"], words="还没有定稿")


def test_a_step_cannot_come_before_the_previous_one(village):
    mid = new_matter(village)
    through(village, mid, 2)
    early = step_meeting(village, 3, day=STEP_DAYS[2] - dt.timedelta(days=1))
    refused(village, mid, 3, *early, words="早于上一步的会议")
    # the same day as the previous step is fine
    info = take(village, mid, 3, *step_meeting(village, 3, day=STEP_DAYS[2]))
    assert info.next_step == 4


def test_a_failed_motion_cannot_take_a_step(village):
    mid = new_matter(village)
    through(village, mid, 2)
    refused(village, mid, 3, *step_meeting(village, 3, passed=False), words="没有通过")
    assert get(village, mid).next_step == 3


def test_a_motion_from_another_meeting_is_refused(village):
    mid = new_matter(village)
    branch_meeting, _ = step_meeting(village, 1)
    _, other_motion = step_meeting(village, 1)
    refused(village, mid, 1, branch_meeting, other_motion, words="不是")


def test_a_motion_serves_one_step_of_one_matter(village):
    first, second = new_matter(village), new_matter(village)
    meeting_id, motion_id = step_meeting(village, 1)
    take(village, first, 1, meeting_id, motion_id)
    refused(village, second, 1, meeting_id, motion_id, words="已经用在另一个议事步骤")


def test_art24_matter_at_the_representatives_meeting_needs_the_villagers_authorisation(village):
    """Art. 24: the villagers' meeting decides, or the representatives' meeting it authorised by a passed motion."""
    mid = new_matter(village, category="land_contract")
    through(village, mid, 3)
    reps = step_meeting(village, 4)
    refused(village, mid, 4, *reps, words="第二十四条")
    assert get(village, mid).state == IN_PROGRESS
    granted = meeting(village, "村民会议", dt.date(2026, 1, 10), {"授权村民代表会议决定土地承包经营方案": True})
    with village.begin("测试") as s:
        mt.authorise(s, mid, motion_id=granted["授权村民代表会议决定土地承包经营方案"])
    info = take(village, mid, 4, *reps)
    assert info.state == RESOLVED
    assert info.authorised_by is not None and info.authorised_by.meeting_id == granted["meeting"]
    with village.read() as s:
        body = get_notice(s, info.resolution_notice_id).body
    assert "村民会议授权" in body and "2026-01-10" in body and "授权村民代表会议决定土地承包经营方案" in body


def test_a_matter_that_is_not_art24_needs_no_authorisation(village):
    mid = new_matter(village, category="other")
    info = through(village, mid, 4)
    assert info.state == RESOLVED and info.steps[-1].meeting_kind == "村民代表会议"


def test_the_result_cannot_be_recorded_before_the_resolution(village):
    mid = new_matter(village)
    through(village, mid, 3)
    with pytest.raises(mt.MatterError, match="还没有形成决议"), village.begin("测试") as s:
        mt.record_result(s, mid, summary="已完工", carried_out_on=dt.date(2026, 9, 30))
    info = get(village, mid)
    assert info.state == IN_PROGRESS and info.result_notice_id is None


# ---------------------------------------------------------------- a failed vote

def _fail(store, matter_id: int, step: int, outcome: str) -> mt.MatterInfo:
    meeting_id, motion_id = step_meeting(store, step, passed=False, text="否决:硬化村东道路")
    with store.begin("测试") as s:
        return mt.record_failure(s, matter_id, meeting_id=meeting_id, motion_id=motion_id, outcome=outcome,
                                 note="党员多数认为预算过高")


def test_a_failure_that_ends_the_matter_stops_every_further_step(village):
    mid = new_matter(village)
    through(village, mid, 2)
    info = _fail(village, mid, 3, mt.ENDED)
    assert info.state == FAILED and info.next_step is None and "已终止" in info.state_text
    assert [(s.step, s.passed, s.outcome) for s in info.steps] == [(1, True, ""), (2, True, ""), (3, False, "ended")]
    refused(village, mid, 3, *step_meeting(village, 3), words="已终止")
    refused(village, mid, 1, *step_meeting(village, 1, day=STEP_DAYS[4]), words="已终止")
    with pytest.raises(mt.MatterError, match="已终止"), village.read() as s:
        mt.candidates(s, mid)
    with pytest.raises(mt.MatterError), village.begin("测试") as s:
        mt.record_result(s, mid, summary="已完工", carried_out_on=dt.date(2026, 9, 30))


def test_a_restart_begins_round_two_at_step_one_and_keeps_the_old_steps(village):
    mid = new_matter(village)
    through(village, mid, 2)
    info = _fail(village, mid, 3, mt.RESTARTED)
    assert info.state == IN_PROGRESS and info.round == 2 and info.next_step == 1
    assert [(s.round, s.step, s.passed) for s in info.steps] == [(1, 1, True), (1, 2, True), (1, 3, False)]
    assert info.steps[-1].outcome == "restarted" and info.steps[-1].note == "党员多数认为预算过高"
    refused(village, mid, 2, *step_meeting(village, 2, day=STEP_DAYS[4]), words="应进行第 1 步")
    after = STEP_DAYS[3] + dt.timedelta(days=10)
    info = take(village, mid, 1, *step_meeting(village, 1, day=after))
    assert info.round == 2 and info.next_step == 2
    assert [(s.round, s.step) for s in info.steps] == [(1, 1), (1, 2), (1, 3), (2, 1)]
    assert [s.step for s in info.current_steps] == [1]


def test_after_a_restart_the_new_proposal_cannot_predate_the_failed_vote(village):
    mid = new_matter(village)
    through(village, mid, 2)
    old_proposal = step_meeting(village, 1, day=STEP_DAYS[3] - dt.timedelta(days=1), text="另一个提议")
    _fail(village, mid, 3, mt.RESTARTED)
    refused(village, mid, 1, *old_proposal, words="早于上一步的会议")
    with village.read() as s:
        assert old_proposal[0] not in [c[0] for c in mt.candidates(s, mid)]


def test_a_passed_motion_cannot_be_recorded_as_a_failure(village):
    mid = new_matter(village)
    meeting_id, motion_id = step_meeting(village, 1)
    with pytest.raises(mt.MatterError, match="已经通过"), village.begin("测试") as s:
        mt.record_failure(s, mid, meeting_id=meeting_id, motion_id=motion_id, outcome=mt.ENDED)
    with pytest.raises(FieldError, match="终止"), village.begin("测试") as s:
        mt.record_failure(s, mid, meeting_id=meeting_id, motion_id=motion_id, outcome="")
    assert get(village, mid).steps == []


def test_a_meeting_without_a_quorum_is_not_a_failed_vote(village):
    """Art. 26: below two thirds present nothing was decided, so the matter neither ends nor restarts."""
    mid = new_matter(village)
    with village.begin("测试") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind="支部委员会会议", title="流会的支委会", date=STEP_DAYS[1],
                                                 chair="张书记", recorder="李秀英"))
        x = ms.add_motion(s, m.id, text="同意硬化村东道路")
        ms.close_meeting(s, m.id)  # nobody marked present: not quorate, the motion not voted
    with pytest.raises(mt.MatterError, match="不足法定人数"), village.begin("测试") as s:
        mt.record_failure(s, mid, meeting_id=m.id, motion_id=x.id, outcome=mt.ENDED)
    assert get(village, mid).steps == [] and get(village, mid).state == "in_progress"


# ---------------------------------------------------------------- what can take the next step

def test_candidates_are_closed_meetings_of_the_right_kind_on_or_after_the_previous_step(village):
    mid = new_matter(village)
    through(village, mid, 1)  # step 1 on 06-01; step 2 wants a 两委联席会议 on or after it
    before = meeting(village, "两委联席会议", STEP_DAYS[1] - dt.timedelta(days=1), {"早先的事项": True})
    same_day = meeting(village, "两委联席会议", STEP_DAYS[1], {"同意硬化": True, "否决文化广场": False})
    later = meeting(village, "两委联席会议", STEP_DAYS[2], {"同意硬化村东道路": True})
    meeting(village, "两委联席会议", STEP_DAYS[2], {"未定稿的事项": True}, close=False)
    meeting(village, "党员大会", STEP_DAYS[2], {"党员大会的事项": True})
    used = meeting(village, "两委联席会议", STEP_DAYS[3], {"用过的事项": True})
    other = new_matter(village)
    with village.begin("测试") as s:
        mt.take_step(s, other, step=1, **dict(zip(("meeting_id", "motion_id"), step_meeting(village, 1))))
        mt.take_step(s, other, step=2, meeting_id=used["meeting"], motion_id=used["用过的事项"])
    with village.read() as s:
        found = mt.candidates(s, mid)
    assert [(meeting_id, day) for meeting_id, _title, day, _m in found] == [
        (later["meeting"], STEP_DAYS[2]), (same_day["meeting"], STEP_DAYS[1])]
    assert found[1][3] == [(same_day["同意硬化"], "同意硬化", True), (same_day["否决文化广场"], "否决文化广场", False)]
    assert before["meeting"] not in [f[0] for f in found]
