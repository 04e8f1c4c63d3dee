"""/-/health.json for operations: that the site answers, and which release it serves.

The only /-/ page besides Datasette's /-/versions.json (which bidrag.browser polls) and its static
files that plugins/swedish_errors.py leaves public; the rest of /-/ is debug and introspection.
"""

from pathlib import Path

from datasette import Response, hookimpl

from bidrag.site import DATABASE, content_hash


async def health(datasette):
    database = datasette.get_database(DATABASE)
    body = {
        "ok": True,
        "database": DATABASE,
        "release": content_hash(datasette),
        "file": Path(database.path).name,  # the release file the live link points at, e.g. 0003.db
        "immutable": not database.is_mutable,
    }
    return Response.json(body, headers={"cache-control": "no-store"})


@hookimpl
def register_routes():
    return [(r"^/-/health\.json$", health)]
