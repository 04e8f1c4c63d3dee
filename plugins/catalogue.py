"""The DCAT-AP-SE catalogue that dataportal.se harvests, derived from the database and configuration."""

from datasette import Response, hookimpl
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

from bidrag.site import DATABASE, content_hash, fetch, site_url

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
EU = "http://publications.europa.eu/resource/authority/"
LICENSE = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
MAILBOX = "effektivitetsdelegationen@kammarkollegiet.se"
PUBLISHER = "Effektivitetsdelegationen vid Kammarkollegiet"


def cached(view):
    """One body per database: the database is immutable and the base URL is configuration, so the
    catalogue never changes while it is served."""
    bodies = {}

    async def serve(datasette, request):
        key = content_hash(datasette)
        if key not in bodies:
            bodies.clear()
            bodies[key] = await view(datasette, request)
        response = bodies[key]
        return Response(
            response.body, status=response.status, headers=response.headers, content_type=response.content_type
        )

    return serve


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
    return [(r"^/exports/dcat\.rdf$", dcat)]
