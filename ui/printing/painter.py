"""A printed page painted with QPainter: the screen, the office printer and CUPS get the same page as the PDF.

A page is drawing operations (app.printing.ops) in PDF points with the origin at the bottom-left; here
y is flipped (``height - y``). The fonts are the shipped ones (ui/fonts.py gives them to Qt), matched by
the ReportLab name each text run carries, so text is measured once by the layout and drawn the same here.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QPainterPath, QPen

from app.printing.ops import QR_QUIET, Line, Page, Qr, Rect, Text, qr_modules
from app.printing.pdf import BOLD_STROKE

SUB = 16  # text is laid out at 16 times its size and drawn scaled down: see qt_font

_families: dict[str, list[str]] = {}


def qt_families(font_name: str) -> list[str]:
    """The Qt family for a layout font name, followed by the other shipped fonts as fallbacks."""
    if not _families:
        from app.printing.fonts import font_paths
        from ui.fonts import loaded_font_files

        loaded = loaded_font_files()
        for name, path in font_paths().items():
            families = loaded.get(path)
            if families is None and path.is_file():
                font_id = QFontDatabase.addApplicationFont(str(path))
                families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
            if families:
                # a collection holds a proportional and a Mono face; the layout measured the proportional one
                _families[name] = [next((f for f in families if "mono" not in f.lower()), families[0])]
    own = _families.get(font_name, [])
    return own + [f[0] for n, f in _families.items() if n != font_name]


def qt_font(name: str, size: float) -> QFont:
    """The font at ``size`` × SUB pixels: whole pixel sizes only, drawn scaled down by SUB, so sizes
    like 14 × √2 (A3) stay exact and no device resolution enters the sum."""
    font = QFont()
    families = qt_families(name)
    if families:
        font.setFamilies(families)
    font.setPixelSize(max(1, round(size * SUB)))
    font.setHintingPreference(QFont.HintingPreference.PreferNoHinting)
    font.setKerning(False)
    return font


def _gray(level: float) -> QColor:
    return QColor.fromRgbF(level, level, level)


_qr_cache: dict[str, list[list[bool]]] = {}


def _qr(payload: str) -> list[list[bool]]:
    modules = _qr_cache.get(payload)
    if modules is None:
        modules = _qr_cache[payload] = qr_modules(payload)
    return modules


def paint_page(painter: QPainter, page: Page) -> None:
    """Paint ``page`` with 1 unit = 1 point, origin at the page's top-left (the caller scales)."""
    h = page.height
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    painter.fillRect(QRectF(0, 0, page.width, page.height), Qt.GlobalColor.white)
    fonts: dict[tuple[str, float], QFont] = {}
    for op in page.ops:
        kind = type(op)
        if kind is Text:
            key = (op.font, op.size)
            font = fonts.get(key)
            if font is None:
                font = fonts[key] = qt_font(op.font, op.size)
            colour = _gray(op.gray)
            painter.save()
            painter.translate(op.x, h - op.y)
            painter.scale(1 / SUB, 1 / SUB)
            painter.setFont(font)
            painter.setPen(colour)
            # real text, so a printed PDF can still be searched; bold adds the outline stroke as the PDF does
            painter.drawText(QPointF(0, 0), op.text)
            if op.bold:
                path = QPainterPath()
                path.addText(QPointF(0, 0), font, op.text)
                painter.strokePath(path, QPen(colour, op.size * BOLD_STROKE * SUB))
            painter.restore()
        elif kind is Line:
            pen = QPen(_gray(op.gray), op.width)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            painter.drawLine(QPointF(op.x1, h - op.y1), QPointF(op.x2, h - op.y2))
        elif kind is Rect:
            rect = QRectF(op.x, h - op.y - op.h, op.w, op.h)
            if op.fill is not None:
                painter.fillRect(rect, _gray(op.fill))
            if op.stroke is not None:
                painter.setPen(QPen(_gray(op.stroke), op.width))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(rect)
        elif kind is Qr:
            _paint_qr(painter, op, h)
    painter.restore()


def _paint_qr(painter: QPainter, op: Qr, height: float) -> None:
    modules = _qr(op.payload)
    side = len(modules) + 2 * QR_QUIET
    unit = op.size / side
    top = height - op.y - op.size
    painter.fillRect(QRectF(op.x, top, op.size, op.size), Qt.GlobalColor.white)
    path = QPainterPath()
    for r, row in enumerate(modules):
        for c, dark in enumerate(row):
            if dark:
                path.addRect(QRectF(op.x + (QR_QUIET + c) * unit, top + (QR_QUIET + r) * unit, unit, unit))
    painter.fillPath(path, Qt.GlobalColor.black)
