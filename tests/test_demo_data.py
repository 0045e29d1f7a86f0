"""The demo village must look like a real one to every screen that shows it."""

from __future__ import annotations

import copy
import random
import re
import time
from collections import Counter
from datetime import date

import pytest

from app.demo_data import (
    BODY_BRANCH,
    BODY_COMMITTEE,
    BODY_GROUP,
    BODY_REPRESENTATIVES,
    BODY_SUPERVISION,
    DemoPerson,
    DemoVillage,
    UnknownDemoSizeError,
    generate_village,
    pick_roles,
)
from conftest import with_check_digit

TODAY = date(2026, 6, 30)
RELATIONS = {"户主", "配偶", "子", "女", "孙子", "孙女", "父亲", "母亲", "儿媳", "女婿"}
MOBILE = re.compile(r"^1(3\d|5[0-35-9]|8\d|9[0-35-9])\d{8}$")


def gb11643_check(first17: str) -> str:
    return with_check_digit(first17)[17]


def uscc_check(first17: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * (3 ** i % 31) for i, c in enumerate(first17))
    return alphabet[(31 - total % 31) % 31]


def age(person: DemoPerson, today: date = TODAY) -> int:
    b = person.birth_date
    return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def everyone(village: DemoVillage) -> list[DemoPerson]:
    return [p for h in village.households for p in h.members]


def surname(name: str) -> str:
    return name[:2] if name[:2] in ("欧阳", "司马", "诸葛") else name[0]


@pytest.fixture(scope="module")
def small() -> DemoVillage:
    return generate_village("small", seed=2026, today=TODAY)


@pytest.fixture(scope="module")
def large() -> DemoVillage:
    started = time.perf_counter()
    village = generate_village("large", seed=7, today=TODAY)
    village.seconds = time.perf_counter() - started  # type: ignore[attr-defined]
    return village


def test_small_village_has_about_two_thousand_residents(small: DemoVillage) -> None:
    assert 1800 <= len(everyone(small)) <= 2200


def test_large_village_has_about_twenty_thousand_residents_and_is_quick(large: DemoVillage) -> None:
    assert 18000 <= len(everyone(large)) <= 22000
    assert large.seconds < 3.0  # type: ignore[attr-defined]


def test_every_id_number_is_valid_unique_and_matches_birth_and_sex(large: DemoVillage) -> None:
    numbers = [p.id_number for p in everyone(large) if p.id_number is not None]
    assert len(numbers) == len(set(numbers))
    for p in everyone(large):
        if p.id_number is None:
            continue
        assert re.fullmatch(r"\d{17}[\dX]", p.id_number), p.id_number
        assert p.id_number[17] == gb11643_check(p.id_number[:17]), p.id_number
        assert p.id_number[6:14] == p.birth_date.strftime("%Y%m%d"), p
        assert (int(p.id_number[16]) % 2 == 1) == (p.sex == "男"), p


def test_most_residents_were_born_in_the_county_and_some_married_in(small: DemoVillage) -> None:
    areas = Counter(p.id_number[:6] for p in everyone(small) if p.id_number)
    local = areas[small.area_code] / sum(areas.values())
    assert 0.8 < local < 0.99
    assert re.fullmatch(r"[1-6]\d{5}", small.area_code)


def test_only_babies_lack_an_id_number_and_at_least_one_does(small: DemoVillage) -> None:
    missing = [p for p in everyone(small) if p.id_number is None]
    assert missing
    assert all(age(p) == 0 for p in missing)


def test_village_code_is_a_valid_unified_social_credit_code(small: DemoVillage) -> None:
    code = small.code
    assert re.fullmatch(r"[0-9A-HJ-NPQRTUWXY]{18}", code), code
    assert code[2:8] == small.area_code
    assert code[17] == uscc_check(code[:17])


def test_eight_groups_and_every_household_belongs_to_one(small: DemoVillage) -> None:
    assert small.groups == ["第一村民小组", "第二村民小组", "第三村民小组", "第四村民小组",
                            "第五村民小组", "第六村民小组", "第七村民小组", "第八村民小组"]
    used = Counter(h.group_index for h in small.households)
    assert sorted(used) == list(range(8))
    for h in small.households:
        assert h.address.startswith(small.name + small.groups[h.group_index])
        assert h.address.endswith("号")


def test_household_numbers_are_sequential_and_zero_padded(small: DemoVillage) -> None:
    numbers = [h.number for h in small.households]
    assert numbers[0] == "0001"
    assert numbers == [f"{i:04d}" for i in range(1, len(numbers) + 1)]


