"""Minutes as the clerk keeps them: who may attend, who came, the votes, closing, and what stays closed.

A small village built by hand (DAY is the meeting day):

====== ==== ========== ==== ==== ===================================== ==========
name   sex  born       grp  hh   roles / flags                         on DAY
====== ==== ========== ==== ==== ===================================== ==========
张书记 男   1965       一组 001  党员; 党支部书记, 村委会主任              adult
李秀英 女   1975       一组 001  党员; 党支部委员, 村委会委员              adult
王大山 男   1980       一组 002  村民代表                               adult
赵桂兰 女   1982       二组 003  村民代表                               adult
周成年 男   DAY-18y    一组 002                                         turns 18
孙小妹 女   DAY-18y+1d 二组 003                                         17
钱监督 男   1960       二组 003  监委会主任                             adult
陈前任 男   1955       二组 003  党员; 村委会委员 until before DAY       adult
吴迁出 男   1970       一组 002  党员, 村民代表; moved away             —
郑已故 女   1940       二组 003  党员; died                             —
====== ==== ========== ==== ==== ===================================== ==========
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from app.check import check_store
from app.events import Event
from app.meetings import service as ms
from app.meetings.members import membership, representatives_composition
from app.meetings.models import Meeting
from app.meetings.quarterly import QuarterStatus
from app.people import service as ps
from app.people.service import FieldError
from app.schema import open_store
from conftest import checked_copy, village_code

DAY = dt.date(2026, 6, 15)
ROLE_ENDED = dt.date(2026, 5, 31)
BEFORE = dt.date(2026, 5, 20)  # 陈前任 still a committee member


def _build(d: Path) -> dict[str, int]:
    store = open_store(d)
    ids: dict[str, int] = {}
    with store.begin("测试") as s:
        ps.init_village(s, name="柳林村", code=village_code(), township="石桥镇", groups=["一组", "二组"])
        g1, g2 = (g.id for g in ps.list_groups(s))
        ids["一组"], ids["二组"] = g1, g2
        hh = {n: ps.add_household(s, group_id=g, number=n) for n, g in (("001", g1), ("002", g1), ("003", g2))}
        people = [
            ("张书记", "男", dt.date(1965, 5, 1), g1, "001", True, False, None),
            ("李秀英", "女", dt.date(1975, 3, 2), g1, "001", True, False, None),
            ("王大山", "男", dt.date(1980, 1, 1), g1, "002", False, True, None),
            ("赵桂兰", "女", dt.date(1982, 2, 2), g2, "003", False, True, None),
            ("周成年", "男", dt.date(2008, 6, 15), g1, "002", False, False, None),
            ("孙小妹", "女", dt.date(2008, 6, 16), g2, "003", False, False, None),
            ("钱监督", "男", dt.date(1960, 8, 8), g2, "003", False, False, None),
            ("陈前任", "男", dt.date(1955, 9, 9), g2, "003", True, False, None),
            ("吴迁出", "男", dt.date(1970, 4, 4), g1, "002", True, True, "moved"),
            ("郑已故", "女", dt.date(1940, 10, 10), g2, "003", True, False, "died"),
        ]
        for name, sex, born, g, h, party, rep, status in people:
            ids[name] = ps.add_resident(s, ps.ResidentInput(
                name=name, sex=sex, birth_date=born, group_id=g, household_id=hh[h], party_member=party,
                representative=rep, status=status)).id
        for name, body, title in (("张书记", "党支部", "书记"), ("张书记", "村民委员会", "主任"),
                                  ("李秀英", "党支部", "委员"), ("李秀英", "村民委员会", "委员"),
                                  ("钱监督", "村务监督委员会", "主任")):
            ps.assign_role(s, resident_id=ids[name], body=body, title=title, term_start=dt.date(2021, 1, 1))
        ps.assign_role(s, resident_id=ids["陈前任"], body="村民委员会", title="委员", term_start=dt.date(2021, 1, 1),
                       term_end=ROLE_ENDED)
    store.close()
    return ids


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    d = tmp_path_factory.mktemp("meetings-village")
    return d, _build(d)


@pytest.fixture
def village(template, tmp_path, request):
    for store in checked_copy(template[0], tmp_path, request):
        store.ids = template[1]
        yield store


def new_meeting(store, kind: str, *, day: dt.date = DAY, group: str = "", chair: str = "张书记",
                recorder: str = "李秀英", agenda: str = "") -> ms.MeetingInfo:
    with store.begin("测试") as s:
        return ms.create_meeting(s, ms.MeetingInput(
            kind=kind, title="关于村道硬化的" + kind, date=day, place="村委会会议室",
            group_id=store.ids[group] if group else None, chair=chair, recorder=recorder, agenda_text=agenda))


def attendee_ids(info: ms.MeetingInfo) -> dict[str, int]:
    return {a.name: a.id for a in info.attendees}


def mark(store, meeting_id: int, changes: dict) -> ms.MeetingInfo:
    with store.begin("测试") as s:
        return ms.set_attendance(s, meeting_id, changes)


def get(store, meeting_id: int) -> ms.MeetingInfo:
    with store.read() as s:
        return ms.get_meeting(s, meeting_id)


def events(store) -> int:
    with store.read() as s:
        return s.execute(select(func.count()).select_from(Event)).scalar_one()


def names(info: ms.MeetingInfo) -> set[str]:
    return {a.name for a in info.attendees if a.member}


def reps_meeting_with_vote(store, present=("张书记", "李秀英", "王大山"), votes_for: int = 3) -> tuple[int, int]:
    """A representatives' meeting (4 members) with three present and one motion voted."""
    m = new_meeting(store, "村民代表会议", agenda="村道硬化方案")
    ids = attendee_ids(m)
    mark(store, m.id, {ids[n]: "present" for n in present})
    with store.begin("测试") as s:
        ms.update_agenda_item(s, m.agenda[0].id, title="村道硬化方案", discussion="大家同意用碎石铺设村东道路。")
        x = ms.add_motion(s, m.id, text="同意村东道路硬化方案", agenda_item_id=m.agenda[0].id)
        ms.record_vote(s, x.id, votes_for=votes_for, votes_against=len(present) - votes_for)
    return m.id, x.id


