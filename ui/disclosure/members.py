"""The supervision committee behind 记录监委会审核: who may review, and registering a member.

Only members of the 村务监督委员会 in force on the review date may review a notice
(Organic Law Art. 32; app/people/roles.py). The review dialog is given every term
of every member (:func:`review_data`) and shows those in force on the date chosen;
:class:`MemberDialog` registers a member (a villager on the register, 主任 or 委员,
the term) when the list is empty or incomplete. The functions here that take a
session run in an operation (ui.operations) on a worker and return plain values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QCheckBox, QComboBox, QCompleter, QFormLayout, QLineEdit, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.disclosure.service import NoticeInfo
from app.i18n import _
from app.people.roles import Candidate, Member
from app.people.service import FieldError
from app.storage import Store
from ui.attach_dialog import lead
from ui.operations import RESIDENTS, ReadOp, WriteOp
from ui.task_dialog import TaskDialog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

TERM_YEARS = 5  # five years, as the villagers' committee since the 2018 amendment: only the default end date


# ---------------------------------------------------------------- on a worker


def review_data(s: Session, notice_id: int) -> tuple[NoticeInfo, list[Member]]:
    """The notice, read fresh, and every term of every supervision committee member."""
    from app.disclosure.service import get_notice
    from app.people.roles import supervision_terms

    return get_notice(s, notice_id), supervision_terms(s)


def register_candidates(s: Session, day: dt.date) -> list[Candidate]:
    from app.people.roles import candidates

    return candidates(s, day)


def add_supervisor(s: Session, resident_id: int, title: str, start: dt.date, end: dt.date | None) -> Member:
    from app.people.roles import add_member

    return add_member(s, resident_id=resident_id, title=title, term_start=start, term_end=end)


# ---------------------------------------------------------------- the dialog


def _date_edit(day: dt.date):  # type: ignore[no-untyped-def]
    from ui.disclosure.dialogs import date_edit

    return date_edit(day)


def _day_of(edit) -> dt.date:  # type: ignore[no-untyped-def]
    d = edit.date()
    return dt.date(d.year(), d.month(), d.day())


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class MemberDialog(TaskDialog):
    """登记监委会成员: a villager on the register (type a name and pick from the list), 主任 or 委员,
    and the term; ``action(resident_id, title, start, end)`` builds the write operation that registers them
    and returns the Member."""

    builds_operation = True

    def __init__(self, people: list[Candidate], action: Callable[..., Any], *, start: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("登记村务监督委员会成员"), parent)
        self._action = action
        self.people = people
        self._by_label = {p.label: p for p in people}
        self.person_edit = QLineEdit()
        self.person_edit.setPlaceholderText(_("输入姓名,从列表里选一位"))
        completer = QCompleter([p.label for p in people], self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        self.person_edit.setCompleter(completer)
        self.title_combo = QComboBox()
        self.title_combo.addItems([_("主任"), _("委员")])
        self.title_combo.setCurrentIndex(1)
        self.start_edit = _date_edit(start)
        self.has_end = QCheckBox(_("任期到"))
        self.has_end.setChecked(True)
        self.end_edit = _date_edit(_years_later(start, TERM_YEARS) - dt.timedelta(days=1))
        self.has_end.toggled.connect(self.end_edit.setEnabled)
        self.start_edit.dateChanged.connect(self._follow_start)
        form = QFormLayout()
        form.addRow(_("村民"), self.person_edit)
        form.addRow("", self.error_label("resident"))
        form.addRow(_("职务"), self.title_combo)
        form.addRow("", self.error_label("title"))
        form.addRow(_("任期从"), self.start_edit)
        form.addRow("", self.error_label("term_start"))
        form.addRow(self.has_end, self.end_edit)
        form.addRow("", self.error_label("term_end"))
        self.add_buttons(_("登记"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("请选择本村名册上的村民,填写职务和任期(从推选产生的日期起;结束日期先按五年填好,"
                                 "不同的请改)。登记后,他在任期内就可以审核公开事项。")))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def _follow_start(self, _date: QDate) -> None:
        end = _years_later(_day_of(self.start_edit), TERM_YEARS) - dt.timedelta(days=1)
        self.end_edit.setDate(QDate(end.year, end.month, end.day))

    def chosen(self) -> Candidate:
        text = " ".join(self.person_edit.text().split())
        if not text:
            raise FieldError("resident", _("请输入村民的姓名,并从列表里选一位。"))
        if text in self._by_label:
            return self._by_label[text]
        same = [p for p in self.people if p.name == text]
        if len(same) == 1:
            return same[0]
        if same:
            raise FieldError("resident", _("名册上有 {n} 位“{name}”,请从列表里选一位(列表写着村民小组和出生年份)。").format(
                n=len(same), name=text))
        raise FieldError("resident", _("名册上没有叫“{name}”的18周岁以上在册村民。请检查姓名,或先到“村民信息”里登记此人。").format(
            name=text))

    def action(self) -> Callable[[], Any]:
        person = self.chosen()
        title = ("主任", "委员")[self.title_combo.currentIndex()]
        start = _day_of(self.start_edit)
        end = _day_of(self.end_edit) if self.has_end.isChecked() else None
        action = self._action
        return lambda: action(person.resident_id, title, start, end)


def open_register(parent: QWidget, store: Store, actor: str, day: dt.date, added: Callable[[Member], Any]) -> Any:
    """Read who can be chosen, then put up :class:`MemberDialog`; ``added(member)`` once registered."""
    from ui.disclosure import dialogs
    from ui.errors import show_error

    def show(people: list[Candidate]) -> None:
        if not isValid(parent):
            return
        dialog = MemberDialog(people, lambda rid, title, start, end: WriteOp(
            store, actor, lambda s, _ctx: add_supervisor(s, rid, title, start, end), changes={RESIDENTS},
            initiator=parent), start=day, parent=parent)
        dialog.completed.connect(added)
        dialogs.show_dialog(dialog)

    return ReadOp(store, lambda s, _ctx: register_candidates(s, day)).success(show) \
        .failure(lambda exc: show_error(parent, exc) if isValid(parent) else None).run()

