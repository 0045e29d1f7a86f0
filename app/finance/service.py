"""Importing the ledger into the store, and the balances other modules ask for.

All or nothing, like the roster import: a file with any row error writes
nothing and the report lists every row to fix. A good file replaces the whole
year it covers (the accountant re-imports the year's ledger as it grows), in
one transaction, rows with executemany and events through one EventWriter.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from app.events import Event, EventWriter, now_text
from app.finance.capital import fen_to_yuan, format_yuan
from app.finance.ledger import INCOME, Categories, FinanceError, LedgerLine, load_categories, read_ledger
from app.finance.models import LedgerEntry, LedgerImport
from app.i18n import _
from app.sheets import RowError

Progress = Callable[[int, int], None]
_BATCH = 2000


class NoLedgerError(FinanceError):
    """No ledger has been imported for the year asked about."""


@dataclass
class LedgerReport:
    file_name: str = ""
    year: int = 0
    rows: int = 0  # entries read from the file
    added: int = 0  # entries written
    replaced: int = 0  # entries of the same year removed first
    skipped: int = 0  # subtotal rows (本月合计 …) left out
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dry_run: bool = False
    unchanged: bool = False  # the same file as the year's last import: nothing written
    opening: Decimal = Decimal("0.00")
    income: Decimal = Decimal("0.00")
    expense: Decimal = Decimal("0.00")
    closing: Decimal = Decimal("0.00")
    import_id: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def current_import(session: Session, year: int) -> LedgerImport | None:
    """The import in force for ``year``: the latest one."""
    return session.scalars(select(LedgerImport).where(LedgerImport.year == year)
                           .order_by(LedgerImport.id.desc()).limit(1)).first()


def ledger_years(session: Session) -> list[int]:
    return list(session.scalars(select(LedgerImport.year).distinct().order_by(LedgerImport.year)))


def import_ledger(session: Session, path: Path, *, year: int | None = None, dry_run: bool = False,
                  categories: Categories | None = None, progress: Progress | None = None) -> LedgerReport:
    """Read a ledger file and, if every row is good and not ``dry_run``, replace that year's entries.

    Raises ``LedgerFileError`` when the file as a whole cannot be read (not found, no header);
    row problems come back in ``report.errors`` with nothing written.
    """
    path = Path(path)
    categories = categories or load_categories()
    parsed = read_ledger(path, year=year, categories=categories)
    report = LedgerReport(
        file_name=path.name, year=parsed.year, rows=len(parsed.lines), skipped=parsed.skipped,
        errors=list(parsed.errors), warnings=list(parsed.warnings), dry_run=dry_run,
        opening=fen_to_yuan(parsed.opening_fen), income=fen_to_yuan(parsed.income_fen),
        expense=fen_to_yuan(parsed.expense_fen), closing=fen_to_yuan(parsed.closing_fen))
    if report.errors:
        report.rows = len(parsed.lines) + len({e.row_number for e in parsed.errors})
        return report
    report.warnings += _chain_warnings(session, parsed.year, parsed.opening_fen)
    previous = current_import(session, parsed.year)
    sha = _sha256(path)
    if previous is not None and previous.sha256 == sha and previous.categories_version == categories.version:
        report.unchanged, report.import_id = True, previous.id
        return report
    if dry_run:
        report.replaced = _count(session, parsed.year)
        return report
    _write(session, report, parsed.lines, sha, parsed.opening_fen, categories.version, progress)
    return report


def _count(session: Session, year: int) -> int:
    return int(session.scalar(select(func.count()).select_from(LedgerEntry).where(LedgerEntry.year == year)) or 0)


def _chain_warnings(session: Session, year: int, opening_fen: int) -> list[str]:
    """上年结转 should be last year's closing balance. A mismatch is shown, not refused: the
    previous year's file may be the wrong one, and refusing would leave no way to correct both."""
    before = current_import(session, year - 1)
    if before is None or before.closing_fen == opening_fen:
        return []
    return [_("期初余额 {opening} 元与已导入的 {year} 年账簿的期末余额 {closing} 元不一致,相差 {difference} 元。"
              "请核对两年的账簿。").format(opening=format_yuan(fen_to_yuan(opening_fen)), year=year - 1,
                                          closing=format_yuan(fen_to_yuan(before.closing_fen)),
                                          difference=format_yuan(fen_to_yuan(opening_fen - before.closing_fen)))]


