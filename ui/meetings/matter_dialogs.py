"""The dialogs of a major matter (四议两公开): a new matter, the villagers' meeting's authorisation
(picked from the passed motions of closed 村民会议), taking the next step at a closed meeting (or
recording that its vote failed), the result, closing, and the filing of village rules with the township.

Each runs its action on the write worker and stays open until the service has answered, so a
refusal (a step out of order, an Art. 24 matter at the representatives' meeting without an
authorisation) shows in place and nothing typed is lost. The board puts them on screen through
:func:`show_dialog`, the one seam tests replace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (QButtonGroup, QComboBox, QFormLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget)

from app.i18n import _
from app.meetings.matters import (ENDED, RESTARTED, MatterInfo, categories, is_art24, is_village_rules, step_kinds,
                                  step_label)
from app.people.service import FieldError
from ui.disclosure.dialogs import date_edit, day_of, show_dialog
from ui.style import ERROR, OK
from ui.task_dialog import TaskDialog

# show_dialog is re-exported: the board calls it through this module, the seam its tests replace
__all__ = ["AdvanceDialog", "AuthorisationDialog", "Candidate", "CloseDialog", "FilingDialog", "MatterDialog",
           "NewMatterDialog", "ResultDialog", "VillagersMotion", "art24_note", "art27_note", "kinds_text",
           "show_dialog"]


def kinds_text(step: int, category: str = "") -> str:
    return _("或").join(k.label for k in step_kinds(step, category))


def art24_note() -> str:
    return _("这是《村民委员会组织法》第二十四条规定的事项,须由村民会议决定;"
             "由村民代表会议决定的,要有村民会议的授权。")


def art27_note() -> str:
    return _("村规民约、村民自治章程由村民会议制定和修改,不能授权村民代表会议;通过后要报乡镇人民政府备案"
             "(《村民委员会组织法》第二十七条)。")


def _lead(text: str) -> QLabel:
    label = QLabel(text)
    label.setObjectName("lead")
    label.setWordWrap(True)
    return label


def _text_edit(lines: int, placeholder: str = "", text: str = "") -> QPlainTextEdit:
    edit = QPlainTextEdit(text)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().height() * lines + 12)
    return edit


class MatterDialog(TaskDialog):
    """A TaskDialog laid out the board's way: the message, then the buttons. The action it is given builds
    the board's write operation (MatterBoard._write)."""

    builds_operation = True

    def _finish_layout(self, layout: QVBoxLayout) -> None:
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)


# ---------------------------------------------------------------- a new matter


class NewMatterDialog(MatterDialog):
    """新建事项: subject, category and description; an Art. 24 matter's authorisation is recorded later on
    its card (记录授权…). ``action(subject, category, description)`` runs on a worker."""

    def __init__(self, action: Callable[..., Any], parent: QWidget | None = None) -> None:
        super().__init__(_("新建重大事项"), parent)
        self._action = action
        self.subject_edit = QLineEdit()
        self.subject_edit.setPlaceholderText(_("例如:村道硬化工程"))
        self.category_combo = QComboBox()
        self.category_combo.addItem(_("请选择事项类别"), "")
        for key, label in categories().items():
            self.category_combo.addItem(label, key)
        self.art24_label = QLabel(art24_note())
        self.art24_label.setObjectName("hint")
        self.art24_label.setWordWrap(True)
        self.description_edit = _text_edit(4, _("事项的内容、金额、范围等,可不填"))
        self.form = QFormLayout()
        self.form.addRow(_("事项名称"), self.subject_edit)
        self.form.addRow("", self.error_label("subject"))
        self.form.addRow(_("事项类别"), self.category_combo)
        self.form.addRow("", self.error_label("category"))
        self.form.addRow("", self.art24_label)
        self.form.addRow(_("事项说明"), self.description_edit)
        self.add_buttons(_("新建事项"))
        layout = QVBoxLayout(self)
        layout.addWidget(_lead(_("重大事项按“四议两公开”办理:党组织提议、两委会商议、党员大会审议、"
                                 "村民会议或村民代表会议决议,然后公开决议和实施结果。")))
        layout.addLayout(self.form)
        self._finish_layout(layout)
        self.category_combo.currentIndexChanged.connect(self._category_changed)
        self._category_changed()
        self.subject_edit.setFocus()

    def category(self) -> str:
        return str(self.category_combo.currentData() or "")

    def set_category(self, key: str) -> None:
        self.category_combo.setCurrentIndex(max(self.category_combo.findData(key), 0))

    def _category_changed(self) -> None:
        category = self.category()
        if is_art24(category):
            self.art24_label.setText(art24_note() + _("授权在事项建好后,在它的卡片上点“记录授权…”选出村民会议的决议。"))
        elif is_village_rules(category):
            self.art24_label.setText(art27_note())
        self.form.setRowVisible(self.art24_label, is_art24(category) or is_village_rules(category))

    def action(self) -> Callable[[], Any]:
        category = self.category()
        if not category:
            raise FieldError("category", _("请选择事项类别。"))
        values = (self.subject_edit.text(), category, self.description_edit.toPlainText())
        action = self._action
        return lambda: action(*values)


