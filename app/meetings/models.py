"""Meetings and their minutes, and major matters (重大事项) taken through 四议两公开.

Minutes change freely until they are closed; closing takes a hash of everything
they say (meeting, attendance, agenda, motions) and writes it into the meeting's
event, and from then on the service refuses every edit. A mistake found later
is an addendum (补充更正) that names what it corrects. ``cunwu check`` compares
every row with its event, and a closed meeting with the hash taken at closing.

The search index (``minutes_search``, FTS5) is derived from these rows and is
not audited: it can always be rebuilt (app.meetings.search).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.attachments import AttachmentLink
from app.events import Audited, audited
from app.storage.base import Base

PLANNED, CLOSED = "planned", "closed"  # meeting states

EXPECTED, PRESENT, ABSENT, LEAVE, PROXY, OBSERVER = "expected", "present", "absent", "leave", "proxy", "observer"
ATTENDANCE = (EXPECTED, PRESENT, ABSENT, LEAVE, PROXY, OBSERVER)
# the most a meeting can count: a proxy counts only at a kind whose village rule allows it, never at the law's
# kinds (Organic Law Art. 22, 26, 28); app.meetings.service.counted_statuses says which apply to a meeting
COUNTED_PRESENT = (PRESENT, PROXY)

FOR, AGAINST, ABSTAIN = "for", "against", "abstain"
CHOICES = (FOR, AGAINST, ABSTAIN)

SIGNIN_PHOTO, DOCUMENT, OTHER = "signin_photo", "document", "other"
ATTACHMENT_ROLES = (SIGNIN_PHOTO, DOCUMENT, OTHER)

# matter states
IN_PROGRESS, RESOLVED, CARRIED_OUT, FAILED = "in_progress", "resolved", "carried_out", "failed"

TABLES = ["meetings", "meeting_attendees", "agenda_items", "motions", "meeting_attachments", "meeting_addenda",
          "matters", "matter_steps"]


@audited
class Meeting(Audited, Base):
    __tablename__ = "meetings"
    __record_type__ = "meeting"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)  # MeetingKind value (Chinese name)
    title: Mapped[str] = mapped_column(String(120))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    time_text: Mapped[str] = mapped_column(String(32), default="")
    place: Mapped[str] = mapped_column(String(120), default="")
    group_id: Mapped[int | None] = mapped_column(Integer)  # the group of a 村民小组会议
    convener: Mapped[str] = mapped_column(String(64), default="")
    chair: Mapped[str] = mapped_column(String(64), default="")
    recorder: Mapped[str] = mapped_column(String(64), default="")
    agenda_text: Mapped[str] = mapped_column(Text, default="")  # the agenda as announced, one item a line
    state: Mapped[str] = mapped_column(String(12), index=True)
    # counts the verdicts use: the members entitled to attend, those present (and households)
    members: Mapped[int] = mapped_column(Integer, default=0)
    present: Mapped[int] = mapped_column(Integer, default=0)
    households: Mapped[int | None] = mapped_column(Integer)
    households_present: Mapped[int | None] = mapped_column(Integer)
    quorate: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    closed_at: Mapped[str] = mapped_column(String(32), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")


@audited
class MeetingAttendee(Audited, Base):
    """One person expected at a meeting, and whether they came."""

    __tablename__ = "meeting_attendees"
    __record_type__ = "meeting_attendee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    resident_id: Mapped[int | None] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(64))
    group_name: Mapped[str] = mapped_column(String(64), default="")
    household: Mapped[str] = mapped_column(String(32), default="")  # household number, as printed
    household_id: Mapped[int | None] = mapped_column(Integer)
    role_text: Mapped[str] = mapped_column(String(64), default="")
    member: Mapped[bool] = mapped_column(Boolean, default=True)  # False: attends without counting (列席)
    status: Mapped[str] = mapped_column(String(12), default=EXPECTED)
    proxy_name: Mapped[str] = mapped_column(String(64), default="")
    # schema v5: the attendee present who holds this member's written proxy (kinds whose village rule allows it)
    proxy_holder_id: Mapped[int | None] = mapped_column(Integer, default=None)
    note: Mapped[str] = mapped_column(String(200), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)


@audited
class AgendaItem(Audited, Base):
    __tablename__ = "agenda_items"
    __record_type__ = "agenda_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    discussion: Mapped[str] = mapped_column(Text, default="")


@audited
class Motion(Audited, Base):
    """A motion put to the vote, its counts (or named votes) and the verdict of the rules at the time."""

    __tablename__ = "motions"
    __record_type__ = "motion"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(Integer)
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    voted: Mapped[bool] = mapped_column(Boolean, default=False)
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    abstentions: Mapped[int] = mapped_column(Integer, default=0)
    named_votes: Mapped[str] = mapped_column(Text, default="")  # canonical JSON {attendee id: for/against/abstain}
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    verdict: Mapped[str] = mapped_column(Text, default="")
    resolution: Mapped[str] = mapped_column(Text, default="")
    # schema v5: a decision whose statute sets its own threshold (app.meetings.specials), e.g. 农村土地承包法第五十二条
    special: Mapped[str | None] = mapped_column(String(32), default=None)


@audited
class MeetingAttachment(Audited, AttachmentLink, Base):
    """The photo of the signed sign-in sheet, documents tabled; the file itself is content-addressed."""

    __tablename__ = "meeting_attachments"
    __record_type__ = "meeting_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)


@audited
class MeetingAddendum(Audited, Base):
    """A correction to closed minutes (补充更正): it names what it corrects; the minutes stay as closed."""

    __tablename__ = "meeting_addenda"
    __record_type__ = "meeting_addendum"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer, index=True)
    corrects: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    date: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(64))
    time: Mapped[str] = mapped_column(String(32))


@audited
class Matter(Audited, Base):
    """A major matter (重大事项) decided by 四议两公开."""

    __tablename__ = "matters"
    __record_type__ = "matter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(32))  # an Art. 24 matter code, or "other"
    description: Mapped[str] = mapped_column(Text, default="")
    # Art. 24 matters go to the villagers' meeting, or to the representatives' meeting it authorised
    authorisation: Mapped[str] = mapped_column(Text, default="")
    # schema v5: the passed motion of a closed 村民会议 that authorised the representatives' meeting (Art. 24)
    authorisation_motion_id: Mapped[int | None] = mapped_column(Integer, default=None)
    # schema v5: 村规民约 and 村民自治章程 (Art. 27) are filed with the township once adopted (报乡镇备案)
    filed_on: Mapped[dt.date | None] = mapped_column(Date, default=None)
    filing_reference: Mapped[str | None] = mapped_column(String(120), default=None)
    state: Mapped[str] = mapped_column(String(12), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)  # 1, then 2 after a failed vote sent it back
    resolution_notice_id: Mapped[int | None] = mapped_column(Integer)
    result_notice_id: Mapped[int | None] = mapped_column(Integer)
    result_summary: Mapped[str] = mapped_column(Text, default="")
    carried_out_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))


@audited
class MatterStep(Audited, Base):
    """One of the four deliberations, bound to the closed minutes and the motion that decided it."""

    __tablename__ = "matter_steps"
    __record_type__ = "matter_step"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    matter_id: Mapped[int] = mapped_column(Integer, index=True)
    round: Mapped[int] = mapped_column(Integer)
    step: Mapped[int] = mapped_column(Integer)  # 1..4
    meeting_id: Mapped[int] = mapped_column(Integer)
    motion_id: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    passed: Mapped[bool] = mapped_column(Boolean)
    # after a failed vote: "ended" (the matter stops) or "restarted" (back to step 1)
    outcome: Mapped[str] = mapped_column(String(12), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    time: Mapped[str] = mapped_column(String(32))
