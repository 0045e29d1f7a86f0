"""The township hub: enrol villages, import their bundles, write receipts.

Every bundle is authenticated before anything else is done with it
(:class:`app.sync.container.BundleReader`), and the events of one bundle are
applied in one transaction, so a refused, interrupted or killed import leaves
the hub as it was.
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, replace
from itertools import chain
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from app.errors import UserError
from app.attachments import Attachment, blob_path
from app.events import GENESIS, now_text
from app.files import WriteFailed, copy_atomic, write_failed, fsync_dir, fsync_file, write_atomic
from app.hub import store as t
from app.i18n import _
from app.sync.container import ROW_FIELDS, BundleReader, BundleRejected
from app.keys import (KeyFileError, TownshipSecrets, VillageIdentity, b64, create_township_keys,
                           load_township_keys, read_identity_file, unb64)
from app.sync.receipt import receipt_bytes
from app.sync.receipt import write_receipts as write_receipts_signed

log = logging.getLogger(__name__)
HUB_DIR = "hub"
CONFIG = "hub.json"
BATCH = 5000
BATCH_TEXT = 4 * 1024 * 1024  # characters of event content written to the database at a time
Progress = Callable[[int, int], None]

ATTACHMENT_RECORD = Attachment.__record_type__  # its create event brings a file along
IMPORTED, ALREADY, OLD, PENDING, REFUSED = "imported", "already", "old", "pending", "refused"


class HubError(UserError):
    """A hub command cannot be done; the message says what to do."""


class ReceiptsNotWritten(HubError):
    """The bundles were imported (each committed on its own) but their receipts could not be written.
    ``outcomes`` are the import's outcomes; importing the same files again with the receipts folder
    imports nothing twice and writes the receipts."""

    def __init__(self, outcomes: list[ImportOutcome], folder: Path, cause: WriteFailed) -> None:
        imported = sum(o.status == IMPORTED for o in outcomes)
        super().__init__(_(
            "同步包已经导入乡镇数据库(本次新导入 {n} 个,结果见上),但回执没有写成:{reason} "
            "回执可以补写:腾出空间或换一个U盘后,把同样的导入命令再运行一次(cunwu hub import 同步包 "
            "--receipts {folder}),已导入的不会重复导入,回执会重新写出。").format(
                n=imported, reason=str(cause), folder=folder))
        self.outcomes = outcomes
        self.folder = folder


def hub_dir(data_dir: Path) -> Path:
    return data_dir / HUB_DIR


@dataclass
class Hub:
    dir: Path
    name: str
    db_url: str
    engine: Engine
    _secrets: TownshipSecrets | None = None

    @property
    def secrets(self) -> TownshipSecrets:
        if self._secrets is None:
            self._secrets = load_township_keys(self.dir, self.name)
        return self._secrets

    @property
    def tmp_root(self) -> Path:
        d = self.dir / "tmp"
        d.mkdir(exist_ok=True)
        return d

    @property
    def pending_dir(self) -> Path:
        d = self.dir / "pending"
        d.mkdir(exist_ok=True)
        return d

    def close(self) -> None:
        self.engine.dispose()


def init_hub(data_dir: Path, name: str, db_url: str | None = None) -> Hub:
    from app.hub.store import create_schema, make_hub_engine

    name = name.strip()
    if not name:
        raise HubError(_("请用 --name 给出乡镇(街道)名称,例如 --name 石桥镇。"))
    d = hub_dir(data_dir)
    if (d / CONFIG).exists():
        raise HubError(_("{path} 已经建立过乡镇数据中心,不会重复建立。").format(path=d))
    try:
        d.mkdir(parents=True, exist_ok=True)
        there_before = {p.name for p in d.iterdir()}
    except OSError as exc:
        raise write_failed(exc, d / CONFIG) from exc
    url = db_url or f"sqlite:///{d / 'hub.sqlite3'}"
    engine = make_hub_engine(url)
    try:
        create_schema(engine)
        with engine.begin() as conn:
            if conn.execute(select(func.count()).select_from(t.villages)).scalar_one():
                raise HubError(_("这个数据库里已经有乡镇数据。请换一个空数据库。"))
            conn.execute(delete(t.hub_info))
            from app.hub.projections import PROJECTIONS_VERSION, VERSION_INFO_KEY

            # a new hub's (empty) projections are already in today's layout: its first opening writes nothing
            conn.execute(insert(t.hub_info), [{"key": "name", "value": name}, {"key": "created", "value": now_text()},
                                              {"key": VERSION_INFO_KEY, "value": PROJECTIONS_VERSION}])
        try:
            secrets = create_township_keys(d, name)
        except KeyFileError as exc:
            raise HubError(str(exc)) from exc
        write_atomic(d / CONFIG, json.dumps({"name": name, "db_url": db_url, "created": now_text()},
                                            ensure_ascii=False, indent=2).encode("utf-8"))
    except BaseException:
        # a half-made hub (keys without settings) would refuse the next `hub init` and every other command:
        # take back what this run made, so running it again after making room works
        engine.dispose()
        _remove_new_files(d, there_before)
        raise
    return Hub(d, name, url, engine, secrets)


def _remove_new_files(folder: Path, there_before: set[str]) -> None:
    for entry in folder.iterdir():
        if entry.name in there_before:
            continue
        try:
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        except OSError:
            log.warning("could not remove %s left by a failed hub init", entry, exc_info=True)


def open_hub(data_dir: Path) -> Hub:
    from app.hub.store import create_schema, make_hub_engine

    d = hub_dir(data_dir)
    try:
        cfg = json.loads((d / CONFIG).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise HubError(_("{path} 还没有建立乡镇数据中心。请先运行 cunwu hub init --name 乡镇名。").format(path=data_dir)) from exc
    except (OSError, ValueError) as exc:
        raise HubError(_("乡镇数据中心的设置文件 {path} 已损坏。").format(path=d / CONFIG)) from exc
    url = cfg.get("db_url") or f"sqlite:///{d / 'hub.sqlite3'}"
    engine = make_hub_engine(url)
    create_schema(engine)
    hub = Hub(d, str(cfg["name"]), url, engine)
    _sweep_tmp(hub)
    from app.hub.projections import ensure_projections

    ensure_projections(hub)  # a hub made before the township's projections gets them now
    return hub


def _sweep_tmp(hub: Hub, older_than: float = 24 * 3600) -> None:
    """Remove what a killed import left in tmp/ (never a folder an import may still be using)."""
    import time

    now = time.time()
    for entry in hub.tmp_root.iterdir():
        try:
            if now - entry.stat().st_mtime > older_than:
                shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        except OSError:
            log.warning("could not remove %s", entry, exc_info=True)


# ---------------------------------------------------------------- enrolment


@dataclass(frozen=True)
class EnrolResult:
    identity: VillageIdentity
    status: str  # 'enrolled', 'already', 'replaced'


MAX_NAME = 64  # the village's name and township as the village stores them


def _shown(text: str) -> str:
    """Text from a file, safe to put in a message: short, one line, nothing invisible."""
    return "".join(ch if ch.isprintable() else "?" for ch in text[:40]) + ("…" if len(text) > 40 else "")


def _readable(text: str, *, required: bool) -> bool:
    import unicodedata

    return (bool(text) or not required) and len(text) <= MAX_NAME and text == text.strip() and not any(
        unicodedata.category(ch).startswith("C") for ch in text)


def _check_identity(ident: VillageIdentity, path: Path) -> None:
    """What enrolment needs of an identity file beyond its signature-free shape: a real village code (the
    code names the village in every bundle and receipt file) and a name a person can read."""
    from app.people.uscc import UsccError, validate_uscc

    try:
        valid = validate_uscc(ident.code) == ident.code
    except UsccError:
        valid = False
    if not valid:
        raise HubError(_("{file} 里的村代码“{code}”不是有效的统一社会信用代码(18位数字和大写字母,末位是校验码),"
                         "不能登记。这不是村里用本程序导出的身份文件,或者文件被改动过。"
                         "请让村里重新导出身份文件(cunwu keys export-public)后再登记。").format(
            file=path.name, code=_shown(ident.code)))
    if not _readable(ident.name, required=True) or not _readable(ident.township, required=False):
        raise HubError(_("{file} 里的村名或乡镇名“{name}”不对(空的、超过 {n} 个字或含有看不见的字符),不能登记。"
                         "请让村里在本程序里核对村名后重新导出身份文件(cunwu keys export-public)。").format(
            file=path.name, name=_shown(ident.name or ident.township), n=MAX_NAME))


def enroll(hub: Hub, path: Path, *, replace: bool = False) -> EnrolResult:
    try:
        ident = read_identity_file(path)
    except KeyFileError as exc:
        raise HubError(str(exc)) from exc
    _check_identity(ident, path)
    with hub.engine.begin() as conn:
        row = conn.execute(select(t.villages).where(t.villages.c.code == ident.code)).mappings().first()
        values = {"name": ident.name, "township": ident.township, "public_key": b64(ident.public_key),
                  "fingerprint": ident.fingerprint, "enrolled": now_text()}
        holder = conn.execute(select(t.villages.c.code, t.villages.c.name).where(
            t.villages.c.public_key == values["public_key"], t.villages.c.code != ident.code)).first()
        if holder is not None:
            # one key signing for two codes would let one village send bundles and certificates as the other
            raise HubError(_("{file} 里的密钥(指纹 {fp})已经登记给了 {name}(村代码 {other}),同一把密钥不能再登记给"
                             "村代码 {code}。请电话核对这个文件是哪个村的:如果是 {name} 的,说明村代码被改过,"
                             "它已经登记好了,不用再登记;如果是另一个村的,请让那个村在自己的电脑上重新导出身份文件"
                             "(cunwu keys export-public)。").format(
                file=path.name, fp=ident.fingerprint, name=holder[1], other=holder[0], code=ident.code))
        if row is None:
            conn.execute(insert(t.villages).values(code=ident.code, last_seq=0, last_hash=GENESIS, last_import="",
                                                   **values))
            return EnrolResult(ident, "enrolled")
        if row["public_key"] == values["public_key"]:
            return EnrolResult(ident, "already")
        if not replace:
            raise HubError(_("{name}({code})已经登记过另一把密钥(指纹 {old})。如果村里换了电脑或重装了程序,"
                             "请先电话核对新指纹 {new},再加 --replace 重新登记。").format(
                name=row["name"], code=ident.code, old=row["fingerprint"], new=ident.fingerprint))
        conn.execute(update(t.villages).where(t.villages.c.code == ident.code).values(**values))
        return EnrolResult(ident, "replaced")


@dataclass(frozen=True)
class VillageSummary:
    code: str
    name: str
    fingerprint: str
    last_seq: int
    last_import: str
    pending: list[tuple[int, int]]
    version: str = ""  # the program version of the village's last applied bundle ("" before it named one)


VERSION_KEY = "village-version:"  # hub_info key + village code: the version the village's last bundle named
PUBLIC_KEY = "village-public:"    # hub_info key + village code: the public address its last bundle named


def village_public_address(hub: Hub, code: str) -> str:
    """The township's public address the village prints on its notices, as its last bundle said ("" if none)."""
    with hub.engine.connect() as conn:
        value = conn.execute(select(t.hub_info.c.value).where(t.hub_info.c.key == PUBLIC_KEY + code)).scalar()
    return str(value or "")


