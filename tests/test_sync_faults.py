"""Bad input and faults on the way from the village to the township (docs/sync-format.md).

What a township officer or village clerk would notice: a damaged, foreign,
replayed, forked or malicious bundle is refused (or held) with its own plain
message, the hub's data stays exactly as it was, and nothing is written outside
the hub's own temporary folder; a full, read-only or failing USB stick never
ends up holding a file that looks complete, and the village's outbox only
records exports that really reached the stick.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import os
import random
import re
import tarfile
import time
import tracemalloc
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from app.hub.service import (ALREADY, IMPORTED, OLD, PENDING, REFUSED, import_bundles, init_hub, list_villages,
                             village_records)
from app.people.uscc import make_uscc
from app.sync.export import FileOps, SyncError, export_bundle, import_receipt, sync_status
from app.keys import ensure_village_key, trust_township, village_key_path, write_township_file
from sync_helpers import (Linked, Member, assert_only_tmp_touched, craft_bundle, events_file, extension_header,
                          genuine_members, gnu_sparse_member, gzip_bomb, header_length, hub_dump, pax_sparse_member,
                          tar_bytes, tar_member, tree, zeros_sha256)
from sync_helpers import linked  # noqa: F401 - fixture

CJK = re.compile(r"[\u4e00-\u9fff]")
# refusals that happen before the manifest is trusted or a byte is decrypted
EARLY = {"not-a-bundle", "version", "unknown-village", "signature", "manifest", "truncated", "payload"}
# what each early refusal tells the officer, in words they would recognise
SAYS = {"not-a-bundle": r"不是村务同步包|文件头已损坏", "version": r"版本", "unknown-village": r"还没有在本乡镇登记",
        "signature": r"签名", "manifest": r"清单", "truncated": r"截断", "payload": r"内容与清单不符"}


def refused(o: Any, reason: str | set[str], says: str) -> None:
    reasons = {reason} if isinstance(reason, str) else reason
    assert o.status == REFUSED, o
    assert o.reason in reasons, o
    assert CJK.search(o.message) and re.search(says, o.message), o.message


# ---------------------------------------------------------------- positive control


def test_a_crafted_bundle_built_from_the_spec_is_accepted(linked: Linked, tmp_path: Path):
    """The crafter below must make bundles the hub takes; otherwise every refusal would prove nothing."""
    ev = events_file(linked.store)
    path = craft_bundle(tmp_path / "ok.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=genuine_members(linked.store, ev))
    o = linked.import_(path)
    assert o.status == IMPORTED, o
    assert village_records(linked.hub, linked.code) == linked.village_records()
    assert ev.attachments == [linked.photo_sha]


# ---------------------------------------------------------------- damaged files


def test_every_changed_byte_is_refused_before_anything_is_decrypted(linked: Linked, tmp_path: Path):
    good = linked.export()
    data = good.read_bytes()
    signed = header_length(good)
    if len(data) <= 3000:
        offsets = list(range(len(data)))
    else:
        offsets = list(range(signed)) + sorted(random.Random(20261124).sample(range(signed, len(data)), 500))
    bad = linked.stick / "damaged.cunwu-sync"
    bad.write_bytes(data)
    dump, files = hub_dump(linked.hub), tree(tmp_path)

    seen: Counter[str] = Counter()
    for i in offsets:
        changed = bytearray(data)
        changed[i] ^= 1 << (i % 8)
        bad.write_bytes(changed)
        o = linked.import_(bad)
        assert o.status == REFUSED and o.reason in EARLY, (i, o)
        assert re.search(SAYS[o.reason], o.message), (i, o.message)
        seen[o.reason] += 1
    # the header, the signature, the manifest and the payload were each reached
    assert {"not-a-bundle", "version", "signature", "payload"} <= set(seen), seen
    bad.write_bytes(data)
    assert hub_dump(linked.hub) == dump
    assert_only_tmp_touched(files, tmp_path, linked.hub)
    assert linked.import_(good).status == IMPORTED  # the refusals left nothing behind that blocks the real one


def test_truncated_or_extended_files_are_refused(linked: Linked, tmp_path: Path):
    good = linked.export()
    data = good.read_bytes()
    signed = header_length(good)
    cuts = sorted({0, 1, 8, 27, 31, 32, 33, 95, 96, signed - 1, signed, signed + 1, len(data) - 17, len(data) - 1})
    bad = linked.stick / "short.cunwu-sync"
    variants = [data[:n] for n in cuts] + [data + b"\0", data + data[signed:]]
    bad.write_bytes(b"")
    dump = hub_dump(linked.hub)
    for v in variants:
        bad.write_bytes(v)
        o = linked.import_(bad)
        assert o.status == REFUSED and o.reason in {"not-a-bundle", "truncated", "payload"}, (len(v), o)
        assert re.search(SAYS[o.reason], o.message), o.message
    assert hub_dump(linked.hub) == dump


def test_a_file_that_is_not_a_bundle_at_all(linked: Linked, tmp_path: Path):
    for content in (b"", "村务同步包".encode(), b"PK\x03\x04" + bytes(200)):
        f = tmp_path / "照片.cunwu-sync"
        f.write_bytes(content)
        refused(linked.import_(f), "not-a-bundle", r"不是村务同步包")
    missing = linked.import_(tmp_path / "不存在.cunwu-sync")
    assert missing.status == REFUSED and "无法读取" in missing.message


def test_a_newer_format_version_asks_for_an_upgrade(linked: Linked):
    good = linked.export()
    data = bytearray(good.read_bytes())
    data[8:10] = (2).to_bytes(2, "big")
    good.write_bytes(data)
    refused(linked.import_(good), "version", r"版本是 2.*升级")


# ---------------------------------------------------------------- signed but malformed


def _set(path: str, value: Any) -> Callable[[dict], None]:
    def tweak(m: dict) -> None:
        *parents, last = path.split(".")
        for p in parents:
            m = m[int(p)] if isinstance(m, list) else m[p]
        if isinstance(m, list):
            m[int(last)] = value
        elif value is _DROP:
            del m[last]
        else:
            m[last] = value
    return tweak


_DROP = object()
MANIFEST_FAULTS = {
    "older-format": _set("format", 0), "kind": _set("kind", "receipt"), "other-code": _set("village.code", "1" * 18),
    "village-not-object": _set("village", "柳林村"), "members-not-list": _set("members", {}),
    "no-members": _set("members", []), "member-no-name": _set("members.0.name", 7),
    "negative-size": _set("members.0.size", -1), "bool-size": _set("members.0.size", True),
    "size-text": _set("members.0.size", "100"), "sha-not-hex": _set("members.0.sha256", "z" * 64),
    "sha-upper": lambda m: m["members"][0].update(sha256=m["members"][0]["sha256"].upper()),
    "no-events": _set("events", _DROP), "last-before-first": _set("events.last", 0),
    "count-wrong": _set("events.count", 1), "first-zero": _set("events.first", 0),
    "prev-head-short": _set("events.prev_head", "0" * 63), "head-missing": _set("events.head", _DROP),
    "bytes-negative": _set("events.bytes", -5), "cipher": _set("payload.cipher", "AES-ECB"),
    "chunk": _set("payload.chunk", 1024), "ephemeral": _set("payload.ephemeral", "not base64!"),
    "ephemeral-short": _set("payload.ephemeral", "AAAA"), "payload-size-zero": _set("payload.size", 0),
    "counts-list": _set("counts", [1, 2]), "payload-missing": _set("payload", _DROP),
}


@pytest.mark.parametrize("fault", sorted(MANIFEST_FAULTS))
def test_a_signed_manifest_with_wrong_fields_is_refused(linked: Linked, tmp_path: Path, fault: str):
    """Even a village's own signature does not make a malformed manifest acceptable (spec step 4)."""
    ev = events_file(linked.store)
    path = craft_bundle(tmp_path / "m.cunwu-sync", code=linked.code, key=linked.village_key, recipient=linked.township,
                        events=ev, members=genuine_members(linked.store, ev), tweak=MANIFEST_FAULTS[fault])
    dump = hub_dump(linked.hub)
    refused(linked.import_(path), "manifest", r"清单不完整")
    assert hub_dump(linked.hub) == dump


