"""A read session refuses to write: the only place a write can happen is store.begin(), which the UI runs
on its one-thread write pool (docs/architecture.md, "Screens and the store")."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from app.people.service import count_residents


def test_a_write_in_a_read_session_is_refused_and_changes_nothing(store):
    with store.read() as s:
        before = s.execute(text("SELECT hotline FROM village WHERE id=1")).scalar()
    with store.read() as s:
        with pytest.raises(OperationalError, match="readonly|read-only|query_only"):
            s.execute(text("UPDATE village SET hotline='12345' WHERE id=1"))
            s.commit()
    with store.read() as s:
        assert s.execute(text("SELECT hotline FROM village WHERE id=1")).scalar() == before
        assert count_residents(s) == 4  # reading still works


def test_the_write_session_still_writes(store):
    with pytest.raises(RuntimeError):
        with store.begin() as s:
            s.execute(text("UPDATE village SET hotline='12345' WHERE id=1"))
            assert s.execute(text("SELECT hotline FROM village WHERE id=1")).scalar() == "12345"
            raise RuntimeError("roll back: the write itself is allowed")
