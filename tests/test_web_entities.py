"""Entity pages: each IRI under the base as HTML or RDF, negotiated or by suffix."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS

from awardgraph.build import Publication
from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.web import create_app

from .support import DATA, FIXTURE_SETTINGS, ROOT
from .test_web_pages import Page

AG = Namespace("https://awardgraph.example/ontology#")
BASE = "https://awardgraph.example/"
AWARD = "award/medal-for-valiant-labor"
SPECIMEN = "specimen/medal-for-valiant-labor-8077"
HTML = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"  # Chromium's
RDF_SUFFIXES = {
    ".ttl": ("text/turtle", "turtle"),
    ".jsonld": ("application/ld+json", "json-ld"),
    ".nt": ("application/n-triples", "nt"),
    ".rdf": ("application/rdf+xml", "xml"),
    ".trig": ("application/trig", "trig"),
    ".nq": ("application/n-quads", "nquads"),
}


# --- the route and negotiation table ---------------------------------------------------

ROUTES = [
    # path, Accept, status, media type, Vary: Accept?
    (f"/{AWARD}", HTML, 200, "text/html", True),
    (f"/{AWARD}", "text/turtle", 200, "text/turtle", True),
    (f"/{AWARD}", "application/ld+json", 200, "application/ld+json", True),
    (f"/{AWARD}", "application/json", 200, "application/ld+json", True),
    (f"/{AWARD}", "application/n-triples", 200, "application/n-triples", True),
    (f"/{AWARD}", "application/rdf+xml", 200, "application/rdf+xml", True),
    (f"/{AWARD}", "application/trig", 200, "application/trig", True),
    (f"/{AWARD}", "", 200, "text/turtle", True),
    (f"/{AWARD}", "*/*", 200, "text/turtle", True),
    (f"/{AWARD}", "text/html;q=0.5, text/turtle", 200, "text/turtle", True),
    (f"/{AWARD}", "text/turtle;q=0.5, text/html", 200, "text/html", True),
    (f"/{AWARD}", "image/png", 406, "application/json", True),
    (f"/{AWARD}.ttl", HTML, 200, "text/turtle", False),
    (f"/{AWARD}.jsonld", "text/turtle", 200, "application/ld+json", False),
    (f"/{AWARD}.nt", "", 200, "application/n-triples", False),
    (f"/{AWARD}.rdf", "", 200, "application/rdf+xml", False),
    (f"/{AWARD}.trig", "", 200, "application/trig", False),
    (f"/{AWARD}.nq", "", 200, "application/n-quads", False),
    (f"/{AWARD}.html", "text/turtle", 200, "text/html", False),
    (f"/{SPECIMEN}", HTML, 200, "text/html", True),
    ("/organization/mopr", HTML, 200, "text/html", True),
    ("/citation/labor-medals-04", HTML, 200, "text/html", True),
    ("/award/no-such-award", HTML, 404, "text/html", True),  # errors vary: page or JSON
    ("/award/no-such-award", "text/turtle", 404, "application/json", True),
    ("/award/no-such-award.ttl", "", 404, "application/json", True),
    ("/ontology", HTML, 200, "text/html", True),
    ("/ontology", "text/turtle", 200, "text/turtle", True),
    ("/ontology.jsonld", "", 200, "application/ld+json", False),
    ("/shapes", HTML, 200, "text/html", True),
    ("/shapes.ttl", "", 200, "text/turtle", False),
]


@pytest.mark.parametrize(("path", "accept", "status", "media", "varies"), ROUTES)
def test_route_table(
    client: FlaskClient, path: str, accept: str, status: int, media: str, varies: bool
) -> None:
    response = client.get(path, headers={"Accept": accept} if accept else {})
    assert response.status_code == status, response.get_data(True)[:300]
    assert response.mimetype == media
    assert ("Accept" in response.vary) is varies
    if status == 200:
        links = response.headers["Link"]
        assert links.count('rel="alternate"') == 7  # HTML and six RDF formats
        if varies:
            location = response.headers["Content-Location"]
            assert location.startswith(path) and location != path


def test_head_has_the_headers_and_no_body(client: FlaskClient) -> None:
    get = client.get(f"/{AWARD}", headers={"Accept": "text/turtle"})
    head = client.head(f"/{AWARD}", headers={"Accept": "text/turtle"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    assert head.headers["ETag"] == get.headers["ETag"]
    assert client.head("/award/nowhere").status_code == 404


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get(f"/{AWARD}", headers={"Accept": HTML})
    again = client.get(
        f"/{AWARD}", headers={"Accept": HTML, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
    turtle = client.get(f"/{AWARD}", headers={"Accept": "text/turtle"})
    assert turtle.headers["ETag"] != first.headers["ETag"]


def test_unknown_resource_says_what_to_do(client: FlaskClient) -> None:
    response = client.get("/award/no-such-award", headers={"Accept": "text/turtle"})
    message = response.get_json()["error"]["message"]
    assert "<https://awardgraph.example/award/no-such-award>" in message
    assert "/search" in message


# --- the RDF --------------------------------------------------------------------------


def _graph(client: FlaskClient, path: str) -> Graph:
    suffix = "." + path.rsplit(".", 1)[1]
    media, parser = RDF_SUFFIXES[suffix]
    response = client.get(path)
    assert response.mimetype == media
    if parser in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=response.data, format=parser)
        merged = Graph()
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            merged.add((s, p, o))
        return merged
    return Graph().parse(data=response.data, format=parser)


@pytest.mark.parametrize("suffix", list(RDF_SUFFIXES))
def test_every_format_is_the_same_graph(client: FlaskClient, suffix: str) -> None:
    turtle = _graph(client, f"/{AWARD}.ttl")
    assert len(turtle) > 50
    assert isomorphic(_graph(client, f"/{AWARD}{suffix}"), turtle)


def test_rdf_holds_statements_labels_and_sources(
    client: FlaskClient, publication: Publication
) -> None:
    graph = _graph(client, f"/{AWARD}.ttl")
    award = URIRef(BASE + AWARD)
    text = f"CONSTRUCT {{ <{award}> ?p ?o }} WHERE {{ <{award}> ?p ?o }}"
    stored = Graph().parse(data=publication.store.answer(text, "ntriples")[0], format="nt")
    assert len(stored) > 10 and all(t in graph for t in stored)
    # Labels and types of what it links to, and of what links to it:
    specimen = URIRef(BASE + SPECIMEN)
    assert (specimen, AG.specimenOf, award) in graph
    assert (specimen, RDFS.label, Literal("Medal for Valiant Labor No. 8077", lang="en")) in graph
    assert (AG.silver, RDF.type, AG.Material) in graph or (AG.silver, RDFS.label, None) in graph
    # The sentences that state its statements:
    citations = set(graph.objects(award, DCTERMS.isReferencedBy))
    quotes = {str(q) for c in citations for q in graph.objects(c, AG.quote)}
    assert "In total, over 2,000,000 had been awarded up to 1991." in quotes
    assert all((c, DCTERMS.source, None) in graph for c in citations)


def test_trig_keeps_each_statement_in_its_sentence(client: FlaskClient) -> None:
    dataset = Dataset()
    dataset.parse(data=client.get(f"/{AWARD}.trig").data, format="trig")
    established = list(dataset.quads((URIRef(BASE + AWARD), AG.established, None, None)))
    graphs = {str(g.identifier if hasattr(g, "identifier") else g) for *_, g in established}
    assert graphs and all(g.startswith(BASE + "citation/") for g in graphs)


def test_jsonld_uses_the_package_context(client: FlaskClient) -> None:
    document = client.get(f"/{AWARD}.jsonld").get_json()
    assert "@context" in document
    text = json.dumps(document)
    assert '"established"' in text or '"ag:established"' in text


def test_ontology_and_shapes_documents_are_the_files(client: FlaskClient) -> None:
    ontology = Graph().parse(data=client.get("/ontology.ttl").data, format="turtle")
    assert isomorphic(ontology, Graph().parse(ROOT / "ontology/awardgraph.ttl"))
    shapes = Graph().parse(data=client.get("/shapes.nt").data, format="nt")
    assert isomorphic(shapes, Graph().parse(ROOT / "ontology/shapes.ttl"))


# --- the HTML -------------------------------------------------------------------------


def _page(client: FlaskClient, path: str, **args: str) -> tuple[Page, str]:
    response = client.get(path, headers={"Accept": HTML}, query_string=args)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    return Page(text), text


def test_award_page_says_what_the_sources_say(client: FlaskClient) -> None:
    page, text = _page(client, f"/{AWARD}")
    assert page.title.startswith("Medal for Valiant Labor")
    assert re.search(r"<h1[^>]*>Medal for Valiant Labor</h1>", text)
    assert '<html lang="en">' in text and '<meta charset="utf-8">' in text
    # Numbers as the sources give them, and a year as written:
    assert "about 50,000" in text and "over 2,000,000" in text and "about 8,000" in text
    assert "hundreds of thousands" in text
    assert re.search(r">1938<", text)
    # Values are labelled links, not IRIs:
    assert re.search(r'<a href="/event/great-patriotic-war"[^>]*>Great Patriotic War</a>', text)
    # Inverse links with counts, titled by the ontology's inverse labels:
    assert re.search(r"Specimens of this award <span class=\"count\">\(3\)</span>", text)
    assert 'href="/specimen/medal-for-valiant-labor-8077"' in text
    # The sentence behind each statement, with its source page:
    assert "“In total, over 2,000,000 had been awarded up to 1991.”" in text
    assert 'href="https://kihnu.com/Labor_Medals.html"' in text
    assert "Conforms" in text and "agsh:AwardType" in text


def test_page_links_its_alternates(client: FlaskClient) -> None:
    _, text = _page(client, f"/{AWARD}")
    for suffix, (media, _) in RDF_SUFFIXES.items():
        assert f'<link rel="alternate" type="{media}" href="/{AWARD}{suffix}"' in text
        assert f'<a href="/{AWARD}{suffix}" type="{media}">' in text


def test_page_embeds_schema_org(client: FlaskClient) -> None:
    _, text = _page(client, f"/{SPECIMEN}")
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    assert found
    data = json.loads(found[1])
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "IndividualProduct"  # ag:Specimen skos:closeMatch schema:
    assert data["@id"] == BASE + SPECIMEN
    assert data["serialNumber"] == "8077" and data["model"] == "Medal for Valiant Labor"


def test_other_language_names_are_shown_and_marked(client: FlaskClient) -> None:
    _, english = _page(client, "/organization/mopr")
    assert '<span lang="ru">МОПР</span>' in english
    _, russian = _page(client, "/organization/mopr", lang="ru")
    assert re.search(r"<h1[^>]*>МОПР</h1>", russian)


def test_structured_values_show_inside(client: FlaskClient) -> None:
    _, text = _page(client, "/awarding-count/medal-for-valiant-labor-great-patriotic-war")
    assert "about 50,000" in text and "Great Patriotic War" in text


# --- catalogues made for one test ---------------------------------------------------


def _app(tmp_path: Path, trig: str) -> Flask:
    data = tmp_path / "data"
    data.mkdir()
    (data / "test.trig").write_text(trig, encoding="utf-8")
    config = replace(Config.load(root=DATA, **FIXTURE_SETTINGS), data_dir=data)
    return create_app(catalogue=Catalogue(config))


PREAMBLE = """
@prefix ag: <https://awardgraph.example/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<citation/one> a ag:Citation ; dcterms:source <https://example.org/page> ;
    ag:quote "A sentence."@en .
