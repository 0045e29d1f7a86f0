"""Service functions for the village profile, groups, households, residents and roles.

Every function takes the caller's Session; the caller owns the transaction
(``with store.begin(actor) as s:``). Functions return plain dataclasses, never
ORM objects, so the UI can hold results across threads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.errors import FieldError, NotFound  # noqa: F401 - importable from here, as before
from app.events import record
from app.i18n import _
from app.people.idcard import IdNumberError, birth_date_from_id, is_adult, sex_from_id, validate_id
from app.people.info import VillageInfo
from app.people.names import check_name
from app.people.phone import PhoneError
from app.people.phone import normalize_phone as phone_number
from app.people.models import Household, Resident, Role, Village, VillagerGroup
from app.people.uscc import UsccError, validate_uscc

SEXES = ("男", "女")
RELATIONS = ("户主", "配偶", "子", "女", "孙子", "孙女", "父亲", "母亲", "儿媳", "女婿", "兄弟", "姐妹", "其他")
ROLE_TITLES: dict[str, tuple[str, ...]] = {
    "党支部": ("书记", "副书记", "委员"),
    "村民委员会": ("主任", "副主任", "委员"),
    "村务监督委员会": ("主任", "委员"),
    "村民小组": ("组长",),
    "村民代表会议": ("村民代表",),
}


@dataclass(frozen=True)
class GroupInfo:
    id: int
    name: str
    residents: int = 0


@dataclass
class ResidentInput:
    name: str
    sex: str = ""
    birth_date: dt.date | None = None
    id_number: str | None = None
    phone: str = ""
    group_id: int | None = None
    household_id: int | None = None
    relation: str = ""
    party_member: bool = False
    representative: bool = False
    note: str = ""
    status: str | None = None  # None (在册), "moved" or "died"; Chinese words are accepted too
    # 预备党员: no vote until 转正 (《中国共产党章程》第七条); not also ``party_member``; the day admitted
    probationary: bool = False
    probation_since: dt.date | None = None


@dataclass(frozen=True)
class ResidentRow:
    id: int
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    phone: str
    group_id: int | None
    group_name: str
    household_id: int | None
    relation: str
    party_member: bool
    representative: bool
    note: str
    adult: bool
    status: str | None = None
    probationary: bool = False
    probation_since: dt.date | None = None


@dataclass(frozen=True)
class RoleInfo:
    id: int
    resident_id: int
    resident_name: str
    body: str
    title: str
    group_id: int | None
    term_start: dt.date | None
    term_end: dt.date | None


# ---------------------------------------------------------------- village

def get_village(session: Session) -> VillageInfo | None:
    v = session.get(Village, 1)
    return None if v is None else VillageInfo(v.name, v.code, v.township, v.county, v.hotline)


def init_village(session: Session, *, name: str, code: str, township: str, county: str = "",
                 groups: list[str] | tuple[str, ...] = ()) -> VillageInfo:
    if session.get(Village, 1) is not None:
        raise FieldError("code", _("本村资料已经建立过,不能重复初始化。要修改请到“设置”里改。"))
    name, township, county = name.strip(), township.strip(), (county or "").strip()
    if not name:
        raise FieldError("name", _("请填写村名。"))
    if not township:
        raise FieldError("township", _("请填写所属乡镇(街道)。"))
    try:
        code = validate_uscc(code)
    except UsccError as exc:
        raise FieldError("code", str(exc)) from exc
    v = Village(id=1, name=name, code=code, township=township, county=county, hotline="")
    session.add(v)
    record(session, v, "create")
    for g in groups:
        add_group(session, g)
    return VillageInfo(name, code, township, county)


def update_village(session: Session, *, name: str, township: str, county: str = "", hotline: str = "") -> VillageInfo:
    v = session.get(Village, 1)
    if v is None:
        raise NotFound(_("还没有建立本村资料。"))
    if not name.strip():
        raise FieldError("name", _("请填写村名。"))
    if not township.strip():
        raise FieldError("township", _("请填写所属乡镇(街道)。"))
    v.name, v.township, v.county, v.hotline = name.strip(), township.strip(), county.strip(), hotline.strip()
    record(session, v, "update")
    return VillageInfo(v.name, v.code, v.township, v.county, v.hotline)


# ---------------------------------------------------------------- groups

def add_group(session: Session, name: str) -> GroupInfo:
    name = name.strip()
    if not name:
        raise FieldError("group", _("请填写村民小组名称。"))
    if session.scalar(select(VillagerGroup.id).where(VillagerGroup.name == name)) is not None:
        raise FieldError("group", _("村民小组“{name}”已经存在。").format(name=name))
    order = (session.scalar(select(func.max(VillagerGroup.sort_order))) or 0) + 1
    g = VillagerGroup(name=name, sort_order=order)
    session.add(g)
    record(session, g, "create")
    return GroupInfo(g.id, g.name)


def list_groups(session: Session) -> list[GroupInfo]:
    counts = dict(session.execute(select(Resident.group_id, func.count()).group_by(Resident.group_id)).all())
    rows = session.scalars(select(VillagerGroup).order_by(VillagerGroup.sort_order, VillagerGroup.id))
    return [GroupInfo(g.id, g.name, counts.get(g.id, 0)) for g in rows]


# ---------------------------------------------------------------- households

def add_household(session: Session, *, group_id: int | None, address: str = "", number: str = "") -> int:
    if group_id is not None and session.get(VillagerGroup, group_id) is None:
        raise FieldError("group", _("所选村民小组不存在。"))
    h = Household(group_id=group_id, address=address.strip(), number=number.strip())
    session.add(h)
    record(session, h, "create")
    return h.id


# ---------------------------------------------------------------- residents

def normalize_phone(phone: str) -> str:
    try:
        return phone_number(phone)
    except PhoneError as exc:
        raise FieldError("phone", "{0}。{1}".format(exc, exc.fix)) from exc


def clean_resident(session: Session, data: ResidentInput, *, resident_id: int | None = None,
                   today: dt.date | None = None) -> ResidentInput:
    """Validate and normalise; raise FieldError naming the first wrong field."""
    today = today or dt.date.today()
    name = check_name(data.name)  # the same rule as the roster import and certificates (app.people.names)
    id_number = None
    sex, birth = data.sex, data.birth_date
    if data.id_number and str(data.id_number).strip():
        try:
            id_number = validate_id(data.id_number)
        except IdNumberError as exc:
            raise FieldError("id_number", str(exc)) from exc
        clash = session.scalar(select(Resident).where(Resident.id_number == id_number))
        if clash is not None and clash.id != resident_id:
            raise FieldError("id_number", _("身份证号 {id} 已登记在“{name}”名下,不能重复登记。").format(
                id=id_number, name=clash.name))
        id_sex, id_birth = sex_from_id(id_number), birth_date_from_id(id_number)
        if sex and sex != id_sex:
            raise FieldError("sex", _("性别与身份证号不一致:身份证号显示为{sex}。").format(sex=id_sex))
        if birth and birth != id_birth:
            raise FieldError("birth_date", _("出生日期与身份证号不一致:身份证号显示为{date}。").format(date=id_birth.isoformat()))
        sex, birth = id_sex, id_birth
    if sex not in SEXES:
        raise FieldError("sex", _("请选择性别(男或女)。"))
    if birth is None:
        raise FieldError("birth_date", _("没有身份证号时,请填写出生日期。"))
    if birth > today:
        raise FieldError("birth_date", _("出生日期不能晚于今天。"))
    if data.group_id is not None and session.get(VillagerGroup, data.group_id) is None:
        raise FieldError("group", _("所选村民小组不存在。"))
    if data.household_id is not None and session.get(Household, data.household_id) is None:
        raise FieldError("household", _("所选户不存在。"))
    probationary, since = clean_probation(data.party_member, data.probationary, data.probation_since, birth, today)
    return ResidentInput(
        name=name, sex=sex, birth_date=birth, id_number=id_number, phone=normalize_phone(data.phone),
        group_id=data.group_id, household_id=data.household_id, relation=(data.relation or "").strip(),
        party_member=bool(data.party_member), representative=bool(data.representative),
        note=(data.note or "").strip(), status=clean_status(data.status),
        probationary=probationary, probation_since=since,
    )


def clean_probation(party_member: bool, probationary: bool, since: dt.date | None, birth: dt.date | None,
                    today: dt.date) -> tuple[bool, dt.date | None]:
    """A probationary member (预备党员) is not yet a full member: the two marks exclude each other; the day
    admitted is kept only for a probationary member and cannot be in the future."""
    if party_member and probationary:
        raise FieldError("probationary", _("“党员”和“预备党员”只能选一个:预备党员还不是正式党员,没有表决权"
                                           "(《中国共产党章程》第七条)。转正以后改选“党员”。"))
    if not probationary:
        if since is not None:
            raise FieldError("probation_since", _("只有预备党员才填写预备期开始日期。请勾选“预备党员”,或清空日期。"))
        return False, None
    if since is not None and not isinstance(since, dt.date):
        raise FieldError("probation_since", _("预备期开始日期看不懂,请写成 2026-03-01 这样的格式。"))
    if since is not None and since > today:
        raise FieldError("probation_since", _("预备期开始日期 {date} 晚于今天,请检查。").format(date=since.isoformat()))
    if since is not None and birth is not None and since <= birth:
        raise FieldError("probation_since", _("预备期开始日期早于出生日期,请检查。"))
    return True, since


def clean_status(value: str | None) -> str | None:
    """The register's status from what a clerk types or picks; FieldError for anything else."""
    from app.people.status import StatusError, parse_status

    try:
        return parse_status(value)
    except StatusError as exc:
        raise FieldError("status", _("状态“{value}”看不懂。请填 在册、已迁出 或 已故。").format(value=exc)) from exc


