"""Every write is logged by construction (docs/architecture.md, "The event log").

A write transaction that changed an audited row without appending that record's event is refused at
commit, whichever way the row was written (ORM object, bulk insert, raw SQL), and the store stays as it
was: ``cunwu check`` passes afterwards.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select, text

from app.check import check_store
from app.events import Event, EventWriter, UnloggedWrite, record
from app.people.models import Resident, VillagerGroup
from conftest import make_id


def _counts(store) -> tuple[int, int]:
    with store.read() as s:
        return (s.execute(select(func.count()).select_from(Resident)).scalar_one(),
                s.execute(select(func.count()).select_from(Event)).scalar_one())


def _unchanged_and_clean(store, before) -> None:
    assert _counts(store) == before
    with store.read() as s:
        assert check_store(s).problems == []


def test_an_orm_insert_without_its_event_is_refused_and_nothing_is_kept(store):
    before = _counts(store)
    with pytest.raises(UnloggedWrite, match=r"residents #\d+ was created without its event"):
        with store.begin("测试") as s:
            s.add(Resident(name="没有日志", sex="男", id_number=make_id(dt.date(1970, 1, 1), 901)))
    _unchanged_and_clean(store, before)


def test_a_bulk_insert_without_events_is_refused(store):
    before = _counts(store)
    with pytest.raises(UnloggedWrite, match="and 1 more rows"):
        with store.begin("测试") as s:
            s.execute(Resident.__table__.insert(), [
                {"id": 900 + i, "name": f"批量{i}", "sex": "女", "party_member": False, "representative": False,
                 "phone": "", "relation": "", "note": ""} for i in range(2)])
    _unchanged_and_clean(store, before)


def test_raw_sql_update_and_delete_without_events_are_refused(store):
    before = _counts(store)
    with pytest.raises(UnloggedWrite, match="updated without its event"):
        with store.begin("测试") as s:
            s.execute(text("UPDATE residents SET name = '冒名' WHERE name = '张三'"))
    with pytest.raises(UnloggedWrite, match="deleted without its event"):
        with store.begin("测试") as s:
            gid = s.execute(select(VillagerGroup.id).order_by(VillagerGroup.id.desc())).scalars().first()
            g = VillagerGroup(name="第九村民小组", sort_order=9)
            s.add(g)
            record(s, g, "create")
            s.flush()
            # a delete needs a delete event: an update event of the same record is not enough
            s.execute(text("DELETE FROM villager_groups WHERE id = :id"), {"id": g.id})
            record(s, s.get(VillagerGroup, gid), "update")
    _unchanged_and_clean(store, before)


def test_writes_with_their_events_commit_and_bulk_rows_match_check(store):
    before = _counts(store)
    rows = [{"id": 950 + i, "name": f"批量{i}", "sex": "女", "birth_date": dt.date(1990, 1, i + 1),
             "id_number": None, "phone": "", "group_id": None, "household_id": None, "relation": "",
             "party_member": False, "representative": False, "note": "", "status": None, "probationary": None,
             "probation_since": None} for i in range(3)]
    with store.begin("测试") as s:
        s.execute(Resident.__table__.insert(), rows)
        writer = EventWriter(s)
        for row in rows:
            writer.add_row(Resident, row, "create")
        writer.flush()
    assert _counts(store)[0] == before[0] + 3
    with store.read() as s:
        assert check_store(s).problems == []


def test_a_change_to_an_unaudited_column_alone_needs_no_event(store):
    """Login counters change without meaning (accounts.models ``__unaudited__``); a failed login is no event."""
    from app.accounts.models import User
    from app.accounts.service import AccountError, add_user, login

    with store.begin("测试") as s:
        add_user(s, "王文书", "文书/会计", "secret-123")
    before = _counts(store)
    with store.begin("测试") as s:
        with pytest.raises(AccountError):
            login(s, "王文书", "wrong-password")
    assert _counts(store)[1] == before[1]
    with store.read() as s:
        assert s.scalar(select(User.failed_logins)) == 1
