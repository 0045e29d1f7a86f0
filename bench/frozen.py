"""``python -m bench.frozen [--quick] [--output FILE] [--cache-dir DIR]``: the program as installed.

Builds the one-folder program (scripts/build.sh) and its floor, a bare PySide6 window
(bench/floor_window.py) built the same way (bench/floor.spec: one folder, installer/freeze.py's
exclusions), then starts, side by side in one run and alternating:

* ``frozen-smoke``: the frozen ``cunwu-desktop --smoke`` on the large village against the frozen bare
  window (target: at most 2x);
* ``frozen-vs-source``: the same frozen run against ``python -m ui.app --smoke`` from the source
  checkout (target: no slower, at most 1x).

It also reports the build's size (target: at most 200 MB, in MiB as ``du -sm`` counts) and what each big
part of it costs: Qt and PySide6, the fonts, Python, cryptography, SQLAlchemy, Pillow (for ReportLab), the
user guide's pictures; pandas and numpy are not in the build (the program does not use them; their size
in the environment is given for comparison).

Not part of ``python -m bench``: the two builds take about a minute. Results go to bench/results/frozen.json
in the same row format; the table prints to stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.core import ROOT, Result, Settings, environment, median, ratio_of
from bench.runner import format_table, write_json
from bench.villages import default_cache_dir, large_village, residents_in

DEFAULT_OUTPUT = ROOT / "bench" / "results" / "frozen.json"
SIZE_LIMIT_MIB = 200.0


def build(work: Path) -> tuple[Path, Path, float, float]:
    """The frozen program and the frozen floor window, built into ``work``; and how long each took."""
    start = time.perf_counter()
    subprocess.run(["bash", str(ROOT / "scripts" / "build.sh"), "--dist", str(work / "dist"), "--work",
                    str(work / "build")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    program_s = time.perf_counter() - start
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN", "--distpath",
                    str(work / "dist"), "--workpath", str(work / "floor-build"), str(ROOT / "bench" / "floor.spec")],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    floor_s = time.perf_counter() - start
    return work / "dist" / "cunwu", work / "dist" / "floor-window", program_s, floor_s


def clean_env() -> dict[str, str]:
    """A shell without the virtual environment (a frozen program ignores it anyway), Qt offscreen."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    return time.perf_counter() - start, done.returncode, (done.stdout + done.stderr)[-2000:]


def files_size(paths: list[Path]) -> float:
    """MiB of the regular files under ``paths`` (links not followed, as du counts them)."""
    total = 0
    for path in paths:
        items = [path] if path.is_file() else list(path.rglob("*")) if path.exists() else []
        total += sum(p.lstat().st_size for p in items if p.is_file() and not p.is_symlink())
    return total / 2**20


def parts(folder: Path) -> dict[str, float]:
    """What each big part of the build costs, in MiB."""
    internal = folder / "_internal"
    qt = [internal / "PySide6", internal / "shiboken6", *internal.glob("libQt6*"), *internal.glob("libpyside6*"),
          *internal.glob("libshiboken6*"), *internal.glob("libicu*")]
    python = [*internal.glob("libpython*"), internal / "python3.11", internal / "base_library.zip",
              *[p for p in internal.glob("python3*") if p.is_dir()]]
    named = {
        "Qt and PySide6 (QtCore, QtGui, QtWidgets, QtPrintSupport, ICU)": qt,
        "fonts (HanaMin A/B for rare characters, WenQuanYi Micro Hei)": [internal / "resources" / "fonts"],
        "user guide pictures": [internal / "resources" / "help"],
        "Python (interpreter library, standard library)": python,
        "cryptography": [internal / "cryptography", *internal.glob("libcrypto*"), *internal.glob("libssl*")],
        "SQLAlchemy": [internal / "sqlalchemy"],
        "Pillow (ReportLab reads images with it)": [internal / "PIL", internal / "pillow.libs"],
        "executables (the program's Python code, compressed)": [p for p in folder.iterdir() if p.is_file()],
    }
    out = {name: files_size(paths) for name, paths in named.items()}
    out["everything else"] = files_size([folder]) - sum(out.values())
    return out


