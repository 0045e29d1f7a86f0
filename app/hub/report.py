"""The township's monthly report for the county: every village's month in one workbook, and two pages for the
township head.

:func:`month_report` reads the hub's projection tables (app.hub.status.month_rows: one query per topic) into a
:class:`MonthReport`, a plain value; :func:`write_report_xlsx` writes it as one sheet per topic (app.workbook:
Chinese headers, measured widths, frozen header row, no cell a spreadsheet would run as a formula, an overdue
cell filled red and saying 逾期 in words); :func:`township_report_printout` lays it out as a two-page summary
(app.printing.flow, the printing path of every printout) that :func:`write_report_pdf` saves.

Topics: the villages (last sync, alerts), disclosures (村务公开: due, done, late, overdue, each with its item
and deadline), the quarter's representatives' meeting (Organic Law Art. 26: at least once a quarter) and the
meetings by kind with their quorum, the 四议两公开 matters by step (stalled ones), certificates by kind (issued,
voided, refused).

A month that is malformed, in the future, or holds no data gets :class:`ReportError` with a plain message, and
no file is written.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _

# the states of a disclosure in the report (app.disclosure.calendar's names)
DONE, LATE, DUE, OVERDUE = "done", "late", "due", "overdue"

# Sizes of the summary on A4, in points: read at a desk by the township head, larger than a register
TITLE_SIZE = 24.0
SUBTITLE_SIZE = 13.0
HEADING_SIZE = 17.0
BODY_SIZE = 14.0
TABLE_SIZE = 14.0
FOOTER_SIZE = 10.0


class ReportError(UserError, ValueError):
    """The report cannot be made for the month asked; the message says why and what to do. Nothing is written."""


# ---------------------------------------------------------------- the report as plain values


@dataclass(frozen=True)
class VillageLine:
    code: str
    name: str
    last_sync: str = ""          # "2026-11-28 10:02"; "" = never synced
    days_since: int | None = None
    pending: int = 0             # bundles held waiting for a gap
    refused: int = 0             # bundles refused since the last good import
    alerts: tuple[str, ...] = ()  # plain Chinese words: 从未同步, 出现分叉 ...


@dataclass(frozen=True)
class DisclosureLine:
    village: str
    item: str
    period: str
    deadline: dt.date
    state: str                   # done | late | due | overdue
    posted_on: dt.date | None = None


@dataclass(frozen=True)
class QuarterLine:
    """Art. 26: the representatives' meeting of the quarter the month is in."""

    village: str
    quarter: str                 # "2026年第四季度"
    held: bool | None            # None: not required of this village (it started keeping records after)
    last_held: dt.date | None = None
    quarter_over: bool = False   # the quarter had ended by the report's date
    synced: bool = True          # False: the village never sent anything, so nobody knows


@dataclass(frozen=True)
class MeetingLine:
    village: str
    kind: str                    # 村民代表会议, 党员大会 ... (the label)
    day: dt.date
    title: str = ""
    quorate: bool | None = None  # None: attendance not recorded
    present: int | None = None
    expected: int | None = None


@dataclass(frozen=True)
class MatterLine:
    village: str
    subject: str
    step: str                    # the last step taken, as its label (党组织提议 ...), "" = none yet
    state: str                   # the state as its label (进行中, 已决议 ...)
    last_step: dt.date | None = None
    stalled_days: int | None = None  # days without a step, when stalled


@dataclass(frozen=True)
class CertificateLine:
    village: str
    kind: str
    issued: int = 0
    voided: int = 0
    refused: int = 0


@dataclass(frozen=True)
class AlertLine:
    """A bundle the hub refused in the month (a fork, a bad signature ...)."""

    village: str
    at: str                      # "2026-11-12 09:30"
    message: str


