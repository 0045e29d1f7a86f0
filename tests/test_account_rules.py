"""User names and passwords as the people of a village committee type them.

GB/T 22239-2019 (网络安全等级保护基本要求), 安全计算环境 · 身份鉴别 a): "应对登录的用户进行身份标识和鉴别,
身份标识具有唯一性,身份鉴别信息具有复杂度要求并定期更换". Unique identity: a name that only looks
different (full-width letters, an invisible character) is the same name. Complexity: at least 8
characters, not all blanks, not one of the passwords an intruder tries first.
"""

from __future__ import annotations

import sqlite3

import pytest

from app.accounts import service as acc
from app.accounts.service import (AccountError, add_user, list_users, login_in_store, password_problem,
                                  set_password)
from app.check import check_store
from app.cli import main
from app.errors import FieldError
from app.events import UnloggedWrite


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    real = acc.hash_password
    monkeypatch.setattr(acc, "hash_password", lambda p, n=2**10: real(p, n=n))


def _add(store, name: str, password: str = "liulin-cun-2026", role: str = "文书/会计"):
    with store.begin("测试") as s:
        return add_user(s, name, role, password)


def _events(store) -> int:
    with store.read() as s:
        return s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM events")).scalar_one()


# ---------------------------------------------------------------- passwords


@pytest.mark.parametrize("password", ["123456", "      ", "1234567", "abc"])
def test_a_password_shorter_than_8_is_refused_next_to_the_password_field(store, password):
    before = _events(store)
    with pytest.raises(FieldError) as info:
        _add(store, "王文书", password)
    assert info.value.field == "password"
    assert "8" in str(info.value) or "空格" in str(info.value)
    assert _events(store) == before
    with store.read() as s:
        assert list_users(s) == []


@pytest.mark.parametrize("password", ["        ", "\t\t\t\t        ", "\u3000" * 8])
def test_a_password_of_blanks_only_is_refused(store, password):
    with pytest.raises(FieldError, match="空格") as info:
        _add(store, "王文书", password)
    assert info.value.field == "password"


@pytest.mark.parametrize("password", ["12345678", "password", "88888888", "11111111", "123123123", "qwerty123",
                                      "admin123", "a123456789", "woaini1314", "PASSWORD", "Qwerty123",
                                      "99999999", "aaaaaaaaaa"])
def test_the_most_common_passwords_are_refused(store, password):
    with pytest.raises(FieldError, match="太常见") as info:
        _add(store, "王文书", password)
    assert info.value.field == "password"


@pytest.mark.parametrize("password", ["liulin-cun-2026", "桃花坞村委会公章", "Sq8-wenshu", "清水河 2026 春"])
def test_a_password_that_keeps_the_rules_is_accepted(store, password):
    assert password_problem(password) == ""
    _add(store, "王文书", password)
    assert login_in_store(store, "王文书", password).name == "王文书"


def test_a_new_password_keeps_the_rules_and_nothing_changes_when_refused(store):
    _add(store, "王文书", "liulin-cun-2026")
    before = _events(store)
    for weak in ("123456", "        ", "12345678"):
        with pytest.raises(FieldError) as info:
            with store.begin("测试") as s:
                set_password(s, "王文书", weak)
        assert info.value.field == "password"
    assert _events(store) == before
    assert login_in_store(store, "王文书", "liulin-cun-2026").name == "王文书"
    with store.begin("测试") as s:
        set_password(s, "王文书", "liulin-cun-2027")
    assert _events(store) == before + 1
    assert login_in_store(store, "王文书", "liulin-cun-2027").name == "王文书"


@pytest.mark.tampers
def test_an_account_with_a_weak_password_from_before_still_logs_in(store):
    """Nobody is locked out: a password set before the rules (here 123456, as an older version allowed)
    still opens its account; only a new password must keep them."""
    _add(store, "王文书", "liulin-cun-2026")
    weak = acc.hash_password("123456")
    con = sqlite3.connect(store.db_path)
    con.execute("UPDATE users SET password_hash = ? WHERE name = '王文书'", (weak,))
    con.commit()
    con.close()
    assert login_in_store(store, "王文书", "123456").name == "王文书"
    with pytest.raises(FieldError, match="太常见|至少"):
        with store.begin("测试") as s:
            set_password(s, "王文书", "123456")


