"""Search that understands clerks: 低保 also finds 最低生活保障 and the other way round, in notices, minutes and
the certificate register, and the result says which other words it looked for.

村民委员会组织法 Art. 30 (villagers may inspect what was disclosed) and Art. 34 (the village archive: meeting
minutes, disclosures, certificates kept complete and orderly) need records a clerk can find again; the clerk
types the word used in the office (低保, 五保, 三资), the catalogue and the records say the full word.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from app import demo
from app.certificates.register import RegisterQuery, search_register
from app.cli import main
from app.disclosure import search as notice_search
from app.disclosure.service import NoticeDraft, NoticeQuery, create_notice, list_notices
from app.meetings import search as minutes_search
from app.meetings.service import MeetingQuery, list_meetings
from app.resources import resource_path
from app.schema import open_store
from app.searchtext import also_line, expand, match_expression, synonym_groups


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("synonym-demo") / "demo")
    demo.create_demo(store, size="small", seed=5)
    yield store
    store.close()


def _exact(s, table: str, word: str) -> set[int]:
    """Rows whose index holds exactly ``word`` (no short forms): what the search found before."""
    return {r for (r,) in s.execute(text(f"SELECT rowid FROM {table} WHERE {table} MATCH :q"),
                                    {"q": match_expression(word)})}


def _strings(value) -> list[str]:  # type: ignore[no-untyped-def]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [x for v in value.values() for x in _strings(v)]
    if isinstance(value, list):
        return [x for v in value for x in _strings(v)]
    return []


# ---------------------------------------------------------------- the table itself


def test_every_full_word_is_the_catalogues_or_the_demo_villages_own_and_there_are_at_least_30_groups(demo_store):
    """No invented terms: each group's full word is written in the shipped disclosure catalogue, the certificate
    lists or the accounting categories (resources/catalogues), or in the demo village's notices, minutes and
    certificates."""
    wording = []
    for path in sorted(resource_path("catalogues").rglob("*.json")):
        wording += _strings(json.loads(path.read_text(encoding="utf-8")))
    with demo_store.read() as s:
        for sql in ("SELECT title, body, tables FROM notices", "SELECT title, agenda_text, notes FROM meetings",
                    "SELECT title, discussion FROM agenda_items", "SELECT text, resolution FROM motions",
                    "SELECT kind_name, purpose, body FROM certificates"):
            wording += [str(v) for row in s.execute(text(sql)) for v in row if v]
    corpus = "\n".join(wording)
    groups = synonym_groups()
    assert len(groups) >= 30
    invented = [g.full for g in groups if g.full not in corpus]
    assert invented == []
    assert all(g.short and g.where for g in groups)
    # the short forms the issue names are all there
    for short, full in (("低保", "最低生活保障"), ("五保", "特困供养"), ("筹资筹劳", "一事一议"), ("三资", "集体资产"),
                        ("新农合", "城乡居民医保"), ("房基地", "宅基地"), ("村民公约", "村规民约")):
        assert any(short in g.terms and full in g.terms for g in groups), (short, full)


def test_a_short_form_is_expanded_both_ways_and_an_ordinary_word_is_left_as_typed():
    assert expand("低保").also == ("最低生活保障",)
    assert expand("最低生活保障").also == ("低保",)
    assert expand("五保").also == ("特困供养",)
    assert expand("特困供养").also == ("五保",)
    # a term holding a short form is widened to the full word, never narrowed to the bare short form
    assert "最低生活保障" in expand("低保对象").also and "低保" not in expand("低保对象").also
    # words of a search that have no short form are searched exactly as before
    for typed in ("村道硬化", "路", "张三 2026", ""):
        assert expand(typed).also == ()
        assert expand(typed).expression == match_expression(typed)
    assert also_line(expand("低保").also) == "同时查找了“最低生活保障”"
    assert also_line(()) == ""


# ---------------------------------------------------------------- notices


def test_the_search_boxs_example_低保_finds_the_demo_villages_最低生活保障_notices_and_says_so(demo_store):
    with demo_store.read() as s:
        allowance = {n.id for n in list_notices(s) if "最低生活保障" in n.title}
        assert len(allowance) >= 3
        assert not allowance & _exact(s, notice_search.TABLE, "低保")  # the word 低保 alone never finds them
        found = list_notices(s, NoticeQuery(text="低保"))
    assert allowance <= {n.id for n in found}
    assert also_line(NoticeQuery(text="低保").also_searched) == "同时查找了“最低生活保障”"


def test_notice_search_finds_the_short_and_the_full_word_both_ways(store):
    with store.begin("test") as s:
        short = create_notice(s, NoticeDraft("2026年10月低保户名单", "村务", body="本月新增低保户两户。")).id
        full = create_notice(s, NoticeDraft("2026年第三季度救助对象公示", "村务",
                                            body="最低生活保障对象共12户。")).id
        other = create_notice(s, NoticeDraft("村道硬化工程公示", "村务", body="村西道路硬化。")).id
    with store.read() as s:
        for typed in ("低保", "最低生活保障"):
            ids = {n.id for n in list_notices(s, NoticeQuery(text=typed))}
            assert ids == {short, full}, typed
            assert other not in ids
        assert {n.id for n in list_notices(s, NoticeQuery(text="低保 名单"))} == {short}  # every term still counts


def test_the_order_stays_newest_first_with_the_expanded_words(demo_store):
    """The list has no relevance ranking: with the short forms it is the same newest-first order as without."""
    with demo_store.read() as s:
        everything = [n.id for n in list_notices(s)]
        for typed in ("低保", "三资", "监委会"):
            found = [n.id for n in list_notices(s, NoticeQuery(text=typed))]
            assert found == [i for i in everything if i in set(found)], typed
            exact = _exact(s, notice_search.TABLE, typed)
            wider = set().union(*(_exact(s, notice_search.TABLE, w) for w in NoticeQuery(text=typed).also_searched))
            assert set(found) == exact | wider, typed  # exactly the typed word's notices and the group's


# ---------------------------------------------------------------- minutes


def test_minutes_search_finds_一事一议_from_筹资筹劳_and_back(demo_store):
    with demo_store.read() as s:
        one = _exact(s, minutes_search.TABLE, "一事一议")
        labour = _exact(s, minutes_search.TABLE, "筹资筹劳")
        assert one != labour  # minutes that say only one of the two: the typed word alone misses them
        for typed in ("一事一议", "筹资筹劳"):
            assert {m.id for m in list_meetings(s, MeetingQuery(text=typed))} == one | labour, typed
    assert MeetingQuery(text="一事一议").also_searched == ("筹资筹劳",)


# ---------------------------------------------------------------- certificates


def test_the_register_finds_certificates_for_最低生活保障_by_低保_and_by_names_as_before(demo_store):
    with demo_store.read() as s:
        allowance = {r.id for r in search_register(s, RegisterQuery(), limit=10_000) if "最低生活保障" in r.purpose}
        assert allowance
        for typed in ("低保", "最低生活保障"):
            found = {r.id for r in search_register(s, RegisterQuery(applicant=typed), limit=10_000)}
            assert allowance <= found, typed
        grain = {r.id for r in search_register(s, RegisterQuery(applicant="粮补"), limit=10_000)}
        assert grain and all("耕地地力保护补贴" in r.purpose for r in search_register(
            s, RegisterQuery(applicant="粮补"), limit=10_000))
        someone = search_register(s, RegisterQuery(), limit=1)[0]
        by_name = search_register(s, RegisterQuery(applicant=someone.applicant_name), limit=10_000)
        assert by_name and all(someone.applicant_name in r.applicant_name for r in by_name)
    assert also_line(RegisterQuery(applicant="低保").also_searched) == "同时查找了“最低生活保障”"


# ---------------------------------------------------------------- the command line


def test_the_command_line_search_says_which_other_words_it_looked_for(capsys, demo_store):
    code = main(["--data-dir", str(demo_store.data_dir), "disclosure", "list", "--search", "低保"])
    out = capsys.readouterr().out
    assert code == 0 and "同时查找了“最低生活保障”" in out and "最低生活保障和其他救助对象" in out
    code = main(["--data-dir", str(demo_store.data_dir), "meeting", "list", "--search", "筹资筹劳"])
    out = capsys.readouterr().out
    assert code == 0 and "同时查找了“一事一议”" in out
    code = main(["--data-dir", str(demo_store.data_dir), "disclosure", "list", "--search", "村道"])
    assert "同时查找了" not in capsys.readouterr().out
