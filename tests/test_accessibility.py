"""WCAG 2.1 A and AA: axe-core in Debian's headless Chromium against the real site on 127.0.0.1.

A missing browser fails these tests; .ci/run installs Debian's chromium.
"""

import re
from urllib.parse import urlencode

import pytest
from axe_playwright_python.sync_playwright import Axe

from bidrag.browser import chromium, live_server

from .conftest import OREBRO

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "start": "/",
    "measure search": "/measures",
    "measure search with facets": "/measures?q=AI&status=rejected&theme=ai&sort=amount",
    "decision search": "/decisions?q=robot",
    "theme": "/bidrag/themes/ai",
    "sql refused": "/bidrag?sql=delete+from+decisions",
    "region": "/bidrag/regions/orebro",
    "region without decision": "/bidrag/regions/skane",
    "decision": f"/bidrag/decisions/{OREBRO}",
    "measure": f"/bidrag/measures/{OREBRO}_03",
    "measures with facet and search": "/bidrag/measures?_search=AI&status=avslagen&_facet=reason_category",
    "canned query": "/bidrag/totals_per_region",
    "canned search": "/bidrag/search_measures?q=robot",
    "api page": "/data_and_api",
    "good examples": "/good_examples",
    "rejections": "/rejections",
    "accessibility statement": "/accessibility",
    "privacy notice": "/privacy",
    "all tables": "/bidrag",
    "free sql": "/bidrag?sql=select+year%2C+sum(amount)+as+amount+from+payments+group+by+year",
    "not found": "/bidrag/regions/atlantis",
}


@pytest.fixture(scope="module")
def site(project, built_db):
    with live_server(project, built_db) as base:
        yield base


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


# A phone (320 CSS px, WCAG 1.4.10) and 200 % zoom of a 1 280 px window (640 CSS px at scale 2).
SCREENS = {"1280": (1280, 1), "320": (320, 1), "200 %": (640, 2)}


@pytest.mark.parametrize("width", ["1280", "320"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_21_aa_violations(site, browser, path, width):
    page = browser.new_page(viewport={"width": SCREENS[width][0], "height": 800})
    try:
        page.goto(site + path)
        assert page.locator("html").get_attribute("lang") == "sv"
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        violations = results.response["violations"]
        assert results.response["testEngine"]["version"].startswith("4.")
        assert violations == [], "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} – {[n['target'] for n in v['nodes']][:5]}" for v in violations
        )
    finally:
        page.close()


@pytest.mark.parametrize("screen", ["320", "200 %"])
@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_pages_reflow_without_horizontal_scrolling(site, browser, path, screen):
    """WCAG 1.4.10: only a data table may scroll sideways, inside its own labelled, focusable wrapper."""
    width, scale = SCREENS[screen]
    page = browser.new_page(viewport={"width": width, "height": 700}, device_scale_factor=scale)
    try:
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a {width}px screen"
        scrolling = page.evaluate("""() => [...document.querySelectorAll('main *')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))
            .map(e => ({cls: e.className, tab: e.getAttribute('tabindex'), label: e.getAttribute('aria-label')}))""")
        for box in scrolling:
            assert "table-wrapper" in box["cls"] and box["tab"] == "0" and box["label"], (path, box)
    finally:
        page.close()


def _contrast_js():
    return """(pair) => {
        const lum = c => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map(Number).map(v => v / 255)
            .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
            return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
        const [a, b] = pair.map(lum).sort((x, y) => y - x); return (a + 0.05) / (b + 0.05); }"""


def _background(page, selector):
    return page.evaluate(
        """(s) => { let e = document.querySelector(s).parentElement;  // the ring lies outside, offset 2px
        while (e && getComputedStyle(e).backgroundColor === 'rgba(0, 0, 0, 0)') e = e.parentElement;
        return e ? getComputedStyle(e).backgroundColor : 'rgb(255, 255, 255)'; }""",
        selector,
    )


@pytest.mark.parametrize(
    "selector", [".site-nav a", ".site-name a", "main a", "footer.ft a", "form.finder button", "form.finder input"]
)
def test_focus_ring_has_at_least_3_to_1_contrast(site, browser, selector):
    """WCAG 1.4.11: the focus indicator against what surrounds it, on the dark header too."""
    page = browser.new_page()
    try:
        page.goto(site + "/measures?q=AI")
        element = page.locator(selector).first
        element.focus()
        page.keyboard.press("Shift+Tab")
        page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
        style = element.evaluate("e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor]")
        assert style[0] != "none", selector
        ratio = page.evaluate(_contrast_js(), [style[1], _background(page, selector)])
        assert ratio >= 3, f"{selector}: focus ring {style[1]} is {ratio:.2f}:1"
    finally:
        page.close()


@pytest.mark.parametrize("path", ["/bidrag/measures", "/bidrag/decisions", "/bidrag/measure_themes", "/data_and_api"])
def test_links_in_tables_are_underlined(site, browser, path):
    """WCAG 1.4.1: a link in a table is not marked by colour alone."""
    page = browser.new_page()
    try:
        page.goto(site + path)
        decorations = page.evaluate(
            "[...document.querySelectorAll('main table a')].map(a => getComputedStyle(a).textDecorationLine)"
        )
        assert decorations and all("underline" in d for d in decorations), path
    finally:
        page.close()


@pytest.mark.parametrize(
    "sql",
    [
        "select nonsense",
        "delete from decisions",
        "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c",
    ],
)
def test_sql_form_keeps_the_query_and_suggests_a_fix_on_errors(site, browser, sql):
    """WCAG 3.3.3 and 3.1.2: the form stays with the query, and the advice and the engine's message are Swedish."""
    page = browser.new_page()
    try:
        page.goto(site + "/bidrag?" + urlencode({"sql": sql}))
        assert page.get_by_label(re.compile("^SQL")).input_value() == sql
        alert = page.get_by_role("alert")
        assert alert.count() == 1
        assert re.search("[Ff]rågan", alert.inner_text())  # Swedish advice
        assert not [word for word in ("no such", "Statement", "interrupted", "Invalid") if word in page.content()]
        assert page.locator("main [lang=en]").count() == 0  # nothing English left to mark
    finally:
        page.close()


def test_printed_pages_leave_out_navigation_and_forms(site, browser):
    page = browser.new_page()
    try:
        page.goto(site + "/bidrag/measures?_search=robot")
        page.emulate_media(media="print")
        assert page.locator(".site-nav").is_hidden()
        assert page.locator("form.filters").is_hidden()
        assert page.locator("table.rows-and-columns").is_visible()
    finally:
        page.close()


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_works_under_the_content_security_policy(site, browser, path):
    page = browser.new_page()
    violations = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    try:
        response = page.goto(site + path)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("load")
        reported = page.evaluate("""() => new Promise(resolve => {
            const seen = [];
            document.addEventListener('securitypolicyviolation', e => seen.push(e.violatedDirective));
            setTimeout(() => resolve(seen), 200);
        })""")
        assert violations == [] and reported == [], violations + reported
        assert page.locator("main h1").count() == 1
    finally:
        page.close()
