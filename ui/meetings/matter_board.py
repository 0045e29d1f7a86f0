"""四议两公开: every major matter as a card on a board, its four steps and two disclosures in a row.

A card says in words and colour where the matter stands: the steps done (✓, with the date and the
meeting, which opens with one click), the next one (待办), those after it (未开始), the resolution
and result disclosures (未起草, drafted with its deadline, 已逾期 in red, or posted), and what the
matter waits for. Its buttons are only those for what can be done next: the result once the
resolution is posted, 办结 once the result is posted, and for 村规民约 the township filing. Every write goes through a dialog
(ui/meetings/matter_dialogs.py) on the write worker; the board then reads itself again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QButtonGroup, QFrame, QHBoxLayout, QLabel, QMessageBox, QPushButton, QRadioButton,
                               QScrollArea, QSizePolicy, QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.i18n import _
from app.meetings.matters import (COMPLETED, ENDED, MatterInfo, StepInfo, is_art24, is_open_state, is_village_rules,
                                  step_label)
from app.meetings.models import CARRIED_OUT, FAILED, IN_PROGRESS, RESOLVED
from app.storage import Store
from ui.errors import message_for
from ui.meetings import common, matter_dialogs
from ui.meetings.matter_dialogs import (AdvanceDialog, AuthorisationDialog, Candidate, CloseDialog, FilingDialog,
                                        NewMatterDialog, ResultDialog, VillagersMotion, kinds_text)
from ui.style import ACCENT, BORDER, ERROR, MUTED, OK, TEXT, message_label, show_message
from ui.operations import MATTERS, NOTICES, LatestReadOp, ReadOp, WriteOp
from ui.tasks import Task
from ui.widgets import FollowsTextSize

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

STEPS = (1, 2, 3, 4)
DONE, NEXT, LATER, FAILED_BOX = "stepDone", "stepNext", "stepLater", "stepFailed"  # object names the sheet colours


# ---------------------------------------------------------------- what the board asks of the core (no Qt)


@dataclass(frozen=True)
class NoticeBrief:
    """A disclosure drafted for a matter, as far as the board needs it."""

    id: int
    number: str
    state: str
    state_text: str
    title: str

    @property
    def published(self) -> bool:
        from app.disclosure.models import PUBLISHED

        return self.state in PUBLISHED


@dataclass(frozen=True)
class Deadline:
    """When a matter's notice is owed (the catalogue's days after step 4, or after it was carried out)."""

    deadline: dt.date
    overdue: bool
    days_left: int


@dataclass(frozen=True)
class BoardRow:
    matter: MatterInfo
    notices: dict[int, NoticeBrief] = field(default_factory=dict)
    deadlines: dict[str, Deadline] = field(default_factory=dict)  # "resolution" / "result"

    def notice(self, notice_id: int | None) -> NoticeBrief | None:
        return self.notices.get(notice_id) if notice_id is not None else None

    def posted(self, notice_id: int | None) -> bool:
        n = self.notice(notice_id)
        return n is not None and n.published


def is_open(m: MatterInfo) -> bool:
    """Still being worked on: in progress, resolved, or carried out and waiting for its result notice."""
    return is_open_state(m.state)


def read_board(s: Session, data_dir: Path, today: dt.date | None = None) -> list[BoardRow]:
    from app.disclosure.calendar import event_entries
    from app.disclosure.catalogue import CatalogueError, village_catalogue
    from app.disclosure.service import notice_heads, state_label
    from app.meetings.matters import disclosure_events, list_matters

    today = today or dt.date.today()
    matters = list_matters(s)
    ids = {i for m in matters for i in (m.resolution_notice_id, m.result_notice_id) if i is not None}
    notices = {n.id: NoticeBrief(n.id, n.number, n.state, state_label(n.state), n.title)
               for n in notice_heads(s, ids)}
    occurrences = disclosure_events(s)
    try:
        entries = event_entries(village_catalogue(data_dir, today), occurrences, today)
    except CatalogueError:  # no catalogue in force: no deadlines to show
        entries = []
    deadlines: dict[int, dict[str, Deadline]] = {}
    for e in entries:
        _prefix, matter_id, what = e.period.key.split(":")
        deadlines.setdefault(int(matter_id), {})[what] = Deadline(e.period.deadline, e.state == "overdue",
                                                                  e.days_left or 0)
    return [BoardRow(m, {i: notices[i] for i in (m.resolution_notice_id, m.result_notice_id) if i in notices},
                     deadlines.get(m.id, {})) for m in matters]


def read_authorising(s: Session) -> list[VillagersMotion]:
    from app.meetings.matters import authorising_motions

    return [VillagersMotion(*row) for row in authorising_motions(s)]


def read_candidates(s: Session, matter_id: int) -> tuple[MatterInfo, list[Candidate]]:
    from app.meetings.matters import candidates, get_matter

    return get_matter(s, matter_id), [Candidate(*c) for c in candidates(s, matter_id)]


# the writes below run in a write operation (ui.operations.WriteOp), given its session


def create(s: Session, subject: str, category: str, description: str) -> MatterInfo:
    from app.meetings.matters import create_matter

    return create_matter(s, subject=subject, category=category, description=description)


def authorise(s: Session, matter_id: int, motion_id: int) -> MatterInfo:
    from app.meetings.matters import authorise as link

    return link(s, matter_id, motion_id=motion_id)


def close(s: Session, matter_id: int) -> MatterInfo:
    from app.meetings.matters import close_matter

    return close_matter(s, matter_id)


def file_rules(s: Session, matter_id: int, day: dt.date, reference: str) -> MatterInfo:
    from app.meetings.matters import record_filing

    return record_filing(s, matter_id, filed_on=day, reference=reference)


def advance(s: Session, data_dir: Path, matter_id: int, step: int, meeting_id: int, motion_id: int,
            outcome: str | None, note: str) -> MatterInfo:
    """The step the clerk saw as next, taken by a passed motion; or a failed vote recorded with its outcome."""
    from app.meetings.matters import record_failure, take_step

    if outcome is None:
        return take_step(s, matter_id, step=step, meeting_id=meeting_id, motion_id=motion_id, data_dir=data_dir)
    return record_failure(s, matter_id, meeting_id=meeting_id, motion_id=motion_id, outcome=outcome, note=note)


def carried_out(s: Session, data_dir: Path, matter_id: int, summary: str, day: dt.date) -> MatterInfo:
    from app.meetings.matters import record_result

    return record_result(s, matter_id, summary=summary, carried_out_on=day, data_dir=data_dir)


# ---------------------------------------------------------------- words


def notice_text(n: NoticeBrief) -> str:
    """Which notice was drafted, by its public number once posted, else by its number inside the program."""
    if n.number:
        return _("编号 {number},{state}").format(number=n.number, state=n.state_text)
    return _("{state}(内部编号 #{id},张贴时给公开编号)").format(state=n.state_text, id=n.id)


def failure_text(s: StepInfo) -> str:
    what = _("事项终止") if s.outcome == ENDED else _("退回第一步重新提议")
    line = _("第 {round} 轮第 {n} 步“{label}”未通过({date} {title}),{what}").format(
        round=s.round, n=s.step, label=s.label, date=s.date.isoformat(), title=s.meeting_title, what=what)
    return line + (_(":{note}").format(note=s.note) if s.note else "")


STATE_NAMES = {IN_PROGRESS: "matterOpen", RESOLVED: "matterResolved", CARRIED_OUT: "matterResolved",
               COMPLETED: "matterDone", FAILED: "matterFailed"}


def board_sheet(base: int) -> str:
    pad = max(base // 2, 6)
    return (
        f"QFrame#matterCard {{ background: #ffffff; border: 2px solid {BORDER}; border-radius: 6px; }}"
        f"QFrame#matterCard QLabel {{ border: none; background: transparent; }}"
        f"QLabel#matterSubject {{ font-size: {base + 3}pt; font-weight: bold; color: {TEXT}; }}"
        f"QLabel#art24 {{ color: {ACCENT}; border: 2px solid {ACCENT}; border-radius: 4px; padding: 1px {pad}px; }}"
        f"QFrame#matterCard QLabel#art24 {{ border: 2px solid {ACCENT}; }}"
        f"QLabel#matterOpen, QLabel#matterResolved, QLabel#matterDone, QLabel#matterFailed"
        f" {{ font-size: {base + 1}pt; font-weight: bold; }}"
        f"QLabel#matterOpen {{ color: {ACCENT}; }} QLabel#matterResolved {{ color: #6b4a00; }}"
        f"QLabel#matterDone {{ color: {OK}; }} QLabel#matterFailed {{ color: {ERROR}; }}"
        f"QFrame#{DONE} {{ background: #e3f1e4; border: 2px solid {OK}; border-radius: 4px; }}"
        f"QFrame#{NEXT} {{ background: #fff4c2; border: 3px solid #c9a227; border-radius: 4px; }}"
        f"QFrame#{LATER} {{ background: #f3f3f3; border: 2px dashed #b0b0b0; border-radius: 4px; }}"
        f"QFrame#{FAILED_BOX} {{ background: #fbe0e3; border: 2px solid {ERROR}; border-radius: 4px; }}"
        f"QLabel#stepTitle {{ font-weight: bold; color: {TEXT}; }}"
        f"QFrame#{LATER} QLabel {{ color: #5c5c5c; }}"
        f"QFrame#{DONE} QLabel#stepStatus {{ color: {OK}; font-weight: bold; }}"
        f"QFrame#{NEXT} QLabel#stepStatus {{ color: #6b4a00; font-weight: bold; }}"
        f"QFrame#{FAILED_BOX} QLabel#stepStatus {{ color: {ERROR}; font-weight: bold; }}"
        f"QLabel#arrow {{ color: {MUTED}; font-weight: bold; }}"
        f"QPushButton#openMeeting {{ text-align: left; border: none; background: transparent; padding: 0;"
        f" color: {ACCENT}; text-decoration: underline; }}"
        f"QPushButton#openMeeting:focus {{ border: 2px solid {TEXT}; }}"
    )


# ---------------------------------------------------------------- the card


class StepBox(QFrame):
    """One box of the row: a step or a disclosure, its state in words, and for a held step the
    meeting that took it (with a button that opens it)."""

    def __init__(self, title: str, state: str, status: str, detail: str = "", meeting_id: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state, self.meeting_id = state, meeting_id
        self.setObjectName(state)
        # equal columns whatever each box says: the row reads as one line of steps
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(self.fontMetrics().horizontalAdvance("党员大会审") + 16)
        self.title_label = QLabel(title)
        self.title_label.setObjectName("stepTitle")
        self.title_label.setWordWrap(True)
        self.status_label = QLabel(status)
        self.status_label.setObjectName("stepStatus")
        self.status_label.setWordWrap(True)
        self.detail_label = QLabel(detail)
        self.detail_label.setWordWrap(True)
        self.detail_label.setVisible(bool(detail))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        layout.addWidget(self.title_label)
        layout.addWidget(self.status_label)
        layout.addWidget(self.detail_label)
        self.open_button: QPushButton | None = None
        if meeting_id is not None:
            self.open_button = QPushButton(_("打开会议"))
            self.open_button.setObjectName("openMeeting")
            self.open_button.setCursor(Qt.CursorShape.PointingHandCursor)
            self.open_button.setToolTip(_("打开这次会议的会议记录"))
            layout.addWidget(self.open_button)
        layout.addStretch(1)

    def text(self) -> str:
        return "\n".join(x.text() for x in (self.title_label, self.status_label, self.detail_label) if x.text())


def _step_boxes(m: MatterInfo) -> list[StepBox]:
    done = {s.step: s for s in m.current_steps}
    failed = {s.step: s for s in m.steps if s.round == m.round and not s.passed}
    boxes = []
    for n in STEPS:
        title = _("第 {n} 步\n{label}").format(n=n, label=step_label(n))
        if n in done:
            s = done[n]
            box = StepBox(title, DONE, _("✓ 已完成 {date}").format(date=s.date.isoformat()), s.meeting_title,
                          s.meeting_id)
        elif n in failed:
            s = failed[n]
            box = StepBox(title, FAILED_BOX, _("✗ 未通过 {date}").format(date=s.date.isoformat()), s.meeting_title,
                          s.meeting_id)
        elif n == m.next_step:
            box = StepBox(title, NEXT, _("▶ 待办"), _("由{kinds}来议").format(kinds=kinds_text(n, m.category)))
        else:
            box = StepBox(title, LATER, _("未开始"))
        boxes.append(box)
    return boxes


def _notice_box(title: str, notice: NoticeBrief | None, notice_id: int | None,
                deadline: Deadline | None = None) -> StepBox:
    if notice_id is None:
        return StepBox(title, LATER, _("未起草"))
    if notice is None:  # deleted behind the program: cunwu check names it
        return StepBox(title, FAILED_BOX, _("✗ 公开事项已不存在"), _("内部编号 #{id}").format(id=notice_id))
    if notice.published:
        return StepBox(title, DONE, _("✓ {state}").format(state=notice.state_text), notice_text(notice))
    if deadline is not None and deadline.overdue:
        return StepBox(title, FAILED_BOX, _("✗ 已逾期 {n} 天,尚未张贴").format(n=-deadline.days_left),
                       _("应在 {date} 前张贴;{where}").format(date=deadline.deadline.isoformat(),
                                                         where=notice_text(notice)))
    due = _(",{date} 前张贴").format(date=deadline.deadline.isoformat()) if deadline is not None else ""
    return StepBox(title, NEXT, _("▶ 已起草,待审核张贴") + due, notice_text(notice))


class MatterCard(QFrame):
    """One matter; the board answers its buttons."""

    def __init__(self, row: BoardRow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("matterCard")
        m = self.matter = row.matter
        self.row = row
        self.subject_label = QLabel(m.subject)
        self.subject_label.setObjectName("matterSubject")
        self.subject_label.setWordWrap(True)
        self.subject_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_label = QLabel(m.state_text)
        self.state_label.setObjectName(STATE_NAMES.get(m.state, "matterOpen"))
        self.art24_label: QLabel | None = None
        self.round_label = QLabel(_("第 {n} 轮").format(n=m.round) if m.round > 1 else "")
        self.round_label.setObjectName("lead")
        self.round_label.setVisible(m.round > 1)
        head = QHBoxLayout()
        head.addWidget(self.subject_label, 1)
        if is_art24(m.category) or is_village_rules(m.category):
            rules = is_village_rules(m.category)
            self.art24_label = QLabel(_("村民会议决定·报乡镇备案") if rules else _("须村民会议决定"))
            self.art24_label.setObjectName("art24")
            self.art24_label.setToolTip(matter_dialogs.art27_note() if rules else matter_dialogs.art24_note())
            head.addWidget(self.art24_label)
        head.addWidget(self.round_label)
        head.addSpacing(12)
        head.addWidget(self.state_label)
        self.category_label = QLabel(_("类别:{category}").format(category=m.category_label))
        self.category_label.setObjectName("hint")
        self.category_label.setWordWrap(True)

        self.step_boxes = _step_boxes(m)
        self.resolution_box = _notice_box(_("决议公开"), row.notice(m.resolution_notice_id), m.resolution_notice_id,
                                          row.deadlines.get("resolution"))
        self.result_box = _notice_box(_("实施结果公开"), row.notice(m.result_notice_id), m.result_notice_id,
                                      row.deadlines.get("result"))
        steps = QHBoxLayout()
        steps.setSpacing(4)
        for i, box in enumerate(self.step_boxes):
            if i:
                arrow = QLabel("→")
                arrow.setObjectName("arrow")
                steps.addWidget(arrow)
            steps.addWidget(box, 1)
        steps.addSpacing(14)
        steps.addWidget(self.resolution_box, 1)
        steps.addWidget(self.result_box, 1)

        self.waiting_label = QLabel(self._waiting(row))
        self.waiting_label.setObjectName("lead")
        self.waiting_label.setWordWrap(True)
        lines = [failure_text(s) for s in m.steps if not s.passed]
        if m.authorisation_text and is_art24(m.category):
            lines.append(_("村民会议授权:{text}").format(text=m.authorisation_text))
        if is_village_rules(m.category) and m.state in (RESOLVED, CARRIED_OUT, COMPLETED):
            lines.append(_("报乡镇备案:{date},{reference}").format(date=m.filed_on.isoformat(),
                                                                reference=m.filing_reference)
                         if m.filed_on else _("报乡镇备案:尚未登记(《村民委员会组织法》第二十七条)"))
        if m.state in (CARRIED_OUT, COMPLETED) and m.result_summary:
            lines.append(_("实施情况({date}完成):{summary}").format(
                date=m.carried_out_on.isoformat() if m.carried_out_on else "", summary=m.result_summary))
        self.history_label = QLabel("\n".join(lines))
        self.history_label.setObjectName("hint")
        self.history_label.setWordWrap(True)
        self.history_label.setVisible(bool(lines))

        self.advance_button = QPushButton(_("推进下一步…"))
        self.advance_button.setObjectName("primary")
        self.advance_button.setToolTip(_("选出开过的会议和会上的表决,记为下一步"))
        self.authorise_button = QPushButton(_("修改授权…") if m.authorised_by else _("记录授权…"))
        self.authorise_button.setToolTip(_("选出村民会议上通过的授权决议:授权村民代表会议决定这件事"))
        self.result_button = QPushButton(_("登记实施结果…"))
        self.result_button.setObjectName("primary")
        resolution_posted = row.posted(m.resolution_notice_id)
        self.result_button.setEnabled(resolution_posted)
        self.result_button.setToolTip(_("决议公开张贴后,才能登记实施结果") if not resolution_posted
                                      else _("登记实施情况,起草实施结果公开"))
        self.close_button = QPushButton(_("办结…"))
        self.close_button.setObjectName("primary")
        result_posted = row.posted(m.result_notice_id)
        self.close_button.setEnabled(result_posted)
        self.close_button.setToolTip(_("实施结果公开张贴后,才能办结") if not result_posted
                                     else _("决议和实施结果都已公开,办结这件事项"))
        self.filing_button = QPushButton(_("修改备案…") if m.filed_on else _("登记备案…"))
        self.filing_button.setToolTip(_("登记报乡镇人民政府备案的日期和文号"))
        self.notice_button = QPushButton(_("查看公开草稿"))
        self.notice_button.setToolTip(_("公开草稿在“村务公开”里送审、张贴"))
        self.advance_button.setVisible(m.state == IN_PROGRESS)
        self.authorise_button.setVisible(m.state == IN_PROGRESS and is_art24(m.category))
        self.result_button.setVisible(m.state == RESOLVED)
        self.close_button.setVisible(m.state == CARRIED_OUT)
        self.filing_button.setVisible(is_village_rules(m.category) and m.state in (RESOLVED, CARRIED_OUT))
        self.notice_button.setVisible(m.resolution_notice_id is not None or m.result_notice_id is not None)
        bottom = QHBoxLayout()
        bottom.addWidget(self.waiting_label, 1)
        for b in (self.advance_button, self.result_button, self.close_button, self.filing_button,
                  self.authorise_button, self.notice_button):
            bottom.addWidget(b)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 12)
        layout.setSpacing(6)
        layout.addLayout(head)
        layout.addWidget(self.category_label)
        layout.addLayout(steps)
        layout.addWidget(self.history_label)
        layout.addLayout(bottom)

    @staticmethod
    def _waiting(row: BoardRow) -> str:
        m = row.matter
        if m.state == IN_PROGRESS and m.next_step == 4 and is_art24(m.category) and m.authorised_by is None:
            return _("等待第 4 步:由村民会议决议;记录村民会议的授权后,也可以由村民代表会议决议")
        if m.state == RESOLVED and not row.posted(m.resolution_notice_id):
            return _("等待决议公开张贴:请到“村务公开”送监委会审核、批准并张贴;张贴后才能登记实施结果")
        if m.state == CARRIED_OUT and not row.posted(m.result_notice_id):
            return _("等待实施结果公开张贴:请到“村务公开”送审、批准并张贴;张贴后才能办结")
        if m.state == CARRIED_OUT:
            return _("实施结果已公开,可以办结")
        return m.waiting

    def text(self) -> str:
        """Everything the card says, for a test or a screen reader."""
        labels = [self.subject_label, self.state_label, self.category_label, self.round_label, self.waiting_label,
                  self.history_label]
        parts = [x.text() for x in labels]
        if self.art24_label is not None:
            parts.append(self.art24_label.text())
        parts += [b.text() for b in (*self.step_boxes, self.resolution_box, self.result_box)]
        return "\n".join(p for p in parts if p)


# ---------------------------------------------------------------- the board


class MatterBoard(FollowsTextSize, QWidget):
    """``MatterBoard(store, actor, data_dir)``: :meth:`reload` reads the matters on a worker.

    ``open_meeting(meeting id)`` when the clerk opens a step's meeting; ``changed`` after any
    write (a step taken drafts a notice in 村务公开); ``loaded`` after every read.
    """

    open_meeting = Signal(int)
    changed = Signal()
    loaded = Signal(object)  # list[BoardRow]

    def __init__(self, store: Store, actor: str = "", data_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.actor = store, actor or _("系统")
        self.data_dir = data_dir if data_dir is not None else store.data_dir
        self.rows: list[BoardRow] = []
        self.cards: list[MatterCard] = []
        self.loading = False
        self.today = dt.date.today

        intro = QLabel(_("重大事项按“四议两公开”办理:四步议事依次进行,每一步都要有定稿的会议记录,不能跳步;"
                         "决议公告张贴后才能登记实施结果,实施结果公告张贴后才能办结。"))
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        self.open_radio = QRadioButton(_("进行中"))
        self.open_radio.setToolTip(_("还没办完的事项,包括已决议、等待登记实施结果的"))
        self.all_radio = QRadioButton(_("全部"))
        self.open_radio.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.open_radio)
        group.addButton(self.all_radio)
        self.count_label = QLabel("")
        self.count_label.setObjectName("heading")
        self.new_button = QPushButton(_("新建事项…"))
        self.new_button.setObjectName("primary")
        top = QHBoxLayout()
        top.addWidget(QLabel(_("显示:")))
        top.addWidget(self.open_radio)
        top.addWidget(self.all_radio)
        top.addSpacing(16)
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.new_button)
        self.message = message_label("ok")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_label = QLabel("")
        self.empty_label.setObjectName("lead")
        self.empty_label.setWordWrap(True)

        self.cards_box = QWidget()
        self.cards_box.setObjectName("page")
        self.cards_layout = QVBoxLayout(self.cards_box)
        self.cards_layout.setContentsMargins(0, 0, 8, 0)
        self.cards_layout.setSpacing(12)
        self.cards_layout.addWidget(self.empty_label)
        self.cards_layout.addStretch(1)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.cards_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.scroll, 1)

        self._read = LatestReadOp(self, store, lambda s: read_board(s, store.data_dir, self.today()), self._loaded,
                                  self._load_failed)
        self.open_radio.toggled.connect(lambda _on: self._render())
        self.new_button.clicked.connect(self.new_matter)
        self.restyle()
        QTimer.singleShot(0, self.reload)

    def apply_text_size(self, base: int) -> None:
        self.setStyleSheet(common.style_sheet(base) + board_sheet(base))

    # ------------------------------------------------------------ reading

    @property
    def only_open(self) -> bool:
        return self.open_radio.isChecked()

    def reload(self) -> None:
        if not isValid(self):
            return
        self.loading = True
        self._read.request()

    def refresh(self) -> None:
        """The name the other screens use for reading again (a meeting closed may offer a step)."""
        self.reload()

    def _loaded(self, rows: list[BoardRow]) -> None:
        if not isValid(self):
            return
        self.rows = rows
        self.loading = False
        self._render()
        self.loaded.emit(rows)

    def _load_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.loading = False
        show_message(self.message, message_for(exc), "error")

    def _render(self) -> None:
        position = self.scroll.verticalScrollBar().value()
        for card in self.cards:
            self.cards_layout.removeWidget(card)
            card.deleteLater()
        self.cards = []
        shown = [r for r in self.rows if is_open(r.matter)] if self.only_open else list(self.rows)
        open_count = sum(1 for r in self.rows if is_open(r.matter))
        self.count_label.setText(_("未办完 {open} 件,共 {total} 件").format(open=open_count, total=len(self.rows)))
        if not self.rows:
            self.empty_label.setText(_("还没有重大事项。点“新建事项…”登记一件,例如“村道硬化工程”,然后按四议两公开一步一步推进。"))
        elif not shown:
            self.empty_label.setText(_("没有进行中的事项。选“全部”可以看已经办完和已经终止的事项。"))
        self.empty_label.setVisible(not shown)
        for i, row in enumerate(shown):
            card = MatterCard(row)
            self._connect(card)
            self.cards_layout.insertWidget(1 + i, card)
            self.cards.append(card)
        QTimer.singleShot(0, lambda: isValid(self) and self.scroll.verticalScrollBar().setValue(position))

    def _connect(self, card: MatterCard) -> None:
        mid = card.matter.id
        card.advance_button.clicked.connect(lambda _c=False: self.advance(mid))
        card.authorise_button.clicked.connect(lambda _c=False: self.authorise(mid))
        card.result_button.clicked.connect(lambda _c=False: self.record_result(mid))
        card.close_button.clicked.connect(lambda _c=False: self.close_matter(mid))
        card.filing_button.clicked.connect(lambda _c=False: self.record_filing(mid))
        card.notice_button.clicked.connect(lambda _c=False: self.show_notices(mid))
        for box in card.step_boxes:
            if box.open_button is not None and box.meeting_id is not None:
                box.open_button.clicked.connect(lambda _c=False, i=box.meeting_id: self.open_meeting.emit(i))

    def card_for(self, matter_id: int) -> MatterCard | None:
        return next((c for c in self.cards if c.matter.id == matter_id), None)

    def _row(self, matter_id: int) -> BoardRow | None:
        return next((r for r in self.rows if r.matter.id == matter_id), None)

    # ------------------------------------------------------------ actions

    def _done(self, text: str) -> None:
        if not isValid(self):
            return
        show_message(self.message, text, "ok")
        self.reload()
        self.changed.emit()

    def _write(self, fn: Callable[[Session], MatterInfo]) -> WriteOp:
        """The write operation a matter dialog runs: a matter, and the notices its steps draft, changed."""
        return WriteOp(self.store, self.actor, lambda s, _ctx: fn(s), changes={MATTERS, NOTICES}, initiator=self)

    def new_matter(self) -> NewMatterDialog:
        dialog = NewMatterDialog(lambda *values: self._write(lambda s: create(s, *values)), self)
        dialog.completed.connect(lambda m: self._done(_("已新建“{subject}”,下一步:{label}。").format(
            subject=m.subject, label=step_label(1))))
        matter_dialogs.show_dialog(dialog)
        return dialog

    def advance(self, matter_id: int) -> Task:
        """Read the meetings that could take the next step, then ask which one (and which motion)."""
        store = self.store
        card = self.card_for(matter_id)
        task = ReadOp(store, lambda s, _ctx: read_candidates(s, matter_id)).success(self._show_advance) \
            .failure(lambda exc: show_message(self.message, message_for(exc), "error") if isValid(self) else None)
        if card is not None:
            task.disabling(card.advance_button)
        return task.run()

    def _show_advance(self, found: tuple[MatterInfo, list[Candidate]]) -> None:
        if not isValid(self):
            return
        matter, candidates = found
        if matter.next_step is None:
            self.reload()
            return
        data_dir, step = self.data_dir, matter.next_step

        def act(meeting_id: int, motion_id: int, outcome: str | None, note: str) -> Task:
            return self._write(lambda s: advance(s, data_dir, matter.id, step, meeting_id, motion_id, outcome, note))

        dialog = AdvanceDialog(matter, candidates, act, self)
        dialog.completed.connect(lambda m: self._done(self._advanced_text(m, step)))
        matter_dialogs.show_dialog(dialog)

    @staticmethod
    def _advanced_text(m: MatterInfo, step: int) -> str:
        if m.state == FAILED:
            return _("“{subject}”已终止,记录保留。").format(subject=m.subject)
        if m.state == RESOLVED:
            return _("“{subject}”第 4 步已完成,决议公开已在“村务公开”起草(内部编号 #{id}),"
                     "请送监委会审核后张贴。").format(subject=m.subject, id=m.resolution_notice_id)
        last = m.steps[-1] if m.steps else None
        if last is not None and not last.passed:
            return _("“{subject}”已退回第一步,开始第 {round} 轮,请重新由党组织提议。").format(
                subject=m.subject, round=m.round)
        return _("“{subject}”已记为第 {n} 步“{label}”。").format(subject=m.subject, n=step, label=step_label(step))

    def authorise(self, matter_id: int) -> Task | None:
        """Read the passed motions of closed 村民会议, then ask which one authorised (Art. 24)."""
        row = self._row(matter_id)
        if row is None:
            return None
        store = self.store
        card = self.card_for(matter_id)
        task = ReadOp(store, lambda s, _ctx: read_authorising(s)) \
            .success(lambda found: self._show_authorise(matter_id, found)) \
            .failure(lambda exc: show_message(self.message, message_for(exc), "error") if isValid(self) else None)
        if card is not None:
            task.disabling(card.authorise_button)
        return task.run()

    def _show_authorise(self, matter_id: int, found: list[VillagersMotion]) -> None:
        row = self._row(matter_id)
        if not isValid(self) or row is None:
            return
        dialog = AuthorisationDialog(
            row.matter, found, lambda motion_id: self._write(lambda s: authorise(s, matter_id, motion_id)), self)
        dialog.completed.connect(lambda m: self._done(_("已记录“{subject}”的村民会议授权:{text}").format(
            subject=m.subject, text=m.authorisation_text)))
        matter_dialogs.show_dialog(dialog)

    def close_matter(self, matter_id: int) -> CloseDialog | None:
        row = self._row(matter_id)
        if row is None:
            return None
        dialog = CloseDialog(row.matter, lambda: self._write(lambda s: close(s, matter_id)), self)
        dialog.completed.connect(lambda m: self._done(_("“{subject}”已办结。").format(subject=m.subject)))
        matter_dialogs.show_dialog(dialog)
        return dialog

    def record_filing(self, matter_id: int) -> FilingDialog | None:
        row = self._row(matter_id)
        if row is None:
            return None
        dialog = FilingDialog(row.matter,
                              lambda day, reference: self._write(lambda s: file_rules(s, matter_id, day, reference)),
                              today=self.today(), parent=self)
        dialog.completed.connect(lambda m: self._done(_("已登记“{subject}”报乡镇备案:{date},{reference}。").format(
            subject=m.subject, date=m.filed_on.isoformat() if m.filed_on else "", reference=m.filing_reference)))
        matter_dialogs.show_dialog(dialog)
        return dialog

    def record_result(self, matter_id: int) -> ResultDialog | None:
        row = self._row(matter_id)
        if row is None:
            return None
        data_dir = self.data_dir
        dialog = ResultDialog(row.matter,
                              lambda summary, day: self._write(lambda s: carried_out(s, data_dir, matter_id, summary, day)),
                              today=self.today(), parent=self)
        dialog.completed.connect(lambda m: self._done(_("已登记“{subject}”的实施结果,实施结果公开已在“村务公开”起草"
                                                        "(内部编号 #{id})。").format(subject=m.subject,
                                                                                  id=m.result_notice_id)))
        matter_dialogs.show_dialog(dialog)
        return dialog

    def notices_text(self, matter_id: int) -> str:
        row = self._row(matter_id)
        if row is None:
            return ""
        m = row.matter
        lines = [_("“{subject}”").format(subject=m.subject)]
        for what, nid in ((_("决议公开"), m.resolution_notice_id), (_("实施结果公开"), m.result_notice_id)):
            n = row.notice(nid)
            if nid is None:
                lines.append(_("{what}:未起草").format(what=what))
            elif n is None:
                lines.append(_("{what}:内部编号 #{id}(已不在公开事项里)").format(what=what, id=nid))
            else:
                lines.append(_("{what}:“{title}”,{where}").format(what=what, title=n.title, where=notice_text(n)))
        lines.append(_("公开草稿在“村务公开”的“公开事项”里:请在那里修改、送监委会审核、批准并张贴。"))
        return "\n".join(lines)

    def show_notices(self, matter_id: int) -> None:
        text = self.notices_text(matter_id)
        if text:
            QMessageBox.information(self, _("公开草稿"), text)