# ---------------------------------------------------------------- the authorisation


@dataclass(frozen=True)
class VillagersMotion:
    """A closed 村民会议 and the motions passed there: what an authorisation can point to."""

    meeting_id: int
    title: str
    date: dt.date
    motions: list[tuple[int, str]]  # (motion id, text)


class AuthorisationDialog(MatterDialog):
    """记录授权: pick the closed 村民会议 and the motion passed there that authorised the representatives'
    meeting to decide (Art. 24). ``action(motion_id)``."""

    def __init__(self, matter: MatterInfo, meetings: list[VillagersMotion], action: Callable[[int], Any],
                 parent: QWidget | None = None) -> None:
        super().__init__(_("记录村民会议的授权"), parent)
        self._action, self.meetings = action, list(meetings)
        height = self.fontMetrics().height()
        self.meeting_list = QListWidget()
        self.meeting_list.setFixedHeight(height * 5)
        self.motion_list = QListWidget()
        self.motion_list.setWordWrap(True)
        self.motion_list.setFixedHeight(height * 5)
        for m in self.meetings:
            item = QListWidgetItem(_("{date}  {title}").format(date=m.date.isoformat(), title=m.title))
            item.setData(Qt.ItemDataRole.UserRole, m.meeting_id)
            self.meeting_list.addItem(item)
        self.add_buttons(_("保存授权"))
        layout = QVBoxLayout(self)
        layout.addWidget(_lead(_("“{subject}”({category})").format(subject=matter.subject,
                                                                    category=matter.category_label)))
        note = QLabel(art24_note() + _("请选出作出授权的那次村民会议(会议记录已定稿),再选会上通过的授权决议;"
                                       "决议公开时会一并公布。"))
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        if matter.authorisation and matter.authorised_by is None:
            old = QLabel(_("旧记录(文字,不能作为授权):{text}").format(text=matter.authorisation))
            old.setObjectName("hint")
            old.setWordWrap(True)
            layout.addWidget(old)
        self.empty_label = _lead(_("还没有可以选的村民会议决议。授权要由村民会议作出:请先在“会议记录”记好那次"
                                   "村民会议、表决通过授权并定稿,再回来记录。"))
        self.empty_label.setObjectName("error")
        layout.addWidget(self.empty_label)
        self.meetings_heading = QLabel(_("村民会议(已定稿)"))
        layout.addWidget(self.meetings_heading)
        layout.addWidget(self.meeting_list)
        self.motions_heading = QLabel(_("会上通过的决议"))
        layout.addWidget(self.motions_heading)
        layout.addWidget(self.motion_list)
        layout.addWidget(self.error_label("motion"))
        self._finish_layout(layout)
        has = bool(self.meetings)
        self.empty_label.setVisible(not has)
        for w in (self.meetings_heading, self.meeting_list, self.motions_heading, self.motion_list):
            w.setVisible(has)
        self.ok_button.setEnabled(has)
        self.meeting_list.currentRowChanged.connect(self._meeting_changed)
        if has:
            current = matter.authorised_by
            ids = [m.meeting_id for m in self.meetings]
            self.meeting_list.setCurrentRow(ids.index(current.meeting_id) if current and current.meeting_id in ids
                                            else 0)
            if current is not None:
                self._select_motion(current.motion_id)

    def select_motion(self, meeting_id: int, motion_id: int) -> None:
        self.meeting_list.setCurrentRow([m.meeting_id for m in self.meetings].index(meeting_id))
        if not self._select_motion(motion_id):
            raise ValueError(motion_id)

    def _select_motion(self, motion_id: int) -> bool:
        for row in range(self.motion_list.count()):
            if self.motion_list.item(row).data(Qt.ItemDataRole.UserRole) == motion_id:
                self.motion_list.setCurrentRow(row)
                return True
        return False

    def _meeting_changed(self, row: int) -> None:
        self.motion_list.clear()
        m = self.meetings[row] if 0 <= row < len(self.meetings) else None
        for motion_id, text in (m.motions if m else []):
            item = QListWidgetItem(_("✓ 通过:{text}").format(text=text))
            item.setData(Qt.ItemDataRole.UserRole, motion_id)
            self.motion_list.addItem(item)
        # no motion is chosen for the clerk: which decision authorised is theirs to say
        self.clear_errors()

    def action(self) -> Callable[[], Any]:
        item = self.motion_list.currentItem()
        if item is None:
            raise FieldError("motion", _("请选出会上通过的授权决议。"))
        action, motion_id = self._action, int(item.data(Qt.ItemDataRole.UserRole))
        return lambda: action(motion_id)


