"""A lexical look at SPARQL text before the engine sees it: its form, dataset and hazards.

The engine (Oxigraph) would send a ``SERVICE`` clause to any HTTP endpoint it names, so
the public endpoint must find such clauses first. A tokenizer after the SPARQL 1.1
grammar's terminals (https://www.w3.org/TR/sparql11-query/#terminals) sets strings,
IRIs, comments, variables and prefixed names apart, so that a keyword is only ever a
keyword: ``"SERVICE"``, ``?service`` and ``ex:SERVICE`` are not. Codepoint escapes
(``\\u0053ERVICE``, #codepointEscape) are read both decoded and as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from awardgraph.errors import Refused

_TOKEN = re.compile(
    r"""
      (?P<comment>\#[^\n\r]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<pname>(?:[^\W\d_][\w.-]*)?:(?:[\w.:%-]|\\[_~.!$&'()*+,;=/?\#@%-])*)
    | (?P<bnode>_:[\w.-]+)
    | (?P<word>[^\W\d]\w*)
    """,
    re.VERBOSE,
)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "construct", "DESCRIBE": "describe"}
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


@dataclass(frozen=True)
class QueryText:
    """What the tokens of a query say: its form, whether it names its own dataset, hazards."""

    form: str | None
    """``select``, ``ask``, ``construct``, ``describe``, ``update`` or ``None`` (unknown)."""
    keywords: frozenset[str]
    iris: tuple[str, ...]

    @property
    def federated(self) -> bool:
        return "SERVICE" in self.keywords

    def file_iris(self) -> list[str]:
        return [i for i in self.iris if i[:5].lower() == "file:"]


@lru_cache(maxsize=256)  # the endpoint and the store both look at each query
def inspect(text: str) -> QueryText:
    """Tokenize ``text`` as written and with codepoint escapes decoded; merge what both say."""
    first = _scan(text)
    decoded = _ESCAPE.sub(lambda m: chr(int(m[1] or m[2], 16)), text)
    if decoded == text:
        return first
    second = _scan(decoded)
    return QueryText(
        first.form or second.form,
        first.keywords | second.keywords,
        tuple(dict.fromkeys(first.iris + second.iris)),
    )


def _scan(text: str) -> QueryText:
    keywords: list[str] = []
    iris: list[str] = []
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "word":
            keywords.append(token[0].upper())
        elif kind == "iri":
            iris.append(token[0][1:-1])
    form = None
    for word in keywords:
        if word in _FORMS:
            form = _FORMS[word]
            break
        if word in UPDATE_KEYWORDS:
            form = "update"
            break
    return QueryText(form, frozenset(keywords), tuple(iris))


def refuse_hazards(text: str) -> QueryText:
    """Inspect ``text``; raise ``Refused`` for an update, a ``SERVICE`` or a ``file:`` IRI."""
    found = inspect(text)
    if found.form == "update":
        raise Refused(
            "This endpoint is read-only: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, …) is "
            "not accepted. The catalogue changes through its data files and a new build "
            "(see docs/curating.md)."
        )
    if found.federated:
        raise Refused(
            "Federated queries (SERVICE) are refused: this endpoint does not query other "
            "endpoints on a client's behalf. Run the federated query from your own client, "
            "with this endpoint as one of its services."
        )
    if files := found.file_iris():
        raise Refused(
            f"The query names a file: IRI (<{files[0]}>); this endpoint reads nothing but "
            "its own store."
        )
    return found
