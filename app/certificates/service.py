"""Issuing, voiding and printing certificates (出具证明).

Service functions take the caller's Session; the caller owns the transaction
(``with store.begin(actor) as s:``), which begins IMMEDIATE, so a serial number
is taken, written to the register and logged as one unit: after a power cut
either the certificate exists with its number or the number was never used.

A request for a kind that may not be issued (on the negative list, not on the
approved list, no longer in force, or for someone who no longer lives here)
is not an exception: it is recorded as a refusal in the same transaction and
returned, so the record survives when the caller commits. Mistakes in what was
typed (a missing field, a field too long for its printed box) raise FieldError
before anything is written or numbered.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass, field

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import extract, or_, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.certificates.catalogue import OK, ApprovedKind, Catalogues
from app.certificates.models import ISSUED, PENDING, VOIDED, Certificate, CertificatePrint, CertificateRefusal
from app.certificates.payload import make_payload, text_digest
from app.certificates.serials import format_serial, next_number, parse_serial, SerialError
from app.certificates.view import CertificateView
from app.events import canonical, head, now_text, record
from app.i18n import _
from app.masking import mask_id
from app.people.idcard import IdNumberError, sex_from_id, validate_id
from app.people.models import Resident, Role, Village, VillagerGroup
from app.people.names import NAME_MAX as NAME_MAX, clean_name, name_problem  # one rule with the register
from app.people.service import FieldError, NotFound

PURPOSE_MAX = 40
REASON_MAX = 200
CHECK_MAX = 60
NOT_RESIDENT = "not-resident"

# role -> (body in the roles register, title): who may approve. 主任 approves; the others only by delegation.
APPROVER_ROLES: dict[str, tuple[str, str]] = {
    "主任": ("村民委员会", "主任"), "副主任": ("村民委员会", "副主任"),
    "书记": ("党支部", "书记"), "委员": ("村民委员会", "委员"),
}
DELEGATE_SUFFIX = "(受委托)"

# Until the residents register has a status of its own, a note saying so marks who has left.
_MOVED = ("已迁出", "迁出", "户口迁走")
_DIED = ("已故", "去世", "死亡", "已死亡", "病故")


class CertificateError(UserError):
    """An action on a certificate that cannot be done; the message says why and what to do."""


@dataclass(frozen=True)
class Applicant:
    """Someone not in the residents register, typed in; only where the kind allows it."""

    name: str
    id_number: str = ""


@dataclass(frozen=True)
class CheckRecord:
    """Who verified the facts (核实), what they checked and against which document."""

    verifier: str
    what: str = ""
    document: str = ""


@dataclass(frozen=True)
class Approval:
    approver: str
    role: str = "主任"


@dataclass
class IssueRequest:
    kind: str  # code (SD-01) or exact Chinese name
    purpose: str
    resident_id: int | None = None
    applicant: Applicant | None = None
    fields: dict[str, str] = field(default_factory=dict)
    check: CheckRecord | None = None
    approval: Approval | None = None


@dataclass(frozen=True)
class CertificateInfo:
    id: int
    serial: str | None
    kind_code: str
    kind_name: str
    title: str
    catalogue_version: str
    resident_id: int | None
    applicant_name: str
    applicant_id_number: str
    purpose: str
    fields: dict[str, str]
    body: str
    verified_by: str
    verified_what: str
    verified_document: str
    approver: str
    approver_role: str
    state: str
    applied_on: dt.date
    due_date: dt.date | None
    issue_date: dt.date | None
    issued_at: str
    qr_payload: str
    check_code: str
    void_reason: str
    voided_at: str
    print_count: int

    @property
    def applicant_id_masked(self) -> str:
        return mask_id(self.applicant_id_number) if self.applicant_id_number else ""


@dataclass(frozen=True)
class RefusalInfo:
    id: int
    time: str
    date: dt.date
    requested: str
    kind_code: str
    reason_code: str
    reason: str
    authority: str
    applicant: str
    catalogue_version: str


@dataclass(frozen=True)
class Outcome:
    status: str  # 'issued' | 'pending' | 'refused'
    certificate: CertificateInfo | None = None
    refusal: RefusalInfo | None = None


@dataclass(frozen=True)
class PrintInfo:
    serial: str
    copy_number: int
    reprint: bool
    who: str
    time: str


@dataclass(frozen=True)
class PendingInfo:
    id: int
    kind_name: str
    applicant_name: str
    purpose: str
    applied_on: dt.date
    due_date: dt.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


# ---------------------------------------------------------------- helpers


def _clean(text: str | None) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text or "")).strip()


def _length(text: str) -> int:
    """Characters as printed: a variation selector belongs to the character before it."""
    return sum(1 for ch in text if not (0xFE00 <= ord(ch) <= 0xFE0F or 0xE0100 <= ord(ch) <= 0xE01EF))


def resident_gone(resident: Resident) -> str:
    """'moved', 'died' or '' from the residents register."""
    status = getattr(resident, "status", None)  # a register with a status column says so directly
    if status in ("moved", "died"):
        return str(status)
    note = resident.note or ""
    if any(m in note for m in _DIED):
        return "died"
    if any(m in note for m in _MOVED):
        return "moved"
    return ""


def _info(c: Certificate) -> CertificateInfo:
    return CertificateInfo(
        id=c.id, serial=c.serial, kind_code=c.kind_code, kind_name=c.kind_name, title=c.title,
        catalogue_version=c.catalogue_version, resident_id=c.resident_id, applicant_name=c.applicant_name,
        applicant_id_number=c.applicant_id_number, purpose=c.purpose, fields=json.loads(c.fields or "{}"),
        body=c.body, verified_by=c.verified_by, verified_what=c.verified_what,
        verified_document=c.verified_document, approver=c.approver, approver_role=c.approver_role, state=c.state,
        applied_on=c.applied_on, due_date=c.due_date, issue_date=c.issue_date, issued_at=c.issued_at,
        qr_payload=c.qr_payload, check_code=c.check_code, void_reason=c.void_reason, voided_at=c.voided_at,
        print_count=c.print_count)


def _refusal_info(r: CertificateRefusal) -> RefusalInfo:
    return RefusalInfo(r.id, r.time, r.date, r.requested, r.kind_code, r.reason_code, r.reason, r.authority,
                       r.applicant, r.catalogue_version)


def _village(session: Session) -> Village:
    v = session.get(Village, 1)
    if v is None:
        raise NotFound(_("还没有建立本村资料。"))
    return v


def record_refusal(session: Session, *, requested: str, reason_code: str, reason: str, authority: str = "",
                   applicant: str = "", kind_code: str = "", catalogue_version: str = "",
                   today: dt.date | None = None, now: str | None = None) -> RefusalInfo:
    r = CertificateRefusal(time=now or now_text(), date=today or dt.date.today(), requested=_clean(requested)[:128],
                           kind_code=kind_code, reason_code=reason_code, reason=reason, authority=authority,
                           applicant=applicant[:128], catalogue_version=catalogue_version)
    session.add(r)
    record(session, r, "create")
    return _refusal_info(r)


def _applicant_text(session: Session, request: IssueRequest) -> str:
    if request.resident_id is not None:
        r = session.get(Resident, request.resident_id)
        if r is not None:
            return f"{r.name} {mask_id(r.id_number)}".strip() if r.id_number else r.name
    if request.applicant is not None:
        name, number = _clean(request.applicant.name), _clean(request.applicant.id_number)
        return f"{name} {mask_id(number)}".strip() if number else name
    return ""


# ---------------------------------------------------------------- validation


def check_fields(kind: ApprovedKind, fields: dict[str, str]) -> dict[str, str]:
    """The kind's own fields, cleaned; FieldError for a missing, unknown or too long one."""
    known = {f.name for f in kind.fields}
    for name in fields:
        if name not in known:
            labels = "、".join(f"{f.name}({f.label})" for f in kind.fields) or _("无")
            raise FieldError(name, _("“{kind}”没有“{name}”这一项。可填的项:{labels}。").format(
                kind=kind.name, name=name, labels=labels))
    out: dict[str, str] = {}
    for spec in kind.fields:
        value = _clean(fields.get(spec.name, ""))
        if spec.required and not value:
            raise FieldError(spec.name, _("请填写“{label}”。").format(label=spec.label))
        if _length(value) > spec.max_len:
            raise FieldError(spec.name, _("“{label}”最多 {max} 个字,现在是 {n} 个字,打印时格子放不下。请精简后再开。").format(
                label=spec.label, max=spec.max_len, n=_length(value)))
        out[spec.name] = value
    return out


