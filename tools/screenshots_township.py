"""Screenshots of the township program (ui/township) for the user guide, on a freshly built hub demo:

    QT_QPA_PLATFORM=offscreen .venv/bin/python tools/screenshots_township.py [--out DIR] [--large]

township-overview.png, township-import.png (a stick with one damaged file), township-village.png (概况),
township-village-notice.png (a notice's print preview), township-verify.png (a genuine certificate),
township-report.png, township-settings.png; with --large each name ends in -large.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from shotkit import SIZE, application, arguments, save, settle


def _id_number(first17: str) -> str:
    """A valid GB 11643 number: the check digit after the first 17."""
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights)) % 11]


def _new_bundle(village: Path, stick: Path, seq: int) -> Path:
    from app.people.service import ResidentInput, add_resident
    from app.schema import open_store
    from app.sync.export import export_bundle

    store = open_store(village)
    try:
        with store.begin("村文书") as s:
            add_resident(s, ResidentInput(name="新落户", id_number=_id_number("370102199003{n:02d}{q:03d}".format(
                n=1 + seq % 28, q=seq))))
        return export_bundle(store, stick).path  # type: ignore[return-value]
    finally:
        store.close()


def main() -> int:
    from app.hub.township_demo import FOLDER, create_hub_demo
    from ui.township.start import open_township
    from ui.township.window import IMPORT, OVERVIEW, REPORT, SETTINGS, VERIFY, VILLAGE, TownshipWindow

    out, large = arguments()
    suffix = "-large" if large else ""
    app = application(large)
    root = Path(tempfile.mkdtemp(prefix="cunwu-township-shots-"))
    data = root / "data"
    info = create_hub_demo(data, villages=8, seed=2026)
    hub = open_township(data)
    window = TownshipWindow(hub, data)
    window.resize(*SIZE)
    window.show()
    try:
        overview = window.show_screen(OVERVIEW)
        settle(app, lambda: overview.rows is not None)
        save(window, out / "township-overview{s}.png".format(s=suffix))

        # a stick brought in: two villages' new bundles and a damaged copy between them
        stick = root / "U盘"
        stick.mkdir()
        on_time = [v for v in info.villages if not v.kinds][:2]
        folders = {p.name.split("-", 1)[1]: p for p in (data / FOLDER).iterdir() if p.is_dir()}
        bundles = sorted(_new_bundle(folders[v.name], stick, 700 + i) for i, v in enumerate(on_time))
        raw = bytearray(bundles[0].read_bytes())
        for i in range(len(raw) // 2, len(raw) // 2 + 64):
            raw[i] ^= 0x5A
        (stick / bundles[0].name.replace(".cunwu-sync", "_副本.cunwu-sync")).write_bytes(bytes(raw))
        screen = window.show_screen(IMPORT)
        screen.import_folder(stick)
        settle(app, lambda: not screen.running, timeout=120)
        save(window, out / "township-import{s}.png".format(s=suffix))

        village = window.screen(VILLAGE)
        window.open_village(on_time[0].code)
        settle(app, lambda: village.copy is not None and not village.notice_model.loading, timeout=120)
        save(window, out / "township-village{s}.png".format(s=suffix))
        village.tabs.setCurrentWidget(village.notices_box)
        settle(app)
        dialogs: list = []
        village.previewed.connect(dialogs.append)
        village.preview_notice()
        settle(app, lambda: bool(dialogs), timeout=60)
        dialogs[0].resize(*SIZE)
        settle(app)
        save(dialogs[0], out / "township-village-notice{s}.png".format(s=suffix))
        dialogs[0].close()

        from sqlalchemy import select

        from app.certificates.models import Certificate
        from app.schema import open_store

        store = open_store(folders[on_time[0].name])
        with store.read() as s:
            payload = s.scalars(select(Certificate.qr_payload).where(Certificate.state == "issued",
                                                                     Certificate.qr_payload != "")).first()
        store.close()
        verify = window.show_screen(VERIFY)
        verify.panel.scan_edit.setText(payload)
        verify.panel.verify()
        settle(app, lambda: verify.panel.result is not None)
        save(window, out / "township-verify{s}.png".format(s=suffix))

        report = window.show_screen(REPORT)
        month = report.month()
        report.export(month, root / "{m}月报.xlsx".format(m=month))
        settle(app, lambda: not report.busy, timeout=120)
        save(window, out / "township-report{s}.png".format(s=suffix))

        settings = window.show_screen(SETTINGS)
        settle(app, lambda: bool(settings.known_label.text()))
        save(window, out / "township-settings{s}.png".format(s=suffix))
    finally:
        window.close()
        settle(app)
        village = window._screens.get(VILLAGE)
        if village is not None:
            village.close_copy()
        hub.close()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
