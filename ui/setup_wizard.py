"""The first-run wizard: welcome, the village profile, villager groups, the administrator.

Nothing is written until 完成; then the village, its groups and the
administrator are created in one transaction, so a wizard that fails half way
leaves the store as empty as it was and can simply be run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)
from shiboken6 import isValid

from app.accounts.service import MIN_PASSWORD, AccountError, UserInfo, add_user, password_problem
from app.i18n import _
from app.people.service import FieldError, VillageInfo, init_village
from app.people.uscc import UsccError, validate_uscc
from app.storage import Store
from ui.style import message_label, show_message
from ui.numbers import NumberBox
from ui.operations import RESIDENTS, VILLAGE, WriteOp
from ui.widgets import with_message_below

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

ADMIN_ROLE = "管理员"
DEFAULT_GROUPS = 8
MAX_GROUPS = 99
_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1..99 written the way group names are: 一, 十, 十一, 二十, 二十一."""
    if not 1 <= n <= 99:
        raise ValueError(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    head = "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "")


def default_group_names(count: int) -> list[str]:
    return [_("第{n}村民小组").format(n=chinese_number(i)) for i in range(1, count + 1)]


@dataclass(frozen=True)
class SetupResult:
    village: VillageInfo
    admin: UserInfo


def _error_label() -> QLabel:
    return message_label("error")


def _page_header(layout: QVBoxLayout, title: str, subtitle: str = "") -> None:
    # the page's own large title: QWizard's built-in one is small and cannot be styled by name
    label = QLabel(title)
    label.setObjectName("title")
    layout.addWidget(label)
    if subtitle:
        sub = QLabel(subtitle)
        sub.setObjectName("lead")
        sub.setWordWrap(True)
        layout.addWidget(sub)
    layout.addSpacing(12)


class WelcomePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        text = QLabel(_(
            "第一次使用,需要先填三样东西:\n\n"
            "1. 本村的基本资料(村名、统一社会信用代码、所属乡镇);\n"
            "2. 村民小组;\n"
            "3. 一个管理员账号和密码。\n\n"
            "大约需要5分钟。请准备好村委会的《统一社会信用代码证书》。\n"
            "点“完成”之前什么都不会保存,可以随时点“上一步”修改。"
        ))
        text.setWordWrap(True)
        text.setObjectName("lead")
        # township mode (ui.township): the township's name, and the hub is made at 完成
        self.village_radio = QRadioButton(_("村(村民委员会用,填写本村资料)"))
        self.township_radio = QRadioButton(_("乡镇(街道)用:汇总各村交来的同步包,督促各村"))
        self.village_radio.setChecked(True)
        self.township_edit = QLineEdit()
        self.township_edit.setPlaceholderText(_("乡镇(街道)名称,例如:石桥镇"))
        self.township_error = _error_label()
        self.township_box = with_message_below(self.township_edit, self.township_error)
        self.township_box.setVisible(False)
        self.intro = text
        self.township_note = QLabel(_(
            "乡镇只要填乡镇(街道)名称。点“完成”后,程序在这台电脑上建立乡镇数据和乡镇的钥匙,然后打开乡镇程序:"
            "登记各村、导入各村的U盘、查看各村情况。"))
        self.township_note.setWordWrap(True)
        self.township_note.setObjectName("lead")
        self.township_note.setVisible(False)
        self.township_radio.toggled.connect(self._mode_changed)
        layout = QVBoxLayout(self)
        _page_header(layout, _("欢迎使用村务"))
        layout.addWidget(QLabel(_("这台电脑给谁用?")))
        layout.addWidget(self.village_radio)
        layout.addWidget(self.township_radio)
        layout.addWidget(self.township_box)
        layout.addSpacing(8)
        layout.addWidget(text)
        layout.addWidget(self.township_note)
        layout.addStretch(1)

    @property
    def township(self) -> bool:
        return self.township_radio.isChecked()

    def _mode_changed(self, township: bool) -> None:
        self.township_box.setVisible(township)
        self.intro.setVisible(not township)
        self.township_note.setVisible(township)
        if township:
            self.township_edit.setFocus()
        self.setFinalPage(township)  # 完成 shows on this page (QWizard does not follow nextId by itself)
        self.completeChanged.emit()
        wizard = self.wizard()
        if wizard is not None:
            wizard.button(QWizard.WizardButton.NextButton).setEnabled(not township)  # nothing follows for 乡镇

    def nextId(self) -> int:  # noqa: N802 - Qt's name
        return -1 if self.township else super().nextId()


class VillagePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("例如:柳林村"))
        self.code_edit = QLineEdit()
        self.code_edit.setPlaceholderText(_("18位,在村委会的《统一社会信用代码证书》上"))
        self.township_edit = QLineEdit()
        self.township_edit.setPlaceholderText(_("例如:石桥镇"))
        self.county_edit = QLineEdit()
        self.county_edit.setPlaceholderText(_("例如:平原县"))
        self.name_error = _error_label()
        self.code_error = _error_label()
        self.township_error = _error_label()
        self.county_error = _error_label()
        self.code_edit.textChanged.connect(self.check_code)

        layout = QVBoxLayout(self)
        _page_header(layout, _("本村基本资料"),
                     _("村名和乡镇以后可以在“设置”里修改;统一社会信用代码建立后不能修改,请对照证书仔细填写。"))
        form = QFormLayout()
        form.setVerticalSpacing(14)
        layout.addLayout(form)
        layout.addStretch(1)
        form.addRow(_("村名:"), with_message_below(self.name_edit, self.name_error))
        form.addRow(_("统一社会信用代码:"), with_message_below(self.code_edit, self.code_error))
        form.addRow(_("所属乡镇(街道):"), with_message_below(self.township_edit, self.township_error))
        form.addRow(_("所属县(市、区):"), with_message_below(self.county_edit, self.county_error))

    def check_code(self) -> bool:
        """Say under the field, while it is typed, whether the code is right."""
        raw = self.code_edit.text()
        if not raw.strip():
            show_message(self.code_error, "")
            return False
        try:
            code = validate_uscc(raw)
        except UsccError as exc:
            show_message(self.code_error, str(exc), "error")
            return False
        show_message(self.code_error, _("代码正确:{code}").format(code=code), "ok")
        return True

    def errors(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.name_edit.text().strip():
            found["name"] = _("请填写村名。")
        if not self.code_edit.text().strip():
            found["code"] = _("请填写统一社会信用代码。")
        else:
            try:
                validate_uscc(self.code_edit.text())
            except UsccError as exc:
                found["code"] = str(exc)
        if not self.township_edit.text().strip():
            found["township"] = _("请填写所属乡镇(街道)。")
        return found

    def show_errors(self, errors: dict[str, str]) -> None:
        show_message(self.name_error, errors.get("name", ""))
        show_message(self.township_error, errors.get("township", ""))
        show_message(self.county_error, errors.get("county", ""))
        if "code" in errors:
            show_message(self.code_error, errors["code"], "error")
        else:
            self.check_code()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        errors = self.errors()
        self.show_errors(errors)
        return not errors


class GroupsPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        # kept as typed and checked beside the box (ui.numbers): names are made for 一 to 九十九 groups
        self.count_error = _error_label()
        self.count_spin = NumberBox(_("小组数量"), minimum=1, minimum_why=_("至少有一个村民小组"), maximum=MAX_GROUPS,
                                    why=_("按数量生成的名称从第一到第九十九村民小组;更多的小组请用“添加一个”"),
                                    message=self.count_error)
        self.count_spin.setValue(DEFAULT_GROUPS)
        self.count_spin.setSuffix(_(" 个"))
        self.generate_button = QPushButton(_("按数量生成"))
        self.generate_button.clicked.connect(self.generate)
        self.list = QListWidget()
        self.list.setObjectName("groups")
        self.add_button = QPushButton(_("添加一个"))
        self.add_button.clicked.connect(self.add_group)
        self.remove_button = QPushButton(_("删除选中的"))
        self.remove_button.clicked.connect(self.remove_selected)
        self.error_label = _error_label()

        top = QHBoxLayout()
        top.addWidget(QLabel(_("小组数量:")))
        top.addWidget(self.count_spin)
        top.addWidget(self.generate_button)
        top.addStretch(1)
        side = QVBoxLayout()
        side.addWidget(self.add_button)
        side.addWidget(self.remove_button)
        side.addStretch(1)
        middle = QHBoxLayout()
        middle.addWidget(self.list, 1)
        middle.addLayout(side)
        layout = QVBoxLayout(self)
        _page_header(layout, _("村民小组"), _("按本村实际填写。可以按数量一次生成,也可以双击某一行改名。以后还可以再加。"))
        layout.addLayout(top)
        layout.addWidget(self.count_error)
        layout.addLayout(middle, 1)
        layout.addWidget(self.error_label)
        self.set_names(default_group_names(DEFAULT_GROUPS))

    def set_names(self, names: list[str]) -> None:
        self.list.clear()
        for name in names:
            self._append(name)

    def _append(self, name: str) -> QListWidgetItem:
        item = QListWidgetItem(name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        self.list.addItem(item)
        return item

    def generate(self) -> None:
        if not self.count_spin.check():
            return  # refused beside the box, with the limit: the list stays as it was
        self.set_names(default_group_names(self.count_spin.value()))
        show_message(self.error_label, "")

    def add_group(self) -> None:
        n = self.list.count() + 1
        item = self._append(default_group_names(n)[-1] if n <= MAX_GROUPS else _("新村民小组"))
        self.list.setCurrentItem(item)
        self.list.editItem(item)

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def names(self) -> list[str]:
        return [self.list.item(i).text().strip() for i in range(self.list.count())]

    def error(self) -> str:
        names = self.names()
        if any(not n for n in names):
            return _("有一个小组没有名称,请填写或删除它。")
        seen: set[str] = set()
        for n in names:
            if n in seen:
                return _("村民小组“{name}”重复了,请改名或删除一个。").format(name=n)
            seen.add(n)
        return ""

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        message = self.error()
        show_message(self.error_label, message)
        return not message


class AdminPage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText(_("例如:张会计"))
        self.password_edit = QLineEdit()
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(_("至少 {n} 位").format(n=MIN_PASSWORD))
        self.password2_edit = QLineEdit()
        self.password2_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.name_error = _error_label()
        self.password_error = _error_label()
        self.password2_error = _error_label()
        self.error_label = _error_label()

        layout = QVBoxLayout(self)
        _page_header(layout, _("管理员账号"), _("以后打开本软件要用这个名字和密码登录。请把密码记在安全的地方。"))
        form = QFormLayout()
        form.setVerticalSpacing(14)
        layout.addLayout(form)
        layout.addStretch(1)
        form.addRow(_("用户名:"), with_message_below(self.name_edit, self.name_error))
        form.addRow(_("密码:"), with_message_below(self.password_edit, self.password_error))
        form.addRow(_("再输入一次密码:"), with_message_below(self.password2_edit, self.password2_error))
        form.addRow(self.error_label)

    def errors(self) -> dict[str, str]:
        found: dict[str, str] = {}
        if not self.name_edit.text().strip():
            found["name"] = _("请填写用户名。")
        password = self.password_edit.text()
        if password_problem(password):  # the rules for a new password (app.accounts.service)
            found["password"] = password_problem(password)
        elif self.password2_edit.text() != password:
            found["password2"] = _("两次输入的密码不一样,请重新输入。")
        return found

    def show_errors(self, errors: dict[str, str]) -> None:
        show_message(self.name_error, errors.get("name", ""))
        show_message(self.password_error, errors.get("password", ""))
        show_message(self.password2_error, errors.get("password2", ""))
        show_message(self.error_label, errors.get("other", ""))

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        errors = self.errors()
        self.show_errors(errors)
        return not errors


class SetupWizard(QWizard):
    """``SetupWizard(store, parent=None)``; after Accepted, ``result_info`` holds the village and administrator."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.result_info: SetupResult | None = None
        self.result_hub: object | None = None  # 乡镇 chosen: the township hub made (app.hub.service.Hub)
        self._busy = False
        self.setWindowTitle(_("第一次使用 — 建立本村资料"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnStartPage, True)
        self.setButtonText(QWizard.WizardButton.NextButton, _("下一步 >"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("< 上一步"))
        self.setButtonText(QWizard.WizardButton.FinishButton, _("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("取消"))
        self.welcome = WelcomePage()
        self.village_page = VillagePage()
        self.groups_page = GroupsPage()
        self.admin_page = AdminPage()
        self.welcome_id = self.addPage(self.welcome)
        self.village_id = self.addPage(self.village_page)
        self.groups_id = self.addPage(self.groups_page)
        self.admin_id = self.addPage(self.admin_page)
        self.resize(900, 640)

    def _go_to(self, page_id: int) -> None:
        # QWizard only walks forward and back one page at a time
        while self.currentId() > page_id:
            self.back()
        while self.currentId() < page_id and self.currentId() != -1:
            before = self.currentId()
            self.next()
            if self.currentId() == before:
                break

    def _first_bad_page(self) -> int | None:
        village_errors = self.village_page.errors()
        self.village_page.show_errors(village_errors)
        if village_errors:
            return self.village_id
        group_error = self.groups_page.error()
        show_message(self.groups_page.error_label, group_error)
        if group_error:
            return self.groups_id
        admin_errors = self.admin_page.errors()
        self.admin_page.show_errors(admin_errors)
        if admin_errors:
            return self.admin_id
        return None

    def accept(self) -> None:
        """完成: check every page again, then write everything in one transaction on the write worker."""
        if self._busy:
            return
        if self.welcome.township:
            self._make_hub()
            return
        bad = self._first_bad_page()
        if bad is not None:
            self._go_to(bad)
            return
        v, a = self.village_page, self.admin_page
        profile = dict(name=v.name_edit.text(), code=v.code_edit.text(), township=v.township_edit.text(),
                       county=v.county_edit.text(), groups=self.groups_page.names())
        admin_name, password = a.name_edit.text().strip(), a.password_edit.text()
        store = self.store

        def create(s: Session, _ctx: object) -> SetupResult:
            village = init_village(s, **profile)
            return SetupResult(village, add_user(s, admin_name, ADMIN_ROLE, password))

        def make_key(result: SetupResult, _ctx: object) -> SetupResult:
            from app.keys import ensure_village_key

            ensure_village_key(store.data_dir)  # signs sync bundles and certificates
            return result

        self._busy = True
        finish = self.button(QWizard.WizardButton.FinishButton)
        back = self.button(QWizard.WizardButton.BackButton)
        (WriteOp(store, admin_name, create, changes={VILLAGE, RESIDENTS}, after_commit=make_key)
         .success(self._created).failure(self._failed)
         .with_progress(self, _("正在建立本村资料……")).disabling(finish, back).run())

    def _make_hub(self) -> None:
        """乡镇: make the township hub in the data folder (app.hub.service.init_hub) on the write worker."""
        from app.hub.service import init_hub
        from ui.tasks import Task

        name = self.welcome.township_edit.text().strip()
        if not name:
            show_message(self.welcome.township_error, _("请填写乡镇(街道)名称,例如 石桥镇。"))
            return
        show_message(self.welcome.township_error, "")
        data_dir = self.store.data_dir
        self._busy = True
        (Task(lambda _ctx: init_hub(data_dir, name), write=True).success(self._hub_made).failure(self._hub_failed)
         .with_progress(self, _("正在建立乡镇数据……")).disabling(self.button(QWizard.WizardButton.FinishButton)).run())

    def _hub_made(self, hub: object) -> None:
        self._busy = False
        if not isValid(self):
            return
        self.result_hub = hub
        super().accept()

    def _hub_failed(self, exc: BaseException) -> None:
        from ui.errors import message_for

        self._busy = False
        if isValid(self):
            show_message(self.welcome.township_error, message_for(exc))

    def _created(self, result: SetupResult) -> None:
        self._busy = False
        if not isValid(self):
            return
        self.result_info = result
        super().accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        if not isValid(self):
            return
        if isinstance(exc, AccountError):
            # the user name (empty, too long, taken or looking like one taken) or the password: next to its field
            field = getattr(exc, "field", "name")
            self.admin_page.show_errors({field if field in ("name", "password") else "name": str(exc)})
            self._go_to(self.admin_id)
            return
        if isinstance(exc, FieldError):
            if exc.field == "group":
                show_message(self.groups_page.error_label, exc.message)
                self._go_to(self.groups_id)
            else:
                errors = {exc.field if exc.field in ("name", "code", "township", "county") else "name": exc.message}
                self.village_page.show_errors(errors)
                self._go_to(self.village_id)
            return
        from ui.errors import show_error

        self.admin_page.show_errors({"other": _("没有建立成功,什么都没有保存。请再点一次“完成”。")})
        show_error(self, exc)