def _check_purpose(purpose: str) -> str:
    purpose = _clean(purpose)
    if not purpose:
        raise FieldError("purpose", _("请填写证明的用途,例如“办理居住证”。"))
    if _length(purpose) > PURPOSE_MAX:
        raise FieldError("purpose", _("用途最多 {max} 个字,现在是 {n} 个字。请精简后再开。").format(
            max=PURPOSE_MAX, n=_length(purpose)))
    return purpose


def _check_record(check: CheckRecord | None, kind: ApprovedKind) -> CheckRecord:
    if check is None or not _clean(check.verifier):
        raise FieldError("verifier", _("请填写核实人:是谁核实了证明的内容。"))
    what = _clean(check.what) or kind.check
    document = _clean(check.document) or (kind.materials[0] if kind.materials else "")
    if not what:
        raise FieldError("verified_what", _("请填写核实了什么内容。"))
    if not document:
        raise FieldError("verified_document", _("请填写核实依据的材料,例如“户口簿”。"))
    for name, value in (("verifier", check.verifier), ("verified_what", what), ("verified_document", document)):
        if _length(_clean(value)) > CHECK_MAX:
            raise FieldError(name, _("核实记录每项最多 {max} 个字(存根上的格子放不下更多)。").format(max=CHECK_MAX))
    return CheckRecord(_clean(check.verifier), what, document)


