"""Accounts: roles, scrypt hashes, exponential delay that survives restarts and clock changes."""

import pytest

from app.accounts import service as acc
from app.accounts.service import AccountError, LoginDelayed, add_user, login_in_store
from app.schema import open_store


@pytest.fixture(autouse=True)
def cheap_scrypt(monkeypatch):
    # the real cost (N=2**17) is checked once below; the rest need speed, not strength
    real = acc.hash_password
    monkeypatch.setattr(acc, "hash_password", lambda p, n=2**10: real(p, n=n))


def test_user_roles_and_duplicate_names(store):
    with store.begin() as s:
        u = add_user(s, "老王", "clerk", "laowang-secret1")
    assert u.role == "文书/会计"
    with pytest.raises(AccountError, match="已经存在"):
        with store.begin() as s:
            add_user(s, "老王", "管理员", "laowang-secret2")
    with pytest.raises(AccountError, match="角色"):
        with store.begin() as s:
            add_user(s, "小李", "队长", "xiaoli-secret2")
    with pytest.raises(AccountError, match="至少"):
        with store.begin() as s:
            add_user(s, "小李", "主任", "123")


def test_wrong_passwords_delay_exponentially_across_restarts_and_clock_changes(store):
    with store.begin() as s:
        add_user(s, "会计", "文书/会计", "right-pass")
    t = [1_000_000.0]
    clock = lambda: t[0]  # noqa: E731
    with pytest.raises(AccountError):
        login_in_store(store, "会计", "wrong", clock=clock)
    with pytest.raises(LoginDelayed):       # 1 s wait after the first failure
        login_in_store(store, "会计", "right-pass", clock=clock)
    t[0] += 1
    with pytest.raises(AccountError):
        login_in_store(store, "会计", "wrong", clock=clock)
    # a restart: a new store object on the same file
    data_dir = store.data_dir
    store.close()
    again = open_store(data_dir)
    t[0] += 1  # only 1 s of the 2 s wait
    with pytest.raises(LoginDelayed) as info:
        login_in_store(again, "会计", "right-pass", clock=clock)
    assert info.value.seconds >= 1
    t[0] -= 10_000  # the clock turned back does not end the wait
    with pytest.raises(LoginDelayed):
        login_in_store(again, "会计", "right-pass", clock=clock)
    t[0] += 2
    assert login_in_store(again, "会计", "right-pass", clock=clock).name == "会计"
    again.close()


def test_real_cost_hash_verifies():
    stored = acc.hash_password("村务2026", n=acc.SCRYPT_N)
    assert stored.startswith("scrypt$131072$8$1$")
    assert acc.verify_password("村务2026", stored)
    assert not acc.verify_password("村务2025", stored)
