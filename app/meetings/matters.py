"""Major matters (重大事项) decided by 四议两公开 (domain.md, seed 001).

Four deliberations, in order, each bound to the closed minutes of a meeting of
the right kind, in date order, and to the motion there that passed:

1. 党组织提议 — the party branch committee proposes (支部委员会会议);
2. 两委会商议 — the branch and the villagers' committee deliberate together (两委联席会议);
3. 党员大会审议 — the party members' meeting reviews (党员大会);
4. 村民会议或村民代表会议决议 — the villagers' meeting resolves, or the
   representatives' meeting; for the matters Art. 24 reserves to the villagers'
   meeting, the representatives' meeting only with its recorded authorisation.

Then two disclosures, drafted here as notices of the disclosure module that name
the matter (``source`` "matter:ID"): the resolution (决议公开) when step 4 passes,
and the result (实施结果公开) once the matter is carried out. Both must be POSTED:
the result cannot be recorded before the resolution notice is on the board, and the
matter cannot be closed (已办结) before the result notice is. Each is owed within its
catalogue item's deadline from the step that triggers it (``disclosure_events``).

A motion that failed cannot be used to take a step; recording the failure either
ends the matter or sends it back to step 1 (a new round), and both stay on record.

Art. 24's authorisation of the representatives' meeting is a link to the passed
motion of a closed 村民会议 (``authorisation_motion_id``); the free text of older
records stays readable. 村规民约 and 村民自治章程 (Art. 27) are reserved to the
villagers' meeting, and once adopted their filing with the township (报乡镇备案) is
recorded (``record_filing``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.events import now_text, record, verifier
from app.i18n import _
from app.meetings.kinds import MeetingKind, parse_kind
from app.meetings.matter_events import RESOLUTION_ITEM, RESULT_ITEM, MatterDates, NoticeState, occurrences
from app.meetings.models import (CARRIED_OUT, CLOSED, FAILED, IN_PROGRESS, RESOLVED, Matter, MatterStep, Meeting,
                                 Motion)
from app.people.service import FieldError, NotFound

__all__ = ["RESOLUTION_ITEM", "RESULT_ITEM"]  # re-exported: the disclosure catalogue's 四议两公开 items

ENDED, RESTARTED = "ended", "restarted"
COMPLETED = "completed"  # 已办结: the result notice posted and the matter closed
SUBJECT_MAX = 60
REFERENCE_MAX = 120
SOURCE_PREFIX = "matter:"
VILLAGE_RULES = "village_rules"  # 村规民约、村民自治章程 (Art. 27): only the villagers' meeting, filed with the township
RULES_ITEM_WORDS = ("村规民约", "村民自治章程", "自治章程")  # how the catalogue's item for them is found by name

STEP_KINDS: dict[int, tuple[MeetingKind, ...]] = {
    1: (MeetingKind.BRANCH_COMMITTEE,),
    2: (MeetingKind.JOINT_COMMITTEES,),
    3: (MeetingKind.PARTY,),
    4: (MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES),
}


def step_label(step: int) -> str:
    return {1: _("党组织提议"), 2: _("两委会商议"), 3: _("党员大会审议"), 4: _("村民会议或村民代表会议决议")}[step]


def categories() -> dict[str, str]:
    """Art. 24 matters (decided by the villagers' meeting, or by its authorisation the representatives'), and others."""
    return {
        "subsidy": _("村干部误工补贴人数及标准"),
        "income": _("从村集体经济所得收益的使用"),
        "public_welfare": _("村公益事业的兴办和筹资筹劳方案及建设承包方案"),
        "land_contract": _("土地承包经营方案"),
        "economic_project": _("村集体经济项目的立项、承包方案"),
        "homestead": _("宅基地的使用方案"),
        "compensation": _("征地补偿费的使用、分配方案"),
        "property": _("以借贷、租赁或者其他方式处分村集体财产"),
        "reserved": _("村民会议认为应当由其讨论决定的其他事项"),
        VILLAGE_RULES: _("制定和修改村规民约、村民自治章程"),
        "other": _("其他涉及村民利益的重大事项"),
    }


def is_art24(category: str) -> bool:
    """One of the matters Art. 24 lists: the villagers' meeting decides, or the representatives' by its authorisation."""
    return category in categories() and category not in ("other", VILLAGE_RULES)


def is_village_rules(category: str) -> bool:
    """村规民约 or 村民自治章程 (Art. 27): adopted by the villagers' meeting only, then filed with the township."""
    return category == VILLAGE_RULES


def step_kinds(step: int, category: str = "") -> tuple[MeetingKind, ...]:
    """The meeting kinds that may take ``step`` of a matter of ``category``."""
    if step == 4 and is_village_rules(category):
        return (MeetingKind.VILLAGERS,)
    return STEP_KINDS[step]


