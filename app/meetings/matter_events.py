"""The deadlines of a 四议两公开 matter's two notices, from plain values (no SQLAlchemy).

The resolution notice (决议公开) is owed from the day of step 4's meeting, the result notice
(实施结果公开) from the day the matter was carried out; each within its catalogue item's
``deadline_days`` (app.disclosure.calendar.event_entries counts them). The service
(app.meetings.matters.disclosure_events) and the home screen's plain sqlite3 read
(app.schema.quick) both build the occurrences here, so they cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from app.disclosure.calendar import EventOccurrence

RESOLUTION_ITEM, RESULT_ITEM = "SW-06", "SW-07"  # the default catalogue's 四议两公开 items
PUBLISHED_STATES = ("posted", "archived")  # app.disclosure.models.PUBLISHED


@dataclass(frozen=True)
class MatterDates:
    """What one matter says about its notices: ids, the day step 4 passed, the day it was carried out."""

    id: int
    subject: str
    resolved_on: dt.date | None
    resolution_notice_id: int | None
    carried_out_on: dt.date | None
    result_notice_id: int | None


@dataclass(frozen=True)
class NoticeState:
    item_code: str
    state: str
    posted_from: dt.date | None
    number: str


def occurrences(matters: list[MatterDates], notices: dict[int, NoticeState]) -> list[EventOccurrence]:
    """One occurrence per notice owed: posted (with its day) or not (a missing notice is not posted)."""
    out = []
    for m in matters:
        for what, day, notice_id, default in (("resolution", m.resolved_on, m.resolution_notice_id, RESOLUTION_ITEM),
                                              ("result", m.carried_out_on, m.result_notice_id, RESULT_ITEM)):
            if day is None:
                continue
            n = notices.get(notice_id) if notice_id is not None else None
            posted = n is not None and n.state in PUBLISHED_STATES and n.posted_from is not None
            out.append(EventOccurrence(item_code=(n.item_code if n is not None and n.item_code else default),
                                       key=f"matter:{m.id}:{what}", label=m.subject, day=day,
                                       posted_on=n.posted_from if posted and n is not None else None,
                                       number=(n.number or "") if posted and n is not None else ""))
    return out
