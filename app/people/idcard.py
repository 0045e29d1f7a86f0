"""Resident ID numbers (公民身份号码, GB 11643-1999).

Layout of the 18 characters: 6-digit area code of first registration, 8-digit
birth date YYYYMMDD, 3-digit sequence (odd for men, even for women), and a
check character computed with ISO 7064 MOD 11-2 (10 is written X). Numbers
issued before 1999 have 15 digits: no century and no check character.

Numbers arrive typed by hand or pasted from spreadsheets, so everything here
first normalises (full-width digits, stray spaces) and then says in plain
Chinese exactly which part is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
from decimal import Decimal, InvalidOperation

from app.errors import UserError
from app.i18n import _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # index = weighted sum mod 11

# First two digits: the provinces of GB/T 2260, plus 71 (Taiwan) and 81/82/83
# used on residence permits for Hong Kong, Macao and Taiwan residents
# (港澳台居民居住证, 2018). Codes are never reused, so older IDs stay inside this set.
PROVINCE_CODES = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

MIN_BIRTH_YEAR = 1900

# Characters that sneak in when a number is copied from web pages or Word.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None)
# Full-width ASCII block U+FF01..U+FF5E maps one-to-one onto U+0021..U+007E.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_NUMBER_LIKE = re.compile(r"[+-]?[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?")
# Excel keeps only 15 significant digits of a number.
_EXCEL_DIGITS = 15


class IdNumberError(UserError, ValueError):
    """An ID number a person typed or imported is wrong; the message says how."""


def _excel_lost_digits() -> IdNumberError:
    return IdNumberError(
        _(
            "身份证号在表格里被存成了数字，后几位已经丢失，无法还原。"
            "请把这一列的单元格格式设为“文本”，再照身份证原件重新输入。"
        )
    )


def to_halfwidth(text: str) -> str:
    """Full-width ASCII (０-９, Ａ-Ｚ, ａ-ｚ, punctuation) to the ordinary characters."""
    return text.translate(_HALFWIDTH)


def strip_spaces(text: str) -> str:
    """Remove every kind of space, including U+3000, NBSP and zero-width ones."""
    text = text.translate(_INVISIBLE)
    return "".join(ch for ch in text if not ch.isspace())


def normalize_id(raw: object) -> str:
    """Clean up an ID number as typed or imported, without validating it.

    Raises IdNumberError when the value is a spreadsheet number that has
    already lost digits (a float, or scientific notation such as 3.7E+17):
    no amount of clean-up can bring those digits back.
    """
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return str(raw)
    if isinstance(raw, float):
        if math.isnan(raw):  # an empty cell read by pandas
            return ""
        return _from_number_text(repr(raw))
    if isinstance(raw, int):
        return str(raw)
    text = strip_spaces(to_halfwidth(str(raw)))
    if _NUMBER_LIKE.fullmatch(text) and ("." in text or "e" in text.lower()):
        return _from_number_text(text)
    return text.upper()


def _from_number_text(text: str) -> str:
    """A number that went through a spreadsheet: keep it only if nothing was lost."""
    if "e" in text.lower():
        # Scientific notation is how Excel displays an 18-digit ID it has
        # already rounded; even a 15-digit one may have been shortened for display.
        raise _excel_lost_digits()
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise _excel_lost_digits() from None
    if value != value.to_integral_value() or value < 0:
        raise _excel_lost_digits()
    digits = str(int(value))
    if len(digits) > _EXCEL_DIGITS:
        raise _excel_lost_digits()
    return digits


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise IdNumberError(_("计算校验位需要17位数字"))
    total = sum(int(ch) * w for ch, w in zip(first17, WEIGHTS))
    return CHECK_CHARS[total % 11]


def convert_15_to_18(id15: object) -> str:
    """Old 15-digit number to 18 digits: add the century 19 and a check digit.

    15-digit numbers were issued until 1999 and carry two-digit years, all of
    them in the 1900s.
    """
    number = normalize_id(id15)
    if len(number) != 15 or not number.isascii() or not number.isdigit():
        raise IdNumberError(_("老身份证号应为15位数字，请核对原件"))
    first17 = number[:6] + "19" + number[6:]
    return first17 + check_digit(first17)


def _check_characters(number: str) -> None:
    for pos, ch in enumerate(number, start=1):
        if not (ch.isascii() and ch.isdigit()) and ch != "X":
            raise IdNumberError(
                _("身份证号第{pos}位“{ch}”不是数字：身份证号只有数字，18位号码的最后一位可以是X").format(
                    pos=pos, ch=ch
                )
            )


def _check_x_position(number: str) -> None:
    pos = number.find("X") + 1
    if pos and pos != 18:
        raise IdNumberError(
            _("身份证号里的X只能是18位号码的最后一位，现在在第{pos}位，请核对原件").format(pos=pos)
        )


def _birth_date(id18: str) -> dt.date:
    text = id18[6:14]
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise IdNumberError(
            _("身份证号第7到14位是出生日期，“{text}”不是真实的日期，请核对原件").format(text=text)
        ) from None


def validate_id(raw: object, *, today: dt.date | None = None) -> str:
    """Return the canonical 18-character ID or raise IdNumberError saying what is wrong.

    15-digit numbers are converted to 18. ``today`` is the date births may not
    be later than (defaults to the real today; tests pass a fixed one).
    """
    today = today or dt.date.today()
    number = normalize_id(raw)
    if not number:
        raise IdNumberError(_("身份证号没有填写"))
    _check_characters(number)
    if len(number) not in (15, 18):
        raise IdNumberError(
            _("身份证号应为18位，现在是{n}位，请核对是否多输或漏输了数字").format(n=len(number))
        )
    _check_x_position(number)
    if len(number) == 15:
        number = convert_15_to_18(number)

    province = number[:2]
    if province not in PROVINCE_CODES:
        raise IdNumberError(
            _("身份证号前两位“{code}”不是任何省份的代码，请核对原件").format(code=province)
        )

    birth = _birth_date(number)
    if birth.year < MIN_BIRTH_YEAR:
        raise IdNumberError(
            _("身份证号里的出生年份{year}早于1900年，请核对原件").format(year=birth.year)
        )
    if birth > today:
        raise IdNumberError(
            _("身份证号里的出生日期{date}晚于今天，请核对原件").format(date=birth.isoformat())
        )

    expected = check_digit(number[:17])
    if number[17] != expected:
        if number.endswith("000"):
            # Excel rounds an 18-digit number to 15 significant digits, which
            # shows up as three trailing zeros once the column is made text.
            raise IdNumberError(
                _(
                    "身份证号校验位不对，而且最后三位是000：这通常是表格把身份证号存成了数字，"
                    "丢失了后几位。请把这一列的单元格格式设为“文本”，再照身份证原件重新输入"
                )
            )
        raise IdNumberError(
            _(
                "身份证号校验位不对：按前17位算，最后一位应为{expected}，现在是{actual}。"
                "多半是前面某一位输错了，请对照身份证原件逐位核对"
            ).format(expected=expected, actual=number[17])
        )
    return number


def _as_18(id_number: object) -> str:
    number = normalize_id(id_number)
    if len(number) == 15:
        return convert_15_to_18(number)
    if len(number) != 18 or not number[:17].isdigit() or not number[:17].isascii():
        raise IdNumberError(
            _("身份证号应为18位，现在是{n}位，请核对是否多输或漏输了数字").format(n=len(number))
        )
    return number


def birth_date_from_id(id18: object) -> dt.date:
    """Birth date written in the ID (positions 7-14); 15-digit numbers are accepted too."""
    return _birth_date(_as_18(id18))


def sex_from_id(id18: object) -> str:
    """'男' if the 17th digit is odd, '女' if even (GB 11643, 顺序码)."""
    # Stored data, not a label: callers translate when they display it.
    return "男" if int(_as_18(id18)[16]) % 2 else "女"


def age_on(birth: dt.date, on: dt.date) -> int:
    """Age in full years (周岁) on the given date; the birthday itself counts.

    Someone born on 29 February turns a year older on 1 March in common years.
    """
    if on < birth:
        raise ValueError(
            _("计算年龄的日期{on}早于出生日期{birth}").format(on=on.isoformat(), birth=birth.isoformat())
        )
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def is_adult(birth: dt.date, on: dt.date) -> bool:
    """18 or older on that date (Civil Code Art. 17; 以上 includes 18 itself)."""
    return on >= birth and age_on(birth, on) >= 18


def random_valid_id(rng: random.Random, *, area: str, birth: dt.date, sex: str) -> str:
    """A well-formed ID for demo data: random sequence, parity by sex, correct check digit."""
    if len(area) != 6 or not area.isascii() or not area.isdigit():
        raise ValueError(_("地区代码应为6位数字，现在是“{area}”").format(area=area))
    if sex not in ("男", "女"):
        raise ValueError(_("性别只能是“男”或“女”，现在是“{sex}”").format(sex=sex))
    sequence = f"{rng.randrange(100):02d}" + rng.choice("13579" if sex == "男" else "02468")
    first17 = f"{area}{birth.year:04d}{birth.month:02d}{birth.day:02d}{sequence}"
    return first17 + check_digit(first17)
