"""Find shipped resources the same way frozen (PyInstaller) and unfrozen, and read the catalogue files
(certificate lists, the disclosure catalogue) shipped here or sent by the township."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

CATALOGUE_DIR = "catalogues"  # in resources/ (shipped) and in the data directory (sent by the township)
MAX_CATALOGUE_FILE = 2 * 1024 * 1024


def resource_path(*parts: str) -> Path:
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) / "resources" if base else Path(__file__).resolve().parent.parent / "resources"
    return root.joinpath(*parts)


def catalogue_dirs(data_dir: Path | None) -> list[Path]:
    """Where catalogue files are looked for: the shipped ones first, then the data directory's."""
    dirs = [resource_path(CATALOGUE_DIR)]
    if data_dir is not None:
        dirs.append(Path(data_dir) / CATALOGUE_DIR)
    return dirs


def read_catalogue_json(path: Path) -> Any:
    """The JSON document in a catalogue file. Raises OSError, or ValueError for a file too large (a
    catalogue is a few hundred kB), not UTF-8 or not JSON: the caller says which catalogue it was."""
    data = Path(path).read_bytes()
    if len(data) > MAX_CATALOGUE_FILE:
        raise ValueError("larger than 2 MB")
    from app.text import json_document

    return json_document(data)  # nesting too deep, lone surrogates: as unreadable as any other bad JSON
