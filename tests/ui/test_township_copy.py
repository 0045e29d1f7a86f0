"""The township prints a village's notice from its own copy of the village's records (app.hub.village_copy):
the PDF is the village's own, byte for byte, for the same notice and print date (issue 17, "the PDF's
content hash equals the village's"). A notice's 操作日志 line names the head of the village's log, so the
copy carries the events too, not only the records."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest
from sqlalchemy import select

from app.events import AUDITED, head
from app.hub.service import HubError
from app.hub.village_copy import village_copy
from app.schema import open_store
from township_demo import ON_TIME, demo_village, township_copy, village_dir

DAY = dt.date(2026, 12, 1)


def _records(store) -> dict:  # type: ignore[no-untyped-def]
    out = {}
    with store.read() as s:
        for record_type, model in AUDITED.items():
            if record_type == "user":
                continue
            for obj in s.scalars(select(model)):
                out[(record_type, obj.record_id)] = obj.to_record()
    return out


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return township_copy(tmp_path / "data")


def test_the_copy_holds_the_villages_records_and_log_and_prints_its_notices_to_the_same_bytes(data, tmp_path):
    from app.disclosure.models import Notice
    from app.disclosure.printing import notice_pdf_bytes
    from app.disclosure.service import notice_view
    from app.hub.service import open_hub

    code = demo_village(ON_TIME).code
    hub = open_hub(data)
    try:
        folder = village_copy(hub, code, tmp_path / "copy")
    finally:
        hub.close()
    village, copy = open_store(village_dir(data, code)), open_store(folder)
    try:
        assert _records(copy) == _records(village)
        with village.read() as a, copy.read() as b:
            assert head(a) == head(b)
            posted = list(a.scalars(select(Notice.id).where(Notice.state.in_(("posted", "archived")))))
            assert len(posted) >= 5
            for notice_id in posted[:8]:
                ours = notice_pdf_bytes(notice_view(b, notice_id, print_date=DAY))
                theirs = notice_pdf_bytes(notice_view(a, notice_id, print_date=DAY))
                assert hashlib.sha256(ours).hexdigest() == hashlib.sha256(theirs).hexdigest(), notice_id
            # the copy's searches work as the village's (the notice list's search box)
            from app.disclosure.service import NoticeQuery, count_notices

            assert count_notices(b, NoticeQuery(text="财务")) == count_notices(a, NoticeQuery(text="财务")) > 0
    finally:
        village.close()
        copy.close()


def test_a_village_the_hub_does_not_know_gets_a_plain_message_and_nothing_is_made(data, tmp_path):
    from app.hub.service import open_hub

    hub = open_hub(data)
    try:
        with pytest.raises(HubError, match="没有登记"):
            village_copy(hub, "91110000000000000X", tmp_path / "nothing")
    finally:
        hub.close()
    assert not (tmp_path / "nothing").exists()


def test_a_village_with_the_townships_public_address_is_printed_at_the_township_with_the_same_qr(data, tmp_path):
    """A village that set the township's public address (设置 → 村务公开) prints it in its notices' QR codes;
    its next bundle tells the hub, and the township's print is again the village's, byte for byte."""
    from app.config import update_setting
    from app.disclosure.models import Notice
    from app.disclosure.printing import notice_pdf_bytes
    from app.disclosure.public_address import ADDRESS_SETTING
    from app.disclosure.service import notice_view
    from app.hub.service import IMPORTED, import_bundles, open_hub, village_public_address
    from app.people.service import ResidentInput, add_resident
    from app.sync.export import export_bundle
    from conftest import make_id

    code = demo_village(ON_TIME).code
    home = village_dir(data, code)
    update_setting(home, ADDRESS_SETTING, "https://xz.example.gov.cn")
    village = open_store(home)
    try:
        with village.begin("文书") as s:
            add_resident(s, ResidentInput(name="新落户", id_number=make_id(dt.date(1990, 1, 2), 731)))
        (tmp_path / "U盘").mkdir()
        bundle = export_bundle(village, tmp_path / "U盘").path
        hub = open_hub(data)
        try:
            (outcome,), _receipts = import_bundles(hub, [bundle], receipts=tmp_path / "U盘")
            assert outcome.status == IMPORTED, outcome.message
            assert village_public_address(hub, code) == "https://xz.example.gov.cn"
            folder = village_copy(hub, code, tmp_path / "copy")
        finally:
            hub.close()
        copy = open_store(folder)
        try:
            with village.read() as a, copy.read() as b:
                notice_id = a.scalars(select(Notice.id).where(Notice.state.in_(("posted", "archived")))).first()
                theirs = notice_view(a, notice_id, print_date=DAY)
                assert theirs.qr_payload.startswith("https://xz.example.gov.cn/check?code=")
                ours = notice_view(b, notice_id, print_date=DAY)
                assert ours.qr_payload == theirs.qr_payload
                assert notice_pdf_bytes(ours) == notice_pdf_bytes(theirs)
        finally:
            copy.close()
    finally:
        village.close()
