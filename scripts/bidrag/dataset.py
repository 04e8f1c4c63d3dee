"""Load the reviewed data tree (data/) and validate all of it: the one gate before any build."""

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from . import rules
from .privacy import personal_details, strings_in
from .problems import InvalidData, Problem, field_path
from .schema import schema_problems
from .yamlfile import YamlError, YamlFile, read_yaml

# file (relative to data/) -> JSON Schema that describes it
SINGLE_FILES = {
    "regions.yml": "regions",
    "themes.yml": "vocabulary",
    "reason_categories.yml": "vocabulary",
    "programme.yml": "programme",
    "functional_mailboxes.yml": None,
}
DECISIONS_DIR = "decisions"


@dataclass
class Dataset:
    regions: list
    themes: list
    reason_categories: list
    programme: dict
    decisions: list  # sorted by id
    files: dict  # "programme" or a decision id -> (name relative to the project, YamlFile)
    disputed_topics: list = field(default_factory=list)  # programme topics where sources differ


class _Reporter:
    def __init__(self, root: Path):
        self.root = root
        self.problems: list[Problem] = []

    def name(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def for_file(self, document: YamlFile):
        def report(path, message):
            self.problems.append(
                Problem(self.name(document.path), field_path(path), message, document.line_of(path))
            )

        return report


def load_dataset(data_dir: Path, today: date | None = None) -> Dataset:
    """Read and validate every file under data_dir; raise InvalidData listing all problems."""
    data_dir = Path(data_dir)
    reporter = _Reporter(data_dir.parent)
    documents = {}
    for name, schema in SINGLE_FILES.items():
        documents[name] = _read(data_dir / name, schema, reporter)
    decision_paths = sorted((data_dir / DECISIONS_DIR).glob("*.yml"))
    decisions = [(path, _read(path, "decision", reporter)) for path in decision_paths]
    if any(doc is None for doc in documents.values()):
        raise InvalidData(reporter.problems)

    mailboxes_doc = documents["functional_mailboxes.yml"]
    mailboxes = _mailboxes(mailboxes_doc, reporter)
    for doc in [*documents.values(), *(d for _, d in decisions if d is not None)]:
        report = reporter.for_file(doc)
        for path, text in strings_in(doc.data):
            if doc is not mailboxes_doc:
                for finding in personal_details(text, mailboxes):
                    report(path, finding)

    regions = documents["regions.yml"].data["regions"]
    themes = documents["themes.yml"].data.get("themes")
    reasons = documents["reason_categories.yml"].data.get("reason_categories")
    for doc, items, key in (
        (documents["themes.yml"], themes, "themes"),
        (documents["reason_categories.yml"], reasons, "reason_categories"),
    ):
        if items is None:
            reporter.for_file(doc)((), f"ska innehålla listan {key}")
    if themes is None or reasons is None:
        raise InvalidData(reporter.problems)
    _check_vocabularies(documents, reporter)

    programme = documents["programme.yml"].data
    ctx = rules.Context(
        regions={r["id"]: r for r in regions},
        themes={t["id"] for t in themes},
        reason_categories={r["id"] for r in reasons},
        first_year=programme["period"]["first_year"],
        last_year=programme["period"]["last_year"],
        today=today or date.today(),
    )
    valid = []
    files = {"programme": (reporter.name(documents["programme.yml"].path), documents["programme.yml"])}
    for path, doc in decisions:
        if doc is not None:
            rules.check_decision(doc.data, path.stem, ctx, reporter.for_file(doc))
            valid.append(doc.data)
            files[doc.data["id"]] = (reporter.name(path), doc)
    _check_org_numbers(documents["regions.yml"], regions, valid, reporter)
    disputed = _check_programme(documents["programme.yml"], valid, reporter)
    if reporter.problems:
        raise InvalidData(reporter.problems)
    return Dataset(regions, themes, reasons, programme, sorted(valid, key=lambda d: d["id"]), files, disputed)


def _read(path: Path, schema: str | None, reporter: _Reporter) -> YamlFile | None:
    name = reporter.name(path)
    if not path.exists():
        reporter.problems.append(Problem(name, "", "filen saknas"))
        return None
    try:
        document = read_yaml(path)
    except YamlError as error:
        reporter.problems.append(Problem(name, "", error.message, error.line))
        return None
    if not isinstance(document.data, dict):
        reporter.problems.append(Problem(name, "", "filen ska innehålla en YAML-mappning med fält"))
        return None
    problems = schema_problems(document, schema, name) if schema else []
    reporter.problems.extend(problems)
    return None if problems else document


def _mailboxes(document: YamlFile, reporter: _Reporter) -> set:
    boxes = document.data.get("functional_mailboxes")
    if not isinstance(boxes, list) or not all(isinstance(b, str) and "@" in b for b in boxes):
        reporter.for_file(document)(("functional_mailboxes",), "ska vara en lista med e-postadresser")
        return set()
    return {b.lower() for b in boxes}


def _check_vocabularies(documents, reporter):
    for name, key in (("regions.yml", "regions"), ("themes.yml", "themes"),
                      ("reason_categories.yml", "reason_categories")):
        doc = documents[name]
        report = reporter.for_file(doc)
        for field_name in ("id", "name") + (("county_code",) if key == "regions" else ()):
            rules.unique(doc.data[key], field_name, (key,), report, field_name)


def _check_org_numbers(document, regions, decisions, reporter):
    stated = {(d["region"], d["org_nr"]) for d in decisions}
    report = reporter.for_file(document)
    for index, region in enumerate(regions):
        org_nr = region["org_nr"]
        if org_nr is not None and (region["id"], org_nr) not in stated:
            report(("regions", index, "org_nr"), f"{org_nr} anges inte i något beslut för {region['name']}; "
                   "ta bara organisationsnummer från beslut")


def _check_programme(document, decisions, reporter) -> list[str]:
    programme, report = document.data, reporter.for_file(document)
    period = programme["period"]
    if period["first_year"] > period["last_year"]:
        report(("period",), f"first_year {period['first_year']} ligger efter last_year {period['last_year']}")
    rules.unique(programme["sources"], "id", ("sources",), report, "källan")
    rules.unique(programme["facts"], "id", ("facts",), report, "faktauppgiften")
    decision_ids = {d["id"] for d in decisions}
    for index, source in enumerate(programme["sources"]):
        if source["id"] in decision_ids:
            report(("sources", index, "id"), f"{source['id']!r} är redan id för ett beslut; välj ett annat")
    known = {s["id"] for s in programme["sources"]} | decision_ids
    for index, fact in enumerate(programme["facts"]):
        if fact["source"] not in known:
            report(("facts", index, "source"), f"okänd källa {fact['source']!r}: varken en källa under "
                   "sources eller ett beslut")
        if fact.get("year_from", 0) > fact.get("year_to", 9999):
            report(("facts", index, "year_from"), f"{fact['year_from']} ligger efter year_to {fact['year_to']}")
    return sorted(disagreeing_topics(programme["facts"]))


def disagreeing_topics(facts: list) -> set:
    """Topics on which the sources state different values."""
    variants: dict = {}
    for fact in facts:
        variant = (fact.get("amount"), fact.get("year_from"), fact.get("year_to"), fact["value"])
        variants.setdefault(fact["topic"], set()).add(variant)
    return {topic for topic, values in variants.items() if len(values) > 1}
