"""Users inside the program (GB/T 22239-2019, 安全计算环境 · 访问控制 a) "应对登录的用户分配账户和权限" and c)
"应及时删除或停用多余的、过期的账户,避免共享账户的存在"): the administrator adds users, resets a password,
changes a role and disables an account; everyone changes their own password. Every change is an event; the last
enabled administrator is never disabled or demoted; a disabled account cannot log in."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from app.accounts import service as acc
from app.accounts.service import (
    AccountError,
    AccountFieldError,
    add_user,
    change_password,
    list_users,
    login_in_store,
    set_disabled,
    set_password,
    set_role,
)
from app.check import check_store
from app.events import Event


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    real = acc.hash_password
    monkeypatch.setattr(acc, "hash_password", lambda p, n=2**10: real(p, n=n))


ADMIN_PW, CLERK_PW = "liulin-admin-2026", "xiaowang-wenshu"


@pytest.fixture
def village(store):
    with store.begin("系统") as s:
        add_user(s, "老张", "管理员", ADMIN_PW)
        add_user(s, "小王", "文书/会计", CLERK_PW)
    return store


def _events(store, name):
    with store.read() as s:
        rows = s.scalars(select(Event).where(Event.record_type == "user").order_by(Event.seq)).all()
        return [(e.actor, json.loads(e.content)) for e in rows if json.loads(e.content)["name"] == name]


def _users(store):
    with store.read() as s:
        return {u.name: u for u in list_users(s)}


def test_the_administrator_adds_a_user_who_can_log_in_and_the_log_says_who_added_it(village):
    with village.begin("老张") as s:
        add_user(s, "李主任", "主任", "lizhuren-2026", by="老张")
    assert login_in_store(village, "李主任", "lizhuren-2026").role == "主任"
    actor, content = _events(village, "李主任")[-1]
    assert actor == "老张" and content["role"] == "主任"


def test_only_an_administrator_manages_users(village):
    before = _users(village)
    for change in (lambda s: add_user(s, "李主任", "主任", "lizhuren-2026", by="小王"),
                   lambda s: set_password(s, "老张", "another-pass-1", by="小王"),
                   lambda s: set_role(s, "小王", "管理员", by="小王"),
                   lambda s: set_disabled(s, "老张", True, by="小王"),
                   lambda s: set_role(s, "小王", "主任", by="")):  # nobody logged in, but users exist
        with pytest.raises(AccountError, match="只有管理员"):
            with village.begin("小王") as s:
                change(s)
    assert _users(village) == before
    assert login_in_store(village, "老张", ADMIN_PW).name == "老张"


def test_the_first_user_added_in_the_program_is_an_administrator(store):
    with pytest.raises(AccountFieldError, match="第一个用户必须是管理员") as info:
        with store.begin("系统") as s:
            add_user(s, "小王", "文书/会计", CLERK_PW, by="")
    assert info.value.field == "role"
    with store.begin("系统") as s:
        assert add_user(s, "老张", "管理员", ADMIN_PW, by="").role == "管理员"


def test_a_reset_password_opens_the_account_and_the_old_one_no_longer_does(village):
    with village.begin("老张") as s:
        set_password(s, "小王", "wang-new-2026", by="老张")
    assert login_in_store(village, "小王", "wang-new-2026").name == "小王"
    with pytest.raises(AccountError):
        login_in_store(village, "小王", CLERK_PW)
    with pytest.raises(AccountFieldError, match="至少要 8 位"):
        with village.begin("老张") as s:
            set_password(s, "小王", "short", by="老张")


def test_everyone_changes_their_own_password_after_typing_the_present_one(village):
    with pytest.raises(AccountFieldError, match="原来的密码不对") as info:
        with village.begin("小王") as s:
            change_password(s, "小王", "not-my-password", "wang-new-2026")
    assert info.value.field == "old"
    assert login_in_store(village, "小王", CLERK_PW).name == "小王"  # nothing changed
    with pytest.raises(AccountFieldError, match="太常见") as info:
        with village.begin("小王") as s:
            change_password(s, "小王", CLERK_PW, "12345678")
    assert info.value.field == "password"
    with pytest.raises(AccountFieldError, match="一样"):
        with village.begin("小王") as s:
            change_password(s, "小王", CLERK_PW, CLERK_PW)
    with village.begin("小王") as s:
        change_password(s, "小王", CLERK_PW, "wang-new-2026")
    assert login_in_store(village, "小王", "wang-new-2026").name == "小王"
    actor, content = _events(village, "小王")[-1]
    assert actor == "小王" and "password_hash" not in content and content["password_digest"]


def test_a_disabled_account_cannot_log_in_and_enabled_again_it_can(village):
    with village.begin("老张") as s:
        assert set_disabled(s, "小王", True, by="老张").disabled
    with pytest.raises(AccountError, match="已停用"):
        login_in_store(village, "小王", CLERK_PW)
    assert _users(village)["小王"].disabled
    assert _events(village, "小王")[-1][1]["disabled"] is True
    with village.begin("老张") as s:
        set_disabled(s, "小王", False, by="老张")
    assert login_in_store(village, "小王", CLERK_PW).name == "小王"
    assert _events(village, "小王")[-1][1]["disabled"] is False


def test_the_last_administrator_cannot_be_disabled_or_demoted(village):
    with pytest.raises(AccountError, match="最后一个管理员,不能停用"):
        with village.begin("老张") as s:
            set_disabled(s, "老张", True)
    with pytest.raises(AccountFieldError, match="最后一个管理员,不能改为别的角色") as info:
        with village.begin("老张") as s:
            set_role(s, "老张", "主任", by="老张")
    assert info.value.field == "role"
    users = _users(village)
    assert users["老张"].role == "管理员" and not users["老张"].disabled
    assert login_in_store(village, "老张", ADMIN_PW).name == "老张"


def test_a_disabled_administrator_does_not_count_as_the_one_left(village):
    with village.begin("老张") as s:
        add_user(s, "李主任", "管理员", "lizhuren-2026", by="老张")
        set_disabled(s, "李主任", True, by="老张")
    with pytest.raises(AccountError, match="最后一个管理员"):
        with village.begin("老张") as s:
            set_role(s, "老张", "文书/会计", by="老张")
    with village.begin("老张") as s:  # a second enabled administrator: now the first may step down
        set_disabled(s, "李主任", False, by="老张")
    with village.begin("李主任") as s:
        assert set_role(s, "老张", "主任", by="李主任").role == "主任"


def test_the_administrator_logged_in_cannot_disable_themself(village):
    with village.begin("老张") as s:
        add_user(s, "李主任", "管理员", "lizhuren-2026", by="老张")
    with pytest.raises(AccountError, match="正在使用"):
        with village.begin("老张") as s:
            set_disabled(s, "老张", True, by="老张")
    assert not _users(village)["老张"].disabled


def test_role_changes_are_events_and_check_finds_the_log_and_the_users_agree(village, tmp_path):
    with village.begin("老张") as s:
        set_role(s, "小王", "监委会", by="老张")
        set_disabled(s, "小王", True, by="老张")
    assert [c["role"] for _a, c in _events(village, "小王")] == ["文书/会计", "监委会", "监委会"]
    with village.read() as s:
        report = check_store(s)
    assert report.ok, report.problems
