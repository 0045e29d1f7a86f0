"""What the meeting printouts show: plain values handed from the meetings core to printing.

Everything here is already the printed text (labels translated, dates as they are
printed); printing only lays it out, checks every character against the fonts and
masks personal data (ID, phone and bank numbers) typed into free text.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass(frozen=True)
class AttendeeLine:
    name: str
    group_name: str  # 村民小组, "" for people outside the village's groups
    role_text: str  # e.g. "村委会主任", "村民代表"; "" for ordinary villagers
    status_label: str  # 出席 / 缺席 / 请假 / 委托出席 / 列席 / "" (not yet recorded)
    proxy_name: str = ""  # who attended for them, when the kind allows proxies
    note: str = ""


@dataclass(frozen=True)
class MotionLine:
    number: str  # "1", "2" ...
    text: str
    votes_for: int
    votes_against: int
    abstentions: int
    result_label: str  # 通过 / 未通过 / 未表决
    reason: str  # the rule's verdict, citing the article
    named_votes: list[tuple[str, str]] = field(default_factory=list)  # (name, 赞成/反对/弃权)
    resolution: str = ""
    # a decision whose statute sets its own threshold: its name, the rule and the article; "" for an ordinary one
    special: str = ""


@dataclass(frozen=True)
class AgendaLine:
    number: str
    title: str
    discussion: str
    motions: list[MotionLine] = field(default_factory=list)


@dataclass(frozen=True)
class AddendumLine:
    date: datetime.date
    corrects: str  # what it corrects, e.g. "议题二的表决票数"
    text: str
    recorded_by: str


@dataclass(frozen=True)
class MinutesView:
    village_name: str
    kind_label: str  # 村民代表会议 ...
    title: str
    date: datetime.date
    time_text: str  # "09:00-11:30" or ""
    place: str
    convener: str
    chair: str
    recorder: str
    group_name: str  # for a villager group meeting
    members: int  # 应到
    present: int  # 实到
    absent: int
    on_leave: int
    households: int | None
    households_present: int | None
    quorum_text: str  # the verdict on attendance, citing the article
    attendees: list[AttendeeLine] = field(default_factory=list)
    agenda: list[AgendaLine] = field(default_factory=list)
    addenda: list[AddendumLine] = field(default_factory=list)
    closed: bool = False  # False prints a visible 未定稿 (not closed) mark
    content_hash: str = ""
    chain_head: str = ""  # "第 123 号 · 3f2a9c1b"
    print_date: datetime.date | None = None
    # the signature block: (label, name printed under the line) e.g. ("主持人", "王建国")
    signers: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SigninName:
    name: str
    role_text: str = ""  # 户代表 / 村民代表 / 村委会委员 ...
    household: str = ""  # household number, to help find the row


@dataclass(frozen=True)
class SigninGroup:
    name: str  # the villager group; "" for members outside the groups (committee members, invited)
    people: list[SigninName]


@dataclass(frozen=True)
class SigninView:
    village_name: str
    kind_label: str
    title: str
    date: datetime.date
    time_text: str
    place: str
    groups: list[SigninGroup]
    members: int  # 应到 total, printed in the header so the count can be checked
    print_date: datetime.date | None = None


@dataclass(frozen=True)
class TallyView:
    """A ballot tally sheet (计票单): one block per motion with space to tally by hand."""

    village_name: str
    kind_label: str
    title: str
    date: datetime.date
    place: str
    members: int
    present: int | None  # None when attendance is not yet recorded: a blank to fill in
    motions: list[str]  # the motion texts, numbered in order
    print_date: datetime.date | None = None
    # for each motion, the special rule it is voted under ("" for an ordinary one); may be left empty
    specials: list[str] = field(default_factory=list)
