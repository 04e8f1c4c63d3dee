"""The OpenAPI 3.1 document of the v1 API, generated from the tables (bidrag.schema) and the
resources (bidrag.api), with the allowed values of each filter taken from the database."""

from .api import BAND, DATE_VALUE, ENUM, MAX_LIMIT, MAX_NUMBER, NUMBER, PREFIX, RESOURCES, VERSION, VOCABULARY, Resource
from .schema import (
    AMOUNT_RANGES,
    BOOLEAN,
    DATE,
    DATETIME,
    ENUMERATION,
    JSON_ARRAY,
    PERCENT,
    TEXT,
    Column,
    Kind,
)

PROBLEM = "application/problem+json"
TITLE = "Bidrag för en effektiv hälso- och sjukvård – öppet API"
DESCRIPTION_SV = (
    "Effektivitetsdelegationens beslut om statsbidrag enligt förordningen (2024:1102) som öppna data: beslut, "
    "åtgärder, utbetalningar, tidsfrister, teman, avslagsskäl, regioner, publiceringar och ändringar. Bara "
    "GET. Belopp i hela kronor, datum ÅÅÅÅ-MM-DD, tidpunkter i UTC. Listor sidas med limit och offset och anger "
    "total. Fel beskrivs som application/problem+json (RFC 9457) på svenska. Data är fria att använda (CC0 1.0)."
)
DESCRIPTION_EN = (
    "The Swedish Efficiency Delegation's grant decisions under ordinance SFS 2024:1102 as open data: decisions, "
    "measures, payments, deadlines, themes, reasons for rejection, regions, releases and changes. GET only. "
    "Amounts in whole Swedish kronor, dates YYYY-MM-DD, timestamps in UTC. Lists are paged with limit and "
    "offset and state the total. Errors are application/problem+json (RFC 9457) in Swedish. Free to use (CC0 1.0)."
)
_INTEGER_KINDS = ("INTEGER",)


def kind_schema(kind: Kind) -> dict:
    if kind is BOOLEAN:
        return {"type": "boolean"}
    if kind is DATE:
        return {"type": "string", "format": "date"}
    if kind is DATETIME:
        return {"type": "string", "format": "date-time"}
    if kind is PERCENT:
        return {"type": "number"}
    if kind.sql in _INTEGER_KINDS:
        return {"type": "integer"}
    return {"type": "string"}


def column_schema(column: Column) -> dict:
    if column.kind is JSON_ARRAY:
        items = (
            {
                "type": "object",
                "properties": {name: kind_schema(kind) for name, kind in column.items},
                "required": [name for name, _ in column.items],
            }
            if column.items
            else kind_schema(TEXT)
        )
        schema = {"type": "array", "items": items}
    else:
        schema = kind_schema(column.kind)
    if column.kind is ENUMERATION:
        schema["enum"] = list(column.values.values)
    if not column.required:
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"].append(None)
    return {**schema, "description": f"{column.description} ({column.kind.description})"}


def item_schema(resource: Resource) -> dict:
    table = resource.table
    properties = {c.name: column_schema(c) for c in table.columns}
    for name, _ in resource.extras:
        properties[name] = {"type": "array", "items": {"type": "string"}, "description": _EXTRAS[name]}
    return {
        "type": "object",
        "title": table.title,
        "description": table.description,
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }


_EXTRAS = {
    "partners": "Samverkande regioners id (se decision_partners).",
    "theme_ids": "Temanas id (se /api/v1/themes).",
}


def _list_schema(name: str) -> dict:
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
            "total": {"type": "integer", "minimum": 0, "description": "Antal träffar totalt."},
            "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            "offset": {"type": "integer", "minimum": 0},
            "next": {"type": ["string", "null"], "description": "Adress till nästa sida, null på sista sidan."},
        },
        "required": ["items", "total", "limit", "offset", "next"],
        "additionalProperties": False,
    }


def _filter_parameter(spec, vocabularies: dict) -> dict:
    schema = {"type": "string"}
    if spec.kind == ENUM:
        keys = [key for key, _, _ in spec.values.members]
        schema["enum"] = keys
        meaning = ", ".join(f"{key} = {value}" for key, value, _ in spec.values.members)
        description = f"{spec.description} {meaning}."
    elif spec.kind == VOCABULARY:
        if spec.values and vocabularies.get(spec.values) is not None:
            schema["enum"] = sorted(vocabularies[spec.values])
        description = spec.description
    elif spec.kind == DATE_VALUE:
        schema["format"] = "date"
        schema["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
        description = spec.description
    elif spec.kind == BAND:
        schema["enum"] = [b.key for b in AMOUNT_RANGES]
        description = spec.description
    else:
        assert spec.kind == NUMBER
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_NUMBER}
        description = spec.description
    return {"name": spec.name, "in": "query", "required": False, "schema": schema, "description": description}


