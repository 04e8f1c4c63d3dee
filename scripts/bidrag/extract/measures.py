"""The measures of a decision: the items listed under "Bidrag beviljas" and "Bidrag avslås" (bullets
or numbers, each perhaps with its own amount and condition), the sentences that reject several
measures at once ("Bidrag beviljas inte för A, B och C.") and the partial rejections of a granted one."""

import re

from ..schema import GRANTED, PARTLY_GRANTED, REJECTED
from . import deadlines, swedish

_AMOUNT = swedish.AMOUNT.pattern
_SHARE = r"^(?:Hälften|Halva|En del|\d+ procent) av (?:det )?(?:ansökt(?:a)? )?(?:bidrag(?:et)?|belopp(?:et)?)"
PARTLY_GRANTED_ITEM = re.compile(_SHARE + r" för (?P<title>.+?)\.$")
PARTLY_REJECTED = re.compile(_SHARE + r"(?:,? [^,]+,)? för (?P<title>.+?)(?:, [^,]+,)? avslås\b")
CONDITIONAL = re.compile(r"^(?:Bidrag(?:et)? för )?(?P<title>.+?) beviljas med villkor(?:et|en)? att")
GRANTED_FOR = re.compile(rf"^Bidrag beviljas för (?P<title>.+?) med {_AMOUNT}", re.IGNORECASE)
AMOUNT_SENTENCE = re.compile(r"^Bidrag(?:et)? (?:beviljas|avslås) med ")
REJECTED_LIST = re.compile(r"^Bidrag beviljas inte för (?P<items>.+?)\.$")
TITLE_WITH_AMOUNT = re.compile(rf"^(?P<title>.+?)[,:]?\s*[–—-]?\s*\(?{_AMOUNT}\)?\.?$", re.IGNORECASE)
_REJECTED_TITLE = re.compile(r"^(?:Bidrag beviljas inte för )?(?P<title>.+?)(?: avslås)?\.?$")
_TOTAL_REJECTED = re.compile(r"^Bidrag avslås med (?:sammanlagt )?")


def new_measure(title, status, quote, sentence):
    return {
        "position": 0,
        "title": swedish.capitalise(title.strip().rstrip(".,:")),
        "status": status,
        "amount_applied": None,
        "amount_granted": 0 if status == REJECTED else None,
        "amount_rejected": None,
        "conditions": None,
        "reason": None,
        "source_quote": quote,
        "reason_category": None,
        "themes": [],
        "_line": sentence.line,
        "_explanation": None,  # the item's own words on why it was rejected, when the reasons say nothing
    }


def find_measures(document, draft) -> list[dict]:
    granted = [_granted_item(sentences, draft) for sentences in _items(document.sentences("Beslut", "Bidrag beviljas"))]
    measures = list(granted)
    rejected = document.sentences("Bidrag avslås")
    for sentences in _items(rejected):
        _rejected_item(sentences, measures, draft)
    loose = [s for s in rejected if s.item is None]
    for index, sentence in enumerate(loose):
        if REJECTED_LIST.match(sentence.text):
            quote = " ".join([sentence.text] + _explanation(loose[index + 1 :]))
            for title in swedish.split_list(REJECTED_LIST.match(sentence.text)["items"]):
                measures.append(new_measure(title, REJECTED, quote, sentence))
        elif partly := PARTLY_REJECTED.match(sentence.text):
            _reject_part(partly["title"], sentence, measures, draft)
    if not measures:
        draft.note(("measures",), "inga åtgärder hittades; lägg in dem för hand")
    for position, measure in enumerate(measures, 1):
        measure["position"] = position
    return measures


def _items(sentences) -> list[list]:
    items: dict = {}
    for sentence in sentences:
        if sentence.item is not None:
            items.setdefault(sentence.item, []).append(sentence)
    return list(items.values())


def _explanation(following) -> list[str]:
    """The sentences after a rejecting sentence, up to the next rejection or the total."""
    explanation = []
    for sentence in following:
        if REJECTED_LIST.match(sentence.text) or PARTLY_REJECTED.match(sentence.text):
            break
        if _TOTAL_REJECTED.match(sentence.text):
            break
        explanation.append(sentence.text)
    return explanation


def _amount_of(sentences) -> int | None:
    stated = [s for s in sentences if AMOUNT_SENTENCE.match(s.text)]
    if stated:
        return swedish.first_amount(stated[-1].text)
    match = TITLE_WITH_AMOUNT.match(sentences[0].text)
    return swedish.amount_value(swedish.AMOUNT.search(match.group(0))) if match else None


def _granted_title(first: str, rest: list[str]):
    """(title, status, conditions) of a granted item from its first sentence; the item's other
    sentences, besides its amount, are what the grant is conditional on."""
    conditions = " ".join(rest) or None
    if match := PARTLY_GRANTED_ITEM.match(first):
        return match["title"], PARTLY_GRANTED, conditions
    if match := CONDITIONAL.match(first):
        return match["title"], GRANTED, " ".join([first] + rest)
    if match := GRANTED_FOR.match(first) or TITLE_WITH_AMOUNT.match(first):
        return match["title"], GRANTED, conditions
    return first.rstrip("."), GRANTED, conditions


def _granted_item(sentences, draft):
    # A deadline is the decision's, even where the text layer runs it into the last item.
    rest = [s.text for s in sentences[1:] if not AMOUNT_SENTENCE.match(s.text) and not deadlines.kind_of(s.text)]
    title, status, conditions = _granted_title(sentences[0].text, rest)
    measure = new_measure(title, status, " ".join(s.text for s in sentences), sentences[0])
    measure.update({"amount_granted": _amount_of(sentences), "conditions": conditions})
    if measure["amount_granted"] is None:
        draft.note(("measures",), f"beviljat belopp saknas för ”{measure['title']}”", sentences[0].line)
    return measure


def _rejected_item(sentences, measures, draft):
    first = sentences[0]
    if partly := PARTLY_REJECTED.match(first.text):
        _reject_part(partly["title"], first, measures, draft)
        return
    amount = _amount_of(sentences)
    title = TITLE_WITH_AMOUNT.match(first.text) or _REJECTED_TITLE.match(first.text)
    measure = new_measure(title["title"], REJECTED, " ".join(s.text for s in sentences), first)
    if amount is not None:
        measure.update({"amount_rejected": amount, "amount_applied": amount})
    explanation = [s.text for s in sentences[1:] if not AMOUNT_SENTENCE.match(s.text)]
    measure["_explanation"] = " ".join(explanation) or None
    measures.append(measure)


def same_title(a: str, b: str) -> bool:
    a, b = a.casefold().strip(), b.casefold().strip()
    return a == b or (min(len(a), len(b)) >= 10 and (a.endswith(b) or b.endswith(a)))


def _reject_part(title, sentence, measures, draft):
    target = next((m for m in measures if m["status"] != REJECTED and same_title(m["title"], title)), None)
    if target is None:
        draft.note(("measures",), f"delvis avslag för okänd åtgärd ”{title}”", sentence.line)
        return
    target["status"] = PARTLY_GRANTED
    target["amount_rejected"] = swedish.first_amount(sentence.text)
    target["source_quote"] += "\n\n" + sentence.text
    if target["amount_rejected"] is not None and target["amount_granted"] is not None:
        target["amount_applied"] = target["amount_granted"] + target["amount_rejected"]
