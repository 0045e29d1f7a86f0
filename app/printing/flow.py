"""Pages that fill from the top: the one layout engine every flowing printout is built on.

A :class:`Flow` holds the geometry of one printout (paper, orientation, margins), a
:class:`~app.printing.metrics.Metrics` that has checked every character against the fonts, and the
pages laid out so far as drawing operations (app.printing.ops). A printout calls its primitives in
reading order: lines of text, paragraphs, a balanced title, tables that split across pages with
their header repeated, and finally :meth:`Flow.finish`, which numbers the pages (第 x 页 / 共 y 页)
through the printout's own footer. Notices, the feedback list and finance statements, the
certificate register, minutes, sign-in and tally sheets, and the township's reports all come out
of it; a certificate, a single fixed page, uses the same measuring and drawing operations.

Text is never made smaller to fit: what does not fit goes on the next page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.i18n import _
from app.printing.fonts import PRIMARY_FONT
from app.printing.metrics import Metrics
from app.printing.ops import Line, Op, Page, Rect, Text
from app.printing.pages import MM, LayoutError, page_label, page_size, scale
from app.printing.tables import PrintedTable
from app.printing.titles import balanced_lines

GRAY_TEXT = 0.3
GRAY_RULE = 0.45
HEADER_FILL = 0.88


def baseline(top: float, leading: float, size: float) -> float:
    """The baseline that centres a CJK glyph (about -0.12 to 0.88 em) in a line box hanging from ``top``."""
    return top - leading / 2 - 0.38 * size


@dataclass(frozen=True)
class TableStyle:
    """Sizes of a table on A4, in points; a Flow on A3 scales them with the paper."""

    size: float = 16.0
    title_size: float = 17.0
    leading: float = 1.3
    pad_x: float = 5.0
    pad_y: float = 3.0
    header_fill: float = HEADER_FILL
    keep_whole: float = 8.0
    """Short cells up to this many characters stay on one line while the page has room (第一村民小组, 发包及上交收入)."""
    empty: str = ""
    """What a table without rows shows in its one row; "" prints (无)."""


class Flow:
    """One printout being laid out, page after page."""

    def __init__(self, metrics: Metrics, *, paper: str = "a4", landscape: bool = False,
                 margin_side: float = 15 * MM, margin_top: float = 11 * MM, margin_bottom: float = 9 * MM,
                 body_size: float = 16.0, body_leading: float = 1.6) -> None:
        self.m = metrics
        self.paper = paper.lower()
        self.landscape = landscape
        self.w, self.h = page_size(self.paper, landscape)
        s = self.s = scale(self.paper)
        self.left = margin_side * s
        self.right = self.w - margin_side * s
        self.width = self.right - self.left
        self.margin_top = margin_top * s
        self.margin_bottom = margin_bottom * s
        self.frame: list[Op] = []
        """Operations drawn on every page (a running header, a draft banner)."""
        self.top = self.h - self.margin_top
        self.bottom = self.margin_bottom
        self.pages: list[list[Op]] = [[]]
        self.y = self.top
        self.body_size = body_size * s
        self.body_leading = body_leading * self.body_size

    # ------------------------------------------------ the page

    @property
    def ops(self) -> list[Op]:
        """The current page's operations."""
        return self.pages[-1]

    def set_top(self, top: float) -> None:
        """Content starts at ``top`` on every page (under a header drawn into :attr:`frame`)."""
        self.top = top
        if not any(self.pages[-1]) and len(self.pages) == 1:
            self.y = top

    def set_bottom(self, bottom: float) -> None:
        """Content stays above ``bottom`` on every page (over the footer)."""
        self.bottom = bottom

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def fits(self, height: float) -> bool:
        return self.y - height >= self.bottom - 0.01

    def need(self, height: float) -> None:
        """A new page unless ``height`` fits on this one (and this page has content)."""
        if not self.fits(height) and self.y < self.top - 0.01:
            self.new_page()

    def space(self, height: float) -> None:
        """Vertical space, none at the top of a page."""
        if self.y < self.top:
            self.y = max(self.y - height, self.bottom)

    # ------------------------------------------------ text

    def put(self, ops: list[Op], x: float, y: float, text: str, size: float, width: float | None = None,
            bold: bool = False, gray: float = 0.0) -> float:
        """Emit ``text`` with its baseline at (x, y) as runs of one font each; returns the x where it ends."""
        m = self.m
        if width is None:
            width = m.width(text, size)
        if not m.fallback or m.fallback.keys().isdisjoint(text):
            ops.append(Text(x, y, text, size, PRIMARY_FONT, width, bold, gray))
            return x + width
        for font, part in m.runs(text):
            w = m.width(part, size)
            ops.append(Text(x, y, part, size, font, w, bold, gray))
            x += w
        return x

    def lines(self, lines: Sequence[str], size: float, leading: float, *, align: str = "left", indent: float = 0.0,
              first_indent: float | None = None, bold: bool = False, gray: float = 0.0) -> None:
        """Lines of text, each on the page where it fits; ``align`` is left, centre or right."""
        for i, line in enumerate(lines):
            if not self.fits(leading):
                self.new_page()
            w = self.m.width(line, size)
            if align == "centre":
                x = self.left + (self.width - w) / 2
            elif align == "right":
                x = self.right - indent - w
            else:
                x = self.left + (first_indent if i == 0 and first_indent is not None else indent)
            self.put(self.ops, x, baseline(self.y, leading, size), line, size, w, bold, gray)
            self.y -= leading

    def paragraph(self, text: str, *, size: float | None = None, leading: float | None = None,
                  first_indent: float | None = None, indent: float = 0.0, bold: bool = False,
                  after: float | None = None) -> None:
        """A paragraph wrapped to the page width; the first line indented two characters unless told."""
        size = size or self.body_size
        leading = leading or 1.6 * size
        first = 2 * size if first_indent is None else first_indent
        width = self.width - indent
        lines = self.m.wrap(text, size, width, width - (first - indent)) if text else [""]
        self.lines(lines, size, leading, indent=indent, first_indent=first, bold=bold)
        self.y -= 0.3 * size if after is None else after

    def heading(self, text: str, size: float, *, leading: float | None = None, keep_with: float | None = None,
                align: str = "left") -> None:
        """A heading, never left alone at the foot of a page: ``keep_with`` of what follows goes with it."""
        leading = leading or 1.5 * size
        lines = self.m.wrap(text, size, self.width)
        self.need(len(lines) * leading + (self.body_leading if keep_with is None else keep_with))
        self.lines(lines, size, leading, align=align, bold=True)

    def title(self, text: str, size: float, *, leading: float | None = None) -> None:
        """A centred title; one that needs two or more lines is split into even lines at word boundaries."""
        leading = leading or 1.3 * size
        lines = balanced_lines(self.m, text, size, self.width)
        self.need(len(lines) * leading + self.body_leading)
        self.lines(lines, size, leading, align="centre", bold=True)

    # ------------------------------------------------ tables

    def table(self, t: PrintedTable, style: TableStyle | None = None, *, widths: Sequence[float] | None = None,
              name: str = "") -> None:
        """``t`` as a ruled table: split across pages between rows, the header (and the title, marked 续)
        repeated on every page, a row taller than a page continued on the next.

        Column widths come from the measured widest cell (:func:`column_widths`) unless given.
        Raises :class:`~app.printing.pages.LayoutError` when the columns cannot fit the paper.
        """
        st = style or TableStyle()
        s, m = self.s, self.m
        size = st.size * s
        leading = st.leading * size
        padx, pady = st.pad_x * s, st.pad_y * s
        ncol = len(t.columns)
        if not ncol:
            return
        label = t.title or name
        rows = [list(r) + [""] * (ncol - len(r)) for r in t.rows]
        if not rows and not t.total:
            rows = [[st.empty or _("(无)")] + [""] * (ncol - 1)]
        width = m.width
        measured = [[width(v, size) for v in col] for col in zip(*rows)] if rows else [[] for _c in t.columns]
        total_w = [width(v, size) for v in t.total] if t.total else None
        head_w = [width(v, size) for v in t.columns]
        if widths is None:
            widths = column_widths(m, t, rows, measured, total_w, head_w, size, padx, self.width,
                                   keep_whole=st.keep_whole, label=label)
        xs = [self.left]
        for w in widths:
            xs.append(xs[-1] + w)
        inner = [w - 2 * padx for w in widths]
        numeric = [c in t.numeric for c in range(ncol)]
        table_right = xs[-1]
        grid = 0.5 * s

        def prepare(values: Sequence[str], ws: Sequence[float]) -> tuple[list[list[str]], list[list[float]], int]:
            lines: list[list[str]] = []
            line_w: list[list[float]] = []
            most = 1
            for c in range(ncol):
                if ws[c] <= inner[c] + 0.01:
                    lines.append([values[c]])
                    line_w.append([ws[c]])
                else:
                    cut = m.wrap(values[c], size, inner[c])
                    lines.append(cut)
                    line_w.append([width(line, size) for line in cut])
                    most = max(most, len(cut))
            return lines, line_w, most

        def emit(lines: list[list[str]], line_w: list[list[float]], top: float, bold: bool,
                 centre: bool = False) -> None:
            ops = self.ops
            first = baseline(top - pady, leading, size)
            for c in range(ncol):
                base = first
                for line, w in zip(lines[c], line_w[c]):
                    if line:
                        if centre:
                            x = (xs[c] + xs[c + 1] - w) / 2
                        elif numeric[c]:
                            x = xs[c + 1] - padx - w
                        else:
                            x = xs[c] + padx
                        self.put(ops, x, base, line, size, w, bold)
                    base -= leading

        head_lines, head_line_w, head_n = prepare(t.columns, head_w)
        head_h = head_n * leading + 2 * pady
        title_size = st.title_size * s
        title_leading = 1.45 * title_size
        block: list[tuple[float, float]] = []  # row boundaries on this page: (y, line width)

        def start(continued: bool) -> None:
            if t.title:
                title = _("{title}(续)").format(title=t.title) if continued else t.title
                self.lines(m.wrap(title, title_size, self.width), title_size, title_leading, bold=True)
            self.ops.append(Rect(self.left, self.y - head_h, table_right - self.left, head_h, st.header_fill))
            emit(head_lines, head_line_w, self.y, True, centre=True)
            block[:] = [(self.y, grid)]
            self.y -= head_h
            block.append((self.y, grid))

        def close() -> None:
            ops = self.ops
            for y, w in block:
                ops.append(Line(self.left, y, table_right, y, w, GRAY_TEXT))
            top, bottom = block[0][0], block[-1][0]
            for x in xs:
                ops.append(Line(x, top, x, bottom, grid, GRAY_TEXT))

        def restart() -> None:
            close()
            self.new_page()
            start(True)

        entries = [(row, [col[r] for col in measured], False) for r, row in enumerate(rows)]
        if t.total and total_w is not None:
            entries.append((t.total, total_w, True))
        title_h = len(m.wrap(t.title, title_size, self.width)) * title_leading if t.title else 0.0
        first_h = prepare(*entries[0][:2])[2] * leading + 2 * pady
        # a table title and header are never left at the foot of a page without a row under them
        if not self.fits(title_h + head_h + min(first_h, leading + 2 * pady)):
            self.new_page()
        start(False)
        for values, ws, bold in entries:
            lines, line_w, n = prepare(values, ws)
            height = n * leading + 2 * pady
            if bold:
                block[-1] = (block[-1][0], 2.5 * grid)
            if not self.fits(height) and len(block) > 2:
                restart()
            while not self.fits(height):
                # a row taller than a whole page continues on the next one
                k = int((self.y - self.bottom - 2 * pady) // leading)
                if k < 1:
                    raise LayoutError(_("表格“{table}”的表头太高,一页纸放不下。请缩短表头文字。").format(
                        table=label))
                emit([c[:k] for c in lines], [c[:k] for c in line_w], self.y, bold)
                self.y -= k * leading + 2 * pady
                block.append((self.y, grid))
                restart()
                lines, line_w = [c[k:] for c in lines], [c[k:] for c in line_w]
                n = max(1, max(len(c) for c in lines))
                height = n * leading + 2 * pady
            emit(lines, line_w, self.y, bold)
            self.y -= height
            block.append((self.y, grid))
        close()

    # ------------------------------------------------ the end

    def page_number(self, ops: list[Op], number: int, total: int, y: float, size: float, *,
                    x: float | None = None, bold: bool = True) -> None:
        """第 x 页 / 共 y 页 centred on the page (or from ``x``), its line box's top at ``y``."""
        label = page_label(number, total)
        w = self.m.width(label, size)
        self.put(ops, (self.w - w) / 2 if x is None else x, baseline(y, 1.4 * size, size), label, size, w, bold)

    def finish(self, footer: Callable[[list[Op], int, int], None] | None = None) -> list[Page]:
        """The pages: the frame, each page's content and its footer (given page number and count)."""
        if len(self.pages) > 1 and not self.pages[-1]:
            self.pages.pop()
        total = len(self.pages)
        body = (self.left, self.bottom, self.right, self.top)
        result = []
        for number, content in enumerate(self.pages, start=1):
            tail: list[Op] = []
            if footer is not None:
                footer(tail, number, total)
            result.append(Page(self.w, self.h, number, total, (*self.frame, *content, *tail), body))
        return result


def page_texts(label: str) -> list[str]:
    """Every string :meth:`Flow.finish`'s page numbers can print, for a Metrics check up front."""
    return [label, page_label(0, 0), "0123456789"]


# ---------------------------------------------------------------- column widths


def column_widths(m: Metrics, t: PrintedTable, rows: list[list[str]], measured: list[list[float]],
                  total_w: list[float] | None, head_w: list[float], size: float, padx: float, room: float, *,
                  keep_whole: float = 8.0, label: str = "") -> list[float]:
    """Each column as wide as its widest cell when the page has room; otherwise as narrow as its longest
    word or number allows, short cells (up to ``keep_whole`` characters) kept on one line, then the room
    left given out a character at a time where it saves the most printed lines. Numbers, dates and the
    ``unbroken`` columns (ID numbers, serials) are never cut.
    """
    ncol = len(t.columns)
    natural = [max(max(measured[c], default=0.0), total_w[c] if total_w else 0.0, head_w[c]) + 2 * padx
               for c in range(ncol)]
    if sum(natural) <= room:
        extra = (room - sum(natural)) / ncol
        return [w + extra for w in natural]
    mins = []
    for c in range(ncol):
        head = t.columns[c]
        head_min = max(m.longest_unit(head, size), m.width(head[:2], size))
        if c in t.numeric or c in t.unbroken:
            # an amount, an ID number or a serial is never cut; its heading may wrap
            values_w = max(max(measured[c], default=0.0), total_w[c] if total_w else 0.0)
            mins.append(min(max(values_w, head_min) + 2 * padx, natural[c]))
            continue
        values = {row[c] for row in rows}
        if t.total:
            values.add(t.total[c])
        # a word longer than a good part of the page is cut rather than refuse the table
        longest = min(max((m.longest_unit(v, size) for v in values), default=0.0), 0.4 * room)
        mins.append(min(max(longest, head_min) + 2 * padx, natural[c]))
    if sum(mins) > room + 0.01:
        raise LayoutError(
            _("表格“{table}”有 {columns} 列,在这种纸上排不下。请改用横向或 A3 纸打印,或减少列数。").format(
                table=label, columns=ncol))
    # names, groups and categories (第一村民小组) stay whole while the page has room
    soft = list(mins)
    for c in range(ncol):
        if c not in t.numeric and measured[c]:
            # the widest of the column's short cells: every one of them then fits on a line
            short = max((w for w in measured[c] if w <= keep_whole * size + 0.01), default=0.0)
            soft[c] = max(mins[c], short + 2 * padx,
                          min(head_w[c], 4 * size) + 2 * padx)
            soft[c] = min(soft[c], natural[c])
    if sum(soft) <= room:
        mins = soft
    widths = _share_room(room, mins, natural, measured, head_w, total_w, size, padx)
    return _whole_characters(widths, natural, mins, size, padx, t.numeric | t.unbroken)


def _share_room(width: float, mins: list[float], natural: list[float], measured: list[list[float]],
                head_w: list[float], total_w: list[float] | None, size: float, padx: float) -> list[float]:
    """Widths from ``mins`` up, one character's width at a time to the column where it saves the most lines.

    Lines are counted on up to about 120 rows spread through the table, the header row
    weighing as much as the pages it is printed on; a row is as tall as its tallest cell,
    so widening a column only helps where that column is the tallest.
    """
    ncol = len(mins)
    count = len(measured[0]) if measured else 0
    step = max(1, count // 120)
    sample = [[measured[c][r] for c in range(ncol)] for r in range(0, count, step)]
    weights = [1.0] * len(sample)
    sample.append(head_w)
    weights.append(max(1.0, count / 25))
    if total_w:
        sample.append(total_w)
        weights.append(1.0)
    pad = 2 * padx

    def lines(w: float, column: float) -> int:
        inner = column - pad
        if w <= inner + 0.01:
            return 1
        # Chinese wraps whole characters: a line holds what fits of them, not the full width
        return math.ceil(w / max(math.floor(inner / size + 1e-6) * size, size) - 1e-9)

    widths = list(mins)
    room = width - sum(widths)
    now = [[lines(row[c], widths[c]) for c in range(ncol)] for row in sample]
    while room > 0.5:
        best, gain_best, best_w = -1, 0.0, 0.0
        for c in range(ncol):
            wider = min(widths[c] + size, natural[c], widths[c] + room)
            if wider <= widths[c] + 0.01:
                continue
            gain = 0.0
            for i, row in enumerate(sample):
                old = now[i][c]
                if old == 1:
                    continue
                new = lines(row[c], wider)
                if new < old:
                    others = max((now[i][k] for k in range(ncol) if k != c), default=1)
                    gain += weights[i] * (max(old, others) - max(new, others))
            if gain > gain_best:
                best, gain_best, best_w = c, gain, wider
        if best < 0:
            break
        room -= best_w - widths[best]
        widths[best] = best_w
        for i, row in enumerate(sample):
            now[i][best] = lines(row[best], best_w)
    # what no single character saves is shared by what each column still lacks
    need = [max(0.0, n - w) for n, w in zip(natural, widths)]
    if room > 0.01 and sum(need) > 0:
        share = min(1.0, room / sum(need))
        widths = [w + nd * share for w, nd in zip(widths, need)]
    return widths


def _whole_characters(widths: list[float], natural: list[float], mins: list[float], size: float, padx: float,
                      fixed: frozenset[int]) -> list[float]:
    """Wrapped text columns cut to whole characters; the room saved goes to the column that wraps most.

    Chinese wraps a character at a time, so a column a little wider than seven characters
    still holds seven; pooling those slivers often gives another column one more character.
    """
    result = list(widths)
    wrapping = [c for c in range(len(result)) if c not in fixed and result[c] < natural[c] - 0.01]
    if not wrapping:
        return result
    freed = 0.0
    for c in wrapping:
        inner = result[c] - 2 * padx
        snapped = max(math.floor(inner / size + 1e-6) * size, mins[c] - 2 * padx)
        if snapped < inner:
            freed += inner - snapped
            result[c] = snapped + 2 * padx
    while freed >= size - 1e-6:
        c = max(wrapping, key=lambda col: natural[col] - result[col])
        give = min(size, natural[c] - result[c])
        if give <= 0.01:
            break
        result[c] += give
        freed -= give
    return [w + freed / len(result) for w in result]
