"""Starting the township program: ``cunwu-desktop --township [--data-dir D]``, or 乡镇 chosen in the first-run
wizard, or a data folder that holds only a township hub."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import UserError
from app.i18n import _

SMOKE_WAIT_MS = 60_000


class NoHub(UserError):
    """The data folder has no township hub: the message says how to make one."""


def has_hub(data_dir: Path) -> bool:
    from app.hub.service import CONFIG, hub_dir

    return (hub_dir(Path(data_dir)) / CONFIG).is_file()


def township_only(data_dir: Path) -> bool:
    """A data folder made for a township: a hub, and no village entered (the wizard's 乡镇 leaves the village's
    own store empty)."""
    from app.config import DB_NAME
    from app.schema.quick import summary

    if not has_hub(data_dir):
        return False
    db = Path(data_dir) / DB_NAME
    if not db.exists():
        return True
    try:
        return summary(db).village is None
    except Exception:  # noqa: BLE001 - an unreadable village store is the village program's to report
        return False


def open_township(data_dir: Path) -> Any:
    from app.hub.service import HubError, open_hub

    if not has_hub(data_dir):
        raise NoHub(_("{path} 里还没有乡镇数据。乡镇第一次使用时,请不加 --township 打开本程序,在第一次使用向导里选"
                      "“乡镇”并填写乡镇名称;或者运行 cunwu --data-dir {path} hub init --name 乡镇名。"
                      "已经在别的文件夹建立过的,请用 --data-dir 指向那个文件夹。").format(path=data_dir))
    try:
        return open_hub(Path(data_dir))
    except HubError:
        raise
    except Exception as exc:  # noqa: BLE001 - a database that cannot be opened: one plain message
        from ui.errors import message_for

        raise HubError(_("打不开乡镇数据:{reason}").format(reason=message_for(exc))) from exc


def _complain(smoke: bool, message: str) -> None:
    if smoke:
        print(_("错误:{reason}").format(reason=message), file=sys.stderr)
    else:
        QMessageBox.critical(None, _("村务 — 无法打开乡镇数据"), message)


def run_township(app: QApplication, data_dir: Path, *, smoke: bool = False, hub: Any = None) -> int:
    """Open the township window over the hub in ``data_dir`` and run until it is closed (``smoke``: show it
    once, wait for the overview's first rows, and end)."""
    from app.hub.service import HubError
    from ui.tasks import write_pool
    from ui.township.window import TownshipWindow

    if hub is None:
        try:
            hub = open_township(data_dir)
        except (NoHub, HubError) as exc:
            _complain(smoke, str(exc))
            return 1
    window: TownshipWindow | None = None
    try:
        window = TownshipWindow(hub, data_dir)
        window.show()
        if smoke:
            return _smoke(app, window)
        app.setQuitOnLastWindowClosed(True)
        return app.exec()
    finally:
        QThreadPool.globalInstance().waitForDone(30_000)
        write_pool().waitForDone(30_000)
        if window is not None:
            window.release()
        hub.close()


def _smoke(app: QApplication, window: Any) -> int:
    from ui.township.window import OVERVIEW

    overview = window.show_screen(OVERVIEW)
    if overview.rows is None:
        loop = QEventLoop()
        overview.loaded.connect(loop.quit)
        overview.failed.connect(loop.quit)
        QTimer.singleShot(SMOKE_WAIT_MS, loop.quit)
        loop.exec()
    app.processEvents()
    picture = window.grab()
    window.hide()
    if picture.isNull() or overview.rows is None:
        print(_("错误:乡镇程序的总览没有打开。{reason}").format(reason=overview.message.text()), file=sys.stderr)
        return 1
    print(_("乡镇程序已打开:{name},{n} 个村。").format(name=window.hub.name, n=len(overview.rows)))
    return 0
