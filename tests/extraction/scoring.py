"""Score a draft against a corpus document's expected fields: one point per expected field."""

SCORES: dict = {}  # (document, form) -> (fields right, fields expected)
TOP_LEVEL = (
    "id",
    "region",
    "org_nr",
    "decided_on",
    "applied_on",
    "outcome",
    "amount_applied",
    "amount_granted",
    "amount_rejected",
    "joint_with",
)


def _same(a, b) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return " ".join(a.split()) == " ".join(b.split())
    return a == b


def compare(expected: dict, draft: dict) -> list[tuple[str, bool]]:
    """(field, right?) for every field the expectation names, and for anything extra the draft invents."""
    results = [(key, _same(expected[key], draft.get(key))) for key in TOP_LEVEL]
    payments = draft.get("payments") or []
    for index, payment in enumerate(expected["payments"]):
        results.append((f"payments[{index}]", index < len(payments) and payments[index] == payment))
    if len(payments) > len(expected["payments"]):
        results.append(("payments (extra)", False))
    deadlines = {d["kind"]: d["due_on"] for d in draft.get("deadlines") or []}
    for kind, due in expected["deadlines"].items():
        results.append((f"deadlines.{kind}", deadlines.get(kind) == due))
    for kind in set(deadlines) - set(expected["deadlines"]):
        results.append((f"deadlines.{kind} (extra)", False))
    measures = draft.get("measures") or []
    results.append(("measures (count)", len(measures) == len(expected["measures"])))
    for index, wanted in enumerate(expected["measures"]):
        found = measures[index] if index < len(measures) else {}
        results += [(f"measures[{index}].{key}", _same(value, found.get(key))) for key, value in wanted.items()]
    results.append(
        ("decision_makers", [m["name"] for m in draft.get("decision_makers") or []] == expected["decision_makers"])
    )
    results.append(("appeal.appealable", (draft.get("appeal") or {}).get("appealable") == expected["appealable"]))
    return results
