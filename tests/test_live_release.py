"""A running server follows the live release (plugins/live_release.py): no restart, no response mixing two."""

import json
import re
import shutil
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from bidrag.browser import live_server
from bidrag.publish import Site

from .conftest import OREBRO, ROOT, run_cli
from .test_publish import correct_the_fall_prevention_grant

OLD, NEW = 34_870_000, 34_000_000
OLD_TEXT, NEW_TEXT = "34\xa0870\xa0000", "34\xa0000\xa0000"


def wait_until_held(path, request):
    """Bounded wait for the held request to reach hold(): fails if it ends first or never gets there."""
    for _ in range(12_000):
        if path.exists():
            return
        assert not request.done(), request.result()
        time.sleep(0.01)
    raise AssertionError(f"{path.name} was never reached")


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.read().decode()


def figure_of_page(page: str) -> int:
    """The grant the decision page shows; the page must agree with itself (its several queries)."""
    shown = re.search(r"<dt>Beviljat</dt><dd>([^<]*)</dd>", page).group(1)
    assert shown in (f"{OLD_TEXT}\xa0kr", f"{NEW_TEXT}\xa0kr"), shown
    corrected = "(publicering 2)" in page  # the change history, beside the amounts
    assert corrected == (NEW_TEXT in shown), "the page's grant and its change history come from different releases"
    return NEW if corrected else OLD


def figures_after_the_switch(base: str) -> set:
    """What 60 parallel requests over pages, JSON, CSV export and feed show."""
    urls = [
        f"{base}/bidrag/decisions/{OREBRO}.json?_shape=array",
        f"{base}/bidrag/decisions/{OREBRO}",
        f"{base}/exports/decisions.csv",
        f"{base}/feeds/changes.json",
    ] * 15

    def figure(url):
        body = get(url)
        if url.endswith("_shape=array"):
            return json.loads(body)[0]["amount_granted"]
        if url.endswith(".csv"):
            return NEW if f",{NEW}," in body else OLD if f",{OLD}," in body else None
        if url.endswith("changes.json"):
            return NEW if "(publicering 2)" in body else OLD
        return figure_of_page(body)

    with ThreadPoolExecutor(max_workers=20) as pool:
        return list(pool.map(figure, urls))


def test_a_running_server_switches_releases_whole_and_without_a_restart(site_workspace, tmp_path):
    site = Site(site_workspace.root / "build" / "site")
    for plugin in ("hold.py", "two_reads.py"):
        shutil.copyfile(ROOT / "tests" / "plugins" / plugin, site_workspace.plugins_dir / plugin)
    assert run_cli(site_workspace, "publish").exit_code == 0
    with live_server(site_workspace, site.live) as base:
        assert set(figures_after_the_switch(base)) == {OLD}  # every SQL thread has opened the first release
        held = tmp_path / "held"
        with ThreadPoolExecutor(max_workers=1) as pool:
            in_flight = pool.submit(get, f"{base}/test/two-reads?path={held}")
            wait_until_held(held.with_name("held.held"), in_flight)

            stop, seen, failures = threading.Event(), [], []

            def visit():
                while not stop.is_set():
                    try:
                        seen.append(figure_of_page(get(f"{base}/bidrag/decisions/{OREBRO}")))
                    except Exception as failure:  # reported by the test, not lost in the thread
                        failures.append(failure)

            visitors = [threading.Thread(target=visit) for _ in range(4)]
            for visitor in visitors:
                visitor.start()
            correct_the_fall_prevention_grant(site_workspace)
            published = run_cli(site_workspace, "publish")
            after = figures_after_the_switch(base)
            stop.set()
            for visitor in visitors:
                visitor.join(timeout=120)
            held.with_name("held.release").touch()
            started_before = json.loads(in_flight.result(timeout=120))

        assert published.exit_code == 0, published.stderr
        assert "Starta om" not in published.stderr
        assert after == [NEW] * 60, after
        assert not failures, failures[:3]  # every page agreed with itself (figure_of_page)
        assert seen and set(seen) <= {OLD, NEW}
        # The request that began before the switch finished on the release it began with.
        assert started_before == {"first": OLD, "second": OLD, "same_hash": True}


