"""Scanned decisions: pages without a text layer are read by OCR (OCRmyPDF with Tesseract's Swedish
model) and the draft says which pages, so that staff check their figures with extra care."""

import pytest
from pypdf import PdfReader

from bidrag.extract import Vocabularies, extract_draft
from bidrag.extract.draft_file import report_lines

from ..conftest import ROOT
from ..pdf import text_to_pdf
from .scans import scanned

REAL = ROOT / "tests" / "fixtures" / "orebro_2025_11_11_redacted.txt"


@pytest.fixture(scope="module")
def vocabularies():
    return Vocabularies(ROOT / "data")


@pytest.fixture(scope="module")
def real_pdf(tmp_path_factory):
    return text_to_pdf(REAL.read_text("utf-8"), tmp_path_factory.mktemp("real") / "beslut-orebro.pdf")


def figures(decision: dict) -> dict:
    """The amounts, dates and measures of a decision, which a scan must give exactly as the text."""
    return {
        "amounts": [decision[k] for k in ("amount_applied", "amount_granted", "amount_rejected")],
        "payments": decision["payments"],
        "dates": [decision["decided_on"], decision["applied_on"]],
        "deadlines": [(d["kind"], d["due_on"]) for d in decision["deadlines"]],
        "measures": [
            (m["title"], m["status"], m["amount_applied"], m["amount_granted"], m["amount_rejected"])
            for m in decision["measures"]
        ],
    }


def test_a_scanned_real_decision_gives_the_figures_of_its_text(vocabularies, real_pdf, tmp_path):
    scan = scanned(real_pdf, tmp_path / "skannat-beslut.pdf")
    text = extract_draft(REAL, vocabularies).decision
    draft = extract_draft(scan, vocabularies)
    assert draft.ocr_pages == [1, 2, 3, 4, 5]
    assert figures(draft.decision) == figures(text)
    assert len(draft.decision["measures"]) == 8 and draft.mismatches == []
    header = "\n".join(report_lines(draft, scan.name))
    assert "LÄSTA MED OCR: sidorna 1, 2, 3, 4, 5" in header
    assert "granska siffror, datum och namn där extra noga" in header


def test_a_scanned_signature_page_is_read_and_named(vocabularies, real_pdf, tmp_path):
    last = len(PdfReader(real_pdf).pages)
    mixed = scanned(real_pdf, tmp_path / "beslut-med-skannad-sista-sida.pdf", pages=[last])
    draft = extract_draft(mixed, vocabularies)
    assert draft.ocr_pages == [last]
    makers = [m["name"] for m in draft.decision["decision_makers"]]
    assert makers == ["Ida Nyström", "Maria Jäger", "Clas Rehnberg"]
    assert f"LÄSTA MED OCR: sidan {last} saknade text" in "\n".join(report_lines(draft, mixed.name))


def test_ocr_output_is_cleaned_of_tesseracts_usual_misreadings():
    from bidrag.extract.ocr import cleaned

    assert cleaned("« Införande av Al-stödd teknik\nmejla regionQexample.se") == (
        "• Införande av AI-stödd teknik\nmejla region@example.se"
    )
    assert cleaned("Alla åtgärder") == "Alla åtgärder"
