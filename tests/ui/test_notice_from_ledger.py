"""从账本生成 in the notice editor for a year with no ledger says so in plain words, like the command line,
instead of 出现意外问题 and a crash in the log (NoLedgerError is a UserError)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from test_disclosure import TASK_MS, _screen, shown, village  # noqa: E402,F401

from ui.disclosure.screen import EDITOR  # noqa: E402


def test_drafting_finances_with_no_ledger_says_to_import_one_and_logs_no_crash(qtbot, village, caplog):
    screen = _screen(qtbot, village)
    screen.start_draft("CW-02", "2026-Q3")  # quarterly income and expenditure, from the ledger
    editor = screen.editor
    qtbot.waitUntil(lambda: screen.tabs.currentIndex() == EDITOR and editor.template_button.text() == "从账本生成",
                    timeout=TASK_MS)
    editor.body_edit.clear()
    task = editor.fill_from_template()
    assert task is not None
    qtbot.waitUntil(lambda: editor.general_error.text() != "", timeout=TASK_MS)
    said = editor.general_error.text()
    assert "账" in said and "导入" in said, said
    assert "意外" not in said
    assert not [r for r in caplog.records if r.levelname == "ERROR"]
