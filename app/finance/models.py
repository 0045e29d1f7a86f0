"""The imported ledger: one row per entry, one row per import.

Amounts are whole fen in 64-bit integers: a well-off village's balance passes
the 21 million 元 a 32-bit column holds, and no float ever touches money.
Every import is kept (which file, its SHA-256, who, when, its totals), so a
statement can be traced to the file it came from, and the year's entries can be
checked against the totals they were imported with. Every change is an event.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.events import Audited, audited
from app.storage.base import Base

TABLES = ["ledger_imports", "ledger_entries"]


@audited
class LedgerImport(Audited, Base):
    __tablename__ = "ledger_imports"
    __record_type__ = "ledger_import"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    file_name: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="")
    rows: Mapped[int] = mapped_column(Integer)  # entries imported
    replaced: Mapped[int] = mapped_column(Integer, default=0)  # entries of the same year this import removed
    opening_fen: Mapped[int] = mapped_column(BigInteger)
    income_fen: Mapped[int] = mapped_column(BigInteger)
    expense_fen: Mapped[int] = mapped_column(BigInteger)
    closing_fen: Mapped[int] = mapped_column(BigInteger)
    categories_version: Mapped[str] = mapped_column(String(64), default="")


@audited
class LedgerEntry(Audited, Base):
    __tablename__ = "ledger_entries"
    __record_type__ = "ledger_entry"
    __table_args__ = (Index("ix_ledger_entries_year_date", "year", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    date: Mapped[dt.date] = mapped_column(Date)
    voucher: Mapped[str] = mapped_column(String(64), default="")
    summary: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(8))  # "income" / "expense"
    amount_fen: Mapped[int] = mapped_column(BigInteger)  # negative for a red-ink reversal (红字冲销)
    balance_fen: Mapped[int | None] = mapped_column(BigInteger)  # the running balance the ledger wrote, if any
    row: Mapped[int] = mapped_column(Integer)  # the row in the imported file
    import_id: Mapped[int] = mapped_column(ForeignKey("ledger_imports.id"), index=True)
