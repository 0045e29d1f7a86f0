"""设置 (township): how many days without a bundle make a village "silent" (default 14), the catalogue
versions in force, the largest bundle the network service takes (cunwu hub serve; default 100 MB), and
大字模式 as in the village program. Stored in the hub (app.hub.status.set_hub_setting)
and the data folder's settings (大字模式)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.i18n import _
from ui.errors import message_for
from ui.numbers import NumberBox
from ui.style import message_label, show_message
from ui.township.ops import SETTINGS, HubRead, HubWrite
from ui.widgets import heading, hint, selectable


def _read(hub: Any) -> tuple[int, str, list[str], int, list[tuple[str, str, bool]]]:
    from app.disclosure.catalogue import load_all
    from app.hub.status import CATALOGUES_KEY, DEFAULT_UPLOAD_LIMIT, UPLOAD_LIMIT_KEY, hub_setting, silence_limit

    try:
        known = [str(c.version) for c in load_all(Path(hub.dir).parent)]  # shipped, and those put in the data folder
    except Exception:  # noqa: BLE001 - the list is a help only
        known = []
    try:
        upload = int(hub_setting(hub, UPLOAD_LIMIT_KEY, str(DEFAULT_UPLOAD_LIMIT)) or DEFAULT_UPLOAD_LIMIT)
    except ValueError:
        upload = DEFAULT_UPLOAD_LIMIT
    from app.hub.public import public_pages

    return silence_limit(hub), hub_setting(hub, CATALOGUES_KEY, "") or "", known, upload, public_pages(hub)


class TownshipSettingsScreen(QWidget):
    """``saved`` after 保存; ``loaded`` once the hub's settings are on screen."""

    saved = Signal()
    loaded = Signal()

    def __init__(self, hub: Any, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.hub, self.data_dir = hub, Path(data_dir)
        title = heading(_("设置"))
        title.setObjectName("title")
        self.silence_error = message_label("error")
        self.silence_spin = NumberBox(_("天数"), minimum=1, maximum=366, message=self.silence_error)
        self.silence_spin.setValue(14)
        self.silence_spin.setSuffix(_(" 天"))
        self.upload_error = message_label("error")
        self.upload_spin = NumberBox(_("大小"), minimum=1, maximum=2048, message=self.upload_error)
        self.upload_spin.setValue(100)
        self.upload_spin.setSuffix(" MB")
        self.catalogues_edit = QLineEdit()
        self.catalogues_edit.setPlaceholderText(_("空着表示按各村实际使用的目录版本"))
        self.known_label = selectable(QLabel(""))
        self.known_label.setObjectName("hint")
        self.known_label.setWordWrap(True)
        self.known_label.setMinimumWidth(self.known_label.fontMetrics().horizontalAdvance("空着表示按各村实际使用的目录版本") + 40)
        self.catalogues = ""  # as the hub has it
        self.large_check = QCheckBox(_("大字模式(字更大,适合老花眼)"))
        self.public_list = QListWidget()  # checked: the village's page is open on the public pages (hub serve --public)
        self.public_list.setMaximumHeight(self.public_list.fontMetrics().height() * 8)
        self.save_button = QPushButton(_("保存"))
        self.save_button.setObjectName("primary")
        self.message = message_label("ok")
        self.silence_spin.setMaximumWidth(self.silence_spin.fontMetrics().horizontalAdvance("366 天") * 3)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.catalogues_edit.setMinimumWidth(self.catalogues_edit.fontMetrics().horizontalAdvance("空着表示按各村实际使用的目录版本") + 40)
        form.addRow(_("多少天没有同步算“长期未同步”:"), self.silence_spin.field())
        form.addRow(_("现行公开目录版本:"), self.catalogues_edit)
        self.upload_spin.setMaximumWidth(self.upload_spin.fontMetrics().horizontalAdvance("2048 MB") * 3)
        form.addRow("", self.known_label)
        form.addRow(_("网上上传的同步包最大:"), self.upload_spin.field())
        form.addRow(_("开通群众查询页面的村:"), self.public_list)
        form.addRow("", self.large_check)
        row = QHBoxLayout()
        row.addWidget(self.save_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(title)
        layout.addWidget(hint(_("乡镇名称:{name}。乡镇数据在 {path}。").format(name=hub.name, path=hub.dir)))
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.save_button.clicked.connect(self.save)
        self.large_check.toggled.connect(self._large_text)
        QTimer.singleShot(0, self.load)

    def load(self) -> None:
        from app.config import load_settings
        from ui.style import LARGE_TEXT_SETTING

        self.large_check.blockSignals(True)
        self.large_check.setChecked(bool(load_settings(self.data_dir).get(LARGE_TEXT_SETTING, False)))
        self.large_check.blockSignals(False)
        HubRead(self.hub, lambda hub, _ctx: _read(hub)).success(self._loaded).failure(
            lambda exc: isValid(self) and show_message(self.message, message_for(exc), "error")).run()

    def _loaded(self, answer: tuple[int, str, list[str]]) -> None:
        if not isValid(self):
            return
        silence, catalogues, known, upload, pages = answer
        self.public_list.clear()
        for code, name, is_open in pages:
            item = QListWidgetItem(name, self.public_list)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setCheckState(Qt.CheckState.Checked if is_open else Qt.CheckState.Unchecked)
        self.silence_spin.setValue(silence)
        self.upload_spin.setValue(upload)
        self.catalogues_edit.setText(catalogues)
        self.catalogues = catalogues
        self.known_label.setText(_("本程序带有的目录版本:{v}。多个版本用逗号隔开。").format(v="、".join(known) or "-")
                                 if known else "")
        self.loaded.emit()

    def save(self) -> Any:
        from app.hub.status import CATALOGUES_KEY, SILENCE_KEY, UPLOAD_LIMIT_KEY, set_hub_setting

        if not all([self.silence_spin.check(), self.upload_spin.check()]):  # each field says what is wrong
            return None  # the message is under the field; nothing is saved
        silence, catalogues = str(self.silence_spin.value()), self.catalogues_edit.text().strip()
        upload = str(self.upload_spin.value())
        items = [self.public_list.item(i) for i in range(self.public_list.count())]
        off = [i.data(Qt.ItemDataRole.UserRole) for i in items if i.checkState() != Qt.CheckState.Checked]
        changed = catalogues != self.catalogues

        def write(hub: Any, _ctx: Any) -> None:
            if changed:  # first: a version the hub does not have is refused before anything is saved
                set_hub_setting(hub, CATALOGUES_KEY, catalogues)  # every village is judged again
            set_hub_setting(hub, SILENCE_KEY, silence)
            set_hub_setting(hub, UPLOAD_LIMIT_KEY, upload)
            if items:  # the villages' public pages: those not ticked are switched off
                from app.hub.public import set_public_off

                set_public_off(hub, off)

        return (HubWrite(self.hub, write, changes=SETTINGS).success(lambda _r: self._saved(catalogues))
                .failure(lambda exc: isValid(self) and show_message(self.message, message_for(exc), "error"))
                .with_progress(self, _("正在保存,按新的目录重新核对各村……") if changed else _("正在保存……"))
                .disabling(self.save_button).run())

    def _saved(self, catalogues: str) -> None:
        self.catalogues = catalogues
        if isValid(self):
            show_message(self.message, _("已保存。总览按新的天数提醒。"), "ok")
            self.saved.emit()

    def _large_text(self, on: bool) -> None:
        """As the village's 设置 does: rescale the running window at once, remember it for the next start."""
        from PySide6.QtWidgets import QApplication

        from app.config import update_setting
        from ui.style import LARGE_TEXT_SETTING, apply_style
        from ui.tasks import Task

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app, bool(on))
        data_dir = self.data_dir
        Task(lambda _ctx: update_setting(data_dir, LARGE_TEXT_SETTING, bool(on)), write=False).run()