@dataclass(frozen=True)
class MonthReport:
    township: str
    month: str                   # "2026-11"
    as_of: dt.date               # the month's last day, or today for the month in progress
    made: str = ""               # when the report was made, "2026-12-01 09:30"
    villages: tuple[VillageLine, ...] = ()
    disclosures: tuple[DisclosureLine, ...] = ()
    quarter: tuple[QuarterLine, ...] = ()
    meetings: tuple[MeetingLine, ...] = ()
    matters: tuple[MatterLine, ...] = ()
    certificates: tuple[CertificateLine, ...] = ()
    silence_days: int = 14
    alerts: tuple[AlertLine, ...] = field(default=())

    @property
    def label(self) -> str:
        year, month = parse_month(self.month)
        return _("{year}年{month}月").format(year=year, month=month)

    @property
    def empty(self) -> bool:
        """Nothing happened in any village this month, and no village had sent anything by its end."""
        return not (self.disclosures or self.meetings or self.matters or self.certificates or self.alerts
                    or any(v.last_sync and v.last_sync[:10] <= self.as_of.isoformat() for v in self.villages))


# ---------------------------------------------------------------- the month asked for


def parse_month(text: str) -> tuple[int, int]:
    """(year, month) of ``2026-11`` (full-width digits and blanks forgiven); ReportError otherwise."""
    compact = re.sub(r"\s", "", unicodedata.normalize("NFKC", text or ""))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", compact)
    if not m or not 1 <= int(m.group(2)) <= 12 or int(m.group(1)) < 1900:
        raise ReportError(_("月份“{text}”看不懂。请写成 年-月,例如 2026-11。").format(text=(text or "").strip()))
    return int(m.group(1)), int(m.group(2))


def check_month(text: str, today: dt.date) -> tuple[str, dt.date]:
    """The month as ``YYYY-MM`` and the report's date (its last day, or ``today`` while it runs); a month
    after ``today``'s gets ReportError."""
    year, month = parse_month(text)
    if (year, month) > (today.year, today.month):
        raise ReportError(_("{year}年{month}月还没有到,没有可以报告的数据。请选 {now} 或更早的月份。").format(
            year=year, month=month, now="{:04d}-{:02d}".format(today.year, today.month)))
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
    return "{:04d}-{:02d}".format(year, month), min(last, today)


def no_data_error(report: MonthReport) -> ReportError:
    return ReportError(_(
        "{month}没有任何村的数据:没有村务公开、会议、四议两公开和证明的记录,也没有村在这个月底以前送来过同步包。"
        "请选别的月份,或先导入各村的同步包(cunwu hub import)。").format(month=report.label))


# ---------------------------------------------------------------- from the hub


def month_report(hub: Any, month: str, *, today: dt.date | None = None) -> MonthReport:
    """The report of ``month`` (``YYYY-MM``) from the hub's projection tables.

    ReportError for a malformed month, a month in the future, or a month without any data."""
    from app.events import now_text
    from app.hub.status import month_rows, silence_limit

    today = today or dt.date.today()
    key, as_of = check_month(month, today)
    rows = month_rows(hub, key)
    report = report_from_rows(hub.name, key, as_of, rows, made=now_text()[:16].replace("T", " "),
                              silence_days=silence_limit(hub))
    if not report.villages:
        raise ReportError(_("本乡镇还没有登记任何村,没有可以报告的数据。请先用 cunwu hub enroll 村身份文件 登记各村。"))
    if report.empty:
        raise no_data_error(report)
    return report


def _get(row: Mapping[str, Any], *names: str, default: Any = None) -> Any:
    for name in names:
        if name in row and row[name] is not None:
            return row[name]
    return default


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _bool(value: Any) -> bool | None:
    if value is None or value == "":
        return None
    return bool(value)