def environment_size(package: str) -> float | None:
    """MiB an installed package takes in this environment (pandas, numpy: for comparison only)."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent
    libs = folder.parent / f"{package}.libs"
    return files_size([folder, libs])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.frozen", description="The frozen program against its floors.")
    p.add_argument("--quick", action="store_true", help="one run each on a tiny village")
    p.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    p.add_argument("--cache-dir", type=Path, default=None)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cunwu-frozen-bench-") as tmp:
        work = Path(tmp)
        settings = Settings(quick=args.quick, cache_dir=args.cache_dir or default_cache_dir(), work_dir=work)
        data_dir = large_village(settings)
        print("[bench] building the program and the floor window ...", file=sys.stderr, flush=True)
        program, floor, program_s, floor_build_s = build(work)
        # a copy: the smoke run writes its log beside the data, the cached village stays as it was
        village = work / "village"
        shutil.copytree(data_dir, village)
        env = clean_env()
        ours_cmd = [str(program / "cunwu-desktop"), "--smoke", "--data-dir", str(village)]
        floor_cmd = [str(floor / "floor-window")]
        source_cmd = [sys.executable, "-m", "ui.app", "--smoke", "--data-dir", str(village)]
        source_env = {**env, "PYTHONPATH": str(ROOT)}
        for cmd, e in ((floor_cmd, env), (ours_cmd, env), (source_cmd, source_env)):  # warm the disk cache
            timed(cmd, e)
        ours, bare, source = [], [], []
        for _i in range(settings.repeats):
            for cmd, e, samples in ((floor_cmd, env, bare), (ours_cmd, env, ours), (source_cmd, source_env, source)):
                seconds, code, output = timed(cmd, e)
                if code != 0:
                    print(f"{' '.join(cmd)} exited with {code}:\n{output}", file=sys.stderr)
                    return 1
                samples.append(seconds)
        size = files_size([program])
        breakdown = parts(program)
        files = sum(1 for f in program.rglob("*") if f.is_file() and not f.is_symlink())
        floor_size = files_size([floor])
    env_info = environment()
    details = {**env_info, "quick": args.quick, "residents": residents_in(data_dir), "runs": settings.repeats,
               "qt_platform": "offscreen", "command": " ".join(ours_cmd), "floor_command": " ".join(floor_cmd),
               "source_command": " ".join(source_cmd), "build_seconds": round(program_s, 1),
               "floor_build_seconds": round(floor_build_s, 1)}
    o, f, s = median(ours), median(bare), median(source)
    rows = [
        Result("frozen-smoke", o, f, ratio_of(o, f), "≤ 2x", (ratio_of(o, f) or 99) <= 2.0, "s",
               {**details, "ours_samples": ours, "floor_samples": bare}),
        Result("frozen-vs-source", o, s, ratio_of(o, s), "≤ 1x", (ratio_of(o, s) or 99) <= 1.0, "s",
               {**details, "ours_samples": ours, "source_samples": source}),
        Result("frozen-size", size, floor_size, ratio_of(size, floor_size), "≤ 200 MB", size <= SIZE_LIMIT_MIB, "MB",
               {**details, "files": files, "parts_mib": {k: round(v, 1) for k, v in breakdown.items()},
                "not_in_build_mib": {"pandas": environment_size("pandas"), "numpy": environment_size("numpy")},
                "floor": "the frozen bare window's folder"}),
    ]
    print(format_table(rows))
    print("\nbuild size by part (MiB):")
    for name, mib in sorted(breakdown.items(), key=lambda kv: -kv[1]):
        print(f"  {mib:6.1f}  {name}")
    for package in ("pandas", "numpy"):
        mib = environment_size(package)
        if mib is not None:
            print(f"  (not in the build: {package}, {mib:.0f} MiB installed in this environment)")
    write_json(args.output, rows)
    print(f"\n[bench] results written to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
