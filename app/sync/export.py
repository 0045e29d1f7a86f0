"""Village side: export a bundle to a USB stick, import a receipt, report status.

The write to the stick is the part that must survive a yanked or full stick:
the bundle is built in the data directory first, then copied to a temporary
name on the stick, fsynced, read back and compared, and only then renamed to
its final name. The outbox row is written after the rename; if that fails the
file is removed again, so the outbox and the stick always agree.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app import leftovers, program_version
from app.errors import UserError
from app.attachments import Attachment, blob_path
from app.events import GENESIS, Event, canonical, now_text
from app.files import fsync_dir, human_size
from app.i18n import _
from app.storage import Store
from app.sync.container import (COPY, EVENTS_MEMBER, FORMAT_VERSION, MemberFile, file_digest,
                                signed_header, write_payload)
from app.keys import TownshipKey, load_village_key, trusted_township
from app.sync.models import EXPORTED, RECEIPTED, OutboxEntry, ReceiptEntry

log = logging.getLogger(__name__)
Progress = Callable[[int, int], None]
BATCH = 5000
# room for the file system's own bookkeeping beyond the bundle's bytes
SPACE_MARGIN = 1024 * 1024


class SyncError(UserError):
    """Export or receipt import could not be done; nothing was changed. The message says what to do."""


@dataclass(frozen=True)
class ExportResult:
    path: Path | None     # None: nothing new, nothing written
    first: int
    last: int
    events: int
    attachments: int
    size: int


class FileOps:
    """The file calls the stick write makes, in one place so tests can fail each one in turn."""

    def open(self, path: Path, mode: str) -> IO[bytes]:
        return open(path, mode)  # noqa: SIM115 - closed by the caller

    def write(self, fh: IO[bytes], data: bytes) -> None:
        fh.write(data)

    def fsync(self, fh: IO[bytes]) -> None:
        fh.flush()
        os.fsync(fh.fileno())

    def replace(self, src: Path, dst: Path) -> None:
        os.replace(src, dst)

    def free_space(self, folder: Path) -> int | None:
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            return None


def bundle_name(code: str, first: int, last: int) -> str:
    return f"村务同步包_{code}_{first:06d}-{last:06d}.cunwu-sync"


def _last_exported(session: Session) -> int:
    return session.scalar(select(func.max(OutboxEntry.last_seq))) or 0


def _hash_at(session: Session, seq: int) -> str:
    if seq == 0:
        return GENESIS
    return session.scalar(select(Event.hash).where(Event.seq == seq)) or GENESIS


def export_bundle(store: Store, dest: Path, *, full: bool = False, progress: Progress | None = None,
                  ops: FileOps | None = None, upto: int | None = None) -> ExportResult:
    """Write the bundle of every event since the last export (or all, ``full``) into ``dest``; with ``upto``,
    only as far as that event (the township demo's monthly bundles cut one village's log in pieces)."""
    from app.people.service import get_village

    ops = ops or FileOps()
    township = trusted_township(store.data_dir)
    if township is None:
        raise SyncError(_("还没有安装乡镇公钥,不知道把同步包加密给谁。请先向乡镇索取公钥文件,"
                          "再运行 cunwu township trust 文件名(或在“同步”页面点“安装乡镇公钥”)。"))
    key = load_village_key(store.data_dir)
    if not dest.is_dir():
        raise SyncError(_("找不到文件夹 {path}。请确认U盘已插好,或选择另一个文件夹。").format(path=dest))
    with store.read() as s:
        village = get_village(s)
        if village is None:
            raise SyncError(_("还没有建立本村资料,没有可导出的内容。"))
        head_seq = s.scalar(select(func.max(Event.seq))) or 0
        if upto is not None:
            head_seq = min(head_seq, upto)
        first = 1 if full else _last_exported(s) + 1
        if first > head_seq:
            return ExportResult(None, first, head_seq, 0, 0, 0)
        try:
            work = leftovers.work_dir(_tmp_root(store), "export-")  # held: never taken for a killed run's
        except OSError as exc:
            raise SyncError(_local_disk_message(exc)) from exc
        try:
            manifest, payload = _build(s, work, store.data_dir, village, township, first, head_seq, full, progress)
        except OSError as exc:
            leftovers.remove_work_dir(work)
            raise SyncError(_local_disk_message(exc)) from exc
        except BaseException:
            leftovers.remove_work_dir(work)
            raise
    try:
        header = signed_header(village.code, manifest, key)
        final = _free_name(dest / bundle_name(village.code, first, head_seq))
        size, sha = _write_to_stick(ops, header, payload, final)
        try:
            with store.begin("同步") as s:
                s.add(OutboxEntry(file_name=final.name, folder=str(dest), first_seq=first, last_seq=head_seq,
                                  head=manifest["events"]["head"], size=size, sha256=sha, full=full,
                                  created=manifest["created"], state=EXPORTED))
        except BaseException:
            final.unlink(missing_ok=True)
            raise
        from app.sync.upload import keep_copy

        keep_copy(store.data_dir, final, sha)  # so it can be uploaded later, whichever road it takes first
    finally:
        leftovers.remove_work_dir(work)
    return ExportResult(final, first, head_seq, head_seq - first + 1, len(manifest["members"]) - 1, size)


def _free_name(path: Path) -> Path:
    """Never overwrite a bundle already on the stick (a second full export of the same range)."""
    n = 2
    candidate = path
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}_{n}{path.suffix}")
        n += 1
    return candidate


def _tmp_root(store: Store) -> Path:
    d = store.data_dir / "tmp"
    d.mkdir(exist_ok=True)
    return d


def _build(session: Session, work: Path, data_dir: Path, village: Any, township: TownshipKey, first: int, last: int, full: bool,
           progress: Progress | None) -> tuple[dict[str, Any], Path]:
    """Stream the events and attachments into a local payload file; returns (manifest, payload path)."""
    events_path = work / EVENTS_MEMBER
    counts: dict[str, int] = {}
    attachments: list[str] = []
    raw_bytes = 0
    head = prev_head = _hash_at(session, first - 1)
    total = last - first + 1
    done = 0
    table = Event.__table__
    query = select(table).where(table.c.seq >= first, table.c.seq <= last).order_by(table.c.seq)
    with open(events_path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=6, mtime=0) as gz:
        for row in session.execute(query.execution_options(yield_per=BATCH)).mappings():
            line = (canonical(dict(row)) + "\n").encode("utf-8")
            gz.write(line)
            raw_bytes += len(line)
            counts[row["record_type"]] = counts.get(row["record_type"], 0) + 1
            if row["record_type"] == Attachment.__record_type__ and row["action"] == "create":
                attachments.append(row["record_id"])
            head = row["hash"]
            done += 1
            if progress and done % BATCH == 0:
                progress(done, total)
    if full:
        attachments = list(session.scalars(select(Attachment.id).order_by(Attachment.id)))
    members = [MemberFile(EVENTS_MEMBER, events_path, *file_digest(events_path))]
    for sha in sorted(set(attachments)):
        path = blob_path(data_dir, sha)
        if not path.exists():
            raise SyncError(_("附件 {sha} 的文件找不到了(应在 {path})。请从备份恢复附件文件夹后再导出。").format(
                sha=sha[:12], path=path))
        members.append(MemberFile(f"attachments/{sha}", path, *file_digest(path)))
    payload = work / "payload.bin"
    with open(payload, "wb") as out:
        payload_entry = write_payload(members, township.box(), out)
    if progress:
        progress(total, total)
    manifest = {
        "format": FORMAT_VERSION, "kind": "bundle", "village": {"code": village.code, "name": village.name},
        "recipient": township.fingerprint, "created": now_text(), "full": full,
        "program": program_version(),  # the hub records which version each village runs
        **_public(data_dir),
        "events": {"first": first, "last": last, "count": total, "prev_head": prev_head, "head": head,
                   "bytes": raw_bytes},
        "counts": counts, "members": [{"name": m.name, "size": m.size, "sha256": m.sha256} for m in members],
        "payload": payload_entry,
    }
    return manifest, payload


def _public(data_dir: Path) -> dict[str, str]:
    """The township's public address the village prints on its notices' QR codes, when it set one: the hub
    keeps it, so the township prints the village's notices with the same QR codes (app.hub.village_copy)."""
    from app.disclosure.public_address import village_address

    address = village_address(data_dir)
    return {"public": address} if address else {}


