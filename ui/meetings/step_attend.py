"""② 签到: who came. Each expected person is marked 出席, 缺席, 请假 or (where a proxy may be recorded) 委托.

Only people present in person count (Organic Law Art. 22, 26, 28): at the villagers', group and
representatives' meetings a written proxy is recorded with its holder's name and shown as not counted,
with the article; the kinds the village rules count one only where its 会议规则 allow it. Probationary party
members are on a party members' meeting's list as 列席, without a vote.

The count of those present, and whether the meeting is quorate, follow each mark at
once, with the article it rests on. A villagers' meeting of two thousand is not marked
name by name: its signed sign-in sheet is counted and the totals typed in
(按签到表填人数). Observers (列席) are listed but never counted.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
                               QVBoxLayout, QWidget)

from app.i18n import _
from app.meetings.kinds import MeetingKind, info as kind_info
from app.meetings.members import PROBATIONARY_ROLE
from app.meetings.models import ABSENT, EXPECTED, LEAVE, PRESENT, PROXY
from app.meetings.service import AttendeeInfo, MeetingInfo, meeting_proxy_rule
from ui.style import show_message
from ui import widgets
from ui.meetings import actions, dialogs
from ui.meetings.actions import MeetingState
from ui.meetings.common import set_name
from ui.meetings.model import AttendanceColumns, AttendanceModel, ChoiceDelegate
from ui.meetings.step_base import EditorHost, StepPage
from ui.numbers import NumberBox, first_problem
from ui.operations import MEETINGS, WriteOp
from ui.tasks import Task
from ui.widgets import record_table, size_columns

BIG = 200  # more members than this: count the signed sheet rather than mark each name


def counts_text(m: MeetingInfo) -> str:
    marked: dict[str, int] = {}
    for a in m.attendees:
        if a.member:
            marked[a.status] = marked.get(a.status, 0) + 1
    parts = [_("应到 {n} 人").format(n=m.members), _("实到 {n} 人").format(n=m.present)]
    counted_proxies = sum(1 for a in m.attendees if a.member and a.status == PROXY and a.counted)
    if counted_proxies:
        parts.append(_("其中委托出席 {n} 人").format(n=counted_proxies))
    if marked.get(PROXY, 0) - counted_proxies:
        parts.append(_("书面委托 {n} 份(不计入到会人数)").format(n=marked[PROXY] - counted_proxies))
    parts += [_("缺席 {n} 人").format(n=marked.get(ABSENT, 0)), _("请假 {n} 人").format(n=marked.get(LEAVE, 0))]
    if marked.get(EXPECTED) and m.members <= BIG:
        parts.append(_("未登记 {n} 人").format(n=marked[EXPECTED]))
    if m.households_present is not None and m.households:
        parts.append(_("到会 {hp} 户 / 共 {h} 户").format(hp=m.households_present, h=m.households))
    observers = sum(1 for a in m.attendees if not a.member)
    if observers:
        probationary = sum(1 for a in m.attendees if not a.member and a.role_text.startswith(PROBATIONARY_ROLE))
        parts.append(_("列席 {n} 人").format(n=observers) + (
            _("(其中预备党员 {n} 人,没有表决权)").format(n=probationary) if probationary else ""))
    return " · ".join(parts)


def quorum_words(m: MeetingInfo) -> tuple[str, str, str]:
    """(big word, its style name, the reason with its article) for the attendance as it stands."""
    if m.quorum is None or m.present == 0:
        if m.members == 0:
            return _("没有参会人员"), "bigWait", _("名单是空的,请在“① 准备”检查会议类型和日期,或添加参会人员。")
        return _("还没有登记到会"), "bigWait", _("请在下面的名单里登记每个人的到会情况。")
    q = m.quorum
    reason = q.quorum_reason + _("依据:{citation}。").format(citation=q.citation)
    return (_("会议有效"), "bigGood", reason) if q.quorate else (_("不足法定人数"), "bigBad", reason)


class AttendPage(StepPage):
    def __init__(self, editor: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(editor, parent)
        self.model = AttendanceModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(AttendanceColumns.NAME)
        self.table = record_table(self.proxy)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                   | QAbstractItemView.EditTrigger.SelectedClicked
                                   | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.delegate = ChoiceDelegate(self.table)
        self.table.setItemDelegateForColumn(AttendanceColumns.STATUS, self.delegate)

        self.counts_label = QLabel("")
        self.counts_label.setObjectName("count")
        self.counts_label.setWordWrap(True)
        self.quorum_label = QLabel("")
        self.quorum_label.setObjectName("bigWait")
        self.reason_label = QLabel("")
        self.reason_label.setObjectName("reason")
        self.reason_label.setWordWrap(True)

        self.filter_edit = QLineEdit()
        self.filter_edit.setPlaceholderText(_("查找姓名"))
        self.filter_edit.setClearButtonEnabled(True)
        self.all_button = QPushButton(_("其余全部出席"))
        self.all_button.setToolTip(_("把还没有登记的人都记为出席"))
        self.present_button = QPushButton(_("选中的:出席"))
        self.absent_button = QPushButton(_("选中的:缺席"))
        self.leave_button = QPushButton(_("选中的:请假"))
        self.add_button = QPushButton(_("添加列席人员…"))
        self.remove_button = QPushButton(_("删去选中的人"))
        self.remove_button.setToolTip(_("只能删去添加的列席人员或特邀人员;法定组成人员没来请记为缺席或请假"))
        self.refill_button = QPushButton(_("按名册重新生成名单"))
        self.refill_button.setToolTip(_("名册或职务改过以后用;已经登记了到会情况时不能重新生成"))
        self.hint_label = widgets.hint(_("双击“到会情况”一格选择;可以按住 Ctrl 或 Shift 选中多人,再点上面的按钮。"))
        # what a written proxy is at this kind, with its article (shown where one may be recorded)
        self.proxy_label = QLabel("")
        self.proxy_label.setObjectName("reason")
        self.proxy_label.setWordWrap(True)
        self.proxy_label.setVisible(False)

        # the signed sheet's totals, for a meeting too big to mark name by name
        self.counts_box = QFrame()
        self.counts_box.setObjectName("verdictBox")
        # any number typed is kept as typed and checked against the list and the register (ui.numbers)
        self.present_spin = NumberBox(_("实到人数"))
        self.present_spin.setObjectName("votes")
        self.households_spin = NumberBox(_("到会户数"))
        self.households_spin.setObjectName("votes")
        self.households_total = QLabel("")
        self.counts_button = QPushButton(_("保存人数"))
        self.counts_button.setObjectName("primary")
        grid = QGridLayout(self.counts_box)
        grid.addWidget(widgets.heading(_("按签到表填人数")), 0, 0, 1, 4)
        grid.addWidget(widgets.hint(_("人多的会议不必逐个登记:数一数签了名的签到表,填上总数。"
                                      "以最后保存的为准。")), 1, 0, 1, 4)
        self.present_label = QLabel(_("实到人数"))
        self.present_label.setObjectName("votesLabel")
        self.households_label = QLabel(_("到会户数"))
        self.households_label.setObjectName("votesLabel")
        grid.addWidget(self.present_label, 2, 0)
        grid.addWidget(self.present_spin, 2, 1)
        grid.addWidget(self.households_label, 2, 2)
        grid.addWidget(self.households_spin, 2, 3)
        grid.addWidget(self.households_total, 3, 2, 1, 2)
        grid.addWidget(self.error_label("present"), 4, 0, 1, 4)
        grid.addWidget(self.error_label("households_present"), 5, 0, 1, 4)
        self.present_spin.set_message_label(self.field_labels["present"])
        self.households_spin.set_message_label(self.field_labels["households_present"])
        grid.addWidget(self.counts_button, 6, 3)

        top = QVBoxLayout()
        top.addWidget(self.quorum_label)
        top.addWidget(self.counts_label)
        top.addWidget(self.reason_label)
        tools = QHBoxLayout()
        tools.addWidget(self.filter_edit, 1)
        tools.addWidget(self.all_button)
        tools.addWidget(self.present_button)
        tools.addWidget(self.absent_button)
        tools.addWidget(self.leave_button)
        more = QHBoxLayout()
        more.addWidget(self.hint_label, 1)
        more.addWidget(self.add_button)
        more.addWidget(self.remove_button)
        more.addWidget(self.refill_button)
        self.body.addLayout(top)
        self.body.addWidget(self.counts_box)
        self.body.addLayout(tools)
        self.body.addWidget(self.table, 1)
        self.body.addWidget(self.proxy_label)
        self.body.addWidget(self.error_label("status"))
        self.body.addWidget(self.error_label("proxy_name"))
        self.body.addLayout(more)

        self.model.change_requested.connect(self._mark_one)
        self.model.proxy_needed.connect(self._ask_proxy)
        self.filter_edit.textChanged.connect(self.proxy.setFilterFixedString)
        self.all_button.clicked.connect(self.mark_rest_present)
        self.present_button.clicked.connect(lambda: self.mark_selected(PRESENT))
        self.absent_button.clicked.connect(lambda: self.mark_selected(ABSENT))
        self.leave_button.clicked.connect(lambda: self.mark_selected(LEAVE))
        self.add_button.clicked.connect(self.add_person)
        self.remove_button.clicked.connect(self.remove_selected)
        self.refill_button.clicked.connect(self.refill)
        self.counts_button.clicked.connect(self.save_counts)
        for spin in (self.present_spin, self.households_spin):
            spin.checked.connect(lambda _ok: self._update_counts_button())
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.restyle()

    def restyle(self) -> None:
        self._show_proxy_column(not self.table.isColumnHidden(AttendanceColumns.PROXY))

    def _show_proxy_column(self, shown: bool) -> None:
        """The 受委托人 column only where the kind allows proxies; the last column shown takes the width left."""
        self.table.setColumnHidden(AttendanceColumns.PROXY, not shown)
        samples = {AttendanceColumns.NUMBER: "1234", AttendanceColumns.NAME: "欧阳建国国",
                   AttendanceColumns.GROUP: "第十二村民小组", AttendanceColumns.STATUS: "委托出席(请填写受委托人)"}
        if shown:
            samples[AttendanceColumns.ROLE] = "党支部书记、村委会主任"
        size_columns(self.table, samples, stretch=AttendanceColumns.PROXY if shown else AttendanceColumns.ROLE)

    # ------------------------------------------------------------ showing

    def show_state(self, state: MeetingState | None, mine: bool = False) -> None:
        self.state = state
        if state is None:
            self.model.set_attendees([], proxies=False, read_only=True)
            return
        m = state.info
        k = kind_info(m.kind)
        proxies = meeting_proxy_rule(m.kind, self.editor.data_dir)
        shown = proxies.recordable or any(a.status == PROXY for a in m.attendees)
        self.model.set_attendees(m.attendees, proxies=proxies.recordable, read_only=self.read_only)
        self._show_proxy_column(shown)
        self.proxy_label.setText(_("委托:") + proxies.reason if shown else "")
        self.proxy_label.setVisible(shown)
        self.counts_label.setText(counts_text(m))
        word, style, reason = quorum_words(m)
        self.quorum_label.setText(word)
        set_name(self.quorum_label, style)
        self.reason_label.setText(reason)
        big = m.members > BIG
        self.counts_box.setVisible(big)
        if big and (mine or not self.present_spin.hasFocus()):
            self.present_spin.set_limit(max(m.members, 0), _("应到 {n} 人(按名册生成的参会名单),到会的不能比应到的多").format(
                n=m.members))
            self.present_spin.setValue(m.present)
            households = k.by_households and bool(m.households)
            for w in (self.households_label, self.households_spin, self.households_total):
                w.setVisible(households)
            if households:
                self.households_spin.set_limit(m.households or 0, _("名册里全村共 {h} 户").format(h=m.households))
                self.households_spin.setValue(m.households_present or 0)
                self.households_total.setText(_("全村共 {h} 户").format(h=m.households))
        self._update_buttons()
        self._update_counts_button()

    @property
    def dirty(self) -> bool:
        """Totals typed from the signed sheet and not yet saved with 保存人数."""
        if self.read_only or self.state is None or self.counts_box.isHidden():
            return False
        m = self.state.info
        return self.present_spin.value() != m.present or (
            not self.households_spin.isHidden() and self.households_spin.value() != (m.households_present or 0))

    def save_unsaved(self) -> Task | None:
        return self.save_counts()

    def _update_counts_button(self) -> None:
        """保存人数 stays off while a number typed is refused beside its field."""
        self.counts_button.setEnabled(not first_problem(*self._count_boxes()))

    def _count_boxes(self) -> list[NumberBox]:
        return [self.present_spin] + ([self.households_spin] if not self.households_spin.isHidden() else [])

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        for b in (self.all_button, self.present_button, self.absent_button, self.leave_button, self.add_button,
                  self.remove_button, self.refill_button, self.counts_button):
            b.setVisible(not read_only)
        self.hint_label.setVisible(not read_only)
        for spin in (self.present_spin, self.households_spin):
            spin.setReadOnly(read_only)
        self.model.read_only = read_only

    def editable_fields(self) -> list[QWidget]:
        fields: list[QWidget] = []
        if self.model.rowCount() and self.model.flags(self.model.index(0, AttendanceColumns.STATUS)) \
                & Qt.ItemFlag.ItemIsEditable:
            fields.append(self.table)
        if self.counts_box.isVisible():
            fields += [s for s in (self.present_spin, self.households_spin) if not s.isReadOnly()]
        return fields

    def _selected(self) -> list[AttendeeInfo]:
        rows = {self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()}
        return [self.model.row_at(r) for r in sorted(rows)]

    def _update_buttons(self) -> None:
        chosen = self._selected()
        for b in (self.present_button, self.absent_button, self.leave_button):
            b.setEnabled(any(a.member for a in chosen))
        m = self.state.info if self.state else None
        consultation = m is not None and m.kind == MeetingKind.CONSULTATION.value
        self.remove_button.setEnabled(bool(chosen) and all(
            not a.member or a.resident_id is None or consultation for a in chosen))
        self.all_button.setEnabled(any(a.member and a.status == EXPECTED for a in (m.attendees if m else [])))
        self.refill_button.setEnabled(m is not None and m.present == 0 and all(
            a.status == EXPECTED or not a.member for a in m.attendees))

    # ------------------------------------------------------------ marking

    def _mark(self, changes: dict[int, str | tuple[str, str]]) -> Task | None:
        if self.read_only or not changes:
            return None
        return self.write(actions.set_attendance, changes)

    def _mark_one(self, attendee_id: int, status: str, proxy: str) -> None:
        self._mark({attendee_id: (status, proxy) if status == PROXY else status})

    def _ask_proxy(self, row: int) -> None:
        index = self.proxy.mapFromSource(self.model.index(row, AttendanceColumns.PROXY))
        if index.isValid():
            self.table.setCurrentIndex(index)
            self.table.edit(index)
        self.say(_("请在“受委托人”一格里填写交来书面委托的受委托人姓名,按回车保存。"))

    def mark(self, attendee_id: int, status: str, proxy: str = "") -> Task | None:
        """Mark one person (the same as choosing in the table)."""
        return self._mark({attendee_id: (status, proxy) if status == PROXY else status})

    def mark_selected(self, status: str) -> Task | None:
        return self._mark({a.id: status for a in self._selected() if a.member})

    def mark_rest_present(self) -> Task | None:
        m = self.state.info if self.state else None
        if m is None:
            return None
        return self._mark({a.id: PRESENT for a in m.attendees if a.member and a.status == EXPECTED})

    def save_counts(self) -> Task | None:
        if self.read_only or self.state is None:
            return None
        if not all([box.check() for box in self._count_boxes()]):
            return None  # refused beside the field, with the limit: nothing is saved until it is fixed
        m = self.state.info
        counted = kind_info(m.kind).by_households and bool(m.households) and not self.households_spin.isHidden()
        households = self.households_spin.value() if counted else None
        return self.write(actions.set_counts, self.present_spin.value(), households,
                          then=lambda st: self.say(_("已保存:实到 {n} 人。").format(n=st.info.present)),
                          disabling=(self.counts_button,))

    def refill(self) -> Task | None:
        if self.read_only or self.state is None:
            return None
        return self.write(actions.refill, then=lambda st: self.say(_("已按名册重新生成名单:应到 {n} 人。").format(
            n=st.info.members)), disabling=(self.refill_button,))

    def remove_selected(self) -> Task | None:
        chosen = self._selected()
        if self.read_only or len(chosen) != 1:
            if len(chosen) > 1:
                show_message(self.message, _("一次只能删去一个人,请只选中一行。"), "error")
            return None
        a = chosen[0]
        if not widgets.confirm(self, _("删去参会人员"), _("从名单里删去“{name}”吗?").format(name=a.name),
                               _("删去"), _("不删")):
            return None
        return self.write(actions.remove_attendee, a.id)

    def add_person(self) -> dialogs.AttendeeDialog | None:
        if self.read_only or self.state is None:
            return None
        m = self.state.info
        editor = self.editor
        store, actor, data_dir, mid = editor.store, editor.actor, editor.data_dir, m.id
        dialog = dialogs.AttendeeDialog(
            m.title, m.kind == MeetingKind.CONSULTATION.value,
            lambda name, role, member: WriteOp(
                store, actor, lambda s, _ctx: actions.add_attendee(s, mid, name, role, member, data_dir),
                changes={MEETINGS}, initiator=self),
            parent=self)
        dialog.completed.connect(lambda st: editor.accept_state(st))
        dialogs.show_dialog(dialog)
        return dialog
