"""The 证明开具 screen, issue 15's part: the 校验码 typed on the 核验 tab, and the 核实人 filled in with the
program's user who logged in (never the computer's account name)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import getpass  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.certificates.catalogue import load_catalogues  # noqa: E402
from app.certificates.payload import CHECK_ALPHABET  # noqa: E402
from app.certificates.service import Approval, CheckRecord, IssueRequest, issue_certificate  # noqa: E402
from app.keys import ensure_village_key, load_village_key  # noqa: E402
from app.people.models import Resident  # noqa: E402
from app.people.service import assign_role  # noqa: E402
from ui.certificates.screen import VERIFY, CertificatesScreen  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000


def _rid(store, name: str) -> int:
    with store.read() as s:
        return int(s.scalar(select(Resident.id).where(Resident.name == name)))


@pytest.fixture
def village(store, monkeypatch):
    """The test village, 张三 its 主任, on a computer whose login account is 'admin'."""
    monkeypatch.setattr(getpass, "getuser", lambda: "admin")
    ensure_village_key(store.data_dir)
    with store.begin("测试") as s:
        assign_role(s, resident_id=_rid(store, "张三"), body="村民委员会", title="主任", term_start=dt.date(2021, 5, 1))
    return store


def _issued(store):
    request = IssueRequest(kind="SD-01", purpose="办理居住证", resident_id=_rid(store, "李四"),
                           fields={"address": "第一村民小组12号", "since": "2019年3月"},
                           check=CheckRecord("王文书", "实际居住情况", "户口簿"), approval=Approval("张三", "主任"))
    with store.begin("测试") as s:
        return issue_certificate(s, request, catalogues=load_catalogues(store.data_dir),
                                 signer=load_village_key(store.data_dir)).certificate


def _screen(qtbot, store, actor: str) -> CertificatesScreen:
    screen = CertificatesScreen(store, actor=actor)
    qtbot.addWidget(screen)
    screen.resize(1366, 728)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    return screen


def _verify(qtbot, panel, typed: str) -> str:
    before = panel.result
    panel.scan_edit.setText(typed)
    qtbot.keyClick(panel.scan_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.result is not before and panel.result_box.isVisible(), timeout=TASK_MS)
    return panel.verdict_text()


def test_the_check_code_typed_on_the_verify_tab_finds_the_certificate(qtbot, village):
    cert = _issued(village)
    panel = _screen(qtbot, village, "王文书").show_tab(VERIFY)
    assert "核验码" in panel.scan_edit.placeholderText()
    text = _verify(qtbot, panel, cert.check_code.lower())
    assert "真实有效" in text and cert.serial in text and "李四" in text and "核对" in text
    assert panel.result_box.objectName() == "verdictGood"


def test_a_check_code_with_one_wrong_character_is_not_genuine_and_says_why(qtbot, village):
    cert = _issued(village)
    panel = _screen(qtbot, village, "王文书").show_tab(VERIFY)
    wrong = cert.check_code[:2] + next(c for c in CHECK_ALPHABET if c != cert.check_code[2]) + cert.check_code[3:]
    text = _verify(qtbot, panel, wrong)
    assert "真实有效" not in text and "不能认定为真" in text and "台账里没有核验码为 " + wrong in text
    assert "不是证明二维码" not in text and panel.result_box.objectName() == "verdictBad"
    text = _verify(qtbot, panel, cert.check_code[:5] + "0")
    assert "核验码里不会有“0”" in text and panel.result_box.objectName() == "verdictBad"


def test_the_verifier_is_the_user_who_logged_in(qtbot, village):
    screen = _screen(qtbot, village, "王文书")
    assert screen.issue_panel.check_form.verifier_edit.text() == "王文书"
    screen.set_actor("李会计")  # another user logged in at the same desk
    assert screen.issue_panel.check_form.verifier_edit.text() == "李会计"
    screen.issue_panel.check_form.verifier_edit.setText("赵主任")  # typed by the clerk: kept
    screen.set_actor("王文书")
    assert screen.issue_panel.check_form.verifier_edit.text() == "赵主任"


def test_without_a_logged_in_user_the_verifier_is_left_for_the_clerk_not_the_computers_account(qtbot, village):
    screen = _screen(qtbot, village, "系统")  # no users added yet: nobody logged in
    edit = screen.issue_panel.check_form.verifier_edit
    assert edit.text() == "" and "admin" not in edit.text() and edit.placeholderText() == "核实人的姓名"


def test_the_address_field_says_the_village_is_written_before_it(qtbot, village):
    screen = _screen(qtbot, village, "王文书")
    panel = screen.issue_panel
    assert panel.select_kind("SD-01")
    assert "村名" in panel.field_rows["address"].edit.placeholderText()
    assert panel.field_rows["since"].edit.placeholderText() == ""
