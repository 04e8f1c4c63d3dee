"""Faceted search over measures or decisions for the site's search pages, in one pass of bit operations.

The database is immutable, so each process reads the build's facet table (measure_facets,
decision_facets) once into one bit set per facet value: bit i is the i-th record. A request's
selection is the AND across facets of the OR of the values chosen within each, intersected with what
the Swedish full-text search (bidrag.search) finds. Each facet's counts leave out that facet's own
choice, so the alternatives keep their counts; every count is one AND and one popcount, whatever the
size of the data. Sorting by amount or date uses orders computed once; by relevance, see below.

A search of plain words (bidrag.search.plain_words: robot, "hemsjukvård sensor") needs no SQL either:
each process also keeps, per column of the full-text index, a bit set per word of the texts. The
words containing a term are found in the vocabulary (one scan in C), and the records are the OR of
their bit sets: the same records FTS5's trigrams find. Relevance ranks by where the terms are found,
every term in the title first, then every term in title or reason, then the rest; newest decision
first within each. FTS5 and its bm25 answer the other searches (phrases, other scripts).
"""

import asyncio
import bisect
import json
import re
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from itertools import compress, repeat

from .formatting import sort_key
from .schema import AMOUNT_BANDS, PAGE_SIZE, SEARCH_FACETS, STATUSES
from .search import MIN_TRIGRAM, clean_query, has_terms, match_expression, plain_words, words

FOLDED_AFTER = 12  # a facet shows this many values (and any chosen); the rest on asking (expand=facet)
QUERY_LENGTH = 200  # characters of a search kept, cut after the last whole word
SORTS = {
    "relevance": "Relevans",
    "date": "Beslutsdatum, senaste först",
    "amount": "Beviljat belopp, störst först",
}


@dataclass(frozen=True)
class Kind:
    name: str  # the page's address and the name of its table
    facet_table: str
    key: str  # the facet table's column naming the record
    text_key: str  # what the full-text search returns for a record (measures: the rowid of measures_fts)
    text_sql: str  # the text keys of the records the search finds, in no order
    ranked_sql: str  # the text keys best first, :limit from :offset; {restrict} to those among :keys
    restrict: str  # the condition for {restrict}
    words_sql: str  # per measure, in order, its record's id and its texts in the full-text index


_BM25 = "bm25(measures_fts, 10.0, 2.0, 1.0)"
MEASURES = Kind(
    "measures",
    "measure_facets",
    "measure_id",
    "rowid",
    "select rowid from measures_fts where measures_fts match :match",
    f"""select rowid from measures_fts where measures_fts match :match
    {{restrict}} order by {_BM25}, rowid limit :limit offset :offset""",
    # "+": a plain rowid constraint would make FTS5 run the whole match once for every key
    "and +rowid in (select value from json_each(:keys))",
    "select id, title, reason, conditions from measures order by id",
)
# A decision is found by the words of its measures, and ranked by its best measure.
DECISIONS = Kind(
    "decisions",
    "decision_facets",
    "decision_id",
    "id",
    """select distinct m.decision_id from measures_fts f join measures m on m.rowid = f.rowid
    where measures_fts match :match""",
    f"""with hits as materialized (
      select m.decision_id, {_BM25} as score from measures_fts f join measures m on m.rowid = f.rowid
      where measures_fts match :match {{restrict}})
    select decision_id from hits group by decision_id order by min(score), decision_id limit :limit offset :offset""",
    "and m.decision_id in (select value from json_each(:keys))",
    "select decision_id, title, reason, conditions from measures order by id",
)
KINDS = {k.name: k for k in (MEASURES, DECISIONS)}
_FIXED = {"status": STATUSES, "amount": AMOUNT_BANDS}  # facets whose values are a fixed list
_FIXED_ORDER = {facet: [key for key, _, _ in e.members] for facet, e in _FIXED.items()}  # URL values: the keys


_BINARY_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


