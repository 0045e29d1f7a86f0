"""设置 (township): which villages' pages the public pages (``cunwu hub serve --public``) show.

A village whose box is not ticked gets, on its public address, only a page saying the township has not opened
it: its notices stay on the board in the village (村民委员会组织法 Art. 30 asks for the board; the web page is the
township's choice), and the township can open or close a village at any time.
"""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt, QThreadPool  # noqa: E402

from app.hub.public import public_off, village_page  # noqa: E402
from township_demo import ON_TIME, demo_village, township_copy  # noqa: E402
from ui.tasks import write_pool  # noqa: E402
from ui.township.start import open_township  # noqa: E402
from ui.township.window import SETTINGS, TownshipWindow  # noqa: E402

WAIT_MS = 60_000


@pytest.fixture
def window(qtbot, qapp, tmp_path: Path) -> Iterator[TownshipWindow]:  # type: ignore[no-untyped-def]
    data = township_copy(tmp_path / "data")
    hub = open_township(data)
    w = TownshipWindow(hub, data)
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    yield w
    w.close()
    QThreadPool.globalInstance().waitForDone(20_000)
    write_pool().waitForDone(20_000)
    hub.close()


def test_a_village_unticked_in_settings_has_no_public_page(qapp, qtbot, window, tmp_path):
    screen = window.show_screen(SETTINGS)
    qtbot.waitUntil(lambda: screen.public_list.count() > 0, timeout=WAIT_MS)
    items = {screen.public_list.item(i).data(Qt.ItemDataRole.UserRole): screen.public_list.item(i)
             for i in range(screen.public_list.count())}
    village = demo_village(ON_TIME)
    assert village.code in items and items[village.code].text() == village.name
    assert all(i.checkState() == Qt.CheckState.Checked for i in items.values())  # every page open at first
    items[village.code].setCheckState(Qt.CheckState.Unchecked)
    window.grab().save(str(tmp_path / "township-settings-public.png"))
    with qtbot.waitSignal(screen.saved, timeout=WAIT_MS):
        screen.save()
    assert public_off(window.hub) == {village.code}
    status, page = village_page(window.hub, village.code, "", dt.date.today())
    assert status == 200 and "乡镇还没有开通这个村的公开查询页面" in page
    # ticked again: the page is back
    items[village.code].setCheckState(Qt.CheckState.Checked)
    with qtbot.waitSignal(screen.saved, timeout=WAIT_MS):
        screen.save()
    assert public_off(window.hub) == set()
    assert "乡镇还没有开通" not in village_page(window.hub, village.code, "", dt.date.today())[1]
