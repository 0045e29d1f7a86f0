"""User accounts. Login counters are kept out of the event log: they change
on every failed attempt and mean nothing to the archive."""

from __future__ import annotations

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.events import Audited, audited
from app.storage.base import Base


@audited
class User(Audited, Base):
    __tablename__ = "users"
    __record_type__ = "user"
    __unaudited__ = frozenset({"failed_logins", "last_failure", "password_hash"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # wall-clock seconds of the last failure, re-anchored if the clock goes back
    last_failure: Mapped[float] = mapped_column(Float, default=0.0)
