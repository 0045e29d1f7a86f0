"""Keys, the public files exchanged once, and receipts (docs/sync-format.md).

A clerk notices: the key is made at set-up and readable by nobody else, the
digits read over the phone match the file handed over, the private key is in
no file that leaves the machine, a damaged or wrong public file is refused
without losing the township already trusted, and only a genuine receipt for
this village marks its exports as confirmed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from app.cli import main
from app.hub.service import import_bundles, init_hub
from app.sync.export import SyncError, export_bundle, import_receipt, sync_status
from app.keys import load_village_key, raw_public, village_key_path, write_township_file
from app.sync.receipt import write_receipt
from conftest import village_code
from sync_helpers import Linked, linked  # noqa: F401 - fixture

FINGERPRINT = re.compile(r"\b\d{4}( \d{4}){5}\b")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def spec_fingerprint(*raw: bytes) -> str:
    """The fingerprint exactly as docs/sync-format.md defines it, written here independently."""
    n = int.from_bytes(hashlib.sha256(b"cunwu-fingerprint-v1" + b"".join(raw)).digest()[:16], "big") % 10**24
    digits = f"{n:024d}"
    return " ".join(digits[i:i + 4] for i in range(0, 24, 4))


@pytest.fixture
def village(tmp_path, capsys) -> Path:
    d = tmp_path / "village"
    code, out, err = run(capsys, "--data-dir", str(d), "init", "--name", "柳林村", "--code", village_code(),
                         "--township", "石桥镇", "--group", "第一村民小组")
    assert code == 0, err
    return d


@pytest.fixture
def township(tmp_path, capsys) -> Path:
    d = tmp_path / "township"
    assert run(capsys, "--data-dir", str(d), "hub", "init", "--name", "石桥镇")[0] == 0
    assert run(capsys, "--data-dir", str(d), "hub", "key", "export", str(tmp_path / "石桥镇公钥.json"))[0] == 0
    return tmp_path / "石桥镇公钥.json"


# ---------------------------------------------------------------- the village key


def test_init_makes_a_key_only_its_owner_can_read(village: Path, capsys):
    key = village_key_path(village)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    assert [p.name for p in key.parent.iterdir()] == [key.name]  # no temporary copy left beside it
    assert load_village_key(village) is not None


def test_hub_keys_are_owner_only_too(tmp_path, capsys):
    code, out, _ = run(capsys, "--data-dir", str(tmp_path / "t"), "hub", "init", "--name", "石桥镇")
    assert code == 0 and FINGERPRINT.search(out)
    keys = tmp_path / "t" / "hub" / "keys"
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    pems = sorted(keys.glob("*.pem"))
    assert len(pems) == 2 and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in pems)


def test_the_fingerprint_read_aloud_is_the_one_in_the_identity_file(village: Path, tmp_path, capsys):
    code, shown, _ = run(capsys, "--data-dir", str(village), "keys", "show")
    assert code == 0
    fp = FINGERPRINT.search(shown).group(0)
    assert len(fp.replace(" ", "")) == 24

    ident = tmp_path / "柳林村身份.json"
    code, out, _ = run(capsys, "--data-dir", str(village), "keys", "export-public", str(ident))
    assert code == 0 and fp in out
    doc = json.loads(ident.read_text(encoding="utf-8"))
    assert doc["format"] == "cunwu-village-identity" and doc["fingerprint"] == fp
    assert spec_fingerprint(base64.b64decode(doc["ed25519"])) == fp
    pub = raw_public(load_village_key(village).public_key())
    assert base64.b64decode(doc["ed25519"]) == pub


def _secrets_of(pem_path: Path) -> list[bytes]:
    """Every form the private key could leak in: its PEM body, its raw bytes, their base64 and hex."""
    pem = pem_path.read_bytes()
    body = b"".join(line for line in pem.splitlines() if line and not line.startswith(b"-----"))
    key = serialization.load_pem_private_key(pem, password=None)
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption())
    return [body, raw, base64.b64encode(raw), raw.hex().encode()]


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_the_private_key_is_in_no_file_that_leaves_the_machine(village: Path, township: Path, tmp_path, capsys):
    secrets = _secrets_of(village_key_path(village))
    hub_secrets = [s for p in (tmp_path / "township" / "hub" / "keys").glob("*.pem") for s in _secrets_of(p)]
    stick = tmp_path / "stick"
    stick.mkdir()
    assert run(capsys, "--data-dir", str(village), "keys", "export-public", str(stick / "id.json"))[0] == 0
    assert run(capsys, "--data-dir", str(village), "backup", "--to", str(stick / "备份"))[0] == 0
    assert run(capsys, "--data-dir", str(village), "township", "trust", str(township))[0] == 0
    assert run(capsys, "--data-dir", str(village), "bundle", "export", "--to", str(stick))[0] == 0
    shipped = _files(stick) + [township]
    assert len(_files(stick / "备份")) >= 1 and any(p.suffix == ".cunwu-sync" for p in shipped)
    for f in shipped:
        content = f.read_bytes()
        for s in secrets + hub_secrets:
            assert s not in content, f"private key material in {f.name}"


# ---------------------------------------------------------------- trusting the township


def _damaged(good: dict, tmp_path: Path) -> dict[str, bytes]:
    other_box = raw_public(X25519PrivateKey.generate().public_key())
    fp = good["fingerprint"]
    changed_fp = dict(good, fingerprint=("1" if fp[0] != "1" else "2") + fp[1:])
    changed_key = dict(good, x25519=base64.b64encode(other_box).decode())
    short_key = dict(good, ed25519=base64.b64encode(b"\x01" * 31).decode())
    return {
        "changed-fingerprint": json.dumps(changed_fp).encode(),
        "changed-key": json.dumps(changed_key).encode(),
        "short-key": json.dumps(short_key).encode(),
        "missing-key": json.dumps({k: v for k, v in good.items() if k != "x25519"}).encode(),
        "not-json": b"\x00\x01 this is a photo, not a key file",
        "empty": b"",
        "json-list": b"[1, 2, 3]",
        "wrong-format": json.dumps(dict(good, format="cunwu-something-else")).encode(),
        "newer-version": json.dumps(dict(good, version=2)).encode(),
        "too-large": json.dumps(dict(good, note="x" * 70000)).encode(),
        "deeply-nested": b"[" * 5000 + b"]" * 5000,
        "village-identity": (tmp_path / "id.json").read_bytes(),
    }


SAYS = {"changed-fingerprint": r"指纹与其中的公钥不符", "changed-key": r"指纹与其中的公钥不符",
        "short-key": r"不完整或已损坏", "missing-key": r"不完整或已损坏", "not-json": r"不是乡镇公钥文件",
        "empty": r"不是乡镇公钥文件", "json-list": r"不是乡镇公钥文件", "wrong-format": r"不是乡镇公钥文件",
        "newer-version": r"版本.*升级", "too-large": r"不是乡镇公钥文件", "deeply-nested": r"不是乡镇公钥文件",
        "village-identity": r"不是乡镇公钥文件"}


def test_a_damaged_or_wrong_township_file_is_refused_and_the_trusted_key_stays(village: Path, township: Path,
                                                                               tmp_path, capsys):
    assert run(capsys, "--data-dir", str(village), "township", "trust", str(township))[0] == 0
    assert run(capsys, "--data-dir", str(village), "keys", "export-public", str(tmp_path / "id.json"))[0] == 0
    trusted = village / "keys" / "township.json"
    installed = trusted.read_bytes()
    good = json.loads(township.read_text(encoding="utf-8"))

    for case, content in _damaged(good, tmp_path).items():
        bad = tmp_path / f"{case}.json"
        bad.write_bytes(content)
        code, out, err = run(capsys, "--data-dir", str(village), "township", "trust", str(bad))
        assert code == 1, case
        assert err.startswith("错误:") and len(err.strip().splitlines()) == 1, (case, err)
        assert re.search(SAYS[case], err), (case, err)
        assert trusted.read_bytes() == installed, case
        assert sorted(p.name for p in trusted.parent.iterdir()) == ["township.json", "village-ed25519.pem"], case

    code, out, _ = run(capsys, "--data-dir", str(village), "keys", "show")
    stick = tmp_path / "stick"
    stick.mkdir()
    assert run(capsys, "--data-dir", str(village), "bundle", "export", "--to", str(stick))[0] == 0
    # the bundle is still sealed to the township trusted first
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "township"), "hub", "enroll", str(tmp_path / "id.json"))
    assert code == 0
    code, out, err = run(capsys, "--data-dir", str(tmp_path / "township"), "hub", "import",
                         *[str(p) for p in stick.glob("*.cunwu-sync")])
    assert code == 0 and "已导入" in out, err


def test_a_first_trust_that_fails_leaves_no_township_installed(village: Path, tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    code, _out, err = run(capsys, "--data-dir", str(village), "township", "trust", str(bad))
    assert code == 1 and "不是乡镇公钥文件" in err
    assert not (village / "keys" / "township.json").exists()
    code, _out, err = run(capsys, "--data-dir", str(village), "bundle", "export", "--to", str(tmp_path))
    assert code == 1 and "还没有安装乡镇公钥" in err


# ---------------------------------------------------------------- receipts


def _state(linked: Linked) -> tuple:
    s = sync_status(linked.store)
    return s.confirmed, s.last_receipt_time, s.outbox


@pytest.fixture
def sent(linked: Linked) -> tuple[Linked, Path]:
    """One bundle exported and imported at the hub; the hub's receipt is on the stick."""
    r = export_bundle(linked.store, linked.stick)
    outcomes, receipts = import_bundles(linked.hub, [r.path], receipts=linked.stick)
    assert outcomes[0].status == "imported" and len(receipts) == 1
    return linked, receipts[0]


