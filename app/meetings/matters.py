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
and the result (实施结果公开) once the matter is carried out.

A motion that failed cannot be used to take a step; recording the failure either
ends the matter or sends it back to step 1 (a new round), and both stay on record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.events import now_text, record
from app.i18n import _
from app.meetings.kinds import MeetingKind
from app.meetings.models import (CARRIED_OUT, CLOSED, FAILED, IN_PROGRESS, RESOLVED, Matter, MatterStep, Meeting,
                                 Motion)
from app.people.service import FieldError, NotFound

ENDED, RESTARTED = "ended", "restarted"
SUBJECT_MAX = 60
SOURCE_PREFIX = "matter:"
RESOLUTION_ITEM, RESULT_ITEM = "SW-06", "SW-07"  # the disclosure catalogue's 四议两公开 items

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
        "other": _("其他涉及村民利益的重大事项"),
    }


def is_art24(category: str) -> bool:
    return category in categories() and category != "other"


class MatterError(Exception):
    """A step of 四议两公开 that cannot be taken; the message says why and what to do."""


def state_label(state: str) -> str:
    return {IN_PROGRESS: _("进行中"), RESOLVED: _("已决议,待实施"), CARRIED_OUT: _("已实施"),
            FAILED: _("已终止")}.get(state, state)


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
class MatterInfo:
    id: int
    subject: str
    category: str
    description: str
    authorisation: str
    state: str
    round: int
    steps: list[StepInfo] = field(default_factory=list)
    resolution_notice_id: int | None = None
    result_notice_id: int | None = None
    result_summary: str = ""
    carried_out_on: dt.date | None = None

    @property
    def category_label(self) -> str:
        return categories().get(self.category, self.category)

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
            kinds = "或".join(k.value for k in STEP_KINDS[n])
            return _("等待第 {n} 步:{label}({kinds})").format(n=n, label=step_label(n), kinds=kinds)
        if self.state == RESOLVED:
            return _("决议公开已起草;实施完成后登记实施结果")
        if self.state == CARRIED_OUT:
            return _("实施结果公开已起草")
        return _("已终止,不再进行")


def _get(session: Session, matter_id: int) -> Matter:
    matter = session.get(Matter, matter_id)
    if matter is None:
        raise NotFound(_("找不到编号为 {id} 的重大事项。").format(id=matter_id))
    return matter


def get_matter(session: Session, matter_id: int) -> MatterInfo:
    m = _get(session, matter_id)
    rows = session.execute(select(MatterStep, Meeting.title, Meeting.kind, Motion.text)
                           .join(Meeting, Meeting.id == MatterStep.meeting_id)
                           .join(Motion, Motion.id == MatterStep.motion_id)
                           .where(MatterStep.matter_id == m.id).order_by(MatterStep.id))
    steps = [StepInfo(s.id, s.round, s.step, s.meeting_id, title, kind, s.motion_id, text, s.date, s.passed,
                      s.outcome, s.note) for s, title, kind, text in rows]
    return MatterInfo(m.id, m.subject, m.category, m.description, m.authorisation, m.state, m.round, steps,
                      m.resolution_notice_id, m.result_notice_id, m.result_summary, m.carried_out_on)


def list_matters(session: Session, *, state: str = "") -> list[MatterInfo]:
    """Matters still in progress first, then by when they last changed."""
    stmt = select(Matter.id)
    if state:
        stmt = stmt.where(Matter.state == state)
    ids = session.scalars(stmt.order_by((Matter.state != IN_PROGRESS), Matter.updated_at.desc(), Matter.id.desc()))
    return [get_matter(session, i) for i in ids]


def _clean(subject: str, category: str, description: str, authorisation: str) -> tuple[str, str, str, str]:
    subject = " ".join((subject or "").split())
    if not subject:
        raise FieldError("subject", _("请填写事项名称,例如“村道硬化工程”。"))
    if len(subject) > SUBJECT_MAX:
        raise FieldError("subject", _("事项名称太长({n} 字),最多 {max} 字。").format(n=len(subject), max=SUBJECT_MAX))
    if category not in categories():
        raise FieldError("category", _("请选择事项类别。"))
    return subject, category, (description or "").strip(), (authorisation or "").strip()


def create_matter(session: Session, *, subject: str, category: str, description: str = "",
                  authorisation: str = "") -> MatterInfo:
    subject, category, description, authorisation = _clean(subject, category, description, authorisation)
    now = now_text()
    m = Matter(subject=subject, category=category, description=description, authorisation=authorisation,
               state=IN_PROGRESS, round=1, result_summary="", created_at=now, updated_at=now)
    session.add(m)
    session.flush()
    record(session, m, "create")
    return get_matter(session, m.id)


