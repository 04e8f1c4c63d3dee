"""`bidrag extract`: the real decision (text and PDF) and small documents in the decisions' style."""

import hashlib
import os
import re
from datetime import date
from pathlib import Path

import pytest

from bidrag.extract import Vocabularies, extract_draft, limits
from bidrag.extract.deadlines import kind_of
from bidrag.extract.document import BULLET
from bidrag.extract.swedish import amounts, dates, genitive, org_number, split_list
from bidrag.yamlfile import read_yaml

from .conftest import OREBRO, ROOT, run_cli, write_yaml
from .conftest import read_yaml as load
from .pdf import text_to_pdf

FIXTURES = Path(__file__).parent / "fixtures"
# The real decision of 2025-11-11 with the two lines of personal contact details removed.
OREBRO_TEXT = FIXTURES / "orebro_2025_11_11_redacted.txt"
NBSP, NNBSP = "\u00a0", "\u202f"

FULL_GRANT = f"""Beslut om bidrag för åtgärder för en effektiv hälso- och
sjukvård
Beslut
Delegationen för en effektiv hälso- och sjukvård (Effektivitetsdelegationen) har fattat
beslut om Region Gävleborgs (123456-7897) ansökan om bidrag för åtgärder för en effektiv
hälso- och sjukvård.
Effektivitetsdelegationen beslutar att bevilja Region Gävleborgs ansökan om bidrag.
Bidrag beviljas med 12{NBSP}400{NBSP}000 kronor.
Bidrag betalas ut med 6{NBSP}200{NBSP}000 kronor under år 2026 och 6{NBSP}200{NBSP}000 kronor under
år 2027.
Bidrag beviljas
Bidrag för effektivare hälso- och sjukvård beviljas för åtgärder i enlighet med ansökan:
– Införande av digital fallprevention i hemsjukvården. Bidrag beviljas med
8 000 000 kr.
– Bidrag för införande av taligenkänning beviljas med villkoret att en utvärdering
görs. Bidrag beviljas med 4 400 000 kr.
De åtgärder som bidrag beviljats för ska vara genomförda senast den 31 december 2027.
Senast den 15 mars 2027 ska Region Gävleborg lämna en delredovisning till
Effektivitetsdelegationen.
Senast den 31 mars 2028 ska en slutredovisning lämnas till Effektivitetsdelegationen.
Skälen för beslutet
Bidragets syfte
Effektivitetsdelegationen bedömer att digital fallprevention är en åtgärd som uppfyller
syftet med bidraget. Införande av taligenkänning bedöms främja effektiviteten.
Effektivitetsdelegationens bedömning
Region Gävleborg ansökte den 3 september 2025 om statsbidrag med 12 400 000 kronor.
Detta beslut har fattats av Effektivitetsdelegationen vid sammanträde den 20 januari
2026. Föredragande har varit handläggaren Anna Berg.
Beslutet får inte överklagas enligt 21 § förordningen.
"""

FULL_REJECTION = f"""Beslut om bidrag för åtgärder för en effektiv hälso- och sjukvård
Beslut
Delegationen för en effektiv hälso- och sjukvård (Effektivitetsdelegationen) har fattat
beslut om Region Skånes (123456–7897) ansökan om bidrag för åtgärder för en effektiv
hälso- och sjukvård.
Effektivitetsdelegationen beslutar att avslå Region Skånes ansökan om bidrag. Bidrag
avslås med 2{NNBSP}500{NNBSP}000 kronor.
Bidrag avslås
Bidrag beviljas inte för schemaläggning med AI, digitala besöksrum, läkemedelsautomater
och hälso- och sjukvårdsrådgivning via chatt. Effektivitetsdelegationen bedömer att
åtgärderna inte är strukturåtgärder. Bidrag avslås med sammanlagt 2{NNBSP}500{NNBSP}000 kr.
Skälen för beslutet
Bidragets syfte
Schemaläggning med AI är redan ett etablerat arbetssätt. Digitala besöksrum har
begränsad patientnytta. Läkemedelsautomater prioriteras inte. Rådgivning via chatt
är knuten till ett specifikt system.
Effektivitetsdelegationens bedömning
Region Skåne ansökte den 1 oktober 2025 om statsbidrag med 2 500 000 kronor.
Detta beslut har fattats av Effektivitetsdelegationen vid sammanträde den 9 december 2025.
Beslutet får inte överklagas enligt 21 § förordningen.
"""

