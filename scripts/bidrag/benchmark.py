"""`make bench`: how fast the site is, and what our plugins and templates cost over bare Datasette.

For synthetic data at 1x, 10x and 100x a full decision round (21 regions, 10 measures each), it
times the build and its peak memory, then serves the same database twice, as the site and as a
bare `datasette serve`, and drives each endpoint with concurrent clients on 127.0.0.1. It prints
requests per second and p50/p95 latency with the ratio site/bare, and can write BENCHMARKS.md.
The load generator runs on the same machine, so it takes some of the CPU from the servers.
"""

import argparse
import asyncio
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import datasette
import httpx

from .browser import free_port, start_datasette
from .project import Project
from .site import serve_arguments
from .synthetic import write_synthetic_tree

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS_MARKER = "<!-- analysis: kept when make bench rewrites the figures above -->"
TARGETS = {"json_p95_ms": 100, "html_p95_ms": 250, "throughput_ratio": 0.8, "build_100x_s": 10}


def endpoints(decision_id: str) -> list[tuple[str, str, bool, bool]]:
    """(name, path, is_json, shared with bare Datasette)."""
    return [
        ("Startsida", "/", False, False),
        ("Beslutssida", f"/bidrag/decisions/{decision_id}", False, True),
        ("Åtgärder, två urval", "/bidrag/measures?_facet=status&_facet=region_id", False, True),
        ("Sökning", "/bidrag/measures?_search=taligenk%C3%A4nning", False, False),
        ("JSON-API", "/bidrag/measures.json?_shape=array&status=avslagen&_size=100", True, True),
    ]


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


# wrk (Debian's package) generates load in C and leaves the CPU to the servers; without it, a
# Python client does the same job less frugally.
_WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK %d %d %d %d %d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def load(url: str, concurrency: int, seconds: float) -> dict:
    wrk = shutil.which("wrk")
    if wrk is None:
        return asyncio.run(_load(url, concurrency, seconds))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_WRK_REPORT)
    try:
        subprocess.run([wrk, "-t1", f"-c{concurrency}", "-d1s", url], capture_output=True, check=True)  # warm up
        output = subprocess.run(
            [wrk, "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "-s", script.name, url],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    requests, duration, p50, p95, errors = map(int, output.rsplit("WRK ", 1)[1].split())
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p95": p95 / 1000,
        "requests": requests,
        "errors": errors,
    }


def load_generator() -> str:
    return "wrk" if shutil.which("wrk") else "httpx (Python)"


async def _load(url: str, concurrency: int, seconds: float) -> dict:
    latencies, errors = [], 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # warm caches and connections
            await client.get(url)

        async def worker(deadline):
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                response = await client.get(url)
                latencies.append(time.perf_counter() - started)
                errors += response.status_code != 200

        started = time.monotonic()
        await asyncio.gather(*(worker(started + seconds) for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": 1000 * statistics.median(latencies),
        "p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
        "requests": len(latencies),
        "errors": errors,
    }


def _build(scale: int, workdir: Path) -> dict:
    data = workdir / "data"
    decisions = write_synthetic_tree(ROOT / "data", data, scale)
    db = workdir / "site" / "bidrag.db"
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "bidrag", "--root", str(workdir), "build", "--allow-synthetic", "--db", str(db)],
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(process.stderr.read().decode())
    with sqlite3.connect(db) as connection:
        measures = connection.execute("select count(*) from measures").fetchone()[0]
        decision = connection.execute("select id from decisions where id like 'synthetic%' limit 1").fetchone()[0]
    return {
        "scale": scale,
        "decisions": decisions + 1,
        "measures": measures,
        "build_s": seconds,
        "build_peak_mb": usage.ru_maxrss / 1024,
        "db": db,
        "decision": decision,
        "db_mb": db.stat().st_size / 1024 / 1024,
    }


def run(scales, concurrency: int, seconds: float) -> list[dict]:
    results = []
    for scale in scales:
        workdir = Path(tempfile.mkdtemp(prefix=f"bidrag-bench-{scale}x-"))
        try:
            built = _build(scale, workdir)
            print(
                f"\n{scale}x: {built['decisions']} beslut, {built['measures']} åtgärder, "
                f"bygget {built['build_s']:.2f} s, topp {built['build_peak_mb']:.0f} MB, "
                f"databasen {built['db_mb']:.1f} MB",
                flush=True,
            )
            site_port, bare_port = free_port(), free_port()
            site = start_datasette(serve_arguments(Project(ROOT), "127.0.0.1", site_port, built["db"]), site_port)
            bare = start_datasette(
                ["serve", "--immutable", str(built["db"]), "--host", "127.0.0.1", "--port", str(bare_port)], bare_port
            )
            try:
                rows = []
                for name, path, is_json, shared in endpoints(built["decision"]):
                    mine = load(f"http://127.0.0.1:{site_port}{path}", concurrency, seconds)
                    theirs = load(f"http://127.0.0.1:{bare_port}{path}", concurrency, seconds) if shared else None
                    rows.append({"name": name, "path": path, "json": is_json, "site": mine, "bare": theirs})
                    ratio = _ratio(mine, theirs)
                    bare_text = (
                        f"{theirs['rps']:7.1f} req/s p50 {theirs['p50']:6.1f} p95 {theirs['p95']:6.1f} ms"
                        f" fel {theirs['errors']}"
                        if theirs
                        else "(saknas i bar Datasette)"
                    )
                    print(
                        f"  {name:22} sajt {mine['rps']:7.1f} req/s p50 {mine['p50']:6.1f} p95 {mine['p95']:6.1f} ms"
                        f" fel {mine['errors']} | bar {bare_text} | kvot {ratio}",
                        flush=True,
                    )
                built.update(rows=rows, site_peak_mb=_peak_rss_mb(site.pid), bare_peak_mb=_peak_rss_mb(bare.pid))
            finally:
                for process in (site, bare):
                    process.terminate()
                    process.wait(timeout=10)
            results.append(built)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def _ratio(site: dict, bare: dict | None) -> str:
    """Throughput site/bare; bare may finish no request at all in a short window."""
    if bare is None:
        return "–"
    return f"{site['rps'] / bare['rps']:.2f}" if bare["rps"] else "∞ (bar: 0 req/s)"


def machine() -> dict:
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "memory_gb": memory,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "datasette": datasette.__version__,
        "os": platform.platform(),
    }


