"""Demo meetings: three years of minutes of every kind, and major matters at every step of 四议两公开.

Everything goes through the service functions, in date order, as a clerk would
record it: the meeting is prepared from the register and the roles in force on
its day, attendance is marked person by person for the small bodies and taken
from the sign-in sheet's counts for the big ones, each agenda item gets its
discussion, motions are voted (by name in the committees) and the minutes are
closed; then the matters whose step the meeting decided move on. The demo has a
representatives' meeting in most quarters (one older quarter was missed), two
meetings that did not reach their quorum, motions that failed, a correction, a
sign-in sheet photo, a meeting in progress today and one planned for next week.

The demo village's officers all took office at the last general election; the
minutes of older meetings need the previous term's officers, so they are added
to the register first (mostly the same people, as after most elections).
"""

from __future__ import annotations

import datetime as dt
import random
import struct
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo_registry import demo_step
from app.meetings.kinds import MeetingKind, info
from app.meetings.models import ABSENT, ABSTAIN, AGAINST, FOR, LEAVE, PRESENT, PROXY
from app.meetings.quarterly import quarter_of

if TYPE_CHECKING:
    from app.meetings.service import MeetingInfo

Progress = Callable[[int, int], None]
SEED = 2026
QUARTERS = 12  # three years of representatives' meetings, this quarter included
MISSED_QUARTER = 6  # quarters ago: the one quarter without a representatives' meeting (Art. 26)
TERM_BODIES = ("党支部", "村民委员会", "村务监督委员会")
ADDENDUM = ("会议地点", "原记录会议地点为“村委会会议室”。当天会议室停电,会议实际在村文化活动室召开,特此更正。")

V, R, G, P, B, J, S, C = (MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES, MeetingKind.GROUP, MeetingKind.PARTY,
                          MeetingKind.BRANCH_COMMITTEE, MeetingKind.JOINT_COMMITTEES, MeetingKind.SUPERVISION,
                          MeetingKind.CONSULTATION)
PLACES = {V: "村文化广场", R: "村委会会议室", G: "村民小组活动室", P: "党群服务中心党员活动室", B: "村党支部办公室",
          J: "村委会会议室", S: "村务监督委员会办公室", C: "党群服务中心议事厅"}


# ---------------------------------------------------------------- what the demo holds, as plain data

@dataclass
class Vote:
    text: str
    resolution: str = ""
    passes: bool = True
    special: str = ""  # a special-majority decision (app.meetings.specials), e.g. "TDCB-52"
    matter: str = ""  # the key of the matter whose step this motion decides
    step: int = 0
    failure: str = ""  # ended/restarted, when the vote fails the matter's step
    note: str = ""
    authorises: tuple[str, ...] = ()  # keys of the Art. 24 matters this villagers' motion authorises


@dataclass
class Item:
    title: str
    discussion: str
    votes: list[Vote] = field(default_factory=list)


@dataclass
class Plan:
    day: dt.date
    kind: MeetingKind
    title: str
    items: list[Item]
    group: int | None = None  # index of the villager group
    turnout: float = 0.88
    by_counts: bool = False  # attendance from the sign-in sheet's totals, not person by person
    quorate: bool = True
    close: bool = True
    voting: bool = True  # False: the meeting is still going on, nothing voted yet
    place: str = ""
    time_text: str = "上午9:00"
    notes: str = ""
    guests: list[tuple[str, str, bool]] = field(default_factory=list)  # (name, role, counts as member)
    addendum: tuple[str, str] | None = None
    signin_photo: bool = False


@dataclass(frozen=True)
class Officers:
    secretary: str
    director: str
    clerk: str  # a committee member who keeps the committee's minutes
    party_clerk: str
    supervisor: str
    supervision_clerk: str
    leaders: dict[int, str]

    def chair(self, kind: MeetingKind, group_id: int | None) -> tuple[str, str, str]:
        """Convener, chair and recorder of a meeting of ``kind``."""
        if kind in (P, B, J):
            return self.secretary, self.secretary, self.party_clerk if kind != J else self.clerk
        if kind == S:
            return self.supervisor, self.supervisor, self.supervision_clerk
        if kind == G:
            leader = self.leaders.get(group_id or 0, self.director)
            return leader, leader, self.clerk
        return self.director, self.director, self.clerk


@dataclass
class MatterPlan:
    key: str
    subject: str
    category: str
    description: str
    reason: str  # why it was proposed, for the branch's discussion
    concern: str  # what the two committees and the party members argued over
    decision: str = ""  # the step-4 motion
    resolution: str = ""
    result: str = ""
    id: int = 0


# ---------------------------------------------------------------- officers on a day

def _officers(session: Session, day: dt.date) -> Officers:
    from app.people.service import list_roles

    roles = list_roles(session, on=day)

    def first(body: str, *titles: str, default: str = "") -> str:
        for title in titles:
            for r in roles:
                if r.body == body and r.title == title:
                    return r.resident_name
        return default

    director = first("村民委员会", "主任", default="村委会主任")
    secretary = first("党支部", "书记", default=director)
    return Officers(secretary=secretary, director=director,
                    clerk=first("村民委员会", "委员", "副主任", default=director),
                    party_clerk=first("党支部", "委员", "副书记", default=secretary),
                    supervisor=first("村务监督委员会", "主任", default=director),
                    supervision_clerk=first("村务监督委员会", "委员", default=director),
                    leaders={r.group_id: r.resident_name for r in roles if r.body == "村民小组" and r.group_id})


