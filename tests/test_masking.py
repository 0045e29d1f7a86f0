"""Masking on public printouts (Personal Information Protection Law: names may show,
ID numbers, phone numbers and bank accounts may not)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.masking import mask_bank_account, mask_id, mask_name, mask_phone, mask_text
from app.people.idcard import random_valid_id
from app.people.uscc import make_uscc

ID = "11010519491231002X"  # the example in GB 11643
AREAS = st.sampled_from(["110105", "370102", "370181", "530102", "450203"])
BIRTHS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 12, 31))
SEXES = st.sampled_from(["男", "女"])
# Chinese prose without digits or Latin letters, as in a notice.
PROSE = st.text(alphabet="低保户张三李四王五村民小组家庭人口救助金元月，。：、（）", max_size=30)


def test_mask_id_keeps_first_four_and_last_four():
    assert mask_id(ID) == "1101**********002X"
    assert mask_id("１１０１０５１９４９１２３１００２ｘ") == "1101**********002X"


def test_mask_id_of_old_or_malformed_numbers_keeps_only_two_at_each_end():
    assert mask_id("110105491231002") == "11***********02"
    assert mask_id("12345") == "12*45"
    assert mask_id("1234") == "****"


@pytest.mark.parametrize("empty", ["", None])
def test_mask_id_of_nothing_is_empty(empty):
    assert mask_id(empty) == ""


@given(rng=st.randoms(use_true_random=False), area=AREAS, birth=BIRTHS, sex=SEXES)
def test_masked_id_never_shows_the_number_or_the_birth_date(rng, area, birth, sex):
    id18 = random_valid_id(rng, area=area, birth=birth, sex=sex)
    masked = mask_id(id18)
    assert id18 not in masked
    assert birth.strftime("%Y%m%d") not in masked
    assert len(masked) == 18


def test_mobile_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_phone("+86 138-1234-5678") == "+86 138****5678"


def test_landline_keeps_area_code_and_last_two():
    assert mask_phone("0531-88886666") == "0531-******66"
    assert mask_phone("(010)12345678") == "010-******78"


def test_other_phone_keeps_last_two():
    assert mask_phone("88886666") == "******66"
    assert mask_phone("") == ""
    assert mask_phone(None) == ""


def test_bank_account_keeps_last_four_and_drops_spaces():
    assert mask_bank_account("6222 0212 3456 7890") == "************7890"
    assert mask_bank_account("6222-0212-3456-7890-123") == "***************0123"
    assert mask_bank_account("") == ""


def test_names_show_in_full_by_default():
    assert mask_name("张三") == "张三"
    assert mask_name("𠮷野家") == "𠮷野家"  # a character outside the basic plane survives intact


def test_surname_mode_keeps_the_surname_only():
    assert mask_name("张三丰", mode="surname") == "张**"
    assert mask_name("欧阳娜娜", mode="surname") == "欧阳**"
    assert mask_name("阿依古丽·买买提", mode="surname") == "阿***·***"
    # a variation selector stays attached to its character and is masked with it
    assert mask_name("李\u8449\U000e0100", mode="surname") == "李*"


def test_unknown_name_mode_is_refused():
    with pytest.raises(ValueError):
        mask_name("张三", mode="initials")


def test_paragraph_with_an_id_in_the_middle_loses_it():
    text = "经审核，张三（身份证号11010519491231002X）符合低保条件，每月发放救助金300元。"
    masked = mask_text(text)
    assert ID not in masked
    assert "19491231" not in masked
    assert "1101**********002X" in masked
    assert masked.startswith("经审核，张三（身份证号") and masked.endswith("每月发放救助金300元。")


def test_mask_text_catches_every_kind_of_number_however_written():
    text = (
        "身份证：110105 19491231 002x；老证：110105491231002；"
        "手机：138 1234 5678、+8613912345678；"
        "卡号：6222 0212 3456 7890 123；存折：62220212345678901；"
        "全角：１１０１０５１９４９１２３１００２Ｘ。"
    )
    masked = mask_text(text)
    for secret in ["19491231", "491231", "1234 5678", "12345678", "3456", "5678901"]:
        assert secret not in masked
    assert masked.count("1101**********002X") == 2
    assert "138****5678" in masked
    assert "+86 139****5678" in masked
    assert "***************0123" in masked


def test_mask_text_leaves_amounts_dates_and_landline_hotline_alone():
    text = "2024年10月收入合计123456.78元，公示期2024-10-01至2024-10-10，监督电话0531-88886666，第12345号。"
    assert mask_text(text) == text


def test_chinese_text_between_digit_groups_does_not_join_them_into_a_number():
    text = "第138组1234户5678号，370102号19491231出生0021人"
    assert mask_text(text) == text


def test_mask_text_leaves_the_committees_credit_code_readable():
    code = make_uscc(random.Random(5), area="370102")
    text = "村民委员会（统一社会信用代码：{code}）".format(code=code)
    assert mask_text(text) == text
    assert mask_text("代码91350100M000100Y43。") == "代码91350100M000100Y43。"


def test_mask_text_keeps_numbers_that_are_public_on_purpose():
    text = "监督电话：13912345678；低保户电话13812345678"
    masked = mask_text(text, keep=["139 1234 5678"])
    assert "13912345678" in masked
    assert "13812345678" not in masked


def test_mask_text_of_nothing_is_empty():
    assert mask_text("") == ""


@given(
    rng=st.randoms(use_true_random=False),
    area=AREAS,
    birth=BIRTHS,
    sex=SEXES,
    before=PROSE,
    after=PROSE,
)
def test_mask_text_never_lets_an_id_or_birth_date_through(rng, area, birth, sex, before, after):
    id18 = random_valid_id(rng, area=area, birth=birth, sex=sex)
    masked = mask_text(before + id18 + after)
    assert id18 not in masked
    assert birth.strftime("%Y%m%d") not in masked
    assert masked == before + mask_id(id18) + after
    assert mask_text(masked) == masked  # masking twice changes nothing
