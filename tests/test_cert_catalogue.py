"""The approved list and the negative list (domain.md, Certificates): data, versions, and contradictions."""

from __future__ import annotations

import datetime as dt

import pytest

from app.certificates.catalogue import (EXPIRED, NEGATIVE, NO_CATALOGUE, OK, UNKNOWN, CatalogueError,
                                        load_catalogues)
from test_cert_support import DAY, shipped, write_catalogue


# 民政部 国家发展改革委 公安部 司法部 人力资源社会保障部 国家卫生健康委《关于改进和规范基层群众性
# 自治组织出具证明工作的指导意见》(民发〔2020〕20号):《不应由基层群众性自治组织出具证明事项清单
# (第一批)》, its 20 items in the published order, typed here from the published text
NATIONAL_20 = [
    "亲属关系证明", "居民身份信息证明", "户口登记项目内容变更申请证明", "居民养犬证明", "无犯罪记录证明",
    "社区戒毒社区康复人员情况证明", "人员失踪证明", "婚姻状况证明", "出生证明", "健在证明",
    "死亡证明", "疾病状况证明", "残疾状况证明", "婚育状况证明", "居民就业状况证明",
    "居民个人档案证明", "居民财产证明", "遗产继承权证明", "市场主体住所证明", "证件遗失证明",
]
# the other names the published list gives in brackets
PUBLISHED_BRACKETS = {
    2: "居民身份信息证明(户籍证明)",
    6: "社区戒毒社区康复人员情况证明(表现证明)",
    8: "婚姻状况证明(婚姻关系证明、分居证明)",
    12: "疾病状况证明(急诊证明、意外伤害证明)",
    14: "婚育状况证明(生育状况证明)",
    17: "居民财产证明(经济状况证明、收入证明、偿还能力证明、房产证明、银行存款证明、投资情况证明、车辆所有权证明等)",
    19: "市场主体住所证明(经营场所证明、同意住宅改变为经营性用房证明、社区经营性用房无扰民证明)",
}
HUBEI = "provinces/provincial-negative-hubei.json"


def _hubei() -> dict:
    import json

    from app.resources import resource_path

    return json.loads(resource_path("catalogues", HUBEI).read_text(encoding="utf-8"))


def test_the_national_list_is_the_twenty_published_items_word_for_word_and_in_order():
    national = load_catalogues(None).negative_on(DAY)
    assert national is not None and national.scope == "national" and not national.example
    assert [i.name for i in national.items] == NATIONAL_20
    assert [i.no for i in national.items] == list(range(1, 21))
    assert {i.no: i.listed_as for i in national.items if i.listed_as} == PUBLISHED_BRACKETS
    doc = national.document
    assert doc.number == "民发〔2020〕20号"
    assert doc.title == "关于改进和规范基层群众性自治组织出具证明工作的指导意见"
    assert doc.issuer == "民政部 国家发展改革委 公安部 司法部 人力资源社会保障部 国家卫生健康委"
    assert doc.list_title == "不应由基层群众性自治组织出具证明事项清单(第一批)"
    for item in national.items:  # where to send the person, and the document with its number
        assert item.authority and "民发〔2020〕20号" in item.basis and item.scope == "全国"


def test_the_two_names_of_another_provinces_wording_are_corrected():
    names = [i.name for i in load_catalogues(None).negative_on(DAY).items]
    assert "户口登记项目内容变更申请证明" in names and "户口登记项目内容变更更正证明" not in names
    assert "婚育状况证明" in names and "生育状况证明" not in names
    # 婚姻状况证明 stays an item of its own (8th), 婚育状况证明 is the 14th
    assert names.index("婚姻状况证明") == 7 and names.index("婚育状况证明") == 13


def test_shipped_approved_list_is_the_example_seven_and_no_province_is_added_by_default():
    cats = load_catalogues(None)
    approved = cats.approved_on(DAY)
    assert approved is not None and len(approved.items) == 7
    assert approved.example and "须替换为本省公布的清单" in approved.note
    assert cats.provincial_on(DAY) is None and cats.decide("转学证明", DAY).status == UNKNOWN
    # every approved kind has what the province must publish for it
    for k in approved.items:
        assert k.purpose and k.legal_basis and k.materials and k.template and len(k.short) == 2
        assert k.on_the_spot == (k.mode == "on_the_spot")
        assert k.on_the_spot or k.days > 0


