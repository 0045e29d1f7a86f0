"""``cunwu check``: is the store intact and does every record match its log?

It reports what it finds and never stops half-way: a value no program writes (a birth date of "garbage", a
word in a number column) is a finding naming its table, row and field, and the rest is checked as before.
Besides the database it looks at what the database stands for: every attachment's file on disk against its
hash, and the local log against what the township has confirmed receiving (a receipt)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy import types as sqltypes
from sqlalchemy.orm import Session

from app.events import AUDITED, GENESIS, VERIFIERS, Event, event_hash
from app.i18n import _

log = logging.getLogger(__name__)
# what a bad value stops while it is read: a date that is no date, a number that is none, JSON that is not
_BAD_DATA = (ValueError, TypeError, ArithmeticError, LookupError, AttributeError)


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


def check_store(session: Session, progress: Callable[[int, int], None] | None = None, *,
                data_dir: Path | None = None, attachment_files: bool = True) -> CheckReport:
    """Check the store ``session`` reads. ``data_dir`` (where the attachments are) defaults to the folder of
    the database file; ``attachment_files=False`` leaves out the files on disk (a backup holds none)."""
    from sqlalchemy.exc import DatabaseError

    from app.schema import load_verifiers

    load_verifiers()  # every audited model and every capability's verifier must be registered

    problems: list[Problem] = []
    counts = [0, 0]
    try:
        _check(session, progress, data_dir, problems, counts, attachment_files)
    except DatabaseError as exc:  # pages SQLite cannot read: what was found so far, and that
        log.warning("the database could not be read to its end", exc_info=True)
        problems.append(Problem(_("数据库"), _("数据库文件已损坏,没能检查完({reason})。请从备份恢复(cunwu restore)。").format(
            reason=getattr(exc, "orig", exc))))
    return CheckReport(events=counts[0], records=counts[1], problems=problems)


def _check(session: Session, progress: Callable[[int, int], None] | None, data_dir: Path | None,
           problems: list[Problem], counts: list[int], attachment_files: bool) -> None:
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
        # every break is named, not only the first: the scan goes on from the event as it stands, so two
        # events deleted at two places are two findings
        if ev.seq != expected_seq:
            missing = str(expected_seq) if ev.seq == expected_seq + 1 else _("{first} 至 {last}").format(
                first=expected_seq, last=ev.seq - 1)
            problems.append(Problem(where, _("事件序号不连续:缺少事件 {missing}(被删除了),应为 {expected}").format(
                missing=missing, expected=expected_seq)))
        elif ev.prev_hash != prev_hash:
            problems.append(Problem(where, _("与前一事件的链接被改动")))
        try:
            h = event_hash(ev.prev_hash, ev.seq, ev.time, ev.actor, ev.record_type, ev.record_id, ev.action,
                           ev.content)
        except _BAD_DATA:  # a field that is not text at all (a blob written in the sqlite3 shell)
            h = None
        if h != ev.hash:
            problems.append(Problem(where, _("事件内容被改动(哈希不符)")))
        prev_hash, expected_seq = ev.hash, ev.seq + 1
        counts[0] = count
        last[(ev.record_type, ev.record_id)] = ev
        session.expunge(ev)

    # 2. values no program writes: found before anything reads the rows as dates, numbers and yes/no
    bad = _bad_values(session)
    for (table, rid), fields in sorted(bad.items()):
        record_type = next((rt for rt, m in AUDITED.items() if m.__tablename__ == table), None)  # type: ignore[attr-defined]
        ev = last.get((record_type, rid)) if record_type else None
        logged = _logged(ev) if ev is not None else None
        for field, value, kind in fields:
            what = _("字段 {field} 的值 {value} 不是有效的{kind},程序读不了它").format(
                field=field, value=_shown(value), kind=kind)
            if logged is not None and field in logged:
                what += _("(日志中为 {logged!r},见事件 {seq})").format(logged=logged[field], seq=ev.seq)  # type: ignore[union-attr]
            problems.append(Problem(f"{table} #{rid}", what))

    # 3. every current record equals its last event; no record without one
    records = 0
    user_digests: dict[str, list[str]] = {}
    for record_type, model in AUDITED.items():
        table = model.__tablename__  # type: ignore[attr-defined]
        unreadable = {rid for (t, rid) in bad if t == table}
        added_later: frozenset[str] = getattr(model, "__added_later__", frozenset())
        seen: set[str] = set(unreadable)
        query = select(model)  # type: ignore[call-overload]
        if unreadable:
            query = query.where(model.id.not_in(_ids(model, unreadable)))  # type: ignore[attr-defined]
        objects: list[tuple[str, dict[str, Any]]] = []
        try:
            for obj in session.scalars(query).yield_per(2000):
                objects.append((obj.record_id, obj.to_record()))
                session.expunge(obj)
        except _BAD_DATA as exc:  # a kind of value the scan above does not know: say so, check the rest
            log.warning("could not read %s", table, exc_info=True)
            problems.append(Problem(table, _("有记录含有程序读不了的值,这张表没能逐条核对({error})").format(
                error=_error(exc))))
            continue
        if record_type == "user":
            for _rid, current in objects:
                user_digests.setdefault(current.get("password_digest"), []).append(str(current.get("name")))
        for rid, current in objects:
            records += 1
            counts[1] = records
            seen.add(rid)
            where = f"{table} #{rid}"
            ev = last.get((record_type, rid))
            if ev is None or ev.action == "delete":
                problems.append(Problem(where, _("这条记录不是通过本程序写入的(日志里没有它)")))
                continue
            logged = _logged(ev)
            if logged is None:
                problems.append(Problem(where, _("日志中这条记录的内容读不出来(事件 {seq})").format(seq=ev.seq)))
                continue
            diff = [k for k in sorted(set(logged) | set(current))
                    if logged.get(k) != current.get(k) and not (k in added_later and k not in logged)]
            if diff:
                k = diff[0]
                if k == "password_digest":
                    what = _("用户“{name}”的密码被换过,但日志里没有这次修改(最后一次合法修改见事件 {seq})").format(
                        name=current.get("name"), seq=ev.seq)
                    others = [n for n in user_digests.get(current.get(k), []) if n != current.get("name")]
                    if others:
                        what += _(";现在它的密码与用户“{other}”的完全相同,是从那里抄来的").format(other="”“".join(others))
                    problems.append(Problem(where, what))
                else:
                    problems.append(Problem(where, _("字段 {field} 被改动:日志中为 {logged!r},现在为 {current!r}(最后一次合法修改见事件 {seq})").format(
                        field=k, logged=logged.get(k), current=current.get(k), seq=ev.seq)))
        for (rt, rid), ev in last.items():
            if rt == record_type and ev.action != "delete" and rid not in seen:
                problems.append(Problem(f"{table} #{rid}", _("记录被删除,但日志里没有删除事件(事件 {seq})").format(seq=ev.seq)))
        if progress:
            progress(records, 0)

    # 4. the log still reaches as far as the township has confirmed (and the exports went)
    problems.extend(_against_receipts(session))

    # 5. the attachments' files on disk still have the content their records name
    folder = data_dir if data_dir is not None else _data_dir(session)
    if folder is not None and attachment_files:
        from app.attachments import verify_files

        skip = {rid for (t, rid) in bad if t == "attachments"}
        problems.extend(Problem(where, what) for where, what in verify_files(session, folder, skip))

    # 6. an issued certificate still says what its signed QR code says (a later write, such as voiding it,
    # would otherwise carry an edit made behind the program's back into the log as if it were legitimate)
    skip_certificates = {rid for (t, rid) in bad if t == "certificates"}
    problems.extend(_certificates(session, folder, skip_certificates))

    # 7. what each capability checks of its own (app.events.verifier): posted notices and closed minutes still
    # match their hashes, major matters still point to what exists
    for verify in VERIFIERS:
        try:
            found = verify(session)
        except _BAD_DATA as exc:
            log.warning("verifier %s stopped", getattr(verify, "__name__", verify), exc_info=True)
            problems.append(Problem(_("数据库"), _("有记录含有程序读不了的值,其中一项核对没能做完({error})。"
                                                  "请先处理上面列出的问题。").format(error=_error(exc))))
            continue
        problems.extend(Problem(where, what) for where, what in found)
    counts[:] = [count, records]


def _logged(ev: Event) -> dict[str, Any] | None:
    try:
        content = json.loads(ev.content)
    except (ValueError, TypeError):
        return None
    return content if isinstance(content, dict) else None


def _shown(value: Any) -> str:
    if isinstance(value, bytes):
        return _("(一段二进制数据,{n} 字节)").format(n=len(value))
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "…"


def _error(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:120]


def _ids(model: Any, rids: set[str]) -> list[Any]:
    out: list[Any] = []
    for rid in rids:
        out.append(rid)
        try:
            out.append(int(rid))
        except ValueError:
            pass
    return out


def _data_dir(session: Session) -> Path | None:
    database = session.get_bind().url.database
    if not database or database == ":memory:":
        return None
    return Path(database).parent


# ---------------------------------------------------------------- values no program writes


def _kind(column_type: Any) -> str | None:
    """The kind of value a column holds, as the findings name it; None for a column not checked."""
    if isinstance(column_type, sqltypes.DateTime):
        return _("日期时间")
    if isinstance(column_type, sqltypes.Date):
        return _("日期")
    if isinstance(column_type, sqltypes.Time):
        return _("时间")
    if isinstance(column_type, sqltypes.Boolean):
        return _("是/否值")
    if isinstance(column_type, sqltypes.Integer):
        return _("整数")
    if isinstance(column_type, sqltypes.Numeric):  # Float too
        return _("数字")
    if isinstance(column_type, sqltypes.String):  # Text too
        return _("文字")
    return None


def _suspect(name: str, column_type: Any) -> str:
    """SQL that is true for every stored value the program could not read back (and for few others)."""
    c = f'"{name}"'
    if isinstance(column_type, sqltypes.DateTime):
        return (f"({c} IS NOT NULL AND (typeof({c}) != 'text' OR datetime({c}) IS NULL"
                f" OR substr({c}, 1, 10) IS NOT date({c}) OR substr({c}, 9, 2) > '28'))")
    if isinstance(column_type, sqltypes.Date):
        # SQLite's date() lets 2 月 30 日 pass: the days after the 28th are read again in Python
        return f"({c} IS NOT NULL AND (typeof({c}) != 'text' OR date({c}) IS NOT {c} OR substr({c}, 9, 2) > '28'))"
    if isinstance(column_type, sqltypes.Time):
        return f"({c} IS NOT NULL AND (typeof({c}) != 'text' OR time({c}) IS NULL))"
    if isinstance(column_type, sqltypes.Boolean):
        return f"(typeof({c}) NOT IN ('integer', 'null') OR {c} NOT IN (0, 1))"
    if isinstance(column_type, sqltypes.Integer):
        return f"typeof({c}) NOT IN ('integer', 'null')"
    if isinstance(column_type, sqltypes.Numeric):
        return f"typeof({c}) NOT IN ('integer', 'real', 'null')"
    return f"typeof({c}) NOT IN ('text', 'null')"


def _readable(value: Any, column_type: Any, dialect: Any) -> bool:
    if value is None:
        return True
    if isinstance(column_type, (sqltypes.Date, sqltypes.DateTime, sqltypes.Time)):
        if not isinstance(value, str):
            return False
        try:
            column_type.dialect_impl(dialect).result_processor(dialect, None)(value)
        except _BAD_DATA:
            return False
        return True
    if isinstance(column_type, sqltypes.Boolean):
        return type(value) is int and value in (0, 1)
    if isinstance(column_type, sqltypes.Integer):
        return type(value) is int
    if isinstance(column_type, sqltypes.Numeric):
        return type(value) in (int, float)
    return isinstance(value, str)


def _bad_values(session: Session) -> dict[tuple[str, str], list[tuple[str, Any, str]]]:
    """{(table, row id): [(column, stored value, kind)]} for every stored value of a mapped table that is not
    what its column holds. Asked of SQLite per table, so a large store costs one scan per table."""
    from app.storage.base import Base

    dialect = session.get_bind().dialect
    conn = session.connection()
    present = {name for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found: dict[tuple[str, str], list[tuple[str, Any, str]]] = {}
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        stored = {row[1] for row in conn.exec_driver_sql(f'PRAGMA table_info("{table.name}")')}
        columns = [(c.name, c.type, _kind(c.type)) for c in table.columns if c.name in stored]
        columns = [(n, t, k) for n, t, k in columns if k is not None]
        key = [c.name for c in table.primary_key.columns] or ["rowid"]
        if not columns:
            continue
        names = ", ".join(f'"{n}"' for n, _t, _k in columns)
        keys = ", ".join(f'"{k}"' if k != "rowid" else k for k in key)
        where = " OR ".join(_suspect(n, t) for n, t, _k in columns)
        sql = f'SELECT {keys}, {names} FROM "{table.name}" WHERE {where}'
        for row in conn.exec_driver_sql(sql):
            rid = "/".join(_shown(v) if not isinstance(v, (int, str)) else str(v) for v in row[:len(key)])
            values = row[len(key):]
            for (name, column_type, kind), value in zip(columns, values):
                if not _readable(value, column_type, dialect):
                    found.setdefault((table.name, rid), []).append((name, value, kind))
    return found


# ---------------------------------------------------------------- the log against the township's receipts


def _against_receipts(session: Session) -> list[Problem]:
    """The township confirmed receiving the log up to a sequence with a hash (a receipt); the exports name
    how far they went. A log that ends before either, or differs at the confirmed sequence, was cut back or
    rewritten behind the program's back: the township holds what the village no longer has."""
    from app.sync.models import OutboxEntry, ReceiptEntry

    conn = session.connection()
    present = {name for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")}
    problems: list[Problem] = []
    where = _("操作日志")
    head = session.scalar(select(Event.seq).order_by(Event.seq.desc()).limit(1)) or 0
    if ReceiptEntry.__tablename__ in present:
        try:
            receipt = session.execute(select(ReceiptEntry.last_seq, ReceiptEntry.head, ReceiptEntry.imported)
                                      .order_by(ReceiptEntry.last_seq.desc(), ReceiptEntry.id.desc()).limit(1)).first()
        except _BAD_DATA:
            receipt = None
        if receipt is not None and isinstance(receipt[0], int) and receipt[0] > 0:
            confirmed, confirmed_hash, when = receipt
            if head < confirmed:
                problems.append(Problem(where, _(
                    "本村的操作日志只到第 {head} 号,但乡镇已确认收到第 {seq} 号为止的记录(回执导入于 {when}):"
                    "第 {first} 号以后的记录在本机被删掉了。请从备份恢复,或请乡镇核对后取回这些记录。").format(
                    head=head, seq=confirmed, when=when, first=head + 1)))
            elif session.scalar(select(Event.hash).where(Event.seq == confirmed)) != confirmed_hash:
                problems.append(Problem(where, _(
                    "第 {seq} 号记录与乡镇确认收到的不一样(回执导入于 {when}):本机的操作日志被改写过。"
                    "请从备份恢复,并请乡镇核对。").format(seq=confirmed, when=when)))
    if OutboxEntry.__tablename__ in present:
        try:
            exported = session.scalar(select(OutboxEntry.last_seq).order_by(OutboxEntry.last_seq.desc()).limit(1))
        except _BAD_DATA:
            exported = None
        if isinstance(exported, int) and exported > head and not problems:  # one finding says it
            problems.append(Problem(where, _(
                "本村的操作日志只到第 {head} 号,但已经导出过到第 {seq} 号的同步包:第 {first} 号以后的记录在本机"
                "被删掉了。请从备份恢复,或请乡镇核对。").format(head=head, seq=exported, first=head + 1)))
    return problems


# ---------------------------------------------------------------- issued certificates against their QR codes


def _certificates(session: Session, data_dir: Path | None, skip: set[str]) -> list[Problem]:
    """Every certificate with a QR code: the serial, kind, date and name in the signed text, and the digest of
    the printed text, are still those of the record; the signature is the village key's (when the QR code was
    signed with the key this computer holds: a key replaced after a reinstallation signed older ones)."""
    from cryptography.exceptions import InvalidSignature

    from app.certificates.models import Certificate
    from app.certificates.payload import DOMAIN, PayloadError, key_id, parse_payload, text_digest

    public = None
    if data_dir is not None:
        try:
            from app.keys import load_village_key

            public = load_village_key(data_dir).public_key()
        except Exception:  # noqa: BLE001 - no key on this computer (a copy, a backup): the text is still compared
            public = None
    own_key = key_id(public) if public is not None else None
    c = Certificate
    query = select(c.id, c.serial, c.kind_code, c.issue_date, c.applicant_name, c.title, c.body, c.purpose,
                   c.qr_payload).where(c.qr_payload != "").order_by(c.id)
    if skip:
        query = query.where(c.id.not_in(_ids(c, skip)))
    problems: list[Problem] = []
    try:
        rows = session.execute(query).all()
    except _BAD_DATA as exc:
        return [Problem(c.__tablename__, _("有记录含有程序读不了的值,证明没能逐份核对({error})").format(error=_error(exc)))]
    for cid, serial, kind_code, issue_date, name, title, body, purpose, qr in rows:
        where = f"{c.__tablename__} #{cid}"
        try:
            data, signed, signature = parse_payload(qr)
        except PayloadError:
            problems.append(Problem(where, _("证明 {serial} 的二维码内容读不出来,被改动过").format(serial=serial)))
            continue
        differs = [what for what, ok in (
            (_("编号"), data.serial == serial), (_("证明种类"), data.kind_code == kind_code),
            (_("出具日期"), data.issue_date == issue_date), (_("申请人"), data.applicant_name == name),
            (_("证明内容"), data.digest == text_digest(title=title, body=body, applicant_name=name, purpose=purpose)))
            if not ok]
        if differs:
            problems.append(Problem(where, _("证明 {serial} 的{what}与出具时签名的二维码不符:出具后被改动过").format(
                serial=serial, what="、".join(differs))))
            continue
        if public is not None and data.key_id == own_key:
            try:
                public.verify(signature, DOMAIN + signed)
            except InvalidSignature:
                problems.append(Problem(where, _("证明 {serial} 的二维码签名不对:二维码被改动过").format(serial=serial)))
    return problems
