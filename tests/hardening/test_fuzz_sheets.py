"""Fuzzing every spreadsheet reader of outside input (issue 14, hardening suite): the residents roster, the
accountant's ledger and a notice's tables, given .xlsx, old .xls and .csv in any encoding.

Files are the real fixtures and freshly made valid ones, then damaged the ways files are damaged: bytes
flipped, cut short, bytes inserted, a part of the zip rewritten, and sheets of random cells. Whatever the
file, a reader either returns its rows (with per-row errors) or refuses with the declared error that the
clerk reads (RosterFileError, LedgerFileError, TableFileError: all UserError), in bounded time. Every input
that once broke this is kept in tests/data/fuzz/ and replayed below.

    short (CI):  .venv/bin/python -m pytest tests/hardening/test_fuzz_sheets.py -p no:randomly
    long:        CUNWU_HARDENING=long .venv/bin/python -m pytest tests/hardening/test_fuzz_sheets.py \
                     -p no:randomly --hypothesis-show-statistics
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import tempfile
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.disclosure.tables_io import TableFileError, read_table
from app.errors import UserError
from app.finance.ledger import FinanceError, LedgerParse, load_categories, read_ledger
from app.people.spreadsheet import RosterFileError, RosterParse, read_roster
from hardening_profile import fuzz

DATA = Path(__file__).resolve().parents[1] / "data"
REGRESSIONS = DATA / "fuzz"
SECONDS = 10  # far above what any of these files takes; a reader stuck in a loop fails here
CATEGORIES = load_categories()

ROSTER_HEADER = ["姓名", "性别", "身份证号", "出生日期", "联系电话", "村民小组", "户主姓名", "与户主关系", "党员",
                 "村民代表", "住址", "备注", "状态", "预备期开始日期"]
LEDGER_HEADER = ["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额"]
ENCODINGS = ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"]


def _roster_rows() -> list[list[object]]:
    return [["柳林村花名册"], ROSTER_HEADER,
            ["张三", "男", "370102198001020013", "1980-01-02", "13800138000", "第一组", "张三", "户主", "是", "否",
             "幸福路1号", "", "在册", ""],
            ["李四", "女", "", dt.date(2020, 5, 6), "", "第一组", "张三", "女儿", "否", "否", "", "", "", ""],
            ["王五", "男", 370102198001020013.0, "1980/1/2", "", "第二组", "", "", "中共预备党员", "是", "", "", "",
             "2026-03-01"]]


def _ledger_rows() -> list[list[object]]:
    text = (DATA / "finance" / "柳林村2026年现金日记账.csv").read_text(encoding="utf-8")
    return [list(r) for r in csv.reader(io.StringIO(text))]


def _table_rows() -> list[list[object]]:
    return [["2026年低保名单"], ["姓名", "组别", "金额(元)"], ["张三", "第一组", 320], ["李四", "第二组", "450.50"],
            ["合计", "", 770.5]]


def _xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Sheet1"
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv(rows: list[list[object]], encoding: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def _seeds() -> list[tuple[str, bytes]]:
    seeds = [(".xls", (DATA / "roster_2003.xls").read_bytes())]
    for rows in (_roster_rows(), _ledger_rows(), _table_rows()):
        seeds.append((".xlsx", _xlsx(rows)))
        seeds.extend((".csv", _csv(rows, encoding)) for encoding in ENCODINGS)
    return seeds


SEEDS = _seeds()


# ---------------------------------------------------------------- what every reader must do


def _read_all(data: bytes, suffix: str) -> None:
    """Give ``data`` to each reader: rows (maybe with row errors) or its declared refusal, quickly, and
    nothing written on the terminal (the clerk would see it)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("表格" + suffix)
        path.write_bytes(data)
        for read, declared, parsed in ((read_roster, RosterFileError, RosterParse),
                                       (lambda p: read_ledger(p, categories=CATEGORIES), FinanceError, LedgerParse),
                                       (read_table, TableFileError, object)):
            started = time.monotonic()
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
                try:
                    result = read(path)
                except declared as exc:
                    result = exc
            if isinstance(result, BaseException):
                assert isinstance(result, UserError)
                message = str(result)
                assert message and "Traceback" not in message and len(message) < 600, message
            else:
                assert isinstance(result, parsed)
            assert time.monotonic() - started < SECONDS
            assert printed.getvalue() == ""


def _flip(data: bytes, edits: list[tuple[int, int]]) -> bytes:
    out = bytearray(data)
    if not out:
        return data
    for at, value in edits:
        out[at % len(out)] = value
    return bytes(out)


