"""Meetings and their minutes, in the order of a real meeting: prepare, attend, discuss, vote, close.

Service functions take the caller's Session; the caller owns the transaction
(``with store.begin(actor) as s:``). Refusals raise :class:`MeetingError` (or
``FieldError`` for a value typed wrongly) before anything is written.

Rules:
- the verdict on every motion comes from :func:`app.meetings.rules.evaluate`,
  recomputed whenever attendance changes; numbers the rules call impossible
  are refused with their reason;
- closed minutes never change: closing takes a hash of the whole minutes into
  the meeting's event; ``cunwu check`` finds any later edit. A mistake is an
  addendum naming what it corrects. Files (the signed sign-in sheet's photo)
  may still be added: adding is not editing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import case, delete, func, select, text
from sqlalchemy.orm import Session

from app.errors import UserError
from app.events import EventWriter, canonical, now_text, record, verifier
from app.i18n import _
from app.meetings import search
from app.meetings.info import (AddendumInfo, AgendaInfo, AttendeeInfo, FileInfo, MeetingInfo, MeetingInput,  # noqa: F401
                               MeetingSummary, MotionInfo, attendance_label, choice_label, role_label, state_label)
from app.meetings.kinds import MAX_PROXIES_PER_HOLDER, MeetingKind, UnknownKind, info, parse_kind, proxy_rule
from app.meetings.members import PROBATIONARY_ROLE, membership
from app.meetings.models import (ABSTAIN, AGAINST, ATTACHMENT_ROLES, ATTENDANCE, CHOICES, CLOSED, EXPECTED, FOR,
                                 OBSERVER, PLANNED, PRESENT, PROXY, AgendaItem, Meeting, MeetingAddendum,
                                 MeetingAttachment, MeetingAttendee, Motion)
from app.meetings.rules import Rule, Verdict, evaluate, rule_for
from app.people.models import VillagerGroup
from app.people.importer import next_id
from app.people.service import FieldError, NotFound

TITLE_MAX = 60
TEXT_MAX = 20000
NAME_MAX = 30


class MeetingError(UserError):
    """An action on a meeting that cannot be done now; the message says why and what to do."""



# ---------------------------------------------------------------- checks of what was typed

def _clean_text(value: str, field_name: str, what: str, limit: int = TEXT_MAX) -> str:
    value = (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(value) > limit:
        raise FieldError(field_name, _("{what}太长({n} 字),最多 {max} 字。").format(what=what, n=len(value), max=limit))
    return value


def _clean_name(value: str, field_name: str, what: str, *, required: bool = False) -> str:
    name = " ".join((value or "").split())
    if required and not name:
        raise FieldError(field_name, _("请填写{what}。").format(what=what))
    if len(name) > NAME_MAX:
        raise FieldError(field_name, _("{what}“{name}”太长,请只填写姓名。").format(what=what, name=name[:NAME_MAX] + "…"))
    return name


def _clean_input(session: Session, data: MeetingInput) -> MeetingInput:
    try:
        kind = parse_kind(data.kind)
    except UnknownKind as exc:
        raise FieldError("kind", str(exc)) from None
    title = " ".join((data.title or "").split())
    if not title:
        raise FieldError("title", _("请填写会议名称,例如“关于村道硬化的村民代表会议”。"))
    if len(title) > TITLE_MAX:
        raise FieldError("title", _("会议名称太长({n} 字),最多 {max} 字。").format(n=len(title), max=TITLE_MAX))
    if not isinstance(data.date, dt.date):
        raise FieldError("date", _("请填写开会日期。"))
    group_id = data.group_id
    if kind == MeetingKind.GROUP:
        if group_id is None or session.get(VillagerGroup, group_id) is None:
            raise FieldError("group_id", _("村民小组会议要选定是哪个村民小组。"))
    else:
        group_id = None
    return MeetingInput(kind=kind.value, title=title, date=data.date,
                        time_text=_clean_text(data.time_text, "time_text", _("时间"), 32),
                        place=_clean_text(data.place, "place", _("地点"), 120), group_id=group_id,
                        convener=_clean_name(data.convener, "convener", _("召集人")),
                        chair=_clean_name(data.chair, "chair", _("主持人")),
                        recorder=_clean_name(data.recorder, "recorder", _("记录人")),
                        agenda_text=_clean_text(data.agenda_text, "agenda_text", _("议程")),
                        notes=_clean_text(data.notes, "notes", _("备注")))


# ---------------------------------------------------------------- reading

def _get(session: Session, meeting_id: int) -> Meeting:
    m = session.get(Meeting, meeting_id)
    if m is None:
        raise NotFound(_("找不到编号为 {id} 的会议。").format(id=meeting_id))
    return m


def _settings(data_dir: Path | None) -> Mapping:  # type: ignore[type-arg]
    if data_dir is None:
        return {}
    from app.config import load_settings

    return load_settings(data_dir).get("meetings") or {}


def meeting_rule(kind: str, data_dir: Path | None = None) -> Rule:
    """The rule a meeting of ``kind`` follows in this village (the law, or the village's setting)."""
    try:
        return rule_for(kind, _settings(data_dir))
    except ValueError:
        return rule_for(kind)  # a broken setting must not stop the minutes; the settings screen says why


def _summary_fields(session: Session, m: Meeting) -> dict:
    total, passed = session.execute(
        select(func.count(Motion.id), func.coalesce(func.sum(case((Motion.passed.is_(True), 1), else_=0)), 0)).where(Motion.meeting_id == m.id)).one()
    return dict(id=m.id, kind=m.kind, title=m.title, date=m.date, place=m.place, group_id=m.group_id, state=m.state,
                members=m.members, present=m.present, quorate=m.quorate, motions=int(total), passed=int(passed))


def _named(value: str) -> dict[int, str]:
    return {int(k): v for k, v in json.loads(value or "{}").items()}


def _motion_info(x: Motion) -> MotionInfo:
    return MotionInfo(x.id, x.agenda_item_id, x.position, x.text, x.voted, x.votes_for, x.votes_against,
                      x.abstentions, _named(x.named_votes), x.passed, x.verdict, x.resolution, x.special)


def _quorum(m: Meeting, rule: Rule | None = None) -> Verdict | None:
    if m.members <= 0:
        return None
    try:
        return evaluate(m.kind, members=m.members, present=m.present, votes_for=0, households=m.households
                        if m.households_present is not None else None,
                        households_represented=m.households_present if m.households is not None else None,
                        rule=rule)
    except ValueError:
        return None


def counted_statuses(kind: str, data_dir: Path | None = None) -> tuple[str, ...]:
    """The marks that count a member as present (and let them vote): in person always; a written proxy only at
    a kind whose village rule allows it, never at the law's kinds (Organic Law Art. 22, 26, 28)."""
    try:
        counted = proxy_rule(kind, _settings(data_dir)).counted
    except ValueError:
        counted = False
    return (PRESENT, PROXY) if counted else (PRESENT,)


def meeting_proxy_rule(kind: str, data_dir: Path | None = None):  # type: ignore[no-untyped-def]
    """What a written proxy is at a meeting of ``kind`` in this village (app.meetings.kinds.ProxyRule)."""
    return proxy_rule(kind, _settings(data_dir))


def _attendee_info(a: MeetingAttendee, counted: tuple[str, ...]) -> AttendeeInfo:
    return AttendeeInfo(a.id, a.resident_id, a.name, a.group_name, a.household, a.role_text, a.member, a.status,
                        a.proxy_name, a.note, proxy_holder_id=a.proxy_holder_id,
                        counted=bool(a.member and a.status in counted))


def get_meeting(session: Session, meeting_id: int, *, data_dir: Path | None = None) -> MeetingInfo:
    m = _get(session, meeting_id)
    group = session.get(VillagerGroup, m.group_id) if m.group_id else None
    counted = counted_statuses(m.kind, data_dir)
    attendees = [_attendee_info(a, counted) for a in session.scalars(
        select(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id)
        .order_by(MeetingAttendee.position, MeetingAttendee.id))]
    agenda = [AgendaInfo(a.id, a.position, a.title, a.discussion) for a in session.scalars(
        select(AgendaItem).where(AgendaItem.meeting_id == m.id).order_by(AgendaItem.position, AgendaItem.id))]
    motions = [_motion_info(x) for x in session.scalars(
        select(Motion).where(Motion.meeting_id == m.id).order_by(Motion.position, Motion.id))]
    files = [FileInfo(f.id, f.sha256, f.name, f.role, f.added) for f in session.scalars(
        select(MeetingAttachment).where(MeetingAttachment.meeting_id == m.id).order_by(MeetingAttachment.id))]
    addenda = [AddendumInfo(a.id, a.corrects, a.text, a.date, a.recorded_by) for a in session.scalars(
        select(MeetingAddendum).where(MeetingAddendum.meeting_id == m.id).order_by(MeetingAddendum.id))]
    return MeetingInfo(**_summary_fields(session, m), time_text=m.time_text, group_name=group.name if group else "",
                       convener=m.convener, chair=m.chair, recorder=m.recorder, agenda_text=m.agenda_text,
                       notes=m.notes, households=m.households, households_present=m.households_present,
                       closed_at=m.closed_at, content_hash=m.content_hash, attendees=attendees, agenda=agenda,
                       motion_list=motions, files=files, addenda=addenda,
                       quorum=_quorum(m, meeting_rule(m.kind, data_dir)))


@dataclass(frozen=True)
class MeetingQuery:
    text: str = ""
    kind: str = ""
    year: int | None = None
    state: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def also_searched(self) -> tuple[str, ...]:
        """The other words the search looked for (同时查找了“最低生活保障” for 低保): app.searchtext."""
        return search.also_searched(self.text)


def _filtered(q: MeetingQuery):  # type: ignore[no-untyped-def]
    stmt = select(Meeting)
    if q.kind:
        stmt = stmt.where(Meeting.kind == q.kind)
    if q.state:
        stmt = stmt.where(Meeting.state == q.state)
    if q.year:
        stmt = stmt.where(Meeting.date >= dt.date(q.year, 1, 1), Meeting.date <= dt.date(q.year, 12, 31))
    if q.since:
        stmt = stmt.where(Meeting.date >= q.since)
    if q.until:
        stmt = stmt.where(Meeting.date <= q.until)
    expr = search.expand(q.text).expression if q.text else None  # with the clerks' short forms
    if expr is not None:
        stmt = stmt.where(Meeting.id.in_(text(search.matching_ids_sql()).bindparams(fts=expr)))
    return stmt


def list_meetings(session: Session, q: MeetingQuery | None = None, *, limit: int | None = None,
                  offset: int = 0) -> list[MeetingSummary]:
    """Newest first."""
    stmt = _filtered(q or MeetingQuery()).order_by(Meeting.date.desc(), Meeting.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    meetings = list(session.scalars(stmt))
    counts = {mid: (int(t), int(p)) for mid, t, p in session.execute(
        select(Motion.meeting_id, func.count(Motion.id), func.coalesce(func.sum(case((Motion.passed.is_(True), 1), else_=0)), 0))
        .where(Motion.meeting_id.in_([m.id for m in meetings])).group_by(Motion.meeting_id))}
    return [MeetingSummary(id=m.id, kind=m.kind, title=m.title, date=m.date, place=m.place, group_id=m.group_id,
                           state=m.state, members=m.members, present=m.present, quorate=m.quorate,
                           motions=counts.get(m.id, (0, 0))[0], passed=counts.get(m.id, (0, 0))[1])
            for m in meetings]


def count_meetings(session: Session, q: MeetingQuery | None = None) -> int:
    return session.execute(select(func.count()).select_from(_filtered(q or MeetingQuery()).subquery())).scalar_one()


# ---------------------------------------------------------------- writing: prepare

def _reindex(session: Session, m: Meeting) -> None:
    parts: list[str] = [m.kind, m.title, m.place, m.convener, m.chair, m.recorder, m.agenda_text, m.notes]
    if m.members <= 200:  # a villagers' meeting's 2,000 names would swamp the index; committees' names help
        parts += session.scalars(select(MeetingAttendee.name).where(MeetingAttendee.meeting_id == m.id))
    for title, discussion in session.execute(select(AgendaItem.title, AgendaItem.discussion)
                                             .where(AgendaItem.meeting_id == m.id)):
        parts += [title, discussion]
    for motion_text, resolution in session.execute(select(Motion.text, Motion.resolution)
                                                   .where(Motion.meeting_id == m.id)):
        parts += [motion_text, resolution]
    for corrects, body in session.execute(select(MeetingAddendum.corrects, MeetingAddendum.text)
                                          .where(MeetingAddendum.meeting_id == m.id)):
        parts += [corrects, body]
    parts += session.scalars(select(MeetingAttachment.name).where(MeetingAttachment.meeting_id == m.id))
    search.index(session, m.id, parts)


def _refuse_closed(m: Meeting) -> None:
    if m.state == CLOSED:
        raise MeetingError(_("“{title}”的会议记录已经定稿,不能再修改。如有错误,请添加一条补充更正,写明更正什么。").format(
            title=m.title))


def _touch(session: Session, m: Meeting) -> None:
    m.updated_at = now_text()
    record(session, m, "update")
    _reindex(session, m)


def create_meeting(session: Session, data: MeetingInput, *, fill_attendees: bool = True) -> MeetingInfo:
    """Prepare a meeting; its expected attendees come from the register and the roles on its date."""
    d = _clean_input(session, data)
    now = now_text()
    m = Meeting(kind=d.kind, title=d.title, date=d.date, time_text=d.time_text, place=d.place, group_id=d.group_id,
                convener=d.convener, chair=d.chair, recorder=d.recorder, agenda_text=d.agenda_text, notes=d.notes,
                state=PLANNED, members=0, present=0, quorate=False, created_at=now, updated_at=now)
    session.add(m)
    session.flush()
    record(session, m, "create")
    if fill_attendees:
        _fill(session, m)
    for position, line in enumerate((x.strip() for x in d.agenda_text.split("\n")), start=1):
        if line:
            item = AgendaItem(meeting_id=m.id, position=position, title=line[:200], discussion="")
            session.add(item)
            session.flush()
            record(session, item, "create")
    _reindex(session, m)
    return get_meeting(session, m.id)


def _fill(session: Session, m: Meeting) -> None:
    """Replace the attendance list with the members on the meeting's date (only before anyone is marked)."""
    old = list(session.scalars(select(MeetingAttendee.id).where(MeetingAttendee.meeting_id == m.id)))
    session.execute(delete(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id))
    writer = EventWriter(session)
    for attendee_id in old:  # the log says the old list went, row by row, as `cunwu check` expects
        writer.add(MeetingAttendee.__record_type__, str(attendee_id), "delete", {"id": attendee_id})
    found = membership(session, m.kind, m.date, group_id=m.group_id)
    # a villagers' meeting lists some 2,000 adults: written in bulk, as the roster import writes residents
    first = next_id(session, MeetingAttendee)
    rows = [{"id": first + i, "meeting_id": m.id, "resident_id": p.resident_id, "name": p.name,
             "group_name": p.group_name, "household": p.household, "household_id": p.household_id,
             "role_text": p.role_text, "member": p.member, "status": EXPECTED if p.member else OBSERVER,
             "proxy_name": "", "proxy_holder_id": None, "note": "", "position": i + 1}
            for i, p in enumerate(found.people)]
    if rows:
        session.execute(MeetingAttendee.__table__.insert(), rows)
    for row in rows:
        writer.add_row(MeetingAttendee, row, "create")
    writer.flush()
    m.members = sum(1 for row in rows if row["member"])  # 列席 (a probationary party member) is never counted
    m.households = found.households
    m.present, m.households_present, m.quorate = 0, None, False
    m.updated_at = now_text()
    record(session, m, "update")


def _marked(session: Session, m: Meeting) -> bool:
    """Attendance was marked, or someone added by hand: the list can no longer be generated again.
    The probationary members the list itself puts there as 列席 are not marks."""
    generated_observer = (MeetingAttendee.member.is_(False) & (MeetingAttendee.status == OBSERVER)
                          & MeetingAttendee.role_text.like(PROBATIONARY_ROLE + "%")
                          & MeetingAttendee.resident_id.is_not(None))
    return bool(session.execute(select(func.count()).select_from(MeetingAttendee).where(
        MeetingAttendee.meeting_id == m.id, MeetingAttendee.status != EXPECTED, ~generated_observer)).scalar_one()) \
        or m.present > 0


def update_meeting(session: Session, meeting_id: int, data: MeetingInput) -> MeetingInfo:
    m = _get(session, meeting_id)
    _refuse_closed(m)
    d = _clean_input(session, data)
    refill = (d.kind, d.group_id, d.date) != (m.kind, m.group_id, m.date)
    if d.kind != m.kind:  # a motion marked as a special decision must stay at a kind that can take it
        for code in session.scalars(select(Motion.special).where(Motion.meeting_id == m.id,
                                                                 Motion.special.is_not(None))):
            _special(d.kind, code)
    if refill and (d.kind, d.group_id) != (m.kind, m.group_id) and _marked(session, m):
        raise MeetingError(_("已经登记了到会情况,不能再改会议类型或村民小组。请新建一个会议。"))
    m.kind, m.title, m.date, m.time_text, m.place, m.group_id = d.kind, d.title, d.date, d.time_text, d.place, d.group_id
    m.convener, m.chair, m.recorder, m.agenda_text, m.notes = d.convener, d.chair, d.recorder, d.agenda_text, d.notes
    if refill and not _marked(session, m):
        _fill(session, m)
    _touch(session, m)
    return get_meeting(session, m.id)


def delete_meeting(session: Session, meeting_id: int) -> None:
    """Drop a meeting that was never closed (planned, then called off); closed minutes stay for ever."""
    m = _get(session, meeting_id)
    _refuse_closed(m)
    writer_rows: list = []  # type: ignore[type-arg]
    for model in (MeetingAttendee, AgendaItem, Motion, MeetingAttachment):
        writer_rows += list(session.scalars(select(model).where(model.meeting_id == m.id)))  # type: ignore[attr-defined]
    writer = EventWriter(session)
    for row in writer_rows:
        writer.add(row.__record_type__, row.record_id, "delete", {"id": row.id})
        session.delete(row)
    writer.flush()
    search.drop(session, m.id)
    record(session, m, "delete")
    session.delete(m)


def refill_attendees(session: Session, meeting_id: int) -> MeetingInfo:
    m = _get(session, meeting_id)
    _refuse_closed(m)
    if _marked(session, m):
        raise MeetingError(_("已经登记了到会情况,重新生成名单会把它清掉。请先把到会情况改回“未登记”。"))
    _fill(session, m)
    _reindex(session, m)
    return get_meeting(session, m.id)


def add_attendee(session: Session, meeting_id: int, *, name: str, role_text: str = "", member: bool = True,
                 resident_id: int | None = None, group_name: str = "", data_dir: Path | None = None) -> AttendeeInfo:
    """Someone not on the generated list: an invited member of a consultation, or an observer (列席, not counted)."""
    m = _get(session, meeting_id)
    _refuse_closed(m)
    name = _clean_name(name, "name", _("姓名"), required=True)
    last = session.execute(select(func.max(MeetingAttendee.position))
                           .where(MeetingAttendee.meeting_id == m.id)).scalar_one() or 0
    a = MeetingAttendee(meeting_id=m.id, resident_id=resident_id, name=name, group_name=group_name, household="",
                        household_id=None, role_text=_clean_text(role_text, "role_text", _("职务"), 64),
                        member=member, status=EXPECTED if member else OBSERVER, proxy_name="", note="",
                        position=last + 1)
    session.add(a)
    session.flush()
    record(session, a, "create")
    if member:
        _recount(session, m, data_dir)
    _touch(session, m)
    return _attendee_info(a, counted_statuses(m.kind, data_dir))


def remove_attendee(session: Session, attendee_id: int, *, data_dir: Path | None = None) -> None:
    a = session.get(MeetingAttendee, attendee_id)
    if a is None:
        raise NotFound(_("找不到这位参会人员。"))
    m = _get(session, a.meeting_id)
    _refuse_closed(m)
    if m.kind not in (MeetingKind.CONSULTATION.value,) and a.member and a.resident_id is not None:
        raise MeetingError(_("{name}是这个会议的法定组成人员,不能从名单里删去;没来请登记为缺席或请假。").format(name=a.name))
    holding = [p.name for p in session.scalars(select(MeetingAttendee).where(
        MeetingAttendee.meeting_id == m.id, MeetingAttendee.status == PROXY, MeetingAttendee.proxy_holder_id == a.id))]
    if holding:
        raise MeetingError(_("{name}接受了{who}的委托,不能从名单里删去;请先改登记这些人的到会情况。").format(
            name=a.name, who="、".join(holding)))
    record(session, a, "delete")
    session.delete(a)
    session.flush()
    _recount(session, m, data_dir)
    _touch(session, m)


# ---------------------------------------------------------------- attend

Change = str | tuple[str, str] | tuple[str, int] | tuple[str, str, int | None]


def _parse_change(change: Change) -> tuple[str, str, int | None]:
    """(status, proxy holder's name, proxy holder's attendee id) from what a caller passes."""
    if isinstance(change, str):
        return change, "", None
    status, *rest = change
    name, holder = "", None
    for value in rest:
        if isinstance(value, int) and not isinstance(value, bool):
            holder = value
        elif isinstance(value, str):
            name = value
    return status, name, holder


def set_attendance(session: Session, meeting_id: int, changes: Mapping[int, Change], *,
                   data_dir: Path | None = None) -> MeetingInfo:
    """Mark attendees: {attendee id: status}, or for a written proxy (委托) {attendee id: ("proxy", holder)}
    where the holder is a name or the attendee id of the person holding it.

    Only people present in person count (Organic Law Art. 22, 26, 28). At the law's kinds a written proxy
    is recorded with its holder's name and counts neither as present nor as a vote; the party members'
    meeting takes none. A kind without a statutory rule counts a proxy only where the village's rule allows
    it, and then its holder must be an attendee of this meeting marked present, holding at most three.
    Anything refused raises before a row changes.
    """
    m = _get(session, meeting_id)
    _refuse_closed(m)
    kind = info(m.kind)
    prule = proxy_rule(m.kind, _settings(data_dir))
    everyone = {a.id: a for a in session.scalars(select(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id))}
    planned: dict[int, tuple[str, str, int | None]] = {}
    for attendee_id, change in changes.items():
        status, proxy, holder_id = _parse_change(change)
        a = everyone.get(attendee_id)
        if a is None:
            raise NotFound(_("这位参会人员不在这个会议的名单里。"))
        if status not in ATTENDANCE or status == OBSERVER and a.member:
            raise FieldError("status", _("到会情况“{status}”不对。").format(status=status))
        proxy = _clean_name(proxy, "proxy_name", _("受委托人"))
        if status != PROXY:
            planned[a.id] = (status, "", None)
            continue
        if not a.member:
            raise FieldError("status", _("{name}是列席人员,不计入会议人数,不需要委托。").format(name=a.name))
        if not prule.recordable:
            raise FieldError("status", prule.reason + _("{name}没来请登记为缺席或请假。").format(name=a.name))
        if holder_id is not None:
            holder = everyone.get(holder_id)
            if holder is None:
                raise FieldError("proxy_name", _("受委托人不在本次会议的名单里。"))
            proxy = holder.name
        elif prule.counted and proxy:
            same = [x for x in everyone.values() if x.name == proxy and x.member and x.id != a.id]
            if not same:
                raise FieldError("proxy_name", _("“{holder}”不是本次会议的组成人员。按本村议事规则,只能委托本次会议"
                                                 "到会的组成人员代为出席和表决。").format(holder=proxy))
            if len(same) > 1:
                raise FieldError("proxy_name", _("本次会议有 {n} 位叫“{holder}”的人,请在名单里核对后再登记委托。").format(
                    n=len(same), holder=proxy))
            holder_id = same[0].id
        if not proxy:
            raise FieldError("proxy_name", _("请填写替{name}出席的人的姓名。").format(name=a.name))
        planned[a.id] = (PROXY, proxy, holder_id)
    if prule.counted:
        _check_holders(everyone, planned)

    writer_rows = []
    for attendee_id, (status, proxy, holder_id) in planned.items():
        a = everyone[attendee_id]
        a.status, a.proxy_name, a.proxy_holder_id = status, proxy, holder_id
        writer_rows.append(a)
    session.flush()
    writer = EventWriter(session)
    for a in writer_rows:
        writer.add(a.__record_type__, a.record_id, "update", a.to_record())
    writer.flush()
    present, households_present = _attendance_counts(session, m, kind.by_households, data_dir)
    _set_counts(session, m, present, households_present, data_dir)
    return get_meeting(session, m.id, data_dir=data_dir)


def _check_holders(everyone: Mapping[int, MeetingAttendee], planned: Mapping[int, tuple[str, str, int | None]]) -> None:
    """A counted proxy (village rule): its holder is a member of this meeting, present in person, holding at most
    three. Checked on the marks as they would stand after the change, before anything is written."""
    status = {i: planned.get(i, (a.status, a.proxy_name, a.proxy_holder_id)) for i, a in everyone.items()}
    held: dict[int, list[str]] = {}
    for attendee_id, (mark, _name, holder_id) in status.items():
        if mark != PROXY:
            continue
        a = everyone[attendee_id]
        holder = everyone.get(holder_id) if holder_id is not None else None
        if holder is None or holder.id == a.id or not holder.member:
            raise FieldError("proxy_name", _("{name}的委托要写明本次会议到会的哪一位组成人员代为出席。").format(name=a.name))
        if status[holder.id][0] != PRESENT:
            raise FieldError("proxy_name", _("{holder}没有登记为亲自到会,不能代{name}出席和表决。请先登记{holder}出席,"
                                             "或把{name}登记为缺席或请假。").format(holder=holder.name, name=a.name))
        held.setdefault(holder.id, []).append(a.name)
    for holder_id, names in held.items():
        if len(names) > MAX_PROXIES_PER_HOLDER:
            raise FieldError("proxy_name", _("{holder}已接受 {n} 份委托({names}),按本村议事规则每人最多 {max} 份。").format(
                holder=everyone[holder_id].name, n=len(names), names="、".join(names), max=MAX_PROXIES_PER_HOLDER))


def _attendance_counts(session: Session, m: Meeting, by_households: bool,
                       data_dir: Path | None) -> tuple[int, int | None]:
    """Members present as the law counts them, and households represented by a person of theirs present.

    A written proxy never represents a household (Art. 22, 28: 户的代表 is someone of the household who came)."""
    counted = counted_statuses(m.kind, data_dir)
    present = session.execute(select(func.count()).select_from(MeetingAttendee).where(
        MeetingAttendee.meeting_id == m.id, MeetingAttendee.member.is_(True),
        MeetingAttendee.status.in_(counted))).scalar_one()
    households_present = None
    if by_households and m.households is not None:
        households_present = session.execute(select(func.count(func.distinct(MeetingAttendee.household_id))).where(
            MeetingAttendee.meeting_id == m.id, MeetingAttendee.member.is_(True),
            MeetingAttendee.household_id.is_not(None), MeetingAttendee.status == PRESENT)).scalar_one()
    return present, households_present


def set_counts(session: Session, meeting_id: int, *, present: int, households_present: int | None = None,
               data_dir: Path | None = None) -> MeetingInfo:
    """The counts from the signed sign-in sheet, for a meeting too big to mark person by person."""
    m = _get(session, meeting_id)
    _refuse_closed(m)
    if households_present is not None and not info(m.kind).by_households:
        raise FieldError("households_present", _("{kind}不按户计算到会,请只填写人数。").format(kind=m.kind))
    _set_counts(session, m, present, households_present, data_dir)
    return get_meeting(session, m.id, data_dir=data_dir)


def _set_counts(session: Session, m: Meeting, present: int, households_present: int | None,
                data_dir: Path | None = None) -> None:
    try:
        evaluate(m.kind, members=m.members, present=present, votes_for=0,
                 households=m.households if households_present is not None else None,
                 households_represented=households_present if m.households is not None else None)
    except ValueError as exc:
        raise FieldError("present", str(exc)) from None
    m.present, m.households_present = present, households_present
    _recount(session, m, data_dir)
    m.updated_at = now_text()
    record(session, m, "update")  # counts are not searched: the index stays as it is


def _recount(session: Session, m: Meeting, data_dir: Path | None = None) -> None:
    """Every motion's verdict again, with attendance as it now stands; refuses counts that no longer fit."""
    m.members = session.execute(select(func.count()).select_from(MeetingAttendee).where(
        MeetingAttendee.meeting_id == m.id, MeetingAttendee.member.is_(True))).scalar_one()
    rule = meeting_rule(m.kind, data_dir)
    verdict = _quorum(m, rule)
    m.quorate = bool(verdict and verdict.quorate)
    writer = EventWriter(session)
    changed = False
    for x in session.scalars(select(Motion).where(Motion.meeting_id == m.id, Motion.voted.is_(True))):
        v = _verdict(m, x.votes_for, x.votes_against, x.abstentions, rule, x.special)
        if (x.passed, x.verdict) != (v.passed, v.reason):
            x.passed, x.verdict = v.passed, v.reason
            session.flush()
            writer.add(x.__record_type__, x.record_id, "update", x.to_record())
            changed = True
    if changed:
        writer.flush()


def _verdict(m: Meeting, votes_for: int, votes_against: int, abstentions: int, rule: Rule,
             special: str | None = None) -> Verdict:
    try:
        return evaluate(m.kind, members=m.members, present=m.present, votes_for=votes_for,
                        votes_against=votes_against, abstentions=abstentions,
                        households=m.households if m.households_present is not None else None,
                        households_represented=m.households_present if m.households is not None else None, rule=rule,
                        special=special)
    except ValueError as exc:
        raise FieldError("votes", str(exc)) from None


# ---------------------------------------------------------------- discuss

def add_agenda_item(session: Session, meeting_id: int, *, title: str, discussion: str = "") -> AgendaInfo:
    m = _get(session, meeting_id)
    _refuse_closed(m)
    title = _clean_text(title, "title", _("议题"), 200)
    if not title:
        raise FieldError("title", _("请填写议题。"))
    last = session.execute(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == m.id)).scalar_one()
    item = AgendaItem(meeting_id=m.id, position=(last or 0) + 1, title=title,
                      discussion=_clean_text(discussion, "discussion", _("讨论情况")))
    session.add(item)
    session.flush()
    record(session, item, "create")
    _touch(session, m)
    return AgendaInfo(item.id, item.position, item.title, item.discussion)


def _agenda_item(session: Session, item_id: int) -> tuple[AgendaItem, Meeting]:
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise NotFound(_("找不到这个议题。"))
    m = _get(session, item.meeting_id)
    _refuse_closed(m)
    return item, m


def update_agenda_item(session: Session, item_id: int, *, title: str, discussion: str) -> AgendaInfo:
    item, m = _agenda_item(session, item_id)
    title = _clean_text(title, "title", _("议题"), 200)
    if not title:
        raise FieldError("title", _("请填写议题。"))
    item.title, item.discussion = title, _clean_text(discussion, "discussion", _("讨论情况"))
    record(session, item, "update")
    _touch(session, m)
    return AgendaInfo(item.id, item.position, item.title, item.discussion)


def remove_agenda_item(session: Session, item_id: int) -> None:
    item, m = _agenda_item(session, item_id)
    if session.execute(select(func.count()).select_from(Motion).where(Motion.agenda_item_id == item.id)).scalar_one():
        raise MeetingError(_("议题“{title}”下面还有表决事项,请先删去表决事项。").format(title=item.title))
    record(session, item, "delete")
    session.delete(item)
    _touch(session, m)


# ---------------------------------------------------------------- vote

def _special(kind: str, special: str | None) -> str | None:
    """The stored code of a special-majority decision (app.meetings.specials); refuses a code the
    meeting's kind cannot take (the rules' message says which kinds can)."""
    from app.meetings.specials import check

    try:
        chosen = check(kind, special)
    except ValueError as exc:
        raise FieldError("special", str(exc)) from None
    return chosen.code if chosen else None


KEEP: object = object()  # update_motion: leave the motion's special decision as it is


def add_motion(session: Session, meeting_id: int, *, text: str, agenda_item_id: int | None = None,
               special: str | None = None) -> MotionInfo:
    """A motion to vote on; ``special`` marks a decision whose statute sets its own threshold
    (a code of app.meetings.specials, e.g. "TDCB-52"), None for an ordinary one."""
    m = _get(session, meeting_id)
    _refuse_closed(m)
    body = _clean_text(text, "text", _("表决事项"), 2000)
    if not body:
        raise FieldError("text", _("请写明付诸表决的事项。"))
    code = _special(m.kind, special)
    if agenda_item_id is not None:
        item = session.get(AgendaItem, agenda_item_id)
        if item is None or item.meeting_id != m.id:
            raise FieldError("agenda_item_id", _("这个议题不属于本次会议。"))
    last = session.execute(select(func.max(Motion.position)).where(Motion.meeting_id == m.id)).scalar_one()
    x = Motion(meeting_id=m.id, agenda_item_id=agenda_item_id, position=(last or 0) + 1, text=body, voted=False,
               votes_for=0, votes_against=0, abstentions=0, named_votes="", passed=False, verdict="", resolution="",
               special=code)
    session.add(x)
    session.flush()
    record(session, x, "create")
    _touch(session, m)
    return _motion_info(x)


def _motion(session: Session, motion_id: int) -> tuple[Motion, Meeting]:
    x = session.get(Motion, motion_id)
    if x is None:
        raise NotFound(_("找不到这个表决事项。"))
    m = _get(session, x.meeting_id)
    _refuse_closed(m)
    return x, m


def update_motion(session: Session, motion_id: int, *, text: str, resolution: str | None = None,
                  special: str | None | object = KEEP, data_dir: Path | None = None) -> MotionInfo:
    """The motion's wording, resolution and (when given) its special decision; a voted motion whose
    special decision changes gets its verdict again."""
    x, m = _motion(session, motion_id)
    body = _clean_text(text, "text", _("表决事项"), 2000)
    if not body:
        raise FieldError("text", _("请写明付诸表决的事项。"))
    if special is not KEEP:
        code = _special(m.kind, special)  # type: ignore[arg-type]
        if code != x.special:
            x.special = code
            if x.voted:
                v = _verdict(m, x.votes_for, x.votes_against, x.abstentions, meeting_rule(m.kind, data_dir), code)
                x.passed, x.verdict = v.passed, v.reason
    x.text = body
    if resolution is not None:
        x.resolution = _clean_text(resolution, "resolution", _("决议"))
    record(session, x, "update")
    _touch(session, m)
    return _motion_info(x)


def remove_motion(session: Session, motion_id: int) -> None:
    x, m = _motion(session, motion_id)
    record(session, x, "delete")
    session.delete(x)
    _touch(session, m)


def record_vote(session: Session, motion_id: int, *, votes_for: int, votes_against: int = 0, abstentions: int = 0,
                resolution: str = "", data_dir: Path | None = None) -> MotionInfo:
    """The counted vote on a motion; the verdict of the rules is kept with it."""
    x, m = _motion(session, motion_id)
    return _vote(session, x, m, votes_for, votes_against, abstentions, "", resolution, data_dir)


def _vote(session: Session, x: Motion, m: Meeting, votes_for: int, votes_against: int, abstentions: int,
          named_votes: str, resolution: str, data_dir: Path | None) -> MotionInfo:
    if m.present <= 0:
        raise MeetingError(_("还没有登记到会人数,请先在“签到”一步登记谁到会了,再记录表决。"))
    v = _verdict(m, votes_for, votes_against, abstentions, meeting_rule(m.kind, data_dir), x.special)
    x.voted, x.votes_for, x.votes_against, x.abstentions = True, votes_for, votes_against, abstentions
    x.named_votes = named_votes
    x.passed, x.verdict = v.passed, v.reason
    x.resolution = _clean_text(resolution, "resolution", _("决议")) or x.resolution
    record(session, x, "update")
    _touch(session, m)
    return _motion_info(x)


def record_named_votes(session: Session, motion_id: int, votes: Mapping[int, str], *, resolution: str = "",
                       data_dir: Path | None = None) -> MotionInfo:
    """Who voted how ({attendee id: for/against/abstain}); only members present in person may vote, or, where
    the village's rule counts proxies, a member whose proxy is held by someone present (cast by the holder)."""
    x, m = _motion(session, motion_id)
    present = {a.id: a for a in session.scalars(select(MeetingAttendee).where(
        MeetingAttendee.meeting_id == m.id, MeetingAttendee.member.is_(True),
        MeetingAttendee.status.in_(counted_statuses(m.kind, data_dir))))}
    for attendee_id, choice in votes.items():
        if choice not in CHOICES:
            raise FieldError("votes", _("表决意见只能是赞成、反对或弃权。"))
        if attendee_id not in present:
            a = session.get(MeetingAttendee, attendee_id)
            if a is not None and a.meeting_id == m.id and not a.member:
                raise FieldError("votes", _("{name}列席会议,没有表决权,不能记录其表决。").format(name=a.name))
            if a is not None and a.meeting_id == m.id and a.status == PROXY:
                raise FieldError("votes", _("{name}是书面委托,不计入到会人数,不能记录其表决。").format(name=a.name))
            raise FieldError("votes", _("{name}没有登记为到会,不能记录其表决。").format(
                name=a.name if a else attendee_id))
    counts = {c: sum(1 for v in votes.values() if v == c) for c in CHOICES}
    return _vote(session, x, m, counts[FOR], counts[AGAINST], counts[ABSTAIN],
                 canonical({str(k): v for k, v in sorted(votes.items())}), resolution, data_dir)


# ---------------------------------------------------------------- close, correct, attach

def minutes_hash(session: Session, m: Meeting) -> str:
    """SHA-256 of everything the minutes say; taken at closing and kept in the meeting's event."""
    def rows(model):  # type: ignore[no-untyped-def]
        return [r.to_record() for r in session.scalars(select(model).where(model.meeting_id == m.id)
                                                       .order_by(model.id))]
    meeting = {k: v for k, v in m.to_record().items()
               if k not in ("state", "closed_at", "content_hash", "updated_at")}
    content = {"meeting": meeting, "attendees": rows(MeetingAttendee), "agenda": rows(AgendaItem),
               "motions": rows(Motion)}
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def close_meeting(session: Session, meeting_id: int, *, data_dir: Path | None = None) -> MeetingInfo:
    """Freeze the minutes. A meeting that was not quorate is closed too: the record says so."""
    m = _get(session, meeting_id)
    _refuse_closed(m)
    missing = [what for what, value in ((_("主持人"), m.chair), (_("记录人"), m.recorder)) if not value]
    if missing:
        raise MeetingError(_("请先填写{what},再结束会议记录。").format(what="、".join(missing)))
    if m.members <= 0:
        raise MeetingError(_("这个会议还没有参会人员名单,请先生成或添加参会人员。"))
    _recount(session, m, data_dir)
    if m.quorate:
        unvoted = session.scalars(select(Motion.text).where(Motion.meeting_id == m.id, Motion.voted.is_(False))).first()
        if unvoted is not None:
            raise MeetingError(_("表决事项“{text}”还没有记录表决结果。请记录表决,或删去没有表决的事项。").format(
                text=unvoted[:30]))
    if m.date > dt.date.today():
        raise MeetingError(_("会议日期 {date} 还没到,不能结束会议记录。").format(date=m.date.isoformat()))
    m.state, m.closed_at = CLOSED, now_text()
    m.content_hash = minutes_hash(session, m)
    _touch(session, m)
    return get_meeting(session, m.id, data_dir=data_dir)


def add_addendum(session: Session, meeting_id: int, *, corrects: str, text: str, recorded_by: str,
                 date: dt.date | None = None) -> AddendumInfo:
    """A correction to closed minutes; the minutes themselves stay as they were closed."""
    m = _get(session, meeting_id)
    if m.state != CLOSED:
        raise MeetingError(_("“{title}”的会议记录还没有定稿,直接修改就可以,不需要补充更正。").format(title=m.title))
    corrects = _clean_text(corrects, "corrects", _("更正内容"), 200)
    if not corrects:
        raise FieldError("corrects", _("请写明更正的是哪一部分,例如“议题二的表决票数”。"))
    body = _clean_text(text, "text", _("更正说明"))
    if not body:
        raise FieldError("text", _("请写明更正后的内容和原因。"))
    date = date or dt.date.today()
    if date < m.date:
        raise FieldError("date", _("补充更正的日期早于开会日期,请检查。"))
    a = MeetingAddendum(meeting_id=m.id, corrects=corrects, text=body, date=date,
                        recorded_by=_clean_name(recorded_by, "recorded_by", _("记录人"), required=True), time=now_text())
    session.add(a)
    session.flush()
    record(session, a, "create")
    _reindex(session, m)
    return AddendumInfo(a.id, a.corrects, a.text, a.date, a.recorded_by)


def attach_file(session: Session, data_dir: Path, meeting_id: int, source: Path, *, role: str = "signin_photo",
                name: str = "") -> FileInfo:
    """Keep the photo of the signed sign-in sheet or a document with the minutes (also after closing)."""
    from app.attachments import link_file

    m = _get(session, meeting_id)
    a = link_file(session, data_dir, MeetingAttachment, source, role=role, roles=ATTACHMENT_ROLES, name=name,
                  meeting_id=m.id)
    _reindex(session, m)
    return FileInfo(a.id, a.sha256, a.name, a.role, a.added)


def verify_closed(session: Session) -> list[tuple[int, str]]:
    """Closed minutes whose content no longer matches the hash taken when they were closed."""
    return [(m.id, m.title) for m in session.scalars(select(Meeting).where(Meeting.state == CLOSED))
            if minutes_hash(session, m) != m.content_hash]


@verifier
def closed_problems(session: Session) -> list[tuple[str, str]]:
    """For ``cunwu check``: closed minutes still say what they said when they were closed."""
    return [(f"meetings #{meeting_id}", _("已定稿的会议记录“{title}”与定稿时不符(内容哈希变了)").format(title=title))
            for meeting_id, title in verify_closed(session)]


def rebuild_search(session: Session) -> int:
    session.execute(text(f"DELETE FROM {search.TABLE}"))
    count = 0
    for m in session.scalars(select(Meeting)):
        _reindex(session, m)
        count += 1
    return count


# ---------------------------------------------------------------- Art. 26: a representatives' meeting every quarter

def representatives_quarter(session: Session, on: dt.date):  # type: ignore[no-untyped-def]
    """Whether this quarter's representatives' meeting was held, and whether the last quarter missed one."""
    from app.events import Event
    from app.meetings.quarterly import representatives_status

    # held means recorded: minutes closed (a meeting only planned does not count)
    dates = list(session.scalars(select(Meeting.date).where(Meeting.kind == MeetingKind.REPRESENTATIVES.value,
                                                            Meeting.state == CLOSED)))
    first = session.execute(select(Event.time).where(Event.seq == 1)).scalar_one_or_none()
    return representatives_status(dates, on, since=dt.date.fromisoformat(first[:10]) if first else None)


def meeting_years(session: Session) -> list[int]:
    """The years with at least one meeting, the latest first (the meetings screen's year filter)."""
    from app.meetings.models import Meeting

    return sorted({d.year for d in session.scalars(select(Meeting.date).distinct()) if d}, reverse=True)
