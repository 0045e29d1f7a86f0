"""What the certificate screen asks of the core, one function per user action.

These run inside the operations of ui.operations on a worker (never on the GUI
thread): most are given the operation's session; the ones that print are given
the store, since printing opens its own transaction (print_after_commit). They
return plain values: the core's frozen dataclasses or the ones below, never ORM
objects. Nothing here imports Qt and nothing here opens a session.

A certificate's PDF is rendered inside the transaction that numbers it (or logs
its print) to a temporary file and renamed after the commit, as the command
line does: a power cut can leave a numbered certificate without a file (it is
reprinted), never a printed certificate whose number was not kept.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.certificates.catalogue import CATALOGUE_DIR, CatalogueError, Catalogues, load_catalogues
from app.certificates.payload import Verification
from app.certificates.register import (RegisterQuery, RegisterRow, count_register, export_register, print_log,
                                       print_rows, register_years, search_register, verify_with_store)
from app.certificates.service import (Approval, CertificateInfo, CheckRecord, IssueRequest, Outcome, PendingInfo,
                                      cancel_pending, complete_pending, default_approver, issue_certificate,
                                      list_pending, print_certificate, void_certificate)
from app.certificates.view import CertificateView
from app.i18n import _
from app.people.service import ResidentQuery, ResidentRow, search_residents
from app.storage import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

OUTPUT_DIR = "certificates"
RESIDENT_MATCHES = 30


@dataclass(frozen=True)
class Context:
    """What the issue tab needs before the clerk can start: the lists in force and the usual approver."""

    today: dt.date
    catalogues: Catalogues | None
    catalogue_error: str
    approver: Approval | None
    years: list[int]
    received_dir: str = ""  # where catalogues received from the township go (DATA_DIR/catalogues)


@dataclass(frozen=True)
class Printed:
    """A certificate written to a PDF: what was printed and where the file is."""

    certificate: CertificateInfo | None
    serial: str
    check_code: str
    print_count: int
    reprint: bool
    path: Path


@dataclass(frozen=True)
class IssueResult:
    outcome: Outcome
    printed: Printed | None = None


@dataclass(frozen=True)
class RegisterPage:
    total: int
    rows: list[RegisterRow]


@dataclass(frozen=True)
class PrintLine:
    copy_number: int
    reprint: bool
    who: str
    time: str


@dataclass(frozen=True)
class Details:
    """The selected register row's print log (who printed it, when)."""

    serial: str
    prints: list[PrintLine] = field(default_factory=list)


# ---------------------------------------------------------------- defaults


def default_verifier(actor: str) -> str:
    """Who verified, unless the clerk says otherwise: the program's user who logged in. Without one
    (no users added yet) the field starts empty for the clerk to fill: the computer's account name
    (Administrator, user) says nothing of who checked the facts."""
    return actor if actor and actor != "系统" else ""


def output_dir(data_dir: Path) -> Path:
    """Where printed certificates and registers are kept: the data directory, so backups include them."""
    folder = data_dir / OUTPUT_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:  # a read-only data directory (a copy on a CD, say): a temporary folder still prints
        folder = Path(tempfile.gettempdir()) / "cunwu-certificates"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def certificate_file(folder: Path, view: CertificateView) -> Path:
    if view.reprint:
        return folder / _("{serial}-补打{n}.pdf").format(serial=view.serial, n=view.print_count)
    return folder / "{serial}.pdf".format(serial=view.serial)


# ---------------------------------------------------------------- reading


def load_context(s: Session, data_dir: Path) -> Context:
    today = dt.date.today()
    try:
        catalogues: Catalogues | None = load_catalogues(data_dir)
        error = ""
    except CatalogueError as exc:
        catalogues, error = None, str(exc)
    return Context(today, catalogues, error, default_approver(s, today), register_years(s),
                   str(data_dir / CATALOGUE_DIR))


def find_residents(s: Session, text: str) -> list[ResidentRow]:
    return search_residents(s, ResidentQuery(text=text), limit=RESIDENT_MATCHES)


def read_pending(s: Session) -> list[PendingInfo]:
    return list_pending(s)


def read_register(store: Store, query: RegisterQuery, offset: int, limit: int) -> RegisterPage:
    """One page of the register, read inside the paged model's task (on its worker)."""
    from ui.operations import read_now

    def page(s: Session) -> RegisterPage:
        total = count_register(s, query) if offset == 0 else -1
        return RegisterPage(total, search_register(s, query, offset=offset, limit=limit))

    return read_now(store, page)


