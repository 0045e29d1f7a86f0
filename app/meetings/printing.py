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
printer's painter (``app.printing.pdf.draw_pages``): no platypus table of 2,000 rows.

ReportLab is imported inside the functions: start-up must stay fast for clerks who do not print.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.files import replacing
from app.i18n import _
from app.meetings.print_common import (A4_H, A4_W, ABSENT, BODY_SIZE, CELL_SIZE, COMPACT_FROM, FOOTER_SIZE, GRAY,
                                       HEADER_SIZE, HEAD_FILL, LEAVE, MARGIN_BOTTOM, MARGIN_TOP, MARGIN_X, MM,
                                       OBSERVER, PRESENT, PROXY, RULE, TITLE_SIZE, WIDTH, _date, _numeral,
                                       _paragraphs, _people, _print_date, _public)
from app.meetings.print_common import pdf_bytes  # noqa: F401 - callers print from this one module
from app.meetings.signin_sheet import layout_signin_sheet, render_signin_sheet  # noqa: F401
from app.meetings.view import AttendeeLine, MinutesView, MotionLine, TallyView
from app.printing.fonts import PRIMARY_FONT, draw_text, paragraph_markup, text_width
from app.printing.metrics import Metrics, clean_line

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas


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
    glyphs = Metrics(_minutes_texts(minutes))
    story = _minutes_story(minutes, styles, glyphs)

    def decorate(canvas: Canvas, number: int, total: int) -> None:
        _minutes_header(canvas, minutes)
        _footer(canvas, number, total, minutes.footer_left, minutes.footer_right)

    top = MARGIN_TOP + HEADER_SIZE + 18 + (8 if minutes.draft else 0)
    return _build(out, story, clean_line(view.title) or clean_line(view.kind_label), decorate, top,
                  _footer_height(max(2, len(minutes.footer_right))))


def _minutes(view: MinutesView) -> _Minutes:
    right = []
    if view.chain_head.strip():
        right.append(_("防篡改链:{head}").format(head=clean_line(view.chain_head)))
    if view.closed and view.content_hash.strip():
        right.append(_("内容校验:{hash}").format(hash=clean_line(view.content_hash)[:16]))
    header = _("{village} {kind}记录").format(village=clean_line(view.village_name), kind=clean_line(view.kind_label))
    draft = "" if view.closed else _("未定稿")
    return _Minutes(view, header.strip(), draft, _print_date(view.print_date), right)


def _signers(view: MinutesView) -> list[tuple[str, str]]:
    if view.signers:
        return [(clean_line(label), clean_line(name)) for label, name in view.signers]
    return [(_("主持人"), clean_line(view.chair)), (_("记录人"), clean_line(view.recorder))]


def _facts(view: MinutesView) -> list[tuple[str, str]]:
    facts = [(_("日期"), _date(view.date))]
    if view.time_text.strip():
        facts.append((_("时间"), _public(view.time_text)))
    facts += [(_("地点"), _public(view.place)), (_("召集人"), clean_line(view.convener)),
              (_("主持人"), clean_line(view.chair)), (_("记录人"), clean_line(view.recorder))]
    if view.group_name.strip():
        facts.append((_("村民小组"), clean_line(view.group_name)))
    facts += [(_("应到"), _people(view.members)), (_("实到"), _people(view.present)),
              (_("缺席"), _people(view.absent)), (_("请假"), _people(view.on_leave))]
    if view.households is not None:
        facts.append((_("应到户数"), _("{n} 户").format(n=view.households)))
        if view.households_present is not None:
            facts.append((_("到会户代表"), _("{n} 户").format(n=view.households_present)))
    return facts


def _entry(person: AttendeeLine) -> str:
    """One person in a compact list: the name, and who attended for them or a note."""
    text = clean_line(person.name)
    if person.proxy_name.strip():
        text += _("(委托{proxy})").format(proxy=clean_line(person.proxy_name))
    if person.note.strip():
        text += _("({note})").format(note=_public(person.note))
    return text


