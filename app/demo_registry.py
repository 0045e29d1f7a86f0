"""The steps of the demo village (``cunwu demo``), each registered by the package whose records it makes.

As a capability adds its own check to ``cunwu check`` with ``@app.events.verifier``, it adds its part of
the demo village with ``@demo_step``: a name, a place in the order (a number, smaller first) and the steps
it needs done before it. ``app.demo.load_steps`` imports every module that registers one, and
``app.demo.create_demo`` runs ``ordered_steps()`` one after the other inside its one write transaction.

A step is ``fn(session, data_dir, village, progress)``: the demo's write session, the data directory (the
village key is kept there), the generator's plain data (``app.demo_data.DemoVillage``) and the progress
callback ``progress(done, total)`` or None. What it returns is not used.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

Progress = Callable[[int, int], None]
StepFunction = Callable[["Session", Path, Any, "Progress | None"], object]


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    after: tuple[str, ...]  # the steps whose records this one reads or builds on
    run: StepFunction


DEMO_STEPS: dict[str, DemoStep] = {}


def demo_step(name: str, *, order: int, after: tuple[str, ...] = ()) -> Callable[[StepFunction], StepFunction]:
    """Function decorator: ``cunwu demo`` runs the function as the step ``name``. A name registered twice is
    refused (two packages making the same part of the village, or one module loaded twice)."""

    def register(fn: StepFunction) -> StepFunction:
        if name in DEMO_STEPS:
            raise ValueError("demo step {name!r} is registered twice: {old} and {new}".format(
                name=name, old=_where(DEMO_STEPS[name].run), new=_where(fn)))
        DEMO_STEPS[name] = DemoStep(name=name, order=order, after=tuple(after), run=fn)
        return fn

    return register


def ordered_steps() -> list[DemoStep]:
    """Every registered step by its order; refused if a step would run before a step it needs."""
    steps = sorted(DEMO_STEPS.values(), key=lambda s: (s.order, s.name))
    done: set[str] = set()
    for step in steps:
        missing = [name for name in step.after if name not in done]
        if missing:
            raise ValueError("demo step {name!r} needs {missing} before it, which {verb} not registered with a "
                             "smaller order".format(name=step.name, missing=", ".join(map(repr, missing)),
                                                    verb="is" if len(missing) == 1 else "are"))
        done.add(step.name)
    return steps


def _where(fn: StepFunction) -> str:
    return "{m}.{q}".format(m=getattr(fn, "__module__", "?"), q=getattr(fn, "__qualname__", repr(fn)))
