"""``cunwu township url``, ``cunwu township trust 证书.pem`` and ``cunwu bundle upload``: the network road to the
township's hub (app/sync/upload.py). Registered by app/cli/sync.py."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.i18n import _

Command = Callable[[argparse.Namespace], int]


def add_township_parsers(ts: Any) -> None:
    """``cunwu township url [URL] [--remove]``, beside ``township trust``."""
    a = ts.add_parser("url", help=_("设置乡镇数据中心的网址(通过网络上传同步包);不带网址则显示现在的设置"))
    a.add_argument("url", nargs="?", help=_("乡镇提供的网址,例如 https://xiangzhen.example.cn"))
    a.add_argument("--remove", action="store_true", help=_("删除网址,不再通过网络上传"))


def add_bundle_parsers(bs: Any) -> None:
    """``cunwu bundle upload``, beside ``bundle export``."""
    bs.add_parser("upload", help=_("导出新的变动,并把乡镇还没确认的同步包通过网络上传到乡镇"))


def township_command(original: Command) -> Command:
    """``cunwu township``: ``url`` and a certificate given to ``trust`` here, the township's key file as before."""
    from app.sync.upload import is_certificate_file

    def run(args: argparse.Namespace) -> int:
        if args.township_command == "url":
            return _township_url(args)
        if args.township_command == "trust" and is_certificate_file(Path(args.file).expanduser()):
            return _trust_certificate(args)
        return original(args)

    return run


def bundle_command(original: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        if args.bundle_command == "upload":
            return _bundle_upload(args)
        return original(args)

    return run


def _fail(exc: BaseException) -> Exception:
    from app.cli import CliError

    return CliError(str(exc))


def _township_url(args: argparse.Namespace) -> int:
    from app.cli import village_store
    from app.sync.upload import UploadError, pinned_certificate, set_township_url, township_url

    store = village_store(args)
    data_dir = store.data_dir
    if args.remove:
        if args.url:
            raise _fail(UploadError(_("--remove 后面不要再写网址。")))
        set_township_url(data_dir, "")
        print(_("已删除乡镇数据中心的网址,不再通过网络上传。同步包仍可用U盘送到乡镇。"))
        return 0
    if not args.url:
        url = township_url(data_dir)
        print(_("乡镇数据中心:{url}").format(url=url) if url else _("还没有设置乡镇数据中心的网址。"))
        cert = pinned_certificate(data_dir)
        if cert is not None:
            print(_("服务器证书:{subject},有效期到 {date}").format(subject=cert.subject, date=cert.not_after))
        return 0
    try:
        url = set_township_url(data_dir, args.url)
    except UploadError as exc:
        raise _fail(exc) from exc
    print(_("已设置乡镇数据中心的网址:{url}").format(url=url))
    print(_("上传同步包:cunwu bundle upload"))
    return 0


def _trust_certificate(args: argparse.Namespace) -> int:
    from app.cli import village_store
    from app.sync.upload import UploadError, install_server_certificate

    store = village_store(args)
    try:
        cert = install_server_certificate(store.data_dir, Path(args.file).expanduser())
    except UploadError as exc:
        raise _fail(exc) from exc
    print(_("已安装乡镇服务器的证书:{subject}").format(subject=cert.subject))
    print(_("有效期到:{date}").format(date=cert.not_after))
    print(_("SHA-256 指纹:{fp}").format(fp=cert.fingerprint))
    print(_("以后上传时只信任这个证书。请与乡镇电话核对指纹。"))
    return 0


def _bundle_upload(args: argparse.Namespace) -> int:
    from app.cli import village_store
    from app.keys import KeyFileError
    from app.sync.export import SyncError
    from app.sync.upload import UploadError, upload_outbox

    store = village_store(args)

    def progress(done: int, total: int, name: str) -> None:
        print(_("正在上传 {name}(第 {n} 个,共 {total} 个)……").format(name=name, n=done + 1, total=total), flush=True)

    try:
        report = upload_outbox(store, export=True, progress=progress)
    except (UploadError, SyncError, KeyFileError) as exc:
        raise _fail(exc) from exc
    if report.exported is not None:
        print(_("已导出事件 {a}–{b}。").format(a=report.exported[0], b=report.exported[1]))
    for bundle in report.bundles:
        if bundle.outcome == "receipted":
            print(bundle.message)
    sys.stdout.flush()
    for line in report.failure_lines():
        print(line, file=sys.stderr)
    if report.ok or report.bundles:
        print(report.summary())
    return 0 if report.ok else 1
