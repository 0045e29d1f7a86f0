"""Printing notices (村务公开) and the villagers' feedback list (阳光评议) to PDF.

The pages come from :func:`app.disclosure.layout.layout_notice`, the same layout the
editor's preview paints, so what the clerk saw is what the board gets. This module only
draws those operations on a ReportLab canvas with the shipped fonts embedded as
subsets. Layout happens before the file is opened: a character no font has, or a table
that cannot fit the paper, stops printing with a message and leaves no file behind;
the PDF itself is written to a temporary name and renamed (app.files.replacing).

ReportLab is imported inside the functions: start-up must stay fast for clerks who do not print.
"""

from __future__ import annotations

import datetime
import io
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from app.disclosure.layout import (
    QR_QUIET,
    Line,
    Page,
    Qr,
    Rect,
    Text,
    category_label,
    issuing_unit,
    layout_notice,
    qr_modules,
)
from app.disclosure.view import NoticeTable, NoticeView
from app.files import replacing
from app.i18n import _
from app.printing.fonts import register_fonts

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

BOLD_STROKE = 0.035
"""Outline stroke, as a fraction of the type size, that makes the regular face read as bold."""


def render_notice(view: NoticeView, out: Path, *, paper: str = "a4", landscape: bool = False) -> int:
    """Print ``view`` to the PDF ``out``; returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` or
    :class:`~app.disclosure.layout.NoticeLayoutError` with ``out`` left as it was.
    """
    pages = layout_notice(view, paper=paper, landscape=landscape)
    with replacing(Path(out)) as tmp:
        _write(str(tmp), pages, view)
    return len(pages)


def notice_pdf_bytes(view: NoticeView, *, paper: str = "a4", landscape: bool = False) -> bytes:
    """The PDF of ``view`` in memory, for a print dialog or a test."""
    pages = layout_notice(view, paper=paper, landscape=landscape)
    buffer = io.BytesIO()
    _write(buffer, pages, view)
    return buffer.getvalue()


def feedback_view(village_name: str, notice_number: str, title: str, rows: Sequence[Sequence[str]], *,
                  print_date: datetime.date | None = None) -> NoticeView:
    """The villagers' questions on a notice and the answers, as a notice of its own with one table."""
    columns = [_("日期"), _("提问人"), _("问题"), _("答复"), _("答复人"), _("答复日期")]
    table = NoticeTable(title="", columns=columns, rows=[list(row) for row in rows])
    return NoticeView(
        village_name=village_name, number=notice_number,
        title=_("“{title}”村民意见及答复").format(title=title), category=_("阳光评议"), period_label="",
        body=_("以下是村民对本公开事项提出的意见和问题,以及村民委员会的答复。对答复仍有疑问的,"
               "可向村务监督委员会反映。"),
        tables=[table], print_date=print_date or datetime.date.today())


def render_feedback_list(village_name: str, notice_number: str, title: str, rows: Sequence[Sequence[str]],
                         out: Path, *, paper: str = "a4", landscape: bool = True) -> int:
    """Print the feedback list (阳光评议) of one notice; returns the number of pages written.

    Landscape by default: questions and answers are the long columns. Names stay; ID numbers,
    phones and bank accounts typed into a question or an answer are masked like any notice text.
    """
    return render_notice(feedback_view(village_name, notice_number, title, rows), out, paper=paper,
                         landscape=landscape)


def _write(target: str | IO[bytes], pages: list[Page], view: NoticeView) -> None:
    register_fonts()
    from reportlab.pdfgen.canvas import Canvas

    first = pages[0]
    canvas = Canvas(target, pagesize=(first.width, first.height), pageCompression=1)
    canvas.setTitle(view.title)
    canvas.setAuthor(issuing_unit(view.village_name))
    canvas.setSubject(" ".join(p for p in (view.number, category_label(view.category), view.period_label) if p))
    canvas.setCreator(_("村务"))
    draw_pages(canvas, pages)
    with binary_streams():
        canvas.save()


_stream_lock = threading.Lock()


@contextmanager
def binary_streams() -> Iterator[None]:
    """Compressed streams written as they are, not re-encoded as ASCII85 text.

    ReportLab wraps every compressed stream in ASCII85 by default, for channels that
    only carry 7-bit text; a PDF for a printer or a USB stick does not need it, and
    without ReportLab's optional C accelerator the encoding alone is a fifth of the time
    a long notice takes. The switch is ReportLab's global setting, so it is held under
    a lock and put back; a certificate printed meanwhile only comes out smaller.
    """
    from reportlab import rl_config

    with _stream_lock:
        saved = rl_config.useA85
        rl_config.useA85 = 0
        try:
            yield
        finally:
            rl_config.useA85 = saved


def draw_pages(canvas: Canvas, pages: list[Page]) -> None:
    """Draw laid-out pages on ``canvas``, one PDF page each."""
    painter = _Painter(canvas)
    for page in pages:
        canvas.setPageSize((page.width, page.height))
        painter.page(page)
        canvas.showPage()


