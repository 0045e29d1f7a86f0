"""Nothing typed is lost when the main window closes (ui/unsaved.py): with an unsaved notice, minutes, resident or
certificate form the window asks 保存 / 不保存 / 取消. 取消 keeps the window and the draft; 保存 saves and then
closes, and stays open when the save is refused; 不保存 closes and keeps nothing. Each editor is tried."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtCore import Qt, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from app.disclosure.models import Notice  # noqa: E402
from app.events import Event  # noqa: E402
from app.meetings.models import Meeting  # noqa: E402
from app.people.models import Resident  # noqa: E402
from app.storage import Store  # noqa: E402
from ui import unsaved  # noqa: E402
from ui.main_window import MainWindow  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")

TASK_MS = 15_000


class Asked:
    """Replaces the question: records what it named and answers as told."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.items: list[list[str]] = []

    def __call__(self, _parent, items: list[str], answered: Callable[[str], None]) -> None:  # type: ignore[no-untyped-def]
        self.items.append(list(items))
        answered(self.answer)


def _window(qtbot, store: Store) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(store, actor="王文书")
    qtbot.addWidget(window)
    window.resize(1366, 728)
    window.show()
    return window


def _count(store: Store, model: type) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(model)))


def _notice_typed(qtbot, window: MainWindow, title: str = "冬季取暖补贴发放名单公示"):  # type: ignore[no-untyped-def]
    screen = window.show_screen("disclosure")
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    editor = screen.new_notice()
    editor.title_edit.setText(title)
    editor.body_edit.setPlainText("以下农户享受冬季取暖补贴。")
    return editor


def test_closing_with_nothing_unsaved_closes_without_a_question(qtbot, store, monkeypatch):
    asked = Asked(unsaved.CANCEL)
    monkeypatch.setattr(unsaved, "ask", asked)
    window = _window(qtbot, store)
    window.show_screen("disclosure")
    assert window.close()
    assert asked.items == [] and not window.isVisible()


def test_the_question_has_the_three_buttons_and_esc_is_cancel(qtbot, store):
    window = _window(qtbot, store)
    answers: list[str] = []
    box = unsaved.ask(window, ["村务公开:公开事项“冬季取暖补贴”"], answers.append)
    qtbot.waitUntil(box.isVisible)
    assert [b.text() for b in box.findChildren(QPushButton)] == ["保存", "不保存", "取消"]
    assert "冬季取暖补贴" in box.text() and "关闭前要保存吗" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert answers == [unsaved.CANCEL]


def test_an_unsaved_notice_is_asked_about_and_cancel_keeps_the_window_and_the_draft(qtbot, store, monkeypatch):
    asked = Asked(unsaved.CANCEL)
    monkeypatch.setattr(unsaved, "ask", asked)
    window = _window(qtbot, store)
    editor = _notice_typed(qtbot, window)
    assert not window.close()
    assert asked.items == [["村务公开:公开事项“冬季取暖补贴发放名单公示”"]]
    assert window.isVisible() and editor.title_edit.text() == "冬季取暖补贴发放名单公示" and editor.dirty


def test_save_saves_the_notice_then_closes(qtbot, store, monkeypatch):
    monkeypatch.setattr(unsaved, "ask", Asked(unsaved.SAVE))
    window = _window(qtbot, store)
    _notice_typed(qtbot, window)
    before = _count(store, Notice)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TASK_MS)
    assert _count(store, Notice) == before + 1
    with store.read() as s:
        assert s.scalar(select(Notice.title).order_by(Notice.id.desc())) == "冬季取暖补贴发放名单公示"


def test_save_that_is_refused_keeps_the_window_open_and_says_why(qtbot, store, monkeypatch):
    asked = Asked(unsaved.SAVE)
    monkeypatch.setattr(unsaved, "ask", asked)
    window = _window(qtbot, store)
    editor = _notice_typed(qtbot, window, title="")  # no title: saving is refused
    window.show_screen("home")
    before = _count(store, Notice)
    window.close()
    qtbot.waitUntil(lambda: editor.title_error.isVisible(), timeout=TASK_MS)
    qtbot.wait(100)
    assert window.isVisible() and _count(store, Notice) == before
    assert "请填写标题" in editor.title_error.text()
    assert window.current_key() == "disclosure" and editor.isVisible()  # brought to the front
    assert "窗口没有关闭" in window.statusBar().currentMessage()
    assert asked.items == [["村务公开:新的公开事项(还没有标题)"]]


