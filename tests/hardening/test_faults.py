"""Fault injection at every file the program writes (issue 14, build 2): a full disk, a pulled stick, a
stick that fails once.

Each operation is started as a person starts it (a ``cunwu`` command, or the service call a screen makes)
in a copy of one demo village linked to its township hub. For every kind of call a write makes (a
``write``, an ``fsync``, a rename) and N = 1, 2, ... the N-th such call fails -- once, from then on, and
with ENOSPC (disk full) -- until the operation makes fewer than N calls and succeeds. After each failed
attempt what a person would notice is checked:

- a plain message (a UserError: one ``错误:`` line on the terminal, never 出现意外问题 or a traceback);
- nothing changed: every file under the folder as before, the databases with the same rows and the same
  last event, no ``.part``/``.tmp`` file left, no file with the final name unless it is whole and valid;
- the next attempt, with the disk healthy again, works.

An attempt the fault did not stop must have produced whole, valid files and left no temporary file.
The short form (CI) tries the first, last and an even spread of the N; ``CUNWU_HARDENING=long`` tries
every N. SQLite's own writes are C code the injector cannot reach; tests/test_kill.py kills those.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import re
import shutil
from fnmatch import fnmatch
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.cli import main
from conftest import village_code
from fault_helper import KINDS, MODES, SHORT_MODES, Injector, leftovers, positions, state
from hardening_profile import LONG
from village_helper import add_records, build_village

# How many faults the suite injected, by operation (docs/reliability.md's figures are this run's totals).
TALLY: dict[str, int] = {}


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv])
    return code, out.getvalue(), err.getvalue()


def ok(*argv: str) -> str:
    code, out, err = cli(*argv)
    assert code == 0, (argv, out, err)
    return out


# ---------------------------------------------------------------- the world: a demo village and its hub


@pytest.fixture(scope="module")
def world(tmp_path_factory, request) -> Iterator[Path]:
    """village/ (a small village with a posted notice and a question about it, closed minutes and an issued
    certificate, its key, the township's key installed), township/ (the hub, the village enrolled), stick/
    (a bundle not yet imported; a certificate issued since), files/ (identity and key files, a backup of
    the village, a photo), out/ (empty: where the operations write)."""
    w = tmp_path_factory.mktemp("world")
    build_village(w)
    add_records(w)
    v = w / "village"
    for d in ("stick", "out"):
        (w / d).mkdir()
    ok("--data-dir", v, "bundle", "export", "--to", w / "stick")
    ok("--data-dir", v, "backup", "--to", w / "files")
    assert _issue(w)[0] == 0  # something new for the next bundle
    (w / "out" / "证明.pdf").unlink()
    (w / "files" / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo of the notice board " * 400)
    from app.logsetup import stop_logging

    stop_logging()
    yield w
    # the figure docs/reliability.md asks for after a long run
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and TALLY:
        with capture.global_and_fixture_disabled():
            reporter.write_line("\nfault injection: {n} faults injected into {k} operations ({form} form)".format(
                n=sum(TALLY.values()), k=len(TALLY), form="long" if LONG else "short"))


def _one(folder: Path, pattern: str) -> Path:
    (path,) = sorted(folder.glob(pattern))
    return path


def _sql(w: Path, query: str) -> Any:
    con = sqlite3.connect(w / "village" / "cunwu.sqlite3")
    try:
        return con.execute(query).fetchone()[0]
    finally:
        con.close()


# ---------------------------------------------------------------- what a whole file is


def valid_xlsx(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True)
    assert wb.sheetnames
    wb.close()


def valid_pdf(path: Path) -> None:
    from pypdf import PdfReader

    assert len(PdfReader(str(path)).pages) >= 1


def valid_json(path: Path) -> None:
    assert isinstance(json.loads(path.read_text(encoding="utf-8")), dict)


def valid_backup(path: Path) -> None:
    from app.backup import verify_backup_file

    verify_backup_file(path, required_tables=("events", "village", "residents"))


def valid_key(path: Path) -> None:
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    load_pem_private_key(path.read_bytes(), password=None)


def valid_store(path: Path) -> None:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        con.close()


VALID: dict[str, Callable[[Path], None]] = {
    ".xlsx": valid_xlsx, ".pdf": valid_pdf, ".json": valid_json, ".pem": valid_key,
    ".sqlite3": valid_backup, ".jpg": lambda p: None, ".cunwu-sync": lambda p: None,
    ".cunwu-receipt": valid_json,
}


# ---------------------------------------------------------------- the operations


@dataclass(frozen=True)
class Operation:
    name: str
    run: Callable[[Path], tuple[int, str, str]]  # in a copy of the world: (exit code, stdout, stderr)
    outputs: tuple[str, ...]                     # globs (under the world) of the files it makes
    works: Callable[[Path], None] = lambda w: None  # after a success: the result is there and usable
    # a record kept by design although its file failed after the commit (a numbered certificate): the
    # message must say so and how to finish; this runs what it says and checks the result
    kept: Callable[[Path, str], None] | None = None
    kept_in: tuple[str, ...] = ("village/cunwu.sqlite3",)  # the only files such a kept record may change
    # new files a failed attempt may leave if whole (a safety copy): (glob, what whole means)
    may_add: tuple[tuple[str, Callable[[Path], None]], ...] = ()

    def __str__(self) -> str:
        return self.name


def _cmd(*argv: str) -> Callable[[Path], tuple[int, str, str]]:
    def run(w: Path) -> tuple[int, str, str]:
        return cli(*[str(a).format(w=w) for a in argv])
    return run


def _service(fn: Callable[[Path], Any]) -> Callable[[Path], tuple[int, str, str]]:
    """A service call as a screen makes it: a UserError is what the error dialog shows (exit 1 here)."""
    from app.errors import UserError

    def run(w: Path) -> tuple[int, str, str]:
        try:
            fn(w)
        except UserError as exc:
            return 1, "", "错误:{m}".format(m=exc)
        return 0, "", ""
    return run


def _settings(w: Path) -> None:
    from app.config import load_settings, save_settings

    settings = load_settings(w / "village")
    settings["large_text"] = True
    save_settings(w / "village", settings)


def _attachment(w: Path) -> None:
    from app.attachments import add_attachment
    from app.schema import open_store

    store = open_store(w / "village")
    try:
        with store.begin("测试") as s:
            add_attachment(s, store.data_dir, w / "files" / "照片.jpg", name="照片.jpg", media_type="image/jpeg")
    finally:
        store.close()


def _attachment_works(w: Path) -> None:
    assert _sql(w, "SELECT count(*) FROM attachments WHERE name = '照片.jpg'") == 1
    assert list((w / "village" / "attachments").rglob("*")), "the attachment's file is not there"


def _issue(w: Path) -> tuple[int, str, str]:
    resident = _sql(w, "SELECT id_number FROM residents WHERE name = '李四'")
    return cli("--data-dir", w / "village", "cert", "issue", "--kind", "SD-01", "--resident", resident,
               "--purpose", "办理居住证", "--field", "address=第一村民小组12号", "--field", "since=2019年3月",
               "--verifier", "王文书", "-o", w / "out" / "证明.pdf")


def _reprint(w: Path) -> tuple[int, str, str]:
    serial = _sql(w, "SELECT serial FROM certificates WHERE serial IS NOT NULL ORDER BY id LIMIT 1")
    return cli("--data-dir", w / "village", "cert", "reprint", serial, "-o", w / "out" / "补打.pdf")


def _print_notice(what: str) -> Callable[[Path], tuple[int, str, str]]:
    def run(w: Path) -> tuple[int, str, str]:
        if what == "print":
            notice = _sql(w, "SELECT id FROM notices WHERE number IS NOT NULL ORDER BY id DESC LIMIT 1")
        else:
            notice = _sql(w, "SELECT notice_id FROM notice_feedback ORDER BY id LIMIT 1")
        return cli("--data-dir", w / "village", "disclosure", what, notice, "-o", w / "out" / "公开.pdf")
    return run


def _print_meeting(what: str) -> Callable[[Path], tuple[int, str, str]]:
    def run(w: Path) -> tuple[int, str, str]:
        meeting = _sql(w, "SELECT id FROM meetings WHERE closed_at IS NOT NULL ORDER BY id DESC LIMIT 1")
        return cli("--data-dir", w / "village", "meeting", what, meeting, "-o", w / "out" / "会议.pdf")
    return run


SERIAL = re.compile(r"\d{4}-\w+-\d{4}")


def _reprint_as_told(w: Path, err: str) -> None:
    """The certificate kept its number although its PDF failed: the message names it and says 补打."""
    assert "补打" in err and "不要重新开具" in err, err
    serial = SERIAL.search(err)
    assert serial, err
    assert _sql(w, f"SELECT count(*) FROM certificates WHERE serial = '{serial.group(0)}'") == 1
    ok("--data-dir", w / "village", "cert", "reprint", serial.group(0), "-o", w / "out" / "重打.pdf")
    valid_pdf(w / "out" / "重打.pdf")


def _receipts_as_told(w: Path, err: str) -> None:
    """The bundle is in the township's database although its receipt failed: the message says so and that
    the same command run again writes the receipt."""
    assert "已经导入" in err and "回执" in err and "再运行一次" in err, err
    again = _hub_import(w)
    assert again[0] == 0, again
    _receipt_works(w)


def _restore(w: Path) -> tuple[int, str, str]:
    return cli("--data-dir", w / "village", "restore", _one(w / "files", "cunwu-*.sqlite3"))


def _restored(w: Path) -> None:
    ok("--data-dir", w / "village", "check")


def _hub_import(w: Path) -> tuple[int, str, str]:
    return cli("--data-dir", w / "township", "hub", "import", _one(w / "stick", "*.cunwu-sync"),
               "--receipts", w / "out")


def _receipt_works(w: Path) -> None:
    out = ok("--data-dir", w / "village", "receipt", "import", _one(w / "out", "*.cunwu-receipt"))
    assert "已确认" in out


def _bundle_works(w: Path) -> None:
    out = ok("--data-dir", w / "township", "hub", "import", _one(w / "stick", "*.cunwu-sync"),
             _one(w / "out", "*.cunwu-sync"))
    assert "已导入" in out and "暂存" not in out


OPERATIONS = [
    Operation("residents export", _cmd("--data-dir", "{w}/village", "residents", "export", "{w}/out/花名册.xlsx"),
              ("out/*.xlsx",)),
    Operation("cert register xlsx", _cmd("--data-dir", "{w}/village", "cert", "register", "-o", "{w}/out/台账.xlsx"),
              ("out/*.xlsx",)),
    Operation("cert register pdf", _cmd("--data-dir", "{w}/village", "cert", "register", "-o", "{w}/out/台账.pdf"),
              ("out/*.pdf",)),
    Operation("cert issue", _issue, ("out/*.pdf",), kept=_reprint_as_told),
    Operation("cert reprint", _reprint, ("out/*.pdf",), kept=_reprint_as_told),
    Operation("disclosure print", _print_notice("print"), ("out/*.pdf",)),
    Operation("disclosure feedback", _print_notice("feedback"), ("out/*.pdf",)),
    Operation("meeting print", _print_meeting("print"), ("out/*.pdf",)),
    Operation("meeting signin-sheet", _print_meeting("signin-sheet"), ("out/*.pdf",)),
    Operation("meeting tally", _print_meeting("tally"), ("out/*.pdf",)),
    Operation("backup", _cmd("--data-dir", "{w}/village", "backup", "--to", "{w}/out"), ("out/*.sqlite3",)),
    Operation("restore", _restore, (), _restored, may_add=(("village/backups/*.sqlite3", valid_backup),)),
    Operation("bundle export", _cmd("--data-dir", "{w}/village", "bundle", "export", "--to", "{w}/out"),
              ("out/*.cunwu-sync",), _bundle_works),
    Operation("hub import --receipts", _hub_import, ("out/*.cunwu-receipt",), _receipt_works,
              kept=_receipts_as_told, kept_in=("township/hub/hub.sqlite3",)),
    Operation("keys export-public", _cmd("--data-dir", "{w}/village", "keys", "export-public", "{w}/out/村.json"),
              ("out/*.json",)),
    Operation("hub key export", _cmd("--data-dir", "{w}/township", "hub", "key", "export", "{w}/out/乡镇.json"),
              ("out/*.json",)),
    Operation("township trust", _cmd("--data-dir", "{w}/village", "township", "trust",
                                     "{w}/files/township-key.json"), ()),
    Operation("init", lambda w: cli("--data-dir", w / "out" / "新村", "init", "--name", "新村", "--code", village_code(),
                                    "--township", "石桥镇"), ("out/新村/keys/*.pem",),
              lambda w: ok("--data-dir", w / "out" / "新村", "keys", "show") and None,
              may_add=(("out/新村/cunwu.sqlite3", valid_store),)),  # the empty store it opened; init again sets it up
    Operation("hub init", _cmd("--data-dir", "{w}/out/新乡镇", "hub", "init", "--name", "新乡镇"),
              ("out/新乡镇/**/*.pem", "out/新乡镇/**/*.json"),
              lambda w: ok("--data-dir", w / "out" / "新乡镇", "hub", "villages") and None),
    Operation("settings.json", _service(_settings), ("village/settings.json",)),
    Operation("attachment", _service(_attachment), ("village/attachments/*/*",), _attachment_works),
]


# ---------------------------------------------------------------- one attempt


def _fresh(world: Path, tmp_path: Path, n: int) -> Path:
    w = tmp_path / f"attempt-{n}"
    shutil.copytree(world, w, ignore=shutil.ignore_patterns("*.log*"))
    return w


def _whole(w: Path, op: Operation, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Every file the operation makes that has its final name is whole and valid."""
    for pattern in op.outputs:
        for path in w.glob(pattern):
            rel = str(path.relative_to(w))
            if path.is_file() and before.get(rel) != after.get(rel) and path.name in {Path(p).name for p in after}:
                VALID.get(path.suffix, lambda p: None)(path)


def _plain(code: int, out: str, err: str) -> None:
    assert code != 0, "a failed write was reported as success"
    assert re.search(r"[\u4e00-\u9fff]", err), f"no plain message: {err!r}"
    assert "出现意外问题" not in err and "Traceback" not in err, err


@pytest.mark.slow
@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_a_failing_write_leaves_nothing_half_done(op: Operation, world: Path, tmp_path: Path):
    """Nothing half-written on a power cut, a pulled stick or a full disk; every failure a plain message."""
    # the operation as it runs on a healthy disk, counting its calls of each kind
    w = _fresh(world, tmp_path, 0)
    before = state(w)
    with Injector(w).active() as counter:
        code, out, err = op.run(w)
    assert code == 0, (out, err)
    after = state(w)
    assert after != before or op.name in ("township trust",), "the operation wrote nothing"
    _whole(w, op, before, after)
    op.works(w)
    calls = dict(counter.counts)
    assert calls["write"] + calls["fsync"] + calls["rename"] > 0, f"no write of {op} was seen: {calls}"

    problems: list[str] = []
    attempt = 0
    for mode, err_no, persistent in MODES if LONG else SHORT_MODES:
        for kind in KINDS:
            for n in positions(calls[kind], long=LONG):
                attempt += 1
                w = _fresh(world, tmp_path, attempt)
                before = state(w)
                inj = Injector(w, kind=kind, at=n, err=err_no, persistent=persistent)
                where = f"{op} with the {n}. {kind} failing ({mode})"
                try:
                    with inj.active():
                        code, out, err = op.run(w)
                    after = state(w)
                    assert not leftovers(before, after), f"temporary files left: {leftovers(before, after)}"
                    _whole(w, op, before, after)
                    if inj.fired == 0:
                        assert code == 0, (out, err)
                        op.works(w)
                        break  # fewer than n calls: the operation succeeded
                    TALLY[op.name] = TALLY.get(op.name, 0) + 1
                    if code == 0:  # the fault was absorbed (a folder's fsync, say): the result must be whole
                        op.works(w)
                        continue
                    _plain(code, out, err)
                    changed = sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))
                    added = [(p, whole) for p in changed if p not in before for g, whole in op.may_add if fnmatch(p, g)]
                    for p, whole in added:
                        whole(w / p)  # a whole safety copy may stay
                    added = [p for p, _whole in added]
                    changed = [p for p in changed if p not in added]
                    if changed and op.kept is not None and set(changed) <= set(op.kept_in):
                        op.kept(w, err)  # kept by design; the message says how to finish
                        continue
                    assert not changed, f"changed although it failed: {changed}"
                    again = op.run(w)
                    assert again[0] == 0, f"the next attempt failed: {again}"
                    op.works(w)
                except AssertionError as exc:
                    problems.append(f"{where}: {exc}"[:600])
                finally:
                    shutil.rmtree(w, ignore_errors=True)
    assert not problems, f"{len(problems)} failures, first:\n" + "\n".join(problems[:6])
