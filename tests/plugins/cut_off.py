"""Test-only: attempt(path) in SQL counts its calls in the file path (one line each) and returns the count,
so a test can tell how often a request's query ran; /test/cut-off?path=...&slow=N is a page of ours whose
query runs into the SQL time limit on its first N attempts and counts 1 000 rows after. Never installed on the site."""

from pathlib import Path

from datasette import Response, hookimpl

from bidrag.site import DATABASE

TIME_LIMIT_MS = 50  # the site's 500 ms, shortened for this page as Datasette lets a page do
ENDLESS = 10**12  # no query counts that far: the time limit stops it, as it stops a query too costly
ROWS = 1_000
COUNT = "with recursive r(i) as (select 1 union all select i + 1 from r where i < :bound) select count(*) as n from r"


def attempt(path: str) -> int:
    with open(path, "a", encoding="utf-8") as calls:
        calls.write("attempt\n")
    return len(Path(path).read_text("utf-8").splitlines())


async def cut_off(datasette, request):
    database = datasette.get_database(DATABASE)
    number = (await database.execute("select attempt(:path) as n", {"path": request.args["path"]})).first()["n"]
    bound = ENDLESS if number <= int(request.args["slow"]) else ROWS
    counted = (await database.execute(COUNT, {"bound": bound}, custom_time_limit=TIME_LIMIT_MS)).first()["n"]
    return Response.html(f'<!DOCTYPE html><html lang="sv"><p>Räknade {counted} rader.</p></html>')


@hookimpl
def prepare_connection(conn):
    conn.create_function("attempt", 1, attempt)


@hookimpl
def register_routes():
    return [(r"^/test/cut-off$", cut_off)]
