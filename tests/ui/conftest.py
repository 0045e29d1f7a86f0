"""UI tests collect Python's garbage on the GUI thread only, as the program does (ui/collector.py): a
worker thread collecting a Qt object can freeze the whole run."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp):
    from ui.collector import install

    collector = install(qapp)
    yield
    collector.stop()
