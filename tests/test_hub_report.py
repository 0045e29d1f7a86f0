"""The township's monthly report for the county (cunwu hub report): the workbook a county clerk opens, the two
pages the township head reads, and the months it refuses.

What the report supervises: disclosure on time (村民委员会组织法 Art. 30; Art. 31 — late disclosure is the
township's to investigate), the representatives' meeting at least once a quarter (Art. 26), 四议两公开 and the
certificates issued, voided and refused."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

import app.cli
from app.hub.report import (AlertLine, CertificateLine, DisclosureLine, MatterLine, MeetingLine, MonthReport,
                            QuarterLine, ReportError, VillageLine, check_month, parse_month, quarter_text,
                            report_from_rows, township_report_printout, write_report_pdf, write_report_xlsx)
from app.printing.pdf import pdf_bytes
from test_cert_support import catalogues, cert_store  # noqa: F401

D = dt.date
NAMES = ["柳林村", "李庄村", "石桥村", "王家湾村", "东山村", "河西村", "新建村", "红旗村", "向阳村", "南岗村"]
ITEMS = ["财务收支情况", "低保对象名单", "集体资产发包", "村级重大事项"]
INJECTION = '=HYPERLINK("http://example.com/x","点此办理")'


def sample(n: int = 10, *, injected: bool = True) -> MonthReport:
    """A township of ``n`` villages in November 2026, filled by hand."""
    names = [NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else str(i)) for i in range(n)]
    villages = tuple(VillageLine(
        "54371427000000{:04d}".format(i), name, "" if i == 3 else "2026-11-{:02d} 10:00".format(20 + i % 8),
        None if i == 3 else 2 + i % 8, pending=int(i == 4), refused=int(i == 5),
        alerts=("从未同步",) if i == 3 else ("出现分叉",) if i == 5 else ()) for i, name in enumerate(names))
    states = ["done", "late", "overdue", "due"]
    disclosures = tuple(DisclosureLine(name, item, "2026年10月", D(2026, 11, 10), states[(i + j) % 4],
                                       D(2026, 11, 15) if states[(i + j) % 4] == "late" else None)
                        for i, name in enumerate(names) for j, item in enumerate(ITEMS))
    quarter = tuple(QuarterLine(name, "2026年第四季度", None if i == 7 else i % 3 != 0,
                                D(2026, 11, 5) if i % 3 else None) for i, name in enumerate(names))
    meetings = tuple(MeetingLine(name, ["村民代表会议", "党员大会", "两委联席会议"][i % 3], D(2026, 11, 3 + i % 20),
                                 "研究村道硬化", i % 4 != 0, 20 + i % 10, 30) for i, name in enumerate(names))
    matters = tuple(MatterLine(name, INJECTION if injected and i == 1 else "集体鱼塘发包", "两委会商议", "进行中",
                               D(2026, 9, 1 + i % 28), 60 + i if i % 2 else None) for i, name in enumerate(names))
    certificates = tuple(CertificateLine(name, kind, 3 + i % 5, i % 2, i % 3)
                         for i, name in enumerate(names) for kind in ("居住证明", "家庭经济状况证明"))
    return MonthReport("石桥镇", "2026-11", D(2026, 11, 30), "2026-12-01 09:30", villages, disclosures, quarter,
                       meetings, matters, certificates)


# ---------------------------------------------------------------- the workbook


def test_workbook_has_one_sheet_per_topic_with_chinese_headers_frozen_and_wide_enough(tmp_path):
    path = tmp_path / "月报.xlsx"
    write_report_xlsx(sample(), path)
    book = load_workbook(path)
    assert book.sheetnames == ["各村概况", "同步提醒", "村务公开", "村民代表会议", "会议", "四议两公开", "证明"]
    for sheet in book.worksheets:
        header_row = next(r for r in range(1, 6) if sheet.cell(r, 1).value in ("村代码", "村名"))
        # the header row stays on screen when the clerk scrolls down
        assert sheet.freeze_panes == "A{}".format(header_row + 1), sheet.title
        assert sheet.cell(header_row, 1).font.b
        for col in range(1, sheet.max_column + 1):
            letter = sheet.cell(header_row, col).column_letter
            header = str(sheet.cell(header_row, col).value)
            # a Chinese character takes two columns' width: the header is never cut off
            assert sheet.column_dimensions[letter].width >= 2 * len(header), (sheet.title, header)
    overview = book["各村概况"]
    assert [c.value for c in overview[4]] == ["村代码", "村名", "上次同步", "距统计日天数", "等待补齐的同步包",
                                              "拒收的同步包", "提醒"]
    assert overview["A1"].value == "石桥镇 2026年11月村务监督月报 —— 各村概况"


def _red(cell) -> bool:
    return cell.fill.fill_type == "solid" and cell.fill.fgColor.rgb == "FFFFC7CE"


def test_overdue_disclosures_are_red_and_say_overdue_in_words(tmp_path):
    """Art. 30/31: the township sees at once who did not post on time; colour never alone (it says 逾期)."""
    path = tmp_path / "月报.xlsx"
    report = sample()
    write_report_xlsx(report, path)
    sheet = load_workbook(path)["村务公开"]
    rows = list(sheet.iter_rows(min_row=5))
    assert len(rows) == len(report.disclosures)
    by_state = {}
    for row, line in zip(rows, report.disclosures):
        village, item, period, deadline, posted, state = row
        assert (village.value, item.value, period.value) == (line.village, line.item, line.period)
        assert deadline.value.date() == line.deadline and deadline.number_format == "yyyy-mm-dd"
        by_state.setdefault(line.state, set()).add((state.value, _red(state)))
    assert by_state["overdue"] == {("逾期未公开", True)}
    assert by_state["late"] == {("逾期公开(2026-11-15)", True)}
    assert by_state["done"] == {("按时公开", False)}
    assert by_state["due"] == {("待公开", False)}
    for row in rows:
        state = row[5]
        assert _red(state) == ("逾期" in state.value)


def test_a_quarter_ended_without_a_representatives_meeting_is_red_with_its_words(tmp_path):
    """Art. 26: the representatives' meeting is convened at least once a quarter."""
    report = sample(4)
    ended = MonthReport(report.township, "2026-12", D(2026, 12, 31), quarter=(
        QuarterLine("柳林村", "2026年第四季度", False, None, quarter_over=True),
        QuarterLine("李庄村", "2026年第四季度", True, D(2026, 10, 9), quarter_over=True),
        QuarterLine("石桥村", "2026年第四季度", None, None, quarter_over=True)), villages=report.villages)
    path = tmp_path / "月报.xlsx"
    write_report_xlsx(ended, path)
    rows = list(load_workbook(path)["村民代表会议"].iter_rows(min_row=5))
    assert [(r[0].value, r[2].value, _red(r[2])) for r in rows] == [
        ("柳林村", "未召开(逾期)", True), ("李庄村", "已召开", False),
        ("石桥村", "不计(本季度开始以后才用本程序记录)", False)]
    assert rows[1][3].value.date() == D(2026, 10, 9)


