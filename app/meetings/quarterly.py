"""Art. 26: the representatives' meeting is convened at least once a quarter.

Plain functions over dates, so the home screen can ask without loading SQLAlchemy
(app.schema.quick) and the service and the tests get the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import _


@dataclass(frozen=True)
class QuarterStatus:
    quarter: str  # "2026年第四季度"
    held: bool  # a representatives' meeting this quarter
    overdue_quarter: str  # "2026年第三季度" when the last full quarter had none, else ""
    last_held: dt.date | None


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, q: int) -> str:
    # one string per quarter: the Chinese numeral is part of the words, not a number to put in
    labels = (_("{year}年第一季度"), _("{year}年第二季度"), _("{year}年第三季度"), _("{year}年第四季度"))
    return labels[q - 1].format(year=year)


def representatives_status(dates: Iterable[dt.date], on: dt.date, *, since: dt.date | None) -> QuarterStatus:
    """``dates`` of the representatives' meetings; ``since`` is when the program started keeping this
    village's record: a quarter that began before it is not reported (it was kept on paper)."""
    held = [d for d in dates if d <= on]
    year, q = quarter_of(on)
    py, pq = (year, q - 1) if q > 1 else (year - 1, 4)
    this_q = any(quarter_of(d) == (year, q) for d in held)
    last_q = any(quarter_of(d) == (py, pq) for d in held)
    counted = since is not None and since <= dt.date(py, 3 * pq - 2, 1)
    return QuarterStatus(quarter_label(year, q), this_q, quarter_label(py, pq) if counted and not last_q else "",
                         max(held) if held else None)
