"""Fixtures: the real data built by our own build code, and a Datasette configured like `bidrag serve`."""

import os
import shutil
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from bidrag.build import build_database
from bidrag.cli import cli
from bidrag.dataset import load_dataset
from bidrag.project import Project
from bidrag.site import make_datasette

ROOT = Path(__file__).resolve().parents[1]
OREBRO = "2025_11_11_orebro"
# The one clock (bidrag.clock) is pinned for the whole suite, servers started by tests included;
# BIDRAG_TODAY=2029-01-01 make test runs it on another day. Tests about "upcoming" pin their own day.
os.environ.setdefault("BIDRAG_TODAY", "2026-06-15")


@pytest.fixture(scope="session")
def project() -> Project:
    return Project(ROOT)


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("build") / "bidrag.db"
    build_database(load_dataset(ROOT / "data"), path)
    return path


@pytest.fixture(scope="session")
def datasette(project, built_db):
    return make_datasette(project, built_db)


@pytest.fixture
def workspace(tmp_path) -> Project:
    """A copy of the real data/ tree that a test may break."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return Project(tmp_path)


@pytest.fixture
def site_workspace(workspace) -> Project:
    """A workspace that can also serve the site: data plus the site's configuration."""
    for name in ("plugins", "templates", "static"):
        shutil.copytree(ROOT / name, workspace.root / name)
    shutil.copyfile(ROOT / "metadata.yml", workspace.root / "metadata.yml")
    return workspace


def run_cli(project: Project, *arguments):
    return CliRunner().invoke(cli, ["--root", str(project.root), *arguments])


def read_yaml(path: Path):
    return yaml.safe_load(path.read_text("utf-8"))


def write_yaml(path: Path, data) -> None:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")


def wait_for(path, process):
    """Bounded wait for a pause point: fails if the process ends first or never gets there."""
    for _ in range(12_000):
        if path.exists():
            return
        assert process.poll() is None, process.stderr.read().decode()
        time.sleep(0.01)
    raise AssertionError(f"{path.name} was never reached")
