"""四议两公开 ends in two POSTED notices; Art. 24's authorisation is a passed motion of a closed 村民会议;
村规民约 and 村民自治章程 (Art. 27) are the villagers' meeting's alone and are filed with the township.

The village and helpers are those of tests/test_matters.py (张书记, 李秀英, 王大山, 赵桂兰).
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from test_matters import (STEP_DAYS, get, meeting, new_matter, post, refused, step_meeting, take,  # noqa: F401
                          template, through, village)

from app.check import check_store
from app.disclosure import service as ds
from app.disclosure.catalogue import Catalogue, CatalogueItem, village_catalogue
from app.meetings import matters as mt
from app.meetings.models import CARRIED_OUT, IN_PROGRESS, RESOLVED
from app.people.service import FieldError
from app.schema.quick import disclosure_due as quick_due

RESOLVED_ON = STEP_DAYS[4]  # 2026-06-15, a 村民代表会议


def events(store) -> int:
    with store.read() as s:
        return s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM events")).scalar_one()


def check_ok(store) -> None:
    with store.read() as s:
        report = check_store(s)
    assert report.ok, [str(p) for p in report.problems]


def problems(store) -> list[str]:
    with store.read() as s:
        return [str(p) for p in check_store(s).problems]


def sql(store, statement: str) -> None:
    con = sqlite3.connect(store.db_path)
    con.execute(statement)
    con.commit()
    con.close()


def resolved(store, category: str = "other") -> mt.MatterInfo:
    return through(store, new_matter(store, category=category), 4)


def carried_out(store) -> mt.MatterInfo:
    info = resolved(store)
    post(store, info.resolution_notice_id, RESOLVED_ON + dt.timedelta(days=2))
    with store.begin("测试") as s:
        return mt.record_result(s, info.id, summary="道路已硬化完成。", carried_out_on=dt.date(2026, 9, 30))


# ---------------------------------------------------------------- the two notices must be posted

def test_the_result_cannot_be_recorded_before_the_resolution_notice_is_posted(village):
    """Organic Law Art. 30 (the decisions of the villagers' or representatives' meeting and how they were
    carried out are disclosed) with 四议两公开: the resolution is posted before it is carried out."""
    info = resolved(village)
    before = events(village)
    with pytest.raises(mt.MatterError, match="决议公开还没有张贴.*草稿"), village.begin("测试") as s:
        mt.record_result(s, info.id, summary="已完工", carried_out_on=dt.date(2026, 9, 30))
    after = get(village, info.id)
    assert after.state == RESOLVED and after.result_notice_id is None and events(village) == before
    check_ok(village)
    # reviewed and approved is not enough: it must be on the board
    with village.begin("测试") as s:
        ds.submit_for_review(s, info.resolution_notice_id)
        ds.record_review(s, info.resolution_notice_id, reviewers="赵桂兰", date=RESOLVED_ON)
        ds.approve(s, info.resolution_notice_id, approver="张书记", date=RESOLVED_ON)
    with pytest.raises(mt.MatterError, match="已批准"), village.begin("测试") as s:
        mt.record_result(s, info.id, summary="已完工", carried_out_on=dt.date(2026, 9, 30))
    with village.begin("测试") as s:
        ds.post_notice(s, info.resolution_notice_id, posted_from=RESOLVED_ON, posted_until=dt.date(2026, 7, 15))
        done = mt.record_result(s, info.id, summary="已完工", carried_out_on=dt.date(2026, 9, 30))
    assert done.state == CARRIED_OUT and done.result_notice_id is not None


def test_a_matter_is_closed_only_after_its_result_notice_is_posted(village):
    """Organic Law Art. 30: how a decision was carried out is disclosed; 两公开's second notice closes the matter."""
    info = carried_out(village)
    assert mt.is_open_state(info.state) and "待公开结果" in info.state_text
    before = events(village)
    with pytest.raises(mt.MatterError, match="实施结果公开还没有张贴"), village.begin("测试") as s:
        mt.close_matter(s, info.id)
    assert get(village, info.id).state == CARRIED_OUT and events(village) == before
    check_ok(village)
    post(village, info.result_notice_id, dt.date(2026, 10, 3))
    with village.begin("测试") as s:
        closed = mt.close_matter(s, info.id)
    assert closed.state == mt.COMPLETED and closed.state_text == "已办结" and not mt.is_open_state(closed.state)
    with pytest.raises(mt.MatterError, match="只有已实施的事项可以办结"), village.begin("测试") as s:
        mt.close_matter(s, info.id)
    check_ok(village)


