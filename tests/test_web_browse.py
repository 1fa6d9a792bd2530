"""Home, class pages with facets, search and timeline: what they say matches the data."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from awardgraph.build import Publication, Stamp
from awardgraph.catalogue import Catalogue
from awardgraph.config import Config
from awardgraph.store import Store
from awardgraph.web import create_app
from awardgraph.web.search import fold

from .support import BASE, ONTOLOGY, ROOT

AG = "https://awardgraph.example/ontology#"


class Links(HTMLParser):
    """Every link of a page with its text, its lang attribute and the ids around it."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.links: list[tuple[str, str, str | None]] = []
        self.headings: list[int] = []
        self._href: str | None = None
        self._lang: str | None = None
        self._text = ""
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "a":
            self._href, self._lang, self._text = found.get("href"), found.get("lang"), ""
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((" ".join(self._text.split()), self._href, self._lang))
            self._href = None

    def handle_data(self, data: str) -> None:
        self._text += data

    def hrefs(self, prefix: str) -> list[str]:
        return [href for _, href, _ in self.links if href.startswith(prefix)]


def html(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def count(client: FlaskClient, text: str) -> int:
    found = client.get(
        "/sparql", query_string={"query": text}, headers={"Accept": "application/json"}
    )
    return int(found.get_json()["results"]["bindings"][0]["n"]["value"])


def members(client: FlaskClient, cls: str) -> int:
    return count(client, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{AG}{cls}> }}")


def test_home_counts_equal_sparql_counts(client: FlaskClient) -> None:
    page = html(client, "/")
    stats = re.findall(r'<span class="n">([\d,]+)</span>\s*(?:<span[^>]*>)?([^<]+)<', page)
    shown = {label.strip(): int(n.replace(",", "")) for n, label in stats}
    triples = count(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert shown["triples"] == triples
    assert shown["award types"] == members(client, "AwardType")
    assert shown["specimens"] == members(client, "Specimen")
    assert shown["organizations"] == members(client, "Organization")
    assert shown["events"] == members(client, "Event")
    assert shown["variants"] == members(client, "Variant")
    assert shown["web pages"] == members(client, "WebPage")


def test_home_links_every_class_and_the_ways_in(client: FlaskClient) -> None:
    page = Links(html(client, "/"))
    for name in ("AwardType", "Specimen", "Organization", "Event", "Variant"):
        assert f"/browse/{name}" in page.hrefs("/browse/")
    for href in ("/sparql", "/queries", "/dumps", "/.well-known/void", "/timeline"):
        assert href in [h for _, h, _ in page.links]
    assert "https://kihnu.com/Soviet_Badges.html" in [h for _, h, _ in page.links]
    assert page.headings[0] == 1 and all(
        b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False)
    )


def test_home_says_what_the_data_says(client: FlaskClient) -> None:
    page = html(client, "/")
    assert "The collection shown on kihnu.com" in page
    assert "Soviet Badges" in page and "Labor Medals" in page


def listed(client: FlaskClient, url: str) -> list[str]:
    """The members a class page lists, across all its pages."""
    found: list[str] = []
    while url:
        data = client.get(url.replace("/browse/", "/browse/", 1)).get_data(as_text=True)
        body = (
            data.split('<ol class="members"', 1)[1].split("</ol>", 1)[0]
            if "<ol class" in data
            else ""
        )
        found += [h for _, h, _ in Links(body).links]
        nxt = re.search(r'<a href="([^"]+)" rel="next">', data)
        url = nxt.group(1).replace("&amp;", "&") if nxt else ""
    return found


def test_class_page_lists_every_member_once(client: FlaskClient) -> None:
    shown = listed(client, "/browse/AwardType")
    assert len(shown) == len(set(shown)) == members(client, "AwardType")
    assert "/award/medal-for-valiant-labor" in shown


@pytest.mark.parametrize("name", ["AwardType", "Specimen", "Event", "Variant", "Organization"])
def test_each_facet_count_is_what_the_list_shows(client: FlaskClient, name: str) -> None:
    data = client.get(f"/browse/{name}.json").get_json()
    assert data["total"] == members(client, name)
    checked = 0
    for values in data["facets"].values():
        for value in values:
            narrowed = client.get(value["url"].replace(f"/browse/{name}?", f"/browse/{name}.json?"))
            assert narrowed.get_json()["total"] == value["count"], value
            assert len(listed(client, value["url"])) == value["count"], value
            checked += 1
    if name in ("AwardType", "Specimen"):
        assert checked >= 3