class _Painter:
    """Writes a page's operations as PDF content directly.

    A 2,000-line ledger is some 17,000 strings; ``Canvas.drawString`` builds a text object,
    measures the string again and formats every number through a general routine for each of
    them, which is most of the time a notice takes to print. Here a page is one run of
    content operators, text runs are encoded with the font's own subset assignment
    (``TTFont.splitString``, the call ReportLab's text objects use) and nothing is measured:
    the layout already did.
    """

    def __init__(self, canvas: Canvas) -> None:
        from reportlab.lib.rl_accel import escapePDF
        from reportlab.pdfbase import pdfmetrics

        self.canvas = canvas
        self.doc = canvas._doc  # what ReportLab's own text objects pass to splitString
        self.escape = escapePDF
        self.fonts: dict[str, Any] = {}  # ReportLab TTFont
        self.encoded: dict[tuple[str, str], list[tuple[str, str]]] = {}
        self.forms: dict[str, tuple[str, int]] = {}
        self.get_font = pdfmetrics.getFont

    def page(self, page: Page) -> None:
        out: list[str] = ["q"]
        emit = out.append
        in_text = False
        font: tuple[str, float] | None = None
        fill: float | None = None
        stroke: float | None = None
        width: float | None = None
        mode = 0
        qrs: list[Qr] = []
        for op in page.ops:
            kind = type(op)
            if kind is Text:
                if not in_text:
                    emit("BT")
                    in_text = True
                    font = None
                if fill != op.gray:
                    fill = op.gray
                    emit("%.3f g" % fill)
                if op.bold:
                    if stroke != op.gray:
                        stroke = op.gray
                        emit("%.3f G" % stroke)
                    w = op.size * BOLD_STROKE
                    if width != w:
                        width = w
                        emit("%.3f w" % w)
                    if mode != 2:
                        mode = 2
                        emit("2 Tr")
                elif mode:
                    mode = 0
                    emit("0 Tr")
                emit("1 0 0 1 %.2f %.2f Tm" % (op.x, op.y))
                for name, shown in self._encoded(op.font, op.text):
                    if font != (name, op.size):
                        font = (name, op.size)
                        emit("%s %.2f Tf" % (name, op.size))
                    emit(shown)
                continue
            if in_text:
                emit("ET")
                in_text = False
            if kind is Line:
                if stroke != op.gray:
                    stroke = op.gray
                    emit("%.3f G" % stroke)
                if width != op.width:
                    width = op.width
                    emit("%.3f w" % width)
                emit("%.2f %.2f m %.2f %.2f l S" % (op.x1, op.y1, op.x2, op.y2))
            elif kind is Rect:
                paint = ""
                if op.fill is not None:
                    paint = "f"
                    if fill != op.fill:
                        fill = op.fill
                        emit("%.3f g" % fill)
                if op.stroke is not None:
                    paint = "B" if paint else "S"
                    if stroke != op.stroke:
                        stroke = op.stroke
                        emit("%.3f G" % stroke)
                    if width != op.width:
                        width = op.width
                        emit("%.3f w" % width)
                if paint:
                    emit("%.2f %.2f %.2f %.2f re %s" % (op.x, op.y, op.w, op.h, paint))
            elif kind is Qr:
                qrs.append(op)
        if in_text:
            emit("ET")
        emit("Q")
        self.canvas.addLiteral("\n".join(out))
        for qr in qrs:
            self._qr(qr)

    def _encoded(self, font_name: str, text: str) -> list[tuple[str, str]]:
        """``text`` as (subset font resource, show-text operator) pairs; each string is encoded once."""
        key = (font_name, text)
        encoded = self.encoded.get(key)
        if encoded is None:
            font = self.fonts.get(font_name)
            if font is None:
                font = self.fonts[font_name] = self.get_font(font_name)
            encoded = self.encoded[key] = [
                (font.getSubsetInternalName(subset, self.doc), "(%s) Tj" % self.escape(raw))
                for subset, raw in font.splitString(text, self.doc)
            ]
        return encoded

    def _qr(self, op: Qr) -> None:
        """A QR code is drawn once per document as a form and placed on each page that shows it."""
        canvas = self.canvas
        known = self.forms.get(op.payload)
        if known is None:
            modules = qr_modules(op.payload)
            side = len(modules) + 2 * QR_QUIET
            name = "NoticeQr{n}".format(n=len(self.forms))
            known = self.forms[op.payload] = (name, side)
            canvas.beginForm(name, 0, 0, side, side)
            canvas.setFillGray(1)
            canvas.rect(0, 0, side, side, stroke=0, fill=1)
            canvas.setFillGray(0)
            path = canvas.beginPath()
            for r, row in enumerate(modules):
                c = 0
                while c < len(row):
                    if row[c]:
                        start = c
                        while c < len(row) and row[c]:
                            c += 1
                        path.rect(QR_QUIET + start, side - QR_QUIET - r - 1, c - start, 1)
                    else:
                        c += 1
            canvas.drawPath(path, stroke=0, fill=1)
            canvas.endForm()
        name, side = known
        canvas.saveState()
        canvas.translate(op.x, op.y)
        canvas.scale(op.size / side, op.size / side)
        canvas.doForm(name)
        canvas.restoreState()
