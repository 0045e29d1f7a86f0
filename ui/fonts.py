"""The window's font: the shipped Chinese font, so a bare Windows or Linux machine shows Chinese.

Rare characters in names (CJK Extension A to F) come from the shipped fallback
fonts, the same ones the PDFs use, so what the clerk sees on screen is what
prints. Reading those two files (50 MB) takes Qt longer than building the main
window, and most villages' first screen has no rare character: the program may
start with ``install_app_font(..., fallbacks=False)``, which names them in the
application font without reading them, and read them with
:func:`install_fallback_fonts` before a text that needs them is shown
(:func:`fallbacks_for`) or once the first screen is up.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication, QLabel

from app.printing.fonts import FALLBACK_FONTS, PRIMARY_FONT, font_paths

log = logging.getLogger(__name__)

# Font files already given to Qt, so a second call does not load them again.
_loaded: dict[Path, list[str]] = {}

# The families in the shipped fallback files (HanaMinA.ttf, HanaMinB.ttf), named in the application font
# before the files are read (tests/ui/test_ui_fonts.py checks the files hold these).
FALLBACK_FAMILIES = {"CunwuHanA": "HanaMinA", "CunwuHanB": "HanaMinB"}

# Characters beyond GBK's ideographs, which the primary font may lack: Extension A, the newest of the main
# block, the compatibility ideographs, Extensions B to F (each is checked against the primary font).
_BEYOND_GBK = re.compile("[\u3400-\u4dbf\u9fa6-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]")


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


def install_app_font(app: QApplication, point_size: int | None = None, *, fallbacks: bool = True) -> str:
    """Make the shipped Chinese font the application's default and return its family name.

    ``point_size`` sets the size of all text (older clerks want it large);
    ``None`` keeps the current size. If the shipped font cannot be loaded the
    system font is kept and its family returned: the window still opens.
    ``fallbacks=False`` reads only the primary file and names the fallbacks'
    families for :func:`install_fallback_fonts` to read later.
    """
    families: list[str] = []
    primary = ""
    for name, path in font_paths().items():
        if not path.is_file():
            continue
        if not fallbacks and name != PRIMARY_FONT and path not in _loaded:
            families.append(FALLBACK_FAMILIES.get(name, name))
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


def _waiting_fallbacks() -> list[Path]:
    return [path for name, path in font_paths().items()
            if name in FALLBACK_FONTS and path not in _loaded and path.is_file()]


def install_fallback_fonts(app: QApplication) -> list[str]:
    """Read the fallback files :func:`install_app_font` left out; their families ([]: nothing left to read).

    A label already showing a character only they have is laid out again, so it shows that character
    rather than a box.
    """
    paths = _waiting_fallbacks()
    added = [_main_family(families) for families in map(_add_font, paths) if families]
    if not added:
        return []
    font = QFont(app.font())
    named = font.families()
    if not named or any(family not in named for family in added):  # files holding other families
        font.setFamilies([*(f for f in named if f not in FALLBACK_FAMILIES.values()), *added])
        app.setFont(font)  # every widget takes the new list
        return added
    labels = [w for w in app.allWidgets() if isinstance(w, QLabel)]
    for label in labels:
        text = label.text()
        if needs_fallback(text, named[0]):
            label.clear()
            label.setText(text)
    return added


def needs_fallback(text: str, primary_family: str | None = None) -> bool:
    """Whether ``text`` has a character the primary font lacks (a rare character of a name)."""
    found = {ord(m.group()) for m in _BEYOND_GBK.finditer(text)}
    if not found:
        return False
    font = QApplication.font()
    family = primary_family or (font.families() or [font.family()])[0]
    primary = QRawFont.fromFont(QFont(family))
    return any(not primary.supportsCharacter(c) for c in found)


def fallbacks_for(app: QApplication, *texts: str) -> None:
    """Read the fallback files now if one of ``texts`` needs them (call it before showing the texts)."""
    if any(needs_fallback(t) for t in texts if t) and _waiting_fallbacks():
        install_fallback_fonts(app)
