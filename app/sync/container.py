"""The bundle file itself (docs/sync-format.md): header, signed manifest,
encrypted archive. Both the village (writing) and the hub (reading) use this.

Reading authenticates before it interprets: the fixed header is checked, the
signature over header and manifest is verified, and the payload's hash is
compared, all before the manifest's JSON is trusted or a byte is decrypted.
"""

from __future__ import annotations

import hashlib
import io
import json
import operator
import re
import struct
import tarfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.errors import UserError
from app.text import json_document
from app.events import canonical, event_hash
from app.i18n import _
from app.keys import b64, raw_public, unb64

MAGIC = b"CUNWUSYN"
FORMAT_VERSION = 1
KNOWN_VERSIONS = frozenset({1})
FIXED = struct.Struct(">8sH18sI")  # magic, version, village code, manifest length
SIG_LEN = 64
HEADER_LEN = FIXED.size + SIG_LEN
MAX_MANIFEST = 1024 * 1024
CHUNK = 65536
TAG = 16
CIPHER = "X25519-HKDF-SHA256/ChaCha20-Poly1305/STREAM-64KiB"
HKDF_INFO = b"cunwu-bundle-v1"
EVENTS_MEMBER = "events.jsonl.gz"
ATTACHMENT_RE = re.compile(r"attachments/([0-9a-f]{64})")
CODE_RE = re.compile(rb"[0-9A-Z]{18}")
MAX_MEMBERS = 100_000
PLAIN_FILE = (tarfile.REGTYPE, tarfile.AREGTYPE)
MAX_EVENT_LINE = 4 * 1024 * 1024
# the largest number a database column holds (SQLite's INTEGER and PostgreSQL's BIGINT are signed 64-bit):
# every number read from a file is checked against it before it is compared, stored or added to
MAX_INT = 2**63 - 1
EVENT_FIELDS = ("seq", "time", "actor", "record_type", "record_id", "action", "content", "prev_hash", "hash")
ROW_FIELDS = ("village_code", *EVENT_FIELDS)  # an event as the hub stores it: one tuple per row
COPY = 1024 * 1024
# the C scanner behind json.loads and its string reader (strict: no raw control characters),
# called directly: this runs for every event of every bundle
_SCAN = json.JSONDecoder().scan_once
_scanstring = json.decoder.scanstring
_FIELDS = operator.itemgetter(*EVENT_FIELDS)
_TYPES = (int, str, str, str, str, str, str, str, str)


