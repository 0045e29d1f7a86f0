"""The sign-in sheet (签到表): expected attendees by villager group, with a blank signature column.

Laid out on app.printing.flow like every printout: one table per villager group, its header
(and the group's name, marked 续) repeated on every page, rows tall enough to sign by hand with
a ballpoint pen. A group that fits on one page is never split; a longer one starts on a new
page, so each group's sheets can go to its own table. Column widths come from the widest name,
role and household number; the signature column gets the rest of the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.meetings.print_common import (BODY_SIZE, FOOTER_SIZE, GRAY, NAME_SIZE, PAGE_NUMBER_SIZE, RULE,
                                       SIGN_ROW_H, MeetingFlow, _date, _print_date, _public)
from app.meetings.view import SigninView
from app.printing.document import Printout
from app.printing.flow import TableStyle, baseline, page_texts
from app.printing.metrics import Metrics, clean_line
from app.printing.ops import Line, Op, Page
from app.printing.pages import MM, page_label
from app.printing.pdf import write_pdf
from app.printing.tables import PrintedTable

GROUP_SIZE = 15.0
LEADING = 1.2
_PAD_Y = (SIGN_ROW_H - LEADING * NAME_SIZE) / 2
TABLE = TableStyle(size=NAME_SIZE, title_size=GROUP_SIZE, leading=LEADING, pad_x=5.0, pad_y=_PAD_Y,
                   header_fill=0.88, keep_whole=8.0)
SIGNATURE_MIN = 70 * MM
"""The signature column is never narrower: a name written by hand."""


def _columns() -> list[str]:
    return [_("序号"), _("姓名"), _("职务/身份"), _("户号"), _("签名")]


def _group_label(name: str) -> str:
    return clean_line(name) or _("其他参会人员")


def _group_title(name: str, count: int) -> str:
    return _("{group}(共 {n} 人)").format(group=_group_label(name), n=count)


def _facts(view: SigninView) -> list[str]:
    return [_("时间:{date} {time}").format(date=_date(view.date), time=_public(view.time_text)).strip(),
            _("地点:{place}").format(place=_public(view.place)), _("应到 {n} 人").format(n=view.members)]


def _running(view: SigninView) -> str:
    parts = [clean_line(view.village_name), clean_line(view.kind_label), clean_line(view.title), _("签到表(续)")]
    return " ".join(p for p in parts if p)


@dataclass(frozen=True)
class _Group(PrintedTable):
    """A group's table: its title (第一村民小组(共 30 人)) and its name alone, for the pages it goes on to."""

    label: str = ""


def _tables(view: SigninView) -> list[_Group]:
    tables = []
    for group in view.groups:
        if not group.people:
            continue
        rows = [[str(n), clean_line(p.name), clean_line(p.role_text), clean_line(p.household), ""]
                for n, p in enumerate(group.people, start=1)]
        tables.append(_Group(_group_title(group.name, len(group.people)), _columns(), rows,
                             numeric=frozenset({0}), unbroken=frozenset({0, 3}), label=_group_label(group.name)))
    return tables


def _signin_texts(view: SigninView, tables: list[_Group]) -> Iterable[str]:
    yield from (clean_line(view.village_name), clean_line(view.kind_label), clean_line(view.title), _running(view),
                _("签 到 表"), _("本页实到 ______ 人"), _print_date(view.print_date), *_facts(view), _summary(view))
    yield from page_texts(_("第 {page} 页 / 共 {total} 页"))
    yield from _columns()
    for table in tables:
        yield table.title
        yield _("{group}(续)").format(group=table.label)
        for row in table.rows:
            yield from row


def _summary(view: SigninView) -> str:
    return _("应到 {n} 人    实到 ______ 人    统计人:____________").format(n=view.members)


