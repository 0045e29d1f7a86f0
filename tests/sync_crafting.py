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


def huge_events(first: int, count: int, prev: str, size: int | list[int], *, char: str = "x") -> EventsFile:
    """``count`` events whose content is ``size`` characters each, compressed as they are made (a few
    hundred megabytes of events never sit in the test's memory at once)."""
    import zlib

    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts, raw_bytes, head = [], 0, prev
    sizes = size if isinstance(size, list) else [size] * count
    for i in range(count):
        seq = first + i
        body = char * sizes[i]
        ev = {"seq": seq, "time": "2026-11-24T09:30:00+08:00", "actor": "测试", "record_type": "note",
              "record_id": f"r{i}", "action": "update", "content": body}
        ev["prev_hash"] = head
        ev["hash"] = head = event_hash(head, seq, ev["time"], ev["actor"], "note", ev["record_id"], "update", body)
        line = (canonical(ev) + "\n").encode("utf-8")
        raw_bytes += len(line)
        parts.append(packer.compress(line))
    parts.append(packer.flush())
    return EventsFile(b"".join(parts), first, first + count - 1, prev, head, raw_bytes, {"note": count})
