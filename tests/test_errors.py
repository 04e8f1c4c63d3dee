"""Every error a visitor can cause: its right status, Swedish words, the security headers, one log line."""

import json
import subprocess
import sys
from urllib.parse import quote

import pytest

from .html import links_with_text

ENGLISH = ("not found", "Cannot ", "must be", "Invalid", "no such", "syntax error", "took too long", "Traceback")


def assert_swedish(response, status):
    assert response.status_code == status, (response.status_code, response.text[:300])
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "x-bidrag-error" not in response.headers
    for word in ENGLISH:
        assert word not in response.text, (word, response.text[:300])


@pytest.mark.parametrize(
    "path, status, words",
    [
        ("/bidrag/measures?_sort=nope", 400, "Det går inte att sortera på nope."),
        ("/bidrag/measures?_sort=id&_sort_desc=id", 400, "inte båda"),
        ("/bidrag/measures?_timelimit=abc", 400, "Förfrågan innehåller en parameter"),
        ("/bidrag/measures?_size=abc", 400, "_size måste vara ett positivt heltal."),
        ("/bidrag/measures?_facet=nope", 400, "Kolumnen nope finns inte."),
        (
            "/bidrag/measures?amount_granted__gte=abc",
            400,
            "”abc” i filtret på beviljat belopp (amount_granted__gte) är inget belopp",
        ),
        ("/bidrag/measures?amount_granted__lt=", 400, "Filtret på beviljat belopp (amount_granted__lt) saknar värde"),
        ("/bidrag?sql=" + quote("select nope from measures"), 400, "Kolumnen nope finns inte."),
        ("/nope", 404, "Sidan finns inte"),
        ("/bidrag/nope", 404, "Sidan finns inte"),
        ("/bidrag/measures/nope", 404, "Sidan finns inte"),
    ],
)
async def test_errors_are_swedish_pages(datasette, path, status, words):
    response = await datasette.client.get(path)
    assert_swedish(response, status)
    assert words in response.text and '<html lang="sv">' in response.text


@pytest.mark.parametrize(
    "path, status, message",
    [
        ("/bidrag/measures.json?_sort=nope", 400, "Det går inte att sortera på nope."),
        ("/bidrag/measures.json?_size=5000", 400, "_size får vara högst 1000."),
        (
            "/bidrag/payments.json?amount__lt=1%2C5",
            400,
            "”1,5” i filtret på belopp (amount__lt) är inget belopp: ange hela kronor med siffror, "
            "till exempel 1000000 eller 1 000 000.",
        ),
        ("/bidrag.json?sql=" + quote("update measures set id = 1"), 400, "Bara frågor som läser (select) är tillåtna."),
        ("/bidrag.json?sql=" + quote("select * from nope"), 400, "Tabellen nope finns inte."),
        ("/nope.json", 404, "Vi hittar inte det du söker. Kontrollera adressen eller börja på startsidan."),
    ],
)
async def test_errors_are_swedish_json(datasette, path, status, message):
    response = await datasette.client.get(path)
    assert_swedish(response, status)
    body = json.loads(response.text)
    assert body["ok"] is False and body["status"] == status and body["error"] == message


async def test_invalid_sql_in_csv_is_a_400_not_an_empty_200(datasette):
    response = await datasette.client.get("/bidrag.csv?sql=" + quote("select nope from nope"))
    assert_swedish(response, 400)
    good = await datasette.client.get("/bidrag.csv?sql=" + quote("select id from regions where id = 'orebro'"))
    assert good.status_code == 200 and good.text.split() == ["id", "orebro"]
    empty = await datasette.client.get("/bidrag.csv?sql=" + quote("select id from regions where 0"))
    assert empty.status_code == 200 and empty.text.strip() == "id"  # no rows is not an error


DEBUG_PAGES = ["/-/patterns", "/-/allow-debug", "/-/messages", "/-/threads", "/-/plugins", "/-/settings",
               "/-/settings.json", "/-/metadata", "/-/metadata.json", "/-/actor", "/-/databases", "/-/permissions",
               "/-/versions", "/-/config", "/-/logout", "/-/plugins.json"]  # fmt: skip


@pytest.mark.parametrize("path", DEBUG_PAGES)
async def test_debug_and_introspection_pages_do_not_exist(datasette, path):
    assert_swedish(await datasette.client.get(path), 404)


async def test_the_health_endpoint_and_static_files_stay(datasette):
    health = await datasette.client.get("/-/versions.json")
    assert health.status_code == 200 and "datasette" in health.json()
    assert (await datasette.client.get("/-/static/app.css")).status_code == 200


def test_one_log_line_per_error_and_no_traceback(project, built_db):
    """A real server, rich installed: each bad request leaves exactly one line in the log."""
    script = f"""
import asyncio, sys
from pathlib import Path
from bidrag.project import Project
from bidrag.site import make_datasette
ds = make_datasette(Project(Path({str(project.root)!r})), Path({str(built_db)!r}))
async def main():
    for path in ["/bidrag/measures?_sort=nope", "/nope", "/bidrag.csv?sql=select+nope", "/-/threads"]:
        print("status", (await ds.client.get(path)).status_code, file=sys.stderr, flush=True)
asyncio.run(main())
"""
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert "Traceback" not in result.stderr and "╭" not in result.stderr, result.stderr[:2000]
    statuses = [line for line in lines if line.startswith("status")]
    assert statuses == ["status 400", "status 404", "status 400", "status 404"]
    # Start-up warnings (the catalogue's publisher identifier not yet set) are not error lines.
    logged = [line for line in lines if not line.startswith(("status", "VARNING"))]
    assert len(logged) == 4, lines
    assert "/bidrag/measures ?_sort=nope -> 400 DatasetteError: Cannot sort table by nope" in logged[0]


@pytest.mark.parametrize(
    "path, back",
    [
        ("/bidrag/measures?amount_granted__gte=abc&status=avslagen", "/bidrag/measures"),
        ("/measures?q=robot&expand=nope", "/measures"),
        ("/measures.csv?status=x", "/measures"),  # the page the download comes from, not the file
        ("/bidrag/measures.json?_sort=nope", None),  # JSON: no page, no link
        ("/nope?x=1", None),  # a 404 has no page to go back to
    ],
)
async def test_an_error_over_a_parameter_leads_back_to_the_page_without_any(datasette, path, back):
    response = await datasette.client.get(path)
    links = dict((words, href) for href, words in links_with_text(response.text))
    assert links.get("Tillbaka till sidan utan filter och val") == back
    if back:
        assert response.status_code == 400 and (await datasette.client.get(back)).status_code == 200
