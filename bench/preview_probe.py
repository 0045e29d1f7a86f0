"""One preview opening in a fresh process: ``python -m bench.preview_probe ours|floor ROWS``.

Prints one JSON line. ``ours``: milliseconds from asking for the print preview of a notice with ROWS
ledger lines (ui.disclosure.preview.PrintPreviewDialog, as the 村务公开 screen opens it: the whole notice
laid out on a worker for 共 y 页, the dialog built and shown) until its first page has been painted.
``floor``: the same notice laid out beforehand, then a bare widget of the same size that draws the first
page's strings with QPainter.drawText at their positions in the same fonts, shown and painted: what
showing one page costs with nothing laid out, measured, checked or framed.

Qt, the modules and the fonts are loaded before the clock starts, and a label with Chinese text is
rendered once, as in a program that has been open for a while.
"""

from __future__ import annotations

import json
import os
import sys
import time

WAIT_SECONDS = 60.0


def _wait(done) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEventLoop

    loop = QEventLoop()
    deadline = time.perf_counter() + WAIT_SECONDS
    while not done():
        loop.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        if time.perf_counter() > deadline:
            raise TimeoutError(f"the first page was not painted within {WAIT_SECONDS:.0f} s")


def measure(which: str, rows: int) -> dict[str, object]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication, QLabel

    app = QApplication.instance() or QApplication(sys.argv[:1])
    from ui.fonts import install_app_font

    install_app_font(app)  # type: ignore[arg-type]
    from app.disclosure.printing import notice_printout
    from bench.scenarios.notice_pdf import notice_view
    from ui.disclosure import screen  # noqa: F401 - the 村务公开 screen the preview is opened from
    from ui.disclosure.preview import PrintPreviewDialog
    from ui.printing.painter import qt_families

    view = notice_view(rows)
    warm = QLabel("柳林村2026年度财务收支公开 第 1 页 / 共 40 页")
    warm.show()
    warm.grab()
    warm.close()
    qt_families("")  # the shipped fonts known to Qt, as after the editor's live preview
    if which != "cold":
        from ui.printing.preview import warm_up

        warm_up()  # as the 村务公开 screen does when it opens (its live preview)
        from app.printing.fonts import register_fonts

        register_fonts()  # waits for the warm-up on its lock
    app.processEvents()

    if which in ("ours", "cold"):
        start = time.perf_counter()
        dialog = PrintPreviewDialog(view)
        dialog.resize(980, 700)
        dialog.show()
        canvas = dialog.pane.canvas
        _wait(lambda: canvas.painted > 0)
        elapsed = time.perf_counter() - start
        pages, painted = len(dialog.pages), canvas.painted
        dialog.close()
        return {"ms": elapsed * 1000, "pages": pages, "pages_painted": painted}

    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QPainter
    from PySide6.QtWidgets import QWidget

    from app.printing.ops import Text
    from ui.printing.painter import SUB, qt_font

    printout = notice_printout(view)
    page = printout.pages[0]
    strings = [(op.x, page.height - op.y, op.text, op.font, op.size) for op in page.ops if type(op) is Text]

    class Bare(QWidget):
        painted = 0

        def paintEvent(self, _event: object) -> None:  # noqa: N802 - Qt's name
            painter = QPainter(self)
            scale = self.height() / page.height
            painter.scale(scale / SUB, scale / SUB)
            current = None
            for x, y, text, font, size in strings:
                if current != (font, size):
                    current = (font, size)
                    painter.setFont(qt_font(font, size))
                painter.drawText(QPointF(x * SUB, y * SUB), text)
            painter.end()
            self.painted += 1

    start = time.perf_counter()
    bare = Bare()
    bare.resize(int(page.width * 600 / page.height), 600)  # the page at 整页 in the 980x700 dialog
    bare.show()
    _wait(lambda: bare.painted > 0)
    elapsed = time.perf_counter() - start
    bare.close()
    return {"ms": elapsed * 1000, "pages": len(printout.pages), "strings": len(strings)}


def main() -> int:
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]))), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
