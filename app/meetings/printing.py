"""Printing for village meetings: the minutes (会议记录), the sign-in sheet (签到表) and the tally sheet (计票单).

The views (app/meetings/view.py) already hold the printed text; this module lays it out
on A4 portrait. Before a file is opened every string is cleaned, free text (discussion,
motions, reasons, notes) goes through ``app.masking.mask_text`` (names stay as they are)
and every character is checked against the shipped fonts: a character no font has stops
printing with :class:`~app.printing.fonts.MissingGlyphError` naming it, and a PDF is
written to a temporary name and renamed (``app.files.replacing``), so nothing half-made
is ever left where the clerk looks for it.

The minutes and the tally sheet are flowing documents and use ReportLab's platypus. A
villagers' meeting has a couple of thousand adults, so its sign-in sheet is laid out here
directly as drawing operations with fixed column positions, and written by the notice
printer's painter (``app.disclosure.printing.draw_pages``): no platypus table of 2,000 rows.

ReportLab is imported inside the functions: start-up must stay fast for clerks who do not print.
"""

from __future__ import annotations

import datetime
import math
import re
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from app.disclosure.layout import Line, Page, Rect, Text
# The notice printer's painter writes laid-out pages as PDF content directly, and its binary
# streams skip ReportLab's pure-Python ASCII85 pass; both belong in app.printing when a third
# printout needs them.
from app.disclosure.printing import _binary_streams, draw_pages
from app.files import replacing
from app.i18n import _
from app.masking import mask_text
from app.meetings.view import AttendeeLine, MinutesView, MotionLine, SigninView, TallyView
from app.printing.fonts import PRIMARY_FONT, draw_text, paragraph_markup, register_fonts, split_runs, text_width

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

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


# ---------------------------------------------------------------- platypus pieces


@dataclass(frozen=True)
class _Styles:
    kicker: Any
    title: Any
    subtitle: Any
    banner: Any
    h1: Any
    h2: Any
    body: Any
    plain: Any
    cell: Any
    cell_center: Any
    name: Any
    small: Any
    boxed: Any
    group: Any
    note: Any


def _styles() -> _Styles:
    from reportlab.lib.colors import Color
    from reportlab.lib.enums import TA_CENTER
    from reportlab.lib.styles import ParagraphStyle

    def style(name: str, size: float, leading: float = 1.55, **extra: Any) -> Any:
        return ParagraphStyle(name, fontName=PRIMARY_FONT, fontSize=size, leading=size * leading,
                              wordWrap="CJK", **extra)

    gray = Color(*GRAY)
    return _Styles(
        kicker=style("kicker", 15, 1.4, alignment=TA_CENTER, textColor=gray),
        title=style("title", TITLE_SIZE, 1.35, alignment=TA_CENTER, spaceBefore=2, spaceAfter=4),
        subtitle=style("subtitle", 17, 1.4, alignment=TA_CENTER, spaceAfter=8),
        banner=style("banner", 14, 1.45, alignment=TA_CENTER, borderWidth=1.5, borderColor=Color(0, 0, 0),
                     borderPadding=6, backColor=Color(0.93, 0.93, 0.93), spaceBefore=6, spaceAfter=12),
        h1=style("h1", 16, 1.4, spaceBefore=12, spaceAfter=5),
        h2=style("h2", 14, 1.4, spaceBefore=8, spaceAfter=3),
        body=style("body", BODY_SIZE, 1.65, firstLineIndent=2 * BODY_SIZE, spaceAfter=2),
        plain=style("plain", BODY_SIZE, 1.6, spaceAfter=2),
        cell=style("cell", CELL_SIZE, 1.35),
        cell_center=style("cell-center", CELL_SIZE, 1.35, alignment=TA_CENTER),
        name=style("name", 13, 1.35),
        small=style("small", 11, 1.3, textColor=gray, alignment=TA_CENTER),
        boxed=style("boxed", BODY_SIZE, 1.6, borderWidth=0.8, borderColor=Color(*RULE), borderPadding=6,
                    spaceBefore=8, spaceAfter=10),
        group=style("group", BODY_SIZE, 1.5, spaceBefore=7, spaceAfter=2, textColor=gray),
        note=style("note", BODY_SIZE, 1.6, spaceBefore=3, spaceAfter=2),
    )


