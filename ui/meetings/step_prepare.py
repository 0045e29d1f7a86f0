"""① 准备: what meeting, when and where, who convenes, chairs and records it, and the agenda.

Saving a new meeting draws its list of expected attendees from the register and the
roles in force on its date (app.meetings.members), which gives 应到 N 人. The sign-in
sheet and the tally sheet can be printed from here, before the meeting starts.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (QComboBox, QDateEdit, QFormLayout, QHBoxLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QPushButton, QVBoxLayout, QWidget)

from app.i18n import _
from app.meetings.kinds import MeetingKind, info as kind_info
from app.meetings.service import TITLE_MAX, MeetingInput
from ui import widgets
from ui.disclosure.dialogs import date_edit, day_of, set_day
from ui.meetings import actions
from ui.meetings.actions import MeetingState
from ui.meetings.common import page_scroll
from ui.meetings.step_base import EditorHost, StepPage
from ui.tasks import Task

def membership_text(kind: str) -> str:
    """Who the members of a meeting of ``kind`` are, in the words of the law where it has them."""
    return {
        "adults": _("本村年满十八周岁的村民(《村民委员会组织法》第二十二条)"),
        "group_adults": _("本组年满十八周岁的村民(第二十八条)"),
        "representatives": _("村民委员会成员和村民代表(第二十五条)"),
        "party_members": _("有表决权的党员"),
        "branch": _("党支部委员"),
        "two_committees": _("党支部委员和村民委员会成员"),
        "supervisors": _("村务监督委员会成员"),
        "invited": _("两委成员、监委会成员和村民代表,可以增删"),
    }[kind_info(kind).membership]


class PreparePage(StepPage):
    def __init__(self, editor: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(editor, parent)
        self._loading = False
        self._dirty = False

        self.kind_combo = QComboBox()
        for k in MeetingKind:
            self.kind_combo.addItem(k.label, k.value)
        self.title_edit = QLineEdit()
        self.title_edit.setMaxLength(TITLE_MAX + 20)  # a few over, so the message says it is too long
        self.title_edit.setPlaceholderText(_("例如:关于村道硬化的村民代表会议"))
        self.date_edit: QDateEdit = date_edit(dt.date.today())
        self.time_edit = QLineEdit()
        self.time_edit.setPlaceholderText(_("例如:09:00-11:30"))
        self.place_edit = QLineEdit()
        self.place_edit.setPlaceholderText(_("例如:村委会会议室"))
        self.group_combo = QComboBox()
        self.convener_edit = QLineEdit()
        self.convener_edit.setPlaceholderText(_("例如:村民委员会"))
        self.chair_edit = QLineEdit()
        self.recorder_edit = QLineEdit()
        self.agenda_edit = QPlainTextEdit()
        self.agenda_edit.setPlaceholderText(_("每行一个议题,例如:\n讨论村道硬化方案\n通报上半年财务收支"))
        self.agenda_edit.setTabChangesFocus(True)
        self.notes_edit = QLineEdit()
        self.notes_edit.setPlaceholderText(_("其他要记下的,例如:镇驻村干部列席"))

        self.members_label = QLabel("")
        self.members_label.setObjectName("count")
        self.members_label.setWordWrap(True)
        self.members_hint = widgets.hint("")
        self.save_button = QPushButton(_("保存"))
        self.save_button.setObjectName("primary")
        self.save_button.setToolTip(_("保存(Ctrl+S)"))
        self.signin_button = QPushButton(_("打印签到表…"))
        self.signin_button.setToolTip(_("按参会名单排好签到表,先看打印预览,再打印或另存为PDF;开会时请到会的人签名"))
        self.tally_button = QPushButton(_("打印计票单…"))
        self.tally_button.setToolTip(_("为每个表决事项留出画“正”字计票的格子"))
        self.delete_button = QPushButton(_("删除这个会议…"))
        self.delete_button.setToolTip(_("会议取消了,可以删除;定稿的会议记录不能删除"))

        form = QFormLayout()
        form.addRow(_("会议类型"), self.kind_combo)
        form.addRow("", self.error_label("kind"))
        form.addRow(_("会议名称"), self.title_edit)
        form.addRow("", self.error_label("title"))
        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(QLabel(_("时间")))
        when.addWidget(self.time_edit, 1)
        form.addRow(_("日期"), when)
        form.addRow("", self.error_label("date"))
        form.addRow("", self.error_label("time_text"))
        form.addRow(_("地点"), self.place_edit)
        form.addRow("", self.error_label("place"))
        form.addRow(_("村民小组"), self.group_combo)
        form.addRow("", self.error_label("group_id"))
        form.addRow(_("召集人"), self.convener_edit)
        form.addRow("", self.error_label("convener"))
        people = QHBoxLayout()
        people.addWidget(self.chair_edit, 1)
        people.addWidget(QLabel(_("记录人")))
        people.addWidget(self.recorder_edit, 1)
        form.addRow(_("主持人"), people)
        form.addRow("", self.error_label("chair"))
        form.addRow("", self.error_label("recorder"))
        form.addRow(_("议程"), self.agenda_edit)
        form.addRow("", self.error_label("agenda_text"))
        form.addRow(_("备注"), self.notes_edit)
        form.addRow("", self.error_label("notes"))
        self.form = form

        fields = QWidget()
        fields.setLayout(form)
        scroll = page_scroll(fields)

        side = QVBoxLayout()
        side.addWidget(widgets.heading(_("参会人员")))
        side.addWidget(self.members_label)
        side.addWidget(self.members_hint)
        side.addSpacing(12)
        side.addWidget(self.signin_button)
        side.addWidget(self.tally_button)
        side.addStretch(1)
        side.addWidget(self.delete_button)
        row = QHBoxLayout()
        row.addWidget(scroll, 3)
        row.addSpacing(16)
        row.addLayout(side, 2)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        self.body.addLayout(row, 1)
        self.body.addLayout(buttons)

        for w in (self.title_edit, self.time_edit, self.place_edit, self.convener_edit, self.chair_edit,
                  self.recorder_edit, self.notes_edit):
            w.textChanged.connect(self._changed)
        self.agenda_edit.textChanged.connect(self._changed)
        self.date_edit.dateChanged.connect(self._changed)
        self.group_combo.currentIndexChanged.connect(self._changed)
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self.save_button.clicked.connect(self.save)
        self.signin_button.clicked.connect(lambda: self.editor.print_requested.emit(actions.SIGNIN))
        self.tally_button.clicked.connect(lambda: self.editor.print_requested.emit(actions.TALLY))
        self.delete_button.clicked.connect(self.editor.delete_meeting)
        self._loading = True
        self._kind_changed()
        self._loading = False

    # ------------------------------------------------------------ showing

    def set_context(self, context: actions.Context) -> None:
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        for gid, name in context.groups:
            self.group_combo.addItem(name, gid)
        self.group_combo.setCurrentIndex(max(self.group_combo.findData(current), 0))
        self.group_combo.blockSignals(False)

    def open_new(self, today: dt.date, chair: str, recorder: str) -> None:
        self.state = None
        self._loading = True
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(MeetingKind.REPRESENTATIVES.value))
        for w in (self.title_edit, self.time_edit, self.place_edit, self.notes_edit):
            w.clear()
        self.convener_edit.setText(_("村民委员会"))
        self.chair_edit.setText(chair)
        self.recorder_edit.setText(recorder)
        self.agenda_edit.clear()
        set_day(self.date_edit, today)
        self._kind_changed()
        self._loading = False
        self._dirty = False
        self.clear_errors()
        self._show_members(None)
        self.title_edit.setFocus()

    def show_state(self, state: MeetingState | None, mine: bool = False) -> None:
        fresh = state is None or self.state is None or self.state.info.id != state.info.id
        self.state = state
        if state is not None and (fresh or mine or not self._dirty):
            self._fill(state)
        self._show_members(state)

    def _fill(self, state: MeetingState) -> None:
        m = state.info
        self._loading = True
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(m.kind), 0))
        self.title_edit.setText(m.title)
        set_day(self.date_edit, m.date)
        self.time_edit.setText(m.time_text)
        self.place_edit.setText(m.place)
        if m.group_id is not None:
            self.group_combo.setCurrentIndex(max(self.group_combo.findData(m.group_id), 0))
        self.convener_edit.setText(m.convener)
        self.chair_edit.setText(m.chair)
        self.recorder_edit.setText(m.recorder)
        self.agenda_edit.setPlainText(m.agenda_text)
        self.notes_edit.setText(m.notes)
        self._kind_changed()
        self._loading = False
        self._dirty = False

    def _show_members(self, state: MeetingState | None) -> None:
        saved = state is not None
        for b in (self.signin_button, self.tally_button):
            b.setEnabled(saved)
            b.setToolTip(b.toolTip() if saved else _("先保存会议,再打印"))
        self.delete_button.setVisible(saved and not state.info.closed)  # type: ignore[union-attr]
        kind = str(self.kind_combo.currentData())
        if state is None:
            self.members_label.setText(_("保存后生成参会名单"))
            self.members_hint.setText(_("{kind}的组成人员是{who}。保存时按开会当天的名册和职务生成名单,算出应到人数。").format(
                kind=MeetingKind(kind).label, who=membership_text(kind)))
            self.save_button.setText(_("保存,生成参会名单"))
            return
        m = state.info
        self.save_button.setText(_("保存"))
        self.members_label.setText(_("应到 {n} 人").format(n=m.members) + (
            _(",共 {h} 户").format(h=m.households) if m.households else ""))
        if m.members == 0:
            self.members_hint.setText(_("名册里没有找到{who}。请先在“村民信息”里登记,或在“② 签到”里添加参会人员。").format(
                who=membership_text(m.kind)))
        else:
            self.members_hint.setText(_("组成人员:{who}。名单按 {date} 的名册和职务生成,在“② 签到”里登记谁到会。").format(
                who=membership_text(m.kind), date=m.date.isoformat()))

    def _kind_changed(self) -> None:
        group = self.kind_combo.currentData() == MeetingKind.GROUP.value
        self.form.setRowVisible(self.group_combo, group)
        self.form.setRowVisible(self.field_labels["group_id"], group)
        if self.state is None:
            self._show_members(None)
        self._changed()

    def _changed(self) -> None:
        if not self._loading and not self.read_only:
            self._dirty = True
            self.status.setVisible(False)

    @property
    def dirty(self) -> bool:
        return self._dirty and not self.read_only

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for w in (self.title_edit, self.time_edit, self.place_edit, self.convener_edit, self.chair_edit,
                  self.recorder_edit, self.notes_edit):
            w.setReadOnly(read_only)
        self.agenda_edit.setReadOnly(read_only)
        for w in (self.kind_combo, self.group_combo, self.date_edit):
            w.setEnabled(not read_only)
        self.save_button.setVisible(not read_only)

    def editable_fields(self) -> list[QWidget]:
        edits: list[QWidget] = [w for w in (self.title_edit, self.time_edit, self.place_edit, self.convener_edit,
                                            self.chair_edit, self.recorder_edit, self.notes_edit) if not w.isReadOnly()]
        if not self.agenda_edit.isReadOnly():
            edits.append(self.agenda_edit)
        return edits + [w for w in (self.kind_combo, self.group_combo, self.date_edit) if w.isEnabled()]

    # ------------------------------------------------------------ saving

    def data(self) -> MeetingInput:
        group = self.group_combo.currentData() if self.kind_combo.currentData() == MeetingKind.GROUP.value else None
        return MeetingInput(kind=str(self.kind_combo.currentData()), title=self.title_edit.text(),
                            date=day_of(self.date_edit), time_text=self.time_edit.text(), place=self.place_edit.text(),
                            group_id=int(group) if group is not None else None, convener=self.convener_edit.text(),
                            chair=self.chair_edit.text(), recorder=self.recorder_edit.text(),
                            agenda_text=self.agenda_edit.toPlainText(), notes=self.notes_edit.text())

    def save(self) -> Task | None:
        if self.read_only:
            return None
        data = self.data()
        editor = self.editor
        data_dir = editor.data_dir
        mid = self.state.info.id if self.state is not None else None
        new = mid is None

        def done(state: MeetingState) -> None:
            if new:
                self.say(_("已创建。应到 {n} 人。下一步:开会时在“② 签到”里登记谁到会了。").format(n=state.info.members))
            else:
                self.say(_("已保存。"))

        return editor.run(self, lambda s: actions.save(s, mid, data, data_dir), then=done,
                          disabling=(self.save_button,))