def test_a_good_receipt_confirms_the_exports(sent):
    linked, receipt = sent
    before = sync_status(linked.store)
    assert before.confirmed == 0 and [row[4] for row in before.outbox] == ["exported"]
    r = import_receipt(linked.store, receipt)
    after = sync_status(linked.store)
    assert r.last_seq == after.head == after.confirmed and r.newly_confirmed == after.head
    assert [row[4] for row in after.outbox] == ["receipted"] and after.unconfirmed == 0
    assert r.township == "石桥镇"


def _rewrite(receipt: Path, change) -> Path:
    doc = json.loads(receipt.read_text(encoding="utf-8"))
    change(doc)
    out = receipt.with_name("改过的回执.cunwu-receipt")
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return out


@pytest.mark.parametrize("how", ["last_seq", "head", "village_code", "pending", "signature"])
def test_a_tampered_receipt_is_refused(sent, how):
    linked, receipt = sent
    before = _state(linked)

    def change(doc):
        body = doc["body"]
        if how == "last_seq":
            body["last_seq"] -= 1
        elif how == "head":
            body["head"] = "0" * 64
        elif how == "village_code":
            body["village_code"] = body["village_code"][::-1]
        elif how == "pending":
            body["pending"] = [[1, 2]]
        else:
            sig = bytearray(base64.b64decode(doc["signature"]))
            sig[0] ^= 1
            doc["signature"] = base64.b64encode(bytes(sig)).decode()

    with pytest.raises(SyncError, match=r"回执的签名不对.*石桥镇"):
        import_receipt(linked.store, _rewrite(receipt, change))
    assert _state(linked) == before


