"""Run by tests/test_hub_hardening.py in a fresh process: import one bundle into a hub and print the outcome
and how far the peak resident memory grew while doing it (Linux: VmHWM)."""

from __future__ import annotations

import sys
from pathlib import Path


def peak_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmHWM"):
                return int(line.split()[1]) // 1024
    raise RuntimeError("no VmHWM")


def main() -> None:
    from app.hub.service import import_one, open_hub

    hub = open_hub(Path(sys.argv[1]))
    hub.secrets  # noqa: B018 - load the keys before measuring
    before = peak_mb()
    outcome = import_one(hub, Path(sys.argv[2]))
    grown = peak_mb() - before
    hub.close()
    print("\t".join([outcome.status, outcome.reason, str(grown), outcome.message.replace("\t", " ")]))


if __name__ == "__main__":
    main()
