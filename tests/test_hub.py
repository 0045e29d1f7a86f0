"""The township hub on SQLite and on a real PostgreSQL server: a village's
records go out on a stick, come back out of the hub unchanged, and every
import is checked, idempotent and all-or-nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.events import AUDITED
from app.hub import store as hub_tables
from app.hub.service import (ALREADY, IMPORTED, OLD, PENDING, REFUSED, import_bundles, init_hub, list_villages,
                             open_hub, village_records)
from app.schema import open_store
from app.sync.container import BundleRejected
from app.sync.export import export_bundle, import_receipt, sync_status
from app.keys import ensure_village_key, trust_township, write_identity_file, write_township_file

DB_KINDS = ["sqlite", "postgresql"]
_newcomers = itertools.count(700)


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    from app.demo import create_demo

    d = tmp_path_factory.mktemp("demo-village")
    store = open_store(d)
    create_demo(store, size="small")
    store.close()
    return d


@pytest.fixture(params=DB_KINDS)
def db_url(request) -> str | None:
    if request.param == "sqlite":
        return None
    return request.getfixturevalue("pg_url")


class Linked:
    """A village and its township hub after the one-time key exchange."""

    def __init__(self, root: Path, village_dir: Path, db_url: str | None) -> None:
        self.root = root
        self.village = open_store(village_dir)
        with self.village.read() as s:
            from app.people.service import get_village

            v = get_village(s)
        self.code, self.name = v.code, v.name
        ensure_village_key(village_dir)
        self.hub = init_hub(root / "township", "石桥镇", db_url)
        write_identity_file(village_dir, root / "id.json", code=v.code, name=v.name, township=v.township)
        write_township_file(self.hub.secrets.public, root / "township.json")
        trust_township(village_dir, root / "township.json")
        from app.hub.service import enroll

        enroll(self.hub, root / "id.json")
        self.stick = root / "stick"
        self.stick.mkdir()

    def export(self, **kw) -> Path:
        r = export_bundle(self.village, self.stick, **kw)
        assert r.path is not None
        return r.path

    def village_dump(self) -> dict[tuple[str, str], dict]:
        dump = {}
        with self.village.read() as s:
            for record_type, model in AUDITED.items():
                for obj in s.scalars(select(model)):
                    dump[(record_type, obj.record_id)] = obj.to_record()
        return dump

    def hub_state(self) -> dict[str, list]:
        with self.hub.engine.connect() as conn:
            return {t.name: sorted(map(tuple, conn.execute(select(t)).all()), key=repr)
                    for t in hub_tables.metadata.sorted_tables if t is not hub_tables.proj_alerts}  # the refusal log

    def close(self) -> None:
        self.village.close()
        self.hub.close()


@pytest.fixture
def linked(tmp_path, demo_dir, db_url):
    village_dir = tmp_path / "village"
    shutil.copytree(demo_dir, village_dir)
    link = Linked(tmp_path, village_dir, db_url)
    yield link
    link.close()


def _change_something(link: Linked, n: int = 5) -> None:
    from app.people.models import Resident
    from app.people.service import ResidentInput, add_resident, delete_resident, update_resident

    with link.village.read() as s:
        ids = list(s.scalars(select(Resident.id).order_by(Resident.id).limit(n + 1)))
    with link.village.begin("文书") as s:
        for rid in ids[:n]:
            r = s.get(Resident, rid)
            update_resident(s, rid, ResidentInput(name=r.name, id_number=r.id_number, group_id=r.group_id,
                                                  phone="13912345678", note="电话已更新"))
        delete_resident(s, ids[n])
        from conftest import make_id

        add_resident(s, ResidentInput(name="新来的", id_number=make_id(dt.date(1999, 9, 9), next(_newcomers)), group_id=1))


def test_round_trip_reproduces_every_record(linked):
    from app.attachments import add_attachment

    photo = linked.root / "board.jpg"
    photo.write_bytes(b"\xff\xd8\xff" + bytes(range(256)) * 40)
    with linked.village.begin("文书") as s:
        add_attachment(s, linked.village.data_dir, photo, name="公示栏照片.jpg", media_type="image/jpeg")

    outcomes, receipts = import_bundles(linked.hub, [linked.export()], receipts=linked.stick)
    assert [o.status for o in outcomes] == [IMPORTED]
    mine = linked.village_dump()
    assert {rt for rt, _ in mine} >= {"village", "group", "household", "resident", "role", "attachment"}
    assert village_records(linked.hub, linked.code) == mine

    sha = hashlib.sha256(photo.read_bytes()).hexdigest()
    assert sha in {rid for rt, rid in mine if rt == "attachment"}
    assert (linked.hub.dir / "attachments" / sha[:2] / sha).read_bytes() == photo.read_bytes()

    _change_something(linked)
    outcomes, _ = import_bundles(linked.hub, [linked.export()])
    assert [o.status for o in outcomes] == [IMPORTED]
    assert village_records(linked.hub, linked.code) == linked.village_dump()


def test_receipt_confirms_what_the_township_has(linked):
    _outcomes, receipts = import_bundles(linked.hub, [linked.export()], receipts=linked.stick)
    assert len(receipts) == 1 and receipts[0].parent == linked.stick
    _change_something(linked)
    linked.export()                         # exported but not yet at the township
    before = sync_status(linked.village)
    assert before.not_sent == 0 and before.unconfirmed > 0 and before.confirmed == 0

    result = import_receipt(linked.village, receipts[0])
    after = sync_status(linked.village)
    assert after.confirmed == result.last_seq > 0
    assert [state for *_rest, state in after.outbox] == ["exported", "receipted"]  # newest first
    assert 0 < after.unconfirmed < before.unconfirmed


def test_same_bundle_twice_changes_nothing(linked):
    path = linked.export()
    import_bundles(linked.hub, [path])
    state = linked.hub_state()
    outcomes, _ = import_bundles(linked.hub, [path])
    assert outcomes[0].status == ALREADY and "已导入过" in outcomes[0].message
    assert linked.hub_state() == state


def test_bundle_before_its_predecessor_waits_then_applies(linked):
    first = linked.export()
    _change_something(linked)
    second = linked.export()
    _change_something(linked, 3)
    third = linked.export()

    outcomes, _ = import_bundles(linked.hub, [third, second])
    assert [o.status for o in outcomes] == [PENDING, PENDING]
    assert "缺少前面的事件" in outcomes[0].message
    (summary,) = list_villages(linked.hub)
    assert summary.last_seq == 0 and len(summary.pending) == 2

    outcomes, _ = import_bundles(linked.hub, [first])
    assert outcomes[0].status == IMPORTED
    (summary,) = list_villages(linked.hub)
    assert summary.pending == [] and summary.last_seq == sync_status(linked.village).head
    assert village_records(linked.hub, linked.code) == linked.village_dump()


def test_full_export_over_what_the_hub_has_adds_only_the_new(linked):
    import_bundles(linked.hub, [linked.export()])
    _change_something(linked)
    outcomes, _ = import_bundles(linked.hub, [linked.export(full=True)])
    assert outcomes[0].status == IMPORTED
    assert village_records(linked.hub, linked.code) == linked.village_dump()
    outcomes, _ = import_bundles(linked.hub, [linked.export(full=True)])
    assert outcomes[0].status == OLD


def test_restored_old_backup_is_refused_as_a_fork(linked):
    from app.backup import make_backup, restore_backup

    backup = make_backup(linked.village.db_path, linked.root / "backups", kind="manual").path
    _change_something(linked)
    import_bundles(linked.hub, [linked.export(full=True)])
    state = linked.hub_state()

    linked.village.close()
    restore_backup(backup, linked.village.db_path, aside_dir=linked.root / "aside")
    linked.village = open_store(linked.village.data_dir)
    _change_something(linked, 2)             # a different history from the same point
    outcomes, _ = import_bundles(linked.hub, [linked.export(full=True)])
    assert outcomes[0].status == REFUSED and outcomes[0].reason == "fork"
    assert "恢复过旧备份" in outcomes[0].message and "cunwu check" in outcomes[0].message
    assert linked.hub_state() == state


def test_hub_reopens_with_its_database(linked):
    import_bundles(linked.hub, [linked.export()])
    data_dir = linked.hub.dir.parent
    linked.hub.close()
    linked.hub = open_hub(data_dir)
    assert [v.code for v in list_villages(linked.hub)] == [linked.code]
    with linked.hub.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(hub_tables.events)).scalar_one()
    assert n == sync_status(linked.village).head


def test_receipt_lists_pending_ranges(linked):
    linked.export()
    _change_something(linked)
    second = linked.export()
    _outcomes, (receipt,) = import_bundles(linked.hub, [second], receipts=linked.stick)
    body = json.loads(receipt.read_text(encoding="utf-8"))["body"]
    assert body["last_seq"] == 0 and body["pending"] and body["village_code"] == linked.code


def test_leftovers_of_a_killed_import_are_swept_but_fresh_ones_kept(tmp_path):
    import os
    import time

    hub = init_hub(tmp_path, "石桥镇")
    old, fresh = hub.tmp_root / "import-old", hub.tmp_root / "import-fresh"
    old.mkdir()
    (old / "000001.part").write_bytes(b"x")
    fresh.mkdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    hub.close()
    hub = open_hub(tmp_path)
    assert not old.exists() and fresh.exists()
    hub.close()


def test_a_second_full_export_of_the_same_range_keeps_the_first_file(linked):
    first = linked.export(full=True)
    second = linked.export(full=True)
    assert first != second and first.exists() and second.exists()
    assert len(sync_status(linked.village).outbox) == 2


def test_a_damaged_bundle_that_arrives_early_is_refused_at_once_not_held(linked, monkeypatch):
    from app.sync.container import BundleReader

    linked.export()
    _change_something(linked)
    second = linked.export()
    # a bundle that is signed and hashed correctly but whose archive is bad can only come from a
    # broken village program; simulate it by corrupting the hub's view of the events member
    def broken(self, box, tmp):
        raise BundleRejected("archive", "同步包里的内容不合规定(测试)")
        yield  # pragma: no cover - makes this a generator like the real one

    monkeypatch.setattr(BundleReader, "read", broken)
    state = linked.hub_state()
    outcomes, _ = import_bundles(linked.hub, [second])
    assert outcomes[0].status == REFUSED and outcomes[0].reason == "archive"
    assert list_villages(linked.hub)[0].pending == [] and linked.hub_state() == state


def test_several_files_in_one_import_match_the_village(linked):
    """Each file is read while the one before it commits; a damaged one among them is refused
    without holding up the rest."""
    first = linked.export()
    _change_something(linked)
    second = linked.export()
    _change_something(linked, 3)
    third = linked.export()
    damaged = linked.root / "damaged.cunwu-sync"
    data = bytearray(second.read_bytes())
    data[-100] ^= 1
    damaged.write_bytes(bytes(data))

    outcomes, receipts = import_bundles(linked.hub, [first, damaged, second, third], receipts=linked.stick)
    assert [o.status for o in outcomes] == [IMPORTED, REFUSED, IMPORTED, IMPORTED]
    assert outcomes[1].reason == "payload"
    assert len(receipts) == 1
    (summary,) = list_villages(linked.hub)
    assert summary.last_seq == sync_status(linked.village).head and summary.pending == []
    assert village_records(linked.hub, linked.code) == linked.village_dump()


def test_a_bundle_found_damaged_while_read_ahead_is_refused_and_changes_nothing(linked, monkeypatch):
    from app.sync.container import BundleReader

    first = linked.export()
    _change_something(linked)
    second = linked.export()
    real = BundleReader.read

    def read(self, box, tmp):
        if self.path == second:
            raise BundleRejected("archive", "同步包里的内容不合规定(测试)")
        yield from real(self, box, tmp)

    monkeypatch.setattr(BundleReader, "read", read)
    outcomes, _ = import_bundles(linked.hub, [first, second])
    assert [o.status for o in outcomes] == [IMPORTED, REFUSED] and outcomes[1].reason == "archive"
    (summary,) = list_villages(linked.hub)
    assert summary.last_seq == outcomes[0].events and summary.pending == []
    with linked.hub.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(hub_tables.events)).scalar_one() == outcomes[0].events


# an event spelt another way than the format's canonical JSON: (canonical bytes, other spelling)
SPELLINGS = {
    "escaped slash": (b"a/b", b"a\\/b"),
    "escaped letters": ("文书".encode(), b"\\u6587\\u4e66"),
    "upper-case escape": (b"\\u001f", b"\\u001F"),
    "repeated key": (b'{"action":"update"', b'{"action":"create","action":"update"'),
}
EVENT = {"seq": 1, "time": "2026-11-24T10:00:00+08:00", "actor": "文书", "record_type": "resident",
         "record_id": "7", "action": "update", "content": '{"name":"张三","note":"a/b"}'}


def _event_line(fields: dict, prev: str, digest: str) -> bytes:
    return json.dumps({**fields, "prev_hash": prev, "hash": digest}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")


def test_a_canonical_event_line_is_read_the_quick_way():
    from app.events import event_hash
    from app.sync.container import _canonical_row, _event

    prev = "0" * 64
    digest = event_hash(prev, **EVENT)
    line = _event_line(EVENT, prev, digest)
    assert _canonical_row(line, 1, prev, "") is not None  # what every village writes: no dict, no re-encoding
    assert _event(line, 1, prev) == {**EVENT, "prev_hash": prev, "hash": digest}
    with pytest.raises(BundleRejected, match="哈希链不符"):
        _event(line.replace(b"a/b", b"a/c"), 1, prev)


@pytest.mark.parametrize("spelling", sorted(SPELLINGS))
def test_an_event_is_checked_against_its_canonical_form_not_its_spelling(spelling):
    """The hash of an event covers its canonical JSON. A line spelt otherwise is still read if its
    hash is that of the canonical event, and refused if the hash covers only its own spelling:
    the hub would keep an event whose hash no one could recompute from it."""
    import hashlib

    from app.events import event_hash
    from app.sync.container import _event

    prev = "0" * 64
    fields = {**EVENT, "record_id": "7\x1f"} if spelling == "upper-case escape" else EVENT
    digest = event_hash(prev, **fields)
    canonical, other = SPELLINGS[spelling]
    assert _event_line(fields, prev, digest).count(canonical) == 1
    spelt = _event_line(fields, prev, digest).replace(canonical, other)
    assert _event(spelt, 1, prev) == {**fields, "prev_hash": prev, "hash": digest}

    members = f',"hash":"{digest}","prev_hash":"{prev}"'.encode()
    own = hashlib.sha256(prev.encode() + spelt.replace(members, b"")).hexdigest()
    with pytest.raises(BundleRejected, match="哈希链不符"):
        _event(spelt.replace(digest.encode(), own.encode()), 1, prev)


def test_an_escaped_lone_surrogate_is_refused_not_a_crash():
    """No text a village can hold, but JSON can spell it; the hub must refuse it, not fail writing it."""
    import hashlib

    from app.sync.container import _event

    prev = "0" * 64
    spelt = _event_line(EVENT, prev, "1" * 64).replace("文书".encode(), b"\\ud800")
    members = f',"hash":"{"1" * 64}","prev_hash":"{prev}"'.encode()
    own = hashlib.sha256(prev.encode() + spelt.replace(members, b"")).hexdigest()
    with pytest.raises(BundleRejected, match="哈希链不符"):
        _event(spelt.replace(b"1" * 64, own.encode()), 1, prev)
