"""The villagers' pages of the township hub (``cunwu hub serve --public``, app/hub/public.py).

What a villager or an office that received a certificate sees: the township's villages; a village's notices on
the board, masked exactly as printed (个人信息保护法 Art. 6: no more personal information than the purpose
needs; the printout's own masking of ID numbers, app.masking); a notice whose posting period has ended keeps
only its title, number, dates and 核验码 (Art. 19: kept no longer than the purpose needs); the 核验 page saying
genuine / voided / not found / altered with the facts the paper shows (村民委员会组织法 Art. 30: the committee
answers for the truth of what it posts, and villagers may check it).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

import pytest

from app.disclosure.service import check_code
from app.masking import mask_id
from public_helpers import Served, board, hub_copy, sql, visible

pytestmark = pytest.mark.slow  # the demo township is built once, about fifteen seconds


@pytest.fixture
def township(tmp_path: Path):
    hub = hub_copy(tmp_path)
    b = board(hub)
    served = Served(hub, b.day)
    try:
        yield hub, b, served
    finally:
        served.stop()
        hub.close()


def _notice(hub, code: str, rid: str) -> dict:
    (content,) = sql(hub, "SELECT content FROM hub_records WHERE village_code = ? AND record_type = 'notice' "
                          "AND record_id = ?", code, rid)[0]
    return json.loads(content)


def _ended_low_income(hub, b) -> dict:
    """The same village's previous 低保 notice, whose posting period has ended."""
    (rid,) = sql(hub, "SELECT record_id FROM hub_proj_notices WHERE village_code = ? AND item_code = 'SW-02' "
                      "AND state IN ('posted', 'archived') AND posted_until < ? ORDER BY posted_from DESC LIMIT 1",
                 b.code, b.day.isoformat())[0]
    return _notice(hub, b.code, rid)


def _ids(doc: dict) -> list[str]:
    tables = json.loads(doc["tables"])
    col = tables[0]["columns"].index("身份证号")
    return [row[col] for row in tables[0]["rows"]]


def _names(doc: dict) -> set[str]:
    tables = json.loads(doc["tables"])
    col = tables[0]["columns"].index("姓名")
    return {row[col] for row in tables[0]["rows"]}


# ---------------------------------------------------------------- the township's page


def test_the_home_page_lists_the_villages_in_plain_chinese_for_a_phone(township):
    hub, b, served = township
    status, headers, page = served.get("/")
    assert status == 200
    assert '<html lang="zh-CN">' in page and 'name="viewport"' in page and "width=device-width" in page
    assert headers["content-type"].startswith("text/html; charset=utf-8")
    assert headers["content-security-policy"] == "default-src 'self'"
    for code, name in sql(hub, "SELECT code, name FROM hub_villages"):
        assert '<a href="/v/{}/">{}</a>'.format(code, name) in page
    assert "<script" not in page and "http://" not in page and "https://" not in page  # nothing from elsewhere


def test_the_pages_are_served_by_the_hub_only_when_public(tmp_path):
    hub = hub_copy(tmp_path)
    on, off = Served(hub, server=True, public=True), Served(hub, server=True, public=False)
    try:
        assert on.get("/")[0] == 200 and "村务公开查询" in visible(on.get("/")[2])
        assert off.get("/")[0] == 404 and off.get("/check")[0] == 404
    finally:
        on.stop()
        off.stop()
        hub.close()


# ---------------------------------------------------------------- a village's board


def test_a_notice_on_the_board_shows_its_text_and_table_masked_as_printed(township):
    hub, b, served = township
    doc = _notice(hub, b.code, b.record_id)
    status, headers, page = served.get("/v/{}/".format(b.code))
    text = visible(page)
    assert status == 200 and headers["cache-control"] == "no-store"
    assert doc["title"] in text and "公开编号:{}".format(b.number) in text
    assert "最低生活保障对象" in text                      # its body's sub-heading
    for id_number in _ids(doc):                              # PIPL: the board masks ID numbers, so does the page
        assert id_number not in page
        assert mask_id(id_number) in text
    for name in _names(doc):                                 # names stay, as on the printed notice
        assert name in text
    assert "核验码:{}".format(check_code(doc["content_hash"])) in text
    assert "张贴期 {} 至 {}".format(doc["posted_from"], doc["posted_until"]) in text