class _SigninPages(MeetingFlow):
    """The sheet's pages: a title on the first, a running header on the others, a table per group."""

    def __init__(self, view: SigninView, metrics: Metrics) -> None:
        super().__init__(metrics)
        self.view = view
        self.running = _running(view)
        self.set_top(self.h - self.margin_top - 24)
        self.set_bottom(self.margin_bottom + 2 * FOOTER_SIZE + 14)
        self.y = self.h - self.margin_top  # the first page has its title instead of the running header
        self.content_top = self.y
        self.continued = ""

    def first_header(self) -> None:
        view = self.view
        kicker = " ".join(p for p in (clean_line(view.village_name), clean_line(view.kind_label)) if p)
        self.centred(kicker, 14, 20, gray=0.3)
        title = clean_line(view.title)
        if title:
            self.centred(title, 20, 28, bold=True)
        self.centred(_("签 到 表"), 20, 30, bold=True)
        self.y -= 4
        lines: list[str] = []
        gap = "    "
        for item in _facts(view):  # on one line with wide gaps where they fit
            if lines and self.m.width(lines[-1] + gap + item, BODY_SIZE) <= self.width:
                lines[-1] += gap + item
            else:
                lines += self.m.wrap(item, BODY_SIZE, self.width)
        self.lines(lines, BODY_SIZE, 20)
        self.y -= 4
        self.content_top = self.y

    def widths(self, tables: list[_Group]) -> list[float]:
        """Number, name, role and household as wide as their widest cell; the signature the rest."""
        size, pad = NAME_SIZE, 2 * TABLE.pad_x
        m = self.m
        widths = [m.width(head, size) + pad for head in _columns()[:4]]
        for table in tables:
            for c in range(4):
                widest = max(m.width(row[c], size) for row in table.rows) + pad
                widths[c] = max(widths[c], widest)
        # a role or a name longer than the page allows gives way (wraps): the signature keeps its room
        room = self.width - SIGNATURE_MIN
        if sum(widths) > room:
            fixed = widths[0] + widths[3]
            share = max(room - fixed, 0.0)
            name_role = widths[1] + widths[2]
            widths[1], widths[2] = widths[1] * share / name_role, widths[2] * share / name_role
        return widths + [self.width - sum(widths)]

    def group(self, table: _Group, widths: list[float]) -> None:
        row_h = SIGN_ROW_H
        title_h = 1.45 * GROUP_SIZE
        head_h = LEADING * NAME_SIZE + 2 * _PAD_Y
        start = self.content_top if len(self.pages) == 1 else self.top
        if self.y < start - 0.01 and not self.fits(title_h + head_h + len(table.rows) * row_h):
            # a group that fits a page is not split over two, and a long one starts its own sheets,
            # so each group's pages can be handed to the table where that group signs in
            self.new_page()
        self.lines(self.m.wrap(table.title, GROUP_SIZE, self.width), GROUP_SIZE, title_h, bold=True)
        self.continued = _("{group}(续)").format(group=table.label)
        try:
            self.table(PrintedTable("", table.columns, table.rows, table.numeric, None, table.unbroken), TABLE,
                       widths=widths, name=table.label)
        finally:
            self.continued = ""
        self.y -= 4

    def new_page(self) -> None:
        super().new_page()
        if self.continued:  # a group's table goes on: its name, marked 续, over the header row repeated
            self.lines(self.m.wrap(self.continued, GROUP_SIZE, self.width), GROUP_SIZE, 1.45 * GROUP_SIZE, bold=True)

    def summary(self) -> None:
        if not self.fits(16 * MM):
            self.new_page()
        self.y -= 8 * MM
        self.put(self.ops, self.left, baseline(self.y, 20, BODY_SIZE), _summary(self.view), BODY_SIZE)
        self.y -= 20

    def footer(self, ops: list[Op], number: int, total: int) -> None:
        if number > 1:
            self.running_header(ops, self.running)
        top = self.margin_bottom + 2 * FOOTER_SIZE + 6
        ops.append(Line(self.left, top, self.right, top, 0.6, RULE))
        base = top - 16
        self.put(ops, self.left, base, _("本页实到 ______ 人"), 12.0)
        date = _print_date(self.view.print_date)
        w = self.m.width(date, FOOTER_SIZE)
        self.put(ops, self.right - w, base, date, FOOTER_SIZE, w, gray=GRAY)
        label = page_label(number, total)
        w = self.m.width(label, PAGE_NUMBER_SIZE)
        self.put(ops, (self.w - w) / 2, base, label, PAGE_NUMBER_SIZE, w)


def signin_printout(view: SigninView) -> Printout:
    """The sign-in sheet as printed pages.

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped
    font has, before anything is laid out.
    """
    tables = _tables(view)
    pages = _SigninPages(view, Metrics(_signin_texts(view, tables)))
    pages.first_header()
    widths = pages.widths(tables) if tables else []
    for table in tables:
        pages.group(table, widths)
    pages.summary()
    title = clean_line(view.title) or clean_line(view.kind_label)
    return Printout(title=_("{title} 签到表").format(title=title), pages=tuple(pages.finish(pages.footer)),
                    author=clean_line(view.village_name), subject=clean_line(view.kind_label), kind="signin")


def layout_signin_sheet(view: SigninView) -> list[Page]:
    """The pages of the sign-in sheet (what the preview shows and the printer gets)."""
    return list(signin_printout(view).pages)


def render_signin_sheet(view: SigninView, out: Path) -> int:
    """Print the sign-in sheet (签到表) to the PDF ``out``; returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` with ``out`` left as it was when a
    character is in no shipped font.
    """
    return write_pdf(signin_printout(view), out)

