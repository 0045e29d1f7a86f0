"""The life of a notice (公开事项): draft → review → approval → posting → archive.

Service functions take the caller's Session; the caller owns the transaction
(``with store.begin(actor) as s:``). Refusals raise :class:`NoticeError` (or
``FieldError`` for a value typed wrongly) before anything is written.

Rules (domain.md, 村务公开):
- only a draft, or a notice returned by the supervision committee, can be edited;
- a notice is posted only after the supervision committee has reviewed it and it
  was approved, and for at least the catalogue's minimum number of days;
- a posted notice never changes; the content hash taken at posting is in its
  event, and ``cunwu check`` finds any later edit. A mistake is corrected by a
  new notice that names the old one and why; both stay visible.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, or_, select, text
from sqlalchemy.orm import Session

from app.errors import UserError
from app.disclosure import search
from app.disclosure.models import (APPROVED, ARCHIVED, ATTACHMENT_ROLES, DRAFT, EDITABLE, PASSED, POSTED, PUBLISHED,
                                   RETURNED, REVIEWED, SENT_BACK, SUBMITTED, Notice, NoticeAttachment, NoticeFeedback,
                                   NoticeReview)
from app.disclosure.view import NoticeTable, NoticeView
from app.events import canonical, head, now_text, record, verifier
from app.i18n import _
from app.people.service import FieldError, NotFound

CATEGORIES = ("党务", "村务", "财务")
TITLE_MAX = 60
BODY_MAX = 20000
TABLE_ROWS_MAX = 5000
TABLE_COLUMNS_MAX = 12
CELL_MAX = 200
NAME_MAX = 30
QR_PREFIX = "CWGK1"


def state_label(state: str) -> str:
    return {DRAFT: _("草稿"), SUBMITTED: _("待审核"), RETURNED: _("退回修改"), REVIEWED: _("已审核"),
            APPROVED: _("已批准"), POSTED: _("公开中"), ARCHIVED: _("已归档")}.get(state, state)


@dataclass(frozen=True)
class NoticeStatus:
    """Where a notice stands, for another capability that waits for it (the 四议两公开 matters)."""

    id: int
    item_code: str
    state: str
    posted_from: dt.date | None
    number: str

    @property
    def published(self) -> bool:
        """Posted on the board, or posted and since archived."""
        return self.state in PUBLISHED


def notice_statuses(session: Session, ids: Sequence[int]) -> dict[int, NoticeStatus]:
    """The notices with these ids that exist, by id (a deleted one is missing)."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return {n.id: NoticeStatus(n.id, n.item_code, n.state, n.posted_from, n.number or "")
            for n in session.scalars(select(Notice).where(Notice.id.in_(wanted)))}


def role_label(role: str) -> str:
    return {"board_photo": _("公开栏照片"), "scan": _("扫描件"), "other": _("其他")}.get(role, role)


class NoticeError(UserError):
    """An action on a notice that cannot be done now; the message says why and what to do."""


@dataclass
class NoticeDraft:
    title: str
    category: str
    body: str = ""
    item_code: str = ""
    period_key: str = ""
    period_label: str = ""
    tables: list[NoticeTable] = field(default_factory=list)
    source: str = ""
    catalogue_version: str = ""


@dataclass(frozen=True)
class ReviewInfo:
    id: int
    reviewers: str
    date: dt.date
    opinion: str
    outcome: str


@dataclass(frozen=True)
class FeedbackInfo:
    id: int
    notice_id: int
    asker: str
    asked_on: dt.date
    question: str
    answer: str
    answered_by: str
    answered_on: dt.date | None


@dataclass(frozen=True)
class NoticeFileInfo:
    id: int
    sha256: str
    name: str
    role: str
    added: str


@dataclass(frozen=True)
class NoticeSummary:
    id: int
    number: str
    title: str
    category: str
    item_code: str
    period_key: str
    period_label: str
    state: str
    posted_from: dt.date | None
    posted_until: dt.date | None
    corrects_id: int | None
    updated_at: str

    @property
    def state_text(self) -> str:
        return state_label(self.state)


@dataclass(frozen=True)
class NoticeInfo(NoticeSummary):
    body: str
    tables: list[NoticeTable]
    source: str
    catalogue_version: str
    approved_by: str
    approved_on: dt.date | None
    posted_at: str
    content_hash: str
    correction_reason: str
    corrects_number: str
    corrected_by: list[tuple[int, str]]  # (id, number or "") of notices that correct this one
    reviews: list[ReviewInfo]
    feedback: list[FeedbackInfo]
    files: list[NoticeFileInfo]

    @property
    def editable(self) -> bool:
        return self.state in EDITABLE

    @property
    def reviewers(self) -> str:
        passed = [r for r in self.reviews if r.outcome == PASSED]
        return passed[-1].reviewers if passed else ""


