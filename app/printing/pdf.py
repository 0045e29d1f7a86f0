"""Writing drawing operations (app.printing.ops) to a PDF with ReportLab, fast.

ReportLab is imported inside the functions: start-up must stay fast for clerks who do not print.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from app.i18n import _
from app.printing.document import Printout
from app.printing.fonts import register_fonts
from app.printing.ops import QR_QUIET, Line, Page, Qr, Rect, Text, qr_modules

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

BOLD_STROKE = 0.035
"""Outline stroke, as a fraction of the type size, that makes the regular face read as bold."""


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


def write_pdf(printout: Printout, out: Path | str, *, atomic: bool = True) -> int:
    """Write ``printout`` to the PDF file ``out``; returns the number of pages.

    The file appears whole or not at all (app.files.replacing): a full disk or a pulled USB stick
    leaves the older file as it was and raises :class:`app.files.WriteFailed`. ``atomic=False`` is
    for a caller that already writes into its own ``replacing`` temporary file (so the message names
    the file the clerk asked for, not the temporary one).
    """
    from app.files import replacing

    if not atomic:
        _write(str(out), printout)
        return len(printout.pages)
    with replacing(Path(out)) as tmp:
        _write(str(tmp), printout)
    return len(printout.pages)


def pdf_bytes(printout: Printout) -> bytes:
    """The PDF of ``printout`` in memory, for a test or a printer queue."""
    buffer = io.BytesIO()
    _write(buffer, printout)
    return buffer.getvalue()


def _write(target: str | IO[bytes], printout: Printout) -> None:
    register_fonts()
    from reportlab.pdfgen.canvas import Canvas

    pages = list(printout.pages)
    first = pages[0]
    # invariant: the same printout makes the same bytes (no creation date, no random document id),
    # so a township printing a village's notice from its copy of the records gets the same file
    canvas = Canvas(target, pagesize=(first.width, first.height), pageCompression=1, invariant=1)
    canvas.setTitle(printout.title)
    if printout.author:
        canvas.setAuthor(printout.author)
    if printout.subject:
        canvas.setSubject(printout.subject)
    canvas.setCreator(_("村务"))
    draw_pages(canvas, pages)
    with binary_streams():
        canvas.save()


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
