"""Printing a certificate (出具证明) with its stub, and the certificate register (台账).

A certificate is one A4 page: the stub (存根) the office keeps on top, a cut
line with the serial number printed across it (骑缝号, so a stub and a
certificate can be matched by their halves), and the certificate below with a
QR code and 核验码 for verification. Both are printouts of the one toolkit
(app.printing): :func:`certificate_printout` lays the page out as drawing
operations, measured with :class:`~app.printing.metrics.Metrics`;
:func:`register_printout` is a table on :class:`~app.printing.flow.Flow`. The
desktop program previews and prints them (ui/printing/preview.py); the
command line writes them with :func:`render_certificate` and
:func:`render_register`.

Every string is checked against the fonts first: a character no shipped font
has stops printing with a message naming it, never a blank box in someone's
name. A certificate that does not fit one page is refused rather than cut off.

Before a certificate is issued, the clerk sees it as a 样张 (specimen,
``specimen=True``): the same page without a serial number, QR code or 核验码,
marked 样张 in large gray type; nothing is numbered until the clerk confirms.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.certificates.view import CertificateView
from app.errors import internal
from app.files import WriteFailed, replacing
from app.i18n import _
from app.masking import mask_text
from app.printing.document import Printout
from app.printing.flow import Flow, TableStyle, baseline, page_texts
from app.printing.metrics import INVISIBLE, Metrics
from app.printing.ops import Line, Op, Page, Qr, Rect, Text
from app.printing.pages import MM, LayoutError, page_size
from app.printing.pdf import write_pdf
from app.printing.tables import PrintedTable
from app.printing.titles import balanced_lines

A4_W, A4_H = page_size("a4")
MARGIN_X = 20 * MM
SEAM_Y = A4_H - 86 * MM
"""The cut line sits at a fixed height so every stub in a bundle is the same size."""

QR_SIZE = 38 * MM
"""Outer size with the quiet zone; the code itself stays above 30 mm for phones and USB scanners."""

QR_LIFT = 38
"""Room under the QR code for the 核验码 and its label."""

SEAL_SIZE = 42 * MM
"""A village committee's round seal is 42 mm across."""

BODY_SIZES: tuple[tuple[float, float], ...] = ((16, 1.75), (15, 1.7), (14, 1.6), (14, 1.45))
"""(font size, leading factor) tried in order; 14 pt is the smallest an older reader should get."""

STUB_SIZES: tuple[float, ...] = (11.5, 11, 10.5, 10)
WIDE_STUB_SIZES: tuple[float, ...] = (9.5, 9)
"""Only for a stub whose long values (核实内容, 用途) each take a whole row: the office's copy, read at a desk."""

GRAY = 0.35
LIGHT = 0.6
LABEL_FILL = 0.93
SPECIMEN_GRAY = 0.82
"""The big 样张 across the page: light enough to read the text through it, dark enough to see from a desk away."""

PAPER_EDGE = 8 * MM
"""Nothing is printed nearer the paper's edge than this (office printers leave 3 to 5 mm blank)."""

CHECK_SENTENCE = _("扫二维码或输入核验码,可以查对这份{thing}有没有被改动。")
"""The one sentence under every 核验码, on notices, certificates and minutes alike (app.disclosure.layout)."""

VOID_KEY = "voided"
VOID_STATES = frozenset({"voided", "void", "已作废"})


class CertificateLayoutError(LayoutError):
    """The certificate does not fit one A4 page; nothing was printed."""


def specimen_word() -> str:
    return _("样张")


def chinese_date(day: datetime.date) -> str:
    """2026-11-24 -> '二〇二六年十一月二十四日', as dates are written on certificates."""
    digits = "〇一二三四五六七八九"

    def number(n: int) -> str:
        tens, ones = divmod(n, 10)
        if tens == 0:
            return digits[ones]
        return ("" if tens == 1 else digits[tens]) + "十" + ("" if ones == 0 else digits[ones])

    year = "".join(digits[int(c)] for c in str(day.year))
    return _("{year}年{month}月{day}日").format(year=year, month=number(day.month), day=number(day.day))


