"""The screens for who counts at a meeting: the resident dialog's 预备党员 box, and the 签到 step's 列席 rows.

《中国共产党章程》第七条: "预备党员的权利,除了没有表决权、选举权和被选举权以外,也同正式党员一样。" A probationary
member is not also a full 党员; the dialog says so at once, and the service refuses the two together.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import random  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import QDate  # noqa: E402
from shiboken6 import isValid  # noqa: E402

from app.meetings.service import MeetingInput, create_meeting, get_meeting  # noqa: E402
from app.people.service import ResidentInput, ResidentQuery, add_resident, init_village, search_residents  # noqa: E402
from app.people.uscc import make_uscc  # noqa: E402
from app.schema import Store, open_store  # noqa: E402
from ui.people.resident_dialog import ResidentDialog  # noqa: E402

TIMEOUT = 10_000


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "v")
    with store.begin("测试") as s:
        init_village(s, name="柳林村", code=make_uscc(random.Random(2)), township="石桥镇", groups=["一组"])
        for n in range(1, 5):
            add_resident(s, ResidentInput(name=f"党员{n}", sex="男", birth_date=dt.date(1970, 1, n), party_member=True))
        add_resident(s, ResidentInput(name="新党员", sex="女", birth_date=dt.date(1998, 3, 3), probationary=True,
                                      probation_since=dt.date(2026, 1, 10)))
    yield store
    store.close()


def _people(store: Store) -> dict[str, object]:
    with store.read() as s:
        return {r.name: r for r in search_residents(s, ResidentQuery(), limit=100)}


def test_the_dialog_saves_a_probationary_member_with_the_date_admitted(qtbot, village: Store) -> None:
    dialog = ResidentDialog(village)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("预备甲")
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("男"))
    dialog.birth_edit.setDate(QDate(1996, 5, 6))
    assert not dialog.probation_edit.isEnabled()
    dialog.probationary_check.setChecked(True)
    assert dialog.probation_edit.isEnabled()
    dialog.probation_edit.setDate(QDate(2025, 12, 20))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=TIMEOUT)
    saved = _people(village)["预备甲"]
    assert (saved.party_member, saved.probationary, saved.probation_since) == (False, True, dt.date(2025, 12, 20))


def test_ticking_both_boxes_is_said_plainly_and_nothing_is_saved(qtbot, village: Store) -> None:
    dialog = ResidentDialog(village)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name_edit.setText("两头")
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("男"))
    dialog.birth_edit.setDate(QDate(1990, 5, 6))
    dialog.party_check.setChecked(True)
    dialog.probationary_check.setChecked(True)
    assert "只能选一个" in dialog.error_text("probationary")  # at once, before saving
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled(), timeout=TIMEOUT)
    assert "预备党员还不是正式党员" in dialog.error_text("probationary")
    assert dialog.isVisible() and "两头" not in _people(village)
    dialog.party_check.setChecked(False)
    assert dialog.error_text("probationary") == ""


def test_editing_a_probationary_member_shows_the_box_and_date(qtbot, village: Store) -> None:
    row = _people(village)["新党员"]
    dialog = ResidentDialog(village, row)
    qtbot.addWidget(dialog)
    assert dialog.probationary_check.isChecked() and not dialog.party_check.isChecked()
    assert dialog.probation_edit.date() == QDate(2026, 1, 10) and dialog.probation_edit.isEnabled()


def test_the_attendance_step_lists_a_probationary_member_as_attending_without_a_vote(qtbot, village: Store) -> None:
    from ui.meetings.model import AttendanceColumns
    from ui.meetings.screen import MeetingsScreen

    with village.begin("测试") as s:
        mid = create_meeting(s, MeetingInput(kind="党员大会", title="党员大会", date=dt.date(2026, 6, 1),
                                             chair="党员1", recorder="党员2")).id
    from ui.meetings.editor import ATTEND

    screen = MeetingsScreen(village, actor="测试")
    qtbot.addWidget(screen)
    screen.resize(1366, 768)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.meetings.model.loading, timeout=TIMEOUT)
    screen.open_meeting(mid, ATTEND)
    qtbot.waitUntil(lambda: screen.editor.meeting_id == mid, timeout=TIMEOUT)
    editor = screen.editor
    page = editor.attend
    qtbot.waitUntil(lambda: page.model.rowCount() == 5, timeout=TIMEOUT)
    model = page.model
    last = model.rowCount() - 1
    assert model.data(model.index(last, AttendanceColumns.NAME)) == "新党员"
    assert model.data(model.index(last, AttendanceColumns.ROLE)) == "预备党员"
    assert model.data(model.index(last, AttendanceColumns.STATUS)) == "列席"
    assert "应到 4 人" in page.counts_label.text()
    assert "其中预备党员 1 人,没有表决权" in page.counts_label.text()
    with village.read() as s:
        assert get_meeting(s, mid).members == 4


def test_the_settings_screen_allows_proxies_only_for_the_kinds_the_village_rules(qtbot, village: Store) -> None:
    import json

    from app.meetings.service import meeting_proxy_rule
    from ui.settings import SettingsScreen

    screen = SettingsScreen(village, actor="测试")
    qtbot.addWidget(screen)
    # the law's kinds and the party members' meeting are not offered: they never count a proxy
    assert set(screen.proxy_checks) == {"支部委员会会议", "两委联席会议", "村务监督委员会会议", "议事协商会议"}
    assert not any(box.isChecked() for box in screen.proxy_checks.values())  # default: not allowed
    assert not meeting_proxy_rule("两委联席会议", village.data_dir).recordable
    screen.proxy_checks["两委联席会议"].setChecked(True)
    settings_file = village.data_dir / "settings.json"
    qtbot.waitUntil(lambda: settings_file.exists() and json.loads(settings_file.read_text(encoding="utf-8"))
                    .get("meetings", {}).get("proxies", {}).get("两委联席会议") is True, timeout=TIMEOUT)
    rule = meeting_proxy_rule("两委联席会议", village.data_dir)
    assert rule.recordable and rule.counted
    assert not meeting_proxy_rule("村民会议", village.data_dir).counted
    again = SettingsScreen(village, actor="测试")
    qtbot.addWidget(again)
    assert again.proxy_checks["两委联席会议"].isChecked()