mutation = st.one_of(
    st.tuples(st.just("flip"), st.lists(st.tuples(st.integers(0, 2**24), st.integers(0, 255)), min_size=1,
                                        max_size=8)),
    st.tuples(st.just("cut"), st.integers(0, 2**24)),
    st.tuples(st.just("insert"), st.tuples(st.integers(0, 2**24), st.binary(min_size=1, max_size=64))),
    st.tuples(st.just("erase"), st.tuples(st.integers(0, 2**24), st.integers(1, 4096))),
)


def _mutate(data: bytes, op: tuple[str, object]) -> bytes:
    kind, arg = op
    if kind == "flip":
        return _flip(data, arg)  # type: ignore[arg-type]
    if kind == "cut":
        return data[: arg % (len(data) + 1)]  # type: ignore[operator]
    if kind == "insert":
        at, blob = arg  # type: ignore[misc]
        at %= len(data) + 1
        return data[:at] + blob + data[at:]
    at, length = arg  # type: ignore[misc]
    at %= len(data) + 1
    return data[:at] + data[at + length:]


@fuzz
@given(seed=st.sampled_from(range(len(SEEDS))), ops=st.lists(mutation, min_size=1, max_size=4))
def test_damaged_files_are_read_or_refused_in_plain_words(seed, ops):
    suffix, data = SEEDS[seed]
    for op in ops:
        data = _mutate(data, op)
    _read_all(data, suffix)


_XLSX_SEEDS = [i for i, (suffix, _d) in enumerate(SEEDS) if suffix == ".xlsx"]


@fuzz
@given(seed=st.sampled_from(_XLSX_SEEDS), member=st.integers(0, 64), ops=st.lists(mutation, min_size=1, max_size=4))
def test_workbooks_with_a_damaged_part_are_read_or_refused_in_plain_words(seed, member, ops):
    # the zip stays whole and its checksums true: the damage reaches the XML readers behind it
    suffix, data = SEEDS[seed]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        infos = src.infolist()
        target = infos[member % len(infos)].filename
        for info in infos:
            content = src.read(info.filename)
            if info.filename == target:
                for op in ops:
                    content = _mutate(content, op) if content else content
            dst.writestr(info.filename, content)
    _read_all(out.getvalue(), suffix)


_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)
_WORDS = st.sampled_from(ROSTER_HEADER + LEDGER_HEADER + ["合计", "上年结转", "本月合计", "是", "否", "男", "女",
                                                           "第一组", "1980-01-02", "2026年2月10日", "1,000.00",
                                                           "370102198001020013", "=1+1", "¥12.00", "壹仟元"])
_CELL = st.one_of(st.none(), _TEXT, _WORDS, st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                  st.booleans(), st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))


def _header() -> st.SearchStrategy[list[object]]:
    return st.sampled_from([ROSTER_HEADER, LEDGER_HEADER, ["姓名", "金额"]]).flatmap(
        lambda h: st.permutations(h).map(list))


def _clean_for_xlsx(value: object) -> object:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


@fuzz
@given(header=_header(), rows=st.lists(st.lists(_CELL, max_size=16), max_size=25), title=st.booleans())
def test_workbooks_of_random_cells_are_read_or_refused(header, rows, title):
    table = ([["标题"]] if title else []) + [header] + rows
    _read_all(_xlsx([[_clean_for_xlsx(v) for v in r] for r in table]), ".xlsx")


@fuzz
@given(header=_header(), rows=st.lists(st.lists(_CELL, max_size=16), max_size=25),
       encoding=st.sampled_from(ENCODINGS), delimiter=st.sampled_from([",", "\t", ";", "，"]),
       ending=st.sampled_from(["\r\n", "\n", "\r"]))
def test_text_files_of_random_cells_in_any_encoding_are_read_or_refused(header, rows, encoding, delimiter, ending):
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator=ending).writerows([header] + rows)
    _read_all(out.getvalue().encode(encoding, errors="replace"), ".csv")


@fuzz
@given(data=st.binary(max_size=2048), start=st.sampled_from([b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                                                             b"\xff\xfe", b"\xef\xbb\xbf", b"<html>"]),
       suffix=st.sampled_from([".xlsx", ".xls", ".csv"]))
def test_random_bytes_are_refused_in_plain_words(data, start, suffix):
    _read_all(start + data, suffix)


# ---------------------------------------------------------------- inputs that once broke a reader


def _regressions() -> list[Path]:
    # the folder is shared with test_fuzz_files.py: the spreadsheets are the files with a spreadsheet's ending
    return sorted(p for p in REGRESSIONS.glob("*") if p.suffix in (".xlsx", ".xls", ".csv"))


@pytest.mark.parametrize("path", _regressions(), ids=lambda p: p.name)
def test_inputs_that_once_broke_a_reader_are_read_or_refused(path):
    _read_all(path.read_bytes(), path.suffix)


def test_the_regression_files_are_there():
    assert _regressions(), "tests/data/fuzz/ holds the inputs that once broke a reader"