def read_details(s: Session, certificate_id: int, serial: str) -> Details:
    return Details(serial, [PrintLine(p.copy_number, p.reprint, p.who, p.time) for p in print_log(s, certificate_id)])


def verify(s: Session, data_dir: Path, text: str) -> Verification:
    return verify_with_store(s, data_dir, text)


# ---------------------------------------------------------------- writing


def _render_in(store: Store, actor: str, work: Callable[[Any], tuple[Any, CertificateView | None]]
               ) -> tuple[Any, Printed | None]:
    """Run ``work(session)`` and print what it returns into the certificates folder (print_after_commit)."""
    from app.certificates.printing import print_after_commit

    folder = output_dir(store.data_dir)
    result, view, path = print_after_commit(store, actor, work, lambda v: certificate_file(folder, v))
    if view is None or path is None:
        return result, None
    return result, Printed(None, view.serial, view.check_code, view.print_count, view.reprint, path)


def issue(store: Store, actor: str, request: IssueRequest, catalogues: Catalogues,
          today: dt.date | None = None) -> IssueResult:
    """Issue and print (on-the-spot kinds), accept (time-limited kinds), or record a refusal."""
    from app.keys import ensure_village_key

    key = ensure_village_key(store.data_dir)
    who = actor

    def work(s: Any) -> tuple[Outcome, CertificateView | None]:
        outcome = issue_certificate(s, request, catalogues=catalogues, signer=key, today=today)
        c = outcome.certificate
        if outcome.status == "issued" and c is not None and c.serial:
            return outcome, print_certificate(s, c.serial, who=who)
        return outcome, None

    outcome, printed = _render_in(store, actor, work)
    if printed is not None:
        printed = Printed(outcome.certificate, printed.serial, printed.check_code, printed.print_count,
                          printed.reprint, printed.path)
    return IssueResult(outcome, printed)


def record_refusal(s: Session, data_dir: Path, request: IssueRequest, catalogues: Catalogues,
                   today: dt.date | None = None) -> Outcome:
    """Record why a kind cannot be issued, the way the command line does: by asking for it.

    Only ever called for a kind the catalogues refuse on ``today``, so nothing can be numbered.
    """
    from app.keys import ensure_village_key

    today = today or dt.date.today()
    if catalogues.decide(request.kind, today).allowed:
        raise ValueError("record_refusal called for a kind that may be issued")
    key = ensure_village_key(data_dir)
    return issue_certificate(s, request, catalogues=catalogues, signer=key, today=today)


def complete(store: Store, actor: str, certificate_id: int, check: CheckRecord, approval: Approval,
             catalogues: Catalogues, today: dt.date | None = None) -> Printed:
    from app.keys import ensure_village_key

    key = ensure_village_key(store.data_dir)

    def work(s: Any) -> tuple[CertificateInfo, CertificateView]:
        c = complete_pending(s, certificate_id, check=check, approval=approval, catalogues=catalogues,
                             signer=key, today=today)
        return c, print_certificate(s, c.serial or "", who=actor)

    c, printed = _render_in(store, actor, work)
    assert printed is not None
    return Printed(c, printed.serial, printed.check_code, printed.print_count, printed.reprint, printed.path)


def reprint(store: Store, actor: str, serial: str) -> Printed:
    def work(s: Any) -> tuple[CertificateView, CertificateView]:
        view = print_certificate(s, serial, who=actor)
        return view, view

    _view, printed = _render_in(store, actor, work)
    assert printed is not None
    return printed


def void(s: Session, serial: str, reason: str) -> CertificateInfo:
    return void_certificate(s, serial, reason)


def cancel(s: Session, certificate_id: int, reason: str) -> CertificateInfo:
    return cancel_pending(s, certificate_id, reason)


def export(s: Session, path: Path, query: RegisterQuery) -> int:
    return export_register(s, path, query)


def print_register(s: Session, data_dir: Path, query: RegisterQuery) -> tuple[Path, int]:
    """The register as a table on A4 landscape, written to the output folder."""
    from app.certificates.printing import render_register

    folder = output_dir(data_dir)
    title, rows, columns = print_rows(s, query)
    path = folder / _("证明台账-{time}.pdf").format(time=dt.datetime.now().strftime("%Y%m%d-%H%M%S"))
    render_register(path, title, rows, columns)
    return path, len(rows)
