"""The village as a clerk, a township and a careless or dishonest hand use it, in random order (issue 14,
build 2): a Hypothesis state machine.

Steps: add and edit residents; draft, review and approve, post and correct notices; issue and void
certificates; hold and close meetings; export a bundle to the township's hub and import its receipt; back
up and restore; try to change what is frozen through the services; and raw SQL edits behind the
program's back (a posted notice's text, an issued certificate's name, a closed meeting's notes, a deleted
event). After every step:

- posted notices, issued certificates and closed minutes read exactly as when they were frozen
  (村民委员会组织法 第三十条: what is posted must be true; the services refuse every later edit);
- every year's serials of every certificate kind run 1, 2, 3 ... without a gap;
- ``cunwu check`` passes exactly when no raw edit is in the store, and names each edit (its table and
  row, or the event) when there is one.
"""

from __future__ import annotations

import atexit
import datetime as dt
import itertools
import re
import shutil
import sqlite3
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, precondition, rule

from conftest import make_id
from hardening_profile import examples, machine
from village_helper import DAY, RESIDENCE, add_records, build_village

names = st.text(alphabet="张王李赵刘陈杨黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕", min_size=2, max_size=3)
words = st.text(alphabet="村道路硬化低保公示补贴修缮水渠方案同意反对会议决定资金收支2026年月日,。", min_size=1, max_size=40)

_template: Path | None = None


def template() -> Path:
    """The small village of village_helper (linked to its hub), built once and copied for every run."""
    global _template
    if _template is None:
        root = Path(tempfile.mkdtemp(prefix="village-machine-"))
        atexit.register(shutil.rmtree, root, ignore_errors=True)
        build_village(root)
        add_records(root)
        for d in ("stick", "backups", "aside"):
            (root / d).mkdir()
        _template = root
    return _template


@dataclass
class Model:
    """What the village should be: the frozen records as frozen, and the raw edits made behind its back."""

    notices: dict[int, tuple[Any, ...]] = field(default_factory=dict)       # posted: id -> frozen content
    certificates: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # issued: serial -> frozen content
    meetings: dict[int, tuple[Any, ...]] = field(default_factory=dict)      # closed: id -> frozen content
    drafts: list[int] = field(default_factory=list)
    approved: list[int] = field(default_factory=list)
    open_meetings: list[int] = field(default_factory=list)
    residents: list[int] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    edits: list[tuple[str, ...]] = field(default_factory=list)  # ("notices", id) ... or ("events", seq, table, id)

    def copy(self) -> Model:
        return replace(self, notices=dict(self.notices), certificates=dict(self.certificates),
                       meetings=dict(self.meetings), drafts=list(self.drafts), approved=list(self.approved),
                       open_meetings=list(self.open_meetings), residents=list(self.residents), voided=list(self.voided),
                       edits=list(self.edits))


def _notice(n: Any) -> tuple[Any, ...]:
    return (n.number, n.title, n.body, repr(n.tables), n.content_hash, n.posted_from, n.posted_until)


def _certificate(c: Any) -> tuple[Any, ...]:
    return (c.serial, c.kind_code, c.applicant_name, c.applicant_id_number, c.purpose, c.body, c.issue_date,
            c.qr_payload, c.check_code, c.verified_by, c.approver)


def _meeting(m: Any) -> tuple[Any, ...]:
    return (m.title, m.date, m.notes, m.agenda_text, m.content_hash, m.closed_at,
            repr([(a.title, a.discussion) for a in m.agenda]), repr([(x.text, x.votes_for) for x in m.motion_list]))