# ---------------------------------------------------------------- tables as stored

def tables_to_json(tables: Sequence[NoticeTable]) -> str:
    return canonical([{"title": t.title, "columns": list(t.columns), "rows": [list(r) for r in t.rows],
                       "numeric": sorted(t.numeric), "total": list(t.total) if t.total else None} for t in tables])


def tables_from_json(value: str) -> list[NoticeTable]:
    return [NoticeTable(title=t.get("title", ""), columns=list(t.get("columns", [])),
                        rows=[list(r) for r in t.get("rows", [])], numeric=frozenset(t.get("numeric", [])),
                        total=t.get("total")) for t in json.loads(value or "[]")]


# ---------------------------------------------------------------- checks of what was typed

def _clean_text(value: str) -> str:
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _clean_draft(d: NoticeDraft) -> NoticeDraft:
    title = " ".join(_clean_text(d.title).split())
    if not title:
        raise FieldError("title", _("请填写标题。"))
    if len(title) > TITLE_MAX:
        raise FieldError("title", _("标题太长({n} 字),最多 {max} 字,请缩短。").format(n=len(title), max=TITLE_MAX))
    if d.category not in CATEGORIES:
        raise FieldError("category", _("类别只能是 党务、村务 或 财务。"))
    body = _clean_text(d.body)
    if len(body) > BODY_MAX:
        raise FieldError("body", _("正文太长({n} 字),最多 {max} 字。请把明细放进表格或分成几份公开。").format(
            n=len(body), max=BODY_MAX))
    tables = []
    for i, t in enumerate(d.tables, start=1):
        columns = [_clean_text(str(c)) for c in t.columns]
        if not columns or not any(columns):
            raise FieldError("tables", _("第 {n} 个表格没有列名,请填写表头。").format(n=i))
        if len(columns) > TABLE_COLUMNS_MAX:
            raise FieldError("tables", _("第 {n} 个表格有 {cols} 列,最多 {max} 列,否则公开栏上看不清。").format(
                n=i, cols=len(columns), max=TABLE_COLUMNS_MAX))
        if len(t.rows) > TABLE_ROWS_MAX:
            raise FieldError("tables", _("第 {n} 个表格有 {rows} 行,最多 {max} 行。").format(
                n=i, rows=len(t.rows), max=TABLE_ROWS_MAX))
        rows = []
        for r, row in enumerate(t.rows, start=1):
            cells = ["" if c is None else _clean_text(str(c)) for c in row]
            if len(cells) > len(columns):
                raise FieldError("tables", _("第 {n} 个表格第 {row} 行比表头多出 {extra} 格。").format(
                    n=i, row=r, extra=len(cells) - len(columns)))
            cells += [""] * (len(columns) - len(cells))
            for c, cell in enumerate(cells, start=1):
                if len(cell) > CELL_MAX:
                    raise FieldError("tables", _("第 {n} 个表格第 {row} 行第 {col} 列太长(最多 {max} 字)。").format(
                        n=i, row=r, col=c, max=CELL_MAX))
            rows.append(cells)
        total = None
        if t.total:
            total = [_clean_text(str(c)) for c in t.total] + [""] * (len(columns) - len(t.total))
        tables.append(NoticeTable(_clean_text(t.title), columns, rows, frozenset(t.numeric), total))
    return NoticeDraft(title=title, category=d.category, body=body, item_code=d.item_code.strip(),
                       period_key=d.period_key.strip(), period_label=d.period_label.strip(), tables=tables,
                       source=d.source, catalogue_version=d.catalogue_version)


def check_draft(d: NoticeDraft) -> NoticeDraft:
    """The draft as it would be saved, or the FieldError saving would give (the editor checks before it asks
    whether to send for review, so the question never names a notice that cannot be sent)."""
    return _clean_draft(d)


def _clean_names(names: Sequence[str] | str, field_name: str, what: str) -> list[str]:
    if isinstance(names, str):
        names = names.replace(",", "、").replace(",", "、").replace(" ", "、").split("、")
    cleaned = [" ".join(n.split()) for n in names if n and n.strip()]
    if not cleaned:
        raise FieldError(field_name, _("请填写{what}的姓名。").format(what=what))
    for n in cleaned:
        if len(n) > NAME_MAX:
            raise FieldError(field_name, _("“{name}”太长,请只填写姓名。").format(name=n[:NAME_MAX] + "…"))
    return cleaned


# ---------------------------------------------------------------- reading

