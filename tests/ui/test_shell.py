"""The desktop shell as the clerk meets it: first-run wizard, login, main window, home, settings, start-up."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QFont  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QWidget, QWizard  # noqa: E402

import app.accounts.service as accounts  # noqa: E402
from app.accounts.service import add_user, count_users, list_users, login_in_store  # noqa: E402
from app.backup import list_backups, make_backup  # noqa: E402
from app.people.service import ResidentInput, add_resident, assign_role, get_village, init_village, list_groups  # noqa: E402
from app.people.uscc import make_uscc  # noqa: E402
from app.schema import Store, open_store  # noqa: E402
from ui.app import AutoBackup, daily_backup, main  # noqa: E402
from ui.home import HomeScreen  # noqa: E402
from ui.login import LoginDialog  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402
from ui.placeholder import PlaceholderScreen  # noqa: E402
from ui.settings import SettingsScreen  # noqa: E402
from ui.setup_wizard import SetupWizard, chinese_number, default_group_names  # noqa: E402

from conftest import make_id  # noqa: E402

TASK_MS = 15_000
SECTIONS = ["首页", "村务公开", "会议记录", "证明开具", "村民信息", "同步", "设置"]
# name, birth date, sequence number (odd: man), party member, representative
PEOPLE = [
    ("张三", dt.date(1958, 3, 1), 11, True, False),
    ("李四", dt.date(1985, 7, 9), 21, False, True),
    ("王小红", dt.date(1992, 12, 30), 32, True, True),
    ("赵大勇", dt.date(2015, 1, 5), 41, False, False),
    ("孙丽", dt.date(1970, 6, 6), 52, False, False),
]


def good_code() -> str:
    return make_uscc(random.Random(1))


def bad_code() -> str:
    code = good_code()
    return code[:-1] + ("0" if code[-1] != "0" else "1")


@pytest.fixture(autouse=True)
def cheap_passwords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real scrypt cost is most of a second per hash; the stored hash names its cost, so login still checks it."""
    original = accounts.hash_password
    monkeypatch.setattr(accounts, "hash_password", lambda password, n=2**10: original(password, n=n))


@pytest.fixture(autouse=True)
def dialogs_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """A message box would block the test; record what it would have said."""
    shown: list[str] = []
    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


@pytest.fixture(autouse=True)
def app_look(qapp: QApplication) -> Iterator[None]:
    """大字模式 and main() change the whole application's font: give it back as it was."""
    font, sheet = QFont(qapp.font()), qapp.styleSheet()
    yield
    qapp.setFont(font)
    qapp.setStyleSheet(sheet)


def _village(path: Path) -> Store:
    store = open_store(path)
    with store.begin("测试") as s:
        init_village(s, name="柳林村", code=good_code(), township="石桥镇", county="平原县",
                     groups=["第一村民小组", "第二村民小组"])
        groups = [g.id for g in list_groups(s)]
        ids = []
        for i, (name, birth, seq, party, rep) in enumerate(PEOPLE):
            r = add_resident(s, ResidentInput(name=name, id_number=make_id(birth, seq), group_id=groups[i % 2],
                                              party_member=party, representative=rep))
            ids.append(r.id)
        assign_role(s, resident_id=ids[0], body="村民委员会", title="主任", term_start=dt.date(2021, 1, 1))
    return store


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Store]:
    store = _village(tmp_path / "village")
    yield store
    store.close()


@pytest.fixture
def empty_store(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "empty")
    yield store
    store.close()


def _window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, actor="测试")
    qtbot.addWidget(window)
    window.show()
    return window


def _texts(widget: QWidget) -> str:
    return "\n".join(label.text() for label in widget.findChildren(QLabel))


def _loaded_home(qtbot, window: MainWindow) -> HomeScreen:  # type: ignore[no-untyped-def]
    home = window.screen("home")
    assert isinstance(home, HomeScreen)
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)
    return home


