"""What every meeting printout shares: type sizes, the page frame, ruled boxes, and text cleaned and masked.

The minutes, the sign-in sheet and the tally sheet are laid out on :class:`app.printing.flow.Flow`
(pages filling from the top, tables split across pages with their header repeated, page numbers
第 x 页 / 共 y 页 from app.printing.pages) on A4 portrait. Free text goes through
``app.masking.mask_text`` (names stay as they are) and every character is checked against the
shipped fonts (app.printing.metrics.Metrics) before anything is laid out.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from app.i18n import _
from app.masking import mask_text
from app.printing.flow import Flow, baseline
from app.printing.metrics import Metrics, clean_line
from app.printing.ops import Line, Op, Rect
from app.printing.pages import MM

MARGIN_X = 16 * MM
MARGIN_TOP = 12 * MM
MARGIN_BOTTOM = 12 * MM

BODY_SIZE = 13.0
CELL_SIZE = 12.0
NAME_SIZE = 13.0
TITLE_SIZE = 22.0
HEADER_SIZE = 10.5
FOOTER_SIZE = 10.5
PAGE_NUMBER_SIZE = 11.5

GRAY = 0.35
"""Gray level of the running header, the kicker and the footer's small print."""
RULE = 0.45
HEAD_FILL = 0.9

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


# ---------------------------------------------------------------- text: cleaned, masked


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


# ---------------------------------------------------------------- pages


@dataclass(frozen=True)
class Cell:
    """One cell of a ruled box: its text, gray fill (None for none) and alignment (left, centre)."""

    text: str = ""
    fill: float | None = None
    align: str = "left"


