"""The township's hub as a network service: ``cunwu hub serve``.

Villages upload their bundles over HTTP(S) (``POST /api/v1/bundles``); each is imported by the very function
that imports a stick (app.hub.service.import_one: the signature and hashes are checked before anything is
parsed) and answered with the village's signed receipt. With ``--public`` the villagers' pages are served too
(app/hub/public.py). Starlette on uvicorn: no HTTP is parsed here.

The body is written to a file in the hub's tmp/ as it arrives, never held in memory, within the hub's size
limit (a setting, app.hub.status.UPLOAD_LIMIT_KEY) and within a time that grows with its size: a client that sends a byte
a second is cut off while the others go on. Imports take turns (one lock), each in a worker thread, so the
server keeps answering while a bundle is applied. A server killed mid-upload leaves a temporary file that the
next opening sweeps away and nothing half-applied: the village's next try imports the bundle once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.errors import UserError, internal
from app.i18n import _

log = logging.getLogger(__name__)

API = "/api/v1"
BUNDLES_PATH = API + "/bundles"
DEFAULT_PORT = 8470
MB = 1024 * 1024
RESULT_HEADER = "Cunwu-Result"      # imported | already | old: what became of the bundle (the body is the receipt)
BUNDLE_TYPE = "application/octet-stream"
RECEIPT_TYPE = "application/json"


class ServeError(UserError):
    """The service cannot start as asked (a port taken, a certificate missing...); nothing was started."""


@dataclass(frozen=True)
class Limits:
    """How long a body may take: ``base`` seconds plus one second per ``rate`` bytes, and never more than
    ``idle`` seconds without a byte."""

    base: float = 30.0
    rate: float = 4096.0
    idle: float = 30.0

    def deadline(self, size: int) -> float:
        return self.base + size / self.rate


def upload_limit(hub: Any) -> int:
    """The largest bundle the hub takes over the network, in bytes (its setting, or 100 MB)."""
    from app.hub.status import DEFAULT_UPLOAD_LIMIT, UPLOAD_LIMIT_KEY, hub_setting

    try:
        mb = int(hub_setting(hub, UPLOAD_LIMIT_KEY, str(DEFAULT_UPLOAD_LIMIT)) or DEFAULT_UPLOAD_LIMIT)
    except ValueError:
        mb = DEFAULT_UPLOAD_LIMIT
    return max(1, mb) * MB


# ---------------------------------------------------------------- answers


def _json(status: int, result: str, message: str, reason: str = "") -> Any:
    from starlette.responses import Response

    body = {"result": result, "reason": reason or result, "message": message}
    return Response(json.dumps(body, ensure_ascii=False), status_code=status,
                    media_type="application/json; charset=utf-8")


@internal
class _Cut(Exception):
    """The body did not arrive whole in time (or the client went away); carries the answer to give."""

    def __init__(self, status: int, reason: str, message: str) -> None:
        super().__init__(message)
        self.status, self.reason, self.message = status, reason, message


async def _receive(request: Any, target: Path, size: int, limits: Limits) -> None:
    """Write the request's body to ``target`` (exactly ``size`` bytes) or raise _Cut."""
    from starlette.requests import ClientDisconnect

    deadline = time.monotonic() + limits.deadline(size)
    got = 0
    stream = request.stream().__aiter__()
    with open(target, "wb") as f:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise _Cut(408, "timeout", _("同步包上传得太慢,没有在规定时间内传完,已断开。请在网络好一些时再试。"))
            try:
                chunk = await asyncio.wait_for(stream.__anext__(), timeout=min(left, limits.idle))
            except StopAsyncIteration:
                break
            except (asyncio.TimeoutError, TimeoutError):
                raise _Cut(408, "timeout", _("同步包上传得太慢,没有在规定时间内传完,已断开。请在网络好一些时再试。"))
            except ClientDisconnect:
                raise _Cut(400, "truncated", _("同步包没有传完,连接就断了。请重新上传。")) from None
            got += len(chunk)
            if got > size:
                raise _Cut(400, "truncated", _("收到的内容比声明的长度多,已拒收。请重新上传。"))
            f.write(chunk)
    if got != size:
        raise _Cut(400, "truncated", _("同步包没有传完(声明 {size} 字节,只收到 {got} 字节)。请重新上传。").format(
            size=size, got=got))


# ---------------------------------------------------------------- the application


