"""The financial statement for a month, quarter or any period: what the finance notice shows.

Opening balance, income and expenditure by category (every category of the
categories file, zeros included, in its order), closing balance, and every
single item at or above the threshold. The threshold reads as Chinese 以上
does (Civil Code Art. 1259: 以上 includes the number itself), so with the
default 1,000 元 an item of exactly 1,000.00 元 is listed and 999.99 元 is not.

Before anything is shown the figures must reconcile to the fen, or
ReconciliationError stops the notice with the difference: the year's entries
against the totals they were imported with, categories against totals,
opening + income − expenditure against the closing balance, and that against
the ledger's own running balance where the ledger wrote one.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.finance.capital import capital_yuan, fen_to_yuan, format_yuan, to_capital
from app.finance.ledger import EXPENSE, INCOME, Categories, FinanceError, load_categories
from app.finance.models import LedgerEntry, LedgerImport
from app.finance.service import NoLedgerError, current_import
from app.i18n import _
from app.printing.tables import PrintedTable

DEFAULT_THRESHOLD = Decimal("1000")
_QUARTERS = {1: "一", 2: "二", 3: "三", 4: "四"}


class ReconciliationError(FinanceError):
    """The figures do not add up; ``difference`` (found − expected, in 元) is in the message."""

    def __init__(self, message: str, *, expected: Decimal, found: Decimal) -> None:
        super().__init__(message)
        self.expected, self.found = expected, found
        self.difference = found - expected


@dataclass(frozen=True)
class CategoryLine:
    name: str
    kind: str  # "income" / "expense"
    amount: Decimal


@dataclass(frozen=True)
class StatementItem:
    date: dt.date
    voucher: str
    summary: str
    category: str
    income: Decimal | None
    expense: Decimal | None


@dataclass
class Statement:
    start: dt.date
    end: dt.date
    period_label: str
    opening: Decimal
    income: Decimal
    expense: Decimal
    closing: Decimal
    income_lines: list[CategoryLine]
    expense_lines: list[CategoryLine]
    items: list[StatementItem]
    threshold: Decimal
    list_all: bool
    source_file: str = ""
    imported_at: str = ""
    categories_version: str = ""
    checked_against_ledger: bool = False  # the closing balance equals the 余额 the ledger wrote
    large_count: int = field(default=0)

    def tables(self) -> list[PrintedTable]:
        """The printed tables: 收支汇总表, then 大额收支明细 (or 收支明细 for every entry)."""
        tables = [self._summary_table()]
        if self.items:
            tables.append(self._items_table())
        return tables

    def _summary_table(self) -> PrintedTable:
        rows: list[list[str]] = [[_("期初余额"), "", format_yuan(self.opening), to_capital(self.opening)]]
        for heading, lines, total_label, total in (
                (_("本期收入"), self.income_lines, _("收入合计"), self.income),
                (_("本期支出"), self.expense_lines, _("支出合计"), self.expense)):
            for index, line in enumerate(lines):
                rows.append([heading if index == 0 else "", line.name, format_yuan(line.amount), ""])
            rows.append(["", total_label, format_yuan(total), to_capital(total)])
        return PrintedTable(title=_("收支汇总表"), columns=[_("项目"), _("科目"), _("金额(元)"), _("金额大写")], rows=rows,
                           numeric=frozenset({2}),
                           total=[_("期末余额"), "", format_yuan(self.closing), to_capital(self.closing)])

    def _items_table(self) -> PrintedTable:
        rows = [[_("{month}月{day}日").format(month=i.date.month, day=i.date.day), i.voucher, i.summary, i.category,
                 format_yuan(i.income) if i.income is not None else "",
                 format_yuan(i.expense) if i.expense is not None else ""] for i in self.items]
        columns = [_("日期"), _("凭证号"), _("摘要"), _("科目"), _("收入(元)"), _("支出(元)")]
        if self.list_all:
            return PrintedTable(title=_("收支明细"), columns=columns, rows=rows, numeric=frozenset({4, 5}),
                               total=[_("合计"), "", "", "", format_yuan(self.income), format_yuan(self.expense)])
        title = _("大额收支明细(单笔 {threshold} 元以上)").format(threshold=format_threshold(self.threshold))
        return PrintedTable(title=title, columns=columns, rows=rows, numeric=frozenset({4, 5}))

    def body_text(self) -> str:
        first = _("{period}财务收支情况如下:期初余额 {opening} 元;本期收入 {income} 元,支出 {expense} 元;"
                  "期末余额 {closing} 元(大写:{capital})。").format(
            period=self.period_label, opening=format_yuan(self.opening), income=format_yuan(self.income),
            expense=format_yuan(self.expense), closing=format_yuan(self.closing), capital=capital_yuan(self.closing))
        if self.list_all:
            detail = _("本期 {n} 笔收支逐笔列在“收支明细”表中。").format(n=len(self.items))
        elif self.items:
            detail = _("单笔 {threshold} 元以上的收支共 {n} 笔,逐笔列在“大额收支明细”表中。").format(
                threshold=format_threshold(self.threshold), n=len(self.items))
        else:
            detail = _("本期没有单笔 {threshold} 元以上的收支。").format(threshold=format_threshold(self.threshold))
        source = _("数据来自 {year} 年账簿“{file}”({date} 导入)。").format(
            year=self.start.year, file=self.source_file, date=self.imported_at[:10])
        return first + "\n\n" + detail + source


def format_threshold(amount: Decimal) -> str:
    """1000 → "1,000"; 1000.5 → "1,000.50"."""
    if amount == amount.to_integral_value():
        return f"{int(amount):,}"
    return format_yuan(amount)


def period_label(start: dt.date, end: dt.date) -> str:
    """2026年3月, 2026年第一季度, 2026年上半年, 2026年度, or the two dates."""
    last = calendar.monthrange(end.year, end.month)[1]
    if start.year == end.year and start.day == 1 and end.day == last:
        months = end.month - start.month + 1
        if months == 1:
            return _("{year}年{month}月").format(year=start.year, month=start.month)
        if months == 3 and start.month % 3 == 1:
            return _("{year}年第{quarter}季度").format(year=start.year, quarter=_QUARTERS[(start.month + 2) // 3])
        if months == 6 and start.month in (1, 7):
            return _("{year}年上半年").format(year=start.year) if start.month == 1 else \
                _("{year}年下半年").format(year=start.year)
        if months == 12:
            return _("{year}年度").format(year=start.year)
    return _("{start}至{end}").format(start=_long_date(start), end=_long_date(end))


def _long_date(day: dt.date) -> str:
    return _("{year}年{month}月{day}日").format(year=day.year, month=day.month, day=day.day)


def _money(fen: int) -> str:
    return format_yuan(fen_to_yuan(fen))


def _mismatch(message: str, expected_fen: int, found_fen: int) -> ReconciliationError:
    return ReconciliationError(message, expected=fen_to_yuan(expected_fen), found=fen_to_yuan(found_fen))


def _signed(entry: LedgerEntry) -> int:
    return entry.amount_fen if entry.kind == INCOME else -entry.amount_fen


def _check_year(imported: LedgerImport, entries: list[LedgerEntry]) -> None:
    """The year's entries must still be the ones imported: nothing added, dropped or changed since."""
    fix = _("账簿数据可能被改动过。请运行“检查数据”(cunwu check)查明,或重新导入 {year} 年的账簿。").format(year=imported.year)
    income = sum(e.amount_fen for e in entries if e.kind == INCOME)
    expense = sum(e.amount_fen for e in entries if e.kind != INCOME)
    for label, expected, found in ((_("收入"), imported.income_fen, income), (_("支出"), imported.expense_fen, expense)):
        if expected != found:
            raise _mismatch(_("{year} 年账簿的{what}合计现在是 {found} 元,导入时是 {expected} 元,相差 {difference} 元。").format(
                year=imported.year, what=label, found=_money(found), expected=_money(expected),
                difference=_money(found - expected)) + fix, expected, found)
    if len(entries) != imported.rows:
        raise _mismatch(_("{year} 年账簿现在有 {found} 笔收支,导入时有 {expected} 笔。").format(
            year=imported.year, found=len(entries), expected=imported.rows) + fix, imported.closing_fen,
            imported.opening_fen + income - expense)


