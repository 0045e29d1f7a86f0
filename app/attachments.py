"""Attachments (photos of the posted board, scans, signed sign-in sheets).

Files are stored by the SHA-256 of their content under ``DATA_DIR/attachments``,
so the same photo attached twice is stored and sent to the township once. Each
file has an ``attachment`` record in the event log; a sync bundle carries the
file with the event that created the record (docs/sync-format.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from app.errors import UserError
from app.events import Audited, audited, now_text, record
from app.files import copy_atomic
from app.i18n import _
from app.storage.base import Base

ATTACHMENT_DIR = "attachments"
MAX_ATTACHMENT = 200 * 1024 * 1024


class AttachmentError(UserError):
    """The file cannot be attached; the message says why and what to do."""


@audited
class Attachment(Audited, Base):
    __tablename__ = "attachments"
    __record_type__ = "attachment"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the content
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(255), default="")
    media_type: Mapped[str] = mapped_column(String(64), default="")
    added: Mapped[str] = mapped_column(String(32))


class AttachmentLink:
    """Columns of a row that keeps a stored file with a record (a notice's board photo, a meeting's
    sign-in sheet): the file's hash, the name it was given, what it is, and when."""

    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))
    added: Mapped[str] = mapped_column(String(32))


@dataclass(frozen=True)
class AttachmentInfo:
    sha256: str
    size: int
    name: str
    media_type: str


def blob_path(root: Path, sha256: str) -> Path:
    """Where a content-addressed file lives under ``root`` (a village or hub data directory)."""
    return root / ATTACHMENT_DIR / sha256[:2] / sha256


def store_blob(root: Path, source: Path, sha256: str) -> Path:
    """Move or copy a verified file into the content store (idempotent)."""
    target = blob_path(root, sha256)
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    copy_atomic(source, target)
    return target


def add_attachment(session: Session, data_dir: Path, source: Path, *, name: str = "",
                   media_type: str = "") -> AttachmentInfo:
    """Store ``source`` and record it; the same content twice gives the same record."""
    try:
        size = source.stat().st_size
        if size > MAX_ATTACHMENT:
            raise AttachmentError(_("文件 {name} 太大(超过 200 MB),请先缩小或扫描成较小的文件。").format(name=source.name))
        sha = hashlib.sha256()
        with open(source, "rb") as fh:
            while block := fh.read(1024 * 1024):
                sha.update(block)
    except OSError as exc:
        raise AttachmentError(_("无法读取文件 {name}({reason})。").format(name=source.name, reason=exc.strerror or exc)) from exc
    digest = sha.hexdigest()
    store_blob(data_dir, source, digest)
    existing = session.get(Attachment, digest)
    if existing is None:
        existing = Attachment(id=digest, size=size, name=name or source.name, media_type=media_type, added=now_text())
        session.add(existing)
        record(session, existing, "create")
    return AttachmentInfo(digest, existing.size, existing.name, existing.media_type)


def link_file(session: Session, data_dir: Path, model: type, source: Path, *, role: str, roles: tuple[str, ...],
              name: str = "", **owner: int) -> AttachmentLink:
    """Store ``source`` and keep it with a record: a new ``model`` row (an AttachmentLink) naming
    ``owner`` (e.g. ``notice_id=3``), written with its event."""
    if role not in roles:
        from app.errors import FieldError

        raise FieldError("role", _("附件类型不对。"))
    name = name or source.name
    kept = add_attachment(session, data_dir, source, name=name)
    link = model(sha256=kept.sha256, name=name, role=role, added=now_text(), **owner)
    session.add(link)
    session.flush()
    record(session, link, "create")
    return link


def verify_files(session: Session, data_dir: Path, skip: set[str] | frozenset[str] = frozenset(),
                 progress: Callable[[int], None] | None = None) -> list[tuple[str, str]]:
    """For ``cunwu check``: every attachment's file is in the content store and still has the content its
    record names (size and SHA-256). Returns (where, what) for each file that is missing or changed."""
    problems: list[tuple[str, str]] = []
    rows = session.execute(select(Attachment.id, Attachment.name, Attachment.size).order_by(Attachment.id)).all()
    for sha, name, size in rows:
        if sha in skip or not isinstance(sha, str):
            continue
        where = f"{Attachment.__tablename__} #{sha}"
        path = blob_path(data_dir, sha)
        try:
            if not path.is_file():
                problems.append((where, _("附件“{name}”的文件找不到了(应在 {path})。请从备份恢复附件文件夹。").format(
                    name=name, path=path)))
                continue
            digest = hashlib.sha256()
            with open(path, "rb") as fh:
                while block := fh.read(1024 * 1024):
                    digest.update(block)
                    if progress:
                        progress(len(block))
        except OSError as exc:
            problems.append((where, _("附件“{name}”的文件读不出来({reason})。请检查磁盘,或从备份恢复这个文件。").format(
                name=name, reason=exc.strerror or exc)))
            continue
        if digest.hexdigest() != sha:
            problems.append((where, _("附件“{name}”的文件被改动过(内容与登记时不同)。请从备份恢复这个文件(在 {path})。").format(
                name=name, path=path)))
    return problems