def report_from_rows(township: str, month: str, as_of: dt.date, rows: Mapping[str, Sequence[Mapping[str, Any]]], *,
                     made: str = "", silence_days: int = 14) -> MonthReport:
    """A MonthReport from app.hub.status.month_rows: one list of dicts per topic ("villages", "disclosures",
    "meetings", "matters", "certificates", "refusals"); the quarter's representatives' meeting is read from the
    villages' rows (quarter_label, quarter_meeting)."""
    from app.meetings.quarterly import quarter_of

    def synced(r: Mapping[str, Any]) -> str:
        return str(_get(r, "last_sync", default=""))[:16].replace("T", " ")

    def days(r: Mapping[str, Any]) -> int | None:
        """Days from the last sync to the report's date; None when it came after (a past month's report)."""
        last = _date(_get(r, "last_sync"))
        return (as_of - last).days if last is not None and last <= as_of else None

    villages = tuple(VillageLine(
        code=str(_get(r, "code", "village_code", default="")), name=str(_get(r, "name", "village_name", default="")),
        last_sync=synced(r), days_since=days(r) if synced(r) else None, pending=_int(_get(r, "pending")) or 0,
        refused=_int(_get(r, "refused")) or 0, alerts=tuple(str(a) for a in _get(r, "alerts", default=()) or ()))
        for r in rows.get("villages", ()))
    names = {v.code: v.name for v in villages}

    def village(r: Mapping[str, Any]) -> str:
        name = _get(r, "village_name", "village")
        code = _get(r, "village_code", "code", default="")
        return str(name if name else names.get(code, code))

    disclosures = tuple(DisclosureLine(
        village=village(r), item=str(_get(r, "item_name", "item", default="")),
        period=str(_get(r, "period_label", "period", default="")), deadline=_date(_get(r, "deadline")) or as_of,
        state=str(_get(r, "state", default=DUE)), posted_on=_date(_get(r, "posted_on")))
        for r in rows.get("disclosures", ()))

    from app.meetings.kinds import MeetingKind

    representatives = {}
    for r in rows.get("meetings", ()):
        day = _date(_get(r, "date", "day"))
        if _meeting_kind(str(_get(r, "kind_label", "kind", default=""))) == MeetingKind.REPRESENTATIVES.label and day:
            representatives[village(r)] = max(day, representatives.get(village(r), day))
    year, q = quarter_of(as_of)
    quarter_end = dt.date(year + (q == 4), (3 * q) % 12 + 1, 1) - dt.timedelta(days=1)
    quarter = tuple(QuarterLine(
        village=v.name, quarter=str(_get(r, "quarter_label", default="")),
        held=_bool(_get(r, "quarter_meeting")), last_held=representatives.get(v.name),
        quarter_over=as_of >= quarter_end, synced=bool(v.last_sync))
        for v, r in zip(villages, rows.get("villages", ())) if "quarter_label" in r)
    if "quarter" in rows:
        quarter = tuple(QuarterLine(
            village=village(r), quarter=str(_get(r, "quarter_label", "quarter", default="")),
            held=_bool(_get(r, "held", "quarter_meeting")), last_held=_date(_get(r, "last_held")),
            quarter_over=bool(_get(r, "quarter_over", default=as_of >= quarter_end)))
            for r in rows["quarter"])

    meetings = tuple(MeetingLine(
        village=village(r), kind=_meeting_kind(str(_get(r, "kind_label", "kind", default=""))),
        day=_date(_get(r, "date", "day")) or as_of, title=str(_get(r, "title", default="")),
        quorate=_bool(_get(r, "quorate")), present=_int(_get(r, "present")), expected=_int(_get(r, "expected")))
        for r in rows.get("meetings", ()))

    def stalled_days(r: Mapping[str, Any]) -> int | None:
        if not _get(r, "stalled", default=False):
            return None
        last = _date(_get(r, "last_step_on", "last_step"))
        return max(0, (as_of - last).days) if last is not None else _int(_get(r, "stalled_days"))

    # a matter whose last step came after the report's date is left out: the hub keeps only its state now
    matters = tuple(MatterLine(
        village=village(r), subject=str(_get(r, "subject", default="")),
        step=str(_get(r, "step_label", "step", default="")), state=_matter_state(str(_get(r, "state", default=""))),
        last_step=_date(_get(r, "last_step_on", "last_step")), stalled_days=stalled_days(r))
        for r in rows.get("matters", ())
        if (_date(_get(r, "last_step_on", "last_step")) or as_of) <= as_of)

    first = as_of.replace(day=1).isoformat()

    def in_month(value: Any) -> bool:
        day = _date(value)
        return day is None or first <= day.isoformat() <= as_of.isoformat()

    counts: dict[tuple[str, str], list[int]] = {}

    def count(r: Mapping[str, Any], *kind_keys: str) -> list[int]:
        kind = str(_get(r, *kind_keys, default="") or "") or _("(未列明)")
        return counts.setdefault((village(r), kind), [0, 0, 0])

    for r in rows.get("certificates", ()):
        if _get(r, "refused", default=False):  # a refusal handed in with the certificates
            count(r, "kind_label", "kind_name", "requested", "kind")[2] += 1
            continue
        c = count(r, "kind_label", "kind_name", "kind")
        c[0] += in_month(_get(r, "day"))
        voided_on = _get(r, "voided_on", default="")
        c[1] += bool(voided_on) and in_month(voided_on) if "voided_on" in r else bool(_get(r, "voided"))
    for r in rows.get("refusals", ()):
        count(r, "requested", "kind_label", "kind_name", "kind")[2] += 1
    certificates = tuple(CertificateLine(v, k, *n) for (v, k), n in sorted(counts.items()))
    alerts = tuple(AlertLine(village(r), str(_get(r, "at", default=""))[:16].replace("T", " "),
                             str(_get(r, "message", "reason", "text", default="")))
                   for r in rows.get("alerts", ()))
    return MonthReport(township, month, as_of, made, villages, disclosures, quarter, meetings, matters, certificates,
                       silence_days, alerts)


