"""设置 → 用户管理 as the administrator and a clerk meet it (GB/T 22239-2019, 安全计算环境 · 访问控制 a)
"应对登录的用户分配账户和权限", c) "应及时删除或停用多余的、过期的账户,避免共享账户的存在"): the list of users,
adding one, a reset password, a role, disabling; the last administrator refused in words; everyone's own
password; who is logged in in the status bar; 注销 back to the login; the home screen's to-do leads here."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import app.accounts.service as accounts  # noqa: E402
from app.accounts.service import add_user, list_users, login_in_store  # noqa: E402
from app.schema import Store  # noqa: E402
from ui.main_window import SETTINGS, MainWindow  # noqa: E402
from ui.users import AddUserDialog, ChangePasswordDialog, ResetPasswordDialog, RoleDialog, UsersPanel  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000
ADMIN_PW, CLERK_PW = "liulin-admin-2026", "xiaowang-wenshu"


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    original = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password, n=2**10: original(password, n=n))


@pytest.fixture
def village(store: Store) -> Store:
    with store.begin("系统") as s:
        add_user(s, "老张", "管理员", ADMIN_PW)
        add_user(s, "小王", "文书/会计", CLERK_PW)
    return store


def _user(store: Store, name: str) -> accounts.UserInfo:
    with store.read() as s:
        return next(u for u in list_users(s) if u.name == name)


def _window(qtbot, store: Store, name: str | None) -> MainWindow:
    user = _user(store, name) if name else None
    window = MainWindow(store, actor=name or "系统", user=user)
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    return window


def _panel(qtbot, window: MainWindow) -> UsersPanel:
    settings = window.show_screen(SETTINGS)
    panel = settings.users_panel  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: bool(panel.users), timeout=TASK_MS)
    return panel


def _rows(panel: UsersPanel) -> list[tuple[str, str, str]]:
    t = panel.table
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]  # type: ignore[misc]


def _finish(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    """Press the dialog's main button and wait until the service answered."""
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.running, timeout=TASK_MS)


def test_the_administrator_sees_every_user_with_role_and_state_and_adds_one(qtbot, village):
    window = _window(qtbot, village, "老张")
    panel = _panel(qtbot, window)
    assert panel.manage.isVisible()
    assert _rows(panel) == [("老张", "管理员", "可以使用"), ("小王", "文书/会计", "可以使用")]
    dialog = panel.add()
    assert isinstance(dialog, AddUserDialog) and dialog.isVisible()
    dialog.name_edit.setText("李主任")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("主任"))
    dialog.passwords.new_edit.setText("lizhuren-2026")
    dialog.passwords.repeat_edit.setText("lizhuren-2026")
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: ("李主任", "主任", "可以使用") in _rows(panel), timeout=TASK_MS)
    assert "已添加用户“李主任”" in panel.message.text()
    assert login_in_store(village, "李主任", "lizhuren-2026").role == "主任"


def test_two_different_passwords_are_refused_under_the_second_and_nothing_is_added(qtbot, village):
    panel = _panel(qtbot, _window(qtbot, village, "老张"))
    dialog = panel.add()
    dialog.name_edit.setText("李主任")
    dialog.passwords.new_edit.setText("lizhuren-2026")
    dialog.passwords.repeat_edit.setText("lizhuren-2062")
    dialog.ok_button.click()
    assert "两次输入的新密码不一样" in dialog.field_errors["repeat"].text()
    assert dialog.isVisible()
    dialog.passwords.repeat_edit.setText("lizhuren-2026")
    dialog.passwords.new_edit.setText("12345678")
    dialog.passwords.repeat_edit.setText("12345678")
    _finish(qtbot, dialog)
    assert "太常见" in dialog.field_errors["password"].text() and dialog.isVisible()
    with village.read() as s:
        assert [u.name for u in list_users(s)] == ["老张", "小王"]


def test_a_reset_password_and_a_new_role_take_effect(qtbot, village):
    panel = _panel(qtbot, _window(qtbot, village, "老张"))
    panel.select_user("小王")
    dialog = panel.reset_password()
    assert isinstance(dialog, ResetPasswordDialog)
    dialog.passwords.new_edit.setText("wang-new-2026")
    dialog.passwords.repeat_edit.setText("wang-new-2026")
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: "已重设“小王”的密码" in panel.message.text(), timeout=TASK_MS)
    assert login_in_store(village, "小王", "wang-new-2026").name == "小王"
    qtbot.waitUntil(lambda: panel.selected() is not None, timeout=TASK_MS)
    dialog = panel.change_role()
    assert isinstance(dialog, RoleDialog)
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("监委会"))
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: ("小王", "监委会", "可以使用") in _rows(panel), timeout=TASK_MS)


def test_a_disabled_user_is_shown_so_and_cannot_log_in_until_enabled(qtbot, village):
    panel = _panel(qtbot, _window(qtbot, village, "老张"))
    panel.select_user("小王")
    assert panel.disable_button.text() == "停用"
    panel.toggle_disabled()
    qtbot.waitUntil(lambda: ("小王", "文书/会计", "已停用") in _rows(panel), timeout=TASK_MS)
    assert "已停用“小王”" in panel.message.text()
    with pytest.raises(accounts.AccountError, match="已停用"):
        login_in_store(village, "小王", CLERK_PW)
    qtbot.waitUntil(lambda: panel.disable_button.text() == "启用", timeout=TASK_MS)
    panel.toggle_disabled()
    qtbot.waitUntil(lambda: ("小王", "文书/会计", "可以使用") in _rows(panel), timeout=TASK_MS)