def test_the_board_lists_its_notices_newest_first_and_no_drafts(township):
    hub, b, served = township
    page = visible(served.get("/v/{}/".format(b.code))[2])
    on_board = sql(hub, "SELECT number, title FROM hub_proj_notices WHERE village_code = ? AND state IN ('posted', "
                        "'archived') AND posted_from <= ? AND posted_until >= ? ORDER BY posted_from DESC, number DESC",
                   b.code, b.day.isoformat(), b.day.isoformat())
    assert len(on_board) >= 2
    places = [page.index("公开编号:{}".format(number)) for number, _title in on_board]
    assert places == sorted(places)
    posted_titles = {t for (t,) in sql(hub, "SELECT title FROM hub_proj_notices WHERE village_code = ? "
                                            "AND state IN ('posted', 'archived')", b.code)}
    drafts = [t for (t,) in sql(hub, "SELECT title FROM hub_proj_notices WHERE village_code = ? "
                                     "AND state NOT IN ('posted', 'archived')", b.code) if t not in posted_titles]
    assert drafts
    for title in drafts:
        assert title not in page


def test_an_ended_notice_keeps_its_title_and_dates_but_not_its_text(township):
    """个人信息保护法 第十九条: "除法律、行政法规另有规定外,个人信息的保存期限应当为实现处理目的所必要的最短时间。"
    The purpose is the posting: the page shows a notice's text no longer than the board does."""
    hub, b, served = township
    ended = _ended_low_income(hub, b)
    current_names = _names(_notice(hub, b.code, b.record_id))
    only_ended = _names(ended) - current_names
    assert only_ended
    page = served.get("/v/{}/".format(b.code))[2]
    text = visible(page)
    assert ended["number"] in text and ended["title"] in text
    assert "张贴期 {} 至 {}".format(ended["posted_from"], ended["posted_until"]) in text
    for name in only_ended:
        assert name not in page
    for id_number in _ids(ended):
        assert mask_id(id_number) not in text or id_number in _ids(_notice(hub, b.code, b.record_id))
    # its 核验码 still checks, without its text
    answer = visible(served.check(check_code(ended["content_hash"]))[2])
    assert "真实" in answer and ended["title"] in answer and "不再显示它的内容" in answer
    for name in only_ended:
        assert name not in answer


def test_search_finds_notices_by_their_printed_words_only(township):
    hub, b, served = township
    doc = _notice(hub, b.code, b.record_id)
    found = visible(served.get("/v/{}/?q={}".format(b.code, quote("最低生活保障")))[2])
    assert doc["title"] in found and "找到 1 份正在张贴的公告" in found
    assert "财务收支情况" not in found.split("已过张贴期的公告")[0]
    # a full ID number is not on the board, so the search does not find it either
    raw_id = _ids(doc)[0]
    missed = visible(served.get("/v/{}/?q={}".format(b.code, quote(raw_id)))[2])
    assert "找到 0 份正在张贴的公告" in missed and doc["title"] not in missed
    masked = visible(served.get("/v/{}/?q={}".format(b.code, quote(mask_id(raw_id))))[2])
    assert doc["title"] in masked


def test_an_unknown_village_gets_a_chinese_404_page(township):
    _hub, _b, served = township
    status, _headers, page = served.get("/v/000000000000000000/")
    assert status == 404 and "找不到这个页面" in visible(page)
    assert served.get("/admin")[0] == 404 and served.get("/api/v1/villages")[0] == 404


def test_the_township_can_switch_a_village_page_off(township):
    from app.hub.public import public_off, set_public_off

    hub, b, served = township
    set_public_off(hub, [b.code])
    assert public_off(hub) == {b.code}
    status, _h, page = served.get("/v/{}/".format(b.code))
    assert status == 200 and "乡镇还没有开通这个村的公开查询页面" in visible(page)
    assert _notice(hub, b.code, b.record_id)["title"] not in page
    assert '/v/{}/'.format(b.code) not in served.get("/")[2]
    set_public_off(hub, [])
    assert _notice(hub, b.code, b.record_id)["title"] in served.get("/v/{}/".format(b.code))[2]


