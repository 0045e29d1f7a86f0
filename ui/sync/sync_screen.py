"""同步: carry the village's records to the township on a USB stick and bring the receipt back.

The screen reads top to bottom in the order the clerk works: what is still
to send, the one-time key exchange while it is not done, then three numbered
steps (choose the stick, export, import the receipt) and the list of bundles
made so far. Everything slow (listing sticks, writing a bundle, reading a
receipt) runs as a Task; the status is read again after every action and
whenever the screen is shown.
"""

from __future__ import annotations

from enum import IntEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.i18n import _
from app.people.info import VillageInfo
from app.storage import Store
from app.sync import drives
from app.sync.drives import Drive, drive_text
from app.sync.export import ExportResult, ReceiptResult, SyncError, SyncStatus, export_bundle, import_receipt, sync_status
from app.keys import (KeyFileError, TownshipKey, ensure_village_key, read_township_file, trust_township,
                           write_identity_file)
from app.sync.models import RECEIPTED
from app.sync.upload import UploadError, UploadReport, UploadSettings, upload_settings
from ui import filedialogs
from ui.style import ACCENT, ACCENT_TEXT, BORDER, OK, TEXT, message_label, show_message
from ui.operations import ReadOp
from ui.tasks import LatestRead, Task, TaskContext
from ui.widgets import AnyIndex, FollowsTextSize, ListModel, confirm, heading, hint, record_table, selectable, size_columns

OutboxRow = tuple[str, int, int, str, str]  # (file, first, last, created, state), as sync_status gives it

# the folder the clerk last exported to or picked: kept while the program runs, so the next
# visit to the screen (or a second export the same day) starts on the same stick
_last_folder: Path | None = None


def remember_folder(folder: Path | None) -> None:
    global _last_folder
    _last_folder = folder


def remembered_folder() -> Path | None:
    return _last_folder


def short_time(iso: str) -> str:
    """2026-11-24T09:30:00+08:00 as 2026-11-24 09:30: the seconds and the zone only get in the way."""
    if not iso:
        return ""
    return iso[:16].replace("T", " ")


def state_text(state: str) -> str:
    return _("乡镇已确认") if state == RECEIPTED else _("已导出")


# ---------------------------------------------------------------- the outbox table


class Columns(IntEnum):
    FILE = 0
    RECORDS = 1
    CREATED = 2
    STATE = 3


def column_title(column: Columns) -> str:
    return {
        Columns.FILE: _("同步包文件"),
        Columns.RECORDS: _("记录号"),
        Columns.CREATED: _("导出时间"),
        Columns.STATE: _("状态"),
    }[column]


# widest text each narrow column usually holds, measured in the table's font so 大字模式 widens them
_SAMPLE = {Columns.RECORDS: "第 12345–12399 号(共 55 条)", Columns.CREATED: "2026-11-24 09:30", Columns.STATE: "乡镇已确认"}


