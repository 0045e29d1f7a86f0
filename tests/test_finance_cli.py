"""``cunwu finance import`` and ``cunwu finance statement`` as the accountant uses them.

The commands are driven through their own argument parser and dispatch table, the way
``app.cli.main`` drives them, so these tests do not depend on how the top-level parser is wired.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys

import pytest

import app.finance.models  # noqa: F401 - the ledger tables must exist when the test store is created
from app.cli import CliError
from app.cli import finance
from test_finance_ledger import OPENING, SAMPLE, counts, write_csv


def run(capsys, store, *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="cunwu")
    parser.add_argument("--data-dir")
    sub = parser.add_subparsers(dest="command", required=True)
    finance.add_parsers(sub)
    args = parser.parse_args(["--data-dir", str(store.data_dir), "finance", *argv])
    try:
        code = finance.COMMANDS[args.command](args)
    except CliError as exc:  # what app.cli.main prints as its one-line reason
        print(f"错误:{exc}", file=sys.stderr)
        code = 1
    out, err = capsys.readouterr()
    return code, out, err


def test_import_prints_the_counts_and_totals(capsys, store):
    code, out, _err = run(capsys, store, "import", str(SAMPLE))
    assert code == 0
    assert "已导入 2026 年账簿 15 笔收支" in out and "期末余额 228,235.51 元" in out


def test_import_of_a_bad_ledger_lists_every_row_and_writes_nothing(capsys, store, tmp_path):
    path = write_csv(tmp_path / "坏.csv", [
        OPENING,
        ["2026-03-01", "记-1", "承包费", "发包及上交收入", "一千", "", "10,000.00"],
        ["2052-03-05", "记-2", "电费", "管理费用", "", "100.00", ""],
        ["2026-03-09", "记-3", "电费", "管理费用", "", "100.00", "9,700.00"],
    ])
    before = counts(store)
    code, out, _err = run(capsys, store, "import", str(path))
    assert code == 1
    lines = out.strip().splitlines()
    assert "没有导入任何数据" in lines[0]
    assert lines[1].strip().startswith("第 3 行 [收入]:") and "一千" in lines[1]
    assert lines[2].strip().startswith("第 4 行 [日期]:日期 2052-03-05 不在 2026 年")
    assert lines[3].strip() == ("第 5 行 [余额]:余额应为 9,800.00 元,表中为 9,700.00 元,相差 -100.00 元。"
                                "请核对这一行和上一行的金额与余额")
    assert len(lines) == 4
    assert counts(store) == before


def test_dry_run_and_year_option(capsys, store):
    code, out, _err = run(capsys, store, "import", str(SAMPLE), "--dry-run")
    assert code == 0 and "试运行" in out
    code, out, _err = run(capsys, store, "import", str(SAMPLE), "--year", "2025")
    assert code == 1 and out.count("不在 2025 年") == 15


def test_statement_prints_the_tables(capsys, store):
    run(capsys, store, "import", str(SAMPLE))
    code, out, _err = run(capsys, store, "statement", "--from", "2026-01-01", "--to", "2026-03-31")
    assert code == 0
    assert out.startswith("2026年第一季度财务收支情况")
    assert "【收支汇总表】" in out and "期末余额\t\t220,356.01\t贰拾贰万零叁佰伍拾陆元零壹分" in out
    assert "【大额收支明细(单笔 1,000 元以上)】" in out and "路灯维护" in out and "村委会电费" not in out
    code, out, _err = run(capsys, store, "statement", "--from", "2026-01-01", "--to", "2026-03-31",
                          "--threshold", "999.99")
    assert code == 0 and "村委会电费" in out and "单笔 999.99 元以上" in out


@pytest.mark.tampers
def test_statement_that_does_not_reconcile_exits_1_with_the_difference(capsys, store):
    run(capsys, store, "import", str(SAMPLE))
    con = sqlite3.connect(store.db_path)
    with con:
        con.execute("UPDATE ledger_entries SET amount_fen = amount_fen - 1 WHERE voucher = '记-001'")
    con.close()
    code, out, err = run(capsys, store, "statement", "--from", "2026-01-01", "--to", "2026-01-31")
    assert code == 1 and out == ""
    assert "相差 -0.01 元" in err


def test_statement_arguments_are_checked(capsys, store):
    code, _out, err = run(capsys, store, "statement", "--from", "2026/13/01", "--to", "2026-03-31")
    assert code == 1 and "看不懂" in err
    code, _out, err = run(capsys, store, "statement", "--from", "2026-01-01", "--to", "2026-03-31", "--threshold", "很多")
    assert code == 1 and "--threshold" in err
    code, _out, err = run(capsys, store, "statement", "--from", "2026-01-01", "--to", "2026-03-31")
    assert code == 1 and "还没有导入 2026 年的账簿" in err