async def test_a_preview_rebuilt_in_place_is_served_at_once(site_workspace):
    """`bidrag serve` on build/bidrag.db: a rebuild replaces the file (a new inode under the same name)."""
    from bidrag.site import content_hash, make_datasette

    assert run_cli(site_workspace, "build").exit_code == 0
    datasette = make_datasette(site_workspace, site_workspace.db_path)
    url = f"/bidrag/decisions/{OREBRO}.json?_shape=array"
    assert (await datasette.client.get(url)).json()[0]["amount_granted"] == OLD
    first = content_hash(datasette)
    correct_the_fall_prevention_grant(site_workspace)
    assert run_cli(site_workspace, "build").exit_code == 0
    assert (await datasette.client.get(url)).json()[0]["amount_granted"] == NEW
    assert content_hash(datasette) != first


async def test_a_release_is_indexed_before_its_first_visitor(project, built_db, tmp_path):
    """The search pages' and the facets' indexes are built when the server adopts a release (its
    health check), so no visitor's request builds them (0.9 s at 100x, once per process and release)."""
    from bidrag import facet_index, finder
    from bidrag.site import DATABASE, make_datasette

    db = tmp_path / "bidrag.db"  # a file of its own: no other test has indexed it
    shutil.copyfile(built_db, db)
    datasette = make_datasette(project, db)
    assert (await datasette.client.get("/-/health.json")).status_code == 200
    release = datasette.get_database(DATABASE)
    assert release.path == str(db)
    assert all(finder.INDEXES.holds(release, kind) for kind in finder.KINDS.values())
    assert facet_index.INDEXES.holds(release, "measures")
    assert facet_index.INDEXES.holds(release, "decisions")


async def test_the_site_wide_feeds_are_made_once_a_release_serves(project, built_db, tmp_path):
    """The whole calendar (1.6 s of CPU at 100x) is made in the background after the adoption, for
    the release adopted, plain and gzipped, so no visitor's request waits for it alone."""
    from datasette.plugins import pm

    from bidrag.site import DATABASE, content_hash, make_datasette

    db = tmp_path / "bidrag.db"
    shutil.copyfile(built_db, db)
    datasette = make_datasette(project, db)
    assert (await datasette.client.get("/-/health.json")).status_code == 200
    follower = datasette.databases.follower
    await follower.warming
    release = content_hash(datasette)
    memo = pm.get_plugin("feeds.py")._MEMO
    for path in ("/feeds/deadlines.ics", "/feeds/decisions.atom", "/feeds/changes.atom"):
        assert (release, path) in memo.done, path
        assert (release, path, "gzip") in memo.done, path
    calendar = await datasette.client.get("/feeds/deadlines.ics")
    assert calendar.content == memo.done[(release, "/feeds/deadlines.ics")] and "BEGIN:VEVENT" in calendar.text
    assert follower.current.path == datasette.get_database(DATABASE).path == str(db)


async def test_each_release_answers_for_its_own_schema(project, built_db, tmp_path):
    """Datasette's schema questions are answered once per release (the file never changes), never
    from another release: a release with a column more shows it at once, and what a caller does
    with an answer does not change the next one."""
    import os
    import sqlite3

    from bidrag.site import DATABASE, make_datasette

    db = tmp_path / "bidrag.db"
    shutil.copyfile(built_db, db)
    datasette = make_datasette(project, db)
    first = (await datasette.client.get("/bidrag/measures.json?_size=1")).json()["columns"]
    old = datasette.get_database(DATABASE)
    answer = await old.table_columns("measures")
    answer.append("changed_by_a_caller")
    assert await old.table_columns("measures") == first

    wider = tmp_path / "wider.db"
    shutil.copyfile(built_db, wider)
    with sqlite3.connect(wider) as connection:
        connection.execute("alter table measures add column extra_note text")
    os.replace(wider, db)  # a new inode under the same name: a new release
    after = (await datasette.client.get("/bidrag/measures.json?_size=1")).json()["columns"]
    assert after == [*first, "extra_note"]
    assert 'class="col-extra_note' in (await datasette.client.get("/bidrag/measures")).text
    assert await old.table_columns("measures") == first


async def test_schema_answers_about_tables_that_are_not_there_stay_bounded(project, built_db, tmp_path):
    """Any table name in a URL is a schema question: memory for the answers is bounded."""
    from datasette.plugins import pm

    from bidrag.site import DATABASE, make_datasette

    live_release = pm.get_plugin("live_release.py")
    db = tmp_path / "bidrag.db"
    shutil.copyfile(built_db, db)
    datasette = make_datasette(project, db)
    for number in range(live_release.SCHEMA_ANSWERS_KEPT + 50):
        response = await datasette.client.get(f"/bidrag/no_such_table_{number}")
        assert response.status_code == 404
    release = datasette.get_database(DATABASE)
    assert len(release._schema_answers) == live_release.SCHEMA_ANSWERS_KEPT
    assert await release.table_exists("measures") is True
