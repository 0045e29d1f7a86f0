"""Meetings outside their own screen: the home screen's Art. 26 reminder (a representatives' meeting
every quarter) and the settings screen's rules for the four kinds the law leaves to the village."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

import app.events  # noqa: E402
from app.meetings.kinds import MeetingKind  # noqa: E402
from app.meetings.quarterly import quarter_label, quarter_of  # noqa: E402
from app.meetings.models import PRESENT as ATTENDED  # noqa: E402
from app.meetings.rules import MEMBERS, MORE_THAN_HALF, PRESENT, TWO_THIRDS_OR_MORE  # noqa: E402
from app.meetings.service import (MeetingInput, add_attendee, close_meeting, create_meeting, meeting_rule,  # noqa: E402
                                  set_attendance)
from app.people.service import init_village  # noqa: E402
from app.people.uscc import make_uscc  # noqa: E402
from app.schema import Store, open_store  # noqa: E402
from ui.home import DUE, OVERDUE, HomeScreen  # noqa: E402
from ui.settings import SettingsScreen  # noqa: E402

TASK_MS = 15_000
TODAY = dt.date.today()


def _previous_quarter(day: dt.date) -> tuple[dt.date, str]:
    """The first day of the quarter before ``day``'s, and its name."""
    year, q = quarter_of(day)
    year, q = (year, q - 1) if q > 1 else (year - 1, 4)
    return dt.date(year, 3 * q - 2, 1), quarter_label(year, q)


@pytest.fixture
def old_village(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """A village whose record here began more than a year ago (its first event is that old)."""
    store = open_store(tmp_path / "old")
    started = dt.datetime.combine(TODAY - dt.timedelta(days=400), dt.time(9, 0)).astimezone()
    with monkeypatch.context() as m:
        m.setattr(app.events, "now_text", lambda: started.isoformat(timespec="seconds"))
        with store.begin("测试") as s:
            init_village(s, name="柳林村", code=make_uscc(random.Random(3)), township="石桥镇", county="平原县",
                         groups=["第一村民小组"])
    yield store
    store.close()


def _home(qtbot, store: Store) -> HomeScreen:  # type: ignore[no-untyped-def]
    home = HomeScreen(store)
    qtbot.addWidget(home)
    home.show()
    home.refresh()
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)
    return home


def _reload(qtbot, home: HomeScreen) -> None:  # type: ignore[no-untyped-def]
    home.stats = None
    home.refresh()
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)


def _representatives(store: Store, day: dt.date, *, close: bool = True) -> None:
    """A representatives' meeting on ``day``; held once its minutes are closed, not while only planned."""
    with store.begin("测试") as s:
        m = create_meeting(s, MeetingInput(kind=MeetingKind.REPRESENTATIVES.value, title="村民代表会议", date=day,
                                           chair="张三", recorder="李四"), fill_attendees=False)
        people = [add_attendee(s, m.id, name=name).id for name in ("张三", "李四", "王小红")]
        set_attendance(s, m.id, {a: ATTENDED for a in people})
        if close:
            close_meeting(s, m.id)


# ---------------------------------------------------------------- home: Art. 26


def test_home_says_last_quarter_had_no_representatives_meeting_until_one_is_recorded(qtbot, old_village):
    start, last_quarter = _previous_quarter(TODAY)
    this_quarter = quarter_label(*quarter_of(TODAY))
    home = _home(qtbot, old_village)
    overdue = home.meeting_labels[OVERDUE]
    assert overdue.isVisibleTo(home)
    assert overdue.text() == ("• 已逾期:{q}没有召开村民代表会议(《村民委员会组织法》第二十六条:至少每季度召开一次)。"
                              .format(q=last_quarter))
    assert "本季度({q})还没有召开村民代表会议".format(q=this_quarter) in home.meeting_labels[DUE].text()

    _representatives(old_village, start + dt.timedelta(days=10), close=False)  # minutes never finished
    _reload(qtbot, home)
    assert "已逾期:{q}".format(q=last_quarter) in home.meeting_text()

    _representatives(old_village, start + dt.timedelta(days=20))  # held last quarter after all
    _reload(qtbot, home)
    assert "已逾期" not in home.meeting_text()
    assert not overdue.isVisibleTo(home)
    assert "本季度({q})还没有召开".format(q=this_quarter) in home.meeting_text()

    _representatives(old_village, TODAY)
    _reload(qtbot, home)
    assert home.meeting_text() == ""
    assert not home.meeting_labels[DUE].isVisibleTo(home)