@pytest.mark.parametrize("asked", ["SD-01", "sd-01", "ＳＤ－０１", "居住证明", " 居住证明 ", "居住"])
def test_approved_kind_by_code_or_exact_name(asked):
    d = load_catalogues(None).decide(asked, DAY)
    assert d.status == OK and d.kind.code == "SD-01" and d.catalogue_version == "SD-2020-示例-1"


@pytest.mark.parametrize("asked, no, authority", [
    ("死亡证明", 11, "医疗卫生机构"), ("良民证", 5, "公安机关"), ("无犯罪证明", 5, "公安机关"),
    ("表现证明", 6, "社区戒毒社区康复工作机构"), ("婚育证明", 14, "卫生健康部门"), ("生育证明", 14, "卫生健康部门"),
    ("生育状况证明", 14, "卫生健康部门"), ("健在证明", 10, "人力资源社会保障部门"), ("单身证明", 8, "婚姻登记机关"),
    ("未婚证明", 8, "婚姻登记机关"), ("分居证明", 8, "婚姻登记机关"), ("亲属证明", 1, "公安派出所"),
    ("户口变更证明", 3, "公安派出所"), ("户口登记项目内容变更更正证明", 3, "公安派出所"), ("户籍证明", 2, "公安派出所"),
    ("收入证明", 17, "工作单位"), ("经营场所证明", 19, "市场监督管理部门"),
])
def test_negative_list_refuses_with_the_item_its_basis_and_where_to_go(asked, no, authority):
    d = load_catalogues(None).decide(asked, DAY)
    assert d.status == NEGATIVE and d.kind is None
    assert d.item.no == no and d.item.name == NATIONAL_20[no - 1]
    assert "第{n}项".format(n=no) in d.reason and NATIONAL_20[no - 1] in d.reason
    assert "民发〔2020〕20号" in d.reason and "民发〔2020〕20号" in d.basis
    assert authority in d.authority


@pytest.mark.parametrize("asked", ["无犯罪记录", " 无犯罪 记录 证明 ", "无犯罪\u3000证明", "开无犯罪证明", "《无犯罪证明》"])
def test_spaces_full_width_and_a_missing_trailing_word_still_match(asked):
    d = load_catalogues(None).decide(asked, DAY)
    assert d.status == NEGATIVE and d.item.name == "无犯罪记录证明" and "公安机关" in d.authority


def test_a_kind_on_neither_list_is_refused_with_a_plain_message():
    # 现实表现证明 is not on the national list (its 表现证明 is that of 社区戒毒社区康复人员): no invented basis
    d = load_catalogues(None).decide("现实表现证明", DAY)
    assert d.status == UNKNOWN and d.item is None and d.basis == ""
    assert "不在本村公布的可出具证明清单上" in d.reason and "也不在不应出具的清单上" in d.reason
    assert "民发" not in d.reason and "乡镇" in d.authority


def test_a_kind_on_both_lists_is_an_error_at_load_time(tmp_path):
    doc = shipped("approved")
    doc["items"][0]["name"] = "婚姻状况证明"
    write_catalogue(tmp_path / "catalogues", "certificates-approved-bad.json", doc)
    with pytest.raises(CatalogueError) as err:
        load_catalogues(tmp_path)
    assert "婚姻状况证明" in str(err.value) and "certificates-approved-bad.json" in str(err.value)


def test_an_alias_on_the_negative_list_also_conflicts(tmp_path):
    doc = shipped("approved")
    doc["items"][2]["title"] = "无房证明"  # an alias of 居民财产证明
    write_catalogue(tmp_path / "catalogues", "certificates-approved-x.json", doc)
    with pytest.raises(CatalogueError, match="居民财产证明"):
        load_catalogues(tmp_path)


def test_lists_that_are_never_in_force_together_do_not_conflict(tmp_path):
    old = shipped("approved")
    old.update(version="old", effective="2015-01-01", expires="2017-12-31")
    old["items"][0]["name"] = "婚姻状况证明"
    write_catalogue(tmp_path / "catalogues", "certificates-approved-old.json", old)
    cats = load_catalogues(tmp_path)
    assert cats.decide("婚姻状况证明", DAY).status == NEGATIVE


