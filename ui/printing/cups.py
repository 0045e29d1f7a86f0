"""What the system's print service (CUPS, on Linux and UOS/Kylin) says about a printer before a job is sent.

Qt hands a finished job to CUPS and does not hear whether the queue took it: a printer that is set to
refuse jobs (拒绝打印任务) or paused (已暂停) would swallow the pages silently. So before printing, the
program asks CUPS about the chosen printer through libcups and tells the clerk plainly. Where there is no
libcups (Windows), nothing is asked and Qt's own answer stands.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

STOPPED = "5"  # IPP printer-state: 3 idle, 4 processing, 5 stopped


class _Option(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("value", ctypes.c_char_p)]


class _Dest(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("instance", ctypes.c_char_p), ("is_default", ctypes.c_int),
                ("num_options", ctypes.c_int), ("options", ctypes.POINTER(_Option))]


_lib: ctypes.CDLL | None | bool = None


def _libcups() -> ctypes.CDLL | None:
    global _lib
    if _lib is None:
        _lib = False
        if sys.platform != "win32":
            name = ctypes.util.find_library("cups") or "libcups.so.2"
            try:
                lib = ctypes.CDLL(name)
                lib.cupsGetNamedDest.restype = ctypes.POINTER(_Dest)
                lib.cupsGetNamedDest.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
                lib.cupsGetOption.restype = ctypes.c_char_p
                lib.cupsGetOption.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.POINTER(_Option)]
                lib.cupsFreeDests.argtypes = [ctypes.c_int, ctypes.POINTER(_Dest)]
                _lib = lib
            except (OSError, AttributeError):
                log.info("libcups not found: printers are not asked before printing")
    return _lib or None


def printer_state(name: str) -> dict[str, str] | None:
    """CUPS's printer-is-accepting-jobs, printer-state and printer-state-message of ``name``; None when
    CUPS cannot be asked, an empty dict when it does not know the printer."""
    lib = _libcups()
    if lib is None or not name:
        return None
    dest = lib.cupsGetNamedDest(None, name.encode("utf-8"), None)
    if not dest:
        return {}
    try:
        found: dict[str, str] = {}
        for key in ("printer-is-accepting-jobs", "printer-state", "printer-state-message"):
            value = lib.cupsGetOption(key.encode(), dest.contents.num_options, dest.contents.options)
            if value is not None:
                found[key] = value.decode("utf-8", "replace")
        return found
    finally:
        lib.cupsFreeDests(1, dest)


def refusal(name: str) -> str | None:
    """Why CUPS will not print on ``name`` now, in plain words (the printer refuses jobs, is paused, or is
    not known); None when it will, or when CUPS cannot be asked."""
    from app.i18n import _

    state = printer_state(name)
    if state is None:
        return None
    if not state:
        return _("找不到打印机“{name}”。请看看打印机是否装好、开着,或者先“另存为PDF”。").format(name=name)
    if state.get("printer-is-accepting-jobs", "true").lower() in ("false", "0", "no"):
        return _("打印机“{name}”现在不接受打印任务。请在系统的“打印机”设置里让它接受任务,"
                 "或者换一台打印机,或者先“另存为PDF”。").format(name=name)
    if state.get("printer-state") == STOPPED:
        return _("打印机“{name}”已暂停。请在系统的“打印机”设置里让它继续,或者换一台打印机,"
                 "或者先“另存为PDF”。").format(name=name)
    return None
