"""How Datasette serves the database: one definition for `bidrag serve` and the tests."""

from pathlib import Path

from datasette.app import Datasette
from datasette.database import Database
from datasette.utils import parse_metadata

from .project import Project

# The name of the database in every URL (/bidrag/...); `datasette serve` takes it from the file name.
DATABASE = "bidrag"

# The site's own stylesheet is served under /assets/.
STATIC_MOUNT = "assets"

# A public, read-only site that anyone may query. Every request is bounded: any read-only SQL is
# allowed but cut off after 500 ms; each facet gets 200 ms; a page holds at most 1 000 rows
# (?_size=max) and 100 by default; a streamed CSV (?_stream=on) stops at 20 MB (the whole
# database is a download instead). No suggested facets, no debug output; responses may be cached
# for five minutes because the database is immutable.
SETTINGS = {
    "sql_time_limit_ms": 500,
    "facet_time_limit_ms": 200,
    "max_returned_rows": 1000,
    "default_page_size": 100,
    "max_csv_mb": 20,
    "num_sql_threads": 3,
    "suggest_facets": False,
    "template_debug": False,
    "trace_debug": False,
    "default_cache_ttl": 300,
}


def make_datasette(project: Project, db_path: Path | None = None) -> Datasette:
    """A Datasette instance as `bidrag serve` runs it, for tests and tools.

    The database is always named bidrag, whatever the file is called (a release is 0003.db).
    """
    templates = project.templates_dir
    datasette = Datasette(
        metadata=parse_metadata(project.metadata_path.read_text("utf-8")),
        plugins_dir=str(project.plugins_dir),
        template_dir=str(templates) if templates.is_dir() else None,
        static_mounts=[(STATIC_MOUNT, str(project.static_dir))],
        settings=SETTINGS,
    )
    datasette.add_database(Database(datasette, path=str(db_path or project.db_path), is_mutable=False), DATABASE)
    return datasette


def serve_arguments(project: Project, host: str, port: int, db_path: Path | None = None) -> list[str]:
    """Arguments for `datasette serve` equivalent to make_datasette (the file must be named bidrag.db)."""
    if Path(db_path or project.db_path).stem != DATABASE:
        raise ValueError(f"datasette serve names the database after the file: {db_path} must be {DATABASE}.db")
    arguments = [
        "serve",
        "--immutable",
        str(db_path or project.db_path),
        "--metadata",
        str(project.metadata_path),
        "--plugins-dir",
        str(project.plugins_dir),
        "--static",
        f"{STATIC_MOUNT}:{project.static_dir}",
        "--host",
        host,
        "--port",
        str(port),
    ]
    if project.templates_dir.is_dir():
        arguments += ["--template-dir", str(project.templates_dir)]
    for name, value in SETTINGS.items():
        arguments += ["--setting", name, _setting_text(value)]
    return arguments


def _setting_text(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


async def fetch(datasette: Datasette, sql: str, params: dict | None = None) -> list[dict]:
    """Rows of a read-only query on the published database, as dicts (for the site's pages)."""
    result = await datasette.get_database(DATABASE).execute(sql, params or {})
    return [dict(row) for row in result.rows]


def site_url(datasette: Datasette, request) -> str:
    """The site's absolute address without a trailing slash, for feeds, catalogues and examples."""
    return datasette.absolute_url(request, "/").rstrip("/")


def database_version(datasette: Datasette) -> tuple:
    """Identifies the served database file: the key for anything computed once from it."""
    path = Path(datasette.get_database(DATABASE).path)
    stat = path.stat()
    return str(path), stat.st_size, stat.st_mtime_ns
