"""A village with a register of 10,000 certificates, for the certificate scenarios.

The large demo village issues a few hundred certificates over its last three
years. ``register_village`` adds the years before those (from the year the
approved list came into force), busy enough to bring the register to 10,000
rows: every kind on the list, on-the-spot ones issued and printed at once,
time-limited ones accepted and completed days later (a few cancelled), some
applicants from outside the village, about one in twenty voided and one in ten
reprinted, and refusals of kinds the village must not issue. Everything goes
through the service functions in date order, one transaction per month, so
serial numbers, register entries and events are what the same work would have
written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import heapq
import random
import shutil
from pathlib import Path
from typing import Any

from bench.core import ROOT, Settings
from bench.villages import _cached, large_village

CERTIFICATES = 10_000
QUICK_CERTIFICATES = 200

# the kinds' share of the applications, by code; a kind not listed gets the last share
KIND_WEIGHTS = {"SD-01": 35, "SD-03": 14, "SD-07": 9, "SD-02": 8, "SD-04": 13, "SD-05": 5, "SD-06": 16}
NON_RESIDENT_SHARE = 0.1
VOID_SHARE = 0.05
REPRINT_SHARE = 0.1
CANCEL_SHARE = 0.03
REFUSAL_SHARE = 0.02
_NEGATIVE = ("死亡证明", "无犯罪记录证明", "亲属关系证明", "婚姻状况证明", "健在证明", "收入证明")
_OUTSIDERS = ("刘建军", "陈秀英", "杨帆", "周丽", "赵国庆", "孙桂兰")

# what the register's content depends on: a change to any of these builds it anew
_FINGERPRINTED = ("app/certificates/service.py", "app/certificates/models.py", "app/certificates/serials.py",
                  "app/certificates/payload.py", "app/certificates/catalogue.py", "app/certificates/demo.py",
                  "app/events.py", "resources/catalogues/certificates-approved.json",
                  "resources/catalogues/certificates-negative.json", "bench/cert_data.py")


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for rel in _FINGERPRINTED:
        path = ROOT / rel
        digest.update(rel.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:8]


def _now(day: dt.date, rng: random.Random) -> str:
    return dt.datetime(day.year, day.month, day.day, rng.randint(8, 16), rng.randint(0, 59), rng.randint(0, 59),
                       tzinfo=dt.timezone(dt.timedelta(hours=8))).isoformat(timespec="seconds")


def _span(store: Any, catalogues: Any, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days to fill: from the approved list's first day to the day before the register's first year."""
    from sqlalchemy import func, select

    from app.certificates.models import Certificate

    with store.read() as s:
        first_year = s.scalar(select(func.min(Certificate.year)))
    start = min(lst.effective for lst in catalogues.approved)
    end = dt.date(first_year - 1, 12, 31) if first_year else today
    if end < start + dt.timedelta(days=365):
        end = today  # nothing issued before, or no room before it: interleave with what is there
    return start, min(end, today)


