"""Killing the program (SIGKILL) in the middle of a large import, 50 times:
afterwards `cunwu check` passes and the register holds all of the import or none of it."""

import datetime as dt
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import make_id, village_code

ROOT = Path(__file__).resolve().parent.parent
ROWS = 1500
KILLS = 50


def _roster(path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号", "村民小组", "户主姓名", "与户主关系", "联系电话"])
    rng = random.Random(5)
    for i in range(ROWS):
        birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(30000))
        head = f"户主{i // 4}"
        name = head if i % 4 == 0 else f"成员{i}"
        ws.append([name, make_id(birth, i % 1000, area=f"3701{i // 1000 + 10:02d}"), f"第{i % 8 + 1}组", head,
                   "户主" if i % 4 == 0 else "子", ""])
    wb.save(path)


def _count(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT count(*) FROM residents").fetchone()[0]
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_during_import_leaves_all_or_nothing(tmp_path):
    from app.cli import main

    base = tmp_path / "base"
    assert main(["--data-dir", str(base), "init", "--name", "柳林村", "--code", village_code(),
                 "--township", "石桥镇"]) == 0
    sheet = tmp_path / "roster.xlsx"
    _roster(sheet)
    cmd = [sys.executable, "-m", "app", "residents", "import", str(sheet)]

    # how long a full import takes here, so the kills spread over all of it
    work = tmp_path / "timing"
    shutil.copytree(base, work)
    start = time.monotonic()
    done = subprocess.run(cmd, env={**os.environ, "CUNWU_DATA_DIR": str(work)}, cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    duration = time.monotonic() - start
    assert done.returncode == 0, done.stdout + done.stderr
    assert _count(work / "cunwu.sqlite3") == ROWS

    rng = random.Random(2026)
    outcomes = {0: 0, ROWS: 0}
    for i in range(KILLS):
        d = tmp_path / f"k{i}"
        if d.exists():
            shutil.rmtree(d)
        shutil.copytree(base, d)
        p = subprocess.Popen(cmd, env={**os.environ, "CUNWU_DATA_DIR": str(d)}, cwd=ROOT,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration * 1.05))
        p.send_signal(signal.SIGKILL)
        p.wait()
        n = _count(d / "cunwu.sqlite3")
        assert n in outcomes, f"kill {i}: {n} residents — a partial import survived"
        outcomes[n] += 1
        assert main(["--data-dir", str(d), "check"]) == 0, f"kill {i}: cunwu check failed"
        shutil.rmtree(d)
    # the kills really landed during the import, not only before or after it
    assert outcomes[0] > 0
