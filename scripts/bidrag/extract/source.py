"""A decision document as the text of its pages, read within limits, scanned pages through OCR.

Text files are one page, or several separated by form feeds (as `pdftotext` writes them). PDFs are
read in a child process (bidrag.extract.pdf_worker) that a timeout and a memory limit can end.
"""

import json
import os
import resource
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import limits, ocr
from .errors import UnreadableDocument


@dataclass
class Source:
    path: Path
    data: bytes
    pages: list  # the text of each page
    ocr_pages: list = field(default_factory=list)  # 1-based numbers of the pages read by OCR


def read_source(path: Path) -> Source:
    source = _read(Path(path))
    characters = sum(len(page) for page in source.pages)
    if characters > limits.MAX_CHARACTERS:
        raise UnreadableDocument(
            f"{source.path.name}: dokumentets text är {characters} tecken, mer än de {limits.MAX_CHARACTERS} "
            "som ett beslut kan ha"
        )
    return source


def _read(path: Path) -> Source:
    data = _read_bounded(path)
    if data.startswith(b"%PDF"):
        pages = _pdf_pages(path)
        scanned = [n for n, text in enumerate(pages, 1) if _letters(text) < limits.MIN_LETTERS_ON_A_PAGE]
        if scanned:
            for number, text in ocr.read_pages(path, scanned, len(pages)).items():
                pages[number - 1] = text
        return Source(path, data, pages, scanned)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UnreadableDocument(f"{path.name}: varken PDF eller UTF-8-text") from None
    return Source(path, data, text.split("\f"))


def _read_bounded(path: Path) -> bytes:
    try:
        status = os.stat(path)
    except OSError as error:
        raise UnreadableDocument(f"{path.name}: filen går inte att läsa ({error.strerror})") from None
    if not stat.S_ISREG(status.st_mode):
        raise UnreadableDocument(f"{path.name}: är ingen vanlig fil (till exempel en katalog, en pipe eller en enhet)")
    if status.st_size > limits.MAX_BYTES:
        raise UnreadableDocument(
            f"{path.name}: filen är {status.st_size // 2**20} MiB, större än de {limits.MAX_BYTES // 2**20} MiB "
            "som ett beslut kan vara"
        )
    with path.open("rb") as file:
        return file.read(limits.MAX_BYTES + 1)


def _letters(text: str) -> int:
    return sum(character.isalpha() for character in text)


def _limit_memory():
    resource.setrlimit(resource.RLIMIT_AS, (limits.READ_MEMORY_BYTES, limits.READ_MEMORY_BYTES))


def _pdf_pages(path: Path) -> list[str]:
    command = [sys.executable, "-m", "bidrag.extract.pdf_worker", str(path)]
    try:
        done = subprocess.run(
            command, capture_output=True, timeout=limits.READ_SECONDS, preexec_fn=_limit_memory, check=False
        )
    except subprocess.TimeoutExpired:
        raise UnreadableDocument(
            f"{path.name}: att läsa PDF-filen tog längre än {limits.READ_SECONDS} sekunder och avbröts"
        ) from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        reason = message[-1] if done.returncode == 2 and message else "PDF-filen går inte att läsa"
        raise UnreadableDocument(f"{path.name}: {reason}")
    return json.loads(done.stdout)["pages"]
