"""Event files with whatever sequence numbers and contents a test wants, chained and hashed as the
format requires, so that only the property under test (a number too large, an event too big) is wrong."""

from __future__ import annotations

import gzip

from app.events import canonical, event_hash
from sync_helpers import EventsFile


def synthetic_events(first: int, count: int, prev: str, *, content: str = "{}", record_type: str = "note",
                     sizes: list[int] | None = None) -> EventsFile:
    """``count`` events numbered from ``first`` after hash ``prev``; ``sizes`` gives each event's content a
    length of that many characters instead of ``content``."""
    lines, head = [], prev
    for i in range(count):
        seq = first + i
        body = content if sizes is None else "x" * sizes[i]
        ev = {"seq": seq, "time": "2026-11-24T09:30:00+08:00", "actor": "测试", "record_type": record_type,
              "record_id": f"r{i}", "action": "update", "content": body}
        ev["prev_hash"] = head
        ev["hash"] = head = event_hash(head, seq, ev["time"], ev["actor"], record_type, ev["record_id"], "update", body)
        lines.append((canonical(ev) + "\n").encode("utf-8"))
    raw = b"".join(lines)
    return EventsFile(gzip.compress(raw, compresslevel=9, mtime=0), first, first + count - 1, prev, head, len(raw),
                      {record_type: count})
