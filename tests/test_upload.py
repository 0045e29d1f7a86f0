"""The village uploads its outbox to the township's hub over the network (``cunwu township url``, ``cunwu bundle
upload``, ``cunwu township trust 证书.pem``; app/sync/upload.py, docs/sync-format.md "Upload over HTTP").

Every test talks to a real hub served by uvicorn on a loopback port. What the clerk notices: the command's exit
and its lines, the outbox rows turning 乡镇已确认, the hub holding each record once whichever road (stick or
network) a bundle took, and nothing marked when the township's server cannot be reached or is not trusted."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from app.cli import main
from app.hub import store as hub_tables
from app.sync.models import EXPORTED, RECEIPTED, OutboxEntry
from app.sync.upload import (EVERY, FIRST_RETRY, MAX_RETRY, UploadError, last_upload, normalise_url, outbox_dir,
                             retry_delay, township_url)
from sync_helpers import Linked, hub_dump, linked  # noqa: F401 - the fixture
from hub_serving import Running, free_port


@pytest.fixture
def served(linked: Linked) -> Iterator[tuple[Linked, Running]]:  # noqa: F811
    running = Running(linked.hub)
    yield linked, running
    running.stop()


def run(capsys, link: Linked, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(link.store.data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def outbox(link: Linked) -> list[tuple[int, int, str]]:
    with link.store.read() as s:
        return [(r.first_seq, r.last_seq, r.state) for r in s.scalars(select(OutboxEntry).order_by(OutboxEntry.first_seq))]


def applied(link: Linked) -> list[tuple[int, int]]:
    b = hub_tables.bundles.c
    with link.hub.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(b.first_seq, b.last_seq).where(
            b.village_code == link.code, b.state == "applied")))


def hub_events(link: Linked) -> list[int]:
    """The sequence numbers of the village's events the hub holds (each must be there once)."""
    e = hub_tables.events.c
    with link.hub.engine.connect() as conn:
        return sorted(r[0] for r in conn.execute(select(e.seq).where(e.village_code == link.code)))


# ---------------------------------------------------------------- the address


def test_the_address_is_checked_before_it_is_stored(served, capsys):
    link, server = served
    settings = link.store.data_dir / "settings.json"
    before = settings.read_bytes() if settings.exists() else None
    for bad, words in (("ftp://乡镇/", "http"), ("xiangzhen.example.cn", "http"), ("https://", "服务器"),
                       ("https://hub.example.cn/?x=1", "多余"), ("http://hub:99999", "不对")):
        code, out, err = run(capsys, link, "township", "url", bad)
        assert code != 0 and words in err and len(err.strip().splitlines()) == 1, (bad, err)
    assert (settings.read_bytes() if settings.exists() else None) == before  # nothing changed
    assert township_url(link.store.data_dir) == ""

    # the whole upload address pasted from the township's e-mail: the client adds /api/v1/bundles itself
    code, out, _err = run(capsys, link, "township", "url", server.url + "/api/v1/bundles/")
    assert code == 0 and server.url in out
    assert township_url(link.store.data_dir) == server.url
    code, out, _err = run(capsys, link, "township", "url")
    assert code == 0 and server.url in out
    assert normalise_url("HTTPS://Hub.Example.cn:8443/cunwu/") == "https://hub.example.cn:8443/cunwu"


def test_upload_without_an_address_says_where_to_set_it(linked, capsys):  # noqa: F811
    linked.add_residents("没网址")
    code, _out, err = run(capsys, linked, "bundle", "upload")
    assert code != 0 and "cunwu township url" in err
    assert applied(linked) == []


# ---------------------------------------------------------------- uploading


def test_every_bundle_not_receipted_goes_in_order_and_each_receipt_is_applied(served, capsys):
    link, server = served
    link.add_residents("甲")
    a = link.export()            # to the stick, never carried to the township
    link.add_residents("乙")
    b = link.export()
    link.add_residents("丙")     # not exported yet: bundle upload exports it first
    assert run(capsys, link, "township", "url", server.url)[0] == 0
    a.unlink()                   # the stick is lost: the copies in the data directory are what is sent
    b.unlink()

    code, out, err = run(capsys, link, "bundle", "upload")
    assert code == 0 and err == "", err
    rows = outbox(link)
    assert len(rows) == 3 and all(state == RECEIPTED for *_r, state in rows)
    sent = [line for line in out.splitlines() if line.startswith("正在上传")]
    assert [a.name in sent[0], b.name in sent[1]] == [True, True] and len(sent) == 3  # in the order of their records
    assert applied(link) == [(f, last) for f, last, _s in rows]
    head = rows[-1][1]
    assert hub_events(link) == list(range(1, head + 1))
    assert f"已确认到第 {head} 号记录" in out
    last = last_upload(link.store.data_dir)
    assert last is not None and last.ok and last.receipted == 3 and last.url == server.url
    assert list(outbox_dir(link.store.data_dir).glob("*.cunwu-sync")) == []  # receipted copies removed

    # the same upload again: nothing new, nothing sent, the hub unchanged
    before = hub_dump(link.hub)
    code, out, err = run(capsys, link, "bundle", "upload")
    assert code == 0 and err == "" and "没有要上传的同步包" in out
    assert hub_dump(link.hub) == before and outbox(link) == rows


