"""The per-release indexes a process builds before a release serves its first request.

The search pages (bidrag.finder) and the table pages' facets (bidrag.facet_index) read a release
once into bit sets: 0.9 s at 100x. Built by the first visitor, that second stalled his request and
those behind it, once per process and release; `bidrag serve` builds them when it adopts a release
(plugins/live_release.py), so the health check and the switch wait for them, not a visitor.
An index that cannot be built (a damaged file) is logged and left to the pages that need it: they
fail as they did, and the health check and every other page still answer.

The site-wide feeds are the same for every visitor and costly to make the first time (the whole
calendar: 1.5 s at 100x for 6 300 events, made by a child process, bidrag.calendar; once per
process and release, bidrag.memo): once a release serves, they are asked for in the background
(warm_pages), so its first visitors share that work instead of waiting for it one by one, and the
switch does not wait for it.
"""

import logging

from . import facet_index, finder
from .schema import TABLES

log = logging.getLogger("bidrag.warm")


async def warm(database) -> None:
    wanted = [(facet_index.INDEXES, t) for t in TABLES if facet_index.indexable(t)]
    wanted += [(finder.INDEXES, kind) for kind in finder.KINDS.values()]
    for indexes, what in wanted:
        try:
            await indexes.get(database, what)
        except Exception as error:  # noqa: BLE001 - any damage; the page that needs the index reports it
            log.warning(
                "index %s of %s not built: %s: %s",
                getattr(what, "name", what),
                database.path,
                type(error).__name__,
                error,
            )


PAGES = ("/feeds/deadlines.ics", "/feeds/decisions.atom", "/feeds/changes.atom")


async def warm_pages(datasette) -> None:
    """Ask for PAGES, plain and gzipped, as a visitor would; a failure is logged, never raised."""
    for path in PAGES:
        for headers in ({}, {"accept-encoding": "gzip"}):
            try:
                status = (await datasette.client.get(path, headers=headers)).status_code
            except Exception as error:  # noqa: BLE001 - logged; a visitor's request reports it again
                status = f"{type(error).__name__}: {error}"
            if status != 200:
                log.warning("page %s not made in advance: %s", path, status)
