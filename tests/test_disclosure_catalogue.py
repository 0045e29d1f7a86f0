"""The disclosure catalogue (domain.md, 村务公开): the shipped default, versions, validation, village overrides.

The default must cover Organic Law Art. 30: general matters at least every
quarter, finances every month where they are busy, major matters at once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from app.disclosure.catalogue import (ANNUAL, CATEGORIES, EVENT, GENERAL, MAJOR, MATTER_FREQUENCIES, MONTHLY,
                                      OCCASIONAL, QUARTERLY, CatalogueError, apply_overrides, catalogue_by_version,
                                      effective_settings, first_effective, load_catalogue, load_catalogue_file,
                                      matter_label)
from app.resources import resource_path

DAY = dt.date(2026, 11, 24)
SHIPPED = resource_path("catalogues", "disclosure-default.json")


def shipped_doc() -> dict:
    return json.loads(SHIPPED.read_text(encoding="utf-8"))


def write(folder: Path, name: str, doc: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def township(tmp_path: Path, version: str, effective: str, **changes) -> Path:
    doc = shipped_doc()
    doc.update(version=version, effective=effective, name="某县村务公开目录", example=False, **changes)
    return write(tmp_path / "catalogues", f"disclosure-{version}.json", doc)


# ---------------------------------------------------------------- the shipped default


def test_default_catalogue_is_marked_as_the_stand_in_for_the_county_one():
    cat = load_catalogue(None, DAY)
    assert cat.version == "2026.2" and cat.effective == dt.date(2026, 10, 1)
    assert cat.example and "默认" in cat.name and "替换" in cat.name
    assert 15 <= len(cat.items) <= 30
    assert cat.settings == {"finance_monthly": False, "finance_threshold": "1000", "hotline": ""}


def test_default_catalogue_covers_article_30():
    cat = load_catalogue(None, DAY)
    finance = [i for i in cat.items if i.finance]
    monthly = [i for i in finance if i.frequency == MONTHLY]
    quarterly = [i for i in finance if i.frequency == QUARTERLY]
    # busy finances monthly, the others at least quarterly: exactly one of the two applies
    assert [i.applies for i in monthly] == ["finance_monthly"]
    assert [i.applies for i in quarterly] == ["!finance_monthly"]
    assert monthly[0].code not in [i.code for i in cat.applicable()]
    assert monthly[0].code in [i.code for i in cat.applicable({"finance_monthly": True})]
    assert quarterly[0].code not in [i.code for i in cat.applicable({"finance_monthly": True})]
    general = [i for i in cat.items if i.category == "村务" and i.frequency == QUARTERLY and "一般" in i.name]
    assert general and "每季度" in general[0].legal_basis
    major = [i for i in cat.items if i.frequency == EVENT and "重大事项" in i.name]
    assert major and "随时公布" in major[0].legal_basis and major[0].deadline_days <= 3
    assert all("第三十条" in i.legal_basis for i in (*monthly, *quarterly, *general, *major))


@pytest.mark.parametrize("words, category, frequencies", [
    (("财务收支",), "财务", {MONTHLY, QUARTERLY}),
    (("集体资产和资源",), "财务", {"yearly", "half_yearly"}),
    (("合同",), "财务", {QUARTERLY}),
    (("救灾", "补贴"), "财务", {QUARTERLY}),
    (("最低生活保障",), "村务", {QUARTERLY}),
    (("宅基地",), "村务", {EVENT}),
    (("征收补偿",), "村务", {EVENT}),
    (("公益事业",), "村务", {EVENT}),
    (("四议两公开", "决议"), "村务", {EVENT}),
    (("四议两公开", "实施结果"), "村务", {EVENT}),
    (("党费",), "党务", {QUARTERLY, "half_yearly"}),
    (("发展党员",), "党务", {EVENT}),
    (("党务工作",), "党务", {QUARTERLY}),
    (("村民委员会", "年度工作"), "村务", {"yearly"}),
    (("党组织", "年度工作"), "党务", {"yearly"}),
])
def test_default_catalogue_has_the_common_items(words, category, frequencies):
    cat = load_catalogue(None, DAY)
    found = [i for i in cat.items if all(w in i.name for w in words)]
    assert found, words
    assert {i.category for i in found} == {category}
    assert {i.frequency for i in found} <= frequencies


def test_default_catalogue_has_the_matters_article_30_names():
    """Art. 30: (二) 国家计划生育政策的落实方案; (三) 政府拨付和接受社会捐赠的……资金、物资; Art. 27: 村民自治章程、
    村规民约 adopted by the villagers' meeting; Art. 24 (八) 处分村集体财产: each has its item and says why."""
    cat = load_catalogue(None, DAY)
    plan = cat.item("SW-13")
    assert plan.name == "国家计划生育政策的落实方案" and plan.category == "村务"
    assert (plan.matter, plan.frequency) == (GENERAL, QUARTERLY)
    assert "(二)国家计划生育政策的落实方案" in plan.legal_basis and "身份证号码" in plan.template
    relief = cat.item("CW-03")
    assert "社会捐赠" in relief.name and "接受的社会捐赠" in relief.template
    assert "(三)政府拨付和接受社会捐赠的救灾救助、补贴补助等资金、物资的管理使用情况" in relief.legal_basis
    rules = cat.item("SW-12")  # the code 四议两公开 matters about 村规民约 and 村民自治章程 post under
    assert all(w in rules.name for w in ("村民自治章程", "村规民约", "议事规则"))
    assert (rules.category, rules.frequency, rules.matter) == ("村务", EVENT, MAJOR)
    assert "第二十七条" in rules.legal_basis and "《山东省村务公开条例》第三条" in rules.legal_basis
    assert "备案" in rules.template and rules.min_days >= 15
    assets = cat.item("CW-10")
    assert (assets.frequency, assets.matter) == (EVENT, MAJOR)
    assert "(八)以借贷、租赁或者其他方式处分村集体财产" in assets.legal_basis