def art24_refusal(category: str) -> str:
    """Why a representatives' meeting cannot decide an Art. 24 matter without the villagers' authorisation."""
    return _("“{category}”是《村民委员会组织法》第二十四条规定的事项:“涉及村民利益的下列事项,经村民会议讨论决定方可办理”;"
             "“村民会议可以授权村民代表会议讨论决定前款规定的事项”。由村民代表会议决定,须先记录授权:"
             "选出村民会议上通过的授权决议(“记录授权…”),或改由村民会议决定。").format(
        category=categories().get(category, category))


def village_rules_refusal() -> str:
    """Why 村规民约 and 村民自治章程 go to the villagers' meeting only."""
    return _("村规民约、村民自治章程由村民会议制定和修改,并报乡镇人民政府备案(《村民委员会组织法》第二十七条);"
             "村民代表会议不能决定,村民会议也不能授权给它。请在村民会议上表决。")


class MatterError(UserError):
    """A step of 四议两公开 that cannot be taken; the message says why and what to do."""


def state_label(state: str) -> str:
    return {IN_PROGRESS: _("进行中"), RESOLVED: _("已决议,待实施"), CARRIED_OUT: _("已实施,待公开结果"),
            COMPLETED: _("已办结"), FAILED: _("已终止")}.get(state, state)


def is_open_state(state: str) -> bool:
    """Still being worked on: in progress, resolved, or carried out and waiting for its result notice."""
    return state in (IN_PROGRESS, RESOLVED, CARRIED_OUT)


@dataclass(frozen=True)
class StepInfo:
    id: int
    round: int
    step: int
    meeting_id: int
    meeting_title: str
    meeting_kind: str
    motion_id: int
    motion_text: str
    date: dt.date
    passed: bool
    outcome: str
    note: str

    @property
    def label(self) -> str:
        return step_label(self.step)


@dataclass(frozen=True)
class Authorisation:
    """The passed motion of a closed 村民会议 that authorised the representatives' meeting (Art. 24)."""

    meeting_id: int
    meeting_title: str
    date: dt.date
    motion_id: int
    motion_text: str

    @property
    def text(self) -> str:
        return _("{date}{title}通过:{motion}").format(date=self.date.isoformat(), title=self.meeting_title,
                                                    motion=self.motion_text)


@dataclass(frozen=True)
class MatterInfo:
    id: int
    subject: str
    category: str
    description: str
    authorisation: str  # free text of records from before the link (旧记录); new ones use authorised_by
    state: str
    round: int
    steps: list[StepInfo] = field(default_factory=list)
    resolution_notice_id: int | None = None
    result_notice_id: int | None = None
    result_summary: str = ""
    carried_out_on: dt.date | None = None
    authorised_by: Authorisation | None = None
    filed_on: dt.date | None = None
    filing_reference: str = ""

    @property
    def category_label(self) -> str:
        return categories().get(self.category, self.category)

    @property
    def village_rules(self) -> bool:
        return is_village_rules(self.category)

    @property
    def authorisation_text(self) -> str:
        """The authorisation as shown: the linked motion, or an older record's own words marked 旧记录."""
        if self.authorised_by is not None:
            return self.authorised_by.text
        if self.authorisation:
            return _("(旧记录)") + self.authorisation
        return ""

    @property
    def resolved_on(self) -> dt.date | None:
        """The day of the step-4 meeting that adopted the matter, in the current round."""
        return next((s.date for s in self.current_steps if s.step == 4), None)

    @property
    def filed(self) -> bool:
        return self.filed_on is not None

    @property
    def state_text(self) -> str:
        return state_label(self.state)

    @property
    def current_steps(self) -> list[StepInfo]:
        """The steps taken in the current round that passed, in order."""
        return [s for s in self.steps if s.round == self.round and s.passed]

    @property
    def next_step(self) -> int | None:
        if self.state != IN_PROGRESS:
            return None
        return len(self.current_steps) + 1

    @property
    def waiting(self) -> str:
        """What the matter waits for, in a few words for the board."""
        if self.state == IN_PROGRESS:
            n = self.next_step or 1
            kinds = "或".join(k.value for k in step_kinds(n, self.category))
            return _("等待第 {n} 步:{label}({kinds})").format(n=n, label=step_label(n), kinds=kinds)
        if self.state == RESOLVED:
            return _("决议公开张贴后,实施完成再登记实施结果")
        if self.state == CARRIED_OUT:
            return _("实施结果公开张贴后即可办结")
        if self.state == COMPLETED:
            return _("已办结:决议和实施结果都已公开")
        return _("已终止,不再进行")


def _get(session: Session, matter_id: int) -> Matter:
    matter = session.get(Matter, matter_id)
    if matter is None:
        raise NotFound(_("找不到编号为 {id} 的重大事项。").format(id=matter_id))
    return matter


