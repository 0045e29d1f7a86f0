"""帮助 (F1) opens the user guide at the part for the screen in front; 关于 shows the version, the data directory
and the licences; Qt's own words are Chinese; every file dialog starts where it was last used for the same
purpose (a stick first when the purpose is a stick)."""

from __future__ import annotations

import ast
import os
import tomllib
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtCore import QCoreApplication, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QLineEdit, QMessageBox, QWidget  # noqa: E402

from app import __version__  # noqa: E402
from app.people.service import init_village  # noqa: E402
from app.schema import Store, open_store  # noqa: E402
from tests.conftest import village_code  # noqa: E402
from ui import about, filedialogs, help as helpmod  # noqa: E402
from ui.main_window import MainWindow, sections  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
TASK_MS = 20_000


@pytest.fixture
def village(tmp_path: Path) -> Iterator[Store]:
    store = open_store(tmp_path / "village")
    with store.begin("测试") as s:
        init_village(s, name="柳林村", code=village_code(), township="石桥镇", county="平原县",
                     groups=["第一村民小组"])
    yield store
    store.close()


@pytest.fixture(autouse=True)
def _fresh_folders() -> Iterator[None]:
    filedialogs.use_data_dir(None)
    yield
    filedialogs.use_data_dir(None)


def _window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, actor="测试")
    qtbot.addWidget(window)
    window.show()
    return window


def _guide() -> list[helpmod.Heading]:
    path = helpmod.guide_file()
    assert path is not None
    return helpmod.headings(path.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- the guide and its sections

def test_every_screen_of_the_main_window_has_its_section_in_the_user_guide():
    found = _guide()
    missing = [s.key for s in sections() if helpmod.find_heading(found, s.key) is None]
    assert missing == []
    for screen, parts in helpmod.TAB_SECTIONS.items():
        section = helpmod.find_heading(found, screen)
        for tab, title in parts.items():
            heading = helpmod.find_heading(found, screen, tab)
            assert heading is not None and heading.key == title and heading is not section, (screen, tab, title)
    assert helpmod.HELP_SECTION in {h.key for h in found if h.level == 2}


def test_a_section_renamed_in_the_guide_is_no_longer_found():
    found = helpmod.headings("## 二、首页\n\n## 三、村民名册\n")
    assert helpmod.find_heading(found, "home").title == "二、首页"
    assert helpmod.find_heading(found, "residents") is None


def test_the_tabs_the_guide_names_are_the_tabs_of_the_screens(qtbot, village):
    window = _window(qtbot, village)
    for screen_key, parts in helpmod.TAB_SECTIONS.items():
        screen = window.show_screen(screen_key)
        pages = [screen.tabs.widget(i) for i in range(screen.tabs.count())]  # type: ignore[attr-defined]
        for attribute in parts:
            assert getattr(screen, attribute, None) in pages, (screen_key, attribute)


def test_the_guide_ships_with_the_program(tmp_path):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data_files = pyproject["tool"]["setuptools"]["data-files"]
    assert "docs/user-guide.md" in data_files["share/cunwu/help"]
    assert "docs/images/*.png" in data_files["share/cunwu/help/images"]
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    # the guide and the pictures it shows (tests/test_packaging.py checks the build itself)
    assert '"user-guide.md"), "resources/help"' in spec and '"images" / name), "resources/help/images"' in spec
    # the program reads the guide from where the build puts it before the source tree's copy
    shipped = tmp_path / "resources" / "help" / "user-guide.md"
    shipped.parent.mkdir(parents=True)
    shipped.write_text("## 二、首页\n", encoding="utf-8")
    import app.resources as resources

    original = resources.resource_path
    try:
        helpmod.resource_path = lambda *parts: tmp_path.joinpath("resources", *parts)  # type: ignore[assignment]
        assert helpmod.guide_file() == shipped
    finally:
        helpmod.resource_path = original  # type: ignore[assignment]
    assert helpmod.guide_file() == ROOT / "docs" / "user-guide.md"


def test_a_picture_whose_file_is_missing_is_left_out_with_its_caption(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "home.png").write_bytes(b"png")
    text = "![首页](images/home.png)\n\n![没有这张](images/gone.png)\n"
    shown = helpmod.shown_markdown(text, tmp_path)
    assert "![首页](images/home.png)" in shown
    assert "gone.png" not in shown and "*没有这张*" in shown


# ---------------------------------------------------------------- F1 and 帮助

def test_f1_opens_the_guide_at_the_screen_in_front(qtbot, village):
    window = _window(qtbot, village)
    window.show_screen("residents")
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=TASK_MS)
    qtbot.keyClick(window.focusWidget() or window, Qt.Key.Key_F1)
    helper = window._cunwu_help  # type: ignore[attr-defined]
    qtbot.waitUntil(helper.isVisible, timeout=TASK_MS)
    qtbot.wait(50)
    assert helper.current_heading() == "三、村民信息"
    assert helper.contents.currentItem().text(0) == "三、村民信息"


