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
period's state: the first posting that is not a correction decides. Notices for
shorter periods that together make up a longer one stand for it (two quarters
posted for a half-year item): the period counts as posted on the day the last of
them went up.

The catalogue argument is either one catalogue, which then judges every period,
or every version (``village_catalogues``, oldest first). With versions, each
period is judged by the version in force on the period's last day: its items,
frequencies and numbers. A half-year that ended in June is owed under the
version of June even after a newer one made the item quarterly; an item new in
the newer version is not owed for periods that ended before it took effect.
Periods that ended before the oldest version took effect are not owed at all.
An event is judged by the version in force on the day it happened.
(docs/disclosure-catalogue.md, section 5, says why the period's end and not its
deadline.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Union

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
    catalogue_version: str = ""  # the version that judged the period (section 5 of docs/disclosure-catalogue.md)

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


# one catalogue (it judges every period), or every version oldest first (each judges the periods ending in its time)
Catalogues = Union[Catalogue, Sequence[Catalogue]]
_LAST_DAY = dt.date.max.toordinal()


@dataclass(frozen=True)
class _Reign:
    """A version and the days on which it is in force: it judges the periods whose last day falls in them."""

    catalogue: Catalogue
    first: int  # ordinals, both days included
    last: int

    def judges(self, period: Period) -> bool:
        return self.first <= period.end.toordinal() <= self.last

    def overlaps(self, lo: int, hi: int) -> bool:
        return self.first <= hi and lo <= self.last


def _reigns(catalogues: Catalogues) -> list[_Reign]:
    """Oldest first. A version is in force from its effective date to the day before the next one's; the
    last one from then on. One catalogue given alone is in force on every day."""
    if isinstance(catalogues, Catalogue):
        return [_Reign(catalogues, 1, _LAST_DAY)]
    versions = sorted(catalogues, key=lambda c: c.effective)  # stable: load_all's order for one date
    out = []
    for i, cat in enumerate(versions):
        last = versions[i + 1].effective.toordinal() - 1 if i + 1 < len(versions) else _LAST_DAY
        if cat.effective.toordinal() <= last:  # two versions on one date: the later one counts
            out.append(_Reign(cat, cat.effective.toordinal(), last))
    return out


def _ranks(reigns: Sequence[_Reign]) -> dict[str, int]:
    """Where each item code is listed: the newest version's order, then codes only older versions have."""
    rank: dict[str, int] = {}
    for r in reversed(reigns):
        for item in r.catalogue.items:
            rank.setdefault(item.code.upper(), len(rank))
    return rank


def catalogue_for(catalogues: Catalogues, item_code: str, period_key: str) -> Catalogue | None:
    """The version that judges the item's period (the one in force on its last day), or None when none
    does: the version then in force did not have the item, or not with periods like this one."""
    for r in _reigns(catalogues):
        item = next((it for it in r.catalogue.items if it.code.upper() == item_code.strip().upper()), None)
        period = period_by_key(item, period_key) if item is not None else None
        if period is not None and r.judges(period):
            return r.catalogue
    return None


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


def _parts(key: str) -> list[str]:
    """The shorter periods that make up a period: a year's halves, a half's quarters, a quarter's months."""
    if len(key) == 4 and key.isdigit():
        return [f"{key}-H1", f"{key}-H2"]
    if len(key) == 7 and key[:4].isdigit() and key[4] == "-" and key[6] in "1234":
        year, kind, n = key[:4], key[5], int(key[6])
        if kind == "H" and n <= 2:
            return [f"{year}-Q{2 * n - 1}", f"{year}-Q{2 * n}"]
        if kind == "Q":
            return [f"{year}-{m:02d}" for m in range(3 * n - 2, 3 * n + 1)]
    return []


def _posting(hits: Mapping[tuple[str, str], PostedNotice], code: str, key: str) -> PostedNotice | None:
    """What was posted for the item's period: its own notice, or notices for every shorter period inside it
    (posting more often than the catalogue asks fulfils it; the period is complete when the last part is up).
    Of the two, the one that is not a correction and then the earlier counts."""
    own = hits.get((code, key))
    if own is not None and not own.corrects:
        return own
    parts = [_posting(hits, code, k) for k in _parts(key)]
    if not parts or any(p is None for p in parts):
        return own
    found = [p for p in parts if p is not None]
    last = max(found, key=lambda p: p.posted_on)
    numbers = dict.fromkeys(n for p in found for n in p.number.split("、") if n)
    whole = PostedNotice(code, key, last.posted_on, "、".join(numbers), any(p.corrects for p in found))
    if own is None or (whole.corrects, whole.posted_on) < (own.corrects, own.posted_on):
        return whole
    return own


def _entry(item: CatalogueItem, period: Period, hit: PostedNotice | None, on: int, since: int,
           version: str = "") -> CalendarEntry:
    if period.end.toordinal() < since:
        return CalendarEntry(item, period, NOT_APPLICABLE, None, None, version)
    deadline = period.deadline.toordinal()
    if hit is not None:
        return CalendarEntry(item, period, DONE if hit.posted_on.toordinal() <= deadline else LATE, hit, None, version)
    if on > deadline:
        state = OVERDUE
    elif on > period.end.toordinal() or on == deadline:
        state = DUE
    else:
        state = UPCOMING
    return CalendarEntry(item, period, state, None, deadline - on, version)


def _judged(reign: _Reign, item: CatalogueItem, period: Period, hits: Mapping[tuple[str, str], PostedNotice],
            on: int, since: int) -> CalendarEntry:
    return _entry(item, period, _posting(hits, item.code.upper(), period.key), on, since, reign.catalogue.version)


def _settings(catalogue: Catalogue, settings: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return catalogue.settings if settings is None else {**catalogue.settings, **settings}


def _ordinal(since: dt.date | None) -> int:
    return since.toordinal() if since is not None else 0


def year_calendar(catalogue: Catalogues, posted: Iterable[PostedNotice], year: int, *, on: dt.date,
                  settings: Mapping[str, Any] | None = None, include_not_applicable: bool = False,
                  since: dt.date | None = None) -> list[CalendarEntry]:
    """Every applicable item × period of ``year`` with its state on ``on``, in catalogue order.

    With versions, each period is the one of the version in force on its last day (a half-year item made
    quarterly in October has its first half-year and its fourth quarter in that year). With
    ``include_not_applicable`` the items that do not apply are listed too, each period as
    ``not_applicable``; an event item then has one entry for the whole year, so a screen can show every
    item of the catalogue. Periods that ended before ``since`` are ``not_applicable``.
    """
    reigns = _reigns(catalogue)
    hits = _index(posted, on)
    today, start = on.toordinal(), _ordinal(since)
    lo, hi = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    out: list[CalendarEntry] = []
    whole_year: set[str] = set()
    for reign in reversed(reigns):  # newest first: an event item's row for the year is the newest version's
        if not reign.overlaps(lo, hi):
            continue
        s = _settings(reign.catalogue, settings)
        for item in reign.catalogue.items:
            applies = item.periodic and item.applies_under(s)
            if not applies and not include_not_applicable:
                continue
            if item.frequency == EVENT:
                if item.code.upper() not in whole_year:
                    whole_year.add(item.code.upper())
                    whole = Period(str(year), _("{year}年(随时公开)").format(year=year), dt.date(year, 1, 1),
                                   dt.date(year, 12, 31), dt.date(year, 12, 31))
                    out.append(CalendarEntry(item, whole, NOT_APPLICABLE, None, None, reign.catalogue.version))
                continue
            for period in periods(item, year):
                if not reign.judges(period):
                    continue
                if applies:
                    out.append(_judged(reign, item, period, hits, today, start))
                else:
                    out.append(CalendarEntry(item, period, NOT_APPLICABLE, None, None, reign.catalogue.version))
    rank = _ranks(reigns)
    out.sort(key=lambda e: (rank[e.item.code.upper()], e.period.end))
    return out


def _event_item(reigns: Sequence[_Reign], code: str, day: dt.date) -> tuple[CatalogueItem, str] | None:
    """The event item an occurrence on ``day`` is judged by: the version in force that day (the oldest if
    it happened before any); if that version has no such event item, the newest version that has one."""
    ordinal = day.toordinal()
    in_force = next((r for r in reigns if r.first <= ordinal <= r.last), reigns[0] if reigns else None)
    for r in ([in_force] if in_force is not None else []) + list(reversed(reigns)):
        item = next((it for it in r.catalogue.items if it.code.upper() == code), None)
        if item is not None and not item.periodic:
            return item, r.catalogue.version
    return None


def event_entries(catalogue: Catalogues, occurrences: Iterable[EventOccurrence], on: dt.date) -> list[CalendarEntry]:
    """Each occurrence as a calendar entry on ``on``: its deadline is the day it happened plus the
    item's ``deadline_days`` (read from the catalogue in force that day, with the village's own numbers).

    From the day it happened it is ``due``; after the deadline, not posted, ``overdue``; posted on
    or before ``on`` it is ``done`` (by the deadline) or ``late``. An occurrence whose item no
    version has as an event item is left out: it has no deadline of its own (a periodic item's
    notice counts in its period, like any other).
    """
    reigns = _reigns(catalogue)
    today = on.toordinal()
    out: list[CalendarEntry] = []
    for o in occurrences:
        found = _event_item(reigns, o.item_code.upper(), o.day) if o.day <= on else None
        if found is None:
            continue
        item, version = found
        deadline = o.day.toordinal() + item.deadline_days
        period = Period(o.key, o.label, o.day, o.day, dt.date.fromordinal(deadline))
        if o.posted_on is not None and o.posted_on <= on:
            hit = PostedNotice(item.code, o.key, o.posted_on, o.number)
            out.append(CalendarEntry(item, period, DONE if o.posted_on.toordinal() <= deadline else LATE, hit, None,
                                     version))
        else:
            out.append(CalendarEntry(item, period, OVERDUE if today > deadline else DUE, None, deadline - today,
                                     version))
    return out


def due_on(catalogue: Catalogues, posted: Iterable[PostedNotice], on: dt.date, *,
           settings: Mapping[str, Any] | None = None, lookback_days: int = 400,
           since: dt.date | None = None, events: Iterable[EventOccurrence] = ()) -> list[CalendarEntry]:
    """What the home screen and ``cunwu disclosure due`` show: due and overdue periods that ended in
    the last ``lookback_days`` days, overdue first, then by deadline; each period as the version in
    force on its last day asks for it.

    ``events`` (the 四议两公开 matters' resolutions and results, app.meetings.matters) are listed with
    them while they are due or overdue, however long ago they happened: a decision owed to the
    villagers stays on the list until it is posted."""
    reigns = _reigns(catalogue)
    hits = _index(posted, on)
    today = on.toordinal()
    start = max(today - lookback_days, _ordinal(since), 1)
    first_year = dt.date.fromordinal(start).year
    out: list[CalendarEntry] = []
    for reign in reigns:
        if not reign.overlaps(start, today):
            continue
        s = _settings(reign.catalogue, settings)
        for item in reign.catalogue.items:
            if not item.periodic or not item.applies_under(s):
                continue
            for year in range(first_year, on.year + 1):
                for period in periods(item, year):
                    if not start <= period.end.toordinal() <= today or not reign.judges(period):
                        continue
                    entry = _judged(reign, item, period, hits, today, start)
                    if entry.state in (DUE, OVERDUE):
                        out.append(entry)
    out += [e for e in event_entries(catalogue, events, on) if e.state in (DUE, OVERDUE)]
    rank = _ranks(reigns)
    out.sort(key=lambda e: (e.state != OVERDUE, e.period.deadline, rank.get(e.item.code.upper(), len(rank))))
    return out


def month_view(catalogue: Catalogues, posted: Iterable[PostedNotice], year: int, month: int, *, on: dt.date,
               settings: Mapping[str, Any] | None = None, since: dt.date | None = None) -> list[CalendarEntry]:
    """Entries whose deadline falls in ``month`` of ``year``, by deadline: December's finances are due in
    January, so the periods of earlier years are looked at too; each period as its version asks for it."""
    reigns = _reigns(catalogue)
    hits = _index(posted, on)
    today, start = on.toordinal(), _ordinal(since)
    lo, hi = dt.date(year, month, 1).toordinal(), _first_of_next(year, month) - 1
    out: list[CalendarEntry] = []
    for reign in reigns:
        s = _settings(reign.catalogue, settings)
        for item in reign.catalogue.items:
            if not item.periodic or not item.applies_under(s):
                continue
            for y in range(year - item.deadline_days // 365 - 1, year + 1):
                for period in periods(item, y):
                    if lo <= period.deadline.toordinal() <= hi and reign.judges(period):
                        out.append(_judged(reign, item, period, hits, today, start))
    rank = _ranks(reigns)
    out.sort(key=lambda e: (e.period.deadline, rank[e.item.code.upper()]))
    return out


def format_due(entries: Iterable[CalendarEntry], current: str = "") -> list[str]:
    """One line per entry for the command line, e.g. "已逾期 12 天  财务收支情况(2026年10月)  截止 2026-11-10".

    ``current`` is the version in force today: a period judged by another one says so ("按 2026.1 版公开目录"),
    so a half-year still owed under the old version is not taken for a mistake."""
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
        if current and e.item.periodic and e.catalogue_version and e.catalogue_version != current:
            line += _("  (按 {version} 版公开目录)").format(version=e.catalogue_version)
        lines.append(line)
    return lines
