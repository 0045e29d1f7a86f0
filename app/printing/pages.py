"""Paper: the sizes every printout is laid out on, and the page number line they all print.

Coordinates everywhere in app.printing are PDF points (1/72 inch), origin at the bottom-left
corner of the page, y growing upwards. A3 is A4 enlarged by √2 in both directions: a printout
laid out on A3 scales its type, margins and QR code with the paper, so it breaks its pages
where the A4 one does.
"""

from __future__ import annotations

import math

from app.errors import UserError
from app.i18n import _

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)
A3 = (297 * MM, 420 * MM)
PAPER_SIZES: dict[str, tuple[float, float]] = {"a4": A4, "a3": A3}
SCALES: dict[str, float] = {"a4": 1.0, "a3": math.sqrt(2)}


class LayoutError(UserError, ValueError):
    """A printout cannot be laid out on the chosen paper; the message says what to change."""


class PaperError(LayoutError):
    """A paper the program does not print on."""


def page_size(paper: str = "a4", landscape: bool = False) -> tuple[float, float]:
    """(width, height) in points of ``paper`` ('a4' or 'a3'), turned for landscape."""
    key = paper.lower()
    if key not in PAPER_SIZES:
        raise PaperError(_("纸张只能是 A4 或 A3,现在是“{paper}”。").format(paper=paper))
    w, h = PAPER_SIZES[key]
    return (h, w) if landscape else (w, h)


def scale(paper: str) -> float:
    """How much larger than on A4 everything on ``paper`` is printed."""
    page_size(paper)
    return SCALES[paper.lower()]


def paper_of(width: float, height: float) -> tuple[str, bool]:
    """('a4' or 'a3', landscape) of a page of this size; A4 for anything else."""
    short, long_ = sorted((width, height))
    for name, (w, h) in PAPER_SIZES.items():
        if abs(short - w) < 2 and abs(long_ - h) < 2:
            return name, width > height
    return "a4", width > height


def page_label(number: int, total: int) -> str:
    """The page number line every printout carries: 第 2 页 / 共 5 页."""
    return _("第 {page} 页 / 共 {total} 页").format(page=number, total=total)