def test_the_help_button_opens_the_part_for_the_tab_shown(qtbot, village):
    from ui.certificates.screen import REGISTER

    window = _window(qtbot, village)
    screen = window.show_screen("certificates")
    screen.show_tab(REGISTER)  # type: ignore[attr-defined]
    window.help_button.click()
    helper = window._cunwu_help  # type: ignore[attr-defined]
    qtbot.waitUntil(helper.isVisible, timeout=TASK_MS)
    qtbot.wait(50)
    assert helper.current_heading() == "台账、作废和补打"
    # the same window again, now at the settings' part
    window.show_screen("settings")
    window.help_button.click()
    qtbot.wait(50)
    assert window._cunwu_help is helper  # type: ignore[attr-defined]
    assert helper.current_heading() == "四、备份和恢复"


def test_the_help_window_shows_the_pictures_no_wider_than_its_text_and_fits_the_screen(qtbot, village):
    window = _window(qtbot, village)
    helper = window.show_help()
    qtbot.waitUntil(helper.isVisible, timeout=TASK_MS)
    qtbot.wait(50)
    document = helper.browser.document()
    widths = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                widths.append(fmt.toImageFormat().width())
            it += 1
        block = block.next()
    assert len(widths) >= 20  # the guide's screenshots are there
    assert 0 < max(widths) <= helper.browser.viewport().width()
    assert helper.width() <= 1366 and helper.height() <= 728
    assert document.defaultFont().pointSizeF() > QApplication.font().pointSizeF()


# ---------------------------------------------------------------- 关于

def test_about_shows_the_version_the_data_directory_and_the_licences(qtbot, village):
    window = _window(qtbot, village)
    dialog = window.show_about()
    qtbot.addWidget(dialog)
    texts = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert "版本 {v}".format(v=__version__) in texts
    assert str(village.data_dir) in texts
    assert "GPL-3.0-or-later" in texts and "Apache-2.0" in texts and "OFL-1.1" in texts
    assert dialog.missing == []
    assert dialog.width() <= 1366 and dialog.height() <= 728
    shown = dialog.show_licence("文泉驿微米黑", about.font_dir() / "wqy-microhei.LICENSE.txt")
    assert "Apache License" in shown.text.toPlainText()
    dialog.licence_buttons[about.PROGRAM_LICENCE_FILE].click()  # the program's own licence, in full
    program = [d for d in dialog.findChildren(about.LicenceDialog) if d is not shown]
    assert program and "GNU GENERAL PUBLIC LICENSE" in program[0].text.toPlainText()
    assert "Version 3" in program[0].text.toPlainText()


def test_every_font_shipped_has_its_licence_named_in_about():
    shipped = {p.name for p in about.font_dir().iterdir() if p.suffix.lower() in about.FONT_SUFFIXES}
    named = {name for font in about.fonts() for name in font.files}
    assert shipped and shipped == named
    assert all((about.font_dir() / font.licence_file).is_file() for font in about.fonts())


