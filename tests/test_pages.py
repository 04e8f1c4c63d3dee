"""The Swedish site's pages, checked against the built database."""

import json
import re
import sqlite3
from collections import deque
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import sqlite_utils

from bidrag import arithmetic
from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.formatting import kronor, long_date, sort_key
from bidrag.schema import GRANTED, PARTLY_GRANTED, REJECTED
from bidrag.site import make_datasette
from bidrag.synthetic import write_synthetic_tree

from .conftest import OREBRO, ROOT
from .html import links_with_text, parse, visible_text, with_attribute


def spaced(text: str) -> str:
    """As visible_text renders it: no-break spaces read as spaces."""
    return " ".join(text.split())


# Interface strings of Datasette 0.65.5's own templates; none may reach a visitor.
ENGLISH = [
    r"\bThis data as\b",
    r"\bAdvanced export\b",
    r"\bView and edit SQL\b",
    r"\bNext page\b",
    r"\bPowered by\b",
    r"\bData license\b",
    r"\bData source\b",
    r"\bCustom SQL query\b",
    r"\bRun SQL\b",
    r"\bQuery parameters\b",
    r"\bLinks from other tables\b",
    r"\b\d+ records?\b",
    r"\b\d+ rows?\b",
    r"\brows where\b",
    r"\bSearch:",
    r"\bApply\b",
    r"\bSort by\b",
    r"\bdescending\b",
    r"- column -",
    r"remove filter",
    r"\bExport CSV\b",
    r"\bdownload file\b",
    r"\bexpand labels\b",
    r"\bFormat SQL\b",
    r"\bEdit SQL\b",
    r"\bTables\b",
    r"\bQueries\b",
    r"\bViews\b",
    r"\bDownload SQLite DB\b",
    r"\bTable actions\b",
    r"\bJSON shape\b",
    r"\bCSV options\b",
    r"\bError \d+",
    r"\bhidden tables?\b",
    r"\bsearch matches\b",
    r"\bMenu\b",
]


async def page(datasette, path):
    response = await datasette.client.get(path)
    assert response.status_code == 200, path
    assert response.headers["content-type"].startswith("text/html")
    return response.text


@pytest.fixture(scope="module")
def db(built_db):
    return sqlite_utils.Database(built_db)


async def test_start_page_key_figures(datasette, db):
    html = await page(datasette, "/")
    figures = {a["data-figure"]: a for a in with_attribute(html, "data-figure")}
    assert set(figures) == {"applied", "granted", "rejected", "share", "decisions", "regions"}
    totals = next(
        db.query(
            "select sum(amount_applied) a, sum(amount_granted) g, sum(amount_rejected) r, "
            "count(*) n, count(distinct region_id) k from decisions"
        )
    )
    text = visible_text(html)
    for value in (totals["a"], totals["g"], totals["r"]):
        assert spaced(kronor(value)) in text
    assert f"Andel beviljat {100 * totals['g'] / totals['a']:.1f}".replace(".", ",") in text
    assert f"Regioner med beslut {totals['k']} av 21" in text