def test_every_default_item_says_what_kind_of_matter_it_is():
    """Art. 30: 一般事项至少每季度公布一次; 涉及村民利益的重大事项应当随时公布."""
    cat = load_catalogue(None, DAY)
    assert {i.matter for i in cat.items} == {GENERAL, MAJOR, ANNUAL, OCCASIONAL}
    for item in cat.items:
        assert item.frequency in MATTER_FREQUENCIES[item.matter], item.code
        assert matter_label(item.matter)
    general = {i.code for i in cat.items if i.matter == GENERAL}
    assert {"SW-01", "SW-02", "SW-13", "CW-02", "CW-03", "CW-05", "CW-06"} <= general
    assert all(cat.item(c).frequency in (MONTHLY, QUARTERLY) for c in general)
    assert {i.code for i in cat.items if i.frequency in ("half_yearly", "yearly")} == \
        {i.code for i in cat.items if i.matter == ANNUAL}


def test_the_version_before_2026_2_still_serves_the_notices_made_under_it():
    old = catalogue_by_version("2026.1")
    assert old.effective == dt.date(2026, 1, 1) and len(old.items) == 24
    assert {i.matter for i in old.items} == {""}  # written before items said what they are: read as it was
    assert old.item("CW-05").frequency == "half_yearly"
    assert load_catalogue(None, dt.date(2026, 9, 30)).version == "2026.1"
    assert load_catalogue(None, dt.date(2026, 10, 1)).version == "2026.2"