def test_a_bundle_that_went_on_a_stick_is_receipted_by_the_upload_without_a_duplicate(served, capsys):
    link, server = served
    link.add_residents("走U盘")
    bundle = link.export()
    assert link.import_(bundle).status == "imported"  # the township imported the stick; no receipt came back
    before = hub_dump(link.hub)
    assert outbox(link)[0][2] == EXPORTED
    run(capsys, link, "township", "url", server.url)

    code, out, err = run(capsys, link, "bundle", "upload")
    assert code == 0 and err == ""
    assert [state for *_r, state in outbox(link)] == [RECEIPTED]
    assert hub_dump(link.hub) == before                 # sent again: not applied again
    assert hub_events(link) == list(range(1, outbox(link)[0][1] + 1))


def test_server_down_one_line_non_zero_nothing_marked(linked, capsys):  # noqa: F811
    linked.add_residents("断网")
    linked.export()
    run(capsys, linked, "township", "url", f"http://127.0.0.1:{free_port()}")
    code, _out, err = run(capsys, linked, "bundle", "upload")
    assert code != 0
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "连不上乡镇服务器" in lines[0]
    assert [state for *_r, state in outbox(linked)] == [EXPORTED]
    last = last_upload(linked.store.data_dir)
    assert last is not None and not last.ok and "连不上" in last.summary
    assert applied(linked) == []


def test_a_bundle_held_for_a_missing_earlier_one_is_not_counted_as_receipted(served, capsys):
    link, server = served
    link.add_residents("前")
    first = link.export()
    link.add_residents("后")
    link.export()
    saved = first.read_bytes()
    first.unlink()                                       # the stick with the first bundle is somewhere else
    (outbox_dir(link.store.data_dir) / first.name).unlink()
    run(capsys, link, "township", "url", server.url)

    code, _out, err = run(capsys, link, "bundle", "upload")
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 2
    assert first.name in lines[0] and "找不到" in lines[0]
    assert "等前面的同步包" in lines[1]
    assert all(state == EXPORTED for *_r, state in outbox(link))

    first.write_bytes(saved)                             # the stick is found and plugged in again
    code, _out, err = run(capsys, link, "bundle", "upload")
    assert code == 0 and err == ""
    assert all(state == RECEIPTED for *_r, state in outbox(link))
    assert len(applied(link)) == 2


def test_a_refused_bundle_gives_the_townships_reason(served, capsys, tmp_path):
    link, server = served
    link.add_residents("拒收")
    bundle = link.export()
    data = bytearray(bundle.read_bytes())
    data[40] ^= 0x01  # the signature no longer matches
    bundle.write_bytes(bytes(data))
    with link.store.begin("测试") as s:  # as if this damaged file were the one exported
        import hashlib

        row = s.scalars(select(OutboxEntry)).one()
        row.sha256 = hashlib.sha256(bytes(data)).hexdigest()
    (outbox_dir(link.store.data_dir) / bundle.name).unlink()
    run(capsys, link, "township", "url", server.url)
    code, _out, err = run(capsys, link, "bundle", "upload")
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) == 1 and "拒收" in lines[0] and "签名" in lines[0]
    assert all(state == EXPORTED for *_r, state in outbox(link))


# ---------------------------------------------------------------- HTTPS


def _self_signed(folder: Path, days: int = 30) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "石桥镇数据中心")])
    now = dt.datetime.now(dt.timezone.utc)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1)).not_valid_after(now + dt.timedelta(days=days))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(ski, critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False)
            .sign(key, hashes.SHA256()))
    certfile, keyfile = folder / "server.pem", folder / "server.key"
    certfile.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    keyfile.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))
    return certfile, keyfile


