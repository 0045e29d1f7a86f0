"""The one preview of every printout (ui/printing/preview.py), as a clerk uses it before printing.

A notice is printed to be put up on the village's notice board (村民委员会组织法 第三十条: 村民委员会实行村务公开制度,
公布的事项应当及时公布), so what the clerk sees before printing must be what the printer gets: the same pages,
the same paper and orientation, every page. A long notice opens at its first page at once; a printer that is
not there says so plainly and nothing is printed.
"""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from PySide6.QtWidgets import QDialog, QFileDialog  # noqa: E402

from app.disclosure.printing import feedback_printout, notice_printout  # noqa: E402
from app.disclosure.view import NoticeTable, NoticeView  # noqa: E402
from app.printing.document import Printout  # noqa: E402
from app.printing.fonts import MissingGlyphError  # noqa: E402
from app.printing.ops import Text  # noqa: E402
from app.printing.pages import A3, A4  # noqa: E402
from ui import filedialogs  # noqa: E402
from ui.printing import preview  # noqa: E402
from ui.printing.preview import PrintoutDialog, print_pages, printer_for  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000
TITLE = "柳林村2026年度财务收支公开"


def ledger_notice(rows: int, **kwargs: object) -> NoticeView:
    lines = [["2026-{:02d}-{:02d}".format(1 + n % 12, 1 + n % 28), "记-{:04d}".format(n + 1), "支付村道路灯维修材料款",
              "公益支出", "", "{:,.2f}".format(100 + n)] for n in range(rows)]
    table = NoticeTable(title="2026年度收支明细", columns=["日期", "凭证号", "摘要", "科目", "收入(元)", "支出(元)"],
                        rows=lines, numeric=frozenset({4, 5}))
    return NoticeView(village_name="柳林村", number="2027-001", title=TITLE, category="财务", period_label="2026年度",
                      body="现将本村2026年度财务收支明细公开如下,请村民监督。", tables=[table],
                      print_date=dt.date(2027, 1, 5), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def long_notice() -> Printout:
    printout = notice_printout(ledger_notice(460))
    assert len(printout.pages) >= 30
    return printout


def _texts(pages) -> str:  # type: ignore[no-untyped-def]
    return "".join(op.text for page in pages for op in page.ops if type(op) is Text)


def _pdf_printer(path: Path):  # type: ignore[no-untyped-def]
    from PySide6.QtPrintSupport import QPrinter

    def choose() -> object:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return printer
    return choose


def _flat(text: str) -> str:
    return "".join(text.split())


def test_a_long_notice_opens_at_its_first_page_and_paints_only_the_page_shown(qtbot, long_notice, monkeypatch):
    painted: list[int] = []
    real = preview.paint_page

    def paint(painter, page):  # type: ignore[no-untyped-def]
        painted.append(page.number)
        real(painter, page)

    monkeypatch.setattr(preview, "paint_page", paint)
    dialog = PrintoutDialog(long_notice, purpose=filedialogs.PDF, suggested_name="2027-001-财务收支公开")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(painted), timeout=TASK_MS)
    n = len(long_notice.pages)
    assert dialog.pane.page_label.text() == "第 1 页 / 共 {n} 页".format(n=n)
    assert set(painted) == {1}  # the other pages wait until they are shown

    dialog.pane.next_button.click()
    qtbot.waitUntil(lambda: 2 in painted, timeout=TASK_MS)
    assert set(painted) == {1, 2}
    assert dialog.pane.page_label.text() == "第 2 页 / 共 {n} 页".format(n=n)
    assert dialog.print_button.isEnabled() and dialog.pdf_button.isEnabled()


@pytest.mark.parametrize("paper,landscape,size,orientation", [
    ("a4", False, "A4", "Portrait"), ("a4", True, "A4", "Landscape"), ("a3", False, "A3", "Portrait")])
