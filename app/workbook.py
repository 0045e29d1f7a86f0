"""Every workbook and CSV file the program writes, written one way: text always lands as text.

A purpose, a name, a 核实人 or a note typed as ``=HYPERLINK("http://…","办理")`` or ``+1+1`` reaches the person who
opens the file in Excel or WPS as the characters typed, never as a formula that runs or a link that opens
(formula injection). In a workbook every text cell is stored as a string (``t="inlineStr"``, never ``<f>``), and
text that looks like a formula also gets Excel's quote prefix, so it stays text when edited. A CSV has no cell
types, so such text gets a leading apostrophe there. Numbers stay numbers and dates stay dates.

The file is written through :func:`app.files.replacing`: a full disk or a pulled stick gives the one plain
message (:class:`app.files.WriteFailed`) and leaves no partial file. openpyxl is imported inside the functions:
the program starts noticeably faster without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from app.files import replacing

# What Excel, WPS and LibreOffice read as the start of a formula (or of a DDE command) when text is typed or a
# CSV is opened, and, to be safe, the full-width forms a Chinese input method types.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
# Characters a workbook cannot hold at all (XML 1.0); openpyxl refuses the whole file for one of them.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_MIN_WIDTH, _MAX_WIDTH = 8, 60
WARNING_FILL, WARNING_TEXT = "FFFFC7CE", "FF9C0006"  # Excel's own 差 (bad) style: light red, dark red text
_MEASURED_ROWS = 2000


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet program would take ``text`` (leading spaces ignored) for a formula."""
    return text.lstrip(" \u3000").startswith(FORMULA_START)


def csv_text(value: Any) -> Any:
    """A value as it may go into a CSV cell: text that looks like a formula gets a leading apostrophe
    (Excel shows it and runs nothing); numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat(sep=" ", timespec="minutes") if isinstance(value, dt.datetime) else value.isoformat()
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def sheet_title(title: str) -> str:
    """A worksheet name Excel opens: none of []:*?/\\, at most 31 characters (Excel refuses the whole file
    otherwise; a long English sheet name reaches it)."""
    cleaned = "".join(" " if c in "[]:*?/\\" else c for c in title).strip() or "Sheet"
    return cleaned[:31]


def display_width(text: str) -> int:
    """Columns ``text`` takes in a spreadsheet: Chinese characters count two."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


@dataclass
class Sheet:
    """One sheet: some lines of text above (a title, who exported it and when; then one empty row), the header
    row, the rows. ``widths`` None: measured from the header and the rows. ``text_columns`` (by index) stay
    text for rows the clerk adds later in Excel (ID numbers, phone numbers); ``wrap_columns`` wrap long text."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    above: Sequence[str] = ()
    widths: Sequence[float] | None = None
    text_columns: Collection[int] = field(default_factory=frozenset)
    wrap_columns: Collection[int] = field(default_factory=frozenset)
    centred_header: bool = False
    landscape: bool = False
    warned: Collection[tuple[int, int]] = field(default_factory=frozenset)
    """(row, column) of rows' cells that need attention, filled light red with dark red text. Colour is never the
    only sign: the cell's own text must say what is wrong (逾期)."""