def test_a_signed_manifest_of_a_newer_format_asks_for_an_upgrade(linked: Linked, tmp_path: Path):
    ev = events_file(linked.store)
    path = craft_bundle(tmp_path / "m.cunwu-sync", code=linked.code, key=linked.village_key, recipient=linked.township,
                        events=ev, members=genuine_members(linked.store, ev), tweak=_set("format", 2))
    dump = hub_dump(linked.hub)
    refused(linked.import_(path), "version", r"请升级")
    assert hub_dump(linked.hub) == dump


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe{}", b"[" * 5000 + b"]" * 5000,
                                 b'{"village": ' * 3000 + b"1" + b"}" * 3000],
                         ids=["text", "list", "string", "not-utf8", "nested-list", "nested-object"])
def test_a_signed_manifest_that_is_not_a_json_object_is_refused(linked: Linked, tmp_path: Path, raw: bytes):
    ev = events_file(linked.store)
    path = craft_bundle(tmp_path / "m.cunwu-sync", code=linked.code, key=linked.village_key, recipient=linked.township,
                        events=ev, members=genuine_members(linked.store, ev), raw_manifest=raw)
    refused(linked.import_(path), "manifest", r"清单不完整")


def _lines(linked: Linked) -> list[bytes]:
    return gzip.decompress(events_file(linked.store).gz).splitlines(keepends=True)


