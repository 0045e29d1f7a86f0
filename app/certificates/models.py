"""The certificate register (台账), refusals, print log and serial starting numbers.

A certificate row is written once when it is issued (or accepted, for a
time-limited kind, and then once more when issued); after that only its state
(voided) and its print count change. The applicant's name and ID number are
copied in, because the register must show what was certified even after the
residents register changes. Every change is an event (app.events).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.events import Audited, audited
from app.storage.base import Base

ISSUED, PENDING, VOIDED = "issued", "pending", "voided"
STATES = (ISSUED, PENDING, VOIDED)

TABLES = ["certificates", "certificate_refusals", "certificate_prints", "certificate_serial_starts"]


@audited
class Certificate(Audited, Base):
    __tablename__ = "certificates"
    __record_type__ = "certificate"
    __table_args__ = (Index("ix_certificates_year_short", "year", "kind_short", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # NULL while a time-limited certificate is pending: a number is used only by an issued certificate
    serial: Mapped[str | None] = mapped_column(String(32), unique=True)
    year: Mapped[int | None] = mapped_column(Integer)
    number: Mapped[int | None] = mapped_column(Integer)
    kind_code: Mapped[str] = mapped_column(String(32), index=True)
    kind_name: Mapped[str] = mapped_column(String(64))
    kind_short: Mapped[str] = mapped_column(String(8))
    title: Mapped[str] = mapped_column(String(64))
    catalogue_version: Mapped[str] = mapped_column(String(64))
    resident_id: Mapped[int | None] = mapped_column(Integer, index=True)  # no FK: the register outlives residents
    applicant_name: Mapped[str] = mapped_column(String(64), index=True)
    applicant_id_number: Mapped[str] = mapped_column(String(18), default="")
    purpose: Mapped[str] = mapped_column(String(128))
    fields: Mapped[str] = mapped_column(Text)  # canonical JSON of every filled field, unmasked
    body: Mapped[str] = mapped_column(Text, default="")  # the text as printed (masked)
    verified_by: Mapped[str] = mapped_column(String(64), default="")
    verified_what: Mapped[str] = mapped_column(String(200), default="")
    verified_document: Mapped[str] = mapped_column(String(200), default="")
    approver: Mapped[str] = mapped_column(String(64), default="")
    approver_role: Mapped[str] = mapped_column(String(32), default="")
    state: Mapped[str] = mapped_column(String(16), index=True)
    applied_on: Mapped[dt.date] = mapped_column(Date)
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    issue_date: Mapped[dt.date | None] = mapped_column(Date)
    issued_at: Mapped[str] = mapped_column(String(32), default="")
    qr_payload: Mapped[str] = mapped_column(Text, default="")
    check_code: Mapped[str] = mapped_column(String(8), default="")
    void_reason: Mapped[str] = mapped_column(Text, default="")
    voided_at: Mapped[str] = mapped_column(String(32), default="")
    print_count: Mapped[int] = mapped_column(Integer, default=0)


@audited
class CertificateRefusal(Audited, Base):
    __tablename__ = "certificate_refusals"
    __record_type__ = "cert_refusal"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    requested: Mapped[str] = mapped_column(String(128))
    kind_code: Mapped[str] = mapped_column(String(32), default="")
    reason_code: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text)
    authority: Mapped[str] = mapped_column(Text, default="")
    applicant: Mapped[str] = mapped_column(String(128), default="")  # name and masked ID number
    catalogue_version: Mapped[str] = mapped_column(String(64), default="")


@audited
class CertificatePrint(Audited, Base):
    __tablename__ = "certificate_prints"
    __record_type__ = "cert_print"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    certificate_id: Mapped[int] = mapped_column(Integer, index=True)
    serial: Mapped[str] = mapped_column(String(32), index=True)
    who: Mapped[str] = mapped_column(String(64))
    time: Mapped[str] = mapped_column(String(32))
    reprint: Mapped[bool] = mapped_column(Boolean, default=False)
    copy_number: Mapped[int] = mapped_column(Integer)


@audited
class SerialStart(Audited, Base):
    __tablename__ = "certificate_serial_starts"
    __record_type__ = "cert_serial_start"
    __table_args__ = (UniqueConstraint("kind_short", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind_code: Mapped[str] = mapped_column(String(32))
    kind_short: Mapped[str] = mapped_column(String(8))
    year: Mapped[int] = mapped_column(Integer)
    start: Mapped[int] = mapped_column(Integer)
