"""Masking of personal numbers on everything printed or posted publicly.

The Personal Information Protection Law lets a public notice (for example of
minimum-living-allowance recipients) show names, but ID numbers, phone numbers
and bank accounts must be masked. Every public printout goes through this one
module, and ``mask_text`` is the net under every string a PDF writer prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from app.i18n import _
from app.people.idcard import check_digit, strip_spaces, to_halfwidth
from app.people.uscc import is_valid_uscc

MASK = "*"

# Separators people put inside long numbers: space, NBSP, ideographic space,
# full-width and ASCII hyphen. The hyphen is escaped so it cannot form a range.
_SEP = "[ \u00a0\u3000\uff0d\\-]"

_ID18_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})")
_LANDLINE = re.compile(r"\(?(0[0-9]{2,3})\)?[-\s]?([0-9]{7,8})")

# Compound surnames (复姓) so that mode='surname' keeps all of 欧阳 or 司马.
_COMPOUND_SURNAMES = frozenset(
    "欧阳 太史 端木 上官 司马 东方 独孤 南宫 万俟 闻人 夏侯 诸葛 尉迟 公羊 赫连 澹台 皇甫 宗政 濮阳 "
    "公冶 太叔 申屠 公孙 慕容 仲孙 钟离 长孙 宇文 司徒 鲜于 司空 闾丘 子车 亓官 司寇 巫马 公西 颛孙 "
    "壤驷 公良 漆雕 乐正 宰父 谷梁 拓跋 夹谷 轩辕 令狐 段干 百里 呼延 东郭 南门 羊舌 微生 梁丘 左丘 "
    "西门 第五 东里 即墨 达奚 褚师".split()
)


def _clean(value: object) -> str:
    if value is None:
        return ""
    return strip_spaces(to_halfwidth(str(value)))


def _keep_ends(text: str, head: int, tail: int) -> str:
    """Mask all but ``head`` leading and ``tail`` trailing characters; short values vanish entirely."""
    if len(text) <= head + tail:
        return MASK * len(text)
    return text[:head] + MASK * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id(id_number: object) -> str:
    """'370102199001011234' -> '3701**********1234'.

    First 4 (province and city) and last 4 stay, so a clerk can tell two
    people apart on a list; the birth date and county never show. Anything
    not shaped like an 18-character ID keeps only its first 2 and last 2.
    """
    number = _clean(id_number).upper()
    if _ID18_SHAPE.fullmatch(number):
        return _keep_ends(number, 4, 4)
    return _keep_ends(number, 2, 2)


def mask_phone(phone: object) -> str:
    """Mobile '13812345678' -> '138****5678'; landline '0531-88886666' -> '0531-******66'."""
    text = _clean(phone)
    if not text:
        return ""
    compact = re.sub(r"[-()（）]", "", text)
    if mobile := _MOBILE.fullmatch(compact):
        masked = _keep_ends(mobile.group(1), 3, 4)
        return "+86 " + masked if compact.startswith(("+86", "86")) else masked
    if landline := _LANDLINE.fullmatch(text):
        area, local = landline.groups()
        return area + "-" + _keep_ends(local, 0, 2)
    return _keep_ends(text, 0, 2)


def mask_bank_account(acct: object) -> str:
    """'6222 0212 3456 7890' -> '************7890': last 4 only, separators dropped."""
    digits = re.sub(_SEP, "", _clean(acct))
    return _keep_ends(digits, 0, 4)


def _units(name: str) -> list[str]:
    """Split a name into characters, keeping variation selectors with their base character.

    Rare characters (生僻字) are sometimes written with an ideographic
    variation selector; masking must not split it from its character.
    """
    units: list[str] = []
    for ch in name:
        code = ord(ch)
        if units and (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or code == 0x200D):
            units[-1] += ch
        else:
            units.append(ch)
    return units


def mask_name(name: object, mode: str = "full") -> str:
    """Names are shown in full on notices; mode='surname' keeps only the surname ('张**')."""
    text = "" if name is None else str(name)
    if mode == "full":
        return text
    if mode != "surname":
        raise ValueError(_("姓名遮盖方式只能是full或surname，现在是“{mode}”").format(mode=mode))
    units = _units(text.strip())
    surname_len = 2 if len(units) > 2 and "".join(units[:2]) in _COMPOUND_SURNAMES else 1
    # The middle dot of minority names (阿依古丽·买买提) is not part of anyone's name.
    return "".join(units[:surname_len]) + "".join(u if u in "·•." else MASK for u in units[surname_len:])


_D = "[0-9\uff10-\uff19]"  # half- and full-width digits
_X = "[Xx\uff38\uff58]"
_EDGE = "0-9\uff10-\uff19A-Za-z\uff21-\uff3a\uff41-\uff5a"
_NUMBER_IN_TEXT = re.compile(
    rf"(?<![{_EDGE}])(?:"
    # 18-character ID, optionally grouped 6-8-4 as people write it
    rf"(?P<id>{_D}{{6}}{_SEP}?{_D}{{8}}{_SEP}?{_D}{{3}}(?:{_D}|{_X}))"
    # bank card grouped in fours: 16 to 19 digits
    rf"|(?P<card>{_D}{{4}}(?:{_SEP}{_D}{{4}}){{3}}(?:{_SEP}{_D}{{1,3}})?)"
    # any other unbroken run of 15 to 19 digits: a 15-digit ID or a bank account
    rf"|(?P<run>{_D}{{15,19}})"
    # mobile, possibly with +86 and grouped 3-4-4
    rf"|(?P<mobile>(?:[+\uff0b]?86{_SEP}?)?[1\uff11][3-9\uff13-\uff19]{_D}{_SEP}?{_D}{{4}}{_SEP}?{_D}{{4}})"
    rf")(?![{_EDGE}])"
)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _mask_match(match: re.Match[str], keep: frozenset[str]) -> str:
    found = match.group(0)
    number = re.sub(_SEP, "", to_halfwidth(found)).upper()
    if number in keep:
        return found
    kind = match.lastgroup
    if kind == "mobile":
        return mask_phone(number)
    if kind == "id" or (kind == "run" and len(number) == 18):
        if number.endswith("X") or check_digit(number[:17]) == number[17]:
            return mask_id(number)
        # An all-digit unified social credit code (an organisation's public
        # identity) is left readable, unless it could just as well be a bank card.
        if is_valid_uscc(number) and not _luhn_ok(number):
            return found
        return mask_bank_account(number)
    if len(number) == 15:
        return mask_id(number)
    return mask_bank_account(number)


def mask_text(text: str, *, keep: Iterable[str] = ()) -> str:
    """Mask ID numbers, mobile numbers and bank accounts wherever they appear in free text.

    ``keep`` lists numbers that are public on purpose, such as the complaint
    hotline (监督电话) when it is a mobile number.
    """
    if not text:
        return ""
    kept = frozenset(re.sub(_SEP, "", to_halfwidth(k)).upper() for k in keep if k)
    return _NUMBER_IN_TEXT.sub(lambda m: _mask_match(m, kept), text)
