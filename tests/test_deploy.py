"""The Docker image's recipe: pinned, and its command serves the site. (No Docker engine runs here,
so the image itself is not built; its command is run as the image would run it, with the image's
environment: two processes behind nginx, checked by the image's HEALTHCHECK.)"""

import json
import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
import urllib.request

from bidrag.balanced import find_nginx
from bidrag.browser import free_consecutive_ports

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
    for part in ("metadata.yml", "plugins", "templates", "static", "build/deploy/site"):
        assert re.search(rf"^COPY {re.escape(part)}\b", DOCKERFILE, re.M), part
    # Row counts of an inspect file would describe one release only; the server counts each release it adopts.
    assert "inspect" not in re.sub(r"^#.*$", "", DOCKERFILE, flags=re.M)


def test_image_has_nginx_and_serves_through_it_as_its_own_user():
    assert "apt-get install -y --no-install-recommends nginx" in DOCKERFILE
    assert re.search(r"^USER bidrag$", DOCKERFILE, re.M)
    assert int(image_environment()["BIDRAG_PROCESSES"]) >= 2


def image_environment() -> dict[str, str]:
    """What the Dockerfile's ENV lines set."""
    return dict(re.findall(r"(\w+)=(\S+)", "\n".join(re.findall(r"^ENV (.*)$", DOCKERFILE, re.M))))


def health_check(port: int) -> subprocess.CompletedProcess:
    """The Dockerfile's HEALTHCHECK command, against the given port instead of 8001."""
    text = re.search(r"^HEALTHCHECK .*?CMD (\[.*?\])$", DOCKERFILE.replace("\\\n", ""), re.M | re.S).group(1)
    command = [part.replace(":8001/", f":{port}/") for part in json.loads(text)]
    assert command[0] == "python" and f":{port}/-/health.json" in command[-1]
    return subprocess.run([sys.executable, *command[1:]], capture_output=True, timeout=60)


def image_command(app, port: int) -> list[str]:
    """The Dockerfile's CMD, with /app the given directory and a free loopback port."""
    command = json.loads(re.search(r"^CMD (\[.*?\])$", DOCKERFILE.replace("\\\n", ""), re.M | re.S).group(1))
    assert command[:4] == ["bidrag", "--root", "/app", "serve"]
    arguments = [a if a != "/app" else str(app) for a in command[1:]]
    arguments[arguments.index("--port") + 1] = str(port)
    arguments[arguments.index("--host") + 1] = "127.0.0.1"
    return arguments


def wait_for_server(process, url: str, log):
    for _ in range(1200):  # a bounded wait for the server to start, however busy the machine
        try:
            return urllib.request.urlopen(url)
        except OSError:
            assert process.poll() is None, log.read_text("utf-8", errors="replace")[-2000:]
            time.sleep(0.1)
    raise AssertionError("the server from the Docker command never answered")


def granted(url: str) -> set[int]:
    """The grant in four requests in a row: the proxy takes idle processes in turn, so every process answers."""
    return {json.loads(urllib.request.urlopen(url).read())[0]["amount_granted"] for _ in range(4)}


def test_the_image_serves_its_release_and_follows_a_mounted_site_without_a_restart(site_workspace, tmp_path):
    """`make docker-context` gives the image a site directory with the live release; the CMD of the
    Dockerfile, run as the image runs it with the host's site directory mounted over that one, serves
    each publish and rollback made there from the next request on."""
    from .conftest import run_cli
    from .test_publish import correct_the_fall_prevention_grant

    assert run_cli(site_workspace, "publish").exit_code == 0
    subprocess.run(["make", "-f", str(ROOT / "Makefile"), "-C", str(site_workspace.root), "docker-context"], check=True)
    image = tmp_path / "app"  # what `COPY` puts in /app: the configuration and build/deploy/site as build/site
    image.mkdir()
    for name in ("metadata.yml", "plugins", "templates", "static"):
        copy = shutil.copytree if (site_workspace.root / name).is_dir() else shutil.copyfile
        copy(site_workspace.root / name, image / name)
    shutil.copytree(site_workspace.root / "build" / "deploy" / "site", image / "build" / "site", symlinks=True)
    assert os.readlink(image / "build" / "site" / "bidrag.db") == "releases/0001.db"
    # The mount: the host's published site directory in place of the baked-in one.
    mounted = image / "build" / "site"
    shutil.rmtree(mounted)
    mounted.symlink_to(site_workspace.root / "build" / "site")
    find_nginx()  # fails the test, saying that Debian's nginx is missing
    environment = {**os.environ, **image_environment()}
    port = free_consecutive_ports(int(environment["BIDRAG_PROCESSES"]) + 1)
    log = tmp_path / "serve.log"
    with log.open("wb") as output:  # a file, not a pipe nobody reads: the processes log every request
        process = subprocess.Popen(
            [sys.executable, "-m", "bidrag", *image_command(image, port)],
            cwd=image,
            stdout=output,
            stderr=subprocess.STDOUT,
            env=environment,
        )
    url = f"http://127.0.0.1:{port}/bidrag/decisions.json?_shape=array"
    try:
        response = wait_for_server(process, url, log)
        assert response.headers["server"] == "nginx"  # through the proxy
        assert health_check(port).returncode == 0
        assert json.loads(response.read())[0]["amount_granted"] == 34_870_000
        assert response.headers["cache-control"] == "max-age=300"
        correct_the_fall_prevention_grant(site_workspace)
        assert run_cli(site_workspace, "publish").exit_code == 0
        assert granted(url) == {34_000_000}
        assert run_cli(site_workspace, "rollback").exit_code == 0
        assert granted(url) == {34_870_000}
        health = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{port}/-/health.json").read())
        assert health["database"] == "bidrag" and health["immutable"] is True  # /-/databases.json is closed
        assert health["file"] == "0003.db"
    finally:
        process.terminate()
        assert process.wait(timeout=60) == 0
    assert health_check(port).returncode != 0  # a stopped site fails the health check