"""


def test_cyrillic_iris_and_labels_work_end_to_end(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        PREAMBLE
        + "<citation/one> { <award/медаль-за-отвагу> a ag:AwardType ;"
        + ' rdfs:label "Медаль «За отвагу»"@ru , "Medal for Courage"@en . }',
    )
    client = app.test_client()
    path = "/award/" + quote("медаль-за-отвагу")
    _, text = _page(client, path, lang="ru")
    assert re.search(r"<h1[^>]*>Медаль «За отвагу»</h1>", text)
    assert f'href="{path}.ttl"' in text
    graph = _graph(client, path + ".ttl")
    assert (
        URIRef(BASE + "award/медаль-за-отвагу"),
        RDFS.label,
        Literal("Medal for Courage", lang="en"),
    ) in graph
    found = client.get("/award/" + quote("медаль-за-отвагу"), headers={"Accept": "text/turtle"})
    assert found.headers["Content-Location"] == path + ".ttl"


def test_hostile_label_renders_as_text(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        PREAMBLE
        + "<citation/one> { <award/x> a ag:AwardType ;"
        + ' rdfs:label "<script>alert(1)</script></script>"@en . }',
    )
    text = app.test_client().get("/award/x", headers={"Accept": HTML}).get_data(as_text=True)
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    embedded = re.search(r'<script type="application/ld\+json">(.*?)</script>', text, re.DOTALL)
    assert embedded and json.loads(embedded[1])["name"] == "<script>alert(1)</script></script>"


def test_long_inverse_lists_are_paged(tmp_path: Path) -> None:
    pieces = "\n".join(
        f'<specimen/{n:02d}> ag:specimenOf <award/x> ; rdfs:label "Piece {n:02d}"@en .'
        for n in range(1, 26)
    )
    app = _app(
        tmp_path,
        PREAMBLE + f'<citation/one> {{ <award/x> a ag:AwardType ; rdfs:label "X"@en . {pieces} }}',
    )
    client = app.test_client()
    _, first = _page(client, "/award/x")
    assert "(25)" in first and "Page 1 of 2" in first
    _, second = _page(client, "/award/x", by=str(AG.specimenOf), page="2")
    shown = [set(re.findall(r">Piece (\d\d)</a>", text)) for text in (first, second)]
    assert len(shown[0]) == 20 and len(shown[1]) == 5 and not shown[0] & shown[1]
    assert shown[0] | shown[1] == {f"{n:02d}" for n in range(1, 26)}
    assert sorted(shown[0]) == re.findall(r">Piece (\d\d)</a>", first)  # by name on a page
    everything = _graph(client, "/award/x.nt")
    assert len(set(everything.subjects(AG.specimenOf, URIRef(BASE + "award/x")))) == 25


def test_blank_nodes_show_inside_their_resource(fixture_client: FlaskClient) -> None:
    _, text = _page(fixture_client, f"/{AWARD}")
    assert "silver" in text


@pytest.fixture
def fixture_client(fixture_publication: Publication) -> FlaskClient:
    config = Config.load(root=DATA, **FIXTURE_SETTINGS)
    return create_app(catalogue=Catalogue(config, fixture_publication)).test_client()


def test_rendered_pages_are_kept_and_bounded(make_app: Callable[..., Flask]) -> None:
    app = make_app(page_cache=2)
    client = app.test_client()
    pages = app.extensions["awardgraph"].pages
    first = client.get(f"/{AWARD}", headers={"Accept": HTML}).data
    assert len(pages) == 1 and client.get(f"/{AWARD}", headers={"Accept": HTML}).data == first
    client.get(f"/{AWARD}.ttl")
    client.get(f"/{SPECIMEN}.ttl")
    client.get("/award/nowhere")  # a 404 is not kept
    assert len(pages) == 2
    none = make_app(page_cache=0)
    none.test_client().get(f"/{AWARD}", headers={"Accept": HTML})
    assert len(none.extensions["awardgraph"].pages) == 0


def test_vocabulary_links_stay_here_under_another_base() -> None:
    from awardgraph.web.links import href

    assert href(str(AG.AwardType), "https://collection.example.org/") == "/ontology#AwardType"
    assert href(BASE + "shapes#AwardType", "https://x.example/") == "/shapes#AwardType"
    assert href(BASE + AWARD, BASE) == f"/{AWARD}"
    assert (
        href("https://kihnu.com/Labor_Medals.html", BASE) == "https://kihnu.com/Labor_Medals.html"
    )


def test_an_iri_ending_in_a_suffix_is_still_found(tmp_path: Path) -> None:
    app = _app(
        tmp_path,
        PREAMBLE + '<citation/one> { <award/odd.ttl> a ag:AwardType ; rdfs:label "Odd"@en . }',
    )
    client = app.test_client()
    _, text = _page(client, "/award/odd.ttl")
    assert re.search(r"<h1[^>]*>Odd</h1>", text)
    assert client.get("/award/odd.ttl.ttl").mimetype == "text/turtle"
    assert client.get("/award/odd").status_code == 404


def test_ontology_page_describes_each_term(client: FlaskClient) -> None:
    _, text = _page(client, "/ontology")
    term = re.search(r'<article class="term" id="specimenOf">(.*?)</article>', text, re.DOTALL)
    assert term, "no section for ag:specimenOf"
    section = term[1]
    assert (
        "specimen of" in section and "The award type of which this is a physical piece" in section
    )
    assert re.search(r"Domain</dt>\s*<dd><a href=\"/ontology#Specimen\"", section)
    assert re.search(r"Range</dt>\s*<dd><a href=\"/ontology#AwardType\"", section)
    assert 'href="http://schema.org/model"' in section  # its close match, linked out
    assert "specimens of this award" in section  # its inverse label
    award = re.search(r'<article class="term" id="AwardType">(.*?)</article>', text, re.DOTALL)
    assert award and 'href="/shapes#AwardType"' in award[1]  # the shape that checks it
    assert 'href="/browse/AwardType"' in award[1]


def test_shapes_page_names_each_shape_and_its_class(client: FlaskClient) -> None:
    _, text = _page(client, "/shapes")
    assert re.search(r'<code id="AwardType">agsh:AwardType</code>\s*checks every', text)
    assert 'href="/ontology#AwardType">ag:AwardType</a>' in text
