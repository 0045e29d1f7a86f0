"""Probationary party members (预备党员): when their year of probation ends.

《中国共产党章程》第七条: “预备党员的预备期为一年。” … “预备党员的权利,除了没有表决权、选举权和被选举权以外,
也同正式党员一样。” … “预备党员的预备期,从支部大会通过他为预备党员之日算起。” Whether a member becomes a
full member (转正), has the probation extended, or loses it is decided by the party members' meeting
(支部大会讨论通过) and approved above: this program only reminds the clerk and records that meeting.

Plain Python, no SQLAlchemy: the home screen reads it through app.schema.quick before anything heavy loads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

DUE_WITHIN_DAYS = 30  # the home screen lists probations ending within this many days, and those already ended


def probation_end(since: dt.date) -> dt.date:
    """One year from the day the party members' meeting admitted them (29 February ends on 28 February)."""
    try:
        return since.replace(year=since.year + 1)
    except ValueError:
        return since.replace(year=since.year + 1, day=28)


@dataclass(frozen=True)
class ProbationDue:
    resident_id: int
    name: str
    group_name: str
    since: dt.date
    ends: dt.date
    days_left: int  # negative: the year has already ended (预备期已满)

    @property
    def ended(self) -> bool:
        return self.days_left < 0


def due(rows: list[tuple[int, str, str, dt.date]], today: dt.date,
        within: int = DUE_WITHIN_DAYS) -> list[ProbationDue]:
    """From (resident id, name, group, admitted on): those whose year ends within ``within`` days or has ended,
    the earliest end first."""
    out = []
    for resident_id, name, group_name, since in rows:
        ends = probation_end(since)
        left = (ends - today).days
        if left <= within:
            out.append(ProbationDue(resident_id, name, group_name or "", since, ends, left))
    return sorted(out, key=lambda p: (p.ends, p.resident_id))
