"""The printed pages of a notice as drawing operations: one layout for the PDF and the on-screen preview.

Everything a person sees on a printed notice comes out of :func:`layout_notice`, so the
PDF (app/disclosure/printing.py) and the preview the editor paints with QPainter are
the same page. Coordinates are PDF points (1/72 inch) with the origin at the bottom-left
corner of the page and y growing upwards; a :class:`Text` starts its baseline at (x, y).
A QPainter backend flips y (``height - y``).

Before anything is laid out, every string passes through ``app.masking.mask_text`` (names
stay, ID numbers, phones and bank accounts are masked) and every character is checked
against the shipped fonts: every :class:`Text` is a run in one font that has all its
characters, so a painter never meets a character its font lacks, and a character no font
has stops the layout with :class:`~app.printing.fonts.MissingGlyphError` naming it.

The footer of every page carries the posting period, reviewers, hotline, notice number,
print date, event-log head and page x / y, and a QR code with the notice's number and
content hash: a page taken off the board on its own can still be checked.

A notice board is read standing up: the title is 26 pt and the body 14 pt on A4, and A3
is A4 enlarged by √2, everything with it, so an A3 notice breaks its pages where the
A4 one does. A 2,000-line ledger must print in a moment, so tables are laid out here
directly (no platypus) and each string is measured once.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from app.errors import UserError
from app.disclosure.view import BULLET_PREFIX, HEADING_PREFIX, NoticeTable, NoticeView
from app.i18n import _
from app.masking import mask_text
from app.printing.fonts import PRIMARY_FONT
from app.printing.metrics import INVISIBLE, Metrics
from app.printing.ops import QR_QUIET, Line, Op, Page, Qr, Rect, Text, qr_modules  # noqa: F401 - the ops a notice is drawn with

MM = 72 / 25.4
PAPER_SIZES: dict[str, tuple[float, float]] = {"a4": (210 * MM, 297 * MM), "a3": (297 * MM, 420 * MM)}
SCALES: dict[str, float] = {"a4": 1.0, "a3": math.sqrt(2)}
"""A3 is A4 enlarged by √2 in both directions; type, margins and the QR code grow with it."""

# Sizes on A4, in points; multiplied by the paper's scale.
MARGIN_SIDE = 15 * MM
MARGIN_TOP = 11 * MM
MARGIN_BOTTOM = 9 * MM
HEADER_SIZE = 11.0
TITLE_SIZE = 26.0
BODY_SIZE = 14.0
HEADING_SIZE = 17.0
TABLE_TITLE_SIZE = 16.0
TABLE_SIZE = 14.0
FOOTER_SIZE = 11.0
BANNER_SIZE = 16.0
QR_SIZE = 24 * MM
"""With its quiet zone; a notice's payload makes a 33-module code, about 0.6 mm a module."""
CELL_PAD_X = 5.0
CELL_PAD_Y = 3.0

GRAY_TEXT = 0.3
GRAY_RULE = 0.45
HEADER_FILL = 0.88
BANNER_FILL = 0.92



class NoticeLayoutError(UserError, ValueError):
    """The notice cannot be laid out on the chosen paper; the message says what to change."""


def _clean(text: str) -> str:
    """One line of printable text: tabs become spaces, control and invisible characters go."""
    return INVISIBLE.sub("", text.replace("\t", " ")).rstrip()


def _one_line(text: str) -> str:
    return _clean(" ".join(text.splitlines()))


def category_label(category: str) -> str:
    """'财务' is printed '财务公开', as the boards are titled."""
    if category in (_("党务"), _("村务"), _("财务")):
        return _("{category}公开").format(category=category)
    return category


def issuing_unit(village_name: str) -> str:
    """Who signs a notice: '柳林村' -> '柳林村村民委员会'."""
    if not village_name or village_name.endswith(_("委员会")):
        return village_name
    if village_name.endswith(_("社区")):
        return village_name + _("居民委员会")
    return village_name + _("村民委员会")