def closed_reps_meeting(store) -> tuple[int, int]:
    mid, xid = reps_meeting_with_vote(store)
    with store.begin("测试") as s:
        ms.close_meeting(s, mid)
    return mid, xid


# ---------------------------------------------------------------- who is a member

def test_art22_villagers_meeting_lists_adults_only_on_the_meeting_day(village):
    m = new_meeting(village, "村民会议")
    assert names(m) == {"张书记", "李秀英", "王大山", "赵桂兰", "周成年", "钱监督", "陈前任"}
    assert m.members == 7 and m.households == 3
    # 周成年 turns 18 on DAY: a day earlier he is not a member; 孙小妹 is 17 on DAY
    day_before = new_meeting(village, "村民会议", day=DAY - dt.timedelta(days=1))
    assert "周成年" not in names(day_before) and day_before.members == 6
    assert "孙小妹" not in names(m)


def test_moved_away_and_deceased_residents_are_never_members(village):
    for kind in ("村民会议", "村民代表会议", "党员大会"):
        m = new_meeting(village, kind)
        assert not names(m) & {"吴迁出", "郑已故"}, kind


def test_art28_group_meeting_lists_only_the_groups_adults(village):
    g1 = new_meeting(village, "村民小组会议", group="一组")
    g2 = new_meeting(village, "村民小组会议", group="二组")
    assert names(g1) == {"张书记", "李秀英", "王大山", "周成年"} and g1.households == 2
    assert names(g2) == {"赵桂兰", "钱监督", "陈前任"} and g2.households == 1
    with village.begin("测试") as s, pytest.raises(FieldError, match="村民小组"):
        ms.create_meeting(s, ms.MeetingInput(kind="村民小组会议", title="没选小组", date=DAY))


def test_art25_representatives_meeting_is_the_committee_and_the_representatives(village):
    m = new_meeting(village, "村民代表会议")
    assert names(m) == {"张书记", "李秀英", "王大山", "赵桂兰"}
    roles = {a.name: a.role_text for a in m.attendees}
    assert "村委会主任" in roles["张书记"] and roles["王大山"] == "村民代表"
    # before his term ended, 陈前任 sat on the committee
    earlier = new_meeting(village, "村民代表会议", day=BEFORE)
    assert names(earlier) == {"张书记", "李秀英", "王大山", "赵桂兰", "陈前任"}


