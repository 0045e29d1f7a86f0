"""A township hub served on a loopback port for the tests: uvicorn in a thread of the test's process."""

from __future__ import annotations

import http.client
import socket
import threading
import time

from app.hub.server import BUNDLES_PATH, Limits, make_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Running:
    """A hub served by uvicorn in a thread of this process, on a loopback port."""

    def __init__(self, hub, limits: Limits | None = None) -> None:
        import uvicorn

        self.port = free_port()
        config = uvicorn.Config(make_app(hub, limits=limits), host="127.0.0.1", port=self.port,
                                log_level="warning", access_log=False)
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)

    def post(self, body: bytes, content_type: str = "application/octet-stream",
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("POST", BUNDLES_PATH, body=body, headers={"Content-Type": content_type, **(headers or {})})
            r = conn.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            conn.close()

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(20)