def _para(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    return Paragraph(paragraph_markup(text), style)


def _grid_style(header: bool = True) -> list[tuple]:
    commands: list[tuple] = [
        ("GRID", (0, 0), (-1, -1), 0.5, RULE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 4),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL))
    return commands


def _page_canvas(decorate: Callable[[Canvas, int, int], None]) -> type:
    """A canvas that keeps its pages until the end, then draws header and footer on each knowing the total."""
    from reportlab.pdfgen.canvas import Canvas as BaseCanvas

    class PageCanvas(BaseCanvas):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._kept: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 - ReportLab's name
            self._kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._kept)
            for number, state in enumerate(self._kept, start=1):
                self.__dict__.update(state)
                decorate(self, number, total)
                super().showPage()
            super().save()

    return PageCanvas


def _build(out: Path, story: list[Any], title: str, decorate: Callable[[Canvas, int, int], None],
           top: float, bottom: float) -> int:
    from reportlab.platypus import SimpleDocTemplate

    pages = [0]

    def count(canvas: Canvas, number: int, total: int) -> None:
        pages[0] = total
        decorate(canvas, number, total)

    with replacing(Path(out)) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=(A4_W, A4_H), leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                                topMargin=top, bottomMargin=bottom, title=title, creator=_("村务"))
        doc.build(story, canvasmaker=_page_canvas(count))
    return pages[0]


def _footer(canvas: Canvas, number: int, total: int, left: str, right: Sequence[str]) -> None:
    """Page x of y in the middle, print date on the left, record identity on the right."""
    canvas.saveState()
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    top = MARGIN_BOTTOM + 2 * FOOTER_SIZE + 6
    canvas.line(MARGIN_X, top, A4_W - MARGIN_X, top)
    canvas.setFillColorRGB(*GRAY)
    base = top - FOOTER_SIZE - 3
    draw_text(canvas, MARGIN_X, base, left, FOOTER_SIZE)
    for i, item in enumerate(right):
        draw_text(canvas, A4_W - MARGIN_X - text_width(item, FOOTER_SIZE), base - i * (FOOTER_SIZE + 3), item,
                  FOOTER_SIZE)
    canvas.setFillColorRGB(0, 0, 0)
    label = _("第 {page} 页 / 共 {total} 页").format(page=number, total=total)
    draw_text(canvas, A4_W / 2 - text_width(label, 11.5) / 2, base - FOOTER_SIZE - 3, label, 11.5)
    canvas.restoreState()


def _footer_height(lines: int) -> float:
    return MARGIN_BOTTOM + (lines + 1) * (FOOTER_SIZE + 3) + 10


# ---------------------------------------------------------------- minutes


@dataclass(frozen=True)
class _Minutes:
    """What the minutes print, cleaned and masked, with the page furniture."""

    view: MinutesView
    header: str
    draft: str
    footer_left: str
    footer_right: list[str]


def render_minutes(view: MinutesView, out: Path) -> int:
    """Print the minutes of one meeting to the PDF ``out``; returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` with ``out`` left as it was when a
    character is in no shipped font.
    """
    minutes = _minutes(view)
    styles = _styles()
    glyphs = _Glyphs(_minutes_texts(minutes))
    story = _minutes_story(minutes, styles, glyphs)

    def decorate(canvas: Canvas, number: int, total: int) -> None:
        _minutes_header(canvas, minutes)
        _footer(canvas, number, total, minutes.footer_left, minutes.footer_right)

    top = MARGIN_TOP + HEADER_SIZE + 18 + (8 if minutes.draft else 0)
    return _build(out, story, _clean(view.title) or _clean(view.kind_label), decorate, top,
                  _footer_height(max(2, len(minutes.footer_right))))


