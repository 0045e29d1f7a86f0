"""The village register: search, filter, add, edit, delete, import and export residents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.config import load_settings
from app.i18n import _
from app.people.export import export_roster
from app.people.service import (GroupInfo, ResidentQuery, ResidentRow, VillageInfo, delete_resident, get_village,
                                list_groups)
from app.storage import Store
from ui import filedialogs
from ui.operations import RESIDENTS, VILLAGE, ReadOp, WriteOp, made_here, read_now
from ui.people.import_wizard import ImportWizard
from ui.people.resident_dialog import ResidentDialog
from ui.people.residents_model import Columns, ResidentsTableModel
from ui.tasks import Task
from ui.widgets import record_table, search_timer, select_row, size_columns

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

MASK_IDS_SETTING = "mask_ids"
# widest text each column usually holds; measured with the window's font so larger type widens the table
_SAMPLE = {
    Columns.NAME: "欧阳小明明", Columns.SEX: "性别", Columns.BIRTH_DATE: "2000-00-00", Columns.AGE: "年龄",
    Columns.ID_NUMBER: "370102199001011234", Columns.PHONE: "0531-88886666", Columns.GROUP: "第十二村民小组",
    Columns.RELATION: "与户主关系", Columns.PARTY_MEMBER: "党员", Columns.REPRESENTATIVE: "村民代表",
}


class ResidentsScreen(QWidget):
    """``ResidentsScreen(store, parent=None)``; :meth:`refresh` reads everything again.

    ``actor`` names who is at the keyboard in the event log; the main window sets it after login.
    """

    def __init__(self, store: Store, parent: QWidget | None = None, *, actor: str = "系统") -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self._groups: list[GroupInfo] = []

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("查找:输入姓名、身份证号或电话号码的一部分"))
        self.search_edit.setClearButtonEnabled(True)
        self.search_edit.setMinimumWidth(360)
        self.group_combo = QComboBox()
        self.group_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.adults_check = QCheckBox(_("仅成年人"))
        self.party_check = QCheckBox(_("仅党员"))
        self.representatives_check = QCheckBox(_("仅村民代表"))
        self.count_label = QLabel()
        self.count_label.setObjectName("heading")

        self.add_button = QPushButton(_("新增村民"))
        self.add_button.setToolTip(_("新增一位村民(Ctrl+N)"))
        self.edit_button = QPushButton(_("修改"))
        self.edit_button.setToolTip(_("修改选中的村民(回车或双击)"))
        self.delete_button = QPushButton(_("删除"))
        self.delete_button.setToolTip(_("删除选中的村民(Delete 键)"))
        self.import_button = QPushButton(_("从Excel导入…"))
        self.export_button = QPushButton(_("导出Excel…"))

        settings = load_settings(store.data_dir)
        self.model = ResidentsTableModel(store, mask_ids=bool(settings.get(MASK_IDS_SETTING, False)), parent=self)
        self.table = record_table(self.model)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.installEventFilter(self)

        self.empty_page = self._build_empty_page()
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_page)

        self.filters = QWidget()
        filters = QHBoxLayout(self.filters)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(self.search_edit, 2)
        filters.addWidget(self.group_combo)
        filters.addWidget(self.adults_check)
        filters.addWidget(self.party_check)
        filters.addWidget(self.representatives_check)
        filters.addStretch(1)

        self.actions = QWidget()
        actions = QHBoxLayout(self.actions)
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.count_label)
        actions.addStretch(1)
        for button in (self.add_button, self.edit_button, self.delete_button, self.import_button,
                       self.export_button):
            actions.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.filters)
        layout.addWidget(self.actions)
        layout.addWidget(self.stack, 1)

        self._search_timer = search_timer(self, self.apply_filters)
        self.search_edit.textChanged.connect(self._search_timer.start)
        # Enter in the search box searches at once instead of waiting for the pause
        self.search_edit.returnPressed.connect(self.apply_filters)
        self.group_combo.currentIndexChanged.connect(self.apply_filters)
        for check in (self.adults_check, self.party_check, self.representatives_check):
            check.toggled.connect(self.apply_filters)

        self.add_button.clicked.connect(self.add_resident)
        self.edit_button.clicked.connect(self.edit_selected)
        self.delete_button.clicked.connect(self.delete_selected)
        self.import_button.clicked.connect(self.open_import_wizard)
        self.export_button.clicked.connect(self.export_excel)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        self.model.totalChanged.connect(self._show_count)
        self.model.modelReset.connect(self._update_buttons)
        self.model.loadFailed.connect(self._failed)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        shortcut = QShortcut(QKeySequence.StandardKey.New, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.add_resident)

        self._size_table()
        self._load_groups()
        self._show_count(self.model.total)
        self._update_empty_state()
        self._update_buttons()

    # ------------------------------------------------------------ building

    def _build_empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        title = QLabel(_("花名册里还没有村民"))
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        text = QLabel(_("如果村里已有 Excel 花名册,可以一次导入全村;也可以点“新增村民”逐个登记。"))
        text.setWordWrap(True)
        self.empty_import_button = QPushButton(_("从Excel导入花名册…"))
        self.empty_add_button = QPushButton(_("新增村民"))
        self.empty_import_button.clicked.connect(self.open_import_wizard)
        self.empty_add_button.clicked.connect(self.add_resident)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.empty_import_button)
        buttons.addWidget(self.empty_add_button)
        buttons.addStretch(1)
        for label in (title, text):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            layout.addWidget(label)
        layout.addSpacing(16)
        layout.addLayout(buttons)
        layout.addStretch(2)
        return page

    def _size_table(self) -> None:
        size_columns(self.table, _SAMPLE)

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Read groups and residents again (after an import, or when the screen is shown)."""
        settings = load_settings(self.store.data_dir)
        self.model.set_mask_ids(bool(settings.get(MASK_IDS_SETTING, False)))
        selected = self.selected_resident()
        self._load_groups()
        self.model.refresh()
        self._update_empty_state()
        if selected is not None:
            self.select_resident(selected.id)

    def on_store_changed(self, kinds: frozenset[str], initiator: object = None) -> None:
        """Residents or groups changed elsewhere (not from this screen or its dialogs, which show their
        own changes): read them again if this screen is shown; showing it reads them anyway."""
        if kinds & {RESIDENTS, VILLAGE} and not self.isHidden() and not made_here(self, initiator):
            self.refresh()

    def _load_groups(self) -> None:
        # on the GUI thread, like the table's pages: the filter must list the groups before the table
        # is read (measured: docs/architecture.md, "Screens and the store")
        self._groups = read_now(self.store, list_groups)
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        self.group_combo.addItem(_("全部小组"), None)
        for g in self._groups:
            self.group_combo.addItem(g.name, g.id)
        index = self.group_combo.findData(current) if current is not None else 0
        self.group_combo.setCurrentIndex(max(index, 0))
        self.group_combo.blockSignals(False)
        if current is not None and index < 0:
            # the group chosen before no longer exists: show everyone rather than nobody
            self.apply_filters()

    def query(self) -> ResidentQuery:
        return ResidentQuery(
            text=self.search_edit.text().strip(),
            group_id=self.group_combo.currentData(),
            adults_only=self.adults_check.isChecked(),
            party_members_only=self.party_check.isChecked(),
            representatives_only=self.representatives_check.isChecked(),
        )

    def apply_filters(self) -> None:
        self._search_timer.stop()
        self.model.set_query(self.query())
        self._update_empty_state()

    def _filtered(self) -> bool:
        return self.query() != ResidentQuery()

    def _update_empty_state(self) -> None:
        # an unfiltered first page with nobody on it is an empty register
        register_empty = not self._filtered() and self.model.rowCount() == 0
        self.stack.setCurrentWidget(self.empty_page if register_empty else self.table)
        # the empty page carries its own two buttons; nothing else applies to an empty register
        self.filters.setVisible(not register_empty)
        self.actions.setVisible(not register_empty)

    def _show_count(self, total: int) -> None:
        if self._filtered():
            self.count_label.setText(_("找到 {n} 人").format(n=total))
        else:
            self.count_label.setText(_("共 {n} 人").format(n=total))

    def _failed(self, exc: BaseException) -> None:
        from ui.errors import show_error

        show_error(self, exc)

    # ------------------------------------------------------------ selection

    def selected_resident(self) -> ResidentRow | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row_at(rows[0].row())

    def select_resident(self, resident_id: int) -> bool:
        row = self.model.row_of(resident_id)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def _update_buttons(self) -> None:
        has = self.selected_resident() is not None
        self.edit_button.setEnabled(has)
        self.delete_button.setEnabled(has)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.edit_selected()
                return True
            if key == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)

    # ------------------------------------------------------------ actions

    def add_resident(self) -> ResidentDialog:
        dialog = ResidentDialog(self.store, groups=self._groups, default_group_id=self.group_combo.currentData(),
                                actor=self.actor, parent=self)
        dialog.saved.connect(self._added)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _added(self, row: ResidentRow) -> None:
        self._load_groups()
        self.model.refresh()
        self._update_empty_state()
        if not self.select_resident(row.id):
            # the new person is outside the current search: clear it so the clerk sees them
            self.search_edit.blockSignals(True)
            self.search_edit.clear()
            self.search_edit.blockSignals(False)
            self.apply_filters()
            while self.model.row_of(row.id) is None and self.model.canFetchMore():
                self.model.fetchMore()
            self.select_resident(row.id)

    def edit_selected(self) -> ResidentDialog | None:
        resident = self.selected_resident()
        if resident is None:
            return None
        dialog = ResidentDialog(self.store, resident, groups=self._groups, actor=self.actor, parent=self)
        dialog.saved.connect(self._edited)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _edited(self, row: ResidentRow) -> None:
        self.model.replace_row(row)
        self._load_groups()

    def delete_selected(self) -> None:
        resident = self.selected_resident()
        if resident is None:
            return
        details = [resident.name]
        if resident.group_name:
            details.append(resident.group_name)
        if resident.birth_date:
            details.append(_("{year}年生").format(year=resident.birth_date.year))
        answer = QMessageBox.question(
            self, _("删除村民"),
            _("确定要从花名册中删除“{who}”吗?\n删除后会记入操作日志,不能撤销。").format(who=",".join(details)),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        store, actor, resident_id = self.store, self.actor, resident.id

        def work(s: Session, _ctx: object) -> int:
            delete_resident(s, resident_id)
            return resident_id

        (WriteOp(store, actor, work, changes={RESIDENTS}, initiator=self).success(self._deleted).failure(self._failed)
         .disabling(self.delete_button).run())

    def _deleted(self, resident_id: int) -> None:
        self.model.remove_resident(resident_id)
        self._load_groups()
        self._update_empty_state()
        self._update_buttons()

    def open_import_wizard(self) -> ImportWizard:
        wizard = ImportWizard(self.store, actor=self.actor, parent=self)
        wizard.finished.connect(lambda _result: self._after_import(wizard))
        wizard.finished.connect(wizard.deleteLater)
        wizard.open()
        return wizard

    def _after_import(self, wizard: ImportWizard) -> None:
        if wizard.imported:
            self.refresh()

    def export_excel(self) -> Task:
        """Read the village's name (for the file's name), then ask where to save and export on a worker."""
        return (ReadOp(self.store, lambda s, _ctx: get_village(s)).success(self._export_to)
                .failure(self._failed).disabling(self.export_button).run())

    def _export_to(self, village: VillageInfo | None) -> None:
        if not isValid(self):
            return
        name = _("{village}花名册-{date}.xlsx").format(
            village=village.name if village else "", date=dt.date.today().strftime("%Y%m%d"))
        chosen, _filter = filedialogs.save_file_name(
            self, filedialogs.ROSTER, _("导出花名册"), name, _("Excel 表格 (*.xlsx)"))
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")
        store = self.store

        def work(s: Session, _ctx: object) -> int:
            return export_roster(s, path)

        def done(count: int) -> None:
            QMessageBox.information(self, _("导出完成"), _("已导出 {n} 人到:\n{path}").format(n=count, path=path))

        (ReadOp(store, work).success(done).failure(self._failed).with_progress(self, _("正在导出花名册…"))
         .disabling(self.export_button).run())
