"""Writing many residents at once: the roster import and the demo village.

One transaction for the whole batch, so a power cut or a killed process
leaves all of it or none of it. Rows go in with executemany and their events
through one EventWriter: a 20,000-row roster must not take 20,000 round trips.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.events import EventWriter
from app.i18n import _
from app.people.models import Household, Resident, VillagerGroup

Progress = Callable[[int, int], None]
PREVIEW_ROWS = 20


@dataclass
class PersonRecord:
    name: str
    sex: str
    birth_date: dt.date | None
    id_number: str | None
    phone: str = ""
    relation: str = ""
    party_member: bool = False
    representative: bool = False
    note: str = ""
    status: str | None = None
    probationary: bool = False  # 预备党员 (not also party_member)
    probation_since: dt.date | None = None


@dataclass
class HouseholdRecord:
    group_name: str
    address: str
    number: str
    members: list[PersonRecord]


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    households: int = 0
    groups_created: list[str] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)   # RowError from app.people.spreadsheet
    dry_run: bool = False
    preview: list[Any] = field(default_factory=list)  # the first parsed RosterRows, for the wizard

    @property
    def ok(self) -> bool:
        return not self.errors


def next_id(session: Session, model: type) -> int:
    """The id the next row of ``model`` gets when rows are written in bulk with their ids given."""
    return int(session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]


def write_households(session: Session, households: Sequence[HouseholdRecord],
                     progress: Progress | None = None) -> ImportReport:
    """Insert households and their members; create groups named but missing."""
    report = ImportReport()
    events = EventWriter(session)
    groups = {g.name: g.id for g in session.scalars(select(VillagerGroup))}
    order = int(session.scalar(select(func.max(VillagerGroup.sort_order))) or 0)
    next_group = next_id(session, VillagerGroup)
    new_groups = []
    for h in households:
        if h.group_name and h.group_name not in groups:
            order += 1
            row = {"id": next_group, "name": h.group_name, "sort_order": order}
            new_groups.append(row)
            events.add_row(VillagerGroup, row, "create")
            groups[h.group_name] = next_group
            report.groups_created.append(h.group_name)
            next_group += 1
    if new_groups:
        session.execute(VillagerGroup.__table__.insert(), new_groups)

    hid, rid = next_id(session, Household), next_id(session, Resident)
    total = sum(len(h.members) for h in households)
    hh_rows: list[dict[str, Any]] = []
    res_rows: list[dict[str, Any]] = []
    done = 0
    for h in households:
        gid = groups.get(h.group_name) if h.group_name else None
        hrow = {"id": hid, "number": h.number, "group_id": gid, "address": h.address}
        hh_rows.append(hrow)
        events.add_row(Household, hrow, "create")
        for p in h.members:
            row = {
                "id": rid, "name": p.name, "sex": p.sex, "birth_date": p.birth_date, "id_number": p.id_number,
                "phone": p.phone, "group_id": gid, "household_id": hid, "relation": p.relation,
                "party_member": bool(p.party_member), "representative": bool(p.representative), "note": p.note,
                "status": p.status, "probationary": bool(p.probationary),
                "probation_since": p.probation_since if p.probationary else None,
            }
            res_rows.append(row)
            events.add_row(Resident, row, "create")
            rid += 1
        hid += 1
        done += len(h.members)
        if len(res_rows) >= 2000:
            _flush(session, hh_rows, res_rows, events)
            if progress:
                progress(done, total)
    _flush(session, hh_rows, res_rows, events)
    if progress:
        progress(total, total)
    report.rows = report.imported = total
    report.households = len(households)
    return report


def _flush(session: Session, hh_rows: list, res_rows: list, events: EventWriter) -> None:  # type: ignore[type-arg]
    if hh_rows:
        session.execute(Household.__table__.insert(), hh_rows)
        hh_rows.clear()
    if res_rows:
        session.execute(Resident.__table__.insert(), res_rows)
        res_rows.clear()
    events.flush()


def households_from_roster(rows: Iterable[Any]) -> list[HouseholdRecord]:
    """Group roster rows into households.

    A row marked 户主 (or naming itself, or nobody, as head) starts a new
    household; other rows join the latest household in the same group whose
    head has the name they give, at the same address when the sheet has one.
    Two heads with the same common name in one group stay two households.
    """
    latest: dict[tuple[str, str, str], HouseholdRecord] = {}
    ordered: list[HouseholdRecord] = []
    for r in rows:
        is_head = r.relation == "户主" or (not r.relation and r.head_name in ("", r.name))
        head = r.name if is_head else (r.head_name or r.name)
        key = (r.group_name, head, r.address)
        h = None if is_head else latest.get(key) or latest.get((r.group_name, head, ""))
        if h is None:
            h = HouseholdRecord(group_name=r.group_name, address=r.address, number=str(len(ordered) + 1).zfill(4),
                                members=[])
            ordered.append(h)
            latest[key] = h
            latest.setdefault((r.group_name, head, ""), h)
            if is_head:
                latest[(r.group_name, head, "")] = h
        if not h.address and r.address:
            h.address = r.address
        # the relation stays as typed: an export of this register must import back unchanged
        h.members.append(PersonRecord(
            name=r.name, sex=r.sex, birth_date=r.birth_date, id_number=r.id_number, phone=r.phone,
            relation=r.relation, party_member=r.party_member, representative=r.representative, note=r.note,
            status=r.status, probationary=r.probationary, probation_since=r.probation_since))
    return ordered


def import_roster(session: Session, path: Path, *, dry_run: bool = False,
                  progress: Progress | None = None) -> ImportReport:
    """Read a roster file and, if every row is good and not ``dry_run``, write it all."""
    from app.people.spreadsheet import read_roster

    existing = set(session.scalars(select(Resident.id_number).where(Resident.id_number.is_not(None))))
    parsed = read_roster(path, existing_ids=existing)
    known_groups = set(session.scalars(select(VillagerGroup.name)))
    report = ImportReport(rows=len(parsed.rows) + len({e.row_number for e in parsed.errors}), dry_run=dry_run)
    report.errors = list(parsed.errors)
    report.preview = [] if parsed.errors else parsed.rows[:PREVIEW_ROWS]
    households = households_from_roster(parsed.rows)
    report.households = len(households)
    report.groups_created = [g for g in parsed.groups if g and g not in known_groups]
    if report.errors or dry_run:
        return report
    written = write_households(session, households, progress)
    written.errors = []
    return written


def summary(report: ImportReport) -> str:
    if report.errors:
        return _("共有 {n} 处错误,没有导入任何数据。请按下面的提示改正表格后重新导入。").format(n=len(report.errors))
    if report.dry_run:
        return _("检查通过:可以导入 {n} 人、{h} 户。(试运行,没有写入)").format(n=report.rows, h=report.households)
    text = _("已导入 {n} 人、{h} 户。").format(n=report.imported, h=report.households)
    if report.groups_created:
        text += _("新建村民小组:{groups}。").format(groups="、".join(report.groups_created))
    return text