def _minutes(view: MinutesView) -> _Minutes:
    right = []
    if view.chain_head.strip():
        right.append(_("防篡改链:{head}").format(head=_clean(view.chain_head)))
    if view.closed and view.content_hash.strip():
        right.append(_("内容校验:{hash}").format(hash=_clean(view.content_hash)[:16]))
    header = _("{village} {kind}记录").format(village=_clean(view.village_name), kind=_clean(view.kind_label))
    draft = "" if view.closed else _("未定稿")
    return _Minutes(view, header.strip(), draft, _print_date(view.print_date), right)


def _signers(view: MinutesView) -> list[tuple[str, str]]:
    if view.signers:
        return [(_clean(label), _clean(name)) for label, name in view.signers]
    return [(_("主持人"), _clean(view.chair)), (_("记录人"), _clean(view.recorder))]


def _facts(view: MinutesView) -> list[tuple[str, str]]:
    facts = [(_("日期"), _date(view.date))]
    if view.time_text.strip():
        facts.append((_("时间"), _public(view.time_text)))
    facts += [(_("地点"), _public(view.place)), (_("召集人"), _clean(view.convener)),
              (_("主持人"), _clean(view.chair)), (_("记录人"), _clean(view.recorder))]
    if view.group_name.strip():
        facts.append((_("村民小组"), _clean(view.group_name)))
    facts += [(_("应到"), _people(view.members)), (_("实到"), _people(view.present)),
              (_("缺席"), _people(view.absent)), (_("请假"), _people(view.on_leave))]
    if view.households is not None:
        facts.append((_("应到户数"), _("{n} 户").format(n=view.households)))
        if view.households_present is not None:
            facts.append((_("到会户代表"), _("{n} 户").format(n=view.households_present)))
    return facts


def _entry(person: AttendeeLine) -> str:
    """One person in a compact list: the name, and who attended for them or a note."""
    text = _clean(person.name)
    if person.proxy_name.strip():
        text += _("(委托{proxy})").format(proxy=_clean(person.proxy_name))
    if person.note.strip():
        text += _("({note})").format(note=_public(person.note))
    return text


def _status_order(attendees: Sequence[AttendeeLine]) -> list[str]:
    seen = list(dict.fromkeys(_clean(a.status_label) for a in attendees))
    first = [s for s in (PRESENT, PROXY, OBSERVER) if s in seen]
    last = [s for s in (LEAVE, ABSENT, "") if s in seen]
    return first + [s for s in seen if s not in first and s not in last] + last


def _status_heading(status: str, count: int) -> str:
    label = status or _("未登记出席情况")
    return _("{status}({count} 人)").format(status=label, count=count)


def _group_heading(group: str, count: int) -> str:
    return _("{group}({count} 人)").format(group=group or _("其他人员"), count=count)


def _minutes_texts(m: _Minutes) -> Iterable[str]:
    view = m.view
    yield from (m.header, m.draft, m.footer_left, *m.footer_right, _clean(view.village_name),
                _clean(view.kind_label), _clean(view.title), _public(view.quorum_text))
    for label, value in _facts(view):
        yield label
        yield value
    for person in view.attendees:
        yield from (_clean(person.name), _clean(person.group_name), _clean(person.role_text),
                    _clean(person.status_label), _entry(person))
    for item in view.agenda:
        yield _public(item.title)
        yield from _paragraphs(item.discussion)
        for motion in item.motions:
            yield from (_public(motion.text), _clean(motion.result_label), _public(motion.reason),
                        _public(motion.resolution))
            for name, choice in motion.named_votes:
                yield _clean(name) + _clean(choice)
    for addendum in view.addenda:
        yield from (_public(addendum.corrects), _public(addendum.text), _clean(addendum.recorded_by))
    for label, name in _signers(view):
        yield label + name


