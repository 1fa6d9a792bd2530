"""Every competency question's canned query returns the rows the source pages state.

The expected rows are written from the pages (tests/sources/), not from the data.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from awardgraph.build import Publication
from awardgraph.queries import NamedQuery, load_queries

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://awardgraph.example/"
LABOR = "https://kihnu.com/Labor_Medals.html"
MVL = "Medal for Valiant Labor"
MDL = "Medal for Distinguished Labor"
NKVD_BADGE = "NKVD Fireman's Badge"
ANNIVERSARY = "USSR Anniversary Badge"
GPW = "Great Patriotic War"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
ALT_LABEL = "http://www.w3.org/2004/02/skos/core#altLabel"
SOVIET_07 = BASE + "citation/soviet-badges-07"


def run(publication: Publication, name: str, **params: str) -> list[dict[str, Any]]:
    query: NamedQuery = load_queries(ROOT / "queries")[name]
    result = publication.store.query(query.text, query.bindings(params, BASE))
    return [dict(zip(result.variables, row, strict=True)) for row in result.rows]


def pick(rows: list[dict[str, Any]], *keys: str) -> list[tuple[Any, ...]]:
    return [tuple(row[k] for k in keys) for row in rows]


def test_every_competency_question_has_a_tested_query() -> None:
    assert set(load_queries(ROOT / "queries")) == set(EXPECTED)


EXPECTED: dict[str, tuple[dict[str, str], tuple[str, ...], list[tuple[Any, ...]]]] = {
    # Not a competency question: the page an IRI in a result table links to.
    "describe": (
        {"resource": "organization/mopr"},
        ("direction", "property", "value", "citation"),
        [
            ("out", RDF_TYPE, BASE + "ontology#Organization", BASE + "citation/soviet-badges-07"),
            (
                "out",
                RDFS_LABEL,
                "International Organization for Assistance to Revolutionary Fighters",
                BASE + "citation/soviet-badges-08",
            ),
            ("out", ALT_LABEL, "MOPR", BASE + "citation/soviet-badges-07"),
            ("out", ALT_LABEL, "МОПР", BASE + "citation/soviet-badges-07"),
            ("in", BASE + "ontology#namedAfter", BASE + "award/mopr-badge", SOVIET_07),
        ],
    ),
    # 1. Which awards were established in 1938?
    "established-in-year": (
        {},
        ("label",),
        [(MDL,), (MVL,), ("Navigator & Bombardier School Badge",)],
    ),
    # 2. Every award with its establishment year, oldest first; unknown dates last.
    "awards-by-establishment": (
        {},
        ("label", "established"),
        [
            ("Excursion to Wrangel Island Badge", "1932"),
            (MDL, "1938"),
            (MVL, "1938"),
            ("Navigator & Bombardier School Badge", "1938"),
            (NKVD_BADGE, "1940"),
            ("Communist Party Congress Badge", None),
            ("Khalkhin Gol Badge", None),
            ("MOPR Badge", None),
            (ANNIVERSARY, None),
        ],
    ),
    # 3. How much silver does each labor medal contain?
    "silver-content": (
        {},
        ("label", "grams", "unit"),
        [(MDL, Decimal("15.6"), "gram"), (MVL, Decimal("21"), "gram")],
    ),
    # 4. How many Medals for Valiant Labor during the Great Patriotic War, and how exact?
    "count-during-event": ({}, ("count", "qualifier"), [(50000, "approximately")]),
    # 5. For each award, the awarding counts known, over which periods.
    "awarding-counts": (
        {},
        ("label", "count", "countText", "qualifier", "period", "endYear", "event"),
        [
            ("Excursion to Wrangel Island Badge", None, "few", None, None, None, None),
            (MDL, 44000, None, "approximately", None, None, GPW),
            (MDL, 11000, None, "approximately", "prior to 1941", "1940", None),
            (MDL, 2000000, None, "at least", "up to 1991", "1991", None),
            (MVL, None, "hundreds of thousands", None, "after the war", None, None),
            (MVL, 50000, None, "approximately", None, None, GPW),
            (MVL, 8000, None, "approximately", "prior to 1941", "1940", None),
            (MVL, 2000000, None, "at least", "up to 1991", "1991", None),
        ],
    ),
    # 6. Which specimens carry a serial number, and of which award is each a specimen?
    "numbered-specimens": (
        {},
        ("serialNumber", "awardLabel"),
        [
            ("19455", MDL),
            ("49185", MDL),
            ("8077", MVL),
            ("29176", MVL),
            ("60396", MVL),
            ("9", NKVD_BADGE),
        ],
    ),
    # 7. Which awards are connected with the NKVD, and how?
    "organization-connections": (
        {},
        ("awardLabel", "relation", "viaLabel"),
        [(NKVD_BADGE, "intended for", "Fire department"), (NKVD_BADGE, "named after", None)],
    ),
    # 8. The event the Khalkhin Gol badge commemorates: when, where, and who fought.
    "commemorated-event": (
        {},
        ("year", "place", "role", "agentLabel"),
        [
            ("1939", "Khalkhin Gol river", "opponent", "Japan"),
            ("1939", "Khalkhin Gol river", "participant", "Georgy Zhukov"),
            ("1939", "Khalkhin Gol river", "participant", "Mongolian People's Republic"),
            ("1939", "Khalkhin Gol river", "participant", "USSR"),
        ],
    ),
    # 9. Which awards come in more than one variant, and what distinguishes them?
    "variants": (
        {},
        ("awardLabel", "feature"),
        [
            (MVL, "a 5-sided suspension with its unique ribbon"),
            (MVL, "fastened with a screw post"),
            (NKVD_BADGE, "made of bronze"),
            (NKVD_BADGE, "made of silver"),
            (ANNIVERSARY, "a heavier model than the badge of the 60th anniversary"),
            (ANNIVERSARY, "lighter than the badge of the 50th anniversary"),
        ],
    ),
    # 10. The inscriptions and mottos each award bears, and on which side.
    "inscriptions": (
        {},
        ("awardLabel", "kind", "side", "text"),
        [
            ("Khalkhin Gol Badge", "inscription", None, None),
            (MDL, "motto", "obverse", "For Distinguished labor"),
            (MDL, "motto", "reverse", "Labor in the USSR - Matter of Honor"),
            (MVL, "inscription", "reverse", "Labor for USSR - with honor"),
        ],
    ),
    # 11. Which source states that over 2,000,000 Medals for Valiant Labor were awarded?
    "count-source": (
        {},
        ("page", "sentence", "qualifier", "cites"),
        [
            (
                LABOR,
                "In total, over 2,000,000 had been awarded up to 1991.",
                "at least",
                "The Comprehensive Guide to Soviet Orders and Medals",
            )
        ],
    ),
    # 12. Which specimens have a document with them?
    "specimens-with-documents": (
        {},
        ("specimenLabel", "documentType"),
        [("Medal for Valiant Labor No. 29176", "document booklet")],
    ),
    # 13. Which awards are made of gold-plated silver?
    "gold-plated-silver": (
        {},
        ("label",),
        [("Communist Party Congress Badge",), (ANNIVERSARY,)],
    ),
    # 14. The Russian name of every award and organization that has one.
    "russian-names": (
        {},
        ("label", "russian"),
        [
            ("International Organization for Assistance to Revolutionary Fighters", "МОПР"),
            ("MOPR Badge", "МОПР"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_competency_question(publication: Publication, name: str) -> None:
    params, columns, expected = EXPECTED[name]
    assert pick(run(publication, name, **params), *columns) == expected


@pytest.mark.parametrize(
    ("name", "params", "columns", "expected"),
    [
        ("established-in-year", {"year": "1940"}, ("label",), [(NKVD_BADGE,)]),
        (
            "established-in-year",
            {"year": "1932"},
            ("label",),
            [("Excursion to Wrangel Island Badge",)],
        ),
        (
            "count-during-event",
            {"award": "award/medal-for-distinguished-labor"},
            ("count", "qualifier"),
            [(44000, "approximately")],
        ),
        (
            "organization-connections",
            {"organization": "organization/mopr"},
            ("awardLabel", "relation"),
            [("MOPR Badge", "named after")],
        ),
        (
            "count-source",
            {"award": "award/medal-for-distinguished-labor", "count": "11000"},
            ("sentence",),
            [
                (
                    "Approximately 11,000 were issued prior to 1941, 44,000 during the war, "
                    "and over 2,000,000 were issued by the end of the USSR in 1991.",
                )
            ],
        ),
    ],
)
def test_parameters_change_the_answer(
    publication: Publication,
    name: str,
    params: dict[str, str],
    columns: tuple[str, ...],
    expected: list[tuple[Any, ...]],
) -> None:
    assert pick(run(publication, name, **params), *columns) == expected


def test_gyear_comparison_matches(publication: Publication) -> None:
    """rdflib's SPARQL silently matches nothing here; the store must not."""
    result = publication.store.query(
        """PREFIX ag: <https://awardgraph.example/ontology#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        SELECT ?award WHERE { ?award ag:established ?year FILTER(?year < "1938"^^xsd:gYear) }"""
    )
    assert result.rows == [(BASE + "award/wrangel-island-excursion-badge",)]


def test_default_graph_has_no_duplicate_statements(publication: Publication) -> None:
    """A triple stated by two sentences is one statement in the default graph."""
    result = publication.store.query(
        """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?label WHERE { <period/prior-to-1941> rdfs:label ?label }"""
    )
    assert result.rows == [("prior to 1941",)]
