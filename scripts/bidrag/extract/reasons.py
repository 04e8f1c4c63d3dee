"""Tie the sentences of the reasons, and conditions stated apart from the list, to the measure they
name; what names no measure stays general (`reasoning`, `general_conditions`)."""

import re

from . import deadlines

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
    "regioner",
    "regionerna",
    # Words of the decisions' own language that name no measure ("… bedöms korta tiden …").
    "bedöms",
    "bedömer",
    "används",
    "användas",
    "beviljas",
    "avslås",
    "antalet",
    "mellan",
    "samtliga",
    "särskilt",
    "särskilda",
    "genomförande",
    "effektivitetsdelegationen",
}
_SUFFIX_LETTERS = 10  # "rådgivning" ends "sjukvårdsrådgivning"; "gemensam" must not end "regiongemensam"
GENERAL_HEADINGS = ("Skälen för beslutet", "Bidragets syfte")
_CLOSING = re.compile(r"sammanträde|slutliga handläggningen|^Föredragande|överklagas")


def keywords(measures) -> dict:
    """Words that name one measure only: how a sentence of the reasons is tied to its measure."""
    words = {}
    for index, measure in enumerate(measures):
        for word in re.findall(r"\w{6,}", measure["title"].casefold()):
            if word not in _STOPWORDS:
                words.setdefault(word, set()).add(index)
    return {word: owners.pop() for word, owners in words.items() if len(owners) == 1}


def owners(text: str, keywords: dict) -> set:
    """Measures a sentence names: a keyword in it, or a long word of it that ends a keyword
    ("Rådgivning via chatt" names "sjukvårdsrådgivning via chatt"). A measure named by a whole
    word wins over one whose keyword only sits inside a word ("digitala besöksrum" names the
    besöksrum, not "digital uppföljning")."""
    text = text.casefold()
    words = set(re.findall(r"\w+", text))
    endings = [w for w in words if len(w) >= _SUFFIX_LETTERS and w not in _STOPWORDS]
    whole, inside = set(), set()
    for keyword, index in keywords.items():
        if keyword in words:
            whole.add(index)
        elif keyword in text or any(keyword.endswith(word) for word in endings):
            inside.add(index)
    return whole or inside


def closing(sentence) -> bool:
    return _CLOSING.search(sentence.text) is not None


def reason_headings(document):
    order = document.order
    start = order.index("Skälen för beslutet") if "Skälen för beslutet" in order else len(order)
    return [h for h in order[start:] if h not in ("Bilaga", "Bilagor")]


def attach_reasons(document, measures) -> set:
    """Give each measure the sentences of the reasons that name it; return their ids."""
    names = keywords(measures)
    groups: dict = {}  # measure index -> paragraphs, each a list of consecutive sentences
    attributed, previous = set(), set()
    for sentence in [s for s in document.sentences(*reason_headings(document)) if not closing(s)]:
        named = owners(sentence.text, names)
        for index in named:
            paragraphs = groups.setdefault(index, [])
            if index in previous and paragraphs:
                paragraphs[-1].append(sentence.text)
            else:
                paragraphs.append([sentence.text])
        if named:
            attributed.add(id(sentence))
        previous = named
    for index, measure in enumerate(measures):
        if index in groups:
            measure["reason"] = "\n\n".join(" ".join(p) for p in groups[index])
        elif measure.get("_explanation"):
            measure["reason"] = measure["_explanation"]
    return attributed


def general_conditions(document, measures) -> str | None:
    """The sentences of "Bidrag beviljas" outside the list; a condition naming one measure goes to it."""
    sentences = [s for s in document.sentences("Bidrag beviljas") if s.item is None]
    if sentences and sentences[0].text.endswith(":"):
        sentences = sentences[1:]  # "Bidrag … beviljas för åtgärder i enlighet med ansökan:"
    names, general = keywords(measures), []
    for sentence in sentences:
        if deadlines.kind_of(sentence.text):
            continue
        named = owners(sentence.text, names) if re.search(r"\bvillkor", sentence.text) else set()
        if len(named) == 1:
            measure = measures[named.pop()]
            measure["conditions"] = " ".join(filter(None, [measure["conditions"], sentence.text]))
        else:
            general.append(sentence.text)
    return " ".join(general) or None


def reasoning(document, attributed, draft):
    """The general reasons: every sentence of "Skälen för beslutet" not tied to a measure."""
    parts = []
    for heading in reason_headings(document):
        general = [s for s in document.sections[heading] if not closing(s) and id(s) not in attributed]
        if heading in GENERAL_HEADINGS:
            draft.unmatched += [(s.line, s.text) for s in general]
        if general:
            text = " ".join(s.text for s in general)
            parts.append(text if heading == "Skälen för beslutet" else f"### {heading}\n\n{text}")
    if not parts:
        draft.note(("reasoning",), "avsnittet ”Skälen för beslutet” hittades inte")
        return None
    return "\n\n".join(parts)
