"""Swedish substring search for ?_search=, because Datasette's own search matches whole words only.

Enabled per table in metadata.yml (plugins: swedish-search: tables: {table: fts_table}); the
matching rules live in bidrag.search, shared with the build that writes the index. The canned
query search_measures uses the same rules through the SQL function search_match(text).
"""

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils import escape_sqlite

from bidrag.search import has_terms, match_expression


@hookimpl
def prepare_connection(conn):
    conn.create_function("search_match", 1, match_expression, deterministic=True)


# trylast: our extra_context must be merged after the built-in search's supports_search=False.
@hookimpl(trylast=True)
def filters_from_request(request, database, table, datasette):
    tables = (datasette.plugin_config("swedish-search", database=database) or {}).get("tables") or {}
    fts_table = tables.get(table)
    if fts_table is None:
        return None
    search = request.args.get("_search", "")
    context = {"supports_search": True, "search": search}
    if not has_terms(search):
        return FilterArguments([], extra_context=context)
    fts = escape_sqlite(fts_table)
    return FilterArguments(
        [f"rowid in (select rowid from {fts} where {fts} match search_match(:swedish_search))"],
        params={"swedish_search": search},
        human_descriptions=[f"sökning efter ”{search}”"],
        extra_context=context,
    )
