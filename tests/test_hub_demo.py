"""``cunwu hub demo``: a township hub built from generated villages, so the township mode can be tried at once.

What a township officer sees on the demo: every village listed by ``cunwu hub villages``; the village that
never synced, the silent one, the forked one, the one waiting for a missing bundle, the one with certificates
refused this month and the one late with its disclosures each show it (Organic Law of Villagers' Committees
Art. 30: village affairs are disclosed on time; the township supervises that they are). The same seed builds
the same township.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from app.cli import main
from app.hub.township_demo import FOLDER, create_hub_demo, stopped_posting, village_kinds

VILLAGES = 5  # the five special cases: refusals (and late), forked, silent, never synced, a gap
SEED = 7
TODAY = dt.date.today()
pytestmark = pytest.mark.slow  # the township is built twice, about half a minute each


def _villages(data_dir: Path) -> dict[str, tuple[str, str]]:
    """name -> (code, what the demo made special about it), read from the hub and the demo's own folders."""
    con = sqlite3.connect(data_dir / "hub" / "hub.sqlite3")
    try:
        rows = con.execute("SELECT name, code FROM hub_villages").fetchall()
    finally:
        con.close()
    return {name: (code, ",".join(village_kinds(int(_folder(data_dir, name).name[:2]) - 1))) for name, code in rows}


def _folder(data_dir: Path, name: str) -> Path:
    (folder,) = [p for p in (data_dir / FOLDER).iterdir() if p.is_dir() and p.name.endswith("-" + name)]
    return folder


def _by_kind(data_dir: Path, kind: str) -> tuple[str, str]:
    (hit,) = [(name, code) for name, (code, kinds) in _villages(data_dir).items() if kind in kinds.split(",")]
    return hit


def _hub_sql(data_dir: Path, sql: str, *params: object) -> list[tuple]:
    con = sqlite3.connect(data_dir / "hub" / "hub.sqlite3")
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def township(tmp_path_factory) -> tuple[Path, str]:
    """The demo built from the command line, as the README's third line builds it."""
    import contextlib
    import io

    data_dir = tmp_path_factory.mktemp("township")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["hub", "demo", "--villages", str(VILLAGES), "--seed", str(SEED), "--data-dir", str(data_dir)])
    assert code == 0, out.getvalue()
    return data_dir, out.getvalue()


@pytest.fixture()
def hub(township):
    from app.hub.service import open_hub

    h = open_hub(township[0])
    yield h
    h.close()


def _status(hub, code: str):
    from app.hub.status import status_rows

    (row,) = [r for r in status_rows(hub, TODAY) if r.code == code]
    return row


def test_the_demo_says_what_it_builds_as_it_goes(township):
    data_dir, out = township
    # progress on the terminal: each village as it is made, each month of bundles, then what is special
    assert out.count("生成第") == VILLAGES and "第 12/12 个月" in out
    for name, (code, _kinds) in _villages(data_dir).items():
        assert name in out and code in out
    assert "从未同步" in out and "分叉" in out and "长期未同步" in out and "待补" in out and "拒开证明" in out


def test_hub_villages_lists_every_demo_village(township, capsys):
    data_dir, _out = township
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "hub", "villages"]) == 0
    listed = capsys.readouterr().out
    villages = _villages(data_dir)
    assert len(villages) == VILLAGES
    lines = {line.split("\t")[1]: line for line in listed.splitlines()[1:]}
    assert set(lines) == set(villages)
    never, _code = _by_kind(data_dir, "never")
    assert "从未导入" in lines[never]
    gap, _code = _by_kind(data_dir, "gap")
    assert "无" not in lines[gap].split("\t")[4]  # the bundle held at the hub, waiting for the one left at home


def test_every_synced_village_sent_a_year_of_monthly_bundles(township):
    data_dir, _out = township
    for name, (code, kinds) in _villages(data_dir).items():
        months = {r[0][:7] for r in _hub_sql(
            data_dir, "SELECT applied FROM hub_bundles WHERE village_code = ? AND state = 'applied'", code)}
        if "never" in kinds:
            assert months == set()
        elif "silent" in kinds:
            assert 8 <= len(months) <= 11, (name, months)
        else:
            assert len(months) >= 11, (name, months)  # one a month (30 days apart: twelve, now and then eleven)


