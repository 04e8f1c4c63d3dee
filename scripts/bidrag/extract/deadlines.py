"""Deadlines found by meaning: a sentence with "senast" and a date that speaks of an interim report,
a final report or of the measures being carried out, in whatever order the decision puts them."""

import re

from ..schema import COMPLETION, DEADLINE_KINDS, FINAL_REPORT, INTERIM_REPORT
from . import swedish

_KINDS = (
    (INTERIM_REPORT, re.compile(r"\bdel(?:redovisning|rapport)", re.IGNORECASE)),
    (FINAL_REPORT, re.compile(r"\bslut(?:redovisning|rapport|lig redovisning)", re.IGNORECASE)),
    (COMPLETION, re.compile(r"\b(?:genomförd[ae]?|slutförd[ae]?|avslutade|vara klara)\b", re.IGNORECASE)),
)
_BY = re.compile(r"\bsenast\b", re.IGNORECASE)


def kind_of(text: str) -> str | None:
    """The kind of deadline a sentence sets, or None when it sets none."""
    if not _BY.search(text) or swedish.first_date(text) is None:
        return None
    kinds = [kind for kind, pattern in _KINDS if pattern.search(text)]
    reports = [kind for kind in kinds if kind != COMPLETION]
    if reports:  # a report's sentence may also speak of "de genomförda åtgärderna"
        return reports[0] if len(reports) == 1 else None
    return kinds[0] if kinds else None


def find_deadlines(sentences, draft) -> list[dict]:
    found = {}
    for sentence in sentences:
        kind = kind_of(sentence.text)
        if kind and kind not in found:
            due = swedish.first_date(sentence.text)
            found[kind] = {"kind": kind, "due_on": due.isoformat(), "source_quote": sentence.text}
    for kind in DEADLINE_KINDS.values:
        if kind not in found:
            draft.note(("deadlines",), f"ingen tidsfrist för {kind} hittades")
    return [found[kind] for kind in DEADLINE_KINDS.values if kind in found]
