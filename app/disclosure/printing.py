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
from collections.abc import Sequence
from pathlib import Path

from app.disclosure.layout import category_label, issuing_unit, layout_notice
from app.disclosure.view import NoticeTable, NoticeView
from app.i18n import _
from app.printing.document import Printout
from app.printing.pdf import pdf_bytes, write_pdf


def notice_printout(view: NoticeView, *, paper: str = "a4", landscape: bool = False) -> Printout:
    """The notice laid out on ``paper``: what the preview shows, the printer prints and the PDF holds.

    Raises :class:`~app.printing.fonts.MissingGlyphError` or
    :class:`~app.disclosure.layout.NoticeLayoutError` before anything is drawn.
    """
    pages = layout_notice(view, paper=paper, landscape=landscape)
    return Printout(title=view.title, pages=tuple(pages), author=issuing_unit(view.village_name),
                    subject=" ".join(p for p in (view.number, category_label(view.category), view.period_label) if p),
                    kind="notice")


def render_notice(view: NoticeView, out: Path, *, paper: str = "a4", landscape: bool = False) -> int:
    """Print ``view`` to the PDF ``out``; returns the number of pages written.

    Raises :class:`~app.printing.fonts.MissingGlyphError` or
    :class:`~app.disclosure.layout.NoticeLayoutError` with ``out`` left as it was.
    """
    return write_pdf(notice_printout(view, paper=paper, landscape=landscape), out)


def notice_pdf_bytes(view: NoticeView, *, paper: str = "a4", landscape: bool = False) -> bytes:
    """The PDF of ``view`` in memory, for a print dialog or a test."""
    return pdf_bytes(notice_printout(view, paper=paper, landscape=landscape))


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


def feedback_printout(village_name: str, notice_number: str, title: str, rows: Sequence[Sequence[str]], *,
                      paper: str = "a4", landscape: bool = True) -> Printout:
    """The feedback list (阳光评议) of one notice, landscape by default: questions and answers are long."""
    printout = notice_printout(feedback_view(village_name, notice_number, title, rows), paper=paper,
                               landscape=landscape)
    return Printout(printout.title, printout.pages, printout.author, printout.subject, kind="feedback")


def render_feedback_list(village_name: str, notice_number: str, title: str, rows: Sequence[Sequence[str]],
                         out: Path, *, paper: str = "a4", landscape: bool = True) -> int:
    """Print the feedback list (阳光评议) of one notice; returns the number of pages written.

    Landscape by default: questions and answers are the long columns. Names stay; ID numbers,
    phones and bank accounts typed into a question or an answer are masked like any notice text.
    """
    return render_notice(feedback_view(village_name, notice_number, title, rows), out, paper=paper,
                         landscape=landscape)
