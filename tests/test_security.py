"""Hardening: headers, off-site paths, query limits, hostile content and the privacy gate."""

import json
import re
import shutil
import socket
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
import yaml

from bidrag.browser import chromium, live_server
from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.project import Project
from bidrag.site import make_datasette

from .conftest import OREBRO, ROOT, read_yaml, run_cli, write_yaml
from .html import parse

PAYLOADS = {
    "script": "<script>alert('skript')</script>",
    "link": "[klicka här](javascript:alert('länk'))",
    "event": "<img src=x onerror=\"alert('bild')\"> <b onclick=\"alert('fet')\">fet</b>",
    "frame": '<iframe src="https://evil.example"></iframe><svg onload="alert(\'svg\')"></svg>',
}
HOSTILE = " ".join(PAYLOADS.values())


async def test_security_headers_on_every_kind_of_response(datasette):
    for path in ("/", "/bidrag/measures.json", "/exports/decisions.csv", "/feeds/decisions.atom", "/nope"):
        response = await datasette.client.get(path)
        headers = response.headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
        assert "strict-transport-security" not in headers  # only when configured for HTTPS


async def test_hsts_when_configured(site_workspace):
    metadata = yaml.safe_load(site_workspace.metadata_path.read_text("utf-8"))
    metadata["plugins"]["bidrag-security"] = {"hsts_max_age": 31536000}
    site_workspace.metadata_path.write_text(yaml.safe_dump(metadata, allow_unicode=True), "utf-8")
    build_database(load_dataset(site_workspace.data_dir), site_workspace.db_path)
    response = await make_datasette(site_workspace).client.get("/")
    assert response.headers["strict-transport-security"] == "max-age=31536000"


@pytest.fixture(scope="module")
def server(project, built_db, tmp_path_factory):
    """One live server for the module, as `bidrag serve` runs it, plus the test-only hold() plugin."""
    root = tmp_path_factory.mktemp("served")
    for name in ("plugins", "templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copyfile(ROOT / "metadata.yml", root / "metadata.yml")
    shutil.copyfile(ROOT / "tests" / "plugins" / "hold.py", root / "plugins" / "hold.py")
    with live_server(Project(root), built_db) as base:
        yield base


@pytest.mark.parametrize(
    "path",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "/%5C%5Cevil.example/",
        "//evil.example/bidrag/",
    ],
)
def test_no_redirect_leaves_the_site(server, path):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        response = opener.open(server + path)
        status, location = response.status, response.headers.get("location")
    except urllib.error.HTTPError as error:
        status, location = error.code, error.headers.get("location")
    assert status in (302, 404), status
    if location is not None:
        assert location.startswith("/") and not location.startswith(("//", "/\\")), location


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_an_expensive_query_is_cut_off_in_swedish(server):
    expensive = "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c"
    status, body = fetch(f"{server}/bidrag?sql={quote(expensive)}")
    assert status == 503
    assert "Frågan tog för lång tid" in body and "500 millisekunder" in body
    assert "took too long" not in body and "<script>" not in body
    status, body = fetch(f"{server}/bidrag.csv?sql={quote(expensive)}")
    assert status == 503 and "Frågan tog för lång tid" in body


def test_the_site_answers_while_a_visitor_query_runs(server, tmp_path):
    """Ordering, not timing: a page is answered after the visitor's query started and before it ends."""
    held = tmp_path / "query"
    sql = quote("select hold(:path) as outcome")
    result = {}

    def visitor_query():
        result["status"], result["body"] = fetch(f"{server}/bidrag.json?sql={sql}&path={quote(str(held))}")

    worker = threading.Thread(target=visitor_query)
    worker.start()
    for _ in range(6_000):
        if held.with_suffix(".held").exists() or not worker.is_alive():
            break
        time.sleep(0.01)
    assert held.with_suffix(".held").exists(), result
    status, body = fetch(f"{server}/bidrag/decisions.json?_shape=array")
    still_running = worker.is_alive()
    held.with_suffix(".release").touch()
    worker.join(timeout=60)
    assert status == 200 and json.loads(body)[0]["id"] == OREBRO
    assert still_running  # the page came back while the visitor's query was still being held
    assert not worker.is_alive() and result["status"] in (200, 400)


def test_page_and_csv_sizes_are_capped(datasette):
    assert datasette.setting("max_returned_rows") == 1000
    assert datasette.setting("max_csv_mb") == 20
    assert datasette.setting("sql_time_limit_ms") == 500 and datasette.setting("facet_time_limit_ms") == 1000