def test_party_members_meeting_lists_the_party_members(village):
    assert names(new_meeting(village, "党员大会")) == {"张书记", "李秀英", "陈前任"}


def test_committee_meetings_list_the_roles_in_force_on_the_date(village):
    assert names(new_meeting(village, "支部委员会会议")) == {"张书记", "李秀英"}
    assert names(new_meeting(village, "两委联席会议")) == {"张书记", "李秀英"}
    assert names(new_meeting(village, "两委联席会议", day=BEFORE)) == {"张书记", "李秀英", "陈前任"}
    assert names(new_meeting(village, "村务监督委员会会议")) == {"钱监督"}
    # before anyone took office there is no member at all
    assert new_meeting(village, "支部委员会会议", day=dt.date(2020, 12, 31)).members == 0


def test_membership_of_a_group_meeting_needs_a_group(village):
    with village.read() as s, pytest.raises(ValueError, match="村民小组"):
        membership(s, "村民小组会议", DAY)


# ---------------------------------------------------------------- Art. 25 composition

def test_art25_warns_about_too_few_representatives_and_too_few_women(village):
    with village.read() as s:
        c = representatives_composition(s, DAY)
    assert (c.members, c.representatives, c.women_representatives) == (4, 2, 1)
    assert len(c.warnings) == 2
    assert "五分之四" in c.warnings[0] and "至少要 4 人" in c.warnings[0] and "第二十五条" in c.warnings[0]
    assert "妇女" in c.warnings[1] and "至少要 2 人" in c.warnings[1]


def _add_representatives(store, women: int, men: int) -> None:
    with store.begin("测试") as s:
        for i in range(women + men):
            ps.add_resident(s, ps.ResidentInput(name=f"代表{'甲乙丙丁戊己庚辛'[i]}", sex="女" if i < women else "男",
                                                birth_date=dt.date(1970, 1, 1 + i), group_id=store.ids["一组"],
                                                representative=True))


def test_art25_no_warning_at_exactly_four_fifths_and_one_third(village):
    # 2 committee + 8 representatives (4 of them women): 8 of 10 is 4/5, 4 of 10 is over 1/3
    _add_representatives(village, women=3, men=3)
    with village.read() as s:
        c = representatives_composition(s, DAY)
    assert (c.members, c.representatives, c.women_representatives) == (10, 8, 4)
    assert c.warnings == []


def test_art25_one_woman_short_warns(village):
    _add_representatives(village, women=2, men=4)
    with village.read() as s:
        c = representatives_composition(s, DAY)
    assert (c.members, c.representatives, c.women_representatives) == (10, 8, 3)
    assert len(c.warnings) == 1 and "妇女村民代表 3 人" in c.warnings[0]


def test_art25_no_warnings_before_any_representative_exists(store):
    with store.begin("测试") as s:
        head = ps.search_residents(s)[0]
        ps.assign_role(s, resident_id=head.id, body="村民委员会", title="主任")
        c = representatives_composition(s, DAY)
    assert c.members == 1 and c.representatives == 0 and c.warnings == []


# ---------------------------------------------------------------- attendance

def test_art22_attendance_marks_drive_the_count_and_the_quorum(village):
    m = new_meeting(village, "村民会议")
    ids = attendee_ids(m)
    # 1 of 7 people, 1 of 3 households: neither path
    m = mark(village, m.id, {ids["张书记"]: "present", ids["李秀英"]: "leave"})
    assert (m.present, m.households_present, m.quorate) == (1, 1, False)
    assert m.on_leave == 1 and "不足法定人数" in m.quorum.reason
    # 2 of 7 people is far from half, but 2 of 3 households is exactly two thirds
    m = mark(village, m.id, {ids["王大山"]: "present"})
    assert (m.present, m.households_present, m.quorate) == (2, 2, True)
    assert "第二十二条" in m.quorum.citation and "2 户" in m.quorum.reason
    # people of households already counted add people, not households
    m = mark(village, m.id, {ids["李秀英"]: "present", ids["周成年"]: "present"})
    assert (m.present, m.households_present, m.quorate) == (4, 2, True)
    m = mark(village, m.id, {ids["王大山"]: "absent", ids["周成年"]: "absent"})
    assert (m.present, m.households_present, m.quorate) == (2, 1, False)


