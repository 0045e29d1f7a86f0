"""The hub process killed at a random moment of an import: afterwards the
bundle is fully applied or not at all, and importing it again works."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import func, select

from app.hub import store as hub_tables
from app.hub.service import ALREADY, IMPORTED, import_bundles, list_villages, open_hub
from test_hub import Linked, db_url, demo_dir  # noqa: F401 - fixtures

MAX_ROUNDS = 40


def _counts(hub) -> tuple[int, int, int]:
    with hub.engine.connect() as conn:
        return tuple(conn.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[return-value]
                     for t in (hub_tables.events, hub_tables.records, hub_tables.bundles))


@pytest.mark.slow
def test_killed_import_is_all_or_nothing(tmp_path, demo_dir, db_url):  # noqa: F811
    import shutil

    village_dir = tmp_path / "village"
    shutil.copytree(demo_dir, village_dir)
    link = Linked(tmp_path, village_dir, db_url)
    bundle = link.export()
    head = list(link.village_dump())
    link.village.close()
    hub_data = link.hub.dir.parent
    link.hub.close()

    rng = random.Random(int(os.environ.get("CUNWU_KILL_SEED", "7")))
    env = {**os.environ, "PYTHONPATH": str(os.getcwd())}
    outcomes = []
    # kill ever later, from before the import starts until one round finishes it
    delay = 0.2
    for _ in range(MAX_ROUNDS):
        hub = open_hub(hub_data)
        before = _counts(hub)
        hub.close()
        if before[0]:
            break  # applied in an earlier round: the rest of the check follows
        proc = subprocess.Popen([sys.executable, "-m", "app", "--data-dir", str(hub_data), "hub", "import",
                                 str(bundle)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        delay += rng.uniform(0.02, 0.06)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        hub = open_hub(hub_data)
        events, records, bundles = _counts(hub)
        (village,) = list_villages(hub)
        hub.close()
        applied = events > 0
        outcomes.append(applied)
        if applied:
            assert village.last_seq == events and bundles == 1 and records == len(head)
        else:
            assert (events, records, bundles, village.last_seq) == (0, 0, 0, 0)

    assert False in outcomes, "every kill came too late to interrupt the import"

    hub = open_hub(hub_data)
    try:
        (outcome,), _ = import_bundles(hub, [bundle])
        assert outcome.status in (IMPORTED, ALREADY)
        assert _counts(hub)[1] == len(head)
    finally:
        hub.close()
