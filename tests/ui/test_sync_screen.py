"""The 同步 screen as the clerk uses it: the one-time key exchange, choosing the stick, exporting,
importing the township's receipt, and what happens when the stick is gone."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.events import Event  # noqa: E402
from app.hub.service import Hub, enroll, import_bundles, init_hub  # noqa: E402
from app.storage import Store  # noqa: E402
from app.sync import drives  # noqa: E402
from app.sync.drives import Drive  # noqa: E402
from app.keys import (ensure_village_key, trust_township, village_fingerprint, write_identity_file,  # noqa: E402
                           write_township_file)
from ui.sync import sync_screen  # noqa: E402
from ui.sync.sync_screen import Columns, SyncScreen  # noqa: E402

from conftest import Shown  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown

TASK_MS = 15_000


@pytest.fixture(autouse=True)
def no_sticks(monkeypatch: pytest.MonkeyPatch) -> None:
    """The test machine's own drives must not leak in; the remembered folder starts empty in every test."""
    monkeypatch.setattr(drives, "list_removable", lambda **_kw: [])
    monkeypatch.setattr(sync_screen, "_last_folder", None)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    h = init_hub(tmp_path / "township", "石桥镇")
    write_township_file(h.secrets.public, tmp_path / "石桥镇公钥.json")
    yield h
    h.close()


@pytest.fixture
def linked(store: Store, hub: Hub, tmp_path: Path) -> Hub:
    """The one-time exchange done with the core: the township knows the village and the village trusts it."""
    ensure_village_key(store.data_dir)
    write_identity_file(store.data_dir, tmp_path / "id.json", code=_code(store), name="柳林村", township="石桥镇")
    enroll(hub, tmp_path / "id.json")
    trust_township(store.data_dir, tmp_path / "石桥镇公钥.json")
    return hub


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    d = tmp_path / "U盘"
    d.mkdir()
    return d


def _code(store: Store) -> str:
    from app.people.service import get_village

    with store.read() as s:
        village = get_village(s)
    assert village is not None
    return village.code


def _head(store: Store) -> int:
    with store.read() as s:
        return s.scalar(select(func.max(Event.seq))) or 0


def _add_group(store: Store) -> None:
    from app.people.service import add_group

    with store.begin("文书") as s:
        add_group(s, "第三村民小组")


def _screen(qtbot, store: Store) -> SyncScreen:  # type: ignore[no-untyped-def]
    screen = SyncScreen(store)
    qtbot.addWidget(screen)
    screen.resize(1080, 800)
    screen.show()
    qtbot.waitUntil(lambda: screen.status is not None, timeout=TASK_MS)
    return screen


def _choose_folder(screen: SyncScreen, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(folder))
    screen.other_button.click()


def _export(qtbot, screen: SyncScreen, shown: Shown, full: bool = False) -> str:  # type: ignore[no-untyped-def]
    before = len(shown.info) + len(shown.warnings)
    (screen.full_button if full else screen.export_button).click()
    qtbot.waitUntil(lambda: len(shown.info) + len(shown.warnings) > before, timeout=TASK_MS)
    qtbot.waitUntil(screen.export_button.isEnabled, timeout=TASK_MS)
    return (shown.info + shown.warnings)[-1]


def _states(screen: SyncScreen) -> list[str]:
    m = screen.model
    return [m.data(m.index(r, Columns.STATE)) for r in range(m.rowCount())]


# ---------------------------------------------------------------- set-up


def test_without_a_township_key_the_screen_explains_the_set_up_and_does_not_export(qtbot, store, stick, shown,
                                                                                   monkeypatch):
    screen = _screen(qtbot, store)
    assert screen.setup_box.isVisible()
    assert screen.install_button.isVisible() and screen.identity_button.isVisible()
    assert screen.township_label.text() == "所属乡镇:还没有安装乡镇公钥"
    assert screen.not_sent_label.text() == "还没发给乡镇的记录:{n} 条".format(n=_head(store))
    _choose_folder(screen, stick, monkeypatch)
    screen.export_button.click()
    assert "还没有安装乡镇公钥" in shown.info[-1]
    assert list(stick.iterdir()) == []