def test_art26_representatives_meeting_needs_three_of_four(village):
    m = new_meeting(village, "村民代表会议")
    ids = attendee_ids(m)
    m = mark(village, m.id, {ids["张书记"]: "present", ids["王大山"]: "present", ids["赵桂兰"]: "absent"})
    assert (m.present, m.quorate, m.absent) == (2, False, 1)
    m = mark(village, m.id, {ids["李秀英"]: "present"})
    assert (m.present, m.quorate) == (3, True)
    m = mark(village, m.id, {ids["李秀英"]: "expected"})
    assert (m.present, m.quorate) == (2, False)


def test_set_counts_from_the_signed_sheet(village):
    m = new_meeting(village, "村民会议")
    with village.begin("测试") as s:
        m = ms.set_counts(s, m.id, present=4)
    assert (m.present, m.quorate) == (4, True)
    with pytest.raises(FieldError, match="比应到"), village.begin("测试") as s:
        ms.set_counts(s, m.id, present=8)
    r = new_meeting(village, "村民代表会议")
    with pytest.raises(FieldError, match="不按户计算"), village.begin("测试") as s:
        ms.set_counts(s, r.id, present=3, households_present=2)
    assert get(village, m.id).present == 4


@pytest.mark.parametrize("kind", ["党员大会", "支部委员会会议", "两委联席会议"])
def test_proxies_are_refused_for_kinds_without_them(village, kind):
    m = new_meeting(village, kind)
    who = attendee_ids(m)["张书记"]
    with pytest.raises(FieldError, match="不能委托他人出席"), village.begin("测试") as s:
        ms.set_attendance(s, m.id, {who: ("proxy", "张小明")})
    assert get(village, m.id).present == 0


def test_a_proxy_at_the_villagers_meeting_is_recorded_with_a_name_but_not_counted(village):
    # Organic Law Art. 22 counts the villagers who take part; a written proxy is not attendance
    m = new_meeting(village, "村民会议")
    who = attendee_ids(m)["钱监督"]
    with pytest.raises(FieldError, match="替钱监督出席"), village.begin("测试") as s:
        ms.set_attendance(s, m.id, {who: "proxy"})
    m = mark(village, m.id, {who: ("proxy", "钱小宝")})
    assert m.present == 0
    assert [(a.status_text, a.proxy_name) for a in m.attendees if a.name == "钱监督"] == [
        ("书面委托(不计入到会人数)", "钱小宝")]


def test_an_observer_does_not_count(village):
    m = new_meeting(village, "村民代表会议")
    with village.begin("测试") as s:
        guest = ms.add_attendee(s, m.id, name="镇干部刘某", role_text="石桥镇民政办", member=False)
    m = get(village, m.id)
    assert m.members == 4 and guest.status_text == "列席"


# ---------------------------------------------------------------- votes

def test_named_votes_only_from_members_present(village):
    m = new_meeting(village, "支部委员会会议")
    ids = attendee_ids(m)
    mark(village, m.id, {ids["张书记"]: "present", ids["李秀英"]: "absent"})
    with village.begin("测试") as s:
        x = ms.add_motion(s, m.id, text="提议硬化村东道路")
    with pytest.raises(FieldError, match="李秀英没有登记为到会"), village.begin("测试") as s:
        ms.record_named_votes(s, x.id, {ids["张书记"]: "for", ids["李秀英"]: "for"})
    other = new_meeting(village, "支部委员会会议")
    with pytest.raises(FieldError, match="没有登记为到会"), village.begin("测试") as s:
        ms.record_named_votes(s, x.id, {attendee_ids(other)["张书记"]: "for"})
    assert not get(village, m.id).motion_list[0].voted
    with village.begin("测试") as s:
        voted = ms.record_named_votes(s, x.id, {ids["张书记"]: "for"})
    # 1 present of 2 is 半数以上 (quorate), but 1 vote for is not more than half of the 2 members
    assert voted.named_votes == {ids["张书记"]: "for"} and voted.votes_for == 1
    assert not voted.passed and "未通过" in voted.verdict
    mark(village, m.id, {ids["李秀英"]: "present"})
    with village.begin("测试") as s:
        voted = ms.record_named_votes(s, x.id, {ids["张书记"]: "for", ids["李秀英"]: "for"})
    assert voted.passed and voted.result_text == "通过"