def write_workbook(path: Path, sheets: Sequence[Sheet]) -> None:
    """Write ``sheets`` to the .xlsx file ``path`` (replacing it whole or not at all)."""
    path = Path(path)
    with replacing(path) as tmp:
        book = _build(sheets)
        # The zip is opened and closed here, not by openpyxl: on a full disk openpyxl leaves its zip open and
        # Python later prints the failed close as a traceback on the terminal.
        with open(tmp, "wb") as fh, zipfile.ZipFile(fh, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            from openpyxl.writer.excel import ExcelWriter

            book.properties.modified = dt.datetime.now(tz=dt.timezone.utc).replace(tzinfo=None)
            ExcelWriter(book, archive).write_data()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Write a CSV file Excel on Chinese Windows opens correctly (UTF-8 with a BOM), formula-safe."""
    path = Path(path)
    with replacing(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([csv_text(h) for h in header])
            for row in rows:
                writer.writerow([csv_text(v) for v in row])


def _build(sheets: Sequence[Sheet]) -> Any:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    for spec in sheets:
        _add_sheet(book, spec)
    return book


def _add_sheet(book: Any, spec: Sheet) -> None:
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    rows = [list(r) for r in spec.rows]
    sheet = book.create_sheet(sheet_title(spec.title))
    widths = list(spec.widths) if spec.widths is not None else _measure(spec.header, rows)
    for index, width in enumerate(widths):
        dimension = sheet.column_dimensions[get_column_letter(index + 1)]
        dimension.width = width
        if index in spec.text_columns:
            dimension.number_format = TEXT_FORMAT
    header_row = len(spec.above) + (2 if spec.above else 1)
    sheet.freeze_panes = "A{row}".format(row=header_row + 1)
    sheet.print_title_rows = "{row}:{row}".format(row=header_row)
    sheet.page_setup.paperSize = "9"  # A4
    if spec.landscape:
        sheet.page_setup.orientation = "landscape"

    for line in spec.above:
        sheet.append([cell(sheet, line)])
    if spec.above:
        sheet.append([])
    bold = Font(bold=True)
    centred = Alignment(horizontal="center", vertical="center") if spec.centred_header else None
    header = []
    for title in spec.header:
        c = cell(sheet, title)
        c.font = bold
        if centred is not None:
            c.alignment = centred
        header.append(c)
    sheet.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    warned = frozenset(spec.warned)
    for number, values in enumerate(rows):
        out = []
        for index, value in enumerate(values):
            c = cell(sheet, value, text=index in spec.text_columns)
            if c is not None and index in spec.wrap_columns:
                c.alignment = wrap
            if c is not None and (number, index) in warned:
                c.fill, c.font = _warning_style()
            out.append(c)
        sheet.append(out)
    # Finish the sheet now: a sheet left open when the disk fills up would be finished by Python on its way
    # out, writing to a closed file, and print that as a traceback on the terminal.
    sheet.close()


def _warning_style() -> tuple[Any, Any]:
    from openpyxl.styles import Font, PatternFill

    return PatternFill(fill_type="solid", fgColor=WARNING_FILL), Font(color=WARNING_TEXT)


def cell(sheet: Any, value: Any, *, text: bool = False) -> Any:
    """A write-only cell for ``value``: None for an empty one; every text a string cell, never a formula or
    an error value (#N/A); numbers as numbers; dates as dates shown 2026-03-01. ``text``: numbers too are
    written as text (an ID number must never become 3.70102E+17)."""
    from openpyxl.cell import WriteOnlyCell

    if value is None or value == "":
        return None
    if isinstance(value, bool) or (isinstance(value, (int, float, Decimal)) and not text):
        return WriteOnlyCell(sheet, value=value)
    if isinstance(value, dt.datetime):
        c = WriteOnlyCell(sheet, value=value)
        c.number_format = DATETIME_FORMAT
        return c
    if isinstance(value, dt.date):
        c = WriteOnlyCell(sheet, value=value)
        c.number_format = DATE_FORMAT
        return c
    string = _ILLEGAL.sub("", str(value))
    c = WriteOnlyCell(sheet, value=string)
    # openpyxl makes text starting with "=" a formula and "#N/A" an error value unless told otherwise
    c.data_type = "s"
    if text:
        c.number_format = TEXT_FORMAT
    if looks_like_formula(string):
        c.quotePrefix = True
    return c


def _measure(header: Sequence[str], rows: list[list[Any]]) -> list[float]:
    widths = []
    for index, title in enumerate(header):
        widest = display_width(str(title))
        for row in rows[:_MEASURED_ROWS]:
            if index < len(row) and row[index] is not None:
                value = row[index]
                shown = value.isoformat() if isinstance(value, dt.date) else str(value)
                widest = max(widest, display_width(shown))
        widths.append(min(max(widest + 3, _MIN_WIDTH), _MAX_WIDTH))
    return widths