# ---------------------------------------------------------------- main window

def test_sidebar_lists_the_seven_parts_and_clicking_settings_opens_settings(qtbot, village):
    window = _window(qtbot, village)
    items = [window.sidebar.item(i).text() for i in range(window.sidebar.count())]
    assert items == SECTIONS
    rect = window.sidebar.visualItemRect(window.sidebar.item(6))
    qtbot.mouseClick(window.sidebar.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    screen = window.stack.currentWidget()
    assert isinstance(screen, SettingsScreen)
    qtbot.waitUntil(lambda: screen.name_edit.text() == "柳林村", timeout=TASK_MS)
    assert screen.code_edit.text() == good_code()
    assert screen.code_edit.isReadOnly()


def test_window_title_names_the_village_and_status_bar_shows_data_dir_and_log_head(qtbot, village):
    window = _window(qtbot, village)
    qtbot.waitUntil(lambda: window.windowTitle() == "村务 — 柳林村", timeout=TASK_MS)
    qtbot.waitUntil(lambda: "操作日志" in window.head_label.text(), timeout=TASK_MS)
    assert str(village.data_dir) in window.dir_label.text()
    # the village, two groups, five residents and one role: nine events so far
    assert "第 9 条" in window.head_label.text()


def test_ctrl_and_a_number_switches_screens(qtbot, village):
    window = _window(qtbot, village)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TASK_MS)
    qtbot.keyClick(window, Qt.Key.Key_7, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "settings"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_key() == "home"
    assert isinstance(window.stack.currentWidget(), HomeScreen)


def test_every_part_of_the_sidebar_opens_a_real_screen(qtbot, village):
    window = _window(qtbot, village)
    for section in window.sections:
        screen = window.show_screen(section.key)
        assert window.stack.currentWidget() is screen
        assert not isinstance(screen, PlaceholderScreen), section.title


def test_the_window_reopens_on_the_last_screen_and_size(qtbot, village):
    window = _window(qtbot, village)
    window.show_screen("settings")
    window.resize(720, 520)
    window.close()
    again = _window(qtbot, village)
    assert again.current_key() == "settings"
    assert isinstance(again.stack.currentWidget(), SettingsScreen)
    assert (again.width(), again.height()) == (720, 520)
    assert (village.data_dir / "window.ini").exists()


# ---------------------------------------------------------------- home

def test_home_shows_the_real_numbers_of_the_village(qtbot, village):
    window = _window(qtbot, village)
    home = _loaded_home(qtbot, window)
    numbers = {key: card.number.text() for key, card in home.cards.items()}
    assert numbers == {"residents": "5", "households": "0", "groups": "2", "adults": "4",
                       "party_members": "2", "representatives": "2", "roles": "1"}
    text = _texts(home)
    assert "柳林村" in text
    assert good_code() in text


def test_home_lists_only_real_to_dos_and_says_when_there_are_none(qtbot, village):
    window = _window(qtbot, village)
    home = _loaded_home(qtbot, window)
    assert "还没有添加用户" in home.todo_label.text()
    assert "今天还没有备份" in home.todo_label.text()

    with village.begin("测试") as s:
        add_user(s, "张会计", "管理员", "secret123")
    make_backup(village.db_path, village.backup_dir, kind="daily")
    home.stats = None
    home.refresh()
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)
    assert home.todo_label.text() == "暂无待办事项"


def test_home_on_a_store_without_a_village_says_so(qtbot, empty_store):
    window = _window(qtbot, empty_store)
    home = _loaded_home(qtbot, window)
    assert "还没有建立本村资料" in _texts(home)
    assert home.cards["residents"].number.text() == "0"


# ---------------------------------------------------------------- settings

def _settings(qtbot, store: Store) -> SettingsScreen:  # type: ignore[no-untyped-def]
    screen = SettingsScreen(store, actor="测试")
    qtbot.addWidget(screen)
    screen.show()
    screen.refresh()
    qtbot.waitUntil(lambda: screen.name_edit.text() != "", timeout=TASK_MS)
    return screen


