"""The DCAT-AP-SE 3 catalogue that dataportal.se harvests, derived from the database and configuration.

Every identifier starts with the configured base URL (bidrag.site.site_url), never the Host header.
The publisher's identifier (organisation number) comes from metadata.yml, plugins: bidrag-catalogue:
publisher_identifier; it is never guessed, and until staff set it the catalogue leaves it out and
the server warns at start.
"""

import functools
import sys

from datasette import Response, hookimpl
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, XSD

from bidrag.site import DATABASE, content_hash, fetch, site_url

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCATAP = Namespace("http://data.europa.eu/r5r/")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
LICENSE = URIRef("http://creativecommons.org/publicdomain/zero/1.0/")
MAILBOX = "effektivitetsdelegationen@kammarkollegiet.se"
PUBLISHER = "Effektivitetsdelegationen vid Kammarkollegiet"
OPENAPI_SPECIFICATION = URIRef("https://spec.openapis.org/oas/v3.1.0")
CONFIG = "bidrag-catalogue"
MISSING_IDENTIFIER = (
    "VARNING: utgivarens identifierare (organisationsnummer) saknas i DCAT-AP-SE-katalogen. Ange den i "
    "metadata.yml under plugins: bidrag-catalogue: publisher_identifier."
)

# (Swedish title, English title, path, media type, EU file type or None, Swedish description)
DISTRIBUTIONS = [
    (
        "SQLite-databas med alla tabeller",
        "SQLite database with every table",
        f"/{DATABASE}.db",
        "application/vnd.sqlite3",
        None,  # the EU file-type list has no SQLite entry: the IANA media type is the format
        "Hela databasen som en SQLite-fil, med alla tabeller och kolumnbeskrivningar.",
    ),
    (
        "Datapaket (Frictionless) med tabellscheman",
        "Data package (Frictionless) with table schemas",
        "/exports/datapackage.json",
        "application/json",
        "JSON",
        "Beskrivning av alla tabeller och kolumner som Frictionless Data Package, med länkar till CSV-filerna.",
    ),
    ("Beslut (CSV)", "Decisions (CSV)", "/exports/decisions.csv", "text/csv", "CSV", "Ett beslut per rad."),
    ("Åtgärder (CSV)", "Measures (CSV)", "/exports/measures.csv", "text/csv", "CSV", "En åtgärd per rad."),
    (
        "Utbetalningar (CSV)",
        "Payments (CSV)",
        "/exports/payments.csv",
        "text/csv",
        "CSV",
        "Utbetalningsplanen per beslut och år.",
    ),
    (
        "Tidsfrister (CSV)",
        "Deadlines (CSV)",
        "/exports/deadlines.csv",
        "text/csv",
        "CSV",
        "När åtgärderna ska vara genomförda och när regionerna ska redovisa.",
    ),
    (
        "Nya och ändrade beslut (Atom)",
        "New and changed decisions (Atom)",
        "/feeds/decisions.atom",
        "application/atom+xml",
        "ATOM",
        "Flöde med nya och ändrade beslut, för den som vill bevaka.",
    ),
]


def cached(view):
    """One body per database and configuration (never per Host): the database is immutable, so the
    catalogue never changes while it is served."""
    bodies = {}

    async def serve(datasette, request):
        key = (content_hash(datasette), site_url(datasette), repr(sorted(config(datasette).items())))
        if key not in bodies:
            bodies.clear()
            bodies[key] = await view(datasette, request)
        response = bodies[key]
        return Response(
            response.body, status=response.status, headers=response.headers, content_type=response.content_type
        )

    return serve


def config(datasette) -> dict:
    return datasette.plugin_config(CONFIG) or {}


def _both(graph, subject, prop, swedish: str, english: str | None):
    graph.add((subject, prop, Literal(" ".join(swedish.split()), lang="sv")))
    if english:
        graph.add((subject, prop, Literal(" ".join(english.split()), lang="en")))


def _typed(graph, node: URIRef, kind) -> URIRef:
    graph.add((node, RDF.type, kind))
    return node


# Labels of the authority tables' concepts we use, as the tables give them.
CONCEPTS = {
    "data-theme/HEAL": ("Hälsa", "Health"),
    "data-theme/GOVE": ("Regeringen och den offentliga sektorn", "Government and public sector"),
    "access-right/PUBLIC": ("Allmänheten", "Public"),
    "planned-availability/STABLE": ("Stabil", "Stable"),
    "http://purl.org/adms/publishertype/NationalAuthority": ("Nationell myndighet", "National authority"),
}


def _concept(graph, path: str) -> URIRef:
    """A concept of the EU's authority tables (data themes, availability, access rights) or ADMS."""
    concept = _typed(graph, URIRef(path if "://" in path else f"{EU}{path}"), SKOS.Concept)
    _both(graph, concept, SKOS.prefLabel, *CONCEPTS[path])
    return concept


