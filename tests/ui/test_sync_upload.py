"""The 同步 screen's 网络上传: the township's address, the last upload and its result, 立即上传, the upload after
each export, and the background schedule (every hour; after a failure 1, 2, 4 ... minutes times a random factor,
at most an hour; never two uploads at once). app/sync/upload.py, ui/sync/uploader.py."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.storage import Store  # noqa: E402
from app.sync import drives  # noqa: E402
from app.sync.models import RECEIPTED, OutboxEntry  # noqa: E402
from app.sync.upload import last_upload, township_url  # noqa: E402
from ui.sync import sync_screen  # noqa: E402
from ui.sync.sync_screen import SyncScreen  # noqa: E402
from ui.sync.uploader import Uploader, uploader_for  # noqa: E402

from conftest import Shown  # noqa: E402
from sync_helpers import Linked, link  # noqa: E402
from test_hub_server import free_port  # noqa: E402
from hub_serving import Running  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 20_000


@pytest.fixture(autouse=True)
def no_sticks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drives, "list_removable", lambda **_kw: [])
    monkeypatch.setattr(sync_screen, "_last_folder", None)


@pytest.fixture
def linked(store: Store, tmp_path: Path) -> Iterator[Linked]:
    lk = link(store, tmp_path)
    yield lk
    lk.hub.close()


@pytest.fixture
def served(linked: Linked) -> Iterator[tuple[Linked, Running]]:
    running = Running(linked.hub)
    yield linked, running
    running.stop()


def _screen(qtbot, store: Store) -> SyncScreen:  # type: ignore[no-untyped-def]
    screen = SyncScreen(store)
    qtbot.addWidget(screen)
    screen.resize(1280, 900)
    screen.show()
    qtbot.waitUntil(lambda: screen.status is not None and screen.upload_info is not None, timeout=TASK_MS)
    return screen


def _states(store: Store) -> list[str]:
    with store.read() as s:
        return [r.state for r in s.scalars(select(OutboxEntry).order_by(OutboxEntry.first_seq))]


def _idle(qtbot, screen: SyncScreen) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not screen.uploader.busy, timeout=TASK_MS)
    qtbot.waitUntil(lambda: not screen._upload_read.running and not screen._status_read.running, timeout=TASK_MS)


def test_the_address_is_saved_and_an_upload_shows_its_result(qtbot, served, shown: Shown):
    lk, server = served
    lk.add_residents("网上")
    screen = _screen(qtbot, lk.store)
    assert screen.url_edit.text() == "" and not screen.upload_button.isEnabled()
    assert "照常用U盘" in screen.network_hint.text()

    screen.url_edit.setText("  " + server.url + "/api/v1/bundles ")
    screen.url_button.click()
    assert township_url(lk.store.data_dir) == server.url
    qtbot.waitUntil(screen.upload_button.isEnabled, timeout=TASK_MS)
    assert screen.url_edit.text() == server.url and "已保存网址" in screen.upload_message.text()
    assert "上次上传:还没有上传过" == screen.last_upload_label.text()

    screen.upload_button.click()
    qtbot.waitUntil(lambda: bool(shown.info), timeout=TASK_MS)
    _idle(qtbot, screen)
    assert "已上传 1 个同步包" in shown.info[-1]
    assert _states(lk.store) == [RECEIPTED]
    last = last_upload(lk.store.data_dir)
    assert last is not None and last.ok
    label = screen.last_upload_label.text()
    assert label.startswith("上次上传:") and "已上传 1 个同步包" in label and last.when[:10] in label
    assert screen.model.rowCount() == 1 and "乡镇已确认" in screen.model.index(0, 3).data()
    assert screen.status is not None and screen.status.awaiting_receipt == 0 and screen.status.not_sent == 0


def test_a_wrong_address_is_refused_in_plain_words_and_nothing_is_saved(qtbot, linked, shown: Shown):
    screen = _screen(qtbot, linked.store)
    screen.url_edit.setText("xiangzhen.example.cn")
    screen.url_button.click()
    assert "http://" in screen.upload_message.text() and screen.upload_message.objectName() == "error"
    assert township_url(linked.store.data_dir) == ""
    assert not screen.upload_button.isEnabled()


def test_an_export_with_the_address_set_is_uploaded_at_once(qtbot, served, shown: Shown, monkeypatch, tmp_path):
    lk, server = served
    from app.sync.upload import set_township_url

    set_township_url(lk.store.data_dir, server.url)
    lk.add_residents("导出就传")
    screen = _screen(qtbot, lk.store)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(lk.stick))
    screen.other_button.click()
    screen.export_button.click()
    qtbot.waitUntil(lambda: _states(lk.store) == [RECEIPTED], timeout=TASK_MS)  # no 立即上传 pressed
    _idle(qtbot, screen)
    assert "通过网络上传" in shown.info[-1]   # the export's message says it goes over the network too
    assert "已上传 1 个同步包" in screen.last_upload_label.text()
    assert list(lk.stick.glob("*.cunwu-sync"))  # the stick still has its bundle: both roads stay open


def test_a_failed_upload_is_shown_and_tried_again_later_with_backoff(qtbot, linked, shown: Shown):
    from app.sync.upload import set_township_url

    set_township_url(linked.store.data_dir, f"http://127.0.0.1:{free_port()}")  # the township's server is down
    linked.add_residents("等网")
    uploader = Uploader(linked.store, random_factor=lambda: 1.0)
    results = []
    uploader.finished.connect(results.append)
    for n, minutes in enumerate((1, 2, 4, 8), start=1):
        assert uploader.upload(export=True) is not None
        assert uploader.upload(export=True) is None      # never two at once
        qtbot.waitUntil(lambda n=n: len(results) == n, timeout=TASK_MS)
        assert uploader.failures == n
        assert abs(uploader.next_in() - 60 * minutes) < 5    # 1, 2, 4, 8 minutes (factor 1.0 here)
    assert "连不上乡镇服务器" in results[-1].failure
    assert _states(linked.store) == ["exported"]
    last = last_upload(linked.store.data_dir)
    assert last is not None and not last.ok

    screen = _screen(qtbot, linked.store)
    assert screen.last_upload_label.objectName() == "error" and "连不上" in screen.last_upload_label.text()
    uploader.timer.stop()


def test_the_jitter_spreads_the_retries(qtbot, linked):
    from app.sync.upload import set_township_url

    set_township_url(linked.store.data_dir, f"http://127.0.0.1:{free_port()}")
    linked.add_residents("抖动")
    linked.export()
    factors = iter([0.5, 1.5])
    uploader = Uploader(linked.store, random_factor=lambda: next(factors))
    delays = []
    for _ in range(2):
        uploader.failures = 0
        done = []
        uploader.finished.connect(done.append)
        uploader.upload()
        qtbot.waitUntil(lambda done=done: bool(done), timeout=TASK_MS)
        delays.append(uploader.next_in())
        uploader.finished.disconnect()
    assert abs(delays[0] - 30) < 3 and abs(delays[1] - 90) < 3
    uploader.timer.stop()


def test_after_a_success_the_next_upload_is_in_an_hour(qtbot, served):
    lk, server = served
    from app.sync.upload import set_township_url

    set_township_url(lk.store.data_dir, server.url)
    lk.add_residents("每小时")
    uploader = Uploader(lk.store, random_factor=lambda: 1.0)
    uploader.failures = 3
    done = []
    uploader.finished.connect(done.append)
    uploader.upload(export=True)
    qtbot.waitUntil(lambda: bool(done), timeout=TASK_MS)
    assert done[0].ok and uploader.failures == 0
    assert abs(uploader.next_in() - 3600) < 5
    assert _states(lk.store) == [RECEIPTED]
    uploader.timer.stop()


def test_without_an_address_the_schedule_sends_nothing(qtbot, linked):
    linked.add_residents("没网址")
    uploader = uploader_for(linked.store)
    uploader.schedule(0.01)
    qtbot.waitUntil(lambda: uploader.next_in() > 1000, timeout=TASK_MS)  # looked, found no address, an hour again
    assert not uploader.busy and _states(linked.store) == []
    uploader.timer.stop()


def test_the_main_window_starts_the_background_uploads_only_after_its_first_minute(qtbot, linked, monkeypatch):
    """Opening the program sends nothing; the uploads begin after the delay."""
    import ui.sync
    from ui.main_window import MainWindow
    from ui.sync import uploader as uploader_module

    monkeypatch.setattr(ui.sync, "FIRST_UPLOAD_DELAY", 0.3)
    window = MainWindow(linked.store, actor="王文书")
    qtbot.addWidget(window)
    assert linked.store not in uploader_module._uploaders  # none yet
    qtbot.waitUntil(lambda: linked.store in uploader_module._uploaders, timeout=TASK_MS)
    found = uploader_module._uploaders[linked.store]
    qtbot.waitUntil(lambda: found.next_in() > 1000, timeout=TASK_MS)  # it looked (no address yet): an hour again
    found.timer.stop()
