"""`make fuzz`: hostile requests over every route of the site, checked for what a visitor must never get.

Deterministic for a seed. Each request is a route of the site (pages, tables, rows, JSON, CSV,
canned queries, free SQL, exports, feeds, content pages, /-/ pages, static files) with hostile
parameters, SQL, paths, methods or headers. A response fails when it is a 5xx (except the
documented 503 for a query stopped by its time limit, which carries Retry-After), when an error
page or JSON error has English text, or when a security header is missing.
`tests/test_fuzz.py` runs a few hundred in-process in `make test`; this command runs thousands
against a real server.
"""

import argparse
import asyncio
import html
import json
import random
import re
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from .schema import TABLES

REQUIRED_HEADERS = ("content-security-policy", "x-content-type-options", "x-frame-options", "referrer-policy")
# Words from Datasette's, SQLite's, Starlette's and uvicorn's English errors.
ENGLISH = re.compile(
    r"not found|internal server error|bad request|method not allowed|permission denied|traceback|"
    r"\binvalid\b|\bcannot\b|must be|no such|syntax error|took too long|\berror\b|\bforbidden\b|"
    r"not allowed|too big|interrupted|unrecognized",
    re.IGNORECASE,
)
CANNED = ("search_measures", "totals_per_region", "rejected_measures", "upcoming_deadlines")
PAGES = ("/", "/good_examples", "/rejections", "/data_and_api", "/accessibility", "/bidrag")
DEBUG = ("patterns", "allow-debug", "messages", "threads", "plugins", "settings", "metadata", "actor",
         "databases", "permissions", "config", "logout", "versions", "auth-token", "create-token")  # fmt: skip
OPERATORS = ("exact", "not", "contains", "endswith", "startswith", "gt", "gte", "lt", "lte", "like", "notlike",
             "glob", "in", "notin", "arraycontains", "arraynotcontains", "date", "isnull", "notnull", "isblank",
             "nope", "")  # fmt: skip
HOSTILE_VALUES = (
    "nope", "", " ", "-1", "0", "99999999999999999999", "1e309", "abc", "%00", "\x00", "'", '"', "`", "[", "]",
    "\\", "../../etc/passwd", "<script>alert(1)</script>", "javascript:alert(1)", "' or 1=1 --", "ä" * 300,
    "x" * 5000, "\u202e", "\ufeff", "🙂", "null", "true", "[1,2", "{}", "~", "~2E", "%", "*", "max", "Å", "NaN",
)  # fmt: skip
HOSTILE_SQL = (
    "select length(printf('%.*c', 1000000000, 'x'))",
    "select zeroblob(1000000000)",
    "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c",
    "with recursive c(x) as (select 1 union all select x + 1 from c limit 10000000) select group_concat(x) from c",
    "select * from sqlite_master",
    "attach database '/etc/passwd' as x",
    "pragma table_info(measures)",
    "select load_extension('/tmp/x')",
    "select 1; drop table measures",
    "update measures set title = 'x'",
    "select " + "(" * 300 + "1" + ")" * 300,
    "select * from measures a, measures b, measures c",
    "select randomblob(100000000)",
    "select replace(hex(zeroblob(10000000)), '0', 'xx')",
    "select nope from nope",
    "select",
    "select * from measures where id = :id",
    "select 'a' like 'a' escape 'xx'",
    "select json_each('[')",
    "select * from measures order by random()",
)
PARAMETERS = ("_sort", "_sort_desc", "_size", "_next", "_facet", "_facet_array", "_facet_date", "_facet_size",
              "_where", "_search", "_col", "_nocol", "_shape", "_timelimit", "_json", "_labels", "_trace",
              "_context", "_stream", "_dl", "_header", "_nofacet", "_nocount", "_search_title", "_through",
              "_extra", "_hash", "q", "id", "_blob_column", "_blob_hash")  # fmt: skip
METHODS = ("GET",) * 12 + ("HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH")


def routes(ids: dict) -> list[str]:
    """Every route of the site, with real keys where a route takes one."""
    routes = list(PAGES)
    for table in TABLES:
        routes += [f"/bidrag/{table}", f"/bidrag/{table}.json", f"/bidrag/{table}.csv", f"/exports/{table}.csv"]
        routes.append(f"/exports/excel/{table}.csv")
    for table, key in ids.items():
        routes += [f"/bidrag/{table}/{key}", f"/bidrag/{table}/{key}.json"]
    for query in CANNED:
        routes += [f"/bidrag/{query}", f"/bidrag/{query}.json", f"/bidrag/{query}.csv"]
    routes += ["/bidrag.json", "/bidrag.csv", "/.json", "/exports/datapackage.json", "/exports/dcat.rdf"]
    routes += [f"/feeds/{feed}.{kind}" for feed in ("decisions", "changes") for kind in ("atom", "json")]
    routes += ["/feeds/deadlines.ics", f"/feeds/deadlines/{ids['regions']}.ics"]
    routes += [f"/feeds/regions/{ids['regions']}.{kind}" for kind in ("atom", "ics")]
    routes += [f"/feeds/themes/{ids['themes']}.{kind}" for kind in ("atom", "ics")]
    routes += [f"/-/{page}" for page in DEBUG] + ["/-/versions.json", "/assets/site.css", "/-/static/app.css"]
    return routes


def sample_ids(db_path: Path) -> dict:
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as connection:
        return {
            table: connection.execute(f"select id from [{table}] order by id limit 1").fetchone()[0]
            for table in ("regions", "decisions", "measures", "themes")
        }


