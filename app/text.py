"""Text clean-up shared by everything that reads what people typed."""

from __future__ import annotations

import unicodedata


def normalize_text(value: object) -> str:
    """Full-width digits and letters to half-width, ideographic spaces to plain ones."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip()