def test_more_votes_than_present_is_refused_and_changes_nothing(village):
    m = new_meeting(village, "村民代表会议")
    ids = attendee_ids(m)
    mark(village, m.id, {ids[n]: "present" for n in ("张书记", "李秀英", "王大山")})
    with village.begin("测试") as s:
        x = ms.add_motion(s, m.id, text="同意村东道路硬化方案")
    before = events(village)
    with pytest.raises(FieldError, match="比到会的 3 人还多"), village.begin("测试") as s:
        ms.record_vote(s, x.id, votes_for=3, votes_against=1)
    assert events(village) == before
    motion = get(village, m.id).motion_list[0]
    assert not motion.voted and motion.votes_for == 0 and motion.result_text == "未表决"


def test_a_vote_before_anyone_is_marked_present_is_refused(village):
    m = new_meeting(village, "村民代表会议")
    with village.begin("测试") as s:
        x = ms.add_motion(s, m.id, text="同意村东道路硬化方案")
    with pytest.raises(ms.MeetingError, match="到会人数"), village.begin("测试") as s:
        ms.record_vote(s, x.id, votes_for=0)


def test_art26_the_verdict_follows_the_vote(village):
    mid, _ = reps_meeting_with_vote(village, votes_for=2)
    motion = get(village, mid).motion_list[0]
    assert motion.passed and "第二十六条" in motion.verdict and "通过" in motion.verdict
    mid, _ = reps_meeting_with_vote(village, votes_for=1)
    motion = get(village, mid).motion_list[0]
    assert not motion.passed and "未通过" in motion.verdict


def test_lowering_attendance_below_the_recorded_votes_is_refused(village):
    mid, _ = reps_meeting_with_vote(village, votes_for=3)
    ids = attendee_ids(get(village, mid))
    before = events(village)
    with pytest.raises(FieldError, match="比到会的 2 人还多"), village.begin("测试") as s:
        ms.set_attendance(s, mid, {ids["王大山"]: "absent"})
    with pytest.raises(FieldError), village.begin("测试") as s:
        ms.set_counts(s, mid, present=2)
    m = get(village, mid)
    assert m.present == 3 and m.quorate and events(village) == before
    assert [a.status for a in m.attendees if a.name == "王大山"] == ["present"]
    assert m.motion_list[0].passed


def test_a_change_in_attendance_recomputes_the_verdict(village):
    # 2 for, 1 against of 3 present passes; a fourth comes and 2 of 4 is no longer more than half
    mid, _ = reps_meeting_with_vote(village, votes_for=2)
    ids = attendee_ids(get(village, mid))
    m = mark(village, mid, {ids["赵桂兰"]: "present"})
    assert m.present == 4 and not m.motion_list[0].passed and "未通过" in m.motion_list[0].verdict


# ---------------------------------------------------------------- closing

@pytest.mark.parametrize("chair, recorder, missing", [("", "李秀英", "主持人"), ("张书记", "", "记录人"),
                                                     ("", "", "主持人、记录人")])
def test_closing_needs_a_chair_and_a_recorder(village, chair, recorder, missing):
    m = new_meeting(village, "村民代表会议", chair=chair, recorder=recorder)
    with pytest.raises(ms.MeetingError, match="请先填写" + missing), village.begin("测试") as s:
        ms.close_meeting(s, m.id)
    assert not get(village, m.id).closed


def test_a_quorate_meeting_closes_only_when_every_motion_is_voted(village):
    mid, _ = reps_meeting_with_vote(village)
    with village.begin("测试") as s:
        ms.add_motion(s, mid, text="同意修建文化广场")
    with pytest.raises(ms.MeetingError, match="同意修建文化广场"), village.begin("测试") as s:
        ms.close_meeting(s, mid)
    assert not get(village, mid).closed