def add_resident(session: Session, data: ResidentInput) -> ResidentRow:
    clean = clean_resident(session, data)
    r = Resident(**{f.name: getattr(clean, f.name) for f in fields(ResidentInput)})
    session.add(r)
    record(session, r, "create")
    return _row(session, r)


def update_resident(session: Session, resident_id: int, data: ResidentInput) -> ResidentRow:
    r = session.get(Resident, resident_id)
    if r is None:
        raise NotFound(_("找不到这位村民(编号 {id}),可能已被删除。").format(id=resident_id))
    clean = clean_resident(session, data, resident_id=resident_id)
    for f in fields(ResidentInput):
        setattr(r, f.name, getattr(clean, f.name))
    record(session, r, "update")
    return _row(session, r)


def delete_resident(session: Session, resident_id: int) -> None:
    r = session.get(Resident, resident_id)
    if r is None:
        raise NotFound(_("找不到这位村民(编号 {id}),可能已被删除。").format(id=resident_id))
    if session.scalar(select(func.count()).select_from(Role).where(Role.resident_id == resident_id)):
        raise FieldError("name", _("“{name}”还担任职务,请先在职务里结束其任期。").format(name=r.name))
    record(session, r, "delete")
    session.delete(r)
    session.flush()


def get_resident(session: Session, resident_id: int) -> ResidentRow:
    r = session.get(Resident, resident_id)
    if r is None:
        raise NotFound(_("找不到这位村民(编号 {id}),可能已被删除。").format(id=resident_id))
    return _row(session, r)