def test_the_print_dialog_starts_with_the_printouts_paper_and_orientation(qtbot, paper, landscape, size, orientation):
    from PySide6.QtGui import QPageLayout, QPageSize

    printout = notice_printout(ledger_notice(3), paper=paper, landscape=landscape)
    printer = printer_for(printout)
    layout = printer.pageLayout()  # type: ignore[attr-defined]
    assert layout.pageSize().id() == getattr(QPageSize.PageSizeId, size)
    assert layout.orientation() == getattr(QPageLayout.Orientation, orientation)
    assert printer.docName() == TITLE  # type: ignore[attr-defined]


def test_printing_gives_the_printer_every_page_on_its_paper(qtbot, tmp_path, shown):
    printout = feedback_printout("柳林村", "2026-003", "2026年第二季度最低生活保障对象公示",
                                 [["2026-07-08", "赵大爷", "第二小组为什么只有一户?", "其他申请户收入超过标准。", "张三",
                                   "2026-07-09"]] * 30)
    assert printout.landscape
    dialog = PrintoutDialog(printout, purpose=filedialogs.PDF, suggested_name="意见")
    qtbot.addWidget(dialog)
    target = tmp_path / "printed.pdf"
    dialog.choose_printer = _pdf_printer(target)  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.printed, timeout=TASK_MS) as sent:
        assert dialog.print_now()
    assert sent.args == [len(printout.pages)]
    reader = PdfReader(target)
    assert len(reader.pages) == len(printout.pages) > 1
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(w - A4[1]) < 2 and abs(h - A4[0]) < 2  # landscape A4, as laid out
    printed = _flat("".join(p.extract_text() for p in reader.pages))
    assert "第二小组为什么只有一户" in printed and "共{n}页".format(n=len(printout.pages)) in printed
    assert "已送到打印机" in dialog.status.text()
    assert not shown.warnings


def test_a_printer_that_is_not_there_is_told_plainly_and_nothing_is_printed(qtbot, shown, tmp_path):
    printout = notice_printout(ledger_notice(3))
    dialog = PrintoutDialog(printout, purpose=filedialogs.PDF, suggested_name="公告")
    qtbot.addWidget(dialog)
    dialog.choose_printer = lambda: printer_for(printout, "办公室打印机-不存在")  # type: ignore[method-assign]
    emitted: list[int] = []
    dialog.printed.connect(emitted.append)
    assert not dialog.print_now()
    assert emitted == []
    assert shown.warnings and "找不到打印机“办公室打印机-不存在”" in shown.warnings[-1]
    assert "另存为PDF" in shown.warnings[-1]  # what to do instead
    assert dialog.print_button.isEnabled()  # the clerk can try again


def test_a_printer_that_will_not_start_the_job_is_told_plainly(qtbot, shown, tmp_path):
    printout = notice_printout(ledger_notice(3))
    dialog = PrintoutDialog(printout, purpose=filedialogs.PDF, suggested_name="公告")
    qtbot.addWidget(dialog)
    # a "printer" whose output cannot be opened: a file in a folder that does not exist
    dialog.choose_printer = _pdf_printer(tmp_path / "无此文件夹" / "x.pdf")  # type: ignore[method-assign]
    assert not dialog.print_now()
    assert shown.warnings and "没有接受" in shown.warnings[-1]
    assert not (tmp_path / "无此文件夹").exists()


def test_nothing_to_print_prints_nothing(qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "empty.pdf"))
    print_pages(printer, [])
    assert not (tmp_path / "empty.pdf").exists()


def test_the_specimen_is_confirmed_with_the_button_that_says_what_it_does(qtbot):
    printout = notice_printout(ledger_notice(3))
    dialog = PrintoutDialog(printout, purpose=filedialogs.PDF, suggested_name="样张", accept_text="确认开具")
    qtbot.addWidget(dialog)
    assert dialog.accept_button is not None and dialog.accept_button.text() == "确认开具"
    assert dialog.accept_button.objectName() == "primary" and dialog.print_button.objectName() != "primary"
    dialog.accept_button.click()
    assert dialog.result() == QDialog.DialogCode.Accepted

    plain = PrintoutDialog(printout, purpose=filedialogs.PDF, suggested_name="公告")
    qtbot.addWidget(plain)
    assert plain.accept_button is None and plain.paper_combo is None  # no paper choice without relayout


