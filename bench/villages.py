"""The villages and roster file the scenarios run on, built once and kept in a cache.

Building the 20,000-resident village and exporting its roster takes several
seconds; the cache directory is keyed on the source of the generator and the
schema, so a change to either builds a fresh copy instead of measuring stale data.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path

from bench.core import ROOT, Settings

ENV_CACHE = "CUNWU_BENCH_CACHE"
SMALL_ROWS = 100
QUICK_LARGE_ROWS = 300
QUICK_SEED = 2026

_FINGERPRINTED = ("app/demo.py", "app/demo_data.py", "app/people/models.py", "app/people/importer.py",
                  "app/people/export.py", "app/schema/migrations.py", "bench/villages.py")


def default_cache_dir() -> Path:
    env = os.environ.get(ENV_CACHE)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("cunwu-bench", appauthor=False))


def fingerprint() -> str:
    digest = hashlib.sha256()
    for rel in _FINGERPRINTED:
        path = ROOT / rel
        digest.update(rel.encode())
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()[:12]


def _cached(settings: Settings, name: str, build: Callable[[Path], None]) -> Path:
    """``cache/name-<fingerprint>``, built in a scratch directory and renamed when complete,
    so an interrupted build is never mistaken for a finished one."""
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    final = settings.cache_dir / f"{name}-{fingerprint()}"
    if final.exists():
        return final
    for stale in settings.cache_dir.glob(f"{name}-*"):
        shutil.rmtree(stale, ignore_errors=True)
    scratch = settings.cache_dir / f".building-{name}-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    try:
        build(scratch)
        scratch.rename(final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return final


def _build_demo(path: Path) -> None:
    from app.demo import create_demo
    from app.schema import open_store

    store = open_store(path)
    try:
        create_demo(store, size="large")
    finally:
        store.close()


def _build_truncated(rows: int) -> Callable[[Path], None]:
    """A village of exactly ``rows`` residents, the first households of the demo generator."""

    def build(path: Path) -> None:
        from app.demo_data import generate_village
        from app.people.importer import HouseholdRecord, PersonRecord, write_households
        from app.people.service import init_village
        from app.schema import open_store

        village = generate_village("small", QUICK_SEED)
        households: list[HouseholdRecord] = []
        count = 0
        for h in village.households:
            members = h.members[: rows - count]
            households.append(HouseholdRecord(
                group_name=village.groups[h.group_index], address=h.address, number=h.number,
                members=[PersonRecord(name=p.name, sex=p.sex, birth_date=p.birth_date, id_number=p.id_number,
                                      phone=p.phone, relation=p.relation, party_member=p.party_member,
                                      representative=p.representative, note=p.note) for p in members]))
            count += len(members)
            if count >= rows:
                break
        store = open_store(path)
        try:
            with store.begin("演示数据") as s:
                init_village(s, name=village.name, code=village.code, township=village.township,
                             county=village.county, groups=village.groups)
                write_households(s, households)
        finally:
            store.close()

    return build


def large_village(settings: Settings) -> Path:
    """The data directory of the large demo village (about 20,000 residents; 300 with --quick)."""
    if settings.quick:
        return _cached(settings, f"village{QUICK_LARGE_ROWS}", _build_truncated(QUICK_LARGE_ROWS))
    return _cached(settings, "village-large", _build_demo)


def small_village(settings: Settings) -> Path:
    """A data directory holding exactly 100 residents."""
    return _cached(settings, f"village{SMALL_ROWS}", _build_truncated(SMALL_ROWS))


ROSTER_NAME = "roster.xlsx"


def large_roster(settings: Settings) -> Path:
    """The large village's roster exported as .xlsx, the file a clerk would import."""
    source = large_village(settings)

    def build(path: Path) -> None:
        from app.people.export import export_roster
        from app.schema import open_store

        store = open_store(source, migrate=False)
        try:
            with store.read() as s:
                export_roster(s, path / ROSTER_NAME)
        finally:
            store.close()

    return _cached(settings, f"roster-{source.name}", build) / ROSTER_NAME


def residents_in(data_dir: Path) -> int:
    import sqlite3

    from app.config import DB_NAME

    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        return int(conn.execute("SELECT count(*) FROM residents").fetchone()[0])
    finally:
        conn.close()
