"""`bidrag extract`: decision documents (PDF, scanned or not, or text) to draft decision files for review."""

from pathlib import Path

from .. import clock, rules
from ..problems import Problem, field_path
from ..validation import schema_problems
from ..yamlfile import YamlError, read_yaml
from .decision import Draft, build_draft
from .document import parse_document
from .errors import NotADecision, UnreadableDocument
from .source import read_source

__all__ = ["Draft", "NotADecision", "UnreadableDocument", "VocabularyError", "extract_draft", "Vocabularies"]


class VocabularyError(Exception):
    pass


class Vocabularies:
    """The parts of data/ that extraction resolves names and proposals against."""

    def __init__(self, data_dir: Path):
        files = {
            "regions.yml": "regions",
            "themes.yml": "vocabulary",
            "reason_categories.yml": "vocabulary",
            "programme.yml": "programme",
            "functional_mailboxes.yml": None,
        }
        loaded = {}
        for name, schema in files.items():
            path = Path(data_dir) / name
            try:
                document = read_yaml(path)
            except (OSError, YamlError) as error:
                raise VocabularyError(f"{path}: {getattr(error, 'message', error)}") from None
            problems = schema_problems(document, schema, str(path)) if schema else []
            if problems:
                raise VocabularyError("; ".join(map(str, problems)))
            loaded[name] = document.data
        self.regions = loaded["regions.yml"]["regions"]
        self.themes = loaded["themes.yml"]["themes"]
        self.reasons = loaded["reason_categories.yml"]["reason_categories"]
        self.mailboxes = {m.lower() for m in loaded["functional_mailboxes.yml"]["functional_mailboxes"]}
        period = loaded["programme.yml"]["period"]
        self.context = rules.Context(
            {r["id"]: r for r in self.regions},
            {t["id"] for t in self.themes},
            {r["id"] for r in self.reasons},
            period["first_year"],
            period["last_year"],
            clock.today(),
        )


def extract_draft(path: Path, vocabularies: Vocabularies) -> Draft:
    """Parse one document into a draft; raise NotADecision or UnreadableDocument."""
    document = parse_document(read_source(Path(path)))
    draft = build_draft(
        document, vocabularies.regions, vocabularies.themes, vocabularies.reasons, vocabularies.mailboxes
    )

    def report(field, message):
        draft.mismatches.append(Problem(path.name, field_path(field), message))

    rules.check_arithmetic(draft.decision, vocabularies.context, report)
    return draft
