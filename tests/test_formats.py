"""One format table drives lookups by name, suffix and media type, and the CLI choices."""

from __future__ import annotations

import click
import pytest
from rdflib import plugin
from rdflib.serializer import Serializer

from awardgraph.cli import cli
from awardgraph.errors import BadQuery, UnknownFormat
from awardgraph.formats import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Format,
    graph_format,
    result_format,
)


@pytest.mark.parametrize("key", ["turtle", "ttl", ".ttl", "text/turtle", "TTL", " .ttl "])
def test_graph_format_by_name_suffix_or_media_type(key: str) -> None:
    assert graph_format(key) is GRAPH_FORMATS["turtle"]


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_every_graph_format_is_found_by_its_suffix(name: str) -> None:
    fmt = GRAPH_FORMATS[name]
    assert graph_format(fmt.suffix) is fmt
    assert graph_format(fmt.media_type) is fmt


def test_graph_suffixes_and_media_types() -> None:
    table = {f.name: (f.suffix, f.media_type) for f in GRAPH_FORMATS.values()}
    assert table == {
        "turtle": (".ttl", "text/turtle"),
        "jsonld": (".jsonld", "application/ld+json"),
        "ntriples": (".nt", "application/n-triples"),
        "rdfxml": (".rdf", "application/rdf+xml"),
        "trig": (".trig", "application/trig"),
        "nquads": (".nq", "application/n-quads"),
    }
    assert {f.name for f in GRAPH_FORMATS.values() if f.quads} == {"trig", "nquads"}


def test_result_formats() -> None:
    assert result_format("srj") is RESULT_FORMATS["json"]
    assert result_format("application/sparql-results+xml") is RESULT_FORMATS["xml"]
    assert RESULT_FORMATS["table"].media_type == "text/plain"
    assert RESULT_FORMATS["table"].oxigraph is None
    assert list(RESULT_FORMATS) == ["table", "json", "csv", "tsv", "xml"]


ENGINE_FORMATS = [f for f in (*GRAPH_FORMATS.values(), *RESULT_FORMATS.values()) if f.oxigraph]


@pytest.mark.parametrize("fmt", ENGINE_FORMATS, ids=[f.name for f in ENGINE_FORMATS])
def test_table_agrees_with_oxigraph(fmt: Format) -> None:
    assert fmt.oxigraph is not None
    assert fmt.oxigraph.media_type.split(";")[0] == fmt.media_type
    assert "." + fmt.oxigraph.file_extension == fmt.suffix


@pytest.mark.parametrize("name", list(GRAPH_FORMATS))
def test_rdflib_knows_every_graph_format(name: str) -> None:
    rdflib_name = GRAPH_FORMATS[name].rdflib_name
    assert rdflib_name is not None
    assert plugin.get(rdflib_name, Serializer) is not None


def test_unknown_format_lists_the_choices() -> None:
    with pytest.raises(UnknownFormat) as raised:
        graph_format(".xyz")
    message = str(raised.value)
    assert message.startswith("Unknown RDF format '.xyz'. Choose one of: turtle (.ttl), ")
    assert all(f"{f.name} ({f.suffix})" in message for f in GRAPH_FORMATS.values())
    assert isinstance(raised.value, BadQuery)
    assert raised.value.exit_code == 2


def test_cli_choices_come_from_the_table() -> None:
    def choices(command: str) -> list[str]:
        option = next(p for p in cli.commands[command].params if p.name == "format_name")
        assert isinstance(option.type, click.Choice)
        return [str(c) for c in option.type.choices]

    assert choices("export") == list(GRAPH_FORMATS)
    assert choices("query") == [*RESULT_FORMATS, *GRAPH_FORMATS]