class BundleRejected(UserError):
    """The file is not a bundle this township can accept. ``reason`` is a stable code for scripts and tests."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


# ---------------------------------------------------------------- encryption


def _derive(shared: bytes, eph_pub: bytes, recipient_pub: bytes) -> ChaCha20Poly1305:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + recipient_pub, info=HKDF_INFO).derive(shared)
    return ChaCha20Poly1305(key)


def _nonce(index: int, last: bool) -> bytes:
    return index.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class _SealingWriter(io.RawIOBase):
    """A write-only stream that seals 64 KiB chunks into ``out`` and hashes what it writes."""

    def __init__(self, out: IO[bytes], aead: ChaCha20Poly1305) -> None:
        self.out, self.aead = out, aead
        self.buf = bytearray()
        self.index = 0
        self.size = 0
        self.sha = hashlib.sha256()

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self.buf += data
        # keep at least one full chunk back: only at the end do we know which chunk is last
        while len(self.buf) > CHUNK:
            self._seal(bytes(self.buf[:CHUNK]), last=False)
            del self.buf[:CHUNK]
        return len(data)

    def _seal(self, chunk: bytes, *, last: bool) -> None:
        sealed = self.aead.encrypt(_nonce(self.index, last), chunk, None)
        self.index += 1
        self.out.write(sealed)
        self.sha.update(sealed)
        self.size += len(sealed)

    def finish(self) -> None:
        self._seal(bytes(self.buf), last=True)
        self.buf.clear()


class _OpeningReader(io.RawIOBase):
    """A read-only stream of the plaintext of a sealed payload of known size."""

    def __init__(self, src: IO[bytes], aead: ChaCha20Poly1305, size: int) -> None:
        self.src, self.aead = src, aead
        self.chunks = max(1, -(-size // (CHUNK + TAG)))
        self.index = 0
        self.buf = b""
        self.pos = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        if self.pos >= len(self.buf):
            if self.index >= self.chunks:
                return 0
            sealed = self.src.read(CHUNK + TAG)
            last = self.index == self.chunks - 1
            try:
                self.buf = self.aead.decrypt(_nonce(self.index, last), sealed, None)
            except InvalidTag as exc:
                raise BundleRejected("decrypt", _("同步包无法解密:它不是加密给本乡镇的,或者内容已损坏。")) from exc
            self.index += 1
            self.pos = 0
            if not self.buf:
                return 0
        n = min(len(target), len(self.buf) - self.pos)
        target[:n] = self.buf[self.pos:self.pos + n]
        self.pos += n
        return n


# ---------------------------------------------------------------- writing


class _CompactTar(tarfile.TarFile):
    """A tar without the padding to a 10 KiB record: the end marker alone ends it.

    Encrypted zeros do not compress, and a small monthly bundle would otherwise
    carry up to 10 KiB of them; readers never need the padding.
    """

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        self.fileobj.write(tarfile.NUL * (tarfile.BLOCKSIZE * 2))
        self.fileobj.close()


@dataclass(frozen=True)
class MemberFile:
    name: str
    path: Path
    size: int
    sha256: str


def file_digest(path: Path) -> tuple[int, str]:
    sha, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        while block := fh.read(COPY):
            sha.update(block)
            size += len(block)
    return size, sha.hexdigest()


def write_payload(members: list[MemberFile], recipient: X25519PublicKey, out: IO[bytes]) -> dict[str, Any]:
    """Archive and encrypt ``members`` into ``out``; returns the manifest's ``payload`` entry."""
    eph = X25519PrivateKey.generate()
    eph_pub, rec_pub = raw_public(eph.public_key()), raw_public(recipient)
    sealer = _SealingWriter(out, _derive(eph.exchange(recipient), eph_pub, rec_pub))
    with _CompactTar.open(fileobj=sealer, mode="w|", format=tarfile.USTAR_FORMAT) as tar:
        for m in members:
            info = tarfile.TarInfo(m.name)
            info.size = m.size
            info.mode = 0o644
            with open(m.path, "rb") as fh:
                tar.addfile(info, fh)
    sealer.finish()
    return {"cipher": CIPHER, "ephemeral": b64(eph_pub), "chunk": CHUNK, "size": sealer.size,
            "sha256": sealer.sha.hexdigest()}


