"""Screenshots of 帮助, 关于 and a file dialog for the user guide: ``python tools/screenshots_help.py``.

Builds the small demo village in a temporary directory and writes, with the main window at 1366x728
(a 1366x768 screen less its taskbar) offscreen:
docs/images/help-window.png (F1 on the certificate register: the guide open at 台账、作废和补打),
docs/images/about.png (关于: version, data directory, licences) and
docs/images/file-dialog.png (Qt's own file dialog in Chinese, opened in the folder last used).
``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

# an offscreen screen of a village office PC (1366x768), so the windows take the size they take there
_SCREEN = Path(tempfile.gettempdir()) / "cunwu-screen-1366x768.json"
_SCREEN.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                            "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen:configfile={path}".format(path=_SCREEN))
# and its system set to Chinese, as village office PCs are: Qt's file dialog takes sizes, file types and dates
# from the system's language, not from the program's
if not os.environ.get("LANG", "").startswith("zh"):
    os.environ["LANG"] = "zh_CN.UTF-8"
    os.environ.pop("LC_ALL", None)

import sys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, demo_window, save, settle  # noqa: E402

SIZE = (1366, 728)


def main() -> int:
    out, large = arguments()
    app = application(large)

    from PySide6.QtWidgets import QFileDialog

    from ui import filedialogs
    from ui.certificates.screen import REGISTER, CertificatesScreen

    with demo_window(app) as (store, window):
        window.resize(*SIZE)
        settle(app)

        screen = window.show_screen("certificates")
        assert isinstance(screen, CertificatesScreen)
        screen.show_tab(REGISTER)
        settle(app, lambda: screen.register_panel.model.total > 0)
        helper = window.show_help()
        settle(app)
        helper.show_section("certificates", "register_panel")  # again, now that the window has its size
        settle(app)
        save(helper, out / "help-window.png")
        helper.close()

        about = window.show_about()
        settle(app)
        save(about, out / "about.png")
        about.close()

        from app.people.service import get_village

        with store.read() as s:
            village = get_village(s).name  # type: ignore[union-attr]
        with tempfile.TemporaryDirectory(prefix="村务文件-") as tmp:
            folder = Path(tmp) / "村务" / "花名册"
            folder.mkdir(parents=True)
            for name in (village + "花名册-20261201.xlsx", village + "花名册-20261105.xlsx", "证明台账2026年.xlsx"):
                (folder / name).write_bytes(b"")
            (folder.parent / "会议记录").mkdir()
            filedialogs.remember(filedialogs.ROSTER, folder)
            start = filedialogs.start_folder(filedialogs.ROSTER)
            dialog = QFileDialog(window, "导出花名册", str(start), "Excel 表格 (*.xlsx)")
            dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
            dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
            dialog.selectFile(village + "花名册-20261206.xlsx")
            dialog.resize(1100, 600) if large else dialog.resize(900, 520)
            dialog.show()
            settle(app)
            save(dialog, out / "file-dialog.png")
            dialog.close()
            settle(app)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
