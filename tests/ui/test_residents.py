"""The residents screen as the clerk uses it: search, filters, the resident dialog, delete, import, export."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import csv  # noqa: E402
import datetime as dt  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from shiboken6 import isValid
from PySide6.QtCore import QDate, Qt  # noqa: E402
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWizard  # noqa: E402

from app.people.importer import HouseholdRecord, PersonRecord, write_households  # noqa: E402
from app.people.service import (  # noqa: E402
    ResidentInput,
    ResidentQuery,
    add_resident,
    count_residents,
    init_village,
    list_groups,
    search_residents,
)
from app.people.spreadsheet import read_roster  # noqa: E402
from app.people.uscc import make_uscc  # noqa: E402
from app.schema import Store, open_store  # noqa: E402
from ui.people.resident_dialog import ResidentDialog  # noqa: E402
from ui.people.residents_model import PAGE, Columns, ResidentsTableModel  # noqa: E402
from ui.people.residents_screen import ResidentsScreen  # noqa: E402
from ui.tasks import TaskContext  # noqa: E402

from conftest import make_id  # noqa: E402

TASK_TIMEOUT_MS = 10_000


def bad_check_digit(id_number: str) -> str:
    last = "0" if id_number[-1] != "0" else "1"
    return id_number[:-1] + last


# name, birth, sequence (odd = man), group index
PEOPLE = [
    ("张三", dt.date(1960, 3, 1), 11, 0),
    ("李四", dt.date(1985, 7, 9), 21, 0),
    ("王小红", dt.date(1992, 12, 30), 32, 1),
    ("王小明", dt.date(1994, 4, 4), 33, 1),
    ("赵大勇", dt.date(2012, 1, 5), 41, 1),
]


def _new_store(path: Path) -> Store:
    store = open_store(path)
    with store.begin("测试") as s:
        init_village(s, name="柳林村", code=make_uscc(random.Random(1)), township="石桥镇", county="平原县",
                     groups=["第一村民小组", "第二村民小组"])
    return store


def _ids(store: Store) -> list[int]:
    with store.read() as s:
        return [g.id for g in list_groups(s)]


def _all(store: Store) -> dict[str, object]:
    with store.read() as s:
        return {r.name: r for r in search_residents(s, ResidentQuery(), limit=10_000)}


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Store]:
    store = _new_store(tmp_path / "village")
    groups = _ids(store)
    with store.begin("测试") as s:
        for name, birth, seq, g in PEOPLE:
            add_resident(s, ResidentInput(name=name, id_number=make_id(birth, seq), group_id=groups[g],
                                          phone="13800138000", relation="户主"))
    yield store
    store.close()


@pytest.fixture
def empty_village(tmp_path: Path) -> Iterator[Store]:
    store = _new_store(tmp_path / "empty")
    yield store
    store.close()


@pytest.fixture(scope="module")
def big_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("big")
    store = _new_store(d)
    households = []
    n = 0
    for h in range(1250):
        members = []
        for m in range(4):
            birth = dt.date(1940, 1, 1) + dt.timedelta(days=n)
            members.append(PersonRecord(name=f"村民{n}", sex="男" if n % 2 else "女", birth_date=birth,
                                        id_number=make_id(birth, 100 + (n % 2)), relation="户主" if m == 0 else "子"))
            n += 1
        households.append(HouseholdRecord(group_name="第一村民小组", address="", number=str(h), members=members))
    with store.begin("测试") as s:
        write_households(s, households)
    store.close()
    return d


@pytest.fixture
def big_village(big_template: Path, tmp_path: Path) -> Iterator[Store]:
    d = tmp_path / "big"
    shutil.copytree(big_template, d)
    store = open_store(d)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def warnings_shown(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The error dialog would block the test; record what it would have said instead."""
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: shown.append(text))
    return shown


def _screen(qtbot, store: Store) -> ResidentsScreen:  # type: ignore[no-untyped-def]
    screen = ResidentsScreen(store)
    qtbot.addWidget(screen)
    screen.resize(1280, 800)
    screen.show()
    return screen


def _names(screen: ResidentsScreen) -> set[str]:
    model = screen.model
    return {model.index(r, Columns.NAME).data() for r in range(model.rowCount())}


def _select(screen: ResidentsScreen, name: str) -> None:
    for r in range(screen.model.rowCount()):
        if screen.model.row_at(r).name == name:
            screen.select_resident(screen.model.row_at(r).id)
            return
    raise AssertionError(f"{name} is not in the table")


# ---------------------------------------------------------------- the table


def test_a_big_register_opens_with_one_page_and_pages_through_to_everyone(qtbot, big_village: Store) -> None:
    model = ResidentsTableModel(big_village)
    assert model.rowCount() == PAGE
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    with big_village.read() as s:
        everyone = count_residents(s, ResidentQuery())
    assert everyone == 5000
    assert model.rowCount() == everyone
    assert model.total == everyone
    assert len({model.row_at(r).id for r in range(model.rowCount())}) == everyone


