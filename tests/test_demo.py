"""`cunwu demo`: a realistic village that passes `cunwu check`, only in an empty directory."""

import sqlite3

from app.cli import main


def test_small_demo_village_is_realistic_and_checks_clean(tmp_path, capsys):
    d = str(tmp_path / "demo")
    assert main(["--data-dir", d, "demo", "--seed", "7"]) == 0
    out = capsys.readouterr().out
    con = sqlite3.connect(tmp_path / "demo" / "cunwu.sqlite3")
    residents = con.execute("SELECT count(*) FROM residents").fetchone()[0]
    groups = con.execute("SELECT count(*) FROM villager_groups").fetchone()[0]
    heads = con.execute("SELECT count(*) FROM residents WHERE relation='户主'").fetchone()[0]
    households = con.execute("SELECT count(*) FROM households").fetchone()[0]
    leaders = con.execute("SELECT count(*) FROM roles WHERE title='组长'").fetchone()[0]
    rare = [n for (n,) in con.execute("SELECT name FROM residents") if any(ord(c) > 0xFFFF for c in n)]
    con.close()
    assert 1800 <= residents <= 2200 and f"{residents} 人" in out
    assert groups == 8 and leaders == 8
    assert heads == households
    assert rare, "some names need characters beyond the basic plane"
    assert main(["--data-dir", d, "check"]) == 0


def test_demo_refuses_a_directory_that_holds_a_village(tmp_path, capsys):
    d = str(tmp_path / "demo")
    assert main(["--data-dir", d, "demo"]) == 0
    assert main(["--data-dir", d, "demo", "--seed", "9"]) == 1
    assert "已经有村庄数据" in capsys.readouterr().err
    con = sqlite3.connect(tmp_path / "demo" / "cunwu.sqlite3")
    assert con.execute("SELECT count(DISTINCT name) FROM village").fetchone()[0] == 1
    con.close()


def test_every_record_equals_its_last_event_exactly_keys_included(tmp_path):
    """What the township rebuilds from events must be the record itself, not merely check-equal
    (a key missing from the event would read as None in cunwu check but differ at the hub)."""
    import json

    from sqlalchemy import select

    from app.demo import create_demo
    from app.events import AUDITED, Event
    from app.schema import open_store

    store = open_store(tmp_path / "demo")
    create_demo(store, size="small")
    with store.read() as s:
        last = {(e.record_type, e.record_id): e.content for e in s.scalars(select(Event).order_by(Event.seq))}
        for record_type, model in AUDITED.items():
            for obj in s.scalars(select(model)):
                assert json.loads(last[(record_type, obj.record_id)]) == obj.to_record(), (record_type, obj.record_id)
    store.close()
