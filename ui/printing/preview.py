"""The one preview of every printout: its pages on screen, 打印 to the system's printers, 另存为PDF.

A :class:`app.printing.document.Printout` is pages of drawing operations; the pane paints only the
page shown (ui/printing/painter.py), so a long printout opens as fast as its first page. 打印 opens the
system's print dialog preset with the printout's paper (A4/A3) and orientation, and every page of the
printout becomes one page on the printer, painted exactly as on screen. 另存为PDF writes the printout with
app.printing.pdf.write_pdf on a worker, in the folder last used for the same purpose.

A printout whose paper the clerk may change (a notice: A4 or A3, 横向) is given ``relayout(paper,
landscape) -> Printout``; the dialog then shows 纸张 and 横向 and lays the printout out again on a worker.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QEventLoop, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QMessageBox, QPushButton,
                               QScrollArea, QSizePolicy, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.errors import UserError
from app.i18n import _
from app.printing.document import Printout
from app.printing.ops import Page
from ui import filedialogs
from ui.errors import message_for
from ui.printing.painter import paint_page
from ui.style import message_label, show_message
from ui.tasks import Task

log = logging.getLogger(__name__)

PAGE_GAP = 12
ZOOMS: tuple[tuple[str, float], ...] = (("fit_width", 0.0), ("fit_page", 0.0), ("50", 0.5), ("75", 0.75),
                                       ("100", 1.0), ("150", 1.5), ("200", 2.0))


def zoom_label(key: str) -> str:
    return {"fit_width": _("适合宽度"), "fit_page": _("整页"), "50": "50%", "75": "75%", "100": "100%",
            "150": "150%", "200": "200%"}[key]


class PrintFailed(UserError):
    """The printer refused the pages or is not there; the message says what to do. Nothing was recorded."""


# ---------------------------------------------------------------- warming up

_warming: list[Task] = []


def warm_up() -> None:
    """Register the printing fonts with ReportLab on a worker, once, before the clerk asks for a preview.

    Reading the shipped fonts' tables takes a few hundred milliseconds the first time; a screen that
    will print (村务公开) calls this when it opens, so the first preview shows its page at once. A font
    that cannot be read is told when something is printed, not here."""
    if _warming:
        return

    def register(_ctx: object) -> None:
        from app.printing.fonts import register_fonts

        register_fonts()

    _warming.append(Task(register, write=False).failure(
        lambda exc: log.warning("printing fonts not registered ahead: %s", exc)).run())


# ---------------------------------------------------------------- printers


@functools.cache
def _printer_class() -> type:
    """QPrinter that remembers the printer asked for by name, to tell when it is not there (Qt keeps its
    default printer, or a PDF with no file, instead)."""
    from PySide6.QtPrintSupport import QPrinter

    class Printer(QPrinter):
        wanted: str | None = None

    return Printer


def printer_for(printout: Printout | None = None, name: str | None = None, *, paper: str = "a4",
                landscape: bool = False) -> object:
    """A QPrinter set to the printout's paper and orientation (A4/A3, 横向), on the printer ``name``
    (the system's default printer when None)."""
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    if printout is not None:
        paper, landscape = printout.paper, printout.landscape
    printer = _printer_class()(QPrinter.PrinterMode.HighResolution)
    if name is not None:
        printer.wanted = name
        printer.setPrinterName(name)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A3 if paper == "a3" else QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    printer.setDocName(printout.title if printout is not None and printout.title else _("村务"))
    return printer


def ask_printer(parent: QWidget | None, printout: Printout) -> object | None:
    """The system's print dialog preset with the printout's paper and orientation; the printer chosen,
    or None if the clerk cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog

    printer = printer_for(printout)
    dialog = QPrintDialog(printer, parent)  # type: ignore[arg-type]
    dialog.setWindowTitle(_("打印"))
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def _page_setup(printer: object, page: Page) -> None:
    """Paper and orientation of ``page`` on ``printer``, the paper as it goes into the tray (portrait)."""
    from PySide6.QtGui import QPageLayout, QPageSize

    short, long = sorted((round(page.width), round(page.height)))
    size = QPageSize(QSize(short, long), "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if page.width > page.height else \
        QPageLayout.Orientation.Portrait
    printer.setPageSize(size)  # type: ignore[attr-defined]
    printer.setPageOrientation(orientation)  # type: ignore[attr-defined]


def print_pages(printer: object, pages: Sequence[Page]) -> None:
    """Paint ``pages`` on a QPrinter, one printer page per page, painted as on screen.

    Raises :class:`PrintFailed` when the printer is not there or will not start the job."""
    from PySide6.QtPrintSupport import QPrinter

    assert isinstance(printer, QPrinter)
    if not pages:
        return
    native = printer.outputFormat() == QPrinter.OutputFormat.NativeFormat
    wanted = getattr(printer, "wanted", None)
    if wanted and printer.printerName() != wanted:
        # Qt keeps its default printer, or a PDF with no file, when the printer named is not there
        raise PrintFailed(_("找不到打印机“{name}”。请看看打印机是否装好、开着,或者先“另存为PDF”。").format(name=wanted))
    if (native and not printer.isValid()) or (not native and not printer.outputFileName()):
        raise PrintFailed(_("找不到这台打印机。请看看打印机是否装好、开着,或者先“另存为PDF”。"))
    if native:
        from ui.printing.cups import refusal

        why = refusal(printer.printerName())
        if why:
            raise PrintFailed(why)
    printer.setFullPage(True)
    _page_setup(printer, pages[0])
    painter = QPainter()
    if not painter.begin(printer):
        raise PrintFailed(_("打印机“{name}”没有接受这份打印件。请检查打印机是否开着、有纸,或者先“另存为PDF”再打印。").format(
            name=printer.printerName()))
    try:
        last = pages[0]
        for i, page in enumerate(pages):
            if i:
                if (round(page.width), round(page.height)) != (round(last.width), round(last.height)):
                    _page_setup(printer, page)
                if not printer.newPage():
                    raise PrintFailed(_("打印机在第 {n} 页停下了。请检查打印机是否有纸,再打印一次。").format(n=i + 1))
                last = page
            rect = printer.pageRect(QPrinter.Unit.DevicePixel)
            scale = min(rect.width() / page.width, rect.height() / page.height)
            painter.save()
            painter.scale(scale, scale)
            paint_page(painter, page)
            painter.restore()
    finally:
        painter.end()
    if printer.printerState() == QPrinter.PrinterState.Error:
        raise PrintFailed(_("打印机“{name}”没有接受这份打印件。请检查打印机是否开着、有纸,或者先“另存为PDF”再打印。").format(
            name=printer.printerName()))


def send_to_printer(parent: QWidget | None, printer: object, printout: Printout, status: QLabel | None = None) -> bool:
    """Print ``printout`` on ``printer``; a printer that refuses or is missing is told plainly (the details
    go to the log) and nothing else happens. True when the pages went to the printer."""
    try:
        print_pages(printer, printout.pages)
    except Exception as exc:  # noqa: BLE001 - a printer problem is told plainly; details in the log
        log.error("printing failed", exc_info=exc)
        text = str(exc) if isinstance(exc, PrintFailed) else _(
            "打印机没有接受这份打印件。请检查打印机是否开着、有纸,或者先“另存为PDF”再打印。")
        if parent is not None:
            QMessageBox.warning(parent, _("打印没有成功"), text)
        if status is not None and isValid(status):
            show_message(status, text, "error")
        return False
    if status is not None and isValid(status):
        show_message(status, _("已送到打印机,共 {n} 页。").format(n=len(printout.pages)), "ok")
    return True


def print_printout(parent: QWidget | None, printout: Printout, *, status: QLabel | None = None) -> bool:
    """Ask for a printer (the system's dialog, preset with the printout's paper and orientation) and print.
    False when the clerk cancelled or the printer refused (told plainly)."""
    if not printout.pages:
        return False
    printer = ask_printer(parent, printout)
    if printer is None:
        return False
    return send_to_printer(parent, printer, printout, status)


# ---------------------------------------------------------------- PDF


def _pdf_name(suggested_name: str) -> str:
    name = "".join(c for c in suggested_name if c not in '\\/:*?"<>|').strip() or _("打印件")
    return name if name.lower().endswith(".pdf") else name + ".pdf"


def choose_pdf(parent: QWidget | None, purpose: str, suggested_name: str, default_folder: Path | None = None,
               title: str | None = None) -> Path | None:
    """Where to save a printout as PDF, starting in the folder last used for ``purpose``; None if cancelled."""
    chosen, _filter = filedialogs.save_file_name(parent, purpose, title or _("另存为PDF"), _pdf_name(suggested_name),
                                                 _("PDF 文件 (*.pdf)"), default=default_folder)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def pdf_task(printout: Printout, path: Path) -> Task:
    """Writing ``printout`` to ``path`` on a worker (not started); its answer is the number of pages."""
    from app.printing.pdf import write_pdf

    return Task(lambda _ctx: write_pdf(printout, path), write=False)


def save_printout_pdf(parent: QWidget | None, printout: Printout, purpose: str, suggested_name: str, *,
                      default_folder: Path | None = None) -> Path | None:
    """Ask where, write the PDF on a worker (the window stays alive, a progress note after a moment) and
    answer the path once it is written; None when cancelled or when it could not be written (told plainly)."""
    path = choose_pdf(parent, purpose, suggested_name, default_folder)
    if path is None:
        return None
    loop = QEventLoop()
    result: list[Path | None] = [None]

    def done(_pages: int) -> None:
        result[0] = path

    def failed(exc: BaseException) -> None:
        QMessageBox.warning(parent, _("没有保存"), message_for(exc))

    task = pdf_task(printout, path).success(done).failure(failed)
    if parent is not None:
        task.with_progress(parent, _("正在保存 PDF……"))
    task.when_done(lambda _ok: loop.quit())
    task.run()
    loop.exec()
    return result[0]


# ---------------------------------------------------------------- the page on screen


class PageCanvas(QWidget):
    """One page at ``scale`` pixels per point, with a thin frame like paper on a desk."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page: Page | None = None
        self.scale = 1.0
        self.painted = 0  # pages painted, for tests and the bench
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_page(self, page: Page | None, scale: float) -> None:
        self.page, self.scale = page, max(scale, 0.05)
        if page is not None:
            self.setFixedSize(int(page.width * self.scale) + 2, int(page.height * self.scale) + 2)
        self.update()

    def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor("#8a96a3"))
        if self.page is not None:
            painter.translate(1, 1)
            painter.scale(self.scale, self.scale)
            paint_page(painter, self.page)
            self.painted += 1
        painter.end()