def test_every_default_item_can_be_drafted_and_posted():
    cat = load_catalogue(None, DAY)
    for item in cat.items:
        assert item.legal_basis and item.template and item.note
        assert item.min_days >= 7
        if item.finance or "征收补偿" in item.name:
            assert item.min_days >= 15, item.code
        text = item.render("2026年10月", "张家村")
        assert "张家村" in text and "{" not in text and "}" not in text
        assert any(line.startswith("## ") for line in text.splitlines()) or item.finance
    # 低保 lists are public but personal numbers are not (Personal Information Protection Law)
    assert "身份证号码" in next(i for i in cat.items if "最低生活保障" in i.name).template


def test_items_grouped_as_party_village_finance_in_that_order():
    groups = load_catalogue(None, DAY).by_category()
    assert tuple(groups) == CATEGORIES == ("党务", "村务", "财务")
    assert all(groups[c] for c in CATEGORIES)
    assert all(i.category == c for c in CATEGORIES for i in groups[c])
    assert sum(len(v) for v in groups.values()) == len(load_catalogue(None, DAY).items)


def test_item_by_code_ignores_case_and_an_unknown_code_is_a_plain_message():
    cat = load_catalogue(None, DAY)
    assert cat.item("cw-01").code == "CW-01"
    with pytest.raises(CatalogueError, match="没有编号为“XX-99”的事项"):
        cat.item("XX-99")


@pytest.mark.parametrize("frequency, days, text", [
    (MONTHLY, 10, "次月10日前"), (MONTHLY, 28, "次月28日前"), (MONTHLY, 30, "期满后 30 天内"),
    (QUARTERLY, 10, "季度结束后次月10日前"), ("yearly", 31, "次年1月31日前"), ("yearly", 60, "期满后 60 天内"),
    (EVENT, 3, "事项发生后 3 天内"), (MONTHLY, 0, "期满当天"),
])
def test_deadline_rule_reads_as_a_day_of_the_next_month(frequency, days, text):
    cat = load_catalogue(None, DAY)
    base = cat.item("CW-01")
    assert replace(base, frequency=frequency, deadline_days=days).deadline_text() == text


# ---------------------------------------------------------------- versions from the township


def test_newer_township_catalogue_takes_over_on_its_effective_date(tmp_path):
    township(tmp_path, "2027.1", "2027-01-01")
    assert load_catalogue(tmp_path, dt.date(2026, 12, 31)).version == "2026.2"
    newer = load_catalogue(tmp_path, dt.date(2027, 1, 1))
    assert newer.version == "2027.1" and newer.name == "某县村务公开目录"
    assert newer.path == tmp_path / "catalogues" / "disclosure-2027.1.json"
    # without the data directory only the shipped catalogue is known
    assert load_catalogue(None, dt.date(2027, 6, 1)).version == "2026.2"


def test_old_notices_keep_the_version_they_were_made_under(tmp_path):
    doc = shipped_doc()
    doc["items"][0]["min_days"] = 30
    township(tmp_path, "2027.1", "2027-01-01", items=doc["items"])
    code = doc["items"][0]["code"]
    assert catalogue_by_version("2026.1", tmp_path).item(code).min_days != 30
    assert catalogue_by_version("2027.1", tmp_path).item(code).min_days == 30
    with pytest.raises(CatalogueError, match="找不到版本为“2019.1”"):
        catalogue_by_version("2019.1", tmp_path)


def test_same_effective_date_the_higher_version_wins(tmp_path):
    township(tmp_path, "2027.9", "2027-01-01")
    township(tmp_path, "2027.10", "2027-01-01")
    assert load_catalogue(tmp_path, dt.date(2027, 3, 1)).version == "2027.10"


def test_nothing_in_force_yet_says_what_to_do(tmp_path):
    with pytest.raises(CatalogueError, match="2025-06-30 还没有生效的村务公开目录"):
        load_catalogue(tmp_path, dt.date(2025, 6, 30))
    assert first_effective(tmp_path) == dt.date(2026, 1, 1)


def test_township_resending_the_shipped_file_is_harmless(tmp_path):
    write(tmp_path / "catalogues", "disclosure-copy.json", shipped_doc())
    assert load_catalogue(tmp_path, DAY).version == "2026.2"