def _meeting_kind(kind: str) -> str:
    """A meeting kind as its label (app.meetings.kinds), or as given."""
    from app.meetings.kinds import UnknownKind, parse_kind

    try:
        return parse_kind(kind).label if kind else ""
    except UnknownKind:
        return kind


def _matter_state(state: str) -> str:
    """A matter's state as its label (app.meetings.matters), or as given when it is one already."""
    from app.meetings.matters import state_label

    try:
        return state_label(state) if state else ""
    except (KeyError, ValueError):
        return state


# ---------------------------------------------------------------- words


def disclosure_state_text(line: DisclosureLine) -> str:
    """The state in words; both kinds of lateness say 逾期."""
    if line.state == OVERDUE:
        return _("逾期未公开")
    if line.state == LATE:
        return _("逾期公开({day})").format(day=line.posted_on.isoformat()) if line.posted_on else _("逾期公开")
    if line.state == DONE:
        return _("按时公开")
    return _("待公开")


def quarter_text(line: QuarterLine) -> str:
    if not line.synced and not line.held:
        return _("不知道(从未同步)")
    if line.held is None:
        return _("不计(本季度开始以后才用本程序记录)")
    if line.held:
        return _("已召开")
    return _("未召开(逾期)") if line.quarter_over else _("本季度尚未召开")


def quarter_late(line: QuarterLine) -> bool:
    return line.held is False and line.quarter_over and line.synced


def quorum_text(line: MeetingLine) -> str:
    if line.quorate is None:
        return _("未记录出席人数")
    return _("达到法定人数") if line.quorate else _("未达到法定人数")


def stalled_text(line: MatterLine) -> str:
    return _("停滞 {days} 天").format(days=line.stalled_days) if line.stalled_days is not None else ""


def sync_text(line: VillageLine) -> str:
    if not line.last_sync:
        return _("从未同步")
    return line.last_sync


def _attendance(line: MeetingLine) -> str:
    if line.present is None:
        return ""
    if line.expected is None:
        return str(line.present)
    return _("{present}/{expected}").format(present=line.present, expected=line.expected)


# ---------------------------------------------------------------- the workbook


