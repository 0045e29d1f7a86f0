"""What the township reads about its villages: one row per village, one village in detail, a month's lists.

Read from the hub's projection tables (app/hub/projections.py keeps them, inside each bundle's import
transaction). What depends on the day asked about — overdue, late, due, a village gone silent, this
quarter's representatives' meeting, this month's certificates — is worked out here from the stored dates,
so the same tables answer for any day.

The township's own settings (silence limit, catalogue versions in force) are kept in the hub's hub_info
table: :func:`hub_setting` and :func:`set_hub_setting`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select

from app.errors import UserError
from app.hub import store as t
from app.i18n import _

SILENCE_KEY = "silence_days"          # hub_info key: days without a bundle before a village is called silent
CATALOGUES_KEY = "catalogue_versions"  # hub_info key: catalogue versions in force, comma separated ("" = all)
SETTING_PREFIX = "setting:"           # hub_info keys of the township's settings start with this
DEFAULT_SILENCE = 14
STALLED_DAYS = 30                     # a 四议两公开 matter with no step for this long is stalled


class StatusError(UserError):
    """A question about the villages cannot be answered (unknown village, bad date...); nothing changed."""


@dataclass(frozen=True)
class VillageStatus:
    """One row of the township's table (cunwu hub status)."""
    code: str
    name: str
    enrolled: str               # ISO date
    last_sync: str              # ISO datetime of the last applied bundle, "" = never synced
    days_since: int | None      # None when never synced
    version: str                # program version the village runs ("" if unknown)
    pending: int                # bundles held waiting for a gap
    refused: int                # bundles refused (fork, bad signature ...) since the last good import
    overdue: int                # disclosures past their deadline and not posted (as of `on`)
    late: int                   # posted, but after the deadline (this year)
    due: int                    # due now, deadline not yet passed
    quarter_label: str          # e.g. "2026年第四季度"
    quarter_meeting: bool | None  # representatives' meeting held this quarter (Art. 26); None = not required yet
    matters_open: int
    matters_stalled: int        # 四议两公开 in progress; stalled = no step for 30 days
    certs_issued: int
    certs_voided: int
    certs_refused: int          # this month (of `on`)
    alerts: tuple[str, ...]     # plain Chinese words: "同步包被拒收", "出现分叉", "已 20 天没有同步", "从未同步" ...

    def as_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        d = asdict(self)
        d["alerts"] = list(self.alerts)
        return d


@dataclass(frozen=True)
class DisclosureRow:
    item: str                   # catalogue item code
    item_name: str              # its name, as the catalogue the village ran calls it
    period: str                 # period key, e.g. "2026-Q3"
    period_label: str           # e.g. "2026年第三季度"
    deadline: str               # ISO date
    posted_on: str              # ISO date, "" = not posted
    catalogue: str              # catalogue version the village ran for this period
    state: str                  # overdue | late | due (app.disclosure.calendar states)


@dataclass(frozen=True)
class MeetingRow:
    record_id: str
    kind: str                   # villagers | representatives | committee | ... (the village's meeting kind)
    kind_label: str
    date: str                   # ISO date
    title: str
    quorate: bool | None        # None = quorum not counted (not held yet, or not a voting meeting)
    state: str


@dataclass(frozen=True)
class MatterRow:
    record_id: str
    subject: str
    step: str                   # the step it has reached
    step_label: str
    state: str
    last_step_on: str           # ISO date of its last step
    stalled: bool               # open, and no step for STALLED_DAYS days (as of the day asked about)


@dataclass(frozen=True)
class CertificateRow:
    record_id: str
    serial: str                 # certificate serial; "" for a refusal
    kind: str
    kind_label: str
    day: str                    # ISO date issued (or refused)
    voided: bool
    refused: bool               # a refusal to issue (cert_refusal), not a certificate


@dataclass(frozen=True)
class VillageDetail:
    status: VillageStatus
    overdue: list[DisclosureRow] = field(default_factory=list)
    late: list[DisclosureRow] = field(default_factory=list)
    due: list[DisclosureRow] = field(default_factory=list)
    meetings: list[MeetingRow] = field(default_factory=list)
    matters: list[MatterRow] = field(default_factory=list)
    certificates: list[CertificateRow] = field(default_factory=list)   # issued and voided
    refusals: list[CertificateRow] = field(default_factory=list)
    residents_by_group: dict[str, int] = field(default_factory=dict)
    # (record id, number, title, posted_from, posted_until)
    notices: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    alerts: list[dict[str, str]] = field(default_factory=list)          # {"kind", "day", "text"} newest first

    def as_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        d = asdict(self)
        d["status"] = self.status.as_dict()
        d["notices"] = [list(n) for n in self.notices]
        return d


# ---------------------------------------------------------------- settings


def hub_setting(hub: Any, key: str, default: str | None = None) -> str | None:
    """A township setting from hub_info (``default`` when it was never set)."""
    with hub.engine.connect() as conn:
        value = conn.execute(select(t.hub_info.c.value).where(t.hub_info.c.key == SETTING_PREFIX + key)).scalar()
    return default if value is None else str(value)