def test_installing_the_township_key_asks_for_the_phone_check_then_shows_the_township(qtbot, store, hub, tmp_path,
                                                                                      shown, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "石桥镇公钥.json"), ""))
    screen = _screen(qtbot, store)
    screen.install_button.click()
    qtbot.waitUntil(lambda: screen.township_label.text() == "所属乡镇:石桥镇", timeout=TASK_MS)
    (asked,) = shown.questions
    assert hub.secrets.public.fingerprint in asked
    assert "请与乡镇电话核对这串数字" in asked
    assert not screen.setup_box.isVisible()
    assert screen.keys_box.isVisible()
    assert hub.secrets.public.fingerprint in screen.keys_label.text()


def test_a_fingerprint_that_does_not_match_on_the_phone_installs_nothing(qtbot, store, hub, tmp_path, shown,
                                                                         monkeypatch):
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(tmp_path / "石桥镇公钥.json"), ""))
    shown.answer = False
    screen = _screen(qtbot, store)
    screen.install_button.click()
    qtbot.waitUntil(lambda: bool(shown.info), timeout=TASK_MS)
    assert "没有安装这个公钥" in shown.info[-1]
    screen.refresh()
    qtbot.waitUntil(lambda: not screen._status_read.running, timeout=TASK_MS)
    assert screen.setup_box.isVisible()
    assert screen.status is not None and screen.status.township is None


def test_a_file_that_is_not_a_township_key_is_refused_in_plain_words(qtbot, store, tmp_path, shown, monkeypatch):
    wrong = tmp_path / "照片.json"
    wrong.write_text('{"format": "something-else"}', encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(wrong), ""))
    screen = _screen(qtbot, store)
    screen.install_button.click()
    qtbot.waitUntil(lambda: bool(shown.warnings), timeout=TASK_MS)
    assert "不是乡镇公钥文件" in shown.warnings[-1]
    assert shown.questions == []


def test_the_village_identity_file_is_one_the_township_can_enrol(qtbot, store, hub, tmp_path, shown, monkeypatch):
    target = tmp_path / "柳林村身份文件.json"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    screen = _screen(qtbot, store)
    screen.identity_button.click()
    qtbot.waitUntil(lambda: bool(shown.info), timeout=TASK_MS)
    fp = village_fingerprint(store.data_dir)
    assert fp in shown.info[-1]
    assert enroll(hub, target).identity.fingerprint == fp
    qtbot.waitUntil(lambda: fp in screen.setup_fingerprint.text(), timeout=TASK_MS)


# ---------------------------------------------------------------- export


def test_exporting_writes_one_bundle_and_leaves_nothing_to_send(qtbot, store, linked, stick, shown, monkeypatch):
    head = _head(store)
    screen = _screen(qtbot, store)
    assert screen.not_sent_label.text() == f"还没发给乡镇的记录:{head} 条"
    _choose_folder(screen, stick, monkeypatch)
    assert str(stick) in screen.drive_combo.currentText()

    said = _export(qtbot, screen, shown)
    (bundle,) = stick.glob("*.cunwu-sync")
    assert str(bundle) in said and "带到乡镇" in said
    qtbot.waitUntil(lambda: screen.not_sent_label.text() == "还没发给乡镇的记录:0 条", timeout=TASK_MS)
    assert screen.unconfirmed_label.text() == f"已导出但乡镇还没确认:{head} 条"
    assert bundle.name in screen.last_file_label.text()
    assert screen.model.rowCount() == 1
    assert _states(screen) == ["已导出"]
    assert screen.model.data(screen.model.index(0, Columns.RECORDS)) == f"第 1–{head} 号(共 {head} 条)"

    said = _export(qtbot, screen, shown)
    assert "上次导出以来没有新的变动,不需要导出" in said
    assert len(list(stick.glob("*.cunwu-sync"))) == 1