def _ledger_balance(entries: list[LedgerEntry], end: dt.date) -> tuple[int, int] | None:
    """(row, balance) the ledger itself wrote at the end of the period, when it can be read off:
    the entries up to ``end`` must be the first rows of the file (a ledger kept in date order)."""
    by_row = sorted(entries, key=lambda e: e.row)
    inside = [e.date <= end for e in by_row]
    count = sum(inside)
    if count == 0 or not all(inside[:count]):
        return None
    last = by_row[count - 1]
    return None if last.balance_fen is None else (last.row, last.balance_fen)


def build_statement(session: Session, start: dt.date, end: dt.date, *, threshold: Decimal = DEFAULT_THRESHOLD,
                    categories: Categories | None = None, list_all: bool = False) -> Statement:
    """The statement of ``start``..``end`` (both included), from the ledger imported for that year.

    Raises NoLedgerError when that year's ledger has not been imported, FinanceError for a period
    that is empty or crosses a year end, and ReconciliationError when the figures do not add up.
    """
    if end < start:
        raise FinanceError(_("公开期间的结束日期 {end} 早于开始日期 {start}。").format(end=end, start=start))
    if start.year != end.year:
        raise FinanceError(_("财务公开的期间不能跨年({start} 至 {end})。请按年分开生成。").format(start=start, end=end))
    imported = current_import(session, start.year)
    if imported is None:
        raise NoLedgerError(_("还没有导入 {year} 年的账簿。请先导入这一年的账簿,再生成财务公开。").format(year=start.year))
    categories = categories or load_categories()
    threshold = Decimal(threshold)
    if not threshold.is_finite() or threshold < 0:
        raise FinanceError(_("大额收支标准应为不小于 0 的金额(元),例如 1000。"))
    threshold_fen = int((threshold * 100).to_integral_value(rounding=ROUND_CEILING))

    entries = list(session.scalars(select(LedgerEntry).where(LedgerEntry.year == start.year)
                                   .order_by(LedgerEntry.date, LedgerEntry.row)))
    _check_year(imported, entries)
    before = [e for e in entries if e.date < start]
    period = [e for e in entries if start <= e.date <= end]
    opening = imported.opening_fen + sum(_signed(e) for e in before)

    sums: dict[tuple[str, str], int] = {(c.kind, c.name): 0 for c in categories.items}
    for e in period:
        sums[(e.kind, e.category)] = sums.get((e.kind, e.category), 0) + e.amount_fen  # a category since retired stays
    income = sum(e.amount_fen for e in period if e.kind == INCOME)
    expense = sum(e.amount_fen for e in period if e.kind == EXPENSE)
    lines = {kind: [CategoryLine(name, kind, fen_to_yuan(fen)) for (k, name), fen in sums.items() if k == kind]
             for kind in (INCOME, EXPENSE)}
    for kind, total, label in ((INCOME, income, _("收入")), (EXPENSE, expense, _("支出"))):
        by_category = sum(fen for (k, _name), fen in sums.items() if k == kind)
        if by_category != total:
            raise _mismatch(_("各科目{what}之和为 {found} 元,{what}合计为 {expected} 元,相差 {difference} 元。").format(
                what=label, found=_money(by_category), expected=_money(total),
                difference=_money(by_category - total)), total, by_category)

    closing = opening + income - expense
    through_end = imported.opening_fen + sum(_signed(e) for e in entries if e.date <= end)
    if through_end != closing:
        raise _mismatch(_("期末余额按期初加收入减支出为 {expected} 元,按全年账目累计为 {found} 元,相差 {difference} 元。").format(
            expected=_money(closing), found=_money(through_end), difference=_money(through_end - closing)),
            closing, through_end)
    written = _ledger_balance(entries, end)
    if written is not None and written[1] != closing:
        raise _mismatch(_("期末余额按账簿收支计算为 {expected} 元,账簿第 {row} 行的余额为 {found} 元,相差 {difference} 元。"
                          "请核对账簿,改正后重新导入。").format(expected=_money(closing), row=written[0],
                                                                 found=_money(written[1]),
                                                                 difference=_money(written[1] - closing)),
                        closing, written[1])

    shown = period if list_all else [e for e in period if abs(e.amount_fen) >= threshold_fen]
    items = [StatementItem(e.date, e.voucher, e.summary, e.category,
                           fen_to_yuan(e.amount_fen) if e.kind == INCOME else None,
                           fen_to_yuan(e.amount_fen) if e.kind == EXPENSE else None) for e in shown]
    return Statement(
        start=start, end=end, period_label=period_label(start, end), opening=fen_to_yuan(opening),
        income=fen_to_yuan(income), expense=fen_to_yuan(expense), closing=fen_to_yuan(closing),
        income_lines=lines[INCOME], expense_lines=lines[EXPENSE], items=items, threshold=threshold,
        list_all=list_all, source_file=imported.file_name, imported_at=imported.imported_at,
        categories_version=imported.categories_version, checked_against_ledger=written is not None,
        large_count=sum(1 for e in period if abs(e.amount_fen) >= threshold_fen))