def list_villages(hub: Hub) -> list[VillageSummary]:
    with hub.engine.connect() as conn:
        pend: dict[str, list[tuple[int, int]]] = {}
        for r in conn.execute(select(t.bundles.c.village_code, t.bundles.c.first_seq, t.bundles.c.last_seq)
                              .where(t.bundles.c.state == PENDING).order_by(t.bundles.c.first_seq)):
            pend.setdefault(r[0], []).append((r[1], r[2]))
        rows = conn.execute(select(t.villages).order_by(t.villages.c.code)).mappings().all()
        versions = {k[len(VERSION_KEY):]: v for k, v in conn.execute(
            select(t.hub_info.c.key, t.hub_info.c.value).where(t.hub_info.c.key.startswith(VERSION_KEY)))}
    return [VillageSummary(r["code"], r["name"], r["fingerprint"], r["last_seq"], r["last_import"],
                           pend.get(r["code"], []), versions.get(r["code"], "")) for r in rows]


# ---------------------------------------------------------------- import


@dataclass(frozen=True)
class ImportOutcome:
    file: Path
    status: str                 # imported | already | old | pending | refused
    message: str
    village_code: str | None = None
    reason: str = ""            # stable code of a refusal (BundleRejected.reason)
    events: int = 0


@contextmanager
def _workdir(hub: Hub) -> Iterator[Path]:
    """A private folder name under the hub's tmp/, created only if an attachment needs it."""
    d = hub.tmp_root / f"import-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    try:
        yield d
    finally:
        if d.exists():
            shutil.rmtree(d, ignore_errors=True)


