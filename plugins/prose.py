"""Show the decisions' prose as HTML on table and query pages: the build stored it sanitised in the
*_html columns, and it is cleaned once more here because free SQL can put any text in such a column."""

from datasette import hookimpl
from markupsafe import Markup

from bidrag.prose import sanitise


@hookimpl
def render_cell(value, column):
    if column.endswith("_html") and isinstance(value, str):
        return Markup(sanitise(value))
    return None
