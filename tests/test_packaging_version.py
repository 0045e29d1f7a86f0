"""One version number (pyproject.toml's [project] version), shown by ``cunwu --version`` and
``cunwu-desktop --version``, carried in every sync bundle's manifest (docs/sync-format.md, ``program``) and
kept by the township hub per village, so the township sees which version each village runs. A bundle from
a program that did not name its version still imports (issue: upgrades that keep every record)."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from app.hub.service import IMPORTED, list_villages
from sync_helpers import linked  # noqa: F401 - fixture

ROOT = Path(__file__).resolve().parents[1]


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def test_the_program_reports_the_version_of_pyproject():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    for module in ("app", "ui.app"):
        r = subprocess.run([sys.executable, "-m", module, "--version"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert r.stdout.strip() == "村务 {v}".format(v=pyproject_version())


def test_a_changed_pyproject_version_is_the_version_shown(tmp_path, monkeypatch):
    """The number is read from pyproject.toml, not written a second time in the code."""
    import app

    fake = tmp_path / "src"
    (fake / "app").mkdir(parents=True)
    (fake / "pyproject.toml").write_text('[project]\nname = "cunwu"\nversion = "9.8.7"\n\n[tool.x]\nversion = "1"\n',
                                        encoding="utf-8")
    monkeypatch.setattr(app, "__file__", str(fake / "app" / "__init__.py"))
    assert app._read_version() == "9.8.7"


def test_a_bundle_names_the_program_version_and_the_hub_lists_it(linked, capsys):  # noqa: F811
    outcome = linked.import_(linked.export())
    assert outcome.status == IMPORTED
    (village,) = list_villages(linked.hub)
    assert village.version == pyproject_version()

    from app.cli import main

    assert main(["--data-dir", str(linked.root / "township"), "hub", "villages"]) == 0
    out = capsys.readouterr().out
    assert "程序版本" in out.splitlines()[0]
    assert out.splitlines()[1].endswith("\t" + pyproject_version())


def test_a_bundle_from_a_program_that_named_no_version_still_imports(linked, monkeypatch):  # noqa: F811
    """Villages still on the version before: their bundles have no ``program`` and import as before."""
    from app.sync import export

    real = export._build

    def without_version(*args, **kw):
        manifest, payload = real(*args, **kw)
        del manifest["program"]
        return manifest, payload

    monkeypatch.setattr(export, "_build", without_version)
    outcome = linked.import_(linked.export())
    assert outcome.status == IMPORTED
    (village,) = list_villages(linked.hub)
    assert village.version == "" and village.last_seq > 0
