"""What the meetings service hands to the screens and printing: plain values and the words for states."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from app.i18n import _
from app.meetings.kinds import KindInfo, info
from app.meetings.models import ABSENT, ABSTAIN, AGAINST, CLOSED, EXPECTED, FOR, LEAVE, OBSERVER, PLANNED, PRESENT, PROXY
from app.meetings.rules import Verdict


def attendance_label(status: str) -> str:
    return {EXPECTED: _("未登记"), PRESENT: _("出席"), ABSENT: _("缺席"), LEAVE: _("请假"), PROXY: _("委托出席"),
            OBSERVER: _("列席")}.get(status, status)


def choice_label(choice: str) -> str:
    return {FOR: _("赞成"), AGAINST: _("反对"), ABSTAIN: _("弃权")}.get(choice, choice)


def state_label(state: str) -> str:
    return {PLANNED: _("未结束"), CLOSED: _("已定稿")}.get(state, state)


def role_label(role: str) -> str:
    return {"signin_photo": _("签到表照片"), "document": _("会议材料"), "other": _("其他")}.get(role, role)


# ---------------------------------------------------------------- plain values for the UI and printing

@dataclass
class MeetingInput:
    kind: str
    title: str
    date: dt.date
    time_text: str = ""
    place: str = ""
    group_id: int | None = None
    convener: str = ""
    chair: str = ""
    recorder: str = ""
    agenda_text: str = ""
    notes: str = ""


@dataclass(frozen=True)
class AttendeeInfo:
    id: int
    resident_id: int | None
    name: str
    group_name: str
    household: str
    role_text: str
    member: bool
    status: str
    proxy_name: str
    note: str
    proxy_holder_id: int | None = None  # the attendee present who holds this member's proxy (village rule)
    counted: bool = False  # counts towards those present, and may vote (in person, or a proxy the rule counts)

    @property
    def status_text(self) -> str:
        if self.status == PROXY and self.member and not self.counted:
            return _("书面委托(不计入到会人数)")
        return attendance_label(self.status)

    @property
    def proxy_not_counted(self) -> bool:
        """A written proxy recorded at a kind that does not count it (the law's kinds)."""
        return self.status == PROXY and self.member and not self.counted


@dataclass(frozen=True)
class MotionInfo:
    id: int
    agenda_item_id: int | None
    position: int
    text: str
    voted: bool
    votes_for: int
    votes_against: int
    abstentions: int
    named_votes: dict[int, str]
    passed: bool
    verdict: str
    resolution: str
    special: str | None = None  # the code of a special-majority decision (app.meetings.specials), None: ordinary

    @property
    def special_rule(self):  # type: ignore[no-untyped-def]
        """The special decision this motion is (app.meetings.specials.Special), or None for an ordinary one."""
        if not self.special:
            return None
        from app.meetings.specials import UnknownSpecial, lookup

        try:
            return lookup(self.special)
        except UnknownSpecial:
            return None

    @property
    def result_text(self) -> str:
        if not self.voted:
            return _("未表决")
        return _("通过") if self.passed else _("未通过")


@dataclass(frozen=True)
class AgendaInfo:
    id: int
    position: int
    title: str
    discussion: str


@dataclass(frozen=True)
class FileInfo:
    id: int
    sha256: str
    name: str
    role: str
    added: str


@dataclass(frozen=True)
class AddendumInfo:
    id: int
    corrects: str
    text: str
    date: dt.date
    recorded_by: str


@dataclass(frozen=True)
class MeetingSummary:
    id: int
    kind: str
    title: str
    date: dt.date
    place: str
    group_id: int | None
    state: str
    members: int
    present: int
    quorate: bool
    motions: int
    passed: int

    @property
    def state_text(self) -> str:
        return state_label(self.state)

    @property
    def closed(self) -> bool:
        return self.state == CLOSED


@dataclass(frozen=True)
class MeetingInfo(MeetingSummary):
    time_text: str
    group_name: str
    convener: str
    chair: str
    recorder: str
    agenda_text: str
    notes: str
    households: int | None
    households_present: int | None
    closed_at: str
    content_hash: str
    attendees: list[AttendeeInfo] = field(default_factory=list)
    agenda: list[AgendaInfo] = field(default_factory=list)
    motion_list: list[MotionInfo] = field(default_factory=list)
    files: list[FileInfo] = field(default_factory=list)
    addenda: list[AddendumInfo] = field(default_factory=list)
    quorum: Verdict | None = None  # the verdict on attendance as it stands (None while nobody is counted)

    @property
    def kind_info(self) -> KindInfo:
        return info(self.kind)

    @property
    def absent(self) -> int:
        return sum(1 for a in self.attendees if a.member and a.status == ABSENT)

    @property
    def on_leave(self) -> int:
        return sum(1 for a in self.attendees if a.member and a.status == LEAVE)