def test_two_files_with_one_version_but_different_content_are_refused(tmp_path):
    doc = shipped_doc()
    doc["items"][0]["deadline_days"] = 20
    write(tmp_path / "catalogues", "disclosure-changed.json", doc)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(tmp_path, DAY)
    assert "disclosure-default.json" in str(err.value) and "disclosure-changed.json" in str(err.value)
    assert "2026.2" in str(err.value)


# ---------------------------------------------------------------- validation


def _break_first(key: str, value):
    def change(doc: dict) -> None:
        if value is None:
            del doc["items"][0][key]
        else:
            doc["items"][0][key] = value
    return change


@pytest.mark.parametrize("change, words", [
    (lambda d: d["items"].append(dict(d["items"][1])), "重复"),
    (_break_first("category", "政务"), "category"),
    (_break_first("frequency", "weekly"), "frequency"),
    (_break_first("min_days", 0), "min_days"),
    (_break_first("min_days", "7"), "min_days"),
    (_break_first("deadline_days", -1), "deadline_days"),
    (_break_first("deadline_days", True), "deadline_days"),
    (_break_first("deadline_days", 400), "deadline_days"),
    (_break_first("deadline_days", None), "deadline_days"),
    (_break_first("name", " "), "name"),
    (_break_first("legal_basis", ""), "legal_basis"),
    (_break_first("template", "{village}{amount}元"), "{amount}"),
    (_break_first("template", "{village"), "花括号"),
    (_break_first("applies", "busy"), "busy"),
    (_break_first("finance", "yes"), "finance"),
    (_break_first("code", "第一项"), "编号"),
])
def test_a_bad_item_is_refused_naming_the_file_and_the_item(tmp_path, change, words):
    doc = shipped_doc()
    change(doc)
    path = write(tmp_path, "disclosure-bad.json", doc)
    with pytest.raises(CatalogueError) as err:
        load_catalogue_file(path)
    message = str(err.value)
    assert "disclosure-bad.json" in message and words in message
    code = doc["items"][0].get("code", "")
    if words not in ("重复", "编号"):
        assert code in message


def _item(code: str, **change):
    def edit(doc: dict) -> None:
        item = next(i for i in doc["items"] if i["code"] == code)
        for key, value in change.items():
            if value is None:
                del item[key]
            else:
                item[key] = value
    return edit


@pytest.mark.parametrize("change, code, words", [
    # Art. 30: 一般事项至少每季度公布一次
    (_item("CW-05", frequency="yearly"), "CW-05", "一般事项至少每季度公布一次"),
    (_item("CW-06", frequency="half_yearly"), "CW-06", "每半年"),
    (_item("SW-01", frequency="event"), "SW-01", "要定期公布"),
    # 涉及村民利益的重大事项应当随时公布
    (_item("SW-04", frequency="quarterly"), "SW-04", "应当随时公布"),
    (_item("SW-10", frequency="quarterly"), "SW-10", "matter 改为 general"),
    (_item("DW-03", frequency="monthly"), "DW-03", "occasional"),
    (_item("CW-04", matter="yearly"), "CW-04", "matter 应为 general、major、annual 或 occasional"),
    (_item("CW-09", matter=None), "CW-09", "缺少 matter"),
])
def test_an_item_whose_frequency_breaks_article_30_is_refused(tmp_path, change, code, words):
    doc = shipped_doc()
    change(doc)
    path = write(tmp_path, "disclosure-bad.json", doc)
    with pytest.raises(CatalogueError) as err:
        load_catalogue_file(path)
    message = str(err.value)
    assert "disclosure-bad.json" in message and f"“{code}”" in message and words in message


