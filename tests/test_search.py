"""Swedish full-text search, in the measures table (?_search=) and the ranked canned query."""

import csv
import io
import re
import sqlite3
from urllib.parse import urlencode

import pytest

from bidrag.browser import chromium, live_server
from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.finder import FOLDED_AFTER
from bidrag.schema import GRANTED, PARTLY_GRANTED, REJECTED
from bidrag.search import match_expression
from bidrag.site import make_datasette
from bidrag.synthetic import write_synthetic_tree

from .conftest import ROOT
from .html import links_with_text, parse, visible_text


async def all_measures(datasette):
    response = await datasette.client.get("/bidrag/measures.json?_shape=array&_size=max")
    return response.json()


def oracle(rows, term):
    """What a reader expects: substring for 3+ letters, whole word for shorter, any letter case."""
    needle = term.casefold()
    if len(term) < 3:
        matches = lambda text: re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text) is not None  # noqa: E731
    else:
        matches = lambda text: needle in text  # noqa: E731
    return {r["id"] for r in rows if any(matches((r[c] or "").casefold()) for c in ("title", "reason", "conditions"))}


async def table_search(datasette, query):
    response = await datasette.client.get("/bidrag/measures.json", params={"_search": query, "_shape": "array"})
    assert response.status_code == 200
    return response.json()


async def ranked_search(datasette, query):
    response = await datasette.client.get("/bidrag/search_measures.json", params={"q": query, "_shape": "array"})
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize(
    "term", ["igenkänning", "robot", "AI", "fall", "LÄKEMEDELSROBOT", "ÅTGÄRDEN", "patientnytta", "Cosmic"]
)
async def test_both_searches_find_what_a_reader_expects(datasette, term):
    expected = oracle(await all_measures(datasette), term)
    assert expected, f"the oracle finds nothing for {term!r}; pick a term that occurs"
    assert {r["id"] for r in await table_search(datasette, term)} == expected
    assert {r["measure_id"] for r in await ranked_search(datasette, term)} == expected


async def test_compound_parts_are_found(datasette):
    titles = lambda rows: {r["title"] for r in rows}  # noqa: E731
    assert titles(await table_search(datasette, "igenkänning")) == {"Implementering av AI-baserad taligenkänning"}
    robot = titles(await table_search(datasette, "robot"))
    assert {"Läkemedelsrobot", "Robotstyrd processautomation"} <= robot
    assert any("fallprevention" in t for t in titles(await table_search(datasette, "fall")))


async def test_two_letter_ai_finds_the_four_ai_measures_and_only_rows_with_the_word(datasette):
    rows = await table_search(datasette, "AI")
    ai_titles = {r["title"] for r in await all_measures(datasette) if re.search(r"\bAI\b", r["title"])}
    assert len(ai_titles) == 4
    assert ai_titles <= {r["title"] for r in rows}
    for row in rows:
        text = " ".join(row[c] or "" for c in ("title", "reason", "conditions"))
        assert re.search(r"(?<!\w)AI(?!\w)", text), row["title"]
    # "ai" inside a word (e.g. "detaljerad") must not count: only the marked whole word matches.
    assert match_expression("AI") == '"‹ai›"'


async def test_search_ignores_letter_case_for_swedish_letters(datasette):
    lower = {r["id"] for r in await table_search(datasette, "läkemedelsrobot")}
    upper = {r["id"] for r in await table_search(datasette, "LÄKEMEDELSROBOT")}
    assert lower == upper and lower


async def test_ranked_search_puts_title_matches_first(datasette):
    rows = await ranked_search(datasette, "AI")
    in_title = [bool(re.search(r"\bAI\b", r["title"])) for r in rows]
    assert in_title == sorted(in_title, reverse=True)
    assert in_title.count(True) == 4 and len(rows) > 4
    assert [r["relevance"] for r in rows] == sorted((r["relevance"] for r in rows), reverse=True)


