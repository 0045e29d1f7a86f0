"""A sync bundle reader written from docs/sync-format.md alone.

It imports nothing from the program (a test reads this file's imports to hold it so): only the standard
library and ``cryptography``, as an engineer in another system would. tests/test_sync_spec.py has it open
real bundles made by the program and compute the document's worked example, so that the program and the
document cannot say different things without a test failing.

Each check names the step of "Order of checks when reading" or the rule it implements.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CUNWUSYN"
FIXED_LEN, SIG_LEN, HEADER_LEN = 32, 64, 96
MAX_MANIFEST = 1_048_576
CHUNK, TAG = 65_536, 16
SEALED = CHUNK + TAG
CIPHER = "X25519-HKDF-SHA256/ChaCha20-Poly1305/STREAM-64KiB"
HKDF_INFO = b"cunwu-bundle-v1"
MAX_NUMBER = 2**63 - 1
MAX_MEMBERS = 100_000
MAX_EVENT_LINE = 4 * 1024 * 1024
GENESIS = "0" * 64
EVENT_KEYS = ("action", "actor", "content", "hash", "prev_hash", "record_id", "record_type", "seq", "time")
HASHED_KEYS = ("action", "actor", "content", "record_id", "record_type", "seq", "time")
HEX64 = re.compile(r"[0-9a-f]{64}")
CODE = re.compile(rb"[0-9A-Z]{18}")
ATTACHMENT = re.compile(r"attachments/([0-9a-f]{64})")
BLOCK = 512


class Refused(Exception):
    """The bundle breaks the specification; ``step`` says which check refused it."""

    def __init__(self, step: str, detail: str = "") -> None:
        super().__init__(f"{step}: {detail}" if detail else step)
        self.step = step


# ---------------------------------------------------------------- canonical JSON ("Canonical JSON")

_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def canonical_string(text: str) -> str:
    """A JSON string: raw UTF-8 text, only ", \\ and U+0000-U+001F escaped (short forms where JSON has
    them, else \\u00xx with lowercase hex)."""
    out = ['"']
    for ch in text:
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif ch < " ":
            out.append("\\u%04x" % ord(ch))
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def canonical(value: Any) -> str:
    """Objects with keys sorted by code point, no spaces; integers in decimal; true, false, null."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return canonical_string(value)
    if isinstance(value, list):
        return "[" + ",".join(canonical(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ",".join(canonical_string(k) + ":" + canonical(value[k]) for k in sorted(value)) + "}"
    raise TypeError(f"not in the canonical JSON of the format: {type(value).__name__}")


def hashed_text(event: dict[str, Any]) -> str:
    """The canonical JSON of the seven fields an event's hash covers."""
    return canonical({k: event[k] for k in HASHED_KEYS})


def event_hash(prev_hash: str, event: dict[str, Any]) -> str:
    """SHA-256 over the UTF-8 of prev_hash (64 lowercase hex characters) followed by hashed_text."""
    return hashlib.sha256((prev_hash + hashed_text(event)).encode("utf-8")).hexdigest()


def event_line(event: dict[str, Any]) -> bytes:
    """One line of events.jsonl: the canonical JSON of all nine fields and a line feed."""
    return (canonical({k: event[k] for k in EVENT_KEYS}) + "\n").encode("utf-8")


# ---------------------------------------------------------------- keys

def fingerprint(*public_keys: bytes) -> str:
    digest = hashlib.sha256(b"cunwu-fingerprint-v1" + b"".join(public_keys)).digest()
    digits = "%024d" % (int.from_bytes(digest[:16], "big") % 10**24)
    return " ".join(digits[i:i + 4] for i in range(0, 24, 4))


def load_private_key(pem: bytes) -> Any:
    """A private-key file: PEM, unencrypted PKCS#8 ("-----BEGIN PRIVATE KEY-----")."""
    if not pem.startswith(b"-----BEGIN PRIVATE KEY-----\n"):
        raise ValueError("not an unencrypted PKCS#8 PEM file")
    return serialization.load_pem_private_key(pem, password=None)


def raw(key: Ed25519PublicKey | X25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64decode(text: Any, length: int) -> bytes:
    """Standard base64 alphabet with = padding, nothing else in the text."""
    if not isinstance(text, str) or not re.fullmatch(r"[A-Za-z0-9+/]*={0,2}", text) or len(text) % 4:
        raise ValueError("not base64")
    data = base64.b64decode(text, validate=True)
    if len(data) != length:
        raise ValueError("wrong length")
    return data


# ---------------------------------------------------------------- encryption ("Payload")

def payload_key(shared: bytes, ephemeral_public: bytes, township_x25519_public: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral_public + township_x25519_public,
                info=HKDF_INFO).derive(shared)


def nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


def chunk_count(payload_size: int) -> int:
    return -(-payload_size // SEALED)


def seal(plain: bytes, key: bytes) -> bytes:
    """The payload of ``plain`` (for the worked example): 65,536-byte chunks, no empty chunk after a full one."""
    chunks = [plain[i:i + CHUNK] for i in range(0, len(plain), CHUNK)] or [b""]
    aead = ChaCha20Poly1305(key)
    return b"".join(aead.encrypt(nonce(i, i == len(chunks) - 1), c, None) for i, c in enumerate(chunks))


def open_payload(payload: bytes, key: bytes) -> bytes:
    aead = ChaCha20Poly1305(key)
    n = chunk_count(len(payload))
    out = []
    for i in range(n):
        try:
            out.append(aead.decrypt(nonce(i, i == n - 1), payload[i * SEALED:(i + 1) * SEALED], None))
        except InvalidTag as exc:
            raise Refused("decrypt", f"chunk {i}") from exc
    return b"".join(out)


# ---------------------------------------------------------------- the archive ("Payload", "Archive rules")

def ustar_header(name: str, size: int) -> bytes:
    """A member's 512-byte header as the format writes it."""
    h = bytearray(BLOCK)
    h[0:len(name)] = name.encode("ascii")
    h[100:108] = b"0000644\0"
    h[108:116] = b"0000000\0"
    h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[148:156] = b" " * 8
    h[156:157] = b"0"
    h[257:263] = b"ustar\0"
    h[263:265] = b"00"
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def ustar(members: list[tuple[str, bytes]]) -> bytes:
    """The archive: each header, its data padded with zeros to 512 bytes, then two zero blocks; nothing after."""
    parts = []
    for name, data in members:
        parts += [ustar_header(name, len(data)), data, bytes(-len(data) % BLOCK)]
    return b"".join(parts) + bytes(2 * BLOCK)


def _octal(field_bytes: bytes) -> int:
    text = field_bytes.rstrip(b"\0 ").lstrip(b" ")
    if not re.fullmatch(rb"[0-7]+", text):
        raise Refused("archive", "a number in a member header is not octal")
    return int(text, 8)


def walk_archive(plain: bytes) -> list[tuple[str, bytes]]:
    members, pos = [], 0
    while True:
        header = plain[pos:pos + BLOCK]
        if len(header) < BLOCK:
            raise Refused("archive", "the archive ends without its end marker")
        if header == bytes(BLOCK):
            if plain[pos:pos + 2 * BLOCK] != bytes(2 * BLOCK):
                raise Refused("archive", "the end marker is not two zero blocks")
            return members
        check = bytearray(header)
        check[148:156] = b" " * 8
        if _octal(header[148:156]) != sum(check):
            raise Refused("archive", "a member header's checksum is wrong")
        if header[156:157] not in (b"0", b"\0") or header[257:263] != b"ustar\0":
            raise Refused("archive", "a member is not a plain ustar file")
        if header[345:500].strip(b"\0"):
            raise Refused("archive", "a member name uses the ustar prefix field")
        name = header[0:100].rstrip(b"\0").decode("ascii", "replace")
        size = _octal(header[124:136])
        data = plain[pos + BLOCK:pos + BLOCK + size]
        if len(data) != size:
            raise Refused("archive", "a member is cut short")
        members.append((name, data))
        pos += BLOCK + size + (-size % BLOCK)


# ---------------------------------------------------------------- the manifest (step 4)

def _number(obj: Any, key: str, low: int) -> int:
    v = obj.get(key)
    if type(v) is not int or not low <= v <= MAX_NUMBER:
        raise Refused("manifest", key)
    return v


def _hex64(obj: Any, key: str) -> str:
    v = obj.get(key)
    if not isinstance(v, str) or not HEX64.fullmatch(v):
        raise Refused("manifest", key)
    return v


def check_manifest(body: bytes, code: str) -> dict[str, Any]:
    try:
        m = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Refused("manifest", "not UTF-8 JSON") from exc
    if not isinstance(m, dict) or not all(isinstance(m.get(k), dict) for k in ("village", "events", "payload")):
        raise Refused("manifest", "not the manifest's objects")
    if type(m.get("format")) is int and m["format"] > 1:
        raise Refused("version", "a newer format")
    if m.get("format") != 1 or m.get("kind") != "bundle":
        raise Refused("manifest", "format/kind")
    if m["village"].get("code") != code:
        raise Refused("manifest", "the manifest's village code is not the header's")
    members = m.get("members")
    if not isinstance(members, list) or not 1 <= len(members) <= MAX_MEMBERS:
        raise Refused("manifest", "members")
    for entry in members:
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise Refused("manifest", "members")
        _number(entry, "size", 0)
        _hex64(entry, "sha256")
    p, ev = m["payload"], m["events"]
    if p.get("cipher") != CIPHER or p.get("chunk") != CHUNK:
        raise Refused("manifest", "cipher")
    try:
        b64decode(p.get("ephemeral"), 32)
    except ValueError as exc:
        raise Refused("manifest", "ephemeral") from exc
    if not isinstance(m.get("counts", {}), dict):
        raise Refused("manifest", "counts")
    first, last = _number(ev, "first", 1), _number(ev, "last", 1)
    if last < first or _number(ev, "count", 1) != last - first + 1:
        raise Refused("manifest", "count is not last - first + 1")
    events_bytes, size = _number(ev, "bytes", 0), _number(p, "size", 1)
    if events_bytes > (last - first + 1) * (MAX_EVENT_LINE + 1):
        raise Refused("manifest", "events.bytes larger than count events can be")
    if sum(e["size"] for e in members) > size:
        raise Refused("manifest", "the members add up to more than the payload")
    for obj, key in ((ev, "prev_head"), (ev, "head"), (p, "sha256")):
        _hex64(obj, key)
    return m


# ---------------------------------------------------------------- events.jsonl.gz

def _gunzip(data: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=31)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise Refused("archive", "the events file does not decompress") from exc
    if len(out) > limit:
        raise Refused("archive", "the events file decompresses to more than events.bytes")
    if not inflater.eof or inflater.unused_data or inflater.unconsumed_tail:
        raise Refused("archive", "the events file is not one whole gzip member")
    if len(out) != limit:
        raise Refused("archive", "the events file is not events.bytes long")
    return out


def check_events(text: bytes, first: int, last: int, prev_head: str, head: str) -> list[dict[str, Any]]:
    if text and not text.endswith(b"\n"):
        raise Refused("archive", "the last event line has no line feed")
    events, prev = [], prev_head
    for seq, line in enumerate(text.split(b"\n")[:-1], start=first):
        if len(line) > MAX_EVENT_LINE:
            raise Refused("archive", "an event line longer than 4 MiB")
        try:
            ev = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise Refused("archive", f"event {seq} is not JSON") from exc
        if not isinstance(ev, dict) or sorted(ev) != list(EVENT_KEYS):
            raise Refused("archive", f"event {seq} does not have the nine fields")
        if type(ev["seq"]) is not int or not all(type(ev[k]) is str for k in EVENT_KEYS if k != "seq"):
            raise Refused("archive", f"event {seq} has a field of the wrong type")
        if ev["seq"] != seq:
            raise Refused("archive", f"event {seq} is numbered {ev['seq']}")
        if ev["prev_hash"] != prev or ev["hash"] != event_hash(prev, ev):
            raise Refused("archive", f"event {seq} breaks the hash chain")
        events.append(ev)
        prev = ev["hash"]
    if first + len(events) - 1 != last or prev != head:
        raise Refused("archive", "the events do not end at the manifest's last and head")
    return events


# ---------------------------------------------------------------- the whole bundle

@dataclass
class Bundle:
    code: str
    manifest: dict[str, Any]
    events: list[dict[str, Any]]
    attachments: dict[str, bytes] = field(default_factory=dict)


def read_bundle(data: bytes, village_keys: dict[str, bytes], township_ed25519: bytes,
                township_x25519: X25519PrivateKey) -> Bundle:
    """Check a whole bundle in the document's order; returns its events and attachments or raises Refused.

    ``village_keys`` maps each enrolled village code to its raw Ed25519 public key; the recipient check needs
    the township's raw Ed25519 public key besides its X25519 private key.
    """
    # 1. the 32 fixed bytes
    if len(data) < FIXED_LEN or data[:8] != MAGIC:
        raise Refused("header", "not a bundle")
    version, code_bytes, length = struct.unpack(">H18sI", data[8:FIXED_LEN])
    if version != 1:
        raise Refused("version", str(version))
    if not CODE.fullmatch(code_bytes):
        raise Refused("header", "village code characters")
    if not 1 <= length <= MAX_MANIFEST:
        raise Refused("header", "manifest length")
    code = code_bytes.decode("ascii")
    # 2. an enrolled village
    if code not in village_keys:
        raise Refused("unknown-village", code)
    # 3. the signature over bytes 0-31 and the manifest
    signature, body = data[FIXED_LEN:HEADER_LEN], data[HEADER_LEN:HEADER_LEN + length]
    if len(body) != length:
        raise Refused("truncated")
    try:
        Ed25519PublicKey.from_public_bytes(village_keys[code]).verify(signature, data[:FIXED_LEN] + body)
    except InvalidSignature as exc:
        raise Refused("signature") from exc
    # 4. the manifest's fields
    m = check_manifest(body, code)
    # 5. the recipient: the fingerprint of both of the township's public keys
    box_public = raw(township_x25519.public_key())
    if m.get("recipient") != fingerprint(township_ed25519, box_public):
        raise Refused("recipient")
    # 6. the payload's exact size and hash
    payload = data[HEADER_LEN + length:]
    if len(payload) != m["payload"]["size"] or hashlib.sha256(payload).hexdigest() != m["payload"]["sha256"]:
        raise Refused("payload")
    # 8. decrypt, walk the archive
    eph = b64decode(m["payload"]["ephemeral"], 32)
    key = payload_key(township_x25519.exchange(X25519PublicKey.from_public_bytes(eph)), eph, box_public)
    found = walk_archive(open_payload(payload, key))
    listed = m["members"]
    if len(found) != len(listed) or listed[0]["name"] != "events.jsonl.gz":
        raise Refused("archive", "members differ from the manifest")
    ev = m["events"]
    bundle = Bundle(code, m, [])
    seen = set()
    for (name, content), entry in zip(found, listed):
        if name != entry["name"] or name in seen:
            raise Refused("archive", f"member {name!r} is not the manifest's, or twice")
        seen.add(name)
        if len(content) != entry["size"] or hashlib.sha256(content).hexdigest() != entry["sha256"]:
            raise Refused("archive", f"member {name} differs from the manifest")
        if name == "events.jsonl.gz" and not bundle.events:
            bundle.events = check_events(_gunzip(content, ev["bytes"]), ev["first"], ev["last"], ev["prev_head"],
                                         ev["head"])
        else:
            match = ATTACHMENT.fullmatch(name)
            if match is None or match.group(1) != entry["sha256"]:
                raise Refused("archive", f"member name {name!r}")
            bundle.attachments[match.group(1)] = content
    created = {e["record_id"] for e in bundle.events if e["record_type"] == "attachment" and e["action"] == "create"}
    if set(bundle.attachments) - created:
        raise Refused("archive", "an attachment no event in the bundle created")
    if not m.get("full") and created - set(bundle.attachments):
        raise Refused("archive", "an attachment created in the range is missing")
    return bundle
