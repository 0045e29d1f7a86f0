"""Save a small database of the current schema as tests/fixtures/schema-vN.sqlite3.

Run once when a release raises SCHEMA_VERSION: tests/test_migrations.py then
upgrades every saved version to the current one and checks it clean. The
database holds 柳林村, one resident and one row in each table added since v1
that a service can fill without the desktop program (since v5 the resident is a probationary party
member and a villagers' meeting has a special-majority motion; since v6 an administrator and a
disabled account).
Run: python tools/make_schema_fixture.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.schema.version import SCHEMA_VERSION  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"


def build(target: Path) -> None:
    from app.attachments import add_attachment
    from app.people.service import ResidentInput, add_resident, init_village, list_groups
    from app.people.uscc import make_uscc
    from app.schema import open_store

    import random

    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        store = open_store(data)
        with store.begin("测试") as s:
            init_village(s, name="柳林村", code=make_uscc(random.Random(7), area="371426"), township="石桥镇",
                         county="平原县", groups=["第一村民小组"])
            group = list_groups(s)[0].id
            # v5: a probationary party member (预备党员) with the date of admission
            add_resident(s, ResidentInput(name="张三", id_number=_valid_id(), group_id=group,
                                          birth_date=dt.date(1960, 3, 1), probationary=True,
                                          probation_since=dt.date(2026, 1, 10)))
            photo = data / "board.jpg"
            photo.write_bytes(b"\xff\xd8\xff fixture photo")
            add_attachment(s, data, photo, name="公示栏.jpg", media_type="image/jpeg")
            # v3: a notice (and its search index) and a ledger
            from app.disclosure.service import NoticeDraft, create_notice
            from app.finance.service import import_ledger

            create_notice(s, NoticeDraft(title="2026年第三季度村务公开", category="村务", body="道路维修。"))
            ledger = data / "ledger.csv"
            ledger.write_text("日期,凭证号,摘要,科目,收入,支出,余额\n2026-01-01,,上年结转,,,,1000.00\n"
                              "2026-01-05,记-001,鱼塘承包费,发包及上交收入,500.00,,1500.00\n", encoding="utf-8")
            import_ledger(s, ledger, year=2026)
            # v4: a meeting with its attendance, agenda and a motion (and the minutes' search index)
            from app.meetings.service import MeetingInput, add_motion, create_meeting

            meeting = create_meeting(s, MeetingInput(kind="村民小组会议", title="第一组道路维修会议",
                                                     date=dt.date(2026, 3, 2), group_id=group, agenda_text="道路维修"))
            add_motion(s, meeting.id, text="同意维修组内道路")
            # v5: a villagers' meeting's motion under a special majority (农村土地承包法 Art. 52)
            villagers = create_meeting(s, MeetingInput(kind="村民会议", title="村东荒坡发包村民会议",
                                                       date=dt.date(2026, 4, 2), agenda_text="荒坡发包"))
            add_motion(s, villagers.id, text="同意将村东荒坡发包给县林果公司", special="TDCB-52")
            # v6: an administrator and a disabled (停用) account
            from app.accounts.service import add_user, set_disabled

            add_user(s, "管理员老张", "管理员", "liulin-admin-2026")
            add_user(s, "文书小王", "文书/会计", "xiaowang-wenshu")
            set_disabled(s, "文书小王", True)
        store.close()
        con = sqlite3.connect(data / "cunwu.sqlite3")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        con.execute("PRAGMA journal_mode=DELETE")
        con.close()
        shutil.copy(data / "cunwu.sqlite3", target)


def _valid_id() -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    body = "37010219600301011"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights)) % 11]


if __name__ == "__main__":
    out = FIXTURES / f"schema-v{SCHEMA_VERSION}.sqlite3"
    build(out)
    print(out)
