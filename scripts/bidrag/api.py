"""The v1 API's resources: which table each serves, its filters and its order, and how a row
becomes JSON. One definition for the plugin that answers requests (plugins/api.py) and for the
OpenAPI document (bidrag.openapi), so the document cannot promise what the API does not do.

Every filter is a fixed SQL condition with named parameters; a request only supplies values,
which are checked against the database's own vocabularies before they reach a query.
"""

import json
import re
from dataclasses import dataclass
from datetime import date

from .schema import (
    AMOUNT_RANGES,
    BOOLEAN,
    CHANGE_KINDS,
    DEADLINE_KINDS,
    ENUMERATION,
    JSON_ARRAY,
    STATUSES,
    TABLES,
    YEAR,
    Column,
    Enumeration,
)

VERSION = "1.0.0"
PREFIX = "/api/v1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000  # Datasette's max_returned_rows
MAX_NUMBER = 999_999_999  # the largest offset, year or release number a request may name (nine digits)

# Kinds of filter: what a value must be and where its allowed values come from.
ENUM, VOCABULARY, DATE_VALUE, BAND, NUMBER = "enum", "vocabulary", "date", "band", "integer"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NUMBER = re.compile(r"\d{1,9}")


@dataclass(frozen=True)
class Filter:
    name: str
    kind: str
    description: str  # Swedish, for the OpenAPI document
    sql: str  # a condition on the resource's table `t`, with :value for the filter's value
    values: Enumeration | str | None = None  # the enumeration, or the table whose ids are the allowed values


@dataclass(frozen=True)
class Resource:
    name: str  # the URL segment, also the table's name
    title_en: str
    order: str  # SQL order of the list
    filters: tuple = ()
    # Extra fields computed from other tables: name -> (SQL expression on `t` giving a JSON array, item kind)
    extras: tuple = ()

    @property
    def table(self):
        return TABLES[self.name]

    def filter(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)


def _region(of_decision: str) -> Filter:
    return Filter(
        "region",
        VOCABULARY,
        "Regionens id (se /api/v1/regions): beslut där regionen sökte eller var samverkande region.",
        f"(t.region_id = :value or exists (select 1 from decision_partners p where p.decision_id = {of_decision} "
        "and p.region_id = :value))",
        "regions",
    )


def _plain_region(description: str) -> Filter:
    return Filter("region", VOCABULARY, description, "t.region_id = :value", "regions")


def _decision() -> Filter:
    return Filter("decision", VOCABULARY, "Beslutets id (se /api/v1/decisions).", "t.decision_id = :value", "decisions")


def _status(column: str) -> Filter:
    return Filter("status", ENUM, "Status (utfall).", f"t.{column} = :value", STATUSES)


def _dates(column: str, what: str) -> tuple:
    return (
        Filter(f"{column}", DATE_VALUE, f"{what} (ÅÅÅÅ-MM-DD): ett beslutstillfälle.", f"t.{column} = :value"),
        Filter(f"{column}_from", DATE_VALUE, f"{what} från och med (ÅÅÅÅ-MM-DD).", f"t.{column} >= :value"),
        Filter(f"{column}_to", DATE_VALUE, f"{what} till och med (ÅÅÅÅ-MM-DD).", f"t.{column} <= :value"),
    )


def _amount_band() -> Filter:
    bands = "; ".join(f"{b.key}: {b.title}" for b in AMOUNT_RANGES)
    return Filter(
        "amount_band",
        BAND,
        f"Beviljat belopp inom ett intervall: {bands}.",
        "coalesce(t.amount_granted, 0) >= :low and (:high is null or coalesce(t.amount_granted, 0) < :high)",
    )


