"""docs/deploy-hub.md works as written: its nginx block, run by a real nginx on loopback in front of the hub,
passes an upload over HTTPS with the township's certificate pinned; its systemd unit starts `cunwu hub serve`
with options the command takes; the hub serves HTTPS itself with --certfile/--keyfile."""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.hub.server import BUNDLES_PATH
from hub_serving import Running, free_port
from sync_helpers import Linked, linked  # noqa: F401 - the fixture

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "deploy-hub.md").read_text(encoding="utf-8")


def _block(kind: str) -> str:
    found = re.findall(rf"```{kind}\n(.*?)```", GUIDE, flags=re.S)
    assert len(found) == 1, f"docs/deploy-hub.md should have one {kind} block"
    return found[0]


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1, as a township might make one."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "石桥镇乡镇数据中心")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                        x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def _upload(port: int, body: bytes, context: ssl.SSLContext, host: str = "localhost") -> tuple[int, str]:
    conn = http.client.HTTPSConnection(host, port, timeout=30, context=context)
    try:
        conn.request("POST", BUNDLES_PATH, body=body, headers={"Content-Type": "application/octet-stream"})
        r = conn.getresponse()
        r.read()
        return r.status, r.getheader("Cunwu-Result") or ""
    finally:
        conn.close()


def _nginx_conf(tmp: Path, port: int, upstream: int, cert: Path, key: Path) -> Path:
    block = _block("nginx")
    block = block.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    block = block.replace("server_name cunwu.example.gov.cn;", "server_name localhost;")
    block = block.replace("/etc/ssl/cunwu/cert.pem", str(cert)).replace("/etc/ssl/cunwu/key.pem", str(key))
    block = block.replace("proxy_pass http://127.0.0.1:8470;", f"proxy_pass http://127.0.0.1:{upstream};")
    assert str(cert) in block and f"127.0.0.1:{upstream}" in block and f"127.0.0.1:{port}" in block
    temps = "\n".join(f"    {name}_temp_path {tmp / name};" for name in ("client_body", "proxy", "fastcgi", "uwsgi",
                                                                           "scgi"))
    conf = tmp / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"worker_processes 1;\ndaemon off;\npid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
        + "events { worker_connections 64; }\n"
        + f"http {{\n    access_log off;\n{temps}\n{block}\n}}\n", encoding="utf-8")
    return conf


def test_the_guides_nginx_block_passes_an_upload_over_https_with_the_certificate_pinned(linked, tmp_path):  # noqa: F811
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is installed by scripts/setup.sh --test"
    cert, key = make_certificate(tmp_path / "ssl")
    link: Linked = linked
    link.add_residents("经反向代理")
    bundle = link.export().read_bytes()
    hub = Running(link.hub)
    port = free_port()
    conf = _nginx_conf(tmp_path, port, hub.port, cert, key)
    proc = subprocess.Popen([nginx, "-c", str(conf), "-p", str(tmp_path)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        pinned = ssl.create_default_context(cafile=str(cert))
        while True:
            try:
                status, result = _upload(port, bundle, pinned)
                break
            except (ConnectionRefusedError, ConnectionResetError):
                assert proc.poll() is None, proc.stderr.read()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.1)
        assert (status, result) == (200, "imported")
        assert _upload(port, bundle, pinned) == (200, "already")
        # without the pin, the computer's trust store does not know a self-signed certificate
        with pytest.raises(ssl.SSLCertVerificationError):
            _upload(port, bundle, ssl.create_default_context())
    finally:
        proc.send_signal(signal.SIGQUIT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        hub.stop()
    # the hub's upload limit (100 MB by default) fits under the proxy's
    assert re.search(r"client_max_body_size 100m;", _block("nginx"))


def test_the_guides_systemd_unit_runs_a_command_the_program_takes():
    import configparser
    import shlex

    from app.cli import _parser

    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string(_block("ini"))
    service = unit["Service"]
    argv = shlex.split(service["ExecStart"])
    assert Path(argv[0]).name == "cunwu" and argv[0].startswith("/opt/cunwu/.venv/bin/")
    args = _parser().parse_args(argv[1:])
    assert (args.command, args.hub_command, args.host, args.port, args.public) == ("hub", "serve", "127.0.0.1", 8470,
                                                                                   True)
    assert service["Restart"] == "on-failure" and "KillSignal" not in service  # SIGTERM ends it with code 0
    assert service["ReadWritePaths"] == args.data_dir
    assert unit["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.slow
def test_hub_serve_with_its_own_certificate_takes_uploads_over_https(linked, tmp_path):  # noqa: F811
    cert, key = make_certificate(tmp_path / "ssl")
    link: Linked = linked
    link.add_residents("自带证书")
    bundle = link.export().read_bytes()
    data_dir = link.hub.dir.parent
    link.hub.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())",
                             "--data-dir", str(data_dir), "hub", "serve", "--port", str(port),
                             "--certfile", str(cert), "--keyfile", str(key)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8",
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        assert f"https://127.0.0.1:{port}/" in line, line
        pinned = ssl.create_default_context(cafile=str(cert))
        assert _upload(port, bundle, pinned, host="127.0.0.1") == (200, "imported")
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=20)
        from app.hub.service import open_hub

        link.hub = open_hub(data_dir)
    assert proc.returncode == 0


def test_hub_serve_refuses_a_certificate_and_key_that_do_not_go_together_plainly(linked, tmp_path, capsys):  # noqa: F811
    from app.cli import main

    cert, _key = make_certificate(tmp_path / "one")
    _cert, other_key = make_certificate(tmp_path / "two")
    data_dir = str(linked.hub.dir.parent)
    for key in (other_key, cert):  # another certificate's key; the certificate given as its own key
        assert main(["--data-dir", data_dir, "hub", "serve", "--port", str(free_port()), "--certfile", str(cert),
                     "--keyfile", str(key)]) == 1
        err = capsys.readouterr().err
        assert "用不了" in err and "PEM" in err and "出现意外问题" not in err