def role_holders(session: Session, role: str, on: dt.date) -> list[str]:
    body, title = APPROVER_ROLES[role]
    stmt = (select(Resident.name).join(Role, Role.resident_id == Resident.id)
            .where(Role.body == body, Role.title == title)
            .where(or_(Role.term_start.is_(None), Role.term_start <= on))
            .where(or_(Role.term_end.is_(None), Role.term_end >= on)))
    return list(session.scalars(stmt))


def default_approver(session: Session, on: dt.date) -> Approval | None:
    """The 村民委员会主任 in office on ``on``, from the roles register."""
    names = role_holders(session, "主任", on)
    return Approval(names[0], "主任") if names else None


def _check_approval(session: Session, approval: Approval | None, on: dt.date) -> tuple[str, str]:
    if approval is None or not _clean(approval.approver):
        raise FieldError("approver", _("请填写审批人(村民委员会主任,或受主任委托的人)。"))
    role = _clean(approval.role).removesuffix(DELEGATE_SUFFIX)
    if role not in APPROVER_ROLES:
        raise FieldError("approver_role", _("审批人职务只能是:{roles}。").format(roles="、".join(APPROVER_ROLES)))
    name = _clean(approval.approver)
    holders = role_holders(session, role, on)
    # a village that has not entered its cadres yet cannot be checked; one that has, is
    if holders and name not in holders:
        raise FieldError("approver", _("{date} 在任的{role}是{names},不是“{name}”。请核对审批人。").format(
            date=on.isoformat(), role=role, names="、".join(holders), name=name))
    return name, role if role == "主任" else role + DELEGATE_SUFFIX


# ---------------------------------------------------------------- issuing


