"""User accounts. Login counters are kept out of the event log: they change
on every failed attempt and mean nothing to the archive.

The password hash itself never goes into an event (events travel to the township in sync bundles); the
event carries ``password_digest``, a SHA-256 of the whole stored hash string. The string holds the scrypt
salt (16 random bytes), so the digest gives the township nothing to try passwords against, yet
``cunwu check`` sees a hash replaced behind the program's back (another user's copied in)."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import Boolean, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.events import Audited, audited
from app.storage.base import Base

DIGEST_PREFIX = b"cunwu password digest 1\x00"


def password_digest(password_hash: str | None) -> str:
    """What an event records of a stored password hash: its SHA-256 (the salt inside keeps it unguessable)."""
    if not isinstance(password_hash, str):
        return ""
    return hashlib.sha256(DIGEST_PREFIX + password_hash.encode("utf-8", "surrogatepass")).hexdigest()


@audited
class User(Audited, Base):
    __tablename__ = "users"
    __record_type__ = "user"
    __unaudited__ = frozenset({"failed_logins", "last_failure", "password_hash"})
    # in events as its digest (password_digest), and watched by the write guard like an audited column
    __digested__ = frozenset({"password_hash"})
    # fields that events written by older versions do not have: check compares them only where logged
    __added_later__ = frozenset({"password_digest", "disabled"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(256))
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    # wall-clock seconds of the last failure, re-anchored if the clock goes back
    last_failure: Mapped[float] = mapped_column(Float, default=0.0)
    # 停用 (schema v6): True when the administrator disabled the account (it cannot log in; kept, because the
    # event log names its actions). NULL for accounts older than v6 and for new ones, as a key missing from
    # older events reads (cunwu check); False once enabled again.
    disabled: Mapped[bool | None] = mapped_column(Boolean, default=None)

    def to_record(self) -> dict[str, Any]:
        content = super().to_record()
        content["password_digest"] = password_digest(self.password_hash)
        return content