def _authorisation(session: Session, motion_id: int | None) -> Authorisation | None:
    if motion_id is None:
        return None
    row = session.execute(select(Meeting.id, Meeting.title, Meeting.date, Motion.text)
                          .join(Motion, Motion.meeting_id == Meeting.id).where(Motion.id == motion_id)).first()
    return Authorisation(row[0], row[1], row[2], motion_id, row[3]) if row else None


def get_matter(session: Session, matter_id: int) -> MatterInfo:
    m = _get(session, matter_id)
    rows = session.execute(select(MatterStep, Meeting.title, Meeting.kind, Motion.text)
                           .join(Meeting, Meeting.id == MatterStep.meeting_id)
                           .join(Motion, Motion.id == MatterStep.motion_id)
                           .where(MatterStep.matter_id == m.id).order_by(MatterStep.id))
    steps = [StepInfo(s.id, s.round, s.step, s.meeting_id, title, kind, s.motion_id, text, s.date, s.passed,
                      s.outcome, s.note) for s, title, kind, text in rows]
    return MatterInfo(m.id, m.subject, m.category, m.description, m.authorisation, m.state, m.round, steps,
                      m.resolution_notice_id, m.result_notice_id, m.result_summary, m.carried_out_on,
                      _authorisation(session, m.authorisation_motion_id), m.filed_on, m.filing_reference or "")


def list_matters(session: Session, *, state: str = "") -> list[MatterInfo]:
    """Matters still in progress first, then by when they last changed."""
    stmt = select(Matter.id)
    if state:
        stmt = stmt.where(Matter.state == state)
    ids = session.scalars(stmt.order_by((Matter.state != IN_PROGRESS), Matter.updated_at.desc(), Matter.id.desc()))
    return [get_matter(session, i) for i in ids]


def _clean(subject: str, category: str, description: str) -> tuple[str, str, str]:
    subject = " ".join((subject or "").split())
    if not subject:
        raise FieldError("subject", _("请填写事项名称,例如“村道硬化工程”。"))
    if len(subject) > SUBJECT_MAX:
        raise FieldError("subject", _("事项名称太长({n} 字),最多 {max} 字。").format(n=len(subject), max=SUBJECT_MAX))
    if category not in categories():
        raise FieldError("category", _("请选择事项类别。"))
    return subject, category, (description or "").strip()


def create_matter(session: Session, *, subject: str, category: str, description: str = "") -> MatterInfo:
    """A new matter; an Art. 24 matter's authorisation is recorded with :func:`authorise`."""
    subject, category, description = _clean(subject, category, description)
    now = now_text()
    m = Matter(subject=subject, category=category, description=description, authorisation="",
               state=IN_PROGRESS, round=1, result_summary="", created_at=now, updated_at=now)
    session.add(m)
    session.flush()
    record(session, m, "create")
    return get_matter(session, m.id)


def update_matter(session: Session, matter_id: int, *, subject: str, category: str,
                  description: str = "") -> MatterInfo:
    """Change the details while no step is taken yet."""
    m = _get(session, matter_id)
    if m.state != IN_PROGRESS:
        raise MatterError(_("“{subject}”已经{state},不能再修改。").format(subject=m.subject, state=state_label(m.state)))
    subject, category, description = _clean(subject, category, description)
    taken = session.execute(select(func.count()).select_from(MatterStep).where(MatterStep.matter_id == m.id)).scalar_one()
    if taken and (subject, category, description) != (m.subject, m.category, m.description):
        raise MatterError(_("“{subject}”已经开始议事,事项名称、类别和说明不能再改。").format(subject=m.subject))
    if m.authorisation_motion_id is not None and not is_art24(category):
        raise MatterError(_("“{subject}”已记录村民会议的授权,不能改成不需要授权的类别。请先撤销授权。").format(
            subject=m.subject))
    m.subject, m.category, m.description = subject, category, description
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


# ---------------------------------------------------------------- Art. 24: the villagers' meeting's authorisation

def _authorising(session: Session, motion_id: int) -> tuple[Meeting, Motion]:
    """The motion and its meeting, if it can authorise: passed at the closed minutes of a 村民会议."""
    motion = session.get(Motion, motion_id)
    meeting = session.get(Meeting, motion.meeting_id) if motion is not None else None
    if motion is None or meeting is None:
        raise NotFound(_("找不到编号为 {id} 的表决事项。").format(id=motion_id))
    if meeting.kind != MeetingKind.VILLAGERS.value:
        raise MatterError(_("“{title}”是{kind}。授权村民代表会议决定第二十四条规定的事项,只能由村民会议作出"
                            "(《村民委员会组织法》第二十四条)。").format(title=meeting.title, kind=parse_kind(meeting.kind).label))
    if meeting.state != CLOSED:
        raise MatterError(_("“{title}”的会议记录还没有定稿。请先结束会议记录,再用它记录授权。").format(title=meeting.title))
    if not (meeting.quorate and motion.voted and motion.passed):
        raise MatterError(_("“{text}”在“{title}”上没有通过,不能作为授权。").format(text=motion.text[:30],
                                                                               title=meeting.title))
    return meeting, motion


