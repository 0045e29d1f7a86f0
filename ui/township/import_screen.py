"""导入U盘: every village's sync bundle on a stick (a folder, or files chosen one by one) into the hub.

Each file is imported in its own transaction (app.hub.service.import_bundles): a refused bundle stops
nothing, and the table says for each file what happened — imported, held until the bundle before it
comes, refused and why, or imported before. The receipts are written back to the stick for the villages
to take home.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.i18n import _
from ui import filedialogs
from ui.errors import message_for
from ui.style import ERROR, MUTED, OK, message_label, show_message
from ui.township.ops import BUNDLES, HubWrite
from ui.township.overview import WARN
from ui.widgets import AnyIndex, ListModel, heading, hint, record_table, selectable, size_columns

BUNDLE_SUFFIX = ".cunwu-sync"


def bundles_in(folder: Path) -> list[Path]:
    """The sync bundles in ``folder`` (not its subfolders), in name order: a village's bundles follow each
    other by their first event number, which the name carries."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.name.endswith(BUNDLE_SUFFIX))


def status_words(status: str) -> tuple[str, str | None]:
    from app.hub.service import ALREADY, IMPORTED, OLD, PENDING, REFUSED

    return {
        IMPORTED: (_("已导入"), OK), PENDING: (_("暂存,等前面的包"), WARN), REFUSED: (_("拒收"), ERROR),
        ALREADY: (_("以前导入过"), MUTED), OLD: (_("以前导入过"), MUTED),
    }.get(status, (status, None))


STEPS = 1000  # the progress bar's steps per file


class Columns(IntEnum):
    FILE = 0
    RESULT = 1
    MESSAGE = 2


def column_title(column: Columns) -> str:
    return {Columns.FILE: _("文件"), Columns.RESULT: _("结果"), Columns.MESSAGE: _("说明")}[column]


class OutcomeModel(ListModel[Any]):
    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        o = self._rows[index.row()]
        column = Columns(index.column())
        words, colour = status_words(o.status)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == Columns.FILE:
                return o.file.name
            if column == Columns.RESULT:
                return words
            return o.message
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.RESULT and colour:
            return QColor(colour)
        if role == Qt.ItemDataRole.FontRole and column == Columns.RESULT and colour == ERROR:
            font = QFont()
            font.setBold(True)
            return font
        return None


