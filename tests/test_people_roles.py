"""Members of a body in force on a day (app/people/roles.py): the supervision committee that reviews
notices (Organic Law Art. 32), registered with its term."""

from __future__ import annotations

import datetime as dt

import pytest

from app.people.roles import add_member, candidates, members_on, supervision_terms, terms_of
from app.people.service import FieldError, ResidentInput, add_resident

START, END = dt.date(2021, 5, 1), dt.date(2026, 4, 30)


def person(store, name: str, **kw) -> int:
    with store.begin() as s:
        return add_resident(s, ResidentInput(name=name, sex=kw.pop("sex", "女"),
                                             birth_date=kw.pop("birth_date", dt.date(1970, 1, 1)), **kw)).id


def test_a_re_elected_member_is_in_force_in_both_terms_and_not_between(store):
    rid = person(store, "周监督")
    with store.begin() as s:
        add_member(s, resident_id=rid, title="主任", term_start=START, term_end=END)
        add_member(s, resident_id=rid, title="主任", term_start=dt.date(2026, 6, 1))
    with store.read() as s:
        assert [m.name for m in members_on(s, END)] == ["周监督"]
        assert members_on(s, dt.date(2026, 5, 15)) == []  # after one term, before the next election
        assert [m.name for m in members_on(s, dt.date(2030, 1, 1))] == ["周监督"]  # no end: until further notice
        assert len(terms_of(s, "周监督")) == 2 and len(supervision_terms(s)) == 2


def test_an_overlapping_term_is_refused_and_nothing_is_written(store):
    rid = person(store, "周监督")
    with store.begin() as s:
        add_member(s, resident_id=rid, title="委员", term_start=START, term_end=END)
    with store.begin() as s, pytest.raises(FieldError, match="任期 2021-05-01 至 2026-04-30,与这次填写的任期重叠"):
        add_member(s, resident_id=rid, title="主任", term_start=dt.date(2024, 1, 1))
    with store.read() as s:
        assert len(terms_of(s, "周监督")) == 1


@pytest.mark.parametrize("change, words", [
    (dict(term_end=dt.date(2020, 1, 1)), "不能早于开始日期"),
    (dict(title="书记"), "没有“书记”这个职务"),
])
def test_bad_terms_and_titles_are_refused(store, change, words):
    rid = person(store, "周监督")
    args = dict(resident_id=rid, title="委员", term_start=START, term_end=END) | change
    with store.begin() as s, pytest.raises(FieldError, match=words):
        add_member(s, **args)


def test_someone_who_moved_away_cannot_be_registered_nor_chosen(store):
    rid = person(store, "吴外迁", status="moved")
    with store.begin() as s, pytest.raises(FieldError, match="已不在本村名册上"):
        add_member(s, resident_id=rid, title="委员", term_start=START)
    with store.read() as s:
        names = [c.name for c in candidates(s, dt.date(2026, 11, 1))]
    assert "吴外迁" not in names
    assert "张三" in names and "赵𠀀明" not in names  # born 2010: not 18 yet
    with store.read() as s:
        zhang = next(c for c in candidates(s, dt.date(2026, 11, 1)) if c.name == "张三")
    assert zhang.label == "张三(第一村民小组,1960年生)"
