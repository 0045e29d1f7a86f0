"""设置 → 用户管理: who may use the program, and everyone's own password.

The administrator sees every user (name, role, whether disabled) and adds users, resets a forgotten password,
changes a role and disables or enables an account; the last enabled administrator is refused by the core
(app.accounts.service), and the refusal is shown here in its words. Everyone else sees who is logged in and
changes their own password. Every write goes through ui.operations and announces ``USERS``, so the status bar
follows a change of role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.accounts.service import (
    ADMIN,
    MIN_PASSWORD,
    ROLES,
    UserInfo,
    add_user,
    change_password,
    list_users,
    set_disabled,
    set_password,
    set_role,
)
from app.errors import FieldError
from app.i18n import _
from app.storage import Store
from ui.attach_dialog import lead
from ui.operations import USERS, ReadOp, WriteOp
from ui.style import message_label, show_message
from ui.task_dialog import TaskDialog

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

VISIBLE_ROWS = 6  # the table shows this many users and scrolls for more


def role_text(role: str) -> str:
    return {"管理员": _("管理员"), "文书/会计": _("文书/会计"), "主任": _("主任"), "监委会": _("监委会")}.get(role, role)


def who_text(user: UserInfo | None) -> str:
    """The status bar's words for who is logged in."""
    if user is None:
        return _("未登录")
    return _("当前用户:{name}({role})").format(name=user.name, role=role_text(user.role))


def state_text(user: UserInfo) -> str:
    return _("已停用") if user.disabled else _("可以使用")


def _password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _rules_hint() -> QLabel:
    label = QLabel(_("密码至少 {n} 位,不能是 12345678、woaini1314 这样常见的密码。").format(n=MIN_PASSWORD))
    label.setObjectName("hint")
    label.setWordWrap(True)
    return label


class _PasswordForm:
    """新密码 and 再输入一次 with their lines below; the two must agree before anything is sent."""

    def __init__(self, dialog: TaskDialog, form: QFormLayout) -> None:
        self.new_edit, self.repeat_edit = _password_edit(), _password_edit()
        form.addRow(_("新密码:"), self.new_edit)
        form.addRow("", dialog.error_label("password"))
        form.addRow(_("再输入一次:"), self.repeat_edit)
        form.addRow("", dialog.error_label("repeat"))
        form.addRow("", _rules_hint())

    def typed(self) -> str:
        new = self.new_edit.text()
        if new and new != self.repeat_edit.text():
            raise FieldError("repeat", _("两次输入的新密码不一样,请重新输入。"))
        return new


class AddUserDialog(TaskDialog):
    """添加用户: name, role, password twice. ``first``: no user exists yet, so the role is 管理员."""

    def __init__(self, store: Store, actor: str, by: str, *, first: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(_("添加用户"), parent)
        self.store, self.actor, self.by = store, actor, by
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("例如 张会计"))
        self.role_combo = QComboBox()
        for role in ([ADMIN] if first else ROLES):
            self.role_combo.addItem(role_text(role), role)
        # an administrator is chosen on purpose, never by leaving the first entry
        self.role_combo.setCurrentIndex(0 if first else max(self.role_combo.findData("文书/会计"), 0))
        form = QFormLayout()
        form.addRow(_("用户名:"), self.name_edit)
        form.addRow("", self.error_label("name"))
        form.addRow(_("角色:"), self.role_combo)
        form.addRow("", self.error_label("role"))
        self.passwords = _PasswordForm(self, form)
        self.add_buttons(_("添加"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("第一个用户是管理员:以后由管理员添加其他用户、重设忘记的密码。") if first else
                              _("新用户用这里的用户名和密码登录本程序。请把密码当面告诉他,并请他登录后自己改一个。")))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> WriteOp:
        name, role, by = self.name_edit.text(), str(self.role_combo.currentData()), self.by
        password = self.passwords.typed()
        return WriteOp(self.store, self.actor, lambda s, _ctx: add_user(s, name, role, password, by=by),
                       changes={USERS}, initiator=self.parent())


