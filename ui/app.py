"""``cunwu-desktop``: start the desktop program.

Start-up order: QApplication, the shipped font, 大字模式, open the store, the
daily backup (on a worker, so the window shows at once), then the first-run
wizard or the login dialog, then the main window. Nothing heavy (pandas,
openpyxl, reportlab) is imported here: the program must open quickly on an
old office PC.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

# SQLAlchemy (0.3 s to import) is not loaded before the first window: the
# window's numbers come from app.schema.quick, and the store's engines are made
# on first use. app.backup (shutil, json) is imported by the backup's worker.
from app import version_line  # noqa: I001
from app.i18n import _, set_language
from app.people.info import VillageInfo
from app.schema import Store, StoreError, open_store

from PySide6.QtCore import QEventLoop, QObject, Qt, QThreadPool, QTimer, QTranslator, Signal  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget  # noqa: E402
from shiboken6 import isValid  # noqa: E402

from ui.operations import BACKUPS, announce  # noqa: E402
from ui.tasks import Task, TaskContext, write_pool  # noqa: E402

if TYPE_CHECKING:
    from app.accounts.service import UserInfo
    from app.backup import BackupInfo
    from ui.main_window import MainWindow

log = logging.getLogger(__name__)

BACKUP_CHECK_MS = 60 * 60 * 1000  # hourly, so the first check after midnight makes the day's backup
SMOKE_WAIT_MS = 60_000
# The rare characters' fonts (50 MB) are read this long after the main window opens straight away (no login),
# unless the first screen has a character that needs them: then before it is shown (ui.fonts.fallbacks_for).
FALLBACK_FONTS_AFTER_MS = 300
TOWNSHIP = "\0township"  # who is at the keyboard after the wizard's 乡镇: nobody of a village


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cunwu-desktop", description=_("村务桌面程序"))
    p.add_argument("--data-dir", help=_("数据目录(默认在用户数据目录;也可用环境变量 CUNWU_DATA_DIR)"))
    p.add_argument("--lang", choices=["zh", "en"], help=_("界面语言:zh(默认)或 en"))
    p.add_argument("--demo", action="store_true", help=_("数据目录里还没有村庄时,先生成一个演示村"))
    p.add_argument("--township", action="store_true",
                   help=_("乡镇模式:打开数据目录里的乡镇数据,查看各村情况、导入U盘、核验证明、导出月报"))
    p.add_argument("--smoke", action="store_true", help=_("打开主窗口一次后立即退出(用于检查安装)"))
    p.add_argument("--version", action="version", version=version_line())
    return p


# ---------------------------------------------------------------- background work during start-up

@dataclass
class _Outcome:
    result: Any = None
    error: BaseException | None = None


def run_and_wait(fn: Callable[[TaskContext], Any], *, write: bool = False, progress: str | None = None,
                 parent: QWidget | None = None) -> Any:
    """Run ``fn`` as a Task and wait for it with a local event loop; re-raise its error.

    Start-up steps depend on each other's answers, but the GUI must keep
    painting (the progress dialog) while the worker runs.
    """
    outcome = _Outcome()
    loop = QEventLoop()
    task = Task(fn, write=write).success(lambda r: setattr(outcome, "result", r)) \
        .failure(lambda e: setattr(outcome, "error", e))
    if progress is not None:
        task.with_progress(parent, progress)  # type: ignore[arg-type] - a dialog without a parent is fine
    task.signals.finished.connect(loop.quit)
    task.run()
    loop.exec()
    if outcome.error is not None:
        raise outcome.error
    return outcome.result


@dataclass(frozen=True)
class StartFacts:
    village: VillageInfo | None
    users: int


def start_facts(store: Store) -> StartFacts:
    from app.schema.quick import status

    q = status(store.db_path)  # no counts over the residents: the home screen reads those on a worker
    return StartFacts(q.village, q.users)


def daily_backup(store: Store) -> BackupInfo | None:
    """Make today's routine backup if there is none yet, then prune old ones. None if not needed."""
    from app.backup import make_backup, needs_daily_backup, rotate

    if not needs_daily_backup(store.backup_dir):
        return None
    info = make_backup(store.db_path, store.backup_dir, kind="daily")
    rotate(store.backup_dir)
    return info


