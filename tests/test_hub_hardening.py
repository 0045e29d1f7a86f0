"""The township hub against the files and mistakes that reach it: a held bundle that turns out bad and its good
copy, identity files with a made-up or borrowed village code, bundles of a few huge events, a certificate whose
serial the township has never received, and receipts written to a stick that fills up (docs/sync-format.md;
村民委员会组织法 Art. 34: the archive must stay true, complete and orderly)."""

from __future__ import annotations

import errno
import json
import os
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from app.hub import store as hub_tables
from app.hub.service import (ALREADY, IMPORTED, PENDING, REFUSED, HubError, enroll, import_bundles, list_villages,
                             open_hub, village_records)
from app.keys import ensure_village_key, write_identity_file
from app.sync.export import sync_status
from sync_helpers import Linked, craft_bundle, events_file, genuine_members, hub_dump
from sync_helpers import linked  # noqa: F401 - fixture

CJK = re.compile(r"[\u4e00-\u9fff]")


def _add(linked: Linked, *names: str) -> Path:
    linked.add_residents(*names)
    return linked.export()


def _states(linked: Linked) -> dict[str, str]:
    with linked.hub.engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(hub_tables.bundles.c.sha256, hub_tables.bundles.c.state))}


# ---------------------------------------------------------------- item 8: a refused held bundle and its good copy


def _held_then_refused(linked: Linked) -> tuple[Path, Path]:
    """The second bundle arrives first and is held; its copy in the hub's pending folder is then damaged, so
    it is refused when the first fills the gap. Returns (first, second)."""
    first = _add(linked, "周一")
    second = _add(linked, "周二")
    (o,), _ = import_bundles(linked.hub, [second])
    assert o.status == PENDING
    (held,) = linked.hub.pending_dir.iterdir()
    data = bytearray(held.read_bytes())
    data[-50] ^= 1
    held.write_bytes(bytes(data))
    (o,), _ = import_bundles(linked.hub, [first])
    assert o.status == IMPORTED
    assert REFUSED in _states(linked).values()
    return first, second


def test_a_held_bundle_refused_when_its_gap_filled_says_so(linked: Linked):
    first = _add(linked, "周一")
    second = _add(linked, "周二")
    import_bundles(linked.hub, [second])
    (held,) = linked.hub.pending_dir.iterdir()
    data = bytearray(held.read_bytes())
    data[-50] ^= 1
    held.write_bytes(bytes(data))
    (o,), _ = import_bundles(linked.hub, [first])
    assert o.status == IMPORTED
    assert "暂存" in o.message and "拒收" in o.message and "重新" in o.message, o.message
    assert list(linked.hub.pending_dir.iterdir()) == []


def test_the_same_good_file_sent_again_imports_after_its_held_copy_was_refused(linked: Linked):
    _first, second = _held_then_refused(linked)
    (o,), receipts = import_bundles(linked.hub, [second], receipts=linked.stick)
    assert o.status == IMPORTED, o
    (summary,) = list_villages(linked.hub)
    assert summary.last_seq == sync_status(linked.store).head and summary.pending == []
    assert village_records(linked.hub, linked.code) == linked.village_records()
    assert len(receipts) == 1
    (o,), _ = import_bundles(linked.hub, [second])
    assert o.status == ALREADY


