"""Split the parsed data into parts that pySHACL validates alone, each as it would in the
whole graph, and name each file's validation by what it depends on.

Each subject is validated once, in a part of the first file that states something about
it. A part holds its subjects' statements from every file, plus the context ``reach``
asks for: statements pointing at them by a predicate a shape walks backwards, and the
statements about the nodes they point at. The ontology is in every part (pySHACL reads
``rdfs:subClassOf`` from it for ``sh:targetClass`` and ``sh:class``); its own subjects
form the last file. A file's key digests its bytes, the statements of other files its
parts hold, and the subjects it leaves to earlier files: when none of these changes,
neither can its validation.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from awardgraph.parse import Quad, Term
from awardgraph.reach import Reach

Located = tuple[int, Quad]
"""A quad and the index of the source it comes from."""


@dataclass(frozen=True)
class Source:
    """A parsed file: a data file, or (``path`` None) the ontology."""

    path: Path | None
    quads: list[Quad]
    digest: str
    """SHA-256 of the file's bytes."""


@dataclass(frozen=True)
class Part:
    """Some subjects of one file, to validate in one pySHACL call."""

    file: Path | None
    own: bytes
    """N-Quads: every statement about the part's subjects (they are its subjects)."""
    context: bytes
    """N-Quads: what the shapes read beyond them."""
    weight: float
    """The part's share of its file's bytes (for progress)."""


@dataclass(frozen=True)
class Plan:
    """One file's parts and the key of its validation."""

    source: Source
    key: str
    parts: list[Part] = field(default_factory=list)


class Index:
    """Where each subject is described, and who points at it by an inverse predicate."""

    def __init__(self, sources: list[Source], reach: Reach) -> None:
        self.sources = sources
        self.about: dict[Term, list[Located]] = {}
        self.pointing: dict[Term, list[Located]] = {}
        self.first: dict[Term, int] = {}
        self.subjects: list[list[Term]] = []
        inverse = {ox.NamedNode(p) for p in reach.inverse}
        for index, source in enumerate(sources):
            mine: dict[Term, None] = {}
            about, pointing = self.about, self.pointing
            for quad in source.quads:
                subject = quad.subject
                located = (index, quad)
                found = about.get(subject)
                if found is None:
                    about[subject] = [located]
                else:
                    found.append(located)
                mine[subject] = None
                if quad.predicate in inverse:
                    pointing.setdefault(quad.object, []).append(located)
            for described in mine:
                self.first.setdefault(described, index)
            self.subjects.append(list(mine))


def plan(index: Index, common: bytes, part_size: int) -> list[Plan]:
    """Every file's plan; ``common`` digests what all validations share (shapes, ontology,
    versions), ``part_size`` is about how many statements a part holds."""
    ontology = len(index.sources) - 1
    plans = []
    for i, source in enumerate(index.sources):
        owned = [s for s in index.subjects[i] if index.first[s] == i]
        left = sorted(str(s) for s in index.subjects[i] if index.first[s] != i)
        digest = hashlib.sha256(common)
        digest.update(f"{source.digest}\n{len(left)}\n".encode())
        digest.update("\n".join(left).encode())
        parts: list[tuple[list[Located], list[Located]]] = []
        borrowed: list[str] = []
        for group in _groups(index, owned, part_size):
            own, context = _part(index, group, skip=None if i == ontology else ontology)
            parts.append((own, context))
            borrowed += (_line(q) for j, q in (*own, *context) if j not in (i, ontology))
        digest.update(f"\n{len(borrowed)}\n".encode())
        digest.update("\n".join(sorted(set(borrowed))).encode())
        total = sum(len(own) for own, _ in parts) or 1
        plans.append(
            Plan(
                source,
                digest.hexdigest(),
                [
                    Part(source.path, _nquads(own), _nquads(context), len(own) / total)
                    for own, context in parts
                ],
            )
        )
    return plans


def _groups(index: Index, owned: list[Term], size: int) -> Iterator[list[Term]]:
    """Consecutive subjects (a file keeps related ones together) of about ``size``
    statements."""
    group: list[Term] = []
    statements = 0
    for subject in owned:
        group.append(subject)
        statements += len(index.about[subject])
        if statements >= size:
            yield group
            group, statements = [], 0
    if group:
        yield group


def _part(index: Index, group: list[Term], skip: int | None) -> tuple[list[Located], list[Located]]:
    """The statements about ``group``, and the context its shapes read (without the
    ontology's statements when ``skip`` names it: every part holds the ontology)."""
    members = set(group)
    own = [located for s in group for located in index.about[s] if located[0] != skip]
    context = [located for s in group for located in index.pointing.get(s, ())]
    near = {
        q.object for _, q in own if not isinstance(q.object, ox.Literal) and q.object not in members
    }
    for node in near:
        context += (located for located in index.about.get(node, ()) if located[0] != skip)
    return own, context


def _line(quad: Quad) -> str:
    return f"{quad.subject} {quad.predicate} {quad.object}"


def _nquads(located: Iterable[Located]) -> bytes:
    return ox.serialize([q for _, q in located], format=ox.RdfFormat.N_QUADS) or b""
