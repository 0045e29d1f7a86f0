"""Reading the accountant's ledger (账簿): .xlsx, .xls or .csv with Chinese headers.

A village ledger is usually a cash journal kept in Excel: date, voucher
number, summary, category, income, expenditure and often a running balance.
Like the roster import, reading collects every problem with the row number
the accountant sees in Excel, so one pass tells them everything to fix.

No amount ever passes through a float: text is parsed straight to Decimal and
stored as whole fen. Excel hands numbers over as binary floats, so a float
cell is converted through its shortest decimal text and refused if that is
not whole fen (12.345 is a typing error, not something to round away);
only binary noise far below a fen, which Excel's own formulas leave, is
dropped.

The categories (科目) are data: resources/catalogues/accounting-categories.json.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.errors import UserError, internal
from app.finance.capital import fen_to_yuan, format_yuan
from app.i18n import _
from app.sheets import (BRACKETED, HEADER_SEARCH_ROWS, RowError, SheetFileError, cell_text, csv_sheet, header_key,
                        is_blank, open_sheets)
from app.resources import resource_path

INCOME, EXPENSE = "income", "expense"
CATEGORIES_FILE = "accounting-categories.json"

# Summaries that mark the opening balance (期初余额) rather than a receipt.
OPENING_SUMMARIES = frozenset({"期初余额", "上年结转", "承上年", "上年结余", "年初余额", "上期结转", "期初数", "结转上年",
                               "上年余额", "年初数"})
# Subtotal and page-carry rows repeat sums of rows already read; counting them would count twice.
SUBTOTAL_SUMMARIES = frozenset({"本月合计", "本月小计", "本季合计", "本季度合计", "本年累计", "本年合计", "累计", "合计",
                                "小计", "总计", "过次页", "承前页", "本页合计", "月计", "季计", "年计"})

_SYNONYMS: dict[str, list[str]] = {
    "date": ["日期", "记账日期", "业务日期", "凭证日期", "发生日期", "收支日期"],
    "month": ["月", "月份"],
    "day": ["日"],
    "voucher": ["凭证号", "凭证编号", "凭证字号", "凭证号码", "凭证号数", "记账凭证号", "凭证"],
    "summary": ["摘要", "事由", "收支内容", "摘要说明"],
    "category": ["科目", "类别", "会计科目", "收支类别", "收支科目", "科目名称", "收支项目", "类型"],
    "income": ["收入", "收入金额", "收入数", "本期收入"],
    "expense": ["支出", "支出金额", "支出数", "本期支出"],
    "balance": ["余额", "结余", "账面余额", "结存", "余额数"],
}
_HEADER_FIELD = {label: name for name, labels in _SYNONYMS.items() for label in labels}
_CANONICAL = {"date": "日期", "month": "月", "day": "日", "voucher": "凭证号", "summary": "摘要", "category": "科目",
              "income": "收入", "expense": "支出", "balance": "余额"}
_DEBIT_CREDIT = {"借方", "贷方", "借方金额", "贷方金额"}

_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SEPARATED_DATE = re.compile(
    r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_YEAR_IN_TITLE = re.compile(r"((?:19|20)\d{2})\s*年")
_AMOUNT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+")
_CURRENCY = ("人民币", "RMB", "CNY", "¥", "￥")
_EMPTY_AMOUNT = {"", "-", "--", "—", "——", "/", "无"}  # how an empty amount cell is often marked
_CATEGORY_CODE = re.compile(r"^\d{3,8}[\s\-._:、]*")
_FLOAT_NOISE_FEN = Decimal("0.01")  # a hundredth of a fen: far above float noise, far below a typing error


class FinanceError(UserError):
    """Something about the ledger a person can fix; the message says what and how."""


class LedgerFileError(FinanceError):
    """The ledger file as a whole cannot be used."""


class CategoriesError(FinanceError):
    """The categories file is damaged or inconsistent."""


# ---------------------------------------------------------------- categories


@dataclass(frozen=True)
class Category:
    name: str
    kind: str  # INCOME or EXPENSE
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Categories:
    version: str
    effective: dt.date
    name: str
    items: tuple[Category, ...]

    def of_kind(self, kind: str) -> list[Category]:
        return [c for c in self.items if c.kind == kind]

    def find(self, text: str) -> Category | None:
        key = _category_key(text)
        if not key:
            return None
        lookup = self._lookup()
        found = lookup.get(key)
        if found is None:
            # account codes written in front of the name: "5022 补助收入"
            found = lookup.get(_CATEGORY_CODE.sub("", key))
        return found

    def _lookup(self) -> dict[str, Category]:
        table: dict[str, Category] = {}
        for c in self.items:
            for label in (c.name, *c.aliases):
                table[_category_key(label)] = c
        return table

    def listing(self) -> str:
        return _("收入类:{income};支出类:{expense}").format(
            income="、".join(c.name for c in self.of_kind(INCOME)),
            expense="、".join(c.name for c in self.of_kind(EXPENSE)))


def _category_key(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def load_categories(data_dir: Path | None = None, *, path: Path | None = None) -> Categories:
    """The categories in force: ``path`` if given, else a copy the township sent to
    ``DATA_DIR/catalogues/``, else the shipped file."""
    if path is None:
        received = data_dir / "catalogues" / CATEGORIES_FILE if data_dir else None
        path = received if received is not None and received.exists() else resource_path("catalogues", CATEGORIES_FILE)
    bad = _("科目表“{name}”已损坏,请重新安装本程序或请乡镇重新发送科目表。").format(name=path.name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CategoriesError(bad) from exc
    if not isinstance(doc, dict) or doc.get("format") != 1 or doc.get("kind") != "accounting-categories":
        raise CategoriesError(bad)
    items: list[Category] = []
    seen: dict[str, str] = {}
    for kind in (INCOME, EXPENSE):
        entries = doc.get(kind)
        if not isinstance(entries, list) or not entries:
            raise CategoriesError(bad)
        for entry in entries:
            name = entry.get("name") if isinstance(entry, dict) else None
            aliases = entry.get("aliases", []) if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip() or not isinstance(aliases, list) \
                    or not all(isinstance(a, str) and a.strip() for a in aliases):
                raise CategoriesError(bad)
            for label in (name, *aliases):
                key = _category_key(label)
                if key in seen:
                    raise CategoriesError(_("科目表“{file}”里“{label}”出现了两次(在“{first}”和“{second}”下),"
                                            "读账时无法确定归到哪个科目。请改正科目表。").format(
                        file=path.name, label=label, first=seen[key], second=name))
                seen[key] = name
            items.append(Category(name.strip(), kind, tuple(a.strip() for a in aliases)))
    try:
        effective = dt.date.fromisoformat(str(doc.get("effective")))
    except ValueError as exc:
        raise CategoriesError(bad) from exc
    return Categories(version=str(doc.get("version") or ""), effective=effective, name=str(doc.get("name") or ""),
                      items=tuple(items))


# ---------------------------------------------------------------- cell values


@internal
class CellError(ValueError):
    """A cell that cannot be read; ``reason`` and ``fix`` are for the accountant."""

    def __init__(self, reason: str, fix: str) -> None:
        super().__init__(reason)
        self.reason, self.fix = reason, fix


def _exact_fen(value: Decimal, shown: str) -> int:
    fen = value * 100
    if fen != fen.to_integral_value():
        raise CellError(_("金额“{value}”有两位以上小数,账簿金额只到分").format(value=shown),
                        _("请核对这个金额,改成两位小数,例如 1,234.50"))
    return int(fen)


def parse_amount(value: Any) -> int | None:
    """Whole fen from a cell; None for an empty cell. Raises CellError for anything else."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(_("“{value}”不是金额").format(value=cell_text(value)), _("请填写阿拉伯数字金额,例如 1,000.00"))
    if isinstance(value, int):
        return value * 100
    if isinstance(value, float):
        if value != value:
            return None
        exact = Decimal(repr(value))
        fen = exact * 100
        nearest = fen.to_integral_value()
        if fen != nearest and abs(fen - nearest) <= _FLOAT_NOISE_FEN:
            # Excel's own arithmetic (a balance formula dragged down a thousand rows) leaves
            # binary noise far below a fen; a typed 12.345 is half a fen off and still refused.
            return int(nearest)
        return _exact_fen(exact, repr(value))
    if isinstance(value, Decimal):
        return _exact_fen(value, str(value))
    text = unicodedata.normalize("NFKC", str(value)).strip()
    compact = "".join(text.split())
    for prefix in _CURRENCY:
        compact = compact.removeprefix(prefix)
    compact = compact.removesuffix("元")
    if compact in _EMPTY_AMOUNT:
        return None
    negative = False
    if compact.startswith("(") and compact.endswith(")"):
        negative, compact = True, compact[1:-1]  # accounting brackets for a red-ink reversal
    elif compact[:1] in "+-":
        negative, compact = compact[0] == "-", compact[1:]
    if not _AMOUNT.fullmatch(compact):
        raise CellError(_("“{value}”不是金额").format(value=text),
                        _("请填写阿拉伯数字金额,例如 1,000.00 或 1000 元;没有金额请留空"))
    try:
        amount = Decimal(compact.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise CellError(_("“{value}”不是金额").format(value=text), _("请填写阿拉伯数字金额")) from None
    fen = _exact_fen(amount, text)
    return -fen if negative else fen


def parse_date(value: Any) -> dt.date:
    """A date from an Excel date, a serial number or text such as 2026-03-05, 2026/3/5,
    2026年3月5日 or 20260305. Raises CellError."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value == int(value):
        number = int(value)
        if 19000101 <= number <= 21001231:
            value = str(number)
        elif 1 <= number < 80000:
            # an Excel date serial in a column formatted as 常规 (general)
            return dt.date(1899, 12, 30) + dt.timedelta(days=number)
    text = unicodedata.normalize("NFKC", cell_text(value)).strip()
    match = _COMPACT_DATE.fullmatch(text) or _SEPARATED_DATE.fullmatch(text)
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    if not text:
        raise CellError(_("没有填写日期"), _("请填写这笔收支的日期,例如 2026-03-05"))
    raise CellError(_("日期“{value}”无法识别").format(value=text), _("请写成 2026-03-05 或 2026年3月5日 这样的格式"))


def column_letter(index: int) -> str:
    """0 → A, 26 → AA: how Excel names the column, so the accountant can find the cell."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# ---------------------------------------------------------------- reading the file


@dataclass
class LedgerLine:
    row_number: int  # as Excel shows it
    date: dt.date
    voucher: str
    summary: str
    category: str  # the category's name in the categories file
    kind: str  # INCOME or EXPENSE
    amount_fen: int  # negative for a red-ink reversal
    balance_fen: int | None  # the running balance written on this row, if any


@dataclass
class LedgerParse:
    """``lines`` holds only rows without errors; ``errors`` every problem found."""

    lines: list[LedgerLine] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    year: int = 0
    opening_fen: int = 0
    opening_row: int | None = None
    has_balance: bool = False
    skipped: int = 0  # subtotal and page-carry rows (本月合计, 过次页 …)
    header_row: int = 0
    sheet_name: str = ""

    @property
    def income_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.kind == INCOME)

    @property
    def expense_fen(self) -> int:
        return sum(line.amount_fen for line in self.lines if line.kind == EXPENSE)

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.income_fen - self.expense_fen