def test_https_needs_the_townships_certificate_pinned(linked, capsys, tmp_path):  # noqa: F811
    certfile, keyfile = _self_signed(tmp_path)
    server = Running(linked.hub, certfile=certfile, keyfile=keyfile)
    try:
        linked.add_residents("加密")
        run(capsys, linked, "township", "url", server.url)
        # the system's trust store does not know the township's own certificate: refused, nothing sent
        code, _out, err = run(capsys, linked, "bundle", "upload")
        lines = err.strip().splitlines()
        assert code != 0 and len(lines) == 1 and "证书不被信任" in lines[0] and "cunwu township trust" in lines[0]
        assert applied(linked) == [] and outbox(linked)[0][2] == EXPORTED

        code, out, err = run(capsys, linked, "township", "trust", str(certfile))
        assert code == 0 and "石桥镇数据中心" in out and "SHA-256" in out
        assert (dt.date.today() + dt.timedelta(days=30)).isoformat() in out
        code, _out, err = run(capsys, linked, "bundle", "upload")
        assert code == 0 and err == ""
        assert [state for *_r, state in outbox(linked)] == [RECEIPTED]
    finally:
        server.stop()


def test_a_pinned_certificate_for_another_server_is_refused(linked, capsys, tmp_path):  # noqa: F811
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    certfile, keyfile = _self_signed(tmp_path / "a")
    other, _key = _self_signed(tmp_path / "b")  # the township's certificate of last year, say
    server = Running(linked.hub, certfile=certfile, keyfile=keyfile)
    try:
        linked.add_residents("别的证书")
        run(capsys, linked, "township", "url", server.url)
        assert run(capsys, linked, "township", "trust", str(other))[0] == 0
        code, _out, err = run(capsys, linked, "bundle", "upload")
        assert code != 0 and "证书不被信任" in err
        assert applied(linked) == []
    finally:
        server.stop()


def test_a_file_that_is_not_a_certificate_changes_nothing(linked, capsys, tmp_path):  # noqa: F811
    bad = tmp_path / "坏证书.pem"
    bad.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    keys_before = sorted(p.name for p in (linked.store.data_dir / "keys").iterdir())
    township_before = (linked.store.data_dir / "keys" / "township.json").read_bytes()
    code, _out, err = run(capsys, linked, "township", "trust", str(bad))
    assert code != 0 and "不是有效的证书文件" in err
    assert sorted(p.name for p in (linked.store.data_dir / "keys").iterdir()) == keys_before
    assert (linked.store.data_dir / "keys" / "township.json").read_bytes() == township_before
    # the township's key file still goes where it went
    assert run(capsys, linked, "township", "trust", str(linked.root / "township.json"))[0] == 0


# ---------------------------------------------------------------- the desktop's schedule


def test_retries_back_off_exponentially_with_jitter_up_to_an_hour():
    assert retry_delay(0, 1.0) == EVERY == 3600
    assert [retry_delay(n, 1.0) for n in range(1, 9)] == [60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert retry_delay(1, 0.5) == FIRST_RETRY * 0.5 and retry_delay(1, 1.5) == FIRST_RETRY * 1.5
    assert retry_delay(50, 1.5) == MAX_RETRY * 1.5           # capped, then spread
    assert retry_delay(3, 9.0) == 240 * 1.5 and retry_delay(3, -1) == 240 * 0.5  # the factor stays in 0.5-1.5
    # many villages failing together come back spread over the minute, not in one burst
    import random

    rng = random.Random(7)
    first_tries = sorted(retry_delay(1, rng.uniform(0.5, 1.5)) for _ in range(60))
    assert first_tries[0] < 40 and first_tries[-1] > 80


def test_normalise_url_refuses_what_is_not_an_address():
    for bad in ("", "   ", "mailto:xz@example.cn", "https://user:pw@hub.example.cn"):
        with pytest.raises(UploadError):
            normalise_url(bad)
    assert normalise_url("http://[::1]:8470/api") == "http://[::1]:8470"


def test_last_upload_is_readable_json(served, capsys):
    link, server = served
    link.add_residents("记下")
    run(capsys, link, "township", "url", server.url)
    run(capsys, link, "bundle", "upload")
    doc = json.loads((outbox_dir(link.store.data_dir) / "last-upload.json").read_text("utf-8"))
    assert doc["ok"] is True and doc["receipted"] == 1 and doc["failures"] == []


def test_never_two_uploads_at_once(served, capsys):
    """A second program uploading the same village (the desktop in the background, a terminal) waits its turn."""
    import fcntl

    link, server = served
    link.add_residents("排队")
    run(capsys, link, "township", "url", server.url)
    lock = outbox_dir(link.store.data_dir) / ".upload.lock"
    lock.parent.mkdir(exist_ok=True)
    with open(lock, "a+b") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # the other program is uploading
        code, _out, err = run(capsys, link, "bundle", "upload")
        assert code != 0 and "正在上传" in err
        assert applied(link) == []
    code, _out, err = run(capsys, link, "bundle", "upload")
    assert code == 0 and applied(link) != []