def _previous_term(session: Session, rng: random.Random, earliest: dt.date) -> None:
    """The officers of the term before the current one, where the demo's minutes reach back into it."""
    from app.people.idcard import is_adult
    from app.people.models import Resident, Role
    from app.people.service import assign_role

    current = list(session.scalars(select(Role).where(Role.body.in_(TERM_BODIES), Role.term_start > earliest)
                                   .order_by(Role.id)))
    if not current:
        return
    holders = {r.resident_id for r in session.scalars(select(Role).where(Role.body.in_(TERM_BODIES)))}
    supervisors = {r.resident_id for r in current if r.body == "村务监督委员会"}
    barred = set(session.scalars(select(Resident.household_id).where(Resident.id.in_(supervisors))))
    members = [r for r in current if r.body == "村民委员会" and r.title == "委员"]
    swapped = rng.choice(members) if members else None
    replacement = None
    if swapped is not None:
        sex = session.get(Resident, swapped.resident_id).sex
        earliest_adult = earliest - dt.timedelta(days=365 * 5)
        pool = [r for r in session.scalars(select(Resident).where(Resident.status.is_(None), Resident.sex == sex)
                                           .order_by(Resident.id))
                if r.id not in holders and r.household_id not in barred and r.birth_date
                and is_adult(r.birth_date, earliest_adult) and r.birth_date.year > earliest.year - 60]
        replacement = rng.choice(pool).id if pool else None
    for role in current:
        start = role.term_start
        try:
            before = start.replace(year=start.year - 5)
        except ValueError:  # 29 February
            before = start.replace(year=start.year - 5, day=28)
        resident = replacement if role is swapped and replacement else role.resident_id
        if session.scalar(select(Role.id).where(Role.resident_id == resident, Role.body == role.body,
                                                Role.term_end == start - dt.timedelta(days=1))) is not None:
            continue  # registered already: the disclosure demo's reviews reach into the earlier term
        assign_role(session, resident_id=resident, body=role.body, title=role.title, group_id=role.group_id,
                    term_start=before, term_end=start - dt.timedelta(days=1))
    session.flush()


# ---------------------------------------------------------------- a sign-in sheet photo, drawn in a few bytes

def signin_sheet_png(width: int = 160, height: int = 120) -> bytes:
    """A small grey picture of a ruled sheet: enough for the demo to show and sync a photo."""
    rows = []
    for y in range(height):
        line = bytearray([0])  # filter: none
        for x in range(width):
            ruled = y > 14 and (y - 14) % 12 == 0 or x in (8, 40, 100, width - 9) and y > 14
            title = 4 <= y <= 9 and 50 <= x <= 110
            line.append(70 if ruled or title else 236)
        rows.append(bytes(line))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


# ---------------------------------------------------------------- holding one meeting

