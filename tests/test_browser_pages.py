"""The published pages in headless Chromium: accessibility, phone width, offline, screenshots.

One real ``awardgraph serve`` on the bundled catalogue and one browser serve the module. Each
page is audited with the vendored axe-core (no serious or critical violation), must fit a
375 px phone without sideways scrolling, load nothing from another host and log no error.
Screenshots go to a temporary directory; with ``AWARDGRAPH_SCREENSHOTS=docs/screenshots`` they
are also copied there (docs/accessibility.md). tests/browser.py starts the browser: these
tests are skipped without it, except in CI.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from urllib.request import Request, urlopen

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from .browser import browser_log, chromium
from .server import running_server
from .support import AG, ROOT, TESTS

pytestmark = pytest.mark.browser

AXE = TESTS / "vendor" / "axe-core" / "axe.min.js"
# Read at import: conftest.py's clean_env removes every AWARDGRAPH_* variable from each test.
SCREENSHOTS = os.environ.get("AWARDGRAPH_SCREENSHOTS")
BLOCKING = {"serious", "critical"}
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']}).then(
  (results) => done(results.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({target: n.target, html: n.html, summary: n.failureSummary})),
  }))),
  (error) => done({error: String(error)}),
);
"""
# The outermost elements that reach past the right edge of the viewport, leaving out those
# inside a box that scrolls or clips them, as parent > element with their markup.
OVERFLOWING = """
const edge = document.documentElement.clientWidth + 0.5;
const past = (el) => el.getBoundingClientRect().right > edge;
const boxed = (el) => {
  for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
    if (getComputedStyle(up).overflowX !== 'visible') return true;
  }
  return false;
};
const name = (el) => el.tagName.toLowerCase() + [...el.classList].map((c) => '.' + c).join('');
return [...document.body.querySelectorAll('*')]
  .filter((el) => past(el) && !past(el.parentElement) && !boxed(el))
  .slice(0, 5)
  .map((el) => `${name(el.parentElement)} > ${name(el)} (right edge ${
    Math.round(el.getBoundingClientRect().right)} px): ${el.outerHTML.slice(0, 120)}`);
"""
SCRIPT_SECONDS = 60


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int
    mobile: bool


DESKTOP = Viewport("desktop", 1280, 900, mobile=False)
PHONE = Viewport("phone", 375, 812, mobile=True)
VIEWS = [DESKTOP, PHONE]
VIEW_IDS = [view.name for view in VIEWS]


@dataclass(frozen=True)
class Page:
    name: str
    path: str


HOME = Page("home", "/")
AWARD = Page("award", "/award/medal-for-valiant-labor")
SPECIMEN = Page("specimen", "/specimen/medal-for-valiant-labor-8077")
SEARCH = Page("search", "/search?" + urlencode({"q": "мопр"}))
SHOWN = [HOME, AWARD, SPECIMEN, SEARCH]
PAGES = [
    *SHOWN,
    Page("organization", "/organization/nkvd"),
    Page("class", "/browse/AwardType"),
    Page("timeline", "/timeline"),
    Page("ontology", "/ontology"),
    Page("shapes", "/shapes"),
    Page("dumps", "/dumps"),
    Page("void", "/.well-known/void"),
    Page("sparql", "/sparql"),
    Page("queries", "/queries"),
]
IDS = [page.name for page in PAGES]

AWARD_LABEL = "Medal for Valiant Labor"
# data/labor-medals.trig, cite:labor-medals-02: the sentence the establishment year comes from
# (the source's own spelling).
AWARD_QUOTE = (
    "This medal was established on 1938 and was awarded to individuals who accomplished "
    "distinguished achievements in the fied of labor."
)
MOPR = "/organization/mopr"
MOPR_LABEL = "International Organization for Assistance to Revolutionary Fighters"
COUNT_MEMBERS = """PREFIX ag: <https://awardgraph.example/ontology#>
SELECT ?class (COUNT(DISTINCT ?member) AS ?n) WHERE {
  VALUES ?class { ag:AwardType ag:Specimen }
  ?member a ?class .
}
GROUP BY ?class"""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """``awardgraph serve`` on the bundled catalogue and a free port."""
    with running_server() as (url, _):
        yield url


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    with chromium(tmp_path_factory.mktemp("chromium")) as browser:
        browser.set_script_timeout(SCRIPT_SECONDS)
        yield browser


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.exists(), f"{AXE.relative_to(ROOT)} is missing: run make vendor"
    return AXE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@contextlib.contextmanager
def viewport(driver: webdriver.Chrome, view: Viewport, height: int | None = None) -> Iterator[None]:
    """Emulate ``view`` (a phone honours the page's viewport meta), ``height`` px tall."""
    metrics = {
        "width": view.width,
        "height": height or view.height,
        "deviceScaleFactor": 1,
        "mobile": view.mobile,
    }
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
    try:
        yield
    finally:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def visit(driver: webdriver.Chrome, server: str, page: Page) -> None:
    """Load ``page``, forget older console entries, and check that it answered 200 as HTML."""
    browser_log(driver)
    driver.get(server + page.path)
    status, content_type = driver.execute_script(
        "const [nav] = performance.getEntriesByType('navigation');"
        "return [nav.responseStatus, document.contentType];"
    )
    assert (status, content_type) == (200, "text/html"), f"{page.path}: {status} {content_type}"


