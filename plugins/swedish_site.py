"""Swedish words and formats for every template: column labels and enumeration titles (from
bidrag.schema), filter labels (metadata.yml, plugins: bidrag-site), kronor and dates (bidrag.formatting,
Babel's Swedish locale data).
"""

import re
from functools import lru_cache

from datasette import hookimpl

from bidrag import amount_filters, formatting
from bidrag.schema import DATE, ENUMERATIONS, TABLES, labels

_LABELS = labels()
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@lru_cache(maxsize=4096)  # a table page asks for each label several times (headings, sort, filters)
def column_label(column: str, table: str | None = None) -> str:
    if table in TABLES and column in TABLES[table].column_names:
        return TABLES[table].column(column).label
    return _LABELS.get(column, column)


@lru_cache(maxsize=8)
def _filter_labels(datasette) -> dict:
    """Read once per Datasette: a page asks for dozens and the metadata does not change."""
    return (datasette.plugin_config("bidrag-site") or {}).get("filter_labels") or {}


def facet_label(table: str | None, column: str, value, label):
    """A facet value as the site writes it elsewhere: a status by its title (Avslagen), a date in
    words (11 november 2025); the link and the filter keep the stored value."""
    if table in TABLES and column in TABLES[table].column_names and isinstance(value, str):
        spec = TABLES[table].column(column)
        if spec.values is not None and value in spec.values.values:
            return spec.values.title(value)
        if spec.kind is DATE and _ISO_DAY.fullmatch(value):
            return formatting.long_date(value)
    return label


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
    env.globals["table_title"] = lambda name: TABLES[name].title if name in TABLES else name
    env.globals["table_description"] = lambda name: TABLES[name].description if name in TABLES else None
    env.globals["enum_title"] = lambda enumeration, value: ENUMERATIONS[enumeration].title(value)
    env.globals["enum_key"] = lambda enumeration, value: ENUMERATIONS[enumeration].key(value)
    env.globals["enum_value"] = lambda enumeration, key: ENUMERATIONS[enumeration].value(key)
    env.globals["limits"] = {"sql_time_limit_ms": datasette.setting("sql_time_limit_ms")}


@hookimpl
def extra_template_vars(datasette, table):
    filter_labels = _filter_labels(datasette)
    return {
        "label": lambda column, in_table=None: column_label(column, in_table or table),
        "filter_label": lambda key: filter_labels.get(key.removesuffix("__1"), key),
        "filter_value": lambda column, value: amount_filters.said(table, column, str(value)),
        "facet_label": lambda column, value, label: facet_label(table, column, value, label),
        "rader": lambda count: f"{formatting.number(count)} {'rad' if count == 1 else 'rader'}",
    }