def test_large_text_mode_makes_the_whole_program_larger_and_is_remembered(qtbot, village, qapp):
    screen = _settings(qtbot, village)
    before = qapp.font().pointSize()
    screen.large_text_check.setChecked(True)
    assert qapp.font().pointSize() > before
    assert qapp.font().pointSize() >= 16
    settings_file = village.data_dir / "settings.json"
    qtbot.waitUntil(lambda: settings_file.exists()
                    and json.loads(settings_file.read_text(encoding="utf-8")).get("large_text") is True,
                    timeout=TASK_MS)
    screen.large_text_check.setChecked(False)
    assert qapp.font().pointSize() == 12


def test_saving_the_profile_changes_the_village_and_the_window_title(qtbot, village):
    window = _window(qtbot, village)
    screen = window.show_screen("settings")
    assert isinstance(screen, SettingsScreen)
    qtbot.waitUntil(lambda: screen.name_edit.text() == "柳林村", timeout=TASK_MS)
    screen.name_edit.setText("柳林新村")
    screen.hotline_edit.setText("0531-12345678")
    screen.save_button.click()
    qtbot.waitUntil(lambda: window.windowTitle() == "村务 — 柳林新村", timeout=TASK_MS)
    with village.read() as s:
        v = get_village(s)
    assert (v.name, v.hotline, v.code) == ("柳林新村", "0531-12345678", good_code())


def test_an_empty_village_name_is_refused_next_to_the_field(qtbot, village):
    screen = _settings(qtbot, village)
    screen.name_edit.setText("  ")
    screen.save_button.click()
    qtbot.waitUntil(lambda: screen.errors["name"].text() != "", timeout=TASK_MS)
    assert "村名" in screen.errors["name"].text()
    with village.read() as s:
        assert get_village(s).name == "柳林村"


def test_backup_now_and_to_a_usb_stick(qtbot, village, tmp_path, monkeypatch):
    screen = _settings(qtbot, village)
    assert screen.backup_list.item(0).text() == "还没有备份"
    screen.backup_button.click()
    qtbot.waitUntil(lambda: "备份完成" in screen.backup_message.text(), timeout=TASK_MS)
    assert [b.kind for b in list_backups(village.backup_dir)] == ["manual"]
    assert "手动备份" in screen.backup_list.item(0).text()

    stick = tmp_path / "U盘"
    stick.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(stick))
    # both buttons stay disabled until the first backup has completely finished
    qtbot.waitUntil(screen.usb_button.isEnabled, timeout=TASK_MS)
    screen.usb_button.click()
    qtbot.waitUntil(lambda: str(stick) in screen.backup_message.text(), timeout=TASK_MS)
    assert len(list_backups(stick)) == 1


def test_a_backup_that_cannot_be_written_says_why(qtbot, village, tmp_path, monkeypatch, dialogs_shown):
    screen = _settings(qtbot, village)
    not_a_folder = tmp_path / "file.txt"
    not_a_folder.write_text("x")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(not_a_folder))
    screen.usb_button.click()
    qtbot.waitUntil(lambda: screen.backup_message.text() != "", timeout=TASK_MS)
    assert "备份没有保存" in screen.backup_message.text()
    assert dialogs_shown == [screen.backup_message.text()]
    assert screen.usb_button.isEnabled()


# ---------------------------------------------------------------- first-run wizard

def _fill_wizard(wizard: SetupWizard, code: str) -> None:
    v = wizard.village_page
    v.name_edit.setText("桃源村")
    v.code_edit.setText(code)
    v.township_edit.setText("石桥镇")
    v.county_edit.setText("平原县")
    wizard.groups_page.count_spin.setValue(3)
    wizard.groups_page.generate()
    a = wizard.admin_page
    a.name_edit.setText("张会计")
    a.password_edit.setText("secret123")
    a.password2_edit.setText("secret123")