def test_the_count_label_shows_the_whole_register(qtbot, big_village: Store) -> None:
    screen = _screen(qtbot, big_village)
    assert screen.count_label.text() == "共 5000 人"
    assert screen.model.rowCount() < 5000


def test_the_table_shows_age_and_yes_for_flags(qtbot, village: Store) -> None:
    with village.begin("测试") as s:
        add_resident(s, ResidentInput(name="党员甲", sex="男", birth_date=dt.date(1970, 1, 1), party_member=True))
    screen = _screen(qtbot, village)
    screen.search_edit.setText("党员甲")
    qtbot.waitUntil(lambda: _names(screen) == {"党员甲"})
    today = dt.date.today()
    age = today.year - 1970 - ((today.month, today.day) < (1, 1))
    assert screen.model.index(0, Columns.AGE).data() == str(age)
    assert screen.model.index(0, Columns.PARTY_MEMBER).data() == "是"
    assert screen.model.index(0, Columns.REPRESENTATIVE).data() == ""


def test_id_numbers_are_masked_when_the_setting_asks(qtbot, village: Store) -> None:
    model = ResidentsTableModel(village, ResidentQuery(text="张三"))
    full = make_id(dt.date(1960, 3, 1), 11)
    assert model.index(0, Columns.ID_NUMBER).data() == full
    model.set_mask_ids(True)
    shown = model.index(0, Columns.ID_NUMBER).data()
    assert shown != full and shown.startswith(full[:4]) and shown.endswith(full[-4:]) and "1960" not in shown