def issue_certificate(session: Session, request: IssueRequest, *, catalogues: Catalogues,
                      signer: Ed25519PrivateKey, today: dt.date | None = None, now: str | None = None) -> Outcome:
    """Issue (on-the-spot kinds) or accept (time-limited kinds) a certificate, or record why not."""
    today = today or dt.date.today()
    now = now or now_text()
    if not _clean(request.kind):
        raise FieldError("kind", _("请选择要开的证明种类。"))
    decision = catalogues.decide(request.kind, today)
    if decision.status != OK or decision.kind is None:
        refusal = record_refusal(session, requested=request.kind, reason_code=decision.status, reason=decision.reason,
                                 authority=decision.authority, applicant=_applicant_text(session, request),
                                 catalogue_version=decision.catalogue_version, today=today, now=now)
        return Outcome("refused", refusal=refusal)
    kind = decision.kind
    purpose = _check_purpose(request.purpose)
    village = _village(session)
    values: dict[str, str] = {"village": village.name, "purpose": purpose, "group": ""}
    resident_id = None
    if request.resident_id is not None:
        r = session.get(Resident, request.resident_id)
        if r is None:
            raise NotFound(_("找不到这位村民(编号 {id}),可能已被删除。").format(id=request.resident_id))
        gone = resident_gone(r)
        if kind.requires_residence and gone:
            why = (_("“{name}”在村民名册里登记为已去世,不能出具“{kind}”。") if gone == "died"
                   else _("“{name}”在村民名册里登记为已迁出,“{kind}”只能为本村现住村民出具。")).format(
                name=r.name, kind=kind.name)
            refusal = record_refusal(session, requested=request.kind, reason_code=NOT_RESIDENT, reason=why,
                                     authority=_("迁出的,请到现居住地的村(居)委会或有关部门办理。"),
                                     applicant=_applicant_text(session, request), kind_code=kind.code,
                                     catalogue_version=decision.catalogue_version, today=today, now=now)
            return Outcome("refused", refusal=refusal)
        group = session.get(VillagerGroup, r.group_id) if r.group_id else None
        values.update(name=r.name, id_number=r.id_number or "", sex=r.sex or "", group=group.name if group else "")
        resident_id = r.id
    elif request.applicant is not None:
        if not kind.allows_non_resident:
            raise FieldError("applicant", _("“{kind}”只能为本村村民出具,请从村民名册里选择申请人。").format(kind=kind.name))
        name = clean_name(request.applicant.name)
        number = ""
        if _clean(request.applicant.id_number):
            try:
                number = validate_id(request.applicant.id_number)
            except IdNumberError as exc:
                raise FieldError("id_number", str(exc)) from exc
        values.update(name=name, id_number=number, sex=sex_from_id(number) if number else "")
    else:
        raise FieldError("applicant", _("请选择申请人(从村民名册里选,或在允许时填写外来人员的姓名和身份证号)。"))
    if not values["name"]:
        raise FieldError("name", _("请填写申请人姓名。"))
    problem = name_problem(values["name"])  # the residents register's rule (app.people.names)
    if problem is not None:
        raise FieldError("name", _("{reason}。{fix}。").format(reason=problem[0], fix=problem[1]))
    used = set(kind.placeholders())
    if "id_number" in used and not values["id_number"]:
        raise FieldError("id_number", _("“{kind}”上要写申请人的公民身份号码,但没有登记。请先在村民名册里补上身份证号。").format(
            kind=kind.name))
    if "sex" in used and not values["sex"]:
        raise FieldError("sex", _("“{kind}”上要写申请人的性别,请填写身份证号。").format(kind=kind.name))
    own = check_fields(kind, request.fields)
    values.update(own)
    body = kind.render(values)
    if kind.on_the_spot:
        check = _check_record(request.check, kind)
        approver, role = _check_approval(session, request.approval, today)

    cert = Certificate(
        kind_code=kind.code, kind_name=kind.name, kind_short=kind.short, title=kind.title,
        catalogue_version=decision.catalogue_version, resident_id=resident_id, applicant_name=values["name"],
        applicant_id_number=values["id_number"], purpose=purpose, fields=canonical(values), body=body,
        state=PENDING, applied_on=today, due_date=None if kind.on_the_spot else kind.due_date(today),
        issue_date=None, issued_at="", qr_payload="", check_code="", void_reason="", voided_at="", print_count=0)
    if not kind.on_the_spot:
        session.add(cert)
        record(session, cert, "create")
        return Outcome("pending", certificate=_info(cert))
    _issue(session, cert, village, check, approver, role, signer, today, now)
    session.add(cert)
    record(session, cert, "create")
    return Outcome("issued", certificate=_info(cert))