def test_the_never_synced_village_says_so(township, hub):
    _name, code = _by_kind(township[0], "never")
    row = _status(hub, code)
    assert row.last_sync == "" and row.days_since is None
    assert "从未同步" in row.alerts


def test_the_silent_village_is_past_the_silence_limit(township, hub):
    _name, code = _by_kind(township[0], "silent")
    row = _status(hub, code)
    assert row.days_since is not None and row.days_since > 14
    assert any("天没有同步" in a for a in row.alerts)
    # the villages that sent this month are not called silent
    _name, timely = _by_kind(township[0], "refusals")
    assert _status(hub, timely).days_since <= 14
    assert not any("没有同步" in a for a in _status(hub, timely).alerts)


def test_the_gap_village_waits_for_its_missing_bundle(township, hub):
    _name, code = _by_kind(township[0], "gap")
    row = _status(hub, code)
    assert row.pending == 1
    assert row.days_since is not None and row.days_since <= 14  # it came to the township; one stick stayed home


def test_the_forked_village_has_its_fork_alert(township, hub):
    data_dir = township[0]
    name, code = _by_kind(data_dir, "forked")
    # the two copies disagree: the village's restored store and the hub hold different events under one number
    con = sqlite3.connect(_folder(data_dir, name) / "cunwu.sqlite3")
    try:
        seq, theirs = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        con.close()
    (ours,), = _hub_sql(data_dir, "SELECT hash FROM hub_events WHERE village_code = ? AND seq = ?", code, seq)
    assert theirs != ours
    row = _status(hub, code)
    assert "出现分叉" in row.alerts
    assert row.refused >= 1


def test_the_refusals_village_refused_certificates_this_month(township, hub):
    from app.hub.status import status_rows

    data_dir = township[0]
    _name, code = _by_kind(data_dir, "refusals")
    (last,), = _hub_sql(data_dir, "SELECT last_import FROM hub_villages WHERE code = ?", code)
    on = dt.date.fromisoformat(last[:10])  # its last bundle came this month (or, on the month's first days, the last)
    assert (TODAY - on).days <= 5
    refusals = [json.loads(r[0]) for r in _hub_sql(
        data_dir, "SELECT content FROM hub_records WHERE village_code = ? AND record_type = 'cert_refusal'", code)]
    assert sum(r["date"].startswith(on.strftime("%Y-%m")) for r in refusals) >= 3
    (row,) = [r for r in status_rows(hub, on) if r.code == code]
    assert row.certs_refused >= 3


