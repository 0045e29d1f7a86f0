"""``cunwu cert verify`` run with the township hub's data directory: besides the signature, it says whether the
hub has seen that serial and whether it was voided — genuine, voided, or never seen by the hub. Someone brings
the township a certificate; the township keeps every village's certificate register (台账) as the villages sent
it, and a voided certificate must not be used (docs/certificates.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import app.cli
from app.certificates.payload import make_payload, parse_payload
from app.certificates.service import void_certificate
from app.hub.verify import NEVER_SEEN, SEEN, SEEN_VOIDED, hub_sighting
from test_cert_support import catalogues, cert_store, issue  # noqa: F401


@pytest.fixture(params=["sqlite", "postgresql"])
def township(request, cert_store, catalogues, tmp_path):  # noqa: F811
    """A hub that has received the village's register with one kept and one voided certificate; a third
    certificate was issued after the bundle went to the township. On SQLite and on PostgreSQL."""
    from app.hub.service import enroll, import_bundles, init_hub
    from app.keys import trust_township, write_identity_file, write_township_file
    from app.people.service import get_village
    from app.sync.export import export_bundle

    with cert_store.read() as s:
        v = get_village(s)
    hub = init_hub(tmp_path / "township", "石桥镇",
                   None if request.param == "sqlite" else request.getfixturevalue("pg_url"))
    try:
        write_identity_file(cert_store.data_dir, tmp_path / "id.json", code=v.code, name=v.name, township=v.township)
        write_township_file(hub.secrets.public, tmp_path / "township.json")
        trust_township(cert_store.data_dir, tmp_path / "township.json")
        enroll(hub, tmp_path / "id.json")
        kept = issue(cert_store, catalogues).certificate
        voided = issue(cert_store, catalogues).certificate
        with cert_store.begin("测试") as s:
            void_certificate(s, voided.serial, "申请人姓名写错")
        stick = tmp_path / "stick"
        stick.mkdir()
        import_bundles(hub, [export_bundle(cert_store, stick).path])
    finally:
        hub.close()
    later = issue(cert_store, catalogues, day=dt.date(2026, 3, 3)).certificate
    return tmp_path / "township", {"kept": kept, "voided": voided, "later": later}


def verify(capsys, data_dir: Path, text: str) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(data_dir), "cert", "verify", text])
    out, err = capsys.readouterr()
    return code, out, err


def test_a_certificate_the_hub_has_received_is_genuine_and_seen(capsys, township):
    folder, certs = township
    c = certs["kept"]
    code, out, err = verify(capsys, folder, c.qr_payload)
    assert code == 0, err
    assert "乡镇数据中心:乡镇见过柳林村的编号 {}:2026-03-02开具,未作废。".format(c.serial) in out
    assert "真实有效(genuine)" in out


def test_a_voided_certificate_is_said_to_be_voided_by_the_hub_with_its_reason(capsys, township):
    folder, certs = township
    c = certs["voided"]
    code, out, err = verify(capsys, folder, c.qr_payload)
    assert code == 1
    assert "乡镇数据中心:乡镇见过柳林村的编号 {},已作废(原因:申请人姓名写错)。".format(c.serial) in out
    assert "voided" in err and "不能再使用" in err


def test_a_certificate_issued_after_the_last_bundle_was_never_seen_by_the_hub(capsys, township):
    folder, certs = township
    c = certs["later"]
    code, out, err = verify(capsys, folder, c.qr_payload)
    assert code == 1
    assert "乡镇数据中心:乡镇没有见过柳林村的编号 {}(该村的记录收到 ".format(c.serial) in out
    assert "not-in-register" in err


def test_the_check_code_typed_by_hand_gets_the_same_answer_from_the_hub(capsys, township):
    folder, certs = township
    c = certs["voided"]
    code, out, _err = verify(capsys, folder, c.check_code)
    assert code == 1 and "已作废(原因:申请人姓名写错)" in out


def test_a_forgery_with_a_real_serial_is_refused_though_the_hub_has_seen_the_serial(capsys, township, tmp_path):
    """The hub's line speaks of its register; the verdict still rests on the signature."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    folder, certs = township
    data = parse_payload(certs["kept"].qr_payload)[0]
    forged, _code = make_payload(Ed25519PrivateKey.generate(), village_code=data.village_code, serial=data.serial,
                                 kind_code=data.kind_code, issue_date=data.issue_date, applicant_name="王五",
                                 digest=data.digest)
    code, out, err = verify(capsys, folder, forged)
    assert code == 1 and "wrong-key" in err and "真实有效" not in out


def test_the_hub_answers_seen_voided_and_never_seen(township):
    from app.hub.service import open_hub

    folder, certs = township
    code = parse_payload(certs["kept"].qr_payload)[0].village_code
    hub = open_hub(folder)
    try:
        assert hub_sighting(hub, code, certs["kept"].serial).state == SEEN
        voided = hub_sighting(hub, code, certs["voided"].serial)
        assert voided.state == SEEN_VOIDED and voided.void_reason == "申请人姓名写错"
        later = hub_sighting(hub, code, certs["later"].serial)
        assert later.state == NEVER_SEEN and later.received_until
        stranger = hub_sighting(hub, "91370000MA3C000000", certs["kept"].serial)
        assert stranger.state == NEVER_SEEN and "没有在本乡镇登记" in stranger.message
    finally:
        hub.close()
