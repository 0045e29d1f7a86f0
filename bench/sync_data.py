"""Villages with a history, and a township of 60 villages, for the sync scenarios.

A real village changes a little every month for years. ``aged_village``
takes the large demo village and gives it ten years of monthly changes
(phones and notes of residents, written with their events exactly as the
services write them); ``township`` makes 60 villages enrolled at one hub,
each with a first full bundle and then one month's bundle.
"""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

from bench.core import Settings
from bench.villages import _cached, large_village

MONTHS = 120
PER_MONTH = 1500
QUICK_MONTHS = 3
QUICK_PER_MONTH = 50
VILLAGES = 60
QUICK_VILLAGES = 3
VILLAGE_MONTH = 400
HUB_NAME = "石桥镇"


def age(store, months: int, per_month: int, seed: int = 7) -> None:  # type: ignore[no-untyped-def]
    """``months`` monthly transactions, each changing ``per_month`` residents."""
    from sqlalchemy import select

    from app.events import EventWriter
    from app.people.models import Resident

    rng = random.Random(seed)
    with store.read() as s:
        ids = list(s.scalars(select(Resident.id)))
    per_month = min(per_month, len(ids))
    for m in range(months):
        year, month = 2016 + m // 12, m % 12 + 1
        with store.begin("文书") as s:
            chosen = rng.sample(ids, per_month)
            people = list(s.scalars(select(Resident).where(Resident.id.in_(chosen))))
            for r in people:
                r.phone = f"139{rng.randrange(10**8):08d}"
                r.note = f"{year}年{month}月入户核实"
            s.flush()
            writer = EventWriter(s)
            writer.time = f"{year}-{month:02d}-15T10:00:00+08:00"
            for r in people:
                writer.add(Resident.__record_type__, r.record_id, "update", r.to_record())
            writer.flush()


def aged_village(settings: Settings) -> Path:
    """The large demo village after ten years of monthly changes (a few months with --quick)."""
    source = large_village(settings)
    months, per_month = (QUICK_MONTHS, QUICK_PER_MONTH) if settings.quick else (MONTHS, PER_MONTH)

    def build(path: Path) -> None:
        from app.schema import open_store

        shutil.copytree(source, path, dirs_exist_ok=True)
        store = open_store(path)
        try:
            age(store, months, per_month)
        finally:
            store.close()

    return _cached(settings, f"aged-{months}x{per_month}-{source.name}", build)


def link_to_township(village_dir: Path, hub_dir: Path) -> None:
    """Give a village its key and the township's public key (the one-time exchange)."""
    from app.keys import ensure_village_key, trust_township, write_township_file

    ensure_village_key(village_dir)
    key_file = hub_dir.parent / "township-key.json"
    if not key_file.exists():
        from app.hub.service import open_hub

        hub = open_hub(hub_dir.parent)
        write_township_file(hub.secrets.public, key_file)
        hub.close()
    trust_township(village_dir, key_file)


def enrol_village(store, path: Path, i: int, rng: random.Random, demo, households) -> str:  # type: ignore[no-untyped-def]
    """Village ``i`` of a bench township in ``path`` (its hub in ``path/hub``): named 第{i+1}村 with a new credit
    code, ``households`` of the generated demo village written in, linked to the township, and its identity file
    ``path/id-NN.json`` written. Returns its code."""
    from app.keys import write_identity_file
    from app.people.importer import HouseholdRecord, PersonRecord, write_households
    from app.people.service import init_village
    from app.people.uscc import make_uscc

    code = make_uscc(rng, area="371426")
    with store.begin("bench") as s:
        v = init_village(s, name=f"第{i + 1}村", code=code, township=HUB_NAME, groups=demo.groups)
        write_households(s, [HouseholdRecord(
            group_name=demo.groups[h.group_index], address=h.address, number=h.number,
            members=[PersonRecord(name=p.name, sex=p.sex, birth_date=p.birth_date, id_number=p.id_number,
                                  phone=p.phone, relation=p.relation, party_member=p.party_member,
                                  representative=p.representative, note=p.note) for p in h.members])
            for h in households])
    link_to_township(store.data_dir, path / "hub")
    write_identity_file(store.data_dir, path / f"id-{i:02d}.json", code=code, name=v.name, township=HUB_NAME)
    return code


def township(settings: Settings) -> Path:
    """A folder with ``hub/`` (the township's keys), and per village its identity file,
    its first full bundle and one month's bundle; listed in ``township.json``."""
    count = QUICK_VILLAGES if settings.quick else VILLAGES
    per_month = QUICK_PER_MONTH if settings.quick else VILLAGE_MONTH

    def build(path: Path) -> None:
        from app.demo_data import generate_village
        from app.hub.service import init_hub
        from app.schema import open_store
        from app.sync.export import export_bundle

        hub = init_hub(path, HUB_NAME)
        hub.close()
        rng = random.Random(60)
        demo = generate_village("small", 2026)
        entries = []
        for i in range(count):
            vdir = path / f"v{i:02d}"
            store = open_store(vdir)
            try:
                code = enrol_village(store, path, i, rng, demo, demo.households[i * 5:i * 5 + 150])  # ~500 people
                stick = path / f"stick-{i:02d}"
                stick.mkdir()
                first = export_bundle(store, stick)
                age(store, 1, per_month, seed=i)
                month = export_bundle(store, stick)
            finally:
                store.close()
            shutil.rmtree(vdir)
            entries.append({"code": code, "identity": f"id-{i:02d}.json",
                            "first": str(first.path.relative_to(path)), "month": str(month.path.relative_to(path)),
                            "month_events": month.events})
        (path / "township.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")

    return _cached(settings, f"township-{count}x{per_month}", build)
