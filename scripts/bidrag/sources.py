"""Trace every quoted passage to its source document: checksum and verbatim presence."""

import hashlib
import re
from pathlib import Path

from .problems import Problem, field_path
from .yamlfile import read_yaml

_SPACE = re.compile(r"\s+")
_SOFT_BREAK = re.compile(r"(\w)- (\w)")


def comparable(text: str) -> str:
    """Whitespace collapsed and line-end hyphens closed ("AI-\\nbaserad", "hälso- och" alike)."""
    return _SOFT_BREAK.sub(r"\1-\2", _SPACE.sub(" ", text)).strip()


def quotes_of_decision(decision: dict):
    """Yield (field path, passage) for every verbatim passage a decision file quotes."""
    for key, value in decision["source_quotes"].items():
        yield ("source_quotes", key), value
    yield ("appeal", "text"), decision["appeal"]["text"]
    for index, deadline in enumerate(decision["deadlines"]):
        yield ("deadlines", index, "source_quote"), deadline["source_quote"]
    for key in ("general_conditions", "reasoning"):
        yield (key,), decision[key]
    for index, measure in enumerate(decision["measures"]):
        for key in ("source_quote", "reason", "conditions"):
            yield ("measures", index, key), measure[key]


def verify_document(document: Path, sha256: str, quotes, file: str, lines) -> list[Problem]:
    """Problems for a wrong checksum and for each passage that the document does not contain."""
    data = document.read_bytes()
    problems = []
    actual = hashlib.sha256(data).hexdigest()
    if actual != sha256:
        problems.append(Problem(file, "sha256", f"{document.name} har SHA-256 {actual}, inte {sha256}"))
    text = comparable(data.decode("utf-8", errors="replace"))
    for path, passage in quotes:
        for paragraph in (passage or "").split("\n\n"):
            if paragraph.strip() and not paragraph.lstrip().startswith("#"):
                if comparable(paragraph) not in text:
                    problems.append(
                        Problem(
                            file,
                            field_path(path),
                            f"citatet finns inte ordagrant i {document.name}: {paragraph[:70]!r}…",
                            lines(path),
                        )
                    )
    return problems


def verify_sources(dataset, sources_dir: Path, root: Path):
    """Check every source document found in sources_dir; return (problems, checked, not found)."""

    def opened(path: Path):  # the file again, for the line numbers of its problems
        return str(Path(path).relative_to(root)), read_yaml(path)

    programme_name, programme_file = opened(dataset.files["programme"])
    facts = dataset.programme["facts"]
    documents = [
        (s["id"], s["file_name"], s["sha256"], programme_name, programme_file, []) for s in dataset.programme["sources"]
    ]
    for decision in dataset.decisions:
        name, yaml_file = opened(dataset.files[decision["id"]])
        source = decision["source_document"]
        documents.append(
            (decision["id"], source["file_name"], source["sha256"], name, yaml_file, list(quotes_of_decision(decision)))
        )
    problems, checked, missing = [], [], []
    for source_id, file_name, sha256, name, yaml_file, quotes in documents:
        path = Path(sources_dir) / file_name
        if not path.exists():
            missing.append(file_name)
            continue
        problems += verify_document(path, sha256, quotes, name, yaml_file.line_of)
        fact_quotes = [
            (("facts", i, "source_quote"), f["source_quote"]) for i, f in enumerate(facts) if f["source"] == source_id
        ]
        problems += [
            p
            for p in verify_document(path, sha256, fact_quotes, programme_name, programme_file.line_of)
            if p.field != "sha256"
        ]
        checked.append(file_name)
    return problems, checked, missing
