"""The benchmark machinery runs end to end on tiny villages and reports every scenario.

Timings are never asserted: they depend on the machine. What must hold is the
shape the lead reads: the table's columns, one JSON object per row with units
and details, and a number or a stated reason for every row.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["scenario", "ours", "floor", "ratio", "target", "met"]
TARGETS = {"smoke": "≤ 2x", "smoke-memory": "≤ 300 MB", "import": "≤ 2x", "search": "≤ 30 ms", "paint": "≤ 1.3x",
           "sync-export": "time ≤ 3x, size ≤ 1.2x", "hub-import-sqlite": "≤ 3x", "hub-import-postgresql": "≤ 3x",
           "sync-memory-export": "≤ 200 MB", "sync-memory-import": "≤ 200 MB", "cert-issue": "≤ 200 ms",
           "cert-register": "≤ 2x", "disclosure-search-1char": "≤ 30 ms", "disclosure-search-2char": "≤ 30 ms",
           "disclosure-search-4char": "≤ 30 ms", "disclosure-calendar": "≤ 50 ms",
           "notice-pdf-vs-canvas": "≤ 2x", "notice-pdf-vs-libreoffice": "≥ 5x faster", "signin-sheet": "≤ 2x",
           "preview-open": "≤ 300 ms", "township-overview": "≤ 1.3x", "hub-status-6": "≤ 50 ms", "hub-status-60": "≤ 3x 6",
           "hub-import-projections-sqlite": "≤ 1.5x", "hub-import-projections-postgresql": "≤ 1.5x",
           "hub-upload": "≤ 2x", "public-notices": "p95 ≤ 50 ms"}


def bench(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], list[dict]]:
    # a separate output and cache: the test must not overwrite the real results in bench/results
    output = tmp_path / "latest.json"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--quick", *args, "--output", str(output),
         "--cache-dir", str(tmp_path / "cache")],
        cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done, json.loads(output.read_text(encoding="utf-8"))


def test_quick_bench_prints_the_table_and_writes_every_row(tmp_path):
    done, rows = bench(tmp_path)

    header = done.stdout.splitlines()[0].split()
    assert header == COLUMNS
    for name in TARGETS:
        assert any(line.split()[:1] == [name] for line in done.stdout.splitlines()), done.stdout

    assert [r["scenario"] for r in rows] == list(TARGETS)
    for r in rows:
        assert set(r) == {*COLUMNS, "units", "details"}
        assert r["target"] == TARGETS[r["scenario"]]
        assert r["units"] in {"s", "ms", "MB"}
        details = r["details"]
        assert details["quick"] is True
        assert details["machine"]["cpus"] >= 1
        assert details["python"].count(".") == 2
        assert details["date"][:2] == "20"
        if r["met"] is None:
            # not measured: the row must say why, never just be blank
            assert details["status"] in {"not available", "failed"} and details["reason"]
        elif r["scenario"].startswith("sync-memory"):
            assert r["ours"] > 0 and r["floor"] is None  # an absolute limit: there is no floor to compare
        else:
            assert r["ours"] > 0 and r["floor"] > 0 and r["ratio"] > 0

    by_name = {r["scenario"]: r for r in rows}
    # these two need only the core, so on any checkout they must produce numbers
    assert by_name["import"]["met"] is not None, by_name["import"]["details"].get("reason")
    assert by_name["search"]["met"] is not None, by_name["search"]["details"].get("reason")
    assert by_name["search"]["details"]["queries"] >= 200
    for name in ("cert-issue", "cert-register"):
        assert by_name[name]["met"] is not None, by_name[name]["details"].get("reason")
    issue = by_name["cert-issue"]
    assert issue["units"] == "ms" and issue["met"] == (issue["ours"] <= 200)
    assert issue["details"]["issues"] >= 1 and issue["details"]["ours_median_ms"] <= issue["ours"]
    register = by_name["cert-register"]["details"]
    # the quick register holds 200 certificates, some of them voided, and every one is exported
    assert register["rows"] == 200 and register["states"].get("已作废", 0) > 0


def test_only_runs_the_named_scenario(tmp_path):
    done, rows = bench(tmp_path, "--only", "search")
    assert [r["scenario"] for r in rows] == ["search"]
    assert [line.split()[0] for line in done.stdout.splitlines()[2:] if line.strip()] == ["search"]
