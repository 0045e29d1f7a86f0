"""Phone numbers as clerks type them: one rule for the dialog and the roster import.

Accepts 11-digit mobiles (with or without +86, spaces or dashes), landlines
with an area code ("0531-88886666", "(0531)88886666") or a local number with
an extension, and several numbers separated by / 、 , ; — stored as
"13800138000/0531-88886666" so that an imported number saves unchanged.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import UserError
from app.i18n import _

_MOBILE = re.compile(r"(?:\+?86)?(1[3-9]\d{9})")
_LANDLINE = re.compile(r"(?:\(0\d{2,3}\)|0\d{2,3}-?)?[2-9]\d{6,7}(?:-\d{1,6})?")
_SEPARATORS = re.compile(r"[/、,，;；]+")


class PhoneError(UserError, ValueError):
    """The text is not a phone number; the message says how to write one."""

    fix = _("手机号是11位数字；座机写成“区号-号码”，如0531-88886666；没有电话请留空")


def normalize_phone(text: str | None) -> str:
    """The canonical form of one or more numbers, '' for empty; PhoneError if any part is wrong."""
    text = (text or "").strip()
    if not text:
        return ""
    numbers = []
    for part in _SEPARATORS.split(unicodedata.normalize("NFKC", text)):
        part = "".join(part.split())
        if not part:
            continue
        mobile = _MOBILE.fullmatch(part.replace("-", ""))
        if mobile:
            numbers.append(mobile[1])
        elif _LANDLINE.fullmatch(part):
            numbers.append(part)
        else:
            raise PhoneError(_("联系电话“{value}”不是有效的号码").format(value=text))
    return "/".join(numbers)
