"""A full disk gives the same plain message for every file the program writes, and leaves no partial file.

Every command that writes a file (the roster, the certificate register as .xlsx and .pdf, a certificate, a
notice, the villagers' comments, the minutes, the sign-in sheet, the tally sheet, the village's identity file) is
run against a USB stick that is full from the start or fills up half-way (tests/full_disk.py: the writes fail
with ENOSPC at the bottom, under openpyxl's zip and ReportLab). The clerk reads one line saying the disk is full,
which file was not written and what to do; never 出现意外问题 nor a traceback; the exit code is 1; the stick holds
no half-written file and no ``*.part``; a file of the same name written earlier is untouched; a certificate whose
PDF could not be written used no number (serials stay gapless, 《中华人民共和国档案法》第十四条: archives kept
whole); and once there is room the same command works.
"""

from __future__ import annotations

import datetime as dt
import gc
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import app.cli
from conftest import make_id
from full_disk import full_disk
from test_cert_support import cert_store, catalogues, issue  # noqa: F401

LISI = make_id(dt.date(1985, 7, 9), 22)
FULL = "磁盘空间不足"
OLD = b"an older file the clerk wrote before"


@pytest.fixture
def stick(tmp_path: Path) -> Path:
    folder = tmp_path / "stick"
    folder.mkdir()
    return folder


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What Python would print as "Exception ignored in ..." (a zip left open by a library, closed later)."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda u: seen.append(f"{u.object!r}: {u.exc_value!r}"))
    return seen


# ---------------------------------------------------------------- the commands, each with what it needs


def _residents(request, stick: Path) -> tuple[list[str], str]:
    return ["residents", "export", str(stick / "花名册.xlsx")], "花名册.xlsx"


def _one_certificate(request) -> str:
    store = request.getfixturevalue("cert_store")
    return issue(store, request.getfixturevalue("catalogues")).certificate.serial


def _register_xlsx(request, stick: Path) -> tuple[list[str], str]:
    _one_certificate(request)
    return ["cert", "register", "-o", str(stick / "证明台账.xlsx")], "证明台账.xlsx"


def _register_pdf(request, stick: Path) -> tuple[list[str], str]:
    _one_certificate(request)
    return ["cert", "register", "-o", str(stick / "证明台账.pdf")], "证明台账.pdf"


def _issue(request, stick: Path) -> tuple[list[str], str]:
    request.getfixturevalue("cert_store")
    return ["cert", "issue", "--kind", "SD-01", "--resident", LISI, "--purpose", "办理居住证",
            "--field", "address=第一村民小组12号", "--field", "since=2019年3月", "--verifier", "王文书",
            "-o", str(stick / "证明.pdf")], "证明.pdf"


def _reprint(request, stick: Path) -> tuple[list[str], str]:
    serial = _one_certificate(request)
    return ["cert", "reprint", serial, "-o", str(stick / "补打.pdf")], "补打.pdf"


def _notice(request, stick: Path) -> tuple[list[str], str]:
    from test_disclosure_notices import make

    nid = make(request.getfixturevalue("store"))
    return ["disclosure", "print", str(nid), "-o", str(stick / "公告.pdf")], "公告.pdf"


def _feedback(request, stick: Path) -> tuple[list[str], str]:
    from app.disclosure.service import add_feedback
    from test_disclosure_notices import DAY, posted

    store = request.getfixturevalue("store")
    nid = posted(store)
    with store.begin() as s:
        add_feedback(s, nid, asker="赵大爷", question="为什么没有我家?", asked_on=DAY)
    return ["disclosure", "feedback", str(nid), "-o", str(stick / "意见.pdf")], "意见.pdf"


def _meeting(what: str, name: str) -> Callable[..., tuple[list[str], str]]:
    def setup(request, stick: Path) -> tuple[list[str], str]:
        from test_meeting_cli import closed_villagers_meeting

        mid = closed_villagers_meeting(request.getfixturevalue("store"))
        return ["meeting", what, str(mid), "-o", str(stick / name)], name
    return setup


def _identity(request, stick: Path) -> tuple[list[str], str]:
    request.getfixturevalue("cert_store")  # the village has its key
    return ["keys", "export-public", str(stick / "柳林村.json")], "柳林村.json"


COMMANDS = {
    "residents export": _residents,
    "cert register .xlsx": _register_xlsx,
    "cert register .pdf": _register_pdf,
    "cert issue -o": _issue,
    "cert reprint": _reprint,
    "disclosure print": _notice,
    "disclosure feedback": _feedback,
    "meeting print": _meeting("print", "会议记录.pdf"),
    "meeting signin-sheet": _meeting("signin-sheet", "签到表.pdf"),
    "meeting tally": _meeting("tally", "计票单.pdf"),
    "keys export-public": _identity,
}


def _run(capsys, store, argv: list[str]) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(store.data_dir), *argv])
    gc.collect()  # a file object a library left open is closed now, as it would be when the program ends
    out, err = capsys.readouterr()
    return code, out, err


def _serials(store) -> list[str]:
    from sqlalchemy import select

    from app.certificates.models import Certificate

    with store.read() as s:
        return list(s.scalars(select(Certificate.serial).where(Certificate.serial.is_not(None))))