Rows = Iterator[tuple[int, Sequence[Any]]]


def read_ledger(path: Path, *, year: int | None = None, categories: Categories | None = None) -> LedgerParse:
    """Read the first sheet with a ledger header and check every row."""
    path = Path(path)
    categories = categories or load_categories()
    sheets = open_sheets(path, _csv_sheets, missing=_missing, busy=_busy)
    try:
        return _parse_sheets(sheets, path, year, categories)
    except SheetFileError as exc:  # the shared readers speak of the file, not of what is in it
        raise LedgerFileError(str(exc)) from exc
    except FinanceError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside the readers
        raise _unreadable(path) from exc
    finally:
        sheets.close()


def _unreadable(path: Path) -> LedgerFileError:
    return LedgerFileError(_("无法读取“{name}”:文件可能已损坏、设置了密码,或者不是表格文件。"
                             "请用 Excel 或 WPS 打开它,另存为 .xlsx 格式后再导入。").format(name=path.name))


def _missing(path: Path) -> LedgerFileError:
    return LedgerFileError(_("找不到文件“{name}”,请重新选择。").format(name=path.name))


def _busy(path: Path) -> LedgerFileError:
    return LedgerFileError(
        _("无法打开文件“{name}”:它可能正被其他程序占用。请关闭 Excel 或 WPS 后再试。").format(name=path.name))


