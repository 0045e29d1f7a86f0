"""Unified social credit codes (统一社会信用代码, GB 32100-2015).

18 characters: registration department (1), organisation type (1), area code
of the registering office (6), the organisation code of GB 11714 (8 body
characters and its own check character), and a final check character.
Villagers' committees are registered by civil affairs (5) as a "special legal
person" of type 4, so their codes start with 54.

The character set leaves out I, O, Z, S and V so they cannot be confused with
1, 0, 2, 5 and U; both check characters are verified so that any single
mistyped character is caught.
"""

from __future__ import annotations

import random

from app.errors import UserError
from app.i18n import _
from app.people.idcard import strip_spaces, to_halfwidth

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
LENGTH = 18

# What a clerk most likely meant when typing a letter the code never uses.
_LOOKALIKES = {"I": "1", "O": "0", "Z": "2", "S": "5", "V": "U"}


class UsccError(UserError, ValueError):
    """A unified social credit code someone typed is wrong; the message says how."""


def normalize_uscc(raw: object) -> str:
    """Full-width to half-width, no spaces, upper case. Does not validate."""
    if raw is None:
        return ""
    return strip_spaces(to_halfwidth(str(raw))).upper()


def uscc_check_char(first17: str) -> str:
    """Final check character: 31 - (weighted sum mod 31), with 31 written 0."""
    if len(first17) != LENGTH - 1 or any(ch not in CHARSET for ch in first17):
        raise UsccError(_("计算校验码需要17位合法字符"))
    total = sum(CHARSET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CHARSET[(31 - total % 31) % 31]


def _org_value(ch: str) -> int:
    # GB 11714 counts letters from A = 10 through Z = 35, unlike the USCC charset.
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def org_code_check_char(body8: str) -> str:
    """GB 11714 organisation-code check character: 11 - (sum mod 11); 10 is X, 11 is 0."""
    if len(body8) != 8 or not all(ch.isascii() and ch.isalnum() for ch in body8.upper()):
        raise UsccError(_("计算组织机构代码校验码需要8位数字或字母"))
    total = sum(_org_value(ch) * w for ch, w in zip(body8.upper(), ORG_WEIGHTS))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


def validate_uscc(raw: object) -> str:
    """Return the canonical 18-character code or raise UsccError saying what is wrong."""
    code = normalize_uscc(raw)
    if not code:
        raise UsccError(_("统一社会信用代码没有填写"))
    if len(code) != LENGTH:
        raise UsccError(
            _("统一社会信用代码应为18位，现在是{n}位，请对照证书核对").format(n=len(code))
        )
    for pos, ch in enumerate(code, start=1):
        if ch in CHARSET:
            continue
        if ch in _LOOKALIKES:
            message = _(
                "统一社会信用代码第{pos}位是“{ch}”，代码里不使用字母I、O、Z、S、V，"
                "这里多半应为“{guess}”，请对照证书核对"
            )
        else:
            message = _("统一社会信用代码第{pos}位“{ch}”不是数字或大写字母，请对照证书核对")
        raise UsccError(message.format(pos=pos, ch=ch, guess=_LOOKALIKES.get(ch, "")))
    area = code[2:8]
    if not area.isdigit():
        raise UsccError(
            _("统一社会信用代码第3到8位是登记机关的行政区划代码，应全是数字，现在是“{area}”").format(
                area=area
            )
        )
    org_expected = org_code_check_char(code[8:16])
    if code[16] != org_expected:
        raise UsccError(
            _(
                "统一社会信用代码第17位（组织机构代码的校验码）不对：按第9到16位算应为{expected}，"
                "现在是{actual}。多半是第9到17位中有一位输错了，请对照证书逐位核对"
            ).format(expected=org_expected, actual=code[16])
        )
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        raise UsccError(
            _(
                "统一社会信用代码最后一位校验码不对：按前17位算应为{expected}，现在是{actual}。"
                "多半是前面某一位输错了，请对照证书逐位核对"
            ).format(expected=expected, actual=code[17])
        )
    return code


def is_valid_uscc(raw: object) -> bool:
    try:
        validate_uscc(raw)
    except UsccError:
        return False
    return True


def make_uscc(rng: random.Random, *, prefix: str = "54", area: str = "370000") -> str:
    """A valid code for demo data: random organisation-code body, both check characters computed.

    The body uses only characters that are legal in both GB 11714 and the USCC
    charset; the organisation check is 0-9 or X, which the charset also holds.
    """
    if len(prefix) != 2 or any(ch not in CHARSET for ch in prefix):
        raise ValueError(_("统一社会信用代码前缀应为2位合法字符，现在是“{prefix}”").format(prefix=prefix))
    if len(area) != 6 or not area.isascii() or not area.isdigit():
        raise ValueError(_("地区代码应为6位数字，现在是“{area}”").format(area=area))
    body = "".join(rng.choice(CHARSET) for _i in range(8))
    first17 = prefix + area + body + org_code_check_char(body)
    return first17 + uscc_check_char(first17)
