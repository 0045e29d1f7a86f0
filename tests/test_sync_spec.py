"""docs/sync-format.md is a contract another system can implement: a reader written from it alone
(tests/spec_reader.py: standard library and ``cryptography``, nothing from app/) opens the bundles the
program writes and refuses the ones the program refuses, and the document's worked example is what both
the program and that reader compute. If the code or the document changes alone, a test here fails.
"""

from __future__ import annotations

import ast
import base64
import dataclasses
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import re
import struct
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable

import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305

import spec_reader as spec
from app.cli import main
from app.events import Event, canonical, event_hash
from app.keys import TownshipKey, raw_public
from app.sync import container, export
from app.sync.container import BundleReader, BundleRejected, MemberFile, signed_header, write_payload
from sync_helpers import Linked
from sync_helpers import linked  # noqa: F401 - fixture

DOC = Path(__file__).resolve().parents[1] / "docs" / "sync-format.md"
H = bytes.fromhex


# ---------------------------------------------------------------- the document's worked example


def doc_vector() -> dict[str, str]:
    """The ``name = value`` lines of the fenced blocks under "## Worked example" (an indented line continues
    the value above it)."""
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Worked example", 1)[1].split("\n## ", 1)[0]
    values: dict[str, str] = {}
    last = None
    for block in re.findall(r"```text\n(.*?)```", section, flags=re.S):
        for line in block.splitlines():
            if line.startswith("    ") and last:
                values[last] += line.strip()
            elif m := re.fullmatch(r"([a-z0-9_.]+) = ?(.*)", line):
                last = m.group(1)
                values[last] = m.group(2)
    return values


V = doc_vector()


def doc_events() -> list[dict[str, Any]]:
    events, prev = [], "0" * 64
    for n in (1, 2, 3):
        ev = json.loads(V[f"event{n}.hashed"])
        events.append({**ev, "prev_hash": prev, "hash": V[f"event{n}.hash"]})
        prev = V[f"event{n}.hash"]
    return events


def doc_attachment() -> bytes:
    """The example's attachment, as the document describes it: byte i is i mod 251, 70,000 bytes."""
    return bytes(i % 251 for i in range(70_000))


def test_the_worked_example_is_in_the_document():
    assert len(V) >= 30 and {"event3.hash", "hkdf.key", "chunk0.sealed.sha256", "header.signature", "manifest"} <= set(V)


def test_program_hashes_the_example_events_as_the_document_says():
    for ev in doc_events():
        seven = {k: ev[k] for k in spec.HASHED_KEYS}
        assert canonical(seven) == V[f"event{ev['seq']}.hashed"]
        assert event_hash(ev["prev_hash"], ev["seq"], ev["time"], ev["actor"], ev["record_type"], ev["record_id"],
                          ev["action"], ev["content"]) == ev["hash"]
    lines = gzip.decompress(H(V["events.jsonl.gz"]))
    assert lines == b"".join((canonical(ev) + "\n").encode("utf-8") for ev in doc_events())
    assert len(lines) == int(V["events.jsonl.size"]) and hashlib.sha256(lines).hexdigest() == V["events.jsonl.sha256"]


def test_reader_from_the_specification_computes_the_example_events():
    events = doc_events()
    for ev in events:
        assert spec.hashed_text(ev) == V[f"event{ev['seq']}.hashed"]
        assert spec.event_hash(ev["prev_hash"], ev) == ev["hash"]
    assert b"".join(map(spec.event_line, events)) == gzip.decompress(H(V["events.jsonl.gz"]))
    # the escapes the example shows: a quote and a line feed inside content, escaped once more in the event
    assert '\\"住在\\\\\\"老槐树\\\\\\"旁\\\\n二组\\"' in V["event2.hashed"]
    assert spec.check_events(gzip.decompress(H(V["events.jsonl.gz"])), 1, 3, "0" * 64, V["event3.hash"]) == events


def _keys() -> SimpleNamespace:
    return SimpleNamespace(
        village=Ed25519PrivateKey.from_private_bytes(H(V["village.ed25519.private"])),
        township_ed=Ed25519PrivateKey.from_private_bytes(H(V["township.ed25519.private"])),
        township_x=X25519PrivateKey.from_private_bytes(H(V["township.x25519.private"])),
        ephemeral=X25519PrivateKey.from_private_bytes(H(V["ephemeral.x25519.private"])))