def authorising_motions(session: Session) -> list[tuple[int, str, dt.date, list[tuple[int, str]]]]:
    """Passed motions of closed 村民会议, newest meeting first: (meeting id, title, date, [(motion id, text)])."""
    out = []
    meetings = session.scalars(select(Meeting).where(Meeting.kind == MeetingKind.VILLAGERS.value,
                                                     Meeting.state == CLOSED, Meeting.quorate.is_(True))
                               .order_by(Meeting.date.desc(), Meeting.id.desc()))
    for meeting in meetings:
        motions = [(x.id, x.text) for x in session.scalars(
            select(Motion).where(Motion.meeting_id == meeting.id, Motion.voted.is_(True), Motion.passed.is_(True))
            .order_by(Motion.position))]
        if motions:
            out.append((meeting.id, meeting.title, meeting.date, motions))
    return out


def authorise(session: Session, matter_id: int, *, motion_id: int | None) -> MatterInfo:
    """Link an Art. 24 matter to the passed motion of a closed 村民会议 that authorised the representatives'
    meeting to decide it (None removes the link). Possible until step 4 is taken; never for 村规民约."""
    m = _get(session, matter_id)
    if m.state != IN_PROGRESS:
        raise MatterError(_("“{subject}”已经{state},不能再改授权。").format(subject=m.subject, state=state_label(m.state)))
    if is_village_rules(m.category):
        raise MatterError(village_rules_refusal())
    if not is_art24(m.category):
        raise MatterError(_("“{subject}”不是第二十四条规定的事项,村民代表会议可以直接决定,不需要授权。").format(
            subject=m.subject))
    if motion_id is not None:
        _authorising(session, motion_id)
    m.authorisation_motion_id = motion_id
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


def _check_binding(session: Session, matter: Matter, step: int, meeting_id: int, motion_id: int) -> tuple[Meeting, Motion]:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None:
        raise NotFound(_("找不到编号为 {id} 的会议。").format(id=meeting_id))
    motion = session.get(Motion, motion_id)
    if motion is None or motion.meeting_id != meeting.id:
        raise MatterError(_("这个表决事项不是“{title}”上的。请选本次会议上表决的事项。").format(title=meeting.title))
    if step == 4 and is_village_rules(matter.category) and meeting.kind != MeetingKind.VILLAGERS.value:
        raise MatterError(village_rules_refusal())
    allowed = step_kinds(step, matter.category)
    if meeting.kind not in {k.value for k in allowed}:
        raise MatterError(_("第 {n} 步“{label}”要由{kinds}来议,“{title}”是{kind},不能用。").format(
            n=step, label=step_label(step), kinds="或".join(k.value for k in allowed), title=meeting.title,
            kind=parse_kind(meeting.kind).label))
    if meeting.state != CLOSED:
        raise MatterError(_("“{title}”的会议记录还没有定稿。请先结束会议记录,再用它推进议事。").format(title=meeting.title))
    if not meeting.quorate:
        # nothing was decided: neither a step nor a failed vote
        raise MatterError(_("“{title}”不足法定人数,表决无效,既不能推进也不算表决未通过。请另行召开会议表决。").format(
            title=meeting.title))
    if not motion.voted:
        raise MatterError(_("表决事项“{text}”还没有表决结果。").format(text=motion.text[:30]))
    if step == 4 and meeting.kind == MeetingKind.REPRESENTATIVES.value and is_art24(matter.category):
        if matter.authorisation_motion_id is None:
            raise MatterError(art24_refusal(matter.category))
        authorising, _motion = _authorising(session, matter.authorisation_motion_id)
        if authorising.date > meeting.date:
            raise MatterError(_("授权“{title}”在 {date} 才作出,晚于“{meeting}”({day})。村民代表会议只能在授权之后决定。").format(
                title=authorising.title, date=authorising.date.isoformat(), meeting=meeting.title,
                day=meeting.date.isoformat()))
    if motion.id == matter.authorisation_motion_id:
        raise MatterError(_("这个表决事项是村民会议的授权,不是对本事项的决议。请选会上对本事项的表决。"))
    used = session.execute(select(MatterStep.matter_id).where(MatterStep.motion_id == motion.id)).scalars().first()
    if used is not None:
        raise MatterError(_("这个表决事项已经用在另一个议事步骤上了,每个步骤要有自己的表决。"))
    # every round counts: after a restart the new proposal comes after the vote that failed
    previous = session.execute(select(func.max(MatterStep.date)).where(MatterStep.matter_id == matter.id)).scalar_one()
    if previous is not None and meeting.date < previous:
        raise MatterError(_("“{title}”在 {date} 召开,早于上一步的会议({previous})。四议要按先后顺序进行。").format(
            title=meeting.title, date=meeting.date.isoformat(), previous=previous.isoformat()))
    return meeting, motion


