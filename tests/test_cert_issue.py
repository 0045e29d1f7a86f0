"""Issuing certificates: one transaction for number, register entry and event; refusals recorded; bad
input refused before any number is used."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from app.certificates.catalogue import load_catalogues
from app.certificates.service import (Applicant, Approval, CertificateError, CheckRecord, cancel_pending,
                                      complete_pending, get_certificate, list_pending, list_refusals,
                                      print_certificate, void_certificate)
from app.check import check_store
from app.masking import mask_id
from app.people.service import FieldError, NotFound
from test_cert_support import (DAY, cert_store, catalogues, counts, issue, request, resident_id,  # noqa: F401
                               shipped, write_catalogue)


def test_on_the_spot_kind_is_issued_with_number_register_entry_and_event(cert_store, catalogues):
    before = counts(cert_store)
    out = issue(cert_store, catalogues)
    assert out.status == "issued"
    c = out.certificate
    assert c.serial == "2026-居住-0001" and c.issue_date == DAY and c.state == "issued"
    assert c.verified_by == "王文书" and c.verified_document == "户口簿" and c.approver == "张三"
    assert c.catalogue_version == "SD-2020-示例-1"
    assert "李四" in c.body and "第一村民小组12号" in c.body and "办理居住证" in c.body
    assert c.qr_payload.startswith("CW1.") and len(c.check_code) == 6
    after = counts(cert_store)
    assert after["numbered"] == before["numbered"] + 1 and after["events"] == before["events"] + 1
    with cert_store.read() as s:
        assert check_store(s).ok


def test_numbers_run_per_kind_and_per_year(cert_store, catalogues):
    serials = [issue(cert_store, catalogues).certificate.serial for _ in range(3)]
    land = issue(cert_store, catalogues, request(cert_store, "SD-03", fields={
        "contract_no": "HT-7", "plots": "2", "area": "3.5"})).certificate.serial
    next_year = issue(cert_store, catalogues, day=dt.date(2027, 1, 4)).certificate.serial
    assert serials == ["2026-居住-0001", "2026-居住-0002", "2026-居住-0003"]
    assert land == "2026-承包-0001" and next_year == "2027-居住-0001"


def _assert_refused_without_number(store, out, before, *, reason: str, authority: str = ""):
    assert out.status == "refused" and out.certificate is None
    assert reason in out.refusal.reason
    assert authority in out.refusal.authority
    after = counts(store)
    assert after["numbered"] == before["numbered"] and after["certificates"] == before["certificates"]
    assert after["refusals"] == before["refusals"] + 1
    with store.read() as s:
        assert list_refusals(s)[-1].reason == out.refusal.reason


def test_negative_list_kind_is_refused_recorded_and_uses_no_number(cert_store, catalogues):
    before = counts(cert_store)
    out = issue(cert_store, catalogues, request(cert_store, "死亡证明", fields={}))
    _assert_refused_without_number(cert_store, out, before, reason="第11项,村(居)民委员会不应出具",
                                   authority="医疗卫生机构")
    assert "民发〔2020〕20号" in out.refusal.reason and out.refusal.reason_code == "negative"
    assert out.refusal.applicant.startswith("李四 3701") and "*" in out.refusal.applicant
    assert issue(cert_store, catalogues).certificate.serial == "2026-居住-0001"


def test_unknown_kind_is_refused_and_recorded(cert_store, catalogues):
    before = counts(cert_store)
    out = issue(cert_store, catalogues, request(cert_store, "现实表现证明", fields={}))
    _assert_refused_without_number(cert_store, out, before, reason="不在本村公布的可出具证明清单上",
                                   authority="乡镇")
    assert out.refusal.reason_code == "unknown"


def test_expired_entry_is_refused_and_recorded(cert_store, tmp_path):
    doc = shipped("approved")
    doc["items"][0]["expires"] = "2026-02-28"
    write_catalogue(tmp_path / "c", "certificates-approved.json", doc)
    write_catalogue(tmp_path / "c", "certificates-negative.json", shipped("negative"))
    cats = load_catalogues(dirs=[tmp_path / "c"])
    before = counts(cert_store)
    out = issue(cert_store, cats)
    _assert_refused_without_number(cert_store, out, before, reason="2026-02-28")
    assert out.refusal.reason_code == "expired"


@pytest.mark.parametrize("note, status, word", [("", "已迁出", "已迁出"), ("", "已故", "已去世"),
                                                ("2024年已迁出", None, "已迁出"), ("2025年病故", None, "已去世")])
def test_resident_who_moved_out_or_died_is_refused_for_a_residence_kind(cert_store, catalogues, note, status, word):
    from app.people.service import ResidentInput, get_resident, update_resident

    rid = resident_id(cert_store, "李四")
    with cert_store.begin("测试") as s:
        r = get_resident(s, rid)
        update_resident(s, rid, ResidentInput(name=r.name, id_number=r.id_number, group_id=r.group_id, note=note,
                                              status=status))
    before = counts(cert_store)
    out = issue(cert_store, catalogues)
    _assert_refused_without_number(cert_store, out, before, reason=word)
    # the land contract certificate does not require living here
    land = issue(cert_store, catalogues, request(cert_store, "SD-03", fields={"contract_no": "HT-7", "plots": "2",
                                                                             "area": "3.5"}))
    assert land.status == "issued"


def test_working_away_is_not_moving_out(cert_store, catalogues):
    from app.people.service import ResidentInput, get_resident, update_resident

    rid = resident_id(cert_store, "李四")
    with cert_store.begin("测试") as s:
        r = get_resident(s, rid)
        update_resident(s, rid, ResidentInput(name=r.name, id_number=r.id_number, note="外出务工"))
    assert issue(cert_store, catalogues).status == "issued"


@pytest.mark.parametrize("fields, field", [
    ({"address": "第一村民小组12号"}, "since"),                             # missing required
    ({"address": "长" * 41, "since": "2019年3月"}, "address"),              # longer than the printed box
    ({"address": "12号", "since": "2019年3月", "colour": "红"}, "colour"),  # not a field of this kind
])
def test_bad_fields_are_refused_before_any_number_is_used(cert_store, catalogues, fields, field):
    before = counts(cert_store)
    with pytest.raises(FieldError) as err:
        issue(cert_store, catalogues, request(cert_store, fields=fields))
    assert err.value.field == field
    assert counts(cert_store) == before
    assert issue(cert_store, catalogues).certificate.serial == "2026-居住-0001"


def test_too_long_purpose_and_missing_approval_are_refused(cert_store, catalogues):
    before = counts(cert_store)
    with pytest.raises(FieldError, match="用途最多"):
        issue(cert_store, catalogues, request(cert_store, purpose="很" * 41))
    with pytest.raises(FieldError, match="审批人"):
        issue(cert_store, catalogues, request(cert_store, approval=None))
    with pytest.raises(FieldError, match="核实人"):
        issue(cert_store, catalogues, request(cert_store, check=CheckRecord("")))
    assert counts(cert_store) == before


def test_approver_must_be_the_director_in_office_or_a_delegate(cert_store, catalogues):
    with pytest.raises(FieldError, match="张三"):
        issue(cert_store, catalogues, request(cert_store, approval=Approval("王小红", "主任")))
    # nobody is registered as deputy: a named delegate is accepted and marked as such
    c = issue(cert_store, catalogues, request(cert_store, approval=Approval("王小红", "副主任"))).certificate
    assert c.approver == "王小红" and c.approver_role == "副主任(受委托)"
    with pytest.raises(FieldError, match="职务"):
        issue(cert_store, catalogues, request(cert_store, approval=Approval("王小红", "会计")))


def test_non_resident_only_where_the_kind_allows_it(cert_store, catalogues):
    from conftest import make_id

    outsider = Applicant("刘建军", make_id(dt.date(1980, 5, 6), 77, area="410526"))
    ok = issue(cert_store, catalogues, request(cert_store, resident_id=None, applicant=outsider))
    assert ok.status == "issued" and ok.certificate.applicant_name == "刘建军" and ok.certificate.resident_id is None
    before = counts(cert_store)
    with pytest.raises(FieldError, match="只能为本村村民出具"):
        issue(cert_store, catalogues, request(cert_store, "SD-04", resident_id=None, applicant=outsider,
                                              fields={"roster_no": "CY1", "since": "1990年"}))
    typo = outsider.id_number[:-1] + ("1" if outsider.id_number[-1] != "1" else "2")
    with pytest.raises(FieldError, match="校验"):
        issue(cert_store, catalogues, request(cert_store, resident_id=None, applicant=Applicant("刘建军", typo)))
    assert counts(cert_store) == before


def test_time_limited_kind_goes_pending_with_a_due_date_then_gets_its_number(cert_store, catalogues):
    from app.keys import load_village_key

    fields = {"household_size": "4", "location": "村东头", "area": "150", "discussion": "一致同意"}
    out = issue(cert_store, catalogues, request(cert_store, "SD-02", fields=fields, check=None, approval=None))
    assert out.status == "pending" and out.certificate.serial is None
    assert out.certificate.due_date == dt.date(2026, 3, 9)
    with cert_store.read() as s:
        (p,) = list_pending(s, today=dt.date(2026, 3, 10))
    assert p.id == out.certificate.id and p.overdue and p.days_left == -1
    with cert_store.begin("测试") as s:
        c = complete_pending(s, p.id, check=CheckRecord("王文书"), approval=Approval("张三"), catalogues=catalogues,
                             signer=load_village_key(cert_store.data_dir), today=dt.date(2026, 3, 4))
    assert c.serial == "2026-宅基-0001" and c.state == "issued" and c.verified_what  # default from the catalogue
    with cert_store.read() as s:
        assert list_pending(s) == []
    with cert_store.begin("测试") as s, pytest.raises(CertificateError):
        complete_pending(s, p.id, check=CheckRecord("王文书"), approval=Approval("张三"), catalogues=catalogues,
                         signer=load_village_key(cert_store.data_dir))


def test_cancelled_application_uses_no_number(cert_store, catalogues):
    fields = {"household_size": "4", "location": "村东头", "area": "150", "discussion": "一致同意"}
    out = issue(cert_store, catalogues, request(cert_store, "SD-02", fields=fields))
    with cert_store.begin("测试") as s:
        c = cancel_pending(s, out.certificate.id, "村民小组会议未通过")
    assert c.state == "voided" and c.serial is None
    again = issue(cert_store, catalogues, request(cert_store, "SD-02", fields=fields)).certificate
    from app.keys import load_village_key

    with cert_store.begin("测试") as s:
        done = complete_pending(s, again.id, check=CheckRecord("王文书"), approval=Approval("张三"),
                                catalogues=catalogues, signer=load_village_key(cert_store.data_dir), today=DAY)
    assert done.serial == "2026-宅基-0001"


def test_void_keeps_the_number_used_and_shows_why(cert_store, catalogues):
    first = issue(cert_store, catalogues).certificate
    with cert_store.begin("测试") as s:
        v = void_certificate(s, first.serial, "地址写错")
    assert v.state == "voided" and v.void_reason == "地址写错"
    with cert_store.begin("测试") as s, pytest.raises(CertificateError, match="已于"):
        void_certificate(s, first.serial, "再作废一次")
    with cert_store.begin("测试") as s, pytest.raises(FieldError):
        void_certificate(s, issue(cert_store, catalogues).certificate.serial, "  ")
    assert issue(cert_store, catalogues).certificate.serial == "2026-居住-0003"
    with cert_store.begin("测试") as s, pytest.raises(CertificateError, match="已作废"):
        print_certificate(s, first.serial)


def test_unknown_serial_is_reported(cert_store):
    with cert_store.read() as s, pytest.raises(NotFound, match="2026-居住-0099"):
        get_certificate(s, "2026-居住-0099")
    with cert_store.read() as s, pytest.raises(NotFound, match="不是证明编号"):
        get_certificate(s, "居住-99")


def test_prints_are_logged_and_later_ones_are_reprints(cert_store, catalogues):
    serial = issue(cert_store, catalogues).certificate.serial
    with cert_store.begin("测试") as s:
        first = print_certificate(s, serial, who="王文书")
    with cert_store.begin("测试") as s:
        second = print_certificate(s, serial, who="李会计")
    assert not first.reprint and first.print_count == 1
    assert second.reprint and second.print_count == 2
    assert second.body == first.body and second.qr_payload == first.qr_payload
    assert second.chain_head.startswith("第 ") and " · " in second.chain_head
    assert second.applicant_id_number in second.body  # the certificate carries the number whole
    assert ("公民身份号码", mask_id(second.applicant_id_number)) in second.stub_lines  # the stub keeps it masked
    from sqlalchemy import select

    from app.certificates.models import CertificatePrint

    with cert_store.read() as s:
        prints = s.scalars(select(CertificatePrint).order_by(CertificatePrint.id))
        log = [(p.who, p.reprint, p.copy_number) for p in prints]
    assert log == [("王文书", False, 1), ("李会计", True, 2)]


def test_catalogue_version_stays_with_the_certificate(cert_store, tmp_path):
    folder = tmp_path / "catalogues"
    new = shipped("approved")
    new.update(version="2027版", effective="2027-01-01")
    new["items"][0]["template"] = "新文本:{name}居住在{village}{address}(自{since}起)。用于{purpose}。"
    write_catalogue(folder, "certificates-approved-2027.json", new)
    cats = load_catalogues(tmp_path)
    old = issue(cert_store, cats).certificate
    fresh = issue(cert_store, cats, day=dt.date(2027, 2, 1)).certificate
    assert old.catalogue_version == "SD-2020-示例-1" and fresh.catalogue_version == "2027版"
    assert fresh.body.startswith("新文本") and old.body.startswith("兹证明")
    with cert_store.begin("测试") as s:
        reprinted = print_certificate(s, old.serial)
    assert reprinted.body == old.body  # a reprint is the certificate as issued, not the new text


@pytest.mark.tampers
def test_direct_edit_of_an_issued_certificate_is_found_by_check(cert_store, catalogues):
    serial = issue(cert_store, catalogues).certificate.serial
    con = sqlite3.connect(cert_store.db_path)
    con.execute("UPDATE certificates SET body = '兹证明冒名顶替' WHERE serial = ?", (serial,))
    con.commit()
    con.close()
    with cert_store.read() as s:
        report = check_store(s)
    assert not report.ok and any("body" in str(p) for p in report.problems)