def _village_key_lookup(hub: Hub, known: dict[str, str] | None = None) -> Callable[[str], Any]:
    """Find a village's enrolled key; ``known`` (code -> key) saves a query per bundle in a batch."""
    def lookup(code: str) -> Any:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        if known is not None and code in known:
            return Ed25519PublicKey.from_public_bytes(unb64(known[code], 32))
        with hub.engine.connect() as conn:
            row = conn.execute(select(t.villages.c.public_key).where(t.villages.c.code == code)).first()
        if row is None:
            raise BundleRejected("unknown-village", _(
                "村代码 {code} 还没有在本乡镇登记。请先用 cunwu hub enroll 登记该村的身份文件,再导入。").format(code=code))
        return Ed25519PublicKey.from_public_bytes(unb64(row[0], 32))

    return lookup


def _open(hub: Hub, path: Path, keys: dict[str, str] | None = None) -> BundleReader | BundleRejected:
    """Steps 1-6 of the format's checks (docs/sync-format.md): header, signature, recipient, payload hash."""
    try:
        return BundleReader.open(path, _village_key_lookup(hub, keys), hub.secrets.public.fingerprint)
    except BundleRejected as exc:
        return exc


def held_villages(hub: Hub) -> set[str]:
    """The villages with bundles held for a gap: after importing a bundle of one of them, the hub looks whether
    a held one can follow (``import_one``'s ``waiting``, which it keeps up to date)."""
    with hub.engine.connect() as conn:
        return set(conn.execute(select(t.bundles.c.village_code).where(t.bundles.c.state == PENDING)).scalars())


