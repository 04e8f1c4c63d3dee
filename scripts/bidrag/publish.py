"""Publish a new release beside the live one, record what changed, switch atomically; roll back likewise.

The site directory, its journal and its lock are bidrag.releases. A publish checks the data, builds
the next release in the staging directory with the change history carried over and the new changes
added, smoke-tests it, journals, names and switches to it, and smoke-tests again. A rollback is a
release too: the data of the release that was live before, with the history of the current one and
its changes recorded as withdrawn (`återkallat`). If anything fails, bidrag.db points at the same,
untouched file; if the process is killed, the next publish or rollback finishes the journal first.
"""

import asyncio
import hashlib
import json
import shutil
import sqlite3
import tempfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from . import downloads, pause
from .build import BuildError, build_database, fsync
from .dataset import Dataset
from .formatting import kronor
from .project import Project
from .releases import PUBLISH, ROLLBACK, Site, SiteError, now
from .schema import CHANGED, KRONOR, NEW, REMOVED, TABLES, WITHDRAWN

# The columns whose changes are recorded, and their labels, are the schema's (`compared`).


class PublishError(Exception):
    pass


@dataclass
class Result:
    release: int | None
    changes: list = field(default_factory=list)
    path: Path | None = None


def data_hash(data_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in Path(data_dir).rglob("*.yml")):
        digest.update(str(path.relative_to(data_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _release_row(db, number: int, published_at: str, digest: str, changes: int) -> dict:
    return {
        "id": number,
        "published_at": published_at,
        "data_sha256": digest,
        "decisions": db["decisions"].count,
        "measures": db["measures"].count,
        "changes": changes,
    }


def _change_rows(number: int, published_at: str, changes: list[dict]) -> list[dict]:
    return [
        {"id": number * 10_000 + i, "release_id": number, "published_at": published_at, **c}
        for i, c in enumerate(changes, 1)
    ]


def publish(
    project: Project,
    dataset: Dataset,
    site: Site,
    published_at: str | None = None,
    dry_run: bool = False,
    force: bool = False,
    allow_synthetic: bool = False,
) -> Result:
    """Publish dataset as the next release; return what changed. Dry runs only compute the diff.

    Unchanged data (the same data_sha256 as the live release) is not published again unless forced.
    """
    published_at = published_at or now()
    if dry_run:
        return _dry_run(dataset, site, published_at, allow_synthetic)
    with _site_errors(), site.locked("publish"):
        site.recover()
        live = site.current()
        digest = data_hash(project.data_dir)
        if live and not force and _release_sha(live) == digest:
            return Result(None, [])
        number = site.next_number()
        recorded: list = []
        staged = site.staging / f"{number:04d}.db"
        build_database(
            dataset,
            staged,
            allow_synthetic=allow_synthetic,
            extend=_recorder(live, number, published_at, digest, recorded),
        )
        pause.point("publish.built")
        _commit(project, site, staged, len(dataset.decisions), PUBLISH, "publish")
        return Result(number, recorded, site.release(staged.name))


def _recorder(live: Path | None, number: int, published_at: str, digest: str, recorded: list):
    """The build's extend(db): the live release's history, this release and its changes."""
    before = snapshot(live) if live else _empty_snapshot()
    history = _history(live) if live else {"releases": [], "changes": []}

    def add_history(db):
        rows = _change_rows(number, published_at, diff(before, snapshot_of(db.conn)))
        for table, old in history.items():
            db[table].insert_all(old)
        db["releases"].insert(_release_row(db, number, published_at, digest, len(rows)))
        db["changes"].insert_all(rows)
        recorded.extend(rows)

    return add_history


def _dry_run(dataset: Dataset, site: Site, published_at: str, allow_synthetic: bool) -> Result:
    live, recorded = site.current(), []
    with tempfile.TemporaryDirectory(prefix=".dry-run.", dir=site.root if site.root.is_dir() else None) as scratch:
        number = site.next_number()
        extend = _recorder(live, number, published_at, "", recorded)
        build_database(dataset, Path(scratch) / "dry-run.db", allow_synthetic=allow_synthetic, extend=extend)
    return Result(None, recorded)


def _commit(project: Project, site: Site, staged: Path, decisions: int, action: str, step: str, **details) -> Path:
    """Smoke-test the staged release, switch to it, smoke-test the live site; undo the switch on failure.
    Whatever fails, the staging directory is left empty."""
    try:
        _smoke_test(project, staged, decisions)
    except Exception as error:
        site.clear_staging()  # a release that failed is not kept for anyone to take for a tested one
        raise PublishError(f"den nya versionen klarade inte provkörningen: {error}") from error
    pause.point(f"{step}.tested")
    previous = site._points_at()
    final = site.switch(staged, action, step, **details)
    try:
        _smoke_test(project, site.live, decisions)
    except Exception as error:
        site.undo(final, previous)
        site.clear_staging()
        restored = (
            f"releases/{previous} är publicerad igen"
            if previous
            else "ingen tidigare version fanns, så ingen version är publicerad"
        )
        raise PublishError(f"webbplatsen klarade inte provkörningen efter bytet; {restored}: {error}") from error
    site.clear_staging()  # the build's lock file
    pause.point(f"{step}.verified")
    return final


@contextmanager
def _site_errors():
    try:
        yield
    except SiteError as error:
        raise PublishError(str(error)) from None


def rollback(project: Project, site: Site, published_at: str | None = None) -> Result:
    """Publish, as a new release, the release that was live before the current one; the current
    release's changes are recorded as withdrawn."""
    published_at = published_at or now()
    with _site_errors(), site.locked("rollback"):
        history = site.recover()
        if not history:
            raise PublishError(f"{site.live} pekar inte på någon publicering")
        if len(history) < 2:
            raise PublishError(f"{history[-1]} är den första publiceringen; det finns ingen att gå tillbaka till")
        current, earlier = site.release(history[-1]), site.release(history[-2])
        number = site.next_number()
        staged = site.staging / f"{number:04d}.db"
        recorded = _restore(current, earlier, staged, number, published_at)
        pause.point("rollback.built")
        with _read_only(staged) as connection:
            decisions = connection.execute("select count(*) from decisions").fetchone()[0]
        _commit(project, site, staged, decisions, ROLLBACK, "rollback", restores=earlier.name)
        return Result(number, recorded, site.release(staged.name))


def _restore(current: Path, earlier: Path, staged: Path, number: int, published_at: str) -> list[dict]:
    """The earlier release's data with the current history and this rollback appended, written to staged."""
    withdrawn = int(current.stem)
    changes = [
        {**c, "kind": WITHDRAWN, "summary": f"Publicering {withdrawn} återkallad: {c['summary']}"}
        for c in diff(snapshot(current), snapshot(earlier))
    ]
    history = _history(current)
    staged.parent.mkdir(parents=True, exist_ok=True)
    temp = staged.with_name(f".{staged.name}.tmp")
    shutil.copyfile(earlier, temp)
    db = sqlite_utils.Database(temp)
    try:
        rows = _change_rows(number, published_at, changes)
        with db.conn:
            db.execute("delete from changes")
            db.execute("delete from releases")
            for table, old in history.items():
                db[table].insert_all(old)
            db["releases"].insert(_release_row(db, number, published_at, _release_sha(earlier) or "", len(rows)))
            db["changes"].insert_all(rows)
            downloads.write_all(db.conn)  # of the history just written, not the earlier release's
        problems = [r[0] for r in db.execute("pragma integrity_check") if r[0] != "ok"]
        if problems:
            raise PublishError(f"återställningen klarade inte kontrollen: {'; '.join(problems)}")
    finally:
        db.close()
    fsync(temp)
    temp.replace(staged)
    return rows


def _empty_snapshot() -> dict:
    return {"decisions": {}, "measures": {}, "payments": {}, "deadlines": {}}


@contextmanager
def _read_only(path: Path):
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    try:
        yield connection
    finally:
        connection.close()


def snapshot(path: Path) -> dict:
    with _read_only(path) as connection:
        return snapshot_of(connection)


def snapshot_of(connection) -> dict:
    """The published facts that a change record compares, keyed by decision."""

    def rows(sql):
        cursor = connection.cursor()
        cursor.row_factory = sqlite3.Row  # the connection's own factory belongs to its owner
        return [dict(r) for r in cursor.execute(sql)]

    deadlines: dict = {}
    for r in rows("select decision_id, kind, due_on from deadlines order by due_on"):
        deadlines.setdefault((r["decision_id"], r["kind"]), []).append(r["due_on"])

    def compared(table, *keys):
        # A column added since the release was built is not in it: it has no "before" to compare.
        stored = {r["name"] for r in rows(f"pragma table_info({table})")}
        columns = [*keys, *(c for c in TABLES[table].compared if c in stored)]
        return {r["id"]: r for r in rows(f"select {', '.join(columns)} from {table}")}

    return {
        "decisions": compared("decisions", "id"),
        "measures": compared("measures", "id", "decision_id"),
        "payments": {
            (r["decision_id"], r["year"]): r["amount"] for r in rows("select decision_id, year, amount from payments")
        },
        "deadlines": {key: ", ".join(days) for key, days in deadlines.items()},
    }


def diff(before: dict, after: dict) -> list[dict]:
    """Change rows (without release and time) turning the before snapshot into the after one."""
    changes = []
    old, new = before["decisions"], after["decisions"]
    for decision_id in sorted(set(old) | set(new)):
        if decision_id not in old:
            d = new[decision_id]
            granted, applied = kronor(d["amount_granted"]), kronor(d["amount_applied"])
            summary = f"Nytt beslut: {d['outcome']}, {granted} av sökta {applied}"
            changes.append(_change(d, NEW, None, None, None, summary))
        elif decision_id not in new:
            d = old[decision_id]
            changes.append(_change(d, REMOVED, None, None, None, "Beslutet har tagits bort från publiceringen"))
        else:
            changes += _changed(decision_id, before, after)
    return changes


def _compared(table: str, name: str) -> tuple[str, bool]:
    """The column's label and whether it is an amount in kronor."""
    column = TABLES[table].column(name)
    return column.label, column.kind is KRONOR


def _changed(decision_id, before, after):
    """(field, before, after, label, is_amount) for each compared value of the decision."""
    decision = after["decisions"][decision_id]
    old_decision = before["decisions"][decision_id]
    shared = [f for f in decision if f in old_decision and f != "id"]
    pairs = [(f, old_decision[f], decision[f], *_compared("decisions", f)) for f in shared]
    for side in ("payments", "deadlines"):
        keys = {k for k in (*before[side], *after[side]) if k[0] == decision_id}
        for key in sorted(keys, key=str):
            label = f"utbetalning {key[1]}" if side == "payments" else f"tidsfrist för {key[1]}"
            pairs.append((f"{side}.{key[1]}", before[side].get(key), after[side].get(key), label, side == "payments"))
    old_measures = {k: v for k, v in before["measures"].items() if v["decision_id"] == decision_id}
    new_measures = {k: v for k, v in after["measures"].items() if v["decision_id"] == decision_id}
    for measure_id in sorted(set(old_measures) | set(new_measures)):
        old, new = old_measures.get(measure_id), new_measures.get(measure_id)
        title = (new or old)["title"]
        if old is None or new is None:
            pairs.append((f"measures.{measure_id}", old and old["title"], new and new["title"], "åtgärd", False))
            continue
        for f in (f for f in new if f in old and f not in ("id", "decision_id")):
            label, is_amount = _compared("measures", f)
            pairs.append((f"measures.{measure_id}.{f}", old[f], new[f], f"{label.lower()} för ”{title}”", is_amount))
    return [
        _change(
            decision,
            CHANGED,
            name,
            old,
            new,
            f"{label.capitalize()}: {_show(old, amount)} → {_show(new, amount)}",
            amount,
        )
        for name, old, new, label, amount in pairs
        if old != new
    ]


def _change(decision, kind, field_name, old, new, summary, is_amount=False):
    return {
        "decision_id": decision["id"],
        "region_id": decision["region_id"],
        "kind": kind,
        "field": field_name,
        "before": None if old is None else json.dumps(old, ensure_ascii=False),
        "after": None if new is None else json.dumps(new, ensure_ascii=False),
        "amount_before": old if is_amount else None,
        "amount_after": new if is_amount else None,
        "summary": summary,
    }


def _show(value, is_amount: bool) -> str:
    if value is None:
        return "saknas"
    return kronor(value) if is_amount else str(value)


def _history(live: Path) -> dict:
    """The live release's publication history, to carry into the next release."""
    with _read_only(live) as connection:
        return {
            table: [dict(r) for r in connection.execute(f"select * from {table} order by id")]
            for table in ("releases", "changes")
        }


def _release_sha(path: Path) -> str | None:
    with _read_only(path) as connection:
        row = connection.execute("select data_sha256 from releases order by id desc limit 1").fetchone()
        return row[0] if row else None


def _smoke_test(project: Project, path: Path, decisions: int) -> None:
    """Serve the file through the real site configuration and read its key pages."""
    from .site import DATABASE, make_datasette

    async def run(datasette):
        for url, kind in (
            ("/", "text/html"),
            ("/bidrag/decisions.json?_shape=array", "application/json"),
            ("/bidrag/changes.json?_shape=array", "application/json"),
        ):
            response = await datasette.client.get(url)
            if response.status_code != 200 or not response.headers["content-type"].startswith(kind):
                raise PublishError(f"{url} svarade {response.status_code}")
        listed = len((await datasette.client.get("/bidrag/decisions.json?_shape=array&_size=max")).json())
        if listed != decisions:
            raise PublishError(f"/bidrag/decisions.json listar {listed} beslut, väntat {decisions}")

    datasette = make_datasette(project, path)
    try:
        # A thread of its own, so that callers inside an event loop (tests, notebooks) can publish too.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(asyncio.run, run(datasette)).result()
    finally:
        # Its SQL threads and connections end with it: a process that publishes again and again (the
        # test suite) kept every smoke-tested file open, and SQLite's heap limit is per process.
        datasette.executor.shutdown(wait=True)
        for database in {*datasette.databases.values(), datasette.get_database(DATABASE)}:
            database.close()


__all__ = ["BuildError", "PublishError", "Result", "Site", "publish", "rollback"]
