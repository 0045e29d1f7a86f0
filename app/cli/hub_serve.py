"""``cunwu hub serve``: the township's hub as a network service (app/hub/server.py)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.i18n import _


def add_serve_parser(hs: Any) -> None:
    """The sub-command, added to ``cunwu hub``'s parsers (app/cli/sync.py)."""
    from app.hub.server import DEFAULT_PORT

    a = hs.add_parser("serve", help=_("作为网络服务运行:各村上传同步包;加 --public 还提供群众查询页面"))
    a.add_argument("--host", default="127.0.0.1",
                   help=_("监听的地址(默认 127.0.0.1,只有本机能连;在局域网或互联网上提供服务用 0.0.0.0)"))
    a.add_argument("--port", type=int, default=DEFAULT_PORT, help=_("端口(默认 {port})").format(port=DEFAULT_PORT))
    a.add_argument("--public", action="store_true", help=_("同时提供群众查询页面:各村公告、核验证明和公告"))
    a.add_argument("--certfile", help=_("HTTPS 证书文件(PEM)"))
    a.add_argument("--keyfile", help=_("HTTPS 证书的私钥文件(PEM)"))


def hub_serve(hub: Any, args: argparse.Namespace) -> int:
    from app.hub.server import ServeError, serve, upload_limit

    if not 1 <= args.port <= 65535:
        print(_("错误:端口 {port} 不对,请用 1 到 65535 之间的数字。").format(port=args.port), file=sys.stderr)
        return 2
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        print(_("错误:本程序安装时没有带网络服务组件。请在乡镇的服务器上运行 pip install \"cunwu[server]\" 后再试。"),
              file=sys.stderr)
        return 1
    certfile = Path(args.certfile).expanduser() if args.certfile else None
    keyfile = Path(args.keyfile).expanduser() if args.keyfile else None
    scheme = "https" if certfile else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host

    def ready() -> None:
        print(_("{township} 乡镇数据中心已在 {url} 提供服务(各村上传同步包:{api})。按 Ctrl+C 停止。").format(
            township=hub.name, url=f"{scheme}://{host}:{args.port}/", api="/api/v1/bundles"), flush=True)
        print(_("上传的同步包不超过 {mb} MB;群众查询页面:{public}。").format(
            mb=upload_limit(hub) // (1024 * 1024), public=_("已开通") if args.public else _("未开通")), flush=True)

    try:
        serve(hub, host=args.host, port=args.port, public=args.public, certfile=certfile, keyfile=keyfile,
              ready=ready)
    except ServeError as exc:
        print(_("错误:{reason}").format(reason=exc), file=sys.stderr)
        return 1
    print(_("服务已停止。"), flush=True)
    return 0