def import_bundles(hub: Hub, files: list[Path], *, receipts: Path | None = None,
                   progress: Progress | None = None,
                   each_file: Callable[[int, int, Path], None] | None = None
                   ) -> tuple[list[ImportOutcome], list[Path]]:
    """Import each file; returns the outcome per file and the receipts written (one per village).
    ``progress`` is told of the events applied in the file being imported; ``each_file(index, total, path)``
    before each file is read.

    One file after the other, each in its own transaction, all on the calling thread; only the
    reading of the next file runs beside it (see _ReadAhead).
    """
    waiting = held_villages(hub)
    with hub.engine.connect() as conn:
        keys = {r[0]: r[1] for r in conn.execute(select(t.villages.c.code, t.villages.c.public_key))}
    outcomes: list[ImportOutcome] = []
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="hub-read") as pool:
        ahead = _ReadAhead(hub, files, keys, pool)
        for index, path in enumerate(files):
            if each_file is not None:
                each_file(index, len(files), path)
            opened, early = ahead.take(index)
            outcomes.append(import_one(hub, path, progress=progress, waiting=waiting, opened=opened, early=early,
                                       before_commit=ahead.start_next))
            ahead.start_next()  # if the bundle was not applied, nothing was committed to wait for
    touched = sorted({o.village_code for o in outcomes if o.village_code and o.reason not in ("unknown-village",)})
    folder = receipts or hub.dir / "receipts"
    try:
        return outcomes, write_receipts(hub, touched, folder)
    except WriteFailed as exc:
        raise ReceiptsNotWritten(outcomes, folder, exc) from exc


Rows = list[tuple[Any, ...]]  # event rows in ROW_FIELDS order, as the reader makes them
_Prepared = tuple[BundleReader | BundleRejected, list[Rows] | None]
EARLY_BYTES = 16 * 1024 * 1024  # the most event text decoded ahead, before the bundle's transaction


def _prepare(hub: Hub, path: Path, keys: dict[str, str]) -> _Prepared:
    """Open (authenticate) one file and, if it holds only events and not too many, decode them
    all; touches no database row. A file that fails here fails again, at the same step, when
    its transaction reads it the usual way: refusals stay where they were."""
    opened = _open(hub, path, keys)
    if not isinstance(opened, BundleReader):
        return opened, None
    m = opened.manifest
    if len(m.members) != 1 or m.count > BATCH or m.events_bytes > EARLY_BYTES:
        return opened, None
    try:
        # nothing but events: nothing is written into the temporary folder
        return opened, [rows for _kind, rows in opened.read(hub.secrets.box, hub.tmp_root)]
    except BundleRejected:
        return opened, None


class _ReadAhead:
    """Opens and decodes the next file on a second thread while the disk commits this one.

    A commit is mostly the wait for fsync, with Python's lock released, so the decoding is almost
    free then. It never runs while rows are written: decoding on a thread during the writes was
    measured slower (both need Python's lock, and the driver takes and gives back the lock for
    every row). In a forked process it gained about a tenth on SQLite, lost as much on
    PostgreSQL (reconnecting after the fork), and does not exist on Windows. The thread reads
    and decrypts files and writes nothing; every transaction stays on the calling thread (only
    the key of a village that is not enrolled is looked up there, with a connection of its own).
    """

    def __init__(self, hub: Hub, files: list[Path], keys: dict[str, str], pool: ThreadPoolExecutor) -> None:
        self.hub, self.files, self.keys, self.pool = hub, files, keys, pool
        self.index = 0
        self.next: Future[_Prepared] | None = None

    def take(self, index: int) -> _Prepared:
        """File ``index``, opened, with its events if they were decoded ahead."""
        self.index = index
        started, self.next = self.next, None
        return started.result() if started is not None else _prepare(self.hub, self.files[index], self.keys)

    def start_next(self) -> None:
        if self.next is None and self.index + 1 < len(self.files):
            self.next = self.pool.submit(_prepare, self.hub, self.files[self.index + 1], self.keys)


def import_one(hub: Hub, path: Path, *, progress: Progress | None = None,
               opened: BundleReader | BundleRejected | None = None,
               waiting: set[str] | None = None, early: list[Rows] | None = None,
               before_commit: Callable[[], None] | None = None) -> ImportOutcome:
    """Import one file. ``waiting``, if given, is the set of villages with held bundles, so a
    village without any is not asked for them after every import. ``early`` are its events
    already decoded (from _prepare); ``before_commit`` is called once the bundle's rows are
    written, just before its transaction commits."""
    if opened is None:
        opened = _open(hub, path)
    if isinstance(opened, BundleRejected):
        return ImportOutcome(path, REFUSED, str(opened), reason=opened.reason)
    reader = opened
    m = reader.manifest
    sha = reader.file_sha256
    if waiting is None or m.village_code in waiting:
        before_commit = None  # its held bundles are written next: nothing may be decoding beside that
    try:
        outcome = _import_verified(hub, path, reader, sha, progress, early=early, before_commit=before_commit)
    except BundleRejected as exc:
        from app.hub.projections import note_refusal_now

        note_refusal_now(hub, m.village_code, exc.reason, sha, str(exc))  # for the township's alerts
        return ImportOutcome(path, REFUSED, str(exc), m.village_code, exc.reason)
    if outcome.status == IMPORTED and (waiting is None or m.village_code in waiting):
        refused = _apply_pending(hub, m.village_code)
        if refused:
            outcome = replace(outcome, message=" ".join([outcome.message, *refused]))
    if outcome.status == PENDING and waiting is not None:
        waiting.add(m.village_code)
    return outcome


