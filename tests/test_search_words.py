"""The search pages' word index (bidrag.finder.word_matches) against FTS5, and its relevance order."""

import asyncio
import re
import sqlite3

import pytest
from babel.numbers import format_decimal

from bidrag import finder
from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.formatting import number
from bidrag.site import make_datasette
from bidrag.synthetic import write_synthetic_tree

from .conftest import ROOT


@pytest.fixture(scope="module")
def synthetic_db(tmp_path_factory):
    """The real decision among synthetic decisions of every region (tests only, never published)."""
    root = tmp_path_factory.mktemp("synthetic_words")
    write_synthetic_tree(ROOT / "data", root / "data", scale=1)
    build_database(load_dataset(root / "data"), root / "bidrag.db", allow_synthetic=True)
    return root / "bidrag.db"


def queries(connection) -> list:
    """Every word of the texts, parts of words (of one to four letters, too), two terms, upper case."""
    vocabulary = set()
    for row in connection.execute("select title, reason, conditions from measures"):
        for text in row:
            vocabulary |= set(re.findall(r"\w+", (text or "").lower()))
    words = sorted(vocabulary)
    parts = [w[i : i + n] for w in words[::3] for n in (1, 2, 3, 4, 7) for i in range(0, max(1, len(w) - n + 1), 4)]
    pairs = [f"{a} {b}" for a, b in zip(words[::5], words[2::7], strict=False)]
    return words + parts + pairs + [w.upper() for w in words[::4]] + ["zzzqx", "Robot!", "(ai)"]


@pytest.mark.parametrize("kind", [finder.MEASURES, finder.DECISIONS], ids=lambda k: k.name)
@pytest.mark.parametrize("which", ["real", "synthetic"])
def test_the_word_index_finds_exactly_what_fts5_finds(built_db, synthetic_db, kind, which):
    connection = sqlite3.connect(built_db if which == "real" else synthetic_db)
    index = finder.build_index(kind, connection)
    compared = found = 0
    for query in queries(connection):
        words = finder.word_matches(index, query)
        assert words is not None, query  # plain words all: the word index answers them
        fts = finder.text_matches(kind, index, connection, query)
        assert words.mask == fts.mask, query
        compared, found = compared + 1, found + bool(fts.mask)
    assert compared > 300 and 100 < found < compared  # hits and misses both compared


def test_phrases_and_other_scripts_are_left_to_fts5(built_db):
    index = finder.build_index(finder.MEASURES, sqlite3.connect(built_db))
    for query in ['"mobilt vårdstöd"', "Ελλάδα", "straße", "a_b", "ai-stöd"]:
        assert finder.word_matches(index, query) is None, query
    assert finder.word_matches(index, "   ") is None  # no terms at all: everything, as without a search


def tier(row, terms) -> int:
    """0: every term in the title; 1: every term in title or reason; 2: the rest."""
    text = lambda *columns: " ".join((row[c] or "") for c in columns).lower()  # noqa: E731
    if all(t in text("title") for t in terms):
        return 0
    return 1 if all(t in text("title", "reason") for t in terms) else 2


@pytest.mark.parametrize("query", ["sjukvård", "AI", "med", "vid", "inte", "åtgärd sjukvård", "med vid"])
def test_relevance_is_terms_in_the_title_first_then_the_reason_newest_first_within(synthetic_db, query):
    connection = sqlite3.connect(synthetic_db)
    connection.row_factory = sqlite3.Row
    index = finder.build_index(finder.MEASURES, connection)
    result = asyncio.run(finder.run(index, finder.Query(query), finder.word_matches(index, query), whole=True))
    by_id = {
        r["id"]: r
        for r in connection.execute(
            "select * from measures where id in (%s)" % ",".join("?" * len(result.ids)), result.ids
        )
    }
    terms = [t.lower() for t in query.split()]
    if len(terms[0]) < 3:  # a short term is a word of its own ("AI"): in the title as a word
        terms = [rf"\b{t}\b" for t in terms]
        tiers = [
            0
            if re.search(terms[0], by_id[i]["title"].lower())
            else 1 + (not re.search(terms[0], (by_id[i]["reason"] or "").lower()))
            for i in result.ids
        ]
    else:
        tiers = [tier(by_id[i], terms) for i in result.ids]
    order = [(t, -int(by_id[i]["decided_on"].replace("-", ""))) for t, i in zip(tiers, result.ids, strict=True)]
    assert order == sorted(order) and len(set(tiers)) > 1, (query, set(tiers))
    assert len(result.ids) == result.total > 10


async def test_the_search_pages_pages_follow_the_relevance_order(synthetic_db, project):
    datasette = make_datasette(project, synthetic_db)
    whole = (await datasette.client.get("/measures.json?q=robot")).json()["rows"]
    cards = []
    for page in (1, 2, 3):
        html = (await datasette.client.get(f"/measures?q=robot&page={page}")).text
        cards += list(dict.fromkeys(re.findall(r'href="/bidrag/measures/([^"#]+)"', html)))
    assert len(whole) > 40
    assert cards == [r["id"] for r in whole][: len(cards)] and len(cards) == min(60, len(whole))


@pytest.mark.parametrize("value", [0, 7, -7, 999, 1000, -1234, 34_870_000, 10**15, -(10**12) - 1])
def test_integers_are_written_as_babel_writes_them(value):
    assert number(value) == format_decimal(value, locale="sv_SE")
