"""Personal data: decision makers by role, names only of those who decided; a privacy notice that says so."""

import sqlite3

from bidrag.schema import decided

from .conftest import OREBRO, ROOT, read_yaml
from .html import parse, visible_text

MAILBOX = "effektivitetsdelegationen@kammarkollegiet.se"


def people():
    """(name, role) of everyone the real decisions name, read from data/ (no names are spelled in this file)."""
    for path in sorted((ROOT / "data" / "decisions").glob("*.yml")):
        for person in read_yaml(path)["decision_makers"]:
            yield person["name"], person["role"]


def test_the_data_names_both_deciders_and_case_officers():
    roles = [decided(role) for _, role in people()]
    assert True in roles and False in roles  # otherwise the tests below prove nothing


def test_case_officers_names_never_reach_the_database(built_db):
    content = built_db.read_bytes()
    for name, role in people():
        assert (name.encode() in content) == decided(role), (role, name in content.decode("utf-8", "replace"))
    db = sqlite3.connect(built_db)
    rows = db.execute("select name, role, decided from decision_makers where decision_id = ?", (OREBRO,)).fetchall()
    assert rows and all((name is not None) == bool(chosen) for name, _, chosen in rows)
    assert [role for _, role, _ in rows] == [role for _, role in people()]


async def test_case_officers_names_are_not_on_the_site_or_in_the_exports(datasette):
    paths = [f"/bidrag/decisions/{OREBRO}", "/exports/decision_makers.csv", "/bidrag/decision_makers.json"]
    for path in paths:
        response = await datasette.client.get(path)
        assert response.status_code == 200, path
        for name, role in people():
            assert (name in response.text) == decided(role), (path, role)
    page = visible_text((await datasette.client.get(f"/bidrag/decisions/{OREBRO}")).text)
    assert "Handläggare, föredragande" in page and "None" not in page


async def test_the_privacy_notice(datasette):
    response = await datasette.client.get("/privacy")
    assert response.status_code == 200
    text = visible_text(response.text)
    for part in ("Personuppgifter", "artikel 6.1 e", "Förvaltningslagen (2017:900) 31 §", MAILBOX, "IMY"):
        assert part in text, part
    assert f"mailto:{MAILBOX}" in parse(response.text).links


async def test_the_notice_is_linked_from_the_footer_and_the_api_page(datasette):
    for path in ("/", "/data_and_api", f"/bidrag/decisions/{OREBRO}"):
        assert "/privacy" in parse((await datasette.client.get(path)).text).links, path
