"""One user-error type (app/errors.py): every exception a person can cause is a UserError, so the desktop
program's error dialog and the command line decide by isinstance, not by a list of class names."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from app.errors import FieldError, NotFound, UserError

APP = Path(__file__).resolve().parent.parent / "app"


def _exception_classes() -> list[tuple[str, str]]:
    """(module, class name) of every class in app/ that derives from an exception, read with ast and imported."""
    found = []
    for path in sorted(APP.rglob("*.py")):
        module = ".".join(path.relative_to(APP.parent).with_suffix("").parts).removesuffix(".__init__")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and node.bases:
                found.append((module, node.name))
    out = []
    for module, name in found:
        cls = getattr(importlib.import_module(module), name, None)
        if isinstance(cls, type) and issubclass(cls, BaseException):
            out.append((module, name))
    return out


def test_every_exception_in_app_is_a_user_error_or_declared_internal():
    classes = _exception_classes()
    assert len(classes) > 30  # the scan sees the whole core
    wrong = []
    for module, name in classes:
        cls = getattr(importlib.import_module(module), name)
        if not issubclass(cls, UserError) and not cls.__dict__.get("__internal__", False):
            wrong.append(f"{module}.{name}")
    assert wrong == [], "derive these from app.errors.UserError, or mark them @internal: " + ", ".join(wrong)


def test_field_error_and_not_found_are_the_ones_the_services_raise():
    from app.people import service

    assert service.FieldError is FieldError and service.NotFound is NotFound
    e = FieldError("name", "请填写姓名。")
    assert isinstance(e, UserError) and isinstance(e, ValueError) and e.field == "name" and str(e) == "请填写姓名。"


@pytest.mark.unexpected_error
def test_cli_shows_any_user_error_as_one_line_and_exit_1(tmp_path, capsys, monkeypatch):
    """A command need not convert a UserError itself: main() prints its message, one line, exit 1;
    anything else is a bug, reported as such."""
    import app.cli as cli
    from app.finance.service import NoLedgerError

    def no_ledger(args):  # type: ignore[no-untyped-def]
        raise NoLedgerError("2019 年还没有导入会计账簿,请先导入账簿。")

    monkeypatch.setitem(cli.COMMANDS, "check", no_ledger)
    assert cli.main(["--data-dir", str(tmp_path), "check"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == "错误:2019 年还没有导入会计账簿,请先导入账簿。"

    def bug(args):  # type: ignore[no-untyped-def]
        raise KeyError("oops")

    monkeypatch.setitem(cli.COMMANDS, "check", bug)
    assert cli.main(["--data-dir", str(tmp_path), "check"]) == 1
    assert "意外问题" in capsys.readouterr().err