RESOURCES = {
    r.name: r
    for r in (
        Resource(
            "decisions",
            "Decisions",
            "t.decided_on desc, t.id",
            (_status("outcome"), _region("t.id"), *_dates("decided_on", "Beslutsdatum"), _amount_band()),
            extras=(
                ("partners", "select json_group_array(region_id) from decision_partners where decision_id = t.id"),
            ),
        ),
        Resource(
            "measures",
            "Measures",
            "t.decided_on desc, t.id",
            (
                _status("status"),
                _region("t.decision_id"),
                Filter(
                    "theme",
                    VOCABULARY,
                    "Temats id (se /api/v1/themes).",
                    "exists (select 1 from measure_themes mt where mt.measure_id = t.id and mt.theme_id = :value)",
                    "themes",
                ),
                Filter(
                    "reason_category",
                    VOCABULARY,
                    "Avslagsskälets kategori (se /api/v1/reason_categories).",
                    "t.reason_category = :value",
                    "reason_categories",
                ),
                _decision(),
                *_dates("decided_on", "Beslutsdatum"),
                _amount_band(),
            ),
            extras=(("theme_ids", "select json_group_array(theme_id) from measure_themes where measure_id = t.id"),),
        ),
        Resource("regions", "Regions", "t.county_code"),
        Resource(
            "payments",
            "Payments",
            "t.year, t.decision_id",
            (
                _decision(),
                _plain_region("Regionens id (se /api/v1/regions)."),
                Filter("year", NUMBER, "År för utbetalningen.", "t.year = :value"),
            ),
        ),
        Resource(
            "deadlines",
            "Deadlines",
            "t.due_on, t.decision_id, t.kind",
            (
                _decision(),
                _plain_region("Regionens id (se /api/v1/regions)."),
                Filter("kind", ENUM, "Slag av tidsfrist.", "t.kind = :value", DEADLINE_KINDS),
                *_dates("due_on", "Sista dag")[1:],
            ),
        ),
        Resource("themes", "Themes", "t.name"),
        Resource("reason_categories", "Reason categories", "t.name"),
        Resource(
            "changes",
            "Changes",
            "t.id desc",
            (
                Filter("decision", VOCABULARY, "Beslutets id.", "t.decision_id = :value", None),
                _plain_region("Regionens id (se /api/v1/regions)."),
                Filter("kind", ENUM, "Slag av ändring.", "t.kind = :value", CHANGE_KINDS),
                Filter("release", NUMBER, "Publiceringens nummer (se /api/v1/releases).", "t.release_id = :value"),
            ),
        ),
        Resource("releases", "Releases", "t.id desc"),
    )
}


def examples(samples: dict) -> list[tuple[str, str]]:
    """(description, path) of the examples the page Om data och API shows; the tests request each.
    samples: resource -> the path parameters of its first item, so the single-item examples exist."""
    decision = samples.get("decisions", {}).get("id", "")
    return [
        ("Två åtgärder inom temat AI (teman som lista)", f"{PREFIX}/measures?theme=ai&limit=2"),
        ("Beslut där en region sökte eller var samverkande region", f"{PREFIX}/decisions?region=orebro"),
        (
            "Delvis beviljade åtgärder med 10–50 miljoner kronor beviljat",
            f"{PREFIX}/measures?status=partly_granted&amount_band=from_10m_to_50m",
        ),
        (
            "Avslagna åtgärder av ett visst skäl",
            f"{PREFIX}/measures?status=rejected&reason_category=specific_system",
        ),
        (
            "Åtgärder som beslutades under 2025",
            f"{PREFIX}/measures?decided_on_from=2025-01-01&decided_on_to=2025-12-31",
        ),
        ("Ett beslut med utbetalningsplan och samverkande regioner", f"{PREFIX}/decisions/{decision}"),
        ("Utbetalningar år 2026", f"{PREFIX}/payments?year=2026"),
        ("Slutredovisningar, tidigast först", f"{PREFIX}/deadlines?kind=final_report"),
        ("Ändringar mellan publiceringarna", f"{PREFIX}/changes?limit=10"),
        ("Om API:et (version, dokumentation)", f"{PREFIX}/api-info"),
        ("OpenAPI-dokumentet", f"{PREFIX}/openapi.json"),
    ]


# The error the page shows as an example: an unknown theme.
PROBLEM_EXAMPLE = (f"{PREFIX}/measures?theme=finns_inte", "measures", {"theme": "finns_inte"})


class BadRequest(Exception):
    """A value a client sent that the API cannot use; the message is Swedish, for the client."""


