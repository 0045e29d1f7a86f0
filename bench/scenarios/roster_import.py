"""Roster import: a 20,000-row .xlsx into an empty village, against pandas reading the file.

Reading the workbook is most of the work whoever does it; pandas.read_excel
(openpyxl underneath) is the plain way to read it. What the import adds on top
(checking every ID number and phone, grouping households, one transaction
with an event per row) must stay within the target.
"""

from __future__ import annotations

import gc
import random
import shutil
import time

from bench.core import Result, Settings, failed, median, ratio_of
from bench.villages import large_roster

NAME = "import"
TARGET = "≤ 2x"
UNITS = "s"
LIMIT = 2.0


def run(settings: Settings) -> list[Result]:
    import pandas as pd

    from app.people.importer import import_roster
    from app.people.service import init_village
    from app.people.uscc import make_uscc
    from app.schema import open_store

    path = large_roster(settings)
    code = make_uscc(random.Random(11), area="371426")
    ours: list[float] = []
    floor: list[float] = []
    rows = 0
    for i in range(settings.heavy_repeats):
        gc.collect()
        start = time.perf_counter()
        frame = pd.read_excel(path)
        floor.append(time.perf_counter() - start)
        rows = len(frame)
        del frame

        data_dir = settings.work_dir / f"import-{i}"
        shutil.rmtree(data_dir, ignore_errors=True)
        store = open_store(data_dir)
        try:
            with store.begin() as s:
                init_village(s, name="柳林村", code=code, township="石桥镇", county="平原县")
            gc.collect()
            start = time.perf_counter()
            with store.begin() as s:
                report = import_roster(s, path)
            ours.append(time.perf_counter() - start)
        finally:
            store.close()
            shutil.rmtree(data_dir, ignore_errors=True)
        if not report.ok or report.imported != rows:
            first = str(report.errors[0]) if report.errors else ""
            return [failed(NAME, TARGET, "s", f"the import took {report.imported} of {rows} rows; {first}",
                           file=str(path))]

    ours_s, floor_s = median(ours), median(floor)
    ratio = ratio_of(ours_s, floor_s)
    return [Result(NAME, ours_s, floor_s, ratio, TARGET, ratio is not None and ratio <= LIMIT, "s",
                   {"rows": rows, "file": str(path), "file_bytes": path.stat().st_size, "runs": len(ours),
                    "floor": "pandas.read_excel(path)", "ours_samples": ours, "floor_samples": floor})]
