"""Export the register as the same roster sheet the import reads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.people.models import Household, Resident, VillagerGroup


def roster_rows(session: Session) -> Iterator[object]:
    from app.people.spreadsheet import RosterRow

    groups = {g.id: g.name for g in session.scalars(select(VillagerGroup))}
    addresses = {h.id: h.address for h in session.scalars(select(Household))}
    heads = dict(session.execute(select(Resident.household_id, Resident.name).where(Resident.relation == "户主")).all())
    stmt = select(Resident).order_by(Resident.group_id, Resident.household_id, Resident.id)
    for n, r in enumerate(session.scalars(stmt), start=2):
        head = heads.get(r.household_id, "") if r.household_id else ""
        yield RosterRow(
            row_number=n, name=r.name, sex=r.sex, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
            group_name=groups.get(r.group_id or 0, ""), head_name=head, relation=r.relation,
            party_member=r.party_member, representative=r.representative,
            address=addresses.get(r.household_id or 0, ""), note=r.note, status=r.status,
            probationary=bool(r.probationary), probation_since=r.probation_since if r.probationary else None,
        )


def export_roster(session: Session, path: Path) -> int:
    from app.people.spreadsheet import write_roster

    rows = list(roster_rows(session))
    write_roster(path, rows)
    return len(rows)