def _status_order(attendees: Sequence[AttendeeLine]) -> list[str]:
    seen = list(dict.fromkeys(clean_line(a.status_label) for a in attendees))
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
    yield from (m.header, m.draft, m.footer_left, *m.footer_right, clean_line(view.village_name),
                clean_line(view.kind_label), clean_line(view.title), _public(view.quorum_text))
    for label, value in _facts(view):
        yield label
        yield value
    for person in view.attendees:
        yield from (clean_line(person.name), clean_line(person.group_name), clean_line(person.role_text),
                    clean_line(person.status_label), _entry(person))
    for item in view.agenda:
        yield _public(item.title)
        yield from _paragraphs(item.discussion)
        for motion in item.motions:
            yield from (_public(motion.text), clean_line(motion.result_label), _public(motion.reason),
                        _public(motion.resolution), _special_line(motion.special))
            for name, choice in motion.named_votes:
                yield clean_line(name) + clean_line(choice)
    for addendum in view.addenda:
        yield from (_public(addendum.corrects), _public(addendum.text), clean_line(addendum.recorded_by))
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


def _minutes_story(m: _Minutes, s: _Styles, g: Metrics) -> list[Any]:
    from reportlab.platypus import CondPageBreak, KeepTogether, Spacer

    view = m.view
    story: list[Any] = [
        _para(_("{village} {kind}").format(village=clean_line(view.village_name), kind=clean_line(view.kind_label)),
              s.kicker),
        _para(clean_line(view.title) or clean_line(view.kind_label), s.title),
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
            heading = _para(_("议题{n}:{title}").format(n=clean_line(item.number), title=_public(item.title)), s.h2)
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
                _para(_("记录人:{name}").format(name=clean_line(addendum.recorded_by)), s.plain),
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
        proxy = _("委托 {name}").format(name=clean_line(person.proxy_name)) if person.proxy_name.strip() else ""
        note = "; ".join(p for p in (proxy, _public(person.note)) if p)
        rows.append([_para(str(n), s.cell_center), _para(clean_line(person.name), s.name),
                     _para(clean_line(person.group_name), s.cell), _para(clean_line(person.role_text), s.cell),
                     _para(clean_line(person.status_label), s.cell_center), _para(note, s.cell)])
    widths = [12 * MM, 28 * MM, 33 * MM, 30 * MM, 22 * MM]  # 第一村民小组 on one line
    widths.append(WIDTH - sum(widths))
    table = LongTable(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(_grid_style()))
    return table


def _attendance_lists(attendees: Sequence[AttendeeLine], s: _Styles, g: Metrics) -> list[Any]:
    """Hundreds of villagers as lists of names, by attendance and then by group, in the register's order."""
    from reportlab.platypus import CondPageBreak

    flowables: list[Any] = []
    order = list(dict.fromkeys(clean_line(a.group_name) for a in attendees))
    for status in _status_order(attendees):
        people = [a for a in attendees if clean_line(a.status_label) == status]
        flowables.append(CondPageBreak(35 * MM))  # the heading, its first group heading and a row of names
        flowables.append(_para(_status_heading(status, len(people)), s.h2))
        groups: dict[str, list[str]] = {group: [] for group in order}
        for person in people:
            groups[clean_line(person.group_name)].append(_entry(person))
        groups = {group: entries for group, entries in groups.items() if entries}
        for group, entries in groups.items():
            if len(groups) > 1 or group:
                flowables.append(CondPageBreak(20 * MM))
                flowables.append(_para(_group_heading(group, len(entries)), s.group))
            flowables.append(_name_grid(entries, s, g))
    return flowables


def _name_grid(entries: list[str], s: _Styles, g: Metrics) -> Any:
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
              votes.format(n=motion.abstentions), clean_line(motion.result_label)]
    table = Table([[_para(h, s.cell_center) for h in head], [_para(v, s.cell_center) for v in values]],
                  colWidths=[WIDTH / 4] * 4, hAlign="LEFT")
    table.setStyle(TableStyle(_grid_style()))
    parts = [_para(_("表决事项{n}:{text}").format(n=clean_line(motion.number), text=_public(motion.text)), s.plain)]
    if motion.special.strip():
        parts.append(_para(_special_line(motion.special), s.note))
    parts.append(table)
    if motion.reason.strip():
        parts.append(_para(_("说明:{reason}").format(reason=_public(motion.reason)), s.note))
    return parts


