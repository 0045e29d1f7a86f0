"""Where the certificate screen meets the one preview and the system's printers (ui/printing/preview.py).

Three seams, each replaced by the UI tests: the 样张 shown before a certificate is issued
(:func:`specimen_dialog`), a printout opened in the preview (:func:`preview_dialog`: a reprint, the
register), and the pages sent to a printer (:func:`to_printer`). The dialogs are opened, not run: the
screen goes on when the clerk answers (``accepted`` / ``rejected``).
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from app.i18n import _
from app.printing.document import Printout
from ui import filedialogs
from ui.printing.preview import PrintoutDialog, print_printout


def specimen_note() -> str:
    return _("这是样张,还没有编号,不能使用。核对无误点“确认开具”才编号、登记并打印;有错点“关闭”回去改,不占编号。")


def specimen_dialog(parent: QWidget, printout: Printout) -> PrintoutDialog:
    """The 样张 with 确认开具: ``accepted`` when the clerk confirms, ``rejected`` when they close it."""
    dialog = PrintoutDialog(printout, parent=parent, purpose=filedialogs.PDF, suggested_name=printout.title,
                            accept_text=_("确认开具"))
    dialog.set_note(specimen_note(), "hint")
    dialog.open()
    return dialog


def preview_dialog(parent: QWidget, printout: Printout, purpose: str, suggested_name: str) -> PrintoutDialog:
    """``printout`` in the preview, with 打印 and 另存为PDF."""
    dialog = PrintoutDialog(printout, parent=parent, purpose=purpose, suggested_name=suggested_name)
    dialog.open()
    return dialog


def to_printer(parent: QWidget, printout: Printout) -> bool:
    """The system's print dialog (preset A4 portrait) and the printer; False when cancelled or refused
    (a refusal is told plainly by the preview's printing)."""
    return print_printout(parent, printout)


def unprinted_text(serial: str, path: object) -> str:
    """What the clerk is told when a certificate was issued but the printer did not print it."""
    return _("证明 {serial} 已开具并登记,编号已经用了,但打印机没有打印出来。它在台账里标为“待补打”:"
             "请检查打印机后,到“证明台账”里选中它,点“补打…”打印,不要重新开具。(PDF 已留存在 {path})").format(
        serial=serial, path=path)