def test_the_late_village_left_its_disclosures_overdue(township, hub):
    data_dir = township[0]
    _name, code = _by_kind(data_dir, "late")
    posted = [json.loads(r[0]).get("posted_from") or "" for r in _hub_sql(
        data_dir, "SELECT content FROM hub_records WHERE village_code = ? AND record_type = 'notice'", code)]
    assert max(p for p in posted if p) < stopped_posting(TODAY).isoformat()
    # the quarter before the clerk stopped: none of its five quarterly notices posted, all overdue at the township;
    # a village whose clerk kept posting leaves at most three of them undone (app/disclosure/demo.py)
    from app.hub.status import village_detail

    before = stopped_posting(TODAY) - dt.timedelta(days=1)
    quarter = "{y}-Q{q}".format(y=before.year, q=(before.month - 1) // 3 + 1)
    late = [r for r in village_detail(hub, code, TODAY).overdue if r.period == quarter]
    _name, other = _by_kind(data_dir, "forked")
    kept = [r for r in village_detail(hub, other, TODAY).overdue if r.period == quarter]
    assert len(late) >= 5 and len(kept) <= 3
    assert _status(hub, code).overdue >= len(late)


def test_a_village_whose_clerk_keeps_up_has_no_periodic_disclosure_overdue(township, hub):
    """Every quarter's and year's notices posted by the deadline; what may stay overdue is a 四议两公开 decision
    owed to the villagers (the matters of the demo's meetings), which the township sees apart."""
    from app.hub.status import village_detail

    _name, code = _by_kind(township[0], "gap")
    overdue = village_detail(hub, code, TODAY).overdue
    assert [r.period for r in overdue if not r.period.startswith("matter:")] == []


def test_bad_input_changes_nothing(tmp_path, capsys):
    assert main(["hub", "demo", "--villages", "0", "--data-dir", str(tmp_path)]) != 0
    assert "1 到" in capsys.readouterr().err
    assert not (tmp_path / "hub").exists()
    assert main(["--data-dir", str(tmp_path), "hub", "init", "--name", "石桥镇"]) == 0
    before = (tmp_path / "hub" / "hub.sqlite3").read_bytes()
    capsys.readouterr()
    assert main(["hub", "demo", "--villages", "1", "--data-dir", str(tmp_path)]) != 0
    assert "已经有乡镇数据中心" in capsys.readouterr().err
    assert (tmp_path / "hub" / "hub.sqlite3").read_bytes() == before
    assert not (tmp_path / FOLDER).exists()


def test_running_the_readme_line_again_opens_the_same_township(township, capsys):
    data_dir = township[0]
    before = (data_dir / "hub" / "hub.sqlite3").read_bytes()
    capsys.readouterr()
    assert main(["hub", "demo", "--villages", str(VILLAGES), "--seed", str(SEED), "--data-dir", str(data_dir)]) == 0
    assert "没有重新生成" in capsys.readouterr().out
    assert (data_dir / "hub" / "hub.sqlite3").read_bytes() == before


def test_a_demo_that_fails_half_way_leaves_nothing_behind(tmp_path, monkeypatch, capsys):
    import app.hub.township_demo as demo

    def broken(v, today, seed):  # the disk filled up while the second village was made, say
        if v.index == 1:
            raise OSError(28, "No space left on device")
        original(v, today, seed)

    original = demo._build
    monkeypatch.setattr(demo, "_build", broken)
    with pytest.raises(OSError):
        create_hub_demo(tmp_path, villages=2, seed=SEED)
    assert not (tmp_path / "hub").exists() and not (tmp_path / FOLDER).exists()
    monkeypatch.setattr(demo, "_build", original)
    assert main(["hub", "demo", "--villages", "1", "--data-dir", str(tmp_path)]) == 0  # and it can be run again
    assert "演示乡镇已建好" in capsys.readouterr().out


def test_the_same_seed_builds_the_same_township(township, tmp_path):
    first = township[0]
    again = create_hub_demo(tmp_path, villages=VILLAGES, seed=SEED)
    events = "SELECT v.name, count(e.seq) FROM hub_villages v LEFT JOIN hub_events e ON e.village_code = v.code GROUP BY v.name"
    bundles = "SELECT v.name, b.first_seq, b.last_seq, b.state FROM hub_villages v JOIN hub_bundles b " \
              "ON b.village_code = v.code ORDER BY 1, 2"
    assert sorted(_hub_sql(tmp_path, events)) == sorted(_hub_sql(first, events))
    assert _hub_sql(tmp_path, bundles) == _hub_sql(first, bundles)
    assert _villages(tmp_path) == _villages(first)
    assert sorted(v.name for v in again.villages) == sorted(_villages(first))


def test_villages_issued_certificates_this_month(township, hub):
    """The township counts each village's certificates of the month (本月证明): the villages that send on time
    issued a few in the month of their last bundle, before it left."""
    from app.hub.status import status_rows

    data_dir = township[0]
    for kind in ("refusals", "gap"):
        _name, code = _by_kind(data_dir, kind)
        (last,), = _hub_sql(data_dir, "SELECT last_import FROM hub_villages WHERE code = ?", code)
        (row,) = [r for r in status_rows(hub, dt.date.fromisoformat(last[:10])) if r.code == code]
        assert row.certs_issued >= 2, kind
