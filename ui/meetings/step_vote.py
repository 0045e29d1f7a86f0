"""④ 表决: the motions put to the vote under each agenda item, and the votes on each.

The clerk types 赞成 / 反对 / 弃权 (or, for the small bodies whose minutes name who voted
how, picks each member's choice) and the verdict beside the numbers follows every
keystroke (ui.meetings.verdict). Numbers the rules call impossible (more votes than
people present) are said in red beside the fields and 记录表决 stays off until they are
corrected. Recording runs through the service on the write worker.

At a villagers' or representatives' meeting the clerk also picks the motion's 表决事项类别:
一般事项, or a decision whose statute sets its own threshold (app.meetings.specials, e.g.
《农村土地承包法》第五十二条: two thirds of all members). The rule is said in words under the
choice and the live verdict follows it.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QPushButton, QSplitter, QVBoxLayout,
                               QWidget)

from app.i18n import _
from app.meetings.kinds import info as kind_info
from app.meetings.models import FOR
from app.meetings.service import MotionInfo
from app.meetings.specials import Special, for_kind
from ui import widgets
from ui.meetings import actions
from ui.meetings.actions import MeetingState
from ui.meetings.model import ChoiceDelegate, NamedVoteModel, VoteColumns
from ui.meetings.step_base import EditorHost, StepPage
from ui.meetings.verdict import VerdictBox, judge
from ui.numbers import NumberBox, first_problem
from ui.style import show_message
from ui.tasks import Task
from ui.widgets import record_table, size_columns

NO_ITEM = -1


def motion_text(n: int, x: MotionInfo, agenda_numbers: dict[int, int]) -> str:
    under = _("议题{n} · ").format(n=agenda_numbers[x.agenda_item_id]) if x.agenda_item_id in agenda_numbers else ""
    text = x.text if len(x.text) <= 40 else x.text[:40] + "…"
    special = x.special_rule
    if special is not None:
        text += _("〔{label},{article}〕").format(label=special.threshold.label, article=special.article)
    return _("{n}. {under}{text}:{result}").format(n=n, under=under, text=text, result=x.result_text)


def fill_specials(combo: QComboBox, specials: list[Special], chosen: str | None = None) -> None:
    """一般事项 first, then each special decision the meeting's kind may take; ``chosen`` selected."""
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(_("一般事项"), None)
    combo.setItemData(0, _("按本会议类型的一般规则表决(如到会人数过半数同意)"), Qt.ItemDataRole.ToolTipRole)
    for special in specials:
        combo.addItem(special.label, special.code)
        combo.setItemData(combo.count() - 1, special.rule_text, Qt.ItemDataRole.ToolTipRole)
    combo.setCurrentIndex(max(combo.findData(chosen), 0) if chosen else 0)
    combo.blockSignals(False)


def special_words(special: Special | None, members: int) -> str:
    """The rule of the chosen category in words, for the line under the choice."""
    if special is None:
        return _("一般事项按本会议类型的一般规则表决。")
    return _("依{citation}:须经应到 {members} 人的{label}同意,至少 {needed} 票(按应到人数计算,不按到会人数)。").format(
        citation=special.citation, members=members, label=special.threshold.label, needed=special.needed(members))


