"""What the certificate screen asks of the core, one function per user action.

These run inside the operations of ui.operations on a worker (never on the GUI
thread): most are given the operation's session; the ones that print are given
the store, since printing opens its own transaction (print_after_commit). They
return plain values: the core's frozen dataclasses or the ones below, never ORM
objects. Nothing here imports Qt and nothing here opens a session.

Before a certificate is numbered the clerk sees it as a 样张 (:func:`specimen`): the
issuing runs in a transaction that is rolled back, so the 样张 is the very page that
will be printed and nothing is numbered or recorded until the clerk confirms. Then
:func:`issue` numbers it and keeps its PDF in the certificates folder (rendered inside
that transaction to a temporary file and renamed after the commit, as the command line
does), and the screen sends the same page to the printer; the print is logged
(:func:`log_print`) only when the printer took it. A certificate the printer did not print
stays issued with no print logged: the register shows it 待补打 and 补打 prints it. A
power cut can leave a numbered certificate not yet printed, never a printed certificate
whose number was not kept.
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
from app.printing.document import Printout
from app.certificates.register import (RegisterQuery, RegisterRow, count_register, export_register, print_log,
                                       print_rows, register_years, search_register, verify_with_store)
from app.certificates.service import (Approval, CertificateInfo, CheckRecord, IssueRequest, Outcome, PendingInfo,
                                      cancel_pending, certificate_view, complete_pending, default_approver,
                                      issue_certificate, list_pending, print_certificate, record_print,
                                      void_certificate)
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
    printout: Printout | None = None
    """The page as written to ``path``: what the screen sends to the printer."""


@dataclass(frozen=True)
class IssueResult:
    outcome: Outcome
    printed: Printed | None = None


@dataclass(frozen=True)
class Specimen:
    """What issuing would give, nothing kept: the outcome and, for a certificate, its 样张."""

    outcome: Outcome
    printout: Printout | None


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
    from app.certificates.printing import certificate_printout, print_after_commit

    folder = output_dir(store.data_dir)
    result, view, path = print_after_commit(store, actor, work, lambda v: certificate_file(folder, v))
    if view is None or path is None:
        return result, None
    return result, Printed(None, view.serial, view.check_code, view.print_count, view.reprint, path,
                           certificate_printout(view))


def specimen(store: Store, actor: str, request: IssueRequest, catalogues: Catalogues,
             today: dt.date | None = None) -> Specimen:
    """The 样张 of what :func:`issue` would issue, with nothing kept: no serial used, nothing recorded.

    A refusal or an accepted time-limited application gives no 样张 (``printout`` None): the screen
    then calls :func:`issue`, which records it. A field typed wrong, a character no font has or a text
    too long for the page raises here, before anything is numbered.
    """
    from app.certificates.printing import specimen_before_commit
    from app.keys import ensure_village_key

    key = ensure_village_key(store.data_dir)

    def work(s: Any) -> tuple[Outcome, CertificateView | None]:
        outcome = issue_certificate(s, request, catalogues=catalogues, signer=key, today=today)
        c = outcome.certificate
        if outcome.status == "issued" and c is not None and c.serial:
            return outcome, certificate_view(s, c.serial)
        return outcome, None

    outcome, printout = specimen_before_commit(store, actor, work)
    return Specimen(outcome, printout)


def completion_specimen(store: Store, actor: str, certificate_id: int, check: CheckRecord, approval: Approval,
                        catalogues: Catalogues, today: dt.date | None = None) -> Printout | None:
    """The 样张 of a pending certificate as :func:`complete` would issue it, nothing kept."""
    from app.certificates.printing import specimen_before_commit
    from app.keys import ensure_village_key

    key = ensure_village_key(store.data_dir)

    def work(s: Any) -> tuple[CertificateInfo, CertificateView]:
        c = complete_pending(s, certificate_id, check=check, approval=approval, catalogues=catalogues,
                             signer=key, today=today)
        return c, certificate_view(s, c.serial or "")

    return specimen_before_commit(store, actor, work)[1]


def log_print(s: Session, serial: str, who: str) -> None:
    """Log the print of a certificate the printer took (the first copy of a new one)."""
    record_print(s, serial, who=who)


def issue(store: Store, actor: str, request: IssueRequest, catalogues: Catalogues,
          today: dt.date | None = None) -> IssueResult:
    """Issue (on-the-spot kinds), accept (time-limited kinds), or record a refusal.

    An issued certificate's PDF is kept in the certificates folder and its page comes back in
    ``printed.printout`` for the printer; its print is logged by :func:`log_print` once the printer took it.
    """
    from app.keys import ensure_village_key

    key = ensure_village_key(store.data_dir)

    def work(s: Any) -> tuple[Outcome, CertificateView | None]:
        outcome = issue_certificate(s, request, catalogues=catalogues, signer=key, today=today)
        c = outcome.certificate
        if outcome.status == "issued" and c is not None and c.serial:
            return outcome, certificate_view(s, c.serial)
        return outcome, None

    outcome, kept = _render_in(store, actor, work)
    if kept is not None:
        kept = Printed(outcome.certificate, kept.serial, kept.check_code, kept.print_count, kept.reprint,
                       kept.path, kept.printout)
    return IssueResult(outcome, kept)


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
        return c, certificate_view(s, c.serial or "")

    c, kept = _render_in(store, actor, work)
    assert kept is not None
    return Printed(c, kept.serial, kept.check_code, kept.print_count, kept.reprint, kept.path, kept.printout)


def reprint_page(store: Store, actor: str, serial: str) -> Printout:
    """The page :func:`reprint` will print (补打, its copy number), nothing logged yet."""
    from app.certificates.printing import specimen_before_commit

    def work(s: Any) -> tuple[CertificateView, CertificateView]:
        view = print_certificate(s, serial, who=actor)
        return view, view

    page = specimen_before_commit(store, actor, work, specimen=False)[1]
    assert page is not None
    return page


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


def register_printout(s: Session, query: RegisterQuery) -> tuple[Printout, int]:
    """The register as a table on A4 landscape, for the preview; and how many certificates it lists."""
    from app.certificates.printing import register_printout as laid_out

    title, rows, columns = print_rows(s, query)
    return laid_out(title, rows, columns), len(rows)


def register_file_name() -> str:
    return _("证明台账-{time}.pdf").format(time=dt.datetime.now().strftime("%Y%m%d-%H%M%S"))
