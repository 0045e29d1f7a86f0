"""Reading and writing the residents roster (花名册) as clerks actually keep it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from pathlib import Path

import openpyxl
import pytest

from app.people.spreadsheet import (
    COLUMNS,
    RosterFileError,
    RosterRow,
    read_roster,
    write_roster,
)
from conftest import make_id

DATA = Path(__file__).parent / "data"


def wrong_check_digit(id18: str) -> str:
    return id18[:17] + ("0" if id18[17] != "0" else "1")


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "0" <= c <= "9" else c for c in text)


def save_sheet(path: Path, rows: list[list[object]], *, title: str | None = None) -> Path:
    """Rows start at Excel row 1, or row 2 under a title merged across the header."""
    book = openpyxl.Workbook()
    sheet = book.active
    first = 1
    if title:
        sheet.cell(1, 1, title)
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(rows[0]))
        first = 2
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=1):
            if value is not None:
                sheet.cell(r, c, value)
    book.save(path)
    return path


def errors_at(parse, row: int) -> list:
    return [e for e in parse.errors if e.row_number == row]


# ---------------------------------------------------------------- a realistic messy sheet

WANG = make_id(dt.date(1965, 3, 4), 121)  # man
ZHAO_15 = "370102" + "700102" + "124"  # old 15-digit number, woman born 1970-01-02
LIU = make_id(dt.date(1988, 11, 30), 246)  # woman


@pytest.fixture
def messy(tmp_path: Path):
    rows: list[list[object]] = [
        [None] * 13,  # a blank row under the title
        ["序号", "姓 名", "性别", "公民身份号码", "出生年月", "手机号", "组别", "户主", "关系",
         "政治面貌", "是否村民代表", "家庭住址", "备注"],
        [1, "王　建国", None, to_fullwidth(WANG), "1965.03", "１３８-0013-8000", "第一村民小组", None, "户主",
         "中共党员", "是", "东岭村8号", None],
        [None] * 13,  # blank rows between households
        [2, "赵秀英", "女", float(ZHAO_15), None, "0531-88886666", "第一村民小组", "王建国", "配偶",
         "群众", "否", "东岭村8号", "老身份证"],
        [3, "王小宝", "男", None, "2023年5月6日", None, "第一村民小组", "王建国", "孙子",
         None, None, "东岭村8号", "还没办身份证"],
        [4, "刘芳", None, f"  {LIU} ", dt.datetime(1988, 11, 30), None, "二组", None, None,
         "共青团员", "Y", None, None],
        [5, "李四", "男", 3.70102197001011e17, None, None, "二组", None, None, None, None, None, None],
        [6, None, None, None, None, None, None, None, None, None, None, None, None],  # numbered but empty
    ]  # fmt: skip
    path = save_sheet(tmp_path / "花名册.xlsx", rows, title="东岭村村民花名册")
    return read_roster(path)


def test_messy_sheet_finds_header_under_merged_title(messy):
    assert messy.header_row == 3
    assert [r.name for r in messy.rows] == ["王建国", "赵秀英", "王小宝", "刘芳"]
    assert [r.row_number for r in messy.rows] == [4, 6, 7, 8]
    assert messy.groups == ["第一村民小组", "二组"]


def test_messy_sheet_cleans_ids_and_derives_sex_and_birth(messy):
    wang, zhao, baby, liu = messy.rows
    assert wang.id_number == WANG  # full-width digits and the space in the name are gone
    assert (wang.sex, wang.birth_date) == ("男", dt.date(1965, 3, 4))
    assert zhao.id_number is not None and len(zhao.id_number) == 18
    assert zhao.id_number[:6] + zhao.id_number[8:17] == ZHAO_15
    assert (zhao.sex, zhao.birth_date) == ("女", dt.date(1970, 1, 2))
    assert (baby.id_number, baby.sex, baby.birth_date) == (None, "男", dt.date(2023, 5, 6))
    assert (liu.id_number, liu.sex, liu.birth_date) == (LIU, "女", dt.date(1988, 11, 30))


def test_messy_sheet_reads_the_other_columns(messy):
    wang, zhao, baby, liu = messy.rows
    assert wang.phone == "13800138000"
    assert zhao.phone == "0531-88886666"
    assert (zhao.head_name, zhao.relation, zhao.address, zhao.note) == ("王建国", "配偶", "东岭村8号", "老身份证")
    assert (wang.party_member, wang.representative) == (True, True)
    assert (zhao.party_member, zhao.representative) == (False, False)
    assert (liu.party_member, liu.representative) == (False, True)


def test_messy_sheet_reports_the_id_excel_turned_into_a_number(messy):
    assert len(messy.errors) == 1
    error = messy.errors[0]
    assert (error.row_number, error.column) == (9, "公民身份号码")
    assert "数字" in error.reason and "丢失" in error.reason
    assert "文本" in error.fix


# ---------------------------------------------------------------- the four required bad cases

HEADER = ["姓名", "性别", "身份证号", "出生日期", "联系电话", "村民小组"]


def test_bad_rows_are_all_reported_with_excel_row_numbers(tmp_path: Path):
    first = make_id(dt.date(1990, 1, 1), 123)
    rows = [
        HEADER,
        ["张三", "男", first, None, None, "一组"],  # row 2
        ["李四", "男", wrong_check_digit(make_id(dt.date(1990, 1, 2), 135)), None, None, "一组"],  # row 3
        [None] * 6,  # row 4: blank, skipped
        ["张三丰", "男", first, None, None, "一组"],  # row 5: duplicate of row 2
        [None, "女", make_id(dt.date(1990, 1, 3), 246), None, None, "一组"],  # row 6: no name
        ["王五", None, 3.2e17, None, None, "二组"],  # row 7: ID stored as a number
    ]
    parse = read_roster(save_sheet(tmp_path / "bad.xlsx", rows))

    assert {(e.row_number, e.column) for e in parse.errors} == {
        (3, "身份证号"), (5, "身份证号"), (6, "姓名"), (7, "身份证号"),
    }  # fmt: skip
    assert "校验" in errors_at(parse, 3)[0].reason
    duplicate = errors_at(parse, 5)[0].reason
    assert "第5行" in duplicate and "第2行" in duplicate
    assert "姓名" in errors_at(parse, 6)[0].reason
    assert "数字" in errors_at(parse, 7)[0].reason and "文本" in errors_at(parse, 7)[0].fix
    assert [r.name for r in parse.rows] == ["张三"]
    assert all(e.reason and e.fix for e in parse.errors)


def test_every_error_of_one_row_is_reported(tmp_path: Path):
    rows = [HEADER, [None, "男", make_id(dt.date(1990, 1, 1), 124), "1991-01-01", "12345", "一组"]]
    parse = read_roster(save_sheet(tmp_path / "many.xlsx", rows))
    assert sorted(e.column for e in parse.errors) == sorted(["姓名", "性别", "出生日期", "联系电话"])
    sex_error = next(e for e in parse.errors if e.column == "性别")
    assert "性别与身份证号不一致" in sex_error.reason
    assert parse.rows == []


def test_id_already_in_register_is_reported(tmp_path: Path):
    known = make_id(dt.date(1980, 8, 8), 111)
    rows = [HEADER, ["周八", None, known, None, None, None], ["吴九", None, make_id(dt.date(1980, 8, 9), 111), None, None, None]]
    parse = read_roster(save_sheet(tmp_path / "again.xlsx", rows), existing_ids={known})
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "身份证号")]
    assert "已经" in parse.errors[0].reason
    assert [r.name for r in parse.rows] == ["吴九"]


def test_id_text_in_scientific_notation_gets_the_number_hint(tmp_path: Path):
    path = tmp_path / "sci.csv"
    path.write_text("姓名,身份证号\n孙七,3.70102199001011E+17\n", encoding="utf-8")
    parse = read_roster(path)
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "身份证号")]
    assert "文本" in parse.errors[0].fix


def test_person_without_id_needs_sex_and_birth_date(tmp_path: Path):
    rows = [HEADER, ["小宝", "男", None, None, None, None], ["小花", None, None, "2024-02-29", None, None]]
    parse = read_roster(save_sheet(tmp_path / "infants.xlsx", rows))
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "身份证号"), (3, "身份证号")]
    assert "性别和出生日期" in parse.errors[0].fix


@pytest.mark.parametrize(
    "typed",
    ["1990-01-02", "1990/1/2", "1990.01.02", "19900102", "1990年1月2日", 19900102,
     dt.datetime(1990, 1, 2), "１９９０-０１-０２", "1990-01-02 00:00:00"],
)  # fmt: skip
def test_birth_date_written_in_many_ways(tmp_path: Path, typed: object):
    rows = [HEADER, ["小宝", "女性", None, typed, None, None]]
    parse = read_roster(save_sheet(tmp_path / "dates.xlsx", rows))
    assert parse.errors == []
    assert (parse.rows[0].sex, parse.rows[0].birth_date) == ("女", dt.date(1990, 1, 2))


@pytest.mark.parametrize("typed", ["1990-13-02", "1990-02-30", "九〇年", "2-1-1990"])
def test_unreadable_birth_date_is_reported(tmp_path: Path, typed: str):
    rows = [HEADER, ["小宝", "女", None, typed, None, None]]
    parse = read_roster(save_sheet(tmp_path / "dates.xlsx", rows))
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "出生日期")]
    assert typed in parse.errors[0].reason


def test_birth_date_contradicting_the_id(tmp_path: Path):
    rows = [HEADER, ["钱六", "F", make_id(dt.date(1990, 1, 2), 222), "1990-01-03", None, None]]
    parse = read_roster(save_sheet(tmp_path / "birth.xlsx", rows))
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "出生日期")]
    assert "1990-01-02" in parse.errors[0].reason


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("13800138000", "13800138000"), ("138 0013 8000", "13800138000"), ("+86 13800138000", "13800138000"),
     ("88886666", "88886666"), ("0531-88886666", "0531-88886666"),
     ("13800138000/0531-88886666", "13800138000/0531-88886666")],
)  # fmt: skip
def test_phone_numbers_accepted(tmp_path: Path, typed: str, stored: str):
    rows = [HEADER, ["小宝", "男", None, "2020-01-01", typed, None]]
    parse = read_roster(save_sheet(tmp_path / "phone.xlsx", rows))
    assert parse.errors == []
    assert parse.rows[0].phone == stored


@pytest.mark.parametrize("typed", ["1380013800", "23800138000", "电话没有", "12345"])
def test_bad_phone_is_reported(tmp_path: Path, typed: str):
    rows = [HEADER, ["小宝", "男", None, "2020-01-01", typed, None]]
    parse = read_roster(save_sheet(tmp_path / "phone.xlsx", rows))
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "联系电话")]


def test_yes_no_columns(tmp_path: Path):
    rows = [["姓名", "性别", "出生日期", "党员", "村民代表"]]
    values = [("是", True), ("Y", True), (1, True), ("√", True), (True, True),
              ("否", False), ("N", False), (0, False), (None, False)]  # fmt: skip
    for n, (typed, _) in enumerate(values):
        rows.append([f"村民{n}", "男", "2000-01-01", typed, typed])
    rows.append(["村民x", "男", "2000-01-01", "也许", None])
    parse = read_roster(save_sheet(tmp_path / "flags.xlsx", rows))
    assert [r.party_member for r in parse.rows] == [expected for _, expected in values]
    assert [r.representative for r in parse.rows] == [expected for _, expected in values]
    assert [(e.row_number, e.column) for e in parse.errors] == [(len(rows), "党员")]


# ---------------------------------------------------------------- other formats

CSV_TEXT = (
    "姓名,性别,身份证号码,联系电话,小组\n"
    f"张三,男,{make_id(dt.date(1990, 1, 1), 123)},13800138000,第一组\n"
    "\n"
    f"李梅,,{make_id(dt.date(1992, 12, 12), 246)},,第二组\n"
)


def test_gbk_csv(tmp_path: Path):
    path = tmp_path / "gbk.csv"
    path.write_bytes(CSV_TEXT.encode("gbk"))
    parse = read_roster(path)
    assert parse.errors == []
    assert [(r.row_number, r.name, r.sex, r.group_name) for r in parse.rows] == [
        (2, "张三", "男", "第一组"), (4, "李梅", "女", "第二组"),
    ]  # fmt: skip


def test_utf8_bom_csv(tmp_path: Path):
    path = tmp_path / "bom.csv"
    path.write_bytes(CSV_TEXT.encode("utf-8-sig"))
    parse = read_roster(path)
    assert parse.errors == []
    assert parse.header_row == 1
    assert [r.name for r in parse.rows] == ["张三", "李梅"]
    assert parse.rows[1].birth_date == dt.date(1992, 12, 12)


def test_old_xls_file():
    parse = read_roster(DATA / "roster_2003.xls")
    assert parse.header_row == 2
    assert [(r.row_number, r.name, r.phone, r.group_name) for r in parse.rows] == [
        (3, "王建国", "13800138000", "1"), (4, "王小花", "", "1"),
    ]  # fmt: skip
    assert parse.rows[1].birth_date == dt.date(2023, 5, 6)
    assert [(e.row_number, e.column) for e in parse.errors] == [(5, "身份证号码")]
    assert "文本" in parse.errors[0].fix


def test_xls_without_xlrd_asks_for_xlsx(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setitem(sys.modules, "xlrd", None)
    with pytest.raises(RosterFileError, match="xlsx"):
        read_roster(DATA / "roster_2003.xls")


def test_roster_on_a_later_sheet(tmp_path: Path):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    book.active["A1"] = "本表由村委会填写"
    sheet = book.create_sheet("村民")
    sheet.append(["姓名", "身份证号"])
    sheet.append(["张三", make_id(dt.date(1990, 1, 1), 123)])
    book.save(tmp_path / "two.xlsx")
    parse = read_roster(tmp_path / "two.xlsx")
    assert (parse.sheet_name, parse.header_row, [r.name for r in parse.rows]) == ("村民", 1, ["张三"])


# ---------------------------------------------------------------- whole-file problems


def test_no_header_row(tmp_path: Path):
    rows = [["表一"]] + [[None]] * 25 + [["姓名", "身份证号"], ["张三", make_id(dt.date(1990, 1, 1), 123)]]
    with pytest.raises(RosterFileError, match="表头"):
        read_roster(save_sheet(tmp_path / "late.xlsx", rows))


def test_missing_name_column(tmp_path: Path):
    rows = [["名字", "身份证号", "性别"], ["张三", make_id(dt.date(1990, 1, 1), 123), "男"]]
    with pytest.raises(RosterFileError, match="姓名"):
        read_roster(save_sheet(tmp_path / "noname.xlsx", rows))


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip", b"\x00\x01\x02garbage"])
def test_damaged_file(tmp_path: Path, content: bytes):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(RosterFileError, match="无法读取"):
        read_roster(path)


def test_missing_file(tmp_path: Path):
    with pytest.raises(RosterFileError, match="找不到"):
        read_roster(tmp_path / "nowhere.xlsx")


# ---------------------------------------------------------------- writing

ROWS = [
    RosterRow(0, "王建国", "男", dt.date(1965, 3, 4), WANG, "13800138000", "第一村民小组", "", "户主",
              True, True, "东岭村8号", ""),
    RosterRow(0, "-赵秀英", "女", dt.date(1970, 1, 2), make_id(dt.date(1970, 1, 2), 124), "0531-88886666",
              "第一村民小组", "王建国", "配偶", False, False, "东岭村8号", '=HYPERLINK("http://x","y")'),
    RosterRow(0, "王小宝", "男", dt.date(2023, 5, 6), None, "", "第一村民小组", "王建国", "孙子",
              False, False, "东岭村8号", "+还没办身份证"),
    RosterRow(0, "刘芳", "女", dt.date(1988, 11, 30), LIU, "", "二组", "", "户主", False, True, "", "@备注"),
]  # fmt: skip


def test_round_trip(tmp_path: Path):
    path = tmp_path / "out.xlsx"
    write_roster(path, iter(ROWS))
    parse = read_roster(path)
    assert parse.errors == []
    assert [dataclasses.replace(r, row_number=0) for r in parse.rows] == ROWS
    assert [r.row_number for r in parse.rows] == [2, 3, 4, 5]


def test_written_file_is_safe_to_open_in_excel(tmp_path: Path):
    path = tmp_path / "out.xlsx"
    write_roster(path, ROWS)
    sheet = openpyxl.load_workbook(path).active
    assert [c.value for c in sheet[1]] == COLUMNS
    assert all(c.font.b for c in sheet[1])

    note, name = sheet.cell(3, COLUMNS.index("备注") + 1), sheet.cell(3, 1)
    assert (note.value, note.data_type) == ('=HYPERLINK("http://x","y")', "s")
    assert (name.value, name.data_type) == ("-赵秀英", "s")
    for row in range(2, 6):
        for value in (c.value for c in sheet[row]):
            assert not (isinstance(value, str) and value.startswith("=") and value != note.value)

    id_cell = sheet.cell(2, COLUMNS.index("身份证号") + 1)
    phone_cell = sheet.cell(2, COLUMNS.index("联系电话") + 1)
    assert (id_cell.value, id_cell.data_type, id_cell.number_format) == (WANG, "s", "@")
    assert (phone_cell.value, phone_cell.number_format) == ("13800138000", "@")
    assert [sheet.cell(2, COLUMNS.index(c) + 1).value for c in ("党员", "村民代表")] == ["是", "是"]
    # Wide enough for an 18-digit ID and for the Chinese header text.
    assert sheet.column_dimensions["C"].width >= 18
    assert sheet.column_dimensions["A"].width >= 8


def test_write_replaces_existing_file_and_leaves_no_temporary_files(tmp_path: Path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"old")
    write_roster(path, ROWS[:1])
    assert [p.name for p in tmp_path.iterdir()] == ["out.xlsx"]
    assert [r.name for r in read_roster(path).rows] == ["王建国"]


def test_write_to_missing_folder_says_so(tmp_path: Path):
    from app.files import WriteFailed

    with pytest.raises(WriteFailed, match="不存在"):
        write_roster(tmp_path / "no" / "such" / "out.xlsx", ROWS)


def test_module_import_does_not_load_spreadsheet_libraries():
    import subprocess

    code = (
        "import sys, app.people.spreadsheet;"
        "print(sorted(m for m in ('pandas', 'openpyxl', 'xlrd') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent)  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_header_repeated_for_each_group_is_skipped(tmp_path: Path):
    rows = [
        ["第一村民小组"], HEADER, ["张三", None, make_id(dt.date(1990, 1, 1), 123), None, None, "一组"],
        ["第二村民小组"], HEADER, ["李四", None, make_id(dt.date(1990, 1, 2), 123), None, None, "二组"],
    ]  # fmt: skip
    parse = read_roster(save_sheet(tmp_path / "sections.xlsx", rows))
    assert parse.errors == []
    assert [(r.row_number, r.name) for r in parse.rows] == [(3, "张三"), (6, "李四")]


def test_group_taken_from_section_titles_when_there_is_no_group_column(tmp_path: Path):
    rows = [
        ["姓名", "身份证号"],
        ["东岭村第一村民小组（共2人）"], ["张三", make_id(dt.date(1990, 1, 1), 123)], ["李四", make_id(dt.date(1990, 1, 2), 123)],
        [None], ["第二村民小组"], ["王五", make_id(dt.date(1990, 1, 3), 123)],
    ]  # fmt: skip
    parse = read_roster(save_sheet(tmp_path / "sections.xlsx", rows))
    assert parse.errors == []
    assert [(r.name, r.group_name) for r in parse.rows] == [
        ("张三", "第一村民小组"), ("李四", "第一村民小组"), ("王五", "第二村民小组"),
    ]  # fmt: skip
    assert parse.groups == ["第一村民小组", "第二村民小组"]


# ---------------------------------------------------------------- 预备党员 (《中国共产党章程》第七条: no vote until 转正)


@pytest.mark.parametrize("header", ["政治面貌", "党员"])
def test_probationary_party_members_and_their_variants_are_read_apart_from_full_members(tmp_path: Path, header):
    typed = ["中共预备党员", "预备党员", "中共预备", "预备", " 中共预备党员 ", "中共党员", "群众" if header == "政治面貌" else "否"]
    rows: list[list[object]] = [["姓名", "性别", "出生日期", header, "入党日期"]]
    for n, value in enumerate(typed):
        rows.append([f"村民{n}", "男", "1995-01-01", value, "2026-03-0{d}".format(d=n + 1)])
    parse = read_roster(save_sheet(tmp_path / "party.xlsx", rows))
    assert parse.errors == []
    assert [(r.party_member, r.probationary) for r in parse.rows] == [(False, True)] * 5 + [(True, False), (False, False)]
    # the admission date is kept for probationary members only (a full member's 入党日期 is not stored)
    assert [r.probation_since for r in parse.rows] == [dt.date(2026, 3, n) for n in range(1, 6)] + [None, None]


def test_a_probation_date_that_cannot_be_read_is_reported_under_its_own_column(tmp_path: Path):
    rows = [["姓名", "性别", "出生日期", "政治面貌", "接收预备党员日期"],
            ["甲", "男", "1995-01-01", "中共预备党员", "去年春天"],
            ["乙", "男", "1995-01-01", "中共预备党员", "2026年3月"],
            ["丙", "男", "1995-01-01", "中共预备党员", None],
            ["丁", "男", "1995-01-01", "群众", "看不懂也不要紧"]]
    parse = read_roster(save_sheet(tmp_path / "dates.xlsx", rows))
    assert [(e.row_number, e.column) for e in parse.errors] == [(2, "接收预备党员日期"), (3, "接收预备党员日期")]
    assert [(r.name, r.probationary, r.probation_since) for r in parse.rows] == [("丙", True, None), ("丁", False, None)]


def test_probationary_members_round_trip_through_the_export(tmp_path: Path):
    rows = [dataclasses.replace(ROWS[0], party_member=False, probationary=True, probation_since=dt.date(2026, 2, 3)),
            *ROWS[1:]]
    path = tmp_path / "out.xlsx"
    write_roster(path, rows)
    sheet = openpyxl.load_workbook(path).active
    assert sheet.cell(2, COLUMNS.index("党员") + 1).value == "中共预备党员"  # the 政治面貌 word
    parse = read_roster(path)
    assert parse.errors == []
    assert [dataclasses.replace(r, row_number=0) for r in parse.rows] == rows
