"""Shared builders for the sync tests: a village linked to its township hub,
snapshots of everything the hub keeps, and a crafter of bundles whose archive
says whatever a test wants while its signature and encryption are genuine.

The crafter seals the payload with its own few lines written from
docs/sync-format.md rather than with the product's writer, so a crafted
bundle that the hub accepts (see ``genuine_members``) also checks that the
product reads what the specification describes.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import gzip
import hashlib
import io
import itertools
import os
import shutil
import sqlite3
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from app.events import AUDITED, GENESIS, Event, canonical
from app.hub import store as hub_tables
from app.hub.service import Hub, ImportOutcome, enroll, import_one, init_hub
from app.storage import Store
from app.sync.container import signed_header
from app.sync.export import export_bundle
from app.keys import (TownshipKey, ensure_village_key, load_village_key, raw_public, trust_township,
                           write_identity_file, write_township_file)

PHOTO = b"\xff\xd8\xff\xe0 a small photo of the notice board " * 20
_people = itertools.count(500)


# ---------------------------------------------------------------- a linked village and hub


@dataclass
class Linked:
    """A village store and its township hub after the one-time key exchange, and a stick folder."""

    root: Path
    store: Store
    hub: Hub
    stick: Path
    code: str
    name: str
    photo_sha: str

    @property
    def village_key(self) -> Ed25519PrivateKey:
        return load_village_key(self.store.data_dir)

    @property
    def township(self) -> TownshipKey:
        return self.hub.secrets.public

    def export(self, **kw: Any) -> Path:
        r = export_bundle(self.store, self.stick, **kw)
        assert r.path is not None, "nothing new to export"
        return r.path

    def import_(self, path: Path) -> ImportOutcome:
        return import_one(self.hub, path)

    def add_residents(self, *names: str) -> None:
        from app.people.service import ResidentInput, add_resident

        from conftest import make_id

        with self.store.begin("测试") as s:
            for name in names:
                add_resident(s, ResidentInput(name=name, id_number=make_id(dt.date(1970, 1, 1), next(_people))))

    def snapshot_db(self) -> Path:
        """A copy of the village database as it is now (a backup the clerk might restore later)."""
        copy = self.root / f"backup-{next(_people)}.sqlite3"
        src, dst = sqlite3.connect(self.store.db_path), sqlite3.connect(copy)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        return copy

    def restore_db(self, copy: Path) -> None:
        self.store.close()
        for suffix in ("-wal", "-shm"):
            Path(str(self.store.db_path) + suffix).unlink(missing_ok=True)
        shutil.copyfile(copy, self.store.db_path)

    def village_records(self) -> dict[tuple[str, str], dict[str, Any]]:
        dump = {}
        with self.store.read() as s:
            for record_type, model in AUDITED.items():
                for obj in s.scalars(select(model)):
                    dump[(record_type, obj.record_id)] = obj.to_record()
        return dump


def link(store: Store, root: Path, township: str = "石桥镇") -> Linked:
    from app.attachments import add_attachment
    from app.people.service import get_village

    ensure_village_key(store.data_dir)
    photo = root / "公开栏照片.jpg"
    photo.write_bytes(PHOTO)
    with store.begin("测试") as s:
        v = get_village(s)
        sha = add_attachment(s, store.data_dir, photo, name="公开栏照片.jpg", media_type="image/jpeg").sha256
    hub = init_hub(root / "township", township)
    write_identity_file(store.data_dir, root / "id.json", code=v.code, name=v.name, township=v.township)
    write_township_file(hub.secrets.public, root / "township.json")
    trust_township(store.data_dir, root / "township.json")
    enroll(hub, root / "id.json")
    stick = root / "stick"
    stick.mkdir()
    return Linked(root, store, hub, stick, v.code, v.name, sha)


@pytest.fixture
def linked(store: Store, tmp_path: Path) -> Iterator[Linked]:
    lk = link(store, tmp_path)
    yield lk
    lk.hub.close()


# ---------------------------------------------------------------- what the hub keeps


def hub_dump(hub: Hub) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every hub table, to show that a refusal changed nothing."""
    with hub.engine.connect() as conn:
        return {table.name: sorted(tuple(r) for r in conn.execute(select(table)))
                for table in hub_tables.metadata.sorted_tables
                if table is not hub_tables.proj_alerts}  # the log of refusals grows with each refusal


_SQLITE_SIDECARS = ("-wal", "-shm", "-journal")


def tree(root: Path) -> dict[str, tuple[str, int]]:
    """Every path under ``root`` with its kind and size (SQLite's sidecar files come and go and are left out)."""
    out: dict[str, tuple[str, int]] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            p = Path(folder) / name
            if name.endswith(_SQLITE_SIDECARS):
                continue
            st = p.lstat()
            kind = "link" if p.is_symlink() else "dir" if p.is_dir() else "file"
            out[str(p.relative_to(root))] = (kind, 0 if kind == "dir" or name.endswith(".sqlite3") else st.st_size)
    return out


