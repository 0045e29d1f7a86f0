"""Printed notices (村务公开) read back the way a villager, a clerk or a scanner reads them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.disclosure.layout import (
    BODY_SIZE,
    Line,
    NoticeLayoutError,
    Page,
    Qr,
    Rect,
    Text,
    layout_notice,
)
from app.disclosure.printing import notice_pdf_bytes, render_feedback_list, render_notice
from app.disclosure.view import NoticeTable, NoticeView
from app.printing.fonts import MissingGlyphError
from conftest import make_id

MM = 72 / 25.4
PAYLOAD = "CUNWU-N|54371426MF5000001X|2026-015|3f2a9c1b0d4e5f60"
HOTLINE = "13900001111"  # a mobile number as the complaint hotline: public on purpose
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
FULL_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
RARE_A = "䶮"  # U+4DAE, CJK Extension A: only in the first fallback font
RARE_B = "𠈌"  # U+2020C, Extension B
NOWHERE = "\U0010fffd"  # private use: in no font at all
CLOSING = set("，。、；：？！）》」,.;:?!)")  # never at the start of a printed line

LEDGER_COLUMNS = ["日期", "凭证号", "摘要", "科目", "收入(元)", "支出(元)"]


def ledger(rows: int) -> NoticeTable:
    lines = [[(dt.date(2026, 1, 1) + dt.timedelta(days=n % 365)).isoformat(), "记-{:04d}".format(n + 1),
              "支付村道路灯维修材料款" if n % 2 else "收到镇财政转拨村级组织运转经费", "管理费用" if n % 2 else "补助收入",
              "" if n % 2 else "{:,.2f}".format(1000 + n), "{:,.2f}".format(500 + n) if n % 2 else ""]
             for n in range(rows)]
    return NoticeTable("2026年收支明细", LEDGER_COLUMNS, lines, numeric=frozenset({4, 5}),
                       total=["合计", "", "", "", "123,456.00", "65,432.10"])


def make_view(**changes: object) -> NoticeView:
    view = NoticeView(
        village_name="柳林村", number="2026-015", title="柳林村2026年10月财务收支公开", category="财务",
        period_label="2026年10月",
        body="根据《村民委员会组织法》第三十条,现将本村2026年10月财务收支情况公开如下,请村民监督。\n\n"
             "## 一、收支情况\n- 本月收入合计123,456.00元。\n- 本月支出合计65,432.10元。",
        tables=[ledger(8)], posted_from=dt.date(2026, 11, 1), posted_until=dt.date(2026, 11, 15),
        reviewers="王建国、李秀英", hotline="0871-65123456", print_date=dt.date(2026, 11, 2),
        chain_head="第 123 号 · 3f2a9c1b", qr_payload=PAYLOAD, check_code="3F2A-9C1B-77D0-12AB",
    )
    return dataclasses.replace(view, **changes)


def page_texts(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def squeeze(text: str) -> str:
    return "".join(text.split())


def font_names(path: Path) -> str:
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return " ".join(sorted(names))


def texts(page: Page) -> list[Text]:
    return [op for op in page.ops if isinstance(op, Text)]


def box(op: object) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of what an operation marks on paper."""
    if isinstance(op, Text):
        return op.x, op.y - 0.25 * op.size, op.x + op.width, op.y + 0.85 * op.size
    if isinstance(op, Line):
        return min(op.x1, op.x2), min(op.y1, op.y2), max(op.x1, op.x2), max(op.y1, op.y2)
    if isinstance(op, (Rect,)):
        return op.x, op.y, op.x + op.w, op.y + op.h
    assert isinstance(op, Qr)
    return op.x, op.y, op.x + op.size, op.y + op.size


# ---------------------------------------------------------------- what the board shows