def _write_to_stick(ops: FileOps, header: bytes, payload: Path, final: Path) -> tuple[int, str]:
    size = len(header) + payload.stat().st_size
    leftovers.remove_leftovers(final.parent, leftovers.BUNDLE_PART)  # what a killed export left on this stick
    free = ops.free_space(final.parent)
    if free is not None and free < size + SPACE_MARGIN:
        raise SyncError(_("U盘空间不够:同步包需要 {need},U盘只剩 {free}。请删掉U盘上不要的文件或换一个U盘。").format(
            need=human_size(size + SPACE_MARGIN), free=human_size(free)))
    tmp = final.with_name("." + final.name + ".part")
    sha = hashlib.sha256(header)
    try:
        fh = ops.open(tmp, "wb")
        leftovers.hold(fh)  # so no other run takes it for a leftover
        try:
            ops.write(fh, header)
            with open(payload, "rb") as src:
                while block := src.read(COPY):
                    ops.write(fh, block)
                    sha.update(block)
            ops.fsync(fh)
        finally:
            fh.close()
        if file_digest(tmp) != (size, sha.hexdigest()):
            raise SyncError(_("写到U盘后读回校验不一致,U盘可能有问题。文件没有保存,请换一个U盘再试。"))
        ops.replace(tmp, final)
        fsync_dir(final.parent)
    except OSError as exc:
        _remove_quietly(tmp)
        raise SyncError(_stick_message(exc, final.parent)) from exc
    except BaseException:
        _remove_quietly(tmp)
        raise
    return size, sha.hexdigest()