class ImportScreen(QWidget):
    """``ImportScreen(hub)``: :meth:`import_folder` / :meth:`import_files` (the seams the buttons and tests
    use); ``finished(outcomes, receipts)`` after each import."""

    finished = Signal(object, object)

    def __init__(self, hub: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub = hub
        self.outcomes: list[Any] = []
        self.receipts: list[Path] = []
        self.running = False
        self.title = heading(_("导入U盘"))
        self.title.setObjectName("title")
        self.folder_button = QPushButton(_("选择U盘或文件夹…"))
        self.folder_button.setObjectName("primary")
        self.files_button = QPushButton(_("选择同步包文件…"))
        self.summary = QLabel("")
        self.summary.setObjectName("heading")
        self.summary.setWordWrap(True)
        self.message = message_label("error")
        selectable(self.message)
        self.model = OutcomeModel(Columns, column_title, self)
        self.table = record_table(self.model)
        buttons = QHBoxLayout()
        buttons.addWidget(self.folder_button)
        buttons.addWidget(self.files_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(self.title)
        layout.addWidget(hint(_("各村把同步包存在U盘上带来。选择U盘(或其中的文件夹),程序逐个导入里面的同步包:"
                                "每个包单独导入,一个包被拒收不影响其他包。导入后回执写回同一个U盘,"
                                "村里把U盘带回去导入回执,就知道乡镇收到了哪些数据。")))
        layout.addLayout(buttons)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        self.folder_button.clicked.connect(self.choose_folder)
        self.files_button.clicked.connect(self.choose_files)
        self._size_columns()

    def _size_columns(self) -> None:
        size_columns(self.table, {Columns.FILE: "村务同步包_54371426399869874P_000001-015587.cunwu-sync",
                                  Columns.RESULT: "暂存,等前面的包"}, stretch=Columns.MESSAGE)

    def choose_folder(self) -> None:
        folder = filedialogs.existing_directory(self, filedialogs.SYNC, _("选择各村同步包所在的U盘或文件夹"))
        if folder:
            self.import_folder(Path(folder))

    def choose_files(self) -> None:
        chosen = filedialogs.open_file_names(self, filedialogs.SYNC, _("选择同步包文件(可按住 Ctrl 选多个)"),
                                             _("村务同步包 (*.cunwu-sync)"))
        if chosen:
            files = sorted(Path(c) for c in chosen)  # a village's bundles in their order, as a folder gives them
            self.import_files(files, files[0].parent)

    def import_folder(self, folder: Path) -> HubWrite | None:
        try:
            files = bundles_in(folder)
        except OSError as exc:
            show_message(self.message, _("读不了 {folder}:{reason}").format(folder=folder, reason=message_for(exc)))
            return None
        if not files:
            self.model.set_rows([])
            self.summary.setText("")
            show_message(self.message, _("{folder} 里没有同步包(文件名以 .cunwu-sync 结尾)。请确认选对了U盘或文件夹。")
                         .format(folder=folder), "hint")
            return None
        return self.import_files(files, folder)

    def import_files(self, files: list[Path], receipts: Path) -> HubWrite | None:
        from app.hub.service import import_bundles

        if self.running:
            return None
        self.running = True
        show_message(self.message, "")
        self.summary.setText(_("正在导入 {n} 个同步包……").format(n=len(files)))

        def run(hub: Any, ctx: Any) -> tuple[list[Any], list[Path]]:
            at = [0, len(files)]  # the file being imported, of how many: the bar fills across the whole stick

            def each_file(index: int, total: int, path: Path) -> None:
                at[:] = [index, total]
                ctx.say(_("正在导入第 {i} 个同步包(共 {n} 个),请不要拔U盘……\n{name}").format(
                    i=index + 1, n=total, name=path.name))
                ctx.progress(index * STEPS, total * STEPS)

            def events(done: int, total: int) -> None:
                ctx.progress(at[0] * STEPS + STEPS * done // max(total, 1), at[1] * STEPS)

            return import_bundles(hub, files, receipts=receipts, progress=events, each_file=each_file)

        op = HubWrite(self.hub, run, changes=BUNDLES, announce_on_failure=True)
        op.success(lambda r: self._done(r[0], r[1], receipts)).failure(self._failed) \
            .with_progress(self, _("正在导入同步包,请不要拔U盘……")).disabling(self.folder_button, self.files_button)
        return op.run()  # type: ignore[return-value]

    def _done(self, outcomes: list[Any], receipts: list[Path], folder: Path) -> None:
        self.running = False
        if not isValid(self):
            return
        self._show(outcomes)
        self.receipts = list(receipts)
        if receipts:
            show_message(self.message, _("已把 {n} 份回执写回 {folder},请让各村把U盘带回去导入回执。").format(
                n=len(receipts), folder=folder), "ok")
        self.finished.emit(self.outcomes, self.receipts)

    def _failed(self, exc: BaseException) -> None:
        from app.hub.service import ReceiptsNotWritten

        self.running = False
        if not isValid(self):
            return
        if isinstance(exc, ReceiptsNotWritten):
            self._show(exc.outcomes)
        show_message(self.message, message_for(exc))
        self.finished.emit(self.outcomes, [])

    def _show(self, outcomes: list[Any]) -> None:
        from app.hub.service import ALREADY, IMPORTED, OLD, PENDING, REFUSED

        self.outcomes = list(outcomes)
        self.model.set_rows(self.outcomes)
        count = {s: sum(o.status == s for o in outcomes) for s in (IMPORTED, PENDING, REFUSED)}
        before = sum(o.status in (ALREADY, OLD) for o in outcomes)
        self.summary.setText(_("共 {n} 个文件:已导入 {a} 个,暂存 {p} 个,拒收 {r} 个,以前导入过 {b} 个。").format(
            n=len(outcomes), a=count[IMPORTED], p=count[PENDING], r=count[REFUSED], b=before))
