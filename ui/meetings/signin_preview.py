"""The sign-in sheet (签到表) on screen before it is printed or saved, as a notice's print preview.

The sheet is laid out as drawing operations (``app.meetings.signin_sheet.layout_signin_sheet``);
the pages shown here are the pages the PDF is written from and the office printer gets, painted
by the notice preview's own pane and printer (ui/disclosure/preview.py). 打印… sends them to a
printer; 保存为 PDF… asks where (the folder last used for PDFs) and then offers to open the file.
The minutes and the tally sheet are laid out by ReportLab's platypus and have no pages to show:
they are saved where the clerk chooses and offered to open (ui/meetings/screen.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.i18n import _
from app.printing.ops import Page
from ui import widgets
from ui.disclosure.preview import PreviewPane, ask_printer, send_to_printer
from ui.errors import message_for
from ui.style import message_label, show_message
from ui.tasks import Task



class SigninPreviewDialog(QDialog):
    """``SigninPreviewDialog(title, pages, suggested=..., write=...)``: ``write(path)`` writes the PDF and
    returns its number of pages (run on a worker). ``choose_printer`` and ``choose_file`` are the seams a
    test replaces; ``printed(pages)`` and ``saved(path)`` after each."""

    printed = Signal(int)
    saved = Signal(object)

    def __init__(self, title: str, pages: Sequence[Page], *, suggested: Path, write: Callable[[Path], int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pages = list(pages)
        self.suggested = suggested
        self._write = write
        self.setWindowTitle(_("打印预览:{title} 签到表").format(title=title))
        self.pane = PreviewPane()
        self.pane.zoom_combo.setCurrentIndex(1)  # 整页, as a notice: the clerk sees the whole sheet first
        self.print_button = QPushButton(_("打印…"))
        self.print_button.setObjectName("primary")
        self.pdf_button = QPushButton(_("保存为 PDF…"))
        self.close_button = QPushButton(_("关闭"))
        self.hint = message_label("hint")
        show_message(self.hint, _("共 {n} 页,A4 纸,按村民小组排列。看好了点“打印…”送到打印机,或点“保存为 PDF…”存起来。").format(
            n=len(self.pages)), "hint")
        self.status = message_label("ok")

        top = QHBoxLayout()
        top.addWidget(QLabel(_("签到表")))
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.status)
        layout.addWidget(self.pane, 1)

        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.resize(980, 700)  # within 1366x728 with its title bar; the page scrolls in the pane
        self.pane.set_pages(self.pages)

    # seams
    def choose_printer(self) -> object | None:
        return ask_printer(self, "a4", False)

    def choose_file(self, suggested: Path) -> Path | None:
        from ui.meetings import dialogs

        return dialogs.choose_pdf(self, _("保存签到表"), suggested)

    def print_now(self) -> bool:
        if not self.pages:
            return False
        printer = self.choose_printer()
        if printer is None:
            return False
        if not send_to_printer(self, printer, self.pages, self.status, _(
                "打印机没有接受这份签到表。请检查打印机是否开着、有纸,或者先“保存为 PDF”再打印。")):
            return False
        self.printed.emit(len(self.pages))
        return True

    def save_pdf(self) -> Task | None:
        path = self.choose_file(self.suggested)
        if path is None:
            return None
        write = self._write

        def done(pages: int) -> None:
            if not isValid(self):
                return
            show_message(self.status, _("已保存为 PDF(共 {n} 页):{path}").format(n=pages, path=path), "ok")
            self.saved.emit(path)
            if widgets.confirm(self, _("已保存"), _("签到表已保存为 PDF(共 {n} 页):\n{path}\n\n现在打开它吗?").format(
                    n=pages, path=path), _("打开"), _("不打开")) and not widgets.open_path(path):
                QMessageBox.information(self, _("请手动打开文件"), _(
                    "文件已保存,但这台电脑没能自动打开它。请在文件夹里找到下面的文件,双击打开:\n{path}").format(path=path))

        def failed(exc: BaseException) -> None:
            if isValid(self):
                show_message(self.status, message_for(exc), "error")

        return Task(lambda _ctx: write(path), write=False).success(done).failure(failed) \
            .disabling(self.pdf_button).with_progress(self, _("正在保存 PDF……")).run()