def _next_step(session: Session, m: Matter) -> int:
    if m.state != IN_PROGRESS:
        raise MatterError(_("“{subject}”已经{state},不能再推进。").format(subject=m.subject, state=state_label(m.state)))
    done = session.execute(select(func.count()).select_from(MatterStep).where(
        MatterStep.matter_id == m.id, MatterStep.round == m.round, MatterStep.passed.is_(True))).scalar_one()
    return done + 1


def take_step(session: Session, matter_id: int, *, step: int, meeting_id: int, motion_id: int,
              data_dir=None) -> MatterInfo:  # type: ignore[no-untyped-def]
    """Record that step ``step`` was decided at ``meeting_id`` by ``motion_id``, which passed.

    ``step`` must be the next one: a step cannot be skipped or taken twice. When step 4
    passes, the resolution disclosure is drafted.
    """
    m = _get(session, matter_id)
    expected = _next_step(session, m)
    if step != expected:
        raise MatterError(_("“{subject}”现在应进行第 {n} 步“{label}”,不能跳到第 {step} 步。").format(
            subject=m.subject, n=expected, label=step_label(expected), step=step) if step > expected else
            _("“{subject}”的第 {step} 步已经完成,现在应进行第 {n} 步“{label}”。").format(
                subject=m.subject, step=step, n=expected, label=step_label(expected)))
    meeting, motion = _check_binding(session, m, step, meeting_id, motion_id)
    if not motion.passed:
        raise MatterError(_("“{text}”在{title}上没有通过,不能作为第 {n} 步。请登记表决未通过:终止事项或退回第一步重新提议。").format(
            text=motion.text[:30], title=meeting.title, n=step))
    s = MatterStep(matter_id=m.id, round=m.round, step=step, meeting_id=meeting.id, motion_id=motion.id,
                   date=meeting.date, passed=True, outcome="", note="", time=now_text())
    session.add(s)
    session.flush()
    record(session, s, "create")
    if step == 4:
        m.state = RESOLVED
        m.resolution_notice_id = _draft_resolution(session, m, data_dir)
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


def record_failure(session: Session, matter_id: int, *, meeting_id: int, motion_id: int, outcome: str,
                   note: str = "") -> MatterInfo:
    """A vote on the next step failed: the matter ends, or goes back to step 1 in a new round."""
    m = _get(session, matter_id)
    step = _next_step(session, m)
    if outcome not in (ENDED, RESTARTED):
        raise FieldError("outcome", _("请选择:终止这个事项,或退回第一步重新提议。"))
    meeting, motion = _check_binding(session, m, step, meeting_id, motion_id)
    if motion.passed:
        raise MatterError(_("“{text}”已经通过,应作为第 {n} 步登记,而不是登记为未通过。").format(text=motion.text[:30], n=step))
    s = MatterStep(matter_id=m.id, round=m.round, step=step, meeting_id=meeting.id, motion_id=motion.id,
                   date=meeting.date, passed=False, outcome=outcome, note=(note or "").strip(), time=now_text())
    session.add(s)
    session.flush()
    record(session, s, "create")
    if outcome == ENDED:
        m.state = FAILED
    else:
        m.round += 1
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


def record_result(session: Session, matter_id: int, *, summary: str, carried_out_on: dt.date,
                  data_dir=None) -> MatterInfo:  # type: ignore[no-untyped-def]
    """The matter was carried out: what was done; drafts the implementation-result disclosure."""
    m = _get(session, matter_id)
    if m.state != RESOLVED:
        raise MatterError(_("“{subject}”还没有形成决议(现在是“{state}”),不能登记实施结果。").format(
            subject=m.subject, state=state_label(m.state)))
    resolution = _notice(session, m.resolution_notice_id)
    if resolution is None or not resolution.published:
        raise MatterError(_("“{subject}”的决议公开还没有张贴({state})。按“四议两公开”,决议先公开,再组织实施;"
                            "请到“村务公开”把决议公开送监委会审核、批准并张贴,再登记实施结果。").format(
            subject=m.subject, state=_notice_state_text(resolution)))
    summary = (summary or "").strip()
    if not summary:
        raise FieldError("summary", _("请写明实施情况:做了什么、花了多少钱、结果如何。"))
    last = session.execute(select(func.max(MatterStep.date)).where(MatterStep.matter_id == m.id)).scalar_one()
    if last and carried_out_on < last:
        raise FieldError("carried_out_on", _("实施完成日期早于决议日期({date}),请检查。").format(date=last.isoformat()))
    m.result_summary, m.carried_out_on, m.state = summary, carried_out_on, CARRIED_OUT
    m.result_notice_id = _draft_result(session, m, data_dir)
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


