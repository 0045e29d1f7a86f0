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


def load_settings(data_dir: Path) -> dict[str, Any]:
    path = data_dir / SETTINGS_NAME
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def save_settings(data_dir: Path, settings: dict[str, Any]) -> None:
    """Write settings atomically so a power cut leaves the old or the new file, never half of one."""
    from app.files import write_atomic

    write_atomic(data_dir / SETTINGS_NAME,
                 json.dumps(settings, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8"))
