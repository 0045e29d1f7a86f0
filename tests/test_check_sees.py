"""`cunwu check` sees what was done to the store behind the program's back: attachment files changed or
removed on disk, a password hash copied from another user, events deleted below what the township has
confirmed, and values no program would write (a birth date of "garbage"). Each is a finding that names
where it is; check itself never stops with 出现意外问题.

The duty it serves: the village's records are evidence (村民委员会组织法 第三十条: 村务公开 and its
records; design.md, "tamper evidence"): a change made outside the program must be found, not trusted.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import select

from app.accounts import service as acc
from app.accounts.service import add_user, login_in_store, set_password
from app.attachments import add_attachment, blob_path
from app.check import check_store
from app.cli import main
from app.events import Event
from app.hub.service import import_bundles
from app.sync.export import export_bundle, import_receipt
from sync_helpers import Linked, hub_dump, linked  # noqa: F401 - the fixture
from test_cert_support import cert_store, catalogues  # noqa: F401 - fixtures

PHOTO = b"\xff\xd8\xff\xe0 the board with the notice pinned on it " * 50


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    real = acc.hash_password
    monkeypatch.setattr(acc, "hash_password", lambda p, n=2**10: real(p, n=n))


def _sql(store, *statements: str) -> None:
    """An edit typed into the sqlite3 shell: another connection, not the program."""
    con = sqlite3.connect(store.db_path)
    try:
        for statement in statements:
            con.execute(statement)
        con.commit()
    finally:
        con.close()


def _problems(store) -> list[str]:
    with store.read() as s:
        return [str(p) for p in check_store(s).problems]


def _cli_check(store, capsys) -> tuple[int, str]:
    code = main(["--data-dir", str(store.data_dir), "check"])
    out = capsys.readouterr()
    return code, out.out + out.err


# ---------------------------------------------------------------- (a) attachment files on disk


@pytest.fixture
def photo(store, tmp_path) -> str:
    source = tmp_path / "公开栏.jpg"
    source.write_bytes(PHOTO)
    with store.begin("测试") as s:
        sha = add_attachment(s, store.data_dir, source, name="公开栏.jpg", media_type="image/jpeg").sha256
    assert _problems(store) == []
    return sha


@pytest.mark.tampers
def test_an_attachment_file_changed_on_disk_is_found(store, photo, capsys):
    path = blob_path(store.data_dir, photo)
    path.chmod(0o644)
    path.write_bytes(PHOTO.replace(b"notice", b"NOTICE"))
    problems = _problems(store)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"attachments #{photo}") and "公开栏.jpg" in problems[0] and "改动" in problems[0]
    code, out = _cli_check(store, capsys)
    assert code == 1 and "公开栏.jpg" in out


@pytest.mark.tampers
@pytest.mark.parametrize("how", ["deleted", "emptied", "a folder instead"])
def test_an_attachment_file_removed_from_disk_is_found(store, photo, how):
    path = blob_path(store.data_dir, photo)
    path.unlink()
    if how == "emptied":
        path.write_bytes(b"")
    elif how == "a folder instead":
        path.mkdir()
    problems = _problems(store)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"attachments #{photo}") and "公开栏.jpg" in problems[0]
    assert ("找不到" in problems[0]) if how != "emptied" else ("改动" in problems[0])


def test_attachment_files_as_stored_pass(store, photo, tmp_path):
    other = tmp_path / "签到表.png"
    other.write_bytes(b"\x89PNG sign-in sheet " * 100)
    with store.begin("测试") as s:
        add_attachment(s, store.data_dir, other, name="签到表.png")
    assert _problems(store) == []


# ---------------------------------------------------------------- (b) password hashes


def _two_users(store) -> None:
    with store.begin("测试") as s:
        add_user(s, "管理员老张", "管理员", "liulin-admin-2026")
        add_user(s, "文书小王", "文书/会计", "xiaowang-wenshu")


@pytest.mark.tampers
def test_a_password_hash_copied_from_another_user_is_found(store, capsys):
    _two_users(store)
    # the clerk copies the administrator's hash into her own row: the administrator's password now opens her
    # account, and whoever knows it acts as her
    _sql(store, "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE name = '管理员老张') "
                "WHERE name = '文书小王'")
    assert login_in_store(store, "文书小王", "liulin-admin-2026").name == "文书小王"
    problems = _problems(store)
    assert len(problems) == 1, problems
    assert problems[0].startswith("users #") and "文书小王" in problems[0] and "密码" in problems[0]
    assert "管理员老张" in problems[0]  # whose password it now is
    code, out = _cli_check(store, capsys)
    assert code == 1 and "文书小王" in out


@pytest.mark.tampers
def test_a_password_hash_replaced_by_one_made_elsewhere_is_found(store):
    _two_users(store)
    forged = acc.hash_password("11112222")
    _sql(store, f"UPDATE users SET password_hash = '{forged}' WHERE name = '管理员老张'")
    problems = _problems(store)
    assert len(problems) == 1 and "管理员老张" in problems[0] and "密码" in problems[0], problems


def test_a_password_changed_by_the_program_passes_and_the_old_one_stops_working(store):
    _two_users(store)
    with store.begin("管理员老张") as s:
        set_password(s, "文书小王", "new-wenshu-pass")
    assert _problems(store) == []
    assert login_in_store(store, "文书小王", "new-wenshu-pass").name == "文书小王"
    with pytest.raises(acc.AccountError):
        login_in_store(store, "文书小王", "xiaowang-wenshu")


@pytest.mark.tampers
def test_a_store_whose_user_events_predate_the_password_digest_still_passes(store):
    """A store written before events carried the password's digest: its user events have no such field.
    It passes check, and the next login writes the digest so a later swap is found."""
    _two_users(store)
    with store.begin("测试") as s:
        for ev in s.scalars(select(Event).where(Event.record_type == "user")):
            import json

            content = json.loads(ev.content)
            assert "password_digest" in content
    _rewrite_log(store.db_path, _without_digest)
    assert _problems(store) == []
    login_in_store(store, "文书小王", "xiaowang-wenshu")
    assert _problems(store) == []
    _sql(store, "UPDATE users SET password_hash = (SELECT password_hash FROM users WHERE name = '管理员老张') "
                "WHERE name = '文书小王'")
    assert any("文书小王" in p and "密码" in p for p in _problems(store))


def _without_digest(seq, time, rtype, content):  # type: ignore[no-untyped-def]
    """User events as an older program wrote them: without the password's digest."""
    import json

    if rtype != "user":
        return time, content
    body = json.loads(content)
    body.pop("password_digest", None)
    return time, json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _rewrite_log(db_path: Path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite events with ``change(seq, time, record_type, content) -> (time, content)`` and recompute the
    whole chain, as someone who knows how the log is hashed could."""
    from app.events import GENESIS, event_hash

    con = sqlite3.connect(db_path)
    try:
        prev = GENESIS
        rows = con.execute("SELECT seq, time, actor, record_type, record_id, action, content FROM events "
                           "ORDER BY seq").fetchall()
        for seq, time, actor, rtype, rid, action, content in rows:
            time, content = change(seq, time, rtype, content)
            h = event_hash(prev, seq, time, actor, rtype, rid, action, content)
            con.execute("UPDATE events SET time = ?, content = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                        (time, content, prev, h, seq))
            prev = h
        con.commit()
    finally:
        con.close()


def test_password_hashes_never_reach_the_township(linked: Linked):
    with linked.store.begin("测试") as s:
        add_user(s, "管理员老张", "管理员", "liulin-admin-2026")
        set_password(s, "管理员老张", "liulin-admin-2027")
    con = sqlite3.connect(linked.store.db_path)
    (stored,) = con.execute("SELECT password_hash FROM users").fetchone()
    con.close()
    salt, digest = stored.split("$")[4:6]
    outcomes, _receipts = import_bundles(linked.hub, [linked.export()])
    assert outcomes[0].status == "imported"
    everything = repr(hub_dump(linked.hub))
    assert "管理员老张" in everything  # the user record did arrive
    for secret in (stored, salt, digest):
        assert secret not in everything


# ---------------------------------------------------------------- (c) events deleted below the receipted head


@pytest.mark.tampers
def test_events_deleted_below_the_head_the_township_confirmed_are_found(linked: Linked, capsys):
    before = linked.snapshot_db()  # the store as it was before 郑三 and 冯四 were added
    linked.add_residents("郑三", "冯四")
    _outcomes, receipts = import_bundles(linked.hub, [linked.export()], receipts=linked.stick)
    confirmed = import_receipt(linked.store, receipts[0]).last_seq
    assert _problems(linked.store) == []
    # the two people and their events are taken out again, the receipts kept: every row still matches the log
    con = sqlite3.connect(before)
    con.execute("ATTACH DATABASE ? AS now", (str(linked.store.db_path),))
    con.execute("INSERT INTO sync_outbox SELECT * FROM now.sync_outbox")
    con.execute("INSERT INTO sync_receipts SELECT * FROM now.sync_receipts")
    con.commit()
    con.execute("DETACH DATABASE now")
    con.close()
    linked.restore_db(before)
    with linked.store.read() as s:
        head = s.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1))
    assert head < confirmed
    problems = _problems(linked.store)
    assert len(problems) >= 1, problems
    assert any(str(confirmed) in p and str(head) in p and "乡镇" in p for p in problems), problems
    code, out = _cli_check(linked.store, capsys)
    assert code == 1 and str(confirmed) in out


@pytest.mark.tampers
def test_events_rewritten_at_the_confirmed_head_are_found(linked: Linked):
    _outcomes, receipts = import_bundles(linked.hub, [linked.export()], receipts=linked.stick)
    confirmed = import_receipt(linked.store, receipts[0]).last_seq
    # the last confirmed event is given another time, and the chain is recomputed from there on
    _rewrite_log(linked.store.db_path,
                 lambda seq, time, rtype, content: ("2020-01-01T00:00:00+08:00" if seq == confirmed else time, content))
    problems = _problems(linked.store)
    assert any(str(confirmed) in p and "乡镇" in p for p in problems), problems


# ---------------------------------------------------------------- (d) values no program writes


@pytest.mark.tampers
@pytest.mark.parametrize(("column", "value", "words"), [
    ("birth_date", "'garbage'", "日期"),
    ("birth_date", "'2020-02-30'", "日期"),
    ("birth_date", "20200101", "日期"),
    ("party_member", "'yes'", "是/否"),
    ("group_id", "'第一组'", "整数"),
    ("name", "x'e5bca0'", "文字"),
])
def test_a_value_no_program_writes_is_a_finding_not_a_crash(store, capsys, column, value, words):
    _sql(store, f"UPDATE residents SET {column} = {value} WHERE name = '李四'")
    with store.read() as s:
        rid = s.execute(select(Event.record_id).where(Event.record_type == "resident",
                                                       Event.content.contains('"李四"'))).scalars().first()
    problems = _problems(store)
    assert any(p.startswith(f"residents #{rid}") and column in p and words in p for p in problems), problems
    code, out = _cli_check(store, capsys)
    assert code == 1 and column in out and "出现意外问题" not in out


@pytest.mark.tampers
def test_a_bad_date_in_a_posted_notice_is_a_finding_and_the_other_checks_still_run(store, capsys):
    from test_disclosure_notices import posted

    nid = posted(store)
    _sql(store, f"UPDATE notices SET posted_until = '2026-13-45' WHERE id = {nid}",
         "UPDATE residents SET name = '冒名' WHERE name = '张三'")
    problems = _problems(store)
    assert any(p.startswith(f"notices #{nid}") and "posted_until" in p and "日期" in p for p in problems), problems
    assert any("冒名" in p for p in problems), problems
    code, out = _cli_check(store, capsys)
    assert code == 1 and "出现意外问题" not in out


@pytest.mark.tampers
def test_events_deleted_below_an_export_not_yet_confirmed_are_found(linked: Linked):
    before = linked.snapshot_db()
    linked.add_residents("郑三")
    exported = export_bundle(linked.store, linked.stick).last
    con = sqlite3.connect(before)
    con.execute("ATTACH DATABASE ? AS now", (str(linked.store.db_path),))
    con.execute("INSERT INTO sync_outbox SELECT * FROM now.sync_outbox")
    con.commit()
    con.execute("DETACH DATABASE now")
    con.close()
    linked.restore_db(before)
    problems = _problems(linked.store)
    assert any(str(exported) in p and "导出" in p for p in problems), problems


@pytest.mark.tampers
def test_a_damaged_database_file_is_a_finding_not_a_crash(store, capsys):
    store.close()
    con = sqlite3.connect(store.db_path)
    con.execute("PRAGMA journal_mode=DELETE")  # everything in the one file, no log beside it
    assert con.execute("PRAGMA journal_mode").fetchone() == ("delete",)
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'events'").fetchone()
    (page,) = con.execute("PRAGMA page_size").fetchone()
    con.close()
    whole = store.db_path.read_bytes()
    with open(store.db_path, "r+b") as fh:  # the log's first page overwritten, as a failing disk might
        fh.seek((root - 1) * page)
        fh.write(b"\xff" * 48)
    code, out = _cli_check(store, capsys)
    store.db_path.write_bytes(whole)  # the fixture reads the file after the test
    assert code == 1 and "出现意外问题" not in out, out
    assert "损坏" in out and "cunwu restore" in out, out


# ---------------------------------------------------------------- an edit carried into the log by a later write


@pytest.mark.tampers
@pytest.mark.parametrize(("column", "value", "words"), [("applicant_name", "'冒名'", "申请人"),
                                                        ("body", "'兹证明冒名顶替'", "证明内容"),
                                                        ("issue_date", "'2020-01-01'", "出具日期")])
def test_an_edit_of_an_issued_certificate_is_still_found_after_it_is_voided(cert_store, catalogues, column, value,
                                                                            words):
    from app.certificates.service import void_certificate
    from test_cert_support import issue

    issued = issue(cert_store, catalogues).certificate
    _sql(cert_store, f"UPDATE certificates SET {column} = {value} WHERE id = {issued.id}")
    assert any(p.startswith(f"certificates #{issued.id}") for p in _problems(cert_store))
    with cert_store.begin("测试") as s:  # the void writes the record, edit and all, into its event
        void_certificate(s, issued.serial, "填写有误,收回作废")
    problems = _problems(cert_store)
    assert any(p.startswith(f"certificates #{issued.id}") and words in p and issued.serial in p
               for p in problems), problems


@pytest.mark.tampers
def test_a_certificate_qr_code_with_another_signature_is_found(cert_store, catalogues):
    from test_cert_support import issue

    issued = issue(cert_store, catalogues).certificate
    with cert_store.read() as s:
        from app.certificates.models import Certificate

        qr = s.get(Certificate, issued.id).qr_payload
    prefix, body, signature = qr.split(".")
    forged = ".".join([prefix, body, ("A" if signature[0] != "A" else "B") + signature[1:]])
    _sql(cert_store, f"UPDATE certificates SET qr_payload = '{forged}' WHERE id = {issued.id}")
    problems = _problems(cert_store)
    assert any(p.startswith(f"certificates #{issued.id}") and "签名" in p for p in problems), problems


@pytest.mark.tampers
def test_events_deleted_at_two_places_are_both_named(store):
    """Two edits behind the program's back are two findings: the scan of the log goes on after the first
    break (the long run of the village state machine found only the first one named)."""
    with store.read() as s:
        head = s.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1))
    assert head >= 6
    first, second = 2, head - 1
    con = sqlite3.connect(store.db_path)
    con.execute("DELETE FROM events WHERE seq IN (?, ?)", (first, second))
    con.commit()
    con.close()
    problems = _problems(store)
    assert any(p.startswith("事件 {n}:".format(n=first + 1)) and "缺少事件 {n}(".format(n=first) in p for p in problems), problems
    assert any(p.startswith("事件 {n}:".format(n=second + 1)) and "缺少事件 {n}(".format(n=second) in p for p in problems), problems


@pytest.mark.tampers
def test_events_deleted_side_by_side_are_named_as_a_range(store):
    con = sqlite3.connect(store.db_path)
    con.execute("DELETE FROM events WHERE seq IN (3, 4)")
    con.commit()
    con.close()
    assert any(p.startswith("事件 5:") and "缺少事件 3 至 4" in p for p in _problems(store)), _problems(store)