class MeetingFlow(Flow):
    """A meeting printout's pages: A4 portrait, its margins and body size, and ruled boxes kept whole."""

    def __init__(self, metrics: Metrics) -> None:
        super().__init__(metrics, paper="a4", margin_side=MARGIN_X, margin_top=MARGIN_TOP,
                         margin_bottom=MARGIN_BOTTOM, body_size=BODY_SIZE, body_leading=1.6)

    # ------------------------------------------------ page furniture

    def running_header(self, ops: list[Op], text: str, draft: str = "") -> float:
        """The small gray line at the top of a page, with a boxed draft mark at its right; returns
        the y of the rule under it."""
        base = self.h - self.margin_top - HEADER_SIZE
        right = self.right
        rule = base - 6
        if draft:
            # boxed and in black on every page, so a page that has come loose still says it is a draft
            size = 14.0
            w = self.m.width(draft, size)
            left = right - w - 16
            ops.append(Rect(left, base - 5, w + 16, size + 9, None, 0.0, 1.6))
            self.put(ops, left + 8, base, draft, size, w)
            right = left - 8
            rule = base - 11
        line = self.m.wrap(text, HEADER_SIZE, right - self.left)[0] if text else ""
        if line:
            self.put(ops, self.left, base, line, HEADER_SIZE, gray=GRAY)
        ops.append(Line(self.left, rule, self.right, rule, 0.6, RULE))
        return rule

    def footer_rule(self, lines: int) -> float:
        """The y of the footer's rule for a footer of ``lines`` lines above the bottom margin."""
        return self.margin_bottom + lines * FOOTER_SIZE + 6

    def footer_items(self, ops: list[Op], number: int, total: int, left: str, right: Sequence[str], *,
                     lines: int = 2, right_edge: float | None = None, left_size: float = FOOTER_SIZE,
                     left_gray: float = GRAY) -> None:
        """Rule; ``left`` and the ``right`` lines under it (right-aligned to ``right_edge``); 第 x 页 / 共 y 页
        centred on the last line."""
        top = self.footer_rule(lines)
        ops.append(Line(self.left, top, self.right, top, 0.6, RULE))
        base = top - FOOTER_SIZE - 3
        if left:
            self.put(ops, self.left, base, left, left_size, gray=left_gray)
        edge = self.right if right_edge is None else right_edge
        for i, item in enumerate(right):
            w = self.m.width(item, FOOTER_SIZE)
            self.put(ops, edge - w, base - i * (FOOTER_SIZE + 3), item, FOOTER_SIZE, w, gray=GRAY)
        from app.printing.pages import page_label

        label = page_label(number, total)
        w = self.m.width(label, PAGE_NUMBER_SIZE)
        self.put(ops, (self.w - w) / 2, base - (lines - 1) * (FOOTER_SIZE + 3), label, PAGE_NUMBER_SIZE, w)

    # ------------------------------------------------ text blocks

    def centred(self, text: str, size: float, leading: float, *, gray: float = 0.0, bold: bool = False) -> None:
        lines = self.m.wrap(text, size, self.width) if text else []
        self.lines(lines, size, leading, align="centre", gray=gray, bold=bold)

    def para(self, text: str, size: float = BODY_SIZE, *, leading: float = 1.6, indent: bool = False,
             before: float = 0.0, after: float = 2.0, gray: float = 0.0, bold: bool = False) -> None:
        """A paragraph wrapped to the width; ``indent`` indents its first line two characters."""
        self.space(before)
        first = 2 * size if indent else 0.0
        lines = self.m.wrap(text, size, self.width, self.width - first) if text else [""]
        self.lines(lines, size, leading * size, first_indent=first, gray=gray, bold=bold)
        self.y -= after

    def para_height(self, text: str, size: float = BODY_SIZE, *, leading: float = 1.6, indent: bool = False,
                    before: float = 0.0, after: float = 2.0) -> float:
        first = 2 * size if indent else 0.0
        n = len(self.m.wrap(text, size, self.width, self.width - first)) if text else 1
        return before + n * leading * size + after

    def boxed(self, text: str, size: float = BODY_SIZE, *, fill: float | None = None, stroke: float = RULE,
              line_width: float = 0.8, pad: float = 6.0, align: str = "left", bold: bool = False,
              before: float = 8.0, after: float = 10.0) -> None:
        """A paragraph in a ruled box (a verdict, a decision, the draft banner), kept on one page when it fits.
        The box stands ``pad`` out from its text, in the space before and after it."""
        leading = 1.55 * size
        lines = self.m.wrap(text, size, self.width - 2 * pad)
        height = len(lines) * leading
        self.space(before)
        self.need(height)
        if self.fits(height):
            self.ops.append(Rect(self.left, self.y - height - pad, self.width, height + 2 * pad, fill, stroke,
                                 line_width))
            if align == "centre":
                for line in lines:
                    w = self.m.width(line, size)
                    self.put(self.ops, self.left + (self.width - w) / 2, baseline(self.y, leading, size), line,
                             size, w, bold)
                    self.y -= leading
            else:
                self.lines(lines, size, leading, indent=pad, first_indent=pad, bold=bold)
        else:  # longer than a page: the text goes on, page after page, without its box
            self.lines(lines, size, leading, indent=pad, first_indent=pad, bold=bold)
        self.y -= max(after, pad)

    # ------------------------------------------------ ruled boxes

    def box_rows(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float], size: float = CELL_SIZE, *,
                 heights: Sequence[float | None] | None = None, pad_x: float = 5.0, pad_y: float = 4.5,
                 leading: float = 1.35) -> list[tuple[list[list[str]], float]]:
        """Each row's lines per cell and its height (at least ``heights[r]``)."""
        out = []
        for r, row in enumerate(rows):
            cells = [self.m.wrap(c.text, size, w - 2 * pad_x) if c.text else [] for c, w in zip(row, widths)]
            n = max([len(c) for c in cells] + [1])
            h = n * leading * size + 2 * pad_y
            want = heights[r] if heights else None
            out.append((cells, max(h, want or 0.0)))
        return out

    def grid(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float], size: float = CELL_SIZE, *,
             heights: Sequence[float | None] | None = None, pad_x: float = 5.0, pad_y: float = 4.5,
             leading: float = 1.35, rules: dict[int, float] | None = None) -> None:
        """A small ruled table drawn at the current position, row after row, a new page between rows
        when the next does not fit. ``rules`` gives a thicker line above a row: {row: width}."""
        laid = self.box_rows(rows, widths, size, heights=heights, pad_x=pad_x, pad_y=pad_y, leading=leading)
        xs = [self.left]
        for w in widths:
            xs.append(xs[-1] + w)
        lead = leading * size
        tops: list[tuple[float, float]] = []

        def close() -> None:
            if len(tops) < 2:
                return
            for y, w in tops:
                self.ops.append(Line(xs[0], y, xs[-1], y, w, 0.0 if w > 1 else RULE))
            for x in xs:
                self.ops.append(Line(x, tops[0][0], x, tops[-1][0], 0.5, RULE))

        for r, (row, (cells, height)) in enumerate(zip(rows, laid)):
            if not self.fits(height) and tops:
                close()
                tops = []
                self.new_page()
            top = self.y
            if not tops:
                tops.append((top, 0.5))
            if rules and r in rules:
                tops[-1] = (tops[-1][0], rules[r])
            for c, (cell, lines) in enumerate(zip(row, cells)):
                if cell.fill is not None:
                    self.ops.append(Rect(xs[c], top - height, xs[c + 1] - xs[c], height, cell.fill))
                base = baseline(top - (height - len(lines) * lead) / 2, lead, size)
                for line in lines:
                    w = self.m.width(line, size)
                    x = (xs[c] + xs[c + 1] - w) / 2 if cell.align == "centre" else xs[c] + pad_x
                    self.put(self.ops, x, base, line, size, w)
                    base -= lead
            self.y -= height
            tops.append((self.y, 0.5))
        close()

    def grid_height(self, rows: Sequence[Sequence[Cell]], widths: Sequence[float], size: float = CELL_SIZE, *,
                    heights: Sequence[float | None] | None = None, pad_x: float = 5.0, pad_y: float = 4.5,
                    leading: float = 1.35) -> float:
        return sum(h for _c, h in self.box_rows(rows, widths, size, heights=heights, pad_x=pad_x, pad_y=pad_y,
                                                leading=leading))

    def signature_rows(self, signers: Sequence[tuple[str, str]], columns: int = 2, label: str = "",
                       size: float = BODY_SIZE) -> None:
        """A line to sign on for each signer, the label before it and the name printed small under it."""
        label = label or _("{label}(签字):")
        labels = [label.format(label=who) for who, _name in signers]
        label_w = max((self.m.width(text, size) for text in labels), default=0.0) + 12
        col_w = self.width / columns
        line_w = col_w - label_w - 8
        row_h = 10 * MM + 1.6 * size + 11 + 3 * MM
        for i in range(0, len(signers), columns):
            self.need(row_h)
            base = self.y - 10 * MM - 1.6 * size + 0.3 * size
            for k, ((_who, name), text) in enumerate(zip(signers[i:i + columns], labels[i:i + columns])):
                x = self.left + k * col_w
                self.put(self.ops, x + 5, base, text, size)
                self.ops.append(Line(x + label_w, base - 2, x + label_w + line_w, base - 2, 0.8, 0.0))
                if name:
                    w = self.m.width(name, 11)
                    self.put(self.ops, x + label_w + (line_w - w) / 2, base - 15, name, 11, w, gray=GRAY)
            self.y -= row_h

    def signature_height(self, signers: Sequence[tuple[str, str]], columns: int = 2, size: float = BODY_SIZE) -> float:
        rows = -(-len(signers) // columns)
        return rows * (10 * MM + 1.6 * size + 11 + 3 * MM)


def texts_of(rows: Sequence[Sequence[Cell]]) -> list[str]:
    return [c.text for row in rows for c in row]


def check_code(digest: str) -> str:
    """The 核验码 of closed minutes: the first 16 characters of their content hash, in groups of four
    (3F2A-9C1B-77D0-12AB), as on a posted notice."""
    code = "".join(c for c in digest if c.isalnum())[:16].upper()
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))