async def test_several_terms_must_all_match(datasette):
    both = {r["id"] for r in await table_search(datasette, "AI taligenkänning")}
    assert both == {r["id"] for r in await table_search(datasette, "taligenkänning")}
    assert await table_search(datasette, "taligenkänning läkemedelsrobot") == []
    phrase = await table_search(datasette, '"mobilt vårdstöd"')
    assert [r["title"] for r in phrase] == ["Implementering av mobilt vårdstöd med Cosmic Nova"]


@pytest.mark.parametrize("query", ['"', "'", "AND OR NOT", "*", 'x"y', "NEAR(", "a' or '1'='1"])
async def test_hostile_or_odd_queries_never_fail(datasette, query):
    assert isinstance(await table_search(datasette, query), list)
    assert isinstance(await ranked_search(datasette, query), list)


async def test_empty_search_shows_everything_in_the_table(datasette):
    everything = await all_measures(datasette)
    assert len(await table_search(datasette, "")) == len(everything) == 8
    assert await ranked_search(datasette, "") == []


async def test_search_box_is_offered_on_the_measures_page(datasette):
    response = await datasette.client.get("/bidrag/measures", params={"_search": "robot"})
    assert response.status_code == 200
    assert 'name="_search" value="robot"' in response.text
    assert "3 rader" in response.text


# --- The search page /measures (plugins/search_pages.py, bidrag.finder) -----------------------------


@pytest.fixture(scope="module")
def synthetic_datasette(project, tmp_path_factory):
    """The real decision among synthetic decisions of every region (tests only, never published)."""
    root = tmp_path_factory.mktemp("synthetic_search")
    write_synthetic_tree(ROOT / "data", root / "data", scale=1)
    build_database(load_dataset(root / "data"), root / "bidrag.db", allow_synthetic=True)
    return make_datasette(project, root / "bidrag.db")


# The search page's URL values for status, written out independently of bidrag.schema.
STATUS_KEYS = {GRANTED: "granted", PARTLY_GRANTED: "partly_granted", REJECTED: "rejected"}


def band(amount):
    """The amount bands as a reader of the page sees them, written out independently of bidrag.schema."""
    amount = amount or 0
    bands = (
        (50_000_000, "50m_and_more"),
        (10_000_000, "from_10m_to_50m"),
        (5_000_000, "from_5m_to_10m"),
        (1_000_000, "from_1m_to_5m"),
        (1, "under_1m"),
    )
    for lower, key in bands:
        if amount >= lower:
            return key
    return "none"


async def facet_oracle(datasette):
    """Each measure's facet values, read from the plain tables."""
    get = lambda path: datasette.client.get(path + ("&" if "?" in path else "?") + "_shape=array&_size=max")  # noqa: E731
    measures = (await get("/bidrag/measures.json")).json()
    themes = (await get("/bidrag/measure_themes.json")).json()
    partners = (await get("/bidrag/decision_partners.json")).json()
    values = {}
    for m in measures:
        values[m["id"]] = {
            "status": {STATUS_KEYS[m["status"]]},
            "region": {m["region_id"]} | {p["region_id"] for p in partners if p["decision_id"] == m["decision_id"]},
            "theme": {t["theme_id"] for t in themes if t["measure_id"] == m["id"]},
            "reason": {m["reason_category"]} - {None},
            "round": {m["decided_on"]},
            "amount": {band(m["amount_granted"])},
        }
    return measures, values


async def test_search_page_counts_are_what_the_tables_say(synthetic_datasette):
    measures, values = await facet_oracle(synthetic_datasette)
    chosen = {"status": {"rejected", "partly_granted"}, "theme": {"ai", "speech_recognition"}}
    found = oracle(measures, "vård")
    params = [("q", "vård")] + [(f, v) for f, vs in chosen.items() for v in sorted(vs)]
    response = await synthetic_datasette.client.get("/measures.json?" + urlencode(params))
    assert response.status_code == 200
    body = response.json()

    def selected(ignore=None):
        return {i for i in found if all(values[i][f] & vs for f, vs in chosen.items() if f != ignore)}

    expected = selected()
    assert 0 < len(expected) < len(found) < len(measures)
    assert body["total"] == len(expected) == len(body["rows"])
    assert {r["id"] for r in body["rows"]} == expected
    for facet in body["facets"]:
        base = selected(ignore=facet["key"])
        counts = {v["value"]: v["count"] for v in facet["values"]}
        wanted = {}
        for i in base:
            for v in values[i][facet["key"]]:
                wanted[v] = wanted.get(v, 0) + 1
        assert counts == wanted, facet["key"]


