"""What the 会议记录 screen asks of the core, one function per user action.

These run inside the operations of ui.operations on a worker, given the operation's
session (one transaction for a write), and return plain
values (the core's frozen dataclasses or the ones below), never ORM objects.
Every write returns the meeting as it now stands (:class:`MeetingState`), so the
screen shows what was stored, not what it guessed. Nothing here imports Qt.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app.i18n import _
from app.meetings.kinds import parse_kind
from app.meetings.quarterly import QuarterStatus
from app.meetings.rules import Rule
from app.meetings.service import KEEP, MeetingInfo, MeetingInput, MeetingQuery, MeetingSummary
from app.storage import Store

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from app.printing.document import Printout

MINUTES, SIGNIN, TALLY = "minutes", "signin", "tally"  # the three printouts


@dataclass(frozen=True)
class Context:
    """What every tab needs first: today, the groups, the years with meetings, Art. 25 warnings."""

    today: dt.date
    village_name: str
    groups: list[tuple[int, str]] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    chair: str = ""  # the committee's 主任, offered as the chair of a new meeting
    quarter: QuarterStatus | None = None  # Art. 26: this quarter's representatives' meeting


@dataclass(frozen=True)
class MeetingState:
    """A meeting and the rule its verdicts follow in this village (the law, or the village's setting)."""

    info: MeetingInfo
    rule: Rule


@dataclass(frozen=True)
class MeetingPage:
    total: int
    rows: list[MeetingSummary]


# ---------------------------------------------------------------- reading


def load_context(s: Session, today: dt.date | None = None) -> Context:
    from app.meetings.members import representatives_composition
    from app.meetings.service import meeting_years, representatives_quarter
    from app.people.service import get_village, list_groups, list_roles

    today = today or dt.date.today()
    village = get_village(s)
    groups = [(g.id, g.name) for g in list_groups(s)]
    years = meeting_years(s)
    warnings = representatives_composition(s, today).warnings
    roles = list_roles(s, on=today)
    quarter = representatives_quarter(s, today)
    chair = next((r.resident_name for r in roles if r.body == "村民委员会" and r.title == "主任"), "")
    return Context(today, village.name if village else "", groups, years, list(warnings), chair, quarter)


def read_page(store: Store, query: MeetingQuery, offset: int, limit: int) -> MeetingPage:
    from app.meetings.service import count_meetings, list_meetings

    from ui.operations import read_now

    def page(s: Session) -> MeetingPage:
        total = count_meetings(s, query) if offset == 0 else -1
        return MeetingPage(total, list_meetings(s, query, limit=limit, offset=offset))

    return read_now(store, page)  # inside the paged model's task, on its worker


def read_month(s: Session, year: int, month: int) -> list[MeetingSummary]:
    """The meetings held in one month, oldest first (the calendar fills its days in order)."""
    from app.meetings.service import list_meetings

    first = dt.date(year, month, 1)
    last = dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)
    rows = list_meetings(s, MeetingQuery(since=first, until=last))
    return sorted(rows, key=lambda m: (m.date, m.id))


def _state(session: Any, meeting_id: int, data_dir: Path | None) -> MeetingState:
    from app.meetings.service import get_meeting, meeting_rule

    info = get_meeting(session, meeting_id, data_dir=data_dir)
    return MeetingState(info, meeting_rule(info.kind, data_dir))


def read_meeting(s: Session, meeting_id: int, data_dir: Path | None = None) -> MeetingState:
    return _state(s, meeting_id, data_dir)


# ---------------------------------------------------------------- writing


def _write(s: Session, meeting_id: int, data_dir: Path | None, work: Callable[[Any], Any]) -> MeetingState:
    """``work(session)`` and the meeting as it then stands, in the write operation's one transaction: both or
    neither."""
    work(s)
    return _state(s, meeting_id, data_dir)


def save(s: Session, meeting_id: int | None, data: MeetingInput,
         data_dir: Path | None = None) -> MeetingState:
    """Create the meeting (its expected attendees from the register), or save the changes to it.

    Agenda lines typed after the meeting was created become agenda items too, so the
    agenda typed in 准备 and the items discussed in 议题讨论 do not drift apart; items
    are never removed here (their discussion may already be written).
    """
    from app.meetings.service import add_agenda_item, create_meeting, update_meeting

    if meeting_id is None:
        info = create_meeting(s, data)
        return _state(s, info.id, data_dir)
    info = update_meeting(s, meeting_id, data)
    have = {a.title for a in info.agenda}
    for line in (x.strip() for x in info.agenda_text.split("\n")):
        if line and line[:200] not in have:
            add_agenda_item(s, meeting_id, title=line)
            have.add(line[:200])
    return _state(s, meeting_id, data_dir)


def delete(s: Session, meeting_id: int) -> None:
    from app.meetings.service import delete_meeting

    delete_meeting(s, meeting_id)


