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
                               QLabel, QLineEdit, QPlainTextEdit, QPushButton, QRadioButton, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.disclosure.models import ATTACHMENT_ROLES, BOARD_PHOTO
from app.disclosure.service import role_label
from app.i18n import _
from app.people.roles import Member, in_force
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
    """监委会审核: who reviewed, ticked from the 村务监督委员会 members in force on the review date
    (Organic Law Art. 32; nobody else can be entered), when, the opinion, passed or returned.

    ``terms`` are every term of every member (app.people.roles.supervision_terms); the list
    follows the date. ``register(day, added)`` opens the dialog that registers a member and
    calls ``added(member)`` afterwards. ``action(reviewers, day, opinion, passed)`` runs on a worker.
    """

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

    def __init__(self, title: str, terms: list[Member], action: Callable[..., Any], *, today: dt.date,
                 register: Callable[[dt.date, Callable[[Member], None]], Any] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("记录监委会审核"), parent)
        self._action = action
        self._register = register
        self.terms = list(terms)
        intro = lead(_("“{title}”\n请记下村务监督委员会审核的人、日期和意见。审核人只能从审核当天在任的监委会成员中勾选;"
                        "审核通过后才能批准张贴,退回修改时请写明要改什么。").format(title=title))
        self.member_checks: list[QCheckBox] = []
        self._ticked: set[str] = set()  # kept while the date moves past a member's term and back
        self.members_box = QWidget()
        self.members_grid = QGridLayout(self.members_box)
        self.members_grid.setContentsMargins(0, 0, 0, 0)
        self.no_members_label = message_label("error")
        self.no_members_label.setWordWrap(True)
        self.register_button = QPushButton(_("登记监委会成员…"))
        self.register_button.setToolTip(_("把本村名册上的村民登记为村务监督委员会主任或委员,写明任期"))
        self.register_button.setVisible(register is not None)
        self.register_button.clicked.connect(self.register)
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
        who = QWidget()  # the members, or why there are none, and the way to add one
        who_layout = QVBoxLayout(who)
        who_layout.setContentsMargins(0, 0, 0, 0)
        who_layout.addWidget(self.members_box)
        who_layout.addWidget(self.no_members_label)
        register_row = QHBoxLayout()
        register_row.addWidget(self.register_button)
        register_row.addStretch(1)
        who_layout.addLayout(register_row)

        form = QFormLayout()
        form.addRow(_("审核日期"), self.date_edit)
        form.addRow("", self.error_label("date"))
        form.addRow(_("审核人"), who)
        form.addRow("", self.error_label("reviewers"))
        form.addRow(_("审核结果"), outcome)
        form.addRow(_("审核意见"), self.opinion_edit)
        form.addRow("", self.error_label("opinion"))
        self.add_buttons(_("记录审核结果"))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)
        self.date_edit.dateChanged.connect(lambda _d: self.show_members())
        self.show_members()

    def members(self) -> list[Member]:
        """The members in force on the review date, chair first."""
        return in_force(self.terms, day_of(self.date_edit))

    def show_members(self) -> None:
        """Tick boxes for the members in force on the date; a name ticked before stays ticked."""
        for check in self.member_checks:
            self.members_grid.removeWidget(check)
            check.deleteLater()
        self.member_checks = []
        members = self.members()
        for i, m in enumerate(members):
            check = QCheckBox(m.name)
            check.setChecked(m.name in self._ticked)
            check.toggled.connect(lambda on, name=m.name: self._tick(name, on))
            start = m.term_start.isoformat() if m.term_start else _("(未填)")
            end = m.term_end.isoformat() if m.term_end else _("今后")
            check.setToolTip(_("村务监督委员会{title},任期 {start} 至 {end}").format(title=m.title, start=start, end=end))
            self.member_checks.append(check)
            self.members_grid.addWidget(check, i // 3, i % 3)
        day = day_of(self.date_edit).isoformat()
        if members:
            show_message(self.no_members_label, "")
        elif self._register is not None:
            show_message(self.no_members_label, _("{day} 没有在任的村务监督委员会成员,不能记录审核。审核人只能是监委会成员:"
                                                  "请点“登记监委会成员…”登记成员和任期。").format(day=day), "error")
        else:
            show_message(self.no_members_label, _("{day} 没有在任的村务监督委员会成员,不能记录审核。请先登记"
                                                  "村务监督委员会成员和任期。").format(day=day), "error")
        self.members_box.setVisible(bool(members))
        self.ok_button.setEnabled(bool(members))
        if self.isVisible():
            self.adjustSize()  # the message or the boxes need another height

    def _tick(self, name: str, on: bool) -> None:
        if on:
            self._ticked.add(name)
        else:
            self._ticked.discard(name)

    def register(self) -> Any:
        if self._register is None:
            return None
        return self._register(day_of(self.date_edit), self.add_member)

    def add_member(self, member: Member) -> None:
        """A member just registered: offered at once, and ticked if in office on the review date."""
        if not isValid(self):
            return
        self.terms.append(member)
        self.show_members()
        for check in self.member_checks:
            if check.text() == member.name:
                check.setChecked(True)

    def reviewers(self) -> list[str]:
        return [c.text() for c in self.member_checks if c.isChecked()]

    def action(self) -> Callable[[], Any]:
        names = self.reviewers()
        if not names:
            raise FieldError("reviewers", _("请勾选审核的监委会成员。"))
        action, day, opinion, passed = self._action, day_of(self.date_edit), self.opinion_edit.toPlainText(), \
            self.passed_radio.isChecked()
        return lambda: action(names, day, opinion, passed)


class ApproveDialog(TaskDialog):
    """批准: who approves (the committee's 主任 by default) and when. ``action(approver, day)``."""

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

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

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

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
                                 "如有错误,只能另发一份更正公告。\n"
                                 "确认张贴后,点“打印预览…”打印带编号的公告,贴到公开栏。").format(title=title)))
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

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

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

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

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

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

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

    builds_operation = True  # its action builds the screen's write operation (ui.operations)

    def __init__(self, title: str, action: Callable[..., Any], *, parent: QWidget | None = None) -> None:
        super().__init__(
            _("添加照片或附件"),
            _("“{title}”\n张贴后请给公开栏拍一张照片存档,作为按时公开的凭据。"
              "可以选手机传到电脑上的照片(jpg、png)或扫描的 PDF。").format(title=title),
            action, roles=[(role, role_label(role)) for role in ATTACHMENT_ROLES], image_role=BOARD_PHOTO,
            other_role="scan", chooser_title=_("选择照片或扫描件"),
            file_filter=_("照片和 PDF (*.jpg *.jpeg *.png *.bmp *.gif *.webp *.tif *.tiff *.pdf);;所有文件 (*)"),
            start_dir=Path.home(), missing=_("请先点“选择文件…”选一张照片或一个 PDF。"), parent=parent)