def ordinals_of(mask: int) -> list:
    """The ordinals in a bit set (not negative), lowest first, without a Python loop over them."""
    flags = bin(mask)[:1:-1].encode().translate(_FLAGS)
    return list(compress(range(len(flags)), flags))


def mask_of(ordinals, size: int) -> int:
    """The bit set of ordinals (each below size). One flag byte per record, set without a Python
    loop, read as binary digits: a third faster than setting bits one by one (17 000 of 21 000)."""
    if not size:
        return 0
    flags = bytearray(size)
    deque(map(flags.__setitem__, ordinals, repeat(1)), maxlen=0)
    return int(flags[::-1].translate(_BINARY_DIGITS), 2)


@dataclass
class Index:
    ids: list  # ordinal -> record id
    ordinal: dict  # record id -> ordinal
    text_keys: list  # ordinal -> the record's key in the full-text search
    by_text_key: dict  # that key -> ordinal
    vocabulary: str  # every word of the texts, one per line, for finding those that contain a term
    starts: list  # where each word of vocabulary begins
    words: tuple  # per column of the full-text index: word -> bit set of the measures whose text has it
    through: list | None  # measure -> the ordinal of its record (None: the records are the measures)
    record_words: tuple  # as words, but of the records (the same as words when they are the measures)
    masks: dict  # facet -> value -> bit set
    labels: dict  # facet -> value -> label
    orders: dict  # sort -> ordinals in that order

    @property
    def everything(self) -> int:
        return (1 << len(self.ids)) - 1


def build_index(kind: Kind, connection) -> Index:
    """Read a kind's records and facet rows from an open connection to the published database."""
    rows = connection.execute(
        f"select id, coalesce(amount_granted, 0), decided_on, {kind.text_key} from [{kind.name}] order by id"
    ).fetchall()
    ids = [r[0] for r in rows]
    text_keys = [r[3] for r in rows]
    ordinal = {record_id: i for i, record_id in enumerate(ids)}
    members, labels = {}, {}
    for record_id, facet, value, label in connection.execute(
        f"select [{kind.key}], facet, value, label from [{kind.facet_table}]"
    ):
        members.setdefault(facet, {}).setdefault(value, []).append(ordinal[record_id])
        labels.setdefault(facet, {})[value] = label
    masks = {f: {v: mask_of(o, len(ids)) for v, o in values.items()} for f, values in members.items()}
    by_date = sorted(range(len(ids)), key=lambda i: rows[i][2], reverse=True)  # stable: ids ascending within a day
    by_amount = sorted(by_date, key=lambda i: rows[i][1], reverse=True)
    orders = {"date": by_date, "amount": by_amount}
    by_text_key = {k: i for i, k in enumerate(text_keys)}
    words_index = _word_index(kind, connection, ordinal)
    return Index(ids, ordinal, text_keys, by_text_key, *words_index, masks, labels, orders)


def _word_index(kind: Kind, connection, ordinal: dict) -> tuple:
    """Words are counted per measure: a decision matches when one of its measures has every term."""
    members, through = ({}, {}, {}), []
    for number, (record_id, *texts) in enumerate(connection.execute(kind.words_sql)):
        through.append(ordinal[record_id])
        for column, text in zip(members, texts, strict=True):
            for word in words(text):
                column.setdefault(word, []).append(number)
    by_word = tuple({w: mask_of(o, len(through)) for w, o in column.items()} for column in members)
    vocabulary = sorted(set().union(*members))
    starts = [0]
    for word in vocabulary:
        starts.append(starts[-1] + len(word) + 1)
    if through == list(range(len(ordinal))):
        return "\n".join(vocabulary), starts, by_word, None, by_word
    by_record = tuple(
        {w: mask_of(map(through.__getitem__, o), len(ordinal)) for w, o in column.items()} for column in members
    )
    return "\n".join(vocabulary), starts, by_word, through, by_record


