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

from sqlalchemy import delete, insert, select

from app.errors import UserError
from app.hub import store as t
from app.i18n import _

SILENCE_KEY = "silence_days"          # hub_info key: days without a bundle before a village is called silent
CATALOGUES_KEY = "catalogue_versions"  # hub_info key: catalogue versions in force, comma separated ("" = all)
UPLOAD_LIMIT_KEY = "upload_limit_mb"  # hub_info key: the largest bundle taken over the network (cunwu hub serve)
SETTING_PREFIX = "setting:"           # hub_info keys of the township's settings start with this
DEFAULT_SILENCE = 14
DEFAULT_UPLOAD_LIMIT = 100            # MB
MAX_UPLOAD_LIMIT = 2048
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
    #                              (the village never synced: the hub knows nothing of its meetings)
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
    step: int                   # the last step taken in its current round (1-4; 0 = none yet)
    step_label: str
    state: str                  # in_progress | resolved | carried_out | completed | failed
    state_label: str
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
    if key == UPLOAD_LIMIT_KEY:
        try:
            n = int(value)
        except (TypeError, ValueError):
            n = 0
        if n < 1 or n > MAX_UPLOAD_LIMIT:
            raise StatusError(_("网上上传的同步包最大多少 MB:请填 1 到 {most} 之间的数字(默认 {n} MB)。").format(
                most=MAX_UPLOAD_LIMIT, n=DEFAULT_UPLOAD_LIMIT))
        value = str(n)
    if key == CATALOGUES_KEY:
        value = _catalogue_versions(hub, value)
    with hub.engine.begin() as conn:
        conn.execute(delete(t.hub_info).where(t.hub_info.c.key == SETTING_PREFIX + key))
        conn.execute(insert(t.hub_info).values(key=SETTING_PREFIX + key, value=str(value)))
    if key == CATALOGUES_KEY:  # every village's disclosures are judged again by the versions now in force
        from app.hub.projections import rebuild_projections

        rebuild_projections(hub)


def _catalogue_versions(hub: Any, value: str) -> str:
    """The versions in force, as "a,b" ("" = every version the hub has); StatusError for one it does not have."""
    from pathlib import Path

    from app.disclosure.catalogue import load_all

    wanted = [v.strip() for v in str(value).replace("，", ",").split(",") if v.strip()]
    have = [c.version for c in load_all(Path(hub.dir).parent)]
    unknown = [v for v in wanted if v not in have]
    if unknown:
        raise StatusError(_("没有版本为“{v}”的村务公开目录。现有的版本:{have}。请把县里发来的目录文件放进乡镇数据目录的 "
                            "catalogues 文件夹后再选。").format(v="、".join(unknown), have="、".join(have)))
    return ",".join(wanted)


def silence_limit(hub: Any) -> int:
    """The township's silence limit in days (its setting, or 14)."""
    try:
        return int(hub_setting(hub, SILENCE_KEY, str(DEFAULT_SILENCE)) or DEFAULT_SILENCE)
    except ValueError:
        return DEFAULT_SILENCE


# ---------------------------------------------------------------- queries
#
# One query per topic over the projection tables (app/hub/store.py, hub_proj_*), each touching only the rows
# that matter on the day asked about (not posted and owed, posted late this year, this quarter's meetings,
# open matters, this month's certificates) through its index; the day-dependent states are decided here.