def test_a_receipt_for_another_village_is_refused(sent, tmp_path):
    linked, receipt = sent
    before = _state(linked)
    body = json.loads(receipt.read_text(encoding="utf-8"))["body"]
    other = "91371426MA3C000001"
    folder = tmp_path / "other-receipts"
    path = write_receipt(linked.hub.secrets, folder, village_code=other, last_seq=body["last_seq"], head=body["head"],
                         pending=[])
    with pytest.raises(SyncError, match=re.escape(other) + r".*不是本村的"):
        import_receipt(linked.store, path)
    assert _state(linked) == before


def test_a_receipt_signed_by_another_township_is_refused(sent, tmp_path):
    linked, receipt = sent
    before = _state(linked)
    body = json.loads(receipt.read_text(encoding="utf-8"))["body"]
    impostor = init_hub(tmp_path / "impostor", "石桥镇")  # same name, different key
    try:
        path = write_receipt(impostor.secrets, tmp_path / "impostor-receipts", village_code=linked.code,
                             last_seq=body["last_seq"], head=body["head"], pending=[])
    finally:
        impostor.close()
    with pytest.raises(SyncError, match=r"回执的签名不对"):
        import_receipt(linked.store, path)
    assert _state(linked) == before


def test_a_genuine_receipt_that_disagrees_with_the_village_log_is_refused(sent, tmp_path):
    linked, receipt = sent
    before = _state(linked)
    body = json.loads(receipt.read_text(encoding="utf-8"))["body"]
    forked = write_receipt(linked.hub.secrets, tmp_path / "r1", village_code=linked.code, last_seq=body["last_seq"],
                           head="ab" * 32, pending=[])
    with pytest.raises(SyncError, match=r"不一致.*旧备份"):
        import_receipt(linked.store, forked)
    ahead = write_receipt(linked.hub.secrets, tmp_path / "r2", village_code=linked.code,
                          last_seq=body["last_seq"] + 10, head=body["head"], pending=[])
    with pytest.raises(SyncError, match=r"本村只有更少的记录"):
        import_receipt(linked.store, ahead)
    assert _state(linked) == before


