"""Write a draft as a decision file whose header comment is the review report."""

import os
from pathlib import Path

import yaml

from ..problems import field_path
from ..yamlfile import without_timestamps
from .decision import Draft

_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


class _DraftDumper(_Dumper):
    """Dates stay unquoted, amounts get digit groups (147_971_000), prose uses block style."""


_DraftDumper.yaml_implicit_resolvers = without_timestamps(_Dumper.yaml_implicit_resolvers)
_DraftDumper.add_representer(
    int,
    lambda dumper, value: dumper.represent_scalar(
        "tag:yaml.org,2002:int", f"{value:_}" if abs(value) >= 10_000 else str(value)
    ),
)
_DraftDumper.add_representer(
    str,
    lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if "\n" in value else None),
)


def report_lines(draft: Draft, source: str) -> list[str]:
    lines = [
        f"UTKAST från `bidrag extract` av {source}.",
        "Granska varje fält mot beslutet, rätta, och ta sedan bort denna kommentar. Kör `bidrag check`.",
    ]
    if draft.ocr_pages:
        pages = ", ".join(map(str, draft.ocr_pages))
        which = f"sidan {pages} saknade" if len(draft.ocr_pages) == 1 else f"sidorna {pages} saknade"
        lines += [
            "",
            f"LÄSTA MED OCR: {which} text och lästes med OCR (Tesseract, svenska); "
            "granska siffror, datum och namn där extra noga.",
        ]
    if draft.mismatches:
        lines += ["", "AVVIKELSER I BELOPPEN (granska först):"]
        lines += [f"  - {p.field}: {p.message}" for p in draft.mismatches]
    if draft.review:
        lines += ["", "ATT GRANSKA (fält som saknades eller föreslogs; rad i dokumentet):"]
        for path, message, line in draft.review:
            lines.append(f"  - {field_path(path)}: {message}" + (f" (rad {line})" if line else ""))
    if draft.unmatched:
        lines += ["", "SKÄL SOM INTE KOPPLADES TILL NÅGON ÅTGÄRD (ligger i reasoning; flytta om de gäller en åtgärd):"]
        lines += [f"  - rad {line}: {text[:90]}{'…' if len(text) > 90 else ''}" for line, text in draft.unmatched]
    lines += ["", "Styckeindelning: dokumentets textlager anger inte stycken; dela in text i stycken vid granskningen."]
    return lines


def render(draft: Draft, source: str) -> str:
    header = "\n".join(f"# {line}".rstrip() for line in report_lines(draft, source))
    body = yaml.dump(draft.decision, Dumper=_DraftDumper, allow_unicode=True, sort_keys=False, width=100)
    schema = "# yaml-language-server: $schema=../../scripts/bidrag/schemas/decision.schema.json"
    return f"{schema}\n{header}\n{body}"


def write_atomically(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    try:
        temp.write_text(text, "utf-8")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)
