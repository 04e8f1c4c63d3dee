"""Serve the release the live link points at, switching without a restart, each request from one release.

`bidrag publish` and `bidrag rollback` switch build/site/bidrag.db (a symlink) to another immutable
file. Datasette opens a database once and then opens further connections lazily, per SQL thread, by
the path it was given: through a symlink, threads opened before a switch read the old file and those
opened after it the new one, so one server (even one page) mixed releases. Here every request,
before Datasette sees it, resolves the link; when its target changed, a new immutable Database for
the resolved file (with its own connections, hash and row counts) becomes the one new requests get.
The request keeps the Database it started with (a context variable, inherited by the tasks it
spawns) however long it runs, so requests in flight finish on the old release and caches keyed on
bidrag.site.content_hash change with the release. A release's indexes (bidrag.warm) are built
before it serves, so the requests that wait for an adoption wait once, for the whole of it; its
site-wide feeds are made in the background once it serves. What Datasette asks about a release's
schema on every page is answered from memory after the first time: the file never changes.
"""

import asyncio
import copy
import os
import sqlite3
import threading
from collections.abc import MutableMapping
from contextvars import ContextVar
from pathlib import Path

from datasette import hookimpl
from datasette.database import Database
from datasette.inspect import inspect_hash

from bidrag.site import DATABASE
from bidrag.warm import warm, warm_pages

_pinned: ContextVar = ContextVar("bidrag_release", default=None)

# What Datasette asks a database about its schema, again on every page (a table page: 21 of its 32
# trips to a SQL thread). A release never changes, so each answer is read once per release.
SCHEMA_QUESTIONS = (
    "table_exists",
    "table_names",
    "view_names",
    "hidden_table_names",
    "table_columns",
    "table_column_details",
    "primary_keys",
    "fts_table",
    "label_column_for_table",
    "foreign_keys_for_table",
    "get_all_foreign_keys",
    "get_table_definition",
    "get_view_definition",
)
SCHEMA_ANSWERS_KEPT = 1_000  # a visitor names any table in a URL: the answers about what is not there are not all kept


def _answered_once(name: str):
    asked = getattr(Database, name)

    async def answered(self, *arguments):
        key = (name, *arguments)
        if key in self._schema_answers:
            return copy.deepcopy(self._schema_answers[key])  # a caller may change what it gets
        answer = await asked(self, *arguments)
        if len(self._schema_answers) < SCHEMA_ANSWERS_KEPT:
            self._schema_answers[key] = copy.deepcopy(answer)
        return answer

    answered.__name__ = name
    return answered


class Release(Database):
    """One immutable release file. Its connections are its own: Datasette keys per-thread connections
    by database name, which every release shares, so a thread would otherwise keep reading the old file."""

    def __init__(self, datasette, path: str, identity: tuple):
        super().__init__(datasette, path=path, is_mutable=False)
        self.name = self.route = DATABASE
        self.identity = identity
        self._connections = threading.local()
        self._schema_answers: dict = {}

    def prepare(self) -> "Release":
        """Hash and row counts computed once, off the event loop (never an inspect file of another release)."""
        self.cached_hash = inspect_hash(Path(self.path))
        self.cached_size = Path(self.path).stat().st_size
        with sqlite3.connect(f"file:{self.path}?immutable=1", uri=True) as connection:
            tables = [r[0] for r in connection.execute("select name from sqlite_master where type = 'table'")]
            self._cached_table_counts = {
                t: connection.execute(f"select count(*) from [{t}]").fetchone()[0] for t in tables
            }
        return self

    async def execute_fn(self, fn):
        def in_thread():
            connection = getattr(self._connections, "connection", None)
            if connection is None:
                connection = self._connections.connection = self.connect()
                self.ds._prepare_connection(connection, self.name)
            return fn(connection)

        if self.ds.executor is None:  # num_sql_threads 0: Datasette's non-threaded mode
            return in_thread()
        return await asyncio.get_running_loop().run_in_executor(self.ds.executor, in_thread)


for _name in SCHEMA_QUESTIONS:
    setattr(Release, _name, _answered_once(_name))


def _identity(link: str) -> tuple | None:
    """The file the link resolves to now, and its inode (a rebuilt preview file keeps its name)."""
    target = os.path.realpath(link)
    try:
        status = os.stat(target)
    except OSError:
        return None  # mid-switch or removed: keep serving what is served
    return (target, status.st_dev, status.st_ino)


class Follower:
    """The release new requests get: the one the link points at."""

    def __init__(self, datasette, link: str):
        self.datasette = datasette
        self.link = link
        self.current: Release | None = None
        self.warming: asyncio.Task | None = None  # the pages of the current release made in advance
        self._lock = asyncio.Lock()

    async def release(self) -> Database:
        identity = _identity(self.link)
        if self.current is not None and identity in (None, self.current.identity):
            return self.current
        async with self._lock:  # one adoption at a time; requests arriving meanwhile wait for it
            identity = _identity(self.link) or (self.current and self.current.identity)
            if identity is None:
                raise FileNotFoundError(self.link)
            if self.current is None or identity != self.current.identity:
                release = await asyncio.to_thread(Release(self.datasette, identity[0], identity).prepare)
                await warm(release)  # before any request gets it
                self.current = release
                self.warming = _in_release(release, warm_pages(self.datasette))
        return self.current


def _in_release(release: Database, coroutine) -> asyncio.Task:
    """A task that reads release, whatever the link says meanwhile (tasks copy the context they start in)."""
    token = _pinned.set(release)
    try:
        return asyncio.ensure_future(coroutine)
    finally:
        _pinned.reset(token)


class Databases(MutableMapping):
    """datasette.databases with the bidrag entry answered by the request's own release. Datasette
    copies and replaces this mapping when databases are added (copy() keeps the follower)."""

    def __init__(self, entries, follower: Follower):
        self._entries = dict(entries)
        self.follower = follower

    def __getitem__(self, name):
        if name == DATABASE:
            return _pinned.get() or self.follower.current or self._entries[name]
        return self._entries[name]

    def __setitem__(self, name, value):
        self._entries[name] = value

    def __delitem__(self, name):
        del self._entries[name]

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def copy(self):
        return Databases(self._entries, self.follower)


def _follower(datasette) -> Follower | None:
    """Installed on the first request: make_datasette adds the database after Datasette built its app."""
    databases = datasette.databases
    if isinstance(databases, Databases):
        return databases.follower
    original = databases.get(DATABASE)
    if original is None or original.path is None:
        return None
    # Counts from an inspect file describe one file; Datasette would show them for every release.
    datasette.inspect_data = None
    follower = Follower(datasette, os.path.abspath(original.path))
    datasette.databases = Databases(databases, follower)
    return follower


@hookimpl(trylast=True)  # the outermost wrapper: every other wrapper already sees the request's release
def asgi_wrapper(datasette):
    def wrap(app):
        async def follow(scope, receive, send):
            follower = _follower(datasette)
            if scope["type"] != "http" or follower is None or _pinned.get() is not None:
                return await app(scope, receive, send)  # a request inside a request keeps its release
            token = _pinned.set(await follower.release())
            try:
                await app(scope, receive, send)
            finally:
                _pinned.reset(token)

        return follow

    return wrap
