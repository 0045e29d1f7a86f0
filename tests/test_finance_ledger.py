"""Importing the accountant's ledger: every row checked, all or nothing, amounts exact to the fen."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

import app.finance.models  # noqa: F401 - the ledger tables must exist when the test store is created
from app.check import check_store
from app.events import Event
from app.finance.ledger import LedgerFileError, read_ledger
from app.finance.models import LedgerEntry, LedgerImport
from app.finance.service import import_ledger, ledger_years, opening_balance_fen, summary

DATA = Path(__file__).parent / "data" / "finance"
SAMPLE = DATA / "柳林村2026年现金日记账.csv"
HEADER = ["日期", "凭证号", "摘要", "科目", "收入", "支出", "余额"]
OPENING = ["", "", "上年结转", "", "", "", "10,000.00"]


def write_csv(path: Path, rows: list[list[object]], *, header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[list[object]], *, header: list[str] = HEADER, title: str | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def run_import(store, path: Path, **kwargs):
    with store.begin("王会计") as s:
        return import_ledger(s, path, **kwargs)


def counts(store) -> dict[str, int]:
    with store.read() as s:
        return {"entries": s.scalar(select(func.count()).select_from(LedgerEntry)),
                "imports": s.scalar(select(func.count()).select_from(LedgerImport)),
                "events": s.scalar(select(func.count()).select_from(Event))}


def entries(store, year: int | None = None) -> list[LedgerEntry]:
    with store.read() as s:
        q = select(LedgerEntry).order_by(LedgerEntry.row)
        if year is not None:
            q = q.where(LedgerEntry.year == year)
        return list(s.scalars(q))


def assert_nothing_written(store, before: dict[str, int]) -> None:
    assert counts(store) == before


# ---------------------------------------------------------------- a good ledger


def test_sample_ledger_imports_every_entry_with_totals_to_the_fen(store):
    report = run_import(store, SAMPLE)
    assert report.ok and report.year == 2026
    assert report.added == 15 and report.skipped == 3  # three 本月合计 rows are not entries
    assert (report.opening, report.income, report.expense, report.closing) == (
        Decimal("186542.30"), Decimal("82600.50"), Decimal("40907.29"), Decimal("228235.51"))
    rows = {e.voucher: e for e in entries(store)}
    assert rows["记-003"].category == "补助收入" and rows["记-003"].date == dt.date(2026, 1, 15)  # alias 上级补助
    assert rows["记-007"].amount_fen == 850000 and rows["记-007"].date == dt.date(2026, 2, 10)  # "8500元"
    assert rows["记-009"].amount_fen == 360050 and rows["记-009"].kind == "income"  # "￥3,600.50"
    assert rows["记-010"].date == dt.date(2026, 3, 4) and rows["记-010"].kind == "expense"  # "20260304"
    assert rows["记-015"].balance_fen == 22823551
    text = summary(report)
    assert "15 笔" in text and "228,235.51" in text
    with store.read() as s:
        assert check_store(s).ok
        imported = s.scalars(select(LedgerImport)).one()
        assert imported.actor == "王会计" and imported.file_name == SAMPLE.name and len(imported.sha256) == 64
        assert ledger_years(s) == [2026]


def test_opening_balance_of_any_day_is_the_years_opening_plus_earlier_entries(store):
    run_import(store, SAMPLE)
    with store.read() as s:
        assert opening_balance_fen(s, dt.date(2026, 1, 1)) == 18654230
        assert opening_balance_fen(s, dt.date(2026, 2, 1)) == 24088551
        assert opening_balance_fen(s, dt.date(2026, 4, 1)) == 22035601


def test_xlsx_with_thousands_separators_yuan_full_width_digits_and_excel_numbers(store, tmp_path):
    rows = [
        [None, None, "期初余额", None, None, None, 0],
        [dt.datetime(2026, 3, 1), "记-1", "承包费", "发包及上交收入", "1,234.50", None, "1,234.50"],
        ["2026-03-02", "记-2", "承包费", "发包收入", "1234.5元", None, 2469],
        ["2026年3月3日", "记-3", "承包费", "发包及上交收入", "￥1,234.50", None, "3,703.50元"],
        [46085, "记-4", "承包费", "发包及上交收入", "１，２３４．５０", None, "4938"],  # an Excel serial: 2026-03-04
        ["20260305", "记-5", "承包费", "发包及上交收入", 1234.5, None, 6172.5],
        ["2026/3/6", "记-6", "办公用品", "管理费用", None, " 1 234.50 ", "4,938.00"],
    ]
    path = write_xlsx(tmp_path / "2026年账.xlsx", rows, title="柳林村2026年收支明细账")
    report = run_import(store, path)
    assert report.ok, report.errors
    got = entries(store)
    assert [e.amount_fen for e in got] == [123450] * 6
    assert [e.date for e in got] == [dt.date(2026, 3, d) for d in range(1, 7)]
    assert report.closing == Decimal("4938.00")


def test_gbk_csv_with_alias_headers(store, tmp_path):
    header = ["记账日期", "凭证字号", "摘要", "会计科目", "收入金额(元)", "支出金额(元)", "结余"]
    path = write_csv(tmp_path / "账簿.csv", [["", "", "承上年", "", "", "", "500.00"],
                                            ["2026-05-06", "记-01", "路灯维修", "公益支出", "", "300.00", "200.00"],
                                            ["2026-05-07", "记-02", "上级补助", "财政补助", "1,000.00", "", "1,200.00"]],
                     header=header, encoding="gbk")
    report = run_import(store, path)
    assert report.ok, report.errors
    assert [(e.summary, e.category) for e in entries(store)] == [("路灯维修", "公益支出"), ("上级补助", "补助收入")]
    assert report.opening == Decimal("500.00") and report.closing == Decimal("1200.00")


def test_many_small_amounts_add_up_to_the_fen(store, tmp_path):
    # 0.1 cannot be held exactly as a float; 1,000 of them must still make exactly 100.00 元
    balance = 0.0
    rows: list[list[object]] = [[None, None, "上年结转", None, None, None, 0]]
    for i in range(1000):
        balance += 0.1  # a balance column as Excel's own formula computes it, binary noise included
        rows.append([dt.datetime(2026, 1, 1 + i % 28), f"记-{i}", "卖废品", "其他收入", 0.1, None, balance])
    assert balance != 100.0
    report = run_import(store, write_xlsx(tmp_path / "零钱.xlsx", rows))
    assert report.ok, report.errors[:3]
    assert report.income == Decimal("100.00") and report.closing == Decimal("100.00")
    assert entries(store)[-1].balance_fen == 10000


def test_month_and_day_columns_take_the_year_from_the_title(store, tmp_path):
    path = write_xlsx(tmp_path / "日记账.xlsx", [[None, None, "", "上年结转", None, None, None, 100],
                                                [3, 5, "记-1", "鱼塘承包费", "发包及上交收入", 50, None, 150]],
                      header=["月", "日", "凭证号", "摘要", "科目", "收入", "支出", "余额"], title="2025年现金日记账")
    report = run_import(store, path)
    assert report.ok, report.errors
    assert report.year == 2025 and entries(store)[0].date == dt.date(2025, 3, 5)


def test_red_ink_reversal_is_a_negative_amount(store, tmp_path):
    path = write_csv(tmp_path / "冲销.csv", [OPENING,
                                            ["2026-06-01", "记-1", "办公用品", "管理费用", "", "500.00", "9,500.00"],
                                            ["2026-06-02", "记-2", "冲销记-1多记金额", "管理费用", "", "-200.00", "9,700.00"]])
    report = run_import(store, path)
    assert report.ok, report.errors
    assert report.expense == Decimal("300.00") and report.closing == Decimal("9700.00")


def test_header_repeated_on_each_printed_page_is_skipped_but_a_summary_reading_摘要_is_not(store, tmp_path):
    path = write_csv(tmp_path / "分页.csv", [OPENING,
                                            ["2026-06-01", "记-1", "摘要", "管理费用", "", "500.00", "9,500.00"],
                                            HEADER,
                                            ["2026-06-02", "记-2", "电费", "管理费用", "", "100.00", "9,400.00"]])
    report = run_import(store, path)
    assert report.ok, report.errors
    assert [e.summary for e in entries(store)] == ["摘要", "电费"]


def test_dry_run_checks_and_counts_but_writes_nothing(store):
    before = counts(store)
    report = run_import(store, SAMPLE, dry_run=True)
    assert report.ok and report.rows == 15 and report.dry_run
    assert "试运行" in summary(report)
    assert_nothing_written(store, before)


def test_reimporting_a_year_replaces_it_and_logs_every_removed_entry(store, tmp_path):
    last_year = write_csv(tmp_path / "2025.csv", [OPENING, ["2025-12-01", "记-9", "电费", "管理费用", "", "100.00", "9,900.00"]])
    run_import(store, last_year)
    first = write_csv(tmp_path / "a.csv", [["", "", "上年结转", "", "", "", "9,900.00"]] + [
        [f"2026-01-0{d}", f"记-{d}", "承包费", "发包及上交收入", "100.00", "", f"{9900 + 100 * d:,}.00"] for d in (1, 2, 3)])
    assert run_import(store, first).added == 3
    events_before = counts(store)["events"]
    second = write_csv(tmp_path / "b.csv", [["", "", "上年结转", "", "", "", "9,900.00"],
                                            ["2026-01-01", "记-1", "承包费", "发包及上交收入", "100.00", "", "10,000.00"],
                                            ["2026-02-01", "记-2", "补助", "补助收入", "50.00", "", "10,050.00"]])
    report = run_import(store, second)
    assert (report.added, report.replaced) == (2, 3)
    assert "替换了原有的 3 笔" in summary(report)
    assert [e.summary for e in entries(store, 2026)] == ["承包费", "补助"]
    assert [e.summary for e in entries(store, 2025)] == ["电费"]
    with store.read() as s:
        deletes = s.scalar(select(func.count()).select_from(Event).where(
            Event.record_type == "ledger_entry", Event.action == "delete"))
        assert deletes == 3
        assert s.scalar(select(func.count()).select_from(Event)) == events_before + 1 + 3 + 2
        assert check_store(s).ok
    # the same file again changes nothing
    again = run_import(store, second)
    assert again.unchanged and "没有变化" in summary(again)
    assert counts(store)["events"] == events_before + 6


def test_opening_balance_not_last_years_closing_is_shown(store, tmp_path):
    run_import(store, write_csv(tmp_path / "2025.csv", [OPENING, ["2025-12-01", "记-9", "电费", "管理费用", "", "100.00", "9,900.00"]]))
    report = run_import(store, write_csv(tmp_path / "2026.csv", [
        ["", "", "上年结转", "", "", "", "9,990.00"], ["2026-01-05", "记-1", "电费", "管理费用", "", "90.00", "9,900.00"]]))
    assert report.ok
    assert "与已导入的 2025 年账簿的期末余额 9,900.00 元不一致,相差 90.00 元" in summary(report)


def test_opening_balance_in_the_income_column_when_there_is_no_balance_column(store, tmp_path):
    header = ["日期", "凭证号", "摘要", "科目", "收入", "支出"]
    path = write_csv(tmp_path / "无余额.csv", [["2026-01-01", "", "期初余额", "", "2,000.00", ""],
                                              ["2026-01-02", "记-1", "电费", "管理费用", "", "150.00"]], header=header)
    report = run_import(store, path)
    assert report.ok and report.opening == Decimal("2000.00") and report.income == 0
    assert report.closing == Decimal("1850.00")


# ---------------------------------------------------------------- bad input: nothing imported, rows listed


def test_ledger_that_does_not_reconcile_imports_nothing_and_shows_the_difference(store, tmp_path):
    path = write_csv(tmp_path / "不平.csv", [
        OPENING,                                                                    # row 2
        ["2026-03-01", "记-1", "承包费", "发包及上交收入", "200.00", "", "10,200.00"],     # row 3
        ["2026-03-05", "记-2", "承包费", "发包及上交收入", "34.50", "", "10,243.50"],      # row 4: 9.00 too much
        ["2026-03-09", "记-3", "电费", "管理费用", "", "43.50", "10,200.00"],               # row 5 follows row 4
    ])
    before = counts(store)
    report = run_import(store, path)
    assert [(e.row_number, e.column) for e in report.errors] == [(4, "余额")]
    assert report.errors[0].reason == "余额应为 10,234.50 元,表中为 10,243.50 元,相差 9.00 元"
    assert "没有导入任何数据" in summary(report)
    assert_nothing_written(store, before)


def test_a_mistyped_amount_is_reported_once_where_it_is(store, tmp_path):
    path = write_csv(tmp_path / "错金额.csv", [
        OPENING,
        ["2026-03-01", "记-1", "承包费", "发包及上交收入", "2,000.00", "", "12,000.00"],
        ["2026-03-02", "记-2", "电费", "管理费用", "", "350.00", "11,530.00"],  # should be 470.00
        ["2026-03-03", "记-3", "电费", "管理费用", "", "30.00", "11,500.00"],
        ["2026-03-04", "记-4", "电费", "管理费用", "", "500.00", "11,000.00"],
    ])
    report = run_import(store, path)
    assert [e.row_number for e in report.errors] == [4]
    assert "相差 -120.00 元" in report.errors[0].reason


def test_text_in_an_amount_column_names_the_cell(store, tmp_path):
    path = write_csv(tmp_path / "文字.csv", [
        OPENING,
        ["2026-03-01", "记-1", "承包费", "发包及上交收入", "一千", "", ""],
        ["2026-03-02", "记-2", "电费", "管理费用", "", "100.00", ""],
    ])
    before = counts(store)
    report = run_import(store, path)
    assert len(report.errors) == 1
    error = report.errors[0]
    assert (error.row_number, error.column) == (3, "收入")
    assert "E3" in error.reason and "“一千”不是金额" in error.reason
    assert "1,000.00" in error.fix
    assert_nothing_written(store, before)


def test_a_date_in_the_wrong_year(store, tmp_path):
    path = write_csv(tmp_path / "年份.csv", [
        OPENING,
        ["2026-03-01", "记-1", "承包费", "发包及上交收入", "100.00", "", "10,100.00"],
        ["2052-03-05", "记-2", "电费", "管理费用", "", "100.00", "10,000.00"],
        ["2026-03-09", "记-3", "电费", "管理费用", "", "100.00", "9,900.00"],
    ])
    before = counts(store)
    report = run_import(store, path)
    assert [(e.row_number, e.column, e.reason) for e in report.errors] == [(4, "日期", "日期 2052-03-05 不在 2026 年")]
    assert_nothing_written(store, before)


def test_a_year_given_makes_every_row_of_another_year_an_error(store, tmp_path):
    before = counts(store)
    report = run_import(store, SAMPLE, year=2025)
    assert len(report.errors) == 15 and all("不在 2025 年" in e.reason for e in report.errors)
    assert_nothing_written(store, before)


def test_every_problem_of_a_file_is_listed_with_its_row(store, tmp_path):
    path = write_csv(tmp_path / "多处.csv", [
        OPENING,
        ["2026-03-01", "记-1", "招待费", "业务招待", "", "800.00", ""],                  # 3 unknown category
        ["2026-03-02", "记-2", "电费", "管理费用", "100.00", "100.00", ""],             # 4 both columns
        ["2026-03-03", "记-3", "承包费", "管理费用", "300.00", "", ""],                 # 5 expense category as income
        ["2026-03-04", "记-4", "", "管理费用", "", "20.00", ""],                       # 6 no summary
        ["2026-13-01", "记-5", "电费", "管理费用", "", "20.00", ""],                    # 7 impossible date
        ["2026-03-06", "记-6", "说明文字", "管理费用", "", "", ""],                     # 8 no amount
        ["2026-03-07", "记-7", "电费", "管理费用", "", "12.345", ""],                   # 9 beyond the fen
    ])
    report = run_import(store, path)
    by_row = {e.row_number: e for e in report.errors}
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 9]
    assert "“业务招待”不在科目表里" in by_row[3].reason
    assert "经营收入" in by_row[3].fix and "其他支出" in by_row[3].fix
    assert "收入和支出都有金额" in by_row[4].reason
    assert "“管理费用”是支出科目" in by_row[5].reason
    assert by_row[6].column == "摘要" and by_row[7].column == "日期" and by_row[9].column == "支出"
    assert "两位以上小数" in by_row[9].reason
    assert entries(store) == []


def test_a_float_cell_with_more_than_two_decimals_is_refused(store, tmp_path):
    path = write_xlsx(tmp_path / "小数.xlsx", [[dt.datetime(2026, 3, 1), "记-1", "电费", "管理费用", None, 12.345, None]])
    report = run_import(store, path)
    assert [e.column for e in report.errors] == ["支出"] and "12.345" in report.errors[0].reason


def test_a_ledger_without_opening_row_hints_at_it_when_the_balance_is_off(store, tmp_path):
    path = write_csv(tmp_path / "无期初.csv", [["2026-03-01", "记-1", "电费", "管理费用", "", "100.00", "9,900.00"]])
    report = run_import(store, path)
    assert "上年结转" in report.errors[0].fix


def test_debit_and_credit_headers_are_refused_with_what_to_rename(tmp_path):
    path = write_csv(tmp_path / "借贷.csv", [["2026-03-01", "记-1", "电费", "管理费用", "", "100.00", ""]],
                     header=["日期", "凭证号", "摘要", "科目", "借方", "贷方", "余额"])
    with pytest.raises(LedgerFileError, match="“收入”和“支出”"):
        read_ledger(path)


def test_missing_file_and_file_without_header(tmp_path):
    with pytest.raises(LedgerFileError, match="找不到文件"):
        read_ledger(tmp_path / "没有.xlsx")
    other = tmp_path / "别的.csv"
    other.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")
    with pytest.raises(LedgerFileError, match="没有找到账簿的表头"):
        read_ledger(other)
