"""The notices' search index: any one- or two-character Chinese term (低保, 路) found as fast as long ones.

The text is indexed as overlapping pairs of characters in an FTS5 table; app.searchtext explains why and
makes the pairs and the query, the same way for the minutes' index. The index is derived data: ``rebuild``
recreates it from the notices.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.searchtext import also_searched, expand, grams, match_expression  # noqa: F401 - the notices' index and queries

TABLE = "notice_search"
DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(grams, tokenize='unicode61')"


def notice_text(title: str, body: str, tables_json: str, attachment_names: Iterable[str], number: str = "") -> str:
    parts = [number, title, body]
    for table in json.loads(tables_json or "[]"):
        parts.append(table.get("title", ""))
        parts.extend(table.get("columns", []))
        for row in table.get("rows", []):
            parts.extend(str(cell) for cell in row)
        parts.extend(str(cell) for cell in table.get("total") or [])
    parts.extend(attachment_names)
    return grams(parts)


def create(session: Session) -> None:
    session.execute(text(DDL))


def index(session: Session, notice_id: int, index_text: str) -> None:
    session.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), {"id": notice_id})
    session.execute(text(f"INSERT INTO {TABLE} (rowid, grams) VALUES (:id, :g)"), {"id": notice_id, "g": index_text})


def matching_ids_sql() -> str:
    """A sub-select of the notice ids matching the bound parameter ``:fts``."""
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :fts"
