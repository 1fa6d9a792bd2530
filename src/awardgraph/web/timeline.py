"""The timeline: award types by the year they were established, and events by their year.

Entries are grouped by decade, then by year, in year order; each links to its page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyoxigraph as ox

from awardgraph.web import site
from awardgraph.web.links import labels, page_queries
from awardgraph.web.shown import Shown, cached, shown


@dataclass(frozen=True)
class Entry:
    link: Shown
    year: str
    what: str
    """"established" (an award type) or "event"."""


@dataclass(frozen=True)
class Year:
    year: str
    entries: tuple[Entry, ...]


@dataclass(frozen=True)
class Decade:
    start: int
    years: tuple[Year, ...]

    @property
    def count(self) -> int:
        return sum(len(y.entries) for y in self.years)


@dataclass(frozen=True)
class Timeline:
    decades: tuple[Decade, ...]

    @property
    def busiest(self) -> int:
        return max((d.count for d in self.decades), default=0)

    @property
    def total(self) -> int:
        return sum(d.count for d in self.decades)

    def json(self) -> dict[str, Any]:
        return {
            "entries": [
                {**e.link.json(), "year": e.year, "what": e.what}
                for d in self.decades
                for y in d.years
                for e in y.entries
            ]
        }


def build_timeline(language: str) -> Timeline:
    def build() -> Timeline:
        text = page_queries()["browse-timeline"].text
        store = site().catalogue.store
        rows = [
            (item.value, year.value, what.value)
            for item, year, what in site().time_limit(lambda: store.query(text)).terms
            if isinstance(item, ox.NamedNode)
            and isinstance(year, ox.Literal)
            and isinstance(what, ox.Literal)
        ]
        found = labels(store, [r[0] for r in rows], language)
        base = site().config.base_iri
        entries = [Entry(shown(found[i], language, base), y, w) for i, y, w in rows]
        entries.sort(key=lambda e: (_number(e.year), e.what, e.link.text.casefold()))
        decades: dict[int, dict[str, list[Entry]]] = {}
        for entry in entries:
            start = _number(entry.year) // 10 * 10
            decades.setdefault(start, {}).setdefault(entry.year, []).append(entry)
        return Timeline(
            tuple(
                Decade(start, tuple(Year(y, tuple(es)) for y, es in years.items()))
                for start, years in decades.items()
            )
        )

    return cached(("timeline", site().catalogue.stamp.digest, language), build)


def _number(year: str) -> int:
    digits = year.lstrip("-")[:4]
    value = int(digits) if digits.isdigit() else 0
    return -value if year.startswith("-") else value
