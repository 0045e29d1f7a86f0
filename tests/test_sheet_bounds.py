"""Reading a stranger's spreadsheet is bounded before anything is decompressed (issue 14, item 2).

A 2.9 MB .xlsx zip bomb given to ``residents import`` ran 142 s, reached 7.7 GB and died with a traceback;
a 1.9 MB one used 4 GB and then said 已导入 0 人 and exited 0; ``finance import`` the same. Every import
(the roster, the ledger, a notice's table) reads through app.sheets, which now checks the zip directory
first and counts while it streams: such a file is refused at once, in plain words, and nothing is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import time
import tracemalloc
import warnings
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

import app.finance.models  # noqa: F401 - the ledger tables must exist in the test store
from app import sheets
from app.cli import main
from app.disclosure.tables_io import TableFileError, read_table
from app.finance.ledger import LedgerFileError, read_ledger
from app.people.models import Resident
from app.people.spreadsheet import RosterFileError, read_roster
from conftest import make_id
from sheet_bombs import SHEET, bomb, ledger_rows, lying_bomb, many_members, roster_rows, sheet_xml, with_sheet, \
    workbook, write

TOO_LARGE = "文件过大或已损坏"


def run(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out + out.err


def residents(store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Resident)))


def ledger_entries(store) -> int:
    from app.finance.models import LedgerEntry

    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(LedgerEntry)))


def bounded(action):  # type: ignore[no-untyped-def]
    """Run ``action``; return (its result or exception, seconds, peak Python memory in MB)."""
    tracemalloc.start()
    started = time.monotonic()
    try:
        try:
            result = action()
        except Exception as exc:  # noqa: BLE001 - handed back for the test to judge
            result = exc
        return result, time.monotonic() - started, tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


# ---------------------------------------------------------------- the files of the report, through the command line


@pytest.mark.parametrize("kind", ["rows", "giant cell"])
def test_residents_import_refuses_a_zip_bomb_at_once_and_imports_nothing(store, tmp_path, capsys, kind):
    # the report's two files: 2.9 MB of repeated rows, and 1.9 MB holding one cell of 2 GB
    data = bomb(roster_rows(), 700_000_000) if kind == "rows" else bomb(roster_rows(), 1_900_000_000, giant_cell=True)
    assert len(data) < 3_000_000
    path = write(tmp_path / "花名册.xlsx", data)
    before = residents(store)
    (code, out), seconds, peak = bounded(lambda: run(capsys, "--data-dir", str(store.data_dir), "residents",
                                                      "import", str(path)))
    assert code != 0
    assert TOO_LARGE in out and "另存为 .xlsx" in out
    assert "已导入" not in out and "出现意外问题" not in out and "Traceback" not in out
    assert len(out.strip().splitlines()) == 1
    assert seconds < 3 and peak < 64
    assert residents(store) == before


@pytest.mark.parametrize("kind", ["rows", "giant cell"])
def test_finance_import_refuses_a_zip_bomb_at_once_and_imports_nothing(store, tmp_path, capsys, kind):
    data = bomb(ledger_rows(), 700_000_000) if kind == "rows" else bomb(ledger_rows(), 1_900_000_000, giant_cell=True)
    path = write(tmp_path / "账簿.xlsx", data)
    before = ledger_entries(store)
    (code, out), seconds, peak = bounded(lambda: run(capsys, "--data-dir", str(store.data_dir), "finance",
                                                      "import", str(path)))
    assert code != 0
    assert TOO_LARGE in out and "出现意外问题" not in out and "已导入" not in out
    assert seconds < 3 and peak < 64
    assert ledger_entries(store) == before


def test_notice_table_refuses_a_zip_bomb(tmp_path):
    path = write(tmp_path / "低保名单.xlsx", bomb([["姓名", "金额"], ["张三", "100"]], 1_900_000_000, giant_cell=True))
    error, seconds, _peak = bounded(lambda: read_table(path))
    assert isinstance(error, TableFileError) and TOO_LARGE in str(error)
    assert seconds < 3


def test_a_zip_directory_that_lies_about_the_size_is_caught_while_reading(tmp_path):
    # the directory says 4 KB; the sheet really inflates to 1.9 GB: reading stops at what was declared
    path = write(tmp_path / "花名册.xlsx", lying_bomb(roster_rows(), 1_900_000_000, giant_cell=True))
    error, seconds, peak = bounded(lambda: read_roster(path))
    assert isinstance(error, RosterFileError)
    assert "另存为 .xlsx" in str(error)
    assert seconds < 3 and peak < 64


def test_a_sheet_read_beyond_its_declared_size_is_refused(tmp_path):
    # the count itself, in case a zip reader ever hands out more than the directory declared
    archive = sheets._BoundedArchive(tmp_path / "x.xlsx", None)  # type: ignore[arg-type]
    counted = sheets._Counted(tmp_path / "x.xlsx", io.BytesIO(b"x" * 5000), 4096)
    assert len(counted.read(4000)) == 4000
    with pytest.raises(sheets.SheetFileError, match=TOO_LARGE):
        counted.read(4000)
    assert archive is not None


def test_a_workbook_of_thousands_of_parts_is_refused(tmp_path):
    path = write(tmp_path / "花名册.xlsx", many_members(roster_rows(), 5000))
    with pytest.raises(RosterFileError, match=TOO_LARGE):
        read_roster(path)


def test_a_part_inflating_past_the_limit_is_refused_from_the_directory(tmp_path, monkeypatch):
    # each limit alone, the others lifted: checked before anything is inflated
    monkeypatch.setattr(sheets, "MAX_RATIO", 10**6)
    path = write(tmp_path / "花名册.xlsx", bomb(roster_rows(), 3 * 1024 * 1024))
    monkeypatch.setattr(sheets, "MAX_MEMBER_BYTES", 1024 * 1024)
    with pytest.raises(RosterFileError, match=TOO_LARGE):
        read_roster(path)
    monkeypatch.setattr(sheets, "MAX_MEMBER_BYTES", 200 * 1024 * 1024)
    monkeypatch.setattr(sheets, "MAX_TOTAL_BYTES", 2 * 1024 * 1024)
    with pytest.raises(RosterFileError, match=TOO_LARGE):
        read_roster(path)
    monkeypatch.setattr(sheets, "MAX_TOTAL_BYTES", 400 * 1024 * 1024)
    assert read_roster(path).rows  # within every limit it reads: the refusals above were the limits'


def test_a_part_compressed_far_more_than_real_sheets_is_refused(tmp_path):
    # 50 MB of sheet XML is within the size limits; 250 times compressed is a bomb's ratio, not a sheet's
    data = bomb(roster_rows(), 50 * 1024 * 1024)
    assert len(data) < 50 * 1024 * 1024 / sheets.MAX_RATIO
    error, seconds, _peak = bounded(lambda: read_roster(write(tmp_path / "花名册.xlsx", data)))
    assert isinstance(error, RosterFileError) and TOO_LARGE in str(error)
    assert seconds < 3


# ---------------------------------------------------------------- rows, columns and cells while streaming


def _sheet(tmp_path: Path, rows_xml: bytes, name: str = "花名册.xlsx") -> Path:
    return write(tmp_path / name, with_sheet(workbook(roster_rows()), SHEET, sheet_xml(rows_xml)))


_HEADER = '<row r="1"><c r="A1" t="inlineStr"><is><t>姓名</t></is></c><c r="B1" t="inlineStr"><is><t>性别</t></is></c>' \
          '<c r="C1" t="inlineStr"><is><t>出生日期</t></is></c></row>'
_PERSON = '<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>张三</t></is></c><c r="B{r}" t="inlineStr"><is><t>男</t></is>' \
          '</c><c r="C{r}" t="inlineStr"><is><t>1980-01-02</t></is></c></row>'


def test_a_row_past_the_most_rows_is_refused_and_named(tmp_path):
    path = _sheet(tmp_path, (_HEADER + _PERSON.format(r=2) + _PERSON.format(r=70000)).encode())
    with pytest.raises(RosterFileError) as caught:
        read_roster(path)
    assert "65536 行" in str(caught.value) and "花名册" in str(caught.value)


def test_blank_rows_past_the_most_rows_are_passed_over(tmp_path):
    path = _sheet(tmp_path, (_HEADER + _PERSON.format(r=2) + '<row r="70000"/><row r="1048576"/>').encode())
    parse = read_roster(path)
    assert [r.name for r in parse.rows] == ["张三"] and not parse.errors


def test_a_row_number_no_spreadsheet_has_is_refused(tmp_path):
    path = _sheet(tmp_path, (_HEADER + _PERSON.format(r=2) + '<row r="2000000"/>').encode())
    with pytest.raises(RosterFileError, match=TOO_LARGE):
        read_roster(path)


def test_a_cell_past_the_most_columns_is_refused(tmp_path):
    from openpyxl.utils import get_column_letter

    far = get_column_letter(300)
    path = _sheet(tmp_path, (_HEADER + '<row r="2"><c r="A2" t="inlineStr"><is><t>张三</t></is></c>'
                             '<c r="{c}2" t="inlineStr"><is><t>x</t></is></c></row>'.format(c=far)).encode())
    with pytest.raises(RosterFileError) as caught:
        read_roster(path)
    assert "第2行超过 256 列" in str(caught.value)


def test_empty_formatted_cells_far_to_the_right_are_dropped(tmp_path):
    path = _sheet(tmp_path, (_HEADER + _PERSON.format(r=2).replace("</row>", '<c r="XFD2" s="0"/></row>')).encode())
    parse = read_roster(path)
    assert [r.name for r in parse.rows] == ["张三"] and not parse.errors


def test_a_cell_longer_than_excel_keeps_is_refused(tmp_path):
    path = _sheet(tmp_path, (_HEADER + _PERSON.format(r=2).replace("1980-01-02", "1" * 40000)).encode())
    with pytest.raises(RosterFileError) as caught:
        read_roster(path)
    assert "第2行有一个单元格超过 32767 个字" in str(caught.value)


# ---------------------------------------------------------------- .csv and .xls


def test_a_csv_file_past_the_size_limit_is_refused_before_it_is_read(tmp_path, capsys, store):
    path = tmp_path / "花名册.csv"
    with path.open("wb") as fh:
        fh.write("姓名,性别,出生日期\n".encode())
        fh.truncate(65 * 1024 * 1024)  # sparse: nothing is written, the size is what counts
    (code, out), seconds, peak = bounded(lambda: run(capsys, "--data-dir", str(store.data_dir), "residents",
                                                      "import", str(path)))
    assert code != 0 and "超出了导入的上限 64 MB" in out and "出现意外问题" not in out
    assert seconds < 3 and peak < 64


def test_an_old_xls_file_past_the_size_limit_is_refused(tmp_path):
    path = tmp_path / "账簿.xls"
    with path.open("wb") as fh:
        fh.write(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        fh.truncate(65 * 1024 * 1024)
    with pytest.raises(LedgerFileError, match="64 MB"):
        read_ledger(path)


def test_a_csv_with_too_many_rows_is_refused(tmp_path):
    path = tmp_path / "花名册.csv"
    lines = ["姓名,性别,出生日期"] + ["张三,男,1980-01-02"] * 70000
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(RosterFileError, match="65536 行"):
        read_roster(path)


def test_a_csv_field_past_the_csv_modules_own_limit_is_a_plain_refusal(tmp_path):
    path = tmp_path / "账簿.csv"
    path.write_text("日期,凭证号,摘要,科目,收入,支出,余额\n2026-01-05,记-1,\"" + "长" * 200_000 + "\",,,,\n",
                    encoding="utf-8")
    with pytest.raises(LedgerFileError, match="第2行有一个单元格超过"):
        read_ledger(path)


def test_unicode_text_saved_by_excel_imports(tmp_path):
    # Excel's and WPS's 另存为 “Unicode 文本”: UTF-16 with a byte-order mark, separated by tabs
    path = tmp_path / "花名册.txt"
    path.write_bytes("姓名\t性别\t出生日期\r\n李四\t女\t1990-03-04\r\n".encode("utf-16"))
    parse = read_roster(path)
    assert [(r.name, r.sex, r.birth_date) for r in parse.rows] == [("李四", "女", dt.date(1990, 3, 4))]


# ---------------------------------------------------------------- a real village is never near the limits


@pytest.mark.slow
def test_a_roster_of_20000_people_in_40_columns_still_imports(tmp_path):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    extra = ["备用{}".format(i) for i in range(40 - 4)]
    sheet.append(["姓名", "身份证号", "村民小组", "住址", *extra])
    first = dt.date(1950, 1, 1)
    for i in range(20000):
        sheet.append(["村民{}".format(i), make_id(first + dt.timedelta(days=i), 1 + i % 999), "第{}组".format(i % 9 + 1),
                      "幸福路{}号".format(i), *["说明{}".format(i)] * len(extra)])
    path = tmp_path / "花名册.xlsx"
    book.save(path)
    assert os.path.getsize(path) < sheets.MAX_FILE_BYTES
    parse = read_roster(path)
    assert len(parse.rows) == 20000 and not parse.errors


def test_the_same_roster_as_csv_is_far_below_the_limits(tmp_path):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "身份证号"] + ["备用{}".format(i) for i in range(38)])
    first = dt.date(1950, 1, 1)
    for i in range(2000):
        writer.writerow(["村民{}".format(i), make_id(first + dt.timedelta(days=i), 1 + i % 999)] + ["说明"] * 38)
    path = tmp_path / "花名册.csv"
    path.write_text(out.getvalue(), encoding="gbk")
    parse = read_roster(path)
    assert len(parse.rows) == 2000 and not parse.errors


def test_a_damaged_old_xls_file_prints_nothing_on_the_terminal(tmp_path, capsys):
    # xlrd wrote "WARNING *** file size (…) not 512 + multiple of sector size (512)" to the clerk's terminal
    path = tmp_path / "花名册.xls"
    path.write_bytes((Path(__file__).parent / "data" / "roster_2003.xls").read_bytes() + b"\x00" * 100)
    parse = read_roster(path)
    assert parse.rows
    out = capsys.readouterr()
    assert "WARNING" not in out.out + out.err


def test_openpyxl_warnings_about_a_workbook_are_not_printed(tmp_path):
    # a sheet entry without its link: openpyxl warned "File contains an invalid specification for 0. This will be
    # removed", which Python printed on the terminal above the plain refusal
    base = workbook(roster_rows())
    xml = zipfile.ZipFile(io.BytesIO(base)).read("xl/workbook.xml").replace(b' r:id="rId1"', b"")
    path = write(tmp_path / "花名册.xlsx", with_sheet(base, "xl/workbook.xml", xml))
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with pytest.raises(RosterFileError, match="没有找到表头"):
            read_roster(path)
    assert [str(w.message) for w in seen] == []