@pytest.mark.parametrize("room", [0, 300], ids=["full", "fills-up"])
@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_full_stick_gives_the_one_plain_message_and_leaves_no_partial_file(
        command, room, request, store, stick, capsys, monkeypatch, unraisable):
    argv, name = COMMANDS[command](request, stick)
    (stick / name).write_bytes(OLD)  # what the clerk saved there last week
    serials = _serials(store)
    disk = full_disk(monkeypatch, stick, room)

    code, out, err = _run(capsys, store, argv)

    assert disk.refused, "the command never wrote to the stick"
    assert code == 1, out
    lines = err.strip().splitlines()
    assert len(lines) == 1 and FULL in lines[0] and name in lines[0], err
    assert "出现意外问题" not in err and "Traceback" not in err
    assert unraisable == []
    assert sorted(p.name for p in stick.iterdir()) == [name], "a partial or temporary file was left"
    assert (stick / name).read_bytes() == OLD
    assert _serials(store) == serials  # a certificate that could not be written used no number

    monkeypatch.undo()  # room again: the same command works
    code, out, err = _run(capsys, store, argv)
    assert code == 0, err
    assert (stick / name).read_bytes() != OLD and sorted(p.name for p in stick.iterdir()) == [name]


def test_the_message_says_what_to_do(store, stick, capsys, monkeypatch):
    full_disk(monkeypatch, stick)
    code, _out, err = _run(capsys, store, ["residents", "export", str(stick / "花名册.xlsx")])
    assert code == 1
    assert "错误:磁盘空间不足,“花名册.xlsx”没有写成,也没有留下不完整的文件。" in err
    assert "换一个保存位置" in err


def test_a_stick_that_is_full_when_the_file_is_created_says_the_same(store, stick, capsys, monkeypatch):
    """No room even for the file's name: the temporary file cannot be made."""
    import errno
    import tempfile

    real = tempfile.mkstemp

    def no_room(*a, **k):  # type: ignore[no-untyped-def]
        if Path(k.get("dir", "")).resolve() == stick.resolve():
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(*a, **k)

    monkeypatch.setattr(tempfile, "mkstemp", no_room)
    code, _out, err = _run(capsys, store, ["residents", "export", str(stick / "花名册.xlsx")])
    assert code == 1 and FULL in err and "出现意外问题" not in err
    assert list(stick.iterdir()) == []


@pytest.mark.parametrize("command", ["residents export", "cert register .xlsx", "meeting print"])
def test_the_terminal_shows_one_line_and_nothing_after_it(command, request, store, stick):
    """As a process: nothing a library left half-done prints "Exception ignored" or a traceback on the way out
    (openpyxl's unfinished sheets did, after the plain message)."""
    import subprocess

    argv, name = COMMANDS[command](request, stick)
    tests = Path(__file__).parent
    code = ("import sys; sys.path.insert(0, {tests!r}); from full_disk import install; install({stick!r}, 300); "
            "import app.cli; sys.exit(app.cli.main({argv!r}))").format(
                tests=str(tests), stick=str(stick), argv=["--data-dir", str(store.data_dir), *argv])
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tests.parent,
                          timeout=120)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [done.stderr.strip()] and FULL in done.stderr, done.stderr
    assert list(stick.iterdir()) == []


# ---------------------------------------------------------------- files the desktop writes without a command


def _rows():  # type: ignore[no-untyped-def]
    from app.people.spreadsheet import RowError

    return [RowError(3, "身份证号", "校验码不对", "请核对身份证号")] * 200


@pytest.mark.parametrize("name", ["错误清单.xlsx", "错误清单.csv"])
@pytest.mark.parametrize("room", [0, 300], ids=["full", "fills-up"])
def test_the_import_error_list_on_a_full_stick(stick, monkeypatch, name, room, unraisable):
    from app.files import WriteFailed
    from ui.people.import_wizard import write_error_list

    full_disk(monkeypatch, stick, room)
    with pytest.raises(WriteFailed, match=FULL):
        write_error_list(stick / name, _rows())
    gc.collect()
    assert list(stick.iterdir()) == [] and unraisable == []


def test_the_blank_roster_template_on_a_full_stick(stick, monkeypatch, unraisable):
    from app.files import WriteFailed
    from app.people.spreadsheet import write_roster

    full_disk(monkeypatch, stick)
    with pytest.raises(WriteFailed, match=FULL):
        write_roster(stick / "花名册模板.xlsx", [])
    gc.collect()
    assert list(stick.iterdir()) == [] and unraisable == []


def test_a_file_open_in_excel_is_named_as_the_likely_reason(store, stick, capsys, monkeypatch):
    """Windows refuses to replace a file another program holds open (the last roster, still open in Excel):
    the message says to close it, and the file the clerk has open is left as it was."""
    import errno
    import os

    target = stick / "花名册.xlsx"
    target.write_bytes(OLD)
    real = os.replace

    def held_open(src, dst, *a, **k):  # type: ignore[no-untyped-def]
        if Path(dst) == target:
            raise PermissionError(errno.EACCES, "Access is denied")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", held_open)
    code, _out, err = _run(capsys, store, ["residents", "export", str(target)])
    assert code == 1 and "出现意外问题" not in err
    assert "“花名册.xlsx”没有写成:这个文件可能正在 Excel、WPS 或 PDF 阅读器中打开,请关闭它后重试" in err
    assert sorted(p.name for p in stick.iterdir()) == ["花名册.xlsx"] and target.read_bytes() == OLD
