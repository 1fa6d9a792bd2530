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

from awardgraph.errors import BadQuery, Refused

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


def with_values(text: str, values: dict[str, str]) -> str:
    """``text`` with a one-row ``VALUES`` block first in its outermost ``WHERE`` group.

    How parameters reach a server that has no way to bind them (SPARQL 1.1 Protocol has
    none): ``values`` maps variable names to terms written in SPARQL (``<iri>``,
    ``"text"@en``). Joined first in the group, the row binds the variables wherever the
    group uses them, as SEP-0007 substitution does, except inside sub-queries.
    """
    if not values:
        return text
    names = " ".join(f"?{name}" for name in values)
    row = " ".join(values.values())
    block = f" VALUES ({names}) {{ ({row}) }} "
    at = _where_group(text)
    return text[:at] + block + text[at:]


def _where_group(text: str) -> int:
    """Where the outermost WHERE group's content begins (just past its ``{``)."""
    parens = braces = 0
    template = ""  # CONSTRUCT's template comes first: "expected", then "inside"
    position = 0

    def punctuation(start: int, end: int) -> int | None:
        nonlocal parens, braces, template
        for index in range(start, end):
            char = text[index]
            if char in "()":
                parens += 1 if char == "(" else -1
            elif char == "{":
                if braces == 0 and parens == 0:
                    if template != "expected":
                        return index + 1
                    template = "inside"
                braces += 1
            elif char == "}":
                braces -= 1
                if braces == 0 and template == "inside":
                    template = ""
        return None

    for token in _TOKEN.finditer(text):
        if (found := punctuation(position, token.start())) is not None:
            return found
        word = token[0].upper() if token.lastgroup == "word" else ""
        if word == "CONSTRUCT":
            template = "expected"
        elif word == "WHERE" and template == "expected":
            raise BadQuery("Parameters cannot be bound in the CONSTRUCT WHERE short form.")
        position = token.end()
    if (found := punctuation(position, len(text))) is not None:
        return found
    raise BadQuery("Parameters need a WHERE clause to be bound in; the query has none.")
