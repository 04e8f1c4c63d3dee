"""The DCAT-AP-SE 3 catalogue: SHACL-valid (pyshacl), with the API as a data service, the publisher's identifier
from configuration only, and identifiers from the configured base URL whatever Host a client sends."""

from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pyshacl import validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib import namespace as ns

from bidrag.project import Project
from bidrag.site import BASE_URL_VARIABLE, LOCAL_BASE_URL, make_datasette

from .conftest import ROOT

OWN_SHAPES = Path(__file__).parent / "shapes" / "bidrag-dcat-ap-se.ttl"
# The general DCAT-AP 3.0.0 shapes, shipped unmodified (SEMIC, CC BY 4.0; see shapes/README.md).
DCAT_AP_SHAPES = Path(__file__).parent / "shapes" / "dcat-ap-3.0.0-SHACL.ttl"
# What the project's shapes warn about while staff have not set the publisher's organisation number.
EXPECTED_WARNINGS = ["Utgivarens identifierare (organisationsnummer) saknas: ange publisher_identifier i metadata.yml"]


async def catalogue_text(datasette, **headers) -> str:
    response = await datasette.client.get("/exports/dcat.rdf", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/rdf+xml")
    return response.text


def shacl_results(text: str, shapes: Path) -> dict:
    """Severity -> messages of every result; RDFS inference, as the DCAT-AP shapes' class ranges expect."""
    data = Graph().parse(data=text, format="xml")
    _, report, _ = validate(data, shacl_graph=Graph().parse(shapes), inference="rdfs", allow_warnings=True)
    results = {ns.SH.Violation: [], ns.SH.Warning: [], ns.SH.Info: []}
    for result in report.subjects(RDF.type, ns.SH.ValidationResult):
        message = report.value(result, ns.SH.resultMessage)
        results[report.value(result, ns.SH.resultSeverity)].append(str(message))
    return results


async def test_the_catalogue_meets_the_projects_shapes_with_the_expected_warnings(published_datasette):
    results = shacl_results(await catalogue_text(published_datasette), OWN_SHAPES)
    assert results[ns.SH.Violation] == []
    assert results[ns.SH.Warning] == EXPECTED_WARNINGS


async def test_the_catalogue_meets_the_dcat_ap_3_shapes(published_datasette):
    results = shacl_results(await catalogue_text(published_datasette), DCAT_AP_SHAPES)
    assert results[ns.SH.Violation] == [] and results[ns.SH.Warning] == []


def configured(tmp_path, db, **catalogue) -> object:
    """A Datasette like the site's, with plugin settings for the catalogue changed in its metadata.yml."""
    for name in ("plugins", "templates", "static"):
        (tmp_path / name).symlink_to(ROOT / name)
    site = yaml.safe_load((ROOT / "metadata.yml").read_text("utf-8"))
    site["plugins"]["bidrag-catalogue"].update(catalogue)
    (tmp_path / "metadata.yml").write_text(yaml.safe_dump(site, allow_unicode=True), "utf-8")
    return make_datasette(Project(tmp_path), db)


async def test_a_configured_publisher_identifier_is_published_and_silences_the_warning(tmp_path, published_db):
    datasette = configured(tmp_path, published_db, publisher_identifier="202100-0000")  # invented for the test
    text = await catalogue_text(datasette)
    graph = Graph().parse(data=text, format="xml")
    publisher = URIRef(f"{LOCAL_BASE_URL}/#utgivare")
    assert graph.value(publisher, ns.DCTERMS.identifier) == Literal("202100-0000")
    assert shacl_results(text, OWN_SHAPES)[ns.SH.Warning] == []


async def test_no_identifier_is_guessed_while_none_is_configured(published_datasette):
    graph = Graph().parse(data=await catalogue_text(published_datasette), format="xml")
    assert graph.value(URIRef(f"{LOCAL_BASE_URL}/#utgivare"), ns.DCTERMS.identifier) is None


async def test_the_api_is_a_data_service_with_its_openapi_document(published_datasette):
    graph = Graph().parse(data=await catalogue_text(published_datasette), format="xml")
    (service,) = graph.subjects(RDF.type, ns.DCAT.DataService)
    endpoint, description = graph.value(service, ns.DCAT.endpointURL), graph.value(service, ns.DCAT.endpointDescription)
    assert str(endpoint) == f"{LOCAL_BASE_URL}/api/v1/"
    document = (await published_datasette.client.get(urlsplit(str(description)).path)).json()
    assert document["openapi"] == "3.1.0"
    listed = await published_datasette.client.get(urlsplit(str(endpoint)).path + "decisions")
    assert listed.status_code == 200 and listed.json()["total"] == 1
    (distribution,) = graph.subjects(ns.DCAT.accessService, service)
    assert graph.value(distribution, ns.DCTERMS["format"]) == URIRef(
        "http://publications.europa.eu/resource/authority/file-type/JSON"
    )
    for distribution in graph.subjects(RDF.type, ns.DCAT.Distribution):
        for prop in (ns.DCTERMS["format"], ns.DCAT.mediaType, ns.DCTERMS.description, ns.DCTERMS.license):
            assert graph.value(distribution, prop) is not None, (distribution, prop)
    catalog = next(graph.subjects(RDF.type, ns.DCAT.Catalog))
    assert {t.language for t in graph.objects(catalog, ns.DCTERMS.title)} == {"sv", "en"}
    assert graph.value(catalog, ns.DCTERMS.issued) is not None and graph.value(catalog, ns.DCTERMS.modified) is not None


async def test_a_hostile_host_header_changes_nothing(project, published_db, monkeypatch):
    # Each body computed afresh (the cache is per base URL): the hostile one under one base URL, a plain one
    # under another; with the base URLs swapped they must be the same bytes.
    monkeypatch.setenv(BASE_URL_VARIABLE, "https://host-test-a.example.se")
    hostile = await catalogue_text(make_datasette(project, published_db), host="evil.example")
    monkeypatch.setenv(BASE_URL_VARIABLE, "https://host-test-b.example.se")
    plain = await catalogue_text(make_datasette(project, published_db))
    assert hostile.encode() == plain.replace("host-test-b", "host-test-a").encode()
    assert "evil.example" not in hostile and "https://host-test-a.example.se/exports/dcat.rdf#katalog" in hostile


async def test_identifiers_follow_the_configured_base_url(project, published_db, monkeypatch):
    monkeypatch.setenv(BASE_URL_VARIABLE, "https://bidrag.example.se/")
    text = await catalogue_text(make_datasette(project, published_db), host="evil.example")
    graph = Graph().parse(data=text, format="xml")
    nodes = set(graph.subjects()) | {o for o in graph.objects() if isinstance(o, URIRef)}
    ours = {str(n) for n in nodes if urlsplit(str(n)).netloc in ("bidrag.example.se", "127.0.0.1:8001")}
    assert ours and all(n.startswith("https://bidrag.example.se/") for n in ours)