class Village(RuleBasedStateMachine):
    backups = Bundle("backups")

    def __init__(self) -> None:
        super().__init__()
        from app.certificates.catalogue import load_catalogues
        from app.hub.service import open_hub
        from app.keys import load_village_key
        from app.people.models import Resident
        from app.schema import open_store
        from sqlalchemy import select

        self.root = Path(tempfile.mkdtemp(prefix="village-run-"))
        shutil.copytree(template(), self.root, dirs_exist_ok=True)
        self.store = open_store(self.root / "village")
        self.hub = open_hub(self.root / "township")
        self.key = load_village_key(self.store.data_dir)
        self.catalogues = load_catalogues(None)
        self.model = Model()
        self.people = itertools.count(100)
        self.backup_models: dict[str, Model] = {}
        self.cert_ids: dict[str, int] = {}
        from app.certificates.models import Certificate
        from app.certificates.service import get_certificate
        from app.disclosure.models import Notice
        from app.disclosure.service import get_notice
        from app.meetings import service as ms
        from app.meetings.models import Meeting

        with self.store.read() as s:  # what village_helper.add_records froze: a notice, minutes, a certificate
            self.model.residents = list(s.scalars(select(Resident.id).where(Resident.name.in_(["张三", "李四"]))))
            for nid in s.scalars(select(Notice.id).where(Notice.state == "posted")):
                self.model.notices[nid] = _notice(get_notice(s, nid))
            for mid in s.scalars(select(Meeting.id).where(Meeting.closed_at.is_not(None), Meeting.closed_at != "")):
                self.model.meetings[mid] = _meeting(ms.get_meeting(s, mid))
            for cid, serial in s.execute(select(Certificate.id, Certificate.serial).where(Certificate.serial.is_not(None))):
                self.model.certificates[serial] = _certificate(get_certificate(s, serial))
                self.cert_ids[serial] = cid

    def teardown(self) -> None:
        self.store.close()
        self.hub.close()
        shutil.rmtree(self.root, ignore_errors=True)

    # ------------------------------------------------------------ residents

    @rule(name=names, year=st.integers(1940, 2005))
    def add_resident(self, name: str, year: int) -> None:
        from app.people.service import ResidentInput, add_resident

        with self.store.begin("王文书") as s:
            rid = add_resident(s, ResidentInput(name=name, id_number=make_id(dt.date(year, 6, 1), next(self.people)),
                                                phone="13800138000")).id
        self.model.residents.append(rid)

    @rule(data=st.data(), phone=st.sampled_from(["13900139000", "13700137000", ""]))
    def edit_resident(self, data: st.DataObject, phone: str) -> None:
        from app.people.service import ResidentInput, get_resident, update_resident

        rid = data.draw(st.sampled_from(self.model.residents))
        with self.store.begin("王文书") as s:
            r = get_resident(s, rid)
            update_resident(s, rid, ResidentInput(name=r.name, id_number=r.id_number, group_id=r.group_id,
                                                  phone=phone))

    # ------------------------------------------------------------ notices

    @rule(title=words, body=words)
    def draft_notice(self, title: str, body: str) -> None:
        from app.disclosure.service import NoticeDraft, create_notice

        with self.store.begin("王文书") as s:
            self.model.drafts.append(create_notice(s, NoticeDraft(title=title, category="村务", body=body)).id)

    @precondition(lambda self: self.model.drafts)
    @rule(data=st.data())
    def review_and_approve(self, data: st.DataObject) -> None:
        from app.disclosure.service import approve, record_review, submit_for_review

        nid = data.draw(st.sampled_from(self.model.drafts))
        with self.store.begin("王文书") as s:
            submit_for_review(s, nid)
            record_review(s, nid, reviewers=["刘监督", "陈委员"], date=DAY, opinion="内容属实")
            approve(s, nid, approver="张三", date=DAY)
        self.model.drafts.remove(nid)
        self.model.approved.append(nid)

    @precondition(lambda self: self.model.approved)
    @rule(data=st.data())
    def post(self, data: st.DataObject) -> None:
        from app.disclosure.service import get_notice, post_notice

        nid = data.draw(st.sampled_from(self.model.approved))
        with self.store.begin("王文书") as s:
            post_notice(s, nid, posted_from=DAY, posted_until=DAY + dt.timedelta(days=9))
            self.model.notices[nid] = _notice(get_notice(s, nid))
        self.model.approved.remove(nid)

    @precondition(lambda self: self.model.notices)
    @rule(data=st.data(), reason=words)
    def correct(self, data: st.DataObject, reason: str) -> None:
        from app.disclosure.service import start_correction

        nid = data.draw(st.sampled_from(sorted(self.model.notices)))
        with self.store.begin("王文书") as s:
            self.model.drafts.append(start_correction(s, nid, reason=reason).id)

    # ------------------------------------------------------------ certificates

    @rule(data=st.data(), purpose=st.sampled_from(["办理居住证", "子女入学", "申领补贴"]))
    def issue(self, data: st.DataObject, purpose: str) -> None:
        from app.certificates.service import Approval, CheckRecord, IssueRequest, issue_certificate

        rid = data.draw(st.sampled_from(self.model.residents))
        req = IssueRequest(kind="SD-01", purpose=purpose, resident_id=rid, fields=dict(RESIDENCE),
                           check=CheckRecord("王文书", "实际居住情况", "户口簿"), approval=Approval("张三", "主任"))
        with self.store.begin("王文书") as s:
            out = issue_certificate(s, req, catalogues=self.catalogues, signer=self.key, today=DAY)
        if out.status == "issued":
            self.model.certificates[out.certificate.serial] = _certificate(out.certificate)
            self.cert_ids[out.certificate.serial] = out.certificate.id

    def _voidable(self) -> list[str]:
        # a certificate edited in the shell is not voided here: that its void writes the edit into the log
        # is held by test_an_edit_a_later_void_wrote_into_the_log_is_still_named below
        edited = {e[1] for e in self.model.edits if e[0] == "certificates"}
        return sorted(serial for serial, content in self.model.certificates.items()
                      if serial not in self.model.voided and str(self.cert_ids[serial]) not in edited)

    @precondition(lambda self: self._voidable())
    @rule(data=st.data())
    def void(self, data: st.DataObject) -> None:
        from app.certificates.service import void_certificate

        serial = data.draw(st.sampled_from(self._voidable()))
        with self.store.begin("王文书") as s:
            void_certificate(s, serial, "填写有误,收回作废")
        self.model.voided.append(serial)

    # ------------------------------------------------------------ meetings

    @rule(title=words, discussion=words)
    def hold_meeting(self, title: str, discussion: str) -> None:
        from app.meetings import service as ms

        with self.store.begin("王文书") as s:
            m = ms.create_meeting(s, ms.MeetingInput(kind="两委联席会议", title=title, date=DAY, place="村委会",
                                                     chair="张三", recorder="王文书", agenda_text=title))
            if m.agenda:
                ms.update_agenda_item(s, m.agenda[0].id, title=m.agenda[0].title, discussion=discussion)
        self.model.open_meetings.append(m.id)

    @precondition(lambda self: self.model.open_meetings)
    @rule(data=st.data())
    def close_meeting(self, data: st.DataObject) -> None:
        from app.meetings import service as ms

        mid = data.draw(st.sampled_from(self.model.open_meetings))
        with self.store.begin("王文书") as s:
            ms.close_meeting(s, mid)
            self.model.meetings[mid] = _meeting(ms.get_meeting(s, mid))
        self.model.open_meetings.remove(mid)

    # ------------------------------------------------------------ the services refuse to change what is frozen

    @precondition(lambda self: self.model.notices or self.model.meetings)
    @rule(data=st.data(), text=words)
    def try_to_change_frozen(self, data: st.DataObject, text: str) -> None:
        from app.disclosure.service import NoticeDraft, update_notice
        from app.errors import UserError
        from app.meetings import service as ms

        frozen = [("notice", k) for k in self.model.notices] + [("meeting", k) for k in self.model.meetings]
        what, rid = data.draw(st.sampled_from(sorted(frozen)))
        try:
            with self.store.begin("王文书") as s:
                if what == "notice":
                    update_notice(s, rid, NoticeDraft(title=text, category="村务", body=text))
                else:
                    ms.update_meeting(s, rid, ms.MeetingInput(kind="两委联席会议", title=text, date=DAY, notes=text))
        except UserError:
            return
        raise AssertionError(f"the service changed the frozen {what} {rid}")

    # ------------------------------------------------------------ sync, backup, restore

    @rule()
    def sync(self) -> None:
        from app.errors import UserError
        from app.hub.service import IMPORTED, import_bundles
        from app.sync.export import export_bundle, import_receipt

        stick = self.root / "stick"
        for old in stick.iterdir():
            old.unlink()
        try:
            result = export_bundle(self.store, stick)
        except UserError:
            assert self.model.edits, "export refused although nothing was edited behind the program's back"
            return
        if result.path is None:
            return
        outcomes, written = import_bundles(self.hub, [result.path], receipts=stick)
        if self.model.edits or self.restored_since_sync:
            return  # an edited or rolled-back village may be refused; the hub's tests hold the reasons
        assert [o.status for o in outcomes] == [IMPORTED], outcomes
        for receipt in stick.glob("*.cunwu-receipt"):
            import_receipt(self.store, receipt)

    restored_since_sync = False

    @rule(target=backups)
    def backup(self) -> str:
        from app.backup import make_backup

        info = make_backup(self.store.db_path, self.root / "backups", kind="manual")
        self.backup_models[str(info.path)] = self.model.copy()
        return str(info.path)

    @rule(path=backups)
    def restore(self, path: str) -> None:
        from app.backup import restore_backup
        from app.errors import UserError
        from app.schema import open_store

        if not Path(path).exists():
            return  # rotated away
        saved = self.backup_models[path]
        self.store.close()
        try:
            restore_backup(Path(path), self.store.db_path, aside_dir=self.root / "aside",
                           required_tables=("events", "village", "residents", "schema_version"))
        except UserError:
            assert saved.edits, "a backup of an unedited village was refused"
        else:
            self.model = saved.copy()
            self.restored_since_sync = True
        finally:
            self.store = open_store(self.root / "village")

    # ------------------------------------------------------------ behind the program's back

    def _raw(self, sql: str, *params: Any) -> int:
        con = sqlite3.connect(self.store.db_path)
        try:
            n = con.execute(sql, params).rowcount
            con.commit()
            return n
        finally:
            con.close()

    @precondition(lambda self: self.model.notices)
    @rule(data=st.data())
    def tamper_notice(self, data: st.DataObject) -> None:
        nid = data.draw(st.sampled_from(sorted(self.model.notices)))
        self._raw("UPDATE notices SET body = body || '(已改)' WHERE id = ?", nid)
        self.model.edits.append(("notices", str(nid)))

    @precondition(lambda self: self.model.certificates)
    @rule(data=st.data())
    def tamper_certificate(self, data: st.DataObject) -> None:
        serial = data.draw(st.sampled_from(sorted(self.model.certificates)))
        con = sqlite3.connect(self.store.db_path)
        try:
            (cid,) = con.execute("SELECT id FROM certificates WHERE serial = ?", (serial,)).fetchone()
        finally:
            con.close()
        self._raw("UPDATE certificates SET applicant_name = '冒名' || applicant_name WHERE id = ?", cid)
        self.model.edits.append(("certificates", str(cid)))

    @precondition(lambda self: self.model.meetings)
    @rule(data=st.data())
    def tamper_minutes(self, data: st.DataObject) -> None:
        mid = data.draw(st.sampled_from(sorted(self.model.meetings)))
        self._raw("UPDATE meetings SET notes = notes || '(会后补写)' WHERE id = ?", mid)
        self.model.edits.append(("meetings", str(mid)))

    @rule(data=st.data())
    def delete_event(self, data: st.DataObject) -> None:
        """An event from the middle of the log (the last one is the township's to notice: its receipt)."""
        from app.events import AUDITED

        con = sqlite3.connect(self.store.db_path)
        try:
            seqs = [r[0] for r in con.execute("SELECT seq FROM events ORDER BY seq")][:-1]
            if not seqs:  # every event but the last is gone already
                return
            seq = data.draw(st.sampled_from(seqs))
            record_type, record_id = con.execute(
                "SELECT record_type, record_id FROM events WHERE seq = ?", (seq,)).fetchone()
        finally:
            con.close()
        self._raw("DELETE FROM events WHERE seq = ?", seq)
        self.model.edits.append(("events", str(seq), AUDITED[record_type].__tablename__, str(record_id)))

    # ------------------------------------------------------------ invariants

    @invariant()
    def frozen_records_are_unchanged(self) -> None:
        from app.certificates.service import get_certificate
        from app.disclosure.service import get_notice
        from app.meetings import service as ms

        edited = {(e[0], e[1]) for e in self.model.edits}
        with self.store.read() as s:
            for nid, content in self.model.notices.items():
                if ("notices", str(nid)) not in edited:
                    assert _notice(get_notice(s, nid)) == content, f"posted notice {nid} changed"
            for serial, content in self.model.certificates.items():
                c = get_certificate(s, serial)
                if ("certificates", str(c.id)) not in edited:
                    assert _certificate(c) == content, f"issued certificate {serial} changed"
            for mid, content in self.model.meetings.items():
                if ("meetings", str(mid)) not in edited:
                    assert _meeting(ms.get_meeting(s, mid)) == content, f"closed minutes {mid} changed"

    @invariant()
    def serials_have_no_gap(self) -> None:
        con = sqlite3.connect(f"file:{self.store.db_path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT serial FROM certificates WHERE serial IS NOT NULL").fetchall()
        finally:
            con.close()
        runs: dict[str, list[int]] = defaultdict(list)
        for (serial,) in rows:
            prefix, number = serial.rsplit("-", 1)
            runs[prefix].append(int(number))
        for prefix, numbers in runs.items():
            assert sorted(numbers) == list(range(1, len(numbers) + 1)), f"{prefix}: {sorted(numbers)}"

    @invariant()
    def check_sees_exactly_the_raw_edits(self) -> None:
        from app.check import check_store

        with self.store.read() as s:
            problems = [str(p) for p in check_store(s).problems]
        if not self.model.edits:
            assert problems == [], f"cunwu check complains although nothing was edited: {problems[:3]}"
            return
        assert problems, f"cunwu check passes after {self.model.edits}"
        for edit in self.model.edits:
            if edit[0] == "events":
                seq = int(edit[1])
                said = [f"事件 {seq}:", f"事件 {seq + 1}:", f"{edit[2]} #{edit[3]}:"]
            else:
                said = [f"{edit[0]} #{edit[1]}:"]
            assert any(p.startswith(tuple(said)) or any(w in p for w in said) or _names_missing(p, edit)
                       for p in problems), f"cunwu check does not name {edit}: {problems}"


