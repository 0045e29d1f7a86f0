"""60 villages upload their monthly bundles to `cunwu hub serve` on loopback: all at once, then again and
again for 60 seconds; beside the same bundles imported from disk in one process.

The data: 60 villages of about 100 residents, each with its first bundle (imported before the run, as a
stick would have brought it) and twelve monthly bundles of 40 changed residents (bench/sync_data.py's
``age``), cached. The server is the real command in its own process (`cunwu hub serve --port P`, SQLite hub);
the clients are 60 threads of this process, one per village, each with one keep-alive connection.

1. At once: every village uploads its first month together (a barrier). Ours: the wall time until the last
   answer, per bundle (time / 60). Floor: the same 60 files imported from disk by ``import_bundles`` in one
   process, on a copy of the same hub, per bundle. Target: at most 2x.
2. Then for 60 seconds each village uploads its next eleven months in order, spread over the minute at its own
   pace (a township of 60 villages sending a year's bundles within a minute); after one upload in ten it sends
   a bundle it sent before (a retry that missed its answer: answered "already"), after one in fifty a
   deliberate mistake (a wrong content type, answered 415). Reported: the first phase's uploads per second
   (60 at once), the second's, and the 95th percentile of the answer time in each.
3. Checked after: every bundle sent was applied exactly once (the hub's applied bundles are the first and
   the months sent, no event twice), and no answer other than 200 and the deliberate 415s.
"""

from __future__ import annotations

import gc
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

from bench.core import ROOT, Result, Settings, median, ratio_of
from bench.villages import _cached

NAME = "hub-upload"
TARGET = "≤ 2x"
UNITS = "s"
LIMIT = 2.0
VILLAGES, QUICK_VILLAGES = 60, 4
MONTHS, QUICK_MONTHS = 12, 3
ROUNDS, QUICK_ROUNDS = 5, 1          # months every village sends at once, one round after the other
PEOPLE, CHANGED = 100, 40
SECONDS, QUICK_SECONDS = 60.0, 4.0
PATH = "/api/v1/bundles"


