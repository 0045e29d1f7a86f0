"""The statement a finance notice shows: balances, categories with zeros, large items, reconciliation to the fen."""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal

import pytest

import app.finance.models  # noqa: F401 - the ledger tables must exist when the test store is created
from app.finance.ledger import Categories, Category, FinanceError, load_categories
from app.finance.service import NoLedgerError
from app.finance.statement import ReconciliationError, build_statement, period_label
from test_finance_ledger import SAMPLE, run_import, write_xlsx

Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def statement(store, start, end, **kwargs):
    with store.read() as s:
        return build_statement(s, start, end, **kwargs)


def tamper(store, sql: str) -> None:
    """A change made behind the program's back, straight in the database file."""
    con = sqlite3.connect(store.db_path)
    with con:
        con.execute(sql)
    con.close()


@pytest.fixture
def ledger(store):
    run_import(store, SAMPLE)
    return store


def summary_rows(st) -> dict[str, str]:
    table = st.tables()[0]
    return {row[1] or row[0]: row[2] for row in table.rows}


def test_quarter_statement_balances_to_the_fen(ledger):
    st = statement(ledger, *Q1)
    assert st.period_label == "2026年第一季度"
    assert (st.opening, st.income, st.expense, st.closing) == (
        Decimal("186542.30"), Decimal("74600.50"), Decimal("40786.79"), Decimal("220356.01"))
    assert st.opening + st.income - st.expense == st.closing
    assert sum(line.amount for line in st.income_lines) == st.income
    assert sum(line.amount for line in st.expense_lines) == st.expense
    assert st.checked_against_ledger  # the ledger's own 余额 on 3月28日 is 220,356.01
    table = st.tables()[0]
    assert table.title == "收支汇总表"
    assert table.total == ["期末余额", "", "220,356.01", "贰拾贰万零叁佰伍拾陆元零壹分"]
    rows = {row[1] or row[0]: row for row in table.rows}
    assert rows["收入合计"][2:] == ["74,600.50", "柒万肆仟陆佰元零伍角"]
    assert rows["支出合计"][2:] == ["40,786.79", "肆万零柒佰捌拾陆元柒角玖分"]
    assert rows["期初余额"][3] == "壹拾捌万陆仟伍佰肆拾贰元叁角"
    body = st.body_text()
    assert "2026年第一季度" in body and "人民币贰拾贰万零叁佰伍拾陆元零壹分" in body
    assert "柳林村2026年现金日记账.csv" in body


