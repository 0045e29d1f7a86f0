"""The event log: every change is a hash-chained event; ``cunwu check`` finds edits made behind the program's back."""

import datetime as dt
import json
import sqlite3

from sqlalchemy import select

from app.check import check_store
from app.events import Event
from app.people.service import ResidentInput, add_resident, update_resident, search_residents, ResidentQuery

from conftest import make_id


def _check(store):
    with store.read() as s:
        return check_store(s)


def test_every_change_appends_a_linked_event(store):
    with store.read() as s:
        before = s.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1))
    with store.begin("文书") as s:
        r = add_resident(s, ResidentInput(name="钱多多", id_number=make_id(dt.date(1970, 1, 1), 55)))
        update_resident(s, r.id, ResidentInput(name="钱多多", id_number=r.id_number, phone="13912345678"))
    with store.read() as s:
        events = list(s.scalars(select(Event).where(Event.seq > before).order_by(Event.seq)))
    assert [e.action for e in events] == ["create", "update"]
    assert events[1].prev_hash == events[0].hash
    assert events[0].actor == "文书"
    assert json.loads(events[1].content)["phone"] == "13912345678"
    assert _check(store).ok


def test_failed_write_leaves_neither_row_nor_event(store):
    with store.read() as s:
        n = s.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1))
    try:
        with store.begin() as s:
            add_resident(s, ResidentInput(name="孙一", id_number=make_id(dt.date(1980, 2, 2), 66)))
            raise RuntimeError("power cut")
    except RuntimeError:
        pass
    with store.read() as s:
        assert s.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1)) == n
        assert not search_residents(s, ResidentQuery(text="孙一"))


def _sql(store, statement):
    con = sqlite3.connect(store.db_path)
    con.execute(statement)
    con.commit()
    con.close()


def test_direct_update_of_a_name_is_caught_and_named(store):
    with store.read() as s:
        target = search_residents(s, ResidentQuery(text="李四"))[0]
    _sql(store, f"UPDATE residents SET name='李五' WHERE id={target.id}")
    report = _check(store)
    assert not report.ok
    first = str(report.problems[0])
    assert f"residents #{target.id}" in first and "name" in first and "李四" in first and "李五" in first


def test_row_inserted_or_deleted_behind_the_program_is_caught(store):
    _sql(store, "INSERT INTO residents (name, sex, relation, phone, party_member, representative, note) "
                "VALUES ('假人', '男', '', '', 0, 0, '')")
    assert any("假人" in str(p) or "不是通过本程序" in str(p) for p in _check(store).problems)


def test_deleted_row_is_caught(store):
    with store.read() as s:
        target = search_residents(s, ResidentQuery(text="张三"))[0]
    _sql(store, f"DELETE FROM residents WHERE id={target.id}")
    problems = _check(store).problems
    assert problems and f"residents #{target.id}" in str(problems[0])


def test_rewritten_event_breaks_the_chain(store):
    _sql(store, "UPDATE events SET actor='别人' WHERE seq=2")
    problems = _check(store).problems
    assert problems and "2" in problems[0].where


from hypothesis import given
from hypothesis import strategies as st

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


@given(seq=st.integers(min_value=1, max_value=10**12), time=_text, actor=_text, record_type=_text, record_id=_text,
       action=_text, content=_text)
def test_event_hash_equals_the_hash_of_the_canonical_event(seq, time, actor, record_type, record_id, action, content):
    import hashlib

    from app.events import canonical, event_hash

    body = canonical({"seq": seq, "time": time, "actor": actor, "record_type": record_type,
                      "record_id": record_id, "action": action, "content": content})
    expected = hashlib.sha256(("f" * 64 + body).encode("utf-8")).hexdigest()
    assert event_hash("f" * 64, seq, time, actor, record_type, record_id, action, content) == expected
