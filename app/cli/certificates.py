"""``cunwu cert ...``: certificates (出具证明), their register and offline verification (docs/certificates.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import CliError, pdf_output, village_store
from app.errors import UserError
from app.i18n import _


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("cert", help=_("出具证明"))
    cs = s.add_subparsers(dest="cert_command", required=True, metavar="ACTION")

    a = cs.add_parser("catalogue", help=_("显示可出具的证明清单和不应出具的证明清单"))
    a.add_argument("--json", action="store_true", help=_("以 JSON 输出"))

    a = cs.add_parser("issue", help=_("开具证明(限时办结的证明先受理)"))
    a.add_argument("--kind", required=True, help=_("证明种类:编号(如 SD-01)或准确的中文名称"))
    a.add_argument("--resident", metavar="ID_NUMBER", help=_("申请人的身份证号(须在村民名册里)"))
    a.add_argument("--applicant-name", help=_("非本村村民的姓名(仅限允许的证明种类)"))
    a.add_argument("--applicant-id", default="", help=_("非本村村民的身份证号"))
    a.add_argument("--purpose", required=True, help=_("用途"))
    a.add_argument("--field", action="append", default=[], metavar="NAME=VALUE", help=_("填写项,可重复"))
    a.add_argument("-o", "--output", metavar="FILE.pdf", help=_("证明写到这个 PDF 文件"))
    _add_check_args(a)
    _add_user_arg(a)

    a = cs.add_parser("pending", help=_("列出待办(限时办结)的证明"))

    a = cs.add_parser("complete", help=_("办结一件待办的证明:核实、审批、编号并打印"))
    a.add_argument("id", type=int, metavar="ID", help=_("受理号"))
    a.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    _add_check_args(a)
    _add_user_arg(a)

    a = cs.add_parser("cancel", help=_("撤销一件待办的证明(不占用编号)"))
    a.add_argument("id", type=int, metavar="ID", help=_("受理号"))
    a.add_argument("--reason", required=True, help=_("撤销原因"))
    _add_user_arg(a)

    a = cs.add_parser("void", help=_("作废一份证明(编号保留,台账标明已作废)"))
    a.add_argument("serial", metavar="SERIAL")
    a.add_argument("--reason", required=True, help=_("作废原因"))
    _add_user_arg(a)

    a = cs.add_parser("reprint", help=_("补打一份证明"))
    a.add_argument("serial", metavar="SERIAL")
    a.add_argument("-o", "--output", required=True, metavar="FILE.pdf")
    _add_user_arg(a)

    a = cs.add_parser("register", help=_("导出证明台账(.xlsx)或打印成表格(.pdf)"))
    a.add_argument("--year", type=int)
    a.add_argument("--kind", default="", help=_("只要这一种证明"))
    a.add_argument("--state", choices=["issued", "pending", "voided"])
    a.add_argument("--applicant", default="", help=_("申请人姓名或身份证号的一部分"))
    a.add_argument("-o", "--output", required=True, metavar="FILE.xlsx")

    a = cs.add_parser("serial-start", help=_("设定某种证明某年的起始编号(接续纸质台账)"))
    a.add_argument("--kind", required=True)
    a.add_argument("--year", type=int, required=True)
    a.add_argument("--start", type=int, required=True)

    a = cs.add_parser("verify", help=_("核验证明:二维码内容,或证明左下角的六位核验码"))
    a.add_argument("text", metavar="TEXT", help=_("扫描二维码得到的文字,或证明上印的六位核验码"))


def _add_check_args(a: argparse.ArgumentParser) -> None:
    a.add_argument("--verifier", help=_("核实人(默认是 --user 给出的用户)"))
    a.add_argument("--checked", default="", help=_("核实了什么(默认取清单里的核实内容)"))
    a.add_argument("--document", default="", help=_("核实依据的材料(默认取清单里的第一项材料)"))
    a.add_argument("--approver", help=_("审批人(默认是村民名册职务里的村民委员会主任)"))
    a.add_argument("--approver-role", default="主任", help=_("审批人职务:主任,或受委托的副主任、书记、委员"))


# ---------------------------------------------------------------- helpers


def _catalogues(data_dir: Path):  # type: ignore[no-untyped-def]
    from app.certificates.catalogue import CatalogueError, load_catalogues

    try:
        return load_catalogues(data_dir)
    except CatalogueError as exc:
        raise CliError(str(exc)) from exc


def _add_user_arg(a: argparse.ArgumentParser) -> None:
    a.add_argument("--user", metavar="NAME",
                   help=_("做这件事的本程序用户(cunwu user add 添加的用户名):记为操作人,也是默认的核实人"))


def _user(args: argparse.Namespace, store: Any) -> str:
    """The program's user named by --user ('' when none is given); CliError for a name that is no user."""
    from app.accounts.service import list_users, name_key

    given = (getattr(args, "user", None) or "").strip()
    if not given:
        return ""
    with store.read() as s:
        users = list_users(s)
    if not users:  # no accounts on this computer yet: the name stands as given
        return given
    match = next((u.name for u in users if name_key(u.name) == name_key(given)), None)
    if match is None:
        raise CliError(_("没有名为“{name}”的用户。本机的用户:{names}。").format(
            name=given, names="、".join(u.name for u in users)))
    return match


