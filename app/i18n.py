"""Translations through gettext.

Simplified Chinese is the source language: every string a person reads is
written in Chinese inside ``_()`` and English comes from the catalogue in
resources/locale/en/LC_MESSAGES/cunwu.po, read directly.
"""

from __future__ import annotations

import ast
import gettext
import os
from pathlib import Path

from app.resources import resource_path

DOMAIN = "cunwu"
_translation: gettext.NullTranslations = gettext.NullTranslations()
_current = "zh_CN"


class PoTranslations(gettext.NullTranslations):
    """Translations read straight from a .po file: no compile step to forget."""

    def __init__(self, po: Path) -> None:
        super().__init__()
        self._catalog = parse_po(po.read_text(encoding="utf-8"))

    def gettext(self, message: str) -> str:
        return self._catalog.get(message) or message

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


def _unquote(s: str) -> str:
    return ast.literal_eval(s)


def parse_po(text: str) -> dict[str, str]:
    """msgid -> msgstr for the simple .po files this project writes (no contexts)."""
    catalog: dict[str, str] = {}
    msgid: list[str] = []
    msgstr: list[str] = []
    current: list[str] | None = None

    def flush() -> None:
        if msgid and "".join(msgstr):
            catalog["".join(msgid)] = "".join(msgstr)

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [_unquote(line[6:])], []
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [_unquote(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(_unquote(line))
        elif not line or line.startswith("#"):
            continue
    flush()
    catalog.pop("", None)
    return catalog


def set_language(lang: str | None) -> str:
    """Switch the language of everything ``_()`` returns. ``zh``/None = Chinese."""
    global _translation, _current
    lang = (lang or os.environ.get("CUNWU_LANG") or "zh_CN").strip()
    if lang.lower().startswith("zh") or lang in ("", "C"):
        _translation = gettext.NullTranslations()
        _current = "zh_CN"
        return _current
    code = lang.split("_")[0].split("-")[0].lower()
    po = resource_path("locale", code, "LC_MESSAGES", f"{DOMAIN}.po")
    _translation = PoTranslations(po) if po.exists() else gettext.NullTranslations()
    _current = code
    return _current


def current_language() -> str:
    return _current


def _(message: str) -> str:
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translation.ngettext(singular, plural, n)