def test_a_missing_font_licence_file_is_said_in_about(qtbot, tmp_path, monkeypatch):
    monkeypatch.setattr(about, "font_dir", lambda: tmp_path)
    (tmp_path / "wqy-microhei.LICENSE.txt").write_text("Apache License")
    dialog = about.AboutDialog(tmp_path)
    qtbot.addWidget(dialog)
    assert dialog.missing == ["HanaMin.LICENSE.txt"]
    texts = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert "许可证文件缺失:HanaMin.LICENSE.txt" in texts


# ---------------------------------------------------------------- Qt's own words in Chinese

@pytest.fixture
def qt_chinese(qapp: QApplication) -> Iterator[None]:
    from ui.app import _install_qt_translation

    from PySide6.QtCore import QLocale

    before = QLocale()
    _install_qt_translation(qapp)
    yield
    qapp.removeTranslator(qapp._cunwu_qt_gaps)  # type: ignore[attr-defined]
    qapp.removeTranslator(qapp._cunwu_qt_translator)  # type: ignore[attr-defined]
    QLocale.setDefault(before)


def test_qt_formats_sizes_and_dates_the_chinese_way_whatever_the_system_language(qt_chinese):
    from PySide6.QtCore import QDate, QLocale

    assert QLocale().language() == QLocale.Language.Chinese
    assert QLocale().toString(QDate(2026, 12, 6), QLocale.FormatType.ShortFormat) == "2026/12/6"