def test_a_notice_changed_on_the_hub_since_posting_is_not_shown_and_checks_as_altered(township):
    hub, b, served = township
    doc = _notice(hub, b.code, b.record_id)
    changed = dict(doc, body=doc["body"] + "\n另加的一句话。")
    sql(hub, "UPDATE hub_records SET content = ? WHERE village_code = ? AND record_type = 'notice' AND record_id = ?",
        json.dumps(changed, ensure_ascii=False), b.code, b.record_id)
    page = visible(served.get("/v/{}/".format(b.code))[2])
    assert "与张贴时的内容不一致" in page and "另加的一句话" not in page
    answer = visible(served.check(check_code(doc["content_hash"]))[2])
    assert "被改动过" in answer


# ---------------------------------------------------------------- /check


def _certificate(hub, state: str) -> dict:
    (content,) = sql(hub, "SELECT content FROM hub_records WHERE record_type = 'certificate' "
                          "AND json_extract(content, '$.state') = ? ORDER BY village_code, seq LIMIT 1", state)[0]
    return json.loads(content)


def test_a_genuine_certificate_checks_with_the_facts_on_the_paper_and_nothing_more(township):
    hub, _b, served = township
    cert = _certificate(hub, "issued")
    for asked in (cert["qr_payload"], cert["check_code"].lower()):
        status, headers, page = served.check(asked)
        text = visible(page)
        assert status == 200 and headers["cache-control"] == "no-store"
        assert "真实" in text and "这份证明是真的" in text
        for fact in (cert["serial"], cert["applicant_name"], cert["kind_name"], cert["issue_date"]):
            assert fact in text
        assert cert["applicant_id_number"] not in page and cert["verified_by"] not in page  # not on the paper's face


def test_a_voided_certificate_says_so_without_the_reason(township):
    hub, _b, served = township
    cert = _certificate(hub, "voided")
    text = visible(served.check(cert["qr_payload"])[2])
    assert "已作废" in text and cert["serial"] in text
    assert cert["void_reason"] and cert["void_reason"] not in text


def test_a_certificate_whose_qr_text_was_changed_is_altered(township):
    from app.certificates.payload import b64url, unb64url

    hub, _b, served = township
    cert = _certificate(hub, "issued")
    prefix, body, signature = cert["qr_payload"].split(".")
    doc = json.loads(unb64url(body))
    doc["n"] = doc["n"] + "某"                             # someone else's name on the paper
    forged = ".".join((prefix, b64url(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()), signature))
    text = visible(served.check(forged)[2])
    assert "被改动过" in text and doc["n"] not in text


def test_codes_that_are_nowhere_are_not_found(township):
    hub, _b, served = township
    known = {c for (c,) in sql(hub, "SELECT json_extract(content, '$.check_code') FROM hub_records "
                                    "WHERE record_type = 'certificate'")}
    code = next(c for c in ("ZZZZZZ", "ZZZZZY", "ZZZZZX") if c not in known)
    assert "查不到" in visible(served.check(code)[2])
    assert "查不到" in visible(served.check("0000-0000-0000-0000")[2])


def test_a_notice_checks_by_its_code_and_by_its_qr_text(township):
    from app.disclosure.service import qr_payload

    hub, b, served = township
    doc = _notice(hub, b.code, b.record_id)
    by_code = visible(served.check("核验码:" + check_code(doc["content_hash"]).lower())[2])
    assert "真实" in by_code and doc["title"] in by_code and b.number in by_code
    payload = qr_payload(b.code, b.number, doc["content_hash"])
    status, _h, page = served.check(payload)
    assert "真实" in visible(page) and 'href="/v/{}/#n-{}"'.format(b.code, b.number) in page
    wrong = qr_payload(b.code, b.number, "0" * 64)
    assert "被改动过" in visible(served.check(wrong)[2])


