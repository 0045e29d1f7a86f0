"""Measuring text for a printout before it is drawn: which shipped font draws each character, how wide
a string is, where a line may break. One measurer for every printout (notices, minutes, sign-in sheets).

Every character is checked against the fonts once, all together, before anything is drawn: a
character no font has raises :class:`~app.printing.fonts.MissingGlyphError` naming all of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from app.printing.fonts import PRIMARY_FONT, register_fonts, split_runs

# Chinese line breaking (GB/T 15834 and common typesetting practice): closing punctuation
# never starts a line, opening punctuation never ends one.
NO_LINE_START = frozenset("，。、；：？！）】》」』〉〕”’,.;:?!)]}%…—～·")
NO_LINE_END = frozenset("（【《「『〈〔“‘([{")
_WORD_CHARS = "0-9A-Za-z*\uff10-\uff19\uff21-\uff3a\uff41-\uff5a"
_WORD = "[{w}]+(?:[.,:/%'_+\\-][{w}]+)*%?".format(w=_WORD_CHARS)
# A line may break between any two CJK characters, but never inside a Latin word, a number,
# a date or a masked number: those are one unit.
_UNITS = re.compile("{word}|\\s+|.".format(word=_WORD), re.S)
_WORDS = re.compile(_WORD)
# Control characters, variation selectors and zero-width formatting characters cannot be drawn
# by ReportLab: they would fail the glyph check with a character nobody can see, so they are
# dropped and the base character prints as is.
INVISIBLE = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2060\ufeff\ufe00-\ufe0f\U000e0100-\U000e01ef]")


def clean_line(text: str) -> str:
    """One line as printed: tabs and line breaks are spaces; invisible characters go."""
    return INVISIBLE.sub("", " ".join(str(text or "").replace("\t", " ").splitlines())).strip()


class Metrics:
    """Which font draws each character, and string widths, for the strings of one layout."""

    def __init__(self, texts: Iterable[str]) -> None:
        register_fonts()
        from reportlab.pdfbase import pdfmetrics

        self._get_font = pdfmetrics.getFont
        self._faces: dict[str, Any] = {}  # ReportLab TTFontFace, read once a font is needed
        self.fallback: dict[str, str] = {}
        # advances in thousandths of an em, in the font that draws the character: measuring is
        # a sum over a dictionary, and a string measured once is not measured again
        self._em: dict[str, float] = {}
        self._measured: dict[str, float] = {}
        self._wrapped: dict[tuple[str, float, float, float], list[str]] = {}
        chars: set[str] = set()
        for text in texts:
            chars.update(text)
        self._check(chars)

    def _check(self, chars: Iterable[str]) -> None:
        # All at once, so the message names every character that cannot print, not just the first.
        new = sorted(set(chars).difference(self._em))
        if not new:
            return
        for run in split_runs("".join(new)):
            face = self._faces.get(run.font_name)
            if face is None:
                face = self._faces[run.font_name] = self._get_font(run.font_name).face
            advance, default = face.charWidths.get, face.defaultWidth
            for char in run.text:
                self._em[char] = advance(ord(char), default)
            if run.font_name != PRIMARY_FONT:
                self.fallback.update(dict.fromkeys(run.text, run.font_name))

    def em(self, text: str) -> float:
        """The advance of ``text`` in thousandths of an em; checks characters not seen before."""
        advance = self._measured.get(text)
        if advance is None:
            try:
                advance = sum(map(self._em.__getitem__, text))
            except KeyError:
                self._check(text)
                advance = sum(map(self._em.__getitem__, text))
            self._measured[text] = advance
        return advance

    def width(self, text: str, size: float) -> float:
        return self.em(text) * size * 0.001

    def plain(self, text: str) -> bool:
        """True when the primary font draws every character of ``text``."""
        self.em(text)
        return not self.fallback or self.fallback.keys().isdisjoint(text)

    def runs(self, text: str) -> list[tuple[str, str]]:
        self.em(text)
        if not self.fallback or self.fallback.keys().isdisjoint(text):
            return [(PRIMARY_FONT, text)]
        runs: list[tuple[str, str]] = []
        for char in text:
            font = self.fallback.get(char, PRIMARY_FONT)
            if runs and runs[-1][0] == font:
                runs[-1] = (font, runs[-1][1] + char)
            else:
                runs.append((font, char))
        return runs

    def wrap(self, text: str, size: float, width: float, first: float | None = None) -> list[str]:
        """``text`` broken into lines no wider than ``width`` (``first`` for the first line)."""
        limit = width if first is None else first
        if self.width(text, size) <= limit:
            return [text]
        key = (text, size, width, limit)
        lines = self._wrapped.get(key)
        if lines is None:
            # a ledger repeats its summaries and categories: each is wrapped once
            lines = self._wrapped[key] = self._wrap(text, size, width, limit)
        return list(lines)

    def _wrap(self, text: str, size: float, width: float, limit: float) -> list[str]:
        lines: list[str] = []
        line: list[tuple[str, float]] = []
        used = 0.0
        for unit in _UNITS.findall(text):
            w = self.width(unit, size)
            if unit.isspace():
                if not line:
                    continue
                if used + w > limit:
                    lines.append(_join(line))
                    line, used, limit = [], 0.0, width
                else:
                    line.append((unit, w))
                    used += w
                continue
            if used + w <= limit:
                line.append((unit, w))
                used += w
                continue
            if w > width:
                # a number or word longer than a whole line: the only case where it is cut
                for char in unit:
                    cw = self.width(char, size)
                    if line and used + cw > limit:
                        lines.append(_join(line))
                        line, used, limit = [], 0.0, width
                    line.append((char, cw))
                    used += cw
                continue
            carry = [(unit, w)]
            # closing punctuation (one mark or several: 》)) never starts a line: the character before it comes along
            while len(line) > 1 and carry[0][0][0] in NO_LINE_START:
                carry.insert(0, line.pop())
            while len(line) > 1 and line[-1][0][-1] in NO_LINE_END:
                carry.insert(0, line.pop())
            if line:
                lines.append(_join(line))
            line, limit = carry, width
            used = sum(cw for _unit, cw in carry)
        if line:
            lines.append(_join(line))
        return lines or [""]

    def longest_unit(self, text: str, size: float) -> float:
        """The narrowest a column can be and still show ``text`` without cutting a word or a number."""
        widest = size if any(ord(c) > 0x2e7f for c in text) else 0.0
        for word in _WORDS.findall(text):
            widest = max(widest, self.width(word, size))
        if not widest and text.strip():
            widest = max(self.width(c, size) for c in text)
        return widest


def _join(line: list[tuple[str, float]]) -> str:
    return "".join(unit for unit, _w in line).rstrip()