_PAGING = [
    {
        "name": "limit",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": 100},
        "description": f"Antal poster per sida, 1–{MAX_LIMIT}.",
    },
    {
        "name": "offset",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 0, "maximum": MAX_NUMBER, "default": 0},
        "description": "Antal poster att hoppa över.",
    },
]


def _responses(schema_ref: str, not_found: bool) -> dict:
    responses = {
        "200": {
            "description": "OK",
            "headers": {"Access-Control-Allow-Origin": {"schema": {"type": "string", "const": "*"}}},
            "content": {"application/json": {"schema": {"$ref": schema_ref}}},
        },
        "400": _problem("Felaktig begäran: okänd parameter eller otillåtet värde."),
        "405": _problem("Metoden stöds inte: API:et tar bara emot GET."),
    }
    if not_found:
        responses["404"] = _problem("Posten finns inte.")
    return responses


def _problem(description: str) -> dict:
    return {"description": description, "content": {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}}


def _path_parameter(column: Column, sample: dict) -> dict:
    schema = kind_schema(column.kind)
    if column.kind is ENUMERATION:
        schema = {"type": "string", "enum": [key for key, _, _ in column.values.members]}
    if schema.get("format") == "date":
        schema["pattern"] = r"^\d{4}-\d{2}-\d{2}$"
    if schema["type"] == "integer":
        schema.update(minimum=0, maximum=MAX_NUMBER)
    parameter = {"name": column.name, "in": "path", "required": True, "schema": schema}
    if column.name in sample:
        parameter["example"] = sample[column.name]
    return {**parameter, "description": column.description}


def _paths(vocabularies: dict, samples: dict) -> dict:
    paths = {
        f"{PREFIX}/api-info": {
            "get": {
                "operationId": "api_info",
                "summary": "Om API:et / About the API",
                "responses": _responses("#/components/schemas/ApiInfo", False),
            }
        },
    }
    for name, resource in RESOURCES.items():
        table, schema = resource.table, _schema_name(name)
        paths[f"{PREFIX}/{name}"] = {
            "get": {
                "operationId": f"list_{name}",
                "summary": f"{table.title} / {resource.title_en}",
                "description": table.description,
                "parameters": _PAGING + [_filter_parameter(f, vocabularies) for f in resource.filters],
                "responses": _responses(f"#/components/schemas/{schema}List", False),
            }
        }
        key = "/".join(f"{{{c}}}" for c in table.pk)
        paths[f"{PREFIX}/{name}/{key}"] = {
            "get": {
                "operationId": f"get_{name}",
                "summary": f"{table.title}: en post / {resource.title_en}: one item",
                "parameters": [_path_parameter(table.column(c), samples.get(name, {})) for c in table.pk],
                "responses": _responses(f"#/components/schemas/{schema}", True),
            }
        }
    return paths


def _schema_name(name: str) -> str:
    return "".join(part.title() for part in name.split("_"))


_PROBLEM_SCHEMA = {
    "type": "object",
    "description": "Ett fel enligt RFC 9457 (Problem Details for HTTP APIs), på svenska.",
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
    },
    "required": ["type", "title", "status", "detail"],
}
_API_INFO_SCHEMA = {
    "type": "object",
    "properties": {
        "api_name": {"type": "string"},
        "api_version": {"type": "string"},
        "api_released": {"type": ["string", "null"], "format": "date-time"},
        "api_documentation": {"type": "string"},
        "api_specification": {"type": "string"},
        "api_status": {"type": "string", "enum": ["active", "deprecated"]},
        "license": {"type": "string"},
        "contact": {"type": "string"},
    },
    "required": ["api_name", "api_version", "api_released", "api_documentation", "api_specification", "api_status"],
}


def document(base_url: str, vocabularies: dict, samples: dict) -> dict:
    """The OpenAPI document for the site at base_url. vocabularies: table -> ids (the allowed filter values);
    samples: resource -> the path parameters of its first item (examples that exist)."""
    schemas = {"Problem": _PROBLEM_SCHEMA, "ApiInfo": _API_INFO_SCHEMA}
    for name, resource in RESOURCES.items():
        schemas[_schema_name(name)] = item_schema(resource)
        schemas[f"{_schema_name(name)}List"] = _list_schema(_schema_name(name))
    return {
        "openapi": "3.1.0",
        "info": {
            "title": TITLE,
            "version": VERSION,
            "summary": "Statsbidrag för en effektiv hälso- och sjukvård / Grants for efficient health care",
            "description": f"{DESCRIPTION_SV}\n\n(English) {DESCRIPTION_EN}",
            "x-description-sv": DESCRIPTION_SV,
            "x-description-en": DESCRIPTION_EN,
            "contact": {"name": "Effektivitetsdelegationen", "email": "effektivitetsdelegationen@kammarkollegiet.se"},
            "license": {"name": "CC0 1.0", "identifier": "CC0-1.0"},
        },
        "servers": [{"url": base_url}],
        "paths": _paths(vocabularies, samples),
        "components": {"schemas": schemas},
    }