async def test_start_page_charts_show_the_database_figures(datasette, db):
    html = await page(datasette, "/")
    bars = with_attribute(html, "data-value")
    totals = {r["region_id"]: r for r in db["region_totals"].rows}
    regions = [a["data-region"] for a in with_attribute(html, "data-region")]
    with_decisions = [r for r in regions if totals[r]["decisions"]]
    in_order = sorted((r for r in totals if totals[r]["decisions"]), key=lambda r: sort_key(totals[r]["region_name"]))
    assert regions == with_decisions == in_order
    # The regions without a decision are folded away, each still linked, in Swedish order (Å, Ä, Ö after Z).
    start = html.index('<details class="regions-without"')
    folded = [link.rsplit("/", 1)[1] for link in parse(html[start : html.index("</details>", start)]).links]
    assert sorted(folded + regions) == sorted(totals)
    names = [totals[r]["region_name"] for r in folded]
    assert names == sorted(names, key=sort_key)
    assert names.index("Region Östergötland") > names.index("Region Västmanland")
    assert f"{len(folded)} regioner har inget beslut ännu" in visible_text(html)
    granted = [int(a["data-value"]) for a in bars if "bar-granted" in a["class"]]
    rejected = [int(a["data-value"]) for a in bars if "bar-rejected" in a["class"]]
    assert granted[: len(with_decisions)] == [totals[r]["amount_granted"] for r in with_decisions]
    assert rejected == [totals[r]["amount_rejected"] for r in with_decisions]
    paid = {r["year"]: r["amount"] for r in db.query("select year, sum(amount) amount from payments group by year")}
    years = [int(a["data-year"]) for a in with_attribute(html, "data-year")]
    assert years == list(range(2025, 2031))
    assert granted[len(with_decisions) :] == [paid.get(year, 0) for year in years]
    frames = [int(a["data-value"]) for a in bars if "bar-frame" in a["class"]]
    # 250 MSEK a year 2025-2030 (summary) and 750 MSEK a year 2025-2027 (decision): both shown.
    assert sorted(set(frames)) == [250_000_000, 750_000_000]
    assert frames.count(250_000_000) == 6 and frames.count(750_000_000) == 3


@pytest.mark.parametrize("today", ["2026-06-15", "2027-01-01", "2028-03-01"])
async def test_start_page_lists_latest_decisions_and_upcoming_deadlines(datasette, db, monkeypatch, today):
    monkeypatch.setenv("BIDRAG_TODAY", today)
    text = visible_text(await page(datasette, "/"))
    assert "Region Örebro län, 11 november 2025" in text
    deadlines = [row["due_on"] for row in db.query("select due_on from deadlines order by due_on")]
    upcoming = [day for day in deadlines if day >= today]
    assert [long_date(day) in text for day in deadlines] == [day in upcoming for day in deadlines]


async def test_region_pages(datasette):
    text = visible_text(await page(datasette, "/bidrag/regions/orebro"))
    assert "Beviljat 34 870 000 kr" in text
    assert "Beviljade åtgärder 3 av 8" in text
    assert "Läkemedelsrobot" in text and "Region Örebro län, 11 november 2025" in text
    empty_html = await page(datasette, "/bidrag/regions/skane")
    assert "Region Skåne har inget publicerat beslut om bidrag ännu." in visible_text(empty_html)
    # Whoever waits for a region's first decision can follow it from its page.
    for html in (empty_html, await page(datasette, "/bidrag/regions/orebro")):
        region = "skane" if html is empty_html else "orebro"
        follows = dict((href, words) for href, words in links_with_text(html) if href.startswith("/feeds/regions/"))
        assert follows == {
            f"/feeds/regions/{region}.atom": "nya och ändrade beslut (Atom)",
            f"/feeds/regions/{region}.ics": "tidsfrister i din kalender (iCalendar)",
        }


async def test_decision_page_reads_like_the_decision(datasette, db):
    html = await page(datasette, f"/bidrag/decisions/{OREBRO}")
    text = visible_text(html)
    assert text.count("Avslagen") >= 5 and "Delvis beviljad" in text and text.count("Beviljad") >= 2
    for measure in db["measures"].rows_where("decision_id = ?", [OREBRO]):
        assert measure["title"] in text
    assert "<h4>Villkor</h4>" in html and "inte enbart används för en plattformslösning" in text
    assert "<h3>Bidragets syfte</h3>" in html
    for due in ("31 december 2027", "30 november 2026", "28 februari 2028"):
        assert due in text
    assert "Clas Rehnberg, Ordförande, Effektivitetsdelegationen" in text
    assert "d43a281e613cd91a6ab0266b2c8b487db5af4d3b102359dc55e0e0b7cbb8d34b" in text
    assert "Ja, alla kontroller stämmer." in text and "Stämmer inte" not in text
    assert "Beslutet får inte överklagas enligt 21 § förordningen." in text