def test_a_password_hash_written_without_its_event_is_refused_at_commit(store):
    _add(store, "王文书", "liulin-cun-2026")
    with pytest.raises(UnloggedWrite):
        with store.begin("测试") as s:
            s.execute(__import__("sqlalchemy").text("UPDATE users SET password_hash = 'x' WHERE name = '王文书'"))
    assert login_in_store(store, "王文书", "liulin-cun-2026").name == "王文书"


# ---------------------------------------------------------------- user names


@pytest.mark.parametrize("lookalike", ["ａｄｍｉｎ", "adm\u200bin", "\u202eadmin", "admin\u200d", "\ufeffadmin",
                                       " admin ", "ADMIN", "Admin\u00ad", "ad\u0007min", "a\u2060dmin"])
def test_a_name_that_only_looks_different_from_a_user_is_refused(store, lookalike):
    _add(store, "admin", role="管理员")
    before = _events(store)
    with pytest.raises(FieldError, match="已经存在|看起来一样") as info:
        _add(store, lookalike)
    assert info.value.field == "name"
    assert "admin" in str(info.value)
    assert _events(store) == before
    with store.read() as s:
        assert [u.name for u in list_users(s)] == ["admin"]


def test_names_are_stored_as_people_read_them(store):
    u = _add(store, "ｗａｎｇ\u200b\u3000文书\u202e")
    assert u.name == "wang 文书"
    assert login_in_store(store, "wang 文书", "liulin-cun-2026").name == "wang 文书"


@pytest.mark.parametrize("typed", ["ａｄｍｉｎ", "adm\u200bin", " admin", "admin\u202c"])
def test_login_reads_the_name_the_same_way(store, typed):
    _add(store, "admin", role="管理员")
    assert login_in_store(store, typed, "liulin-cun-2026").name == "admin"


@pytest.mark.parametrize("name", ["", "   ", "\u200b\u200b", "\u202e", "\x00\x01"])
def test_a_name_of_nothing_visible_is_refused(store, name):
    with pytest.raises(FieldError, match="请填写用户名") as info:
        _add(store, name)
    assert info.value.field == "name"


def test_a_name_too_long_is_refused(store):
    with pytest.raises(FieldError, match="太长") as info:
        _add(store, "长" * 5000)
    assert info.value.field == "name"


def test_two_old_accounts_that_read_the_same_are_told_apart_by_the_exact_name(store):
    """An older version stored "ａｄｍｉｎ" beside "admin": both still log in with their own passwords."""
    _add(store, "admin", "admin-pass-2026", role="管理员")
    with store.begin("测试") as s:
        from app.accounts.models import User
        from app.events import record

        old = User(name="ａｄｍｉｎ", role="文书/会计", password_hash=acc.hash_password("fullwidth-2026"),
                   failed_logins=0, last_failure=0.0)
        s.add(old)
        record(s, old, "create")
    assert login_in_store(store, "admin", "admin-pass-2026").role == "管理员"
    assert login_in_store(store, "ａｄｍｉｎ", "fullwidth-2026").role == "文书/会计"
    with store.read() as s:
        assert check_store(s).ok


# ---------------------------------------------------------------- the command line


def test_cunwu_user_add_refuses_a_common_password_in_plain_words(store, monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("12345678\n"))
    code = main(["--data-dir", str(store.data_dir), "user", "add", "王文书", "--role", "文书/会计",
                 "--password-stdin"])
    out = capsys.readouterr()
    assert code == 1 and "太常见" in out.out + out.err and "出现意外问题" not in out.out + out.err
    with store.read() as s:
        assert list_users(s) == []


def test_cunwu_user_passwd_applies_the_rules_and_changes_the_password(store, monkeypatch, capsys):
    import io

    _add(store, "王文书", "liulin-cun-2026")
    cli = ["--data-dir", str(store.data_dir), "user", "passwd", "王文书"]
    monkeypatch.setattr("sys.stdin", io.StringIO("88888888\n"))
    code = main(cli + ["--password-stdin"])
    out = capsys.readouterr()
    assert code == 1 and "太常见" in out.out + out.err
    assert login_in_store(store, "王文书", "liulin-cun-2026").name == "王文书"
    monkeypatch.setattr("sys.stdin", io.StringIO("liulin-cun-2027\n"))
    code = main(cli + ["--password-stdin"])
    out = capsys.readouterr()
    assert code == 0 and "王文书" in out.out
    assert login_in_store(store, "王文书", "liulin-cun-2027").name == "王文书"
    with pytest.raises(AccountError):
        login_in_store(store, "王文书", "liulin-cun-2026")