def _next_entry_id(session: Session) -> int:
    # Never reuse the id of a deleted entry: the township's copy would see a delete and then a
    # create of "the same" record.
    in_table = session.scalar(select(func.max(LedgerEntry.id))) or 0
    in_log = session.scalar(select(func.max(cast(Event.record_id, Integer)))
                            .where(Event.record_type == LedgerEntry.__record_type__)) or 0
    return max(int(in_table), int(in_log)) + 1


def _write(session: Session, report: LedgerReport, lines: list[LedgerLine], sha: str, opening_fen: int,
           categories_version: str, progress: Progress | None) -> None:
    year = report.year
    next_id = _next_entry_id(session)
    income = sum(line.amount_fen for line in lines if line.kind == INCOME)
    expense = sum(line.amount_fen for line in lines if line.kind != INCOME)
    old_ids = list(session.scalars(select(LedgerEntry.id).where(LedgerEntry.year == year).order_by(LedgerEntry.id)))
    record = LedgerImport(year=year, file_name=report.file_name[:255], sha256=sha, imported_at=now_text(),
                          actor=str(session.info.get("actor", "系统"))[:64], rows=len(lines), replaced=len(old_ids),
                          opening_fen=opening_fen, income_fen=income, expense_fen=expense,
                          closing_fen=opening_fen + income - expense, categories_version=categories_version)
    session.add(record)
    session.flush()
    events = EventWriter(session)
    events.add(LedgerImport.__record_type__, record.record_id, "create", record.to_record())
    if old_ids:
        session.execute(LedgerEntry.__table__.delete().where(LedgerEntry.year == year))
        for old in old_ids:
            events.add(LedgerEntry.__record_type__, str(old), "delete", {"id": old})
        events.flush()
    batch: list[dict[str, Any]] = []
    for done, line in enumerate(lines, start=1):
        row = {"id": next_id, "year": year, "date": line.date, "voucher": line.voucher[:64], "summary": line.summary,
               "category": line.category, "kind": line.kind, "amount_fen": line.amount_fen,
               "balance_fen": line.balance_fen, "row": line.row_number, "import_id": record.id}
        batch.append(row)
        events.add_row(LedgerEntry, row, "create")
        next_id += 1
        if len(batch) >= _BATCH:
            session.execute(LedgerEntry.__table__.insert(), batch)
            events.flush()
            batch.clear()
            if progress:
                progress(done, len(lines))
    if batch:
        session.execute(LedgerEntry.__table__.insert(), batch)
    events.flush()
    if progress:
        progress(len(lines), len(lines))
    report.added, report.replaced, report.import_id = len(lines), len(old_ids), record.id


def opening_balance_fen(session: Session, day: dt.date) -> int:
    """The balance at the start of ``day``: the year's opening balance plus every entry before it."""
    imported = current_import(session, day.year)
    if imported is None:
        raise NoLedgerError(_("还没有导入 {year} 年的账簿。请先导入这一年的账簿,再生成财务公开。").format(year=day.year))
    signed = func.sum(case((LedgerEntry.kind == INCOME, LedgerEntry.amount_fen), else_=-LedgerEntry.amount_fen))
    moved = session.scalar(select(signed).where(LedgerEntry.year == day.year, LedgerEntry.date < day)) or 0
    return imported.opening_fen + int(moved)


def summary(report: LedgerReport) -> str:
    """One or two lines of Chinese for the command line and the import dialog."""
    if report.errors:
        return _("共有 {n} 处错误,没有导入任何数据。请按下面的提示改正账簿后重新导入。").format(n=len(report.errors))
    figures = _("期初余额 {opening} 元,收入 {income} 元,支出 {expense} 元,期末余额 {closing} 元。").format(
        opening=format_yuan(report.opening), income=format_yuan(report.income),
        expense=format_yuan(report.expense), closing=format_yuan(report.closing))
    if report.unchanged:
        text = _("{year} 年的账簿已经导入过这个文件,没有变化。").format(year=report.year)
    elif report.dry_run:
        text = _("检查通过:{year} 年账簿可以导入 {n} 笔收支。(试运行,没有写入)").format(year=report.year, n=report.rows)
        if report.replaced:
            text += _("导入时将替换已有的 {n} 笔。").format(n=report.replaced)
    else:
        text = _("已导入 {year} 年账簿 {n} 笔收支。").format(year=report.year, n=report.added)
        if report.replaced:
            text += _("替换了原有的 {n} 笔。").format(n=report.replaced)
    if report.skipped:
        text += _("跳过合计、过次页等 {n} 行。").format(n=report.skipped)
    lines = [text + figures] + report.warnings
    return "\n".join(lines)
