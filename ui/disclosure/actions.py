"""What the 村务公开 screen asks of the core, one function per user action.

These run inside the operations of ui.operations on a worker, given the operation's
session (one transaction for a write), and return plain
values (the core's frozen dataclasses or the ones below), never ORM objects.
Nothing here imports Qt.

The calendar starts where the village's record starts (calendar.py, ``since``),
so a village that begins keeping its notices here is not shown a year of
"overdue" postings that were made on paper before; and it judges each period by
the catalogue version in force on its last day, so a half-year posted under an
older version is not asked for again as quarters.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.disclosure.calendar import CalendarEntry
from app.disclosure.catalogue import Catalogue, CatalogueError
from app.disclosure.service import NoticeDraft, NoticeInfo, NoticeQuery, NoticeSummary
from app.disclosure.view import NoticeView
from app.i18n import _
from app.storage import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.printing.document import Printout

OUTPUT_DIR = "notices"
SUPERVISION = "村务监督委员会"  # the body's name as the roster's roles store it
COMMITTEE = "村民委员会"


@dataclass(frozen=True)
class Context:
    """What every tab needs first: the catalogue in force, the village, who reviews and who approves.

    ``catalogues`` is every version, oldest first (the calendar judges each period by the one in force on
    its last day); ``catalogue`` the one in force today."""

    today: dt.date
    catalogue: Catalogue | None
    catalogue_error: str
    since: dt.date | None
    village_name: str
    hotline: str
    reviewers: list[str] = field(default_factory=list)
    approver: str = ""
    years: list[int] = field(default_factory=list)
    catalogues: tuple[Catalogue, ...] = ()

    @property
    def versions(self) -> tuple[Catalogue, ...]:
        if self.catalogues:
            return self.catalogues
        return (self.catalogue,) if self.catalogue is not None else ()


@dataclass(frozen=True)
class NoticePage:
    total: int
    rows: list[NoticeSummary]


@dataclass(frozen=True)
class InProgress:
    """A notice made for a catalogue item and period that is not posted yet."""

    id: int
    state: str
    state_text: str


@dataclass(frozen=True)
class CalendarData:
    entries: list[CalendarEntry]
    in_progress: dict[tuple[str, str], InProgress]
    due: list[CalendarEntry]


@dataclass(frozen=True)
class MatterNotice:
    """One of the two notices a 四议两公开 matter owes (its calendar key is ``matter:ID:resolution`` or
    ``matter:ID:result``) and the notice the matter drafted for it, if any."""

    matter_id: int
    subject: str
    what: str  # "resolution" or "result"
    notice: NoticeInfo | None

    @property
    def what_text(self) -> str:
        return _("决议公开") if self.what == "resolution" else _("实施结果公开")


MATTER_KEY = "matter:"  # how app.meetings.matter_events keys a matter's notices in the calendar


def matter_key(key: str) -> tuple[int, str] | None:
    """(matter id, "resolution" or "result") of a calendar key like ``matter:12:resolution``; None for a period."""
    parts = key.split(":")
    if len(parts) == 3 and parts[0] + ":" == MATTER_KEY and parts[1].isdigit() and parts[2] in ("resolution", "result"):
        return int(parts[1]), parts[2]
    return None


# ---------------------------------------------------------------- reading


def load_context(s: Session, data_dir: Path, today: dt.date | None = None) -> Context:
    from app.disclosure.catalogue import in_force
    from app.disclosure.service import calendar_start, notice_years, village_catalogues
    from app.people.service import get_village, list_roles

    today = today or dt.date.today()
    try:
        catalogues: tuple[Catalogue, ...] = tuple(village_catalogues(data_dir, today))
        catalogue: Catalogue | None = in_force(catalogues, today)
        error = ""
    except CatalogueError as exc:
        catalogues, catalogue, error = (), None, str(exc)
    # the same start as `cunwu disclosure due`: periods before the village's record began are not owed
    since = calendar_start(s) if catalogue is not None else None
    village = get_village(s)
    roles = list_roles(s, on=today)
    years = notice_years(s)
    reviewers = [r.resident_name for r in roles if r.body == SUPERVISION]
    approver = next((r.resident_name for r in roles if r.body == COMMITTEE and r.title == "主任"), "")
    hotline = village.hotline if village and village.hotline else ""
    if not hotline and catalogue is not None:
        hotline = str(catalogue.settings.get("hotline", "") or "")
    return Context(today, catalogue, error, since, village.name if village else "", hotline,
                   list(dict.fromkeys(reviewers)), approver, years, catalogues)


def read_page(store: Store, query: NoticeQuery, offset: int, limit: int) -> NoticePage:
    from app.disclosure.service import count_notices, list_notices

    from ui.operations import read_now

    def page(s: Session) -> NoticePage:
        total = count_notices(s, query) if offset == 0 else -1
        return NoticePage(total, list_notices(s, query, limit=limit, offset=offset))

    return read_now(store, page)  # inside the paged model's task, on its worker


def read_notice(s: Session, notice_id: int) -> NoticeInfo:
    from app.disclosure.service import get_notice

    return get_notice(s, notice_id)


def read_view(s: Session, notice_id: int) -> NoticeView:
    """The printed page of a saved notice, with its number, reviewers and QR code once posted."""
    from app.disclosure.service import notice_view

    return notice_view(s, notice_id)


def _in_progress(session: Any) -> dict[tuple[str, str], InProgress]:
    """The notices started and not posted, by catalogue item and period, and the 四议两公开 matters' ones by
    the matter's calendar key (``matter:ID:resolution``), so the calendar can say 已拟稿 for both."""
    from app.disclosure.models import PUBLISHED
    from app.disclosure.service import list_notices
    from app.meetings.matters import matter_notice_ids

    out: dict[tuple[str, str], InProgress] = {}
    by_id: dict[int, tuple[str, InProgress]] = {}
    for n in list_notices(session):
        if n.item_code and n.state not in PUBLISHED:
            started = InProgress(n.id, n.state, n.state_text)
            out.setdefault((n.item_code.upper(), n.period_key), started)
            by_id[n.id] = (n.item_code.upper(), started)
    for matter_id, resolution, result in matter_notice_ids(session):
        for what, notice_id in (("resolution", resolution), ("result", result)):
            if notice_id in by_id:
                code, started = by_id[notice_id]
                out[(code, "{}{}:{}".format(MATTER_KEY, matter_id, what))] = started
    return out


