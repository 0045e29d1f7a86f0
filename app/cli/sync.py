"""Commands for keys, bundles, receipts and the township hub (docs/sync-format.md)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.cli import village_store
from app.cli.hub_demo import add_demo_parser, hub_demo
from app.cli.hub_report import add_report_parser, hub_report
from app.cli.upload import add_bundle_parsers, add_township_parsers, bundle_command, township_command
from app.i18n import _


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("keys", help=_("本村密钥"))
    ks = s.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    ks.add_parser("show", help=_("显示本村密钥指纹(电话核对或打印用)"))
    a = ks.add_parser("export-public", help=_("导出本村身份文件(交给乡镇登记)"))
    a.add_argument("file")

    s = sub.add_parser("township", help=_("所属乡镇"))
    ts = s.add_subparsers(dest="township_command", required=True, metavar="ACTION")
    a = ts.add_parser("trust", help=_("安装乡镇公钥文件,或乡镇服务器的证书文件(PEM)"))
    a.add_argument("file")
    add_township_parsers(ts)  # url

    s = sub.add_parser("bundle", help=_("同步包"))
    bs = s.add_subparsers(dest="bundle_command", required=True, metavar="ACTION")
    a = bs.add_parser("export", help=_("把上次导出以来的变动写成同步包"))
    a.add_argument("--to", required=True, help=_("写到这个文件夹(例如U盘)"))
    a.add_argument("--full", action="store_true", help=_("导出全部记录,而不只是新的变动"))
    add_bundle_parsers(bs)  # upload

    s = sub.add_parser("receipt", help=_("乡镇回执"))
    rs = s.add_subparsers(dest="receipt_command", required=True, metavar="ACTION")
    a = rs.add_parser("import", help=_("导入乡镇回执,标记已确认的记录"))
    a.add_argument("file")

    s = sub.add_parser("hub", help=_("乡镇数据中心"))
    hs = s.add_subparsers(dest="hub_command", required=True, metavar="ACTION")
    a = hs.add_parser("init", help=_("建立乡镇数据中心"))
    a.add_argument("--name", required=True, help=_("乡镇(街道)名称"))
    a.add_argument("--db", help=_("数据库地址,默认是数据目录里的 SQLite 文件;也可用 postgresql+psycopg://..."))
    a = hs.add_parser("key", help=_("乡镇公钥"))
    kk = a.add_subparsers(dest="hub_key_command", required=True, metavar="ACTION")
    b = kk.add_parser("export", help=_("导出乡镇公钥文件(发给各村安装)"))
    b.add_argument("file")
    a = hs.add_parser("enroll", help=_("登记一个村的身份文件"))
    a.add_argument("file")
    a.add_argument("--replace", action="store_true", help=_("村里换了密钥时,核对指纹后替换旧的登记"))
    a = hs.add_parser("import", help=_("导入各村的同步包"))
    a.add_argument("files", nargs="+", metavar="FILE")
    a.add_argument("--receipts", help=_("把回执写到这个文件夹(例如村里的U盘)"))
    hs.add_parser("villages", help=_("列出已登记的村"))
    from app.cli.hub import add_parsers as add_view_parsers

    add_view_parsers(hs)  # status, show, rebuild-projections
    add_report_parser(hs)
    add_demo_parser(hs)
    from app.cli.hub_serve import add_serve_parser

    add_serve_parser(hs)


def _fail(exc: BaseException) -> Exception:
    from app.cli import CliError

    return CliError(str(exc))


def _village(store) -> Any:  # type: ignore[no-untyped-def]
    from app.people.service import get_village

    with store.read() as s:
        return get_village(s)


def cmd_keys(args: argparse.Namespace) -> int:
    from app.keys import KeyFileError, ensure_village_key, village_fingerprint, write_identity_file

    store = village_store(args)
    v = _village(store)
    try:
        ensure_village_key(store.data_dir)  # a village set up before keys existed gets its key now
        if args.keys_command == "show":
            print(_("{name}(统一社会信用代码 {code})").format(name=v.name, code=v.code))
            print(_("本村密钥指纹:{fp}").format(fp=village_fingerprint(store.data_dir)))
            return 0
        path = Path(args.file).expanduser()
        ident = write_identity_file(store.data_dir, path, code=v.code, name=v.name, township=v.township)
    except KeyFileError as exc:
        raise _fail(exc) from exc
    print(_("已导出本村身份文件 {path}").format(path=path))
    print(_("指纹:{fp} —— 请把文件交给乡镇,并在电话里念一遍指纹核对。").format(fp=ident.fingerprint))
    return 0


def cmd_township(args: argparse.Namespace) -> int:
    from app.keys import KeyFileError, trust_township

    store = village_store(args)
    try:
        key = trust_township(store.data_dir, Path(args.file).expanduser())
    except KeyFileError as exc:
        raise _fail(exc) from exc
    print(_("已安装乡镇公钥:{name},指纹 {fp}。请与乡镇电话核对这串数字。").format(name=key.name, fp=key.fingerprint))
    return 0


def cmd_bundle(args: argparse.Namespace) -> int:
    from app.sync.export import SyncError, export_bundle
    from app.keys import KeyFileError, ensure_village_key

    store = village_store(args)
    dest = Path(args.to).expanduser()
    # a new folder on the stick: its last level is made (the stick itself, its parent, must be there)
    made = not dest.exists() and dest.parent.is_dir()
    if made:
        try:
            dest.mkdir()
        except OSError as exc:  # a write-protected or pulled stick
            raise _fail(SyncError(_("无法在 {parent} 里新建文件夹 {name}({reason})。请检查U盘是否写保护或已拔出。").format(
                parent=dest.parent, name=dest.name, reason=exc.strerror or exc))) from exc
    try:
        ensure_village_key(store.data_dir)
        result = export_bundle(store, dest, full=args.full)
    except (SyncError, KeyFileError) as exc:
        if made and not any(dest.iterdir()):  # nothing was exported: the new folder goes again
            dest.rmdir()
        raise _fail(exc) from exc
    if result.path is None:
        print(_("上次导出以来没有新的变动,没有写文件。"))
        return 0
    print(_("已导出事件 {a}–{b}(共 {n} 条,附件 {k} 个)。").format(a=result.first, b=result.last, n=result.events,
                                                            k=result.attachments))
    print(result.path)
    return 0


def cmd_receipt(args: argparse.Namespace) -> int:
    from app.sync.export import SyncError, import_receipt

    store = village_store(args)
    try:
        r = import_receipt(store, Path(args.file).expanduser())
    except SyncError as exc:
        raise _fail(exc) from exc
    print(_("回执有效:{township} 已确认收到第 1–{seq} 号记录(本次新确认 {n} 条)。").format(
        township=r.township, seq=r.last_seq, n=r.newly_confirmed))
    for a, b in r.pending:
        print(_("  乡镇暂存、还在等前面记录的:事件 {a}–{b}").format(a=a, b=b))
    return 0


def cmd_hub(args: argparse.Namespace) -> int:
    from app.cli import _data_dir
    from app.hub.service import HubError, init_hub, open_hub
    from app.hub.store import HubStoreError
    from app.keys import KeyFileError

    data_dir = _data_dir(args)
    try:
        if args.hub_command == "demo":  # makes the hub itself, like init
            return hub_demo(data_dir, args)
        if args.hub_command == "init":
            hub = init_hub(data_dir, args.name, args.db)
            print(_("已建立乡镇数据中心:{name}。数据库:{db}").format(name=hub.name, db=_safe_url(hub.db_url)))
            print(_("乡镇公钥指纹:{fp}").format(fp=hub.secrets.public.fingerprint))
            hub.close()
            return 0
        hub = open_hub(data_dir)
        try:
            return HUB_COMMANDS[args.hub_command](hub, args)
        finally:
            hub.close()
    except (HubError, HubStoreError, KeyFileError) as exc:
        raise _fail(exc) from exc


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _hub_key(hub, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from app.keys import write_township_file

    path = Path(args.file).expanduser()
    write_township_file(hub.secrets.public, path)
    print(_("已导出乡镇公钥文件 {path}").format(path=path))
    print(_("指纹:{fp} —— 发给各村安装(cunwu township trust),并电话核对指纹。").format(fp=hub.secrets.public.fingerprint))
    return 0


def _hub_enroll(hub, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from app.hub.service import enroll

    r = enroll(hub, Path(args.file).expanduser(), replace=args.replace)
    msg = {"enrolled": _("已登记"), "already": _("早已登记(密钥相同)"), "replaced": _("已更换密钥")}[r.status]
    print(_("{msg}:{name}(村代码 {code}),指纹 {fp}。请与村里电话核对这串数字。").format(
        msg=msg, name=r.identity.name, code=r.identity.code, fp=r.identity.fingerprint))
    return 0


def _hub_import(hub, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    import sys

    from app.hub.service import REFUSED, ReceiptsNotWritten, import_bundles

    receipts = Path(args.receipts).expanduser() if args.receipts else None
    failed: ReceiptsNotWritten | None = None
    try:
        outcomes, written = import_bundles(hub, [Path(f).expanduser() for f in args.files], receipts=receipts)
    except ReceiptsNotWritten as exc:  # the bundles are in; say so first, then what is missing
        failed, outcomes, written = exc, exc.outcomes, []
    refused = 0
    for o in outcomes:
        if o.status == REFUSED:
            refused += 1
            print(_("拒收 {file}:{reason}").format(file=o.file.name, reason=o.message), file=sys.stderr)
        else:
            print(f"{o.file.name}: {o.message}")
    for path in written:
        print(_("回执:{path}").format(path=path))
    if failed is not None:
        sys.stdout.flush()
        print(str(failed), file=sys.stderr)
        return 1
    return 1 if refused else 0


def _hub_villages(hub, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from app.hub.service import list_villages

    rows = list_villages(hub)
    if not rows:
        print(_("还没有登记任何村。用 cunwu hub enroll 村身份文件 登记。"))
        return 0
    print(_("村代码\t村名\t最后序号\t最后导入时间\t等待中的同步包\t程序版本"))
    for v in rows:
        pending = "、".join(f"{a}–{b}" for a, b in v.pending) or _("无")
        print(f"{v.code}\t{v.name}\t{v.last_seq}\t{v.last_import or _('从未导入')}\t{pending}\t{v.version or _('未知')}")
    return 0


HUB_COMMANDS: dict[str, Callable[[Any, argparse.Namespace], int]] = {
    "key": _hub_key, "enroll": _hub_enroll, "import": _hub_import, "villages": _hub_villages,
    "report": hub_report,
}

from app.cli.hub import COMMANDS as _VIEW_COMMANDS  # noqa: E402 - the township's view of its villages

HUB_COMMANDS.update(_VIEW_COMMANDS)

from app.cli.hub_serve import hub_serve  # noqa: E402 - the hub as a network service

HUB_COMMANDS["serve"] = hub_serve

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "keys": cmd_keys, "township": township_command(cmd_township), "bundle": bundle_command(cmd_bundle),
    "receipt": cmd_receipt, "hub": cmd_hub,
}
