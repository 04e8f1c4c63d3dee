"""Downloads: CSV of every table (and an Excel variant) and a Frictionless data package describing
them. All derived from the database and the table contract in bidrag.schema, so they cannot drift
from what is published. (The DCAT-AP-SE catalogue is plugins/catalogue.py.)"""

import csv
import json

from datasette import NotFound, Response, hookimpl
from datasette.utils.asgi import AsgiStream

from bidrag.schema import BOOLEAN, TABLES
from bidrag.site import content_hash, fetch_unlimited, site_url
from bidrag.spreadsheet import safe_cell

LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"
MAILBOX = "effektivitetsdelegationen@kammarkollegiet.se"
PUBLISHER = "Effektivitetsdelegationen vid Kammarkollegiet"
_CACHED = 64  # bodies kept: every export of one release, with room to spare


def cached(view):
    """Remember each export's body: the database is immutable, so an export never changes while served,
    and a visitor asking again (or many visitors at once) costs nothing. Keyed on the database's
    content and the export's name only (the base URL is configuration), so its size is bounded."""
    bodies = {}

    async def serve(datasette, request):
        key = (content_hash(datasette), tuple(sorted(request.url_vars.items())))
        if key not in bodies:
            if len(bodies) >= _CACHED:
                bodies.pop(next(iter(bodies)))
            bodies[key] = await view(datasette, request)
        response = bodies[key]
        return Response(
            response.body, status=response.status, headers=response.headers, content_type=response.content_type
        )

    return serve


_PAGE_ROWS = 2000  # rows per query while a CSV streams: each page is one indexed, bounded query


class _Lines:
    """What csv.writer writes to: it collects one page of rows, handed on as one chunk."""

    def __init__(self):
        self.parts = []

    def write(self, text):
        self.parts.append(text)

    def take(self) -> str:
        text, self.parts = "".join(self.parts), []
        return text


def _page_sql(table: str, columns: list[str], key: tuple, after: bool) -> str:
    """One page in key order, after the last row's key (row values compare lexicographically)."""
    selected = ", ".join(f"[{c}]" for c in columns)
    order = ", ".join(f"[{c}]" for c in key)
    where = f"where ({order}) > ({', '.join(f':k{i}' for i in range(len(key)))}) " if after else ""
    return f"select {selected} from [{table}] {where}order by {order} limit {_PAGE_ROWS}"


async def _pages(datasette, table: str, columns: list[str], key: tuple):
    """The table's rows, page by page; tables without a key are small and come in one query."""
    if not key:
        yield await fetch_unlimited(datasette, f"select {', '.join(f'[{c}]' for c in columns)} from [{table}]")
        return
    last = None
    while True:
        params = {f"k{i}": last[c] for i, c in enumerate(key)} if last else {}
        rows = await fetch_unlimited(datasette, _page_sql(table, columns, key, last is not None), params)
        if rows:
            yield rows
        if len(rows) < _PAGE_ROWS:
            return
        last = rows[-1]


async def table_csv(datasette, request):
    """Streamed page by page: at 1000x one query for the whole of measures ran into the SQL time
    limit (a 500), and building the whole body at once held the event loop."""
    table = request.url_vars["table"]
    if table not in TABLES:
        raise NotFound("Tabellen finns inte")
    excel = request.url_vars.get("variant") == "excel"
    spec = TABLES[table]
    columns = spec.column_names
    name = f"{table}-excel.csv" if excel else f"{table}.csv"

    async def stream(response):
        lines = _Lines()
        # Swedish Excel reads semicolon-separated files and needs the byte order mark to see UTF-8.
        writer = csv.writer(lines, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")
        writer.writerow(columns)
        await response.write(("\ufeff" if excel else "") + lines.take())
        async for rows in _pages(datasette, table, columns, tuple(spec.pk)):
            for row in rows:
                writer.writerow([safe_cell(row[c]) for c in columns] if excel else [row[c] for c in columns])
            await response.write(lines.take())

    return AsgiStream(
        stream,
        content_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


def _field(column, required: bool) -> dict:
    field = {"name": column.name, "type": column.kind.frictionless, "description": column.description}
    if column.kind is BOOLEAN:
        field.update(trueValues=["1"], falseValues=["0"])
    constraints = {"required": True} if required else {}
    if column.values is not None:
        constraints["enum"] = column.values.values
    return {**field, "constraints": constraints} if constraints else field


def _schema(table: str) -> dict:
    spec = TABLES[table]
    schema = {"fields": [_field(c, c.required or c.name in spec.pk) for c in spec.columns]}
    if spec.pk:
        schema["primaryKey"] = list(spec.pk)
    schema["foreignKeys"] = [
        {"fields": column, "reference": {"resource": other, "fields": other_column}}
        for column, other, other_column in spec.foreign_keys
    ]
    return schema


@cached
async def datapackage(datasette, request):
    resources = [
        {
            "name": name,
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": table.title,
            "description": table.description,
            "schema": _schema(name),
        }
        for name, table in TABLES.items()
    ]
    package = {
        "name": "bidrag-effektiv-halso-och-sjukvard",
        "title": datasette.metadata("title"),
        "description": datasette.metadata("description"),
        "homepage": site_url(datasette) + "/",
        "licenses": [{"name": "CC0-1.0", "path": str(LICENSE), "title": "Creative Commons Zero v1.0 Universal"}],
        "sources": [{"title": PUBLISHER, "path": datasette.metadata("source_url")}],
        "contributors": [{"title": PUBLISHER, "email": MAILBOX, "role": "publisher"}],
        "resources": resources,
    }
    return Response(json.dumps(package, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/exports/(?P<table>[a-z_]+)\.csv$", table_csv),
        (r"^/exports/(?P<variant>excel)/(?P<table>[a-z_]+)\.csv$", table_csv),
        (r"^/exports/datapackage\.json$", datapackage),
    ]