def update_matter(session: Session, matter_id: int, *, subject: str, category: str, description: str = "",
                  authorisation: str = "") -> MatterInfo:
    """Change the details while no step is taken yet; the authorisation may be recorded until step 4."""
    m = _get(session, matter_id)
    if m.state != IN_PROGRESS:
        raise MatterError(_("“{subject}”已经{state},不能再修改。").format(subject=m.subject, state=state_label(m.state)))
    subject, category, description, authorisation = _clean(subject, category, description, authorisation)
    taken = session.execute(select(func.count()).select_from(MatterStep).where(MatterStep.matter_id == m.id)).scalar_one()
    if taken and (subject, category, description) != (m.subject, m.category, m.description):
        raise MatterError(_("“{subject}”已经开始议事,事项名称、类别和说明不能再改;只能补记村民会议的授权。").format(
            subject=m.subject))
    m.subject, m.category, m.description, m.authorisation = subject, category, description, authorisation
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
    allowed = STEP_KINDS[step]
    if meeting.kind not in {k.value for k in allowed}:
        raise MatterError(_("第 {n} 步“{label}”要由{kinds}来议,“{title}”是{kind},不能用。").format(
            n=step, label=step_label(step), kinds="或".join(k.value for k in allowed), title=meeting.title,
            kind=meeting.kind))
    if meeting.state != CLOSED:
        raise MatterError(_("“{title}”的会议记录还没有定稿。请先结束会议记录,再用它推进议事。").format(title=meeting.title))
    if not meeting.quorate:
        # nothing was decided: neither a step nor a failed vote
        raise MatterError(_("“{title}”不足法定人数,表决无效,既不能推进也不算表决未通过。请另行召开会议表决。").format(
            title=meeting.title))
    if not motion.voted:
        raise MatterError(_("表决事项“{text}”还没有表决结果。").format(text=motion.text[:30]))
    if step == 4 and meeting.kind == MeetingKind.REPRESENTATIVES.value and is_art24(matter.category) \
            and not matter.authorisation:
        raise MatterError(_("“{category}”属于《村民委员会组织法》第二十四条规定的事项,应由村民会议决定;"
                            "由村民代表会议决定须有村民会议的授权。请先记录授权(哪次村民会议、授权内容),或改用村民会议。").format(
            category=categories()[matter.category]))
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


def candidates(session: Session, matter_id: int) -> list[tuple[int, str, dt.date, list[tuple[int, str, bool]]]]:
    """Closed meetings that could take the matter's next step: (meeting id, title, date, [(motion id, text, passed)])."""
    m = _get(session, matter_id)
    step = _next_step(session, m)
    previous = session.execute(select(func.max(MatterStep.date)).where(MatterStep.matter_id == m.id)).scalar_one()
    used = set(session.scalars(select(MatterStep.motion_id)))
    stmt = select(Meeting).where(Meeting.state == CLOSED, Meeting.kind.in_([k.value for k in STEP_KINDS[step]]))
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

def _create_notice(session: Session, m: Matter, item_code: str, title: str, body: str, day: dt.date,
                   data_dir) -> int:  # type: ignore[no-untyped-def]
    from app.disclosure.catalogue import CatalogueError, village_catalogue
    from app.disclosure.service import NoticeDraft, create_notice

    try:
        version = village_catalogue(data_dir, day).version
    except CatalogueError:
        version = ""
    draft = NoticeDraft(title=title[:60], category="村务", body=body, item_code=item_code,
                        period_key=f"E{day:%Y%m%d}", period_label=_("{year}年{month}月").format(
                            year=day.year, month=day.month), source=f"{SOURCE_PREFIX}{m.id}",
                        catalogue_version=version)
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
    if m.authorisation and meeting.kind == MeetingKind.REPRESENTATIVES.value:
        lines += [_("## 村民会议授权"), m.authorisation]
    lines += [_("## 决议内容和表决结果"),
              _("- 应到 {members} 人,实到 {present} 人;赞成 {f} 票,反对 {a} 票,弃权 {ab} 票。").format(
                  members=meeting.members, present=meeting.present, f=motion.votes_for, a=motion.votes_against,
                  ab=motion.abstentions),
              _("- 决议内容:{text}").format(text=motion.resolution or motion.text), "",
              _("如有疑问或意见,请在公开期内向村务监督委员会反映,或拨打监督电话。")]
    return _create_notice(session, m, RESOLUTION_ITEM, _("关于{subject}的决议公告").format(subject=m.subject),
                          "\n".join(lines), meeting.date, data_dir)


def _draft_result(session: Session, m: Matter, data_dir) -> int:  # type: ignore[no-untyped-def]
    step4 = session.scalars(select(MatterStep).where(MatterStep.matter_id == m.id, MatterStep.round == m.round,
                                                     MatterStep.step == 4)).one()
    lines = [_("## 事项名称和决议日期"), "- {subject}({date}决议)".format(subject=m.subject, date=step4.date.isoformat()),
             _("## 实施情况"), m.result_summary, _("## 实施完成日期"), "- " + m.carried_out_on.isoformat(), "",
             _("如有疑问或意见,请在公开期内向村务监督委员会反映,或拨打监督电话。")]
    return _create_notice(session, m, RESULT_ITEM, _("关于{subject}的实施结果公告").format(subject=m.subject),
                          "\n".join(lines), m.carried_out_on, data_dir)


def matter_for_notice(source: str) -> int | None:
    """The matter a notice was drafted for, from its ``source``; None for other notices."""
    if source.startswith(SOURCE_PREFIX):
        try:
            return int(source[len(SOURCE_PREFIX):])
        except ValueError:
            return None
    return None