async def test_a_long_facet_sends_its_first_values_and_the_rest_on_asking(synthetic_datasette):
    get = synthetic_datasette.client.get
    facet = next(f for f in (await get("/measures.json?q=vård")).json()["facets"] if f["key"] == "region")
    regions, counts = [v["value"] for v in facet["values"]], [v["count"] for v in facet["values"]]
    assert len(regions) > FOLDED_AFTER
    # The values folded away are those with the fewest hits, so none looks like a value without any.
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]

    def boxes(html):
        return [
            (a["value"], "checked" in a)
            for tag, a in parse(html).tagged
            if tag == "input" and a.get("name") == "region"
        ]

    def link(html, text):
        return next(href for href, words in links_with_text(html) if words.startswith(text))

    folded = (await get("/measures?q=vård")).text
    assert boxes(folded) == [(v, False) for v in regions[:FOLDED_AFTER]]
    # A chosen value beyond the first ones stays on the page, checked, so the form keeps it.
    chosen = (await get(f"/measures?q=vård&region={regions[-1]}")).text
    assert boxes(chosen)[-1] == (regions[-1], True) and len(boxes(chosen)) == FOLDED_AFTER + 1
    expand = link(folded, f"Visa alla {len(regions)} för region")
    assert "expand=region" in expand and "q=v%C3%A5rd" in expand
    expanded = (await get(expand)).text
    assert [v for v, _ in boxes(expanded)] == regions
    assert ("input", {"type": "hidden", "name": "expand", "value": "region"}) in parse(expanded).tagged
    collapse = link(expanded, "Visa färre för region")
    assert "expand" not in collapse and boxes((await get(collapse)).text) == boxes(folded)
    refused = await get("/measures?expand=nope")
    assert refused.status_code == 400 and "”nope” i expand" in refused.text and "theme (tema)" in refused.text


async def test_a_page_past_the_last_says_so_and_leads_to_the_first(datasette):
    total = (await datasette.client.get("/measures.json?q=robot")).json()["total"]
    html = (await datasette.client.get("/measures?q=robot&page=2")).text
    text = visible_text(html)
    assert 0 < total <= 20 and f"{total} åtgärder" in text and "motsvarar" not in text
    assert "Sidan 2 finns inte: träffarna ryms på 1 sida." in text
    assert dict((words, href) for href, words in links_with_text(html))["Till första sidan"] == "/measures?q=robot"


async def test_search_page_sorts_and_pages(synthetic_datasette):
    by_amount = (await synthetic_datasette.client.get("/measures.json?sort=amount")).json()["rows"]
    amounts = [r["amount_granted"] or 0 for r in by_amount]
    assert amounts == sorted(amounts, reverse=True) and len(set(amounts)) > 10
    by_date = (await synthetic_datasette.client.get("/measures.json?sort=date")).json()["rows"]
    assert [r["decided_on"] for r in by_date] == sorted((r["decided_on"] for r in by_date), reverse=True)
    first = parse((await synthetic_datasette.client.get("/measures?sort=amount")).text)
    second = parse((await synthetic_datasette.client.get("/measures?sort=amount&page=2")).text)
    cards = lambda page: [link for link in page.links if link.startswith("/bidrag/measures/")]  # noqa: E731
    assert cards(first) == [f"/bidrag/measures/{r['id']}" for r in by_amount[:20]]
    assert cards(second) == [f"/bidrag/measures/{r['id']}" for r in by_amount[20:40]]
    assert "/measures?sort=amount&page=2" in first.links


