"""Garbage is collected on the GUI thread, never on a worker (ui/collector.py)."""

from __future__ import annotations

import gc
import threading
import weakref

from ui.collector import install


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the cycle collector frees it


def test_cycles_are_collected_by_the_gui_thread_timer_and_not_by_workers(qtbot, qapp):
    collector = install(qapp)
    assert not gc.isenabled()
    seen: list[str] = []
    gc.callbacks.append(lambda phase, info: seen.append(threading.current_thread().name) if phase == "start" else None)
    try:
        node = _Node()
        gone = weakref.ref(node)
        del node

        def churn() -> None:  # allocations on a worker would trigger a collection there if it were enabled
            for _ in range(20_000):
                _Node()

        worker = threading.Thread(target=churn, name="worker")
        worker.start()
        worker.join()
        assert "worker" not in seen
        qtbot.waitUntil(lambda: gone() is None, timeout=5_000)
        assert seen and set(seen) == {threading.main_thread().name}
    finally:
        gc.callbacks.pop()
    assert collector.timer.isActive()
