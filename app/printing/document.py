"""A printout laid out: its pages as drawing operations and what its PDF says about itself.

Every printout of the program (notice, feedback list, finance statement, certificate, certificate
register, minutes, sign-in sheet, tally sheet) is a function from its plain view to a
:class:`Printout`. The desktop program shows it in one preview (ui/printing/preview.py), prints it
through the system's printers with the paper and orientation it names, and saves it as a PDF with
:func:`app.printing.pdf.write_pdf`; the command line only saves the PDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.printing.ops import Page
from app.printing.pages import paper_of


@dataclass(frozen=True)
class Printout:
    title: str
    """The PDF's title and the preview window's; also the start of the suggested file name."""
    pages: tuple[Page, ...]
    author: str = ""
    """Who issues it (柳林村村民委员会): the PDF's author."""
    subject: str = ""
    kind: str = field(default="")
    """Which printout this is (notice, certificate, minutes...): remembered folders and tests use it."""

    @property
    def paper(self) -> str:
        return paper_of(self.pages[0].width, self.pages[0].height)[0] if self.pages else "a4"

    @property
    def landscape(self) -> bool:
        return bool(self.pages) and self.pages[0].width > self.pages[0].height

    def __len__(self) -> int:
        return len(self.pages)
