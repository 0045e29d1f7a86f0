"""Serial numbers: ``YYYY-<简称>-NNNN``, per village, per kind, per year, gapless and never reused.

A number is taken inside the transaction that issues the certificate. Write
transactions begin IMMEDIATE (app.storage), so two clerks issuing at once
queue on SQLite's lock and the second reads the first one's number; if the
transaction does not commit (an error, a power cut), the number was never
taken. There is no separate counter to get out of step with the register.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.errors import UserError
from app.certificates.models import Certificate, SerialStart
from app.events import record
from app.i18n import _

SERIAL = re.compile(r"(?P<year>\d{4})-(?P<short>[^\s\-]{1,4})-(?P<number>\d{4,})")
MAX_START = 99_999


class SerialError(UserError, ValueError):
    pass


@dataclass(frozen=True)
class Serial:
    year: int
    short: str
    number: int

    def __str__(self) -> str:
        return format_serial(self.year, self.short, self.number)


def format_serial(year: int, short: str, number: int) -> str:
    """Four digits, growing to five or more past 9999 so no number is ever cut."""
    return f"{year:04d}-{short}-{number:04d}"


def parse_serial(text: str) -> Serial:
    m = SERIAL.fullmatch((text or "").strip())
    if not m:
        raise SerialError(_("“{text}”不是证明编号。编号的样子是 2026-居住-0007(年份-简称-顺序号)。").format(text=text))
    return Serial(int(m["year"]), m["short"], int(m["number"]))


def last_number(session: Session, year: int, short: str) -> int:
    used = session.scalar(select(func.max(Certificate.number))
                          .where(Certificate.year == year, Certificate.kind_short == short))
    return int(used or 0)


def start_number(session: Session, year: int, short: str) -> int:
    start = session.scalar(select(SerialStart.start).where(SerialStart.year == year, SerialStart.kind_short == short))
    return int(start or 1)


def next_number(session: Session, year: int, short: str) -> int:
    """max(start - 1, last used) + 1. Call it only inside the issuing write transaction."""
    return max(start_number(session, year, short) - 1, last_number(session, year, short)) + 1


def set_start(session: Session, *, kind_code: str, short: str, year: int, start: int) -> int:
    """Continue a paper sequence: the first number this kind gets in ``year``.

    Refused once a number of that kind and year has been used, because moving
    the start then would leave a gap or suggest numbers were reused.
    """
    if not isinstance(start, int) or not 1 <= start <= MAX_START:
        raise SerialError(_("起始号应为 1 到 {max} 之间的整数。").format(max=MAX_START))
    if not 2000 <= year <= 2200:
        raise SerialError(_("年份“{year}”不对。").format(year=year))
    used = last_number(session, year, short)
    if used:
        raise SerialError(_("{year} 年的“{short}”类证明已经开到第 {n} 号,不能再改起始号。").format(
            year=year, short=short, n=used))
    row = session.scalar(select(SerialStart).where(SerialStart.year == year, SerialStart.kind_short == short))
    if row is None:
        row = SerialStart(kind_code=kind_code, kind_short=short, year=year, start=start)
        session.add(row)
        record(session, row, "create")
    else:
        row.start, row.kind_code = start, kind_code
        record(session, row, "update")
    return start
