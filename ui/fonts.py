"""The window's font: the shipped Chinese font, so a bare Windows or Linux machine shows Chinese.

Rare characters in names (CJK Extension A to F) come from the shipped fallback
fonts, the same ones the PDFs use, so what the clerk sees on screen is what
prints.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from app.printing.fonts import PRIMARY_FONT, font_paths

log = logging.getLogger(__name__)

# Font files already given to Qt, so a second call does not load them again.
_loaded: dict[Path, list[str]] = {}


def _add_font(path: Path) -> list[str]:
    if path not in _loaded:
        font_id = QFontDatabase.addApplicationFont(str(path))
        families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
        if not families:
            log.warning("font file could not be loaded: %s", path)
            return []
        _loaded[path] = families
    return _loaded[path]


def _main_family(families: list[str]) -> str:
    # A collection such as wqy-microhei.ttc holds a proportional and a Mono face;
    # the window wants the proportional one, which comes first.
    return next((f for f in families if "mono" not in f.lower()), families[0])


def loaded_font_files() -> dict[Path, list[str]]:
    """The shipped font files Qt has loaded and the families each provides."""
    return dict(_loaded)


def install_app_font(app: QApplication, point_size: int | None = None) -> str:
    """Make the shipped Chinese font the application's default and return its family name.

    ``point_size`` sets the size of all text (older clerks want it large);
    ``None`` keeps the current size. If the shipped font cannot be loaded the
    system font is kept and its family returned: the window still opens.
    """
    families: list[str] = []
    primary = ""
    for name, path in font_paths().items():
        if not path.is_file():
            continue
        loaded = _add_font(path)
        if not loaded:
            continue
        family = _main_family(loaded)
        if name == PRIMARY_FONT:
            primary = family
        families.append(family)

    font = QFont(app.font())
    if primary:
        # Primary first; Qt then looks in the fallbacks, in order, for a
        # character the primary lacks, before trying the system's fonts.
        families.remove(primary)
        font.setFamilies([primary, *families])
    if point_size is not None:
        font.setPointSize(point_size)
    app.setFont(font)
    return primary or font.family()