def test_award_type_facets(client: FlaskClient) -> None:
    facets = client.get("/browse/AwardType.json").get_json()["facets"]
    assert {"kind", "organization", "material", "established"} <= set(facets)
    kinds = {v["value"]: v["count"] for v in facets["kind"]}
    assert kinds == {
        "ag:medal": count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{AG}kind> <{AG}medal> }}"),
        "ag:badge": count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{AG}kind> <{AG}badge> }}"),
    }
    organizations = {v["value"] for v in facets["organization"]}
    assert "organization/nkvd" in organizations  # by ag:namedAfter, a sub-property
    decades = {v["value"]: v["count"] for v in facets["established"]}
    assert {v["label"] for v in facets["established"]} >= {"1930s"}
    assert decades["1930"] >= 3


def test_facets_combine(client: FlaskClient) -> None:
    url = "/browse/AwardType.json?kind=ag:badge&established=1930"
    data = client.get(url).get_json()
    assert data["filters"] == {"kind": "ag:badge", "established": "1930"}
    iris = {m["iri"] for m in data["members"]}
    assert f"{BASE}award/navigator-and-bombardier-school-badge" in iris
    assert f"{BASE}award/medal-for-valiant-labor" not in iris  # a medal
    assert f"{BASE}award/nkvd-firemans-badge" not in iris  # 1940


def test_numbered_facet(client: FlaskClient) -> None:
    facets = client.get("/browse/Specimen.json").get_json()["facets"]
    numbered = {v["value"]: v["count"] for v in facets["numbered"]}
    serials = (
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{AG}Specimen> ; <{AG}serialNumber> ?x }}"
    )
    assert numbered["yes"] == count(client, serials)
    assert numbered.get("no", 0) == members(client, "Specimen") - numbered["yes"]