@pytest.fixture(scope="module")
def hostile_site(project, tmp_path_factory):
    """The real decision with script, javascript: links, event attributes and HTML in its texts."""
    root = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "data", root / "data")
    path = root / "data" / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(path)
    decision["measures"][4]["title"] = f"Maskning {PAYLOADS['script']}"
    decision["measures"][4]["reason"] = HOSTILE
    decision["measures"][4]["conditions"] = HOSTILE
    decision["measures"][4]["source_quote"] = HOSTILE
    decision["general_conditions"] = HOSTILE
    decision["reasoning"] = f"### Rubrik {PAYLOADS['event']}\n\n{HOSTILE}"
    decision["appeal"]["text"] = HOSTILE
    write_yaml(path, decision)
    build_database(load_dataset(root / "data"), root / "bidrag.db")
    return make_datasette(project, root / "bidrag.db"), root / "bidrag.db"


def assert_neutralised(html: str, where: str):
    for tag, attrs in parse(html).tagged:
        assert tag not in ("script", "iframe", "svg") or (tag == "script" and attrs.get("src")), (where, tag)
        for name, value in attrs.items():
            assert not name.startswith("on"), (where, tag, name)
            if name in ("href", "src", "action"):
                assert not (value or "").strip().lower().startswith("javascript:"), (where, value)


HOSTILE_PAGES = [
    "/",
    f"/bidrag/decisions/{OREBRO}",
    f"/bidrag/measures/{OREBRO}_05",
    "/bidrag/measures",
    "/bidrag/measures?_search=maskning",
    "/good_examples",
    "/rejections",
    "/bidrag/rejected_measures",
    "/bidrag/search_measures?q=maskning",
    f"/bidrag/changes?decision_id={OREBRO}",
]


@pytest.mark.parametrize("path", HOSTILE_PAGES)
async def test_hostile_texts_are_neutralised_on_pages(hostile_site, path):
    datasette, _ = hostile_site
    response = await datasette.client.get(path)
    assert response.status_code == 200, path
    assert_neutralised(response.text, path)


async def test_a_table_cell_shows_hostile_text_as_text(hostile_site):
    """The table pages' rows (plugins/table_rows.py) escape what no render_cell made safe, as Jinja did."""
    datasette, _ = hostile_site
    page = (await datasette.client.get("/bidrag/measures?_search=maskning")).text
    assert '<td class="col-title type-str">Maskning &lt;script&gt;alert(&#39;skript&#39;)&lt;/script&gt;</td>' in page
    assert re.search(r'<td class="col-amount_granted type-int">[0-9\u00a0]+\u00a0kr</td>', page)


@pytest.mark.parametrize("path", ["/feeds/decisions.atom", "/feeds/decisions.json", "/feeds/deadlines.ics"])
async def test_hostile_texts_are_neutralised_in_feeds(hostile_site, path):
    datasette, _ = hostile_site
    body = (await datasette.client.get(path)).text
    import html as html_module
    import json

    if path.endswith(".json"):
        contents = [item["content_html"] + item["title"] for item in json.loads(body)["items"]]
    elif path.endswith(".atom"):
        contents = [html_module.unescape(c) for c in re.findall(r"<content[^>]*>(.*?)</content>", body, re.S)]
        contents += [html_module.unescape(t) for t in re.findall(r"<title>(.*?)</title>", body, re.S)]
    else:
        contents = [body]
    assert contents
    for content in contents:
        assert_neutralised(content, path)  # what a feed reader renders as HTML


def test_no_hostile_script_runs_in_a_browser(project, hostile_site):
    _, db_path = hostile_site
    with live_server(project, db_path) as base, chromium() as browser:
        page = browser.new_page()
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        for path in HOSTILE_PAGES:
            page.goto(base + path)
            page.wait_for_load_state("load")
        page.close()
    assert dialogs == []


def test_personal_identity_numbers_are_refused(workspace):
    path = workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(path)
    decision["decision_makers"][0]["role"] = "Handläggare (19121212-1212)"
    write_yaml(path, decision)
    result = run_cli(workspace, "build")
    assert result.exit_code == 1
    assert f"data/decisions/{OREBRO}.yml" in result.stderr
    assert "decision_makers[1].role: personnummer '19121212-1212' får inte publiceras" in result.stderr


