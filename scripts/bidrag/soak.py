"""`make soak`: the site under steady load for a long time: zero errors, memory growth under 10 %.

Builds synthetic data (10x by default), serves it as `bidrag serve` does and drives it with
concurrent clients for the given minutes: repeat visits to the site's pages, feeds and exports, and
unique URLs (filters, searches, sorts) that no cache can answer. Memory is the server's resident
set, sampled every few seconds; growth is measured from the end of the warm-up (a fifth of the run,
when the response cache has reached its bound) to the end.
"""

import argparse
import asyncio
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

import httpx

from .benchmark import ROOT, _build
from .browser import free_port, start_datasette
from .project import Project
from .site import serve_arguments

SEARCHES = ("robot", "AI", "triage", "sensor", "journal", "läkemedel", "hemsjukvård", "schema")


def repeat_paths(decision: str, region: str) -> list[str]:
    return [
        "/",
        f"/bidrag/decisions/{decision}",
        f"/bidrag/regions/{region}",
        "/bidrag/measures",
        "/bidrag/measures?_search=taligenk%C3%A4nning",
        "/bidrag/measures.json?_shape=array&status=avslagen&_size=100",
        "/good_examples",
        "/rejections",
        "/feeds/decisions.atom",
        f"/feeds/regions/{region}.ics",
        "/exports/decisions.csv",
    ]


def unique_path(rng: random.Random, number: int) -> str:
    choice = number % 4
    if choice == 0:
        return f"/bidrag/measures?_search={rng.choice(SEARCHES)}&amount_granted__gte={number}"
    if choice == 1:
        return f"/bidrag/measures.json?_shape=array&amount_applied__gte={number}&_size=20"
    if choice == 2:
        return f"/bidrag/decisions?_sort_desc=amount_granted&amount_granted__gt={number}"
    return f"/bidrag/measures?_facet=status&decided_on__gte=2025-01-01&position__gte={number % 10}&n={number}"


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def drive(base: str, pid: int, seconds: float, clients: int, paths: list[str]) -> dict:
    rng = random.Random(10)
    tally = {"requests": 0, "errors": [], "rss": []}
    deadline = time.monotonic() + seconds
    counter = iter(range(10**9))

    async def client(session):
        while time.monotonic() < deadline:
            number = next(counter)
            path = unique_path(rng, number) if number % 5 == 0 else paths[number % len(paths)]
            try:
                response = await session.get(path)
                ok = response.status_code == 200
            except httpx.HTTPError as error:
                ok, response = False, error
            tally["requests"] += 1
            if not ok:
                tally["errors"].append((path, getattr(response, "status_code", repr(response))))

    async def sampler():
        while time.monotonic() < deadline:
            tally["rss"].append((time.monotonic(), _rss_mb(pid)))
            await asyncio.sleep(5)

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as session:
        await asyncio.gather(sampler(), *(client(session) for _ in range(clients)))
    tally["rss"].append((time.monotonic(), _rss_mb(pid)))
    return tally


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--clients", type=int, default=10)
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bidrag-soak-"))
    try:
        built = _build(args.scale, workdir)
        port = free_port()
        server = start_datasette(serve_arguments(Project(ROOT), "127.0.0.1", port, built["db"]), port)
        try:
            with sqlite3.connect(built["db"]) as connection:
                query = "select region_id from decisions where id = ?"
                region = connection.execute(query, (built["decision"],)).fetchone()[0]
            paths = repeat_paths(built["decision"], region)
            tally = asyncio.run(drive(f"http://127.0.0.1:{port}", server.pid, args.minutes * 60, args.clients, paths))
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    samples = tally["rss"]
    warm = samples[max(1, len(samples) // 5)][1]
    end, peak = samples[-1][1], max(rss for _, rss in samples)
    growth = 100 * (end - warm) / warm
    print(
        f"{args.minutes:g} min vid {args.scale}x med {args.clients} klienter: {tally['requests']} förfrågningar "
        f"({tally['requests'] / (args.minutes * 60):.0f}/s), {len(tally['errors'])} fel; minne efter uppvärmning "
        f"{warm:.0f} MB, vid slutet {end:.0f} MB ({growth:+.1f} %), högst {peak:.0f} MB"
    )
    for path, status in tally["errors"][:20]:
        print(f"  FEL {status} {path}")
    sys.exit(0 if not tally["errors"] and growth < 10 else 1)


if __name__ == "__main__":
    main()
