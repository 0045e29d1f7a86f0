"""Printing for village meetings: the minutes (会议记录), the sign-in sheet (签到表) and the tally sheet (计票单).

The views (app/meetings/view.py) already hold the printed text; this module lays it out on A4
portrait as pages of drawing operations with app.printing.flow, the one layout engine of every
printout: :func:`minutes_printout`, :func:`tally_printout` and
:func:`~app.meetings.signin_sheet.signin_printout` give a :class:`~app.printing.document.Printout`
the program previews, prints and saves; ``render_*`` write its PDF (the command line).

Before anything is laid out every string is cleaned, free text (discussion, motions, reasons,
notes) goes through ``app.masking.mask_text`` (names stay as they are) and every character is
checked against the shipped fonts: a character no font has stops printing with
:class:`~app.printing.fonts.MissingGlyphError` naming it, and a PDF is written to a temporary name
and renamed (app.printing.pdf.write_pdf), so nothing half-made is ever left where the clerk looks.

Closed minutes carry their 核验码 (the first 16 characters of their content hash, and the event
log's position when printed) on every page with a QR code of it and one plain sentence saying
what it is for.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.i18n import _
from app.meetings.print_common import (ABSENT, BODY_SIZE, CELL_SIZE, COMPACT_FROM, FOOTER_SIZE, GRAY, HEAD_FILL,
                                       HEADER_SIZE, LEAVE, MARGIN_TOP, NAME_SIZE, OBSERVER, PAGE_NUMBER_SIZE, PRESENT,
                                       PROXY, RULE,
                                       TITLE_SIZE, Cell, MeetingFlow, _date, _numeral, _paragraphs, _people,
                                       _print_date, _public, check_code, texts_of)
from app.meetings.signin_sheet import layout_signin_sheet, render_signin_sheet, signin_printout  # noqa: F401
from app.meetings.view import AttendeeLine, MinutesView, MotionLine, TallyView
from app.printing.document import Printout
from app.printing.flow import TableStyle, baseline, page_texts
from app.printing.metrics import Metrics, clean_line
from app.printing.ops import Line, Op, Qr
from app.printing.pages import MM, page_label
from app.printing.pdf import write_pdf
from app.printing.tables import PrintedTable
from app.printing.titles import balanced_lines

KICKER_SIZE = 15.0
SUBTITLE_SIZE = 17.0
H1_SIZE = 16.0
H2_SIZE = 14.0
BANNER_SIZE = 14.0
TABLE = TableStyle(size=CELL_SIZE, title_size=H2_SIZE, leading=1.35, pad_x=5.0, pad_y=5.5, header_fill=HEAD_FILL,
                   keep_whole=8.0)
"""The attendance table: short cells (第一村民小组, a name of up to eight characters) stay on one line."""


def _sentence() -> str:
    return _("扫二维码或输入核验码,可以查对这份{thing}有没有被改动。").format(thing=_("会议记录"))


# ---------------------------------------------------------------- the parts every meeting paper has


def _title_block(f: MeetingFlow, kicker: str, title: str, subtitle: str) -> None:
    if kicker:
        f.centred(kicker, KICKER_SIZE, 1.4 * KICKER_SIZE, gray=GRAY)
    if title:
        f.space(2)
        f.lines(balanced_lines(f.m, title, TITLE_SIZE, f.width), TITLE_SIZE, 1.35 * TITLE_SIZE, align="centre")
        f.y -= 4
    f.centred(subtitle, SUBTITLE_SIZE, 1.4 * SUBTITLE_SIZE)
    f.y -= 8


def _facts_grid(f: MeetingFlow, facts: list[tuple[str, str]]) -> None:
    label_w = 26 * MM
    value_w = f.width / 2 - label_w
    cells = [(Cell(label, HEAD_FILL), Cell(value)) for label, value in facts]
    if len(cells) % 2:
        cells.append((Cell("", HEAD_FILL), Cell("")))
    rows = [[*cells[i], *cells[i + 1]] for i in range(0, len(cells), 2)]
    f.grid(rows, [label_w, value_w, label_w, value_w])


def _facts_texts(facts: list[tuple[str, str]]) -> list[str]:
    return [text for pair in facts for text in pair]


# ---------------------------------------------------------------- minutes


@dataclass(frozen=True)
class _Minutes:
    """What the minutes print, cleaned and masked, with the page furniture."""

    view: MinutesView
    header: str
    draft: str
    footer_left: str
    code: str
    """核验码:… on every page, "" when there is nothing to check against."""
    qr: str


def _minutes(view: MinutesView) -> _Minutes:
    # only closed minutes can be checked: a draft changes until it is closed, and says 未定稿 on every page
    parts = []
    if view.closed and view.content_hash.strip():
        parts.append(check_code(clean_line(view.content_hash)))
    code = _("核验码:{code}").format(code=" · ".join(parts)) if parts else ""
    qr = "|".join(["CUNWU-MINUTES", *(re.sub(r"[^0-9A-Za-z-]+", "-", p).strip("-") for p in parts)]) if parts else ""
    header = _("{village} {kind}记录").format(village=clean_line(view.village_name), kind=clean_line(view.kind_label))
    draft = "" if view.closed else _("未定稿")
    return _Minutes(view, header.strip(), draft, _print_date(view.print_date), code, qr)


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


def _attendance(attendees: Sequence[AttendeeLine]) -> PrintedTable:
    rows = []
    for n, person in enumerate(attendees, start=1):
        proxy = _("委托 {name}").format(name=clean_line(person.proxy_name)) if person.proxy_name.strip() else ""
        note = "; ".join(p for p in (proxy, _public(person.note)) if p)
        rows.append([str(n), clean_line(person.name), clean_line(person.group_name), clean_line(person.role_text),
                     clean_line(person.status_label), note])
    return PrintedTable("", [_("序号"), _("姓名"), _("村民小组"), _("职务"), _("出席情况"), _("委托人/备注")], rows,
                        numeric=frozenset({0}), unbroken=frozenset({0}))


def _special_line(special: str) -> str:
    """The special majority a motion is voted under (法律另有规定), printed above its counts."""
    return _("表决事项类别:{text}").format(text=clean_line(special)) if special.strip() else ""


def _motion_title(motion: MotionLine) -> str:
    return _("表决事项{n}:{text}").format(n=clean_line(motion.number), text=_public(motion.text))


def _count_rows(motion: MotionLine) -> list[list[Cell]]:
    votes = _("{n} 票")
    head = [_("赞成"), _("反对"), _("弃权"), _("表决结果")]
    values = [votes.format(n=motion.votes_for), votes.format(n=motion.votes_against),
              votes.format(n=motion.abstentions), clean_line(motion.result_label)]
    return [[Cell(h, HEAD_FILL, "centre") for h in head], [Cell(v, None, "centre") for v in values]]


def _named_lines(motion: MotionLine) -> list[str]:
    if not motion.named_votes:
        return []
    by_choice: dict[str, list[str]] = {}
    for name, choice in motion.named_votes:
        by_choice.setdefault(clean_line(choice), []).append(clean_line(name))
    order = [c for c in (_("赞成"), _("反对"), _("弃权")) if c in by_choice]
    order += [c for c in by_choice if c not in order]
    return [_("{choice}({count} 人):{names}").format(choice=choice, count=len(by_choice[choice]),
                                                      names="、".join(by_choice[choice])) for choice in order]


def _minutes_texts(m: _Minutes) -> Iterable[str]:
    view = m.view
    yield from (m.header, m.draft, m.footer_left, m.code, _sentence(), clean_line(view.village_name),
                clean_line(view.kind_label), clean_line(view.title), _public(view.quorum_text))
    yield from page_texts(_("第 {page} 页 / 共 {total} 页"))
    yield from _facts_texts(_facts(view))
    table = _attendance(view.attendees)
    yield from table.columns
    for row in table.rows:
        yield from row
    for person in view.attendees:
        yield _entry(person)
    for item in view.agenda:
        yield _public(item.title)
        yield from _paragraphs(item.discussion)
        for motion in item.motions:
            yield from (_motion_title(motion), clean_line(motion.result_label), _public(motion.reason),
                        _public(motion.resolution), _special_line(motion.special))
            yield from texts_of(_count_rows(motion))
            yield from _named_lines(motion)
    for addendum in view.addenda:
        yield from (_public(addendum.corrects), _public(addendum.text), clean_line(addendum.recorded_by))
    for label, name in _signers(view):
        yield label + name


class _MinutesPages(MeetingFlow):
    def __init__(self, minutes: _Minutes, metrics: Metrics) -> None:
        super().__init__(metrics)
        self.c = minutes
        self.running_header(self.frame, minutes.header, minutes.draft)
        self.set_top(self.h - (MARGIN_TOP + HEADER_SIZE + 18 + (8 if minutes.draft else 0)) - 6)
        self.set_bottom(self.margin_bottom + 3 * (FOOTER_SIZE + 3) + 10)
        self.sections = iter(range(1, 100))

    def footer(self, ops: list[Op], number: int, total: int) -> None:
        """Print date and 核验码 on the first line, the sentence saying what it is for on the second, the page
        number on the third (in the bottom margin), the QR code of the 核验码 at the right."""
        c = self.c
        if not c.code:
            self.footer_items(ops, number, total, c.footer_left, [])
            return
        step = FOOTER_SIZE + 3
        rule = self.bottom - 17.5
        qr = rule - 2 - 5 * MM
        edge = self.right - qr - 4
        ops.append(Line(self.left, rule, self.right, rule, 0.6, RULE))
        base = rule - step
        self.put(ops, self.left, base, c.footer_left, FOOTER_SIZE, gray=GRAY)
        for i, item in enumerate((c.code, _sentence())):
            w = self.m.width(item, FOOTER_SIZE)
            self.put(ops, edge - w, base - i * step, item, FOOTER_SIZE, w, gray=GRAY)
        label = page_label(number, total)
        w = self.m.width(label, PAGE_NUMBER_SIZE)
        self.put(ops, (self.w - w) / 2, base - 2 * step, label, PAGE_NUMBER_SIZE, w)
        ops.append(Qr(self.right - qr, 5 * MM, qr, c.qr))

    def section(self, title: str, keep_with: float) -> None:
        self.space(12)
        self.heading(_("{n}、{title}").format(n=_numeral(next(self.sections)), title=title), H1_SIZE,
                     leading=1.4 * H1_SIZE, keep_with=keep_with + 5)
        self.y -= 5

    def story(self) -> None:
        view = self.c.view
        _title_block(self, _("{village} {kind}").format(village=clean_line(view.village_name),
                                                        kind=clean_line(view.kind_label)).strip(),
                     clean_line(view.title) or clean_line(view.kind_label), _("会 议 记 录"))
        if self.c.draft:
            self.boxed(_("未定稿:本记录尚未定稿,可能还会修改,不作为正式会议记录存档"), BANNER_SIZE, fill=0.93,
                       stroke=0.0, line_width=1.5, align="centre", before=0, after=0)
        self.section(_("会议基本情况"), 3 * CELL_SIZE)
        _facts_grid(self, _facts(view))
        self.y -= 4
        if view.quorum_text.strip():
            self.boxed(_("到会情况:{verdict}").format(verdict=_public(view.quorum_text)))
        if view.attendees:
            self.need(60 * MM)
            self.section(_("参会人员"), 4 * CELL_SIZE)
            if len(view.attendees) >= COMPACT_FROM:
                self.attendance_lists(view.attendees)
            else:
                self.table(_attendance(view.attendees), TABLE)
        if view.agenda:
            self.need(50 * MM)
            self.section(_("会议议题"), 3 * BODY_SIZE)
            for item in view.agenda:
                self.agenda_item(item)
        if view.addenda:
            self.need(40 * MM)
            self.section(_("补充更正"), 3 * BODY_SIZE)
            for addendum in view.addenda:
                head = _("{date} 更正“{what}”:").format(date=addendum.date.isoformat(),
                                                      what=_public(addendum.corrects))
                texts = _paragraphs(addendum.text)
                by = _("记录人:{name}").format(name=clean_line(addendum.recorded_by))
                self.need(self.para_height(head) + sum(self.para_height(t, indent=True) for t in texts)
                          + self.para_height(by))
                self.para(head)
                for text in texts:
                    self.para(text, indent=True, leading=1.65)
                self.para(by)
        signers = _signers(view)
        self.space(8 * MM)
        self.need(1.4 * H1_SIZE + 17 + self.signature_height(signers))
        self.space(12)
        self.heading(_("签 字"), H1_SIZE, leading=1.4 * H1_SIZE)
        self.y -= 5
        self.signature_rows(signers)

    def agenda_item(self, item) -> None:  # type: ignore[no-untyped-def]
        heading = _("议题{n}:{title}").format(n=clean_line(item.number), title=_public(item.title))
        discussion = _paragraphs(item.discussion)
        first = self.para_height(heading, H2_SIZE, leading=1.4, before=8, after=3)
        if discussion:
            first += self.para_height(_("讨论情况:")) + self.para_height(discussion[0], indent=True, leading=1.65)
        self.need(min(first, self.top - self.bottom))
        self.para(heading, H2_SIZE, leading=1.4, before=8, after=3, bold=True)
        if discussion:
            self.para(_("讨论情况:"))
            for text in discussion:
                self.para(text, indent=True, leading=1.65)
        for motion in item.motions:
            self.motion(motion)

    def motion(self, motion: MotionLine) -> None:
        title = _motion_title(motion)
        special = _special_line(motion.special)
        reason = _("说明:{reason}").format(reason=_public(motion.reason)) if motion.reason.strip() else ""
        rows = _count_rows(motion)
        widths = [self.width / 4] * 4
        height = (self.para_height(title) + (self.para_height(special, before=3) if special else 0.0)
                  + self.grid_height(rows, widths) + (self.para_height(reason, before=3) if reason else 0.0))
        self.need(min(height, self.top - self.bottom))  # kept together on one page
        self.para(title)
        if special:
            self.para(special, before=3)
        self.grid(rows, widths)
        self.y -= 2
        if reason:
            self.para(reason, before=3)
        named = _named_lines(motion)
        if named:
            self.need(self.para_height(_("记名表决:")) + self.para_height(named[0], indent=True, leading=1.65))
            self.para(_("记名表决:"))
            for line in named:
                self.para(line, indent=True, leading=1.65)
        if motion.resolution.strip():
            self.boxed(_("决议:{text}").format(text=_public(motion.resolution)))

    def attendance_lists(self, attendees: Sequence[AttendeeLine]) -> None:
        """Hundreds of villagers as lists of names, by attendance and then by group, in the register's order."""
        order = list(dict.fromkeys(clean_line(a.group_name) for a in attendees))
        for status in _status_order(attendees):
            people = [a for a in attendees if clean_line(a.status_label) == status]
            self.need(35 * MM)  # the heading, its first group heading and a row of names
            self.para(_status_heading(status, len(people)), H2_SIZE, leading=1.4, before=8, after=3, bold=True)
            groups: dict[str, list[str]] = {group: [] for group in order}
            for person in people:
                groups[clean_line(person.group_name)].append(_entry(person))
            groups = {group: entries for group, entries in groups.items() if entries}
            for group, entries in groups.items():
                if len(groups) > 1 or group:
                    self.need(20 * MM)
                    self.para(_group_heading(group, len(entries)), BODY_SIZE, leading=1.5, before=7, after=2,
                              gray=GRAY)
                self.name_grid(entries)

    def name_grid(self, entries: list[str]) -> None:
        size, pad = NAME_SIZE, 8.0
        m = self.m
        widths = sorted(m.width(e, size) for e in entries)
        typical = widths[int(0.9 * (len(widths) - 1))] + pad
        columns = max(2, min(7, int(self.width // max(typical, 4 * size + pad))))
        col_w = self.width / columns
        leading = 1.3 * size
        for i in range(0, len(entries), columns):
            cells = [m.wrap(e, size, col_w - pad) for e in entries[i:i + columns]]
            height = max(len(c) for c in cells) * leading + 5
            if not self.fits(height):
                self.new_page()
            top = self.y
            for k, lines in enumerate(cells):
                base = baseline(top - 2, leading, size)
                for line in lines:
                    self.put(self.ops, self.left + k * col_w + pad / 2, base, line, size)
                    base -= leading
            self.y -= height
            self.ops.append(Line(self.left, self.y, self.right, self.y, 0.25, 0.8))


def minutes_printout(view: MinutesView) -> Printout:
    """The minutes of one meeting as printed pages.

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped font
    has, before anything is laid out.
    """
    minutes = _minutes(view)
    pages = _MinutesPages(minutes, Metrics(_minutes_texts(minutes)))
    pages.story()
    title = clean_line(view.title) or clean_line(view.kind_label)
    return Printout(title=_("{title} 会议记录").format(title=title), pages=tuple(pages.finish(pages.footer)),
                    author=clean_line(view.village_name), subject=clean_line(view.kind_label), kind="minutes")


def render_minutes(view: MinutesView, out: Path) -> int:
    """Print the minutes of one meeting to the PDF ``out``; returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` with ``out`` left as it was when a
    character is in no shipped font.
    """
    return write_pdf(minutes_printout(view), out)


# ---------------------------------------------------------------- tally sheet


@dataclass(frozen=True)
class _Tally:
    view: TallyView
    header: str
    kicker: str
    title: str
    date_line: str
    facts: list[tuple[str, str]]
    motions: list[str]
    specials: list[str]


def _tally(view: TallyView) -> _Tally:
    present = _people(view.present) if view.present is not None else _("______ 人")
    facts = [(_("日期"), _date(view.date)), (_("地点"), _public(view.place)),
             (_("应到"), _people(view.members)), (_("实到"), present)]
    motions = [_public(text) for text in view.motions]
    specials = [_special_line(text) for text in view.specials] + [""] * (len(motions) - len(view.specials))
    header = " ".join(p for p in (clean_line(view.village_name), clean_line(view.kind_label), _("计票单")) if p)
    kicker = " ".join(p for p in (clean_line(view.village_name), clean_line(view.kind_label)) if p)
    return _Tally(view, header, kicker, clean_line(view.title), _print_date(view.print_date), facts, motions,
                  specials)


def _tally_title(number: int, text: str) -> str:
    return _("表决事项{n}:{text}").format(n=number, text=text) if text else _("表决事项{n}:").format(n=number)


def _tally_rows() -> list[list[Cell]]:
    head = [Cell(_("选项"), HEAD_FILL, "centre"), Cell(_("计票(画“正”字)"), HEAD_FILL, "centre"),
            Cell(_("合计(票)"), HEAD_FILL, "centre")]
    rows = [head] + [[Cell(option, None, "centre"), Cell(), Cell()]
                     for option in (_("赞成"), _("反对"), _("弃权"), _("无效"))]
    rows.append([Cell(_("合计"), None, "centre"), Cell(_("四项之和,应与实到人数(或发出票数)相符")), Cell()])
    return rows


def _tally_texts(t: _Tally) -> Iterable[str]:
    yield from (t.header, t.kicker, t.title, t.date_line, _("计 票 单"), *t.motions, *t.specials,
                *_facts_texts(t.facts), *texts_of(_tally_rows()), _("{label}:"), _("计票人"), _("监票人"), _("主持人"))
    yield from page_texts(_("第 {page} 页 / 共 {total} 页"))
    for n, text in enumerate(t.motions or [""], start=1):
        yield _tally_title(n, text)


class _TallyPages(MeetingFlow):
    def __init__(self, tally: _Tally, metrics: Metrics) -> None:
        super().__init__(metrics)
        self.t = tally
        self.running_header(self.frame, tally.header)
        self.set_top(self.h - (MARGIN_TOP + HEADER_SIZE + 14) - 6)
        self.set_bottom(self.margin_bottom + 3 * (FOOTER_SIZE + 3) + 10)

    def footer(self, ops: list[Op], number: int, total: int) -> None:
        self.footer_items(ops, number, total, self.t.date_line, [])

    def story(self) -> None:
        t = self.t
        _title_block(self, t.kicker, t.title, _("计 票 单"))
        _facts_grid(self, t.facts)
        expected = t.view.present if t.view.present is not None else t.view.members
        for n, (text, special) in enumerate(zip(t.motions, t.specials), start=1):
            self.block(n, text, expected, special)
        if not t.motions:
            self.block(1, "", expected, "")

    def block(self, number: int, text: str, expected: int, special: str) -> None:
        label_w, total_w = 24 * MM, 30 * MM
        box_w = self.width - label_w - total_w
        # one 正 is five votes and takes about 7 mm of a line: the box is as tall as the meeting needs
        per_line = max(1, int(box_w // (7 * MM)))
        lines = math.ceil(max(expected, 1) / 5 / per_line)
        box_h = min(max(lines * 8 * MM, 14 * MM), 30 * MM)  # one block still fits under the header of page 1
        rows = _tally_rows()
        widths = [label_w, box_w, total_w]
        heights: list[float | None] = [None] + [box_h] * 4 + [12 * MM]
        title = _tally_title(number, text)
        signers = [(_("计票人"), ""), (_("监票人"), ""), (_("主持人"), "")]
        height = (self.para_height(title, H2_SIZE, leading=1.4, before=8, after=3)
                  + (self.para_height(special, before=3) if special else 0.0)
                  + self.grid_height(rows, widths, heights=heights) + self.signature_height(signers, 3))
        self.need(min(height, self.top - self.bottom))  # a block is kept on one page
        self.para(title, H2_SIZE, leading=1.4, before=8, after=3, bold=True)
        if special:
            self.para(special, before=3)
        self.grid(rows, widths, heights=heights, rules={len(rows) - 1: 1.5})
        self.signature_rows(signers, columns=3, label=_("{label}:"))
        self.space(6 * MM)


def tally_printout(view: TallyView) -> Printout:
    """The tally sheet (计票单): one block per motion with room to tally by hand, and the counters' signatures.

    Raises :class:`~app.printing.fonts.MissingGlyphError` naming every character no shipped font
    has, before anything is laid out.
    """
    tally = _tally(view)
    pages = _TallyPages(tally, Metrics(_tally_texts(tally)))
    pages.story()
    return Printout(title=_("{title} 计票单").format(title=tally.title or tally.kicker),
                    pages=tuple(pages.finish(pages.footer)), author=clean_line(view.village_name),
                    subject=clean_line(view.kind_label), kind="tally")


def render_tally_sheet(view: TallyView, out: Path) -> int:
    """Print the tally sheet to the PDF ``out``; returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` with ``out`` left as it was when a
    character is in no shipped font.
    """
    return write_pdf(tally_printout(view), out)
