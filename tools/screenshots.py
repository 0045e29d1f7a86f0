"""Save screenshots of the desktop shell to docs/images/ (offscreen, on a demo village in a temporary folder).

Run: python tools/screenshots.py [--out DIR]
Saves home.png, settings.png, placeholder.png, login.png and setup-wizard-1..4.png.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import SIZE, application, save, settle  # noqa: E402

WIZARD_SIZE = (960, 680)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--large", action="store_true", help="大字模式")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    import random

    from app.demo import create_demo
    from app.i18n import set_language
    from app.people.uscc import make_uscc
    from app.schema import open_store
    from ui.app import daily_backup
    from ui.login import LoginDialog
    from ui.main_window import MainWindow
    from ui.setup_wizard import SetupWizard

    set_language("zh")
    app = application(args.large)

    with tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        store = open_store(Path(tmp) / "demo")
        create_demo(store, size="small")
        daily_backup(store)  # what the program does at start, so the backup list is not empty
        window = MainWindow(store, actor="演示")
        window.resize(*SIZE)
        window.show()

        home = window.show_screen("home")
        settle(app, lambda: getattr(home, "stats", None) is not None and window.windowTitle() != "村务")
        save(window, out / "home.png")

        settings = window.show_screen("settings")
        settle(app, lambda: settings.name_edit.text() != "" and settings.backup_list.count() > 0)  # type: ignore[attr-defined]
        save(window, out / "settings.png")

        window.show_screen("disclosure")
        settle(app)
        save(window, out / "placeholder.png")
        window.hide()

        login = LoginDialog(store, village_name=home.stats.village.name)  # type: ignore[attr-defined]
        login.show()
        login.name_edit.setText("张会计")
        login.password_edit.setText("wrong")
        login.submit()  # no such user in the demo: the refusal shows under the fields
        settle(app, lambda: "不对" in login.error_label.text())
        save(login, out / "login.png")
        login.hide()
        store.close()

        empty = open_store(Path(tmp) / "empty")
        wizard = SetupWizard(empty)
        wizard.resize(*WIZARD_SIZE)
        wizard.show()
        settle(app)
        save(wizard, out / "setup-wizard-1.png")
        wizard.next()
        page = wizard.village_page
        page.name_edit.setText("柳林村")
        # one character mistyped: the message under the field says what is wrong while typing
        page.code_edit.setText("54371426MJD1234560")
        page.township_edit.setText("石桥镇")
        page.county_edit.setText("平原县")
        settle(app)
        save(wizard, out / "setup-wizard-2.png")
        page.code_edit.setText(make_uscc(random.Random(1)))
        wizard.next()
        settle(app)
        save(wizard, out / "setup-wizard-3.png")
        wizard.next()
        admin = wizard.admin_page
        admin.name_edit.setText("张会计")
        admin.password_edit.setText("123")
        admin.validatePage()
        settle(app)
        save(wizard, out / "setup-wizard-4.png")
        wizard.hide()
        empty.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
