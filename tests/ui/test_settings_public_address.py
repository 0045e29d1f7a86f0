"""设置 (village): the township's public address, printed into notices' QR codes so a phone's camera opens the
township's check page (村民委员会组织法 Art. 30: villagers may check what is posted). Empty, the QR codes stay as
they were; something that is not an address is said under the field and not saved."""

from __future__ import annotations

import json
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ui.settings import SettingsScreen  # noqa: E402

TASK_MS = 20_000


def _saved(store) -> dict:
    path = store.data_dir / "settings.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def test_the_townships_address_is_checked_and_saved(qtbot, store, tmp_path):
    screen = SettingsScreen(store, actor="测试")
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    assert screen.address_edit.text() == ""
    screen.address_edit.setText("乡镇网站")
    screen.address_edit.editingFinished.emit()
    assert "不像网址" in screen.address_error.text() and screen.address_error.isVisible()
    assert "public_address" not in _saved(store)
    screen.address_edit.setText("xz.example.gov.cn/")
    screen.address_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: _saved(store).get("public_address") == "https://xz.example.gov.cn", timeout=TASK_MS)
    assert not screen.address_error.isVisible()
    screen.scroll.ensureWidgetVisible(screen.address_edit)
    screen.grab().save(str(tmp_path / "settings-public-address.png"))
    screen.address_edit.setText("")
    screen.address_edit.editingFinished.emit()
    qtbot.waitUntil(lambda: _saved(store).get("public_address") == "", timeout=TASK_MS)
