"""Unified social credit codes, GB 32100-2015 (with the GB 11714 organisation code inside)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.people.uscc import (
    CHARSET,
    UsccError,
    make_uscc,
    normalize_uscc,
    org_code_check_char,
    uscc_check_char,
    validate_uscc,
)

# Published codes of real organisations, checked by hand against both check characters.
PUBLISHED = [
    "91350100M000100Y43",  # the example most often quoted in documentation
    "91110000600037341L",
    "9144030071526726XG",  # organisation-code check character is X
    "91340600MA2PBM9HXD",
    "121200004013590816",  # registered by 机构编制 (1), all digits
]


def test_charset_has_31_characters_and_none_of_i_o_z_s_v():
    assert len(CHARSET) == 31
    assert not set("IOZSV") & set(CHARSET)


def test_worked_example_by_hand():
    # 91350100M000100Y43. Organisation body M000100Y, GB 11714 values M=22, Y=34:
    # 3*22 + 5*1 + 2*34 = 139; 139 mod 11 = 7; 11 - 7 = 4.
    assert org_code_check_char("M000100Y") == "4"
    # Final check, USCC values M=21, Y=30:
    # 9*1 + 1*3 + 3*9 + 5*27 + 1*26 + 21*20 + 1*8 + 30*30 + 4*28 = 1640;
    # 1640 mod 31 = 28; 31 - 28 = 3.
    assert uscc_check_char("91350100M000100Y4") == "3"


@pytest.mark.parametrize("code", PUBLISHED)
def test_published_codes_are_valid(code):
    assert validate_uscc(code) == code
    assert org_code_check_char(code[8:16]) == code[16]
    assert uscc_check_char(code[:17]) == code[17]


def test_typing_noise_is_cleaned():
    assert normalize_uscc(" ９１３５０１００ｍ０００１００ｙ４３\u3000") == "91350100M000100Y43"
    assert validate_uscc("91 350100 m000100y43") == "91350100M000100Y43"


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("", "没有填写"),
        ("91350100M000100Y4", "应为18位，现在是17位"),
        ("91350100M000100Y433", "应为18位，现在是19位"),
        ("91350100MOOO100Y43", "第10位是“O”.*应为“0”"),
        ("9135O100M000100Y43", "第5位是“O”"),
        ("91350100M000100S43", "第16位是“S”.*应为“5”"),
        ("91350100M000100Y4#", "第18位“#”不是数字或大写字母"),
        ("9135010AM000100Y43", "第3到8位.*行政区划"),
        ("91350100M000100Y53", "第17位.*应为4，现在是5"),
        ("91350100M000100Y44", "最后一位校验码不对.*应为3，现在是4"),
    ],
)
def test_each_mistake_gets_its_own_message(bad, expected):
    with pytest.raises(UsccError, match=expected):
        validate_uscc(bad)


def test_uscc_error_is_a_value_error():
    assert issubclass(UsccError, ValueError)


def test_villagers_committee_code_starts_with_54_and_area():
    code = make_uscc(random.Random(3), area="370102")
    assert code.startswith("54370102")
    assert validate_uscc(code) == code


def test_make_uscc_refuses_a_bad_area():
    with pytest.raises(ValueError):
        make_uscc(random.Random(1), area="37A102")


@given(rng=st.randoms(use_true_random=False), area=st.from_regex(r"[1-6][0-9]{5}", fullmatch=True))
def test_make_uscc_always_validates(rng, area):
    code = make_uscc(rng, area=area)
    assert len(code) == 18
    assert validate_uscc(code) == code


@given(
    rng=st.randoms(use_true_random=False),
    pos=st.integers(min_value=0, max_value=17),
    replacement=st.sampled_from(CHARSET + "IOZSV"),
)
def test_changing_any_one_character_is_caught(rng, pos, replacement):
    code = make_uscc(rng)
    changed = code[:pos] + replacement + code[pos + 1 :]
    if changed != code:
        with pytest.raises(UsccError):
            validate_uscc(changed)