def test_reconciliation_flags_figures_that_do_not_add_up():
    decision = {
        "amount_applied": 100,
        "amount_granted": 60,
        "amount_rejected": 40,
        "outcome": PARTLY_GRANTED,
        "measures": [{"status": GRANTED, "amount_granted": 60}, {"status": REJECTED, "amount_granted": 0}],
        "payments": [{"year": 2026, "amount": 60}],
    }
    assert all(check.ok for check in arithmetic.checks(decision))
    bad = {**decision, "amount_applied": 101, "payments": [{"year": 2026, "amount": 30}]}
    failed = {check.path for check in arithmetic.problems(bad)}
    assert failed == {("amount_applied",), ("payments",)}


async def test_decision_page_shows_the_checks_stored_by_the_build(datasette, built_db):
    stored = list(sqlite_utils.Database(built_db)["decision_checks"].rows_where("decision_id = ?", [OREBRO]))
    assert len(stored) >= 3 and all(row["ok"] == 1 for row in stored)
    text = visible_text(await page(datasette, f"/bidrag/decisions/{OREBRO}"))
    for row in stored:
        assert " ".join(row["statement"].split()) in text


async def test_measure_page_without_other_regions(datasette):
    text = visible_text(await page(datasette, f"/bidrag/measures/{OREBRO}_03"))
    assert "Implementering av AI-baserad taligenkänning" in text and "Bör införas stegvis först" in text
    assert "Liknande åtgärder i andra regioner" in text
    assert "Inga åtgärder i andra regioner delar tema eller liknar den här ännu." in text


@pytest.fixture(scope="module")
def synthetic_site(project, tmp_path_factory):
    """The real decision among synthetic ones from every region (for tests only, never published)."""
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic_tree(ROOT / "data", root / "data", scale=1)
    build_database(load_dataset(root / "data"), root / "bidrag.db", allow_synthetic=True)
    return make_datasette(project, root / "bidrag.db"), sqlite_utils.Database(root / "bidrag.db")


async def test_the_facet_selection_may_be_longer_than_a_visitors_value(synthetic_site, project, monkeypatch):
    """The selected keys as one JSON array (8 MB at 1000x) may pass the length a visitor's value may have."""
    from datasette.plugins import pm

    _, db = synthetic_site
    limits = next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == "sql_limits.py").LIMITS
    lengths = [f"select max(length([{c}])) from measures" for c in db["measures"].columns_dict]
    lengths.append("select max(length(sql)) from sqlite_master")  # Datasette reads the schema
    longest = max(db.execute(sql).fetchone()[0] or 0 for sql in lengths)
    keys = json.dumps([r["id"] for r in db.query("select id from measures")])
    assert len(keys) > 2 * longest
    monkeypatch.setitem(limits, sqlite3.SQLITE_LIMIT_LENGTH, longest + 1)
    datasette = make_datasette(project, Path(db.conn.execute("pragma database_list").fetchone()[2]))  # new connections
    visitor = await datasette.client.get("/bidrag.json?sql=" + quote(f"select printf('%0{longest + 2}d', 1)"))
    assert visitor.status_code == 400  # the patched limit holds for visitors
    page = (await datasette.client.get("/bidrag/measures.json?_size=1&_col=id")).json()
    statuses = {r["status"]: r["n"] for r in db.query("select status, count(*) as n from measures group by status")}
    assert {r["value"]: r["count"] for r in page["facet_results"]["status"]["results"]} == statuses