def assert_only_tmp_touched(before: dict[str, tuple[str, int]], root: Path, hub: Hub) -> None:
    """Nothing appeared or changed under ``root`` except inside the hub's tmp folder, which is empty again."""
    after = tree(root)
    tmp_rel = str(hub.tmp_root.relative_to(root))
    inside = (lambda p: p == tmp_rel or p.startswith(tmp_rel + os.sep))
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p) and not inside(p)}
    assert not changed, f"written outside the hub's tmp folder: {sorted(changed)}"
    assert list(hub.tmp_root.iterdir()) == [], "the hub's tmp folder was not cleaned"


# ---------------------------------------------------------------- crafting bundles


@dataclass
class Member:
    """One archive member. ``listed``/``in_archive`` say where it appears; ``declared_*`` lie in the manifest."""

    name: str
    data: bytes = b""
    kind: bytes = tarfile.REGTYPE
    linkname: str = ""
    listed: bool = True
    in_archive: bool = True
    declared_name: str | None = None
    declared_size: int | None = None
    declared_sha: str | None = None

    def manifest_entry(self) -> dict[str, Any]:
        return {"name": self.declared_name or self.name,
                "size": len(self.data) if self.declared_size is None else self.declared_size,
                "sha256": self.declared_sha or hashlib.sha256(self.data).hexdigest()}


@dataclass
class EventsFile:
    gz: bytes
    first: int
    last: int
    prev_head: str
    head: str
    raw_bytes: int
    counts: dict[str, int] = field(default_factory=dict)
    attachments: list[str] = field(default_factory=list)

    def manifest_entry(self) -> dict[str, Any]:
        return {"first": self.first, "last": self.last, "count": self.last - self.first + 1,
                "prev_head": self.prev_head, "head": self.head, "bytes": self.raw_bytes}


def events_file(store: Store, first: int = 1, last: int | None = None) -> EventsFile:
    """The village's events ``first``..``last`` as the events member of a bundle (docs/sync-format.md)."""
    with store.read() as s:
        rows = [dict(r) for r in s.execute(select(Event.__table__).where(Event.seq >= first).order_by(Event.seq))
                .mappings() if last is None or r["seq"] <= last]
        prev = s.scalar(select(Event.hash).where(Event.seq == first - 1)) if first > 1 else GENESIS
    raw = b"".join((canonical(r) + "\n").encode("utf-8") for r in rows)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["record_type"]] = counts.get(r["record_type"], 0) + 1
    attachments = sorted({r["record_id"] for r in rows if r["record_type"] == "attachment" and r["action"] == "create"})
    return EventsFile(gzip.compress(raw, mtime=0), rows[0]["seq"], rows[-1]["seq"], prev, rows[-1]["hash"], len(raw),
                      counts, attachments)


def genuine_members(store: Store, ev: EventsFile) -> list[Member]:
    """The members a correct export of ``ev`` would carry."""
    from app.attachments import blob_path

    return [Member("events.jsonl.gz", ev.gz)] + [
        Member(f"attachments/{sha}", blob_path(store.data_dir, sha).read_bytes()) for sha in ev.attachments]


def seal(plain: bytes, recipient: X25519PublicKey) -> tuple[bytes, dict[str, Any]]:
    """Encrypt as docs/sync-format.md "Payload" says; returns the payload and its manifest entry."""
    eph = X25519PrivateKey.generate()
    eph_pub, rec_pub = raw_public(eph.public_key()), raw_public(recipient)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + rec_pub,
               info=b"cunwu-bundle-v1").derive(eph.exchange(recipient))
    aead = ChaCha20Poly1305(key)
    chunks = [plain[i:i + 65536] for i in range(0, len(plain), 65536)] or [b""]
    sealed = b"".join(aead.encrypt(i.to_bytes(11, "big") + bytes([i == len(chunks) - 1]), c, None)
                      for i, c in enumerate(chunks))
    return sealed, {"cipher": "X25519-HKDF-SHA256/ChaCha20-Poly1305/STREAM-64KiB",
                    "ephemeral": base64.b64encode(eph_pub).decode("ascii"), "chunk": 65536,
                    "size": len(sealed), "sha256": hashlib.sha256(sealed).hexdigest()}


def tar_bytes(members: list[Member], fmt: int = tarfile.USTAR_FORMAT) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as tar:
        for m in members:
            if not m.in_archive:
                continue
            info = tarfile.TarInfo(m.name)
            info.type = m.kind
            info.linkname = m.linkname
            info.mode = 0o644
            if m.kind in (tarfile.REGTYPE, tarfile.AREGTYPE):
                info.size = len(m.data)
                tar.addfile(info, io.BytesIO(m.data))
            else:
                tar.addfile(info)
    return buf.getvalue()


def tar_member(name: str, data: bytes) -> bytes:
    """One regular ustar member as raw bytes, for archives stitched together by hand."""
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o644
    return info.tobuf(tarfile.USTAR_FORMAT) + data + bytes(-len(data) % 512)


