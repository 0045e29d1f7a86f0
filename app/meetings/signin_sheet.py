"""The sign-in sheet (签到表): expected attendees by villager group, with a blank signature column.

A villagers' meeting has a couple of thousand adults, so the sheet is laid out here directly
as drawing operations with fixed column positions and written by the notice printer's painter
(``app.printing.pdf.draw_pages``): no platypus table of 2,000 rows. A group that fits on
one page is never split; a longer one starts on a new page, so each group's sheets can go to
its own table.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.printing.ops import Line, Page, Rect, Text
# The notice printer's painter writes laid-out pages as PDF content directly, and its binary
# streams skip ReportLab's pure-Python ASCII85 pass; both belong in app.printing when a third
# printout needs them.
from app.printing.pdf import binary_streams, draw_pages
from app.files import replacing
from app.i18n import _
from app.meetings.print_common import (A4_H, A4_W, BODY_SIZE, CELL_SIZE, FOOTER_SIZE, HEADER_SIZE, MARGIN_BOTTOM,
                                       MARGIN_TOP, MARGIN_X, MM, NAME_SIZE, SIGN_ROW_H, WIDTH, _date, _print_date,
                                       _public)
from app.meetings.view import SigninView
from app.printing.metrics import Metrics, clean_line


# ---------------------------------------------------------------- sign-in sheet


@dataclass(frozen=True)
class _Column:
    label: str
    width: float
    size: float
    centre: bool = False


def _signin_columns() -> list[_Column]:
    columns = [_Column(_("序号"), 13 * MM, CELL_SIZE, True), _Column(_("姓名"), 34 * MM, NAME_SIZE),
               _Column(_("职务/身份"), 32 * MM, CELL_SIZE), _Column(_("户号"), 20 * MM, CELL_SIZE, True)]
    return columns + [_Column(_("签名"), WIDTH - sum(c.width for c in columns), CELL_SIZE, True)]


def _baseline(top: float, height: float, size: float) -> float:
    """The baseline that centres a CJK glyph (about -0.12 to 0.88 em) in a box hanging from ``top``."""
    return top - height / 2 - 0.38 * size


class _SigninPages:
    """The sign-in sheet as pages of drawing operations: every position computed here, once."""

    HEAD_H = 8 * MM
    GROUP_H = 10 * MM

    def __init__(self, view: SigninView, glyphs: Metrics) -> None:
        self.view = view
        self.g = glyphs
        self.columns = _signin_columns()
        self.xs = [MARGIN_X]
        for column in self.columns:
            self.xs.append(self.xs[-1] + column.width)
        self.bottom = MARGIN_BOTTOM + 2 * FOOTER_SIZE + 14
        self.pages: list[list[Any]] = []
        self.ops: list[Any] = []
        self.y = 0.0
        self.content_top = 0.0
        self.rows: list[float] = []  # row boundaries of the table on this page
        self.fit: dict[tuple[str, int], tuple[float, list[str]]] = {}

    # ------------------------------------------------ primitives

    def text(self, x: float, y: float, text: str, size: float, gray: float = 0.0, bold: bool = False,
             width: float | None = None) -> float:
        g = self.g
        if width is None:
            width = g.width(text, size)
        runs = g.runs(text)
        if len(runs) == 1:
            self.ops.append(Text(x, y, text, size, runs[0][0], width, bold, gray))
            return x + width
        for font, part in runs:
            w = g.width(part, size)
            self.ops.append(Text(x, y, part, size, font, w, bold, gray))
            x += w
        return x

    def centred(self, y: float, text: str, size: float, gray: float = 0.0, bold: bool = False) -> None:
        w = self.g.width(text, size)
        self.text((A4_W - w) / 2, y, text, size, gray, bold, w)

    def new_page(self) -> None:
        self.close_table()
        self.ops = []
        self.pages.append(self.ops)
        self.y = A4_H - MARGIN_TOP
        if len(self.pages) == 1:
            self.first_header()
        else:
            self.running_header()
        self.content_top = self.y

    def fits(self, height: float) -> bool:
        return self.y - height >= self.bottom - 0.01

    # ------------------------------------------------ headers

    def first_header(self) -> None:
        view = self.view
        kicker = " ".join(p for p in (clean_line(view.village_name), clean_line(view.kind_label)) if p)
        self.centred(_baseline(self.y, 20, 14), kicker, 14, gray=0.3)
        self.y -= 20
        for line in self.wrap(clean_line(view.title), 20, WIDTH):
            self.centred(_baseline(self.y, 28, 20), line, 20, bold=True)
            self.y -= 28
        self.centred(_baseline(self.y, 30, 20), _("签 到 表"), 20, bold=True)
        self.y -= 34
        facts = [_("时间:{date} {time}").format(date=_date(view.date), time=_public(view.time_text)).strip(),
                 _("地点:{place}").format(place=_public(view.place)),
                 _("应到 {n} 人").format(n=view.members)]
        for line in self.flow(facts, BODY_SIZE):
            self.text(MARGIN_X, _baseline(self.y, 20, BODY_SIZE), line, BODY_SIZE)
            self.y -= 20
        self.y -= 4

    def running_header(self) -> None:
        view = self.view
        parts = [clean_line(view.village_name), clean_line(view.kind_label), clean_line(view.title), _("签到表(续)")]
        line = self.wrap(" ".join(p for p in parts if p), HEADER_SIZE, WIDTH)[0]
        self.text(MARGIN_X, _baseline(self.y, 16, HEADER_SIZE), line, HEADER_SIZE, gray=0.3)
        self.y -= 18
        self.ops.append(Line(MARGIN_X, self.y, A4_W - MARGIN_X, self.y, 0.6, 0.45))
        self.y -= 6

    def flow(self, items: list[str], size: float) -> list[str]:
        """Items joined on a line with wide gaps, as many lines as they need."""
        lines: list[str] = []
        gap = "    "
        for item in items:
            if lines and self.g.width(lines[-1] + gap + item, size) <= WIDTH:
                lines[-1] += gap + item
            else:
                lines += self.wrap(item, size, WIDTH)
        return lines

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        lines = [""]
        for char in text:
            if lines[-1] and self.g.width(lines[-1] + char, size) > width:
                lines.append("")
            lines[-1] += char
        return lines

    # ------------------------------------------------ the table

    def group(self, name: str, people: Sequence[Any]) -> None:
        rows = len(people)
        if not self.pages:
            self.new_page()
        elif self.y < self.content_top - 0.01 and not self.fits(self.GROUP_H + self.HEAD_H + rows * SIGN_ROW_H):
            # a group that fits a page is not split over two, and a long one starts its own sheets,
            # so each group's pages can be handed to the table where that group signs in
            self.new_page()
        self.group_heading(name, rows, continued=False)
        for number, person in enumerate(people, start=1):
            if not self.fits(SIGN_ROW_H):
                self.new_page()
                self.group_heading(name, rows, continued=True)
            self.row(number, person)
        self.close_table()

    def group_heading(self, name: str, count: int, continued: bool) -> None:
        label = clean_line(name) or _("其他参会人员")
        text = _("{group}(续)").format(group=label) if continued else _("{group}(共 {n} 人)").format(
            group=label, n=count)
        self.text(MARGIN_X, _baseline(self.y, self.GROUP_H, 15), text, 15, bold=True)
        self.y -= self.GROUP_H
        self.ops.append(Rect(MARGIN_X, self.y - self.HEAD_H, WIDTH, self.HEAD_H, 0.88))
        base = _baseline(self.y, self.HEAD_H, CELL_SIZE)
        for column, left, right in zip(self.columns, self.xs, self.xs[1:]):
            w = self.g.width(column.label, CELL_SIZE)
            self.text((left + right - w) / 2, base, column.label, CELL_SIZE, width=w, bold=True)
        self.rows = [self.y]
        self.y -= self.HEAD_H
        self.rows.append(self.y)

    def row(self, number: int, person: Any) -> None:
        values = (str(number), clean_line(person.name), clean_line(person.role_text), clean_line(person.household))
        top = self.y
        for c, value in enumerate(values):
            if not value:
                continue
            column = self.columns[c]
            size, lines = self.fitted(value, c)
            leading = size * 1.15
            base = _baseline(top + (len(lines) - 1) * leading / 2, SIGN_ROW_H, size)
            for line in lines:
                w = self.g.width(line, size)
                x = (self.xs[c] + self.xs[c + 1] - w) / 2 if column.centre else self.xs[c] + 5
                self.text(x, base, line, size, width=w)
                base -= leading
        self.y -= SIGN_ROW_H
        self.rows.append(self.y)

    def fitted(self, text: str, column: int) -> tuple[float, list[str]]:
        """A cell's size and lines: the column's size if it fits, smaller if not, two lines at the last."""
        key = (text, column)
        known = self.fit.get(key)
        if known is None:
            room = self.columns[column].width - 10
            size = self.columns[column].size
            while size > 10 and self.g.width(text, size) > room:
                size -= 0.5
            lines = [text] if self.g.width(text, size) <= room else self.wrap(text, size, room)[:2]
            known = self.fit[key] = (size, lines)
        return known

    def close_table(self) -> None:
        if len(self.rows) < 2:
            self.rows = []
            return
        top, bottom = self.rows[0], self.rows[-1]
        for y in self.rows:
            self.ops.append(Line(MARGIN_X, y, A4_W - MARGIN_X, y, 0.5, 0.3))
        for x in self.xs:
            self.ops.append(Line(x, top, x, bottom, 0.5, 0.3))
        self.rows = []

    # ------------------------------------------------ end

    def summary(self) -> None:
        text = _("应到 {n} 人    实到 ______ 人    统计人:____________").format(n=self.view.members)
        if not self.fits(16 * MM):
            self.new_page()
        self.y -= 8 * MM
        self.text(MARGIN_X, _baseline(self.y, 20, BODY_SIZE), text, BODY_SIZE)

    def finish(self) -> list[Page]:
        self.close_table()
        total = len(self.pages)
        left_text = _("本页实到 ______ 人")
        right_text = _print_date(self.view.print_date)
        result = []
        for number, ops in enumerate(self.pages, start=1):
            self.ops = ops
            top = MARGIN_BOTTOM + 2 * FOOTER_SIZE + 6
            ops.append(Line(MARGIN_X, top, A4_W - MARGIN_X, top, 0.6, 0.45))
            base = top - 12 - 4
            self.text(MARGIN_X, base, left_text, CELL_SIZE)
            w = self.g.width(right_text, FOOTER_SIZE)
            self.text(A4_W - MARGIN_X - w, base, right_text, FOOTER_SIZE, gray=0.3, width=w)
            label = _("第 {page} 页 / 共 {total} 页").format(page=number, total=total)
            self.centred(base, label, 11.5)
            result.append(Page(A4_W, A4_H, number, total, tuple(ops),
                               (MARGIN_X, self.bottom, A4_W - MARGIN_X, A4_H - MARGIN_TOP)))
        return result


def _signin_texts(view: SigninView) -> Iterable[str]:
    yield from (clean_line(view.village_name), clean_line(view.kind_label), clean_line(view.title), _public(view.time_text),
                _public(view.place), _("签到表(续)"), _("本页实到 ______ 人"), _print_date(view.print_date),
                _date(view.date), "0123456789")
    yield from (c.label for c in _signin_columns())
    for group in view.groups:
        yield clean_line(group.name)
        for person in group.people:
            yield clean_line(person.name)
            yield clean_line(person.role_text)
            yield clean_line(person.household)


def layout_signin_sheet(view: SigninView) -> list[Page]:
    """The pages of the sign-in sheet as drawing operations (for the PDF and a preview).

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped
    font has, before anything is laid out.
    """
    pages = _SigninPages(view, Metrics(_signin_texts(view)))
    for group in view.groups:
        if group.people:
            pages.group(group.name, group.people)
    if not pages.pages:
        pages.new_page()
    pages.summary()
    return pages.finish()


def render_signin_sheet(view: SigninView, out: Path) -> int:
    """Print the sign-in sheet (签到表) to the PDF ``out``; returns the number of pages written.

    One table per villager group, its header repeated on every page, rows tall enough to
    sign by hand. Raises :class:`~app.printing.fonts.MissingGlyphError` with ``out`` left as
    it was when a character is in no shipped font.
    """
    from reportlab.pdfgen.canvas import Canvas

    pages = layout_signin_sheet(view)
    with replacing(Path(out)) as tmp:
        canvas = Canvas(str(tmp), pagesize=(A4_W, A4_H), pageCompression=1)
        canvas.setTitle(_("{title} 签到表").format(title=clean_line(view.title)))
        canvas.setCreator(_("村务"))
        draw_pages(canvas, pages)
        with binary_streams():
            canvas.save()
    return len(pages)


