"""``cunwu disclosure ...``: the disclosure calendar, the list of notices, printing (docs/disclosure.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from collections.abc import Callable
from typing import Any

from app.cli import CliError, pdf_output, village_store
from app.errors import UserError
from app.i18n import _


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("disclosure", help=_("村务公开"))
    ds = s.add_subparsers(dest="disclosure_command", required=True, metavar="ACTION")

    a = ds.add_parser("due", help=_("列出待公开和已逾期的公开事项(含四议两公开的决议和实施结果)"))
    a.add_argument("--date", metavar="YYYY-MM-DD", help=_("按这一天计算(默认今天)"))

    a = ds.add_parser("list", help=_("列出公开事项"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    a.add_argument("--category", choices=["党务", "村务", "财务"])
    a.add_argument("--state", help=_("状态:draft, submitted, returned, reviewed, approved, posted, archived"))
    a.add_argument("--period", default="", help=_("期间,如 2026 或 2026-10 或 2026-Q3"))
    a.add_argument("--search", default="", help=_("查找标题、正文、表格和附件名中的文字"))

    a = ds.add_parser("print", help=_("把公开事项打印成 PDF(公开栏用)"))
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    a.add_argument("--paper", choices=["a4", "a3"], default="a4", help=_("纸张:a4 或 a3"))
    a.add_argument("--landscape", action="store_true", help=_("横向打印"))

    a = ds.add_parser("reviewers", help=_("列出某一天在任的村务监督委员会成员(只有他们可以审核公开事项)"))
    a.add_argument("--date", metavar="YYYY-MM-DD", help=_("审核日期(默认今天)"))

    a = ds.add_parser("feedback", help=_("把一份公开事项的村民意见和答复打印成 PDF"))
    a.add_argument("id", type=int, metavar="ID")
    a.add_argument("-o", "--output", required=True, metavar="FILE.pdf")


def _date(value: str | None) -> dt.date:
    if not value:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CliError(_("日期“{value}”看不懂,请写成 2026-11-05 这样。").format(value=value)) from None


def cmd_due(args: argparse.Namespace) -> int:
    from app.disclosure.calendar import format_due
    from app.disclosure.catalogue import village_catalogue
    from app.meetings.matters import disclosure_due

    on = _date(args.date)
    store = village_store(args)
    try:
        with store.read() as s:
            # the catalogue's periods, each as the version in force at its end asks for it, and the
            # 四议两公开 matters' resolutions and results
            entries = disclosure_due(s, store.data_dir, on)
        current = village_catalogue(store.data_dir, on).version
    except UserError as exc:
        raise CliError(str(exc)) from exc
    if not entries:
        print(_("截至 {date},没有待公开或已逾期的事项。").format(date=on.isoformat()))
        return 0
    print(_("截至 {date},待公开 {due} 项,已逾期 {overdue} 项:").format(
        date=on.isoformat(), due=sum(e.state == "due" for e in entries),
        overdue=sum(e.state == "overdue" for e in entries)))
    for line in format_due(entries, current):
        print(line)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.disclosure.models import STATES
    from app.disclosure.service import NoticeQuery, list_notices

    if args.state and args.state not in (*STATES, "published"):
        raise CliError(_("状态“{state}”不对,可用的有:{states}").format(state=args.state, states=", ".join(STATES)))
    store = village_store(args)
    with store.read() as s:
        rows = list_notices(s, NoticeQuery(text=args.search, category=args.category or "", state=args.state or "",
                                           period=args.period))
    if args.json:
        print(json.dumps([{"id": n.id, "number": n.number, "title": n.title, "category": n.category,
                           "period": n.period_label or n.period_key, "period_key": n.period_key, "state": n.state,
                           "posted_from": n.posted_from.isoformat() if n.posted_from else None,
                           "posted_until": n.posted_until.isoformat() if n.posted_until else None,
                           "corrects": n.corrects_id} for n in rows], ensure_ascii=False, indent=1))
        return 0
    q = NoticeQuery(text=args.search)
    if q.also_searched:
        from app.searchtext import also_line

        print(also_line(q.also_searched))  # 同时查找了“最低生活保障”
    if not rows:
        print(_("没有符合条件的公开事项。"))
        return 0
    for n in rows:
        print("{id:>5}  {number:<9} {state:<6} {category}  {period:<12} {title}".format(
            id=n.id, number=n.number or "-", state=n.state_text, category=n.category,
            period=n.period_label or n.period_key or "-", title=n.title))
    print(_("共 {n} 份").format(n=len(rows)))
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    from app.disclosure.printing import render_notice
    from app.disclosure.service import notice_view

    out = pdf_output(args.output, _("文件名要以 .pdf 结尾,例如 公告.pdf"))
    store = village_store(args)
    try:
        with store.read() as s:
            view = notice_view(s, args.id)
        pages = render_notice(view, out, paper=args.paper, landscape=args.landscape)
    except UserError as exc:
        raise CliError(str(getattr(exc, "message", "") or exc)) from exc
    if view.draft:
        print(_("注意:这份还没有张贴,打印出来带有“草稿”字样。"))
    print(_("已打印 {pages} 页:{path}").format(pages=pages, path=out))
    return 0


def cmd_feedback(args: argparse.Namespace) -> int:
    from app.disclosure.printing import render_feedback_list
    from app.disclosure.service import feedback_rows, get_notice
    from app.people.service import get_village

    out = pdf_output(args.output, _("文件名要以 .pdf 结尾,例如 公告.pdf"))
    store = village_store(args)
    try:
        with store.read() as s:
            notice = get_notice(s, args.id)
            village = get_village(s)
        render_feedback_list(village.name if village else "", notice.number or _("草稿"), notice.title,
                             feedback_rows(notice), out)
    except UserError as exc:
        raise CliError(str(getattr(exc, "message", "") or exc)) from exc
    print(_("已打印 {n} 条村民意见:{path}").format(n=len(notice.feedback), path=out))
    return 0


def cmd_reviewers(args: argparse.Namespace) -> int:
    """Who may review a notice on a day: the supervision committee in force (app/people/roles.py)."""
    from app.people.roles import members_on

    on = _date(args.date)
    store = village_store(args)
    with store.read() as s:
        members = members_on(s, on)
    if not members:
        print(_("{date} 没有登记在任的村务监督委员会成员,不能记录审核。请先登记村务监督委员会成员和任期"
                "(桌面程序“村务公开”的记录审核窗口里点“登记监委会成员…”)。").format(date=on.isoformat()))
        return 1
    print(_("{date} 在任的村务监督委员会成员(可以审核公开事项):").format(date=on.isoformat()))
    for m in members:
        print(_("{name}  {title}  任期 {start} 至 {end}").format(
            name=m.name, title=m.title, start=m.term_start.isoformat() if m.term_start else _("(未填)"),
            end=m.term_end.isoformat() if m.term_end else _("今后")))
    return 0


def cmd_disclosure(args: argparse.Namespace) -> int:
    return {"due": cmd_due, "list": cmd_list, "print": cmd_print, "reviewers": cmd_reviewers,
            "feedback": cmd_feedback}[args.disclosure_command](args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"disclosure": cmd_disclosure}
