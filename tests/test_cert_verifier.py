"""Who verified the facts (核实人) on the command line: the --verifier named, or the program's user given with
--user; never the computer's login name, which names an account and not the person who checked (the register
must say who verified, docs/certificates.md §4)."""

from __future__ import annotations

import datetime as dt
import getpass
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

import app.accounts.service as acc
import app.cli
from app.certificates.models import Certificate
from app.events import Event
from conftest import make_id
from test_cert_support import cert_store  # noqa: F401

LISI = make_id(dt.date(1985, 7, 9), 22)
ISSUE = ["cert", "issue", "--kind", "SD-01", "--resident", LISI, "--purpose", "办理居住证",
         "--field", "address=第一村民小组12号", "--field", "since=2019年3月"]


@pytest.fixture
def clerk(cert_store, monkeypatch):
    """The village with the user 王文书, on a computer whose login account is 'admin'."""
    real = acc.hash_password
    monkeypatch.setattr(acc, "hash_password", lambda p, n=2**10: real(p, n=n))
    monkeypatch.setattr(getpass, "getuser", lambda: "admin")
    with cert_store.begin("测试") as s:
        acc.add_user(s, "王文书", "文书/会计", "wang-wenshu-2026")
    return cert_store


def _run(capsys, store, *argv: str) -> tuple[int, str, str]:
    code = app.cli.main(["--data-dir", str(store.data_dir), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _numbered(store) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Certificate).where(Certificate.serial.is_not(None))))


def test_the_user_given_is_the_verifier_and_is_logged_as_who_issued(capsys, clerk, tmp_path):
    code, out, err = _run(capsys, clerk, *ISSUE, "--user", "王文书", "-o", str(tmp_path / "c.pdf"))
    assert code == 0, err
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(str(tmp_path / "c.pdf")).pages))
    assert "核实人王文书" in text and "admin" not in text
    with clerk.read() as s:
        cert = s.scalar(select(Certificate))
        actor = s.scalar(select(Event.actor).where(Event.record_type == "certificate"))
    assert cert.verified_by == "王文书" and actor == "王文书"


def test_without_a_verifier_or_a_user_nothing_is_issued_and_the_computers_account_is_not_used(capsys, clerk,
                                                                                              tmp_path):
    code, _, err = _run(capsys, clerk, *ISSUE, "-o", str(tmp_path / "c.pdf"))
    assert code == 1 and "--verifier" in err and "--user" in err
    assert _numbered(clerk) == 0 and not (tmp_path / "c.pdf").exists()


def test_a_user_name_that_is_no_user_is_refused(capsys, clerk, tmp_path):
    code, _, err = _run(capsys, clerk, *ISSUE, "--user", "王闻书", "-o", str(tmp_path / "c.pdf"))
    assert code == 1 and "没有名为“王闻书”的用户" in err and "王文书" in err
    assert _numbered(clerk) == 0


def test_the_verifier_named_wins_over_the_user(capsys, clerk, tmp_path):
    code, _, err = _run(capsys, clerk, *ISSUE, "--user", "王文书", "--verifier", "李会计", "-o", str(tmp_path / "c.pdf"))
    assert code == 0, err
    with clerk.read() as s:
        assert s.scalar(select(Certificate.verified_by)) == "李会计"