def chinese_date(day: datetime.date) -> str:
    return _("{y}年{m}月{d}日").format(y=day.year, m=day.month, d=day.day)


# ---------------------------------------------------------------- what is printed, masked and cleaned


@dataclass(frozen=True)
class _Content:
    header: str
    number_label: str
    title: str
    corrects: str
    body: list[str]
    tables: list[NoticeTable]
    footer: list[tuple[str, bool]]  # (item, bold)
    signature: list[str]
    draft: bool
    qr: str


def _content(view: NoticeView) -> _Content:
    keep = (view.hotline,) if view.hotline else ()
    cache: dict[str, str] = {}

    def public(text: str) -> str:
        # every string printed goes through the masking net; ledger cells repeat, so each is masked once
        masked = cache.get(text)
        if masked is None:
            masked = cache[text] = mask_text(_clean(text), keep=keep)
        return masked

    printed: dict[str, str] = {}

    def cell(value: object) -> str:
        raw = "" if value is None else str(value)
        text = printed.get(raw)
        if text is None:
            text = printed[raw] = public(_one_line(raw))
        return text

    def cells(row: Sequence[object], table: NoticeTable, where: Callable[[], str]) -> list[str]:
        if len(row) > len(table.columns):
            raise NoticeLayoutError(
                _("表格“{table}”的{where}有 {cells} 格,比表头的 {columns} 列多。请修改表格后再打印。").format(
                    table=table.title, where=where(), cells=len(row), columns=len(table.columns)))
        return [cell(v) for v in row] + [""] * (len(table.columns) - len(row))

    tables = []
    for t in view.tables:
        if not t.columns:
            continue
        rows = [cells(row, t, lambda n=n: _("第 {n} 行").format(n=n)) for n, row in enumerate(t.rows, start=1)]
        total = cells(t.total, t, lambda: _("合计行")) if t.total else None
        tables.append(NoticeTable(public(_one_line(t.title)), [public(_one_line(c)) for c in t.columns], rows,
                                  frozenset(t.numeric), total))

    parts = [public(_one_line(p)) for p in (view.village_name, category_label(view.category), view.period_label)]
    footer: list[tuple[str, bool]] = []
    if view.posted_from:
        if view.posted_until:
            period = _("张贴期 {start} 至 {end}").format(start=view.posted_from.isoformat(),
                                                     end=view.posted_until.isoformat())
        else:
            period = _("张贴期 {start} 起").format(start=view.posted_from.isoformat())
        footer.append((period, False))
    if view.reviewers.strip():
        footer.append((_("监委会审核:{names}").format(names=public(_one_line(view.reviewers))), False))
    if view.hotline.strip():
        footer.append((_("监督电话:{phone}").format(phone=_one_line(view.hotline)), True))
    if view.number.strip():
        footer.append((_("公开编号:{number}").format(number=public(_one_line(view.number))), False))
    if view.print_date:
        footer.append((_("打印日期:{date}").format(date=view.print_date.isoformat()), False))
    if view.chain_head.strip():
        footer.append((_("防篡改链:{head}").format(head=public(_one_line(view.chain_head))), False))
    signed = view.posted_from or view.print_date
    signature = [line for line in (_one_line(issuing_unit(view.village_name)),
                                   chinese_date(signed) if signed else "") if line]
    return _Content(
        header=" · ".join(p for p in parts if p),
        number_label=_("公开编号 {number}").format(number=public(_one_line(view.number))) if view.number else "",
        title=public(_one_line(view.title)),
        corrects=public(_one_line(view.corrects)) if view.corrects.strip() else "",
        body=[public(line) for line in view.body.splitlines()],
        tables=tables, footer=footer, signature=signature, draft=view.draft, qr=view.qr_payload.strip())


