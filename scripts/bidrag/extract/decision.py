"""Turn a parsed decision document into a draft decision file and a list of things to review."""

import hashlib
import re
from dataclasses import dataclass, field

from . import swedish
from .document import Document, Sentence
from .vocabulary import propose_reason_category, propose_themes

OUTCOME = re.compile(r"beslutar att (?P<partly>delvis )?(?P<verb>bevilja|avslå)", re.IGNORECASE)
REJECTED_LIST = re.compile(r"^Bidrag beviljas inte för (?P<items>.+?)\.$")
_SHARE = r"^(?:Hälften|En del|\d+ procent) av (?:det )?ansökt(?:a)? bidrag(?:et)?"
PARTLY_GRANTED = re.compile(_SHARE + r" för (?P<title>.+?)\.$")
PARTLY_REJECTED = re.compile(_SHARE + r",? (?:[^,]+, )?för (?P<title>.+?) avslås\b")
CONDITIONAL = re.compile(r"^Bidrag för (?P<title>.+?) beviljas med villkor(?:et|en)? att")
GRANTED_FOR = re.compile(r"^Bidrag beviljas för (?P<title>.+?) med [\d ]+ (?:kr|kronor)\b")
ITEM_AMOUNT = re.compile(r"^Bidrag beviljas med ")
TOTAL_REJECTED = re.compile(r"^Bidrag avslås med (?:sammanlagt )?")
JOINT = re.compile(r"i samverkan med (?P<partners>.+?)(?: ansökan| om |\.|,? har )")
_STOPWORDS = {
    "införande",
    "implementering",
    "åtgärder",
    "åtgärden",
    "bidrag",
    "effektiv",
    "effektivare",
    "verksamheten",
    "verksamheter",
    "sjukvård",
    "sjukvården",
    "hälso",
    "region",
    "regionen",
}


@dataclass
class Draft:
    decision: dict
    review: list = field(default_factory=list)  # (field path, message, document line or None)
    mismatches: list = field(default_factory=list)  # arithmetic problems found by the check rules
    unmatched: list = field(default_factory=list)  # (line, sentence) of reasons tied to no measure

    def note(self, path, message, line=None):
        self.review.append((path, message, line))


class NotADecision(Exception):
    pass


def build_draft(document: Document, regions: list, themes: list, reasons: list, functional_mailboxes: set) -> Draft:
    beslut = document.sentences("Beslut")
    outcome_sentence = next((s for s in beslut if OUTCOME.search(s.text)), None)
    if "Beslut" not in document.sections or outcome_sentence is None:
        raise NotADecision(
            f"{document.path.name} är inget bidragsbeslut: rubriken ”Beslut” och "
            "meningen ”Effektivitetsdelegationen beslutar att … bevilja/avslå …” saknas"
        )
    draft = Draft({})
    d = draft.decision
    region, org_nr = _applicant(document, beslut, regions, draft)
    decided = _date_after(document, r"sammanträde|fattats", "decided_on", draft)
    applied_sentence = _find(document.all_sentences(), r"ansökte den")
    applied = swedish.first_date(applied_sentence.text) if applied_sentence else None
    if applied is None:
        draft.note(("applied_on",), "ansökningsdatum hittades inte (”… ansökte den …”)")
    outcome = _outcome(outcome_sentence)
    granted, rejected = _totals(beslut, outcome, draft)
    applied_amount = swedish.first_amount(applied_sentence.text) if applied_sentence else None
    if applied_amount is None:
        draft.note(("amount_applied",), "sökt belopp hittades inte; satt till beviljat + avslaget")
        applied_amount = granted + rejected
    decided_iso = decided.isoformat() if decided else "0000-00-00"
    d.update(
        {
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
        }
    )
    payment_sentence = _find(beslut, r"^Bidrag betalas ut med")
    d["source_quotes"] = {
        "decided_on": _text(_find(document.all_sentences(), r"sammanträde")),
        "applied": _text(applied_sentence),
        "outcome": " ".join(
            [outcome_sentence.text]
            + [
                s.text
                for s in _following(beslut, outcome_sentence)
                if re.match(r"^Bidrag (beviljas|avslås) med", s.text)
            ]
        ),
        "payments": _text(payment_sentence),
    }
    d["payments"] = _payments(payment_sentence, granted, draft)
    d["deadlines"] = _deadlines(document, draft)
    d["measures"] = _measures(document, draft)
    attributed = _attach_reasons(document, d["measures"])
    for index, measure in enumerate(d["measures"]):
        _curate(measure, index, themes, reasons, draft)
    d["general_conditions"] = " ".join(_general_conditions(document)) or None
    d["reasoning"] = _reasoning(document, attributed, draft)
    d["decision_makers"] = _decision_makers(document, draft)
    appeal = _find(document.all_sentences(), r"överklagas")
    d["appeal"] = {"appealable": bool(appeal) and "inte överklagas" not in appeal.text, "text": _text(appeal)}
    if appeal is None:
        draft.note(("appeal",), "meningen om överklagande hittades inte")
    d["contacts"] = _contacts(document, functional_mailboxes)
    data = document.path.read_bytes()
    d["source_document"] = {
        "title": f"{document.title}, {region['name']}" if region and document.title else document.title,
        "file_name": document.path.name,
        "sha256": hashlib.sha256(data).hexdigest(),
        "url": None,
    }
    draft.note(("source_document", "url"), "adressen till dokumentet är okänd; fyll i när det publicerats")
    return draft


