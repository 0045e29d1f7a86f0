"""A villagers' meeting sign-in sheet (签到表): 2,000 adults in 8 villager groups, printed to PDF.

``signin-sheet``: ``render_signin_sheet`` in the running program (cleaning, the glyph check
with fallback fonts for rare names, measuring and fitting every cell, pagination with the
table header repeated on every page, grid lines, header and footer, PDF content, fsync,
rename) against the floor: a bare ReportLab canvas drawing the same strings (names, numbers,
roles, household numbers, headings, headers and footers) at the same positions in the same
fonts, positions computed beforehand, so nothing is measured, fitted or checked and no grid
is drawn. Target ≤ 2x. The names come from the demo village generator, so a few of them
have rare characters that only the fallback fonts have, as in a real register.
"""

from __future__ import annotations

import datetime as dt
import gc
import shutil
import time
import traceback
from typing import Any

from bench.core import Result, Settings, failed, median, ratio_of
from bench.scenarios.notice_pdf import draw_floor, floor_strings

NAME = "signin-sheet"
TARGET = "≤ 2x"
LIMIT = 2.0
UNITS = "s"

GROUPS = 8
PER_GROUP = 250
MEETING_DAY = dt.date(2026, 11, 24)


def signin_view(per_group: int = PER_GROUP) -> Any:
    """The sign-in sheet of a villagers' meeting: the first ``per_group`` adults of each of 8 groups."""
    from app.demo_data import generate_village
    from app.meetings.view import SigninGroup, SigninName, SigninView

    village = generate_village("large", seed=2026, today=MEETING_DAY - dt.timedelta(days=30))
    adult = MEETING_DAY.replace(year=MEETING_DAY.year - 18)
    groups: list[list[SigninName]] = [[] for _name in village.groups]
    for household in village.households:
        people = groups[household.group_index]
        for person in household.members:
            if person.birth_date <= adult and len(people) < per_group:
                role = "户代表" if person.relation == "户主" else ("村民代表" if person.representative else "")
                people.append(SigninName(person.name, role, household.number))
    chosen = [SigninGroup(name, people) for name, people in zip(village.groups, groups)][:GROUPS]
    return SigninView(village_name=village.name, kind_label="村民会议", title="2026年度村民会议", date=MEETING_DAY,
                      time_text="09:00-11:30", place="村小学操场", groups=chosen,
                      members=sum(len(g.people) for g in chosen), print_date=MEETING_DAY - dt.timedelta(days=2))


def run(settings: Settings) -> list[Result]:
    from app.meetings.printing import layout_signin_sheet, render_signin_sheet

    work = settings.work_dir / "signin-sheet"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        view = signin_view()
        ours_pdf, floor_pdf, names_pdf = work / "ours.pdf", work / "floor.pdf", work / "names.pdf"
        # the running program: fonts registered and modules loaded by an earlier print
        render_signin_sheet(view, ours_pdf)
        strings = floor_strings(layout_signin_sheet(view))
        names = {person.name for group in view.groups for person in group.people}
        # only the name runs, for the record: what drawing the names alone costs
        name_strings = [(w, h, [s for s in texts if s[2] in names]) for w, h, texts in strings]
        draw_floor(floor_pdf, strings)
        ours: list[float] = []
        floor: list[float] = []
        names_only: list[float] = []
        for _ in range(settings.repeats):
            gc.collect()
            start = time.perf_counter()
            draw_floor(floor_pdf, strings)
            floor.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            pages = render_signin_sheet(view, ours_pdf)
            ours.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            draw_floor(names_pdf, name_strings)
            names_only.append(time.perf_counter() - start)
        ours_s, floor_s = median(ours), median(floor)
        ratio = ratio_of(ours_s, floor_s)
        return [Result(NAME, ours_s, floor_s, ratio, TARGET, ratio is not None and ratio <= LIMIT, UNITS, {
            "adults": view.members, "groups": len(view.groups), "pages": pages,
            "strings": sum(len(t) for _w, _h, t in strings), "runs": len(ours), "paper": "A4 portrait",
            "file_bytes": ours_pdf.stat().st_size, "floor_file_bytes": floor_pdf.stat().st_size,
            "ours": "render_signin_sheet(view, path) in a warm process: cleaning, glyph check with fallback fonts, "
                    "measuring and fitting every cell, pagination with the header row on every page, grid, "
                    "header and footer, PDF content, fsync, rename",
            "floor": "a bare reportlab Canvas: setFont when it changes and drawString for the same strings at the "
                     "same positions in the same fonts (positions computed beforehand), no grid, showPage, save",
            "names_only_floor_s": median(names_only),
            "ours_samples": ours, "floor_samples": floor, "names_only_samples": names_only})]
    except Exception as exc:  # noqa: BLE001 - reported as a failed row with the traceback
        return [failed(NAME, TARGET, UNITS, f"{type(exc).__name__}: {exc}", traceback=traceback.format_exc())]
    finally:
        shutil.rmtree(work, ignore_errors=True)