def _special_line(special: str) -> str:
    """The special majority a motion is voted under (法律另有规定), printed above its counts."""
    return _("表决事项类别:{text}").format(text=clean_line(special)) if special.strip() else ""


def _named_votes(motion: MotionLine, s: _Styles) -> list[Any]:
    if not motion.named_votes:
        return []
    by_choice: dict[str, list[str]] = {}
    for name, choice in motion.named_votes:
        by_choice.setdefault(clean_line(choice), []).append(clean_line(name))
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
    specials = [_special_line(text) for text in view.specials] + [""] * (len(motions) - len(view.specials))
    date_line = _print_date(view.print_date)
    header = " ".join(p for p in (clean_line(view.village_name), clean_line(view.kind_label), _("计票单")) if p)
    texts = [header, date_line, clean_line(view.title), *motions, *specials,
             *(label + value for label, value in facts)]
    Metrics(texts)

    story: list[Any] = [_para(" ".join(p for p in (clean_line(view.village_name), clean_line(view.kind_label)) if p),
                              styles.kicker)]
    if view.title.strip():
        story.append(_para(clean_line(view.title), styles.title))
    story += [_para(_("计 票 单"), styles.subtitle), _facts_table(facts, styles)]
    expected = view.present if view.present is not None else view.members
    for n, (text, special) in enumerate(zip(motions, specials), start=1):
        story.append(_tally_block(n, text, expected, styles, special))
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

    return _build(out, story, clean_line(view.title) or header, decorate, MARGIN_TOP + HEADER_SIZE + 14,
                  _footer_height(2))


def _tally_block(number: int, text: str, expected: int, s: _Styles, special: str = "") -> Any:
    from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

    label_w, total_w = 24 * MM, 30 * MM
    box_w = WIDTH - label_w - total_w
    # one 正 is five votes and takes about 7 mm of a line: the box is as tall as the meeting needs
    per_line = max(1, int(box_w // (7 * MM)))
    lines = math.ceil(max(expected, 1) / 5 / per_line)
    box_h = min(max(lines * 8 * MM, 14 * MM), 30 * MM)  # one block still fits under the header of page 1
    head = [_para(_("选项"), s.cell_center), _para(_("计票(画“正”字)"), s.cell_center),
            _para(_("合计(票)"), s.cell_center)]
    rows = [head] + [[_para(option, s.cell_center), "", ""] for option in (_("赞成"), _("反对"), _("弃权"), _("无效"))]
    rows.append([_para(_("合计"), s.cell_center), _para(_("四项之和,应与实到人数(或发出票数)相符"), s.cell), ""])
    table = Table(rows, colWidths=[label_w, box_w, total_w], rowHeights=[None] + [box_h] * 4 + [12 * MM])
    table.setStyle(TableStyle(_grid_style() + [("LINEABOVE", (0, -1), (-1, -1), 1.5, (0, 0, 0))]))
    title = _("表决事项{n}:{text}").format(n=number, text=text) if text else _("表决事项{n}:").format(n=number)
    signers = [(_("计票人"), ""), (_("监票人"), ""), (_("主持人"), "")]
    head_parts = [_para(title, s.h2)] + ([_para(special, s.note)] if special else [])
    return KeepTogether(head_parts + [table, _signature_table(signers, s, columns=3, label=_("{label}:")),
                                      Spacer(1, 6 * MM)])

