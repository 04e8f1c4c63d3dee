"""Build build/bidrag.db from a validated data tree, atomically.

The database is written to a temporary file beside the live one, verified, and only then moved
over it with os.replace: a failed or interrupted build leaves the previous database untouched.
Rows are inserted in a fixed order and nothing time-dependent is stored, so the same input
gives the same file.
"""

import fcntl
import json
import os
import sqlite3
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from . import search
from .dataset import Dataset
from .synthetic import SYNTHETIC_PREFIX
from .tables import TABLES, VIEWS


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
            for name, spec in TABLES.items():
                db[name].create(
                    spec.columns, pk=spec.pk, foreign_keys=spec.foreign_keys, not_null=spec.not_null, strict=True
                )
            for name, rows in _rows(dataset):
                db[name].insert_all(rows)
            if extend is not None:
                extend(db)
            for name, spec in TABLES.items():
                for columns in spec.indexes:
                    db[name].create_index(columns)
            for name, sql in VIEWS.items():
                db.create_view(name, sql.strip())
            _index_search(db)
        _verify(db)
        return {name: db[name].count for name in TABLES}
    finally:
        db.close()


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
    """Check the written file itself before it may replace the live one."""
    problems = [row[0] for row in db.execute("pragma integrity_check") if row[0] != "ok"]
    problems += [f"främmande nyckel bryts i {row[0]} rad {row[1]}" for row in db.execute("pragma foreign_key_check")]
    for decision_id, granted, measure_sum, payment_sum in db.execute("""
        select d.id, d.amount_granted,
          (select coalesce(sum(m.amount_granted), 0) from measures m where m.decision_id = d.id),
          (select coalesce(sum(p.amount), 0) from payments p where p.decision_id = d.id)
        from decisions d"""):
        if not granted == measure_sum == payment_sum:
            problems.append(f"{decision_id}: beviljat {granted}, åtgärder {measure_sum}, utbetalningar {payment_sum}")
    if problems:
        raise BuildError("den byggda databasen klarade inte kontrollen: " + "; ".join(problems))


def _rows(dataset: Dataset):
    """Yield (table, rows) in insertion order: referenced tables before those referring to them."""
    region_names = {r["id"]: r["name"] for r in dataset.regions}
    theme_names = {t["id"]: t["name"] for t in dataset.themes}
    decisions = dataset.decisions
    yield (
        "sources",
        [
            *dataset.programme["sources"],
            *({"id": d["id"], "kind": "beslut", **d["source_document"]} for d in decisions),
        ],
    )
    yield "regions", [{**r, "note": r.get("note")} for r in dataset.regions]
    yield "themes", [_columns(t, "themes") for t in dataset.themes]
    yield "reason_categories", [_columns(r, "reason_categories") for r in dataset.reason_categories]
    yield "decisions", [_decision_row(d, region_names) for d in decisions]
    yield "decision_partners", [{"decision_id": d["id"], "region_id": p} for d in decisions for p in d["joint_with"]]
    yield "measures", [_measure_row(d, m, theme_names) for d in decisions for m in d["measures"]]
    yield (
        "measure_themes",
        [
            {"measure_id": measure_id(d, m), "theme_id": t}
            for d in decisions
            for m in d["measures"]
            for t in m["themes"]
        ],
    )
    yield (
        "payments",
        [{"decision_id": d["id"], "region_id": d["region"], **p} for d in decisions for p in d["payments"]],
    )
    yield (
        "deadlines",
        [{"decision_id": d["id"], "region_id": d["region"], **x} for d in decisions for x in d["deadlines"]],
    )
    yield (
        "decision_makers",
        [
            {"decision_id": d["id"], "position": i, **p}
            for d in decisions
            for i, p in enumerate(d["decision_makers"], 1)
        ],
    )
    yield "programme", _programme_rows(dataset.programme, set(dataset.disputed_topics))


def _columns(item: dict, table: str) -> dict:
    """The fields of item that the table publishes (vocabulary keywords are tooling, not data)."""
    return {column: item.get(column) for column in TABLES[table].columns}


def measure_id(decision: dict, measure: dict) -> str:
    return f"{decision['id']}_{measure['position']:02d}"


def _decision_row(d: dict, region_names: dict) -> dict:
    quotes = d["source_quotes"]
    return {
        "id": d["id"],
        "region_id": d["region"],
        "label": f"{region_names[d['region']]}, beslut {d['decided_on']}",
        "title": d["title"],
        "decided_on": d["decided_on"],
        "applied_on": d["applied_on"],
        "outcome": d["outcome"],
        "amount_applied": d["amount_applied"],
        "amount_granted": d["amount_granted"],
        "amount_rejected": d["amount_rejected"],
        "measure_count": len(d["measures"]),
        "payment_schedule": json.dumps(sorted(d["payments"], key=lambda p: p["year"])),
        "completion_due_on": _first_due(d, "genomförande"),
        "interim_report_due_on": _first_due(d, "delredovisning"),
        "final_report_due_on": _first_due(d, "slutredovisning"),
        "org_nr": d["org_nr"],
        "joint": int(bool(d["joint_with"])),
        "general_conditions": d["general_conditions"],
        "reasoning": d["reasoning"],
        "appealable": int(d["appeal"]["appealable"]),
        "appeal_text": d["appeal"]["text"],
        "contact_email": d["contacts"]["delegation"],
        "region_contact_email": d["contacts"]["region"],
        "decided_quote": quotes["decided_on"],
        "applied_quote": quotes["applied"],
        "outcome_quote": quotes["outcome"],
        "payments_quote": quotes["payments"],
        "source_id": d["id"],
    }


def _first_due(decision: dict, kind: str) -> str | None:
    return min((x["due_on"] for x in decision["deadlines"] if x["kind"] == kind), default=None)


def _measure_row(d: dict, m: dict, theme_names: dict) -> dict:
    return {
        "id": measure_id(d, m),
        "decision_id": d["id"],
        "region_id": d["region"],
        "decided_on": d["decided_on"],
        **{
            k: m[k]
            for k in (
                "position",
                "title",
                "status",
                "amount_applied",
                "amount_granted",
                "amount_rejected",
                "conditions",
                "reason",
                "reason_category",
            )
        },
        "themes": json.dumps([theme_names[t] for t in m["themes"]], ensure_ascii=False),
        "source_quote": m["source_quote"],
    }


def _programme_rows(programme: dict, disputed: set) -> list:
    rows = []
    for fact in programme["facts"]:
        rows.append(
            {
                "id": fact["id"],
                "topic": fact["topic"],
                "label": fact["label"],
                "value": fact["value"],
                "amount": fact.get("amount"),
                "approximate": int(fact.get("approximate", False)),
                "year_from": fact.get("year_from"),
                "year_to": fact.get("year_to"),
                "date": fact.get("date"),
                "sources_disagree": int(fact["topic"] in disputed),
                "source_id": fact["source"],
                "source_quote": fact["source_quote"],
            }
        )
    return rows