def gnu_sparse_member(name: str, realsize: int) -> bytes:
    """A GNU sparse member: no stored data, but a reader that honours it expands it to ``realsize`` zero bytes."""
    info = tarfile.TarInfo(name)
    info.size, info.mode = 0, 0o644
    buf = bytearray(info.tobuf(tarfile.GNU_FORMAT))
    buf[156:157] = tarfile.GNUTYPE_SPARSE
    buf[386:410] = b"%011o\0%011o\0" % (0, 0)  # one empty data block; the rest is a hole
    buf[482] = 0
    buf[483:495] = b"%011o\0" % realsize
    buf[148:156] = b" " * 8
    buf[148:156] = b"%06o\0 " % sum(buf)
    return bytes(buf)


def pax_sparse_member(name: str, realsize: int) -> bytes:
    """The same trick through a pax extended header (GNU sparse format 0.1)."""
    info = tarfile.TarInfo(name)
    info.size, info.mode = 0, 0o644
    info.pax_headers = {"GNU.sparse.map": "0,0", "GNU.sparse.size": str(realsize)}
    return info.tobuf(tarfile.PAX_FORMAT)


def extension_header(kind: bytes, size: int) -> bytes:
    """A GNU long-name (``L``) or pax (``x``) header carrying about ``size`` bytes that a tar reader loads whole."""
    if kind == tarfile.XHDTYPE:  # one pax record, "<length> path=<value>\n", its length counting its own digits
        rest = b" path=" + b"a" * size + b"\n"
        n = len(rest)
        while len(str(n)) + len(rest) != n:
            n = len(str(n)) + len(rest)
        body = str(n).encode() + rest
    else:
        body = b"a" * size
    info = tarfile.TarInfo("././@LongLink" if kind == tarfile.GNUTYPE_LONGNAME else "PaxHeader/x")
    info.type, info.size = kind, len(body)
    return info.tobuf(tarfile.GNU_FORMAT) + body + bytes(-len(body) % 512)


@functools.lru_cache(maxsize=2)
def zeros_sha256(size: int) -> str:
    sha, block = hashlib.sha256(), bytes(1 << 20)
    for _ in range(size >> 20):
        sha.update(block)
    sha.update(bytes(size % (1 << 20)))
    return sha.hexdigest()


def craft_bundle(dest: Path, *, code: str, key: Ed25519PrivateKey, recipient: TownshipKey, events: EventsFile,
                 members: list[Member], village_name: str = "柳林村", encrypt_to: X25519PublicKey | None = None,
                 plain: bytes | None = None, tweak: Callable[[dict[str, Any]], None] | None = None,
                 raw_manifest: bytes | None = None) -> Path:
    """Write a bundle signed with ``key`` for ``recipient`` whose archive holds exactly ``members``.

    ``encrypt_to`` seals the payload to another key than the recipient's;
    ``plain`` replaces the archive bytes; ``tweak`` edits the manifest before signing;
    ``raw_manifest`` signs these bytes as the manifest instead.
    """
    sealed, payload = seal(tar_bytes(members) if plain is None else plain, encrypt_to or recipient.box())
    manifest = {
        "format": 1, "kind": "bundle", "village": {"code": code, "name": village_name},
        "recipient": recipient.fingerprint, "created": "2026-11-24T09:30:00+08:00", "full": events.first == 1,
        "events": events.manifest_entry(), "counts": events.counts,
        "members": [m.manifest_entry() for m in members if m.listed], "payload": payload,
    }
    if tweak:
        tweak(manifest)
    header = signed_header(code, manifest, key) if raw_manifest is None else sign_raw(code, raw_manifest, key)
    dest.write_bytes(header + sealed)
    return dest


def sign_raw(code: str, manifest: bytes, key: Ed25519PrivateKey) -> bytes:
    """Header, signature and manifest for manifest bytes that need not be JSON at all."""
    fixed = b"CUNWUSYN" + struct.pack(">H18sI", 1, code.encode("ascii"), len(manifest))
    return fixed + key.sign(fixed + manifest) + manifest


def header_length(path: Path) -> int:
    """96 + M: the signed part of a bundle file."""
    with open(path, "rb") as fh:
        fixed = fh.read(32)
    return 96 + struct.unpack(">I", fixed[28:32])[0]


# ---------------------------------------------------------------- a decompression bomb


@functools.lru_cache(maxsize=4)
def gzip_bomb(mib: int) -> bytes:
    """A valid gzip file of ``mib`` MiB of zero bytes, about a thousandth of that size.

    After a full flush deflate forgets everything before it, so every further
    MiB of zeros compresses to the same bytes: compress two and repeat the second.
    """
    block = bytes(1 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    again = co.compress(block) + co.flush(zlib.Z_FULL_FLUSH)
    body = first + again * (mib - 1) + co.flush()
    crc = 0
    for _ in range(mib):
        crc = zlib.crc32(block, crc)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + body + struct.pack("<II", crc, (mib << 20) & 0xFFFFFFFF)


__all__ = ["Linked", "link", "linked", "hub_dump", "tree", "assert_only_tmp_touched", "Member", "EventsFile",
           "events_file", "genuine_members", "seal", "tar_bytes", "tar_member", "gnu_sparse_member",
           "pax_sparse_member", "extension_header", "zeros_sha256", "craft_bundle", "sign_raw", "header_length",
           "gzip_bomb"]
