"""Certificates: issuing and printing one in the running program, and exporting a 10,000-row register.

``cert-issue``: the clerk has chosen the resident and filled in the form; the
clock runs from the click to a finished PDF, through the function ``cunwu cert issue``
and the desktop program use (``app.certificates.printing.print_after_commit``): one write transaction that
takes the serial number, writes the register entry, the print record and their
events, and renders the PDF to a temporary file; then the commit and the
rename. The program is already running: catalogues loaded, fonts registered,
the key read, the store open, the approver filled in. The target is absolute;
the floor column is a reference: the same certificate's PDF rendered alone,
with no database, alternating with ours, so ours minus floor is what the
register and the log cost.

``cert-register``: ``export_register`` of all 10,000 rows of a register (and
its sheet of refusals) against pandas writing the same table, already in
memory, with ``DataFrame.to_excel(engine="openpyxl")``.
"""

from __future__ import annotations

import datetime as dt
import gc
import random
import shutil
import time
import traceback
from pathlib import Path
from typing import Any

from bench.cert_data import register_village
from bench.core import Result, Settings, failed, median, percentile, ratio_of
from bench.villages import large_village

NAME = "certificates"
ISSUE = "cert-issue"
ISSUE_TARGET = "≤ 200 ms"
ISSUE_LIMIT_MS = 200.0
REGISTER = "cert-register"
REGISTER_TARGET = "≤ 2x"
REGISTER_LIMIT = 2.0
# what the runner labels a failure of the whole module with; run() reports each row's own failure itself
TARGET = ISSUE_TARGET
UNITS = "ms"

ISSUES = 60
QUICK_ISSUES = 6
CLERK = "文书"


def _people(session: Any, today: dt.date) -> list[dict[str, Any]]:
    """Adults living in the village, with what the form shows about them."""
    from sqlalchemy import func, select

    from app.certificates.service import resident_gone
    from app.people.models import Household, Resident, VillagerGroup

    groups = {g.id: g.name for g in session.scalars(select(VillagerGroup))}
    addresses = {h.id: h.address for h in session.scalars(select(Household))}
    sizes = dict(session.execute(select(Resident.household_id, func.count()).group_by(Resident.household_id)).all())
    return [{"id": r.id, "group": groups.get(r.group_id or 0, ""), "address": addresses.get(r.household_id or 0, ""),
             "birth_year": r.birth_date.year, "household_size": sizes.get(r.household_id, 1)}
            for r in session.scalars(select(Resident).where(Resident.id_number.is_not(None)))
            if r.birth_date and (today - r.birth_date).days > 20 * 366 and not resident_gone(r)]


def run_issue(settings: Settings) -> Result:
    from app.certificates.catalogue import load_catalogues
    from app.certificates.demo import PURPOSES, field_value
    from app.certificates.printing import print_after_commit, render_certificate
    from app.certificates.service import (Approval, CheckRecord, IssueRequest, default_approver, issue_certificate,
                                          print_certificate, role_holders)
    from app.people.models import Village
    from app.printing.fonts import register_fonts
    from app.schema import open_store
    from app.keys import ensure_village_key

    data = settings.work_dir / "cert-issue"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(large_village(settings), data / "village")
    out_dir = data / "printed"
    out_dir.mkdir()
    store = open_store(data / "village")
    today = dt.date.today()
    rng = random.Random(2026)
    try:
        # the running program: all of this happened when it started or when the form opened
        catalogues = load_catalogues(store.data_dir)
        key = ensure_village_key(store.data_dir)
        register_fonts()
        with store.read() as s:
            code = s.get(Village, 1).code
            people = _people(s, today)
            approval = default_approver(s, today) or Approval("村委会主任")
            verifier = (role_holders(s, "委员", today) or [CLERK])[0]
        current = catalogues.approved_on(today)
        kinds = [k for k in (current.items if current else ()) if k.on_the_spot]
        if not kinds or not people:
            return failed(ISSUE, ISSUE_TARGET, "ms", "no on-the-spot kind in force or no adult resident to issue to")

        def request(n: int) -> IssueRequest:
            kind = kinds[n % len(kinds)]
            person = rng.choice(people)
            ctx = {"day": today, "code": code, **person}
            return IssueRequest(kind=kind.code, purpose=rng.choice(PURPOSES.get(kind.code, ("办事需要",))),
                                resident_id=person["id"], check=CheckRecord(verifier), approval=approval,
                                fields={f.name: field_value(kind, f.name, f.max_len, ctx, rng)
                                        for f in kind.fields})

        def issue_and_print(req: IssueRequest, out: Path) -> tuple[float, Any, str]:
            """Seconds from the click to the renamed PDF, through the path the program takes; the view; the kind."""
            def work(s: Any) -> tuple[Any, Any]:
                outcome = issue_certificate(s, req, catalogues=catalogues, signer=key, today=today)
                if outcome.status != "issued" or outcome.certificate is None:
                    raise RuntimeError(f"{req.kind} was {outcome.status}: "
                                       f"{outcome.refusal.reason if outcome.refusal else ''}")
                return outcome, print_certificate(s, outcome.certificate.serial or "", who=verifier)

            start = time.perf_counter()
            outcome, view, _path = print_after_commit(store, CLERK, work, lambda _view: out)
            return time.perf_counter() - start, view, outcome.certificate.kind_code

        issue_and_print(request(0), out_dir / "warm-up.pdf")  # the first of all prints loads what later ones reuse
        total = QUICK_ISSUES if settings.quick else ISSUES
        ours: list[float] = []
        floor: list[float] = []
        by_kind: dict[str, list[float]] = {}
        sizes: list[int] = []
        for n in range(1, total + 1):
            req = request(n)
            out = out_dir / f"{n:03d}.pdf"
            seconds, view, kind_code = issue_and_print(req, out)
            ms = seconds * 1000
            ours.append(ms)
            by_kind.setdefault(kind_code, []).append(ms)
            sizes.append(out.stat().st_size)
            start = time.perf_counter()
            render_certificate(out_dir / "floor.pdf", view)
            floor.append((time.perf_counter() - start) * 1000)
    finally:
        store.close()
        shutil.rmtree(data, ignore_errors=True)

    p95, floor_p95 = percentile(ours, 95), percentile(floor, 95)
    return Result(ISSUE, p95, floor_p95, ratio_of(p95, floor_p95), ISSUE_TARGET, p95 <= ISSUE_LIMIT_MS, "ms", {
        "issues": len(ours), "kinds": [k.code for k in kinds], "warm_up": 1,
        "measure": "95th percentile over issues of the time from the click to the renamed PDF: one transaction "
                   "(serial, register entry, print record, events, PDF to a temporary file), commit, rename",
        "ours_median_ms": median(ours), "ours_max_ms": max(ours), "floor_median_ms": median(floor),
        "floor": "render_certificate of the same certificate alone (no database): a reference, the target is absolute",
        "p95_by_kind_ms": {k: percentile(v, 95) for k, v in by_kind.items()},
        "pdf_bytes_median": int(median(sizes)), "ours_samples": ours, "floor_samples": floor})