def test_every_household_has_exactly_one_head_listed_first(large: DemoVillage) -> None:
    for h in large.households:
        assert 1 <= len(h.members) <= 7
        assert h.members[0].relation == "户主"
        assert [p.relation for p in h.members].count("户主") == 1
        assert {p.relation for p in h.members} <= RELATIONS


def test_family_structure_is_consistent(large: DemoVillage) -> None:
    male = {"子", "孙子", "父亲", "女婿"}
    female = {"女", "孙女", "母亲", "儿媳"}
    for h in large.households:
        head = h.members[0]
        for p in h.members[1:]:
            if p.relation in male:
                assert p.sex == "男", p
            if p.relation in female:
                assert p.sex == "女", p
            if p.relation == "配偶":
                assert p.sex != head.sex and abs(age(p) - age(head)) <= 8, (head, p)
            if p.relation in ("子", "女"):
                assert 16 <= age(head) - age(p) <= 50, (head, p)
                if head.sex == "男":
                    assert surname(p.name) == surname(head.name), (head, p)
            if p.relation in ("孙子", "孙女"):
                assert age(head) - age(p) >= 32, (head, p)
            if p.relation in ("父亲", "母亲"):
                assert age(p) - age(head) >= 16, (head, p)


def test_heads_are_mostly_men_and_household_sizes_are_rural(large: DemoVillage) -> None:
    heads = [h.members[0] for h in large.households]
    assert 0.05 < sum(p.sex == "女" for p in heads) / len(heads) < 0.25
    mean = len(everyone(large)) / len(large.households)
    assert 2.5 < mean < 4.0


def test_age_profile_has_many_old_and_fewer_young_adults(large: DemoVillage) -> None:
    ages = [age(p) for p in everyone(large)]
    over_60 = sum(a >= 60 for a in ages) / len(ages)
    young = sum(20 <= a < 30 for a in ages)
    middle = sum(40 <= a < 50 for a in ages)
    assert over_60 > 0.2
    assert young < middle
    assert max(ages) < 100


def test_names_use_common_surnames_and_a_few_rare_characters(large: DemoVillage) -> None:
    names = [p.name for p in everyone(large)]
    assert all(2 <= len(n) <= 4 for n in names)
    top = Counter(surname(n) for n in names).most_common(10)
    assert {"王", "李", "张", "刘"} & {s for s, _count in top}
    rare = [n for n in names if any(ord(c) > 0xFFFF or 0x3400 <= ord(c) <= 0x4DBF for c in n)]
    assert rare
    assert len(rare) / len(names) < 0.01


def test_small_village_also_has_extension_a_and_beyond_bmp_names(small: DemoVillage) -> None:
    chars = [ord(c) for p in everyone(small) for c in p.name]
    assert any(0x3400 <= cp <= 0x4DBF for cp in chars)
    assert any(cp > 0xFFFF for cp in chars)


def test_phones_only_for_adults_and_valid(large: DemoVillage) -> None:
    adults = [p for p in everyone(large) if age(p) >= 18]
    for p in everyone(large):
        if age(p) < 18:
            assert p.phone == ""
        elif p.phone:
            assert MOBILE.match(p.phone), p.phone
    without = sum(not p.phone for p in adults) / len(adults)
    assert 0.1 < without < 0.3
    phones = [p.phone for p in adults if p.phone]
    assert len(phones) == len(set(phones))


def test_party_members_are_few_mostly_men_and_mostly_middle_aged(large: DemoVillage) -> None:
    adults = [p for p in everyone(large) if age(p) >= 18]
    members = [p for p in adults if p.party_member]
    assert 0.04 < len(members) / len(adults) < 0.10
    assert sum(p.sex == "男" for p in members) > 2 * sum(p.sex == "女" for p in members)
    assert sum(age(p) >= 35 for p in members) / len(members) > 0.75
    assert not any(p.party_member for p in everyone(large) if age(p) < 18)


def _holder(village: DemoVillage, key: tuple[int, int]) -> DemoPerson:
    return village.households[key[0]].members[key[1]]


@pytest.mark.parametrize("which", ["small", "large"])
def test_every_group_has_one_leader_living_in_it(which: str, request: pytest.FixtureRequest) -> None:
    village: DemoVillage = request.getfixturevalue(which)
    leaders = [r for r in village.roles if r.body == BODY_GROUP]
    assert sorted(r.group_index for r in leaders) == list(range(8))
    for r in leaders:
        assert r.title == "组长"
        assert village.households[r.person[0]].group_index == r.group_index
        assert age(_holder(village, r.person)) >= 18


