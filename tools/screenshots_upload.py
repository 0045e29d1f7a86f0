"""Screenshot of the 同步 screen's 网络上传 for the user guide: ``python tools/screenshots_upload.py``.

Builds the small demo village and a township hub served on a loopback port in a temporary directory, sets the
township's address, uploads once, then writes docs/images/sync-upload.png in the main window at 1366x728
offscreen. ``--large`` takes it in 大字模式 and ``--out DIR`` writes it elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import socket  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, demo_window, save, settle  # noqa: E402


def _serve(hub):  # type: ignore[no-untyped-def]
    import uvicorn

    from app.hub.server import make_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    server = uvicorn.Server(uvicorn.Config(make_app(hub), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    return server, f"http://127.0.0.1:{port}"


def main() -> int:
    out, large = arguments()
    app = application(large)

    from app.sync import drives
    from ui.sync.sync_screen import SyncScreen

    drives.list_removable = lambda **_kw: []  # type: ignore[assignment]
    with tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        root = Path(tmp)
        with demo_window(app) as (store, window):
            hub = _link(store, root)
            server, url = _serve(hub)
            try:
                from app.sync.upload import set_township_url

                set_township_url(store.data_dir, url.replace("127.0.0.1", "xiangzhen.example.cn").replace(
                    "http:", "https:").rsplit(":", 1)[0])
                screen = window.show_screen("sync")
                assert isinstance(screen, SyncScreen)
                settle(app, lambda: screen.status is not None and screen.upload_info is not None)
                # the upload itself goes to the hub served here; the address shown is a township's
                from app.sync.upload import upload_outbox

                upload_outbox(store, url=url, export=True)
                screen.refresh()
                settle(app, lambda: not screen._upload_read.running and not screen._status_read.running
                       and "已上传" in screen.last_upload_label.text())
                save(window, out / "sync-upload.png")
            finally:
                server.should_exit = True
                hub.close()
    return 0


def _link(store, root: Path):  # type: ignore[no-untyped-def]
    from app.hub.service import enroll, init_hub
    from app.keys import ensure_village_key, trust_township, write_identity_file, write_township_file
    from app.people.service import get_village

    with store.read() as s:
        v = get_village(s)
    assert v is not None
    ensure_village_key(store.data_dir)
    hub = init_hub(root / "township", v.township)
    write_township_file(hub.secrets.public, root / "township.json")
    trust_township(store.data_dir, root / "township.json")
    write_identity_file(store.data_dir, root / "id.json", code=v.code, name=v.name, township=v.township)
    enroll(hub, root / "id.json")
    return hub


if __name__ == "__main__":
    raise SystemExit(main())
