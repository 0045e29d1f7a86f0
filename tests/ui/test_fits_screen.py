"""The main window fits a village office screen (1366x768) on every page, with a busy village's home screen:
its to-do and due lists scroll instead of making the window taller than the screen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QThreadPool  # noqa: E402

from app.demo import create_demo  # noqa: E402
from app.schema import open_store  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

SCREEN_HEIGHT = 768


@pytest.fixture
def looks(qapp):
    """The program's own font and style (as cunwu-desktop applies them), put back afterwards."""
    from ui.app import apply_look

    font, sheet = qapp.font(), qapp.styleSheet()
    yield lambda large: apply_look(qapp, large)
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


@pytest.mark.slow
def test_every_page_of_the_demo_village_fits_a_768_pixel_screen(qtbot, tmp_path, looks):
    looks(False)
    store = open_store(tmp_path / "data")
    create_demo(store, size="small")
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.resize(1366, SCREEN_HEIGHT)
    window.show()
    home = window.screen("home")
    qtbot.waitUntil(lambda: bool(home.due_buttons) and home.stats is not None, timeout=20_000)
    QThreadPool.globalInstance().waitForDone(5_000)
    too_tall = {}
    for key in ("home", "disclosure", "meetings", "certificates", "residents"):
        window.show_screen(key)
        QThreadPool.globalInstance().waitForDone(5_000)
        qtbot.wait(50)
        if window.minimumSizeHint().height() > SCREEN_HEIGHT:
            too_tall[key] = window.minimumSizeHint().height()
    assert too_tall == {}
    store.close()