def _state(conn: Connection, code: str) -> tuple[int, str]:
    row = conn.execute(select(t.villages.c.last_seq, t.villages.c.last_hash).where(t.villages.c.code == code)).first()
    assert row is not None  # authenticated bundles come from enrolled villages
    return int(row[0]), str(row[1])


def _fork(seq: int) -> BundleRejected:
    return BundleRejected("fork", _(
        "这个同步包与乡镇已收到的记录在第 {seq} 号事件处不一致:村里可能恢复过旧备份,或数据库被改动过。已拒收,乡镇数据未改动。"
        "请村里先运行 cunwu check,再带电脑或U盘到乡镇核对;确认后可由村里导出全部记录(cunwu bundle export --full)。").format(seq=seq))


def _import_verified(hub: Hub, path: Path, reader: BundleReader, sha: str, progress: Progress | None,
                     *, from_pending: bool = False, early: list[Rows] | None = None,
                     before_commit: Callable[[], None] | None = None) -> ImportOutcome:
    """Decide what the bundle is to this hub and, if it is next, apply it: one transaction."""
    m = reader.manifest
    with _workdir(hub) as work:
        with hub.engine.begin() as conn:
            raw, p = _driver(conn)
            row = raw.execute(_DECIDE_SQL.format(p=p), (sha, m.village_code)).fetchone()
            assert row is not None  # authenticated bundles come from enrolled villages
            last, last_hash, state = int(row[0]), str(row[1]), row[2]  # state: of this very file, if seen before
            if state == "applied":
                return ImportOutcome(path, ALREADY, _("已导入过({name},事件 {a}–{b}),没有重复导入。").format(
                    name=m.village_name, a=m.first, b=m.last), m.village_code)
            if state == PENDING and not from_pending:
                return ImportOutcome(path, PENDING, _("这个同步包已在等待中(事件 {a}–{b}),等缺少的事件 {c}–{d} 到了会自动导入。").format(
                    a=m.first, b=m.last, c=last + 1, d=m.first - 1), m.village_code)
            if m.last <= last:
                at = conn.execute(select(t.events.c.hash).where(t.events.c.village_code == m.village_code,
                                                                t.events.c.seq == m.last)).scalar()
                if at != m.head:
                    raise _fork(m.last)
                return ImportOutcome(path, OLD, _("这是旧的同步包(事件 {a}–{b} 乡镇早已收到),没有重复导入。").format(
                    a=m.first, b=m.last), m.village_code)
            if m.first <= last + 1:
                if m.first == last + 1 and m.prev_head != last_hash:
                    raise _fork(last)
                if state == REFUSED:
                    # a held copy of this very file was refused (damaged in the pending folder, say): the
                    # file itself is judged afresh, and its old refusal gives way to the outcome
                    raw.execute(_BUNDLE_FORGET_SQL.format(p=p), (sha,))
                n = _apply(hub, conn, work, reader, sha, last, last_hash, progress, from_pending=from_pending,
                           early=early)
                if before_commit is not None:
                    before_commit()
                return ImportOutcome(path, IMPORTED, _("已导入 {name}:事件 {a}–{b},新增 {n} 条。").format(
                    name=m.village_name, a=m.first, b=m.last, n=n), m.village_code, events=n)
    # a gap: held outside the transaction (copying the file needs no lock on the database)
    if not from_pending:
        _check_whole(hub, reader)  # refuse a bad archive now, not silently when the gap fills
        _hold(hub, path, reader, sha)
    return ImportOutcome(path, PENDING, _("{name} 的这个同步包(事件 {a}–{b})先到了,缺少前面的事件 {c}–{d}。"
                                          "已暂存,等前面的同步包导入后会自动导入。").format(
        name=m.village_name, a=m.first, b=m.last, c=last + 1, d=m.first - 1), m.village_code)


def _check_whole(hub: Hub, reader: Any) -> None:
    """Decrypt and check every member without applying anything (raises BundleRejected)."""
    with _workdir(hub) as work:
        for _kind, _item in reader.read(hub.secrets.box, work):
            pass


def _hold(hub: Hub, path: Path, reader: BundleReader, sha: str) -> None:
    m = reader.manifest
    target = hub.pending_dir / f"{sha}.cunwu-sync"
    copy_atomic(path, target)
    try:
        with hub.engine.begin() as conn:
            conn.execute(delete(t.bundles).where(t.bundles.c.sha256 == sha, t.bundles.c.state == REFUSED))
            conn.execute(insert(t.bundles).values(sha256=sha, village_code=m.village_code, first_seq=m.first,
                                                  last_seq=m.last, prev_head=m.prev_head, head=m.head, state=PENDING,
                                                  file=target.name, received=now_text(), applied=""))
            from app.hub.projections import refresh_village

            refresh_village(conn, m.village_code)  # bundles waiting, for the township's table
    except BaseException:
        target.unlink(missing_ok=True)  # a held copy without its row would never be looked at again
        raise


