"""The live verdict: as the clerk types the votes, is the meeting quorate and does the motion pass?

It calls the rules directly on the GUI thread: :func:`app.meetings.rules.evaluate` is a pure
function of a few integers, far quicker than a keystroke. The service recomputes the same
verdict when the vote is recorded, so what is shown here is what is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app.i18n import _
from app.meetings.rules import MEMBERS, Rule, Verdict, evaluate
from app.meetings.service import MeetingInfo
from ui.meetings.common import set_name


@dataclass(frozen=True)
class Live:
    """What the box shows: the verdict, or why the numbers are impossible."""

    verdict: Verdict | None
    error: str = ""


def judge(m: MeetingInfo, rule: Rule, votes_for: int, votes_against: int, abstentions: int,
          special: str | None = None) -> Live:
    """The verdict on these votes with the meeting's attendance as stored (people, and households where counted);
    ``special`` is the code of a special-majority decision (two thirds of all members), None for an ordinary one."""
    try:
        return Live(evaluate(m.kind, members=m.members, present=m.present, votes_for=votes_for,
                             votes_against=votes_against, abstentions=abstentions,
                             households=m.households if m.households_present is not None else None,
                             households_represented=m.households_present if m.households is not None else None,
                             rule=rule, special=special))
    except ValueError as exc:
        return Live(None, str(exc))


def short_text(m: MeetingInfo, rule: Rule, live: Live, votes_for: int) -> str:
    """What is missing, in one line: 还差 N 票, or how many more people the quorum needs."""
    v = live.verdict
    if v is None:
        return ""
    if not v.quorate:
        missing = v.quorum_needed - m.present
        return _("到会还差 {n} 人才达到法定人数,这次会议不能作出决定。").format(n=max(missing, 1))
    if v.passed:
        return ""
    short = v.votes_needed - votes_for
    if (rule.pass_base == MEMBERS or v.special) and v.votes_needed > m.present:
        return _("还差 {n} 票。到会的人全部赞成也不到 {need} 票,这一项不能通过。").format(n=short, need=v.votes_needed)
    return _("还差 {n} 票").format(n=short)


class VerdictBox(QFrame):
    """会议有效 / 不足法定人数 and 通过 / 未通过 in large words, the reason citing the article, what is missing."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verdictBox")
        self.quorum_label = QLabel("")
        self.quorum_label.setObjectName("bigWait")
        self.result_label = QLabel("")
        self.result_label.setObjectName("bigWait")
        self.short_label = QLabel("")
        self.short_label.setObjectName("short")
        self.short_label.setWordWrap(True)
        self.reason_label = QLabel("")
        self.reason_label.setObjectName("reason")
        self.reason_label.setWordWrap(True)
        words = QHBoxLayout()
        words.addWidget(self.quorum_label)
        words.addSpacing(24)
        words.addWidget(self.result_label)
        words.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(words)
        layout.addWidget(self.short_label)
        layout.addWidget(self.reason_label)

    def show_live(self, m: MeetingInfo, rule: Rule, live: Live, votes_for: int) -> None:
        v = live.verdict
        if v is None:
            self.quorum_label.setText(_("请检查票数"))
            set_name(self.quorum_label, "bigBad")
            self.result_label.setText("")
            self.short_label.setText("")
            self.reason_label.setText(live.error)
            return
        self.quorum_label.setText(_("会议有效") if v.quorate else _("不足法定人数"))
        set_name(self.quorum_label, "bigGood" if v.quorate else "bigBad")
        self.result_label.setText(_("通过") if v.passed else _("未通过"))
        set_name(self.result_label, "bigGood" if v.passed else "bigBad")
        self.short_label.setText(short_text(m, rule, live, votes_for))
        self.short_label.setVisible(bool(self.short_label.text()))
        self.reason_label.setText(v.reason)

    def show_waiting(self, text: str) -> None:
        self.quorum_label.setText(text)
        set_name(self.quorum_label, "bigWait")
        self.result_label.setText("")
        self.short_label.setText("")
        self.reason_label.setText("")

    def text(self) -> str:
        """Everything the box says, for a test or a screen reader."""
        return "\n".join(t for t in (self.quorum_label.text(), self.result_label.text(), self.short_label.text(),
                                     self.reason_label.text()) if t)