def signed_header(village_code: str, manifest: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    body = canonical(manifest).encode("utf-8")
    fixed = FIXED.pack(MAGIC, FORMAT_VERSION, village_code.encode("ascii"), len(body))
    return fixed + key.sign(fixed + body) + body


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Manifest:
    raw: dict[str, Any]
    village_code: str
    village_name: str
    recipient: str
    created: str
    full: bool
    first: int
    last: int
    count: int
    prev_head: str
    head: str
    events_bytes: int
    counts: dict[str, int]
    members: list[tuple[str, int, str]]
    payload_size: int
    payload_sha256: str
    ephemeral: bytes
    program_version: str = ""  # the exporting program's version ("" from a program before 0.1.0)
    public_address: str = ""   # the township's public address on the village's notices ("" when it set none)


def _bad_manifest(detail: str) -> BundleRejected:
    return BundleRejected("manifest", _("同步包的清单不完整({detail})。请让村里用最新版程序重新导出。").format(detail=detail))


def _int(d: dict[str, Any], key: str, low: int = 0) -> int:
    v = d.get(key)
    if type(v) is not int or v < low:
        raise _bad_manifest(key)
    if v > MAX_INT:
        raise _out_of_range(key, v)
    return v


def _out_of_range(key: str, value: int) -> BundleRejected:
    what = _("事件序号") if key in ("first", "last", "count") else _("大小")
    return BundleRejected("manifest", _(
        "同步包清单里的{what}({key} = {value})超出了本程序能记录的范围,不是本程序导出的同步包。"
        "已拒收,乡镇数据未改动。请让村里用本程序重新导出。").format(what=what, key=key, value=str(value)[:40]))


def _hex64(d: dict[str, Any], key: str) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not re.fullmatch(r"[0-9a-f]{64}", v):
        raise _bad_manifest(key)
    return v


def _parse_manifest(body: bytes, code: str) -> Manifest:
    try:
        raw = json_document(body)
        village, ev, payload = raw["village"], raw["events"], raw["payload"]
        if not all(isinstance(x, dict) for x in (raw, village, ev, payload)):
            raise TypeError
    # deep nesting ends the JSON parser with RecursionError: a refusal like any other malformed manifest
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise _bad_manifest("JSON") from exc
    if isinstance(raw.get("format"), int) and raw["format"] > FORMAT_VERSION:
        raise BundleRejected("version", _("同步包清单的格式版本是 {version},本程序只认识版本 {ours}。请升级乡镇的村务软件后再导入。").format(
            version=raw["format"], ours=FORMAT_VERSION))
    if raw.get("format") != FORMAT_VERSION or raw.get("kind") != "bundle" or village.get("code") != code:
        raise _bad_manifest("format")
    members_raw = raw.get("members")
    if not isinstance(members_raw, list) or not members_raw or len(members_raw) > MAX_MEMBERS:
        raise _bad_manifest("members")
    members: list[tuple[str, int, str]] = []
    for m in members_raw:
        if not isinstance(m, dict) or not isinstance(m.get("name"), str):
            raise _bad_manifest("members")
        members.append((m["name"], _int(m, "size"), _hex64(m, "sha256")))
    if payload.get("cipher") != CIPHER or payload.get("chunk") != CHUNK:
        raise _bad_manifest("cipher")
    try:
        eph = unb64(str(payload.get("ephemeral")), 32)
    except ValueError as exc:
        raise _bad_manifest("ephemeral") from exc
    counts = raw.get("counts", {})
    if not isinstance(counts, dict):
        raise _bad_manifest("counts")
    first, last = _int(ev, "first", 1), _int(ev, "last", 1)
    if last < first or _int(ev, "count", 1) != last - first + 1:
        raise _bad_manifest("events")
    events_bytes, payload_size = _int(ev, "bytes"), _int(payload, "size", 1)
    # declared sizes, checked before a byte is decrypted or inflated: each event is one line of at most
    # MAX_EVENT_LINE bytes, and the archive holds its members as they are, so they fit in the payload
    if events_bytes > (last - first + 1) * (MAX_EVENT_LINE + 1):
        raise BundleRejected("manifest", _(
            "同步包清单所列的事件文件大小({size})超过了 {n} 条事件最多能有的大小(每条最多 {limit})。"
            "已拒收,乡镇数据未改动。请让村里用本程序重新导出。").format(
                size=_human(events_bytes), n=last - first + 1, limit=_human(MAX_EVENT_LINE)))
    listed = sum(size for _name, size, _sha in members)
    if listed > payload_size:
        raise BundleRejected("manifest", _(
            "同步包清单所列文件的总大小({listed})超过了同步包本身的大小({size}),清单与内容不符。"
            "已拒收,乡镇数据未改动。请让村里用本程序重新导出。").format(
                listed=_human(listed), size=_human(payload_size)))
    return Manifest(
        raw=raw, village_code=code, village_name=_printable(village.get("name", ""), 64),
        recipient=str(raw.get("recipient")),
        created=str(raw.get("created", "")), full=bool(raw.get("full")), first=first, last=last,
        count=last - first + 1, prev_head=_hex64(ev, "prev_head"), head=_hex64(ev, "head"),
        events_bytes=events_bytes,
        counts={str(k): v for k, v in counts.items() if type(v) is int and 0 <= v <= MAX_INT},
        members=members, payload_size=payload_size, payload_sha256=_hex64(payload, "sha256"),
        ephemeral=eph, program_version=_printable(raw.get("program", ""), 32),
        public_address=_printable(raw.get("public", ""), 100),
    )


def _printable(value: Any, limit: int) -> str:
    """A text from the manifest as it may appear in a message: short, nothing invisible (for display only)."""
    text = value if isinstance(value, str) else ""
    return "".join(ch for ch in text[:limit] if ch.isprintable())


def _human(n: int) -> str:
    from app.files import human_size

    return human_size(n)


def read_code(path: Path) -> str:
    """The village code from the fixed header, or BundleRejected if the file is not a bundle at all."""
    with open(path, "rb") as fh:
        return _read_fixed(fh)[1]


def _read_fixed(fh: IO[bytes]) -> tuple[int, str, int, bytes]:
    fixed = fh.read(FIXED.size)
    if len(fixed) < FIXED.size or not fixed.startswith(MAGIC):
        raise BundleRejected("not-a-bundle", _("这不是村务同步包文件(或文件不完整)。请确认选对了文件。"))
    _magic, version, code, length = FIXED.unpack(fixed)
    if version not in KNOWN_VERSIONS:
        raise BundleRejected("version", _("同步包格式版本是 {version},本程序只认识版本 1。请升级村务软件后再导入。").format(
            version=version))
    if not CODE_RE.fullmatch(code):
        raise BundleRejected("not-a-bundle", _("同步包文件头已损坏(村代码无效)。请让村里重新导出。"))
    if not 1 <= length <= MAX_MANIFEST:
        raise BundleRejected("not-a-bundle", _("同步包文件头已损坏(清单长度无效)。请让村里重新导出。"))
    return version, code.decode("ascii"), length, fixed


class BundleReader:
    """An opened, authenticated bundle. Construct with :meth:`open`."""

    def __init__(self, path: Path, manifest: Manifest, payload_offset: int, file_sha256: str) -> None:
        self.path = path
        self.manifest = manifest
        self.payload_offset = payload_offset
        self.file_sha256 = file_sha256  # of the whole file: identifies "the same bundle" at the hub

    @classmethod
    def open(cls, path: Path, village_key: Callable[[str], Ed25519PublicKey], own_fingerprint: str) -> BundleReader:
        """Check steps 1-6 of docs/sync-format.md. ``village_key(code)`` raises BundleRejected for unknown villages."""
        try:
            fh = open(path, "rb")
        except OSError as exc:
            raise BundleRejected("io", _("无法读取 {path}({reason})。").format(path=path, reason=exc.strerror or exc)) from exc
        with fh:
            _v, code, length, fixed = _read_fixed(fh)
            public = village_key(code)
            signature = fh.read(SIG_LEN)
            body = fh.read(length)
            if len(signature) != SIG_LEN or len(body) != length:
                raise BundleRejected("truncated", _("同步包不完整(文件被截断)。请让村里重新导出。"))
            try:
                public.verify(signature, fixed + body)
            except InvalidSignature as exc:
                raise BundleRejected("signature", _(
                    "同步包的签名与登记的村密钥不符:文件被改动过,或不是这个村的电脑导出的。已拒收。请让村里重新导出。")) from exc
            manifest = _parse_manifest(body, code)
            if manifest.recipient != own_fingerprint:
                raise BundleRejected("recipient", _(
                    "这个同步包是加密给另一个乡镇(指纹 {theirs})的,本乡镇(指纹 {ours})打不开。"
                    "请村里用 cunwu township trust 安装本乡镇的公钥文件后重新导出。").format(
                        theirs=manifest.recipient, ours=own_fingerprint))
            sha, size = hashlib.sha256(), 0
            whole = hashlib.sha256(fixed + signature + body)
            while block := fh.read(min(COPY, manifest.payload_size + 1 - size)):
                sha.update(block)
                whole.update(block)
                size += len(block)
                if size > manifest.payload_size:
                    break
            if size != manifest.payload_size or sha.hexdigest() != manifest.payload_sha256:
                raise BundleRejected("payload", _("同步包内容与清单不符(文件损坏或被改动)。已拒收。请让村里重新导出。"))
        return cls(path, manifest, HEADER_LEN + length, whole.hexdigest())

    def contents(self, box: X25519PrivateKey, tmp_dir: Path) -> Iterator[tuple[str, Any]]:
        """Like :meth:`read`, one ``("event", dict)`` per event (the keys of EVENT_FIELDS)."""
        for kind, item in self.read(box, tmp_dir):
            if kind == "events":
                for row in item:
                    yield "event", dict(zip(EVENT_FIELDS, row[1:]))
            else:
                yield kind, item

    def read(self, box: X25519PrivateKey, tmp_dir: Path) -> Iterator[tuple[str, Any]]:
        """Decrypt and read the archive under the rules of docs/sync-format.md.

        Yields ``("events", rows)`` for the events in order, a few hundred at a
        time, each row a tuple in ROW_FIELDS order, then
        ``("attachment", (sha256, temp_path))`` for each attachment, written
        into ``tmp_dir`` under a name of our choosing. Rows, not dicts: the hub
        hands them to the database as they are.
        """
        m = self.manifest
        try:
            shared = box.exchange(X25519PublicKey.from_public_bytes(m.ephemeral))
        except ValueError as exc:  # an ephemeral key of low order (all zeros...): no shared secret to derive
            raise BundleRejected("decrypt", _("同步包无法解密:它不是加密给本乡镇的,或者内容已损坏。")) from exc
        aead = _derive(shared, m.ephemeral, raw_public(box.public_key()))
        expected = list(m.members)
        if not expected or expected[0][0] != EVENTS_MEMBER:
            raise _archive_error(_("第一个成员应为事件文件"))
        with open(self.path, "rb") as fh:
            fh.seek(self.payload_offset)
            plain = io.BufferedReader(_OpeningReader(fh, aead, m.payload_size), buffer_size=CHUNK)
            try:
                tar = tarfile.open(fileobj=plain, mode="r|", tarinfo=_PlainMember)
            except tarfile.TarError as exc:
                raise _archive_error(_("不是有效的归档")) from exc
            seen: set[str] = set()
            index = 0
            try:
                for info in tar:
                    if index >= len(expected):
                        raise _archive_error(_("成员多于清单所列"))
                    name, size, sha = expected[index]
                    index += 1
                    if info.name != name or name in seen:
                        raise _archive_error(_("成员名 {name!r} 与清单不符或重复").format(name=info.name[:80]))
                    seen.add(name)
                    # not isreg(): it admits GNU sparse members, a few bytes that read back as any size
                    if info.type not in PLAIN_FILE or info.sparse is not None or info.pax_headers:
                        raise _archive_error(_("成员 {name} 不是普通文件").format(name=name))
                    if info.size != size:
                        raise _archive_error(_("成员 {name} 的大小与清单不符").format(name=name))
                    src = tar.extractfile(info)
                    assert src is not None  # a regular file always has content
                    if name == EVENTS_MEMBER:
                        for rows in _event_rows(src, m, sha):
                            yield "events", rows
                    else:
                        match = ATTACHMENT_RE.fullmatch(name)
                        if match is None or match.group(1) != sha:
                            raise _archive_error(_("成员名 {name!r} 不允许").format(name=name[:80]))
                        yield "attachment", (sha, _copy_checked(src, tmp_dir / f"{index:06d}.part", size, sha, name))
            except tarfile.TarError as exc:
                raise _archive_error(_("归档已损坏")) from exc
            if index != len(expected):
                raise _archive_error(_("成员少于清单所列"))


class _PlainMember(tarfile.TarInfo):
    """Refuses any header but a plain file the moment it is read.

    tarfile loads the whole data of a long-name or pax header into memory
    before it returns the member it describes, so the check on the member
    itself would come after the harm.
    """

    @classmethod
    def frombuf(cls, buf: bytes, encoding: str, errors: str) -> tarfile.TarInfo:
        info = super().frombuf(buf, encoding, errors)
        if info.type not in PLAIN_FILE:
            raise _archive_error(_("成员 {name} 不是普通文件").format(name=info.name[:80]))
        return info


def _archive_error(detail: str) -> BundleRejected:
    return BundleRejected("archive", _("同步包里的内容不合规定({detail})。已拒收,乡镇数据未改动。请让村里重新导出。").format(
        detail=detail))


class _HashingReader(io.RawIOBase):
    def __init__(self, src: IO[bytes], limit: int) -> None:
        self.src, self.limit = src, limit
        self.sha = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: Any) -> int:
        data = self.src.read(min(len(target), self.limit - self.size + 1))
        self.size += len(data)
        if self.size > self.limit:
            raise _archive_error(_("事件文件大于清单所列"))
        self.sha.update(data)
        target[:len(data)] = data
        return len(data)