def close_matter(session: Session, matter_id: int) -> MatterInfo:
    """已办结: the result notice is on the board (and a 村规民约 is filed with the township); nothing more to do."""
    m = _get(session, matter_id)
    if m.state != CARRIED_OUT:
        raise MatterError(_("“{subject}”现在是“{state}”,只有已实施的事项可以办结。").format(
            subject=m.subject, state=state_label(m.state)))
    result = _notice(session, m.result_notice_id)
    if result is None or not result.published:
        raise MatterError(_("“{subject}”的实施结果公开还没有张贴({state})。“两公开”的第二项是公开实施结果;"
                            "请到“村务公开”把它送监委会审核、批准并张贴,再办结。").format(
            subject=m.subject, state=_notice_state_text(result)))
    if is_village_rules(m.category) and m.filed_on is None:
        raise MatterError(_("“{subject}”还没有登记报乡镇备案。村规民约、村民自治章程通过后要报乡镇人民政府备案"
                            "(《村民委员会组织法》第二十七条);请先登记备案日期和文号,再办结。").format(subject=m.subject))
    m.state = COMPLETED
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


def record_filing(session: Session, matter_id: int, *, filed_on: dt.date, reference: str,
                  today: dt.date | None = None) -> MatterInfo:
    """报乡镇备案: the day an adopted 村规民约 or 村民自治章程 was filed with the township, and the reference
    (the receipt's number). May be corrected until the matter is closed."""
    m = _get(session, matter_id)
    if not is_village_rules(m.category):
        raise MatterError(_("“{subject}”不是村规民约或村民自治章程,不需要报乡镇备案。").format(subject=m.subject))
    if m.state not in (RESOLVED, CARRIED_OUT):
        raise MatterError(_("“{subject}”现在是“{state}”。村民会议表决通过后才能报备案,办结后不能再改。").format(
            subject=m.subject, state=state_label(m.state)))
    reference = " ".join((reference or "").split())
    if not reference:
        raise FieldError("reference", _("请填写乡镇备案的文号或回执编号,例如“石桥镇备〔2026〕3号”;没有文号的,写接收人和日期。"))
    if len(reference) > REFERENCE_MAX:
        raise FieldError("reference", _("备案文号太长,最多 {max} 字。").format(max=REFERENCE_MAX))
    adopted = session.execute(select(MatterStep.date).where(
        MatterStep.matter_id == m.id, MatterStep.round == m.round, MatterStep.step == 4,
        MatterStep.passed.is_(True))).scalar_one()
    if filed_on < adopted:
        raise FieldError("filed_on", _("备案日期早于村民会议通过的日期({date}),请检查。").format(date=adopted.isoformat()))
    if filed_on > (today or dt.date.today()):
        raise FieldError("filed_on", _("备案日期 {date} 还没到,请填写实际报送的日期。").format(date=filed_on.isoformat()))
    m.filed_on, m.filing_reference = filed_on, reference
    m.updated_at = now_text()
    record(session, m, "update")
    return get_matter(session, m.id)


def candidates(session: Session, matter_id: int) -> list[tuple[int, str, dt.date, list[tuple[int, str, bool]]]]:
    """Closed meetings that could take the matter's next step: (meeting id, title, date, [(motion id, text, passed)])."""
    m = _get(session, matter_id)
    step = _next_step(session, m)
    previous = session.execute(select(func.max(MatterStep.date)).where(MatterStep.matter_id == m.id)).scalar_one()
    used = set(session.scalars(select(MatterStep.motion_id)))
    stmt = select(Meeting).where(Meeting.state == CLOSED,
                                 Meeting.kind.in_([k.value for k in step_kinds(step, m.category)]))
    if previous is not None:
        stmt = stmt.where(Meeting.date >= previous)
    out = []
    for meeting in session.scalars(stmt.order_by(Meeting.date.desc(), Meeting.id.desc())):
        motions = [(x.id, x.text, x.passed) for x in session.scalars(
            select(Motion).where(Motion.meeting_id == meeting.id, Motion.voted.is_(True)).order_by(Motion.position))
            if x.id not in used]
        if motions:
            out.append((meeting.id, meeting.title, meeting.date, motions))
    return out


# ---------------------------------------------------------------- the two disclosures

def _notice(session: Session, notice_id: int | None):  # type: ignore[no-untyped-def]
    """The notice's status (app.disclosure.service.NoticeStatus), None if there is none."""
    from app.disclosure.service import notice_statuses

    return notice_statuses(session, [notice_id]).get(notice_id) if notice_id is not None else None


def _notice_state_text(n) -> str:  # type: ignore[no-untyped-def]
    from app.disclosure.service import state_label as notice_state

    return _("已删除") if n is None else _("现在是“{state}”").format(state=notice_state(n.state))


def rules_item(catalogue) -> str:  # type: ignore[no-untyped-def]
    """The catalogue's item for 村规民约 and 村民自治章程, found by its name; the resolution item if it has none."""
    for item in catalogue.items if catalogue is not None else ():
        if item.category == "村务" and any(w in item.name for w in RULES_ITEM_WORDS):
            return item.code
    return RESOLUTION_ITEM


