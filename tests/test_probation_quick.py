"""The home screen's list of probationary party members whose year ends soon, read with plain sqlite3, equals the
service's (the pattern of tests/test_quick.py).

《中国共产党章程》第七条: "预备党员的预备期为一年。" … "预备党员的预备期,从支部大会通过他为预备党员之日算起。"
Within 30 days of the year's end, and after it (预备期已满), the home screen names them and says that 转正 is a
decision of the party members' meeting.
"""

import datetime as dt
import random

from app.demo import create_demo
from app.people.service import ResidentInput, add_resident, init_village, probations_due
from app.people.uscc import make_uscc
from app.schema import open_store
from app.schema.quick import probations_due as quick_probations_due


def _rows(items):  # type: ignore[no-untyped-def]
    return [(p.resident_id, p.name, p.group_name, p.since, p.ends, p.days_left) for p in items]


def test_quick_probations_match_the_service_on_a_demo_village(tmp_path):
    store = open_store(tmp_path / "demo")
    create_demo(store, size="small", seed=3)
    today = dt.date.today()
    try:
        with store.read() as s:
            slow = _rows(probations_due(s, today))
            fast = _rows(quick_probations_due(store.db_path, today))
            # the demo's minutes: probationary members attend a party members' meeting as 列席, and a written
            # proxy recorded at a villager group or villagers' meeting is not counted (Organic Law Art. 22, 28)
            from sqlalchemy import select

            from app.meetings.models import Meeting
            from app.meetings.service import get_meeting

            party = [get_meeting(s, i) for i in s.scalars(select(Meeting.id).where(Meeting.kind == "党员大会"))]
            observed = [m for m in party if any(not a.member and a.role_text == "预备党员" for a in m.attendees)]
            assert observed and all(m.members == sum(1 for a in m.attendees if a.member) for m in observed)
            village = [get_meeting(s, i) for i in s.scalars(select(Meeting.id).where(
                Meeting.kind.in_(("村民会议", "村民小组会议"))))]
            proxied = [m for m in village if any(a.proxy_not_counted for a in m.attendees)]
            assert proxied
            for m in proxied:
                assert m.present == sum(1 for a in m.attendees if a.member and a.status == "present")
    finally:
        store.close()
    assert fast == slow
    assert any(0 <= days <= 30 for *_rest, days in fast)  # the demo has one whose year ends within 30 days


def test_quick_probations_boundaries_and_the_home_screen_lines(tmp_path):
    store = open_store(tmp_path / "v")
    today = dt.date(2026, 12, 6)
    with store.begin("测试") as s:
        init_village(s, name="柳林村", code=make_uscc(random.Random(5)), township="石桥镇", groups=["一组"])
        for name, since in (("三十天", dt.date(2026, 1, 5)), ("三十一天", dt.date(2026, 1, 6)),
                            ("已满", dt.date(2025, 11, 1)), ("无日期", None)):
            add_resident(s, ResidentInput(name=name, sex="男", birth_date=dt.date(1995, 1, 1), probationary=True,
                                          probation_since=since, group_id=1))
    try:
        with store.read() as s:
            slow = _rows(probations_due(s, today))
        fast = _rows(quick_probations_due(store.db_path, today))
        assert fast == slow
        assert [(name, days) for _id, name, _g, _since, _ends, days in fast] == [("已满", -35), ("三十天", 30)]

        from ui.home import probation_todos

        lines = probation_todos(store, today)
    finally:
        store.close()
    (line,) = lines  # one to-do: the home screen has no room to spare
    assert line.startswith("预备期已满:已满(一组)2026-11-01。预备期将满:三十天(一组)2027-01-05(还剩 30 天)。")
    assert "转正须经党员大会讨论通过(《中国共产党章程》第七条)" in line and "三十一天" not in line and "无日期" not in line
