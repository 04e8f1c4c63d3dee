"""Cross-checks that a schema cannot express: arithmetic, vocabularies, dates and identity.

Each rule reports through `report(path, message)`, path being the field's path in the file.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from .problems import kr
from .synthetic import SYNTHETIC_PREFIX

GRANTED, PARTLY, REJECTED = "beviljad", "delvis beviljad", "avslagen"


@dataclass
class Context:
    regions: dict  # id -> region
    themes: set
    reason_categories: set
    first_year: int
    last_year: int
    today: date


def check_decision(decision: dict, stem: str, ctx: Context, report) -> None:
    _identity(decision, stem, ctx, report)
    check_arithmetic(decision, ctx, report)
    _dates(decision, ctx, report)
    measures = decision["measures"]
    positions = [m["position"] for m in measures]
    if sorted(positions) != list(range(1, len(measures) + 1)):
        report(("measures",), f"positionerna ska vara 1–{len(measures)} utan luckor och dubbletter, inte {positions}")
    for title, count in Counter(m["title"] for m in measures).items():
        if count > 1:
            report(("measures",), f"åtgärden {title!r} förekommer {count} gånger")
    for index, measure in enumerate(measures):
        _measure(measure, ("measures", index), ctx, report)


def check_arithmetic(decision: dict, ctx: Context, report) -> None:
    """The amount rules alone; `bidrag extract` runs them on a draft that may still have gaps."""
    _totals(decision, report)
    _outcome(decision, report)
    _payments(decision, ctx, report)


def _identity(d, stem, ctx, report):
    if d["id"] != stem:
        report(("id",), f"ska vara samma som filnamnet ({stem!r}), inte {d['id']!r}")
    expected = f"{d['decided_on'].replace('-', '_')}_{d['region']}"
    if not d["id"].removeprefix(SYNTHETIC_PREFIX).startswith(expected):
        report(("id",), f"ska börja med beslutsdatum och region, {expected!r}")
    region = ctx.regions.get(d["region"])
    if region is None:
        report(("region",), f"okänd region {d['region']!r}; finns inte i data/regions.yml")
    elif d["org_nr"] is not None:
        if not luhn_valid(d["org_nr"]):
            report(("org_nr",), f"{d['org_nr']} har fel kontrollsiffra")
        if region["org_nr"] != d["org_nr"]:
            report(
                ("org_nr",),
                f"{d['org_nr']} stämmer inte med data/regions.yml för {region['name']} "
                f"({region['org_nr'] or 'saknas där: lägg in numret som beslutet anger'})",
            )
    for index, partner in enumerate(d["joint_with"]):
        if partner not in ctx.regions:
            report(("joint_with", index), f"okänd region {partner!r}")
        elif partner == d["region"]:
            report(("joint_with", index), "den sökande regionen kan inte samverka med sig själv")


def _totals(d, report):
    applied, granted, rejected = d["amount_applied"], d["amount_granted"], d["amount_rejected"]
    if applied != granted + rejected:
        report(
            ("amount_applied",),
            f"sökt {kr(applied)} ≠ beviljat {kr(granted)} + avslaget {kr(rejected)} = {kr(granted + rejected)}",
        )
    measures = d["measures"]
    measure_granted = sum(m["amount_granted"] or 0 for m in measures)
    if measure_granted != granted:
        report(
            ("measures",),
            f"åtgärdernas beviljade belopp summerar till {kr(measure_granted)}, "
            f"men beslutet beviljar {kr(granted)} (skillnad {kr(granted - measure_granted)})",
        )
    for field, total, label in (("amount_rejected", rejected, "avslagna"), ("amount_applied", applied, "sökta")):
        stated = [m[field] for m in measures if m[field] is not None]
        if sum(stated) > total:
            report(
                ("measures",),
                f"åtgärdernas angivna {label} belopp summerar till {kr(sum(stated))}, mer än beslutets {kr(total)}",
            )
        elif len(stated) == len(measures) and sum(stated) != total:
            report(
                ("measures",),
                f"alla åtgärder anger {label} belopp och de summerar till {kr(sum(stated))}, "
                f"men beslutets belopp är {kr(total)}",
            )


def _outcome(d, report):
    outcome, statuses = d["outcome"], {m["status"] for m in d["measures"]}
    granted, rejected = d["amount_granted"], d["amount_rejected"]
    if outcome == GRANTED and (rejected or statuses != {GRANTED}):
        report(("outcome",), f"beviljad, men {kr(rejected)} avslås och åtgärdernas status är {sorted(statuses)}")
    elif outcome == REJECTED and (granted or statuses != {REJECTED}):
        report(("outcome",), f"avslagen, men {kr(granted)} beviljas och åtgärdernas status är {sorted(statuses)}")
    elif outcome == PARTLY and not (granted and rejected and statuses != {GRANTED} and statuses != {REJECTED}):
        report(
            ("outcome",),
            f"delvis beviljad kräver både beviljat och avslaget belopp och åtgärder av båda slagen "
            f"(beviljat {kr(granted)}, avslaget {kr(rejected)}, status {sorted(statuses)})",
        )


def _payments(d, ctx, report):
    payments = d["payments"]
    total = sum(p["amount"] for p in payments)
    if total != d["amount_granted"]:
        report(
            ("payments",),
            f"utbetalningarna summerar till {kr(total)}, men beviljat belopp är "
            f"{kr(d['amount_granted'])} (skillnad {kr(d['amount_granted'] - total)})",
        )
    decided_year = int(d["decided_on"][:4]) if d["decided_on"] else ctx.first_year
    for index, payment in enumerate(payments):
        if not decided_year <= payment["year"] <= ctx.last_year:
            report(
                ("payments", index, "year"),
                f"år {payment['year']} ligger utanför {decided_year}–{ctx.last_year} "
                "(beslutsåret till programmets sista år)",
            )
    for year, count in Counter(p["year"] for p in payments).items():
        if count > 1:
            report(("payments",), f"år {year} förekommer {count} gånger")
    if payments and d["source_quotes"]["payments"] is None:
        report(("source_quotes", "payments"), "utbetalningar anges men citatet ur beslutet saknas")


def _dates(d, ctx, report):  # noqa: C901 -- split with the arithmetic module
    decided, applied = date.fromisoformat(d["decided_on"]), date.fromisoformat(d["applied_on"])
    if applied > decided:
        report(("applied_on",), f"ansökan {applied} ligger efter beslutet {decided}")
    if not ctx.first_year <= decided.year <= ctx.last_year:
        report(("decided_on",), f"{decided} ligger utanför programperioden {ctx.first_year}–{ctx.last_year}")
    if decided > ctx.today:
        report(("decided_on",), f"{decided} ligger i framtiden")
    due = {}
    for index, deadline in enumerate(d["deadlines"]):
        day = date.fromisoformat(deadline["due_on"])
        due.setdefault(deadline["kind"], []).append(day)
        if day <= decided:
            report(("deadlines", index, "due_on"), f"{day} ligger inte efter beslutsdagen {decided}")
    for kind in ("genomförande", "slutredovisning"):
        if len(due.get(kind, [])) > 1:
            report(("deadlines",), f"{kind} förekommer {len(due[kind])} gånger")
    final = min(due.get("slutredovisning", []), default=None)
    if d["amount_granted"] and final is None:
        report(("deadlines",), "ett beslut som beviljar bidrag ska ange när slutredovisningen ska lämnas")
    if final:
        for kind in ("delredovisning", "genomförande"):
            for day in due.get(kind, []):
                if day > final:
                    report(("deadlines",), f"{kind} {day} ligger efter slutredovisningen {final}")


def _measure(m, path, ctx, report):  # noqa: C901 -- split with the arithmetic module
    status, applied, granted, rejected = m["status"], m["amount_applied"], m["amount_granted"], m["amount_rejected"]
    if status in (GRANTED, PARTLY) and not granted:
        report(path + ("amount_granted",), f"status {status!r} kräver ett beviljat belopp över 0 kr")
    if status == GRANTED and rejected:
        report(path + ("amount_rejected",), f"status 'beviljad' men {kr(rejected)} avslås")
    if status == REJECTED and granted:
        report(path + ("amount_granted",), f"status 'avslagen' men {kr(granted)} beviljas")
    if status in (PARTLY, REJECTED) and rejected == 0:
        report(path + ("amount_rejected",), f"status {status!r} men 0 kr avslås; ange beloppet eller null")
    if applied is not None and granted is not None:
        expected = granted + (rejected or 0)
        if (rejected is not None or status == GRANTED) and applied != expected:
            report(
                path + ("amount_applied",),
                f"sökt {kr(applied)} ≠ beviljat {kr(granted)} + avslaget {kr(rejected or 0)} = {kr(expected)}",
            )
        elif applied < granted:
            report(path + ("amount_applied",), f"sökt {kr(applied)} är mindre än beviljat {kr(granted)}")
    if status == GRANTED and m["reason_category"] is not None:
        report(path + ("reason_category",), "en beviljad åtgärd har inget avslagsskäl; sätt null")
    if status != GRANTED:
        if m["reason_category"] is None:
            report(path + ("reason_category",), f"status {status!r} kräver en kategori för avslagsskälet")
        if m["reason"] is None:
            report(path + ("reason",), f"status {status!r} kräver skälen ur beslutet")
    if m["reason_category"] is not None and m["reason_category"] not in ctx.reason_categories:
        report(
            path + ("reason_category",),
            f"okänd kategori {m['reason_category']!r}; finns inte i data/reason_categories.yml",
        )
    for index, theme in enumerate(m["themes"]):
        if theme not in ctx.themes:
            report(path + ("themes", index), f"okänt tema {theme!r}; finns inte i data/themes.yml")


def luhn_valid(org_nr: str) -> bool:
    digits = [int(c) for c in org_nr if c.isdigit()]
    total = 0
    for index, digit in enumerate(digits):
        doubled = digit * 2 if index % 2 == 0 else digit
        total += doubled // 10 + doubled % 10
    return len(digits) == 10 and total % 10 == 0


def unique(items, key, path, report, label):
    for value, count in Counter(item[key] for item in items).items():
        if count > 1:
            report(path, f"{label} {value!r} förekommer {count} gånger")