def _event_rows(src: IO[bytes], m: Manifest, sha: str) -> Iterator[list[tuple[Any, ...]]]:
    seq, prev, code = m.first, m.prev_head, m.village_code
    hashing = _HashingReader(src, m.members[0][1])
    for lines in _line_blocks(hashing, m.events_bytes):
        rows = []
        for line in lines:
            row = _canonical_row(line, seq, prev, code) or _general_row(line, seq, prev, code)
            rows.append(row)
            prev, seq = row[-1], seq + 1
        yield rows
    if seq != m.last + 1 or prev != m.head:
        raise _archive_error(_("事件条数或结尾与清单不符"))
    if hashing.sha.hexdigest() != sha:
        raise _archive_error(_("事件文件的哈希与清单不符"))


def _line_blocks(raw: io.RawIOBase, declared: int) -> Iterator[list[bytes]]:
    """The lines (without their newline) of one gzip stream, a block's worth at a time, never
    inflating more than ``declared`` bytes in all nor holding more than one line and one block:
    a bomb stops at the declared size.

    Decompressing in blocks and splitting here costs a fraction of GzipFile.readline per line,
    which the hub would pay for every event of every village.
    """
    inflater = zlib.decompressobj(wbits=31)  # gzip framing, a single member as the writer makes it
    pending, total = b"", 0
    try:
        while block := raw.read(COPY):
            while block:
                out = inflater.decompress(block, 4 * COPY)
                block = inflater.unconsumed_tail
                total += len(out)
                if total > declared:
                    raise _archive_error(_("事件文件解压后超过清单所列大小"))
                *lines, pending = (pending + out).split(b"\n")
                # the unfinished line, and every finished one (a whole line may arrive in one block)
                if len(pending) > MAX_EVENT_LINE or (lines and max(map(len, lines)) > MAX_EVENT_LINE):
                    raise _archive_error(_("事件文件里有一条事件超过 {limit},超过了一条事件最多能有的大小").format(
                        limit=_human(MAX_EVENT_LINE)))
                if lines:
                    yield lines
                if inflater.eof:
                    break
        if not inflater.eof or inflater.unused_data or raw.read(1):
            raise _archive_error(_("事件文件无法解压"))
    except zlib.error as exc:
        raise _archive_error(_("事件文件无法解压")) from exc
    if pending or total != declared:
        raise _archive_error(_("事件条数或结尾与清单不符"))