# ---------------------------------------------------------------- the next step


@dataclass(frozen=True)
class Candidate:
    """A closed meeting that could take the next step, and the motions voted there."""

    meeting_id: int
    title: str
    date: dt.date
    motions: list[tuple[int, str, bool]]  # (motion id, text, passed)


class AdvanceDialog(MatterDialog):
    """推进下一步: pick the closed meeting and the motion voted there.

    A motion that passed takes the step; one that failed asks whether the matter ends or goes back
    to step 1, and records that. ``action(meeting_id, motion_id, outcome, note)`` with ``outcome``
    None for a passed motion, else ENDED or RESTARTED.
    """

    def __init__(self, matter: MatterInfo, candidates: list[Candidate], action: Callable[..., Any],
                 parent: QWidget | None = None) -> None:
        step = matter.next_step or 1
        super().__init__(_("推进第 {n} 步").format(n=step), parent)
        self.matter, self.step, self.candidates = matter, step, list(candidates)
        self._action = action
        self.meeting_list = QListWidget()
        self.motion_list = QListWidget()
        self.motion_list.setWordWrap(True)
        height = self.fontMetrics().height()
        self.meeting_list.setFixedHeight(height * 6)
        self.motion_list.setFixedHeight(height * 6)
        for c in self.candidates:
            item = QListWidgetItem(_("{date}  {title}").format(date=c.date.isoformat(), title=c.title))
            item.setData(Qt.ItemDataRole.UserRole, c.meeting_id)
            self.meeting_list.addItem(item)
        self.empty_label = _lead(_("还没有可以用的会议。第 {n} 步要由{kinds}来议,而且会议记录要定稿、会上对这个事项"
                                   "进行了表决。请先到“会议记录”记好这次会议并定稿,再回来推进。").format(
            n=step, kinds=kinds_text(step, matter.category)))
        self.empty_label.setObjectName("error")

        # what to do with a failed vote: no default, both are serious
        self.failure_box = QWidget()
        self.end_radio = QRadioButton(_("终止事项(记为已终止,不再进行)"))
        self.restart_radio = QRadioButton(_("退回第一步重新提议(开始第 {r} 轮,从党组织提议做起)").format(r=matter.round + 1))
        group = QButtonGroup(self)
        group.addButton(self.end_radio)
        group.addButton(self.restart_radio)
        self.note_edit = QLineEdit()
        self.note_edit.setPlaceholderText(_("说明,可不填,例如:多数党员认为方案费用过高"))
        failure_layout = QVBoxLayout(self.failure_box)
        failure_layout.setContentsMargins(0, 0, 0, 0)
        failed_label = QLabel(_("这个表决事项没有通过,不能作为第 {n} 步。请选择怎么办:").format(n=step))
        failed_label.setObjectName("error")
        failed_label.setWordWrap(True)
        failure_layout.addWidget(failed_label)
        failure_layout.addWidget(self.end_radio)
        failure_layout.addWidget(self.restart_radio)
        failure_layout.addWidget(self.error_label("outcome"))
        failure_layout.addWidget(self.note_edit)

        self.add_buttons(_("记为第 {n} 步").format(n=step))
        layout = QVBoxLayout(self)
        layout.addWidget(_lead(_("“{subject}”\n第 {n} 步:{label},要由{kinds}来议。请先选会议,"
                                 "再选会上表决的事项。").format(subject=matter.subject, n=step,
                                                             label=step_label(step),
                                                             kinds=kinds_text(step, matter.category))))
        if step == 4 and (is_art24(matter.category) or is_village_rules(matter.category)):
            if is_village_rules(matter.category):
                text = art27_note()
            elif matter.authorised_by is not None:
                text = art24_note() + _("已记录授权:{text}").format(text=matter.authorised_by.text)
            else:
                text = art24_note() + _("现在还没有记录授权。")
            note = QLabel(text)
            note.setObjectName("hint")
            note.setWordWrap(True)
            layout.addWidget(note)
        layout.addWidget(self.empty_label)
        self.meetings_heading = QLabel(_("会议(已定稿)"))
        layout.addWidget(self.meetings_heading)
        layout.addWidget(self.meeting_list)
        layout.addWidget(self.error_label("meeting"))
        self.motions_heading = QLabel(_("会上表决的事项"))
        layout.addWidget(self.motions_heading)
        layout.addWidget(self.motion_list)
        layout.addWidget(self.error_label("motion"))
        layout.addWidget(self.failure_box)
        self._finish_layout(layout)

        has = bool(self.candidates)
        self.empty_label.setVisible(not has)
        for w in (self.meetings_heading, self.meeting_list, self.motions_heading, self.motion_list):
            w.setVisible(has)
        self.ok_button.setEnabled(has)
        self.meeting_list.currentRowChanged.connect(self._meeting_changed)
        self.motion_list.currentRowChanged.connect(lambda _r: self._motion_changed())
        self._motion_changed()
        if has:
            self.meeting_list.setCurrentRow(0)

    # ------------------------------------------------------------ choosing

    def meeting_ids(self) -> list[int]:
        return [c.meeting_id for c in self.candidates]

    def select_meeting(self, meeting_id: int) -> None:
        self.meeting_list.setCurrentRow(self.meeting_ids().index(meeting_id))

    def select_motion(self, motion_id: int) -> None:
        for row in range(self.motion_list.count()):
            if self.motion_list.item(row).data(Qt.ItemDataRole.UserRole) == motion_id:
                self.motion_list.setCurrentRow(row)
                return
        raise ValueError(motion_id)

    def _candidate(self) -> Candidate | None:
        row = self.meeting_list.currentRow()
        return self.candidates[row] if 0 <= row < len(self.candidates) else None

    def _meeting_changed(self, _row: int) -> None:
        self.motion_list.clear()
        c = self._candidate()
        for motion_id, text, passed in (c.motions if c else []):
            item = QListWidgetItem((_("✓ 通过:{text}") if passed else _("✗ 未通过:{text}")).format(text=text))
            item.setData(Qt.ItemDataRole.UserRole, motion_id)
            item.setData(Qt.ItemDataRole.UserRole + 1, passed)
            item.setForeground(QColor(OK if passed else ERROR))
            self.motion_list.addItem(item)
        if c is not None and len(c.motions) == 1:
            self.motion_list.setCurrentRow(0)
        self._motion_changed()

    def motion(self) -> tuple[int, bool] | None:
        item = self.motion_list.currentItem()
        if item is None:
            return None
        return int(item.data(Qt.ItemDataRole.UserRole)), bool(item.data(Qt.ItemDataRole.UserRole + 1))

    def _motion_changed(self) -> None:
        chosen = self.motion()
        failed = chosen is not None and not chosen[1]
        self.failure_box.setVisible(failed)
        self.ok_button.setText(_("登记表决未通过") if failed else _("记为第 {n} 步").format(n=self.step))
        self.clear_errors()

    def action(self) -> Callable[[], Any]:
        c = self._candidate()
        if c is None:
            raise FieldError("meeting", _("请选出开会的那次会议。"))
        chosen = self.motion()
        if chosen is None:
            raise FieldError("motion", _("请选出会上表决的事项。"))
        motion_id, passed = chosen
        outcome: str | None = None
        if not passed:
            if self.end_radio.isChecked():
                outcome = ENDED
            elif self.restart_radio.isChecked():
                outcome = RESTARTED
            else:
                raise FieldError("outcome", _("请选择:终止这个事项,或退回第一步重新提议。"))
        action, meeting_id, note = self._action, c.meeting_id, self.note_edit.text()
        return lambda: action(meeting_id, motion_id, outcome, note)


