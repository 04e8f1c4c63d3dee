"""Feeds (Atom, JSON Feed 1.1, iCalendar) and exports (CSV, Frictionless, DCAT-AP-SE), validated."""

import csv
import hashlib
import io
import shutil
from urllib.parse import urlsplit

import feedparser
import icalendar
import pytest
import sqlite_utils
from frictionless import validate
from rdflib import RDF, Graph, URIRef
from rdflib import namespace as ns

from bidrag.build import build_database
from bidrag.calendar import calendar_text, calendar_text_apart
from bidrag.dataset import load_dataset
from bidrag.memo import ReleaseMemo
from bidrag.project import Project
from bidrag.publish import Site
from bidrag.schema import TABLES
from bidrag.site import LOCAL_BASE_URL, make_datasette
from bidrag.spreadsheet import safe_cell

from .conftest import OREBRO, ROOT, read_yaml, run_cli, write_yaml
from .html import parse

VCARD = "http://www.w3.org/2006/vcard/ns#"


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """The real data published once, as staff would."""
    root = tmp_path_factory.mktemp("published")
    for name in ("data", "plugins", "templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copyfile(ROOT / "metadata.yml", root / "metadata.yml")
    project = Project(root)
    assert run_cli(project, "publish").exit_code == 0
    live = Site(root / "build" / "site").live
    return make_datasette(project, live), sqlite_utils.Database(live)


async def get(datasette, path, content_type):
    response = await datasette.client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith(content_type), response.headers["content-type"]
    return response


async def test_atom_feeds_parse_and_point_at_decisions(published):
    datasette, db = published
    for feed_name in ("decisions", "changes"):
        body = (await get(datasette, f"/feeds/{feed_name}.atom", "application/atom+xml")).text
        feed = feedparser.parse(body)
        assert not feed.bozo, feed.get("bozo_exception")
        assert feed.version == "atom10"
        assert feed.feed.title and feed.feed.id and feed.feed.updated
        assert feed.feed.language == "sv"
        assert len(feed.entries) == db["decisions"].count
        for entry in feed.entries:
            assert entry.id.startswith(f"{LOCAL_BASE_URL}/") and entry.title and entry.updated
            assert f"/bidrag/decisions/{OREBRO}" in entry.link
    decisions = feedparser.parse((await get(datasette, "/feeds/decisions.atom", "application/atom+xml")).text)
    again = feedparser.parse((await get(datasette, "/feeds/decisions.atom", "application/atom+xml")).text)
    assert [(e.id, e.updated) for e in again.entries] == [(e.id, e.updated) for e in decisions.entries]
    expected = "Region Örebro län: delvis beviljad, 34 870 000 kr av 147 971 000 kr".replace(" kr", "\xa0kr")
    assert decisions.entries[0].title == expected.replace("34 870 000", "34\xa0870\xa0000").replace(
        "147 971 000", "147\xa0971\xa0000"
    )


async def test_json_feeds_have_the_required_fields(published):
    datasette, _ = published
    for feed_name in ("decisions", "changes"):
        feed = (await get(datasette, f"/feeds/{feed_name}.json", "application/feed+json")).json()
        assert feed["version"] == "https://jsonfeed.org/version/1.1"
        assert feed["title"] and feed["feed_url"] == f"{LOCAL_BASE_URL}/feeds/{feed_name}.json"
        assert feed["items"]
        for item in feed["items"]:
            assert isinstance(item["id"], str) and item["id"]
            assert item.get("content_html") or item.get("content_text")
            assert item["date_published"].endswith("Z") and item["url"].startswith(f"{LOCAL_BASE_URL}/")
        modified = [item["date_modified"] for item in feed["items"]]
        assert modified == sorted(modified, reverse=True)  # newest first


async def test_calendars_parse_with_stable_uids(published):
    datasette, db = published
    body = (await get(datasette, "/feeds/deadlines.ics", "text/calendar")).text
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
    events = calendar.walk("VEVENT")
    assert len(events) == db["deadlines"].count
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    assert f"{OREBRO}.delredovisning.2026-11-30@bidrag.effektivitetsdelegationen" in uids
    for event in events:
        assert event["DTSTAMP"] and event["DTSTART"] and event["SUMMARY"]
    second = icalendar.Calendar.from_ical((await get(datasette, "/feeds/deadlines.ics", "text/calendar")).text)
    assert [str(e["UID"]) for e in second.walk("VEVENT")] == uids
    assert body == (await get(datasette, "/feeds/deadlines.ics", "text/calendar")).text  # byte-stable
    orebro = icalendar.Calendar.from_ical((await get(datasette, "/feeds/deadlines/orebro.ics", "text/calendar")).text)
    assert len(orebro.walk("VEVENT")) == 3
    skane = icalendar.Calendar.from_ical((await get(datasette, "/feeds/deadlines/skane.ics", "text/calendar")).text)
    assert skane.walk("VEVENT") == []
    assert (await datasette.client.get("/feeds/deadlines/atlantis.ics")).status_code == 404


async def test_a_large_calendar_is_made_in_a_child_process_the_same_way(published):
    """From APART_FROM events on, `python -m bidrag.calendar` writes the calendar: the same bytes as in
    the server's own process, and a child that fails is an error naming it, not an empty calendar."""
    from datasette.plugins import pm

    _, db = published
    rows = list(db.query(pm.get_plugin("feeds.py").DEADLINES, {"region": None, "theme": None}))
    assert rows
    apart = await calendar_text_apart(rows, LOCAL_BASE_URL, "Örebro", apart_from=0)
    assert apart == calendar_text(rows, LOCAL_BASE_URL, "Örebro")
    assert len(icalendar.Calendar.from_ical(apart).walk("VEVENT")) == len(rows)
    with pytest.raises(RuntimeError, match="bidrag.calendar ended with 1"):
        await calendar_text_apart([{**rows[0], "due_on": "inte ett datum"}], LOCAL_BASE_URL, "", apart_from=0)


async def test_an_empty_feed_is_as_recent_as_the_last_publication(published):
    """A region without decisions has an empty feed; it was last brought up to date when the
    release was published, not at a fixed date."""
    datasette, db = published
    quiet = db.execute("select id from regions where id not in (select region_id from decisions) limit 1").fetchone()[0]
    feed = feedparser.parse((await get(datasette, f"/feeds/regions/{quiet}.atom", "application/atom+xml")).text)
    assert not feed.bozo and feed.entries == []
    published_at = db.execute("select max(published_at) from releases").fetchone()[0]
    assert published_at and feed.feed.updated.replace("+00:00", "Z") == published_at


async def test_pages_link_their_feeds(published):
    datasette, _ = published
    html = (await datasette.client.get("/")).text
    alternates = {
        (attrs["type"], attrs["href"])
        for tag, attrs in parse(html).tagged
        if tag == "link" and attrs.get("rel") == "alternate"
    }
    assert {
        ("application/atom+xml", "/feeds/decisions.atom"),
        ("application/atom+xml", "/feeds/changes.atom"),
        ("application/feed+json", "/feeds/decisions.json"),
        ("text/calendar", "/feeds/deadlines.ics"),
    } <= alternates
    region = (await datasette.client.get("/bidrag/regions/orebro")).text
    calendars = [a["href"] for tag, a in parse(region).tagged if tag == "link" and a.get("type") == "text/calendar"]
    assert calendars == ["/feeds/deadlines.ics", "/feeds/regions/orebro.ics"]  # the site's and the region's, once
    # The region's calendar under the deadlines feeds is the same calendar, for whoever subscribed there.
    same = [
        (await get(datasette, f"/feeds/{kind}/orebro.ics", "text/calendar")).text for kind in ("regions", "deadlines")
    ]
    assert same[0] == same[1] and "BEGIN:VEVENT" in same[0]


@pytest.mark.parametrize("table", TABLES)
async def test_csv_of_every_table_and_its_excel_variant(published, table):
    datasette, db = published
    plain = (await get(datasette, f"/exports/{table}.csv", "text/csv")).text
    rows = list(csv.reader(io.StringIO(plain)))
    assert rows[0] == list(db[table].columns_dict)
    assert len(rows) - 1 == db[table].count
    excel = (await get(datasette, f"/exports/excel/{table}.csv", "text/csv")).content
    assert excel.startswith("\ufeff".encode("utf-8"))
    text = excel.decode("utf-8-sig")
    assert "\r\n" in text
    assert list(csv.reader(io.StringIO(text, newline=""), delimiter=";")) == [[safe_cell(v) for v in r] for r in rows]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_safe_cell_neutralises_what_excel_reads_as_a_formula(start):
    formula = f'{start}HYPERLINK("https://evil.example";"klicka")'
    assert safe_cell(formula) == "'" + formula
    assert safe_cell("Läkemedelsrobot = bra") == "Läkemedelsrobot = bra"
    assert safe_cell(-5) == -5 and safe_cell(None) is None and safe_cell("") == ""


async def test_a_formula_in_a_decision_stays_text_in_the_excel_export(tmp_path):
    for name in ("data", "plugins", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copyfile(ROOT / "metadata.yml", tmp_path / "metadata.yml")
    path = tmp_path / "data" / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(path)
    decision["measures"][0]["title"] = '=HYPERLINK("https://evil.example";"Öppna")'
    write_yaml(path, decision)
    project = Project(tmp_path)
    build_database(load_dataset(project.data_dir), project.db_path)
    datasette = make_datasette(project)
    excel = (await datasette.client.get("/exports/excel/measures.csv")).content.decode("utf-8-sig")
    titles = [row[5] for row in csv.reader(io.StringIO(excel, newline=""), delimiter=";")]
    assert '\'=HYPERLINK("https://evil.example";"Öppna")' in titles
    assert not any(t.startswith(("=", "+", "-", "@")) for t in titles)
    plain = (await datasette.client.get("/exports/measures.csv")).text
    assert '"=HYPERLINK(""https://evil.example"";""Öppna"")"' in plain  # the plain CSV keeps the data as it is


async def test_data_package_validates_with_frictionless(published, tmp_path):
    datasette, db = published
    package = (await get(datasette, "/exports/datapackage.json", "application/json")).json()
    (tmp_path / "datapackage.json").write_text((await datasette.client.get("/exports/datapackage.json")).text)
    for resource in package["resources"]:
        (tmp_path / resource["path"]).write_bytes((await datasette.client.get(f"/exports/{resource['path']}")).content)
        fields = [f["name"] for f in resource["schema"]["fields"]]
        assert fields == list(db[resource["name"]].columns_dict)
    decisions = next(r for r in package["resources"] if r["name"] == "decisions")
    types = {f["name"]: f["type"] for f in decisions["schema"]["fields"]}
    assert types["amount_granted"] == "integer" and types["decided_on"] == "date"
    assert decisions["schema"]["primaryKey"] == ["id"]
    report = validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["resource", "type", "note"])[:10]


async def test_dcat_ap_se_catalogue(published):
    datasette, _ = published
    graph = Graph().parse(data=(await get(datasette, "/exports/dcat.rdf", "application/rdf+xml")).text, format="xml")
    catalogs = list(graph.subjects(RDF.type, ns.DCAT.Catalog))
    assert len(catalogs) == 1
    catalog = catalogs[0]
    for prop in (ns.DCTERMS.title, ns.DCTERMS.description, ns.DCTERMS.publisher, ns.DCAT.dataset, ns.DCTERMS.license):
        assert graph.value(catalog, prop) is not None, prop
    dataset = graph.value(catalog, ns.DCAT.dataset)
    assert (dataset, RDF.type, ns.DCAT.Dataset) in graph
    for prop in (
        ns.DCTERMS.title,
        ns.DCTERMS.description,
        ns.DCTERMS.publisher,
        ns.DCAT.contactPoint,
        ns.DCAT.distribution,
        ns.DCAT.theme,
        ns.DCAT.keyword,
    ):
        assert graph.value(dataset, prop) is not None, prop
    assert "sv" in {title.language for title in graph.objects(dataset, ns.DCTERMS.title)}
    publisher = graph.value(dataset, ns.DCTERMS.publisher)
    assert str(graph.value(publisher, ns.FOAF.name)) == "Effektivitetsdelegationen vid Kammarkollegiet"
    contact = graph.value(dataset, ns.DCAT.contactPoint)
    assert graph.value(contact, URIRef(VCARD + "fn")) is not None
    mailbox = URIRef("mailto:effektivitetsdelegationen@kammarkollegiet.se")
    assert graph.value(contact, URIRef(VCARD + "hasEmail")) == mailbox
    distributions = list(graph.objects(dataset, ns.DCAT.distribution))
    assert len(distributions) >= 5
    for distribution in distributions:
        assert (distribution, RDF.type, ns.DCAT.Distribution) in graph
        assert graph.value(distribution, ns.DCAT.accessURL) is not None
        assert graph.value(distribution, ns.DCTERMS.license) == URIRef(
            "http://creativecommons.org/publicdomain/zero/1.0/"
        )
    for node in set(graph.subjects()) | {o for o in graph.objects() if isinstance(o, URIRef)}:
        assert urlsplit(str(node)).scheme in ("http", "https", "mailto"), node  # absolute IRIs only
    downloads = [str(graph.value(d, ns.DCAT.downloadURL)) for d in distributions if graph.value(d, ns.DCAT.downloadURL)]
    for url in downloads:
        response = await datasette.client.get(urlsplit(url).path)
        assert response.status_code == 200, url


@pytest.mark.parametrize("path", ["/exports/dcat.rdf", "/exports/datapackage.json", "/feeds/decisions.atom"])
async def test_identifiers_come_from_the_configured_base_url_not_the_host_header(published, path):
    datasette, _ = published
    plain = (await datasette.client.get(path)).text
    hostile = (await datasette.client.get(path, headers={"host": "attacker.example"})).text
    assert hostile == plain and "attacker.example" not in hostile
    assert LOCAL_BASE_URL in plain


async def test_per_theme_and_per_region_feeds(published):
    datasette, db = published
    region = (await get(datasette, "/feeds/regions/orebro.atom", "application/atom+xml")).text
    feed = feedparser.parse(region)
    assert not feed.bozo and feed.feed.id == f"{LOCAL_BASE_URL}/feeds/regions/orebro.atom"
    assert "Region Örebro län" in feed.feed.title and len(feed.entries) == 1
    assert not feedparser.parse(
        (await get(datasette, "/feeds/regions/blekinge.atom", "application/atom+xml")).text
    ).entries
    themes = {
        row["id"] for row in db.query(f"select theme_id as id from measure_themes where measure_id like '{OREBRO}%'")
    }
    unused = {row["id"] for row in db.query("select id from themes")} - themes
    for theme in themes:
        entries = feedparser.parse((await get(datasette, f"/feeds/themes/{theme}.atom", "application/atom+xml")).text)
        assert [e.link for e in entries.entries] == [f"{LOCAL_BASE_URL}/bidrag/decisions/{OREBRO}"]
        calendar = icalendar.Calendar.from_ical(
            (await get(datasette, f"/feeds/themes/{theme}.ics", "text/calendar")).text
        )
        assert len(calendar.walk("VEVENT")) == db["deadlines"].count
    for theme in unused:
        calendar = icalendar.Calendar.from_ical(
            (await get(datasette, f"/feeds/themes/{theme}.ics", "text/calendar")).text
        )
        assert calendar.walk("VEVENT") == []
    regional = icalendar.Calendar.from_ical((await get(datasette, "/feeds/regions/orebro.ics", "text/calendar")).text)
    old = icalendar.Calendar.from_ical((await get(datasette, "/feeds/deadlines/orebro.ics", "text/calendar")).text)
    assert [e["uid"] for e in regional.walk("VEVENT")] == [e["uid"] for e in old.walk("VEVENT")] != []
    for path in ("/feeds/themes/nope.atom", "/feeds/regions/nope.ics", "/feeds/deadlines/nope.ics"):
        response = await datasette.client.get(path)
        assert response.status_code == 404 and "Sidan finns inte" in response.text, path


@pytest.mark.parametrize("sent", ["whole", "streamed"])
async def test_a_download_is_the_stored_file_whole_gzipped_or_not(published, monkeypatch, sent):
    """Kept whole in memory once asked for (up to WHOLE_BYTES), or streamed chunk by chunk."""
    from datasette.plugins import pm

    datasette, db = published
    exports = next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == "exports.py")
    monkeypatch.setattr(exports, "_CHUNK", 97)  # many chunks: inflating across chunk boundaries
    monkeypatch.setattr(exports, "_BODIES", ReleaseMemo())
    if sent == "streamed":
        monkeypatch.setattr(exports, "WHOLE_BYTES", 0)
    stored = db["downloads"].get("measures.csv")
    plain = await datasette.client.get("/exports/measures.csv", headers={"accept-encoding": "identity"})
    gzipped = await datasette.client.get("/exports/measures.csv", headers={"accept-encoding": "gzip"})
    assert "content-encoding" not in plain.headers and gzipped.headers["content-encoding"] == "gzip"
    assert int(gzipped.headers["content-length"]) == len(stored["body_gzip"]) > 97
    assert int(plain.headers["content-length"]) == len(plain.content) == stored["size"]
    assert gzipped.content == plain.content  # httpx inflated it
    assert hashlib.sha256(plain.content).hexdigest() == stored["sha256"]
    order = ", ".join(TABLES["measures"].pk)
    rows = db.query(f"select * from measures order by {order}")
    assert list(csv.reader(io.StringIO(plain.text)))[1:] == [
        ["" if v is None else str(v) for v in r.values()] for r in rows
    ]
    assert plain.headers["etag"] != gzipped.headers["etag"] and "accept-encoding" in plain.headers["vary"]
    again = await datasette.client.get("/exports/measures.csv", headers={"if-none-match": gzipped.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert "x-content-type-options" in again.headers
    anything = await datasette.client.get("/exports/measures.csv", headers={"if-none-match": "*"})
    assert anything.status_code == 304 and anything.content == b""
    rowid = db.execute("select rowid from downloads where path = 'measures.csv'").fetchone()[0]
    kept = [key for key in exports._BODIES.done if key[1] == rowid]
    assert len(kept) == (2 if sent == "whole" else 0) and exports._BODIES.bytes <= exports._BODIES.max_bytes


@pytest.mark.parametrize(
    "accept, gzipped",
    [
        ("gzip;q=0.5", True),
        ("br, GZIP ; q=1.0", True),
        ("*", True),
        ("gzip;q=0", False),
        ("gzip; q=0.0, identity", False),
        ("*;q=0.3, gzip;q=0", False),
        ("deflate, br", False),
        ("gzip;q=nonsense", False),
    ],
)
async def test_gzip_is_sent_where_accept_encoding_gives_it_a_weight_above_zero(published, accept, gzipped):
    datasette, _ = published
    response = await datasette.client.get("/exports/decisions.csv", headers={"accept-encoding": accept})
    assert response.status_code == 200
    assert (response.headers.get("content-encoding") == "gzip") is gzipped, accept


@pytest.mark.parametrize("path", ["/feeds/deadlines.ics", "/feeds/decisions.atom", "/feeds/changes.json"])
async def test_a_feed_is_gzipped_for_a_client_that_takes_gzip(published, path):
    datasette, _ = published
    plain = await datasette.client.get(path, headers={"accept-encoding": "identity"})
    zipped = await datasette.client.get(path, headers={"accept-encoding": "gzip"})
    refused = await datasette.client.get(path, headers={"accept-encoding": "gzip;q=0, br"})
    assert "content-encoding" not in plain.headers and "content-encoding" not in refused.headers
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == plain.content != b""  # httpx inflated it
    assert all("accept-encoding" in r.headers["vary"] for r in (plain, zipped, refused))
    assert zipped.headers["content-type"] == plain.headers["content-type"]
    assert "x-content-type-options" in zipped.headers
    # Readers that poll: the ETag names the release (and the coding); the same feed again is a 304.
    assert plain.headers["etag"] != zipped.headers["etag"] and "max-age" in plain.headers["cache-control"]
    plainly = {"accept-encoding": "identity"}
    again = await datasette.client.get(path, headers={**plainly, "if-none-match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b"" and "x-content-type-options" in again.headers
    other = await datasette.client.get(
        path, headers={"accept-encoding": "gzip", "if-none-match": plain.headers["etag"]}
    )
    assert other.status_code == 200 and other.headers["content-encoding"] == "gzip"  # not what that ETag named
    stale = await datasette.client.get(path, headers={**plainly, "if-none-match": '"an-older-release"'})
    assert stale.status_code == 200 and stale.content == plain.content


async def test_the_data_package_states_each_downloads_size_and_hash(published):
    datasette, db = published
    package = (await datasette.client.get("/exports/datapackage.json")).json()
    for resource in package["resources"]:
        body = (await datasette.client.get(f"/exports/{resource['path']}")).content
        assert resource["bytes"] == len(body), resource["name"]
        assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest(), resource["name"]


def test_downloads_are_not_a_table_of_the_published_data(published):
    _, db = published
    assert "downloads" not in TABLES and db["downloads"].count == 2 * len(TABLES)
