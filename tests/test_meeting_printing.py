"""The printed meeting papers: minutes (会议记录), sign-in sheet (签到表) and tally sheet (计票单).

What a reader of the paper would check: names and counts are there and in order, results and
their reasons, the draft mark, page numbers, no full ID number, and a name never printed
with a blank box.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.disclosure.layout import Line, Text
from app.meetings.printing import (layout_signin_sheet, minutes_printout, render_minutes, render_signin_sheet,
                                   render_tally_sheet, signin_printout, tally_printout)
from app.printing.pdf import pdf_bytes
from app.meetings.view import (AddendumLine, AgendaLine, AttendeeLine, MinutesView, MotionLine, SigninGroup,
                               SigninName, SigninView, TallyView)
from app.printing.fonts import MissingGlyphError
from conftest import make_id

MM = 72 / 25.4
RARE = "张𬍛"  # U+2C35B, CJK Extension E: only the HanaMin fallback has it
NOWHERE = "\U0010fffd"  # private use: in no font at all
FULL_ID = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")
GROUPS = ["第一村民小组", "第二村民小组", "第三村民小组"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_1 = "春海金玉永桂文光立新"
GIVEN_2 = "国英强兰华明芳军梅平"


def unique_names(count: int) -> list[str]:
    """Distinct three-character names, none inside another."""
    names = [s + a + b for s in SURNAMES for a in GIVEN_1 for b in GIVEN_2]
    assert count <= len(names)
    return names[:count]


def pages_text(path: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(path).pages]


def bytes_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squeeze(text: str) -> str:
    return "".join(text.split())


def font_names(path: Path) -> str:
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return " ".join(sorted(names))


def motion(**changes: object) -> MotionLine:
    line = MotionLine(
        number="1", text="同意投资38万元硬化村东至村西道路2.3公里。", votes_for=20, votes_against=2, abstentions=1,
        result_label="通过", reason="实到23人,赞成20票,超过实到人数的一半(村民委员会组织法第二十六条)。",
        resolution="村道硬化工程按方案实施,施工单位公开招标确定。")
    return dataclasses.replace(line, **changes)


def minutes(**changes: object) -> MinutesView:
    view = MinutesView(
        village_name="柳林村", kind_label="村民代表会议", title="2026年第三次村民代表会议", date=dt.date(2026, 11, 24),
        time_text="09:00-11:30", place="村委会二楼会议室", convener="柳林村村民委员会", chair="王建国",
        recorder="李秀英", group_name="", members=30, present=23, absent=4, on_leave=3, households=None,
        households_present=None, quorum_text="实到23人,达到组成人员的三分之二以上,会议有效。",
        attendees=[
            AttendeeLine("王建国", "", "村委会主任", "出席"),
            AttendeeLine("李秀英", GROUPS[0], "村民代表", "出席"),
            AttendeeLine(RARE, GROUPS[0], "村民代表", "委托出席", proxy_name="张明"),
            AttendeeLine("赵德福", GROUPS[1], "村民代表", "请假", note="外出务工"),
            AttendeeLine("阿依古丽·买买提", GROUPS[2], "村民代表", "缺席"),
        ],
        agenda=[
            AgendaLine("1", "村道硬化工程方案", "王建国介绍方案:道路全长2.3公里,预算38万元。", [motion()]),
            AgendaLine("2", "村干部误工补贴", "讨论了补贴标准。", [motion(
                number="2", text="调整2027年度村干部误工补贴标准。", votes_for=8, votes_against=10, abstentions=5,
                result_label="未通过", reason="赞成8票,未超过实到人数的一半,未通过。", resolution="")]),
        ],
        addenda=[AddendumLine(dt.date(2026, 11, 26), "议题二的表决票数", "弃权票应为5票,原记录为4票。", "李秀英")],
        closed=False, content_hash="", chain_head="第 123 号 · 3f2a9c1b", print_date=dt.date(2026, 11, 26),
        signers=[("主持人", "王建国"), ("记录人", "李秀英")])
    return dataclasses.replace(view, **changes)


def signin(groups: list[SigninGroup], **changes: object) -> SigninView:
    view = SigninView(village_name="柳林村", kind_label="村民会议", title="2026年度村民会议", date=dt.date(2026, 11, 24),
                      time_text="09:00", place="村小学操场", groups=groups,
                      members=sum(len(g.people) for g in groups), print_date=dt.date(2026, 11, 20))
    return dataclasses.replace(view, **changes)


def tally(**changes: object) -> TallyView:
    view = TallyView(village_name="柳林村", kind_label="村民代表会议", title="2026年第三次村民代表会议",
                     date=dt.date(2026, 11, 24), place="村委会二楼会议室", members=30, present=None,
                     motions=["同意投资38万元硬化村东至村西道路。", "调整2027年度村干部误工补贴标准。"],
                     print_date=dt.date(2026, 11, 24))
    return dataclasses.replace(view, **changes)


# ---------------------------------------------------------------- minutes


@pytest.fixture
def draft(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "minutes.pdf"
    return path, render_minutes(minutes(), path)


def test_minutes_show_the_meeting_its_people_and_the_votes(draft: tuple[Path, int]) -> None:
    path, pages = draft
    flat = squeeze("".join(pages_text(path)))
    for expected in ("柳林村", "村民代表会议", "2026年第三次村民代表会议", "会议记录", "2026年11月24日",
                     "09:00-11:30", "村委会二楼会议室", "召集人", "柳林村村民委员会", "应到", "30人", "实到", "23人",
                     "缺席", "4人", "请假", "3人", "达到组成人员的三分之二以上", "王建国", "李秀英", "阿依古丽·买买提",
                     "委托张明", "外出务工", "村道硬化工程方案", "预算38万元", "20票", "2票", "1票",
                     "超过实到人数的一半", "未超过实到人数的一半", "决议:村道硬化工程按方案实施"):
        assert expected in flat, expected
    assert "赞成反对弃权表决结果20票2票1票通过" in flat
    assert "赞成反对弃权表决结果8票10票5票未通过" in flat


def test_motions_print_their_counts_next_to_their_result() -> None:
    view = minutes(agenda=[AgendaLine("1", "议题", "", [motion(votes_for=17, votes_against=4, abstentions=2)])])
    assert "赞成反对弃权表决结果17票4票2票通过" in squeeze(bytes_text(pdf_bytes(minutes_printout(view))))


def test_sections_come_in_order_with_addenda_after_the_agenda_and_signatures_last(draft: tuple[Path, int]) -> None:
    flat = squeeze("".join(pages_text(draft[0])))
    order = ["会议基本情况", "参会人员", "会议议题", "议题1:村道硬化工程方案", "议题2:村干部误工补贴", "补充更正",
             "弃权票应为5票", "主持人(签字)", "记录人(签字)"]
    positions = [flat.index(item) for item in order]
    assert positions == sorted(positions)


def test_draft_minutes_say_so_on_every_page_and_closed_ones_do_not(tmp_path: Path) -> None:
    long_talk = "\n".join("第{n}位代表发言,同意方案并提出建议。".format(n=n) for n in range(80))
    open_view = minutes(agenda=[AgendaLine("1", "村道硬化工程方案", long_talk, [motion()])])
    path = tmp_path / "draft.pdf"
    pages = render_minutes(open_view, path)
    assert pages >= 2
    assert all("未定稿" in text for text in pages_text(path))

    closed = tmp_path / "closed.pdf"
    digest = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    render_minutes(dataclasses.replace(open_view, closed=True, content_hash=digest), closed)
    texts = pages_text(closed)
    assert not any("未定稿" in text for text in texts)
    code = "核验码:9F86-D081-884C-7D65"  # the first 16 characters of the content hash, in groups of four
    assert all(code in squeeze(text) and digest[:8] not in squeeze(text) for text in texts)
    assert "9F86-D081" not in squeeze("".join(pages_text(path)))


@pytest.mark.parametrize("closed", [False, True])
def test_every_page_is_numbered_and_only_closed_minutes_carry_a_核验码(tmp_path: Path, closed: bool) -> None:
    view = minutes(agenda=[AgendaLine("1", "议题", "\n".join("发言记录第{n}条。".format(n=n) for n in range(90)))],
                   closed=closed, content_hash="9f86d081884c7d659a2feaa0c55ad015" if closed else "")
    path = tmp_path / "long.pdf"
    total = render_minutes(view, path)
    texts = [squeeze(t) for t in pages_text(path)]
    assert total == len(texts) >= 2
    for number, text in enumerate(texts, start=1):
        assert "第{n}页/共{t}页".format(n=number, t=total) in text
        assert "打印日期:2026-11-26" in text
        # a draft can still change: nothing on it claims it can be checked; the log head is not printed
        assert ("核验码:9F86-D081-884C-7D65" in text) is closed
        assert "第123号" not in text


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_page_numbers_read_as_printed(draft: tuple[Path, int]) -> None:
    path, pages = draft
    out = subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True, encoding="utf-8",
                         check=True).stdout
    assert "第 1 页 / 共 {total} 页".format(total=pages) in out


def test_id_and_phone_numbers_typed_into_the_minutes_are_masked(tmp_path: Path) -> None:
    id_number = make_id(dt.date(1990, 3, 7), 123)
    talk = "李秀英提出:联系人张明,身份证号{id},电话13812345678,负责协调。".format(id=id_number)
    view = minutes(agenda=[AgendaLine("1", "村道硬化工程方案", talk, [motion(text="由张明({id})负责。".format(
        id=id_number))])], attendees=[AttendeeLine("赵德福", GROUPS[1], "", "请假", note="电话13912345678")])
    path = tmp_path / "masked.pdf"
    render_minutes(view, path)
    flat = squeeze("".join(pages_text(path)))
    assert not FULL_ID.search(flat)
    assert "13812345678" not in flat and "13912345678" not in flat
    assert id_number[:4] + "*" * 10 + id_number[-4:] in flat
    assert "138****5678" in flat
    assert "联系人张明" in flat and "赵德福" in flat  # names are not masked


def test_named_votes_list_who_voted_how() -> None:
    votes = [("王建国", "赞成"), ("李秀英", "赞成"), ("赵德福", "反对"), (RARE, "弃权")]
    view = minutes(agenda=[AgendaLine("1", "议题", "", [motion(named_votes=votes)])])
    flat = squeeze(bytes_text(pdf_bytes(minutes_printout(view))))
    assert "赞成(2人):王建国、李秀英" in flat
    assert "反对(1人):赵德福" in flat
    assert "弃权(1人):" + RARE in flat


def test_rare_character_in_a_name_prints_with_the_fallback_font(draft: tuple[Path, int]) -> None:
    path, _pages = draft
    assert RARE in squeeze("".join(pages_text(path)))
    assert "HanaMin" in font_names(path)


@pytest.mark.parametrize("where", ["attendee", "discussion", "signer"])
def test_minutes_with_a_character_in_no_font_are_refused_and_leave_no_file(tmp_path: Path, where: str) -> None:
    name = "王" + NOWHERE + "明"
    changes: dict[str, object] = {
        "attendee": {"attendees": [AttendeeLine(name, GROUPS[0], "", "出席")]},
        "discussion": {"agenda": [AgendaLine("1", "议题", "发言人:" + name)]},
        "signer": {"signers": [("主持人", name)]},
    }[where]
    path = tmp_path / "minutes.pdf"
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD") as raised:
        render_minutes(minutes(**changes), path)
    assert raised.value.chars == [NOWHERE]
    assert list(tmp_path.iterdir()) == []


def test_a_villagers_meeting_lists_hundreds_of_names_by_group_on_a_few_pages(tmp_path: Path) -> None:
    names = unique_names(900)
    status = ["出席"] * 8 + ["缺席", "请假"]
    attendees = [AttendeeLine(name, GROUPS[n * 3 // len(names)], "", status[n % 10]) for n, name in enumerate(names)]
    view = minutes(kind_label="村民会议", title="2026年度村民会议", members=900, present=720, absent=90, on_leave=90,
                   households=320, households_present=250, attendees=attendees)
    path = tmp_path / "villagers.pdf"
    pages = render_minutes(view, path)
    assert pages <= 10  # one table row a person would be some 40 pages
    text = "\n".join(pages_text(path))
    known = set(names)
    counts = Counter(token for token in text.split() if token in known)
    assert set(counts) == set(names) and set(counts.values()) == {1}
    flat = squeeze(text)
    assert "应到户数320户" in flat and "到会户代表250户" in flat
    present = [flat.index("{group}(240人)".format(group=g)) for g in GROUPS]
    assert present == sorted(present)
    assert flat.index("出席(720人)") < present[0] < flat.index("请假(90人)") < flat.index("缺席(90人)")
    # everyone is under the heading of their own group
    for n in (0, 450, 899):
        at = flat.index(names[n])
        group = GROUPS[n * 3 // len(names)]
        assert flat.rindex(group, 0, at) > max(flat.rfind(g, 0, at) for g in GROUPS if g != group)


# ---------------------------------------------------------------- sign-in sheet


def test_signin_sheet_has_every_name_exactly_once_under_its_group(tmp_path: Path) -> None:
    names = unique_names(2000)
    names[7] = RARE + "华"
    groups = [SigninGroup("第{n}村民小组".format(n="一二三四五六七八"[g]),
                          [SigninName(name, "户代表" if k % 4 == 0 else "", "{g}{k:03d}".format(g=g + 1, k=k))
                           for k, name in enumerate(names[g * 250:(g + 1) * 250])]) for g in range(8)]
    path = tmp_path / "signin.pdf"
    pages = render_signin_sheet(signin(groups), path)
    texts = pages_text(path)
    assert pages == len(texts) > 60
    tokens = Counter(token for text in texts for token in text.split())
    assert {name: tokens[name] for name in names} == {name: 1 for name in names}
    flat = [squeeze(text) for text in texts]
    assert "应到2000人" in flat[0]
    joined = "".join(flat)
    headings = [joined.index(g.name + "(共250人)") for g in groups]
    assert headings == sorted(headings)
    for g in (0, 3, 7):  # a name sits after its own group's heading and before the next one's
        at = joined.index(groups[g].people[100].name)
        assert headings[g] < at < (headings[g + 1] if g < 7 else len(joined))
    for number, text in enumerate(flat, start=1):
        assert "第{n}页/共{t}页".format(n=number, t=pages) in text
        assert "序号姓名职务/身份户号签名" in text  # the header row on every page
        assert "实到______人" in text


def test_signin_rows_are_tall_enough_to_sign_and_the_signature_column_is_wide() -> None:
    people = [SigninName(name, "村民代表", "0001") for name in unique_names(40)]
    pages = layout_signin_sheet(signin([SigninGroup(GROUPS[0], people)]))
    assert len(pages) == 2
    grid = [op for op in pages[1].ops if isinstance(op, Line) and op.width == 0.5]
    rows = sorted({round(op.y1, 2) for op in grid if op.y1 == op.y2})
    heights = sorted(b - a for a, b in zip(rows, rows[1:]))
    assert len(heights) > 10
    assert heights[0] >= 9 * MM  # every row is tall enough to sign by hand
    columns = sorted({round(op.x1, 2) for op in grid if op.x1 == op.x2})
    assert len(columns) == 6
    assert columns[-1] - columns[-2] >= 70 * MM


def test_a_group_never_starts_at_the_foot_of_a_page() -> None:
    names = iter(unique_names(300))
    groups = [SigninGroup("第{n}组".format(n=n), [SigninName(next(names)) for _ in range(size)])
              for n, size in enumerate([19, 7, 30, 3, 12, 40, 5], start=1)]
    pages = layout_signin_sheet(signin(groups))
    for page in pages:
        texts = [op for op in page.ops if isinstance(op, Text)]
        for heading in [op for op in texts if "组(共" in op.text and not op.text.endswith("(续)")]:
            group = next(g for g in groups if heading.text.startswith(g.name + "("))
            below = [op for op in texts if op.text in {p.name for p in group.people} and op.y < heading.y]
            # a group that fits a page is not split over two; a longer one starts on a page of its own
            assert len(below) >= min(len(group.people), 20), heading.text


def test_signin_sheet_with_a_character_in_no_font_is_refused_and_leaves_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "signin.pdf"
    path.write_bytes(b"yesterday's sheet")
    groups = [SigninGroup(GROUPS[0], [SigninName("李秀英"), SigninName("王" + NOWHERE + "明")])]
    with pytest.raises(MissingGlyphError, match="U\\+10FFFD"):
        render_signin_sheet(signin(groups), path)
    assert path.read_bytes() == b"yesterday's sheet"
    assert [p.name for p in tmp_path.iterdir()] == ["signin.pdf"]


def test_rare_name_on_the_signin_sheet_uses_the_fallback_font(tmp_path: Path) -> None:
    path = tmp_path / "signin.pdf"
    render_signin_sheet(signin([SigninGroup("", [SigninName(RARE, "村委会委员")])]), path)
    text = squeeze("".join(pages_text(path)))
    assert RARE in text and "其他参会人员" in text
    assert "HanaMin" in font_names(path)


# ---------------------------------------------------------------- tally sheet


def test_tally_sheet_has_a_block_per_motion_with_rows_to_tally_and_signatures(tmp_path: Path) -> None:
    path = tmp_path / "tally.pdf"
    pages = render_tally_sheet(tally(), path)
    flat = squeeze("".join(pages_text(path)))
    assert "计票单" in flat and "应到30人" in flat and "实到______人" in flat
    first, second = flat.index("表决事项1:同意投资38万元"), flat.index("表决事项2:调整2027年度")
    assert first < second
    for block in (flat[first:second], flat[second:]):
        positions = [block.index(word) for word in ("赞成", "反对", "弃权", "无效", "合计四项之和", "计票人", "监票人",
                                                         "主持人")]
        assert positions == sorted(positions)
    assert "第1页/共{n}页".format(n=pages) in flat


def test_tally_sheet_prints_the_attendance_when_it_is_known() -> None:
    flat = squeeze(bytes_text(pdf_bytes(tally_printout(tally(present=23)))))
    assert "实到23人" in flat and "______" not in flat.split("表决事项1")[0]


def test_tally_sheet_masks_numbers_in_motions_and_refuses_missing_characters(tmp_path: Path) -> None:
    id_number = make_id(dt.date(1975, 5, 1), 42)
    path = tmp_path / "tally.pdf"
    render_tally_sheet(tally(motions=["同意由张明(身份证{id})承包鱼塘。".format(id=id_number)]), path)
    flat = squeeze("".join(pages_text(path)))
    assert id_number not in flat and "张明" in flat
    broken = tmp_path / "broken.pdf"
    with pytest.raises(MissingGlyphError):
        render_tally_sheet(tally(motions=["同意" + NOWHERE]), broken)
    assert not broken.exists()


def test_pdf_bytes_is_the_printed_document() -> None:
    data = pdf_bytes(signin_printout(signin([SigninGroup(GROUPS[0], [SigninName("李秀英")])])))
    assert data.startswith(b"%PDF")
    assert "李秀英" in bytes_text(data)
