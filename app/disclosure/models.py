"""Notices (公开事项), their reviews, villagers' feedback and attachments.

A notice changes freely while it is a draft or returned for changes; from
submission on, only its state moves forward, and once posted nothing in it
changes again (a correction is a new notice pointing at the old one). Every
change is an event (app.events), so ``cunwu check`` finds a posted notice
edited behind the program's back.

The search index (``notice_search``, FTS5) is derived from these rows and is
not audited: it can always be rebuilt (app.disclosure.search).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.attachments import AttachmentLink
from app.events import Audited, audited
from app.storage.base import Base

DRAFT, SUBMITTED, RETURNED, REVIEWED, APPROVED, POSTED, ARCHIVED = (
    "draft", "submitted", "returned", "reviewed", "approved", "posted", "archived")
STATES = (DRAFT, SUBMITTED, RETURNED, REVIEWED, APPROVED, POSTED, ARCHIVED)
EDITABLE = (DRAFT, RETURNED)
PUBLISHED = (POSTED, ARCHIVED)

PASSED, SENT_BACK = "passed", "returned"  # review outcomes

BOARD_PHOTO, SCAN, OTHER = "board_photo", "scan", "other"
ATTACHMENT_ROLES = (BOARD_PHOTO, SCAN, OTHER)

TABLES = ["notices", "notice_reviews", "notice_feedback", "notice_attachments"]


@audited
class Notice(Audited, Base):
    __tablename__ = "notices"
    __record_type__ = "notice"
    __table_args__ = (UniqueConstraint("year", "seq_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # 公开编号 "2026-015": given when posted, gapless per year of posting
    number: Mapped[str | None] = mapped_column(String(16), unique=True)
    year: Mapped[int | None] = mapped_column(Integer)
    seq_no: Mapped[int | None] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(8), index=True)
    item_code: Mapped[str] = mapped_column(String(32), default="", index=True)
    catalogue_version: Mapped[str] = mapped_column(String(32), default="")
    period_key: Mapped[str] = mapped_column(String(16), default="", index=True)
    period_label: Mapped[str] = mapped_column(String(40), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    tables: Mapped[str] = mapped_column(Text, default="[]")  # canonical JSON of the tables
    source: Mapped[str] = mapped_column(String(32), default="")  # "ledger", "template", ""
    state: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    approved_by: Mapped[str] = mapped_column(String(64), default="")
    approved_on: Mapped[dt.date | None] = mapped_column(Date)
    posted_from: Mapped[dt.date | None] = mapped_column(Date, index=True)
    posted_until: Mapped[dt.date | None] = mapped_column(Date)
    posted_at: Mapped[str] = mapped_column(String(32), default="")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    archived_at: Mapped[str] = mapped_column(String(32), default="")
    corrects_id: Mapped[int | None] = mapped_column(Integer, index=True)
    correction_reason: Mapped[str] = mapped_column(Text, default="")


@audited
class NoticeReview(Audited, Base):
    """One review by the supervision committee (监委会审核): passed, or returned with comments."""

    __tablename__ = "notice_reviews"
    __record_type__ = "notice_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(Integer, index=True)
    reviewers: Mapped[str] = mapped_column(String(200))  # names joined with "、"
    date: Mapped[dt.date] = mapped_column(Date)
    opinion: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str] = mapped_column(String(12))
    time: Mapped[str] = mapped_column(String(32))


@audited
class NoticeFeedback(Audited, Base):
    """A villager's question or objection about a notice (阳光评议) and its answer."""

    __tablename__ = "notice_feedback"
    __record_type__ = "notice_feedback"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(Integer, index=True)
    asker: Mapped[str] = mapped_column(String(64))
    asked_on: Mapped[dt.date] = mapped_column(Date)
    question: Mapped[str] = mapped_column(Text)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by: Mapped[str] = mapped_column(String(64), default="")
    answered_on: Mapped[dt.date | None] = mapped_column(Date)


@audited
class NoticeAttachment(Audited, AttachmentLink, Base):
    """A file kept with a notice (photo of the posted board, a scan); the file itself is content-addressed."""

    __tablename__ = "notice_attachments"
    __record_type__ = "notice_attachment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    notice_id: Mapped[int] = mapped_column(Integer, index=True)
