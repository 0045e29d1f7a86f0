"""Who holds an office on a given day: the members of a body (村务监督委员会, 村民委员会, …) in force.

The roster's roles (``app.people.models.Role``) carry a term: ``term_start`` and
``term_end`` (either may be empty: from always, until further notice). A role is
in force on a day when the day falls inside its term, both ends included.

The supervision committee reviews every notice before it is posted (Organic Law
Art. 32; domain.md, 村务公开). Its reviewers are the members in force on the
review date: :func:`members_on` lists them for the review dialog and the command
line, :func:`supervision_terms` gives every term so a dialog can follow the date
being typed without asking the database again, and :func:`terms_of` says when a
person who is not in office now held it (“任期已于 … 结束”).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.i18n import _
from app.people.models import Resident, Role

SUPERVISION = "村务监督委员会"
# the chair before the members, as a board lists them
_TITLE_ORDER = {"书记": 0, "主任": 0, "副书记": 1, "副主任": 1, "委员": 2}


@dataclass(frozen=True)
class Member:
    """One term of one person in one body."""

    resident_id: int
    name: str
    body: str
    title: str
    term_start: dt.date | None
    term_end: dt.date | None

    def in_force(self, day: dt.date) -> bool:
        return (self.term_start is None or self.term_start <= day) and (self.term_end is None or day <= self.term_end)


def _terms(session: Session, body: str, name: str | None = None) -> list[Member]:
    stmt = (select(Role, Resident.name).join(Resident, Resident.id == Role.resident_id).where(Role.body == body)
            .order_by(Role.id))
    if name is not None:
        stmt = stmt.where(Resident.name == name)
    return [Member(r.resident_id, n, r.body, r.title, r.term_start, r.term_end) for r, n in session.execute(stmt)]


def in_force(terms: Iterable[Member], day: dt.date) -> list[Member]:
    """The terms in force on ``day``, one per person (the first registered), the chair first."""
    seen: set[int] = set()
    out: list[Member] = []
    for m in terms:
        if m.in_force(day) and m.resident_id not in seen:
            seen.add(m.resident_id)
            out.append(m)
    return sorted(out, key=lambda m: _TITLE_ORDER.get(m.title, 9))


def supervision_terms(session: Session) -> list[Member]:
    """Every term of every 村务监督委员会 member, past, present and future, in the order registered."""
    return _terms(session, SUPERVISION)


def members_on(session: Session, day: dt.date, body: str = SUPERVISION) -> list[Member]:
    """The members of ``body`` (the supervision committee by default) in force on ``day``, chair first."""
    return in_force(_terms(session, body), day)


def terms_of(session: Session, name: str, body: str = SUPERVISION) -> list[Member]:
    """Every term ``name`` held in ``body``: to say why someone not in office on a day cannot act for it."""
    return _terms(session, body, name)


# ---------------------------------------------------------------- registering a member


@dataclass(frozen=True)
class Candidate:
    """A villager on the register who can be chosen for an office: shown as "王芳(第二村民小组,1975年生)"."""

    resident_id: int
    name: str
    group_name: str
    birth_year: int | None

    @property
    def label(self) -> str:
        born = _("{year}年生").format(year=self.birth_year) if self.birth_year else ""
        details = ",".join(d for d in (self.group_name, born) if d)
        return _("{name}({details})").format(name=self.name, details=details) if details else self.name


def candidates(session: Session, on: dt.date) -> list[Candidate]:
    """Villagers on the register (not moved away, not deceased) who are 18 or older on ``on``, by name."""
    from app.people.idcard import is_adult
    from app.people.models import VillagerGroup

    rows = session.execute(select(Resident.id, Resident.name, VillagerGroup.name, Resident.birth_date)
                           .outerjoin(VillagerGroup, VillagerGroup.id == Resident.group_id)
                           .where(Resident.status.is_(None)).order_by(Resident.name, Resident.id))
    return [Candidate(rid, name, group or "", birth.year if birth else None) for rid, name, group, birth in rows
            if birth is None or is_adult(birth, on)]


def add_member(session: Session, *, resident_id: int, title: str, term_start: dt.date,
               term_end: dt.date | None = None, body: str = SUPERVISION) -> Member:
    """Register ``resident_id`` as a member of ``body`` for a term; the event is recorded (assign_role).

    Refused with a FieldError, nothing written: someone not on the register, a title the body
    does not have, an end before the start, a term that overlaps one the person already holds there.
    """
    from app.people.service import FieldError, NotFound, assign_role

    person = session.get(Resident, resident_id)
    if person is None:
        raise NotFound(_("找不到这位村民(编号 {id})。").format(id=resident_id))
    if person.status is not None:
        raise FieldError("resident", _("“{name}”已不在本村名册上(已迁出或已故),不能登记为{body}成员。").format(
            name=person.name, body=body))
    if term_start is None:
        raise FieldError("term_start", _("请填写任期开始的日期(当选或补选的日期)。"))
    if term_end is not None and term_end < term_start:
        raise FieldError("term_end", _("任期结束日期不能早于开始日期。"))
    for held in _terms(session, body):
        if held.resident_id != resident_id:
            continue
        starts_before_end = held.term_start is None or term_end is None or held.term_start <= term_end
        ends_after_start = held.term_end is None or held.term_end >= term_start
        if starts_before_end and ends_after_start:
            raise FieldError("term_start", _("“{name}”已登记为{body}{title},任期 {start} 至 {end},与这次填写的任期重叠。"
                                             "连任的请从上一届结束的次日开始登记。").format(
                name=person.name, body=body, title=held.title,
                start=held.term_start.isoformat() if held.term_start else _("(未填)"),
                end=held.term_end.isoformat() if held.term_end else _("今后")))
    info = assign_role(session, resident_id=resident_id, body=body, title=title, term_start=term_start,
                       term_end=term_end)
    return Member(resident_id, person.name, body, info.title, term_start, term_end)