def test_a_meeting_without_a_quorum_is_closed_and_passes_nothing(village):
    m = new_meeting(village, "村民代表会议")
    ids = attendee_ids(m)
    mark(village, m.id, {ids["张书记"]: "present", ids["李秀英"]: "present"})
    with village.begin("测试") as s:
        voted = ms.add_motion(s, m.id, text="同意村东道路硬化方案")
        ms.add_motion(s, m.id, text="同意修建文化广场")  # never put to the vote
        ms.record_vote(s, voted.id, votes_for=2)
        closed = ms.close_meeting(s, m.id)
    assert closed.closed and not closed.quorate and closed.content_hash
    assert [x.passed for x in closed.motion_list] == [False, False]
    assert "不足法定人数" in closed.motion_list[0].verdict
    assert check_store_ok(village)


def test_a_meeting_in_the_future_cannot_be_closed(village):
    m = new_meeting(village, "村民代表会议", day=dt.date.today() + dt.timedelta(days=3))
    with pytest.raises(ms.MeetingError, match="还没到"), village.begin("测试") as s:
        ms.close_meeting(s, m.id)


def check_store_ok(store) -> bool:
    with store.read() as s:
        return check_store(s).ok


def _edits(m: ms.MeetingInfo, x_id: int):  # type: ignore[no-untyped-def]
    ids = attendee_ids(m)
    item = m.agenda[0].id
    inp = ms.MeetingInput(kind=m.kind, title="改过的标题", date=m.date, chair="张书记", recorder="李秀英")
    return {
        "update_meeting": lambda s: ms.update_meeting(s, m.id, inp),
        "delete_meeting": lambda s: ms.delete_meeting(s, m.id),
        "refill_attendees": lambda s: ms.refill_attendees(s, m.id),
        "add_attendee": lambda s: ms.add_attendee(s, m.id, name="刘某"),
        "remove_attendee": lambda s: ms.remove_attendee(s, ids["赵桂兰"]),
        "set_attendance": lambda s: ms.set_attendance(s, m.id, {ids["赵桂兰"]: "present"}),
        "set_counts": lambda s: ms.set_counts(s, m.id, present=4),
        "add_agenda_item": lambda s: ms.add_agenda_item(s, m.id, title="新议题"),
        "update_agenda_item": lambda s: ms.update_agenda_item(s, item, title="改过", discussion="改过"),
        "remove_agenda_item": lambda s: ms.remove_agenda_item(s, item),
        "add_motion": lambda s: ms.add_motion(s, m.id, text="新事项"),
        "update_motion": lambda s: ms.update_motion(s, x_id, text="改过的事项"),
        "remove_motion": lambda s: ms.remove_motion(s, x_id),
        "record_vote": lambda s: ms.record_vote(s, x_id, votes_for=1, votes_against=2),
        "record_named_votes": lambda s: ms.record_named_votes(s, x_id, {ids["张书记"]: "against"}),
        "close_meeting": lambda s: ms.close_meeting(s, m.id),
    }


EDITS = ["update_meeting", "delete_meeting", "refill_attendees", "add_attendee", "remove_attendee", "set_attendance",
         "set_counts", "add_agenda_item", "update_agenda_item", "remove_agenda_item", "add_motion", "update_motion",
         "remove_motion", "record_vote", "record_named_votes", "close_meeting"]


@pytest.mark.parametrize("edit", EDITS)
def test_after_closing_every_edit_is_refused_and_nothing_changes(village, edit):
    mid, xid = closed_reps_meeting(village)
    before, n_events = get(village, mid), events(village)
    with pytest.raises(ms.MeetingError, match="已经定稿,不能再修改"), village.begin("测试") as s:
        _edits(before, xid)[edit](s)
    assert get(village, mid) == before and events(village) == n_events
    assert check_store_ok(village)


def test_the_edit_list_covers_every_public_writer_of_the_minutes():
    writers = {n for n, f in vars(ms).items() if callable(f) and getattr(f, "__module__", "") == ms.__name__
               and not n.startswith("_") and n.split("_")[0] in ("update", "delete", "refill", "add", "remove", "set", "record", "close")}
    assert writers == set(EDITS) | {"add_addendum"}  # the one writer meant for closed minutes


