"""A printed table: a plain value that notices and statements hand to their printing.

The finance statement builds its tables with it and the disclosure notice prints them
(app.disclosure.view names it NoticeTable); it lives here so neither needs the other.
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
