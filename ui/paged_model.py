"""A table model over rows matching a query, read a page at a time on a worker.

A new query resets the table and asks for its first page; scrolling near the end
asks for the next. Answers to an older query (the clerk typed on) are dropped by a
generation number, so the last search typed is the one shown.

A model made with ``on_gui_thread=True`` reads its pages where it is asked, through a
short read session, and has them before ``set_query`` returns (the residents table:
the one GUI-thread read docs/architecture.md allows, and why).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from enum import IntEnum
from typing import Any, Generic, Protocol, TypeVar

from PySide6.QtCore import QModelIndex, Signal
from shiboken6 import isValid

from app.storage import Store
from ui.tasks import Task
from ui.widgets import AnyIndex, ListModel

log = logging.getLogger(__name__)

PAGE = 200


class HasId(Protocol):
    @property
    def id(self) -> int: ...


R = TypeVar("R", bound=HasId)
Q = TypeVar("Q")


class Page(Protocol):
    @property
    def total(self) -> int: ...

    @property
    def rows(self) -> Sequence[Any]: ...


# (store, query, offset, limit) -> page; runs on a worker, so it opens its own read session
Reader = Callable[[Store, Any, int, int], Page]


class PagedModel(ListModel[R], Generic[R, Q]):
    """Rows matching a query; ``loaded`` after each answer, ``loadFailed`` with the error.

    ``what`` names the rows in the log when reading them fails.
    """

    loaded = Signal()
    loadFailed = Signal(object)

    def __init__(self, store: Store, reader: Reader, what: str, columns: type[IntEnum],
                 title: Callable[[Any], str], parent: Any = None, *, on_gui_thread: bool = False) -> None:
        super().__init__(columns, title, parent)
        self._store = store
        self._reader = reader
        self._what = what
        self._on_gui_thread = on_gui_thread
        self._query: Q | None = None
        self._total = 0
        self._exhausted = True
        self._fetching = False
        self._generation = 0
        self.loading = False

    @property
    def query(self) -> Q | None:
        return self._query

    @property
    def total(self) -> int:
        return self._total

    @property
    def rows(self) -> list[R]:
        return list(self._rows)

    def row_of(self, row_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == row_id), None)

    def _read(self, query: Q, offset: int, limit: int, success: Callable[[Page], None],
              failure: Callable[[BaseException], None]) -> Task | None:
        store, reader = self._store, self._reader
        if not self._on_gui_thread:
            return (Task(lambda _ctx: reader(store, query, offset, limit), write=False).success(success)
                    .failure(failure).run())
        try:
            page = reader(store, query, offset, limit)
        except Exception as exc:  # noqa: BLE001 - shown to the clerk by the screen, logged in full
            failure(exc)
        else:
            success(page)
        return None

    def set_query(self, query: Q, *, keep: int = 0) -> Task | None:
        """Read the first rows matching ``query`` (at least ``keep`` of them, so a refresh does not jump)."""
        self._query = query
        self._generation += 1
        generation = self._generation
        limit = max(PAGE, -(-keep // PAGE) * PAGE)
        self.loading = True
        return self._read(query, 0, limit, lambda page: self._reset(page, limit, generation),
                          lambda exc: self._failed(exc, generation))

    def refresh(self) -> Task | None:
        if self._query is None:
            return None
        return self.set_query(self._query, keep=len(self._rows))

    def _reset(self, page: Page, limit: int, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        self.beginResetModel()
        self._rows = list(page.rows)
        self._total = page.total
        self._exhausted = len(page.rows) < limit
        self._fetching = False
        self.endResetModel()
        self.loading = False
        self.loaded.emit()

    def _failed(self, exc: BaseException, generation: int) -> None:
        if not isValid(self) or generation != self._generation:
            return
        log.error("reading the %s failed", self._what, exc_info=exc)
        self._fetching = False
        self._exhausted = True  # stop asking; the view would otherwise retry on every scroll
        self.loading = False
        self.loadFailed.emit(exc)

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: N802,B008 - Qt's name
        return not parent.isValid() and not self._exhausted and not self._fetching

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: N802,B008
        if parent.isValid() or self._exhausted or self._fetching or self._query is None:
            return
        self._fetching = True
        generation, query, start = self._generation, self._query, len(self._rows)
        self._read(query, start, PAGE, lambda page: self._append(page, start, generation),
                   lambda exc: self._failed(exc, generation))

    def _append(self, page: Page, start: int, generation: int) -> None:
        if not isValid(self) or generation != self._generation or start != len(self._rows):
            return
        self._fetching = False
        self._exhausted = len(page.rows) < PAGE
        if page.rows:
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self._rows.extend(page.rows)
            self.endInsertRows()
        self.loaded.emit()
