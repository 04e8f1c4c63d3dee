"""Full-text search that works for Swedish compounds, shared by the build and the site.

Swedish glues words together (taligenkänning, läkemedelsrobot), so a search for "igenkänning" or
"robot" must match inside words. SQLite's trigram tokenizer does substring matching,
case-insensitively for Å, Ä and Ö too, but cannot match terms shorter than three characters
("AI"). Those are indexed a second time as ‹ai›: a marker-wrapped copy that is long enough for
trigrams and can only match the whole word.
"""

import re
import unicodedata

TOKENIZER = "trigram"
MIN_TRIGRAM = 3
_WORD = re.compile(r"\w+")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")
# Quotation marks as Swedish (”…”, »…»), English (“…”) and German („…“) write them: each makes a phrase.
_QUOTES = str.maketrans(dict.fromkeys("”“„»«", '"'))


def _short_word(word: str) -> str:
    return f"‹{word.casefold()}›"


def index_text(text: str | None) -> str | None:
    """The text as indexed: unchanged, followed by a marked copy of each word under 3 characters."""
    if not text:
        return text
    short = dict.fromkeys(_short_word(w) for w in _WORD.findall(text) if len(w) < MIN_TRIGRAM)
    return f"{text} {' '.join(short)}" if short else text


def clean_query(query: str | None) -> str:
    """The query as typed, composed (NFC: ä as one character, as the texts have it), without control
    characters and with runs of white space as one space."""
    text = unicodedata.normalize("NFC", query or "")
    return " ".join("".join(c if unicodedata.category(c)[0] != "C" else " " for c in text).split())


def _terms(query: str | None) -> list:
    """The query's terms: quoted phrases whole, the rest word by word, without edge punctuation."""
    terms = []
    for quoted, bare in _TERM.findall(clean_query(query).translate(_QUOTES)):
        term = " ".join(_EDGE_PUNCTUATION.sub("", quoted if quoted else bare).split())
        if term:
            terms.append(term)
    return terms


def match_expression(query: str | None) -> str:
    """An FTS5 MATCH expression: every term must occur, as a substring or, if short, as a word.

    Quoted phrases stay together. A query with no searchable terms matches nothing.
    """
    phrases = []
    for term in _terms(query):
        if len(term) < MIN_TRIGRAM:
            term = _short_word(term)
        phrases.append('"' + term.replace('"', '""') + '"')
    return " ".join(phrases) or '""'


def _latin_word(term: str) -> bool:
    # Latin letters and digits, whose case SQLite's FTS5 folds as Python's lower() does.
    return term.isalnum() and all(ord(c) < 0x250 for c in term) and term.casefold() == term.lower()


def plain_words(query: str | None) -> list | None:
    """The query's terms in lower case when every one is a plain word (no phrase, Latin letters and
    digits): then a record matches when, for each term, a word of its text contains the term (a
    term under three characters: is the term), which bidrag.finder answers from its word index.
    None for other queries, which FTS5 answers."""
    terms = _terms(query)
    if not terms or not all(_latin_word(t) for t in terms):
        return None
    return [t.lower() for t in terms]


def words(text: str | None) -> set:
    """The words of a text in lower case, as plain_words matches them against; a short word also
    case-folded, as index_text marks it."""
    found = _WORD.findall(text or "")
    return {w.lower() for w in found} | {w.casefold() for w in found if len(w) < MIN_TRIGRAM}


def has_terms(query: str | None) -> bool:
    return match_expression(query) != '""'
