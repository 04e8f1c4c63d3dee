"""Downloads: CSV of every table (and an Excel variant), a Frictionless data package describing
them, and a DCAT-AP-SE catalogue that dataportal.se can harvest. All derived from the database
and the table contract in bidrag.schema, so they cannot drift from what is published."""

import csv
import json

from datasette import NotFound, Response, hookimpl
from datasette.utils.asgi import AsgiStream
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

from bidrag.schema import BOOLEAN, TABLES
from bidrag.site import DATABASE, content_hash, fetch, fetch_unlimited, site_url
from bidrag.spreadsheet import safe_cell

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LICENSE = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
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


@cached
async def dcat(datasette, request):
    base = site_url(datasette)
    releases = await fetch(datasette, "select min(published_at) as first, max(published_at) as last from releases")
    graph = Graph()
    graph.bind("dcat", DCAT)
    graph.bind("dcterms", DCTERMS)
    graph.bind("foaf", FOAF)
    graph.bind("vcard", VCARD)
    catalog, dataset = URIRef(f"{base}/exports/dcat.rdf#katalog"), URIRef(f"{base}/#datamangd")
    publisher, contact = URIRef(f"{base}/#utgivare"), URIRef(f"{base}/#kontakt")
    title = Literal(datasette.metadata("title"), lang="sv")
    description = Literal(" ".join(datasette.metadata("description").split()), lang="sv")

    graph.add((publisher, RDF.type, FOAF.Agent))
    graph.add((publisher, FOAF.name, Literal(PUBLISHER, lang="sv")))
    graph.add((publisher, DCTERMS.type, URIRef("http://purl.org/adms/publishertype/NationalAuthority")))
    graph.add((contact, RDF.type, VCARD.Organization))
    graph.add((contact, VCARD.fn, Literal("Effektivitetsdelegationen", lang="sv")))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{MAILBOX}")))

    graph.add((catalog, RDF.type, DCAT.Catalog))
    graph.add((catalog, DCTERMS.title, Literal(f"Katalog: {datasette.metadata('title')}", lang="sv")))
    graph.add((catalog, DCTERMS.description, description))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, LICENSE))
    graph.add((catalog, DCTERMS.language, URIRef(f"{EU}language/SWE")))
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/")))
    graph.add((catalog, DCAT.dataset, dataset))

    graph.add((dataset, RDF.type, DCAT.Dataset))
    graph.add((dataset, DCTERMS.title, title))
    graph.add((dataset, DCTERMS.description, description))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCAT.landingPage, URIRef(f"{base}/")))
    graph.add((dataset, DCTERMS.language, URIRef(f"{EU}language/SWE")))
    graph.add((dataset, DCTERMS.accessRights, URIRef(f"{EU}access-right/PUBLIC")))
    graph.add((dataset, DCTERMS.spatial, URIRef(f"{EU}country/SWE")))
    graph.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/HEAL")))
    graph.add((dataset, DCAT.theme, URIRef(f"{EU}data-theme/GOVE")))
    for keyword in ("statsbidrag", "hälso- och sjukvård", "regioner", "effektivisering", "beslut"):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))
    if releases and releases[0]["first"]:
        graph.add((dataset, DCTERMS.issued, Literal(releases[0]["first"], datatype=XSD.dateTime)))
        graph.add((dataset, DCTERMS.modified, Literal(releases[0]["last"], datatype=XSD.dateTime)))

    distributions = [
        ("SQLite-databas med alla tabeller", f"/{DATABASE}.db", "application/vnd.sqlite3", None),
        ("Datapaket (Frictionless) med tabellscheman", "/exports/datapackage.json", "application/json", "JSON"),
        ("Beslut (CSV)", "/exports/decisions.csv", "text/csv", "CSV"),
        ("Åtgärder (CSV)", "/exports/measures.csv", "text/csv", "CSV"),
        ("Utbetalningar (CSV)", "/exports/payments.csv", "text/csv", "CSV"),
        ("Tidsfrister (CSV)", "/exports/deadlines.csv", "text/csv", "CSV"),
        ("Nya och ändrade beslut (Atom)", "/feeds/decisions.atom", "application/atom+xml", "ATOM"),
    ]
    for name, path, media_type, file_type in distributions:
        distribution = URIRef(f"{base}{path}")
        graph.add((dataset, DCAT.distribution, distribution))
        graph.add((distribution, RDF.type, DCAT.Distribution))
        graph.add((distribution, DCTERMS.title, Literal(name, lang="sv")))
        graph.add((distribution, DCAT.accessURL, distribution))
        graph.add((distribution, DCAT.downloadURL, distribution))
        graph.add((distribution, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media_type}")))
        if file_type:
            graph.add((distribution, DCTERMS.format, URIRef(f"{EU}file-type/{file_type}")))
        graph.add((distribution, DCTERMS.license, LICENSE))
    api = URIRef(f"{base}/{DATABASE}")
    graph.add((dataset, DCAT.distribution, api))
    graph.add((api, RDF.type, DCAT.Distribution))
    graph.add((api, DCTERMS.title, Literal("JSON-API och SQL-frågor (Datasette)", lang="sv")))
    graph.add((api, DCAT.accessURL, api))
    graph.add((api, DCTERMS.license, LICENSE))
    return Response(graph.serialize(format="pretty-xml"), content_type="application/rdf+xml; charset=utf-8")


@hookimpl
def register_routes():
    return [
        (r"^/exports/(?P<table>[a-z_]+)\.csv$", table_csv),
        (r"^/exports/(?P<variant>excel)/(?P<table>[a-z_]+)\.csv$", table_csv),
        (r"^/exports/datapackage\.json$", datapackage),
        (r"^/exports/dcat\.rdf$", dcat),
    ]
