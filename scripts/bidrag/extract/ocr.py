"""Pages without a text layer (scanned) read by OCRmyPDF with Tesseract's Swedish model.

OCRmyPDF runs as a child process with a timeout; its sidecar text gives each OCR'd page, with a
marker "[OCR skipped on page(s) 1-4]" standing for each run of pages it left alone.
"""

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import limits
from .errors import UnreadableDocument

_SKIPPED = re.compile(r"^\[OCR skipped on page\(s\) (\d+)(?:-(\d+))?\]$")
# Tesseract's usual misreadings in these decisions: bullets as «, », e or °; "AI" as "Al"; @ as Q.
_OCR_BULLET = re.compile(r"^[«»°©®e] (?=[A-ZÅÄÖ])", re.MULTILINE)
_AL = re.compile(r"(?<![\w-])Al(?=-|\s)")
_MAIL_Q = re.compile(r"(?<=[a-z0-9])Q(?=[a-z0-9-]+\.[a-z]{2,}\b)")
_INSTALL = "installera dem med `make debian-packages` (tesseract-ocr, tesseract-ocr-swe)"


def read_pages(path: Path, numbers: list[int], page_count: int) -> dict[int, str]:
    """{page number: text} for the given 1-based page numbers of the PDF at path."""
    if shutil.which("tesseract") is None:
        raise UnreadableDocument(
            f"{path.name}: sidorna {_pages(numbers)} saknar text och OCR-programmen saknas; {_INSTALL}"
        )
    seconds = limits.OCR_SECONDS_PER_PAGE * len(numbers)
    with tempfile.TemporaryDirectory(prefix="bidrag-ocr-") as directory:
        sidecar = Path(directory) / "text.txt"
        command = [sys.executable, "-m", "ocrmypdf", "--quiet", "--language", "swe", "--mode", "force"]
        command += ["--pages", ",".join(map(str, numbers)), "--output-type", "none", "--sidecar", str(sidecar)]
        command += ["--rasterizer", "pypdfium", "--jobs", "1", str(path), "-"]
        try:
            done = subprocess.run(command, capture_output=True, timeout=seconds, check=False)
        except subprocess.TimeoutExpired:
            raise UnreadableDocument(
                f"{path.name}: OCR av sidorna {_pages(numbers)} tog längre än {seconds} sekunder och avbröts"
            ) from None
        if b"No module named ocrmypdf" in done.stderr:
            raise UnreadableDocument(
                f"{path.name}: sidorna {_pages(numbers)} saknar text och OCRmyPDF saknas; installera det med "
                "`pip install -e '.[extract]'` (make gör det)"
            )
        if done.returncode != 0 or not sidecar.exists():
            raise UnreadableDocument(f"{path.name}: OCR av sidorna {_pages(numbers)} misslyckades")
        return _split(sidecar.read_text("utf-8"), page_count)


def _swedish_tesseract() -> bool:
    if shutil.which("tesseract") is None:
        return False
    languages = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False)
    return "swe" in languages.stdout.split()


def _split(text: str, page_count: int) -> dict[int, str]:
    pages, number = {}, 1
    for chunk in text.split("\f"):
        skipped = _SKIPPED.match(chunk.strip())
        if skipped:
            first, last = int(skipped[1]), int(skipped[2] or skipped[1])
            number = last + 1 if first == number else number
            continue
        if number <= page_count:
            pages[number] = cleaned(chunk)
        number += 1
    return pages


def cleaned(text: str) -> str:
    text = _OCR_BULLET.sub("• ", text)
    text = _AL.sub("AI", text)
    return _MAIL_Q.sub("@", text)


def _pages(numbers) -> str:
    return ", ".join(map(str, numbers))