class AutoBackup(QObject):
    """The daily backup: once at start and then checked every hour while the program runs.

    It never blocks and never interrupts the clerk: the outcome is a status-bar
    message (``done``), and a failure is also written to the log.
    """

    done = Signal(str, bool)  # message, whether it worked

    def __init__(self, store: Store, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.last: tuple[str, bool] | None = None
        self._running = False
        self.timer = QTimer(self)
        self.timer.setInterval(BACKUP_CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        self.check()
        self.timer.start()

    def check(self) -> None:
        if self._running:
            return
        self._running = True
        store = self.store
        Task(lambda _ctx: daily_backup(store), write=False).success(self._succeeded).failure(self._failed).run()

    def _succeeded(self, info: BackupInfo | None) -> None:
        self._running = False
        if info is not None:
            self._report(_("今天的自动备份已完成:{path}").format(path=info.path), True)

    def _failed(self, exc: BaseException) -> None:
        from ui.errors import message_for

        self._running = False
        log.error("daily backup failed", exc_info=exc)
        self._report(_("今天的自动备份没有完成:{reason}").format(reason=message_for(exc)), False)

    def _report(self, message: str, ok: bool) -> None:
        self.last = (message, ok)
        self.done.emit(message, ok)


# ---------------------------------------------------------------- start-up

def application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(["cunwu-desktop"])
    app.setOrganizationName("cunwu")
    app.setApplicationName("cunwu")
    _install_qt_translation(app)
    from ui.collector import install

    install(app)  # garbage is collected on this thread only: a worker collecting Qt objects can freeze the program
    return app


def _install_qt_translation(app: QApplication) -> None:
    """Qt's own words in Chinese: the file dialogs (查找范围, 文件类型), the message boxes' standard buttons
    (确定, 取消) and the context menus of text fields (复制, 粘贴), from the translations that ship with
    PySide6 (qtbase_zh_CN.qm); English mode keeps Qt's English."""
    from PySide6.QtCore import QLocale

    from app.i18n import current_language

    if not current_language().startswith("zh"):
        return
    translator = QTranslator(app)
    locale = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
    QLocale.setDefault(locale)  # sizes and dates in Qt's dialogs (0 字节, 2026/12/6) whatever the system's language
    for folder in qt_translation_folders():
        if translator.load(locale, "qtbase", "_", str(folder)):
            app.installTranslator(translator)
            gaps = MnemonicGaps(translator, app)
            app.installTranslator(gaps)  # asked first: fills the gaps, passes everything else on
            app._cunwu_qt_translator = translator  # type: ignore[attr-defined] - kept alive with the app
            app._cunwu_qt_gaps = gaps  # type: ignore[attr-defined]
            return
    log.warning("Qt's Chinese translations (qtbase_zh_CN.qm) were not found; Qt's own buttons stay English")


def qt_translation_folders() -> list[Path]:
    """Where qtbase_zh_CN.qm may be: Qt's own translations folder, else inside the PySide6 package
    (a PyInstaller build may not carry qt.conf's paths)."""
    import PySide6
    from PySide6.QtCore import QLibraryInfo

    package = Path(PySide6.__file__).resolve().parent
    return [Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
            package / "Qt" / "translations", package / "translations"]


class MnemonicGaps(QTranslator):
    """Newer Qt asks for some words with a shortcut letter ("&Look in:", "Files of &type:") that
    qtbase_zh_CN.qm has only without one ("Look in:"): those are given from the plain entry, with the
    letter written the Chinese way (查找范围(&L):). Everything else is left to the real translation
    (None: Qt asks the next translator)."""

    def __init__(self, base: QTranslator, parent: QObject) -> None:
        super().__init__(parent)
        self.base = base

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        position = source.find("&")
        if position < 0 or position + 1 >= len(source) or source[position + 1] == "&":
            return None
        if self.base.translate(context, source, disambiguation, n):
            return None
        text = self.base.translate(context, source[:position] + source[position + 1:], disambiguation, n)
        if not text:
            return None
        words = text.rstrip(":：")
        return "{words}(&{key}){colon}".format(words=words, key=source[position + 1].upper(),
                                               colon=text[len(words):])

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def apply_look(app: QApplication, large: bool, *, fallbacks: bool = True) -> None:
    """The shipped font in 大字模式's size or the usual one, and the style sheet. ``fallbacks=False``: the rare
    characters' fonts are left for :func:`load_fallback_fonts`."""
    from ui.fonts import install_app_font
    from ui.style import apply_style, point_size

    install_app_font(app, point_size(large), fallbacks=fallbacks)
    apply_style(app, large)


def load_fallback_fonts(app: QApplication, after_ms: int | None = None) -> QTimer | None:
    """Read the rare characters' fonts now, or ``after_ms`` from now by the timer returned (to be stopped when the
    program ends before it fires). Nothing happens if they are read already."""
    from ui.fonts import install_fallback_fonts

    if after_ms is None:
        install_fallback_fonts(app)
        return None
    timer = QTimer(app)
    timer.setSingleShot(True)
    timer.timeout.connect(lambda: install_fallback_fonts(app))
    timer.start(after_ms)
    return timer


def _stop(timer: QTimer | None) -> None:
    if timer is not None and isValid(timer):
        timer.stop()
        timer.deleteLater()


def _complain(smoke: bool, message: str) -> None:
    if smoke:
        print(_("错误:{reason}").format(reason=message), file=sys.stderr)
    else:
        QMessageBox.critical(None, _("村务 — 无法打开数据"), message)


def _wait_for_home(window: MainWindow) -> Any:
    """In --smoke, wait (bounded) for the home screen's first numbers so the run covers them."""
    from ui.home import HomeScreen
    from ui.main_window import HOME

    home = window.screen(HOME)
    assert isinstance(home, HomeScreen)
    if home.stats is None:
        loop = QEventLoop()
        home.loaded.connect(loop.quit)
        QTimer.singleShot(SMOKE_WAIT_MS, loop.quit)
        loop.exec()
    return home.stats


def _finish(store: Store) -> None:
    # nothing may still be reading or writing when the engine goes away
    QThreadPool.globalInstance().waitForDone(30_000)
    write_pool().waitForDone(30_000)
    store.close()


def main(argv: Sequence[str] | None = None) -> int:
    from app.config import load_settings, resolve_data_dir
    from app.logsetup import setup_logging
    from ui.style import LANG_SETTING, LARGE_TEXT_SETTING

    argv = list(sys.argv[1:] if argv is None else argv)
    # the language must be known before argparse builds its help texts
    if "--lang" in argv[:-1]:
        set_language(argv[argv.index("--lang") + 1])
    args = _parser().parse_args(argv)
    data_dir = resolve_data_dir(args.data_dir)
    settings = load_settings(data_dir)
    set_language(args.lang or settings.get(LANG_SETTING))
    if not args.smoke or data_dir.exists():
        setup_logging(data_dir)

    app = application()
    apply_look(app, bool(settings.get(LARGE_TEXT_SETTING, False)), fallbacks=False)  # read in _run

    from ui.township.start import run_township

    if args.township or _township_only(data_dir):  # a data folder made for a township opens as one
        load_fallback_fonts(app)
        return run_township(app, data_dir, smoke=args.smoke)

    try:
        # --smoke checks an existing installation: it must not create an empty store
        store = open_store(data_dir, create=not args.smoke)
    except StoreError as exc:
        _complain(args.smoke, str(exc))
        return 1
    except Exception as exc:  # noqa: BLE001 - a migration or disk problem: one plain message, details in the log
        from ui.errors import message_for

        log.exception("store could not be opened")
        _complain(args.smoke, message_for(exc))
        return 1
    try:
        return _run(app, store, args)
    finally:
        _finish(store)


def _township_only(data_dir: Path) -> bool:
    """ui.township.start.township_only, asked only when the folder has no village store with its village in it:
    the usual start never loads the hub's database code (SQLAlchemy, 0.2-0.4 s) to learn it is a village's."""
    from app.config import DB_NAME
    from app.schema.quick import status

    db = data_dir / DB_NAME
    try:
        if db.is_file() and status(db).village is not None:
            return False
    except Exception:  # noqa: BLE001 - an unreadable store: township_only says what it is
        pass
    from ui.township.start import township_only

    return township_only(data_dir)


def _run(app: QApplication, store: Store, args: argparse.Namespace) -> int:
    from ui.main_window import MainWindow

    # a few milliseconds of sqlite3 (app.schema.quick): no worker needed before the first window
    facts = start_facts(store)
    if args.smoke:
        window = MainWindow(store)
        window.show()
        fonts = load_fallback_fonts(app, FALLBACK_FONTS_AFTER_MS)  # as when the window opens without login
        try:
            return _smoke(app, window, facts)
        finally:
            _stop(fonts)

    # the wizard, login and progress dialogs close before the main window opens:
    # that must not count as closing the program's last window
    app.setQuitOnLastWindowClosed(False)
    backup = AutoBackup(store)
    if facts.village is not None:
        backup.start()  # before login: the copy holds the data exactly as it was left
    if facts.village is None or facts.users > 0:
        load_fallback_fonts(app)  # the wizard or the login dialog: names are typed there
    code, actor, user = _start_user(store, facts, demo=args.demo)
    if actor is None:
        return code
    if actor == TOWNSHIP:  # 乡镇 chosen in the first-run wizard: the township program over the hub just made
        from ui.township.start import run_township

        backup.timer.stop()
        return run_township(app, store.data_dir)
    if not backup.timer.isActive():
        backup.start()  # a new village: its first backup is of the data just entered

    desktop = Desktop(app, store, backup)
    backup.done.connect(lambda _message, _ok: announce(store, {BACKUPS}))  # the home screen's to-do list
    window = desktop.open_window(actor, user)
    fonts = load_fallback_fonts(app, FALLBACK_FONTS_AFTER_MS)  # nothing left to read after the login dialog
    if backup.last is not None:
        window.show_message(backup.last[0], 15_000 if backup.last[1] else 0)
    code = app.exec()
    _stop(fonts)
    if desktop.window is not None and isValid(desktop.window):
        desktop.window.save_state()
    return code


class Desktop(QObject):
    """The main window of whoever is logged in. 注销 (MainWindow.log_out) closes it and shows the login dialog
    again: the next user's window follows, 退出 ends the program."""

    def __init__(self, app: QApplication, store: Store, backup: AutoBackup) -> None:
        super().__init__(app)
        self.app, self.store = app, store
        self.window: MainWindow | None = None
        self.login: QWidget | None = None  # the login dialog while it is open
        backup.done.connect(self._backup_done)

    def open_window(self, actor: str, user: UserInfo | None) -> MainWindow:
        from ui.main_window import MainWindow

        window = MainWindow(self.store, actor=actor, user=user)
        window.log_out_requested.connect(self._logging_out)
        self.window = window
        window.show()
        self.app.setQuitOnLastWindowClosed(True)
        return window

    def _backup_done(self, message: str, ok: bool) -> None:
        if self.window is not None and isValid(self.window):
            self.window.show_message(message, 15_000 if ok else 0)

    def _logging_out(self) -> None:
        # the window closes next: that is not the end of the program
        self.app.setQuitOnLastWindowClosed(False)
        QTimer.singleShot(0, self.ask_login)

    def ask_login(self) -> QWidget:
        from ui.login import LoginDialog

        old = self.window
        if old is not None and isValid(old):
            old.deleteLater()
        self.window = None
        facts = start_facts(self.store)
        dialog = LoginDialog(self.store, village_name=facts.village.name if facts.village else "")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._logged_in(dialog.user))
        dialog.rejected.connect(self.app.quit)  # 退出
        self.login = dialog
        dialog.open()
        return dialog

    def _logged_in(self, user: UserInfo | None) -> None:
        self.login = None
        if user is None:
            self.app.quit()
            return
        self.open_window(user.name, user)


def _first_run_or_login(store: Store, facts: StartFacts, *, demo: bool) -> tuple[int, str | None]:
    """The demo village, the first-run wizard or the login dialog, as the store needs.

    Returns (exit code, who is at the keyboard); no one means the program ends with that code.
    """
    code, actor, _user = _start_user(store, facts, demo=demo)
    return code, actor


def _start_user(store: Store, facts: StartFacts, *, demo: bool) -> tuple[int, str | None, UserInfo | None]:
    """:func:`_first_run_or_login` with the user who logged in (None: nobody, while there are no users)."""
    from ui.errors import show_error

    if facts.village is None and demo:
        from app.demo import create_demo

        try:
            run_and_wait(lambda ctx: create_demo(store, size="small", progress=ctx.progress), write=True,
                         progress=_("正在生成演示村,请稍候……"))
        except Exception as exc:  # noqa: BLE001 - shown in the one error dialog
            show_error(None, exc)
            return 1, None, None
        facts = run_and_wait(lambda _ctx: start_facts(store))
    elif facts.village is None:
        from ui.setup_wizard import SetupWizard

        wizard = SetupWizard(store)
        if wizard.exec() and wizard.result_hub is not None:
            wizard.result_hub.close()  # type: ignore[attr-defined] - opened again by the township window
            return 0, TOWNSHIP, None
        if not wizard.result_info:
            return 0, None, None
        # the administrator has just set the password: asking for it again at once helps no one
        return 0, wizard.result_info.admin.name, wizard.result_info.admin
    if facts.users == 0:
        return 0, "系统", None
    from ui.login import LoginDialog

    dialog = LoginDialog(store, village_name=facts.village.name if facts.village else "")
    if not dialog.exec() or dialog.user is None:
        return 0, None, None
    return 0, dialog.user.name, dialog.user


def _smoke(app: QApplication, window: MainWindow, facts: StartFacts) -> int:
    from ui.main_window import HOME

    if window.current_key() != HOME:  # the window opened at the screen last used
        window.show_screen(HOME)  # (showing home again would read its numbers a second time)
    stats = _wait_for_home(window)
    app.processEvents()
    picture = window.grab()
    window.hide()
    if picture.isNull():
        print(_("错误:主窗口没有画出来。"), file=sys.stderr)
        return 1
    if facts.village is None:
        print(_("主窗口已打开,还没有建立本村资料。"))
    else:
        residents = stats.residents if stats is not None else "?"
        print(_("主窗口已打开:{name},村民 {n} 人。").format(name=facts.village.name, n=residents))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