def test_bad_input_gets_a_plain_message_and_nothing_else(township):
    _hub, _b, served = township
    opened = served.get("/check")
    assert opened[0] == 200 and 'class="result' not in opened[2] and 'name="code"' in opened[2]
    empty = served.check("  ")
    assert empty[0] == 200 and 'class="result plain"' in empty[2] and "请先输入" in visible(empty[2])
    for rubbish in ("x" * 5000, "你好", "CW1.abc.def", "<script>alert(1)</script>"):
        status, headers, page = served.check(rubbish)
        assert status == 200 and headers["cache-control"] == "no-store"
        assert 'class="result plain"' in page
        assert "<script>" not in page


# ---------------------------------------------------------------- item 6: notices' QR codes carry the public address

ADDRESS = "https://xz.example.gov.cn"


def test_one_device_asking_too_many_checks_in_a_minute_is_told_to_wait_and_others_are_not(township):
    """A six-character certificate code must not be guessed by asking thousands of times."""
    import http.client

    from app.hub.public import CHECKS_PER_MINUTE

    _hub, _b, served = township

    def ask(forwarded: str) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
        try:  # through the township's proxy on the same machine, which names the phone's address
            conn.request("GET", "/check?code=ABC123", headers={"X-Forwarded-For": forwarded})
            r = conn.getresponse()
            return r.status, r.read().decode("utf-8")
        finally:
            conn.close()

    answers = [ask("203.0.113.7") for _i in range(CHECKS_PER_MINUTE + 1)]
    assert all(status == 200 for status, _page in answers[:-1])
    status, page = answers[-1]
    assert status == 429 and "过一分钟再查" in visible(page)
    assert ask("198.51.100.2")[0] == 200  # another phone is not held up
    assert served.get("/check")[0] == 200  # the page itself still opens


def _printed(store, notice_id: int):
    import datetime as dt

    from app.disclosure.printing import notice_pdf_bytes
    from app.disclosure.service import notice_view

    with store.read() as s:
        view = notice_view(s, notice_id, print_date=dt.date(2026, 10, 20))
    return view, notice_pdf_bytes(view)


