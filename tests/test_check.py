"""`bidrag check` and `bidrag build` on broken copies of the real data: every rule, named precisely."""

import hashlib
from datetime import date

import pytest

from bidrag.dataset import load_dataset
from bidrag.problems import InvalidData
from bidrag.sources import quotes_of_decision

from .conftest import OREBRO, read_yaml, run_cli, write_yaml

DECISION = f"data/decisions/{OREBRO}.yml"


def decision_edit(change):
    def apply(data_dir):
        path = data_dir / "decisions" / f"{OREBRO}.yml"
        data = read_yaml(path)
        change(data)
        write_yaml(path, data)

    return apply


def file_edit(name, change):
    def apply(data_dir):
        data = read_yaml(data_dir / name)
        change(data)
        write_yaml(data_dir / name, data)

    return apply


def text_edit(name, change):
    def apply(data_dir):
        path = data_dir / name
        path.write_text(change(path.read_text("utf-8")), "utf-8")

    return apply


def set_in(data, path, value):
    *parents, last = path
    for key in parents:
        data = data[key]
    data[last] = value


def setting(path, value):
    return decision_edit(lambda d: set_in(d, path, value))


# (case id, how to break the data, file, field, fragments the message must contain)
CASES = [
    (
        "schema-float-amount",
        setting(["measures", 0, "amount_granted"], 5870000.5),
        DECISION,
        "measures[1].amount_granted",
        ["heltal", "5870000.5"],
    ),
    ("schema-missing-field", decision_edit(lambda d: d.pop("decided_on")), DECISION, "decided_on", ["saknas"]),
    ("schema-unknown-field", setting(["amount_grantd"], 1), DECISION, "amount_grantd", ["okänt fält"]),
    (
        "schema-impossible-date",
        setting(["decided_on"], "2025-02-30"),
        DECISION,
        "decided_on",
        ["inget giltigt datum", "2025-02-30"],
    ),
    (
        "schema-unknown-status",
        setting(["measures", 2, "status"], "godkänd"),
        DECISION,
        "measures[3].status",
        ["'beviljad'", "'godkänd'"],
    ),
    ("schema-negative-amount", setting(["amount_rejected"], -1), DECISION, "amount_rejected", ["minst 0"]),
    (
        "applied-equals-granted-plus-rejected",
        setting(["amount_applied"], 147_971_001),
        DECISION,
        "amount_applied",
        ["147 971 001 kr", "34 870 000 kr", "113 101 000 kr", "147 971 000 kr"],
    ),
    (
        "payments-sum-to-granted",
        setting(["payments", 2, "amount"], 11_000_000),
        DECISION,
        "payments",
        ["34 250 000 kr", "34 870 000 kr", "620 000 kr"],
    ),
    (
        "measures-sum-to-granted",
        setting(["measures", 0, "amount_granted"], 5_000_000),
        DECISION,
        "measures",
        ["34 000 000 kr", "34 870 000 kr"],
    ),
    (
        "stated-rejected-within-total",
        setting(["measures", 3, "amount_rejected"], 100_000_000),
        DECISION,
        "measures",
        ["119 300 000 kr", "113 101 000 kr"],
    ),
    (
        "rejected-measure-has-no-grant",
        setting(["measures", 3, "amount_granted"], 1_000),
        DECISION,
        "measures[4].amount_granted",
        ["avslagen", "1 000 kr"],
    ),
    (
        "granted-measure-has-no-rejection",
        setting(["measures", 0, "amount_rejected"], 500),
        DECISION,
        "measures[1].amount_rejected",
        ["beviljad", "500 kr"],
    ),
    (
        "partly-granted-measure-arithmetic",
        setting(["measures", 2, "amount_applied"], 40_000_000),
        DECISION,
        "measures[3].amount_applied",
        ["40 000 000 kr", "38 600 000 kr"],
    ),
    ("outcome-agrees-with-amounts", setting(["outcome"], "beviljad"), DECISION, "outcome", ["113 101 000 kr"]),
    (
        "applied-before-decided",
        setting(["applied_on"], "2025-12-01"),
        DECISION,
        "applied_on",
        ["2025-12-01", "2025-11-11"],
    ),
    (
        "deadline-after-decision",
        setting(["deadlines", 1, "due_on"], "2025-01-01"),
        DECISION,
        "deadlines[2].due_on",
        ["2025-01-01", "2025-11-11"],
    ),
    (
        "interim-before-final-report",
        setting(["deadlines", 1, "due_on"], "2028-06-01"),
        DECISION,
        "deadlines",
        ["delredovisning 2028-06-01", "2028-02-28"],
    ),
    (
        "payment-year-in-programme",
        setting(["payments", 0, "year"], 2031),
        DECISION,
        "payments[1].year",
        ["2031", "2025–2030"],
    ),
    (
        "duplicate-payment-year",
        setting(["payments", 1, "year"], 2025),
        DECISION,
        "payments",
        ["år 2025 förekommer 2 gånger"],
    ),
    ("region-exists", setting(["region"], "atlantis"), DECISION, "region", ["'atlantis'", "data/regions.yml"]),
    ("joint-region-exists", setting(["joint_with"], ["atlantis"]), DECISION, "joint_with[1]", ["'atlantis'"]),
    (
        "theme-exists",
        setting(["measures", 0, "themes"], ["ai", "teleportation"]),
        DECISION,
        "measures[1].themes[2]",
        ["'teleportation'", "data/themes.yml"],
    ),
    (
        "reason-category-exists",
        setting(["measures", 3, "reason_category"], "too_expensive"),
        DECISION,
        "measures[4].reason_category",
        ["'too_expensive'", "data/reason_categories.yml"],
    ),
    (
        "rejected-measure-needs-reason-category",
        setting(["measures", 3, "reason_category"], None),
        DECISION,
        "measures[4].reason_category",
        ["kräver en kategori"],
    ),
    (
        "positions-unique",
        setting(["measures", 1, "position"], 1),
        DECISION,
        "measures",
        ["positionerna ska vara 1–8", "[1, 1, 3"],
    ),
    (
        "id-matches-file-name",
        setting(["id"], "2025_11_11_orebro_2"),
        DECISION,
        "id",
        ["2025_11_11_orebro_2", "filnamnet"],
    ),
    ("org-nr-check-digit", setting(["org_nr"], "232100-0165"), DECISION, "org_nr", ["232100-0165", "kontrollsiffra"]),
    (
        "org-nr-only-from-decisions",
        file_edit("regions.yml", lambda d: set_in(d, ["regions", 0, "org_nr"], "232100-0016")),
        "data/regions.yml",
        "regions[1].org_nr",
        ["232100-0016", "Region Stockholm", "beslut"],
    ),
    (
        "vocabulary-ids-unique",
        file_edit("themes.yml", lambda d: set_in(d, ["themes", 1, "id"], "ai")),
        "data/themes.yml",
        "themes",
        ["'ai' förekommer 2 gånger"],
    ),
    (
        "programme-source-exists",
        file_edit("programme.yml", lambda d: set_in(d, ["facts", 0, "source"], "rumour")),
        "data/programme.yml",
        "facts[1].source",
        ["'rumour'"],
    ),
    (
        "programme-source-id-not-a-decision-id",
        file_edit("programme.yml", lambda d: set_in(d, ["sources", 0, "id"], OREBRO)),
        "data/programme.yml",
        "sources[1].id",
        [f"'{OREBRO}'", "beslut"],
    ),
    (
        "no-personal-email",
        setting(["measures", 0, "reason"], "Fråga fornamn.efternamn@example.se."),
        DECISION,
        "measures[1].reason",
        ["fornamn.efternamn@example.se", "funktionsbrevlåda"],
    ),
    (
        "no-phone-number",
        setting(["decision_makers", 1, "role"], "Handläggare, tel. 070-000 00 00"),
        DECISION,
        "decision_makers[2].role",
        ["070-000 00 00", "telefonnummer"],
    ),
    (
        "draft-not-reviewed",
        text_edit(f"decisions/{OREBRO}.yml", lambda t: "# UTKAST från `bidrag extract` av beslut.pdf.\n" + t),
        DECISION,
        "",
        ["ogranskat utkast", "UTKAST", "reviewed_by och reviewed_on"],
    ),
    ("review-missing", decision_edit(lambda d: d.pop("reviewed_by")), DECISION, "reviewed_by", ["saknas"]),
    ("review-empty", setting(["reviewed_on"], None), DECISION, "reviewed_on", ["ska vara text", "null"]),
    (
        "review-before-decision",
        setting(["reviewed_on"], "2025-11-10"),
        DECISION,
        "reviewed_on",
        ["2025-11-10", "före beslutet 2025-11-11"],
    ),
    (
        "hidden-bidi-override",
        setting(["measures", 0, "title"], "Fallprevention\u202enoitneverp"),
        DECISION,
        "measures[1].title",
        ["U+202E", "RIGHT-TO-LEFT OVERRIDE", "tecken 15"],
    ),
    (
        "hidden-zero-width",
        setting(["reasoning"], "Skäl\u200bmed\u200bosynliga mellanrum"),
        DECISION,
        "reasoning",
        ["U+200B", "ZERO WIDTH SPACE", "och 1 till"],
    ),
    ("hidden-control", setting(["title"], "Beslut \x1b[31m"), DECISION, "title", ["U+001B", "ta bort det"]),
    (
        "hidden-in-regions",
        file_edit("regions.yml", lambda d: set_in(d, ["regions", 0, "name"], "Region\u2066 Blekinge")),
        "data/regions.yml",
        "regions[1].name",
        ["U+2066", "LEFT-TO-RIGHT ISOLATE"],
    ),
    (
        "date-implausible",
        setting(["deadlines", 2, "due_on"], "2099-02-28"),
        DECISION,
        "deadlines[3].due_on",
        ["2099-02-28", "utanför 2024–2031", "programperioden 2025–2030"],
    ),
    (
        "date-implausible-application",
        setting(["applied_on"], "1999-06-12"),
        DECISION,
        "applied_on",
        ["1999-06-12", "utanför 2024–2031"],
    ),
    (
        "yaml-syntax",
        text_edit(f"decisions/{OREBRO}.yml", lambda t: t.replace("outcome: delvis beviljad", "outcome: [delvis")),
        DECISION,
        "",
        ["ogiltig YAML"],
    ),
    (
        "yaml-duplicate-key",
        text_edit(f"decisions/{OREBRO}.yml", lambda t: t + "outcome: beviljad\n"),
        DECISION,
        "",
        ["'outcome' förekommer två gånger"],
    ),
]


