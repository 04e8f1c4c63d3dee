"""Turn a parsed decision document into a draft decision file and a list of things to review.

Every value comes with the sentence it was read from (source_quotes, source_quote, the prose
fields); what the document does not state stays empty and is listed for review.
"""

import hashlib
import re
from dataclasses import dataclass, field

from ..schema import GRANTED, PARTLY_GRANTED, REJECTED
from . import people, reasons, swedish
from .deadlines import find_deadlines
from .document import Document, Sentence
from .errors import NotADecision
from .measures import find_measures
from .vocabulary import propose_reason_category, propose_themes

OUTCOME = re.compile(r"beslutar att (?P<partly>delvis )?(?P<verb>bevilja|avslå)", re.IGNORECASE)
TOTAL_GRANTED = re.compile(r"^Bidrag beviljas med (?:sammanlagt )?")
TOTAL_REJECTED = re.compile(r"^Bidrag avslås med (?:sammanlagt )?")
PAYMENTS = re.compile(r"^Bidrag(?:et)? betalas ut med")
JOINT = re.compile(r"i samverkan med (?P<partners>.+?)(?: ansökan| om |\.|,? har )")
# Fields a decision may leave empty without anything being missing.
_MAY_BE_EMPTY = {"joint_with", "general_conditions", "payments", "org_nr"}


@dataclass
class Draft:
    decision: dict
    review: list = field(default_factory=list)  # (field path, message, document line or None)
    mismatches: list = field(default_factory=list)  # arithmetic problems found by the check rules
    unmatched: list = field(default_factory=list)  # (line, sentence) of reasons tied to no measure
    ocr_pages: list = field(default_factory=list)  # pages read by OCR, whose figures need extra care

    def note(self, path, message, line=None):
        self.review.append((path, message, line))


def _outcome_sentence(document: Document) -> Sentence:
    beslut = document.sentences("Beslut")
    found = next((s for s in beslut if OUTCOME.search(s.text)), None)
    if found is None:
        hint = ""
        if not any(s.text for s in document.all_sentences()) and not document.title:
            hint = "; dokumentet har ingen text att läsa"
        raise NotADecision(
            f"{document.path.name} är inget bidragsbeslut: rubriken ”Beslut” och "
            f"meningen ”Effektivitetsdelegationen beslutar att … bevilja/avslå …” saknas{hint}"
        )
    return found


def build_draft(document: Document, regions: list, themes: list, reasons_: list, functional_mailboxes: set) -> Draft:
    outcome_sentence = _outcome_sentence(document)
    draft = Draft({}, ocr_pages=list(document.ocr_pages))
    d = draft.decision
    region, org_nr = _applicant(document.sentences("Beslut"), regions, draft)
    d.update(_header(document, outcome_sentence, region, org_nr, regions, draft))
    d["payments"] = _payments(d["source_quotes"]["payments"], d["amount_granted"], draft)
    d["deadlines"] = find_deadlines(document.all_sentences(), draft)
    d["measures"] = find_measures(document, draft)
    attributed = reasons.attach_reasons(document, d["measures"])
    d["general_conditions"] = reasons.general_conditions(document, d["measures"])
    for index, measure in enumerate(d["measures"]):
        _curate(measure, index, themes, reasons_, draft)
    d["reasoning"] = reasons.reasoning(document, attributed, draft)
    d["decision_makers"] = people.decision_makers(document, draft)
    d["appeal"] = _appeal(document, draft)
    d["contacts"] = people.contacts(document, functional_mailboxes)
    d["source_document"] = _source_document(document, region)
    draft.note(("source_document", "url"), "adressen till dokumentet är okänd; fyll i när det publicerats")
    _note_empty(draft)
    return draft


def _header(document, outcome_sentence, region, org_nr, regions, draft) -> dict:
    beslut = document.sentences("Beslut")
    decided_sentence = _find(document.all_sentences(), r"sammanträde|fattats")
    decided = swedish.first_date(decided_sentence.text) if decided_sentence else None
    if decided is None:
        draft.note(("decided_on",), "beslutsdatum hittades inte (”… vid sammanträde den …”)")
    applied_sentence = _find(document.all_sentences(), r"ansökte den|ansökan den|inkom den")
    applied = swedish.first_date(applied_sentence.text) if applied_sentence else None
    if applied is None:
        draft.note(("applied_on",), "ansökningsdatum hittades inte (”… ansökte den …”)")
    outcome = _outcome(outcome_sentence)
    granted, rejected = _totals(beslut, outcome, draft)
    applied_amount = swedish.first_amount(applied_sentence.text) if applied_sentence else None
    if applied_amount is None:
        draft.note(("amount_applied",), "sökt belopp hittades inte (”… ansökte den … om statsbidrag med …”)")
    decided_iso = decided.isoformat() if decided else "0000-00-00"
    totals = [
        s.text
        for s in _following(beslut, outcome_sentence)
        if TOTAL_GRANTED.match(s.text) or TOTAL_REJECTED.match(s.text)
    ]
    return {
        "id": f"{decided_iso.replace('-', '_')}_{region['id'] if region else 'okand_region'}",
        "region": region["id"] if region else None,
        "org_nr": org_nr,
        "title": document.title or None,
        "decided_on": decided.isoformat() if decided else None,
        "applied_on": applied.isoformat() if applied else None,
        "outcome": outcome,
        "amount_applied": applied_amount,
        "amount_granted": granted,
        "amount_rejected": rejected,
        "joint_with": _partners(beslut, regions, region, draft),
        "source_quotes": {
            "decided_on": _text(decided_sentence),
            "applied": _text(applied_sentence),
            "outcome": " ".join([outcome_sentence.text] + totals),
            "payments": _text(_find(beslut, PAYMENTS.pattern)),
        },
    }


