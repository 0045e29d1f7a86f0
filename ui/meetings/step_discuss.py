"""③ 议题讨论: the agenda items in order, and what was said on each.

Choosing another item saves what was typed on the one before, so moving down the
agenda never loses a word. The discussion is searchable from the list of meetings.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
                               QSplitter, QVBoxLayout, QWidget)

from app.i18n import _
from app.meetings.service import AgendaInfo
from ui import widgets
from ui.meetings import actions
from ui.meetings.actions import MeetingState
from ui.meetings.step_base import EditorHost, StepPage
from ui.tasks import Task


def item_text(n: int, item: AgendaInfo) -> str:
    said = _("已记录讨论") if item.discussion.strip() else _("还没有记录")
    return _("议题{n}:{title}({said})").format(n=n, title=item.title, said=said)


class DiscussPage(StepPage):
    def __init__(self, editor: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(editor, parent)
        self._loading = False
        self._dirty = False
        self.current_id: int | None = None

        self.items_list = QListWidget()
        self.items_list.setWordWrap(True)
        self.new_edit = QLineEdit()
        self.new_edit.setPlaceholderText(_("新议题,例如:通报上半年财务收支"))
        self.add_button = QPushButton(_("添加议题"))
        self.remove_button = QPushButton(_("删去这个议题…"))
        self.title_edit = QLineEdit()
        self.discussion_edit = QPlainTextEdit()
        self.discussion_edit.setPlaceholderText(_("记下谁说了什么、有哪些意见和建议,例如:\n"
                                                  "张三:路面宽度建议 4.5 米。\n李四:同意,施工时注意排水。"))
        self.discussion_edit.setTabChangesFocus(True)
        self.save_button = QPushButton(_("保存讨论情况"))
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip(_("保存(Ctrl+S);换到别的议题时也会自动保存"))
        self.empty_label = widgets.hint(_("还没有议题。在左下角填写议题后点“添加议题”。"))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(widgets.heading(_("议题")))
        left_layout.addWidget(self.items_list, 1)
        add_row = QHBoxLayout()
        add_row.addWidget(self.new_edit, 1)
        add_row.addWidget(self.add_button)
        left_layout.addLayout(add_row)
        left_layout.addWidget(self.error_label("title"))
        left_layout.addWidget(self.remove_button)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(widgets.heading(_("讨论情况")))
        right_layout.addWidget(self.empty_label)
        right_layout.addWidget(self.title_edit)
        right_layout.addWidget(self.discussion_edit, 1)
        right_layout.addWidget(self.error_label("discussion"))
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        right_layout.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.body.addWidget(split, 1)

        self.items_list.currentRowChanged.connect(self._row_changed)
        self.title_edit.textChanged.connect(self._changed)
        self.discussion_edit.textChanged.connect(self._changed)
        self.add_button.clicked.connect(self.add_item)
        self.new_edit.returnPressed.connect(self.add_item)
        self.remove_button.clicked.connect(self.remove_item)
        self.save_button.clicked.connect(self.save)
        self._show_item(None)

    # ------------------------------------------------------------ showing

    def _items(self) -> list[AgendaInfo]:
        return self.state.info.agenda if self.state else []

    def show_state(self, state: MeetingState | None, mine: bool = False) -> None:
        fresh = state is None or self.state is None or self.state.info.id != state.info.id
        self.state = state
        if fresh:
            self.current_id, self._dirty = None, False
        items = self._items()
        keep = self.current_id
        self.items_list.blockSignals(True)
        self.items_list.clear()
        for n, item in enumerate(items, start=1):
            row = QListWidgetItem(item_text(n, item))
            row.setData(Qt.ItemDataRole.UserRole, item.id)
            self.items_list.addItem(row)
        row = next((i for i, item in enumerate(items) if item.id == keep), 0 if items else -1)
        self.items_list.setCurrentRow(row)
        self.items_list.blockSignals(False)
        chosen = items[row] if row >= 0 else None
        if chosen is None or chosen.id != self.current_id or not self._dirty:
            self._show_item(chosen)
        self.remove_button.setEnabled(chosen is not None and not self.read_only)

    def _show_item(self, item: AgendaInfo | None) -> None:
        self._loading = True
        self.current_id = item.id if item else None
        self.title_edit.setText(item.title if item else "")
        self.discussion_edit.setPlainText(item.discussion if item else "")
        self._loading = False
        self._dirty = False
        for w in (self.title_edit, self.discussion_edit, self.save_button):
            w.setVisible(item is not None)
        self.empty_label.setVisible(item is None)

    def _row_changed(self, row: int) -> None:
        items = self._items()
        if self._dirty and self.current_id is not None:
            self.save()  # the item left behind keeps what was typed on it
        self._show_item(items[row] if 0 <= row < len(items) else None)

    def _changed(self) -> None:
        if not self._loading and not self.read_only:
            self._dirty = True
            self.status.setVisible(False)

    @property
    def dirty(self) -> bool:
        return self._dirty and not self.read_only

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.title_edit.setReadOnly(read_only)
        self.discussion_edit.setReadOnly(read_only)
        for w in (self.new_edit, self.add_button, self.remove_button, self.save_button):
            w.setVisible(not read_only)

    def editable_fields(self) -> list[QWidget]:
        fields: list[QWidget] = []
        if not self.title_edit.isReadOnly():
            fields.append(self.title_edit)
        if not self.discussion_edit.isReadOnly():
            fields.append(self.discussion_edit)
        if not self.read_only:
            fields.append(self.new_edit)
        return fields

    # ------------------------------------------------------------ writing

    def save(self) -> Task | None:
        if self.read_only or self.current_id is None or self.state is None:
            return None
        item_id, title, discussion = self.current_id, self.title_edit.text(), self.discussion_edit.toPlainText()
        self._dirty = False  # what was typed since this moment stays dirty: saved by the next save

        def done(_state: MeetingState) -> None:
            self.say(_("已保存讨论情况。"))

        return self.write(actions.update_agenda_item, item_id, title, discussion, then=done)

    def add_item(self) -> Task | None:
        title = self.new_edit.text().strip()
        if self.read_only or self.state is None:
            return None
        if self._dirty:
            self.save()

        def done(state: MeetingState) -> None:
            self.new_edit.clear()
            last = state.info.agenda[-1] if state.info.agenda else None
            if last is not None:
                self.items_list.setCurrentRow(len(state.info.agenda) - 1)
                self.discussion_edit.setFocus()

        return self.write(actions.add_agenda_item, title, then=done, disabling=(self.add_button,))

    def remove_item(self) -> Task | None:
        if self.read_only or self.current_id is None:
            return None
        title = self.title_edit.text()
        if not widgets.confirm(self, _("删去议题"), _("删去议题“{title}”和它的讨论记录吗?").format(title=title),
                               _("删去"), _("不删")):
            return None
        item_id = self.current_id
        self._dirty = False
        self.current_id = None
        return self.write(actions.remove_agenda_item, item_id)