EVENT_FAULTS: dict[str, Callable[[list[bytes]], list[bytes]]] = {
    "not-json": lambda ls: [b"hello\n", *ls[1:]],
    "nested": lambda ls: [b"[" * 5000 + b"]" * 5000 + b"\n", *ls[1:]],
    "list": lambda ls: [b"[]\n", *ls[1:]],
    "no-newline-at-end": lambda ls: [*ls[:-1], ls[-1].rstrip(b"\n")],
    "extra-key": lambda ls: [ls[0][:-2] + b',"x":1}\n', *ls[1:]],
    "edited-content": lambda ls: [ls[0].replace(b"\\u67f3", b"\\u6768").replace("柳".encode(), "杨".encode()), *ls[1:]],
    "swapped": lambda ls: [ls[1], ls[0], *ls[2:]],
    "dropped": lambda ls: [ls[0], *ls[2:]],
    "repeated": lambda ls: [ls[0], *ls],
    "seq-as-text": lambda ls: [ls[0].replace(b'"seq":1,', b'"seq":"1",'), *ls[1:]],
    "blank-line": lambda ls: [ls[0], b"\n", *ls[1:]],
}


@pytest.mark.parametrize("fault", sorted(EVENT_FAULTS))
def test_events_that_do_not_chain_are_refused(linked: Linked, tmp_path: Path, fault: str):
    ev = events_file(linked.store)
    lines = _lines(linked)
    changed = EVENT_FAULTS[fault](lines)
    assert changed != lines, "the fault changed nothing"
    raw = b"".join(changed)
    ev.gz, ev.raw_bytes = gzip.compress(raw, mtime=0), len(raw)
    members = genuine_members(linked.store, ev)
    members[0].data = ev.gz
    o, _t, _m = _attack(linked, tmp_path, members, events=ev)
    refused(o, "archive", r"事件|清单")


# ---------------------------------------------------------------- foreign, replayed, gapped and forked bundles


