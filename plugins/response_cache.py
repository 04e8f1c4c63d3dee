"""Whole responses kept in memory: the database is immutable, so a page asked for again is answered at once.

Keyed on the release (bidrag.site.content_hash), the day (bidrag.clock: pages show upcoming
deadlines) and the path with its query string; never on the Host header (plugins/canonical_host.py
has replaced it before any page is built). Pages that read no parameter (the start page and the
pages of templates/pages) are keyed on their path alone: ?anything is the same page, and a
cache-busting query made Goda exempel render anew each time (36 ms). Bounded in bytes, least recently used out first.
Only complete, successful, public responses are kept: status 200, no cookie, not private, no Vary
but Datasette's own, the whole body seen, no facet that ran out of time, and the release unchanged
while it was built.
A 200 that names no Cache-Control gets Datasette's default_cache_ttl (our own routes and pages).
Limits: plugins: bidrag-cache: {max_bytes, max_entry_bytes} in metadata.yml.
"""

from collections import OrderedDict
from pathlib import Path

from datasette import hookimpl

from bidrag import clock
from bidrag.site import content_hash

MAX_BYTES = 64 * 1024 * 1024
MAX_ENTRY_BYTES = 2 * 1024 * 1024
# The table page and its JSON name the facets that ran out of time; such a page is not complete.
_INCOMPLETE = (b'class="facets-timed-out"', b'"facets_timed_out": ["')
_PRIVATE = (b"private", b"no-store")
# Datasette's Vary: a request with either header is never answered from the cache (cacheable_request).
_KEYED_VARY = {b"cookie", b"authorization"}


class ResponseCache:
    def __init__(self, max_bytes: int, max_entry_bytes: int):
        self.max_bytes, self.max_entry_bytes = max_bytes, max_entry_bytes
        self.entries: OrderedDict = OrderedDict()
        self.bytes = 0
        self.hits = self.misses = 0

    def get(self, key):
        entry = self.entries.get(key)
        if entry is not None:
            self.entries.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return entry

    def put(self, key, status: int, headers: list, body: bytes) -> None:
        size = len(body) + sum(len(n) + len(v) for n, v in headers) + len(repr(key))
        if size > self.max_entry_bytes or key in self.entries:
            return
        self.entries[key] = (status, headers, body, size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, _, _, dropped) = self.entries.popitem(last=False)
            self.bytes -= dropped


def cacheable_request(scope) -> bool:
    if scope["method"] != "GET" or scope["path"].startswith("/-/"):
        return False
    return not any(name in (b"cookie", b"authorization") for name, _ in scope.get("headers", []))


def storable(status: int, headers: list, body: bytes) -> bool:
    if status != 200:
        return False
    for name, value in headers:
        name = name.lower()
        if name == b"set-cookie" or (name == b"cache-control" and any(p in value for p in _PRIVATE)):
            return False
        if name == b"vary" and {v.strip().lower() for v in value.split(b",")} - _KEYED_VARY:
            return False  # it differs by a request header the key does not hold (the gzipped downloads)
    return not any(marker in body for marker in _INCOMPLETE)


_PAGES = Path(__file__).resolve().parents[1] / "templates" / "pages"
WITHOUT_PARAMETERS = {"/", *(f"/{page.stem}" for page in _PAGES.glob("*.html"))}


def key_for(datasette, scope) -> tuple:
    path = scope.get("raw_path") or scope["path"].encode("utf-8")
    query = b"" if scope["path"] in WITHOUT_PARAMETERS else scope.get("query_string", b"")
    return (content_hash(datasette), clock.today().isoformat(), path, query)


def with_max_age(start: dict, seconds: int) -> dict:
    """A 200 without Cache-Control gets Datasette's default_cache_ttl, as its own views have it: the
    start page, templates/pages and the search pages sent none, so no browser or CDN kept them."""
    headers = start.get("headers", [])
    if start["status"] != 200 or any(name.lower() == b"cache-control" for name, _ in headers):
        return start
    return {**start, "headers": [*headers, (b"cache-control", f"max-age={seconds}".encode())]}


async def replay(send, entry) -> None:
    status, headers, body, _ = entry
    await send({"type": "http.response.start", "status": status, "headers": [*headers, (b"x-cache", b"hit")]})
    await send({"type": "http.response.body", "body": body})


@hookimpl
def asgi_wrapper(datasette):
    config = datasette.plugin_config("bidrag-cache") or {}
    cache = ResponseCache(int(config.get("max_bytes", MAX_BYTES)), int(config.get("max_entry_bytes", MAX_ENTRY_BYTES)))
    datasette._bidrag_response_cache = cache  # for tests and the benchmark's report

    def wrap(app):
        async def cached(scope, receive, send):
            if scope["type"] != "http" or not cacheable_request(scope):
                return await app(scope, receive, send)
            key = key_for(datasette, scope)
            entry = cache.get(key)
            if entry is not None:
                return await replay(send, entry)
            start, parts, size, complete = None, [], 0, False

            async def recording(message):
                nonlocal start, size, complete
                if message["type"] == "http.response.start":
                    start = message = with_max_age(message, datasette.setting("default_cache_ttl"))
                    message = {**message, "headers": [*message.get("headers", []), (b"x-cache", b"miss")]}
                elif message["type"] == "http.response.body" and size <= cache.max_entry_bytes:
                    parts.append(message.get("body", b""))
                    size += len(parts[-1])
                    complete = not message.get("more_body", False)
                await send(message)

            await app(scope, receive, recording)
            if start is None or not complete or key_for(datasette, scope) != key:
                return
            body = b"".join(parts)
            headers = list(start.get("headers", []))
            if storable(start["status"], headers, body):
                cache.put(key, start["status"], headers, body)

        return cached

    return wrap