def _all_text(c: _Content) -> Iterable[str]:
    yield from (c.header, c.number_label, c.title, c.corrects, *c.body, *c.signature)
    yield from (item for item, _bold in c.footer)
    for t in c.tables:
        yield t.title
        yield from t.columns
        for row in t.rows:
            yield from row
        if t.total:
            yield from t.total


# ---------------------------------------------------------------- pages


def _baseline(top: float, leading: float, size: float) -> float:
    """The baseline that centres a CJK glyph (about -0.12 to 0.88 em) in a line box hanging from ``top``."""
    return top - leading / 2 - 0.38 * size


class _Pages:
    def __init__(self, content: _Content, metrics: Metrics, paper: str, landscape: bool) -> None:
        if paper not in PAPER_SIZES:
            raise NoticeLayoutError(_("纸张只能是 A4 或 A3,现在是“{paper}”。").format(paper=paper))
        self.c = content
        self.m = metrics
        s = self.s = SCALES[paper]
        w, h = PAPER_SIZES[paper]
        self.w, self.h = (h, w) if landscape else (w, h)
        self.left = MARGIN_SIDE * s
        self.right = self.w - MARGIN_SIDE * s
        self.width = self.right - self.left
        self.frame_top: list[Op] = []
        self.top = self._header(self.frame_top)
        self.footer_top = self._footer_height() + MARGIN_BOTTOM * s
        self.bottom = self.footer_top + 8 * s
        self.pages: list[list[Op]] = [[]]
        self.y = self.top
        self.body_size = BODY_SIZE * s
        self.body_leading = 1.6 * self.body_size

    # ------------------------------------------------ primitives

    @property
    def ops(self) -> list[Op]:
        return self.pages[-1]

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.top

    def fits(self, height: float) -> bool:
        return self.y - height >= self.bottom - 0.01

    def space(self, height: float) -> None:
        if self.y < self.top:
            self.y = max(self.y - height, self.bottom)

    def put(self, ops: list[Op], x: float, y: float, text: str, size: float, width: float | None = None,
            bold: bool = False, gray: float = 0.0) -> float:
        """Emit ``text`` as runs of one font each; returns the x where it ends."""
        m = self.m
        if width is None:
            width = m.width(text, size)
        if not m.fallback or m.fallback.keys().isdisjoint(text):
            ops.append(Text(x, y, text, size, PRIMARY_FONT, width, bold, gray))
            return x + width
        for font, part in m.runs(text):
            w = self.m.width(part, size)
            ops.append(Text(x, y, part, size, font, w, bold, gray))
            x += w
        return x

    def lines(self, lines: list[str], size: float, leading: float, *, centre: bool = False, indent: float = 0.0,
              first_indent: float | None = None, bold: bool = False) -> None:
        for i, line in enumerate(lines):
            if not self.fits(leading):
                self.new_page()
            w = self.m.width(line, size)
            if centre:
                x = self.left + (self.width - w) / 2
            else:
                x = self.left + (first_indent if i == 0 and first_indent is not None else indent)
            self.put(self.ops, x, _baseline(self.y, leading, size), line, size, w, bold)
            self.y -= leading

    # ------------------------------------------------ header, banner and footer

    def _header(self, ops: list[Op]) -> float:
        s, size = self.s, HEADER_SIZE * self.s
        leading = 1.35 * size
        right = self.c.number_label
        right_w = self.m.width(right, size) if right else 0.0
        gap = 2 * size if right else 0.0
        y = self.h - MARGIN_TOP * s
        lines = self.m.wrap(self.c.header, size, self.width - right_w - gap) if self.c.header else [""]
        for i, line in enumerate(lines):
            base = _baseline(y, leading, size)
            if line:
                self.put(ops, self.left, base, line, size, gray=GRAY_TEXT)
            if i == 0 and right:
                self.put(ops, self.right - right_w, base, right, size, right_w, gray=GRAY_TEXT)
            y -= leading
        y -= 2 * s
        ops.append(Line(self.left, y, self.right, y, 0.8 * s, GRAY_RULE))
        y -= 6 * s
        if self.c.draft:
            size = BANNER_SIZE * s
            leading = 1.4 * size
            pad = 5 * s
            text = _("草稿(未公开):尚未张贴公开,不得作为公开依据")
            lines = self.m.wrap(text, size, self.width - 4 * pad)
            height = len(lines) * leading + 2 * pad
            ops.append(Rect(self.left, y - height, self.width, height, BANNER_FILL, 0.0, 1.5 * s))
            line_top = y - pad
            for line in lines:
                w = self.m.width(line, size)
                self.put(ops, self.left + (self.width - w) / 2, _baseline(line_top, leading, size), line, size, w,
                         bold=True)
                line_top -= leading
            y -= height + 8 * s
        return y

    def _qr_size(self) -> float:
        return QR_SIZE * self.s if self.c.qr else 0.0

    def _footer_columns(self) -> tuple[float, float]:
        qr = self._qr_size()
        return self.left, self.right - (qr + 6 * self.s if qr else 0.0)

    def _footer_lines(self) -> list[list[tuple[float, str, bool]]]:
        """The footer items flowed into lines: (x offset, text, bold)."""
        size = FOOTER_SIZE * self.s
        left, right = self._footer_columns()
        width = right - left
        gap = 1.5 * size
        lines: list[list[tuple[float, str, bool]]] = [[]]
        used = 0.0
        for item, bold in self.c.footer:
            w = self.m.width(item, size)
            if lines[-1] and used + gap + w > width:
                lines.append([])
                used = 0.0
            if w > width:
                for part in self.m.wrap(item, size, width):
                    if lines[-1]:
                        lines.append([])
                    lines[-1].append((0.0, part, bold))
                lines.append([])
                used = 0.0
                continue
            x = used + gap if lines[-1] else 0.0
            lines[-1].append((x, item, bold))
            used = x + w
        return [line for line in lines if line]

    def _footer_height(self) -> float:
        size = FOOTER_SIZE * self.s
        text = (len(self._footer_lines()) + 1) * 1.4 * size
        return max(text, self._qr_size()) + 6 * self.s

    def footer(self, ops: list[Op], number: int, total: int) -> None:
        s, size = self.s, FOOTER_SIZE * self.s
        leading = 1.4 * size
        top = self.footer_top
        ops.append(Line(self.left, top, self.right, top, 0.8 * s, GRAY_RULE))
        y = top - 6 * s
        left, right = self._footer_columns()
        for line in self._footer_lines():
            base = _baseline(y, leading, size)
            for x, item, bold in line:
                self.put(ops, left + x, base, item, size, bold=bold)
            y -= leading
        label = _("第 {page} 页 / 共 {total} 页").format(page=number, total=total)
        w = self.m.width(label, size)
        x = (self.w - w) / 2
        if x + w > right - size:
            x = left + (right - left - w) / 2
        base = _baseline(MARGIN_BOTTOM * s + leading, leading, size)
        self.put(ops, x, base, label, size, w, bold=True)
        qr = self._qr_size()
        if qr:
            ops.append(Qr(self.right - qr, top - 6 * s - qr, qr, self.c.qr))

    # ------------------------------------------------ body

    def title(self) -> None:
        size = TITLE_SIZE * self.s
        self.lines(self._balanced(self.c.title, size), size, 1.3 * size, centre=True, bold=True)
        self.y -= 0.6 * self.body_size
        if self.c.corrects:
            size = self.body_size
            pad = 5 * self.s
            leading = 1.45 * size
            lines = self.m.wrap(self.c.corrects, size, self.width - 2 * pad - 2 * size)
            height = len(lines) * leading + 2 * pad
            if self.fits(height):
                self.ops.append(Rect(self.left, self.y - height, self.width, height, None, 0.0, 1.2 * self.s))
                self.y -= pad
                self.lines(lines, size, leading, indent=pad + size, bold=True)
                self.y -= pad
            else:
                self.lines(lines, size, leading, bold=True)
            self.y -= 0.6 * size

    def _balanced(self, text: str, size: float) -> list[str]:
        """A long title wrapped into lines of even length, not a full line and a leftover word."""
        lines = self.m.wrap(text, size, self.width)
        if len(lines) < 2:
            return lines
        low, high = self.width / len(lines), self.width
        while high - low > 1:
            middle = (low + high) / 2
            if len(self.m.wrap(text, size, middle)) > len(lines):
                low = middle
            else:
                high = middle
        return self.m.wrap(text, size, high)

    def body(self) -> None:
        size, leading = self.body_size, self.body_leading
        after = 0.3 * size
        for raw in self.c.body:
            text = raw.strip()
            if not text:
                self.space(0.5 * leading)
                continue
            if raw.startswith(HEADING_PREFIX):
                hsize = HEADING_SIZE * self.s
                hleading = 1.5 * hsize
                lines = self.m.wrap(raw[len(HEADING_PREFIX):].strip(), hsize, self.width)
                self.space(0.4 * leading)
                # a heading is never left alone at the foot of a page
                if not self.fits(len(lines) * hleading + leading):
                    self.new_page()
                self.lines(lines, hsize, hleading, bold=True)
            elif raw.startswith(BULLET_PREFIX):
                item = raw[len(BULLET_PREFIX):].strip()
                lines = self.m.wrap(item, size, self.width - 1.5 * size)
                if not self.fits(leading):
                    self.new_page()
                self.put(self.ops, self.left + 0.4 * size, _baseline(self.y, leading, size), "•", size)
                self.lines(lines, size, leading, indent=1.5 * size)
            else:
                self.lines(self.m.wrap(text, size, self.width, self.width - 2 * size), size, leading,
                           first_indent=2 * size)
            self.y -= after

    # ------------------------------------------------ tables

    def table(self, t: NoticeTable) -> None:
        s, m = self.s, self.m
        size = TABLE_SIZE * s
        leading = 1.3 * size
        padx, pady = CELL_PAD_X * s, CELL_PAD_Y * s
        ncol = len(t.columns)
        rows = list(t.rows) if t.rows or t.total else [[_("(无)")] + [""] * (ncol - 1)]
        width = m.width
        measured = [[width(v, size) for v in col] for col in zip(*rows)] if rows else [[] for _c in t.columns]
        total_w = [width(v, size) for v in t.total] if t.total else None
        head_w = [width(v, size) for v in t.columns]
        widths = self._column_widths(t, rows, measured, total_w, head_w, size, padx)
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
                if ws[c] <= inner[c]:
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
            first = _baseline(top - pady, leading, size)
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
        title_size = TABLE_TITLE_SIZE * s
        title_leading = 1.45 * title_size
        block: list[tuple[float, float]] = []  # row boundaries on this page: (y, line width)

        def start(continued: bool) -> None:
            if t.title:
                title = _("{title}(续)").format(title=t.title) if continued else t.title
                self.lines(m.wrap(title, title_size, self.width), title_size, title_leading, bold=True)
            self.ops.append(Rect(self.left, self.y - head_h, table_right - self.left, head_h, HEADER_FILL))
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
        self.space(0.5 * self.body_leading)
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
                    raise NoticeLayoutError(_("表格“{table}”的表头太高,一页纸放不下。请缩短表头文字。").format(
                        table=t.title))
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
        self.y -= 0.3 * self.body_leading

    def _column_widths(self, t: NoticeTable, rows: list[list[str]], measured: list[list[float]],
                       total_w: list[float] | None, head_w: list[float], size: float, padx: float) -> list[float]:
        """Each column as narrow as its longest word or number allows, then the room left given out a
        character at a time where it saves the most printed lines. A number or a date is never cut."""
        m, ncol = self.m, len(t.columns)
        natural = [max(max(measured[c], default=0.0), total_w[c] if total_w else 0.0, head_w[c]) + 2 * padx
                   for c in range(ncol)]
        if sum(natural) <= self.width:
            extra = (self.width - sum(natural)) / ncol
            return [w + extra for w in natural]
        mins = []
        for c in range(ncol):
            head = t.columns[c]
            head_min = max(m.longest_unit(head, size), m.width(head[:2], size))
            if c in t.numeric:
                # an amount is never cut; its heading may wrap
                values_w = max(max(measured[c], default=0.0), total_w[c] if total_w else 0.0)
                mins.append(min(max(values_w, head_min) + 2 * padx, natural[c]))
                continue
            values = {row[c] for row in rows}
            if t.total:
                values.add(t.total[c])
            # a word longer than a good part of the page is cut rather than refuse the table
            longest = min(max((m.longest_unit(v, size) for v in values), default=0.0), 0.4 * self.width)
            mins.append(min(max(longest, head_min) + 2 * padx, natural[c]))
        if sum(mins) > self.width + 0.01:
            raise NoticeLayoutError(
                _("表格“{table}”有 {columns} 列,在这种纸上排不下。请改用横向或 A3 纸打印,或减少列数。").format(
                    table=t.title, columns=ncol))
        # names and categories of up to four characters stay whole while the page has room
        soft = list(mins)
        for c in range(ncol):
            if c not in t.numeric and measured[c]:
                typical = sorted(measured[c])[int(0.9 * (len(measured[c]) - 1))]
                soft[c] = max(mins[c], min(typical, 4 * size) + 2 * padx, min(head_w[c], 4 * size) + 2 * padx)
                soft[c] = min(soft[c], natural[c])
        if sum(soft) <= self.width:
            mins = soft
        widths = _share_room(self.width, mins, natural, measured, head_w, total_w, size, padx)
        return _whole_characters(widths, natural, mins, size, padx, t.numeric)

    def signature(self) -> None:
        if not self.c.signature:
            return
        size, leading = self.body_size, self.body_leading
        self.space(leading)
        if not self.fits(len(self.c.signature) * leading):
            self.new_page()
        for line in self.c.signature:
            w = self.m.width(line, size)
            self.put(self.ops, self.right - 2 * size - w, _baseline(self.y, leading, size), line, size, w)
            self.y -= leading

    def finish(self) -> list[Page]:
        total = len(self.pages)
        body = (self.left, self.bottom, self.right, self.top)
        result = []
        for number, content in enumerate(self.pages, start=1):
            footer: list[Op] = []
            self.footer(footer, number, total)
            result.append(Page(self.w, self.h, number, total, (*self.frame_top, *content, *footer), body))
        return result


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
                      numeric: frozenset[int]) -> list[float]:
    """Wrapped text columns cut to whole characters; the room saved goes to the column that wraps most.

    Chinese wraps a character at a time, so a column a little wider than seven characters
    still holds seven; pooling those slivers often gives another column one more character.
    """
    result = list(widths)
    wrapping = [c for c in range(len(result)) if c not in numeric and result[c] < natural[c] - 0.01]
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


def layout_notice(view: NoticeView, *, paper: str = "a4", landscape: bool = False) -> list[Page]:
    """The printed pages of ``view`` on A4 or A3 paper, portrait or landscape.

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped
    font has, and :class:`NoticeLayoutError` when a table cannot fit the paper; in both cases
    before anything is drawn.
    """
    content = _content(view)
    metrics = Metrics(_all_text(content))
    pages = _Pages(content, metrics, paper.lower(), landscape)
    pages.title()
    pages.body()
    for table in content.tables:
        pages.table(table)
    pages.signature()
    return pages.finish()
