"""`make bench-search`: the search page /measures at 100x a decision round, every request a new query.

Builds synthetic data (bidrag.synthetic, never published), serves it as the site, and drives /measures
with concurrent clients whose every URL is unique (search words, facets, sorting and page drawn at
random and never repeated), so no cache helps. Prints requests per second and p50/p95 latency. The
Python client runs on the same machine and takes some of the CPU from the server.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from .benchmark import _build
from .browser import live_server
from .project import Project
from .schema import AMOUNT_BANDS, STATUSES

ROOT = Path(__file__).resolve().parents[2]
WORDS = [
    "taligenkänning", "sensor", "robot", "primärvården", "akut", "psykiatri", "hemsjukvården", "triagering",
    "schemaläggning", "journal", "mobilt", "vårdstöd", "egenmonitorering", "AI", "fallprevention", "sjukhus",
    "process", "läkemedel", "digital", "avdelning",
]  # fmt: skip
THEMES = ["ai", "fall_prevention", "sensor_technology", "self_monitoring", "speech_recognition", "automation"]
REGIONS = ["stockholm", "uppsala", "skane", "orebro", "vastra_gotaland", "norrbotten", "gavleborg"]


def unique_urls(base: str, seed: int = 11):
    rng, seen = random.Random(seed), set()
    while True:
        params = []
        if rng.random() < 0.8:
            params.append(("q", " ".join(rng.sample(WORDS, rng.choice((1, 1, 2))))))
        for facet, values, chance in (
            ("status", [key for key, _, _ in STATUSES.members], 0.4),
            ("theme", THEMES, 0.4),
            ("region", REGIONS, 0.3),
            ("amount", [k for k, _, _ in AMOUNT_BANDS.members], 0.2),
        ):
            if rng.random() < chance:
                params += [(facet, v) for v in rng.sample(values, rng.choice((1, 2)))]
        params.append(("sort", rng.choice(("relevance", "date", "amount"))))
        params.append(("page", str(rng.choice((1, 1, 1, 2, 3, 5)))))
        url = f"{base}/measures?{urlencode(params)}"
        if url not in seen:
            seen.add(url)
            yield url


async def drive(base: str, concurrency: int, seconds: float) -> dict:
    urls = unique_urls(base)
    latencies, errors = [], 0
    async with httpx.AsyncClient(timeout=30) as client:
        await client.get(f"{base}/measures")  # the index is built on first use, once per process

        async def worker(deadline):
            nonlocal errors
            while time.monotonic() < deadline:
                url = next(urls)
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200

        started = time.monotonic()
        await asyncio.gather(*(worker(started + seconds) for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": 1000 * statistics.median(latencies),
        "p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "errors": errors,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bidrag-search-bench-") as workdir:
        built = _build(args.scale, Path(workdir))
        with live_server(Project(ROOT), built["db"], timeout=60) as base:
            result = asyncio.run(drive(base, args.concurrency, args.seconds))
    print(
        f"/measures at {args.scale}x ({built['measures']} measures), {args.concurrency} clients, unique queries: "
        f"{result['requests']} requests, {result['rps']:.1f}/s, p50 {result['p50']:.0f} ms, "
        f"p95 {result['p95']:.0f} ms, errors {result['errors']}"
    )


if __name__ == "__main__":
    main()