def _issue(session: Session, cert: Certificate, village: Village, check: CheckRecord, approver: str, role: str,
           signer: Ed25519PrivateKey, today: dt.date, now: str) -> None:
    number = next_number(session, today.year, cert.kind_short)
    serial = format_serial(today.year, cert.kind_short, number)
    digest = text_digest(title=cert.title, body=cert.body, applicant_name=cert.applicant_name, purpose=cert.purpose)
    payload, code = make_payload(signer, village_code=village.code, serial=serial, kind_code=cert.kind_code,
                                 issue_date=today, applicant_name=cert.applicant_name, digest=digest)
    cert.serial, cert.year, cert.number = serial, today.year, number
    cert.verified_by, cert.verified_what, cert.verified_document = check.verifier, check.what, check.document
    cert.approver, cert.approver_role = approver, role
    cert.state, cert.issue_date, cert.issued_at = ISSUED, today, now
    cert.qr_payload, cert.check_code = payload, code


def complete_pending(session: Session, certificate_id: int, *, check: CheckRecord | None, approval: Approval | None,
                     catalogues: Catalogues, signer: Ed25519PrivateKey, today: dt.date | None = None,
                     now: str | None = None) -> CertificateInfo:
    """Issue a time-limited certificate accepted earlier: verification and approval now, then its number."""
    today = today or dt.date.today()
    cert = session.get(Certificate, certificate_id)
    if cert is None or cert.state != PENDING:
        raise CertificateError(_("受理号 {id} 不是待办的证明(可能已经开具或已撤销)。").format(id=certificate_id))
    kind = next((k for lst in reversed(catalogues.approved) for k in lst.items
                 if k.code == cert.kind_code and lst.version == cert.catalogue_version), None)
    if kind is None:  # the catalogue it was accepted under is gone: the defaults come from the row alone
        kind = catalogues.find_approved(cert.kind_code, today)
    checked = _check_record(check, kind) if kind else _check_record(check, _fallback_kind(cert))
    approver, role = _check_approval(session, approval, today)
    _issue(session, cert, _village(session), checked, approver, role, signer, today, now or now_text())
    record(session, cert, "update")
    return _info(cert)


def _fallback_kind(cert: Certificate) -> ApprovedKind:
    return ApprovedKind(code=cert.kind_code, name=cert.kind_name, title=cert.title, short=cert.kind_short,
                        purpose="", legal_basis="", materials=(), check="", mode="time_limited", days=1,
                        working_days=False, requires_residence=False, allows_non_resident=False, fields=(),
                        template="", print_full=frozenset())


def cancel_pending(session: Session, certificate_id: int, reason: str, *, now: str | None = None) -> CertificateInfo:
    """Close an accepted application without issuing it (facts could not be verified): no number is used."""
    cert = session.get(Certificate, certificate_id)
    if cert is None or cert.state != PENDING:
        raise CertificateError(_("受理号 {id} 不是待办的证明。").format(id=certificate_id))
    cert.state, cert.void_reason, cert.voided_at = VOIDED, _reason(reason), now or now_text()
    record(session, cert, "update")
    return _info(cert)


def _reason(reason: str) -> str:
    reason = _clean(reason)
    if not reason:
        raise FieldError("reason", _("请写明作废的原因。"))
    if _length(reason) > REASON_MAX:
        raise FieldError("reason", _("原因最多 {max} 个字。").format(max=REASON_MAX))
    return reason


def _by_serial(session: Session, serial: str) -> Certificate:
    try:
        text = str(parse_serial(serial))
    except SerialError as exc:
        raise NotFound(str(exc)) from exc
    cert = session.scalar(select(Certificate).where(Certificate.serial == text))
    if cert is None:
        raise NotFound(_("台账里没有编号为 {serial} 的证明。").format(serial=text))
    return cert


def get_certificate(session: Session, serial: str) -> CertificateInfo:
    return _info(_by_serial(session, serial))


