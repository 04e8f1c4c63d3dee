"""Amount filters on the table pages as people write them.

?amount_granted__gte=1 000 000 (or "1 000 000 kr", with no-break spaces as the site shows them)
means the integer 1000000. A value that is no amount at all (abc, 1,5) is a Swedish 400 naming the
filter: Datasette passed it on as text, which SQLite ranks above every number, so the page said
"0 rader" without a word.
"""

import re
from urllib.parse import parse_qsl, urlencode

from .formatting import kronor
from .schema import KRONOR, TABLES

KRONOR_COLUMNS = {name: {c.name for c in table.columns if c.kind is KRONOR} for name, table in TABLES.items()}
OPERATORS = ("", "exact", "not", "gt", "gte", "lt", "lte")  # Datasette's filters that compare with one number
UNITS = ("kronor", "kr.", "kr", "sek")
_INTEGER = re.compile(r"-?[0-9]+")


def amount_column(table: str, parameter: str) -> str | None:
    """The kronor column that parameter (column__operator) compares with one number, or None."""
    column, _, operator = parameter.partition("__")
    if column in KRONOR_COLUMNS.get(table, ()) and operator in OPERATORS:
        return column
    return None


def as_stored(value: str) -> str:
    """'1 000 000 kr' -> '1000000'; a value that is not written as an amount is returned unchanged.
    No regular expression with nested repetition: a URL is the visitor's, and this stays linear."""
    text = value.strip()
    for unit in UNITS:
        if text.lower().endswith(unit):
            text = text[: -len(unit)]
            break
    digits = "".join(text.split())
    return digits if _INTEGER.fullmatch(digits) else value


def stored_query(table: str, query_string: bytes) -> bytes | None:
    """The query string with its amount filters as integers, or None when none needed it."""
    pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    changed = False
    for number, (name, value) in enumerate(pairs):
        stored = as_stored(value) if value and amount_column(table, name) else value
        if stored != value:
            pairs[number], changed = (name, stored), True
    return urlencode(pairs).encode("latin-1") if changed else None


def problem(table: str, args) -> str | None:
    """A Swedish explanation for the first amount filter whose value is not a whole number of kronor."""
    for name in args.keys():
        column = amount_column(table, name)
        if column is None:
            continue
        for value in args.getlist(name):
            if not _INTEGER.fullmatch(value):
                where = f"filtret på {TABLES[table].column(column).label.lower()} ({name})"
                said = (
                    f"{where[0].upper()}{where[1:]} saknar värde"
                    if not value
                    else f"”{value}” i {where} är inget belopp"
                )
                return f"{said}: ange hela kronor med siffror, till exempel 1000000 eller 1 000 000."
    return None


def said(table: str, column: str, value: str) -> str:
    """A filter's value as the page says it: 1000000 on an amount column is 1 000 000 kr."""
    if amount_column(table, column) and _INTEGER.fullmatch(value):
        return kronor(int(value))
    return value
