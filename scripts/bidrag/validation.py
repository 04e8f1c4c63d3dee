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


def _type(expected, value) -> str:
    wanted = [expected] if isinstance(expected, str) else expected
    return f"ska vara {' eller '.join(_TYPE_NAMES.get(t, t) for t in wanted)}, inte {_show(value)}"


def _pattern(expected, value, schema) -> str:
    if expected == "\\S":
        return "får inte vara tomt"
    return f"har fel format: {_show(value)} (väntat: {schema.get('description') or f'mönstret {expected}'})"


# JSON Schema keyword -> message(expected, value, schema) for one field
_MESSAGES = {
    "type": lambda expected, value, schema: _type(expected, value),
    "enum": lambda expected, value, schema: f"ska vara ett av {', '.join(map(repr, expected))}, inte {_show(value)}",
    "minimum": lambda expected, value, schema: f"ska vara minst {expected}, inte {_show(value)}",
    "maximum": lambda expected, value, schema: f"ska vara högst {expected}, inte {_show(value)}",
    "minLength": lambda expected, value, schema: "får inte vara tomt",
    "pattern": _pattern,
    "uniqueItems": lambda expected, value, schema: "innehåller dubbletter",
    "minItems": lambda expected, value, schema: f"ska ha minst {expected} element",
    "minProperties": lambda expected, value, schema: "ska innehålla exakt en lista",
    "maxProperties": lambda expected, value, schema: "ska innehålla exakt en lista",
}


def _explain(error):
    path = tuple(error.absolute_path)
    kind, expected, value = error.validator, error.validator_value, error.instance
    if kind == "required":
        return [(path + (name,), "fältet saknas") for name in expected if name not in value]
    if kind == "additionalProperties":
        known = error.schema.get("properties", {})
        return [(path + (name,), "okänt fält (stavfel?)") for name in value if name not in known]
    if kind == "format" and expected == "date":
        return [(path, f"är inget giltigt datum: {_show(value)} (väntat ÅÅÅÅ-MM-DD)")]
    if kind in _MESSAGES:
        return [(path, _MESSAGES[kind](expected, value, error.schema))]
    return [(path, error.message)]


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"
