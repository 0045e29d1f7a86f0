"""``cunwu meeting ...``: the list of meetings, printing minutes and sheets, the rules, 四议两公开 (docs/meetings.md)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import Any

from app.cli import CliError, pdf_output, village_store
from app.errors import UserError
from app.i18n import _


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("meeting", help=_("会议记录与四议两公开"))
    ms = s.add_subparsers(dest="meeting_command", required=True, metavar="ACTION")

    a = ms.add_parser("list", help=_("列出会议"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))
    a.add_argument("--kind", default="", help=_("会议类型,如 村民代表会议"))
    a.add_argument("--year", type=int, help=_("年份,如 2026"))
    a.add_argument("--search", default="", help=_("查找会议记录中的文字"))

    for name, text in (("print", _("把会议记录打印成 PDF")), ("signin-sheet", _("打印签到表(按村民小组分组,留签名栏)")),
                       ("tally", _("打印计票单"))):
        a = ms.add_parser(name, help=text)
        a.add_argument("id", type=int, metavar="ID")
        a.add_argument("-o", "--output", required=True, metavar="FILE.pdf")

    a = ms.add_parser("evaluate", help=_("按法定规则判断会议是否有效、表决是否通过"))
    a.add_argument("kind", metavar="KIND", help=_("会议类型,如 村民会议、党员大会"))
    a.add_argument("--members", type=int, required=True,
                   help=_("应到人数(党员大会:有表决权的党员,不含预备党员)"))
    a.add_argument("--present", type=int, required=True, help=_("实到人数"))
    a.add_argument("--for", dest="votes_for", type=int, default=0, help=_("赞成票"))
    a.add_argument("--against", type=int, default=0, help=_("反对票"))
    a.add_argument("--abstain", type=int, default=0, help=_("弃权票"))
    a.add_argument("--households", type=int, help=_("总户数(按户计算到会时)"))
    a.add_argument("--households-present", type=int, help=_("到会户数"))
    a.add_argument("--special", default=None, metavar="CODE",
                   help=_("法律另有规定的表决事项代码,如 TDCB-52(见 cunwu meeting specials);不填为一般事项"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    a = ms.add_parser("specials", help=_("列出法律另有规定表决比例的事项(特别多数)"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    a = ms.add_parser("probation", help=_("列出一年预备期 30 天内届满或已满的预备党员(转正须经党员大会讨论)"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    a = ms.add_parser("matters", help=_("列出四议两公开事项及其进度"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))


def cmd_list(args: argparse.Namespace) -> int:
    from app.meetings.kinds import UnknownKind, parse_kind
    from app.meetings.service import MeetingQuery, list_meetings

    try:
        kind = parse_kind(args.kind).value if args.kind else ""
    except UnknownKind as exc:
        raise CliError(str(exc)) from exc
    store = village_store(args)
    with store.read() as s:
        rows = list_meetings(s, MeetingQuery(text=args.search, kind=kind, year=args.year))
    if args.json:
        print(json.dumps([{"id": m.id, "date": m.date.isoformat(), "kind": m.kind, "title": m.title, "state": m.state,
                           "members": m.members, "present": m.present, "quorate": m.quorate, "motions": m.motions,
                           "passed": m.passed} for m in rows], ensure_ascii=False, indent=1))
        return 0
    q = MeetingQuery(text=args.search)
    if q.also_searched:
        from app.searchtext import also_line

        print(also_line(q.also_searched))  # 同时查找了“最低生活保障”
    if not rows:
        print(_("没有符合条件的会议。"))
        return 0
    for m in rows:
        print(_("{id:>5}  {date}  {kind}  {title}  应到 {members} 实到 {present}  {valid}  通过 {passed}/{motions}  {state}").format(
            id=m.id, date=m.date.isoformat(), kind=m.kind, title=m.title, members=m.members, present=m.present,
            valid=_("有效") if m.quorate else _("不足法定人数"), passed=m.passed, motions=m.motions,
            state=m.state_text))
    print(_("共 {n} 次会议").format(n=len(rows)))
    return 0


def _print(args: argparse.Namespace, build: str, render: str, done: str) -> int:
    from app.meetings import printing, printouts

    out = pdf_output(args.output, _("文件名要以 .pdf 结尾,例如 会议记录.pdf"))
    store = village_store(args)
    try:
        with store.read() as s:
            # the minutes say which proxies count, by the village's rule (settings.json)
            extra = {"data_dir": store.data_dir} if build == "minutes_view" else {}
            view = getattr(printouts, build)(s, args.id, **extra)
        pages = getattr(printing, render)(view, out)
    except UserError as exc:
        raise CliError(str(exc)) from exc
    if build == "minutes_view" and not view.closed:
        print(_("注意:这次会议的记录还没有定稿,打印出来带有“未定稿”字样。"))
    print(done.format(pages=pages, path=out))
    return 0


def cmd_print(args: argparse.Namespace) -> int:
    return _print(args, "minutes_view", "render_minutes", _("已打印会议记录 {pages} 页:{path}"))


def cmd_signin(args: argparse.Namespace) -> int:
    return _print(args, "signin_view", "render_signin_sheet", _("已打印签到表 {pages} 页:{path}"))


def cmd_tally(args: argparse.Namespace) -> int:
    return _print(args, "tally_view", "render_tally_sheet", _("已打印计票单 {pages} 页:{path}"))


def cmd_evaluate(args: argparse.Namespace) -> int:
    """Print the verdict (exit 0 whether or not the motion passes); impossible numbers, an unknown kind or
    special code exit 1 with the reason. ``--json`` prints one object for scripts."""
    from app.meetings.kinds import parse_kind
    from app.meetings.rules import evaluate

    try:
        verdict = evaluate(args.kind, members=args.members, present=args.present, votes_for=args.votes_for,
                           votes_against=args.against, abstentions=args.abstain, households=args.households,
                           households_represented=args.households_present, special=args.special)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        citations = [verdict.citation] + ([verdict.special_citation] if verdict.special_citation else [])
        print(json.dumps({"kind": parse_kind(args.kind).value, "quorate": verdict.quorate, "passed": verdict.passed,
                          "reason": verdict.reason, "special": verdict.special or None,
                          "members": args.members, "present": args.present, "votes_for": args.votes_for,
                          "votes_against": args.against, "abstentions": args.abstain,
                          "quorum_needed": verdict.quorum_needed, "households_needed": verdict.households_needed,
                          "votes_needed": verdict.votes_needed, "quorum_citation": verdict.citation,
                          "special_citation": verdict.special_citation or None, "citation": ";".join(citations)},
                         ensure_ascii=False, indent=1))
        return 0
    print(verdict.reason)
    return 0


def cmd_specials(args: argparse.Namespace) -> int:
    """The decisions whose statute sets its own threshold (app.meetings.specials), for clerks and scripts."""
    from app.meetings.specials import catalogue

    rows = catalogue()
    if args.json:
        print(json.dumps([{"code": s.code, "name": s.name, "rule": s.rule_text, "statute": s.statute,
                           "article": s.article, "citation": s.citation, "text": s.quoted,
                           "kinds": [k.value for k in s.kinds],
                           "threshold": {"num": s.threshold.num, "den": s.threshold.den,
                                         "inclusive": s.threshold.inclusive, "base": "members",
                                         "label": s.threshold.label}} for s in rows],
                         ensure_ascii=False, indent=1))
        return 0
    for s in rows:
        print("{code}  {name}".format(code=s.code, name=s.name))
        print(_("    规则:{rule}").format(rule=s.rule_text))
        print(_("    依据:{citation}(可由{kinds}决定)").format(citation=s.citation,
                                                          kinds="、".join(k.value for k in s.kinds)))
    print(_("共 {n} 项。表决时用 --special 代码,例如:cunwu meeting evaluate 村民会议 --members 300 --present 200 "
            "--for 200 --special {code}").format(n=len(rows), code=rows[0].code if rows else "CODE"))
    return 0


def cmd_probation(args: argparse.Namespace) -> int:
    """Probationary party members whose year ends within 30 days or has ended (《中国共产党章程》第七条)."""
    from app.people.service import probations_due

    store = village_store(args)
    with store.read() as s:
        rows = probations_due(s)
    if args.json:
        print(json.dumps([{"resident_id": p.resident_id, "name": p.name, "group": p.group_name,
                           "since": p.since.isoformat(), "ends": p.ends.isoformat(), "days_left": p.days_left,
                           "ended": p.ended} for p in rows], ensure_ascii=False, indent=1))
        return 0
    for p in rows:
        state = _("已满") if p.ended else _("还剩 {n} 天").format(n=p.days_left)
        print(_("{name}  {group}  预备期 {since} 至 {ends}({state})").format(
            name=p.name, group=p.group_name or "-", since=p.since.isoformat(), ends=p.ends.isoformat(), state=state))
    print(_("共 {n} 人。转为正式党员须经党员大会讨论通过(《中国共产党章程》第七条)。").format(n=len(rows)))
    return 0


def cmd_matters(args: argparse.Namespace) -> int:
    from app.meetings.matters import list_matters

    store = village_store(args)
    with store.read() as s:
        rows = list_matters(s)
    if args.json:
        print(json.dumps([{"id": m.id, "subject": m.subject, "category": m.category, "state": m.state,
                           "round": m.round, "next_step": m.next_step,
                           "steps": [{"step": st.step, "round": st.round, "meeting_id": st.meeting_id,
                                      "date": st.date.isoformat(), "passed": st.passed, "outcome": st.outcome}
                                     for st in m.steps],
                           "resolution_notice_id": m.resolution_notice_id, "result_notice_id": m.result_notice_id,
                           "authorisation_motion_id": m.authorised_by.motion_id if m.authorised_by else None,
                           "authorisation": m.authorisation_text,
                           "filed_on": m.filed_on.isoformat() if m.filed_on else None,
                           "filing_reference": m.filing_reference}
                          for m in rows], ensure_ascii=False, indent=1))
        return 0
    if not rows:
        print(_("还没有四议两公开事项。"))
        return 0
    for m in rows:
        print("{id:>4}  {state:<8} {subject}  —  {waiting}".format(id=m.id, state=m.state_text, subject=m.subject,
                                                                  waiting=m.waiting))
    print(_("共 {n} 项").format(n=len(rows)))
    return 0


def cmd_meeting(args: argparse.Namespace) -> int:
    return {"list": cmd_list, "print": cmd_print, "signin-sheet": cmd_signin, "tally": cmd_tally,
            "evaluate": cmd_evaluate, "specials": cmd_specials, "matters": cmd_matters,
            "probation": cmd_probation}[args.meeting_command](args)


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"meeting": cmd_meeting}