@pytest.mark.parametrize("table", ["measures", "decisions"])
async def test_table_pages_show_as_many_rows_as_the_search_pages(synthetic_datasette, table):
    """20 a page (their texts are long), the next page goes on from there, and _size still chooses."""
    client = synthetic_datasette.client
    first = (await client.get(f"/bidrag/{table}.json")).json()
    assert len(first["rows"]) == 20 and first["next"]
    second = (await client.get(f"/bidrag/{table}.json", params={"_next": first["next"]})).json()
    assert second["rows"] and not {r[0] for r in first["rows"]} & {r[0] for r in second["rows"]}
    assert (await client.get(f"/bidrag/{table}")).text.count("<tr><td") == 20
    assert len((await client.get(f"/bidrag/{table}.json?_size=21")).json()["rows"]) == 21


async def test_search_page_cards_read_as_words(datasette):
    html = (await datasette.client.get("/measures", params={"q": "taligenkänning"})).text
    text = visible_text(html)
    assert "Implementering av AI-baserad taligenkänning" in text
    assert "Teman: AI, Taligenkänning" in text and '["AI"' not in text
    assert "Delvis beviljad" in text and "Region Örebro län" in text and "11 november 2025" in text
    assert "19 300 000 kr" in text.replace("\xa0", " ")


async def test_the_search_page_takes_a_status_as_the_table_pages_write_it(datasette):
    """status=avslagen (the stored word, as /bidrag/measures?status=avslagen has it) is status=rejected."""
    swedish = (await datasette.client.get("/measures.json", params={"status": "avslagen"})).json()
    key = (await datasette.client.get("/measures.json", params={"status": "rejected"})).json()
    table = (await datasette.client.get("/bidrag/measures.json?status=avslagen&_size=0")).json()
    assert swedish["total"] == key["total"] == table["filtered_table_rows_count"] > 0
    assert swedish["rows"] == key["rows"]


async def test_a_search_without_hits_offers_no_skip_link_to_them(datasette):
    none = visible_text((await datasette.client.get("/measures", params={"q": "finnsintenagonstans"})).text)
    some = visible_text((await datasette.client.get("/measures", params={"q": "robot"})).text)
    assert "0 åtgärder" in none and "Till de" not in none and "Till den" not in none
    assert "Till de 3 träffarna" in some


@pytest.mark.parametrize(
    "query", ["page=0", "page=x", "page=%C2%B2", "sort=cheapest", "page=99999999", "status=avslagna", "amount=huge"]
)
async def test_search_page_refuses_odd_parameters_in_swedish(datasette, query):
    response = await datasette.client.get(f"/measures?{query}")
    assert response.status_code == 400
    assert '<html lang="sv">' in response.text
    assert re.search(r"Sidan ”.+” finns inte|sortering|är inget värde för (status|beviljat belopp)", response.text)
    if "status=" in query:
        assert "rejected (avslagen)" in response.text  # the valid values, with their Swedish words
    if "sort=" in query:
        assert "amount (beviljat belopp, störst först)" in response.text
    # The download says it too: a typo is not an empty selection.
    assert (await datasette.client.get(f"/measures.json?{query}")).status_code == 400


async def test_decision_search_finds_decisions_by_their_measures(datasette):
    body = (await datasette.client.get("/decisions.json?q=robot")).json()
    assert [r["id"] for r in body["rows"]] == ["2025_11_11_orebro"]
    assert (await datasette.client.get("/decisions.json?q=finnsintenagonstans")).json()["total"] == 0


