"""Screenshots of 设置 → 用户管理 for the user guide: ``python tools/screenshots_users.py [--large]``.

Builds the small demo village in a temporary directory with three users (the administrator 李主任 logged in,
王文书, and 张会计 disabled) and writes, with the main window at 1366x728 (a 1366x768 screen less its taskbar)
offscreen: docs/images/users-page.png (the list, who is logged in and 注销 in the status bar),
users-add.png (添加用户, two different passwords refused under the second), users-role-refused.png (the last
administrator refused), users-password.png (修改密码) and users-home-todo.png (a village without users: the
home screen's to-do and its 添加用户 button). ``--large`` takes them in 大字模式 with "-large" in the names.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

_SCREEN = Path(tempfile.gettempdir()) / "cunwu-screen-1366x768.json"
_SCREEN.write_text(json.dumps({"screens": [{"name": "office", "x": 0, "y": 0, "width": 1366, "height": 768,
                                            "logicalDpiX": 96, "logicalDpiY": 96, "dpr": 1}]}))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen:configfile={path}".format(path=_SCREEN))

import sys  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, save, settle  # noqa: E402

SIZE = (1366, 728)


def main() -> int:
    out, large = arguments()
    suffix = "-large" if large else ""
    app = application(large)

    from app.accounts.service import add_user, list_users, set_disabled
    from app.demo import create_demo
    from app.schema import open_store
    from ui.main_window import MainWindow

    with tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        store = open_store(Path(tmp) / "data")
        create_demo(store, size="small")

        # a village without users: the home screen's to-do leads to 用户管理
        window = MainWindow(store, actor="系统")
        window.resize(*SIZE)
        window.show()
        home = window.show_screen("home")
        settle(app, lambda: home.stats is not None)
        settle(app)
        save(window, out / f"users-home-todo{suffix}.png")
        window.close()
        settle(app)

        with store.begin("系统") as s:
            add_user(s, "李主任", "管理员", "lizhuren-2026")
            add_user(s, "王文书", "文书/会计", "wang-wenshu-2026", by="李主任")
            add_user(s, "张会计", "文书/会计", "zhang-kuaiji-2026", by="李主任")
            set_disabled(s, "张会计", True, by="李主任")
        with store.read() as s:
            admin = next(u for u in list_users(s) if u.name == "李主任")

        window = MainWindow(store, actor=admin.name, user=admin)
        window.resize(*SIZE)
        window.show()
        settings = window.open_users()
        panel = settings.users_panel
        settle(app, lambda: len(panel.users) == 3)
        panel.select_user("王文书")
        settings.show_users()
        settle(app)
        save(window, out / f"users-page{suffix}.png")

        dialog = panel.add()
        dialog.name_edit.setText("赵出纳")
        dialog.passwords.new_edit.setText("zhao-chuna-2026")
        dialog.passwords.repeat_edit.setText("zhao-chuna-2062")
        dialog.ok_button.click()
        settle(app)
        save(dialog, out / f"users-add{suffix}.png")
        dialog.reject()

        panel.select_user("李主任")
        dialog = panel.change_role()
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("主任"))
        dialog.ok_button.click()
        settle(app, lambda: not dialog.running and bool(dialog.field_errors["role"].text()))
        save(dialog, out / f"users-role-refused{suffix}.png")
        dialog.reject()

        dialog = panel.change_own_password()
        dialog.old_edit.setText("lizhuren-2026")
        dialog.passwords.new_edit.setText("li-new-2026")
        settle(app)
        save(dialog, out / f"users-password{suffix}.png")
        dialog.reject()

        window.close()
        settle(app)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
