"""Screenshots of numbers refused beside their field, the closing question and messages shown whole, for the user
guide: ``python tools/screenshots_numbers.py [--large] [--out DIR]``.

Builds the small demo village in a temporary directory and writes, in the main window at 1366x728 offscreen
(``-large`` added to each name in 大字模式):
numbers-attendance.png (a 村民会议 at ② 签到: 实到 2000 typed, refused beside the field with 应到 and why),
numbers-settings.png (a negative amount in 设置 refused),
numbers-groups.png (the first-run wizard's 小组数量 100 refused),
unsaved-close.png (closing with an unsaved notice: 保存 / 不保存 / 取消),
unsaved-certificate.png (保存 chosen with a certificate form filled in: the form says it was not issued),
notice-submit-title.png (送监委会审核 without a title: said under the title, no question) and
resident-bad-id.png (新增村民 with a wrong ID number: the explanation shown whole).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox  # noqa: E402

import shotkit  # noqa: E402
from shotkit import SIZE, application, arguments, save, settle  # noqa: E402



def _typed(app: QApplication, box: Any, value: int) -> None:
    from PySide6.QtTest import QTest

    box.setFocus()
    box.selectAll()
    QTest.keyClick(box, Qt.Key.Key_Delete)
    QTest.keyClicks(box, str(value))
    settle(app)


def _grab_window_with(app: QApplication, window: Any, dialog: Any, target: Path) -> None:
    """The main window with ``dialog`` painted where it stands (offscreen, a dialog is its own window)."""
    from PySide6.QtGui import QPainter

    settle(app)
    image = window.grab()
    painter = QPainter(image)
    shown = dialog.grab()
    x = max((window.width() - dialog.width()) // 2, 0)
    y = max((window.height() - dialog.height()) // 3, 0)
    painter.drawPixmap(x, y, shown)
    painter.end()
    image.save(str(target))
    print(target)


def _scroll_to(app: QApplication, widget: Any) -> None:
    """Scroll the screen holding ``widget`` so that it and the line under it are in sight."""
    from PySide6.QtWidgets import QScrollArea

    parent = widget.parentWidget()
    while parent is not None and not isinstance(parent, QScrollArea):
        parent = parent.parentWidget()
    if parent is not None:
        parent.ensureWidgetVisible(widget, 50, 150)
    settle(app)


def main() -> None:
    out, large = arguments()
    suffix = "-large" if large else ""
    app = application(large)
    from app.meetings.service import MeetingInput, create_meeting
    from ui import unsaved

    with shotkit.demo_window(app) as (store, window):
        window.resize(*SIZE)
        settle(app)
        # a 村民会议 of the whole village: its totals come from the signed sheet
        with store.begin("王文书") as s:
            m = create_meeting(s, MeetingInput(kind="村民会议", title="全体村民会议", date=dt.date.today(),
                                               chair="张三", recorder="王文书", agenda_text="村道硬化方案"))
        meetings = window.show_screen("meetings")
        settle(app, lambda: meetings.context is not None)
        meetings.open_meeting(m.id, 1)
        settle(app, lambda: meetings.editor.meeting_id == m.id and not meetings.editor.busy)
        meetings.editor.show_step(1)
        page = meetings.editor.attend
        if page.counts_box.isHidden():
            from ui.meetings import step_attend

            step_attend.BIG = 1
            page.show_state(meetings.editor.state)
        _typed(app, page.present_spin, m.members + 2000 if m.members < 2000 else m.members * 10)
        save(window, out / "numbers-attendance{s}.png".format(s=suffix))
        _typed(app, page.present_spin, 0)

        settings = window.show_screen("settings")
        settle(app)
        _typed(app, settings.threshold_spin, -500)
        _scroll_to(app, settings.threshold_spin)
        save(window, out / "numbers-settings{s}.png".format(s=suffix))
        _typed(app, settings.threshold_spin, 1000)

        from ui.setup_wizard import SetupWizard

        wizard = SetupWizard(store, window)
        wizard.setStartId(wizard.groups_id)
        wizard.restart()
        wizard.show()
        settle(app)
        _typed(app, wizard.groups_page.count_spin, 100)
        save(wizard, out / "numbers-groups{s}.png".format(s=suffix))
        wizard.reject()

        # the closing question with an unsaved notice
        disclosure = window.show_screen("disclosure")
        settle(app, lambda: disclosure.context is not None)
        editor = disclosure.new_notice()
        editor.body_edit.setPlainText("经村民代表会议讨论,本年度冬季取暖补贴发放名单如下。")
        settle(app)
        editor.save_and_submit()  # no title: said under the title, no question
        settle(app)
        save(window, out / "notice-submit-title{s}.png".format(s=suffix))
        editor.title_edit.setText("2026年冬季取暖补贴发放名单公示")
        settle(app)
        window.close()
        settle(app)
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        _grab_window_with(app, window, box, out / "unsaved-close{s}.png".format(s=suffix))
        next(b for b in box.buttons() if b.text() == "取消").click()
        settle(app)
        editor.dirty = False
        editor.close_editor()

        # 保存 with a certificate form filled in: closing never issues one
        certificates = window.show_screen("certificates")
        settle(app, lambda: certificates.context is not None)
        panel = certificates.issue_panel
        panel.select_kind(panel.kind_list.item(0).data(Qt.ItemDataRole.UserRole))
        panel.purpose.edit.setText("办理居住证")
        settle(app)
        saved_ask = unsaved.ask
        unsaved.ask = lambda _parent, _items, answered: answered(unsaved.SAVE)  # type: ignore[assignment]
        window.close()
        settle(app)
        unsaved.ask = saved_ask  # type: ignore[assignment]
        save(window, out / "unsaved-certificate{s}.png".format(s=suffix))
        panel.purpose.edit.clear()
        panel._show_kind(None)

        # 新增村民 with a wrong ID number
        residents = window.show_screen("residents")
        settle(app)
        dialog = residents.add_resident()
        settle(app)
        dialog.name_edit.setText("韦秀英")
        dialog.id_edit.setText("450222196109121234")
        settle(app)
        settle(app)
        save(dialog, out / "resident-bad-id{s}.png".format(s=suffix))
        dialog.reject()
        settle(app)


if __name__ == "__main__":
    main()