@pytest.mark.parametrize("change, message", [
    (lambda d: d["items"][0].update(template="兹证明{name}住在{house}"), "house"),
    (lambda d: d["items"][0].update(short="居-住"), "简称"),
    (lambda d: d["items"][1].update(code="SD-01"), "SD-01"),
    (lambda d: d["items"][0].update(mode="sometime"), "mode"),
    (lambda d: d["items"][1].update(days=0), "days"),
    (lambda d: d["items"][0]["fields"][0].update(max_len=0), "max_len"),
    (lambda d: d.update(effective="2021-13-01"), "effective"),
    (lambda d: d.update(format=2), "format"),
])
def test_broken_catalogue_is_refused_naming_what_is_wrong(tmp_path, change, message):
    doc = shipped("approved")
    change(doc)
    write_catalogue(tmp_path / "catalogues", "certificates-approved-2.json", doc)
    with pytest.raises(CatalogueError, match=message):
        load_catalogues(tmp_path)


def test_newer_version_takes_over_on_its_effective_date(tmp_path):
    doc = shipped("approved")
    doc.update(version="2027版", effective="2027-01-01")
    doc["items"] = [i for i in doc["items"] if i["code"] != "SD-05"]
    write_catalogue(tmp_path / "catalogues", "certificates-approved-2027.json", doc)
    cats = load_catalogues(tmp_path)
    assert cats.decide("SD-05", dt.date(2026, 12, 31)).status == OK
    assert cats.decide("SD-01", dt.date(2027, 1, 1)).catalogue_version == "2027版"
    later = cats.decide("林木权属证明", dt.date(2027, 1, 2))
    assert later.status == EXPIRED and "2026-12-31" in later.reason


def test_an_expired_entry_is_refused(tmp_path):
    doc = shipped("approved")
    doc["items"][0]["expires"] = "2025-12-31"
    write_catalogue(tmp_path / "catalogues", "certificates-approved-2.json", doc)
    cats = load_catalogues(tmp_path)
    d = cats.decide("SD-01", DAY)
    assert d.status == EXPIRED and "2025-12-31" in d.reason
    assert cats.decide("SD-01", dt.date(2025, 12, 31)).status == OK


def test_no_list_in_force_refuses_everything(tmp_path):
    approved = shipped("approved")
    approved.update(expires="2025-06-30")
    negative = shipped("negative")
    folder = tmp_path / "only"
    write_catalogue(folder, "certificates-approved.json", approved)
    write_catalogue(folder, "certificates-negative.json", negative)
    cats = load_catalogues(dirs=[folder])
    assert cats.decide("SD-01", DAY).status == EXPIRED
    assert cats.decide("在校证明", DAY).status == NO_CATALOGUE
    assert cats.decide("收入证明", DAY).status == NEGATIVE  # what must not be issued is still said


def test_time_limit_in_working_days_skips_the_weekend():
    kind = load_catalogues(None).find_approved("SD-02", DAY)
    assert kind is not None and kind.days == 5 and kind.working_days
    assert kind.due_date(dt.date(2026, 3, 6)) == dt.date(2026, 3, 13)  # Friday + 5 working days


def test_the_applicants_id_number_is_written_whole_and_other_fields_follow_print_full():
    kind = load_catalogues(None).find_approved("SD-01", DAY)
    values = {"name": "李四", "id_number": "370102198507090226", "sex": "女", "village": "柳林村", "group": "",
              "purpose": "办理居住证", "address": "第一组12号", "since": "2019年3月"}
    body = kind.render(values)
    # the certificate identifies its holder to a school or an office: their own number in full
    assert "李四" in body and "370102198507090226" in body
    assert "柳林村第一组12号" in body
    values["address"] = "柳林村第一组12号"  # an address that already starts with the village's name
    assert "在柳林村第一组12号居住" in kind.render(values)
    full = load_catalogues(None).find_approved("SD-03", DAY)
    values.update(contract_no="HT-1", plots="2", area="3.5")
    assert "370102198507090226" in full.render(values)


# ---------------------------------------------------------------- provincial additions


def test_a_provinces_additions_are_read_beside_the_national_list(tmp_path):
    write_catalogue(tmp_path / "catalogues", "provincial-negative-hubei.json", _hubei())
    cats = load_catalogues(tmp_path)
    national, provincial = cats.negative_on(DAY), cats.provincial_on(DAY)
    assert [i.name for i in national.items] == NATIONAL_20
    assert provincial.region == "湖北省" and [i.name for i in provincial.items] == ["缴费票据遗失证明", "转学证明"]
    assert provincial.document.number == "鄂民政发〔2020〕32号"
    d = cats.decide("转学证明", DAY)
    assert d.status == NEGATIVE and "湖北省不应由基层群众性自治组织出具证明事项清单(第一批)" in d.reason
    assert "鄂民政发〔2020〕32号" in d.reason and d.authority == "学校和县级教育行政部门"
    assert cats.decide("发票遗失证明", DAY).item.name == "缴费票据遗失证明"
    assert cats.decide("死亡证明", DAY).item.no == 11  # the national list is still in force