def test_an_addendum_only_after_closing_and_it_names_what_it_corrects(village):
    mid, _ = reps_meeting_with_vote(village)
    with pytest.raises(ms.MeetingError, match="还没有定稿"), village.begin("测试") as s:
        ms.add_addendum(s, mid, corrects="议题一的表决票数", text="反对票应为 0 票。", recorded_by="李秀英")
    with village.begin("测试") as s:
        closed = ms.close_meeting(s, mid)
    with pytest.raises(FieldError, match="更正的是哪一部分"), village.begin("测试") as s:
        ms.add_addendum(s, mid, corrects=" ", text="反对票应为 0 票。", recorded_by="李秀英")
    with pytest.raises(FieldError, match="早于开会日期"), village.begin("测试") as s:
        ms.add_addendum(s, mid, corrects="议题一", text="更正", recorded_by="李秀英", date=DAY - dt.timedelta(days=1))
    with village.begin("测试") as s:
        ms.add_addendum(s, mid, corrects="议题一的表决票数", text="记录人笔误:反对票应为 0 票。", recorded_by="李秀英",
                        date=DAY + dt.timedelta(days=2))
    m = get(village, mid)
    assert [(a.corrects, a.recorded_by, a.date) for a in m.addenda] == [
        ("议题一的表决票数", "李秀英", DAY + dt.timedelta(days=2))]
    # the minutes themselves stay as they were closed
    assert m.motion_list == closed.motion_list and m.content_hash == closed.content_hash
    assert check_store_ok(village)


def test_a_file_can_be_attached_after_closing(village, tmp_path):
    mid, _ = closed_reps_meeting(village)
    photo = tmp_path / "签到表.jpg"
    photo.write_bytes(b"\xff\xd8\xff\xe0 signed sheet")
    with village.begin("测试") as s:
        ms.attach_file(s, village.data_dir, mid, photo)
    m = get(village, mid)
    assert [(f.name, f.role) for f in m.files] == [("签到表.jpg", "signin_photo")]
    assert check_store_ok(village)


def tamper(store, sql: str, params: dict) -> None:
    """An edit typed in the sqlite3 shell: no service, no event (the program itself refuses to commit such a write)."""
    con = sqlite3.connect(store.db_path)
    with con:
        con.execute(sql, params)
    con.close()


@pytest.mark.tampers
@pytest.mark.parametrize("sql, table", [
    ("UPDATE motions SET votes_for = 4, votes_against = 0 WHERE meeting_id = :mid", "motions"),
    ("UPDATE meeting_attendees SET status = 'present' WHERE meeting_id = :mid AND name = '赵桂兰'",
     "meeting_attendees"),
    ("UPDATE agenda_items SET discussion = '无人反对' WHERE meeting_id = :mid", "agenda_items"),
    ("UPDATE meetings SET present = 4 WHERE id = :mid", "meetings"),
])
def test_an_sql_edit_of_closed_minutes_is_found_by_check(village, sql, table):
    mid, _ = closed_reps_meeting(village)
    assert check_store_ok(village)
    tamper(village, sql, {"mid": mid})
    with village.read() as s:
        problems = check_store(s).problems
    wheres = [p.where for p in problems]
    assert any(w.startswith(table + " #") for w in wheres), problems
    # and the closed minutes no longer match the hash taken when they were closed
    assert f"meetings #{mid}" in wheres
    assert any("已定稿的会议记录" in p.what for p in problems)


@pytest.mark.tampers
def test_an_sql_edit_that_also_forges_the_hash_is_still_found(village):
    mid, _ = closed_reps_meeting(village)
    tamper(village, "UPDATE motions SET votes_for = 2, votes_against = 1 WHERE meeting_id = :mid", {"mid": mid})
    with village.read() as s:
        forged = ms.minutes_hash(s, s.get(Meeting, mid))
    tamper(village, "UPDATE meetings SET content_hash = :h WHERE id = :mid", {"h": forged, "mid": mid})
    with village.read() as s:
        wheres = [p.where for p in check_store(s).problems]
    assert any(w.startswith("motions #") for w in wheres) and f"meetings #{mid}" in wheres


# ---------------------------------------------------------------- search

def _found(store, words: str) -> list[int]:
    with store.read() as s:
        return [m.id for m in ms.list_meetings(s, ms.MeetingQuery(text=words))]


