"""Quorum and votes of every meeting kind, at the exact boundaries the law draws.

村民委员会组织法 Art. 22 (村民会议), Art. 26 (村民代表会议), Art. 28 (村民小组会议);
中国共产党支部工作条例(试行) Art. 11 (党员大会); the other kinds follow the village's
settings. Civil Code Art. 1259: 过半数 excludes half, 三分之二以上 includes two thirds.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.meetings.kinds import MeetingKind, UnknownKind, parse_kind
from app.meetings.rules import DEFAULT_SETTINGS, evaluate, is_statutory, rule_for

V, R, G, P = MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES, MeetingKind.GROUP, MeetingKind.PARTY
BRANCH, JOINT, SUPERVISION, CONSULT = (MeetingKind.BRANCH_COMMITTEE, MeetingKind.JOINT_COMMITTEES,
                                       MeetingKind.SUPERVISION, MeetingKind.CONSULTATION)


def chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


# ---------------------------------------------------------------- Art. 22: 村民会议

@pytest.mark.parametrize("present, quorate", [(49, False), (50, False), (51, True), (100, True)])
def test_art22_villagers_meeting_needs_more_than_half_of_the_adults(present, quorate):
    """第二十二条: 过半数 of 100 adults is 51; exactly half (50) is not enough."""
    v = evaluate(V, members=100, present=present, votes_for=0)
    assert v.quorate is quorate
    assert v.quorum_needed == 51


@pytest.mark.parametrize("members, present, quorate", [(7, 3, False), (7, 4, True), (1, 1, True), (2, 1, False)])
def test_art22_odd_and_tiny_villages(members, present, quorate):
    assert evaluate(V, members=members, present=present, votes_for=0).quorate is quorate


@pytest.mark.parametrize("votes_for, passed", [(25, False), (30, False), (31, True), (60, True)])
def test_art22_decision_needs_more_than_half_of_those_present(votes_for, passed):
    """第二十二条: 60 present, 30 for is exactly half and fails; 31 passes."""
    v = evaluate(V, members=100, present=60, votes_for=votes_for, votes_against=60 - votes_for)
    assert v.quorate and v.passed is passed
    assert v.votes_needed == 31
    assert ("未通过" in v.reason) is not passed
    assert "通过" in v.reason and "第二十二条" in v.reason


def test_art22_households_path_passes_when_the_people_path_fails():
    """第二十二条: 40 of 100 adults is too few, but 20 of 30 households (exactly two thirds) is enough."""
    v = evaluate(V, members=100, present=40, votes_for=21, households=30, households_represented=20)
    assert v.quorate and v.passed
    assert v.households_needed == 20
    assert "30 户" in v.reason and "20 户" in v.reason
    # one household fewer and the meeting cannot decide anything
    v = evaluate(V, members=100, present=40, votes_for=40, households=30, households_represented=19)
    assert not v.quorate and not v.passed
    assert "不足法定人数" in v.reason and "未通过" in v.reason


def test_art22_people_path_passes_when_the_households_path_fails():
    v = evaluate(V, members=100, present=51, votes_for=26, households=60, households_represented=30)
    assert v.quorate and v.passed
    assert v.households_needed == 40


def test_art22_both_paths_met_and_both_missed():
    both = evaluate(V, members=90, present=60, votes_for=31, households=30, households_represented=25)
    neither = evaluate(V, members=90, present=45, votes_for=45, households=30, households_represented=19)
    assert both.quorate and both.passed
    assert not neither.quorate and not neither.passed


def test_art22_the_vote_counts_against_the_people_present_even_on_the_households_path():
    """第二十二条: 40 people came for 20 households; 20 for is half of 40 and fails, 21 passes."""
    assert not evaluate(V, members=100, present=40, votes_for=20, households=30, households_represented=20).passed
    assert evaluate(V, members=100, present=40, votes_for=21, households=30, households_represented=20).passed


# ---------------------------------------------------------------- Art. 26: 村民代表会议

@pytest.mark.parametrize("members, present, quorate", [
    (39, 25, False), (39, 26, True), (39, 27, True),  # 26 of 39 is exactly two thirds: 三分之二以上
    (40, 26, False), (40, 27, True),  # 26 of 40 is not
    (30, 19, False), (30, 20, True), (30, 21, True)])
def test_art26_representatives_meeting_needs_two_thirds_or_more(members, present, quorate):
    """第二十六条: 三分之二以上 includes two thirds exactly, on integers (26/39 as a float is a hair under 2/3)."""
    assert evaluate(R, members=members, present=present, votes_for=0).quorate is quorate


@pytest.mark.parametrize("votes_for, passed", [(12, False), (13, False), (14, True)])
def test_art26_decision_more_than_half_of_those_present(votes_for, passed):
    v = evaluate(R, members=39, present=26, votes_for=votes_for, abstentions=26 - votes_for)
    assert v.passed is passed
    assert "第二十六条" in v.reason
    assert ("未通过" in v.reason) is not passed


def test_art26_has_no_households_path():
    with pytest.raises(ValueError, match="不按户计算"):
        evaluate(R, members=39, present=20, votes_for=0, households=30, households_represented=25)


# ---------------------------------------------------------------- Art. 28: 村民小组会议

@pytest.mark.parametrize("present, quorate", [(19, False), (20, True), (21, True)])
def test_art28_group_meeting_two_thirds_of_the_groups_adults(present, quorate):
    """第二十八条: 20 of 30 adults is exactly two thirds and enough; 19 is not."""
    assert evaluate(G, members=30, present=present, votes_for=0).quorate is quorate


@pytest.mark.parametrize("represented, quorate", [(7, False), (8, True), (9, True)])
def test_art28_or_two_thirds_of_the_groups_households(represented, quorate):
    """第二十八条: 8 of 12 households is exactly two thirds; the people path (10 of 30) fails on its own."""
    v = evaluate(G, members=30, present=10, votes_for=6, households=12, households_represented=represented)
    assert v.quorate is quorate
    assert v.passed is quorate
    assert "第二十八条" in v.reason


@pytest.mark.parametrize("votes_for, passed", [(10, False), (11, True)])
def test_art28_decision_more_than_half_of_those_present(votes_for, passed):
    v = evaluate(G, members=30, present=20, votes_for=votes_for, votes_against=20 - votes_for)
    assert v.passed is passed


# ---------------------------------------------------------------- 党员大会: 支部工作条例(试行) Art. 11

@pytest.mark.parametrize("present, quorate", [(19, False), (20, True), (21, True)])
def test_party_members_meeting_half_or_more_present(present, quorate):
    """第十一条: 半数以上 includes exactly half, so 20 of 40 is quorate and 19 is not."""
    assert evaluate(P, members=40, present=present, votes_for=0).quorate is quorate


def test_party_votes_for_must_exceed_half_of_the_members_not_of_those_present():
    """第十一条: 21 of 40 members passes although only 21 came; 20 fails even when all 20 present vote for."""
    v = evaluate(P, members=40, present=21, votes_for=21)
    assert v.passed and v.votes_needed == 21
    assert "应到 40 人" in v.reason and "第十一条" in v.reason
    v = evaluate(P, members=40, present=20, votes_for=20)
    assert v.quorate and not v.passed
    assert v.votes_needed == 21 and "未通过" in v.reason
    v = evaluate(P, members=40, present=40, votes_for=20, votes_against=20)
    assert not v.passed


def test_party_art11_with_an_odd_number_of_members():
    """第十一条: 20 of 41 present is below half; 21 of 41 present can pass only with all 21 for."""
    assert not evaluate(P, members=41, present=20, votes_for=20).quorate
    assert evaluate(P, members=41, present=21, votes_for=21).passed
    assert not evaluate(P, members=41, present=21, votes_for=20, abstentions=1).passed


# ---------------------------------------------------------------- kinds without a statutory rule

def test_the_non_statutory_kinds_are_exactly_the_four_with_default_settings():
    assert {k for k in MeetingKind if not is_statutory(k)} == set(DEFAULT_SETTINGS) == {
        BRANCH, JOINT, SUPERVISION, CONSULT}
    assert all(is_statutory(k) for k in (V, R, G, P))


@pytest.mark.parametrize("kind, members, present, quorate", [
    (BRANCH, 4, 2, True), (BRANCH, 5, 2, False),  # 半数以上
    (JOINT, 4, 2, False), (JOINT, 4, 3, True),  # 过半数
    (SUPERVISION, 3, 1, False), (SUPERVISION, 3, 2, True), (SUPERVISION, 4, 2, False),
    (CONSULT, 10, 5, False), (CONSULT, 10, 6, True)])
def test_default_quorum_of_the_non_statutory_kinds(kind, members, present, quorate):
    assert evaluate(kind, members=members, present=present, votes_for=0).quorate is quorate


def test_default_passing_rules_count_against_members_or_present_as_the_settings_say():
    # 应到过半数: 5 members, 3 present all for passes (3 > 2.5); 4 members, 2 present all for fails
    assert evaluate(BRANCH, members=5, present=3, votes_for=3).passed
    assert not evaluate(BRANCH, members=4, present=2, votes_for=2).passed
    assert not evaluate(JOINT, members=9, present=5, votes_for=4, votes_against=1).passed
    assert evaluate(JOINT, members=9, present=5, votes_for=5).passed
    # 到会过半数: of those present
    assert evaluate(CONSULT, members=10, present=6, votes_for=4).passed
    assert not evaluate(CONSULT, members=10, present=6, votes_for=3, votes_against=3).passed


def test_non_statutory_verdict_says_it_follows_the_villages_own_rule():
    v = evaluate(JOINT, members=9, present=5, votes_for=5)
    assert "本村议事规则" in v.reason and "通过" in v.reason
    assert "组织法" not in v.citation


def test_a_setting_changes_the_verdict_of_a_non_statutory_kind():
    settings = {"rules": {"两委联席会议": {"quorum": "三分之二以上", "pass": "到会过半数"}}}
    strict = rule_for(JOINT, settings)
    # 5 of 9: 过半数 by default, but not 三分之二以上 (6)
    assert evaluate(JOINT, members=9, present=5, votes_for=5).quorate
    v = evaluate(JOINT, members=9, present=5, votes_for=5, rule=strict)
    assert not v.quorate and not v.passed and v.quorum_needed == 6
    # 到会过半数: 4 of 6 present passes although 4 is not more than half of 9 members
    assert not evaluate(JOINT, members=9, present=6, votes_for=4, votes_against=2).passed
    assert evaluate(JOINT, members=9, present=6, votes_for=4, votes_against=2, rule=strict).passed


def test_a_setting_for_one_field_keeps_the_default_of_the_other():
    rule = rule_for(BRANCH, {"rules": {"支部委员会会议": {"quorum": "三分之二以上"}}})
    assert not evaluate(BRANCH, members=6, present=3, votes_for=3, rule=rule).quorate
    # pass stays 应到过半数: 4 of 6 present all for passes, 3 for does not
    assert evaluate(BRANCH, members=6, present=4, votes_for=4, rule=rule).passed
    assert not evaluate(BRANCH, members=6, present=4, votes_for=3, votes_against=1, rule=rule).passed


def test_a_statutory_kind_ignores_a_setting_and_a_rule_passed_in():
    lax = {"rules": {"村民代表会议": {"quorum": "过半数", "pass": "到会过半数"},
                     "两委联席会议": {"quorum": "过半数", "pass": "到会过半数"}}}
    assert rule_for(R, lax) == rule_for(R)
    # 21 of 39 is more than half but not two thirds: the law decides, not the rule handed in
    v = evaluate(R, members=39, present=21, votes_for=21, rule=rule_for(JOINT, lax))
    assert not v.quorate and not v.passed and "第二十六条" in v.reason


def test_an_unreadable_setting_is_refused_with_the_allowed_values():
    with pytest.raises(ValueError) as exc:
        rule_for(JOINT, {"rules": {"两委联席会议": {"quorum": "大多数"}}})
    assert "大多数" in str(exc.value) and "三分之二以上" in str(exc.value)
    with pytest.raises(ValueError) as exc:
        rule_for(CONSULT, {"rules": {"议事协商会议": {"pass": "全票"}}})
    assert "全票" in str(exc.value) and "到会过半数" in str(exc.value)


# ---------------------------------------------------------------- the reason

@pytest.mark.parametrize("kind, article", [(V, "第二十二条"), (R, "第二十六条"), (G, "第二十八条"), (P, "第十一条")])
def test_the_reason_cites_the_article_and_says_passed_or_not(kind, article):
    passed = evaluate(kind, members=30, present=30, votes_for=30)
    failed = evaluate(kind, members=30, present=30, votes_for=10, votes_against=20)
    not_quorate = evaluate(kind, members=30, present=5, votes_for=5)
    for v in (passed, failed, not_quorate):
        assert article in v.reason and article in v.citation
        assert chinese(v.reason)
    assert passed.passed and "通过" in passed.reason and "未通过" not in passed.reason
    assert not failed.passed and "未通过" in failed.reason
    assert not not_quorate.passed and "不足法定人数" in not_quorate.reason and "未通过" in not_quorate.reason


# ---------------------------------------------------------------- impossible numbers

@pytest.mark.parametrize("kwargs, words", [
    (dict(members=10, present=-1, votes_for=0), "负数"),
    (dict(members=-10, present=0, votes_for=0), "负数"),
    (dict(members=10, present=5, votes_for=-1), "负数"),
    (dict(members=10, present=5, votes_for=0, votes_against=-2), "负数"),
    (dict(members=10, present=5, votes_for=0, abstentions=-1), "负数"),
    (dict(members=10, present=5, votes_for=6), "比到会"),
    (dict(members=10, present=5, votes_for=3, votes_against=2, abstentions=1), "合计 6 票"),
    (dict(members=10, present=11, votes_for=0), "比应到"),
    (dict(members=0, present=0, votes_for=0), "应到人数是 0"),
    (dict(members=10.0, present=5, votes_for=0), "整数"),
    (dict(members=10, present="5", votes_for=0), "整数"),
    (dict(members=10, present=5, votes_for=2.5), "整数"),
    (dict(members=10, present=5, votes_for=True), "整数"),
    (dict(members=10, present=None, votes_for=0), "请填写实到人数"),
    (dict(members=None, present=5, votes_for=0), "请填写应到人数"),
])
@pytest.mark.parametrize("kind", list(MeetingKind))
def test_impossible_numbers_are_refused_in_chinese(kind, kwargs, words):
    with pytest.raises(ValueError) as exc:
        evaluate(kind, **kwargs)
    assert words in str(exc.value) and chinese(str(exc.value))


@pytest.mark.parametrize("kind", [V, G])
@pytest.mark.parametrize("households, represented, words", [
    (30, 31, "比总户数"), (30, -1, "负数"), (-30, 0, "负数"), (0, 0, "总户数是 0"), (30, None, "都要填写"),
    (None, 20, "都要填写"), (30, 21, "每户至少要有一人"), (30.0, 20, "整数"), (30, False, "整数")])
def test_impossible_household_numbers_are_refused(kind, households, represented, words):
    with pytest.raises(ValueError) as exc:
        evaluate(kind, members=60, present=20, votes_for=0, households=households,
                 households_represented=represented)
    assert words in str(exc.value)


@pytest.mark.parametrize("kind", [R, P, BRANCH, JOINT, SUPERVISION, CONSULT])
def test_households_path_on_a_kind_without_it_is_refused(kind):
    with pytest.raises(ValueError) as exc:
        evaluate(kind, members=10, present=5, votes_for=0, households=8, households_represented=6)
    assert kind.value in str(exc.value) and "不按户计算到会" in str(exc.value)


# ---------------------------------------------------------------- kinds by name

def test_kinds_are_found_by_their_chinese_name():
    assert parse_kind("村民代表会议") is R and parse_kind(" 党员大会 ") is P and parse_kind(P) is P
    assert evaluate("村民会议", members=3, present=2, votes_for=2).passed


def test_an_unknown_kind_is_refused_with_the_list_of_kinds():
    with pytest.raises(UnknownKind) as exc:
        parse_kind("村民大会")
    message = str(exc.value)
    assert "村民大会" in message and all(k.value in message for k in MeetingKind)
    with pytest.raises(ValueError, match="村民大会"):
        evaluate("村民大会", members=3, present=2, votes_for=2)


# ---------------------------------------------------------------- exact fractions, for any numbers

# the thresholds as the law and DEFAULT_SETTINGS state them, written out independently of rules.py
EXPECTED_QUORUM: dict[MeetingKind, tuple[Fraction, bool]] = {  # (fraction, inclusive)
    V: (Fraction(1, 2), False), R: (Fraction(2, 3), True), G: (Fraction(2, 3), True), P: (Fraction(1, 2), True),
    BRANCH: (Fraction(1, 2), True), JOINT: (Fraction(1, 2), False), SUPERVISION: (Fraction(1, 2), False),
    CONSULT: (Fraction(1, 2), False)}


def _meets(count: int, base: int, fraction: Fraction, inclusive: bool) -> bool:
    share = Fraction(count, base)
    return share >= fraction if inclusive else share > fraction


@st.composite
def attendance(draw):  # type: ignore[no-untyped-def]
    # big numbers too: a float comparison goes wrong long before 10**17 (2/3 is not a float)
    members = draw(st.one_of(st.integers(1, 300), st.integers(1, 10**18)))
    present = draw(st.integers(0, members))
    return members, present


@given(kind=st.sampled_from(list(MeetingKind)), counts=attendance(), data=st.data())
def test_quorate_and_passed_equal_an_exact_fraction_computation(kind, counts, data):
    members, present = counts
    votes_for = data.draw(st.integers(0, present))
    v = evaluate(kind, members=members, present=present, votes_for=votes_for)
    fraction, inclusive = EXPECTED_QUORUM[kind]
    quorate = _meets(present, members, fraction, inclusive)
    assert v.quorate == quorate
    # the passing rules: more than half, of members for 党员大会 and the 应到 defaults, else of those present
    base = members if kind in (P, BRANCH, JOINT, SUPERVISION) else present
    assert v.passed == (quorate and base > 0 and Fraction(votes_for, base) > Fraction(1, 2))
    # the numbers "needed" are the smallest that meet the thresholds
    assert _meets(v.quorum_needed, members, fraction, inclusive)
    assert not _meets(v.quorum_needed - 1, members, fraction, inclusive)


@given(counts=attendance(), households=st.integers(1, 10**12), data=st.data())
def test_households_path_equals_an_exact_two_thirds(counts, households, data):
    members, present = counts
    represented = data.draw(st.integers(0, min(households, present)))
    for kind in (V, G):
        v = evaluate(kind, members=members, present=present, votes_for=0, households=households,
                     households_represented=represented)
        fraction, inclusive = EXPECTED_QUORUM[kind]
        by_households = Fraction(represented, households) >= Fraction(2, 3)
        assert v.quorate == (_meets(present, members, fraction, inclusive) or by_households)
