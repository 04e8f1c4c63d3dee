"""Who took the decision (named in the closing sentences, then the signature) and the functional
mailboxes to contact; personal addresses are never taken."""

import re

from . import swedish
from .reasons import closing

_NAME = r"(?P<name>[A-ZÅÄÖ][\w-]+(?: [A-ZÅÄÖ][\w-]+)+)"
_PARTICIPANT = re.compile(rf"slutliga handläggningen .* har (?P<title>\w+) {_NAME} deltagit")
_PRESENTER = re.compile(rf"^Föredragande har varit (?P<title>\w+) {_NAME}\.")
_SIGNATURE = re.compile(r"(?:[A-ZÅÄÖ][a-zåäöéü-]+ ){1,3}[A-ZÅÄÖ][a-zåäöéü-]+")
_MAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def decision_makers(document, draft) -> list[dict]:
    """Officials named in the closing sentences, in document order, then the signatory."""
    makers = []
    for sentence in document.all_sentences():
        if match := _PARTICIPANT.search(sentence.text):
            role = f"{_indefinite(match['title'])}, deltog i den slutliga handläggningen"
            makers.append({"name": match["name"], "role": role})
        elif match := _PRESENTER.search(sentence.text):
            makers.append({"name": match["name"], "role": f"{_indefinite(match['title'])}, föredragande"})
    signatory = _signatory(document)
    if signatory:
        makers.append(signatory)
    if not makers:
        draft.note(("decision_makers",), "beslutsfattarna kunde inte läsas ut")
    return makers


def _signatory(document):
    """The signature is page furniture after the last sentence: a name, then its title."""
    closing_lines = [s.line for s in document.all_sentences() if closing(s)]
    if not closing_lines:
        return None
    after = [document.lines[n - 1] for n in document.ignored if n > max(closing_lines)]
    for index, line in enumerate(after[:-1]):
        if _SIGNATURE.fullmatch(line):
            return {"name": line, "role": after[index + 1]}
    return None


def _indefinite(noun: str) -> str:
    """handläggaren -> Handläggare, föredraganden -> Föredragande, juristen -> Jurist."""
    noun = noun.removesuffix("n") if noun.endswith(("ren", "den")) else noun.removesuffix("en")
    return swedish.capitalise(noun)


def contacts(document, functional_mailboxes) -> dict:
    found = _MAIL.findall("\n".join(document.lines))
    functional = [a for a in dict.fromkeys(a.lower() for a in found) if a in functional_mailboxes]
    delegation = next((a for a in functional if a.endswith("@kammarkollegiet.se")), None)
    region = next((a for a in functional if a != delegation), None)
    return {"delegation": delegation, "region": region}
