"""Amounts in Chinese capital numerals (大写金额) and with thousands separators.

The capital form follows the rules banks apply to bills and vouchers
(中国人民银行《支付结算办法》附件《正确填写票据和结算凭证的基本规定》):

- 壹贰叁… and 拾佰仟万亿, never 一二三 or 十百千, so a figure cannot be altered;
  ten is written 壹拾.
- 整 ends an amount that stops at 元. After 角 the rules allow 整 but do not
  require it; we leave it off (100,000.50 → 壹拾万元零伍角).
- One 零 stands for any run of zeros in the middle (1,005 → 壹仟零伍元整,
  100,100 → 壹拾万零壹佰元整). Where the 元 digit is 0 but 角 or 分 follow, the
  rules allow writing 零 or not; we write it (1,680.32 → 壹仟陆佰捌拾元零叁角贰分),
  and a 0 in 角 before a 分 always takes 零 (325.04 → 叁佰贰拾伍元零肆分).
- Amounts under one 元 start at 角 or 分 (0.05 → 伍分).
"""

from __future__ import annotations

from decimal import Decimal

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_SMALL_UNITS = ("", "拾", "佰", "仟")
_SECTION_UNITS = ("", "万", "亿", "万亿")
_LIMIT = 10**16  # 万亿 sections: far beyond any village's books
_FEN = Decimal("0.01")


def _exact_fen(amount: Decimal | int) -> int:
    """The amount in fen; refuses fractions of a fen instead of rounding them away."""
    value = Decimal(amount)
    if not value.is_finite():
        raise ValueError(f"not an amount: {amount!r}")
    fen = value * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"amount is not whole fen: {amount!r}")
    return int(fen)


def _section(number: int) -> str:
    """1..9999 in capitals, with one 零 for each run of inner zeros."""
    text = str(number)
    out: list[str] = []
    zero = False
    for position, char in enumerate(text):
        digit = int(char)
        if digit == 0:
            zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        out.append(_DIGITS[digit] + _SMALL_UNITS[len(text) - 1 - position])
    return "".join(out)


def _integer(number: int) -> str:
    sections: list[int] = []
    while number:
        number, low = divmod(number, 10_000)
        sections.append(low)
    out: list[str] = []
    zero = False
    for index in reversed(range(len(sections))):
        value = sections[index]
        if value == 0:
            zero = bool(out)
            continue
        # a gap between sections (一亿零一千) or a section short of its 仟 (一万零一百) reads as 零
        if out and (zero or value < 1000):
            out.append("零")
        out.append(_section(value) + _SECTION_UNITS[index])
        zero = False
    return "".join(out)


def to_capital(amount: Decimal | int) -> str:
    """``Decimal("1005")`` → ``"壹仟零伍元整"``; negative amounts start with 负.

    Raises ValueError for fractions of a fen or amounts of 万亿 and more.
    """
    fen = _exact_fen(amount)
    if fen < 0:
        return "负" + to_capital(Decimal(-fen) / 100)
    yuan, cents = divmod(fen, 100)
    if yuan >= _LIMIT:
        raise ValueError(f"amount too large for capital numerals: {amount!r}")
    jiao, fen_digit = divmod(cents, 10)
    if yuan == 0 and cents == 0:
        return "零元整"
    out = ""
    if yuan:
        out = _integer(yuan) + "元"
        if not cents:
            return out + "整"
        if yuan % 10 == 0 or jiao == 0:
            out += "零"
    if jiao:
        out += _DIGITS[jiao] + "角"
    if fen_digit:
        out += _DIGITS[fen_digit] + "分"
    return out


def capital_yuan(amount: Decimal | int) -> str:
    """``Decimal("12345.67")`` → ``"人民币壹万贰仟叁佰肆拾伍元陆角柒分"``."""
    return "人民币" + to_capital(amount)


def format_yuan(amount: Decimal | int) -> str:
    """``Decimal("12345.6")`` → ``"12,345.60"``: how amounts appear in tables."""
    return f"{Decimal(amount).quantize(_FEN):,.2f}"


def fen_to_yuan(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(_FEN)