def test_the_last_administrator_is_refused_in_plain_words_and_stays(qtbot, village):
    window = _window(qtbot, village, "老张")
    panel = _panel(qtbot, window)
    # disabling: the program refuses it for the administrator logged in and for the last one
    panel.select_user("老张")
    panel.toggle_disabled()
    qtbot.waitUntil(lambda: "最后一个管理员" in panel.message.text(), timeout=TASK_MS)
    dialog = panel.change_role()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("主任"))
    _finish(qtbot, dialog)
    assert "最后一个管理员,不能改为别的角色" in dialog.field_errors["role"].text()
    assert dialog.isVisible()
    dialog.reject()
    assert _user(village, "老张") == accounts.UserInfo(_user(village, "老张").id, "老张", "管理员", False)
    assert "当前用户:老张(管理员)" in window.user_label.text()


def test_a_clerk_sees_no_list_and_changes_their_own_password(qtbot, village):
    window = _window(qtbot, village, "小王")
    panel = _panel(qtbot, window)
    assert not panel.manage.isVisible()
    assert "只有管理员" in panel.note.text()
    assert "当前用户:小王(文书/会计)" in window.user_label.text()
    dialog = panel.change_own_password()
    assert isinstance(dialog, ChangePasswordDialog)
    dialog.old_edit.setText("not-my-password")
    dialog.passwords.new_edit.setText("wang-new-2026")
    dialog.passwords.repeat_edit.setText("wang-new-2026")
    _finish(qtbot, dialog)
    assert "原来的密码不对" in dialog.field_errors["old"].text() and dialog.isVisible()
    dialog.old_edit.setText(CLERK_PW)
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: "密码已修改" in panel.message.text(), timeout=TASK_MS)
    assert login_in_store(village, "小王", "wang-new-2026").name == "小王"


def test_the_status_bar_follows_a_change_of_the_own_role(qtbot, village):
    with village.begin("老张") as s:
        add_user(s, "李主任", "管理员", "lizhuren-2026", by="老张")
    window = _window(qtbot, village, "老张")
    panel = _panel(qtbot, window)
    panel.select_user("老张")
    dialog = panel.change_role()
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("主任"))
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: "当前用户:老张(主任)" in window.user_label.text(), timeout=TASK_MS)
    qtbot.waitUntil(lambda: not panel.manage.isVisible(), timeout=TASK_MS)  # no longer the administrator


def test_log_out_closes_the_window_and_the_login_opens_the_next_users_window(qtbot, village):
    from ui.app import Desktop, AutoBackup

    app = QApplication.instance()
    desktop = Desktop(app, village, AutoBackup(village))
    window = desktop.open_window("老张", _user(village, "老张"))
    qtbot.addWidget(window)
    assert window.logout_button.isVisible() and window.logout_button.text() == "注销"
    with qtbot.waitSignal(window.log_out_requested, timeout=TASK_MS):
        window.logout_button.click()
    assert not window.isVisible() and window.logged_out
    qtbot.waitUntil(lambda: desktop.login is not None and desktop.login.isVisible(), timeout=TASK_MS)
    login = desktop.login
    login.name_edit.setText("小王")
    login.password_edit.setText(CLERK_PW)
    login.login_button.click()
    qtbot.waitUntil(lambda: desktop.window is not None and desktop.window.isVisible(), timeout=TASK_MS)
    qtbot.addWidget(desktop.window)
    assert desktop.window is not window
    assert "当前用户:小王(文书/会计)" in desktop.window.user_label.text()
    assert desktop.window.actor == "小王"
    assert app.quitOnLastWindowClosed()


def test_without_users_the_home_to_do_leads_to_adding_the_first_administrator(qtbot, store):
    window = _window(qtbot, store, None)
    home = window.screen("home")
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)  # type: ignore[attr-defined]
    assert "还没有添加用户" in home.todo_label.text()  # type: ignore[attr-defined]
    assert "命令" not in home.todo_label.text()  # type: ignore[attr-defined]
    assert home.users_button.isVisible()  # type: ignore[attr-defined]
    assert not window.logout_button.isVisible()
    home.users_button.click()  # type: ignore[attr-defined]
    assert window.current_key() == SETTINGS
    panel = window.screen(SETTINGS).users_panel  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: panel.add_button.text() == "添加管理员…", timeout=TASK_MS)
    dialog = panel.add()
    assert [dialog.role_combo.itemData(i) for i in range(dialog.role_combo.count())] == ["管理员"]
    dialog.name_edit.setText("老张")
    dialog.passwords.new_edit.setText(ADMIN_PW)
    dialog.passwords.repeat_edit.setText(ADMIN_PW)
    _finish(qtbot, dialog)
    qtbot.waitUntil(lambda: _rows(panel) == [("老张", "管理员", "可以使用")], timeout=TASK_MS)
    # now there is someone to log in as: 登录 appears, and the page says how to manage users
    qtbot.waitUntil(window.logout_button.isVisible, timeout=TASK_MS)
    assert window.logout_button.text() == "登录"
    assert not panel.manage.isVisible() and "没有人登录" in panel.note.text()
