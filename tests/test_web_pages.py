"""Canned-query pages and their APIs: each queries/*.rq with a form, its results, downloads."""

from __future__ import annotations

import csv
import html
import io
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from awardgraph.build import Publication
from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.queries import load_queries
from awardgraph.web import create_app

from .support import ROOT

QUERIES = load_queries(ROOT / "queries")
MVL, MDL = "Medal for Valiant Labor", "Medal for Distinguished Labor"
NAVIGATOR, NKVD = "Navigator & Bombardier School Badge", "NKVD Fireman's Badge"


class Page(HTMLParser):
    """The parts of a page the tests read: title, headings, table cells, links, inputs."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.title = ""
        self.h1 = ""
        self.cells: list[list[str]] = []
        self.links: list[tuple[str, str]] = []
        self.inputs: dict[str, dict[str, str | None]] = {}
        self._in: list[str] = []
        self._href: str | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in.append(tag)
        found = dict(attrs)
        if tag == "tr":
            self.cells.append([])
        elif tag == "td":
            self._text = ""
        elif tag == "a":
            self._href, self._text = found.get("href"), ""
        elif tag == "input" and found.get("name"):
            self.inputs[str(found["name"])] = found

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.cells[-1].append(self._text.strip())
        elif tag == "a" and self._href is not None:
            self.links.append((self._text.strip(), self._href))
            self._href = None
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "small" not in self._in:  # a literal's language or datatype note
            self._text += data
        if "title" in self._in:
            self.title += data
        if "h1" in self._in:
            self.h1 += data

    def column(self, index: int) -> list[str]:
        return [row[index] for row in self.cells if row]


def test_list_of_canned_queries(client: FlaskClient) -> None:
    page = Page(client.get("/queries").get_data(as_text=True))
    titles = {text for text, _ in page.links}
    assert {q.title for q in QUERIES.values()} <= titles
    assert ("Awards established in a year", "/queries/established-in-year") in page.links


def test_list_as_json(client: FlaskClient) -> None:
    listed = {q["name"]: q for q in client.get("/queries.json").get_json()}
    assert set(listed) == set(QUERIES)
    year = listed["established-in-year"]["parameters"][0]
    assert (year["name"], year["type"], year["default"]) == ("year", "xsd:gYear", "1938")
    assert listed["describe"]["results"] == "http://localhost/queries/describe.json"


def test_page_runs_the_query_with_its_defaults(client: FlaskClient) -> None:
    response = client.get("/queries/established-in-year")
    page = Page(response.get_data(as_text=True))
    assert page.h1 == QUERIES["established-in-year"].title
    assert page.title.startswith(page.h1)
    assert page.column(2) == [MDL, MVL, NAVIGATOR]
    year = page.inputs["year"]
    assert (year["value"], year["placeholder"]) == ("", "1938")
    assert "SELECT" in response.get_data(as_text=True)  # the query itself is shown
    assert response.headers["ETag"]


def test_parameters_from_the_url(client: FlaskClient) -> None:
    page = Page(client.get("/queries/established-in-year?year=1940").get_data(as_text=True))
    assert page.column(2) == [NKVD]
    assert page.inputs["year"]["value"] == "1940"


def test_iris_link_to_their_pages(client: FlaskClient) -> None:
    page = Page(client.get("/queries/established-in-year?year=1940").get_data(as_text=True))
    href = dict(page.links)["<award/nkvd-firemans-badge>"]
    assert href == "/award/nkvd-firemans-badge"
    entity = client.get(href, headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f">{NKVD}</h1>" in html.unescape(entity)


def test_iris_elsewhere_link_to_the_describe_page(client: FlaskClient) -> None:
    page = Page(client.get("/queries/describe?resource=organization/nkvd").get_data(as_text=True))
    wikidata = "http://www.wikidata.org/entity/Q182449"
    href = dict(page.links)["wd:Q182449"]
    assert href == "/queries/describe?resource=" + wikidata
    described = Page(client.get(href).get_data(as_text=True))
    assert ("<organization/nkvd>", "/organization/nkvd") in described.links


def test_downloads_are_linked_and_parse(client: FlaskClient) -> None:
    page = Page(client.get("/queries/established-in-year?year=1940").get_data(as_text=True))
    links = dict(page.links)
    assert links["csv"] == "/queries/established-in-year.csv?year=1940"
    rows = list(csv.DictReader(io.StringIO(client.get(links["csv"]).get_data(as_text=True))))
    assert [r["label"] for r in rows] == [NKVD]
    data = client.get(links["json"]).get_json()
    assert [b["label"]["value"] for b in data["results"]["bindings"]] == [NKVD]
    tsv = client.get("/queries/established-in-year.tsv?year=1940")
    assert tsv.mimetype == "text/tab-separated-values"
    assert '"NKVD Fireman\'s Badge"@en' in tsv.get_data(as_text=True)


def test_bad_parameter_value_keeps_the_form(client: FlaskClient) -> None:
    response = client.get("/queries/established-in-year?year=nineteen")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "not a valid xsd:gYear" in text
    assert Page(text).inputs["year"]["value"] == "nineteen"
    api = client.get("/queries/established-in-year.json?year=nineteen")
    assert api.status_code == 400
    assert "xsd:gYear" in api.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "value",
    [
        "organization/mopr> } UNION { ?s ?p ?o",
        "organization/mopr>",
        'organization/mopr" . ?s ?p ?o . "',
    ],
)
def test_values_are_bound_not_pasted(client: FlaskClient, value: str) -> None:
    """A value that would rewrite the query if pasted in is refused or matches nothing."""
    response = client.get("/queries/organization-connections.json", query_string={
        "organization": value
    })  # fmt: skip
    if response.status_code == 200:
        assert response.get_json()["results"]["bindings"] == []
    else:
        assert response.status_code == 400
        assert "is not an IRI" in response.get_json()["error"]["message"]


def test_unknown_parameter_is_named(client: FlaskClient) -> None:
    response = client.get("/queries/established-in-year.json?yeer=1938")
    assert "Unknown parameter yeer" in response.get_json()["error"]["message"]


def test_unknown_query_and_format(client: FlaskClient) -> None:
    missing = client.get("/queries/nope", headers={"Accept": "text/html"})
    assert missing.status_code == 404
    assert "No canned query named 'nope'" in html.unescape(missing.get_data(as_text=True))
    assert client.get("/queries/describe.png").status_code == 404
    wrong = client.get("/queries/describe.ttl")
    assert wrong.status_code == 406
    assert "cannot answer in '.ttl'" in wrong.get_json()["error"]["message"]


def test_every_canned_query_has_a_page_with_rows(client: FlaskClient) -> None:
    for name in QUERIES:
        page = Page(client.get(f"/queries/{name}").get_data(as_text=True))
        assert page.cells and all(page.cells[1:]), name


def test_markup_in_values_is_escaped(tmp_path: Path, publication: Publication) -> None:
    """A literal holding markup renders as text on a canned page."""
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "hostile.rq").write_text(
        '# title: Hostile <b>title</b>\nSELECT ?x WHERE { BIND("<script>alert(1)</script>" AS ?x) }'
    )
    config = replace(Config.load(root=ROOT), queries_dir=queries)
    catalogue = Catalogue(config, publication)
    text = create_app(catalogue=catalogue).test_client().get("/queries/hostile").get_data(True)
    assert "<script>alert" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<b>title</b>" not in text and "Hostile &lt;b&gt;title&lt;/b&gt;" in text
