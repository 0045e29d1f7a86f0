"""The tables of a notice, edited like a small spreadsheet: the first row is the header.

A clerk who knows Excel types the column names in the top row and the data below;
rows and columns are added and removed with buttons, and a table already kept in
Excel or WPS comes in with 从 Excel 导入表格 (app/disclosure/tables_io.py). A
notice may have several tables (名单, 资金明细); the chooser above the grid says
which one is shown. Amount and count columns are recognised when the table is
taken, so the printout right-aligns them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QHBoxLayout, QInputDialog, QLabel,
                               QLineEdit, QPushButton, QTableView, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.disclosure.tables_io import MAX_COLUMNS, guess_numeric
from app.disclosure.view import NoticeTable
from app.i18n import _
from ui.style import PANEL, message_label, show_message
from ui.tasks import Task
from ui import filedialogs, widgets
from ui.widgets import AnyIndex

NEW_COLUMNS = 3
NEW_ROWS = 3


class GridModel(QAbstractTableModel):
    """One table as a grid: row 0 the header, then the data rows, then the 合计 row if there is one."""

    edited = Signal()

    def __init__(self, table: NoticeTable | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self.title = ""
        self.header: list[str] = []
        self.rows: list[list[str]] = []
        self.total: list[str] | None = None
        self.read_only = False
        self._numeric: frozenset[int] | None = None
        self.edited.connect(self._forget_numeric)
        if table is not None:
            self.set_table(table)

    def _forget_numeric(self) -> None:
        self._numeric = None

    def numeric(self) -> frozenset[int]:
        """Columns of amounts or counts, right-aligned here as on paper (worked out once per edit)."""
        if self._numeric is None:
            self._numeric = guess_numeric(self.rows, len(self.header))
        return self._numeric

    def set_table(self, table: NoticeTable) -> None:
        self._numeric = None
        self.beginResetModel()
        self.title = table.title
        self.header = [str(c) for c in table.columns]
        width = len(self.header)
        self.rows = [[("" if c is None else str(c)) for c in r][:width] + [""] * (width - len(r)) for r in table.rows]
        self.total = ([str(c) for c in table.total] + [""] * width)[:width] if table.total else None
        self.endResetModel()

    def to_table(self) -> NoticeTable:
        width = len(self.header)
        rows = [list(r) for r in self.rows if any(c.strip() for c in r)]
        return NoticeTable(title=self.title.strip(), columns=[c.strip() for c in self.header], rows=rows,
                           numeric=guess_numeric(rows, width),
                           total=list(self.total) if self.total and any(c.strip() for c in self.total) else None)

    def is_empty(self) -> bool:
        return not any(c.strip() for c in self.header) and not any(any(c.strip() for c in r) for r in self.rows)

    # ------------------------------------------------------------ shape

    def _grid(self) -> list[list[str]]:
        grid = [self.header, *self.rows]
        if self.total is not None:
            grid.append(self.total)
        return grid

    def data_row(self, grid_row: int) -> int | None:
        """The index into ``rows`` of a grid row, or None for the header and the total."""
        r = grid_row - 1
        return r if 0 <= r < len(self.rows) else None

    def insert_rows(self, at: int, count: int = 1) -> None:
        at = max(0, min(at, len(self.rows)))
        self.beginInsertRows(QModelIndex(), at + 1, at + count)
        for _i in range(count):
            self.rows.insert(at, [""] * len(self.header))
        self.endInsertRows()
        self.edited.emit()

    def remove_rows(self, data_rows: list[int]) -> None:
        for r in sorted(set(data_rows), reverse=True):
            if 0 <= r < len(self.rows):
                self.beginRemoveRows(QModelIndex(), r + 1, r + 1)
                del self.rows[r]
                self.endRemoveRows()
        self.edited.emit()

    def insert_column(self, at: int) -> bool:
        if len(self.header) >= MAX_COLUMNS:
            return False
        at = max(0, min(at, len(self.header)))
        self.beginInsertColumns(QModelIndex(), at, at)
        for row in self._grid():
            row.insert(at, "")
        self.endInsertColumns()
        self.edited.emit()
        return True

    def remove_column(self, column: int) -> None:
        if 0 <= column < len(self.header):
            self.beginRemoveColumns(QModelIndex(), column, column)
            for row in self._grid():
                del row[column]
            self.endRemoveColumns()
            self.edited.emit()

    def remove_total(self) -> None:
        if self.total is not None:
            row = len(self.rows) + 1
            self.beginRemoveRows(QModelIndex(), row, row)
            self.total = None
            self.endRemoveRows()
            self.edited.emit()

    # ------------------------------------------------------------ Qt model

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008 - Qt's name
        return 0 if parent.isValid() else len(self._grid())

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008
        return 0 if parent.isValid() else len(self.header)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        grid = self._grid()
        r, c = index.row(), index.column()
        if r >= len(grid) or c >= len(grid[r]):
            return None
        special = r == 0 or (self.total is not None and r == len(grid) - 1)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return grid[r][c]
        if role == Qt.ItemDataRole.FontRole and special:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and special:
            return QColor(PANEL)
        if role == Qt.ItemDataRole.TextAlignmentRole and r > 0 and c in self.numeric():
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and r == 0:
            return _("表头:这一行填列名,例如 姓名、村民小组、金额(元)")
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or self.read_only:
            return False
        grid = self._grid()
        text = "" if value is None else " ".join(str(value).split())
        if grid[index.row()][index.column()] == text:
            return False
        grid[index.row()][index.column()] = text
        self.dataChanged.emit(index, index, [role])
        self.edited.emit()
        return True

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and not self.read_only:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _("第{n}列").format(n=section + 1)
        if section == 0:
            return _("表头")
        if self.total is not None and section == len(self.rows) + 1:
            return _("合计")
        return str(section)


def _blank_table() -> NoticeTable:
    columns = [_("序号"), _("姓名"), _("金额(元)")][:NEW_COLUMNS]
    return NoticeTable(title="", columns=columns, rows=[[""] * len(columns) for _i in range(NEW_ROWS)])


class TablesEditor(QWidget):
    """Every table of a notice. ``changed`` after any edit; ``tables()`` gives what would be saved."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.models: list[GridModel] = []
        self.read_only = False
        self.chooser = QComboBox()
        self.chooser.setMinimumContentsLength(14)
        self.add_table_button = QPushButton(_("新建表格"))
        self.remove_table_button = QPushButton(_("删除这个表格"))
        self.import_button = QPushButton(_("从 Excel 导入表格…"))
        self.import_button.setToolTip(_("把 Excel 或 WPS 表格里的名单、明细导入成公开表格;第一行当表头"))
        self.title_edit = QLineEdit()
        self.title_edit.setPlaceholderText(_("表格标题,例如:拟纳入低保对象名单(可不填)"))
        self.view = QTableView()
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.view.setMinimumHeight(self.fontMetrics().height() * 8)
        self.add_row_button = QPushButton(_("加一行"))
        self.remove_row_button = QPushButton(_("删除选中的行"))
        self.add_column_button = QPushButton(_("加一列"))
        self.remove_column_button = QPushButton(_("删除选中的列"))
        self.empty_label = QLabel(_("没有表格。名单、金额明细请点“新建表格”或“从 Excel 导入表格…”。"))
        self.empty_label.setObjectName("hint")
        self.empty_label.setWordWrap(True)
        self.message = message_label("hint")

        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.add_table_button)
        top.addWidget(self.import_button)
        top.addWidget(self.remove_table_button)
        edits = QHBoxLayout()
        for b in (self.add_row_button, self.remove_row_button, self.add_column_button, self.remove_column_button):
            edits.addWidget(b)
        edits.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.title_edit)
        layout.addWidget(self.view, 1)
        layout.addLayout(edits)
        layout.addWidget(self.message)

        self.chooser.currentIndexChanged.connect(self._show_current)
        self.add_table_button.clicked.connect(self.add_table)
        self.remove_table_button.clicked.connect(self.remove_table)
        self.import_button.clicked.connect(self.import_excel)
        self.title_edit.textEdited.connect(self._title_edited)
        self.add_row_button.clicked.connect(self.add_row)
        self.remove_row_button.clicked.connect(self.remove_selected_rows)
        self.add_column_button.clicked.connect(self.add_column)
        self.remove_column_button.clicked.connect(self.remove_selected_column)
        self._show_current()

    # ------------------------------------------------------------ contents

    def tables(self) -> list[NoticeTable]:
        return [m.to_table() for m in self.models if not m.is_empty()]

    def set_tables(self, tables: list[NoticeTable]) -> None:
        self.models = []
        for t in tables:
            self._adopt(GridModel(t, self))
        self._refill_chooser(0)

    def set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        for m in self.models:
            m.read_only = read_only
        self.title_edit.setReadOnly(read_only)
        for b in (self.add_table_button, self.remove_table_button, self.import_button, self.add_row_button,
                  self.remove_row_button, self.add_column_button, self.remove_column_button):
            b.setVisible(not read_only)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers if read_only
                                  else QAbstractItemView.EditTrigger.AllEditTriggers)
        self._show_current()
        if read_only:
            self.empty_label.setText(_("没有表格。"))
        else:
            self.empty_label.setText(_("没有表格。名单、金额明细请点“新建表格”或“从 Excel 导入表格…”。"))

    def current(self) -> GridModel | None:
        i = self.chooser.currentIndex()
        return self.models[i] if 0 <= i < len(self.models) else None

    def _adopt(self, model: GridModel) -> None:
        model.read_only = self.read_only
        model.edited.connect(self._edited)
        self.models.append(model)

    def _label(self, i: int, m: GridModel) -> str:
        return _("表格 {n}:{title}").format(n=i + 1, title=m.title or _("(无标题)"))

    def _refill_chooser(self, select: int) -> None:
        self.chooser.blockSignals(True)
        self.chooser.clear()
        for i, m in enumerate(self.models):
            self.chooser.addItem(self._label(i, m))
        self.chooser.setCurrentIndex(min(select, len(self.models) - 1))
        self.chooser.blockSignals(False)
        self._show_current()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        # the hint under 新建表格 wraps: keep the lines it needs at this width (大字模式 needs more)
        super().resizeEvent(event)
        need = self.empty_label.heightForWidth(event.size().width())
        if need > 0 and need != self.empty_label.minimumHeight():
            self.empty_label.setMinimumHeight(need)

    def _show_current(self) -> None:
        m = self.current()
        has = m is not None
        self.view.setModel(m)
        self.title_edit.setText(m.title if m else "")
        for w in (self.view, self.title_edit):
            w.setVisible(has)
        self.chooser.setVisible(has)
        self.empty_label.setVisible(not has)
        editing = has and not self.read_only
        for b in (self.remove_table_button, self.add_row_button, self.remove_row_button, self.add_column_button,
                  self.remove_column_button):
            b.setVisible(editing)
        if m is not None:
            header = self.view.horizontalHeader()
            header.setStretchLastSection(True)
            metrics = self.view.fontMetrics()
            self.view.verticalHeader().setDefaultSectionSize(int(metrics.height() * 1.8))
            for c in range(m.columnCount()):
                self.view.setColumnWidth(c, metrics.horizontalAdvance("村民小组名称") + 24)

    def _edited(self) -> None:
        self.changed.emit()

    def _title_edited(self, text: str) -> None:
        m = self.current()
        if m is not None:
            m.title = text
            self.chooser.setItemText(self.chooser.currentIndex(), self._label(self.chooser.currentIndex(), m))
            self.changed.emit()

    # ------------------------------------------------------------ buttons

    def add_table(self, table: NoticeTable | None = None) -> GridModel:
        model = GridModel(table if isinstance(table, NoticeTable) else _blank_table(), self)
        self._adopt(model)
        self._refill_chooser(len(self.models) - 1)
        self.changed.emit()
        return model

    def remove_table(self) -> None:
        m = self.current()
        if m is None:
            return
        if not m.is_empty() and not widgets.confirm(self, _("删除表格"), _("确定要删除“{name}”吗?表格里的内容会一起删掉。").format(
                name=self._label(self.chooser.currentIndex(), m)), _("删除表格"), _("不删除")):
            return
        i = self.chooser.currentIndex()
        del self.models[i]
        self._refill_chooser(max(i - 1, 0))
        self.changed.emit()

    def add_row(self) -> None:
        m = self.current()
        if m is None:
            return
        index = self.view.currentIndex()
        r = m.data_row(index.row()) if index.isValid() else None
        at = len(m.rows) if r is None else r + 1
        m.insert_rows(at)
        self.view.setCurrentIndex(m.index(at + 1, 0))

    def remove_selected_rows(self) -> None:
        m = self.current()
        if m is None:
            return
        selected = {i.row() for i in self.view.selectionModel().selectedIndexes()}
        if self.view.currentIndex().isValid():
            selected.add(self.view.currentIndex().row())
        if 0 in selected:
            show_message(self.message, _("表头这一行不能删除;不要这个表格请点“删除这个表格”。"), "error")
        if m.total is not None and len(m.rows) + 1 in selected:
            m.remove_total()
        rows = [r for r in (m.data_row(g) for g in selected) if r is not None]
        if rows:
            show_message(self.message, "")
            m.remove_rows(rows)

    def add_column(self) -> None:
        m = self.current()
        if m is None:
            return
        index = self.view.currentIndex()
        at = index.column() + 1 if index.isValid() else len(m.header)
        if not m.insert_column(at):
            show_message(self.message, _("最多 {n} 列,再多公开栏上就看不清了。").format(n=MAX_COLUMNS), "error")
            return
        show_message(self.message, "")
        self.view.setCurrentIndex(m.index(0, at))

    def remove_selected_column(self) -> None:
        m = self.current()
        index = self.view.currentIndex()
        if m is None or not index.isValid():
            show_message(self.message, _("请先点一下要删除的那一列里的格子。"), "error")
            return
        name = m.header[index.column()] or _("第{n}列").format(n=index.column() + 1)
        if not widgets.confirm(self, _("删除列"), _("确定要删除“{name}”这一列吗?").format(name=name), _("删除这一列"), _("不删除")):
            return
        show_message(self.message, "")
        m.remove_column(index.column())

    # ------------------------------------------------------------ from a spreadsheet

    def choose_file(self) -> Path | None:
        """The seam a test replaces."""
        chosen, _filter = filedialogs.open_file_name(self, filedialogs.NOTICE_TABLE, _("选择 Excel 表格"),
                                                     _("表格文件 (*.xlsx *.xls *.csv)"))
        return Path(chosen) if chosen else None

    def choose_sheet(self, names: list[str]) -> str | None:
        name, ok = QInputDialog.getItem(self, _("选择工作表"), _("这个文件有几张工作表,要导入哪一张?"), names, 0, False)
        return name if ok else None

    def import_excel(self) -> Task | None:
        path = self.choose_file()
        if path is None:
            return None
        from app.disclosure.tables_io import read_table, sheet_names

        def read(_ctx: Any) -> tuple[list[str], NoticeTable | None]:
            names = sheet_names(path)
            if len(names) > 1:
                return names, None
            return names, read_table(path)

        def got(result: tuple[list[str], NoticeTable | None]) -> None:
            if not isValid(self):
                return
            names, table = result
            if table is not None:
                self._imported(path, table)
                return
            sheet = self.choose_sheet(names)
            if sheet is not None:
                Task(lambda _ctx: read_table(path, sheet), write=False).success(lambda t: self._imported(path, t)) \
                    .failure(self._failed).with_progress(self, _("正在读取表格……")).run()

        return Task(read, write=False).success(got).failure(self._failed).disabling(self.import_button) \
            .with_progress(self, _("正在读取表格……")).run()

    def _imported(self, path: Path, table: NoticeTable) -> None:
        if not isValid(self):
            return
        if not table.title:
            table = NoticeTable(path.stem, table.columns, table.rows, table.numeric, table.total)
        self.add_table(table)
        show_message(self.message, _("已从“{name}”导入 {rows} 行、{cols} 列。请核对,不该公开的列(身份证号、电话)请删掉;"
                                     "打印时身份证号、电话也会自动遮盖。").format(
            name=path.name, rows=len(table.rows), cols=len(table.columns)), "ok")

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            from ui.errors import message_for

            show_message(self.message, message_for(exc), "error")
