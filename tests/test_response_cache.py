"""The response cache: repeat hits from memory, keyed on release, day and URL (never Host), bounded in bytes,
never keeping a failed or incomplete page."""

import os
import shutil

import pytest
import yaml

from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.project import Project
from bidrag.site import DATABASE, make_datasette

from .conftest import OREBRO, ROOT, read_yaml, write_yaml


@pytest.fixture
def site(tmp_path):
    for name in ("data", "plugins", "templates", "static"):
        shutil.copytree(ROOT / name, tmp_path / name)
    shutil.copyfile(ROOT / "metadata.yml", tmp_path / "metadata.yml")
    project = Project(tmp_path)
    build_database(load_dataset(project.data_dir), project.db_path)
    return project


def cache_of(datasette):
    return datasette._bidrag_response_cache


async def test_a_repeat_is_answered_from_the_cache_whatever_the_host(site):
    datasette = make_datasette(site)
    first = await datasette.client.get(f"/bidrag/decisions/{OREBRO}")
    again = await datasette.client.get(f"/bidrag/decisions/{OREBRO}", headers={"host": "attacker.example"})
    assert first.headers["x-cache"] == "miss" and again.headers["x-cache"] == "hit"
    assert again.text == first.text and "Örebro" in again.text
    assert again.headers["content-security-policy"] == first.headers["content-security-policy"]
    assert len(cache_of(datasette).entries) == 1


async def test_failed_pages_and_personal_requests_are_not_kept(site):
    datasette = make_datasette(site)
    for path in ("/nope", "/bidrag/measures?_sort=nope", "/-/versions.json"):
        await datasette.client.get(path)
        assert (await datasette.client.get(path)).headers.get("x-cache") != "hit", path
    await datasette.client.get("/bidrag/regions", cookies={"ds_actor": "x"})
    assert (await datasette.client.get("/bidrag/regions", cookies={"ds_actor": "x"})).headers.get("x-cache") is None
    assert cache_of(datasette).entries == {} or all(key[2] == b"/bidrag/regions" for key in cache_of(datasette).entries)


def test_an_incomplete_page_is_not_storable():
    import sys

    sys.path.insert(0, str(ROOT / "plugins"))
    from response_cache import storable

    headers = [(b"content-type", b"text/html; charset=utf-8")]
    assert storable(200, headers, b"<p>hela sidan</p>")
    assert not storable(200, headers, b'<p class="facets-timed-out">Teman</p>')
    assert not storable(200, [(b"content-type", b"application/json")], b'{"facets_timed_out": ["themes"]}')
    assert not storable(200, [(b"cache-control", b"private, no-store")], b"x")
    assert not storable(503, headers, b"x")


async def test_the_cache_is_bounded_in_bytes(site):
    metadata = yaml.safe_load(site.metadata_path.read_text("utf-8"))
    metadata["plugins"]["bidrag-cache"] = {"max_bytes": 120_000, "max_entry_bytes": 60_000}
    site.metadata_path.write_text(yaml.safe_dump(metadata, allow_unicode=True), "utf-8")
    datasette = make_datasette(site)
    for page in range(30):
        response = await datasette.client.get(f"/bidrag/measures.json?_size={page + 1}")
        assert response.status_code == 200
    cache = cache_of(datasette)
    assert 0 < cache.bytes <= 120_000
    assert len(cache.entries) < 30  # the oldest went out
    assert (await datasette.client.get("/bidrag/measures.json?_size=30")).headers["x-cache"] == "hit"


async def test_a_new_release_is_never_served_from_the_old_ones_pages(site, tmp_path):
    """The key holds the release's content hash: once another release is served, the old pages miss."""
    live = tmp_path / "live.db"  # a link switched to another file, as bidrag publish switches build/site/bidrag.db
    live.symlink_to(site.db_path)
    datasette = make_datasette(site, live)
    path = f"/bidrag/decisions/{OREBRO}"
    assert (await datasette.client.get(path)).headers["x-cache"] == "miss"
    assert (await datasette.client.get(path)).headers["x-cache"] == "hit"
    decision_file = site.data_dir / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(decision_file)
    decision["title"] = "Beslut om bidrag (ändrat)"
    write_yaml(decision_file, decision)
    new_db = tmp_path / "new.db"
    build_database(load_dataset(site.data_dir), new_db)
    old_hash = datasette.get_database(DATABASE).hash
    switch = tmp_path / "switch.db"
    switch.symlink_to(new_db)
    os.replace(switch, live)
    assert (await datasette.client.get(path)).headers["x-cache"] == "miss"
    assert datasette.get_database(DATABASE).hash != old_hash
    assert {key[0] for key in cache_of(datasette).entries} == {old_hash, datasette.get_database(DATABASE).hash}


async def test_a_page_without_parameters_is_one_entry_whatever_its_query(site):
    """The start page and templates/pages read no parameter: a cache-busting query renders nothing anew.
    Rendered afresh (another server), each is the same page with and without a query, so none has
    started to read one unnoticed."""
    datasette, fresh = make_datasette(site), make_datasette(site)
    pages = ["/"] + [f"/{page.stem}" for page in sorted((ROOT / "templates" / "pages").glob("*.html"))]
    busting = "?_nonce=1&_facet_size=max&q=robot&_sort=title"
    for path in pages:
        plain = await datasette.client.get(path)
        busted = await datasette.client.get(path + busting)
        rendered = await fresh.client.get(path + busting)
        assert plain.status_code == 200 and plain.headers["x-cache"] == "miss", path
        assert busted.headers["x-cache"] == "hit" and busted.text == plain.text, path
        assert rendered.headers["x-cache"] == "miss" and rendered.text == plain.text, path
    assert len(cache_of(datasette).entries) == len(pages)
    search = [await datasette.client.get(f"/measures?q={term}") for term in ("robot", "journal")]
    assert [r.headers["x-cache"] for r in search] == ["miss", "miss"]  # a page that reads its query keeps it


async def test_our_own_pages_may_be_kept_by_browsers_and_proxies_as_datasettes_are(site):
    datasette = make_datasette(site)
    ttl = datasette.setting("default_cache_ttl")
    for path in ("/", "/good_examples", "/measures?q=robot", "/decisions", f"/bidrag/decisions/{OREBRO}"):
        first, again = [await datasette.client.get(path) for _ in range(2)]
        assert first.headers["cache-control"] == again.headers["cache-control"] == f"max-age={ttl}", path
    health = await datasette.client.get("/-/health.json")
    assert "max-age" not in health.headers.get("cache-control", "")
    missing = await datasette.client.get("/bidrag/measures/nope")
    assert missing.status_code == 404 and "max-age" not in missing.headers.get("cache-control", "")
