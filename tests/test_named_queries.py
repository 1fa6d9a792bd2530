"""The canned-query registry: headers, typed parameters, and how a QUERY argument resolves."""

from __future__ import annotations

import io

import pytest

from awardgraph.build import Publication
from awardgraph.config import Config
from awardgraph.errors import BadQuery, NotFound
from awardgraph.queries import NamedQuery, Param, load_queries, parse_query, resolve
from awardgraph.store import iri, literal

from .support import AG, BASE, DATA

XSD = "http://www.w3.org/2001/XMLSchema#"


@pytest.fixture(scope="module")
def queries() -> dict[str, NamedQuery]:
    return load_queries(DATA / "queries")


def labels(publication: Publication, query: NamedQuery, **values: str) -> list[object]:
    result = publication.store.query(query.text, query.bindings(values, BASE))
    return [row[result.variables.index("label")] for row in result.rows]


def test_every_rq_file_is_a_query_named_by_its_stem(queries: dict[str, NamedQuery]) -> None:
    assert sorted(queries) == ["award-labels", "established-in-year", "no-header"]


def test_header_gives_title_description_and_params(queries: dict[str, NamedQuery]) -> None:
    query = queries["established-in-year"]
    assert query.title == "Awards established in a year"
    assert query.description == "Which awards were established in the given year?"
    assert query.params == (Param("year", "xsd:gYear", "1938", "The year of establishment"),)
    assert "SELECT ?year ?award ?label" in query.text


def test_a_query_without_header_still_runs(
    queries: dict[str, NamedQuery], fixture_publication: Publication
) -> None:
    query = queries["no-header"]
    assert (query.title, query.description, query.params) == ("no-header", "", ())
    assert fixture_publication.store.query(query.text, query.bindings({}, BASE)).rows == [(3,)]


def test_defaults_become_typed_terms(queries: dict[str, NamedQuery]) -> None:
    assert queries["established-in-year"].bindings({}, BASE) == {
        "year": literal("1938", XSD + "gYear")
    }
    assert queries["award-labels"].bindings({}, BASE) == {
        "award": iri(BASE + "award/medal-for-valiant-labor")
    }


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("award/medal-for-distinguished-labor", BASE, BASE + "award/medal-for-distinguished-labor"),
        ("award/x", "https://other.example/", "https://other.example/award/x"),
        ("ag:Medal", BASE, AG + "Medal"),
        ("wd:Q15180", BASE, "http://www.wikidata.org/entity/Q15180"),
        ("https://kihnu.com/Labor_Medals.html", BASE, "https://kihnu.com/Labor_Medals.html"),
    ],
)
def test_iri_values_resolve_against_the_base(
    queries: dict[str, NamedQuery], value: str, base: str, expected: str
) -> None:
    assert queries["award-labels"].bindings({"award": value}, base) == {"award": iri(expected)}


@pytest.mark.parametrize(
    ("query", "values", "message"),
    [
        (
            "established-in-year",
            {"year": "19x8"},
            "Parameter 'year': '19x8' is not a valid xsd:gYear",
        ),
        (
            "established-in-year",
            {"colour": "red"},
            "Unknown parameter colour for query 'established-in-year'. Its parameters: year.",
        ),
        ("award-labels", {"award": "not an iri"}, "Parameter 'award': 'not an iri' is not an IRI"),
    ],
)
def test_bad_values_are_refused_with_the_reason(
    queries: dict[str, NamedQuery], query: str, values: dict[str, str], message: str
) -> None:
    with pytest.raises(BadQuery) as raised:
        queries[query].bindings(values, BASE)
    assert message in str(raised.value)


@pytest.mark.parametrize(
    ("kind", "good", "bad"),
    [
        ("xsd:integer", "-12", "12.5"),
        ("xsd:decimal", "15.6", "15,6"),
        ("xsd:date", "1938-12-27", "1938"),
        ("xsd:boolean", "true", "yes"),
        ("xsd:gYearMonth", "1938-12", "1938-13"),
    ],
)
def test_lexical_forms_are_checked_per_datatype(kind: str, good: str, bad: str) -> None:
    query = parse_query("q", f"# param: v {kind} - A value\nSELECT ?v WHERE {{}}")
    assert query.bindings({"v": good}, BASE) == {"v": literal(good, XSD + kind[4:])}
    with pytest.raises(BadQuery, match=f"is not a valid {kind}"):
        query.bindings({"v": bad}, BASE)


def test_a_param_without_default_is_required() -> None:
    query = parse_query("q", "# param: year xsd:gYear - The year\nSELECT ?year WHERE {}")
    assert query.params[0].default is None
    with pytest.raises(BadQuery) as raised:
        query.bindings({}, BASE)
    assert str(raised.value) == (
        "Query 'q' needs a value for 'year' (xsd:gYear: The year). Pass --param year=VALUE."
    )


def test_a_malformed_param_line_is_refused() -> None:
    with pytest.raises(BadQuery, match="bad header line 'param: year'"):
        parse_query("q", "# param: year\nSELECT * WHERE {}")


def test_parameters_change_the_answer(
    queries: dict[str, NamedQuery], fixture_publication: Publication
) -> None:
    query = queries["established-in-year"]
    assert labels(fixture_publication, query) == [
        "Medal for Distinguished Labor",
        "Medal for Valiant Labor",
    ]
    assert labels(fixture_publication, query, year="1940") == ["NKVD Fireman's Badge"]
    assert labels(fixture_publication, query, year="1941") == []


def test_query_argument_resolves_a_name_a_file_or_stdin(config: Config) -> None:
    assert (
        resolve(load_queries(config.queries_dir), "established-in-year").title
        == "Awards established in a year"
    )
    from_file = resolve(load_queries(config.queries_dir), str(DATA / "queries/no-header.rq"))
    assert from_file.name == "no-header"
    from_stdin = resolve(
        load_queries(config.queries_dir), "-", io.StringIO("# title: Anything\nASK {}")
    )
    assert (from_stdin.name, from_stdin.title, from_stdin.text) == (
        "stdin",
        "Anything",
        "# title: Anything\nASK {}",
    )


def test_an_unknown_query_name_lists_the_canned_ones(config: Config) -> None:
    with pytest.raises(NotFound) as raised:
        resolve(load_queries(config.queries_dir), "nope")
    assert str(raised.value) == (
        "No query file or canned query named 'nope'. Canned queries: award-labels, "
        "established-in-year, no-header. See: awardgraph queries"
    )
    with pytest.raises(NotFound, match=r"Cannot read query file 'missing\.rq'"):
        resolve(load_queries(config.queries_dir), "missing.rq")
