"""Screenshots of the 同步 screen for the user guide: ``python tools/screenshots_sync.py``.

Builds the small demo village and a township hub in a temporary directory and
writes, at 1280x800 offscreen (the screen without the main window's sidebar
is narrower: 1080 wide):
docs/images/sync-setup.png (before the one-time key exchange) and
docs/images/sync-status.png (after two exports, a receipt for the first, and
a few more changes not yet exported).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, save, settle  # noqa: E402

OUT = ROOT / "docs" / "images"
# the main window is 1280x800 and its sidebar takes about 200 of the width
WIDTH, HEIGHT = 1080, 800
STICK_GB = 14.6


def change_phones(store, n: int, phone: str) -> None:  # type: ignore[no-untyped-def]
    """The kind of everyday edit that makes new records to send."""
    from sqlalchemy import select

    from app.people.models import Resident
    from app.people.service import ResidentInput, update_resident

    with store.read() as s:
        ids = list(s.scalars(select(Resident.id).order_by(Resident.id).limit(n)))
    with store.begin("文书") as s:
        for rid in ids:
            r = s.get(Resident, rid)
            update_resident(s, rid, ResidentInput(
                name=r.name, id_number=r.id_number, group_id=r.group_id, household_id=r.household_id,
                relation=r.relation, party_member=r.party_member, representative=r.representative, phone=phone))


def main() -> int:
    app = application()

    from app.demo import create_demo
    from app.hub.service import enroll, import_bundles, init_hub
    from app.people.service import get_village
    from app.schema import open_store
    from app.sync import drives
    from app.sync.drives import Drive
    from app.sync.export import export_bundle, import_receipt
    from app.keys import trust_township, write_identity_file, write_township_file
    from ui.sync.sync_screen import SyncScreen

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        root = Path(tmp)
        stick = root / "stick"
        stick.mkdir()
        # the clerk's machine is usually Windows: show the stick as it appears there
        gb = 1024 ** 3
        fake_stick = Drive(Path("E:\\"), "KINGSTON", int(6.8 * gb), int(STICK_GB * gb))
        drives.list_removable = lambda **_kw: [fake_stick]  # type: ignore[assignment]

        store = open_store(root / "data")
        create_demo(store, size="small")
        screen = SyncScreen(store)
        screen.resize(WIDTH, HEIGHT)
        screen.show()
        settle(app, lambda: screen.status is not None and screen.setup_box.isVisible())
        save(screen, "sync-setup.png")
        screen.close()

        with store.read() as s:
            v = get_village(s)
        assert v is not None
        hub = init_hub(root / "township", v.township)
        write_township_file(hub.secrets.public, root / "township.json")
        trust_township(store.data_dir, root / "township.json")
        write_identity_file(store.data_dir, root / "id.json", code=v.code, name=v.name, township=v.township)
        enroll(hub, root / "id.json")
        first = export_bundle(store, stick)
        assert first.path is not None
        _outcomes, (receipt,) = import_bundles(hub, [first.path], receipts=stick)
        import_receipt(store, receipt)
        change_phones(store, 12, "13905310001")
        second = export_bundle(store, stick)
        assert second.path is not None
        change_phones(store, 5, "13905310002")
        hub.close()

        screen = SyncScreen(store)
        screen.resize(WIDTH, HEIGHT)
        screen.show()
        settle(app, lambda: screen.status is not None and screen.status.outbox != [] and screen.table.isVisible())
        save(screen, "sync-status.png")
        screen.close()
        settle(app)
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
