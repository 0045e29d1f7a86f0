"""`cunwu hub serve`: bundles uploaded over HTTP are imported exactly as from a stick, answered with the
village's signed receipt; every bad request is refused with its status and the same Chinese reason, the hub
unchanged and the server still serving the others (app/hub/server.py, docs/sync-format.md "Upload over HTTP")."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.hub import store as hub_tables
from app.hub.server import BUNDLES_PATH, Limits
from app.hub.service import init_hub, open_hub
from app.keys import trust_township, write_township_file
from app.sync.export import import_receipt
from hub_serving import Running, free_port
from sync_helpers import Linked, hub_dump, linked  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def served(linked: Linked) -> Iterator[tuple[Linked, Running]]:  # noqa: F811
    running = Running(linked.hub, Limits(base=2.0, rate=10_000_000, idle=5.0))
    yield linked, running
    running.stop()


def _applied(hub, code: str) -> list[tuple[int, int]]:
    b = hub_tables.bundles.c
    with hub.engine.connect() as conn:
        return sorted(tuple(r) for r in conn.execute(select(b.first_seq, b.last_seq).where(
            b.village_code == code, b.state == "applied")))


def _message(body: bytes) -> dict[str, str]:
    doc = json.loads(body.decode("utf-8"))
    assert set(doc) == {"result", "reason", "message"}
    return doc


def test_an_uploaded_bundle_is_imported_and_answered_with_the_signed_receipt(served, tmp_path):
    link, server = served
    link.add_residents("网上来的")
    bundle = link.export()
    status, headers, body = server.post(bundle.read_bytes())
    assert status == 200 and headers["cunwu-result"] == "imported"
    receipt = tmp_path / "回执.cunwu-receipt"
    receipt.write_bytes(body)
    result = import_receipt(link.store, receipt)  # the village reads it as it reads a stick's receipt
    assert result.last_seq > 0 and result.pending == []
    # the same bundle again: nothing imported twice, the same receipt
    again = server.post(bundle.read_bytes())
    assert again[0] == 200 and again[1]["cunwu-result"] == "already" and again[2] == body
    assert len(_applied(link.hub, link.code)) == 1


def test_a_bundle_that_came_on_a_stick_first_is_not_applied_twice(served):
    link, server = served
    link.add_residents("先走U盘")
    bundle = link.export()
    assert link.import_(bundle).status == "imported"
    before = hub_dump(link.hub)
    status, headers, _body = server.post(bundle.read_bytes())
    assert status == 200 and headers["cunwu-result"] == "already"
    assert hub_dump(link.hub) == before


def test_a_bundle_before_its_predecessor_is_held_with_202_and_applied_when_the_gap_fills(served):
    link, server = served
    link.add_residents("甲")
    first = link.export()
    link.add_residents("乙")
    second = link.export()
    status, _h, body = server.post(second.read_bytes())
    assert status == 202 and _message(body)["result"] == "pending" and "暂存" in _message(body)["message"]
    status, headers, _body = server.post(first.read_bytes())
    assert status == 200 and headers["cunwu-result"] == "imported"
    assert len(_applied(link.hub, link.code)) == 2


def _refused(server: Running, link: Linked, body: bytes, status: int, reason: str, **kw) -> str:
    before = hub_dump(link.hub)
    got, _h, answer = server.post(body, **kw)
    doc = _message(answer)
    assert (got, doc["result"], doc["reason"]) == (status, "refused", reason), doc
    assert hub_dump(link.hub) == before  # the hub unchanged
    return doc["message"]


def test_bad_uploads_are_refused_with_their_status_and_reason_and_the_hub_unchanged(served, tmp_path):
    link, server = served
    link.add_residents("丙")
    bundle = link.export().read_bytes()

    message = _refused(server, link, bundle, 415, "content-type", content_type="multipart/form-data")
    assert "application/octet-stream" in message
    flipped = bytearray(bundle)
    flipped[40] ^= 0x01  # inside the signature
    assert "签名" in _refused(server, link, bytes(flipped), 400, "signature")
    assert "损坏" in _refused(server, link, bundle[: len(bundle) // 2], 400, "payload")  # whole request, half a file

    # a bundle for another township: the village trusts a second township and exports to it
    other = init_hub(tmp_path / "另一个镇", "王庄镇")
    write_township_file(other.secrets.public, tmp_path / "王庄镇.json")
    trust_township(link.store.data_dir, tmp_path / "王庄镇.json")
    link.add_residents("丁")
    foreign = link.export().read_bytes()
    other.close()
    assert "乡镇" in _refused(server, link, foreign, 400, "recipient")

    # the server still takes a good bundle afterwards
    status, headers, _body = server.post(bundle)
    assert status == 200 and headers["cunwu-result"] == "imported"


def test_a_body_over_the_hubs_limit_is_refused_before_it_is_read(served):
    from app.hub.status import UPLOAD_LIMIT_KEY, set_hub_setting

    link, server = served
    set_hub_setting(link.hub, UPLOAD_LIMIT_KEY, "1")
    before = hub_dump(link.hub)
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.putrequest("POST", BUNDLES_PATH)
    conn.putheader("Content-Type", "application/octet-stream")
    conn.putheader("Content-Length", str(2 * 1024 * 1024))
    conn.endheaders()  # not a byte of the body is sent: the answer comes from the declared size
    r = conn.getresponse()
    doc = _message(r.read())
    conn.close()
    assert r.status == 413 and doc["reason"] == "too-large" and "1 MB" in doc["message"]
    assert hub_dump(link.hub) == before


def test_a_replayed_old_bundle_changes_nothing(served):
    link, server = served
    link.add_residents("戊")
    old = link.export()
    assert server.post(old.read_bytes())[0] == 200
    link.add_residents("己")
    assert server.post(link.export().read_bytes())[0] == 200
    before = hub_dump(link.hub)
    # the old file sent again, under another name and after newer ones: answered, not applied again
    status, headers, _body = server.post(old.read_bytes())
    assert status == 200 and headers["cunwu-result"] == "already"
    assert hub_dump(link.hub) == before


def _raw(port: int, head: bytes) -> socket.socket:
    s = socket.create_connection(("127.0.0.1", port), timeout=15)
    s.sendall(head)
    return s


def _head(size: int) -> bytes:
    return (f"POST {BUNDLES_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Length: {size}\r\n\r\n").encode("ascii")


def test_a_slow_client_is_cut_off_while_other_uploads_go_through(served):
    link, server = served
    link.add_residents("庚")
    good = link.export().read_bytes()
    slow = _raw(server.port, _head(50_000))
    slow.sendall(b"C")
    started = time.monotonic()
    # while the slow one trickles, another village's upload is answered at once
    status, headers, _body = server.post(good)
    assert status == 200 and headers["cunwu-result"] == "imported" and time.monotonic() - started < 2.0
    answer = b""
    try:
        for _i in range(30):
            slow.sendall(b"U")  # a byte a second
            time.sleep(1.0 if _i else 0.5)
            slow.setblocking(False)
            try:
                answer += slow.recv(4096)
            except BlockingIOError:
                pass
            finally:
                slow.setblocking(True)
            if answer:
                break
    except (BrokenPipeError, ConnectionResetError):
        pass
    finally:
        slow.close()
    assert time.monotonic() - started < 10  # cut off after the deadline for its size (2 s here), not later
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert "太慢".encode() in answer
    assert not list(link.hub.tmp_root.glob("upload-*"))  # its partial body is gone


def test_a_client_that_hangs_up_mid_body_changes_nothing(served):
    link, server = served
    link.add_residents("辛")
    good = link.export().read_bytes()
    before = hub_dump(link.hub)
    s = _raw(server.port, _head(len(good)))
    s.sendall(good[: len(good) // 3])
    s.close()
    time.sleep(0.5)
    assert hub_dump(link.hub) == before
    assert server.post(good)[0] == 200


def test_a_body_without_its_length_is_refused(served):
    link, server = served
    link.add_residents("癸")
    bundle = link.export().read_bytes()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("POST", BUNDLES_PATH, body=iter([bundle]), encode_chunked=True,
                 headers={"Content-Type": "application/octet-stream", "Transfer-Encoding": "chunked"})
    r = conn.getresponse()
    doc = _message(r.read())
    conn.close()
    assert r.status == 411 and doc["reason"] == "length" and "Content-Length" in doc["message"]
    assert server.post(bundle)[0] == 200  # sent with its length, it goes in


def test_a_get_to_the_upload_address_says_what_it_is_for(served):
    _link, server = served
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", BUNDLES_PATH)
    r = conn.getresponse()
    assert r.status == 405 and "POST" in _message(r.read())["message"]
    conn.close()


# ---------------------------------------------------------------- the command, killed and started again


def _serve(data_dir: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())", "--data-dir", str(data_dir), "hub", "serve",
                             "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, encoding="utf-8", env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()  # type: ignore[union-attr]
    assert "提供服务" in line and f":{port}/" in line, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc


@pytest.mark.slow
def test_the_server_killed_mid_upload_takes_the_bundle_once_when_started_again(linked):  # noqa: F811
    link = linked
    data_dir = link.hub.dir.parent
    link.add_residents("壬")
    bundle = link.export().read_bytes()
    link.hub.close()
    port = free_port()
    proc = _serve(data_dir, port)
    try:
        s = _raw(port, _head(len(bundle)))
        s.sendall(bundle[: len(bundle) - 100])
        time.sleep(0.3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        s.close()
    finally:
        if proc.poll() is None:
            proc.kill()
    proc = _serve(data_dir, port)
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for expected in ("imported", "already"):
            conn.request("POST", BUNDLES_PATH, body=bundle, headers={"Content-Type": "application/octet-stream"})
            r = conn.getresponse()
            r.read()
            assert r.status == 200 and r.getheader("Cunwu-Result") == expected
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)  # as systemctl stop does
        out, _err = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "服务已停止" in out
    hub = open_hub(data_dir)
    try:
        assert len(_applied(hub, link.code)) == 1
        with hub.engine.connect() as conn2:
            seqs = conn2.execute(select(func.count(), func.count(hub_tables.events.c.seq.distinct())).where(
                hub_tables.events.c.village_code == link.code)).one()
        assert seqs[0] == seqs[1]  # no event twice
    finally:
        hub.close()
    link.hub = open_hub(data_dir)  # for the fixture's teardown


def test_serve_refuses_a_port_in_use_plainly(linked, capsys):  # noqa: F811
    from app.cli import main

    data_dir = linked.hub.dir.parent
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--data-dir", str(data_dir), "hub", "serve", "--port", str(port)]) == 1
    err = capsys.readouterr().err
    assert "端口" in err and "--port" in err
    assert main(["--data-dir", str(data_dir), "hub", "serve", "--port", "70000"]) == 2
    assert main(["--data-dir", str(data_dir), "hub", "serve", "--certfile", "没有.pem"]) == 1
    assert "--keyfile" in capsys.readouterr().err
