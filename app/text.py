"""Text clean-up shared by everything that reads what people typed."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any


def normalize_text(value: object) -> str:
    """Full-width digits and letters to half-width, ideographic spaces to plain ones."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def json_document(data: bytes) -> Any:
    """The JSON in ``data`` as handed over from outside (a file, a QR code, a bundle's manifest). ValueError
    if it is not UTF-8, not JSON, nested so deep that the parser gives up, or holds text no file can hold
    again: a lone half of a surrogate pair written as an escape (\\ud865)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except RecursionError as exc:
        raise ValueError("nested too deeply") from exc
    if _SURROGATE_ESCAPE.search(data):  # pairs are fine (an emoji); a lone half cannot be written out again
        json.dumps(doc, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError is a ValueError
    return doc