def test_a_quarter_before_the_record_began_is_not_called_missed(qtbot, store):
    # the template store began today: last quarter's meetings were kept on paper
    home = _home(qtbot, store)
    assert "已逾期" not in home.meeting_text()
    assert "本季度" in home.meeting_labels[DUE].text()


# ---------------------------------------------------------------- settings: 会议规则


def test_a_rule_changed_in_settings_is_saved_and_followed_by_the_minutes(qtbot, store):
    settings_file = store.data_dir / "settings.json"
    settings_file.write_text(json.dumps({"large_text": True, "disclosure": {"finance_monthly": True},
                                         "meetings": {"note": "kept"}}, ensure_ascii=False), encoding="utf-8")
    joint = MeetingKind.JOINT_COMMITTEES.value
    assert meeting_rule(joint, store.data_dir).quorum == MORE_THAN_HALF  # the default

    screen = SettingsScreen(store, actor="测试")
    qtbot.addWidget(screen)
    assert set(screen.rule_combos) == {"支部委员会会议", "两委联席会议", "村务监督委员会会议", "议事协商会议"}
    quorum, passing = screen.rule_combos[joint]
    assert quorum.currentData() == "过半数" and passing.currentData() == "应到过半数"
    quorum.setCurrentIndex(quorum.findData("三分之二以上"))
    passing.setCurrentIndex(passing.findData("到会过半数"))

    def saved() -> bool:
        data = json.loads(settings_file.read_text(encoding="utf-8"))
        return data["meetings"].get("rules", {}).get(joint) == {"quorum": "三分之二以上", "pass": "到会过半数"}

    qtbot.waitUntil(saved, timeout=TASK_MS)
    qtbot.waitUntil(lambda: "已保存" in screen.rules_message.text(), timeout=TASK_MS)
    data = json.loads(settings_file.read_text(encoding="utf-8"))
    assert data["large_text"] is True and data["disclosure"] == {"finance_monthly": True}
    assert data["meetings"]["note"] == "kept"
    rule = meeting_rule(joint, store.data_dir)
    assert rule.quorum == TWO_THIRDS_OR_MORE and rule.pass_base == PRESENT
    # the other kinds keep their defaults, and the law's kinds are not offered at all
    assert meeting_rule(MeetingKind.BRANCH_COMMITTEE.value, store.data_dir).pass_base == MEMBERS
    assert meeting_rule(MeetingKind.REPRESENTATIVES.value, store.data_dir).quorum == TWO_THIRDS_OR_MORE

    again = SettingsScreen(store, actor="测试")
    qtbot.addWidget(again)
    assert again.rule_combos[joint][0].currentData() == "三分之二以上"
    assert again.rule_combos[joint][1].currentData() == "到会过半数"


def test_a_setting_the_program_cannot_read_is_explained_on_the_settings_screen(qtbot, store):
    (store.data_dir / "settings.json").write_text(json.dumps(
        {"meetings": {"rules": {"支部委员会会议": {"quorum": "大多数"}}}}, ensure_ascii=False), encoding="utf-8")
    screen = SettingsScreen(store, actor="测试")
    qtbot.addWidget(screen)
    assert "大多数" in screen.rules_message.text() and "看不懂" in screen.rules_message.text()
    assert screen.rule_combos["支部委员会会议"][0].currentData() == "半数以上"  # the default now in force
