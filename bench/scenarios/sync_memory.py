"""Peak memory exporting and importing a ten-year full bundle of the large village.

Each side runs in a fresh process that runs the command and then reports its
own peak resident memory (VmHWM from /proc/self/status): ru_maxrss of a child
would include the memory of the bench process it was forked from. Both sides
must stream, so the peak does not grow with the number of events.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from bench.core import Result, Settings, failed, run_child, tail
from bench.sync_data import aged_village, link_to_township

NAME = "sync-memory"
TARGET = "≤ 200 MB"
UNITS = "MB"
LIMIT_MB = 200.0


# run one cunwu command, then print the peak memory of this process
_CHILD = """
import sys
from app.cli import main
code = main(sys.argv[1:])
for line in open('/proc/self/status'):
    if line.startswith('VmHWM:'):
        print('PEAK_KB', line.split()[1])
sys.exit(code)
"""


def _peak_mb(output: str) -> float | None:
    for line in output.splitlines():
        if line.startswith("PEAK_KB "):
            return int(line.split()[1]) / 1024
    return None


def run(settings: Settings) -> list[Result]:
    if not Path("/proc/self/status").exists():
        from bench.core import unavailable

        return [unavailable(NAME, TARGET, UNITS, "needs /proc/self/status (Linux) to read a process's own peak")]
    from app.hub.service import enroll, init_hub
    from app.people.service import get_village
    from app.schema import open_store
    from app.keys import write_identity_file

    data = settings.work_dir / "sync-memory"
    shutil.rmtree(data, ignore_errors=True)
    village = data / "village"
    shutil.copytree(aged_village(settings), village)
    hub = init_hub(data / "township", "石桥镇")
    link_to_township(village, hub.dir)
    store = open_store(village)
    with store.read() as s:
        v = get_village(s)
        from sqlalchemy import func, select

        from app.events import Event

        events = s.scalar(select(func.count()).select_from(Event))
    store.close()
    write_identity_file(village, data / "id.json", code=v.code, name=v.name, township="石桥镇")
    enroll(hub, data / "id.json")
    hub.close()
    stick = data / "stick"
    stick.mkdir()
    results = []
    try:
        exp = run_child([sys.executable, "-c", _CHILD, "--data-dir", str(village), "bundle", "export", "--full",
                         "--to", str(stick)], timeout=1800)
        if exp.returncode != 0:
            return [failed(f"{NAME}-export", TARGET, UNITS, tail(exp.output))]
        bundle = next(stick.glob("*.cunwu-sync"))
        imp = run_child([sys.executable, "-c", _CHILD, "--data-dir", str(data / "township"), "hub", "import",
                         str(bundle)], timeout=1800)
        if imp.returncode != 0:
            return [failed(f"{NAME}-import", TARGET, UNITS, tail(imp.output))]
        for side, child in (("export", exp), ("import", imp)):
            peak = _peak_mb(child.output)
            results.append(Result(f"{NAME}-{side}", peak, None, None, TARGET,
                                  peak is not None and peak <= LIMIT_MB, UNITS,
                                  {"events": events, "bundle_bytes": bundle.stat().st_size,
                                   "seconds": round(child.seconds, 2)}))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    return results
