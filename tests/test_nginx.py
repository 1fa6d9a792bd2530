"""A real nginx in front of ``awardgraph serve --proxy-hops 1``, ending TLS as the README's
snippet does: the links name the site nginx publishes. Opt-in (it needs nginx and openssl):
``AWARDGRAPH_TEST_NGINX=1 pytest tests/test_nginx.py``; Debian: ``apt-get install
nginx-light``."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from rdflib import Graph
from rdflib.namespace import VOID

from .server import served

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(
    os.environ.get("AWARDGRAPH_TEST_NGINX") != "1" or not Path(NGINX).exists(),
    reason="set AWARDGRAPH_TEST_NGINX=1 (and install nginx) to run nginx in front",
)
HOST = "awards.test"
AWARD = "/award/medal-for-valiant-labor"
CONFIG = """
daemon off;
{user}
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    {site}
}}
"""


def site_config(directory: Path, port: int, upstream: str) -> str:
    """The README's server block ("Behind a reverse proxy"), on a test port and cert."""
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```nginx\n(.*?)```", readme, re.DOTALL)
    assert block is not None, "README.md has no nginx snippet"
    text = block[1].replace("127.0.0.1:8000", upstream)
    text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
    text = re.sub(r"listen \[::\]:443 ssl;\n", "", text)
    text = re.sub(r"server_name [^;]+;", f"server_name {HOST};", text)
    text = re.sub(r"ssl_certificate [^;]+;", f"ssl_certificate {directory}/cert.pem;", text)
    return re.sub(r"ssl_certificate_key [^;]+;", f"ssl_certificate_key {directory}/key.pem;", text)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def nginx(directory: Path, upstream: str) -> Iterator[int]:
    certificate = ["-keyout", str(directory / "key.pem"), "-out", str(directory / "cert.pem")]
    subject = ["-subj", f"/CN={HOST}", "-addext", f"subjectAltName=DNS:{HOST},IP:127.0.0.1"]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            *certificate,
            *subject,
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    user = "user root;" if os.geteuid() == 0 else ""
    site = site_config(directory, port, upstream)
    (directory / "nginx.conf").write_text(CONFIG.format(user=user, dir=directory, site=site))
    process = subprocess.Popen(
        [NGINX, "-p", str(directory), "-c", str(directory / "nginx.conf")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline, "nginx did not start"
            time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, ssl.SSLContext]]:
    """The public URL (``https://awards.test:PORT``) and a TLS context that trusts it."""
    directory = tmp_path_factory.mktemp("nginx")
    with served("--workers", "2", "--proxy-hops", "1") as server:
        upstream = urlsplit(server.url).netloc
        with nginx(directory, upstream) as port:
            context = ssl.create_default_context(cafile=str(directory / "cert.pem"))
            yield f"https://{HOST}:{port}", context


def fetch(public: tuple[str, ssl.SSLContext], path: str, accept: str) -> tuple[dict[str, str], str]:
    url, context = public
    port = urlsplit(url).port
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    try:
        headers = {"Host": urlsplit(url).netloc, "Accept": accept}
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read().decode()
        assert response.status == 200, body
        return dict(response.getheaders()), body
    finally:
        connection.close()


def test_void_names_the_public_endpoint(public: tuple[str, ssl.SSLContext]) -> None:
    _, body = fetch(public, "/.well-known/void", "text/turtle")
    graph = Graph().parse(data=body, format="turtle")
    assert {str(o) for o in graph.objects(None, VOID.sparqlEndpoint)} == {public[0] + "/sparql"}


def test_robots_names_the_public_sitemap(public: tuple[str, ssl.SSLContext]) -> None:
    _, body = fetch(public, "/robots.txt", "text/plain")
    assert f"Sitemap: {public[0]}/sitemap.xml" in body.splitlines()


def test_entity_links_resolve_on_the_public_site(public: tuple[str, ssl.SSLContext]) -> None:
    headers, _ = fetch(public, AWARD, "text/turtle")
    where = public[0] + AWARD
    assert urljoin(where, headers["Content-Location"]) == where + ".ttl"
    _, page = fetch(public, AWARD + ".html", "text/html")
    assert f'"url": "{where}"' in page or f'"url":"{where}"' in page
