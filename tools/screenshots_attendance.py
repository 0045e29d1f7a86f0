"""Screenshots of who counts at a meeting, for the user guide: ``python tools/screenshots_attendance.py``.

Builds the small demo village in a temporary directory and writes, in the main window at 1366x728 offscreen
(a 1366x768 village office screen less its taskbar):
docs/images/meeting-attend-proxy.png (a representatives' meeting at ② 签到 with two written proxies recorded,
greyed as 书面委托(不计入到会人数), and the article under the table),
docs/images/meeting-attend-probationary.png (a 党员大会 at ② 签到, the probationary members at the end as 列席),
docs/images/resident-dialog-probationary.png (the resident dialog of a probationary member) and
docs/images/home-probation.png (the home screen's reminder of a probation ending within 30 days).
It also prints the minutes of a villager group meeting with written proxies and the minutes and sign-in sheet of
the party members' meeting, and keeps the page that shows each (pdftoppm, 70 dpi as the other printout images):
docs/images/meeting-minutes-proxy.png (the verdict with the article), meeting-minutes-proxy-list.png (the
proxies listed apart), meeting-minutes-probationary.png and meeting-signin-probationary.png.
``--pdf DIR`` keeps the PDF files there too.
``--out DIR`` writes the pictures elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import shotkit  # noqa: E402
from shotkit import IMAGES, application, save, settle  # noqa: E402

SIZE = shotkit.SIZE  # 1366x728: a 1366x768 office screen less its taskbar


def record(store: Any, today: dt.date) -> dict[str, int]:
    """A group meeting being recorded today with two written proxies, and a party members' meeting."""
    from app.meetings.models import PRESENT, PROXY
    from app.meetings.service import MeetingInput, create_meeting, set_attendance
    from app.people.service import list_groups

    ids: dict[str, int] = {}
    with store.begin("王文书") as s:
        group = list_groups(s)[0]
        m = create_meeting(s, MeetingInput(kind="村民小组会议", title="第一村民小组组内道路维修筹劳会议", date=today,
                                           time_text="19:00-21:00", place="村民小组活动室", group_id=group.id,
                                           convener=group.name + "组长", chair="王组长", recorder="王文书",
                                           agenda_text="组内道路维修筹劳"))
        people = [a for a in m.attendees if a.member]
        marks: dict[int, Any] = {a.id: PRESENT for a in people[:9]}
        marks[people[9].id] = (PROXY, people[0].name)
        marks[people[10].id] = (PROXY, people[2].name)
        set_attendance(s, m.id, marks, data_dir=store.data_dir)
        ids["group"] = m.id
        r = create_meeting(s, MeetingInput(kind="村民代表会议", title="关于村道硬化的村民代表会议", date=today,
                                           time_text="09:00-11:30", place="村委会会议室", convener="村民委员会",
                                           chair="张主任", recorder="王文书", agenda_text="村道硬化方案"))
        reps = [a for a in r.attendees if a.member]
        marks = {a.id: PRESENT for a in reps[:40]}
        marks[reps[5].id] = (PROXY, reps[4].name)
        marks[reps[7].id] = (PROXY, "本户家属")
        set_attendance(s, r.id, marks, data_dir=store.data_dir)
        ids["reps"] = r.id
        p = create_meeting(s, MeetingInput(kind="党员大会", title="审议村集体经济项目党员大会", date=today,
                                           time_text="14:30-16:30", place="党群服务中心党员活动室",
                                           convener="村党支部", chair="党支部书记", recorder="王文书",
                                           agenda_text="审议村集体经济项目"))
        voting = [a for a in p.attendees if a.member]
        set_attendance(s, p.id, {a.id: PRESENT for a in voting[: len(voting) * 4 // 5]}, data_dir=store.data_dir)
        ids["party"] = p.id
    return ids


def write_pdfs(store: Any, ids: dict[str, int], folder: Path, out: Path) -> None:
    """The printouts, and a picture of the page of each that shows what is not counted."""
    import shutil
    import subprocess

    from pypdf import PdfReader

    from app.meetings.printing import render_minutes
    from app.meetings.printouts import minutes_view, signin_view
    from app.meetings.signin_sheet import render_signin_sheet

    folder.mkdir(parents=True, exist_ok=True)
    with store.read() as s:
        for key in ("group", "party"):
            render_minutes(minutes_view(s, ids[key], data_dir=store.data_dir), folder / f"{key}-minutes.pdf")
            render_signin_sheet(signin_view(s, ids[key]), folder / f"{key}-signin.pdf")
    if shutil.which("pdftoppm") is None:
        print("pdftoppm not found: no pictures of the printouts")
        return
    for pdf, marker, name in (("group-minutes.pdf", "另有书面委托", "meeting-minutes-proxy"),
                              ("group-minutes.pdf", "书面委托(不计入到会人数)(", "meeting-minutes-proxy-list"),
                              ("party-minutes.pdf", "列席(预备党员", "meeting-minutes-probationary"),
                              ("party-signin.pdf", "列席人员", "meeting-signin-probationary")):
        pages = ["".join((page.extract_text() or "").split()) for page in PdfReader(folder / pdf).pages]
        number = next(i for i, text in enumerate(pages, start=1) if marker in text)
        subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", str(number), "-l", str(number), "-singlefile",
                        str(folder / pdf), str(out / name)], check=True)
        print(out / f"{name}.png")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(IMAGES))
    parser.add_argument("--pdf", default="")
    parser.add_argument("--large", action="store_true", help="大字模式")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    shotkit.SIZE = SIZE
    app = application(args.large)

    from PySide6.QtWidgets import QAbstractItemView

    from app.people.service import ResidentQuery, search_residents
    from ui import widgets
    from ui.meetings.editor import ATTEND
    from ui.meetings.screen import MeetingsScreen
    from ui.people.resident_dialog import ResidentDialog

    widgets.open_path = lambda _path: True  # type: ignore[assignment] - no PDF viewer offscreen

    with shotkit.demo_window(app) as (store, window):
        ids = record(store, dt.date.today())
        with tempfile.TemporaryDirectory() as tmp:
            write_pdfs(store, ids, Path(args.pdf or tmp), out)

        # -- the home screen: a probation ending within 30 days
        home = window.show_screen("home")
        home.refresh()
        settle(app, lambda: home.stats is not None)
        save(window, out / "home-probation.png")

        screen = window.show_screen("meetings")
        window.resize(*SIZE)  # the home screen's lists may have made it taller
        assert isinstance(screen, MeetingsScreen)
        settle(app, lambda: screen.context is not None and not screen.meetings.model.loading)
        editor = screen.editor

        # -- the representatives' meeting at ② 签到: the proxies greyed, not counted, the article under the table
        screen.open_meeting(ids["reps"], ATTEND)
        settle(app, lambda: editor.meeting_id == ids["reps"])
        editor.attend.table.scrollTo(editor.attend.table.model().index(2, 0),
                                     QAbstractItemView.ScrollHint.PositionAtTop)
        settle(app)
        save(window, out / "meeting-attend-proxy.png")

        # -- the party members' meeting: the probationary members at the end, 列席
        screen.open_meeting(ids["party"], ATTEND)
        settle(app, lambda: editor.meeting_id == ids["party"])
        table = editor.attend.table
        table.scrollTo(table.model().index(table.model().rowCount() - 1, 0),
                       QAbstractItemView.ScrollHint.PositionAtBottom)
        settle(app)
        save(window, out / "meeting-attend-probationary.png")

        # -- the resident dialog of a probationary member
        with store.read() as s:
            row = next(r for r in search_residents(s, ResidentQuery(), limit=100_000) if r.probationary)
        dialog = ResidentDialog(store, row, parent=window)
        dialog.show()
        settle(app)
        save(dialog, out / "resident-dialog-probationary.png")
        dialog.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