def add_certificates(store: Any, data_dir: Path, total: int, *, seed: int = 2026,
                     today: dt.date | None = None) -> int:
    """Bring the register of ``store`` to ``total`` certificates; returns how many it holds."""
    from sqlalchemy import func, select

    from app.certificates.catalogue import load_catalogues
    from app.certificates.demo import PURPOSES, VOID_REASONS, field_value
    from app.certificates.models import Certificate
    from app.certificates.service import (Applicant, Approval, CheckRecord, IssueRequest, cancel_pending,
                                          complete_pending, default_approver, issue_certificate, record_print,
                                          resident_gone, role_holders, void_certificate)
    from app.people.idcard import random_valid_id
    from app.people.models import Household, Resident, Village, VillagerGroup
    from app.keys import ensure_village_key

    today = today or dt.date.today()
    rng = random.Random(seed)
    key = ensure_village_key(data_dir)
    catalogues = load_catalogues(data_dir)
    with store.read() as s:
        have = int(s.scalar(select(func.count()).select_from(Certificate)) or 0)
        code = s.get(Village, 1).code
        groups = {g.id: g.name for g in s.scalars(select(VillagerGroup))}
        addresses = {h.id: h.address for h in s.scalars(select(Household))}
        sizes = dict(s.execute(select(Resident.household_id, func.count()).group_by(Resident.household_id)).all())
        adults = [(r.id, r.group_id, r.household_id, r.birth_date.year) for r in
                  s.scalars(select(Resident).where(Resident.id_number.is_not(None)))
                  if r.birth_date and (today - r.birth_date).days > 20 * 366 and not resident_gone(r)]
        verifiers = role_holders(s, "委员", today) or ["文书"]
        director = default_approver(s, today) or Approval("村委会主任")
    wanted = total - have
    if wanted <= 0:
        return have
    start, end = _span(store, catalogues, today)
    days = (end - start).days

    # (day, order, action, item): applications and refusals; completions, voids and reprints join as they arise
    plan: list[tuple[dt.date, int, str, Any]] = []
    codes = list(KIND_WEIGHTS)
    weights = list(KIND_WEIGHTS.values())
    for n in range(wanted):
        plan.append((start + dt.timedelta(days=rng.randint(0, days)), n, "apply", rng.choices(codes, weights)[0]))
    order = wanted
    for _n in range(max(1, round(wanted * REFUSAL_SHARE))):
        order += 1
        plan.append((start + dt.timedelta(days=rng.randint(0, days)), order, "refuse", rng.choice(_NEGATIVE)))
    heapq.heapify(plan)

    def later(day: dt.date, most: int) -> dt.date | None:
        when = day + dt.timedelta(days=rng.randint(1, most))
        return when if when <= end else None

    def schedule(day: dt.date | None, action: str, item: Any) -> None:
        nonlocal order
        if day is not None:
            order += 1
            heapq.heappush(plan, (day, order, action, item))

    def after_issue(serial: str, day: dt.date) -> None:
        roll = rng.random()
        if roll < VOID_SHARE:
            schedule(later(day, 20), "void", serial)
        elif roll < VOID_SHARE + REPRINT_SHARE:
            schedule(later(day, 60), "reprint", serial)

    while plan:
        month = (plan[0][0].year, plan[0][0].month)
        with store.begin("文书") as s:
            while plan and (plan[0][0].year, plan[0][0].month) == month:
                day, _order, action, item = heapq.heappop(plan)
                now = _now(day, rng)
                check = CheckRecord(rng.choice(verifiers))
                approval = default_approver(s, day) or director
                if action == "void":
                    void_certificate(s, item, rng.choice(VOID_REASONS), now=now)
                elif action == "reprint":
                    record_print(s, item, who=check.verifier, now=now)
                elif action == "complete":
                    if rng.random() < CANCEL_SHARE:
                        cancel_pending(s, item, "核实时发现情况不符,申请人撤回", now=now)
                        continue
                    c = complete_pending(s, item, check=check, approval=approval, catalogues=catalogues,
                                         signer=key, today=day, now=now)
                    record_print(s, c.serial or "", who=check.verifier, now=now)
                    after_issue(c.serial or "", day)
                else:
                    rid, group_id, household_id, birth_year = rng.choice(adults)
                    if action == "refuse":
                        issue_certificate(s, IssueRequest(kind=item, purpose="办事需要", resident_id=rid),
                                          catalogues=catalogues, signer=key, today=day, now=now)
                        continue
                    kind = catalogues.find_approved(item, day)
                    ctx = {"day": day, "code": code, "group": groups.get(group_id or 0, ""),
                           "address": addresses.get(household_id or 0, ""), "birth_year": birth_year,
                           "household_size": sizes.get(household_id, 1)}
                    request = IssueRequest(
                        kind=kind.code, purpose=rng.choice(PURPOSES.get(kind.code, ("办事需要",))), resident_id=rid,
                        check=check, approval=approval,
                        fields={f.name: field_value(kind, f.name, f.max_len, ctx, rng) for f in kind.fields})
                    if kind.allows_non_resident and rng.random() < NON_RESIDENT_SHARE:
                        birth = dt.date(rng.randint(1960, 2000), rng.randint(1, 12), rng.randint(1, 28))
                        request.resident_id = None
                        request.applicant = Applicant(rng.choice(_OUTSIDERS), random_valid_id(
                            rng, area="410526", birth=birth, sex=rng.choice(("男", "女"))))
                    outcome = issue_certificate(s, request, catalogues=catalogues, signer=key, today=day, now=now)
                    c = outcome.certificate
                    if outcome.status == "issued" and c is not None:
                        record_print(s, c.serial or "", who=check.verifier, now=now)
                        after_issue(c.serial or "", day)
                    elif outcome.status == "pending" and c is not None:
                        most = max(1, ((c.due_date or day) - day).days)
                        # an application near the end is completed on the last day rather than left open
                        schedule(later(day, most) or end, "complete", c.id)
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Certificate)) or 0)


def register_village(settings: Settings) -> Path:
    """The large demo village with 10,000 certificates in its register (200 on a small village with --quick)."""
    source = large_village(settings)
    total = QUICK_CERTIFICATES if settings.quick else CERTIFICATES
    prefix = f"certs{total}"
    name = f"{prefix}-{_fingerprint()}-{source.name}"
    if settings.cache_dir.exists():
        # _cached clears stale copies of the village it builds on, not those left by a change of ours
        for stale in settings.cache_dir.glob(f"{prefix}-*"):
            if not stale.name.startswith(name):
                shutil.rmtree(stale, ignore_errors=True)

    def build(path: Path) -> None:
        from app.schema import open_store

        shutil.copytree(source, path, dirs_exist_ok=True)
        store = open_store(path)
        try:
            got = add_certificates(store, path, total)
        finally:
            store.close()
        if got != total:
            raise RuntimeError(f"the register holds {got} certificates, not {total}")

    return _cached(settings, name, build)
