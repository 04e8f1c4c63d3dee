"""WCAG 2.1 A and AA: axe-core in Debian's headless Chromium against the real site on 127.0.0.1.

A missing browser fails these tests; .ci/run installs Debian's chromium.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from bidrag.browser import chromium, live_server

from .conftest import OREBRO

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "start": "/",
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


@pytest.mark.parametrize("path", PAGES.values(), ids=PAGES.keys())
def test_page_has_no_wcag_21_aa_violations(site, browser, path):
    page = browser.new_page()
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


@pytest.mark.parametrize("path", ["/", f"/bidrag/decisions/{OREBRO}", "/bidrag/measures?_search=robot"])
def test_pages_fit_a_phone_screen(site, browser, path):
    page = browser.new_page(viewport={"width": 360, "height": 740})
    try:
        page.goto(site + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} is {overflow}px wider than a 360px screen"
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