def _apply_pending(hub: Hub, code: str) -> list[str]:
    """Apply the held bundles whose gap is now filled; returns what to tell the officer about those that
    turned out bad (each is marked refused, and a good copy of it can be imported later)."""
    refusals: list[str] = []
    while True:
        with hub.engine.connect() as conn:
            last, _h = _state(conn, code)
            row = conn.execute(select(t.bundles.c.sha256, t.bundles.c.file, t.bundles.c.first_seq,
                                      t.bundles.c.last_seq).where(
                t.bundles.c.village_code == code, t.bundles.c.state == PENDING, t.bundles.c.first_seq <= last + 1)
                .order_by(t.bundles.c.first_seq).limit(1)).first()
        if row is None:
            return refusals
        sha, name, first, last_seq = row
        path = hub.pending_dir / name
        try:
            reader = BundleReader.open(path, _village_key_lookup(hub), hub.secrets.public.fingerprint)
            outcome = _import_verified(hub, path, reader, sha, None, from_pending=True)
        except BundleRejected as exc:
            log.warning("pending bundle %s refused: %s", name, exc)
            outcome, why = None, exc.reason
            refusals.append(_(
                "之前暂存的同步包(事件 {a}–{b})在前面的事件到齐后检查没有通过,已拒收:{reason} "
                "请把村里的这个同步包再导入一次(原来的文件或村里重新导出的都可以)。").format(
                    a=first, b=last_seq, reason=str(exc)))
        with hub.engine.begin() as conn:
            if outcome is not None and outcome.status in (OLD, ALREADY):
                conn.execute(update(t.bundles).where(t.bundles.c.sha256 == sha).values(state="applied",
                                                                                       applied=now_text()))
            elif outcome is None:
                conn.execute(update(t.bundles).where(t.bundles.c.sha256 == sha).values(state=REFUSED))
                from app.hub.projections import note_refusal

                note_refusal(conn, code, why, sha, refusals[-1])
            if outcome is None or outcome.status in (OLD, ALREADY):
                from app.hub.projections import refresh_village

                refresh_village(conn, code)
        if outcome is None or outcome.status in (IMPORTED, OLD, ALREADY):
            path.unlink(missing_ok=True)


def _apply(hub: Hub, conn: Connection, work: Path, reader: BundleReader, sha: str, last: int, last_hash: str,
           progress: Progress | None, *, from_pending: bool = False, early: list[Rows] | None = None) -> int:
    """Decrypt, check and apply one bundle inside the caller's transaction (its events decoded
    ``early`` if given). Returns the number of new events."""
    m = reader.manifest
    code = m.village_code
    applied = 0
    referenced: set[str] = set()
    needed: set[str] = set()
    blobs: dict[str, Path] = {}
    batch: Rows = []
    text = 0  # characters of content in the batch
    head = last_hash
    contents = reader.read(hub.secrets.box, work) if early is None else (("events", rows) for rows in early)
    for kind, item in contents:
        if kind == "events":
            rows = item
            referenced.update(_new_files(rows))
            # numbered without gaps (the reader checks that): row i is event rows[0][SEQ] + i
            known = last - rows[0][SEQ] + 1  # how many of these the hub has already
            if known > 0:
                if known <= len(rows) and rows[known - 1][HASH] != last_hash:
                    raise _fork(last)
                rows = rows[known:]
            if not rows:
                continue
            if rows[0][SEQ] == last + 1 and rows[0][PREV_HASH] != last_hash:
                raise _fork(last)
            needed.update(_new_files(rows))
            batch += rows
            text += sum(len(r[CONTENT]) for r in rows)
            head = rows[-1][HASH]
            # written once there are enough rows or enough text: a few huge events are not all held at once
            if len(batch) >= BATCH or text >= BATCH_TEXT:
                applied += _write_events(conn, batch)
                batch, text = [], 0
                if progress:
                    progress(applied, m.count)
        else:
            blob_sha, tmp_path = item
            if blob_sha not in referenced:
                raise BundleRejected("archive", _("同步包里有一个没有登记的附件。已拒收,乡镇数据未改动。请让村里重新导出。"))
            blobs[blob_sha] = tmp_path
    applied += _write_events(conn, batch)
    # a full export brings files the hub may already hold: look up every file the bundle refers to or carries
    known = needed | set(blobs)
    have = set(conn.execute(select(t.attachments.c.sha256).where(t.attachments.c.sha256.in_(known)))
               .scalars()) if known else set()
    missing = needed - have - set(blobs)
    if missing:
        raise BundleRejected("missing-attachment", _("同步包缺少 {n} 个附件文件。已拒收,乡镇数据未改动。请让村里重新导出。").format(
            n=len(missing)))
    new_blobs = {s: blobs[s].stat().st_size for s in blobs if s not in have}
    for blob_sha in new_blobs:
        _store(hub, blobs[blob_sha], blob_sha)
    if new_blobs:
        conn.execute(insert(t.attachments), [{"sha256": s, "size": size, "received": now_text()}
                                             for s, size in new_blobs.items()])
    raw, p = _driver(conn)
    now = now_text()
    if applied:
        raw.execute(_VILLAGE_SQL.format(p=p), (m.last, head, now, code))
    if m.program_version:  # which version the village runs (a bundle from before 0.1.0 names none)
        conn.execute(delete(t.hub_info).where(t.hub_info.c.key == VERSION_KEY + code))
        conn.execute(insert(t.hub_info).values(key=VERSION_KEY + code, value=m.program_version))
    # the public address its notices' QR codes carry, as of this bundle (none named: none set)
    conn.execute(delete(t.hub_info).where(t.hub_info.c.key == PUBLIC_KEY + code))
    if m.public_address:
        conn.execute(insert(t.hub_info).values(key=PUBLIC_KEY + code, value=m.public_address))
    values = (code, m.first, m.last, m.prev_head, m.head, "applied", "", now, now, sha)
    # a held bundle's row was written when it was held
    raw.execute((_BUNDLE_UPDATE_SQL if from_pending else _BUNDLE_INSERT_SQL).format(p=p), values)
    from app.hub.projections import hub_catalogues, project_village

    project_village(conn, code, after=last, catalogues=hub_catalogues(hub))  # the township's tables, same transaction
    if progress:
        progress(m.count, m.count)
    return applied


