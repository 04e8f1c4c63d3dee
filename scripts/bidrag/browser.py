"""A real server on 127.0.0.1 and Debian's headless Chromium, for accessibility tests and screenshots.

Playwright drives the system browser (/usr/bin/chromium, Debian's package); it never downloads one.
"""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .project import Project
from .site import BASE_URL_VARIABLE, serve_arguments

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
]


class BrowserMissing(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def free_consecutive_ports(count: int) -> int:
    """The first of count consecutive free loopback ports (`bidrag serve --processes N` takes port..port+N)."""
    for _ in range(100):
        first = free_port()
        sockets = [socket.socket() for _ in range(count)]
        try:
            for port, sock in enumerate(sockets, start=first):
                sock.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError(f"no {count} consecutive free ports on 127.0.0.1")


def start_datasette(arguments: list[str], port: int, timeout: float = 30.0) -> subprocess.Popen:
    """Run `datasette` with arguments and return once it answers on 127.0.0.1:port.

    Its log goes to a file, not a pipe: a pipe nobody reads fills up and stalls a long-running server.
    Unless BIDRAG_BASE_URL says otherwise, its absolute links point to itself (bidrag.site.site_url).
    """
    log = tempfile.TemporaryFile()
    env = {**os.environ, BASE_URL_VARIABLE: os.environ.get(BASE_URL_VARIABLE) or f"http://127.0.0.1:{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "datasette", *arguments], stdout=subprocess.DEVNULL, stderr=log, env=env
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/-/versions.json", timeout=1)
            return process
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                log.seek(0)
                raise RuntimeError(f"datasette did not start: {log.read().decode()[-2000:]}") from None
            time.sleep(0.1)


@contextmanager
def live_server(project: Project, db_path: Path | None = None, timeout: float = 30.0):
    """Serve the site exactly as `bidrag serve` does, on a free loopback port; yield its base URL."""
    port = free_port()
    process = start_datasette(serve_arguments(project, "127.0.0.1", port, db_path), port, timeout)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def chromium():
    """A headless Debian Chromium driven by Playwright."""
    if not CHROMIUM.exists():
        raise BrowserMissing(f"{CHROMIUM} saknas; installera Debians paket chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
