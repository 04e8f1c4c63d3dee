"""Cross-checks that a JSON Schema cannot express: arithmetic (bidrag.arithmetic), vocabularies, dates and
identity.

Each rule reports through `report(path, message)`, path being the field's path in the file.
"""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from datetime import date

from . import arithmetic
from .schema import COMPLETION, FINAL_REPORT, GRANTED, INTERIM_REPORT, MONEY_GRANTED
from .synthetic import SYNTHETIC_PREFIX


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
    _plausible_dates(decision, ctx, report)
    _review(decision, report)
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
    """The amount rules and the payment years; `bidrag extract` runs them on a draft that may still have gaps."""
    for check in arithmetic.problems(decision):
        report(check.path, check.problem)
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


def _payments(d, ctx, report):
    payments = d["payments"]
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


def _dates(d, ctx, report):
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
    _deadline_order(due, bool(d["amount_granted"]), report)


def plausible_years(ctx: Context) -> tuple[int, int]:
    """Applications may precede the programme's first year and final reports follow its last."""
    return ctx.first_year - 1, ctx.last_year + 1


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _dates_in(data, path=()):
    """(path, text) for every date field (named *_on, an ISO date: source_quotes.decided_on is a quote)."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        if isinstance(key, str) and key.endswith("_on") and isinstance(value, str) and _ISO_DATE.fullmatch(value):
            yield path + (key,), value
        else:
            yield from _dates_in(value, path + (key,))


def _plausible_dates(d, ctx, report):
    first, last = plausible_years(ctx)
    for path, text in _dates_in(d):
        if path != ("decided_on",) and not first <= int(text[:4]) <= last:  # decided_on: the stricter period rule
            report(path, f"{text} ligger utanför {first}–{last} (programperioden {ctx.first_year}–{ctx.last_year})")


def _review(d, report):
    if d["reviewed_on"] < d["decided_on"]:
        report(("reviewed_on",), f"granskningen {d['reviewed_on']} ligger före beslutet {d['decided_on']}")


# Characters that are invisible or reorder text on screen, so that what a reader sees is not what is
# stored: control characters (tab and line break excepted), zero-width characters and bidirectional
# overrides and isolates. One character class, so the search is linear in the text's length.
HIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def hidden_characters(text: str) -> str | None:
    """Describe the first invisible or direction-changing character in text, if any."""
    found = HIDDEN.search(text)
    if found is None:
        return None
    character = found.group()
    name = unicodedata.name(character, "styrtecken")
    count = len(HIDDEN.findall(text))
    more = f" (och {count - 1} till)" if count > 1 else ""
    return (
        f"innehåller det osynliga eller textriktningsändrande tecknet U+{ord(character):04X} {name} vid tecken "
        f"{found.start() + 1}{more}; ta bort det"
    )


def _deadline_order(due: dict, grants_money: bool, report):
    for kind in (COMPLETION, FINAL_REPORT):
        if len(due.get(kind, [])) > 1:
            report(("deadlines",), f"{kind} förekommer {len(due[kind])} gånger")
    final = min(due.get(FINAL_REPORT, []), default=None)
    if grants_money and final is None:
        report(("deadlines",), "ett beslut som beviljar bidrag ska ange när slutredovisningen ska lämnas")
    for kind in (INTERIM_REPORT, COMPLETION):
        for day in due.get(kind, []) if final else []:
            if day > final:
                report(("deadlines",), f"{kind} {day} ligger efter slutredovisningen {final}")


def _measure(m, path, ctx, report):
    """What a measure must state besides its arithmetic (bidrag.arithmetic judges the amounts)."""
    status = m["status"]
    if status in MONEY_GRANTED and m["amount_granted"] is None:
        report(path + ("amount_granted",), f"status {status!r} kräver ett beviljat belopp över 0 kr")
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