def test_a_resolved_matter_cannot_be_closed_before_it_is_carried_out(village):
    """四议两公开: the result of carrying the resolution out is disclosed before the matter is closed."""
    info = resolved(village)
    with pytest.raises(mt.MatterError, match="只有已实施的事项可以办结"), village.begin("测试") as s:
        mt.close_matter(s, info.id)
    assert get(village, info.id).state == RESOLVED


def test_a_notice_drafted_by_a_matter_cannot_be_deleted(village):
    """Organic Law Art. 30: the matter must still disclose its resolution; its draft is edited, not deleted."""
    info = resolved(village)
    before = events(village)
    with pytest.raises(ds.NoticeError, match="村东道路硬化工程.*决议公开.*不能删除"), village.begin("测试") as s:
        ds.delete_draft(s, info.resolution_notice_id)
    with village.read() as s:
        assert ds.get_notice(s, info.resolution_notice_id).state == "draft"
    assert events(village) == before
    check_ok(village)
    # a draft no matter points to still goes
    with village.begin("测试") as s:
        other = ds.create_notice(s, ds.NoticeDraft(title="停水通知", category="村务", body="明天停水。",
                                                   source=f"matter:{info.id}"))
        ds.delete_draft(s, other.id)


# ---------------------------------------------------------------- deadlines

def test_a_resolution_not_posted_four_days_after_step_four_is_overdue(village, capsys):
    """Organic Law Art. 30/31 and the catalogue's SW-06 (决议公开 within its deadline_days, 3 in the default):
    counted from step 4's meeting; overdue when not posted by then, in ``cunwu disclosure due``."""
    from app.cli import main

    info = resolved(village)
    deadline = RESOLVED_ON + dt.timedelta(days=3)

    def due(day: dt.date) -> str:
        assert main(["--data-dir", str(village.data_dir), "disclosure", "due", "--date", day.isoformat()]) == 0
        return capsys.readouterr().out

    line = [x for x in due(RESOLVED_ON + dt.timedelta(days=4)).splitlines() if "村东道路硬化工程" in x]
    assert line == ["已逾期 1 天  “四议两公开”决议公开(村东道路硬化工程)  截止 {d}".format(d=deadline.isoformat())]
    assert "今天截止  “四议两公开”决议公开(村东道路硬化工程)" in due(deadline)
    assert "还剩 3 天  “四议两公开”决议公开(村东道路硬化工程)" in due(RESOLVED_ON)
    # the quick read of the home screen says the same
    with village.read() as s:
        slow = [(e.item.code, e.period.key, e.state, e.days_left)
                for e in mt.disclosure_due(s, village.data_dir, RESOLVED_ON + dt.timedelta(days=4))]
    fast = [(e.item.code, e.period.key, e.state, e.days_left)
            for e in quick_due(village.db_path, village.data_dir, RESOLVED_ON + dt.timedelta(days=4))]
    assert fast == slow and ("SW-06", f"matter:{info.id}:resolution", "overdue", -1) in fast
    # posted late: no longer owed
    post(village, info.resolution_notice_id, RESOLVED_ON + dt.timedelta(days=5))
    assert "村东道路硬化工程" not in due(RESOLVED_ON + dt.timedelta(days=6))


