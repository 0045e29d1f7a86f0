"""Writing a notice: title, category, catalogue item and period, body, tables, files, and the printed page beside it.

The page on the right is drawn from the same layout as the PDF a moment after
typing stops, so the clerk sees the board's page while writing. Choosing a
catalogue item and period and pressing 按模板填写 fills the title and body from the
catalogue's template, or for a finance item from the accountant's ledger.

Only a draft, or one the supervision committee returned, can be changed. Any other
notice opens read-only: no editable fields and no save buttons, with a line that
says why (posted notices are corrected by a new notice, never edited).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QComboBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QLayout, QLineEdit,
                               QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton, QScrollArea, QSplitter, QVBoxLayout,
                               QWidget)
from shiboken6 import isValid

from app.disclosure.calendar import period_for, periods
from app.disclosure.catalogue import EVENT, CatalogueItem, frequency_label
from app.disclosure.models import RETURNED
from app.disclosure.service import CATEGORIES, TITLE_MAX, NoticeDraft, NoticeInfo, check_draft, role_label
from app.disclosure.view import NoticeView
from app.i18n import _
from app.meetings.matters import matter_for_notice
from app.people.service import FieldError
from app.storage import Store
from ui import widgets
from ui.disclosure import actions
from ui.disclosure.preview import LivePreview
from ui.disclosure.table_editor import TablesEditor
from ui.errors import message_for
from ui.operations import NOTICES, ReadOp, WriteOp
from ui.style import message_label, show_message
from ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

NO_ITEM = ""
PERIOD_YEARS = 2  # this year and last: a late notice for last December is still made in January


def item_text(item: CatalogueItem) -> str:
    return _("{code} {name}({frequency})").format(code=item.code, name=item.name,
                                                  frequency=frequency_label(item.frequency))


def default_period(item: CatalogueItem, today: dt.date) -> str:
    """The period a clerk most likely writes for now: the last one that has ended, else the current one."""
    current = period_for(item, today)
    if current is None:
        return ""
    before = period_for(item, current.start - dt.timedelta(days=1))
    return before.key if before is not None else current.key


def _scrolling(inner: QWidget) -> QScrollArea:
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setWidget(inner)
    return scroll


def _part(title: str, content: QWidget | QLayout, below: QWidget | None = None) -> QWidget:
    """One part of the notice under its heading; ``below`` is the line that says what is wrong with it."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(widgets.heading(title))
    if isinstance(content, QLayout):
        layout.addLayout(content)
    else:
        layout.addWidget(content, 1)
    if below is not None:
        layout.addWidget(below)
    return box


