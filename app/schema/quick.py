"""The first screen's numbers, read with the standard sqlite3 module.

The home screen and the status bar must appear at once, before SQLAlchemy has
loaded (see app.storage). These few read-only queries mirror the service
functions' counts; tests/test_quick.py checks they agree.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.people.info import VillageInfo


_shared = threading.local()


class _Borrowed:
    """The shared connection lent to one read: its close() leaves it open for the next."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self._con = con

    def execute(self, *args: Any) -> sqlite3.Cursor:
        return self._con.execute(*args)

    def close(self) -> None:
        pass


@contextmanager
def one_connection(db_path: Path) -> Iterator[None]:
    """The reads of this module made inside (on this thread, of ``db_path``) share one connection: the home
    screen's several reads at start open the database once."""
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)
    _shared.open = (str(db_path), con)
    try:
        yield
    finally:
        _shared.open = None
        con.close()


def _connect(db_path: Path) -> Any:
    shared = getattr(_shared, "open", None)
    if shared is not None and shared[0] == str(db_path):
        return _Borrowed(shared[1])
    return sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=10)


@dataclass(frozen=True)
class Summary:
    village: VillageInfo | None
    residents: int
    households: int
    groups: int
    adults: int
    party_members: int
    representatives: int
    roles: int
    users: int
    head_seq: int
    head_hash: str


def _adult_cutoff(today: dt.date) -> str:
    try:
        return today.replace(year=today.year - 18).isoformat()
    except ValueError:  # 29 February
        return today.replace(year=today.year - 18, day=28).isoformat()


def summary(db_path: Path, today: dt.date | None = None) -> Summary:
    today = today or dt.date.today()
    con = _connect(db_path)
    try:
        one = lambda sql, *args: con.execute(sql, args).fetchone()[0]  # noqa: E731
        row = con.execute("SELECT name, code, township, county, hotline FROM village WHERE id = 1").fetchone()
        village = VillageInfo(*row) if row else None
        head = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone() or (0, "0" * 64)
        on = today.isoformat()
        # the three counts that read every resident's row, in one pass over the table
        adults, party_members, representatives = con.execute(
            "SELECT count(CASE WHEN birth_date <= ? THEN 1 END), count(CASE WHEN party_member THEN 1 END), "
            "count(CASE WHEN representative THEN 1 END) FROM residents", (_adult_cutoff(today),)).fetchone()
        return Summary(
            village=village,
            residents=one("SELECT count(*) FROM residents"),
            households=one("SELECT count(*) FROM households"),
            groups=one("SELECT count(*) FROM villager_groups"),
            adults=adults,
            party_members=party_members,
            representatives=representatives,
            roles=one("SELECT count(*) FROM roles WHERE (term_start IS NULL OR term_start <= ?) "
                      "AND (term_end IS NULL OR term_end >= ?)", on, on),
            users=one("SELECT count(*) FROM users"),
            head_seq=head[0],
            head_hash=head[1],
        )
    finally:
        con.close()


@dataclass(frozen=True)
class Status:
    village: VillageInfo | None
    users: int
    head_seq: int
    head_hash: str


def status(db_path: Path) -> Status:
    """The village, its number of users and the log's head: what the program needs before the first window
    (login or not) and what the status bar shows. No count over the residents: those are :func:`summary`'s,
    read for the home screen on a worker."""
    con = _connect(db_path)
    try:
        row = con.execute("SELECT name, code, township, county, hotline FROM village WHERE id = 1").fetchone()
        head = con.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone() or (0, "0" * 64)
        users = con.execute("SELECT count(*) FROM users").fetchone()[0]
    finally:
        con.close()
    return Status(VillageInfo(*row) if row else None, users, head[0], head[1])


@dataclass(frozen=True)
class PendingCertificate:
    applicant_name: str
    kind_name: str
    due_date: dt.date
    days_left: int

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def pending_certificates(db_path: Path, today: dt.date | None = None) -> list[PendingCertificate]:
    """Time-limited certificates waiting to be issued, the most urgent first.

    Mirrors app.certificates.service.list_pending for the home screen (tests/test_quick.py holds
    them equal); a store from before certificates existed has none.
    """
    today = today or dt.date.today()
    try:
        con = _connect(db_path)
    except sqlite3.Error:
        return []
    try:
        rows = con.execute("SELECT applicant_name, kind_name, COALESCE(due_date, applied_on) FROM certificates "
                           "WHERE state = 'pending' ORDER BY due_date, id").fetchall()
    except sqlite3.Error:
        return []
    finally:
        con.close()
    out = []
    for name, kind, due in rows:
        d = dt.date.fromisoformat(due)
        out.append(PendingCertificate(name, kind, d, (d - today).days))
    return out


