"""The disclosure calendar: for any day, each catalogue item's periods, deadlines and state.

Everything is computed from the catalogue and the notices already posted; nothing
is stored. A period is a calendar month, quarter, half-year or year; its deadline
is ``deadline_days`` after its last day (10 days after 31 October is 10 November,
"by the 10th of the next month"). Dates are handled as whole days only.

States, as of a day ``on``:
- ``done`` (已公开): posted on or before the deadline;
- ``late`` (逾期后公开): posted, but after the deadline;
- ``upcoming`` (未到期): nothing posted and the period is still running. A village
  may post before the period ends (a notice for an event-heavy month, say) and
  then the period is ``done`` at once; until then an unfinished period is not
  asked for, because its figures are not final;
- ``due`` (待公开): nothing posted, the period is over and the deadline has not
  passed. The deadline day itself is always ``due``, also when ``deadline_days``
  is 0 and the period ends that day;
- ``overdue`` (已逾期): nothing posted and the deadline has passed (Organic Law
  Art. 31: villagers may complain to the township);
- ``not_applicable`` (不适用): the item's ``applies`` condition is false under the
  settings (the quarterly finance item when finances are posted monthly), or it
  is an event item, which has no calendar: it is posted when the event happens.

``since`` (optional everywhere) is the day the village's calendar starts: a
period that ended before it is ``not_applicable`` and never due. Pass the oldest
catalogue's effective date (``first_effective`` in catalogue.py) or the day the
village began keeping its notices here, so a fresh install does not open with a
year of "overdue" postings that were made on paper. It is not the current catalogue's
effective date: when the township's new version takes over on 1 January, last
year's fourth quarter is still due.

A notice posted after ``on`` does not count yet, so the calendar of a past day
shows what the township would have seen then. A correction (更正) never changes a
period's state: the first posting that is not a correction decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from app.disclosure.catalogue import EVENT, HALF_YEARLY, MONTHLY, QUARTERLY, YEARLY, Catalogue, CatalogueItem
from app.i18n import _

DONE, LATE, DUE, OVERDUE, UPCOMING, NOT_APPLICABLE = "done", "late", "due", "overdue", "upcoming", "not_applicable"
STATES = (DONE, LATE, DUE, OVERDUE, UPCOMING, NOT_APPLICABLE)


def _state_labels() -> dict[str, str]:
    return {DONE: _("已公开"), LATE: _("逾期后公开"), DUE: _("待公开"), OVERDUE: _("已逾期"), UPCOMING: _("未到期"),
            NOT_APPLICABLE: _("不适用")}


class _StateLabels(Mapping[str, str]):
    """The labels in the language chosen when they are read, not when this module was imported."""

    def __getitem__(self, state: str) -> str:
        return _state_labels()[state]

    def __iter__(self) -> Iterator[str]:
        return iter(STATES)

    def __len__(self) -> int:
        return len(STATES)


STATE_LABELS: Mapping[str, str] = _StateLabels()


@dataclass(frozen=True)
class PostedNotice:
    item_code: str
    period_key: str
    posted_on: dt.date
    number: str = ""
    corrects: bool = False


@dataclass(frozen=True)
class EventOccurrence:
    """Something that happened and must be disclosed under an event item (随时公开) within its
    ``deadline_days``: e.g. the resolution of a 四议两公开 matter (the day of step 4's meeting) and
    its result (the day it was carried out). ``posted_on`` is the day the notice went up, or None."""

    item_code: str
    key: str  # what it is, e.g. "matter:12:resolution"; unique among occurrences
    label: str  # what the clerk reads, e.g. the matter's subject
    day: dt.date
    posted_on: dt.date | None = None
    number: str = ""


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    start: dt.date
    end: dt.date
    deadline: dt.date


@dataclass(frozen=True)
class CalendarEntry:
    item: CatalogueItem
    period: Period
    state: str
    posted: PostedNotice | None
    days_left: int | None

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


# ---------------------------------------------------------------- periods

_MONTHS_PER = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6, YEARLY: 12}


def _first_of_next(year: int, month: int) -> int:
    """Ordinal of the first day after the month ``month`` of ``year`` (December rolls into January)."""
    return dt.date(year + month // 12, month % 12 + 1, 1).toordinal()


def _key_and_label(frequency: str, year: int, index: int) -> tuple[str, str]:
    """``index`` counts from 1: the month, quarter or half of the year."""
    if frequency == MONTHLY:
        return f"{year}-{index:02d}", _("{year}年{month}月").format(year=year, month=index)
    if frequency == QUARTERLY:
        label = (_("{year}年第一季度"), _("{year}年第二季度"), _("{year}年第三季度"), _("{year}年第四季度"))[index - 1]
        return f"{year}-Q{index}", label.format(year=year)
    if frequency == HALF_YEARLY:
        label = (_("{year}年上半年"), _("{year}年下半年"))[index - 1]
        return f"{year}-H{index}", label.format(year=year)
    return f"{year}", _("{year}年度").format(year=year)


def _period(item: CatalogueItem, year: int, index: int) -> Period:
    months = _MONTHS_PER[item.frequency]
    first_month = (index - 1) * months + 1
    end = _first_of_next(year, first_month + months - 1) - 1
    key, label = _key_and_label(item.frequency, year, index)
    return Period(key, label, dt.date(year, first_month, 1), dt.date.fromordinal(end),
                  dt.date.fromordinal(end + item.deadline_days))


def periods(item: CatalogueItem, year: int) -> list[Period]:
    """The item's periods that make up ``year``, in order; none for an event item."""
    if item.frequency == EVENT:
        return []
    return [_period(item, year, i) for i in range(1, 12 // _MONTHS_PER[item.frequency] + 1)]


def period_for(item: CatalogueItem, day: dt.date) -> Period | None:
    """The period that contains ``day``; None for an event item."""
    if item.frequency == EVENT:
        return None
    return _period(item, day.year, (day.month - 1) // _MONTHS_PER[item.frequency] + 1)


def period_by_key(item: CatalogueItem, key: str) -> Period | None:
    """The item's period with this key ("2026-10", "2026-Q3", "2026-H1", "2026"), or None if it has none."""
    if item.frequency == EVENT or len(key) < 4 or not key[:4].isdigit():
        return None
    return next((p for p in periods(item, int(key[:4])) if p.key == key), None)


# ---------------------------------------------------------------- states


def _index(posted: Iterable[PostedNotice], on: dt.date) -> dict[tuple[str, str], PostedNotice]:
    """The posting that decides each (item, period): the earliest that is not a correction.

    A period with only corrections (its original was made before the item was
    set, say) still has something on the board: the earliest correction counts.
    """
    best: dict[tuple[str, str], PostedNotice] = {}
    for p in posted:
        if p.posted_on > on:
            continue
        key = (p.item_code.upper(), p.period_key)
        held = best.get(key)
        if held is None or (p.corrects, p.posted_on) < (held.corrects, held.posted_on):
            best[key] = p
    return best


def _entry(item: CatalogueItem, period: Period, hit: PostedNotice | None, on: int, since: int) -> CalendarEntry:
    if period.end.toordinal() < since:
        return CalendarEntry(item, period, NOT_APPLICABLE, None, None)
    deadline = period.deadline.toordinal()
    if hit is not None:
        return CalendarEntry(item, period, DONE if hit.posted_on.toordinal() <= deadline else LATE, hit, None)
    if on > deadline:
        state = OVERDUE
    elif on > period.end.toordinal() or on == deadline:
        state = DUE
    else:
        state = UPCOMING
    return CalendarEntry(item, period, state, None, deadline - on)


def _settings(catalogue: Catalogue, settings: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return catalogue.settings if settings is None else {**catalogue.settings, **settings}


def _ordinal(since: dt.date | None) -> int:
    return since.toordinal() if since is not None else 0


def year_calendar(catalogue: Catalogue, posted: Iterable[PostedNotice], year: int, *, on: dt.date,
                  settings: Mapping[str, Any] | None = None, include_not_applicable: bool = False,
                  since: dt.date | None = None) -> list[CalendarEntry]:
    """Every applicable item × period of ``year`` with its state on ``on``, in catalogue order.

    With ``include_not_applicable`` the items that do not apply are listed too,
    each period as ``not_applicable``; an event item then has one entry for the
    whole year, so a screen can show every item of the catalogue. Periods that
    ended before ``since`` are ``not_applicable``.
    """
    s = _settings(catalogue, settings)
    hits = _index(posted, on)
    today, start = on.toordinal(), _ordinal(since)
    out: list[CalendarEntry] = []
    for item in catalogue.items:
        applies = item.periodic and item.applies_under(s)
        if not applies and not include_not_applicable:
            continue
        if item.frequency == EVENT:
            whole = Period(str(year), _("{year}年(随时公开)").format(year=year), dt.date(year, 1, 1),
                           dt.date(year, 12, 31), dt.date(year, 12, 31))
            out.append(CalendarEntry(item, whole, NOT_APPLICABLE, None, None))
            continue
        code = item.code.upper()
        for period in periods(item, year):
            if applies:
                out.append(_entry(item, period, hits.get((code, period.key)), today, start))
            else:
                out.append(CalendarEntry(item, period, NOT_APPLICABLE, None, None))
    return out


def event_entries(catalogue: Catalogue, occurrences: Iterable[EventOccurrence], on: dt.date) -> list[CalendarEntry]:
    """Each occurrence as a calendar entry on ``on``: its deadline is the day it happened plus the
    item's ``deadline_days`` (read from the catalogue, with the village's own numbers).

    From the day it happened it is ``due``; after the deadline, not posted, ``overdue``; posted on
    or before ``on`` it is ``done`` (by the deadline) or ``late``. An occurrence whose item the
    catalogue does not have, or has as a periodic item, is left out: it has no deadline of its own
    (a periodic item's notice counts in its period, like any other).
    """
    codes = {it.code.upper(): it for it in catalogue.items}
    today = on.toordinal()
    out: list[CalendarEntry] = []
    for o in occurrences:
        item = codes.get(o.item_code.upper())
        if item is None or item.periodic or o.day > on:
            continue
        deadline = o.day.toordinal() + item.deadline_days
        period = Period(o.key, o.label, o.day, o.day, dt.date.fromordinal(deadline))
        if o.posted_on is not None and o.posted_on <= on:
            hit = PostedNotice(item.code, o.key, o.posted_on, o.number)
            out.append(CalendarEntry(item, period, DONE if o.posted_on.toordinal() <= deadline else LATE, hit, None))
        else:
            out.append(CalendarEntry(item, period, OVERDUE if today > deadline else DUE, None, deadline - today))
    return out


def due_on(catalogue: Catalogue, posted: Iterable[PostedNotice], on: dt.date, *,
           settings: Mapping[str, Any] | None = None, lookback_days: int = 400,
           since: dt.date | None = None, events: Iterable[EventOccurrence] = ()) -> list[CalendarEntry]:
    """What the home screen and ``cunwu disclosure due`` show: due and overdue periods that ended in
    the last ``lookback_days`` days, overdue first, then by deadline.

    ``events`` (the 四议两公开 matters' resolutions and results, app.meetings.matters) are listed with
    them while they are due or overdue, however long ago they happened: a decision owed to the
    villagers stays on the list until it is posted."""
    s = _settings(catalogue, settings)
    hits = _index(posted, on)
    today = on.toordinal()
    start = max(today - lookback_days, _ordinal(since), 1)
    first_year = dt.date.fromordinal(start).year
    order = {item.code: i for i, item in enumerate(catalogue.items)}
    out: list[CalendarEntry] = []
    for item in catalogue.items:
        if not item.periodic or not item.applies_under(s):
            continue
        code = item.code.upper()
        for year in range(first_year, on.year + 1):
            for period in periods(item, year):
                if not start <= period.end.toordinal() <= today:
                    continue
                entry = _entry(item, period, hits.get((code, period.key)), today, start)
                if entry.state in (DUE, OVERDUE):
                    out.append(entry)
    out += [e for e in event_entries(catalogue, events, on) if e.state in (DUE, OVERDUE)]
    out.sort(key=lambda e: (e.state != OVERDUE, e.period.deadline, order[e.item.code]))
    return out


def month_view(catalogue: Catalogue, posted: Iterable[PostedNotice], year: int, month: int, *, on: dt.date,
               settings: Mapping[str, Any] | None = None, since: dt.date | None = None) -> list[CalendarEntry]:
    """Entries whose deadline falls in ``month`` of ``year``, by deadline: December's finances are due in
    January, so the periods of earlier years are looked at too."""
    s = _settings(catalogue, settings)
    hits = _index(posted, on)
    today, start = on.toordinal(), _ordinal(since)
    lo, hi = dt.date(year, month, 1).toordinal(), _first_of_next(year, month) - 1
    order = {item.code: i for i, item in enumerate(catalogue.items)}
    out: list[CalendarEntry] = []
    for item in catalogue.items:
        if not item.periodic or not item.applies_under(s):
            continue
        code = item.code.upper()
        for y in range(year - item.deadline_days // 365 - 1, year + 1):
            for period in periods(item, y):
                if lo <= period.deadline.toordinal() <= hi:
                    out.append(_entry(item, period, hits.get((code, period.key)), today, start))
    out.sort(key=lambda e: (e.period.deadline, order[e.item.code]))
    return out


def format_due(entries: Iterable[CalendarEntry]) -> list[str]:
    """One line per entry for the command line, e.g. "已逾期 12 天  财务收支情况(2026年10月)  截止 2026-11-10"."""
    lines = []
    for e in entries:
        what = _("{item}({period})").format(item=e.item.name, period=e.period.label)
        deadline = e.period.deadline.isoformat()
        if e.state == OVERDUE and e.days_left is not None:
            lead = _("已逾期 {days} 天").format(days=-e.days_left)
        elif e.state == DUE and e.days_left == 0:
            lead = _("今天截止")
        elif e.state == DUE and e.days_left is not None:
            lead = _("还剩 {days} 天").format(days=e.days_left)
        else:
            lead = STATE_LABELS[e.state]
        line = _("{lead}  {what}  截止 {deadline}").format(lead=lead, what=what, deadline=deadline)
        if e.posted is not None:
            posted = _("  {date} 张贴 {number}").format(date=e.posted.posted_on.isoformat(), number=e.posted.number)
            line += posted.rstrip()
        lines.append(line)
    return lines
