"""How hard the hardening suite tries: a short run in CI, a long one on demand.

    .venv/bin/python -m pytest tests/hardening -p no:randomly                       # short (CI)
    CUNWU_HARDENING=long .venv/bin/python -m pytest tests/hardening -p no:randomly \
        --hypothesis-show-statistics                                                 # long

Tests take their settings from :data:`fuzz` (readers of outside input) and :data:`machine` (the
stateful village); deterministic fault injection runs the same in both forms.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

LONG = os.environ.get("CUNWU_HARDENING", "short") == "long"


def examples(short: int, long: int) -> int:
    return long if LONG else short


_common = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
    derandomize=not LONG,  # CI tries the same cases every run; the long form explores
    database=None,
)

fuzz = settings(max_examples=examples(40, 5000), **_common)
machine = settings(max_examples=examples(8, 400), stateful_step_count=examples(15, 50), **_common)