# ---------------------------------------------------------------- the result


class ResultDialog(MatterDialog):
    """登记实施结果: what was done and when it was finished; drafts the result disclosure.
    ``action(summary, day)``."""

    def __init__(self, matter: MatterInfo, action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("登记实施结果"), parent)
        self._action = action
        self.summary_edit = _text_edit(5, _("做了什么、花了多少钱、结果如何,例如:硬化村道 1.2 公里,"
                                            "实际支出 36.5 万元,已通过验收。"))
        self.date_edit = date_edit(today)
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        form = QFormLayout()
        form.addRow(_("实施情况"), self.summary_edit)
        form.addRow("", self.error_label("summary"))
        form.addRow(_("完成日期"), self.date_edit)
        form.addRow("", self.error_label("carried_out_on"))
        self.add_buttons(_("登记并起草实施结果公开"))
        layout = QVBoxLayout(self)
        layout.addWidget(_lead(_("“{subject}”已经决议。登记实施结果后,会在“村务公开”起草实施结果公开,"
                                 "经监委会审核后张贴。").format(subject=matter.subject)))
        layout.addLayout(form)
        self._finish_layout(layout)
        self.summary_edit.setFocus()

    def action(self) -> Callable[[], Any]:
        action, summary, day = self._action, self.summary_edit.toPlainText(), day_of(self.date_edit)
        return lambda: action(summary, day)


