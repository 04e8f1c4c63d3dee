"""Synthetic decisions for tests and benchmarks: valid, deterministic, and never published.

Every synthetic decision id starts with SYNTHETIC_PREFIX; `bidrag build` refuses them unless
told --allow-synthetic, so they cannot reach the published database by mistake.
"""

import random
import shutil
from datetime import date, timedelta
from pathlib import Path

import yaml

from .schema import COMPLETION, FINAL_REPORT, GRANTED, INTERIM_REPORT, PARTLY_GRANTED, REJECTED

SYNTHETIC_PREFIX = "synthetic_"
_Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
MEASURES_PER_DECISION = 10
_SUBJECTS = [
    "AI-stödd taligenkänning",
    "fallprevention med sensorer",
    "egenmonitorering i hemmet",
    "läkemedelsrobot",
    "robotstyrd processautomation",
    "mobilt vårdstöd",
    "digital triagering",
    "AI-assistenter för journalföring",
    "schemaläggning",
]
_SETTINGS = [
    "i primärvården",
    "på akutmottagningen",
    "inom psykiatrin",
    "på vårdavdelningar",
    "i hemsjukvården",
    "vid länets sjukhus",
]


def write_synthetic_tree(source_data: Path, target_data: Path, scale: int, seed: int = 2025) -> int:
    """Copy source_data (the real data) and add 21 × scale synthetic decisions; return their count."""
    target_data = Path(target_data)
    shutil.copytree(source_data, target_data, dirs_exist_ok=True)
    regions = yaml.safe_load((target_data / "regions.yml").read_text("utf-8"))["regions"]
    themes = [t["id"] for t in yaml.safe_load((target_data / "themes.yml").read_text("utf-8"))["themes"]]
    reasons = [
        r["id"] for r in yaml.safe_load((target_data / "reason_categories.yml").read_text("utf-8"))["reason_categories"]
    ]
    rng = random.Random(seed)
    count = 0
    for round_number in range(scale):
        for region in regions:
            decided = date(2025, 9, 1) + timedelta(days=(count * 7 + round_number) % 300)
            decision = _decision(rng, region, decided, round_number, themes, reasons)
            path = target_data / "decisions" / f"{decision['id']}.yml"
            path.write_text(yaml.dump(decision, Dumper=_Dumper, allow_unicode=True, sort_keys=False), "utf-8")
            count += 1
    return count


def _decision(rng, region, decided, round_number, themes, reasons) -> dict:
    measures = [_measure(rng, position, themes, reasons) for position in range(1, MEASURES_PER_DECISION + 1)]
    granted = sum(m["amount_granted"] for m in measures)
    rejected = sum(m["amount_rejected"] or 0 for m in measures)
    third = granted // 3
    years = [decided.year, decided.year + 1, decided.year + 2]
    payments = [{"year": y, "amount": a} for y, a in zip(years, (third, third, granted - 2 * third), strict=True) if a]
    iso = decided.isoformat()
    return {
        "id": f"{SYNTHETIC_PREFIX}{iso.replace('-', '_')}_{region['id']}_{round_number}",
        "region": region["id"],
        "org_nr": None,
        "title": "Syntetiskt beslut för test",
        "decided_on": iso,
        "applied_on": (decided - timedelta(days=120)).isoformat(),
        "outcome": PARTLY_GRANTED,
        "amount_applied": granted + rejected,
        "amount_granted": granted,
        "amount_rejected": rejected,
        "joint_with": [],
        "source_quotes": {
            "decided_on": "Syntetiskt.",
            "applied": "Syntetiskt.",
            "outcome": "Syntetiskt.",
            "payments": "Syntetiskt.",
        },
        "payments": payments,
        "deadlines": [
            {"kind": kind, "due_on": (decided + timedelta(days=days)).isoformat(), "source_quote": "Syntetiskt."}
            for kind, days in ((INTERIM_REPORT, 365), (COMPLETION, 750), (FINAL_REPORT, 800))
        ],
        "measures": measures,
        "general_conditions": "Syntetiska villkor för test.",
        "reasoning": "Syntetiska skäl för test.",
        "decision_makers": [{"name": "Syntetisk Person", "role": "Ordförande"}],
        "appeal": {"appealable": False, "text": "Syntetiskt."},
        "contacts": {"delegation": "effektivitetsdelegationen@kammarkollegiet.se", "region": None},
        "source_document": {
            "title": "Syntetiskt dokument",
            "file_name": "synthetic.txt",
            "sha256": "0" * 64,
            "url": None,
        },
        "reviewed_by": "Syntetisk granskning",
        "reviewed_on": iso,
    }


def _measure(rng, position, themes, reasons) -> dict:
    applied = rng.randrange(1_000, 20_000) * 1_000
    kind = position % 4  # two granted, one partly granted, one rejected in every four
    granted = {0: applied, 1: applied, 2: applied // 2, 3: 0}[kind]
    status = {0: GRANTED, 1: GRANTED, 2: PARTLY_GRANTED, 3: REJECTED}[kind]
    subject, setting = rng.choice(_SUBJECTS), rng.choice(_SETTINGS)
    return {
        "position": position,
        "title": f"Syntetisk åtgärd {position}: {subject} {setting}",
        "status": status,
        "amount_applied": applied,
        "amount_granted": granted,
        "amount_rejected": applied - granted if status != GRANTED else None,
        "conditions": None,
        "reason": None if status == GRANTED else f"Syntetiskt skäl: {subject} prioriteras inte {setting}.",
        "source_quote": "Syntetiskt.",
        "reason_category": None if status == GRANTED else rng.choice(reasons),
        "themes": sorted(rng.sample(themes, 2)),
    }