def test_a_bundle_signed_by_another_key_is_refused(linked: Linked, tmp_path: Path):
    # the village reinstalled the program and got a new key, but the township still has the old one enrolled
    village_key_path(linked.store.data_dir).unlink()
    ensure_village_key(linked.store.data_dir)
    bundle = linked.export()
    dump, files = hub_dump(linked.hub), tree(tmp_path)
    refused(linked.import_(bundle), "signature", r"签名与登记的村密钥不符")
    assert hub_dump(linked.hub) == dump
    assert_only_tmp_touched(files, tmp_path, linked.hub)


def test_a_bundle_from_a_village_that_is_not_enrolled(linked: Linked, tmp_path: Path):
    stranger = make_uscc(random.Random(99), area="371426")
    ev = events_file(linked.store)
    path = craft_bundle(tmp_path / "stranger.cunwu-sync", code=stranger, key=Ed25519PrivateKey.generate(),
                        recipient=linked.township, events=ev, members=genuine_members(linked.store, ev),
                        village_name="外村")
    dump = hub_dump(linked.hub)
    o = linked.import_(path)
    refused(o, "unknown-village", re.escape(stranger) + r".*还没有在本乡镇登记")
    assert hub_dump(linked.hub) == dump


def test_a_bundle_for_another_township_is_refused(linked: Linked, tmp_path: Path):
    other = init_hub(tmp_path / "other", "河口镇")
    try:
        write_township_file(other.secrets.public, tmp_path / "other.json")
        trust_township(linked.store.data_dir, tmp_path / "other.json")
        bundle = linked.export()
        dump, files = hub_dump(linked.hub), tree(tmp_path)
        o = linked.import_(bundle)
        refused(o, "recipient", r"另一个乡镇")
        assert other.secrets.public.fingerprint in o.message and linked.township.fingerprint in o.message
        assert hub_dump(linked.hub) == dump
        assert_only_tmp_touched(files, tmp_path, linked.hub)

        # a manifest that names this township over a payload sealed to the other one cannot be opened either
        ev = events_file(linked.store)
        lying = craft_bundle(tmp_path / "lying.cunwu-sync", code=linked.code, key=linked.village_key,
                             recipient=linked.township, encrypt_to=other.secrets.public.box(), events=ev,
                             members=genuine_members(linked.store, ev))
        files = tree(tmp_path)
        refused(linked.import_(lying), "decrypt", r"无法解密")
        assert hub_dump(linked.hub) == dump
        assert_only_tmp_touched(files, tmp_path, linked.hub)
    finally:
        other.close()


def test_duplicates_and_replayed_old_bundles_change_nothing(linked: Linked, tmp_path: Path):
    b1 = linked.export()
    assert linked.import_(b1).status == IMPORTED
    dump = hub_dump(linked.hub)
    o = linked.import_(b1)
    assert o.status == ALREADY and "已导入过" in o.message
    assert hub_dump(linked.hub) == dump

    linked.add_residents("钱多多", "孙悟")
    b2 = linked.export()
    assert linked.import_(b2).status == IMPORTED
    dump = hub_dump(linked.hub)
    o = linked.import_(b1)  # replayed after a later bundle
    assert o.status == ALREADY and "没有重复导入" in o.message
    # a different file with events the hub already holds (a full export of the same history)
    full = linked.export(full=True)
    o = linked.import_(full)
    assert o.status == OLD and "旧的同步包" in o.message, o
    assert hub_dump(linked.hub) == dump
    assert village_records(linked.hub, linked.code) == linked.village_records()