def _public(graph) -> URIRef:
    public = _concept(graph, "access-right/PUBLIC")
    return _typed(graph, public, DCTERMS.RightsStatement)


def _agents(graph, base: str, settings: dict):
    publisher = _typed(graph, URIRef(f"{base}/#utgivare"), FOAF.Agent)
    graph.add((publisher, RDF.type, FOAF.Organization))
    _both(graph, publisher, FOAF.name, PUBLISHER, None)
    graph.add((publisher, DCTERMS.type, _concept(graph, "http://purl.org/adms/publishertype/NationalAuthority")))
    if settings.get("publisher_identifier"):
        graph.add((publisher, DCTERMS.identifier, Literal(str(settings["publisher_identifier"]))))
    contact = _typed(graph, URIRef(f"{base}/#kontakt"), VCARD.Organization)
    graph.add((contact, RDF.type, VCARD.Kind))
    graph.add((contact, VCARD.fn, Literal("Effektivitetsdelegationen", lang="sv")))
    graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{MAILBOX}")))
    return publisher, contact


def _distribution(graph, dataset, base, title, title_en, path, media_type, file_type, description):
    distribution = _typed(graph, URIRef(f"{base}{path}"), DCAT.Distribution)
    graph.add((dataset, DCAT.distribution, distribution))
    _both(graph, distribution, DCTERMS.title, title, title_en)
    graph.add((distribution, DCTERMS.description, Literal(description, lang="sv")))
    graph.add((distribution, DCAT.accessURL, distribution))
    graph.add((distribution, DCAT.downloadURL, distribution))
    media = _typed(graph, URIRef(f"{IANA}{media_type}"), DCTERMS.MediaType)
    graph.add((distribution, DCAT.mediaType, media))
    form = _typed(graph, URIRef(f"{EU}file-type/{file_type}") if file_type else media, DCTERMS.MediaTypeOrExtent)
    graph.add((distribution, DCTERMS["format"], form))
    graph.add((distribution, DCTERMS.license, LICENSE))
    graph.add((distribution, DCATAP.availability, _concept(graph, "planned-availability/STABLE")))
    return distribution


def _api(graph, dataset, base: str, publisher):
    """The v1 API as a data service (with its OpenAPI document), reached from a distribution through accessService;
    Datasette's own JSON and SQL as a plain distribution beside it."""
    service = _typed(graph, URIRef(f"{base}/api/v1/api-info"), DCAT.DataService)
    _both(graph, service, DCTERMS.title, "Öppet API, version 1", "Open API, version 1")
    _both(
        graph,
        service,
        DCTERMS.description,
        "REST-API enligt DIGG:s REST API-profil: beslut, åtgärder, utbetalningar, tidsfrister med mera som JSON, "
        "med filter, sidning och ett OpenAPI 3.1-dokument.",
        "REST API after DIGG's REST API profile: decisions, measures, payments, deadlines and more as JSON, "
        "with filters, paging and an OpenAPI 3.1 document.",
    )
    graph.add((service, DCAT.endpointURL, URIRef(f"{base}/api/v1/")))
    graph.add((service, DCAT.endpointDescription, URIRef(f"{base}/api/v1/openapi.json")))
    graph.add((service, DCAT.servesDataset, dataset))
    graph.add((service, DCTERMS.conformsTo, _typed(graph, OPENAPI_SPECIFICATION, DCTERMS.Standard)))
    graph.add((service, DCTERMS.publisher, publisher))
    graph.add((service, DCTERMS.license, LICENSE))
    graph.add((service, DCTERMS.accessRights, _public(graph)))
    distribution = _distribution(
        graph,
        dataset,
        base,
        "Öppet API (JSON)",
        "Open API (JSON)",
        "/api/v1/",
        "application/json",
        "JSON",
        "Alla tabeller som JSON genom API:et /api/v1/, dokumenterat i /api/v1/openapi.json.",
    )
    graph.remove((distribution, DCAT.downloadURL, None))
    graph.add((distribution, DCAT.accessService, service))
    datasette_api = _distribution(
        graph,
        dataset,
        base,
        "JSON-API och SQL-frågor (Datasette)",
        "JSON API and SQL queries (Datasette)",
        f"/{DATABASE}",
        "application/json",
        "JSON",
        "Datasettes eget JSON-gränssnitt: varje tabell och egna SQL-frågor (endast läsning) som JSON.",
    )
    graph.remove((datasette_api, DCAT.downloadURL, None))
    return service


async def _dates(datasette):
    releases = await fetch(datasette, "select min(published_at) as first, max(published_at) as last from releases")
    period = await fetch(
        datasette,
        "select min(year_from) as first, max(year_to) as last from programme where year_from is not null",
    )
    return releases[0], period[0]


