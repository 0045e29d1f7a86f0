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

Clerks say 低保 where the catalogue writes 最低生活保障, 五保 for 特困供养. The table of such short forms
is data (resources/search/synonyms.json): ``expand`` turns each term into the term or any word of its
group (a term holding a short form, 低保对象, also as 最低生活保障对象), and says which other words it looked
for, so the result can say 同时查找了“最低生活保障”. The order of the results does not change: the lists
stay newest first.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from app.i18n import _
from app.resources import read_catalogue_json, resource_path

SYNONYMS_FILE = ("search", "synonyms.json")


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
    """The FTS5 MATCH text for exactly what a person typed (no short forms: ``expand``), or None when
    there is nothing to look for."""
    terms = [_phrase(run) for run in _runs(query)]
    return " AND ".join(terms) if terms else None


# ---------------------------------------------------------------- the clerks' short forms


@dataclass(frozen=True)
class SynonymGroup:
    full: str  # the catalogue's (or the demo village's) own word
    short: tuple[str, ...]  # what clerks say
    where: str  # where the full form is written

    @property
    def terms(self) -> tuple[str, ...]:
        return (self.full, *self.short)


@functools.cache
def synonym_groups() -> tuple[SynonymGroup, ...]:
    """The groups of resources/search/synonyms.json, each word normalised as the index is."""
    data = read_catalogue_json(resource_path(*SYNONYMS_FILE))
    groups = []
    for g in data["groups"]:
        full = "".join(_runs(g["full"]))
        short = tuple(dict.fromkeys("".join(_runs(x)) for x in g["short"] if "".join(_runs(x)) != full))
        groups.append(SynonymGroup(full, short, g.get("where", "")))
    return tuple(groups)


def alternatives(term: str) -> list[str]:
    """Other words to look for with one search term (a run of letters and digits): ``[]`` for most.

    In each group that has a word inside the term, its longest such word is replaced by every other
    word of the group that is not part of it (低保户 is not widened to 低保). A word that holds the term
    itself or another alternative is left out: looking for the shorter one finds it anyway (低保 finds
    低保户)."""
    found: list[str] = []
    if len(term) < 2:
        return found
    for group in synonym_groups():
        inside = [w for w in group.terms if w in term]
        if not inside:
            continue
        word = max(inside, key=len)
        found.extend(term.replace(word, other) for other in group.terms if other not in word)
    found = list(dict.fromkeys(x for x in found if term not in x))
    return [x for x in found if not any(y != x and y in x for y in found)]


@dataclass(frozen=True)
class Expanded:
    expression: str | None  # the FTS5 MATCH text, None when there is nothing to look for
    also: tuple[str, ...]  # the other words looked for, in the order of the terms: ("最低生活保障",)
    terms: tuple[tuple[str, ...], ...] = ()  # each term typed, with its alternatives after it


def _phrase(run: str) -> str:
    if len(run) == 1:
        return f'"{run}"*'
    return '"' + " ".join(run[i:i + 2] for i in range(len(run) - 1)) + '"'


def expand(query: str) -> Expanded:
    """What a person typed, with the clerks' short forms: every term must occur, as typed or as a
    word of its group."""
    parts, also, terms = [], [], []
    for run in _runs(query):
        others = alternatives(run)
        terms.append((run, *others))
        also.extend(others)
        if others:
            parts.append("(" + " OR ".join(_phrase(x) for x in (run, *others)) + ")")
        else:
            parts.append(_phrase(run))
    return Expanded(" AND ".join(parts) if parts else None, tuple(dict.fromkeys(also)), tuple(terms))


def also_searched(query: str) -> tuple[str, ...]:
    """The other words a search for ``query`` looks for: ("最低生活保障",) for 低保."""
    return expand(query).also if query else ()


def also_line(also: Iterable[str]) -> str:
    """The line under a result: 同时查找了“最低生活保障”, or "" when nothing else was looked for."""
    words = list(also)
    if not words:
        return ""
    return _("同时查找了{words}").format(words="、".join(_("“{word}”").format(word=w) for w in words))
