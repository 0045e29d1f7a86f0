"""村务公开: the catalogue's calendar, the notices, and the notice being written.

Three tabs in the order of the clerk's day: 公开日历 (what is due this month and
what is overdue), 公开事项 (every notice, searchable, with the next step of the
selected one), and 编辑 (the notice open for writing or reading, beside its
printed page). Every step of a notice's life (review, approval, posting, photo,
villagers' questions, correction) is a dialog opened from here; each writes
through the service on a worker and the tabs are read again afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QDialog, QLabel, QScrollArea, QTabWidget, QVBoxLayout, QWidget
from shiboken6 import isValid

from app.disclosure.service import NoticeDraft, NoticeInfo
from app.disclosure.view import NoticeView
from app.i18n import _
from app.storage import Store
from ui import filedialogs, widgets
from ui.attach_dialog import IMAGE_SUFFIXES, attachment_copy
from ui.disclosure import actions, dialogs
from ui.disclosure.calendar import CalendarPanel
from ui.disclosure.editor import NoticeEditor
from ui.disclosure.list_panel import ListPanel
from ui.disclosure.preview import PrintPreviewDialog
from ui.errors import message_for, show_error
from ui.operations import MATTERS, MEETINGS, RESIDENTS, VILLAGE, LatestReadOp, ReadOp, WriteOp, made_here
from ui.operations import NOTICES as NOTICES_CHANGED  # NOTICES here is the notices tab
from ui.printing.preview import PrintoutDialog
from ui.style import ACCENT, ACCENT_TEXT, BORDER, TEXT, show_message
from ui.tasks import Task

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CALENDAR, NOTICES, EDITOR = range(3)


def style_sheet(base: int) -> str:
    """The screen's own sizes, derived from the application's base size so 大字模式 scales them too."""
    pad = max(base // 2, 6)
    return (
        f"QPushButton#primary {{ font-weight: bold; padding: {pad // 2}px {pad * 2}px;"
        f" background: {ACCENT}; color: {ACCENT_TEXT}; border: 3px solid {ACCENT}; border-radius: 6px; }}"
        f"QPushButton#primary:focus {{ border-color: {TEXT}; }}"
        f"QPushButton#primary:disabled {{ background: {BORDER}; border-color: {BORDER}; }}"
        f"QTabBar::tab {{ padding: {pad}px {pad * 2}px; font-size: {base + 1}pt; }}"
        f"QTabBar::tab:selected {{ font-weight: bold; color: {ACCENT}; }}"
        f"QTableView {{ font-size: {base}pt; }}"
    )


class ImageDialog(QDialog):
    """A kept photo, as large as the screen allows."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        label = QLabel()
        pixmap = QPixmap(str(path))
        label.setPixmap(pixmap.scaled(1000, 640, Qt.AspectRatioMode.KeepAspectRatio,
                                      Qt.TransformationMode.SmoothTransformation) if not pixmap.isNull() else pixmap)
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        scroll = QScrollArea()
        scroll.setWidget(label)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll)
        self.resize(1040, 700)  # within 1366x728 with its title bar