LOOKBACK_DAYS = 400   # app.disclosure.calendar.due_on: periods that ended longer ago are not listed any more
REPRESENTATIVES = "村民代表会议"   # app.meetings.kinds.MeetingKind.REPRESENTATIVES


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _quarter_bounds(on: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """Start of this quarter, start and end of the previous one."""
    q_start = dt.date(on.year, 3 * ((on.month - 1) // 3) + 1, 1)
    prev_end = q_start - dt.timedelta(days=1)
    return q_start, dt.date(prev_end.year, 3 * ((prev_end.month - 1) // 3) + 1, 1), prev_end


_VILLAGES_SQL = (
    "SELECT v.code, v.name, v.enrolled, v.last_import, p.version, p.pending, p.chain_ok, p.started "
    "FROM hub_villages v LEFT JOIN hub_proj_villages p ON p.code = v.code ORDER BY v.code")

# Each statement is one range of an index and gives one row per village (per record type, for certificates).
# Where the index holds the village right after the range's equal columns (open matters, this year's late
# disclosures, this month's certificates), the rows come out in village order and SQLite groups them without
# sorting; sorting the rows to group them is most of what such a statement costs.

# not posted by `on` and owed from `due_from` on; rows posted later than `on` count as not posted yet.
# Each branch is a plain range of an index; the sums are made once over the two.
_OPEN_SQL = (
    "SELECT village_code, SUM(o), SUM(d) FROM ("
    "SELECT village_code, CASE WHEN deadline < :on THEN 1 ELSE 0 END AS o, "
    "CASE WHEN deadline >= :on THEN 1 ELSE 0 END AS d FROM hub_proj_disclosures "
    "WHERE posted_on IS NULL AND due_from <= :on AND (event = :yes OR period_end >= :lookback) "
    "UNION ALL "
    "SELECT village_code, CASE WHEN deadline < :on THEN 1 ELSE 0 END, "
    "CASE WHEN deadline >= :on THEN 1 ELSE 0 END FROM hub_proj_disclosures "
    "WHERE posted_on > :on AND due_from <= :on AND (event = :yes OR period_end >= :lookback)) AS x "
    "GROUP BY village_code")

# posted late this year, up to `on` (substr(posted_on, 1, 4) is the expression of ix_hub_proj_disclosures_late)
_LATE_SQL = (
    "SELECT village_code, COUNT(*) FROM hub_proj_disclosures "
    "WHERE late = :yes AND substr(posted_on, 1, 4) = :year AND posted_on <= :on GROUP BY village_code")

_MEETINGS_SQL = (
    "SELECT village_code, SUM(CASE WHEN date >= :q_start THEN 1 ELSE 0 END), "
    "SUM(CASE WHEN date < :q_start THEN 1 ELSE 0 END) FROM hub_proj_meetings "
    "WHERE kind = :kind AND state = 'closed' AND date >= :prev_start AND date <= :on GROUP BY village_code")

_MATTERS_SQL = (
    "SELECT village_code, COUNT(*), SUM(CASE WHEN last_step_on < :stalled THEN 1 ELSE 0 END) "
    "FROM hub_proj_matters WHERE open = :yes GROUP BY village_code")

# issued (record_type certificate) or refused (cert_refusal) this month, up to `on`
# (substr(day, 1, 7) is the expression of ix_hub_proj_certificates_month)
_CERTS_SQL = (
    "SELECT record_type, village_code, COUNT(*) FROM hub_proj_certificates "
    "WHERE substr(day, 1, 7) = :month AND day <= :on GROUP BY record_type, village_code")

_VOIDED_SQL = (
    "SELECT village_code, COUNT(*) FROM hub_proj_certificates "
    "WHERE voided_on >= :m_start AND voided_on <= :on GROUP BY village_code")

# refusals since the village's last good import
_ALERTS_SQL = (
    "SELECT a.village_code, COUNT(*), SUM(CASE WHEN a.kind = 'fork' THEN 1 ELSE 0 END) "
    "FROM hub_proj_alerts a JOIN hub_villages v ON v.code = a.village_code "
    "WHERE a.at > v.last_import AND a.at < :next_day GROUP BY a.village_code")


def _fetch(conn: Any, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    """Rows straight from the driver: on a county's 600 villages SQLAlchemy's row objects would cost
    more than the queries."""
    from app.hub.projections import driver_rows

    return driver_rows(conn, sql, params)


def _facts(conn: Any, on: dt.date) -> tuple[list[Any], dict[str, dict[str, Any]]]:
    """The villages' rows and each topic's counts per village, as of ``on``: topic -> village code -> its
    row (the code first, then the counts; every statement gives at most one row per village)."""
    iso = on.isoformat()
    q_start, prev_start, _prev_end = _quarter_bounds(on)
    params = {"on": iso, "yes": True, "lookback": (on - dt.timedelta(days=LOOKBACK_DAYS)).isoformat(),
              "year": f"{on.year:04d}", "q_start": q_start.isoformat(),
              "prev_start": prev_start.isoformat(), "kind": REPRESENTATIVES,
              "stalled": (on - dt.timedelta(days=STALLED_DAYS)).isoformat(),
              "month": iso[:7], "m_start": on.replace(day=1).isoformat(),
              "next_day": (on + dt.timedelta(days=1)).isoformat()}
    villages = _fetch(conn, _VILLAGES_SQL, {})
    topics: dict[str, dict[str, Any]] = {"issued": {}, "refusals": {}}
    for name, sql in (("open", _OPEN_SQL), ("late", _LATE_SQL), ("meetings", _MEETINGS_SQL),
                      ("matters", _MATTERS_SQL), ("voided", _VOIDED_SQL), ("alerts", _ALERTS_SQL)):
        topics[name] = {r[0]: r for r in _fetch(conn, sql, params)}
    for rtype, code, n in _fetch(conn, _CERTS_SQL, params):
        if rtype == "certificate":
            topics["issued"][code] = n
        elif rtype == "cert_refusal":
            topics["refusals"][code] = n
    return villages, topics


_NONE = (None, 0, 0)   # a village without rows in a topic: every count 0


class _Words:
    """The table's plain words, looked up once per call (the language chosen when it is asked)."""

    def __init__(self, on: dt.date) -> None:
        from app.meetings.quarterly import quarter_label, quarter_of

        q_start, prev_start, _end = _quarter_bounds(on)
        self.quarter = quarter_label(*quarter_of(on))
        self.prev_quarter = quarter_label(*quarter_of(prev_start))
        self.q_start, self.prev_start = q_start.isoformat(), prev_start.isoformat()
        self.never = _("从未同步")
        self.silent = _("已 {n} 天没有同步")
        self.refused = _("同步包被拒收")
        self.fork = _("出现分叉")
        self.chain = _("记录链对不上")
        self.pending = _("有同步包在等前面的包")
        self.no_meeting = _("{quarter}没有开村民代表会议")


def _rows(villages: list[Any], topics: dict[str, dict[str, Any]], on: dt.date, silence: int,
          w: _Words) -> list[VillageStatus]:
    """The table's rows of ``villages`` (rows of _VILLAGES_SQL) from the topics' counts (:func:`_facts`)."""
    opened, lates, meetings, matters = topics["open"], topics["late"], topics["meetings"], topics["matters"]
    issued, voids, refusals, refused_bundles = topics["issued"], topics["voided"], topics["refusals"], topics["alerts"]
    out = []
    for code, name, enrolled, last_import, version, pending, chain_ok, started in villages:
        last = _day(last_import)
        days = (on - last).days if last else None
        _c, overdue, due = opened.get(code, _NONE)
        _c, this_q, prev_q = meetings.get(code, _NONE)
        _c, open_, stalled = matters.get(code, _NONE)
        _c, refused, forks = refused_bundles.get(code, _NONE)
        alerts: list[str] = []
        if days is None:
            alerts.append(w.never)
        elif days > silence:
            alerts.append(w.silent.format(n=days))
        if forks:
            alerts.append(w.fork)
        if refused > forks:
            alerts.append(w.refused)
        if chain_ok is not None and not chain_ok:
            alerts.append(w.chain)
        if pending:
            alerts.append(w.pending)
        if started and started <= w.prev_start and not prev_q:
            alerts.append(w.no_meeting.format(quarter=w.prev_quarter))
        out.append(VillageStatus(
            code, name or "", (enrolled or "")[:10], last_import or "", days, version or "", pending or 0, refused,
            overdue, lates.get(code, _NONE)[1], due, w.quarter,
            True if this_q else (False if days is not None else None), open_, stalled, issued.get(code, 0),
            voids.get(code, _NONE)[1], refusals.get(code, 0), tuple(alerts)))
    return out


def status_rows(hub: Any, on: dt.date, *, silence_days: int = DEFAULT_SILENCE) -> list[VillageStatus]:
    """One row per enrolled village, as of ``on``, ordered by village code."""
    with hub.engine.connect() as conn:
        villages, topics = _facts(conn, on)
    return _rows(villages, topics, on, silence_days, _Words(on))


def find_village(hub: Any, village: str) -> str:
    """The code of a village given by its code or its name; StatusError if there is none (or two by that name)."""
    text_ = village.strip()
    with hub.engine.connect() as conn:
        rows = conn.execute(select(t.villages.c.code, t.villages.c.name).where(
            (t.villages.c.code == text_) | (t.villages.c.name == text_))).all()
    codes = sorted({r[0] for r in rows})
    if len(codes) == 1:
        return codes[0]
    if not codes:
        raise StatusError(_("本乡镇没有登记“{v}”这个村。请用 cunwu hub villages 查看已登记的村名和村代码。").format(
            v=text_[:40]))
    raise StatusError(_("有 {n} 个村都叫“{v}”,请改用村代码:{codes}。").format(n=len(codes), v=text_[:40],
                                                                      codes="、".join(codes)))


def _disclosure_state(row: Any, on: dt.date) -> str:
    """overdue | due | late | done | upcoming of one stored period on ``on`` (app.disclosure.calendar's rules)."""
    iso = on.isoformat()
    posted = row.posted_on if row.posted_on and row.posted_on <= iso else None
    if posted:
        return "late" if posted > row.deadline else "done"
    if row.due_from > iso:
        return "upcoming"
    return "overdue" if row.deadline < iso else "due"


def _disclosure(row: Any, state: str) -> DisclosureRow:
    return DisclosureRow(item=row.item_code, item_name=row.item_name or "", period=row.period_key,
                         period_label=row.period_label or "", deadline=row.deadline, posted_on=row.posted_on or "",
                         catalogue=row.catalogue_version or "", state=state)


def village_detail(hub: Any, code: str, on: dt.date, *, silence_days: int = DEFAULT_SILENCE) -> VillageDetail:
    """One village (by code or name) in detail as of ``on``; StatusError for a village the hub has not enrolled."""
    from app.meetings.kinds import MeetingKind
    from app.meetings.matters import state_label, step_label

    code = find_village(hub, code)
    iso = on.isoformat()
    lookback = (on - dt.timedelta(days=LOOKBACK_DAYS)).isoformat()
    d, m, x, c, n, a = (t.proj_disclosures.c, t.proj_meetings.c, t.proj_matters.c, t.proj_certificates.c,
                        t.proj_notices.c, t.proj_alerts.c)
    with hub.engine.connect() as conn:
        villages, topics = _facts(conn, on)
        disclosures = conn.execute(select(t.proj_disclosures).where(
            d.village_code == code, d.due_from <= iso).order_by(d.deadline, d.item_code, d.period_key)).all()
        meetings = conn.execute(select(t.proj_meetings).where(m.village_code == code, m.date <= iso)
                                .order_by(m.date.desc(), m.record_id)).all()
        matters = conn.execute(select(t.proj_matters).where(x.village_code == code)
                               .order_by(x.open.desc(), x.last_step_on.desc(), x.record_id)).all()
        certs = conn.execute(select(t.proj_certificates).where(c.village_code == code, c.day != "", c.day <= iso)
                             .order_by(c.day.desc(), c.serial.desc(), c.record_id)).all()
        notices = conn.execute(select(n.record_id, n.number, n.title, n.posted_from, n.posted_until).where(
            n.village_code == code, n.state.in_(("posted", "archived"))).order_by(n.posted_from.desc(),
                                                                                  n.number.desc())).all()
        alerts = conn.execute(select(a.at, a.kind, a.message).where(a.village_code == code, a.at < (
            on + dt.timedelta(days=1)).isoformat()).order_by(a.at.desc(), a.id.desc()).limit(50)).all()
        groups = _residents_by_group(conn, code)
    status = _rows([v for v in villages if v[0] == code], topics, on, silence_days, _Words(on))[0]
    lists: dict[str, list[DisclosureRow]] = {"overdue": [], "due": [], "late": []}
    for row in disclosures:
        state = _disclosure_state(row, on)
        if state in ("overdue", "due") and (row.event or row.period_end >= lookback):
            lists[state].append(_disclosure(row, state))
        elif state == "late" and row.posted_on >= f"{on.year:04d}-01-01":
            lists[state].append(_disclosure(row, state))
    kinds = {k.value: k for k in MeetingKind}
    return VillageDetail(
        status=status, overdue=lists["overdue"], late=lists["late"], due=lists["due"],
        meetings=[MeetingRow(r.record_id, r.kind, kinds[r.kind].label if r.kind in kinds else r.kind, r.date,
                             r.title, r.quorate, r.state) for r in meetings],
        matters=[MatterRow(r.record_id, r.subject, int(r.step), step_label(r.step) if r.step in (1, 2, 3, 4) else "",
                           r.state, state_label(r.state), r.last_step_on,
                           bool(r.open) and r.last_step_on < (on - dt.timedelta(days=STALLED_DAYS)).isoformat())
                 for r in matters],
        certificates=[_cert(r, on) for r in certs if r.record_type == "certificate"],
        refusals=[_cert(r, on) for r in certs if r.record_type == "cert_refusal"],
        residents_by_group=groups,
        notices=[(r[0], r[1] or "", r[2] or "", r[3] or "", r[4] or "") for r in notices],
        alerts=[{"kind": k, "day": at, "text": msg or ""} for at, k, msg in alerts])


def _cert(r: Any, on: dt.date) -> CertificateRow:
    return CertificateRow(record_id=r.record_id, serial=r.serial or "", kind=r.kind or "", kind_label=r.kind_name or "",
                          day=r.day, voided=bool(r.voided_on) and r.voided_on <= on.isoformat(),
                          refused=r.record_type == "cert_refusal")


def _residents_by_group(conn: Any, code: str) -> dict[str, int]:
    """Residents counted by their villagers' group (the group's name; 未分组 for none), from the hub's records."""
    import json

    rc = t.records.c
    groups = sorted((g.get("sort_order") or 0, g.get("name") or rid, rid) for rid, g in (
        (rid, json.loads(content)) for rid, content in conn.execute(
            select(rc.record_id, rc.content).where(rc.village_code == code, rc.record_type == "group"))))
    names = {rid: name for _order, name, rid in groups}
    counts: dict[str, int] = {}
    none = _("未分组")
    for (content,) in conn.execute(select(rc.content).where(rc.village_code == code, rc.record_type == "resident")):
        r = json.loads(content)
        if r.get("status"):  # moved away, deceased...: no longer counted among the village's residents
            continue
        gid = r.get("group_id")
        key = names.get(str(gid), none) if gid is not None else none
        counts[key] = counts.get(key, 0) + 1
    order = {name: i for i, (_o, name, _r) in enumerate(groups)}
    return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


# ---------------------------------------------------------------- the month, for the county report


def parse_month(month: str, *, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """First and last day of "YYYY-MM"; StatusError for another spelling or a month that has not begun."""
    try:
        year, mon = (int(x) for x in str(month).strip().split("-"))
        first = dt.date(year, mon, 1)
    except (ValueError, TypeError) as exc:
        raise StatusError(_("月份“{m}”不对,请写成 年-月,例如 2026-11。").format(m=str(month)[:20])) from exc
    if first > (today or dt.date.today()):
        raise StatusError(_("{m} 还没有到,没有可以统计的数据。请选择本月或以前的月份。").format(m=first.strftime("%Y-%m")))
    last = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    return first, last


def month_rows(hub: Any, month: str) -> dict[str, list[dict[str, Any]]]:
    """The month's facts for the county report, one list of rows (plain dicts) per topic, each row with the
    village's "code" and "name"; states as of the month's last day (or today, in the current month):

    - "villages": VillageStatus.as_dict() of every village;
    - "disclosures": periods whose deadline falls in the month, and those still overdue at its end:
      item, item_name, period, period_label, deadline, posted_on ("" = not posted), catalogue,
      state (done | late | due | overdue);
    - "meetings": meetings dated in the month: record_id, kind, date, title, quorate (None = minutes not closed), state;
    - "matters": 四议两公开 matters filed by the month's end and open now or with their last step in the month:
      record_id, subject, step, step_label, state, state_label, last_step_on, stalled (the hub keeps a matter's
      present state, not its history: a matter closed since, whose last step came after the month, is not
      listed for it);
    - "certificates": issued or voided in the month: record_id, serial, kind, kind_name, day, voided_on, state;
    - "refusals": refusals to issue a certificate in the month: record_id, kind, requested, day;
    - "alerts": bundles refused in the month: at, kind (refused | fork), reason, message.

    StatusError for a month that is not YYYY-MM or has not begun; a month without any data gives empty lists
    (``has_data`` tells)."""
    from app.meetings.matters import state_label, step_label

    first, last = parse_month(month)
    on = min(last, dt.date.today())
    lo, hi = first.isoformat(), on.isoformat()
    rows = status_rows(hub, on, silence_days=silence_limit(hub))
    names = {r.code: r.name for r in rows}

    def who(code: str) -> dict[str, str]:
        return {"code": code, "name": names.get(code, "")}

    d, m, x, c, a = (t.proj_disclosures.c, t.proj_meetings.c, t.proj_matters.c, t.proj_certificates.c,
                     t.proj_alerts.c)
    lookback = (on - dt.timedelta(days=LOOKBACK_DAYS)).isoformat()
    with hub.engine.connect() as conn:
        disclosures = conn.execute(select(t.proj_disclosures).where(
            ((d.deadline >= lo) & (d.deadline <= hi) & (d.due_from <= hi))
            | (((d.posted_on.is_(None)) | (d.posted_on > hi)) & (d.deadline < lo) & (d.due_from <= hi)
               & ((d.event == True) | (d.period_end >= lookback))))  # noqa: E712 - SQL, not Python
            .order_by(d.village_code, d.deadline, d.item_code, d.period_key)).all()
        meetings = conn.execute(select(t.proj_meetings).where(m.date >= lo, m.date <= hi)
                                .order_by(m.village_code, m.date, m.record_id)).all()
        matters = conn.execute(select(t.proj_matters).where(
            ((x.open == True) | ((x.last_step_on >= lo) & (x.last_step_on <= hi))) & (x.filed_on <= hi))  # noqa: E712
            .order_by(x.village_code, x.last_step_on, x.record_id)).all()
        certs = conn.execute(select(t.proj_certificates).where(
            ((c.day >= lo) & (c.day <= hi)) | ((c.voided_on >= lo) & (c.voided_on <= hi)))
            .order_by(c.village_code, c.day, c.serial, c.record_id)).all()
        alerts = conn.execute(select(a.village_code, a.at, a.kind, a.reason, a.message).where(
            a.at >= lo, a.at < (on + dt.timedelta(days=1)).isoformat()).order_by(a.at, a.id)).all()
    stall = (on - dt.timedelta(days=STALLED_DAYS)).isoformat()
    out: dict[str, list[dict[str, Any]]] = {"villages": [r.as_dict() for r in rows]}
    out["disclosures"] = [{**who(r.village_code), "item": r.item_code, "item_name": r.item_name,
                           "period": r.period_key, "period_label": r.period_label, "deadline": r.deadline,
                           "posted_on": r.posted_on if r.posted_on and r.posted_on <= hi else "",
                           "catalogue": r.catalogue_version, "state": _disclosure_state(r, on)} for r in disclosures]
    out["meetings"] = [{**who(r.village_code), "record_id": r.record_id, "kind": r.kind, "date": r.date,
                        "title": r.title, "quorate": r.quorate, "state": r.state} for r in meetings]
    out["matters"] = [{**who(r.village_code), "record_id": r.record_id, "subject": r.subject, "step": r.step,
                       "step_label": step_label(r.step) if r.step in (1, 2, 3, 4) else "", "state": r.state,
                       "state_label": state_label(r.state), "last_step_on": r.last_step_on,
                       "stalled": bool(r.open) and r.last_step_on < stall} for r in matters]
    out["certificates"] = [{**who(r.village_code), "record_id": r.record_id, "serial": r.serial, "kind": r.kind,
                            "kind_name": r.kind_name, "day": r.day,
                            "voided_on": r.voided_on if r.voided_on and r.voided_on <= hi else "",
                            "state": r.state} for r in certs if r.record_type == "certificate"]
    out["refusals"] = [{**who(r.village_code), "record_id": r.record_id, "kind": r.kind, "requested": r.kind_name,
                        "day": r.day} for r in certs if r.record_type == "cert_refusal"]
    out["alerts"] = [{**who(r[0]), "at": r[1], "kind": r[2], "reason": r[3], "message": r[4]} for r in alerts]
    return out


def has_data(rows: dict[str, list[dict[str, Any]]]) -> bool:
    """Whether :func:`month_rows` found anything that happened in the month (beyond the villages' list)."""
    return any(rows[k] for k in rows if k != "villages")
