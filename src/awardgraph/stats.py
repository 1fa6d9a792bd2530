"""Counts that describe the published catalogue: its statements and how many a sentence
supports, and counts per class, per source page and per language.

The SPARQL lives in ``stats/*.rq`` beside this module (shipped as package data) and is
read with the same loader as the canned queries. SPARQL 1.1 aggregates:
https://www.w3.org/TR/sparql11-query/#aggregates
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from awardgraph.queries import NamedQuery, load_queries
from awardgraph.results import Result
from awardgraph.store import BaseStore

STATS_DIR = Path(__file__).parent / "stats"


@dataclass(frozen=True)
class Table:
    """One statistic: the query that computed it and its rows."""

    query: NamedQuery
    result: Result


@dataclass(frozen=True)
class Stats:
    provenance: Table
    classes: Table
    sources: Table
    languages: Table

    def format(self) -> str:
        """Each table under its title."""
        parts = []
        for table in (self.provenance, self.classes, self.sources, self.languages):
            parts.append(f"{table.query.title}\n\n{table.result.table()}")
        return "\n\n".join(parts)


def stats(store: BaseStore) -> Stats:
    """Run the statistics queries over the union of all graphs."""
    queries = load_queries(STATS_DIR)

    def run(name: str) -> Table:
        return Table(queries[name], store.query(queries[name].text))

    return Stats(run("provenance"), run("classes"), run("sources"), run("languages"))
