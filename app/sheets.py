"""Reading spreadsheets as clerks keep them: .xlsx, old .xls and .csv, told apart by their first bytes.

Shared by every import (the residents roster, the accountant's ledger, a notice's tables): each
reads (sheet name, numbered rows) from here and makes sense of its own columns. openpyxl and xlrd are
imported inside the functions that need them: the program starts noticeably faster without them.

Files come from strangers (a USB stick, a chat download), so reading is bounded before anything is
decompressed, and again while the rows stream past. The limits are far beyond any village's files (a
roster of 20,000 people in 40 columns is a 2 MB .xlsx of 30 MB sheet XML, 13 times compressed):

=====================================  ==========  ==================================================
what                                   limit       why this number
=====================================  ==========  ==================================================
file size (any kind)                   64 MB       that roster is 2 MB as .xlsx, about 12 MB as .csv
.xlsx: members of the zip              1,000       a workbook has 10 to 50 parts
.xlsx: one member, uncompressed        200 MB      the roster's sheet XML is 30 MB
.xlsx: all members, uncompressed       400 MB      two such sheets and their shared strings
.xlsx: compression of a member > 1 MB  100 times   real sheet XML compresses 10 to 30 times; a zip bomb 1,000
.xlsx: bytes actually decompressed     as declared counted while reading: a directory that lies is caught
rows of a sheet                        65,536      the most an old .xls holds; blank rows past it are passed over
columns of a row                       256         likewise (a roster has 14, a clerk's own sheet 40)
characters in one cell                 32,767      the most Excel keeps in a cell
=====================================  ==========  ==================================================

A file past a limit is refused as a whole with :class:`SheetFileError`: what was wrong and what to do;
nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _

HEADER_SEARCH_ROWS = 20  # a header is looked for in the first rows only (titles may stand above it)
HEADER_NOISE = re.compile(r"[\s*:]")
BRACKETED = re.compile(r"\(.*?\)|\[.*?\]|【.*?】")  # a unit or note after a header: 金额(元)

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_MEMBER_BYTES = 200 * 1024 * 1024
MAX_TOTAL_BYTES = 400 * 1024 * 1024
MAX_RATIO = 100
RATIO_FLOOR = 1024 * 1024  # small parts (a styles.xml of repeated tags) may compress better than that
MAX_ROWS = 65536
MAX_COLUMNS = 256
MAX_CELL_CHARS = 32767
_EXCEL_ROWS = 1048576  # no sheet Excel writes has a row beyond this one

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


def too_large(path: Path) -> SheetFileError:
    return SheetFileError(
        _(
            "无法导入“{name}”：文件过大或已损坏（解压后的内容超出了导入的上限）。"
            "村里的花名册、账簿不会这么大：请检查是否选错了文件；如果没有选错，"
            "请用 Excel 或 WPS 打开它，另存为 .xlsx 格式后再导入。"
        ).format(name=path.name)
    )


def _too_big_file(path: Path, size: int) -> SheetFileError:
    return SheetFileError(
        _(
            "无法导入“{name}”：文件有 {size} MB，超出了导入的上限 {limit} MB。"
            "请检查是否选错了文件；如果没有选错，请用 Excel 或 WPS 打开它，删去多余的内容，另存为 .xlsx 格式后再导入。"
        ).format(name=path.name, size=size // (1024 * 1024), limit=MAX_FILE_BYTES // (1024 * 1024))
    )


def _too_many_rows(path: Path, sheet: str) -> SheetFileError:
    return SheetFileError(
        _(
            "无法导入“{name}”：工作表“{sheet}”超过 {max} 行，超出了导入的上限。"
            "请删去表格下方多余的行，或把它分成几个文件，再导入。"
        ).format(name=path.name, sheet=sheet, max=MAX_ROWS)
    )


def _too_many_columns(path: Path, sheet: str, row: int) -> SheetFileError:
    return SheetFileError(
        _(
            "无法导入“{name}”：工作表“{sheet}”第{row}行超过 {max} 列，超出了导入的上限。"
            "请删去表格右边多余的列，再导入。"
        ).format(name=path.name, sheet=sheet, row=row, max=MAX_COLUMNS)
    )


def _cell_too_long(path: Path, sheet: str, row: int) -> SheetFileError:
    return SheetFileError(
        _(
            "无法导入“{name}”：工作表“{sheet}”第{row}行有一个单元格超过 {max} 个字，文件可能已损坏。"
            "请用 Excel 或 WPS 打开它检查这一行，另存为 .xlsx 格式后再导入。"
        ).format(name=path.name, sheet=sheet, row=row, max=MAX_CELL_CHARS)
    )


def bounded_rows(path: Path, sheet: str, rows: Iterator[tuple[int, Sequence[Any]]]) -> Rows:
    """``rows`` within the limits: at most MAX_ROWS rows with something in them (blank rows past it are
    passed over), MAX_COLUMNS columns (empty cells past it are dropped) and MAX_CELL_CHARS characters a cell."""
    for number, values in rows:
        if number > _EXCEL_ROWS:
            raise too_large(path)
        if number > MAX_ROWS:
            if any(not is_blank(v) for v in values):
                raise _too_many_rows(path, sheet)
            continue
        if len(values) > MAX_COLUMNS:
            if any(not is_blank(v) for v in values[MAX_COLUMNS:]):
                raise _too_many_columns(path, sheet, number)
            values = values[:MAX_COLUMNS]
        for v in values:
            if isinstance(v, str) and len(v) > MAX_CELL_CHARS:
                raise _cell_too_long(path, sheet, number)
        yield number, values


def _check_size(path: Path) -> None:
    try:
        size = os.stat(path).st_size
    except OSError:
        return  # the opening that follows says what is wrong
    if size > MAX_FILE_BYTES:
        raise _too_big_file(path, size)


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


def check_zip_directory(path: Path, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose zip directory declares more than the limits, before anything is inflated."""
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise too_large(path)
    total = 0
    for member in members:
        size = member.file_size
        if size > MAX_MEMBER_BYTES:
            raise too_large(path)
        if size > RATIO_FLOOR and size > MAX_RATIO * max(member.compress_size, 1):
            raise too_large(path)
        total += size
    if total > MAX_TOTAL_BYTES:
        raise too_large(path)


