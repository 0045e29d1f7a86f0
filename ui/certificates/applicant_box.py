"""Who asks for the certificate: a resident found in the register, or, where the kind allows it,
someone from outside the village typed in by name and ID number."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.certificates.service import Applicant
from app.i18n import _
from app.masking import mask_id
from app.people.service import ResidentRow
from app.storage import Store
from ui.certificates import actions

from ui.errors import message_for
from ui.operations import ReadOp
from ui.style import message_label, show_message
from ui.tasks import Task
from ui.widgets import hint, search_timer, selectable, with_message_below

VISIBLE_MATCHES = 5


def resident_text(r: ResidentRow) -> str:
    """One line a clerk can tell people apart by, without showing the whole ID number."""
    parts = [r.name]
    if r.sex:
        parts.append(r.sex)
    parts.append(mask_id(r.id_number) if r.id_number else _("(未登记身份证号)"))
    if r.group_name:
        parts.append(r.group_name)
    if r.status == "moved":
        parts.append(_("已迁出"))
    elif r.status == "died":
        parts.append(_("已故"))
    return "  ".join(parts)


class ApplicantBox(QWidget):
    """``resident`` (a ResidentRow) or the typed :class:`Applicant`; ``changed`` when either changes."""

    changed = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.resident: ResidentRow | None = None
        self._asked = 0  # the newest search sent; older answers are dropped
        self._matches: list[ResidentRow] = []

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("输入申请人的姓名或身份证号查找"))
        self.search_edit.setClearButtonEnabled(True)
        self.matches = QListWidget()
        self.matches.setObjectName("matches")
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.matches.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.matches.setVisible(False)
        self.search_hint = hint("")
        self.chosen_label = selectable(QLabel(_("还没有选择申请人")))
        self.chosen_label.setObjectName("lead")
        self.chosen_label.setWordWrap(True)

        self.outside_check = QCheckBox(_("申请人不在本村村民名册里(外来人员)"))
        self.outside_check.setVisible(False)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("姓名,与身份证上一致"))
        self.id_edit = QLineEdit()
        self.id_edit.setPlaceholderText(_("18位公民身份号码"))
        self.name_error = message_label("error")
        self.id_error = message_label("error")
        self.outside = QWidget()
        outside_form = QFormLayout(self.outside)
        outside_form.setContentsMargins(0, 0, 0, 0)
        outside_form.addRow(_("姓名"), with_message_below(self.name_edit, self.name_error))
        outside_form.addRow(_("身份证号"), with_message_below(self.id_edit, self.id_error))
        self.outside.setVisible(False)
        self.error = message_label("error")

        self.register_part = QWidget()
        register_layout = QVBoxLayout(self.register_part)
        register_layout.setContentsMargins(0, 0, 0, 0)
        register_layout.addWidget(self.search_edit)
        register_layout.addWidget(self.search_hint)
        register_layout.addWidget(self.matches)
        register_layout.addWidget(self.chosen_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.register_part)
        layout.addWidget(self.outside_check)
        layout.addWidget(self.outside)
        layout.addWidget(self.error)

        self._timer = search_timer(self, self.search)
        self.search_edit.textChanged.connect(self._timer.start)
        self.search_edit.returnPressed.connect(self._enter)
        self.matches.currentRowChanged.connect(self._picked)
        self.matches.itemActivated.connect(lambda _item: self.search_edit.setFocus())
        self.outside_check.toggled.connect(self._outside_toggled)
        self.name_edit.textChanged.connect(lambda _t: self.changed.emit())

    # ------------------------------------------------------------ the register

    def search(self) -> Task | None:
        self._timer.stop()
        text = self.search_edit.text().strip()
        self._asked += 1
        asked = self._asked
        if not text:
            self._show_matches([], asked)
            return None
        store = self.store
        return (ReadOp(store, lambda s, _ctx: actions.find_residents(s, text))
                .success(lambda rows: self._show_matches(rows, asked))
                .failure(lambda exc: self._search_failed(exc, asked)).run())

    def _search_failed(self, exc: BaseException, asked: int) -> None:
        if isValid(self) and asked == self._asked:

            show_message(self.error, message_for(exc), "error")

    def _show_matches(self, rows: list[ResidentRow], asked: int) -> None:
        if not isValid(self) or asked != self._asked:
            return
        self._matches = list(rows)
        self.matches.blockSignals(True)
        self.matches.clear()
        for r in rows:
            item = QListWidgetItem(resident_text(r))
            item.setData(Qt.ItemDataRole.UserRole, r.id)
            self.matches.addItem(item)
        self.matches.setCurrentRow(-1)
        self.matches.blockSignals(False)
        text = self.search_edit.text().strip()
        self.matches.setVisible(bool(rows))
        if rows:
            row_height = self.matches.sizeHintForRow(0)
            shown = min(len(rows), VISIBLE_MATCHES)
            self.matches.setFixedHeight(row_height * shown + 2 * self.matches.frameWidth() + 4)
        if text and not rows:
            self.search_hint.setText(_("村民名册里没有找到“{text}”。").format(text=text))
        elif len(rows) >= actions.RESIDENT_MATCHES:
            self.search_hint.setText(_("只列出前 {n} 位,请多输入几个字。").format(n=len(rows)))
        else:
            self.search_hint.setText(_("用上下键或鼠标选择申请人。") if rows else "")
        self.search_hint.setVisible(bool(self.search_hint.text()))
        if len(rows) == 1:
            self.matches.setCurrentRow(0)

    def _enter(self) -> None:
        if self._timer.isActive():
            self.search()
            return
        if self._matches and self.matches.currentRow() < 0:
            self.matches.setCurrentRow(0)
        self.focusNextChild()

    def _picked(self, row: int) -> None:
        self.resident = self._matches[row] if 0 <= row < len(self._matches) else None
        show_message(self.error, "")
        if self.resident is None:
            self.chosen_label.setText(_("还没有选择申请人"))
        else:
            self.chosen_label.setText(_("申请人:{who}").format(who=resident_text(self.resident)))
        self.changed.emit()

    def choose(self, resident: ResidentRow) -> None:
        """Pick a resident found elsewhere (and in tests)."""
        self._asked += 1
        self._show_matches([resident], self._asked)

    # ------------------------------------------------------------ someone from outside

    def allow_outside(self, allowed: bool) -> None:
        self.outside_check.setVisible(allowed)
        if not allowed:
            self.outside_check.setChecked(False)

    def _outside_toggled(self, on: bool) -> None:
        self.register_part.setVisible(not on)
        self.outside.setVisible(on)
        (self.name_edit if on else self.search_edit).setFocus()
        self.changed.emit()

    @property
    def from_outside(self) -> bool:
        return self.outside_check.isChecked()

    def request_parts(self) -> tuple[int | None, Applicant | None]:
        """(resident id, typed applicant) as IssueRequest takes them."""
        if self.from_outside:
            return None, Applicant(self.name_edit.text(), self.id_edit.text())
        return (self.resident.id if self.resident else None), None

    def applicant_name(self) -> str:
        if self.from_outside:
            return self.name_edit.text().strip()
        return self.resident.name if self.resident else ""

    # ------------------------------------------------------------ errors and reset

    def show_error(self, field: str, message: str) -> bool:
        if field == "name" and self.from_outside:
            show_message(self.name_error, message, "error")
            self.name_edit.setFocus()
        elif field == "id_number" and self.from_outside:
            show_message(self.id_error, message, "error")
            self.id_edit.setFocus()
        elif field in ("applicant", "name", "id_number", "sex"):
            show_message(self.error, message, "error")
            (self.name_edit if self.from_outside else self.search_edit).setFocus()
        else:
            return False
        return True

    def error_text(self) -> str:
        return "\n".join(label.text() for label in (self.error, self.name_error, self.id_error)
                         if label.isVisibleTo(self))

    def clear_errors(self) -> None:
        for label in (self.error, self.name_error, self.id_error):
            show_message(label, "")

    def clear(self) -> None:
        """Ready for the next person."""
        self.outside_check.setChecked(False)
        self.name_edit.clear()
        self.id_edit.clear()
        self.search_edit.clear()
        self.search()
        self.resident = None
        self.chosen_label.setText(_("还没有选择申请人"))
        self.clear_errors()
