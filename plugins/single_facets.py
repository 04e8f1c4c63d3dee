"""Each facet once: ?_facet= naming a facet the table already shows (bidrag.schema's display facets),
or one named twice, is dropped before Datasette reads the query.

Datasette 0.65 computes such a facet again and shows it twice (status and status_2): twice the
facet queries on the table page and a duplicate block for the reader. Inside the response cache,
which keys on the URL asked for.
"""

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from bidrag.schema import TABLES
from bidrag.site import DATABASE

_TABLE_PATH = re.compile(rf"^/{DATABASE}/(?P<table>[a-z_]+)(\.json|\.csv)?$")


def single_facets(path: str, query_string: bytes) -> bytes | None:
    """The query string without repeated facets, or None when nothing is repeated."""
    match = _TABLE_PATH.match(path)
    if not match or match["table"] not in TABLES or b"_facet" not in query_string:
        return None
    shown = {f for f in TABLES[match["table"]].display.get("facets", []) if isinstance(f, str)}  # not {"array": ...}
    pairs, kept = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True), []
    for name, value in pairs:
        if name == "_facet":
            if value in shown:
                continue
            shown.add(value)
        kept.append((name, value))
    return urlencode(kept).encode("latin-1") if len(kept) < len(pairs) else None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def once(scope, receive, send):
            if scope["type"] == "http":
                query = single_facets(scope["path"], scope.get("query_string", b""))
                if query is not None:
                    scope = {**scope, "query_string": query}
            return await app(scope, receive, send)

        return once

    return wrap