def test_the_deadlines_are_the_catalogues_and_the_result_counts_from_the_day_it_was_carried_out(village):
    """The catalogue is data (docs/disclosure-catalogue.md): a village's own deadline_days for SW-06 and
    SW-07 moves the matters' deadlines; the result notice counts from the recorded carried-out day."""
    from app.config import save_settings

    info = carried_out(village)  # carried out 2026-09-30
    with village.read() as s:
        rows = {e.period.key: e for e in mt.disclosure_due(s, village.data_dir, dt.date(2026, 10, 8))}
    result = rows[f"matter:{info.id}:result"]
    assert result.state == "overdue" and result.period.deadline == dt.date(2026, 10, 7)
    assert f"matter:{info.id}:resolution" not in rows  # posted two days after step 4
    save_settings(village.data_dir, {"disclosure": {"items": {"SW-07": {"deadline_days": 10}}}})
    with village.read() as s:
        rows = {e.period.key: e for e in mt.disclosure_due(s, village.data_dir, dt.date(2026, 10, 8))}
    assert rows[f"matter:{info.id}:result"].state == "due"
    assert rows[f"matter:{info.id}:result"].period.deadline == dt.date(2026, 10, 10)
    assert [e.state for e in quick_due(village.db_path, village.data_dir, dt.date(2026, 10, 8))
            if e.period.key == f"matter:{info.id}:result"] == ["due"]


# ---------------------------------------------------------------- Art. 24: authorisation by a motion

def _at_step_four(store, category: str = "property") -> int:
    mid = new_matter(store, category=category)
    through(store, mid, 3)
    return mid


def test_an_unauthorised_representatives_decision_of_an_art24_matter_is_refused(village):
    """Organic Law Art. 24: “涉及村民利益的下列事项,经村民会议讨论决定方可办理” and “村民会议可以授权村民代表会议
    讨论决定前款规定的事项”: without the link to the villagers' authorising motion the step is refused."""
    mid = _at_step_four(village)
    reps = step_meeting(village, 4)
    before = events(village)
    refused(village, mid, 4, *reps, words="《村民委员会组织法》第二十四条")
    assert get(village, mid).state == IN_PROGRESS and events(village) == before
    check_ok(village)


@pytest.mark.parametrize("kind, passed, close, words", [
    ("村民代表会议", True, True, "只能由村民会议作出"),
    ("村民会议", False, True, "没有通过"),
    ("村民会议", True, False, "还没有定稿"),
])
def test_only_a_passed_motion_of_a_closed_villagers_meeting_authorises(village, kind, passed, close, words):
    """Organic Law Art. 24: the authorisation is the villagers' meeting's (passed, minutes closed)."""
    mid = _at_step_four(village)
    made = meeting(village, kind, dt.date(2026, 1, 10), {"授权村民代表会议决定集体资产出租": passed}, close=close)
    with pytest.raises(mt.MatterError, match=words), village.begin("测试") as s:
        mt.authorise(s, mid, motion_id=made["授权村民代表会议决定集体资产出租"])
    assert get(village, mid).authorised_by is None


def test_an_authorisation_given_after_the_representatives_met_does_not_count(village):
    """Organic Law Art. 24: the representatives decide by an authorisation they already have."""
    mid = _at_step_four(village)
    reps = step_meeting(village, 4)
    late = meeting(village, "村民会议", RESOLVED_ON + dt.timedelta(days=1), {"授权": True})
    with village.begin("测试") as s:
        mt.authorise(s, mid, motion_id=late["授权"])
    refused(village, mid, 4, *reps, words="晚于")


def test_the_authorise_list_holds_passed_motions_of_closed_villagers_meetings_only(village):
    good = meeting(village, "村民会议", dt.date(2026, 1, 10), {"授权甲": True, "否决乙": False})
    meeting(village, "村民会议", dt.date(2026, 2, 10), {"未定稿的授权": True}, close=False)
    meeting(village, "村民代表会议", dt.date(2026, 2, 11), {"代表会议的事项": True})
    with village.read() as s:
        found = mt.authorising_motions(s)
    assert found == [(good["meeting"], "01月10日村民会议", dt.date(2026, 1, 10), [(good["授权甲"], "授权甲")])]


def test_an_old_free_text_authorisation_is_shown_as_an_old_record_and_no_longer_suffices(village):
    """Organic Law Art. 24: an authorisation is now a link to the motion; older records keep their words."""
    from app.events import record
    from app.meetings.models import Matter

    mid = _at_step_four(village)
    with village.begin("测试") as s:
        m = s.get(Matter, mid)
        m.authorisation = "2025年村民会议口头授权"
        record(s, m, "update")
    info = get(village, mid)
    assert info.authorisation_text == "(旧记录)2025年村民会议口头授权"
    refused(village, mid, 4, *step_meeting(village, 4), words="第二十四条")
    check_ok(village)


