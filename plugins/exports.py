"""Downloads: CSV of every table (and an Excel variant) and a Frictionless data package describing
them. All derived from the database and the table contract in bidrag.schema, so they cannot drift
from what is published. (The DCAT-AP-SE catalogue is plugins/catalogue.py.)"""

import json
import sqlite3
import zlib

from datasette import NotFound, Response, hookimpl

from bidrag import downloads
from bidrag.encoding import negotiated
from bidrag.memo import ReleaseMemo
from bidrag.schema import BOOLEAN, TABLES
from bidrag.site import DATABASE, content_hash, fetch_unlimited, site_url

LICENSE = "http://creativecommons.org/publicdomain/zero/1.0/"
MAILBOX = "effektivitetsdelegationen@kammarkollegiet.se"
PUBLISHER = "Effektivitetsdelegationen vid Kammarkollegiet"
_CHUNK = 256 * 1024  # bytes of a stored download read (and, for a client without gzip, inflated) at a time
# A download up to WHOLE_BYTES (uncompressed) is kept whole in memory once asked for, as sent (plain
# or gzipped), and sent in one piece: at 100x measures.csv is 7 MB, and inflating it for every
# client that asks for it plain held a plain download to about 100 a second. Larger ones stream.
WHOLE_BYTES = 16 * 1024 * 1024
_BODIES = ReleaseMemo(max_entries=64, max_bytes=48 * 1024 * 1024)


async def _rows_or_none(datasette, sql: str, params: dict | None = None) -> list[dict]:
    try:
        return await fetch_unlimited(datasette, sql, params)
    except sqlite3.OperationalError:
        return []  # a release built before the downloads were stored: the next publish adds them


async def _stored(datasette, path: str) -> dict | None:
    sql = f"select rowid, size, sha256, length(body_gzip) as gzip_size from [{downloads.TABLE}] where path = :path"
    rows = await _rows_or_none(datasette, sql, {"path": path})
    return rows[0] if rows else None


def _chunk(rowid: int, offset: int = 0, size: int = -1):
    """Reads size bytes of the stored gzip from offset (-1: to the end) on a connection."""

    def read(connection) -> bytes:
        with connection.blobopen(downloads.TABLE, "body_gzip", rowid, readonly=True) as blob:
            blob.seek(offset)
            return blob.read(size)

    return read


def _whole(rowid: int, gzipped: bool):
    read = _chunk(rowid)
    return lambda connection: read(connection) if gzipped else zlib.decompress(read(connection), wbits=31)


async def table_csv(datasette, request):
    """The download the build stored (bidrag.downloads): sent as it is to a client that takes gzip,
    inflated for one that does not (whole, once, up to WHOLE_BYTES; else chunk by chunk in the SQL
    threads). Never built per request."""
    table = request.url_vars["table"]
    if table not in TABLES:
        raise NotFound("Tabellen finns inte")
    variant = request.url_vars.get("variant") or "plain"
    stored = await _stored(datasette, downloads.path_of(table, variant))
    if stored is None:
        raise NotFound("Exporten finns inte i den här versionen av databasen")
    gzipped, headers, held = negotiated(request, stored["sha256"])
    if held:
        return Response("", status=304, headers=headers)
    headers["content-disposition"] = f'attachment; filename="{downloads.filename_of(table, variant)}"'
    headers["content-length"] = str(stored["gzip_size"] if gzipped else stored["size"])
    if gzipped:
        headers["content-encoding"] = "gzip"
    database = datasette.get_database(DATABASE)
    if stored["size"] <= WHOLE_BYTES:
        key = (content_hash(datasette), stored["rowid"], gzipped)
        body = await _BODIES.get(key, lambda: database.execute_fn(_whole(stored["rowid"], gzipped)))
        return Response(body, content_type="text/csv; charset=utf-8", headers=headers)
    return _Download(database, stored, gzipped, headers)


class _Download:
    """The stored body chunk by chunk (Datasette's AsgiStream sends text only); the database is the
    request's release, kept for every chunk."""

    def __init__(self, database, stored: dict, gzipped: bool, headers: dict):
        self.database, self.stored, self.gzipped, self.headers = database, stored, gzipped, headers

    async def asgi_send(self, send) -> None:
        headers = [(k.encode(), v.encode()) for k, v in self.headers.items()]
        headers.append((b"content-type", b"text/csv; charset=utf-8"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        inflate = None if self.gzipped else zlib.decompressobj(wbits=31)
        for offset in range(0, self.stored["gzip_size"], _CHUNK):
            read = _chunk(self.stored["rowid"], offset, _CHUNK)
            if inflate is None:
                body = await self.database.execute_fn(read)
            else:
                body = await self.database.execute_fn(lambda c, read=read: inflate.decompress(read(c)))
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})


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


async def datapackage(datasette, request):
    stored = {
        row["table_name"]: row
        for row in await _rows_or_none(
            datasette, f"select table_name, size, sha256 from [{downloads.TABLE}] where variant = 'plain'"
        )
    }
    resources = [
        {
            "name": name,
            "path": f"{name}.csv",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": table.title,
            "description": table.description,
            **({"bytes": stored[name]["size"], "hash": f"sha256:{stored[name]['sha256']}"} if name in stored else {}),
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