# ---------------------------------------------------------------- closing, and filing village rules


class CloseDialog(MatterDialog):
    """办结: the result notice is on the board; the matter is finished. ``action()``."""

    def __init__(self, matter: MatterInfo, action: Callable[[], Any], parent: QWidget | None = None) -> None:
        super().__init__(_("办结事项"), parent)
        self._action = action
        self.add_buttons(_("办结"))
        layout = QVBoxLayout(self)
        layout.addWidget(_lead(_("“{subject}”的决议和实施结果都已张贴公开。办结后事项不再变动,记录永久保留。").format(
            subject=matter.subject)))
        self._finish_layout(layout)

    def action(self) -> Callable[[], Any]:
        return self._action


class FilingDialog(MatterDialog):
    """报乡镇备案: the day an adopted 村规民约 or 村民自治章程 was filed with the township, and the reference of
    its receipt (Art. 27). ``action(filed_on, reference)``."""

    def __init__(self, matter: MatterInfo, action: Callable[..., Any], *, today: dt.date,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("登记报乡镇备案"), parent)
        self._action = action
        self.date_edit = date_edit(matter.filed_on or today)
        self.date_edit.setMaximumDate(QDate(today.year, today.month, today.day))
        self.reference_edit = QLineEdit(matter.filing_reference)
        self.reference_edit.setPlaceholderText(_("例如:石桥镇备〔2026〕3号;没有文号的,写接收人"))
        form = QFormLayout()
        form.addRow(_("备案日期"), self.date_edit)
        form.addRow("", self.error_label("filed_on"))
        form.addRow(_("备案文号"), self.reference_edit)
        form.addRow("", self.error_label("reference"))
        self.add_buttons(_("保存备案"))
        layout = QVBoxLayout(self)
        adopted = matter.resolved_on.isoformat() if matter.resolved_on else ""
        layout.addWidget(_lead(_("“{subject}”已于 {date} 经村民会议表决通过。").format(subject=matter.subject,
                                                                                date=adopted)))
        note = QLabel(art27_note() + _("报送后,请登记乡镇收到的日期和备案回执上的文号。"))
        note.setObjectName("hint")
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addLayout(form)
        self._finish_layout(layout)
        self.reference_edit.setFocus()

    def action(self) -> Callable[[], Any]:
        action, day, reference = self._action, day_of(self.date_edit), self.reference_edit.text()
        return lambda: action(day, reference)
