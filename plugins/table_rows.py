"""The rows of Datasette's table pages as HTML, written here rather than in templates/_table.html:
Jinja's async loop, an await per cell, was the template's costliest part (50 rows of 17 cells: about
4 of a measures page's 65 ms at 100x, and 28 KB of its whitespace)."""

from datasette import hookimpl
from datasette.utils import to_css_class
from markupsafe import Markup, escape


def table_body(rows, columns) -> Markup:
    """<tr> per row, <td class="col-… type-…"> per cell, as Datasette's own table template writes them."""
    classes = [f"col-{to_css_class(column['name'])}" for column in columns]
    lines = []
    for row in rows:
        cells = "".join(
            f'<td class="{name} type-{escape(cell["value_type"])}">{escape(cell["value"])}</td>'
            for name, cell in zip(classes, row, strict=False)
        )
        lines.append(f"<tr>{cells}</tr>")
    return Markup("\n".join(lines))


@hookimpl
def prepare_jinja2_environment(env):
    env.globals["table_body"] = table_body