def test_no_cell_is_a_formula_even_when_a_village_typed_one(tmp_path):
    path = tmp_path / "月报.xlsx"
    write_report_xlsx(sample(), path)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 7
    assert not any("<f>" in s or "<f " in s for s in sheets)
    cell = next(c for row in load_workbook(path)["四议两公开"].iter_rows() for c in row if c.value == INJECTION)
    assert cell.data_type == "s" and cell.quotePrefix


def test_a_refused_month_writes_no_workbook_and_says_why(tmp_path):
    with pytest.raises(ReportError, match="看不懂"):
        check_month("2026-13", D(2026, 12, 6))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- the months


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-11", "十一月", "", "2026-11-01", "abcd-ef"])
def test_a_malformed_month_is_refused_with_an_example(text):
    with pytest.raises(ReportError, match="例如 2026-11"):
        parse_month(text)


def test_months_typed_with_full_width_digits_or_chinese_are_understood():
    assert parse_month("２０２６－１１") == (2026, 11)
    assert parse_month("2026年3月") == (2026, 3)
    assert parse_month(" 2026-3 ") == (2026, 3)


def test_a_future_month_is_refused_and_the_running_month_is_reported_until_today():
    with pytest.raises(ReportError, match="还没有到.*2026-12"):
        check_month("2027-01", D(2026, 12, 6))
    assert check_month("2026-12", D(2026, 12, 6)) == ("2026-12", D(2026, 12, 6))
    assert check_month("2026-11", D(2026, 12, 6)) == ("2026-11", D(2026, 11, 30))
    assert check_month("2024-02", D(2026, 12, 6)) == ("2024-02", D(2024, 2, 29))


