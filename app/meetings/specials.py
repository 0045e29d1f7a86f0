"""Decisions whose statute sets its own threshold (special majorities), as data with their article.

Organic Law Art. 22: 法律对召开村民会议及作出决定另有规定的,依照其规定. Some decisions a
villagers' meeting or a representatives' meeting takes are governed by another law that asks
for more than the ordinary majority of those present. Each is listed here with its statute, its
article and the article's text quoted word for word; the rules (:func:`app.meetings.rules.evaluate`
with ``special=CODE``) keep the ordinary quorum of the meeting's kind and count the votes for
against **all members** of the meeting (应到, not those present).

《农村土地承包法》(2018修正) 第二十八条 and 第五十二条 both ask for the consent of
三分之二以上成员 of the villagers' meeting or 三分之二以上村民代表: the base is the whole
membership (every adult villager of the 村民会议, or every member of the 村民代表会议), and
以上 includes the number itself (Civil Code Art. 1259), so exactly two thirds passes.

Codes are short, stable and ASCII (they are stored in ``motions.special`` and read by township
scripts through ``cunwu meeting specials --json``); a code is never reused for another rule.
To add a decision: add an entry to :func:`catalogue` with a verified text, a test citing its
article, and a line in docs/meetings.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.i18n import _
from app.meetings.kinds import MeetingKind, parse_kind
from app.meetings.rules import TWO_THIRDS_OR_MORE, RuleError, Threshold



@dataclass(frozen=True)
class Special:
    code: str  # e.g. "TDCB-52"
    name: str  # the decision, as the clerk picks it (表决事项类别)
    rule_text: str  # the rule in plain words
    statute: str  # 《……法》(year)
    article: str  # 第五十二条
    quoted: str  # the article's text, word for word
    kinds: tuple[MeetingKind, ...]  # the meetings that may take the decision
    threshold: Threshold  # of all members of the meeting (应到), never of those present

    @property
    def citation(self) -> str:
        return self.statute + self.article

    @property
    def label(self) -> str:
        """The name with its article, for a list to pick from: 本集体经济组织以外发包土地(第五十二条)."""
        return _("{name}({article})").format(name=self.name, article=self.article)

    def needed(self, members: int) -> int:
        return self.threshold.needed(members)


def catalogue() -> list[Special]:
    """Every special decision, in the order the clerk sees them (built on each call: the names follow
    the interface language; the quoted law stays as enacted)."""
    both = (MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES)
    land_contracting = _("《中华人民共和国农村土地承包法》(2018修正)")
    rule = _("须经村民会议全体成员(应到人数)三分之二以上同意,或者村民代表会议全体组成人员三分之二以上同意;"
             "按应到人数计算,不是按到会人数计算,恰好三分之二也算通过。")
    return [
        Special(
            code="TDCB-52",
            name=_("将集体土地发包给本集体经济组织以外的单位或者个人"),
            rule_text=rule,
            statute=land_contracting, article=_("第五十二条"),
            quoted=("发包方将农村土地发包给本集体经济组织以外的单位或者个人承包,应当事先经本集体经济组织成员的"
                    "村民会议三分之二以上成员或者三分之二以上村民代表的同意,并报乡(镇)人民政府批准。"),
            kinds=both, threshold=TWO_THIRDS_OR_MORE),
        Special(
            code="TDCB-28",
            name=_("承包期内调整个别农户之间承包的耕地和草地"),
            rule_text=rule,
            statute=land_contracting, article=_("第二十八条"),
            quoted=("承包期内,因自然灾害严重毁损承包地等特殊情形对个别农户之间承包的耕地和草地需要适当调整的,"
                    "必须经本集体经济组织成员的村民会议三分之二以上成员或者三分之二以上村民代表的同意,"
                    "并报乡(镇)人民政府和县级人民政府农业农村、林业和草原等主管部门批准。"),
            kinds=both, threshold=TWO_THIRDS_OR_MORE),
    ]


def codes() -> list[str]:
    return [s.code for s in catalogue()]


class UnknownSpecial(RuleError):
    """A code that is not in the catalogue; the message lists the codes there are."""


def lookup(code: str) -> Special:
    """The special decision for ``code`` (case and surrounding spaces do not matter)."""
    text = str(code or "").strip().upper()
    for s in catalogue():
        if s.code == text:
            return s
    raise UnknownSpecial(_("没有“{code}”这种特别表决事项。可用的代码:{codes}(一般事项不用填)。").format(
        code=str(code or "").strip(), codes="、".join(codes())))


def for_kind(kind: str | MeetingKind) -> list[Special]:
    """The special decisions a meeting of ``kind`` may take (none for the committees and the party)."""
    kind = parse_kind(kind)
    return [s for s in catalogue() if kind in s.kinds]


def check(kind: str | MeetingKind, code: str | None) -> Special | None:
    """The special decision for ``code`` at a meeting of ``kind``; None for an ordinary motion.

    Raises :class:`RuleError` (a ValueError) with a plain message when the code is unknown or the
    kind cannot take that decision.
    """
    if code is None or not str(code).strip():
        return None
    special = lookup(code)
    kind = parse_kind(kind)
    if kind not in special.kinds:
        raise RuleError(_("“{name}”依{citation}只能由{kinds}决定,{kind}不能按这一规则表决。"
                          "请在{kinds}上表决,或把表决事项类别改回“一般事项”。").format(
            name=special.name, kinds=_("或").join(k.label for k in special.kinds), citation=special.citation,
            kind=kind.label))
    return special
