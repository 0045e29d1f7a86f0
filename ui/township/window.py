"""The township officer's window: the sidebar 总览, 导入U盘, 各村详情, 核验证明, 月报, 设置 over the hub.

The same look as the village's main window (the sidebar column with 帮助 and 关于, 大字模式, a screen built the
first time it is shown); the title names the township, the status bar where the hub's data lives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QMainWindow, QWidget
from shiboken6 import isValid

from app.i18n import _
from ui.widgets import PageStack

OVERVIEW = "township-overview"
IMPORT = "township-import"
VILLAGE = "township-village"
VERIFY = "township-verify"
REPORT = "township-report"
SETTINGS = "township-settings"
WINDOW_STATE_FILE = "township-window.ini"
DEFAULT_SIZE = (1280, 800)
FRAME = (16, 40)


GUIDE_CHAPTER = "乡镇程序(乡镇干部用)"  # the user guide's chapter for the township program (docs/user-guide.md)
GUIDE_PARTS = {OVERVIEW: "总览", IMPORT: "导入U盘", VILLAGE: "各村详情", VERIFY: "核验证明", REPORT: "月报",
               SETTINGS: "设置"}


@dataclass(frozen=True)
class Section:
    key: str
    title: str


def sections() -> list[Section]:
    return [Section(OVERVIEW, _("总览")), Section(IMPORT, _("导入U盘")), Section(VILLAGE, _("各村详情")),
            Section(VERIFY, _("核验证明")), Section(REPORT, _("月报")), Section(SETTINGS, _("设置"))]


class TownshipWindow(QMainWindow):
    """``TownshipWindow(hub, data_dir)``: ``show_screen(key)``, ``screen(key)``, ``current_key()``,
    ``open_village(code)`` (各村详情 at that village)."""

    def __init__(self, hub: Any, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.data_dir = Path(data_dir)
        self.sections = sections()
        self._screens: dict[str, QWidget] = {}
        self.window_settings = QSettings(str(self.data_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        self.setWindowTitle(_("村务 — {name}(乡镇)").format(name=hub.name))

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for i, section in enumerate(self.sections, start=1):
            item = QListWidgetItem(section.title)
            item.setData(Qt.ItemDataRole.UserRole, section.key)
            item.setToolTip(_("{title}(Ctrl+{n})").format(title=section.title, n=i))
            self.sidebar.addItem(item)
            shortcut = QShortcut(QKeySequence("Ctrl+{n}".format(n=i)), self)
            shortcut.activated.connect(lambda key=section.key: self.show_screen(key))
        self.stack = PageStack()
        from ui import filedialogs
        from ui.help import install_shortcut, nav_column

        filedialogs.use_data_dir(self.data_dir)
        nav, self.help_button, self.about_button = nav_column(self.sidebar, self.show_help, self.show_about)
        install_shortcut(self, self.show_help)

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.dir_label = QLabel(_("乡镇数据:{path}").format(path=hub.dir))
        self.dir_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusBar().addPermanentWidget(self.dir_label)

        self._fit_sidebar()
        self._restore_geometry()
        keys = [s.key for s in self.sections]
        last = str(self.window_settings.value("main/screen", OVERVIEW))
        self.sidebar.currentRowChanged.connect(self._row_changed)
        self.show_screen(last if last in keys else OVERVIEW)

    # ------------------------------------------------------------ screens

    def current_key(self) -> str:
        item = self.sidebar.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else OVERVIEW

    def show_screen(self, key: str) -> QWidget:
        row = next(i for i, s in enumerate(self.sections) if s.key == key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)
            return self._screens[key]
        widget = self.screen(key)
        self.stack.setCurrentWidget(widget)
        return widget

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.show_screen(self.sections[row].key)

    def screen(self, key: str) -> QWidget:
        if key not in self._screens:
            widget = self._build(key)
            self._screens[key] = widget
            self.stack.addWidget(widget)
        return self._screens[key]

    def _build(self, key: str) -> QWidget:
        if key == OVERVIEW:
            from ui.township.overview import OverviewScreen

            overview = OverviewScreen(self.hub)
            overview.open_village.connect(self.open_village)
            return overview
        if key == IMPORT:
            from ui.township.import_screen import ImportScreen

            return ImportScreen(self.hub)
        if key == VILLAGE:
            from ui.township.village_screen import VillageScreen

            return VillageScreen(self.hub, self.data_dir)
        if key == VERIFY:
            from ui.township.verify_screen import HubVerifyScreen

            return HubVerifyScreen(self.hub)
        if key == REPORT:
            from ui.township.report_screen import ReportScreen

            return ReportScreen(self.hub)
        from ui.township.settings_screen import TownshipSettingsScreen

        return TownshipSettingsScreen(self.hub, self.data_dir)

    def open_village(self, code: str) -> QWidget:
        screen = self.show_screen(VILLAGE)
        screen.show_village(code)  # type: ignore[attr-defined]
        return screen

    def show_help(self) -> QWidget:
        """The user guide's township chapter at the part for the screen in front (F1, 帮助)."""
        from ui.help import HelpWindow

        window = getattr(self, "_cunwu_help", None)
        if not isinstance(window, HelpWindow) or not isValid(window):
            window = HelpWindow(self)
            self._cunwu_help = window
        window.show()
        window.raise_()
        window.activateWindow()
        part = GUIDE_PARTS.get(self.current_key(), GUIDE_CHAPTER)

        def go() -> None:
            if isValid(window):
                window.fit_images()
                window.scroll_to(part) or window.scroll_to(GUIDE_CHAPTER)

        go()
        QTimer.singleShot(0, go)  # again once the window has its size and the text is laid out
        return window

    def show_about(self) -> QWidget:
        from ui.about import AboutDialog

        dialog = AboutDialog(self.data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        if isValid(self):
            self.statusBar().showMessage(text, timeout_ms)

    # ------------------------------------------------------------ size and state

    def _fit_sidebar(self) -> None:
        if not isValid(self):
            return
        self.sidebar.ensurePolished()
        metrics = self.sidebar.fontMetrics()
        widest = max(metrics.horizontalAdvance(s.title) for s in self.sections)
        self.sidebar.setFixedWidth(widest + metrics.horizontalAdvance("M") * 4)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            QTimer.singleShot(0, self._fit_sidebar)
        super().changeEvent(event)

    def _restore_geometry(self) -> None:
        geometry = self.window_settings.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            return
        width, height = DEFAULT_SIZE
        screen = QWidget.screen(self)
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - FRAME[0]), min(height, room.height() - FRAME[1])
        self.resize(width, height)

    def save_state(self) -> None:
        self.window_settings.setValue("main/geometry", self.saveGeometry())
        self.window_settings.setValue("main/screen", self.current_key())
        self.window_settings.sync()

    def release(self) -> None:
        """Close and remove the village copy on screen (after the workers are done: the program ends)."""
        village = self._screens.get(VILLAGE)
        if village is not None and isValid(village):
            village.close_copy()  # type: ignore[attr-defined]

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_state()
        super().closeEvent(event)
