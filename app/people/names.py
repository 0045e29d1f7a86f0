"""The one rule for a person's name, wherever it enters: the resident dialog, the roster import, a certificate
for someone outside the register.

Harmless differences are made the same: Unicode NFC (a character typed as two code points is stored as
one), spaces at the ends dropped; a Chinese name loses the spaces typed inside it to line up two- and
three-character names, a name in Latin letters keeps single spaces between its words.

Refused, with what to do:

- more than :data:`NAME_MAX` characters. Thirty: the longest names in the national register have fifteen
  characters (公安部全国公民身份证号码查询服务中心, 2007); minority names written in Chinese characters with
  the middle dot (阿依古丽·买买提明·艾尔肯) and names in Latin letters fit too. It is also the most a
  certificate prints (app.certificates.service), so a name the register accepts is never refused there.
  A variation selector (a rare character's exact glyph) counts with the character before it.
- control characters (U+0000 to U+001F, U+007F to U+009F; a tab or line break is only a space), format
  characters that show nothing but change how text is laid out (U+202E which turns text around,
  U+200B and the other zero-width characters, U+FEFF, soft hyphens), lone surrogates, and line or
  paragraph separators: they come from copying out of web pages and chats, make a name look like
  another, and cannot be printed.

Private-use characters stay allowed: rare characters of names were given private-use code points by
the systems some registers were typed in.
"""

from __future__ import annotations

import unicodedata

from app.errors import FieldError
from app.i18n import _

NAME_MAX = 30
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def printed_length(text: str) -> int:
    """Characters as printed: a variation selector belongs to the character before it."""
    return sum(1 for ch in text if not (0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF))


def clean_name(value: object) -> str:
    """The name as it is stored: NFC; Chinese without inner spaces, Latin letters with single spaces."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", str(value))
    if any("a" <= ch <= "z" for ch in text.lower()):
        return " ".join(text.split())
    return "".join(text.split())


def _shown(chars: list[str]) -> str:
    return "、".join("U+{code:04X}".format(code=ord(ch)) for ch in dict.fromkeys(chars))


def name_problem(name: str) -> tuple[str, str] | None:
    """(what is wrong, what to do) for a cleaned, non-empty name; None when it can be registered."""
    hidden = [ch for ch in name if unicodedata.category(ch) in _REFUSED_CATEGORIES]
    if hidden:
        return (_("姓名里有看不见的控制字符({chars}),可能是从网页或聊天软件复制来的").format(chars=_shown(hidden)),
                _("请删掉这个姓名,照身份证或户口簿重新打字输入"))
    length = printed_length(name)
    if length > NAME_MAX:
        return (_("姓名有 {n} 个字,超过了 {max} 个字").format(n=length, max=NAME_MAX),
                _("请照身份证或户口簿填写姓名,不要把备注、地址等写进姓名"))
    return None


def check_name(value: object, field: str = "name") -> str:
    """The cleaned name; FieldError(``field``) for an empty or refused one."""
    name = clean_name(value)
    if not name:
        raise FieldError(field, _("请填写姓名。"))
    problem = name_problem(name)
    if problem is not None:
        raise FieldError(field, _("{reason}。{fix}。").format(reason=problem[0], fix=problem[1]))
    return name
