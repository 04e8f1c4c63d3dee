"""Every error a visitor can cause gets its right status and a Swedish page or Swedish JSON, logged in one line.

Datasette 0.65 answers a bad ?_sort= with 500, a query cut off by its time limit with 400 (or 500
for .csv), invalid SQL in .csv with an empty 200, and prints a traceback with locals (rich) for
each. Here: 400 for bad parameters and bad SQL, 404 for unknown paths and for the debug and
introspection pages under /-/ (only OPERATIONS stays public), 503 for a query stopped by the time
limit, and one log line per error. Requests under /api/ are left to the API's own handler.
"""

import errno
import inspect
import json
import logging
import os
import sqlite3
from urllib.parse import parse_qs

from datasette import Forbidden, NotFound, hookimpl
from datasette.app import Datasette
from datasette.database import Database, QueryInterrupted
from datasette.plugins import pm
from datasette.utils.asgi import Base400, Request
from datasette.views.base import DatasetteError

from bidrag.errors import MARK, SaidInSwedish, error_response, swedish
from bidrag.site import runs_visitor_sql

log = logging.getLogger("bidrag.errors")
if not log.handlers:  # uvicorn configures its own loggers only; ours goes to stderr too
    _handler = logging.StreamHandler()
    _handler.setFormatter(logging.Formatter("%(levelname)s:     %(message)s"))
    log.addHandler(_handler)
    log.setLevel(logging.INFO)
    log.propagate = False

# Datasette's own handler prints a traceback (with locals, when rich is installed) for every error a
# visitor causes; ours takes its place (trylast, as it was), so one line per error is all that is logged.
_DEFAULT_HANDLER = "datasette.handle_exception"
if pm.get_plugin(_DEFAULT_HANDLER) is not None:
    pm.unregister(name=_DEFAULT_HANDLER)


def _quiet(function) -> None:
    """Datasette also writes each failed query to stderr (log_sql_errors=True by default): a second
    line for the same error. The one line is ours, so its default becomes False."""
    names = [p for p in inspect.signature(function).parameters.values() if p.default is not inspect.Parameter.empty]
    function.__defaults__ = tuple(False if p.name == "log_sql_errors" else p.default for p in names)


_quiet(Database.execute)
_quiet(Datasette.execute)
_OURS = MARK.encode()

# What operations needs under /-/: the health checks (bidrag.browser.start_datasette polls
# /-/versions.json; plugins/health.py names the release served) and
# Datasette's own static files. Everything else there is debug or introspection.
OPERATIONS = ("/-/versions.json", "/-/health.json")
OPERATIONS_PREFIXES = ("/-/static/", "/-/static-plugins/")
API_PREFIX = "/api/"
READING = ("GET", "HEAD")  # the site is read-only: Datasette answered other methods in English
# Exceptions that come from parsing what the visitor sent (int("abc") for ?_timelimit=abc, ...).
_PARAMETER_ERRORS = (ValueError, OverflowError, UnicodeError, sqlite3.DatabaseError)


def status_of(exception: BaseException) -> int:
    """The status a visitor's request earns: their mistakes are 4xx, a query cut off is 503."""
    if isinstance(exception, QueryInterrupted) or _interrupted(exception):
        return 503
    if isinstance(exception, (NotFound, Forbidden)) or _no_such_file(exception):
        return 404
    if isinstance(exception, Base400):
        return exception.status
    if isinstance(exception, DatasetteError):
        # Datasette raises these for what it was asked (bad _sort, bad SQL), some with status 500.
        return 404 if exception.status in (403, 404) else 400
    if isinstance(exception, _PARAMETER_ERRORS) or _raised_by_datasette_on_input(exception):
        return 400
    return 500


def _innermost(exception: BaseException):
    trace = exception.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace


def _raised_by_datasette_on_input(exception: BaseException) -> bool:
    """Datasette 0.65 trusts some parameters' shapes (?_through= must be a JSON object): such a
    TypeError or KeyError inside Datasette's own request code is the visitor's malformed input.
    The same in our code stays a 500, for us to fix."""
    trace = _innermost(exception)
    if not isinstance(exception, (TypeError, KeyError, IndexError, AttributeError)) or trace is None:
        return False
    return f"{os.sep}datasette{os.sep}" in trace.tb_frame.f_code.co_filename