def _dataset(graph, base, datasette, settings, publisher, contact, releases, period):
    dataset = _typed(graph, URIRef(f"{base}/#datamangd"), DCAT.Dataset)
    _both(graph, dataset, DCTERMS.title, datasette.metadata("title"), settings.get("title_en"))
    _both(graph, dataset, DCTERMS.description, datasette.metadata("description"), settings.get("description_en"))
    graph.add((dataset, DCTERMS.publisher, publisher))
    graph.add((dataset, DCAT.contactPoint, contact))
    graph.add((dataset, DCAT.landingPage, _typed(graph, URIRef(f"{base}/"), FOAF.Document)))
    graph.add((dataset, DCTERMS.language, URIRef(f"{EU}language/SWE")))
    graph.add((dataset, DCTERMS.accessRights, _public(graph)))
    graph.add((dataset, DCTERMS.spatial, _typed(graph, URIRef(f"{EU}country/SWE"), DCTERMS.Location)))
    graph.add(
        (dataset, DCTERMS.conformsTo, _typed(graph, URIRef(f"{base}/exports/datapackage.json"), DCTERMS.Standard))
    )
    graph.add((dataset, DCAT.theme, _concept(graph, "data-theme/HEAL")))
    graph.add((dataset, DCAT.theme, _concept(graph, "data-theme/GOVE")))
    for keyword in ("statsbidrag", "hälso- och sjukvård", "regioner", "effektivisering", "beslut"):
        graph.add((dataset, DCAT.keyword, Literal(keyword, lang="sv")))
    if period["first"]:
        temporal = _typed(graph, URIRef(f"{base}/#period"), DCTERMS.PeriodOfTime)
        graph.add((temporal, DCAT.startDate, Literal(f"{period['first']}-01-01", datatype=XSD.date)))
        graph.add((temporal, DCAT.endDate, Literal(f"{period['last']}-12-31", datatype=XSD.date)))
        graph.add((dataset, DCTERMS.temporal, temporal))
    if releases["first"]:
        graph.add((dataset, DCTERMS.issued, Literal(releases["first"], datatype=XSD.dateTime)))
        graph.add((dataset, DCTERMS.modified, Literal(releases["last"], datatype=XSD.dateTime)))
    return dataset


@cached
async def dcat(datasette, request):
    base, settings = site_url(datasette), config(datasette)
    releases, period = await _dates(datasette)
    graph = Graph()
    bound = (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("skos", SKOS), ("dcatap", DCATAP))
    for prefix, namespace in bound:
        graph.bind(prefix, namespace)
    publisher, contact = _agents(graph, base, settings)
    dataset = _dataset(graph, base, datasette, settings, publisher, contact, releases, period)
    catalog = _typed(graph, URIRef(f"{base}/exports/dcat.rdf#katalog"), DCAT.Catalog)
    _both(
        graph,
        catalog,
        DCTERMS.title,
        f"Katalog: {datasette.metadata('title')}",
        f"Catalogue: {settings['title_en']}" if settings.get("title_en") else None,
    )
    _both(graph, catalog, DCTERMS.description, datasette.metadata("description"), settings.get("description_en"))
    graph.add((catalog, DCTERMS.publisher, publisher))
    graph.add((catalog, DCTERMS.license, _typed(graph, LICENSE, DCTERMS.LicenseDocument)))
    graph.add((catalog, DCTERMS.language, _typed(graph, URIRef(f"{EU}language/SWE"), DCTERMS.LinguisticSystem)))
    graph.add((catalog, FOAF.homepage, URIRef(f"{base}/")))
    graph.add((catalog, DCAT.dataset, dataset))
    graph.add((catalog, DCAT.service, _api(graph, dataset, base, publisher)))
    if releases["first"]:
        graph.add((catalog, DCTERMS.issued, Literal(releases["first"], datatype=XSD.dateTime)))
        graph.add((catalog, DCTERMS.modified, Literal(releases["last"], datatype=XSD.dateTime)))
    for distribution in DISTRIBUTIONS:
        _distribution(graph, dataset, base, *distribution)
    return Response(_canonical(graph).serialize(format="xml"), content_type="application/rdf+xml; charset=utf-8")


def _canonical(graph: Graph) -> Graph:
    """The same triples added in sorted order, so the bytes do not depend on hash order: a restarted server
    (or a harvester comparing bodies) sees the same catalogue for the same data and configuration."""
    ordered = Graph(store="SimpleMemory")  # dicts, not sets: it keeps the order triples were added in
    for prefix, namespace in graph.namespaces():
        ordered.bind(prefix, namespace)
    for triple in sorted(graph):
        ordered.add(triple)
    return ordered


@functools.cache
def _warn_missing_identifier() -> None:
    """Once a process: `bidrag publish` starts a Datasette for each release it smoke-tests."""
    print(MISSING_IDENTIFIER, file=sys.stderr)


@hookimpl
def startup(datasette):
    if not config(datasette).get("publisher_identifier"):
        _warn_missing_identifier()


@hookimpl
def register_routes():
    return [(r"^/exports/dcat\.rdf$", dcat)]