def _create_notice(session: Session, m: Matter, item_code: str, title: str, body: str, day: dt.date,
                   data_dir) -> int:  # type: ignore[no-untyped-def]
    """``item_code`` may be a function of the catalogue in force on ``day`` (None if there is none)."""
    from app.disclosure.calendar import period_for
    from app.disclosure.catalogue import CatalogueError, village_catalogue
    from app.disclosure.service import NoticeDraft, create_notice

    try:
        catalogue = village_catalogue(data_dir, day)
    except CatalogueError:
        catalogue = None
    code = item_code(catalogue) if callable(item_code) else item_code
    key, label = f"E{day:%Y%m%d}", _("{year}年{month}月").format(year=day.year, month=day.month)
    try:
        period = period_for(catalogue.item(code), day) if catalogue is not None else None
    except CatalogueError:
        period = None
    if period is not None:  # a periodic item (a county may list village rules yearly): the period of that day
        key, label = period.key, period.label
    draft = NoticeDraft(title=title[:60], category="村务", body=body, item_code=code, period_key=key,
                        period_label=label, source=f"{SOURCE_PREFIX}{m.id}",
                        catalogue_version=catalogue.version if catalogue is not None else "")
    return create_notice(session, draft).id


def _step_lines(session: Session, m: Matter) -> list[str]:
    info = get_matter(session, m.id)
    return ["- {label}({date},{title})".format(label=s.label, date=s.date.isoformat(), title=s.meeting_title)
            for s in info.current_steps]


def _draft_resolution(session: Session, m: Matter, data_dir) -> int:  # type: ignore[no-untyped-def]
    step4 = session.scalars(select(MatterStep).where(MatterStep.matter_id == m.id, MatterStep.round == m.round,
                                                     MatterStep.step == 4)).one()
    meeting, motion = session.get(Meeting, step4.meeting_id), session.get(Motion, step4.motion_id)
    lines = [_("## 事项名称"), "- " + m.subject, _("## 事项类别"), "- " + categories()[m.category]]
    if m.description:
        lines += [_("## 事项说明"), m.description]
    lines += [_("## 议事经过"), *_step_lines(session, m)]
    if meeting.kind == MeetingKind.REPRESENTATIVES.value:
        authorised = _authorisation(session, m.authorisation_motion_id)
        if authorised is not None:
            lines += [_("## 村民会议授权"), authorised.text]
        elif m.authorisation:
            lines += [_("## 村民会议授权"), m.authorisation]
    lines += [_("## 决议内容和表决结果"),
              _("- 应到 {members} 人,实到 {present} 人;赞成 {f} 票,反对 {a} 票,弃权 {ab} 票。").format(
                  members=meeting.members, present=meeting.present, f=motion.votes_for, a=motion.votes_against,
                  ab=motion.abstentions),
              _("- 决议内容:{text}").format(text=motion.resolution or motion.text)]
    if is_village_rules(m.category):
        lines += [_("- 经村民会议通过,报乡镇人民政府备案(《村民委员会组织法》第二十七条)。")]
    lines += ["", _("如有疑问或意见,请在公开期内向村务监督委员会反映,或拨打监督电话。")]
    item = rules_item if is_village_rules(m.category) else RESOLUTION_ITEM
    return _create_notice(session, m, item, _("关于{subject}的决议公告").format(subject=m.subject),
                          "\n".join(lines), meeting.date, data_dir)


def _draft_result(session: Session, m: Matter, data_dir) -> int:  # type: ignore[no-untyped-def]
    step4 = session.scalars(select(MatterStep).where(MatterStep.matter_id == m.id, MatterStep.round == m.round,
                                                     MatterStep.step == 4)).one()
    lines = [_("## 事项名称和决议日期"), "- {subject}({date}决议)".format(subject=m.subject, date=step4.date.isoformat()),
             _("## 实施情况"), m.result_summary, _("## 实施完成日期"), "- " + m.carried_out_on.isoformat(), "",
             _("如有疑问或意见,请在公开期内向村务监督委员会反映,或拨打监督电话。")]
    return _create_notice(session, m, RESULT_ITEM, _("关于{subject}的实施结果公告").format(subject=m.subject),
                          "\n".join(lines), m.carried_out_on, data_dir)


# ---------------------------------------------------------------- deadlines and the due list

def disclosure_events(session: Session) -> list:  # list[EventOccurrence]
    """The notices the matters owe, as the disclosure calendar's event occurrences: the resolution from
    step 4's meeting day, the result from the day it was carried out (app.meetings.matter_events)."""
    step4 = (select(MatterStep.date).where(MatterStep.matter_id == Matter.id, MatterStep.round == Matter.round,
                                          MatterStep.step == 4, MatterStep.passed.is_(True))
             .correlate(Matter).scalar_subquery())
    rows = session.execute(select(Matter.id, Matter.subject, step4, Matter.resolution_notice_id, Matter.carried_out_on,
                                  Matter.result_notice_id)
                           .where(Matter.state.in_((RESOLVED, CARRIED_OUT, COMPLETED))).order_by(Matter.id)).all()
    dates = [MatterDates(*r) for r in rows]
    ids = {i for d in dates for i in (d.resolution_notice_id, d.result_notice_id) if i is not None}
    from app.disclosure.service import notice_statuses

    notices = {i: NoticeState(n.item_code, n.state, n.posted_from, n.number)
               for i, n in notice_statuses(session, sorted(ids)).items()}
    return occurrences(dates, notices)


