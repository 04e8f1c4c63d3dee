"""Publish a new version of the database beside the live one, record what changed, switch atomically.

Layout under the site directory (build/site/ by default):

    releases/0001.db, 0002.db, ...   every published version, kept for rollback
    bidrag.db -> releases/0002.db    the live version the site serves; replaced in one rename

A publish checks the data, builds the next release with the change history carried over and the
new changes added, smoke-tests it, points bidrag.db at it and smoke-tests again. If anything fails,
bidrag.db still points at the same, untouched file.
"""

import asyncio
import hashlib
import json
import os
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from .build import BuildError, build_database, fsync
from .dataset import Dataset
from .formatting import kronor
from .project import Project
from .schema import CHANGED, KRONOR, NEW, REMOVED, TABLES

# The columns whose changes are recorded, and their labels, are the schema's (`compared`).


class PublishError(Exception):
    pass


@dataclass
class Site:
    root: Path

    @property
    def releases(self) -> Path:
        return self.root / "releases"

    @property
    def live(self) -> Path:
        return self.root / "bidrag.db"  # the name Datasette gives the database

    def current(self) -> Path | None:
        return self.live.resolve() if self.live.is_symlink() and self.live.exists() else None

    def published(self) -> list[Path]:
        return sorted(self.releases.glob("[0-9][0-9][0-9][0-9].db"))

    def switch(self, release: Path) -> None:
        """Point the live link at release in one atomic rename."""
        temp = self.root / ".bidrag.db.link"
        temp.unlink(missing_ok=True)
        temp.symlink_to(release.relative_to(self.root))
        os.replace(temp, self.live)
        fsync(self.root)


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
    published_at = published_at or datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    live = site.current()
    before = snapshot(live) if live else _empty_snapshot()
    digest = data_hash(project.data_dir)
    numbers = [int(p.stem) for p in site.published()]
    number = max(numbers, default=0) + 1
    recorded: list = []

    history = _history(live) if live else {"releases": [], "changes": []}

    def add_history(db):
        changes = diff(before, snapshot_of(db.conn))
        for table, rows in history.items():
            db[table].insert_all(rows)
        rows = [
            {"id": number * 10_000 + i, "release_id": number, "published_at": published_at, **c}
            for i, c in enumerate(changes, 1)
        ]
        db["releases"].insert(
            {
                "id": number,
                "published_at": published_at,
                "data_sha256": digest,
                "decisions": db["decisions"].count,
                "measures": db["measures"].count,
                "changes": len(rows),
            }
        )
        db["changes"].insert_all(rows)
        recorded.extend(rows)

    site.releases.mkdir(parents=True, exist_ok=True)
    target = site.releases / f"{number:04d}.db"
    if dry_run:
        scratch = site.root / "dry-run.db"
        try:
            build_database(dataset, scratch, allow_synthetic=allow_synthetic, extend=add_history)
        finally:
            scratch.unlink(missing_ok=True)
        return Result(None, recorded)
    if live and not force and _release_sha(live) == digest:
        return Result(None, [])
    build_database(dataset, target, allow_synthetic=allow_synthetic, extend=add_history)
    try:
        _smoke_test(project, target, len(dataset.decisions))
    except Exception as error:
        target.unlink(missing_ok=True)
        raise PublishError(f"den nya versionen klarade inte provkörningen: {error}") from error
    site.switch(target)
    try:
        _smoke_test(project, site.live, len(dataset.decisions))
    except Exception as error:
        if live:
            site.switch(live)  # put the previous release back before reporting
        else:
            site.live.unlink()
        raise PublishError(
            f"webbplatsen klarade inte provkörningen efter bytet; {live or 'ingen'} återställd: {error}"
        ) from error
    return Result(number, recorded, target)


def rollback(site: Site) -> Path:
    """Point the live link at the release published before the current one."""
    current = site.current()
    if current is None:
        raise PublishError(f"{site.live} pekar inte på någon publicering")
    earlier = [p for p in site.published() if int(p.stem) < int(current.stem)]
    if not earlier:
        raise PublishError(f"{current.name} är den första publiceringen; det finns ingen att gå tillbaka till")
    site.switch(earlier[-1])
    return earlier[-1]


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
    from .site import make_datasette

    async def run():
        datasette = make_datasette(project, path)
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

    # A thread of its own, so that callers inside an event loop (tests, notebooks) can publish too.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, run()).result()


__all__ = ["BuildError", "PublishError", "Result", "Site", "publish", "rollback"]
