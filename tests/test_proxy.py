"""Behind a reverse proxy: links name the scheme and host the client used, when (and only
when) the ``proxy_hops`` setting trusts the proxy's ``X-Forwarded-*`` headers."""

from __future__ import annotations

import json
import re
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from rdflib import Graph
from rdflib.namespace import VOID
from werkzeug.test import TestResponse

from awardgraph.cli import cli
from awardgraph.config import Config
from awardgraph.errors import ConfigError

from .server import served

SITE = "https://awards.example.org"
"""Where the proxy publishes the catalogue: it ends TLS and calls the app over plain HTTP."""
FORWARDED = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "awards.example.org"}
AWARD = "/award/medal-for-valiant-labor"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def proxied(make_app: Callable[..., Flask]) -> FlaskClient:
    """The app as gunicorn runs it behind one proxy (``--proxy-hops 1``)."""
    return make_app(proxy_hops=1).test_client()


def get(client: FlaskClient, path: str, **headers: str) -> TestResponse:
    """A GET as the proxy sends it: to the app's own address, the client's in headers."""
    return client.get(path, base_url="http://127.0.0.1:8000", headers=headers)


def void_endpoint(response: TestResponse) -> set[str]:
    graph = Graph().parse(data=response.get_data(), format="turtle")
    return {str(o) for o in graph.objects(None, VOID.sparqlEndpoint)}


def schema_org_url(page: str) -> str:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.DOTALL)
    assert found is not None
    url: str = json.loads(found[1])["url"]
    return url


def test_void_names_the_public_endpoint(proxied: FlaskClient) -> None:
    response = get(proxied, "/.well-known/void", Accept="text/turtle", **FORWARDED)
    assert void_endpoint(response) == {SITE + "/sparql"}


def test_sitemap_and_robots_name_the_public_site(proxied: FlaskClient) -> None:
    robots = get(proxied, "/robots.txt", **FORWARDED).get_data(as_text=True).splitlines()
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
    root = ET.fromstring(get(proxied, "/sitemap.xml", **FORWARDED).get_data())
    urls = [e.findtext(f"{SITEMAP}loc") or "" for e in root.iter(f"{SITEMAP}url")]
    assert urls[0] == SITE + "/" and SITE + AWARD in urls
    assert all(url.startswith(SITE + "/") for url in urls)


def test_canned_queries_list_their_public_urls(proxied: FlaskClient) -> None:
    listed = get(proxied, "/queries.json", **FORWARDED).get_json()
    first = listed[0] if isinstance(listed, list) else listed["queries"][0]
    assert first["url"] == f"{SITE}/queries/{first['name']}"
    assert first["results"] == f"{SITE}/queries/{first['name']}.json"


def test_entity_headers_resolve_against_the_public_url(proxied: FlaskClient) -> None:
    response = get(proxied, AWARD, Accept="text/turtle", **FORWARDED)
    where = SITE + AWARD
    assert urljoin(where, response.headers["Content-Location"]) == where + ".ttl"
    alternates = re.findall(r"<([^>]+)>", response.headers["Link"])
    assert urljoin(where, alternates[0]) == where + ".html"
    assert {urljoin(where, a) for a in alternates} >= {where + ".jsonld", where + ".nt"}


def test_entity_page_names_its_public_url(proxied: FlaskClient) -> None:
    page = get(proxied, AWARD + ".html", **FORWARDED).get_data(as_text=True)
    assert schema_org_url(page) == SITE + AWARD
    assert f"curl -H 'Accept: text/turtle' {SITE}{AWARD}" in page


def test_a_kept_page_is_kept_per_scheme_and_host(proxied: FlaskClient) -> None:
    """The page cache must not hand the proxy's visitors a page written for a direct call."""
    direct = get(proxied, AWARD + ".html", Host="awards.example.org").get_data(as_text=True)
    assert schema_org_url(direct) == "http://awards.example.org" + AWARD
    page = get(proxied, AWARD + ".html", **FORWARDED).get_data(as_text=True)
    assert schema_org_url(page) == SITE + AWARD


def test_only_the_trusted_hop_counts(proxied: FlaskClient) -> None:
    """A client's own X-Forwarded-Host comes first; one proxy appends the real one."""
    spoofed = {"X-Forwarded-Proto": "http, https", "X-Forwarded-Host": "evil.example, " + SITE[8:]}
    response = get(proxied, "/.well-known/void", Accept="text/turtle", **spoofed)
    assert void_endpoint(response) == {SITE + "/sparql"}


def test_forwarded_headers_are_ignored_by_default(make_app: Callable[..., Flask]) -> None:
    """Without --proxy-hops a client could otherwise write any host into the links."""
    direct = make_app().test_client()
    response = get(direct, "/.well-known/void", Accept="text/turtle", **FORWARDED)
    assert void_endpoint(response) == {"http://127.0.0.1:8000/sparql"}


def test_a_path_prefix_is_not_taken(proxied: FlaskClient) -> None:
    """Pages link to resources from the site's root; the README says to serve it there."""
    headers = {**FORWARDED, "X-Forwarded-Prefix": "/catalogue"}
    response = get(proxied, "/.well-known/void", Accept="text/turtle", **headers)
    assert void_endpoint(response) == {SITE + "/sparql"}


def test_proxy_hops_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Config.load().proxy_hops == 0
    monkeypatch.setenv("AWARDGRAPH_PROXY_HOPS", "2")
    assert Config.load().proxy_hops == 2
    monkeypatch.setenv("AWARDGRAPH_PROXY_HOPS", "-1")
    with pytest.raises(ConfigError, match="PROXY_HOPS") as error:
        Config.load()
    assert "proxy_hops must be a whole number >= 0, not '-1'" in str(error.value)


def test_serve_takes_proxy_hops_from_the_command_line() -> None:
    result = CliRunner().invoke(cli, ["serve", "--proxy-hops", "-1"])
    assert result.exit_code == 2
    assert "--proxy-hops" in result.output and "-1 is not in the range x>=0" in result.output


@pytest.mark.parametrize(
    ("hops", "endpoint"), [("0", "http://{host}/sparql"), ("1", SITE + "/sparql")]
)
def test_the_real_server_trusts_forwarded_headers_by_proxy_hops_alone(
    hops: str, endpoint: str
) -> None:
    """gunicorn itself would take X-Forwarded-Proto from 127.0.0.1; serve leaves it to
    --proxy-hops, so that 0 trusts nothing, whoever sends the header."""
    with served("--workers", "1", "--proxy-hops", hops) as server:
        host = urlsplit(server.url).netloc
        request = urllib.request.Request(
            server.url + "/.well-known/void", headers={"Accept": "text/turtle", **FORWARDED}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            graph = Graph().parse(data=response.read(), format="turtle")
    found = {str(o) for o in graph.objects(None, VOID.sparqlEndpoint)}
    assert found == {endpoint.format(host=host)}
