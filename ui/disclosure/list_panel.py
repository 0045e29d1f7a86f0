"""公开事项: every notice with filters and search, and the selected one's record and next step.

The search box finds words in titles, bodies, tables and file names (one or two
characters are enough: 低保). Beside the list, the selected notice: its state,
number, posting period, who reviewed and approved it, corrections, villagers'
questions and files; only the buttons for what can be done next are shown.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPushButton, QSplitter, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.disclosure.models import (APPROVED, ARCHIVED, DRAFT, EDITABLE, POSTED, PUBLISHED, RETURNED, REVIEWED,
                                   STATES, SUBMITTED)
from app.disclosure.service import CATEGORIES, NoticeInfo, NoticeQuery, state_label
from app.i18n import _
from app.searchtext import also_line
from app.storage import Store
from ui import widgets
from ui.disclosure import actions
from ui.disclosure.notice_model import Columns, NoticeListModel, posted_text
from ui.errors import message_for, show_error
from ui.operations import ReadOp
from ui.style import message_label, show_message
from ui.tasks import Task
from ui.widgets import record_table, search_timer, select_row, selectable, size_columns

ALL = ""
PUBLISHED_FILTER = "published"
_SAMPLE = {Columns.NUMBER: "2026-015 ", Columns.STATE: "退回修改", Columns.POSTED: "2026-10-05"}


class DetailsPanel(QFrame):
    """The selected notice; each button is a signal the screen answers."""

    edit = Signal(int)
    submit = Signal(int)
    delete = Signal(int)
    review = Signal(int)
    approve = Signal(int)
    post = Signal(int)
    preview = Signal(int)
    attach = Signal(int)
    feedback = Signal(int)
    answer = Signal(object)  # FeedbackInfo
    feedback_pdf = Signal(int)
    correct = Signal(int)
    archive = Signal(int)
    open_file = Signal(object)  # NoticeFileInfo
    open_other = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.notice: NoticeInfo | None = None
        self.title_label = QLabel("")
        self.title_label.setObjectName("heading")
        self.title_label.setWordWrap(True)
        self.state_label = QLabel("")
        self.state_label.setObjectName("lead")
        self.facts_label = selectable(QLabel(""))
        self.facts_label.setWordWrap(True)
        self.next_label = QLabel("")
        self.next_label.setObjectName("hint")
        self.next_label.setWordWrap(True)

        def button(text: str, tip: str = "") -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            return b

        self.edit_button = button(_("修改…"), _("打开编辑,改标题、正文和表格"))
        self.view_button = button(_("查看"), _("打开看全文和打印出来的样子"))
        self.submit_button = button(_("送监委会审核"))
        self.delete_button = button(_("删除草稿…"))
        self.review_button = button(_("记录审核…"), _("记下监委会审核的人、日期、意见和结果"))
        self.approve_button = button(_("批准…"))
        self.post_button = button(_("张贴…"), _("定下张贴的起止日期,给出公开编号;张贴后再打印,贴到公开栏"))
        self.preview_button = button(_("打印预览…"), _("看看打印出来的样子,然后打印或另存为PDF;"
                                                       "点过“张贴…”以后打印的才能贴到公开栏"))
        self.attach_button = button(_("添加照片…"), _("张贴后给公开栏拍照存档"))
        self.feedback_button = button(_("登记村民意见…"))
        self.answer_button = button(_("答复选中的意见…"))
        self.feedback_pdf_button = button(_("打印意见和答复…"))
        self.correct_button = button(_("更正…"), _("内容有错时,另发一份更正公告;原公告保留"))
        self.archive_button = button(_("归档"), _("张贴期满后收进档案"))
        for b in (self.submit_button, self.post_button, self.review_button, self.approve_button):
            b.setObjectName("primary")
        self.buttons = [self.edit_button, self.view_button, self.submit_button, self.review_button,
                        self.approve_button, self.post_button, self.preview_button, self.attach_button,
                        self.feedback_button, self.answer_button, self.feedback_pdf_button, self.correct_button,
                        self.archive_button, self.delete_button]
        self.grid = QGridLayout()

        self.feedback_list = QListWidget()
        self.feedback_list.setWordWrap(True)
        self.files_list = QListWidget()
        self.feedback_heading = widgets.heading(_("村民意见"))
        self.files_heading = widgets.heading(_("照片和附件"))
        self.empty_label = QLabel(_("在左边选中一份公开事项,这里显示它的办理情况和下一步。"))
        self.empty_label.setObjectName("hint")
        self.empty_label.setWordWrap(True)

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(8, 0, 8, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.title_label)
        layout.addWidget(self.state_label)
        layout.addWidget(self.facts_label)
        layout.addWidget(self.next_label)
        layout.addLayout(self.grid)
        layout.addWidget(self.feedback_heading)
        layout.addWidget(self.feedback_list)
        layout.addWidget(self.files_heading)
        layout.addWidget(self.files_list)
        layout.addStretch(1)
        scroll = widgets.VerticalScroll(inner)  # as wide as its buttons need: never cut on the right
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        signals = {self.edit_button: self.edit, self.view_button: self.edit, self.submit_button: self.submit,
                   self.delete_button: self.delete, self.review_button: self.review,
                   self.approve_button: self.approve, self.post_button: self.post, self.preview_button: self.preview,
                   self.attach_button: self.attach, self.feedback_button: self.feedback,
                   self.feedback_pdf_button: self.feedback_pdf, self.correct_button: self.correct,
                   self.archive_button: self.archive}
        for b, signal in signals.items():
            b.clicked.connect(lambda _c=False, s=signal: self.notice and s.emit(self.notice.id))
        self.answer_button.clicked.connect(self._answer)
        self.feedback_list.itemDoubleClicked.connect(lambda _i: self._answer())
        self.feedback_list.currentRowChanged.connect(lambda _r: self._update_answer())
        self.files_list.itemDoubleClicked.connect(
            lambda item: self.open_file.emit(item.data(Qt.ItemDataRole.UserRole))
            if item.data(Qt.ItemDataRole.UserRole) else None)
        self.show_notice(None)

    def show_notice(self, n: NoticeInfo | None, today: dt.date | None = None) -> None:
        self.notice = n
        today = today or dt.date.today()
        has = n is not None
        self.empty_label.setVisible(not has)
        for w in (self.title_label, self.state_label, self.facts_label, self.next_label, self.feedback_heading,
                  self.feedback_list, self.files_heading, self.files_list):
            w.setVisible(has)
        if n is None:
            self._lay_buttons([])
            return
        self.title_label.setText(n.title)
        number = _("编号 {number}").format(number=n.number) if n.number else _("未编号")
        self.state_label.setText(_("{state} · {number} · {category}").format(
            state=n.state_text, number=number, category=n.category))
        self.facts_label.setText("\n".join(self._facts(n)))
        self.next_label.setText(self._next_step(n, today))
        published = n.state in PUBLISHED
        visible = {
            self.edit_button: n.state in EDITABLE, self.view_button: n.state not in EDITABLE,
            self.submit_button: n.state in EDITABLE, self.delete_button: n.state == DRAFT,
            self.review_button: n.state == SUBMITTED, self.approve_button: n.state == REVIEWED,
            self.post_button: n.state == APPROVED, self.preview_button: True, self.attach_button: True,
            self.feedback_button: published, self.answer_button: published and bool(n.feedback),
            self.feedback_pdf_button: published and bool(n.feedback), self.correct_button: published,
            self.archive_button: n.state == POSTED and bool(n.posted_until and n.posted_until < today),
        }
        self._lay_buttons([b for b in self.buttons if visible[b]])
        self.feedback_list.clear()
        for f in n.feedback:
            answer = _("答:{answer}({who} {date})").format(
                answer=f.answer, who=f.answered_by, date=f.answered_on.isoformat() if f.answered_on else "") \
                if f.answer else _("(尚未答复)")
            item = QListWidgetItem(_("{asker}({date})问:{question}\n{answer}").format(
                asker=f.asker, date=f.asked_on.isoformat(), question=f.question, answer=answer))
            item.setData(Qt.ItemDataRole.UserRole, f)
            self.feedback_list.addItem(item)
        if n.feedback:
            self.feedback_list.setCurrentRow(0)
        else:
            self.feedback_list.addItem(_("还没有村民意见。") if published else _("公开后可以登记村民的意见和答复。"))
        self.feedback_list.setFixedHeight(self.fontMetrics().height() * min(12, 1 + 4 * max(len(n.feedback), 1)))
        self.files_list.clear()
        for file in n.files:
            from app.disclosure.service import role_label

            item = QListWidgetItem(_("{role}:{name}(双击查看)").format(role=role_label(file.role), name=file.name))
            item.setData(Qt.ItemDataRole.UserRole, file)
            self.files_list.addItem(item)
        if not n.files:
            self.files_list.addItem(_("还没有照片。") if published else _("张贴后请拍一张公开栏的照片存档。"))
        self.files_list.setFixedHeight(self.fontMetrics().height() * (2 + 2 * max(min(len(n.files), 3), 1)))
        self._update_answer()

    def _lay_buttons(self, shown: list[QPushButton]) -> None:
        """Only the buttons for what can be done next, two to a row without gaps."""
        for b in self.buttons:
            self.grid.removeWidget(b)
            b.setVisible(False)
        for i, b in enumerate(shown):
            self.grid.addWidget(b, i // 2, i % 2)
            b.setVisible(True)

    def _facts(self, n: NoticeInfo) -> list[str]:
        lines = []
        if n.period_label:
            lines.append(_("期间:{period}").format(period=n.period_label))
        if n.posted_from:
            lines.append(_("张贴期:{period}").format(period=posted_text(n)))
        for r in n.reviews:
            outcome = _("审核通过") if r.outcome == "passed" else _("退回修改")
            line = _("监委会审核:{date} {who},{outcome}").format(date=r.date.isoformat(), who=r.reviewers,
                                                           outcome=outcome)
            if r.opinion:
                line += _(",意见:{opinion}").format(opinion=r.opinion)
            lines.append(line)
        if n.approved_by:
            lines.append(_("批准:{who} {date}").format(who=n.approved_by,
                                                    date=n.approved_on.isoformat() if n.approved_on else ""))
        if n.corrects_id is not None:
            lines.append(actions.correction_text(n))
        for _id, number in n.corrected_by:
            lines.append(_("已被更正公告 {number} 更正").format(number=number or _("(草稿)")))
        return lines

    @staticmethod
    def _next_step(n: NoticeInfo, today: dt.date) -> str:
        if n.state == DRAFT:
            return _("下一步:写好后送村务监督委员会审核。")
        if n.state == RETURNED:
            return _("监委会退回了,请按意见修改后再送审。")
        if n.state == SUBMITTED:
            return _("下一步:监委会审核后,点“记录审核…”记下结果。")
        if n.state == REVIEWED:
            return _("下一步:批准后就可以张贴。")
        if n.state == APPROVED:
            return _("下一步:先点“张贴…”记下张贴日期、给出公开编号,再点“打印预览…”打印,贴到公开栏。"
                     "张贴以前打印的带有“草稿”字样,不能贴出去。")
        if n.state == POSTED:
            if not n.files:
                return _("已张贴。请点“打印预览…”打印(有公开编号,没有“草稿”字样),贴到公开栏;"
                         "贴好后给公开栏拍一张照片,点“添加照片…”存档。")
            if n.posted_until and n.posted_until < today:
                return _("张贴期已满,可以归档。")
            return _("公开中。村民有疑问请点“登记村民意见…”记下来并答复。")
        if n.state == ARCHIVED:
            return _("已归档。内容不能再修改,如有错误请发更正公告。")
        return ""

    def selected_feedback(self):  # type: ignore[no-untyped-def]
        item = self.feedback_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def _update_answer(self) -> None:
        f = self.selected_feedback()
        self.answer_button.setEnabled(f is not None)
        self.answer_button.setText(_("修改答复…") if f is not None and f.answer else _("答复选中的意见…"))

    def _answer(self) -> None:
        f = self.selected_feedback()
        if f is not None:
            self.answer.emit(f)


class ListPanel(QWidget):
    """The 公开事项 tab: filters, the list, and :class:`DetailsPanel`. ``new_requested`` for 新建."""

    new_requested = Signal()

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.context: actions.Context | None = None
        self._detail_asked = 0
        self._select_after: int | None = None
        self._revealed: int | None = None  # the notice a note above the list is about (reveal)

        self.search_edit = QLineEdit()
        self.search_edit.setPlaceholderText(_("查找:标题、正文、表格里的字,例如 低保"))
        self.search_edit.setClearButtonEnabled(True)
        self.category_combo = QComboBox()
        self.category_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.category_combo.addItem(_("全部类别"), ALL)
        for c in CATEGORIES:
            self.category_combo.addItem(c, c)
        self.state_combo = QComboBox()
        self.state_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.state_combo.addItem(_("全部状态"), ALL)
        self.state_combo.addItem(_("已公开(含归档)"), PUBLISHED_FILTER)
        for s in STATES:
            self.state_combo.addItem(state_label(s), s)
        self.year_combo = QComboBox()
        self.year_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.year_combo.addItem(_("全部年份"), ALL)
        self._fit_combos()
        self.count_label = QLabel("")
        self.count_label.setObjectName("heading")
        self.new_button = QPushButton(_("新建公开事项"))
        self.new_button.setObjectName("primary")
        self.new_button.setToolTip(_("新建一份公开事项(Ctrl+N)"))
        self.message = message_label("ok")
        self.also_label = message_label("hint")  # 同时查找了“最低生活保障”: the short forms looked for too
        self.model = NoticeListModel(store, self)
        self.table = record_table(self.model)
        self.details = DetailsPanel()

        filters = QHBoxLayout()
        filters.addWidget(self.category_combo)
        filters.addWidget(self.state_combo)
        filters.addWidget(self.year_combo)
        filters.addStretch(1)
        filters.addWidget(self.count_label)
        searching = QHBoxLayout()  # 新建 beside the search box: the filters' row stays narrow enough in 大字模式
        searching.addWidget(self.search_edit, 1)
        searching.addSpacing(12)
        searching.addWidget(self.new_button)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(searching)
        left_layout.addWidget(self.also_label)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.message)
        left_layout.addWidget(self.table, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([660, 360])
        self.splitter = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(split)

        self._timer = search_timer(self, self.apply_filters)
        self.search_edit.textChanged.connect(self._timer.start)
        self.search_edit.returnPressed.connect(self.apply_filters)
        for combo in (self.category_combo, self.state_combo, self.year_combo):
            combo.currentIndexChanged.connect(self.apply_filters)
        self.new_button.clicked.connect(self.new_requested.emit)
        self.model.loaded.connect(self._loaded)
        self.model.loadFailed.connect(lambda exc: show_error(self, exc))
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda _i: self.details.notice and self.details.edit.emit(self.details.notice.id))
        self.restyle()

    def restyle(self) -> None:
        size_columns(self.table, _SAMPLE, stretch=Columns.TITLE)
        self._fit_combos()

    def _fit_combos(self) -> None:
        widgets.fit_combos(self.category_combo, self.state_combo, self.year_combo)

    # ------------------------------------------------------------ filters

    def set_context(self, context: actions.Context) -> None:
        first = self.context is None
        self.context = context
        widgets.refill_years(self.year_combo, context.years, context.today.year, str)
        self._fit_combos()
        if first:
            self.apply_filters()

    def query(self) -> NoticeQuery:
        return NoticeQuery(text=self.search_edit.text().strip(), category=str(self.category_combo.currentData() or ""),
                           state=str(self.state_combo.currentData() or ""),
                           period=str(self.year_combo.currentData() or ""))

    def apply_filters(self) -> Task:
        self._timer.stop()
        return self.model.set_query(self.query())

    def refresh(self, select: int | None = None) -> Task | None:
        if select is not None:
            self._select_after = select
        elif self.details.notice is not None:
            self._select_after = self.details.notice.id
        if self.model.query is None:
            return self.apply_filters()
        return self.model.refresh()

    def _loaded(self) -> None:
        if not isValid(self):
            return
        if self.query() == NoticeQuery():
            self.count_label.setText(_("共 {n} 份").format(n=self.model.total))
        else:
            self.count_label.setText(_("找到 {n} 份").format(n=self.model.total))
        query = self.model.query
        show_message(self.also_label, also_line(query.also_searched) if query else "", "hint")
        if self._select_after is not None:
            if self.select_notice(self._select_after):
                self._select_after = None
                self._load_details()
            elif self.model.canFetchMore():
                self.model.fetchMore()  # further down the list: read on until it is there
            else:
                self._select_after = None
                self.details.show_notice(None)
        elif not self.table.selectionModel().selectedRows():
            self.details.show_notice(None)

    # ------------------------------------------------------------ selection

    def selected_id(self) -> int | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()).id if rows else None

    def select_notice(self, notice_id: int) -> bool:
        row = self.model.row_of(notice_id)
        if row is None:
            return False
        select_row(self.table, row)
        return True

    def _selection_changed(self) -> None:
        if self._revealed is not None and self.selected_id() not in (None, self._revealed):
            self._revealed = None
            show_message(self.message, "", "ok")  # the note was about the notice shown before
        self._load_details()

    def _load_details(self) -> None:
        nid = self.selected_id()
        if nid is None:
            return
        self._detail_asked += 1
        asked, store = self._detail_asked, self.store
        ReadOp(store, lambda s, _ctx: actions.read_notice(s, nid)).success(lambda info: self._show_details(info, asked)) \
            .failure(lambda exc: show_message(self.message, message_for(exc), "error") if isValid(self) else None).run()

    def _show_details(self, info: NoticeInfo, asked: int) -> None:
        if isValid(self) and asked == self._detail_asked:
            self.details.show_notice(info, self.context.today if self.context else None)

    def reveal(self, info: NoticeInfo, note: str = "") -> Task:
        """Show one notice whatever the filters were: they are cleared, its record and next step appear at once
        beside the list and its row is selected when the list has read that far; ``note`` says why it is shown."""
        self._timer.stop()
        for widget in (self.search_edit, self.category_combo, self.state_combo, self.year_combo):
            widget.blockSignals(True)
        self.search_edit.clear()
        for combo in (self.category_combo, self.state_combo, self.year_combo):
            combo.setCurrentIndex(0)
        for widget in (self.search_edit, self.category_combo, self.state_combo, self.year_combo):
            widget.blockSignals(False)
        self._select_after = info.id
        self._revealed = info.id if note else None
        self.details.show_notice(info, self.context.today if self.context else None)
        if note:
            show_message(self.message, note, "ok")
        return self.apply_filters()

    def show_info(self, info: NoticeInfo) -> None:
        """A notice changed elsewhere on the screen: show it at once, then read the list again around it."""
        self.details.show_notice(info, self.context.today if self.context else None)
        self.refresh(select=info.id)