def _text(sentence):
    return sentence.text if sentence else None


def _find(sentences, pattern):
    return next((s for s in sentences if re.search(pattern, s.text)), None)


def _following(sentences, start):
    index = sentences.index(start)
    return sentences[index + 1 :]


def _applicant(document, beslut, regions, draft):
    text = " ".join(s.text for s in beslut[:3])
    found = swedish.find_regions(text, regions)
    line = beslut[0].line if beslut else None
    if not found:
        draft.note(("region",), "den sökande regionen kunde inte bestämmas", line)
        return None, None
    org_nr = swedish.org_number(text)
    if org_nr is None:
        draft.note(("org_nr",), "beslutet anger inget organisationsnummer", line)
    return found[0][1], org_nr


def _date_after(document, pattern, path, draft):
    sentence = _find(document.all_sentences(), pattern)
    found = swedish.first_date(sentence.text) if sentence else None
    if found is None:
        draft.note((path,), "datumet hittades inte")
    return found


def _outcome(sentence: Sentence) -> str:
    match = OUTCOME.search(sentence.text)
    if match["verb"].casefold() == "avslå":
        return "avslagen"
    return "delvis beviljad" if match["partly"] else "beviljad"


def _totals(beslut, outcome, draft):
    granted = next((swedish.first_amount(s.text) for s in beslut if re.match(r"^Bidrag beviljas med", s.text)), None)
    rejected = next((swedish.first_amount(s.text) for s in beslut if TOTAL_REJECTED.match(s.text)), None)
    if granted is None:
        granted = 0
        if outcome != "avslagen":
            draft.note(("amount_granted",), "beviljat belopp hittades inte")
    if rejected is None:
        rejected = 0
        if outcome != "beviljad":
            draft.note(("amount_rejected",), "avslaget belopp hittades inte")
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


def _payments(sentence, granted, draft):
    if sentence is None:
        if granted:
            draft.note(("payments",), "utbetalningsplanen hittades inte (”Bidrag betalas ut med …”)")
        return []
    matches = list(swedish.AMOUNT.finditer(sentence.text))
    payments = []
    for match, following in zip(matches, matches[1:] + [None], strict=True):
        between = sentence.text[match.end() : following.start() if following else None]
        year = re.search(r"(?<!\d)(20\d\d)(?!\d)", between)
        if year:
            payments.append({"year": int(year.group(1)), "amount": swedish.amount_value(match)})
    if len(payments) != len(matches):
        draft.note(("payments",), "alla utbetalningar kunde inte kopplas till ett år", sentence.line)
    return payments


def _deadlines(document, draft):
    deadlines = []
    for sentence in document.all_sentences():
        text = sentence.text
        kind = (
            "genomförande"
            if re.search(r"ska vara genomförda senast", text)
            else "delredovisning"
            if re.search(r"^Senast .*delredovisning", text)
            else "slutredovisning"
            if re.search(r"^Senast .*slutredovisning", text)
            else None
        )
        due = swedish.first_date(text) if kind else None
        if kind and due:
            deadlines.append({"kind": kind, "due_on": due.isoformat(), "source_quote": text})
    found = {d["kind"] for d in deadlines}
    for kind in ("genomförande", "delredovisning", "slutredovisning"):
        if kind not in found:
            draft.note(("deadlines",), f"ingen tidsfrist för {kind} hittades")
    return deadlines


def _measure(title, status, quote, line):
    return {
        "position": 0,
        "title": swedish.capitalise(title.strip()),
        "status": status,
        "amount_applied": None,
        "amount_granted": 0 if status == "avslagen" else None,
        "amount_rejected": None,
        "conditions": None,
        "reason": None,
        "source_quote": quote,
        "reason_category": None,
        "themes": [],
        "_line": line,
    }