def _dataset(settings: Settings, villages: int, months: int) -> Path:
    def build(path: Path) -> None:
        from app.demo_data import generate_village
        from app.hub.service import init_hub
        from app.schema import open_store
        from app.sync.export import export_bundle
        from bench.sync_data import HUB_NAME, age, enrol_village

        hub = init_hub(path, HUB_NAME)
        hub.close()
        rng = random.Random(61)
        demo = generate_village("small", 2026)
        entries = []
        for i in range(villages):
            vdir = path / f"v{i:02d}"
            store = open_store(vdir)
            try:
                code = enrol_village(store, path, i, rng, demo, demo.households[i * 3:i * 3 + PEOPLE // 3])
                stick = path / f"stick-{i:02d}"
                stick.mkdir()
                first = export_bundle(store, stick)
                monthly = []
                for m in range(months):
                    age(store, 1, CHANGED, seed=i * 100 + m)
                    r = export_bundle(store, stick)
                    monthly.append({"file": str(r.path.relative_to(path)), "events": r.events})
            finally:
                store.close()
            shutil.rmtree(vdir)
            entries.append({"code": code, "identity": f"id-{i:02d}.json", "first": str(first.path.relative_to(path)),
                            "first_events": first.events, "months": monthly})
        (path / "township.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")

    return _cached(settings, f"upload-{villages}x{months}", build)


def _hub(source: Path, work: Path) -> list[dict[str, Any]]:
    """A hub in ``work`` holding every village's first bundle (its data folder is ``work``)."""
    from app.hub.service import IMPORTED, enroll, import_bundles, open_hub

    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(source / "hub", work / "hub", ignore=shutil.ignore_patterns("hub.sqlite3*", "tmp", "pending"))
    entries = json.loads((source / "township.json").read_text(encoding="utf-8"))
    hub = open_hub(work)
    try:
        for e in entries:
            enroll(hub, source / e["identity"])
        outcomes, _ = import_bundles(hub, [source / e["first"] for e in entries], receipts=work / "r0")
        assert all(o.status == IMPORTED for o in outcomes), outcomes[0].message
    finally:
        hub.close()
    return entries


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(data: Path, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from app.cli import main; sys.exit(main())", "--data-dir", str(data),
         "hub", "serve", "--port", str(port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, encoding="utf-8", env={**os.environ, "PYTHONUNBUFFERED": "1"})
    line = proc.stdout.readline()  # type: ignore[union-attr]
    if "提供服务" not in line:
        proc.kill()
        raise RuntimeError(f"cunwu hub serve did not start: {line} {proc.stderr.read()}")  # type: ignore[union-attr]
    return proc


class _Closed(Exception):
    """The server closed the connection before its answer was whole."""


class _Village(threading.Thread):
    """One village's uploads over one keep-alive connection."""

    def __init__(self, port: int, files: list[bytes], barrier: threading.Barrier, stop_at: list[float],
                 seed: int, rounds: int) -> None:
        super().__init__(daemon=True)
        self.port, self.files, self.barrier, self.stop_at, self.rounds = port, files, barrier, stop_at, rounds
        self.rng = random.Random(seed)
        self.sent: list[int] = []                        # months sent, in order
        self.answers: list[tuple[str, int, float]] = []  # (what was sent, status, seconds)
        self.conn: socket.socket | None = None
        self.buf = b""
        self.error = ""

    def _post(self, body: bytes, kind: str = "application/octet-stream") -> int:
        """One request on the village's keep-alive connection. The load's side is kept lean (the request's bytes
        written at once, the answer read by its Content-Length), as a load tool's is: on one machine every
        cycle the clients spend is taken from the server they measure."""
        head = (f"POST {PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {kind}\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode("ascii")
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = socket.create_connection(("127.0.0.1", self.port), timeout=120)
                self.buf = b""
            try:
                self.conn.sendall(head + body)
                return self._answer()
            except (ConnectionResetError, BrokenPipeError, _Closed):
                self.conn.close()
                self.conn = None  # the server closed an idle keep-alive connection: once more on a new one
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def _answer(self) -> int:
        assert self.conn is not None
        while b"\r\n\r\n" not in self.buf:
            got = self.conn.recv(65536)
            if not got:
                raise _Closed()
            self.buf += got
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        fields = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)}
        length = int(fields.get("content-length", "0"))
        while len(self.buf) < length:
            got = self.conn.recv(65536)
            if not got:
                raise _Closed()
            self.buf += got
        self.buf = self.buf[length:]
        if fields.get("connection", "").lower() == "close":
            self.conn.close()
            self.conn = None
        return status

    def _send(self, label: str, body: bytes, kind: str = "application/octet-stream") -> None:
        start = time.perf_counter()
        status = self._post(body, kind)
        self.answers.append((label, status, time.perf_counter() - start))

    def run(self) -> None:
        try:
            for month in range(self.rounds):  # each round: every village at once, the round ends with the last
                self.barrier.wait()
                self._send("new", self.files[month])
                self.sent.append(month)
                self.barrier.wait()
            self.barrier.wait()  # phase 2 starts together; each village then sends its next month at its own pace
            start = time.perf_counter()
            span = self.stop_at[0] - start
            left = len(self.files) - self.rounds
            every = span / max(1, left)  # its months spread over the minute
            offset = self.rng.uniform(0, every)
            for month in range(self.rounds, len(self.files)):
                due = start + offset + (month - self.rounds) * every
                while time.perf_counter() < due:
                    time.sleep(min(0.05, due - time.perf_counter()))
                if time.perf_counter() >= self.stop_at[0]:
                    break
                self._send("new", self.files[month])
                self.sent.append(month)
                roll = self.rng.random()
                if roll < 0.02:  # a deliberate mistake: the right bytes with a wrong content type
                    self._send("mistake", self.files[month], "text/plain")
                elif roll < 0.12:  # a bundle sent before, again (a retry that did not hear its answer)
                    self._send("repeat", self.files[self.rng.choice(self.sent)])
        except Exception as exc:  # noqa: BLE001 - reported in the result, not swallowed
            self.error = f"{type(exc).__name__}: {exc}"
        finally:
            if self.conn is not None:
                self.conn.close()


def _check(data: Path, entries: list[dict[str, Any]], villages: list[_Village]) -> dict[str, Any]:
    """Every bundle sent applied exactly once; the answers are 200 but for the deliberate mistakes."""
    from sqlalchemy import func, select

    from app.hub import store as t
    from app.hub.service import open_hub

    wrong = [(label, status) for v in villages for label, status, _s in v.answers
             if not (status == 200 or (label == "mistake" and status == 415))]
    mistakes = sum(label == "mistake" and status == 415 for v in villages for label, status, _s in v.answers)
    hub = open_hub(data)
    try:
        with hub.engine.connect() as conn:
            applied = dict(conn.execute(select(t.bundles.c.village_code, func.count()).where(
                t.bundles.c.state == "applied").group_by(t.bundles.c.village_code)).all())
            events = dict(conn.execute(select(t.events.c.village_code, func.count()).group_by(
                t.events.c.village_code)).all())
            distinct = conn.execute(select(func.count()).select_from(
                select(t.events.c.village_code, t.events.c.seq).distinct().subquery())).scalar_one()
    finally:
        hub.close()
    once = all(applied.get(e["code"], 0) == 1 + len(v.sent)
               and events.get(e["code"], 0) == e["first_events"] + sum(e["months"][m]["events"] for m in v.sent)
               for e, v in zip(entries, villages))
    return {"wrong_answers": wrong[:10], "wrong_count": len(wrong), "mistakes_refused": mistakes,
            "applied_once": once and distinct == sum(events.values()),
            "errors": [v.error for v in villages if v.error]}


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))] if values else 0.0