def void_certificate(session: Session, serial: str, reason: str, *, now: str | None = None) -> CertificateInfo:
    """Void an issued certificate. The number stays used; the register shows it voided and why."""
    cert = _by_serial(session, serial)
    if cert.state == VOIDED:
        raise CertificateError(_("{serial} 已于 {time} 作废,原因:{reason}。").format(
            serial=cert.serial, time=cert.voided_at[:10], reason=cert.void_reason))
    cert.state, cert.void_reason, cert.voided_at = VOIDED, _reason(reason), now or now_text()
    record(session, cert, "update")
    return _info(cert)


def record_print(session: Session, serial: str, *, who: str | None = None, now: str | None = None) -> PrintInfo:
    """Log one print (who, when). Every print after the first is a reprint (补打)."""
    cert = _by_serial(session, serial)
    if cert.state != ISSUED:
        raise CertificateError(_("{serial} 已作废,不能打印或补打。").format(serial=cert.serial))
    cert.print_count += 1
    who = who or str(session.info.get("actor", "系统"))
    p = CertificatePrint(certificate_id=cert.id, serial=cert.serial or "", who=who, time=now or now_text(),
                         reprint=cert.print_count > 1, copy_number=cert.print_count)
    session.add(p)
    record(session, cert, "update")
    record(session, p, "create")
    return PrintInfo(p.serial, p.copy_number, p.reprint, p.who, p.time)


def print_certificate(session: Session, serial: str, *, who: str | None = None,
                      now: str | None = None) -> CertificateView:
    """Log a print and return what to print; call inside the transaction that writes the file."""
    record_print(session, serial, who=who, now=now)
    return certificate_view(session, serial)


def certificate_view(session: Session, serial: str) -> CertificateView:
    cert = _by_serial(session, serial)
    village = _village(session)
    seq, h = head(session)
    id_masked = mask_id(cert.applicant_id_number) if cert.applicant_id_number else ""
    approver = f"{cert.approver}({cert.approver_role})" if cert.approver_role else cert.approver
    # the printout adds serial, kind, applicant, date, purpose, verifier and approver itself
    stub = [
        (_("公民身份号码"), id_masked), (_("核实内容"), cert.verified_what),
        (_("核实依据"), cert.verified_document), (_("目录版本"), cert.catalogue_version),
    ]
    return CertificateView(
        village_name=village.name, village_code=village.code, serial=cert.serial or "", kind_name=cert.kind_name,
        title=cert.title, body=cert.body, applicant_name=cert.applicant_name, purpose=cert.purpose,
        issue_date=cert.issue_date or cert.applied_on, verifier=cert.verified_by, approver=approver,
        qr_payload=cert.qr_payload, check_code=cert.check_code, reprint=cert.print_count > 1,
        print_count=cert.print_count, chain_head=_("第 {seq} 号 · {hash}").format(seq=seq, hash=h[:8]),
        stub_lines=stub, applicant_id_number=cert.applicant_id_number or "")


# ---------------------------------------------------------------- lists


def list_pending(session: Session, *, today: dt.date | None = None) -> list[PendingInfo]:
    """Time-limited certificates waiting to be issued, the most urgent first (the home screen shows them)."""
    today = today or dt.date.today()
    rows = session.scalars(select(Certificate).where(Certificate.state == PENDING)
                           .order_by(Certificate.due_date, Certificate.id))
    return [PendingInfo(c.id, c.kind_name, c.applicant_name, c.purpose, c.applied_on, c.due_date or c.applied_on,
                        ((c.due_date or c.applied_on) - today).days) for c in rows]


def list_refusals(session: Session, *, year: int | None = None) -> list[RefusalInfo]:
    stmt = select(CertificateRefusal).order_by(CertificateRefusal.id)
    if year is not None:
        stmt = stmt.where(extract("year", CertificateRefusal.date) == year)
    return [_refusal_info(r) for r in session.scalars(stmt)]


def find_resident_by_id_number(session: Session, id_number: str) -> int:
    try:
        number = validate_id(id_number)
    except IdNumberError as exc:
        raise FieldError("id_number", str(exc)) from exc
    rid = session.scalar(select(Resident.id).where(Resident.id_number == number))
    if rid is None:
        raise NotFound(_("村民名册里没有身份证号为 {id} 的人。外来人员请用 --applicant-name 和 --applicant-id。").format(
            id=mask_id(number)))
    return int(rid)