# a case takes under a second here, so the short form tries more of them than the profile's default
Village.TestCase.settings = settings(machine, max_examples=examples(30, 400))
test_village = Village.TestCase


def _names_missing(problem: str, edit: tuple[str, ...]) -> bool:
    """A deleted event is named when a finding says it is missing: 缺少事件 19, or 缺少事件 18 至 21."""
    if edit[0] != "events":
        return False
    found = re.search(r"缺少事件 (\d+)(?: 至 (\d+))?", problem)
    if found is None:
        return False
    first = int(found.group(1))
    last = int(found.group(2) or first)
    return first <= int(edit[1]) <= last


def test_an_edit_a_later_void_wrote_into_the_log_is_still_named(tmp_path: Path):
    """Found by the machine: a certificate's name changed in the sqlite3 shell, then the certificate voided
    through the program. The void's event carries the changed name, so the record matches its last event;
    `cunwu check` must still name the certificate (its signed QR text and its issuing event say otherwise)."""
    from app.certificates.catalogue import load_catalogues
    from app.certificates.service import Approval, CheckRecord, IssueRequest, issue_certificate, void_certificate
    from app.check import check_store
    from app.keys import load_village_key
    from app.people.models import Resident
    from app.schema import open_store
    from sqlalchemy import select

    build_village(tmp_path)
    store = open_store(tmp_path / "village")
    with store.begin("王文书") as s:
        lisi = s.scalar(select(Resident.id).where(Resident.name == "李四"))
        out = issue_certificate(s, IssueRequest(kind="SD-01", purpose="办理居住证", resident_id=lisi,
                                                fields=dict(RESIDENCE), check=CheckRecord("王文书", "实际居住情况", "户口簿"),
                                                approval=Approval("张三", "主任")),
                                catalogues=load_catalogues(None), signer=load_village_key(store.data_dir), today=DAY)
    cid, serial = out.certificate.id, out.certificate.serial
    con = sqlite3.connect(store.db_path)
    con.execute("UPDATE certificates SET applicant_name = '冒名' WHERE id = ?", (cid,))
    con.commit()
    con.close()
    with store.read() as s:
        assert any(str(p).startswith(f"certificates #{cid}:") for p in check_store(s).problems)
    with store.begin("王文书") as s:
        void_certificate(s, serial, "填写有误,收回作废")
    with store.read() as s:
        problems = [str(p) for p in check_store(s).problems]
    store.close()
    assert any(p.startswith(f"certificates #{cid}:") for p in problems), (
        f"the changed name was written into the log by the void and check no longer sees it: {problems}")
