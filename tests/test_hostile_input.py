"""Property-based: whatever staff files or documents contain, the tools answer with a message and an
exit code, never a traceback, and the database that is live stays exactly as it was."""

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bidrag.project import Project

from .conftest import OREBRO, ROOT, read_yaml, run_cli, write_yaml
from .pdf import text_to_pdf

FIXTURE = Path(__file__).parent / "fixtures" / "orebro_2025_11_11_redacted.txt"
DECISION = f"data/decisions/{OREBRO}.yml"
FIELDS = [
    ["amount_applied"],
    ["amount_granted"],
    ["amount_rejected"],
    ["decided_on"],
    ["applied_on"],
    ["outcome"],
    ["region"],
    ["org_nr"],
    ["id"],
    ["payments"],
    ["payments", 0, "amount"],
    ["payments", 1, "year"],
    ["deadlines", 0, "due_on"],
    ["deadlines", 1, "kind"],
    ["measures"],
    ["measures", 0, "amount_granted"],
    ["measures", 2, "amount_rejected"],
    ["measures", 3, "status"],
    ["measures", 4, "themes"],
    ["measures", 5, "reason_category"],
    ["measures", 6, "position"],
    ["source_quotes"],
    ["appeal", "appealable"],
    ["contacts", "region"],
    ["source_document", "sha256"],
    ["joint_with"],
    ["decision_makers"],
]
VALUES = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=2),
    st.sampled_from(
        [
            "2025-02-30",
            "beviljad",
            "9" * 40,
            "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
            "<script>alert(1)</script>",
            "-1",
            "",
        ]
    ),
)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def fresh_project(with_site: bool = False) -> Project:
    root = Path(tempfile.mkdtemp(prefix="hostile-"))
    shutil.copytree(ROOT / "data", root / "data")
    if with_site:
        for name in ("plugins", "templates", "static"):
            shutil.copytree(ROOT / name, root / name)
        shutil.copyfile(ROOT / "metadata.yml", root / "metadata.yml")
    return Project(root)


@contextmanager
def prepared(command: str, with_site: bool = False):
    """A fresh copy of the data on which `command` (build or publish) has succeeded once."""
    project = fresh_project(with_site)
    try:
        assert run_cli(project, command).exit_code == 0
        yield project
    finally:
        shutil.rmtree(project.root)


def assert_clean_exit(result, allowed=(0, 1)):
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in allowed, (result.exit_code, result.output[-500:])


def set_in(data, path, value):
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


@SETTINGS
@given(field=st.sampled_from(FIELDS), value=VALUES)
def test_wrong_values_in_a_decision(field, value):
    with prepared("build") as project:
        live = project.db_path.read_bytes()
        path = project.root / DECISION
        decision = read_yaml(path)
        set_in(decision, field, value)
        write_yaml(path, decision)
        for command in ("check", "build"):
            result = run_cli(project, command)
            assert_clean_exit(result)
            if result.exit_code == 1:
                assert "data/" in result.output
        if result.exit_code == 1:
            assert project.db_path.read_bytes() == live


@SETTINGS
@given(cut=st.integers(min_value=0, max_value=20_000), garbage=st.binary(max_size=64))
def test_truncated_or_broken_bytes_in_a_decision_file(cut, garbage):
    with prepared("build") as project:
        live = project.db_path.read_bytes()
        path = project.root / DECISION
        original = path.read_bytes()
        path.write_bytes(original[:cut] + garbage)
        result = run_cli(project, "build")
        assert_clean_exit(result)
        if path.read_bytes() != original and result.exit_code == 1:
            assert DECISION in result.output
        if result.exit_code == 1:
            assert project.db_path.read_bytes() == live


@SETTINGS
@given(data=st.data())
def test_damaged_documents_to_extract(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("extract")
    pdf = text_to_pdf(FIXTURE.read_text("utf-8"), folder / "beslut.pdf").read_bytes()
    text = FIXTURE.read_bytes()
    source = data.draw(st.sampled_from([pdf, text]))
    cut = data.draw(st.integers(min_value=0, max_value=len(source)))
    flips = data.draw(
        st.lists(
            st.tuples(st.integers(min_value=0, max_value=max(0, cut - 1)), st.integers(min_value=0, max_value=255)),
            max_size=8,
        )
    )
    damaged = bytearray(source[:cut])
    for position, byte in flips:
        if position < len(damaged):
            damaged[position] = byte
    document = folder / ("damaged.pdf" if source is pdf else "damaged.txt")
    document.write_bytes(bytes(damaged))
    project = Project(ROOT)
    result = run_cli(project, "extract", "--out", str(folder / "drafts"), str(document))
    assert_clean_exit(result, allowed=(0, 1, 3))
    written = list((folder / "drafts").glob("*.yml")) if (folder / "drafts").exists() else []
    assert (result.exit_code == 0) == bool(written)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(field=st.sampled_from(FIELDS), value=VALUES)
def test_publishing_hostile_data_never_touches_the_live_site(field, value):
    with prepared("publish", with_site=True) as project:
        live = project.root / "build" / "site" / "bidrag.db"
        before = (os.readlink(live), live.read_bytes())
        path = project.root / DECISION
        decision = read_yaml(path)
        set_in(decision, field, value)
        write_yaml(path, decision)
        result = run_cli(project, "publish")
        assert_clean_exit(result)
        if result.exit_code == 1:
            assert (os.readlink(live), live.read_bytes()) == before


def test_a_900_kb_field_is_checked_in_full(workspace):
    """Every pattern check reads text in linear time: a field built to make a backtracking pattern take
    hours is checked to its end, where the hidden character and the personal address are found."""
    path = workspace.root / DECISION
    decision = read_yaml(path)
    decision["reasoning"] = (
        "a" * 300_000
        + "a@" * 150_000
        + " "
        + "a." * 100_000
        + " "
        + "1" * 100_000
        + " fornamn.efternamn@example.se \u202e slut"
    )  # runs of address characters without an @, @ without a domain, dots without an @, a run of digits
    hidden_at = decision["reasoning"].index("\u202e") + 1
    write_yaml(path, decision)
    assert 900_000 < path.stat().st_size < 1_000_000
    result = run_cli(workspace, "check")
    assert result.exit_code == 1
    problems = [line for line in result.stderr.splitlines() if line.startswith(DECISION)]
    assert len(problems) == 2, result.stderr
    assert any(": reasoning: " in p and "'fornamn.efternamn@example.se'" in p for p in problems)
    assert any(": reasoning: " in p and "U+202E" in p and f"tecken {hidden_at}" in p for p in problems)