def _store(hub: Hub, tmp_path: Path, sha: str) -> None:
    target = blob_path(hub.dir, sha)
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    # moved, not copied (store_blob copies): the temporary folder is inside the hub's folder
    fsync_file(tmp_path)
    os.replace(tmp_path, target)
    fsync_dir(target.parent)


_EVENTS_INSERT = f"INSERT INTO hub_events ({', '.join(t.EVENT_COLUMNS)})"
_RECORDS_INSERT = "INSERT INTO hub_records (village_code, record_type, record_id, seq, content)"
_UPSERT_TAIL = (" ON CONFLICT (village_code, record_type, record_id) DO UPDATE SET seq = excluded.seq, "
                "content = excluded.content")
_UPSERT_SQL = _RECORDS_INSERT + " VALUES (%s, %s, %s, %s, %s)" + _UPSERT_TAIL  # PostgreSQL's, one row each
ROWS_PER_INSERT = 50  # 500 placeholders for events: under 999, the lowest limit any SQLite has had
_DELETE_SQL = "DELETE FROM hub_records WHERE village_code = {p} AND record_type = {p} AND record_id = {p}"
_DECIDE_SQL = ("SELECT last_seq, last_hash, (SELECT state FROM hub_bundles WHERE sha256 = {p}) "
               "FROM hub_villages WHERE code = {p}")
_BUNDLE_FORGET_SQL = "DELETE FROM hub_bundles WHERE sha256 = {p} AND state = 'refused'"
_VILLAGE_SQL = "UPDATE hub_villages SET last_seq = {p}, last_hash = {p}, last_import = {p} WHERE code = {p}"
_BUNDLE_INSERT_SQL = ("INSERT INTO hub_bundles (village_code, first_seq, last_seq, prev_head, head, state, file, received, "
                      "applied, sha256) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})")
_BUNDLE_UPDATE_SQL = ("UPDATE hub_bundles SET village_code = {p}, first_seq = {p}, last_seq = {p}, prev_head = {p}, "
                      "head = {p}, state = {p}, file = {p}, received = {p}, applied = {p} WHERE sha256 = {p}")
assert t.EVENT_COLUMNS == ROW_FIELDS  # the reader's rows go to the database as they are
SEQ, RECORD_TYPE, RECORD_ID, ACTION, CONTENT, PREV_HASH, HASH = map(
    ROW_FIELDS.index, ("seq", "record_type", "record_id", "action", "content", "prev_hash", "hash"))
_RECORD = operator.itemgetter(*map(ROW_FIELDS.index, ("village_code", "record_type", "record_id", "seq", "content")))
_GONE = operator.itemgetter(*map(ROW_FIELDS.index, ("village_code", "record_type", "record_id")))


def _new_files(rows: Rows) -> Iterator[str]:
    """The record ids of attachments created in ``rows``: each brings its file in the bundle."""
    return (r[RECORD_ID] for r in rows if r[RECORD_TYPE] == ATTACHMENT_RECORD and r[ACTION] == "create")


def _driver(conn: Connection) -> tuple[Any, str]:
    """The driver's own connection, inside the transaction ``conn`` holds, and its placeholder.

    The statements run for every bundle go straight to the driver: SQLAlchemy's statement
    building and caching costs more per bundle than running them.
    """
    return conn.connection.driver_connection, "%s" if conn.dialect.name == "postgresql" else "?"


