"""The v1 API's contract: resources, filters, paging, JSON types, Swedish problem+json errors, CORS and the
OpenAPI document; then Schemathesis (a property-based API tester) against a real server."""

import json
import re
import shutil
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from jsonschema import Draft202012Validator

from bidrag import api
from bidrag.browser import live_server
from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.schema import AMOUNT_RANGES, JSON_ARRAY, STATUSES, TABLES
from bidrag.site import make_datasette

from .conftest import OREBRO, read_yaml, write_yaml
from .html import visible_text

PROBLEM = "application/problem+json"


async def get_json(datasette, path, status=200):
    response = await datasette.client.get(path)
    assert response.status_code == status, (path, response.text[:300])
    expected = "application/json" if status == 200 else PROBLEM
    assert response.headers["content-type"].startswith(expected), response.headers["content-type"]
    return response.json()


@pytest.fixture(scope="module")
def document(published_datasette):
    import asyncio

    async def load():
        return (await published_datasette.client.get("/api/v1/openapi.json")).json()

    return asyncio.run(load())


def _validator(document, name):
    """A JSON Schema validator for a component of the OpenAPI document (3.1 uses JSON Schema 2020-12)."""
    schema = {**document["components"]["schemas"][name], "components": document["components"]}
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


async def test_measures_of_a_theme_with_themes_as_an_array(published_datasette):
    body = await get_json(published_datasette, "/api/v1/measures?theme=ai&limit=2")
    assert len(body["items"]) == 2 and body["limit"] == 2 and body["offset"] == 0
    assert body["total"] > 2 and body["next"].endswith("/api/v1/measures?theme=ai&limit=2&offset=2")
    for measure in body["items"]:
        assert isinstance(measure["themes"], list) and "AI" in measure["themes"]
        assert "ai" in measure["theme_ids"]
        assert isinstance(measure["amount_granted"], int)


async def test_unknown_filter_value_is_a_swedish_problem(published_datasette):
    response = await published_datasette.client.get("/api/v1/measures?theme=finns_inte")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.headers["access-control-allow-origin"] == "*"
    problem = response.json()
    assert problem["status"] == 400 and problem["title"] == "Felaktig begäran"
    assert "Okänt värde 'finns_inte' för theme" in problem["detail"] and "ai" in problem["detail"]
    assert problem["instance"] == "/api/v1/measures"


@pytest.mark.parametrize(
    "path, detail",
    [
        ("/api/v1/decisions?sort=amount", "Okänd parameter 'sort'"),
        ("/api/v1/decisions?status=beviljad", "Okänt värde 'beviljad' för status"),
        ("/api/v1/decisions?decided_on_from=2025-13-01", "ska vara ett datum"),
        ("/api/v1/decisions?limit=0", "limit ska vara ett heltal från 1 till 1000"),
        ("/api/v1/decisions?limit=1001", "limit ska vara ett heltal från 1 till 1000"),
        ("/api/v1/decisions?offset=-1", "offset ska vara ett heltal"),
        ("/api/v1/measures?amount_band=huge", "Okänt värde 'huge' för amount_band"),
        ("/api/v1/measures?status=granted&status=rejected", "får bara anges en gång"),
        ("/api/v1/api-info?x=1", "Okänd parameter 'x'"),
    ],
)
async def test_bad_requests_are_400_problems_in_swedish(published_datasette, path, detail):
    problem = await get_json(published_datasette, path, 400)
    assert detail in problem["detail"]


@pytest.mark.parametrize(
    "path",
    ["/api/v1/decisions/finns_inte", "/api/v1/nothing", "/api/v1/payments/x/notayear", "/api/v1/", "/api/v1/a/b/c/d"],
)
async def test_unknown_addresses_are_404_problems(published_datasette, path):
    problem = await get_json(published_datasette, path, 404)
    assert problem["title"] == "Hittades inte" and "Det finns ingen post" in problem["detail"]


async def test_only_get_and_a_cors_preflight(published_datasette):
    response = await published_datasette.client.post("/api/v1/decisions", data={})
    assert response.status_code == 405 and response.headers["allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["title"] == "Metoden stöds inte"
    preflight = await published_datasette.client.request("OPTIONS", "/api/v1/decisions")
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]


