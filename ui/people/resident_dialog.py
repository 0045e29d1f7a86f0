"""Add or edit one resident.

The service validates; this dialog only shows its verdict in red under the
field it names (FieldError.field) and stays open so nothing typed is lost.
A valid ID number fills in sex and birth date, which are then locked: the ID
is the authority for both (GB 11643).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _
from app.people.idcard import IdNumberError, birth_date_from_id, sex_from_id, validate_id
from app.people.service import (
    RELATIONS,
    SEXES,
    FieldError,
    GroupInfo,
    ResidentInput,
    ResidentRow,
    add_resident,
    list_groups,
    update_resident,
)
from app.storage import Store
from ui.operations import RESIDENTS, WriteOp, read_now
from ui.people.residents_model import sex_label
from ui.style import ERROR, MUTED
from ui.widgets import grow_to_fit

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ERROR_STYLE = f"color: {ERROR};"
HINT_STYLE = f"color: {MUTED};"
# QDateEdit has no empty state: the day before the earliest valid birth date stands for “not filled in”.
NO_DATE = QDate(1899, 12, 31)
# where the calendar opens when no date is chosen yet: most residents without an ID are children
CALENDAR_START_YEARS_AGO = 5
# fields the service may name that have no input of their own in this dialog
_GENERAL = "form"


class ResidentDialog(QDialog):
    """``ResidentDialog(store, resident=None)``: a new resident when ``resident`` is None.

    ``saved`` carries the stored :class:`ResidentRow`; :attr:`result_row` keeps it too.
    """

    saved = Signal(object)

    def __init__(self, store: Store, resident: ResidentRow | None = None, *,
                 groups: list[GroupInfo] | None = None, default_group_id: int | None = None,
                 actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._store = store
        self._resident = resident
        self._actor = actor
        self._derived = False
        self._saving = False  # a save is under way: Enter and Esc wait for its answer
        self.result_row: ResidentRow | None = None
        if groups is None:  # the residents screen hands its list over; others read it (measured, like its pages)
            groups = read_now(store, list_groups)
        if resident is None:
            self.setWindowTitle(_("新增村民"))
        else:
            self.setWindowTitle(_("修改“{name}”的信息").format(name=resident.name))
        self.setMinimumWidth(640)

        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("如:张三"))
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText(_("18位,最后一位可以是X;婴幼儿没有可以不填"))
        self.sex_combo = QComboBox()
        self.sex_combo.addItem(_("请选择"), "")
        for sex in SEXES:
            self.sex_combo.addItem(sex_label(sex), sex)
        self.birth_edit = QDateEdit()
        self.birth_edit.setCalendarPopup(True)
        self.birth_edit.setDisplayFormat("yyyy-MM-dd")
        self.birth_edit.setMinimumDate(NO_DATE)
        self.birth_edit.setMaximumDate(QDate.currentDate())
        self.birth_edit.setSpecialValueText(_("未填写"))
        self.birth_edit.setDate(NO_DATE)
        self.birth_edit.calendarWidget().installEventFilter(self)
        self.phone_edit = QLineEdit()
        self.phone_edit.setPlaceholderText(_("手机11位,或座机如 0531-88886666"))
        self.group_combo = QComboBox()
        self.group_combo.addItem(_("(未分组)"), None)
        for g in groups:
            self.group_combo.addItem(g.name, g.id)
        self.relation_combo = QComboBox()
        self.relation_combo.setEditable(True)
        self.relation_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.relation_combo.addItems(list(RELATIONS))
        self.relation_combo.setCurrentIndex(-1)
        self.relation_combo.lineEdit().setPlaceholderText(_("可选择或直接输入"))
        self.party_check = QCheckBox(_("党员"))
        # 预备党员: no vote until 转正 (《中国共产党章程》第七条); the year of probation runs from the day admitted
        self.probationary_check = QCheckBox(_("预备党员"))
        self.probationary_check.setToolTip(_("预备党员没有表决权,党员大会上列席,不计入应到和表决人数;"
                                             "预备期一年,从支部大会通过之日算起。"))
        self.probation_edit = QDateEdit()
        self.probation_edit.setCalendarPopup(True)
        self.probation_edit.setDisplayFormat("yyyy-MM-dd")
        self.probation_edit.setMinimumDate(NO_DATE)
        self.probation_edit.setMaximumDate(QDate.currentDate())
        self.probation_edit.setSpecialValueText(_("未填写"))
        self.probation_edit.setDate(NO_DATE)
        self.probation_edit.setEnabled(False)
        # short, so the row fits in 大字模式 too; the tooltip says which day it is
        self.probation_label = QLabel(_("预备期开始日期"))
        self.probation_label.setToolTip(_("支部大会通过他为预备党员的那一天"))
        self.probation_edit.setToolTip(self.probation_label.toolTip())
        probation_row = QWidget()
        probation_layout = QHBoxLayout(probation_row)
        probation_layout.setContentsMargins(0, 0, 0, 0)
        probation_layout.addWidget(self.probationary_check)
        probation_layout.addSpacing(12)
        probation_layout.addWidget(self.probation_label)
        probation_layout.addWidget(self.probation_edit)
        probation_layout.addStretch(1)
        self.probation_row = probation_row
        self.representative_check = QCheckBox(_("村民代表"))
        self.note_edit = QLineEdit()
        self.status_combo = QComboBox()
        for code, label in ((None, _("在册")), ("moved", _("已迁出")), ("died", _("已故"))):
            self.status_combo.addItem(label, code)

        self._errors: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setVerticalSpacing(8)
        form.setHorizontalSpacing(12)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.birth_hint = QLabel()
        self.birth_hint.setObjectName("hint")
        self.birth_hint.setStyleSheet(HINT_STYLE)
        self.birth_hint.hide()
        rows: list[tuple[str, QWidget, str | None]] = [
            (_("姓名"), self.name_edit, "name"),
            (_("身份证号"), self.id_edit, "id_number"),
            (_("性别"), self.sex_combo, "sex"),
            (_("出生日期"), self.birth_edit, "birth_date"),
            (_("联系电话"), self.phone_edit, "phone"),
            (_("村民小组"), self.group_combo, "group"),
            (_("与户主关系"), self.relation_combo, None),
            ("", self.party_check, None),
            ("", self.probation_row, "probationary"),
            ("", self.representative_check, None),
            (_("备注"), self.note_edit, None),
            (_("状态"), self.status_combo, "status"),
        ]
        for label, widget, field in rows:
            form.addRow(label, self._with_error(widget, field))
        self._errors["household"] = self._errors["group"]
        self._errors["probation_since"] = self._errors["probationary"]

        self.general_error = self._error_label()
        self._errors[_GENERAL] = self.general_error
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("保存"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(_("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        self.save_button.setDefault(True)
        self.save_button.setAutoDefault(True)
        self.cancel_button.setAutoDefault(False)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)

        self.probationary_check.toggled.connect(self._probation_changed)
        self.party_check.toggled.connect(self._probation_changed)
        self.id_edit.textChanged.connect(self._id_typed)
        self.id_edit.editingFinished.connect(self._id_finished)
        if resident is not None:
            self._fill(resident)
        elif default_group_id is not None:
            self._select_group(default_group_id)
        self.name_edit.setFocus()
        self._as_opened = self.value()  # what closing the program compares with (ui.unsaved)
        # a red line about a field goes once that field is changed (it is checked again on saving)
        for signal, field in ((self.name_edit.textChanged, "name"), (self.phone_edit.textChanged, "phone"),
                              (self.sex_combo.currentIndexChanged, "sex"), (self.birth_edit.dateChanged, "birth_date"),
                              (self.group_combo.currentIndexChanged, "group"),
                              (self.status_combo.currentIndexChanged, "status")):
            signal.connect(lambda *_a, field=field: self.show_error(field, ""))

    # ------------------------------------------------------------ building

    def _error_label(self) -> QLabel:
        label = QLabel()
        label.setObjectName("error")
        label.setStyleSheet(ERROR_STYLE)
        label.setWordWrap(True)
        label.hide()
        return label

    def _with_error(self, widget: QWidget, field: str | None) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        if field == "birth_date":
            layout.addWidget(self.birth_hint)
        if field is not None:
            label = self._error_label()
            self._errors[field] = label
            layout.addWidget(label)
        return box

    def _fill(self, r: ResidentRow) -> None:
        self.name_edit.setText(r.name)
        self._set_sex(r.sex)
        if r.birth_date:
            self.birth_edit.setDate(QDate(r.birth_date.year, r.birth_date.month, r.birth_date.day))
        self.id_edit.setText(r.id_number or "")
        self.phone_edit.setText(r.phone)
        self._select_group(r.group_id)
        self.relation_combo.setCurrentText(r.relation)
        self.party_check.setChecked(r.party_member)
        self.probationary_check.setChecked(r.probationary)
        if r.probation_since:
            d = r.probation_since
            self.probation_edit.setDate(QDate(d.year, d.month, d.day))
        self.representative_check.setChecked(r.representative)
        self.note_edit.setText(r.note)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(r.status)))
        self._id_finished()

    def _probation_changed(self, _checked: bool = False) -> None:
        """The date belongs to a probationary member only; both boxes ticked is said at once, plainly."""
        probationary = self.probationary_check.isChecked()
        self.probation_edit.setEnabled(probationary)
        if probationary and self.party_check.isChecked():
            self.show_error("probationary", _("“党员”和“预备党员”只能选一个:预备党员还不是正式党员,没有表决权。"
                                              "转正以后改选“党员”。"))
        else:
            self.show_error("probationary", "")

    def _select_group(self, group_id: int | None) -> None:
        i = self.group_combo.findData(group_id)
        self.group_combo.setCurrentIndex(max(i, 0))

    def _set_sex(self, sex: str) -> None:
        self.sex_combo.setCurrentIndex(max(self.sex_combo.findData(sex), 0))

    # ------------------------------------------------------------ ID number → sex and birth date

    def _id_typed(self, text: str) -> None:
        compact = "".join(text.split())
        if len(compact) >= 18:
            self._derive(show_error=True)
        else:
            # still typing: say nothing yet, and give the fields back if an earlier number had locked them
            self.show_error("id_number", "")
            self._set_derived(False)

    def _id_finished(self) -> None:
        if self.id_edit.text().strip():
            self._derive(show_error=True)
        else:
            self.show_error("id_number", "")
            self._set_derived(False)

    def _derive(self, *, show_error: bool) -> None:
        try:
            number = validate_id(self.id_edit.text())
        except IdNumberError as exc:
            if show_error:
                self.show_error("id_number", str(exc))
            self._set_derived(False)
            return
        self.show_error("id_number", "")
        self.show_error("sex", "")
        self.show_error("birth_date", "")
        self._set_sex(sex_from_id(number))
        birth = birth_date_from_id(number)
        self.birth_edit.setDate(QDate(birth.year, birth.month, birth.day))
        self._set_derived(True)

    def _set_derived(self, derived: bool) -> None:
        self._derived = derived
        self.sex_combo.setEnabled(not derived)
        self.birth_edit.setEnabled(not derived)
        self.birth_hint.setText(_("性别和出生日期已按身份证号自动填写") if derived else "")
        self.birth_hint.setVisible(derived)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and watched is self.birth_edit.calendarWidget():
            if self.birth_edit.date() == NO_DATE:
                start = QDate.currentDate().addYears(-CALENDAR_START_YEARS_AGO)
                watched.setCurrentPage(start.year(), start.month())  # type: ignore[attr-defined]
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ values and errors

    def value(self) -> ResidentInput:
        """What the clerk typed, as the service takes it; the service does the checking."""
        date = self.birth_edit.date()
        birth = None if date == NO_DATE else dt.date(date.year(), date.month(), date.day())
        existing = self._resident
        return ResidentInput(
            name=self.name_edit.text(),
            sex=self.sex_combo.currentData() or "",
            birth_date=birth,
            id_number=self.id_edit.text().strip() or None,
            phone=self.phone_edit.text(),
            group_id=self.group_combo.currentData(),
            household_id=existing.household_id if existing else None,
            relation=self.relation_combo.currentText(),
            party_member=self.party_check.isChecked(),
            representative=self.representative_check.isChecked(),
            note=self.note_edit.text(),
            status=self.status_combo.currentData(),
            probationary=self.probationary_check.isChecked(),
            probation_since=self._probation_since(),
        )

    def _probation_since(self) -> dt.date | None:
        date = self.probation_edit.date()
        if not self.probationary_check.isChecked() or date == NO_DATE:
            return None
        return dt.date(date.year(), date.month(), date.day())

    def show_error(self, field: str, message: str) -> None:
        label = self._errors.get(field, self.general_error)
        label.setText(message)
        label.setVisible(bool(message))
        if message:
            grow_to_fit(label)  # a long explanation (a wrong ID number's) is shown whole, never cut off

    def error_label(self, field: str) -> QLabel:
        """The red label under ``field``'s input."""
        return self._errors.get(field, self.general_error)

    def error_text(self, field: str) -> str:
        """The red message under ``field`` ('' when there is none)."""
        label = self._errors.get(field, self.general_error)
        return label.text() if label.isVisibleTo(self) else ""

    def clear_errors(self) -> None:
        for label in set(self._errors.values()):
            label.clear()
            label.hide()

    def _widget_for(self, field: str) -> QWidget | None:
        return {
            "name": self.name_edit, "id_number": self.id_edit, "sex": self.sex_combo,
            "birth_date": self.birth_edit, "phone": self.phone_edit, "group": self.group_combo,
            "household": self.group_combo, "probationary": self.probationary_check,
            "probation_since": self.probation_edit,
        }.get(field)

    # ------------------------------------------------------------ saving

    def reject(self) -> None:
        if self._saving:
            return  # a save is under way and takes a moment: closing now would hide its answer
        super().reject()

    def unsaved_changes(self) -> str:
        """What closing the program would lose, for its question; "" when nothing."""
        if not self.isVisible() or self.result_row is not None or self.value() == self._as_opened:
            return ""
        name = self.name_edit.text().strip() or (self._resident.name if self._resident else "")
        if self._resident is not None:
            return _("村民信息:“{name}”的修改").format(name=name)
        return _("村民信息:新增的“{name}”").format(name=name) if name else _("村民信息:新增的村民")

    def save_changes(self) -> WriteOp | None:
        """保存 in the closing question: the same as the dialog's 保存."""
        return self.save()

    def save(self) -> WriteOp | None:
        if self._saving:
            return None
        self._saving = True
        self.clear_errors()
        data = self.value()
        resident_id = self._resident.id if self._resident else None
        store, actor = self._store, self._actor

        def work(s: Session, _ctx: object) -> ResidentRow:
            if resident_id is None:
                return add_resident(s, data)
            return update_resident(s, resident_id, data)

        return WriteOp(store, actor, work, changes={RESIDENTS}, initiator=self).success(self._saved) \
            .failure(self._failed).disabling(self.save_button).run()

    def _saved(self, row: ResidentRow) -> None:
        self.result_row = row
        self.saved.emit(row)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._saving = False
        if isinstance(exc, FieldError):
            self.show_error(exc.field, exc.message)
            widget = self._widget_for(exc.field)
            if widget is not None and widget.isEnabled():
                widget.setFocus()
            return
        from ui.errors import show_error

        show_error(self, exc)
