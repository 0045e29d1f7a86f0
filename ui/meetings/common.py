"""What the 会议记录 tabs share: the words for a meeting's quorum, the screen's sizes."""

from __future__ import annotations


from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QWidget

from app.i18n import _
from app.meetings.kinds import MeetingKind, parse_kind
from app.meetings.models import CLOSED
from app.meetings.service import MeetingSummary
from ui.style import ACCENT, ACCENT_TEXT, BORDER, ERROR, MUTED, OK, PANEL, TEXT

GOOD, BAD, PENDING = "good", "bad", "pending"  # a meeting's quorum, as the calendar and the list colour it


def set_name(label: QWidget, name: str) -> None:
    """Change the object name the style sheet colours by, and re-polish so it shows."""
    if label.objectName() != name:
        label.setObjectName(name)
        label.style().unpolish(label)
        label.style().polish(label)
        if isinstance(label, QLabel):
            label.update()


def page_scroll(inner: QWidget) -> QScrollArea:
    """``inner`` scrolling on the page's white (the application style sheet paints #page and #pageScroll)."""
    inner.setObjectName("page")
    inner.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    scroll = QScrollArea()
    scroll.setObjectName("pageScroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(inner)
    return scroll


def quorum_state(m: MeetingSummary) -> str:
    if m.quorate:
        return GOOD
    if m.present > 0 or m.state == CLOSED:
        return BAD
    return PENDING


def quorum_word(m: MeetingSummary) -> str:
    """有效 / 不足法定人数 / 未登记到会: in words, never only in colour."""
    return {GOOD: _("有效"), BAD: _("不足法定人数"), PENDING: _("未登记到会")}[quorum_state(m)]


def short_kind(kind: str) -> str:
    """A name short enough for a calendar day."""
    k = parse_kind(kind)
    return {MeetingKind.VILLAGERS: _("村民会议"), MeetingKind.REPRESENTATIVES: _("村民代表会议"),
            MeetingKind.GROUP: _("小组会议"), MeetingKind.PARTY: _("党员大会"),
            MeetingKind.BRANCH_COMMITTEE: _("支委会"), MeetingKind.JOINT_COMMITTEES: _("两委会"),
            MeetingKind.SUPERVISION: _("监委会"), MeetingKind.CONSULTATION: _("议事协商会")}[k]


QUORUM_COLOURS = {GOOD: ("#e3f1e4", OK), BAD: ("#fbe0e3", ERROR), PENDING: ("#f3f3f3", MUTED)}


def style_sheet(base: int) -> str:
    """The screen's own sizes, derived from the application's base size so 大字模式 scales them too."""
    pad = max(base // 2, 6)
    big = base * 2 + 6
    good_bg, good_fg = QUORUM_COLOURS[GOOD]
    bad_bg, bad_fg = QUORUM_COLOURS[BAD]
    wait_bg, wait_fg = QUORUM_COLOURS[PENDING]
    return (
        f"QPushButton#primary {{ font-weight: bold; padding: {pad // 2}px {pad * 2}px;"
        f" background: {ACCENT}; color: {ACCENT_TEXT}; border: 3px solid {ACCENT}; border-radius: 6px; }}"
        f"QPushButton#primary:focus {{ border-color: {TEXT}; }}"
        f"QPushButton#primary:disabled {{ background: {BORDER}; border-color: {BORDER}; }}"
        f"QPushButton#step {{ font-size: {base + 3}pt; font-weight: bold; padding: {pad}px {pad * 2}px;"
        f" background: {PANEL}; color: {TEXT}; border: 2px solid {BORDER}; border-radius: 6px; text-align: left; }}"
        f"QPushButton#step:checked {{ background: {ACCENT}; color: {ACCENT_TEXT}; border-color: {ACCENT}; }}"
        f"QPushButton#step:focus {{ border: 3px solid {TEXT}; }}"
        f"QPushButton#step:disabled {{ color: #8c8c8c; }}"
        f"QTabBar::tab {{ padding: {pad}px {pad * 2}px; font-size: {base + 1}pt; }}"
        f"QTabBar::tab:selected {{ font-weight: bold; color: {ACCENT}; }}"
        f"QTableView {{ font-size: {base}pt; }}"
        f"QFrame#warnbox {{ background: #fff4c2; border: 3px solid #c9a227; border-radius: 6px; }}"
        f"QFrame#warnbox QLabel {{ border: none; background: transparent; color: {TEXT}; }}"
        f"QLabel#warnTitle {{ font-size: {base + 2}pt; font-weight: bold; color: #6b4a00; }}"
        f"QFrame#verdictBox {{ background: {PANEL}; border: 2px solid {BORDER}; border-radius: 6px; }}"
        f"QFrame#verdictBox QLabel {{ border: none; background: transparent; }}"
        f"QLabel#bigGood {{ font-size: {big}pt; font-weight: bold; color: {OK}; }}"
        f"QLabel#bigBad {{ font-size: {big}pt; font-weight: bold; color: {ERROR}; }}"
        f"QLabel#bigWait {{ font-size: {big}pt; font-weight: bold; color: {MUTED}; }}"
        f"QLabel#short {{ font-size: {base + 4}pt; font-weight: bold; color: {ERROR}; }}"
        f"QLabel#reason {{ font-size: {base + 1}pt; color: {TEXT}; }}"
        f"QLabel#count {{ font-size: {base + 3}pt; font-weight: bold; color: {TEXT}; }}"
        f"QSpinBox#votes {{ font-size: {base + 8}pt; font-weight: bold; padding: {pad // 2}px; }}"
        f"QLabel#votesLabel {{ font-size: {base + 4}pt; font-weight: bold; }}"
        f"QFrame#closedBanner {{ background: #e3f1e4; border: 2px solid {OK}; border-radius: 6px; }}"
        f"QFrame#closedBanner QLabel {{ border: none; background: transparent; }}"
        f"QFrame#day {{ background: #ffffff; border: 1px solid {BORDER}; }}"
        f"QFrame#dayOther {{ background: #f4f4f4; border: 1px solid #c8cdd3; }}"
        f"QFrame#dayToday {{ background: #eef4fc; border: 3px solid {ACCENT}; }}"
        f"QFrame#day QLabel#dayNumber, QFrame#dayToday QLabel#dayNumber {{ font-weight: bold; color: {TEXT}; }}"
        f"QFrame#dayOther QLabel#dayNumber {{ color: #8c8c8c; }}"
        f"QLabel#weekday {{ font-weight: bold; color: {MUTED}; }}"
        f"QFrame#chip_good {{ background: {good_bg}; border: 2px solid {good_fg}; border-radius: 4px; }}"
        f"QFrame#chip_bad {{ background: {bad_bg}; border: 2px solid {bad_fg}; border-radius: 4px; }}"
        f"QFrame#chip_pending {{ background: {wait_bg}; border: 2px solid {BORDER}; border-radius: 4px; }}"
        f"QFrame#chip_good:focus, QFrame#chip_bad:focus, QFrame#chip_pending:focus {{ border: 3px solid {TEXT}; }}"
        f"QFrame#chip_good QLabel {{ color: {good_fg}; background: transparent; border: none; }}"
        f"QFrame#chip_bad QLabel {{ color: {bad_fg}; background: transparent; border: none; }}"
        f"QFrame#chip_pending QLabel {{ color: {wait_fg}; background: transparent; border: none; }}"
    )
