"""Visitor SQL is bounded in memory and cannot take the threads the site's own pages need.

Datasette's time limit is checked between SQLite's steps, so one step that builds a huge value
(`printf('%.*c', 1000000000, 'x')`, `zeroblob(1e9)`) runs to the end and took the server from
81 MB to 1 GB. SQLite's own limits stop such values, over-long SQL and deep nesting at once, and
a heap limit bounds what all connections may hold together. Requests that run a visitor's SQL
(`?sql=`, `?_where=`) share VISITOR_SLOTS of Datasette's threads, the rest stay free for the
site's pages; when too many wait, a visitor gets 429 with Retry-After instead of a stalled site.
"""

import asyncio
import re
import sqlite3
import threading

from datasette import hookimpl
from datasette.utils.asgi import Request

from bidrag.errors import error_response
from bidrag.site import runs_visitor_sql

LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: 5_000_000,  # bytes of one string or blob; the longest text we publish is ~100 KB
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 50_000,  # the longest canned query is under 1 000
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 100,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1_000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 500,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 100,
    sqlite3.SQLITE_LIMIT_ATTACHED: 0,
}
# All connections of the process together (page caches, sorts, values being built).
HEAP_LIMIT_BYTES = 256 * 1024 * 1024
VISITOR_SLOTS = 1  # of Datasette's num_sql_threads (3): two always serve the site's own pages
VISITOR_QUEUE = 8  # visitor queries waiting beyond this are told to come back (429)


_NUMBER = re.compile(r"\d+")
_local = threading.local()


def _limited(conn) -> None:
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)


def bounded_printf(form, *args):
    """SQLite's printf, but a width or precision beyond the length limit gives NULL at once. SQLite
    gives NULL too (its result would be too long), after 15 s of CPU in one step, out of the time
    limit's reach."""
    limit = LIMITS[sqlite3.SQLITE_LIMIT_LENGTH]
    if isinstance(form, str) and any(int(n) > limit for n in _NUMBER.findall(form)):
        return None
    if "*" in str(form) and any(isinstance(a, (int, float)) and abs(a) > limit for a in args):
        return None
    if not hasattr(_local, "connection"):  # SQLite's own printf, on a private connection per thread
        _local.connection = sqlite3.connect(":memory:", check_same_thread=False)
        _limited(_local.connection)
    marks = ", ".join("?" * (len(args) + 1))
    return _local.connection.execute(f"select printf({marks})", (form, *args)).fetchone()[0]


@hookimpl
def prepare_connection(conn):
    _limited(conn)
    conn.execute(f"pragma hard_heap_limit = {HEAP_LIMIT_BYTES}")
    for name in ("printf", "format"):
        conn.create_function(name, -1, bounded_printf, deterministic=True)


class Gate:
    """At most VISITOR_SLOTS visitor queries at once, at most VISITOR_QUEUE waiting (per event loop)."""

    def __init__(self):
        self.semaphore, self.waiting = None, 0

    def full(self) -> bool:
        return self.waiting >= VISITOR_QUEUE

    async def __aenter__(self):
        if self.semaphore is None:
            self.semaphore = asyncio.Semaphore(VISITOR_SLOTS)
        self.waiting += 1
        try:
            await self.semaphore.acquire()
        finally:
            self.waiting -= 1

    async def __aexit__(self, *exc):
        self.semaphore.release()


@hookimpl
def asgi_wrapper(datasette):
    gate = Gate()

    def wrap(app):
        async def limited(scope, receive, send):
            if scope["type"] != "http":
                return await app(scope, receive, send)
            request = Request(scope, receive)
            if not runs_visitor_sql(request):
                return await app(scope, receive, send)
            if gate.full():
                return await (await error_response(datasette, request, 429)).asgi_send(send)
            async with gate:
                await app(scope, receive, send)

        return limited

    return wrap