def _write_events(conn: Connection, batch: Rows) -> int:
    """Append event rows (ROW_FIELDS order) and bring the records projection up to date."""
    if not batch:
        return 0
    raw, p = _driver(conn)
    # the projection: within a batch only the last event of each record matters
    final = {(r[RECORD_TYPE], r[RECORD_ID]): r for r in batch}.values()
    gone = [_GONE(r) for r in final if r[ACTION] == "delete"]
    live = [_RECORD(r) for r in final if r[ACTION] != "delete"]
    cur = raw.cursor()  # sqlite3's cursor is no context manager
    try:
        if p == "%s":
            from app.hub.pgcopy import copy_events

            copy_events(raw, batch)
        else:
            _insert_rows(cur, _EVENTS_INSERT, batch)
        if gone:
            cur.executemany(_DELETE_SQL.format(p=p), gone)
        if live and p == "%s":
            cur.executemany(_UPSERT_SQL, live)  # psycopg pipelines these (libpq 14 or later)
        elif live:
            _insert_rows(cur, _RECORDS_INSERT, live, _UPSERT_TAIL)
    finally:
        cur.close()
    return len(batch)


def _insert_rows(cur: Any, head: str, rows: list[tuple[Any, ...]], tail: str = "") -> None:
    """SQLite: ``head VALUES (...), (...), ... tail``, ROWS_PER_INSERT rows to a statement.

    Measured about a fifth faster than a statement per row (the driver's executemany) for the
    rows of a month's bundles: SQLite starts its insert program once for many rows.
    """
    whole = len(rows) - len(rows) % ROWS_PER_INSERT
    if whole:
        cur.executemany(_values_sql(head, len(rows[0]), ROWS_PER_INSERT, tail),
                        [tuple(chain.from_iterable(rows[i:i + ROWS_PER_INSERT])) for i in range(0, whole, ROWS_PER_INSERT)])
    if whole < len(rows):
        cur.execute(_values_sql(head, len(rows[0]), len(rows) - whole, tail), tuple(chain.from_iterable(rows[whole:])))


@functools.lru_cache(maxsize=4 * ROWS_PER_INSERT)
def _values_sql(head: str, width: int, count: int, tail: str) -> str:
    row = "(" + ", ".join("?" * width) + ")"
    return f"{head} VALUES {', '.join([row] * count)}{tail}"


# ---------------------------------------------------------------- receipts and dumps


def write_receipts(hub: Hub, codes: list[str], folder: Path) -> list[Path]:
    """One signed receipt per village: what the hub holds now, and what it keeps waiting."""
    if not codes:
        return []
    with hub.engine.connect() as conn:
        state = {r[0]: (r[1], r[2]) for r in conn.execute(
            select(t.villages.c.code, t.villages.c.last_seq, t.villages.c.last_hash).where(t.villages.c.code.in_(codes)))}
        pending: dict[str, list[list[int]]] = {}
        for r in conn.execute(select(t.bundles.c.village_code, t.bundles.c.first_seq, t.bundles.c.last_seq).where(
                t.bundles.c.village_code.in_(codes), t.bundles.c.state == PENDING).order_by(t.bundles.c.first_seq)):
            pending.setdefault(r[0], []).append([r[1], r[2]])
    return write_receipts_signed(hub.secrets, folder, [(code, state[code][0], state[code][1], pending.get(code, []))
                                                       for code in codes])


def receipt_of(hub: Hub, code: str) -> bytes:
    """The village's signed receipt as bytes (for an upload's answer): what the hub holds now and what it keeps
    waiting, issued at the hub's last change for the village, so asking again without a change gives the same
    bytes."""
    with hub.engine.connect() as conn:
        row = conn.execute(select(t.villages.c.last_seq, t.villages.c.last_hash, t.villages.c.last_import,
                                  t.villages.c.enrolled).where(t.villages.c.code == code)).first()
        if row is None:
            raise HubError(_("本乡镇没有登记村代码为 {code} 的村。").format(code=code))
        held = conn.execute(select(t.bundles.c.first_seq, t.bundles.c.last_seq, t.bundles.c.received).where(
            t.bundles.c.village_code == code, t.bundles.c.state == PENDING).order_by(t.bundles.c.first_seq)).all()
    pending = [[first, last] for first, last, _received in held]
    issued = max([str(row[2] or ""), str(row[3] or "")] + [str(r[2] or "") for r in held])
    return receipt_bytes(hub.secrets, village_code=code, last_seq=int(row[0]), head=str(row[1]), pending=pending,
                         issued=issued)


def village_records(hub: Hub, code: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Every current record of one village as the hub rebuilt it (for comparison and reports)."""
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.records.c.record_type, t.records.c.record_id, t.records.c.content)
                            .where(t.records.c.village_code == code))
        return {(r[0], r[1]): json.loads(r[2]) for r in rows}