def _measures(document, draft):  # noqa: C901 -- rewritten with the extraction issue
    measures = []
    granted_items: dict = {}
    for sentence in document.sentences("Bidrag beviljas"):
        if sentence.item is not None:
            granted_items.setdefault(sentence.item, []).append(sentence)
    for sentences in granted_items.values():
        measures.append(_granted_item(sentences, draft))
    rejected = document.sentences("Bidrag avslås")
    for index, sentence in enumerate(rejected):
        if REJECTED_LIST.match(sentence.text):
            explanation = []
            for following in rejected[index + 1 :]:
                if (
                    REJECTED_LIST.match(following.text)
                    or PARTLY_REJECTED.match(following.text)
                    or TOTAL_REJECTED.match(following.text)
                ):
                    break
                explanation.append(following.text)
            quote = " ".join([sentence.text] + explanation)
            for title in swedish.split_list(REJECTED_LIST.match(sentence.text)["items"]):
                measures.append(_measure(title, "avslagen", quote, sentence.line))
        elif partly := PARTLY_REJECTED.match(sentence.text):
            target = next((m for m in measures if m["title"].casefold() == partly["title"].casefold()), None)
            if target is None:
                draft.note(("measures",), f"delvis avslag för okänd åtgärd ”{partly['title']}”", sentence.line)
                continue
            target["amount_rejected"] = swedish.first_amount(sentence.text)
            target["source_quote"] += "\n\n" + sentence.text
            if target["amount_rejected"] is not None and target["amount_granted"] is not None:
                target["amount_applied"] = target["amount_granted"] + target["amount_rejected"]
    if not measures:
        draft.note(("measures",), "inga åtgärder hittades; lägg in dem för hand")
    for position, measure in enumerate(measures, 1):
        measure["position"] = position
    return measures


def _granted_item(sentences, draft):
    first, line = sentences[0].text, sentences[0].line
    quote = " ".join(s.text for s in sentences)
    amount_sentences = [s for s in sentences if ITEM_AMOUNT.match(s.text)]
    amount = swedish.first_amount(amount_sentences[-1].text) if amount_sentences else None
    status, conditions = "beviljad", None
    if match := PARTLY_GRANTED.match(first):
        title, status = match["title"], "delvis beviljad"
    elif match := CONDITIONAL.match(first):
        title = match["title"]
        conditions = " ".join(s.text for s in sentences if s not in amount_sentences)
    elif match := GRANTED_FOR.match(first):
        title = match["title"]
    else:
        title = first.rstrip(".")
        rest = [s.text for s in sentences[1:] if s not in amount_sentences and re.search(r"\b(ska|villkor)", s.text)]
        conditions = " ".join(rest) or None
    measure = _measure(title, status, quote, line)
    measure.update({"amount_granted": amount, "conditions": conditions})
    if amount is None:
        draft.note(("measures",), f"beviljat belopp saknas för ”{measure['title']}”", line)
    return measure


def _keywords(measures):
    """Words that name one measure only: how a sentence of the reasons is tied to its measure."""
    words = {}
    for index, measure in enumerate(measures):
        for word in re.findall(r"\w{6,}", measure["title"].casefold()):
            if word not in _STOPWORDS:
                words.setdefault(word, set()).add(index)
    return {word: owners.pop() for word, owners in words.items() if len(owners) == 1}


def _attach_reasons(document, measures) -> set:
    """Give each measure the sentences of the reasons that name it; return their ids."""
    keywords = _keywords(measures)
    groups: dict = {}  # measure index -> paragraphs, each a list of consecutive sentences
    attributed, previous = set(), set()
    for sentence in _reason_sentences(document):
        owners = _owners(sentence.text, keywords)
        for index in owners:
            paragraphs = groups.setdefault(index, [])
            if index in previous and paragraphs:
                paragraphs[-1].append(sentence.text)
            else:
                paragraphs.append([sentence.text])
        if owners:
            attributed.add(id(sentence))
        previous = owners
    for index, measure in enumerate(measures):
        if index in groups:
            measure["reason"] = "\n\n".join(" ".join(p) for p in groups[index])
    return attributed


def _owners(text: str, keywords: dict) -> set:
    """Measures a sentence names: a keyword in it, or a long word of it that ends a keyword
    ("Rådgivning via chatt" names "sjukvårdsrådgivning via chatt")."""
    text = text.casefold()
    words = [w for w in re.findall(r"\w{8,}", text)]
    return {
        index for keyword, index in keywords.items() if keyword in text or any(keyword.endswith(word) for word in words)
    }


def _reason_sentences(document):
    return [s for s in document.sentences(*_reason_headings(document)) if not _closing(s)]


def _reason_headings(document):
    order = document.order
    start = order.index("Skälen för beslutet") if "Skälen för beslutet" in order else len(order)
    return [h for h in document.order[start:] if h not in ("Bilaga", "Bilagor")]