def _event(line: bytes, seq: int, prev: str) -> dict[str, Any]:
    """One event line (number ``seq``, after hash ``prev``) checked as _event_rows checks it, as a dict."""
    row = _canonical_row(line, seq, prev, "") or _general_row(line, seq, prev, "")
    return dict(zip(EVENT_FIELDS, row[1:]))


def _general_row(line: bytes, seq: int, prev: str, code: str) -> tuple[Any, ...]:
    """Any layout of the event's JSON, read into a dict and its fields hashed (or refused)."""
    try:
        text = line.decode("utf-8")
        ev, end = _SCAN(text, 0)
        fields = _FIELDS(ev)  # a missing key or something other than an object raises
    # StopIteration is the scanner's "no JSON value here"; deep nesting ends in RecursionError
    except (ValueError, LookupError, TypeError, StopIteration, RecursionError):  # UnicodeDecodeError is a ValueError
        fields = None
    # the nine keys were all found, so nine in all means no other key
    if (fields is None or end != len(text) or len(ev) != len(EVENT_FIELDS) or tuple(map(type, fields)) != _TYPES
            or fields[0] != seq):
        raise _archive_error(_("第 {seq} 号事件格式不对").format(seq=seq))
    try:
        chained = fields[7] == prev and fields[8] == event_hash(prev, *fields[:7])
    except UnicodeEncodeError:  # an escaped lone surrogate: no text the village could have written
        chained = False
    if not chained:
        raise _archive_error(_("第 {seq} 号事件的哈希链不符").format(seq=seq))
    return (code, *fields)