def test_a_wrong_code_is_explained_under_the_field_and_nothing_is_created(qtbot, empty_store):
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_wizard(wizard, bad_code())
    assert "统一社会信用代码" in wizard.village_page.code_error.text()  # shown while typing
    wizard.next()
    assert wizard.currentId() == wizard.village_id
    wizard.next()
    assert wizard.currentId() == wizard.village_id  # 下一步 does not leave the page with a wrong code
    wizard.accept()
    assert wizard.currentId() == wizard.village_id
    assert "核对" in wizard.village_page.code_error.text()
    assert wizard.result() == 0
    with empty_store.read() as s:
        assert get_village(s) is None
        assert count_users(s) == 0


def test_a_right_code_is_confirmed_while_typing(qtbot, empty_store):
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.village_page.code_edit.setText(good_code().lower())
    assert wizard.village_page.code_error.text().startswith("代码正确")


def test_mismatched_passwords_stop_the_wizard_on_the_admin_page(qtbot, empty_store):
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_wizard(wizard, good_code())
    wizard.admin_page.password2_edit.setText("secret124")
    wizard.accept()
    assert wizard.currentId() == wizard.admin_id
    assert "两次输入的密码不一样" in wizard.admin_page.password2_error.text()
    with empty_store.read() as s:
        assert get_village(s) is None


def test_the_wizard_creates_the_village_its_groups_and_the_administrator(qtbot, empty_store):
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.show()
    _fill_wizard(wizard, good_code())
    for _page in range(3):
        wizard.next()
    assert wizard.currentId() == wizard.admin_id
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: wizard.result_info is not None, timeout=TASK_MS)
    assert wizard.result() == 1
    with empty_store.read() as s:
        v = get_village(s)
        assert (v.name, v.code, v.township, v.county) == ("桃源村", good_code(), "石桥镇", "平原县")
        assert [g.name for g in list_groups(s)] == ["第一村民小组", "第二村民小组", "第三村民小组"]
        assert [(u.name, u.role) for u in list_users(s)] == [("张会计", "管理员")]
    assert login_in_store(empty_store, "张会计", "secret123").name == "张会计"


def test_group_names_are_counted_in_chinese():
    assert [chinese_number(n) for n in (1, 8, 10, 11, 20, 21, 99)] == ["一", "八", "十", "十一", "二十", "二十一", "九十九"]
    assert default_group_names(8)[-1] == "第八村民小组"


def test_duplicate_group_names_are_refused(qtbot, empty_store):
    wizard = SetupWizard(empty_store)
    qtbot.addWidget(wizard)
    wizard.groups_page.set_names(["第一村民小组", "第一村民小组"])
    assert not wizard.groups_page.validatePage()
    assert "重复" in wizard.groups_page.error_label.text()


# ---------------------------------------------------------------- login

def test_login_shows_a_wrong_password_inline_and_lets_the_right_one_in(qtbot, village):
    with village.begin("测试") as s:
        add_user(s, "张会计", "管理员", "secret123")
    dialog = LoginDialog(village, village_name="柳林村")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("张会计")
    dialog.password_edit.setText("wrong-one")
    dialog.login_button.click()
    qtbot.waitUntil(lambda: "用户名或密码不对" in dialog.error_label.text(), timeout=TASK_MS)
    assert dialog.user is None

    # right away again: the wait after a failure is refused with how long to wait
    qtbot.waitUntil(dialog.login_button.isEnabled, timeout=TASK_MS)
    dialog.password_edit.setText("secret123")
    dialog.login_button.click()
    qtbot.waitUntil(lambda: "秒后再试" in dialog.error_label.text(), timeout=TASK_MS)
    assert dialog.user is None


