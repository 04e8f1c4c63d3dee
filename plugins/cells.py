"""How table and query pages show a cell, in one render_cell (Datasette calls every plugin's for
every cell: one call, not three, per cell). The JSON and CSV keep the stored values.

- Kronor as Swedish readers write them (34 870 000 kr). Every kronor column is named `amount` or
  `amount_*` (bidrag.schema).
- The decisions' prose as HTML: the build stored it sanitised in the *_html columns, and it is
  cleaned once more here because free SQL can put any text in such a column.
- A table's JSON list of names (themes) as the names: AI, Taligenkänning.
"""

import json

from datasette import hookimpl
from markupsafe import Markup

from bidrag.formatting import kronor
from bidrag.prose import sanitise
from bidrag.schema import JSON_ARRAY, TABLES

NAME_LISTS = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.kind is JSON_ARRAY and not c.items}


def is_amount_column(column: str) -> bool:
    return column == "amount" or column.startswith("amount_")


def _names(value: str) -> str | None:
    try:
        names = json.loads(value)
    except ValueError:
        return None
    if isinstance(names, list) and all(isinstance(name, str) for name in names):
        return ", ".join(names)
    return None


@hookimpl
def render_cell(value, column, table):
    if isinstance(value, int) and not isinstance(value, bool) and is_amount_column(column):
        return kronor(value)
    if isinstance(value, str):
        if column.endswith("_html"):
            return Markup(sanitise(value))
        if (table, column) in NAME_LISTS:
            return _names(value)
    return None