def test_a_later_bundle_waits_for_the_missing_one_and_then_is_applied(linked: Linked, tmp_path: Path):
    r1 = export_bundle(linked.store, linked.stick)
    linked.add_residents("周一", "吴二")
    r2 = export_bundle(linked.store, linked.stick)
    (b1, first1, last1), (b2, last2) = (r1.path, r1.first, r1.last), (r2.path, r2.last)
    assert r2.first == last1 + 1

    outcomes, receipts = import_bundles(linked.hub, [b2], receipts=linked.stick)
    o = outcomes[0]
    assert o.status == PENDING, o
    assert f"{first1}–{last1}" in o.message and "暂存" in o.message
    (v,) = list_villages(linked.hub)
    assert v.last_seq == 0 and v.pending == [(last1 + 1, last2)]
    assert village_records(linked.hub, linked.code) == {}
    again = linked.import_(b2)
    assert again.status == PENDING and "等待" in again.message

    # the village is told the township holds the later bundle and waits for the earlier one
    r = import_receipt(linked.store, receipts[0])
    assert r.last_seq == 0 and r.pending == [(last1 + 1, last2)]
    assert sync_status(linked.store).confirmed == 0

    outcomes, receipts = import_bundles(linked.hub, [b1], receipts=linked.stick)
    assert outcomes[0].status == IMPORTED
    (v,) = list_villages(linked.hub)
    assert v.last_seq == last2 and v.pending == []
    assert village_records(linked.hub, linked.code) == linked.village_records()
    assert list(linked.hub.pending_dir.iterdir()) == []
    r = import_receipt(linked.store, receipts[0])
    assert r.last_seq == last2 and r.pending == []
    assert sync_status(linked.store).confirmed == last2


@pytest.mark.parametrize(("full", "redo"), [(False, 1), (False, 4), (True, 1), (True, 4)],
                         ids=["incremental-shorter", "incremental-longer", "full-shorter", "full-longer"])
def test_a_village_that_restored_an_old_backup_is_refused_as_a_fork(linked: Linked, tmp_path: Path, full, redo):
    assert linked.import_(linked.export()).status == IMPORTED
    backup = linked.snapshot_db()
    linked.add_residents("郑三", "冯四")
    assert linked.import_(linked.export()).status == IMPORTED
    records = village_records(linked.hub, linked.code)

    linked.restore_db(backup)  # the clerk restores last month's backup and carries on working
    linked.add_residents(*[f"陈{i}" for i in range(redo)])
    bundle = linked.export(full=full)
    dump, files = hub_dump(linked.hub), tree(tmp_path)
    refused(linked.import_(bundle), "fork", r"恢复过旧备份.*已拒收,乡镇数据未改动")
    assert hub_dump(linked.hub) == dump
    assert village_records(linked.hub, linked.code) == records
    assert_only_tmp_touched(files, tmp_path, linked.hub)


# ---------------------------------------------------------------- malicious archives


SECONDS = 5.0
PEAK = 100 * 1024 * 1024


def _attack(linked: Linked, tmp_path: Path, members: list[Member], *, tweak: Callable[[dict], None] | None = None,
            events=None, plain: bytes | None = None, peak_limit: int = PEAK) -> tuple[Any, float, int]:
    """Craft, import once under a stopwatch and tracemalloc, and check nothing escaped."""
    ev = events or events_file(linked.store)
    path = craft_bundle(tmp_path / "stick" / "attack.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=members, tweak=tweak, plain=plain)
    dump, files = hub_dump(linked.hub), tree(tmp_path)
    escapes = [Path("/tmp/evil"), Path.cwd().parent / "evil", tmp_path.parent / "evil", linked.hub.dir.parent / "evil"]
    existing = [p.exists() for p in escapes]
    tracemalloc.start()
    start = time.perf_counter()
    try:
        o = linked.import_(path)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert elapsed < SECONDS, elapsed
    assert peak < peak_limit, peak
    assert hub_dump(linked.hub) == dump
    assert_only_tmp_touched(files, tmp_path, linked.hub)
    assert [p.exists() for p in escapes] == existing, "a member was written where its name pointed"
    return o, elapsed, peak


def _base(linked: Linked) -> tuple[Member, Member]:
    ev = events_file(linked.store)
    events_member, photo = genuine_members(linked.store, ev)
    return events_member, photo


@pytest.mark.parametrize("name", ["../evil", "../../evil", "/tmp/evil", "C:\\evil", "C:/evil", "attachments\\{sha}",
                                  "attachments/../../evil", "attachments/../{sha}", "./attachments/{sha}",
                                  "attachments/{SHA}", "attachments/{sha}/"])
def test_member_names_that_could_be_paths_are_refused(linked: Linked, tmp_path: Path, name: str):
    events_member, photo = _base(linked)
    photo.name = name.format(sha=linked.photo_sha, SHA=linked.photo_sha.upper())
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"不合规定.*(不允许|不符)")


