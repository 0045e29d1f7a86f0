"""The demo village's register (``cunwu demo``): households, residents and the roles, then a few
probationary party members. Written through the same bulk path as the roster import, so the demo
exercises the real code. Both steps register with ``@demo_step`` (app.demo_registry).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.demo_registry import Progress, demo_step
from app.events import record
from app.people.importer import HouseholdRecord, PersonRecord, write_households
from app.people.models import Resident, VillagerGroup
from app.people.service import assign_role


@demo_step("people", order=10)
def load_demo_people(session: Session, data_dir: Path, village: Any, progress: Progress | None = None) -> None:
    """The households and their members in the village's groups, then the roles (村委会, 支部, 组长 ...)."""
    households = [
        HouseholdRecord(
            group_name=village.groups[h.group_index], address=h.address, number=h.number,
            members=[PersonRecord(name=p.name, sex=p.sex, birth_date=p.birth_date, id_number=p.id_number,
                                  phone=p.phone, relation=p.relation, party_member=p.party_member,
                                  representative=p.representative, note=p.note) for p in h.members],
        )
        for h in village.households
    ]
    write_households(session, households, progress)
    # residents were written in household order: map (household, member) to ids for the roles
    ids = list(session.scalars(select(Resident.id).order_by(Resident.id)))
    index: dict[tuple[int, int], int] = {}
    i = 0
    for hi, h in enumerate(village.households):
        for mi in range(len(h.members)):
            index[(hi, mi)] = ids[i]
            i += 1
    groups = {g.name: g.id for g in session.scalars(select(VillagerGroup))}
    for role in village.roles:
        gid = groups[village.groups[role.group_index]] if role.group_index is not None else None
        assign_role(session, resident_id=index[role.person], body=role.body, title=role.title, group_id=gid,
                    term_start=role.term_start, term_end=role.term_end)


@demo_step("probationary", order=20, after=("people",))
def load_demo_probationary(session: Session, data_dir: Path, village: Any, progress: Progress | None = None) -> None:
    """A few young adults admitted as probationary party members (预备党员) over the past year and a bit: one whose
    year ends within 30 days, one whose year has just ended (转正 not yet decided), the rest recently admitted."""
    today = dt.date.today()
    rng = random.Random(village.code)  # the same village, the same people
    young = (today - dt.timedelta(days=365 * 35), today - dt.timedelta(days=365 * 20))
    pool = list(session.scalars(select(Resident).where(
        Resident.status.is_(None), Resident.party_member.is_(False), Resident.birth_date.between(*young))
        .order_by(Resident.id).limit(400)))
    days_ago = [365 - 20, 365 + 12, 200, 120, 45]  # admitted this many days ago
    for resident, ago in zip(rng.sample(pool, min(len(pool), len(days_ago))), days_ago):
        resident.probationary, resident.probation_since = True, today - dt.timedelta(days=ago)
        record(session, resident, "update")
