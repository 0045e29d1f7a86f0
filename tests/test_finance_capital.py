"""大写 amounts as banks require them on vouchers (《正确填写票据和结算凭证的基本规定》), and the 元 figures."""

from decimal import Decimal

import pytest

from app.finance.capital import capital_yuan, format_yuan, to_capital

# The rules' own worked examples come first; where they allow two forms the first is ours.
CASES = [
    ("1409.50", "壹仟肆佰零玖元伍角"),
    ("6007.14", "陆仟零柒元壹角肆分"),
    ("1680.32", "壹仟陆佰捌拾元零叁角贰分"),
    ("107000.53", "壹拾万柒仟元零伍角叁分"),
    ("325.04", "叁佰贰拾伍元零肆分"),
    ("1005.00", "壹仟零伍元整"),
    ("100000.50", "壹拾万元零伍角"),
    ("0.05", "伍分"),
    ("0.50", "伍角"),
    ("0.15", "壹角伍分"),
    ("0", "零元整"),
    ("1", "壹元整"),
    ("10", "壹拾元整"),
    ("15", "壹拾伍元整"),
    ("1.01", "壹元零壹分"),
    ("10.10", "壹拾元零壹角"),
    ("12345.67", "壹万贰仟叁佰肆拾伍元陆角柒分"),
    ("100010", "壹拾万零壹拾元整"),
    ("10100", "壹万零壹佰元整"),
    ("10001000", "壹仟万壹仟元整"),
    ("100001000", "壹亿零壹仟元整"),
    ("110000000", "壹亿壹仟万元整"),
    ("100000000", "壹亿元整"),
    ("1000000001", "壹拾亿零壹元整"),
    ("186542.30", "壹拾捌万陆仟伍佰肆拾贰元叁角"),
    ("99999999.99", "玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"),
    ("-5", "负伍元整"),
    ("-0.05", "负伍分"),
]


@pytest.mark.parametrize(("amount", "capital"), CASES)
def test_capital_numerals(amount, capital):
    assert to_capital(Decimal(amount)) == capital


def test_capital_yuan_has_the_renminbi_prefix():
    assert capital_yuan(Decimal("12345.67")) == "人民币壹万贰仟叁佰肆拾伍元陆角柒分"
    assert capital_yuan(Decimal("-1000")) == "人民币负壹仟元整"


def test_a_fraction_of_a_fen_is_refused_not_rounded():
    with pytest.raises(ValueError):
        to_capital(Decimal("12.345"))


def test_trailing_zeros_beyond_the_fen_are_fine():
    assert to_capital(Decimal("12.3400")) == "壹拾贰元叁角肆分"


@pytest.mark.parametrize(("amount", "shown"), [
    ("12345.67", "12,345.67"), ("1000", "1,000.00"), ("0.1", "0.10"), ("-1234567.5", "-1,234,567.50"), ("0", "0.00"),
])
def test_format_yuan(amount, shown):
    assert format_yuan(Decimal(amount)) == shown
