"""Full-text search that works for Swedish compounds, shared by the build and the site.

Swedish glues words together (taligenkänning, läkemedelsrobot), so a search for "igenkänning" or
"robot" must match inside words. SQLite's trigram tokenizer does substring matching,
case-insensitively for Å, Ä and Ö too, but cannot match terms shorter than three characters
("AI"). Those are indexed a second time as ‹ai›: a marker-wrapped copy that is long enough for
trigrams and can only match the whole word.
"""

import re

TOKENIZER = "trigram"
MIN_TRIGRAM = 3
_WORD = re.compile(r"\w+")
_TERM = re.compile(r'"([^"]*)"|(\S+)')
_EDGE_PUNCTUATION = re.compile(r"^\W+|\W+$")


def _short_word(word: str) -> str:
    return f"‹{word.casefold()}›"


def index_text(text: str | None) -> str | None:
    """The text as indexed: unchanged, followed by a marked copy of each word under 3 characters."""
    if not text:
        return text
    short = dict.fromkeys(_short_word(w) for w in _WORD.findall(text) if len(w) < MIN_TRIGRAM)
    return f"{text} {' '.join(short)}" if short else text


def match_expression(query: str | None) -> str:
    """An FTS5 MATCH expression: every term must occur, as a substring or, if short, as a word.

    Quoted phrases stay together. A query with no searchable terms matches nothing.
    """
    phrases = []
    for quoted, bare in _TERM.findall(query or ""):
        term = _EDGE_PUNCTUATION.sub("", quoted if quoted else bare)
        term = " ".join(term.split())
        if not term:
            continue
        if len(term) < MIN_TRIGRAM:
            term = _short_word(term)
        phrases.append('"' + term.replace('"', '""') + '"')
    return " ".join(phrases) or '""'


def has_terms(query: str | None) -> bool:
    return match_expression(query) != '""'