def test_an_archive_name_other_than_the_manifest_says_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    photo.declared_name = photo.name
    photo.name = "../../evil"
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"与清单不符")


def test_an_events_member_under_another_name_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    events_member.name = "../events.jsonl.gz"
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"第一个成员应为事件文件")


@pytest.mark.parametrize(("kind", "linkname"), [(tarfile.SYMTYPE, "/etc/passwd"), (tarfile.SYMTYPE, "../../evil"),
                                                (tarfile.LNKTYPE, "events.jsonl.gz"), (tarfile.DIRTYPE, ""),
                                                (tarfile.CHRTYPE, ""), (tarfile.FIFOTYPE, "")],
                         ids=["symlink-abs", "symlink-up", "hardlink", "directory", "device", "fifo"])
def test_links_and_special_members_are_refused(linked: Linked, tmp_path: Path, kind: bytes, linkname: str):
    events_member, photo = _base(linked)
    photo.kind, photo.linkname = kind, linkname
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"不是普通文件")
    assert not (linked.hub.dir / "attachments").exists()


def test_a_member_twice_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo, photo])
    refused(o, "archive", r"重复")


def test_a_member_missing_from_the_manifest_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    extra = Member(f"attachments/{'ab' * 32}", b"x", listed=False)
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo, extra])
    refused(o, "archive", r"多于清单")
    photo.listed = False
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"多于清单")


def test_a_member_the_manifest_lists_but_the_archive_lacks_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    photo.in_archive = False
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"少于清单")


def test_members_in_another_order_are_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    ev = events_file(linked.store)
    path = craft_bundle(tmp_path / "stick" / "order.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=[events_member, photo],
                        plain=tar_bytes([photo, events_member]))
    dump = hub_dump(linked.hub)
    refused(linked.import_(path), "archive", r"与清单不符")
    assert hub_dump(linked.hub) == dump


def test_an_attachment_whose_content_is_not_its_name_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    photo.data = b"another picture"
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"不允许|内容与清单不符")
    photo.declared_sha = linked.photo_sha  # the manifest keeps the right hash, the content differs
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"内容与清单不符")


@pytest.mark.parametrize("declared", ["small", "huge"])
def test_a_decompression_bomb_is_refused_quickly_and_in_little_memory(linked: Linked, tmp_path: Path, declared):
    events_member, photo = _base(linked)
    ev = events_file(linked.store)
    bomb = gzip_bomb(1024)  # 1 GiB of zeros in about 1 MB
    events_member.data = bomb
    if declared == "huge":
        ev.raw_bytes = 1 << 30
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo], events=ev)
    # a declared size no events could have is refused before anything is inflated
    refused(o, {"archive", "manifest"}, r"事件文件.*(超过清单所列|一行太长|最多能有)")


def test_a_member_far_larger_than_declared_is_refused(linked: Linked, tmp_path: Path):
    events_member, photo = _base(linked)
    photo.declared_size, photo.declared_sha = len(photo.data), linked.photo_sha
    photo.data = bytes(8 << 20)
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo])
    refused(o, "archive", r"大小与清单不符")


@pytest.mark.parametrize("how", ["gnu", "pax"])
def test_a_sparse_member_that_would_expand_on_disk_is_refused(linked: Linked, tmp_path: Path, how: str):
    """A few bytes in the archive that a tar reader would expand to 1 GiB in the hub's folder."""
    events_member, _photo = _base(linked)
    size = 1 << 30
    sha = zeros_sha256(size)
    name = f"attachments/{sha}"
    sparse = gnu_sparse_member(name, size) if how == "gnu" else pax_sparse_member(name, size)
    plain = tar_member(events_member.name, events_member.data) + sparse + bytes(1024)
    assert len(plain) < 20_000
    o, _t, _m = _attack(linked, tmp_path, [events_member, Member(name, b"", declared_size=size, declared_sha=sha)],
                        plain=plain)
    # refused from the declared sizes alone, before a byte is decrypted, or else as the member is read
    refused(o, {"archive", "manifest"}, r"不是普通文件|超过了同步包本身的大小")


