"""``cunwu finance ...``: importing the accountant's ledger and printing a period's statement (docs/finance.md)."""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from app.cli import CliError, village_store
from app.i18n import _


def add_parsers(sub: Any) -> None:
    s = sub.add_parser("finance", help=_("财务:导入账簿,生成财务收支情况"))
    fs = s.add_subparsers(dest="finance_command", required=True, metavar="ACTION")

    a = fs.add_parser("import", help=_("从 Excel/CSV 账簿导入一年的收支(替换这一年已导入的账)"))
    a.add_argument("file")
    a.add_argument("--year", type=int, help=_("账簿的年份(默认取大多数收支的年份)"))
    a.add_argument("--dry-run", action="store_true", help=_("只检查,不写入"))

    a = fs.add_parser("statement", help=_("显示一个期间的财务收支情况"))
    a.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help=_("开始日期"))
    a.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help=_("结束日期(含这一天)"))
    a.add_argument("--threshold", default="1000", metavar="N", help=_("单笔多少元以上逐笔列出(默认 1000)"))
    a.add_argument("--all", action="store_true", help=_("逐笔列出全部收支"))


def _date(value: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(unicodedata.normalize("NFKC", value).strip())
    except ValueError:
        raise CliError(_("{what}“{value}”看不懂,请写成 2026-03-31 这样的格式。").format(what=what, value=value)) from None


def _threshold(value: str) -> Decimal:
    try:
        amount = Decimal(unicodedata.normalize("NFKC", value).replace(",", "").removesuffix("元").strip())
    except InvalidOperation:
        amount = Decimal(-1)
    if not amount.is_finite() or amount < 0:
        raise CliError(_("--threshold 应为不小于 0 的金额(元),例如 1000。"))
    return amount


def cmd_finance(args: argparse.Namespace) -> int:
    return FINANCE_COMMANDS[args.finance_command](args)


def _import(args: argparse.Namespace) -> int:
    from app.finance.ledger import FinanceError
    from app.finance.service import import_ledger, summary

    store = village_store(args)
    try:
        with store.begin("cli") as s:
            report = import_ledger(s, Path(args.file).expanduser(), year=args.year, dry_run=args.dry_run)
    except FinanceError as exc:
        raise CliError(str(exc)) from exc
    print(summary(report))
    for e in report.errors:
        print(_("  第 {row} 行 [{col}]:{reason}。{fix}").format(row=e.row_number, col=e.column, reason=e.reason, fix=e.fix))
    return 1 if report.errors else 0


def _statement(args: argparse.Namespace) -> int:
    from app.finance.ledger import FinanceError
    from app.finance.statement import build_statement

    start, end = _date(args.start, _("开始日期")), _date(args.end, _("结束日期"))
    threshold = _threshold(args.threshold)
    store = village_store(args)
    try:
        with store.read() as s:
            statement = build_statement(s, start, end, threshold=threshold, list_all=args.all)
    except FinanceError as exc:
        raise CliError(str(exc)) from exc
    print(statement_text(statement))
    return 0


def statement_text(statement: Any) -> str:
    """The statement as plain text: its title, body and tables, columns separated by tabs."""
    out = [_("{period}财务收支情况").format(period=statement.period_label), "", statement.body_text(), ""]
    for table in statement.tables():
        out.append("【{title}】".format(title=table.title))
        out.append("\t".join(table.columns))
        out.extend("\t".join(row) for row in table.rows)
        if table.total:
            out.append("\t".join(table.total))
        out.append("")
    return "\n".join(out).rstrip("\n")


FINANCE_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"import": _import, "statement": _statement}

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"finance": cmd_finance}
