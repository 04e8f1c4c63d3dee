"""PDFs for the tests' decisions: a text laid out line by line, or reflowed by ReportLab."""

import re
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate

# ReportLab ships Vera; as a TrueType font it carries å, ä, ö, – and • with a Unicode map.
pdfmetrics.registerFont(TTFont("Vera", "Vera.ttf"))


def text_to_pdf(text: str, path: Path, lines_per_page: int = 48) -> Path:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Vera", 10)
    y, on_page = A4[1] - 56, 0
    for line in text.splitlines():
        # The text layer starts a page with a space; so does this PDF, and every 48 lines.
        if (line.startswith(" ") and line.strip() and on_page) or on_page >= lines_per_page:
            pdf.showPage()
            pdf.setFont("Vera", 10)
            y, on_page = A4[1] - 56, 0
        if line.strip():
            pdf.drawString(56, y, line.strip())
            y -= 14
            on_page += 1
    pdf.save()
    return path


def reflowed_pdf(text: str, path: Path) -> Path:
    """A PDF whose text ReportLab lays out anew (Paragraphs reflow; lists get real bullets), with
    the running header and footer of the text's first page repeated on every page of the PDF.

    text is a corpus document: pages separated by form feeds, each page's first line its header
    and, when the pages end alike, its last line its footer; paragraphs separated by blank lines.
    """
    pages = [page.strip("\n").split("\n") for page in text.split("\f")]
    has_footer = len({_PAGE_NUMBERS.sub("", page[-1]) for page in pages}) == 1 and len(pages) > 1
    header, footer = pages[0][0], pages[0][-1] if has_footer else None
    body = "\n".join("\n".join(page[1 : -1 if has_footer else None]) for page in pages)
    flowables = [_paragraph(block) for block in re.split(r"\n\s*\n", body) if block.strip()]
    # Two passes: the first counts the pages that "2 (4)" and "Sida 2 av 4" refer to.
    count = _build(path, flowables, header, footer, None)
    _build(path, [_paragraph(block) for block in re.split(r"\n\s*\n", body) if block.strip()], header, footer, count)
    return path


_PAGE_NUMBERS = re.compile(r"\d+ \(\d+\)$|Sida \d+ av \d+$")
_LIST_MARKER = re.compile(r"^([•▪*–\-]|\d{1,2}[.)])\s+")
_STYLE = ParagraphStyle("body", fontName="Vera", fontSize=10, leading=14, spaceAfter=8)
_ITEM = ParagraphStyle("item", parent=_STYLE, leftIndent=18, bulletIndent=4, bulletFontName="Vera")


def _paragraph(block: str) -> Paragraph:
    text = " ".join(line.strip() for line in block.split("\n"))
    marker = _LIST_MARKER.match(text)
    if marker:
        # Vera has no ▪; the PDF draws • where the text has it (the text form keeps ▪).
        bullet = marker.group(1).replace("▪", "•")
        return Paragraph(escape(text[marker.end() :]), _ITEM, bulletText=bullet)
    return Paragraph(escape(text), _STYLE)


def _numbered(line: str, number: int, count: int | None) -> str:
    total = count or number
    line = re.sub(r"\d+ \(\d+\)$", f"{number} ({total})", line)
    return re.sub(r"Sida \d+ av \d+$", f"Sida {number} av {total}", line)


def _build(path, flowables, header, footer, count) -> int:
    def furniture(canvas, document):
        canvas.setFont("Vera", 8)
        canvas.drawString(56, A4[1] - 36, _numbered(header, document.page, count))
        if footer:
            canvas.drawString(56, 30, _numbered(footer, document.page, count))

    document = SimpleDocTemplate(str(path), pagesize=A4, topMargin=150, bottomMargin=150)
    document.build(flowables, onFirstPage=furniture, onLaterPages=furniture)
    return document.page
