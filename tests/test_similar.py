"""Similar measures (bidrag.similar): pairs of synthetic measures that must and must not be offered.

The measures below are invented for this test (ids start with synthetic_), each in its own region, so
only their titles, reasons and themes decide. Theme ids are the real vocabulary's (data/themes.yml).
"""

import dataclasses

import pytest

from bidrag.dataset import load_dataset
from bidrag.schema import GRANTED, REJECTED
from bidrag.similar import similar_measures

from .conftest import ROOT

# key: (title, reason, themes)
SYNTHETIC_MEASURES = {
    "heart_failure": ("Distansmonitorering av hjärtsviktspatienter", "Patienterna mäter vikt och blodtryck hemma.", []),
    "self_monitoring": (
        "Införande av egenmonitorering",
        "Egenmonitorering för patienter med KOL.",
        ["self_monitoring"],
    ),
    "drug_reviews": ("Strukturerade läkemedelsgenomgångar", "Genomgångar av läkemedelslistor för äldre.", []),
    "speech_ai": ("AI-baserad taligenkänning vid journalföring", None, ["ai", "speech_recognition"]),
    "dictation": ("Taligenkänning för diktering i primärvården", "Diktering blir text direkt.", []),
    "fall_sensors": ("Fallprevention med sensorer på äldreboenden", None, ["fall_prevention", "sensor_technology"]),
    "fall_movement": ("Rörelseövervakning som förebygger fallolyckor", "Sensorer larmar vid fall.", []),
    "triage": ("Digital triagering på akutmottagningen", None, []),
    "triage_1177": ("Digitalt triageringsstöd för egenvårdsråd", "Triageringen sker före besöket.", []),
    "scheduling": ("Schemaläggning med AI-stöd", None, ["ai"]),
    "staffing": ("Automatisk bemanningsplanering och schemaläggning", None, ["automation"]),
    "mobile_care": ("Mobilt vårdstöd i hemsjukvården", None, ["mobile_care"]),
    "mobile_work": ("Mobila arbetssätt för hemsjukvårdens sjuksköterskor", None, []),
}
MUST_MATCH = [
    ("heart_failure", "self_monitoring"),
    ("speech_ai", "dictation"),
    ("fall_sensors", "fall_movement"),
    ("triage", "triage_1177"),
    ("scheduling", "staffing"),
    ("mobile_care", "mobile_work"),
]
MUST_NOT_MATCH = [
    ("heart_failure", "drug_reviews"),
    ("self_monitoring", "drug_reviews"),
    ("fall_sensors", "triage"),
    ("speech_ai", "triage"),
    ("scheduling", "drug_reviews"),
    ("mobile_care", "speech_ai"),
    ("dictation", "fall_movement"),
]


def synthetic_dataset(measures: dict, statuses: dict | None = None):
    """The real vocabularies with one synthetic decision per measure, each in a region of its own."""
    real = load_dataset(ROOT / "data")
    regions = [r["id"] for r in real.regions]
    decisions = []
    for number, (key, (title, reason, themes)) in enumerate(measures.items()):
        status = (statuses or {}).get(key, GRANTED)
        measure = {"position": 1, "title": title, "reason": reason, "themes": themes, "status": status}
        decisions.append({"id": f"synthetic_{key}", "region": regions[number % len(regions)], "measures": [measure]})
    return dataclasses.replace(real, decisions=decisions)


@pytest.fixture(scope="module")
def offered():
    rows = list(similar_measures(synthetic_dataset(SYNTHETIC_MEASURES)))
    found = {}
    for row in rows:
        found.setdefault(row["measure_id"].removeprefix("synthetic_").removesuffix("_01"), []).append(
            row["similar_id"].removeprefix("synthetic_").removesuffix("_01")
        )
    return found


@pytest.mark.parametrize(("one", "other"), MUST_MATCH, ids=[f"{a}~{b}" for a, b in MUST_MATCH])
def test_alike_measures_are_offered_both_ways(offered, one, other):
    assert other in offered.get(one, []), offered.get(one)
    assert one in offered.get(other, []), offered.get(other)


@pytest.mark.parametrize(("one", "other"), MUST_NOT_MATCH, ids=[f"{a}!~{b}" for a, b in MUST_NOT_MATCH])
def test_unlike_measures_are_not_offered(offered, one, other):
    assert other not in offered.get(one, []), offered.get(one)
    assert one not in offered.get(other, []), offered.get(other)


def test_granted_measures_come_before_rejected_ones():
    measures = {
        **SYNTHETIC_MEASURES,
        # The closest wording of all, but rejected: it must come after the granted match.
        "rejected_twin": ("Distansmonitorering av hjärtsviktspatienter i hemmet", None, []),
    }
    rows = list(similar_measures(synthetic_dataset(measures, {"rejected_twin": REJECTED})))
    mine = [r for r in rows if r["measure_id"] == "synthetic_heart_failure_01"]
    assert [r["similar_id"] for r in mine] == ["synthetic_self_monitoring_01", "synthetic_rejected_twin_01"]
    assert mine[1]["score"] > mine[0]["score"] and [r["rank"] for r in mine] == [1, 2]