def test_dont_save_closes_and_keeps_nothing(qtbot, store, monkeypatch):
    monkeypatch.setattr(unsaved, "ask", Asked(unsaved.DISCARD))
    window = _window(qtbot, store)
    _notice_typed(qtbot, window)
    before = _count(store, Event)
    assert window.close()
    assert not window.isVisible() and _count(store, Event) == before


def test_unsaved_minutes_are_asked_about_and_saved_on_save(qtbot, store, monkeypatch):
    asked = Asked(unsaved.CANCEL)
    monkeypatch.setattr(unsaved, "ask", asked)
    window = _window(qtbot, store)
    screen = window.show_screen("meetings")
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    editor = screen.new_meeting()
    editor.prepare.kind_combo.setCurrentIndex(max(editor.prepare.kind_combo.findData("村民会议"), 0))
    editor.prepare.title_edit.setText("全体村民会议")
    editor.prepare.agenda_edit.setPlainText("村道硬化方案")
    assert not window.close()
    assert asked.items == [["会议记录:“全体村民会议”"]]
    assert window.isVisible() and editor.prepare.title_edit.text() == "全体村民会议"
    asked.answer = unsaved.SAVE
    before = _count(store, Meeting)
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TASK_MS)
    assert _count(store, Meeting) == before + 1


def test_a_resident_dialog_with_typing_is_asked_about_and_cancel_keeps_it(qtbot, store, monkeypatch):
    asked = Asked(unsaved.CANCEL)
    monkeypatch.setattr(unsaved, "ask", asked)
    window = _window(qtbot, store)
    screen = window.show_screen("residents")
    dialog = screen.add_resident()
    qtbot.waitUntil(dialog.isVisible)
    assert window.close()  # opened and nothing typed yet: nothing to lose
    window.show()
    dialog = screen.add_resident()
    qtbot.waitUntil(dialog.isVisible)
    dialog.name_edit.setText("孙桂兰")
    assert not window.close()
    assert asked.items == [["村民信息:新增的“孙桂兰”"]]
    assert dialog.isVisible() and dialog.name_edit.text() == "孙桂兰"
    asked.answer = unsaved.SAVE  # saving is refused (no sex or birth date): the window and the dialog stay
    before = _count(store, Resident)
    window.close()
    qtbot.waitUntil(lambda: dialog.save_button.isEnabled() and dialog.error_text("sex") != "", timeout=TASK_MS)
    qtbot.wait(100)
    assert window.isVisible() and dialog.isVisible() and _count(store, Resident) == before
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("女"))
    from PySide6.QtCore import QDate

    dialog.birth_edit.setDate(QDate(1968, 4, 2))
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TASK_MS)
    assert _count(store, Resident) == before + 1


def test_a_filled_certificate_form_is_asked_about_and_never_issued_by_closing(qtbot, store, monkeypatch):
    asked = Asked(unsaved.SAVE)
    monkeypatch.setattr(unsaved, "ask", asked)
    window = _window(qtbot, store)
    screen = window.show_screen("certificates")
    qtbot.waitUntil(lambda: screen.context is not None, timeout=TASK_MS)
    panel = screen.issue_panel
    code = panel.kind_list.item(0).data(Qt.ItemDataRole.UserRole)
    assert panel.select_kind(code)
    panel.purpose.edit.setText("办理居住证")
    before = _count(store, Event)
    assert not window.close()
    assert len(asked.items) == 1 and asked.items[0][0].startswith("证明开具:“{kind}”".format(kind=panel.kind.name))
    qtbot.wait(100)
    assert window.isVisible() and _count(store, Event) == before  # 保存 never issues a certificate
    assert "还没有开具" in panel.issue_message.text() and panel.issue_message.isVisible()
    assert panel.purpose.text() == "办理居住证"
    asked.answer = unsaved.DISCARD
    assert window.close()
    assert not window.isVisible() and _count(store, Event) == before


def test_the_real_question_is_window_modal_and_cancel_keeps_the_window(qtbot, store):
    window = _window(qtbot, store)
    editor = _notice_typed(qtbot, window)

    def cancel() -> None:
        box = next(w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible())
        next(b for b in box.buttons() if b.text() == "取消").click()

    assert not window.close()
    qtbot.waitUntil(lambda: any(isinstance(w, QMessageBox) and w.isVisible() for w in QApplication.topLevelWidgets()))
    QTimer.singleShot(0, cancel)
    qtbot.wait(100)
    assert window.isVisible() and editor.dirty
    editor.dirty = False  # so the test's own clean-up closes the window