@pytest.mark.parametrize("today", ["2026-06-15", "2027-06-01"])
async def test_a_region_page_lists_a_bounded_number_and_links_to_the_rest(synthetic_site, monkeypatch, today):
    from datasette.plugins import pm

    datasette, db = synthetic_site
    pages = next(p for p in pm.get_plugins() if getattr(p, "__name__", "") == "record_pages.py")
    for name in ("DECISIONS_SHOWN", "MEASURES_SHOWN", "DEADLINES_SHOWN"):
        monkeypatch.setattr(pages, name, 1)  # the bound, small enough for a region of the synthetic site
    monkeypatch.setenv("BIDRAG_TODAY", today)
    html = await page(datasette, f"/bidrag/regions/orebro?bounded={today}")  # not the cached page of another test
    text = visible_text(html)
    decisions = list(db.query("select id from decisions where region_id = 'orebro' order by decided_on desc, id"))
    section = html[html.index('id="beslut"') : html.index('id="atgarder"')]
    listed = [link.rsplit("/", 1)[1] for link in parse(section).links if "/bidrag/decisions/" in link]
    assert len(decisions) >= 2 and listed[0] == decisions[0]["id"] and decisions[1]["id"] not in listed
    assert f"Alla {len(decisions)} beslut på sidan Beslut" in text and "/decisions?region=orebro" in parse(html).links
    deadlines = [
        r["due_on"] for r in db.query("select due_on from deadlines where region_id = 'orebro' order by due_on")
    ]
    upcoming = [day for day in deadlines if day >= today]
    section = visible_text(html[html.index('id="tidsfrister"') :])
    assert [long_date(day) in section for day in sorted(set(deadlines))].count(True) == min(1, len(upcoming))
    if upcoming:
        assert long_date(upcoming[0]) in section and (len(upcoming) == 1 or f"av {len(upcoming)} kommande" in section)
    else:
        assert "Inga kommande tidsfrister." in section
    assert f"Alla {len(deadlines)} tidsfrister, även passerade" in section


async def test_similar_measures_come_from_other_regions_and_share_a_theme_or_words(synthetic_site):
    datasette, db = synthetic_site
    html = await page(datasette, f"/bidrag/measures/{OREBRO}_03")
    start = html.index('id="liknande"')
    section = html[start : html.index("</section>", start)]
    linked = [link.rsplit("/", 1)[1] for link in parse(section).links if "/bidrag/measures/" in link]
    assert linked, "the synthetic decisions hold speech recognition and AI measures"
    mine = {r["theme_id"] for r in db["measure_themes"].rows_where("measure_id = ?", [f"{OREBRO}_03"])}
    for measure_id in linked:
        other = db["measures"].get(measure_id)
        assert other["region_id"] != "orebro"
        themes = {r["theme_id"] for r in db["measure_themes"].rows_where("measure_id = ?", [measure_id])}
        words = {"taligenkänning", "implementering", "baserad"}
        assert themes & mine or any(w in other["title"].casefold() for w in words), other["title"]


async def test_good_examples_group_granted_measures_by_theme(datasette, db):
    html = await page(datasette, "/good_examples")
    expected = list(
        db.query("""select t.id, count(*) n from themes t join measure_themes mt on mt.theme_id = t.id
        join measures m on m.id = mt.measure_id where m.status != 'avslagen' group by t.id""")
    )
    sections = {a["aria-labelledby"] for a in with_attribute(html, "aria-labelledby")}
    assert {row["id"] for row in expected} == sections
    text = visible_text(html)
    for row in expected:
        assert f"({row['n']})" in text
    assert "Robotstyrd processautomation" not in text


async def test_rejections_group_rejected_measures_by_reason(datasette, db):
    html = await page(datasette, "/rejections")
    text = visible_text(html)
    for row in db.query("""select rc.id, rc.name, count(*) n from measures m join reason_categories rc
            on rc.id = m.reason_category group by rc.id"""):
        assert f"{row['name']} ({row['n']})" in text
    assert "Åtgärden mobilt vårdstöd (Cosmic Nova) är i sig positiv" in text


async def test_api_page_examples_all_work(datasette):
    html = await page(datasette, "/data_and_api")
    curls = re.findall(r"curl '([^']+)'", visible_text(html))
    assert len(curls) >= 8
    kinds = set()
    for url in curls:
        parts = urlsplit(url)
        response = await datasette.client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
        assert response.status_code == 200, url
        kind = response.headers["content-type"].split(";")[0]
        kinds.add(kind)
        assert len(response.content) > 50, url
    assert {"application/json", "text/plain", "application/octet-stream"} <= kinds  # JSON, CSV, SQLite