def _minutes_header(canvas: Canvas, m: _Minutes) -> None:
    canvas.saveState()
    base = A4_H - MARGIN_TOP - HEADER_SIZE
    canvas.setFillColorRGB(*GRAY)
    draw_text(canvas, MARGIN_X, base, m.header, HEADER_SIZE)
    rule = base - 6
    if m.draft:
        # boxed and in black on every page, so a page that has come loose still says it is a draft
        size = 14
        w = text_width(m.draft, size)
        left = A4_W - MARGIN_X - w - 16
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setLineWidth(1.6)
        canvas.rect(left, base - 5, w + 16, size + 9)
        draw_text(canvas, left + 8, base, m.draft, size)
        rule = base - 11
    canvas.setStrokeColorRGB(*RULE)
    canvas.setLineWidth(0.6)
    canvas.line(MARGIN_X, rule, A4_W - MARGIN_X, rule)
    canvas.restoreState()


def _minutes_story(m: _Minutes, s: _Styles, g: _Glyphs) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    view = m.view
    story: list[Any] = [
        _para(_("{village} {kind}").format(village=_clean(view.village_name), kind=_clean(view.kind_label)),
              s.kicker),
        _para(_clean(view.title) or _clean(view.kind_label), s.title),
        _para(_("会 议 记 录"), s.subtitle),
    ]
    if m.draft:
        story.append(_para(_("未定稿:本记录尚未定稿,可能还会修改,不作为正式会议记录存档"), s.banner))
    sections = iter(range(1, 100))

    def section(title: str) -> Any:
        return _para(_("{n}、{title}").format(n=_numeral(next(sections)), title=title), s.h1)

    story += [section(_("会议基本情况")), _facts_table(_facts(view), s), Spacer(1, 4)]
    if view.quorum_text.strip():
        story.append(_para(_("到会情况:{verdict}").format(verdict=_public(view.quorum_text)), s.boxed))
    if view.attendees:
        story.append(CondPageBreak(60 * MM))
        story.append(section(_("参会人员")))
        if len(view.attendees) >= COMPACT_FROM:
            story += _attendance_lists(view.attendees, s, g)
        else:
            story.append(_attendance_table(view.attendees, s))
    if view.agenda:
        story.append(CondPageBreak(50 * MM))
        story.append(section(_("会议议题")))
        for item in view.agenda:
            heading = _para(_("议题{n}:{title}").format(n=_clean(item.number), title=_public(item.title)), s.h2)
            discussion = _paragraphs(item.discussion)
            first = [heading]
            if discussion:
                first.append(_para(_("讨论情况:"), s.plain))
                first.append(_para(discussion[0], s.body))
            story.append(KeepTogether(first))
            story += [_para(text, s.body) for text in discussion[1:]]
            for motion in item.motions:
                story.append(KeepTogether(_motion(motion, s)))
                story += _named_votes(motion, s)
                if motion.resolution.strip():
                    story.append(_para(_("决议:{text}").format(text=_public(motion.resolution)), s.boxed))
    if view.addenda:
        story.append(CondPageBreak(40 * MM))
        story.append(section(_("补充更正")))
        for addendum in view.addenda:
            story.append(KeepTogether([
                _para(_("{date} 更正“{what}”:").format(date=addendum.date.isoformat(),
                                                   what=_public(addendum.corrects)), s.plain),
                *[_para(text, s.body) for text in _paragraphs(addendum.text)],
                _para(_("记录人:{name}").format(name=_clean(addendum.recorded_by)), s.plain),
            ]))
    story.append(Spacer(1, 8 * MM))
    story.append(KeepTogether([_para(_("签 字"), s.h1), _signature_table(_signers(view), s)]))
    return story


def _facts_table(facts: list[tuple[str, str]], s: _Styles) -> Any:
    from reportlab.platypus import Table, TableStyle

    label_w = 26 * MM
    value_w = WIDTH / 2 - label_w
    cells = [[_para(label, s.cell), _para(value, s.cell)] for label, value in facts]
    if len(cells) % 2:
        cells.append(["", ""])
    data = [[*cells[i], *cells[i + 1]] for i in range(0, len(cells), 2)]
    table = Table(data, colWidths=[label_w, value_w, label_w, value_w])
    table.setStyle(TableStyle(_grid_style(header=False) + [
        ("BACKGROUND", (0, 0), (0, -1), HEAD_FILL), ("BACKGROUND", (2, 0), (2, -1), HEAD_FILL)]))
    return table