@dataclass
class Query:
    text: str = ""
    chosen: dict = field(default_factory=dict)  # facet -> list of values
    sort: str = "relevance"
    page: int = 1
    expanded: tuple = ()  # the facets shown with all their values
    shortened: bool = False  # the search as typed was longer than QUERY_LENGTH

    @property
    def effective_sort(self) -> str:
        """Relevance means nothing without search terms: then the latest decisions come first."""
        if self.sort == "relevance" and not has_terms(self.text):
            return "date"
        return self.sort

    def params(self, **changes) -> list:
        """The query as URL parameters, with changes (facet=(value, on) toggles one value)."""
        text, sort, page = changes.get("text", self.text), changes.get("sort", self.sort), changes.get("page", 1)
        expanded = changes.get("expanded", self.expanded)
        chosen = {f: list(v) for f, v in self.chosen.items()}
        if "toggle" in changes:
            facet, value = changes["toggle"]
            values = chosen.setdefault(facet, [])
            values.remove(value) if value in values else values.append(value)
        pairs = [("q", text)] if text else []
        pairs += [(f, v) for f in SEARCH_FACETS.values for v in chosen.get(f, [])]
        if sort != "relevance":
            pairs.append(("sort", sort))
        if page > 1:
            pairs.append(("page", str(page)))
        return pairs + [("expand", f) for f in expanded]


class BadQuery(ValueError):
    """A visitor's parameter that cannot be understood; the message is Swedish."""


def _key(facet: str, value: str) -> str:
    """A status as the table pages write it (status=avslagen) means its key (status=rejected)."""
    return STATUSES.key(value) if facet == "status" and value in STATUSES.values else value


def parse_query(args) -> Query:
    """A Query from the request's parameters (Datasette's MultiParams or a dict of lists)."""
    text = clean_query(args.get("q"))
    shortened = len(text) > QUERY_LENGTH
    if shortened:  # a word cut in two would search for a part of it ("verksamheter" as "ve")
        text = text[: QUERY_LENGTH + 1].rsplit(" ", 1)[0][:QUERY_LENGTH]
    chosen = {f: list(dict.fromkeys(_key(f, v) for v in args.getlist(f) if v)) for f in SEARCH_FACETS.values}
    sort = args.get("sort") or "relevance"
    if sort not in SORTS:
        named = ", ".join(f"{key} ({title.lower()})" for key, title in SORTS.items())
        raise BadQuery(f"Okänd sortering ”{sort}”. Välj en av: {named}.")
    page = args.get("page") or "1"
    if not (page.isascii() and page.isdigit()) or not 1 <= int(page) <= 100_000:
        raise BadQuery(f"Sidan ”{page}” finns inte: ange ett heltal från 1.")
    for facet, keys in _FIXED_ORDER.items():
        # A fixed list (status, amount band): a value outside it is a typo, not an empty selection.
        unknown = [v for v in chosen.get(facet, []) if v not in keys]
        if unknown:
            title = SEARCH_FACETS.title(facet).lower()
            valid = ", ".join(f"{key} ({said.lower()})" for key, _, said in _FIXED[facet].members)
            raise BadQuery(f"”{unknown[0]}” är inget värde för {title}. Välj bland: {valid}.")
    expanded = tuple(dict.fromkeys(args.getlist("expand")))
    for facet in expanded:
        if facet not in SEARCH_FACETS.values:
            groups = ", ".join(f"{key} ({SEARCH_FACETS.title(key).lower()})" for key in SEARCH_FACETS.values)
            raise BadQuery(
                f"”{facet}” i expand (visa alla värden i en filtergrupp) är ingen filtergrupp. Välj en av: {groups}."
            )
    return Query(text, {f: v for f, v in chosen.items() if v}, sort, int(page), expanded, shortened)


@dataclass
class Matches:
    mask: int  # the records the full-text search found
    ordinals: list | None = None  # the same, from FTS5, to be ranked by bm25
    tiers: tuple | None = None  # from the word index: disjoint bit sets of the matches, best first