def test_login_with_the_right_password_accepts(qtbot, village):
    with village.begin("测试") as s:
        add_user(s, "张会计", "管理员", "secret123")
    dialog = LoginDialog(village)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("张会计")
    dialog.password_edit.setText("secret123")
    with qtbot.waitSignal(dialog.accepted, timeout=TASK_MS):
        dialog.login_button.click()
    assert dialog.user is not None and dialog.user.role == "管理员"


# ---------------------------------------------------------------- daily backup

def test_the_daily_backup_is_made_once_a_day(village):
    first = daily_backup(village)
    assert first is not None and first.kind == "daily"
    assert daily_backup(village) is None
    assert len(list_backups(village.backup_dir)) == 1


def test_a_failed_daily_backup_is_reported_not_raised(qtbot, village):
    village.backup_dir.parent.mkdir(parents=True, exist_ok=True)
    village.backup_dir.write_text("a file where the backup folder should be")
    auto = AutoBackup(village)
    with qtbot.waitSignal(auto.done, timeout=TASK_MS) as signal:
        auto.check()
    message, ok = signal.args
    assert not ok
    assert "自动备份没有完成" in message


# ---------------------------------------------------------------- start-up

def test_smoke_opens_the_main_window_on_a_village_and_exits_0(tmp_path, capsys):
    store = _village(tmp_path / "smoke")
    store.close()
    assert main(["--smoke", "--data-dir", str(tmp_path / "smoke")]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert "柳林村" in out[0] and "5" in out[0]
    # --smoke skips the start-up backup
    assert list_backups(tmp_path / "smoke" / "backups") == []


def test_a_village_folder_starts_without_the_township_hubs_database_code(tmp_path):
    """The usual start learns the folder is a village's from its own store: SQLAlchemy and the hub's code (0.2 to
    0.4 s to load) are not loaded before the home screen's numbers, so the window shows that much sooner."""
    import subprocess
    import sys

    store = _village(tmp_path / "v")
    store.close()
    script = ("import sys; from ui.app import main; code = main(['--smoke', '--data-dir', sys.argv[1]]); "
              "print('loaded:', sorted(m for m in ('sqlalchemy', 'app.hub.service') if m in sys.modules)); "
              "sys.exit(code)")
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "v")], capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).resolve().parents[2],
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert "柳林村" in done.stdout
    assert "loaded: []" in done.stdout


def test_a_folder_holding_only_a_township_hub_opens_the_township_program(tmp_path, capsys, qapp):
    from app.hub.service import init_hub

    init_hub(tmp_path / "t", "石桥镇").close()
    font, sheet = qapp.font(), qapp.styleSheet()
    try:
        assert main(["--smoke", "--data-dir", str(tmp_path / "t")]) == 0  # no --township
    finally:
        qapp.setStyleSheet(sheet)
        qapp.setFont(font)
    assert "乡镇程序已打开" in capsys.readouterr().out


def test_smoke_on_a_damaged_database_exits_non_zero_with_a_message(tmp_path, capsys):
    d = tmp_path / "damaged"
    d.mkdir()
    (d / "cunwu.sqlite3").write_bytes(random.Random(3).randbytes(64 * 1024))
    assert main(["--smoke", "--data-dir", str(d)]) != 0
    err = capsys.readouterr().err
    assert "错误" in err and "cunwu.sqlite3" in err


def test_smoke_on_a_folder_without_data_does_not_create_any(tmp_path, capsys):
    d = tmp_path / "nothing"
    assert main(["--smoke", "--data-dir", str(d)]) != 0
    assert not (d / "cunwu.sqlite3").exists()
    assert "没有找到村务数据" in capsys.readouterr().err


def test_every_sidebar_entry_fits_in_both_text_sizes(qtbot, village, qapp):
    from ui.style import apply_style

    window = _window(qtbot, village)
    for large in (False, True):
        apply_style(qapp, large)
        qtbot.waitUntil(lambda: window.sidebar.width() > max(
            window.sidebar.fontMetrics().horizontalAdvance(t) for t in SECTIONS), timeout=TASK_MS)


