"""The Docker image's recipe: pinned, and its command serves the site. (No Docker engine runs here,
so the image itself is not built; its command is run as the image would run it.)"""

import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request

from bidrag.browser import free_port

from .conftest import ROOT

DOCKERFILE = (ROOT / "Dockerfile").read_text("utf-8")


def test_base_image_and_packages_are_pinned():
    image = re.search(r"^FROM (\S+)", DOCKERFILE, re.M).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", image), image
    lock = (ROOT / "requirements.lock").read_text("utf-8")
    pinned = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+) \\", lock, re.M))
    runtime = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    for requirement in runtime:
        name, version = requirement.split("==")
        assert pinned.get(name) == version, requirement
    entries = re.split(r"\n(?=\S)", lock.strip())
    assert all("--hash=sha256:" in entry for entry in entries if not entry.startswith("#"))
    assert "pip install --require-hashes -r requirements.lock" in DOCKERFILE


def test_image_copies_the_site_configuration():
    for part in ("metadata.yml", "plugins", "templates", "static", "build/deploy/bidrag.db"):
        assert re.search(rf"^COPY {re.escape(part)}\b", DOCKERFILE, re.M), part
    assert "datasette inspect build/bidrag.db --inspect-file build/inspect-data.json" in DOCKERFILE


def test_the_image_command_serves_the_site_with_cache_headers(site_workspace):
    """Run the CMD of the Dockerfile against a published release and a real inspect file."""
    from .conftest import run_cli

    assert run_cli(site_workspace, "publish").exit_code == 0
    app = site_workspace.root
    (app / "build" / "deploy").mkdir(parents=True)
    shutil.copyfile(app / "build" / "site" / "bidrag.db", app / "build" / "bidrag.db")
    subprocess.run(
        [sys.executable, "-m", "datasette", "inspect", "build/bidrag.db", "--inspect-file", "build/inspect-data.json"],
        cwd=app,
        check=True,
        capture_output=True,
    )
    command = json.loads(re.search(r"^CMD (\[.*?\])$", DOCKERFILE.replace("\\\n", ""), re.M | re.S).group(1))
    assert command[:4] == ["bidrag", "--root", "/app", "serve"]
    port = free_port()
    arguments = [a if a != "/app" else str(app) for a in command[1:]]
    arguments[arguments.index("--port") + 1] = str(port)
    arguments[arguments.index("--host") + 1] = "127.0.0.1"
    process = subprocess.Popen(
        [sys.executable, "-m", "bidrag", *arguments], cwd=app, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        for _ in range(1200):  # a bounded wait for the server to start, however busy the machine
            try:
                response = urllib.request.urlopen(f"http://127.0.0.1:{port}/bidrag/decisions.json?_shape=array")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read().decode()[-2000:]
                time.sleep(0.1)
        else:
            raise AssertionError("the server from the Docker command never answered")
        assert json.loads(response.read())[0]["amount_granted"] == 34_870_000
        assert response.headers["cache-control"] == "max-age=300"
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/-/health.json").read())
        assert health["database"] == "bidrag" and health["immutable"] is True  # /-/databases.json is closed
    finally:
        process.terminate()
        process.wait(timeout=10)