def test_a_stick_in_the_list_is_used_without_choosing_a_folder(qtbot, store, linked, stick, shown, monkeypatch):
    monkeypatch.setattr(drives, "list_removable", lambda **_kw: [Drive(stick, "KINGSTON", 7 * 1024 ** 3, 16 * 1024 ** 3)])
    screen = _screen(qtbot, store)
    qtbot.waitUntil(lambda: "KINGSTON" in screen.drive_combo.currentText(), timeout=TASK_MS)
    assert "剩余 7.0 GB" in screen.drive_combo.currentText()
    assert not screen.drive_message.isVisible()
    _export(qtbot, screen, shown)
    assert len(list(stick.glob("*.cunwu-sync"))) == 1


def test_without_any_stick_the_screen_says_how_to_get_one(qtbot, store, linked, shown):
    screen = _screen(qtbot, store)
    qtbot.waitUntil(lambda: screen.drive_message.isVisible(), timeout=TASK_MS)
    assert "没有找到U盘" in screen.drive_message.text()
    screen.export_button.click()
    assert "还没有选择U盘" in shown.info[-1]


def test_the_chosen_folder_is_remembered_while_the_program_runs(qtbot, store, linked, stick, monkeypatch):
    first = _screen(qtbot, store)
    _choose_folder(first, stick, monkeypatch)
    again = _screen(qtbot, store)
    qtbot.waitUntil(lambda: again.chosen_folder() == stick, timeout=TASK_MS)
    assert str(stick) in again.drive_combo.currentText()


def test_a_removed_folder_shows_the_message_and_changes_nothing(qtbot, store, linked, stick, shown, monkeypatch):
    head = _head(store)
    screen = _screen(qtbot, store)
    _choose_folder(screen, stick, monkeypatch)
    stick.rmdir()  # the stick was pulled out after it was chosen
    said = _export(qtbot, screen, shown)
    assert said.startswith("找不到文件夹") and str(stick) in said
    assert shown.warnings == [said]
    assert screen.export_message.isVisible() and screen.export_message.text() == said
    screen.refresh()
    qtbot.waitUntil(lambda: not screen._status_read.running, timeout=TASK_MS)
    assert screen.not_sent_label.text() == f"还没发给乡镇的记录:{head} 条"
    assert screen.model.rowCount() == 0 and screen.outbox_empty.isVisible()
    assert not stick.exists()


def test_exporting_everything_asks_first_and_then_starts_from_record_one(qtbot, store, linked, stick, shown,
                                                                         monkeypatch):
    head = _head(store)
    screen = _screen(qtbot, store)
    _choose_folder(screen, stick, monkeypatch)
    _export(qtbot, screen, shown)
    shown.answer = False
    screen.full_button.click()
    assert "乡镇" in shown.questions[-1] and "全部记录" in shown.questions[-1]
    assert len(list(stick.glob("*.cunwu-sync"))) == 1
    _add_group(store)
    shown.answer = True
    _export(qtbot, screen, shown, full=True)
    qtbot.waitUntil(lambda: screen.model.rowCount() == 2, timeout=TASK_MS)
    assert len(list(stick.glob("*.cunwu-sync"))) == 2
    assert screen.model.data(screen.model.index(0, Columns.RECORDS)) == f"第 1–{head + 1} 号(共 {head + 1} 条)"


# ---------------------------------------------------------------- receipts