class NoticeEditor(QWidget):
    """``open_new(draft)``, ``open_notice(info)``; ``saved(NoticeInfo)`` after each save, ``closed`` on 返回."""

    saved = Signal(object)
    submitted = Signal(object)
    closed = Signal()
    preview_requested = Signal(object)  # NoticeView
    attach_requested = Signal()
    file_requested = Signal(object)  # NoticeFileInfo

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.context: actions.Context | None = None
        self.notice: NoticeInfo | None = None
        self.read_only = False
        self.dirty = False
        self._loading = False
        self._source = ""
        self._catalogue_version = ""
        self._saved_view: NoticeView | None = None
        self._task: Task | None = None

        self.heading = QLabel(_("新建公开事项"))
        self.heading.setObjectName("heading")
        self.banner = message_label("hint")
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(TITLE_MAX + 20)  # a few over, so the message says it is too long
        self.title_edit.setPlaceholderText(_("例如:2026年10月财务收支情况公开"))
        self.title_error = message_label("error")
        self.category_combo = QComboBox()
        for c in CATEGORIES:
            self.category_combo.addItem(c, c)
        self.item_combo = QComboBox()
        self.item_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.item_combo.setMinimumContentsLength(16)
        self.period_combo = QComboBox()
        self.period_combo.setMinimumContentsLength(10)
        self.template_button = QPushButton(_("按模板填写"))
        self.template_button.setToolTip(_("用公开目录里这一项的模板填写标题和正文;财务收支从账本生成"))
        self.body_edit = QPlainTextEdit()
        self.body_edit.setMinimumHeight(self.body_edit.fontMetrics().lineSpacing() * 6 + 12)  # never two lines
        self.body_edit.setPlaceholderText(_("正文。空一行分段;一行以“## ”开头是小标题,以“- ”开头是列项。"))
        self.body_error = message_label("error")
        self.tables = TablesEditor()
        self.tables_error = message_label("error")
        self.files_list = QListWidget()
        self.files_list.setMaximumHeight(self.fontMetrics().height() * 5)
        self.attach_button = QPushButton(_("添加照片或附件…"))
        self.open_file_button = QPushButton(_("查看"))
        self.general_error = message_label("error")
        self.status = message_label("ok")

        self.save_button = QPushButton(_("保存草稿"))
        self.save_button.setToolTip(_("保存(Ctrl+S)"))
        self.submit_button = QPushButton(_("保存并送监委会审核"))
        self.submit_button.setObjectName("primary")
        self.print_button = QPushButton(_("打印预览…"))
        self.close_button = QPushButton(_("返回列表"))

        self.preview = LivePreview(self.current_view)

        form = QFormLayout()
        form.addRow(_("标题"), self.title_edit)
        form.addRow("", self.title_error)
        item_row = QHBoxLayout()
        item_row.addWidget(self.item_combo, 1)
        item_row.addWidget(self.period_combo)
        item_row.addWidget(self.template_button)
        form.addRow(_("公开目录"), item_row)
        form.addRow(_("类别"), self.category_combo)

        files_row = QHBoxLayout()
        files_row.addWidget(self.files_list, 1)
        files_buttons = QVBoxLayout()
        files_buttons.addWidget(self.attach_button)
        files_buttons.addWidget(self.open_file_button)
        files_buttons.addStretch(1)
        files_row.addLayout(files_buttons)

        parts = QSplitter(Qt.Orientation.Vertical)
        parts.setChildrenCollapsible(False)
        parts.addWidget(_part(_("正文"), self.body_edit, self.body_error))
        parts.addWidget(_part(_("表格"), self.tables, self.tables_error))
        parts.addWidget(_part(_("照片和附件"), files_row))
        parts.setStretchFactor(0, 3)
        parts.setStretchFactor(1, 3)
        parts.setStretchFactor(2, 1)

        buttons = QHBoxLayout()
        buttons.addWidget(self.close_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.submit_button)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(self.heading)
        left_layout.addWidget(self.banner)
        left_layout.addLayout(form)
        left_layout.addWidget(_scrolling(parts), 1)  # a short screen scrolls the parts, never hides the buttons
        left_layout.addWidget(self.general_error)
        left_layout.addWidget(self.status)
        left_layout.addLayout(buttons)

        right = QFrame()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(widgets.heading(_("打印出来的样子")))
        right_layout.addWidget(self.preview, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([560, 480])  # the page wide enough to read, the fields still roomy
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(split)

        for signal in (self.title_edit.textChanged, self.body_edit.textChanged, self.tables.changed):
            signal.connect(self._changed)
        # a red line about a field goes once that field is changed (it is checked again on saving)
        for signal, label in ((self.title_edit.textChanged, self.title_error),
                              (self.body_edit.textChanged, self.body_error), (self.tables.changed, self.tables_error)):
            signal.connect(lambda *_a, label=label: None if self._loading else show_message(label, ""))
        self.category_combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.item_combo.currentIndexChanged.connect(self._item_changed)
        self.period_combo.currentIndexChanged.connect(lambda _i: self._changed())
        self.template_button.clicked.connect(self.fill_from_template)
        self.save_button.clicked.connect(self.save)
        self.submit_button.clicked.connect(self.save_and_submit)
        self.print_button.clicked.connect(self.print_preview)
        self.close_button.clicked.connect(self.close_editor)
        self.attach_button.clicked.connect(lambda: self.attach_requested.emit())
        self.open_file_button.clicked.connect(self._open_file)
        self.files_list.itemDoubleClicked.connect(lambda _item: self._open_file())
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save)  # type: ignore[call-arg]
        self._update_buttons()

    # ------------------------------------------------------------ context

    def set_context(self, context: actions.Context) -> None:
        self.context = context
        self._loading = True
        code = self.item_combo.currentData()
        self.item_combo.clear()
        self.item_combo.addItem(_("(不按公开目录)"), NO_ITEM)
        if context.catalogue is not None:
            for category, items in context.catalogue.by_category().items():
                for item in items:
                    self.item_combo.addItem(item_text(item), item.code)
        self.item_combo.setCurrentIndex(max(self.item_combo.findData(code), 0))
        self._loading = False

    def _item(self) -> CatalogueItem | None:
        code = self.item_combo.currentData()
        if not code or self.context is None or self.context.catalogue is None:
            return None
        try:
            return self.context.catalogue.item(str(code))
        except Exception:  # noqa: BLE001 - a notice made under an older catalogue keeps its code
            return None

    def _fill_periods(self, item: CatalogueItem | None, key: str = "", label: str = "") -> None:
        self.period_combo.blockSignals(True)
        self.period_combo.clear()
        if item is not None and item.frequency != EVENT:
            today = self.context.today if self.context else dt.date.today()
            for year in range(today.year, today.year - PERIOD_YEARS, -1):
                for p in reversed(periods(item, year)):
                    if p.start <= today:
                        self.period_combo.addItem(p.label, (p.key, p.label))
            key = key or default_period(item, today)
        if key and self.period_combo.findData((key, label)) < 0 and not any(
                self.period_combo.itemData(i)[0] == key for i in range(self.period_combo.count())):
            self.period_combo.addItem(label or key, (key, label or key))
        index = next((i for i in range(self.period_combo.count()) if self.period_combo.itemData(i)[0] == key), 0)
        self.period_combo.setCurrentIndex(index)
        self.period_combo.setEnabled(self.period_combo.count() > 0 and not self.read_only)
        self.period_combo.setVisible(self.period_combo.count() > 0)
        self.period_combo.blockSignals(False)

    def _item_changed(self) -> None:
        if self._loading:
            return
        item = self._item()
        self._fill_periods(item)
        if item is not None:
            self.category_combo.setCurrentIndex(max(self.category_combo.findData(item.category), 0))
        self.template_button.setEnabled(item is not None and not self.read_only)
        self.template_button.setText(_("从账本生成") if item is not None and item.finance else _("按模板填写"))
        self._changed()

    # ------------------------------------------------------------ opening

    def open_new(self, draft: NoticeDraft | None = None) -> None:
        self.notice = None
        self._saved_view = None
        self._set_read_only(False)
        self.heading.setText(_("新建公开事项"))
        show_message(self.banner, "")
        show_message(self.status, "")  # what was said about the last notice is not about this one
        self._fill(draft or NoticeDraft(title="", category=CATEGORIES[1]))
        self.files_list.clear()
        self.files_list.addItem(_("先保存草稿,再添加照片或附件。"))
        self.dirty = draft is not None
        self._update_buttons()
        self.preview.refresh_now()
        self.title_edit.setFocus()

    def open_notice(self, info: NoticeInfo) -> None:
        if self.notice is None or self.notice.id != info.id:
            show_message(self.status, "")  # what was said about the last notice is not about this one
        self.notice = info
        self._saved_view = None
        self._set_read_only(not info.editable)
        self._fill(NoticeDraft(title=info.title, category=info.category, body=info.body, item_code=info.item_code,
                               period_key=info.period_key, period_label=info.period_label, tables=list(info.tables),
                               source=info.source, catalogue_version=info.catalogue_version))
        self._show_files(info)
        self.dirty = False
        if info.editable:
            self.heading.setText(_("修改公开事项"))
            if info.state == RETURNED and info.reviews:
                last = info.reviews[-1]
                show_message(self.banner, _("监委会 {date} 退回修改({who}):{opinion}").format(
                    date=last.date.isoformat(), who=last.reviewers, opinion=last.opinion), "error")
            elif info.corrects_id is not None:
                show_message(self.banner, actions.correction_text(info), "hint")
            elif matter_for_notice(info.source) is not None:
                show_message(self.banner, _("这份公告由“四议两公开”事项(编号 {id})办完决议或实施后自动起草,"
                                            "请核对内容后保存并送监委会审核。").format(id=matter_for_notice(info.source)),
                             "hint")
            else:
                show_message(self.banner, "")
            self.preview.refresh_now()
        else:
            self.heading.setText(_("查看公开事项 {number}").format(number=info.number) if info.number
                                 else _("查看公开事项"))
            if info.number:
                text = _("已经公开(编号 {number}),内容不能再修改。如有错误,请回到列表点“更正…”另发一份更正公告。").format(
                    number=info.number)
            else:
                text = _("这份是“{state}”状态,已经送审,不能再修改。监委会退回后才能修改。").format(state=info.state_text)
            show_message(self.banner, text, "hint")
            self._load_saved_view(info.id)
        self._update_buttons()

    def _load_saved_view(self, notice_id: int) -> None:
        store = self.store

        def got(view: NoticeView) -> None:
            if isValid(self) and self.notice is not None and self.notice.id == notice_id:
                self._saved_view = view
                self.preview.refresh_now()

        ReadOp(store, lambda s, _ctx: actions.read_view(s, notice_id)).success(got) \
            .failure(lambda exc: self.preview.set_message(message_for(exc), "error") if isValid(self) else None).run()

    def _fill(self, d: NoticeDraft) -> None:
        self._loading = True
        self.title_edit.setText(d.title)
        self.category_combo.setCurrentIndex(max(self.category_combo.findData(d.category), 0))
        index = self.item_combo.findData(d.item_code) if d.item_code else 0
        if index < 0:  # an item the catalogue in force no longer has: keep it
            self.item_combo.addItem(d.item_code, d.item_code)
            index = self.item_combo.count() - 1
        self.item_combo.setCurrentIndex(index)
        item = self._item()
        self._fill_periods(item, d.period_key, d.period_label)
        self.template_button.setEnabled(item is not None and not self.read_only)
        self.template_button.setText(_("从账本生成") if item is not None and item.finance else _("按模板填写"))
        self.body_edit.setPlainText(d.body)
        self.tables.set_tables(list(d.tables))
        self._source, self._catalogue_version = d.source, d.catalogue_version
        self._loading = False
        self._clear_errors()

    def _show_files(self, info: NoticeInfo) -> None:
        self.files_list.clear()
        for f in info.files:
            item = QListWidgetItem(_("{role}:{name}({added})").format(role=role_label(f.role), name=f.name,
                                                                     added=f.added[:10]))
            item.setData(Qt.ItemDataRole.UserRole, f)
            self.files_list.addItem(item)
        if not info.files:
            self.files_list.addItem(_("还没有照片。张贴后请拍一张公开栏的照片存档。"))

    def _set_read_only(self, read_only: bool) -> None:
        self.read_only = read_only
        self.title_edit.setReadOnly(read_only)
        self.body_edit.setReadOnly(read_only)
        for combo in (self.category_combo, self.item_combo, self.period_combo):
            combo.setEnabled(not read_only)
        self.tables.set_read_only(read_only)
        for b in (self.save_button, self.submit_button, self.template_button):
            b.setVisible(not read_only)

    # ------------------------------------------------------------ what is on screen

    def editable_fields(self) -> list[QWidget]:
        """The inputs a clerk could type into now (none for a posted notice)."""
        fields: list[QWidget] = []
        if not self.title_edit.isReadOnly():
            fields.append(self.title_edit)
        if not self.body_edit.isReadOnly():
            fields.append(self.body_edit)
        fields += [c for c in (self.category_combo, self.item_combo, self.period_combo) if c.isEnabled()]
        return fields

    def draft(self) -> NoticeDraft:
        period = self.period_combo.currentData() if self.period_combo.count() else None
        key, label = period if period else ("", "")
        return NoticeDraft(title=self.title_edit.text(), category=str(self.category_combo.currentData()),
                           body=self.body_edit.toPlainText(), item_code=str(self.item_combo.currentData() or ""),
                           period_key=key, period_label=label, tables=self.tables.tables(), source=self._source,
                           catalogue_version=self._catalogue_version or (
                               self.context.catalogue.version if self.context and self.context.catalogue
                               and self.item_combo.currentData() else ""))

    def current_view(self) -> NoticeView | None:
        if self.read_only:
            return self._saved_view
        corrects = actions.correction_text(self.notice) if self.notice is not None else ""
        today = self.context.today if self.context else None
        return actions.preview_view(self.context, self.draft(), corrects=corrects, today=today)

    def _changed(self) -> None:
        if self._loading or self.read_only:
            return
        self.dirty = True
        self.status.setVisible(False)
        self.preview.request()

    def _update_buttons(self) -> None:
        saved = self.notice is not None
        self.attach_button.setEnabled(saved)
        self.attach_button.setToolTip("" if saved else _("先保存草稿,再添加照片或附件"))
        self.open_file_button.setEnabled(saved and bool(self.notice and self.notice.files))

    # ------------------------------------------------------------ actions

    def _clear_errors(self) -> None:
        for label in (self.title_error, self.body_error, self.tables_error, self.general_error):
            show_message(label, "")

    def _show_error(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self._update_buttons()
        if isinstance(exc, FieldError):
            label = {"title": self.title_error, "body": self.body_error, "tables": self.tables_error}.get(
                exc.field, self.general_error)
            show_message(label, exc.message, "error")
            if exc.field == "title":
                self.title_edit.setFocus()
            return
        show_message(self.general_error, message_for(exc), "error")

    def save(self) -> Task | None:
        if self.read_only:
            return None
        return self._write(actions.save, self._saved)

    def _saved(self, info: NoticeInfo) -> None:
        if self._written(info, _("已保存“{title}”。").format(title=info.title)):
            self.saved.emit(info)

    def save_and_submit(self) -> Task | None:
        if self.read_only:
            return None
        self._clear_errors()
        try:  # what saving would refuse (no title, too long) is said beside its field before any question
            checked = check_draft(self.draft())
        except FieldError as exc:
            self._show_error(exc)
            return None
        if not widgets.confirm(self, _("送监委会审核"), _(
                "把“{title}”送村务监督委员会审核吗?\n送审后就不能再修改;监委会退回后才能修改。").format(
                title=checked.title), _("送审"), _("先不送")):
            return None
        return self._write(actions.save_and_submit, self._submitted)

    def _submitted(self, info: NoticeInfo) -> None:
        if self._written(info, _("已送监委会审核。审核后请在列表里点“记录审核…”。")):
            self.saved.emit(info)
            self.submitted.emit(info)

    def _write(self, action: Callable[[Session, int | None, NoticeDraft], NoticeInfo],
               done: Callable[[NoticeInfo], None]) -> Task:
        """Run ``action`` on the draft in a write operation, with both buttons off until it answers."""
        self._clear_errors()
        nid, draft = self.notice.id if self.notice else None, self.draft()
        self._task = WriteOp(self.store, self.actor, lambda s, _ctx: action(s, nid, draft), changes={NOTICES},
                             initiator=self) \
            .success(done).failure(self._show_error).disabling(self.save_button, self.submit_button).run()
        return self._task

    def _written(self, info: NoticeInfo, said: str) -> bool:
        """Show the notice as stored now and say so; False if the editor has been closed meanwhile."""
        if not isValid(self):
            return False
        self.open_notice(info)
        show_message(self.status, said, "ok")
        return True

    def fill_from_template(self) -> Task | None:
        item = self._item()
        if item is None or self.read_only:
            return None
        if (self.body_edit.toPlainText().strip() or self.tables.tables()) and not widgets.confirm(
                self, _("按模板填写"), _("正文和表格里已经有内容。用“{item}”的模板替换现在的标题、正文和表格吗?").format(
                    item=item.name), _("替换"), _("不替换")):
            return None
        if item.frequency == EVENT:
            village = self.context.village_name if self.context else ""
            self._apply_template(NoticeDraft(title=item.name, category=item.category, body=item.render("", village),
                                             item_code=item.code, source="template",
                                             catalogue_version=self.context.catalogue.version
                                             if self.context and self.context.catalogue else ""))
            return None
        period = self.period_combo.currentData()
        if not period:
            return None
        store, code, key = self.store, item.code, period[0]
        self._clear_errors()
        self._task = ReadOp(store, lambda s, _ctx: actions.draft_for(s, store.data_dir, code, key)) \
            .success(self._apply_template) \
            .failure(self._show_error).disabling(self.template_button) \
            .with_progress(self, _("正在从账本生成财务公开……") if item.finance else _("正在填写……")).run()
        return self._task

    def _apply_template(self, draft: NoticeDraft) -> None:
        if not isValid(self):
            return
        self._fill(draft)
        self.dirty = True
        self._update_buttons()
        self.preview.refresh_now()
        if draft.source == "ledger":
            show_message(self.status, _("已从账本生成收支情况和明细表格,请核对后保存。"), "ok")

    def print_preview(self) -> None:
        view = self.current_view()
        if view is not None:
            self.preview_requested.emit(view)

    # ------------------------------------------------------------ unsaved changes (ui.unsaved)

    def unsaved_changes(self) -> str:
        """What closing the program would lose, for its question; "" when nothing."""
        if not self.dirty or self.read_only:
            return ""
        title = self.title_edit.text().strip()
        return _("村务公开:公开事项“{title}”").format(title=title) if title else _("村务公开:新的公开事项(还没有标题)")

    def save_changes(self) -> Task | None:
        """保存 in the closing question: the same as 保存草稿 (a refusal shows under its field)."""
        return self.save()

    def close_editor(self) -> bool:
        if self.dirty and not self.read_only and not widgets.confirm(
                self, _("还没有保存"), _("这份公开事项改过还没有保存。不保存就返回列表吗?"), _("不保存,返回"), _("继续编辑")):
            return False
        self.dirty = False
        self.closed.emit()
        return True

    def set_files(self, info: NoticeInfo) -> None:
        """The notice's files changed (a photo added): show them, keep whatever is being typed."""
        if self.notice is not None and self.notice.id == info.id:
            self.notice = info
            self._show_files(info)
            self._update_buttons()

    def _open_file(self) -> None:
        item = self.files_list.currentItem() or (self.files_list.item(0) if self.files_list.count() else None)
        info: Any = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if info is not None:
            self.file_requested.emit(info)
