"""What every meeting printout shares: page geometry, type sizes, and text cleaned, masked and checked.

Free text goes through ``app.masking.mask_text`` (names stay as they are) and every
character is checked against the shipped fonts before a file is opened.
"""

from __future__ import annotations

import datetime
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from app.i18n import _
from app.masking import mask_text
from app.printing.metrics import clean_line


MM = 72 / 25.4
A4_W, A4_H = 210 * MM, 297 * MM
MARGIN_X = 16 * MM
MARGIN_TOP = 12 * MM
MARGIN_BOTTOM = 12 * MM
WIDTH = A4_W - 2 * MARGIN_X

BODY_SIZE = 13.0
CELL_SIZE = 12.0
NAME_SIZE = 14.0
TITLE_SIZE = 22.0
HEADER_SIZE = 10.5
FOOTER_SIZE = 10.5

GRAY = (0.35, 0.35, 0.35)
RULE = (0.45, 0.45, 0.45)
HEAD_FILL = (0.9, 0.9, 0.9)

COMPACT_FROM = 80
"""Attendees from which the minutes list names by group instead of one table row each."""

SIGN_ROW_H = 9.5 * MM
"""A sign-in row: room for a signature written by hand with a ballpoint pen."""

PRESENT = "出席"
PROXY = "委托出席"
OBSERVER = "列席"
ABSENT = "缺席"
LEAVE = "请假"

_NUMERALS = "一二三四五六七八九十"

V = TypeVar("V")


# ---------------------------------------------------------------- text: cleaned, masked, checked


def _public(text: str) -> str:
    """Free text as printed: ID, phone and bank numbers typed into it are masked; names are kept."""
    return mask_text(clean_line(text))


def _paragraphs(text: str) -> list[str]:
    return [p for p in (_public(line) for line in str(text or "").splitlines()) if p]


def _date(day: datetime.date) -> str:
    weekday = "一二三四五六日"[day.weekday()]
    return _("{y}年{m}月{d}日(星期{w})").format(y=day.year, m=day.month, d=day.day, w=weekday)


def _people(count: int) -> str:
    return _("{n} 人").format(n=count)


def _numeral(n: int) -> str:
    return _NUMERALS[n - 1] if 1 <= n <= len(_NUMERALS) else str(n)


def _print_date(day: datetime.date | None) -> str:
    return _("打印日期:{date}").format(date=(day or datetime.date.today()).isoformat())


def pdf_bytes(render: Callable[[V, Path], int], view: V) -> bytes:
    """The PDF that ``render`` (one of the ``render_*`` functions) makes of ``view``, in memory,
    for a print preview."""
    with tempfile.TemporaryDirectory(prefix="cunwu-print-") as folder:
        path = Path(folder) / "preview.pdf"
        render(view, path)
        return path.read_bytes()

