"""The search boxes on the demo village: the notices box's own example (低保) finds the 最低生活保障 notices, and
the notices, minutes and certificate register say under the box which other words they looked for.

村民委员会组织法 Art. 30 (what was disclosed may be inspected) and Art. 34 (the village archive kept orderly):
a clerk finds an old record by the word used in the office."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from app import demo  # noqa: E402
from app.disclosure.service import list_notices  # noqa: E402
from app.schema import open_store  # noqa: E402
from ui.certificates.screen import CertificatesScreen  # noqa: E402
from ui.disclosure.screen import NOTICES, DisclosureScreen  # noqa: E402
from ui.meetings.screen import MEETINGS, MeetingsScreen  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    store = open_store(tmp_path_factory.mktemp("synonym-ui") / "demo")
    demo.create_demo(store, size="small", seed=5)
    yield store
    store.close()


def test_the_notice_boxs_own_example_finds_the_最低生活保障_notices_and_says_so(qtbot, demo_store):
    screen = DisclosureScreen(demo_store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1366, 728)
    screen.show()
    panel = screen.notices
    qtbot.waitUntil(lambda: screen.context is not None and not panel.model.loading, timeout=TASK_MS)
    screen.show_tab(NOTICES)
    assert not panel.also_label.isVisible()
    with demo_store.read() as s:
        allowance = {n.title for n in list_notices(s) if "最低生活保障" in n.title}
    assert allowance

    example = panel.search_edit.placeholderText().rsplit("例如", 1)[1].strip()
    assert example == "低保"
    panel.search_edit.setText(example)
    panel.apply_filters()
    qtbot.waitUntil(lambda: not panel.model.loading and panel.model.query.text == example, timeout=TASK_MS)
    while panel.model.canFetchMore():
        panel.model.fetchMore()
        qtbot.waitUntil(lambda: not panel.model.loading, timeout=TASK_MS)
    assert allowance <= {r.title for r in panel.model.rows}
    assert panel.also_label.isVisible() and panel.also_label.text() == "同时查找了“最低生活保障”"

    panel.search_edit.setText("村道")  # no short form: nothing more is said
    panel.apply_filters()
    qtbot.waitUntil(lambda: not panel.model.loading and panel.model.query.text == "村道", timeout=TASK_MS)
    assert not panel.also_label.isVisible()


def test_minutes_and_the_certificate_register_say_which_other_words_they_looked_for(qtbot, demo_store):
    meetings = MeetingsScreen(demo_store, actor="王文书")
    qtbot.addWidget(meetings)
    meetings.resize(1366, 728)
    meetings.show()
    qtbot.waitUntil(lambda: meetings.context is not None and not meetings.meetings.model.loading, timeout=TASK_MS)
    meetings.show_tab(MEETINGS)
    panel = meetings.meetings
    panel.search_edit.setText("筹资筹劳")
    panel.apply_filters()
    qtbot.waitUntil(lambda: not panel.model.loading and panel.model.query.text == "筹资筹劳", timeout=TASK_MS)
    assert panel.model.total > 0
    assert panel.also_label.isVisible() and panel.also_label.text() == "同时查找了“一事一议”"

    certs = CertificatesScreen(demo_store, actor="王文书")
    qtbot.addWidget(certs)
    certs.resize(1366, 728)
    certs.show()
    register = certs.register_panel
    certs.tabs.setCurrentWidget(register)
    qtbot.waitUntil(lambda: certs.context is not None and not register.model.loading, timeout=TASK_MS)
    register.year_combo.setCurrentIndex(register.year_combo.findData(None))  # 全部年份
    assert "低保" in register.applicant_edit.placeholderText()
    register.applicant_edit.setText("低保")
    register.apply_filters()
    qtbot.waitUntil(lambda: not register.model.loading and register.model.query.applicant == "低保", timeout=TASK_MS)
    assert register.model.total > 0
    assert all("最低生活保障" in r.purpose or "低保" in r.purpose for r in register.model.rows)
    assert register.also_label.isVisible() and register.also_label.text() == "同时查找了“最低生活保障”"