def issuing_unit(village_name: str) -> str:
    """The committee's formal name: '柳林村' is issued by '柳林村村民委员会'."""
    if village_name.endswith("委员会"):
        return village_name
    if village_name.endswith("社区"):
        return village_name + _("居民委员会")
    return village_name + _("村民委员会")


def reprint_mark(view: CertificateView) -> str:
    return _("补打（第{count}次打印）").format(count=view.print_count)


def specimen_mark() -> str:
    return _("样张 · 未开具,不能使用")


# ---------------------------------------------------------------- certificate


def render_certificate(path: Path, view: CertificateView) -> None:
    """Write the certificate with its stub as a one-page A4 PDF at ``path``.

    Raises :class:`~app.printing.fonts.MissingGlyphError` if a character is in
    no shipped font and :class:`CertificateLayoutError` if the text does not fit
    one page; in both cases ``path`` is left as it was.
    """
    write_pdf(certificate_printout(view), path)


def print_after_commit(store: Any, actor: str, work: Callable[[Any], tuple[Any, CertificateView | None]],
                       target: Callable[[CertificateView], Path]) -> tuple[Any, CertificateView | None, Path | None]:
    """Run ``work(session)`` in one write transaction and render the view it returns there.

    The PDF takes its name (``target(view)``) only after the commit: a power cut can
    leave a numbered certificate not yet printed (it can be reprinted), never a
    printed certificate whose number was not kept. A failed render rolls the
    transaction back, so no number is used. Returns (result, view, path).
    """
    with ExitStack() as files:
        with store.begin(actor) as session:
            result, view = work(session)
            if view is None:
                return result, None, None
            path = target(view)
            write_pdf(certificate_printout(view), files.enter_context(replacing(path)), atomic=False)
        try:
            files.close()  # the rename to the final name, after the commit
        except WriteFailed as exc:
            # the number is kept: saying only "not written" would have the clerk issue a second one
            raise WriteFailed(_("证明 {serial} 已登记,但没有写成 PDF 文件:{reason} "
                                "请用“补打”重新打印这份证明,不要重新开具。").format(serial=view.serial, reason=exc.message),
                              errno_=exc.errno) from exc
    return result, view, path


@internal
class _Undo(Exception):
    """Raised inside a transaction to roll it back on purpose; caught right there."""


def specimen_before_commit(store: Any, actor: str, work: Callable[[Any], tuple[Any, CertificateView | None]],
                           *, specimen: bool = True) -> tuple[Any, Printout | None]:
    """What ``work(session)`` would print, as a 样张, with nothing kept: (result, printout or None).

    ``work`` runs in a write transaction exactly as the real issuing will, so the 样张 shows the very
    text that will be printed; the transaction is then rolled back, so no serial number is used and
    nothing is recorded. A character no font has or a text too long for the page is found here,
    before anything is numbered. With ``specimen=False`` the page is the real one (a reprint, whose
    print is logged only once the printer took it).
    """
    held: list[tuple[Any, Printout | None]] = []
    try:
        with store.begin(actor) as session:
            result, view = work(session)
            held.append((result, None if view is None else certificate_printout(view, specimen=specimen)))
            raise _Undo
    except _Undo:
        pass
    return held[0]


def _public(text: str, keep: tuple[str, ...]) -> str:
    # The core masks personal numbers already; this is the net under it, since a
    # full ID number on paper handed across a counter cannot be taken back.
    return mask_text(text, keep=keep)


def _one_line(text: str) -> str:
    """Line breaks typed into a field print as spaces; only the body keeps its paragraphs."""
    return INVISIBLE.sub("", " ".join(str(text or "").replace("\t", " ").splitlines()))