def report_sheets(report: MonthReport) -> list[Any]:
    """The sheets of the workbook, one per topic (app.workbook.Sheet)."""
    from app.workbook import Sheet

    def above(topic: str) -> list[str]:
        return [_("{township} {month}村务监督月报 —— {topic}").format(township=report.township, month=report.label,
                                                                 topic=topic),
                _("统计截至 {day};制表时间 {made}").format(day=report.as_of.isoformat(), made=report.made or "-")]

    villages = [[v.code, v.name, sync_text(v), v.days_since, v.pending, v.refused, "、".join(v.alerts) or _("无")]
                for v in report.villages]
    village_warn = {(r, 2) for r, v in enumerate(report.villages) if not v.last_sync}
    village_warn |= {(r, 6) for r, v in enumerate(report.villages) if v.alerts}

    disclosures = [[d.village, d.item, d.period, d.deadline, d.posted_on, disclosure_state_text(d)]
                   for d in report.disclosures]
    disclosure_warn = {(r, 5) for r, d in enumerate(report.disclosures) if d.state in (OVERDUE, LATE)}

    quarter = [[q.village, q.quarter, quarter_text(q), q.last_held] for q in report.quarter]
    counted = any(m.present is not None for m in report.meetings)
    quarter_warn = {(r, 2) for r, q in enumerate(report.quarter) if quarter_late(q)}

    meetings = [[m.village, m.kind, m.day, m.title, *([_attendance(m)] if counted else []), quorum_text(m)]
                for m in report.meetings]
    matters = [[m.village, m.subject, m.step or _("尚未开始"), m.state, m.last_step, stalled_text(m)]
               for m in report.matters]
    matter_warn = {(r, 5) for r, m in enumerate(report.matters) if m.stalled_days is not None}
    certificates = [[c.village, c.kind, c.issued, c.voided, c.refused] for c in report.certificates]
    alerts = [[a.village, a.at, a.message] for a in report.alerts]

    return [
        Sheet(_("各村概况"), [_("村代码"), _("村名"), _("上次同步"), _("距统计日天数"), _("等待补齐的同步包"),
                           _("拒收的同步包"), _("提醒")], villages, above(_("各村概况")),
              text_columns=frozenset({0}), warned=village_warn),
        Sheet(_("同步提醒"), [_("村名"), _("时间"), _("本月拒收的同步包")], alerts, above(_("同步提醒")),
              wrap_columns=frozenset({2})),
        Sheet(_("村务公开"), [_("村名"), _("公开事项"), _("期间"), _("截止日期"), _("公开日期"), _("状态")],
              disclosures, above(_("村务公开")), warned=disclosure_warn),
        Sheet(_("村民代表会议"), [_("村名"), _("季度"), _("本季度村民代表会议(第二十六条)"), _("本月召开日期")],
              quarter, above(_("村民代表会议(村民委员会组织法第二十六条:每季度至少召开一次)")), warned=quarter_warn),
        Sheet(_("会议"), [_("村名"), _("会议种类"), _("日期"), _("会议名称"), *([_("实到/应到")] if counted else []),
                        _("法定人数")],
              meetings, above(_("会议")), wrap_columns=frozenset({3})),
        Sheet(_("四议两公开"), [_("村名"), _("事项"), _("已到步骤"), _("状态"), _("最近一步日期"), _("停滞")],
              matters, above(_("四议两公开")), wrap_columns=frozenset({1}), warned=matter_warn),
        Sheet(_("证明"), [_("村名"), _("证明种类"), _("开具"), _("作废"), _("拒绝开具")], certificates,
              above(_("证明开具")), landscape=False),
    ]


def write_report_xlsx(report: MonthReport, path: Path) -> None:
    """The workbook, written whole or not at all (app.workbook)."""
    from app.workbook import write_workbook

    write_workbook(Path(path), report_sheets(report))


# ---------------------------------------------------------------- the two pages for the township head


@dataclass(frozen=True)
class _Limits:
    attention: int = 18
    overdue: int = 14
    stalled: int = 8


