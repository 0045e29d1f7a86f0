"""The one dialog for keeping a file with a record (a notice's board photo, a meeting's signed sign-in sheet),
and the copy a kept file is opened from.

It shows the chosen photo, guesses its kind (a picture or another file) and hands
``action(path, role)`` to the worker. :meth:`AttachFileDialog.choose_file` is the seam a test replaces.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.i18n import _
from app.people.service import FieldError
from ui import filedialogs
from ui.task_dialog import TaskDialog

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff", ".heic")


def attachment_copy(data_dir: Path, sha256: str, name: str) -> Path:
    """A copy of a kept file under its own name, so the system's viewer knows what it is."""
    import shutil

    from app.attachments import blob_path

    folder = Path(tempfile.mkdtemp(prefix="cunwu-file-"))
    safe = "".join(c for c in name if c not in '\\/:*?"<>|') or sha256[:12]
    target = folder / safe
    shutil.copyfile(blob_path(data_dir, sha256), target)
    return target


def lead(text: str) -> QLabel:
    """The sentence at the top of a dialog that says what it is for."""
    label = QLabel(text)
    label.setObjectName("lead")
    label.setWordWrap(True)
    return label


class AttachFileDialog(TaskDialog):
    """``roles`` are (stored value, words) in the order offered; a picture is given ``image_role``,
    anything else ``other_role``."""

    def __init__(self, window_title: str, explanation: str, action: Callable[..., Any], *,
                 roles: Sequence[tuple[str, str]], image_role: str, other_role: str, chooser_title: str,
                 file_filter: str, start_dir: Path, missing: str, parent: QWidget | None = None) -> None:
        super().__init__(window_title, parent)
        self._action = action
        self._image_role, self._other_role = image_role, other_role
        self._chooser = (chooser_title, file_filter, start_dir)
        self._missing = missing
        self.path: Path | None = None
        self.choose_button = QPushButton(_("选择文件…"))
        self.file_label = QLabel(_("还没有选择文件"))
        self.file_label.setWordWrap(True)
        self.thumb = QLabel()
        self.thumb.setMinimumHeight(10)
        self.role_combo = QComboBox()
        for role, words in roles:
            self.role_combo.addItem(words, role)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(self.file_label, 1)
        form = QFormLayout()
        form.addRow(_("文件"), row)
        form.addRow("", self.error_label("file"))
        form.addRow(_("类型"), self.role_combo)
        form.addRow("", self.error_label("role"))
        self.add_buttons(_("保存到档案"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(explanation))
        layout.addLayout(form)
        layout.addWidget(self.thumb)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.choose_button.clicked.connect(self.choose)

    def choose_file(self) -> Path | None:
        title, file_filter, start = self._chooser
        chosen, _filter = filedialogs.open_file_name(self, filedialogs.ATTACHMENT, title, file_filter, default=start)
        return Path(chosen) if chosen else None

    def choose(self) -> None:
        path = self.choose_file()
        if path is not None:
            self.set_path(path)

    def set_path(self, path: Path) -> None:
        self.path = Path(path)
        self.file_label.setText(str(self.path))
        image = self.path.suffix.lower() in IMAGE_SUFFIXES
        role = self._image_role if image else self._other_role
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(role), 0))
        pixmap = QPixmap(str(self.path)) if image else QPixmap()
        if not pixmap.isNull():
            self.thumb.setPixmap(pixmap.scaledToHeight(200))
        else:
            self.thumb.clear()

    def action(self) -> Callable[[], Any]:
        if self.path is None:
            raise FieldError("file", self._missing)
        action, path, role = self._action, self.path, str(self.role_combo.currentData())
        return lambda: action(path, role)