def run(settings: Settings) -> list[Result]:
    from app.hub.service import IMPORTED, import_bundles, open_hub

    n, months = (QUICK_VILLAGES, QUICK_MONTHS) if settings.quick else (VILLAGES, MONTHS)
    seconds = QUICK_SECONDS if settings.quick else SECONDS
    source = _dataset(settings, n, months)
    work = settings.work_dir / NAME

    rounds = QUICK_ROUNDS if settings.quick else ROUNDS
    # the floor: each round's files (one month of every village) imported from disk, in one process
    floors = []
    entries = _hub(source, work / "floor")
    hub = open_hub(work / "floor")
    try:
        for month in range(rounds):
            gc.collect()
            start = time.perf_counter()
            outcomes, _ = import_bundles(hub, [source / e["months"][month]["file"] for e in entries],
                                         receipts=work / "floor" / f"r{month}")
            floors.append((time.perf_counter() - start) / len(entries))
            assert all(o.status == IMPORTED for o in outcomes), outcomes[0].message
    finally:
        hub.close()

    # ours: the same files uploaded together, then the load
    entries = _hub(source, work / "served")
    port = _free_port()
    proc = _serve(work / "served", port)
    try:
        files = [[(source / m["file"]).read_bytes() for m in e["months"]] for e in entries]
        barrier = threading.Barrier(len(entries) + 1)
        stop_at = [0.0]
        villages = [_Village(port, f, barrier, stop_at, seed=i, rounds=rounds) for i, f in enumerate(files)]
        for v in villages:
            v.start()
        walls = []
        for _month in range(rounds):
            gc.collect()
            barrier.wait()
            start = time.perf_counter()
            barrier.wait()  # every village has its answer
            walls.append(time.perf_counter() - start)
        stop_at[0] = time.perf_counter() + seconds
        barrier.wait()
        phase2 = time.perf_counter()
        for v in villages:
            v.join(seconds + 300)
        phase2 = time.perf_counter() - phase2
    finally:
        proc.terminate()
        proc.wait(30)
    checked = _check(work / "served", entries, villages)
    shutil.rmtree(work, ignore_errors=True)

    answers = [a for v in villages for a in v.answers]
    ours = median(walls) / len(entries)
    floor = median(floors)
    ratio = ratio_of(ours, floor)
    sound = checked["applied_once"] and not checked["wrong_count"] and not checked["errors"]
    first = [a for v in villages for a in v.answers[:rounds]]
    later = [a for v in villages for a in v.answers[rounds:]]
    details = {
        "villages": len(entries), "months_each": months, "seconds": seconds,
        "measured": "median over the rounds of the wall time of one month's uploads from all villages at once, "
                    "per bundle",
        "floor": "median over the rounds of the same files imported from disk by import_bundles in one process, "
                 "per bundle",
        "floor_samples": floors, "rounds": rounds, "round_walls_s": walls,
        "uploads": len(answers), "at_once_per_second": len(first) / sum(walls) if walls else None,
        "at_once_p95_ms": _p95([a[2] for a in first]) * 1000,
        "minute_per_second": len(later) / phase2 if phase2 else None,
        "minute_p95_ms": _p95([a[2] for a in later]) * 1000 if later else None,
        "minute_median_ms": median([a[2] for a in later]) * 1000 if later else None,
        "new": sum(a[0] == "new" for a in answers), "repeats": sum(a[0] == "repeat" for a in answers),
        **checked}
    return [Result(NAME, ours, floor, ratio, TARGET, sound and ratio is not None and ratio <= LIMIT, UNITS, details)]
