"""How Datasette serves the database: one definition for `bidrag serve` and the tests."""

from pathlib import Path

from datasette.app import Datasette
from datasette.utils import parse_metadata

from .project import Project

# The site's own stylesheet is served under /assets/.
STATIC_MOUNT = "assets"

# A public, read-only site: no suggested facets to compute, a tight SQL time limit, no debug
# output, and responses that caches may keep for a while because the database is immutable.
SETTINGS = {
    "sql_time_limit_ms": 500,
    "facet_time_limit_ms": 200,
    "suggest_facets": False,
    "template_debug": False,
    "trace_debug": False,
    "default_cache_ttl": 300,
}


def make_datasette(project: Project, db_path: Path | None = None) -> Datasette:
    """A Datasette instance as `bidrag serve` runs it, for tests and tools."""
    templates = project.templates_dir
    return Datasette(
        immutables=[str(db_path or project.db_path)],
        metadata=parse_metadata(project.metadata_path.read_text("utf-8")),
        plugins_dir=str(project.plugins_dir),
        template_dir=str(templates) if templates.is_dir() else None,
        static_mounts=[(STATIC_MOUNT, str(project.static_dir))],
        settings=SETTINGS,
    )


def serve_arguments(project: Project, host: str, port: int, db_path: Path | None = None) -> list[str]:
    """Arguments for `datasette serve` equivalent to make_datasette."""
    arguments = [
        "serve", "--immutable", str(db_path or project.db_path),
        "--metadata", str(project.metadata_path),
        "--plugins-dir", str(project.plugins_dir),
        "--static", f"{STATIC_MOUNT}:{project.static_dir}",
        "--host", host, "--port", str(port),
    ]
    if project.templates_dir.is_dir():
        arguments += ["--template-dir", str(project.templates_dir)]
    for name, value in SETTINGS.items():
        arguments += ["--setting", name, _setting_text(value)]
    return arguments


def _setting_text(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


DATABASE = "bidrag"


async def fetch(datasette: Datasette, sql: str, params: dict | None = None) -> list[dict]:
    """Rows of a read-only query on the published database, as dicts (for the site's pages)."""
    result = await datasette.get_database(DATABASE).execute(sql, params or {})
    return [dict(row) for row in result.rows]
