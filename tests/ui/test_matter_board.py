"""四议两公开 on the board as the clerk uses it: a new matter waiting for its first step, the advance
dialog offering only meetings of the right kind, steps 1–4 taken and the resolution drafted, a failed
vote ending or restarting the matter, the Art. 24 refusal at a representatives' meeting and the
authorisation picked from the villagers' motions, the result only after the resolution is posted,
办结 only after the result is posted, and 村规民约 filed with the township (Art. 27)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.disclosure.models import Notice  # noqa: E402
from app.events import Event  # noqa: E402
from app.meetings.kinds import MeetingKind  # noqa: E402
from app.meetings.matters import create_matter, get_matter, take_step  # noqa: E402
from app.meetings.models import PRESENT  # noqa: E402
from app.meetings.service import (MeetingInput, add_attendee, add_motion, close_meeting, create_meeting,  # noqa: E402
                                  record_vote, set_attendance)
from app.storage import Store  # noqa: E402
from ui.meetings.matter_board import DONE, FAILED_BOX, LATER, NEXT, MatterBoard, MatterCard  # noqa: E402
from ui.meetings.matter_dialogs import (AdvanceDialog, AuthorisationDialog, CloseDialog, FilingDialog,  # noqa: E402
                                        NewMatterDialog, ResultDialog)

from conftest import Shown  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown

TASK_MS = 15_000
TODAY = dt.date.today()
NAMES = ("张三", "李四", "王小红", "赵明", "孙丽")


def _meeting(s, kind: MeetingKind, title: str, day: dt.date,  # type: ignore[no-untyped-def]
             motions: list[tuple[str, int]]) -> tuple[int, list[int]]:
    """A closed meeting of five members, all present, with each motion voted (votes for out of five)."""
    m = create_meeting(s, MeetingInput(kind=kind.value, title=title, date=day, chair="张三", recorder="李四"),
                       fill_attendees=False)
    attendees = [add_attendee(s, m.id, name=n).id for n in NAMES]
    set_attendance(s, m.id, {a: PRESENT for a in attendees})
    ids = []
    for text, votes in motions:
        x = add_motion(s, m.id, text=text)
        record_vote(s, x.id, votes_for=votes, votes_against=len(NAMES) - votes)
        ids.append(x.id)
    close_meeting(s, m.id)
    return m.id, ids


@dataclass
class Village:
    store: Store
    meetings: dict[str, tuple[int, list[int]]]

    def meeting(self, key: str) -> int:
        return self.meetings[key][0]

    def motion(self, key: str, i: int = 0) -> int:
        return self.meetings[key][1][i]


@pytest.fixture
def village(store: Store) -> Village:
    """Closed meetings of every kind the four steps need, in date order; at the joint meeting the
    factory lease failed (1 of 5)."""
    day = TODAY - dt.timedelta(days=60)
    with store.begin("王文书") as s:
        meetings = {
            "branch": _meeting(s, MeetingKind.BRANCH_COMMITTEE, "三月支部委员会会议", day,
                               [("提议实施村道硬化工程", 4), ("提议出租村集体厂房", 4)]),
            "joint": _meeting(s, MeetingKind.JOINT_COMMITTEES, "三月两委联席会议", day + dt.timedelta(days=10),
                              [("商议村道硬化工程方案", 4), ("商议出租村集体厂房", 1)]),
            "party": _meeting(s, MeetingKind.PARTY, "四月党员大会", day + dt.timedelta(days=20),
                              [("审议村道硬化工程方案", 4)]),
            "reps": _meeting(s, MeetingKind.REPRESENTATIVES, "四月村民代表会议", day + dt.timedelta(days=30),
                             [("决定村道硬化工程方案", 4)]),
            "villagers": _meeting(s, MeetingKind.VILLAGERS, "五月村民会议", day + dt.timedelta(days=40),
                                  [("表决村道硬化工程方案", 4)]),
            "granting": _meeting(s, MeetingKind.VILLAGERS, "二月村民会议", day - dt.timedelta(days=20),
                                 [("授权村民代表会议决定村道硬化工程方案", 4), ("否决的事项", 1)]),
        }
    return Village(store, meetings)


def _matter(store: Store, subject: str, category: str) -> int:
    with store.begin("王文书") as s:
        return create_matter(s, subject=subject, category=category).id


def _board(qtbot, store: Store) -> MatterBoard:  # type: ignore[no-untyped-def]
    board = MatterBoard(store, actor="王文书")
    qtbot.addWidget(board)
    board.resize(1100, 800)
    board.show()
    qtbot.waitUntil(lambda: not board.loading and board.count_label.text() != "", timeout=TASK_MS)
    return board


def _card(qtbot, board: MatterBoard, matter_id: int,  # type: ignore[no-untyped-def]
          until=lambda c: True) -> MatterCard:
    qtbot.waitUntil(lambda: (c := board.card_for(matter_id)) is not None and until(c), timeout=TASK_MS)
    card = board.card_for(matter_id)
    assert card is not None
    return card


def _dialog(qtbot, shown: Shown, kind: type, count: int) -> QDialog:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: len(shown.dialogs) >= count and isinstance(shown.dialogs[-1], kind), timeout=TASK_MS)
    return shown.dialogs[-1]


def _events(store: Store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)))


def _advance(qtbot, board: MatterBoard, shown: Shown, matter_id: int) -> AdvanceDialog:  # type: ignore[no-untyped-def]
    before = len(shown.dialogs)
    _card(qtbot, board, matter_id).advance_button.click()
    dialog = _dialog(qtbot, shown, AdvanceDialog, before + 1)
    assert isinstance(dialog, AdvanceDialog)
    return dialog


def _take(qtbot, board: MatterBoard, shown: Shown, matter_id: int,  # type: ignore[no-untyped-def]
          meeting_id: int, motion_id: int) -> None:
    dialog = _advance(qtbot, board, shown, matter_id)
    dialog.select_meeting(meeting_id)
    dialog.select_motion(motion_id)
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.run()


def _states(card: MatterCard) -> list[str]:
    return [box.state for box in card.step_boxes]


# ---------------------------------------------------------------- a new matter


def test_a_new_matter_appears_waiting_for_the_party_branch_to_propose_it(qtbot, village, shown):
    board = _board(qtbot, village.store)
    assert "还没有重大事项" in board.empty_label.text()
    board.new_button.click()
    dialog = _dialog(qtbot, shown, NewMatterDialog, 1)
    assert isinstance(dialog, NewMatterDialog)
    dialog.subject_edit.setText("村道硬化工程")
    dialog.set_category("public_welfare")
    assert dialog.art24_label.isVisibleTo(dialog) and "第二十四条" in dialog.art24_label.text()
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS) as done:
        dialog.run()

    card = _card(qtbot, board, done.args[0].id)
    assert _states(card) == [NEXT, LATER, LATER, LATER]
    assert "待办" in card.step_boxes[0].text() and "支部委员会会议" in card.step_boxes[0].text()
    assert "未开始" in card.step_boxes[3].text()
    assert "须村民会议决定" in card.text()
    assert "等待第 1 步:党组织提议" in card.waiting_label.text()
    assert "未起草" in card.resolution_box.text() and "未起草" in card.result_box.text()
    assert card.advance_button.isVisibleTo(card) and not card.result_button.isVisibleTo(card)


def test_a_new_matter_without_a_subject_is_refused_under_the_field(qtbot, village, shown):
    board = _board(qtbot, village.store)
    dialog = board.new_matter()
    dialog.set_category("other")
    assert not dialog.art24_label.isVisibleTo(dialog)  # only Art. 24 and Art. 27 matters have a note
    events = _events(village.store)
    dialog.run()
    qtbot.waitUntil(lambda: "请填写事项名称" in dialog.error_text(), timeout=TASK_MS)
    assert _events(village.store) == events
    assert board.cards == []


# ---------------------------------------------------------------- the steps


def test_the_advance_dialog_offers_only_meetings_that_can_take_the_next_step(qtbot, village, shown):
    matter = _matter(village.store, "村道硬化工程", "public_welfare")
    board = _board(qtbot, village.store)
    dialog = _advance(qtbot, board, shown, matter)
    assert dialog.meeting_ids() == [village.meeting("branch")]
    listed = "\n".join(dialog.meeting_list.item(i).text() for i in range(dialog.meeting_list.count()))
    assert "三月支部委员会会议" in listed
    assert "两委联席会议" not in listed and "党员大会" not in listed and "村民会议" not in listed
    assert dialog.motion_list.count() == 2  # both motions of that meeting, neither used yet


def test_taking_steps_1_to_4_marks_each_done_and_drafts_the_resolution_notice(qtbot, village, shown):
    matter = _matter(village.store, "村道硬化工程", "public_welfare")
    board = _board(qtbot, village.store)
    plan = [("branch", 0), ("joint", 0), ("party", 0), ("villagers", 0)]
    for n, (key, i) in enumerate(plan, start=1):
        _take(qtbot, board, shown, matter, village.meeting(key), village.motion(key, i))
        card = _card(qtbot, board, matter, lambda c, n=n: _states(c)[:n] == [DONE] * n)
        assert "已记为第" in board.message.text() or n == 4

    card = _card(qtbot, board, matter, lambda c: c.resolution_box.state != LATER)
    assert _states(card) == [DONE, DONE, DONE, DONE]
    first = card.step_boxes[0].text()
    assert "✓ 已完成" in first and "三月支部委员会会议" in first
    assert (TODAY - dt.timedelta(days=60)).isoformat() in first
    assert "五月村民会议" in card.step_boxes[3].text()
    assert card.state_label.text() == "已决议,待实施"
    with village.store.read() as s:
        notice = s.scalars(select(Notice).where(Notice.source == "matter:{}".format(matter))).one()
    assert notice.title == "关于村道硬化工程的决议公告"
    assert "尚未张贴" in card.resolution_box.text() and "#{}".format(notice.id) in card.resolution_box.text()
    assert "未起草" in card.result_box.text()
    assert card.result_button.isVisibleTo(card) and not card.advance_button.isVisibleTo(card)

    with qtbot.waitSignal(board.open_meeting, timeout=TASK_MS) as opened:
        card.step_boxes[1].open_button.click()
    assert opened.args == [village.meeting("joint")]
    card.notice_button.click()
    assert "关于村道硬化工程的决议公告" in shown.said[-1] and "村务公开" in shown.said[-1]


@pytest.mark.parametrize("choice", ["end", "restart"])
def test_a_failed_vote_ends_the_matter_or_sends_it_back_to_step_1(qtbot, village, shown, choice):
    matter = _matter(village.store, "出租村集体厂房", "property")
    with village.store.begin("王文书") as s:
        take_step(s, matter, step=1, meeting_id=village.meeting("branch"), motion_id=village.motion("branch", 1))
    board = _board(qtbot, village.store)
    dialog = _advance(qtbot, board, shown, matter)
    dialog.select_meeting(village.meeting("joint"))
    dialog.select_motion(village.motion("joint", 1))
    assert dialog.failure_box.isVisibleTo(dialog)
    assert dialog.ok_button.text() == "登记表决未通过"
    events = _events(village.store)
    dialog.run()  # neither ending nor restarting chosen yet: nothing is written
    assert "请选择" in dialog.error_text()
    assert _events(village.store) == events

    (dialog.end_radio if choice == "end" else dialog.restart_radio).setChecked(True)
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.run()

    if choice == "end":
        qtbot.waitUntil(lambda: board.card_for(matter) is None, timeout=TASK_MS)  # no longer 进行中
        board.all_radio.setChecked(True)
        card = _card(qtbot, board, matter)
        assert card.state_label.text() == "已终止"
        assert _states(card) == [DONE, FAILED_BOX, LATER, LATER]
        assert "✗ 未通过" in card.step_boxes[1].text()
        assert not card.advance_button.isVisibleTo(card)
    else:
        card = _card(qtbot, board, matter, lambda c: "第 2 轮" in c.text())
        assert _states(card) == [NEXT, LATER, LATER, LATER]
        assert "等待第 1 步" in card.waiting_label.text()
        assert "第 1 轮第 2 步“两委会商议”未通过" in card.history_label.text()
        assert "退回第一步重新提议" in card.history_label.text()


def test_an_art24_matter_at_the_representatives_meeting_without_authorisation_is_refused(qtbot, village, shown):
    matter = _matter(village.store, "村道硬化工程", "public_welfare")
    with village.store.begin("王文书") as s:
        for step, key in ((1, "branch"), (2, "joint"), (3, "party")):
            take_step(s, matter, step=step, meeting_id=village.meeting(key), motion_id=village.motion(key))
    board = _board(qtbot, village.store)
    card = _card(qtbot, board, matter)
    assert "等待第 4 步:由村民会议决议;记录村民会议的授权后" in card.waiting_label.text()
    dialog = _advance(qtbot, board, shown, matter)
    assert set(dialog.meeting_ids()) == {village.meeting("reps"), village.meeting("villagers")}
    dialog.select_meeting(village.meeting("reps"))
    dialog.select_motion(village.motion("reps"))
    events = _events(village.store)
    dialog.run()
    qtbot.waitUntil(lambda: "第二十四条" in dialog.error_text(), timeout=TASK_MS)
    assert "授权" in dialog.error_text()
    assert dialog.ok_button.isEnabled()  # still open: the clerk can pick the villagers' meeting instead
    assert _events(village.store) == events
    with village.store.read() as s:
        assert get_matter(s, matter).next_step == 4

    # with the villagers' meeting's authorisation linked, the same meeting may decide
    before = len(shown.dialogs)
    _card(qtbot, board, matter).authorise_button.click()
    auth = _dialog(qtbot, shown, AuthorisationDialog, before + 1)
    # passed motions of closed 村民会议 only: not the representatives' meeting, not the failed motion
    assert [m.meeting_id for m in auth.meetings] == [village.meeting("villagers"), village.meeting("granting")]
    assert auth.meetings[1].motions == [(village.motion("granting"), "授权村民代表会议决定村道硬化工程方案")]
    auth.select_motion(village.meeting("granting"), village.motion("granting"))
    with qtbot.waitSignal(auth.completed, timeout=TASK_MS):
        auth.run()
    _card(qtbot, board, matter, lambda c: "二月村民会议通过:授权村民代表会议决定村道硬化工程方案" in c.history_label.text())
    _take(qtbot, board, shown, matter, village.meeting("reps"), village.motion("reps"))
    card = _card(qtbot, board, matter, lambda c: c.state_label.text() == "已决议,待实施")
    assert "四月村民代表会议" in card.step_boxes[3].text()


def test_recording_the_result_drafts_the_result_notice_and_finishes_the_matter(qtbot, village, shown):
    matter = _matter(village.store, "村道硬化工程", "public_welfare")
    with village.store.begin("王文书") as s:
        for step, key in ((1, "branch"), (2, "joint"), (3, "party"), (4, "villagers")):
            take_step(s, matter, step=step, meeting_id=village.meeting(key), motion_id=village.motion(key),
                      data_dir=village.store.data_dir)
    board = _board(qtbot, village.store)
    card = _card(qtbot, board, matter)
    # Organic Law Art. 30 with 四议两公开: the resolution is posted before the result is recorded
    assert card.result_button.isVisibleTo(card) and not card.result_button.isEnabled()
    assert "等待决议公开张贴" in card.waiting_label.text()
    _post(village.store, get(village.store, matter).resolution_notice_id, TODAY - dt.timedelta(days=15))
    board.reload()
    card = _card(qtbot, board, matter, lambda c: c.result_button.isEnabled())
    assert "✓ 公开中" in card.resolution_box.text()
    card.result_button.click()
    dialog = _dialog(qtbot, shown, ResultDialog, 1)
    events = _events(village.store)
    dialog.run()
    qtbot.waitUntil(lambda: "请写明实施情况" in dialog.error_text(), timeout=TASK_MS)
    assert _events(village.store) == events

    dialog.summary_edit.setPlainText("硬化村道 1.2 公里,实际支出 36.5 万元,已通过验收。")
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.run()
    card = _card(qtbot, board, matter, lambda c: c.state_label.text() == "已实施,待公开结果")  # still 进行中
    assert "已起草" in card.result_box.text() and "✓ 公开中" in card.resolution_box.text()
    assert "实际支出 36.5 万元" in card.history_label.text()
    assert not card.result_button.isVisibleTo(card) and card.notice_button.isVisibleTo(card)
    assert card.close_button.isVisibleTo(card) and not card.close_button.isEnabled()
    card.notice_button.click()
    assert "关于村道硬化工程的实施结果公告" in shown.said[-1]

    # 办结 once the result notice is on the board too
    _post(village.store, get(village.store, matter).result_notice_id, TODAY)
    board.reload()
    card = _card(qtbot, board, matter, lambda c: c.close_button.isEnabled())
    assert "实施结果已公开,可以办结" in card.waiting_label.text()
    before = len(shown.dialogs)
    card.close_button.click()
    closing = _dialog(qtbot, shown, CloseDialog, before + 1)
    with qtbot.waitSignal(closing.completed, timeout=TASK_MS):
        closing.run()
    qtbot.waitUntil(lambda: board.card_for(matter) is None, timeout=TASK_MS)  # done: not 进行中 any more
    board.all_radio.setChecked(True)
    card = _card(qtbot, board, matter)
    assert card.state_label.text() == "已办结" and not card.close_button.isVisibleTo(card)


def get(store: Store, matter_id: int):  # type: ignore[no-untyped-def]
    with store.read() as s:
        return get_matter(s, matter_id)


def _post(store: Store, notice_id: int, day: dt.date) -> None:
    """Reviewed by the supervision committee (王监督), approved and posted on ``day``."""
    from app.disclosure import service as ds
    from app.people.service import ResidentInput, add_resident, assign_role

    with store.begin("王文书") as s:
        from app.people.models import Role

        if not s.scalars(select(Role).where(Role.body == "村务监督委员会")).first():
            rid = add_resident(s, ResidentInput(name="王监督", sex="男", birth_date=dt.date(1970, 1, 1))).id
            assign_role(s, resident_id=rid, body="村务监督委员会", title="主任")
        ds.submit_for_review(s, notice_id)
        ds.record_review(s, notice_id, reviewers="王监督", date=day)
        ds.approve(s, notice_id, approver="张三", date=day)
        ds.post_notice(s, notice_id, posted_from=day, posted_until=day + dt.timedelta(days=20))


def _resolved(village: Village, subject: str, category: str, last: str = "villagers") -> int:
    matter = _matter(village.store, subject, category)
    with village.store.begin("王文书") as s:
        for step, key in ((1, "branch"), (2, "joint"), (3, "party"), (4, last)):
            take_step(s, matter, step=step, meeting_id=village.meeting(key), motion_id=village.motion(key),
                      data_dir=village.store.data_dir)
    return matter


def test_an_unposted_resolution_past_its_deadline_shows_overdue_on_the_card(qtbot, village, shown):
    """The catalogue's SW-06 (3 days in the default): step 4 forty days ago and nothing posted is overdue."""
    matter = _resolved(village, "村道硬化工程", "public_welfare")
    board = _board(qtbot, village.store)
    card = _card(qtbot, board, matter)
    assert card.resolution_box.state == FAILED_BOX
    decided = TODAY - dt.timedelta(days=20)
    assert "已逾期 {n} 天".format(n=(TODAY - decided).days - 3) in card.resolution_box.text()
    assert "应在 {d} 前张贴".format(d=(decided + dt.timedelta(days=3)).isoformat()) in card.resolution_box.text()


