"""A decision document as sentences with line numbers, grouped under the decision's headings.

Text layers of PDFs wrap sentences over lines and pages, hyphenate words at line ends and mix
page furniture (letterheads, contact blocks) into the text. This module undoes that.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

HEADINGS = {
    "beslut": "Beslut",
    "bidrag beviljas": "Bidrag beviljas",
    "bidrag avslås": "Bidrag avslås",
    "skälen för beslutet": "Skälen för beslutet",
    "bidragets syfte": "Bidragets syfte",
    "effektivitetsdelegationens bedömning": "Effektivitetsdelegationens bedömning",
    "utbetalning av bidrag": "Utbetalning av bidrag",
    "rapportering av vidtagna åtgärder": "Rapportering av vidtagna åtgärder",
    "bilaga": "Bilaga",
    "bilagor": "Bilagor",
}
# Bullets as text layers give them, Word's Symbol-font bullet (U+F0B7) included.
BULLET = re.compile(r"^[•◦▪●‣∙·\uf0b7\uf0a7*\-–]\s+")
_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009\t ]+")
_SENTENCE_END = re.compile(r"[.!?:]\)?$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\)?\s+(?=[A-ZÅÄÖ0-9])")
# A granted item ends with its amount: "Bidrag beviljas med 5 870 000 kr."
_ITEM_AMOUNT = re.compile(r"beviljas med [\d ]+(kr|kronor)\b[^.]*\.\)?$")
_PAGE_NUMBER = re.compile(r"^\d+\s*\(\d+\)$|^sida \d+( av \d+)?$", re.IGNORECASE)
_SHORT_LINE = 50


class UnreadableDocument(Exception):
    pass


@dataclass
class Sentence:
    text: str
    line: int  # 1-based line of the document where it starts
    item: int | None = None  # number of the bulleted item it belongs to


@dataclass
class Document:
    path: Path
    lines: list  # cleaned text lines, 1-based numbering = index + 1
    title: str = ""
    sections: dict = field(default_factory=dict)  # heading -> list of Sentence
    order: list = field(default_factory=list)  # headings in document order
    ignored: list = field(default_factory=list)  # line numbers dropped as page furniture

    def sentences(self, *headings):
        return [s for h in headings for s in self.sections.get(h, [])]

    def all_sentences(self):
        return [s for h in self.order for s in self.sections[h]]


def read_text(path: Path) -> str:
    path = Path(path)
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        return _pdf_text(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableDocument(f"{path.name}: varken PDF eller UTF-8-text") from None


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except Exception as error:  # noqa: BLE001 - a damaged or hostile PDF can fail anywhere in the parser
        raise UnreadableDocument(f"{path.name}: PDF-filen går inte att läsa ({type(error).__name__})") from None


def parse_document(path: Path) -> Document:  # noqa: C901 -- rewritten with the extraction issue
    raw = unicodedata.normalize("NFC", read_text(path))
    lines = [_SPACES.sub(" ", line).strip() for line in raw.splitlines()]
    document = Document(Path(path), lines)
    heading = None
    current: list = []  # [(line number, text)] of the paragraph being joined
    previous_complete = True
    item = None  # number of the open bulleted item
    items = 0

    def flush():
        if current:
            _add_sentences(document, heading, current, item)
            current.clear()

    for number, line in enumerate(lines, 1):
        if not line:
            continue
        key = line.rstrip(":").casefold()
        if key in HEADINGS and previous_complete:
            flush()
            heading = HEADINGS[key]
            if heading not in document.sections:
                document.sections[heading] = []
                document.order.append(heading)
            previous_complete, item = True, None
            continue
        if heading is None:
            document.title = f"{document.title} {line}".strip() if not _PAGE_NUMBER.match(line) else document.title
            continue
        if _PAGE_NUMBER.match(line):
            # A sentence may run onto the next page; the page's footer lines then sit inside it.
            while len(current) > 1 and _is_furniture(current[-1][1]) and not current[-1][1].endswith((",", ":")):
                document.ignored.append(current.pop()[0])
            document.ignored.append(number)
            continue
        if BULLET.match(line):
            flush()
            items += 1
            item = items
            line = BULLET.sub("", line)
        elif previous_complete and item is None and _is_furniture(line):
            document.ignored.append(number)
            continue
        current.append((number, line))
        previous_complete = _SENTENCE_END.search(line) is not None
        if item is not None and previous_complete and _ITEM_AMOUNT.search(" ".join(t for _, t in current)):
            flush()
            item = None
    flush()
    return document


def _is_furniture(line: str) -> bool:
    """A short line that is no sentence, after a finished sentence: letterhead, footer, contacts."""
    return len(line) < _SHORT_LINE and not line.endswith(".")


def _add_sentences(document, heading, numbered_lines, item):
    text, starts = "", []  # starts: (offset in text, line number)
    for number, line in numbered_lines:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha():
            word = line.split(" ", 1)[0]
            separator = " " if word in ("och", "eller", "samt") else ""
        else:
            separator = " " if text else ""
        text += separator
        starts.append((len(text), number))
        text += line
    offset = 0
    for piece in _SENTENCE_SPLIT.split(text):
        position = text.find(piece, offset)
        offset = position + len(piece)
        line = max((n for o, n in starts if o <= position), default=starts[0][1])
        document.sections[heading].append(Sentence(piece.strip(), line, item))
