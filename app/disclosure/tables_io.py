"""A table for a notice read from a spreadsheet (从 Excel 导入表格).

Clerks keep lists (低保 recipients, project budgets, subsidy lists) in Excel or WPS,
usually with a merged title row above the header and sometimes a 合计 row at the
bottom. Reading takes the first sheet (or the one named), a title row if there is
one, the first full row as the header, every following non-blank row as data,
and a last row that starts with 合计/总计 as the table's total. Amount and count
columns are recognised so the printout right-aligns them.

The spreadsheet readers are imported inside the functions: the program starts faster without them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.disclosure.view import NoticeTable
from app.i18n import _

# the same limits the notice service enforces (app.disclosure.service); checked here too so the clerk
# hears about a too-wide sheet when choosing it, not later when saving
MAX_ROWS = 5000
MAX_COLUMNS = 12
MAX_CELL = 200
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv")
_TOTAL_WORDS = ("合计", "总计", "共计", "小计")
_NUMBER = re.compile(r"[-+]?(?:[¥￥])?\d[\d,，]*(?:\.\d+)?%?")


class TableFileError(UserError, ValueError):
    """A spreadsheet that cannot be used as a notice table; the message says what to do."""


def _unreadable(path: Path) -> TableFileError:
    return TableFileError(_("无法读取“{name}”:文件可能已损坏、设置了密码,或者不是表格文件。"
                            "请用 Excel 或 WPS 打开它,另存为 .xlsx 格式后再导入。").format(name=path.name))


def text_of(value: Any) -> str:
    """A cell as the clerk sees it in Excel: whole numbers without ".0", dates as 2026-11-05."""
    if value is None:
        return ""
    if isinstance(value, str):
        return " ".join(value.split()) if "\n" in value else value.strip()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return "{:.10g}".format(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value).strip()


# ---------------------------------------------------------------- reading the file
# The file itself is read by the same code as the roster and the ledger (app.sheets):
# the kind of file told by its first bytes, GBK or UTF-8 text, a web page saved as .xls refused.


def _sheets(path: Path) -> Iterator[tuple[str, Any]]:
    from app.sheets import SheetFileError, csv_sheet, open_sheets

    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise TableFileError(_("“{name}”不是表格文件。请选择 .xlsx、.xls 或 .csv 文件。").format(name=path.name))
    missing = lambda p: TableFileError(_("找不到文件“{path}”。").format(path=p))  # noqa: E731
    try:
        sheets = open_sheets(path, lambda p: csv_sheet(p, "", unreadable=_unreadable, web_page=_unreadable),
                             missing=missing, busy=_unreadable)
        for name, rows in sheets:
            yield name, rows
    except SheetFileError as exc:
        raise TableFileError(str(exc)) from exc


def _rows(path: Path, sheet: str | None) -> tuple[list[str], list[list[Any]]]:
    """The sheets' names and the rows of ``sheet`` (the first by default), at most a little over MAX_ROWS."""
    from app.sheets import SheetFileError

    names: list[str] = []
    chosen: list[list[Any]] | None = None
    try:
        for name, rows in _sheets(path):
            names.append(name)
            if chosen is None and (sheet is None or name == sheet):
                chosen = [list(values) for _n, values in islice(rows, MAX_ROWS + 50)]
    except TableFileError:
        raise
    except SheetFileError as exc:  # a limit of the shared reader, met while the rows stream past
        raise TableFileError(str(exc)) from exc
    except Exception as exc:  # a damaged file can fail anywhere inside the readers
        raise _unreadable(path) from exc
    if sheet is not None and chosen is None:
        raise TableFileError(_("“{name}”里没有名为“{sheet}”的工作表。").format(name=path.name, sheet=sheet))
    return names, chosen or []


def sheet_names(path: Path) -> list[str]:
    """The workbook's sheets, in order (a .csv file has one, named after the file)."""
    path = Path(path)
    try:
        return [name for name, _rows in _sheets(path)]
    except TableFileError:
        raise
    except Exception as exc:  # a damaged file can fail anywhere inside the readers
        raise _unreadable(path) from exc


# ---------------------------------------------------------------- making the table


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text.replace(" ", "")))


def guess_numeric(rows: Sequence[Sequence[str]], columns: int) -> frozenset[int]:
    """Columns whose filled cells are all numbers (amounts, counts): printed right-aligned."""
    numeric = set()
    for c in range(columns):
        cells = [r[c] for r in rows if c < len(r) and r[c]]
        if cells and all(_is_number(v) for v in cells):
            numeric.add(c)
    return frozenset(numeric)


def _is_total(row: Sequence[str]) -> bool:
    first = next((v for v in row if v), "")
    return "".join(first.split()) in _TOTAL_WORDS


def _non_blank(rows: list[list[str]]) -> Iterator[list[str]]:
    return (r for r in rows if any(r))


def table_from_rows(values: Sequence[Sequence[Any]], *, title: str = "", where: str = "") -> NoticeTable:
    """A notice table from a sheet's rows: an optional title row, a header row, data rows, a 合计 row."""
    where = where or _("表格")
    rows = [[text_of(v) for v in r] for r in values]
    rows = list(_non_blank(rows))
    if not rows:
        raise TableFileError(_("{where}是空的,没有可以导入的内容。").format(where=where))
    # a merged title above the header holds one cell of text and nothing else
    if len(rows) > 1 and sum(1 for v in rows[0] if v) == 1 and sum(1 for v in rows[1] if v) > 1:
        title = title or next(v for v in rows[0] if v)
        rows = rows[1:]
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    used = [c for c in range(width) if any(r[c] for r in rows)]
    rows = [[r[c] for c in used] for r in rows]
    header, body = rows[0], rows[1:]
    if len(header) > MAX_COLUMNS:
        raise TableFileError(_("{where}有 {n} 列,公开栏上最多放 {max} 列,否则字太小看不清。"
                               "请在 Excel 里删掉不需要公开的列(例如身份证号、电话)后再导入。").format(
            where=where, n=len(header), max=MAX_COLUMNS))
    for c, name in enumerate(header):
        if not name:
            header[c] = _("第{n}列").format(n=c + 1)
    total = None
    if body and _is_total(body[-1]):
        total = body.pop()
    if len(body) > MAX_ROWS:
        raise TableFileError(_("{where}有 {n} 行以上,最多 {max} 行。请分成几张表格或几份公开。").format(
            where=where, n=len(body), max=MAX_ROWS))
    for r, row in enumerate(body, start=1):
        for c, cell in enumerate(row, start=1):
            if len(cell) > MAX_CELL:
                raise TableFileError(_("{where}第 {row} 行第 {col} 列的内容太长(最多 {max} 字),请在 Excel 里缩短后再导入。")
                                     .format(where=where, row=r + 1, col=c, max=MAX_CELL))
    return NoticeTable(title=title, columns=header, rows=body, numeric=guess_numeric(body, len(header)), total=total)


def read_table(path: Path, sheet: str | None = None) -> NoticeTable:
    """The table in ``sheet`` (the first sheet by default) of an .xlsx, .xls or .csv file."""
    path = Path(path)
    names, rows = _rows(path, sheet)
    if not names:
        raise TableFileError(_("“{name}”里没有工作表。").format(name=path.name))
    name = sheet or names[0]
    where = _("“{file}”的工作表“{sheet}”").format(file=path.name, sheet=name) if len(names) > 1 else \
        _("“{file}”").format(file=path.name)
    return table_from_rows(rows, where=where)
