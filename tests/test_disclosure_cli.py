"""``cunwu disclosure due/list/print/feedback`` as a clerk or the township runs them."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess

from app.cli import main
from test_disclosure_notices import DAY, draft, posted


def run(capsys, store, *argv: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(store.data_dir), "disclosure", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_due_lists_owed_items_and_exits_zero(capsys, store):
    posted(store)  # posted on 2 November 2026: the village's record starts there, whatever today is
    code, out, _err = run(capsys, store, "due", "--date", "2027-01-20")
    assert code == 0
    assert "已逾期" in out and "2026年第四季度" in out and "截止 2027-01-10" in out
    code, out, _err = run(capsys, store, "due", "--date", "2026-11-25")
    assert code == 0 and "没有待公开或已逾期的事项" in out


def test_due_with_a_bad_date_says_how_to_write_it(capsys, store):
    code, _out, err = run(capsys, store, "due", "--date", "2026/13/1")
    assert code == 1 and "2026-11-05" in err


def test_list_json_has_the_contract_fields(capsys, store):
    nid = posted(store)
    code, out, _err = run(capsys, store, "list", "--json")
    assert code == 0
    (row,) = json.loads(out)
    assert {k: row[k] for k in ("id", "number", "title", "category", "state")} == {
        "id": nid, "number": "2026-001", "title": "2026年10月低保对象公示", "category": "村务", "state": "posted"}
    assert "period" in row
    code, out, _err = run(capsys, store, "list", "--search", "低保")
    assert code == 0 and "2026-001" in out and "公开中" in out
    code, out, _err = run(capsys, store, "list", "--search", "飞机")
    assert code == 0 and "没有符合条件" in out


def test_print_writes_a_pdf_with_the_notice_and_no_full_id_number(capsys, store, tmp_path):
    from app.disclosure.service import create_notice
    from app.disclosure.view import NoticeTable

    with store.begin() as s:
        nid = create_notice(s, draft(tables=[NoticeTable("名单", ["姓名", "身份证号"],
                                                        [["张三", "370102196003010117"]])])).id
    out = tmp_path / "公告.pdf"
    code, stdout, _err = run(capsys, store, "print", str(nid), "-o", str(out), "--paper", "a3")
    assert code == 0 and "草稿" in stdout and out.exists()
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "低保对象公示" in text.replace("\n", "") and "张三" in text
    assert not re.search(r"\d{17}[\dX]", text)


def test_print_of_an_unknown_notice_or_wrong_name_fails_cleanly(capsys, store, tmp_path):
    code, _out, err = run(capsys, store, "print", "999", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and "999" in err and not (tmp_path / "x.pdf").exists()
    code, _out, err = run(capsys, store, "print", "1", "-o", str(tmp_path / "x.txt"))
    assert code == 1 and ".pdf" in err


def test_feedback_list_prints_questions_and_answers(capsys, store, tmp_path):
    from app.disclosure.service import add_feedback, answer_feedback

    nid = posted(store)
    with store.begin() as s:
        f = add_feedback(s, nid, asker="赵大爷", question="为什么没有我家?", asked_on=DAY)
        answer_feedback(s, f.id, answer="人均收入超过标准。", answered_by="张三", answered_on=DAY + dt.timedelta(days=1))
    out = tmp_path / "意见.pdf"
    code, stdout, _err = run(capsys, store, "feedback", str(nid), "-o", str(out))
    assert code == 0 and "1 条" in stdout
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "赵大爷" in text and "人均收入超过标准" in text.replace("\n", "")