def disclosure_due(session: Session, data_dir, on: dt.date) -> list:  # type: ignore[no-untyped-def]
    """What ``cunwu disclosure due`` and the home screen list: the catalogue's due and overdue periods
    (app.disclosure.service.due_entries) and the matters' notices that are due or overdue."""
    from app.disclosure.service import due_entries

    return due_entries(session, data_dir, on, events=disclosure_events(session))


# ---------------------------------------------------------------- cunwu check

def verify_matters(session: Session) -> list[tuple[int, str]]:
    """What a matter points to and no longer holds (an SQL edit, a deleted row): (matter id, what is wrong).

    Every step at the closed minutes of its meeting, with a motion of that meeting that passed (a
    failed step: that failed); every notice it names exists; the authorisation, if any, a passed
    motion of a closed 村民会议."""
    problems: list[tuple[int, str]] = []
    for m in session.scalars(select(Matter).order_by(Matter.id)):
        def bad(text: str, m: Matter = m) -> None:
            problems.append((m.id, _("重大事项“{subject}”:{text}").format(subject=m.subject, text=text)))

        for s in session.scalars(select(MatterStep).where(MatterStep.matter_id == m.id).order_by(MatterStep.id)):
            where = _("第 {round} 轮第 {n} 步").format(round=s.round, n=s.step)
            meeting, motion = session.get(Meeting, s.meeting_id), session.get(Motion, s.motion_id)
            if meeting is None:
                bad(_("{where}的会议(#{id})不存在").format(where=where, id=s.meeting_id))
                continue
            if meeting.state != CLOSED:
                bad(_("{where}的会议“{title}”不是定稿的会议记录").format(where=where, title=meeting.title))
            if meeting.kind not in {k.value for k in step_kinds(s.step, m.category)}:
                bad(_("{where}的会议“{title}”是{kind},不能议这一步").format(where=where, title=meeting.title,
                                                                       kind=parse_kind(meeting.kind).label))
            if motion is None or motion.meeting_id != meeting.id:
                bad(_("{where}的表决事项(#{id})不在会议“{title}”上").format(where=where, id=s.motion_id,
                                                                        title=meeting.title))
            elif s.passed and not (motion.voted and motion.passed):
                bad(_("{where}记为通过,但会议“{title}”上的表决没有通过").format(where=where, title=meeting.title))
            elif not s.passed and (not motion.voted or motion.passed):
                bad(_("{where}记为未通过,但会议“{title}”上的表决不是未通过").format(where=where, title=meeting.title))
        for what, notice_id in ((_("决议公开"), m.resolution_notice_id), (_("实施结果公开"), m.result_notice_id)):
            if notice_id is not None and _notice(session, notice_id) is None:
                bad(_("{what}(公开事项 #{id})不存在").format(what=what, id=notice_id))
        if m.authorisation_motion_id is not None:
            motion = session.get(Motion, m.authorisation_motion_id)
            meeting = session.get(Meeting, motion.meeting_id) if motion is not None else None
            if motion is None or meeting is None:
                bad(_("授权的表决事项(#{id})不存在").format(id=m.authorisation_motion_id))
            elif meeting.kind != MeetingKind.VILLAGERS.value or meeting.state != CLOSED or not motion.passed:
                bad(_("授权“{text}”不是定稿的村民会议上通过的决议").format(text=motion.text[:30]))
    return problems


@verifier
def matter_problems(session: Session) -> list[tuple[str, str]]:
    """For ``cunwu check``: a major matter still points to closed minutes, passed motions and notices that exist."""
    return [(f"matters #{matter_id}", what) for matter_id, what in verify_matters(session)]


def matter_for_notice(source: str) -> int | None:
    """The matter a notice was drafted for, from its ``source``; None for other notices."""
    if source.startswith(SOURCE_PREFIX):
        try:
            return int(source[len(SOURCE_PREFIX):])
        except ValueError:
            return None
    return None


def matter_notice_ids(session: Session) -> list[tuple[int, int | None, int | None]]:
    """Every matter's id with the ids of its resolution and result notices (None until drafted), for the
    disclosure calendar's 已拟稿."""
    from app.meetings.models import Matter

    return [(m, resolution, result) for m, resolution, result in session.execute(
        select(Matter.id, Matter.resolution_notice_id, Matter.result_notice_id))]