def _local_disk_message(exc: OSError) -> str:
    """The bundle is first put together on the computer's own disk; when that fails, nothing was exported."""
    log.warning("could not prepare the bundle on this computer's disk", exc_info=exc)
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return _("电脑硬盘空间不足,同步包没有准备好,什么也没有导出,数据没有改动。请删除一些不用的文件后再导出。")
    return _("在电脑上准备同步包时出错({reason}),什么也没有导出,数据没有改动。请稍后重试;"
             "如果一再出现,请检查电脑硬盘。").format(reason=exc.strerror or type(exc).__name__)


def _stick_message(exc: OSError, folder: Path) -> str:

    if exc.errno == errno.ENOSPC:
        return _("U盘已满,同步包没有写完,已删除未完成的文件。请腾出空间或换一个U盘后重新导出。")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return _("U盘 {path} 不能写入(可能是只读或写保护)。请检查U盘后重试。").format(path=folder)
    return _("写U盘时出错({reason}),可能是U盘被拔出。同步包没有写完,请重新插好U盘后再导出。").format(
        reason=exc.strerror or exc)


def _remove_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:  # the stick may be gone; a ".part" name never looks complete
        log.warning("could not remove %s", path, exc_info=True)


# ---------------------------------------------------------------- status


@dataclass(frozen=True)
class SyncStatus:
    head: int
    exported: int            # last sequence written to any bundle
    confirmed: int           # last sequence the township confirmed
    last_export_time: str
    last_export_file: str
    last_receipt_time: str
    township: str | None     # name of the trusted township, None if not installed
    township_fingerprint: str
    village_fingerprint: str
    outbox: list[tuple[str, int, int, str, str]]  # (file, first, last, created, state), newest first

    @property
    def not_sent(self) -> int:
        return max(0, self.head - self.exported)

    @property
    def unconfirmed(self) -> int:
        return max(0, self.head - self.confirmed)

    @property
    def awaiting_receipt(self) -> int:
        """Exported but not yet confirmed by a receipt."""
        return max(0, self.exported - self.confirmed)