def test_village_rules_go_to_the_villagers_meeting_and_their_filing_is_recorded(qtbot, village, shown):
    """Organic Law Art. 27: 村规民约 only at a 村民会议, no authorisation; once adopted, filed with the township."""
    matter = _matter(village.store, "修订村规民约", "village_rules")
    with village.store.begin("王文书") as s:
        for step, key in ((1, "branch"), (2, "joint"), (3, "party")):
            take_step(s, matter, step=step, meeting_id=village.meeting(key), motion_id=village.motion(key))
    board = _board(qtbot, village.store)
    card = _card(qtbot, board, matter)
    assert "村民会议决定·报乡镇备案" in card.text() and not card.authorise_button.isVisibleTo(card)
    assert "由村民会议来议" in card.step_boxes[3].text()
    dialog = _advance(qtbot, board, shown, matter)
    assert dialog.meeting_ids() == [village.meeting("villagers")]  # the representatives' meeting is not offered
    assert "第二十七条" in "\n".join(w.text() for w in dialog.findChildren(type(board.empty_label)))
    dialog.select_meeting(village.meeting("villagers"))
    dialog.select_motion(village.motion("villagers"))
    with qtbot.waitSignal(dialog.completed, timeout=TASK_MS):
        dialog.run()
    card = _card(qtbot, board, matter, lambda c: c.filing_button.isVisibleTo(c))
    assert "报乡镇备案:尚未登记" in card.history_label.text()
    before = len(shown.dialogs)
    card.filing_button.click()
    filing = _dialog(qtbot, shown, FilingDialog, before + 1)
    events = _events(village.store)
    filing.run()  # no reference typed: refused under the field, nothing written
    qtbot.waitUntil(lambda: "文号" in filing.error_text(), timeout=TASK_MS)
    assert _events(village.store) == events
    filing.date_edit.setDate(TODAY - dt.timedelta(days=2))
    filing.reference_edit.setText("石桥镇备〔2026〕3号")
    with qtbot.waitSignal(filing.completed, timeout=TASK_MS):
        filing.run()
    card = _card(qtbot, board, matter, lambda c: "石桥镇备〔2026〕3号" in c.history_label.text())
    assert "报乡镇备案:{d},石桥镇备〔2026〕3号".format(d=(TODAY - dt.timedelta(days=2)).isoformat()) \
        in card.history_label.text()
    assert card.filing_button.text() == "修改备案…"
