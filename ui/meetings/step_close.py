"""⑤ 结束: the meeting in a few lines, what still stops it being closed, and closing it for good.

Closing freezes the minutes (the service takes a hash of everything they say). After
that nothing is edited: a mistake is a 补充更正 that names what it corrects, and the
photo of the signed sign-in sheet or a document can still be added.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget)

from app.i18n import _
from app.meetings.kinds import parse_kind
from app.meetings.print_common import check_code
from app.meetings.service import MeetingInfo, role_label
from ui import widgets
from ui.meetings import actions, dialogs
from ui.meetings.actions import MeetingState
from ui.meetings.common import page_scroll
from ui.meetings.step_attend import counts_text
from ui.meetings.step_base import EditorHost, StepPage
from ui.operations import MEETINGS, WriteOp
from ui.tasks import Task


def summary_lines(m: MeetingInfo) -> list[str]:
    when = m.date.isoformat() + (" " + m.time_text if m.time_text else "")
    lines = [_("{kind}:{title}").format(kind=parse_kind(m.kind).label, title=m.title),
             _("时间:{when}  地点:{place}").format(when=when, place=m.place or _("(未填写)")),
             _("主持人:{chair}  记录人:{recorder}").format(chair=m.chair or _("(未填写)"),
                                                      recorder=m.recorder or _("(未填写)")),
             counts_text(m)]
    if m.quorum is not None:
        lines.append(m.quorum.quorum_reason + _("依据:{citation}。").format(citation=m.quorum.citation))
    voted = [x for x in m.motion_list if x.voted]
    lines.append(_("议题 {a} 个;表决事项 {n} 项:通过 {p} 项,未通过 {f} 项,未表决 {u} 项。").format(
        a=len(m.agenda), n=len(m.motion_list), p=sum(1 for x in voted if x.passed),
        f=sum(1 for x in voted if not x.passed), u=len(m.motion_list) - len(voted)))
    for n, x in enumerate(m.motion_list, start=1):
        counts = _("(赞成 {f},反对 {a},弃权 {ab})").format(f=x.votes_for, a=x.votes_against, ab=x.abstentions) \
            if x.voted else ""
        lines.append(_("  {n}. {text}:{result}{counts}").format(n=n, text=x.text, result=x.result_text, counts=counts))
    return lines


def problems(m: MeetingInfo, today: dt.date) -> list[str]:
    """What the service would refuse, said before the clerk presses the button."""
    found = []
    missing = [what for what, value in ((_("主持人"), m.chair), (_("记录人"), m.recorder)) if not value]
    if missing:
        found.append(_("还没有填写{what}(在“① 准备”里填写)。").format(what="、".join(missing)))
    if m.members <= 0:
        found.append(_("还没有参会人员名单。"))
    if m.quorate:
        unvoted = [x.text[:20] for x in m.motion_list if not x.voted]
        if unvoted:
            found.append(_("表决事项“{text}”还没有记录表决结果(在“④ 表决”里记录,或删去没有表决的事项)。").format(
                text=unvoted[0]))
    elif m.members > 0:
        found.append(_("注意:会议不足法定人数,定稿后记录会写明这一点,会上不能作出有效决定。"))
    if m.date > today:
        found.append(_("会议日期 {date} 还没到,开完会再定稿。").format(date=m.date.isoformat()))
    return found


class ClosePage(StepPage):
    def __init__(self, editor: EditorHost, parent: QWidget | None = None) -> None:
        super().__init__(editor, parent)
        self.summary_label = QLabel("")
        self.summary_label.setObjectName("lead")
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problems_label = QLabel("")
        self.problems_label.setObjectName("error")
        self.problems_label.setWordWrap(True)
        self.closed_label = QLabel("")
        self.closed_label.setObjectName("ok")
        self.closed_label.setWordWrap(True)
        self.closed_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QPushButton(_("结束并定稿…"))
        self.close_button.setObjectName("primary")
        self.close_button.setToolTip(_("定稿后会议记录不能再修改"))
        self.print_button = QPushButton(_("打印会议记录…"))
        self.addendum_button = QPushButton(_("补充更正…"))
        self.addendum_button.setToolTip(_("定稿后发现错误,在这里写明更正什么;原记录保持不变"))
        self.attach_button = QPushButton(_("添加附件…"))
        self.attach_button.setToolTip(_("签了名的签到表的照片,或会议材料"))
        self.open_button = QPushButton(_("查看附件"))
        self.addenda_list = QListWidget()
        self.addenda_list.setWordWrap(True)
        self.files_list = QListWidget()

        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.addWidget(widgets.heading(_("会议概况")))
        layout.addWidget(self.summary_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.closed_label)
        layout.addWidget(widgets.heading(_("补充更正")))
        layout.addWidget(self.addenda_list)
        layout.addWidget(widgets.heading(_("附件")))
        layout.addWidget(self.files_list)
        layout.addStretch(1)
        scroll = page_scroll(inner)
        buttons = QHBoxLayout()
        buttons.addWidget(self.attach_button)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.addendum_button)
        buttons.addStretch(1)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.close_button)
        self.body.addWidget(scroll, 1)
        self.body.addLayout(buttons)

        self.close_button.clicked.connect(self.close_meeting)
        self.print_button.clicked.connect(lambda: self.editor.print_requested.emit(actions.MINUTES))
        self.addendum_button.clicked.connect(self.add_addendum)
        self.attach_button.clicked.connect(self.attach)
        self.open_button.clicked.connect(self._open_file)
        self.files_list.itemDoubleClicked.connect(lambda _i: self._open_file())

    # ------------------------------------------------------------ showing

    def show_state(self, state: MeetingState | None, mine: bool = False) -> None:
        self.state = state
        if state is None:
            return
        m = state.info
        today = self.editor.today()
        self.summary_label.setText("\n".join(summary_lines(m)))
        found = [] if m.closed else problems(m, today)
        self.problems_label.setText("\n".join(found))
        self.problems_label.setVisible(bool(found))
        if m.closed:
            self.closed_label.setText(_("已定稿:{when}。核验码 {code}(打印的会议记录上也有)。会议记录不能再修改,"
                                        "如有错误请点“补充更正…”。").format(when=m.closed_at[:16].replace("T", " "),
                                                                       code=check_code(m.content_hash)))
        self.closed_label.setVisible(m.closed)
        self.close_button.setVisible(not m.closed)
        self.addendum_button.setVisible(m.closed)
        self.addenda_list.clear()
        for a in m.addenda:
            self.addenda_list.addItem(_("{date} 更正“{corrects}”:{text}(记录人 {who})").format(
                date=a.date.isoformat(), corrects=a.corrects, text=a.text, who=a.recorded_by))
        if not m.addenda:
            self.addenda_list.addItem(_("没有补充更正。") if m.closed else _("定稿以后如发现错误,在这里添加补充更正。"))
        self.files_list.clear()
        for f in m.files:
            item = QListWidgetItem(_("{role}:{name}({added})").format(role=role_label(f.role), name=f.name,
                                                                     added=f.added[:10]))
            item.setData(Qt.ItemDataRole.UserRole, f)
            self.files_list.addItem(item)
        if not m.files:
            self.files_list.addItem(_("还没有附件。开完会请给签了名的签到表拍一张照片存档。"))
        self.open_button.setEnabled(bool(m.files))
        height = self.fontMetrics().height()
        self.addenda_list.setFixedHeight(height * (2 + 2 * min(max(len(m.addenda), 1), 4)))
        self.files_list.setFixedHeight(height * (2 + 2 * min(max(len(m.files), 1), 4)))

    def editable_fields(self) -> list[QWidget]:
        return []

    # ------------------------------------------------------------ actions

    def close_meeting(self) -> Task | None:
        if self.state is None or self.state.info.closed:
            return None
        m = self.state.info
        if self.editor.dirty and not widgets.confirm(
                self, _("还有没保存的内容"), _("有改过还没有保存的内容。先回去保存,还是不要这些改动直接定稿?"),
                _("不要改动,直接定稿"), _("回去保存")):
            return None
        if not widgets.confirm(self, _("结束并定稿"), _(
                "“{title}”的会议记录定稿以后就不能再修改了:到会情况、讨论情况、票数都不能再改。\n"
                "如果以后发现错误,只能添加一条“补充更正”,写明更正什么,原记录保持不变。\n\n"
                "确定结束会议并定稿吗?").format(title=m.title), _("结束并定稿"), _("先不定稿")):
            return None
        return self.write(actions.close, then=lambda st: self.say(_("会议记录已定稿。")),
                          disabling=(self.close_button,))

    def add_addendum(self) -> dialogs.AddendumDialog | None:
        if self.state is None or not self.state.info.closed:
            return None
        m = self.state.info
        editor = self.editor
        store, actor, data_dir, mid = editor.store, editor.actor, editor.data_dir, m.id
        dialog = dialogs.AddendumDialog(
            m.title, m.date, m.recorder,
            lambda corrects, text, who, day: WriteOp(
                store, actor, lambda s, _ctx: actions.add_addendum(s, mid, corrects, text, who, day, data_dir),
                changes={MEETINGS}, initiator=self),
            today=max(editor.today(), m.date), parent=self)
        dialog.completed.connect(lambda st: editor.accept_state(st))
        dialogs.show_dialog(dialog)
        return dialog

    def attach(self) -> dialogs.AttachDialog | None:
        if self.state is None:
            return None
        m = self.state.info
        editor = self.editor
        store, actor, data_dir, mid = editor.store, editor.actor, editor.data_dir, m.id
        dialog = dialogs.AttachDialog(
            m.title, lambda path, role: WriteOp(
                store, actor, lambda s, _ctx: actions.attach(s, mid, path, role, store.data_dir, data_dir),
                changes={MEETINGS}, initiator=self), parent=self)
        dialog.completed.connect(lambda st: editor.accept_state(st))
        dialogs.show_dialog(dialog)
        return dialog

    def _open_file(self) -> None:
        item = self.files_list.currentItem() or (self.files_list.item(0) if self.files_list.count() else None)
        file = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if file is not None:
            self.editor.file_requested.emit(file)
