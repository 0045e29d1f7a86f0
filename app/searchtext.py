"""Search text for Chinese: any one- or two-character term (低保, 路) found as fast as long ones.

SQLite's FTS5 splits text into words at spaces and punctuation, which does not
work for Chinese: "村道路面硬化" is one "word", and a search for 道路 would miss
it. So each run of letters and digits is indexed as its overlapping pairs of
characters ("村道 道路 路面 面硬 硬化 化" — the last character alone too, so a
one-character search finds it at the end of a run):

- one character ``c`` is the prefix query ``c*`` (every place ``c`` occurs starts a token);
- two characters are one token;
- longer terms are the phrase of their pairs, which FTS5 matches only when the
  pairs stand next to each other, i.e. the exact term.

Spaces in a query separate terms that must all occur. One tokenizer for every index (notices,
minutes): plain functions, no store.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable


def _runs(value: str) -> list[str]:
    """Runs of letters and digits, NFKC-normalised (full-width digits) and lower-cased."""
    value = unicodedata.normalize("NFKC", value).lower()
    runs, current = [], []
    for ch in value:
        if ch.isalnum():
            current.append(ch)
        elif current:
            runs.append("".join(current))
            current = []
    if current:
        runs.append("".join(current))
    return runs


def grams(parts: Iterable[str]) -> str:
    """The index text of some strings: their character pairs, separated by spaces."""
    out: list[str] = []
    for part in parts:
        for run in _runs(part):
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
    return " ".join(out)


def match_expression(query: str) -> str | None:
    """The FTS5 MATCH text for what a person typed, or None when there is nothing to look for."""
    terms = []
    for run in _runs(query):
        if len(run) == 1:
            terms.append(f'"{run}"*')
        else:
            terms.append('"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"')
    return " AND ".join(terms) if terms else None