@pytest.fixture
def notice(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "notice.pdf"
    return path, render_notice(make_view(), path)


def test_notice_shows_title_header_and_every_footer_field(notice: tuple[Path, int]) -> None:
    path, pages = notice
    assert pages == len(PdfReader(path).pages)
    for number, text in enumerate(page_texts(path), start=1):
        flat = squeeze(text)
        for expected in ("柳林村·财务公开·2026年10月", "张贴期2026-11-01至2026-11-15", "监委会审核:王建国、李秀英",
                         "监督电话:0871-65123456", "打印日期:2026-11-02", "公开编号:2026-015",
                         "核验码:3F2A-9C1B-77D0-12AB", "扫二维码或输入核验码,可以查对这份公告有没有被改动。",
                         "第{n}页/共{total}页".format(n=number, total=pages)):
            assert expected in flat, (number, expected)
        # plain words on paper: no jargon a villager cannot read
        for jargon in ("防篡改链", "校验值", "哈希"):
            assert jargon not in flat, (number, jargon)
    first = squeeze(page_texts(path)[0])
    assert "柳林村2026年10月财务收支公开" in first
    assert "一、收支情况" in first
    assert "柳林村村民委员会" in squeeze("".join(page_texts(path)))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_page_numbers_read_as_printed(notice: tuple[Path, int]) -> None:
    path, pages = notice
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    assert "第 1 页 / 共 {n} 页".format(n=pages) in out


def test_pdf_carries_title_and_author(notice: tuple[Path, int]) -> None:
    info = PdfReader(notice[0]).metadata
    assert info.title == "柳林村2026年10月财务收支公开"
    assert info.author == "柳林村村民委员会"


def test_pdf_bytes_are_the_same_notice() -> None:
    data = notice_pdf_bytes(make_view(), paper="a3")
    assert data.startswith(b"%PDF")
    assert b"/MediaBox [ 0 0 841.8898 1190.551 ]" in data


@pytest.mark.skipif(shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
                    reason="no offline QR decoder (Debian zbar-tools) or poppler-utils")
def test_qr_code_scans_back_to_number_and_hash(notice: tuple[Path, int], tmp_path: Path) -> None:
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-gray", "-f", "1", "-l", "1", str(notice[0]),
                    str(tmp_path / "page")], check=True)
    scanned = subprocess.run(["zbarimg", "-q", "--raw", str(tmp_path / "page-1.png")],
                             capture_output=True, text=True).stdout.strip()
    assert scanned == PAYLOAD


def test_qr_code_is_on_every_page_of_a_posted_notice_and_absent_from_a_draft() -> None:
    pages = layout_notice(make_view(tables=[ledger(120)]))
    assert len(pages) > 1
    assert all(sum(isinstance(op, Qr) and op.payload == PAYLOAD for op in p.ops) == 1 for p in pages)
    draft = layout_notice(make_view(draft=True, number="草稿", qr_payload=""))
    assert not any(isinstance(op, Qr) for p in draft for op in p.ops)


def test_draft_is_marked_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "draft.pdf"
    pages = render_notice(make_view(draft=True, number="草稿", qr_payload="", tables=[ledger(120)]), path)
    assert pages > 1
    for text in page_texts(path):
        assert "草稿(未公开)" in squeeze(text)


def test_correction_names_the_notice_it_corrects(tmp_path: Path) -> None:
    path = tmp_path / "correction.pdf"
    render_notice(make_view(corrects="更正 2026-011:原公开第3行金额填写错误"), path)
    assert "更正2026-011:原公开第3行金额填写错误" in squeeze(page_texts(path)[0])


# ---------------------------------------------------------------- long tables


def test_long_table_repeats_its_header_on_every_page(tmp_path: Path) -> None:
    path = tmp_path / "ledger.pdf"
    pages = render_notice(make_view(tables=[ledger(300)]), path)
    assert pages >= 4
    everything = ""
    for number, text in enumerate(page_texts(path), start=1):
        flat = squeeze(text)
        table_page = number == 1 or "记-" in flat
        if table_page:
            for column in LEDGER_COLUMNS:
                assert column in flat, (number, column)
        if 1 < number and table_page:
            assert "2026年收支明细(续)" in flat
        everything += flat
    # every ledger line is printed exactly once, none lost at a page break
    for n in range(1, 301):
        assert everything.count("记-{:04d}".format(n)) == 1, n
    assert "123,456.00" in everything


def test_amounts_are_right_aligned_and_the_total_is_bold() -> None:
    page = layout_notice(make_view(body="", tables=[ledger(8)]))[0]
    amounts = [op for op in texts(page) if re.fullmatch(r"[0-9,]+\.[0-9]{2}", op.text)]
    assert len(amounts) == 10
    income = [op for op in amounts if op.text.startswith(("1,00", "123,"))]
    expense = [op for op in amounts if op not in income]
    for column in (income, expense):
        right_edges = {round(op.x + op.width, 1) for op in column}
        assert len(right_edges) == 1
    total = [op for op in texts(page) if op.text in ("合计", "123,456.00", "65,432.10")]
    assert total and all(op.bold for op in total)


def test_table_too_wide_for_the_paper_is_refused_with_advice(tmp_path: Path) -> None:
    columns = ["第{n}项".format(n=n) for n in range(14)]
    wide = NoticeTable("补贴发放明细", columns, [["6,000,000.00"] * 14], numeric=frozenset(range(14)))
    path = tmp_path / "wide.pdf"
    with pytest.raises(NoticeLayoutError, match="横向或 A3"):
        render_notice(make_view(tables=[wide]), path)
    assert not path.exists()


# ---------------------------------------------------------------- privacy