@pytest.mark.parametrize("content", [b"", b"not json", b"[]", b'{"format": "cunwu-receipt"}', b"\xff\xfe",
                                     b"[" * 5000 + b"]" * 5000, b'{"body": ' * 3000 + b"1" + b"}" * 3000],
                         ids=["empty", "text", "list", "no-body", "not-utf8", "nested-list", "nested-object"])
def test_a_file_that_is_not_a_receipt_is_refused(sent, tmp_path, content):
    linked, _receipt = sent
    before = _state(linked)
    f = tmp_path / "x.cunwu-receipt"
    f.write_bytes(content)
    with pytest.raises(SyncError, match=r"不是村务回执文件"):
        import_receipt(linked.store, f)
    assert _state(linked) == before


def test_receipt_import_from_the_command_line(sent, capsys):
    linked, receipt = sent
    data = str(linked.store.data_dir)
    tampered = _rewrite(receipt, lambda doc: doc["body"].update(last_seq=1))
    code, out, err = run(capsys, "--data-dir", data, "receipt", "import", str(tampered))
    assert code == 1 and err.startswith("错误:") and "签名不对" in err
    assert sync_status(linked.store).confirmed == 0
    code, out, err = run(capsys, "--data-dir", data, "receipt", "import", str(receipt))
    assert code == 0 and "回执有效" in out
    assert sync_status(linked.store).confirmed == sync_status(linked.store).head


def test_write_township_file_round_trips_its_fingerprint(linked: Linked, tmp_path):
    write_township_file(linked.township, tmp_path / "tw.json")
    doc = json.loads((tmp_path / "tw.json").read_text(encoding="utf-8"))
    assert doc["fingerprint"] == spec_fingerprint(base64.b64decode(doc["ed25519"]), base64.b64decode(doc["x25519"]))
    assert os.path.getsize(tmp_path / "tw.json") < 4096
