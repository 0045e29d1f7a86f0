"""Coverage-guided fuzzing of the spreadsheet readers with atheris (libFuzzer), for the long form only.

Hypothesis (test_fuzz_sheets.py) runs in CI; this goes deeper when there is time, steering its mutations by
the branches it reaches inside openpyxl, xlrd, the csv reader and app.sheets. It checks the same promise:
each reader returns rows or its declared UserError. The first byte of an input picks the file name's
ending (.xlsx, .xls, .csv), the rest is the file. atheris is not a dependency of the program; install it
into a folder of its own and run, for example for an hour:

    .venv/bin/pip install --target /tmp/athlib atheris
    mkdir -p /tmp/sheets-corpus
    PYTHONPATH=/tmp/athlib .venv/bin/python tests/hardening/atheris_sheets.py /tmp/sheets-corpus \
        -max_total_time=3600 -rss_limit_mb=4096 -timeout=20

The corpus starts from the same seed files as the Hypothesis suite. A crash is written by libFuzzer as
crash-<hash> in the current folder: copy it into tests/data/fuzz/ with the ending it was read under, where
test_fuzz_sheets.py replays it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parents[1])]

import atheris  # noqa: E402

with atheris.instrument_imports(include=["app", "openpyxl", "xlrd", "csv"]):
    import test_fuzz_sheets as suite  # noqa: E402

SUFFIXES = (".xlsx", ".xls", ".csv")


def one_input(data: bytes) -> None:
    if not data:
        return
    suite._read_all(data[1:], SUFFIXES[data[0] % len(SUFFIXES)])


def main() -> None:
    args = sys.argv
    corpus = next((Path(a) for a in args[1:] if not a.startswith("-")), None)
    if corpus is not None:
        corpus.mkdir(parents=True, exist_ok=True)
        for i, (suffix, seed) in enumerate(suite.SEEDS):
            (corpus / "seed-{:02d}".format(i)).write_bytes(bytes([SUFFIXES.index(suffix)]) + seed)
    atheris.Setup(args, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
