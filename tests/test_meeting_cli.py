"""``cunwu meeting ...`` as a clerk or the township runs it."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

from app.cli import main

DAY = dt.date(2026, 10, 12)


def run(capsys, store, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(store.data_dir), "meeting", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def closed_villagers_meeting(store) -> int:
    """The template village's three adults meet; two come and both vote for mending the road."""
    from app.meetings import service as ms

    with store.begin("测试") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind="村民会议", title="村道维修村民会议", date=DAY, place="村委会会议室",
                                                 chair="张三", recorder="李四", agenda_text="村道维修方案"))
        people = {a.name: a.id for a in m.attendees}
        ms.set_attendance(s, m.id, {people["张三"]: "present", people["李四"]: "present", people["王小红"]: "leave"})
        ms.update_agenda_item(s, m.agenda[0].id, title="村道维修方案", discussion="大家同意用碎石铺设村东道路。")
        x = ms.add_motion(s, m.id, text="同意村东道路维修方案", agenda_item_id=m.agenda[0].id)
        ms.record_vote(s, x.id, votes_for=2, resolution="维修村东道路")
        y = ms.add_motion(s, m.id, text="同意由村民小组组织义务投工", agenda_item_id=m.agenda[0].id)
        ms.record_vote(s, y.id, votes_for=2)
        ms.close_meeting(s, m.id)
        return m.id


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_list_and_search_show_the_meeting_with_its_verdict(capsys, store):
    mid = closed_villagers_meeting(store)
    code, out, _err = run(capsys, store, "list", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert row == {"id": mid, "date": "2026-10-12", "kind": "村民会议", "title": "村道维修村民会议", "state": "closed",
                   "members": 3, "present": 2, "quorate": True, "motions": 2, "passed": 2}
    code, out, _err = run(capsys, store, "list", "--search", "碎石")
    assert code == 0 and "村道维修村民会议" in out and "有效" in out
    code, out, _err = run(capsys, store, "list", "--search", "鱼塘")
    assert code == 0 and "没有符合条件" in out
    code, _out, err = run(capsys, store, "list", "--kind", "村民大会")
    assert code == 1 and "村民代表会议" in err  # the message lists the kinds there are


def test_print_writes_the_minutes_with_the_vote_and_the_article(capsys, store, tmp_path):
    mid = closed_villagers_meeting(store)
    out_pdf = tmp_path / "会议记录.pdf"
    code, out, _err = run(capsys, store, "print", str(mid), "-o", str(out_pdf))
    assert code == 0 and "已打印会议记录" in out and "未定稿" not in out
    text = pdf_text(out_pdf)
    assert "村道维修村民会议" in text and "同意村东道路维修方案" in text
    assert "第二十二条" in text and "通过" in text


def test_signin_sheet_lists_the_adults_by_group(capsys, store, tmp_path):
    mid = closed_villagers_meeting(store)
    out_pdf = tmp_path / "签到表.pdf"
    code, out, _err = run(capsys, store, "signin-sheet", str(mid), "-o", str(out_pdf))
    assert code == 0 and "已打印签到表" in out
    text = pdf_text(out_pdf)
    assert text.index("第一村民小组") < text.index("张三") < text.index("第二村民小组") < text.index("王小红")
    assert "赵𠀀明" not in text  # sixteen: not a member of the villagers' meeting


def test_printing_refuses_a_wrong_name_or_a_missing_meeting_and_writes_nothing(capsys, store, tmp_path):
    mid = closed_villagers_meeting(store)
    code, _out, err = run(capsys, store, "print", str(mid), "-o", str(tmp_path / "会议记录.docx"))
    assert code == 1 and ".pdf" in err
    code, _out, err = run(capsys, store, "signin-sheet", "999", "-o", str(tmp_path / "a.pdf"))
    assert code == 1 and "找不到编号为 999 的会议" in err
    code, _out, err = run(capsys, store, "tally", str(mid), "-o", str(tmp_path / "no-such-folder" / "a.pdf"))
    assert code == 1 and "不存在" in err
    assert list(tmp_path.glob("*.pdf")) == [] and not (tmp_path / "no-such-folder").exists()


def test_evaluate_prints_the_verdict_and_refuses_impossible_numbers(capsys, store):
    code, out, _err = run(capsys, store, "evaluate", "党员大会", "--members", "40", "--present", "20", "--for", "20")
    assert code == 0 and "会议有效" in out and "未通过" in out and "第十一条" in out
    code, out, _err = run(capsys, store, "evaluate", "村民代表会议", "--members", "39", "--present", "26", "--for", "14")
    assert code == 0 and "通过" in out and "未通过" not in out
    code, _out, err = run(capsys, store, "evaluate", "村民代表会议", "--members", "39", "--present", "26",
                          "--for", "20", "--against", "7")
    assert code == 1 and "27 票" in err and "26 人" in err


def test_matters_lists_what_each_matter_waits_for(capsys, store):
    from app.meetings.matters import create_matter

    with store.begin("测试") as s:
        create_matter(s, subject="村道硬化", category="public_welfare")
    code, out, _err = run(capsys, store, "matters")
    assert code == 0 and "村道硬化" in out and "等待第 1 步" in out and "支部委员会会议" in out
    code, out, _err = run(capsys, store, "matters", "--json")
    (row,) = json.loads(out)
    assert row["next_step"] == 1 and row["state"] == "in_progress" and row["steps"] == []


def test_minutes_of_a_meeting_counted_from_the_sheet_do_not_list_everyone_as_unrecorded(capsys, store, tmp_path):
    """Art. 22: a villagers' meeting counted from the signed sheet prints the counts and points to the sheet."""
    from app.meetings import service as ms

    with store.begin("测试") as s:
        m = ms.create_meeting(s, ms.MeetingInput(kind="村民会议", title="清点人数的村民会议", date=DAY,
                                                 chair="张三", recorder="李四"))
        ms.set_counts(s, m.id, present=2)
    out_pdf = tmp_path / "会议记录.pdf"
    code, _out, _err = run(capsys, store, "print", str(m.id), "-o", str(out_pdf))
    text = pdf_text(out_pdf)
    assert code == 0 and "按签到表清点" in text and "实到" in text
    assert "王小红" not in text and "未登记" not in text


# ---------------------------------------------------------------- special majorities (组织法 Art. 22: 法律另有规定的)

def test_specials_lists_each_decision_with_its_rule_and_article(capsys, store):
    """《农村土地承包法》(2018修正) Art. 52 and Art. 28: two thirds of all members of the meeting."""
    code, out, _err = run(capsys, store, "specials")
    assert code == 0
    assert "TDCB-52" in out and "TDCB-28" in out
    assert "第五十二条" in out and "第二十八条" in out and "三分之二以上" in out and "应到人数" in out
    code, out, _err = run(capsys, store, "specials", "--json")
    rows = {r["code"]: r for r in json.loads(out)}
    assert set(rows) == {"TDCB-52", "TDCB-28"}
    assert rows["TDCB-52"]["article"] == "第五十二条" and rows["TDCB-28"]["article"] == "第二十八条"
    assert rows["TDCB-52"]["statute"] == "《中华人民共和国农村土地承包法》(2018修正)"
    assert rows["TDCB-52"]["kinds"] == ["村民会议", "村民代表会议"]
    assert rows["TDCB-52"]["threshold"] == {"num": 2, "den": 3, "inclusive": True, "base": "members",
                                            "label": "三分之二以上"}
    assert "三分之二以上成员或者三分之二以上村民代表" in rows["TDCB-52"]["text"]


def test_evaluate_special_counts_two_thirds_of_all_members(capsys, store):
    """300 adults, 200 present, 101 for: a majority under Art. 22, not two thirds of the 300 under Art. 52."""
    base = ["evaluate", "村民会议", "--members", "300", "--present", "200"]
    code, out, _err = run(capsys, store, *base, "--for", "101")
    assert code == 0 and "通过" in out and "未通过" not in out
    code, out, _err = run(capsys, store, *base, "--for", "101", "--special", "TDCB-52")
    assert code == 0 and "未通过" in out and "第五十二条" in out and "第二十二条" in out and "至少 200 票" in out
    code, out, _err = run(capsys, store, *base, "--for", "200", "--special", "TDCB-52")
    assert code == 0 and "未通过" not in out
    code, out, _err = run(capsys, store, "evaluate", "村民代表会议", "--members", "30", "--present", "25", "--for", "19",
                          "--special", "TDCB-28")
    assert code == 0 and "未通过" in out and "第二十八条" in out


def test_evaluate_json_is_one_object_scripts_can_read(capsys, store):
    code, out, _err = run(capsys, store, "evaluate", "村民会议", "--members", "300", "--present", "200", "--for", "101",
                          "--special", "TDCB-52", "--json")
    assert code == 0
    v = json.loads(out)
    assert v["quorate"] is True and v["passed"] is False
    assert v["votes_needed"] == 200 and v["quorum_needed"] == 151 and v["special"] == "TDCB-52"
    assert v["quorum_citation"] == "《村民委员会组织法》第二十二条"
    assert v["special_citation"] == "《中华人民共和国农村土地承包法》(2018修正)第五十二条"
    assert "第五十二条" in v["citation"] and "第二十二条" in v["citation"] and "未通过" in v["reason"]
    code, out, _err = run(capsys, store, "evaluate", "党员大会", "--members", "40", "--present", "30", "--for", "21",
                          "--json")
    v = json.loads(out)
    assert code == 0 and v["passed"] is True and v["special"] is None and v["votes_needed"] == 21
    assert v["citation"] == "《中国共产党支部工作条例(试行)》第十一条"


def test_evaluate_refuses_an_unknown_code_or_a_kind_that_cannot_take_it(capsys, store):
    code, out, err = run(capsys, store, "evaluate", "村民会议", "--members", "300", "--present", "200", "--for", "200",
                         "--special", "TDCB-99")
    assert code == 1 and out == ""
    assert "TDCB-99" in err and "TDCB-52" in err and "TDCB-28" in err and len(err.strip().splitlines()) == 1
    code, out, err = run(capsys, store, "evaluate", "党员大会", "--members", "30", "--present", "30", "--for", "30",
                         "--special", "TDCB-52", "--json")
    assert code == 1 and out == "" and "只能由村民会议或村民代表会议决定" in err