# The layout of a canonical line: these come between the values, and each value's string reader
# stops right after its closing quote. Their lengths are kept as numbers: this runs for every event.
_ACTION, _ACTOR, _CONTENT, _HASH, _RECORD_TYPE = (
    '{"action":"', ',"actor":"', ',"content":"', ',"hash":"', ',"record_type":"')
_N_ACTION, _N_ACTOR, _N_CONTENT, _N_HASH, _N_RECORD_TYPE = map(len, (_ACTION, _ACTOR, _CONTENT, _HASH, _RECORD_TYPE))
_N_LINKS = len('","prev_hash":"","record_id":"') + 64  # from after the digest to the record id
_HASH_BYTES = _HASH.encode("ascii")
_CUT = _N_HASH + 64 + len('","prev_hash":"' + '"') + 64  # the two hash members, in bytes
_LAYOUT = (_N_ACTION + _N_ACTOR + _N_CONTENT + _N_HASH + 64 + _N_LINKS + _N_RECORD_TYPE
           + len('"' * 5 + '"}'))  # all of a line but its values and the seq/time part


def _canonical_row(line: bytes, seq: int, prev: str, code: str) -> tuple[Any, ...] | None:
    """The row of a line written exactly as the format writes it (canonical, with ``hash`` and
    ``prev_hash`` in key order), or None for any other line, which _general_row then reads.

    Such a line is read by its fixed layout, each value with JSON's own string reader (which
    refuses control characters and bad escapes), instead of building a dict per line; the line
    minus the two hash members is then exactly the canonical event, so its own bytes are hashed
    and nothing is escaped a second time. ``,"hash":"`` cannot occur inside an earlier value, whose
    quotes are all escaped.
    """
    try:
        text = line.decode("utf-8")
        if not text.startswith(_ACTION):
            return None
        action, i = _scanstring(text, _N_ACTION)
        if not text.startswith(_ACTOR, i):
            return None
        actor, i = _scanstring(text, i + _N_ACTOR)
        if not text.startswith(_CONTENT, i):
            return None
        content, i = _scanstring(text, i + _N_CONTENT)
        if not text.startswith(_HASH, i):
            return None
        i += _N_HASH
        digest = text[i:i + 64]
        if not text.startswith(f'","prev_hash":"{prev}","record_id":"', i + 64):
            return None
        record_id, i = _scanstring(text, i + 64 + _N_LINKS)
        if not text.startswith(_RECORD_TYPE, i):
            return None
        record_type, i = _scanstring(text, i + _N_RECORD_TYPE)
        numbered = f',"seq":{seq},"time":"'
        if not text.startswith(numbered, i):
            return None
        stamp, i = _scanstring(text, i + len(numbered))
    except ValueError:  # not UTF-8, or a string that is not proper JSON
        return None
    # A value written canonically takes its length plus one for each quote and backslash in it
    # (no escapes at all in the short ones); any other spelling of the same text (\\/, \\u0041, an
    # escaped control character) is longer. So the lengths add up only for a canonical line.
    written = (_LAYOUT + len(numbered) + len(action) + len(actor) + len(record_id) + len(record_type) + len(stamp)
               + len(content) + content.count('"') + content.count("\\"))
    if i != len(text) - 1 or text[i] != "}" or len(text) != written:
        return None
    at = line.find(_HASH_BYTES)
    # a digest that matches is 64 ASCII characters, so the members cut out are exactly _CUT bytes
    if hashlib.sha256(prev.encode("ascii") + line[:at] + line[at + _CUT:]).hexdigest() != digest:
        return None
    return (code, seq, stamp, actor, record_type, record_id, action, content, prev, digest)


def _copy_checked(src: IO[bytes], dest: Path, size: int, sha: str, name: str) -> Path:
    digest, n = hashlib.sha256(), 0
    dest.parent.mkdir(exist_ok=True)  # made on the first attachment: most bundles have none
    with open(dest, "xb") as out:
        while block := src.read(min(COPY, size - n + 1)):
            n += len(block)
            if n > size:
                break
            digest.update(block)
            out.write(block)
    if n != size or digest.hexdigest() != sha:
        raise _archive_error(_("附件 {name} 的内容与清单不符").format(name=name[:80]))
    return dest
