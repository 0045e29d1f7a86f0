"""Resident ID numbers, GB 11643-1999 (check character: ISO 7064 MOD 11-2)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.people.idcard import (
    IdNumberError,
    age_on,
    birth_date_from_id,
    check_digit,
    convert_15_to_18,
    is_adult,
    normalize_id,
    random_valid_id,
    sex_from_id,
    validate_id,
)

TODAY = dt.date(2024, 6, 1)
# Both examples are printed in GB 11643-1999 itself.
STANDARD_FEMALE = "11010519491231002X"  # Beijing Chaoyang, born 1949-12-31
STANDARD_MALE_1880 = "440524188001010014"  # Guangdong, born 1880-01-01


def test_check_digit_matches_the_examples_printed_in_the_standard():
    assert check_digit(STANDARD_FEMALE[:17]) == "X"
    assert check_digit(STANDARD_MALE_1880[:17]) == "4"


def test_standard_example_validates_and_reads_back_birth_and_sex():
    assert validate_id(STANDARD_FEMALE, today=TODAY) == STANDARD_FEMALE
    assert birth_date_from_id(STANDARD_FEMALE) == dt.date(1949, 12, 31)
    assert sex_from_id(STANDARD_FEMALE) == "女"


@pytest.mark.parametrize(
    "typed",
    [
        "１１０１０５１９４９１２３１００２Ｘ",  # full-width digits and X
        "11010519491231002x",  # lower-case x
        " 110105 19491231 002X ",  # spaces between groups
        "110105\u300019491231\u00a0002X\u200b",  # ideographic space, NBSP, zero-width space
        "１１０１０５１９４９１２３１００２ｘ",
    ],
)
def test_messy_typing_is_cleaned_to_the_canonical_number(typed):
    assert validate_id(typed, today=TODAY) == STANDARD_FEMALE


def test_normalize_does_not_validate():
    assert normalize_id("１２３ ａｂｃ") == "123ABC"
    assert normalize_id(None) == ""
    assert normalize_id(float("nan")) == ""


def test_integer_from_a_spreadsheet_keeps_all_digits():
    assert normalize_id(110105194912310021) == "110105194912310021"


@pytest.mark.parametrize(
    "mangled",
    [
        "3.2e17",
        "3.20102199001011234E+17",
        "3.70102199001011E+17",
        3.70102199001011e17,
        "370102199001011234.0",
    ],
)
def test_number_mangled_by_excel_says_to_set_the_column_to_text(mangled):
    with pytest.raises(IdNumberError, match="文本") as info:
        normalize_id(mangled)
    assert "丢失" in str(info.value)
    with pytest.raises(IdNumberError, match="文本"):
        validate_id(mangled, today=TODAY)


def test_trailing_000_after_excel_rounding_is_explained():
    # What an 18-digit ID looks like after Excel rounded it and the column was made text.
    with pytest.raises(IdNumberError, match="000.*文本"):
        validate_id("370102199001011000", today=TODAY)


def test_fifteen_digit_number_stored_as_float_is_exact_and_accepted():
    assert normalize_id(370102900101123.0) == "370102900101123"


def test_convert_15_to_18_inserts_century_and_check_digit():
    id18 = convert_15_to_18("110105491231002")
    assert id18 == STANDARD_FEMALE
    assert validate_id("110105491231002", today=TODAY) == STANDARD_FEMALE


def test_convert_15_rejects_other_lengths():
    with pytest.raises(IdNumberError, match="15位"):
        convert_15_to_18("11010549123100")


@pytest.mark.parametrize(
    ("bad", "expected"),
    [
        ("", "没有填写"),
        (None, "没有填写"),
        ("1101051949123100", "应为18位，现在是16位"),
        ("1101051949123100211", "应为18位，现在是19位"),
        ("11010519491231002Y", "第18位“Y”不是数字"),
        ("1101051949O231002X", "第11位“O”不是数字"),
        ("1101051949X2310021", "X只能是18位号码的最后一位"),
        ("11010549123100X", "X只能是18位号码的最后一位"),
        ("010105194912310021", "前两位“01”"),
        ("990105194912310021", "前两位“99”"),
        ("110105194902300021", "“19490230”不是真实的日期"),
        ("110105194913010021", "“19491301”不是真实的日期"),
        ("110105189912310021", "早于1900年"),
        ("110105202501010021", "晚于今天"),
    ],
)
def test_each_mistake_gets_its_own_message(bad, expected):
    with pytest.raises(IdNumberError, match=expected):
        validate_id(bad, today=TODAY)


def test_wrong_check_digit_names_the_expected_character():
    with pytest.raises(IdNumberError) as info:
        validate_id("110105194912310021", today=TODAY)
    message = str(info.value)
    assert "最后一位应为X" in message
    assert "现在是1" in message
    assert "核对" in message


def test_id_error_is_a_value_error():
    assert issubclass(IdNumberError, ValueError)


def test_leap_day_birth_is_valid_only_in_leap_years():
    first17 = "11010520000229002"
    assert validate_id(first17 + check_digit(first17), today=TODAY).startswith("11010520000229")
    first17 = "11010519000229002"  # 1900 was not a leap year
    with pytest.raises(IdNumberError, match="不是真实的日期"):
        validate_id(first17 + check_digit(first17), today=TODAY)


def test_born_today_is_accepted_born_tomorrow_is_not():
    first17 = "110105" + TODAY.strftime("%Y%m%d") + "002"
    assert validate_id(first17 + check_digit(first17), today=TODAY)
    tomorrow = TODAY + dt.timedelta(days=1)
    first17 = "110105" + tomorrow.strftime("%Y%m%d") + "002"
    with pytest.raises(IdNumberError, match="晚于今天"):
        validate_id(first17 + check_digit(first17), today=TODAY)


def test_sex_follows_parity_of_17th_digit():
    male = "11010519491231001"
    assert sex_from_id(male + check_digit(male)) == "男"
    assert sex_from_id("110105491231001") == "男"  # 15-digit: the last digit


def test_age_counts_the_birthday_itself():
    birth = dt.date(2006, 6, 1)
    assert age_on(birth, dt.date(2024, 5, 31)) == 17
    assert age_on(birth, dt.date(2024, 6, 1)) == 18
    assert not is_adult(birth, dt.date(2024, 5, 31))
    assert is_adult(birth, dt.date(2024, 6, 1))


def test_leap_day_birthday_comes_of_age_on_first_of_march():
    birth = dt.date(2004, 2, 29)
    assert not is_adult(birth, dt.date(2022, 2, 28))
    assert is_adult(birth, dt.date(2022, 3, 1))


def test_age_before_birth_is_refused():
    with pytest.raises(ValueError):
        age_on(dt.date(2000, 1, 2), dt.date(2000, 1, 1))
    assert not is_adult(dt.date(2000, 1, 2), dt.date(2000, 1, 1))


AREAS = st.sampled_from(["110105", "370102", "370181", "530102", "450203", "140105", "810000"])
BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
SEXES = st.sampled_from(["男", "女"])


@given(rng=st.randoms(use_true_random=False), area=AREAS, birth=BIRTHS, sex=SEXES)
def test_random_valid_id_validates_and_reads_back(rng, area, birth, sex):
    id18 = random_valid_id(rng, area=area, birth=birth, sex=sex)
    assert validate_id(id18, today=TODAY) == id18
    assert id18.startswith(area)
    assert birth_date_from_id(id18) == birth
    assert sex_from_id(id18) == sex


@given(
    rng=st.randoms(use_true_random=False),
    birth=BIRTHS,
    sex=SEXES,
    pos=st.integers(min_value=14, max_value=16),
    digit=st.sampled_from("0123456789"),
)
def test_any_single_digit_typo_in_the_sequence_is_caught(rng, birth, sex, pos, digit):
    id18 = random_valid_id(rng, area="370102", birth=birth, sex=sex)
    typo = id18[:pos] + digit + id18[pos + 1 :]
    if typo != id18:
        with pytest.raises(IdNumberError):
            validate_id(typo, today=TODAY)


def test_random_valid_id_is_reproducible_from_a_seed():
    def make() -> str:
        return random_valid_id(random.Random(7), area="370102", birth=dt.date(1980, 5, 6), sex="女")

    assert make() == make()


def test_random_valid_id_refuses_a_bad_area():
    with pytest.raises(ValueError):
        random_valid_id(random.Random(1), area="3701", birth=dt.date(1980, 1, 1), sex="男")
