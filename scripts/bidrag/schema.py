"""Validate a YAML file against its JSON Schema and explain each error in Swedish."""

import json
from functools import cache
from importlib.resources import files

import fastjsonschema
from jsonschema import Draft7Validator, FormatChecker

from .problems import Problem, field_path
from .yamlfile import YamlFile

_TYPE_NAMES = {
    "integer": "ett heltal (kronor utan decimaler)",
    "string": "text",
    "array": "en lista",
    "object": "en mappning med fält",
    "boolean": "true eller false",
    "null": "null",
}


@cache
def load_schema(name: str) -> dict:
    return json.loads((files("bidrag") / "schemas" / f"{name}.schema.json").read_text("utf-8"))


@cache
def _fast_validator(name: str):
    return fastjsonschema.compile(load_schema(name))


@cache
def _explaining_validator(name: str) -> Draft7Validator:
    return Draft7Validator(load_schema(name), format_checker=FormatChecker())


def schema_problems(document: YamlFile, schema: str, file: str) -> list[Problem]:
    # fastjsonschema is an order of magnitude faster for the common, valid case;
    # jsonschema lists every error with its path, which is what staff need to fix a file.
    try:
        _fast_validator(schema)(document.data)
        return []
    except fastjsonschema.JsonSchemaException:
        pass
    problems = set()
    for error in _explaining_validator(schema).iter_errors(document.data):
        for path, message in _explain(error):
            problems.add(Problem(file, field_path(path), message, document.line_of(path)))
    return sorted(problems, key=lambda p: (p.line or 0, p.field))


def _explain(error):  # noqa: C901 -- split with the schema module
    path = tuple(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        return [(path + (name,), "fältet saknas") for name in expected if name not in value]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        return [(path + (name,), "okänt fält (stavfel?)") for name in value if name not in known]
    if kind == "type":
        wanted = [expected] if isinstance(expected, str) else expected
        names = " eller ".join(_TYPE_NAMES.get(t, t) for t in wanted)
        return [(path, f"ska vara {names}, inte {_show(value)}")]
    if kind == "enum":
        return [(path, f"ska vara ett av {', '.join(map(repr, expected))}, inte {_show(value)}")]
    if kind == "minimum":
        return [(path, f"ska vara minst {expected}, inte {_show(value)}")]
    if kind == "maximum":
        return [(path, f"ska vara högst {expected}, inte {_show(value)}")]
    if kind in ("minLength", "pattern") and (kind == "minLength" or expected == "\\S"):
        return [(path, "får inte vara tomt")]
    if kind == "pattern":
        hint = error.schema.get("description") or f"mönstret {expected}"
        return [(path, f"har fel format: {_show(value)} (väntat: {hint})")]
    if kind == "format" and expected == "date":
        return [(path, f"är inget giltigt datum: {_show(value)} (väntat ÅÅÅÅ-MM-DD)")]
    if kind == "uniqueItems":
        return [(path, "innehåller dubbletter")]
    if kind == "minItems":
        return [(path, f"ska ha minst {expected} element")]
    if kind in ("minProperties", "maxProperties"):
        return [(path, "ska innehålla exakt en lista")]
    return [(path, error.message)]


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