# ---------------------------------------------------------------- from the hub's rows


def test_rows_from_the_hub_become_the_report_with_certificates_counted_by_kind():
    """The rows as app.hub.status.month_rows gives them: a certificate issued in October and voided in November
    counts as voided in November, not as issued."""
    a, b = {"code": "A", "name": "柳林村"}, {"code": "B", "name": "李庄村"}
    rows = {
        "villages": [
            {**a, "last_sync": "2026-11-20T10:00:00+08:00", "days_since": 99, "pending": 1, "refused": 0,
             "alerts": ["有同步包在等前面的包"], "quarter_label": "2026年第四季度", "quarter_meeting": False},
            {**b, "last_sync": "", "days_since": None, "pending": 0, "refused": 0,
             "alerts": ["从未同步"], "quarter_label": "2026年第四季度", "quarter_meeting": None}],
        "disclosures": [{**a, "item": "F-01", "item_name": "财务收支", "period": "2026-10",
                         "period_label": "2026年10月", "deadline": "2026-11-10", "posted_on": "", "state": "overdue"}],
        "meetings": [{**a, "record_id": "7", "kind": "村民代表会议", "date": "2026-11-03", "title": "研究村道",
                      "quorate": False, "state": "closed"}],
        "matters": [{**a, "record_id": "3", "subject": "鱼塘发包", "step": 2, "step_label": "两委会商议",
                     "state": "in_progress", "state_label": "进行中", "last_step_on": "2026-10-01", "stalled": True}],
        "certificates": [
            {**a, "serial": "2026-居住-0003", "kind": "SD-01", "kind_name": "居住证明", "day": "2026-11-04",
             "voided_on": "", "state": "issued"},
            {**a, "serial": "2026-居住-0004", "kind": "SD-01", "kind_name": "居住证明", "day": "2026-11-05",
             "voided_on": "2026-11-06", "state": "voided"},
            {**a, "serial": "2026-居住-0001", "kind": "SD-01", "kind_name": "居住证明", "day": "2026-10-20",
             "voided_on": "2026-11-02", "state": "voided"}],
        "refusals": [{**a, "record_id": "1", "kind": "", "requested": "亲属关系证明", "day": "2026-11-08"}],
        "alerts": [{**b, "at": "2026-11-12T09:30:00+08:00", "kind": "fork", "reason": "fork",
                    "message": "出现分叉:村里用旧备份恢复后又导出了同步包"}],
    }
    r = report_from_rows("石桥镇", "2026-11", D(2026, 11, 30), rows)
    assert r.villages[0].days_since == 10 and r.villages[1].last_sync == "" and r.villages[1].days_since is None
    assert r.disclosures[0].village == "柳林村" and r.disclosures[0].deadline == D(2026, 11, 10)
    assert r.disclosures[0].posted_on is None
    assert [(q.village, q.held, q.quarter_over) for q in r.quarter] == [("柳林村", False, False), ("李庄村", None, False)]
    assert [quarter_text(q) for q in r.quarter] == ["本季度尚未召开", "不知道(从未同步)"]
    assert r.meetings[0].quorate is False and r.meetings[0].kind == "村民代表会议"
    assert r.matters[0].stalled_days == 60 and r.matters[0].state == "进行中"
    assert r.certificates == (CertificateLine("柳林村", "亲属关系证明", refused=1),
                              CertificateLine("柳林村", "居住证明", issued=2, voided=2))
    assert r.alerts == (AlertLine("李庄村", "2026-11-12 09:30", "出现分叉:村里用旧备份恢复后又导出了同步包"),)
    assert not r.empty
    assert report_from_rows("石桥镇", "2026-11", D(2026, 11, 30), {"villages": rows["villages"][1:]}).empty


