"""Screenshots of the 会议记录 screen for the user guide: ``python tools/screenshots_meetings.py``.

Builds the small demo village in a temporary directory, records through the service a
representatives' meeting held today (and, if the demo has no closed minutes with a file or a
correction, one of those too), and writes, in the main window at 1366x728 (a 1366x768 office screen less its taskbar) offscreen:
docs/images/meeting-calendar.png (this month: each day's meetings, quorate or not),
docs/images/meeting-list.png (every meeting with its attendance, validity and votes),
docs/images/meeting-attend.png (a representatives' meeting at ② 签到, attendance half marked),
docs/images/meeting-vote.png (④ 表决 with votes typed and the live verdict: 还差 1 票) and
docs/images/meeting-closed.png (closed minutes at ⑤ 结束, with a correction and the sign-in photo);
and the first page of that meeting's printouts (pdftoppm, 70 dpi as the other printout images):
docs/images/meeting-minutes-p1.png, meeting-signin-sheet.png and meeting-tally.png.
``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, demo_window, save, settle  # noqa: E402

ROAD = "关于村道硬化的村民代表会议"


def _photo(folder: Path) -> Path:
    """A stand-in for the photo of a signed sign-in sheet."""
    from PySide6.QtGui import QColor, QImage, QPainter

    image = QImage(800, 600, QImage.Format.Format_RGB32)
    image.fill(QColor("#f5f1e6"))
    painter = QPainter(image)
    for y in range(60, 600, 40):
        painter.drawLine(40, y, 760, y)
    painter.end()
    path = folder / "签到表照片.png"
    image.save(str(path))
    return path


def _meeting(s: Any, kind: str, title: str, day: dt.date, *, present: int, agenda: list[tuple[str, str]],
             motions: list[tuple[str, tuple[int, int, int] | None]], named: bool = False, absent: int = 0,
             leave: int = 0, close: bool = True, place: str = "村委会会议室") -> int:
    from app.meetings.models import ABSENT, ABSTAIN, AGAINST, FOR, LEAVE, PRESENT
    from app.meetings.service import (MeetingInput, add_motion, close_meeting, create_meeting, get_meeting,
                                      record_named_votes, record_vote, set_attendance, update_agenda_item)

    from app.meetings.members import membership

    members = membership(s, kind, day).people
    chair = next((p.name for p in members if "主任" in p.role_text or "书记" in p.role_text), members[0].name)
    m = create_meeting(s, MeetingInput(kind=kind, title=title, date=day, time_text="09:00-11:30", place=place,
                                       convener="村民委员会", chair=chair, recorder="王文书",
                                       agenda_text="\n".join(a for a, _said in agenda)))
    people = m.attendees
    marks: dict[int, str] = {}
    for i, a in enumerate(people):
        if i < present:
            marks[a.id] = PRESENT
        elif i < present + absent:
            marks[a.id] = ABSENT
        elif i < present + absent + leave:
            marks[a.id] = LEAVE
    if marks:
        set_attendance(s, m.id, marks)
    m = get_meeting(s, m.id)
    for item, (_title, said) in zip(m.agenda, agenda):
        update_agenda_item(s, item.id, title=item.title, discussion=said)
    for n, (text, votes) in enumerate(motions):
        x = add_motion(s, m.id, text=text, agenda_item_id=m.agenda[min(n, len(m.agenda) - 1)].id)
        if votes is None:
            continue
        if named:
            voters = [a.id for a in people if marks.get(a.id) == PRESENT]
            choices = [FOR] * votes[0] + [AGAINST] * votes[1] + [ABSTAIN] * votes[2]
            record_named_votes(s, x.id, dict(zip(voters, choices)))
        else:
            record_vote(s, x.id, votes_for=votes[0], votes_against=votes[1], abstentions=votes[2])
    if close:
        close_meeting(s, m.id)
    return m.id


def record_meetings(store: Any, folder: Path, today: dt.date) -> dict[str, int]:
    """The meetings the pictures show: the demo's own closed minutes where it has them, and a
    representatives' meeting being recorded today (the demo keeps only finished ones)."""
    from app.meetings.service import MeetingQuery, add_addendum, attach_file, get_meeting, list_meetings

    ids: dict[str, int] = {}
    with store.begin("王文书") as s:
        closed = list_meetings(s, MeetingQuery(state="closed"))
        kept = next((m for m in closed if get_meeting(s, m.id).files or get_meeting(s, m.id).addenda), None)
        if kept is not None:
            ids["closed"] = kept.id
        else:
            ids["closed"] = _meeting(
                s, "村民代表会议", "第四季度村民代表会议", today.replace(day=1), present=55, absent=8, leave=5,
                agenda=[("通报第三季度财务收支", "王文书通报了第三季度收支情况,代表们对村道维修支出没有异议。"),
                        ("讨论东头水渠清淤", "李代表:水渠淤塞,雨季前要清淤。大家同意由村委会组织,每户出工一天。")],
                motions=[("同意第三季度财务收支情况", (52, 1, 2)), ("同意组织东头水渠清淤,每户出工一天", (49, 4, 2))])
            add_addendum(s, ids["closed"], corrects="议题二的表决票数",
                         text="赞成票应为 49 票,原记录无误,此条仅作核对说明。", recorded_by="王文书", date=today)
            attach_file(s, store.data_dir, ids["closed"], _photo(folder))
        ids["road"] = _meeting(
            s, "村民代表会议", ROAD, today, present=38, absent=3, leave=2, close=False,
            agenda=[("村道硬化方案", "张主任介绍方案:全长 1.2 公里,宽 4.5 米,预算 36 万元。"),
                    ("筹资筹劳办法", "")],
            motions=[("同意村道硬化方案", None), ("同意按每户 200 元筹资", None)])
    return ids


