"""The township hub against the files and mistakes that reach it: a held bundle that turns out bad and its good
copy, identity files with a made-up or borrowed village code, bundles of a few huge events, a certificate whose
serial the township has never received, and receipts written to a stick that fills up (docs/sync-format.md;
村民委员会组织法 Art. 34: the archive must stay true, complete and orderly)."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.hub import store as hub_tables
from app.hub.service import (ALREADY, IMPORTED, PENDING, REFUSED, HubError, enroll, import_bundles, list_villages,
                             village_records)
from app.keys import ensure_village_key, write_identity_file
from app.sync.export import sync_status
from sync_helpers import Linked, craft_bundle, events_file, genuine_members, hub_dump
from sync_helpers import linked  # noqa: F401 - fixture

CJK = re.compile(r"[\u4e00-\u9fff]")


def _add(linked: Linked, *names: str) -> Path:
    linked.add_residents(*names)
    return linked.export()


def _states(linked: Linked) -> dict[str, str]:
    with linked.hub.engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(hub_tables.bundles.c.sha256, hub_tables.bundles.c.state))}


# ---------------------------------------------------------------- item 8: a refused held bundle and its good copy


def _held_then_refused(linked: Linked) -> tuple[Path, Path]:
    """The second bundle arrives first and is held; its copy in the hub's pending folder is then damaged, so
    it is refused when the first fills the gap. Returns (first, second)."""
    first = _add(linked, "周一")
    second = _add(linked, "周二")
    (o,), _ = import_bundles(linked.hub, [second])
    assert o.status == PENDING
    (held,) = linked.hub.pending_dir.iterdir()
    data = bytearray(held.read_bytes())
    data[-50] ^= 1
    held.write_bytes(bytes(data))
    (o,), _ = import_bundles(linked.hub, [first])
    assert o.status == IMPORTED
    assert REFUSED in _states(linked).values()
    return first, second


def test_a_held_bundle_refused_when_its_gap_filled_says_so(linked: Linked):
    first = _add(linked, "周一")
    second = _add(linked, "周二")
    import_bundles(linked.hub, [second])
    (held,) = linked.hub.pending_dir.iterdir()
    data = bytearray(held.read_bytes())
    data[-50] ^= 1
    held.write_bytes(bytes(data))
    (o,), _ = import_bundles(linked.hub, [first])
    assert o.status == IMPORTED
    assert "暂存" in o.message and "拒收" in o.message and "重新" in o.message, o.message
    assert list(linked.hub.pending_dir.iterdir()) == []


def test_the_same_good_file_sent_again_imports_after_its_held_copy_was_refused(linked: Linked):
    _first, second = _held_then_refused(linked)
    (o,), receipts = import_bundles(linked.hub, [second], receipts=linked.stick)
    assert o.status == IMPORTED, o
    (summary,) = list_villages(linked.hub)
    assert summary.last_seq == sync_status(linked.store).head and summary.pending == []
    assert village_records(linked.hub, linked.code) == linked.village_records()
    assert len(receipts) == 1
    (o,), _ = import_bundles(linked.hub, [second])
    assert o.status == ALREADY


def test_a_good_copy_of_the_same_events_imports_after_the_held_one_was_refused(linked: Linked, tmp_path: Path):
    first, second = _held_then_refused(linked)
    with linked.hub.engine.connect() as conn:
        last = conn.execute(select(hub_tables.villages.c.last_seq)).scalar_one()
    ev = events_file(linked.store, last + 1)
    copy = craft_bundle(tmp_path / "copy.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=genuine_members(linked.store, ev))
    (o,), _ = import_bundles(linked.hub, [copy])
    assert o.status == IMPORTED, o
    assert village_records(linked.hub, linked.code) == linked.village_records()