def _attendance_table(attendees: Sequence[AttendeeLine], s: _Styles) -> Any:
    from reportlab.platypus import LongTable, TableStyle

    head = [_("序号"), _("姓名"), _("村民小组"), _("职务"), _("出席情况"), _("委托人/备注")]
    rows = [[_para(h, s.cell_center) for h in head]]
    for n, person in enumerate(attendees, start=1):
        proxy = _("委托 {name}").format(name=_clean(person.proxy_name)) if person.proxy_name.strip() else ""
        note = "; ".join(p for p in (proxy, _public(person.note)) if p)
        rows.append([_para(str(n), s.cell_center), _para(_clean(person.name), s.name),
                     _para(_clean(person.group_name), s.cell), _para(_clean(person.role_text), s.cell),
                     _para(_clean(person.status_label), s.cell_center), _para(note, s.cell)])
    widths = [12 * MM, 28 * MM, 28 * MM, 30 * MM, 22 * MM]
    widths.append(WIDTH - sum(widths))
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(_grid_style()))
    return table


def _attendance_lists(attendees: Sequence[AttendeeLine], s: _Styles, g: _Glyphs) -> list[Any]:
    """Hundreds of villagers as lists of names, by attendance and then by group, in the register's order."""
    from reportlab.platypus import CondPageBreak

    flowables: list[Any] = []
    order = list(dict.fromkeys(_clean(a.group_name) for a in attendees))
    for status in _status_order(attendees):
        people = [a for a in attendees if _clean(a.status_label) == status]
        flowables.append(CondPageBreak(25 * MM))
        flowables.append(_para(_status_heading(status, len(people)), s.h2))
        groups: dict[str, list[str]] = {group: [] for group in order}
        for person in people:
            groups[_clean(person.group_name)].append(_entry(person))
        groups = {group: entries for group, entries in groups.items() if entries}
        for group, entries in groups.items():
            if len(groups) > 1 or group:
                flowables.append(CondPageBreak(20 * MM))
                flowables.append(_para(_group_heading(group, len(entries)), s.group))
            flowables.append(_name_grid(entries, s, g))
    return flowables


def _name_grid(entries: list[str], s: _Styles, g: _Glyphs) -> Any:
    from reportlab.platypus import LongTable, TableStyle

    size = s.name.fontSize
    pad = 8
    widths = sorted(g.width(e, size) for e in entries)
    typical = widths[int(0.9 * (len(widths) - 1))] + pad
    columns = max(2, min(7, int(WIDTH // max(typical, 4 * size + pad))))
    col_w = WIDTH / columns
    cells: list[Any] = []
    for entry in entries:
        # a plain string is much cheaper than a paragraph; only rare characters and long entries need one
        fits = g.width(entry, size) <= col_w - pad
        cells.append(entry if fits and g.plain(entry) else _para(entry, s.name))
    cells += [""] * (-len(cells) % columns)
    data = [cells[i:i + columns] for i in range(0, len(cells), columns)]
    table = LongTable(data, colWidths=[col_w] * columns)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, -1), PRIMARY_FONT), ("FONTSIZE", (0, 0), (-1, -1), size),
        ("LEADING", (0, 0), (-1, -1), size * 1.3), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad / 2), ("RIGHTPADDING", (0, 0), (-1, -1), pad / 2),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, (0.8, 0.8, 0.8)),
    ]))
    return table


