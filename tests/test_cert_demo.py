"""The demo village's certificates: years of every kind, voids, reprints, pending ones and refusals."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import select

from app import demo
from app.certificates.catalogue import load_catalogues
from app.certificates.models import Certificate
from app.certificates.register import search_register, verify_with_store
from app.certificates.service import list_pending, list_refusals
from app.check import check_store
from app.schema import open_store


def test_demo_has_every_kind_over_years_with_voids_reprints_and_refusals(tmp_path):
    d = tmp_path / "demo"
    store = open_store(d)
    demo.create_demo(store, size="small", seed=3)
    today = dt.date.today()
    try:
        with store.read() as s:
            rows = search_register(s, limit=100_000)
            refusals = list_refusals(s)
            pending = list_pending(s)
            report = check_store(s)
            numbered = [r for r in rows if r.serial]
            payload = s.scalar(select(Certificate.qr_payload).where(Certificate.state == "issued").limit(1))
            genuine = verify_with_store(s, d, payload)
    finally:
        store.close()
    kinds = {k.code for k in load_catalogues(None).approved_on(today).items}
    assert {r.kind_code for r in numbered} == kinds
    assert len({r.issue_date.year for r in numbered}) >= 3
    states = Counter(r.state for r in numbered)
    assert states["voided"] >= 1 and states["issued"] > 20
    assert any(r.print_count > 1 for r in numbered)
    assert refusals and all(r.authority for r in refusals)
    assert any(r.reason_code == "negative" for r in refusals)
    assert pending and all(p.due_date >= today for p in pending)
    # within each kind and year the numbers run without gaps (one kind continues a paper register)
    by_prefix: dict[str, list[int]] = {}
    for r in numbered:
        prefix, number = r.serial.rsplit("-", 1)
        by_prefix.setdefault(prefix, []).append(int(number))
    for prefix, numbers in by_prefix.items():
        numbers.sort()
        assert numbers == list(range(numbers[0], numbers[0] + len(numbers))), prefix
    assert any(numbers[0] == 31 for numbers in by_prefix.values())
    assert genuine.ok
    assert report.ok, report.problems[:3]
