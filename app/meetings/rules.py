"""Is the meeting quorate, and did the motion pass? One pure function for the UI, the service and the tests.

The statutes (domain.md):

- 村民会议, Organic Law Art. 22: more than half of the adults present, or the
  representatives of at least two thirds of the households; a decision needs
  more than half of those present.
- 村民代表会议, Art. 26: at least two thirds of its members present; more than
  half of those present.
- 村民小组会议, Art. 28: at least two thirds of the group's adults, or of its
  households' representatives; more than half of those present.
- 党员大会, 《中国共产党支部工作条例(试行)》 Art. 11: at least half of the
  members with a vote present (半数以上 includes exactly half); passed only
  when votes for exceed half of the members entitled to attend — not of those
  present.

How thresholds read (Civil Code Art. 1259): 以上 includes the number itself,
过半数/超过 excludes it. So 50 of 100 is not 过半数, and 26 of 39 is exactly two
thirds and so 三分之二以上. All arithmetic is on integers: a float would put
26/39 a hair under 2/3.

Special majorities (Art. 22: 法律……另有规定的,依照其规定): a decision another law governs,
e.g. 《农村土地承包法》 Art. 52 (contracting land to anyone outside the collective), needs
votes for from at least two thirds of ALL members of the meeting. ``evaluate(...,
special=CODE)`` keeps the kind's ordinary quorum and applies that threshold instead of the
ordinary majority; the catalogue is data in ``app.meetings.specials``.

The other kinds have no statutory rule; they use defaults that a village may
change in settings.json (``"meetings": {"rules": {...}}``, see
docs/meetings.md). Their verdicts say they follow the village's own rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.errors import UserError
from app.i18n import _
from app.meetings.kinds import MeetingKind, parse_kind

PRESENT, MEMBERS = "present", "members"  # what a vote threshold counts against


class RuleError(UserError, ValueError):
    """Numbers the rules cannot judge (more votes than people present, a negative count) or a setting
    they cannot read; the message says which and what to do."""


@dataclass(frozen=True)
class Threshold:
    """A fraction of a base, met either at the fraction (以上) or only above it (过半数/超过)."""

    num: int
    den: int
    inclusive: bool

    def met(self, count: int, base: int) -> bool:
        if self.inclusive:
            return count * self.den >= base * self.num
        return count * self.den > base * self.num

    def needed(self, base: int) -> int:
        """The smallest count that meets the threshold."""
        if self.inclusive:
            return -(-base * self.num // self.den)
        return base * self.num // self.den + 1

    @property
    def label(self) -> str:
        if (self.num, self.den) == (1, 2):
            return _("半数以上") if self.inclusive else _("过半数")
        if (self.num, self.den) == (2, 3):
            return _("三分之二以上") if self.inclusive else _("超过三分之二")
        return (_("{num}/{den}以上") if self.inclusive else _("超过{num}/{den}")).format(num=self.num, den=self.den)


MORE_THAN_HALF = Threshold(1, 2, inclusive=False)
HALF_OR_MORE = Threshold(1, 2, inclusive=True)
TWO_THIRDS_OR_MORE = Threshold(2, 3, inclusive=True)


@dataclass(frozen=True)
class Rule:
    quorum: Threshold  # of the members, in people
    passing: Threshold
    pass_base: str  # PRESENT or MEMBERS
    household_quorum: Threshold | None = None  # of the households, by their representatives
    citation: str = ""
    statutory: bool = True


def _statutory() -> dict[MeetingKind, Rule]:
    law = _("《村民委员会组织法》")
    return {
        MeetingKind.VILLAGERS: Rule(MORE_THAN_HALF, MORE_THAN_HALF, PRESENT, TWO_THIRDS_OR_MORE,
                                    law + _("第二十二条")),
        MeetingKind.REPRESENTATIVES: Rule(TWO_THIRDS_OR_MORE, MORE_THAN_HALF, PRESENT, None, law + _("第二十六条")),
        MeetingKind.GROUP: Rule(TWO_THIRDS_OR_MORE, MORE_THAN_HALF, PRESENT, TWO_THIRDS_OR_MORE,
                                law + _("第二十八条")),
        MeetingKind.PARTY: Rule(HALF_OR_MORE, MORE_THAN_HALF, MEMBERS, None,
                                _("《中国共产党支部工作条例(试行)》第十一条")),
    }


# the kinds without a statutory rule, and the default each starts from (a setting)
DEFAULT_SETTINGS: dict[MeetingKind, dict[str, str]] = {
    MeetingKind.BRANCH_COMMITTEE: {"quorum": "半数以上", "pass": "应到过半数"},
    MeetingKind.JOINT_COMMITTEES: {"quorum": "过半数", "pass": "应到过半数"},
    MeetingKind.SUPERVISION: {"quorum": "过半数", "pass": "应到过半数"},
    MeetingKind.CONSULTATION: {"quorum": "过半数", "pass": "到会过半数"},
}

QUORUM_CHOICES: dict[str, Threshold] = {"过半数": MORE_THAN_HALF, "半数以上": HALF_OR_MORE,
                                        "三分之二以上": TWO_THIRDS_OR_MORE}
PASS_CHOICES: dict[str, tuple[Threshold, str]] = {
    "到会过半数": (MORE_THAN_HALF, PRESENT), "到会三分之二以上": (TWO_THIRDS_OR_MORE, PRESENT),
    "应到过半数": (MORE_THAN_HALF, MEMBERS), "应到三分之二以上": (TWO_THIRDS_OR_MORE, MEMBERS)}


def is_statutory(kind: str | MeetingKind) -> bool:
    return parse_kind(kind) in _statutory()


def rule_for(kind: str | MeetingKind, settings: Mapping[str, Any] | None = None) -> Rule:
    """The rule a meeting of ``kind`` follows; ``settings`` is the ``"meetings"`` part of settings.json.

    The law's rules cannot be changed by a setting. A setting that names an
    unknown threshold raises ValueError saying which values are allowed.
    """
    kind = parse_kind(kind)
    statutory = _statutory()
    if kind in statutory:
        return statutory[kind]
    chosen = dict(DEFAULT_SETTINGS[kind])
    chosen.update(((settings or {}).get("rules") or {}).get(kind.value) or {})
    quorum = QUORUM_CHOICES.get(chosen.get("quorum", ""))
    if quorum is None:
        raise RuleError(_("设置里“{kind}”的到会要求“{value}”看不懂,只能是:{choices}。").format(
            kind=kind.value, value=chosen.get("quorum"), choices="、".join(QUORUM_CHOICES)))
    passing = PASS_CHOICES.get(chosen.get("pass", ""))
    if passing is None:
        raise RuleError(_("设置里“{kind}”的通过要求“{value}”看不懂,只能是:{choices}。").format(
            kind=kind.value, value=chosen.get("pass"), choices="、".join(PASS_CHOICES)))
    return Rule(quorum, passing[0], passing[1], None, _("本村议事规则(默认,可在设置中修改)"), statutory=False)


@dataclass(frozen=True)
class Verdict:
    quorate: bool
    passed: bool
    reason: str  # the whole verdict in one Chinese sentence or two, citing the rule
    quorum_reason: str
    vote_reason: str
    citation: str
    quorum_needed: int  # people present needed (people path)
    households_needed: int | None  # households represented needed (households path), if the kind has one
    votes_needed: int  # votes for needed to pass, with the people present as they are
    special: str = ""  # the special decision's code (app.meetings.specials), "" for the ordinary rule
    special_citation: str = ""  # its statute and article, e.g. 《……农村土地承包法》(2018修正)第五十二条


def _check_numbers(kind: MeetingKind, rule: Rule, members: int, present: int, votes_for: int, votes_against: int,
                   abstentions: int, households: int | None, households_represented: int | None) -> None:
    named = {"members": (_("应到人数"), members), "present": (_("实到人数"), present),
             "votes_for": (_("赞成票"), votes_for), "votes_against": (_("反对票"), votes_against),
             "abstentions": (_("弃权票"), abstentions), "households": (_("总户数"), households),
             "households_represented": (_("到会户数"), households_represented)}
    for key, (label, value) in named.items():
        # only the households counts may be left out (a kind counted by people alone)
        if value is None and key in ("households", "households_represented"):
            continue
        if value is None:
            raise RuleError(_("请填写{what}(整数)。").format(what=label))
        if isinstance(value, bool) or not isinstance(value, int):
            raise RuleError(_("{what}必须是整数,现在是“{value}”。").format(what=label, value=value))
        if value < 0:
            raise RuleError(_("{what}不能是负数(现在是 {value}),请检查。").format(what=label, value=value))
    if members == 0:
        raise RuleError(_("应到人数是 0,这个会议没有组成人员。请先在名册或职务里登记参会人员。"))
    if present > members:
        raise RuleError(_("实到 {present} 人,比应到的 {members} 人还多,请检查人数。").format(
            present=present, members=members))
    cast = votes_for + votes_against + abstentions
    if cast > present:
        raise RuleError(_("赞成、反对、弃权合计 {cast} 票,比到会的 {present} 人还多,请检查票数。").format(
            cast=cast, present=present))
    if households is None and households_represented is None:
        return
    if rule.household_quorum is None:
        raise RuleError(_("{kind}不按户计算到会,请只填写人数。").format(kind=kind.value))
    if households is None or households_represented is None:
        raise RuleError(_("按户计算到会时,总户数和到会户数都要填写。"))
    if households == 0:
        raise RuleError(_("总户数是 0,请先在名册里登记户。"))
    if households_represented > households:
        raise RuleError(_("到会 {hr} 户,比总户数 {households} 户还多,请检查。").format(
            hr=households_represented, households=households))
    if households_represented > present:
        raise RuleError(_("到会 {hr} 户,但到会的只有 {present} 人;每户至少要有一人到会,请检查。").format(
            hr=households_represented, present=present))


def evaluate(kind: str | MeetingKind, *, members: int, present: int, votes_for: int, votes_against: int = 0,
             abstentions: int = 0, households: int | None = None, households_represented: int | None = None,
             rule: Rule | None = None, special: str | None = None) -> Verdict:
    """The verdict on one motion at one meeting.

    ``members`` are those entitled to attend (for 党员大会, the members with a
    vote); ``present`` those who came. ``households``/``households_represented``
    take the households path of Art. 22 and 28; the meeting is quorate when
    either path is met. ``rule`` replaces the default of a kind without a
    statutory rule (from :func:`rule_for` with the village's settings); the
    law's kinds always follow the law. ``special`` is the code of a decision whose statute sets
    its own threshold (``app.meetings.specials``): the quorum stays the kind's, and the motion
    passes only with votes for at least that share of all members (应到), not of those present;
    an unknown code, or one the kind cannot take, raises RuleError. Impossible numbers raise
    RuleError (a ValueError) with a Chinese message and decide nothing.
    """
    from app.meetings.specials import check

    kind = parse_kind(kind)
    chosen = check(kind, special)
    if rule is None or is_statutory(kind):
        rule = rule_for(kind)
    _check_numbers(kind, rule, members, present, votes_for, votes_against, abstentions, households,
                   households_represented)

    quorum_needed = rule.quorum.needed(members)
    by_people = rule.quorum.met(present, members)
    households_needed = None
    by_households = False
    if rule.household_quorum is not None and households is not None:
        households_needed = rule.household_quorum.needed(households)
        by_households = rule.household_quorum.met(households_represented or 0, households)
    quorate = by_people or by_households

    people_text = _("应到 {members} 人,实到 {present} 人,{verb}{label}(至少 {needed} 人)").format(
        members=members, present=present, verb=_("达到") if by_people else _("未达到"), label=rule.quorum.label,
        needed=quorum_needed)
    parts = [people_text]
    if households_needed is not None:
        parts.append(_("全体 {households} 户中 {hr} 户有代表到会,{verb}{label}(至少 {needed} 户)").format(
            households=households, hr=households_represented, verb=_("达到") if by_households else _("未达到"),
            label=rule.household_quorum.label if rule.household_quorum else "", needed=households_needed))
    quorum_reason = ";".join(parts) + (_(",会议有效。") if quorate else _(",会议不足法定人数,不能作出决定。"))

    base = present if rule.pass_base == PRESENT else members
    votes_needed = rule.passing.needed(base)
    if chosen is not None:
        votes_needed = chosen.needed(members)
    if not quorate:
        passed = False
        vote_reason = _("表决无效,未通过。")
        if chosen is not None:
            vote_reason += _("本项属于“{name}”,即使会议有效,也须应到 {members} 人的{label}同意(至少 {needed} 票)。").format(
                name=chosen.name, members=members, label=chosen.threshold.label, needed=votes_needed)
    elif chosen is not None:
        passed = chosen.threshold.met(votes_for, members)
        ordinary = rule.passing.met(votes_for, base)
        vote_reason = _("赞成 {votes} 票,反对 {against} 票,弃权 {abstain} 票;本项属于“{name}”,依{citation},"
                        "须经应到 {members} 人的{label}同意(至少 {needed} 票,按应到人数计算,不按到会人数),{result}。").format(
            votes=votes_for, against=votes_against, abstain=abstentions, name=chosen.name,
            citation=chosen.citation, members=members, label=chosen.threshold.label, needed=votes_needed,
            result=_("通过") if passed else _("未通过"))
        if ordinary and not passed:
            vote_reason += _("赞成票虽已达到一般事项的要求,但不足这一特别多数。")
    else:
        passed = rule.passing.met(votes_for, base)
        base_text = (_("到会 {n} 人") if rule.pass_base == PRESENT else _("应到 {n} 人")).format(n=base)
        vote_reason = _("赞成 {votes} 票,反对 {against} 票,弃权 {abstain} 票;需{base}的{label}(至少 {needed} 票),{result}。").format(
            votes=votes_for, against=votes_against, abstain=abstentions, base=base_text, label=rule.passing.label,
            needed=votes_needed, result=_("通过") if passed else _("未通过"))
    if chosen is None:
        reason = _("{quorum}{vote}依据:{citation}。").format(quorum=quorum_reason, vote=vote_reason,
                                                             citation=rule.citation)
    else:
        reason = _("{quorum}{vote}依据:{citation}(会议是否有效);{special}(表决是否通过)。").format(
            quorum=quorum_reason, vote=vote_reason, citation=rule.citation, special=chosen.citation)
    return Verdict(quorate=quorate, passed=passed, reason=reason, quorum_reason=quorum_reason,
                   vote_reason=vote_reason, citation=rule.citation, quorum_needed=quorum_needed,
                   households_needed=households_needed, votes_needed=votes_needed,
                   special=chosen.code if chosen else "", special_citation=chosen.citation if chosen else "")
