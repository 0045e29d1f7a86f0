"""``cunwu check``: is the store intact and does every record match its log?"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from app.events import AUDITED, GENESIS, VERIFIERS, Event, event_hash
from app.i18n import _


@dataclass(frozen=True)
class Problem:
    where: str   # 'database', 'event 17', 'residents #42'
    what: str    # Chinese description

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


@dataclass
class CheckReport:
    events: int
    records: int
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_store(session: Session, progress: Callable[[int, int], None] | None = None) -> CheckReport:
    from app.schema import load_verifiers

    load_verifiers()  # every audited model and every capability's verifier must be registered

    problems: list[Problem] = []
    integrity = [r[0] for r in session.execute(text("PRAGMA integrity_check"))]
    if integrity != ["ok"]:
        problems.append(Problem(_("数据库"), _("完整性检查未通过:{detail}").format(detail="; ".join(integrity[:3]))))
    for row in session.execute(text("PRAGMA foreign_key_check")):
        problems.append(Problem(f"{row[0]} #{row[1]}", _("引用了不存在的 {parent} 记录").format(parent=row[2])))

    # 1. the chain: gapless, each hash recomputes, each links to the one before
    last: dict[tuple[str, str], Event] = {}
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for ev in session.scalars(select(Event).order_by(Event.seq)).yield_per(2000):
        count += 1
        where = _("事件 {seq}").format(seq=ev.seq)
        if ev.seq != expected_seq:
            problems.append(Problem(where, _("事件序号不连续:应为 {expected}").format(expected=expected_seq)))
            break
        if ev.prev_hash != prev_hash:
            problems.append(Problem(where, _("与前一事件的链接被改动")))
            break
        h = event_hash(ev.prev_hash, ev.seq, ev.time, ev.actor, ev.record_type, ev.record_id, ev.action, ev.content)
        if h != ev.hash:
            problems.append(Problem(where, _("事件内容被改动(哈希不符)")))
            break
        prev_hash, expected_seq = ev.hash, ev.seq + 1
        last[(ev.record_type, ev.record_id)] = ev
        session.expunge(ev)

    # 2. every current record equals its last event; no record without one
    records = 0
    for record_type, model in AUDITED.items():
        table = model.__tablename__  # type: ignore[attr-defined]
        seen: set[str] = set()
        for obj in session.scalars(select(model)).yield_per(2000):  # type: ignore[call-overload]
            records += 1
            rid = obj.record_id
            seen.add(rid)
            where = f"{table} #{rid}"
            ev = last.get((record_type, rid))
            if ev is None or ev.action == "delete":
                problems.append(Problem(where, _("这条记录不是通过本程序写入的(日志里没有它)")))
                continue
            logged = json.loads(ev.content)
            current = obj.to_record()
            diff = [k for k in sorted(set(logged) | set(current)) if logged.get(k) != current.get(k)]
            if diff:
                k = diff[0]
                problems.append(Problem(where, _("字段 {field} 被改动:日志中为 {logged!r},现在为 {current!r}(最后一次合法修改见事件 {seq})").format(
                    field=k, logged=logged.get(k), current=current.get(k), seq=ev.seq)))
            session.expunge(obj)
        for (rt, rid), ev in last.items():
            if rt == record_type and ev.action != "delete" and rid not in seen:
                problems.append(Problem(f"{table} #{rid}", _("记录被删除,但日志里没有删除事件(事件 {seq})").format(seq=ev.seq)))
        if progress:
            progress(records, 0)

    # 3. what each capability checks of its own (app.events.verifier): posted notices and closed minutes still
    # match their hashes, major matters still point to what exists
    for verify in VERIFIERS:
        problems.extend(Problem(where, what) for where, what in verify(session))
    return CheckReport(events=count, records=records, problems=problems)