class Clerk:
    def __init__(self, session: Session, data_dir: Path, rng: random.Random, matters: dict[str, MatterPlan],
                 groups: list[int], today: dt.date) -> None:
        self.s, self.data_dir, self.rng, self.matters, self.groups, self.today = (
            session, data_dir, rng, matters, groups, today)
        self.officers: dict[dt.date, Officers] = {}

    def officers_on(self, day: dt.date) -> Officers:
        if day not in self.officers:
            self.officers[day] = _officers(self.s, day)
        return self.officers[day]

    def hold(self, plan: Plan) -> int:
        from app.meetings import service as ms

        group_id = self.groups[plan.group] if plan.group is not None else None
        officers = self.officers_on(plan.day)
        convener, chair, recorder = officers.chair(plan.kind, group_id)
        m = ms.create_meeting(self.s, ms.MeetingInput(
            kind=plan.kind.value, title=plan.title, date=plan.day, time_text=plan.time_text,
            place=plan.place or PLACES[plan.kind], group_id=group_id, convener=convener, chair=chair,
            recorder=recorder, agenda_text="\n".join(i.title for i in plan.items), notes=plan.notes))
        if plan.day > self.today:
            return m.id  # announced, not yet held
        for name, role, member in plan.guests:
            ms.add_attendee(self.s, m.id, name=name, role_text=role, member=member)
        if plan.guests:
            m = ms.get_meeting(self.s, m.id)
        present = self.attend(m, plan, {chair, recorder})
        motions: list[tuple[int, Vote]] = []
        for item, agenda in zip(plan.items, m.agenda):
            ms.update_agenda_item(self.s, agenda.id, title=item.title, discussion=item.discussion.format(
                secretary=officers.secretary, director=officers.director, supervisor=officers.supervisor))
            for vote in item.votes:
                x = ms.add_motion(self.s, m.id, text=vote.text, agenda_item_id=agenda.id,
                                  special=vote.special or None)
                motions.append((x.id, vote))
        if plan.quorate and plan.voting:
            for motion_id, vote in motions:
                self.vote(m.id, motion_id, vote, present)
        if not plan.close:
            return m.id
        ms.close_meeting(self.s, m.id, data_dir=self.data_dir)
        if plan.addendum:
            ms.add_addendum(self.s, m.id, corrects=plan.addendum[0], text=plan.addendum[1], recorded_by=recorder,
                            date=min(self.today, plan.day + dt.timedelta(days=3)))
        if plan.signin_photo:
            with tempfile.TemporaryDirectory() as tmp:
                photo = Path(tmp) / "签到表.png"
                photo.write_bytes(signin_sheet_png())
                ms.attach_file(self.s, self.data_dir, m.id, photo, role="signin_photo",
                               name="{day}签到表照片.png".format(day=plan.day.isoformat()))
        if plan.quorate:
            for motion_id, vote in motions:
                self.advance(m.id, motion_id, vote)
        return m.id

    def post(self, notice_id: int | None, day: dt.date):  # type: ignore[no-untyped-def]
        """A matter's notice reviewed by the supervision committee, approved and put on the board on ``day``."""
        from app.disclosure import service as ds

        officers = self.officers_on(day)
        ds.submit_for_review(self.s, notice_id)
        ds.record_review(self.s, notice_id, reviewers=[officers.supervisor], date=day)
        ds.approve(self.s, notice_id, approver=officers.director, date=day)
        return ds.post_notice(self.s, notice_id, posted_from=day, posted_until=day + dt.timedelta(days=20),
                              data_dir=self.data_dir)

    def attend(self, m: MeetingInfo, plan: Plan, officers: set[str]) -> list[int]:
        """Marks who came; returns the attendee ids of the members present (for named votes)."""
        from app.meetings import service as ms
        from app.meetings.rules import MEMBERS

        meeting_id = m.id
        if plan.by_counts:
            share = plan.turnout if plan.quorate else self.rng.uniform(0.38, 0.45)
            present = int(m.members * share)
            households = None
            if m.households:
                h_share = self.rng.uniform(0.72, 0.8) if plan.quorate else self.rng.uniform(0.5, 0.6)
                households = min(present, int(m.households * h_share))
            ms.set_counts(self.s, meeting_id, present=present, households_present=households,
                          data_dir=self.data_dir)
            return []
        proxies = info(plan.kind).proxies
        changes: dict[int, str | tuple[str, str]] = {}
        by_household: dict[str, list[str]] = {}
        for a in m.attendees:
            by_household.setdefault(a.household, []).append(a.name)
        for a in m.attendees:
            if not a.member:
                continue
            roll = self.rng.random()
            if a.name in officers or roll < plan.turnout:
                changes[a.id] = PRESENT
            elif proxies and roll < plan.turnout + 0.04:
                kin = [n for n in by_household.get(a.household, []) if n != a.name] or ["本户家属"]
                changes[a.id] = (PROXY, self.rng.choice(kin))
            else:
                changes[a.id] = LEAVE if self.rng.random() < 0.6 else ABSENT
        # a quorate meeting whose motions pass needs enough people: fetch a few more from the fields
        rule = ms.meeting_rule(m.kind, self.data_dir)
        need = max(rule.quorum.needed(m.members), rule.passing.needed(m.members) if rule.pass_base == MEMBERS else 0)
        missing = [aid for aid, c in changes.items() if c in (LEAVE, ABSENT)]
        self.rng.shuffle(missing)
        # a written proxy is recorded but not counted (Organic Law Art. 22, 26, 28): only people present count
        missing = [aid for aid, c in changes.items() if isinstance(c, tuple)] + missing
        while missing and sum(1 for c in changes.values() if c == PRESENT) < need:
            changes[missing.pop()] = PRESENT
        ms.set_attendance(self.s, meeting_id, changes)
        return [aid for aid, c in changes.items() if c == PRESENT]

    def vote(self, meeting_id: int, motion_id: int, vote: Vote, present_ids: list[int]) -> None:
        from app.meetings import service as ms
        from app.meetings.models import Meeting
        from app.meetings.rules import PRESENT as BY_PRESENT

        m = self.s.get(Meeting, meeting_id)
        rule = ms.meeting_rule(m.kind, self.data_dir)
        needed = rule.passing.needed(m.present if rule.pass_base == BY_PRESENT else m.members)
        ordinary = needed
        if vote.special:  # two thirds of all members (农村土地承包法 Art. 52, 28), not a majority of those present
            from app.meetings.specials import lookup

            needed = lookup(vote.special).needed(m.members)
        resolution = vote.resolution if vote.passes else ""
        if info(m.kind).named_votes:
            voters = list(present_ids)
            self.rng.shuffle(voters)
            if vote.passes:
                spare = len(voters) - needed
                choices = [FOR] * len(voters)
                if spare > 0 and self.rng.random() < 0.4:
                    choices[-1] = ABSTAIN
            else:
                yes = max(0, min(needed - 1, len(voters) // 2))
                choices = [FOR] * yes + [AGAINST] * (len(voters) - yes)
            ms.record_named_votes(self.s, motion_id, dict(zip(voters, choices)), resolution=resolution,
                                  data_dir=self.data_dir)
            return
        present = m.present
        if vote.passes:
            votes_for = max(needed, present - self.rng.randint(0, max(1, present // 8)))
        else:
            votes_for = max(0, needed - 1 - self.rng.randint(0, max(0, present // 10)))
            if vote.special:  # the ordinary majority is reached; the special one is not
                votes_for = min(needed - 1, max(votes_for, ordinary))
        rest = present - votes_for
        against = self.rng.randint(rest // 2, rest) if not vote.passes else self.rng.randint(0, rest)
        abstain = self.rng.randint(0, rest - against)
        ms.record_vote(self.s, motion_id, votes_for=votes_for, votes_against=against, abstentions=abstain,
                       resolution=resolution, data_dir=self.data_dir)

    def advance(self, meeting_id: int, motion_id: int, vote: Vote) -> None:
        from app.meetings.matters import authorise, record_failure, take_step

        if vote.passes:
            for key in vote.authorises:  # Art. 24: the link to this motion, not a description of it
                authorise(self.s, self.matters[key].id, motion_id=motion_id)
        if not vote.matter:
            return
        matter = self.matters[vote.matter]
        if vote.passes:
            take_step(self.s, matter.id, step=vote.step, meeting_id=meeting_id, motion_id=motion_id,
                      data_dir=self.data_dir)
        else:
            record_failure(self.s, matter.id, meeting_id=meeting_id, motion_id=motion_id, outcome=vote.failure,
                           note=vote.note)


# ---------------------------------------------------------------- the calendar

def quarter_start(today: dt.date, ago: int) -> dt.date:
    year, q = quarter_of(today)
    index = year * 4 + q - 1 - ago
    return dt.date(index // 4, 3 * (index % 4) + 1, 1)


def quarter_name(day: dt.date) -> str:
    year, q = quarter_of(day)
    return "{year}年第{q}季度".format(year=year, q="一二三四"[q - 1])


def _step_items(matter: MatterPlan, step: int, *, body: str = "村民代表会议", round_note: str = "") -> Item:
    subject = matter.subject + round_note
    if step == 1:
        return Item("研究提出“{s}”".format(s=subject),
                    "支部书记{{secretary}}介绍了事项的由来:{reason}\n支委逐一发表意见,认为事项涉及村民切身利益,"
                    "应按“四议两公开”程序办理。\n会议同意形成提议,提交两委联席会议商议。".format(reason=matter.reason),
                    [Vote("同意提议“{s}”,提交两委联席会议商议".format(s=subject), "形成党组织提议,提交两委会商议。",
                          matter=matter.key, step=1)])
    if step == 2:
        return Item("商议“{s}”".format(s=subject),
                    "村委会主任{{director}}就方案内容作了说明:{description}\n两委成员围绕{concern}进行了讨论,"
                    "同意将有关意见写入方案。\n会议同意方案提交党员大会审议。".format(
                        description=matter.description, concern=matter.concern),
                    [Vote("同意“{s}”(草案),提交党员大会审议".format(s=subject), "方案修改完善后提交党员大会审议。",
                          matter=matter.key, step=2)])
    if step == 3:
        return Item("审议“{s}”".format(s=subject),
                    "支部书记{{secretary}}报告了党组织提议和两委商议的情况。\n党员分组讨论,对{concern}提出了意见和建议。\n"
                    "主持人宣读方案后,党员举手表决。".format(concern=matter.concern),
                    [Vote("同意“{s}”,提交{body}决议".format(s=subject, body=body),
                          "审议通过,提交{body}决议。".format(body=body), matter=matter.key, step=3)])
    return Item("表决“{s}”".format(s=subject),
                "村委会主任{{director}}宣读方案:{description}\n与会人员就{concern}提问,村两委成员逐一作了解答。\n"
                "会议以举手方式进行表决。".format(description=matter.description, concern=matter.concern),
                [Vote(matter.decision, matter.resolution, matter=matter.key, step=4)])


def _before_vote(discussion: str, line: str) -> str:
    """The discussion with one more line, before its last (the call to vote)."""
    lines = discussion.split("\n")
    return "\n".join(lines[:-1] + [line, lines[-1]])


def _matters(today: dt.date) -> dict[str, MatterPlan]:
    plans = [
        MatterPlan("solar", "村级屋顶光伏发电项目", "economic_project",
                   "利用党群服务中心和村小学屋顶建设分布式光伏电站约 200 千瓦,预计年发电收益 6 万元。",
                   "县里鼓励村级发展光伏,已有企业上门洽谈合作。", "投资方式和收益分配"),
        MatterPlan("subsidy", "村干部误工补贴标准调整方案", "subsidy",
                   "村民小组长误工补贴由每月 300 元调整为 400 元,村民代表参加会议误工补贴每次 50 元。",
                   "村民小组长和村民代表承担的工作越来越多,补贴多年未调整。", "补贴标准和资金来源"),
        MatterPlan("homestead", "{year}年度农村宅基地使用方案".format(year=today.year + 1), "homestead",
                   "全村拟安排新增宅基地 12 宗,优先解决分户无房户和危房改造户,每宗不超过 150 平方米。",
                   "已有 20 多户提出建房申请,需要统一规划、公平安排。", "申请条件和排序办法"),
        MatterPlan("land", "第二轮土地承包到期后再延长三十年工作方案", "land_contract",
                   "按“大稳定、小调整”原则,原承包地总体顺延三十年,个别矛盾突出的户经村民小组同意后小调整。",
                   "全村第二轮土地承包即将到期,县里部署开展延包工作。", "新增人口和“空挂户”的处理"),
        MatterPlan("lease", "村北闲置厂房对外出租方案", "property",
                   "村北原砖瓦厂闲置厂房 1,200 平方米,以公开竞价方式对外出租,租期五年,起拍价每年 6 万元。",
                   "厂房闲置多年,屋面漏雨,继续闲置只会越来越破。", "租期长短和起拍价",
                   "同意以公开竞价方式出租村北闲置厂房,租期五年,起拍价每年 6 万元",
                   "村北闲置厂房以公开竞价方式对外出租,租期五年,起拍价每年 6 万元;竞价由村务监督委员会全程监督,结果张榜公示。"),
        MatterPlan("canal", "村西灌溉水渠防渗改造工程", "public_welfare",
                   "村西灌溉主渠长 2.3 公里,采用混凝土衬砌防渗改造,概算 38 万元,其中申请上级一事一议财政奖补 25 万元,"
                   "村集体自筹 8 万元,受益农户筹劳折资 5 万元。",
                   "村西主渠渗漏严重,下游三个组的稻田每年缺水。", "筹劳办法和施工监督",
                   "同意实施村西灌溉水渠防渗改造工程及筹资筹劳方案",
                   "实施村西灌溉水渠防渗改造工程,由村委会组织公开比选施工单位,村务监督委员会全程监督;"
                   "受益农户每户出工 3 个,不能出工的按每工 100 元折资。",
                   result="工程经镇农业服务中心验收合格。实际支出 36.8 万元,其中上级奖补 25 万元、村集体 7.2 万元,"
                          "受益农户出工 462 个工日;结余资金 1.2 万元转入村公益事业资金。"),
        MatterPlan("stake", "村集体资金入股县城商业综合体项目", "economic_project",
                   "某企业提出村集体以 50 万元入股其县城商业综合体项目,承诺每年保底分红 8%。",
                   "村集体账上有一笔闲置资金,有企业上门寻求合作。", "投资风险和保底分红有没有担保",
                   "同意以村集体资金 50 万元入股县城商业综合体项目"),
        MatterPlan("rules", "修订村规民约", "village_rules",
                   "在原村规民约基础上新增移风易俗、垃圾分类、门前三包等条款,删去与现行法律不符的罚款条款。",
                   "原村规民约制定于十年前,部分条款已不适应,镇里要求各村修订。", "彩礼、宴席标准和垃圾分类的约束办法",
                   "同意《村规民约(修订稿)》", "《村规民约(修订稿)》经村民会议表决通过,自公布之日起施行,报镇人民政府备案。"),
        MatterPlan("dividend", "村集体经济收益分配方案", "income",
                   "村集体经营收益扣除必要支出后,按比例提取公益金和发展基金,其余按股份分配给集体经济组织成员。",
                   "村集体经济连续两年有结余,村民要求分红。", "公益金提取比例"),
    ]
    return {p.key: p for p in plans}


def _special_vote(plan: Plan, ago: int) -> None:
    """Two representatives' meetings decide land matters whose statute asks two thirds of all members
    (《农村土地承包法》 Art. 52 and 28): one falls short although most of those present vote for it."""
    if ago == 2:
        plan.items.append(Item(
            "讨论村东荒坡对外发包",
            "村委会主任{director}介绍:县林果公司提出承包村东荒坡 40 亩种植核桃,承包期十五年,每亩每年 120 元。\n"
            "部分代表担心外来企业承包期太长、村民优先承包的权利落空;到会代表多数表示同意。\n"
            "主持人说明:发包给本集体经济组织以外的单位,须经全体村民代表三分之二以上同意,不是到会的过半数。",
            [Vote("同意将村东荒坡 40 亩发包给县林果公司,承包期十五年", passes=False, special="TDCB-52")]))
        plan.turnout = 0.95
    elif ago == 4:
        plan.items.append(Item(
            "讨论第三村民小组个别农户之间调整承包地",
            "村委会主任{director}介绍:县道拓宽毁损第三村民小组两户的承包地共 2.3 亩,经组内协商,承包地较多的三户"
            "各让出部分耕地,在这五户之间适当调整。\n代表们核对了毁损面积和让出地块,同意按毁损多少调整多少。",
            [Vote("同意第三村民小组五户之间适当调整承包地 2.3 亩", "调整方案报镇人民政府和县农业农村局批准后实施。",
                  special="TDCB-28")]))
        plan.turnout = 0.95


def _routine(today: dt.date, rng: random.Random) -> list[Plan]:
    """The representatives' meeting each quarter, the supervisors' reviews, the party's yearly appraisal."""
    topics = {
        1: [Item("通报上年度村级财务收支和村务公开情况",
                 "村委会主任{director}通报了上年度村集体收入、支出及结余情况,各项收支已按季度张榜公开。\n"
                 "村民代表询问集体厂房租金的收缴情况,村会计当场作了说明,租金已全部收齐。\n"
                 "监委会主任{supervisor}表示,监委会已逐笔审核,未发现问题。",
                 [Vote("同意上年度村级财务收支情况报告", "上年度村级财务收支情况报告审议通过,按规定张榜公开。")]),
             Item("讨论春耕生产和灌溉沟渠清理安排",
                  "村委会主任{director}提出在春耕前统一清理村内灌溉沟渠。\n代表们建议按受益面积分段包干,老弱户由村里统一安排。",
                  [Vote("同意春耕前组织清理村内灌溉沟渠,按受益面积分段包干", "各村民小组在三月底前完成沟渠清理。")])],
        2: [Item("讨论防汛准备和汛期值班安排",
                 "村委会主任{director}通报了上级防汛工作部署。\n代表们提出河堤东段有一处渗水点,要求汛前修补,并排查危房户。",
                 [Vote("同意汛期值班安排和危房户转移预案", "汛期实行村干部带班、村民代表分片巡查,危房户汛期前转移安置。")]),
            Item("通报上半年党务、村务、财务公开情况",
                 "对照公开目录逐项通报了上半年公开情况,代表们对个别公开时间偏晚提出了意见,村委会表示改进。")],
        3: [Item("讨论秋收期间秸秆禁烧和防火工作",
                 "村委会主任{director}介绍了秸秆综合利用补贴政策。\n代表们建议由各组长分片包干,发现焚烧及时劝阻。",
                 [Vote("同意秸秆禁烧分片包干责任方案", "秸秆禁烧实行组长分片包干,村民代表协助巡查。")]),
            Item("通报城乡居民医保和养老保险缴费工作",
                 "通报了全村参保缴费进度,请代表们回组后动员未缴费户按时缴费。")],
        4: [Item("审议本年度村民委员会工作报告",
                 "村委会主任{director}作工作报告,总结了本年度基础设施建设、集体经济发展和为民服务情况。\n"
                 "代表们肯定了成绩,也对村内路灯维护不及时提出了批评。",
                 [Vote("同意本年度村民委员会工作报告", "本年度村民委员会工作报告审议通过。")]),
            Item("讨论冬季村内环境整治和道路清雪安排",
                 "代表们建议主干道清雪由村里组织,巷道由各户门前负责,并在入冬前清理柴草乱堆乱放。",
                 [Vote("同意冬季环境整治和道路清雪安排", "主干道清雪由村委会组织,巷道实行门前三包。")])],
    }
    out: list[Plan] = []
    for ago in range(QUARTERS):
        if ago == MISSED_QUARTER:
            continue
        start = quarter_start(today, ago)
        day = min(today, start + dt.timedelta(days=rng.randint(18, 50)))
        q = quarter_of(start)[1]
        out.append(Plan(day, R, "{quarter}村民代表会议".format(quarter=quarter_name(start)),
                        [Item(i.title, i.discussion, [Vote(v.text, v.resolution) for v in i.votes]) for i in topics[q]],
                        turnout=rng.uniform(0.8, 0.9), addendum=ADDENDUM if ago == 2 else None))
        _special_vote(out[-1], ago)
    for ago in range(1, QUARTERS, 3):
        start = quarter_start(today, ago)
        reviewed = quarter_name(start - dt.timedelta(days=1))
        out.append(Plan(start + dt.timedelta(days=rng.randint(4, 12)), S, "{q}村务公开审核会议".format(q=reviewed), [
            Item("审核{q}财务收支公开清单".format(q=reviewed),
                 "监委会主任{{supervisor}}主持,逐笔核对了本季度 {n} 笔收支凭证与公开清单。\n对一笔办公用品支出,要求村会计补附采购清单后再公开。"
                 .format(n=rng.randint(28, 60)),
                 [Vote("同意{q}财务收支公开清单张榜公布".format(q=reviewed), "公开清单审核通过,补附采购清单后张榜。")])],
            time_text="下午2:30"))
    first_year = quarter_start(today, QUARTERS - 1).year
    for year in range(first_year + 1, today.year + 1):
        day = dt.date(year, 1, rng.randint(12, 24))
        if day >= today:
            continue
        out.append(Plan(day, P, "{y}年度民主评议党员大会".format(y=year - 1), [
            Item("支部书记述职", "支部书记{secretary}报告了上年度抓党建、促发展的工作情况和存在的不足。"),
            Item("民主评议党员",
                 "党员逐一进行自我评价,互相提出批评意见。\n对年老体弱的党员,支委会会前已上门听取了意见。",
                 [Vote("同意民主评议结果:优秀 {a} 名,合格 {b} 名,其余基本合格".format(
                     a=rng.randint(6, 10), b=rng.randint(80, 90)), "民主评议结果报镇党委备案。")])],
            turnout=0.78))
    return out


def _occasional(today: dt.date, rng: random.Random, roster: list[str]) -> list[Plan]:
    """Group meetings, consultations and committee business outside 四议两公开."""
    def qday(ago: int, lo: int = 20, hi: int = 60) -> dt.date:
        return min(today - dt.timedelta(days=1), quarter_start(today, ago) + dt.timedelta(days=rng.randint(lo, hi)))

    hopeful = rng.choice(roster)
    return [
        Plan(today - dt.timedelta(days=rng.randint(36, 48)), G, "第一村民小组组内道路硬化筹劳会议", [
            Item("讨论组内道路硬化筹劳办法",
                 "组长介绍:村里统一采购水泥砂石,组内 600 米巷道由本组群众出工铺筑。\n有村民提出外出务工户无法出工,"
                 "会议商定外出户可按每工 100 元折资。",
                 [Vote("同意组内道路硬化每户出工 2 个,不能出工的按每工 100 元折资", "各户在十日内向组长报名出工日期。")])],
             group=0, turnout=0.74, place="第一村民小组文化活动室", time_text="晚上7:00"),
        Plan(today - dt.timedelta(days=rng.randint(95, 110)), G, "第三村民小组机动地发包会议", [
            Item("讨论组内 18 亩机动地发包方案", "组长介绍了机动地现状和发包设想。\n到会人数不足,会议只作了情况通报。",
                 [Vote("同意组内 18 亩机动地公开发包,承包期五年")])],
             group=2, by_counts=True, quorate=False, place="第三村民小组晒场", time_text="晚上7:00",
             notes="到会人数不足法定人数,会议不能作出决定,发包方案待下次会议表决。"),
        Plan(today - dt.timedelta(days=rng.randint(125, 140)), G, "第六村民小组公共水井维护会议", [
            Item("讨论公共水井维护费用分摊",
                 "组长提出水井水泵老化,每年维修要 2,000 多元。\n多数村民认为自来水已经入户,水井只作备用,不同意按户收费。",
                 [Vote("同意向组内每户每年收取水井维护费 50 元", passes=False),
                  Vote("同意水井维护费由组内集体收入列支", "水井维护费从组内机动地承包费中列支。")])],
             group=5, by_counts=True, turnout=0.72, place="第六村民小组活动室", time_text="晚上7:00"),
        Plan(qday(8), C, "垃圾清运费用议事协商会", [
            Item("协商生活垃圾清运费用的来源",
                 "保洁公司清运合同到期,续签费用每年增加 1.8 万元。\n镇环卫所工作人员介绍了周边村的做法。\n"
                 "部分代表主张向每户收费,多数代表认为会增加村民负担,建议先由集体收入列支。",
                 [Vote("同意向每户每月收取垃圾清运费 5 元", passes=False),
                  Vote("同意垃圾清运费由村集体经营收入列支一年,期满再议", "清运费一年内由村集体经营收入列支。")])],
             guests=[("吴海燕", "镇环卫所工作人员", False), ("郑国强", "沿街商户代表", True)], turnout=0.82),
        Plan(qday(2, 5, 15), B, "确定入党积极分子支部委员会会议", [
            Item("研究确定入党积极分子",
                 "组织委员介绍了入党申请人的现实表现和群众评议情况。",
                 [Vote("同意确定{name}同志为入党积极分子".format(name=hopeful), "报镇党委备案,指定两名党员作为培养联系人。")])]),
        Plan(qday(8, 5, 20), J, "年度工作计划两委联席会议", [
            Item("研究本年度村级工作计划",
                 "村委会主任{director}提出本年度基础设施、集体经济和环境整治三方面的计划。\n两委成员逐项讨论,压减了两项非急需支出。",
                 [Vote("同意本年度村级工作计划", "工作计划提交村民代表会议通报。")])]),
    ]


def _matter_meetings(today: dt.date, rng: random.Random, matters: dict[str, MatterPlan],
                     reps: dict[int, Plan]) -> list[Plan]:
    """The meetings that take the matters through their steps, and the villagers' meetings."""
    def days_ago(n: int) -> dt.date:
        return today - dt.timedelta(days=n)

    def steps_before(matter: MatterPlan, day: dt.date, body: str = "村民代表会议") -> list[Plan]:
        return [Plan(day - dt.timedelta(days=28), B, "研究{s}支部委员会会议".format(s=matter.subject),
                     [_step_items(matter, 1)]),
                Plan(day - dt.timedelta(days=20), J, "商议{s}两委联席会议".format(s=matter.subject),
                     [_step_items(matter, 2)]),
                Plan(day - dt.timedelta(days=12), P, "审议{s}党员大会".format(s=matter.subject),
                     [_step_items(matter, 3, body=body)], turnout=0.8)]

    out: list[Plan] = []
    # carried out: decided by the villagers' meeting (the one whose sign-in sheet photo is kept), which also
    # authorised the representatives' meeting to decide some of the Art. 24 matters
    canal = matters["canal"]
    v2 = Plan(quarter_start(today, 5) + dt.timedelta(days=rng.randint(30, 55)), V, "灌溉水渠改造和授权事项村民会议", [
        _step_items(canal, 4),
        Item("审议授权村民代表会议讨论决定部分村务事项",
             "村委会主任{director}说明:全村外出务工人员多,村民会议很难召集,拟授权村民代表会议讨论决定部分事项。\n"
             "村民提出授权要有范围和期限,决定的事项要张榜公开。",
             [Vote("授权村民代表会议在三年内讨论决定集体资产出租、发包和村集体经济项目立项事项",
                   "授权村民代表会议自本决议之日起三年内,讨论决定集体资产出租、发包和村集体经济项目立项事项,"
                   "所作决定须张榜公开,接受村民监督。", authorises=("lease", "stake"))])],
              by_counts=True, turnout=0.57, time_text="上午8:30", signin_photo=True)
    out += steps_before(canal, v2.day, "村民会议")
    out.append(v2)
    lease, stake, dividend = matters["lease"], matters["stake"], matters["dividend"]
    # resolved last quarter by the representatives, with the villagers' authorisation
    out += steps_before(lease, reps[1].day)
    reps[1].items.insert(0, _step_items(lease, 4))
    # failed: the representatives voted the investment down and the matter ended; the same party members'
    # meeting voted the first dividend plan down, and it went back to step 1
    first = steps_before(stake, reps[3].day)
    first[0].title, first[1].title, first[2].title = (
        "研究集体资金入股和收益分配支部委员会会议", "商议集体资金入股和收益分配两委联席会议", "审议集体资金入股和收益分配党员大会")
    for step, plan in enumerate(first, start=1):
        plan.items.append(_step_items(dividend, step, body="村民会议"))
    refused = first[2].items[1]
    refused.votes[0].passes, refused.votes[0].failure = False, "restarted"
    refused.votes[0].note = "党员大会表决未通过:不少党员认为公益金提取比例偏低,建议修改后重新提议。退回第一步。"
    refused.discussion = _before_vote(refused.discussion, "不少党员认为公益金提取比例只有 10% 偏低,应提高到 20% 以上。")
    out += first
    failed = _step_items(stake, 4)
    failed.votes[0].passes, failed.votes[0].failure = False, "ended"
    failed.votes[0].note = "村民代表会议表决未通过:多数代表认为项目在外地,风险难以把控,保底分红没有担保。事项终止。"
    failed.discussion = _before_vote(failed.discussion, "多名代表认为项目在外地,村里无法监管,保底分红没有担保,不同意入股。")
    reps[3].items.insert(0, failed)
    land, homestead, subsidy = matters["land"], matters["homestead"], matters["subsidy"]
    revised = "(修改稿)"
    # 村规民约 (Art. 27): steps 1-3 before the villagers' meeting that had no quorum; adopted at the next one
    rules = matters["rules"]
    rules_day = quarter_start(today, 2) + dt.timedelta(days=rng.randint(20, 45))
    out += steps_before(rules, rules_day, "村民会议")
    out.append(Plan(quarter_start(today, 1) + dt.timedelta(days=rng.randint(10, 30)), V, "表决村规民约村民会议",
                    [_step_items(rules, 4)], by_counts=True, turnout=0.58, time_text="上午8:30"))
    out += [
        Plan(days_ago(75), B, "研究土地延包和收益分配支部委员会会议",
             [_step_items(land, 1), _step_items(dividend, 1, round_note=revised)]),
        Plan(days_ago(68), J, "商议土地延包和收益分配两委联席会议",
             [_step_items(land, 2), _step_items(dividend, 2, round_note=revised)]),
        Plan(days_ago(60), P, "审议土地延包和收益分配党员大会",
             [_step_items(land, 3, body="村民会议"), _step_items(dividend, 3, body="村民会议", round_note=revised)],
             turnout=0.8),
        Plan(days_ago(30), B, "研究宅基地使用方案支部委员会会议", [_step_items(homestead, 1)]),
        Plan(days_ago(22), J, "商议宅基地使用方案两委联席会议", [_step_items(homestead, 2)]),
        Plan(days_ago(9), B, "研究村干部误工补贴调整支部委员会会议", [_step_items(subsidy, 1)]),
        # in progress today: the two committees are discussing the subsidies
        Plan(today, J, "商议村干部误工补贴调整两委联席会议", [
            Item("商议“{s}”".format(s=subsidy.subject),
                 "村委会主任{director}介绍了周边村的补贴标准。\n(讨论情况会后整理)",
                 [Vote("同意“{s}”(草案),提交党员大会审议".format(s=subsidy.subject))])],
             close=False, voting=False, time_text="下午3:00"),
        # announced for next week: the villagers decide on the land and the dividends
        Plan(today + dt.timedelta(days=6), V, "土地延包和集体收益分配村民会议", [
            Item("表决“{s}”".format(s=land.subject), ""), Item("表决“{s}”".format(s=dividend.subject), "")],
             time_text="上午8:30"),
        # the villagers' meeting that did not reach its quorum (the 村规民约 waits for the next one)
        Plan(rules_day, V, "修订村规民约村民会议", [
            Item("审议村规民约(修订草案)",
                 "村委会主任{director}宣读了修订草案,新增了移风易俗、垃圾分类等条款。\n"
                 "签到统计到会人数不足法定人数,会议只作了宣读和解释。",
                 [Vote("同意村规民约(修订草案)")])],
             by_counts=True, quorate=False, time_text="上午8:30",
             notes="到会人数不足法定人数,会议不能作出决定。修订草案在各组公开栏张贴,另行召开村民会议表决。"),
    ]
    return out


# ---------------------------------------------------------------- the entry point

# after disclosure: the matters draft their notices into it; after probationary: the party meetings list them
@demo_step("meetings", order=50, after=("people", "probationary", "disclosure"))
def load_demo_meetings(session: Session, data_dir: Path, village: Any = None, progress: Progress | None = None, *,
                       today: dt.date | None = None, seed: int = SEED) -> int:
    """Returns how many meetings were made. Meant for a fresh demo store, after the disclosure demo:
    the matters' notices are drafted into it. ``village`` (the generator's plain data) is not needed:
    the register and the roles are read from the store, as the minutes would be."""
    from app.meetings.matters import close_matter, create_matter, get_matter, record_filing, record_result
    from app.people.service import get_village
    from app.people.models import Resident, VillagerGroup

    today = today or dt.date.today()
    rng = random.Random(seed)
    earliest = quarter_start(today, QUARTERS - 1)
    _previous_term(session, rng, earliest)
    groups = list(session.scalars(select(VillagerGroup.id).order_by(VillagerGroup.sort_order, VillagerGroup.id)))
    young = (today - dt.timedelta(days=365 * 40), today - dt.timedelta(days=365 * 22))
    roster = list(session.scalars(select(Resident.name).where(
        Resident.status.is_(None), Resident.party_member.is_(False),
        Resident.birth_date.between(*young)).order_by(Resident.id).limit(200)))
    matters = _matters(today)
    routine = _routine(today, rng)
    reps = {ago: p for p in routine if p.kind == R for ago in range(QUARTERS)
            if quarter_start(today, ago) <= p.day < quarter_start(today, ago - 1)}
    plans = routine + _occasional(today, rng, roster or ["张三"]) + _matter_meetings(today, rng, matters, reps)
    for m in matters.values():
        m.id = create_matter(session, subject=m.subject, category=m.category, description=m.description).id
    clerk = Clerk(session, data_dir, rng, matters, groups, today)
    plans.sort(key=lambda p: p.day)
    for i, plan in enumerate(plans, start=1):
        clerk.hold(plan)
        if progress:
            progress(i, len(plans))
    # 两公开: the notices posted on the board (the lease's resolution is left overdue, for the due list)
    canal, rules = matters["canal"], matters["rules"]
    decided = max(p.day for p in plans if any(v.matter == "canal" and v.step == 4 for i in p.items for v in i.votes))
    info = clerk.post(get_matter(session, canal.id).resolution_notice_id, decided + dt.timedelta(days=2))
    done = min(today - dt.timedelta(days=10), decided + dt.timedelta(days=rng.randint(140, 170)))
    info = record_result(session, canal.id, summary=canal.result, carried_out_on=done, data_dir=data_dir)
    clerk.post(info.result_notice_id, done + dt.timedelta(days=3))
    close_matter(session, canal.id)
    adopted = get_matter(session, rules.id)
    if adopted.resolved_on is not None:  # Art. 27: published, then filed with the township
        clerk.post(adopted.resolution_notice_id, adopted.resolved_on + dt.timedelta(days=1))
        village = get_village(session)
        record_filing(session, rules.id, filed_on=min(today, adopted.resolved_on + dt.timedelta(days=9)),
                      reference="{t}备〔{y}〕{n}号".format(t=village.township if village else "本镇",
                                                        y=adopted.resolved_on.year, n=rng.randint(3, 18)))
        # printed and handed to every household two days ago: its result notice is drafted, due within days
        record_result(session, rules.id, summary="修订后的村规民约已印发到户,并在各村民小组公开栏张贴。",
                      carried_out_on=max(adopted.resolved_on, today - dt.timedelta(days=2)), data_dir=data_dir)
    return len(plans)
