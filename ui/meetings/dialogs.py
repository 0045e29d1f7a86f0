"""The dialogs of the minutes: someone not on the list, a correction to closed minutes, a kept file.

Each runs the write operation its action gives and stays open until the service has answered, so a
refusal shows in place, next to its field, and nothing typed is lost. The seams tests
replace are here: :func:`show_dialog` (a dialog on screen), :func:`choose_pdf` (where a
printout is saved) and :meth:`AttachDialog.choose_file`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QCheckBox, QDialog, QFormLayout, QLineEdit, QPlainTextEdit, QVBoxLayout,
                               QWidget)

from app.i18n import _
from app.meetings.models import DOCUMENT, SIGNIN_PHOTO
from app.meetings.service import role_label
from app.people.service import FieldError
from ui import filedialogs
from ui.attach_dialog import AttachFileDialog, lead
from ui.disclosure.dialogs import date_edit, day_of
from ui.task_dialog import TaskDialog
from ui.tasks import Task


def show_dialog(dialog: QDialog) -> None:
    """Put ``dialog`` on screen, window-modal; the seam tests replace."""
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


def choose_pdf(parent: QWidget | None, title: str, suggested: Path) -> Path | None:
    """Ask where to save a printout; the seam tests replace. Always ends in .pdf."""
    return filedialogs.save_pdf_name(parent, title, suggested)


class AttendeeDialog(TaskDialog):
    """Someone not on the generated list: an observer (列席, not counted), or for a consultation an invited member.

    ``action(name, role_text, member)``.
    """

    def __init__(self, meeting_title: str, can_add_member: bool, action: Callable[..., Any], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("添加参会人员"), parent)
        self._action = action
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("姓名"))
        self.role_edit = QLineEdit()
        self.role_edit.setPlaceholderText(_("例如:镇驻村干部、包村律师、施工方代表"))
        self.member_check = QCheckBox(_("是会议成员,计入应到人数"))
        self.member_check.setVisible(can_add_member)
        form = QFormLayout()
        form.addRow(_("姓名"), self.name_edit)
        form.addRow("", self.error_label("name"))
        form.addRow(_("职务或身份"), self.role_edit)
        form.addRow("", self.error_label("role_text"))
        form.addRow("", self.member_check)
        self.add_buttons(_("添加"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("“{title}”\n列席的人记在会议记录里,但不计入应到和实到人数,也不参加表决。").format(
            title=meeting_title)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.name_edit.setFocus()

    def action(self) -> Task:
        name, role, member = self.name_edit.text(), self.role_edit.text(), \
            self.member_check.isVisible() and self.member_check.isChecked()
        if not name.strip():
            raise FieldError("name", _("请填写姓名。"))
        return self._action(name, role, member)


class AddendumDialog(TaskDialog):
    """补充更正 to closed minutes: what it corrects, the correction, its date and who recorded it.

    ``action(corrects, text, recorded_by, day)``.
    """

    def __init__(self, meeting_title: str, meeting_date: dt.date, recorder: str, action: Callable[..., Any], *,
                 today: dt.date, parent: QWidget | None = None) -> None:
        super().__init__(_("补充更正"), parent)
        self._action = action
        self.corrects_edit = QLineEdit()
        self.corrects_edit.setPlaceholderText(_("例如:议题二的表决票数"))
        self.text_edit = QPlainTextEdit()
        self.text_edit.setPlaceholderText(_("写明正确的内容和出错的原因,例如:赞成票应为 21 票,记录时误写为 12 票。"))
        self.text_edit.setFixedHeight(self.fontMetrics().height() * 6)
        self.date_edit = date_edit(today)
        self.date_edit.setMinimumDate(QDate(meeting_date.year, meeting_date.month, meeting_date.day))
        self.recorder_edit = QLineEdit(recorder)
        form = QFormLayout()
        form.addRow(_("更正哪一部分"), self.corrects_edit)
        form.addRow("", self.error_label("corrects"))
        form.addRow(_("更正内容"), self.text_edit)
        form.addRow("", self.error_label("text"))
        form.addRow(_("更正日期"), self.date_edit)
        form.addRow("", self.error_label("date"))
        form.addRow(_("记录人"), self.recorder_edit)
        form.addRow("", self.error_label("recorded_by"))
        self.add_buttons(_("添加补充更正"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("“{title}”的会议记录已经定稿,原记录保持不变。补充更正附在原记录后面,"
                                 "打印会议记录时一并打印。").format(title=meeting_title)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.corrects_edit.setFocus()

    def action(self) -> Task:
        values = (self.corrects_edit.text(), self.text_edit.toPlainText(), self.recorder_edit.text(),
                  day_of(self.date_edit))
        return self._action(*values)


class AttachDialog(AttachFileDialog):
    """The photo of the signed sign-in sheet, or a document of the meeting, kept with the minutes.
    ``action(path, role)`` builds the write operation that attaches it."""

    builds_operation = True

    def __init__(self, meeting_title: str, action: Callable[..., Any], *, parent: QWidget | None = None) -> None:
        super().__init__(
            _("添加附件"),
            _("“{title}”\n请给签了名的签到表拍一张照片存档,作为到会人数的凭据;"
              "会议材料(方案、预算)也可以一起存。定稿以后也可以添加。").format(title=meeting_title),
            action, roles=[(role, role_label(role)) for role in (SIGNIN_PHOTO, DOCUMENT)], image_role=SIGNIN_PHOTO,
            other_role=DOCUMENT, chooser_title=_("选择照片或文件"),
            file_filter=_("照片和文档 (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.pdf *.doc *.docx *.xls *.xlsx);;"
                          "所有文件 (*)"),
            start_dir=filedialogs.documents_folder(), missing=_("请先点“选择文件…”选一张照片或一个文件。"), parent=parent)