async def test_every_download_the_api_page_links_answers(datasette):
    links = [link for link in parse(await page(datasette, "/data_and_api")).links if link.startswith("/exports/")]
    assert "/exports/measures.csv" in links and "/exports/excel/measures.csv" in links
    for link in links:
        assert (await datasette.client.get(link)).status_code == 200, link


async def test_api_page_documents_every_field_from_metadata(datasette, db):
    text = visible_text(await page(datasette, "/data_and_api"))
    for table in db.table_names() + db.view_names():
        if table.startswith("measures_fts"):
            continue
        for column in db[table].columns_dict:
            assert column in text, (table, column)
    assert "CC0 1.0" in text and "SHA-256" in text


async def test_accessibility_statement_has_what_digg_requires(datasette):
    html = await page(datasette, "/accessibility")
    text = visible_text(html)
    for required in (
        "Effektivitetsdelegationen vid Kammarkollegiet",
        "delvis förenlig",
        "Innehåll som inte är tillgängligt",
        "Bedömningen gjordes den",
        "uppdaterades senast den",
        "självskattning",
        "effektivitetsdelegationen@kammarkollegiet.se",
        "oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagen",
    ):
        assert required in text, required
    assert "https://www.digg.se/tdosanmalan" in parse(html).links
    # Every remaining defect names its WCAG criterion; each one with a fix planned says what the plan is.
    start = html.index('<ul class="defects">')
    defects = re.findall(r"<li>(.*?)</li>", html[start : html.index("</ul>", start)], re.S)
    assert len(defects) >= 4
    assert all(re.search(r"WCAG \d\.\d\.\d+|dataformat", d) for d in defects), defects
    assert sum("Plan:" in d for d in defects) >= 3


async def test_footer_links_the_accessibility_statement_on_every_page(datasette):
    for path in ("/", "/bidrag/measures", f"/bidrag/decisions/{OREBRO}", "/bidrag/totals_per_region"):
        assert "/accessibility" in parse(await page(datasette, path)).links


async def test_no_page_reached_from_the_start_page_shows_datasettes_english(datasette):
    seen, queue, checked = set(), deque(["/"]), 0
    while queue and checked < 250:
        path = queue.popleft()
        response = await datasette.client.get(path)
        if response.status_code != 200 or not response.headers["content-type"].startswith("text/html"):
            continue
        checked += 1
        text = visible_text(response.text)
        title = re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)
        for pattern in ENGLISH:
            assert not re.search(pattern, f"{title} {text}"), f"{pattern!r} on {path}"
        assert '<html lang="sv">' in response.text, path
        for link in parse(response.text).links:
            parts = urlsplit(link)
            if parts.netloc not in ("", "localhost") or re.search(r"\.(json|csv|db)$", parts.path):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path.startswith("/") and target not in seen:
                seen.add(target)
                queue.append(target)
    assert checked >= 40, f"only {checked} pages reached"


def joined(text: str) -> str:
    """visible_text puts a space between a link and the text after it; a reader sees none before : , ."""
    return re.sub(r" ([:,.])", r"\1", text)


async def test_whom_to_ask_shows_the_mailbox_a_decision_states_and_never_invents_one(datasette):
    measure = joined(visible_text(await page(datasette, f"/bidrag/measures/{OREBRO}_03")))
    assert "Vem kan berätta mer?" in measure
    assert (
        "Region Örebro län: regionorebrolan@regionorebrolan.se (regionens funktionsbrevlåda enligt beslutet)" in measure
    )
    assert "Ansökan gjordes inte i samverkan med andra regioner." in measure
    decision = joined(visible_text(await page(datasette, f"/bidrag/decisions/{OREBRO}")))
    assert "Region Örebro län: regionorebrolan@regionorebrolan.se" in decision
    region = visible_text(await page(datasette, "/bidrag/regions/orebro"))
    assert "Regionens funktionsbrevlåda: regionorebrolan@regionorebrolan.se" in region
    unknown = visible_text(await page(datasette, "/bidrag/regions/skane"))
    assert "Regionens funktionsbrevlåda är inte känd: inget publicerat beslut anger den." in unknown
    assert "mailto:regionorebrolan@regionorebrolan.se" in parse(await page(datasette, "/good_examples")).links


