"""How Datasette serves the database: one definition for `bidrag serve` and the tests."""

import json
import os
from pathlib import Path

import yaml
from datasette.app import Datasette
from datasette.database import Database

from . import downloads
from .project import Project
from .schema import TABLES

# The name of the database in every URL (/bidrag/...); `datasette serve` takes it from the file name.
DATABASE = "bidrag"

# The site's own stylesheet is served under /assets/.
STATIC_MOUNT = "assets"

# A public, read-only site that anyone may query. Every request is bounded: any read-only SQL is
# allowed but cut off after 500 ms; each facet gets 1 s (a page's facets are a group by over one
# table; at 200 ms they lost the race under load and silently vanished from the page); a page holds at most 1 000 rows
# (?_size=max) and 100 by default; a streamed CSV (?_stream=on) stops at 20 MB (the whole
# database is a download instead). No suggested facets, no debug output; responses may be cached
# for five minutes because the database is immutable.
SETTINGS = {
    "sql_time_limit_ms": 500,
    "facet_time_limit_ms": 1000,
    "max_returned_rows": 1000,
    "default_page_size": 100,
    "max_csv_mb": 20,
    "num_sql_threads": 3,
    "suggest_facets": False,
    "template_debug": False,
    "trace_debug": False,
    "default_cache_ttl": 300,
}


def metadata(project: Project) -> dict:
    """metadata.yml (the site's title, licence, canned queries, plugin settings) with every table's
    title, description, column descriptions and display options from bidrag.schema."""
    site = yaml.safe_load(project.metadata_path.read_text("utf-8"))
    database = site.setdefault("databases", {}).setdefault(DATABASE, {})
    database["tables"] = {
        name: {
            "title": table.title,
            "description": table.description,
            "columns": {c.name: c.description for c in table.columns},
            **table.display,
        }
        for name, table in TABLES.items()
    }
    database["tables"][downloads.TABLE] = downloads.METADATA
    return site


def metadata_file(project: Project) -> Path:
    """The merged metadata as a file, for `datasette serve --metadata` (written anew, atomically)."""
    path = project.root / "build" / "metadata.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".metadata.{os.getpid()}.json")
    temp.write_text(json.dumps(metadata(project), ensure_ascii=False, indent=1), "utf-8")
    os.replace(temp, path)
    return path


def make_datasette(project: Project, db_path: Path | None = None) -> Datasette:
    """A Datasette instance as `bidrag serve` runs it, for tests and tools.

    The database is always named bidrag, whatever the file is called (a release is 0003.db).
    """
    templates = project.templates_dir
    datasette = Datasette(
        metadata=metadata(project),
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
        str(metadata_file(project)),  # merged with bidrag.schema, as make_datasette has it
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


# The canonical address of the site, for every absolute identifier (feeds, catalogue, data package):
# configured, never taken from the Host header a client sends.
BASE_URL_VARIABLE = "BIDRAG_BASE_URL"
LOCAL_BASE_URL = "http://127.0.0.1:8001"


def configured_base_url(site_config: dict | None) -> str | None:
    """BIDRAG_BASE_URL, else base_url in site_config (plugins: bidrag-site); None when neither is set."""
    return os.environ.get(BASE_URL_VARIABLE) or (site_config or {}).get("base_url")


def site_url(datasette: Datasette) -> str:
    """The site's absolute address without a trailing slash: the configured one, else the local preview's."""
    return (configured_base_url(datasette.plugin_config("bidrag-site")) or LOCAL_BASE_URL).rstrip("/")


def listening_base_url(project: Project, host: str, port: int) -> str | None:
    """For `bidrag serve`: the address it listens on, when neither BIDRAG_BASE_URL nor base_url in
    metadata.yml names the site's, so a preview on another port links to itself (never to the Host
    a request names); None when one is configured."""
    site = yaml.safe_load(project.metadata_path.read_text("utf-8")) or {}
    if configured_base_url((site.get("plugins") or {}).get("bidrag-site")):
        return None
    host = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def content_hash(datasette: Datasette) -> str:
    """SHA-256 of the served database file (Datasette computes it once for an immutable file): the
    key for anything derived from the data."""
    return datasette.get_database(DATABASE).hash


async def fetch_unlimited(datasette: Datasette, sql: str, params: dict | None = None) -> list[dict]:
    """Rows of one of the site's own queries (feeds, exports), without the visitor time limit: a
    query of ours must not depend on winning a race against it under load. Ours are bounded by the
    size of the data (indexed, or one pass)."""

    def run(connection):
        cursor = connection.execute(sql, params or {})
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return await datasette.get_database(DATABASE).execute_fn(run)


def runs_visitor_sql(request) -> bool:
    """A request that runs SQL a visitor wrote (?sql=, ?_where=), unlike the site's own bounded queries."""
    return bool(request.args.get("sql") or request.args.get("_where"))
