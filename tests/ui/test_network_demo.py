"""The township's day with the network, end to end on the demo township of three villages: each village issues
a certificate and uploads (`cunwu township url`, `cunwu bundle upload`) to `cunwu hub serve --public`; the
receipts come back; the township program's overview shows who synced today; the public pages list the posted
notices and say the new certificate is genuine. The forked village is refused with the township's reason."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import datetime as dt  # noqa: E402
import http.client  # noqa: E402
import shutil  # noqa: E402
import urllib.parse  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402
from sqlalchemy import select  # noqa: E402

from app.hub.township_demo import FOLDER, FORKED, REFUSALS, SILENT  # noqa: E402

pytestmark = pytest.mark.slow
WAIT_MS = 60_000


def _get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8")
    finally:
        conn.close()


def _village_dirs(data: Path) -> dict[str, Path]:
    """code -> the demo village's data folder"""
    from app.people.service import get_village
    from app.schema import open_store

    out = {}
    for d in sorted(p for p in (data / FOLDER).iterdir() if p.is_dir()):
        store = open_store(d)
        try:
            with store.read() as s:
                out[get_village(s).code] = d
        finally:
            store.close()
    return out


def _issue_certificate(village: Path, tmp: Path, capsys) -> str:  # type: ignore[no-untyped-def]
    """A 居住证明 for the village's first adult resident; returns the QR text printed last."""
    from app.cli import main
    from app.people.models import Resident
    from app.schema import open_store

    store = open_store(village)
    try:
        with store.read() as s:
            adults = [r for r in s.scalars(select(Resident).order_by(Resident.id))
                      if r.birth_date and r.birth_date < dt.date.today().replace(year=dt.date.today().year - 20)]
            person = adults[0].id_number
    finally:
        store.close()
    capsys.readouterr()
    code = main(["--data-dir", str(village), "cert", "issue", "--kind", "SD-01", "--resident", person, "--purpose",
                 "办理居住证", "--field", "address=第一村民小组12号", "--field", "since=2019年3月",
                 "--verifier", "王文书", "-o", str(tmp / "证明.pdf")])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.strip().splitlines()[-1]


def test_three_villages_upload_and_the_township_and_the_villagers_see_it(qapp, qtbot, tmp_path, capsys):
    from app.cli import main
    from app.hub.service import open_hub
    from app.hub.status import status_rows
    from public_helpers import _built
    from ui.township.overview import Columns, OverviewScreen

    data = tmp_path / "乡镇"
    shutil.copytree(_built(), data)
    hub = open_hub(data)
    from hub_serving import Running

    served = Running(hub, public=True)
    port = served.port
    try:
        from app.hub.township_demo import village_kinds

        villages = _village_dirs(data)  # the folders are named by the village's place in the demo: 01-柳林村
        kinds = {code: village_kinds(int(folder.name.split("-")[0]) - 1) for code, folder in villages.items()}
        forked = next(c for c, k in kinds.items() if FORKED in k)
        silent = next(c for c, k in kinds.items() if SILENT in k)
        issuing = next(c for c, k in kinds.items() if REFUSALS in k)
        before = {r.code: r for r in status_rows(hub, dt.date.today())}
        assert before[silent].days_since and before[silent].days_since > 14

        qr = _issue_certificate(villages[issuing], tmp_path, capsys)
        results = {}
        for code, folder in villages.items():
            assert main(["--data-dir", str(folder), "township", "url", f"http://127.0.0.1:{port}"]) == 0
            capsys.readouterr()
            results[code] = (main(["--data-dir", str(folder), "bundle", "upload"]), *capsys.readouterr())

        # the receipts came back: the villages that agree with the township are confirmed to their last record
        for code in (issuing, silent):
            rc, out, err = results[code]
            assert rc == 0 and "乡镇已确认" in out, (out, err)
        rc, out, err = results[forked]
        assert rc == 1 and "旧备份" in err  # a restored old backup, in the words of the refusal or the receipt
        after = {r.code: r for r in status_rows(hub, dt.date.today())}
        assert after[issuing].days_since == 0 and after[silent].days_since == 0
        assert not any("没有同步" in a for a in after[silent].alerts)
        assert any("分叉" in a for a in after[forked].alerts)

        # the township program's overview says so
        view = OverviewScreen(hub)
        qtbot.addWidget(view)
        view.resize(1366, 728)
        view.show()
        qtbot.waitUntil(lambda: view.rows is not None, timeout=WAIT_MS)
        names = {r.code: r.name for r in after.values()}
        for code in (issuing, silent):
            row = next(r for r in range(len(view.rows)) if view.code_at(r) == code)
            assert view.text_at(row, Columns.LAST_SYNC) == "今天"

        # the villagers' pages: the village's notices on the board, and the new certificate is genuine
        status, page = _get(port, "/")
        assert status == 200 and all(name in page for name in names.values())
        status, page = _get(port, f"/v/{issuing}/")
        assert status == 200 and names[issuing] in page
        status, page = _get(port, "/check?" + urllib.parse.urlencode({"code": qr}))
        assert status == 200 and "真实" in page and "居住证明" in page
    finally:
        served.stop()
        hub.close()
