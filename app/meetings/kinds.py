"""The kinds of village meeting and what each one is made of.

Who is a member of a meeting (and so who counts towards its quorum) depends on
its kind: every adult of the village for the villagers' meeting (Organic Law
Art. 22), the group's adults for a villager group meeting (Art. 28), the
representatives and the committee for the representatives' meeting (Art. 25),
party members with a vote for the party members' meeting, the office holders
for the committee meetings. ``app.meetings.members`` reads them from the
register and the roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from app.i18n import _


class MeetingKind(str, Enum):
    VILLAGERS = "村民会议"
    REPRESENTATIVES = "村民代表会议"
    GROUP = "村民小组会议"
    PARTY = "党员大会"
    BRANCH_COMMITTEE = "支部委员会会议"
    JOINT_COMMITTEES = "两委联席会议"
    SUPERVISION = "村务监督委员会会议"
    CONSULTATION = "议事协商会议"

    def __str__(self) -> str:
        return self.value

    @property
    def label(self) -> str:
        """The name as the interface language says it (the value stays the stored Chinese name)."""
        return _labels()[self]


# where the members come from
ADULTS, GROUP_ADULTS, REPRESENTATIVES, PARTY_MEMBERS, BRANCH, TWO_COMMITTEES, SUPERVISORS, INVITED = (
    "adults", "group_adults", "representatives", "party_members", "branch", "two_committees", "supervisors",
    "invited")


@dataclass(frozen=True)
class KindInfo:
    kind: MeetingKind
    membership: str
    # a household may send one person for it (户代表): the households path of Art. 22 and 28
    by_households: bool = False
    # the minutes name who voted how (small bodies), rather than only counting
    named_votes: bool = False
    # a member who cannot come may name someone to attend for them
    proxies: bool = False


KINDS: dict[MeetingKind, KindInfo] = {
    MeetingKind.VILLAGERS: KindInfo(MeetingKind.VILLAGERS, ADULTS, by_households=True, proxies=True),
    MeetingKind.REPRESENTATIVES: KindInfo(MeetingKind.REPRESENTATIVES, REPRESENTATIVES),
    MeetingKind.GROUP: KindInfo(MeetingKind.GROUP, GROUP_ADULTS, by_households=True, proxies=True),
    MeetingKind.PARTY: KindInfo(MeetingKind.PARTY, PARTY_MEMBERS),
    MeetingKind.BRANCH_COMMITTEE: KindInfo(MeetingKind.BRANCH_COMMITTEE, BRANCH, named_votes=True),
    MeetingKind.JOINT_COMMITTEES: KindInfo(MeetingKind.JOINT_COMMITTEES, TWO_COMMITTEES, named_votes=True),
    MeetingKind.SUPERVISION: KindInfo(MeetingKind.SUPERVISION, SUPERVISORS, named_votes=True),
    MeetingKind.CONSULTATION: KindInfo(MeetingKind.CONSULTATION, INVITED),
}


def _labels() -> dict[MeetingKind, str]:
    return {MeetingKind.VILLAGERS: _("村民会议"), MeetingKind.REPRESENTATIVES: _("村民代表会议"),
            MeetingKind.GROUP: _("村民小组会议"), MeetingKind.PARTY: _("党员大会"),
            MeetingKind.BRANCH_COMMITTEE: _("支部委员会会议"), MeetingKind.JOINT_COMMITTEES: _("两委联席会议"),
            MeetingKind.SUPERVISION: _("村务监督委员会会议"), MeetingKind.CONSULTATION: _("议事协商会议")}


class UnknownKind(ValueError):
    pass


def parse_kind(value: str | MeetingKind) -> MeetingKind:
    """The kind for its Chinese name (or the enum itself); a clear message for anything else."""
    if isinstance(value, MeetingKind):
        return value
    text = str(value or "").strip()
    for kind in MeetingKind:
        if text in (kind.value, kind.name, kind.name.lower()):
            return kind
    raise UnknownKind(_("没有“{kind}”这种会议。会议类型只能是:{kinds}。").format(
        kind=text, kinds="、".join(k.value for k in MeetingKind)))


def info(kind: str | MeetingKind) -> KindInfo:
    return KINDS[parse_kind(kind)]
