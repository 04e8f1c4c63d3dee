"""Scanned decisions made in the test itself: a PDF's pages rendered to images and packed into a
PDF that has no text layer, as a scanner gives it."""

import io
from pathlib import Path

import img2pdf
import pypdfium2
from pypdf import PdfReader, PdfWriter

DPI = 300


def page_images(pdf: Path) -> list[bytes]:
    document = pypdfium2.PdfDocument(str(pdf))
    images = []
    for page in document:
        image = page.render(scale=DPI / 72, grayscale=True).to_pil()
        buffer = io.BytesIO()
        image.save(buffer, "PNG")
        images.append(buffer.getvalue())
    document.close()
    return images


def scanned(pdf: Path, path: Path, pages: list[int] | None = None) -> Path:
    """An image-only copy of pdf; with pages (1-based), only those pages are scanned, the rest keep their text."""
    images = page_images(pdf)
    layout = img2pdf.get_fixed_dpi_layout_fun((DPI, DPI))
    if pages is None:
        path.write_bytes(img2pdf.convert(images, layout_fun=layout))
        return path
    text_pages = PdfReader(pdf).pages
    image_pages = PdfReader(io.BytesIO(img2pdf.convert(images, layout_fun=layout))).pages
    writer = PdfWriter()
    for number, (text_page, image_page) in enumerate(zip(text_pages, image_pages, strict=True), 1):
        writer.add_page(image_page if number in pages else text_page)
    with path.open("wb") as file:
        writer.write(file)
    return path
