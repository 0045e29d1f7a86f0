"""Reading spreadsheets as clerks keep them: .xlsx, old .xls and .csv, told apart by their first bytes.

Shared by every import (the residents roster, the accountant's ledger, a notice's tables): each
reads (sheet name, numbered rows) from here and makes sense of its own columns. openpyxl and xlrd are
imported inside the functions that need them: the program starts noticeably faster without them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _

HEADER_SEARCH_ROWS = 20  # a header is looked for in the first rows only (titles may stand above it)
HEADER_NOISE = re.compile(r"[\s*:]")
BRACKETED = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")  # a unit or note after a header: 金额(元)

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"

Rows = Iterator[tuple[int, Sequence[Any]]]


class SheetFileError(UserError, ValueError):
    """A spreadsheet file as a whole cannot be used (missing, damaged, a web page); the message says what to do.

    The readers here serve the roster, the ledger and notice tables; each catches this one class.
    """


@dataclass
class RowError:
    row_number: int
    column: str  # the header as written in the sheet
    reason: str
    fix: str


def unreadable(path: Path) -> SheetFileError:
    return SheetFileError(
        _(
            "无法读取“{name}”：文件可能已损坏、设置了密码，或者不是表格文件。"
            "请用 Excel 或 WPS 打开它，另存为 .xlsx 格式后再导入。"
        ).format(name=path.name)
    )


def open_sheets(path: Path, csv_sheets: Callable[[Path], Iterator[tuple[str, Rows]]], *,
                missing: Callable[[Path], Exception], busy: Callable[[Path], Exception]) -> Iterator[tuple[str, Rows]]:
    """The sheets of ``path`` as (name, numbered rows), read lazily.

    The kind of file is told by its first bytes, not its name: clerks rename .xls to .xlsx and
    save CSV under any name. ``csv_sheets`` reads anything that is not a workbook; ``missing``
    and ``busy`` make the error for a file that is not there or cannot be opened.
    """
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except FileNotFoundError:
        raise missing(path) from None
    except OSError:
        raise busy(path) from None
    if head.startswith(_ZIP):
        return _xlsx_sheets(path)
    if head.startswith(_OLE2):
        return _xls_sheets(path)
    return csv_sheets(path)


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Rows]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:
        raise unreadable(path) from exc
    try:
        for sheet in book.worksheets:
            # Some programs write a wrong sheet size; without this, rows come back cut short.
            sheet.reset_dimensions()
            yield sheet.title, enumerate(sheet.iter_rows(values_only=True), start=1)
    finally:
        book.close()


def _xls_sheets(path: Path) -> Iterator[tuple[str, Rows]]:
    try:
        import xlrd
    except ImportError:
        raise SheetFileError(
            _("这台电脑不能读取旧版 .xls 文件。请在 Excel 或 WPS 中把“{name}”另存为 .xlsx 格式，再导入。").format(
                name=path.name
            )
        ) from None
    try:
        book = xlrd.open_workbook(str(path), on_demand=True)
    except Exception as exc:
        raise unreadable(path) from exc
    try:
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            yield sheet.name, _xls_rows(sheet, book.datemode)
    finally:
        book.release_resources()


def _xls_rows(sheet: Any, datemode: int) -> Rows:
    import xlrd

    for r in range(sheet.nrows):
        values: list[Any] = []
        for cell in sheet.row(r):
            kind = cell.ctype
            if kind == xlrd.XL_CELL_DATE:
                try:
                    values.append(xlrd.xldate.xldate_as_datetime(cell.value, datemode))
                except Exception:
                    values.append(cell.value)
            elif kind == xlrd.XL_CELL_BOOLEAN:
                values.append(bool(cell.value))
            elif kind in (xlrd.XL_CELL_TEXT, xlrd.XL_CELL_NUMBER):
                values.append(cell.value)
            else:
                values.append(None)
        yield r + 1, values


def csv_sheet(path: Path, marker: str, *, unreadable: Callable[[Path], Exception],
              web_page: Callable[[Path], Exception]) -> Iterator[tuple[str, Rows]]:
    """A CSV file as one sheet named after the file; ``marker`` is a word of its header row,
    which tells the delimiter. ``unreadable`` and ``web_page`` make the errors for a file that
    is not text, or is a web page saved under a spreadsheet's name."""
    data = path.read_bytes()
    if b"\x00" in data[:4096]:
        raise unreadable(path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise web_page(path)
    for encoding in ("utf-8-sig", "gb18030"):  # gb18030 reads every GBK file and more
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise unreadable(path)
    delimiter = _guess_delimiter(text, marker)
    yield path.stem, enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)


def _guess_delimiter(text: str, marker: str) -> str:
    for line in text.splitlines()[:HEADER_SEARCH_ROWS]:
        if marker in line:
            counts = {d: line.count(d) for d in (",", "\t", ";", "，")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def header_key(value: Any) -> str:
    if not isinstance(value, str):
        return ""
    return HEADER_NOISE.sub("", unicodedata.normalize("NFKC", value))


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:
            return ""
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
