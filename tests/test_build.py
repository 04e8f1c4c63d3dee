"""`bidrag build`: the public schema, the values, idempotence and atomicity."""

import fcntl
import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils
import yaml

from bidrag import downloads, privacy, schema
from bidrag.build import BuildError, build_database
from bidrag.dataset import load_dataset
from bidrag.project import Project
from bidrag.synthetic import write_synthetic_tree

from .conftest import OREBRO, ROOT, run_cli, wait_for

# The column contract from the publication-core issue: API users rely on these names.
CONTRACT = {
    "regions": ["id", "name", "county_code", "org_nr"],
    "decisions": [
        "id",
        "region_id",
        "decided_on",
        "applied_on",
        "outcome",
        "amount_applied",
        "amount_granted",
        "amount_rejected",
    ],
    "measures": [
        "id",
        "decision_id",
        "region_id",
        "position",
        "title",
        "status",
        "amount_applied",
        "amount_granted",
        "amount_rejected",
        "conditions",
        "reason",
        "reason_category",
        "themes",
    ],
    "payments": ["decision_id", "year", "amount"],
    "deadlines": ["decision_id", "kind", "due_on"],
    "themes": ["id"],
    "reason_categories": ["id"],
    "programme": ["id"],
}


@pytest.fixture(scope="module")
def db(built_db):
    return sqlite_utils.Database(built_db)


def test_tables_and_columns_follow_the_contract(db):
    for table, columns in CONTRACT.items():
        assert set(columns) <= set(db[table].columns_dict), table
        assert set(columns) <= set(schema.TABLES[table].column_names), table


def test_the_database_is_exactly_the_schema_module(db):
    # and two build artefacts: the search index and the stored downloads (bidrag.downloads)
    artefacts = {t for t in db.table_names() if "_fts" in t} | {downloads.TABLE}
    assert set(db.table_names()) - artefacts == set(schema.TABLES)
    assert db.view_names() == []
    for spec in schema.TABLES.values():
        stored = db[spec.name].columns_dict
        assert list(stored) == spec.column_names, spec.name
        for column in spec.columns:
            assert db[spec.name].columns[spec.column_names.index(column.name)].type == column.kind.sql, (
                spec.name,
                column.name,
            )


def test_amounts_are_integer_columns_and_dates_are_iso_text(db):
    for table in db.tables:
        for column in table.columns:
            if column.name == "amount" or column.name.startswith("amount_"):
                assert column.type == "INTEGER", (table.name, column.name)
    for row in db.query("select decided_on, applied_on from decisions union all select due_on, due_on from deadlines"):
        for value in row.values():
            assert len(value) == 10 and value[4] == value[7] == "-"


def test_foreign_keys_and_facet_indexes(db):
    fks = {(fk.column, fk.other_table) for fk in db["measures"].foreign_keys}
    assert {("decision_id", "decisions"), ("region_id", "regions"), ("reason_category", "reason_categories")} <= fks
    indexed = {tuple(i.columns) for i in db["measures"].indexes}
    assert {("status", "id"), ("region_id", "id"), ("reason_category", "id"), ("decided_on", "id")} <= indexed
    # A filtered table page in Datasette's default order is read in index order, never sorted whole.
    for column in ("status", "region_id", "decision_id"):
        plan = db.execute(f"explain query plan select * from measures where {column} = ? order by id limit 51", ["x"])
        assert "TEMP B-TREE" not in " ".join(row[-1] for row in plan), column
    # A filter on an amount is counted, and its facets selected, from an index, never a scan of the wide rows.
    for column in ("amount_applied", "amount_granted", "amount_rejected"):
        for sql in (
            f"select count(*) from measures where {column} >= ?",
            f"select json_group_array(id) from (select * from measures where {column} >= ?)",
        ):
            plan = " ".join(row[-1] for row in db.execute(f"explain query plan {sql}", [1]))
            assert f"COVERING INDEX idx_measures_{column}_id" in plan, (column, plan)
    assert {("outcome",), ("region_id",)} <= {tuple(i.columns) for i in db["decisions"].indexes}
    assert list(db.execute("pragma foreign_key_check")) == []


def test_orebro_decision_values(db):
    decision = db["decisions"].get(OREBRO)
    assert (decision["amount_applied"], decision["amount_granted"], decision["amount_rejected"]) == (
        147_971_000,
        34_870_000,
        113_101_000,
    )
    assert decision["outcome"] == "delvis beviljad"
    assert decision["org_nr"] == "232100-0164"
    assert decision["decided_on"] == "2025-11-11" and decision["applied_on"] == "2025-06-12"
    payments = {r["year"]: r["amount"] for r in db["payments"].rows_where("decision_id = ?", [OREBRO])}
    assert payments == {2025: 11_625_000, 2026: 11_625_000, 2027: 11_620_000}
    deadlines = {r["kind"]: r["due_on"] for r in db["deadlines"].rows_where("decision_id = ?", [OREBRO])}
    assert deadlines == {"genomförande": "2027-12-31", "delredovisning": "2026-11-30", "slutredovisning": "2028-02-28"}


