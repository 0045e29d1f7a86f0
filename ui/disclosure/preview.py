"""A notice on screen: the editor's live preview and the notice's print preview.

Both show the pages of :func:`app.disclosure.printing.notice_printout`, the same pages the PDF is
written from and the office printer gets (ui/printing: one painter, one preview dialog), so what the
clerk sees is what the board gets.

Laying out a long ledger takes a moment, so it runs on a worker after typing
pauses; only painting happens on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from app.disclosure.view import NoticeView
from app.i18n import _
from app.printing.document import Printout
from app.printing.ops import Page
from ui import filedialogs
from ui.errors import message_for
from ui.printing import preview as printing
from ui.printing.painter import paint_page  # noqa: F401 - where tests and tools found it
from ui.printing.preview import PreviewPane, PrintoutDialog, print_pages  # noqa: F401 - as before
from ui.tasks import Task

REFRESH_MS = 500


def lay_out(view: NoticeView, paper: str = "a4", landscape: bool = False) -> list[Page]:
    return list(notice(view, paper, landscape).pages)


def notice(view: NoticeView, paper: str = "a4", landscape: bool = False) -> Printout:
    from app.disclosure.printing import notice_printout

    return notice_printout(view, paper=paper, landscape=landscape)


class LivePreview(PreviewPane):
    """A preview that lays out again a moment after the last change (:meth:`request`).

    ``source`` is called on the GUI thread to take what is on screen; the layout runs on a
    worker, and an answer to an older request is dropped. ``laid_out`` after each new picture.
    """

    laid_out = Signal()

    def __init__(self, source: Callable[[], NoticeView | None], parent: QWidget | None = None) -> None:
        super().__init__(parent, compact=True)
        self._source = source
        self._generation = 0
        self.busy = False
        self.error = ""
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh_now)
        printing.warm_up()  # the 村务公开 screen is open: its first print preview shows at once

    def request(self) -> None:
        self.timer.start()

    def refresh_now(self) -> Task | None:
        self.timer.stop()
        view = self._source()
        if view is None:
            self.set_pages([])
            return None
        self._generation += 1
        generation = self._generation
        self.busy = True
        return (Task(lambda _ctx: lay_out(view), write=False).success(lambda pages: self._done(pages, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def _done(self, pages: list[Page], generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy = False
        self.error = ""
        self.set_message("")
        self.set_pages(pages)
        self.laid_out.emit()

    def _failed(self, exc: BaseException, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy = False
        self.error = message_for(exc)
        self.set_message(_("预览出不来:{reason}").format(reason=self.error), "error")
        self.laid_out.emit()


# ---------------------------------------------------------------- print preview


class PrintPreviewDialog(PrintoutDialog):
    """``PrintPreviewDialog(view)``: the notice in the one preview dialog, on A4 or A3 and 横向 as the clerk
    chooses, with a line saying whether it may go on the board (草稿 or 已公开 with its number)."""

    def __init__(self, view: NoticeView, *, output_dir: Path | None = None, parent: QWidget | None = None) -> None:
        from ui.disclosure.actions import pdf_name

        super().__init__(None, parent=parent, purpose=filedialogs.PDF, suggested_name=pdf_name(view),
                         relayout=lambda paper, landscape: notice(view, paper, landscape), default_folder=output_dir)
        self.view = view
        self.output_dir = output_dir
        self.setWindowTitle(_("打印预览:{title}").format(title=view.title))
        self.draft_label = self.note
        if view.draft:
            self.set_note(_("这份还没有张贴,打印出来带有“草稿”字样,不能贴到公开栏上。"
                            "请先点“张贴…”记下张贴日期,再打印。"), "error")
        else:
            self.set_note(_("已公开,编号 {number}。打印件上有公开编号,没有“草稿”字样,可以贴到公开栏。").format(
                number=view.number), "hint")

    def relayout(self) -> Task | None:
        return self.lay_out_again()