async def test_partner_regions_of_a_joint_application_show_on_its_pages(project, site_workspace, tmp_path):
    path = site_workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    path.write_text(path.read_text("utf-8").replace("joint_with: []", "joint_with: [vastmanland]"), "utf-8")
    build_database(load_dataset(site_workspace.data_dir), tmp_path / "bidrag.db")
    datasette = make_datasette(project, tmp_path / "bidrag.db")
    measure = joined(visible_text(await page(datasette, f"/bidrag/measures/{OREBRO}_03")))
    assert "i samverkan med Region Västmanland" in measure
    # Västmanland's mailbox is stated by no decision: the page says so instead of guessing one.
    assert "Region Västmanland (samverkande region): funktionsbrevlådan är inte känd" in measure
    assert "Region Västmanland" in visible_text(await page(datasette, "/good_examples"))
    search = (await datasette.client.get("/measures.json?region=vastmanland")).json()
    assert search["total"] == 8 and search["rows"][0]["partners"] == ["Region Västmanland"]


async def test_theme_and_region_pages_link_their_feeds(datasette):
    theme = parse(await page(datasette, "/bidrag/themes/ai"))
    assert {"/feeds/themes/ai.atom", "/feeds/themes/ai.ics", "/measures?theme=ai"} <= set(theme.links)
    region = parse(await page(datasette, "/bidrag/regions/orebro"))
    assert {"/feeds/regions/orebro.atom", "/feeds/regions/orebro.ics", "/measures?region=orebro"} <= set(region.links)
    examples = parse(await page(datasette, "/good_examples"))
    assert "/feeds/themes/ai.atom" in examples.links


async def test_region_page_lists_a_bounded_number_of_measures(synthetic_site):
    datasette, db = synthetic_site
    html = await page(datasette, "/bidrag/regions/orebro")
    start = html.index('id="atgarder"')
    section = html[start : html.index("</section>", start)]
    listed = [link for link in parse(section).links if link.startswith("/bidrag/measures/")]
    total = db.execute("select count(*) from measures where region_id = 'orebro'").fetchone()[0]
    assert len(listed) == 10 < total
    assert f"Alla {total} åtgärder" in visible_text(section)


async def test_a_table_page_shows_each_text_once_and_lists_as_names(datasette):
    """A Markdown text and its HTML were two columns of the same words, and themes a JSON list; the
    page shows the HTML under the text's heading and the names, the JSON keeps what is stored."""
    import html

    page = (await datasette.client.get("/bidrag/measures")).text
    headings = re.findall(r'<th class="col-([a-z_]+)"', page)
    assert {"reason_html", "conditions_html", "themes"} <= set(headings)
    assert "reason" not in headings and "conditions" not in headings
    heading = re.search(r'<th class="col-reason_html".*?</th>', page, re.S).group(0)
    assert ">Skäl<" in heading and "HTML" not in heading
    rows = (await datasette.client.get("/bidrag/measures.json?_shape=array&_size=max")).json()
    assert all(row["reason"] and row["reason_html"].startswith("<") for row in rows)
    assert page.count('<td class="col-reason_html') == len(rows) > 1
    themes = [html.unescape(cell) for cell in re.findall(r'<td class="col-themes[^>]*>(.*?)</td>', page)]
    assert themes == [", ".join(json.loads(row["themes"])) for row in rows] and "[" not in "".join(themes)
    chosen = (await datasette.client.get("/bidrag/measures?_col=reason")).text
    assert re.findall(r'<th class="col-([a-z_]+)"', chosen) == ["id", "reason"]
    # At phone width each cell is named by its position: one name per shown cell, in order.
    phone = [label for _, label in re.findall(r'td:nth-of-type\((\d+)\):before \{ content: "([^"]*)"', page)]
    first_row = re.search(r"<tr><td.*?</tr>", page, re.S).group(0)
    assert len(phone) == len(headings) == first_row.count("<td")
    assert phone[headings.index("reason_html")] == "Skäl" and phone[headings.index("themes")] == "Teman"
    # A reference reads as the name it links to; the identifier stays in the link and the JSON.
    regions = set(re.findall(r'<td class="col-region_id[^>]*>(.*?)</td>', page))
    assert regions == {'<a href="/bidrag/regions/orebro">Region Örebro län</a>'}
    assert "<em>" not in first_row