def read_calendar(s: Session, context: Context, year: int, month: int | None) -> CalendarData:
    """The entries whose deadline falls in ``month`` (or every period of ``year`` when month is None),
    what is due or overdue today (with the 四议两公开 matters' notices, as on the home screen and in
    ``cunwu disclosure due``), and the notices already started for an item and period."""
    from app.disclosure.calendar import due_on, month_view, year_calendar
    from app.disclosure.service import posted_for_calendar
    from app.meetings.matters import disclosure_events

    versions = context.versions
    if not versions:
        return CalendarData([], {}, [])
    posted = posted_for_calendar(s)
    started = _in_progress(s)
    events = disclosure_events(s)
    on = context.today
    if month is None:
        entries = year_calendar(versions, posted, year, on=on, since=context.since)
    else:
        entries = month_view(versions, posted, year, month, on=on, since=context.since)
    due = due_on(versions, posted, on, since=context.since, events=events)
    return CalendarData(entries, started, due)


def matter_notice(s: Session, key: str) -> MatterNotice | None:
    """The notice behind a 四议两公开 line of the due list (``matter:ID:resolution``), as the matter drafted
    it; None when the key names no matter."""
    from app.meetings.matters import get_matter
    from app.people.service import NotFound

    found = matter_key(key)
    if found is None:
        return None
    matter_id, what = found
    try:
        m = get_matter(s, matter_id)
    except NotFound:
        return None
    notice_id = m.resolution_notice_id if what == "resolution" else m.result_notice_id
    info = None
    if notice_id is not None:
        from app.disclosure.service import get_notice

        try:
            info = get_notice(s, notice_id)
        except NotFound:
            info = None
    return MatterNotice(matter_id, m.subject, what, info)


def posting_minimum(data_dir: Path, notice: NoticeInfo) -> int:
    """The fewest days the notice must stay on the board: the village's number for its catalogue item.

    Passed to the service when posting, so the dialog shows the very number that is enforced.
    """
    from app.disclosure.service import minimum_days

    return minimum_days(notice.item_code, notice.catalogue_version, data_dir)


def draft_for(s: Session, data_dir: Path, item_code: str, period_key: str) -> NoticeDraft:
    """The catalogue item's template, or the ledger's statement for a finance item, from the version that
    asks for the period (the one in force on its last day): a half-year still owed under an older version is
    drafted, and later posted for its minimum days, as that version says."""
    from app.disclosure.calendar import catalogue_for
    from app.disclosure.service import draft_for_item, village_catalogues

    catalogue = catalogue_for(village_catalogues(data_dir), item_code, period_key)
    return draft_for_item(s, item_code, period_key, data_dir=data_dir, catalogue=catalogue)


# ---------------------------------------------------------------- writing


def save(s: Session, notice_id: int | None, draft: NoticeDraft) -> NoticeInfo:
    from app.disclosure.service import create_notice, update_notice

    if notice_id is None:
        return create_notice(s, draft)
    return update_notice(s, notice_id, draft)


def save_and_submit(s: Session, notice_id: int | None, draft: NoticeDraft) -> NoticeInfo:
    """Save what is on screen and send it for review in one transaction: both or neither."""
    from app.disclosure.service import create_notice, submit_for_review, update_notice

    info = create_notice(s, draft) if notice_id is None else update_notice(s, notice_id, draft)
    return submit_for_review(s, info.id)


def submit(s: Session, notice_id: int) -> NoticeInfo:
    from app.disclosure.service import submit_for_review

    return submit_for_review(s, notice_id)


def review(s: Session, notice_id: int, reviewers: list[str] | str, day: dt.date, opinion: str,
           passed: bool) -> NoticeInfo:
    from app.disclosure.service import record_review

    return record_review(s, notice_id, reviewers=reviewers, date=day, opinion=opinion, passed=passed)