def test_yaml_aliases_and_oversized_files_are_refused(workspace):
    path = workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"
    path.write_text(bomb, "utf-8")
    result = run_cli(workspace, "check")
    assert result.exit_code == 1 and "ankare och alias" in result.stderr
    path.write_text("id: x\n" + "# fyllnad\n" * 120_000, "utf-8")
    result = run_cli(workspace, "check")
    assert result.exit_code == 1 and "högst 1 000 000 tillåts" in result.stderr


async def test_a_huge_value_is_refused_at_once_not_built(datasette):
    """printf('%.*c', 1e9, 'x') took the server from 81 MB to 1 GB (and 15 s of CPU in one step)."""
    for sql in (
        "select length(printf('%.*c', 1000000000, 'x')) as n",
        "select length(printf('%.999999999c', 'x')) as n",
    ):
        response = await datasette.client.get("/bidrag.json?_shape=array&sql=" + quote(sql))
        assert response.status_code == 200 and response.json() == [{"n": None}]
    response = await datasette.client.get("/bidrag.json?sql=" + quote("select length(zeroblob(1000000000))"))
    assert response.status_code == 400 and response.json()["error"] == "Ett värde i frågan blev större än tillåtet."
    ordinary = "select printf('%05d %s %.2f', 42, 'x', 3.14159) as p, format('%d%%', 5) as f"
    response = await datasette.client.get("/bidrag.json?_shape=array&sql=" + quote(ordinary))
    assert response.json() == [{"p": "00042 x 3.14", "f": "5%"}]


async def test_overlong_sql_and_deep_nesting_are_refused(datasette):
    long_sql = "select 1 as n -- " + "a" * 51_000
    response = await datasette.client.get("/bidrag.json?sql=" + quote(long_sql))
    assert response.status_code == 400 and response.json()["ok"] is False
    deep = "select " + "(" * 150 + "1" + ")" * 150
    response = await datasette.client.get("/bidrag.json?sql=" + quote(deep))
    assert response.status_code == 400 and response.json()["error"] == "Frågan är för djupt nästlad."


async def test_the_host_header_reaches_no_link(datasette):
    hostile = {"host": "attacker.example", "x-forwarded-host": "attacker.example"}
    page = await datasette.client.get("/bidrag/measures.json?_size=2&_facet=status", headers=hostile)
    assert page.json()["next_url"].startswith("http://127.0.0.1:8001/bidrag/measures.json?")
    assert "attacker.example" not in page.text
    html = await datasette.client.get("/bidrag/measures?_facet=status", headers=hostile)
    assert "attacker.example" not in html.text and "http://127.0.0.1:8001/bidrag/measures?" in html.text


@pytest.mark.parametrize(
    "target", ["http://evil.example/", "http://evil.example/bidrag/", "https://evil.example//evil.example/"]
)
def test_an_absolute_form_request_target_does_not_redirect_off_site(server, target):
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(f"GET {target} HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n".encode())
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head = answer.split(b"\r\n\r\n")[0].decode("latin-1").lower().splitlines()
    locations = [line.split(":", 1)[1].strip() for line in head if line.startswith("location:")]
    assert head[0].split()[1] in ("200", "302", "404"), head[0]
    assert all(location.startswith("/") and not location.startswith("//") for location in locations), locations
    assert b"evil.example" not in answer.split(b"\r\n\r\n", 1)[1]


def test_visitor_sql_waits_for_its_one_thread_while_pages_are_answered(server, tmp_path):
    """Ordering, not timing: a second visitor query is not answered while the first is held, a page is."""
    held = tmp_path / "first"
    results = {}

    def query(name, sql, **params):
        arguments = "&".join(f"{k}={quote(str(v))}" for k, v in params.items())
        results[name] = fetch(f"{server}/bidrag.json?sql={quote(sql)}&{arguments}")

    first = threading.Thread(target=query, args=("first", "select hold(:path) as outcome"), kwargs={"path": held})
    first.start()
    for _ in range(6_000):
        if held.with_suffix(".held").exists() or not first.is_alive():
            break
        time.sleep(0.01)
    assert held.with_suffix(".held").exists(), results
    second = threading.Thread(target=query, args=("second", "select 41 + 1 as answer"))
    second.start()
    status, body = fetch(f"{server}/bidrag/regions.json?_shape=array&id=orebro")
    second_waiting = "second" not in results
    held.with_suffix(".release").touch()
    first.join(timeout=60)
    second.join(timeout=60)
    assert status == 200 and json.loads(body)[0]["id"] == "orebro"
    assert second_waiting  # visitor SQL has one thread; the page did not wait for it
    assert results["second"][0] == 200 and json.loads(results["second"][1])["rows"] == [[42]]
