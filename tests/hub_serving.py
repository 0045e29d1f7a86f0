"""A township hub served on a loopback port for the tests: uvicorn in a thread of the test's process."""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path
from typing import Any

from app.hub.server import BUNDLES_PATH, Limits, make_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Serving:
    """An ASGI application served by uvicorn in a thread, on a free loopback port (HTTPS when given a
    certificate and its key); ``stop()`` ends it."""

    def __init__(self, application: Any, *, certfile: Path | None = None, keyfile: Path | None = None) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(application, host="127.0.0.1", port=self.port, log_level="warning", access_log=False,
                                ssl_certfile=str(certfile) if certfile else None,
                                ssl_keyfile=str(keyfile) if keyfile else None)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        self.url = ("https" if certfile else "http") + f"://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)


class Running(Serving):
    """The hub's own application (``cunwu hub serve``), with a way to post a bundle."""

    def __init__(self, hub: Any, limits: Limits | None = None, *, public: bool = False,
                 certfile: Path | None = None, keyfile: Path | None = None) -> None:
        super().__init__(make_app(hub, public=public, limits=limits), certfile=certfile, keyfile=keyfile)

    def post(self, body: bytes, content_type: str = "application/octet-stream",
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", BUNDLES_PATH, body=body, headers={"Content-Type": content_type, **(headers or {})})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()
