"""Drafting a financial notice for a year with no ledger says so in plain words, like the command line,
instead of 出现意外问题 and a crash in the log (NoLedgerError is a UserError): from the editor's 从账本生成
button and from the calendar."""

from __future__ import annotations

import logging
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from test_disclosure import TASK_MS, _screen, village  # noqa: E402,F401

from app.disclosure.service import NoticeDraft  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # every test: message boxes and viewers recorded, never shown


def _no_crash_logged(caplog) -> bool:  # type: ignore[no-untyped-def]
    return not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_editor_button_says_to_import_the_ledger_and_logs_no_crash(qtbot, village, caplog):
    screen = _screen(qtbot, village)
    editor = screen.new_notice(NoticeDraft(title="", category="财务", body="", item_code="CW-02",
                                           period_key="2026-Q3", period_label="2026年第三季度"))
    assert editor.template_button.text() == "从账本生成"
    assert editor.fill_from_template() is not None
    qtbot.waitUntil(lambda: editor.general_error.text() != "", timeout=TASK_MS)
    said = editor.general_error.text()
    assert "账簿" in said and "意外" not in said, said
    assert _no_crash_logged(caplog)


def test_drafting_from_the_calendar_says_the_same(qtbot, village, shown, caplog):
    screen = _screen(qtbot, village)
    screen.start_draft("CW-02", "2026-Q3")
    qtbot.waitUntil(lambda: bool(shown.warnings), timeout=TASK_MS)
    assert "账簿" in shown.warnings[0] and "意外" not in shown.warnings[0], shown.warnings
    assert _no_crash_logged(caplog)