def test_a_notice_is_laid_out_again_on_a3_and_landscape(qtbot):
    view = ledger_notice(40)
    dialog = PrintoutDialog(notice_printout(view), purpose=filedialogs.PDF, suggested_name="公告",
                            relayout=lambda paper, landscape: notice_printout(view, paper=paper, landscape=landscape))
    qtbot.addWidget(dialog)
    assert dialog.paper_combo is not None and dialog.landscape_check is not None
    a4_pages = len(dialog.pages)
    with qtbot.waitSignal(dialog.laid_out, timeout=TASK_MS):
        dialog.paper_combo.setCurrentIndex(1)
    page = dialog.pages[0]
    assert abs(page.width - A3[0]) < 1 and abs(page.height - A3[1]) < 1
    assert len(dialog.pages) == a4_pages  # A3 is A4 enlarged: the same page breaks
    with qtbot.waitSignal(dialog.laid_out, timeout=TASK_MS):
        dialog.landscape_check.setChecked(True)
    assert dialog.printout is not None and dialog.printout.landscape and dialog.printout.paper == "a3"
    assert dialog.print_button.isEnabled()


def test_a_notice_that_cannot_be_printed_says_which_character_and_offers_no_printing(qtbot):
    view = ledger_notice(3)
    bad = NoticeView(**{**view.__dict__, "body": "本村\U000f0001公开"})  # a private-use character no font has

    def relayout(paper: str, landscape: bool) -> Printout:
        return notice_printout(bad, paper=paper, landscape=landscape)

    with pytest.raises(MissingGlyphError):
        relayout("a4", False)
    dialog = PrintoutDialog(None, purpose=filedialogs.PDF, suggested_name="公告", relayout=relayout)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TASK_MS)
    assert not dialog.pages
    assert "U+F0001" in dialog.pane.message.text().upper() or "\U000f0001" in dialog.pane.message.text()
    assert not dialog.print_button.isEnabled() and not dialog.pdf_button.isEnabled()
    assert not dialog.print_now() and dialog.save_pdf() is None


def test_saving_writes_the_pages_shown_where_the_clerk_chose(qtbot, tmp_path):
    printout = notice_printout(ledger_notice(30), landscape=True)
    dialog = PrintoutDialog(printout, purpose=filedialogs.PDF, suggested_name="2027-001-财务收支公开",
                            default_folder=tmp_path)
    qtbot.addWidget(dialog)
    asked: list[Path] = []
    target = tmp_path / "公开栏" / "公告.pdf"
    target.parent.mkdir()

    def choose(suggested: Path) -> Path:
        asked.append(suggested)
        return target
    dialog.choose_file = choose  # type: ignore[method-assign]
    with qtbot.waitSignal(dialog.saved, timeout=TASK_MS):
        dialog.save_pdf()
    assert asked == [tmp_path / "2027-001-财务收支公开.pdf"]
    reader = PdfReader(target)
    assert len(reader.pages) == len(printout.pages)
    assert float(reader.pages[0].mediabox.width) > float(reader.pages[0].mediabox.height)
    assert _flat(TITLE) in _flat(reader.pages[0].extract_text())
    assert "已保存为 PDF" in dialog.status.text()


def test_save_printout_pdf_asks_in_the_folder_of_its_purpose_and_answers_the_file(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QWidget

    printout = notice_printout(ledger_notice(3))
    parent = QWidget()
    qtbot.addWidget(parent)
    started: list[str] = []
    target = tmp_path / "会议" / "记录"  # no .pdf typed: it is added

    def ask(_parent, _title, start, _filter):  # type: ignore[no-untyped-def]
        started.append(start)
        return str(target), ""

    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", ask)
    saved = preview.save_printout_pdf(parent, printout, filedialogs.PDF, "2027-001-公告")
    assert saved == target.with_name("记录.pdf") and saved.is_file()
    assert started[0].endswith("2027-001-公告.pdf")
    assert len(PdfReader(saved).pages) == len(printout.pages)
    assert filedialogs.remembered(filedialogs.PDF) == target.parent

    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a: ("", ""))
    assert preview.save_printout_pdf(parent, printout, filedialogs.PDF, "公告") is None