def test_no_full_id_number_or_phone_reaches_the_pdf(tmp_path: Path) -> None:
    ids = [make_id(dt.date(1960 + n, 3, 1 + n), 100 + n) for n in range(5)]
    body = "经评议,张𠈌(身份证号{id},联系电话13812345678)符合低保条件,账户6222 0212 3456 7890。".format(id=ids[0])
    recipients = NoticeTable("低保对象名单", ["姓名", "身份证号", "联系电话", "银行账号"],
                             [[name, ids[n], "1391234567{n}".format(n=n), "622202123456789{n}".format(n=n)]
                              for n, name in enumerate(["张𠈌", "李秀英", "王建国", "欧阳明华", "阿依古丽·买买提"])])
    path = tmp_path / "dibao.pdf"
    render_notice(make_view(body=body, tables=[recipients], hotline=HOTLINE), path)
    text = "\n".join(page_texts(path))
    flat = squeeze(text)
    assert not FULL_ID.search(flat), FULL_ID.search(flat)
    assert re.findall(FULL_MOBILE, flat) == [HOTLINE]
    assert "6222021234567890" not in flat
    for name in ["张𠈌", "李秀英", "王建国", "欧阳明华", "阿依古丽·买买提"]:
        assert name in flat
    assert ids[1][:4] + "*" * 10 + ids[1][-4:] in flat
    assert "138****5678" in flat
    if shutil.which("pdftotext"):
        raw = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, encoding="utf-8",
                             check=True).stdout
        assert not FULL_ID.search(squeeze(raw))


def test_feedback_list_prints_questions_and_answers_masked(tmp_path: Path) -> None:
    path = tmp_path / "feedback.pdf"
    rows = [("2026-11-03", "赵" + RARE_A, "修路款为什么比去年多?我的电话13812345678", "今年换了太阳能路灯。", "王建国",
             "2026-11-04"),
            ("2026-11-05", "李秀英", "低保名单什么时候公布?", "(尚未答复)", "", "")]
    pages = render_feedback_list("柳林村", "2026-015", "2026年10月财务收支公开", rows, path)
    flat = squeeze("".join(page_texts(path)))
    assert pages == 1
    for expected in ("“2026年10月财务收支公开”村民意见及答复", "提问人", "答复日期", "赵" + RARE_A, "修路款为什么比去年多",
                     "138****5678", "今年换了太阳能路灯", "(尚未答复)", "公开编号:2026-015", "第1页/共1页"):
        assert expected in flat, expected
    assert "13812345678" not in flat
    assert PdfReader(path).pages[0].mediabox.width > PdfReader(path).pages[0].mediabox.height


# ---------------------------------------------------------------- characters


def test_rare_characters_in_names_print_with_the_fallback_fonts(tmp_path: Path) -> None:
    names = NoticeTable("慰问对象", ["姓名", "慰问金(元)"], [["赵" + RARE_A, "500.00"], ["张" + RARE_B + "明", "500.00"]],
                        numeric=frozenset({1}))
    path = tmp_path / "rare.pdf"
    render_notice(make_view(title="重阳节慰问赵" + RARE_A + "等老人公示", tables=[names]), path)
    flat = squeeze("".join(page_texts(path)))
    assert "赵" + RARE_A in flat
    assert "张" + RARE_B + "明" in flat
    assert "HanaMinA" in font_names(path)


def test_rare_characters_come_as_their_own_runs_in_the_layout() -> None:
    view = make_view(tables=[NoticeTable("名单", ["姓名"], [["张" + RARE_B + "明"]])])
    runs = [op for op in texts(layout_notice(view)[0]) if op.text in ("张", RARE_B, "明")]
    fonts = {op.text: op.font for op in runs}
    assert fonts[RARE_B] == "CunwuHanA"
    assert fonts["张"] == fonts["明"] == "CunwuSans"


@pytest.mark.parametrize("where", ["title", "body", "cell", "reviewers"])
def test_character_in_no_font_stops_printing_and_names_it(tmp_path: Path, where: str) -> None:
    name = "王" + NOWHERE + "明"
    changes: dict[str, object] = {
        "title": {"title": name + "慰问公示"},
        "body": {"body": "慰问对象:" + name},
        "cell": {"tables": [NoticeTable("名单", ["姓名"], [["李秀英"], [name]])]},
        "reviewers": {"reviewers": name},
    }[where]
    path = tmp_path / "notice.pdf"
    path.write_bytes(b"the notice printed yesterday")
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD") as raised:
        render_notice(make_view(**changes), path)
    assert raised.value.chars == [NOWHERE]
    assert path.read_bytes() == b"the notice printed yesterday"
    assert [p.name for p in tmp_path.iterdir()] == ["notice.pdf"]


# ---------------------------------------------------------------- paper, type sizes, page edges


