"""The first-run wizard's administrator page applies the rules for a user name and a new password
(GB/T 22239-2019, 安全计算环境 · 身份鉴别 a): "身份鉴别信息具有复杂度要求"), and says why next to the
field, before anything is written."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import random  # noqa: E402
from collections.abc import Iterator  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QMessageBox  # noqa: E402

import app.accounts.service as accounts  # noqa: E402
from app.accounts.service import count_users, list_users, login_in_store  # noqa: E402
from app.people.service import get_village  # noqa: E402
from app.people.uscc import make_uscc  # noqa: E402
from app.schema import Store, open_store  # noqa: E402
from ui.setup_wizard import SetupWizard  # noqa: E402

TASK_MS = 15_000


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    original = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password, n=2**10: original(password, n=n))


@pytest.fixture(autouse=True)
def no_message_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    shown: list[str] = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture
def new_store(tmp_path) -> Iterator[Store]:
    store = open_store(tmp_path / "data")
    yield store
    store.close()


def _wizard(qtbot, store: Store, name: str, password: str) -> SetupWizard:
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    v = wizard.village_page
    v.name_edit.setText("桃源村")
    v.code_edit.setText(make_uscc(random.Random(3)))
    v.township_edit.setText("石桥镇")
    v.county_edit.setText("平原县")
    wizard.groups_page.count_spin.setValue(2)
    wizard.groups_page.generate()
    a = wizard.admin_page
    a.name_edit.setText(name)
    a.password_edit.setText(password)
    a.password2_edit.setText(password)
    return wizard


@pytest.mark.parametrize(("password", "words"), [("123456", "至少要 8 位"), ("12345678", "太常见"),
                                                 ("woaini1314", "太常见"), ("        ", "全是空格")])
def test_a_weak_password_is_explained_under_the_password_field_and_nothing_is_created(qtbot, new_store,
                                                                                       password, words):
    wizard = _wizard(qtbot, new_store, "张会计", password)
    wizard.accept()
    assert wizard.currentId() == wizard.admin_id
    assert words in wizard.admin_page.password_error.text()
    assert wizard.admin_page.name_error.text() == ""
    assert wizard.result() == 0
    with new_store.read() as s:
        assert get_village(s) is None and count_users(s) == 0


def test_a_name_of_invisible_characters_only_is_explained_under_the_name_field(qtbot, new_store):
    wizard = _wizard(qtbot, new_store, "\u200b\u202e", "taoyuan-cun-2026")
    wizard.accept()
    qtbot.waitUntil(lambda: "用户名" in wizard.admin_page.name_error.text(), timeout=TASK_MS)
    assert wizard.currentId() == wizard.admin_id
    assert wizard.village_page.name_error.text() == ""  # not taken for the village's name
    with new_store.read() as s:
        assert get_village(s) is None and count_users(s) == 0


def test_the_administrator_is_created_with_the_name_as_people_read_it(qtbot, new_store):
    wizard = _wizard(qtbot, new_store, "ｚｈａｎｇ\u200b会计", "taoyuan-cun-2026")
    wizard.accept()
    qtbot.waitUntil(lambda: wizard.result_info is not None, timeout=TASK_MS)
    with new_store.read() as s:
        assert [u.name for u in list_users(s)] == ["zhang会计"]
    assert login_in_store(new_store, "ｚｈａｎｇ会计", "taoyuan-cun-2026").name == "zhang会计"