@pytest.mark.parametrize("change,file,field,fragments", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_broken_data_is_reported_and_nothing_is_built(workspace, change, file, field, fragments):
    assert run_cli(workspace, "build").exit_code == 0
    live = workspace.db_path.read_bytes()
    change(workspace.data_dir)

    checked = run_cli(workspace, "check")
    assert checked.exit_code == 1
    lines = [line for line in checked.stderr.splitlines() if line.startswith(file)]
    matching = [line for line in lines if f": {field}: " in line] if field else lines
    assert matching, f"no error for {file} {field!r} in:\n{checked.stderr}"
    assert any(all(fragment in line for fragment in fragments) for line in matching), checked.stderr

    built = run_cli(workspace, "build")
    assert built.exit_code == 1
    assert "oförändrad" in built.stderr
    assert workspace.db_path.read_bytes() == live


def test_problem_lines_carry_the_yaml_line_number(workspace):
    setting(["measures", 3, "amount_granted"], 1_000)(workspace.data_dir)
    text = (workspace.data_dir / "decisions" / f"{OREBRO}.yml").read_text("utf-8").splitlines()
    result = run_cli(workspace, "check")
    line = next(line for line in result.stderr.splitlines() if ": measures[4].amount_granted: " in line)
    number = int(line.split(":")[1])
    assert text[number - 1].strip() == "amount_granted: 1000"


def test_decision_dated_after_today_is_refused(workspace):
    with pytest.raises(InvalidData) as raised:
        load_dataset(workspace.data_dir, today=date(2025, 11, 10))
    assert any(p.field == "decided_on" and "i framtiden" in p.message for p in raised.value.problems)


def test_clean_tree_prints_a_one_line_summary(workspace):
    result = run_cli(workspace, "check")
    assert result.exit_code == 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("OK: 1 beslut, 8 åtgärder, 21 regioner")


def test_programme_disagreements_are_kept_and_named(workspace):
    dataset = load_dataset(workspace.data_dir)
    assert dataset.disputed_topics == ["ordinance", "yearly_frame"]
    assert "yearly_frame" in run_cli(workspace, "check").stderr


def test_source_documents_are_verified_verbatim(workspace, tmp_path):
    """--sources checks the checksum and finds every quote in the document."""
    sources = tmp_path / "sources"
    sources.mkdir()
    decision = read_yaml(workspace.data_dir / "decisions" / f"{OREBRO}.yml")
    # A stand-in document holding exactly the passages the file quotes, wrapped like a PDF extract.
    passages = [
        p for _, text in quotes_of_decision(decision) if text for p in text.split("\n\n") if not p.startswith("#")
    ]
    document = "\n".join(" \n".join(p.split(" ")) for p in passages).encode("utf-8")
    path = sources / decision["source_document"]["file_name"]
    path.write_bytes(document)

    set_in(decision, ["source_document", "sha256"], hashlib.sha256(document).hexdigest())
    write_yaml(workspace.data_dir / "decisions" / f"{OREBRO}.yml", decision)
    ok = run_cli(workspace, "check", "--sources", str(sources))
    assert ok.exit_code == 0, ok.stderr
    assert "1 källdokument stämmer" in ok.stderr

    path.write_bytes(document.replace(b"(50 \n", b"(60 \n"))
    broken = run_cli(workspace, "check", "--sources", str(sources))
    assert broken.exit_code == 1
    assert f"{DECISION}" in broken.stderr and "sha256" in broken.stderr
    assert "measures[3].source_quote: citatet finns inte ordagrant" in broken.stderr


def test_a_decision_that_names_no_decision_maker_is_published_without_one(workspace):
    setting(["decision_makers"], [])(workspace.data_dir)
    assert run_cli(workspace, "check").exit_code == 0
    assert run_cli(workspace, "build").exit_code == 0
    import sqlite_utils

    db = sqlite_utils.Database(workspace.db_path)
    assert db["decision_makers"].count == 0 and db["decisions"].get(OREBRO)["amount_granted"] == 34_870_000


def test_an_extracted_draft_is_refused_until_reviewed(workspace):
    """The real extractor's draft: check names the file and says what review means; nothing is built."""
    from .conftest import ROOT

    document = ROOT / "tests" / "fixtures" / "orebro_2025_11_11_redacted.txt"
    assert run_cli(workspace, "extract", "--force", str(document)).exit_code == 0
    checked = run_cli(workspace, "check")
    assert checked.exit_code == 1
    assert f"{DECISION}:2: är ett ogranskat utkast från bidrag extract" in checked.stderr, checked.stderr
    assert f"{DECISION}: reviewed_by: fältet saknas" in checked.stderr
    assert run_cli(workspace, "build").exit_code == 1 and not workspace.db_path.exists()
