"""Build build/bidrag.db from a validated data tree, atomically.

The database is written to a temporary file beside the live one, verified, and only then moved
over it with os.replace: a failed or interrupted build leaves the previous database untouched.
Every table and column comes from bidrag.schema. Rows are inserted in a fixed order and nothing
time-dependent is stored, so the same input gives the same file.
"""

import fcntl
import json
import os
import sqlite3
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from . import arithmetic, downloads, pause, search
from .dataset import Dataset
from .schema import BOOLEAN, JSON_ARRAY, TABLES, Table, resolve
from .synthetic import SYNTHETIC_PREFIX


class BuildError(Exception):
    pass


def build_database(dataset: Dataset, db_path: Path, allow_synthetic: bool = False, extend=None) -> dict:
    """Write dataset to db_path atomically; return row counts per table.

    extend(db), if given, adds rows (the publication history) inside the same write, before the
    checks: whatever it adds is verified and swapped in with the rest, or not at all.
    """
    synthetic = [d["id"] for d in dataset.decisions if d["id"].startswith(SYNTHETIC_PREFIX)]
    if synthetic and not allow_synthetic:
        raise BuildError(f"{len(synthetic)} syntetiska beslut (t.ex. {synthetic[0]}) får inte publiceras")
    db_path = Path(db_path)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(db_path):
        for stale in db_path.parent.glob(f".{db_path.name}.*.tmp"):
            stale.unlink()  # left by a build that was killed; we hold the lock, so none is running
        temp = db_path.parent / f".{db_path.name}.{os.getpid()}.tmp"
        try:
            try:
                counts = _write(dataset, temp, extend)
            except sqlite3.Error as error:
                raise BuildError(f"SQLite: {error}") from error
            fsync(temp)
            pause.point("build.written")
            os.replace(temp, db_path)
            fsync(db_path.parent)
        finally:
            temp.unlink(missing_ok=True)
    return counts


@contextmanager
def _exclusive(db_path: Path):
    with open(db_path.parent / f".{db_path.name}.lock", "w") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(f"en annan bygges redan av {db_path}; försök igen när den är klar") from None
        yield


def fsync(path: Path) -> None:
    """Flush a file or a directory entry to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(dataset: Dataset, path: Path, extend=None) -> dict:
    db = sqlite_utils.Database(path, recreate=True)
    # The file is temporary: discarded on any failure and fsynced before the swap, so SQLite's
    # rollback journal and per-commit syncs would only slow the build down.
    db.execute("pragma journal_mode = off")
    db.execute("pragma synchronous = off")
    try:
        with db.conn:
            for table in TABLES.values():
                _create(db, table)
            for table in TABLES.values():
                if table.records is not None:
                    db[table.name].insert_all(rows(table, dataset))
            if extend is not None:
                extend(db)
            for table in TABLES.values():
                if table.query is not None:
                    columns = ", ".join(f"[{name}]" for name in table.column_names)
                    db.execute(f"insert into [{table.name}] ({columns}) {table.query}")
                for columns in table.indexes:
                    db[table.name].create_index(list(columns))
            _index_search(db)
            downloads.write_all(db.conn)  # last: the downloads are of the finished tables
        _verify(db)
        return {name: db[name].count for name in TABLES}
    finally:
        db.close()


_PYTHON_TYPES = {"TEXT": str, "INTEGER": int, "REAL": float}


def _create(db, table: Table) -> None:
    db[table.name].create(
        {c.name: _PYTHON_TYPES[c.kind.sql] for c in table.columns},
        pk=(table.pk[0] if len(table.pk) == 1 else table.pk) or None,
        foreign_keys=table.foreign_keys,
        not_null={c.name for c in table.columns if c.required and c.name not in table.pk},
        strict=True,
    )


def rows(table: Table, dataset: Dataset):
    """The table's rows from the reviewed data, each value as its column's source says."""
    for record in table.records(dataset):
        yield {c.name: _stored(c, resolve(record, c.source, dataset, c.name)) for c in table.columns}


def _stored(column, value):
    if value is None:
        return None
    if column.kind is JSON_ARRAY:
        return json.dumps(value, ensure_ascii=False)
    if column.kind is BOOLEAN:
        return int(bool(value))
    return value


def _index_search(db):
    # Deliberately not an external-content table of measures: Datasette would then run its own
    # word-based search for ?_search= on measures; plugins/swedish_search.py provides ours.
    db.execute(
        f"create virtual table measures_fts using fts5(title, reason, conditions, tokenize='{search.TOKENIZER}')"
    )
    db.register_function(search.index_text, deterministic=True)
    db.execute("""insert into measures_fts (rowid, title, reason, conditions)
        select rowid, index_text(title), index_text(reason), index_text(conditions)
        from measures order by rowid""")


def _verify(db):
    """Check the written file itself, with the same amount rules as `bidrag check`, before it may
    replace the live one."""
    problems = [row[0] for row in db.execute("pragma integrity_check") if row[0] != "ok"]
    problems += [f"främmande nyckel bryts i {row[0]} rad {row[1]}" for row in db.execute("pragma foreign_key_check")]
    for decision in _decisions_as_filed(db):
        problems += [f"{decision['id']}: {check.problem}" for check in arithmetic.problems(decision)]
    if problems:
        raise BuildError("den byggda databasen klarade inte kontrollen: " + "; ".join(problems))


def _decisions_as_filed(db):
    """The decisions read back from the database in the shape of decision files."""
    measures, payments = defaultdict(list), defaultdict(list)
    for m in db.query(
        "select decision_id, title, status, amount_applied, amount_granted, amount_rejected "
        "from measures order by decision_id, position"
    ):
        measures[m["decision_id"]].append(m)
    for p in db.query("select decision_id, year, amount from payments order by decision_id, year"):
        payments[p["decision_id"]].append(p)
    for d in db.query("select id, outcome, amount_applied, amount_granted, amount_rejected from decisions"):
        yield {**d, "measures": measures[d["id"]], "payments": payments[d["id"]]}
