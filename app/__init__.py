"""cunwu (村务): the Qt-free core of the village affairs program.

``app.__version__`` is the program's one version number, pyproject.toml's ``[project] version``: read from
there in a source checkout, from ``resources/VERSION`` in a frozen build (build.spec writes it from
pyproject.toml) and from the installed package's metadata after ``pip install``. It is read on first use, so
importing the package costs nothing.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

VERSION_FILE = "VERSION"  # in resources/ of a frozen build
_VERSION_RE = re.compile(r'(?m)^version\s*=\s*"([^"]+)"')
_cached: str | None = None


def program_version() -> str:
    """The program's version, e.g. ``0.2.0`` (``0+unknown`` only if every place is missing)."""
    global _cached
    if _cached is None:
        _cached = _read_version()
    return _cached


def version_line() -> str:
    """What ``--version`` prints: the program's name in the language in use and its version (村务 0.1.0)."""
    from app.i18n import current_language

    name = "村务" if current_language().startswith("zh") else "cunwu"
    return f"{name} {program_version()}"


def _read_version() -> str:
    base = getattr(sys, "_MEIPASS", None)
    if base is not None:
        try:
            return (Path(base) / "resources" / VERSION_FILE).read_text(encoding="utf-8").strip()
        except OSError:
            pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        text = pyproject.read_text(encoding="utf-8")
    except OSError:
        text = ""
    project = text.split("[project]", 1)[1] if "[project]" in text else ""
    if (match := _VERSION_RE.search(project.split("\n[", 1)[0])) is not None:
        return match.group(1)
    try:
        from importlib.metadata import PackageNotFoundError, version

        return version("cunwu")
    except PackageNotFoundError:
        return "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return program_version()
    raise AttributeError(f"module 'app' has no attribute {name!r}")
