"""Numbers read from a file someone handed over (a bundle, a receipt) are range-checked before they reach the
database: SQLite keeps integers in 64 bits, so a sequence number of 2^63 or 10^20 must be refused in plain
words, never end an import half-way (docs/sync-format.md; 村民委员会组织法 Art. 34: the archive the township keeps
must stay complete and orderly, so one bad file may not stop the good ones after it)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from app.events import GENESIS
from app.hub.service import IMPORTED, REFUSED, import_bundles, list_villages
from app.sync.export import SyncError, import_receipt, sync_status
from app.sync.receipt import write_receipt
from sync_crafting import synthetic_events
from sync_helpers import Linked, Member, craft_bundle, hub_dump
from sync_helpers import linked  # noqa: F401 - fixture

CJK = re.compile(r"[\u4e00-\u9fff]")
BIG = [2**63, 2**63 + 1, 2**64 + 7, 10**20]


def _crafted(linked: Linked, dest: Path, first: int, count: int = 1, tweak=None) -> Path:
    ev = synthetic_events(first, count, "a" * 64)
    return craft_bundle(dest, code=linked.code, key=linked.village_key, recipient=linked.township, events=ev,
                        members=[Member("events.jsonl.gz", ev.gz)], tweak=tweak)


@pytest.mark.parametrize("first", BIG)
def test_a_signed_bundle_numbered_beyond_64_bits_is_refused_and_the_next_one_still_imports(linked: Linked,
                                                                                          tmp_path: Path, first):
    huge = _crafted(linked, tmp_path / "huge.cunwu-sync", first)
    good = linked.export()
    outcomes, receipts = import_bundles(linked.hub, [huge, good], receipts=linked.stick)
    assert outcomes[0].status == REFUSED and CJK.search(outcomes[0].message), outcomes[0]
    assert "序号" in outcomes[0].message or "编号" in outcomes[0].message, outcomes[0].message
    assert outcomes[1].status == IMPORTED, outcomes[1]
    assert len(receipts) == 1 and receipts[0].exists()
    assert list(linked.hub.pending_dir.iterdir()) == []
    (summary,) = list_villages(linked.hub)
    assert summary.pending == [] and summary.last_seq == sync_status(linked.store).head


@pytest.mark.parametrize("field,value", [("last", 2**63), ("count", 2**63), ("bytes", 2**63), ("bytes", 10**20)])
def test_manifest_counts_and_sizes_beyond_64_bits_are_refused(linked: Linked, tmp_path: Path, field, value):
    def tweak(manifest):
        manifest["events"][field] = value
        if field == "last":
            manifest["events"]["count"] = value
    bad = _crafted(linked, tmp_path / "bad.cunwu-sync", 5, tweak=tweak)
    dump = hub_dump(linked.hub)
    (o,), _ = import_bundles(linked.hub, [bad])
    assert o.status == REFUSED and CJK.search(o.message), o
    assert hub_dump(linked.hub) == dump and list(linked.hub.pending_dir.iterdir()) == []


@pytest.mark.parametrize("where", ["member", "payload"])
def test_declared_member_and_payload_sizes_beyond_64_bits_are_refused(linked: Linked, tmp_path: Path, where):
    def tweak(manifest):
        if where == "member":
            manifest["members"][0]["size"] = 2**64
        else:
            manifest["payload"]["size"] = 10**20
    bad = _crafted(linked, tmp_path / "bad.cunwu-sync", 1, tweak=tweak)
    (o,), _ = import_bundles(linked.hub, [bad])
    assert o.status == REFUSED and CJK.search(o.message), o


@pytest.mark.parametrize("last_seq", [2**63, 10**20])
def test_a_receipt_confirming_beyond_64_bits_is_refused_in_plain_words(linked: Linked, tmp_path: Path, last_seq):
    linked.export()
    receipt = write_receipt(linked.hub.secrets, tmp_path / "r", village_code=linked.code, last_seq=last_seq,
                            head="b" * 64, pending=[])
    before = sync_status(linked.store)
    with pytest.raises(SyncError) as info:
        import_receipt(linked.store, receipt)
    assert CJK.search(str(info.value)) and "回执" in str(info.value)
    assert sync_status(linked.store) == before


@pytest.mark.parametrize("pending", [[[1, 2**63]], [[10**20, 10**20 + 1]], [[5, 3]], [[0, 1]], [[1]], [["1", "2"]],
                                     [[True, 2]]])
def test_a_receipt_with_impossible_waiting_ranges_is_refused(linked: Linked, tmp_path: Path, pending):
    from app.events import Event
    from sqlalchemy import select

    linked.export()
    with linked.store.read() as s:
        seq, head = s.execute(select(Event.seq, Event.hash).order_by(Event.seq.desc()).limit(1)).one()
    receipt = write_receipt(linked.hub.secrets, tmp_path / "r", village_code=linked.code, last_seq=seq, head=head,
                            pending=pending)
    before = sync_status(linked.store)
    with pytest.raises(SyncError) as info:
        import_receipt(linked.store, receipt)
    assert "回执" in str(info.value)
    assert sync_status(linked.store) == before


def signed_receipt(secrets, path: Path, **body) -> Path:
    """A receipt signed with the township's key whose body says exactly ``body``."""
    from app.events import canonical
    from app.keys import b64

    signature = secrets.signing.sign(canonical(body).encode("utf-8"))
    path.write_text(json.dumps({"format": "cunwu-receipt", "version": 1, "body": body, "signature": b64(signature)}),
                    encoding="utf-8")
    return path


@pytest.mark.parametrize("value", ["12", 12.0, True, None, [1], -1])
def test_a_receipt_whose_sequence_is_not_a_whole_number_is_refused(linked: Linked, tmp_path: Path, value):
    """A township writes numbers as numbers; a text "12" or 12.0 is a receipt made by something else."""
    secrets = linked.hub.secrets
    receipt = signed_receipt(secrets, tmp_path / "r.cunwu-receipt", township=secrets.name,
                             township_fingerprint=secrets.public.fingerprint, village_code=linked.code,
                             last_seq=value, head=GENESIS, issued="2026-11-24T09:30:00+08:00", pending=[])
    with pytest.raises(SyncError):
        import_receipt(linked.store, receipt)


def test_a_genuine_receipt_still_imports(linked: Linked):
    """The positive control for the refusals above."""
    (o,), (receipt,) = import_bundles(linked.hub, [linked.export()], receipts=linked.stick)
    r = import_receipt(linked.store, receipt)
    assert r.last_seq == sync_status(linked.store).head and json.loads(receipt.read_text("utf-8"))["body"]


def test_a_receipt_holding_half_a_surrogate_pair_is_refused_in_plain_words(linked: Linked, tmp_path: Path):
    """Found by the long fuzzing run: a receipt whose text holds an escape no file can hold (\\ud865, half of
    a pair) crashed the import with UnicodeEncodeError; it is a receipt that is not one, said plainly."""
    linked.export()
    receipt = write_receipt(linked.hub.secrets, tmp_path / "r", village_code=linked.code, last_seq=1,
                            head="b" * 64, pending=[])
    text = receipt.read_text(encoding="utf-8")
    receipt.write_text(text.replace('"b' + "b" * 63 + '"', '"\\ud865' + "b" * 63 + '"', 1), encoding="utf-8")
    assert "\\ud865" in receipt.read_text(encoding="utf-8")
    before = sync_status(linked.store)
    with pytest.raises(SyncError) as info:
        import_receipt(linked.store, receipt)
    assert "回执" in str(info.value)
    assert sync_status(linked.store) == before