def _qr_text(pdf: bytes, tmp_path: Path) -> str:
    import subprocess

    (tmp_path / "n.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-f", "1", "-l", "1", str(tmp_path / "n.pdf"),
                    str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    out = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_a_notice_qr_code_opens_the_check_page_when_the_village_set_the_townships_address(township, tmp_path):
    from app.config import load_settings, save_settings
    from app.disclosure.service import qr_payload
    from app.hub.public import ADDRESS_SETTING, check_address
    from public_helpers import village_store

    hub, b, served = township
    store = village_store(tmp_path / "village", b.name)
    try:
        doc = _notice(hub, b.code, b.record_id)
        plain = qr_payload(b.code, b.number, doc["content_hash"])
        before, before_pdf = _printed(store, int(b.record_id))
        assert before.qr_payload == plain                   # no address: the offline QR code as always
        settings = load_settings(store.data_dir)
        save_settings(store.data_dir, dict(settings, **{ADDRESS_SETTING: ADDRESS + "/"}))
        linked, linked_pdf = _printed(store, int(b.record_id))
        assert linked.qr_payload == check_address(ADDRESS, plain) == ADDRESS + "/check?code=" + plain.replace("|", "%7C")
        assert _qr_text(linked_pdf, tmp_path) == linked.qr_payload   # what a phone's camera reads
        # the phone opens that address: the page answers 真实 for this notice
        answer = visible(served.get(linked.qr_payload[len(ADDRESS):])[2])
        assert "真实" in answer and doc["title"] in answer
        # the address pasted whole into the check box works as well
        assert "真实" in visible(served.check(linked.qr_payload)[2])
        # taken away again: the same bytes as before it was set
        save_settings(store.data_dir, dict(settings, **{ADDRESS_SETTING: ""}))
        assert _printed(store, int(b.record_id))[1] == before_pdf
    finally:
        store.close()


def test_an_address_that_is_no_address_is_refused_and_never_printed(tmp_path):
    from app.config import save_settings
    from app.errors import FieldError
    from app.hub.public import ADDRESS_SETTING, clean_address, village_address

    assert clean_address("  xz.example.gov.cn/ ") == "https://xz.example.gov.cn"
    assert clean_address("") == ""
    for bad in ("乡镇网站", "https://xz.example.gov.cn/check?code=1", "javascript:alert(1)", "http://a b"):
        with pytest.raises(FieldError):
            clean_address(bad)
    save_settings(tmp_path, {ADDRESS_SETTING: "javascript:alert(1)"})  # typed into the file by hand
    assert village_address(tmp_path) == ""


def test_the_page_shows_what_the_townships_printout_of_each_notice_shows(township, tmp_path):
    """The same text as the printed notice (the township prints a village's notice from its copy of the village's
    store, app.hub.village_copy): every line, table cell and footer item, masked the same way."""
    from app.disclosure.layout import notice_content
    from app.disclosure.service import notice_view
    from app.hub.village_copy import village_copy
    from app.schema import open_store

    hub, b, served = township
    page = visible(served.get("/v/{}/".format(b.code))[2])
    on_board = [int(rid) for (rid,) in sql(
        hub, "SELECT record_id FROM hub_proj_notices WHERE village_code = ? AND state IN ('posted', 'archived') "
             "AND posted_from <= ? AND posted_until >= ?", b.code, b.day.isoformat(), b.day.isoformat())]
    assert len(on_board) >= 2
    copy = open_store(village_copy(hub, b.code, tmp_path / "copy"))
    try:
        for notice_id in on_board:
            with copy.read() as s:
                printed = notice_content(notice_view(s, notice_id))
            assert printed.title in page and printed.header in page
            for line in printed.body:
                assert line.strip().removeprefix("## ").removeprefix("- ") in page
            for table in printed.tables:
                for row in [*table.rows, table.total or []]:
                    for cell in row:
                        assert cell in page
            for item, _bold in printed.footer:
                if not item.startswith("打印日期"):
                    assert item in page, item
            for line in printed.signature:
                assert line in page
    finally:
        copy.close()


def test_a_village_page_reads_a_fixed_few_rows_never_the_event_log(township):
    """The board is one query on the hub's notice projection (its key begins with the village) plus the records
    of the notices shown: as many statements for a village with a year of notices as for one with a few."""
    import datetime as dt

    from sqlalchemy import event

    from app.hub.public import reader, village_page

    hub, b, _served = township
    hub = reader(hub)   # as the served pages read the hub
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        statements.append(statement)

    event.listen(hub.engine, "before_cursor_execute", seen)
    try:
        village_page(hub, b.code, "", b.day)
        busy = list(statements)
        statements.clear()
        village_page(hub, b.code, "", b.day + dt.timedelta(days=400))   # nothing on the board that day
        quiet = list(statements)
    finally:
        event.remove(hub.engine, "before_cursor_execute", seen)
    assert len(busy) <= 7 and len(quiet) <= len(busy)
    assert not any("hub_events" in s for s in busy + quiet)
    (listing,) = [s for s in busy if "FROM hub_proj_notices" in s]
    plan = sql(hub, "EXPLAIN QUERY PLAN " + listing.replace("?", "'x'"))
    assert any("USING INDEX" in str(row) and "village_code=?" in str(row) for row in plan), plan


def test_the_pages_answer_while_a_bundle_is_being_imported(township):
    """An import holds the hub's write lock for its whole transaction; villagers' pages do not wait for it."""
    import sqlite3
    import time

    hub, b, served = township
    writer = sqlite3.connect(hub.dir / "hub.sqlite3", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE hub_villages SET last_import = last_import")
        started = time.monotonic()
        status, _h, page = served.get("/v/{}/".format(b.code))
        assert status == 200 and b.number in visible(page)
        assert served.check(check_code(_notice(hub, b.code, b.record_id)["content_hash"]))[0] == 200
        assert time.monotonic() - started < 5
    finally:
        writer.execute("ROLLBACK")
        writer.close()
