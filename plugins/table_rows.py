"""The rows of Datasette's table pages as HTML, written here rather than in templates/_table.html:
Jinja's async loop, an await per cell, was the template's costliest part (50 rows of 17 cells: about
4 of a measures page's 65 ms at 100x, and 28 KB of its whitespace). A Markdown text is shown once,
as the HTML the build made of it, under the text's own heading; the JSON and CSV keep both."""

from datasette import hookimpl
from datasette.utils import to_css_class
from markupsafe import Markup, escape


def shown_columns(columns) -> list:
    """The columns a table page shows, each with the column whose heading it takes: a Markdown text
    (reason) is left out where its HTML (reason_html) is shown, which takes the heading Skäl."""
    names = {column["name"] for column in columns}
    shown = []
    for column in columns:
        if f"{column['name']}_html" in names:
            continue
        source = column["name"].removesuffix("_html")
        shown.append({**column, "heading": source if source in names else column["name"]})
    return shown


def filter_columns_of(columns, chosen: str | None = None) -> list:
    """The columns offered to filter on: a text's HTML twin (reason_html) is left out, as filtering
    on markup finds nothing a reader searches for; the text itself (reason) is offered under Skäl.
    A filter already chosen on a twin keeps its column, so the form can show it."""
    names = set(columns)
    return [c for c in columns if c == chosen or not (c.endswith("_html") and c.removesuffix("_html") in names)]


def table_body(rows, columns) -> Markup:
    """<tr> per row, <td class="col-… type-…"> per shown cell, as Datasette's own table template writes them."""
    shown = {column["name"] for column in shown_columns(columns)}
    classes = [f"col-{to_css_class(c['name'])}" if c["name"] in shown else None for c in columns]
    lines = []
    for row in rows:
        cells = "".join(
            f'<td class="{name} type-{escape(cell["value_type"])}">{escape(cell["value"])}</td>'
            for name, cell in zip(classes, row, strict=False)
            if name is not None
        )
        lines.append(f"<tr>{cells}</tr>")
    return Markup("\n".join(lines))


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["table_body"] = table_body
    env.globals["shown_columns"] = shown_columns
    env.globals["filter_columns_of"] = filter_columns_of