def _row(session: Session, r: Resident, group_names: dict[int, str] | None = None,
         today: dt.date | None = None) -> ResidentRow:
    if group_names is None:
        g = session.get(VillagerGroup, r.group_id) if r.group_id else None
        gname = g.name if g else ""
    else:
        gname = group_names.get(r.group_id or 0, "")
    today = today or dt.date.today()
    return ResidentRow(
        id=r.id, name=r.name, sex=r.sex, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
        group_id=r.group_id, group_name=gname, household_id=r.household_id, relation=r.relation,
        party_member=r.party_member, representative=r.representative, note=r.note,
        adult=bool(r.birth_date and is_adult(r.birth_date, today)), status=r.status,
        probationary=bool(r.probationary), probation_since=r.probation_since,
    )


@dataclass
class ResidentQuery:
    text: str = ""
    group_id: int | None = None
    adults_only: bool = False
    party_members_only: bool = False
    representatives_only: bool = False


def _filtered(q: ResidentQuery, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    from app.text import normalize_text

    stmt = select(Resident)
    text = normalize_text(q.text or "").strip().upper()
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Resident.name.like(like), Resident.id_number.like(like), Resident.phone.like(like)))
    if q.group_id is not None:
        stmt = stmt.where(Resident.group_id == q.group_id)
    if q.adults_only:
        today = today or dt.date.today()
        try:
            cutoff = today.replace(year=today.year - 18)
        except ValueError:  # 29 February
            cutoff = today.replace(year=today.year - 18, day=28)
        stmt = stmt.where(Resident.birth_date <= cutoff)
    if q.party_members_only:
        stmt = stmt.where(Resident.party_member.is_(True))
    if q.representatives_only:
        stmt = stmt.where(Resident.representative.is_(True))
    return stmt