def test_a_general_item_set_to_yearly_stops_the_township_catalogue_from_loading(tmp_path):
    doc = shipped_doc()
    _item("CW-05", frequency="yearly")(doc)
    township(tmp_path, "2027.1", "2027-01-01", items=doc["items"])
    with pytest.raises(CatalogueError, match="disclosure-2027.1.json 有错:事项“CW-05”是一般事项"):
        load_catalogue(tmp_path, DAY)


def test_a_general_item_more_often_than_quarterly_is_accepted(tmp_path):
    doc = shipped_doc()
    _item("CW-05", frequency="monthly")(doc)
    assert load_catalogue_file(write(tmp_path, "disclosure-x.json", doc)).item("CW-05").frequency == MONTHLY


@pytest.mark.parametrize("change, words", [
    (lambda d: d.update(format=2), "format"),
    (lambda d: d.update(version=""), "version"),
    (lambda d: d.update(effective="2026-13-01"), "effective"),
    (lambda d: d.update(items=[]), "items"),
    (lambda d: d["settings"].update(finance_monthly="yes"), "finance_monthly"),
    (lambda d: d["settings"].update(finance_threshold="一千"), "finance_threshold"),
])
def test_a_bad_header_is_refused_naming_the_file(tmp_path, change, words):
    doc = shipped_doc()
    change(doc)
    path = write(tmp_path, "disclosure-bad.json", doc)
    with pytest.raises(CatalogueError) as err:
        load_catalogue_file(path)
    assert "disclosure-bad.json" in str(err.value) and words in str(err.value)


def test_a_broken_file_in_the_data_directory_is_named(tmp_path):
    folder = tmp_path / "catalogues"
    folder.mkdir()
    (folder / "disclosure-half.json").write_bytes(b'{"format": 1, "version": "20')
    with pytest.raises(CatalogueError, match="disclosure-half.json"):
        load_catalogue(tmp_path, DAY)


# ---------------------------------------------------------------- the village's own numbers


def test_village_changes_a_deadline_without_editing_the_file():
    cat = load_catalogue(None, DAY)
    mine = apply_overrides(cat, {"items": {"cw-02": {"deadline_days": 15, "min_days": 20}}})
    assert (mine.item("CW-02").deadline_days, mine.item("CW-02").min_days) == (15, 20)
    assert cat.item("CW-02").deadline_days == 10  # the loaded catalogue is untouched
    assert [i for i in mine.items if i.code != "CW-02"] == [i for i in cat.items if i.code != "CW-02"]
    assert mine.version == cat.version


def test_village_settings_switch_finances_to_monthly():
    cat = load_catalogue(None, DAY)
    mine = apply_overrides(cat, {"finance_monthly": True, "finance_threshold": 2000, "hotline": " 0531-1234567 "})
    assert mine.settings == {"finance_monthly": True, "finance_threshold": "2000", "hotline": "0531-1234567"}
    codes = [i.code for i in mine.applicable()]
    assert "CW-01" in codes and "CW-02" not in codes


def test_a_setting_the_catalogue_no_longer_has_is_ignored():
    cat = load_catalogue(None, DAY)
    assert effective_settings(cat, {"old_setting": 5, "items": {}}) == cat.settings
    assert apply_overrides(cat, {"items": {"ZZ-01": {"min_days": 3}}}).items == cat.items


@pytest.mark.parametrize("overrides, words", [
    ({"finance_monthly": "是"}, "true 或 false"),
    ({"finance_threshold": "-5"}, "finance_threshold"),
    ({"items": {"CW-02": {"min_days": 0}}}, "min_days"),
    ({"items": {"CW-02": {"deadline_days": "十"}}}, "deadline_days"),
    ({"items": {"CW-02": {"frequency": "monthly"}}}, "不能改“frequency”"),
    ({"items": ["CW-02"]}, "items"),
])
def test_a_bad_override_is_refused_with_a_plain_message(overrides, words):
    with pytest.raises(CatalogueError) as err:
        apply_overrides(load_catalogue(None, DAY), overrides)
    assert words in str(err.value) and "本村的公开设置" in str(err.value)
