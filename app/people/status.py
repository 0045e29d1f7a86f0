"""Whether a resident is still on the register: one reading of what a clerk types, for the
dialog and the roster import alike (like app/people/phone.py)."""

from __future__ import annotations

from app.errors import UserError

# stored value -> the word shown and written to the roster
LABELS: dict[str | None, str] = {None: "在册", "moved": "已迁出", "died": "已故"}

_WORDS: dict[str, str | None] = {
    "": None, "在册": None, "正常": None, "在籍": None,
    "moved": "moved", "迁出": "moved", "已迁出": "moved", "户口迁出": "moved",
    "died": "died", "死亡": "died", "已故": "died", "去世": "died", "已去世": "died",
}  # fmt: skip


class StatusError(UserError, ValueError):
    """The text is not a status this program knows."""


def parse_status(value: object) -> str | None:
    """None (在册), "moved" or "died"; StatusError for anything else."""
    key = "".join(str(value or "").split())
    if key not in _WORDS:
        raise StatusError(key)
    return _WORDS[key]
