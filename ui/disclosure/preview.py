"""The printed page on screen: the layout's drawing operations painted with QPainter.

The editor's live preview, the print preview and the office printer all paint the
pages of :func:`app.disclosure.layout.layout_notice`, the same pages the PDF is drawn
from, so what the clerk sees is what the board gets. Layout coordinates are PDF
points with the origin at the bottom-left; here y is flipped (``height - y``).
The fonts are the shipped ones (ui/fonts.py gives them to Qt), matched by the
ReportLab name each text run carries.

Laying out a long ledger takes a moment, so it runs on a worker after typing
pauses; only painting happens on the GUI thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QKeySequence, QPainter, QPainterPath, QPen, QShortcut
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QHBoxLayout, QLabel, QMessageBox,
                               QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.disclosure.layout import QR_QUIET, Line, Page, Qr, Rect, Text
from app.disclosure.view import NoticeView
from app.i18n import _
from ui import filedialogs
from ui.errors import message_for
from ui.style import message_label, show_message
from ui.tasks import Task

log = logging.getLogger(__name__)

BOLD_STROKE = 0.035  # as app/disclosure/printing.py: the regular face stroked reads as bold
PAGE_GAP = 12
SUB = 16  # text is laid out at 16 times its size and drawn scaled down: see _font
REFRESH_MS = 500
ZOOMS: tuple[tuple[str, float], ...] = (("fit_width", 0.0), ("fit_page", 0.0), ("50", 0.5), ("75", 0.75),
                                       ("100", 1.0), ("150", 1.5), ("200", 2.0))


def zoom_label(key: str) -> str:
    return {"fit_width": _("适合宽度"), "fit_page": _("整页"), "50": "50%", "75": "75%", "100": "100%",
            "150": "150%", "200": "200%"}[key]


# ---------------------------------------------------------------- fonts

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


def _font(name: str, size: float) -> QFont:
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


# ---------------------------------------------------------------- painting


def _gray(level: float) -> QColor:
    return QColor.fromRgbF(level, level, level)


_qr_cache: dict[str, list[list[bool]]] = {}


def _qr(payload: str) -> list[list[bool]]:
    modules = _qr_cache.get(payload)
    if modules is None:
        from app.disclosure.layout import qr_modules

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
                font = fonts[key] = _font(op.font, op.size)
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


def ask_printer(parent: QWidget, paper: str, landscape: bool) -> object | None:
    """The system's print dialog for pages of ``paper``; the printer chosen, or None if cancelled."""
    from PySide6.QtPrintSupport import QPrintDialog

    printer = print_layout(paper, landscape)
    dialog = QPrintDialog(printer, parent)  # type: ignore[arg-type]
    dialog.setWindowTitle(_("打印"))
    return printer if dialog.exec() == QDialog.DialogCode.Accepted else None


def send_to_printer(parent: QWidget, printer: object, pages: Sequence[Page], status: QLabel, refused: str) -> bool:
    """Print ``pages``; a printer that refuses is told plainly (``refused`` names what was being printed and
    what to do), the details go to the log. True when the pages went to the printer."""
    try:
        print_pages(printer, pages)
    except Exception as exc:  # noqa: BLE001 - a printer problem is told plainly; details in the log
        log.error("printing failed", exc_info=exc)
        QMessageBox.warning(parent, _("打印没有成功"), refused)
        return False
    show_message(status, _("已送到打印机,共 {n} 页。").format(n=len(pages)), "ok")
    return True


def print_pages(printer: object, pages: Sequence[Page]) -> None:
    """Paint ``pages`` on a QPrinter already set up (paper, orientation, file or device)."""
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    assert isinstance(printer, QPrinter)
    if not pages:
        return
    first = pages[0]
    # the paper as it goes into the tray (portrait); the orientation turns it
    short, long = sorted((round(first.width), round(first.height)))
    size = QPageSize(QSize(short, long), "", QPageSize.SizeMatchPolicy.FuzzyMatch)
    orientation = QPageLayout.Orientation.Landscape if first.width > first.height else \
        QPageLayout.Orientation.Portrait
    printer.setFullPage(True)
    printer.setPageSize(size)
    printer.setPageOrientation(orientation)
    painter = QPainter(printer)
    try:
        for i, page in enumerate(pages):
            if i:
                printer.newPage()
            rect = printer.pageRect(QPrinter.Unit.DevicePixel)
            scale = min(rect.width() / page.width, rect.height() / page.height)
            painter.save()
            painter.scale(scale, scale)
            paint_page(painter, page)
            painter.restore()
    finally:
        painter.end()


def print_layout(paper: str, landscape: bool) -> object:
    """A QPrinter for the office printer, set to the notice's paper."""
    from PySide6.QtGui import QPageLayout, QPageSize
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A3 if paper == "a3" else QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait)
    printer.setDocName(_("村务公开"))
    return printer


# ---------------------------------------------------------------- the page on screen