def set_hub_setting(hub: Any, key: str, value: str) -> None:
    """Write a township setting into hub_info (one transaction)."""
    if key == SILENCE_KEY:
        try:
            n = int(value)
        except (TypeError, ValueError):
            n = 0
        if n < 1 or n > 366:
            raise StatusError(_("多少天没有同步算“长期未同步”,请填 1 到 366 之间的天数(默认 {n} 天)。").format(
                n=DEFAULT_SILENCE))
        value = str(n)
    with hub.engine.begin() as conn:
        conn.execute(delete(t.hub_info).where(t.hub_info.c.key == SETTING_PREFIX + key))
        conn.execute(insert(t.hub_info).values(key=SETTING_PREFIX + key, value=str(value)))


def silence_limit(hub: Any) -> int:
    """The township's silence limit in days (its setting, or 14)."""
    try:
        return int(hub_setting(hub, SILENCE_KEY, str(DEFAULT_SILENCE)) or DEFAULT_SILENCE)
    except ValueError:
        return DEFAULT_SILENCE


# ---------------------------------------------------------------- queries


def _day(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _basic_rows(conn: Any) -> list[dict[str, Any]]:
    from app.hub.service import PENDING, VERSION_KEY

    pend = dict(conn.execute(select(t.bundles.c.village_code, func.count()).where(t.bundles.c.state == PENDING)
                             .group_by(t.bundles.c.village_code)).all())
    versions = {k[len(VERSION_KEY):]: v for k, v in conn.execute(
        select(t.hub_info.c.key, t.hub_info.c.value).where(t.hub_info.c.key.startswith(VERSION_KEY)))}
    rows = conn.execute(select(t.villages.c.code, t.villages.c.name, t.villages.c.enrolled,
                               t.villages.c.last_import).order_by(t.villages.c.code)).all()
    return [{"code": r[0], "name": r[1], "enrolled": (r[2] or "")[:10], "last_sync": r[3] or "",
             "version": versions.get(r[0], ""), "pending": int(pend.get(r[0], 0))} for r in rows]


def _status(base: dict[str, Any], on: dt.date, silence: int) -> VillageStatus:
    from app.meetings.quarterly import quarter_label, quarter_of

    last = _day(base["last_sync"])
    days = (on - last).days if last else None
    alerts: list[str] = []
    if last is None:
        alerts.append(_("从未同步"))
    elif days is not None and days > silence:
        alerts.append(_("已 {n} 天没有同步").format(n=days))
    if base["pending"]:
        alerts.append(_("有同步包在等前面的包"))
    return VillageStatus(
        code=base["code"], name=base["name"], enrolled=base["enrolled"], last_sync=base["last_sync"],
        days_since=days, version=base["version"], pending=base["pending"], refused=0, overdue=0, late=0, due=0,
        quarter_label=quarter_label(*quarter_of(on)), quarter_meeting=None, matters_open=0, matters_stalled=0,
        certs_issued=0, certs_voided=0, certs_refused=0, alerts=tuple(alerts))


def status_rows(hub: Any, on: dt.date, *, silence_days: int = DEFAULT_SILENCE) -> list[VillageStatus]:
    """One row per enrolled village, as of ``on``, ordered by village code."""
    with hub.engine.connect() as conn:
        return [_status(b, on, silence_days) for b in _basic_rows(conn)]


def find_village(hub: Any, village: str) -> str:
    """The code of a village given by its code or its name; StatusError if there is none (or two by that name)."""
    text = village.strip()
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.villages.c.code, t.villages.c.name).where(
            (t.villages.c.code == text) | (t.villages.c.name == text))).all()
    codes = sorted({r[0] for r in rows})
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise StatusError(_("本乡镇没有登记“{v}”这个村。请用 cunwu hub villages 查看已登记的村名和村代码。").format(
            v=text[:40]))
    raise StatusError(_("有 {n} 个村都叫“{v}”,请改用村代码:{codes}。").format(n=len(codes), v=text[:40],
                                                                      codes="、".join(codes)))


def village_detail(hub: Any, code: str, on: dt.date, *, silence_days: int = DEFAULT_SILENCE) -> VillageDetail:
    """One village (by code) in detail as of ``on``; StatusError for a code the hub has not enrolled."""
    code = find_village(hub, code)
    with hub.engine.connect() as conn:
        base = next(b for b in _basic_rows(conn) if b["code"] == code)
    return VillageDetail(status=_status(base, on, silence_days))


def month_rows(hub: Any, month: str) -> dict[str, list[dict[str, Any]]]:
    """The month's facts for the county report, one list of rows per topic:
    "villages", "disclosures", "meetings", "matters", "certificates", "refusals", "alerts".
    StatusError for a month that is not YYYY-MM."""
    try:
        year, mon = (int(x) for x in month.split("-"))
        first = dt.date(year, mon, 1)
    except (ValueError, TypeError) as exc:
        raise StatusError(_("月份“{m}”不对,请写成 年-月,例如 2026-11。").format(m=str(month)[:20])) from exc
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    rows = status_rows(hub, last)
    return {"villages": [r.as_dict() for r in rows], "disclosures": [], "meetings": [], "matters": [],
            "certificates": [], "refusals": [], "alerts": []}