def test_a_receipt_from_the_township_shows_what_is_confirmed(qtbot, store, linked, stick, shown, monkeypatch):
    head = _head(store)
    screen = _screen(qtbot, store)
    assert screen.confirmed_label.text() == "乡镇还没有确认过本村的记录"
    _choose_folder(screen, stick, monkeypatch)
    _export(qtbot, screen, shown)
    (bundle,) = stick.glob("*.cunwu-sync")
    _outcomes, (receipt,) = import_bundles(linked, [bundle], receipts=stick)

    opened_in: list[str] = []

    def pick(_parent, _title, folder, file_filter, *a, **k):  # type: ignore[no-untyped-def]
        opened_in.append(folder)
        assert "*.cunwu-receipt" in file_filter
        return str(receipt), file_filter

    monkeypatch.setattr(QFileDialog, "getOpenFileName", pick)
    screen.receipt_button.click()
    qtbot.waitUntil(lambda: screen.confirmed_label.text() == f"乡镇已确认到第 {head} 号记录", timeout=TASK_MS)
    assert opened_in == [str(stick)]
    assert f"新确认了 {head} 条记录" in shown.info[-1]
    assert screen.unconfirmed_label.text() == "已导出但乡镇还没确认:0 条"
    assert _states(screen) == ["乡镇已确认"]
    assert screen.last_receipt_label.text() != "上次导入回执:还没有导入过"


def test_a_receipt_from_another_township_is_refused_and_confirms_nothing(qtbot, store, linked, stick, tmp_path,
                                                                        shown, monkeypatch):
    screen = _screen(qtbot, store)
    _choose_folder(screen, stick, monkeypatch)
    _export(qtbot, screen, shown)
    from app.sync.receipt import write_receipt

    other = init_hub(tmp_path / "other", "别的镇")
    try:
        fake = write_receipt(other.secrets, tmp_path, village_code=_code(store), last_seq=1, head="0" * 64,
                             pending=[])
    finally:
        other.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(fake), ""))
    screen.receipt_button.click()
    qtbot.waitUntil(lambda: bool(shown.warnings), timeout=TASK_MS)
    assert screen.receipt_message.text() == shown.warnings[-1]
    qtbot.waitUntil(lambda: not screen._status_read.running, timeout=TASK_MS)
    assert screen.confirmed_label.text() == "乡镇还没有确认过本村的记录"
    assert _states(screen) == ["已导出"]


# ---------------------------------------------------------------- the window and the look


def test_the_main_window_shows_the_sync_screen(qtbot, store):
    from ui.main_window import MainWindow

    window = MainWindow(store)
    qtbot.addWidget(window)
    screen = window.show_screen("sync")
    assert isinstance(screen, SyncScreen)
    qtbot.waitUntil(lambda: screen.status is not None, timeout=TASK_MS)
    assert screen.not_sent_label.text().startswith("还没发给乡镇的记录")


def test_tab_goes_through_the_steps_in_the_order_they_are_done(qtbot, store, linked):
    screen = _screen(qtbot, store)
    wanted = [screen.drive_combo, screen.refresh_button, screen.other_button, screen.export_button,
              screen.full_button, screen.receipt_button, screen.table, screen.reinstall_button,
              screen.identity_again_button]
    reached, widget = [], screen.drive_combo
    for _step in range(200):
        if widget in wanted and widget not in reached:
            reached.append(widget)
        widget = widget.nextInFocusChain()
    assert reached == wanted
    assert all(w.focusPolicy() & Qt.FocusPolicy.TabFocus for w in wanted)


def test_large_text_makes_the_status_and_the_main_button_bigger(qtbot, store, qapp: QApplication):
    from PySide6.QtGui import QFont

    from ui.style import apply_style

    font, sheet = QFont(qapp.font()), qapp.styleSheet()
    try:
        ordinary = apply_style(qapp, False)
        screen = _screen(qtbot, store)
        qtbot.waitUntil(lambda: screen._styled_base == qapp.font().pointSize(), timeout=TASK_MS)
        small = (screen.not_sent_label.font().pointSize(), screen.export_button.font().pointSize())
        apply_style(qapp, True)
        qtbot.waitUntil(lambda: screen._styled_base == qapp.font().pointSize(), timeout=TASK_MS)
        large = (screen.not_sent_label.font().pointSize(), screen.export_button.font().pointSize())
        assert small[0] > ordinary and small[1] > ordinary  # big even in the ordinary size
        assert large[0] > small[0] and large[1] > small[1]
    finally:
        qapp.setFont(font)
        qapp.setStyleSheet(sheet)