def test_searching_two_chinese_characters_filters_the_table(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    screen.search_edit.setText("王小")
    qtbot.waitUntil(lambda: _names(screen) == {"王小红", "王小明"})
    assert screen.count_label.text() == "找到 2 人"
    screen.search_edit.setText("李")
    qtbot.waitUntil(lambda: _names(screen) == {"李四"})


def test_searching_part_of_an_id_number_finds_the_person(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    fragment = make_id(dt.date(1985, 7, 9), 21)[8:14]  # 850709: part of 李四's birth date
    screen.search_edit.setText(fragment)
    qtbot.waitUntil(lambda: _names(screen) == {"李四"})
    screen.search_edit.clear()
    qtbot.waitUntil(lambda: len(_names(screen)) == len(PEOPLE))


def test_group_filter_shows_only_that_group(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    screen.group_combo.setCurrentIndex(screen.group_combo.findText("第二村民小组"))
    assert _names(screen) == {"王小红", "王小明", "赵大勇"}
    screen.adults_check.setChecked(True)
    assert _names(screen) == {"王小红", "王小明"}
    screen.group_combo.setCurrentIndex(screen.group_combo.findText("全部小组"))
    assert _names(screen) == {"张三", "李四", "王小红", "王小明"}


def test_an_empty_register_offers_the_import(qtbot, empty_village: Store) -> None:
    screen = _screen(qtbot, empty_village)
    assert screen.stack.currentWidget() is screen.empty_page
    assert screen.empty_import_button.isVisible()
    assert not screen.table.isVisible()

    screen.empty_add_button.click()
    dialog = next(d for d in screen.findChildren(ResidentDialog) if d.isVisible())
    dialog.name_edit.setText("第一人")
    dialog.id_edit.setText(make_id(dt.date(1980, 1, 1), 11))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: screen.table.isVisible(), timeout=TASK_TIMEOUT_MS)
    assert _names(screen) == {"第一人"}
    assert screen.count_label.text() == "共 1 人"


# ---------------------------------------------------------------- the resident dialog


def _error_sits_under(dialog, field_widget, field: str) -> bool:  # type: ignore[no-untyped-def]
    label = dialog.error_label(field)
    top = label.mapTo(dialog, label.rect().topLeft()).y()
    bottom_of_field = field_widget.mapTo(dialog, field_widget.rect().bottomLeft()).y()
    next_row = dialog.sex_combo.mapTo(dialog, dialog.sex_combo.rect().topLeft()).y()
    return bottom_of_field <= top < next_row


def test_a_wrong_id_number_is_shown_under_the_id_field_and_nothing_is_saved(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    before = len(_all(village))
    dialog = screen.add_resident()
    dialog.name_edit.setText("钱七")
    dialog.id_edit.setText(bad_check_digit(make_id(dt.date(1990, 5, 6), 51)))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled())
    assert "校验位" in dialog.error_text("id_number")
    assert _error_sits_under(dialog, dialog.id_edit, "id_number")
    assert dialog.isVisible()
    assert dialog.name_edit.text() == "钱七"
    assert len(_all(village)) == before


def test_the_service_verdict_appears_under_its_field(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    dialog = screen.add_resident()
    dialog.name_edit.setText("钱七")
    dialog.id_edit.setText(make_id(dt.date(1990, 5, 6), 51))
    dialog.phone_edit.setText("12345")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.error_text("phone") != "")
    assert "12345" in dialog.error_text("phone")
    assert dialog.error_text("id_number") == ""
    assert "钱七" not in _all(village)


def test_a_valid_id_number_fills_sex_and_birth_date_and_saves(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    dialog = screen.add_resident()
    dialog.name_edit.setText("孙八妹")
    dialog.id_edit.setText(make_id(dt.date(1988, 2, 29), 62))
    assert dialog.sex_combo.currentData() == "女"
    assert dialog.birth_edit.date() == QDate(1988, 2, 29)
    assert not dialog.sex_combo.isEnabled() and not dialog.birth_edit.isEnabled()
    dialog.group_combo.setCurrentIndex(dialog.group_combo.findText("第一村民小组"))
    qtbot.keyClick(dialog.phone_edit, Qt.Key.Key_Return)  # Enter saves
    # the dialog deletes itself once closed: gone counts as closed
    qtbot.waitUntil(lambda: not isValid(dialog) or not dialog.isVisible(), timeout=TASK_TIMEOUT_MS)
    saved = _all(village)["孙八妹"]
    assert (saved.sex, saved.birth_date, saved.group_name) == ("女", dt.date(1988, 2, 29), "第一村民小组")
    qtbot.waitUntil(lambda: screen.selected_resident() is not None)
    assert screen.selected_resident().name == "孙八妹"


def test_clearing_the_id_gives_sex_and_birth_date_back(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    dialog = screen.add_resident()
    dialog.id_edit.setText(make_id(dt.date(1988, 2, 29), 62))
    dialog.id_edit.setText("")
    assert dialog.sex_combo.isEnabled() and dialog.birth_edit.isEnabled()


def test_editing_saves_through_the_core(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    _select(screen, "李四")
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    dialogs = [d for d in screen.findChildren(ResidentDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.name_edit.text() == "李四"
    dialog.phone_edit.setText("13912345678")
    dialog.representative_check.setChecked(True)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.result_row is not None, timeout=TASK_TIMEOUT_MS)
    stored = _all(village)["李四"]
    assert stored.phone == "13912345678" and stored.representative
    row = screen.model.row_of(stored.id)
    assert screen.model.index(row, Columns.PHONE).data() == "13912345678"
    assert screen.model.index(row, Columns.REPRESENTATIVE).data() == "是"


def test_delete_asks_naming_the_person_and_removes_them(qtbot, village: Store, monkeypatch) -> None:
    asked: list[str] = []
    answer = [QMessageBox.StandardButton.No]
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a, **k: (asked.append(text), answer[0])[1])
    screen = _screen(qtbot, village)
    _select(screen, "张三")
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Delete)
    assert asked and "张三" in asked[0]
    assert "张三" in _all(village)

    answer[0] = QMessageBox.StandardButton.Yes
    screen.delete_button.click()
    qtbot.waitUntil(lambda: "张三" not in _names(screen), timeout=TASK_TIMEOUT_MS)
    assert "张三" not in _all(village)
    assert screen.count_label.text() == f"共 {len(PEOPLE) - 1} 人"


# ---------------------------------------------------------------- import and export


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["姓名", "性别", "身份证号", "出生日期", "联系电话", "村民小组", "户主姓名", "与户主关系"])
        writer.writerows(rows)
    return path


def _good_rows() -> list[list[str]]:
    return [
        ["周一", "", make_id(dt.date(1970, 1, 2), 71), "", "13700000001", "第三村民小组", "", "户主"],
        ["吴二", "", make_id(dt.date(1972, 3, 4), 82), "", "", "第三村民小组", "周一", "配偶"],
        ["周小三", "男", "", "2024-05-06", "", "第三村民小组", "周一", "子"],
        ["郑四", "", make_id(dt.date(1966, 6, 6), 93), "", "", "第一村民小组", "", "户主"],
    ]


def _start_wizard(qtbot, screen: ResidentsScreen, sheet: Path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sheet), ""))
    wizard = screen.open_import_wizard()
    wizard.file_page.choose_button.click()
    assert wizard.file_page.isComplete()
    wizard.next()
    qtbot.waitUntil(lambda: wizard.check_page.report is not None or "没有导入" in wizard.check_page.status_label.text(),
                    timeout=TASK_TIMEOUT_MS)
    return wizard


def test_a_bad_sheet_shows_every_error_and_imports_nothing(qtbot, village: Store, tmp_path: Path,
                                                            monkeypatch) -> None:
    rows = _good_rows()
    rows[1][2] = bad_check_digit(rows[1][2])          # sheet row 3
    rows[3][4] = "12345"                              # sheet row 5
    sheet = _write_csv(tmp_path / "花名册.csv", rows)
    screen = _screen(qtbot, village)
    before = _all(village)
    wizard = _start_wizard(qtbot, screen, sheet, monkeypatch)
    page = wizard.check_page
    errors = page.errors_model
    found = {(errors.index(r, 0).data(), errors.index(r, 1).data()) for r in range(errors.rowCount())}
    assert found == {("3", "身份证号"), ("5", "联系电话")}
    assert "没有导入任何数据" in page.status_label.text()
    assert page.errors_view.isVisible()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert _all(village).keys() == before.keys()

    saved = tmp_path / "错误清单.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(saved), "CSV 文件 (*.csv)"))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    page.export_errors_button.click()
    qtbot.waitUntil(saved.exists, timeout=TASK_TIMEOUT_MS)
    with open(saved, encoding="utf-8-sig", newline="") as fh:
        lines = list(csv.reader(fh))
    assert lines[0] == ["行号", "列", "问题", "怎么改"]
    assert {(line[0], line[1]) for line in lines[1:]} == {("3", "身份证号"), ("5", "联系电话")}


def test_a_good_sheet_is_previewed_then_imported_whole(qtbot, village: Store, tmp_path: Path,
                                                         monkeypatch) -> None:
    sheet = _write_csv(tmp_path / "花名册.csv", _good_rows())
    screen = _screen(qtbot, village)
    wizard = _start_wizard(qtbot, screen, sheet, monkeypatch)
    page = wizard.check_page
    assert "4 人" in page.status_label.text() and "第三村民小组" in page.status_label.text()
    assert page.preview_model.rowCount() == 4
    assert page.preview_model.index(0, 1).data() == "周一"
    assert "周一" not in _all(village)  # the check wrote nothing

    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.done, timeout=TASK_TIMEOUT_MS)
    assert "已导入 4 人" in wizard.import_page.status_label.text()
    stored = _all(village)
    assert {"周一", "吴二", "周小三", "郑四"} <= stored.keys()
    assert stored["吴二"].household_id == stored["周一"].household_id
    wizard.button(QWizard.WizardButton.FinishButton).click()
    qtbot.waitUntil(lambda: screen.count_label.text() == f"共 {len(PEOPLE) + 4} 人")
    assert screen.group_combo.findText("第三村民小组") >= 0