def test_search_page_in_a_browser_downloads_excel_with_swedish_headers(project, built_db, tmp_path):
    """Search, two facets, sorting and the Excel download as a visitor does them, keyboard and mouse."""
    with live_server(project, built_db) as base, chromium() as browser:
        page = browser.new_page()
        page.goto(base + "/")
        page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Åtgärder").click()
        page.get_by_label("Sökord").fill("AI")
        page.get_by_label("Sökord").press("Enter")
        page.wait_for_url("**q=AI**")
        assert page.locator("#traffar").inner_text().startswith("5 åtgärder")
        page.locator("#facet-status").get_by_label(re.compile("^Avslagen")).check()
        page.locator("#facet-theme").get_by_label(re.compile("^Dokumenthantering")).check()
        page.get_by_role("button", name="Visa valda").click()
        page.wait_for_url("**theme=document_handling**")
        assert page.locator("#traffar").inner_text().startswith("1 åtgärd")
        assert "theme=document_handling" in page.url and "status=rejected" in page.url
        page.locator("#facet-theme").get_by_label(re.compile("^Dokumenthantering")).uncheck()
        page.locator("#facet-status").get_by_label(re.compile("^Avslagen")).uncheck()
        page.get_by_label("Sortera").select_option("amount")
        page.get_by_role("button", name="Sök", exact=True).press("Enter")
        page.wait_for_url("**sort=amount**")
        titles = page.locator("li.card h3").all_inner_texts()
        assert len(titles) == 5
        assert titles[:2] == [
            "Implementering av AI-baserad taligenkänning",
            "Införande av AI-stödd sensorteknik för fallprevention och annan rörelseövervakning som leder till "
            "minskat antal fallolyckor",
        ]
        assert "sort=amount" in page.url
        with page.expect_download() as download:
            page.get_by_role("link", name="Excel (CSV)").click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        raw = target.read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
        assert rows[0][:5] == ["Id", "Åtgärd", "Region", "Samverkande regioner", "Status"]
        assert [r[1] for r in rows[1:]] == titles
        assert [r[4] for r in rows[1:3]] == ["Delvis beviljad", "Beviljad"] and rows[1][6] == "19300000"
        assert {r[2] for r in rows[1:]} == {"Region Örebro län"}
        page.close()


async def test_a_long_search_is_cut_after_its_last_whole_word_and_says_so(datasette, built_db):
    with sqlite3.connect(built_db) as db:
        reason = db.execute("select reason from measures where length(reason) > 400 limit 1").fetchone()[0]
    text = " ".join(reason.split())
    start = next(
        i for i in range(len(text) - 210) if text[i + 199 : i + 201].isalpha() and (i == 0 or text[i - 1] == " ")
    )
    typed = text[start : start + 210]  # its 200th and 201st characters are in one word
    response = await datasette.client.get("/measures", params={"q": typed})
    text = visible_text(response.text)
    assert "Sökningen var längre än 200 tecken och kortades efter sista hela ordet" in text
    body = (await datasette.client.get("/measures.json", params={"q": typed})).json()
    kept = body["query"]["q"]
    assert body["query"]["shortened"] is True and len(kept) <= 200 and typed.startswith(kept)
    assert typed[len(kept)] == " "  # a whole word kept, the partial one dropped
    assert body["total"] >= 1  # the measure whose reason it is, found by the words kept
    short = (await datasette.client.get("/measures.json", params={"q": "robot"})).json()["query"]
    assert short["shortened"] is False


@pytest.mark.parametrize("quotes", ["”{}”", "“{}”", "„{}“", "»{}»"])
async def test_typographic_quotation_marks_make_a_phrase(datasette, quotes):
    words = "mobilt vårdstöd"
    phrase = (await datasette.client.get("/measures.json", params={"q": f'"{words}"'})).json()
    typed = (await datasette.client.get("/measures.json", params={"q": quotes.format(words)})).json()
    apart = (await datasette.client.get("/measures.json", params={"q": "vårdstöd mobilt"})).json()
    reversed_phrase = (
        await datasette.client.get("/measures.json", params={"q": quotes.format("vårdstöd mobilt")})
    ).json()
    assert [r["id"] for r in typed["rows"]] == [r["id"] for r in phrase["rows"]] != []
    assert reversed_phrase["total"] == 0 < apart["total"]  # a phrase keeps its order; words apart do not


async def test_a_search_is_read_as_composed_letters_without_control_characters(datasette):
    composed = (await datasette.client.get("/measures.json", params={"q": "läkemedelsrobot"})).json()
    decomposed = (await datasette.client.get("/measures.json", params={"q": "la\u0308kemedelsrobot"})).json()
    assert decomposed["total"] == composed["total"] > 0
    response = await datasette.client.get("/measures", params={"q": "robot\x00\x07"})
    assert "\x00" not in response.text and "\x07" not in response.text
    assert (await datasette.client.get("/measures.json", params={"q": "robot\x00"})).json()["query"]["q"] == "robot"
    table = await table_search(datasette, "la\u0308kemedelsrobot")  # the same rules for ?_search=
    assert {r["id"] for r in table} == {r["id"] for r in composed["rows"]}