class _Counted(io.RawIOBase):
    """One member of the workbook, read through a count: no more bytes than its directory entry declared."""

    def __init__(self, path: Path, inner: Any, limit: int) -> None:
        self._path, self._inner, self._left = path, inner, limit

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._inner.read(size if size is not None and size >= 0 else self._left + 1)
        self._left -= len(data)
        if self._left < 0:
            raise too_large(self._path)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


class _BoundedArchive:
    """The workbook's zip as openpyxl's streaming sheets read it, each member within its declared size and
    all reads together within MAX_TOTAL_BYTES twice over (a sheet is read once to find the header)."""

    def __init__(self, path: Path, archive: zipfile.ZipFile) -> None:
        self._path, self._archive, self._budget = path, archive, 2 * MAX_TOTAL_BYTES

    def open(self, name: Any, mode: str = "r", *args: Any, **kwargs: Any) -> _Counted:
        info = name if isinstance(name, zipfile.ZipInfo) else self._archive.getinfo(name)
        limit = min(info.file_size, MAX_MEMBER_BYTES, self._budget)
        self._budget -= info.file_size
        if self._budget < 0:
            raise too_large(self._path)
        return _Counted(self._path, self._archive.open(info, mode, *args, **kwargs), limit)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._archive, name)


def _xlsx_sheets(path: Path) -> Iterator[tuple[str, Rows]]:
    import warnings

    import openpyxl

    # openpyxl warns about parts it drops (drawings, odd sheet entries, data validation): Python would print
    # that on the clerk's terminal, who can do nothing about it; what is read is what the import checks
    warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
    _check_size(path)
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise unreadable(path) from exc
    try:
        try:
            with zipfile.ZipFile(fh) as archive:
                check_zip_directory(path, archive)
            fh.seek(0)
            # given an open file, openpyxl does not judge the file by its name (clerks rename files)
            book = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except SheetFileError:
            raise
        except Exception as exc:
            raise unreadable(path) from exc
        try:
            book._archive = _BoundedArchive(path, book._archive)  # the sheets stream from here on
            for sheet in book.worksheets:
                # Some programs write a wrong sheet size; without this, rows come back cut short.
                sheet.reset_dimensions()
                rows = enumerate(sheet.iter_rows(values_only=True), start=1)
                yield sheet.title, bounded_rows(path, sheet.title, rows)
        finally:
            book.close()
    finally:
        fh.close()


def _xls_sheets(path: Path) -> Iterator[tuple[str, Rows]]:
    try:
        import xlrd
    except ImportError:
        raise SheetFileError(
            _("这台电脑不能读取旧版 .xls 文件。请在 Excel 或 WPS 中把“{name}”另存为 .xlsx 格式，再导入。").format(
                name=path.name
            )
        ) from None
    _check_size(path)
    try:
        # xlrd writes its warnings about damaged files to the terminal unless given somewhere else to write
        book = xlrd.open_workbook(str(path), on_demand=True, logfile=io.StringIO())
    except Exception as exc:
        raise unreadable(path) from exc
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
            except Exception as exc:
                raise unreadable(path) from exc
            yield sheet.name, bounded_rows(path, sheet.name, _xls_rows(sheet, book.datemode))
    finally:
        book.release_resources()


def _xls_rows(sheet: Any, datemode: int) -> Iterator[tuple[int, Sequence[Any]]]:
    import xlrd

    for r in range(sheet.nrows):
        values: list[Any] = []
        for cell in sheet.row_slice(r, 0, min(sheet.row_len(r), MAX_COLUMNS + 1)):
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
    _check_size(path)
    data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:  # grew since it was looked at
        raise _too_big_file(path, len(data))
    # Excel's and WPS's "Unicode text" is UTF-16 with a byte-order mark, columns separated by tabs.
    utf16 = data[:2] in (b"\xff\xfe", b"\xfe\xff")
    if b"\x00" in data[:4096] and not utf16:
        raise unreadable(path)
    if data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        raise web_page(path)
    encodings = ("utf-16",) if utf16 else ("utf-8-sig", "gb18030")  # gb18030 reads every GBK file and more
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise unreadable(path)
    if text.lstrip("\ufeff \t\r\n")[:1] == "<":
        raise web_page(path)
    if "\x00" in text:
        raise unreadable(path)
    delimiter = _guess_delimiter(text, marker)
    yield path.stem, bounded_rows(path, path.stem, _csv_rows(path, text, delimiter))


def _csv_rows(path: Path, text: str, delimiter: str) -> Iterator[tuple[int, Sequence[Any]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        number += 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "larger than field limit" in str(exc):  # the csv module's own limit, 131,072 characters
                raise _cell_too_long(path, path.stem, number) from exc
            raise unreadable(path) from exc
        yield number, values


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
