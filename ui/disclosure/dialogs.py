"""The dialogs of a notice's life: review, approval, posting, correction, villagers' questions, files.

Each runs its action in a Task and stays open until the service has answered, so
a refusal (too few posting days, no opinion when returning) shows in place, next
to the field, and nothing typed is lost. :func:`show_dialog` is the one place a
dialog is put on screen: tests replace it to fill in and press the button.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QDateEdit, QDialog, QFormLayout, QGridLayout, QHBoxLayout,
                               QLabel, QLineEdit, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget)

from app.disclosure.models import ATTACHMENT_ROLES, BOARD_PHOTO
from app.disclosure.service import role_label
from app.i18n import _
from app.people.service import FieldError
from ui.style import message_label, show_message
from ui.attach_dialog import AttachFileDialog, lead
from ui.task_dialog import TaskDialog



def show_dialog(dialog: QDialog) -> None:
    """Put ``dialog`` on screen, window-modal; the seam tests replace."""
    dialog.finished.connect(dialog.deleteLater)
    dialog.open()


def date_edit(day: dt.date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("2026-12-31") + 60)
    return edit


def day_of(edit: QDateEdit) -> dt.date:
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


def set_day(edit: QDateEdit, day: dt.date) -> None:
    edit.setDate(QDate(day.year, day.month, day.day))


# ---------------------------------------------------------------- review and approval


class ReviewDialog(TaskDialog):
    """监委会审核: who reviewed (ticked from the committee, or typed), when, the opinion, passed or returned.

    ``action(reviewers, day, opinion, passed)`` runs on a worker.
    """

    def __init__(self, title: str, members: list[str], action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("记录监委会审核"), parent)
        self._action = action
        intro = lead(_("“{title}”\n请记下村务监督委员会审核的人、日期和意见。审核通过后才能批准张贴;"
                        "退回修改时请写明要改什么。").format(title=title))
        self.member_checks: list[QCheckBox] = []
        members_box = QWidget()
        grid = QGridLayout(members_box)
        grid.setContentsMargins(0, 0, 0, 0)
        for i, name in enumerate(members):
            check = QCheckBox(name)
            self.member_checks.append(check)
            grid.addWidget(check, i // 3, i % 3)
        if not members:
            grid.addWidget(QLabel(_("村民名册的职务里没有登记在任的村务监督委员会成员,请在下面填写姓名。")), 0, 0)
        self.others_edit = QLineEdit()
        self.others_edit.setPlaceholderText(_("其他审核人,多人用顿号隔开,例如:刘监督、陈委员"))
        self.date_edit = date_edit(today)
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.opinion_edit = QPlainTextEdit()
        self.opinion_edit.setPlaceholderText(_("例如:内容真实完整,同意公开。"))
        self.opinion_edit.setFixedHeight(self.fontMetrics().height() * 5)
        self.passed_radio = QRadioButton(_("审核通过"))
        self.returned_radio = QRadioButton(_("退回修改"))
        self.passed_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.passed_radio)
        group.addButton(self.returned_radio)
        outcome = QHBoxLayout()
        outcome.addWidget(self.passed_radio)
        outcome.addWidget(self.returned_radio)
        outcome.addStretch(1)

        form = QFormLayout()
        form.addRow(_("审核人"), members_box)
        form.addRow("", self.others_edit)
        form.addRow("", self.error_label("reviewers"))
        form.addRow(_("审核日期"), self.date_edit)
        form.addRow("", self.error_label("date"))
        form.addRow(_("审核结果"), outcome)
        form.addRow(_("审核意见"), self.opinion_edit)
        form.addRow("", self.error_label("opinion"))
        self.add_buttons(_("记录审核结果"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def reviewers(self) -> list[str]:
        chosen = [c.text() for c in self.member_checks if c.isChecked()]
        typed = self.others_edit.text().replace(",", "、").replace(",", "、").replace(" ", "、")
        return chosen + [n.strip() for n in typed.split("、") if n.strip()]

    def action(self) -> Callable[[], Any]:
        names = self.reviewers()
        if not names:
            raise FieldError("reviewers", _("请勾选或填写审核人的姓名。"))
        action, day, opinion, passed = self._action, day_of(self.date_edit), self.opinion_edit.toPlainText(), \
            self.passed_radio.isChecked()
        return lambda: action(names, day, opinion, passed)


class ApproveDialog(TaskDialog):
    """批准: who approves (the committee's 主任 by default) and when. ``action(approver, day)``."""

    def __init__(self, title: str, approver: str, action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("批准公开"), parent)
        self._action = action
        self.approver_edit = QLineEdit(approver)
        self.approver_edit.setPlaceholderText(_("批准人姓名,一般是村民委员会主任"))
        self.date_edit = date_edit(today)
        form = QFormLayout()
        form.addRow(_("批准人"), self.approver_edit)
        form.addRow("", self.error_label("approver"))
        form.addRow(_("批准日期"), self.date_edit)
        self.add_buttons(_("批准"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("“{title}”已经监委会审核通过。批准后就可以张贴。").format(title=title)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> Callable[[], Any]:
        action, name, day = self._action, self.approver_edit.text(), day_of(self.date_edit)
        return lambda: action(name, day)


class PostDialog(TaskDialog):
    """张贴: from and until, by default today and the last day of the catalogue's minimum.

    The number of days is counted as the dates change; fewer than the minimum is said at
    once, and the service refuses it with the same words under the until date.
    ``action(start, until)``.
    """

    def __init__(self, title: str, min_days: int, action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("张贴公开"), parent)
        self._action = action
        self.min_days = min_days
        self.from_edit = date_edit(today)
        self.until_edit = date_edit(today + dt.timedelta(days=max(min_days, 1) - 1))
        self.minimum_label = QLabel(_("公开目录要求至少张贴 {n} 天。").format(n=min_days))
        self.minimum_label.setObjectName("lead")
        self.days_label = message_label("hint")
        form = QFormLayout()
        form.addRow(_("张贴日期"), self.from_edit)
        form.addRow(_("张贴到"), self.until_edit)
        form.addRow("", self.error_label("posted_until"))
        form.addRow("", self.days_label)
        self.add_buttons(_("确认张贴"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("“{title}”\n张贴后会给它一个公开编号,内容从此不能再修改;"
                                 "如有错误,只能另发一份更正公告。").format(title=title)))
        layout.addWidget(self.minimum_label)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.from_edit.dateChanged.connect(self._count)
        self.until_edit.dateChanged.connect(self._count)
        self._count()

    def days(self) -> int:
        return (day_of(self.until_edit) - day_of(self.from_edit)).days + 1

    def _count(self) -> None:
        days = self.days()
        if days < 1:
            show_message(self.days_label, _("张贴结束日期早于开始日期,请检查。"), "error")
        elif days < self.min_days:
            show_message(self.days_label, _("现在只有 {days} 天,比要求的 {min} 天少,不能张贴。").format(
                days=days, min=self.min_days), "error")
        else:
            show_message(self.days_label, _("共张贴 {days} 天。").format(days=days), "ok")

    def action(self) -> Callable[[], Any]:
        action, start, until = self._action, day_of(self.from_edit), day_of(self.until_edit)
        return lambda: action(start, until)


class ReasonDialog(TaskDialog):
    """A question and a required reason: ``action(reason)`` (更正 a posted notice)."""

    def __init__(self, title: str, question: str, ok_text: str, placeholder: str, action: Callable[[str], Any], *,
                 parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._action = action
        self.reason_edit = QPlainTextEdit()
        self.reason_edit.setPlaceholderText(placeholder)
        self.reason_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.add_buttons(ok_text)
        layout = QVBoxLayout(self)
        layout.addWidget(lead(question))
        layout.addWidget(QLabel(_("原因")))
        layout.addWidget(self.reason_edit)
        layout.addWidget(self.error_label("reason"))
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.reason_edit.setFocus()

    def action(self) -> Callable[[], Any]:
        reason = self.reason_edit.toPlainText()
        if not reason.strip():
            raise FieldError("reason", _("请写明原因。"))
        action = self._action
        return lambda: action(reason)


# ---------------------------------------------------------------- villagers' questions


class FeedbackDialog(TaskDialog):
    """A villager's question (阳光评议), with the answer if it is already known.

    ``action(asker, question, asked_on, answer, answered_by, answered_on)``.
    """

    def __init__(self, title: str, answerer: str, action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("登记村民意见"), parent)
        self._action = action
        self.asker_edit = QLineEdit()
        self.asker_edit.setPlaceholderText(_("提问的村民姓名"))
        self.asked_edit = date_edit(today)
        self.question_edit = QPlainTextEdit()
        self.question_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setPlaceholderText(_("已经答复的写在这里;还没答复的空着,以后再点“答复”。"))
        self.answer_edit.setFixedHeight(self.fontMetrics().height() * 4)
        self.answerer_edit = QLineEdit(answerer)
        self.answered_edit = date_edit(today)
        form = QFormLayout()
        form.addRow(_("提问人"), self.asker_edit)
        form.addRow("", self.error_label("asker"))
        form.addRow(_("提问日期"), self.asked_edit)
        form.addRow(_("问题或意见"), self.question_edit)
        form.addRow("", self.error_label("question"))
        form.addRow(_("答复"), self.answer_edit)
        form.addRow(_("答复人"), self.answerer_edit)
        form.addRow("", self.error_label("answered_by"))
        form.addRow(_("答复日期"), self.answered_edit)
        form.addRow("", self.error_label("answered_on"))
        self.add_buttons(_("登记"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("“{title}”").format(title=title)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> Callable[[], Any]:
        values = (self.asker_edit.text(), self.question_edit.toPlainText(), day_of(self.asked_edit),
                  self.answer_edit.toPlainText(), self.answerer_edit.text(), day_of(self.answered_edit))
        action = self._action
        return lambda: action(*values)


class AnswerDialog(TaskDialog):
    """The answer to a question already recorded: ``action(answer, answered_by, day)``."""

    def __init__(self, asker: str, question: str, answerer: str, action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("答复村民意见"), parent)
        self._action = action
        self.answer_edit = QPlainTextEdit()
        self.answer_edit.setFixedHeight(self.fontMetrics().height() * 5)
        self.answerer_edit = QLineEdit(answerer)
        self.date_edit = date_edit(today)
        form = QFormLayout()
        form.addRow(_("答复"), self.answer_edit)
        form.addRow("", self.error_label("answer"))
        form.addRow(_("答复人"), self.answerer_edit)
        form.addRow("", self.error_label("answered_by"))
        form.addRow(_("答复日期"), self.date_edit)
        form.addRow("", self.error_label("answered_on"))
        self.add_buttons(_("保存答复"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("{asker}问:{question}").format(asker=asker, question=question)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> Callable[[], Any]:
        action, text, who, day = self._action, self.answer_edit.toPlainText(), self.answerer_edit.text(), \
            day_of(self.date_edit)
        return lambda: action(text, who, day)


# ---------------------------------------------------------------- files


class AttachDialog(AttachFileDialog):
    """A photo of the posted board (or a scan) kept with the notice: ``action(path, role)``."""

    def __init__(self, title: str, action: Callable[..., Any], *, parent: QWidget | None = None) -> None:
        super().__init__(
            _("添加照片或附件"),
            _("“{title}”\n张贴后请给公开栏拍一张照片存档,作为按时公开的凭据。"
              "可以选手机传到电脑上的照片(jpg、png)或扫描的 PDF。").format(title=title),
            action, roles=[(role, role_label(role)) for role in ATTACHMENT_ROLES], image_role=BOARD_PHOTO,
            other_role="scan", chooser_title=_("选择照片或扫描件"),
            file_filter=_("照片和 PDF (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.pdf);;所有文件 (*)"),
            start_dir=Path.home(), missing=_("请先点“选择文件…”选一张照片或一个 PDF。"), parent=parent)