def _motion(motion: MotionLine, s: _Styles) -> list[Any]:
    from reportlab.platypus import Table, TableStyle

    votes = _("{n} 票")
    head = [_("赞成"), _("反对"), _("弃权"), _("表决结果")]
    values = [votes.format(n=motion.votes_for), votes.format(n=motion.votes_against),
              votes.format(n=motion.abstentions), _clean(motion.result_label)]
    table = Table([[_para(h, s.cell_center) for h in head], [_para(v, s.cell_center) for v in values]],
                  colWidths=[WIDTH / 4] * 4, hAlign="LEFT")
    table.setStyle(TableStyle(_grid_style()))
    parts = [_para(_("表决事项{n}:{text}").format(n=_clean(motion.number), text=_public(motion.text)), s.plain),
             table]
    if motion.reason.strip():
        parts.append(_para(_("说明:{reason}").format(reason=_public(motion.reason)), s.note))
    return parts


def _named_votes(motion: MotionLine, s: _Styles) -> list[Any]:
    if not motion.named_votes:
        return []
    by_choice: dict[str, list[str]] = {}
    for name, choice in motion.named_votes:
        by_choice.setdefault(_clean(choice), []).append(_clean(name))
    order = [c for c in (_("赞成"), _("反对"), _("弃权")) if c in by_choice]
    order += [c for c in by_choice if c not in order]
    lines = [_para(_("记名表决:"), s.plain)]
    for choice in order:
        names = by_choice[choice]
        lines.append(_para(_("{choice}({count} 人):{names}").format(choice=choice, count=len(names),
                                                                    names="、".join(names)), s.body))
    return lines


