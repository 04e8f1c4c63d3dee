"""bidrag.schema is the one contract: a column added there reaches every place that shows or compares it."""

import dataclasses
import json

import pytest
import sqlite_utils

from bidrag import schema
from bidrag.build import build_database
from bidrag.dataset import load_dataset
from bidrag.site import make_datasette

from .conftest import OREBRO, ROOT, read_yaml, run_cli, write_yaml
from .html import visible_text

SCHEMAS = ROOT / "scripts" / "bidrag" / "schemas"


def test_the_decision_files_json_schema_uses_the_schema_modules_enumerations():
    decision = json.loads((SCHEMAS / "decision.schema.json").read_text("utf-8"))
    assert decision["definitions"]["status"]["enum"] == schema.STATUSES.values
    kinds = decision["properties"]["deadlines"]["items"]["properties"]["kind"]["enum"]
    assert kinds == schema.DEADLINE_KINDS.values
    programme = json.loads((SCHEMAS / "programme.schema.json").read_text("utf-8"))
    source_kinds = programme["properties"]["sources"]["items"]["properties"]["kind"]["enum"]
    assert ["beslut", *source_kinds] == schema.SOURCE_KINDS.values


def test_every_enumeration_member_has_a_unique_key_value_and_title():
    for enumeration in schema.ENUMERATIONS.values():
        for position in range(3):
            names = [member[position] for member in enumeration.members]
            assert len(set(names)) == len(names), (enumeration.name, names)
        assert all(key.isascii() and key == key.lower() for key, _, _ in enumeration.members)


def test_every_column_is_labelled_and_described_in_swedish():
    for table in schema.TABLES.values():
        assert table.title and table.description, table.name
        for column in table.columns:
            assert column.name.isascii() and column.name == column.name.lower(), column.name
            assert column.label.strip() and column.description.strip(), (table.name, column.name)


@pytest.fixture
def appeal_summary(monkeypatch):
    """One new column in one table spec, and nothing else touched."""
    column = schema.col(
        "appeal_summary",
        schema.TEXT,
        "Överklagande i korthet",
        "Testkolumn: beslutets text om överklagande, jämförd mellan publiceringar.",
        "compared",
        source="appeal.text",
    )
    decisions = schema.TABLES["decisions"]
    monkeypatch.setitem(
        schema.TABLES, "decisions", dataclasses.replace(decisions, columns=(*decisions.columns, column))
    )
    return column


async def test_a_column_added_to_the_schema_reaches_site_data_package_and_publish(
    appeal_summary, project, site_workspace
):
    dataset = load_dataset(site_workspace.data_dir)
    path = site_workspace.root / "bidrag.db"
    build_database(dataset, path)
    stored = sqlite_utils.Database(path)["decisions"].get(OREBRO)
    assert stored["appeal_summary"] == dataset.decisions[0]["appeal"]["text"]

    datasette = make_datasette(project, path)
    table_page = visible_text((await datasette.client.get("/bidrag/decisions")).text)
    assert appeal_summary.label in table_page and appeal_summary.description in table_page
    package = (await datasette.client.get("/exports/datapackage.json")).json()
    resource = next(r for r in package["resources"] if r["name"] == "decisions")
    field = next(f for f in resource["schema"]["fields"] if f["name"] == "appeal_summary")
    assert (field["type"], field["description"]) == ("string", appeal_summary.description)

    assert run_cli(site_workspace, "publish").exit_code == 0
    decision_file = site_workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(decision_file)
    decision["appeal"]["text"] = "Beslutet kan inte överklagas (ändrad text för testet)."
    write_yaml(decision_file, decision)
    result = run_cli(site_workspace, "publish")
    assert result.exit_code == 0, result.stderr
    changes = list(sqlite_utils.Database(site_workspace.root / "build" / "site" / "bidrag.db")["changes"].rows)
    summaries = [c["summary"] for c in changes if c["field"] == "appeal_summary"]
    assert summaries and summaries[0].startswith("Överklagande i korthet:")


def test_the_readme_lists_every_table():
    readme = (ROOT / "README.md").read_text("utf-8")
    data_model = readme[readme.index("## Data model") :]
    assert all(f"| `{name}` |" in data_model for name in schema.TABLES)
