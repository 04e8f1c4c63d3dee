"""The lines of a document's pages, less the page furniture: running headers and footers, page
numbers and Dnr lines, found by their shape and by their repetition at the edges of the pages.

A text layer mixes these into the running text, so that without this a header sits in the middle
of a sentence that runs onto the next page ("KAMMARKOLLEGIET  Beslut  2026-04-22  Dnr …  2 (4)").
"""

import re
import unicodedata
from dataclasses import dataclass

_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009\t ]+")
_PAGE_NUMBER = re.compile(r"^(?:sida )?\d+\s*(?:\(\d+\)|(?:av|/) \d+)$|^sida \d+$", re.IGNORECASE)
# A header or footer line: ends in a page number, or names the diary number ("Dnr 2026/01234").
_FURNITURE = re.compile(r"(?:\s\d+\s*\(\d+\)|\bsida \d+ av \d+)$|\bdnr\b", re.IGNORECASE)
_LONGEST_FURNITURE = 80  # a header or footer; a wrapped line of running text is longer
_EDGE = 4  # lines at the top and bottom of a page where running headers and footers stand
_SHORT_LINE = 50


@dataclass
class Line:
    number: int  # 1-based line of the document
    page: int  # 1-based page
    text: str


# A text layer may put the next item's bullet at the end of the line before it ("… 5 000 tkr. •").
_TRAILING_BULLET = re.compile(r"\s([•▪●\uf0b7\uf0a7])$")


def page_lines(pages: list[str], form_feeds: bool) -> list[Line]:
    """Every line of every page, numbered as an editor numbers the text (PDF pages joined by a newline)."""
    lines, number = [], 1
    for page, text in enumerate(pages, 1):
        raw = unicodedata.normalize("NFC", text).replace("\r\n", "\n").split("\n")
        for offset, line in enumerate(raw):
            lines.append(Line(number + offset, page, _SPACES.sub(" ", line).strip()))
        number += len(raw) - (1 if form_feeds else 0)
    _move_trailing_bullets(lines)
    return lines


def _move_trailing_bullets(lines: list[Line]) -> None:
    for line, following in zip(lines, lines[1:], strict=False):
        bullet = _TRAILING_BULLET.search(line.text)
        if bullet and following.text:
            line.text = line.text[: bullet.start()]
            following.text = f"{bullet.group(1)} {following.text}"


def furniture(lines: list[Line], is_heading) -> set[int]:
    """Line numbers of the page furniture among lines (empty lines are never counted)."""
    found = {line.number for line in lines if line.text and _is_page_furniture(line.text)}
    found |= _repeated_at_edges(lines, is_heading)
    found |= _footer_lines_before_page_numbers(lines, found, is_heading)
    return found


def _is_page_furniture(text: str) -> bool:
    if _PAGE_NUMBER.match(text):
        return True
    return len(text) <= _LONGEST_FURNITURE and not text.endswith((".", ",")) and _FURNITURE.search(text) is not None


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _edges(lines: list[Line]) -> dict[int, list[Line]]:
    pages: dict = {}
    for line in lines:
        if line.text:
            pages.setdefault(line.page, []).append(line)
    return {page: found[:_EDGE] + found[-_EDGE:] for page, found in pages.items()}


def _repeated_at_edges(lines: list[Line], is_heading) -> set[int]:
    edges = _edges(lines)
    if len(edges) < 2:
        return set()
    pages_of: dict = {}
    for page, found in edges.items():
        for line in found:
            pages_of.setdefault(_shape(line.text), set()).add(page)
    repeated = {
        shape for shape, pages in pages_of.items() if len(pages) >= 2 and len(shape) >= 6 and not shape.endswith(".")
    }
    return {
        line.number
        for found in edges.values()
        for line in found
        if _shape(line.text) in repeated and not is_heading(line.text)
    }


def _footer_lines_before_page_numbers(lines: list[Line], found: set[int], is_heading) -> set[int]:
    """Short lines just above a page number belong to the footer (a sentence never ends that way)."""
    more = set()
    text = [line for line in lines if line.text]
    for index, line in enumerate(text):
        if not _PAGE_NUMBER.match(line.text):
            continue
        before = index - 1
        while before > 0 and _footer_like(text[before].text, is_heading) and index - before <= _EDGE:
            if text[before].number not in found:
                more.add(text[before].number)
            before -= 1
    return more


def _footer_like(text: str, is_heading) -> bool:
    return len(text) < _SHORT_LINE and not text.endswith((".", ",", ":", "-")) and not is_heading(text)
