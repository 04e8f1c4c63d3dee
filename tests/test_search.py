"""Swedish full-text search, in the measures table (?_search=) and the ranked canned query."""

import re

import pytest

from bidrag.search import match_expression


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
