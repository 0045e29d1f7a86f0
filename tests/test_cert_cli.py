"""``cunwu cert ...`` as a clerk or the township uses it."""

from __future__ import annotations

import datetime as dt
import json

import pytest

import app.cli
from app.certificates.service import list_refusals
from conftest import make_id
from test_cert_support import cert_store  # noqa: F401

LISI = make_id(dt.date(1985, 7, 9), 22)
RESIDENCE = ["--field", "address=第一村民小组12号", "--field", "since=2019年3月"]


def run(capsys, store, *argv: str) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(store.data_dir), "cert", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(str(path)).pages)


def _issue(capsys, store, tmp_path, name: str = "c.pdf") -> tuple[str, str]:
    code, out, err = run(capsys, store, "issue", "--kind", "SD-01", "--resident", LISI, "--purpose", "办理居住证",
                         *RESIDENCE, "--verifier", "王文书", "-o", str(tmp_path / name))
    assert code == 0, err
    lines = out.strip().splitlines()
    serial = next(w for w in lines[0].replace(",", " ").split() if w.startswith("2026-") or w.startswith("20"))
    return serial, lines[-1]


def test_catalogue_json_has_both_lists(capsys, cert_store):
    code, out, _ = run(capsys, cert_store, "catalogue", "--json")
    doc = json.loads(out)
    assert code == 0 and len(doc["approved"]["items"]) == 7 and len(doc["negative"]["items"]) == 22
    assert doc["approved"]["example"] is True
    code, out, _ = run(capsys, cert_store, "catalogue")
    assert "SD-01" in out and "死亡证明" in out and "须替换为本省公布的清单" in out


def test_issue_prints_serial_and_payload_then_verify_says_genuine(capsys, cert_store, tmp_path):
    serial, payload = _issue(capsys, cert_store, tmp_path)
    year = dt.date.today().year
    assert serial == f"{year}-居住-0001"
    assert payload.startswith("CW1.") and len(payload) < 300
    text = _pdf_text(tmp_path / "c.pdf")
    assert serial in text and "李四" in text and LISI not in text
    code, out, _ = run(capsys, cert_store, "verify", payload)
    assert code == 0 and "genuine" in out and serial in out and "李四" in out


def test_void_then_verify_fails_saying_voided(capsys, cert_store, tmp_path):
    serial, payload = _issue(capsys, cert_store, tmp_path)
    code, out, _ = run(capsys, cert_store, "void", serial, "--reason", "地址写错")
    assert code == 0 and serial in out
    code, out, err = run(capsys, cert_store, "verify", payload)
    assert code == 1 and "voided" in err and "地址写错" in err and serial in out
    code, _, err = run(capsys, cert_store, "reprint", serial, "-o", str(tmp_path / "again.pdf"))
    assert code == 1 and "已作废" in err and not (tmp_path / "again.pdf").exists()


def test_tampered_payload_fails(capsys, cert_store, tmp_path):
    _serial, payload = _issue(capsys, cert_store, tmp_path)
    i = len(payload) - 5
    changed = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1:]
    code, _, err = run(capsys, cert_store, "verify", changed)
    assert code == 1 and "bad-signature" in err


def test_reprint_is_marked_and_counted(capsys, cert_store, tmp_path):
    serial, _ = _issue(capsys, cert_store, tmp_path)
    code, out, _ = run(capsys, cert_store, "reprint", serial, "-o", str(tmp_path / "r.pdf"))
    assert code == 0 and "第 2 次" in out
    assert "补打" in _pdf_text(tmp_path / "r.pdf")


