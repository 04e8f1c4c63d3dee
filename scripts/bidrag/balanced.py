"""`bidrag serve --processes N`: N Datasette processes on loopback, Debian's nginx in front.

One Datasette process uses one core, and `uvicorn --workers` gave no gain (one worker took every
keep-alive connection), so the processes are separate servers on consecutive ports after --port,
balanced by open connections (least_conn). If any of them, or nginx, ends, every process is stopped
and the command exits non-zero, so that whatever runs it (Docker's restart policy, systemd, an
orchestrator) starts the whole anew; SIGTERM or Ctrl-C stops them all and exits 0.
"""

import importlib.util
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from importlib import resources
from pathlib import Path

import jinja2

from .project import Project
from .site import metadata, serve_arguments

NGINX_FALLBACK = Path("/usr/sbin/nginx")  # Debian's; not on PATH for every user
PAGES = ("unavailable.html", "refused.html")
STARTUP_SECONDS = 120  # a bounded wait for the processes to answer, however busy the machine
STOP_SECONDS = 8  # inside Docker's 10 s between SIGTERM and SIGKILL
POLL_SECONDS = 0.2


class BalancedServeError(Exception):
    pass


def find_nginx() -> str:
    found = shutil.which("nginx") or (str(NGINX_FALLBACK) if NGINX_FALLBACK.exists() else None)
    if not found:
        raise BalancedServeError("nginx saknas; installera Debians paket nginx (apt-get install nginx)")
    return found


def backend_ports(port: int, processes: int) -> list[int]:
    return [port + 1 + number for number in range(processes)]


def security_headers(project: Project) -> list[tuple[str, str]]:
    """The headers plugins/security_headers.py adds to every response of the site, for nginx's own
    pages too; read from the plugin so that the two cannot drift apart."""
    spec = importlib.util.spec_from_file_location("bidrag_proxy_headers", project.plugins_dir / "security_headers.py")
    plugin = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(plugin)
    headers = [(name.decode(), value.decode()) for name, value in plugin.HEADERS]
    hsts = (metadata(project).get("plugins", {}).get("bidrag-security") or {}).get("hsts_max_age")
    if hsts:
        headers.append(("strict-transport-security", f"max-age={int(hsts)}"))
    assert not any('"' in value for _, value in headers), "a header value nginx cannot quote"
    return headers


def nginx_config(project: Project, host: str, port: int, ports: list[int], run_dir: Path) -> str:
    template = resources.files("bidrag").joinpath("proxy", "nginx.conf").read_text("utf-8")
    listen = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    environment = jinja2.Environment(undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(template).render(
        run_dir=run_dir, listen=listen, backend_ports=ports, headers=security_headers(project)
    )


def prepare_run_dir(project: Project, host: str, port: int, ports: list[int]) -> Path:
    """A fresh directory with nginx's configuration, error pages, pid file and temporary files.

    Readable by all: nginx started as root runs its workers as nobody, and they read the pages."""
    run_dir = Path(tempfile.mkdtemp(prefix="bidrag-nginx-"))
    run_dir.chmod(0o755)
    pages = run_dir / "pages"
    pages.mkdir(mode=0o755)
    for name in PAGES:
        (pages / name).write_bytes(resources.files("bidrag").joinpath("proxy", name).read_bytes())
    (run_dir / "nginx.conf").write_text(nginx_config(project, host, port, ports, run_dir), "utf-8")
    return run_dir


class Supervisor:
    """The processes and nginx, started, watched and stopped together."""

    def __init__(self, say):
        self.say = say
        self.children: list[tuple[str, subprocess.Popen]] = []
        self.stop_signal = None

    def start(self, name: str, command: list[str]) -> subprocess.Popen:
        # Its own process group: Ctrl-C in a terminal reaches only this supervisor, which stops the rest.
        process = subprocess.Popen(command, process_group=0)
        self.children.append((name, process))
        return process

    def ended(self) -> tuple[str, int] | None:
        for name, process in self.children:
            if process.poll() is not None:
                return name, process.returncode
        return None

    def wait_until_answering(self, name: str, process: subprocess.Popen, url: str) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while self.stop_signal is None:
            try:
                with urllib.request.urlopen(url, timeout=5):
                    return
            except OSError:
                if process.poll() is not None:
                    raise BalancedServeError(f"{name} avslutades vid starten (kod {process.returncode})") from None
                if time.monotonic() > deadline:
                    raise BalancedServeError(f"{name} svarade inte inom {STARTUP_SECONDS} s") from None
                time.sleep(POLL_SECONDS)

    def watch(self) -> int:
        """Until a stop signal (exit 0) or until one process ends (exit 1)."""
        while self.stop_signal is None:
            ended = self.ended()
            if ended:
                name, code = ended
                self.say(f"{name} avslutades (kod {code}); alla processer stoppas så att webbplatsen kan startas om")
                return 1
            time.sleep(POLL_SECONDS)
        return 0

    def stop_all(self) -> None:
        for name, process in self.children:
            if process.poll() is None:
                # nginx finishes the requests it has (SIGQUIT); each Datasette finishes its own (SIGTERM).
                process.send_signal(signal.SIGQUIT if name == "nginx" else signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for _, process in self.children:
            try:
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def serve_balanced(project: Project, host: str, port: int, db_path: Path, processes: int, say) -> int:
    """Run until stopped; the exit code for the command."""
    nginx = find_nginx()
    ports = backend_ports(port, processes)
    run_dir = prepare_run_dir(project, host, port, ports)
    supervisor = Supervisor(say)

    def stop(signum, frame):
        supervisor.stop_signal = signum

    previous = {number: signal.signal(number, stop) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        started = []
        for backend in ports:
            name = f"bidrag serve på port {backend}"
            arguments = serve_arguments(project, "127.0.0.1", backend, db_path)
            started.append((name, supervisor.start(name, [sys.executable, "-m", "datasette", *arguments]), backend))
        for name, process, backend in started:
            supervisor.wait_until_answering(name, process, f"http://127.0.0.1:{backend}/-/health.json")
        if supervisor.stop_signal is not None:
            return 0
        supervisor.start("nginx", [nginx, "-p", str(run_dir), "-e", "stderr", "-c", str(run_dir / "nginx.conf")])
        say(
            f"Webbplatsen visas på http://{host}:{port}/ genom nginx framför {processes} processer "
            f"(portarna {', '.join(map(str, ports))} på 127.0.0.1; avsluta med Ctrl-C)"
        )
        return supervisor.watch()
    finally:
        supervisor.stop_all()
        for number, handler in previous.items():
            signal.signal(number, handler)
        shutil.rmtree(run_dir, ignore_errors=True)