@pytest.mark.parametrize(
    "url", ["/browse/Nothing", "/browse/Nothing.json", "/browse/AwardType?page=99"]
)
def test_unknown_class_or_page_is_404(client: FlaskClient, url: str) -> None:
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", ["/browse/AwardType?page=x", "/browse/AwardType?established=19x"])
def test_bad_parameters_are_400(client: FlaskClient, url: str) -> None:
    response = client.get(url, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert "error" in response.get_json()


def test_paging(make_app: Callable[..., Flask]) -> None:
    client = make_app().test_client()
    from awardgraph.web import listing

    original = listing.PAGE_SIZE
    listing.PAGE_SIZE = 3
    try:
        first = client.get("/browse/AwardType.json").get_json()
        assert first["pages"] == -(-first["total"] // 3) and len(first["members"]) == 3
        everything = listed(client, "/browse/AwardType")
        assert len(everything) == len(set(everything)) == first["total"]
        second = client.get(first["next"].replace("/browse/AwardType?", "/browse/AwardType.json?"))
        assert second.get_json()["page"] == 2
        assert not {m["iri"] for m in first["members"]} & {
            m["iri"] for m in second.get_json()["members"]
        }
    finally:
        listing.PAGE_SIZE = original


def search(client: FlaskClient, q: str) -> list[dict[str, object]]:
    found: list[dict[str, object]] = client.get("/search.json", query_string={"q": q}).get_json()[
        "results"
    ]
    return found


@pytest.mark.parametrize("q", ["мопр", "МОПР", "MOPR", "mopr"])
def test_search_finds_mopr_in_either_script(client: FlaskClient, q: str) -> None:
    results = search(client, q)
    iris = [r["iri"] for r in results]
    assert f"{BASE}organization/mopr" in iris and f"{BASE}award/mopr-badge" in iris
    for r in results:
        assert fold(q) in fold(str(r["matched"])), r
    assert results[0]["rank"] == "exact"


def test_search_valiant(client: FlaskClient) -> None:
    results = search(client, "valiant")
    iris = {str(r["iri"]) for r in results}
    assert f"{BASE}award/medal-for-valiant-labor" in iris
    assert all("valiant" in str(r["matched"]).lower() for r in results)
    assert f"{BASE}award/medal-for-distinguished-labor" not in iris
    award = next(r for r in results if r["iri"] == f"{BASE}award/medal-for-valiant-labor")
    assert [t["label"] for t in award["types"]] == ["award type"]  # type: ignore[index,union-attr]


def test_search_ranks_exact_before_prefix_before_contains(client: FlaskClient) -> None:
    ranks = [r["rank"] for r in search(client, "nkvd")]
    order = ["exact", "prefix", "word", "contains"]
    assert ranks == sorted(ranks, key=order.index) and ranks[0] == "exact"


def test_search_yo_is_e(client: FlaskClient) -> None:
    assert fold("Ёлка") == fold("елка") == "елка"


def test_search_page_html(client: FlaskClient) -> None:
    page = Links(html(client, "/search?q=valiant"))
    assert "/award/medal-for-valiant-labor" in [h for _, h, _ in page.links]
    empty = html(client, "/search")
    assert 'for="search-q"' in empty and "/browse/AwardType" in empty
    nothing = html(client, "/search?q=zzzqqq")
    assert "Nothing is named" in nothing


def test_timeline_in_year_order_linking_entities(client: FlaskClient) -> None:
    entries = client.get("/timeline.json").get_json()["entries"]
    years = [int(e["year"]) for e in entries]
    assert years == sorted(years)
    established = count(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s <{AG}established> ?y }}")
    assert sum(e["what"] == "established" for e in entries) == established
    page = html(client, "/timeline")
    times = re.findall(r'<time datetime="(\d+)">', page)
    assert times == sorted(times) and "1938" in times
    for entry in entries:
        assert f'href="{entry["url"]}"' in page
        assert entry["url"].startswith("/") and not entry["url"].startswith("/browse")
    assert '<ol class="timeline">' in page


def test_pages_use_one_stylesheet_host(client: FlaskClient) -> None:
    for url in ("/", "/browse/Specimen", "/search?q=medal", "/timeline"):
        page = html(client, url)
        assert not re.search(
            r'(src|href)="(https?:)?//(?!kihnu\.com)',
            page.replace('href="https://kihnu.com', "").split("<main", 1)[0],
        ), url
        assert "/static/browse.css" in page


def test_conditional_get(client: FlaskClient) -> None:
    first = client.get("/browse/AwardType")
    again = client.get("/browse/AwardType", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_labels_in_another_language_carry_lang(client: FlaskClient) -> None:
    page = html(client, "/search?q=мопр&lang=ru")
    assert '<html lang="ru">' in page
    links = {href: lang for _, href, lang in Links(page).links}
    assert links["/award/mopr-badge"] is None  # called "МОПР" on a Russian page
    russian = {h: lang for _, h, lang in Links(html(client, "/search?q=valiant&lang=ru")).links}
    assert russian["/award/medal-for-valiant-labor"] == "en"  # only English names
    assert Links(html(client, "/search?q=мопр")).links  # English page: no lang needed
    english = {href: lang for _, href, lang in Links(html(client, "/search?q=mopr")).links}
    assert english["/award/mopr-badge"] is None


def test_hostile_label_is_text(tmp_path: Path, publication: Publication) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "hostile.trig").write_text(
        """@prefix ag: <https://awardgraph.example/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
<citation/h> {
  <award/h> a ag:AwardType ; rdfs:label "<script>alert(1)</script> Badge"@en ;
    ag:kind ag:badge ; ag:established "1931"^^<http://www.w3.org/2001/XMLSchema#gYear> .
}
<https://example.org/page> a ag:WebPage ; rdfs:label "<b>Page</b>"@en .
<citation/h> a ag:Citation ; rdfs:label "Hostile, sentence 1"@en ;
  dcterms:source <https://example.org/page> ; ag:quote "A <script> badge."@en .
""",
        encoding="utf-8",
    )
    config = replace(Config.load(root=ROOT), data_dir=data)
    store = Store.memory(config.base_iri)  # loaded without validation: the shapes want more
    store.load_file(data / "hostile.trig", config.base_iri)
    store.add_graph(config.ontology_file, ONTOLOGY, config.base_iri)
    built = replace(publication, store=store, stamp=Stamp.of(config, [data / "hostile.trig"]))
    client = create_app(catalogue=Catalogue(config, built)).test_client()
    for url in ("/", "/browse/AwardType", "/search?q=script", "/timeline", "/search?q=<script>"):
        text = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in text and "<b>Page" not in text, url
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Badge" in client.get(
        "/browse/AwardType"
    ).get_data(True)


def test_query_string_order_does_not_matter(client: FlaskClient) -> None:
    a = client.get("/browse/AwardType.json?kind=ag:badge&established=1930").get_json()
    b = client.get("/browse/AwardType.json?established=1930&kind=ag:badge").get_json()
    assert a["members"] == b["members"]
    assert dict(parse_qsl(urlsplit(a["facets"]["kind"][0]["url"]).query))["established"] == "1930"