def test_reader_from_the_specification_computes_the_example_keys_header_and_chunks():
    k = _keys()
    assert spec.raw(k.village.public_key()).hex() == V["village.ed25519.public"]
    assert spec.raw(k.township_ed.public_key()).hex() == V["township.ed25519.public"]
    assert spec.raw(k.township_x.public_key()).hex() == V["township.x25519.public"]
    assert spec.raw(k.ephemeral.public_key()).hex() == V["ephemeral.x25519.public"]
    assert spec.fingerprint(H(V["township.ed25519.public"]), H(V["township.x25519.public"])) == V["township.fingerprint"]
    pem = b"-----BEGIN PRIVATE KEY-----\n" + V["village.ed25519.pem_base64"].encode() + b"\n-----END PRIVATE KEY-----\n"
    from_file = spec.load_private_key(pem)
    assert isinstance(from_file, Ed25519PrivateKey)
    assert spec.raw(from_file.public_key()).hex() == V["village.ed25519.public"]
    der = base64.b64decode(V["village.ed25519.pem_base64"])
    assert der.hex() == "302e020100300506032b657004220420" + V["village.ed25519.private"]
    shared = k.ephemeral.exchange(k.township_x.public_key())
    assert shared.hex() == V["shared"] == k.township_x.exchange(k.ephemeral.public_key()).hex()
    assert V["hkdf.salt"] == V["ephemeral.x25519.public"] + V["township.x25519.public"]
    key = spec.payload_key(shared, H(V["ephemeral.x25519.public"]), H(V["township.x25519.public"]))
    assert key.hex() == V["hkdf.key"]

    attachment = doc_attachment()
    assert hashlib.sha256(attachment).hexdigest() == V["attachment.sha256"]
    plain = spec.ustar([("events.jsonl.gz", H(V["events.jsonl.gz"])), ("attachments/" + V["attachment.sha256"], attachment)])
    assert len(plain) == int(V["archive.size"]) and hashlib.sha256(plain).hexdigest() == V["archive.sha256"]
    assert spec.nonce(0, False).hex() == V["chunk0.nonce"] and spec.nonce(1, True).hex() == V["chunk1.nonce"]
    payload = spec.seal(plain, key)
    c0, c1 = payload[:spec.SEALED], payload[spec.SEALED:]
    assert len(c0) == int(V["chunk0.sealed.size"]) and c0[:16].hex() == V["chunk0.sealed.first16"]
    assert c0[-16:].hex() == V["chunk0.sealed.tag"] and hashlib.sha256(c0).hexdigest() == V["chunk0.sealed.sha256"]
    assert len(c1) == int(V["chunk1.sealed.size"]) and hashlib.sha256(c1).hexdigest() == V["chunk1.sealed.sha256"]
    assert hashlib.sha256(payload).hexdigest() == V["payload.sha256"]

    manifest = V["manifest"].encode("utf-8")
    fixed = spec.MAGIC + struct.pack(">H", 1) + V["village.code"].encode("ascii") + struct.pack(">I", len(manifest))
    assert fixed.hex() == V["header.fixed"]
    signature = k.village.sign(fixed + manifest)  # Ed25519 signatures are deterministic
    assert signature.hex() == V["header.signature"]
    assert spec.canonical(json.loads(manifest)) == V["manifest"]  # the manifest is written as canonical JSON
    bundle = fixed + signature + manifest + payload
    assert len(bundle) == int(V["bundle.size"]) and hashlib.sha256(bundle).hexdigest() == V["bundle.sha256"]

    opened = spec.read_bundle(bundle, {V["village.code"]: H(V["village.ed25519.public"])},
                              H(V["township.ed25519.public"]), k.township_x)
    assert opened.events == doc_events() and opened.attachments == {V["attachment.sha256"]: attachment}


