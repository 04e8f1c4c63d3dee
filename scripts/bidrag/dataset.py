"""Load the reviewed data tree (data/) and validate all of it: the one gate before any build."""

import re
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from . import clock, rules
from .privacy import personal_details, strings_in
from .problems import InvalidData, Problem, field_path
from .validation import schema_problems
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
    files: dict  # "programme" or a decision id -> the file it was read from
    disputed_topics: list = field(default_factory=list)  # programme topics where sources differ

    @cached_property
    def region_names(self) -> dict:
        return {r["id"]: r["name"] for r in self.regions}

    @cached_property
    def theme_names(self) -> dict:
        return {t["id"]: t["name"] for t in self.themes}


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
            self.problems.append(Problem(self.name(document.path), field_path(path), message, document.line_of(path)))

        return report


def load_dataset(data_dir: Path, today: date | None = None) -> Dataset:
    """Read and validate every file under data_dir; raise InvalidData listing all problems.

    today (for "not in the future") defaults to the one clock, bidrag.clock.
    """
    data_dir = Path(data_dir)
    reporter = _Reporter(data_dir.parent)
    documents = {name: _read(data_dir / name, schema, reporter) for name, schema in SINGLE_FILES.items()}
    decision_paths = sorted((data_dir / DECISIONS_DIR).glob("*.yml"))
    if any(doc is None for doc in documents.values()):
        # Without the vocabularies the decisions can still be read and schema-checked.
        for _, _, problems in _check_decisions(decision_paths, data_dir.parent, None, set()):
            reporter.problems.extend(problems)
        raise InvalidData(reporter.problems)

    mailboxes_doc = documents["functional_mailboxes.yml"]
    mailboxes = _mailboxes(mailboxes_doc, reporter)
    for doc in documents.values():
        _report_hidden_characters(doc, reporter.for_file(doc))
        if doc is not mailboxes_doc:
            _report_personal_details(doc, mailboxes, reporter.for_file(doc))
    regions = documents["regions.yml"].data["regions"]
    themes, reasons = _vocabularies(documents, reporter)
    programme = documents["programme.yml"].data
    ctx = rules.Context(
        regions={r["id"]: r for r in regions},
        themes={t["id"] for t in themes},
        reason_categories={r["id"] for r in reasons},
        first_year=programme["period"]["first_year"],
        last_year=programme["period"]["last_year"],
        today=today or clock.today(),
    )
    valid = []
    files = {"programme": data_dir / "programme.yml"}
    for path, data, problems in _check_decisions(decision_paths, data_dir.parent, ctx, mailboxes):
        reporter.problems.extend(problems)
        if data is not None:
            valid.append(data)
            files[data["id"]] = path
    _check_org_numbers(documents["regions.yml"], regions, valid, reporter)
    disputed = _check_programme(documents["programme.yml"], valid, reporter)
    if reporter.problems:
        raise InvalidData(reporter.problems)
    return Dataset(regions, themes, reasons, programme, sorted(valid, key=lambda d: d["id"]), files, disputed)


def _vocabularies(documents: dict, reporter: _Reporter) -> tuple[list, list]:
    """The themes and reason categories; without both nothing more can be checked."""
    found = {}
    for name, key in (("themes.yml", "themes"), ("reason_categories.yml", "reason_categories")):
        found[key] = documents[name].data.get(key)
        if found[key] is None:
            reporter.for_file(documents[name])((), f"ska innehålla listan {key}")
    if None in found.values():
        raise InvalidData(reporter.problems)
    _check_vocabularies(documents, reporter)
    return found["themes"], found["reason_categories"]


# Each decision file is checked on its own, so many files are spread over the machine's cores.
_PARALLEL_FROM = 64


def _check_decisions(paths, root: Path, ctx, mailboxes: set):
    jobs = [(path, root, ctx, mailboxes) for path in paths]
    if len(jobs) < _PARALLEL_FROM:
        return [_check_decision_file(job) for job in jobs]
    with ProcessPoolExecutor() as pool:
        return list(pool.map(_check_decision_file, jobs, chunksize=16))


def _check_decision_file(job):
    """(path, data if its schema holds else None, problems) for one decision file."""
    path, root, ctx, mailboxes = job
    reporter = _Reporter(root)
    _report_draft(path, reporter)
    document = _read(path, "decision", reporter)
    if document is None:
        return path, None, reporter.problems
    report = reporter.for_file(document)
    _report_hidden_characters(document, report)
    _report_personal_details(document, mailboxes, report)
    if ctx is not None:
        rules.check_decision(document.data, path.stem, ctx, report)
    return path, document.data, reporter.problems


# The first line of the review report that `bidrag extract` writes at the top of a draft.
DRAFT_HEADER = re.compile(r"#\s*UTKAST\b")


def _report_draft(path: Path, reporter: _Reporter) -> None:
    """A draft is not reviewed until its review report (the comment at the top) has been worked through
    and removed; unreviewed data must never be published."""
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return  # _read reports the file itself
    for number, line in enumerate(lines, 1):
        if not line.startswith("#"):
            return
        if DRAFT_HEADER.match(line):
            message = (
                "är ett ogranskat utkast från bidrag extract (kommentaren UTKAST överst): granska varje fält mot "
                "beslutet, ta bort kommentaren och fyll i reviewed_by och reviewed_on"
            )
            reporter.problems.append(Problem(reporter.name(path), "", message, number))
            return


def _report_hidden_characters(document: YamlFile, report) -> None:
    for path, text in strings_in(document.data):
        problem = rules.hidden_characters(text)
        if problem:
            report(path, problem)


def _report_personal_details(document: YamlFile, mailboxes: set, report) -> None:
    for path, text in strings_in(document.data):
        for finding in personal_details(text, mailboxes):
            report(path, finding)


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
    for name, key in (
        ("regions.yml", "regions"),
        ("themes.yml", "themes"),
        ("reason_categories.yml", "reason_categories"),
    ):
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
            report(
                ("regions", index, "org_nr"),
                f"{org_nr} anges inte i något beslut för {region['name']}; ta bara organisationsnummer från beslut",
            )


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
            report(
                ("facts", index, "source"),
                f"okänd källa {fact['source']!r}: varken en källa under sources eller ett beslut",
            )
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
