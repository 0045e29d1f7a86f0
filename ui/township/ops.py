"""The one way township screens reach the hub: app.hub functions on a worker (ui.tasks), never on the GUI thread.

- :class:`HubRead` runs ``fn(hub, ctx)`` on the general pool (reads: the overview, a village, a verification).
- :class:`HubWrite` runs ``fn(hub, ctx)`` on the one-thread write pool (an import, a setting), so writes to
  the hub are serialised like the village's; after it succeeds, ``hub_events().changed`` tells every
  township screen to read again (the overview after an import, say).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from ui.tasks import Task, TaskContext


class _HubEvents(QObject):
    changed = Signal(object, str)  # (hub, what: "bundles" | "settings")


_events: _HubEvents | None = None


def hub_events() -> _HubEvents:
    global _events
    if _events is None:
        _events = _HubEvents()
    return _events


BUNDLES = "bundles"
SETTINGS = "settings"


class HubRead(Task):
    """``HubRead(hub, lambda hub, ctx: status_rows(hub, day)).success(show).run()``."""

    def __init__(self, hub: Any, fn: Callable[[Any, TaskContext], Any]) -> None:
        super().__init__(lambda ctx: fn(hub, ctx), write=False)


class HubWrite(Task):
    """``HubWrite(hub, lambda hub, ctx: import_bundles(hub, files), changes=BUNDLES)``: on the write pool;
    ``changes`` is announced after the success callback (also when the function failed after part of its
    work was committed, as an import of several files does: ``announce_on_failure``)."""

    def __init__(self, hub: Any, fn: Callable[[Any, TaskContext], Any], *, changes: str,
                 announce_on_failure: bool = False) -> None:
        self.hub, self.changes, self._also_failed = hub, changes, announce_on_failure
        super().__init__(lambda ctx: fn(hub, ctx), write=True)

    def _succeeded(self, result: Any) -> None:
        try:
            super()._succeeded(result)
        finally:
            hub_events().changed.emit(self.hub, self.changes)

    def _failed(self, exc: BaseException) -> None:
        try:
            super()._failed(exc)
        finally:
            if self._also_failed:
                hub_events().changed.emit(self.hub, self.changes)