def test_program_writes_the_example_as_the_document_says(tmp_path, monkeypatch):
    """The program's own export code, given the example's events and fixed keys, makes the document's bytes."""
    from sqlalchemy import create_engine, insert
    from sqlalchemy.orm import Session

    from app.attachments import blob_path

    from app.keys import _pem

    k = _keys()
    assert _pem(k.village).decode("ascii").splitlines()[1] == V["village.ed25519.pem_base64"]  # the key file's line
    monkeypatch.setattr(container, "X25519PrivateKey", SimpleNamespace(generate=lambda: k.ephemeral))
    township = TownshipKey("石桥镇", raw_public(k.township_ed.public_key()), raw_public(k.township_x.public_key()))
    assert township.fingerprint == V["township.fingerprint"]
    attachment = doc_attachment()
    data_dir = tmp_path / "village"
    blob = blob_path(data_dir, V["attachment.sha256"])
    blob.parent.mkdir(parents=True)
    blob.write_bytes(attachment)
    engine = create_engine("sqlite://")
    Event.__table__.create(engine)
    work = tmp_path / "work"
    work.mkdir()
    with Session(engine) as s:
        s.execute(insert(Event.__table__), doc_events())
        built, _payload = export._build(s, work, data_dir, SimpleNamespace(code=V["village.code"], name="柳林村"),
                                        township, 1, 3, False, None)
    expected = json.loads(V["manifest"])
    assert gzip.decompress((work / "events.jsonl.gz").read_bytes()) == gzip.decompress(H(V["events.jsonl.gz"]))
    for key in ("format", "kind", "village", "recipient", "full", "events", "counts"):
        assert built[key] == expected[key], key
    assert built["members"][1] == expected["members"][1]
    assert [m["name"] for m in built["members"]] == [m["name"] for m in expected["members"]]

    # from the example's compressed events on (a gzip stream is any compressor's), the bytes are fixed
    gz = tmp_path / "events.jsonl.gz"
    gz.write_bytes(H(V["events.jsonl.gz"]))
    members = [MemberFile("events.jsonl.gz", gz, *container.file_digest(gz)),
               MemberFile("attachments/" + V["attachment.sha256"], blob, *container.file_digest(blob))]
    out = io.BytesIO()
    assert write_payload(members, township.box(), out) == expected["payload"]
    payload = out.getvalue()
    assert hashlib.sha256(payload[:spec.SEALED]).hexdigest() == V["chunk0.sealed.sha256"]
    aead = container._derive(H(V["shared"]), H(V["ephemeral.x25519.public"]), H(V["township.x25519.public"]))
    assert aead.encrypt(bytes(12), b"", None) == ChaCha20Poly1305(H(V["hkdf.key"])).encrypt(bytes(12), b"", None)
    header = signed_header(V["village.code"], expected, k.village)
    assert header == H(V["header.fixed"]) + H(V["header.signature"]) + V["manifest"].encode("utf-8")

    # and the program reads the example bundle back to the same events
    path = tmp_path / "example.cunwu-sync"
    path.write_bytes(header + payload)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == V["bundle.sha256"]
    reader = BundleReader.open(path, lambda code: k.village.public_key(), V["township.fingerprint"])
    got = [item for kind, item in reader.contents(k.township_x, tmp_path / "t") if kind == "event"]
    assert got == doc_events()


# ---------------------------------------------------------------- canonical JSON and the reader's independence


def test_the_documents_escaping_rule_is_the_programs():
    """"Canonical JSON": raw UTF-8, only \" \\ and U+0000-U+001F escaped; keys by code point."""
    samples = [chr(i) for i in range(0x80)] + ["é", "中", "\u2028", "\u2029", "\ufeff", "😀", "𠮷", "\x7f", "/"]
    for ch in samples:
        assert spec.canonical_string("a" + ch + "z") == canonical("a" + ch + "z"), repr(ch)
    tricky = {"\uffff": 1, "😀": [True, False, None, -5, 0], "b": {"z": "", "a": "\t"}, "中": "\u0000"}
    assert spec.canonical(tricky) == canonical(tricky)
    assert list(json.loads(canonical(tricky))) == ["b", "中", "\uffff", "😀"]  # by code point, not UTF-16 units


