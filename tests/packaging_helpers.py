"""The frozen build the packaging tests share (no test lives here).

:func:`frozen_build` runs scripts/build.sh once per test session into a temporary folder (never into the
repository) and every packaging test uses that one build; :func:`debs` makes the two .deb packages from it
(the version of pyproject.toml and a higher one, for the upgrade) once. :func:`run` starts a frozen or
installed program the way a person's shell would: no virtual environment, Qt offscreen, a home of its own.
"""

from __future__ import annotations

import os
import subprocess
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_TIMEOUT = 1200
_cache: dict[str, object] = {}


def pyproject_version() -> str:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]


def frozen_build(tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    """dist/cunwu of one PyInstaller build for the whole session; the build's output is kept in
    ``_cache['build_log']`` and its time in ``_cache['build_seconds']``."""
    if "build" not in _cache:
        base = tmp_path_factory.mktemp("frozen")
        start = time.monotonic()
        r = subprocess.run(["bash", str(ROOT / "scripts" / "build.sh"), "--dist", str(base / "dist"),
                            "--work", str(base / "work")], cwd=ROOT, capture_output=True, text=True,
                           timeout=BUILD_TIMEOUT)
        _cache["build_seconds"] = time.monotonic() - start
        _cache["build_log"] = r.stdout + r.stderr
        assert r.returncode == 0, "the build failed:\n" + (r.stdout + r.stderr)[-4000:]
        _cache["build"] = base / "dist" / "cunwu"
    return _cache["build"]  # type: ignore[return-value]


def debs(tmp_path_factory) -> tuple[Path, Path]:  # type: ignore[no-untyped-def]
    """The .deb of pyproject.toml's version and one of a higher version, from the same build."""
    if "debs" not in _cache:
        build = frozen_build(tmp_path_factory)
        out = tmp_path_factory.mktemp("debs")
        env = {**os.environ, "DEB_COMPRESS": "gzip", "DEB_LEVEL": "1"}  # a test needs no small package
        made = []
        for version in (pyproject_version(), pyproject_version() + "+upgrade1"):
            r = subprocess.run(["bash", str(ROOT / "scripts" / "build-deb.sh"), "--build", str(build), "--out",
                                str(out), "--version", version], cwd=ROOT, capture_output=True, text=True, env=env,
                               timeout=600)
            assert r.returncode == 0, r.stdout + r.stderr
            made.append(out / "cunwu_{v}_{a}.deb".format(v=version, a=dpkg_arch()))
        _cache["debs"] = tuple(made)
    return _cache["debs"]  # type: ignore[return-value]


def dpkg_arch() -> str:
    return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True, check=True).stdout.strip()


def clean_env(home: Path) -> dict[str, str]:
    """The environment of a person's shell: no virtual environment or Python paths, a home of its own
    (the default data directory ~/.local/share/cunwu is inside it), Qt offscreen."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "CUNWU_DATA_DIR", "XDG_DATA_HOME")
           and not k.startswith("PYTEST")}
    env["PATH"] = ":".join(p for p in env.get("PATH", "").split(":") if ".venv" not in p)
    env.update(HOME=str(home), QT_QPA_PLATFORM="offscreen", LANG="C.UTF-8")
    return env


def run(program: Path | str, *args: str, home: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run([str(program), *args], capture_output=True, text=True, env=clean_env(home),
                          timeout=timeout, cwd=home)