class VotePage(StepPage):
    def __init__(self, editor: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(editor, parent)
        self.current: MotionInfo | None = None
        self._loading = False
        self._text_dirty = False

        # the motions
        self.motions_list = QListWidget()
        self.motions_list.setWordWrap(True)
        self.agenda_combo = QComboBox()
        self.new_edit = QLineEdit()
        self.new_edit.setPlaceholderText(_("付诸表决的事项,例如:同意村道硬化方案"))
        self.new_special_combo = QComboBox()
        self.new_special_combo.setAccessibleName(_("新表决事项的类别"))
        self.new_special_label = QLabel(_("表决事项类别"))
        for combo in (self.agenda_combo, self.new_special_combo):  # a long decision's name does not widen the column
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(12)
        self.add_button = QPushButton(_("添加表决事项"))
        self.remove_button = QPushButton(_("删去这个表决事项…"))

        # the motion chosen
        self.heading = widgets.heading("")
        self.text_edit = QPlainTextEdit()
        self.text_edit.setTabChangesFocus(True)
        self.resolution_edit = QPlainTextEdit()
        self.resolution_edit.setTabChangesFocus(True)
        self.resolution_edit.setPlaceholderText(_("决议:通过后写明决定了什么(可以不填)"))
        self.present_label = QLabel("")
        self.present_label.setObjectName("lead")
        self.present_label.setWordWrap(True)
        # 表决事项类别: an ordinary motion, or a decision whose statute sets its own threshold
        self.special_combo = QComboBox()
        self.special_combo.setAccessibleName(_("表决事项类别"))
        self.special_rule = QLabel("")
        self.special_rule.setObjectName("hint")
        self.special_rule.setWordWrap(True)
        self.special_box = QWidget()
        special_layout = QGridLayout(self.special_box)
        special_layout.setContentsMargins(0, 0, 0, 0)
        special_layout.addWidget(QLabel(_("表决事项类别")), 0, 0)
        special_layout.addWidget(self.special_combo, 0, 1)
        special_layout.addWidget(self.special_rule, 1, 0, 1, 2)
        special_layout.setColumnStretch(1, 1)

        labels = (_("赞成"), _("反对"), _("弃权"))
        # any number typed reaches the rules as typed, and they say beside the boxes what is wrong (ui.numbers)
        self.for_spin, self.against_spin, self.abstain_spin = (NumberBox(text) for text in labels)
        counts = QWidget()
        grid = QGridLayout(counts)
        grid.setContentsMargins(0, 0, 0, 0)
        for col, (spin, text) in enumerate(zip((self.for_spin, self.against_spin, self.abstain_spin), labels)):
            spin.setObjectName("votes")
            spin.setSuffix(_(" 票"))
            spin.setAccessibleName(text)
            label = QLabel(text)
            label.setObjectName("votesLabel")
            grid.addWidget(label, 0, col)
            grid.addWidget(spin, 1, col)
        self.votes_error = QLabel("")
        self.votes_error.setObjectName("error")
        self.votes_error.setWordWrap(True)
        grid.addWidget(self.votes_error, 0, 3, 2, 1)
        grid.setColumnStretch(3, 1)

        self.named_model = NamedVoteModel(self)
        self.named_table = record_table(self.named_model)
        self.named_table.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.named_table.setItemDelegateForColumn(VoteColumns.CHOICE, ChoiceDelegate(self.named_table))
        self.all_for_button = QPushButton(_("全部赞成"))
        self.named_tally = QLabel("")
        self.named_tally.setObjectName("count")
        named = QWidget()
        named_layout = QVBoxLayout(named)
        named_layout.setContentsMargins(0, 0, 0, 0)
        named_row = QHBoxLayout()
        named_row.addWidget(self.named_tally, 1)
        named_row.addWidget(self.all_for_button)
        named_layout.addLayout(named_row)
        named_layout.addWidget(self.named_table, 1)
        # one of the two shows, by kind; not a stacked widget, which would take the table's height for the spin boxes
        self.counts_box, self.named_box = counts, named

        self.verdict = VerdictBox()
        self.record_button = QPushButton(_("记录表决"))
        self.record_button.setObjectName("primary")
        self.save_text_button = QPushButton(_("只保存文字"))
        self.save_text_button.setToolTip(_("保存表决事项和决议的文字,不改票数"))
        self.recorded_label = QLabel("")
        self.recorded_label.setObjectName("hint")
        self.recorded_label.setWordWrap(True)
        self.empty_label = widgets.hint(_("还没有表决事项。在左边选好议题、写明付诸表决的事项,点“添加表决事项”。"))

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 8, 0)
        left_layout.addWidget(widgets.heading(_("表决事项")))
        left_layout.addWidget(self.motions_list, 1)
        left_layout.addWidget(QLabel(_("属于哪个议题")))
        left_layout.addWidget(self.agenda_combo)
        left_layout.addWidget(self.new_special_label)
        left_layout.addWidget(self.new_special_combo)
        left_layout.addWidget(self.new_edit)
        left_layout.addWidget(self.error_label("text"))
        left_layout.addWidget(self.add_button)
        left_layout.addWidget(self.remove_button)

        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.setContentsMargins(0, 0, 0, 0)
        detail.addWidget(self.heading)
        detail.addWidget(self.text_edit)
        detail.addWidget(self.resolution_edit)
        detail.addWidget(self.error_label("resolution"))
        detail.addWidget(self.special_box)
        detail.addWidget(self.error_label("special"))
        detail.addWidget(self.present_label)
        detail.addWidget(self.counts_box)
        detail.addWidget(self.named_box, 1)
        detail.addWidget(self.error_label("votes"))
        detail.addWidget(self.verdict)
        detail.addWidget(self.recorded_label)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_text_button)
        buttons.addWidget(self.record_button)
        detail.addLayout(buttons)
        detail.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addWidget(self.empty_label)
        # in 大字模式 on a small screen the motion scrolls rather than squeezing the verdict; up and down only,
        # asking for the vote boxes' width (the splitter gives way), so 弃权 is never cut on the right
        self.detail.setObjectName("page")  # on the page's white, as ui.meetings.common.page_scroll paints it
        self.detail.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.detail_scroll = widgets.VerticalScroll(self.detail)
        self.detail_scroll.setObjectName("pageScroll")
        right_layout.addWidget(self.detail_scroll, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.body.addWidget(split, 1)
        self.setTabOrder(self.for_spin, self.against_spin)
        self.setTabOrder(self.against_spin, self.abstain_spin)
        self.setTabOrder(self.abstain_spin, self.record_button)

        for spin in (self.for_spin, self.against_spin, self.abstain_spin):
            spin.valueChanged.connect(self.recompute)
        self.named_model.changed.connect(self.recompute)
        self.special_combo.currentIndexChanged.connect(self._special_changed)
        self.text_edit.textChanged.connect(self._text_changed)
        self.resolution_edit.textChanged.connect(self._text_changed)
        self.motions_list.currentRowChanged.connect(self._row_changed)
        self.add_button.clicked.connect(self.add_motion)
        self.new_edit.returnPressed.connect(self.add_motion)
        self.remove_button.clicked.connect(self.remove_motion)
        self.record_button.clicked.connect(self.record)
        self.save_text_button.clicked.connect(self.save)
        self.all_for_button.clicked.connect(lambda: self.named_model.set_all(FOR))
        self._show_motion(None)
        self.restyle()

    def restyle(self) -> None:
        size_columns(self.named_table, {VoteColumns.NAME: "欧阳建国(代 欧阳小明)", VoteColumns.CHOICE: "(未投票)"},
                     stretch=VoteColumns.ROLE)
        for edit in (self.text_edit, self.resolution_edit):
            edit.setFixedHeight(round(edit.fontMetrics().height() * 2.6))
        digits = self.for_spin.fontMetrics().horizontalAdvance(_("99999 票")) + 60
        for spin in (self.for_spin, self.against_spin, self.abstain_spin):
            spin.setMinimumWidth(digits)

    # ------------------------------------------------------------ showing

    @property
    def named(self) -> bool:
        return self.state is not None and kind_info(self.state.info.kind).named_votes

    def _motions(self) -> list[MotionInfo]:
        return self.state.info.motion_list if self.state else []

    def show_state(self, state: MeetingState | None, mine: bool = False) -> None:
        fresh = state is None or self.state is None or self.state.info.id != state.info.id
        self.state = state
        keep = None if fresh else (self.current.id if self.current else None)
        m = state.info if state else None
        chosen_item = self.agenda_combo.currentData()
        self.agenda_combo.clear()
        agenda_numbers: dict[int, int] = {}
        for n, item in enumerate(m.agenda if m else [], start=1):
            agenda_numbers[item.id] = n
            self.agenda_combo.addItem(_("议题{n}:{title}").format(n=n, title=item.title[:24]), item.id)
        self.agenda_combo.addItem(_("(不属于哪个议题)"), NO_ITEM)
        if not fresh and chosen_item is not None:
            self.agenda_combo.setCurrentIndex(max(self.agenda_combo.findData(chosen_item), 0))
        specials = for_kind(m.kind) if m else []
        new_choice = self.new_special_combo.currentData() if not fresh else None
        fill_specials(self.new_special_combo, specials, new_choice)
        for w in (self.new_special_label, self.new_special_combo):
            w.setVisible(bool(specials) and not self.read_only)
        self.special_box.setVisible(bool(specials))
        motions = self._motions()
        self.motions_list.blockSignals(True)
        self.motions_list.clear()
        for n, x in enumerate(motions, start=1):
            row = QListWidgetItem(motion_text(n, x, agenda_numbers))
            row.setData(Qt.ItemDataRole.UserRole, x.id)
            self.motions_list.addItem(row)
        index = next((i for i, x in enumerate(motions) if x.id == keep), 0 if motions else -1)
        self.motions_list.setCurrentRow(index)
        self.motions_list.blockSignals(False)
        chosen = motions[index] if index >= 0 else None
        same = chosen is not None and self.current is not None and chosen.id == self.current.id
        self._show_motion(chosen, keep_typing=same and not mine)
        self.counts_box.setVisible(not self.named)
        self.named_box.setVisible(self.named)

    def _show_motion(self, x: MotionInfo | None, *, keep_typing: bool = False) -> None:
        """Show the motion; ``keep_typing`` keeps what the clerk typed (attendance changed meanwhile)."""
        self.current = x
        self.empty_label.setVisible(x is None)
        self.detail_scroll.setVisible(x is not None)
        self.remove_button.setEnabled(x is not None and not self.read_only)
        if x is None:
            return
        n = self.motions_list.currentRow() + 1
        self.heading.setText(_("表决事项 {n}").format(n=n))
        m = self.state.info if self.state else None
        self._loading = True
        if not keep_typing or not self._text_dirty:
            self.text_edit.setPlainText(x.text)
            self.resolution_edit.setPlainText(x.resolution)
            self._text_dirty = False
        keep_special = self.chosen_special() if keep_typing else x.special
        fill_specials(self.special_combo, for_kind(m.kind) if m else [], keep_special)
        if not keep_typing:
            for spin, value in zip((self.for_spin, self.against_spin, self.abstain_spin),
                                   (x.votes_for, x.votes_against, x.abstentions)):
                spin.setValue(value)
        if m is not None:
            voters = [a for a in m.attendees if a.member and a.counted]  # in person, or a proxy the rule counts
            votes = self.named_model.votes if keep_typing else dict(x.named_votes)
            self.named_model.set_voters(voters, votes)
            self.present_label.setText(_("到会 {present} 人(应到 {members} 人)。{how}").format(
                present=m.present, members=m.members,
                how=_("请逐人选择表决意见。") if self.named else _("请填写赞成、反对、弃权的票数。")))
        self._loading = False
        if x.voted:
            self.recorded_label.setText(_("已记录:{result}(赞成 {f} 票,反对 {a} 票,弃权 {ab} 票)。改了票数再点“记录表决”会覆盖。")
                                        .format(result=x.result_text, f=x.votes_for, a=x.votes_against,
                                                ab=x.abstentions))
        else:
            self.recorded_label.setText(_("还没有记录表决。"))
        self.recompute()

    # ------------------------------------------------------------ the live verdict

    def votes(self) -> tuple[int, int, int]:
        if self.named:
            return self.named_model.tally()
        return self.for_spin.value(), self.against_spin.value(), self.abstain_spin.value()

    def recompute(self) -> None:
        if self._loading:
            return
        if self.state is None or self.current is None:
            self.record_button.setEnabled(False)
            return
        m, rule = self.state.info, self.state.rule
        f, a, ab = self.votes()
        if self.named:
            self.named_tally.setText(_("赞成 {f} 票,反对 {a} 票,弃权 {ab} 票").format(f=f, a=a, ab=ab))
        if m.members == 0 or m.present == 0:
            self.verdict.show_waiting(_("还没有登记到会"))
            # a number typed is still checked beside the boxes (a negative one) while attendance is missing
            self.votes_error.setText("" if self.named else first_problem(
                self.for_spin, self.against_spin, self.abstain_spin))
            show_message(self.message, _("请先在“② 签到”登记谁到会了,再记录表决。"), "hint")
            self.record_button.setEnabled(False)
            return
        if self.message.objectName() == "hint":
            show_message(self.message, "")
        special = self.chosen_special()
        chosen = next((s for s in for_kind(m.kind) if s.code == special), None)
        self.special_rule.setText(special_words(chosen, m.members))
        live = judge(m, rule, f, a, ab, special)
        self.verdict.show_live(m, rule, live, f)
        self.votes_error.setText(live.error)
        self.record_button.setEnabled(live.verdict is not None and not self.read_only)

    # ------------------------------------------------------------ read-only and dirty

    def _text_changed(self) -> None:
        if not self._loading and not self.read_only:
            self._text_dirty = True

    def chosen_special(self) -> str | None:
        """The code of the special decision picked for the motion shown, None for 一般事项."""
        return self.special_combo.currentData()  # only 一般事项 (None) where the kind takes no special decision

    def _special_changed(self) -> None:
        if not self._loading:
            self.recompute()

    def special_changed(self) -> bool:
        x = self.current
        return x is not None and not self.read_only and self.chosen_special() != (x.special or None)

    def counts_changed(self) -> bool:
        x = self.current
        if x is None or self.read_only:
            return False
        if self.named:
            return dict(self.named_model.votes) != dict(x.named_votes)
        return self.votes() != (x.votes_for, x.votes_against, x.abstentions)

    @property
    def dirty(self) -> bool:
        return not self.read_only and (self._text_dirty or self.counts_changed() or self.special_changed())

    def set_read_only(self, read_only: bool) -> None:
        super().set_read_only(read_only)
        self.text_edit.setReadOnly(read_only)
        self.resolution_edit.setReadOnly(read_only)
        self.special_combo.setEnabled(not read_only)
        for spin in (self.for_spin, self.against_spin, self.abstain_spin):
            spin.setReadOnly(read_only)
        self.named_model.read_only = read_only
        for w in (self.agenda_combo, self.new_edit, self.add_button, self.remove_button, self.record_button,
                  self.save_text_button, self.all_for_button):
            w.setVisible(not read_only)
        for w in (self.new_special_label, self.new_special_combo):
            w.setVisible(not read_only and self.new_special_combo.count() > 1)
        self.record_button.setEnabled(not read_only and self.record_button.isEnabled())

    def editable_fields(self) -> list[QWidget]:
        fields: list[QWidget] = [w for w in (self.text_edit, self.resolution_edit) if not w.isReadOnly()]
        fields += [s for s in (self.for_spin, self.against_spin, self.abstain_spin) if not s.isReadOnly()]
        if not self.read_only:
            fields.append(self.new_edit)
        return fields

    # ------------------------------------------------------------ writing

    def _row_changed(self, row: int) -> None:
        motions = self._motions()
        chosen = motions[row] if 0 <= row < len(motions) else None
        if self.current is not None and chosen is not None and chosen.id != self.current.id and (
                self.counts_changed() or self.special_changed()):
            if not widgets.confirm(self, _("票数还没有记录"), _("“{text}”的票数改过还没有记录。不记录就换到别的表决事项吗?")
                                   .format(text=self.current.text[:30]), _("不记录,换过去"), _("留下来记录")):
                old = next((i for i, x in enumerate(motions) if x.id == self.current.id), -1)
                self.motions_list.blockSignals(True)
                self.motions_list.setCurrentRow(old)
                self.motions_list.blockSignals(False)
                return
        if self._text_dirty and self.current is not None:
            self.save()
        self._show_motion(chosen)

    def save_unsaved(self) -> Task | None:
        """Closing the program with this motion changed: votes typed are recorded (None while the rules refuse
        them, said beside the boxes), else its wording saved."""
        return self.record() if self.counts_changed() else self.save()

    def save(self) -> Task | None:
        """The motion's wording and resolution, without touching its votes."""
        if self.read_only or self.current is None:
            return None
        motion_id, text, resolution = self.current.id, self.text_edit.toPlainText(), self.resolution_edit.toPlainText()
        special = self.chosen_special()
        self._text_dirty = False
        return self.write(actions.update_motion, motion_id, text, resolution, special,
                          then=lambda _st: self.say(_("已保存表决事项的文字和类别。")))

    def record(self) -> Task | None:
        if self.read_only or self.current is None or not self.record_button.isEnabled():
            return None
        motion_id, text, resolution = self.current.id, self.text_edit.toPlainText(), self.resolution_edit.toPlainText()
        self._text_dirty = False

        def done(state: MeetingState) -> None:
            x = next((x for x in state.info.motion_list if x.id == motion_id), None)
            if x is not None:
                self.say(_("已记录表决:{result}。").format(result=x.result_text))

        if self.named:
            return self.write(actions.record_named_votes, motion_id, text, resolution, dict(self.named_model.votes),
                              then=done, disabling=(self.record_button,))
        return self.write(actions.record_vote, motion_id, text, resolution, self.votes(), self.chosen_special(),
                          then=done, disabling=(self.record_button,))

    def add_motion(self) -> Task | None:
        if self.read_only or self.state is None:
            return None
        item = self.agenda_combo.currentData()
        text = self.new_edit.text()
        special = self.new_special_combo.currentData() if self.new_special_combo.count() > 1 else None

        def done(state: MeetingState) -> None:
            self.new_edit.clear()
            self.new_special_combo.setCurrentIndex(0)  # the next motion starts as 一般事项 again
            if state.info.motion_list:
                self.motions_list.setCurrentRow(len(state.info.motion_list) - 1)
                (self.named_table if self.named else self.for_spin).setFocus()

        return self.write(actions.add_motion, text, None if item in (None, NO_ITEM) else int(item), special,
                          then=done, disabling=(self.add_button,))

    def remove_motion(self) -> Task | None:
        if self.read_only or self.current is None:
            return None
        if not widgets.confirm(self, _("删去表决事项"), _("删去表决事项“{text}”和它的票数吗?").format(
                text=self.current.text[:30]), _("删去"), _("不删")):
            return None
        motion_id = self.current.id
        self.current = None
        self._text_dirty = False
        return self.write(actions.remove_motion, motion_id)
