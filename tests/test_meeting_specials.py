"""Special majorities: decisions whose statute sets its own threshold (Organic Law Art. 22: 法律……另有规定的,依照其规定).

《农村土地承包法》(2018修正) 第五十二条 (contracting collective land to anyone outside the collective) and
第二十八条 (adjusting contracted land between households within the term) need the consent of 三分之二以上成员 of
the villagers' meeting or 三分之二以上村民代表: the base is every member of the meeting, not those present, and
以上 includes exactly two thirds (Civil Code Art. 1259). The quorum stays the meeting's own (Organic Law Art. 22 for
the villagers' meeting, Art. 26 for the representatives' meeting).
"""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest

from app.meetings import service as ms
from app.meetings.kinds import MeetingKind
from app.meetings.rules import RuleError, evaluate
from app.meetings.specials import catalogue, check, for_kind, lookup
from app.people.service import FieldError

DAY = dt.date(2026, 10, 12)
ART_52, ART_28 = "TDCB-52", "TDCB-28"
BOTH = [ART_52, ART_28]


# ---------------------------------------------------------------- the catalogue: data with its article

def test_each_special_decision_quotes_its_article_and_counts_all_members():
    specials = {s.code: s for s in catalogue()}
    assert set(specials) == set(BOTH)
    assert specials[ART_52].article == "第五十二条" and specials[ART_28].article == "第二十八条"
    for s in specials.values():
        assert s.code.isascii() and len(s.code) <= 32  # stored in motions.special, String(32)
        assert s.statute == "《中华人民共和国农村土地承包法》(2018修正)"
        assert "村民会议三分之二以上成员或者三分之二以上村民代表的同意" in s.quoted
        assert s.kinds == (MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES)
        assert (s.threshold.num, s.threshold.den, s.threshold.inclusive) == (2, 3, True)
        assert "应到" in s.rule_text
    assert specials[ART_52].quoted.startswith("发包方将农村土地发包给本集体经济组织以外的单位或者个人承包")
    assert "个别农户之间承包的耕地和草地" in specials[ART_28].quoted


def test_a_code_is_found_whatever_its_case_and_an_unknown_one_lists_the_codes():
    assert lookup(" tdcb-52 ").code == ART_52
    with pytest.raises(RuleError, match="TDCB-52、TDCB-28"):
        lookup("TDCB-99")


def test_only_the_villagers_and_the_representatives_meeting_take_these_decisions():
    assert [s.code for s in for_kind("村民会议")] == BOTH
    assert [s.code for s in for_kind("村民代表会议")] == BOTH
    for kind in ("村民小组会议", "党员大会", "支部委员会会议", "两委联席会议", "村务监督委员会会议", "议事协商会议"):
        assert for_kind(kind) == []
    assert check("村民会议", None) is None and check("村民会议", "  ") is None  # an ordinary motion


# ---------------------------------------------------------------- the rules

@pytest.mark.parametrize("code", BOTH)
@pytest.mark.parametrize("members,present,needed", [(300, 200, 200), (300, 300, 200), (31, 25, 21), (4, 3, 3)])
def test_villagers_meeting_needs_two_thirds_of_all_adults(code, members, present, needed):
    """Art. 52/28: 村民会议三分之二以上成员 — exactly two thirds of the adults passes, one vote fewer does not."""
    at = evaluate("村民会议", members=members, present=present, votes_for=needed, special=code)
    below = evaluate("村民会议", members=members, present=present, votes_for=needed - 1, special=code)
    assert at.quorate and at.passed and at.votes_needed == needed
    assert below.quorate and not below.passed and below.votes_needed == needed


@pytest.mark.parametrize("code", BOTH)
@pytest.mark.parametrize("members,present,needed", [(30, 20, 20), (30, 30, 20), (31, 21, 21), (29, 25, 20)])
def test_representatives_meeting_needs_two_thirds_of_all_its_members(code, members, present, needed):
    """Art. 52/28: 三分之二以上村民代表 — of all members of the representatives' meeting, not of those present."""
    at = evaluate("村民代表会议", members=members, present=present, votes_for=needed, special=code)
    below = evaluate("村民代表会议", members=members, present=present, votes_for=needed - 1, special=code)
    assert at.quorate and at.passed
    assert not below.passed
    assert "第二十六条" in at.reason  # the quorum is still Art. 26's