# ---------------------------------------------------------------- the two pages


def _runs(pdf: bytes) -> list[list[tuple[float, str]]]:
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[tuple[float, str]] = []

        def visit(text, _cm, tm, _font, size, found=found):  # type: ignore[no-untyped-def]
            if text.strip():
                found.append((round(size * tm[0], 1), text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def test_the_summary_is_two_pages_in_big_type_with_the_villages_to_follow_up():
    pdf = pdf_bytes(township_report_printout(sample()))
    pages = _runs(pdf)
    assert len(pages) == 2
    first = "".join(t for _s, t in pages[0])
    second = "".join(t for _s, t in pages[1])
    assert "石桥镇村务监督月报" in first and "2026年11月" in first and "第1页/共2页" in first.replace(" ", "")
    assert "需要督促的村" in first and "王家湾村" in first and "从未同步" in first and "出现分叉" in first
    assert "逾期未公开" in second and "停滞的四议两公开事项" in second and "居住证明" in second
    sizes = {s for page in pages for s, _t in page}
    assert max(sizes) == 24.0  # the title
    body = [s for page in pages for s, t in page if "逾期未公开" in t or "柳林村" in t]
    assert body and min(body) >= 14.0  # table cells as large as the body, readable at a desk


def test_a_township_of_sixty_villages_still_gets_two_pages_and_is_told_where_the_rest_is():
    report = sample(60)
    pages = _runs(pdf_bytes(township_report_printout(report)))
    assert len(pages) == 2
    text = "".join(t for page in pages for _s, t in page)
    assert "另有" in text and "见月报表格(xlsx)" in text


def test_an_empty_month_section_says_none_instead_of_an_empty_table():
    quiet = MonthReport("石桥镇", "2026-11", D(2026, 11, 30), villages=sample(2).villages)
    pages = _runs(pdf_bytes(township_report_printout(quiet)))
    assert len(pages) == 2
    assert "没有。" in "".join(t for _s, t in pages[1])


def test_the_pdf_is_written_whole(tmp_path):
    path = tmp_path / "月报.pdf"
    write_report_pdf(sample(), path)
    assert len(PdfReader(str(path)).pages) == 2
    assert [p.name for p in tmp_path.iterdir()] == ["月报.pdf"]


# ---------------------------------------------------------------- the command


@pytest.fixture
def township(tmp_path, store) -> Path:
    """A township hub with the test village enrolled but nothing received yet."""
    from app.hub.service import enroll, init_hub
    from app.keys import ensure_village_key, write_identity_file
    from app.people.service import get_village

    ensure_village_key(store.data_dir)
    with store.read() as s:
        v = get_village(s)
    hub = init_hub(tmp_path / "township", "石桥镇")
    try:
        write_identity_file(store.data_dir, tmp_path / "id.json", code=v.code, name=v.name, township=v.township)
        enroll(hub, tmp_path / "id.json")
    finally:
        hub.close()
    return tmp_path / "township"


def _report(capsys, data_dir: Path, *argv: str) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(data_dir), "hub", "report", *argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("month, words", [
    ("2026-13", "看不懂"), ("2026/11/05", "看不懂"), ("2999-01", "还没有到"), ("2020-05", "没有任何村的数据")])
@pytest.mark.parametrize("suffix", [".xlsx", ".pdf"])
def test_bad_months_on_the_command_line_say_why_and_write_nothing(capsys, township, tmp_path, month, words, suffix):
    out = tmp_path / "out"
    out.mkdir()
    code, _out, err = _report(capsys, township, "--month", month, "-o", str(out / ("月报" + suffix)))
    assert code == 1 and words in err and "Traceback" not in err
    assert list(out.iterdir()) == []


def test_a_township_without_villages_is_told_to_enroll_them_first(capsys, tmp_path):
    from app.hub.service import init_hub

    init_hub(tmp_path / "empty", "石桥镇").close()
    code, _out, err = _report(capsys, tmp_path / "empty", "--month", "2020-05", "-o", str(tmp_path / "月报.xlsx"))
    assert code == 1 and "还没有登记任何村" in err and "cunwu hub enroll" in err
    assert not (tmp_path / "月报.xlsx").exists()


def test_a_file_name_that_is_neither_xlsx_nor_pdf_is_refused(capsys, township, tmp_path):
    code, _out, err = _report(capsys, township, "--month", "2026-11", "-o", str(tmp_path / "月报.docx"))
    assert code == 1 and ".xlsx" in err and ".pdf" in err
    assert not (tmp_path / "月报.docx").exists()


def test_the_command_writes_the_workbook_and_the_summary_after_a_village_synced(capsys, store, township, tmp_path):
    from app.hub.service import import_bundles, open_hub
    from app.keys import trust_township, write_township_file
    from app.sync.export import export_bundle

    hub = open_hub(township)
    try:
        write_township_file(hub.secrets.public, tmp_path / "township.json")
        trust_township(store.data_dir, tmp_path / "township.json")
        stick = tmp_path / "stick"
        stick.mkdir()
        import_bundles(hub, [export_bundle(store, stick).path])
    finally:
        hub.close()
    month = dt.date.today().strftime("%Y-%m")
    code, out, err = _report(capsys, township, "--month", month, "-o", str(tmp_path / "月报.xlsx"))
    assert code == 0, err
    assert "月报" in out and "1 个村" in out
    overview = load_workbook(tmp_path / "月报.xlsx")["各村概况"]
    assert overview.cell(5, 2).value == "柳林村" and overview.cell(5, 3).value.startswith(dt.date.today().isoformat())
    code, _out, err = _report(capsys, township, "--month", month, "-o", str(tmp_path / "月报.pdf"))
    assert code == 0, err
    assert len(PdfReader(str(tmp_path / "月报.pdf")).pages) == 2


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request) -> str | None:
    return None if request.param == "sqlite" else request.getfixturevalue("pg_url")


def test_the_report_counts_what_the_village_sent_in_the_month_it_happened(
        cert_store, catalogues, tmp_path, db_url):  # noqa: F811
    """Certificates by kind, issued, voided and refused (the township reviews certificates issued), read from the
    bundles the hub imported, on SQLite and PostgreSQL: a certificate issued in March and voided now counts as
    issued in March and voided in the month it was voided."""
    from app.certificates.service import void_certificate
    from app.hub.report import month_report
    from app.hub.service import enroll, import_bundles, init_hub
    from app.keys import trust_township, write_identity_file, write_township_file
    from app.people.service import get_village
    from app.sync.export import export_bundle
    from test_cert_support import issue, request

    kept = issue(cert_store, catalogues).certificate
    voided = issue(cert_store, catalogues).certificate
    issue(cert_store, catalogues, request(cert_store, "死亡证明", fields={}))
    with cert_store.begin("测试") as s:
        void_certificate(s, voided.serial, "申请人姓名写错")
        v = get_village(s)
    hub = init_hub(tmp_path / "township", "石桥镇", db_url)
    try:
        write_identity_file(cert_store.data_dir, tmp_path / "id.json", code=v.code, name=v.name, township=v.township)
        write_township_file(hub.secrets.public, tmp_path / "township.json")
        trust_township(cert_store.data_dir, tmp_path / "township.json")
        enroll(hub, tmp_path / "id.json")
        stick = tmp_path / "stick"
        stick.mkdir()
        import_bundles(hub, [export_bundle(cert_store, stick).path])
        march = month_report(hub, "2026-03")
        now = month_report(hub, dt.date.today().strftime("%Y-%m"))
    finally:
        hub.close()
    assert kept.issue_date.strftime("%Y-%m") == "2026-03"
    by_kind = {c.kind: (c.issued, c.voided, c.refused) for c in march.certificates if c.village == "柳林村"}
    assert by_kind["居住证明"] == (2, 0, 0)
    assert by_kind["死亡证明"] == (0, 0, 1)
    assert {c.kind: (c.issued, c.voided) for c in now.certificates}.get("居住证明") == (0, 1)
    assert [(x.name, x.last_sync[:10]) for x in now.villages] == [("柳林村", dt.date.today().isoformat())]
