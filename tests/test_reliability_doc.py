"""docs/reliability.md names, for each promise, the test that keeps it: every test it names must exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"


def _names(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    # a state machine's test case is an assignment: test_village = VillageMachine.TestCase
    names |= {t.id for n in ast.walk(tree) if isinstance(n, ast.Assign) for t in n.targets if isinstance(t, ast.Name)}
    return names


def test_every_test_the_reliability_document_names_exists():
    references = re.findall(r"`(tests/[\w/]+\.py)::(\w+)", DOC.read_text(encoding="utf-8"))
    assert len(references) > 40
    missing = [f"{file}::{name}" for file, name in references
               if not (ROOT / file).is_file() or name not in _names(ROOT / file)]
    assert missing == []