@dataclass
class Result:
    total: int
    ids: list  # the records of the page (or of the whole selection), in order
    facets: list  # [{key, title, values: [{value, label, count, chosen}], folded: [...]}]
    pages: int


def _facet_values(index: Index, facet: str, base: int, chosen: list) -> list:
    values = [
        {"value": v, "label": index.labels[facet][v], "count": (base & mask).bit_count(), "chosen": v in chosen}
        for v, mask in index.masks.get(facet, {}).items()
    ]
    values += [
        {"value": v, "label": v, "count": 0, "chosen": True} for v in chosen if v not in index.labels.get(facet, {})
    ]
    if facet in _FIXED_ORDER:
        values.sort(key=lambda x: _FIXED_ORDER[facet].index(x["value"]) if x["value"] in _FIXED_ORDER[facet] else 99)
    elif facet == "round":
        values.sort(key=lambda x: x["value"], reverse=True)
    else:
        values.sort(key=lambda x: sort_key(x["label"]))
    values = [x for x in values if x["count"] or x["chosen"]]
    if len(values) > FOLDED_AFTER and facet not in _FIXED_ORDER and facet != "round":
        # Folded away, the values after the first would look like values without hits: so the
        # first shown are those with the most (alphabetical within a count). Rounds: latest first.
        values.sort(key=lambda x: -x["count"])
    return values