@pytest.mark.parametrize("entry, national", [
    ("死亡证明", "第11项“死亡证明”"),
    ("生育状况证明", "第14项“婚育状况证明”"),  # Hubei's own wording of the national 婚育状况证明
    ("户口登记项目内容变更更正证明", "第3项“户口登记项目内容变更申请证明”"),
    ("良民证", "第5项“无犯罪记录证明”"),
])
def test_a_provincial_list_that_repeats_or_renames_a_national_item_is_refused(tmp_path, entry, national):
    doc = _hubei()
    doc["items"].append({"name": entry, "aliases": [], "authority": "某部门", "basis": "某文件"})
    write_catalogue(tmp_path / "catalogues", "provincial-negative-hubei.json", doc)
    with pytest.raises(CatalogueError) as err:
        load_catalogues(tmp_path)
    message = str(err.value)
    assert "provincial-negative-hubei.json" in message and entry in message and national in message
    assert "省级清单只能增加全国清单以外的证明" in message


def test_a_provincial_alias_that_names_a_national_item_is_refused(tmp_path):
    doc = _hubei()
    doc["items"][0]["aliases"].append("证件丢失证明")
    write_catalogue(tmp_path / "catalogues", "provincial-negative-hubei.json", doc)
    with pytest.raises(CatalogueError, match="第20项“证件遗失证明”"):
        load_catalogues(tmp_path)


def test_a_provincial_list_must_name_its_source(tmp_path):
    doc = _hubei()
    del doc["source"]
    write_catalogue(tmp_path / "catalogues", "provincial-negative-hubei.json", doc)
    with pytest.raises(CatalogueError, match="来源 source"):
        load_catalogues(tmp_path)


def test_an_approved_kind_on_the_provincial_list_is_an_error(tmp_path):
    write_catalogue(tmp_path / "catalogues", "provincial-negative-hubei.json", _hubei())
    doc = shipped("approved")
    doc["items"][4]["title"] = "转学证明"
    write_catalogue(tmp_path / "catalogues", "certificates-approved-x.json", doc)
    with pytest.raises(CatalogueError, match="转学证明"):
        load_catalogues(tmp_path)


def test_two_provinces_at_once_are_refused(tmp_path):
    write_catalogue(tmp_path / "catalogues", "provincial-negative-hubei.json", _hubei())
    other = _hubei()
    other["region"] = "某省"
    other["items"] = [{"name": "某某证明", "aliases": [], "authority": "某部门", "basis": "某文件"}]
    write_catalogue(tmp_path / "catalogues", "provincial-negative-other.json", other)
    with pytest.raises(CatalogueError, match="两个省"):
        load_catalogues(tmp_path)


def test_the_published_order_is_checked(tmp_path):
    doc = shipped("negative")
    doc["items"][0], doc["items"][1] = doc["items"][1], doc["items"][0]
    write_catalogue(tmp_path / "catalogues", "certificates-negative-2.json", doc)
    with pytest.raises(CatalogueError, match="序号"):
        load_catalogues(tmp_path)


def test_an_approved_kind_named_like_a_published_bracketed_name_conflicts(tmp_path):
    doc = shipped("approved")
    doc["items"][0]["title"] = "户籍证明"  # 居民身份信息证明(户籍证明)
    write_catalogue(tmp_path / "catalogues", "certificates-approved-x.json", doc)
    with pytest.raises(CatalogueError, match="居民身份信息证明"):
        load_catalogues(tmp_path)


def test_a_negative_list_in_the_old_form_is_still_read(tmp_path):
    # before the split: no scope, no source, no numbers, every item its own basis
    old = {"format": 1, "kind": "negative", "version": "旧版", "effective": "2021-01-01", "expires": None,
           "region": "全国", "items": [{"name": "死亡证明", "aliases": ["去世证明"], "authority": "医疗卫生机构",
                                       "basis": "民政部等六部门指导意见(2020年)", "scope": "全国"}]}
    folder = tmp_path / "old"
    write_catalogue(folder, "certificates-approved.json", shipped("approved"))
    write_catalogue(folder, "certificates-negative.json", old)
    d = load_catalogues(dirs=[folder]).decide("去世证明", DAY)
    assert d.status == NEGATIVE and d.item.name == "死亡证明" and "指导意见(2020年)" in d.reason
    assert d.authority == "医疗卫生机构"
