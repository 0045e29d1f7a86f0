"""A small village for the hardening suite, built with the services as a clerk builds it: four residents,
张三 as 村民委员会主任, a supervision committee that may review notices, the village key, and the
township's hub with the village enrolled and the township's key installed.

    root/village   the village's data directory
    root/township  the township hub's data directory
    root/files     the village's identity file and the township's key file
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from conftest import make_id, village_code

DAY = dt.date(2026, 11, 2)
TERM = (dt.date(2026, 5, 1), dt.date(2031, 4, 30))
RESIDENCE = {"address": "第一村民小组12号", "since": "2019年3月"}


def build_village(root: Path) -> None:
    from app.hub.service import enroll, init_hub
    from app.keys import ensure_village_key, trust_township, write_identity_file, write_township_file
    from app.people.roles import add_member
    from app.people.service import ResidentInput, add_resident, assign_role, init_village, list_groups
    from app.schema import open_store

    (root / "files").mkdir(parents=True, exist_ok=True)
    store = open_store(root / "village")
    with store.begin("测试") as s:
        v = init_village(s, name="柳林村", code=village_code(), township="石桥镇", county="平原县",
                         groups=["第一村民小组", "第二村民小组"])
        g1 = list_groups(s)[0].id
        ids = {}
        for name, birth, seq in (("张三", dt.date(1960, 3, 1), 11), ("李四", dt.date(1985, 7, 9), 22),
                                 ("刘监督", dt.date(1965, 4, 1), 31), ("陈委员", dt.date(1966, 4, 1), 41)):
            ids[name] = add_resident(s, ResidentInput(name=name, id_number=make_id(birth, seq), group_id=g1)).id
        assign_role(s, resident_id=ids["张三"], body="村民委员会", title="主任", term_start=dt.date(2021, 5, 1))
        add_member(s, resident_id=ids["刘监督"], title="主任", term_start=TERM[0], term_end=TERM[1])
        add_member(s, resident_id=ids["陈委员"], title="委员", term_start=TERM[0], term_end=TERM[1])
    ensure_village_key(store.data_dir)
    hub = init_hub(root / "township", "石桥镇")
    write_identity_file(store.data_dir, root / "files" / "village-id.json", code=v.code, name=v.name,
                        township=v.township)
    write_township_file(hub.secrets.public, root / "files" / "township-key.json")
    trust_township(store.data_dir, root / "files" / "township-key.json")
    enroll(hub, root / "files" / "village-id.json")
    hub.close()
    store.close()


def add_records(root: Path) -> None:
    """A posted notice with a villager's question answered, closed minutes and an issued certificate."""
    from app.certificates.catalogue import load_catalogues
    from app.certificates.service import Approval, CheckRecord, IssueRequest, issue_certificate
    from app.disclosure.service import (NoticeDraft, add_feedback, answer_feedback, approve, create_notice,
                                        post_notice, record_review, submit_for_review)
    from app.keys import load_village_key
    from app.meetings import service as ms
    from app.people.models import Resident
    from app.schema import open_store
    from sqlalchemy import select

    store = open_store(root / "village")
    with store.begin("王文书") as s:
        nid = create_notice(s, NoticeDraft(title="2026年10月低保对象公示", category="村务",
                                           body="经村民代表评议,以下农户拟纳入低保。如有异议请联系村委会。")).id
        submit_for_review(s, nid)
        record_review(s, nid, reviewers=["刘监督", "陈委员"], date=DAY, opinion="内容属实")
        approve(s, nid, approver="张三", date=DAY)
        post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=9))
        fid = add_feedback(s, nid, asker="李四", question="评议结果什么时候公布?", asked_on=DAY).id
        answer_feedback(s, fid, answer="公示期满后公布。", answered_by="张三", answered_on=DAY)
        m = ms.create_meeting(s, ms.MeetingInput(kind="两委联席会议", title="商议村道硬化", date=DAY, place="村委会",
                                                 chair="张三", recorder="王文书", agenda_text="村道硬化方案"))
        ms.update_agenda_item(s, m.agenda[0].id, title="村道硬化方案", discussion="大家同意用碎石铺设村东道路。")
        ms.close_meeting(s, m.id)
        lisi = s.scalar(select(Resident.id).where(Resident.name == "李四"))
        issue_certificate(s, IssueRequest(kind="SD-01", purpose="办理居住证", resident_id=lisi, fields=dict(RESIDENCE),
                                          check=CheckRecord("王文书", "实际居住情况", "户口簿"),
                                          approval=Approval("张三", "主任")),
                          catalogues=load_catalogues(None), signer=load_village_key(store.data_dir), today=DAY)
    store.close()