class ResetPasswordDialog(TaskDialog):
    """重设密码 (the administrator, for someone who forgot theirs): the new password twice."""

    def __init__(self, store: Store, actor: str, by: str, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("重设密码"), parent)
        self.store, self.actor, self.by, self.user = store, actor, by, user
        form = QFormLayout()
        self.passwords = _PasswordForm(self, form)
        self.add_buttons(_("重设密码"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("给“{name}”设一个新密码。原来的密码从此不能再用;请把新密码当面告诉他,"
                                "并请他登录后自己改一个。").format(name=user.name)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> WriteOp:
        name, by = self.user.name, self.by
        password = self.passwords.typed()
        return WriteOp(self.store, self.actor, lambda s, _ctx: set_password(s, name, password, by=by),
                       changes={USERS}, initiator=self.parent())


class ChangePasswordDialog(TaskDialog):
    """修改密码 (everyone, their own): the present password, then the new one twice."""

    def __init__(self, store: Store, actor: str, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("修改密码"), parent)
        self.store, self.actor, self.user = store, actor, user
        self.old_edit = _password_edit()
        form = QFormLayout()
        form.addRow(_("原来的密码:"), self.old_edit)
        form.addRow("", self.error_label("old"))
        self.passwords = _PasswordForm(self, form)
        self.add_buttons(_("修改密码"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("修改“{name}”自己的登录密码。").format(name=user.name)))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> WriteOp:
        name, old = self.user.name, self.old_edit.text()
        new = self.passwords.typed()
        return WriteOp(self.store, self.actor, lambda s, _ctx: change_password(s, name, old, new),
                       changes={USERS}, initiator=self.parent())


class RoleDialog(TaskDialog):
    """更改角色: one of the roles."""

    def __init__(self, store: Store, actor: str, by: str, user: UserInfo, parent: QWidget | None = None) -> None:
        super().__init__(_("更改角色"), parent)
        self.store, self.actor, self.by, self.user = store, actor, by, user
        self.role_combo = QComboBox()
        for role in ROLES:
            self.role_combo.addItem(role_text(role), role)
        self.role_combo.setCurrentIndex(max(self.role_combo.findData(user.role), 0))
        form = QFormLayout()
        form.addRow(_("角色:"), self.role_combo)
        form.addRow("", self.error_label("role"))
        self.add_buttons(_("保存"))
        layout = QVBoxLayout(self)
        layout.addWidget(lead(_("“{name}”现在是{role}。管理员能添加用户、重设密码和更改角色;"
                                "至少要留一个可以使用的管理员。").format(name=user.name, role=role_text(user.role))))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(self.buttons)

    def action(self) -> WriteOp:
        name, role, by = self.user.name, str(self.role_combo.currentData()), self.by
        return WriteOp(self.store, self.actor, lambda s, _ctx: set_role(s, name, role, by=by),
                       changes={USERS}, initiator=self.parent())


class UsersPanel(QWidget):
    """``UsersPanel(store, actor, user)``: the 用户管理 part of 设置. ``user`` is who is logged in (None: nobody,
    which happens only while the village has no users). :meth:`refresh` reads the users again."""

    changed = Signal()  # a user was added or changed here (after the list is read again)

    def __init__(self, store: Store, actor: str, user: UserInfo | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor, self.user = store, actor, user
        self.users: list[UserInfo] = []
        self.dialog: TaskDialog | None = None  # the dialog open now, for a test

        self.who_label = QLabel(who_text(user))
        self.password_button = QPushButton(_("修改我的密码…"))
        self.password_button.clicked.connect(self.change_own_password)
        who_row = QHBoxLayout()
        who_row.addWidget(self.who_label)
        who_row.addWidget(self.password_button)
        who_row.addStretch(1)

        self.note = QLabel("")
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)

        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels([_("用户名"), _("角色"), _("状态")])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            self.table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _index: self.change_role())

        self.add_button = QPushButton(_("添加用户…"))
        self.add_button.clicked.connect(self.add)
        self.reset_button = QPushButton(_("重设密码…"))
        self.reset_button.clicked.connect(self.reset_password)
        self.role_button = QPushButton(_("更改角色…"))
        self.role_button.clicked.connect(self.change_role)
        self.disable_button = QPushButton(_("停用"))
        self.disable_button.clicked.connect(self.toggle_disabled)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.reset_button, self.role_button, self.disable_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = message_label("ok")

        self.manage = QWidget()
        manage_layout = QVBoxLayout(self.manage)
        manage_layout.setContentsMargins(0, 0, 0, 0)
        manage_layout.addWidget(self.table)
        manage_layout.addLayout(buttons)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(who_row)
        layout.addWidget(self.note)
        layout.addWidget(self.manage)
        layout.addWidget(self.message)
        self._show_mode()
        self._selection_changed()

    # ------------------------------------------------------------ who may do what

    @property
    def by(self) -> str:
        return self.user.name if self.user is not None else ""

    def may_manage(self) -> bool:
        """The administrator logged in, or nobody while there are no users yet (the first one is added here)."""
        if self.user is not None:
            return self.user.role == ADMIN and not self.user.disabled
        return not self.users

    def set_user(self, user: UserInfo | None) -> None:
        """Who is logged in changed role (the main window reads it again after a change of users)."""
        self.user = user
        self.who_label.setText(who_text(user))
        self._show_mode()

    def _show_mode(self) -> None:
        manage = self.may_manage()
        self.manage.setVisible(manage)
        self.password_button.setVisible(self.user is not None)
        if self.user is None and not self.users:
            self.note.setText(_("还没有用户:现在任何人打开本软件都能看到全部资料。请先添加一个管理员,"
                                "以后打开本软件要先登录。"))
        elif self.user is None:
            self.note.setText(_("已经有用户了,但现在没有人登录。请点窗口下方的“登录”,用管理员的用户名登录后再管理用户。"))
        elif not manage:
            self.note.setText(_("只有管理员能添加用户、重设密码、更改角色和停用用户。忘记密码请找管理员重设。"))
        else:
            self.note.setText(_("停用的用户不能再登录,他做过的事仍记在操作日志里;至少要留一个可以使用的管理员。"))
        if manage:
            self.add_button.setText(_("添加管理员…") if not self.users else _("添加用户…"))
        rows = max(min(len(self.users), VISIBLE_ROWS), 2)
        header = self.table.horizontalHeader().sizeHint().height()
        self.table.setFixedHeight(header + rows * self.table.verticalHeader().defaultSectionSize() + 4)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FontChange:  # 大字模式: the table's rows grow, so does its height
            QTimer.singleShot(0, lambda: isValid(self) and self._show_mode())
        super().changeEvent(event)

    # ------------------------------------------------------------ reading

    def refresh(self) -> None:
        def load(s: Session, _ctx: object) -> list[UserInfo]:
            return list_users(s)

        ReadOp(self.store, load).success(self._show).run()

    def _show(self, users: list[UserInfo]) -> None:
        if not isValid(self):
            return
        chosen = self.selected()
        self.users = users
        self.table.setRowCount(len(users))
        for row, user in enumerate(users):
            for column, text in enumerate((user.name, role_text(user.role), state_text(user))):
                item = QTableWidgetItem(text)
                if user.disabled:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        if self.user is not None:
            me = next((u for u in users if u.id == self.user.id), None)
            if me is not None and me != self.user:
                self.set_user(me)
        self._show_mode()
        again = next((row for row, u in enumerate(users) if chosen is not None and u.id == chosen.id), None)
        if again is not None:
            self.table.selectRow(again)
        self._selection_changed()

    def selected(self) -> UserInfo | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.users):
            return None
        return self.users[rows[0].row()]

    def select_user(self, name: str) -> None:
        row = next((i for i, u in enumerate(self.users) if u.name == name), None)
        if row is not None:
            self.table.selectRow(row)

    def _selection_changed(self) -> None:
        user = self.selected()
        for button in (self.reset_button, self.role_button, self.disable_button):
            button.setEnabled(user is not None)
        self.disable_button.setText(_("启用") if user is not None and user.disabled else _("停用"))

    # ------------------------------------------------------------ actions

    def _open(self, dialog: TaskDialog, done_text: str) -> TaskDialog:
        show_message(self.message, "")
        dialog.completed.connect(lambda user: self._done(user, done_text))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _done(self, user: UserInfo, text: str) -> None:
        if not isValid(self):
            return
        show_message(self.message, text.format(name=user.name, role=role_text(user.role)), "ok")
        self.refresh()
        self.changed.emit()

    def add(self) -> TaskDialog:
        return self._open(AddUserDialog(self.store, self.actor, self.by, first=not self.users, parent=self),
                          _("已添加用户“{name}”({role})。"))

    def reset_password(self) -> TaskDialog | None:
        user = self.selected()
        if user is None:
            return None
        return self._open(ResetPasswordDialog(self.store, self.actor, self.by, user, parent=self),
                          _("已重设“{name}”的密码。"))

    def change_role(self) -> TaskDialog | None:
        user = self.selected()
        if user is None or not self.may_manage():
            return None
        return self._open(RoleDialog(self.store, self.actor, self.by, user, parent=self),
                          _("“{name}”现在是{role}。"))

    def change_own_password(self) -> TaskDialog | None:
        if self.user is None:
            return None
        return self._open(ChangePasswordDialog(self.store, self.actor, self.user, parent=self),
                          _("密码已修改,下次登录请用新密码。"))

    def toggle_disabled(self) -> WriteOp | None:
        user = self.selected()
        if user is None:
            return None
        show_message(self.message, "")
        name, disable, by = user.name, not user.disabled, self.by
        done = (_("已停用“{name}”:他不能再登录。需要时可以再启用。") if disable
                else _("已启用“{name}”:他又可以登录了。"))
        return (WriteOp(self.store, self.actor, lambda s, _ctx: set_disabled(s, name, disable, by=by),
                        changes={USERS}, initiator=self)
                .success(lambda info: self._done(info, done)).failure(self._refused)
                .disabling(self.disable_button).run())

    def _refused(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        from ui.errors import message_for

        show_message(self.message, message_for(exc), "error")
