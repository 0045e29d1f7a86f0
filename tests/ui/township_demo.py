"""A township hub with demo villages for the township screens' tests, built once per test run.

``township_copy(dest)`` gives each test its own copy (the hub and the villages' own stores beside it), so
an import or a setting in one test is not seen by another. The villages are the hub demo's (app.hub.township_demo):
certificates refused this month, a forked bundle, a silent village, one never synced, one with a bundle
waiting for a gap, and one that sends every month on time.
"""

from __future__ import annotations

import datetime as dt
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

VILLAGES = 6
TODAY = dt.date.today()
ON_TIME = ""  # the kind of the village that sends every month on time (no special case)


@functools.lru_cache(maxsize=1)
def _built() -> tuple[Path, Any]:
    from app.hub.township_demo import create_hub_demo

    root = Path(tempfile.mkdtemp(prefix="cunwu-township-")) / "data"
    info = create_hub_demo(root, villages=VILLAGES, seed=2026, today=TODAY)
    return root, info


def township_copy(dest: Path) -> Path:
    """A fresh copy of the demo township's data folder at ``dest``."""
    shutil.copytree(_built()[0], dest)
    return dest


def demo_village(kind: str) -> Any:
    """The demo village (app.hub.township_demo.DemoVillageInfo) whose special case is ``kind`` (ON_TIME: none)."""
    villages = _built()[1].villages
    if kind == ON_TIME:
        return next(v for v in villages if not v.kinds)
    return next(v for v in villages if kind in v.kinds)


def village_dir(data: Path, code: str) -> Path:
    """The data folder of the demo village ``code`` inside the township copy ``data``."""
    from app.hub.township_demo import FOLDER

    name = next(v.name for v in _built()[1].villages if v.code == code)
    return next(p for p in (data / FOLDER).iterdir() if p.is_dir() and p.name.endswith("-" + name))
