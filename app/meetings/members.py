"""Who is entitled to attend a meeting, read from the register and the roles in force on its date.

- 村民会议: residents of the village aged 18 or over on the day (Art. 22), and its households;
- 村民小组会议: the same within one villager group (Art. 28);
- 村民代表会议: the villagers' committee and the representatives (Art. 25);
- 党员大会: party members with a vote; probationary members (预备党员) have no vote
  (《中国共产党章程》第七条) and are listed as attending without a vote (列席), never
  in the quorum base or the vote base (《中国共产党支部工作条例(试行)》第十一条);
- 支部委员会会议 / 两委联席会议 / 村务监督委员会会议: the office holders;
- 议事协商会议: a starting list (both committees, the supervisors, the representatives)
  that the clerk adjusts: it has no fixed membership.

Moved-away and deceased residents are never counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.errors import FieldError
from app.i18n import _
from app.meetings.kinds import (ADULTS, BRANCH, GROUP_ADULTS, INVITED, PARTY_MEMBERS, REPRESENTATIVES, SUPERVISORS,
                                TWO_COMMITTEES, MeetingKind, info)
from app.meetings.rules import Threshold
from app.people.idcard import is_adult
from app.people.models import Household, Resident, Role, VillagerGroup

BRANCH_BODY, COMMITTEE_BODY, SUPERVISION_BODY, GROUP_BODY, REPS_BODY = (
    "党支部", "村民委员会", "村务监督委员会", "村民小组", "村民代表会议")


@dataclass(frozen=True)
class Expected:
    resident_id: int | None
    name: str
    group_name: str
    household: str
    household_id: int | None
    role_text: str
    sex: str = ""
    member: bool = True  # False: on the list, attending without counting (列席), e.g. a probationary party member


@dataclass(frozen=True)
class Membership:
    people: list[Expected]
    households: int | None  # for the kinds that may count households (Art. 22, 28)


def _short_body(body: str, title: str) -> str:
    short = {BRANCH_BODY: _("党支部"), COMMITTEE_BODY: _("村委会"), SUPERVISION_BODY: _("监委会"),
             GROUP_BODY: "", REPS_BODY: ""}.get(body, body)
    return short + title


def _roles(session: Session, on: dt.date) -> list[Role]:
    return list(session.scalars(select(Role)
                                .where(or_(Role.term_start.is_(None), Role.term_start <= on))
                                .where(or_(Role.term_end.is_(None), Role.term_end >= on))
                                .order_by(Role.body, Role.id)))


def role_texts(holders: list[Role]) -> dict[int, str]:
    """What each office holder is, for the sign-in sheet: {resident id: "党支部书记、村委会主任"}."""
    texts: dict[int, list[str]] = {}
    order = {BRANCH_BODY: 0, COMMITTEE_BODY: 1, SUPERVISION_BODY: 2, GROUP_BODY: 3, REPS_BODY: 4}
    for role in sorted(holders, key=lambda r: (order.get(r.body, 9), r.id)):
        texts.setdefault(role.resident_id, []).append(_short_body(role.body, role.title))
    return {rid: "、".join(dict.fromkeys(t)) for rid, t in texts.items()}


def _active():  # type: ignore[no-untyped-def]
    return select(Resident, VillagerGroup.name, VillagerGroup.sort_order, Household.number).outerjoin(
        VillagerGroup, VillagerGroup.id == Resident.group_id).outerjoin(
        Household, Household.id == Resident.household_id).where(Resident.status.is_(None))


def _ordered(rows: Iterable) -> list:  # type: ignore[type-arg]
    return sorted(rows, key=lambda row: (row[2] if row[2] is not None else 1 << 30, row[0].household_id or 0,
                                         row[0].id))


def _expected(row, roles: dict[int, str]) -> Expected:  # type: ignore[no-untyped-def]
    r, group_name, _order, number = row
    role = roles.get(r.id) or (_("户主") if r.relation == "户主" else "")
    return Expected(r.id, r.name, group_name or "", number or "", r.household_id, role, r.sex)


def membership(session: Session, kind: str | MeetingKind, on: dt.date, *, group_id: int | None = None) -> Membership:
    """The members of a meeting of ``kind`` held on ``on`` (for a group meeting, of ``group_id``)."""
    k = info(kind)
    holders = _roles(session, on)
    roles = role_texts(holders)
    if k.membership in (ADULTS, GROUP_ADULTS):
        stmt = _active()
        if k.membership == GROUP_ADULTS:
            if group_id is None:
                raise FieldError("group_id", _("村民小组会议要选定是哪个村民小组。"))
            stmt = stmt.where(Resident.group_id == group_id)
        rows = [row for row in session.execute(stmt) if row[0].birth_date and is_adult(row[0].birth_date, on)]
        people = [_expected(row, roles) for row in _ordered(rows)]
        households = len({p.household_id for p in people if p.household_id is not None})
        # a register kept without households can only count people
        return Membership(people, households or None)
    if k.membership == PARTY_MEMBERS:
        return Membership(_party(session, roles, on), None)
    wanted_bodies = {BRANCH: {BRANCH_BODY}, TWO_COMMITTEES: {BRANCH_BODY, COMMITTEE_BODY},
                     SUPERVISORS: {SUPERVISION_BODY}, REPRESENTATIVES: {COMMITTEE_BODY, REPS_BODY},
                     INVITED: {BRANCH_BODY, COMMITTEE_BODY, SUPERVISION_BODY, REPS_BODY}}[k.membership]
    ids = {r.resident_id for r in holders if r.body in wanted_bodies}
    stmt = _active()
    if k.membership in (REPRESENTATIVES, INVITED):
        stmt = stmt.where(or_(Resident.id.in_(ids), Resident.representative.is_(True)))
    else:
        stmt = stmt.where(Resident.id.in_(ids))
    rows = list(session.execute(stmt))
    if k.membership in (REPRESENTATIVES, INVITED):
        for row in rows:
            if row[0].representative and "村民代表" not in roles.get(row[0].id, ""):
                roles[row[0].id] = "、".join(t for t in (roles.get(row[0].id, ""), _("村民代表")) if t)
    people = [_expected(row, roles) for row in _ordered(rows)]
    return Membership(people, None)


PROBATIONARY_ROLE = "预备党员"  # the role text of a probationary member on a party meeting's list (stored)


def _party(session: Session, roles: dict[int, str], on: dt.date) -> list[Expected]:
    """Full members with a vote, then the probationary members as 列席 (member=False, role 预备党员).

    A resident marked probationary is never counted, even if also marked 党员 by an older import; one admitted
    after the meeting's day was not yet a party member then and is not listed.
    """
    rows = list(session.execute(_active().where(or_(Resident.party_member.is_(True),
                                                    Resident.probationary.is_(True)))))
    voting = [row for row in rows if row[0].probationary is not True]
    probationary = [row for row in rows if row[0].probationary is True
                    and (row[0].probation_since is None or row[0].probation_since <= on)]
    people = [_expected(row, roles) for row in _ordered(voting)]
    for row in _ordered(probationary):
        e = _expected(row, roles)
        role = "、".join(t for t in (PROBATIONARY_ROLE, roles.get(row[0].id, "")) if t)
        people.append(Expected(e.resident_id, e.name, e.group_name, e.household, e.household_id, role, e.sex,
                               member=False))
    return people



# ---------------------------------------------------------------- Art. 25: the representatives' meeting

FOUR_FIFTHS_OR_MORE = Threshold(4, 5, inclusive=True)
ONE_THIRD_OR_MORE = Threshold(1, 3, inclusive=True)


@dataclass(frozen=True)
class Composition:
    members: int  # committee members and representatives together
    representatives: int
    women_representatives: int
    warnings: list[str]


def representatives_composition(session: Session, on: dt.date) -> Composition:
    """Art. 25: representatives at least four fifths of the meeting, women representatives at least one third.

    No warnings before any representative is registered: there is nothing to check yet.
    """
    people = membership(session, MeetingKind.REPRESENTATIVES, on).people
    reps = [p for p in people if "村民代表" in p.role_text]
    women = [p for p in reps if p.sex == "女"]
    warnings: list[str] = []
    if reps:
        if not FOUR_FIFTHS_OR_MORE.met(len(reps), len(people)):
            warnings.append(_("村民代表会议组成人员 {total} 人,其中村民代表 {reps} 人,不到五分之四(至少要 {need} 人)。"
                              "依据:《村民委员会组织法》第二十五条。").format(
                total=len(people), reps=len(reps), need=FOUR_FIFTHS_OR_MORE.needed(len(people))))
        if not ONE_THIRD_OR_MORE.met(len(women), len(people)):
            warnings.append(_("村民代表会议组成人员 {total} 人,其中妇女村民代表 {women} 人,不到三分之一(至少要 {need} 人)。"
                              "依据:《村民委员会组织法》第二十五条。").format(
                total=len(people), women=len(women), need=ONE_THIRD_OR_MORE.needed(len(people))))
    return Composition(len(people), len(reps), len(women), warnings)

