"""设置: the village profile, 大字模式, the language, disclosure numbers, meeting rules, and backups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app.accounts.service import UserInfo
from app.backup import BackupInfo, list_backups, make_backup
from app.config import load_settings, update_setting
from app.i18n import _
from app.meetings.kinds import MAX_PROXIES_PER_HOLDER, MeetingKind, proxies_setting
from app.meetings.rules import DEFAULT_SETTINGS, PASS_CHOICES, QUORUM_CHOICES, rule_for
from app.people.service import FieldError, VillageInfo, get_village, update_village
from app.storage import Store
from ui import filedialogs
from ui.numbers import NumberBox
from ui.operations import BACKUPS, VILLAGE, ReadOp, WriteOp, announce
from ui.style import LANG_SETTING, LARGE_TEXT_SETTING, apply_style, message_label, show_message
from ui.tasks import Task
from ui.users import UsersPanel

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

RECENT_BACKUPS = 10
LANGUAGES = (("zh", "中文"), ("en", "English"))


def kind_text(kind: str) -> str:
    return {
        "daily": _("每日自动备份"),
        "manual": _("手动备份"),
        "pre-migration": _("升级前自动备份"),
        "pre-restore": _("恢复前自动备份"),
    }.get(kind, kind)


def backup_line(info: BackupInfo) -> str:
    return _("{when}  {kind}  {size:.1f} MB").format(
        when=info.created.strftime("%Y-%m-%d %H:%M"), kind=kind_text(info.kind), size=info.size / 1024 / 1024)


@dataclass(frozen=True)
class SettingsData:
    village: VillageInfo | None
    backups: list[BackupInfo]


DISCLOSURE_SETTING = "disclosure"
MEETINGS_SETTING = "meetings"


def quorum_text(key: str) -> str:
    """A quorum choice (its key is what settings.json keeps) in words that say where the line falls."""
    return {"过半数": _("过半数(多于一半)"), "半数以上": _("半数以上(含正好一半)"),
            "三分之二以上": _("三分之二以上(含正好三分之二)")}.get(key, key)


def pass_text(key: str) -> str:
    return {"到会过半数": _("到会人员过半数赞成"), "到会三分之二以上": _("到会人员三分之二以上赞成"),
            "应到过半数": _("应到人员过半数赞成"), "应到三分之二以上": _("应到人员三分之二以上赞成")}.get(key, key)


def _dict(value: object) -> dict:  # type: ignore[type-arg]
    return dict(value) if isinstance(value, dict) else {}


def _section(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(0, 8, 0, 8)
    label = QLabel(title)
    label.setObjectName("heading")
    layout.addWidget(label)
    return frame, layout


class SettingsScreen(QWidget):
    """``SettingsScreen(store, parent=None, *, actor='系统')``; :meth:`refresh` reads the profile and backups."""


    def __init__(self, store: Store, parent: QWidget | None = None, *, actor: str = "系统",
                 user: UserInfo | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        settings = load_settings(store.data_dir)

        # -- 用户管理 (ui.users): who is logged in, their password; the administrator's list of users
        self.users_section, users_layout = _section(_("用户管理"))
        self.users_panel = UsersPanel(store, actor, user)
        users_layout.addWidget(self.users_panel)

        title = QLabel(_("设置"))
        title.setObjectName("title")

        # -- village profile
        profile, profile_layout = _section(_("本村资料"))
        self.name_edit = QLineEdit()
        self.code_edit = QLineEdit()
        self.code_edit.setReadOnly(True)
        self.code_edit.setToolTip(_("统一社会信用代码是本村在所有导出和同步中的身份,建立后不能修改。"))
        self.township_edit = QLineEdit()
        self.county_edit = QLineEdit()
        self.hotline_edit = QLineEdit()
        self.hotline_edit.setPlaceholderText(_("印在公开栏和证明上,例如 0531-12345678"))
        self.errors = {key: message_label("error") for key in ("name", "township", "county", "hotline")}
        # printed notices leave out "或拨打监督电话" when no number is set: say so where the number is typed
        self.hotline_warning = message_label("error")
        self.hotline_edit.textChanged.connect(self._warn_hotline)
        form = QFormLayout()
        form.setVerticalSpacing(6)
        form.addRow(_("村名:"), self._with_error(self.name_edit, "name"))
        form.addRow(_("统一社会信用代码:"), self.code_edit)
        form.addRow(_("所属乡镇(街道):"), self._with_error(self.township_edit, "township"))
        form.addRow(_("所属县(市、区):"), self._with_error(self.county_edit, "county"))
        form.addRow(_("监督电话:"), self._with_error(self.hotline_edit, "hotline"))
        self.save_button = QPushButton(_("保存本村资料"))
        self.save_button.clicked.connect(self.save_profile)
        self.profile_message = message_label("ok")
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.profile_message)
        save_row.addStretch(1)
        profile_layout.addLayout(form)
        profile_layout.addLayout(save_row)

        # -- display and language
        display, display_layout = _section(_("显示和语言"))
        self.large_text_check = QCheckBox(_("大字模式(把全部文字放大)"))
        self.large_text_check.setChecked(bool(settings.get(LARGE_TEXT_SETTING, False)))
        self.large_text_check.toggled.connect(self.set_large_text)
        self.lang_combo = QComboBox()
        for code, label in LANGUAGES:
            self.lang_combo.addItem(label, code)
        saved_lang = str(settings.get(LANG_SETTING, "zh"))
        self.lang_combo.setCurrentIndex(max(self.lang_combo.findData(saved_lang), 0))
        self.lang_combo.currentIndexChanged.connect(self._language_chosen)
        self.lang_message = QLabel(_("更换语言后,下次打开本软件时生效。"))
        self.lang_message.setObjectName("hint")
        lang_row = QHBoxLayout()
        lang_row.addWidget(QLabel(_("界面语言:")))
        lang_row.addWidget(self.lang_combo)
        lang_row.addWidget(self.lang_message, 1)
        display_layout.addWidget(self.large_text_check)
        display_layout.addLayout(lang_row)

        # -- disclosure: the numbers Art. 30 and the county leave to the village
        disclosure, disclosure_layout = _section(_("村务公开"))
        own = settings.get(DISCLOSURE_SETTING, {}) if isinstance(settings.get(DISCLOSURE_SETTING), dict) else {}
        self.monthly_check = QCheckBox(_("财务收支每月公开一次(集体财务往来较多的村)"))
        self.monthly_check.setChecked(bool(own.get("finance_monthly", False)))
        self.monthly_check.toggled.connect(lambda on: self.set_disclosure("finance_monthly", on))
        # any amount typed is kept as typed; a negative one is refused beside it and not saved (ui.numbers)
        self.threshold_error = message_label("error")
        self.threshold_spin = NumberBox(_("单笔列出明细的金额"), message=self.threshold_error)
        self.threshold_spin.setSingleStep(500)
        self.threshold_spin.setGroupSeparatorShown(True)
        self.threshold_spin.setSuffix(_(" 元"))
        self.threshold_spin.setValue(int(float(str(own.get("finance_threshold", "1000")) or 1000)))
        self.threshold_spin.editingFinished.connect(
            lambda: self.threshold_spin.check() and self.set_disclosure("finance_threshold",
                                                                        str(self.threshold_spin.value())))
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(QLabel(_("财务公开中单笔列出明细的金额(以上,含本数):")))
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addStretch(1)
        disclosure_layout.addWidget(self.monthly_check)
        disclosure_layout.addLayout(threshold_row)
        disclosure_layout.addWidget(self.threshold_error)
        # the township's public pages (cunwu hub serve --public): printed notices' QR codes open its check page
        self.address_edit = QLineEdit(str(settings.get("public_address", "") or ""))
        self.address_edit.setPlaceholderText(_("例如 https://xz.example.gov.cn,没有就空着"))
        self.address_error = message_label("error")
        self.address_edit.editingFinished.connect(self.set_public_address)
        address_row = QHBoxLayout()
        address_row.addWidget(QLabel(_("乡镇群众查询网址(公告二维码用):")))
        address_row.addWidget(self.address_edit, 1)
        disclosure_layout.addLayout(address_row)
        disclosure_layout.addWidget(self.address_error)

        # -- meetings: the kinds the law leaves to the village's own rules (app.meetings.rules)
        meetings, meetings_layout = _section(_("会议规则"))
        meetings_note = QLabel(_("村民会议、村民代表会议、村民小组会议和党员大会的到会和通过要求由法律和党内法规规定"
                                 "(《村民委员会组织法》第二十二、二十六、二十八条,《中国共产党支部工作条例(试行)》第十一条),"
                                 "不能修改。下面四种会议没有法定要求,按本村的议事规则计算;改动后,以后记录的表决按新规则计算,"
                                 "已定稿的会议记录不变。"
                                 "委托:法律规定的会议只计算亲自到会的人,书面委托可以登记,但不计入到会人数;党员大会不能委托。"
                                 "下面四种会议默认也不能委托;勾选“允许委托”后,可委托本次会议到会的组成人员代为出席和表决,"
                                 "每人最多接受 {n} 份委托。").format(n=MAX_PROXIES_PER_HOLDER))
        meetings_note.setObjectName("hint")
        meetings_note.setWordWrap(True)
        own_rules = _dict(_dict(settings.get(MEETINGS_SETTING)).get("rules"))
        rules_grid = QGridLayout()
        rules_grid.setHorizontalSpacing(10)
        own_proxies = _dict(settings.get(MEETINGS_SETTING))
        for column, text in enumerate((_("会议"), _("到会要求"), _("通过要求"), _("委托"))):
            rules_grid.addWidget(QLabel(text), 0, column)
        self.rule_combos: dict[str, tuple[QComboBox, QComboBox]] = {}
        self.proxy_checks: dict[str, QCheckBox] = {}
        problems = []
        for row, kind in enumerate(DEFAULT_SETTINGS, start=1):
            chosen = dict(DEFAULT_SETTINGS[kind])
            try:
                rule_for(kind, {"rules": own_rules})
                chosen.update(_dict(own_rules.get(kind.value)))
            except ValueError as exc:  # the minutes already fall back to the defaults (meeting_rule): say why
                problems.append(str(exc))
            quorum, passing = QComboBox(), QComboBox()
            for key in QUORUM_CHOICES:
                quorum.addItem(quorum_text(key), key)
            for key in PASS_CHOICES:
                passing.addItem(pass_text(key), key)
            quorum.setCurrentIndex(max(quorum.findData(chosen.get("quorum")), 0))
            passing.setCurrentIndex(max(passing.findData(chosen.get("pass")), 0))
            for combo in (quorum, passing):
                combo.currentIndexChanged.connect(lambda _i, k=kind.value: self.set_meeting_rule(k))
            self.rule_combos[kind.value] = (quorum, passing)
            rules_grid.addWidget(QLabel(kind.label), row, 0)
            rules_grid.addWidget(quorum, row, 1)
            rules_grid.addWidget(passing, row, 2)
            proxies = QCheckBox(_("允许委托"))
            proxies.setChecked(proxies_setting(own_proxies, kind))
            proxies.toggled.connect(lambda on, k=kind.value: self.set_meeting_proxies(k, on))
            self.proxy_checks[kind.value] = proxies
            rules_grid.addWidget(proxies, row, 3)
        rules_grid.setColumnStretch(4, 1)
        self.rules_message = message_label("ok")
        if problems:
            show_message(self.rules_message, "\n".join(problems) + _("现在按默认规则计算,请重新选择。"), "error")
        meetings_layout.addWidget(meetings_note)
        meetings_layout.addLayout(rules_grid)
        meetings_layout.addWidget(self.rules_message)

        # -- backups
        backup, backup_layout = _section(_("备份"))
        where = QLabel(_("本软件每天自动备份一次,保存在 {path}").format(path=store.backup_dir))
        where.setObjectName("hint")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_button = QPushButton(_("立即备份"))
        self.backup_button.clicked.connect(self.backup_now)
        self.usb_button = QPushButton(_("备份到U盘…"))
        self.usb_button.clicked.connect(self.backup_to_usb)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.usb_button)
        buttons.addStretch(1)
        self.backup_message = message_label("ok")
        self.backup_message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        recent_label = QLabel(_("最近的备份:"))
        self.backup_list = QListWidget()
        self.backup_list.setMinimumHeight(160)
        self.backup_list.setMaximumHeight(320)
        backup_layout.addWidget(where)
        backup_layout.addLayout(buttons)
        backup_layout.addWidget(self.backup_message)
        backup_layout.addWidget(recent_label)
        backup_layout.addWidget(self.backup_list)

        self.content = QWidget()
        body_layout = QVBoxLayout(self.content)
        body_layout.setContentsMargins(32, 24, 32, 24)
        body_layout.setSpacing(12)
        body_layout.addWidget(title)
        for section in (profile, self.users_section, display, disclosure, meetings, backup):
            body_layout.addWidget(section)
        body_layout.addStretch(1)
        page = QWidget()
        page.setObjectName("page")
        page_layout = QHBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addWidget(self.content, 1)
        page_layout.addStretch(0)
        scroll = self.scroll = QScrollArea()
        scroll.setObjectName("pageScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._fit_width()

    def _fit_width(self) -> None:
        # lines of about 45 characters read better than fields stretched across a wide screen
        self.content.setMaximumWidth(self.fontMetrics().horizontalAdvance("村") * 48)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FontChange:
            self._fit_width()
        super().changeEvent(event)

    def _with_error(self, edit: QLineEdit, key: str) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(edit)
        layout.addWidget(self.errors[key])
        if key == "hotline":
            layout.addWidget(self.hotline_warning)
        return box

    def _warn_hotline(self, text: str) -> None:
        missing = self.save_button.isEnabled() and not text.strip()
        show_message(self.hotline_warning, _("还没有填写监督电话:公告上不会印出监督电话,村民看不到可以打哪个电话反映问题。"
                                             "请填写后保存。") if missing else "", "error")

    # ------------------------------------------------------------ loading

    def refresh(self) -> None:
        store = self.store

        def load(s: Session, _ctx: object) -> SettingsData:
            return SettingsData(get_village(s), list_backups(store.backup_dir)[:RECENT_BACKUPS])

        ReadOp(store, load).success(self._show).run()
        self.users_panel.refresh()

    def show_users(self) -> None:
        """Scroll to 用户管理 (the home screen's to-do 还没有添加用户 opens it)."""
        self.scroll.ensureWidgetVisible(self.users_section, 0, 0)

    def set_user(self, user: UserInfo | None) -> None:
        self.users_panel.set_user(user)

    def _show(self, data: SettingsData) -> None:
        if not isValid(self):
            return
        v = data.village
        if v is not None:
            self.name_edit.setText(v.name)
            self.code_edit.setText(v.code)
            self.township_edit.setText(v.township)
            self.county_edit.setText(v.county)
            self.hotline_edit.setText(v.hotline)
        self.save_button.setEnabled(v is not None)
        self._warn_hotline(self.hotline_edit.text())
        self._show_backups(data.backups)

    def _show_backups(self, backups: list[BackupInfo]) -> None:
        self.backup_list.clear()
        if not backups:
            self.backup_list.addItem(_("还没有备份"))
        for info in backups:
            self.backup_list.addItem(backup_line(info))

    # ------------------------------------------------------------ profile

    def save_profile(self) -> None:
        for label in self.errors.values():
            show_message(label, "")
        show_message(self.profile_message, "")
        values = dict(name=self.name_edit.text(), township=self.township_edit.text(),
                      county=self.county_edit.text(), hotline=self.hotline_edit.text())
        store, actor = self.store, self.actor

        (WriteOp(store, actor, lambda s, _ctx: update_village(s, **values), changes={VILLAGE}, initiator=self)
         .success(self._saved).failure(self._save_failed)
         .disabling(self.save_button).run())

    def _saved(self, village: VillageInfo) -> None:
        if not isValid(self):
            return
        show_message(self.profile_message, _("已保存。"), "ok")

    def _save_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        if isinstance(exc, FieldError) and exc.field in self.errors:
            show_message(self.errors[exc.field], exc.message)
            return
        from ui.errors import show_error

        show_error(self, exc)

    # ------------------------------------------------------------ display

    def set_large_text(self, on: bool) -> None:
        """Rescale the running window at once, and remember the choice for the next start."""
        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_style(app, on)
        data_dir = self.store.data_dir
        Task(lambda _ctx: update_setting(data_dir, LARGE_TEXT_SETTING, on), write=False).run()

    def _language_chosen(self, _index: int) -> None:
        data_dir, code = self.store.data_dir, self.lang_combo.currentData()
        Task(lambda _ctx: update_setting(data_dir, LANG_SETTING, code), write=False).run()

    def set_disclosure(self, key: str, value: object) -> None:
        """One of the village's own disclosure numbers (settings.json "disclosure"); the calendar,
        the home screen and new financial drafts use it from now on."""
        data_dir = self.store.data_dir

        def save(_ctx: object) -> None:
            settings = load_settings(data_dir)
            own = settings.get(DISCLOSURE_SETTING)
            own = dict(own) if isinstance(own, dict) else {}
            own[key] = value
            update_setting(data_dir, DISCLOSURE_SETTING, own)

        Task(save, write=True).run()  # one at a time: each reads, changes and rewrites settings.json

    def set_public_address(self) -> None:
        """The township's public address (settings.json "public_address"): notices printed from now on carry
        it in their QR code; empty, they stay as they are. Something that is no address is said and not saved."""
        from app.disclosure.public_address import ADDRESS_SETTING, clean_address

        try:
            value = clean_address(self.address_edit.text())
        except FieldError as exc:
            show_message(self.address_error, exc.message, "error")
            return
        show_message(self.address_error, "", "error")
        self.address_edit.setText(value)  # as it will be printed
        data_dir = self.store.data_dir
        Task(lambda _ctx: update_setting(data_dir, ADDRESS_SETTING, value), write=True).run()

    def set_meeting_rule(self, kind: str) -> Task:
        """The village's rule for one kind without a statutory rule (settings.json "meetings" → "rules");
        votes recorded from now on follow it (app.meetings.service.meeting_rule)."""
        quorum, passing = self.rule_combos[kind]
        rule = {"quorum": str(quorum.currentData()), "pass": str(passing.currentData())}
        data_dir = self.store.data_dir

        def save(_ctx: object) -> None:
            settings = load_settings(data_dir)
            own = _dict(settings.get(MEETINGS_SETTING))
            rules = _dict(own.get("rules"))
            rules[kind] = rule
            own["rules"] = rules
            update_setting(data_dir, MEETINGS_SETTING, own)

        def saved(_result: object) -> None:
            if isValid(self):
                text = _("已保存:{kind}按“{quorum}”到会、“{passing}”通过。").format(
                    kind=MeetingKind(kind).label, quorum=quorum_text(rule["quorum"]), passing=pass_text(rule["pass"]))
                show_message(self.rules_message, text, "ok")

        def failed(exc: BaseException) -> None:
            if isValid(self):
                from ui.errors import message_for

                show_message(self.rules_message, message_for(exc), "error")

        # the write pool, one at a time: each reads, changes and rewrites settings.json
        return Task(save, write=True).success(saved).failure(failed).run()

    def set_meeting_proxies(self, kind: str, allowed: bool) -> Task:
        """Whether a written proxy counts at one kind without a statutory rule (settings.json "meetings" →
        "proxies"); the law's kinds never count one (app.meetings.kinds.proxy_rule)."""
        data_dir = self.store.data_dir

        def save(_ctx: object) -> None:
            settings = load_settings(data_dir)
            own = _dict(settings.get(MEETINGS_SETTING))
            proxies = _dict(own.get("proxies"))
            proxies[kind] = bool(allowed)
            own["proxies"] = proxies
            update_setting(data_dir, MEETINGS_SETTING, own)

        def saved(_result: object) -> None:
            if isValid(self):
                text = (_("已保存:{kind}可以委托本次会议到会的组成人员代为出席和表决(每人最多 {n} 份)。") if allowed
                        else _("已保存:{kind}不能委托他人出席。")).format(kind=MeetingKind(kind).label,
                                                                      n=MAX_PROXIES_PER_HOLDER)
                show_message(self.rules_message, text, "ok")

        def failed(exc: BaseException) -> None:
            if isValid(self):
                from ui.errors import message_for

                show_message(self.rules_message, message_for(exc), "error")

        return Task(save, write=True).success(saved).failure(failed).run()

    # ------------------------------------------------------------ backups

    def backup_now(self) -> None:
        self._backup_to(self.store.backup_dir)

    def backup_to_usb(self) -> None:
        folder = filedialogs.existing_directory(self, filedialogs.BACKUP, _("选择U盘或要保存备份的文件夹"))
        if folder:
            self._backup_to(Path(folder))

    def _backup_to(self, dest: Path) -> None:
        show_message(self.backup_message, "")
        store = self.store

        def run(_ctx: object) -> tuple[BackupInfo, list[BackupInfo]]:
            info = make_backup(store.db_path, dest, kind="manual")
            return info, list_backups(store.backup_dir)[:RECENT_BACKUPS]

        (Task(run, write=False).success(self._backed_up).failure(self._backup_failed)
         .with_progress(self, _("正在备份,请不要拔出U盘……"))
         .disabling(self.backup_button, self.usb_button).run())

    def _backed_up(self, result: tuple[BackupInfo, list[BackupInfo]]) -> None:
        announce(self.store, {BACKUPS}, self)  # a file beside the store, not a write in it
        if not isValid(self):
            return
        info, recent = result
        show_message(self.backup_message, _("备份完成,已保存到 {path}").format(path=info.path), "ok")
        self._show_backups(recent)

    def _backup_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        from ui.errors import message_for, show_error

        show_message(self.backup_message, message_for(exc), "error")
        show_error(self, exc)
