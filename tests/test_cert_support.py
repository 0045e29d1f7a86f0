"""Shared set-up for the certificate tests (this module holds no tests itself)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

DAY = dt.date(2026, 3, 2)  # a Monday

RESIDENCE = {"address": "第一村民小组12号", "since": "2019年3月"}


def resident_id(store, name: str) -> int:
    from app.people.models import Resident

    with store.read() as s:
        return int(s.scalar(select(Resident.id).where(Resident.name == name)))


@pytest.fixture
def cert_store(store):
    """The test village with its key and 张三 as 村民委员会主任."""
    from app.people.service import assign_role
    from app.keys import ensure_village_key

    ensure_village_key(store.data_dir)
    with store.begin("测试") as s:
        assign_role(s, resident_id=resident_id(store, "张三"), body="村民委员会", title="主任",
                    term_start=dt.date(2021, 5, 1))
    return store


@pytest.fixture(scope="session")
def catalogues():
    from app.certificates.catalogue import load_catalogues

    return load_catalogues(None)


def request(store, kind: str = "SD-01", who: str = "李四", fields: dict[str, str] | None = None, **kw: Any):
    from app.certificates.service import Approval, CheckRecord, IssueRequest

    base: dict[str, Any] = dict(kind=kind, purpose="办理居住证", resident_id=resident_id(store, who),
                                fields=dict(RESIDENCE if fields is None else fields),
                                check=CheckRecord("王文书", "实际居住情况", "户口簿"), approval=Approval("张三", "主任"))
    base.update(kw)
    return IssueRequest(**base)


def issue(store, catalogues, req=None, *, day: dt.date = DAY, actor: str = "测试"):
    from app.certificates.service import issue_certificate
    from app.keys import load_village_key

    key = load_village_key(store.data_dir)
    with store.begin(actor) as s:
        return issue_certificate(s, req or request(store), catalogues=catalogues, signer=key, today=day)


def counts(store) -> dict[str, int]:
    from sqlalchemy import func

    from app.certificates.models import Certificate, CertificateRefusal
    from app.events import Event

    with store.read() as s:
        return {"certificates": s.scalar(select(func.count()).select_from(Certificate)),
                "numbered": s.scalar(select(func.count()).select_from(Certificate)
                                     .where(Certificate.serial.is_not(None))),
                "refusals": s.scalar(select(func.count()).select_from(CertificateRefusal)),
                "events": s.scalar(select(func.count()).select_from(Event))}


def write_catalogue(folder: Path, name: str, doc: dict[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def shipped(kind: str) -> dict[str, Any]:
    from app.resources import resource_path

    return json.loads(resource_path("catalogues", f"certificates-{kind}.json").read_text(encoding="utf-8"))
