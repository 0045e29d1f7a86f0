"""Import a whole roster from Excel: choose the file, check it, then import it.

The check is a dry run of the real import, so what it approves is what gets
written. The import is one transaction: Cancel raises Cancelled from the
progress callback, the transaction rolls back, and the register is exactly as
it was.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.i18n import _
from app.people.importer import PREVIEW_ROWS, ImportReport, import_roster, summary
from app.people.spreadsheet import RosterRow, RowError, write_roster
from app.storage import Store
from app.workbook import Sheet, write_csv, write_workbook
from ui import filedialogs
from ui.errors import message_for
from ui.operations import RESIDENTS, ReadOp, WriteOp
from ui.people.residents_model import sex_label
from ui.style import ERROR, OK
from ui.tasks import Cancelled, Task, TaskContext

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ROSTER_SUFFIXES = (".xlsx", ".xls", ".csv")
ERROR_STYLE = f"color: {ERROR}; font-weight: bold;"
OK_STYLE = f"color: {OK}; font-weight: bold;"

AnyIndex = QModelIndex | QPersistentModelIndex


# ---------------------------------------------------------------- the error list as a file


def error_list_headers() -> list[str]:
    return [_("行号"), _("列"), _("问题"), _("怎么改")]


def write_error_list(path: Path, errors: Sequence[RowError]) -> None:
    """Save the problems as .xlsx or .csv, for the clerk to work through beside the roster in Excel.

    Written by the program's one workbook writer (app.workbook): a column name or a value quoted in a reason that
    starts with = stays text, and a full USB stick gives the one plain message and leaves no half list.
    """
    path = Path(path)
    rows = [[e.row_number, e.column, e.reason, e.fix] for e in errors]
    if path.suffix.lower() == ".csv":
        # UTF-8 with a BOM: Excel on Chinese Windows reads a CSV without one as GBK and garbles it
        write_csv(path, error_list_headers(), rows)
    else:
        write_workbook(path, [Sheet(_("错误清单"), error_list_headers(), rows, widths=(8, 14, 60, 60),
                                    wrap_columns={2, 3})])


# ---------------------------------------------------------------- table models


class ErrorColumns(IntEnum):
    ROW = 0
    COLUMN = 1
    REASON = 2
    FIX = 3


class ErrorsModel(QAbstractTableModel):
    """One line per problem found in the sheet: 行号, 列, 问题, 怎么改."""

    def __init__(self, errors: Sequence[RowError] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._errors = list(errors)

    def set_errors(self, errors: Sequence[RowError]) -> None:
        self.beginResetModel()
        self._errors = list(errors)
        self.endResetModel()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._errors)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(ErrorColumns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return error_list_headers()[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self._errors[index.row()]
        values = (str(e.row_number), e.column, e.reason, e.fix)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return values[index.column()]
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == ErrorColumns.ROW:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class PreviewModel(QAbstractTableModel):
    """The first rows of the sheet as the import understood them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[RosterRow] = []

    def set_rows(self, rows: Sequence[RosterRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    @staticmethod
    def headers() -> list[str]:
        return [_("行号"), _("姓名"), _("性别"), _("出生日期"), _("身份证号"), _("联系电话"), _("村民小组"),
                _("户主姓名"), _("与户主关系")]

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        r = self._rows[index.row()]
        return (str(r.row_number), r.name, sex_label(r.sex), r.birth_date.isoformat() if r.birth_date else "",
                r.id_number or "", r.phone, r.group_name, r.head_name, r.relation)[index.column()]


def _table(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setAlternatingRowColors(True)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(int(view.fontMetrics().height() * 1.9))
    return view


# ---------------------------------------------------------------- pages


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle(_("第一步:选择花名册文件"))
        explain = QLabel(_(
            "请选择村里的 Excel 花名册(.xlsx、.xls)或 .csv 文件。表格要有一行标题,常用的列是:\n"
            "姓名、性别、身份证号、出生日期、联系电话、村民小组、户主姓名、与户主关系、党员、村民代表、住址、备注。\n\n"
            "· 姓名必须填写;填了身份证号的,性别和出生日期可以不填,会按身份证号自动填写。\n"
            "· 同一户的人,“户主姓名”填同一个名字;户主本人可以不填。\n"
            "· “党员”(或“政治面貌”)一列写“中共预备党员”或“预备党员”的,登记为预备党员(没有表决权),"
            "可另加一列“预备期开始日期”(或“入党日期”)。\n"
            "· 身份证号一列请设为“文本”格式,否则 Excel 会把后几位变成0。\n"
            "· 导入前会先检查整张表,有错就一行也不导入,并告诉您哪一行哪一列要怎么改。"
        ))
        explain.setWordWrap(True)
        self.path_edit = QLineEdit()
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(_("还没有选择文件"))
        self.choose_button = QPushButton(_("选择文件…"))
        self.template_button = QPushButton(_("保存空白表格…"))
        self.template_button.setToolTip(_("保存一张只有标题行的空白花名册,在 Excel 里填好后再导入"))
        self.choose_button.clicked.connect(self.choose_file)
        self.template_button.clicked.connect(self.save_template)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        layout = QVBoxLayout(self)
        layout.addWidget(explain)
        layout.addSpacing(12)
        layout.addLayout(row)
        layout.addWidget(self.template_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def choose_file(self) -> None:
        chosen, _filter = filedialogs.open_file_name(
            self, filedialogs.ROSTER, _("选择花名册文件"), _("花名册表格 (*.xlsx *.xls *.csv);;所有文件 (*)"))
        if chosen:
            self.set_path(Path(chosen))

    def set_path(self, path: Path) -> None:
        self._wizard.path = path
        self.path_edit.setText(str(path))
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        path = self._wizard.path
        return path is not None and path.is_file()

    def save_template(self) -> None:
        chosen, _filter = filedialogs.save_file_name(
            self, filedialogs.ROSTER, _("保存空白花名册"), _("花名册模板.xlsx"), _("Excel 表格 (*.xlsx)"))
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() != ".xlsx":
            path = path.with_name(path.name + ".xlsx")

        def work(_ctx: TaskContext) -> Path:
            write_roster(path, [])
            return path

        Task(work, write=False).success(lambda p: QMessageBox.information(
            self, _("已保存"), _("空白花名册已保存到:\n{path}").format(path=p))).run()


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._generation = 0
        self._task: Task | None = None
        self.report: ImportReport | None = None
        self.setTitle(_("第二步:检查表格"))
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, _("开始导入"))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.errors_model = ErrorsModel(parent=self)
        self.errors_view = _table(self.errors_model)
        self.errors_view.setWordWrap(True)
        self.errors_view.verticalHeader().setDefaultSectionSize(int(self.errors_view.fontMetrics().height() * 2.8))
        header = self.errors_view.horizontalHeader()
        header.setSectionResizeMode(ErrorColumns.ROW, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ErrorColumns.COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(ErrorColumns.REASON, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ErrorColumns.FIX, QHeaderView.ResizeMode.Stretch)
        self.preview_model = PreviewModel(parent=self)
        self.preview_view = _table(self.preview_model)
        self.preview_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.preview_view.horizontalHeader().setStretchLastSection(True)
        self.tables = QStackedWidget()
        self.tables.addWidget(self.preview_view)
        self.tables.addWidget(self.errors_view)
        self.export_errors_button = QPushButton(_("导出错误清单…"))
        self.export_errors_button.setToolTip(_("把错误清单存成 Excel 表格,对照着改花名册"))
        self.recheck_button = QPushButton(_("改好后重新检查"))
        self.export_errors_button.clicked.connect(self.export_errors)
        self.recheck_button.clicked.connect(self.start_check)
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_errors_button)
        buttons.addWidget(self.recheck_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addWidget(self.busy)
        layout.addWidget(self.tables, 1)
        layout.addLayout(buttons)

    def initializePage(self) -> None:
        self.start_check()

    @property
    def running(self) -> bool:
        return self._task is not None

    def start_check(self) -> None:
        path = self._wizard.path
        if path is None:
            return
        self._generation += 1
        generation = self._generation
        self.report = None
        self.errors_model.set_errors([])
        self.preview_model.set_rows([])
        self.tables.hide()
        self.export_errors_button.hide()
        self.recheck_button.hide()
        self.busy.show()
        self._set_status(_("正在检查“{name}”,请稍候…").format(name=path.name), "")
        self.completeChanged.emit()
        store = self._wizard.store

        def work(s: Session, _ctx: object) -> tuple[ImportReport, list[RosterRow]]:
            report = import_roster(s, path, dry_run=True)
            return report, report.preview[:PREVIEW_ROWS]

        self._task = (ReadOp(store, work)
                      .success(lambda result: self._checked(generation, *result))
                      .failure(lambda exc: self._check_failed(generation, exc)).run())

    def _set_status(self, text: str, style: str) -> None:
        self.status_label.setText(text)
        self.status_label.setStyleSheet(style)

    def _checked(self, generation: int, report: ImportReport, preview: list[RosterRow]) -> None:
        if generation != self._generation:
            return  # the clerk chose another file meanwhile
        self._task = None
        self.busy.hide()
        self.report = report
        self.recheck_button.show()
        self.tables.show()
        if report.errors:
            self.errors_model.set_errors(report.errors)
            self.tables.setCurrentWidget(self.errors_view)
            self.export_errors_button.show()
            self._set_status(summary(report), ERROR_STYLE)
        elif report.rows == 0:
            self.tables.hide()
            self._set_status(_("表格里没有找到任何村民。请确认选的是花名册文件,并且标题行下面有数据。"), ERROR_STYLE)
        else:
            self.preview_model.set_rows(preview)
            self.tables.setCurrentWidget(self.preview_view)
            text = _("检查通过:可以导入 {n} 人、{h} 户。").format(n=report.rows, h=report.households)
            if report.groups_created:
                text += _("将新建村民小组:{groups}。").format(groups="、".join(report.groups_created))
            text += "\n" + _("下面是表格前 {k} 行读出来的样子,请核对各列是否对得上。点“开始导入”才会真正写入。").format(
                k=len(preview))
            self._set_status(text, OK_STYLE)
        self.completeChanged.emit()

    def _check_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.busy.hide()
        self.recheck_button.show()
        self._set_status(message_for(exc) + "\n" + _("没有导入任何数据。"), ERROR_STYLE)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.report is not None and self.report.ok and self.report.rows > 0

    def forget_running_check(self) -> None:
        self._generation += 1

    def export_errors(self) -> None:
        if self.report is None or not self.report.errors:
            return
        stem = self._wizard.path.stem if self._wizard.path else _("花名册")
        chosen, chosen_filter = filedialogs.save_file_name(
            self, filedialogs.ROSTER, _("导出错误清单"), _("{name}-错误清单.xlsx").format(name=stem),
            _("Excel 表格 (*.xlsx);;CSV 文件 (*.csv)"),
            folder=self._wizard.path.parent if self._wizard.path else None)
        if not chosen:
            return
        path = Path(chosen)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + (".csv" if "csv" in chosen_filter.lower() else ".xlsx"))
        errors = list(self.report.errors)

        def work(_ctx: TaskContext) -> Path:
            write_error_list(path, errors)
            return path

        Task(work, write=False).success(lambda p: QMessageBox.information(
            self, _("已导出"), _("错误清单已保存到:\n{path}").format(path=p))).disabling(
            self.export_errors_button).run()


class ImportPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self._task: Task | None = None
        self.done = False
        self.report: ImportReport | None = None
        self.setTitle(_("第三步:导入"))
        self.status_label = QLabel()
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton(_("取消导入"))
        self.cancel_button.setToolTip(_("取消后一个人也不会导入,花名册保持原样"))
        self.cancel_button.clicked.connect(self.cancel)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.status_label)
        layout.addLayout(row)
        layout.addStretch(1)

    @property
    def running(self) -> bool:
        return self._task is not None

    def initializePage(self) -> None:
        path = self._wizard.path
        if path is None:  # 下一步 stays off without a file; never raise inside a method Qt calls
            self.done = False
            self.status_label.setText(_("还没有选择花名册文件。请点“上一步”选择文件。"))
            self.status_label.setStyleSheet(ERROR_STYLE)
            self.progress.hide()
            self.cancel_button.hide()
            return
        self.done = False
        self.report = None
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.status_label.setStyleSheet("")
        self.status_label.setText(_("正在导入“{name}”,请不要关闭程序…").format(name=path.name))
        store, actor = self._wizard.store, self._wizard.actor

        def work(s: Session, ctx: TaskContext) -> ImportReport:
            report = import_roster(s, path, progress=ctx.progress)
            if ctx.cancelled:
                # Cancel pressed after the last progress report: still roll back
                raise Cancelled()
            return report

        # cancelled: rolled back, and the page is told so with None
        task = (WriteOp(store, actor, work, changes={RESIDENTS}, initiator=self, when_cancelled=None)
                .success(self._finished).failure(self._failed))
        task.signals.progress.connect(self._progress)
        self._task = task.run()

    def _progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.setFormat(_("{done} / {total} 人").format(done=done, total=total))

    def cancel(self) -> None:
        if self._task is None:
            return
        self._task.ctx.cancel()
        self.cancel_button.setEnabled(False)
        self.status_label.setText(_("正在取消,已写入的部分会全部撤销…"))

    def _end(self, text: str, style: str) -> None:
        self._task = None
        self.done = True
        self.cancel_button.hide()
        self.status_label.setText(text)
        self.status_label.setStyleSheet(style)
        self.completeChanged.emit()

    def _finished(self, report: ImportReport | None) -> None:
        if report is None:
            self.progress.hide()
            self._end(_("已取消导入,没有导入任何数据,花名册保持原样。"), ERROR_STYLE)
            return
        self.report = report
        if report.errors:
            self.progress.hide()
            self._end(summary(report), ERROR_STYLE)
            return
        self._wizard.imported = True
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.progress.setFormat(_("完成"))
        self._end(summary(report), OK_STYLE)

    def _failed(self, exc: BaseException) -> None:
        self.progress.hide()
        self._end(message_for(exc) + "\n" + _("没有导入任何数据,花名册保持原样。"), ERROR_STYLE)

    def isComplete(self) -> bool:
        return self.done


# ---------------------------------------------------------------- the wizard


class ImportWizard(QWizard):
    """``ImportWizard(store, actor=..., parent=None)``; :attr:`imported` tells whether anything was written."""

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.path: Path | None = None
        self.imported = False
        self.setWindowTitle(_("从Excel导入花名册"))
        self.setMinimumSize(960, 640)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        # the last page has its own 取消导入 while it runs, and only 完成 once it is done
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        for button, text in ((QWizard.WizardButton.BackButton, _("< 上一步")),
                             (QWizard.WizardButton.NextButton, _("下一步 >")),
                             (QWizard.WizardButton.CommitButton, _("开始导入")),
                             (QWizard.WizardButton.FinishButton, _("完成")),
                             (QWizard.WizardButton.CancelButton, _("关闭"))):
            self.setButtonText(button, text)
        self.file_page = FilePage(self)
        self.check_page = CheckPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.check_page, self.import_page):
            self.addPage(page)

    def done(self, result: int) -> None:
        # a check still running answers into a closed wizard: make it an answer nobody waits for
        self.check_page.forget_running_check()
        super().done(result)

    def reject(self) -> None:
        if self.import_page.running:
            # closing must not leave a half-finished import: cancel it and wait for the rollback
            self.import_page.cancel()
            return
        super().reject()
