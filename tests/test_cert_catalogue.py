"""The approved list and the negative list (domain.md, Certificates): data, versions, and contradictions."""

from __future__ import annotations

import datetime as dt

import pytest

from app.certificates.catalogue import (EXPIRED, NEGATIVE, NO_CATALOGUE, OK, UNKNOWN, CatalogueError,
                                        load_catalogues)
from test_cert_support import DAY, shipped, write_catalogue


def test_shipped_lists_are_the_example_seven_and_the_national_twenty_plus_hubei():
    cats = load_catalogues(None)
    approved, negative = cats.approved_on(DAY), cats.negative_on(DAY)
    assert approved is not None and negative is not None
    assert len(approved.items) == 7
    assert approved.example and "须替换为本省公布的清单" in approved.note
    national = [n for n in negative.items if n.scope == "全国"]
    hubei = [n for n in negative.items if n.scope == "湖北省"]
    assert len(national) == 20
    assert {n.name for n in hubei} == {"缴费票据遗失证明", "转学证明"}
    assert all(n.authority for n in negative.items)
    # every approved kind has what the province must publish for it
    for k in approved.items:
        assert k.purpose and k.legal_basis and k.materials and k.template and len(k.short) == 2
        assert k.on_the_spot == (k.mode == "on_the_spot")
        assert k.on_the_spot or k.days > 0


@pytest.mark.parametrize("asked", ["SD-01", "sd-01", "居住证明", " 居住证明 "])
def test_approved_kind_by_code_or_exact_name(asked):
    d = load_catalogues(None).decide(asked, DAY)
    assert d.status == OK and d.kind.code == "SD-01" and d.catalogue_version == "SD-2020-示例-1"


@pytest.mark.parametrize("asked, listed", [("死亡证明", "死亡证明"), ("良民证", "无犯罪记录证明"), ("单身证明", "婚姻状况证明"),
                                           ("健在证明", "健在证明"), ("转学证明", "转学证明")])
def test_negative_list_refuses_with_the_authority_to_go_to(asked, listed):
    d = load_catalogues(None).decide(asked, DAY)
    assert d.status == NEGATIVE and d.kind is None
    assert listed in d.reason and d.authority
    if asked == "死亡证明":
        assert "医疗卫生机构" in d.authority


def test_unknown_kind_is_refused():
    d = load_catalogues(None).decide("收入证明", DAY)
    assert d.status == UNKNOWN and "不在本村公布的可出具证明清单上" in d.reason and d.authority


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
    assert cats.decide("收入证明", DAY).status == NO_CATALOGUE


def test_time_limit_in_working_days_skips_the_weekend():
    kind = load_catalogues(None).find_approved("SD-02", DAY)
    assert kind is not None and kind.days == 5 and kind.working_days
    assert kind.due_date(dt.date(2026, 3, 6)) == dt.date(2026, 3, 13)  # Friday + 5 working days


def test_masking_follows_print_full():
    kind = load_catalogues(None).find_approved("SD-01", DAY)
    values = {"name": "李四", "id_number": "370102198507090226", "sex": "女", "village": "柳林村", "group": "",
              "purpose": "办理居住证", "address": "第一组12号", "since": "2019年3月"}
    body = kind.render(values)
    assert "李四" in body and "3701**********0226" in body and "370102198507090226" not in body
    full = load_catalogues(None).find_approved("SD-03", DAY)
    values.update(contract_no="HT-1", plots="2", area="3.5")
    assert "370102198507090226" in full.render(values)
