"""The minutes (会议记录), the sign-in sheet (签到表) and the tally sheet (计票单) on the one printing toolkit,
read back from the PDF as a clerk reads them: every line they printed before is still there, on the same
page, and the pages are as many; 第一村民小组 and names stay on one line; 核验码 in plain words; a character
no font has, a motion of 500 characters and a meeting without attendees (docs/printing.md).

The minutes are the village's archive (村民委员会组织法 第三十四条: 村务档案包括……会议记录……), so a line
lost in the move to the new toolkit is a line missing from the archive.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from app.meetings.printing import minutes_printout, render_minutes, signin_printout, tally_printout
from app.meetings.view import AgendaLine, AttendeeLine, SigninGroup, SigninName
from app.printing.document import Printout
from app.printing.fonts import MissingGlyphError
from app.printing.ops import Qr, Text
from app.printing.pdf import write_pdf
from test_meeting_printing import GROUPS, NOWHERE, minutes, motion, signin, tally, unique_names

DIGEST = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SENTENCE = "扫二维码或输入核验码,可以查对这份会议记录有没有被改动。"
SPECIAL = ("罢免村民委员会成员。依《村民委员会组织法》第十六条,须经应到 30 人的过半数同意(至少 16 票,按应到人数计算,"
           "不按到会人数)。")


def page_lines(printout: Printout, tmp_path: Path) -> list[list[str]]:
    """Per page, its lines as ``pdftotext -layout`` reads them, without spaces."""
    path = tmp_path / (printout.kind + ".pdf")
    write_pdf(printout, path)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, encoding="utf-8",
                         check=True).stdout
    pages = [page for page in out.split("\f") if page.strip()]
    return [["".join(line.split()) for line in page.splitlines() if line.strip()] for page in pages]


def assert_pages_read(printout: Printout, expected: list[list[str]], tmp_path: Path) -> None:
    """As many pages as expected, and on each page its expected lines, in order."""
    pages = page_lines(printout, tmp_path)
    assert len(pages) == len(expected) == len(printout.pages)
    for number, (lines, want) in enumerate(zip(pages, expected), start=1):
        text, at = "".join(lines), 0  # a paragraph may wrap elsewhere: its words are what counts
        for line in want:
            found = text.find(line, at)
            assert found >= 0, "page {n}: {line!r} is missing (or out of order)".format(n=number, line=line)
            at = found + len(line)


# ---------------------------------------------------------------- what was printed before, line by line
# The lines below are what the earlier printing code put on each page of these views (pdftotext -layout,
# spaces removed), with three changes a reader wants: 阿依古丽·买买提 on one line (it was cut 阿依古丽·买 /
# 买提, doubling the row), and 核验码 with its one sentence instead of 防篡改链 and 内容校验.

MINUTES_P1 = [
    "柳林村村民代表会议", "2026年第三次村民代表会议", "会议记录", "一、会议基本情况",
    "日期2026年11月24日(星期二)时间09:00-11:30", "地点村委会二楼会议室召集人柳林村村民委员会",
    "主持人王建国记录人李秀英", "应到30人实到23人", "缺席4人请假3人",
    "到会情况:实到23人,达到组成人员的三分之二以上,会议有效。", "二、参会人员",
    "序号姓名村民小组职务出席情况委托人/备注", "1王建国村委会主任出席", "2李秀英第一村民小组村民代表出席",
    "3张𬍛第一村民小组村民代表委托出席委托张明", "4赵德福第二村民小组村民代表请假外出务工",
    "5阿依古丽·买买提第三村民小组村民代表缺席", "三、会议议题", "议题1:村道硬化工程方案", "讨论情况:",
    "王建国介绍方案:道路全长2.3公里,预算38万元。",
]
MINUTES_P2 = [
    "表决事项1:同意投资38万元硬化村东至村西道路2.3公里。", "赞成反对弃权表决结果", "20票2票1票通过",
    "说明:实到23人,赞成20票,超过实到人数的一半(村民委员会组织法第二十六条)。",
    "决议:村道硬化工程按方案实施,施工单位公开招标确定。", "议题2:村干部误工补贴", "讨论情况:", "讨论了补贴标准。",
    "表决事项2:调整2027年度村干部误工补贴标准。", "赞成反对弃权表决结果", "8票10票5票未通过",
    "说明:赞成8票,未超过实到人数的一半,未通过。", "四、补充更正", "2026-11-26更正“议题二的表决票数”:",
    "弃权票应为5票,原记录为4票。", "记录人:李秀英", "签字", "主持人(签字):记录人(签字):", "王建国李秀英",
]


def minutes_pages(closed: bool) -> list[list[str]]:
    header = ["柳林村村民代表会议记录" + ("" if closed else "未定稿")]
    # only closed minutes carry a 核验码 (a draft can still change): the first 16 characters of their hash
    footer = ["打印日期:2026-11-26核验码:9F86-D081-884C-7D65", SENTENCE] if closed else ["打印日期:2026-11-26"]
    banner = [] if closed else ["未定稿:本记录尚未定稿,可能还会修改,不作为正式会议记录存档"]
    first = header + MINUTES_P1[:3] + banner + MINUTES_P1[3:]
    return [page + footer + ["第{n}页/共2页".format(n=n)] for n, page in ((1, first), (2, header + MINUTES_P2))]


@pytest.mark.parametrize("closed", [False, True])
def test_the_minutes_keep_every_line_on_the_page_it_was_on(tmp_path: Path, closed: bool) -> None:
    view = minutes(closed=closed, content_hash=DIGEST if closed else "")
    assert_pages_read(minutes_printout(view), minutes_pages(closed), tmp_path)


def _signin_view():  # type: ignore[no-untyped-def]
    names = unique_names(60)
    return signin([
        SigninGroup(GROUPS[0], [SigninName(n, "户代表" if i % 3 == 0 else "", "1%03d" % i)
                                for i, n in enumerate(names[:30])]),
        SigninGroup(GROUPS[1], [SigninName(n, "村民代表", "2%03d" % i) for i, n in enumerate(names[30:45])]),
        SigninGroup("", [SigninName(n, "村委会委员") for n in names[45:48]])])


def test_the_sign_in_sheet_keeps_every_line_on_the_page_it_was_on(tmp_path: Path) -> None:
    view = _signin_view()
    people = [p for g in view.groups for p in g.people]

    def rows(first: int, last: int, group: int) -> list[str]:
        start = sum(len(g.people) for g in view.groups[:group])
        return ["{n}{name}{role}{household}".format(n=k - start + 1, name=p.name, role=p.role_text,
                                                   household=p.household)
                for k, p in enumerate(people) if first <= k - start + 1 <= last and
                start <= k < start + len(view.groups[group].people)]

    head, running = "序号姓名职务/身份户号签名", "柳林村村民会议2026年度村民会议签到表(续)"
    footer = "本页实到______人第{n}页/共3页打印日期:2026-11-20"
    expected = [
        ["柳林村村民会议", "2026年度村民会议", "签到表", "时间:2026年11月24日(星期二)09:00地点:村小学操场应到48人",
         "第一村民小组(共30人)", head, *rows(1, 21, 0), footer.format(n=1)],
        [running, "第一村民小组(续)", head, *rows(22, 30, 0), footer.format(n=2)],
        [running, "第二村民小组(共15人)", head, *rows(1, 15, 1), "其他参会人员(共3人)", head, *rows(1, 3, 2),
         "应到48人实到______人统计人:____________", footer.format(n=3)],
    ]
    assert rows(1, 1, 0) == ["1王春国户代表1000"] and rows(3, 3, 2) == ["3王永军村委会委员"]
    assert_pages_read(signin_printout(view), expected, tmp_path)


@pytest.mark.parametrize("present", [None, 23])
def test_the_tally_sheet_keeps_every_line_on_the_page_it_was_on(tmp_path: Path, present: int | None) -> None:
    view = tally(present=present, specials=[SPECIAL, ""] if present else [])
    block = ["选项计票(画“正”字)合计(票)", "赞成", "反对", "弃权", "无效", "合计四项之和,应与实到人数(或发出票数)相符",
             "计票人:监票人:主持人:"]
    special = ["表决事项类别:罢免村民委员会成员。依《村民委员会组织法》第十六条,须经应到30人的过半数同意(至少16票,"
               "按应到人数计算,不按到会人数)。"] if present else []
    expected = [
        ["柳林村村民代表会议计票单", "柳林村村民代表会议", "2026年第三次村民代表会议", "计票单",
         "日期2026年11月24日(星期二)地点村委会二楼会议室", "应到30人实到" + ("23人" if present else "______人"),
         "表决事项1:同意投资38万元硬化村东至村西道路。", *special, *block, "打印日期:2026-11-24", "第1页/共2页"],
        ["柳林村村民代表会议计票单", "表决事项2:调整2027年度村干部误工补贴标准。", *block, "打印日期:2026-11-24",
         "第2页/共2页"],
    ]
    assert_pages_read(tally_printout(view), expected, tmp_path)


def test_the_printouts_are_a4_portrait_and_their_pages_numbered(tmp_path: Path) -> None:
    for printout, kind in ((minutes_printout(minutes()), "minutes"), (signin_printout(_signin_view()), "signin"),
                           (tally_printout(tally()), "tally")):
        assert printout.kind == kind and printout.paper == "a4" and not printout.landscape
        assert [(p.number, p.total) for p in printout.pages] == [(n, len(printout)) for n in range(1, len(printout) + 1)]
        assert "2026年" in printout.title


def test_the_meeting_printouts_are_drawn_by_the_one_toolkit_only() -> None:
    """No page layout of their own: no ReportLab in app/meetings, pages from app.printing.flow."""
    folder = Path(__file__).resolve().parents[1] / "app" / "meetings"
    sources = {path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.py")}
    assert [name for name, text in sources.items() if "reportlab" in text or "platypus" in text] == []
    for name in ("printing.py", "signin_sheet.py", "print_common.py"):
        assert "app.printing.flow" in sources[name]


# ---------------------------------------------------------------- tables that fit their content


def _texts(printout: Printout) -> list[str]:
    return [op.text for page in printout.pages for op in page.ops if isinstance(op, Text)]


HEADINGS = {"序号", "姓名", "村民小组", "职务", "出席情况", "委托人/备注"}


def assert_whole(printout: Printout, words: set[str]) -> None:
    """Each of ``words`` printed in one piece: never cut over two lines of a cell."""
    texts = [t for t in _texts(printout) if t not in HEADINGS]
    for word in words:
        assert word in texts, word
        cut = [t for t in texts if t != word and len(t) >= 2 and (word.startswith(t) or word.endswith(t))]
        assert cut == [], word


def test_group_names_and_names_stay_on_one_line_in_the_attendance_table() -> None:
    printout = minutes_printout(minutes())
    assert_whole(printout, {"第一村民小组", "第二村民小组", "第三村民小组", "阿依古丽·买买提", "村委会主任"})


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):  # type: ignore[no-untyped-def]
    from app import demo
    from app.schema import open_store

    store = open_store(tmp_path_factory.mktemp("meetings-print-demo") / "demo")
    demo.create_demo(store, size="small", seed=2026)
    yield store
    store.close()


@pytest.fixture(scope="module")
def demo_meetings(demo_store):  # type: ignore[no-untyped-def]
    from app.meetings.service import get_meeting, list_meetings

    with demo_store.read() as s:
        return [get_meeting(s, m.id) for m in list_meetings(s)]


def test_in_the_demo_minutes_no_group_name_or_name_is_split_over_two_lines(demo_store, demo_meetings) -> None:
    from app.meetings.printouts import minutes_view

    tables = [m for m in demo_meetings if 0 < len(m.attendees) < 80 and any(a.group_name for a in m.attendees)]
    kinds = {m.kind for m in tables}
    assert {"村民代表会议", "两委联席会议"} <= kinds  # the representatives, and a meeting of officers with long titles
    seen = 0
    with demo_store.read() as s:
        for m in tables:
            view = minutes_view(s, m.id, data_dir=demo_store.data_dir)
            if not view.attendees:
                continue  # counted from the signed sheet: no table of names
            printout = minutes_printout(view)
            assert_whole(printout, {a.group_name for a in view.attendees if a.group_name}
                         | {a.name for a in view.attendees})
            seen += 1
    assert seen >= 5


def test_the_demo_printouts_carry_核验码_in_plain_words(demo_store, demo_meetings) -> None:
    from app.meetings.printouts import minutes_view, signin_view, tally_view
    from app.meetings.print_common import check_code

    closed = next(m for m in demo_meetings if m.state == "closed" and m.motion_list and m.attendees)
    with demo_store.read() as s:
        view = minutes_view(s, closed.id, data_dir=demo_store.data_dir)
        papers = [minutes_printout(view), signin_printout(signin_view(s, closed.id)),
                  tally_printout(tally_view(s, closed.id))]
    code = check_code(view.content_hash)
    assert len(code) == 19 and code.count("-") == 3
    for page in papers[0].pages:
        texts = [op.text for op in page.ops if isinstance(op, Text)]
        assert any(t.startswith("核验码:" + code) for t in texts) and SENTENCE in texts
        assert [op.payload for op in page.ops if isinstance(op, Qr)] == ["CUNWU-MINUTES|" + code]
    for paper in papers:
        joined = "".join(_texts(paper))
        assert "防篡改链" not in joined and "校验" not in joined


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("where", ["motion", "attendee"])
def test_a_character_no_font_has_stops_the_minutes_naming_it(tmp_path: Path, where: str) -> None:
    changes = {"motion": {"agenda": [AgendaLine("1", "议题", "", [motion(text="同意" + NOWHERE + "方案")])]},
               "attendee": {"attendees": [AttendeeLine("王" + NOWHERE + "明", GROUPS[0], "", "出席")]}}[where]
    path = tmp_path / "minutes.pdf"
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD") as raised:
        render_minutes(minutes(**changes), path)
    assert raised.value.chars == [NOWHERE]
    assert not path.exists()


def test_a_character_no_font_has_stops_the_tally_and_sign_in_sheets_naming_it() -> None:
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD"):
        tally_printout(tally(motions=["同意" + NOWHERE + "方案"]))
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD"):
        signin_printout(signin([SigninGroup(GROUPS[0], [SigninName("王" + NOWHERE + "明")])]))


FOOTER_STARTS = ("打印日期", "核验码", "本页实到", "第 ")


def assert_inside(printout: Printout) -> None:
    """Every text inside the page's margins, and nothing but the footer under the body."""
    for page in printout.pages:
        left, bottom, right, _top = page.body
        for op in page.ops:
            if not isinstance(op, Text):
                continue
            assert left - 0.5 <= op.x and op.x + op.width <= right + 0.5, (page.number, op.text)
            assert 0 < op.y < page.height, (page.number, op.text)
            if op.y < bottom - 1:
                assert op.text.startswith(FOOTER_STARTS) or op.text == SENTENCE, (page.number, op.text)


