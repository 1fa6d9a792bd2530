"""The bundled catalogue: every statement is sourced, and says what the pages say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, XSD

ROOT = Path(__file__).resolve().parents[1]
BASE = "https://awardgraph.example/"
AG = Namespace("https://awardgraph.example/ontology#")
PAGES = {
    URIRef("https://kihnu.com/Labor_Medals.html"): ROOT / "tests/sources/labor-medals.txt",
    URIRef("https://kihnu.com/Soviet_Badges.html"): ROOT / "tests/sources/soviet-badges.txt",
}
# The identifiers ../shared/modelling.md lists as checked against public sources.
CHECKED_IDENTIFIERS = {
    "http://www.wikidata.org/entity/" + q
    for q in [
        "Q15180",
        "Q19896779",
        "Q189266",
        "Q362",
        "Q182449",
        "Q212056",
        "Q326465",
        "Q1090",
        "Q897",
        "Q34095",
        "Q39782",
        "Q131647",
        "Q618779",
        "Q41803",
        "Q5727902",
    ]
} | {"http://nomisma.org/id/" + n for n in ["ar", "av", "ae", "brass", "gilded", "medal", "badge"]}


def words(text: str) -> str:
    """Collapse runs of whitespace (the pages use non-breaking spaces for layout)."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


@pytest.fixture(scope="module")
def dataset() -> Dataset:
    ds = Dataset()
    for path in sorted((ROOT / "data").glob("*.trig")):
        ds.parse(path, format="trig", publicID=BASE)
    return ds


@pytest.fixture(scope="module")
def merged(dataset: Dataset) -> Graph:
    graph = Graph()
    for s, p, o, _ in dataset.quads():
        graph.add((s, p, o))
    return graph


def test_every_quote_is_verbatim_in_its_page(merged: Graph) -> None:
    pages = {iri: words(path.read_text(encoding="utf-8")) for iri, path in PAGES.items()}
    quoted = 0
    for citation, page in merged.subject_objects(DCTERMS.source):
        if page not in pages:
            continue
        quote = merged.value(citation, AG.quote)
        assert quote is not None, f"{citation} has no ag:quote"
        assert words(str(quote)) in pages[page], f"{citation}: {quote!r} is not in {page}"
        quoted += 1
    assert quoted == 55  # 27 sentences of Labor Medals, 28 of Soviet Badges


def test_every_page_sentence_is_cited(merged: Graph) -> None:
    """No sentence of the pages is left out (headings and table rows included)."""
    cited = " ".join(words(str(q)) for q in merged.objects(None, AG.quote))
    for path in PAGES.values():
        lines = [words(line) for line in path.read_text(encoding="utf-8").splitlines()]
        body = [line for line in lines[1:] if line and line != "Website Builder"]
        for line in body:
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", line):
                if re.fullmatch(r"Year of issue:", sentence):
                    continue  # the Distinguished Labor table's empty row states nothing
                assert sentence in cited or sentence.rstrip(".") in cited, sentence


def test_every_statement_is_in_a_cited_sentence_graph(dataset: Dataset) -> None:
    citations = set(dataset.subjects(RDF.type, AG.Citation))
    names = {
        c.identifier for c in dataset.graphs() if c.identifier != dataset.default_graph.identifier
    }
    assert names and names <= citations


def test_default_graph_only_describes_sources(dataset: Dataset) -> None:
    source_classes = {AG.Citation, AG.WebPage, AG.Publication}
    default = dataset.graph(dataset.default_graph.identifier)
    for subject in set(default.subjects()):
        assert set(default.objects(subject, RDF.type)) & source_classes, subject


def test_external_identifiers_are_the_checked_ones(merged: Graph) -> None:
    ontology = Graph().parse(ROOT / "ontology/awardgraph.ttl")
    used = {
        str(o)
        for g in (merged, ontology)
        for o in g.objects()
        if isinstance(o, URIRef)
        and re.match(r"http://(www\.wikidata\.org/entity|nomisma\.org/id)/", o)
    }
    assert used and used <= CHECKED_IDENTIFIERS, used - CHECKED_IDENTIFIERS


def test_no_specimen_is_same_as_anything(merged: Graph) -> None:
    assert not list(merged.triples((None, OWL.sameAs, None)))


def test_partial_dates_are_typed_by_precision(merged: Graph) -> None:
    dates = [o for o in merged.objects() if isinstance(o, Literal) and o.datatype == XSD.date]
    assert not dates
    years = {str(o) for o in merged.objects(None, AG.established)}
    assert years == {"1932", "1938", "1940"}


@pytest.mark.parametrize(
    ("cls", "expected"),
    [
        (AG.AwardType, 9),
        (AG.Variant, 6),
        (AG.Specimen, 9),
        (AG.AwardingCount, 8),
        (AG.Event, 6),
        (AG.Organization, 8),
        (AG.Person, 3),
        (AG.Document, 3),
        (AG.Citation, 56),
    ],
)
def test_entity_counts(merged: Graph, cls: URIRef, expected: int) -> None:
    assert len(set(merged.subjects(RDF.type, cls))) == expected


def test_unnumbered_specimen_says_so(merged: Graph) -> None:
    unnumbered = URIRef(BASE + "specimen/medal-for-distinguished-labor-unnumbered")
    assert merged.value(unnumbered, AG.numbered) == Literal(False)
    assert merged.value(unnumbered, AG.serialNumber) is None


def test_silver_content_is_not_total_mass(merged: Graph) -> None:
    for measurement in merged.subjects(RDF.type, AG.Measurement):
        if merged.value(measurement, AG.unit) == AG.gram:
            assert merged.value(measurement, AG.measures) == AG.silverContent


def test_gold_plated_is_silver_gilded(merged: Graph) -> None:
    gilded = set(merged.subjects(AG.technique, AG.gilding))
    assert gilded == {
        URIRef(BASE + "award/communist-party-congress-badge"),
        URIRef(BASE + "award/ussr-anniversary-badge"),
    }
    assert all((award, AG.material, AG.silver) in merged for award in gilded)
    wrangel = URIRef(BASE + "award/wrangel-island-excursion-badge")  # silver and gold, not gilded
    assert (wrangel, AG.material, AG.gold) in merged
    assert (wrangel, AG.technique, AG.gilding) not in merged