def certificate_printout(view: CertificateView, *, specimen: bool = False) -> Printout:
    """The certificate with its stub on one A4 page.

    With ``specimen`` it is the 样张 shown before issuing: no serial number (样张 where it goes), no
    QR code and no 核验码, 样张 in large gray type across both halves. Everything else is the page
    that issuing prints.
    """
    page = _Certificate(view, specimen).page()
    title = _("{title}(样张)").format(title=view.title) if specimen else view.title
    return Printout(title, (page,), author=issuing_unit(view.village_name),
                    subject="" if specimen else view.serial, kind="certificate")


@dataclass(frozen=True)
class _Stub:
    size: float
    leading: float
    pad: float
    rows: list[tuple[list[tuple[float, float, list[str], bool]], float]]
    """Each row: its cells (x, width, lines, is a label) and its height."""


class _Certificate:
    def __init__(self, view: CertificateView, specimen: bool) -> None:
        self.v = view
        self.specimen = specimen
        keep = (view.village_code,)
        self.serial = specimen_word() if specimen else _one_line(view.serial)
        self.code = "" if specimen else _one_line(view.check_code)
        self.title = _one_line(view.title)
        self.unit = _one_line(issuing_unit(view.village_name))
        self.date = chinese_date(view.issue_date)
        self.village_code = _one_line(view.village_code)
        self.stub_rows: list[tuple[str, str]] = [
            (_("编号"), self.serial),
            (_("证明种类"), _one_line(view.kind_name)),
            (_("申请人"), _one_line(view.applicant_name)),
            (_("出具日期"), _("{y}年{m}月{d}日").format(y=view.issue_date.year, m=view.issue_date.month,
                                                    d=view.issue_date.day)),
            (_("用途"), _public(_one_line(view.purpose), keep)),
            (_("核实人"), _one_line(view.verifier)),
            (_("审批人"), _one_line(view.approver)),
        ]
        self.stub_rows += [(_one_line(label), _public(_one_line(value), keep)) for label, value in view.stub_lines]
        # the certificate is handed to the applicant to identify them: their own number is printed whole in the
        # body (a school or an office must match it); the stub kept in the village shows it masked
        body_keep = (*keep, view.applicant_id_number)
        self.paragraphs = [INVISIBLE.sub("", line.strip()) for line in _public(view.body, body_keep).splitlines()]
        self.paragraphs = [p for p in self.paragraphs if p]
        shown_purpose = _public(_one_line(view.purpose), body_keep)
        # the reference texts end with 此证明用于{purpose}: a 用途 line under them would say it twice
        joined = "".join(self.paragraphs)
        said = any(lead + shown_purpose in joined for lead in ("用于", "用途:", "用途：", "用途"))
        self.purpose = "" if shown_purpose and said else _("用途：{purpose}").format(purpose=shown_purpose)
        self.m = Metrics(self._texts())
        self.ops: list[Op] = []

    def _texts(self) -> Iterable[str]:
        yield from (_("存　根"), _("（本联由出具单位留存备查）"), reprint_mark(self.v), specimen_mark(),
                    _("沿此线剪开"), _("骑缝编号"), self.serial, _("编号：{serial}").format(serial=self.serial),
                    self.title, *self.paragraphs, self.purpose, self.code, _("核验码"),
                    CHECK_SENTENCE.format(thing=_("证明")), _("本证明未加盖公章无效"), self.unit, self.village_code,
                    self.date, _("统一社会信用代码"), _("盖章处"), _("不能核验"), "0123456789")
        for label, value in self.stub_rows:
            yield label
            yield value

    # ------------------------------------------------ drawing helpers

    def text(self, x: float, y: float, text: str, size: float, gray: float = 0.0) -> float:
        """``text`` with its baseline at (x, y), in runs of one font each; returns where it ends."""
        for font, part in self.m.runs(text):
            w = self.m.width(part, size)
            self.ops.append(Text(x, y, part, size, font, w, False, gray))
            x += w
        return x

    def centred(self, cx: float, y: float, text: str, size: float, gray: float = 0.0) -> None:
        self.text(cx - self.m.width(text, size) / 2, y, text, size, gray)

    def right(self, right: float, y: float, text: str, size: float, gray: float = 0.0) -> None:
        self.text(right - self.m.width(text, size), y, text, size, gray)

    def dashed(self, x1: float, y1: float, x2: float, y2: float, on: float, off: float, width: float,
               gray: float) -> None:
        length = math.hypot(x2 - x1, y2 - y1)
        if length <= 0:
            return
        dx, dy = (x2 - x1) / length, (y2 - y1) / length
        at = 0.0
        while at < length:
            end = min(at + on, length)
            self.ops.append(Line(x1 + dx * at, y1 + dy * at, x1 + dx * end, y1 + dy * end, width, gray))
            at = end + off

    def dashed_rect(self, x: float, y: float, w: float, h: float, on: float, off: float, width: float,
                    gray: float) -> None:
        self.dashed(x, y, x + w, y, on, off, width, gray)
        self.dashed(x + w, y, x + w, y + h, on, off, width, gray)
        self.dashed(x + w, y + h, x, y + h, on, off, width, gray)
        self.dashed(x, y + h, x, y, on, off, width, gray)

    def circle(self, cx: float, cy: float, r: float, width: float, gray: float) -> None:
        steps = 14
        points = [(cx + r * math.cos(2 * math.pi * i / steps), cy + r * math.sin(2 * math.pi * i / steps))
                  for i in range(steps + 1)]
        for (x1, y1), (x2, y2) in zip(points, points[1:]):
            self.ops.append(Line(x1, y1, x2, y2, width, gray))

    # ------------------------------------------------ the page

    def page(self) -> Page:
        stub = self._fit_stub()
        body = self._fit_body()
        if self.specimen:
            self._specimen_marks()
        self._stub(stub)
        self._seam()
        self._certificate(body)
        return Page(A4_W, A4_H, 1, 1, tuple(self.ops),
                    (PAPER_EDGE, PAPER_EDGE, A4_W - PAPER_EDGE, A4_H - PAPER_EDGE))

    def _specimen_marks(self) -> None:
        """样张 in large gray type across the stub and the certificate, under everything else."""
        word = specimen_word()
        for size, middle in ((110.0, (A4_H - 14 * MM - 34 + SEAM_Y + 9 * MM) / 2),
                             (190.0, (_body_top() + _body_bottom()) / 2)):
            self.centred(A4_W / 2, middle - 0.38 * size, word, size, SPECIMEN_GRAY)

    def _mark(self, left: float, y: float) -> None:
        """The boxed 补打 (a reprint) or 样张 (a specimen) mark at the top left of each half."""
        if self.specimen:
            text = specimen_mark()
        elif self.v.reprint:
            text = reprint_mark(self.v)
        else:
            return
        size = 13
        self.ops.append(Rect(left, y - 6, self.m.width(text, size) + 12, size + 10, None, 0.0, 1.6))
        self.text(left + 6, y, text, size)

    # ------------------------------------------------ stub

    def _fit_stub(self) -> _Stub:
        """The stub's grid: label and value side by side, two to a row, as on the paper stub books; when that
        does not fit, the values too long for half a row get a whole row each and the type gets smaller."""
        available = (A4_H - 14 * MM - 34) - (SEAM_Y + 9 * MM)
        width = A4_W - 2 * MARGIN_X
        for wide, sizes, pad in ((False, STUB_SIZES, 7.0), (True, STUB_SIZES + WIDE_STUB_SIZES, 5.0)):
            for size in sizes:
                stub = self._stub_grid(width, size, wide, pad)
                if sum(height for _cells, height in stub.rows) <= available:
                    return stub
        raise CertificateLayoutError(
            _("存根的栏目太多或太长，一页纸打印不下。请减少存根栏目或缩短内容后再打印。")
        )

    def _stub_grid(self, width: float, size: float, wide: bool, pad: float) -> _Stub:
        items = list(self.stub_rows)
        leading = 1.3 * size

        def label_width(labels: list[str]) -> float:
            longest = max((self.m.width(label, size) for label in labels), default=0)
            return min(max(longest, size * 3), size * 7) + 13

        left_w = label_width([label for label, _value in items[0::2]])
        right_w = label_width([label for label, _value in items[1::2]])
        value_w = (width - left_w - right_w) / 2
        long: list[tuple[str, str]] = []
        if wide:
            short = [(label, value) for label, value in items if len(self.m.wrap(value, size, value_w - 12)) <= 1]
            long = [item for item in items if item not in short]
            items = short
            left_w = right_w = label_width([label for label, _value in items + long])
            value_w = (width - left_w - right_w) / 2
        if len(items) % 2:
            items.append(("", ""))
        rows: list[tuple[list[tuple[float, float, list[str], bool]], float]] = []

        def row(parts: list[tuple[str, str, float, float]]) -> None:
            cells: list[tuple[float, float, list[str], bool]] = []
            x = MARGIN_X
            for label, value, lw, vw in parts:
                cells.append((x, lw, self.m.wrap(label, size, lw - 12) if label else [""], True))
                cells.append((x + lw, vw, self.m.wrap(value, size, vw - 12) if value else [""], False))
                x += lw + vw
            rows.append((cells, max(len(lines) for _x, _w, lines, _l in cells) * leading + pad))

        for i in range(0, len(items), 2):
            (l1, v1), (l2, v2) = items[i], items[i + 1]
            row([(l1, v1, left_w, value_w), (l2, v2, right_w, value_w)])
        for label, value in long:
            row([(label, value, left_w, width - left_w)])
        return _Stub(size, leading, pad, rows)

    def _stub(self, stub: _Stub) -> None:
        top = A4_H - 14 * MM
        title = _("存　根")
        self.centred(A4_W / 2, top - 20, title, 20)
        note = _("（本联由出具单位留存备查）")
        self.text(A4_W / 2 + self.m.width(title, 20) / 2 + 8, top - 19, note, 9)
        self._mark(MARGIN_X, top - 21)
        size, leading, pad = stub.size, stub.leading, stub.pad
        right = A4_W - MARGIN_X
        y = top - 34
        self.ops.append(Line(MARGIN_X, y, right, y, 0.6, GRAY))
        for cells, height in stub.rows:
            for x, w, lines, label in cells:
                if label:
                    self.ops.append(Rect(x, y - height, w, height, LABEL_FILL))
                # centred in the row, as the rows of the paper stub books are
                line_top = y - (pad - 1) / 2 - (height - pad - len(lines) * leading) / 2
                for line in lines:
                    if line:
                        self.text(x + 6, baseline(line_top, leading, size), line, size, GRAY if label else 0.0)
                    line_top -= leading
            for x in [cell[0] for cell in cells] + [right]:
                self.ops.append(Line(x, y, x, y - height, 0.6, GRAY))
            y -= height
            self.ops.append(Line(MARGIN_X, y, right, y, 0.6, GRAY))

    # ------------------------------------------------ the cut

    def _seam(self) -> None:
        size = 15
        pad = 9
        box_w = self.m.width(self.serial, size) + 2 * pad
        box_h = size + 2 * pad
        box_left = A4_W / 2 - box_w / 2
        self.dashed(PAPER_EDGE, SEAM_Y, box_left - 4, SEAM_Y, 6, 4, 0.8, GRAY)
        self.dashed(box_left + box_w + 4, SEAM_Y, A4_W - PAPER_EDGE, SEAM_Y, 6, 4, 0.8, GRAY)
        # The box is centred on the cut, so each half keeps half of every character:
        # a stub and a certificate are matched by putting their halves together.
        self.ops.append(Rect(box_left, SEAM_Y - box_h / 2, box_w, box_h, None, 0.0, 1.0))
        self.text(box_left + pad, SEAM_Y - size * 0.36, self.serial, size)
        self._scissors(12 * MM, SEAM_Y)
        label = _("沿此线剪开")
        self.text(20 * MM, SEAM_Y + 4, label, 9, GRAY)
        self.right(A4_W - PAPER_EDGE, SEAM_Y + 4, label, 9, GRAY)
        seam_label = _("骑缝编号")
        self.right(box_left - 8, SEAM_Y - 13, seam_label, 9, GRAY)

    def _scissors(self, x: float, y: float) -> None:
        # Drawn as lines because the scissors character is only in an optional font.
        self.circle(x - 10, y + 4, 2.6, 1.0, GRAY)
        self.circle(x - 10, y - 4, 2.6, 1.0, GRAY)
        self.ops.append(Line(x - 7.6, y + 3, x + 9, y - 2.2, 1.0, GRAY))
        self.ops.append(Line(x - 7.6, y - 3, x + 9, y + 2.2, 1.0, GRAY))

    # ------------------------------------------------ the certificate

    def _fit_body(self) -> list[tuple[float, float, list[str], float, float]]:
        """Paragraphs as (size, leading, lines, first-line indent, space after), with the space before each."""
        width = A4_W - 2 * MARGIN_X
        available = _body_top() - _body_bottom()
        for size, factor in BODY_SIZES:
            leading = size * factor
            blocks: list[tuple[float, float, list[str], float, float]] = []
            used = 0.0
            for text in self.paragraphs:
                lines = self.m.wrap(text, size, width, width - 2 * size)
                blocks.append((size, leading, lines, 2 * size, size * 0.4))
                used += len(lines) * leading + size * 0.4
            if self.purpose:
                small = size - 2
                lines = self.m.wrap(self.purpose, small, width)
                used += size * 0.3
                blocks.append((small, small * 1.5, lines, 0.0, -size * 0.3))
                used += len(lines) * small * 1.5
            if used <= available:
                return blocks
        raise CertificateLayoutError(
            _("证明正文太长（{count}字），一张A4纸打印不下。请删减正文后再打印。").format(
                count=len(self.v.body.replace("\n", ""))
            )
        )

    def _certificate(self, fitted: list[tuple[float, float, list[str], float, float]]) -> None:
        top = SEAM_Y - 12 * MM
        serial = _("编号：{serial}").format(serial=self.serial)
        self.right(A4_W - MARGIN_X, top - 10, serial, 12)
        self._mark(MARGIN_X, top - 12)
        self._title(top - 56)

        y = _body_top()
        for size, leading, lines, indent, after in fitted:
            if after < 0:  # the purpose line: its space comes before it
                y += after
            for n, line in enumerate(lines):
                self.text(MARGIN_X + (indent if n == 0 else 0.0), baseline(y, leading, size), line, size)
                y -= leading
            if after > 0:
                y -= after

        bottom = 14 * MM + 16
        self._qr(MARGIN_X, bottom)
        self._signature(bottom)
        self.text(MARGIN_X, 12 * MM, CHECK_SENTENCE.format(thing=_("证明")), 8.5, GRAY)
        self.right(A4_W - MARGIN_X, 12 * MM, _("本证明未加盖公章无效"), 8.5, GRAY)

    def _title(self, y: float) -> None:
        title = self.title
        width = A4_W - 2 * MARGIN_X
        size = 28.0
        # Short titles are spaced out, as on printed forms; long ones shrink to fit.
        gap = size * 0.5 if len(title) <= 6 else 0.0
        while size > 16 and self.m.width(title, size) + gap * (len(title) - 1) > width:
            size -= 1
            gap = 0.0
        if self.m.width(title, size) > width:
            raise CertificateLayoutError(_("证明标题“{title}”太长，一行打印不下。请缩短标题。").format(title=title))
        total = self.m.width(title, size) + gap * (len(title) - 1)
        x = A4_W / 2 - total / 2
        if not gap:
            self.text(x, y, title, size)
            return
        for char in title:
            x = self.text(x, y, char, size) + gap

    def _qr(self, x: float, bottom: float) -> None:
        qr_bottom = bottom + QR_LIFT
        if self.specimen:
            # a 样张 carries nothing a phone or a scanner could take for a real certificate
            self.dashed_rect(x, qr_bottom, QR_SIZE, QR_SIZE, 3, 3, 0.8, LIGHT)
            self.centred(x + QR_SIZE / 2, qr_bottom + QR_SIZE / 2 + 4, specimen_word(), 16, LIGHT)
            self.centred(x + QR_SIZE / 2, qr_bottom + QR_SIZE / 2 - 16, _("不能核验"), 11, LIGHT)
        elif self.v.qr_payload:
            self.ops.append(Qr(x, qr_bottom, QR_SIZE, self.v.qr_payload))

        # One character per cell, so 0/O and 1/I are read one at a time and typed correctly.
        size = 17
        cells = max(len(self.v.check_code), 6)
        pitch = QR_SIZE / cells
        cell_bottom = bottom + 12
        for i in range(cells):
            left = x + i * pitch
            self.ops.append(Rect(left + 1, cell_bottom, pitch - 2, size + 6, None, GRAY, 0.6))
        for i, char in enumerate(self.code):
            left = x + i * pitch
            self.text(left + pitch / 2 - self.m.width(char, size) / 2, cell_bottom + 5, char, size)
        self.text(x, bottom, _("核验码"), 8.5, GRAY)

    def _signature(self, bottom: float) -> None:
        right = A4_W - MARGIN_X
        seal_left = MARGIN_X + QR_SIZE + 10 * MM
        text_left = seal_left + SEAL_SIZE + 6 * MM
        width = right - text_left
        lines = [
            (self._fit(self.unit, width, 15, 10, _("出具单位名称")), self.unit),
            (self._fit(self.village_code, width, 10.5, 8, _("统一社会信用代码")), self.village_code),
            (self._fit(self.date, width, 15, 10, _("日期")), self.date),
        ]
        top = bottom + SEAL_SIZE + 6
        ys = [top - 40, top - 76, top - 112]
        for (size, text), y in zip(lines, ys):
            self.right(right, y, text, size)
        self.right(right, ys[1] + 13, _("统一社会信用代码"), 8.5, GRAY)

        seal_bottom = bottom + 6
        self.dashed_rect(seal_left, seal_bottom, SEAL_SIZE, SEAL_SIZE, 3, 3, 0.8, LIGHT)
        self.centred(seal_left + SEAL_SIZE / 2, seal_bottom + SEAL_SIZE / 2 - 5, _("盖章处"), 14, LIGHT)

    def _fit(self, text: str, width: float, size: float, smallest: float, what: str) -> float:
        while size > smallest and self.m.width(text, size) > width:
            size -= 0.5
        if self.m.width(text, size) > width:
            raise CertificateLayoutError(_("{what}“{text}”太长，一行打印不下。").format(what=what, text=text))
        return size


