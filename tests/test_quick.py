"""The first screen's sqlite3 counts agree with the service functions the other screens use."""

import datetime as dt

from app.accounts.service import count_users
from app.demo import create_demo
from app.events import head
from app.people.service import ResidentQuery, count_residents, get_village, list_groups, list_roles
from app.schema import open_store
from app.schema.quick import status, summary


def test_quick_summary_matches_the_services_on_a_demo_village(tmp_path):
    store = open_store(tmp_path / "demo")
    create_demo(store, size="small", seed=3)
    today = dt.date.today()
    quick = summary(store.db_path, today)
    with store.read() as s:
        assert quick.village == get_village(s)
        assert quick.residents == count_residents(s) > 1000
        assert quick.adults == count_residents(s, ResidentQuery(adults_only=True))
        assert quick.party_members == count_residents(s, ResidentQuery(party_members_only=True)) > 0
        assert quick.representatives == count_residents(s, ResidentQuery(representatives_only=True)) > 0
        assert quick.groups == len(list_groups(s)) == 8
        assert quick.roles == len(list_roles(s, on=today)) > 0
        assert quick.users == count_users(s)
        assert (quick.head_seq, quick.head_hash) == head(s)
        # the start-up's and the status bar's short read says the same as the home screen's
        short = status(store.db_path)
        assert (short.village, short.users, short.head_seq, short.head_hash) == (
            quick.village, quick.users, quick.head_seq, quick.head_hash)
        from app.certificates.service import list_pending
        from app.schema.quick import pending_certificates

        slow = [(p.applicant_name, p.kind_name, p.due_date, p.days_left) for p in list_pending(s, today=today)]
    fast = [(p.applicant_name, p.kind_name, p.due_date, p.days_left) for p in pending_certificates(store.db_path, today)]
    assert fast == slow and len(fast) > 0
    store.close()


def test_quick_disclosure_due_matches_the_service_on_a_demo_village(tmp_path):
    from app.meetings.matters import disclosure_due as due_entries  # the catalogue's periods and the matters' notices
    from app.schema.quick import disclosure_due

    store = open_store(tmp_path / "v")
    create_demo(store, size="small", seed=4)
    today = dt.date.today()
    try:
        with store.read() as s:
            expected = [(e.item.code, e.period.key, e.state, e.days_left) for e in due_entries(s, store.data_dir, today)]
            # the demo's 四议两公开: a resolution left unposted past its deadline (Organic Law Art. 30)
            assert any(e.item.code == "SW-06" and e.state == "overdue" and e.period.key.startswith("matter:")
                       for e in due_entries(s, store.data_dir, today))
        got = [(e.item.code, e.period.key, e.state, e.days_left)
               for e in disclosure_due(store.db_path, store.data_dir, today)]
    finally:
        store.close()
    assert expected and got == expected


def test_the_home_screens_due_list_is_read_without_sqlalchemy(store):
    """Start-up paints the home screen before SQLAlchemy is imported (docs/performance.md): the due list, with
    every catalogue version and the matters' notices, comes from sqlite3 and the calendar's pure functions."""
    import subprocess
    import sys
    from pathlib import Path

    code = ("import sys, datetime as dt\nfrom pathlib import Path\nfrom app.schema.quick import disclosure_due\n"
            "entries = disclosure_due(Path(sys.argv[1]), Path(sys.argv[2]), dt.date(2027, 1, 20))\n"
            "assert entries, 'nothing owed in January 2027?'\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'sqlalchemy')\n"
            "print(len(entries), loaded[:3])\nsys.exit(1 if loaded else 0)\n")
    done = subprocess.run([sys.executable, "-c", code, str(store.db_path), str(store.data_dir)], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent.parent, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_home_screens_reads_open_the_database_once(tmp_path, monkeypatch):
    """The home screen's numbers and to-dos (counts, certificates, probation, Art. 26 quarter) are read over one
    connection: each connection reads the whole schema again, which the first screen would wait for."""
    import sqlite3

    import app.schema.quick as quick
    from ui.home import load_home_stats

    store = open_store(tmp_path / "demo")
    create_demo(store, size="small", seed=3)
    opened = []
    real = sqlite3.connect
    monkeypatch.setattr(quick.sqlite3, "connect", lambda *a, **k: opened.append(a) or real(*a, **k))
    stats = load_home_stats(store)
    store.close()
    assert stats.residents > 1000 and stats.todos
    assert len(opened) == 1