def _attention(report: MonthReport) -> list[tuple[str, str]]:
    """The villages that need the township's attention, each with what is wrong in words, worst first."""
    overdue = Counter(d.village for d in report.disclosures if d.state == OVERDUE)
    late = Counter(d.village for d in report.disclosures if d.state == LATE)
    no_meeting = {q.village for q in report.quarter if quarter_late(q)}
    stalled = Counter(m.village for m in report.matters if m.stalled_days is not None)
    refused = Counter(a.village for a in report.alerts)
    out: list[tuple[int, str, str]] = []
    for v in report.villages:
        words = list(v.alerts)
        if refused[v.name]:
            words.append(_("本月同步包被拒收 {n} 次").format(n=refused[v.name]))
        if not v.last_sync and _("从未同步") not in words:
            words.append(_("从未同步"))
        if overdue[v.name]:
            words.append(_("逾期未公开 {n} 项").format(n=overdue[v.name]))
        if late[v.name]:
            words.append(_("逾期公开 {n} 项").format(n=late[v.name]))
        if v.name in no_meeting:
            words.append(_("本季度未召开村民代表会议"))
        if stalled[v.name]:
            words.append(_("四议两公开停滞 {n} 件").format(n=stalled[v.name]))
        if words:
            out.append((-len(words) - 2 * overdue[v.name], v.name, ";".join(words)))
    out.sort()
    return [(name, words) for _w, name, words in out]


def _figures(report: MonthReport) -> list[list[str]]:
    n = len(report.villages)
    never = sum(1 for v in report.villages if not v.last_sync)
    silent = sum(1 for v in report.villages if v.last_sync and (v.days_since or 0) > report.silence_days)
    states = Counter(d.state for d in report.disclosures)
    overdue_villages = len({d.village for d in report.disclosures if d.state == OVERDUE})
    q_late = sum(1 for q in report.quarter if quarter_late(q))
    q_open = sum(1 for q in report.quarter if q.held is False and not q.quarter_over)
    q_held = sum(1 for q in report.quarter if q.held)
    stalled = sum(1 for m in report.matters if m.stalled_days is not None)
    issued = sum(c.issued for c in report.certificates)
    voided = sum(c.voided for c in report.certificates)
    refused = sum(c.refused for c in report.certificates)
    return [
        [_("登记的村"), _("{n} 个").format(n=n)],
        [_("同步"), _("从未同步 {never} 个;超过 {days} 天没有同步 {silent} 个;本月拒收同步包 {refused} 次").format(
            never=never, days=report.silence_days, silent=silent, refused=len(report.alerts))],
        [_("村务公开"), _("按时 {done} 项;逾期公开 {late} 项;逾期未公开 {overdue} 项(涉及 {villages} 个村);待公开 {due} 项").format(
            done=states[DONE], late=states[LATE], overdue=states[OVERDUE], villages=overdue_villages,
            due=states[DUE])],
        [_("村民代表会议(第二十六条)"), _("本季度已召开 {held} 个村;未召开(逾期){late} 个村;尚未召开 {open} 个村").format(
            held=q_held, late=q_late, open=q_open)],
        [_("会议"), _("本月 {n} 次,未达到法定人数 {failed} 次").format(
            n=len(report.meetings), failed=sum(1 for m in report.meetings if m.quorate is False))],
        [_("四议两公开"), _("在办 {n} 件,其中停滞 {stalled} 件").format(
            n=sum(1 for m in report.matters if m.state not in _closed_states()), stalled=stalled)],
        [_("证明"), _("开具 {issued} 份,作废 {voided} 份,拒绝开具 {refused} 次").format(
            issued=issued, voided=voided, refused=refused)],
    ]


def _closed_states() -> set[str]:
    from app.meetings.matters import COMPLETED, state_label
    from app.meetings.models import FAILED

    return {state_label(COMPLETED), state_label(FAILED)}


def _by_kind_meetings(report: MonthReport) -> list[list[str]]:
    kinds: dict[str, list[int]] = {}
    for m in report.meetings:
        k = kinds.setdefault(m.kind, [0, 0, 0, 0])
        k[0] += 1
        k[1] += m.quorate is True
        k[2] += m.quorate is False
        k[3] += m.quorate is None
    return [[kind, *map(str, n)] for kind, n in sorted(kinds.items(), key=lambda kv: -kv[1][0])]


def _by_kind_certificates(report: MonthReport) -> list[list[str]]:
    kinds: dict[str, list[int]] = {}
    for c in report.certificates:
        k = kinds.setdefault(c.kind, [0, 0, 0])
        k[0] += c.issued
        k[1] += c.voided
        k[2] += c.refused
    return [[kind, str(a), str(b), str(c)] for kind, (a, b, c) in sorted(kinds.items(), key=lambda kv: -kv[1][0])]


