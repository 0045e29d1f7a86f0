"""Exit codes survive a pipe: a reader that stops early (``| head``) must not turn a failure into success.

A township script runs ``cunwu check | head -c 100`` and looks at the exit code (with ``set -o pipefail``);
a code of 0 after a failed import or a failed check would tell it all is well.
"""

from __future__ import annotations

import shlex
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _pipeline(data_dir: Path, args: str, reader: str) -> tuple[int, int, str]:
    """Run ``cunwu ARGS | READER`` in bash; (cunwu's exit code, the pipeline's code under pipefail, stderr)."""
    cunwu = "{py} -m app --data-dir {d}".format(py=shlex.quote(sys.executable), d=shlex.quote(str(data_dir)))
    script = "set -o pipefail; {cunwu} {args} 2>{err} | {reader}; echo \"codes=${{PIPESTATUS[0]}}:$?\" >&2".format(
        cunwu=cunwu, args=args, reader=reader, err=shlex.quote(str(data_dir.parent / "stderr.txt")))
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, encoding="utf-8",
                          errors="replace", cwd=ROOT, timeout=180)
    line = [ln for ln in done.stderr.splitlines() if ln.startswith("codes=")][-1]
    first, whole = line[len("codes="):].split(":")
    # $? after the echo's own pipeline is the echo's; the pipeline's status is PIPESTATUS under pipefail
    err = (data_dir.parent / "stderr.txt").read_text(encoding="utf-8", errors="replace")
    return int(first), int(first) or int(whole), err


def _bad_roster(path: Path, rows: int) -> Path:
    """A roster whose every row has an ID number with a wrong check digit: each row prints its own error."""
    lines = ["姓名,身份证号"]
    for i in range(rows):
        lines.append("错号{i},37010219800101{n:03d}0".format(i=i, n=i % 1000))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _names(db: Path) -> list[str]:
    con = sqlite3.connect(db)
    try:
        return sorted(r[0] for r in con.execute("SELECT name FROM residents"))
    finally:
        con.close()


@pytest.mark.slow
def test_a_failed_import_piped_into_head_still_exits_non_zero(store, tmp_path):
    # the per-row errors are far more than a pipe holds, so head is gone long before they are all written
    bad = _bad_roster(tmp_path / "bad.csv", 3000)
    before = _names(store.db_path)
    store.close()
    code, pipeline, err = _pipeline(store.data_dir, "residents import " + shlex.quote(str(bad)), "head -c 10")
    assert code == 1, err
    assert pipeline == 1
    assert "出现意外问题" not in err and "Traceback" not in err
    assert _names(store.db_path) == before  # a file with errors imports nobody


@pytest.mark.slow
@pytest.mark.tampers
@pytest.mark.parametrize("reader", ["head -c 100", "true"])
def test_check_of_a_tampered_store_piped_into_head_still_exits_non_zero(store, reader):
    # a name edited behind the program's back, long enough that its report fills the pipe
    con = sqlite3.connect(store.db_path)
    con.execute("UPDATE residents SET name = ? WHERE name = '李四'", ("冒名" * 40_000,))
    con.commit()
    con.close()
    store.close()
    code, pipeline, err = _pipeline(store.data_dir, "check", reader)
    assert code == 1, err
    assert pipeline == 1
    assert "出现意外问题" not in err and "Exception ignored" not in err


@pytest.mark.slow
def test_a_successful_command_piped_into_head_still_exits_zero(store):
    store.close()
    code, pipeline, err = _pipeline(store.data_dir, "cert catalogue", "head -c 10")
    assert (code, pipeline) == (0, 0), err