def _closing(sentence):
    return re.search(r"sammanträde|slutliga handläggningen|^Föredragande|överklagas", sentence.text) is not None


def _curate(measure, index, themes, reasons, draft):
    line = measure.pop("_line")
    path = ("measures", index)
    if measure["status"] != "beviljad":
        if measure["reason"] is None:
            draft.note(path + ("reason",), "inga skäl om åtgärden hittades under ”Skälen för beslutet”", line)
        proposal = propose_reason_category(measure["reason"] or "", reasons)
        if proposal:
            category, keyword = proposal
            measure["reason_category"] = category
            draft.note(path + ("reason_category",), f"föreslagen av regel (nyckelord ”{keyword}”); granska", line)
        else:
            draft.note(path + ("reason_category",), "välj kategori i data/reason_categories.yml", line)
    proposals = propose_themes(measure["title"], themes)
    measure["themes"] = [theme for theme, _ in proposals]
    if proposals:
        why = ", ".join(f"{theme} (”{keyword}”)" for theme, keyword in proposals)
        draft.note(path + ("themes",), f"föreslagna av regel: {why}; granska", line)
    else:
        draft.note(path + ("themes",), "inga teman föreslogs; välj i data/themes.yml", line)
    if measure["status"] == "delvis beviljad" and measure["amount_rejected"] is None:
        draft.note(path + ("amount_rejected",), "avslagen del anges inte för åtgärden", line)


def _general_conditions(document):
    sentences = [s for s in document.sentences("Bidrag beviljas") if s.item is None]
    if sentences and sentences[0].text.endswith(":"):
        sentences = sentences[1:]  # "Bidrag … beviljas för åtgärder i enlighet med ansökan:"
    deadline = re.compile(r"ska vara genomförda senast|^Senast .*(del|slut)redovisning")
    return [s.text for s in sentences if not deadline.search(s.text)]


def _reasoning(document, attributed, draft):
    """The general reasons: every sentence of "Skälen för beslutet" not tied to a measure."""
    parts = []
    for heading in _reason_headings(document):
        general = [s for s in document.sections[heading] if not _closing(s) and id(s) not in attributed]
        if heading in ("Skälen för beslutet", "Bidragets syfte"):
            draft.unmatched += [(s.line, s.text) for s in general]
        if general:
            text = " ".join(s.text for s in general)
            parts.append(text if heading == "Skälen för beslutet" else f"### {heading}\n\n{text}")
    if not parts:
        draft.note(("reasoning",), "avsnittet ”Skälen för beslutet” hittades inte")
        return None
    return "\n\n".join(parts)


def _decision_makers(document, draft):
    """Officials named in the closing sentences, in document order, then the signatory."""
    makers = []
    name = r"(?P<name>[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)+)"
    for sentence in document.all_sentences():
        if match := re.search(rf"slutliga handläggningen .* har (?P<title>\w+) {name} deltagit", sentence.text):
            makers.append(
                {"name": match["name"], "role": f"{_indefinite(match['title'])}, deltog i den slutliga handläggningen"}
            )
        elif match := re.search(rf"^Föredragande har varit (?P<title>\w+) {name}\.", sentence.text):
            makers.append({"name": match["name"], "role": f"{_indefinite(match['title'])}, föredragande"})
    closing = [s.line for s in document.all_sentences() if _closing(s)]
    if closing:
        # The signature is page furniture after the last sentence: a name, then its title.
        after = [document.lines[n - 1] for n in document.ignored if n > max(closing)]
        for index, line in enumerate(after[:-1]):
            if re.fullmatch(r"(?:[A-ZÅÄÖ][a-zåäöéü-]+ ){1,3}[A-ZÅÄÖ][a-zåäöéü-]+", line):
                makers.append({"name": line, "role": after[index + 1]})
                break
    if not makers:
        draft.note(("decision_makers",), "beslutsfattarna kunde inte läsas ut")
    return makers


def _indefinite(noun: str) -> str:
    """handläggaren -> Handläggare, föredraganden -> Föredragande, juristen -> Jurist."""
    noun = noun.removesuffix("n") if noun.endswith(("ren", "den")) else noun.removesuffix("en")
    return swedish.capitalise(noun)


def _contacts(document, functional_mailboxes):
    found = re.findall(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", "\n".join(document.lines))
    functional = [a for a in dict.fromkeys(a.lower() for a in found) if a in functional_mailboxes]
    delegation = next((a for a in functional if a.endswith("@kammarkollegiet.se")), None)
    region = next((a for a in functional if a != delegation), None)
    return {"delegation": delegation, "region": region}
