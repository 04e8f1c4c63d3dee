"""Deterministic proposals of curated fields from the vocabularies' keywords.

A keyword of three letters or fewer must stand as a whole word ("AI"); a longer one may occur
inside a word ("robot" in "läkemedelsrobot"), the way Swedish compounds work.
"""

import re


def _occurs(keyword: str, text: str) -> bool:
    keyword, text = keyword.casefold(), text.casefold()
    if len(keyword) <= 3:
        return re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", text) is not None
    return keyword in text


def _first_keyword(entry: dict, text: str) -> str | None:
    return next((k for k in entry.get("keywords", []) if _occurs(k, text)), None)


def propose_themes(title: str, themes: list) -> list[tuple[str, str]]:
    """(theme id, keyword that matched) for every theme whose keyword occurs in the title."""
    proposals = []
    for theme in themes:
        keyword = _first_keyword(theme, title)
        if keyword:
            proposals.append((theme["id"], keyword))
    return proposals


def propose_reason_category(reason: str, categories: list) -> tuple[str, str] | None:
    """The first category, in vocabulary order, whose keyword occurs in the reason."""
    for category in categories:
        keyword = _first_keyword(category, reason)
        if keyword:
            return category["id"], keyword
    return None
