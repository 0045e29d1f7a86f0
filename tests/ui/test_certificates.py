"""The 证明开具 screen as the clerk uses it: issuing from the approved list, refusing the rest, the
register's void and reprint, the pending list, the verify tab, and the home screen's reminder."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.certificates.catalogue import load_catalogues  # noqa: E402
from app.certificates.models import Certificate, CertificateRefusal  # noqa: E402
from app.certificates.service import (Approval, CheckRecord, IssueRequest, issue_certificate,  # noqa: E402
                                      print_certificate)
from app.people.models import Resident  # noqa: E402
from app.people.service import assign_role  # noqa: E402
from app.storage import Store  # noqa: E402
from app.keys import ensure_village_key  # noqa: E402
from ui.certificates.register_model import Columns  # noqa: E402
from ui.certificates.screen import PENDING, REGISTER, VERIFY, CertificatesScreen  # noqa: E402
from ui.home import HomeScreen  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

from conftest import make_id  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown", "printer")  # message boxes, viewers and printers recorded, never shown

TASK_MS = 15_000
TODAY = dt.date.today()
YEAR = TODAY.year
RESIDENCE = {"address": "第一村民小组12号", "since": "2019年3月"}
HOMESTEAD = {"household_size": "4", "location": "村南新规划区3排", "area": "150", "discussion": "到会28户,一致同意"}


class Printer:
    """The system's printer as the certificate screen sees it (ui.certificates.printing.to_printer): the
    printouts sent, and whether it takes them."""

    def __init__(self) -> None:
        self.printouts: list = []
        self.takes = True

    def __call__(self, _parent, printout) -> bool:  # type: ignore[no-untyped-def]
        self.printouts.append(printout)
        return self.takes


@pytest.fixture
def printer(monkeypatch) -> Printer:  # type: ignore[no-untyped-def]
    from ui.certificates import printing

    p = Printer()
    monkeypatch.setattr(printing, "to_printer", p)
    return p


def _page_text(printout) -> str:  # type: ignore[no-untyped-def]
    from app.printing.ops import Text

    return "".join(op.text for page in printout.pages for op in page.ops if isinstance(op, Text))


def _confirm_specimen(qtbot, owner):  # type: ignore[no-untyped-def]
    """Wait for the 样张 and press 确认开具; returns the 样张 printout."""
    qtbot.waitUntil(lambda: owner.specimen_dialog is not None, timeout=TASK_MS)
    dialog = owner.specimen_dialog
    specimen = dialog.printout
    assert dialog.accept_button is not None and dialog.accept_button.text() == "确认开具"
    dialog.accept_button.click()
    return specimen


@pytest.fixture
def village(store: Store) -> Store:
    """The test village with its key and 张三 as 村民委员会主任, the default approver."""
    ensure_village_key(store.data_dir)
    with store.begin("测试") as s:
        assign_role(s, resident_id=_resident_id(store, "张三"), body="村民委员会", title="主任",
                    term_start=dt.date(2021, 5, 1))
    return store


def _resident_id(store: Store, name: str) -> int:
    with store.read() as s:
        return int(s.scalar(select(Resident.id).where(Resident.name == name)))


def _issue_with_core(store: Store, kind: str = "SD-01", fields: dict[str, str] | None = None, *,
                     today: dt.date = TODAY, printed: bool = False) -> Certificate:
    """A certificate issued the way another clerk (or the command line) would have issued it."""
    from app.keys import load_village_key

    request = IssueRequest(kind=kind, purpose="办理居住证", resident_id=_resident_id(store, "李四"),
                           fields=dict(RESIDENCE if fields is None else fields),
                           check=CheckRecord("王文书", "实际居住情况", "户口簿"), approval=Approval("张三", "主任"))
    with store.begin("测试") as s:
        out = issue_certificate(s, request, catalogues=load_catalogues(store.data_dir),
                                signer=load_village_key(store.data_dir), today=today)
        if printed and out.certificate and out.certificate.serial:
            print_certificate(s, out.certificate.serial, who="王文书")
    return out.certificate  # type: ignore[return-value]


def _counts(store: Store) -> tuple[int, int]:
    with store.read() as s:
        numbered = s.scalar(select(func.count()).select_from(Certificate).where(Certificate.serial.is_not(None)))
        refusals = s.scalar(select(func.count()).select_from(CertificateRefusal))
    return int(numbered or 0), int(refusals or 0)


def _screen(qtbot, store: Store) -> CertificatesScreen:  # type: ignore[no-untyped-def]
    screen = CertificatesScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.resize(1080, 800)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.register_panel.model.loading,
                    timeout=TASK_MS)
    return screen


def _choose_kind(qtbot, screen: CertificatesScreen, typed: str) -> None:  # type: ignore[no-untyped-def]
    panel = screen.issue_panel
    panel.kind_search.setFocus()
    panel.kind_search.setText(typed)  # keyClicks types ASCII only; an input method gives Chinese as one commit
    qtbot.keyClick(panel.kind_search, Qt.Key.Key_Return)


def _choose_resident(qtbot, screen: CertificatesScreen, name: str) -> None:  # type: ignore[no-untyped-def]
    box = screen.issue_panel.applicant
    box.search_edit.setText(name)
    box.search()
    qtbot.waitUntil(lambda: box.resident is not None and box.resident.name == name, timeout=TASK_MS)


def _fill(screen: CertificatesScreen, purpose: str, fields: dict[str, str]) -> None:
    panel = screen.issue_panel
    panel.purpose.edit.setText(purpose)
    for name, value in fields.items():
        panel.field_rows[name].edit.setText(value)


def _register_rows(qtbot, screen: CertificatesScreen) -> dict[str, tuple[str, str]]:  # type: ignore[no-untyped-def]
    """serial -> (state as shown, print count as shown), once the register has been read again."""
    model = screen.register_panel.model
    qtbot.waitUntil(lambda: not model.loading, timeout=TASK_MS)
    return {model.row_at(i).serial: (model.data(model.index(i, Columns.STATE)),
                                     model.data(model.index(i, Columns.PRINTS)))
            for i in range(model.rowCount())}


def _pdf_text(path: Path) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(path).pages))


# ---------------------------------------------------------------- issuing


def test_issuing_on_the_spot_shows_the_specimen_then_numbers_and_prints_that_page(qtbot, village, shown, printer):
    first = _issue_with_core(village)
    assert first.serial == "{y}-居住-0001".format(y=YEAR)
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "居住证明")
    panel = screen.issue_panel
    assert panel.kind is not None and panel.kind.code == "SD-01"
    assert panel.kind_mode.text() == "当场办结"
    assert "居住证暂行条例" in panel.kind_basis.text()
    _choose_resident(qtbot, screen, "李四")
    assert "*" in panel.applicant.chosen_label.text()  # the ID number shows masked
    assert panel.check_form.approver_edit.text() == "张三"  # the 主任 in office, from the roles register
    assert panel.check_form.verifier_edit.text() == "王文书"
    _fill(screen, "办理居住证", RESIDENCE)

    panel.issue_button.click()
    qtbot.waitUntil(lambda: panel.specimen_dialog is not None, timeout=TASK_MS)
    serial = "{y}-居住-0002".format(y=YEAR)
    # the 样张 is looked at before anything is numbered
    assert _counts(village)[0] == 1
    specimen = _confirm_specimen(qtbot, panel)
    assert "样张" in _page_text(specimen) and serial not in _page_text(specimen)
    qtbot.waitUntil(lambda: printer.printouts != [], timeout=TASK_MS)

    printed = _page_text(printer.printouts[0])
    assert serial in printed and "样张" not in printed
    assert "李四" in printed and "第一村民小组12号" in printed and "存\u3000根" in printed
    pdf = village.data_dir / "certificates" / "{s}.pdf".format(s=serial)
    assert serial in _pdf_text(pdf)  # the office's copy, kept with the data
    assert shown.opened == []
    assert serial in panel.issue_message.text()
    qtbot.waitUntil(lambda: screen.register_panel.selected() is not None, timeout=TASK_MS)
    qtbot.waitUntil(lambda: _register_rows(qtbot, screen).get(serial) == ("已开具", "1"), timeout=TASK_MS)
    assert screen.register_panel.selected().serial == serial
    # ready for the next person: nothing of 李四's can end up on their certificate
    assert panel.applicant.resident is None and panel.purpose.text() == ""


def _events(store: Store) -> int:
    from app.events import Event

    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Event)) or 0)


def _ready_to_issue(qtbot, village):  # type: ignore[no-untyped-def]
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "居住证明")
    _choose_resident(qtbot, screen, "李四")
    _fill(screen, "办理居住证", RESIDENCE)
    return screen, screen.issue_panel


def test_closing_the_specimen_uses_no_number_and_records_nothing(qtbot, village, printer):
    screen, panel = _ready_to_issue(qtbot, village)
    before, events = _counts(village), _events(village)

    panel.issue_button.click()
    qtbot.waitUntil(lambda: panel.specimen_dialog is not None, timeout=TASK_MS)
    panel.specimen_dialog.close_button.click()

    qtbot.waitUntil(lambda: panel.specimen_dialog is None, timeout=TASK_MS)
    assert "没有占用编号" in panel.issue_message.text()
    assert _counts(village) == before and _events(village) == events
    assert printer.printouts == []
    assert not (village.data_dir / "certificates").exists() or list((village.data_dir / "certificates").iterdir()) == []
    # the form is kept for a correction, and the next issue takes number 0001
    assert panel.applicant.resident is not None and panel.purpose.text() == "办理居住证"
    panel.issue_button.click()
    _confirm_specimen(qtbot, panel)
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=TASK_MS)
    assert panel.last_result.outcome.certificate.serial == "{y}-居住-0001".format(y=YEAR)


def test_the_printed_page_is_the_specimen_with_its_number(qtbot, village, printer):
    from app.printing.ops import Qr, Text

    screen, panel = _ready_to_issue(qtbot, village)
    panel.issue_button.click()
    specimen = _confirm_specimen(qtbot, panel)
    qtbot.waitUntil(lambda: printer.printouts != [], timeout=TASK_MS)
    issued = printer.printouts[0]
    c = panel.last_result.outcome.certificate

    def texts(printout, leave_out: set[str]) -> list[str]:  # type: ignore[no-untyped-def]
        return [op.text for op in printout.pages[0].ops if isinstance(op, Text) and op.text not in leave_out]

    marks = {"样张", "样张 · 未开具,不能使用", "不能核验", "编号：样张"}
    numbers = {c.serial, "编号：" + c.serial, *c.check_code}
    assert texts(specimen, marks) == texts(issued, numbers)
    assert not any(isinstance(op, Qr) for op in specimen.pages[0].ops)
    assert [op.payload for op in issued.pages[0].ops if isinstance(op, Qr)] == [c.qr_payload]
    assert len(specimen.pages) == len(issued.pages) == 1


def test_a_printer_that_does_not_print_leaves_the_certificate_issued_and_waiting_for_a_reprint(
        qtbot, village, shown, printer):
    """docs/certificates.md: the number is used and kept; the register says 待补打; 补打 prints it."""
    printer.takes = False
    screen, panel = _ready_to_issue(qtbot, village)
    panel.issue_button.click()
    _confirm_specimen(qtbot, panel)
    qtbot.waitUntil(lambda: panel.sent_to_printer is False, timeout=TASK_MS)

    serial = "{y}-居住-0001".format(y=YEAR)
    assert "已开具并登记" in panel.issue_message.text() and "补打" in panel.issue_message.text()
    assert serial in shown.warnings[-1] and "不要重新开具" in shown.warnings[-1]
    with village.read() as s:
        cert = s.scalar(select(Certificate).where(Certificate.serial == serial))
        assert cert.state == "issued" and cert.print_count == 0
    register = screen.show_tab(REGISTER)
    qtbot.waitUntil(lambda: _register_rows(qtbot, screen).get(serial) == ("已开具,待补打", "0"), timeout=TASK_MS)

    # 补打 once the printer works: the first copy on paper, so no 补打 mark, and the register is back to normal
    printer.takes = True
    assert register.select_serial(serial)
    register.reprint_button.click()
    qtbot.waitUntil(lambda: register.last_printed is not None, timeout=TASK_MS)
    assert serial in _page_text(printer.printouts[-1]) and "补打（" not in _page_text(printer.printouts[-1])
    qtbot.waitUntil(lambda: _register_rows(qtbot, screen).get(serial) == ("已开具", "1"), timeout=TASK_MS)


def test_a_reprint_the_printer_does_not_print_is_not_logged(qtbot, village, shown, printer):
    cert = _issue_with_core(village, printed=True)
    printer.takes = False
    screen = _screen(qtbot, village)
    register = screen.show_tab(REGISTER)
    assert register.select_serial(cert.serial)
    register.reprint_button.click()
    qtbot.waitUntil(lambda: printer.printouts != [] and "没有打印出来" in register.message.text(), timeout=TASK_MS)
    with village.read() as s:
        assert s.scalar(select(Certificate.print_count).where(Certificate.serial == cert.serial)) == 1


def test_a_character_no_font_has_stops_before_the_specimen_and_uses_no_number(qtbot, village, shown, printer):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "居住证明")
    _choose_resident(qtbot, screen, "李四")
    _fill(screen, "办理居住证", {"address": "第一村民小组\ue000号", "since": "2019年3月"})
    panel = screen.issue_panel
    before = _counts(village)
    panel.issue_button.click()
    qtbot.waitUntil(lambda: "字库" in panel.issue_message.text(), timeout=TASK_MS)
    assert "U+E000" in panel.issue_message.text()  # named, though it would print as nothing
    assert panel.specimen_dialog is None and printer.printouts == []
    assert _counts(village) == before


def test_a_missing_required_field_is_shown_beside_it_and_uses_no_number(qtbot, village):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "居住证明")
    _choose_resident(qtbot, screen, "李四")
    _fill(screen, "办理居住证", {"address": "第一村民小组12号", "since": ""})
    panel = screen.issue_panel
    before = _counts(village)

    panel.issue_button.click()
    qtbot.waitUntil(lambda: panel.error_text("since") != "", timeout=TASK_MS)

    assert panel.error_text("since") == "请填写“居住起始时间”。"
    assert panel.error_text("address") == ""
    assert _counts(village) == before
    assert not (village.data_dir / "certificates").exists() or list((village.data_dir / "certificates").iterdir()) == []
    # what was typed is still there; filling the field in issues number 1: none was used up
    assert panel.applicant.resident is not None and panel.purpose.text() == "办理居住证"
    panel.field_rows["since"].edit.setText("2019年3月")
    panel.issue_button.click()
    _confirm_specimen(qtbot, panel)
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=TASK_MS)
    assert panel.last_result.outcome.certificate.serial == "{y}-居住-0001".format(y=YEAR)
    assert panel.error_text("since") == ""


def test_a_field_longer_than_its_printed_box_shows_the_counter_in_red(qtbot, village):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "居住证明")
    row = screen.issue_panel.field_rows["since"]
    row.edit.setText("二〇一九年三月一日开始")
    assert row.counter.text() == "11/12" and row.counter.objectName() == "counter"
    row.edit.setText("二〇一九年三月一日开始居住")
    assert row.counter.text() == "13/12" and row.counter.objectName() == "counterOver"


def test_a_negative_list_request_is_refused_with_where_to_go_and_the_refusal_is_recorded(qtbot, village):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "死亡证明")
    panel = screen.issue_panel
    text = panel.refusal_text()
    assert "不能开具:死亡证明" in text
    assert "《不应由基层群众性自治组织出具证明事项清单(第一批)》第11项" in text and "(民发〔2020〕20号)" in text
    assert "请到:医疗卫生机构" in text
    assert not panel.issue_button.isVisible() and not panel.form.isVisible()
    _choose_resident(qtbot, screen, "李四")
    before_numbered, before_refusals = _counts(village)

    panel.record_button.click()
    qtbot.waitUntil(lambda: panel.last_refusal is not None, timeout=TASK_MS)

    assert _counts(village) == (before_numbered, before_refusals + 1)
    with village.read() as s:
        refusal = s.scalars(select(CertificateRefusal).order_by(CertificateRefusal.id.desc())).first()
        assert refusal.requested == "死亡证明" and refusal.reason_code == "negative"
        assert "医疗卫生机构" in refusal.authority
        assert refusal.applicant.startswith("李四 ") and "*" in refusal.applicant
    assert "已记录这次拒绝" in panel.refusal_text()
    qtbot.waitUntil(lambda: not panel.record_button.isEnabled(), timeout=TASK_MS)


def test_a_common_name_of_a_listed_kind_shows_its_item_basis_and_where_to_go(qtbot, village):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "无犯罪证明")
    text = screen.issue_panel.refusal_text()
    assert "不能开具:无犯罪证明" in text and "第5项“无犯罪记录证明”" in text and "民发〔2020〕20号" in text
    assert "请到:公安机关(户籍所在地或经常居住地公安派出所)" in text


def test_a_kind_on_neither_list_is_refused_too(qtbot, village):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "现实表现证明")
    text = screen.issue_panel.refusal_text()
    assert "不在本村公布的可出具证明清单上,也不在不应出具的清单上" in text
    assert "怎么办:" in text and "乡镇" in text and "请到:" not in text and "民发" not in text
    screen.issue_panel.record_button.click()
    qtbot.waitUntil(lambda: screen.issue_panel.last_refusal is not None, timeout=TASK_MS)
    assert screen.issue_panel.last_refusal.reason_code == "unknown"
    assert "怎么办:" in screen.issue_panel.refusal_text()  # the same words once recorded


def test_typing_part_of_an_approved_name_filters_the_list_without_refusing(qtbot, village):
    screen = _screen(qtbot, village)
    panel = screen.issue_panel
    panel.kind_search.setText("土地")
    panel.evaluate_search()
    assert set(panel.visible_codes()) == {"SD-03", "SD-07"}
    assert panel.refusal_text() == ""


def test_down_arrow_goes_from_the_search_box_into_the_list(qtbot, village):
    screen = _screen(qtbot, village)
    panel = screen.issue_panel
    panel.kind_search.setText("土地")
    qtbot.keyClick(panel.kind_search, Qt.Key.Key_Down)
    assert panel.kind is not None and panel.kind.code == "SD-03"


def test_someone_outside_the_register_is_typed_in_where_the_kind_allows_it(qtbot, village, shown):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "居住证明")
    panel = screen.issue_panel
    assert panel.applicant.outside_check.isVisibleTo(panel)
    panel.applicant.outside_check.setChecked(True)
    panel.applicant.name_edit.setText("刘外来")
    number = make_id(dt.date(1990, 5, 6), 77)
    panel.applicant.id_edit.setText(number[:-1] + ("0" if number[-1] != "0" else "1"))
    _fill(screen, "办理居住证", RESIDENCE)
    panel.issue_button.click()
    qtbot.waitUntil(lambda: panel.applicant.id_error.isVisibleTo(panel), timeout=TASK_MS)
    assert panel.applicant.id_error.text().startswith("身份证号校验位不对")
    assert _counts(village)[0] == 0

    panel.applicant.id_edit.setText(number)
    panel.issue_button.click()
    _confirm_specimen(qtbot, panel)
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=TASK_MS)
    assert panel.last_result.outcome.certificate.applicant_name == "刘外来"
    assert panel.last_result.outcome.certificate.resident_id is None


def test_a_kind_only_for_residents_offers_no_typed_applicant(qtbot, village):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "农村集体经济组织成员身份证明")
    assert not screen.issue_panel.applicant.outside_check.isVisibleTo(screen.issue_panel)


# ---------------------------------------------------------------- time-limited kinds


def test_a_time_limited_kind_goes_pending_with_its_due_date_and_is_completed_from_the_pending_tab(
        qtbot, village, shown, printer):
    screen = _screen(qtbot, village)
    _choose_kind(qtbot, screen, "农村宅基地和建房申请村级审查意见")
    panel = screen.issue_panel
    assert panel.kind_mode.text() == "5个工作日内办结"
    assert not panel.check_form.isVisible()  # verified and approved when it is completed
    _choose_resident(qtbot, screen, "李四")
    _fill(screen, "申请宅基地和建房审批", HOMESTEAD)
    panel.issue_button.click()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=TASK_MS)

    pending = panel.last_result.outcome.certificate
    assert pending.serial is None and pending.due_date is not None
    assert "应在 {d} 前办结".format(d=pending.due_date.isoformat()) in shown.info[-1]
    assert _counts(village)[0] == 0

    pending_panel = screen.show_tab(PENDING)
    qtbot.waitUntil(lambda: bool(pending_panel.rows), timeout=TASK_MS)
    assert pending_panel.select_certificate(pending.id)
    dialog = pending_panel.complete_selected()
    assert dialog.check_form.approver_edit.text() == "张三"
    assert dialog.check_form.document_combo.currentText() == "农村宅基地和建房(规划许可)申请表"
    dialog.ok_button.click()
    specimen = _confirm_specimen(qtbot, pending_panel)
    assert "样张" in _page_text(specimen)
    qtbot.waitUntil(lambda: pending_panel.last_printed is not None, timeout=TASK_MS)

    serial = "{y}-宅基-0001".format(y=YEAR)
    assert pending_panel.last_printed.serial == serial
    assert pending_panel.last_printed.path == village.data_dir / "certificates" / "{s}.pdf".format(s=serial)
    qtbot.waitUntil(lambda: printer.printouts != [], timeout=TASK_MS)
    assert serial in _page_text(printer.printouts[0])
    qtbot.waitUntil(lambda: pending_panel.rows == [], timeout=TASK_MS)


def test_cancelling_a_pending_certificate_needs_a_reason_and_uses_no_number(qtbot, village):
    with village.begin("测试") as s:
        from app.keys import load_village_key

        issue_certificate(s, IssueRequest(kind="SD-02", purpose="申请宅基地和建房审批",
                                          resident_id=_resident_id(village, "李四"), fields=HOMESTEAD),
                          catalogues=load_catalogues(village.data_dir), signer=load_village_key(village.data_dir))
    screen = _screen(qtbot, village)
    pending_panel = screen.show_tab(PENDING)
    qtbot.waitUntil(lambda: bool(pending_panel.rows), timeout=TASK_MS)
    pending_panel.table.selectRow(0)
    dialog = pending_panel.cancel_selected()
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.reason_error.text() == "请写明原因。"
    dialog.reason_edit.setText("申请人暂不建房")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: pending_panel.rows == [], timeout=TASK_MS)
    assert "没有占用编号" in pending_panel.message.text()
    assert _counts(village)[0] == 0


# ---------------------------------------------------------------- the register


def test_voiding_needs_a_reason_then_shows_voided_and_keeps_the_number(qtbot, village):
    cert = _issue_with_core(village, printed=True)
    screen = _screen(qtbot, village)
    register = screen.show_tab(REGISTER)
    assert register.select_serial(cert.serial)

    dialog = register.void_selected()
    assert cert.serial in dialog.question_label.text() and "编号保留" in dialog.question_label.text()
    dialog.ok_button.click()
    assert dialog.isVisible() and dialog.reason_error.text() == "请写明原因。"
    assert _register_rows(qtbot, screen)[cert.serial] == ("已开具", "1")
    dialog.reason_edit.setText("姓名写错,已重新开具")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: _register_rows(qtbot, screen).get(cert.serial, ("",))[0] == "已作废", timeout=TASK_MS)

    model = register.model
    row = next(i for i in range(model.rowCount()) if model.row_at(i).serial == cert.serial)
    assert model.data(model.index(row, Columns.SERIAL)) == cert.serial
    assert "姓名写错" in model.data(model.index(row, Columns.SERIAL), Qt.ItemDataRole.ToolTipRole)
    assert not register.void_button.isEnabled() and not register.reprint_button.isEnabled()
    # the number stays used: the next one of the kind is 0002
    assert _issue_with_core(village).serial == "{y}-居住-0002".format(y=YEAR)


def test_reprinting_is_marked_and_counts_the_prints(qtbot, village, shown, printer):
    cert = _issue_with_core(village, printed=True)
    screen = _screen(qtbot, village)
    register = screen.show_tab(REGISTER)
    assert register.select_serial(cert.serial)

    register.reprint_button.click()
    qtbot.waitUntil(lambda: register.last_printed is not None, timeout=TASK_MS)

    assert "第 2 次打印" in shown.questions[-1]
    assert "补打（第2次打印）" in _page_text(printer.printouts[0])
    reprint = village.data_dir / "certificates" / "{s}-补打2.pdf".format(s=cert.serial)
    assert register.last_printed.path == reprint
    assert "补打" in _pdf_text(reprint)
    qtbot.waitUntil(lambda: _register_rows(qtbot, screen).get(cert.serial) == ("已开具", "2"), timeout=TASK_MS)
    qtbot.waitUntil(lambda: register.details is not None and len(register.details.prints) == 2, timeout=TASK_MS)
    assert "(补打)" in register.details_label.text()


def test_declining_the_reprint_question_prints_nothing(qtbot, village, shown, printer):
    cert = _issue_with_core(village, printed=True)
    shown.answer = False
    screen = _screen(qtbot, village)
    register = screen.show_tab(REGISTER)
    register.select_serial(cert.serial)
    assert register.reprint_selected() is None
    assert printer.printouts == []
    with village.read() as s:
        assert s.scalar(select(Certificate.print_count).where(Certificate.serial == cert.serial)) == 1


def test_register_filters_by_applicant_and_state_and_exports_to_excel(qtbot, village, shown, monkeypatch, tmp_path):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    cert = _issue_with_core(village)
    _issue_with_core(village)
    screen = _screen(qtbot, village)
    register = screen.show_tab(REGISTER)
    assert register.count_label.text() == "共 2 份"
    register.state_combo.setCurrentIndex(register.state_combo.findData("voided"))
    qtbot.waitUntil(lambda: not register.model.loading and register.model.rowCount() == 0, timeout=TASK_MS)
    assert register.count_label.text() == "找到 0 份"
    register.state_combo.setCurrentIndex(0)
    register.applicant_edit.setText("王小红")
    register.apply_filters()
    qtbot.waitUntil(lambda: not register.model.loading and register.model.rowCount() == 0, timeout=TASK_MS)
    register.applicant_edit.setText("李四")
    register.apply_filters()
    qtbot.waitUntil(lambda: not register.model.loading and register.model.rowCount() == 2, timeout=TASK_MS)

    target = tmp_path / "台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    register.export_button.click()
    qtbot.waitUntil(lambda: register.last_export is not None, timeout=TASK_MS)
    path, count = register.last_export
    assert path == target.with_name("台账.xlsx") and count == 2
    sheet = load_workbook(path).worksheets[0]
    assert cert.serial in [c.value for c in sheet["A"]]


def test_printing_the_register_opens_it_in_the_preview(qtbot, village, shown):
    cert = _issue_with_core(village)
    screen = _screen(qtbot, village)
    register = screen.show_tab(REGISTER)
    register.print_button.click()
    qtbot.waitUntil(lambda: register.register_dialog is not None, timeout=TASK_MS)
    dialog = register.register_dialog
    assert dialog.isVisible() and dialog.printout.landscape
    assert cert.serial in _page_text(dialog.printout) and "第 1 页 / 共 1 页" in _page_text(dialog.printout)
    assert shown.opened == []  # nothing written behind the clerk's back: 打印 or 另存为PDF in the preview
    dialog.close()


# ---------------------------------------------------------------- verify


def test_the_verify_tab_says_genuine_then_names_the_fault_of_a_changed_character(qtbot, village):
    cert = _issue_with_core(village)
    screen = _screen(qtbot, village)
    screen.activateWindow()
    qtbot.waitUntil(screen.isActiveWindow, timeout=TASK_MS)  # the offscreen platform activates a shown window too
    verify = screen.show_tab(VERIFY)

    # a USB scanner types into whatever has the focus and presses Enter: opening the tab puts it in the scan box
    typed_into = QApplication.focusWidget()
    assert typed_into is verify.scan_edit, typed_into
    qtbot.keyClicks(typed_into, cert.qr_payload)
    qtbot.keyClick(typed_into, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: verify.result is not None, timeout=TASK_MS)
    text = verify.verdict_text()
    assert "真实有效" in text and cert.serial in text and "李四" in text and cert.check_code in text
    assert verify.scan_edit.text() == ""  # ready for the next scan

    prefix, body, signature = cert.qr_payload.split(".")
    changed = signature[:10] + ("B" if signature[10] != "B" else "C") + signature[11:]
    verify.scan_edit.setText(".".join((prefix, body, changed)))
    qtbot.keyClick(verify.scan_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: verify.result is not None and not verify.result.ok, timeout=TASK_MS)
    text = verify.verdict_text()
    assert "真实有效" not in text
    assert "内容被改动过" in text and "签名不符" in text
    assert verify.result_box.objectName() == "verdictBad"


def test_the_verify_tab_says_a_voided_certificate_is_voided(qtbot, village):
    from app.certificates.service import void_certificate

    cert = _issue_with_core(village)
    with village.begin("测试") as s:
        void_certificate(s, cert.serial, "打印时信息有误")
    screen = _screen(qtbot, village)
    verify = screen.show_tab(VERIFY)
    verify.scan_edit.setText(cert.qr_payload)
    verify.verify_button.click()
    qtbot.waitUntil(lambda: verify.result is not None, timeout=TASK_MS)
    assert "已作废" in verify.verdict_text() and "打印时信息有误" in verify.verdict_text()


# ---------------------------------------------------------------- catalogues, main window, home


def test_the_catalogue_tab_shows_both_lists(qtbot, village):
    screen = _screen(qtbot, village)
    text = screen.catalogue_panel.text()
    assert "居住证明" in text and "5个工作日内办结" in text and "居住证暂行条例" in text
    assert "无犯罪记录证明" in text and "公安机关" in text
    national = text[text.index("一、全国清单"):text.index("二、本省增补清单")]
    assert "(民发〔2020〕20号)" in national and "20. 证件遗失证明" in national
    assert "14. 婚育状况证明(生育状况证明)" in national
    assert "没有。" in text[text.index("二、本省增补清单"):]


def test_the_catalogue_tab_shows_a_provinces_additions_with_their_source(qtbot, village):
    from app.resources import resource_path

    received = village.data_dir / "catalogues"
    received.mkdir(exist_ok=True)
    hubei = resource_path("catalogues", "provinces", "provincial-negative-hubei.json")
    (received / hubei.name).write_bytes(hubei.read_bytes())
    screen = _screen(qtbot, village)
    provincial = screen.catalogue_panel.text().split("二、本省增补清单")[1]
    assert "湖北省" in provincial and "(鄂民政发〔2020〕32号)" in provincial and "转学证明" in provincial


def test_the_main_window_opens_the_certificates_screen(qtbot, village):
    window = MainWindow(village, actor="王文书")
    qtbot.addWidget(window)
    screen = window.show_screen("certificates")
    assert isinstance(screen, CertificatesScreen)
    assert screen.actor == "王文书"
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)


def test_the_home_screen_lists_pending_certificates_with_their_due_dates(qtbot, village):
    from app.keys import load_village_key

    cats, key = load_catalogues(village.data_dir), load_village_key(village.data_dir)
    long_ago = TODAY - dt.timedelta(days=30)
    with village.begin("测试") as s:
        for who, day in (("李四", TODAY), ("王小红", long_ago)):
            issue_certificate(s, IssueRequest(kind="SD-02", purpose="申请宅基地和建房审批",
                                              resident_id=_resident_id(village, who), fields=HOMESTEAD),
                              catalogues=cats, signer=key, today=day)
    home = HomeScreen(village)
    qtbot.addWidget(home)
    home.refresh()
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)
    lines = home.todo_label.text().splitlines()
    overdue = next(line for line in lines if "王小红" in line)
    due = next(line for line in lines if "李四" in line)
    assert "已超期" in overdue and "农村宅基地和建房申请村级审查意见" in overdue
    assert lines.index(overdue) < lines.index(due)  # the most urgent first
    assert "应在" in due and "前办结" in due and "还剩" in due


def test_the_home_screen_has_no_certificate_line_when_nothing_is_pending(qtbot, village):
    _issue_with_core(village)
    home = HomeScreen(village)
    qtbot.addWidget(home)
    home.refresh()
    qtbot.waitUntil(lambda: home.stats is not None, timeout=TASK_MS)
    assert "证明" not in home.todo_label.text()
