"""Finding minutes by any one- or two-character term, the same way as notices (app.searchtext).

The index holds each meeting's title, place, people, agenda, discussion,
motions, resolutions and addenda as overlapping character pairs. It is derived
data: ``rebuild`` in the service recreates it from the minutes.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.orm import Session

from app.searchtext import also_searched, expand, grams, match_expression  # noqa: F401 - one tokenizer for notices and minutes

TABLE = "minutes_search"
DDL = f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(grams, tokenize='unicode61')"


def index(session: Session, meeting_id: int, parts: Iterable[str]) -> None:
    session.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), {"id": meeting_id})
    session.execute(text(f"INSERT INTO {TABLE} (rowid, grams) VALUES (:id, :g)"),
                    {"id": meeting_id, "g": grams(parts)})


def drop(session: Session, meeting_id: int) -> None:
    session.execute(text(f"DELETE FROM {TABLE} WHERE rowid = :id"), {"id": meeting_id})


def matching_ids_sql() -> str:
    """A sub-select of the meeting ids matching the bound parameter ``:fts``."""
    return f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH :fts"
