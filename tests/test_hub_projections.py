"""The township's projections (app/hub/projections.py) and what `cunwu hub status` / `hub show` say from them.

The villages are real village stores (the township demo, app/hub/township_demo.py: generated villages whose bundles
went to the hub month by month, one forked, one silent, one never synced, one with a bundle waiting for a
gap). What the hub says about a village whose whole log it holds is checked against what that village's own
program says from its own database (the home screen's reads, app/schema/quick.py): the disclosure calendar
(Organic Law Art. 30 村务公开, its deadlines from the catalogue), the quarter's representatives' meeting
(Art. 26), the certificate register. Rebuilt and incremental tables must be identical, on SQLite and
PostgreSQL; a refused bundle and a killed import must leave them as a rebuild makes them.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.hub import store as t
from app.hub.projections import rebuild_projections
from app.hub.service import IMPORTED, REFUSED, enroll, import_bundles, open_hub
from app.hub.status import StatusError, month_rows, set_hub_setting, silence_limit, status_rows, village_detail

TODAY = dt.date.today()
VILLAGES = 6  # refusals+late, forked, silent, never synced, gap, on time (app/hub/township_demo.py, village_kinds)
TIME_COLUMNS = {"last_sync", "at"}  # written with the clock of the import: not compared between two hubs


# ---------------------------------------------------------------- the township


@pytest.fixture(scope="module")
def township(tmp_path_factory):
    """The demo township, and one more thing done in the on-time village this month: a certificate voided,
    sent to the hub on a stick like everything else."""
    from app.hub.township_demo import create_hub_demo

    root = tmp_path_factory.mktemp("township")
    info = create_hub_demo(root, villages=VILLAGES, seed=5, today=TODAY)
    on_time = next(v for v in info.villages if not v.kinds)
    vdir = _village_dir(root, on_time.code)
    _void_one_certificate(vdir)
    hub = open_hub(root)
    try:
        path = _export(vdir)
        (outcome,), _receipts = import_bundles(hub, [path], receipts=vdir / "U盘")
        assert outcome.status == IMPORTED, outcome.message
    finally:
        hub.close()
    return root, info


def _village_dir(root: Path, code: str) -> Path:
    for d in sorted((root / "demo-villages").iterdir()):
        db = d / "cunwu.sqlite3"
        if d.is_dir() and db.exists():
            con = sqlite3.connect(db)
            try:
                if con.execute("SELECT code FROM village").fetchone()[0] == code:
                    return d
            finally:
                con.close()
    raise AssertionError(code)


def _export(vdir: Path) -> Path:
    from app.schema import open_store
    from app.sync.export import export_bundle

    store = open_store(vdir)
    try:
        result = export_bundle(store, vdir / "U盘")
    finally:
        store.close()
    assert result.path is not None
    return result.path


def _void_one_certificate(vdir: Path) -> None:
    from app.certificates.models import Certificate
    from app.certificates.service import void_certificate
    from app.schema import open_store

    store = open_store(vdir)
    try:
        with store.begin("文书") as s:
            serial = s.scalars(select(Certificate.serial).where(Certificate.state == "issued")
                               .order_by(Certificate.id)).first()
            void_certificate(s, serial, "申请人姓名写错,重新开具")
    finally:
        store.close()


@pytest.fixture
def hub(township):
    root, _info = township
    h = open_hub(root)
    yield h
    h.close()


def _kinds(info, kind: str):
    return next(v for v in info.villages if kind in v.kinds)


def _rows(hub, on: dt.date = TODAY):
    return {r.code: r for r in status_rows(hub, on, silence_days=silence_limit(hub))}


def _hub_head(hub, code: str) -> int:
    with hub.engine.connect() as conn:
        return int(conn.execute(select(t.villages.c.last_seq).where(t.villages.c.code == code)).scalar_one())


def _village_head(vdir: Path) -> int:
    con = sqlite3.connect(vdir / "cunwu.sqlite3")
    try:
        return int(con.execute("SELECT max(seq) FROM events").fetchone()[0])
    finally:
        con.close()


# ---------------------------------------------------------------- what the village itself says


def _village_disclosures(vdir: Path, on: dt.date) -> tuple[int, int, int]:
    """(overdue, due, late this year) as the village's own program computes them from its own database:
    the home screen's due list (app.schema.quick.disclosure_due), and the calendar's late postings."""
    from app.disclosure.calendar import DUE, LATE, OVERDUE, event_entries, year_calendar
    from app.disclosure.catalogue import village_catalogues
    from app.schema import open_store
    from app.schema.quick import disclosure_due, matter_events

    db = vdir / "cunwu.sqlite3"
    entries = disclosure_due(db, vdir, on)
    overdue = sum(e.state == OVERDUE for e in entries)
    due = sum(e.state == DUE for e in entries)
    from app.disclosure.service import calendar_start, posted_for_calendar

    store = open_store(vdir)
    try:
        with store.read() as s:
            posted, since = posted_for_calendar(s), calendar_start(s)
    finally:
        store.close()
    cats = village_catalogues(vdir, on)
    late = [e for year in (on.year - 1, on.year) for e in year_calendar(cats, posted, year, on=on, since=since)]
    late += event_entries(cats, matter_events(db), on)
    return overdue, due, sum(e.state == LATE and e.posted.posted_on.year == on.year for e in late)


def _village_quarter(vdir: Path, on: dt.date) -> bool:
    from app.schema.quick import representatives_quarter

    return representatives_quarter(vdir / "cunwu.sqlite3", on).held


def _village_certificates(vdir: Path, on: dt.date) -> tuple[int, int, int]:
    lo, hi = on.replace(day=1).isoformat(), on.isoformat()
    con = sqlite3.connect(vdir / "cunwu.sqlite3")
    try:
        issued = con.execute("SELECT count(*) FROM certificates WHERE state IN ('issued', 'voided') "
                             "AND issue_date BETWEEN ? AND ?", (lo, hi)).fetchone()[0]
        voided = con.execute("SELECT count(*) FROM certificates WHERE state = 'voided' "
                             "AND substr(voided_at, 1, 10) BETWEEN ? AND ?", (lo, hi)).fetchone()[0]
        refused = con.execute("SELECT count(*) FROM certificate_refusals WHERE date BETWEEN ? AND ?",
                              (lo, hi)).fetchone()[0]
    finally:
        con.close()
    return issued, voided, refused


# ---------------------------------------------------------------- the table the officer reads


def test_a_village_the_hub_holds_whole_reads_as_it_does_at_home(township, hub):
    """Organic Law Art. 30 (村务公开 on time), Art. 26 (a representatives' meeting every quarter), the
    certificate register: for each village whose whole log is at the hub, the township's row says what the
    village's own program says from its own database."""
    root, info = township
    rows = _rows(hub)
    whole = [v for v in info.villages if v.events and _hub_head(hub, v.code) == _village_head(_village_dir(root, v.code))]
    assert len(whole) >= 2  # the village with refusals and the one on time
    for v in whole:
        vdir = _village_dir(root, v.code)
        r = rows[v.code]
        assert (r.overdue, r.due, r.late) == _village_disclosures(vdir, TODAY), v.name
        assert r.quarter_meeting is _village_quarter(vdir, TODAY), v.name
        assert (r.certs_issued, r.certs_voided, r.certs_refused) == _village_certificates(vdir, TODAY), v.name
        assert r.alerts == () and r.pending == 0 and r.refused == 0, (v.name, r.alerts)
    late = _kinds(info, "late")
    assert rows[late.code].overdue > 0, "the clerk who stopped posting two months ago has overdue items"
    assert rows[_kinds(info, "refusals").code].certs_refused >= 3
    on_time = next(v for v in info.villages if not v.kinds)
    assert rows[on_time.code].certs_voided >= 1  # one voided this month at least (the fixture), brought on the stick


def test_a_village_that_posted_late_is_listed_with_its_dates(township, hub):
    """Art. 30: a disclosure posted after its deadline is named with the deadline and the day it went up."""
    _root, info = township
    rows = _rows(hub)
    late = [r for r in rows.values() if r.late]
    assert late, "no village of the demo posted anything late this year"
    d = village_detail(hub, late[0].code, TODAY)
    assert len(d.late) == late[0].late
    for row in d.late:
        assert row.posted_on > row.deadline and row.posted_on[:4] == str(TODAY.year)
    for row in d.overdue:
        assert row.posted_on == "" and row.deadline < TODAY.isoformat()
    for row in d.due:
        assert row.deadline >= TODAY.isoformat()
    assert len(d.overdue) == late[0].overdue and len(d.due) == late[0].due


def test_special_villages_are_shown_with_their_own_words(township, hub):
    """Never synced, silent longer than the township's limit, forked, waiting for a gap: each has its words."""
    _root, info = township
    rows = _rows(hub)
    never = rows[_kinds(info, "never").code]
    assert never.last_sync == "" and never.days_since is None and "从未同步" in never.alerts
    assert never.quarter_meeting is None  # the hub knows nothing of its meetings
    silent = rows[_kinds(info, "silent").code]
    assert silent.days_since is not None and silent.days_since > 14
    assert f"已 {silent.days_since} 天没有同步" in silent.alerts
    forked = rows[_kinds(info, "forked").code]
    assert "出现分叉" in forked.alerts and forked.refused >= 1
    gap = rows[_kinds(info, "gap").code]
    assert gap.pending == 1 and "有同步包在等前面的包" in gap.alerts
    quiet = [r for r in rows.values() if r.code not in {never.code, silent.code, forked.code, gap.code}]
    assert all(not any("同步" in a or "分叉" in a for a in r.alerts) for r in quiet)


def test_the_silence_limit_is_the_townships_setting(township, hub):
    _root, info = township
    silent = _rows(hub)[_kinds(info, "silent").code]
    set_hub_setting(hub, "silence_days", str(silent.days_since + 1))
    try:
        assert not any("没有同步" in a for a in _rows(hub)[silent.code].alerts)
    finally:
        set_hub_setting(hub, "silence_days", "14")
    with pytest.raises(StatusError):
        set_hub_setting(hub, "silence_days", "0")


def test_the_quarters_meeting_held_and_not_held(township, hub):
    """Art. 26: 村民代表会议每季度召开一次. A village whose meeting of this quarter reached the hub shows 已开;
    the silent village's stick with it never came, so the township cannot count it."""
    _root, info = township
    rows = _rows(hub)
    held = [r for r in rows.values() if r.quarter_meeting is True]
    assert held
    silent = rows[_kinds(info, "silent").code]
    assert silent.quarter_meeting is False
    with hub.engine.connect() as conn:
        dates = [json.loads(c).get("date") for c in conn.execute(select(t.records.c.content).where(
            t.records.c.village_code == silent.code, t.records.c.record_type == "meeting")).scalars()
            if json.loads(c).get("kind") == "村民代表会议" and json.loads(c).get("state") == "closed"]
    q_start = dt.date(TODAY.year, 3 * ((TODAY.month - 1) // 3) + 1, 1).isoformat()
    assert not [d for d in dates if q_start <= d <= TODAY.isoformat()]


def test_a_status_of_a_past_day_counts_postings_of_that_day_only(township, hub):
    """The calendar's rule: a notice posted after the day asked about does not count yet."""
    root, info = township
    on_time = next(v for v in info.villages if not v.kinds)
    vdir = _village_dir(root, on_time.code)
    past = TODAY - dt.timedelta(days=45)
    assert (lambda r: (r.overdue, r.due, r.late))(_rows(hub, past)[on_time.code]) == _village_disclosures(vdir, past)


def test_cli_status_show_and_bad_input(township, capsys):
    from app.cli import main

    root, info = township
    assert main(["--data-dir", str(root), "hub", "status"]) == 0
    out = capsys.readouterr().out
    for word in ("村", "上次同步", "天数", "待补/拒收", "逾期公开", "本季度代表会议", "四议两公开", "从未同步", "出现分叉"):
        assert word in out
    for v in info.villages:
        assert v.name in out
    # the columns line up in a terminal, where a Chinese character takes two columns
    from app.workbook import display_width

    header, *lines = out.splitlines()[1:]
    start = display_width(header[:header.index("上次同步")])
    for line in lines:
        cut = next(i for i in range(len(line) + 1) if display_width(line[:i]) >= start)
        assert display_width(line[:cut]) == start and re.match(r"(\d{4}-\d\d-\d\d|从未同步) ", line[cut:]), line
    assert len(lines) == len(info.villages)
    assert main(["--data-dir", str(root), "hub", "status", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert {v["code"] for v in doc["villages"]} == {v.code for v in info.villages}
    name = _kinds(info, "late").name
    assert main(["--data-dir", str(root), "hub", "show", name]) == 0
    out = capsys.readouterr().out
    assert name in out and "村务公开" in out and "村民小组" in out
    assert main(["--data-dir", str(root), "hub", "show", name, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sum(doc["residents_by_group"].values()) > 0 and doc["notices"]
    assert main(["--data-dir", str(root), "hub", "show", "没有这个村"]) == 2
    assert "没有登记“没有这个村”" in capsys.readouterr().err
    assert main(["--data-dir", str(root), "hub", "status", "--date", "2026-02-30"]) == 2
    assert "日期“2026-02-30”不对" in capsys.readouterr().err
    assert main(["--data-dir", str(root), "hub", "rebuild-projections"]) == 0
    synced = sum(1 for v in info.villages if "never" not in v.kinds)
    assert f"有记录的村 {synced} 个" in capsys.readouterr().out


def test_month_rows_for_the_report(township, hub):
    _root, info = township
    rows = month_rows(hub, TODAY.strftime("%Y-%m"))
    assert {r["code"] for r in rows["villages"]} == {v.code for v in info.villages}
    refusals = _kinds(info, "refusals")
    assert sum(r["code"] == refusals.code for r in rows["refusals"]) >= 3
    assert any(r["kind"] == "fork" for r in rows["alerts"])
    future = TODAY.replace(day=28) + dt.timedelta(days=10)
    with pytest.raises(StatusError, match="还没有到"):
        month_rows(hub, future.strftime("%Y-%m"))
    with pytest.raises(StatusError, match="年-月"):
        month_rows(hub, "2026/11")


def test_a_past_months_report_leaves_out_the_matters_filed_after_it(township, hub):
    from sqlalchemy import select

    from app.hub import store as t

    x = t.proj_matters.c
    with hub.engine.connect() as conn:
        matters = conn.execute(select(x.village_code, x.record_id, x.filed_on).where(x.open == True)).all()  # noqa: E712
        first = min(d for d in conn.execute(select(t.proj_meetings.c.date)).scalars() if d)
    # an open matter filed after the township's first month: a report of the month before it was filed
    code, rid, filed = max((m for m in matters if m.filed_on[:7] > first[:7]), key=lambda m: m.filed_on)
    before = (dt.date.fromisoformat(filed).replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    listed = {(r["code"], r["record_id"]) for r in month_rows(hub, before)["matters"]}
    assert (code, rid) not in listed
    assert (code, rid) in {(r["code"], r["record_id"]) for r in month_rows(hub, filed[:7])["matters"]}


# ---------------------------------------------------------------- rebuilt = incremental


def projection_dump(hub, *, times: bool = True) -> dict[str, list[tuple]]:
    tables = (*t.PROJECTIONS, t.proj_alerts)
    with hub.engine.connect() as conn:
        out = {}
        for table in tables:
            cols = [c for c in table.columns if times or (c.name not in TIME_COLUMNS and c.name != "id")]
            out[table.name] = sorted((tuple(r) for r in conn.execute(select(*cols))), key=repr)
        return out


def test_rebuild_gives_the_same_tables_as_the_imports(hub):
    before = projection_dump(hub)
    assert before["hub_proj_disclosures"] and before["hub_proj_certificates"] and before["hub_proj_alerts"]
    rebuild_projections(hub)
    assert projection_dump(hub) == before


def test_a_hub_made_before_the_projections_gets_them_when_opened(township, tmp_path):
    root, _info = township
    copy = tmp_path / "old"
    shutil.copytree(root / "hub", copy / "hub")
    hub = open_hub(copy)
    expected = projection_dump(hub)
    with hub.engine.begin() as conn:  # as a hub of the version before: no projection tables at all
        for table in t.PROJECTIONS:
            conn.execute(table.delete())
        conn.execute(t.hub_info.delete().where(t.hub_info.c.key == "projections_version"))
    hub.close()
    for table in t.PROJECTIONS:
        with sqlite3.connect(copy / "hub" / "hub.sqlite3") as con:
            con.execute(f"DROP TABLE {table.name}")
    hub = open_hub(copy)
    try:
        assert projection_dump(hub) == expected
    finally:
        hub.close()


def _sticks(root: Path, info) -> tuple[list[Path], list[Path]]:
    """Every village's identity file and every bundle on its stick, in the order it exported them."""
    ids, files = [], []
    for v in info.villages:
        vdir = _village_dir(root, v.code)
        ids.append(next((root / "demo-villages").glob(f"{vdir.name}-*.json")))
        files += sorted((vdir / "U盘").glob("*.cunwu-sync"), key=lambda p: p.stat().st_mtime_ns)
    return ids, files


def _fresh_hub(root: Path, path: Path, ids: list[Path], url: str | None = None):
    """A new, empty hub database with the demo township's keys (the bundles are encrypted to it)."""
    from app.hub.service import CONFIG

    shutil.copytree(root / "hub", path / "hub", ignore=shutil.ignore_patterns("hub.sqlite3*", "tmp", "pending",
                                                                             "receipts"))
    cfg = json.loads((path / "hub" / CONFIG).read_text(encoding="utf-8"))
    (path / "hub" / CONFIG).write_text(json.dumps({**cfg, "db_url": url}), encoding="utf-8")
    hub = open_hub(path)
    for identity in ids:
        enroll(hub, identity)
    return hub


def _same_as_rebuilt(hub) -> None:
    incremental = projection_dump(hub)
    rebuild_projections(hub)
    assert projection_dump(hub) == incremental


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_rebuild_matches_the_imports_on_each_database(township, tmp_path, request, kind):
    """The same sticks imported into a new hub, on SQLite and on PostgreSQL: the incremental tables equal
    a rebuild, and both databases hold the same rows."""
    root, info = township
    ids, files = _sticks(root, info)
    url = request.getfixturevalue("pg_url") if kind == "postgresql" else None
    hub = _fresh_hub(root, tmp_path / kind, ids, url)
    try:
        outcomes, _r = import_bundles(hub, files, receipts=tmp_path / "receipts")
        assert any(o.status == REFUSED and o.reason == "fork" for o in outcomes)
        _same_as_rebuilt(hub)
        mine = projection_dump(hub, times=False)
        said = _what_the_officer_reads(hub)
    finally:
        hub.close()
    other = _fresh_hub(root, tmp_path / "other", ids)
    try:
        import_bundles(other, files, receipts=tmp_path / "receipts2")
        assert mine == projection_dump(other, times=False)
        assert said == _what_the_officer_reads(other)
    finally:
        other.close()


def _what_the_officer_reads(hub) -> tuple:
    """The table, one village's details and the month's lists, without the times of the import."""
    rows = [r.as_dict() for r in status_rows(hub, TODAY)]
    for r in rows:
        r.pop("last_sync"), r.pop("days_since")
        r["alerts"] = [a for a in r["alerts"] if "没有同步" not in a]
    code = next(r["code"] for r in rows if r["overdue"])
    detail = village_detail(hub, code, TODAY).as_dict()
    detail.pop("status")
    detail["alerts"] = [(a["kind"], a["text"]) for a in detail["alerts"]]
    month = month_rows(hub, TODAY.strftime("%Y-%m"))
    month.pop("villages")
    month["alerts"] = [(a["code"], a["kind"], a["reason"]) for a in month["alerts"]]
    return rows, detail, month


# ---------------------------------------------------------------- faults


def test_a_bundle_refused_mid_stick_changes_only_what_was_applied(township, tmp_path):
    """One damaged file in the middle of a stick: the others are imported, it is refused with its reason,
    and the township's tables are those of a hub that got only the good files."""
    root, info = township
    ids, files = _sticks(root, info)
    on_time = next(v for v in info.villages if not v.kinds)
    mine = [f for f in files if on_time.code in f.name]
    others = [f for f in files if f not in mine and _kinds(info, "late").code in f.name]
    damaged = tmp_path / mine[5].name
    data = bytearray(mine[5].read_bytes())
    data[-40] ^= 0xFF  # the payload no longer matches its signed hash
    damaged.write_bytes(bytes(data))
    stick = mine[:5] + [damaged] + mine[6:7] + others
    hub = _fresh_hub(root, tmp_path / "a", ids)
    try:
        outcomes, _r = import_bundles(hub, stick, receipts=tmp_path / "r")
        status = {o.file.name: o.status for o in outcomes}
        assert status[damaged.name] == REFUSED and [o for o in outcomes if o.status == REFUSED][0].message
        assert status[mine[6].name] != IMPORTED  # after the gap: held, not applied
        assert all(status[f.name] == IMPORTED for f in mine[:5] + others), [(o.file.name, o.status, o.message[:80]) for o in outcomes]
        got = projection_dump(hub, times=False)
        rows = _rows(hub)
        assert rows[on_time.code].pending == 1
        _same_as_rebuilt(hub)
    finally:
        hub.close()
    good = _fresh_hub(root, tmp_path / "b", ids)
    try:
        import_bundles(good, mine[:5] + [mine[6]] + others, receipts=tmp_path / "r2")
        expected = projection_dump(good, times=False)
    finally:
        good.close()
    assert got == expected


@pytest.mark.slow
def test_killing_the_hub_during_an_import_leaves_projections_consistent(township, tmp_path):
    """The hub process killed at random moments while importing a stick: each time, the tables equal a
    rebuild from the events it holds, and importing again finishes the job."""
    root, info = township
    ids, files = _sticks(root, info)
    stick = [f for f in files if _kinds(info, "late").code in f.name]
    hub = _fresh_hub(root, tmp_path, ids)
    hub.close()
    rng = random.Random(int(os.environ.get("CUNWU_KILL_SEED", "17")))
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    delay, interrupted = 0.3, 0
    for _round in range(30):
        proc = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(tmp_path), "hub", "import",
                                 *map(str, stick)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        delay += rng.uniform(0.05, 0.15)
        done = proc.poll() is not None
        if not done:
            proc.send_signal(signal.SIGKILL)
            interrupted += 1
        proc.wait()
        hub = open_hub(tmp_path)
        try:
            _same_as_rebuilt(hub)
            head = _hub_head(hub, _kinds(info, "late").code)
        finally:
            hub.close()
        if done:
            break
    assert interrupted, "every import finished before it could be killed"
    assert head == _village_head(_village_dir(root, _kinds(info, "late").code))


def test_the_catalogue_versions_in_force_are_the_townships_setting(hub):
    """The township chooses which catalogue versions its villages are judged by (Art. 30's items and
    deadlines come from the catalogue); choosing again judges every village again, a version the hub does
    not have is refused and changes nothing."""
    from app.disclosure.catalogue import load_all
    from app.hub.status import CATALOGUES_KEY, hub_setting

    before = projection_dump(hub)
    oldest = load_all(None)[0].version
    with pytest.raises(StatusError, match="没有版本为"):
        set_hub_setting(hub, CATALOGUES_KEY, "1999.9")
    assert hub_setting(hub, CATALOGUES_KEY, "") == "" and projection_dump(hub) == before
    try:
        set_hub_setting(hub, CATALOGUES_KEY, oldest)
        with hub.engine.connect() as conn:
            used = set(conn.execute(select(t.proj_disclosures.c.catalogue_version)).scalars())
        assert used == {oldest}
    finally:
        set_hub_setting(hub, CATALOGUES_KEY, "")
    assert projection_dump(hub) == before


@pytest.mark.slow
def test_the_public_pages_read_the_same_on_postgresql(township, tmp_path, request):
    """The villagers' pages (app/hub/public.py) of a hub on PostgreSQL say what they say on SQLite."""
    from app.hub.public import check_page, home_page, reader, village_page

    root, info = township
    ids, files = _sticks(root, info)
    pg = _fresh_hub(root, tmp_path / "pg", ids, request.getfixturevalue("pg_url"))
    lite = _fresh_hub(root, tmp_path / "lite", ids)
    try:
        for hub in (pg, lite):
            import_bundles(hub, files, receipts=tmp_path / "receipts")
        a, b = reader(pg), reader(lite)
        assert home_page(a) == home_page(b)
        with lite.engine.connect() as conn:
            certificate = json.loads(conn.execute(select(t.records.c.content).where(
                t.records.c.record_type == "certificate")).scalars().first())
        for v in info.villages:
            for q in ("", "公开"):
                assert village_page(a, v.code, q, TODAY) == village_page(b, v.code, q, TODAY)
        said = check_page(a, certificate["check_code"], TODAY)
        assert said == check_page(b, certificate["check_code"], TODAY) and certificate["serial"] in said
    finally:
        pg.close()
        lite.close()