def test_the_reader_imports_nothing_from_the_program():
    tree = ast.parse(Path(spec.__file__).read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "a relative import"
            roots.add(node.module.split(".")[0])
    assert roots - set(sys.stdlib_module_names) == {"cryptography"}


# ---------------------------------------------------------------- real bundles made by the program


@dataclasses.dataclass
class Township:
    """What an engineer of another system holds: the public files exchanged and the township's key files."""

    village_keys: dict[str, bytes]
    ed25519: bytes
    box: X25519PrivateKey

    def read(self, data: bytes) -> spec.Bundle:
        return spec.read_bundle(data, self.village_keys, self.ed25519, self.box)


def _township(lk: Linked) -> Township:
    ident = json.loads((lk.root / "id.json").read_text(encoding="utf-8"))
    tkey = json.loads((lk.root / "township.json").read_text(encoding="utf-8"))
    pem = (lk.hub.dir / "keys" / "township-x25519.pem").read_bytes()
    box = spec.load_private_key(pem)
    assert isinstance(box, X25519PrivateKey)
    assert spec.fingerprint(spec.b64decode(tkey["ed25519"], 32), spec.b64decode(tkey["x25519"], 32)) == tkey["fingerprint"]
    return Township({ident["village_code"]: spec.b64decode(ident["ed25519"], 32)}, spec.b64decode(tkey["ed25519"], 32), box)


def _village_events(lk: Linked) -> list[dict[str, Any]]:
    from sqlalchemy import select

    with lk.store.read() as s:
        return [dict(r) for r in s.execute(select(Event.__table__).order_by(Event.seq)).mappings()]


@pytest.fixture
def bundle(linked: Linked, tmp_path) -> tuple[Linked, bytes]:
    """A village with Chinese names, a note with quotes and a line break, and a photo of 150,000 bytes (three
    chunks), exported by the program."""
    from app.attachments import add_attachment
    from app.people.service import ResidentInput, add_resident

    from conftest import make_id

    photo = tmp_path / "会议照片.jpg"
    photo.write_bytes(os.urandom(150_000))
    with linked.store.begin("测试") as s:
        add_resident(s, ResidentInput(name="𠮷秀英", id_number=make_id(dt.date(1961, 3, 8), 901),
                                      note='住在"老槐树"旁\n二组\t\\东头'))
        add_resident(s, ResidentInput(name="王建国", id_number=make_id(dt.date(1975, 10, 1), 902)))
        add_attachment(s, linked.store.data_dir, photo, name="会议照片.jpg", media_type="image/jpeg")
    return linked, linked.export().read_bytes()


def test_reader_from_the_specification_verifies_a_real_bundle(bundle):
    lk, data = bundle
    opened = _township(lk).read(data)
    assert opened.events == _village_events(lk)  # every event the village holds, field for field
    assert len(opened.events) > 5 and opened.code == lk.code
    from app.attachments import blob_path

    assert opened.attachments and all(blob_path(lk.store.data_dir, sha).read_bytes() == content
                                      for sha, content in opened.attachments.items())
    assert opened.manifest["payload"]["size"] > 2 * spec.SEALED  # more than two chunks were opened


def _program_verdict(lk: Linked, data: bytes, tmp_path: Path) -> str:
    """The program's own verdict on a file: "ok" or the refusal's reason."""
    name = hashlib.sha256(data).hexdigest()[:12]
    path = tmp_path / f"{name}.cunwu-sync"
    path.write_bytes(data)

    def village_key(code: str) -> Any:
        if code != lk.code:
            raise BundleRejected("unknown-village", code)
        return lk.village_key.public_key()

    try:
        reader = BundleReader.open(path, village_key, lk.township.fingerprint)
        for _item in reader.read(lk.hub.secrets.box, tmp_path / f"work-{name}"):
            pass
    except BundleRejected as exc:
        return exc.reason
    return "ok"


def _spec_verdict(t: Township, data: bytes) -> str:
    try:
        t.read(data)
    except spec.Refused as exc:
        return exc.step
    return "ok"


def _flip(data: bytes, at: int, mask: int = 0x01) -> bytes:
    out = bytearray(data)
    out[at] ^= mask
    return bytes(out)


def _resigned(data: bytes, key: Ed25519PrivateKey, change: Callable[[dict[str, Any]], None] | None = None,
              payload: Callable[[bytes], bytes] | None = None, *, keep_payload_entry: bool = False) -> bytes:
    """The bundle with its manifest changed and signed again with the village's key, as a village could."""
    (length,) = struct.unpack(">I", data[28:32])
    manifest = json.loads(data[96:96 + length])
    body = data[96 + length:]
    if payload is not None:
        body = payload(body)
        if not keep_payload_entry:
            manifest["payload"]["sha256"] = hashlib.sha256(body).hexdigest()
    if change is not None:
        change(manifest)
    text = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")
    fixed = data[:28] + struct.pack(">I", len(text))
    return fixed + key.sign(fixed + text) + text + body


def _other_code(code: str) -> str:
    from app.people.uscc import make_uscc
    import random

    other = make_uscc(random.Random(7), area="530100")
    assert other != code
    return other


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(m: dict[str, Any]) -> None:
        *parents, leaf = path.split(".")
        obj: Any = m
        for p in parents:
            obj = obj[int(p)] if isinstance(obj, list) else obj[p]
        if isinstance(obj, list):
            obj[int(leaf)] = value
        else:
            obj[leaf] = value
    return change


def test_reader_and_program_refuse_the_same_damaged_bundles(bundle, tmp_path):
    lk, data = bundle
    t, key = _township(lk), lk.village_key
    (length,) = struct.unpack(">I", data[28:32])
    m = json.loads(data[96:96 + length])
    ev = m["events"]
    letter = next(i for i, ch in enumerate(lk.code) if ch.isalpha())
    cases = {
        # a flipped byte, nothing signed again
        "magic": (_flip(data, 0), "header", "not-a-bundle"),
        "version": (_flip(data, 9), "version", "version"),
        "a lowercase letter in the code": (_flip(data, 10 + letter, 0x20), "header", "not-a-bundle"),
        "another legal code": (data[:10] + _other_code(lk.code).encode() + data[28:], "unknown-village",
                               "unknown-village"),
        "manifest length": (_flip(data, 31), "signature", "signature"),
        "signature": (_flip(data, 40), "signature", "signature"),
        "manifest byte": (_flip(data, 96 + length // 2), "signature", "signature"),
        "payload byte": (_flip(data, 96 + length + 70_000), "payload", "payload"),
        "cut short": (data[:-1], "payload", "payload"),
        # signed again by the village key: only the checks after the signature can catch these
        "chunk byte, hash fixed": (_resigned(data, key, payload=lambda p: _flip(p, 70_000)), "decrypt", "decrypt"),
        "chunks swapped": (_resigned(data, key, payload=lambda p: p[spec.SEALED:2 * spec.SEALED] + p[:spec.SEALED]
                                     + p[2 * spec.SEALED:]), "decrypt", "decrypt"),
        "manifest code differs from the header's": (_resigned(data, key, _set("village.code", _other_code(lk.code))),
                                                    "manifest", "manifest"),
        "count is not last-first+1": (_resigned(data, key, _set("events.count", ev["count"] + 1)), "manifest", "manifest"),
        "last before first": (_resigned(data, key, _set("events.last", ev["first"] - 1) if ev["first"] > 1
                                        else _set("events.first", ev["last"] + 1)), "manifest", "manifest"),
        "count as text": (_resigned(data, key, _set("events.count", str(ev["count"]))), "manifest", "manifest"),
        "first is 0": (_resigned(data, key, _set("events.first", 0)), "manifest", "manifest"),
        "a number past 2^63-1": (_resigned(data, key, _set("events.bytes", 2**63)), "manifest", "manifest"),
        "events.bytes beyond count lines": (_resigned(data, key, _set("events.bytes", ev["count"] * (4 * 1024 * 1024 + 1) + 1)),
                                           "manifest", "manifest"),
        "members larger than the payload": (_resigned(data, key, _set("members.0.size", m["payload"]["size"])),
                                           "manifest", "manifest"),
        "uppercase hex": (_resigned(data, key, _set("events.head", ev["head"].upper())), "manifest", "manifest"),
        "base64 without padding": (_resigned(data, key, _set("payload.ephemeral", m["payload"]["ephemeral"].rstrip("="))),
                                   "manifest", "manifest"),
        "chunk size": (_resigned(data, key, _set("payload.chunk", 65535)), "manifest", "manifest"),
        "payload size one more": (_resigned(data, key, _set("payload.size", m["payload"]["size"] + 1)), "payload", "payload"),
        "payload size one less": (_resigned(data, key, _set("payload.size", m["payload"]["size"] - 1)), "payload", "payload"),
        "another recipient": (_resigned(data, key, _set("recipient", "0000 0000 0000 0000 0000 0000")), "recipient", "recipient"),
        "member size not exact": (_resigned(data, key, _set("members.0.size", m["members"][0]["size"] - 1)), "archive", "archive"),
        "member hash": (_resigned(data, key, _set("members.0.sha256", "0" * 64)), "archive", "archive"),
        "head differs": (_resigned(data, key, _set("events.head", "0" * 64)), "archive", "archive"),
        "events.bytes one less": (_resigned(data, key, _set("events.bytes", ev["bytes"] - 1)), "archive", "archive"),
        "version 2 in the manifest": (_resigned(data, key, _set("format", 2)), "version", "version"),
    }
    assert _spec_verdict(t, data) == "ok" and _program_verdict(lk, data, tmp_path) == "ok"
    for name, (damaged, spec_step, program_reason) in cases.items():
        assert (_spec_verdict(t, damaged), _program_verdict(lk, damaged, tmp_path)) == (spec_step, program_reason), name


def test_a_bundle_for_an_unknown_village_or_another_township_is_refused(bundle):
    lk, data = bundle
    t = _township(lk)
    assert _spec_verdict(Township({}, t.ed25519, t.box), data) == "unknown-village"
    # the recipient is the fingerprint of BOTH township keys: the right X25519 key with another Ed25519 key fails
    other_ed = raw_public(Ed25519PrivateKey.generate().public_key())
    assert _spec_verdict(Township(t.village_keys, other_ed, t.box), data) == "recipient"


# ---------------------------------------------------------------- a payload of exactly k × 65,536 bytes


def test_a_plaintext_of_whole_chunks_ends_with_a_full_last_chunk(tmp_path, linked):
    """"Payload": no empty sealed chunk follows when the archive is an exact multiple of 65,536 bytes."""
    member = tmp_path / "events.jsonl.gz"
    member.write_bytes(os.urandom(2 * spec.CHUNK - 3 * spec.BLOCK))  # header + data + end marker = 2 chunks
    out = io.BytesIO()
    box = linked.hub.secrets.box
    entry = write_payload([MemberFile("events.jsonl.gz", member, *container.file_digest(member))],
                          box.public_key(), out)
    payload = out.getvalue()
    assert len(payload) == entry["size"] == 2 * spec.SEALED  # not 2 × 65,552 + 16
    eph = base64.b64decode(entry["ephemeral"])
    key = spec.payload_key(box.exchange(X25519PublicKey.from_public_bytes(eph)), eph, raw_public(box.public_key()))
    plain = spec.open_payload(payload, key)
    assert len(plain) == 2 * spec.CHUNK and spec.walk_archive(plain) == [("events.jsonl.gz", member.read_bytes())]
    assert plain == spec.ustar([("events.jsonl.gz", member.read_bytes())])  # the writer's bytes, header and all
    aead = ChaCha20Poly1305(key)
    aead.decrypt(spec.nonce(1, True), payload[spec.SEALED:], None)  # the second and last chunk carries the flag
    with pytest.raises(InvalidTag):
        aead.decrypt(spec.nonce(1, False), payload[spec.SEALED:], None)
    # dropping the last chunk leaves a payload whose new last chunk does not open: truncation is seen
    with pytest.raises(spec.Refused):
        spec.open_payload(payload[:spec.SEALED], key)
    # the other spelling the document mentions, never written: full chunks flagged 0 and an empty last chunk
    # flagged 1. A reader that counts chunks from the size, as the document says, opens it; so does the program.
    padded = (aead.encrypt(spec.nonce(0, False), plain[:spec.CHUNK], None)
              + aead.encrypt(spec.nonce(1, False), plain[spec.CHUNK:], None) + aead.encrypt(spec.nonce(2, True), b"", None))
    assert spec.chunk_count(len(padded)) == 3 and spec.open_payload(padded, key) == plain
    opened = io.BufferedReader(container._OpeningReader(io.BytesIO(padded), aead, len(padded)))
    assert opened.read() == plain


# ---------------------------------------------------------------- bundle export --to a new folder


def test_export_to_a_new_folder_on_the_stick_creates_it(linked, capsys):
    target = linked.stick / "三月同步"
    code = main(["--data-dir", str(linked.store.data_dir), "bundle", "export", "--to", str(target)])
    out, err = capsys.readouterr()
    assert code == 0, err
    (made,) = target.glob("*.cunwu-sync")
    assert str(made) in out


def test_export_to_a_folder_whose_parent_is_missing_is_the_plain_error(linked, capsys):
    target = linked.stick / "没有这个U盘" / "三月同步"
    code = main(["--data-dir", str(linked.store.data_dir), "bundle", "export", "--to", str(target)])
    _out, err = capsys.readouterr()
    assert code == 1 and "找不到文件夹" in err and str(target) in err
    assert not (linked.stick / "没有这个U盘").exists() and list(linked.stick.iterdir()) == []