def _capped(rows: list[list[str]], limit: int, more: str) -> tuple[list[list[str]], str]:
    """The first ``limit`` rows, and ``more`` (with {n}) saying how many the workbook lists besides."""
    if len(rows) <= limit:
        return rows, ""
    return rows[:limit], more.format(n=len(rows) - limit)


def township_report_printout(report: MonthReport) -> Any:
    """Two A4 pages for the township head: page 1 the month in figures and the villages to follow up, page 2
    the overdue disclosures, stalled 四议两公开 matters, meetings and certificates by kind. Lists longer than the
    pages hold are cut, with how many more the workbook lists."""
    limits = _Limits()
    while True:
        printout, first_page_full = _summary(report, limits)
        if first_page_full and limits.attention > 1:
            limits = _Limits(limits.attention - 1, limits.overdue, limits.stalled)
        elif len(printout) > 2 and max(limits.overdue, limits.stalled) > 1:
            if limits.overdue >= 2 * limits.stalled or limits.stalled == 1:
                limits = _Limits(limits.attention, limits.overdue - 1, limits.stalled)
            else:
                limits = _Limits(limits.attention, limits.overdue, limits.stalled - 1)
        else:
            return printout


def _summary(report: MonthReport, limits: _Limits) -> tuple[Any, bool]:
    """The two pages with lists cut at ``limits``, and whether the first page's part ran onto a second page."""
    from app.masking import mask_text
    from app.printing.document import Printout
    from app.printing.flow import GRAY_TEXT, Flow, TableStyle, baseline, page_texts
    from app.printing.metrics import Metrics, clean_line
    from app.printing.pages import MM
    from app.printing.tables import PrintedTable

    def clean(text: str) -> str:
        return clean_line(mask_text(" ".join(str(text).splitlines())))

    title = _("{township}村务监督月报").format(township=clean(report.township))
    subtitle = _("{month} · 统计截至 {day} · 共 {n} 个村 · 制表 {made}").format(
        month=report.label, day=report.as_of.isoformat(), n=len(report.villages), made=report.made or "-")
    header_line = _("{township} {month}村务监督月报").format(township=clean(report.township), month=report.label)

    attention, more_attention = _capped([[clean(a), clean(b)] for a, b in _attention(report)], limits.attention,
                                         _("另有 {n} 个村,见月报表格(xlsx)"))
    overdue_rows = [[clean(d.village), clean(d.item), clean(d.period), d.deadline.isoformat(),
                     _("{n} 天").format(n=(report.as_of - d.deadline).days)]
                    for d in sorted(report.disclosures, key=lambda d: (d.deadline, d.village))
                    if d.state == OVERDUE]
    overdue_rows, more_overdue = _capped(overdue_rows, limits.overdue, _("另有 {n} 项,见月报表格(xlsx)"))
    stalled_rows = [[clean(m.village), clean(m.subject), clean(m.step) or _("尚未开始"), stalled_text(m)]
                    for m in sorted(report.matters, key=lambda m: -(m.stalled_days or 0)) if m.stalled_days is not None]
    stalled_rows, more_stalled = _capped(stalled_rows, limits.stalled, _("另有 {n} 件,见月报表格(xlsx)"))

    tables = {
        "figures": PrintedTable("", [_("项目"), _("本月情况")], _figures(report)),
        "attention": PrintedTable("", [_("村"), _("需要督促的事项")], attention),
        "overdue": PrintedTable("", [_("村"), _("公开事项"), _("期间"), _("截止日期"), _("已逾期")], overdue_rows,
                                numeric=frozenset({4}), unbroken=frozenset({3, 4})),
        "stalled": PrintedTable("", [_("村"), _("事项"), _("已到步骤"), _("停滞")], stalled_rows),
        "meetings": PrintedTable("", [_("会议种类"), _("次数"), _("达到法定人数"), _("未达到"), _("未记录出席")],
                                 [[clean(c) for c in r] for r in _by_kind_meetings(report)],
                                 numeric=frozenset({1, 2, 3, 4})),
        "certificates": PrintedTable("", [_("证明种类"), _("开具"), _("作废"), _("拒绝开具")],
                                     [[clean(c) for c in r] for r in _by_kind_certificates(report)],
                                     numeric=frozenset({1, 2, 3})),
    }
    headings = [_("一、本月概况"), _("二、需要督促的村"), _("三、逾期未公开的事项"), _("四、停滞的四议两公开事项"),
                _("五、会议(按种类)"), _("六、证明(按种类)")]
    notes = [more_attention, more_overdue, more_stalled, _("没有。"),
             _("完整明细见同月的月报表格(xlsx),每个方面一张工作表。")]

    def everything() -> Iterable[str]:
        yield from (title, subtitle, header_line, *headings, *notes, _("(无)"))
        yield from page_texts(_("(无)"))
        for t in tables.values():
            yield from t.columns
            for row in t.rows:
                yield from row

    metrics = Metrics(everything())
    flow = Flow(metrics, paper="a4", margin_top=12 * MM, margin_bottom=14 * MM, body_size=BODY_SIZE)
    style = TableStyle(size=TABLE_SIZE, title_size=HEADING_SIZE, pad_x=5.0, pad_y=3.0, empty=_("没有。"))

    # a running header on every page, the title on the first
    top = flow.h - 12 * MM
    flow.put(flow.frame, flow.left, baseline(top, 1.4 * FOOTER_SIZE, FOOTER_SIZE), header_line, FOOTER_SIZE,
             gray=GRAY_TEXT)
    flow.set_top(top - 1.8 * FOOTER_SIZE)
    flow.title(title, TITLE_SIZE)
    flow.lines([subtitle], SUBTITLE_SIZE, 1.6 * SUBTITLE_SIZE, align="centre", gray=GRAY_TEXT)
    flow.space(6)

    def section(heading: str, table: Any, more: str = "", widths: Sequence[float] | None = None) -> None:
        flow.space(4)
        flow.heading(heading, HEADING_SIZE, keep_with=4 * TABLE_SIZE)
        flow.table(table, style, widths=widths, name=heading)
        if more:
            flow.lines([more], BODY_SIZE - 2, 1.5 * (BODY_SIZE - 2), gray=GRAY_TEXT)

    section(headings[0], tables["figures"], widths=(0.38 * flow.width, 0.62 * flow.width))
    section(headings[1], tables["attention"], more_attention)
    first_page_full = len(flow.pages) > 1
    flow.new_page()
    section(headings[2], tables["overdue"], more_overdue)
    section(headings[3], tables["stalled"], more_stalled)
    section(headings[4], tables["meetings"])
    section(headings[5], tables["certificates"])
    flow.space(6)
    flow.lines(metrics.wrap(notes[-1], BODY_SIZE - 2, flow.width), BODY_SIZE - 2, 1.5 * (BODY_SIZE - 2), gray=GRAY_TEXT)

    def footer(ops: list[Any], number: int, total: int) -> None:
        flow.page_number(ops, number, total, 11 * MM, FOOTER_SIZE, bold=False)

    return Printout(title, tuple(flow.finish(footer)), author=clean(report.township), subject=report.label,
                    kind="township-report"), first_page_full


def write_report_pdf(report: MonthReport, path: Path) -> None:
    """The two pages as a PDF, written whole or not at all."""
    from app.printing.pdf import write_pdf

    write_pdf(township_report_printout(report), Path(path))


def export_report(hub: Any, month: str, path: Path, *, today: dt.date | None = None) -> MonthReport:
    """The report of ``month`` written to ``path`` (.xlsx: the workbook; .pdf: the two pages). Nothing is
    written when the month is refused or the file name does not say which."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ReportError(_("月报文件名要以 .xlsx(表格)或 .pdf(给乡镇领导的两页摘要)结尾,例如 2026-11月报.xlsx。"))
    if not path.parent.is_dir():
        raise ReportError(_("文件夹 {dir} 不存在。").format(dir=path.parent))
    report = month_report(hub, month, today=today)
    (write_report_xlsx if suffix == ".xlsx" else write_report_pdf)(report, path)
    return report