def test_start_up_asks_for_a_login_only_when_there_are_users(qtbot, village, monkeypatch):
    from ui import app as desktop

    asked: list[str] = []

    def fake_exec(dialog: LoginDialog) -> int:
        asked.append(dialog.windowTitle())
        dialog.user = accounts.UserInfo(1, "张会计", "管理员")
        return 1

    monkeypatch.setattr(LoginDialog, "exec", fake_exec)
    facts = desktop.run_and_wait(lambda _ctx: desktop.start_facts(village))
    assert desktop._first_run_or_login(village, facts, demo=False) == (0, "系统")
    assert asked == []

    with village.begin("测试") as s:
        add_user(s, "张会计", "管理员", "secret123")
    facts = desktop.run_and_wait(lambda _ctx: desktop.start_facts(village))
    assert desktop._first_run_or_login(village, facts, demo=True) == (0, "张会计")
    assert len(asked) == 1


def test_start_up_with_demo_fills_an_empty_store_without_wizard_or_login(qtbot, empty_store, monkeypatch):
    from ui import app as desktop

    monkeypatch.setattr(SetupWizard, "exec", lambda _self: pytest.fail("the wizard must not open with --demo"))
    monkeypatch.setattr(LoginDialog, "exec", lambda _self: pytest.fail("the demo has no users to log in"))
    facts = desktop.run_and_wait(lambda _ctx: desktop.start_facts(empty_store))
    assert facts.village is None
    assert desktop._first_run_or_login(empty_store, facts, demo=True) == (0, "系统")
    with empty_store.read() as s:
        assert get_village(s) is not None
        assert count_users(s) == 0


def test_qt_own_buttons_speak_chinese(qtbot):
    from PySide6.QtCore import QCoreApplication

    from ui.app import _install_qt_translation

    from PySide6.QtCore import QLocale

    app = QApplication.instance()
    before = QLocale()
    _install_qt_translation(app)
    try:
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
        assert QCoreApplication.translate("QFileDialog", "Open") == "打开"
    finally:
        app.removeTranslator(app._cunwu_qt_gaps)
        app.removeTranslator(app._cunwu_qt_translator)
        QLocale.setDefault(before)


def test_disclosure_numbers_set_on_the_settings_screen_change_the_catalogue_in_use(qtbot, village):
    from app.disclosure.service import village_catalogue

    screen = _settings(qtbot, village)
    assert screen.threshold_spin.value() == 1000
    screen.threshold_spin.setValue(2500)
    screen.threshold_spin.editingFinished.emit()
    screen.monthly_check.setChecked(True)

    def saved() -> bool:
        s = village_catalogue(village.data_dir).settings
        return s.get("finance_threshold") == "2500" and s.get("finance_monthly") is True

    qtbot.waitUntil(saved, timeout=TASK_MS)
    catalogue = village_catalogue(village.data_dir)
    monthly = [i.code for i in catalogue.applicable(catalogue.settings) if i.finance and i.frequency == "monthly"]
    assert monthly  # 财务收支 now falls due every month
    again = _settings(qtbot, village)
    assert again.threshold_spin.value() == 2500 and again.monthly_check.isChecked()


def test_settings_warns_when_no_hotline_is_set_and_stops_warning_once_typed(qtbot, village):
    # a notice without a 监督电话 leaves out "或拨打监督电话": the clerk is told where the number is typed
    window = _window(qtbot, village)
    screen = window.show_screen("settings")
    assert isinstance(screen, SettingsScreen)
    qtbot.waitUntil(lambda: screen.name_edit.text() == "柳林村", timeout=TASK_MS)
    assert screen.hotline_edit.text() == ""
    assert screen.hotline_warning.isVisibleTo(screen)
    assert "监督电话" in screen.hotline_warning.text()
    screen.hotline_edit.setText("0531-12345678")
    assert not screen.hotline_warning.isVisibleTo(screen)