def parse_limit_offset(query: dict) -> tuple[int, int]:
    limit = _integer(query, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _integer(query, "offset", 0, 0, MAX_NUMBER)
    return limit, offset


def _integer(query: dict, name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not _NUMBER.fullmatch(text) or not low <= int(text) <= high:
        raise BadRequest(f"{name} ska vara ett heltal från {low} till {high}, inte {text!r}.")
    return int(text)


def conditions(resource: Resource, query: dict, vocabularies: dict) -> tuple[list[str], dict]:
    """SQL conditions and parameters for the filters in query; BadRequest for an unknown parameter or value.

    vocabularies: table name -> the set of ids it holds (the allowed values of VOCABULARY filters).
    """
    where, params = [], {}
    for name, text in query.items():
        if name in ("limit", "offset"):
            continue
        spec = resource.filter(name)
        if spec is None:
            allowed = ", ".join(["limit", "offset", *(f.name for f in resource.filters)])
            raise BadRequest(f"Okänd parameter {name!r}. Tillåtna parametrar: {allowed}.")
        values = _values(spec, text, vocabularies)
        prefix = f"f{len(where)}_"
        where.append(re.sub(r":(\w+)", rf":{prefix}\1", spec.sql))
        params.update({prefix + key: value for key, value in values.items()})
    return where, params


def _values(spec: Filter, text: str, vocabularies: dict) -> dict:
    if spec.kind == ENUM:
        keys = [key for key, _, _ in spec.values.members]
        if text not in keys:
            raise BadRequest(_unknown(spec.name, text, keys))
        return {"value": spec.values.value(text)}
    if spec.kind == VOCABULARY:
        known = vocabularies.get(spec.values) if spec.values else None
        if known is not None and text not in known:
            raise BadRequest(_unknown(spec.name, text, sorted(known) if len(known) <= 30 else None))
        return {"value": text}
    if spec.kind == DATE_VALUE:
        if not _DATE.fullmatch(text) or not _is_date(text):
            raise BadRequest(f"{spec.name} ska vara ett datum ÅÅÅÅ-MM-DD, inte {text!r}.")
        return {"value": text}
    if spec.kind == BAND:
        band = next((b for b in AMOUNT_RANGES if b.key == text), None)
        if band is None:
            raise BadRequest(_unknown(spec.name, text, [b.key for b in AMOUNT_RANGES]))
        return {"low": band.low, "high": band.high}
    if not _NUMBER.fullmatch(text):
        raise BadRequest(f"{spec.name} ska vara ett heltal, inte {text!r}.")
    return {"value": int(text)}


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _unknown(name: str, text: str, allowed) -> str:
    listed = f" Giltiga värden: {', '.join(allowed)}." if allowed else ""
    return f"Okänt värde {text!r} för {name}.{listed}"


def item_key(resource: Resource, parts: list[str]) -> dict:
    """The primary key from the path's segments, or BadRequest/LookupError (not found) if they cannot name a row."""
    table = resource.table
    if len(parts) != len(table.pk):
        raise LookupError
    key = {}
    for name, text in zip(table.pk, parts, strict=True):
        column = table.column(name)
        if column.kind is ENUMERATION:
            if text not in [k for k, _, _ in column.values.members]:
                raise LookupError
            key[name] = column.values.value(text)
        elif column.kind.sql == "INTEGER":
            if not _NUMBER.fullmatch(text):
                raise LookupError
            key[name] = int(text)
        else:
            key[name] = text
    return key


def path_values(resource: Resource, row) -> dict:
    """The path parameters that name a row (enumerations by their ASCII key), as an item's address has them."""
    values = {}
    for name in resource.table.pk:
        column = resource.table.column(name)
        values[name] = column.values.key(row[name]) if column.kind is ENUMERATION else row[name]
    return values


def select(resource: Resource) -> str:
    """The columns of a row as the API returns them: the table's own, then the extras."""
    extras = "".join(f", ({sql}) as [{name}]" for name, sql in resource.extras)
    return ", ".join(f"t.[{c}]" for c in resource.table.column_names) + extras


def to_json(resource: Resource, row) -> dict:
    """A database row as the API's JSON: arrays as arrays, booleans as booleans, kronor as integers."""
    item = {}
    for column in resource.table.columns:
        item[column.name] = _value(column, row[column.name])
    for name, _ in resource.extras:
        item[name] = json.loads(row[name])
    return item


def _value(column: Column, value):
    if value is None:
        return None
    if column.kind is JSON_ARRAY:
        return json.loads(value)
    if column.kind is BOOLEAN:
        return bool(value)
    if column.kind is YEAR:
        return int(value)
    return value