def _mangled_path(rng: random.Random, path: str) -> str:
    choice = rng.randrange(8)
    if choice == 0:
        return path + rng.choice(("/", "//", "/..", "/%2e%2e", "~", ".nope", "/-/nope", "%00"))
    if choice == 1:
        return "/" + quote(rng.choice(HOSTILE_VALUES), safe="") + path
    if choice == 2:
        return path.replace("/", rng.choice(("//", "/./", "/%2F", "\\")), 1)
    if choice == 3:
        return path + "/" + quote(rng.choice(HOSTILE_VALUES), safe="")
    return path


def _parameters(rng: random.Random, path: str) -> dict:
    parameters = {}
    for _ in range(rng.randrange(4)):
        if rng.random() < 0.5:
            name = rng.choice(PARAMETERS)
        else:
            table = rng.choice(list(TABLES))
            column = rng.choice(TABLES[table].column_names + ["nope"])
            operator = rng.choice(OPERATORS)
            name = f"{column}__{operator}" if operator else column
        parameters[name] = rng.choice(HOSTILE_VALUES)
    if path.startswith(("/bidrag.json", "/bidrag.csv")) or path == "/bidrag" or rng.random() < 0.05:
        parameters["sql"] = rng.choice(HOSTILE_SQL)
    return parameters


def requests(seed: int, count: int, ids: dict):
    """(method, target, headers) for `count` hostile requests, the same for the same seed."""
    rng = random.Random(seed)
    every = routes(ids)
    for number in range(count):
        path = every[number % len(every)] if number < len(every) else rng.choice(every)
        if number >= len(every):
            path = _mangled_path(rng, path)
        parameters = _parameters(rng, path)
        query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in parameters.items())
        headers = {}
        if rng.random() < 0.2:
            headers["host"] = rng.choice(("attacker.example", "evil.example:8080", "[::1]", "x" * 300))
        if rng.random() < 0.1:
            headers["accept"] = rng.choice(("application/json", "*/*", "text/csv", "nope"))
        if rng.random() < 0.05:
            headers["x-forwarded-host"] = "attacker.example"
        method = rng.choice(METHODS) if number >= len(every) else "GET"
        yield method, path + ("?" + query if query else ""), headers


def _visible_text(content_type: str, body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            data = json.loads(text)
        except ValueError:
            return text
        return " ".join(str(data.get(k, "")) for k in ("error", "title", "message")) if isinstance(data, dict) else ""
    if "html" in content_type:
        text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
        text = re.sub(r"<textarea\b.*?</textarea>", " ", text, flags=re.S | re.I)  # the visitor's own SQL
        text = re.sub(r"<code\b.*?</code>", " ", text, flags=re.S | re.I)
        return html.unescape(re.sub(r"<[^>]+>", " ", text))
    return text


def problems(method: str, target: str, status: int, headers: dict, body: bytes) -> list[str]:
    """What is wrong with one response (headers with lower-case names)."""
    found = []
    if status >= 500 and not (status == 503 and "retry-after" in headers):
        found.append(f"{status}")
    missing = [name for name in REQUIRED_HEADERS if name not in headers]
    if missing:
        found.append("saknar " + ", ".join(missing))
    if status >= 400 and method != "HEAD":
        words = ENGLISH.findall(_visible_text(headers.get("content-type", ""), body))
        if words:
            found.append(f"engelska: {sorted(set(w.lower() for w in words))}")
    location = headers.get("location", "")
    if location and not location.startswith("/") or location.startswith(("//", "/\\")):
        found.append(f"omdirigerar till {location}")
    return found


async def run_against(base: str, seed: int, count: int, ids: dict, concurrency: int = 10) -> dict:
    import httpx

    tally = {"requests": 0, "problems": [], "statuses": {}}
    work = iter(list(requests(seed, count, ids)))
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:

        async def worker():
            for method, target, headers in work:
                try:
                    response = await client.request(method, target, headers=headers)
                except httpx.HTTPError as error:
                    tally["problems"].append((method, target, f"inget svar: {type(error).__name__}"))
                    continue
                tally["requests"] += 1
                tally["statuses"][response.status_code] = tally["statuses"].get(response.status_code, 0) + 1
                found = problems(method, target, response.status_code, dict(response.headers), response.content)
                if found:
                    tally["problems"].append((method, target, "; ".join(found)))

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return tally


def main(argv=None) -> None:
    from .browser import live_server
    from .build import build_database
    from .dataset import load_dataset
    from .project import Project

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args(argv)
    project = Project(Path(__file__).resolve().parents[2])
    with tempfile.TemporaryDirectory(prefix="bidrag-fuzz-") as workdir:
        db = Path(workdir) / "bidrag.db"
        build_database(load_dataset(project.data_dir), db)
        started = time.monotonic()
        with live_server(project, db) as base:
            tally = asyncio.run(run_against(base, args.seed, args.requests, sample_ids(db), args.concurrency))
    seconds = time.monotonic() - started
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(tally["statuses"].items()))
    print(f"{tally['requests']} fientliga förfrågningar (frö {args.seed}) på {seconds:.0f} s; statuskoder {statuses}")
    for method, target, problem in tally["problems"][:50]:
        print(f"  FEL {method} {target[:160]}: {problem}")
    print(f"{len(tally['problems'])} fel")
    sys.exit(1 if tally["problems"] or tally["requests"] < args.requests else 0)


if __name__ == "__main__":
    main()
