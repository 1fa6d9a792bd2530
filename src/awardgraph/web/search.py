"""Find resources by name, in English or Russian, whatever the case and whether ё is written plain.

Every label, preferred label and alternative label (``browse-names.rq``) is read once per
build into an index of folded names: NFKC-normalized, case-folded (``str.casefold``, so
"МОПР" is "мопр") and with ё as its plain form (U+0435), as Russian is usually typed.
A name equal to the asked text ranks first, then one starting with it, then one with a
word starting with it, then one containing it; ties go by name.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from awardgraph.store import BaseStore
from awardgraph.web.links import page_queries

RANKS = ("exact", "prefix", "word", "contains")


def fold(text: str) -> str:
    """The form names are compared in: case-folded, ё as plain e (U+0435), spaces collapsed."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("ё", "\u0435")
    return " ".join(folded.split())


@dataclass(frozen=True)
class Hit:
    iri: str
    rank: int
    """An index into ``RANKS``."""
    name: str
    """The name that matched, as the data writes it."""


class NameIndex:
    """The catalogue's names, folded, for substring search without a query per search."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self._names = [(fold(label), label, iri) for iri, label in pairs]

    @classmethod
    def of(cls, store: BaseStore) -> NameIndex:
        pairs = []
        for item, label in store.query(page_queries()["browse-names"].text).terms:
            if isinstance(item, ox.NamedNode) and isinstance(label, ox.Literal):
                pairs.append((item.value, label.value))
        return cls(pairs)

    def __len__(self) -> int:
        return len(self._names)

    def find(self, text: str) -> list[Hit]:
        """Every resource with a name containing ``text``, best first."""
        needle = fold(text)
        if not needle:
            return []
        best: dict[str, tuple[int, str, str]] = {}
        for folded, label, iri in self._names:
            if needle not in folded:
                continue
            rank = _rank(folded, needle)
            found = (rank, folded, label)
            if iri not in best or found < best[iri]:
                best[iri] = found
        ordered = sorted(best.items(), key=lambda pair: (pair[1][0], pair[1][1], pair[0]))
        return [Hit(iri, rank, label) for iri, (rank, _, label) in ordered]


def _rank(folded: str, needle: str) -> int:
    if folded == needle:
        return 0
    if folded.startswith(needle):
        return 1
    if f" {needle}" in folded or any(
        folded[i - 1] in "-(«\"'“" for i in _starts(folded, needle) if i
    ):
        return 2
    return 3


def _starts(text: str, needle: str) -> list[int]:
    found, at = [], text.find(needle)
    while at != -1:
        found.append(at)
        at = text.find(needle, at + 1)
    return found