def body_texts(page: Page) -> list[Text]:
    left, bottom, right, top = page.body
    return [op for op in texts(page) if bottom <= op.y <= top]


def test_a4_title_is_at_least_26_pt_and_the_body_at_least_14_pt() -> None:
    page = layout_notice(make_view())[0]
    title = [op for op in body_texts(page) if op.text.startswith("柳林村2026")]
    assert title and min(op.size for op in title) >= 26 and all(op.bold for op in title)
    assert min(op.size for op in body_texts(page)) >= 14


def test_a3_is_a4_enlarged_with_larger_type(tmp_path: Path) -> None:
    path = tmp_path / "a3.pdf"
    render_notice(make_view(), path, paper="a3")
    box_ = PdfReader(path).pages[0].mediabox
    assert (round(float(box_.width) / MM), round(float(box_.height) / MM)) == (297, 420)
    a4, a3 = layout_notice(make_view())[0], layout_notice(make_view(), paper="a3")[0]
    title_a4 = max(op.size for op in texts(a4))
    title_a3 = max(op.size for op in texts(a3))
    assert title_a3 == pytest.approx(title_a4 * math.sqrt(2))
    assert min(op.size for op in body_texts(a3)) >= 14 * math.sqrt(2) - 0.01


def test_landscape_turns_the_page(tmp_path: Path) -> None:
    path = tmp_path / "landscape.pdf"
    render_notice(make_view(), path, landscape=True)
    box_ = PdfReader(path).pages[0].mediabox
    assert float(box_.width) > float(box_.height)
    page = layout_notice(make_view(), landscape=True)[0]
    assert page.width > page.height


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(NoticeLayoutError, match="A4 或 A3"):
        layout_notice(make_view(), paper="letter")


LONG_CELL = "经村民代表会议讨论决定,对村道两侧排水沟进行清淤和加固,工程由本村施工队承包,验收合格后支付。" * 3


@pytest.mark.parametrize(("paper", "landscape"), [("a4", False), ("a4", True), ("a3", False)])
def test_nothing_leaves_the_page_or_runs_into_the_footer(paper: str, landscape: bool) -> None:
    long_title = "柳林村关于2026年度村集体经济组织收益分配方案及村级公益事业建设项目实施情况的公开"
    works = NoticeTable("工程明细", ["项目", "说明", "金额(元)"],
                        [["排水沟清淤", LONG_CELL, "12,000.00"], ["路灯维修", "更换太阳能路灯十二盏", "8,600.00"]],
                        numeric=frozenset({2}))
    view = make_view(title=long_title, draft=True, corrects="更正 2026-011:" + LONG_CELL,
                     body=(LONG_CELL + "\n") * 6, tables=[works, ledger(90)],
                     reviewers="王建国、李秀英、赵明、欧阳明华、阿依古丽·买买提")
    pages = layout_notice(view, paper=paper, landscape=landscape)
    assert len(pages) > 2
    title_lines = {op.y for op in texts(pages[0]) if op.size == max(o.size for o in texts(pages[0]))}
    assert len(title_lines) >= 2, "the long title should wrap"
    for page in pages:
        left, bottom, right, top = page.body
        for op in page.ops:
            x0, y0, x1, y1 = box(op)
            assert 0 <= x0 and x1 <= page.width and 0 <= y0 and y1 <= page.height, (page.number, op)
            inside = left - 0.5 <= x0 and x1 <= right + 0.5 and bottom - 0.5 <= y0 and y1 <= top + 0.5
            assert inside or y1 <= bottom or y0 >= top, (page.number, op)


def test_lines_never_start_with_closing_punctuation_and_numbers_stay_whole() -> None:
    numbers = ["12,345.67", "2026-10-08", "3,000.00"]
    sentence = "本月收到补助资金{0}元,于{1}入账。支付工程款{2}元,余额结转下月使用,请村民监督、评议。".format(*numbers)
    # clauses of every length from 4 to 9 characters: some line is bound to end just before a comma
    clauses = "\n".join(("村务公开监督管理"[:n] + ",") * 12 + "。" for n in range(3, 9))
    page = layout_notice(make_view(body=sentence * 8 + "\n" + clauses, tables=[]))[0]
    by_line: dict[float, list[Text]] = {}
    for op in body_texts(page):
        if op.size == BODY_SIZE:
            by_line.setdefault(op.y, []).append(op)
    lines = ["".join(op.text for op in sorted(ops, key=lambda o: o.x)) for _y, ops in sorted(by_line.items())]
    assert len(lines) > 14
    for line in lines:
        assert line[0] not in CLOSING, line
    joined = "\n".join(lines)
    for number in numbers:
        assert joined.count(number) == 8, number


def test_preview_and_print_come_from_the_same_layout() -> None:
    assert layout_notice(make_view()) == layout_notice(make_view())