class PreviewPane(QWidget):
    """Pages one at a time with 上一页/下一页 and a zoom choice; a line above says what is happening.
    Only the page shown is painted."""

    def __init__(self, parent: QWidget | None = None, *, compact: bool = False) -> None:
        super().__init__(parent)
        self.pages: list[Page] = []
        self.index = 0
        self.prev_button = QPushButton(_("上一页"))
        self.next_button = QPushButton(_("下一页"))
        self.page_label = QLabel("")
        self.zoom_combo = QComboBox()
        for key, _factor in ZOOMS:
            self.zoom_combo.addItem(zoom_label(key), key)
        self.zoom_combo.setToolTip(_("放大或缩小预览(Ctrl+加号 / Ctrl+减号)"))
        self.message = message_label("hint")
        self.canvas = PageCanvas()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll.setStyleSheet("QScrollArea { background: #5f6b78; }")
        self.scroll.viewport().setStyleSheet("background: #5f6b78;")

        bar = QHBoxLayout()
        bar.addWidget(self.prev_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_button)
        bar.addStretch(1)
        if not compact:
            bar.addWidget(QLabel(_("显示比例")))
        bar.addWidget(self.zoom_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

        self.prev_button.clicked.connect(lambda: self.show_page(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.index + 1))
        self.zoom_combo.currentIndexChanged.connect(lambda _i: self._place())
        for keys, step in ((QKeySequence.StandardKey.ZoomIn, 1), (QKeySequence.StandardKey.ZoomOut, -1)):
            QShortcut(keys, self, activated=lambda step=step: self._zoom_step(step))  # type: ignore[call-arg]
        self._update_bar()

    def set_pages(self, pages: Sequence[Page]) -> None:
        self.pages = list(pages)
        self.index = min(self.index, max(len(self.pages) - 1, 0))
        self._place()

    def set_message(self, text: str, kind: str = "hint") -> None:
        show_message(self.message, text, kind)

    def show_page(self, index: int) -> None:
        if self.pages and 0 <= index < len(self.pages):
            self.index = index
            self._place()

    def scale(self) -> float:
        """Pixels per point for the chosen zoom and the space there is."""
        page = self.pages[self.index] if self.pages else None
        key = str(self.zoom_combo.currentData())
        factor = dict(ZOOMS)[key]
        if factor:
            return factor * self.logicalDpiX() / 72.0
        if page is None:
            return 1.0
        room = self.scroll.viewport().size()
        width = max(room.width() - 2 * PAGE_GAP, 100) / page.width
        if key == "fit_width":
            return width
        return min(width, max(room.height() - 2 * PAGE_GAP, 100) / page.height)

    def _zoom_step(self, step: int) -> None:
        i = self.zoom_combo.currentIndex() + step
        if 0 <= i < self.zoom_combo.count():
            self.zoom_combo.setCurrentIndex(i)

    def _place(self) -> None:
        page = self.pages[self.index] if self.pages else None
        self.canvas.set_page(page, self.scale())
        self.canvas.setVisible(page is not None)
        self._update_bar()

    def _update_bar(self) -> None:
        n = len(self.pages)
        self.page_label.setText(_("第 {i} 页 / 共 {n} 页").format(i=self.index + 1, n=n) if n else "")
        self.prev_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < n - 1)
        self.prev_button.setVisible(n > 1)
        self.next_button.setVisible(n > 1)

    def resizeEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)  # type: ignore[arg-type]
        if str(self.zoom_combo.currentData()) in ("fit_width", "fit_page"):
            QTimer.singleShot(0, self._place_if_alive)

    def _place_if_alive(self) -> None:
        if isValid(self):
            self._place()

    def keyPressEvent(self, event: object) -> None:  # noqa: N802 - Qt's name
        key = event.key()  # type: ignore[attr-defined]
        if key == Qt.Key.Key_PageDown:
            self.show_page(self.index + 1)
        elif key == Qt.Key.Key_PageUp:
            self.show_page(self.index - 1)
        else:
            super().keyPressEvent(event)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the dialog