JOINT_APPLICATION = """Beslut om bidrag för åtgärder för en effektiv hälso- och sjukvård
Beslut
Delegationen för en effektiv hälso- och sjukvård (Effektivitetsdelegationen) har fattat
beslut om Västra Götalandsregionens ansökan om bidrag i samverkan med Region Halland
och Region Värmland.
Effektivitetsdelegationen beslutar att delvis bevilja Västra Götalandsregionens ansökan om
bidrag. Bidrag beviljas med 4,5 miljoner kronor. Bidrag avslås med 1 500 000 kronor.
Bidrag betalas ut med 1 500 000 kronor under år 2026, 1 500 000 kronor under år 2027 och
1 500 000 kronor år 2028.
Bidrag beviljas
Bidrag för effektivare hälso- och sjukvård beviljas för åtgärder i enlighet med ansökan:
- Gemensam AI-triagering i primärvården. Bidrag beviljas med 4 500 000 kr.
Bidrag avslås
Bidrag beviljas inte för mobilt vårdstöd. Effektivitetsdelegationen bedömer att åtgärden
Ekonomi- och förvaltningsavdelningen
2 (3)
är knuten till ett specifikt system. Bidrag avslås med sammanlagt 1 500 000 kr.
Skälen för beslutet
Bidragets syfte
Gemensam triagering bedöms leda till ökad patientnytta. Mobilt vårdstöd är knutet till
inköp av ett specifikt system.
Effektivitetsdelegationens bedömning
Västra Götalandsregionen ansökte den 2 juni 2025 om statsbidrag med 6 000 000 kronor.
Detta beslut har fattats av Effektivitetsdelegationen vid sammanträde den 11 november 2025.
Beslutet får inte överklagas enligt 21 § förordningen.
"""


@pytest.fixture(scope="module")
def vocabularies():
    return Vocabularies(ROOT / "data")


