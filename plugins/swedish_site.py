"""Swedish words and formats for every template: column and filter labels, kronor, dates.

The labels live in metadata.yml (plugins: bidrag-site), the one place to change what a visitor
reads; the formats come from bidrag.formatting (Babel's Swedish locale data).
"""

from datasette import hookimpl

from bidrag import formatting


def _config(datasette) -> dict:
    return datasette.plugin_config("bidrag-site") or {}


def column_label(datasette, column: str, table: str | None = None) -> str:
    config = _config(datasette)
    specific = (config.get("table_column_labels") or {}).get(f"{table}.{column}")
    return specific or (config.get("column_labels") or {}).get(column) or column


def _maybe(function):
    """Leave empty values empty instead of failing on them."""
    return lambda value, *args: "" if value is None or value == "" else function(value, *args)


@hookimpl
def prepare_jinja2_environment(env, datasette):
    env.filters["kr"] = _maybe(formatting.kronor)
    env.filters["tal"] = _maybe(formatting.number)
    env.filters["procent"] = _maybe(formatting.percent)
    env.filters["datum"] = _maybe(formatting.long_date)
    # Globals, because Datasette renders error pages without any plugin's template variables.
    env.globals["site"] = {key: datasette.metadata(key)
                           for key in ("title", "license", "license_url", "source", "source_url")}
    env.globals["table_title"] = lambda name: datasette.table_metadata("bidrag", name).get("title") or name
    env.globals["table_description"] = lambda name: datasette.table_metadata("bidrag", name).get("description")
    env.globals["limits"] = {"sql_time_limit_ms": datasette.setting("sql_time_limit_ms")}


@hookimpl
def extra_template_vars(datasette, table):
    filter_labels = _config(datasette).get("filter_labels") or {}
    return {
        "label": lambda column, in_table=None: column_label(datasette, column, in_table or table),
        "filter_label": lambda key: filter_labels.get(key.removesuffix("__1"), key),
        "rader": lambda count: f"{formatting.number(count)} {'rad' if count == 1 else 'rader'}",
    }
