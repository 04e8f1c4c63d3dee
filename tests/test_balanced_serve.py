"""`bidrag serve --processes N` (bidrag.balanced): real Datasette processes behind Debian's nginx, on loopback.

nginx is one of debian-packages.txt (`make test` installs it); without it these tests fail saying so, as the
browser tests do without Chromium."""

import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from bidrag.balanced import find_nginx, prepare_run_dir, security_headers
from bidrag.browser import free_consecutive_ports, free_port, live_server
from bidrag.project import Project

from .conftest import ROOT, run_cli
from .test_live_release import wait_until_held

BASE_URL = "https://bidrag.example.se"
UNAVAILABLE = "Webbplatsen är tillfälligt otillgänglig"
REFUSED = "Förfrågan kunde inte tas emot"


@dataclass
class Balanced:
    process: subprocess.Popen
    base: str
    log: Path

    def children(self) -> dict[int, bytes]:
        """The supervisor's child processes (pid: command line): the Datasette processes and nginx."""
        pid = self.process.pid
        pids = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        return {child: Path(f"/proc/{child}/cmdline").read_bytes() for child in pids}

    def datasettes(self) -> list[int]:
        return [pid for pid, command in self.children().items() if b"datasette" in command]

    def nginx(self) -> int:
        (pid,) = [pid for pid, command in self.children().items() if b"nginx" in command]
        return pid

    def output(self) -> str:
        return self.log.read_text("utf-8", errors="replace")


def answer(url: str, headers: dict | None = None):
    """(status, headers, body) of a GET, error statuses included."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=60) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def wait_until_answering(url: str, process: subprocess.Popen, log: Path):
    for _ in range(1200):  # a bounded wait for the servers to start, however busy the machine
        try:
            return answer(url)
        except OSError:
            assert process.poll() is None, log.read_text("utf-8", errors="replace")[-3000:]
            time.sleep(0.1)
    raise AssertionError(f"{url} never answered")


def start_balanced(project: Project, db_path: Path, log: Path, processes: int = 2) -> Balanced:
    find_nginx()  # fails the test, saying that Debian's nginx is missing
    port = free_consecutive_ports(processes + 1)
    command = ["serve", "--processes", str(processes), "--port", str(port), "--db", str(db_path)]
    with log.open("wb") as output:  # a file, not a pipe nobody reads: the processes log every request
        process = subprocess.Popen(
            [sys.executable, "-m", "bidrag", "--root", str(project.root), *command],
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "BIDRAG_BASE_URL": BASE_URL},
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(f"{base}/-/health.json", process, log)
    except BaseException:
        process.terminate()
        process.wait(timeout=60)
        raise
    return Balanced(process, base, log)


def stop(server: Balanced) -> int:
    if server.process.poll() is None:
        server.process.terminate()
    return server.process.wait(timeout=60)


@pytest.fixture(scope="module")
def balanced_project(tmp_path_factory) -> tuple[Project, Path]:
    """The real data built by our build code, with the site's configuration and the test plugins."""
    root = tmp_path_factory.mktemp("balanced")
    for name in ("data", "plugins", "templates", "static"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copyfile(ROOT / "metadata.yml", root / "metadata.yml")
    for plugin in ("process_id.py", "hold.py", "two_reads.py"):
        shutil.copyfile(ROOT / "tests" / "plugins" / plugin, root / "plugins" / plugin)
    project = Project(root)
    result = run_cli(project, "build")
    assert result.exit_code == 0, result.output
    return project, project.db_path


@pytest.fixture(scope="module")
def balanced(balanced_project, tmp_path_factory):
    project, db_path = balanced_project
    server = start_balanced(project, db_path, tmp_path_factory.mktemp("logs") / "serve.log")
    yield server
    assert stop(server) == 0, server.output()[-3000:]


def process_id(base: str) -> int:
    status, _, body = answer(f"{base}/test/process-id")
    assert status == 200, body
    return json.loads(body)["pid"]


def test_the_proxy_balances_over_every_process_by_open_connections(balanced, tmp_path):
    processes = balanced.datasettes()
    assert len(processes) == 2
    # Both idle: least_conn takes them in turn, so every process answers.
    assert {process_id(balanced.base) for _ in range(20)} == set(processes)
    # One process busy with a request held open: every other request goes to the other one.
    held = tmp_path / "held"
    with ThreadPoolExecutor(max_workers=1) as pool:
        in_flight = pool.submit(answer, f"{balanced.base}/test/two-reads?path={held}")
        wait_until_held(held.with_name("held.held"), in_flight)
        during = [process_id(balanced.base) for _ in range(10)]
        held.with_name("held.release").touch()
        assert in_flight.result(timeout=120)[0] == 200
    assert len(set(during)) == 1 and set(during) < set(processes), during


def assert_site_headers(headers, project: Project):
    for name, value in security_headers(project):
        assert headers[name] == value, name
    assert headers["server"] == "nginx"  # never its version


def test_the_sites_responses_and_errors_pass_the_proxy_unchanged(balanced, balanced_project):
    project, _ = balanced_project
    for path, status in [("/", 200), ("/-/health.json", 200), ("/bidrag/measures?_sort=nope", 400), ("/nope", 404)]:
        code, headers, body = answer(balanced.base + path)
        assert code == status, path
        assert_site_headers(headers, project)
        assert REFUSED not in body and UNAVAILABLE not in body and "<center>nginx</center>" not in body
    code, _, body = answer(balanced.base + "/bidrag/measures?_sort=nope")
    assert 'lang="sv"' in body and "Felkod 400" in body  # the site's own Swedish error page


def test_no_host_a_client_names_reaches_an_identifier_through_the_proxy(balanced):
    claims = {
        "Host": "attacker.example",
        "X-Forwarded-Host": "attacker.example",
        "X-Forwarded-Proto": "gopher",
        "Forwarded": "host=attacker.example;proto=gopher",
    }
    status, _, feed = answer(f"{balanced.base}/feeds/decisions.atom", claims)
    assert status == 200 and "attacker" not in feed and "gopher" not in feed
    assert f"<id>{BASE_URL}/feeds/decisions.atom</id>" in feed
    status, _, body = answer(f"{balanced.base}/bidrag/measures.json?_size=3", claims)
    assert status == 200 and json.loads(body)["next_url"].startswith(f"{BASE_URL}/bidrag/measures.json?")
    # An absolute-form request target names a host too.
    connection = http.client.HTTPConnection(*balanced.base.removeprefix("http://").split(":"), timeout=60)
    connection.request("GET", "http://attacker.example/bidrag/measures.json?_size=4", headers=claims)
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 200 and response.getheader("location") is None
    assert "attacker" not in body and json.loads(body)["next_url"].startswith(f"{BASE_URL}/")


def test_requests_nginx_refuses_get_a_swedish_page_with_the_security_headers(balanced, balanced_project):
    project, _ = balanced_project
    for path, status in [("/bidrag/measures?q=" + "a" * 20_000, 414), ("/-/proxy-errors/refused.html", 404)]:
        code, headers, body = answer(balanced.base + path)
        assert code == status
        assert REFUSED in body and 'lang="sv"' in body and "nginx" not in body
        assert_site_headers(headers, project)
        assert headers["cache-control"] == "no-store"


def test_a_stopped_process_gives_a_swedish_page_not_nginxs(project, built_db, tmp_path):
    """nginx with the configuration `bidrag serve --processes` writes, in front of one real process
    that is then stopped."""
    port = free_port()
    log = tmp_path / "nginx.log"
    nginx = run_dir = None
    try:
        with live_server(project, built_db) as backend:
            run_dir = prepare_run_dir(project, "127.0.0.1", port, [int(backend.rsplit(":", 1)[1])])
            with log.open("wb") as output:
                command = [find_nginx(), "-p", str(run_dir), "-e", "stderr", "-c", str(run_dir / "nginx.conf")]
                nginx = subprocess.Popen(command, stderr=output)
            assert wait_until_answering(f"http://127.0.0.1:{port}/-/health.json", nginx, log)[0] == 200
        code, headers, body = answer(f"http://127.0.0.1:{port}/")
        assert code == 502
        assert UNAVAILABLE in body and 'lang="sv"' in body and "Bad Gateway" not in body and "nginx" not in body
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert headers["cache-control"] == "no-store"
        assert_site_headers(headers, project)
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=60)
        if run_dir:
            shutil.rmtree(run_dir)


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def refused(base: str) -> bool:
    try:
        answer(f"{base}/-/health.json")
    except urllib.error.URLError as error:
        return isinstance(error.reason, ConnectionRefusedError)
    return False


