"""首页: the village's numbers as big cards, and the things that need doing today.

Only counts are read here, so the first screen opens quickly even on a village
of 20,000 residents. To-dos are only the real ones the program can check;
nothing is shown for parts of the program that do not exist yet.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QApplication, QFrame, QGridLayout, QHBoxLayout, QLabel, QPushButton, QScrollArea,
                               QVBoxLayout, QWidget)
from shiboken6 import isValid

from app.i18n import _
from app.people.info import VillageInfo
from app.storage import Store
from ui.style import ERROR
from ui.tasks import Task

log = logging.getLogger(__name__)

CARDS_PER_ROW = 4
PENDING_SHOWN = 3  # the most urgent certificates by name; the rest as a count
DUE_SHOWN = 5  # the most urgent disclosure items, each a button that opens it; the rest as a count


@dataclass(frozen=True)
class HomeStats:
    village: VillageInfo | None
    residents: int = 0
    households: int = 0
    groups: int = 0
    adults: int = 0
    party_members: int = 0
    representatives: int = 0
    roles: int = 0
    users: int = 0
    backup_due: bool = False
    todos: list[str] = field(default_factory=list)
    # Art. 26: (OVERDUE or DUE, text); kept apart from ``todos`` because it is said in its own colour
    meetings: list[tuple[str, str]] = field(default_factory=list)
    # the log's head, read with the counts: the main window's status bar shows it (no read of its own at start)
    head_seq: int = 0
    head_hash: str = ""


OVERDUE, DUE = "overdue", "due"


def load_home_stats(store: Store) -> HomeStats:
    """Read the counts for the home screen (runs on a worker)."""
    # plain sqlite3: the first screen must not wait for SQLAlchemy to load (app.schema.quick)
    from app.schema.quick import one_connection

    with one_connection(store.db_path):  # the reads below open the database once
        return _home_stats(store)


def _home_stats(store: Store) -> HomeStats:
    from app.backup import needs_daily_backup
    from app.schema.quick import summary

    q = summary(store.db_path)
    village = q.village
    stats = dict(
        residents=q.residents, households=q.households, groups=q.groups, adults=q.adults,
        party_members=q.party_members, representatives=q.representatives, roles=q.roles, users=q.users,
    )
    try:
        backup_due = needs_daily_backup(store.backup_dir)
    except Exception:  # noqa: BLE001 - an unreadable backup folder means no backup can be found: one is due
        backup_due = True
    todos: list[str] = []
    if village is None:
        todos.append(_("还没有建立本村资料。"))
    if stats["users"] == 0:
        todos.append(_("还没有添加用户:现在任何人打开本软件都能看到全部资料。请点上面的“添加用户”,先添加一个管理员。"))
    if backup_due:
        todos.append(_("今天还没有备份:可以到“设置”里点“立即备份”。"))
    todos.extend(certificate_todos(store))
    todos.extend(probation_todos(store))
    meetings = meeting_todos(store) if village is not None else []
    return HomeStats(village=village, backup_due=backup_due, todos=todos, meetings=meetings,
                     head_seq=q.head_seq, head_hash=q.head_hash, **stats)


def meeting_todos(store: Store, today: dt.date | None = None) -> list[tuple[str, str]]:
    """Art. 26 (a representatives' meeting at least every quarter) as the home screen says it.

    Read with plain sqlite3 (app.schema.quick), like the other to-dos: no SQLAlchemy before the
    first screen. A quarter that began before the village's record here is never called missed.
    """
    from app.schema.quick import representatives_quarter

    try:
        status = representatives_quarter(store.db_path, today)
    except Exception:  # noqa: BLE001 - a reminder that cannot be read must not keep the home screen from opening
        log.warning("could not read the representatives' meetings for the home screen", exc_info=True)
        return []
    if status is None:
        return []
    lines = []
    if status.overdue_quarter:
        lines.append((OVERDUE, _("已逾期:{quarter}没有召开村民代表会议(《村民委员会组织法》第二十六条:"
                                 "至少每季度召开一次)。").format(quarter=status.overdue_quarter)))
    if not status.held:
        lines.append((DUE, _("待办:本季度({quarter})还没有召开村民代表会议,请在本季度内召开。").format(
            quarter=status.quarter)))
    return lines


PROBATIONS_SHOWN = 5  # probationary members named one by one; the rest as a count


def probation_todos(store: Store, today: dt.date | None = None) -> list[str]:
    """Probationary party members whose one-year probation ends within 30 days, or has ended (《中国共产党章程》
    第七条), in one to-do (the home screen has no room to spare at 1366x768). 转正 is the party members' meeting's
    decision, which the clerk records; read with plain sqlite3."""
    from app.schema.quick import probations_due

    try:
        due = probations_due(store.db_path, today)
    except Exception:  # noqa: BLE001 - a reminder that cannot be read must not keep the home screen from opening
        log.warning("could not read the probationary party members for the home screen", exc_info=True)
        return []
    if not due:
        return []
    shown = due[:PROBATIONS_SHOWN]

    def who(p) -> str:  # type: ignore[no-untyped-def]
        return _("{name}({group})").format(name=p.name, group=p.group_name) if p.group_name else p.name

    parts = []
    ended = [p for p in shown if p.ended]
    if ended:
        parts.append(_("预备期已满:{people}。").format(people="、".join(
            _("{who}{ends}").format(who=who(p), ends=p.ends.isoformat()) for p in ended)))
    soon = [p for p in shown if not p.ended]
    if soon:
        parts.append(_("预备期将满:{people}。").format(people="、".join(
            _("{who}{ends}(还剩 {n} 天)").format(who=who(p), ends=p.ends.isoformat(), n=p.days_left)
            for p in soon)))
    if len(due) > len(shown):
        parts.append(_("另有 {n} 人。").format(n=len(due) - len(shown)))
    parts.append(_("转正须经党员大会讨论通过(《中国共产党章程》第七条),记入会议记录后,在村民信息里改为“党员”。"))
    return ["".join(parts)]


def certificate_todos(store: Store, today: dt.date | None = None) -> list[str]:
    """Time-limited certificates waiting to be issued, the most urgent first, with their due dates.

    Read with plain sqlite3 (app.schema.quick): the home screen must not wait for SQLAlchemy.
    """
    from app.schema.quick import pending_certificates

    pending = pending_certificates(store.db_path, today)
    lines = []
    for p in pending[:PENDING_SHOWN]:
        what = _("{name}的{kind}").format(name=p.applicant_name, kind=p.kind_name)
        due = p.due_date.isoformat()
        if p.overdue:
            lines.append(_("证明已超期 {n} 天:{what},应在 {due} 前办结。请到“证明开具”办结或撤销。").format(
                n=-p.days_left, what=what, due=due))
        elif p.days_left == 0:
            lines.append(_("证明今天到期:{what},应在今天({due})办结。").format(what=what, due=due))
        else:
            lines.append(_("证明待办:{what},应在 {due} 前办结(还剩 {n} 天)。").format(
                what=what, due=due, n=p.days_left))
    if len(pending) > PENDING_SHOWN:
        lines.append(_("另有 {n} 件证明待办,见“证明开具”里的“待办”。").format(n=len(pending) - PENDING_SHOWN))
    return lines


def load_disclosure_due(store: Store) -> list:
    """Due and overdue disclosure items, the most urgent first (on a worker, with plain sqlite3:
    the first screen must not wait for SQLAlchemy)."""
    from app.schema.quick import disclosure_due

    return disclosure_due(store.db_path, store.data_dir)


def due_text(e) -> str:  # type: ignore[no-untyped-def]
    """One due item as the home screen says it: how late, what, by when."""
    what = _("{item}({period})").format(item=e.item.name, period=e.period.label)
    deadline = e.period.deadline.isoformat()
    if e.state == "overdue":
        return _("• 已逾期 {n} 天:{what},应在 {due} 前张贴").format(n=-(e.days_left or 0), what=what, due=deadline)
    if e.days_left == 0:
        return _("• 今天截止:{what}").format(what=what)
    return _("• 待公开:{what},{due} 截止(还剩 {n} 天)").format(what=what, due=deadline, n=e.days_left)


class _Card(QFrame):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.number = QLabel("…")
        self.number.setObjectName("cardNumber")
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label = QLabel(label)
        self.label.setObjectName("cardLabel")
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 14, 12, 14)
        layout.addWidget(self.number)
        layout.addWidget(self.label)

    def set_value(self, n: int) -> None:
        self.number.setText("{:,}".format(n))


class HomeScreen(QWidget):
    """``HomeScreen(store, parent=None)``; :meth:`refresh` reads the numbers again on a worker."""

    loaded = Signal(object)  # HomeStats
    disclosure_loaded = Signal(object)  # list of app.disclosure.calendar.CalendarEntry
    disclosure_clicked = Signal(str, str)  # item code, period key
    users_clicked = Signal()  # 添加用户: 设置 → 用户管理

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.stats: HomeStats | None = None
        self._task: Task | None = None

        self.title_label = QLabel(_("首页"))
        self.title_label.setObjectName("title")
        self.village_label = QLabel("")
        self.village_label.setObjectName("heading")
        self.village_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.code_label = QLabel("")
        self.code_label.setObjectName("subtitle")
        self.code_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.cards: dict[str, _Card] = {}
        grid = QGridLayout()
        grid.setSpacing(16)
        for i, (key, label) in enumerate(self._card_labels()):
            card = _Card(label)
            self.cards[key] = card
            grid.addWidget(card, i // CARDS_PER_ROW, i % CARDS_PER_ROW)

        self.todo_frame = QFrame()
        self.todo_frame.setObjectName("todo")
        todo_title = QLabel(_("待办事项"))
        todo_title.setObjectName("heading")
        self.todo_label = QLabel(_("正在读取……"))
        self.todo_label.setObjectName("todoItems")
        self.todo_label.setWordWrap(True)
        self.todo_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # Art. 26, in its own labels so a missed quarter can be said in red as well as in words
        self.meeting_labels: dict[str, QLabel] = {}
        for kind in (OVERDUE, DUE):
            label = QLabel("")
            label.setObjectName("todoItems")
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setVisible(False)
            self.meeting_labels[kind] = label
        self.meeting_labels[OVERDUE].setStyleSheet("QLabel { color: %s; font-weight: bold; }" % ERROR)
        todo_layout = QVBoxLayout(self.todo_frame)
        todo_layout.setContentsMargins(20, 14, 20, 16)
        # 还没有添加用户: the way to 设置 → 用户管理, beside the heading so it shows without scrolling
        self.users_button = QPushButton(_("添加用户…"))
        self.users_button.setVisible(False)
        self.users_button.clicked.connect(lambda: self.users_clicked.emit())
        todo_head = QHBoxLayout()
        todo_head.addWidget(todo_title)
        todo_head.addSpacing(12)
        todo_head.addWidget(self.users_button)
        todo_head.addStretch(1)
        todo_layout.addLayout(todo_head)
        todo_layout.addWidget(self.todo_label)
        todo_layout.addWidget(self.meeting_labels[OVERDUE])
        todo_layout.addWidget(self.meeting_labels[DUE])

        # 村务公开: read after the numbers, on a worker, because it needs SQLAlchemy and the catalogue
        self.due: list = []
        self.due_loaded = False
        self.due_frame = QFrame()
        self.due_frame.setObjectName("todo")
        due_title = QLabel(_("村务公开"))
        due_title.setObjectName("heading")
        self.due_label = QLabel(_("正在读取……"))
        self.due_label.setObjectName("todoItems")
        self.due_label.setWordWrap(True)
        self.due_buttons: list[QPushButton] = []
        self.due_more = QLabel("")
        self.due_more.setObjectName("todoItems")
        self.due_layout = QVBoxLayout(self.due_frame)
        self.due_layout.setContentsMargins(20, 14, 20, 16)
        self.due_layout.addWidget(due_title)
        self.due_layout.addWidget(self.due_label)
        self.due_layout.addWidget(self.due_more)
        self.due_frame.setVisible(False)

        head = QHBoxLayout()
        head.addWidget(self.title_label)
        head.addStretch(1)

        # the to-do and due lists grow with the village's work: they scroll rather than push the window
        # past a 1366x768 office screen
        body = QWidget()
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(32, 24, 32, 24)
        layout.setSpacing(14)
        layout.addLayout(head)
        layout.addWidget(self.village_label)
        layout.addWidget(self.code_label)
        layout.addSpacing(8)
        layout.addLayout(grid)
        layout.addSpacing(8)
        layout.addWidget(self.todo_frame)
        layout.addWidget(self.due_frame)
        layout.addStretch(1)

    @staticmethod
    def _card_labels() -> list[tuple[str, str]]:
        return [
            ("residents", _("村民(人)")),
            ("households", _("户数")),
            ("groups", _("村民小组")),
            ("adults", _("18周岁以上")),
            ("party_members", _("党员")),
            ("representatives", _("村民代表")),
            ("roles", _("在任职务")),
        ]

    def on_store_changed(self, kinds: frozenset[str], _initiator: object = None) -> None:
        """A write elsewhere: the due disclosure items follow the notices at once (the home screen is the first
        one seen when coming back); the counts and to-dos are read again only while this screen is shown,
        since showing it reads them anyway."""
        from ui.operations import BACKUPS, CERTIFICATES, MATTERS, MEETINGS, NOTICES, RESIDENTS, USERS, VILLAGE

        if NOTICES in kinds:
            self.refresh_disclosure()
        if not self.isHidden() and kinds & {VILLAGE, RESIDENTS, MEETINGS, MATTERS, CERTIFICATES, BACKUPS, USERS}:
            self.refresh()

    def refresh(self) -> None:
        store = self.store
        self._task = Task(lambda _ctx: load_home_stats(store), write=False).success(self._show) \
            .failure(self._failed).run()

    def _failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        from ui.errors import message_for

        self.todo_label.setText(_("读取首页数据时出错:{reason}").format(reason=message_for(exc)))

    def _show(self, stats: HomeStats) -> None:
        if not isValid(self):
            return
        from ui.fonts import fallbacks_for

        self.stats = stats
        v = stats.village
        # a rare character in a name: its font is read before it is shown (ui.fonts)
        fallbacks_for(QApplication.instance(), *(v.name, v.county, v.township) if v else (),  # type: ignore[arg-type]
                      *stats.todos, *(text for _kind, text in stats.meetings))
        if v is None:
            self.village_label.setText(_("还没有建立本村资料"))
            self.code_label.setText("")
        else:
            self.village_label.setText(_("{name}({county}{township})").format(
                name=v.name, county=v.county, township=v.township))
            self.code_label.setText(_("统一社会信用代码:{code}").format(code=v.code))
        for key, card in self.cards.items():
            card.set_value(getattr(stats, key))
        if stats.todos:
            self.todo_label.setText("\n".join("• " + t for t in stats.todos))
        else:
            self.todo_label.setText(_("暂无待办事项"))
        self._show_meetings(stats.meetings)
        self.users_button.setVisible(stats.users == 0)
        # "nothing to do" would contradict a reminder shown under it
        self.todo_label.setVisible(bool(stats.todos) or not stats.meetings)
        self.loaded.emit(stats)
        if v is not None:
            # after this paint: the first screen must not wait for the disclosure calendar
            QTimer.singleShot(0, self.refresh_disclosure)
        else:
            self.due_frame.setVisible(False)

    def _show_meetings(self, lines: list[tuple[str, str]]) -> None:
        for kind, label in self.meeting_labels.items():
            text = "\n".join("• " + t for k, t in lines if k == kind)
            label.setText(text)
            label.setVisible(bool(text))

    def meeting_text(self) -> str:
        """The Art. 26 lines as shown, for a test or a screen reader."""
        return "\n".join(label.text() for label in self.meeting_labels.values() if label.text())

    # ------------------------------------------------------------ 村务公开

    def refresh_disclosure(self) -> Task | None:
        """Read the due and overdue disclosure items again (on a worker)."""
        if not isValid(self):
            return None
        store = self.store
        self._due_task = Task(lambda _ctx: load_disclosure_due(store), write=False).success(self._show_due) \
            .failure(self._due_failed).run()
        return self._due_task

    def _due_failed(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        from ui.errors import message_for

        self.due_frame.setVisible(True)
        self.due_label.setText(_("读取村务公开日历时出错:{reason}").format(reason=message_for(exc)))
        self.due_loaded = True

    def _show_due(self, entries: list) -> None:
        if not isValid(self):
            return
        self.due = list(entries)
        for button in self.due_buttons:
            self.due_layout.removeWidget(button)
            button.deleteLater()
        self.due_buttons = []
        self.due_frame.setVisible(True)
        overdue = sum(1 for e in entries if e.state == "overdue")
        if not entries:
            self.due_label.setText(_("没有待公开或已逾期的事项。"))
        else:
            self.due_label.setText(_("已逾期 {o} 项,待公开 {d} 项。点一项去拟稿:").format(o=overdue, d=len(entries) - overdue))
        for i, e in enumerate(entries[:DUE_SHOWN]):
            button = QPushButton(due_text(e))
            button.setObjectName("dueItem")
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(_("打开“村务公开”的这一项"))
            button.clicked.connect(lambda _c=False, e=e: self.disclosure_clicked.emit(e.item.code, e.period.key))
            self.due_layout.insertWidget(2 + i, button)
            self.due_buttons.append(button)
        more = len(entries) - DUE_SHOWN
        self.due_more.setText(_("另有 {n} 项,见“村务公开”的公开日历。").format(n=more) if more > 0 else "")
        self.due_more.setVisible(more > 0)
        self.due_frame.setStyleSheet(
            "QPushButton#dueItem { text-align: left; border: none; background: transparent; padding: 2px 0;"
            " font-size: %dpt; color: #0b4f9c; text-decoration: underline; }"
            "QPushButton#dueItem:focus { border: 2px solid #111111; }" % (self.font().pointSize() + 2))
        self.due_loaded = True
        self.disclosure_loaded.emit(self.due)

