"""Offline verification of the QR payload: genuine, tampered, another village's key, voided; on the village
store and on the township hub."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.certificates.payload import (BAD_SIGNATURE, GENUINE, MALFORMED, MISMATCH, NOT_IN_REGISTER, UNKNOWN_VILLAGE,
                                      VOIDED, WRONG_KEY, check_code, make_payload, parse_payload, verify_payload)
from app.certificates.register import verify_with_store
from app.hub.verify import verify_with_hub
from app.certificates.service import void_certificate
from test_cert_support import DAY, cert_store, catalogues, issue, request  # noqa: F401

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _verify(store, text: str):
    with store.read() as s:
        return verify_with_store(s, store.data_dir, text)


def test_genuine_certificate_verifies_with_its_fields(cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    v = _verify(cert_store, c.qr_payload)
    assert v.ok and v.reason == GENUINE and v.register_checked
    assert (v.serial, v.kind_code, v.issue_date, v.applicant_name) == (c.serial, "SD-01", DAY, "李四")
    assert v.kind_name == "居住证明" and v.village_name == "柳林村" and v.check_code == c.check_code


def test_payload_is_short_ascii_for_a_qr_code(cert_store, catalogues):
    c = issue(cert_store, catalogues, request(cert_store, who="王小红")).certificate
    assert c.qr_payload.isascii() and " " not in c.qr_payload
    assert len(c.qr_payload) < 300


def test_every_single_changed_character_fails(cert_store, catalogues):
    text = issue(cert_store, catalogues).certificate.qr_payload
    with cert_store.read() as s:
        from app.certificates.register import register_facts
        from app.keys import load_village_key

        public = load_village_key(cert_store.data_dir).public_key()
        code = parse_payload(text)[0].village_code
        facts = register_facts(s, parse_payload(text)[0].serial)
    reasons = set()
    for i, ch in enumerate(text):
        for other in (ALPHABET[(ALPHABET.find(ch) + 1) % 64], ALPHABET[(ALPHABET.find(ch) + 33) % 64], "."):
            if other == ch:
                continue
            changed = text[:i] + other + text[i + 1:]
            v = verify_payload(changed, lambda c: public if c == code else None, lambda c, s: facts,
                               register_complete=True)
            assert not v.ok, (i, ch, other)
            reasons.add(v.reason)
    assert BAD_SIGNATURE in reasons and MALFORMED in reasons


def test_changed_character_in_the_signature_says_tampered(cert_store, catalogues):
    text = issue(cert_store, catalogues).certificate.qr_payload
    i = len(text) - 10
    changed = text[:i] + ("A" if text[i] != "A" else "B") + text[i + 1:]
    v = _verify(cert_store, changed)
    assert not v.ok and v.reason == BAD_SIGNATURE and "改动" in v.message


def test_signature_by_another_villages_key_is_named_as_such(cert_store, catalogues):
    genuine = issue(cert_store, catalogues).certificate
    data = parse_payload(genuine.qr_payload)[0]
    forged, _code = make_payload(Ed25519PrivateKey.generate(), village_code=data.village_code, serial=data.serial,
                                 kind_code=data.kind_code, issue_date=data.issue_date,
                                 applicant_name="冒名", digest=data.digest)
    v = _verify(cert_store, forged)
    assert not v.ok and v.reason == WRONG_KEY and "密钥" in v.message


def test_voided_serial_fails_and_gives_the_reason(cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    with cert_store.begin("测试") as s:
        void_certificate(s, c.serial, "地址写错,已重开")
    v = _verify(cert_store, c.qr_payload)
    assert not v.ok and v.reason == VOIDED and "地址写错" in v.message and v.serial == c.serial


def test_certificate_of_another_village_is_unknown_here(cert_store, catalogues):
    text, _ = make_payload(Ed25519PrivateKey.generate(), village_code="54371427CC6K57744D", serial="2026-居住-0001",
                           kind_code="SD-01", issue_date=DAY, applicant_name="张三", digest="x" * 16)
    v = _verify(cert_store, text)
    assert not v.ok and v.reason == UNKNOWN_VILLAGE and "乡镇" in v.message


@pytest.mark.tampers
def test_register_edited_after_issue_does_not_match(cert_store, catalogues):
    import sqlite3

    c = issue(cert_store, catalogues).certificate
    con = sqlite3.connect(cert_store.db_path)
    con.execute("UPDATE certificates SET purpose = '办理贷款' WHERE serial = ?", (c.serial,))
    con.commit()
    con.close()
    assert _verify(cert_store, c.qr_payload).reason == MISMATCH


@pytest.mark.parametrize("junk", ["", "hello, world", "CW1..", "CW2.e30.AAAA", "https://example.com/?a=1",
                                  "CW1." + "A" * 3000])
def test_malformed_text_is_reported_as_such(cert_store, junk):
    v = _verify(cert_store, junk)
    assert not v.ok and v.reason == MALFORMED


def test_check_code_is_six_readable_characters():
    codes = {check_code(bytes([i]) * 64) for i in range(50)}
    assert len(codes) == 50
    assert all(len(c) == 6 and not set(c) & set("01IO") for c in codes)


def test_township_hub_verifies_with_the_enrolled_key_and_received_records(cert_store, catalogues, tmp_path):
    from app.hub.service import enroll, import_bundles, init_hub
    from app.people.service import get_village
    from app.sync.export import export_bundle
    from app.keys import ensure_village_key, trust_township, write_identity_file, write_township_file

    with cert_store.read() as s:
        village = get_village(s)
    hub = init_hub(tmp_path / "township", "石桥镇")
    try:
        write_identity_file(cert_store.data_dir, tmp_path / "id.json", code=village.code, name=village.name,
                            township=village.township)
        write_township_file(hub.secrets.public, tmp_path / "township.json")
        trust_township(cert_store.data_dir, tmp_path / "township.json")
        enroll(hub, tmp_path / "id.json")
        other = tmp_path / "other-village"
        other_key = ensure_village_key(other)
        write_identity_file(other, tmp_path / "other.json", code="54371427CC6K57744D", name="李庄村", township="石桥镇")
        enroll(hub, tmp_path / "other.json")

        kept = issue(cert_store, catalogues).certificate
        voided = issue(cert_store, catalogues).certificate
        with cert_store.begin("测试") as s:
            void_certificate(s, voided.serial, "重复开具")
        stick = tmp_path / "stick"
        stick.mkdir()
        import_bundles(hub, [export_bundle(cert_store, stick).path])
        not_yet_sent = issue(cert_store, catalogues, day=dt.date(2026, 3, 3)).certificate

        v = verify_with_hub(hub, kept.qr_payload)
        assert v.ok and v.register_checked and v.village_name == "柳林村" and v.kind_name == "居住证明"
        v = verify_with_hub(hub, voided.qr_payload)
        assert not v.ok and v.reason == VOIDED and "重复开具" in v.message
        v = verify_with_hub(hub, not_yet_sent.qr_payload)
        assert not v.ok and v.reason == NOT_IN_REGISTER and "不在乡镇持有的台账里" in v.message

        data = parse_payload(kept.qr_payload)[0]
        forged, _ = make_payload(other_key, village_code=data.village_code, serial=data.serial, kind_code="SD-01",
                                 issue_date=data.issue_date, applicant_name=data.applicant_name, digest=data.digest)
        v = verify_with_hub(hub, forged)
        assert not v.ok and v.reason == WRONG_KEY and "李庄村" in v.message
    finally:
        hub.close()
