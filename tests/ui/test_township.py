"""The township officer's day in the desktop program (township mode, ui/township): open the hub, read the
overview, import a stick, open a village and print one of its notices, verify a certificate, export the
month's report, change the silence limit; start it with ``cunwu-desktop --township``.

The villages are the hub demo's (tests/ui/township_demo.py): refused certificates, a forked bundle, a
silent village, one never synced, one waiting for a gap, one on time. The quarterly representatives'
meeting column implements 村民委员会组织法 第二十六条 ("村民代表会议每季度召开一次"), as the hub's
projections count it; the screen's part is to say it in words beside the colour.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import hashlib  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt, QThreadPool  # noqa: E402
from PySide6.QtWidgets import QApplication, QPushButton  # noqa: E402

from app.hub.township_demo import FORKED, GAP, LATE, NEVER, SILENT  # noqa: E402
from app.schema import open_store  # noqa: E402
from township_demo import ON_TIME, demo_village, township_copy, village_dir  # noqa: E402
from ui.style import ERROR  # noqa: E402
from ui.tasks import TaskContext, write_pool  # noqa: E402
from ui.township.overview import Columns  # noqa: E402
from ui.township.start import open_township  # noqa: E402
from ui.township.window import IMPORT, OVERVIEW, REPORT, SETTINGS, VERIFY, VILLAGE, TownshipWindow  # noqa: E402

WAIT_MS = 60_000


def settle(app: QApplication, until: Callable[[], bool] = lambda: True, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        QThreadPool.globalInstance().waitForDone(20)
        app.processEvents()
        if until():
            break
        assert time.monotonic() < deadline, "the screen did not finish in time"
        time.sleep(0.02)
    for _ in range(4):
        app.processEvents()


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return township_copy(tmp_path / "data")


@pytest.fixture
def window(qtbot, qapp, data: Path) -> Iterator[TownshipWindow]:  # type: ignore[no-untyped-def]
    hub = open_township(data)
    w = TownshipWindow(hub, data)
    qtbot.addWidget(w)
    w.resize(1366, 728)
    w.show()
    yield w
    w.close()
    QThreadPool.globalInstance().waitForDone(20_000)
    write_pool().waitForDone(20_000)
    village = w._screens.get(VILLAGE)
    if village is not None:
        village.close_copy()
    hub.close()


def overview(qapp, window: TownshipWindow) -> Any:  # type: ignore[no-untyped-def]
    screen = window.show_screen(OVERVIEW)
    settle(qapp, lambda: screen.rows is not None)
    return screen


def row_of(screen: Any, code: str) -> int:
    return next(r for r in range(len(screen.rows)) if screen.code_at(r) == code)


# ---------------------------------------------------------------- 总览


def test_the_overview_says_in_words_which_village_is_silent_forked_waiting_or_never_synced(qapp, window):
    screen = overview(qapp, window)
    assert window.current_key() == OVERVIEW  # the first screen of the township program
    assert len(screen.rows) == 6

    def text(kind: str, column: Columns) -> str:
        return screen.text_at(row_of(screen, demo_village(kind).code), column)

    assert text(NEVER, Columns.LAST_SYNC) == "从未同步" and "从未同步" in text(NEVER, Columns.ALERTS)
    assert "超期" in text(SILENT, Columns.LAST_SYNC) and "没有同步" in text(SILENT, Columns.ALERTS)
    assert "拒收 1" in text(FORKED, Columns.BUNDLES) and "分叉" in text(FORKED, Columns.ALERTS)
    assert "待补 1" in text(GAP, Columns.BUNDLES)
    assert text(LATE, Columns.OVERDUE).startswith("逾期")
    assert text(ON_TIME, Columns.ALERTS) == "无"
    assert text(ON_TIME, Columns.MEETING) in ("已开", "未开", "未到要求")
    # colour always with words: every red cell says what is wrong in Chinese, not only a number
    red = 0
    for r in range(len(screen.rows)):
        for column in Columns:
            index = screen.model.index(r, column)
            colour = index.data(Qt.ItemDataRole.ForegroundRole)
            if colour is not None and colour.name().lower() == ERROR.lower():
                red += 1
                assert re.search(r"[\u4e00-\u9fff]{2}", index.data()), index.data()
                assert index.data(Qt.ItemDataRole.ToolTipRole)
    assert red >= 6
    # every cell's words are seen whole in its column (normal type)
    metrics = screen.table.fontMetrics()
    for column in list(Columns)[:-1]:
        widest = max(metrics.horizontalAdvance(screen.text_at(r, column)) for r in range(len(screen.rows)))
        assert screen.table.columnWidth(column) >= widest, column


def test_the_overview_sorts_by_what_is_behind_the_words_and_a_double_click_opens_the_village(qapp, qtbot, window):
    screen = overview(qapp, window)
    screen.table.sortByColumn(Columns.LAST_SYNC, Qt.SortOrder.DescendingOrder)
    assert screen.text_at(0, Columns.LAST_SYNC) == "从未同步"
    assert "超期" in screen.text_at(1, Columns.LAST_SYNC)
    screen.table.sortByColumn(Columns.BUNDLES, Qt.SortOrder.DescendingOrder)
    assert screen.text_at(0, Columns.BUNDLES).startswith("拒收")

    code = demo_village(ON_TIME).code
    index = screen.model.index(row_of(screen, code), Columns.VILLAGE)
    screen.table.scrollTo(index)
    village = window.screen(VILLAGE)
    where = screen.table.visualRect(index).center()
    with qtbot.waitSignal(village.shown, timeout=WAIT_MS):
        # as a mouse does it: the press that selects, then the double-click
        qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
        qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.current_key() == VILLAGE
    settle(qapp, lambda: village.village_combo.currentData() == code)  # the list of villages is read beside it
    assert village.code == code


# ---------------------------------------------------------------- 导入U盘


def _new_bundle(data: Path, code: str, stick: Path, seq: int) -> Path:
    from app.people.service import ResidentInput, add_resident
    from app.sync.export import export_bundle
    from conftest import make_id

    store = open_store(village_dir(data, code))
    try:
        with store.begin("村文书") as s:
            add_resident(s, ResidentInput(name="新落户", id_number=make_id(dt.date(1990, 3, 1), seq)))
        result = export_bundle(store, stick)
    finally:
        store.close()
    assert result.path is not None
    return result.path


def test_a_bundle_refused_mid_stick_is_listed_with_its_reason_and_the_others_are_imported(qapp, qtbot, data, window,
                                                                                          monkeypatch):
    stick = data.parent / "U盘"
    stick.mkdir()
    first, second = sorted([demo_village(ON_TIME).code, demo_village(LATE).code])
    a = _new_bundle(data, first, stick, 701)
    b = _new_bundle(data, second, stick, 702)
    # a copy of the first village's bundle damaged on the stick, sorted between the two good ones
    broken = stick / a.name.replace(".cunwu-sync", "_副本.cunwu-sync")
    raw = bytearray(a.read_bytes())
    for i in range(len(raw) // 2, len(raw) // 2 + 64):
        raw[i] ^= 0x5A
    broken.write_bytes(bytes(raw))
    assert sorted(p.name for p in stick.iterdir()) == [a.name, broken.name, b.name]

    screen = window.show_screen(IMPORT)
    view = window.screen(OVERVIEW)
    settle(qapp, lambda: view.rows is not None)
    said, bar = [], []  # what the progress window said and how far its bar was, file after file
    say, progress = TaskContext.say, TaskContext.progress
    monkeypatch.setattr(TaskContext, "say", lambda ctx, text: (said.append(text), say(ctx, text)))
    monkeypatch.setattr(TaskContext, "progress", lambda ctx, d, t: (bar.append((d, t)), progress(ctx, d, t)))
    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        screen.import_folder(stick)
    assert said == [f"正在导入第 {i} 个同步包(共 3 个),请不要拔U盘……\n{p.name}"
                    for i, p in enumerate((a, broken, b), start=1)]
    assert all(done <= total for done, total in bar) and [d / t for d, t in bar] == sorted(d / t for d, t in bar)
    assert max(d / t for d, t in bar) > 2 / 3  # the last file's events moved the bar past two thirds
    results = [(screen.model.index(r, 0).data(), screen.model.index(r, 1).data(), screen.model.index(r, 2).data())
               for r in range(screen.model.rowCount())]
    assert [r[1] for r in results] == ["已导入", "拒收", "已导入"]
    assert results[1][0] == broken.name and len(results[1][2]) > 10  # the reason, in words
    assert "拒收 1 个" in screen.summary.text() and "已导入 2 个" in screen.summary.text()
    receipts = sorted(p.name for p in stick.glob("*.cunwu-receipt"))
    assert any(first in n for n in receipts) and any(second in n for n in receipts)
    assert "回执" in screen.message.text()
    # the overview read the hub again: both villages synced today
    settle(qapp, lambda: view.text_at(row_of(view, first), Columns.LAST_SYNC) == "今天")
    assert view.text_at(row_of(view, second), Columns.LAST_SYNC) == "今天"


def test_each_file_says_whether_it_was_imported_before_or_waits_for_the_one_before_it(qapp, qtbot, data, window):
    code = demo_village(ON_TIME).code
    home, stick = data.parent / "村里", data.parent / "U盘"
    home.mkdir()
    stick.mkdir()
    first = _new_bundle(data, code, home, 711)  # left at home
    later = _new_bundle(data, code, stick, 712)
    screen = window.show_screen(IMPORT)
    view = overview(qapp, window)
    window.show_screen(IMPORT)

    def results() -> list[str]:
        return [screen.model.index(r, 1).data() for r in range(screen.model.rowCount())]

    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        screen.import_folder(stick)
    assert results() == ["暂存,等前面的包"]
    assert "暂存 1 个" in screen.summary.text() and screen.model.index(0, 0).data() == later.name
    settle(qapp, lambda: view.text_at(row_of(view, code), Columns.BUNDLES) == "待补 1")

    shutil.copy(first, stick / first.name)  # the village brings the one it forgot
    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        screen.import_folder(stick)
    assert results()[0] == "已导入" and screen.model.index(0, 0).data() == first.name
    settle(qapp, lambda: view.text_at(row_of(view, code), Columns.BUNDLES) == "无")

    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        screen.import_folder(stick)  # the same stick again
    assert results() == ["以前导入过", "以前导入过"]
    assert "以前导入过 2 个" in screen.summary.text()


def test_several_files_chosen_at_once_are_imported_in_their_order(qapp, qtbot, data, window, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    code = demo_village(ON_TIME).code
    stick = data.parent / "U盘"
    stick.mkdir()
    first = _new_bundle(data, code, stick, 721)
    later = _new_bundle(data, code, stick, 722)
    # the officer clicked the later one first: the dialog gives them in the order they were clicked
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(later), str(first)], ""))
    screen = window.show_screen(IMPORT)
    with qtbot.waitSignal(screen.finished, timeout=WAIT_MS):
        screen.files_button.click()
    rows = [(screen.model.index(r, 0).data(), screen.model.index(r, 1).data()) for r in range(screen.model.rowCount())]
    assert rows == [(first.name, "已导入"), (later.name, "已导入")]
    assert "已导入 2 个" in screen.summary.text()
    assert any(code in p.name for p in stick.glob("*.cunwu-receipt"))  # the receipt went back beside them


def test_a_folder_without_bundles_says_so_and_imports_nothing(qapp, data, window):
    empty = data.parent / "空U盘"
    empty.mkdir()
    screen = window.show_screen(IMPORT)
    assert screen.import_folder(empty) is None
    assert "没有同步包" in screen.message.text() and screen.model.rowCount() == 0


# ---------------------------------------------------------------- 各村详情


def test_a_village_opens_read_only_and_its_notice_prints_exactly_as_the_village_printed_it(qapp, qtbot, data, window):
    from app.disclosure.models import Notice
    from app.disclosure.printing import notice_pdf_bytes
    from app.disclosure.service import notice_view
    from app.printing.pdf import pdf_bytes
    from sqlalchemy import select

    code = demo_village(ON_TIME).code
    own = open_store(village_dir(data, code))
    with own.read() as s:
        notice_id = s.scalars(select(Notice.id).where(Notice.state == "posted").order_by(Notice.id)).first()
        day = dt.date(2026, 12, 1)
        theirs = notice_pdf_bytes(notice_view(s, notice_id, print_date=day))
    own.close()

    screen = window.screen(VILLAGE)
    with qtbot.waitSignal(screen.shown, timeout=WAIT_MS):
        window.open_village(code)
    settle(qapp, lambda: not screen.notice_model.loading and not screen.register_model.loading)
    assert screen.notice_model.total > 0 and screen.register_model.total > 0
    with qtbot.waitSignal(screen.previewed, timeout=WAIT_MS) as shown:
        screen.preview_notice(notice_id, print_date=day)
    dialog = shown.args[0]
    assert hashlib.sha256(pdf_bytes(dialog.printout)).hexdigest() == hashlib.sha256(theirs).hexdigest()
    dialog.close()

    # the 四议两公开 board is the village's, without a button that would change a matter
    screen.tabs.setCurrentWidget(screen.board_box)
    settle(qapp, lambda: bool(screen.board.rows))
    assert screen.board.cards
    assert [b.text() for b in screen.board.findChildren(QPushButton) if b.isVisibleTo(screen)] == []
    # the residents by group add up to the village's residents; the refusals list the village's refusals
    settle(qapp, lambda: screen.groups.rowCount() > 0)
    total = int(screen.groups.item(screen.groups.rowCount() - 1, 1).text())
    own = open_store(village_dir(data, code))
    from app.people.service import count_residents

    with own.read() as s:
        assert total == count_residents(s)
    own.close()


def test_the_minutes_of_a_village_open_in_the_print_preview(qapp, qtbot, window):
    screen = window.screen(VILLAGE)
    with qtbot.waitSignal(screen.shown, timeout=WAIT_MS):
        window.open_village(demo_village(ON_TIME).code)
    settle(qapp, lambda: not screen.meeting_model.loading)
    closed = next(m for m in screen.meeting_model.rows if m.closed)
    with qtbot.waitSignal(screen.previewed, timeout=WAIT_MS) as shown:
        screen.preview_minutes(closed.id)
    assert shown.args[0].printout.pages
    shown.args[0].close()


# ---------------------------------------------------------------- 核验证明


def _payload(data: Path, code: str, state: str, *, last: bool = False) -> str:
    from app.certificates.models import Certificate
    from sqlalchemy import select

    store = open_store(village_dir(data, code))
    with store.read() as s:
        text = s.scalars(select(Certificate.qr_payload).where(Certificate.state == state, Certificate.qr_payload != "")
                         .order_by(Certificate.id.desc() if last else Certificate.id)).first()
    store.close()
    assert text
    return text


def _forget_at_hub(hub: Any, code: str, payload: str) -> None:
    """Take the certificate with this QR text out of the hub's copy of the village's records, as if the
    bundle that carries it had not been brought yet."""
    import json

    from sqlalchemy import delete, select

    from app.hub import store as t

    with hub.engine.begin() as conn:
        rows = conn.execute(select(t.records.c.record_id, t.records.c.content).where(
            t.records.c.village_code == code, t.records.c.record_type == "certificate")).all()
        ids = [rid for rid, content in rows if json.loads(content).get("qr_payload") == payload]
        assert len(ids) == 1
        conn.execute(delete(t.records).where(t.records.c.village_code == code, t.records.c.record_type == "certificate",
                                             t.records.c.record_id == ids[0]))


def test_a_certificate_is_genuine_voided_or_never_seen_by_the_hub(qapp, qtbot, data, window):
    screen = window.show_screen(VERIFY)
    panel = screen.panel

    def verify(text: str) -> Any:
        panel.scan_edit.setText(text)
        with qtbot.waitSignal(panel.verified, timeout=WAIT_MS) as got:
            panel.verify()
        return got.args[0]

    genuine = verify(_payload(data, demo_village(ON_TIME).code, "issued"))
    assert genuine.ok and "真实有效" in panel.verdict_text()
    voided = verify(_payload(data, demo_village(ON_TIME).code, "voided"))
    assert not voided.ok and "已作废" in panel.verdict_text()
    # a certificate issued after the village's last bundle: its record has not reached the hub
    later = _payload(data, demo_village(ON_TIME).code, "issued", last=True)
    _forget_at_hub(window.hub, demo_village(ON_TIME).code, later)
    unseen = verify(later)
    assert not unseen.ok and unseen.reason == "not-in-register" and "台账里没有" in panel.verdict_text()
    panel.scan_edit.setText("这不是证明")
    with qtbot.waitSignal(panel.verified, timeout=WAIT_MS):
        panel.verify()
    assert "不是证明二维码" in panel.verdict_text()


# ---------------------------------------------------------------- 月报


def test_the_months_report_is_exported_and_a_month_to_come_is_refused_with_a_message(qapp, qtbot, data, window):
    from openpyxl import load_workbook

    from ui.township.report_screen import months_before

    screen = window.show_screen(REPORT)
    month = months_before(dt.date.today())[1]
    xlsx = data.parent / "月报.xlsx"
    with qtbot.waitSignal(screen.exported, timeout=WAIT_MS):
        screen.export(month, xlsx)
    assert len(load_workbook(xlsx).sheetnames) >= 3
    assert "已保存" in screen.message.text()
    pdf = data.parent / "月报.pdf"
    with qtbot.waitSignal(screen.exported, timeout=WAIT_MS):
        screen.export(month, pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    future = data.parent / "未来.xlsx"
    screen.export("2099-01", future)
    settle(qapp, lambda: not screen.busy)
    assert "还没有到" in screen.message.text() and not future.exists()
    with qtbot.waitSignal(screen.previewed, timeout=WAIT_MS) as shown:
        screen.preview(month)
    assert shown.args[0].printout.pages
    shown.args[0].close()


# ---------------------------------------------------------------- 设置


def test_the_silence_limit_set_in_settings_is_what_the_overview_warns_at(qapp, qtbot, window):
    view = overview(qapp, window)
    silent = row_of(view, demo_village(SILENT).code)
    assert "超期" in view.text_at(silent, Columns.LAST_SYNC)
    screen = window.show_screen(SETTINGS)
    settle(qapp, lambda: bool(screen.known_label.text()))
    assert screen.silence_spin.value() == 14
    screen.silence_spin.setValue(120)
    with qtbot.waitSignal(view.loaded, timeout=WAIT_MS):
        screen.save()
    assert "超期" not in view.text_at(row_of(view, demo_village(SILENT).code), Columns.LAST_SYNC)


def test_the_upload_limit_set_in_settings_is_what_the_network_service_takes(qapp, qtbot, window):
    from app.hub.server import MB, upload_limit

    screen = window.show_screen(SETTINGS)
    settle(qapp, lambda: bool(screen.known_label.text()))
    assert screen.upload_spin.value() == 100 and upload_limit(window.hub) == 100 * MB
    screen.upload_spin.setValue(5000)  # more than the most it takes: said under the field, nothing saved
    assert screen.save() is None and "2048" in screen.upload_error.text()
    assert upload_limit(window.hub) == 100 * MB
    screen.upload_spin.setValue(20)
    with qtbot.waitSignal(screen.saved, timeout=WAIT_MS):
        screen.save()
    assert upload_limit(window.hub) == 20 * MB


# ---------------------------------------------------------------- starting it


@pytest.fixture
def keep_look(qapp):  # type: ignore[no-untyped-def]
    font, sheet = qapp.font(), qapp.styleSheet()
    yield
    qapp.setStyleSheet(sheet)
    qapp.setFont(font)


def test_large_text_chosen_in_the_townships_settings_is_kept_for_the_next_start(qapp, keep_look, window, data):
    from app.config import load_settings
    from ui.style import LARGE_TEXT_SETTING

    screen = window.show_screen(SETTINGS)
    settle(qapp, lambda: bool(screen.known_label.text()))
    size = qapp.font().pointSize()
    screen.large_check.setChecked(True)
    assert qapp.font().pointSize() > size  # at once
    settle(qapp, lambda: load_settings(data).get(LARGE_TEXT_SETTING) is True)  # and for the next start


def test_cunwu_desktop_township_smoke_opens_the_overview(qapp, keep_look, data, capsys):
    from ui.app import main

    assert main(["--township", "--smoke", "--data-dir", str(data)]) == 0
    assert "乡镇程序已打开" in capsys.readouterr().out


def test_township_mode_without_a_hub_says_how_to_make_one(qapp, keep_look, tmp_path, capsys):
    from ui.app import main

    assert main(["--township", "--smoke", "--data-dir", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "还没有乡镇数据" in err and "乡镇" in err
    assert not (tmp_path / "hub").exists()


def test_the_first_run_wizard_makes_a_township_hub_when_乡镇_is_chosen(qapp, qtbot, tmp_path):
    from ui.setup_wizard import SetupWizard
    from ui.township.start import township_only

    store = open_store(tmp_path / "data")
    wizard = SetupWizard(store)
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.welcome.township_radio.setChecked(True)
    assert wizard.welcome.isFinalPage() and wizard.welcome.township_edit.isVisible()
    from PySide6.QtWidgets import QWizard

    assert wizard.button(QWizard.WizardButton.FinishButton).isVisible()  # 完成 on the first page
    assert not wizard.button(QWizard.WizardButton.NextButton).isVisible()
    wizard.accept()  # no name yet
    assert "乡镇" in wizard.welcome.township_error.text() and not (tmp_path / "data" / "hub").exists()
    wizard.welcome.township_edit.setText("石桥镇")
    wizard.accept()
    settle(qapp, lambda: wizard.result_hub is not None)
    assert wizard.result_hub.name == "石桥镇" and wizard.result_info is None
    wizard.result_hub.close()
    store.close()
    assert township_only(tmp_path / "data")  # the next start opens the township program


def test_f1_opens_the_guides_township_chapter_at_the_screen_in_front(qapp, window):
    from ui.township.window import GUIDE_CHAPTER, GUIDE_PARTS

    for key, part in GUIDE_PARTS.items():
        window.show_screen(key)
        guide = window.show_help()
        settle(qapp)
        at = guide.browser.textCursor().block().text()  # where the guide put its cursor: the part's heading
        assert at.endswith(part), (key, at)
    assert any(h.key == GUIDE_CHAPTER for h in guide.found)
    guide.close()


def test_the_verify_screen_explains_the_townships_check_not_a_villages(window):
    from PySide6.QtWidgets import QLabel

    screen = window.show_screen(VERIFY)
    texts = " ".join(label.text() for label in screen.findChildren(QLabel))
    assert "本村的签名" not in texts and "乡镇收到的该村台账" in texts


def test_a_silence_limit_out_of_range_is_refused_under_the_field_and_nothing_is_saved(qapp, window):
    from app.hub.status import SILENCE_KEY, hub_setting

    screen = window.show_screen(SETTINGS)
    settle(qapp, lambda: bool(screen.known_label.text()))
    screen.silence_spin.setValue(400)
    assert screen.save() is None
    assert "最多是 366" in screen.silence_error.text()
    settle(qapp)
    assert hub_setting(window.hub, SILENCE_KEY, None) is None


def test_a_catalogue_version_the_hub_does_not_have_is_refused_and_nothing_is_saved(qapp, qtbot, window):
    from app.hub.status import SILENCE_KEY, hub_setting

    screen = window.show_screen(SETTINGS)
    settle(qapp, lambda: bool(screen.known_label.text()))
    assert "2026.1" in screen.known_label.text()
    screen.silence_spin.setValue(30)
    screen.catalogues_edit.setText("1999.9")
    screen.save()
    settle(qapp, lambda: screen.message.isVisible())
    assert "1999.9" in screen.message.text()
    assert hub_setting(window.hub, SILENCE_KEY, None) is None  # the silence limit was not saved either