def _web_page(path: Path) -> LedgerFileError:
    return LedgerFileError(_("“{name}”其实是网页格式,不是真正的表格。请用 Excel 或 WPS 打开它,另存为 .xlsx 格式后再导入。").format(
        name=path.name))


def _csv_sheets(path: Path) -> Iterator[tuple[str, Rows]]:
    return csv_sheet(path, "摘要", unreadable=_unreadable, web_page=_web_page)


@dataclass
class _Header:
    columns: dict[str, int]
    labels: dict[str, str]
    debit_credit: bool


def _match_header(values: Sequence[Any]) -> _Header:
    columns: dict[str, int] = {}
    labels: dict[str, str] = {}
    debit_credit = False
    for index, value in enumerate(values):
        key = header_key(value)
        if not key:
            continue
        name = _HEADER_FIELD.get(key) or _HEADER_FIELD.get(BRACKETED.sub("", key))
        if name and name not in columns:
            columns[name] = index
            labels[name] = "".join(str(value).split())
        debit_credit = debit_credit or BRACKETED.sub("", key) in _DEBIT_CREDIT
    return _Header(columns, labels, debit_credit)


def _parse_sheets(sheets: Iterator[tuple[str, Rows]], path: Path, year: int | None,
                  categories: Categories) -> LedgerParse:
    partial: tuple[_Header, str] | None = None
    for sheet_name, rows in sheets:
        titles: list[str] = []
        for row_number, values in rows:
            if row_number > HEADER_SEARCH_ROWS:
                break
            header = _match_header(values)
            found = header.columns
            if "summary" in found and {"income", "expense"} <= set(found):
                missing = _missing_columns(header)
                if missing:
                    raise LedgerFileError(_("“{name}”的表头里缺少{missing}。请在表头加上这些列后再导入。").format(
                        name=path.name, missing="、".join(f"“{m}”" for m in missing)))
                year_hint = year or _year_from(titles + [sheet_name, path.stem])
                if "date" not in found and year_hint is None:
                    raise LedgerFileError(_("“{name}”只有“月”“日”两列,看不出是哪一年的账。请指定年份后再导入。").format(
                        name=path.name))
                reader = _RowReader(header, categories, year_hint if "date" not in found else None)
                result = reader.read(rows)
                result.header_row, result.sheet_name = row_number, sheet_name
                return _finish(result, reader, path, year)
            if "summary" in found and (header.debit_credit or len(found) >= 2):
                partial = (header, sheet_name)
            titles.extend(v for v in values if isinstance(v, str))
    if partial is not None and partial[0].debit_credit:
        raise LedgerFileError(_("“{name}”的表头用的是“借方”“贷方”。请把这两列的列名改为“收入”和“支出”"
                                "(收到的钱填“收入”,付出的钱填“支出”)后再导入。").format(name=path.name))
    if partial is not None:
        raise LedgerFileError(_("“{name}”的表头里缺少“收入”或“支出”列。请在表头写上“收入”和“支出”后再导入。").format(
            name=path.name))
    raise LedgerFileError(_("在“{name}”的前{n}行里没有找到账簿的表头。表头应是一行列名:日期、凭证号、摘要、科目、收入、支出"
                            "(余额可有可无)。请检查是否选错了文件,或把表头改成这样的列名后再导入。").format(
        name=path.name, n=HEADER_SEARCH_ROWS))