def test_a_500_character_motion_and_note_lay_out_inside_the_page() -> None:
    long_text = ("同意将村东头集体鱼塘承包给本村村民经营,承包期五年,承包费每年一万二千元,按年交清。" * 20)[:500]
    long_word = "A" * 120 + "1" * 380  # no place to break: cut where the line ends
    view = minutes(agenda=[AgendaLine("1", long_text, long_text, [motion(text=long_text, reason=long_word,
                                                                         resolution=long_text)])],
                   attendees=[AttendeeLine("王建国", GROUPS[0], long_text[:40], "出席", note=long_text)])
    printout = minutes_printout(view)
    assert_inside(printout)
    assert long_text[:20] in "".join(_texts(printout))
    sheet = tally_printout(tally(motions=[long_text, long_word], specials=[long_text]))
    assert_inside(sheet)
    assert len(sheet) >= 2
    roles = signin_printout(signin([SigninGroup(long_text[:60], [SigninName("王建国", long_text[:80], "0001")])]))
    assert_inside(roles)


def test_a_meeting_without_attendees_prints_every_paper_inside_the_page() -> None:
    view = minutes(attendees=[], members=0, present=0, absent=0, on_leave=0, agenda=[], addenda=[])
    printout = minutes_printout(view)
    assert_inside(printout)
    joined = "".join(_texts(printout))
    assert "参会人员" not in joined and "签 字" in joined and len(printout) == 1
    empty = signin_printout(signin([]))
    assert_inside(empty)
    assert len(empty) == 1 and "应到 0 人    实到 ______ 人    统计人:____________" in _texts(empty)
    sheet = tally_printout(tally(motions=[], members=0))
    assert_inside(sheet)
    assert "表决事项1:" in _texts(sheet)


def test_the_2000_adult_sheet_puts_every_row_on_a_page_tall_enough_to_sign() -> None:
    from app.meetings.print_common import SIGN_ROW_H

    names = unique_names(2000)
    groups = [SigninGroup("第{n}村民小组".format(n=g + 1), [SigninName(name, "", "{g}{k:03d}".format(g=g, k=k))
                                                           for k, name in enumerate(names[g * 250:(g + 1) * 250])])
              for g in range(8)]
    printout = signin_printout(signin(groups))
    assert_inside(printout)
    texts = _texts(printout)
    assert all(texts.count(name) == 1 for name in names[::97])
    rows_per_page = (printout.pages[1].body[3] - printout.pages[1].body[1]) // SIGN_ROW_H
    assert len(printout) <= 8 * -(-250 // (rows_per_page - 2)) + 1


def test_render_minutes_is_the_printout_written() -> None:
    view = dataclasses.replace(minutes(), print_date=dt.date(2026, 11, 26))
    assert minutes_printout(view).pages == minutes_printout(view).pages  # the same pages every time