def visible_text(driver: webdriver.Chrome, selector: str = "main") -> str:
    """The text a reader sees in ``selector`` (Selenium leaves out hidden elements)."""
    return " ".join(driver.find_element(By.CSS_SELECTOR, selector).text.split())


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"{violation['impact']} {violation['id']}: {violation['help']} ({violation['helpUrl']})"
        )
        for node in violation["nodes"]:
            lines.append(f"    {' '.join(map(str, node['target']))}: {node['html']}")
            lines.extend(f"      {line}" for line in node["summary"].splitlines())
    return "\n".join(lines)


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_no_serious_accessibility_violation(
    driver: webdriver.Chrome, server: str, axe_source: str, page: Page, view: Viewport
) -> None:
    """Audit at both widths: a phone's layout has its own faults (a box that now scrolls)."""
    with viewport(driver, view):
        visit(driver, server, page)
        driver.execute_script(axe_source)
        violations = driver.execute_async_script(AXE_RUN)
    assert isinstance(violations, list), violations
    where = f"{page.path} at {view.width} px"
    print(f"{where}:\n{describe(violations)}")  # every impact, for pytest -rP
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, f"axe-core on {where}:\n{describe(blocking)}"


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_loads_nothing_from_elsewhere_and_logs_no_error(
    driver: webdriver.Chrome, server: str, page: Page
) -> None:
    visit(driver, server, page)
    resources = driver.execute_script(
        "return performance.getEntriesByType('resource').map((entry) => entry.name)"
    )
    origin = urlsplit(server)[:2]
    assert [url for url in resources if urlsplit(url)[:2] != origin] == []
    errors = [entry["message"] for entry in browser_log(driver) if entry["level"] == "SEVERE"]
    assert errors == []


@pytest.mark.parametrize("page", PAGES, ids=IDS)
def test_fits_a_phone(driver: webdriver.Chrome, server: str, page: Page) -> None:
    with viewport(driver, PHONE):
        visit(driver, server, page)
        widths = driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth, "
            "window.visualViewport.scale]"
        )
        scroll_width, inner_width, scale = widths
        # A phone widens the layout viewport and zooms out for a page too wide or without the
        # viewport meta, so scrollWidth <= innerWidth alone would pass them.
        fits = scroll_width <= inner_width == PHONE.width and scale == 1
        culprits = [] if fits else driver.execute_script(OVERFLOWING)
    assert fits, (
        f"{page.path} at a {PHONE.width} px phone: {scroll_width} px wide, "
        f"laid out {inner_width} px wide, zoomed {scale}; too wide:\n" + "\n".join(culprits)
    )


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
@pytest.mark.parametrize("page", SHOWN, ids=[page.name for page in SHOWN])
def test_screenshot(
    driver: webdriver.Chrome, server: str, screenshots: Path, page: Page, view: Viewport
) -> None:
    """Take a whole-page screenshot; keep it in $AWARDGRAPH_SCREENSHOTS too when set."""
    with viewport(driver, view):
        visit(driver, server, page)
        height = driver.execute_script("return document.documentElement.scrollHeight")
    with viewport(driver, view, height):
        path = screenshots / f"{page.name}-{view.name}.png"
        assert driver.save_screenshot(str(path))
    assert path.read_bytes().startswith(b"\x89PNG")
    if SCREENSHOTS:
        keep = ROOT / SCREENSHOTS
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, keep / path.name)


def test_award_page_says_what_and_where_from(driver: webdriver.Chrome, server: str) -> None:
    visit(driver, server, AWARD)
    assert driver.find_element(By.TAG_NAME, "h1").text == AWARD_LABEL
    assert driver.title.startswith(AWARD_LABEL)
    text = visible_text(driver)
    # An xsd:gYear, shown as the year the source gives, not as a full date.
    assert re.search(r"\bestablished\W+1938\b", text), text
    assert "1938-01-01" not in text
    assert AWARD_QUOTE in text


def test_search_in_russian_finds_mopr(driver: webdriver.Chrome, server: str) -> None:
    visit(driver, server, SEARCH)
    boxes = driver.find_elements(By.CSS_SELECTOR, "input[name=q]")
    assert "мопр" in [box.get_attribute("value") for box in boxes], "the query is not kept"
    links = driver.find_elements(By.CSS_SELECTOR, f'main a[href$="{MOPR}"]')
    shown = [link.text for link in links if link.is_displayed()]
    assert MOPR_LABEL in shown, visible_text(driver)


@pytest.fixture(scope="module")
def counts(server: str) -> dict[str, int]:
    """How many members each counted class has, by the server's own SPARQL endpoint."""
    request = Request(
        f"{server}/sparql?{urlencode({'query': COUNT_MEMBERS})}",
        headers={"Accept": "application/sparql-results+json"},
    )
    with urlopen(request) as response:
        rows = json.load(response)["results"]["bindings"]
    return {row["class"]["value"].removeprefix(AG): int(row["n"]["value"]) for row in rows}


@pytest.mark.parametrize(
    ("name", "words"), [("AwardType", "award types"), ("Specimen", "specimens")]
)
def test_home_page_shows_counts(
    driver: webdriver.Chrome, server: str, counts: dict[str, int], name: str, words: str
) -> None:
    count = counts[name]
    assert count > 1
    visit(driver, server, HOME)
    links = driver.find_elements(By.CSS_SELECTOR, f'main a[href$="/browse/{name}"]')
    assert [link for link in links if link.is_displayed()], f"no link to browse the {words}"
    text = visible_text(driver)
    assert re.search(rf"\b{count:,} {words}\b", text), f"no '{count:,} {words}' in: {text}"
