"""The desktop's exports to a full USB stick: the one error dialog says the disk is full, which file was not written
and what to do (app.files.WriteFailed, the same words the command line prints); the stick holds no partial file."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from PySide6.QtWidgets import QFileDialog  # noqa: E402

from app.storage import Store  # noqa: E402
from full_disk import full_disk  # noqa: E402

pytestmark = pytest.mark.usefixtures("shown")  # message boxes recorded, never shown
TASK_MS = 15_000


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    full_disk(monkeypatch, folder)
    return folder


def _save_as(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))


def _said_full(shown, name: str) -> None:  # type: ignore[no-untyped-def]
    assert len(shown.warnings) == 1, shown.warnings
    text = shown.warnings[0]
    assert text.startswith("磁盘空间不足,“{name}”没有写成".format(name=name)) and "换一个保存位置" in text, text
    assert "出现意外问题" not in text and "读写文件时出错" not in text


def test_roster_export_to_a_full_stick(qtbot, store: Store, stick: Path, shown, monkeypatch) -> None:
    from ui.people.residents_screen import ResidentsScreen

    screen = ResidentsScreen(store)
    qtbot.addWidget(screen)
    screen.show()
    _save_as(monkeypatch, stick / "花名册")
    screen.export_excel()
    qtbot.waitUntil(lambda: bool(shown.warnings), timeout=TASK_MS)
    _said_full(shown, "花名册.xlsx")
    assert list(stick.iterdir()) == []


def test_certificate_register_export_to_a_full_stick(qtbot, store: Store, stick: Path, shown, monkeypatch) -> None:
    from app.keys import ensure_village_key
    from ui.certificates.screen import REGISTER, CertificatesScreen

    ensure_village_key(store.data_dir)
    screen = CertificatesScreen(store, actor="王文书")
    qtbot.addWidget(screen)
    screen.show()
    qtbot.waitUntil(lambda: screen.context is not None and not screen.register_panel.model.loading, timeout=TASK_MS)
    register = screen.show_tab(REGISTER)
    _save_as(monkeypatch, stick / "台账")
    register.export_button.click()
    qtbot.waitUntil(lambda: bool(shown.warnings), timeout=TASK_MS)
    _said_full(shown, "台账.xlsx")
    assert register.last_export is None and list(stick.iterdir()) == []


def test_import_error_list_and_blank_template_to_a_full_stick(qtbot, store: Store, stick: Path, shown,
                                                             monkeypatch) -> None:
    """The two files the import wizard saves: a Task without its own failure handler shows the one dialog."""
    from app.people.spreadsheet import RowError
    from ui.people.import_wizard import write_error_list, write_roster
    from ui.tasks import Task

    for name, work in (("错误清单.csv", lambda _ctx: write_error_list(stick / "错误清单.csv",
                                                                     [RowError(3, "身份证号", "校验码不对", "请核对")])),
                       ("花名册模板.xlsx", lambda _ctx: write_roster(stick / "花名册模板.xlsx", []))):
        shown.warnings.clear()
        Task(work, write=False).run()
        qtbot.waitUntil(lambda: bool(shown.warnings), timeout=TASK_MS)
        _said_full(shown, name)
    assert list(stick.iterdir()) == []