class PrintoutDialog(QDialog):
    """``PrintoutDialog(printout, parent=..., purpose=filedialogs.PDF, suggested_name="...pdf")``: the pages
    with zoom and page navigation, 打印…, 另存为PDF…, 关闭.

    ``accept_text`` (确认开具) adds a primary button that accepts the dialog: exec() returns Accepted.
    ``relayout(paper, landscape)`` shows 纸张 and 横向 and lays the printout out again on a worker; with it
    ``printout`` may be None (laid out at once, on A4 portrait). ``default_folder`` is where 另存为PDF starts
    before any PDF was saved for ``purpose``. ``choose_printer`` and ``choose_file`` are the seams a test
    replaces; ``printed(pages)`` and ``saved(path)`` after each.
    """

    printed = Signal(int)  # pages sent to the printer
    saved = Signal(object)  # the PDF path
    laid_out = Signal()  # a new printout is shown (after relayout)

    def __init__(self, printout: Printout | None, *, parent: QWidget | None = None, purpose: str = filedialogs.PDF,
                 suggested_name: str = "", accept_text: str | None = None,
                 relayout: Callable[[str, bool], Printout] | None = None,
                 default_folder: Path | None = None) -> None:
        super().__init__(parent)
        self.printout = printout
        self.purpose = purpose
        self.suggested_name = suggested_name or (printout.title if printout is not None else "")
        self.default_folder = default_folder
        self._relayout = relayout
        self._generation = 0
        self.busy = False
        self.setWindowTitle(_("打印预览:{title}").format(title=printout.title) if printout is not None
                            else _("打印预览"))

        self.pane = PreviewPane()
        self.pane.zoom_combo.setCurrentIndex(1)  # 整页: the clerk sees the whole page first
        self.accept_button: QPushButton | None = None
        if accept_text:
            self.accept_button = QPushButton(accept_text)
            self.accept_button.setObjectName("primary")
        self.print_button = QPushButton(_("打印…"))
        if self.accept_button is None:
            self.print_button.setObjectName("primary")
        self.pdf_button = QPushButton(_("另存为PDF…"))
        self.close_button = QPushButton(_("关闭"))
        self.note = message_label("hint")
        self.note.hide()
        self.status = message_label("ok")

        top = QHBoxLayout()
        self.paper_combo: QComboBox | None = None
        self.landscape_check: QCheckBox | None = None
        if relayout is not None:
            self.paper_combo = QComboBox()
            self.paper_combo.addItem(_("A4 纸"), "a4")
            self.paper_combo.addItem(_("A3 纸(字更大)"), "a3")
            self.landscape_check = QCheckBox(_("横向"))
            if printout is not None:
                self.paper_combo.setCurrentIndex(1 if printout.paper == "a3" else 0)
                self.landscape_check.setChecked(printout.landscape)
            top.addWidget(QLabel(_("纸张")))
            top.addWidget(self.paper_combo)
            top.addWidget(self.landscape_check)
        top.addStretch(1)
        if self.accept_button is not None:
            top.addWidget(self.accept_button)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.status)
        layout.addWidget(self.pane, 1)

        if self.paper_combo is not None and self.landscape_check is not None:
            self.paper_combo.currentIndexChanged.connect(lambda _i: self.lay_out_again())
            self.landscape_check.toggled.connect(lambda _b: self.lay_out_again())
        if self.accept_button is not None:
            self.accept_button.clicked.connect(self.accept)
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.resize(980, 700)  # within 1366x728 with its title bar; the page scrolls in the pane
        if printout is not None:
            self._show(printout)
        elif relayout is not None:
            self.lay_out_again()
        else:
            self._enable(False)

    # ------------------------------------------------------------ what is shown

    @property
    def pages(self) -> list[Page]:
        return list(self.printout.pages) if self.printout is not None else []

    @property
    def paper(self) -> str:
        if self.paper_combo is not None:
            return str(self.paper_combo.currentData())
        return self.printout.paper if self.printout is not None else "a4"

    @property
    def landscape(self) -> bool:
        if self.landscape_check is not None:
            return self.landscape_check.isChecked()
        return self.printout.landscape if self.printout is not None else False

    def set_note(self, text: str, kind: str = "hint") -> None:
        """A line above the pages (草稿: not for the board yet; 样张 ...)."""
        show_message(self.note, text, kind)
        self.note.setVisible(bool(text))

    def _enable(self, on: bool) -> None:
        for button in (self.print_button, self.pdf_button, self.accept_button):
            if button is not None:
                button.setEnabled(on)

    def _show(self, printout: Printout) -> None:
        self.printout = printout
        self.busy = False
        self.pane.set_message("")
        self.pane.set_pages(printout.pages)
        self._enable(bool(printout.pages))

    def lay_out_again(self) -> Task | None:
        """Lay the printout out again on the paper and orientation chosen, on a worker; the answer to an
        older choice is dropped."""
        relayout = self._relayout
        if relayout is None:
            return None
        self._generation += 1
        generation, paper, landscape = self._generation, self.paper, self.landscape
        self.busy = True
        self._enable(False)
        self.pane.set_message(_("正在排版……"))
        return (Task(lambda _ctx: relayout(paper, landscape), write=False)
                .success(lambda p: self._laid_out(p, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def _laid_out(self, printout: Printout, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self._show(printout)
        self.laid_out.emit()

    def _failed(self, exc: BaseException, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy = False
        self.printout = None
        self.pane.set_pages([])
        self.pane.set_message(message_for(exc), "error")
        self.laid_out.emit()

    # ------------------------------------------------------------ seams

    def choose_printer(self) -> object | None:
        return ask_printer(self, self.printout) if self.printout is not None else None

    def choose_file(self, suggested: Path) -> Path | None:
        return choose_pdf(self, self.purpose, suggested.name, suggested.parent if suggested.parent != Path() else None)

    # ------------------------------------------------------------ actions

    def print_now(self) -> bool:
        printout = self.printout
        if printout is None or not printout.pages or self.busy:
            return False
        printer = self.choose_printer()
        if printer is None:
            return False
        if not send_to_printer(self, printer, printout, self.status):
            return False
        self.printed.emit(len(printout.pages))
        return True

    def suggested_path(self) -> Path:
        name = _pdf_name(self.suggested_name)
        folder = self.default_folder
        return folder / name if folder is not None else Path(name)

    def save_pdf(self) -> Task | None:
        printout = self.printout
        if printout is None or not printout.pages or self.busy:
            return None
        path = self.choose_file(self.suggested_path())
        if path is None:
            return None

        def done(pages: int) -> None:
            if isValid(self):
                show_message(self.status, _("已保存为 PDF(共 {n} 页):{path}").format(n=pages, path=path), "ok")
                self.saved.emit(path)

        def failed(exc: BaseException) -> None:
            if isValid(self):
                show_message(self.status, message_for(exc), "error")

        return pdf_task(printout, path).success(done).failure(failed) \
            .disabling(self.pdf_button).with_progress(self, _("正在保存 PDF……")).run()
