"""The certificate register (台账): search, Excel export for the township, print rows, and
verification of a QR text against the village's register (the hub's own: app.hub.verify).

ID numbers are masked in everything that leaves the office: the export travels
on USB sticks, which get lost.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import and_, extract, func, or_, select
from sqlalchemy.orm import Session

from app.certificates.models import ISSUED, PENDING, VOIDED, Certificate, CertificateRefusal
from app.certificates.payload import (RegisterFacts, Verification, key_id, text_digest, typed_check_code,
                                      verify_check_code, verify_payload)
from app.i18n import _
from app.masking import mask_id
from app.people.models import Village
from app.searchtext import also_searched
from app.text import normalize_text


def state_label(state: str) -> str:
    return {ISSUED: _("已开具"), PENDING: _("待办"), VOIDED: _("已作废")}.get(state, state)


@dataclass
class RegisterQuery:
    kind: str = ""       # kind code, exact name or serial short (居住)
    year: int | None = None
    applicant: str = ""  # part of a name, an ID number, the kind or the purpose (用途)
    state: str = ""      # issued | pending | voided

    @property
    def also_searched(self) -> tuple[str, ...]:
        """The other words looked for in the kind and the purpose: 最低生活保障 for 低保 (app.searchtext)."""
        return also_searched(normalize_text(self.applicant or "").strip())


@dataclass(frozen=True)
class RegisterRow:
    id: int
    serial: str
    kind_code: str
    kind_name: str
    applicant_name: str
    applicant_id_masked: str
    purpose: str
    state: str
    applied_on: dt.date
    due_date: dt.date | None
    issue_date: dt.date | None
    verified_by: str
    verified_what: str
    verified_document: str
    approver: str
    approver_role: str
    print_count: int
    void_reason: str
    catalogue_version: str

    @property
    def state_label(self) -> str:
        if self.state == ISSUED and self.serial and self.print_count == 0:
            # numbered, but no copy reached the printer yet: 补打 prints it (docs/certificates.md §4.1)
            return _("已开具,待补打")
        return state_label(self.state)


def _filtered(q: RegisterQuery):  # type: ignore[no-untyped-def]
    stmt = select(Certificate)
    kind = (q.kind or "").strip()
    if kind:
        stmt = stmt.where(or_(func.upper(Certificate.kind_code) == kind.upper(), Certificate.kind_name == kind,
                              Certificate.kind_short == kind, Certificate.title == kind))
    if q.year is not None:
        stmt = stmt.where(or_(Certificate.year == q.year,
                              and_(Certificate.year.is_(None), extract("year", Certificate.applied_on) == q.year)))
    text = normalize_text(q.applicant or "").strip().upper()
    if text:
        like = f"%{text}%"
        words = [like, *(f"%{w}%" for w in q.also_searched)]  # 低保 also finds 申请最低生活保障
        stmt = stmt.where(or_(Certificate.applicant_name.like(like), Certificate.applicant_id_number.like(like),
                              *(Certificate.kind_name.like(w) for w in words),
                              *(Certificate.purpose.like(w) for w in words)))
    if q.state:
        stmt = stmt.where(Certificate.state == q.state)
    return stmt


def _row(c: Certificate) -> RegisterRow:
    return RegisterRow(
        id=c.id, serial=c.serial or "", kind_code=c.kind_code, kind_name=c.kind_name,
        applicant_name=c.applicant_name,
        applicant_id_masked=mask_id(c.applicant_id_number) if c.applicant_id_number else "", purpose=c.purpose,
        state=c.state, applied_on=c.applied_on, due_date=c.due_date, issue_date=c.issue_date,
        verified_by=c.verified_by, verified_what=c.verified_what, verified_document=c.verified_document,
        approver=c.approver, approver_role=c.approver_role, print_count=c.print_count, void_reason=c.void_reason,
        catalogue_version=c.catalogue_version)


def count_register(session: Session, q: RegisterQuery | None = None) -> int:
    stmt = select(func.count()).select_from(_filtered(q or RegisterQuery()).subquery())
    return int(session.scalar(stmt) or 0)


def search_register(session: Session, q: RegisterQuery | None = None, *, offset: int = 0,
                    limit: int = 500) -> list[RegisterRow]:
    """Register rows in the order they were issued; pending ones (no number yet) last."""
    stmt = _filtered(q or RegisterQuery()).order_by(
        Certificate.serial.is_(None), Certificate.issue_date, Certificate.issued_at, Certificate.id)
    return [_row(c) for c in session.scalars(stmt.offset(offset).limit(limit))]


def register_years(session: Session) -> list[int]:
    years = session.scalars(select(Certificate.year).where(Certificate.year.is_not(None)).distinct())
    return sorted(int(y) for y in years)


# ---------------------------------------------------------------- export and print

def register_columns() -> list[tuple[str, str]]:
    """(key, header) of the register as exported and printed."""
    return [
        ("serial", _("编号")), ("kind_name", _("证明种类")), ("applicant_name", _("申请人")),
        ("applicant_id_masked", _("公民身份号码(已遮盖)")), ("purpose", _("用途")), ("state", _("状态")),
        ("applied_on", _("受理日期")), ("due_date", _("应办结日期")), ("issue_date", _("开具日期")),
        ("verified_by", _("核实人")), ("verified_what", _("核实内容")), ("verified_document", _("核实依据")),
        ("approver", _("审批人")), ("print_count", _("打印次数")), ("void_reason", _("作废原因")),
        ("catalogue_version", _("目录版本")),
    ]


def print_columns() -> list[tuple[str, str]]:
    """The narrower set that fits an A4 landscape page."""
    keep = ("serial", "kind_name", "applicant_name", "applicant_id_masked", "purpose", "issue_date",
            "verified_by", "approver", "print_count", "state", "void_reason")
    cols = dict(register_columns())
    return [(k, cols[k]) for k in keep]


def row_dict(row: RegisterRow) -> dict[str, Any]:
    approver = f"{row.approver}({row.approver_role})" if row.approver_role else row.approver
    return {
        "serial": row.serial or _("(待办,未编号)"), "kind_name": row.kind_name, "applicant_name": row.applicant_name,
        "applicant_id_masked": row.applicant_id_masked, "purpose": row.purpose, "state": row.state_label,
        "applied_on": row.applied_on, "due_date": row.due_date, "issue_date": row.issue_date,
        "verified_by": row.verified_by, "verified_what": row.verified_what,
        "verified_document": row.verified_document, "approver": approver, "print_count": row.print_count,
        "void_reason": row.void_reason, "catalogue_version": row.catalogue_version, "voided": row.state == VOIDED,
    }


def register_title(session: Session, q: RegisterQuery) -> str:
    v = session.get(Village, 1)
    name = v.name if v else ""
    if q.year is not None:
        return _("{village}出具证明台账({year}年)").format(village=name, year=q.year)
    return _("{village}出具证明台账").format(village=name)


def print_rows(session: Session, q: RegisterQuery | None = None) -> tuple[str, list[dict[str, Any]],
                                                                           list[tuple[str, str]]]:
    """(title, rows, columns) for printing the register as a table."""
    q = q or RegisterQuery()
    rows = [row_dict(r) for r in search_register(session, q, limit=1_000_000)]
    return register_title(session, q), rows, print_columns()


def export_register(session: Session, path: Path, q: RegisterQuery | None = None) -> int:
    """Write the register and the refusals to an Excel workbook for the township; returns the rows written.
    Every text lands as text (app.workbook): a purpose typed as =HYPERLINK(...) never becomes a formula."""
    from app.workbook import Sheet, write_workbook

    q = q or RegisterQuery()
    village = session.get(Village, 1)
    cols = register_columns()
    rows = [row_dict(r) for r in search_register(session, q, limit=1_000_000)]
    refusals_stmt = select(CertificateRefusal).order_by(CertificateRefusal.id)
    if q.year is not None:
        refusals_stmt = refusals_stmt.where(extract("year", CertificateRefusal.date) == q.year)
    ref_cols = [_("日期"), _("申请的证明"), _("申请人"), _("原因"), _("应去办理的部门"), _("目录版本")]
    refusals = [[r.date, r.requested, r.applicant, r.reason, r.authority, r.catalogue_version]
                for r in session.scalars(refusals_stmt)]
    heading = [register_title(session, q),
               _("统一社会信用代码:{code} 导出时间:{time} 身份证号已遮盖").format(
                   code=village.code if village else "", time=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))]
    write_workbook(Path(path), [
        Sheet(_("证明台账"), [h for _k, h in cols], [[r[k] for k, _h in cols] for r in rows], above=heading,
              landscape=True),
        Sheet(_("拒绝开具记录"), ref_cols, refusals, above=heading, landscape=True)])
    return len(rows)


# ---------------------------------------------------------------- verification against a register


def facts_from(content: dict[str, Any], village_name: str) -> RegisterFacts:
    issue = content.get("issue_date")
    return RegisterFacts(
        state=str(content.get("state", "")),
        digest=text_digest(title=content.get("title", ""), body=content.get("body", ""),
                           applicant_name=content.get("applicant_name", ""), purpose=content.get("purpose", "")),
        kind_name=str(content.get("kind_name", "")), applicant_name=str(content.get("applicant_name", "")),
        purpose=str(content.get("purpose", "")), issue_date=dt.date.fromisoformat(issue) if issue else None,
        void_reason=str(content.get("void_reason", "")), village_name=village_name)


def register_facts(session: Session, serial: str) -> RegisterFacts | None:
    c = session.scalar(select(Certificate).where(Certificate.serial == serial))
    if c is None:
        return None
    v = session.get(Village, 1)
    return facts_from(c.to_record(), v.name if v else "")


def verify_with_store(session: Session, data_dir: Path, text: str) -> Verification:
    """Verify on the village's own store: its key, and its register for voided serials.

    ``text`` is the QR text, or the six-character 核验码 printed beside it: that is looked up in the
    register and the certificate found is checked as its QR text is.
    """
    from app.keys import load_village_key

    code = typed_check_code(text)
    if code is not None:
        def find(c: str) -> list[str]:
            return list(session.scalars(select(Certificate.qr_payload).where(
                Certificate.check_code == c, Certificate.serial.is_not(None), Certificate.qr_payload != "")))

        return verify_check_code(code, find, lambda payload: verify_with_store(session, data_dir, payload),
                                 where=_("本村台账"))
    village = session.get(Village, 1)
    public = load_village_key(data_dir).public_key()
    own = village.code if village else None
    return verify_payload(
        text, lambda code: public if code == own else None,
        lambda code, serial: register_facts(session, serial) if code == own else None,
        register_complete=True, village_name=village.name if village else "")


@dataclass(frozen=True)
class PrintRecord:
    """One printing of a certificate: which copy, whether it was a reprint, who printed it and when."""

    copy_number: int
    reprint: bool
    who: str
    time: str


def print_log(session: Session, certificate_id: int) -> list[PrintRecord]:
    """Every printing of one certificate, the first copy first (the register's details pane)."""
    from app.certificates.models import CertificatePrint

    rows = session.scalars(select(CertificatePrint).where(CertificatePrint.certificate_id == certificate_id)
                           .order_by(CertificatePrint.copy_number))
    return [PrintRecord(p.copy_number, p.reprint, p.who, p.time) for p in rows]
