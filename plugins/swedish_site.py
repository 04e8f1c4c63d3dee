"""Swedish words and formats for every template: column and filter labels, kronor, dates.

The labels live in metadata.yml (plugins: bidrag-site), the one place to change what a visitor
reads; the formats come from bidrag.formatting (Babel's Swedish locale data).
"""

from functools import lru_cache

from datasette import hookimpl

from bidrag import formatting


@lru_cache(maxsize=8)
def _config(datasette) -> dict:
    """The labels, read once per Datasette: a page asks for dozens and the metadata does not change."""
    config = datasette.plugin_config("bidrag-site") or {}
    return {key: config.get(key) or {} for key in ("column_labels", "table_column_labels", "filter_labels")}


@lru_cache(maxsize=256)
def _table_metadata(datasette, table: str) -> dict:
    return datasette.table_metadata("bidrag", table)


def column_label(datasette, column: str, table: str | None = None) -> str:
    config = _config(datasette)
    return config["table_column_labels"].get(f"{table}.{column}") or config["column_labels"].get(column) or column


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
    env.globals["site"] = {
        key: datasette.metadata(key) for key in ("title", "license", "license_url", "source", "source_url")
    }
    env.globals["table_title"] = lambda name: _table_metadata(datasette, name).get("title") or name
    env.globals["table_description"] = lambda name: _table_metadata(datasette, name).get("description")
    env.globals["limits"] = {"sql_time_limit_ms": datasette.setting("sql_time_limit_ms")}


@hookimpl
def extra_template_vars(datasette, table):
    filter_labels = _config(datasette)["filter_labels"]
    return {
        "label": lambda column, in_table=None: column_label(datasette, column, in_table or table),
        "filter_label": lambda key: filter_labels.get(key.removesuffix("__1"), key),
        "rader": lambda count: f"{formatting.number(count)} {'rad' if count == 1 else 'rader'}",
    }
