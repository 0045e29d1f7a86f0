"""``python -m bench [--quick] [--only NAME] [--output FILE] [--cache-dir DIR]``.

Prints the table (scenario, ours, floor, ratio, target, met) and writes the
same rows, with units and details (machine, versions, date, samples), as a
JSON list to bench/results/latest.json. Progress goes to stderr so stdout is
only the table.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from bench.core import COLUMNS, ROOT, Result, Settings, environment, failed
from bench.scenarios import MODULES
from bench.villages import default_cache_dir

DEFAULT_OUTPUT = ROOT / "bench" / "results" / "latest.json"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description="Measure cunwu against its floors.")
    parser.add_argument("--quick", action="store_true",
                        help="tiny villages and one run each: checks the machinery, not the speed")
    parser.add_argument("--only", action="append", choices=sorted(MODULES), metavar="NAME",
                        help=f"run only this scenario (repeatable): {', '.join(MODULES)}")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the JSON results")
    parser.add_argument("--cache-dir", type=Path, default=None,
                        help="where the generated villages and roster are kept between runs")
    return parser.parse_args(argv)


def _number(value: float | None, units: str) -> str:
    if value is None:
        return "-"
    if units == "MB":
        return f"{value:.0f} MB"
    if units == "ms":
        return f"{value:.1f} ms"
    return f"{value:.2f} {units}"


def _met(result: Result) -> str:
    if result.met is None:
        return str(result.details.get("status", "n/a"))
    return "yes" if result.met else "NO"


def format_table(results: list[Result]) -> str:
    rows = [list(COLUMNS)]
    for r in results:
        rows.append([r.scenario, _number(r.ours, r.units), _number(r.floor, r.units),
                     "-" if r.ratio is None else f"{r.ratio:.2f}x", r.target, _met(r)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"{r.scenario}: {r.details['status']}: {r.details.get('reason', '')}"
             for r in results if r.met is None]
    return "\n".join(lines + ([""] + notes if notes else []))


def write_json(path: Path, results: list[Result]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2) + "\n",
                         encoding="utf-8")
    os.replace(temporary, path)


def run_scenarios(names: list[str], settings: Settings) -> list[Result]:
    env = environment()
    results: list[Result] = []
    for name in names:
        module = MODULES[name]
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows = module.run(settings)
        except Exception as exc:  # noqa: BLE001 - one broken scenario must not hide the others' numbers
            rows = [failed(name, module.TARGET, module.UNITS, f"{type(exc).__name__}: {exc}",
                           traceback=traceback.format_exc())]
        took = time.perf_counter() - start
        print(f"[bench] {name} done in {took:.1f} s", file=sys.stderr, flush=True)
        for row in rows:
            row.details = {**env, "quick": settings.quick, "scenario_seconds": round(took, 1), **row.details}
        results.extend(rows)
    return results


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    names = [n for n in MODULES if not args.only or n in args.only]
    with tempfile.TemporaryDirectory(prefix="cunwu-bench-") as work:
        settings = Settings(quick=args.quick, cache_dir=args.cache_dir or default_cache_dir(), work_dir=Path(work))
        results = run_scenarios(names, settings)
    print(format_table(results))
    write_json(args.output, results)
    print(f"\n[bench] results written to {args.output}", file=sys.stderr)
    return 0
