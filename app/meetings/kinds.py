"""The kinds of village meeting and what each one is made of.

Who is a member of a meeting (and so who counts towards its quorum) depends on
its kind: every adult of the village for the villagers' meeting (Organic Law
Art. 22), the group's adults for a villager group meeting (Art. 28), the
representatives and the committee for the representatives' meeting (Art. 25),
party members with a vote for the party members' meeting, the office holders
for the committee meetings. ``app.meetings.members`` reads them from the
register and the roles.

Written proxies (书面委托). The Organic Law counts the villagers who take part
(参加) in the villagers' meeting (Art. 22), the members who take part in the
representatives' meeting (Art. 26) and the group's villagers who take part in
a group meeting (Art. 28); it has no attendance by proxy: an absent member is
represented only through the households path, by a person of the household who
is there. At those kinds a proxy handed in is recorded, but it counts neither
as present nor as a vote. The party members' meeting takes no proxies. The
kinds without a statutory rule count a proxy only where the village's own rule
says so (settings.json ``"meetings": {"proxies": {kind: true}}``), and then its
holder must be present and may hold at most :data:`MAX_PROXIES_PER_HOLDER`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from app.errors import UserError
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


# what a written proxy is at a kind
PROXY_NOT_COUNTED, PROXY_BY_SETTING, PROXY_NONE = "not_counted", "setting", "none"
MAX_PROXIES_PER_HOLDER = 3  # a village rule that allows proxies: one person holds at most three


@dataclass(frozen=True)
class KindInfo:
    kind: MeetingKind
    membership: str
    # a household may send one person for it (户代表): the households path of Art. 22 and 28
    by_households: bool = False
    # the minutes name who voted how (small bodies), rather than only counting
    named_votes: bool = False
    # what a written proxy (书面委托) is: PROXY_NOT_COUNTED (recorded, never counted: the law's kinds),
    # PROXY_BY_SETTING (counted only where the village's rule allows it) or PROXY_NONE (refused)
    proxy: str = "none"

    @property
    def proxies(self) -> bool:
        """A written proxy may be recorded whatever the village's settings (it is then not counted)."""
        return self.proxy == PROXY_NOT_COUNTED


KINDS: dict[MeetingKind, KindInfo] = {
    MeetingKind.VILLAGERS: KindInfo(MeetingKind.VILLAGERS, ADULTS, by_households=True, proxy=PROXY_NOT_COUNTED),
    MeetingKind.REPRESENTATIVES: KindInfo(MeetingKind.REPRESENTATIVES, REPRESENTATIVES, proxy=PROXY_NOT_COUNTED),
    MeetingKind.GROUP: KindInfo(MeetingKind.GROUP, GROUP_ADULTS, by_households=True, proxy=PROXY_NOT_COUNTED),
    MeetingKind.PARTY: KindInfo(MeetingKind.PARTY, PARTY_MEMBERS, proxy=PROXY_NONE),
    MeetingKind.BRANCH_COMMITTEE: KindInfo(MeetingKind.BRANCH_COMMITTEE, BRANCH, named_votes=True,
                                           proxy=PROXY_BY_SETTING),
    MeetingKind.JOINT_COMMITTEES: KindInfo(MeetingKind.JOINT_COMMITTEES, TWO_COMMITTEES, named_votes=True,
                                           proxy=PROXY_BY_SETTING),
    MeetingKind.SUPERVISION: KindInfo(MeetingKind.SUPERVISION, SUPERVISORS, named_votes=True, proxy=PROXY_BY_SETTING),
    MeetingKind.CONSULTATION: KindInfo(MeetingKind.CONSULTATION, INVITED, proxy=PROXY_BY_SETTING),
}


def _labels() -> dict[MeetingKind, str]:
    return {MeetingKind.VILLAGERS: _("村民会议"), MeetingKind.REPRESENTATIVES: _("村民代表会议"),
            MeetingKind.GROUP: _("村民小组会议"), MeetingKind.PARTY: _("党员大会"),
            MeetingKind.BRANCH_COMMITTEE: _("支部委员会会议"), MeetingKind.JOINT_COMMITTEES: _("两委联席会议"),
            MeetingKind.SUPERVISION: _("村务监督委员会会议"), MeetingKind.CONSULTATION: _("议事协商会议")}


class UnknownKind(UserError, ValueError):
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


# ---------------------------------------------------------------- written proxies

@dataclass(frozen=True)
class ProxyRule:
    """What a written proxy is at one meeting: may it be recorded, does it count, and why."""

    recordable: bool
    counted: bool
    reason: str  # one plain sentence with its article, for the screen and the minutes


def proxy_articles() -> dict[MeetingKind, str]:
    law = _("《村民委员会组织法》")
    return {MeetingKind.VILLAGERS: law + _("第二十二条"), MeetingKind.REPRESENTATIVES: law + _("第二十六条"),
            MeetingKind.GROUP: law + _("第二十八条")}


def proxies_setting(settings: Mapping[str, Any] | None, kind: str | MeetingKind) -> bool:
    """Whether the village's rule (settings.json "meetings" → "proxies") lets a proxy count at ``kind``."""
    chosen = (settings or {}).get("proxies") if isinstance(settings, Mapping) else None
    return isinstance(chosen, Mapping) and chosen.get(parse_kind(kind).value) is True


def proxy_rule(kind: str | MeetingKind, settings: Mapping[str, Any] | None = None) -> ProxyRule:
    """The treatment of a written proxy at ``kind``; ``settings`` is the "meetings" part of settings.json."""
    k = info(kind)
    if k.proxy == PROXY_NOT_COUNTED:
        households = _("(户的代表须是本户到会的人)") if k.by_households else ""
        return ProxyRule(True, False, _("书面委托不计入到会人数,也不能代为表决:{article}只计算亲自参加会议的人"
                                        "{households}。").format(article=proxy_articles()[k.kind], households=households))
    if k.proxy == PROXY_NONE:
        return ProxyRule(False, False, _("{kind}不能委托他人出席:表决要有半数以上有表决权的党员到会"
                                         "(《中国共产党支部工作条例(试行)》第十一条),委托不算到会。").format(kind=k.kind.label))
    if proxies_setting(settings, k.kind):
        return ProxyRule(True, True, _("按本村议事规则,委托本次会议到会的组成人员代为出席和表决,"
                                       "每人最多接受 {n} 份委托。").format(n=MAX_PROXIES_PER_HOLDER))
    return ProxyRule(False, False, _("{kind}不能委托他人出席:本村议事规则没有允许委托(可在“设置 → 会议规则”里修改)。").format(
        kind=k.kind.label))