def test_orebro_measures(db):
    measures = list(db["measures"].rows_where("decision_id = ?", [OREBRO], order_by="position"))
    assert [m["status"] for m in measures].count("beviljad") == 2
    assert [m["status"] for m in measures].count("avslagen") == 5
    speech = next(m for m in measures if m["status"] == "delvis beviljad")
    assert "taligenkänning" in speech["title"]
    assert (speech["amount_granted"], speech["amount_rejected"]) == (19_300_000, 19_300_000)
    assert sum(m["amount_granted"] for m in measures) == 34_870_000
    # Amounts the decision does not state per measure stay unknown rather than invented.
    rejected = [m for m in measures if m["status"] == "avslagen"]
    assert all(m["amount_rejected"] is None and m["amount_applied"] is None for m in rejected)
    assert all(m["reason"] and m["reason_category"] for m in rejected)
    assert json.loads(measures[0]["themes"]) == ["AI", "Fallprevention", "Sensorteknik"]


def test_no_personal_contact_details_are_stored(db):
    texts = [v for t in schema.TABLES for row in db[t].rows for v in row.values() if isinstance(v, str)]
    dump = "\n".join(texts)
    mailboxes = set(yaml.safe_load((ROOT / "data" / "functional_mailboxes.yml").read_text())["functional_mailboxes"])
    assert privacy.personal_details(dump, mailboxes) == []
    assert "effektivitetsdelegationen@kammarkollegiet.se" in dump


def test_views_total_every_region(db):
    totals = {r["region_id"]: r for r in db["region_totals"].rows}
    assert len(totals) == 21
    assert totals["orebro"]["amount_granted"] == 34_870_000
    assert totals["orebro"]["measures_granted"] == 3 and totals["orebro"]["measures_rejected"] == 5
    assert totals["skane"]["decisions"] == 0 and totals["skane"]["amount_granted"] == 0
    themes = {r["theme_id"]: r for r in db["theme_totals"].rows}
    assert themes["ai"]["measures"] == 4 and themes["ai"]["amount_granted"] == 5_870_000 + 19_300_000


def test_programme_keeps_both_sources_where_they_disagree(db):
    rows = list(db["programme"].rows_where("topic = 'yearly_frame'", order_by="id"))
    assert {(r["amount"], r["source_id"]) for r in rows} == {(250_000_000, "programme_summary"), (750_000_000, OREBRO)}
    assert all(r["sources_disagree"] == 1 for r in rows)


def test_same_input_gives_the_same_file(tmp_path):
    dataset = load_dataset(ROOT / "data")
    build_database(dataset, tmp_path / "a.db")
    build_database(dataset, tmp_path / "b.db")
    assert (tmp_path / "a.db").read_bytes() == (tmp_path / "b.db").read_bytes()
    first = (tmp_path / "a.db").read_bytes()
    build_database(dataset, tmp_path / "a.db")
    assert (tmp_path / "a.db").read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [".a.db.lock", ".b.db.lock", "a.db", "b.db"]


def test_synthetic_decisions_never_reach_a_published_build(tmp_path):
    write_synthetic_tree(ROOT / "data", tmp_path / "data", scale=1)
    project = Project(tmp_path)
    refused = run_cli(project, "build")
    assert refused.exit_code == 1 and "syntetiska beslut" in refused.stderr
    assert not project.db_path.exists()
    assert run_cli(project, "build", "--allow-synthetic").exit_code == 0
    assert sqlite_utils.Database(project.db_path)["decisions"].count == 22


def test_a_second_concurrent_build_is_refused(workspace):
    workspace.db_path.parent.mkdir(parents=True)
    with open(workspace.db_path.parent / ".bidrag.db.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with pytest.raises(BuildError, match="en annan bygge"):
            build_database(load_dataset(workspace.data_dir), workspace.db_path)


@pytest.fixture(scope="module")
def synthetic_tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("synthetic")
    write_synthetic_tree(ROOT / "data", root / "data", scale=1)
    return Project(root)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_interrupted_build_leaves_the_live_database_intact(synthetic_tree, tmp_path, sig):
    """The build is stopped at its pause point, after the new file is written and before the switch."""
    live = synthetic_tree.db_path
    live.parent.mkdir(exist_ok=True)
    build_database(load_dataset(ROOT / "data"), live)
    before = live.read_bytes()
    process = subprocess.Popen(
        [sys.executable, "-m", "bidrag", "--root", str(synthetic_tree.root), "build", "--allow-synthetic"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "BIDRAG_PAUSE_AT": "build.written", "BIDRAG_PAUSE_DIR": str(tmp_path)},
    )
    wait_for(tmp_path / "build.written.reached", process)
    assert list(live.parent.glob(".bidrag.db.*.tmp"))  # the new file is complete but not yet live
    process.send_signal(sig)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert live.read_bytes() == before
    with sqlite3.connect(live) as connection:
        assert connection.execute("select count(*) from decisions").fetchone() == (1,)
    if sig == signal.SIGINT:
        assert not list(live.parent.glob(".bidrag.db.*.tmp"))  # cleaned up on the way out
    # The next build succeeds and removes anything a killed build left behind.
    assert run_cli(synthetic_tree, "build", "--allow-synthetic").exit_code == 0
    assert not list(live.parent.glob(".bidrag.db.*.tmp"))
    assert sqlite_utils.Database(live)["decisions"].count == 1 + 21