def test_when_one_process_ends_all_stop_and_the_command_fails(balanced_project, tmp_path):
    """So that Docker's restart policy or an orchestrator starts the whole anew."""
    server = start_balanced(*balanced_project, tmp_path / "serve.log")
    try:
        children = server.children()
        killed = server.datasettes()[0]
        os.kill(killed, signal.SIGKILL)
        assert server.process.wait(timeout=60) == 1
    finally:
        stop(server)
    assert all(gone(pid) for pid in children)
    assert refused(server.base)
    assert "avslutades (kod -9); alla processer stoppas" in server.output()


def test_sigterm_stops_every_process_and_exits_zero(balanced_project, tmp_path):
    server = start_balanced(*balanced_project, tmp_path / "serve.log")
    try:
        children = server.children()
        command = children[server.nginx()].replace(b"\0", b" ").split()  # nginx rewrites its title
        run_dir = Path(command[command.index(b"-p") + 1].decode())
        assert (run_dir / "nginx.conf").exists()
    finally:
        assert stop(server) == 0
    assert all(gone(pid) for pid in children)
    assert refused(server.base)
    assert not run_dir.exists()
    assert "Traceback" not in server.output()


def test_without_a_configured_address_links_name_the_one_serve_listens_on(balanced_project, tmp_path):
    """No BIDRAG_BASE_URL and no base_url: a preview on another port than 8001 links to itself
    (facets, next page, feeds), and still never to the Host a request names."""
    project, db_path = balanced_project
    port = free_port()
    log = tmp_path / "serve.log"
    environment = {name: value for name, value in os.environ.items() if name != "BIDRAG_BASE_URL"}
    with log.open("wb") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bidrag",
                "--root",
                str(project.root),
                "serve",
                "--port",
                str(port),
                "--db",
                str(db_path),
            ],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_answering(f"{base}/-/health.json", process, log)
        status, _, body = answer(f"{base}/bidrag/measures.json?_size=3", {"Host": "attacker.example"})
        assert status == 200 and json.loads(body)["next_url"].startswith(f"{base}/bidrag/measures.json?")
        status, _, feed = answer(f"{base}/feeds/decisions.atom")
        assert status == 200 and f"<id>{base}/feeds/decisions.atom</id>" in feed
    finally:
        process.terminate()
        process.wait(timeout=60)