def _signature_table(signers: list[tuple[str, str]], s: _Styles, columns: int = 2, label: str = "") -> Any:
    """A line to sign on for each signer, with the name printed small under it."""
    from reportlab.platypus import Table, TableStyle

    label = label or _("{label}(签字):")
    labels = [label.format(label=who) for who, _name in signers]
    label_w = max(text_width(text, s.plain.fontSize) for text in labels) + 12
    line_w = WIDTH / columns - label_w
    rows: list[list[Any]] = []
    commands: list[tuple] = [("VALIGN", (0, 0), (-1, -1), "BOTTOM"), ("TOPPADDING", (0, 0), (-1, -1), 0),
                             ("BOTTOMPADDING", (0, 0), (-1, -1), 2)]
    for i in range(0, len(signers), columns):
        top = len(rows)
        upper: list[Any] = []
        lower: list[Any] = []
        for k, ((_who, name), text) in enumerate(zip(signers[i:i + columns], labels[i:i + columns])):
            upper += [_para(text, s.plain), ""]
            lower += ["", _para(name, s.small) if name else ""]
            commands.append(("LINEBELOW", (2 * k + 1, top), (2 * k + 1, top), 0.8, (0, 0, 0)))
        rows += [upper + [""] * (2 * columns - len(upper)), lower + [""] * (2 * columns - len(lower))]
        commands.append(("TOPPADDING", (0, top), (-1, top), 10 * MM))
        commands.append(("BOTTOMPADDING", (0, top + 1), (-1, top + 1), 3 * MM))
    table = Table(rows, colWidths=[label_w, line_w] * columns, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    return table


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

    def __init__(self, view: SigninView, glyphs: _Glyphs) -> None:
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
        kicker = " ".join(p for p in (_clean(view.village_name), _clean(view.kind_label)) if p)
        self.centred(_baseline(self.y, 20, 14), kicker, 14, gray=0.3)
        self.y -= 20
        for line in self.wrap(_clean(view.title), 20, WIDTH):
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
        parts = [_clean(view.village_name), _clean(view.kind_label), _clean(view.title), _("签到表(续)")]
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
        label = _clean(name) or _("其他参会人员")
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
        values = (str(number), _clean(person.name), _clean(person.role_text), _clean(person.household))
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
    yield from (_clean(view.village_name), _clean(view.kind_label), _clean(view.title), _public(view.time_text),
                _public(view.place), _("签到表(续)"), _("本页实到 ______ 人"), _print_date(view.print_date),
                _date(view.date), "0123456789")
    yield from (c.label for c in _signin_columns())
    for group in view.groups:
        yield _clean(group.name)
        for person in group.people:
            yield _clean(person.name)
            yield _clean(person.role_text)
            yield _clean(person.household)


def layout_signin_sheet(view: SigninView) -> list[Page]:
    """The pages of the sign-in sheet as drawing operations (for the PDF and a preview).

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped
    font has, before anything is laid out.
    """
    pages = _SigninPages(view, _Glyphs(_signin_texts(view)))
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
        canvas.setTitle(_("{title} 签到表").format(title=_clean(view.title)))
        canvas.setCreator(_("村务"))
        draw_pages(canvas, pages)
        with _binary_streams():
            canvas.save()
    return len(pages)


# ---------------------------------------------------------------- tally sheet


def render_tally_sheet(view: TallyView, out: Path) -> int:
    """Print the tally sheet (计票单): one block per motion with room to tally by hand, and the
    counters' signatures. Returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` with ``out`` left as it was when a
    character is in no shipped font.
    """
    styles = _styles()
    present = _people(view.present) if view.present is not None else _("______ 人")
    facts = [(_("日期"), _date(view.date)), (_("地点"), _public(view.place)),
             (_("应到"), _people(view.members)), (_("实到"), present)]
    motions = [_public(text) for text in view.motions]
    date_line = _print_date(view.print_date)
    header = " ".join(p for p in (_clean(view.village_name), _clean(view.kind_label), _("计票单")) if p)
    texts = [header, date_line, _clean(view.title), *motions, *(label + value for label, value in facts)]
    _Glyphs(texts)

    story: list[Any] = [_para(" ".join(p for p in (_clean(view.village_name), _clean(view.kind_label)) if p),
                              styles.kicker)]
    if view.title.strip():
        story.append(_para(_clean(view.title), styles.title))
    story += [_para(_("计 票 单"), styles.subtitle), _facts_table(facts, styles)]
    expected = view.present if view.present is not None else view.members
    for n, text in enumerate(motions, start=1):
        story.append(_tally_block(n, text, expected, styles))
    if not motions:
        story.append(_tally_block(1, "", expected, styles))

    def decorate(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFillColorRGB(*GRAY)
        base = A4_H - MARGIN_TOP - HEADER_SIZE
        draw_text(canvas, MARGIN_X, base, header, HEADER_SIZE)
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.6)
        canvas.line(MARGIN_X, base - 6, A4_W - MARGIN_X, base - 6)
        canvas.restoreState()
        _footer(canvas, number, total, date_line, [])

    return _build(out, story, _clean(view.title) or header, decorate, MARGIN_TOP + HEADER_SIZE + 14,
                  _footer_height(2))


def _tally_block(number: int, text: str, expected: int, s: _Styles) -> Any:
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    label_w, total_w = 24 * MM, 30 * MM
    box_w = WIDTH - label_w - total_w
    # one 正 is five votes and takes about 7 mm of a line: the box is as tall as the meeting needs
    per_line = max(1, int(box_w // (7 * MM)))
    lines = math.ceil(max(expected, 1) / 5 / per_line)
    box_h = min(max(lines * 8 * MM, 14 * MM), 40 * MM)
    head = [_para(_("选项"), s.cell_center), _para(_("计票(画“正”字)"), s.cell_center),
            _para(_("合计(票)"), s.cell_center)]
    rows = [head] + [[_para(option, s.cell_center), "", ""] for option in (_("赞成"), _("反对"), _("弃权"), _("无效"))]
    rows.append([_para(_("合计"), s.cell_center), _para(_("四项之和,应与实到人数(或发出票数)相符"), s.cell), ""])
    table = Table(rows, colWidths=[label_w, box_w, total_w], rowHeights=[None] + [box_h] * 4 + [12 * MM])
    table.setStyle(TableStyle(_grid_style() + [("LINEABOVE", (0, -1), (-1, -1), 1.5, (0, 0, 0))]))
    title = _("表决事项{n}:{text}").format(n=number, text=text) if text else _("表决事项{n}:").format(n=number)
    signers = [(_("计票人"), ""), (_("监票人"), ""), (_("主持人"), "")]
    return KeepTogether([_para(title, s.h2), table, _signature_table(signers, s, columns=3, label=_("{label}:")),
                         Spacer(1, 6 * MM)])
