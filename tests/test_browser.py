"""The SPARQL query page in headless Chromium, against a real ``awardgraph serve``.

tests/browser.py starts the browser: these tests are skipped without it, except in CI.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from .browser import browser_log, chromium
from .server import running_server

pytestmark = pytest.mark.browser

LABELS = """PREFIX ag: <https://awardgraph.example/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?award ?label WHERE {
  ?award a ag:AwardType ; rdfs:label ?label .
  FILTER(lang(?label) = "en")
}
ORDER BY ?label"""
VALIANT = "https://awardgraph.example/award/medal-for-valiant-labor"
MARKUP = "<script>window.injected = true</script><b>bold</b>"
STARTUP_SECONDS = 30
WAIT_SECONDS = 15


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium")) as browser:
        yield browser


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``awardgraph serve`` on the bundled catalogue and a free port."""
    with running_server() as (url, _):
        yield url


def run_query(driver: webdriver.Chrome, query: str) -> WebElement:
    """Put ``query`` in the editor, press Run, and return the results table or error box."""
    driver.find_element(By.CSS_SELECTOR, ".CodeMirror")  # the editor, not the bare textarea
    driver.execute_script(
        "document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])", query
    )
    driver.find_element(By.ID, "run").click()
    return outcome(driver)


def outcome(driver: webdriver.Chrome) -> WebElement:
    """Wait for the results table or the error box, and check that no script failed."""
    found: list[WebElement] = WebDriverWait(driver, WAIT_SECONDS).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "table.results, #error:not([hidden])")
    )
    logs = browser_log(driver)
    assert not [entry["message"] for entry in logs if entry["source"] == "javascript"]
    return found[0]


def attribute(element: WebElement, name: str) -> str:
    value = element.get_attribute(name)
    assert value is not None, f"<{element.tag_name}> has no {name}"
    return value


def rows(table: WebElement) -> list[list[str]]:
    return [
        [cell.text for cell in row.find_elements(By.TAG_NAME, "td")]
        for row in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]


def test_run_shows_labels_with_links(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/sparql")
    table = run_query(driver, LABELS)
    assert table.tag_name == "table", table.text

    headers = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    assert headers == ["award", "label"]
    found = rows(table)
    labels = [label.removesuffix("@en").strip() for _, label in found]
    assert {"Medal for Valiant Labor", "Medal for Distinguished Labor"} <= set(labels)
    assert driver.find_element(By.ID, "status").text.startswith(f"{len(found)} rows")

    link = table.find_element(By.CSS_SELECTOR, f'a[title="{VALIANT}"]')
    assert attribute(link, "href") == server.rstrip("/") + "/award/medal-for-valiant-labor"
    assert link.text == "<award/medal-for-valiant-labor>"

    share = attribute(driver.find_element(By.LINK_TEXT, "Share"), "href")
    assert parse_qs(urlsplit(share).query) == {"query": [LABELS]}
    assert driver.current_url == share
    downloads = driver.find_elements(By.CSS_SELECTOR, "#links a[download]")
    formats = [parse_qs(urlsplit(attribute(a, "href")).query)["format"] for a in downloads]
    assert formats == [["csv"], ["json"], ["tsv"], ["xml"]]


def test_shared_link_runs_the_query(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/sparql?{urlencode({'query': LABELS})}")
    shared = outcome(driver)
    assert shared.tag_name == "table", shared.text
    editor_text = driver.execute_script(
        "return document.querySelector('.CodeMirror').CodeMirror.getValue()"
    )
    assert editor_text == LABELS
    autorun = rows(shared)
    assert autorun == rows(run_query(driver, LABELS))


def test_syntax_error_says_where(driver: webdriver.Chrome, server: str) -> None:
    driver.get(f"{server}/sparql")
    box = run_query(driver, "SELECT ?award WHERE {\n  ?award ag:established 1938 .\n}")
    assert box.get_attribute("id") == "error", box.text
    assert box.get_attribute("role") == "alert"
    assert re.search(r"\bline 2, column \d+", box.text), box.text
    assert "ag:" in box.text
    assert not driver.find_elements(By.CSS_SELECTOR, "table.results")


@pytest.mark.parametrize(
    "query",
    [
        f'SELECT ?text WHERE {{ BIND("{MARKUP}" AS ?text) }}',
        f'CONSTRUCT {{ <urn:x:s> <urn:x:p> "{MARKUP}" }} WHERE {{}}',
    ],
    ids=["select", "construct"],
)
def test_results_are_text_not_markup(driver: webdriver.Chrome, server: str, query: str) -> None:
    driver.get(f"{server}/sparql")
    table = run_query(driver, query)
    assert table.tag_name == "table", table.text
    assert rows(table)[0][-1] == MARKUP
    assert not table.find_elements(By.CSS_SELECTOR, "tbody script, tbody b")
    assert driver.execute_script("return window.injected") is None
