"""The main window: a sidebar of the program's parts, one screen at a time, and a status bar.

Screens are built the first time they are shown, so start-up pays only for the
home screen. Window geometry and the last screen are remembered in a file in
the data directory, so two data directories (or two test runs) never share them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QEvent, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QWidget,
)
from shiboken6 import isValid

from app.i18n import _
from app.people.info import VillageInfo

if TYPE_CHECKING:
    from app.accounts.service import UserInfo
    from ui.home import HomeStats
from app.storage import Store
from ui.operations import store_events
from ui.placeholder import PlaceholderScreen
from ui.tasks import Task
from ui.widgets import PageStack

WINDOW_STATE_FILE = "window.ini"
DEFAULT_SIZE = (1280, 800)
FRAME = (16, 40)  # room left on the screen for the window's frame and title bar
HOME = "home"
DISCLOSURE = "disclosure"
MEETINGS = "meetings"
RESIDENTS = "residents"
SETTINGS = "settings"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    plan: str  # what the part will do, for the placeholder until it is built


def sections() -> list[Section]:
    return [
        Section(HOME, _("首页"), ""),
        Section(DISCLOSURE, _("村务公开"),
                _("按公开目录拟定党务、村务、财务公开事项,经监委会审核后打印张贴,并留存照片存档。")),
        Section(MEETINGS, _("会议记录"),
                _("记录村民会议、村民代表会议和“四议两公开”的每一步,按法定人数自动核对表决结果。")),
        Section("certificates", _("证明开具"),
                _("只开具公布清单内的证明,自动编号、登记台账、留存存根;清单外的证明说明原因和去处。")),
        Section(RESIDENTS, _("村民信息"), _("登记和查找村民、户和村民小组,导入导出花名册。")),
        Section("sync", _("同步"), _("把本村数据加密签名后存到U盘带到乡镇,并导入乡镇的回执和最新目录。")),
        Section(SETTINGS, _("设置"), ""),
    ]


@dataclass(frozen=True)
class StatusInfo:
    village: VillageInfo | None
    head_seq: int
    head_hash: str
    users: int = 0


def load_status(store: Store) -> StatusInfo:
    from app.schema.quick import status

    q = status(store.db_path)
    return StatusInfo(q.village, q.head_seq, q.head_hash, q.users)


def window_title(village_name: str | None) -> str:
    if not village_name:
        return _("村务")
    return _("村务 — {name}").format(name=village_name)


class MainWindow(QMainWindow):
    """``MainWindow(store, *, actor='系统')``: ``show_screen(key)``, ``screen(key)``, ``current_key()``.

    ``store_changed(kinds, initiator)`` is the one announcement of a change to the store (ui.operations):
    every write operation's commit names the kinds of record it changed, and each screen built here with
    an ``on_store_changed(kinds, initiator)`` method hears it and refreshes what it shows of those kinds
    (a screen that made the change itself, see ui.operations.made_here, has shown it already)."""

    store_changed = Signal(object, object)  # frozenset of ui.operations kinds, the widget that asked or None
    # 注销 (or 登录 when nobody is logged in) was pressed and nothing unsaved is left: the window closes and
    # the login dialog follows (ui.app); emitted before the window closes
    log_out_requested = Signal()

    def __init__(self, store: Store, *, actor: str = "系统", user: UserInfo | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.user = user  # who logged in (None: nobody, while the village has no users)
        self.logged_out = False
        self.sections = sections()
        self._screens: dict[str, QWidget] = {}
        self.window_settings = QSettings(str(store.data_dir / WINDOW_STATE_FILE), QSettings.Format.IniFormat)
        self.setWindowTitle(window_title(None))

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
        from ui.nav import install_shortcut, nav_column

        filedialogs.use_data_dir(store.data_dir)  # file dialogs start where they were last used
        nav, self.help_button, self.about_button = nav_column(self.sidebar, self.show_help, self.show_about)
        install_shortcut(self, self.show_help)  # F1

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        from ui.fonts import fallbacks_for

        fallbacks_for(QApplication.instance(), str(store.data_dir))  # type: ignore[arg-type] - a folder's rare name
        self.dir_label = QLabel(_("数据目录:{path}").format(path=store.data_dir))
        self.dir_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.head_label = QLabel("")
        self.head_label.setToolTip(_("操作日志的最新一条:序号和校验值。每一次修改都接在它后面,少了一条或改了一条都能查出来。"))
        # who is logged in, and 注销 (ui.users; 设置 → 用户管理)
        self.user_label = QLabel(_("未登录") if user is None else "")
        self.logout_button = QPushButton(_("注销") if user is not None else _("登录"))
        self.logout_button.setToolTip(_("关闭主窗口,回到登录窗口,换一个用户登录"))
        self.logout_button.setVisible(user is not None)
        self.logout_button.clicked.connect(self.log_out)
        self._show_user()
        self.statusBar().addPermanentWidget(self.user_label)
        self.statusBar().addPermanentWidget(self.logout_button)
        self.statusBar().addPermanentWidget(self.dir_label)
        self.statusBar().addPermanentWidget(self.head_label)

        self._fit_sidebar()
        self._restore_geometry()
        keys = [s.key for s in self.sections]
        last = str(self.window_settings.value("main/screen", HOME))
        self.sidebar.currentRowChanged.connect(self._row_changed)
        store_events().changed.connect(self._store_changed)
        store_events().waiting.connect(self._store_waiting)
        from ui.sync import FIRST_UPLOAD_DELAY

        # to the township over the network, in the background, once its address is set; the uploader and its
        # modules are loaded only then, not while the program starts
        QTimer.singleShot(int(FIRST_UPLOAD_DELAY * 1000), self, self._start_uploads)
        self.show_screen(last if last in keys else HOME)

    def _start_uploads(self) -> None:
        from ui.sync.uploader import start_uploads

        start_uploads(self.store, self, first=0)

    # ------------------------------------------------------------ screens

    def current_key(self) -> str:
        item = self.sidebar.currentItem()
        return str(item.data(Qt.ItemDataRole.UserRole)) if item is not None else HOME

    def show_screen(self, key: str) -> QWidget:
        row = next(i for i, s in enumerate(self.sections) if s.key == key)
        if self.sidebar.currentRow() != row:
            self.sidebar.setCurrentRow(row)  # calls back into _row_changed, which does the rest
            return self._screens[key]
        widget = self.screen(key)
        self.stack.setCurrentWidget(widget)
        refresh = getattr(widget, "refresh", None)
        if callable(refresh):
            refresh()
        if key != HOME:  # the home screen's read brings the status bar's facts too (_home_loaded)
            self.refresh_status()
        return widget

    def _row_changed(self, row: int) -> None:
        if 0 <= row < len(self.sections):
            self.show_screen(self.sections[row].key)

    def screen(self, key: str) -> QWidget:
        """The screen for ``key``, built on first use."""
        if key not in self._screens:
            widget = self._build(key)
            listener = getattr(widget, "on_store_changed", None)
            if callable(listener):
                self.store_changed.connect(listener)
            self._screens[key] = widget
            self.stack.addWidget(widget)
        return self._screens[key]

    def _build(self, key: str) -> QWidget:
        section = next(s for s in self.sections if s.key == key)
        if key == HOME:
            from ui.home import HomeScreen

            home = HomeScreen(self.store)
            home.loaded.connect(self._home_loaded)
            home.disclosure_clicked.connect(self.open_disclosure_entry)
            home.users_clicked.connect(self.open_users)
            return home
        if key == SETTINGS:
            from ui.settings import SettingsScreen

            return SettingsScreen(self.store, actor=self.actor, user=self.user)
        if key == RESIDENTS:
            try:
                from ui.people.residents_screen import ResidentsScreen
            except ImportError:
                return PlaceholderScreen(section.title, section.plan)
            residents = ResidentsScreen(self.store)
            if hasattr(residents, "actor"):
                residents.actor = self.actor
            return residents
        if key == "sync":
            from ui.sync.sync_screen import SyncScreen

            return SyncScreen(self.store)
        if key == "certificates":
            from ui.certificates.screen import CertificatesScreen

            return CertificatesScreen(self.store, actor=self.actor)
        if key == DISCLOSURE:
            from ui.disclosure.screen import DisclosureScreen

            return DisclosureScreen(self.store, actor=self.actor)
        if key == MEETINGS:
            from ui.meetings.screen import MeetingsScreen

            return MeetingsScreen(self.store, actor=self.actor, data_dir=self.store.data_dir)
        return PlaceholderScreen(section.title, section.plan)

    def show_help(self) -> QWidget:
        """The user guide at the part for the screen (and tab) in front (F1, 帮助)."""
        from ui.help import current_tab, show_help

        key = self.current_key()
        return show_help(self, key, current_tab(self._screens.get(key), key))

    def show_about(self) -> QWidget:
        from ui.about import AboutDialog

        dialog = AboutDialog(self.store.data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_users(self) -> QWidget:
        """设置 at 用户管理 (the home screen's to-do 还没有添加用户)."""
        screen = self.show_screen(SETTINGS)
        screen.show_users()  # type: ignore[attr-defined]
        return screen

    def open_disclosure_entry(self, item_code: str, period_key: str) -> QWidget:
        """Show 村务公开 at a catalogue item's period (a due item clicked on the home screen)."""
        screen = self.show_screen(DISCLOSURE)
        screen.show_entry(item_code, period_key)  # type: ignore[attr-defined]
        return screen

    def _store_changed(self, store: Store, kinds: frozenset[str], initiator: object) -> None:
        """A write operation committed (or a backup was made): tell the screens, then read the status bar
        again (the log's head moved; the village's name may have changed)."""
        if not isValid(self) or store.db_path != self.store.db_path:
            return
        self.store_changed.emit(kinds, initiator)
        self.refresh_status()
        from ui.operations import USERS

        if USERS in kinds and self.user is not None:
            self.refresh_user()

    def _store_waiting(self, store: Store, text: str) -> None:
        """A write waits for another window or command (ui.operations): say so in the status bar."""
        if isValid(self) and store.db_path == self.store.db_path:
            self.show_message(text)

    # ------------------------------------------------------------ status bar and title

    def refresh_status(self) -> None:
        store = self.store
        Task(lambda _ctx: load_status(store), write=False).success(self._show_status).failure(lambda _exc: None).run()

    def _home_loaded(self, stats: HomeStats) -> None:
        self._show_status(StatusInfo(stats.village, stats.head_seq, stats.head_hash, stats.users))

    def _show_status(self, info: StatusInfo) -> None:
        if not isValid(self):
            return
        self._set_village(info.village)
        if self.user is None:  # nobody logged in: 登录 once the village has users
            self.logout_button.setVisible(info.users > 0)
        self.head_label.setText(_("操作日志:第 {seq} 条({hash})").format(seq=info.head_seq, hash=info.head_hash[:8]))

    def _set_village(self, village: VillageInfo | None) -> None:
        if isValid(self):
            self.setWindowTitle(window_title(village.name if village else None))

    # ------------------------------------------------------------ who is logged in

    def _show_user(self) -> None:
        if self.user is not None:
            from ui.users import who_text

            self.user_label.setText(who_text(self.user))

    def refresh_user(self) -> None:
        """Read the logged-in user again (an administrator may have changed their role)."""
        from app.accounts.service import list_users
        from ui.operations import ReadOp

        ReadOp(self.store, lambda s, _ctx: list_users(s)).success(self._user_read).run()

    def _user_read(self, users: list[UserInfo]) -> None:
        if not isValid(self) or self.user is None:
            return
        me = next((u for u in users if u.id == self.user.id), None)
        if me is None or me == self.user:
            return
        self.user = me
        self._show_user()
        settings = self._screens.get(SETTINGS)
        if settings is not None:
            settings.set_user(me)  # type: ignore[attr-defined]

    def log_out(self) -> bool:
        """注销: ask about unsaved changes (保存 / 不保存 / 取消) as closing does, then close this window and
        let the login dialog follow (``log_out_requested``). False while the question is open or was cancelled."""
        from ui.unsaved import may_close

        if not may_close(self, self._log_out_now, self.show_message):
            return False
        self._log_out_now()
        return True

    def _log_out_now(self) -> None:
        self.logged_out = True
        self.log_out_requested.emit()
        self._answered_unsaved = True  # asked already (or nothing was unsaved)
        self.close()

    def show_message(self, text: str, timeout_ms: int = 0) -> None:
        """A message in the status bar; 0 keeps it until the next one."""
        if isValid(self):
            self.statusBar().showMessage(text, timeout_ms)

    # ------------------------------------------------------------ size and state

    def _fit_sidebar(self) -> None:
        if not isValid(self):
            return
        # wide enough for the longest entry in the sidebar's own (style sheet) font, in either text size
        self.sidebar.ensurePolished()
        metrics = self.sidebar.fontMetrics()
        widest = max(metrics.horizontalAdvance(s.title) for s in self.sections)
        self.sidebar.setFixedWidth(widest + metrics.horizontalAdvance("M") * 4)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            # the sidebar is re-polished with the new sizes after this window: measure it afterwards
            QTimer.singleShot(0, self._fit_sidebar)
        super().changeEvent(event)

    def _restore_geometry(self) -> None:
        geometry = self.window_settings.value("main/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            return
        # the first start: the usual size, but never larger than the screen less its taskbar and this
        # window's title bar (a 1366x768 office screen leaves 1366x728 with the taskbar, the frame ~30 px)
        width, height = DEFAULT_SIZE
        screen = QWidget.screen(self)  # (self.screen(key) is a screen of this program)
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width() - FRAME[0]), min(height, room.height() - FRAME[1])
        self.resize(width, height)

    def save_state(self) -> None:
        self.window_settings.setValue("main/geometry", self.saveGeometry())
        self.window_settings.setValue("main/screen", self.current_key())
        self.window_settings.sync()

    def _close_answered(self) -> None:
        """The unsaved changes were saved, or 不保存 was chosen: close without asking again."""
        self._answered_unsaved = True
        if not self.close():
            self._answered_unsaved = False

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        from ui.unsaved import may_close

        # an editor holding unsaved changes (notice, minutes, resident, certificate form): 保存 / 不保存 / 取消
        if not getattr(self, "_answered_unsaved", False) and not may_close(self, self._close_answered,
                                                                               self.show_message):
            event.ignore()
            return
        self.save_state()
        super().closeEvent(event)