def disclosure_due(db_path: Path, data_dir: Path | None, today: dt.date | None = None) -> list:
    """Due and overdue disclosure items for the home screen, without SQLAlchemy.

    Mirrors app.meetings.matters.disclosure_due (tests/test_quick.py holds them equal): the same
    postings, the same start of the village's record, the same matters' notices, the same catalogue
    versions (each period judged by the one in force on its last day), the same calendar function.
    """
    from app.disclosure.calendar import PostedNotice, due_on
    from app.disclosure.catalogue import village_catalogues

    today = today or dt.date.today()
    con = _connect(db_path)
    try:
        rows = con.execute("SELECT item_code, period_key, posted_from, number, corrects_id FROM notices "
                           "WHERE state IN ('posted', 'archived') AND item_code != ''").fetchall()
        first_event = con.execute("SELECT time FROM events WHERE seq = 1").fetchone()
        first_post = con.execute("SELECT min(posted_from) FROM notices WHERE state IN ('posted', 'archived')"
                                 ).fetchone()[0]
    except sqlite3.OperationalError:  # a store from before disclosure existed
        return []
    finally:
        con.close()
    posted = [PostedNotice(item_code=i, period_key=p, posted_on=dt.date.fromisoformat(d), number=n or "",
                           corrects=c is not None) for i, p, d, n, c in rows]
    starts = [dt.date.fromisoformat(first_event[0][:10])] if first_event else []
    if first_post:
        starts.append(dt.date.fromisoformat(first_post))
    return due_on(village_catalogues(data_dir, today), posted, today, since=min(starts) if starts else None,
                  events=matter_events(db_path))


def matter_events(db_path: Path) -> list:
    """The notices the 四议两公开 matters owe (resolution and result), as calendar event occurrences.

    Mirrors app.meetings.matters.disclosure_events (tests/test_quick.py holds the due lists equal)."""
    from app.meetings.matter_events import MatterDates, NoticeState, occurrences

    def day(value: str | None) -> dt.date | None:
        return dt.date.fromisoformat(value) if value else None

    con = _connect(db_path)
    try:
        rows = con.execute(
            "SELECT m.id, m.subject, (SELECT s.date FROM matter_steps s WHERE s.matter_id = m.id AND s.round = m.round"
            " AND s.step = 4 AND s.passed), m.resolution_notice_id, m.carried_out_on, m.result_notice_id FROM matters m"
            " WHERE m.state IN ('resolved', 'carried_out', 'completed') ORDER BY m.id").fetchall()
        ids = sorted({i for r in rows for i in (r[3], r[5]) if i is not None})
        notices = {i: NoticeState(code, state, day(posted), number or "") for i, code, state, posted, number in
                   con.execute("SELECT id, item_code, state, posted_from, number FROM notices WHERE id IN ({})".format(
                       ",".join("?" * len(ids))), ids)} if ids else {}
    except sqlite3.OperationalError:  # a store from before matters existed
        return []
    finally:
        con.close()
    return occurrences([MatterDates(i, subject, day(d4), rn, day(done), rr) for i, subject, d4, rn, done, rr in rows],
                       notices)


def representatives_quarter(db_path: Path, today: dt.date | None = None):  # type: ignore[no-untyped-def]
    """Art. 26 for the home screen, without SQLAlchemy; mirrors app.meetings.service.representatives_quarter."""
    from app.meetings.quarterly import representatives_status

    today = today or dt.date.today()
    con = _connect(db_path)
    try:
        dates = [dt.date.fromisoformat(d) for (d,) in con.execute(
            "SELECT date FROM meetings WHERE kind = '村民代表会议' AND state = 'closed'")]
        first_event = con.execute("SELECT time FROM events WHERE seq = 1").fetchone()
    except sqlite3.OperationalError:  # a store from before meetings existed
        return None
    finally:
        con.close()
    return representatives_status(dates, today, since=dt.date.fromisoformat(first_event[0][:10]) if first_event else None)


def probations_due(db_path: Path, today: dt.date | None = None) -> list:
    """Probationary party members whose year ends within 30 days or has ended, for the home screen, without
    SQLAlchemy; mirrors app.people.service.probations_due (tests/test_quick.py holds them equal)."""
    from app.people.probation import due

    today = today or dt.date.today()
    con = _connect(db_path)
    try:
        rows = con.execute("SELECT r.id, r.name, COALESCE(g.name, ''), r.probation_since FROM residents r "
                           "LEFT JOIN villager_groups g ON g.id = r.group_id "
                           "WHERE r.probationary AND r.status IS NULL AND r.probation_since IS NOT NULL").fetchall()
    except sqlite3.OperationalError:  # a store from before schema v5
        return []
    finally:
        con.close()
    return due([(rid, name, group, dt.date.fromisoformat(since)) for rid, name, group, since in rows], today)
