"""Screenshots of the 同步 screen for the user guide: ``python tools/screenshots_sync.py``.

Builds the small demo village and a township hub in a temporary directory and
writes, in the main window at 1366x728 (a 1366x768 office screen less its taskbar) offscreen:
docs/images/sync-setup.png (before the one-time key exchange) and
docs/images/sync-status.png (after two exports, a receipt for the first, and
a few more changes not yet exported).
``--large`` takes them in 大字模式 and ``--out DIR`` writes them elsewhere.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from shotkit import application, arguments, demo_window, save, settle  # noqa: E402

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
    out, large = arguments()
    app = application(large)

    from app.sync import drives
    from app.sync.drives import Drive
    from ui.sync.sync_screen import SyncScreen

    with tempfile.TemporaryDirectory(prefix="cunwu-shots-") as tmp:
        root = Path(tmp)
        stick = root / "stick"
        stick.mkdir()
        # the clerk's machine is usually Windows: show the stick as it appears there
        gb = 1024 ** 3
        fake_stick = Drive(Path("E:\\"), "KINGSTON", int(6.8 * gb), int(STICK_GB * gb))
        drives.list_removable = lambda **_kw: [fake_stick]  # type: ignore[assignment]

        with demo_window(app) as (store, window):
            screen = window.show_screen("sync")
            assert isinstance(screen, SyncScreen)
            settle(app, lambda: screen.status is not None and screen.setup_box.isVisible())
            save(window, out / "sync-setup.png")
            window.show_screen("home")
            settle(app)
            _exchange_and_export(store, root, stick)
            screen.status = None
            window.show_screen("sync")  # read again
            settle(app, lambda: screen.status is not None and screen.status.outbox != [] and screen.table.isVisible())
            save(window, out / "sync-status.png")
    return 0


def _exchange_and_export(store, root: Path, stick: Path) -> None:  # type: ignore[no-untyped-def]
    """The one-time key exchange with the township, two exports, a receipt for the first, more changes."""
    from app.hub.service import enroll, import_bundles, init_hub
    from app.keys import trust_township, write_identity_file, write_township_file
    from app.people.service import get_village
    from app.sync.export import export_bundle, import_receipt

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


if __name__ == "__main__":
    raise SystemExit(main())