def approve(s: Session, notice_id: int, approver: str, day: dt.date) -> NoticeInfo:
    from app.disclosure.service import approve as approve_notice

    return approve_notice(s, notice_id, approver=approver, date=day)


def post(s: Session, notice_id: int, start: dt.date, until: dt.date, min_days: int) -> NoticeInfo:
    from app.disclosure.service import post_notice

    return post_notice(s, notice_id, posted_from=start, posted_until=until, min_days=min_days)


def archive(s: Session, notice_id: int) -> NoticeInfo:
    from app.disclosure.service import archive as archive_notice

    return archive_notice(s, notice_id)


def correct(s: Session, notice_id: int, reason: str) -> NoticeInfo:
    from app.disclosure.service import start_correction

    return start_correction(s, notice_id, reason=reason)


def delete(s: Session, notice_id: int) -> None:
    from app.disclosure.service import delete_draft

    delete_draft(s, notice_id)


def add_feedback(s: Session, notice_id: int, asker: str, question: str, asked_on: dt.date,
                 answer: str = "", answered_by: str = "", answered_on: dt.date | None = None) -> NoticeInfo:
    """A villager's question, and its answer when there already is one, in one transaction.

    Returns the notice, so the screen shows the new question at once.
    """
    from app.disclosure.service import add_feedback as add, answer_feedback, get_notice

    f = add(s, notice_id, asker=asker, question=question, asked_on=asked_on)
    if answer.strip():
        answer_feedback(s, f.id, answer=answer, answered_by=answered_by, answered_on=answered_on)
    return get_notice(s, notice_id)


def answer(s: Session, notice_id: int, feedback_id: int, text: str, answered_by: str,
           day: dt.date) -> NoticeInfo:
    from app.disclosure.service import answer_feedback, get_notice

    answer_feedback(s, feedback_id, answer=text, answered_by=answered_by, answered_on=day)
    return get_notice(s, notice_id)


def attach(s: Session, files_dir: Path, notice_id: int, path: Path, role: str) -> NoticeInfo:
    """``files_dir``: the store's data directory, where attached files are kept."""
    from app.disclosure.service import attach_file, get_notice

    attach_file(s, files_dir, notice_id, Path(path), role=role)
    return get_notice(s, notice_id)


# ---------------------------------------------------------------- files


def output_dir(data_dir: Path) -> Path:
    """Where printed notices are kept: the data directory, so backups include them."""
    folder = data_dir / OUTPUT_DIR
    try:
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    except OSError:  # a read-only data directory still prints
        folder = Path(tempfile.gettempdir()) / "cunwu-notices"
        folder.mkdir(parents=True, exist_ok=True)
        return folder


def pdf_name(view: NoticeView) -> str:
    safe = "".join(c for c in view.title if c not in '\\/:*?"<>|').strip()[:30] or _("公开事项")
    return _("{number}-{title}.pdf").format(number=view.number, title=safe)


@dataclass(frozen=True)
class FeedbackList:
    """The villagers' questions and answers on a notice (阳光评议), read once; laid out on any paper."""

    village_name: str
    number: str
    title: str
    rows: tuple[tuple[str, ...], ...]

    @property
    def file_name(self) -> str:
        return _("{number}-村民意见及答复.pdf").format(number=self.number)

    def printout(self, paper: str = "a4", landscape: bool = True) -> Printout:
        from app.disclosure.printing import feedback_printout

        return feedback_printout(self.village_name, self.number, self.title, self.rows, paper=paper,
                                 landscape=landscape)


def feedback_list(s: Session, notice_id: int) -> tuple[FeedbackList, Printout]:
    """The feedback list of a notice and its pages (landscape A4: questions and answers are long), ready
    for the board."""
    from app.disclosure.service import feedback_rows, get_notice
    from app.people.service import get_village

    notice = get_notice(s, notice_id)
    village = get_village(s)
    found = FeedbackList(village.name if village else "", notice.number or _("草稿"), notice.title,
                         tuple(tuple(row) for row in feedback_rows(notice)))
    return found, found.printout()


def blob(data_dir: Path, sha256: str) -> Path:
    from app.attachments import blob_path

    return blob_path(data_dir, sha256)


def preview_view(context: Context | None, draft: NoticeDraft, *, corrects: str = "",
                 today: dt.date | None = None) -> NoticeView:
    """The printed page of what is in the editor, before it is saved: marked 草稿, no number, no QR."""
    return NoticeView(
        village_name=context.village_name if context else "", number=_("草稿"), title=draft.title,
        category=draft.category, period_label=draft.period_label, body=draft.body, tables=list(draft.tables),
        hotline=context.hotline if context else "", print_date=today or dt.date.today(), draft=True,
        corrects=corrects)


def correction_text(info: NoticeInfo) -> str:
    if info.corrects_id is None:
        return ""
    return _("更正 {number}:{reason}").format(number=info.corrects_number or "#{}".format(info.corrects_id),
                                            reason=info.correction_reason)