def _body_top() -> float:
    return SEAM_Y - 38 * MM


def _body_bottom() -> float:
    return 14 * MM + 16 + QR_SIZE + QR_LIFT


# ------------------------------------------------------------------- register

REGISTER_MARGIN = 14 * MM
REGISTER_TITLE_SIZE = 16.0
REGISTER_SIZE = 10.5
REGISTER_STYLE = TableStyle(size=REGISTER_SIZE, title_size=REGISTER_SIZE, leading=1.3, pad_x=6.0, pad_y=3.5)
VOID_FILL = 0.95

# register columns whose values must not be broken over two lines
UNBROKEN = frozenset({"serial", "applicant_id_masked", "issue_date", "applied_on", "due_date"})
NUMERIC = frozenset({"print_count"})


def render_register(
    path: Path, title: str, rows: list[dict], columns: list[tuple[str, str]], *, state_key: str = "state"
) -> None:
    """Print the certificate register (台账) as a table on A4 landscape (see :func:`register_printout`)."""
    write_pdf(register_printout(title, rows, columns, state_key=state_key), path)


def register_printout(title: str, rows: list[dict], columns: list[tuple[str, str]], *,
                      state_key: str = "state") -> Printout:
    """The certificate register (台账) as a table on A4 landscape.

    ``columns`` are (row key, Chinese header) in print order. A row whose
    ``voided`` is true, or whose ``state_key`` value is 'voided' or '已作废',
    prints with 已作废 in that column and the rest of the row in gray on a gray
    ground. The title and the header row are on every page and each page is
    numbered 第 x 页 / 共 y 页. Serials, ID numbers and dates never break.
    """
    title = _one_line(title)
    labels = [_one_line(label) for _key, label in columns]
    texts: list[list[str]] = []
    voided: list[bool] = []
    for row in rows:
        void = _is_void(row, state_key)
        voided.append(void)
        texts.append([_cell_text(row, key, state_key, void) for key, _label in columns])
    keys = [key for key, _label in columns]
    table = PrintedTable(
        "", labels, texts,
        numeric=frozenset(i for i, key in enumerate(keys) if key in NUMERIC),
        unbroken=frozenset(i for i, key in enumerate(keys) if key in UNBROKEN),
        # voided rows in gray on a light gray ground, 已作废 in black
        muted=frozenset(r for r, void in enumerate(voided) if void),
        muted_keep=frozenset(i for i, key in enumerate(keys) if key == state_key))

    def everything() -> Iterable[str]:
        yield title
        yield from labels
        yield from page_texts(_("(无)"))
        yield _("(无)")
        for line in texts:
            yield from line

    metrics = Metrics(everything())
    flow = Flow(metrics, paper="a4", landscape=True, margin_side=REGISTER_MARGIN,
                margin_top=9 * MM, margin_bottom=REGISTER_MARGIN + 6)
    title_leading = 1.4 * REGISTER_TITLE_SIZE
    top = flow.h - 9 * MM
    # on every page; a title too long for one line is split in even lines between words
    for line in balanced_lines(metrics, title, REGISTER_TITLE_SIZE, flow.width):
        flow.put(flow.frame, (flow.w - metrics.width(line, REGISTER_TITLE_SIZE)) / 2,
                 baseline(top, title_leading, REGISTER_TITLE_SIZE), line, REGISTER_TITLE_SIZE, bold=True)
        top -= title_leading
    flow.set_top(top - 6)
    flow.table(table, REGISTER_STYLE, name=title)

    def footer(ops: list[Op], number: int, total: int) -> None:
        flow.page_number(ops, number, total, REGISTER_MARGIN - 2, 10, bold=False)

    return Printout(title, tuple(flow.finish(footer)), kind="certificate-register")


def _is_void(row: dict, state_key: str) -> bool:
    return bool(row.get(VOID_KEY)) or str(row.get(state_key, "")).strip() in VOID_STATES


def _cell_text(row: dict, key: str, state_key: str, voided: bool) -> str:
    if key == state_key and voided:
        return _("已作废")
    value = row.get(key)
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return _("是") if value else _("否")
    return _one_line(str(value)).strip()


__all__ = ["A4_H", "A4_W", "CHECK_SENTENCE", "CertificateLayoutError", "MM", "SEAM_Y",
           "certificate_printout", "chinese_date", "issuing_unit", "print_after_commit", "register_printout",
           "render_certificate", "render_register", "specimen_before_commit"]
