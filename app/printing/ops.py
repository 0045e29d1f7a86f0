"""Drawing operations: a printed page as plain values, in PDF points.

Coordinates have the origin at the bottom-left corner of the page and y growing upwards; a
:class:`Text` starts its baseline at (x, y) and is a run in one font that has all its characters.
Notices, minutes and sign-in sheets are laid out as these ops; app.printing.pdf writes them with
ReportLab and the notice preview paints them with QPainter, so the PDF and the screen are the same page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Union

QR_QUIET = 4


def qr_modules(payload: str) -> list[list[bool]]:
    """The dark modules of the QR code for ``payload``, row by row from the top, without the quiet zone."""
    from reportlab.graphics.barcode.qrencoder import QRCode, QRErrorCorrectLevel

    code = QRCode(None, QRErrorCorrectLevel.M)
    code.addData(payload)
    code.make()
    return [[bool(cell) for cell in row] for row in code.modules]




@dataclass(frozen=True, slots=True)
class Text:
    """One run of text in one font; x, y is the start of its baseline. ``width`` is its advance."""

    x: float
    y: float
    text: str
    size: float
    font: str  # a ReportLab font name from app.printing.fonts; every character is in it
    width: float
    bold: bool = False  # drawn by stroking the outline too: the shipped fonts have no bold face
    gray: float = 0.0  # 0 is black, 1 white


@dataclass(frozen=True, slots=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    gray: float = 0.0


@dataclass(frozen=True, slots=True)
class Rect:
    """x, y is the bottom-left corner. ``fill`` and ``stroke`` are gray levels, None for none."""

    x: float
    y: float
    w: float
    h: float
    fill: float | None = None
    stroke: float | None = None
    width: float = 1.0


@dataclass(frozen=True, slots=True)
class Qr:
    """A QR code carrying ``payload``, its quiet zone included in the square (x, y, size)."""

    x: float
    y: float
    size: float
    payload: str


Op = Union[Text, Line, Rect, Qr]


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    number: int
    total: int
    ops: tuple[Op, ...]
    body: tuple[float, float, float, float]
    """(left, bottom, right, top) of the space between header and footer: content stays inside it."""