@pytest.mark.parametrize("which", ["small", "large"])
def test_representatives_follow_article_25(which: str, request: pytest.FixtureRequest) -> None:
    village: DemoVillage = request.getfixturevalue(which)
    reps = [r for r in village.roles if r.body == BODY_REPRESENTATIVES]
    people = [_holder(village, r.person) for r in reps]
    assert sum(p.sex == "女" for p in people) * 3 >= len(people)
    assert len({r.person for r in reps}) == len(reps)
    for g in range(8):
        households = sum(h.group_index == g for h in village.households)
        in_group = [r for r in reps if r.group_index == g]
        assert 5 <= households / len(in_group) <= 15
        assert all(village.households[r.person[0]].group_index == g for r in in_group)
    flagged = {(hi, mi) for hi, h in enumerate(village.households)
               for mi, p in enumerate(h.members) if p.representative}
    assert flagged == {r.person for r in reps}
    assert all(age(p) >= 18 for p in people)


def test_committees_are_staffed_and_supervisors_are_independent(small: DemoVillage) -> None:
    by = Counter((r.body, r.title) for r in small.roles)
    assert by[(BODY_BRANCH, "书记")] == 1
    assert 2 <= by[(BODY_BRANCH, "委员")] <= 3
    assert by[(BODY_COMMITTEE, "主任")] == 1
    assert by[(BODY_COMMITTEE, "副主任")] == 1
    assert 2 <= by[(BODY_COMMITTEE, "委员")] <= 3
    assert by[(BODY_SUPERVISION, "主任")] == 1
    assert by[(BODY_SUPERVISION, "委员")] == 2
    branch = [_holder(small, r.person) for r in small.roles if r.body == BODY_BRANCH]
    assert all(p.party_member for p in branch)
    committee = {r.person for r in small.roles if r.body == BODY_COMMITTEE}
    supervision = {r.person for r in small.roles if r.body == BODY_SUPERVISION}
    assert len(committee) >= 4 and len(supervision) == 3
    assert not committee & supervision
    # Art. 32: not even close relatives, so never from a committee member's household.
    assert not {k[0] for k in committee} & {k[0] for k in supervision}
    assert any(_holder(small, k).sex == "女" for k in committee)
    assert all(age(_holder(small, k)) >= 18 for k in committee | supervision)


def test_supervisors_never_come_from_a_committee_members_household(small: DemoVillage) -> None:
    # A crowded hamlet of three households per group makes a slip likely to show.
    hamlet = [h for g in range(8) for h in [h for h in small.households if h.group_index == g][:3]]
    for seed in range(10):
        households = copy.deepcopy(hamlet)
        roles = pick_roles(random.Random(seed), households, today=TODAY)
        committee = {r.person[0] for r in roles if r.body == BODY_COMMITTEE}
        supervision = {r.person[0] for r in roles if r.body == BODY_SUPERVISION}
        assert len(supervision) >= 1 and not committee & supervision, seed


def test_one_person_often_holds_both_top_posts_across_seeds() -> None:
    both = 0
    for seed in range(12):
        village = generate_village("small", seed=seed, today=TODAY)
        secretary = next(r.person for r in village.roles if r.body == BODY_BRANCH and r.title == "书记")
        director = next(r.person for r in village.roles if r.body == BODY_COMMITTEE and r.title == "主任")
        both += secretary == director
    assert 6 <= both <= 12


def test_terms_are_five_years_and_current(small: DemoVillage) -> None:
    for r in small.roles:
        assert r.term_start <= TODAY < r.term_end
        assert r.term_end.year - r.term_start.year == 5
        assert (r.term_end.month, r.term_end.day) == (r.term_start.month, r.term_start.day)
        assert r.term_start.year in (2021, 2026)
        assert r.group_index is None or 0 <= r.group_index < 8


def test_same_seed_and_day_give_the_same_village(small: DemoVillage) -> None:
    assert generate_village("small", seed=2026, today=TODAY) == small


def test_different_seeds_give_different_villages(small: DemoVillage) -> None:
    other = generate_village("small", seed=2027, today=TODAY)
    assert [p.id_number for p in everyone(other)][:50] != [p.id_number for p in everyone(small)][:50]
    assert other.code != small.code


def test_works_on_a_leap_day_and_by_default_today() -> None:
    leap = date(2028, 2, 29)
    village = generate_village("small", seed=3, today=leap)
    assert all(age(p, leap) >= 0 for p in everyone(village))
    assert generate_village("small", seed=3).households


def test_unknown_size_is_refused_with_a_chinese_message() -> None:
    with pytest.raises(UnknownDemoSizeError, match="small"):
        generate_village("huge")
    with pytest.raises(UnknownDemoSizeError, match="演示村"):
        generate_village("huge")
