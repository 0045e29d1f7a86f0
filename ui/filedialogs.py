"""Every file dialog of the program starts in the folder last used for the same purpose.

A clerk who saved the roster to 桌面\\村务 last week finds that folder again, instead of the home folder
every time. The folders are remembered per purpose (the roster, the certificate register, printouts saved
as PDF, photos and scans, notice tables, backups to a stick, sync bundles) in the data directory's
settings.json (key ``folders``), so they survive a restart. A purpose that is about a USB stick (backups,
sync) starts on a removable drive that is plugged in now, unless the folder last used is on one of them.

Call sites use :func:`save_file_name`, :func:`open_file_name`, :func:`open_file_names` and
:func:`existing_directory`, which answer as QFileDialog's static functions do (tests patch those as
before).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog, QWidget

from app.i18n import _

log = logging.getLogger(__name__)

SETTING = "folders"

# purposes
ROSTER = "roster"                      # 花名册: import, export, blank template, error list
CERTIFICATE_REGISTER = "certificate-register"
PDF = "pdf"                            # notices, minutes, sign-in and tally sheets saved as PDF
ATTACHMENT = "attachment"              # photos and scans kept with a notice or a meeting
NOTICE_TABLE = "notice-table"          # an Excel table put into a notice
BACKUP = "backup"                      # 备份到U盘
SYNC = "sync"                          # sync bundles, receipts, the township's key, the identity file

STICK_PURPOSES = frozenset({BACKUP, SYNC})
PURPOSES = frozenset({ROSTER, CERTIFICATE_REGISTER, PDF, ATTACHMENT, NOTICE_TABLE, BACKUP, SYNC})

_data_dir: Path | None = None
_memory: dict[str, str] = {}  # also kept without a data directory (a dialog opened on its own)


def use_data_dir(data_dir: Path | None) -> None:
    """Remember folders in this data directory's settings from now on (the main window calls this)."""
    global _data_dir
    _data_dir = Path(data_dir) if data_dir is not None else None
    _memory.clear()


def documents_folder() -> Path:
    """The user's Documents folder (where a clerk looks for a saved file), else the home folder."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


def removable_drives() -> list[Path]:
    """The sticks plugged in now (app.sync.drives); tests replace this."""
    from app.sync.drives import list_removable

    return [d.path for d in list_removable()]


def remembered(purpose: str) -> Path | None:
    """The folder last used for ``purpose``, if it is still there."""
    _check(purpose)
    text = _memory.get(purpose)
    if text is None and _data_dir is not None:
        from app.config import load_settings

        folders = load_settings(_data_dir).get(SETTING)
        if isinstance(folders, dict) and isinstance(folders.get(purpose), str):
            text = folders[purpose]
    if not text:
        return None
    folder = Path(text)
    return folder if folder.is_dir() else None


def remember(purpose: str, chosen: Path | str) -> None:
    """Keep the folder of ``chosen`` (a folder, or a file in it) for the next dialog of ``purpose``.
    Never fails the caller: a settings file that cannot be written only loses the convenience."""
    _check(purpose)
    path = Path(chosen)
    folder = path if path.is_dir() else path.parent
    _memory[purpose] = str(folder)
    if _data_dir is None:
        return
    from app.config import load_settings, save_settings

    try:
        settings = load_settings(_data_dir)
        folders = settings.get(SETTING)
        folders = dict(folders) if isinstance(folders, dict) else {}
        if folders.get(purpose) == str(folder):
            return
        folders[purpose] = str(folder)
        settings[SETTING] = folders
        save_settings(_data_dir, settings)
    except OSError:
        log.warning("could not remember the folder for %s", purpose, exc_info=True)


def start_folder(purpose: str, drives: Iterable[Path] | None = None, default: Path | None = None) -> Path:
    """Where a dialog for ``purpose`` opens: the folder last used (before one was used, ``default`` or the
    Documents folder); for a stick, a stick plugged in now first (the folder last used when it is on one)."""
    last = remembered(purpose)
    if purpose in STICK_PURPOSES:
        sticks = list(removable_drives() if drives is None else drives)
        if last is not None and any(_inside(last, stick) for stick in sticks):
            return last
        if sticks:
            return sticks[0]
    if last is not None:
        return last
    return default if default is not None and default.is_dir() else documents_folder()


def save_file_name(parent: QWidget | None, purpose: str, title: str, name: str, file_filter: str,
                   *, folder: Path | None = None, default: Path | None = None) -> tuple[str, str]:
    """QFileDialog.getSaveFileName, starting at ``name`` in the folder for ``purpose`` (:func:`start_folder`),
    or in ``folder`` when the caller knows better (the stick chosen on the screen)."""
    start = folder if folder is not None else start_folder(purpose, default=default)
    chosen, chosen_filter = QFileDialog.getSaveFileName(parent, title, str(start / Path(name).name), file_filter)
    if chosen:
        remember(purpose, Path(chosen).parent)
    return chosen, chosen_filter


def save_pdf_name(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """Where to save a printout as PDF, starting at ``suggested`` (its folder unless a PDF was saved elsewhere
    before); None if the clerk cancelled. Always ends in .pdf."""
    chosen, _filter = save_file_name(parent, PDF, title, suggested.name, _("PDF 文件 (*.pdf)"),
                                     default=suggested.parent)
    if not chosen:
        return None
    path = Path(chosen)
    return path if path.suffix.lower() == ".pdf" else path.with_name(path.name + ".pdf")


def open_file_name(parent: QWidget | None, purpose: str, title: str, file_filter: str,
                   *, folder: Path | None = None, default: Path | None = None) -> tuple[str, str]:
    """QFileDialog.getOpenFileName, starting in the folder for ``purpose`` (or ``folder``)."""
    start = folder if folder is not None else start_folder(purpose, default=default)
    chosen, chosen_filter = QFileDialog.getOpenFileName(parent, title, str(start), file_filter)
    if chosen:
        remember(purpose, Path(chosen).parent)
    return chosen, chosen_filter


def open_file_names(parent: QWidget | None, purpose: str, title: str, file_filter: str,
                    *, folder: Path | None = None, default: Path | None = None) -> list[str]:
    """QFileDialog.getOpenFileNames (several files at once), starting in the folder for ``purpose``."""
    start = folder if folder is not None else start_folder(purpose, default=default)
    chosen, _chosen_filter = QFileDialog.getOpenFileNames(parent, title, str(start), file_filter)
    if chosen:
        remember(purpose, Path(chosen[0]).parent)
    return list(chosen)


def existing_directory(parent: QWidget | None, purpose: str, title: str,
                       *, folder: Path | None = None, default: Path | None = None) -> str:
    """QFileDialog.getExistingDirectory, starting in the folder for ``purpose`` (or ``folder``)."""
    start = folder if folder is not None else start_folder(purpose, default=default)
    chosen = QFileDialog.getExistingDirectory(parent, title, str(start))
    if chosen:
        remember(purpose, Path(chosen))
    return chosen


def _inside(path: Path, folder: Path) -> bool:
    try:
        return path == folder or path.is_relative_to(folder)
    except (OSError, ValueError):
        return False


def _check(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown file dialog purpose {purpose!r}")
