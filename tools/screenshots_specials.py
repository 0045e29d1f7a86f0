"""Screenshot of ④ 表决 with a special-majority motion: ``python tools/screenshots_specials.py``.

Builds the small demo village in a temporary directory, records through the service a
representatives' meeting held today with everyone marked present and a motion to contract the
east slope to an outside company (《农村土地承包法》第五十二条), types votes that are a majority of
those present but short of two thirds of all members, and writes, at 1366x728 (a 1366x768 village
office screen less its taskbar) offscreen, docs/images/meeting-vote-special.png. ``--out DIR`` writes it elsewhere,
``--large`` takes it in 大字模式. With ``--minutes FILE.pdf`` it also prints the demo's closed
minutes that hold such a motion.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import SIZE, application, demo_window, save, settle  # noqa: E402

MOTION = "同意将村东荒坡 40 亩发包给县林果公司,承包期十五年"


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "images"))
    parser.add_argument("--large", action="store_true", help="大字模式")
    parser.add_argument("--minutes", default="", help="also print the demo's minutes with a special motion here")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    app = application(args.large)

    from app.meetings import service as ms
    from app.meetings.members import membership
    from app.meetings.models import PRESENT
    from ui.meetings.editor import VOTE
    from ui.meetings.screen import MeetingsScreen

    today = dt.date.today()
    with demo_window(app) as (store, window):
        window.resize(*SIZE)
        with store.begin("王文书") as s:
            people = membership(s, "村民代表会议", today).people
            chair = next((p.name for p in people if "主任" in p.role_text), people[0].name)
            m = ms.create_meeting(s, ms.MeetingInput(
                kind="村民代表会议", title="村东荒坡发包村民代表会议", date=today, time_text="09:00-11:00",
                place="村委会会议室", convener="村民委员会", chair=chair, recorder="王文书",
                agenda_text="讨论村东荒坡对外发包"))
            absent = 3
            ms.set_attendance(s, m.id, {a.id: PRESENT for a in m.attendees[:len(m.attendees) - absent]})
            ms.update_agenda_item(s, m.agenda[0].id, title="讨论村东荒坡对外发包",
                                  discussion="县林果公司提出承包村东荒坡 40 亩种植核桃,承包期十五年。")
            ms.add_motion(s, m.id, text=MOTION, agenda_item_id=m.agenda[0].id, special="TDCB-52")
            meeting_id = m.id
        screen = window.show_screen("meetings")
        assert isinstance(screen, MeetingsScreen)
        settle(app, lambda: screen.context is not None and not screen.meetings.model.loading)
        editor = screen.editor
        screen.open_meeting(meeting_id, VOTE)
        settle(app, lambda: editor.meeting_id == meeting_id and not editor.busy)
        info = editor.state.info if editor.state else None
        assert info is not None
        vote = editor.vote
        needed = -(-info.members * 2 // 3)
        votes_for = needed - 2  # well over half of those present, two short of two thirds of all members
        vote.for_spin.setValue(votes_for)
        vote.against_spin.setValue(info.present - votes_for - 1)
        vote.abstain_spin.setValue(1)
        settle(app)
        save(window, out / "meeting-vote-special.png")
        vote.for_spin.setValue(0)
        vote.against_spin.setValue(0)
        vote.abstain_spin.setValue(0)

        if args.minutes:
            from app.meetings import printing, printouts

            with store.read() as s:
                held = next(x for x in ms.list_meetings(s, ms.MeetingQuery(state="closed"))
                            if any(y.special for y in ms.get_meeting(s, x.id).motion_list))
                view = printouts.minutes_view(s, held.id)
            printing.render_minutes(view, Path(args.minutes))
            print(args.minutes)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