def _no_such_file(exception: BaseException) -> bool:
    """A static file path that is not one (/assets/site.css/x, a name too long for the file system)."""
    missing = (errno.ENOENT, errno.ENOTDIR, errno.EISDIR, errno.ENAMETOOLONG)
    return isinstance(exception, OSError) and exception.errno in missing


def _interrupted(exception: BaseException) -> bool:
    if isinstance(exception, DatasetteError) and exception.title == "SQL Interrupted":
        return True
    return isinstance(exception, sqlite3.OperationalError) and "interrupted" in str(exception)


def _english(exception: BaseException) -> str:
    if isinstance(exception, DatasetteError):
        return exception.message if not exception.message_is_html else ""
    if isinstance(exception, QueryInterrupted):
        return "interrupted"
    return str(exception.args[0]) if exception.args else ""


# The scope key that marks a page's first attempt: a 503 then is held back and the page asked once more.
FIRST_ATTEMPT = "bidrag.first_attempt"
_ASKED_AGAIN = " (not sent: asked once more)"


def log_error(request: Request, status: int, exception: BaseException | None, note: str = "") -> None:
    """One line per error; for a 500 also where it happened, never a traceback per request. A 503 held
    back for a second attempt says so: the visitor may well get the page."""
    where = _ASKED_AGAIN if status == 503 and request.scope.get(FIRST_ATTEMPT) else ""
    trace = _innermost(exception) if exception is not None and status == 500 else None
    if trace is not None:
        where = f" at {trace.tb_frame.f_code.co_filename}:{trace.tb_lineno}"
    cause = f"{type(exception).__name__}: {_english(exception)[:200]}" if exception is not None else note
    log.log(
        logging.ERROR if status == 500 else logging.INFO,
        "%s %s %s -> %d %s%s",
        request.method,
        request.path[:200],
        "?" + request.query_string[:200] if request.query_string else "",
        status,
        cause,
        where,
    )


@hookimpl(trylast=True)  # after the API's own handler (problem+json under /api/), which wins if it answers
def handle_exception(datasette, request, exception):
    async def inner():
        status = status_of(exception)
        log_error(request, status, exception)
        said = str(exception) if isinstance(exception, SaidInSwedish) else None
        return await error_response(datasette, request, status, _english(exception), said)

    return inner


@hookimpl
def prepare_jinja2_environment(env):
    # For templates that show SQLite's message for a visitor's query (query.html).
    env.filters["svenska_fel"] = lambda message: swedish(message, 400)


@hookimpl
def forbidden(datasette, request, message):
    """Nothing on this site is private: what Datasette would forbid (its debug pages) does not exist."""

    async def inner():
        log_error(request, 404, None, f"forbidden: {message}")
        return await error_response(datasette, request, 404)

    return inner


def is_debug_path(path: str) -> bool:
    return path.startswith("/-/") and path not in OPERATIONS and not path.startswith(OPERATIONS_PREFIXES)


def _is_query_csv(scope) -> bool:
    """A CSV of visitor SQL or a canned query: Datasette sends an empty 200 when the SQL fails."""
    query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
    return scope["path"].endswith(".csv") and ("sql" in query or scope["path"].count("/") == 2)


