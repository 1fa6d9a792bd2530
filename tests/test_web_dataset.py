"""The dataset on the web: /dumps and its files, the VoID and DCAT description at
/.well-known/void, the sitemap and robots.txt, over the project's own catalogue."""

from __future__ import annotations

import gzip
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID, XSD
from werkzeug.test import TestResponse

from awardgraph.build import Publication
from awardgraph.formats import GRAPH_FORMATS, Format
from awardgraph.web import dataset

from .support import AG, BASE

SPDX = Namespace("http://spdx.org/rdf/terms#")
HOST = "http://localhost"
DATASET = URIRef(HOST + "/.well-known/void#dataset")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
VALIANT = "/award/medal-for-valiant-labor"


@pytest.fixture(scope="module")
def dumps_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One dumps directory for the module: written by the first test, found by the rest."""
    return tmp_path_factory.mktemp("dumps")


@pytest.fixture
def client(make_app: Callable[..., Flask], dumps_dir: Path) -> FlaskClient:
    return make_app(dumps_dir=dumps_dir).test_client()


def get(client: FlaskClient, path: str, **headers: str) -> TestResponse:
    """A response read whole and closed (a sent file stays open until then)."""
    response = client.get(path, headers=headers)
    response.get_data()
    response.close()
    return response


def files(client: FlaskClient) -> dict[str, bytes]:
    """Every dump file, downloaded, by name."""
    sums = get(client, "/dumps/SHA256SUMS").get_data(as_text=True).splitlines()
    names = [line.split("  ")[1] for line in sums]
    return {name: get(client, f"/dumps/{name}").get_data() for name in names}


# /dumps -------------------------------------------------------------------------------


def test_dumps_page_lists_every_file_with_size_and_sum(client: FlaskClient) -> None:
    response = client.get("/dumps")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<title>Download the dataset · awardgraph</title>" in page
    assert 'href="/static/dataset.css"' in page and 'href="/.well-known/void"' in page
    downloaded = files(client)
    assert len(downloaded) == 2 * len(GRAPH_FORMATS)
    for name, body in downloaded.items():
        assert f'href="/dumps/{name}"' in page
        assert f"{len(body):,} bytes" in page
        assert hashlib.sha256(body).hexdigest() in page


@pytest.mark.parametrize("fmt", list(GRAPH_FORMATS.values()), ids=list(GRAPH_FORMATS))
def test_each_dump_is_served_and_parses_to_the_catalogue(
    client: FlaskClient, publication: Publication, fmt: Format
) -> None:
    name = f"awardgraph{fmt.suffix}"
    plain, packed = get(client, f"/dumps/{name}"), get(client, f"/dumps/{name}.gz")
    assert plain.mimetype == fmt.media_type
    assert packed.mimetype == "application/gzip"
    assert "Content-Encoding" not in packed.headers  # curl -O and wget save the .gz itself
    assert packed.headers["Content-Disposition"] == f"attachment; filename={name}.gz"
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    if fmt.quads:
        parsed = Dataset().parse(data=plain.get_data(), format=fmt.rdflib_name)
        assert len(list(parsed.quads())) == len(publication.store)
    else:
        graph = Graph().parse(data=plain.get_data(), format=fmt.rdflib_name)
        assert len(graph) == publication.store.count_triples()


def test_jsonld_and_turtle_dumps_are_the_same_graph(client: FlaskClient) -> None:
    turtle = Graph().parse(data=get(client, "/dumps/awardgraph.ttl").get_data(), format="turtle")
    jsonld = Graph().parse(
        data=get(client, "/dumps/awardgraph.jsonld").get_data(), format="json-ld"
    )
    assert isomorphic(turtle, jsonld)


def test_dump_validators_ranges_and_digest(client: FlaskClient) -> None:
    full = get(client, "/dumps/awardgraph.nt")
    body = full.get_data()
    sha = hashlib.sha256(body).hexdigest()
    assert full.headers["ETag"] == f'"{sha}"'
    assert full.headers["Accept-Ranges"] == "bytes"
    assert re.fullmatch(r"sha-256=:[A-Za-z0-9+/=]+:", full.headers["Repr-Digest"])
    assert get(client, "/dumps/awardgraph.nt", **{"If-None-Match": f'"{sha}"'}).status_code == 304
    part = get(client, "/dumps/awardgraph.nt", Range="bytes=10-109")
    assert part.status_code == 206 and part.get_data() == body[10:110]
    head = client.head("/dumps/awardgraph.nt")
    head.close()
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(body)


def test_manifest_and_sums_are_served(client: FlaskClient) -> None:
    manifest = get(client, "/dumps/manifest.json")
    assert manifest.mimetype == "application/json"
    listed = {f["name"]: f for f in manifest.get_json()["files"]}
    for name, body in files(client).items():
        assert listed[name]["sha256"] == hashlib.sha256(body).hexdigest()
        assert listed[name]["bytes"] == len(body)


def test_unknown_dump_is_a_404_in_the_one_error_shape(client: FlaskClient) -> None:
    response = client.get("/dumps/awardgraph.exe", headers={"Accept": "application/json"})
    assert response.status_code == 404
    error = response.get_json()["error"]
    assert error["status"] == 404 and "awardgraph.ttl.gz" in error["message"]
    assert client.get("/dumps/..%2Fsecret").status_code == 404


# /.well-known/void ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "query", "media_type"),
    [
        ("", "", "text/turtle"),
        ("*/*", "", "text/turtle"),
        ("application/ld+json", "", "application/ld+json"),
        ("application/n-triples", "", "application/n-triples"),
        ("application/rdf+xml", "", "application/rdf+xml"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "", "application/ld+json"),
        ("text/html,application/xhtml+xml,*/*;q=0.8", "", "text/html"),
        ("text/html", "?format=ttl", "text/turtle"),
        ("", "?format=jsonld", "application/ld+json"),
    ],
)
def test_void_is_negotiated(client: FlaskClient, accept: str, query: str, media_type: str) -> None:
    response = client.get("/.well-known/void" + query, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert "Accept" in response.headers["Vary"]
    assert 'rel="alternate"; type="application/ld+json"' in response.headers["Link"]


def test_void_refuses_what_it_cannot_write(client: FlaskClient) -> None:
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406


def description(client: FlaskClient, format_name: str = "turtle") -> Graph:
    fmt = GRAPH_FORMATS[format_name]
    response = client.get("/.well-known/void", headers={"Accept": fmt.media_type})
    return Graph().parse(data=response.get_data(), format=fmt.rdflib_name)


@pytest.mark.parametrize("format_name", ["jsonld", "ntriples", "rdfxml"])
def test_void_says_the_same_in_every_format(client: FlaskClient, format_name: str) -> None:
    assert isomorphic(description(client), description(client, format_name))


def test_void_describes_the_dataset(client: FlaskClient, publication: Publication) -> None:
    g = description(client)
    assert (DATASET, RDF.type, VOID.Dataset) in g and (DATASET, RDF.type, DCAT.Dataset) in g
    assert g.value(DATASET, VOID.triples).toPython() == publication.store.count_triples()
    assert g.value(DATASET, VOID.uriSpace) == Literal(BASE)
    assert g.value(DATASET, VOID.sparqlEndpoint) == URIRef(HOST + "/sparql")
    assert g.value(DATASET, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    sources = set(g.objects(DATASET, DCTERMS.source))
    assert URIRef("https://kihnu.com/Labor_Medals.html") in sources
    assert URIRef("https://kihnu.com/Soviet_Badges.html") in sources
    assert URIRef(AG) in set(g.objects(DATASET, VOID.vocabulary))
    example = g.value(DATASET, VOID.exampleResource)
    assert example is not None and str(example).startswith(BASE + "award/")
    service = g.value(DATASET, DCAT.accessService)
    assert g.value(service, DCAT.endpointURL) == URIRef(HOST + "/sparql")


def test_void_class_partitions_count_instances(
    client: FlaskClient, publication: Publication
) -> None:
    g = description(client)
    partitions = {
        str(g.value(p, VOID["class"])): g.value(p, VOID.entities).toPython()
        for p in g.objects(DATASET, VOID.classPartition)
    }
    query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a <{AG}AwardType> }}"
    (count,) = publication.store.query(query).rows[0]
    assert partitions[AG + "AwardType"] == count > 0
    assert g.value(DATASET, VOID.classes).toPython() == len(partitions)


def test_void_lists_every_dump_with_its_size_and_checksum(client: FlaskClient) -> None:
    g = description(client)
    downloaded = files(client)
    distributions = list(g.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(downloaded)
    for distribution in distributions:
        url = str(g.value(distribution, DCAT.downloadURL))
        body = downloaded[url.removeprefix(HOST + "/dumps/")]
        assert g.value(distribution, DCAT.byteSize) == Literal(
            len(body), datatype=XSD.nonNegativeInteger
        )
        checksum = g.value(distribution, SPDX.checksum)
        assert g.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(g.value(checksum, SPDX.checksumValue)) == hashlib.sha256(body).hexdigest()
        media = str(g.value(distribution, DCAT.mediaType))
        assert media.startswith("https://www.iana.org/assignments/media-types/")
        if url.endswith(".gz"):
            assert str(g.value(distribution, DCAT.compressFormat)).endswith("/application/gzip")
    assert g.value(DATASET, VOID.dataDump) == URIRef(HOST + "/dumps/awardgraph.nt.gz")


def test_void_page_for_people(client: FlaskClient) -> None:
    page = client.get("/.well-known/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "<title>About the dataset · awardgraph</title>" in page
    assert 'href="/browse/AwardType"' in page
    assert 'href="https://kihnu.com/Labor_Medals.html"' in page
    assert 'rel="license"' in page and 'href="/dumps"' in page
    assert 'type="application/ld+json" href="/.well-known/void?format=jsonld"' in page


def test_void_urls_follow_the_host(client: FlaskClient) -> None:
    response = client.get("/.well-known/void", base_url="https://mirror.example")
    g = Graph().parse(data=response.get_data(), format="turtle")
    here = URIRef("https://mirror.example/.well-known/void#dataset")
    assert g.value(here, VOID.sparqlEndpoint) == URIRef("https://mirror.example/sparql")


def test_void_conditional_get(client: FlaskClient) -> None:
    first = client.get("/.well-known/void")
    again = client.get("/.well-known/void", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


# /sitemap.xml and /robots.txt -------------------------------------------------------------


def locations(client: FlaskClient, path: str, tag: str = "url") -> list[str]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.get_data())
    return [e.findtext(f"{SITEMAP}loc") or "" for e in root.iter(f"{SITEMAP}{tag}")]


def test_sitemap_lists_home_browse_ontology_and_entities(client: FlaskClient) -> None:
    urls = locations(client, "/sitemap.xml")
    assert urls[0] == HOST + "/"
    for path in ("/browse/AwardType", "/ontology", VALIANT, "/citation/labor-medals-01"):
        assert HOST + path in urls
    assert len(urls) == len(set(urls))
    assert not [u for u in urls if "#" in u]  # hash IRIs are served by their document
    assert not [u for u in urls if not u.startswith(HOST + "/")]


def test_sitemap_index_past_the_limit(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = locations(client, "/sitemap.xml")
    monkeypatch.setattr(dataset, "SITEMAP_URLS", 25)
    children = locations(client, "/sitemap.xml", "sitemap")
    assert len(children) == -(-len(everything) // 25) > 1
    assert children[0] == HOST + "/sitemap-1.xml"
    parts = [locations(client, child.removeprefix(HOST)) for child in children]
    assert all(len(part) <= 25 for part in parts)
    assert [u for part in parts for u in part] == everything
    assert client.get(f"/sitemap-{len(children) + 1}.xml").status_code == 404
    assert client.get("/sitemap-0.xml").status_code == 404


def test_robots_points_to_the_sitemap(client: FlaskClient) -> None:
    response = client.get("/robots.txt")
    assert response.mimetype == "text/plain"
    lines = response.get_data(as_text=True).splitlines()
    assert f"Sitemap: {HOST}/sitemap.xml" in lines
    assert "Disallow: /sparql" in lines
