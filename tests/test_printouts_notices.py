"""A notice as the board shows it, read back from the PDF: type sizes a villager can read from two
metres, Chinese line breaking, titles split between words, the hotline sentence, 核验码 in plain words,
and tables that keep short cells whole (docs/printing.md)."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import pytest
from pypdf import PdfReader

from app.disclosure.printing import notice_printout
from app.disclosure.view import NoticeTable, NoticeView
from app.printing.fonts import MissingGlyphError
from app.printing.metrics import Metrics, NO_LINE_END
from app.printing.ops import Line, Qr, Rect, Text
from app.printing.pdf import pdf_bytes
from app.printing.titles import LEXICON, balanced_lines

LINE_START_FORBIDDEN = "，。、；：？！）》」,.;:?!)"
LINE_END_FORBIDDEN = "（《「("
TEMPLATE_END = "如有疑问或意见,请在公开期内向村务监督委员会反映,或拨打监督电话。"


def make_view(**changes: object) -> NoticeView:
    base = dict(village_name="柳林村", number="2026-015", title="柳林村2026年10月财务收支公开", category="财务",
                period_label="2026年10月", body="现将本村2026年10月财务收支情况公开如下,请村民监督。\n" + TEMPLATE_END,
                posted_from=dt.date(2026, 11, 1), posted_until=dt.date(2026, 11, 15), hotline="0531-12345678",
                print_date=dt.date(2026, 11, 2), qr_payload="CWGK|X|2026-015|abc", check_code="3F2A-9C1B-77D0-12AB")
    base.update(changes)
    return NoticeView(**base)  # type: ignore[arg-type]


def runs(pdf: bytes) -> list[list[tuple[float, float, str]]]:
    """Per page, every text run as the PDF draws it: (type size in points, baseline y, text)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        found: list[tuple[float, float, str]] = []

        def visit(text, _cm, tm, _font, size, found=found):  # type: ignore[no-untyped-def]
            if text.strip():
                found.append((round(size * tm[0], 1), round(tm[5], 1), text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(found)
    return pages


def printed_lines(pdf: bytes, size: float) -> list[str]:
    """The lines of text of one type size, in reading order, across all pages."""
    lines = []
    for page in runs(pdf):
        by_y: dict[float, list[str]] = defaultdict(list)
        for s, y, text in page:
            if abs(s - size) < 0.2:
                by_y[y].append(text)
        lines += ["".join(parts) for _y, parts in sorted(by_y.items(), reverse=True)]
    return lines


# ---------------------------------------------------------------- readable from two metres


@pytest.mark.parametrize("paper, body_at_least, title_at_least", [("a4", 16.0, 28.0), ("a3", 22.0, 28.0 * 1.41)])
def test_body_and_title_are_big_enough_to_read_on_the_board(paper: str, body_at_least: float,
                                                            title_at_least: float) -> None:
    table = NoticeTable("收支明细", ["日期", "摘要", "金额(元)"], [["2026-10-0{}".format(d), "支付路灯维修材料款", "1,200.00"]
                                                           for d in range(1, 8)], numeric=frozenset({2}))
    pdf = pdf_bytes(notice_printout(make_view(tables=[table]), paper=paper))
    texts = [t for page in runs(pdf) for t in page]
    title = [s for s, _y, text in texts if "财务收支公开" in text]
    body = [s for s, _y, text in texts if "现将本村" in text or "支付路灯" in text or text.startswith("2026-10-0")]
    assert title and min(title) >= title_at_least
    assert body and min(body) >= body_at_least


def test_text_that_does_not_fit_goes_on_more_pages_not_smaller_type() -> None:
    short = pdf_bytes(notice_printout(make_view(body="请村民监督。" * 20)))
    long = pdf_bytes(notice_printout(make_view(body="\n".join(["请村民监督,有意见请反映。" * 6] * 60))))
    assert len(PdfReader(io.BytesIO(long)).pages) > len(PdfReader(io.BytesIO(short)).pages) == 1
    sizes = {s for page in runs(long) for s, _y, text in page if "请村民监督" in text}
    assert sizes == {16.0}


# ---------------------------------------------------------------- Chinese line breaking


def test_no_printed_line_starts_with_closing_or_ends_with_opening_punctuation() -> None:
    # clauses of every length: some line is bound to end just before a comma or after a bracket
    body = "\n".join(("村务公开监督管理"[:n] + ",(见《公示》)“说明”。") * 9 for n in range(1, 9))
    pdf = pdf_bytes(notice_printout(make_view(body=body)))
    lines = printed_lines(pdf, 16.0)
    assert len(lines) > 30
    for line in lines:
        assert line[0] not in LINE_START_FORBIDDEN, line
        assert line[-1] not in LINE_END_FORBIDDEN, line


def test_numbers_dates_and_amounts_are_never_cut_across_lines() -> None:
    numbers = ["12,345.67", "2026-10-08", "3,000.00"]
    sentence = "本月收到补助资金{0}元,于{1}入账。支付工程款{2}元,余额结转下月使用。".format(*numbers)
    pdf = pdf_bytes(notice_printout(make_view(body=sentence * 10)))
    joined = "\n".join(printed_lines(pdf, 16.0))
    for number in numbers:
        assert joined.count(number) == 10, number


# ---------------------------------------------------------------- titles


TITLES = [
    "关于2026年第三季度最低生活保障金发放情况的公示",
    "柳林村2026年度耕地地力保护补贴资金发放名单公示",
    "关于村集体经济组织2026年收益分配方案的公告",
    "柳林村2026年第三季度财务收支情况及村级公益事业建设项目公开",
]


@pytest.mark.parametrize("title", TITLES)
def test_a_two_line_title_is_split_evenly_and_never_inside_a_word(title: str) -> None:
    pdf = pdf_bytes(notice_printout(make_view(title=title)))
    lines = printed_lines(pdf, 28.0)
    assert "".join(lines) == title
    assert len(lines) == 2
    m = Metrics([title])
    widths = [m.width(line, 28.0) for line in lines]
    assert min(widths) >= 0.5 * max(widths), lines
    cut = len(lines[0])
    for word in LEXICON:
        start = title.find(word)
        while start >= 0:
            assert not start < cut < start + len(word), (lines, word)
            start = title.find(word, start + 1)


def test_the_reported_title_no_longer_breaks_inside_the_word():
    m = Metrics(TITLES)
    lines = balanced_lines(m, TITLES[0], 28.0, 180 * 72 / 25.4)
    assert lines == ["关于2026年第三季度", "最低生活保障金发放情况的公示"]
    assert not lines[0].endswith("最低生")


def test_a_very_long_title_stays_on_the_page() -> None:
    printout = notice_printout(make_view(title="关于" + "柳林村村民委员会" * 14 + "的公告"))
    for page in printout.pages:
        for op in page.ops:
            if isinstance(op, Text):
                assert 0 <= op.x and op.x + op.width <= page.width + 0.01, op


# ---------------------------------------------------------------- plain words


def test_hotline_sentence_gives_the_number_or_is_left_out() -> None:
    with_number = "".join(printed_lines(pdf_bytes(notice_printout(make_view())), 16.0))
    assert "或拨打监督电话 0531-12345678。" in with_number
    without = "".join(printed_lines(pdf_bytes(notice_printout(make_view(hotline=""))), 16.0))
    assert "拨打监督电话" not in without
    assert "请在公开期内向村务监督委员会反映。" in without


def test_check_code_is_printed_with_its_plain_sentence_and_no_jargon() -> None:
    pdf = pdf_bytes(notice_printout(make_view(chain_head="第 123 号 · 3f2a9c1b")))
    text = "".join(t for page in runs(pdf) for _s, _y, t in page)
    assert "核验码:3F2A-9C1B-77D0-12AB" in text
    assert "扫二维码或输入核验码,可以查对这份公告有没有被改动。" in "".join(text.split())
    for jargon in ("防篡改链", "校验值", "3f2a9c1b"):
        assert jargon not in text


# ---------------------------------------------------------------- tables


def test_short_cells_such_as_group_names_stay_on_one_line() -> None:
    rows = [["张{}".format("三四五六七八九十"[n % 8]), "第一村民小组", "3", "特困人员救助供养,按月发放到户,如有变化另行公示"]
            for n in range(12)]
    table = NoticeTable("救助对象", ["户主姓名", "村民小组", "人数", "说明"], rows, numeric=frozenset({2}))
    printout = notice_printout(make_view(tables=[table]))
    cells = [op.text for page in printout.pages for op in page.ops if isinstance(op, Text) and op.size == 16.0]
    assert cells.count("第一村民小组") == 12


def test_an_id_column_marked_unbroken_never_wraps() -> None:
    rows = [["申请人{}".format(n), "ZM-2026-{:06d}".format(n), "说明" * 30] for n in range(5)]
    table = NoticeTable("证明", ["姓名", "编号", "说明"], rows, unbroken=frozenset({1}))
    printout = notice_printout(make_view(tables=[table]))
    cells = [op.text for page in printout.pages for op in page.ops if isinstance(op, Text)]
    for n in range(5):
        assert "ZM-2026-{:06d}".format(n) in cells


def box(op: object) -> tuple[float, float, float, float]:
    if isinstance(op, Text):
        return op.x, op.y - 0.2 * op.size, op.x + op.width, op.y + 0.9 * op.size
    if isinstance(op, Line):
        return min(op.x1, op.x2), min(op.y1, op.y2), max(op.x1, op.x2), max(op.y1, op.y2)
    if isinstance(op, Rect):
        return op.x, op.y, op.x + op.w, op.y + op.h
    assert isinstance(op, Qr)
    return op.x, op.y, op.x + op.size, op.y + op.size


@pytest.mark.parametrize("table", [
    NoticeTable("长内容", ["序号", "说明"], [["1", "村民反映的问题" * 70], ["2", "短"]]),
    NoticeTable("空表", ["姓名", "金额(元)"], [], numeric=frozenset({1})),
])
def test_a_500_character_cell_and_an_empty_table_stay_inside_the_page(table: NoticeTable) -> None:
    printout = notice_printout(make_view(tables=[table]))
    for page in printout.pages:
        for op in page.ops:
            x0, y0, x1, y1 = box(op)
            assert -0.01 <= x0 and x1 <= page.width + 0.01 and -0.01 <= y0 and y1 <= page.height + 0.01, op
    texts = "".join(op.text for page in printout.pages for op in page.ops if isinstance(op, Text))
    if table.rows:
        assert texts.count("村民反映的问题") == 70
    else:
        assert "(无)" in texts


def test_a_character_no_font_has_stops_the_printout_naming_it() -> None:
    with pytest.raises(MissingGlyphError) as caught:
        notice_printout(make_view(body="请\U0010fffd村民监督"))
    assert "U+10FFFD" in str(caught.value)


def test_opening_punctuation_set_matches_the_rule() -> None:
    # the rule the tests read the PDFs for is the one the measurer applies
    assert set("（《「") <= NO_LINE_END