def _missing_columns(header: _Header) -> list[str]:
    found = header.columns
    missing = []
    if "date" not in found and not {"month", "day"} <= set(found):
        missing.append(_CANONICAL["date"])
    if "category" not in found:
        missing.append(_CANONICAL["category"])
    return missing


def _year_from(texts: list[str]) -> int | None:
    for text in texts:
        match = _YEAR_IN_TITLE.search(unicodedata.normalize("NFKC", text))
        if match:
            return int(match[1])
    return None


def _summary_key(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if not ch.isspace() and ch not in "():。.")


class _RowReader:
    def __init__(self, header: _Header, categories: Categories, year_hint: int | None) -> None:
        self.header = header
        self.categories = categories
        self.year_hint = year_hint  # only for ledgers with separate 月 and 日 columns
        self.result = LedgerParse(has_balance="balance" in header.columns)
        self.items = list(header.columns.items())
        self.running: int | None = 0  # the balance the next row should continue from
        self.dates: list[tuple[int, dt.date]] = []
        self.entries_seen = 0

    def label(self, name: str) -> str:
        return self.header.labels.get(name, _CANONICAL[name])

    def cell(self, row: int, name: str) -> str:
        return column_letter(self.header.columns[name]) + str(row)

    def error(self, row: int, name: str, reason: str, fix: str) -> None:
        self.result.errors.append(RowError(row, self.label(name), reason, fix))

    def read(self, rows: Rows) -> LedgerParse:
        for row_number, values in rows:
            width = len(values)
            cells = {name: values[i] if i < width else None for name, i in self.items}
            summary = cell_text(cells.get("summary"))
            key = _summary_key(summary)
            if key in _SYNONYMS["summary"] and self._is_header(cells):
                continue  # the header repeated on every printed page
            if self._blank(cells):
                continue
            if key in SUBTOTAL_SUMMARIES:
                self.result.skipped += 1
                continue
            if key in OPENING_SUMMARIES:
                self.opening(row_number, cells)
                continue
            self.entry(row_number, cells, summary)
        return self.result

    @staticmethod
    def _is_header(cells: dict[str, Any]) -> bool:
        key = header_key(cells.get("income"))
        return _HEADER_FIELD.get(key or "") == "income" or _HEADER_FIELD.get(BRACKETED.sub("", key)) == "income"

    def _blank(self, cells: dict[str, Any]) -> bool:
        for name in ("date", "month", "day", "voucher", "summary", "category"):
            if not is_blank(cells.get(name)):
                return False
        for name in ("income", "expense"):
            value = cells.get(name)
            if is_blank(value):
                continue
            try:
                if parse_amount(value):
                    return False
            except CellError:
                return False
        return True  # what is left is a balance formula dragged down past the last entry

    def amount(self, row: int, name: str, cells: dict[str, Any]) -> int | None | bool:
        """Whole fen, None for empty, False after reporting an error."""
        try:
            return parse_amount(cells.get(name))
        except CellError as exc:
            reason = _("{column}一栏({cell} 单元格){reason}").format(
                column=self.label(name), cell=self.cell(row, name), reason=exc.reason)
            self.error(row, name, reason, exc.fix)
            return False

    def opening(self, row: int, cells: dict[str, Any]) -> None:
        balance = self.amount(row, "balance", cells) if self.result.has_balance else None
        income = self.amount(row, "income", cells)
        if balance is False or income is False:
            return
        if self.result.opening_row is not None:
            self.error(row, "summary", _("第二个期初余额行(第 {first} 行已经有期初余额)").format(
                first=self.result.opening_row), _("一个账簿只能有一行期初余额,请删除多余的一行"))
            return
        if self.entries_seen:
            self.error(row, "summary", _("期初余额行在收支记录的下面"), _("请把期初余额(上年结转)移到所有收支记录的上面"))
            return
        if balance is not None and income is not None and income != balance:
            self.error(row, "balance", _("期初余额行的余额和收入两栏金额不一样"), _("期初余额只填在“余额”一栏,“收入”一栏留空"))
            return
        amount = balance if balance is not None else income
        if amount is None:
            self.error(row, "balance" if self.result.has_balance else "income", _("期初余额行没有金额"),
                       _("请把上年结余的金额填在这一行的“余额”一栏"))
            return
        self.result.opening_fen, self.result.opening_row = amount, row
        self.running = amount

    def entry(self, row: int, cells: dict[str, Any], summary: str) -> None:
        self.entries_seen += 1
        errors_before = len(self.result.errors)
        date = self.date(row, cells)
        voucher = "".join(unicodedata.normalize("NFKC", cell_text(cells.get("voucher"))).split())
        if not summary:
            self.error(row, "summary", _("摘要没有填写"), _("请写明这笔收支的事由,例如“鱼塘承包费”"))
        category = self.category(row, cells)
        income = self.amount(row, "income", cells)
        expense = self.amount(row, "expense", cells)
        balance = self.amount(row, "balance", cells) if self.result.has_balance else None
        kind, amount = self.movement(row, income, expense, category)
        signed = None if amount is None else (amount if kind == INCOME else -amount)
        self.balance(row, signed, balance)
        if len(self.result.errors) != errors_before or date is None or category is None or amount is None:
            return
        self.result.lines.append(LedgerLine(
            row_number=row, date=date, voucher=voucher, summary=" ".join(summary.split()), category=category.name,
            kind=kind, amount_fen=amount, balance_fen=balance if isinstance(balance, int) else None))

    def movement(self, row: int, income: int | None | bool, expense: int | None | bool,
                 category: Category | None) -> tuple[str, int | None]:
        """(kind, amount in fen) of the row, or ("", None) after reporting why there is none."""
        if income is False or expense is False:
            return "", None
        if income and expense:
            self.error(row, "expense", _("同一行的收入和支出都有金额"), _("一行只记一笔:请把它拆成收入、支出两行"))
            return "", None
        if not income and not expense:
            self.error(row, "income", _("这一行没有收入金额,也没有支出金额"),
                       _("请填写金额;只有说明文字的行请删除或并到上一行的摘要里"))
            return "", None
        kind, amount = (INCOME, int(income)) if income else (EXPENSE, int(expense or 0))
        if category is not None and category.kind != kind:
            side = self.label("income" if kind == INCOME else "expense")
            which = _("收入科目") if category.kind == INCOME else _("支出科目")
            self.error(row, "category", _("“{category}”是{which},金额却填在“{side}”一栏").format(
                category=category.name, which=which, side=side), _("请核对科目,或把金额移到对应的一栏"))
        return kind, amount

    def date(self, row: int, cells: dict[str, Any]) -> dt.date | None:
        try:
            if "date" in self.header.columns:
                day = parse_date(cells.get("date"))
            else:
                day = self._month_day(cells)
        except CellError as exc:
            self.error(row, "date" if "date" in self.header.columns else "month", exc.reason, exc.fix)
            return None
        self.dates.append((row, day))
        return day

    def _month_day(self, cells: dict[str, Any]) -> dt.date:
        month, day = cell_text(cells.get("month")), cell_text(cells.get("day"))
        try:
            return dt.date(self.year_hint or 0, int(unicodedata.normalize("NFKC", month)),
                           int(unicodedata.normalize("NFKC", day)))
        except ValueError:
            raise CellError(_("日期“{month}月{day}日”无法识别").format(month=month, day=day),
                            _("请在“月”“日”两栏填写数字,例如 3 和 5")) from None

    def category(self, row: int, cells: dict[str, Any]) -> Category | None:
        text = cell_text(cells.get("category"))
        found = self.categories.find(text)
        if found is None:
            reason = _("没有填写科目") if not text else _("科目“{value}”不在科目表里").format(value=text)
            self.error(row, "category", reason, _("请填写下列科目之一:{known}").format(known=self.categories.listing()))
        return found

    def balance(self, row: int, movement: int | None, found: int | None | bool) -> None:
        """Each written balance must continue the one before it; after a mismatch the written
        balance is taken as the new start, so one wrong figure is reported once, where it is."""
        if found is False:
            self.running = None
            return
        expected = None if self.running is None or movement is None else self.running + movement
        if found is None:
            self.running = expected
            return
        if expected is not None and found != expected:
            fix = _("请核对这一行和上一行的金额与余额")
            if self.result.opening_row is None and self.entries_seen == 1:
                fix = _("表格里没有期初余额行:请在收支记录上面加一行,摘要写“上年结转”,余额填上年结余")
            self.error(row, "balance", _("余额应为 {expected} 元,表中为 {found} 元,相差 {difference} 元").format(
                expected=format_yuan(fen_to_yuan(expected)), found=format_yuan(fen_to_yuan(found)),
                difference=format_yuan(fen_to_yuan(found - expected))), fix)
        self.running = found


def _finish(result: LedgerParse, reader: _RowReader, path: Path, year: int | None) -> LedgerParse:
    if year is None:
        counts = Counter(day.year for _row, day in reader.dates)
        if not counts:
            if not result.errors:
                raise LedgerFileError(_("“{name}”里没有找到收支记录。请检查是否选错了文件或工作表。").format(name=path.name))
            year = reader.year_hint or 0
        else:
            year = counts.most_common(1)[0][0]
    result.year = year
    wrong = {row: day for row, day in reader.dates if day.year != year}
    if wrong:
        label = reader.label("date" if "date" in reader.header.columns else "month")
        for row, day in wrong.items():
            result.errors.append(RowError(row, label, _("日期 {date} 不在 {year} 年").format(date=day.isoformat(), year=year),
                                          _("一个文件只放一年的账。请核对日期;别的年份的收支请记到那一年的账簿里")))
        result.lines = [line for line in result.lines if line.row_number not in wrong]
    result.errors.sort(key=lambda e: e.row_number)
    if result.opening_row is None and result.lines:
        result.warnings.append(_("表格里没有期初余额(上年结转)行,期初余额按 0 元计。"))
    return result