def sync_status(store: Store) -> SyncStatus:
    from app.keys import KeyFileError, village_fingerprint

    try:
        township = trusted_township(store.data_dir)
    except KeyFileError:
        township = None
    try:
        vfp = village_fingerprint(store.data_dir)
    except KeyFileError:
        vfp = ""
    with store.read() as s:
        head = s.scalar(select(func.max(Event.seq))) or 0
        rows = list(s.scalars(select(OutboxEntry).order_by(OutboxEntry.id.desc())))
        receipt = s.scalars(select(ReceiptEntry).order_by(ReceiptEntry.last_seq.desc(), ReceiptEntry.id.desc())).first()
    latest = rows[0] if rows else None
    return SyncStatus(
        head=head, exported=max((r.last_seq for r in rows), default=0),
        confirmed=receipt.last_seq if receipt else 0,
        last_export_time=latest.created if latest else "", last_export_file=latest.file_name if latest else "",
        last_receipt_time=receipt.imported if receipt else "",
        township=township.name if township else None,
        township_fingerprint=township.fingerprint if township else "", village_fingerprint=vfp,
        outbox=[(r.file_name, r.first_seq, r.last_seq, r.created, r.state) for r in rows],
    )


# ---------------------------------------------------------------- receipts


@dataclass(frozen=True)
class ReceiptResult:
    township: str
    last_seq: int
    newly_confirmed: int
    pending: list[tuple[int, int]]


def import_receipt(store: Store, path: Path) -> ReceiptResult:
    from app.people.service import get_village
    from app.sync.receipt import ReceiptError, read_receipt

    township = trusted_township(store.data_dir)
    if township is None:
        raise SyncError(_("还没有安装乡镇公钥,无法核对回执。请先运行 cunwu township trust 文件名。"))
    try:
        body = read_receipt(path, township)
    except ReceiptError as exc:
        raise SyncError(str(exc)) from exc
    with store.begin("同步") as s:
        village = get_village(s)
        if village is None or body.village_code != village.code:
            raise SyncError(_("这张回执是给村代码 {code} 的,不是本村的。请找对本村的回执文件。").format(code=body.village_code))
        # a hub that so far only holds later bundles back (a gap) confirms nothing: sequence 0, the genesis hash
        ours = _hash_at(s, 0) if body.last_seq == 0 else s.scalar(select(Event.hash).where(Event.seq == body.last_seq))
        if ours is None:
            raise SyncError(_("回执确认到第 {seq} 号记录,但本村只有更少的记录。可能本村恢复过旧备份,请联系乡镇核对。").format(
                seq=body.last_seq))
        if ours != body.head:
            raise SyncError(_("回执与本村记录不一致(第 {seq} 号记录不同):本村可能恢复过旧备份或数据库被改动过。"
                              "请运行 cunwu check,并联系乡镇核对。").format(seq=body.last_seq))
        before = s.scalar(select(func.max(ReceiptEntry.last_seq))) or 0
        s.add(ReceiptEntry(township=body.township, last_seq=body.last_seq, head=body.head, issued=body.issued,
                           imported=now_text(), pending=canonical(body.pending)))
        for row in s.scalars(select(OutboxEntry).where(OutboxEntry.last_seq <= body.last_seq,
                                                       OutboxEntry.state == EXPORTED)):
            row.state = RECEIPTED
            row.receipted = now_text()
    from app.sync.upload import prune_copies

    prune_copies(store)  # the local copies of what the township now holds are no longer needed
    return ReceiptResult(body.township, body.last_seq, max(0, body.last_seq - before),
                         [tuple(p) for p in body.pending])  # type: ignore[misc]
