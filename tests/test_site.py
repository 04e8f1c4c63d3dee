"""The Datasette site on the real built database: API, facets, canned queries, rendering, settings."""

import json
import sqlite3
import subprocess
import sys
from urllib.parse import quote

import pytest
import sqlite_utils
import yaml

from bidrag import facet_index
from bidrag.schema import GRANTED
from bidrag.site import SETTINGS, metadata, serve_arguments

from .conftest import OREBRO, ROOT

NBSP = "\u00a0"


async def get_json(datasette, path, **params):
    response = await datasette.client.get(path, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


async def test_decisions_api_returns_the_orebro_decision(datasette):
    rows = await get_json(datasette, "/bidrag/decisions.json", _shape="array")
    assert [r["id"] for r in rows] == [OREBRO]
    decision = rows[0]
    assert decision["amount_applied"] == 147_971_000
    assert decision["amount_granted"] == 34_870_000
    assert decision["amount_rejected"] == 113_101_000
    assert json.loads(decision["payment_schedule"]) == [
        {"year": 2025, "amount": 11_625_000},
        {"year": 2026, "amount": 11_625_000},
        {"year": 2027, "amount": 11_620_000},
    ]
    assert decision["interim_report_due_on"] == "2026-11-30"
    assert decision["final_report_due_on"] == "2028-02-28"
    assert decision["completion_due_on"] == "2027-12-31"


async def test_payments_and_deadlines_tables(datasette):
    payments = await get_json(datasette, "/bidrag/payments.json", _shape="array", decision_id=OREBRO, _sort="year")
    assert [(p["year"], p["amount"]) for p in payments] == [(2025, 11_625_000), (2026, 11_625_000), (2027, 11_620_000)]
    interim = await get_json(datasette, "/bidrag/deadlines.json", _shape="array", kind="delredovisning")
    assert [(d["decision_id"], d["due_on"]) for d in interim] == [(OREBRO, "2026-11-30")]


def facet_counts(data, name):
    return {item["label"]: item["count"] for item in data["facet_results"][name]["results"]}


async def test_measures_offer_the_configured_facets(datasette):
    data = await get_json(datasette, "/bidrag/measures.json")
    assert set(data["facet_results"]) == {"status", "region_id", "themes", "reason_category", "decided_on"}
    assert facet_counts(data, "status") == {"avslagen": 5, "beviljad": 2, "delvis beviljad": 1}
    assert facet_counts(data, "region_id") == {"Region Örebro län": 8}
    themes = facet_counts(data, "themes")
    assert themes["AI"] == 4 and themes["Automatisering och RPA"] == 2
    assert facet_counts(data, "reason_category")["Inte prioriterad"] == 2
    assert facet_counts(data, "decided_on") == {"2025-11-11": 8}


async def test_facets_combine_with_search_and_filters(datasette):
    data = await get_json(datasette, "/bidrag/measures.json", _search="AI", status="avslagen", _shape="objects")
    assert {r["status"] for r in data["rows"]} == {"avslagen"} and len(data["rows"]) == 3
    assert facet_counts(data, "status") == {"avslagen": 3}
    array = await get_json(datasette, "/bidrag/measures.json", themes__arraycontains="Taligenkänning", _shape="array")
    assert [m["title"] for m in array] == ["Implementering av AI-baserad taligenkänning"]


async def test_decisions_offer_outcome_and_region_facets(datasette):
    data = await get_json(datasette, "/bidrag/decisions.json")
    assert facet_counts(data, "outcome") == {"delvis beviljad": 1}
    assert facet_counts(data, "region_id") == {"Region Örebro län": 1}


async def test_canned_query_totals_per_region(datasette):
    rows = await get_json(datasette, "/bidrag/totals_per_region.json", _shape="array")
    assert len(rows) == 21
    first = rows[0]
    assert first["region_name"] == "Region Örebro län"
    assert (first["amount_applied"], first["amount_granted"], first["amount_rejected"]) == (
        147_971_000,
        34_870_000,
        113_101_000,
    )
    assert first["granted_percent"] == round(100 * 34_870_000 / 147_971_000, 1)
    assert all(r["amount_granted"] == 0 and r["granted_percent"] is None for r in rows[1:])


async def test_canned_query_rejected_measures_with_reasons(datasette, built_db):
    rows = await get_json(datasette, "/bidrag/rejected_measures.json", _shape="array")
    expected = {r["id"] for r in sqlite_utils.Database(built_db)["measures"].rows_where("status != 'beviljad'")}
    assert {r["measure_id"] for r in rows} == expected and len(rows) == 6
    assert all(r["reason"] and r["reason_category_name"] for r in rows)
    cosmic = next(r for r in rows if "Cosmic Nova" in r["title"])
    assert cosmic["reason_category_name"] == "Knuten till ett specifikt system"
    assert "specifikt system" in cosmic["reason"]


@pytest.mark.parametrize("today", ["2026-06-15", "2027-01-01", "2028-03-01"])
async def test_canned_query_upcoming_deadlines_follows_the_clock(datasette, built_db, monkeypatch, today):
    monkeypatch.setenv("BIDRAG_TODAY", today)
    rows = await get_json(datasette, "/bidrag/upcoming_deadlines.json", _shape="array")
    expected = [
        (r["due_on"], r["kind"])
        for r in sqlite_utils.Database(built_db).query(
            "select due_on, kind from deadlines where due_on >= ? order by due_on", [today]
        )
    ]
    assert [(r["due_on"], r["kind"]) for r in rows] == expected
    assert all(r["region_name"] == "Region Örebro län" for r in rows)
    # The Örebro deadlines run 2026-11-30 to 2028-02-28: each pinned date sees a different number.
    assert len(expected) == {"2026-06-15": 3, "2027-01-01": 2, "2028-03-01": 0}[today]


async def test_html_shows_kronor_and_json_keeps_integers(datasette):
    html = (await datasette.client.get(f"/bidrag/decisions/{OREBRO}")).text
    assert f"34{NBSP}870{NBSP}000{NBSP}kr" in html
    assert f"147{NBSP}971{NBSP}000{NBSP}kr" in html
    query = (await datasette.client.get("/bidrag/totals_per_region")).text
    assert f"113{NBSP}101{NBSP}000{NBSP}kr" in query
    data = await get_json(datasette, f"/bidrag/decisions/{OREBRO}.json", _shape="array")
    assert data[0]["amount_granted"] == 34_870_000


async def test_reasons_render_as_markdown(datasette):
    html = (await datasette.client.get(f"/bidrag/decisions/{OREBRO}")).text
    assert "<h3>Bidragets syfte</h3>" in html
    measure = (await datasette.client.get(f"/bidrag/measures/{OREBRO}_03")).text
    assert "<p>Ett succesivt införande av AI-baserad taligenkänning" in measure


def test_metadata_describes_every_table_and_column(project, built_db):
    site = yaml.safe_load((ROOT / "metadata.yml").read_text("utf-8"))
    assert site["license"].startswith("CC0 1.0") and site["source"] and site["title"]
    # Table and column descriptions live only in bidrag.schema, never a second time in metadata.yml.
    assert "tables" not in site.get("databases", {}).get("bidrag", {})
    described = metadata(project)["databases"]["bidrag"]["tables"]
    db = sqlite_utils.Database(built_db)
    public = [t for t in db.table_names() if not t.startswith("measures_fts")]
    assert sorted(described) == sorted(public)
    for name in public:
        assert described[name]["title"] and described[name]["description"], name
        assert list(described[name]["columns"]) == list(db[name].columns_dict), name
        assert all(text.strip() for text in described[name]["columns"].values()), name


async def test_public_read_only_settings(datasette):
    assert datasette.setting("suggest_facets") is False
    assert datasette.setting("sql_time_limit_ms") < 1000
    assert datasette.setting("trace_debug") is False and datasette.setting("template_debug") is False
    assert datasette.get_database("bidrag").is_mutable is False
    assert (await datasette.client.get("/bidrag/measures.json?_trace=1")).json().get("_trace") is None


async def test_the_published_file_is_read_through_a_memory_map(datasette, built_db):
    database = datasette.get_database("bidrag")
    mapped = (await database.execute("pragma mmap_size")).first()[0]
    assert mapped >= built_db.stat().st_size
    # Visitor SQL gets the same map and cannot turn it off for the site's pages: its pragmas are refused.
    response = await datasette.client.get("/bidrag.json?sql=" + quote("pragma mmap_size = 0"))
    assert response.status_code == 400
    assert (await database.execute("pragma mmap_size")).first()[0] == mapped


def test_serve_arguments_run_the_same_site_through_datasettes_cli(project, built_db):
    """`bidrag serve` hands these arguments to `datasette serve`; --get runs one request with them."""
    arguments = serve_arguments(project, "127.0.0.1", 8001, built_db)
    assert all(name in arguments for name in SETTINGS)
    result = subprocess.run(
        [sys.executable, "-m", "datasette", *arguments, "--get", "/bidrag/search_measures.json?q=robot&_shape=array"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    titles = {row["title"] for row in json.loads(result.stdout)}
    assert {"Läkemedelsrobot", "Robotstyrd processautomation"} <= titles
    settings = subprocess.run(
        [sys.executable, "-m", "datasette", *arguments, "--get", "/bidrag/regions.json?_size=1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(settings.stdout)["suggested_facets"] == []  # suggest_facets off (/-/settings is closed)


def test_serve_explains_a_database_file_with_another_name(project, built_db, tmp_path):
    from click.testing import CliRunner

    from bidrag.cli import cli

    other = tmp_path / "annat.db"
    other.write_bytes(built_db.read_bytes())
    result = CliRunner().invoke(cli, ["--root", str(project.root), "serve", "--db", str(other)])
    assert result.exit_code == 1 and not isinstance(result.exception, ValueError)
    assert "must be bidrag.db" in result.stderr


async def test_the_themes_facet_counts_like_the_build_time_table(datasette, built_db):
    """The array facet (plugins/array_facets.py) gives exactly the counts of measure_themes."""
    response = await datasette.client.get("/bidrag/measures.json?_size=1&status=" + quote(GRANTED))
    facet = response.json()["facet_results"]["themes"]
    counted = {r["value"]: r["count"] for r in facet["results"]}
    with sqlite3.connect(built_db) as connection:
        expected = dict(
            connection.execute(
                "select t.name, count(*) from measure_themes mt join themes t on t.id = mt.theme_id "
                "join measures m on m.id = mt.measure_id where m.status = ? group by t.name",
                (GRANTED,),
            ).fetchall()
        )
    assert counted == expected and sum(counted.values()) > 0
    assert all("themes__arraycontains=" in r["toggle_url"] for r in facet["results"])
    assert "themes" not in response.json().get("facets_timed_out", [])


@pytest.mark.parametrize(
    "query, where, params",
    [
        ("", "", ()),
        ("status=" + quote(GRANTED), "where status = ?", (GRANTED,)),
        ("amount_granted__gte=1000000", "where amount_granted >= ?", (1_000_000,)),
        ("_search=" + quote("vård"), "where id in (select value from json_each(?))", "search"),
    ],
)
async def test_the_shown_facets_count_what_sql_counts_for_the_same_selection(datasette, built_db, query, where, params):
    """The column facets come from bit sets (plugins/indexed_facets.py): the counts of a group by."""
    page = (await datasette.client.get(f"/bidrag/measures.json?_size=1&{query}")).json()
    assert page.get("facets_timed_out", []) == []
    if params == "search":  # what the Swedish search found, from its own rows
        found = (await datasette.client.get(f"/bidrag/measures.json?_size=max&_shape=array&{query}")).json()
        params = (json.dumps([row["id"] for row in found]),)
    with sqlite3.connect(built_db) as connection:
        selected = connection.execute(f"select count(*) from measures {where}", params).fetchone()[0]
        assert page["filtered_table_rows_count"] == selected > 0
        for column in ("status", "region_id", "reason_category", "decided_on"):
            expected = connection.execute(
                f"select {column}, count(*) from measures {where} {'and' if where else 'where'} {column} is not null "
                f"group by {column} order by count(*) desc, {column}",
                params,
            ).fetchall()
            facet = page["facet_results"][column]
            assert [(r["value"], r["count"]) for r in facet["results"]] == expected, column


@pytest.mark.parametrize(
    "query, condition",
    [
        ("", "1"),
        ("amount_granted__gte=1", "amount_granted >= 1"),
        ("_where=" + quote("amount_granted > 0 or status = 'avslagen'"), "amount_granted > 0 or status = 'avslagen'"),
    ],
)
async def test_the_shown_facets_hold_when_rowids_do_not_follow_the_keys(project, built_db, tmp_path, query, condition):
    """The bit sets number the rows by rowid, as SQLite gives them for a filter (plugins/indexed_facets.py):
    a row moved to the end of the rowids is still counted as itself."""
    import shutil

    from bidrag.site import make_datasette

    db = tmp_path / "bidrag.db"
    shutil.copyfile(built_db, db)
    with sqlite3.connect(db) as connection:
        (first,) = connection.execute("select id from measures order by id limit 1").fetchone()
        connection.execute("update measures set rowid = (select max(rowid) + 7 from measures) where id = ?", (first,))
        expected = {
            column: connection.execute(
                f"select {column}, count(*) from measures where ({condition}) and {column} is not null "
                f"group by {column} order by count(*) desc, {column}"
            ).fetchall()
            for column in ("status", "region_id", "reason_category")
        }
    page = (await make_datasette(project, db).client.get(f"/bidrag/measures.json?_size=1&{query}")).json()
    assert page.get("facets_timed_out", []) == [] and len(expected["status"]) > 1
    for column, rows in expected.items():
        assert [(r["value"], r["count"]) for r in page["facet_results"][column]["results"]] == rows, column


async def test_a_facet_a_visitor_adds_is_counted_beside_the_indexed_ones(datasette, built_db):
    page = (await datasette.client.get("/bidrag/measures.json?_size=1&_facet=decision_id&_facet_size=2")).json()
    with sqlite3.connect(built_db) as connection:
        decisions = connection.execute(
            "select decision_id, count(*) from measures group by decision_id order by 2 desc, 1"
        ).fetchall()
        reasons = connection.execute(
            "select count(distinct reason_category) from measures where reason_category is not null"
        ).fetchone()[0]
    added = page["facet_results"]["decision_id"]
    assert [(r["value"], r["count"]) for r in added["results"]] == decisions[:2]
    assert added["hideable"] and not page["facet_results"]["status"]["hideable"]
    shown = page["facet_results"]["reason_category"]
    assert len(shown["results"]) == min(2, reasons) and shown["truncated"] is (reasons > 2)
    assert all(r["label"] != r["value"] for r in page["facet_results"]["region_id"]["results"])  # names, not ids


def test_facet_rows_are_ordered_as_sqlite_orders_them():
    masks = {"b": 0b0110, "a": 0b0011, 3: 0b0100, "c": 0b1000, "unselected": 0b10000}
    rows = facet_index.counts(masks, selection=0b1111, limit=3)
    assert rows == [{"value": "a", "count": 2}, {"value": "b", "count": 2}, {"value": 3, "count": 1}]


def plugin(name: str):
    """One of plugins/ as Datasette loaded it (the datasette fixture has loaded them)."""
    from datasette.plugins import pm

    return next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == f"{name}.py")


def test_rows_only_shapes_skip_facets_and_the_count(datasette):
    lean = plugin("query_rewrites").lean_query
    assert lean("/bidrag/measures.json", b"_shape=array&status=avslagen") == (
        b"_shape=array&status=avslagen&_nofacet=1&_nocount=1"
    )
    assert lean("/bidrag/measures.json", b"_shape=object&_nocount=0") == b"_shape=object&_nocount=0&_nofacet=1"
    assert lean("/bidrag/measures.json", b"status=avslagen") is None  # objects: facets and count shown
    assert lean("/bidrag/measures", b"_shape=array") is None


def test_a_facet_is_asked_for_once(datasette):
    once = plugin("query_rewrites").single_facets
    assert once("/bidrag/measures", b"_facet=status&_facet=title&_facet=title&x=1") == b"_facet=title&x=1"
    assert once("/bidrag/measures.json", b"_facet=title") is None  # nothing repeated: the query as it was
    assert once("/bidrag/nope", b"_facet=status") is None
    # themes is shown as an array facet: neither again as an array nor as a column of JSON lists
    assert once("/bidrag/measures", b"_facet=themes&_facet_array=themes&_facet_array=title") == b"_facet_array=title"


async def test_a_facet_the_table_shows_is_shown_once(datasette):
    shown = (await datasette.client.get("/bidrag/measures.json?_facet=status&_facet=title&_facet=title")).json()
    assert sorted(shown["facet_results"]) == sorted(
        ["status", "region_id", "reason_category", "decided_on", "themes", "title"]
    )
    html = (await datasette.client.get("/bidrag/measures?_facet=status&_facet=status")).text
    assert html.count('id="facet-status"') == 1 and html.count('class="facet-info"') == 5
    html = (await datasette.client.get("/bidrag/measures?_facet=themes&_facet_array=themes")).text
    assert html.count('id="facet-themes"') == 1 and html.count('class="facet-info"') == 5


async def test_a_facet_without_values_in_the_selection_says_so(datasette):
    html = (await datasette.client.get("/bidrag/measures?status=" + quote(GRANTED))).text
    reasons = html[html.index('id="facet-reason_category"') :]
    reasons = reasons[: reasons.index("</div>")]
    assert "Inga värden bland de valda raderna" in reasons and "<a href" not in reasons.split("</h3>")[1]
    everything = (await datasette.client.get("/bidrag/measures")).text
    assert "Inga värden bland de valda raderna" not in everything


async def test_the_array_shape_holds_the_same_rows_page_by_page(datasette):
    whole = (await datasette.client.get("/bidrag/measures.json?_shape=objects&_size=max")).json()
    assert whole["facet_results"] and whole["filtered_table_rows_count"] == len(
        whole["rows"]
    )  # objects keep their facets
    rows, path = [], "/bidrag/measures.json?_shape=array&_size=3"
    while path:
        response = await datasette.client.get(path)
        rows += response.json()
        link = response.headers.get("link", "")
        path = link[link.index("/bidrag") : link.index(">")] if 'rel="next"' in link else None
    assert rows == whole["rows"] and len(rows) > 3
