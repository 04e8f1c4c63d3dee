"""`make bench`: how fast the site is: cached, uncached, against a static server and bare Datasette.

For synthetic data at 1x, 10x and 100x a full decision round (21 regions, 10 measures each), it
times the build and its peak memory, then serves the same database twice, as the site and as a
bare `datasette serve`, and drives each endpoint with concurrent clients on 127.0.0.1. It prints
requests per second and p50/p95 latency with the ratio site/bare, and can write BENCHMARKS.md.
The load generator runs on the same machine, so it takes some of the CPU from the servers.
"""

import argparse
import asyncio
import json
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
from urllib.parse import urlsplit

import datasette
import httpx

from .balanced import BalancedServeError, find_nginx
from .browser import free_consecutive_ports, free_port, start_datasette
from .project import Project
from .site import serve_arguments
from .synthetic import write_synthetic_tree

ROOT = Path(__file__).resolve().parents[2]
ANALYSIS_MARKER = "<!-- analysis: kept when make bench rewrites the figures above -->"


STATUS_KEYS = ("granted", "partly_granted", "rejected")  # the search page's status keys in the URL
SEARCHES = ("taligenk%C3%A4nning", "robot", "sensor", "triagering", "journal", "schema", "hemsjukv%C3%A5rd")


def endpoints(ids: dict) -> list[tuple[str, str, bool, bool, object]]:
    """(name, path, is_json, shared with bare Datasette, unique(i): a URL no cache has seen)."""
    nonce = "_nonce={}"

    def varied(path: str, parameter: str = nonce):
        joiner = "&" if "?" in path else "?"
        return lambda i: f"{path}{joiner}{parameter.format(i)}"

    decision, region, measure = ids["decision"], ids["region"], ids["measure"]
    measures = "/bidrag/measures?_facet=status&_facet=region_id"
    json_path = "/bidrag/measures.json?_shape=array&status=avslagen&_size=100"
    return [
        ("Startsida", "/", False, False, varied("/")),
        ("Beslutssida", f"/bidrag/decisions/{decision}", False, True, varied(f"/bidrag/decisions/{decision}")),
        ("Åtgärdssida", f"/bidrag/measures/{measure}", False, True, varied(f"/bidrag/measures/{measure}")),
        ("Regionsida", f"/bidrag/regions/{region}", False, True, varied(f"/bidrag/regions/{region}")),
        ("Åtgärder med urval", measures, False, True, varied(measures, "amount_granted__gte={}")),
        (
            "Sökning",
            "/bidrag/measures?_search=taligenk%C3%A4nning",
            False,
            False,
            lambda i: f"/bidrag/measures?_search={SEARCHES[i % len(SEARCHES)]}&_nonce={i}",
        ),
        (
            "Söksidan",
            "/measures?q=robot",
            False,
            False,
            lambda i: f"/measures?q={SEARCHES[i % len(SEARCHES)]}&status={STATUS_KEYS[i % 3]}&_nonce={i}",
        ),
        ("Goda exempel", "/good_examples", False, False, varied("/good_examples")),
        ("Avslag", "/rejections", False, False, varied("/rejections")),
        ("JSON-API", json_path, True, True, varied(json_path, "amount_applied__gte={}")),
        ("Kalender", "/feeds/deadlines.ics", False, False, varied("/feeds/deadlines.ics")),
        ("CSV-export", "/exports/measures.csv", False, False, varied("/exports/measures.csv")),
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


# For unique addresses: the paths, made beforehand, taken in turn (far more than a run can ask for).
_WRK_PATHS = """
local i = 0
request = function()
  i = i + 1
  return wrk.format(nil, paths[(i - 1) % #paths + 1])
end
"""
_UNIQUE_PATHS = 50_000
# Numbers of the unique addresses outside the measured run's: one-at-a-time CPU, and the warm-up.
_CPU_FROM, _WARM_FROM, _WARM_PATHS = _UNIQUE_PATHS, 2 * _UNIQUE_PATHS, 5_000


def _paths_script(url, numbers) -> tuple[str, str]:
    """A wrk script taking url(n) for each of numbers in turn, and the address wrk is given."""
    first = urlsplit(url(0))
    paths = (urlsplit(url(i)) for i in numbers)
    targets = (p.path + (f"?{p.query}" if p.query else "") for p in paths)
    script = "paths = {" + ",".join(json.dumps(t) for t in targets) + "}\n" + _WRK_PATHS
    return script, f"{first.scheme}://{first.netloc}/"


def _wrk(wrk: str, url: str, seconds: float, concurrency: int, script: str) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        command = [wrk, "-t1", f"-c{concurrency}", f"-d{seconds:g}s", "-s", file.name, url]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        os.unlink(file.name)


def _busy_cores(interval: float = 0.5) -> float:
    """How many cores the machine kept busy over interval (Linux's /proc/stat)."""

    def sample():
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        return sum(fields), fields[3] + fields[4]  # total, idle + iowait

    (total, idle), _ = sample(), time.sleep(interval)
    total2, idle2 = sample()
    return (os.cpu_count() or 1) * (1 - (idle2 - idle) / max(1, total2 - total))


def settle(limit: float = 60.0) -> None:
    """Wait until the machine is nearly idle: a server wrk gave up on (bare Datasette at 100x answers
    nothing within wrk's timeout) keeps working off its queue after the run, and took the CPU from
    the next one (measures with facets, balanced: 14 req/s after bare Datasette, 36 on their own)."""
    deadline = time.monotonic() + limit
    while _busy_cores() > 0.2 and time.monotonic() < deadline:
        pass


def load(url, concurrency: int, seconds: float) -> dict:
    """url: one address, or a function of the request number giving a new address each time.
    A second of the same kind of requests first (for unique addresses, others), so every
    process behind the balancer has rendered the page's templates once."""
    settle()
    wrk = shutil.which("wrk")
    if wrk is None:
        return asyncio.run(_load(url, concurrency, seconds))
    if callable(url):
        warm, base = _paths_script(url, range(_WARM_FROM, _WARM_FROM + _WARM_PATHS))
        script, _ = _paths_script(url, range(1, _UNIQUE_PATHS))
        _wrk(wrk, base, 1, concurrency, warm)
        output = _wrk(wrk, base, seconds, concurrency, _WRK_REPORT + script)
    else:
        _wrk(wrk, url, 1, concurrency, "")
        output = _wrk(wrk, url, seconds, concurrency, _WRK_REPORT)
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


async def _load(url, concurrency: int, seconds: float) -> dict:
    latencies, errors = [], 0
    address = url if callable(url) else (lambda i: url)
    numbers = iter(range(10**9))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as client:
        for _ in range(concurrency):  # warm connections (and, for one address, its caches)
            await client.get(address(next(numbers)))

        async def worker(deadline):
            nonlocal errors
            while time.monotonic() < deadline:
                started = time.perf_counter()
                try:
                    response = await client.get(address(next(numbers)))
                    errors += response.status_code != 200
                except httpx.HTTPError:
                    errors += 1
                latencies.append(time.perf_counter() - started)

        started = time.monotonic()
        await asyncio.gather(*(worker(started + seconds) for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    latencies.sort()
    if not latencies:
        return {"rps": 0.0, "p50": float("nan"), "p95": float("nan"), "requests": 0, "errors": errors}
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
        decision, region = connection.execute(
            "select id, region_id from decisions where id like 'synthetic%' limit 1"
        ).fetchone()
        measure = connection.execute("select id from measures where decision_id = ?", (decision,)).fetchone()[0]
    return {
        "scale": scale,
        "decisions": decisions + 1,
        "measures": measures,
        "build_s": seconds,
        "build_peak_mb": usage.ru_maxrss / 1024,
        "db": db,
        "decision": decision,
        "ids": {"decision": decision, "region": region, "measure": measure},
        "db_mb": db.stat().st_size / 1024 / 1024,
    }


def _cpu_seconds(pid: int) -> float:
    """The process's CPU time from Linux's per-process CPU clock, to the nanosecond: /proc's
    counters tick in hundredths of a second, too coarse for a cached page's fraction of a ms."""
    return time.clock_gettime((~pid << 3) | 2)  # MAKE_PROCESS_CPUCLOCK(pid, CPUCLOCK_SCHED)


def cpu_per_request(base: str, pid: int, unique, count: int = 20) -> float:
    """Server CPU milliseconds for one request nothing has cached, one request at a time (addresses
    of the same kind as the load's: a filter on amounts selects as many rows)."""
    settle()
    with httpx.Client(timeout=120) as client:
        client.get(base + unique(_CPU_FROM))  # warm the connection and the process
        before = _cpu_seconds(pid)
        for i in range(count):
            client.get(base + unique(_CPU_FROM + 1 + i))
        return 1000 * (_cpu_seconds(pid) - before) / count


def prerender(base: str, paths: list[str], directory: Path) -> None:
    """Each page once from the site into a file, for the static server to serve the same bytes."""
    directory.mkdir(parents=True, exist_ok=True)
    with httpx.Client(timeout=120) as client:
        for number, path in enumerate(paths):
            response = client.get(base + path)
            (directory / f"{number}.body").write_bytes(response.content)
            (directory / f"{number}.type").write_text(response.headers.get("content-type", "text/html"))
            (directory / f"{number}.path").write_text(path)


def static_app(directory: Path):
    """A Python static server (uvicorn and Datasette's file sender): the same pages, pre-rendered."""
    from datasette.utils.asgi import asgi_send_file

    files = {(directory / f"{n}.path").read_text(): n for n in range(len(list(directory.glob("*.path"))))}

    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        target = scope["path"] + ("?" + scope["query_string"].decode() if scope.get("query_string") else "")
        number = files.get(target, files.get(scope["path"]))
        await asgi_send_file(
            send, directory / f"{number}.body", content_type=(directory / f"{number}.type").read_text()
        )

    return app


def _start_static(directory: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bidrag.benchmark", "--static-serve", str(directory), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return _answering(process, port, "the static server")


def _answering(process: subprocess.Popen, port: int, name: str) -> tuple[subprocess.Popen, int]:
    """The process and its port once it answers on 127.0.0.1 (a bounded wait)."""
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return process, port
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not start")


# nginx serving the pre-rendered pages: what a plain static server does on this machine.
_NGINX_STATIC = """daemon off;
worker_processes 1;
pid {run}/nginx.pid;
error_log stderr crit;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {run}/body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    access_log off;
    types {{ text/html html; application/json json; text/calendar ics; text/csv csv; }}
    map_hash_bucket_size 256;  # the addresses are longer than the default 64 bytes allow
    map $request_uri $page {{
        default "";
{pages}
    }}
    server {{
        listen 127.0.0.1:{port};
        root {directory};
        location / {{ try_files /$page =404; }}
    }}
}}
"""
_EXTENSIONS = {"text/html": "html", "application/json": "json", "text/calendar": "ics", "text/csv": "csv"}


def _start_nginx_static(directory: Path) -> tuple[subprocess.Popen | None, int]:
    """nginx on the pre-rendered pages, each under its own address (path and query); None without nginx."""
    try:
        nginx = find_nginx()
    except BalancedServeError:
        return None, 0
    pages = []
    for path_file in sorted(directory.glob("*.path")):
        number = path_file.stem
        kind = (directory / f"{number}.type").read_text().split(";")[0].strip()
        name = f"{number}.{_EXTENSIONS.get(kind, 'bin')}"
        shutil.copyfile(directory / f"{number}.body", directory / name)
        pages.append(f"        {json.dumps(path_file.read_text())} {name};")
    run = directory / "nginx"
    run.mkdir()
    for folder in (directory.parent, directory, run):
        folder.chmod(0o755)  # nginx started as root reads as nobody
    port = free_port()
    config = _NGINX_STATIC.format(run=run, pages="\n".join(pages), port=port, directory=directory)
    (run / "nginx.conf").write_text(config)
    process = subprocess.Popen([nginx, "-c", str(run / "nginx.conf"), "-p", str(run)], stderr=subprocess.DEVNULL)
    return _answering(process, port, "nginx")


def _measure_scale(built: dict, concurrency: int, seconds: float, workdir: Path) -> list[dict]:
    site_port, bare_port = free_port(), free_port()
    started = []  # stopped whatever happens, a server that failed to start included
    try:
        site = start_datasette(serve_arguments(Project(ROOT), "127.0.0.1", site_port, built["db"]), site_port)
        started.append(site)
        bare = start_datasette(
            ["serve", "--immutable", str(built["db"]), "--host", "127.0.0.1", "--port", str(bare_port)], bare_port
        )
        started.append(bare)
        site_url, bare_url = f"http://127.0.0.1:{site_port}", f"http://127.0.0.1:{bare_port}"
        pages = endpoints(built["ids"])
        prerender(site_url, [path for _, path, *_ in pages], workdir / "static")
        static, static_port = _start_static(workdir / "static")
        started.append(static)
        nginx, nginx_port = _start_nginx_static(workdir / "static")
        started.append(nginx)
        balanced, balanced_url = _start_balanced(built["db"])
        started.append(balanced)
        rows = []
        for name, path, is_json, shared, unique in pages:
            row = {"name": name, "path": path, "json": is_json}
            row["cpu_ms"] = cpu_per_request(site_url, site.pid, unique)
            row["repeat"] = load(site_url + path, concurrency, seconds)
            row["static"] = load(f"http://127.0.0.1:{static_port}{path}", concurrency, seconds)
            row["nginx"] = load(f"http://127.0.0.1:{nginx_port}{path}", concurrency, seconds) if nginx else None
            row["unique"] = load(lambda i, unique=unique: site_url + unique(i), concurrency, seconds)
            row["bare"] = load(lambda i, unique=unique: bare_url + unique(i), concurrency, seconds) if shared else None
            row["balanced"] = (
                load(lambda i, unique=unique: balanced_url + unique(i), concurrency, seconds) if balanced else None
            )
            rows.append(row)
            print("  " + _line(row), flush=True)
        built.update(site_peak_mb=_peak_rss_mb(site.pid), bare_peak_mb=_peak_rss_mb(bare.pid))
    finally:
        for process in started:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    return rows


def _start_balanced(db: Path) -> tuple[subprocess.Popen | None, str]:
    """`bidrag serve --processes 2` (nginx in front of two processes), as the Docker image runs it;
    None without nginx."""
    try:
        find_nginx()
    except BalancedServeError:
        return None, ""
    port = free_consecutive_ports(3)
    command = [sys.executable, "-m", "bidrag", "--root", str(ROOT), "serve", "--processes", "2"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{url}/-/health.json", timeout=5).status_code == 200:
                return process, url
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError("bidrag serve --processes 2 did not start")


def _nginx_cell(result) -> str:
    return f" | nginx {result['rps']:7.1f}/s p95 {result['p95']:5.1f} ms" if result else ""


def _line(row: dict) -> str:
    r, st, u, b = row["repeat"], row["static"], row["unique"], row["bare"]
    bare = f"bar {b['rps']:.1f}/s p95 {b['p95']:.0f} ms" if b else "bar –"
    bal = row.get("balanced")
    bare += f" | balanserad {bal['rps']:.1f}/s p95 {bal['p95']:.0f} ms" if bal else ""
    return (
        f"{row['name']:20} upprepad {r['rps']:7.1f}/s p95 {r['p95']:6.1f} ms | statisk {st['rps']:7.1f}/s p95 "
        f"{st['p95']:6.1f} ms{_nginx_cell(row.get('nginx'))} | unik {u['rps']:6.1f}/s p95 {u['p95']:7.1f} ms | "
        f"{bare} | CPU {row['cpu_ms']:.1f} ms"
        f" | fel {r['errors'] + u['errors']}"
    )


def run(scales, concurrency: int, seconds: float, build_only=()) -> list[dict]:
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
            if scale in build_only:
                built.update(rows=[], site_peak_mb=float("nan"), bare_peak_mb=float("nan"))
                built["rows"] = _cpu_only(built)
            else:
                built["rows"] = _measure_scale(built, concurrency, seconds, workdir)
            results.append(built)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    return results


def _cpu_only(built: dict) -> list[dict]:
    """At the largest scale only the single-request CPU of each page (load would take too long)."""
    port = free_port()
    site = start_datasette(serve_arguments(Project(ROOT), "127.0.0.1", port, built["db"]), port, timeout=300)
    rows = []
    try:
        for name, path, is_json, _, unique in endpoints(built["ids"]):
            with httpx.Client(timeout=120) as client:
                status = client.get(f"http://127.0.0.1:{port}{unique(1)}").status_code
            rows.append({"name": name, "path": path, "json": is_json, "status": status,
                         "cpu_ms": cpu_per_request(f"http://127.0.0.1:{port}", site.pid, unique, count=5)})  # fmt: skip
            print(f"  {name:20} CPU {rows[-1]['cpu_ms']:.1f} ms, status {status}", flush=True)
    finally:
        site.terminate()
        site.wait(timeout=10)
    return rows


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


def _cells(load_result: dict | None) -> str:
    if not load_result:
        return "– | –"
    return f"{load_result['rps']:.0f} | {load_result['p95']:.1f} ms"


def report(results: list[dict], info: dict, concurrency: int, seconds: float) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Run with `make bench` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC. Each endpoint was driven for "
        f"{seconds:g} s by {concurrency} concurrent connections from {load_generator()} on 127.0.0.1: the same "
        "address again and again (*repeat*: what the response cache answers), the same pages pre-rendered and "
        "served by a Python static server (uvicorn with Datasette's file sender: *static*) and by nginx "
        "(*nginx*), a new address for "
        "every request (*unique*: varying filters, search terms or a `_nonce`, so no cache helps), and the "
        "unique addresses against a bare `datasette serve --immutable` on the same file (*bare*, where it serves "
        "the page), and through `bidrag serve --processes 2` (*balanced*: two processes behind nginx, as the "
        "Docker image runs). *CPU* is the server's CPU time for one uncached request, one at a time (20 in a "
        "row, from Linux's per-process CPU clock). The load generator runs on the same machine and takes CPU "
        "from the servers.",
        "",
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GiB; {info['os']}; Python "
        f"{info['python']}, SQLite {info['sqlite']}, Datasette {info['datasette']}.",
        "",
        "Targets (2 cores, 10 clients): repeat hits at least as fast as the static server with p95 under 20 ms; "
        "unique URLs HTML p95 < 250 ms, JSON p95 < 100 ms; CPU per page at most 2x from 1x to 100x.",
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
        lines += ["", f"## {r['scale']}x", ""]
        if r["rows"] and "repeat" not in r["rows"][0]:
            lines += ["| endpoint | status | CPU per request |", "|---|---|---|"]
            lines += [f"| {row['name']} | {row['status']} | {row['cpu_ms']:.1f} ms |" for row in r["rows"]]
            continue
        lines += [
            "| endpoint | repeat req/s | repeat p95 | static req/s | static p95 | nginx req/s | nginx p95 "
            "| unique req/s | unique p95 | bare req/s | bare p95 | balanced unique req/s | balanced unique p95 "
            "| CPU per request | errors |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for row in r["rows"]:
            errors = sum(row[k]["errors"] for k in ("repeat", "unique", "balanced") if row.get(k))
            lines.append(
                f"| {row['name']} (`{row['path']}`) | {_cells(row['repeat'])} | {_cells(row['static'])} | "
                f"{_cells(row.get('nginx'))} | {_cells(row['unique'])} | {_cells(row['bare'])} | "
                f"{_cells(row.get('balanced'))} | {row['cpu_ms']:.1f} ms | {errors} |"
            )
    lines += _growth(results)
    return "\n".join(lines) + "\n"


def _growth(results: list[dict]) -> list[str]:
    """How each page's single-request CPU grows with the data, relative to the smallest scale."""
    if len(results) < 2 or not results[0]["rows"]:
        return []
    first = {row["name"]: row["cpu_ms"] for row in results[0]["rows"]}
    header = " | ".join(f"{r['scale']}x" for r in results[1:])
    lines = ["", f"## CPU per request relative to {results[0]['scale']}x", "", f"| endpoint | {header} |"]
    lines.append("|---|" + "---|" * (len(results) - 1))
    for name, base in first.items():
        cells = []
        for r in results[1:]:
            cpu = next((row["cpu_ms"] for row in r["rows"] if row["name"] == name), float("nan"))
            cells.append(f"{cpu / base:.1f}x" if base else "–")
        lines.append(f"| {name} | {' | '.join(cells)} |")
    return lines


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="1,10,100")
    parser.add_argument("--cpu-only", default="", help="scales measured for build and CPU per request only")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--write", type=Path, help="write the results as Markdown to this file")
    parser.add_argument("--static-serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.static_serve:
        import uvicorn

        uvicorn.run(static_app(args.static_serve), host="127.0.0.1", port=args.port, log_level="warning")
        return
    info = machine()
    print(
        f"{info['cpu']}, {info['cores']} kärnor, {info['memory_gb']} GiB, Datasette {info['datasette']}, "
        f"last från {load_generator()}"
    )
    cpu_only = {int(s) for s in args.cpu_only.split(",") if s}
    scales = [int(s) for s in args.scales.split(",") if s] + sorted(cpu_only)
    results = run(scales, args.concurrency, args.seconds, build_only=cpu_only)
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