def make_app(hub: Any, *, public: bool = False, limits: Limits | None = None) -> Any:
    """The ASGI application of ``hub``: the upload API, and the villagers' pages when ``public``."""
    from starlette.applications import Starlette
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response
    from starlette.routing import Route

    from app.hub.service import ALREADY, IMPORTED, OLD, PENDING, held_villages, import_one, receipt_of

    limits = limits or Limits()
    turn = threading.Lock()  # one import at a time: each is one transaction over the village's chain
    waiting = held_villages(hub)  # villages with bundles held for a gap: only their imports look for them

    def import_file(path: Path) -> tuple[Any, bytes | None]:
        with turn:
            outcome = import_one(hub, path, waiting=waiting)
            receipt = receipt_of(hub, outcome.village_code) if outcome.village_code and outcome.status in (
                IMPORTED, ALREADY, OLD, PENDING) else None
        return outcome, receipt

    async def upload(request: Any) -> Any:
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != BUNDLE_TYPE:
            return _json(415, "refused", _("请以 {type} 上传同步包文件本身(收到的是“{got}”)。").format(
                type=BUNDLE_TYPE, got=kind[:60] or _("未说明类型")), "content-type")
        length = request.headers.get("content-length", "")
        if not length.isdigit():
            return _json(411, "refused", _("上传时要说明同步包的大小(Content-Length)。"), "length")
        size, limit = int(length), upload_limit(hub)
        if size > limit:
            return _json(413, "refused", _("同步包有 {size} MB,超过了乡镇设定的上限 {limit} MB。请用U盘送到乡镇,"
                                           "或请乡镇调高上限。").format(size=round(size / MB, 1), limit=limit // MB),
                         "too-large")
        target = hub.tmp_root / f"upload-{os.getpid()}-{uuid.uuid4().hex[:12]}.cunwu-sync"
        try:
            try:
                await _receive(request, target, size, limits)
            except _Cut as cut:
                log.info("upload cut off: %s", cut.reason)
                return _json(cut.status, "refused", cut.message, cut.reason)
            outcome, receipt = await run_in_threadpool(import_file, target)
        finally:
            target.unlink(missing_ok=True)
        if outcome.status == PENDING:
            return _json(202, "pending", outcome.message, "gap")
        if receipt is None:  # refused
            return _json(409 if outcome.reason == "fork" else 400, "refused", outcome.message, outcome.reason)
        result = {IMPORTED: "imported", ALREADY: "already", OLD: "old"}[outcome.status]
        return Response(receipt, status_code=200, media_type=RECEIPT_TYPE,
                        headers={RESULT_HEADER: result, "Cache-Control": "no-store"})

    async def not_here(request: Any) -> Any:
        return _json(405, "refused", _("这个地址只接收上传的同步包(POST)。"), "method")

    routes: list[Any] = [Route(BUNDLES_PATH, upload, methods=["POST"]),
                         Route(BUNDLES_PATH, not_here, methods=["GET", "PUT", "DELETE", "PATCH"])]
    if public:
        from app.hub.public import public_routes

        routes += public_routes(hub)
    return Starlette(routes=routes)


# ---------------------------------------------------------------- serving


def serve(hub: Any, *, host: str = "127.0.0.1", port: int = DEFAULT_PORT, public: bool = False,
          certfile: Path | None = None, keyfile: Path | None = None, limits: Limits | None = None,
          ready: Any = None) -> None:
    """Run the service until stopped (Ctrl+C or SIGTERM). ``ready()``, if given, is called once it listens."""
    import socket

    import uvicorn

    if (certfile is None) != (keyfile is None):
        raise ServeError(_("要用 HTTPS,请同时给出证书文件(--certfile)和私钥文件(--keyfile)。"))
    for path in (certfile, keyfile):
        if path is not None and not Path(path).is_file():
            raise ServeError(_("找不到文件 {path}。请检查证书和私钥文件的位置。").format(path=path))
    if certfile is not None and keyfile is not None:
        _check_certificate(Path(certfile), Path(keyfile))
    try:
        probe = socket.create_server((host, port))
    except OSError as exc:
        raise ServeError(_("无法在 {host}:{port} 上提供服务({reason})。端口可能已被占用:请换一个端口(--port)。").format(
            host=host, port=port, reason=exc.strerror or exc)) from exc
    probe.close()
    config = uvicorn.Config(make_app(hub, public=public, limits=limits), host=host, port=port,
                            ssl_certfile=str(certfile) if certfile else None,
                            ssl_keyfile=str(keyfile) if keyfile else None,
                            log_level="warning", access_log=False, timeout_keep_alive=5,
                            limit_concurrency=200, server_header=False)
    server = uvicorn.Server(config)
    if ready is not None:
        watcher = threading.Thread(target=_tell_when_started, args=(server, ready), daemon=True)
        watcher.start()
    # uvicorn stops on SIGINT and SIGTERM, then raises the signal again for whoever handled it before: here
    # nobody, so a Ctrl+C or a `systemctl stop` ends the command normally
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, lambda *_a: None) if main else None
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)


def _check_certificate(certfile: Path, keyfile: Path) -> None:
    """The certificate and key as the server will load them; ServeError (nothing started) when they do not go
    together, are not PEM, or the key has a passphrase (a service cannot type it)."""
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(str(certfile), str(keyfile), password=lambda: b"")
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ServeError(_("证书文件 {cert} 和私钥文件 {key} 用不了:要是 PEM 格式、彼此配套,私钥不能设密码。"
                           "请检查这两个文件。").format(cert=certfile.name, key=keyfile.name)) from exc


def _tell_when_started(server: Any, ready: Any) -> None:
    while not server.started and not server.should_exit:
        time.sleep(0.05)
    if server.started:
        ready()