class OutboxModel(ListModel[OutboxRow]):
    """The bundles exported so far, newest first. A village makes one a week or so: a few hundred rows at most."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(Columns, column_title, parent)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        file, first, last, created, state = self._rows[index.row()]
        column = Columns(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return {
                Columns.FILE: file,
                Columns.RECORDS: _("第 {first}–{last} 号(共 {n} 条)").format(first=first, last=last,
                                                                         n=last - first + 1),
                Columns.CREATED: short_time(created),
                Columns.STATE: state_text(state),
            }[column]
        if role == Qt.ItemDataRole.ForegroundRole and column == Columns.STATE and state == RECEIPTED:
            return QColor(OK)
        return None


# ---------------------------------------------------------------- the screen


class SyncScreen(FollowsTextSize, QWidget):
    """``SyncScreen(store, parent=None)``; :meth:`refresh` reads the status and looks for sticks again."""

    status_loaded = Signal(object)  # SyncStatus

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.status: SyncStatus | None = None
        self.drives: list[Drive] = []
        store = self.store
        self._status_read = LatestRead(self, lambda: sync_status(store), self._show_status, self._status_failed)
        self._drives_read = LatestRead(self, drives.list_removable, self._show_drives, lambda _exc: None)

        title = QLabel(_("同步"))
        title.setObjectName("title")
        intro = hint(_("把本村的记录加密存到U盘,带到乡镇;乡镇收到后给一个回执,导入回执就知道乡镇已经收到了哪些记录。"))

        self.setup_box = self._build_setup_box()
        self.status_box = self._build_status_box()
        self.network_box = self._build_network_box()
        from ui.sync.uploader import uploader_for

        self.uploader = uploader_for(store, self)  # the main window's, made with it (ui.sync.uploader.start_uploads)
        self.uploader.busy_changed.connect(self._upload_busy)
        self.uploader.finished.connect(self._upload_finished)
        self.upload_info: UploadSettings | None = None
        self._manual = False  # the upload running was asked for with 立即上传 (its answer gets a message box)
        data_dir = store.data_dir
        self._upload_read = LatestRead(self, lambda: upload_settings(data_dir), self._show_upload, lambda _exc: None)

        # -- step 1: the stick
        self.drive_combo = QComboBox()
        self.drive_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.drive_combo.setMinimumContentsLength(32)
        self.drive_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.drive_combo.setToolTip(_("要把同步包存到哪个U盘"))
        self.refresh_button = QPushButton(_("刷新"))
        self.refresh_button.setToolTip(_("刚插上U盘后点这里,重新查找U盘"))
        self.other_button = QPushButton(_("选择其他文件夹…"))
        self.drive_message = message_label("hint")
        stick_row = QHBoxLayout()
        stick_row.addWidget(self.drive_combo, 1)
        stick_row.addWidget(self.refresh_button)
        stick_row.addWidget(self.other_button)

        # -- step 2: export
        self.export_button = QPushButton(_("导出同步包"))
        self.export_button.setObjectName("primary")
        self.export_button.setToolTip(_("把上次导出以来的新变动存到U盘(Ctrl+E)"))
        self.full_button = QPushButton(_("导出全部记录…"))
        self.full_button.setToolTip(_("只在乡镇要求重新发送全部记录时使用"))
        self.export_message = message_label("ok")
        selectable(self.export_message)
        export_row = QHBoxLayout()
        export_row.addWidget(self.export_button)
        export_row.addSpacing(16)
        export_row.addWidget(self.full_button, 0, Qt.AlignmentFlag.AlignVCenter)
        export_row.addStretch(1)

        # -- step 3: the receipt
        self.receipt_button = QPushButton(_("导入回执…"))
        self.receipt_message = message_label("ok")
        selectable(self.receipt_message)
        receipt_row = QHBoxLayout()
        receipt_row.addWidget(self.receipt_button)
        receipt_row.addStretch(1)

        # -- what was exported
        self.model = OutboxModel(self)
        self.table = record_table(self.model)
        self.outbox_empty = hint(_("还没有导出过同步包。"))

        self.keys_box = self._build_keys_box()

        self.content = QWidget()
        body = QVBoxLayout(self.content)
        body.setContentsMargins(32, 24, 32, 24)
        body.setSpacing(10)
        body.addWidget(title)
        body.addWidget(intro)
        body.addSpacing(4)
        body.addWidget(self.setup_box)
        body.addWidget(self.status_box)
        body.addWidget(self.network_box)
        body.addSpacing(8)
        body.addWidget(heading(_("第一步:选择U盘")))
        body.addLayout(stick_row)
        body.addWidget(self.drive_message)
        body.addSpacing(8)
        body.addWidget(heading(_("第二步:导出同步包,带到乡镇")))
        body.addLayout(export_row)
        body.addWidget(self.export_message)
        body.addSpacing(8)
        body.addWidget(heading(_("第三步:导入乡镇的回执")))
        body.addWidget(hint(_("乡镇导入同步包后,会给一个回执文件(文件名以 .cunwu-receipt 结尾),"
                               "一般存在同一个U盘上。导入回执后,上面的数字会更新。")))
        body.addLayout(receipt_row)
        body.addWidget(self.receipt_message)
        body.addSpacing(8)
        body.addWidget(heading(_("导出过的同步包")))
        body.addWidget(self.outbox_empty)
        body.addWidget(self.table)
        body.addSpacing(8)
        body.addWidget(self.keys_box)
        body.addStretch(1)

        page = QWidget()
        page.setObjectName("page")
        page_layout = QHBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.content, 1)
        scroll = QScrollArea()
        scroll.setObjectName("pageScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self.refresh_button.clicked.connect(self.load_drives)
        self.other_button.clicked.connect(self.choose_folder)
        self.drive_combo.activated.connect(self._drive_chosen)
        self.export_button.clicked.connect(lambda: self.export(full=False))
        self.full_button.clicked.connect(lambda: self.export(full=True))
        self.receipt_button.clicked.connect(self.import_receipt_file)
        self.url_button.clicked.connect(self.save_url)
        self.url_edit.returnPressed.connect(self.save_url)
        self.upload_button.clicked.connect(self.upload_now)
        self.certificate_button.clicked.connect(self.install_certificate)
        for button in (self.install_button, self.reinstall_button):
            button.clicked.connect(self.install_township_key)
        for button in (self.identity_button, self.identity_again_button):
            button.clicked.connect(self.export_identity)
        shortcut = QShortcut(QKeySequence("Ctrl+E"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda: self.export(full=False))

        chain = [self.install_button, self.identity_button, self.url_edit, self.url_button, self.upload_button,
                 self.certificate_button, self.drive_combo, self.refresh_button, self.other_button,
                 self.export_button, self.full_button, self.receipt_button, self.table, self.reinstall_button,
                 self.identity_again_button]
        for before, after in zip(chain, chain[1:]):
            QWidget.setTabOrder(before, after)

        self.restyle()  # sizes the table too
        self._show_drives([])
        self.refresh()

    # ------------------------------------------------------------ building

    def _build_setup_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("todo")
        steps = QLabel(_(
            "1. 向乡镇要“乡镇公钥文件”,用U盘拷过来,点下面的“安装乡镇公钥…”。\n"
            "2. 点“导出本村身份文件…”,存到U盘上,交给乡镇登记。\n"
            "3. 两个文件都要和乡镇打电话核对指纹(一串数字),一位一位都一样才算完成。\n"
            "这件事只需要做一次。装好乡镇公钥以后,才能导出同步包。"))
        steps.setObjectName("todoItems")
        steps.setWordWrap(True)
        self.setup_fingerprint = selectable(QLabel(""))
        self.setup_fingerprint.setObjectName("lead")
        self.setup_fingerprint.setWordWrap(True)
        self.install_button = QPushButton(_("安装乡镇公钥…"))
        self.identity_button = QPushButton(_("导出本村身份文件…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.install_button)
        buttons.addWidget(self.identity_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.addWidget(heading(_("第一次同步前,要先和乡镇交换一次密钥")))
        layout.addWidget(steps)
        layout.addWidget(self.setup_fingerprint)
        layout.addLayout(buttons)
        box.setVisible(False)
        return box

    def _build_status_box(self) -> QFrame:
        box = QFrame()
        box.setObjectName("card")
        self.not_sent_label = selectable(QLabel(_("正在读取……")))
        self.unconfirmed_label = selectable(QLabel(""))
        self.confirmed_label = selectable(QLabel(""))
        for label in (self.not_sent_label, self.unconfirmed_label, self.confirmed_label):
            label.setObjectName("syncBig")  # short lines: kept whole, never wrapped mid-number
        self.last_export_label = selectable(QLabel(""))
        self.last_file_label = selectable(QLabel(""))
        self.last_receipt_label = selectable(QLabel(""))
        self.township_label = selectable(QLabel(""))
        details_labels = (self.township_label, self.last_export_label, self.last_file_label, self.last_receipt_label)
        for label in details_labels:
            label.setObjectName("cardLabel")
            label.setWordWrap(True)
        # the big numbers on the left, the details beside them: the screen stays short enough
        # that the three steps below are in view without scrolling
        numbers = QVBoxLayout()
        numbers.setSpacing(6)
        for label in (self.not_sent_label, self.unconfirmed_label, self.confirmed_label):
            numbers.addWidget(label)
        numbers.addStretch(1)
        details = QVBoxLayout()
        details.setSpacing(6)
        for label in details_labels:
            details.addWidget(label)
        details.addStretch(1)
        layout = QHBoxLayout(box)
        layout.setContentsMargins(20, 14, 20, 16)
        layout.setSpacing(24)
        layout.addLayout(numbers, 0)
        layout.addSpacing(24)
        layout.addLayout(details, 1)
        return box

    def _build_network_box(self) -> QFrame:
        """网络上传: the township's address, the last upload and its result, 立即上传."""
        box = QFrame()
        box.setObjectName("card")
        self.url_edit = QLineEdit()
        self.url_edit.setPlaceholderText(_("乡镇提供的网址,例如 https://xiangzhen.example.cn"))
        self.url_edit.setToolTip(_("乡镇数据中心的网址。不填就只用U盘。"))
        self.url_button = QPushButton(_("保存网址"))
        self.upload_button = QPushButton(_("立即上传"))
        self.upload_button.setToolTip(_("把新的变动导出,并把乡镇还没确认的同步包都通过网络上传"))
        self.certificate_button = QPushButton(_("安装服务器证书…"))
        self.certificate_button.setToolTip(_("乡镇给了服务器的证书文件(.pem)时才需要"))
        row = QHBoxLayout()
        row.addWidget(QLabel(_("乡镇网址:")))
        row.addWidget(self.url_edit, 1)
        row.addWidget(self.url_button)
        row.addWidget(self.upload_button)
        row.addWidget(self.certificate_button)
        self.last_upload_label = selectable(QLabel(""))
        self.last_upload_label.setWordWrap(True)
        self.upload_message = message_label("ok")
        selectable(self.upload_message)
        self.network_hint = hint("")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(20, 10, 20, 12)
        layout.setSpacing(6)
        layout.addWidget(heading(_("网络上传")))
        layout.addLayout(row)
        layout.addWidget(self.last_upload_label)
        layout.addWidget(self.upload_message)
        layout.addWidget(self.network_hint)
        return box

    def _build_keys_box(self) -> QFrame:
        box = QFrame()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading(_("密钥")))
        self.keys_label = selectable(QLabel(""))
        self.keys_label.setWordWrap(True)
        layout.addWidget(self.keys_label)
        layout.addWidget(hint(_("乡镇更换了公钥,或乡镇要求重新登记本村时,才需要用下面的按钮。")))
        self.reinstall_button = QPushButton(_("更换乡镇公钥…"))
        self.identity_again_button = QPushButton(_("再次导出本村身份文件…"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.reinstall_button)
        buttons.addWidget(self.identity_again_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        box.setVisible(False)
        return box

    def _size_table(self) -> None:
        size_columns(self.table, _SAMPLE, stretch=Columns.FILE)
        metrics = self.table.fontMetrics()
        # room for about six bundles before the table scrolls on its own
        self.table.setMinimumHeight(int(metrics.height() * 2.1 * 7))

    def apply_text_size(self, base: int) -> None:
        """Sizes for the big status lines and the main button, from the same base size as the rest of the window."""
        pad = max(base // 2, 6)
        self.content.setStyleSheet(
            f"QLabel#syncBig {{ font-size: {base + 5}pt; font-weight: bold; color: {TEXT}; border: none; }}"
            f"QPushButton#primary {{ font-size: {base + 4}pt; font-weight: bold; padding: {pad}px {pad * 4}px;"
            f" background: {ACCENT}; color: {ACCENT_TEXT}; border: 3px solid {ACCENT}; border-radius: 6px; }}"
            f"QPushButton#primary:focus {{ border-color: {TEXT}; }}"
            f"QPushButton#primary:disabled {{ background: {BORDER}; border-color: {BORDER}; }}")
        self._size_table()


    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        """Read the status again and look for sticks (the clerk may have plugged one in meanwhile)."""
        self.load_status()
        self.load_drives()

    def load_status(self) -> None:
        self._status_read.request()
        self._upload_read.request()

    def _status_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        from ui.errors import message_for

        self.not_sent_label.setText(_("读取同步情况时出错:{reason}").format(reason=message_for(exc)))

    def _show_status(self, status: SyncStatus) -> None:
        if not isValid(self):
            return
        self.status = status
        self.not_sent_label.setText(_("还没发给乡镇的记录:{n} 条").format(n=status.not_sent))
        self.unconfirmed_label.setText(_("已导出但乡镇还没确认:{n} 条").format(n=status.awaiting_receipt))
        if status.confirmed:
            self.confirmed_label.setText(_("乡镇已确认到第 {seq} 号记录").format(seq=status.confirmed))
        else:
            self.confirmed_label.setText(_("乡镇还没有确认过本村的记录"))
        if status.last_export_file:
            self.last_export_label.setText(_("上次导出:{time}").format(time=short_time(status.last_export_time)))
            self.last_file_label.setText(_("文件:{file}").format(file=status.last_export_file))
        else:
            self.last_export_label.setText(_("上次导出:还没有导出过"))
        self.last_file_label.setVisible(bool(status.last_export_file))
        if status.last_receipt_time:
            self.last_receipt_label.setText(_("上次导入回执:{time}").format(time=short_time(status.last_receipt_time)))
        else:
            self.last_receipt_label.setText(_("上次导入回执:还没有导入过"))
        installed = status.township is not None
        self.township_label.setText(_("所属乡镇:{name}").format(name=status.township) if installed
                                    else _("所属乡镇:还没有安装乡镇公钥"))
        self.setup_box.setVisible(not installed)
        self.keys_box.setVisible(installed)
        village_fp = status.village_fingerprint or _("(导出身份文件时生成)")
        self.setup_fingerprint.setText(_("本村指纹:{fp}").format(fp=village_fp))
        if installed:
            self.keys_label.setText(_("乡镇:{name},指纹 {township_fp}\n本村指纹:{village_fp}").format(
                name=status.township, township_fp=status.township_fingerprint, village_fp=village_fp))
        self.model.set_rows(status.outbox)
        self.outbox_empty.setVisible(not status.outbox)
        self.table.setVisible(bool(status.outbox))
        self.status_loaded.emit(status)

    # ------------------------------------------------------------ the stick

    def load_drives(self) -> None:
        self._drives_read.request()

    def _show_drives(self, found: list[Drive]) -> None:
        if not isValid(self):
            return
        self.drives = list(found)
        current = self.chosen_folder() or remembered_folder()
        combo = self.drive_combo
        combo.blockSignals(True)
        combo.clear()
        for drive in self.drives:
            combo.addItem(drive_text(drive), str(drive.path))
        if current is not None and all(d.path != current for d in self.drives):
            combo.addItem(_("其他文件夹:{path}").format(path=current), str(current))
        if combo.count() == 0:
            combo.addItem(_("没有找到U盘"), None)
        index = combo.findData(str(current)) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)
        if self.drives:
            show_message(self.drive_message, "")
        else:
            show_message(self.drive_message, _("没有找到U盘。请插好U盘,等几秒钟后点“刷新”;"
                                               "也可以点“选择其他文件夹…”自己选。"), "hint")

    def chosen_folder(self) -> Path | None:
        data = self.drive_combo.currentData()
        return Path(data) if data else None

    def _drive_chosen(self, _index: int) -> None:
        remember_folder(self.chosen_folder())

    def choose_folder(self) -> None:
        folder = filedialogs.existing_directory(self, filedialogs.SYNC, _("选择U盘或要保存同步包的文件夹"),
                                                folder=self.chosen_folder())
        if not folder:
            return
        remember_folder(Path(folder))
        self.drive_combo.blockSignals(True)
        self.drive_combo.setCurrentIndex(-1)  # so _show_drives starts from the folder just picked
        self.drive_combo.blockSignals(False)
        self._show_drives(self.drives)

    def _start_folder(self) -> Path:
        folder = self.chosen_folder()
        return folder if folder is not None and folder.is_dir() else filedialogs.start_folder(filedialogs.SYNC)

    # ------------------------------------------------------------ actions

    # ------------------------------------------------------------ the network

    def _show_upload(self, info: UploadSettings) -> None:
        if not isValid(self):
            return
        first = self.upload_info is None
        self.upload_info = info
        if first or not self.url_edit.hasFocus():
            self.url_edit.setText(info.url)
        self.upload_button.setEnabled(bool(info.url) and not self.uploader.busy)
        if self.uploader.busy:
            self.last_upload_label.setText(_("正在上传……"))
        elif info.last is None:
            self.last_upload_label.setText(_("上次上传:还没有上传过") if info.url else "")
        else:
            self.last_upload_label.setText(_("上次上传:{time},{result}").format(
                time=short_time(info.last.when), result=info.last.summary))
        self.last_upload_label.setObjectName("ok" if info.last is None or info.last.ok else "error")
        self.last_upload_label.style().unpolish(self.last_upload_label)
        self.last_upload_label.style().polish(self.last_upload_label)
        self.last_upload_label.setVisible(bool(self.last_upload_label.text()))
        if not info.url:
            text = _("乡镇开通了网络上传时,把乡镇给的网址填在这里并保存。没有网络也没关系,照常用U盘。")
        else:
            text = _("程序开着的时候,每小时自动上传一次,导出同步包后也会马上上传;上传不成功会过一会儿再试。"
                     "U盘照样可以用,两条路送到乡镇的记录不会重复。")
        if info.certificate is not None:
            text += "\n" + _("服务器证书:{subject},有效期到 {date}").format(
                subject=info.certificate.subject, date=info.certificate.not_after)
        self.network_hint.setText(text)

    def save_url(self) -> None:
        from app.sync.upload import UploadError, set_township_url

        try:
            url = set_township_url(self.store.data_dir, self.url_edit.text())
        except UploadError as exc:
            show_message(self.upload_message, str(exc), "error")
            return
        self.url_edit.setText(url)
        show_message(self.upload_message, _("已保存网址 {url}。").format(url=url) if url
                     else _("已删除网址,不再通过网络上传。"), "ok")
        self._upload_read.request()
        if url and not self.uploader.busy:
            self.uploader.schedule(5)  # the first upload soon, without waiting an hour

    def upload_now(self) -> Task | None:
        if self.uploader.busy:
            show_message(self.upload_message, _("正在上传,请稍候。"), "hint")
            return None
        show_message(self.upload_message, "")
        task = self.uploader.upload(export=True)
        if task is None:
            show_message(self.upload_message, _("请先填写并保存乡镇的网址。"), "error")
        else:
            self._manual = True
        return task

    def _upload_busy(self, busy: bool) -> None:
        if not isValid(self):
            return
        self.upload_button.setEnabled(not busy and bool(self.upload_info and self.upload_info.url))
        self.upload_button.setText(_("正在上传……") if busy else _("立即上传"))
        if busy:
            self.last_upload_label.setText(_("正在上传……"))
            self.last_upload_label.setVisible(True)

    def _upload_finished(self, result: Any) -> None:
        if not isValid(self):
            return
        manual, self._manual = self._manual, False
        self.load_status()
        if isinstance(result, UploadReport):
            lines = result.failure_lines()
            text = result.summary() + ("\n" + "\n".join(lines) if lines else "")
            show_message(self.upload_message, text, "ok" if result.ok else "error")
            if manual:
                (QMessageBox.information if result.ok else QMessageBox.warning)(
                    self, _("上传完成") if result.ok else _("上传没有全部成功"), text)
        else:
            from ui.errors import message_for

            text = message_for(result)
            show_message(self.upload_message, text, "error")
            if manual:
                QMessageBox.warning(self, _("上传没有成功"), text)

    def install_certificate(self) -> Task | None:
        from app.sync.upload import install_server_certificate, read_certificate_file

        chosen, _filter = filedialogs.open_file_name(
            self, filedialogs.SYNC, _("选择乡镇服务器的证书文件"), _("证书文件 (*.pem *.crt);;所有文件 (*)"),
            folder=self._start_folder())
        if not chosen:
            return None
        path = Path(chosen)

        def check(_ctx: TaskContext) -> Any:
            return read_certificate_file(path)[0]

        def confirm_install(cert: Any) -> None:
            if not isValid(self):
                return
            if not confirm(self, _("核对服务器证书"), _(
                    "这是“{subject}”的证书,有效期到 {date}。\n\nSHA-256 指纹:\n{fp}\n\n"
                    "请与乡镇电话核对指纹。安装后,上传时只信任这个证书。数字完全一样吗?").format(
                    subject=cert.subject, date=cert.not_after, fp=cert.fingerprint),
                    _("一样,安装"), _("不一样,不安装")):
                return
            data_dir = self.store.data_dir
            (Task(lambda _ctx: install_server_certificate(data_dir, path), write=True)
             .success(lambda _c: (show_message(self.upload_message, _("已安装服务器证书。"), "ok"),
                                  self._upload_read.request()) if isValid(self) else None)
             .failure(lambda exc: self._failed(exc, self.upload_message)).run())

        return Task(check, write=False).success(confirm_install).failure(
            lambda exc: self._failed(exc, self.upload_message)).run()

    def _write_buttons(self) -> list[QWidget]:
        return [self.export_button, self.full_button, self.receipt_button, self.install_button,
                self.reinstall_button, self.identity_button, self.identity_again_button]

    def _run(self, task: Task) -> Task:
        """Run an action and read the status again when it is over, however it ended."""
        task.signals.finished.connect(self._action_finished)
        return task.run()

    def _action_finished(self) -> None:
        if isValid(self):
            self.load_status()

    def _failed(self, exc: BaseException, message: QLabel | None = None) -> None:
        if not isValid(self):
            return
        if isinstance(exc, (SyncError, KeyFileError, UploadError)):
            # these messages are written for the clerk: say them as they are
            if message is not None:
                show_message(message, str(exc), "error")
            QMessageBox.warning(self, _("出错了"), str(exc))
            return
        from ui.errors import message_for, show_error

        if message is not None:
            show_message(message, message_for(exc), "error")
        show_error(self, exc)

    def export(self, *, full: bool = False) -> Task | None:
        if not self.export_button.isEnabled():
            return None  # Ctrl+E while an export or receipt import is still running
        if self.status is not None and self.status.township is None:
            QMessageBox.information(self, _("还不能导出"), _(
                "还没有安装乡镇公钥,同步包不知道加密给谁。请先按上面黄色框里的说明,安装乡镇公钥。"))
            return None
        folder = self.chosen_folder()
        if folder is None:
            QMessageBox.information(self, _("请先选择U盘"), _(
                "还没有选择U盘。请插好U盘,点“刷新”后在列表里选它;或者点“选择其他文件夹…”。"))
            return None
        if full and not confirm(
                self, _("导出全部记录"),
                _("“导出全部记录”会把本村从第 1 号起的所有记录和附件重新打包,文件会比较大,导出也比较慢。\n\n"
                  "平时不需要这样做:“导出同步包”只带上次以后的新变动,乡镇那边就是完整的。\n"
                  "只有乡镇说他们的数据丢了、或要求本村重新发送全部记录时,才需要导出全部记录。\n\n"
                  "确定要导出全部记录吗?"),
                _("导出全部记录"), _("不导出")):
            return None
        remember_folder(folder)
        show_message(self.export_message, "")
        store = self.store

        def work(ctx: TaskContext) -> ExportResult:
            ensure_village_key(store.data_dir)  # a village set up before keys existed gets its key now
            return export_bundle(store, folder, full=full, progress=ctx.progress)

        task = (Task(work, write=True).success(self._exported)
                .failure(lambda exc: self._failed(exc, self.export_message))
                .with_progress(self, _("正在导出同步包,请不要拔出U盘……"), cancellable=True)
                .disabling(*self._write_buttons()))
        return self._run(task)

    def _exported(self, result: ExportResult) -> None:
        if not isValid(self):
            return
        if result.path is not None:
            self.uploader.upload()  # when the township's address is set: the new bundle goes over the network too
        if result.path is None:
            text = _("上次导出以来没有新的变动,不需要导出。")
            show_message(self.export_message, text, "ok")
            QMessageBox.information(self, _("不需要导出"), text)
            return
        show_message(self.export_message, _("已导出第 {first}–{last} 号记录到 {path}").format(
            first=result.first, last=result.last, path=result.path), "ok")
        attachments = _(",附件 {n} 个").format(n=result.attachments) if result.attachments else ""
        QMessageBox.information(self, _("导出完成"), _(
            "同步包已经存到U盘上:\n{path}\n\n"
            "里面是第 {first}–{last} 号记录,共 {n} 条{attachments}。\n\n"
            "请把这个U盘带到乡镇,交给负责村务的同志导入。\n"
            "拔U盘前,请先在电脑上点“安全弹出”。").format(
            path=result.path, first=result.first, last=result.last, n=result.events, attachments=attachments)
            + (("\n\n" + _("已设置乡镇网址:同步包也会马上通过网络上传。")) if self.upload_info and self.upload_info.url else ""))

    def import_receipt_file(self) -> Task | None:
        chosen, _filter = filedialogs.open_file_name(
            self, filedialogs.SYNC, _("选择乡镇回执文件"), _("乡镇回执 (*.cunwu-receipt)"), folder=self._start_folder())
        if not chosen:
            return None
        path = Path(chosen)
        show_message(self.receipt_message, "")
        store = self.store
        task = (Task(lambda _ctx: import_receipt(store, path), write=True).success(self._receipt_imported)
                .failure(lambda exc: self._failed(exc, self.receipt_message))
                .with_progress(self, _("正在导入回执……"))
                .disabling(*self._write_buttons()))
        return self._run(task)

    def _receipt_imported(self, result: ReceiptResult) -> None:
        if not isValid(self):
            return
        if result.newly_confirmed:
            text = _("已导入{township}的回执:这次新确认了 {n} 条记录,乡镇已确认到第 {seq} 号记录。").format(
                township=result.township, n=result.newly_confirmed, seq=result.last_seq)
        else:
            text = _("这张回执没有新确认的记录(乡镇已确认到第 {seq} 号记录),可能以前已经导入过。").format(
                seq=result.last_seq)
        show_message(self.receipt_message, text, "ok")
        if result.pending:
            ranges = _("、").join(_("第 {a}–{b} 号").format(a=a, b=b) for a, b in result.pending)
            text += "\n\n" + _("乡镇还暂存着{ranges}记录:在它们前面,还有同步包乡镇没有收到。"
                               "请看看以前导出的同步包是不是都交给了乡镇。").format(ranges=ranges)
        QMessageBox.information(self, _("回执已导入"), text)

    # ------------------------------------------------------------ keys

    def install_township_key(self) -> Task | None:
        chosen, _filter = filedialogs.open_file_name(
            self, filedialogs.SYNC, _("选择乡镇公钥文件"), _("乡镇公钥文件 (*.json);;所有文件 (*)"),
            folder=self._start_folder())
        if not chosen:
            return None
        path = Path(chosen)
        return (Task(lambda _ctx: read_township_file(path), write=False)
                .success(lambda key: self._confirm_township(path, key))
                .failure(self._failed).run())

    def _confirm_township(self, path: Path, key: TownshipKey) -> Task | None:
        if not isValid(self):
            return None
        text = _("这是“{name}”的公钥文件,指纹是:\n\n{fp}\n\n"
                 "请与乡镇电话核对这串数字:请乡镇的同志念一遍他们那边显示的指纹,和上面的数字一位一位对照。").format(
            name=key.name, fp=key.fingerprint)
        current = self.status.township if self.status else None
        if current is not None and self.status is not None and self.status.township_fingerprint != key.fingerprint:
            text += "\n\n" + _("安装后会换掉现在的乡镇公钥({name},指纹 {fp})。").format(
                name=current, fp=self.status.township_fingerprint)
        if not confirm(self, _("核对乡镇公钥"), text + "\n\n" + _("数字完全一样吗?"),
                       _("一样,安装"), _("不一样,不安装")):
            QMessageBox.information(self, _("没有安装"), _(
                "没有安装这个公钥。指纹对不上时,请不要使用这个文件,向乡镇重新要一份公钥文件。"))
            return None
        data_dir = self.store.data_dir
        task = (Task(lambda _ctx: trust_township(data_dir, path), write=True).success(self._township_installed)
                .failure(self._failed).disabling(*self._write_buttons()))
        return self._run(task)

    def _township_installed(self, key: TownshipKey) -> None:
        if isValid(self):
            QMessageBox.information(self, _("已安装乡镇公钥"), _(
                "已安装{name}的公钥。现在可以导出同步包了。").format(name=key.name))

    def export_identity(self) -> Task:
        """Read the village's name and code (a read operation), then ask where to save its identity file."""
        from app.people.service import get_village

        return (ReadOp(self.store, lambda s, _ctx: get_village(s)).success(self._save_identity)
                .failure(self._failed).disabling(*self._write_buttons()).run())

    def _save_identity(self, village: VillageInfo | None) -> Task | None:
        if not isValid(self):
            return None
        if village is None:
            QMessageBox.information(self, _("还不能导出"), _("还没有建立本村资料,请先到“设置”里填写本村资料。"))
            return None
        name = _("{village}身份文件_{code}.json").format(village=village.name, code=village.code)
        chosen, _filter = filedialogs.save_file_name(
            self, filedialogs.SYNC, _("导出本村身份文件"), name, _("村身份文件 (*.json)"), folder=self._start_folder())
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() != ".json":
            path = path.with_name(path.name + ".json")
        data_dir = self.store.data_dir

        def work(_ctx: TaskContext) -> str:
            ensure_village_key(data_dir)
            return write_identity_file(data_dir, path, code=village.code, name=village.name,
                                       township=village.township).fingerprint

        def done(fp: str) -> None:
            if isValid(self):
                QMessageBox.information(self, _("已导出本村身份文件"), _(
                    "本村身份文件已存到:\n{path}\n\n本村指纹:\n{fp}\n\n"
                    "请把这个文件交给乡镇登记,并打电话把这串数字念给乡镇的同志核对。").format(path=path, fp=fp))

        task = Task(work, write=True).success(done).failure(self._failed).disabling(*self._write_buttons())
        return self._run(task)
