"""The life of a notice: review before posting, minimum posting days, frozen once posted,
corrections beside the original, feedback, search by one and two characters."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from app.check import check_store
from app.disclosure.service import (NoticeDraft, NoticeError, NoticeQuery, add_feedback, answer_feedback, approve,
                                    archive, attach_file, create_notice, delete_draft, get_notice, list_notices,
                                    notice_view, post_notice, posted_for_calendar, record_review, start_correction,
                                    submit_for_review, update_notice, verify_posted)
from app.disclosure.view import NoticeTable
from app.people.service import FieldError

DAY = dt.date(2026, 11, 2)


def draft(**kw) -> NoticeDraft:
    base = dict(title="2026年10月低保对象公示", category="村务", body="经村民代表评议,以下农户拟纳入低保。\n\n如有异议请联系村委会。",
                tables=[NoticeTable("拟纳入对象", ["姓名", "村民小组", "保障人数"], [["张三", "第一组", "2"], ["李四", "第二组", "1"]],
                                    frozenset({2}))])
    base.update(kw)
    return NoticeDraft(**base)


TERM = (dt.date(2026, 5, 1), dt.date(2031, 4, 30))  # the supervision committee's five-year term


def committee(store) -> None:
    """刘监督 (主任) and 陈委员 (委员) on the 村务监督委员会 for TERM: the only people who may review."""
    from app.people.roles import add_member, members_on
    from app.people.service import ResidentInput, add_resident

    with store.begin("王文书") as s:
        if members_on(s, DAY):
            return
        for name, title in (("刘监督", "主任"), ("陈委员", "委员")):
            rid = add_resident(s, ResidentInput(name=name, sex="男", birth_date=dt.date(1965, 4, 1))).id
            add_member(s, resident_id=rid, title=title, term_start=TERM[0], term_end=TERM[1])


def make(store, **kw) -> int:
    committee(store)
    with store.begin("王文书") as s:
        return create_notice(s, draft(**kw)).id


def reviewed_and_approved(store, nid: int) -> None:
    committee(store)
    with store.begin("王文书") as s:
        submit_for_review(s, nid)
        record_review(s, nid, reviewers=["刘监督", "陈委员"], date=DAY, opinion="内容属实")
        approve(s, nid, approver="张三", date=DAY)


def posted(store, **kw) -> int:
    nid = make(store, **kw)
    reviewed_and_approved(store, nid)
    with store.begin("王文书") as s:
        post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=9))
    return nid


def events(store) -> int:
    with store.read() as s:
        return s.execute(__import__("sqlalchemy").text("SELECT count(*) FROM events")).scalar_one()


def test_whole_lifecycle_numbers_the_notice_and_keeps_reviewers(store):
    nid = posted(store)
    with store.read() as s:
        n = get_notice(s, nid)
        assert n.state == "posted" and n.number == "2026-001"
        assert n.reviewers == "刘监督、陈委员" and n.approved_by == "张三"
        assert len(n.content_hash) == 64
        view = notice_view(s, nid)
        assert view.number == "2026-001" and not view.draft and view.reviewers == "刘监督、陈委员"
        assert view.qr_payload.endswith("|2026-001|" + n.content_hash)
        assert check_store(s).ok
    second = posted(store, title="第三季度村务公开")
    with store.read() as s:
        assert get_notice(s, second).number == "2026-002"


def test_posting_without_a_review_is_refused_and_changes_nothing(store):
    nid = make(store)
    before = events(store)
    with store.begin() as s, pytest.raises(NoticeError, match="监委会审核"):
        post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=30))
    with store.begin() as s:
        submit_for_review(s, nid)
    with store.begin() as s, pytest.raises(NoticeError, match="监委会审核"):
        post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=30))
    with store.read() as s:
        assert get_notice(s, nid).state == "submitted" and get_notice(s, nid).number == ""
    assert events(store) == before + 1


def test_returned_notice_needs_an_opinion_and_can_be_edited_again(store):
    nid = make(store)
    with store.begin() as s:
        submit_for_review(s, nid)
    with store.begin() as s, pytest.raises(FieldError, match="审核意见"):
        record_review(s, nid, reviewers="刘监督", date=DAY, passed=False)
    with store.begin() as s:
        record_review(s, nid, reviewers="刘监督", date=DAY, opinion="保障人数有误", passed=False)
    with store.begin() as s:
        out = update_notice(s, nid, draft(body="已更正保障人数。"))
    assert out.state == "returned" and out.body == "已更正保障人数。"
    assert [r.outcome for r in out.reviews] == ["returned"]


def test_posting_period_shorter_than_the_minimum_is_refused(store):
    nid = make(store)
    reviewed_and_approved(store, nid)
    with store.begin() as s, pytest.raises(FieldError, match="至少 7 天") as err:
        post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=5))
    assert "2026-11-08" in str(err.value)  # the first end date that would do
    with store.begin() as s, pytest.raises(FieldError, match="至少 15 天"):
        post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=13), min_days=15)
    with store.begin() as s:  # exactly the minimum is enough: 以上 includes the number
        assert post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=6)).state == "posted"


def test_a_posted_notice_cannot_be_edited_through_the_service(store):
    nid = posted(store)
    with store.begin() as s, pytest.raises(NoticeError, match="已经公开"):
        update_notice(s, nid, draft(title="改过的标题"))
    with store.begin() as s, pytest.raises(NoticeError):
        delete_draft(s, nid)
    with store.read() as s:
        assert get_notice(s, nid).title == "2026年10月低保对象公示"


@pytest.mark.tampers
def test_an_sql_edit_of_a_posted_notice_is_caught_by_check(store):
    nid = posted(store)
    con = sqlite3.connect(store.db_path)
    con.execute("UPDATE notices SET body = '偷改的内容' WHERE id = ?", (nid,))
    con.commit()
    con.close()
    with store.read() as s:
        report = check_store(s)
        assert not report.ok
        assert any(f"notices #{nid}" in str(p) and "body" in str(p) for p in report.problems)
        assert verify_posted(s) == [(nid, "2026-001")]


def test_correction_is_a_new_notice_and_both_stay_visible(store):
    old = posted(store)
    with store.begin() as s, pytest.raises(FieldError, match="原因"):
        start_correction(s, old, reason=" ")
    with store.begin() as s:
        new = start_correction(s, old, reason="李四的保障人数应为 2 人").id
        update_notice(s, new, draft(title="更正:2026年10月低保对象公示", body="更正如下。"))
    reviewed_and_approved(store, new)
    with store.begin() as s:
        post_notice(s, new, posted_from=DAY + dt.timedelta(days=3), posted_until=DAY + dt.timedelta(days=12))
    with store.read() as s:
        o, n = get_notice(s, old), get_notice(s, new)
        assert o.state == "posted" and o.corrected_by == [(new, "2026-002")]
        assert n.corrects_id == old and n.corrects_number == "2026-001"
        view = notice_view(s, new)
        assert "2026-001" in view.corrects and "保障人数应为 2 人" in view.corrects
        assert {x.id for x in list_notices(s, NoticeQuery(state="published"))} == {old, new}
        marks = {(p.number, p.corrects) for p in posted_for_calendar(s)}
        assert marks == set()  # neither has a catalogue item: the calendar does not count them


def test_correction_of_a_draft_is_refused(store):
    nid = make(store)
    with store.begin() as s, pytest.raises(NoticeError, match="直接修改"):
        start_correction(s, nid, reason="写错了")


def test_feedback_only_on_published_notices_and_answers_recorded(store):
    draft_id = make(store)
    with store.begin() as s, pytest.raises(NoticeError, match="还没有公开"):
        add_feedback(s, draft_id, asker="赵大爷", question="为什么没有我家?")
    nid = posted(store)
    with store.begin() as s:
        f = add_feedback(s, nid, asker="赵大爷", question="为什么没有我家?", asked_on=DAY)
    with store.begin() as s, pytest.raises(FieldError, match="答复内容"):
        answer_feedback(s, f.id, answer="", answered_by="张三")
    with store.begin() as s:
        answer_feedback(s, f.id, answer="您家人均收入超过标准。", answered_by="张三", answered_on=DAY)
    with store.read() as s:
        (got,) = get_notice(s, nid).feedback
        assert got.asker == "赵大爷" and got.answer.startswith("您家") and got.answered_by == "张三"


def test_archive_only_after_the_posting_period(store):
    nid = posted(store)
    with store.begin() as s, pytest.raises(NoticeError, match="才结束"):
        archive(s, nid, today=DAY + dt.timedelta(days=5))
    with store.begin() as s:
        assert archive(s, nid, today=DAY + dt.timedelta(days=10)).state == "archived"


@pytest.mark.parametrize("term", ["低保", "路", "保", "村道路面", "HT7", "张三"])
def test_search_finds_one_two_and_longer_terms_in_title_body_and_cells(store, term):
    hit = make(store, title="2026年低保公示", body="村道路面硬化工程已完工,合同号 HT7。")
    make(store, title="党费收缴情况", body="第三季度党费。", tables=[])
    with store.read() as s:
        found = [n.id for n in list_notices(s, NoticeQuery(text=term))]
    assert found == [hit]


def test_search_does_not_match_across_punctuation_and_filters_combine(store):
    a = make(store, title="道路维修", body="修路。")
    make(store, title="党员发展", category="党务", body="道,路")
    with store.read() as s:
        assert [n.id for n in list_notices(s, NoticeQuery(text="道路"))] == [a]
        assert list_notices(s, NoticeQuery(text="路", category="党务")) != []
        assert list_notices(s, NoticeQuery(text="道路", category="党务")) == []


def test_attachment_names_are_searchable_and_attaching_after_posting_keeps_the_notice_frozen(store, tmp_path):
    nid = posted(store)
    photo = tmp_path / "公开栏照片-十一月.jpg"
    photo.write_bytes(b"\xff\xd8fake jpeg")
    with store.begin() as s:
        attach_file(s, store.data_dir, nid, photo)
    with store.read() as s:
        n = get_notice(s, nid)
        assert [f.name for f in n.files] == ["公开栏照片-十一月.jpg"] and n.files[0].role == "board_photo"
        assert [x.id for x in list_notices(s, NoticeQuery(text="十一月"))] == [nid]
        assert verify_posted(s) == [] and check_store(s).ok


def test_bad_drafts_are_refused_with_the_field_named(store):
    with store.begin() as s:
        with pytest.raises(FieldError) as e:
            create_notice(s, draft(title=" "))
        assert e.value.field == "title"
        with pytest.raises(FieldError) as e:
            create_notice(s, draft(category="其他"))
        assert e.value.field == "category"
        with pytest.raises(FieldError, match="多出"):
            create_notice(s, draft(tables=[NoticeTable("表", ["姓名"], [["张三", "多余"]])]))
    with store.read() as s:
        assert list_notices(s) == []


def test_a_posted_item_leaves_the_due_list_and_periods_before_the_program_are_not_overdue(store):
    from app.disclosure.service import draft_for_item, due_entries

    on = dt.date(2026, 11, 24)
    with store.read() as s:
        due = due_entries(s, store.data_dir, on)
    # the store was set up today: nothing from before counts as overdue
    assert all(e.period.end >= dt.date.today() - dt.timedelta(days=1) for e in due)
    with store.begin() as s:
        d = draft_for_item(s, "SW-01", "2026-Q3", data_dir=store.data_dir)
        assert d.item_code == "SW-01" and d.period_label == "2026年第三季度" and "柳林村" in d.body
        assert d.title.startswith("2026年第三季度")
        nid = create_notice(s, d).id
    reviewed_and_approved(store, nid)
    with store.begin() as s:
        post_notice(s, nid, posted_from=dt.date(2026, 10, 5), posted_until=dt.date(2026, 10, 20))
    with store.read() as s:
        due = due_entries(s, store.data_dir, on)
        assert ("SW-01", "2026-Q3") not in {(e.item.code, e.period.key) for e in due}
        # the first posting (5 October) is where the program's record starts; in January the fourth
        # quarter's items are owed, the general matters (SW-01) among them
        later = due_entries(s, store.data_dir, dt.date(2027, 1, 20))
        assert ("SW-01", "2026-Q4", "overdue") in {(e.item.code, e.period.key, e.state) for e in later}
        assert all(e.period.end >= dt.date(2026, 10, 5) for e in later)


def test_a_period_the_item_does_not_have_is_refused(store):
    from app.disclosure.service import draft_for_item

    with store.begin() as s, pytest.raises(FieldError, match="没有“2026-13”这个期间"):
        draft_for_item(s, "SW-01", "2026-13", data_dir=store.data_dir)


# ---------------------------------------------------------------- who may review (监委会审核)


def _review_rows(store) -> int:
    from sqlalchemy import func, select

    from app.disclosure.models import NoticeReview

    with store.read() as s:
        return s.scalar(select(func.count()).select_from(NoticeReview))


def submitted(store) -> int:
    nid = make(store)
    with store.begin() as s:
        submit_for_review(s, nid)
    return nid


def test_a_reviewer_not_on_the_supervision_committee_is_refused_and_nothing_changes(store):
    # Organic Law Art. 32: the supervision committee reviews; the director 张三 is not on it
    nid = submitted(store)
    before, reviews = events(store), _review_rows(store)
    with store.begin() as s, pytest.raises(FieldError) as err:
        record_review(s, nid, reviewers=["刘监督", "张三"], date=DAY, opinion="同意")
    message = str(err.value)
    assert err.value.field == "reviewers"
    assert "“张三”不是登记在册的村务监督委员会成员" in message
    assert "刘监督、陈委员" in message and "登记村务监督委员会成员" in message  # who may, and what to do
    with store.read() as s:
        assert get_notice(s, nid).state == "submitted" and get_notice(s, nid).reviews == []
    assert events(store) == before and _review_rows(store) == reviews


def test_a_member_whose_term_ended_is_refused_for_a_later_review(store):
    from app.people.roles import add_member
    from app.people.service import ResidentInput, add_resident

    nid = submitted(store)
    with store.begin() as s:
        rid = add_resident(s, ResidentInput(name="周前任", sex="女", birth_date=dt.date(1958, 1, 1))).id
        add_member(s, resident_id=rid, title="委员", term_start=dt.date(2021, 5, 1), term_end=dt.date(2026, 4, 30))
    before = events(store)
    with store.begin() as s, pytest.raises(FieldError, match="任期已于 2026-04-30 结束,不能审核 2026-11-02"):
        record_review(s, nid, reviewers="周前任", date=DAY, opinion="同意")
    assert events(store) == before
    with store.begin() as s:  # on the last day of the term she may still review
        assert record_review(s, nid, reviewers="周前任", date=dt.date(2026, 4, 30), opinion="同意").state == "reviewed"


def test_a_member_is_not_yet_one_before_the_term_starts(store):
    nid = submitted(store)
    with store.begin() as s, pytest.raises(FieldError, match="任期从 2026-05-01 开始,2026-04-30 还不是监委会成员"):
        record_review(s, nid, reviewers="陈委员", date=TERM[0] - dt.timedelta(days=1), opinion="同意")
    with store.begin() as s:
        assert record_review(s, nid, reviewers="陈委员", date=TERM[0], opinion="同意").reviewers == "陈委员"


def test_with_no_member_registered_the_refusal_says_to_register_them_first(store):
    with store.begin() as s:
        nid = create_notice(s, draft()).id
        submit_for_review(s, nid)
    with store.begin() as s, pytest.raises(FieldError) as err:
        record_review(s, nid, reviewers="刘监督", date=DAY, opinion="同意")
    assert "没有登记在任的村务监督委员会成员" in str(err.value) and "请先登记" in str(err.value)


def test_the_members_in_force_are_listed_chair_first_for_the_day(store):
    from app.people.roles import members_on

    committee(store)
    with store.read() as s:
        assert [(m.name, m.title) for m in members_on(s, DAY)] == [("刘监督", "主任"), ("陈委员", "委员")]
        assert members_on(s, TERM[1] + dt.timedelta(days=1)) == []
        assert [m.name for m in members_on(s, TERM[1])] == ["刘监督", "陈委员"]  # the last day is in the term


def test_the_command_line_lists_who_may_review_on_a_day(capsys, store):
    from app.cli import main

    code = main(["--data-dir", str(store.data_dir), "disclosure", "reviewers", "--date", "2026-11-02"])
    out = capsys.readouterr().out
    assert code == 1 and "没有登记在任的村务监督委员会成员" in out and "登记监委会成员" in out
    committee(store)
    code = main(["--data-dir", str(store.data_dir), "disclosure", "reviewers", "--date", "2026-11-02"])
    out = capsys.readouterr().out
    assert code == 0 and "刘监督  主任  任期 2026-05-01 至 2031-04-30" in out and "陈委员  委员" in out
    code = main(["--data-dir", str(store.data_dir), "disclosure", "reviewers", "--date", "2031-05-01"])
    assert code == 1
