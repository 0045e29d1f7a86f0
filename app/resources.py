"""Find shipped resources the same way frozen (PyInstaller) and unfrozen."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_path(*parts: str) -> Path:
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) / "resources" if base else Path(__file__).resolve().parent.parent / "resources"
    return root.joinpath(*parts)