def test_negative_kind_exits_nonzero_with_authority_and_is_recorded(capsys, cert_store, tmp_path):
    code, out, err = run(capsys, cert_store, "issue", "--kind", "无犯罪记录证明", "--resident", LISI,
                         "--purpose", "应聘", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "公安机关" in err and "已记录" in err and not (tmp_path / "x.pdf").exists()
    code, _, err = run(capsys, cert_store, "issue", "--kind", "收入证明", "--resident", LISI, "--purpose", "贷款")
    assert code == 1 and "不在本村公布的可出具证明清单上" in err
    with cert_store.read() as s:
        assert [r.requested for r in list_refusals(s)] == ["无犯罪记录证明", "收入证明"]


def test_bad_field_is_refused_and_leaves_no_file(capsys, cert_store, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    code, _, err = run(capsys, cert_store, "issue", "--kind", "SD-01", "--resident", LISI, "--purpose", "办理居住证",
                       "--field", "address=" + "长" * 41, "--field", "since=2019年", "-o", str(folder / "x.pdf"))
    assert code == 1 and "居住地址" in err
    assert list(folder.iterdir()) == []
    serial, _ = _issue(capsys, cert_store, folder)
    assert serial.endswith("-0001")


def test_time_limited_kind_is_accepted_then_completed(capsys, cert_store, tmp_path):
    code, out, _ = run(capsys, cert_store, "issue", "--kind", "SD-02", "--resident", LISI, "--purpose", "建房",
                       "--field", "household_size=4", "--field", "location=村东头", "--field", "area=150",
                       "--field", "discussion=一致同意")
    assert code == 0 and "已受理" in out and "受理号 1" in out
    code, out, _ = run(capsys, cert_store, "pending")
    assert "农村宅基地和建房申请村级审查意见" in out and "李四" in out
    code, out, _ = run(capsys, cert_store, "complete", "1", "-o", str(tmp_path / "z.pdf"), "--verifier", "王文书")
    assert code == 0 and "-宅基-0001" in out and out.strip().splitlines()[-1].startswith("CW1.")
    assert (tmp_path / "z.pdf").exists()


def test_register_export_and_table(capsys, cert_store, tmp_path):
    _issue(capsys, cert_store, tmp_path)
    code, out, _ = run(capsys, cert_store, "register", "--year", str(dt.date.today().year), "-o",
                       str(tmp_path / "台账.xlsx"))
    assert code == 0 and (tmp_path / "台账.xlsx").exists() and "1 条" in out
    code, _, _ = run(capsys, cert_store, "register", "-o", str(tmp_path / "台账.pdf"))
    assert code == 0 and "李四" in _pdf_text(tmp_path / "台账.pdf")


def test_serial_start_continues_paper_numbers(capsys, cert_store, tmp_path):
    year = str(dt.date.today().year)
    code, out, _ = run(capsys, cert_store, "serial-start", "--kind", "居住证明", "--year", year, "--start", "58")
    assert code == 0 and f"{year}-居住-0058" in out
    serial, _ = _issue(capsys, cert_store, tmp_path)
    assert serial == f"{year}-居住-0058"


def test_without_a_registered_director_the_approver_must_be_named(capsys, store, tmp_path):
    from app.sync.keys import ensure_village_key

    ensure_village_key(store.data_dir)
    args = ["issue", "--kind", "SD-01", "--resident", LISI, "--purpose", "办理居住证", *RESIDENCE,
            "-o", str(tmp_path / "c.pdf")]
    code, _, err = run(capsys, store, *args)
    assert code == 1 and "--approver" in err
    code, out, _ = run(capsys, store, *args, "--approver", "张三")
    assert code == 0 and "居住-0001" in out


def test_verify_on_a_township_hub(capsys, cert_store, tmp_path):
    from app.hub.service import enroll, init_hub
    from app.people.service import get_village
    from app.sync.keys import write_identity_file

    _serial, payload = _issue(capsys, cert_store, tmp_path)
    with cert_store.read() as s:
        v = get_village(s)
    township = tmp_path / "township"
    hub = init_hub(township, "石桥镇")
    try:
        write_identity_file(cert_store.data_dir, tmp_path / "id.json", code=v.code, name=v.name, township=v.township)
        enroll(hub, tmp_path / "id.json")
    finally:
        hub.close()
    code, out, _ = app.cli.main(["--data-dir", str(township), "cert", "verify", payload]), *capsys.readouterr()
    assert code == 0 and "genuine" in out and "柳林村" in out and "还没有收到" in out
    code = app.cli.main(["--data-dir", str(tmp_path / "nothing"), "cert", "verify", payload])
    assert code == 1 and "无法核验" in capsys.readouterr().err