def refill(s: Session, meeting_id: int, data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import refill_attendees

    return _write(s, meeting_id, data_dir, lambda s: refill_attendees(s, meeting_id))


def set_attendance(s: Session, meeting_id: int, changes: Mapping[int, str | tuple[str, str]],
                   data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import set_attendance as mark

    return _write(s, meeting_id, data_dir, lambda s: mark(s, meeting_id, changes))


def set_counts(s: Session, meeting_id: int, present: int, households_present: int | None,
               data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import set_counts as counts

    return _write(s, meeting_id, data_dir, lambda s: counts(
        s, meeting_id, present=present, households_present=households_present, data_dir=data_dir))


def add_attendee(s: Session, meeting_id: int, name: str, role_text: str, member: bool,
                 data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import add_attendee as add

    return _write(s, meeting_id, data_dir, lambda s: add(s, meeting_id, name=name, role_text=role_text,
                                                                   member=member))


def remove_attendee(s: Session, meeting_id: int, attendee_id: int,
                    data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import remove_attendee as remove

    return _write(s, meeting_id, data_dir, lambda s: remove(s, attendee_id))


def add_agenda_item(s: Session, meeting_id: int, title: str,
                    data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import add_agenda_item as add

    return _write(s, meeting_id, data_dir, lambda s: add(s, meeting_id, title=title))


def update_agenda_item(s: Session, meeting_id: int, item_id: int, title: str, discussion: str,
                       data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import update_agenda_item as update

    return _write(s, meeting_id, data_dir, lambda s: update(s, item_id, title=title,
                                                                      discussion=discussion))


def remove_agenda_item(s: Session, meeting_id: int, item_id: int,
                       data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import remove_agenda_item as remove

    return _write(s, meeting_id, data_dir, lambda s: remove(s, item_id))


def add_motion(s: Session, meeting_id: int, text: str, agenda_item_id: int | None,
               special: str | None = None, data_dir: Path | None = None) -> MeetingState:
    """A motion, ordinary or marked as a special-majority decision (a code of app.meetings.specials)."""
    from app.meetings.service import add_motion as add

    return _write(s, meeting_id, data_dir, lambda s: add(s, meeting_id, text=text,
                                                                   agenda_item_id=agenda_item_id, special=special))


def update_motion(s: Session, meeting_id: int, motion_id: int, text: str, resolution: str,
                  special: Any = KEEP, data_dir: Path | None = None) -> MeetingState:
    """The motion's wording, resolution and special decision (None: an ordinary motion; KEEP: as it is)."""
    from app.meetings.service import update_motion as update

    return _write(s, meeting_id, data_dir, lambda s: update(s, motion_id, text=text,
                                                                      resolution=resolution, special=special,
                                                                      data_dir=data_dir))


def remove_motion(s: Session, meeting_id: int, motion_id: int,
                  data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import remove_motion as remove

    return _write(s, meeting_id, data_dir, lambda s: remove(s, motion_id))


def record_vote(s: Session, meeting_id: int, motion_id: int, text: str, resolution: str,
                votes: tuple[int, int, int], special: Any = KEEP, data_dir: Path | None = None) -> MeetingState:
    """The motion's wording, its special decision (None: ordinary; KEEP: as it is) and the counted vote, in one
    transaction."""
    from app.meetings.service import record_vote as record, update_motion

    def work(s: Any) -> None:
        update_motion(s, motion_id, text=text, resolution=resolution, special=special)
        record(s, motion_id, votes_for=votes[0], votes_against=votes[1], abstentions=votes[2],
               resolution=resolution, data_dir=data_dir)

    return _write(s, meeting_id, data_dir, work)


def record_named_votes(s: Session, meeting_id: int, motion_id: int, text: str, resolution: str,
                       votes: Mapping[int, str], data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import record_named_votes as record, update_motion

    def work(s: Any) -> None:
        update_motion(s, motion_id, text=text, resolution=resolution)
        record(s, motion_id, votes, resolution=resolution, data_dir=data_dir)

    return _write(s, meeting_id, data_dir, work)


def close(s: Session, meeting_id: int, data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import close_meeting

    return _write(s, meeting_id, data_dir, lambda s: close_meeting(s, meeting_id, data_dir=data_dir))


def add_addendum(s: Session, meeting_id: int, corrects: str, text: str, recorded_by: str,
                 day: dt.date, data_dir: Path | None = None) -> MeetingState:
    from app.meetings.service import add_addendum as add

    return _write(s, meeting_id, data_dir, lambda s: add(s, meeting_id, corrects=corrects, text=text,
                                                                   recorded_by=recorded_by, date=day))


def attach(s: Session, meeting_id: int, path: Path, role: str, files_dir: Path,
           data_dir: Path | None = None) -> MeetingState:
    """``files_dir``: the store's data directory, where attached files are kept."""
    from app.meetings.service import attach_file

    return _write(s, meeting_id, data_dir, lambda s: attach_file(s, files_dir, meeting_id, Path(path), role=role))


# ---------------------------------------------------------------- printing and files


def pdf_name(what: str, date: dt.date, kind: str) -> str:
    """会议记录-2026-10-12-村民代表会议.pdf: sorts by date in a folder, says what it is."""
    label = {MINUTES: _("会议记录"), SIGNIN: _("签到表"), TALLY: _("计票单")}[what]
    return _("{what}-{date}-{kind}.pdf").format(what=label, date=date.isoformat(), kind=parse_kind(kind).label)


def printout(s: Session, what: str, meeting_id: int, data_dir: Path | None = None) -> Printout:
    """The printout ``what`` (minutes, sign-in or tally sheet) of the meeting, laid out as it prints:
    what the preview shows, the printer gets and 另存为PDF writes."""
    from app.meetings.printing import minutes_printout, signin_printout, tally_printout
    from app.meetings.printouts import minutes_view, signin_view, tally_view

    if what == MINUTES:
        return minutes_printout(minutes_view(s, meeting_id, data_dir=data_dir))
    if what == SIGNIN:
        return signin_printout(signin_view(s, meeting_id))
    return tally_printout(tally_view(s, meeting_id))
