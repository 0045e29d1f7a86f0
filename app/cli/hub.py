"""``cunwu hub status``, ``cunwu hub show`` and ``cunwu hub rebuild-projections``: the township's view of its
villages on the command line (app/hub/status.py, app/hub/projections.py)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from app.errors import internal
from app.i18n import _

BAD_INPUT = 2  # a date or a village the command cannot use: like a wrong option, nothing was done


def add_parsers(hs: Any) -> None:
    """The sub-commands, added to ``cunwu hub``'s parsers (app/cli/sync.py)."""
    a = hs.add_parser("status", help=_("各村情况一览(同步、公开、会议、证明、提醒)"))
    a.add_argument("--date", help=_("按这一天统计,格式 年-月-日(默认今天)"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出同样的内容"))
    a = hs.add_parser("show", help=_("一个村的详细情况"))
    a.add_argument("village", metavar="VILLAGE", help=_("村代码或村名"))
    a.add_argument("--date", help=_("按这一天统计,格式 年-月-日(默认今天)"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出同样的内容"))
    hs.add_parser("rebuild-projections", help=_("按已收到的记录重新生成各村统计表"))


@internal
class _BadInput(Exception):
    """A date typed wrong on the command line; caught in this module and said as a plain message."""


def _date(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise _BadInput(_("日期“{d}”不对,请写成 年-月-日,例如 2026-11-30。").format(d=text[:20])) from None


def _refuse(message: str) -> int:
    print(_("错误:{reason}").format(reason=message), file=sys.stderr)
    return BAD_INPUT


def _table(rows: list[list[str]]) -> str:
    """The rows as columns padded for a terminal (a Chinese character is two columns wide); each cell is
    measured once."""
    from app.workbook import display_width

    measured = [[display_width(cell) for cell in r] for r in rows]
    widths = [max(m[i] for m in measured) for i in range(len(rows[0]))]
    return "\n".join("  ".join(cell + " " * (w - n) for cell, n, w in zip(r, m, widths)).rstrip()
                     for r, m in zip(rows, measured))


def _meeting_word(held: bool | None) -> str:
    return {True: _("已开"), False: _("未开"), None: _("不计")}[held]


def status_table(rows: list[Any]) -> list[list[str]]:
    """The table's cells, header first (the desktop program shows the same words)."""
    out = [[_("村"), _("上次同步"), _("天数"), _("待补/拒收"), _("逾期公开"), _("本季度代表会议"), _("四议两公开"),
            _("本月证明 开具/作废/拒开"), _("提醒")]]
    for r in rows:
        matters = _("进行中 {n}").format(n=r.matters_open)
        if r.matters_stalled:
            matters += _("(停滞 {n})").format(n=r.matters_stalled)
        overdue = str(r.overdue)
        if r.late:
            overdue += _("(逾期后公开 {n})").format(n=r.late)
        out.append([r.name, r.last_sync[:10] if r.last_sync else _("从未同步"),
                    "—" if r.days_since is None else str(r.days_since), f"{r.pending}/{r.refused}", overdue,
                    _meeting_word(r.quarter_meeting), matters, f"{r.certs_issued}/{r.certs_voided}/{r.certs_refused}",
                    "、".join(r.alerts)])
    return out


def hub_status(hub: Any, args: argparse.Namespace) -> int:
    from app.hub.status import silence_limit, status_rows

    try:
        on = _date(args.date)
    except _BadInput as exc:
        return _refuse(str(exc))
    rows = status_rows(hub, on, silence_days=silence_limit(hub))
    if args.json:
        print(json.dumps({"date": on.isoformat(), "township": hub.name, "villages": [r.as_dict() for r in rows]},
                         ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(_("还没有登记任何村。用 cunwu hub enroll 村身份文件 登记。"))
        return 0
    print(_("{township} 各村情况(截至 {date},共 {n} 个村;{quarter})").format(
        township=hub.name, date=on.isoformat(), n=len(rows), quarter=rows[0].quarter_label))
    print(_table(status_table(rows)))
    return 0


def hub_show(hub: Any, args: argparse.Namespace) -> int:
    from app.hub.status import StatusError, silence_limit, village_detail

    try:
        on = _date(args.date)
        d = village_detail(hub, args.village, on, silence_days=silence_limit(hub))
    except (_BadInput, StatusError) as exc:
        return _refuse(str(exc))
    if args.json:
        print(json.dumps({"date": on.isoformat(), **d.as_dict()}, ensure_ascii=False, indent=2))
        return 0
    s = d.status
    print(_("{name}(村代码 {code})截至 {date}").format(name=s.name, code=s.code, date=on.isoformat()))
    print(_("  登记日期:{d}    程序版本:{v}").format(d=s.enrolled, v=s.version or _("未知")))
    print(_("  上次同步:{when}").format(when=s.last_sync or _("从未同步")) + (
        _("({n} 天前)").format(n=s.days_since) if s.days_since is not None else ""))
    print(_("  等待前面同步包的:{p} 个    上次导入后被拒收的:{r} 个").format(p=s.pending, r=s.refused))
    print(_("  村务公开:已逾期 {o} 项,待公开 {d} 项,今年逾期后公开 {l} 项").format(o=s.overdue, d=s.due, l=s.late))
    print(_("  {q}村民代表会议:{held}").format(q=s.quarter_label, held=_meeting_word(s.quarter_meeting)))
    print(_("  四议两公开:进行中 {n} 件,其中 30 天没有进展 {k} 件").format(n=s.matters_open, k=s.matters_stalled))
    print(_("  本月证明:开具 {i} 份,作废 {v} 份,拒开 {r} 次").format(i=s.certs_issued, v=s.certs_voided,
                                                                r=s.certs_refused))
    print(_("  提醒:{a}").format(a="、".join(s.alerts) or _("无")))
    sections: list[tuple[str, list[list[str]]]] = []
    state_words = {"overdue": _("已逾期"), "due": _("待公开"), "late": _("逾期后公开")}
    lines = [[_("状态"), _("事项"), _("期间"), _("截止"), _("公开日期"), _("目录版本")]]
    for row in d.overdue + d.due + d.late:
        lines.append([state_words[row.state], row.item_name, row.period_label, row.deadline, row.posted_on or "—",
                      row.catalogue])
    sections.append((_("村务公开"), lines))
    lines = [[_("日期"), _("会议"), _("名称"), _("人数"), _("状态")]]
    for m in d.meetings:
        quorum = {True: _("到会人数符合规定"), False: _("到会人数不足"), None: "—"}[m.quorate]
        lines.append([m.date, m.kind_label, m.title, quorum, _("已定稿") if m.state == "closed" else _("未结束")])
    sections.append((_("会议"), lines))
    lines = [[_("事项"), _("到了哪一步"), _("状态"), _("最后进展"), _("停滞")]]
    for x in d.matters:
        lines.append([x.subject, x.step_label or _("尚未开始"), x.state_label, x.last_step_on,
                      _("是") if x.stalled else ""])
    sections.append((_("四议两公开"), lines))
    lines = [[_("日期"), _("编号"), _("证明"), _("状态")]]
    for c in d.certificates:
        lines.append([c.day, c.serial, c.kind_label, _("已作废") if c.voided else _("有效")])
    sections.append((_("证明"), lines))
    lines = [[_("日期"), _("要开的证明")]]
    for c in d.refusals:
        lines.append([c.day, c.kind_label])
    sections.append((_("拒开证明"), lines))
    lines = [[_("村民小组"), _("人数")]] + [[g, str(n)] for g, n in d.residents_by_group.items()]
    sections.append((_("村民人数"), lines))
    lines = [[_("编号"), _("标题"), _("公开期")]]
    for _rid, number, title, start, end in d.notices:
        lines.append([number, title, f"{start}—{end}"])
    sections.append((_("已张贴的公告"), lines))
    if d.alerts:
        lines = [[_("时间"), _("情况")]] + [[a["day"][:16].replace("T", " "), a["text"]] for a in d.alerts]
        sections.append((_("拒收记录"), lines))
    for title, table in sections:
        print()
        print(_("【{title}】").format(title=title))
        print(_table(table) if len(table) > 1 else _("  (无)"))
    return 0


def hub_rebuild(hub: Any, args: argparse.Namespace) -> int:
    from app.hub.projections import rebuild_projections

    n = rebuild_projections(hub)
    print(_("已按收到的记录重新生成统计表(有记录的村 {n} 个)。").format(n=n))
    return 0


COMMANDS = {"status": hub_status, "show": hub_show, "rebuild-projections": hub_rebuild}