# ---------------------------------------------------------------- Art. 27: 村规民约 and 村民自治章程

def test_village_rules_at_a_representatives_meeting_are_refused(village):
    """Organic Law Art. 27: 村规民约 and 村民自治章程 are made and changed by the villagers' meeting; no
    authorisation moves them to the representatives."""
    mid = _at_step_four(village, category=mt.VILLAGE_RULES)
    reps = step_meeting(village, 4, text="同意修改村规民约")
    before = events(village)
    refused(village, mid, 4, *reps, words="第二十七条")
    assert get(village, mid).state == IN_PROGRESS and events(village) == before
    granted = meeting(village, "村民会议", dt.date(2026, 1, 10), {"授权村民代表会议修改村规民约": True})
    with pytest.raises(mt.MatterError, match="第二十七条"), village.begin("测试") as s:
        mt.authorise(s, mid, motion_id=granted["授权村民代表会议修改村规民约"])
    assert get(village, mid).authorised_by is None
    villagers = step_meeting(village, 4, kind="村民会议", text="同意修改村规民约")
    with village.read() as s:
        offered = [c[0] for c in mt.candidates(s, mid)]
    assert offered == [villagers[0]]  # the representatives' meeting of the same day is not offered
    check_ok(village)


def test_adopted_village_rules_are_disclosed_and_filed_with_the_township_before_closing(village):
    """Organic Law Art. 27: adopted by the villagers' meeting and filed with the township government (备案)."""
    mid = _at_step_four(village, category=mt.VILLAGE_RULES)
    with pytest.raises(mt.MatterError, match="村民会议表决通过后"), village.begin("测试") as s:
        mt.record_filing(s, mid, filed_on=RESOLVED_ON, reference="石桥镇备〔2026〕3号")
    info = take(village, mid, 4, *step_meeting(village, 4, kind="村民会议"))
    assert info.state == RESOLVED
    with village.read() as s:
        notice = ds.get_notice(s, info.resolution_notice_id)
    assert notice.item_code == mt.rules_item(village_catalogue(village.data_dir, RESOLVED_ON))
    assert "报乡镇人民政府备案" in notice.body
    # carried out and its result posted, but not filed: not closed
    post(village, info.resolution_notice_id, RESOLVED_ON + dt.timedelta(days=1))
    with village.begin("测试") as s:
        info = mt.record_result(s, mid, summary="新村规民约已印发到户。", carried_out_on=dt.date(2026, 7, 1))
    post(village, info.result_notice_id, dt.date(2026, 7, 2))
    with pytest.raises(mt.MatterError, match="还没有登记报乡镇备案"), village.begin("测试") as s:
        mt.close_matter(s, mid)
    for day, reference, words in ((RESOLVED_ON - dt.timedelta(days=1), "石桥镇备〔2026〕3号", "早于村民会议通过"),
                                  (dt.date(2026, 6, 20), "  ", "文号"),
                                  (dt.date.today() + dt.timedelta(days=1), "石桥镇备〔2026〕3号", "还没到")):
        with pytest.raises(FieldError, match=words), village.begin("测试") as s:
            mt.record_filing(s, mid, filed_on=day, reference=reference)
    assert not get(village, mid).filed
    with village.begin("测试") as s:
        filed = mt.record_filing(s, mid, filed_on=dt.date(2026, 6, 20), reference="石桥镇备〔2026〕3号")
        closed = mt.close_matter(s, mid)
    assert (filed.filed_on, filed.filing_reference) == (dt.date(2026, 6, 20), "石桥镇备〔2026〕3号")
    assert closed.state == mt.COMPLETED
    check_ok(village)


def test_only_village_rules_are_filed(village):
    """Organic Law Art. 27 names 村规民约 and 村民自治章程; other matters have no filing to record."""
    info = resolved(village)
    with pytest.raises(mt.MatterError, match="不需要报乡镇备案"), village.begin("测试") as s:
        mt.record_filing(s, info.id, filed_on=RESOLVED_ON, reference="x")


