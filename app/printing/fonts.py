"""The fonts every PDF is printed with, and the check that no character prints as a blank box.

ReportLab embeds TrueType outlines only, and draws a character its font lacks as
an empty box without any warning. A box in someone's name on a notice or a
certificate is a serious error, so every string is checked against the fonts'
character maps before it is drawn: what the primary font lacks goes to a
fallback font, and what no shipped font has stops printing with a message.

ReportLab is imported inside the functions, never at module import time:
start-up must stay fast for clerks who do not print.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.errors import UserError
from app.i18n import _
from app.resources import resource_path


PRIMARY_FONT = "CunwuSans"
"""WenQuanYi Micro Hei: the common characters (GB 2312, GBK's 20,902 unified ideographs)."""

FALLBACK_FONTS: tuple[str, ...] = ("CunwuHanA", "CunwuHanB")
"""HanaMinA (CJK Extension A and part of B) then HanaMinB (Extensions B to F), for rare names."""


@dataclass(frozen=True)
class _FontFile:
    name: str
    filename: str
    subfont_index: int = 0
    # A build may leave the big fallbacks out; then rare characters stop printing
    # with a message, which is still never a box.
    required: bool = False


_FONT_FILES: tuple[_FontFile, ...] = (
    _FontFile(PRIMARY_FONT, "wqy-microhei.ttc", subfont_index=0, required=True),
    _FontFile("CunwuHanA", "HanaMinA.ttf"),
    _FontFile("CunwuHanB", "HanaMinB.ttf"),
)


class MissingGlyphError(UserError, ValueError):
    """A character cannot be printed with any shipped font; ``chars`` lists them."""

    def __init__(self, chars: list[str], message: str | None = None) -> None:
        self.chars = list(chars)
        if message is None:
            message = _(
                "“{chars}”在字库中找不到,打印出来会是空白方框。请检查这个字是否录入正确(姓名、地名里的生僻字常见),"
                "或联系维护人员添加字库。"
            ).format(chars=_display(self.chars))
        super().__init__(message)


class FontFileMissingError(UserError, FileNotFoundError):
    """The primary font file is not where the installation put it."""


@dataclass(frozen=True)
class TextRun:
    """A piece of text that is drawn in one font."""

    font_name: str
    text: str


_lock = threading.Lock()
_registered: tuple[str, ...] | None = None
_fallbacks_tried = False


def font_paths() -> dict[str, Path]:
    """The ReportLab name of each shipped font and where its file is, primary first."""
    return {f.name: resource_path("fonts", f.filename) for f in _FONT_FILES}


def register_fonts(*, fallbacks: bool = False) -> None:
    """Register the primary font with ReportLab (and the fallbacks if asked); calling it again does nothing.

    The fallback fonts (50 MB of rare characters) are read only when a text has a character the
    primary font lacks: most printouts never need them, and a clerk's first preview comes sooner.
    """
    global _registered
    if _registered is None:
        with _lock:
            if _registered is None:
                _fix_to_unicode_cmap()
                _registered = tuple(_register([_FONT_FILES[0]]))
    if fallbacks and _registered is not None and len(_registered) == 1 and not _fallbacks_tried:
        _register_fallbacks()


def _register(fonts: list[_FontFile]) -> list[str]:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    already = set(pdfmetrics.getRegisteredFontNames())
    names: list[str] = []
    for font in fonts:
        path = resource_path("fonts", font.filename)
        if not path.is_file():
            if font.required:
                raise FontFileMissingError(
                    _("找不到打印用的字库文件“{path}”,无法打印中文。请重新安装本程序。").format(path=path)
                )
            continue
        if font.name not in already:
            pdfmetrics.registerFont(TTFont(font.name, str(path), subfontIndex=font.subfont_index))
        names.append(font.name)
    return names


def _register_fallbacks() -> None:
    global _registered, _fallbacks_tried
    with _lock:
        if _fallbacks_tried:
            return
        assert _registered is not None
        _registered = _registered + tuple(_register(list(_FONT_FILES[1:])))
        _fallbacks_tried = True


# ReportLab writes a ToUnicode entry for a character beyond U+FFFF as five hex
# digits (<20000>), which PDF readers reject; ISO 32000-1 section 9.10.3 wants
# UTF-16BE, i.e. a surrogate pair (<D840DC00>). Without this, a rare character
# in a name prints correctly but is lost when the PDF is searched or its text
# copied out. Only entries that are already wrong are rewritten, so a fixed
# ReportLab is left alone.
_WIDE_TO_UNICODE_ENTRY = re.compile(r"^<([0-9A-F]{2})> <([0-9A-F]{5,6})>$", re.MULTILINE)


def _utf16_entry(match: re.Match[str]) -> str:
    target = chr(int(match.group(2), 16)).encode("utf-16-be").hex().upper()
    return "<{code}> <{target}>".format(code=match.group(1), target=target)


def _fix_to_unicode_cmap() -> None:
    from reportlab.pdfbase import ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "utf16_fixed", False):
        return

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        return _WIDE_TO_UNICODE_ENTRY.sub(_utf16_entry, original(fontname, subset))

    make_to_unicode_cmap.utf16_fixed = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap


def registered_fonts() -> tuple[str, ...]:
    """The fonts available for printing, in the order they are tried (the fallbacks read in if need be)."""
    register_fonts(fallbacks=True)
    assert _registered is not None
    return _registered


def _char_map(font_name: str) -> Mapping[int, int]:
    register_fonts(fallbacks=font_name != PRIMARY_FONT)
    from reportlab.pdfbase import pdfmetrics

    font = pdfmetrics.getFont(font_name)
    char_map = getattr(getattr(font, "face", None), "charToGlyph", None)
    if char_map is None:
        raise ValueError(_("“{name}”不是 TrueType 字体,无法检查其中有哪些字。").format(name=font_name))
    return char_map


def _covers(char_map: Mapping[int, int], char: str) -> bool:
    # Glyph 0 is .notdef, the very box this module exists to prevent.
    return char_map.get(ord(char), 0) != 0


def _unique(chars: list[str]) -> list[str]:
    return list(dict.fromkeys(chars))


def _display(chars: list[str]) -> str:
    """Characters as a clerk can read them; invisible ones as their code point."""
    shown = []
    for char in chars:
        if char.isprintable() and unicodedata.category(char) not in ("Co", "Cn", "Cs"):
            shown.append(char)
        else:
            shown.append("U+{code:04X}".format(code=ord(char)))
    return "、".join(shown)


def missing_glyphs(text: str, font_name: str = PRIMARY_FONT) -> list[str]:
    """The characters of ``text`` that ``font_name`` has no glyph for, each once, in order."""
    char_map = _char_map(font_name)
    return _unique([c for c in text if not _covers(char_map, c)])


def _absent_everywhere(text: str) -> list[str]:
    primary = _char_map(PRIMARY_FONT)
    rare = [c for c in text if not _covers(primary, c)]
    if not rare:
        return []
    maps = [_char_map(name) for name in registered_fonts()[1:]]
    return _unique([c for c in rare if not any(_covers(m, c) for m in maps)])


def split_runs(text: str) -> list[TextRun]:
    """Cut ``text`` into runs: the primary font for what it has, the first fallback that has the rest.

    Raises :class:`MissingGlyphError` before anything is drawn if a character is in no font.
    """
    primary = _char_map(PRIMARY_FONT)
    if all(_covers(primary, c) for c in text):
        return [TextRun(PRIMARY_FONT, text)] if text else []
    absent = _absent_everywhere(text)
    if absent:
        raise MissingGlyphError(absent)
    maps = [(name, _char_map(name)) for name in registered_fonts()]
    runs: list[TextRun] = []
    for char in text:
        font_name = next(name for name, char_map in maps if _covers(char_map, char))
        if runs and runs[-1].font_name == font_name:
            runs[-1] = TextRun(font_name, runs[-1].text + char)
        else:
            runs.append(TextRun(font_name, char))
    return runs
