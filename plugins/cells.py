"""How table and query pages show a cell, in one render_cell (Datasette calls every plugin's for
every cell: one plugin for all three kinds, not one per kind). The JSON and CSV keep the stored values.

- Kronor as Swedish readers write them (34 870 000 kr). Every kronor column is named `amount` or
  `amount_*` (bidrag.schema).
- The decisions' prose as HTML: the build stored it sanitised in the *_html columns, and it is
  cleaned once more here because free SQL can put any text in such a column.
- A table's JSON list of names (themes) as the names: AI, Taligenkänning.
- A reference to another table as its name, linked: Region Örebro län, not "Region Örebro län
  *orebro*" (Datasette adds the identifier, an English slug for reason categories; the link and
  the JSON keep it).
"""

import json

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup, escape

from bidrag.formatting import kronor
from bidrag.prose import sanitise
from bidrag.schema import JSON_ARRAY, TABLES

NAME_LISTS = {(t.name, c.name) for t in TABLES.values() for c in t.columns if c.kind is JSON_ARRAY and not c.items}
REFERENCED = {(t.name, c.name): c.references.split(".")[0] for t in TABLES.values() for c in t.columns if c.references}


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


def _named_link(datasette, database: str, table: str, reference: dict) -> Markup:
    """Datasette's link to the referenced row, without the identifier after the name."""
    href = datasette.urls.row(database, table, tilde_encode(str(reference["value"])))
    return Markup(f'<a href="{escape(href)}">{escape(reference["label"]) or "-"}</a>')


@hookimpl
def render_cell(value, column, table, database, datasette):
    if isinstance(value, int) and not isinstance(value, bool) and is_amount_column(column):
        return kronor(value)
    if isinstance(value, dict) and (table, column) in REFERENCED and "label" in value:
        return _named_link(datasette, database, REFERENCED[(table, column)], value)
    if isinstance(value, str):
        if column.endswith("_html"):
            return Markup(sanitise(value))
        if (table, column) in NAME_LISTS:
            return _names(value)
    return None
