"""The six-character 校验码 printed beside the QR code: typed on the 核验 screen or given to `cunwu cert verify`,
it is looked up in the register and the certificate found is then checked as its QR code is (signature,
register, voided). A code with one wrong character is not taken for genuine, and the answer says why."""

from __future__ import annotations

import datetime as dt

import app.cli
from app.certificates.payload import (BAD_CHECK_CODE, CHECK_ALPHABET, GENUINE, UNKNOWN_CHECK_CODE, VOIDED)
from app.certificates.register import verify_with_store
from app.certificates.service import void_certificate
from app.hub.verify import verify_with_hub
from test_cert_support import cert_store, catalogues, issue, request  # noqa: F401


def _verify(store, text: str):
    with store.read() as s:
        return verify_with_store(s, store.data_dir, text)


def _one_wrong(code: str, at: int = 3) -> str:
    other = next(c for c in CHECK_ALPHABET if c != code[at])
    return code[:at] + other + code[at + 1:]


def test_the_printed_check_code_verifies_as_the_qr_code_does(cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    v = _verify(cert_store, c.check_code)
    assert v.ok and v.reason == GENUINE and v.register_checked
    assert (v.serial, v.applicant_name, v.kind_name, v.check_code) == (c.serial, "李四", "居住证明", c.check_code)
    assert "核对" in v.message  # the reader is told to compare the paper with what the register says
    # typed as people type it: lower case, full-width, with a space in the middle
    typed = " " + c.check_code[:3].lower() + " " + c.check_code[3:].translate(
        {ord(ch): ord(ch) + 0xFEE0 for ch in c.check_code}) + " "
    assert _verify(cert_store, typed).serial == c.serial


def test_a_check_code_with_one_wrong_character_is_not_genuine_and_says_why(cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    for at in range(6):
        v = _verify(cert_store, _one_wrong(c.check_code, at))
        assert not v.ok and v.reason == UNKNOWN_CHECK_CODE
        assert "台账里没有核验码" in v.message and "抄错" in v.message and v.serial == ""


def test_a_check_code_with_a_character_no_check_code_has_names_it(cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    v = _verify(cert_store, c.check_code[:5] + "O")
    assert not v.ok and v.reason == BAD_CHECK_CODE and "“O”" in v.message
    v = _verify(cert_store, c.check_code[:5])
    assert not v.ok and v.reason == BAD_CHECK_CODE and "六个字符" in v.message


def test_a_voided_certificate_found_by_its_check_code_is_voided(cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    with cert_store.begin("测试") as s:
        void_certificate(s, c.serial, "姓名打错")
    v = _verify(cert_store, c.check_code)
    assert not v.ok and v.reason == VOIDED and "姓名打错" in v.message


def test_cunwu_cert_verify_takes_the_check_code(capsys, cert_store, catalogues):
    c = issue(cert_store, catalogues).certificate
    code = app.cli.main(["--data-dir", str(cert_store.data_dir), "cert", "verify", c.check_code])
    out, err = capsys.readouterr()
    assert code == 0 and c.serial in out and "李四" in out and "genuine" in out
    code = app.cli.main(["--data-dir", str(cert_store.data_dir), "cert", "verify", _one_wrong(c.check_code)])
    out, err = capsys.readouterr()
    assert code == 1 and "unknown-check-code" in err and "台账里没有核验码" in err and "genuine" not in out


def test_the_township_hub_takes_the_check_code_of_a_received_certificate(cert_store, catalogues, tmp_path):
    from app.hub.service import enroll, import_bundles, init_hub
    from app.keys import trust_township, write_identity_file, write_township_file
    from app.people.service import get_village
    from app.sync.export import export_bundle

    with cert_store.read() as s:
        village = get_village(s)
    hub = init_hub(tmp_path / "township", "石桥镇")
    try:
        write_identity_file(cert_store.data_dir, tmp_path / "id.json", code=village.code, name=village.name,
                            township=village.township)
        write_township_file(hub.secrets.public, tmp_path / "township.json")
        trust_township(cert_store.data_dir, tmp_path / "township.json")
        enroll(hub, tmp_path / "id.json")
        kept = issue(cert_store, catalogues).certificate
        stick = tmp_path / "stick"
        stick.mkdir()
        import_bundles(hub, [export_bundle(cert_store, stick).path])
        not_yet_sent = issue(cert_store, catalogues, day=dt.date(2026, 3, 3)).certificate

        v = verify_with_hub(hub, kept.check_code)
        assert v.ok and v.serial == kept.serial and v.village_name == "柳林村"
        v = verify_with_hub(hub, _one_wrong(kept.check_code))
        assert not v.ok and v.reason == UNKNOWN_CHECK_CODE
        v = verify_with_hub(hub, not_yet_sent.check_code)
        assert not v.ok and v.reason == UNKNOWN_CHECK_CODE and "乡镇" in v.message
    finally:
        hub.close()