def run_register(settings: Settings) -> Result:
    import pandas as pd
    from sqlalchemy import func, select

    from app.certificates.models import CertificateRefusal
    from app.certificates.register import RegisterQuery, export_register, register_columns, row_dict, search_register
    from app.schema import open_store

    data = settings.work_dir / "cert-register"
    shutil.rmtree(data, ignore_errors=True)
    shutil.copytree(register_village(settings), data / "village")
    store = open_store(data / "village")
    query = RegisterQuery()
    ours_path, floor_path = data / "ours.xlsx", data / "floor.xlsx"
    try:
        cols = register_columns()
        with store.read() as s:
            rows = [row_dict(r) for r in search_register(s, query, limit=1_000_000)]
            refusals = int(s.scalar(select(func.count()).select_from(CertificateRefusal)) or 0)
        frame = pd.DataFrame([[r[k] for k, _h in cols] for r in rows], columns=[h for _k, h in cols])
        states = {str(k): int(v) for k, v in frame[dict(cols)["state"]].value_counts().items()}
        # openpyxl is imported on the first workbook written: a cost neither side should carry alone
        pd.DataFrame({"a": [1]}).to_excel(data / "warm-up.xlsx", engine="openpyxl", index=False)
        ours: list[float] = []
        floor: list[float] = []
        written = 0
        for _ in range(settings.heavy_repeats):
            gc.collect()
            start = time.perf_counter()
            frame.to_excel(floor_path, engine="openpyxl", index=False)
            floor.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            with store.read() as s:
                written = export_register(s, ours_path, query)
            ours.append(time.perf_counter() - start)
        if written != len(rows):
            return failed(REGISTER, REGISTER_TARGET, "s", f"the export wrote {written} of {len(rows)} rows")
        ours_bytes, floor_bytes = ours_path.stat().st_size, floor_path.stat().st_size
    finally:
        store.close()
        shutil.rmtree(data, ignore_errors=True)
    ours_s, floor_s = median(ours), median(floor)
    ratio = ratio_of(ours_s, floor_s)
    return Result(REGISTER, ours_s, floor_s, ratio, REGISTER_TARGET, ratio is not None and ratio <= REGISTER_LIMIT,
                  "s", {"rows": len(rows), "columns": len(cols), "states": states, "refusals": refusals,
                        "runs": len(ours), "file_bytes": ours_bytes, "floor_file_bytes": floor_bytes,
                        "ours": "export_register(session, path, RegisterQuery()): read, mask, both sheets, "
                                "headings, column widths, fsync, rename",
                        "floor": "DataFrame of the same rows and columns, already in memory, "
                                 "to_excel(engine='openpyxl', index=False)",
                        "ours_samples": ours, "floor_samples": floor})


def run(settings: Settings) -> list[Result]:
    results = []
    # each row stands alone: a failure of one must not hide the other's numbers
    for name, target, units, measure in ((ISSUE, ISSUE_TARGET, "ms", run_issue),
                                         (REGISTER, REGISTER_TARGET, "s", run_register)):
        try:
            results.append(measure(settings))
        except Exception as exc:  # noqa: BLE001 - reported as a failed row with the traceback
            results.append(failed(name, target, units, f"{type(exc).__name__}: {exc}",
                                  traceback=traceback.format_exc()))
    return results