async def test_a_decision_with_real_arrays_and_partners(published_datasette, published_db):
    decision = await get_json(published_datasette, f"/api/v1/decisions/{OREBRO}")
    assert decision["payment_schedule"] == [
        {"year": 2025, "amount": 11_625_000},
        {"year": 2026, "amount": 11_625_000},
        {"year": 2027, "amount": 11_620_000},
    ]
    assert decision["joint"] is False and decision["appealable"] is False and decision["partners"] == []
    assert decision["decided_on"] == "2025-11-11" and decision["amount_granted"] == 34_870_000
    assert set(decision) == set(TABLES["decisions"].column_names) | {"partners"}


async def test_every_array_column_is_an_array(published_datasette):
    for name, resource in api.RESOURCES.items():
        arrays = [c.name for c in resource.table.columns if c.kind is JSON_ARRAY]
        for item in (await get_json(published_datasette, f"/api/v1/{name}?limit=1000"))["items"]:
            assert all(isinstance(item[c], list) for c in arrays), (name, item)


@pytest.mark.parametrize(
    "path, field, expected",
    [
        (f"/api/v1/deadlines/{OREBRO}/interim_report/2026-11-30", "kind", "delredovisning"),
        (f"/api/v1/payments/{OREBRO}/2027", "amount", 11_620_000),
        ("/api/v1/regions/orebro", "name", "Region Örebro län"),
        ("/api/v1/themes/ai", "name", "AI"),
        ("/api/v1/releases/1", "decisions", 1),
    ],
)
async def test_single_items(published_datasette, path, field, expected):
    assert (await get_json(published_datasette, path))[field] == expected


async def test_filters_agree_with_the_database(published_datasette, published_db):
    import sqlite3

    db = sqlite3.connect(published_db)
    granted = db.execute("select count(*) from measures where status = ?", (STATUSES.value("granted"),)).fetchone()[0]
    body = await get_json(published_datasette, "/api/v1/measures?status=granted&limit=1")
    assert body["total"] == granted and len(body["items"]) == 1
    band = AMOUNT_RANGES[2]
    in_band = db.execute(
        "select count(*) from measures where amount_granted >= ? and amount_granted < ?", (band.low, band.high)
    ).fetchone()[0]
    assert (await get_json(published_datasette, f"/api/v1/measures?amount_band={band.key}"))["total"] == in_band
    assert (await get_json(published_datasette, "/api/v1/decisions?region=orebro"))["total"] == 1
    assert (await get_json(published_datasette, "/api/v1/decisions?decided_on_from=2025-11-12"))["total"] == 0
    assert (await get_json(published_datasette, "/api/v1/decisions?decided_on=2025-11-11"))["total"] == 1
    assert (await get_json(published_datasette, "/api/v1/changes?kind=new"))["total"] == 1


async def test_region_filter_includes_decisions_where_the_region_was_a_partner(project, workspace, tmp_path):
    # The real decisions have no joint application yet: a copy of the data where Uppsala applied with Örebro.
    path = workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(path)
    decision["joint_with"] = ["uppsala"]
    write_yaml(path, decision)
    db = tmp_path / "bidrag.db"
    build_database(load_dataset(workspace.data_dir), db)
    datasette = make_datasette(project, db)
    for resource in ("decisions", "measures"):
        partner = await get_json(datasette, f"/api/v1/{resource}?region=uppsala")
        applicant = await get_json(datasette, f"/api/v1/{resource}?region=orebro")
        assert partner["total"] == applicant["total"] > 0, resource
    assert (await get_json(datasette, "/api/v1/decisions?region=skane"))["total"] == 0
    assert (await get_json(datasette, f"/api/v1/decisions/{OREBRO}"))["partners"] == ["uppsala"]


async def test_paging_walks_every_item_once(published_datasette):
    seen, path = [], "/api/v1/measures?limit=3"
    while path:
        body = await get_json(published_datasette, path)
        seen += [m["id"] for m in body["items"]]
        path = body["next"] and body["next"].removeprefix("http://127.0.0.1:8001")
    assert len(seen) == len(set(seen)) == body["total"] > 3


