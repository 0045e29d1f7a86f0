"""What every meeting printout shares: page geometry, type sizes, and text cleaned, masked and checked.

Free text goes through ``app.masking.mask_text`` (names stay as they are) and every
character is checked against the shipped fonts before a file is opened.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from app.i18n import _
from app.masking import mask_text
from app.printing.fonts import PRIMARY_FONT, register_fonts, split_runs


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

_INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_NUMERALS = "一二三四五六七八九十"

V = TypeVar("V")


# ---------------------------------------------------------------- text: cleaned, masked, checked


def _clean(text: str) -> str:
    """One line as printed: tabs are spaces; control characters and variation selectors, which no
    font can draw and nobody can see, are dropped rather than stop printing."""
    return _INVISIBLE.sub("", " ".join(str(text or "").replace("\t", " ").splitlines())).strip()


def _public(text: str) -> str:
    """Free text as printed: ID, phone and bank numbers typed into it are masked; names are kept."""
    return mask_text(_clean(text))


def _paragraphs(text: str) -> list[str]:
    return [p for p in (_public(line) for line in str(text or "").splitlines()) if p]


class _Glyphs:
    """Which shipped font draws each character of one printout, and its advance.

    Every character is checked once, all together, before anything is drawn: the message of
    :class:`MissingGlyphError` names every character that cannot print, not just the first.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        register_fonts()
        from reportlab.pdfbase import pdfmetrics

        self._get_font = pdfmetrics.getFont
        self.font: dict[str, str] = {}
        self.advance: dict[str, float] = {}
        self.rare: set[str] = set()  # characters only a fallback font has
        chars: set[str] = set()
        for text in texts:
            chars.update(text)
        self._add(chars)

    def _add(self, chars: Iterable[str]) -> None:
        new = sorted(set(chars).difference(self.font))
        if not new:
            return
        for run in split_runs("".join(new)):
            face = self._get_font(run.font_name).face
            for char in run.text:
                self.font[char] = run.font_name
                self.advance[char] = face.charWidths.get(ord(char), face.defaultWidth)
                if run.font_name != PRIMARY_FONT:
                    self.rare.add(char)

    def width(self, text: str, size: float) -> float:
        try:
            return sum(map(self.advance.__getitem__, text)) * size / 1000
        except KeyError:
            self._add(text)
            return sum(map(self.advance.__getitem__, text)) * size / 1000

    def runs(self, text: str) -> list[tuple[str, str]]:
        """``text`` cut into (font, text) runs; the common case is one run in the primary font."""
        self.width(text, 1)
        if self.rare.isdisjoint(text):
            return [(PRIMARY_FONT, text)]
        fonts = self.font
        runs: list[tuple[str, str]] = []
        for char in text:
            font = fonts[char]
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def plain(self, text: str) -> bool:
        self.width(text, 1)
        return self.rare.isdisjoint(text)


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