def test_300_adults_200_present_101_for_passes_ordinarily_but_not_under_article_52():
    ordinary = evaluate("村民会议", members=300, present=200, votes_for=101)
    special = evaluate("村民会议", members=300, present=200, votes_for=101, special=ART_52)
    enough = evaluate("村民会议", members=300, present=200, votes_for=200, special=ART_52)
    assert ordinary.passed and ordinary.votes_needed == 101  # Art. 22: more than half of the 200 present
    assert special.quorate and not special.passed and special.votes_needed == 200
    assert enough.passed
    # the reason names the rule and cites both articles: the quorum's and the special one's
    assert "将集体土地发包给本集体经济组织以外的单位或者个人" in special.reason
    assert "《中华人民共和国农村土地承包法》(2018修正)第五十二条" in special.reason
    assert "《村民委员会组织法》第二十二条" in special.reason
    assert "至少 200 票" in special.reason and "未通过" in special.vote_reason
    assert special.special == ART_52 and special.special_citation.endswith("第五十二条")
    assert ordinary.special == "" and "土地承包法" not in ordinary.reason


def test_representatives_30_members_20_for_passes_19_does_not():
    assert evaluate("村民代表会议", members=30, present=25, votes_for=20, special=ART_28).passed
    v = evaluate("村民代表会议", members=30, present=25, votes_for=19, special=ART_28)
    assert not v.passed and evaluate("村民代表会议", members=30, present=25, votes_for=19).passed
    assert "第二十八条" in v.reason and "第二十六条" in v.reason


def test_the_ordinary_quorum_still_applies():
    """Organic Law Art. 22: without more than half of the adults (or two thirds of the households) nothing is decided."""
    v = evaluate("村民会议", members=300, present=150, votes_for=150, special=ART_52)
    assert not v.quorate and not v.passed and "不足法定人数" in v.reason and "第五十二条" in v.reason
    by_households = evaluate("村民会议", members=300, present=200, votes_for=200, households=90,
                             households_represented=60, special=ART_52)
    assert by_households.quorate and by_households.passed


@pytest.mark.parametrize("kind", ["村民小组会议", "党员大会", "支部委员会会议", "两委联席会议", "村务监督委员会会议",
                                  "议事协商会议"])
def test_a_special_decision_at_a_kind_that_cannot_take_it_is_refused(kind):
    with pytest.raises(RuleError, match="只能由村民会议或村民代表会议决定"):
        evaluate(kind, members=30, present=30, votes_for=30, special=ART_52)


# ---------------------------------------------------------------- the service: marked, voted, kept, recomputed

def villagers_meeting(store, extra: int = 6) -> int:
    """The template village's three adults and ``extra`` more on the list: a villagers' meeting of 3 + extra."""
    with store.begin("测试") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind="村民会议", title="村东荒坡发包村民会议", date=DAY,
                                                 place="村委会会议室", chair="张三", recorder="李四",
                                                 agenda_text="村东荒坡对外发包"))
        for n in range(extra):
            ms.add_attendee(s, m.id, name="村民{n}".format(n=n + 1))
        return m.id


def test_a_motion_marked_special_keeps_its_verdict_under_article_52(store):
    mid = villagers_meeting(store)  # 9 members: Art. 52 needs 6 votes for
    with store.begin("测试") as s:
        ms.set_counts(s, mid, present=7)
        m = ms.get_meeting(s, mid)
        x = ms.add_motion(s, mid, text="同意将村东荒坡 40 亩发包给县林果公司", agenda_item_id=m.agenda[0].id,
                          special="tdcb-52")
        assert x.special == ART_52
        voted = ms.record_vote(s, x.id, votes_for=5, votes_against=2)
    assert not voted.passed  # 5 of 7 present is a majority (Art. 22), not two thirds of the 9 members
    assert "第五十二条" in voted.verdict and "至少 6 票" in voted.verdict
    with store.read() as s:
        (kept,) = ms.get_meeting(s, mid).motion_list
    assert kept.special == ART_52 and not kept.passed and kept.verdict == voted.verdict
    assert kept.special_rule is not None and kept.special_rule.article == "第五十二条"

    # marked ordinary again, the same votes pass; marked special again, they do not
    with store.begin("测试") as s:
        assert ms.update_motion(s, x.id, text=x.text, special=None).passed
        again = ms.update_motion(s, x.id, text=x.text, special=ART_52)
        assert not again.passed
        kept_text = ms.update_motion(s, x.id, text=x.text + "(修改)")  # the special mark is kept when not given
        assert kept_text.special == ART_52

    # 6 votes for pass; one more adult on the list (10 members needs 7) and the verdict is recomputed
    with store.begin("测试") as s:
        assert ms.record_vote(s, x.id, votes_for=6, votes_against=1).passed
        ms.add_attendee(s, mid, name="村民补录")
        (after,) = ms.get_meeting(s, mid).motion_list
    assert not after.passed and "应到 10 人" in after.verdict and "至少 7 票" in after.verdict


