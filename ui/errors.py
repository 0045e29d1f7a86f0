"""The one error dialog: a plain message for the clerk, the traceback in the log."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import UserError
from app.i18n import _

log = logging.getLogger(__name__)


def is_plain(exc: BaseException) -> bool:
    """True for errors whose message was written for the clerk (expected, not bugs): every UserError."""
    return isinstance(exc, UserError)


def message_for(exc: BaseException) -> str:
    if is_plain(exc):
        return str(exc)
    if isinstance(exc, OSError):
        return _("读写文件时出错:{reason}。请检查U盘或磁盘后再试。").format(reason=exc.strerror or exc)
    return _("出现意外问题,操作没有完成,数据没有改动。详细信息已写入日志文件。")


def show_error(parent: QWidget | None, exc: BaseException) -> None:
    if not is_plain(exc):
        log.error("error shown to the user", exc_info=exc)
    QMessageBox.warning(parent, _("出错了"), message_for(exc))
