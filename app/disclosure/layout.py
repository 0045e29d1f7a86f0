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

A notice board is read standing up, from two metres: the title is 28 pt and the body and
its tables 16 pt on A4, and A3 is A4 enlarged by √2, everything with it (body 22.6 pt), so
an A3 notice breaks its pages where the A4 one does. Text that does not fit goes on more
pages, never in smaller type. The pages come from app.printing.flow, the one layout engine
of every printout.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from app.disclosure.view import BULLET_PREFIX, HEADING_PREFIX, NoticeTable, NoticeView
from app.i18n import _
from app.masking import mask_text
from app.printing.flow import GRAY_RULE, GRAY_TEXT, Flow, TableStyle, baseline
from app.printing.metrics import INVISIBLE, Metrics
from app.printing.ops import QR_QUIET, Line, Op, Page, Qr, Rect, Text, qr_modules  # noqa: F401 - the ops a notice is drawn with
from app.printing.pages import MM, LayoutError, page_label
from app.printing.titles import balanced_lines

# Sizes on A4, in points; multiplied by the paper's scale.
MARGIN_SIDE = 15 * MM
MARGIN_TOP = 11 * MM
MARGIN_BOTTOM = 9 * MM
HEADER_SIZE = 11.0
TITLE_SIZE = 28.0
BODY_SIZE = 16.0
HEADING_SIZE = 19.0
TABLE_TITLE_SIZE = 17.0
TABLE_SIZE = 16.0
FOOTER_SIZE = 11.0
BANNER_SIZE = 16.0
QR_SIZE = 24 * MM
"""With its quiet zone; a notice's payload makes a 33-module code, about 0.6 mm a module."""
CELL_PAD_X = 5.0
CELL_PAD_Y = 3.0
TABLE_STYLE = TableStyle(size=TABLE_SIZE, title_size=TABLE_TITLE_SIZE, pad_x=CELL_PAD_X, pad_y=CELL_PAD_Y)

BANNER_FILL = 0.92

NoticeLayoutError = LayoutError
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


CHECK_SENTENCE = _("扫二维码或输入核验码,可以查对这份{thing}有没有被改动。")
"""The one sentence under every 核验码, on notices, certificates and minutes alike."""

_HOTLINE = re.compile("[,，]?\\s*或?拨打监督电话")
_OR_CALL = re.compile("[,，]?\\s*或拨打监督电话")


def _hotline(line: str, hotline: str) -> str:
    """'……或拨打监督电话。' with the village's number, or without the phrase when no number is set:
    a villager is never told to call a number the notice does not give."""
    if "拨打监督电话" not in line:
        return line
    phone = _one_line(hotline)
    if phone:
        return _HOTLINE.sub(lambda m: m.group(0) + " " + phone, line)
    # '……反映,或拨打监督电话。' loses its second half; a bare '请拨打监督电话' names who else to turn to
    return _OR_CALL.sub("", line).replace("拨打监督电话", _("向村务监督委员会反映"))


def notice_content(view: NoticeView) -> _Content:
    """What a notice prints, every string through the masking net: its title, body and tables as the page
    shows them (the township's public pages show the same)."""
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
    if view.check_code.strip():
        footer.append((_("核验码:{code}").format(code=_one_line(view.check_code)), True))
        footer.append((CHECK_SENTENCE.format(thing=_("公告")), False))
    signed = view.posted_from or view.print_date
    signature = [line for line in (_one_line(issuing_unit(view.village_name)),
                                   chinese_date(signed) if signed else "") if line]
    return _Content(
        header=" · ".join(p for p in parts if p),
        number_label=_("公开编号 {number}").format(number=public(_one_line(view.number))) if view.number else "",
        title=public(_one_line(view.title)),
        corrects=public(_one_line(view.corrects)) if view.corrects.strip() else "",
        body=[public(_hotline(line, view.hotline)) for line in view.body.splitlines()],
        tables=tables, footer=footer, signature=signature, draft=view.draft, qr=view.qr_payload.strip())


def all_text(c: _Content) -> Iterable[str]:
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


class _Pages(Flow):
    def __init__(self, content: _Content, metrics: Metrics, paper: str, landscape: bool) -> None:
        super().__init__(metrics, paper=paper, landscape=landscape, margin_side=MARGIN_SIDE, margin_top=MARGIN_TOP,
                         margin_bottom=MARGIN_BOTTOM, body_size=BODY_SIZE, body_leading=1.6)
        self.c = content
        self.set_top(self._header(self.frame))
        self.footer_top = self._footer_height() + self.margin_bottom
        self.set_bottom(self.footer_top + 8 * self.s)

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
            base = baseline(y, leading, size)
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
                self.put(ops, self.left + (self.width - w) / 2, baseline(line_top, leading, size), line, size, w,
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
            base = baseline(y, leading, size)
            for x, item, bold in line:
                self.put(ops, left + x, base, item, size, bold=bold)
            y -= leading
        label = page_label(number, total)
        w = self.m.width(label, size)
        x = (self.w - w) / 2
        if x + w > right - size:
            x = left + (right - left - w) / 2
        base = baseline(MARGIN_BOTTOM * s + leading, leading, size)
        self.put(ops, x, base, label, size, w, bold=True)
        qr = self._qr_size()
        if qr:
            ops.append(Qr(self.right - qr, top - 6 * s - qr, qr, self.c.qr))

    # ------------------------------------------------ body

    def title(self) -> None:
        size = TITLE_SIZE * self.s
        self.lines(balanced_lines(self.m, self.c.title, size, self.width), size, 1.3 * size, align="centre", bold=True)
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
                self.put(self.ops, self.left + 0.4 * size, baseline(self.y, leading, size), "•", size)
                self.lines(lines, size, leading, indent=1.5 * size)
            else:
                self.lines(self.m.wrap(text, size, self.width, self.width - 2 * size), size, leading,
                           first_indent=2 * size)
            self.y -= after

    # ------------------------------------------------ tables

    def table(self, t: NoticeTable) -> None:  # type: ignore[override]
        self.space(0.5 * self.body_leading)
        super().table(t, TABLE_STYLE)
        self.y -= 0.3 * self.body_leading

    def signature(self) -> None:
        if not self.c.signature:
            return
        size, leading = self.body_size, self.body_leading
        self.space(leading)
        if not self.fits(len(self.c.signature) * leading):
            self.new_page()
        for line in self.c.signature:
            w = self.m.width(line, size)
            self.put(self.ops, self.right - 2 * size - w, baseline(self.y, leading, size), line, size, w)
            self.y -= leading


def layout_notice(view: NoticeView, *, paper: str = "a4", landscape: bool = False) -> list[Page]:
    """The printed pages of ``view`` on A4 or A3 paper, portrait or landscape.

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped
    font has, and :class:`NoticeLayoutError` when a table cannot fit the paper; in both cases
    before anything is drawn.
    """
    content = notice_content(view)
    metrics = Metrics(all_text(content))
    pages = _Pages(content, metrics, paper.lower(), landscape)
    pages.title()
    pages.body()
    for table in content.tables:
        pages.table(table)
    pages.signature()
    return pages.finish(pages.footer)
