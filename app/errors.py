"""The one kind of error a person can act on (style.md, "Errors").

``UserError`` carries a message written for the clerk: what was wrong and what to do. The desktop program's
error dialog and the command line show that message and nothing else. Every other exception is a bug: it
is logged in full and the clerk sees a plain apology. ``tests/test_user_errors.py`` reads every exception
class in app/ and fails on one that is neither a UserError nor marked :func:`internal`.
"""

from __future__ import annotations

from typing import TypeVar

E = TypeVar("E", bound=type[BaseException])


class UserError(Exception):
    """Something a person caused and can fix; ``str(error)`` says what happened and what to do."""


class FieldError(UserError, ValueError):
    """A value a person typed is wrong; ``field`` names the input it belongs to, so a form can show the
    message next to it."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


class NotFound(UserError, LookupError):
    """The record asked for is not there (deleted meanwhile, or a wrong number typed)."""


def internal(cls: E) -> E:
    """Mark an exception class as internal: caught inside app/ or a bug, never meant for a person."""
    cls.__internal__ = True  # type: ignore[attr-defined]
    return cls
