"""Who counts at a meeting, as the law counts: written proxies (委托) and probationary party members (预备党员).

- 《村民委员会组织法》第二十二条: "召开村民会议,应当有本村十八周岁以上村民的过半数,或者本村三分之二以上的户的代表参加,
  村民会议所作决定应当经到会人员的过半数通过。" 第二十六条 (村民代表会议: "有三分之二以上的组成人员参加方可召开") and
  第二十八条 (村民小组会议) likewise count those who take part. None has attendance by proxy: a written proxy
  handed in is recorded, but counts neither as present nor as a vote, and never represents a household.
- 《中国共产党支部工作条例(试行)》第十一条: "表决必须有半数以上有表决权的党员到会方可进行,赞成人数超过应到会有表决权的
  党员的半数为通过。" The party members' meeting takes no proxies.
- 《中国共产党章程》第七条: "预备党员的权利,除了没有表决权、选举权和被选举权以外,也同正式党员一样。" A probationary member
  attends the party members' meeting as 列席, outside its quorum base and its vote base.
- The kinds without a statutory rule count a proxy only where the village's rule says so (settings.json), and then
  its holder must be present at the same meeting and hold at most three.

The village (DAY is the meeting day): group 一组 with four households 001-004, one adult each (甲 乙 丙 丁), and in
household 001 also 甲妻; 议事组 of six office holders (党支部 and 村委会) for the joint committees' meeting; 40
party members with a vote and 5 probationary members in group 二组.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.check import check_store
from app.config import save_settings
from app.events import Event
from app.meetings import service as ms
from app.meetings.members import membership
from app.meetings.models import OBSERVER, PRESENT, PROXY
from app.people import service as ps
from app.people.service import FieldError
from app.schema import open_store
from conftest import checked_copy, village_code

DAY = dt.date(2026, 6, 15)
ADMITTED = dt.date(2026, 1, 10)


def _build(d: Path) -> dict[str, int]:
    store = open_store(d)
    ids: dict[str, int] = {}
    with store.begin("测试") as s:
        ps.init_village(s, name="柳林村", code=village_code(), township="石桥镇", groups=["一组", "二组"])
        g1, g2 = (g.id for g in ps.list_groups(s))
        ids["一组"], ids["二组"] = g1, g2
        hh = {n: ps.add_household(s, group_id=g1, number=n) for n in ("001", "002", "003", "004")}

        def person(name: str, household: int | None, group: int, **flags) -> None:  # type: ignore[no-untyped-def]
            ids[name] = ps.add_resident(s, ps.ResidentInput(
                name=name, sex="男", birth_date=dt.date(1970, 1, 1), group_id=group, household_id=household,
                **flags)).id

        for name, number in (("甲", "001"), ("乙", "002"), ("丙", "003"), ("丁", "004")):
            person(name, hh[number], g1)
        person("甲妻", hh["001"], g1)
        person("王大山", hh["002"], g1, representative=True)
        for n in range(1, 7):  # the office holders: 党支部 1-3, 村委会 4-6
            person(f"委员{n}", None, g2)
            body = "党支部" if n <= 3 else "村民委员会"
            ps.assign_role(s, resident_id=ids[f"委员{n}"], body=body, title="委员", term_start=dt.date(2021, 1, 1))
        for n in range(1, 41):
            person(f"党员{n:02d}", None, g2, party_member=True)
        for n in range(1, 6):
            person(f"预备{n}", None, g2, probationary=True, probation_since=ADMITTED)
    store.close()
    return ids


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    d = tmp_path_factory.mktemp("attendance-law")
    return d, _build(d)


@pytest.fixture
def village(template, tmp_path, request):
    for store in checked_copy(template[0], tmp_path, request):
        store.ids = template[1]
        yield store


def new_meeting(store, kind: str, *, group: str = "") -> ms.MeetingInfo:
    with store.begin("测试") as s:
        return ms.create_meeting(s, ms.MeetingInput(
            kind=kind, title="测试" + kind, date=DAY, place="村委会会议室",
            group_id=store.ids[group] if group else None, chair="委员1", recorder="委员4", agenda_text="议题"))


def ids_of(m: ms.MeetingInfo) -> dict[str, int]:
    return {a.name: a.id for a in m.attendees}


def mark(store, meeting_id: int, changes: dict) -> ms.MeetingInfo:
    with store.begin("测试") as s:
        return ms.set_attendance(s, meeting_id, changes, data_dir=store.data_dir)


def get(store, meeting_id: int) -> ms.MeetingInfo:
    with store.read() as s:
        return ms.get_meeting(s, meeting_id, data_dir=store.data_dir)


def events(store) -> int:
    with store.read() as s:
        return s.execute(select(func.count()).select_from(Event)).scalar_one()


def check_ok(store) -> bool:
    with store.read() as s:
        return check_store(s).ok


def allow_proxies(store, kind: str = "两委联席会议") -> None:
    save_settings(store.data_dir, {"meetings": {"proxies": {kind: True}}})


def motion(store, meeting_id: int) -> int:
    with store.begin("测试") as s:
        return ms.add_motion(s, meeting_id, text="同意村东道路硬化方案").id


# ---------------------------------------------------------------- the law's kinds: a proxy is recorded, not counted

def test_at_a_villagers_meeting_one_present_holding_three_proxies_counts_as_one(village):
    # Organic Law Art. 22: more than half of the adults take part, or two thirds of the households' representatives
    m = new_meeting(village, "村民会议")
    ids = ids_of(m)
    m = mark(village, m.id, {ids["甲"]: PRESENT, ids["乙"]: (PROXY, "甲"), ids["丙"]: (PROXY, "甲"),
                             ids["丁"]: (PROXY, "甲")})
    assert m.present == 1
    assert m.households_present == 1
    assert not m.quorate
    assert [a.status_text for a in m.attendees if a.name in ("乙", "丙", "丁")] == ["书面委托(不计入到会人数)"] * 3


def _four_adults_group_meeting(village) -> ms.MeetingInfo:
    """A group meeting whose members are exactly four adults in four households, plus 甲妻 and 王大山 absent."""
    m = new_meeting(village, "村民小组会议", group="一组")
    ids = ids_of(m)
    assert {a.name for a in m.attendees if a.member} == {"甲", "乙", "丙", "丁", "甲妻", "王大山"}
    # 甲妻 and 王大山 were away: the four adults of the example are the rest
    return mark(village, m.id, {ids["甲妻"]: "absent", ids["王大山"]: "absent"})


def test_a_proxy_holder_present_counts_once_and_votes_once(village):
    # Art. 28 (the group meeting): 1 present holding 3 proxies is 1 present, not 4; "4-0" is more votes than people
    m = _four_adults_group_meeting(village)
    ids = ids_of(m)
    m = mark(village, m.id, {ids["甲"]: PRESENT, ids["乙"]: (PROXY, "甲"), ids["丙"]: (PROXY, "甲"),
                             ids["丁"]: (PROXY, "甲")})
    assert (m.members, m.present, m.households, m.households_present, m.quorate) == (6, 1, 4, 1, False)
    assert "第二十八条" in m.quorum.reason
    x = motion(village, m.id)
    with pytest.raises(FieldError, match="比到会的 1 人还多"), village.begin("测试") as s:
        ms.record_vote(s, x, votes_for=4)
    with village.begin("测试") as s:
        voted = ms.record_vote(s, x, votes_for=1)
    assert not voted.passed and "不足法定人数" in voted.verdict


@pytest.mark.parametrize("kind, article", [("村民会议", "第二十二条"), ("村民小组会议", "第二十八条"),
                                           ("村民代表会议", "第二十六条")])
def test_the_law_kinds_record_a_written_proxy_without_counting_it(village, kind, article):
    m = new_meeting(village, kind, group="一组" if kind == "村民小组会议" else "")
    ids = ids_of(m)
    present_name = "王大山"
    absent = next(a for a in m.attendees if a.member and a.name != present_name)
    m = mark(village, m.id, {ids[present_name]: PRESENT, absent.id: (PROXY, "张三")})
    assert m.present == 1
    row = next(a for a in m.attendees if a.id == absent.id)
    assert (row.status, row.proxy_name, row.counted, row.proxy_not_counted) == (PROXY, "张三", False, True)
    from app.meetings.kinds import proxy_rule

    rule = proxy_rule(kind)
    assert rule.recordable and not rule.counted and article in rule.reason


def test_a_household_is_represented_only_by_a_person_of_it_who_is_present(village):
    # Art. 22 / 28: 户的代表 is someone of the household who came; a proxy held for a household does not count it
    m = _four_adults_group_meeting(village)
    ids = ids_of(m)
    m = mark(village, m.id, {ids["甲"]: PRESENT, ids["甲妻"]: (PROXY, "甲"), ids["乙"]: (PROXY, "甲"),
                             ids["丙"]: PRESENT})
    # households 001 (甲 came) and 003 (丙 came); 002 sent only a proxy
    assert (m.present, m.households_present) == (2, 2)


def test_the_party_members_meeting_takes_no_proxy(village):
    m = new_meeting(village, "党员大会")
    ids = ids_of(m)
    before = events(village)
    with pytest.raises(FieldError, match="党员大会不能委托他人出席"), village.begin("测试") as s:
        ms.set_attendance(s, m.id, {ids["党员01"]: PRESENT, ids["党员02"]: (PROXY, "党员01")})
    assert get(village, m.id).present == 0 and events(village) == before


# ---------------------------------------------------------------- the kinds the village rules: only with the setting

def test_without_the_setting_a_joint_meeting_refuses_a_proxy(village):
    m = new_meeting(village, "两委联席会议")
    ids = ids_of(m)
    with pytest.raises(FieldError, match="本村议事规则没有允许委托"), village.begin("测试") as s:
        ms.set_attendance(s, m.id, {ids["委员1"]: PRESENT, ids["委员2"]: (PROXY, "委员1")},
                          data_dir=village.data_dir)
    assert get(village, m.id).present == 0


def test_with_the_setting_a_proxy_counts_and_votes_through_its_holder(village):
    allow_proxies(village)
    m = new_meeting(village, "两委联席会议")
    ids = ids_of(m)
    assert m.members == 6
    m = mark(village, m.id, {ids["委员1"]: PRESENT, ids["委员2"]: PRESENT, ids["委员3"]: (PROXY, "委员1"),
                             ids["委员4"]: (PROXY, ids["委员2"])})
    assert (m.present, m.quorate) == (4, True)
    row = next(a for a in m.attendees if a.name == "委员3")
    assert (row.counted, row.proxy_holder_id, row.status_text) == (True, ids["委员1"], "委托出席")
    x = motion(village, m.id)
    with village.begin("测试") as s:
        voted = ms.record_named_votes(s, x, {ids["委员1"]: "for", ids["委员2"]: "for", ids["委员3"]: "for",
                                             ids["委员4"]: "for"}, data_dir=village.data_dir)
    assert voted.passed and voted.votes_for == 4
    with pytest.raises(FieldError, match="委员5没有登记为到会"), village.begin("测试") as s:
        ms.record_named_votes(s, x, {ids["委员5"]: "for"}, data_dir=village.data_dir)


def _refused(village, m: ms.MeetingInfo, changes: dict, message: str) -> None:
    before_events, before = events(village), get(village, m.id)
    with pytest.raises(FieldError, match=message), village.begin("测试") as s:
        ms.set_attendance(s, m.id, changes, data_dir=village.data_dir)
    after = get(village, m.id)
    assert events(village) == before_events
    assert (after.present, after.quorate) == (before.present, before.quorate)
    assert [(a.status, a.proxy_name, a.proxy_holder_id) for a in after.attendees] == [
        (a.status, a.proxy_name, a.proxy_holder_id) for a in before.attendees]
    assert check_ok(village)


def test_a_fourth_proxy_for_one_holder_is_refused_and_nothing_changes(village):
    allow_proxies(village)
    m = new_meeting(village, "两委联席会议")
    ids = ids_of(m)
    m = mark(village, m.id, {ids["委员1"]: PRESENT, ids["委员2"]: (PROXY, "委员1"), ids["委员3"]: (PROXY, "委员1"),
                             ids["委员4"]: (PROXY, "委员1")})
    assert m.present == 4
    _refused(village, m, {ids["委员5"]: (PROXY, "委员1")}, "委员1已接受 4 份委托.*最多 3 份")


def test_a_proxy_held_by_someone_absent_is_refused_and_nothing_changes(village):
    allow_proxies(village)
    m = new_meeting(village, "两委联席会议")
    ids = ids_of(m)
    m = mark(village, m.id, {ids["委员1"]: "absent", ids["委员6"]: PRESENT})
    _refused(village, m, {ids["委员2"]: (PROXY, "委员1")}, "委员1没有登记为亲自到会")
    _refused(village, m, {ids["委员2"]: (PROXY, "镇干部")}, "不是本次会议的组成人员")
    # the holder cannot leave while holding: mark the proxies first
    m = mark(village, m.id, {ids["委员2"]: (PROXY, "委员6")})
    assert m.present == 2
    _refused(village, m, {ids["委员6"]: "leave"}, "委员6没有登记为亲自到会")


def test_a_vote_recomputes_when_a_holder_and_the_proxies_go(village):
    allow_proxies(village)
    m = new_meeting(village, "两委联席会议")
    ids = ids_of(m)
    mark(village, m.id, {ids["委员1"]: PRESENT, ids["委员2"]: PRESENT, ids["委员3"]: PRESENT,
                         ids["委员4"]: (PROXY, "委员1")})
    x = motion(village, m.id)
    with village.begin("测试") as s:
        assert ms.record_vote(s, x, votes_for=4, data_dir=village.data_dir).passed
    # the proxy withdrawn: 3 present, 4 votes no longer fit
    with pytest.raises(FieldError, match="比到会的 3 人还多"), village.begin("测试") as s:
        ms.set_attendance(s, m.id, {ids["委员4"]: "absent"}, data_dir=village.data_dir)


# ---------------------------------------------------------------- probationary party members

def test_probationary_members_attend_the_party_meeting_without_counting(village):
    # 党章 Art. 7: no vote; 支部工作条例 Art. 11: the quorum and the majority are of members with a vote
    with village.read() as s:
        found = membership(s, "党员大会", DAY)
    assert sum(1 for p in found.people if p.member) == 40
    assert [(p.name, p.member, p.role_text) for p in found.people if not p.member] == [
        (f"预备{n}", False, "预备党员") for n in range(1, 6)]

    m = new_meeting(village, "党员大会")
    assert m.members == 40
    observers = [a for a in m.attendees if not a.member]
    assert [(a.name, a.status, a.status_text) for a in observers] == [(f"预备{n}", OBSERVER, "列席") for n in range(1, 6)]
    ids = ids_of(m)
    m = mark(village, m.id, {ids[f"党员{n:02d}"]: PRESENT for n in range(1, 22)})
    assert (m.members, m.present, m.quorate) == (40, 21, True)
    assert "应到 40 人,实到 21 人" in m.quorum.reason
    x = motion(village, m.id)
    with village.begin("测试") as s:
        voted = ms.record_vote(s, x, votes_for=21)
    assert voted.passed  # 21 > 40 / 2; with 45 (the probationary counted) 21 would not even be a quorum (23)
    with pytest.raises(FieldError, match="预备1列席会议,没有表决权"), village.begin("测试") as s:
        ms.record_named_votes(s, x, {ids["预备1"]: "for"})
    assert check_ok(village)


def test_counting_the_probationary_members_would_have_made_it_not_quorate():
    # the same numbers, wrongly counted: 45 members, 21 present, is not 半数以上 (23 needed)
    from app.meetings.rules import evaluate

    assert evaluate("党员大会", members=40, present=21, votes_for=21).passed
    assert not evaluate("党员大会", members=45, present=21, votes_for=21).quorate


def test_the_generated_probationary_rows_do_not_block_generating_the_list_again(village):
    m = new_meeting(village, "党员大会")
    with village.begin("测试") as s:
        again = ms.refill_attendees(s, m.id)
    assert (again.members, sum(1 for a in again.attendees if not a.member)) == (40, 5)


def test_a_resident_cannot_be_both_party_member_and_probationary(village):
    with pytest.raises(FieldError, match="只能选一个") as caught, village.begin("测试") as s:
        ps.add_resident(s, ps.ResidentInput(name="两头", sex="男", birth_date=dt.date(1990, 1, 1), party_member=True,
                                            probationary=True, probation_since=ADMITTED))
    assert caught.value.field == "probationary"
    with pytest.raises(FieldError, match="只有预备党员才填写"), village.begin("测试") as s:
        ps.add_resident(s, ps.ResidentInput(name="日期", sex="男", birth_date=dt.date(1990, 1, 1),
                                            probation_since=ADMITTED))
    with village.begin("测试") as s:
        row = ps.update_resident(s, village.ids["预备1"], ps.ResidentInput(
            name="预备1", sex="男", birth_date=dt.date(1970, 1, 1), group_id=village.ids["二组"], party_member=True))
    assert (row.party_member, row.probationary, row.probation_since) == (True, False, None)  # 转正 recorded


def test_probations_due_lists_the_year_ending_within_thirty_days_and_those_past(village):
    # 党章 Art. 7: the probation is one year from the day the branch meeting admitted them
    with village.read() as s:
        assert [p.name for p in ps.probations_due(s, dt.date(2026, 12, 10))] == []
        soon = ps.probations_due(s, dt.date(2026, 12, 11))
        assert [(p.name, p.ends, p.days_left) for p in soon][:1] == [("预备1", dt.date(2027, 1, 10), 30)]
        past = ps.probations_due(s, dt.date(2027, 1, 11))
    assert len(soon) == 5 and all(p.ended for p in past) and past[0].days_left == -1


def test_a_member_admitted_after_the_meeting_day_is_not_on_its_list(village):
    with village.read() as s:
        before = membership(s, "党员大会", ADMITTED - dt.timedelta(days=1))
        on_the_day = membership(s, "党员大会", ADMITTED)
    assert [p.name for p in before.people if not p.member] == []
    assert len([p for p in on_the_day.people if not p.member]) == 5


# ---------------------------------------------------------------- printed: the minutes and the sign-in sheet

def _pdf_text(path: Path) -> str:
    import subprocess

    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, encoding="utf-8",
                         check=True).stdout
    return "".join(out.split())


def test_printed_minutes_show_a_written_proxy_as_not_counted_with_its_article(village, tmp_path):
    from app.meetings.printing import render_minutes
    from app.meetings.printouts import minutes_view

    m = _four_adults_group_meeting(village)
    ids = ids_of(m)
    mark(village, m.id, {ids["甲"]: PRESENT, ids["乙"]: (PROXY, "甲"), ids["丙"]: PRESENT})
    with village.read() as s:
        view = minutes_view(s, m.id, print_date=DAY, data_dir=village.data_dir)
    out = tmp_path / "minutes.pdf"
    render_minutes(view, out)
    text = _pdf_text(out)
    assert "书面委托(不计入到会人数)" in text and "委托甲" in text
    assert "另有书面委托1份,已登记。书面委托不计入到会人数,也不能代为表决" in text
    assert "《村民委员会组织法》第二十八条只计算亲自参加会议的人" in text
    assert "实到2人" in text


def test_printed_minutes_and_sign_in_sheet_show_probationary_members_as_attending_without_a_vote(village, tmp_path):
    from app.meetings.printing import render_minutes
    from app.meetings.printouts import minutes_view, signin_view
    from app.meetings.signin_sheet import render_signin_sheet

    m = new_meeting(village, "党员大会")
    ids = ids_of(m)
    mark(village, m.id, {ids[f"党员{n:02d}"]: PRESENT for n in range(1, 22)})
    with village.read() as s:
        minutes = minutes_view(s, m.id, print_date=DAY, data_dir=village.data_dir)
        sheet = signin_view(s, m.id, print_date=DAY)
    out = tmp_path / "minutes.pdf"
    render_minutes(minutes, out)
    text = _pdf_text(out)
    assert "应到40人" in text and "实到21人" in text
    assert "预备党员5人列席,没有表决权,不计入应到人数和表决人数(《中国共产党章程》第七条)" in text
    assert text.count("列席(预备党员,没有表决权)") == 5  # each row of the attendance table
    signin = tmp_path / "signin.pdf"
    render_signin_sheet(sheet, signin)
    signed = _pdf_text(signin)
    assert "列席人员(无表决权,不计入应到人数)(共5人)" in signed
    assert "预备3预备党员" in signed


def test_the_cli_lists_probations_due_and_prints_minutes_with_the_village_rule(village, capsys, tmp_path):
    import json

    from app.cli import main

    admitted = dt.date.today() - dt.timedelta(days=350)
    with village.begin("测试") as s:
        ps.update_resident(s, village.ids["预备2"], ps.ResidentInput(
            name="预备2", sex="男", birth_date=dt.date(1970, 1, 1), group_id=village.ids["二组"], probationary=True,
            probation_since=admitted))
    assert main(["--data-dir", str(village.data_dir), "meeting", "probation", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["since"], r["ended"]) for r in rows] == [("预备2", admitted.isoformat(), False)]
    assert main(["--data-dir", str(village.data_dir), "meeting", "probation"]) == 0
    assert "须经党员大会讨论通过" in capsys.readouterr().out

    # a joint committees' meeting whose village rule counts proxies: the printed minutes say 委托出席, counted
    allow_proxies(village)
    m = new_meeting(village, "两委联席会议")
    ids = ids_of(m)
    mark(village, m.id, {ids["委员1"]: PRESENT, ids["委员2"]: (PROXY, "委员1")})
    out = tmp_path / "joint.pdf"
    assert main(["--data-dir", str(village.data_dir), "meeting", "print", str(m.id), "-o", str(out)]) == 0
    text = _pdf_text(out)
    assert "委托出席" in text and "不计入到会人数" not in text and "实到2人" in text