async def test_table_facets_read_as_the_site_writes_values(datasette):
    """A status by its title and a date in words, as on the record pages; the links filter by the stored value."""
    html = (await datasette.client.get("/bidrag/measures?_facet=status&_facet=decided_on")).text
    facets = html[html.index('<section class="facet-results"') : html.index("</section>", html.index("facet-results"))]
    links = dict((words, href) for href, words in links_with_text(facets))
    assert "status=avslagen" in links["Avslagen"] and "decided_on=2025-11-11" in links["11 november 2025"]
    assert ">avslagen<" not in facets and ">2025-11-11<" not in facets
    chosen = (await datasette.client.get("/bidrag/measures?_facet=status&status=avslagen")).text
    assert "<strong>Avslagen</strong>" in chosen and 'aria-label="Ta bort urvalet Avslagen"' in chosen


async def test_a_table_without_a_primary_key_names_its_link_column_in_swedish(datasette):
    page = (await datasette.client.get("/bidrag/payments")).text
    headings = re.findall(r'<th class="col-([A-Za-z_]+)"[^>]*>(.*?)</th>', page, re.S)
    assert headings[0][0] == "Link" and visible_text(headings[0][1]) == "Rad"
    assert ">Link<" not in page and 'content: "Link"' not in page


async def test_a_theme_without_granted_measures_promises_no_good_examples(datasette, db):
    themes = db.execute(
        "select theme_id, measures_granted + measures_partly_granted from theme_totals order by theme_id"
    ).fetchall()
    assert {bool(n) for _, n in themes} == {True, False}
    for theme, granted in themes:
        html = (await datasette.client.get(f"/bidrag/themes/{theme}")).text
        linked = f"/good_examples#{theme}" in parse(html).links
        assert linked == bool(granted), theme
        assert ("Inga goda exempel ännu" in visible_text(html)) == (not granted), theme


async def test_the_filter_form_offers_each_text_once(datasette):
    """Filtering on a text's HTML finds markup, not words: the form offers the text (Skäl) only,
    unless a filter already chosen on the HTML needs its column to be shown."""

    def options(page, select_id):
        select = re.search(rf'<select id="{select_id}".*?</select>', page, re.S).group(0)
        return re.findall(r'<option value="([a-z_]+)"( selected)?>', select)

    offered = [name for name, _ in options((await datasette.client.get("/bidrag/measures")).text, "filter-column")]
    assert {"reason", "conditions", "amount_granted"} <= set(offered)
    assert not [name for name in offered if name.endswith("_html")]
    chosen = (await datasette.client.get("/bidrag/measures?reason_html__contains=robot")).text
    assert ("reason_html", " selected") in options(chosen, "filter-column-1")
    assert "conditions_html" not in dict(options(chosen, "filter-column-1"))


@pytest.mark.parametrize(
    "query, said",
    [
        ("amount_granted__gte=1+000+000", "där Beviljat belopp ≥ 1 000 000 kr"),
        ("_search=robot", "rader med sökordet ”robot”"),
        ("status=avslagen&_search=robot", "där Status = avslagen, med sökordet ”robot”"),
    ],
)
async def test_a_table_page_says_what_it_shows_in_swedish(datasette, query, said):
    """The count above the rows, with amounts in kronor as elsewhere on the site."""
    page = (await datasette.client.get(f"/bidrag/measures?{query}")).text
    heading = re.search(r'<h2 class="result-count".*?</h2>', page, re.S).group(0)
    assert said in " ".join(visible_text(heading).replace("\xa0", " ").split())
