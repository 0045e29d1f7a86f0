"""``cunwu demo``: load a synthetic village into an empty store.

The generator (app.demo_data) makes plain data; this module writes it through
the same bulk path as the roster import, so the demo exercises the real code.
Later capabilities add their own records by appending a step to ``STEPS``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.i18n import _
from app.people.importer import HouseholdRecord, PersonRecord, write_households
from app.people.models import Resident, VillagerGroup
from app.people.service import assign_role, get_village, init_village
from app.storage import Store

Progress = Callable[[int, int], None]


class DemoError(UserError):
    pass


@dataclass(frozen=True)
class DemoInfo:
    name: str
    residents: int
    households: int
    groups: int


def _load_people(session: Session, village, progress: Progress | None) -> None:  # type: ignore[no-untyped-def]
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


def _probationary(session: Session, village, progress: Progress | None) -> None:  # type: ignore[no-untyped-def]
    """A few young adults admitted as probationary party members (预备党员) over the past year and a bit: one whose
    year ends within 30 days, one whose year has just ended (转正 not yet decided), the rest recently admitted."""
    import datetime as dt
    import random

    from app.events import record

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


# each later capability appends (name, function(session, village, progress))
STEPS: list[Callable[[Session, object, Progress | None], None]] = [_load_people, _probationary]


def create_demo(store: Store, *, size: str = "small", seed: int = 2026, progress: Progress | None = None) -> DemoInfo:
    from app.demo_data import generate_village

    with store.read() as s:
        if get_village(s) is not None:
            raise DemoError(_("这个数据目录里已经有村庄数据,演示村只能生成在空目录里。请用 --data-dir 指定一个新目录。"))
    village = generate_village(size, seed)
    with store.begin("演示数据") as s:
        init_village(s, name=village.name, code=village.code, township=village.township, county=village.county,
                     groups=village.groups)
        for step in STEPS:
            step(s, village, progress)
        from app.certificates.demo import load_demo_certificates

        load_demo_certificates(s, store.data_dir, village, progress)  # needs the data directory: the village key
        from app.disclosure.demo import load_demo_disclosure

        load_demo_disclosure(s, store.data_dir, village, progress)
        from app.meetings.demo import load_demo_meetings

        load_demo_meetings(s, store.data_dir, village, progress)  # after disclosure: matters draft notices into it
    from app.keys import ensure_village_key

    ensure_village_key(store.data_dir)
    return DemoInfo(
        name=village.name, residents=sum(len(h.members) for h in village.households),
        households=len(village.households), groups=len(village.groups),
    )
