"""A decision document as sentences with line numbers, grouped under the decision's headings.

Text layers of PDFs wrap sentences over lines and pages, hyphenate words at line ends and mix
page furniture (letterheads, running headers, contact blocks) into the text. bidrag.extract.layout
removes the furniture; this module joins what is left into sentences, items of lists and sections.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from . import swedish
from .layout import furniture, page_lines
from .source import Source

HEADINGS = {
    "beslut": "Beslut",
    "bidrag beviljas": "Bidrag beviljas",
    "bidrag avslås": "Bidrag avslås",
    "skälen för beslutet": "Skälen för beslutet",
    "skäl för beslutet": "Skälen för beslutet",
    "bidragets syfte": "Bidragets syfte",
    "effektivitetsdelegationens bedömning": "Effektivitetsdelegationens bedömning",
    "utbetalning av bidrag": "Utbetalning av bidrag",
    "utbetalning av bidraget": "Utbetalning av bidrag",
    "rapportering av vidtagna åtgärder": "Rapportering av vidtagna åtgärder",
    "bilaga": "Bilaga",
    "bilagor": "Bilagor",
}
# Bullets as text layers give them (Word's Symbol-font bullets U+F0B7 and U+F0A7 included), and
# numbered or lettered lists: "1.", "2)", "a)". A year that starts a wrapped line ("2027. Bidraget")
# has four digits and is no list number.
BULLET = re.compile(r"^(?:[•◦▪▫●○■□‣∙·➢►✓\uf0b7\uf0a7*\-–—]|o(?= [A-ZÅÄÖ])|\d{1,2}[.)]|[a-h]\))\s+(?=\S)")
_SENTENCE_END = re.compile(r"[.!?:]\)?$")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\)?\s+(?=[A-ZÅÄÖ0-9])")
# A listed measure ends with its amount: "Bidrag beviljas med 5 870 000 kr." or "… avslås med 2,5 mnkr."
# or with the amount alone: "… röntgenläkare (1 200 000 kr)." or "…, 1 500 000 kr."
_AMOUNT = re.sub(r"\?P<\w+>", "?:", swedish.AMOUNT.pattern)  # the pattern twice, so without group names
_ITEM_AMOUNT = re.compile(
    rf"(?:(?:beviljas|avslås) med (?:sammanlagt )?{_AMOUNT}[^.]*|\(?{_AMOUNT}\)?)\.\)?$", re.IGNORECASE
)
_SENTENCE_INSIDE = re.compile(r"[.!?]\)?(?= [A-ZÅÄÖ])")
_SHORT_LINE = 50
_LAST_LINE_OF_PARAGRAPH = 0.6  # of the document's usual line length: an item's last line is shorter


@dataclass
class Sentence:
    text: str
    line: int  # 1-based line of the document where it starts
    item: int | None = None  # number of the listed item it belongs to
    page: int = 1


@dataclass
class Document:
    path: Path
    lines: list  # cleaned text lines, 1-based numbering = index + 1
    title: str = ""
    sections: dict = field(default_factory=dict)  # heading -> list of Sentence
    order: list = field(default_factory=list)  # headings in document order
    ignored: list = field(default_factory=list)  # line numbers dropped as page furniture
    ocr_pages: list = field(default_factory=list)  # pages whose text comes from OCR
    data: bytes = b""

    def sentences(self, *headings):
        return [s for h in headings for s in self.sections.get(h, [])]

    def all_sentences(self):
        return [s for h in self.order for s in self.sections[h]]


def is_heading(text: str) -> bool:
    return text.rstrip(":").casefold() in HEADINGS


def parse_document(source: Source) -> Document:
    pdf = source.data.startswith(b"%PDF")
    lines = page_lines(source.pages, form_feeds=not pdf)
    text_lines = [""] * (max((line.number for line in lines), default=0))
    for line in lines:
        text_lines[line.number - 1] = f"{text_lines[line.number - 1]} {line.text}".strip()
    document = Document(source.path, text_lines, ocr_pages=list(source.ocr_pages), data=source.data)
    parser = _Parser(document, furniture(lines, is_heading), _usual_length(lines))
    for line in lines:
        if line.text:
            parser.feed(line)
    parser.flush()
    return document


def _usual_length(lines) -> int:
    lengths = sorted(len(line.text) for line in lines if line.text)
    return lengths[int(len(lengths) * 0.9)] if lengths else 80


class _Parser:
    """Feeds the lines in order: headings open sections, list markers open items, the rest joins."""

    def __init__(self, document: Document, dropped: set, usual_length: int):
        self.document, self.dropped, self.usual_length = document, dropped, usual_length
        self.heading = None
        self.current: list = []  # [(line, text)] of the paragraph being joined
        self.previous_complete = True
        self.item = None  # number of the open listed item
        self.items = 0

    def flush(self):
        if self.current:
            _add_sentences(self.document, self.heading, self.current, self.item)
            self.current = []

    def feed(self, line):
        text = line.text
        if line.number in self.dropped:
            self.document.ignored.append(line.number)
        elif is_heading(text) and self.previous_complete:
            self._open_section(HEADINGS[text.rstrip(":").casefold()])
        elif self.heading is None:
            self.document.title = f"{self.document.title} {text}".strip()
        elif BULLET.match(text):
            self.flush()
            self.items += 1
            self.item = self.items
            self._add(line, BULLET.sub("", text))
        elif self.previous_complete and self.item is None and _is_furniture(text):
            self.document.ignored.append(line.number)
        else:
            self._add(line, text)

    def _open_section(self, heading):
        self.flush()
        self.heading = heading
        if heading not in self.document.sections:
            self.document.sections[heading] = []
            self.document.order.append(heading)
        self.previous_complete, self.item = True, None

    def _add(self, line, text):
        if self.item is not None and (split := self._item_ends_inside(text)):
            # The text layer ran the next paragraph onto the item's last line: "… 4 000 000 kr. Åtgärderna …"
            self._add(line, text[:split].rstrip())
            self._add(line, text[split:].lstrip())
            return
        self.current.append((line, text))
        self.previous_complete = _SENTENCE_END.search(text) is not None
        if self.item is not None and self.previous_complete and self._item_ends(text):
            self.flush()
            self.item = None

    def _item_ends_inside(self, text) -> int | None:
        for match in _SENTENCE_INSIDE.finditer(text):
            joined = " ".join([t for _, t in self.current] + [text[: match.end()]])
            if _ITEM_AMOUNT.search(joined):
                return match.end()
        return None

    def _item_ends(self, text):
        """An item ends with its amount, or with a sentence on a line too short to be wrapped."""
        if _ITEM_AMOUNT.search(" ".join(t for _, t in self.current)):
            return True
        return len(text) < self.usual_length * _LAST_LINE_OF_PARAGRAPH


def _is_furniture(line: str) -> bool:
    """A short line that is no sentence, after a finished sentence: letterhead, footer, contacts."""
    return len(line) < _SHORT_LINE and not line.endswith(".")


def _add_sentences(document, heading, numbered_lines, item):
    text, starts = "", []  # starts: (offset in text, line)
    for line, part in numbered_lines:
        if text.endswith("-") and len(text) > 1 and text[-2].isalpha():
            word = part.split(" ", 1)[0]
            separator = " " if word in ("och", "eller", "samt") else ""
        else:
            separator = " " if text else ""
        text += separator
        starts.append((len(text), line))
        text += part
    offset = 0
    for piece in _SENTENCE_SPLIT.split(text):
        position = text.find(piece, offset)
        offset = position + len(piece)
        line = max(((o, n) for o, n in starts if o <= position), key=lambda pair: pair[0], default=starts[0])[1]
        document.sections[heading].append(Sentence(piece.strip(), line.number, item, line.page))