class PageCanvas(QWidget):
    """One page at ``scale`` pixels per point, with a thin frame like paper on a desk."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.page: Page | None = None
        self.scale = 1.0
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
        painter.end()


class PreviewPane(QWidget):
    """Pages one at a time with 上一页/下一页 and a zoom choice; a line above says what is happening."""

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


def lay_out(view: NoticeView, paper: str = "a4", landscape: bool = False) -> list[Page]:
    from app.disclosure.layout import layout_notice

    return layout_notice(view, paper=paper, landscape=landscape)


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


class PrintPreviewDialog(QDialog):
    """``PrintPreviewDialog(view)``: the pages on A4 or A3, 打印… to the office printer, 保存为 PDF….

    ``choose_printer`` and ``choose_file`` are the seams a test replaces.
    """

    printed = Signal(int)  # pages sent to the printer
    saved = Signal(object)  # the PDF path

    def __init__(self, view: NoticeView, *, output_dir: Path | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = view
        self.output_dir = output_dir
        self.pages: list[Page] = []
        self._generation = 0
        self.busy = False
        self.setWindowTitle(_("打印预览:{title}").format(title=view.title))
        self.paper_combo = QComboBox()
        self.paper_combo.addItem(_("A4 纸"), "a4")
        self.paper_combo.addItem(_("A3 纸(字更大)"), "a3")
        self.landscape_check = QCheckBox(_("横向"))
        self.pane = PreviewPane()
        self.pane.zoom_combo.setCurrentIndex(1)  # 整页: the clerk sees the whole board first
        self.print_button = QPushButton(_("打印…"))
        self.print_button.setObjectName("primary")
        self.pdf_button = QPushButton(_("保存为 PDF…"))
        self.close_button = QPushButton(_("关闭"))
        self.status = message_label("ok")
        if view.draft:
            self.draft_label = message_label("error")
            show_message(self.draft_label, _("这份还没有张贴,打印出来带有“草稿”字样,不能贴到公开栏上。"
                                             "请先点“张贴…”记下张贴日期,再打印。"), "error")
        else:
            self.draft_label = message_label("hint")
            show_message(self.draft_label, _("已公开,编号 {number}。打印件上有公开编号,没有“草稿”字样,可以贴到公开栏。").format(
                number=view.number), "hint")

        top = QHBoxLayout()
        top.addWidget(QLabel(_("纸张")))
        top.addWidget(self.paper_combo)
        top.addWidget(self.landscape_check)
        top.addStretch(1)
        top.addWidget(self.print_button)
        top.addWidget(self.pdf_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.draft_label)
        layout.addWidget(self.status)
        layout.addWidget(self.pane, 1)

        self.paper_combo.currentIndexChanged.connect(lambda _i: self.relayout())
        self.landscape_check.toggled.connect(lambda _b: self.relayout())
        self.print_button.clicked.connect(self.print_now)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.close_button.clicked.connect(self.reject)
        self.resize(980, 700)  # within 1366x728 with its title bar; the page scrolls in the pane
        self.relayout()

    @property
    def paper(self) -> str:
        return str(self.paper_combo.currentData())

    @property
    def landscape(self) -> bool:
        return self.landscape_check.isChecked()

    def relayout(self) -> Task:
        self._generation += 1
        generation, view, paper, landscape = self._generation, self.view, self.paper, self.landscape
        self.busy = True
        self.print_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self.pane.set_message(_("正在排版……"))
        return (Task(lambda _ctx: lay_out(view, paper, landscape), write=False)
                .success(lambda p: self._laid_out(p, generation))
                .failure(lambda exc: self._failed(exc, generation)).run())

    def _laid_out(self, pages: list[Page], generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy = False
        self.pages = pages
        self.pane.set_message("")
        self.pane.set_pages(pages)
        self.print_button.setEnabled(True)
        self.pdf_button.setEnabled(True)

    def _failed(self, exc: BaseException, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.busy = False
        self.pages = []
        self.pane.set_pages([])
        self.pane.set_message(message_for(exc), "error")

    # seams
    def choose_printer(self) -> object | None:
        return ask_printer(self, self.paper, self.landscape)

    def choose_file(self, suggested: Path) -> Path | None:
        return filedialogs.save_pdf_name(self, _("保存为 PDF"), suggested)

    def print_now(self) -> bool:
        if not self.pages:
            return False
        printer = self.choose_printer()
        if printer is None:
            return False
        if not send_to_printer(self, printer, self.pages, self.status, _(
                "打印机没有接受这份公告。请检查打印机是否开着、有纸,或者先“保存为 PDF”再打印。")):
            return False
        self.printed.emit(len(self.pages))
        return True

    def save_pdf(self) -> Task | None:
        from ui.disclosure.actions import pdf_name, save_pdf

        folder = self.output_dir or Path.home()
        path = self.choose_file(folder / pdf_name(self.view))
        if path is None:
            return None
        view, paper, landscape = self.view, self.paper, self.landscape

        def done(pages: int) -> None:
            if isValid(self):
                show_message(self.status, _("已保存为 PDF({n} 页):{path}").format(n=pages, path=path), "ok")
                self.saved.emit(path)

        def failed(exc: BaseException) -> None:
            if isValid(self):
                show_message(self.status, message_for(exc), "error")

        return Task(lambda _ctx: save_pdf(view, path, paper, landscape), write=False).success(done).failure(failed) \
            .disabling(self.pdf_button).with_progress(self, _("正在保存 PDF……")).run()
