"""A decision's amounts must add up: the one set of rules for `check`, the build's verification,
`extract` (on a draft that may still have gaps) and the decision page's "Stämmer beloppen?".

A decision is read in the shape of a decision file: amount_applied/granted/rejected, outcome,
measures (status and amounts, null where the decision states none) and payments (year, amount).
A rule whose figures are not all known is not judged.
"""

from dataclasses import dataclass

from .problems import kr as plain_kr
from .schema import GRANTED, PARTLY_GRANTED, REJECTED


@dataclass(frozen=True)
class Check:
    path: tuple  # the field of the decision file the rule is about
    ok: bool
    statement: str  # what holds, with the figures (for people reading the decision page)
    problem: str  # what is wrong, when it does not hold (for staff)


def checks(decision: dict, kr=plain_kr) -> list[Check]:
    """Every amount rule that can be judged on decision, holding or not."""
    found = [*_totals(decision, kr), *_outcome(decision, kr)]
    for index, measure in enumerate(decision.get("measures") or []):
        found += _measure(measure, ("measures", index), kr)
    return found


def problems(decision: dict, kr=plain_kr) -> list[Check]:
    return [check for check in checks(decision, kr) if not check.ok]


def _known(*values) -> bool:
    return all(value is not None for value in values)


def _totals(d, kr):
    applied, granted, rejected = d.get("amount_applied"), d.get("amount_granted"), d.get("amount_rejected")
    measures, payments = d.get("measures") or [], d.get("payments") or []
    if _known(applied, granted, rejected):
        yield Check(
            ("amount_applied",),
            applied == granted + rejected,
            f"Sökt {kr(applied)} = beviljat {kr(granted)} + avslaget {kr(rejected)}",
            f"sökt {kr(applied)} ≠ beviljat {kr(granted)} + avslaget {kr(rejected)} = {kr(granted + rejected)}",
        )
    if granted is None:
        return
    measure_sum = sum(m.get("amount_granted") or 0 for m in measures)
    yield Check(
        ("measures",),
        measure_sum == granted,
        f"Åtgärdernas beviljade belopp summerar till {kr(measure_sum)} (beslutet: {kr(granted)})",
        f"åtgärdernas beviljade belopp summerar till {kr(measure_sum)}, men beslutet beviljar {kr(granted)} "
        f"(skillnad {kr(granted - measure_sum)})",
    )
    if all(_known(p.get("amount")) for p in payments):
        paid = sum(p["amount"] for p in payments)
        yield Check(
            ("payments",),
            paid == granted,
            f"Utbetalningarna summerar till {kr(paid)} (beviljat: {kr(granted)})",
            f"utbetalningarna summerar till {kr(paid)}, men beviljat belopp är {kr(granted)} "
            f"(skillnad {kr(granted - paid)})",
        )
    for field, total, label in (("amount_rejected", rejected, "avslagna"), ("amount_applied", applied, "sökta")):
        if total is not None:
            yield from _stated(measures, field, total, label, kr)


def _stated(measures, field, total, label, kr):
    """Amounts stated per measure fit in the decision's total, and make it up when all are stated."""
    stated = [m[field] for m in measures if m.get(field) is not None]
    if not stated:
        return
    if len(stated) == len(measures):
        yield Check(
            ("measures",),
            sum(stated) == total,
            f"Åtgärdernas {label} belopp summerar till {kr(sum(stated))} (beslutet: {kr(total)})",
            f"alla åtgärder anger {label} belopp och de summerar till {kr(sum(stated))}, "
            f"men beslutets belopp är {kr(total)}",
        )
    else:
        yield Check(
            ("measures",),
            sum(stated) <= total,
            f"{label.capitalize()} belopp som anges per åtgärd, {kr(sum(stated))}, ryms i beslutets {kr(total)}",
            f"åtgärdernas angivna {label} belopp summerar till {kr(sum(stated))}, mer än beslutets {kr(total)}",
        )


def _outcome(d, kr):
    outcome, statuses = d.get("outcome"), {m.get("status") for m in d.get("measures") or []}
    granted, rejected = d.get("amount_granted"), d.get("amount_rejected")
    if not _known(outcome, granted, rejected):
        return
    holds = {
        GRANTED: not rejected and statuses == {GRANTED},
        REJECTED: not granted and statuses == {REJECTED},
        PARTLY_GRANTED: bool(granted and rejected) and statuses not in ({GRANTED}, {REJECTED}),
    }
    if outcome not in holds:
        return
    need = {
        GRANTED: "inget avslaget belopp och bara beviljade åtgärder",
        REJECTED: "inget beviljat belopp och bara avslagna åtgärder",
        PARTLY_GRANTED: "både beviljat och avslaget belopp och åtgärder av båda slagen",
    }[outcome]
    yield Check(
        ("outcome",),
        holds[outcome],
        f"Utfallet ”{outcome}” stämmer med beloppen och åtgärderna",
        f"{outcome} kräver {need} (beviljat {kr(granted)}, avslaget {kr(rejected)}, status {sorted(statuses)})",
    )


def _measure(m, path, kr):
    status, applied, granted, rejected = (
        m.get(k) for k in ("status", "amount_applied", "amount_granted", "amount_rejected")
    )
    title = m.get("title") or f"åtgärd {path[-1] + 1}"
    if status in (GRANTED, PARTLY_GRANTED) and granted is not None and granted <= 0:
        yield Check(path + ("amount_granted",), False, "", f"status {status!r} kräver ett beviljat belopp över 0 kr")
    if status == GRANTED and rejected:
        yield Check(path + ("amount_rejected",), False, "", f"status {GRANTED!r} men {kr(rejected)} avslås")
    if status == REJECTED and granted:
        yield Check(path + ("amount_granted",), False, "", f"status {REJECTED!r} men {kr(granted)} beviljas")
    if status in (PARTLY_GRANTED, REJECTED) and rejected == 0:
        yield Check(
            path + ("amount_rejected",), False, "", f"status {status!r} men 0 kr avslås; ange beloppet eller null"
        )
    if not _known(applied, granted):
        return
    if rejected is not None or status == GRANTED:
        expected = granted + (rejected or 0)
        yield Check(
            path + ("amount_applied",),
            applied == expected,
            f"{title}: sökt {kr(applied)} = beviljat {kr(granted)} + avslaget {kr(rejected or 0)}",
            f"sökt {kr(applied)} ≠ beviljat {kr(granted)} + avslaget {kr(rejected or 0)} = {kr(expected)}",
        )
    elif applied < granted:
        yield Check(path + ("amount_applied",), False, "", f"sökt {kr(applied)} är mindre än beviljat {kr(granted)}")