def _actor(args: argparse.Namespace, store: Any) -> str:
    """Who the event log records: the --user given, or the command line."""
    return _user(args, store) or "cli"


def _verifier(args: argparse.Namespace, store: Any) -> str:
    """The 核实人: --verifier, else the --user given; never the computer's login name, which names an
    account, not the person who checked the facts."""
    if getattr(args, "verifier", None):
        return str(args.verifier)
    user = _user(args, store)
    if user:
        return user
    raise CliError(_("请写明核实人:用 --verifier 姓名,或用 --user 用户名(默认核实人就是这个用户)。"))


def _message(exc: BaseException) -> str:
    return str(getattr(exc, "message", "") or exc)


def _fields(pairs: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise CliError(_("填写项“{pair}”的格式应为 名称=内容,例如 --field address=第一村民小组12号").format(pair=pair))
        out[name.strip()] = value
    return out


def _check_and_approval(args: argparse.Namespace, store, on: dt.date):  # type: ignore[no-untyped-def]
    from app.certificates.service import Approval, CheckRecord, default_approver

    check = CheckRecord(_verifier(args, store), args.checked, args.document)
    if args.approver:
        return check, Approval(args.approver, args.approver_role)
    with store.read() as s:
        approval = default_approver(s, on)
    if approval is None:
        raise CliError(_("村民名册的职务里没有登记在任的村民委员会主任。请用 --approver 姓名 指明审批人。"))
    return check, approval


def _print_in(store: Any, out: Path, work: Callable[[Any], Any], actor: str = "cli") -> Any:
    """Run ``work(session)`` and print the certificate it returns to ``out`` (see print_after_commit)."""
    from app.certificates.printing import print_after_commit

    try:
        return print_after_commit(store, actor, work, lambda _view: out)[0]
    except UserError as exc:
        raise CliError(_message(exc)) from exc


# ---------------------------------------------------------------- commands


def cmd_cert(args: argparse.Namespace) -> int:
    return CERT_COMMANDS[args.cert_command](args)


def _catalogue(args: argparse.Namespace) -> int:
    from app.certificates.catalogue import CATALOGUE_DIR
    from app.cli import _data_dir

    data_dir = _data_dir(args)
    cats = _catalogues(data_dir)
    today = dt.date.today()
    approved, national, provincial = cats.approved_on(today), cats.negative_on(today), cats.provincial_on(today)
    if args.json:
        print(json.dumps({"date": today.isoformat(), "approved": approved.to_json() if approved else None,
                          "negative": national.to_json() if national else None,
                          "provincial": provincial.to_json() if provincial else None},
                         ensure_ascii=False, indent=2))
        return 0
    if approved is None:
        print(_("现在没有生效的可出具证明清单。"))
    else:
        print(_("可以出具的证明(版本 {version},{date} 起施行,{region})").format(
            version=approved.version, date=approved.effective.isoformat(), region=approved.region))
        if approved.example:
            print("  " + (approved.note or _("示例目录,须替换为本省公布的清单")))
        for k in approved.items:
            mode = _("当场办结") if k.on_the_spot else _("{days}个{unit}内办结").format(
                days=k.days, unit=_("工作日") if k.working_days else _("日"))
            print(f"  {k.code}  {k.name}  [{mode}]")
            print("      " + _("用途:{text}").format(text=k.purpose))
            print("      " + _("依据:{text}").format(text=k.legal_basis))
            print("      " + _("材料:{text}").format(text="、".join(k.materials)))
    print()
    print(_("不应由村(居)民委员会出具的证明"))
    print()
    if national is None:
        print(_("全国清单:现在没有生效的。"))
    else:
        print(_("一、全国清单(共 {n} 项,版本 {version},{date} 起施行)").format(
            n=len(national.items), version=national.version, date=national.effective.isoformat()))
        _print_refused(national)
    print()
    if provincial is None:
        print(_("二、本省增补清单:没有。省里公布了全国清单以外的项目的,把乡镇发来的文件放进 {dir}。").format(
            dir=data_dir / CATALOGUE_DIR))
    else:
        print(_("二、本省增补清单({region},共 {n} 项,版本 {version},{date} 起施行)").format(
            region=provincial.region, n=len(provincial.items), version=provincial.version,
            date=provincial.effective.isoformat()))
        _print_refused(provincial)
    return 0


def _print_refused(lst: Any) -> None:
    """One list of what must not be issued: where it comes from, then each item and where to go."""
    if lst.document is not None:
        print("  " + _("文件:{citation}").format(citation=lst.document.citation()))
        print("  " + _("清单:{name}").format(name=lst.list_name()))
    if lst.note:
        print("  " + lst.note)
    for n, item in enumerate(lst.items, start=1):
        print("  {no:>2}. {label}".format(no=item.no or n, label=item.label))
        print("      " + _("请到:{authority}").format(authority=item.authority))


def _refusal_text(requested: str, reason_code: str, reason: str, authority: str) -> str:
    from app.certificates.catalogue import authority_label

    lines = [_("不能开具:{name}").format(name=requested.strip()), _("原因:{reason}").format(reason=reason)]
    if authority:
        lines.append(_("{label}:{text}").format(label=authority_label(reason_code), text=authority))
    lines.append(_("已记录这次拒绝。"))
    return "\n".join(lines)


def _issue(args: argparse.Namespace) -> int:
    from app.certificates.service import (Applicant, IssueRequest, find_resident_by_id_number, issue_certificate,
                                          print_certificate)
    from app.keys import ensure_village_key

    store = village_store(args)
    cats = _catalogues(store.data_dir)
    today = dt.date.today()
    decision = cats.decide(args.kind, today)
    kind = decision.kind if decision.allowed else None  # a refused kind needs no file: it is only recorded
    out = pdf_output(args.output, _("证明文件名要以 .pdf 结尾,例如 证明.pdf")) if args.output else None
    if kind is not None and kind.on_the_spot and out is None:
        raise CliError(_("“{kind}”当场开具,请用 -o 文件名.pdf 指定证明写到哪里。").format(kind=kind.name))
    if args.resident and args.applicant_name:
        raise CliError(_("--resident 和 --applicant-name 只能用一个。"))
    try:
        with store.read() as s:
            rid = find_resident_by_id_number(s, args.resident) if args.resident else None
    except UserError as exc:
        raise CliError(_message(exc)) from exc
    applicant = Applicant(args.applicant_name, args.applicant_id) if args.applicant_name else None
    check, approval = _check_and_approval(args, store, today) if kind is not None and kind.on_the_spot else (None, None)
    request = IssueRequest(kind=args.kind, purpose=args.purpose, resident_id=rid, applicant=applicant,
                           fields=_fields(args.field), check=check, approval=approval)
    key = ensure_village_key(store.data_dir)
    who = _actor(args, store)

    def work(s):  # type: ignore[no-untyped-def]
        outcome = issue_certificate(s, request, catalogues=cats, signer=key, today=today)
        view = None
        if outcome.status == "issued" and outcome.certificate and outcome.certificate.serial:
            view = print_certificate(s, outcome.certificate.serial, who=who)
        return outcome, view

    outcome = _print_in(store, out or Path("."), work, who)
    if outcome.status == "refused":
        r = outcome.refusal
        print(_refusal_text(r.requested, r.reason_code, r.reason, r.authority), file=sys.stderr)
        return 1
    c = outcome.certificate
    if outcome.status == "pending":
        print(_("已受理:{kind},申请人 {name},受理号 {id},应在 {due} 前办结。").format(
            kind=c.kind_name, name=c.applicant_name, id=c.id, due=c.due_date.isoformat()))
        print(_("核实后运行 cunwu cert complete {id} -o 文件名.pdf 开具。").format(id=c.id))
        return 0
    print(_("已开具:{kind},编号 {serial},核验码 {code}").format(kind=c.kind_name, serial=c.serial, code=c.check_code))
    print(_("已写入 {path}").format(path=out))
    print(c.qr_payload)
    return 0


def _pending(args: argparse.Namespace) -> int:
    from app.certificates.service import list_pending

    store = village_store(args)
    with store.read() as s:
        rows = list_pending(s)
    if not rows:
        print(_("没有待办的证明。"))
        return 0
    print(_("受理号\t证明种类\t申请人\t受理日期\t应办结日期\t剩余天数"))
    for p in rows:
        left = _("已超期 {n} 天").format(n=-p.days_left) if p.overdue else str(p.days_left)
        print(f"{p.id}\t{p.kind_name}\t{p.applicant_name}\t{p.applied_on}\t{p.due_date}\t{left}")
    return 0


def _complete(args: argparse.Namespace) -> int:
    from app.certificates.service import complete_pending, print_certificate
    from app.keys import ensure_village_key

    store = village_store(args)
    cats = _catalogues(store.data_dir)
    out = pdf_output(args.output, _("证明文件名要以 .pdf 结尾,例如 证明.pdf"))
    today = dt.date.today()
    check, approval = _check_and_approval(args, store, today)
    key = ensure_village_key(store.data_dir)
    who = _actor(args, store)

    def work(s):  # type: ignore[no-untyped-def]
        c = complete_pending(s, args.id, check=check, approval=approval, catalogues=cats, signer=key, today=today)
        return c, print_certificate(s, c.serial, who=who)

    c = _print_in(store, out, work, who)
    print(_("已开具:{kind},编号 {serial},核验码 {code}").format(kind=c.kind_name, serial=c.serial, code=c.check_code))
    print(_("已写入 {path}").format(path=out))
    print(c.qr_payload)
    return 0


def _cancel(args: argparse.Namespace) -> int:
    from app.certificates.service import cancel_pending

    store = village_store(args)
    try:
        with store.begin(_actor(args, store)) as s:
            c = cancel_pending(s, args.id, args.reason)
    except UserError as exc:
        raise CliError(_message(exc)) from exc
    print(_("已撤销受理号 {id}({kind},{name}),没有占用编号。").format(id=c.id, kind=c.kind_name, name=c.applicant_name))
    return 0


def _void(args: argparse.Namespace) -> int:
    from app.certificates.service import void_certificate

    store = village_store(args)
    try:
        with store.begin(_actor(args, store)) as s:
            c = void_certificate(s, args.serial, args.reason)
    except UserError as exc:
        raise CliError(_message(exc)) from exc
    print(_("已作废 {serial}。编号保留不再使用,台账里标明已作废。").format(serial=c.serial))
    return 0


def _reprint(args: argparse.Namespace) -> int:
    from app.certificates.service import print_certificate

    store = village_store(args)
    out = pdf_output(args.output, _("证明文件名要以 .pdf 结尾,例如 证明.pdf"))
    who = _actor(args, store)

    def work(s):  # type: ignore[no-untyped-def]
        view = print_certificate(s, args.serial, who=who)
        return view, view

    view = _print_in(store, out, work, who)
    if view.reprint:
        print(_("已补打 {serial}(第 {n} 次打印),写入 {path}").format(serial=view.serial, n=view.print_count, path=out))
    else:
        print(_("已打印 {serial},写入 {path}").format(serial=view.serial, path=out))
    return 0


def _register(args: argparse.Namespace) -> int:
    from app.certificates.register import RegisterQuery, export_register, print_rows

    store = village_store(args)
    out = Path(args.output).expanduser()
    q = RegisterQuery(kind=args.kind, year=args.year, applicant=args.applicant, state=args.state or "")
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise CliError(_("台账文件名要以 .xlsx(导出 Excel)或 .pdf(打印表格)结尾,例如 证明台账.xlsx"))
    with store.read() as s:
        if suffix == ".xlsx":
            n = export_register(s, out, q)
        else:
            from app.certificates.printing import render_register

            title, rows, columns = print_rows(s, q)
            try:
                render_register(out, title, rows, columns)
            except UserError as exc:
                raise CliError(_message(exc)) from exc
            n = len(rows)
    print(_("已导出 {n} 条证明记录到 {path}").format(n=n, path=out))
    return 0


def _serial_start(args: argparse.Namespace) -> int:
    from app.certificates.serials import set_start

    store = village_store(args)
    cats = _catalogues(store.data_dir)
    kind = cats.find_approved(args.kind, dt.date.today())
    if kind is None:
        raise CliError(_("现行清单里没有“{kind}”这种证明。").format(kind=args.kind))
    try:
        with store.begin("cli") as s:
            set_start(s, kind_code=kind.code, short=kind.short, year=args.year, start=args.start)
    except UserError as exc:
        raise CliError(_message(exc)) from exc
    from app.certificates.serials import format_serial

    print(_("{year} 年“{kind}”的第一个编号将是 {serial}").format(
        year=args.year, kind=kind.name, serial=format_serial(args.year, kind.short, args.start)))
    return 0


def _verify(args: argparse.Namespace) -> int:
    from app.certificates.payload import UNKNOWN_CHECK_CODE, PayloadError, parse_payload, typed_check_code
    from app.cli import _data_dir
    from app.config import DB_NAME
    from app.hub.service import CONFIG, hub_dir

    data_dir = _data_dir(args)
    has_store, has_hub = (data_dir / DB_NAME).exists(), (hub_dir(data_dir) / CONFIG).exists()
    if not has_store and not has_hub:
        raise CliError(_("{dir} 里既没有村务数据,也没有乡镇数据中心,无法核验。请用 --data-dir 指向本村或乡镇的数据目录。").format(
            dir=data_dir))
    try:
        claimed = parse_payload(args.text)[0].village_code
    except PayloadError:
        claimed = ""
    result = None
    try:
        if has_store:
            from app.certificates.register import verify_with_store

            store = village_store(args)
            with store.read() as s:
                from app.people.service import get_village

                own = get_village(s)
                by_code = typed_check_code(args.text) is not None
                if not has_hub or by_code or (own is not None and own.code == claimed):
                    result = verify_with_store(s, store.data_dir, args.text)
                if by_code and has_hub and result is not None and result.reason == UNKNOWN_CHECK_CODE:
                    result = None  # not this village's: the township's registers may know it
        sighting = None
        if has_hub:
            from app.hub.verify import hub_sighting, verify_with_hub
            from app.hub.service import open_hub

            hub = open_hub(data_dir)
            try:
                if result is None:
                    result = verify_with_hub(hub, args.text)
                if result.serial and result.village_code:  # what the township's copy of the register says
                    sighting = hub_sighting(hub, result.village_code, result.serial)
            finally:
                hub.close()
    except UserError as exc:
        raise CliError(_message(exc)) from exc
    _show(result)
    if sighting is not None:
        print(_("乡镇数据中心:{message}").format(message=sighting.message))
        sys.stdout.flush()
    if not result.ok:
        raise CliError(_("证明无效({reason}):{message}").format(reason=result.reason, message=result.message))
    print(_("结果:真实有效(genuine)。{message}").format(message=result.message))
    return 0


def _show(v: Any) -> None:
    if not v.serial:
        return
    rows = [
        (_("开具单位"), f"{v.village_name}({v.village_code})" if v.village_name else v.village_code),
        (_("编号"), v.serial), (_("证明种类"), f"{v.kind_code} {v.kind_name}".strip()),
        (_("开具日期"), v.issue_date.isoformat() if v.issue_date else ""), (_("申请人"), v.applicant_name),
        (_("用途"), v.purpose), (_("核验码"), v.check_code),
    ]
    for label, value in rows:
        if value:
            print(f"{label}:{value}")
    sys.stdout.flush()


CERT_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "catalogue": _catalogue, "issue": _issue, "pending": _pending, "complete": _complete, "cancel": _cancel,
    "void": _void, "reprint": _reprint, "register": _register, "serial-start": _serial_start, "verify": _verify,
}

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"cert": cmd_cert}
