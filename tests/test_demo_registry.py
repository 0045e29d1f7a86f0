"""`cunwu demo` builds the village through one registry: each package registers its own step
(app.demo_registry.demo_step), app.demo imports them (load_steps) and runs them in order in one write
transaction (docs/architecture.md, "Layers": `cunwu demo` names no capability)."""

from __future__ import annotations

import ast
import importlib.util
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.check import check_store
from app.demo import create_demo, load_steps
from app.demo_registry import DEMO_STEPS, DemoStep, demo_step, ordered_steps
from app.schema import open_store

APP = Path(__file__).resolve().parents[1] / "app"


def test_every_step_is_registered_in_its_order_by_the_package_that_makes_it():
    # in a fresh interpreter: load_steps alone must bring every step in, whatever other tests imported
    code = ("from app.demo import load_steps; from app.demo_registry import ordered_steps; load_steps(); "
            "print([(s.name, s.run.__module__, s.after) for s in ordered_steps()])")
    out = subprocess.run([sys.executable, "-c", code], cwd=APP.parent, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    steps = ast.literal_eval(out.stdout.strip())
    assert [(name, module) for name, module, _after in steps] == [
        ("people", "app.people.demo"),
        ("probationary", "app.people.demo"),
        ("certificates", "app.certificates.demo"),
        ("disclosure", "app.disclosure.demo"),  # the ledger, then the notices (finances drafted from it)
        ("meetings", "app.meetings.demo"),  # the matters draft their notices: after disclosure
    ]
    assert steps[-1][2] == ("people", "probationary", "disclosure")


def test_every_demo_module_of_app_registers_a_step_that_load_steps_imports():
    load_steps()
    modules = {".".join(p.relative_to(APP.parent).with_suffix("").parts) for p in APP.glob("*/demo.py")}
    assert modules == {s.run.__module__ for s in DEMO_STEPS.values()}


def test_a_step_registered_twice_is_refused_and_the_first_one_stays(monkeypatch):
    load_steps()
    first = DEMO_STEPS["people"]

    with pytest.raises(ValueError, match="'people' is registered twice"):
        demo_step("people", order=99)(lambda session, data_dir, village, progress: None)
    assert DEMO_STEPS["people"] is first

    # the same module loaded a second time under another name registers its steps again: refused
    spec = importlib.util.spec_from_file_location("demo_copy", APP / "meetings" / "demo.py")
    assert spec is not None and spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "demo_copy", copy)  # its dataclasses look their module up there
    with pytest.raises(ValueError, match="'meetings' is registered twice: app.meetings.demo.load_demo_meetings"):
        spec.loader.exec_module(copy)
    assert [s.name for s in ordered_steps()] == ["people", "probationary", "certificates", "disclosure", "meetings"]


def test_a_step_ordered_before_a_step_it_needs_is_refused(monkeypatch):
    load_steps()
    monkeypatch.setitem(DEMO_STEPS, "roll_call", DemoStep("roll_call", 5, ("people",), lambda *a: None))
    with pytest.raises(ValueError, match="'roll_call' needs 'people' before it"):
        ordered_steps()
    monkeypatch.setitem(DEMO_STEPS, "roll_call", DemoStep("roll_call", 55, ("ballots",), lambda *a: None))
    with pytest.raises(ValueError, match="'roll_call' needs 'ballots' before it"):
        ordered_steps()


def test_a_failing_step_leaves_the_directory_empty_and_the_demo_can_be_made_again(tmp_path, monkeypatch):
    """Bulk writes are one transaction (architecture.md, rules of the house): a step that fails after the
    register was written leaves no village, no resident and no event behind."""
    load_steps()

    def broken(session, data_dir, village, progress):  # type: ignore[no-untyped-def]
        raise RuntimeError("the certificates step failed halfway")

    monkeypatch.setitem(DEMO_STEPS, "broken", DemoStep("broken", 25, ("people",), broken))
    store = open_store(tmp_path / "demo")
    with pytest.raises(RuntimeError, match="halfway"):
        create_demo(store, size="small", seed=7)
    con = sqlite3.connect(tmp_path / "demo" / "cunwu.sqlite3")
    assert [con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("village", "residents", "events")] == [0, 0, 0]
    con.close()
    with store.read() as s:
        assert check_store(s).ok

    monkeypatch.delitem(DEMO_STEPS, "broken")
    info = create_demo(store, size="small", seed=7)
    store.close()
    con = sqlite3.connect(tmp_path / "demo" / "cunwu.sqlite3")
    assert con.execute("SELECT count(*) FROM residents").fetchone()[0] == info.residents
    con.close()


def test_progress_runs_from_start_to_end_once_for_the_register_and_each_capability(tmp_path):
    calls: list[tuple[int, int]] = []
    store = open_store(tmp_path / "demo")
    create_demo(store, size="small", seed=7, progress=lambda done, total: calls.append((done, total)))
    store.close()
    stretches: list[list[tuple[int, int]]] = []
    for done, total in calls:
        if not stretches or stretches[-1][-1][1] != total or done < stretches[-1][-1][0]:
            stretches.append([])
        stretches[-1].append((done, total))
    # the roster import reports once at its end; certificates, notices and meetings as they go
    assert len(stretches) == 4
    assert all(s[-1][0] == s[-1][1] and all(0 < d <= t for d, t in s) for s in stretches)
    assert stretches[0] == [(stretches[0][0][1], stretches[0][0][1])]