class DisclosureScreen(widgets.FollowsTextSize, QWidget):
    """``DisclosureScreen(store, actor=...)``; :meth:`refresh` reads everything again.

    ``changed`` after any notice was written, so the home screen's list can follow.
    """

    changed = Signal()
    context_loaded = Signal(object)

    def __init__(self, store: Store, *, actor: str = "系统", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.context: actions.Context | None = None
        self._pending_entry: tuple[str, str] | None = None
        self._context_read = LatestReadOp(self, store, lambda s: actions.load_context(s, store.data_dir),
                                          self._show_context, self._failed)
        self.setObjectName("page")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        title = QLabel(_("村务公开"))
        title.setObjectName("title")
        self.status_label = widgets.hint(_("正在读取公开目录……"))
        self.calendar = CalendarPanel(store)
        self.notices = ListPanel(store)
        self.editor = NoticeEditor(store, actor=actor)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.calendar, _("公开日历"))
        self.tabs.addTab(self.notices, _("公开事项"))
        self.tabs.addTab(self.editor, _("编辑"))
        self.tabs.setTabVisible(EDITOR, False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(6)
        layout.addWidget(title)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

        self.calendar.draft_requested.connect(self.start_draft)
        self.notices.new_requested.connect(lambda: self.new_notice())
        d = self.notices.details
        d.edit.connect(self.open_notice)
        d.submit.connect(self.submit)
        d.delete.connect(self.delete)
        d.review.connect(self.review)
        d.approve.connect(self.approve)
        d.post.connect(self.post)
        d.preview.connect(self.preview)
        d.attach.connect(self.attach)
        d.feedback.connect(self.feedback)
        d.answer.connect(self.answer)
        d.feedback_pdf.connect(self.feedback_pdf)
        d.correct.connect(self.correct)
        d.archive.connect(self.archive)
        d.open_file.connect(self.open_file)
        self.editor.saved.connect(self._editor_saved)
        self.editor.closed.connect(self._editor_closed)
        self.editor.preview_requested.connect(self.preview_view)
        self.editor.attach_requested.connect(lambda: self.editor.notice and self.attach(self.editor.notice.id))
        self.editor.file_requested.connect(self.open_file)
        QShortcut(QKeySequence.StandardKey.New, self, activated=lambda: self.new_notice())  # type: ignore[call-arg]
        self.restyle()
        self.refresh()

    # ------------------------------------------------------------ reading

    def on_store_changed(self, kinds: frozenset[str], initiator: object = None) -> None:
        """Notices (a matter drafts them), matters, meetings or the register changed elsewhere: read again if
        shown (this screen's own writes show themselves)."""
        if kinds & {NOTICES_CHANGED, MATTERS, MEETINGS, RESIDENTS, VILLAGE} and not self.isHidden() \
                and not made_here(self, initiator):
            self.refresh()

    def refresh(self) -> None:
        self._context_read.request()
        if self.context is not None:
            self.notices.refresh()

    def _failed(self, exc: BaseException) -> None:
        if isValid(self):
            show_message(self.status_label, _("读取公开目录时出错:{reason}").format(reason=message_for(exc)), "error")

    def _show_context(self, context: actions.Context) -> None:
        if not isValid(self):
            return
        self.context = context
        self.calendar.set_context(context)
        self.notices.set_context(context)
        self.editor.set_context(context)
        if context.catalogue is None:
            show_message(self.status_label, context.catalogue_error, "error")
        else:
            show_message(self.status_label, _("公开目录:{name}(版本 {version})").format(
                name=context.catalogue.name, version=context.catalogue.version), "hint")
        if self._pending_entry is not None:
            pending, self._pending_entry = self._pending_entry, None
            self.show_entry(*pending)
        self.context_loaded.emit(context)

    def show_entry(self, item_code: str, period_key: str) -> None:
        """Open the calendar at a due item (clicked on the home screen). A 四议两公开 notice owed
        (``matter:ID:resolution``) opens the notice the matter drafted instead: see :meth:`open_matter_notice`."""
        matter = actions.matter_key(period_key) is not None
        self.tabs.setCurrentIndex(NOTICES if matter else CALENDAR)
        if self.context is None:
            self._pending_entry = (item_code, period_key)
        elif matter:
            self.open_matter_notice(period_key)
        else:
            self.calendar.show_entry(item_code, period_key)

    def open_matter_notice(self, key: str) -> Task:
        """The resolution or result notice a 四议两公开 matter owes: the draft the matter made, selected in
        公开事项 with its state and its next step beside it (送监委会审核, 记录审核, 批准, 张贴), which is
        what the clerk has to do with it; the matter itself only waits for it to be posted."""
        store = self.store

        def show(found: actions.MatterNotice | None) -> None:
            if not isValid(self):
                return
            if found is None or found.notice is None:
                self.tabs.setCurrentIndex(CALENDAR)
                text = _("找不到这个重大事项,请在“会议记录”的“四议两公开”里查看。") if found is None else \
                    _("重大事项“{subject}”还没有{what}的草稿,请在“会议记录”的“四议两公开”里查看这个事项。").format(
                        subject=found.subject, what=found.what_text)
                show_message(self.calendar.message, text, "error")
                return
            self.tabs.setCurrentIndex(NOTICES)
            self.notices.reveal(found.notice, _("重大事项“{subject}”的{what}:“四议两公开”已拟好草稿,按右边的下一步办理,"
                                                "张贴后这一项就从待公开里去掉。").format(subject=found.subject,
                                                                            what=found.what_text))

        return ReadOp(store, lambda s, _ctx: actions.matter_notice(s, key)).success(show) \
            .failure(lambda exc: show_error(self, exc)).run()

    def show_tab(self, index: int) -> QWidget:
        self.tabs.setCurrentIndex(index)
        return self.tabs.widget(index)

    # ------------------------------------------------------------ writing a notice

    def _edit(self) -> None:
        self.tabs.setTabVisible(EDITOR, True)
        self.tabs.setCurrentIndex(EDITOR)

    def new_notice(self, draft: NoticeDraft | None = None) -> NoticeEditor:
        if self.tabs.isTabVisible(EDITOR) and self.editor.dirty and not self.editor.close_editor():
            return self.editor
        self.editor.open_new(draft)
        self.tabs.setTabText(EDITOR, _("编辑:新公开事项"))
        self._edit()
        return self.editor

    def open_notice(self, notice_id: int) -> Task | None:
        if self.tabs.isTabVisible(EDITOR) and self.editor.dirty and not self.editor.close_editor():
            return None
        store = self.store

        def show(info: NoticeInfo) -> None:
            if not isValid(self):
                return
            self.editor.open_notice(info)
            self.tabs.setTabText(EDITOR, (_("编辑:{title}") if info.editable else _("查看:{title}")).format(
                title=info.title[:12]))
            self._edit()

        return ReadOp(store, lambda s, _ctx: actions.read_notice(s, notice_id)).success(show) \
            .failure(lambda exc: show_error(self, exc)).run()

    def start_draft(self, item_code: str, period_key: str) -> Task | None:
        """A notice for a catalogue item and period: the one already started, or a new draft from the template.
        A 四议两公开 notice was drafted by its matter: it is opened in 公开事项 (:meth:`open_matter_notice`)."""
        if actions.matter_key(period_key) is not None:
            return self.open_matter_notice(period_key)
        data = self.calendar.data
        started = data.in_progress.get((item_code.upper(), period_key)) if data else None
        if started is not None:
            return self.open_notice(started.id)
        store = self.store
        return ReadOp(store, lambda s, _ctx: actions.draft_for(s, store.data_dir, item_code, period_key)) \
            .success(lambda draft: self.new_notice(draft) if isValid(self) else None) \
            .failure(lambda exc: show_error(self, exc)).with_progress(self, _("正在按公开目录拟稿……")).run()

    def _editor_saved(self, info: NoticeInfo) -> None:
        self.tabs.setTabText(EDITOR, (_("编辑:{title}") if info.editable else _("查看:{title}")).format(
            title=info.title[:12]))
        self._after_change(info)

    def _editor_closed(self) -> None:
        self.tabs.setCurrentIndex(NOTICES)
        self.tabs.setTabVisible(EDITOR, False)

    def _after_change(self, info: NoticeInfo | None) -> None:
        if not isValid(self):
            return
        if info is not None:
            self.notices.show_info(info)
            if self.editor.notice is not None and self.editor.notice.id == info.id:
                if self.editor.dirty:
                    self.editor.set_files(info)  # a photo added while typing: keep what is typed
                else:
                    self.editor.open_notice(info)
        else:
            self.notices.refresh()
        self.calendar.refresh()
        self._context_read.request()  # a first notice of a new year adds the year to the filter
        self.changed.emit()

    def _op(self, fn: Callable[[Session], Any]) -> WriteOp:
        """A write operation on a notice (ui.operations): it announces that notices changed."""
        return WriteOp(self.store, self.actor, lambda s, _ctx: fn(s), changes={NOTICES_CHANGED}, initiator=self)

    def _write(self, fn: Callable[[Session], Any], done: Callable[[Any], None] | None = None, *,
               progress: str = "") -> Task:
        task = self._op(fn).success(done or self._after_change) \
            .failure(lambda exc: show_error(self, exc))
        if progress:
            task.with_progress(self, progress)
        return task.run()

    # ------------------------------------------------------------ the steps

    def _notice(self, notice_id: int, then: Callable[[NoticeInfo], Any]) -> Task:
        """Read the notice fresh (another clerk may have moved it on), then open the step's dialog."""
        store = self.store
        return ReadOp(store, lambda s, _ctx: actions.read_notice(s, notice_id)) \
            .success(lambda info: then(info) if isValid(self) else None) \
            .failure(lambda exc: show_error(self, exc)).run()

    def _show(self, dialog: QDialog) -> QDialog:
        completed = getattr(dialog, "completed", None)
        if completed is not None:
            completed.connect(self._completed)
        dialogs.show_dialog(dialog)
        return dialog

    def _completed(self, result: Any) -> None:
        self._after_change(result if isinstance(result, NoticeInfo) else None)

    def _today(self) -> dt.date:
        return self.context.today if self.context else dt.date.today()

    def submit(self, notice_id: int) -> Task:
        return self._write(lambda s: actions.submit(s, notice_id))

    def delete(self, notice_id: int) -> Task | None:
        n = self.notices.details.notice
        title = n.title if n is not None and n.id == notice_id else ""
        if not widgets.confirm(self, _("删除草稿"), _("确定要删除草稿“{title}”吗?删除后不能恢复。").format(title=title),
                               _("删除"), _("不删除")):
            return None
        def done(_result: Any) -> None:
            if self.editor.notice is not None and self.editor.notice.id == notice_id:
                self.editor.dirty = False
                self._editor_closed()
            self.notices.details.show_notice(None)
            self._after_change(None)

        return self._write(lambda s: actions.delete(s, notice_id), done)

    def review(self, notice_id: int) -> Task:
        """The reviewers are ticked from the supervision committee in force on the review date (ui/disclosure/members.py)."""
        from ui.disclosure import members

        store, actor = self.store, self.actor

        def open_dialog(data: tuple[NoticeInfo, list[Any]]) -> None:
            if not isValid(self):
                return
            info, terms = data
            self._show(dialogs.ReviewDialog(
                info.title, terms,
                lambda names, day, opinion, passed: self._op(
                    lambda s: actions.review(s, notice_id, names, day, opinion, passed)),
                today=self._today(), parent=self,
                register=lambda day, added: members.open_register(self, store, actor, day, added)))

        return ReadOp(store, lambda s, _ctx: members.review_data(s, notice_id)).success(open_dialog) \
            .failure(lambda exc: show_error(self, exc)).run()

    def approve(self, notice_id: int) -> Task:
        def open_dialog(info: NoticeInfo) -> None:
            approver = self.context.approver if self.context else ""
            self._show(dialogs.ApproveDialog(
                info.title, approver, lambda name, day: self._op(lambda s: actions.approve(s, notice_id, name, day)),
                today=self._today(), parent=self))

        return self._notice(notice_id, open_dialog)

    def post(self, notice_id: int) -> Task:
        store = self.store

        def read(s: Session, _ctx: Any) -> tuple[NoticeInfo, int]:
            info = actions.read_notice(s, notice_id)
            return info, actions.posting_minimum(store.data_dir, info)

        def open_dialog(found: tuple[NoticeInfo, int]) -> None:
            if not isValid(self):
                return
            info, minimum = found
            self._show(dialogs.PostDialog(
                info.title, minimum,
                lambda start, until: self._op(lambda s: actions.post(s, notice_id, start, until, minimum)),
                today=self._today(), parent=self))

        return ReadOp(store, read).success(open_dialog).failure(lambda exc: show_error(self, exc)).run()

    def archive(self, notice_id: int) -> Task | None:
        if not widgets.confirm(self, _("归档"), _("张贴期已满,把这份公开事项归档吗?归档后仍能查找和打印。"),
                               _("归档"), _("不归档")):
            return None
        return self._write(lambda s: actions.archive(s, notice_id))

    def correct(self, notice_id: int) -> Task:
        def open_dialog(info: NoticeInfo) -> None:
            dialog = dialogs.ReasonDialog(
                _("更正公告"),
                _("“{title}”(编号 {number})已经公开,不能修改。\n将另起一份更正公告的草稿,内容先照抄原公告,"
                  "请在草稿里改正后送审张贴。原公告保留,两份都能查到。").format(title=info.title, number=info.number),
                _("起草更正公告"), _("写明错在哪里,例如:“村道维修”一笔误记为公益支出,应为管理费用。"),
                lambda reason: self._op(lambda s: actions.correct(s, notice_id, reason)), parent=self)
            dialog.completed.connect(self._correction_started)
            self._show(dialog)

        return self._notice(notice_id, open_dialog)

    def _correction_started(self, info: NoticeInfo) -> None:
        if isValid(self):
            self.editor.open_notice(info)
            self.tabs.setTabText(EDITOR, _("编辑:{title}").format(title=info.title[:12]))
            self._edit()

    def feedback(self, notice_id: int) -> Task:
        def open_dialog(info: NoticeInfo) -> None:
            approver = self.context.approver if self.context else ""
            self._show(dialogs.FeedbackDialog(
                info.title, approver, lambda *values: self._op(lambda s: actions.add_feedback(s, notice_id, *values)),
                today=self._today(), parent=self))

        return self._notice(notice_id, open_dialog)

    def answer(self, f: Any) -> QDialog:
        approver = self.context.approver if self.context else ""
        dialog = dialogs.AnswerDialog(
            f.asker, f.question, f.answered_by or approver,
            lambda text, who, day: self._op(lambda s: actions.answer(s, f.notice_id, f.id, text, who, day)),
            today=self._today(), parent=self)
        if f.answer:
            dialog.answer_edit.setPlainText(f.answer)
        return self._show(dialog)

    def attach(self, notice_id: int) -> Task:
        files_dir = self.store.data_dir

        def open_dialog(info: NoticeInfo) -> None:
            self._show(dialogs.AttachDialog(
                info.title, lambda path, role: self._op(lambda s: actions.attach(s, files_dir, notice_id, path, role)),
                parent=self))

        return self._notice(notice_id, open_dialog)

    # ------------------------------------------------------------ printing and files

    def preview(self, notice_id: int) -> Task:
        store = self.store
        return ReadOp(store, lambda s, _ctx: actions.read_view(s, notice_id)) \
            .success(lambda view: self.preview_view(view) if isValid(self) else None) \
            .failure(lambda exc: show_error(self, exc)).run()

    def preview_view(self, view: NoticeView) -> PrintPreviewDialog:
        dialog = PrintPreviewDialog(view, output_dir=actions.output_dir(self.store.data_dir), parent=self)
        dialog.saved.connect(lambda path: widgets.open_path(path))
        self._show(dialog)
        return dialog

    def feedback_pdf(self, notice_id: int) -> Task:
        """The villagers' questions and answers (阳光评议) in the print preview: 打印 or 另存为PDF from there."""
        store = self.store
        folder = actions.output_dir(store.data_dir)

        def show(found: tuple[actions.FeedbackList, Any]) -> None:
            if not isValid(self):
                return
            feedback, printout = found
            dialog = PrintoutDialog(printout, parent=self, purpose=filedialogs.PDF, suggested_name=feedback.file_name,
                                    relayout=feedback.printout, default_folder=folder)
            dialog.saved.connect(lambda path: widgets.open_path(path))
            self._show(dialog)

        return ReadOp(store, lambda s, _ctx: actions.feedback_list(s, notice_id)).success(show) \
            .failure(lambda exc: show_error(self, exc)).with_progress(self, _("正在排版……")).run()

    def open_file(self, file: Any) -> Task | None:
        if file is None:
            return None
        data_dir = self.store.data_dir
        if Path(file.name).suffix.lower() in IMAGE_SUFFIXES:
            self._show(ImageDialog(actions.blob(data_dir, file.sha256), file.name, parent=self))
            return None
        return Task(lambda _ctx: attachment_copy(data_dir, file.sha256, file.name), write=False) \
            .success(lambda path: widgets.open_path(path)).failure(lambda exc: show_error(self, exc)).run()

    # ------------------------------------------------------------ look


    def apply_text_size(self, base: int) -> None:
        self.setStyleSheet(style_sheet(base))
        self.calendar.restyle()
        self.notices.restyle()