def test_a_good_copy_of_the_same_events_imports_after_the_held_one_was_refused(linked: Linked, tmp_path: Path):
    first, second = _held_then_refused(linked)
    with linked.hub.engine.connect() as conn:
        last = conn.execute(select(hub_tables.villages.c.last_seq)).scalar_one()
    ev = events_file(linked.store, last + 1)
    copy = craft_bundle(tmp_path / "copy.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=genuine_members(linked.store, ev))
    (o,), _ = import_bundles(linked.hub, [copy])
    assert o.status == IMPORTED, o
    assert village_records(linked.hub, linked.code) == linked.village_records()


# ---------------------------------------------------------------- item 11: identity files


def _identity(tmp_path: Path, key_dir: str, *, code: str, name: str = "李庄村", township: str = "石桥镇") -> Path:
    data = tmp_path / key_dir
    ensure_village_key(data)
    path = tmp_path / f"{key_dir}.json"
    write_identity_file(data, path, code=code, name=name, township=township)
    return path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    from app.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("code", ["../../etc", "..\\..\\etc", "54371427CC6K57744E", "54371427cc6k57744d",
                                  "５４371427CC6K57744D", " 54371427CC6K57744D", "", "X" * 5000, "54371427CC6K5774\n4D"])
def test_an_identity_file_whose_code_is_not_a_village_code_is_refused(linked: Linked, tmp_path: Path, capsys, code):
    path = _identity(tmp_path, "other", code=code)
    dump = hub_dump(linked.hub)
    with pytest.raises(HubError) as info:
        enroll(linked.hub, path)
    message = str(info.value)
    assert "统一社会信用代码" in message and "重新导出" in message and "\n" not in message, message
    assert hub_dump(linked.hub) == dump
    rc, out, err = _run(capsys, "--data-dir", str(linked.hub.dir.parent), "hub", "enroll", str(path))
    assert rc == 1 and "统一社会信用代码" in err and "出现意外问题" not in err + out


def test_the_key_of_an_enrolled_village_is_not_enrolled_again_under_another_code(linked: Linked, tmp_path: Path):
    """A village's identity file edited to name another village's code: its key would then sign for both."""
    other = "54371427CC6K57744D"
    path = tmp_path / "edited.json"
    write_identity_file(linked.store.data_dir, path, code=other, name="李庄村", township="石桥镇")
    dump = hub_dump(linked.hub)
    with pytest.raises(HubError) as info:
        enroll(linked.hub, path)
    message = str(info.value)
    assert linked.code in message and linked.name in message and "核对" in message, message
    assert hub_dump(linked.hub) == dump


def test_a_code_enrolled_with_another_key_is_refused_with_what_to_do(linked: Linked, tmp_path: Path):
    path = _identity(tmp_path, "impostor", code=linked.code, name=linked.name)
    dump = hub_dump(linked.hub)
    with pytest.raises(HubError) as info:
        enroll(linked.hub, path)
    message = str(info.value)
    assert linked.code in message and "--replace" in message and "指纹" in message
    assert hub_dump(linked.hub) == dump


@pytest.mark.parametrize("name", ["李庄村\u202e", "李庄\x00村", "村" * 65, ""])
def test_an_identity_file_with_an_unreadable_village_name_is_refused(linked: Linked, tmp_path: Path, name):
    path = _identity(tmp_path, "other", code="54371427CC6K57744D", name=name)
    with pytest.raises(HubError) as info:
        enroll(linked.hub, path)
    assert "村名" in str(info.value)


def test_a_second_real_village_still_enrols(linked: Linked, tmp_path: Path):
    path = _identity(tmp_path, "other", code="54371427CC6K57744D")
    assert enroll(linked.hub, path).status == "enrolled"
    assert {v.code for v in list_villages(linked.hub)} == {linked.code, "54371427CC6K57744D"}


# ---------------------------------------------------------------- item 11: memory per event and per bundle

MEMORY_SCRIPT = Path(__file__).with_name("hub_memory_probe.py")


def _import_in_child(hub_data: Path, bundle: Path) -> tuple[str, str, int, str]:
    """Import ``bundle`` in a fresh process; returns (status, reason, growth of its peak memory in MB, message)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, str(MEMORY_SCRIPT), str(hub_data), str(bundle)], capture_output=True,
                          text=True, timeout=600, cwd=Path(__file__).parent.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    status, reason, growth, message = done.stdout.strip().split("\t")
    return status, reason, int(growth), message


@pytest.mark.slow
def test_a_bundle_of_a_few_huge_events_is_imported_in_bounded_memory(linked: Linked, tmp_path: Path):
    """Events of almost 4 MB each (the most one event may be) in a bundle of a few MB: the hub holds a bounded
    amount of them at a time, not the whole bundle (it used 2.1 GB for 400 of them)."""
    from app.events import GENESIS
    from sync_crafting import huge_events
    from sync_helpers import Member

    ev = huge_events(1, 48, GENESIS, 4 * 1024 * 1024 - 512)
    path = craft_bundle(tmp_path / "huge.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=[Member("events.jsonl.gz", ev.gz)])
    assert path.stat().st_size < 2 * 1024 * 1024
    status, _reason, growth, message = _import_in_child(linked.hub.dir.parent, path)
    assert status == IMPORTED, message
    assert growth < 100, f"the import grew by {growth} MB for 200 MB of events"


@pytest.mark.parametrize("declared", ["true", "spread"])
def test_an_event_larger_than_4_mb_is_refused_plainly(linked: Linked, tmp_path: Path, declared):
    """Refused from the declared size before anything is inflated, or (when the declared total would allow
    it) as soon as the one line grows past the limit."""
    from app.events import GENESIS
    from sync_crafting import huge_events
    from sync_helpers import Member

    big = 4 * 1024 * 1024 + 1
    # "spread": one huge event among small ones, so the declared total is one the events could have
    ev = huge_events(1, 2, GENESIS, big) if declared == "true" else huge_events(1, 10, GENESIS, [big] + [10] * 9)
    path = craft_bundle(tmp_path / "huge.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=[Member("events.jsonl.gz", ev.gz)])
    dump = hub_dump(linked.hub)
    (o,), _ = import_bundles(linked.hub, [path])
    assert o.status == REFUSED and "4.0 MB" in o.message and "拒收" in o.message, o
    assert hub_dump(linked.hub) == dump


# ---------------------------------------------------------------- item 11: a serial the township never received


def test_a_validly_signed_certificate_whose_serial_the_township_does_not_hold_is_not_called_genuine(
        linked: Linked, capsys):
    """村民委员会组织法 Art. 30: the committee answers for what it issues; a township that confirms a certificate it
    has no record of would vouch for what nobody can check."""
    import datetime as dt

    from app.certificates.payload import NOT_IN_REGISTER, make_payload
    from app.hub.verify import verify_with_hub

    import_bundles(linked.hub, [linked.export()])
    text, _code = make_payload(linked.village_key, village_code=linked.code, serial="2026-居住-0099",
                               kind_code="SD-01", issue_date=dt.date(2026, 3, 3), applicant_name="张三",
                               digest="x" * 16)
    v = verify_with_hub(linked.hub, text)
    assert not v.ok and v.reason == NOT_IN_REGISTER, v
    assert "不在乡镇持有的台账里" in v.message and "2026-居住-0099" in v.message and "截至" in v.message
    rc, out, err = _run(capsys, "--data-dir", str(linked.hub.dir.parent), "cert", "verify", text)
    assert rc == 1 and "不在乡镇持有的台账里" in err and "真实有效" not in out


# ---------------------------------------------------------------- item 9: receipts to a full stick


@pytest.fixture
def full_stick(monkeypatch):
    """``full_stick(folder)``: from now on every file opened for writing under ``folder`` is created (as a
    real stick creates the directory entry) but every write to it fails with "no space left on device"."""
    import builtins
    import io

    real_open = io.open
    folders: list[Path] = []

    class Full(io.RawIOBase):
        def __init__(self, fh):
            self.fh = fh

        def writable(self):
            return True

        def write(self, data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        def close(self):
            self.fh.close()
            super().close()

    def fake_open(file, mode="r", *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        inside = isinstance(file, (str, Path)) and any(Path(file).resolve().is_relative_to(f) for f in folders)
        if inside and any(c in mode for c in "wax+"):
            return Full(fh)
        return fh

    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(builtins, "open", fake_open)
    return folders  # append a folder to fill it; clear() to empty it again


def test_receipts_to_a_full_stick_say_the_bundles_are_in_and_how_to_write_them_again(linked: Linked, full_stick,
                                                                                    capsys):
    bundle = linked.export()
    receipts = linked.root / "receipts-stick"
    receipts.mkdir()
    full_stick.append(receipts.resolve())
    hub_data = str(linked.hub.dir.parent)
    linked.hub.close()
    rc, out, err = _run(capsys, "--data-dir", hub_data, "hub", "import", str(bundle), "--receipts", str(receipts))
    assert rc == 1, (out, err)
    assert "已导入" in out and "出现意外问题" not in out + err
    assert "回执没有写成" in err and "磁盘空间不足" in err and "再运行一次" in err, err
    assert list(receipts.iterdir()) == [], "a partial or temporary receipt was left on the stick"
    hub = open_hub(Path(hub_data))
    (summary,) = list_villages(hub)
    hub.close()
    assert summary.last_seq == sync_status(linked.store).head  # the bundle itself is in

    full_stick.clear()  # room made on the stick: the same command again writes the receipt
    rc, out, err = _run(capsys, "--data-dir", hub_data, "hub", "import", str(bundle), "--receipts", str(receipts))
    assert rc == 0 and "已导入过" in out and err == "", (out, err)
    (receipt,) = receipts.iterdir()
    assert receipt.name.endswith(".cunwu-receipt")
    from app.sync.export import import_receipt

    assert import_receipt(linked.store, receipt).last_seq == summary.last_seq


def test_public_key_files_to_a_full_stick_give_the_one_plain_message(linked: Linked, full_stick, capsys):
    stick = linked.root / "key-stick"
    stick.mkdir()
    full_stick.append(stick.resolve())
    hub_data = str(linked.hub.dir.parent)
    rc, out, err = _run(capsys, "--data-dir", hub_data, "hub", "key", "export", str(stick / "township.json"))
    assert rc == 1 and "磁盘空间不足" in err and "出现意外问题" not in out + err, (out, err)
    assert list(stick.iterdir()) == []


def test_a_village_key_on_a_full_disk_gives_the_one_plain_message(tmp_path: Path, monkeypatch):
    from app.files import WriteFailed
    from app.keys import village_key_path

    real_write = os.write

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(WriteFailed) as info:
        ensure_village_key(tmp_path / "village")
    monkeypatch.setattr(os, "write", real_write)
    assert "磁盘空间不足" in str(info.value)
    assert not village_key_path(tmp_path / "village").exists()
    assert list((tmp_path / "village" / "keys").iterdir()) == []


def test_a_signed_bundle_with_an_ephemeral_key_of_no_use_is_refused_not_a_crash(linked: Linked, tmp_path: Path):
    """An all-zero X25519 key gives no shared secret: the village's own key signed it, but it cannot be
    decrypted, and the hub says so as for any bundle it cannot decrypt."""
    import base64

    ev = events_file(linked.store, 1)

    def zero_key(manifest: dict) -> None:
        manifest["payload"]["ephemeral"] = base64.b64encode(bytes(32)).decode("ascii")

    path = craft_bundle(tmp_path / "zero.cunwu-sync", code=linked.code, key=linked.village_key,
                        recipient=linked.township, events=ev, members=genuine_members(linked.store, ev),
                        tweak=zero_key)
    before = hub_dump(linked.hub)
    (o,), _ = import_bundles(linked.hub, [path])
    assert o.status == REFUSED and o.reason == "decrypt" and "解密" in o.message
    assert hub_dump(linked.hub) == before