class _Guard:
    """Watches one response: an empty query CSV becomes a 400 and Datasette's English JSON and text
    errors Swedish ones; knows whether anything was sent, so a late failure can still get a page."""

    def __init__(self, scope, send, hold_interrupted: bool = False):
        self._send, self.started = send, False
        self.datasette = scope["bidrag.datasette"]
        self.hold_interrupted, self.interrupted = hold_interrupted, False
        self.path = scope["path"]
        self.check_csv = _is_query_csv(scope)
        self.held = None  # the start message while the body decides
        self.body = []  # body parts held with it
        self.replacement = None  # (status, english) when the response is to be replaced

    async def send(self, message):
        if self.replacement is not None or self.interrupted:
            return
        if message["type"] == "http.response.start":
            if self.hold_interrupted and message["status"] == 503:
                self.interrupted = True  # not sent: the request is asked once more
                return
            message = self._unmark(message)
            if self._suspect(message):
                self.held = message
                return
        elif message["type"] == "http.response.body" and self.held is not None:
            self.body.append(message)
            verdict = self._verdict()
            if verdict == "wait":
                return
            if verdict is not None:
                self.replacement = verdict
                return
            held, self.held, self.body = [self.held, *self.body], None, []
            for part in held:
                await self._pass(part)
            return
        await self._pass(message)

    async def _pass(self, message):
        self.started = True
        await self._send(message)

    @staticmethod
    def _unmark(start):
        headers = start.get("headers", [])
        if any(name == _OURS for name, _ in headers):
            return {**start, "headers": [(n, v) for n, v in headers if n != _OURS], "ours": True}
        return start

    def _suspect(self, start) -> bool:
        if start.pop("ours", False):
            return False
        status, headers = start["status"], dict(start.get("headers", []))
        # Datasette's own JSON errors, and its bare text or HTML ones ("404: File not found")
        bare = headers.get(b"content-type", b"").startswith((b"application/json", b"text/plain", b"text/html"))
        json_error = status >= 400 and bare
        return (json_error and not self.path.startswith(API_PREFIX)) or (status == 200 and self.check_csv)

    def _verdict(self):
        """None to pass the held response on, "wait" for more of it, else (status, English) to replace it."""
        body = b"".join(part.get("body", b"") for part in self.body)
        more = self.body[-1].get("more_body", False)
        if self.held["status"] == 200:
            if body.strip():
                return None
            return "wait" if more else (400, "Invalid SQL")
        if more:
            return "wait" if len(body) < 65536 else None  # a bare error is small; a long one passes as it is
        if b"<html" in body[:2000]:
            return None  # a page of ours (templates), already Swedish
        try:
            english = json.loads(body).get("error") or ""
        except (ValueError, AttributeError):
            english = body.decode("utf-8", "replace")
        return (self.held["status"], english)


async def _answer(app, scope, receive, send, retry: bool) -> "_Guard":
    """One attempt at the response. With retry, a page of ours whose query was cut off by the time
    limit (a busy machine, not a costly query: ours are bounded) is not sent, so it can be asked
    for once more; a visitor's own SQL gets its 503 at once. Each attempt logs its own line."""
    scope = {**scope, FIRST_ATTEMPT: retry}
    request = Request(scope, receive)
    guard = _Guard(scope, send, hold_interrupted=retry)
    try:
        await app(scope, receive, guard.send)
    except Exception as exception:  # noqa: BLE001 - whatever escapes Datasette gets a page, not a traceback
        status = status_of(exception)
        log_error(request, status, exception)
        if retry and status == 503 and not guard.started:
            guard.interrupted = True  # as for a 503 page: held back, asked once more
        elif not guard.started:
            await (await error_response(guard.datasette, request, status, _english(exception))).asgi_send(send)
        return guard
    if guard.replacement is not None:
        status, english = guard.replacement
        log_error(request, status, None, english or "error response")
        await (await error_response(guard.datasette, request, status, english)).asgi_send(send)
    return guard


@hookimpl(tryfirst=True)  # innermost wrapper: the security headers are added around it
def asgi_wrapper(datasette):
    def wrap(app):
        async def guarded(scope, receive, send):
            if scope["type"] != "http" or scope["path"].startswith(API_PREFIX):
                return await app(scope, receive, send)  # the API answers its own errors (problem+json)
            scope = {**scope, "bidrag.datasette": datasette}
            request = Request(scope, receive)
            if scope["method"] not in READING:
                log_error(request, 405, None, "method")
                response = await error_response(datasette, request, 405)
                response.headers["allow"] = ", ".join(READING)
                return await response.asgi_send(send)
            if is_debug_path(scope["path"]):
                log_error(request, 404, None, "debug page")
                return await (await error_response(datasette, request, 404)).asgi_send(send)
            guard = await _answer(app, scope, receive, send, retry=not runs_visitor_sql(request))
            if guard.interrupted:  # cut off: asked once more; the second answer is sent, whatever it is
                await _answer(app, scope, receive, send, retry=False)

        return guarded

    return wrap
