"""Where the village's data lives, and the small settings file beside it."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from app.errors import UserError
from app.i18n import _

ENV_DATA_DIR = "CUNWU_DATA_DIR"
DB_NAME = "cunwu.sqlite3"
SETTINGS_NAME = "settings.json"


class DataDirError(UserError):
    """The data directory cannot be used; the message says what to do."""


def default_data_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("cunwu", appauthor=False))


def resolve_data_dir(cli_value: str | os.PathLike[str] | None = None) -> Path:
    """``--data-dir`` wins over ``CUNWU_DATA_DIR``, which wins over the platform default."""
    if cli_value:
        return Path(cli_value).expanduser().resolve()
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser().resolve()
    return default_data_dir()


def ensure_writable(path: Path) -> Path:
    """Create the data directory and prove it can be written before anything else is."""
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path, prefix=".probe-", delete=True) as fh:
            fh.write(b"x" * 4096)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise DataDirError(
            _("数据目录 {path} 无法写入({reason})。请检查磁盘是否已满或只读,或用 --data-dir 指定另一个目录。").format(
                path=path, reason=exc.strerror or exc
            )
        ) from exc
    return path


MAX_SETTINGS = 1024 * 1024  # a settings file is a few hundred bytes


def load_settings(data_dir: Path) -> dict[str, Any]:
    """The settings, always a dict. A missing, damaged or hand-edited file gives the defaults for the
    parts that cannot be read: a section that is not an object (``"meetings": 5``) is left out, so the
    law's rules and the catalogue's numbers apply; values of the wrong kind inside a section are judged
    (and refused in plain words) by the code that uses them."""
    from app.files import read_small_json

    try:
        doc = read_small_json(data_dir / SETTINGS_NAME, MAX_SETTINGS)
    except (OSError, ValueError):
        return {}
    return _readable_settings(doc)


def _readable_settings(doc: Any) -> dict[str, Any]:
    if not isinstance(doc, dict):
        return {}
    doc = dict(doc)
    for section in ("meetings", "disclosure"):
        if section in doc and not isinstance(doc[section], dict):
            del doc[section]
    meetings = doc.get("meetings")
    if meetings is not None and "rules" in meetings:
        rules = meetings["rules"]
        # each meeting kind's rule: names of a threshold (text), as the settings screen writes them
        meetings = dict(meetings)
        meetings["rules"] = {str(kind): {str(k): v for k, v in rule.items() if isinstance(v, str)}
                             for kind, rule in rules.items() if isinstance(rule, dict)} if isinstance(rules, dict) else {}
        doc["meetings"] = meetings
    return doc


def save_settings(data_dir: Path, settings: dict[str, Any]) -> None:
    """Write settings atomically so a power cut leaves the old or the new file, never half of one."""
    from app.files import write_atomic

    write_atomic(data_dir / SETTINGS_NAME,
                 json.dumps(settings, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))


def update_setting(data_dir: Path, key: str, value: Any) -> None:
    """Change one key of settings.json, keeping what other screens saved there."""
    settings = load_settings(data_dir)
    settings[key] = value
    save_settings(data_dir, settings)