def _get(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound(_("找不到编号为 {id} 的公开事项。").format(id=notice_id))
    return notice


def _summary_fields(n: Notice) -> dict:
    return dict(id=n.id, number=n.number or "", title=n.title, category=n.category, item_code=n.item_code,
                period_key=n.period_key, period_label=n.period_label, state=n.state, posted_from=n.posted_from,
                posted_until=n.posted_until, corrects_id=n.corrects_id, updated_at=n.updated_at)


def _summary(n: Notice) -> NoticeSummary:
    return NoticeSummary(**_summary_fields(n))


def get_notice(session: Session, notice_id: int) -> NoticeInfo:
    n = _get(session, notice_id)
    corrects_number = ""
    if n.corrects_id is not None:
        old = session.get(Notice, n.corrects_id)
        corrects_number = (old.number or "") if old else ""
    corrected_by = [(i, num or "") for i, num in session.execute(
        select(Notice.id, Notice.number).where(Notice.corrects_id == n.id).order_by(Notice.id))]
    reviews = [ReviewInfo(r.id, r.reviewers, r.date, r.opinion, r.outcome) for r in session.scalars(
        select(NoticeReview).where(NoticeReview.notice_id == n.id).order_by(NoticeReview.id))]
    feedback = [_feedback_info(f) for f in session.scalars(
        select(NoticeFeedback).where(NoticeFeedback.notice_id == n.id).order_by(NoticeFeedback.id))]
    files = [NoticeFileInfo(a.id, a.sha256, a.name, a.role, a.added) for a in session.scalars(
        select(NoticeAttachment).where(NoticeAttachment.notice_id == n.id).order_by(NoticeAttachment.id))]
    return NoticeInfo(**_summary_fields(n), body=n.body, tables=tables_from_json(n.tables), source=n.source,
                      catalogue_version=n.catalogue_version, approved_by=n.approved_by, approved_on=n.approved_on,
                      posted_at=n.posted_at, content_hash=n.content_hash, correction_reason=n.correction_reason,
                      corrects_number=corrects_number, corrected_by=corrected_by, reviews=reviews,
                      feedback=feedback, files=files)


@dataclass(frozen=True)
class NoticeQuery:
    text: str = ""
    category: str = ""
    state: str = ""  # one state, or "published" for posted and archived
    period: str = ""  # "2026" or "2026-10" or "2026-Q3": notices whose period key starts with it
    item_code: str = ""

    @property
    def also_searched(self) -> tuple[str, ...]:
        """The other words the search looked for (同时查找了“最低生活保障” for 低保): app.searchtext."""
        return search.also_searched(self.text)


def _filtered(q: NoticeQuery):  # type: ignore[no-untyped-def]
    stmt = select(Notice)
    if q.category:
        stmt = stmt.where(Notice.category == q.category)
    if q.state == "published":
        stmt = stmt.where(Notice.state.in_(PUBLISHED))
    elif q.state:
        stmt = stmt.where(Notice.state == q.state)
    if q.period:
        stmt = stmt.where(or_(Notice.period_key.startswith(q.period, autoescape=True),
                              Notice.number.startswith(q.period, autoescape=True)))
    if q.item_code:
        stmt = stmt.where(Notice.item_code == q.item_code)
    expr = search.expand(q.text).expression if q.text else None  # with the clerks' short forms
    if expr is not None:
        stmt = stmt.where(Notice.id.in_(text(search.matching_ids_sql()).bindparams(fts=expr)))
    return stmt


def list_notices(session: Session, q: NoticeQuery | None = None, *, limit: int | None = None,
                 offset: int = 0) -> list[NoticeSummary]:
    """Newest first: posted ones by posting date, then drafts by when they were last changed."""
    stmt = _filtered(q or NoticeQuery()).order_by(
        func.coalesce(Notice.posted_from, func.substr(Notice.updated_at, 1, 10)).desc(), Notice.id.desc())
    if limit is not None:
        stmt = stmt.limit(limit).offset(offset)
    return [_summary(n) for n in session.scalars(stmt)]


def count_notices(session: Session, q: NoticeQuery | None = None) -> int:
    return session.execute(select(func.count()).select_from(_filtered(q or NoticeQuery()).subquery())).scalar_one()


# ---------------------------------------------------------------- writing

def _reindex(session: Session, n: Notice) -> None:
    names = session.scalars(select(NoticeAttachment.name).where(NoticeAttachment.notice_id == n.id))
    search.index(session, n.id, search.notice_text(n.title, n.body, n.tables, names, n.number or ""))


def _apply(n: Notice, d: NoticeDraft) -> None:
    n.title, n.category, n.body = d.title, d.category, d.body
    n.item_code, n.period_key, n.period_label = d.item_code, d.period_key, d.period_label
    n.tables = tables_to_json(d.tables)
    n.source = d.source
    if d.catalogue_version:
        n.catalogue_version = d.catalogue_version


def create_notice(session: Session, draft: NoticeDraft) -> NoticeInfo:
    d = _clean_draft(draft)
    now = now_text()
    n = Notice(state=DRAFT, created_at=now, updated_at=now, catalogue_version="")
    _apply(n, d)
    session.add(n)
    session.flush()
    record(session, n, "create")
    _reindex(session, n)
    return get_notice(session, n.id)


def _refuse_unless(n: Notice, states: Sequence[str], message: str) -> None:
    if n.state not in states:
        raise NoticeError(message.format(state=state_label(n.state), title=n.title))


def update_notice(session: Session, notice_id: int, draft: NoticeDraft) -> NoticeInfo:
    n = _get(session, notice_id)
    if n.state in PUBLISHED:
        raise NoticeError(_("“{title}”已经公开,不能再修改。如有错误,请新建一份更正公告说明原因。").format(title=n.title))
    _refuse_unless(n, EDITABLE, _("“{title}”现在是“{state}”状态,不能修改。只有草稿和退回修改的公开事项可以修改。"))
    _apply(n, _clean_draft(draft))
    n.updated_at = now_text()
    record(session, n, "update")
    _reindex(session, n)
    return get_notice(session, n.id)


def delete_draft(session: Session, notice_id: int) -> None:
    """Drop a draft nobody has seen; anything submitted for review stays in the record."""
    n = _get(session, notice_id)
    _refuse_unless(n, (DRAFT,), _("“{title}”是“{state}”状态,只能删除还没送审的草稿。"))
    held = _held_by_matter(session, n)
    if held:
        raise NoticeError(held)
    session.execute(text(f"DELETE FROM {search.TABLE} WHERE rowid = :id"), {"id": n.id})
    record(session, n, "delete")
    session.delete(n)


MATTER_SOURCE = "matter:"  # the source of the notices a 四议两公开 matter drafts (app.meetings.matters)


def _held_by_matter(session: Session, n: Notice) -> str:
    """Why a matter's notice cannot go, or "": the matter it names still points to it.

    Read from the matters table by the source's id, so this module does not import the meetings package
    (which drafts these notices through this service)."""
    if not n.source.startswith(MATTER_SOURCE) or not n.source[len(MATTER_SOURCE):].isdigit():
        return ""
    row = session.execute(text("SELECT subject, resolution_notice_id FROM matters WHERE id = :m "
                               "AND (resolution_notice_id = :n OR result_notice_id = :n)"),
                          {"m": int(n.source[len(MATTER_SOURCE):]), "n": n.id}).first()
    if row is None:
        return ""
    what = _("决议公开") if row[1] == n.id else _("实施结果公开")
    return _("“{title}”是重大事项“{subject}”(四议两公开)的{what},不能删除:这件事项还要靠它向村民公开。"
             "内容有误的,请直接修改这份草稿。").format(title=n.title, subject=row[0], what=what)


def submit_for_review(session: Session, notice_id: int) -> NoticeInfo:
    n = _get(session, notice_id)
    _refuse_unless(n, EDITABLE, _("“{title}”是“{state}”状态,不能再送审。"))
    if not n.body and n.tables == "[]":
        raise NoticeError(_("“{title}”还没有正文也没有表格,请先写好内容再送审。").format(title=n.title))
    n.state, n.updated_at = SUBMITTED, now_text()
    record(session, n, "update")
    return get_notice(session, n.id)


def _refuse_non_members(session: Session, names: Sequence[str], day: dt.date) -> None:
    """Every reviewer must be a member of the supervision committee in force on the review date
    (村务监督委员会, Organic Law Art. 32), as registered with its term (app.people.roles)."""
    from app.people.roles import members_on, terms_of

    members = [m.name for m in members_on(session, day)]
    for name in names:
        if name in members:
            continue
        terms = terms_of(session, name)
        ended = [t.term_end for t in terms if t.term_end is not None and t.term_end < day]
        later = [t.term_start for t in terms if t.term_start is not None and t.term_start > day]
        if later:
            reason = _("“{name}”的村务监督委员会任期从 {start} 开始,{day} 还不是监委会成员,不能审核。").format(
                name=name, start=min(later).isoformat(), day=day.isoformat())
        elif ended:
            reason = _("“{name}”的村务监督委员会任期已于 {end} 结束,不能审核 {day} 的公开事项;如果已经连任,"
                       "请登记新一届的任期。").format(name=name, end=max(ended).isoformat(), day=day.isoformat())
        else:
            reason = _("“{name}”不是登记在册的村务监督委员会成员,不能记录为审核人。").format(name=name)
        if members:
            hint = _("{day} 在任的监委会成员是:{members}。请从中选择审核人;名单不全的,请先登记村务监督委员会成员"
                     "(职务和任期)。").format(day=day.isoformat(), members="、".join(members))
        else:
            hint = _("{day} 没有登记在任的村务监督委员会成员。请先登记村务监督委员会成员(职务和任期),"
                     "再记录审核。").format(day=day.isoformat())
        raise FieldError("reviewers", reason + hint)


def record_review(session: Session, notice_id: int, *, reviewers: Sequence[str] | str, date: dt.date,
                  opinion: str = "", passed: bool = True) -> NoticeInfo:
    """The supervision committee's review (监委会审核): passed, or returned with comments.

    The reviewers are members of the 村务监督委员会 in force on ``date``
    (app.people.roles.members_on); anyone else is refused and nothing is written."""
    n = _get(session, notice_id)
    _refuse_unless(n, (SUBMITTED,), _("“{title}”是“{state}”状态,只有送审中的公开事项可以记录审核。"))
    names = _clean_names(reviewers, "reviewers", _("审核人"))
    opinion = _clean_text(opinion)
    if not passed and not opinion:
        raise FieldError("opinion", _("退回修改时请写明审核意见,说明要改什么。"))
    if date > dt.date.today():
        raise FieldError("date", _("审核日期 {date} 还没到,请填写实际审核的日期。").format(date=date.isoformat()))
    _refuse_non_members(session, names, date)
    review = NoticeReview(notice_id=n.id, reviewers="、".join(names), date=date, opinion=opinion,
                          outcome=PASSED if passed else SENT_BACK, time=now_text())
    session.add(review)
    session.flush()
    record(session, review, "create")
    n.state, n.updated_at = (REVIEWED if passed else RETURNED), now_text()
    record(session, n, "update")
    return get_notice(session, n.id)


def approve(session: Session, notice_id: int, *, approver: str, date: dt.date) -> NoticeInfo:
    n = _get(session, notice_id)
    if n.state == SUBMITTED:
        raise NoticeError(_("“{title}”还没有监委会审核记录,不能批准。请先记录审核。").format(title=n.title))
    _refuse_unless(n, (REVIEWED,), _("“{title}”是“{state}”状态,只有审核通过的公开事项可以批准。"))
    n.approved_by = _clean_names([approver], "approver", _("批准人"))[0]
    n.approved_on = date
    n.state, n.updated_at = APPROVED, now_text()
    record(session, n, "update")
    return get_notice(session, n.id)


def content_hash(n: Notice) -> str:
    """SHA-256 of what the public board shows; printed in the QR code and kept in the posting event."""
    content = {"number": n.number, "title": n.title, "category": n.category, "item_code": n.item_code,
               "period_key": n.period_key, "period_label": n.period_label, "body": n.body, "tables": n.tables,
               "posted_from": n.posted_from, "posted_until": n.posted_until, "corrects_id": n.corrects_id,
               "correction_reason": n.correction_reason}
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def _next_number(session: Session, year: int) -> tuple[int, str]:
    last = session.execute(select(func.max(Notice.seq_no)).where(Notice.year == year)).scalar_one()
    seq = (last or 0) + 1
    return seq, f"{year}-{seq:03d}"


def post_notice(session: Session, notice_id: int, *, posted_from: dt.date, posted_until: dt.date,
                min_days: int | None = None, data_dir: Path | None = None) -> NoticeInfo:
    """Put the notice on the public board. ``min_days`` defaults to the catalogue item's minimum.

    The number is taken inside this (IMMEDIATE) transaction, so numbers stay gapless.
    """
    n = _get(session, notice_id)
    has_review = session.execute(select(func.count()).select_from(NoticeReview).where(
        NoticeReview.notice_id == n.id, NoticeReview.outcome == PASSED)).scalar_one()
    if n.state in PUBLISHED:
        raise NoticeError(_("“{title}”已经张贴过了(编号 {number})。").format(title=n.title, number=n.number))
    if not has_review or n.state in (DRAFT, SUBMITTED, RETURNED):
        raise NoticeError(_("“{title}”还没有监委会审核通过的记录,不能张贴。请先送监委会审核并记录审核结果。").format(
            title=n.title))
    _refuse_unless(n, (APPROVED,), _("“{title}”已审核但还没有批准,请先记录批准后再张贴。"))
    if posted_until < posted_from:
        raise FieldError("posted_until", _("张贴结束日期早于开始日期,请检查。"))
    if min_days is None:
        min_days = minimum_days(n.item_code, n.catalogue_version, data_dir)
    days = (posted_until - posted_from).days + 1
    if days < min_days:
        raise FieldError("posted_until", _("张贴期只有 {days} 天,公开目录要求至少 {min} 天。请把结束日期改到 {until} 或以后。").format(
            days=days, min=min_days, until=(posted_from + dt.timedelta(days=min_days - 1)).isoformat()))
    n.year = posted_from.year
    n.seq_no, n.number = _next_number(session, posted_from.year)
    n.posted_from, n.posted_until = posted_from, posted_until
    n.posted_at = n.updated_at = now_text()
    n.state = POSTED
    n.content_hash = content_hash(n)
    record(session, n, "update")
    _reindex(session, n)
    return get_notice(session, n.id)


def minimum_days(item_code: str, catalogue_version: str = "", data_dir: Path | None = None) -> int:
    """The catalogue's minimum posting days for an item, with the village's own numbers;
    notices without an item need one week."""
    if not item_code:
        return DEFAULT_MIN_DAYS
    from app.config import load_settings
    from app.disclosure.catalogue import CatalogueError, apply_overrides, catalogue_by_version, load_catalogue

    try:
        cat = catalogue_by_version(catalogue_version, data_dir) if catalogue_version else load_catalogue(data_dir)
        overrides = load_settings(data_dir).get("disclosure", {}) if data_dir else {}
        if overrides:
            cat = apply_overrides(cat, overrides)
        return cat.item(item_code).min_days
    except CatalogueError:
        return DEFAULT_MIN_DAYS


DEFAULT_MIN_DAYS = 7


def archive(session: Session, notice_id: int, *, today: dt.date | None = None) -> NoticeInfo:
    n = _get(session, notice_id)
    _refuse_unless(n, (POSTED,), _("“{title}”是“{state}”状态,只有已张贴的公开事项可以归档。"))
    today = today or dt.date.today()
    if n.posted_until and today <= n.posted_until:
        raise NoticeError(_("“{title}”的张贴期到 {until} 才结束,请在那以后归档。").format(
            title=n.title, until=n.posted_until.isoformat()))
    n.state, n.archived_at = ARCHIVED, now_text()
    record(session, n, "update")
    return get_notice(session, n.id)


def start_correction(session: Session, notice_id: int, *, reason: str) -> NoticeInfo:
    """A new draft that corrects a posted notice: same content to edit, the reason recorded, both kept."""
    old = _get(session, notice_id)
    if old.state not in PUBLISHED:
        raise NoticeError(_("“{title}”还没有公开,直接修改它就可以,不需要更正公告。").format(title=old.title))
    reason = _clean_text(reason)
    if not reason:
        raise FieldError("reason", _("请写明更正的原因。"))
    now = now_text()
    title = old.title if old.title.startswith(_("更正:")) else _("更正:") + old.title
    n = Notice(state=DRAFT, created_at=now, updated_at=now, title=title[:TITLE_MAX], category=old.category,
               item_code=old.item_code, catalogue_version=old.catalogue_version, period_key=old.period_key,
               period_label=old.period_label, body=old.body, tables=old.tables, source=old.source,
               corrects_id=old.id, correction_reason=reason)
    session.add(n)
    session.flush()
    record(session, n, "create")
    _reindex(session, n)
    return get_notice(session, n.id)


# ---------------------------------------------------------------- feedback and files

def _feedback_info(f: NoticeFeedback) -> FeedbackInfo:
    return FeedbackInfo(f.id, f.notice_id, f.asker, f.asked_on, f.question, f.answer, f.answered_by, f.answered_on)


def add_feedback(session: Session, notice_id: int, *, asker: str, question: str,
                 asked_on: dt.date | None = None) -> FeedbackInfo:
    n = _get(session, notice_id)
    if n.state not in PUBLISHED:
        raise NoticeError(_("“{title}”还没有公开,村民还看不到它,不能登记意见。").format(title=n.title))
    asker = _clean_names([asker], "asker", _("提问人"))[0]
    question = _clean_text(question)
    if not question:
        raise FieldError("question", _("请写下村民提出的问题或意见。"))
    f = NoticeFeedback(notice_id=n.id, asker=asker, asked_on=asked_on or dt.date.today(), question=question)
    session.add(f)
    session.flush()
    record(session, f, "create")
    return _feedback_info(f)


def answer_feedback(session: Session, feedback_id: int, *, answer: str, answered_by: str,
                    answered_on: dt.date | None = None) -> FeedbackInfo:
    f = session.get(NoticeFeedback, feedback_id)
    if f is None:
        raise NotFound(_("找不到这条村民意见。"))
    answer = _clean_text(answer)
    if not answer:
        raise FieldError("answer", _("请填写答复内容。"))
    f.answer = answer
    f.answered_by = _clean_names([answered_by], "answered_by", _("答复人"))[0]
    f.answered_on = answered_on or dt.date.today()
    if f.answered_on < f.asked_on:
        raise FieldError("answered_on", _("答复日期早于提问日期,请检查。"))
    record(session, f, "update")
    return _feedback_info(f)


def attach_file(session: Session, data_dir: Path, notice_id: int, source: Path, *, role: str = "board_photo",
                name: str = "") -> NoticeFileInfo:
    """Keep a photo of the posted board or a scan with the notice (allowed after posting: it adds, never edits)."""
    from app.attachments import link_file

    n = _get(session, notice_id)
    a = link_file(session, data_dir, NoticeAttachment, source, role=role, roles=ATTACHMENT_ROLES, name=name,
                  notice_id=n.id)
    _reindex(session, n)
    return NoticeFileInfo(a.id, a.sha256, a.name, a.role, a.added)


# ---------------------------------------------------------------- printing and the calendar

def qr_payload(village_code: str, number: str, digest: str) -> str:
    return f"{QR_PREFIX}|{village_code}|{number}|{digest}"


def check_code(digest: str) -> str:
    """The 核验码 printed on a posted notice: the first 16 characters of its content hash, in groups of four
    (3F2A-9C1B-77D0-12AB), to type in where the QR code cannot be scanned."""
    code = "".join(c for c in digest if c.isalnum())[:16].upper()
    return "-".join(code[i:i + 4] for i in range(0, len(code), 4))


def notice_view(session: Session, notice_id: int, *, print_date: dt.date | None = None) -> NoticeView:
    from app.disclosure.public_address import notice_qr  # the township's public address, when the village set it
    from app.people.service import get_village

    info = get_notice(session, notice_id)
    village = get_village(session)
    seq, h = head(session)
    posted = info.state in PUBLISHED
    corrects = ""
    if info.corrects_id is not None:
        corrects = _("更正 {number}:{reason}").format(number=info.corrects_number or "#{}".format(info.corrects_id),
                                                   reason=info.correction_reason)
    return NoticeView(
        village_name=village.name if village else "",
        number=info.number if posted else _("草稿"),
        title=info.title, category=info.category,
        period_label=info.period_label, body=info.body, tables=info.tables,
        posted_from=info.posted_from, posted_until=info.posted_until, reviewers=info.reviewers,
        hotline=village.hotline if village else "", print_date=print_date or dt.date.today(),
        chain_head=_("第 {seq} 号 · {hash}").format(seq=seq, hash=h[:8]),
        qr_payload=notice_qr(session, qr_payload(village.code if village else "", info.number, info.content_hash))
        if posted else "",
        check_code=check_code(info.content_hash) if posted else "",
        draft=not posted, corrects=corrects)


def posted_for_calendar(session: Session):  # type: ignore[no-untyped-def]
    """Every posting the calendar counts, as the calendar's PostedNotice values."""
    from app.disclosure.calendar import PostedNotice

    rows = session.execute(select(Notice.item_code, Notice.period_key, Notice.posted_from, Notice.number,
                                  Notice.corrects_id)
                           .where(Notice.state.in_(PUBLISHED), Notice.item_code != ""))
    return [PostedNotice(item_code=i, period_key=p, posted_on=d, number=num or "", corrects=c is not None)
            for i, p, d, num, c in rows]


def verify_posted(session: Session) -> list[tuple[int, str]]:
    """Posted notices whose content no longer matches the hash taken when they were posted."""
    bad = []
    for n in session.scalars(select(Notice).where(Notice.state.in_(PUBLISHED))):
        if content_hash(n) != n.content_hash:
            bad.append((n.id, n.number or ""))
    return bad


@verifier
def posted_problems(session: Session) -> list[tuple[str, str]]:
    """For ``cunwu check``: a posted notice still shows what was posted (its hash was taken at posting)."""
    return [(f"notices #{notice_id}", _("已公开的公告 {number} 的内容与张贴时不符(内容哈希变了)").format(number=number))
            for notice_id, number in verify_posted(session)]


def rebuild_search(session: Session) -> int:
    session.execute(text(f"DELETE FROM {search.TABLE}"))
    count = 0
    for n in session.scalars(select(Notice)):
        _reindex(session, n)
        count += 1
    return count


# ---------------------------------------------------------------- the catalogue as this village uses it

from app.disclosure.catalogue import village_catalogue, village_catalogues  # noqa: E402,F401 - found with the service


def due_entries(session: Session, data_dir: Path | None, on: dt.date, *, events=()):  # type: ignore[no-untyped-def]
    """What the home screen and ``cunwu disclosure due`` list: due and overdue items on ``on``, each period
    judged by the catalogue version in force on its last day (docs/disclosure-catalogue.md, section 5).

    ``events``: the calendar's event occurrences owed as well (the 四议两公开 matters' notices,
    app.meetings.matters.disclosure_due passes them)."""
    from app.disclosure.calendar import due_on

    return due_on(village_catalogues(data_dir, on), posted_for_calendar(session), on, since=calendar_start(session),
                  events=events)


def calendar_start(session: Session) -> dt.date | None:
    """From when the program keeps this village's disclosures: its first posting, or the day it was set up.

    Periods that ended before are not reported as overdue: they were posted on paper.
    """
    from app.events import Event

    first_event = session.execute(select(Event.time).where(Event.seq == 1)).scalar_one_or_none()
    first_post = session.execute(select(func.min(Notice.posted_from)).where(Notice.state.in_(PUBLISHED))).scalar_one()
    days = [d for d in (dt.date.fromisoformat(first_event[:10]) if first_event else None, first_post) if d]
    return min(days) if days else None


def feedback_rows(notice: NoticeInfo) -> list[tuple[str, ...]]:
    """The rows of the printed feedback list (阳光评议): date, who asked, question, answer, who answered, when."""
    return [(f.asked_on.isoformat(), f.asker, f.question, f.answer or _("(尚未答复)"), f.answered_by,
             f.answered_on.isoformat() if f.answered_on else "") for f in notice.feedback]


def draft_for_item(session: Session, item_code: str, period_key: str, *, data_dir: Path | None = None,
                   threshold=None, list_all: bool = False, catalogue=None) -> NoticeDraft:  # type: ignore[no-untyped-def]
    """A draft for a catalogue item and period: its template, or for a finance item the ledger's statement.

    ``catalogue`` saves reading it again when the caller has it (the village's, from ``village_catalogue``).
    Raises ``app.finance.statement.ReconciliationError`` (with the difference) when the ledger does not add up.
    """
    from decimal import Decimal

    from app.disclosure.calendar import periods
    from app.people.service import get_village

    catalogue = catalogue or village_catalogue(data_dir)
    item = catalogue.item(item_code)
    try:
        year = int(period_key[:4])
    except ValueError:
        raise FieldError("period", _("期间“{key}”看不懂。").format(key=period_key)) from None
    period = next((p for p in periods(item, year) if p.key == period_key), None)
    if period is None:
        raise FieldError("period", _("“{item}”没有“{key}”这个期间。").format(item=item.name, key=period_key))
    village = get_village(session)
    body = item.template.format(period=period.label, village=village.name if village else "")
    tables: list[NoticeTable] = []
    source = "template"
    if item.finance:
        from app.finance.statement import build_statement

        if threshold is None:
            threshold = Decimal(str(catalogue.settings.get("finance_threshold", "1000")))
        statement = build_statement(session, period.start, period.end, threshold=threshold, list_all=list_all)
        body = statement.body_text() + ("\n\n" + body if body else "")
        tables = statement.tables()
        source = "ledger"
    title = _("{period}{item}").format(period=period.label, item=item.name)
    return NoticeDraft(title=title[:TITLE_MAX], category=item.category, body=body, item_code=item.code,
                       period_key=period.key, period_label=period.label, tables=tables, source=source,
                       catalogue_version=catalogue.version)


@dataclass(frozen=True)
class NoticeHead:
    """A notice as a list of them needs it: its number (empty until posted), state and title."""

    id: int
    number: str
    state: str
    title: str


def notice_heads(session: Session, ids: Iterable[int]) -> list[NoticeHead]:
    """The notices with these ids (those that exist), for a screen that names them (the matter board)."""
    wanted = set(ids)
    if not wanted:
        return []
    return [NoticeHead(n.id, n.number or "", n.state, n.title)
            for n in session.scalars(select(Notice).where(Notice.id.in_(wanted)))]


def notice_years(session: Session) -> list[int]:
    """The years with a notice, by its year or the year of its period, the latest first (the year filter)."""
    found = {y for y in session.scalars(select(Notice.year).distinct()) if y}
    found |= {int(k[:4]) for k in session.scalars(select(Notice.period_key).distinct()) if k[:4].isdigit()}
    return sorted(found, reverse=True)