async def test_responses_match_the_openapi_document(published_datasette, document):
    assert document["openapi"] == "3.1.0"
    assert "Effektivitetsdelegationens" in document["info"]["x-description-sv"]
    assert "Efficiency Delegation" in document["info"]["x-description-en"]
    for name in api.RESOURCES:
        schema = "".join(part.title() for part in name.split("_"))
        body = await get_json(published_datasette, f"/api/v1/{name}?limit=1000")
        errors = list(_validator(document, f"{schema}List").iter_errors(body))
        assert not errors, (name, errors[:3])
        assert len(body["items"]) > 0 or name == "changes", name
    info = await get_json(published_datasette, "/api/v1/api-info")
    assert not list(_validator(document, "ApiInfo").iter_errors(info))


def test_document_is_generated_from_the_schema(document):
    measures = document["components"]["schemas"]["Measures"]["properties"]
    assert measures["themes"]["type"] == "array" and measures["themes"]["items"] == {"type": "string"}
    assert measures["amount_granted"]["type"] == ["integer", "null"]
    assert measures["decided_on"]["format"] == "date"
    assert set(measures) == set(TABLES["measures"].column_names) | {"theme_ids"}
    schedule = document["components"]["schemas"]["Decisions"]["properties"]["payment_schedule"]
    assert schedule["items"]["properties"] == {"year": {"type": "integer"}, "amount": {"type": "integer"}}
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/measures"]["get"]["parameters"]}
    assert set(parameters) == {"limit", "offset"} | {f.name for f in api.RESOURCES["measures"].filters}
    assert "ai" in parameters["theme"]["schema"]["enum"]


async def test_the_api_page_documents_the_document_with_working_examples(published_datasette, document):
    html = (await published_datasette.client.get("/data_and_api")).text
    text = visible_text(html)
    for path in document["paths"]:
        assert path in text, path
    curls = [url for url in re.findall(r"curl '([^']+)'", text) if "/api/v1/" in url]
    assert len(curls) >= 10
    for url in curls:
        parts = urlsplit(url)
        response = await published_datasette.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200 and response.headers["content-type"].startswith("application/json"), url
    shown = re.search(r'<pre class="problem"[^>]*><code>(.*?)</code></pre>', html, re.S).group(1)
    live = await published_datasette.client.get("/api/v1/measures?theme=finns_inte")
    assert json.loads(unescape(shown)) == live.json() and live.status_code == 400


async def test_datasette_json_is_unchanged(published_datasette):
    rows = await get_json(published_datasette, "/bidrag/measures.json?_shape=array&_size=1")
    assert isinstance(rows[0]["themes"], str)  # Datasette's own JSON keeps the stored JSON text


@pytest.fixture(scope="module")
def live_api(project, published_db, tmp_path_factory):
    """A real server over a copy of the published release (datasette serve names the database after its file)."""
    db = tmp_path_factory.mktemp("live") / "bidrag.db"
    shutil.copyfile(published_db, db)
    with live_server(project, db) as base:
        yield base


# Deterministic and bounded: the same examples every run, a few per operation (about 20 operations), one worker.
SCHEMATHESIS = [
    "--generation-deterministic",
    "--seed=1",
    "--max-examples=15",
    "--workers=1",
    "--phases=examples,coverage,fuzzing",
    "--checks=all",
    "--no-color",
    "--suppress-health-check=all",
]


def test_schemathesis_finds_no_server_error_and_no_response_outside_the_document(live_api, tmp_path):
    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("schemathesis")),
            "run",
            f"{live_api}/api/v1/openapi.json",
            f"--url={live_api}",
            *SCHEMATHESIS,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "No issues found" in result.stdout, result.stdout[-3000:]


@pytest.mark.parametrize("written", ["1 000 000", "1\xa0000\xa0000 kr", "1000000kr", " 1 000 000 "])
async def test_an_amount_filter_takes_the_amount_as_people_write_it(datasette, written):
    """As the site shows amounts (1 000 000 kr); Datasette compared such a value as text: 0 rows."""
    every = await get_json(datasette, "/bidrag/measures.json?_shape=array&_size=max&_col=amount_granted")
    plain = await get_json(datasette, "/bidrag/measures.json?_shape=array&_size=max&amount_granted__gte=1000000")
    assert 0 < len(plain) < len(every) and all(row["amount_granted"] >= 1_000_000 for row in plain)
    response = await datasette.client.get(
        "/bidrag/measures.json", params={"_shape": "array", "_size": "max", "amount_granted__gte": written}
    )
    assert response.status_code == 200 and response.json() == plain