def write_document(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def normalised(value):
    """Prose compared without regard to line and paragraph breaks, which a text layer does not carry."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, dict):
        return {k: normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [normalised(v) for v in value]
    return value


def assert_equals_curated(draft: dict, document: Path):
    curated = read_yaml(ROOT / "data" / "decisions" / f"{OREBRO}.yml").data
    del curated["reviewed_by"], curated["reviewed_on"]  # the reviewer's sign-off, never the extractor's
    assert draft["source_document"]["sha256"] == hashlib.sha256(document.read_bytes()).hexdigest()
    assert draft["source_document"]["file_name"] == document.name
    for decision in (draft, curated):
        decision["source_document"] = {
            k: v for k, v in decision["source_document"].items() if k not in ("sha256", "file_name")
        }
    draft, curated = normalised(draft), normalised(curated)
    assert list(draft) == list(curated)
    for key in curated:
        assert draft[key] == curated[key], key


def test_real_decision_text_gives_the_curated_file(vocabularies):
    draft = extract_draft(OREBRO_TEXT, vocabularies)
    assert draft.mismatches == []
    assert_equals_curated(draft.decision, OREBRO_TEXT)


def test_real_decision_as_pdf_gives_the_curated_file(vocabularies, tmp_path):
    pdf = text_to_pdf(OREBRO_TEXT.read_text("utf-8"), tmp_path / "beslut-orebro.pdf")
    draft = extract_draft(pdf, vocabularies)
    assert draft.mismatches == []
    assert_equals_curated(draft.decision, pdf)


def line_of(path: Path, fragment: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if fragment in line)


def test_review_names_what_was_proposed_with_document_lines(vocabularies):
    draft = extract_draft(OREBRO_TEXT, vocabularies)
    notes = {(tuple(path), line): message for path, message, line in draft.review}
    cosmic = line_of(OREBRO_TEXT, "patientnytta. Bidrag beviljas inte")
    assert "föreslagen av regel (nyckelord ”specifikt system”)" in notes[(("measures", 7, "reason_category"), cosmic)]
    fall = line_of(OREBRO_TEXT, "• Införande av AI-stödd")
    assert "fall_prevention (”fallprevention”)" in notes[(("measures", 0, "themes"), fall)]
    assert any(path == ("source_document", "url") for path, _, _ in draft.review)
    # General reasons stay in `reasoning` and are listed for review with their lines.
    general = "Effektivitetsdelegationen prioriterar även främst åtgärder som kan leda till ökad patientnytta."
    assert (line_of(OREBRO_TEXT, "Effektivitetsdelegationen prioriterar även"), general) in draft.unmatched


def test_full_grant(vocabularies, tmp_path):
    decision = extract_draft(write_document(tmp_path, "gavleborg.txt", FULL_GRANT), vocabularies).decision
    assert decision["id"] == "2026_01_20_gavleborg" and decision["region"] == "gavleborg"
    assert decision["org_nr"] == "123456-7897"
    assert (
        decision["outcome"],
        decision["amount_applied"],
        decision["amount_granted"],
        decision["amount_rejected"],
    ) == ("beviljad", 12_400_000, 12_400_000, 0)
    assert decision["payments"] == [{"year": 2026, "amount": 6_200_000}, {"year": 2027, "amount": 6_200_000}]
    assert [(d["kind"], d["due_on"]) for d in decision["deadlines"]] == [
        ("genomförande", "2027-12-31"),
        ("delredovisning", "2027-03-15"),
        ("slutredovisning", "2028-03-31"),
    ]
    first, second = decision["measures"]
    assert (first["title"], first["amount_granted"], first["conditions"]) == (
        "Införande av digital fallprevention i hemsjukvården",
        8_000_000,
        None,
    )
    assert (second["title"], second["amount_granted"]) == ("Införande av taligenkänning", 4_400_000)
    assert second["conditions"] == (
        "Bidrag för införande av taligenkänning beviljas med villkoret att en utvärdering görs."
    )
    assert second["reason"] == "Införande av taligenkänning bedöms främja effektiviteten."
    assert first["themes"] == ["fall_prevention"] and second["themes"] == ["speech_recognition"]
    assert decision["decision_makers"] == [{"name": "Anna Berg", "role": "Handläggare, föredragande"}]
    assert decision["appeal"] == {"appealable": False, "text": "Beslutet får inte överklagas enligt 21 § förordningen."}


def test_a_full_grant_draft_passes_check_once_the_org_nr_is_recorded(workspace):
    document = write_document(workspace.root, "gavleborg.txt", FULL_GRANT)
    assert run_cli(workspace, "extract", str(document)).exit_code == 0
    draft = workspace.data_dir / "decisions" / "2026_01_20_gavleborg.yml"  # reviewed: header gone, signed off
    body = [line for line in draft.read_text("utf-8").splitlines() if not line.startswith("# ")]
    draft.write_text("\n".join(body) + "\nreviewed_by: granskaren\nreviewed_on: 2026-01-21\n", "utf-8")
    regions = load(workspace.data_dir / "regions.yml")
    next(r for r in regions["regions"] if r["id"] == "gavleborg")["org_nr"] = "123456-7897"
    write_yaml(workspace.data_dir / "regions.yml", regions)
    checked = run_cli(workspace, "check")
    assert checked.exit_code == 0, checked.stderr
    assert checked.stderr.startswith("OK: 2 beslut, 10 åtgärder")
    assert run_cli(workspace, "build").exit_code == 0


def test_full_rejection_with_measures_listed_in_one_sentence(vocabularies, tmp_path):
    decision = extract_draft(write_document(tmp_path, "skane.txt", FULL_REJECTION), vocabularies).decision
    assert decision["region"] == "skane" and decision["org_nr"] == "123456-7897"
    assert (decision["outcome"], decision["amount_granted"], decision["amount_rejected"]) == ("avslagen", 0, 2_500_000)
    assert decision["payments"] == [] and decision["source_quotes"]["payments"] is None
    measures = decision["measures"]
    assert [m["title"] for m in measures] == [
        "Schemaläggning med AI",
        "Digitala besöksrum",
        "Läkemedelsautomater",
        "Hälso- och sjukvårdsrådgivning via chatt",
    ]
    assert all(m["status"] == "avslagen" and m["amount_granted"] == 0 for m in measures)
    assert [m["reason_category"] for m in measures] == [
        "established_practice",
        "limited_patient_benefit",
        "not_prioritised",
        "specific_system",
    ]
    assert measures[3]["reason"] == "Rådgivning via chatt är knuten till ett specifikt system."
    assert measures[0]["source_quote"].endswith(
        "Effektivitetsdelegationen bedömer att åtgärderna inte är strukturåtgärder."
    )


def test_joint_application_other_years_and_page_breaks(vocabularies, tmp_path):
    draft = extract_draft(write_document(tmp_path, "vgr.txt", JOINT_APPLICATION), vocabularies)
    decision = draft.decision
    assert decision["region"] == "vastra_gotaland"
    assert decision["joint_with"] == ["halland", "varmland"]
    assert decision["amount_granted"] == 4_500_000  # "4,5 miljoner kronor"
    assert [p["year"] for p in decision["payments"]] == [2026, 2027, 2028]
    rejected = decision["measures"][1]
    assert rejected["title"] == "Mobilt vårdstöd"
    # The sentence runs over a page break with a footer and a page number in between.
    assert rejected["source_quote"] == (
        "Bidrag beviljas inte för mobilt vårdstöd. Effektivitetsdelegationen bedömer "
        "att åtgärden är knuten till ett specifikt system."
    )
    assert draft.mismatches == []


def test_amount_mismatches_head_the_report(workspace):
    broken = FULL_GRANT.replace("6\u00a0200\u00a0000 kronor under år 2026", "6\u00a0000\u00a0000 kronor under år 2026")
    document = write_document(workspace.root, "gavleborg.txt", broken)
    result = run_cli(workspace, "extract", str(document))
    assert result.exit_code == 0
    written = (workspace.data_dir / "decisions" / "2026_01_20_gavleborg.yml").read_text("utf-8")
    assert written.index("AVVIKELSER I BELOPPEN") < written.index("ATT GRANSKA")
    assert "payments: utbetalningarna summerar till 12 200 000 kr" in written
    assert "AVVIKELSER I BELOPPEN" in result.stderr


def test_a_non_decision_is_refused_and_nothing_is_written(workspace):
    decision = write_document(workspace.root, "gavleborg.txt", FULL_GRANT)
    result = run_cli(workspace, "extract", str(decision), str(FIXTURES / "programme_summary.txt"))
    assert result.exit_code == 3
    assert "programme_summary.txt är inget bidragsbeslut" in result.stderr
    assert sorted(p.name for p in (workspace.data_dir / "decisions").iterdir()) == [f"{OREBRO}.yml"]


@pytest.mark.parametrize("content", [b"%PDF-1.7\n1 0 obj <<", b"\xff\xfe\x00garbage\x00"])
def test_unreadable_documents_fail_clearly(workspace, content):
    path = workspace.root / "broken.pdf"
    path.write_bytes(content)
    result = run_cli(workspace, "extract", str(path))
    assert result.exit_code == 1
    assert "broken.pdf" in result.stderr and "Traceback" not in result.stderr
    assert sorted(p.name for p in (workspace.data_dir / "decisions").iterdir()) == [f"{OREBRO}.yml"]


def test_existing_decision_files_are_kept_unless_forced(workspace):
    target = workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    curated = target.read_bytes()
    refused = run_cli(workspace, "extract", str(OREBRO_TEXT))
    assert refused.exit_code == 1 and "--force" in refused.stderr
    assert target.read_bytes() == curated
    forced = run_cli(workspace, "extract", "--force", str(OREBRO_TEXT))
    assert forced.exit_code == 0
    assert target.read_text("utf-8").startswith("# yaml-language-server")
    assert "# UTKAST från `bidrag extract`" in target.read_text("utf-8")


def test_swedish_amounts_with_every_separator():
    text = (
        f"34 870 000 kr, 34{NBSP}870{NBSP}000 kronor, 34{NNBSP}870{NNBSP}000 kr, 750 miljoner kronor, "
        "1,6 miljarder kronor, 4,5 miljoner kronor, 9700000 kr"
    )
    assert amounts(text) == [34_870_000] * 3 + [750_000_000, 1_600_000_000, 4_500_000, 9_700_000]
    assert amounts("18,5 miljoner kronor, 4 500 tkr, 2,25 mnkr, 0,75 mnkr, 1,2 mdkr, 300 tusen kronor") == [
        18_500_000,
        4_500_000,
        2_250_000,
        750_000,
        1_200_000_000,
        300_000,
    ]
    assert amounts("år 2026, 4–6 §§ och 50 procent") == []


@pytest.mark.parametrize(
    "sentence, kind",
    [
        ("Delredovisning ska lämnas senast den 31 mars 2027.", "delredovisning"),
        ("Senast den 30 november 2026 ska regionen lämna en delredovisning.", "delredovisning"),
        ("En delrapport ska ha kommit in senast den 1 december 2026.", "delredovisning"),
        ("Slutredovisning ska lämnas senast den 30 september 2027.", "slutredovisning"),
        (
            "Senast 28 februari 2028 ska en slutredovisning lämnas med uppgifter om de genomförda åtgärderna.",
            "slutredovisning",
        ),
        ("Slutlig redovisning ska lämnas senast den 30 september 2027.", "slutredovisning"),
        ("De åtgärder som bidrag beviljats för ska vara genomförda senast den 31 december 2027.", "genomförande"),
        ("Senast den 31 december 2027 ska åtgärderna vara slutförda.", "genomförande"),
        ("Del- och slutredovisningar ska lämnas i e-tjänsten.", None),
        ("Delredovisningen ska innehålla uppgifter om hur långt regionen kommit.", None),
        ("Egenmonitorering ska vara implementerat vid utgången av år 2027.", None),
    ],
)
def test_deadlines_are_found_by_meaning(sentence, kind):
    assert kind_of(sentence) == kind


@pytest.mark.parametrize(
    "line", ["• A", "◦ A", "▪ A", "● A", "\uf0b7 A", "* A", "- A", "– A", "o A", "1. A", "12) A", "a) A"]
)
def test_every_common_list_marker_opens_an_item(line):
    assert BULLET.sub("", line) == "A"


@pytest.mark.parametrize("line", ["2027. Bidraget får användas", "och 11 620 000 kronor", "o och", "Region Örebro län"])
def test_a_wrapped_line_is_no_item(line):
    assert BULLET.match(line) is None


def test_swedish_dates_and_org_numbers():
    assert dates("den 31 december 2027 och 11 november 2025") == [date(2027, 12, 31), date(2025, 11, 11)]
    assert dates("den 30 februari 2026") == []
    assert org_number("Region Örebro läns (232100–0164) ansökan") == "232100-0164"
    assert org_number("org.nr 232100-0164") == "232100-0164"


def test_lists_and_genitives():
    assert split_list(
        "robotstyrd processautomation, AI-baserad maskning av handlingar, läkemedelsrobot och AI-assistenter"
    ) == ["robotstyrd processautomation", "AI-baserad maskning av handlingar", "läkemedelsrobot", "AI-assistenter"]
    assert split_list("hälso- och sjukvårdsrådgivning") == ["hälso- och sjukvårdsrådgivning"]
    assert genitive("Region Örebro län") == "Region Örebro läns"
    assert genitive("Västra Götalandsregionen") == "Västra Götalandsregionens"


def extract_refused(workspace, path):
    result = run_cli(workspace, "extract", str(path))
    assert result.exit_code == 1, result.stderr
    assert "Traceback" not in result.stderr and "Inget skrevs" in result.stderr
    assert sorted(p.name for p in (workspace.data_dir / "decisions").iterdir()) == [f"{OREBRO}.yml"]
    return result.stderr


def test_a_document_over_the_size_limit_is_refused_unread(workspace):
    huge = workspace.root / "stort-beslut.pdf"
    with huge.open("wb") as file:
        file.write(b"%PDF-1.7\n")
        file.truncate(limits.MAX_BYTES + 1)  # sparse: the limit is judged before anything is read
    message = extract_refused(workspace, huge)
    assert f"större än de {limits.MAX_BYTES // 2**20} MiB" in message


def test_a_document_over_the_page_limit_is_refused(workspace):
    pages = "\n".join(f" Sida {n}" for n in range(limits.MAX_PAGES + 1))
    pdf = text_to_pdf(pages, workspace.root / "manga-sidor.pdf")
    assert f"har {limits.MAX_PAGES + 1} sidor, fler än de {limits.MAX_PAGES}" in extract_refused(workspace, pdf)


def test_a_text_longer_than_any_decision_is_refused(workspace):
    long = write_document(workspace.root, "langt.txt", FULL_GRANT + "x" * limits.MAX_CHARACTERS)
    assert f"mer än de {limits.MAX_CHARACTERS} som ett beslut kan ha" in extract_refused(workspace, long)


def test_a_named_pipe_is_refused_without_waiting_for_it(workspace):
    pipe = workspace.root / "beslut.pdf"
    os.mkfifo(pipe)
    assert "är ingen vanlig fil" in extract_refused(workspace, pipe)


def test_a_pdf_that_takes_too_long_is_stopped(workspace, tmp_path, monkeypatch):
    pdf = text_to_pdf(OREBRO_TEXT.read_text("utf-8"), workspace.root / "beslut.pdf")
    # The reading process stops at its pause point and is never released: only the timeout ends it.
    monkeypatch.setenv("BIDRAG_PAUSE_AT", "extract.read_pdf")
    monkeypatch.setenv("BIDRAG_PAUSE_DIR", str(tmp_path))
    monkeypatch.setattr(limits, "READ_SECONDS", 10)  # ample for the process to start on a busy machine
    message = extract_refused(workspace, pdf)
    assert (tmp_path / "extract.read_pdf.reached").exists()
    assert "att läsa PDF-filen tog längre än 10 sekunder och avbröts" in message


def test_the_pdf_librarys_warnings_about_a_repaired_file_do_not_reach_staff(workspace):
    pdf = text_to_pdf(FULL_GRANT, workspace.root / "gavleborg.pdf")
    data = pdf.read_bytes()
    start = data.rindex(b"startxref") + len(b"startxref\n")
    pdf.write_bytes(data[:start] + b"99999" + data[data.index(b"\n", start) :])  # a wrong xref offset
    result = run_cli(workspace, "extract", str(pdf))
    assert result.exit_code == 0, result.stderr
    assert "2026_01_20_gavleborg.yml" in result.stderr
    # pypdf says "incorrect startxref pointer(2)" in English when it reads this file itself.
    said = result.stderr.replace(str(workspace.root), "")
    assert not re.search(r"startxref|pypdf|warning|incorrect", said, re.IGNORECASE)


def test_a_document_without_text_says_so(workspace):
    empty = workspace.root / "tomt.txt"
    empty.write_text("\n\n", "utf-8")
    result = run_cli(workspace, "extract", str(empty))
    assert result.exit_code == 3
    assert "dokumentet har ingen text att läsa" in result.stderr


def test_missing_fields_are_empty_and_listed_in_the_review_header(workspace):
    without = FULL_GRANT.replace("Beslutet får inte överklagas enligt 21 § förordningen.\n", "").replace(
        "Region Gävleborg ansökte den 3 september 2025 om statsbidrag med 12 400 000 kronor.\n", ""
    )
    document = write_document(workspace.root, "gavleborg.txt", without)
    assert run_cli(workspace, "extract", str(document)).exit_code == 0
    written = (workspace.data_dir / "decisions" / "2026_01_20_gavleborg.yml").read_text("utf-8")
    header = written[: written.index("\nid:")]
    draft = load(workspace.data_dir / "decisions" / "2026_01_20_gavleborg.yml")
    assert draft["applied_on"] is None and draft["source_quotes"]["applied"] is None
    assert draft["amount_applied"] is None  # never made up from the granted and rejected amounts
    assert "#   - amount_applied: sökt belopp hittades inte" in header
    assert draft["appeal"]["text"] is None
    assert "#   - applied_on: ansökningsdatum hittades inte" in header
    assert "#   - appeal: meningen om överklagande hittades inte" in header


def test_a_running_header_inside_a_sentence_of_the_reasons_is_left_out(vocabularies, tmp_path):
    header = "KAMMARKOLLEGIET  Beslut  2026-01-20  Dnr 2025/01234  2 (4)"
    text = FULL_GRANT.replace("taligenkänning bedöms främja", f"taligenkänning bedöms\n{header}\nfrämja")
    assert header in text
    decision = extract_draft(write_document(tmp_path, "gavleborg.txt", text), vocabularies).decision
    assert decision["measures"][1]["reason"] == "Införande av taligenkänning bedöms främja effektiviteten."
    assert "KAMMARKOLLEGIET" not in (decision["reasoning"] or "")


def test_the_region_is_shown_with_the_sentence_it_was_read_from(vocabularies):
    draft = extract_draft(OREBRO_TEXT, vocabularies)
    notes = [(message, line) for path, message, line in draft.review if path == ("region",)]
    assert notes == [
        (
            "läst ur ”Delegationen för en effektiv hälso- och sjukvård (Effektivitetsdelegationen) har fattat "
            "beslut om Region Örebro läns (232100–0164) ansökan om bidrag för åtgärder för en effektiv hälso- och "
            "sjukvård.”",
            line_of(OREBRO_TEXT, "Delegationen för en effektiv"),
        )
    ]