def test_search_finds_minutes_by_one_and_two_characters_and_by_an_addendum(village):
    mid, _ = closed_reps_meeting(village)
    other = new_meeting(village, "党员大会")
    assert _found(village, "碎石") == [mid]
    assert _found(village, "碎") == [mid]
    assert _found(village, "铺设 道路") == [mid]
    assert _found(village, "鱼塘") == []
    with village.begin("测试") as s:
        ms.add_addendum(s, mid, corrects="讨论情况", text="补记:鱼塘承包另行讨论。", recorded_by="李秀英")
    assert _found(village, "鱼塘") == [mid]
    assert _found(village, "塘") == [mid]
    assert other.id not in _found(village, "碎")


# ---------------------------------------------------------------- Art. 26: every quarter

def test_representatives_quarter_agrees_with_the_quick_reader(village):
    """Art. 26 on the home screen (plain sqlite3) and in the service: the same answer; only closed minutes count."""
    from app.schema import quick

    def held(day: dt.date) -> None:
        m = new_meeting(village, "村民代表会议", day=day)
        with village.begin("测试") as s:
            ms.close_meeting(s, m.id)

    held(dt.date(2026, 3, 31))
    new_meeting(village, "村民代表会议", day=dt.date(2026, 5, 6))  # planned, never closed: not held
    new_meeting(village, "党员大会", day=dt.date(2026, 8, 1))  # not a representatives' meeting
    ons = (dt.date(2026, 3, 31), dt.date(2026, 4, 1), dt.date(2026, 6, 30), dt.date(2026, 8, 2), dt.date.today())
    answers = {}
    for on in ons:
        with village.read() as s:
            answers[on] = ms.representatives_quarter(s, on)
        assert quick.representatives_quarter(village.db_path, on) == answers[on], on
    assert answers[dt.date(2026, 3, 31)].held and answers[dt.date(2026, 3, 31)].last_held == dt.date(2026, 3, 31)
    assert answers[dt.date(2026, 4, 1)] == QuarterStatus("2026年第二季度", False, "", dt.date(2026, 3, 31))
    assert not answers[dt.date(2026, 6, 30)].held  # the May meeting was planned but its minutes never closed
    assert answers[dt.date(2026, 8, 2)].last_held == dt.date(2026, 3, 31)


def test_representatives_quarter_sees_a_meeting_held_this_quarter(village):
    """Art. 26: a representatives' meeting closed today counts for today's quarter."""
    m = new_meeting(village, "村民代表会议", day=dt.date.today())
    with village.begin("测试") as s:
        ms.close_meeting(s, m.id)
    with village.read() as s:
        status = ms.representatives_quarter(s, dt.date.today())
    assert status.held and status.last_held == dt.date.today()


def test_a_list_generated_again_leaves_the_log_whole(village):
    """Moving a prepared meeting a day earlier (周成年 is then not yet 18) generates a shorter list; the log still
    accounts for every row: `cunwu check` passes."""
    from app.check import check_store

    m = new_meeting(village, "村民会议")
    with village.begin("测试") as s:
        ms.update_meeting(s, m.id, ms.MeetingInput(kind="村民会议", title=m.title, date=DAY - dt.timedelta(days=1),
                                                   chair=m.chair, recorder=m.recorder))
        ms.refill_attendees(s, m.id)
    with village.read() as s:
        report = check_store(s)
    assert report.ok, [str(p) for p in report.problems[:3]]


def test_a_named_vote_is_one_change_in_the_log(village):
    """Named votes (a committee meeting) are written as one event for the motion, with the names in it."""
    from sqlalchemy import select

    from app.events import Event

    m = new_meeting(village, "两委联席会议")
    people = attendee_ids(m)
    mark(village, m.id, {i: "present" for i in people.values()})
    with village.begin("测试") as s:
        x = ms.add_motion(s, m.id, text="同意调整误工补贴")
        ms.record_named_votes(s, x.id, {i: "for" for i in people.values()})
    with village.read() as s:
        events = list(s.scalars(select(Event).where(Event.record_type == "motion", Event.record_id == str(x.id))))
    assert [e.action for e in events] == ["create", "update"]
    assert '"named_votes":"{' in events[-1].content
