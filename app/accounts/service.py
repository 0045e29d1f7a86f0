"""Local accounts: roles, scrypt password hashes, throttled logins.

Passwords are hashed with scrypt at OWASP's recommended cost (N=2**17, r=8,
p=1). After each failed login the next attempt must wait twice as long as the
one before. The counter lives in the database, so a restart does not reset it,
and a clock turned back re-anchors the wait instead of ending it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.events import record
from app.i18n import _
from app.accounts.models import User

ROLES = ("管理员", "文书/会计", "主任", "监委会")
ROLE_ALIASES = {"admin": "管理员", "clerk": "文书/会计", "文书": "文书/会计", "会计": "文书/会计",
                "director": "主任", "supervisor": "监委会"}
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MIN_PASSWORD = 6
MAX_DELAY = 15 * 60


class AccountError(UserError, ValueError):
    pass


class LoginDelayed(AccountError):
    def __init__(self, seconds: int) -> None:
        super().__init__(_("密码错误次数过多,请在 {s} 秒后再试。").format(s=seconds))
        self.seconds = seconds


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str


def hash_password(password: str, *, n: int = SCRYPT_N) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=SCRYPT_R, p=SCRYPT_P,
                            maxmem=256 * 1024 * 1024, dklen=32)
    b64 = base64.b64encode
    return f"scrypt${n}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                         maxmem=256 * 1024 * 1024, dklen=32)
    return hmac.compare_digest(got, base64.b64decode(digest))


def normalize_role(role: str) -> str:
    role = ROLE_ALIASES.get(role.strip(), role.strip())
    if role not in ROLES:
        raise AccountError(_("角色“{role}”不存在。可选:{roles}。").format(role=role, roles="、".join(ROLES)))
    return role


def add_user(session: Session, name: str, role: str, password: str) -> UserInfo:
    name = name.strip()
    if not name:
        raise AccountError(_("请填写用户名。"))
    role = normalize_role(role)
    if len(password) < MIN_PASSWORD:
        raise AccountError(_("密码至少要 {n} 位。").format(n=MIN_PASSWORD))
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise AccountError(_("用户“{name}”已经存在。").format(name=name))
    user = User(name=name, role=role, password_hash=hash_password(password), failed_logins=0, last_failure=0.0)
    session.add(user)
    record(session, user, "create")
    return UserInfo(user.id, user.name, user.role)


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def list_users(session: Session) -> list[UserInfo]:
    return [UserInfo(u.id, u.name, u.role) for u in session.scalars(select(User).order_by(User.id))]


def required_wait(failures: int) -> int:
    """Seconds to wait before the next attempt after ``failures`` failures in a row."""
    if failures <= 0:
        return 0
    return min(2 ** (failures - 1), MAX_DELAY)


def login(session: Session, name: str, password: str, *, clock: Callable[[], float] = time.time) -> UserInfo:
    """Check a password. The caller commits the session even when this raises,
    so the failure counter is saved (see :func:`login_in_store`)."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    now = clock()
    if user is not None and user.failed_logins:
        if now < user.last_failure:
            # the clock went back: start the wait again from now rather than skip it
            user.last_failure = now
        left = user.last_failure + required_wait(user.failed_logins) - now
        if left > 0:
            raise LoginDelayed(int(left) + 1)
    if user is None or not verify_password(password, user.password_hash):
        if user is not None:
            user.failed_logins += 1
            user.last_failure = now
        raise AccountError(_("用户名或密码不对,请重新输入。"))
    user.failed_logins, user.last_failure = 0, 0.0
    return UserInfo(user.id, user.name, user.role)


def login_in_store(store, name: str, password: str, *, clock: Callable[[], float] = time.time) -> UserInfo:  # type: ignore[no-untyped-def]
    session = store.sessionmaker()
    try:
        session.begin()
        try:
            user = login(session, name, password, clock=clock)
        except AccountError:
            session.commit()
            raise
        session.commit()
        return user
    finally:
        session.close()