def report(results: list[dict], info: dict, concurrency: int, seconds: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Run with `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Each endpoint was driven for "
        f"{seconds:g} s by {concurrency} concurrent connections from {load_generator()} on 127.0.0.1, first "
        "against the site (our metadata, "
        "plugins and templates) and then against a bare `datasette serve --immutable` on the same database file. "
        "The load generator runs on the same machine and takes CPU from the servers; compare the columns "
        "with each other rather than with other machines.",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GiB; {info['os']}; Python "
        f"{info['python']}, SQLite {info['sqlite']}, Datasette {info['datasette']}.",
        "",
        "Targets (2 cores, 10 clients): JSON p95 < 100 ms, HTML p95 < 250 ms, site ≥ 0.8 × bare throughput on "
        "the endpoints both serve, 100x build < 10 s.",
        "",
        "| scale | decisions | measures | build | build peak memory | database | site server peak | bare server peak |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']}x | {r['decisions']} | {r['measures']} | {r['build_s']:.2f} s | "
            f"{r['build_peak_mb']:.0f} MB | {r['db_mb']:.1f} MB | {r['site_peak_mb']:.0f} MB | "
            f"{r['bare_peak_mb']:.0f} MB |"
        )
    for r in results:
        lines += [
            "",
            f"## {r['scale']}x",
            "",
            "| endpoint | site req/s | site p50 | site p95 | site errors | bare req/s | bare p50 | bare p95 "
            "| bare errors | site/bare |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in r["rows"]:
            s, b = row["site"], row["bare"]
            bare_cells = (
                (f"{b['rps']:.1f} | {b['p50']:.1f} ms | {b['p95']:.1f} ms | {b['errors']} | {_ratio(s, b)}")
                if b
                else "– | – | – | – | –"
            )
            lines.append(
                f"| {row['name']} (`{row['path']}`) | {s['rps']:.1f} | {s['p50']:.1f} ms | "
                f"{s['p95']:.1f} ms | {s['errors']} | {bare_cells} |"
            )
    return "\n".join(lines) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--write", type=Path, help="write the results as Markdown to this file")
    args = parser.parse_args(argv)
    info = machine()
    print(
        f"{info['cpu']}, {info['cores']} kärnor, {info['memory_gb']} GiB, Datasette {info['datasette']}, "
        f"last från {load_generator()}"
    )
    results = run([int(s) for s in args.scales.split(",")], args.concurrency, args.seconds)
    text = report(results, info, args.concurrency, args.seconds)
    if args.write:
        # The analysis written below the marker survives a new run; the figures above it are replaced.
        old = args.write.read_text("utf-8") if args.write.exists() else ""
        if ANALYSIS_MARKER in old:
            text += "\n" + old[old.index(ANALYSIS_MARKER) :]
        args.write.write_text(text, "utf-8")
        print(f"\nSkrev {args.write}")


if __name__ == "__main__":
    main()
