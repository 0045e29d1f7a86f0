"""A printed table: a plain value every printout hands to app.printing.flow.Flow.table.

The finance statement builds its tables with it and the disclosure notice prints them
(app.disclosure.view names it NoticeTable); registers, minutes and the township's reports too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PrintedTable:
    title: str
    columns: list[str]
    rows: list[list[str]]
    # indexes of columns whose cells are amounts or counts: right-aligned
    numeric: frozenset[int] = frozenset()
    # a last row printed in bold (合计), not repeated on every page
    total: list[str] | None = None
    # indexes of columns never broken across lines (ID numbers, serials, dates): the others give way
    unbroken: frozenset[int] = frozenset()
