"""Local accounts: roles, scrypt password hashes, throttled logins.

Passwords are hashed with scrypt at OWASP's recommended cost (N=2**17, r=8,
p=1). A new password has at least 8 characters, is not all blanks and is not one of the most common
passwords (GB/T 22239-2019, 安全计算环境·身份鉴别 a): "身份标识具有唯一性,身份鉴别信息具有复杂度要求");
a password set before these rules still opens its account. User names are compared as people read
them: NFKC (full-width letters are the ordinary ones), without invisible characters (zero-width,
direction controls, control characters), blanks collapsed and case ignored, so "ａｄｍｉｎ" and
"adm\u200bin" are "admin" and cannot be a second user beside it. After each failed login the next attempt must wait twice as long as the
one before. The counter lives in the database, so a restart does not reset it,
and a clock turned back re-anchors the wait instead of ending it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import FieldError, UserError
from app.events import Event, record
from app.i18n import _
from app.accounts.models import User

ROLES = ("管理员", "文书/会计", "主任", "监委会")  # the first is the administrator (ADMIN)
ROLE_ALIASES = {"admin": "管理员", "clerk": "文书/会计", "文书": "文书/会计", "会计": "文书/会计",
                "director": "主任", "supervisor": "监委会"}
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**17, 8, 1
MIN_PASSWORD = 8
MAX_NAME = 32
MAX_DELAY = 15 * 60

# The most common passwords in Chinese and international leaked lists (compared ignoring case): the first
# ones an intruder tries. Shorter ones are refused by the length anyway; they are listed for completeness.
COMMON_PASSWORDS = frozenset("""
123456 1234567 12345678 123456789 1234567890 12345678910 0123456789 987654321 9876543210
111111 11111111 111111111 000000 00000000 666666 66666666 888888 88888888 123123 123123123 12341234
11223344 112233445566 147258369 123321123 5201314 5201314520 1314520 1314520520 520520520 7758521
password password1 password123 passw0rd p@ssw0rd p@ssword iloveyou iloveyou1 qwerty qwerty123 qwertyui
qwe123456 qweasdzxc 123qweasd 1qaz2wsx 1qazxsw2 12qwaszx 1q2w3e4r 1q2w3e4r5t q1w2e3r4 1234qwer qwer1234
asdfghjkl asdf1234 zxcvbnm zxcvbnm123 abc123 abc12345 abc123456 abcd1234 a1234567 a12345678 a123456789
aa123456 aa12345678 123456a 123456abc 123456aa qq123456 123456qq woaini woaini1314 woaini520 woaini123
admin admin123 admin888 admin1234 administrator root123 test1234 welcome1 letmein123 88888888a
""".split())

# Characters nobody sees: control characters (Cc), format characters (Cf: zero-width space and joiners,
# left-to-right and right-to-left marks, embeddings and overrides such as U+202E, the byte order mark),
# line and paragraph separators, variation selectors and the Hangul fillers that show as nothing.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_INVISIBLE_EXTRA = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u180e", "\u034f"})


class AccountError(UserError, ValueError):
    pass


class AccountFieldError(AccountError, FieldError):
    """A user name or password that is refused; ``field`` ("name" or "password") names the input."""


class LoginDelayed(AccountError):
    def __init__(self, seconds: int) -> None:
        super().__init__(_("密码错误次数过多,请在 {s} 秒后再试。").format(s=seconds))
        self.seconds = seconds


@dataclass(frozen=True)
class UserInfo:
    id: int
    name: str
    role: str
    disabled: bool = False  # 停用: cannot log in (schema v6)


ADMIN = "管理员"


def _info(user: User) -> UserInfo:
    return UserInfo(user.id, user.name, user.role, bool(user.disabled))


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


def _invisible(ch: str) -> bool:
    return (unicodedata.category(ch) in _INVISIBLE_CATEGORIES or ch in _INVISIBLE_EXTRA
            or "\ufe00" <= ch <= "\ufe0f" or "\U000e0100" <= ch <= "\U000e01ef")


def normalize_user_name(name: str) -> str:
    """A user name as people read it: NFKC, invisible characters removed, blanks collapsed to one space.

    Tabs and line breaks count as blanks (they separate words), other invisible characters as nothing."""
    name = "".join(" " if ch in "\t\n\r\v\f\x85\u2028\u2029" else ch for ch in str(name))
    text = unicodedata.normalize("NFKC", "".join(ch for ch in name if not _invisible(ch)))
    return " ".join("".join(ch for ch in text if not _invisible(ch)).split())


def name_key(name: str) -> str:
    """What two user names are compared by: the normalised name without regard to case."""
    return normalize_user_name(name).casefold()


def check_user_name(name: str) -> str:
    """The normalised user name, or AccountFieldError("name") saying what is wrong with it."""
    cleaned = normalize_user_name(name)
    if not cleaned:
        raise AccountFieldError("name", _("请填写用户名。"))
    if len(cleaned) > MAX_NAME:
        raise AccountFieldError("name", _("用户名太长了(最多 {n} 个字),请写短一些。").format(n=MAX_NAME))
    return cleaned


def password_problem(password: str) -> str:
    """Why a new password is refused, in words for the person typing it; "" when it is good enough."""
    if not password.strip():
        return _("密码不能是空的,也不能全是空格。") if password else _("请填写密码。")
    if len(password) < MIN_PASSWORD:
        return _("密码至少要 {n} 位。").format(n=MIN_PASSWORD)
    if password.strip().casefold() in COMMON_PASSWORDS or len(set(password)) == 1:
        return _("这个密码太常见,别人很容易猜到。请换一个不常见的密码,例如把几个词和数字连起来。")
    return ""


def check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise AccountFieldError("password", problem)


def _find_user(session: Session, name: str) -> User | None:
    """The user whose name reads as ``name`` (see :func:`name_key`). Two old accounts that read the same
    (made before names were compared this way) are told apart by the exact name only."""
    key = name_key(name)
    if not key:
        return None
    found = [u for u in session.scalars(select(User).order_by(User.id)) if name_key(u.name) == key]
    if len(found) > 1:
        for typed in (name, name.strip(), normalize_user_name(name)):
            exact = [u for u in found if u.name == typed]
            if exact:
                return exact[0]
        return None
    return found[0] if found else None


def normalize_role(role: str) -> str:
    role = ROLE_ALIASES.get(role.strip(), role.strip())
    if role not in ROLES:
        raise AccountError(_("角色“{role}”不存在。可选:{roles}。").format(role=role, roles="、".join(ROLES)))
    return role


def add_user(session: Session, name: str, role: str, password: str, *, by: str | None = None) -> UserInfo:
    """A new account. ``by`` is the program's user who adds it (see :func:`require_admin`); None is the
    command line. In the program the first account is an administrator, so someone can manage the others."""
    require_admin(session, by)
    name = check_user_name(name)
    role = normalize_role(role)
    if by is not None and role != ADMIN and not _enabled_admins(session):
        raise AccountFieldError("role", _("第一个用户必须是管理员:要有管理员,才能在本程序里添加用户和重设密码。"))
    check_password(password)
    existing = _find_user(session, name)
    if existing is not None:
        if existing.name == name:
            raise AccountFieldError("name", _("用户“{name}”已经存在。").format(name=name))
        raise AccountFieldError("name", _("用户名“{name}”和已有的用户“{other}”看起来一样(全角字母、大小写、看不见的字符"
                                          "都不算区别),请换一个名字。").format(name=name, other=existing.name))
    user = User(name=name, role=role, password_hash=hash_password(password), failed_logins=0, last_failure=0.0)
    session.add(user)
    record(session, user, "create")
    return _info(user)


def set_password(session: Session, name: str, password: str, *, by: str | None = None) -> UserInfo:
    """Give the user ``name`` a new password (the rules for a new password apply); recorded as an event that
    carries the new hash's digest, never the hash. In the program only an administrator does this for
    someone (重设密码, ``by``: :func:`require_admin`); everyone changes their own with :func:`change_password`."""
    require_admin(session, by)
    user = _get_user(session, name)
    check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins, user.last_failure = 0, 0.0
    record(session, user, "update")
    return _info(user)


def change_password(session: Session, name: str, old: str, new: str) -> UserInfo:
    """The user ``name`` changes their own password: the present one first (AccountFieldError "old"), then a new
    one that keeps the rules ("password") and differs from it."""
    user = _get_user(session, name)
    if not old:
        raise AccountFieldError("old", _("请填写原来的密码。"))
    if not verify_password(old, user.password_hash):
        raise AccountFieldError("old", _("原来的密码不对,密码没有修改。请重新输入原来的密码。"))
    check_password(new)
    if new == old:
        raise AccountFieldError("password", _("新密码和原来的密码一样,请换一个。"))
    user.password_hash = hash_password(new)
    user.failed_logins, user.last_failure = 0, 0.0
    record(session, user, "update")
    return _info(user)


def _get_user(session: Session, name: str) -> User:
    user = _find_user(session, name)
    if user is None:
        raise AccountFieldError("name", _("没有名为“{name}”的用户。").format(name=normalize_user_name(name)))
    return user


def _enabled_admins(session: Session) -> list[User]:
    return [u for u in session.scalars(select(User).where(User.role == ADMIN).order_by(User.id)) if not u.disabled]


def require_admin(session: Session, by: str | None) -> None:
    """Only an enabled administrator adds users, resets passwords, changes roles and disables accounts in the
    program (``by`` names who is logged in; "" nobody). Before the first account exists, whoever runs the
    program adds it. None is the command line, which works on the data files directly."""
    if by is None or count_users(session) == 0:
        return
    actor = _find_user(session, by) if by else None
    if actor is None or actor.disabled or actor.role != ADMIN:
        raise AccountError(_("只有管理员才能管理用户。请注销后用管理员的用户名登录再做。"))


def _last_admin(session: Session, user: User) -> bool:
    return user.role == ADMIN and not user.disabled and [u.id for u in _enabled_admins(session)] == [user.id]


def set_role(session: Session, name: str, role: str, *, by: str | None = None) -> UserInfo:
    """Change the role of ``name``. The last enabled administrator keeps the role: without one, nobody could
    add users or reset a forgotten password in the program."""
    require_admin(session, by)
    user = _get_user(session, name)
    role = normalize_role(role)
    if role == user.role:
        return _info(user)
    if _last_admin(session, user):
        raise AccountFieldError("role", _("“{name}”是最后一个管理员,不能改为别的角色:没有管理员,就没有人能在本程序里"
                                          "添加用户和重设密码。请先添加或启用另一个管理员。").format(name=user.name))
    user.role = role
    record(session, user, "update")
    return _info(user)


def set_disabled(session: Session, name: str, disabled: bool, *, by: str | None = None) -> UserInfo:
    """停用 (``disabled``) or 启用 an account. A disabled account cannot log in; it is kept, because the event log
    names what it did. The last enabled administrator, and the administrator who is logged in, cannot be
    disabled."""
    require_admin(session, by)
    user = _get_user(session, name)
    if bool(user.disabled) == bool(disabled):
        return _info(user)
    if disabled and _last_admin(session, user):
        raise AccountError(_("“{name}”是最后一个管理员,不能停用:没有管理员,就没有人能在本程序里添加用户和重设密码。"
                             "请先添加或启用另一个管理员。").format(name=user.name))
    if disabled and by and name_key(by) == name_key(user.name):
        raise AccountError(_("不能停用正在使用的用户“{name}”。请用另一个管理员登录后再停用它。").format(name=user.name))
    user.disabled = bool(disabled)
    if not disabled:
        user.failed_logins, user.last_failure = 0, 0.0
    record(session, user, "update")
    return _info(user)


def _digest_logged(session: Session, user: User) -> bool:
    """Whether the user's last event carries the password's digest (events of older versions do not)."""
    content = session.scalar(select(Event.content).where(Event.record_type == User.__record_type__,
                                                         Event.record_id == user.record_id)
                             .order_by(Event.seq.desc()).limit(1))
    return content is not None and '"password_digest":' in content


def count_users(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(User)) or 0)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.id))]


def required_wait(failures: int) -> int:
    """Seconds to wait before the next attempt after ``failures`` failures in a row."""
    if failures <= 0:
        return 0
    return min(2 ** (failures - 1), MAX_DELAY)


def login(session: Session, name: str, password: str, *, clock: Callable[[], float] = time.time) -> UserInfo:
    """Check a password. The caller commits the session even when this raises,
    so the failure counter is saved (see :func:`login_in_store`)."""
    user = _find_user(session, name)
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
    if user.disabled:
        raise AccountError(_("用户“{name}”已停用,不能登录。请找管理员在“设置 → 用户管理”里启用。").format(name=user.name))
    if not _digest_logged(session, user):
        # an account from before events carried the digest: log it now, so check sees a later swap
        session.info.setdefault("actor", user.name)
        record(session, user, "update")
    return _info(user)


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