def test_the_rules_notice_item_is_found_in_the_catalogue_by_its_name():
    def catalogue(*names: tuple[str, str]) -> Catalogue:
        items = tuple(CatalogueItem(code, name, "村务", "event", 5, 7, "", "依据") for code, name in names)
        return Catalogue("1", dt.date(2026, 1, 1), "目录", items)

    assert mt.rules_item(catalogue(("SW-06", "“四议两公开”决议公开"), ("XZ-3", "村规民约和村民自治章程的制定"))) == "XZ-3"
    assert mt.rules_item(catalogue(("SW-06", "“四议两公开”决议公开"))) == mt.RESOLUTION_ITEM
    assert mt.rules_item(None) == mt.RESOLUTION_ITEM


# ---------------------------------------------------------------- cunwu check

@pytest.mark.tampers
def test_check_names_a_matter_pointing_at_a_deleted_notice(village):
    """Organic Law Art. 34 (archives true and complete): a resolution notice removed behind the program is named."""
    info = resolved(village)
    check_ok(village)
    sql(village, f"DELETE FROM notices WHERE id = {info.resolution_notice_id}")
    found = [p for p in problems(village) if p.startswith(f"matters #{info.id}")]
    assert found == [f"matters #{info.id}: 重大事项“村东道路硬化工程”:决议公开(公开事项 #{info.resolution_notice_id})不存在"]


@pytest.mark.tampers
def test_check_names_a_matter_whose_step_points_at_an_open_meeting(village):
    """Organic Law Art. 34: a step stands on closed minutes; an SQL edit reopening them is named."""
    info = resolved(village)
    step4 = info.steps[-1]
    sql(village, f"UPDATE meetings SET state = 'planned' WHERE id = {step4.meeting_id}")
    found = [p for p in problems(village) if p.startswith(f"matters #{info.id}")]
    assert found == [f"matters #{info.id}: 重大事项“村东道路硬化工程”:第 1 轮第 4 步的会议“{step4.meeting_title}”不是定稿的会议记录"]


@pytest.mark.tampers
def test_check_names_an_authorisation_pointing_at_a_failed_motion_or_an_open_meeting(village):
    """Organic Law Art. 24: the authorisation is a passed motion of a closed 村民会议."""
    mid = _at_step_four(village)
    granted = meeting(village, "村民会议", dt.date(2026, 1, 10), {"授权": True, "否决": False})
    with village.begin("测试") as s:
        mt.authorise(s, mid, motion_id=granted["授权"])
    check_ok(village)
    sql(village, f"UPDATE matters SET authorisation_motion_id = {granted['否决']} WHERE id = {mid}")
    assert any(p.startswith(f"matters #{mid}: ") and "不是定稿的村民会议上通过的决议" in p for p in problems(village))


@pytest.mark.tampers
def test_check_names_a_step_whose_motion_no_longer_passed(village):
    """A passed step points to a passed motion (and a failed one to a failed motion)."""
    info = resolved(village)
    sql(village, f"UPDATE motions SET passed = 0 WHERE id = {info.steps[0].motion_id}")
    assert any(p.startswith(f"matters #{info.id}: ") and "第 1 轮第 1 步记为通过" in p for p in problems(village))


def test_cunwu_meeting_matters_json_has_the_authorisation_and_the_filing(village, capsys):
    """Organic Law Art. 24 and 27 for the township: which motion authorised, when the rules were filed."""
    import json

    from app.cli import main

    art24 = _at_step_four(village)
    granted = meeting(village, "村民会议", dt.date(2026, 1, 10), {"授权": True})
    with village.begin("测试") as s:
        mt.authorise(s, art24, motion_id=granted["授权"])
    rules = _at_step_four(village, category=mt.VILLAGE_RULES)
    take(village, rules, 4, *step_meeting(village, 4, kind="村民会议", text="通过村规民约"))
    with village.begin("测试") as s:
        mt.record_filing(s, rules, filed_on=dt.date(2026, 6, 20), reference="石桥镇备〔2026〕3号")
    assert main(["--data-dir", str(village.data_dir), "meeting", "matters", "--json"]) == 0
    rows = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[art24]["authorisation_motion_id"] == granted["授权"] and "01月10日村民会议" in rows[art24]["authorisation"]
    assert (rows[rules]["filed_on"], rows[rules]["filing_reference"]) == ("2026-06-20", "石桥镇备〔2026〕3号")