def test_message_box_buttons_and_text_field_menus_are_chinese(qtbot, qt_chinese):
    box = QMessageBox(QMessageBox.Icon.Question, "问题", "要保存吗?",
                      QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
    qtbot.addWidget(box)
    assert box.button(QMessageBox.StandardButton.Ok).text() == "确定"
    assert box.button(QMessageBox.StandardButton.Cancel).text() == "取消"
    edit = QLineEdit("张三")
    qtbot.addWidget(edit)
    menu = edit.createStandardContextMenu()
    words = [action.text() for action in menu.actions() if action.text()]
    assert any(w.startswith("复制") for w in words) and any(w.startswith("粘贴") for w in words)
    menu.deleteLater()


def test_qt_file_dialog_is_chinese_including_look_in_and_files_of_type(qtbot, qt_chinese, tmp_path):
    dialog = QFileDialog(None, "导出花名册", str(tmp_path), "Excel 表格 (*.xlsx)")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    qtbot.addWidget(dialog)
    labels = {label.objectName(): label.text() for label in dialog.findChildren(QLabel)}
    assert labels["lookInLabel"].startswith("查找范围")
    assert labels["fileTypeLabel"].startswith("文件类型")
    assert labels["fileNameLabel"].startswith("文件名称")
    # what Qt asks for without a shortcut letter is passed on untouched
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    assert QCoreApplication.translate("无此处", "Look in:") == "Look in:"


def test_english_mode_keeps_qt_english(qapp):
    from app.i18n import set_language
    from ui.app import _install_qt_translation

    set_language("en")
    _install_qt_translation(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


# ---------------------------------------------------------------- file dialogs remember their folders

class Dialogs:
    """QFileDialog's static functions replaced: each records where it was asked to start and answers
    with ``answer`` (a file or folder path)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.starts: list[Path] = []
        self.answer = ""
        record = self._record
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda _p, _t, start, *_a, **_k: (record(start), ""))
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda _p, _t, start, *_a, **_k: (record(start), ""))
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda _p, _t, start, *_a, **_k: record(start))

    def _record(self, start: str) -> str:
        self.starts.append(Path(start))
        return self.answer


def test_a_folder_chosen_once_is_where_the_next_dialog_of_that_purpose_starts(qtbot, village, tmp_path,
                                                                             monkeypatch):
    dialogs = Dialogs(monkeypatch)
    window = _window(qtbot, village)  # remembers in this village's settings
    chosen = tmp_path / "村务文件" / "花名册"
    chosen.mkdir(parents=True)
    dialogs.answer = str(chosen / "花名册.xlsx")
    filedialogs.save_file_name(window, filedialogs.ROSTER, "导出花名册", "花名册.xlsx", "Excel 表格 (*.xlsx)")
    assert dialogs.starts[0].parent == filedialogs.documents_folder()
    dialogs.answer = ""  # cancelled: nothing remembered
    filedialogs.open_file_name(window, filedialogs.ROSTER, "选择花名册文件", "花名册表格 (*.xlsx)")
    assert dialogs.starts[1] == chosen
    # another purpose keeps its own folder
    filedialogs.save_file_name(window, filedialogs.PDF, "保存为 PDF", "公告.pdf", "PDF 文件 (*.pdf)")
    assert dialogs.starts[2].parent == filedialogs.documents_folder()
    # the next time the program starts, it is still remembered
    filedialogs.use_data_dir(None)
    filedialogs.use_data_dir(village.data_dir)
    assert filedialogs.start_folder(filedialogs.ROSTER) == chosen


def test_a_screen_exporting_twice_starts_the_second_time_where_the_first_went(qtbot, village, tmp_path,
                                                                              monkeypatch):
    from ui.people.residents_screen import ResidentsScreen

    dialogs = Dialogs(monkeypatch)
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text, *a, **k: said.append(text))
    filedialogs.use_data_dir(village.data_dir)
    screen = ResidentsScreen(village)
    qtbot.addWidget(screen)
    folder = tmp_path / "导出"
    folder.mkdir()
    dialogs.answer = str(folder / "柳林村花名册.xlsx")
    screen.export_excel()
    qtbot.waitUntil(lambda: bool(said), timeout=TASK_MS)
    assert (folder / "柳林村花名册.xlsx").exists()
    qtbot.waitUntil(screen.export_button.isEnabled, timeout=TASK_MS)
    dialogs.answer = ""
    screen.export_excel()
    qtbot.waitUntil(lambda: len(dialogs.starts) == 2, timeout=TASK_MS)
    assert dialogs.starts[1].parent == folder
    assert dialogs.starts[1].name.startswith("柳林村花名册-")


def test_a_stick_purpose_starts_on_a_stick_plugged_in_now(qtbot, village, tmp_path, monkeypatch):
    from ui.settings import SettingsScreen

    dialogs = Dialogs(monkeypatch)
    filedialogs.use_data_dir(village.data_dir)
    stick, other = tmp_path / "U盘", tmp_path / "别的文件夹"
    (stick / "备份").mkdir(parents=True)
    other.mkdir()
    sticks: list[Path] = []
    monkeypatch.setattr(filedialogs, "removable_drives", lambda: list(sticks))
    screen = SettingsScreen(village, actor="测试")
    qtbot.addWidget(screen)

    filedialogs.remember(filedialogs.BACKUP, other)  # last time: a folder on this computer
    screen.backup_to_usb()
    assert dialogs.starts[-1] == other  # no stick plugged in: where it was last time
    sticks.append(stick)
    screen.backup_to_usb()
    assert dialogs.starts[-1] == stick  # a stick plugged in comes first
    filedialogs.remember(filedialogs.BACKUP, stick / "备份")
    screen.backup_to_usb()
    assert dialogs.starts[-1] == stick / "备份"  # the folder used last time on that stick


def test_no_file_dialog_in_the_program_bypasses_the_remembered_folders():
    """Every QFileDialog call in ui/ goes through ui/filedialogs.py."""
    offenders = []
    for path in (ROOT / "ui").rglob("*.py"):
        if path.name == "filedialogs.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "QFileDialog":
                offenders.append("{p}:{line}".format(p=path.relative_to(ROOT), line=node.lineno))
    assert offenders == []


def test_screens_get_the_nav_buttons_within_the_sidebar_width(qtbot, village):
    window = _window(qtbot, village)
    for button in (window.help_button, window.about_button):
        assert isinstance(button, QWidget)
        assert button.sizeHint().width() <= window.sidebar.width()
        assert button.text() in ("帮助", "关于")