def test_cancelling_the_import_rolls_everything_back(qtbot, village: Store, tmp_path: Path, monkeypatch) -> None:
    sheet = _write_csv(tmp_path / "花名册.csv", _good_rows())
    screen = _screen(qtbot, village)
    wizard = _start_wizard(qtbot, screen, sheet, monkeypatch)
    real_progress = TaskContext.progress

    def press_cancel_at_first_report(self: TaskContext, done: int, total: int) -> None:
        # the rows are already written inside the transaction when the import first reports progress
        self.cancel()
        real_progress(self, done, total)

    monkeypatch.setattr(TaskContext, "progress", press_cancel_at_first_report)
    wizard.next()
    qtbot.waitUntil(lambda: wizard.import_page.done, timeout=TASK_TIMEOUT_MS)
    assert "已取消" in wizard.import_page.status_label.text()
    assert not wizard.imported
    assert "周一" not in _all(village)
    with village.read() as s:
        assert "第三村民小组" not in {g.name for g in list_groups(s)}


def test_export_writes_the_register_to_excel(qtbot, village: Store, tmp_path: Path, monkeypatch) -> None:
    target = tmp_path / "导出"
    told: list[str] = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a, **k: told.append(text))
    screen = _screen(qtbot, village)
    screen.export_button.click()
    qtbot.waitUntil(lambda: bool(told), timeout=TASK_TIMEOUT_MS)
    written = target.with_name("导出.xlsx")
    assert f"已导出 {len(PEOPLE)} 人" in told[0] and str(written) in told[0]
    assert {r.name for r in read_roster(written).rows} == {p[0] for p in PEOPLE}


def test_marking_someone_moved_out_is_kept_and_shown_when_editing_again(qtbot, village: Store) -> None:
    screen = _screen(qtbot, village)
    _select(screen, "李四")
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    (dialog,) = [d for d in screen.findChildren(ResidentDialog) if d.isVisible()]
    assert dialog.status_combo.currentText() == "在册"
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findText("已迁出"))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.result_row is not None, timeout=TASK_TIMEOUT_MS)
    assert _all(village)["李四"].status == "moved"

    _select(screen, "李四")
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    again = [d for d in screen.findChildren(ResidentDialog) if d.isVisible() and d is not dialog]
    assert again and again[0].status_combo.currentText() == "已迁出"