@pytest.mark.parametrize("kind", [tarfile.GNUTYPE_LONGNAME, tarfile.XHDTYPE], ids=["gnu-long-name", "pax"])
def test_a_huge_extension_header_is_refused_without_loading_it(linked: Linked, tmp_path: Path, kind: bytes):
    """tar readers load a long-name or pax header whole; 48 MB of one must not become 48 MB of memory."""
    events_member, photo = _base(linked)
    plain = (tar_member(events_member.name, events_member.data) + extension_header(kind, 48 << 20)
             + tar_member(photo.name, photo.data) + bytes(1024))
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo], plain=plain, peak_limit=16 << 20)
    refused(o, "archive", r"不是普通文件|不合规定")


@pytest.mark.parametrize("listed", [True, False], ids=["listed", "unlisted"])
def test_thousands_of_tiny_members_are_refused_in_bounded_time(linked: Linked, tmp_path: Path, listed: bool):
    events_member, photo = _base(linked)
    tiny = []
    for i in range(5000):
        data = i.to_bytes(4, "big")
        tiny.append(Member(f"attachments/{hashlib.sha256(data).hexdigest()}", data, listed=listed))
    o, _t, _m = _attack(linked, tmp_path, [events_member, photo, *tiny])
    refused(o, "archive", r"没有登记的附件" if listed else r"多于清单")


# ---------------------------------------------------------------- a failing USB stick


