"""Serial numbers: format, paper-sequence starts, and no gaps or duplicates under concurrency or power cuts."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from app.certificates.models import Certificate
from app.certificates.serials import SerialError, format_serial, parse_serial, set_start
from app.check import check_store
from test_cert_support import DAY, cert_store, catalogues, issue, request  # noqa: F401

ROOT = Path(__file__).resolve().parent.parent


def test_format_grows_past_four_digits_and_parses_back():
    assert format_serial(2026, "居住", 7) == "2026-居住-0007"
    assert format_serial(2026, "居住", 12345) == "2026-居住-12345"
    s = parse_serial("2026-宅基-0031")
    assert (s.year, s.short, s.number) == (2026, "宅基", 31) and str(s) == "2026-宅基-0031"
    with pytest.raises(SerialError, match="不是证明编号"):
        parse_serial("2026-居住-7")


def test_start_number_continues_the_paper_register(cert_store, catalogues):
    with cert_store.begin("测试") as s:
        set_start(s, kind_code="SD-01", short="居住", year=2026, start=31)
    serials = [issue(cert_store, catalogues).certificate.serial for _ in range(2)]
    assert serials == ["2026-居住-0031", "2026-居住-0032"]
    # other kinds and other years start at 1
    assert issue(cert_store, catalogues, day=dt.date(2027, 1, 5)).certificate.serial == "2027-居住-0001"
    with cert_store.begin("测试") as s, pytest.raises(SerialError, match="不能再改起始号"):
        set_start(s, kind_code="SD-01", short="居住", year=2026, start=100)


def test_start_number_can_be_corrected_before_first_use(cert_store, catalogues):
    with cert_store.begin("测试") as s:
        set_start(s, kind_code="SD-01", short="居住", year=2026, start=50)
    with cert_store.begin("测试") as s:
        set_start(s, kind_code="SD-01", short="居住", year=2026, start=41)
    assert issue(cert_store, catalogues).certificate.serial == "2026-居住-0041"
    with cert_store.begin("测试") as s, pytest.raises(SerialError, match="起始号"):
        set_start(s, kind_code="SD-01", short="居住", year=2028, start=0)


def test_concurrent_issuing_gives_gapless_unique_numbers(cert_store, catalogues):
    from app.certificates.service import issue_certificate
    from app.keys import load_village_key

    key = load_village_key(cert_store.data_dir)
    req = request(cert_store)
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(n: int) -> None:
        try:
            start.wait()
            for _ in range(25):
                with cert_store.begin(f"窗口{n}") as s:
                    out = issue_certificate(s, req, catalogues=catalogues, signer=key, today=DAY)
                    assert out.status == "issued"
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with cert_store.read() as s:
        serials = list(s.scalars(select(Certificate.serial)))
        numbers = sorted(s.scalars(select(Certificate.number)))
        report = check_store(s)
    assert len(serials) == len(set(serials)) == 200
    assert numbers == list(range(1, 201))
    assert set(serials) == {f"2026-居住-{n:04d}" for n in range(1, 201)}
    assert report.ok, report.problems[:3]


_LOOP = r"""
import datetime as dt, sys
from pathlib import Path
sys.path.insert(0, {tests!r})
from app.schema import open_store
from app.certificates.catalogue import load_catalogues
from app.certificates.service import issue_certificate, print_certificate
from app.keys import load_village_key
import test_cert_support as t
store = open_store(Path({data!r}))
cats = load_catalogues(None)
key = load_village_key(store.data_dir)
req = t.request(store)
print("ready", flush=True)
while True:
    with store.begin("断电测试") as s:
        out = issue_certificate(s, req, catalogues=cats, signer=key, today=t.DAY)
        print_certificate(s, out.certificate.serial)
    print(out.certificate.serial, flush=True)
"""


@pytest.mark.slow
def test_power_cut_while_issuing_leaves_each_number_either_used_or_never_used(cert_store, tmp_path):
    """SIGKILL at random moments (the nearest a test gets to pulling the plug, with synchronous=FULL)."""
    script = tmp_path / "loop.py"
    script.write_text(_LOOP.format(tests=str(ROOT / "tests"), data=str(cert_store.data_dir)), encoding="utf-8")
    cert_store.close()
    rng = random.Random(11)
    reported: list[str] = []
    for _kill in range(4):
        p = subprocess.Popen([sys.executable, str(script)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert p.stdout is not None
        assert p.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.05, 0.4))
        p.send_signal(signal.SIGKILL)
        p.wait()
        reported += [line.strip() for line in p.stdout.read().splitlines() if line.strip()]
        p.stdout.close()
    from app.schema import open_store

    store = open_store(cert_store.data_dir)
    with store.read() as s:
        rows = s.execute(select(Certificate.number, Certificate.serial, Certificate.state, Certificate.qr_payload,
                                Certificate.print_count)).all()
        report = check_store(s)
    store.close()
    numbers = sorted(r[0] for r in rows)
    assert numbers == list(range(1, len(numbers) + 1)), "a number was skipped or taken twice"
    assert len(numbers) >= len(reported) > 0
    assert set(reported) <= {r[1] for r in rows}  # every number the clerk saw is in the register
    assert all(r[2] == "issued" and r[3].startswith("CW1.") and r[4] == 1 for r in rows)
    assert report.ok, report.problems[:3]