async def run(index: Index, query: Query, found: Matches | None, rank=None, whole: bool = False) -> Result:
    """The selection for query; found is what the full-text search matched (None: no search).

    await rank(keys, offset, limit), for sorting by relevance matches not ranked yet, gives the best
    of the selected text keys in order.
    """
    size = len(index.ids)
    text = index.everything if found is None else found.mask
    per_facet = {f: _or(index.masks.get(f, {}).get(v, 0) for v in values) for f, values in query.chosen.items()}
    selection = text
    for mask in per_facet.values():
        selection &= mask
    facets = [_facet(index, query, facet, text, per_facet) for facet in SEARCH_FACETS.values]
    total = selection.bit_count()
    start = 0 if whole else (query.page - 1) * PAGE_SIZE
    limit = total if whole else PAGE_SIZE
    if query.effective_sort == "relevance" and found.tiers is not None:
        tiers = [tier & selection for tier in found.tiers]
        ordinals = _take_tiers(index.orders["date"], tiers, size, start, start + limit)
    elif query.effective_sort == "relevance":
        # Restricted to the selection only when a facet narrows it: the restriction has a cost of its own.
        # Read from the matches, not from every record (at 100x a search matches a tenth of them).
        selected = (
            None
            if selection == text
            else [index.text_keys[o] for o in _take(found.ordinals, selection, size, 0, total)]
        )
        ordinals = [index.by_text_key[k] for k in await rank(selected, start, limit)] if total else []
    else:
        ordinals = _take(index.orders[query.effective_sort], selection, size, start, start + limit)
    return Result(total, [index.ids[o] for o in ordinals], facets, max(1, -(-total // PAGE_SIZE)))


def _facet(index: Index, query: Query, facet: str, text: int, per_facet: dict) -> dict:
    base = text
    for other, mask in per_facet.items():
        if other != facet:
            base &= mask
    values = _facet_values(index, facet, base, query.chosen.get(facet, []))
    return {
        "key": facet,
        "title": SEARCH_FACETS.title(facet),
        "values": values[:FOLDED_AFTER],
        "folded": values[FOLDED_AFTER:],
    }


def _or(masks) -> int:
    result = 0
    for mask in masks:
        result |= mask
    return result


def _take(order, selection: int, size: int, start: int, stop: int) -> list:
    """The ordinals from start to stop (in the selection's numbering) of order that are selected."""
    bits = selection.to_bytes((size + 7) // 8, "little")
    taken, seen = [], 0
    for o in order:
        if bits[o >> 3] >> (o & 7) & 1:
            if seen >= start:
                taken.append(o)
                if len(taken) >= stop - start:
                    break
            seen += 1
    return taken


def _take_tiers(order, tiers: list, size: int, start: int, stop: int) -> list:
    """_take over the tiers one after the other, as if they were one selection in that order."""
    taken = []
    for tier in tiers:
        count = tier.bit_count()
        if start < count and stop > 0:
            taken += _take(order, tier, size, max(start, 0), min(stop, count))
        start, stop = start - count, stop - count
    return taken


def word_matches(index: Index, text: str) -> Matches | None:
    """The records whose texts hold every term of text, from the word index; None when text is not
    plain words (FTS5's part: text_matches)."""
    terms = plain_words(text)
    if terms is None:
        return None
    # One term: a decision has it where one of its measures has it, so the decisions' own bit sets
    # answer. Several: they must be in one measure, so the measures' bit sets, mapped to decisions.
    by_measure = len(terms) > 1 and index.through is not None
    title = reason = every = -1  # every record, whatever their number
    for term in terms:
        found = [
            _or(column.get(w, 0) for w in _containing(index, term))
            for column in (index.words if by_measure else index.record_words)
        ]
        title &= found[0]
        reason &= found[0] | found[1]
        every &= found[0] | found[1] | found[2]
    if by_measure:  # a decision in the best tier of its measures
        size = len(index.ids)
        title, reason, every = (
            mask_of(map(index.through.__getitem__, ordinals_of(m)), size) for m in (title, reason, every)
        )
    return Matches(every, tiers=(title, reason & ~title, every & ~reason))


def _containing(index: Index, term: str) -> list:
    """The words of the vocabulary that contain term; a term too short for trigrams only as a whole word."""
    if len(term) < MIN_TRIGRAM:
        return [term]
    positions = (m.start() for m in re.finditer(re.escape(term), index.vocabulary))
    numbers = dict.fromkeys(bisect.bisect_right(index.starts, p) - 1 for p in positions)
    return [index.vocabulary[index.starts[n] : index.starts[n + 1] - 1] for n in numbers]


def text_matches(kind: Kind, index: Index, connection, text: str) -> Matches | None:
    """The records FTS5 finds for text; None when text has no terms."""
    if not has_terms(text):
        return None
    ordinals = [index.by_text_key[k] for (k,) in connection.execute(kind.text_sql, {"match": match_expression(text)})]
    return Matches(mask_of(ordinals, len(index.ids)), ordinals=ordinals)


def ranked(kind: Kind, connection, text: str, keys: list | None, offset: int, limit: int) -> list:
    """The keys (None: all that match), best match for text first: limit of them from offset."""
    params = {"match": match_expression(text), "keys": json.dumps(keys), "limit": limit, "offset": offset}
    sql = kind.ranked_sql.format(restrict=kind.restrict if keys is not None else "")
    return [r[0] for r in connection.execute(sql, params)]


class Indexes:
    """What build(what, connection) derives from a database, built once per process and release
    (bidrag.warm builds them before a release serves); the indexes of the last few releases are kept
    (a switch back and forth rebuilds none)."""

    KEPT = 8

    def __init__(self, build):
        self._build = build
        self._built = OrderedDict()
        self._lock = asyncio.Lock()

    def holds(self, database, what) -> bool:
        return (what, database.hash, database.path) in self._built

    async def get(self, database, what):
        key = (what, database.hash, database.path)
        if key not in self._built:
            async with self._lock:
                if key not in self._built:
                    self._built[key] = await database.execute_fn(lambda conn: self._build(what, conn))
                    while len(self._built) > self.KEPT:
                        self._built.popitem(last=False)
        return self._built[key]


INDEXES = Indexes(build_index)  # the search pages' indexes, one set per process


def decode_list(value) -> list:
    return json.loads(value) if value else []