def test_every_category_is_shown_in_the_files_order_zeros_included(ledger):
    st = statement(ledger, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert st.period_label == "2026年3月"
    assert [(line.name, line.amount) for line in st.income_lines] == [
        ("经营收入", 0), ("发包及上交收入", 0), ("投资收益", 0), ("补助收入", 0), ("其他收入", Decimal("500.00"))]
    assert [line.name for line in st.expense_lines] == ["经营支出", "管理费用", "公益支出", "其他支出"]
    rows = summary_rows(st)
    assert rows["经营收入"] == "0.00" and rows["管理费用"] == "0.00" and rows["公益支出"] == "25,450.00"


def test_opening_balance_carries_every_entry_before_the_period(ledger):
    feb = statement(ledger, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert feb.opening == Decimal("240885.51") and feb.closing == Decimal("249586.01")
    april = statement(ledger, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert april.opening == Decimal("220356.01") and april.closing == Decimal("228235.51")


def test_threshold_lists_items_of_exactly_1000_but_not_999_99(ledger):
    st = statement(ledger, *Q1)
    listed = {i.summary: i for i in st.items}
    assert "路灯维护" in listed and listed["路灯维护"].expense == Decimal("1000.00")  # 1,000.00: 以上 includes it
    assert "村委会电费" not in listed  # 999.99
    assert len(st.items) == 10
    table = st.tables()[1]
    assert table.title == "大额收支明细(单笔 1,000 元以上)" and table.total is None
    assert ["2月3日", "记-006", "路灯维护", "公益支出", "", "1,000.00"] in table.rows
    lower = statement(ledger, *Q1, threshold=Decimal("999.99"))
    assert "村委会电费" in {i.summary for i in lower.items} and len(lower.items) == 11
    higher = statement(ledger, *Q1, threshold=Decimal("1000.01"))
    assert "路灯维护" not in {i.summary for i in higher.items}


def test_a_period_without_large_items_says_so_and_has_only_the_summary_table(ledger):
    st = statement(ledger, dt.date(2026, 4, 1), dt.date(2026, 4, 30), threshold=Decimal("10000"))
    assert st.items == [] and len(st.tables()) == 1
    assert "本期没有单笔 10,000 元以上的收支" in st.body_text()


def test_list_all_lists_every_entry_with_a_total_row(ledger):
    st = statement(ledger, *Q1, list_all=True)
    assert len(st.items) == 13
    table = st.tables()[1]
    assert table.title == "收支明细" and len(table.rows) == 13
    assert table.total == ["合计", "", "", "", "74,600.50", "40,786.79"]
    assert sum(i.income or 0 for i in st.items) == st.income and sum(i.expense or 0 for i in st.items) == st.expense


def test_a_thousand_dimes_make_exactly_one_hundred_yuan(store, tmp_path):
    rows: list[list[object]] = [[None, None, "上年结转", None, None, None, "0.30"]]
    for i in range(1000):
        rows.append([dt.datetime(2026, 1 + i % 12, 1 + i % 28), f"记-{i}", "卖废品", "其他收入", 0.1, None, None])
    run_import(store, write_xlsx(tmp_path / "零钱.xlsx", rows))
    year = statement(store, dt.date(2026, 1, 1), dt.date(2026, 12, 31), list_all=True)
    assert year.period_label == "2026年度"
    assert year.income == Decimal("100.00") and year.closing == Decimal("100.30")
    assert sum(i.income for i in year.items) == Decimal("100.00")
    months = [statement(store, dt.date(2026, m, 1), dt.date(2026, m + 1, 1) - dt.timedelta(days=1))
              for m in range(1, 12)]
    assert sum(m.income for m in months) + statement(store, dt.date(2026, 12, 1), dt.date(2026, 12, 31)).income \
        == Decimal("100.00")
    assert months[-1].closing == Decimal("100.30") - Decimal("0.10") * 83  # December holds 83 of the dimes


@pytest.mark.tampers
def test_an_amount_changed_behind_the_programs_back_stops_the_statement_with_the_difference(ledger):
    tamper(ledger, "UPDATE ledger_entries SET amount_fen = amount_fen + 900 WHERE voucher = '记-013'")
    with pytest.raises(ReconciliationError) as caught:
        statement(ledger, *Q1)
    assert caught.value.difference == Decimal("9.00")
    assert "相差 9.00 元" in str(caught.value) and "支出" in str(caught.value)


@pytest.mark.tampers
def test_a_closing_balance_that_differs_from_the_ledgers_own_balance_stops_the_statement(ledger):
    tamper(ledger, "UPDATE ledger_entries SET balance_fen = balance_fen - 900 WHERE voucher = '记-013'")
    with pytest.raises(ReconciliationError) as caught:
        statement(ledger, *Q1)
    message = str(caught.value)
    assert "220,356.01" in message and "220,347.01" in message and "相差 -9.00 元" in message
    assert caught.value.difference == Decimal("-9.00")


def test_a_category_no_longer_in_the_file_is_still_shown_so_totals_reconcile(ledger):
    shipped = load_categories()
    fewer = Categories(version="旧", effective=shipped.effective, name="",
                       items=tuple(c for c in shipped.items if c.name != "投资收益") + (Category("捐赠收入", "income"),))
    st = statement(ledger, *Q1, categories=fewer)
    names = [line.name for line in st.income_lines]
    assert "投资收益" in names and "捐赠收入" in names
    assert sum(line.amount for line in st.income_lines) == st.income == Decimal("74600.50")


def test_a_year_without_ledger_and_a_period_across_years_are_refused(ledger):
    with pytest.raises(NoLedgerError, match="还没有导入 2025 年的账簿"):
        statement(ledger, dt.date(2025, 1, 1), dt.date(2025, 3, 31))
    with pytest.raises(FinanceError, match="不能跨年"):
        statement(ledger, dt.date(2025, 12, 1), dt.date(2026, 1, 31))


@pytest.mark.parametrize(("start", "end", "label"), [
    ((2026, 10, 1), (2026, 10, 31), "2026年10月"),
    ((2026, 2, 1), (2026, 2, 28), "2026年2月"),
    ((2026, 7, 1), (2026, 9, 30), "2026年第三季度"),
    ((2026, 1, 1), (2026, 6, 30), "2026年上半年"),
    ((2026, 7, 1), (2026, 12, 31), "2026年下半年"),
    ((2026, 1, 1), (2026, 12, 31), "2026年度"),
    ((2026, 2, 1), (2026, 4, 30), "2026年2月1日至2026年4月30日"),
    ((2026, 3, 5), (2026, 3, 20), "2026年3月5日至2026年3月20日"),
])
def test_period_labels(start, end, label):
    assert period_label(dt.date(*start), dt.date(*end)) == label