def test_attendance_counted_again_recomputes_a_special_verdict(store):
    mid = villagers_meeting(store)
    with store.begin("测试") as s:
        ms.set_counts(s, mid, present=7)
        x = ms.add_motion(s, mid, text="同意调整第二村民小组两户之间的承包地", special=ART_28)
        assert ms.record_vote(s, x.id, votes_for=6).passed
        ms.set_counts(s, mid, present=6)  # still quorate (more than 4.5), still 6 of 9
        (same,) = ms.get_meeting(s, mid).motion_list
        assert same.passed
    with pytest.raises(FieldError), store.begin("测试") as s:
        ms.set_counts(s, mid, present=4)  # fewer present than votes recorded: refused, nothing changes
    with store.read() as s:
        (kept,) = ms.get_meeting(s, mid).motion_list
    assert kept.passed


def test_a_special_code_the_kind_cannot_take_or_an_unknown_one_is_refused_and_nothing_is_added(store):
    with store.begin("测试") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind="党员大会", title="党员大会", date=DAY, chair="张三",
                                                 recorder="李四"))
    with pytest.raises(FieldError, match="只能由村民会议或村民代表会议决定"), store.begin("测试") as s:
        ms.add_motion(s, m.id, text="同意发包村东荒坡", special=ART_52)
    mid = villagers_meeting(store, extra=0)
    with pytest.raises(FieldError, match="可用的代码"), store.begin("测试") as s:
        ms.add_motion(s, mid, text="同意发包村东荒坡", special="TDCB-1")
    with store.read() as s:
        assert ms.get_meeting(s, m.id).motion_list == [] and ms.get_meeting(s, mid).motion_list == []


def test_a_meeting_with_a_special_motion_cannot_become_a_kind_that_cannot_take_it(store):
    mid = villagers_meeting(store, extra=0)
    with store.begin("测试") as s:
        ms.add_motion(s, mid, text="同意发包村东荒坡", special=ART_52)
    with pytest.raises(FieldError, match="只能由"), store.begin("测试") as s:
        ms.update_meeting(s, mid, ms.MeetingInput(kind="党员大会", title="村东荒坡发包", date=DAY))
    with store.begin("测试") as s:  # the representatives' meeting can take it
        assert ms.update_meeting(s, mid, ms.MeetingInput(kind="村民代表会议", title="村东荒坡发包", date=DAY,
                                                         chair="张三", recorder="李四")).kind == "村民代表会议"


def test_closed_minutes_keep_the_special_verdict_and_refuse_a_change(store, tmp_path):
    from app.meetings import printing, printouts

    mid = villagers_meeting(store)
    with store.begin("测试") as s:
        ms.set_counts(s, mid, present=7)
        x = ms.add_motion(s, mid, text="同意将村东荒坡 40 亩发包给县林果公司", special=ART_52)
        ms.record_vote(s, x.id, votes_for=5, votes_against=2)
        ms.close_meeting(s, mid)
    with pytest.raises(ms.MeetingError, match="已经定稿"), store.begin("测试") as s:
        ms.update_motion(s, x.id, text=x.text, special=None)
    with store.read() as s:
        (kept,) = ms.get_meeting(s, mid).motion_list
        view = printouts.minutes_view(s, mid)
        tally = printouts.tally_view(s, mid)
    assert kept.special == ART_52 and not kept.passed
    # the printed minutes and the tally sheet show the special rule with its article
    out = tmp_path / "会议记录.pdf"
    printing.render_minutes(view, out)
    text = "".join(pdf_text(out).split())
    assert "表决事项类别:将集体土地发包给本集体经济组织以外的单位或者个人" in text
    assert "须经应到9人的三分之二以上同意(至少6票" in text and "第五十二条" in text
    sheet = tmp_path / "计票单.pdf"
    printing.render_tally_sheet(tally, sheet)
    assert "第五十二条" in "".join(pdf_text(sheet).split())


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ---------------------------------------------------------------- the demo village

def test_the_demo_has_a_special_motion_that_failed_with_a_majority_present_and_one_that_passed(tmp_path):
    """Art. 52 falls short with most of those present for it (two thirds of all representatives needed); Art. 28 passes."""
    from app import demo
    from app.meetings.rules import evaluate as judge
    from app.schema import open_store

    store = open_store(tmp_path / "demo")
    try:
        demo.create_demo(store, size="small", seed=11)
        with store.read() as s:
            meetings = [ms.get_meeting(s, m.id) for m in ms.list_meetings(s)]
    finally:
        store.close()
    special = [(m, x) for m in meetings for x in m.motion_list if x.special]
    failed = [(m, x) for m, x in special if x.special == ART_52 and x.voted and not x.passed]
    passed = [(m, x) for m, x in special if x.special == ART_28 and x.voted and x.passed]
    assert failed and passed
    for m, x in failed:
        assert m.kind == "村民代表会议" and m.closed and m.quorate
        assert judge(m.kind, members=m.members, present=m.present, votes_for=x.votes_for).passed  # ordinary: yes
        assert x.votes_for * 3 < m.members * 2 and "第五十二条" in x.verdict
    for m, x in passed:
        assert x.votes_for * 3 >= m.members * 2 and "第二十八条" in x.verdict