def count_residents(session: Session, q: ResidentQuery | None = None) -> int:
    # count over a subquery: with_only_columns(count()) would drop FROM when there is no WHERE
    stmt = select(func.count()).select_from(_filtered(q or ResidentQuery()).order_by(None).subquery())
    return int(session.scalar(stmt) or 0)


def search_residents(session: Session, q: ResidentQuery | None = None, *, offset: int = 0,
                     limit: int = 200) -> list[ResidentRow]:
    group_names = {g.id: g.name for g in session.scalars(select(VillagerGroup))}
    stmt = _filtered(q or ResidentQuery()).order_by(Resident.group_id, Resident.household_id, Resident.id)
    today = dt.date.today()
    return [_row(session, r, group_names, today) for r in session.scalars(stmt.offset(offset).limit(limit))]


# ---------------------------------------------------------------- roles

def assign_role(session: Session, *, resident_id: int, body: str, title: str, group_id: int | None = None,
                term_start: dt.date | None = None, term_end: dt.date | None = None) -> RoleInfo:
    r = session.get(Resident, resident_id)
    if r is None:
        raise NotFound(_("找不到这位村民(编号 {id})。").format(id=resident_id))
    if title not in ROLE_TITLES.get(body, ()):
        raise FieldError("title", _("“{body}”没有“{title}”这个职务。").format(body=body, title=title))
    if term_start and term_end and term_end < term_start:
        raise FieldError("term_end", _("任期结束日期不能早于开始日期。"))
    role = Role(resident_id=resident_id, body=body, title=title, group_id=group_id,
                term_start=term_start, term_end=term_end)
    session.add(role)
    record(session, role, "create")
    return RoleInfo(role.id, r.id, r.name, body, title, group_id, term_start, term_end)


def list_roles(session: Session, *, on: dt.date | None = None) -> list[RoleInfo]:
    """Roles in force on ``on`` (default today)."""
    on = on or dt.date.today()
    stmt = (select(Role, Resident.name).join(Resident, Resident.id == Role.resident_id)
            .where(or_(Role.term_start.is_(None), Role.term_start <= on))
            .where(or_(Role.term_end.is_(None), Role.term_end >= on))
            .order_by(Role.body, Role.title, Role.id))
    return [RoleInfo(r.id, r.resident_id, name, r.body, r.title, r.group_id, r.term_start, r.term_end)
            for r, name in session.execute(stmt)]


# ---------------------------------------------------------------- probationary party members

def probations_due(session: Session, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Probationary members on the register whose year of probation ends within 30 days or has ended
    (《中国共产党章程》第七条), the earliest first: 转正 is for the party members' meeting to decide.

    app.schema.quick.probations_due reads the same for the home screen (tests/test_quick.py holds them equal).
    """
    from app.people.probation import due

    today = today or dt.date.today()
    rows = session.execute(select(Resident.id, Resident.name, VillagerGroup.name, Resident.probation_since)
                           .outerjoin(VillagerGroup, VillagerGroup.id == Resident.group_id)
                           .where(Resident.probationary.is_(True), Resident.status.is_(None),
                                  Resident.probation_since.is_not(None)))
    return due([(rid, name, group or "", since) for rid, name, group, since in rows], today)
