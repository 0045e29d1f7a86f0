"""Every workbook and CSV file the program writes keeps text as text (app/workbook.py).

A purpose, a 核实人, a note or a column name typed as ``=HYPERLINK("http://x","办理")`` must reach the person who
opens the file in Excel or WPS as those characters, never as a formula that runs or a link that opens: the
certificate register goes to the township (《中华人民共和国个人信息保护法》第五十一条: the village must take
security measures for the personal information it handles), the roster and the error list go round the office on
USB sticks. The test reads the sheet's XML (no ``<f>`` element) and the cells as openpyxl reads them without
evaluating anything (``data_type == "s"``, the value exactly what was typed).
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

import app.cli
from app.certificates.register import RegisterQuery, export_register
from app.certificates.service import Approval, CheckRecord, void_certificate
from app.people.spreadsheet import RowError, write_roster
from test_cert_support import cert_store, catalogues, issue, request  # noqa: F401

LINK = '=HYPERLINK("http://x","办理")'
# what a spreadsheet program reads as a formula or a command: ASCII, after a tab, and the full-width forms (a
# leading CR is covered by the CSV test: XML turns it into a line feed on reading)
FORMULAS = [LINK, "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "＝1+1", "＋1", " =1+1", "=1"]


def formula_free(path: Path):  # type: ignore[no-untyped-def]
    """The workbook, after checking that no sheet holds a formula."""
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = z.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"{name} holds a formula"
    return load_workbook(path, data_only=False)


def cells_with(book, text: str) -> list:  # type: ignore[no-untyped-def]
    return [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value == text]


def assert_text_cell(book, text: str) -> None:  # type: ignore[no-untyped-def]
    found = cells_with(book, text)
    assert found, f"{text!r} is not in the workbook as typed"
    assert all(c.data_type == "s" for c in found), [(c.coordinate, c.data_type) for c in found]


def test_register_keeps_a_purpose_a_verifier_a_void_reason_and_a_refused_kind_as_text(cert_store, catalogues,
                                                                                      tmp_path):
    """证明台账 and 拒绝开具记录 both (the workbook the township receives)."""
    req = request(cert_store, purpose=LINK, check=CheckRecord("+王文书", "@实际居住情况", "-户口簿"),
                  approval=Approval("张三", "主任"))
    serial = issue(cert_store, catalogues, req).certificate.serial
    with cert_store.begin("测试") as s:
        void_certificate(s, serial, "＝作废")
    refused = issue(cert_store, catalogues, request(cert_store, LINK, fields={}))
    assert refused.status == "refused"
    path = tmp_path / "台账.xlsx"
    with cert_store.read() as s:
        assert export_register(s, path, RegisterQuery()) == 1
    book = formula_free(path)
    assert [ws.title for ws in book.worksheets] == ["证明台账", "拒绝开具记录"]
    for text in (LINK, "+王文书", "@实际居住情况", "-户口簿", "＝作废"):
        assert_text_cell(book, text)
    assert [c.parent.title for c in cells_with(book, LINK)] == ["证明台账", "拒绝开具记录"]
    # numbers stay numbers and dates stay dates
    sheet = book["证明台账"]
    header = [c.value for c in sheet[4]]
    row = dict(zip(header, sheet[5]))
    assert row["打印次数"].data_type == "n" and row["打印次数"].value == 0
    assert row["受理日期"].is_date and row["受理日期"].value.date() == dt.date(2026, 3, 2)


def test_register_through_the_command_line_has_no_formula(cert_store, catalogues, tmp_path, capsys):
    issue(cert_store, catalogues, request(cert_store, purpose=LINK))
    path = tmp_path / "台账.xlsx"
    code = app.cli.main(["--data-dir", str(cert_store.data_dir), "cert", "register", "-o", str(path)])
    assert code == 0, capsys.readouterr().err
    assert_text_cell(formula_free(path), LINK)


def test_residents_export_keeps_notes_as_text(store, tmp_path, capsys):
    from app.people.service import ResidentInput, add_resident, list_groups

    with store.begin("测试") as s:
        add_resident(s, ResidentInput(name="钱七", sex="男", birth_date=dt.date(1970, 1, 2),
                                      group_id=list_groups(s)[0].id, note=LINK))
        add_resident(s, ResidentInput(name="孙八", sex="女", birth_date=dt.date(1980, 5, 6), group_id=list_groups(s)[0].id, note="@提醒"))
    path = tmp_path / "花名册.xlsx"
    code = app.cli.main(["--data-dir", str(store.data_dir), "residents", "export", str(path)])
    assert code == 0, capsys.readouterr().err
    book = formula_free(path)
    assert_text_cell(book, LINK)
    assert_text_cell(book, "@提醒")
    # the birth dates are still dates
    sheet = book.active
    births = [row[3] for row in sheet.iter_rows(min_row=2) if row[3].value is not None]
    assert births and all(c.is_date for c in births)


def test_blank_roster_template_is_a_plain_header(tmp_path):
    path = tmp_path / "花名册模板.xlsx"
    write_roster(path, [])
    book = formula_free(path)
    assert [c.value for c in book.active[1]] == ["姓名", "性别", "身份证号", "出生日期", "联系电话", "村民小组",
                                                "户主姓名", "与户主关系", "党员", "村民代表", "住址", "备注", "状态",
                                                "预备期开始日期"]


@pytest.fixture
def error_list_rows() -> list[RowError]:
    # the column names come from the clerk's own file, the reasons quote what was typed
    return [RowError(7, LINK, "-1 无法识别", "@请填写“是”或“否”"), RowError(9, "＝备注", "+86 不是手机号", "请改正")]


def test_import_error_list_as_xlsx_keeps_column_names_and_reasons_as_text(tmp_path, error_list_rows):
    from ui.people.import_wizard import write_error_list

    path = tmp_path / "错误清单.xlsx"
    write_error_list(path, error_list_rows)
    book = formula_free(path)
    for text in (LINK, "-1 无法识别", "@请填写“是”或“否”", "＝备注", "+86 不是手机号"):
        assert_text_cell(book, text)
    rows = [[c.value for c in row] for row in book.active.iter_rows(min_row=2)]
    assert [r[0] for r in rows] == [7, 9]  # row numbers stay numbers
    assert list(tmp_path.iterdir()) == [path]


def test_import_error_list_as_csv_cannot_start_a_formula(tmp_path, error_list_rows):
    """A CSV has no cell types: Excel evaluates a field starting with = + - @; a leading apostrophe stops it."""
    from ui.people.import_wizard import write_error_list

    path = tmp_path / "错误清单.csv"
    write_error_list(path, error_list_rows)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["行号", "列", "问题", "怎么改"]
    assert rows[1] == ["7", "'" + LINK, "'-1 无法识别", "'@请填写“是”或“否”"]
    assert rows[2] == ["9", "'＝备注", "'+86 不是手机号", "请改正"]
    assert list(tmp_path.iterdir()) == [path]


# ---------------------------------------------------------------- the one writer itself


@pytest.mark.parametrize("text", FORMULAS)
def test_the_writer_stores_every_formula_start_as_text(tmp_path, text):
    from app.workbook import Sheet, write_workbook

    path = tmp_path / "x.xlsx"
    write_workbook(path, [Sheet("表", [text], [[text], ["#N/A"]], above=[text])])
    book = formula_free(path)
    found = cells_with(book, text)
    assert len(found) == 3 and all(c.data_type == "s" for c in found)
    assert all(c.quotePrefix for c in found)  # stays text when the clerk edits the cell in Excel
    assert cells_with(book, "#N/A")[0].data_type == "s"  # text, not Excel's error value


def test_the_writer_keeps_numbers_dates_and_text_columns(tmp_path):
    from app.workbook import Sheet, write_workbook

    path = tmp_path / "x.xlsx"
    when = dt.datetime(2026, 3, 2, 9, 30)
    write_workbook(path, [Sheet("表", ["数", "金额", "日期", "时间", "身份证号", "是否"],
                                [[3, Decimal("12.50"), dt.date(2026, 3, 1), when, "370102198507090229", True],
                                 [None, "", None, None, "", False]],
                                text_columns={4})])
    sheet = formula_free(path)["表"]
    number, money, day, moment, id_number, flag = sheet[2]
    assert (number.value, number.data_type) == (3, "n")
    assert (money.value, money.data_type) == (12.5, "n")
    assert day.is_date and day.value == dt.datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert moment.is_date and moment.value == when
    assert (id_number.value, id_number.data_type, id_number.number_format) == ("370102198507090229", "s", "@")
    assert (flag.value, flag.data_type) == (True, "b")
    assert [c.value for c in sheet[3]] == [None, None, None, None, None, False]


def test_a_control_character_does_not_make_the_whole_file_fail(tmp_path):
    """Older records may hold a character a workbook cannot store at all; the rest of the text is written."""
    from app.workbook import Sheet, write_workbook

    path = tmp_path / "x.xlsx"
    write_workbook(path, [Sheet("表", ["姓名"], [["张\x01三"], ["=\x02x"]])])
    book = formula_free(path)
    assert [c.value for c in book["表"]["A"]] == ["姓名", "张三", "=x"]
    assert cells_with(book, "=x")[0].data_type == "s"


def test_a_sheet_name_excel_would_refuse_is_shortened_and_cleaned(tmp_path):
    """Excel refuses a whole workbook whose sheet name is over 31 characters or holds []:*?/\\ (an English
    sheet name of the monthly report is 35 characters)."""
    import warnings

    from app.workbook import Sheet, write_workbook

    path = tmp_path / "x.xlsx"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl only warns about a long name; Excel then refuses the file
        write_workbook(path, [Sheet("Villagers' representatives' meeting", ["a"], [["1"]]),
                              Sheet("2026/11: [月报]", ["a"], [["2"]])])
    names = formula_free(path).sheetnames
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in names)
    assert names[0].startswith("Villagers' representatives") and names[1].startswith("2026 11")


def test_csv_values_keep_numbers_and_prefix_only_formula_text():
    from app.workbook import csv_text

    assert [csv_text(v) for v in (5, Decimal("-3.5"), None, dt.date(2026, 3, 1), "张三", "-张三", "＠x", " =1", "\r=1")] == [
        5, Decimal("-3.5"), "", "2026-03-01", "张三", "'-张三", "'＠x", "' =1", "'\r=1"]