def write_printouts(store: Any, meeting_id: int, folder: Path, out: Path) -> None:
    """The minutes, sign-in sheet and tally sheet as printed, and a picture of the first page of each."""
    import shutil
    import subprocess

    from app.meetings.printing import render_minutes, render_signin_sheet, render_tally_sheet
    from app.meetings.printouts import minutes_view, signin_view, tally_view

    with store.read() as s:
        render_minutes(minutes_view(s, meeting_id, data_dir=store.data_dir), folder / "minutes.pdf")
        render_signin_sheet(signin_view(s, meeting_id), folder / "signin.pdf")
        render_tally_sheet(tally_view(s, meeting_id), folder / "tally.pdf")
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: no pictures of the printouts")
        return
    for pdf, name in (("minutes.pdf", "meeting-minutes-p1"), ("signin.pdf", "meeting-signin-sheet"),
                      ("tally.pdf", "meeting-tally")):
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile",
                        str(folder / pdf), str(out / name)], check=True)
        print(out / f"{name}.png")


def main() -> int:
    out, large = arguments()
    app = application(large)

    from PySide6.QtWidgets import QAbstractItemView

    from ui import widgets
    from ui.meetings.editor import ATTEND, CLOSE, VOTE
    from ui.meetings.screen import CALENDAR, MEETINGS, MeetingsScreen

    widgets.open_path = lambda _path: True  # type: ignore[assignment] - no PDF viewer offscreen

    with demo_window(app) as (store, window), tempfile.TemporaryDirectory() as tmp:
        ids = record_meetings(store, Path(tmp), dt.date.today())
        write_printouts(store, ids["closed"], Path(tmp), out)
        screen = window.show_screen("meetings")
        assert isinstance(screen, MeetingsScreen)
        settle(app, lambda: screen.context is not None and not screen.calendar.loading
               and not screen.meetings.model.loading)

        # -- the calendar: this month
        screen.show_tab(CALENDAR)
        screen.calendar.go_today()
        settle(app, lambda: not screen.calendar.loading)
        save(window, out / "meeting-calendar.png")

        # -- the list
        screen.show_tab(MEETINGS)
        settle(app, lambda: not screen.meetings.model.loading and screen.meetings.model.rowCount() > 0)
        save(window, out / "meeting-list.png")

        # -- the representatives' meeting at ② 签到, attendance half marked
        editor = screen.editor
        screen.open_meeting(ids["road"], ATTEND)
        settle(app, lambda: editor.meeting_id == ids["road"])
        table = editor.attend.table  # where the marks end: 出席, then 缺席, 请假 and those not yet marked
        table.scrollTo(table.model().index(35, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        settle(app)
        save(window, out / "meeting-attend.png")

        # -- everyone else came in; ④ 表决 with the votes being typed, one short of a majority
        editor.attend.mark_rest_present()
        settle(app, lambda: not editor.busy)
        editor.show_step(VOTE)
        vote = editor.vote
        vote.motions_list.setCurrentRow(0)
        present = editor.state.info.present if editor.state else 0
        vote.for_spin.setValue(present // 2)  # exactly half is not 过半数: 还差 1 票
        vote.against_spin.setValue(present - present // 2 - 2)
        vote.abstain_spin.setValue(2)
        settle(app)
        save(window, out / "meeting-vote.png")
        vote.for_spin.setValue(0)  # leave nothing typed and unrecorded: opening the next meeting would ask
        vote.against_spin.setValue(0)
        vote.abstain_spin.setValue(0)

        # -- closed minutes at ⑤ 结束
        screen.open_meeting(ids["closed"], CLOSE)
        settle(app, lambda: editor.meeting_id == ids["closed"])
        save(window, out / "meeting-closed.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