class FaultyStick(FileOps):
    """Fails the ``k``-th call of ``method`` the way a full, read-only or yanked stick does."""

    def __init__(self, method: str, k: int, err: int = errno.ENOSPC) -> None:
        self.method, self.k, self.err = method, k, err
        self.calls: Counter[str] = Counter()

    def _due(self, method: str) -> bool:
        self.calls[method] += 1
        return method == self.method and self.calls[method] == self.k

    def _fail(self) -> None:
        raise OSError(self.err, os.strerror(self.err))

    def open(self, path: Path, mode: str) -> IO[bytes]:
        if self._due("open"):
            self._fail()
        return super().open(path, mode)

    def write(self, fh: IO[bytes], data: bytes) -> None:
        if self._due("write"):
            fh.write(data[: len(data) // 2])  # a full stick takes part of the block first
            self._fail()
        super().write(fh, data)

    def fsync(self, fh: IO[bytes]) -> None:
        if self._due("fsync"):
            self._fail()
        super().fsync(fh)

    def replace(self, src: Path, dst: Path) -> None:
        if self._due("replace"):
            self._fail()
        super().replace(src, dst)


def _bundles(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".cunwu-sync")]


@pytest.mark.parametrize("method", ["open", "write", "fsync", "replace"])
def test_a_full_stick_never_leaves_a_complete_looking_file(linked: Linked, method: str):
    linked.add_residents("韩梅")
    before = sync_status(linked.store)
    failures = 0
    for k in range(1, 50):
        ops = FaultyStick(method, k)
        try:
            result = export_bundle(linked.store, linked.stick, ops=ops)
        except SyncError as exc:
            failures += 1
            assert "U盘" in str(exc) and "已满" in str(exc), str(exc)
            assert _bundles(linked.stick) == [] and list(linked.stick.iterdir()) == []
            assert sync_status(linked.store).outbox == before.outbox
            assert list((linked.store.data_dir / "tmp").iterdir()) == []
            continue
        break
    else:
        pytest.fail("the export never succeeded")
    assert failures >= 1 and ops.calls[method] < k  # the k-th call was never reached: the export is complete
    assert _bundles(linked.stick) == [result.path]
    after = sync_status(linked.store)
    assert len(after.outbox) == len(before.outbox) + 1 and after.exported == after.head
    assert linked.import_(result.path).status == IMPORTED
    assert village_records(linked.hub, linked.code) == linked.village_records()


@pytest.mark.parametrize(("method", "err", "says"), [("open", errno.EROFS, r"只读或写保护"),
                                                     ("write", errno.EROFS, r"只读或写保护"),
                                                     ("open", errno.EACCES, r"只读或写保护"),
                                                     ("fsync", errno.EIO, r"U盘被拔出"),
                                                     ("write", errno.EIO, r"U盘被拔出")])
def test_a_read_only_or_yanked_stick_is_reported(linked: Linked, method: str, err: int, says: str):
    before = sync_status(linked.store).outbox
    with pytest.raises(SyncError, match=says) as info:
        export_bundle(linked.store, linked.stick, ops=FaultyStick(method, 1, err))
    assert "U盘" in str(info.value)
    assert list(linked.stick.iterdir()) == []
    assert sync_status(linked.store).outbox == before


class SmallStick(FileOps):
    def __init__(self, free: int) -> None:
        self.free, self.opened = free, 0

    def free_space(self, folder: Path) -> int | None:
        return self.free

    def open(self, path: Path, mode: str) -> IO[bytes]:
        self.opened += 1
        return super().open(path, mode)


def test_too_little_free_space_is_refused_before_writing(linked: Linked):
    before = sync_status(linked.store).outbox
    ops = SmallStick(1000)
    with pytest.raises(SyncError) as info:
        export_bundle(linked.store, linked.stick, ops=ops)
    msg = str(info.value)
    assert "U盘" in msg and "1000 B" in msg and re.search(r"需要 \d+(\.\d)? (KB|MB)", msg), msg
    assert ops.opened == 0 and list(linked.stick.iterdir()) == []
    assert sync_status(linked.store).outbox == before
    r = export_bundle(linked.store, linked.stick, ops=SmallStick(1 << 30))
    assert r.path is not None and linked.import_(r.path).status == IMPORTED


class CorruptingStick(FileOps):
    """A stick that silently stores something other than what was written."""

    def write(self, fh: IO[bytes], data: bytes) -> None:
        bad = bytearray(data)
        bad[len(bad) // 2] ^= 0x10
        fh.write(bytes(bad))


def test_a_stick_that_reads_back_differently_is_refused(linked: Linked):
    before = sync_status(linked.store).outbox
    with pytest.raises(SyncError, match=r"读回校验不一致.*换一个U盘"):
        export_bundle(linked.store, linked.stick, ops=CorruptingStick())
    assert list(linked.stick.iterdir()) == []
    assert sync_status(linked.store).outbox == before


def test_a_line_not_laid_out_canonically_is_still_checked_by_its_fields():
    """The quick hash check needs the canonical layout; any other layout of a correct event is
    checked the long way, and a wrong hash is refused either way."""
    import json as _json

    from app.events import event_hash
    from app.sync.container import BundleRejected, _event

    fields = {"seq": 1, "time": "2026-11-24T10:00:00+08:00", "actor": "文书", "record_type": "resident",
              "record_id": "7", "action": "update", "content": '{"name":"张三","note":"\\"引号\\""}'}
    digest = event_hash("0" * 64, **fields)
    ev = {**fields, "prev_hash": "0" * 64, "hash": digest}
    canonical_line = _json.dumps(ev, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    spaced_line = _json.dumps(ev, ensure_ascii=True, indent=1).replace("\n", " ").encode()
    assert _event(canonical_line, 1, "0" * 64)["hash"] == digest
    assert _event(spaced_line, 1, "0" * 64)["content"] == fields["content"]
    forged = canonical_line.replace(b"\\u5f20", b"").replace("张三".encode(), "李四".encode())
    with pytest.raises(BundleRejected):
        _event(forged, 1, "0" * 64)
