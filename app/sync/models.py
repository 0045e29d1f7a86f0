"""What the village remembers about its exports and the township's receipts.

These tables describe the sync itself, not village affairs, so they are not
in the event log: recording an export as an event would make every export
produce something new to export.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.storage.base import Base

EXPORTED = "exported"
RECEIPTED = "receipted"


class OutboxEntry(Base):
    __tablename__ = "sync_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(255))
    folder: Mapped[str] = mapped_column(String(1024))
    first_seq: Mapped[int] = mapped_column(Integer)
    last_seq: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    full: Mapped[bool] = mapped_column(Boolean, default=False)
    created: Mapped[str] = mapped_column(String(32))
    state: Mapped[str] = mapped_column(String(16), default=EXPORTED)
    receipted: Mapped[str] = mapped_column(String(32), default="")


class ReceiptEntry(Base):
    __tablename__ = "sync_receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    township: Mapped[str] = mapped_column(String(64))
    last_seq: Mapped[int] = mapped_column(Integer)
    head: Mapped[str] = mapped_column(String(64))
    issued: Mapped[str] = mapped_column(String(32))
    imported: Mapped[str] = mapped_column(String(32))
    pending: Mapped[str] = mapped_column(String(255), default="")