def _text(sentence):
    return sentence.text if sentence else None


def _find(sentences, pattern):
    return next((s for s in sentences if re.search(pattern, s.text)), None)


def _following(sentences, start):
    index = sentences.index(start)
    return sentences[index:]


def _applicant(beslut, regions, draft):
    text = " ".join(s.text for s in beslut[:3])
    found = swedish.find_regions(text, regions)
    line = beslut[0].line if beslut else None
    if not found:
        draft.note(("region",), "den sökande regionen kunde inte bestämmas", line)
        return None, None
    org_nr = swedish.org_number(text)
    # The schema has no quote for these two; the review names the sentence they were read from.
    source = next(s for s in beslut[:3] if swedish.find_regions(s.text, regions))
    draft.note(("region",), f"läst ur ”{source.text}”", source.line)
    if org_nr is None:
        draft.note(("org_nr",), "beslutet anger inget organisationsnummer", line)
    return found[0][1], org_nr


def _outcome(sentence: Sentence) -> str:
    match = OUTCOME.search(sentence.text)
    if match["verb"].casefold() == "avslå":
        return REJECTED
    return PARTLY_GRANTED if match["partly"] else GRANTED


def _totals(beslut, outcome, draft):
    """The granted and rejected totals; a total the outcome rules out is 0, one not found is empty."""
    granted = next((swedish.first_amount(s.text) for s in beslut if TOTAL_GRANTED.match(s.text)), None)
    rejected = next((swedish.first_amount(s.text) for s in beslut if TOTAL_REJECTED.match(s.text)), None)
    if granted is None and outcome == REJECTED:
        granted = 0
    elif granted is None:
        draft.note(("amount_granted",), "beviljat belopp hittades inte (”Bidrag beviljas med …”)")
    if rejected is None and outcome == GRANTED:
        rejected = 0
    elif rejected is None:
        draft.note(("amount_rejected",), "avslaget belopp hittades inte (”Bidrag avslås med …”)")
    return granted, rejected


def _partners(beslut, regions, applicant, draft):
    for sentence in beslut:
        match = JOINT.search(sentence.text)
        if match:
            partners = [r["id"] for _, r in swedish.find_regions(match["partners"], regions) if r is not applicant]
            if not partners:
                draft.note(("joint_with",), "samverkande regioner kunde inte bestämmas", sentence.line)
            return list(dict.fromkeys(partners))
    return []


def _payments(text, granted, draft):
    if text is None:
        if granted:
            draft.note(("payments",), "utbetalningsplanen hittades inte (”Bidrag betalas ut med …”)")
        return []
    matches = list(swedish.AMOUNT.finditer(text))
    payments = []
    for match, following in zip(matches, matches[1:] + [None], strict=True):
        between = text[match.end() : following.start() if following else None]
        year = re.search(r"(?<!\d)(20\d\d)(?!\d)", between)
        if year:
            payments.append({"year": int(year.group(1)), "amount": swedish.amount_value(match)})
    if len(payments) != len(matches):
        draft.note(("payments",), "alla utbetalningar kunde inte kopplas till ett år")
    return payments


def _appeal(document, draft):
    appeal = _find(document.all_sentences(), r"överklagas")
    if appeal is None:
        draft.note(("appeal",), "meningen om överklagande hittades inte")
    return {"appealable": bool(appeal) and "inte överklagas" not in appeal.text, "text": _text(appeal)}


def _source_document(document, region):
    return {
        "title": f"{document.title}, {region['name']}" if region and document.title else document.title,
        "file_name": document.path.name,
        "sha256": hashlib.sha256(document.data).hexdigest(),
        "url": None,
    }


def _curate(measure, index, themes, reason_categories, draft):
    line = measure.pop("_line")
    measure.pop("_explanation")
    path = ("measures", index)
    if measure["status"] != GRANTED:
        _propose_category(measure, path, line, reason_categories, draft)
    proposals = propose_themes(measure["title"], themes)
    measure["themes"] = [theme for theme, _ in proposals]
    if proposals:
        why = ", ".join(f"{theme} (”{keyword}”)" for theme, keyword in proposals)
        draft.note(path + ("themes",), f"föreslagna av regel: {why}; granska", line)
    else:
        draft.note(path + ("themes",), "inga teman föreslogs; välj i data/themes.yml", line)
    if measure["status"] == PARTLY_GRANTED and measure["amount_rejected"] is None:
        draft.note(path + ("amount_rejected",), "avslagen del anges inte för åtgärden", line)


def _propose_category(measure, path, line, reason_categories, draft):
    if measure["reason"] is None:
        draft.note(path + ("reason",), "inga skäl om åtgärden hittades under ”Skälen för beslutet”", line)
    proposal = propose_reason_category(measure["reason"] or "", reason_categories)
    if proposal:
        category, keyword = proposal
        measure["reason_category"] = category
        draft.note(path + ("reason_category",), f"föreslagen av regel (nyckelord ”{keyword}”); granska", line)
    else:
        draft.note(path + ("reason_category",), "välj kategori i data/reason_categories.yml", line)


def _note_empty(draft):
    """Every top-level field left empty is listed, even where no rule above named it."""
    noted = {path[0] for path, _, _ in draft.review}
    for key, value in draft.decision.items():
        if value in (None, [], "") and key not in _MAY_BE_EMPTY and key not in noted:
            draft.note((key,), "tomt: hittades inte i dokumentet")
