"""The login dialog: user name and password, with the reason for a refusal shown under the fields."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.accounts.service import AccountError, UserInfo, login_in_store
from app.i18n import _
from app.storage import Store
from ui.style import message_label, show_message
from ui.tasks import Task


class LoginDialog(QDialog):
    """``LoginDialog(store, parent=None)``; after ``exec()`` returns Accepted, ``user`` is who logged in."""

    def __init__(self, store: Store, parent: QWidget | None = None, *, village_name: str = "") -> None:
        super().__init__(parent)
        self.store = store
        self.user: UserInfo | None = None
        self.setWindowTitle(_("登录 — 村务"))
        self.setMinimumWidth(520)

        title = QLabel(_("请登录") if not village_name else _("{name} 村务 — 请登录").format(name=village_name))
        title.setObjectName("title")
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("用户名"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(_("密码"))
        self.error_label = message_label("error")

        form = QFormLayout()
        form.setVerticalSpacing(12)
        form.addRow(_("用户名:"), self.name_edit)
        form.addRow(_("密码:"), self.password_edit)

        self.buttons = QDialogButtonBox()
        self.login_button = self.buttons.addButton(_("登录"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = self.buttons.addButton(_("退出"), QDialogButtonBox.ButtonRole.RejectRole)
        self.login_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(14)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

    def submit(self) -> None:
        name, password = self.name_edit.text().strip(), self.password_edit.text()
        if not name:
            show_message(self.error_label, _("请填写用户名。"))
            self.name_edit.setFocus()
            return
        if not password:
            show_message(self.error_label, _("请填写密码。"))
            self.password_edit.setFocus()
            return
        show_message(self.error_label, _("正在核对……"), "hint")
        store = self.store
        # a failed attempt is written to the database (the wait grows after each), so this is a write
        (Task(lambda _ctx: login_in_store(store, name, password), write=True)
         .success(self._logged_in).failure(self._refused)
         .disabling(self.login_button).run())

    def _logged_in(self, user: UserInfo) -> None:
        if not isValid(self):
            return
        self.user = user
        show_message(self.error_label, "")
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        if isinstance(exc, AccountError):  # LoginDelayed is one too: its message says how long to wait
            show_message(self.error_label, str(exc), "error")
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        from ui.errors import message_for, show_error

        show_message(self.error_label, message_for(exc), "error")
        show_error(self, exc)
