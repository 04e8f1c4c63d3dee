"""Make a PDF of a text document, line by line, as the tests' stand-in for a decision PDF."""

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

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
