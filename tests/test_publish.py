"""`bidrag publish` and `bidrag rollback`: versions, change history, and a live site that never breaks."""

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
import sqlite_utils

from bidrag.publish import Site
from bidrag.schema import NEW, WITHDRAWN
from bidrag.synthetic import write_synthetic_tree

from .conftest import OREBRO, ROOT, read_yaml, run_cli, wait_for, write_yaml


def site_of(project) -> Site:
    return Site(project.root / "build" / "site")


def fingerprint(site: Site):
    """What the live site serves: the link's target and that file's bytes."""
    return os.readlink(site.live), site.live.read_bytes()


def correct_the_fall_prevention_grant(project):
    """A correction: 870 000 kr of measure 1 moves from granted to rejected, and the 2027 payment with it."""
    path = project.data_dir / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(path)
    decision["measures"][0]["amount_granted"] = 5_000_000
    decision["amount_granted"] = 34_000_000
    decision["amount_rejected"] = 113_971_000
    decision["payments"][2]["amount"] = 10_750_000
    write_yaml(path, decision)


def test_publish_twice_records_a_correction_and_keeps_history(site_workspace):
    site = site_of(site_workspace)
    first = run_cli(site_workspace, "publish")
    assert first.exit_code == 0, first.stderr
    assert os.readlink(site.live) == "releases/0001.db"
    unchanged = run_cli(site_workspace, "publish")
    assert "inget publicerades" in unchanged.stderr and not (site.releases / "0002.db").exists()

    correct_the_fall_prevention_grant(site_workspace)
    dry = run_cli(site_workspace, "publish", "--dry-run")
    assert dry.exit_code == 0 and "Beviljat belopp: 34 870 000 kr → 34 000 000 kr" in dry.stderr.replace("\xa0", " ")
    assert os.readlink(site.live) == "releases/0001.db" and not (site.releases / "0002.db").exists()

    second = run_cli(site_workspace, "publish")
    assert second.exit_code == 0, second.stderr
    assert os.readlink(site.live) == "releases/0002.db"
    db = sqlite_utils.Database(site.live)
    assert [r["id"] for r in db["releases"].rows] == [1, 2]
    changes = {(r["release_id"], r["field"]): r for r in db["changes"].rows}
    assert changes[(1, None)]["kind"] == "nytt beslut"
    granted = changes[(2, "amount_granted")]
    assert (granted["kind"], granted["amount_before"], granted["amount_after"]) == (
        "ändrat beslut",
        34_870_000,
        34_000_000,
    )
    assert (changes[(2, "payments.2027")]["amount_before"], changes[(2, "payments.2027")]["amount_after"]) == (
        11_620_000,
        10_750_000,
    )
    assert changes[(2, f"measures.{OREBRO}_01.amount_granted")]["amount_before"] == 5_870_000
    assert db["decisions"].get(OREBRO)["amount_granted"] == 34_000_000
    # The earlier release is kept unchanged for rollback.
    assert sqlite_utils.Database(site.releases / "0001.db")["decisions"].get(OREBRO)["amount_granted"] == 34_870_000


async def test_feeds_and_pages_show_the_correction(site_workspace):
    from bidrag.site import make_datasette

    assert run_cli(site_workspace, "publish").exit_code == 0
    correct_the_fall_prevention_grant(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    datasette = make_datasette(site_workspace, site_of(site_workspace).live)
    feed = (await datasette.client.get("/feeds/changes.json")).json()
    latest = feed["items"][0]
    assert latest["title"] == "Ändrat beslut: Region Örebro län (publicering 2)"
    assert "Beviljat belopp: 34\xa0870\xa0000\xa0kr → 34\xa0000\xa0000\xa0kr" in latest["content_html"]
    assert feed["items"][-1]["title"] == "Nytt beslut: Region Örebro län (publicering 1)"
    decisions = (await datasette.client.get("/feeds/decisions.json")).json()
    assert decisions["items"][0]["date_modified"] == latest["date_modified"]
    page = (await datasette.client.get(f"/bidrag/decisions/{OREBRO}")).text
    assert "(publicering 2): Beviljat belopp: 34" in page and "(publicering 1): Nytt beslut" in page


def granted(path) -> int:
    return sqlite_utils.Database(path)["decisions"].get(OREBRO)["amount_granted"]


def test_rollback_publishes_the_previous_release_again_with_its_changes_withdrawn(site_workspace):
    site = site_of(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    correct_the_fall_prevention_grant(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    rolled = run_cli(site_workspace, "rollback")
    assert rolled.exit_code == 0, rolled.stderr
    assert os.readlink(site.live) == "releases/0003.db" and "version 3" in rolled.stderr
    assert granted(site.live) == 34_870_000
    db = sqlite_utils.Database(site.live)
    assert [r["id"] for r in db["releases"].rows] == [1, 2, 3]  # the history is complete
    withdrawn = {r["field"]: r for r in db["changes"].rows_where("release_id = 3")}
    assert {r["kind"] for r in withdrawn.values()} == {WITHDRAWN}
    amount = withdrawn["amount_granted"]
    assert (amount["amount_before"], amount["amount_after"]) == (34_000_000, 34_870_000)
    assert amount["summary"].startswith("Publicering 2 återkallad: Beviljat belopp:")
    # The release that was live before the withdrawn one is the data; its file is untouched.
    assert (
        db["releases"].get(3)["data_sha256"]
        == sqlite_utils.Database(site.release("0001.db"))["releases"].get(1)["data_sha256"]
    )
    assert [r["id"] for r in sqlite_utils.Database(site.release("0001.db"))["releases"].rows] == [1]
    again = run_cli(site_workspace, "rollback")
    assert again.exit_code == 1 and "första publiceringen" in again.stderr
    assert os.readlink(site.live) == "releases/0003.db"
    # data/ still holds the correction: publishing compares with what is live and numbers on.
    assert run_cli(site_workspace, "publish").exit_code == 0
    assert os.readlink(site.live) == "releases/0004.db" and granted(site.live) == 34_000_000


async def test_a_rollback_is_in_the_feeds(site_workspace):
    from bidrag.site import make_datasette

    assert run_cli(site_workspace, "publish").exit_code == 0
    correct_the_fall_prevention_grant(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    assert run_cli(site_workspace, "rollback").exit_code == 0
    datasette = make_datasette(site_workspace, site_of(site_workspace).live)
    latest = (await datasette.client.get("/feeds/changes.json")).json()["items"][0]
    assert latest["title"] == "Återkallat: Region Örebro län (publicering 3)"
    assert (
        "Publicering 2 återkallad: Beviljat belopp: 34\xa0000\xa0000\xa0kr → 34\xa0870\xa0000" in latest["content_html"]
    )
    # The downloads are of the rollback's own history, not of the earlier release's file.
    exported = list(csv.DictReader(io.StringIO((await datasette.client.get("/exports/changes.csv")).text)))
    assert {r["kind"] for r in exported if r["release_id"] == "3"} == {WITHDRAWN}
    assert len(exported) == sqlite_utils.Database(site_of(site_workspace).live)["changes"].count


def test_a_broken_decision_publishes_nothing(site_workspace):
    site = site_of(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    before = fingerprint(site)
    path = site_workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    decision = read_yaml(path)
    decision["amount_granted"] = 1
    write_yaml(path, decision)
    result = run_cli(site_workspace, "publish")
    assert result.exit_code == 1
    assert "inget publicerades" in result.stderr and "amount_applied" in result.stderr
    assert fingerprint(site) == before
    assert [p.name for p in site.published()] == ["0001.db"]


def test_a_release_that_fails_its_smoke_test_is_not_published(site_workspace):
    site = site_of(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    before = fingerprint(site)
    correct_the_fall_prevention_grant(site_workspace)
    (site_workspace.templates_dir / "index.html").write_text(
        "{% extends 'base.html' %}{% block content %}{{ start.totals.missing.attribute }}{% endblock %}"
    )
    result = run_cli(site_workspace, "publish")
    assert result.exit_code == 1 and "provkörningen" in result.stderr
    assert fingerprint(site) == before
    assert [p.name for p in site.published()] == ["0001.db"] and not site.staging.exists()


def test_a_publish_killed_midway_leaves_the_live_site_untouched(site_workspace):
    site = site_of(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    before = fingerprint(site)
    write_synthetic_tree(ROOT / "data", site_workspace.data_dir, scale=1)
    pauses = site_workspace.root / "pauses"
    pauses.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "bidrag", "--root", str(site_workspace.root), "publish", "--allow-synthetic"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "BIDRAG_PAUSE_AT": "build.written", "BIDRAG_PAUSE_DIR": str(pauses)},
    )
    wait_for(pauses / "build.written.reached", process)
    assert list(site.staging.glob(".0002.db.*.tmp"))  # written, not yet under its name
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert fingerprint(site) == before
    assert not (site.releases / "0002.db").exists()
    finished = run_cli(site_workspace, "publish", "--allow-synthetic")
    assert finished.exit_code == 0, finished.stderr
    assert os.readlink(site.live) == "releases/0002.db"
    assert not list(site.releases.glob(".*.tmp"))
    changes = json.loads(json.dumps([r for r in sqlite_utils.Database(site.live)["changes"].rows]))
    assert sum(1 for c in changes if c["release_id"] == 2 and c["kind"] == NEW) == 21


@pytest.mark.parametrize("command", ["rollback"])
def test_rollback_without_any_publication_says_so(site_workspace, command):
    result = run_cli(site_workspace, command)
    assert result.exit_code == 1 and "pekar inte på någon publicering" in result.stderr


PUBLISH_STEPS = [
    "publish.locked",
    "build.written",
    "publish.built",
    "publish.tested",
    "publish.journaled",
    "publish.renamed",
    "publish.switched",
    "publish.verified",
]
ROLLBACK_STEPS = [
    "rollback.locked",
    "rollback.built",
    "rollback.tested",
    "rollback.journaled",
    "rollback.renamed",
    "rollback.switched",
    "rollback.verified",
]
SWITCHED = {"publish.switched", "publish.verified", "rollback.switched", "rollback.verified"}


def paused(project, step: str, *arguments, later: str = "") -> subprocess.Popen:
    """bidrag <arguments> in a process of its own, stopped at pause point step (it waits there), and
    at pause point later too once step is released."""
    pauses = project.root / "pauses"
    pauses.mkdir(exist_ok=True)
    process = subprocess.Popen(
        [sys.executable, "-m", "bidrag", "--root", str(project.root), *arguments],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "BIDRAG_PAUSE_AT": f"{step},{later}", "BIDRAG_PAUSE_DIR": str(pauses)},
    )
    wait_for(pauses / f"{step}.reached", process)
    return process


def killed(process: subprocess.Popen) -> None:
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)


def two_releases(project) -> Site:
    """Release 1 (the decision as filed) and release 2 (the correction) were live, in that order."""
    assert run_cli(project, "publish").exit_code == 0
    correct_the_fall_prevention_grant(project)
    assert run_cli(project, "publish").exit_code == 0
    return site_of(project)


def decisions_in(path) -> int:
    return sqlite_utils.Database(path)["decisions"].count


def assert_nothing_never_live_is_kept(site: Site):
    live_once = {e["release"] for e in site.entries() if e["action"] == "live"}
    assert {p.name for p in site.published()} <= live_once
    assert not site.staging.exists() or not any(site.staging.iterdir())


@pytest.mark.parametrize("step", PUBLISH_STEPS)
def test_a_publish_killed_at_any_step_then_rollback_returns_to_the_last_live_release(site_workspace, step):
    site = two_releases(site_workspace)
    write_synthetic_tree(ROOT / "data", site_workspace.data_dir, scale=1)
    killed(paused(site_workspace, step, "publish", "--allow-synthetic"))
    switched = step in SWITCHED
    assert os.readlink(site.live) == ("releases/0003.db" if switched else "releases/0002.db")
    rolled = run_cli(site_workspace, "rollback")
    assert rolled.exit_code == 0, rolled.stderr
    # Back to what was live before the live release: never to the killed publish's file.
    if switched:
        assert (granted(site.live), decisions_in(site.live)) == (34_000_000, 1)
    else:
        assert (granted(site.live), decisions_in(site.live)) == (34_870_000, 1)
    assert_nothing_never_live_is_kept(site)
    # The live release's history lists exactly the releases that visitors were served, in order.
    served = [int(e["release"][:4]) for e in site.entries() if e["action"] == "live"]
    assert [r["id"] for r in sqlite_utils.Database(site.live)["releases"].rows] == served
    assert served[-1] == int(os.readlink(site.live)[9:13])
    # And publishing works again afterwards.
    finished = run_cli(site_workspace, "publish", "--allow-synthetic")
    assert finished.exit_code == 0, finished.stderr
    assert decisions_in(site.live) == 21 + 1 and not list(site.staging.glob("*"))


@pytest.mark.parametrize("step", ROLLBACK_STEPS)
def test_a_rollback_killed_at_any_step_leaves_one_of_the_two_live_releases(site_workspace, step):
    site = two_releases(site_workspace)
    killed(paused(site_workspace, step, "rollback"))
    switched = step in SWITCHED
    assert os.readlink(site.live) == ("releases/0003.db" if switched else "releases/0002.db")
    assert granted(site.live) == (34_870_000 if switched else 34_000_000)
    again = run_cli(site_workspace, "rollback")
    if switched:  # the rollback happened: nothing before the restored first release
        assert again.exit_code == 1 and "första publiceringen" in again.stderr
    else:
        assert again.exit_code == 0, again.stderr
    assert granted(site.live) == 34_870_000
    assert_nothing_never_live_is_kept(site)


def test_two_publishes_at_once_one_is_refused_and_the_history_is_complete(site_workspace):
    site = two_releases(site_workspace)
    write_synthetic_tree(ROOT / "data", site_workspace.data_dir, scale=1)
    first = paused(site_workspace, "publish.tested", "publish", "--allow-synthetic")
    second = run_cli(site_workspace, "publish", "--allow-synthetic")
    rollback = run_cli(site_workspace, "rollback")
    (site_workspace.root / "pauses" / "publish.tested.release").touch()
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    for refused in (second, rollback):
        assert refused.exit_code == 1 and "en annan publicering eller återställning pågår" in refused.stderr
        assert f"låset {site.root / '.lock'} hålls av process {first.pid}" in refused.stderr
    assert os.readlink(site.live) == "releases/0003.db"
    assert [r["id"] for r in sqlite_utils.Database(site.live)["releases"].rows] == [1, 2, 3]
    assert [e["release"] for e in site.entries() if e["action"] == "live"] == ["0001.db", "0002.db", "0003.db"]


def test_publish_refuses_when_the_live_link_is_not_what_the_journal_says(site_workspace):
    site = two_releases(site_workspace)
    (site.root / "elsewhere.db").write_bytes(site.release("0001.db").read_bytes())
    for target in ("releases/0001.db", "elsewhere.db"):
        site.live.unlink()
        site.live.symlink_to(target)
        for command in ("publish", "rollback"):
            result = run_cli(site_workspace, command, *(["--force"] if command == "publish" else []))
            assert result.exit_code == 1
            assert f"pekar på {target}, men enligt journal.jsonl är releases/0002.db publicerad" in result.stderr
            assert os.readlink(site.live) == target and [p.name for p in site.published()] == ["0001.db", "0002.db"]
    site.live.unlink()
    site.live.write_bytes(site.release("0002.db").read_bytes())
    result = run_cli(site_workspace, "publish", "--force")
    assert result.exit_code == 1 and "är ingen länk till en publicering" in result.stderr


def test_a_site_published_before_the_journal_is_taken_over(site_workspace):
    site = two_releases(site_workspace)
    site.journal_path.unlink()  # as every site published before the journal existed
    rolled = run_cli(site_workspace, "rollback")
    assert rolled.exit_code == 0, rolled.stderr
    assert os.readlink(site.live) == "releases/0003.db" and granted(site.live) == 34_870_000
    assert [(e["action"], e["release"]) for e in site.entries()] == [
        ("imported", "0001.db"),
        ("imported", "0002.db"),
        ("rollback", "0003.db"),
        ("live", "0003.db"),
    ]


def test_an_unreviewed_draft_is_never_published(site_workspace):
    site = site_of(site_workspace)
    assert run_cli(site_workspace, "publish").exit_code == 0
    before = fingerprint(site)
    path = site_workspace.data_dir / "decisions" / f"{OREBRO}.yml"
    path.write_text("# UTKAST från `bidrag extract` av beslut.pdf.\n" + path.read_text("utf-8"), "utf-8")
    result = run_cli(site_workspace, "publish", "--force")
    assert result.exit_code == 1
    assert f"data/decisions/{OREBRO}.yml:1: är ett ogranskat utkast" in result.stderr
    assert "inget publicerades" in result.stderr
    assert fingerprint(site) == before and [p.name for p in site.published()] == ["0001.db"]


def test_a_link_moved_while_a_publish_builds_stops_it_before_the_switch(site_workspace):
    site = two_releases(site_workspace)
    write_synthetic_tree(ROOT / "data", site_workspace.data_dir, scale=1)
    process = paused(site_workspace, "publish.tested", "publish", "--allow-synthetic")
    site.live.unlink()
    site.live.symlink_to("releases/0001.db")  # by hand, meanwhile
    (site_workspace.root / "pauses" / "publish.tested.release").touch()
    assert process.wait(timeout=300) == 1
    assert "pekar på releases/0001.db, men enligt journal.jsonl är releases/0002.db publicerad" in (
        process.stderr.read().decode()
    )
    assert os.readlink(site.live) == "releases/0001.db" and not site.release("0003.db").exists()


def lose_a_decision(path) -> None:
    """Damage to a live file after its switch (a disk, a hand): one decision fewer than the release holds."""
    with sqlite3.connect(path) as connection:
        connection.execute("delete from decisions where id = ?", (OREBRO,))
    connection.close()


def published_after_damage(project, *arguments) -> subprocess.CompletedProcess:
    """bidrag <arguments>, its live file damaged at the switch: the smoke test after the switch fails."""
    step = f"{arguments[0]}.switched"
    process = paused(project, step, *arguments)
    lose_a_decision(site_of(project).live)
    (project.root / "pauses" / f"{step}.release").touch()
    stderr = process.stderr.read().decode()
    return subprocess.CompletedProcess(process.args, process.wait(timeout=300), "", stderr)


async def test_a_release_that_fails_after_the_switch_is_undone_and_rollback_still_lands_right(site_workspace):
    from bidrag.site import make_datasette

    site = two_releases(site_workspace)
    write_synthetic_tree(ROOT / "data", site_workspace.data_dir, scale=1)
    failed = published_after_damage(site_workspace, "publish", "--allow-synthetic")
    assert failed.returncode == 1, failed.stderr
    assert "webbplatsen klarade inte provkörningen efter bytet" in failed.stderr
    assert "releases/0002.db är publicerad igen" in failed.stderr
    assert "/bidrag/decisions.json listar 21 beslut, väntat 22" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert os.readlink(site.live) == "releases/0002.db" and not site.release("0003.db").exists()
    assert not site.staging.exists()
    # The journal says 0003 was switched to and then abandoned: what was live is 0001, 0002 again.
    assert [(e["action"], e["release"]) for e in site.entries()][-3:] == [
        ("publish", "0003.db"),
        ("live", "0003.db"),
        ("abandoned", "0003.db"),
    ]
    assert site.history() == ["0001.db", "0002.db"]
    # The live site's history, changes and feeds are release 2's.
    db = sqlite_utils.Database(site.live)
    assert [r["id"] for r in db["releases"].rows] == [1, 2]
    assert {r["release_id"] for r in db["changes"].rows} == {1, 2}
    feed = (await make_datasette(site_workspace, site.live).client.get("/feeds/changes.json")).json()
    assert feed["items"][0]["title"] == "Ändrat beslut: Region Örebro län (publicering 2)"
    # A rollback goes back from 2 to 1, never to the abandoned 3, and numbers on past it.
    rolled = run_cli(site_workspace, "rollback")
    assert rolled.exit_code == 0, rolled.stderr
    assert os.readlink(site.live) == "releases/0004.db"
    assert (granted(site.live), decisions_in(site.live)) == (34_870_000, 1)
    rolled_db = sqlite_utils.Database(site.live)
    assert [r["id"] for r in rolled_db["releases"].rows] == [1, 2, 4]
    withdrawn = [r["summary"] for r in rolled_db["changes"].rows_where("release_id = 4")]
    assert withdrawn and all(s.startswith("Publicering 2 återkallad: ") for s in withdrawn)
    assert_nothing_never_live_is_kept(site)


@pytest.mark.parametrize("step", ["undo.journaled", "undo.relinked"])
def test_an_undo_killed_midway_is_finished_by_the_next_publish(site_workspace, step):
    """The switched release failed its smoke test and the undo was killed: the journal says abandoned,
    so the next run moves the link back (if it had not moved yet) and removes the failed file."""
    site = two_releases(site_workspace)
    write_synthetic_tree(ROOT / "data", site_workspace.data_dir, scale=1)
    process = paused(site_workspace, "publish.switched", "publish", "--allow-synthetic", later=step)
    lose_a_decision(site.live)
    (site_workspace.root / "pauses" / "publish.switched.release").touch()
    wait_for(site_workspace.root / "pauses" / f"{step}.reached", process)
    killed(process)
    assert os.readlink(site.live) == ("releases/0003.db" if step == "undo.journaled" else "releases/0002.db")
    assert site.entries()[-1]["action"] == "abandoned"
    with site.locked("test"):
        assert site.recover() == ["0001.db", "0002.db"]
    assert os.readlink(site.live) == "releases/0002.db" and not site.release("0003.db").exists()
    assert (granted(site.live), decisions_in(site.live)) == (34_000_000, 1)
    assert_nothing_never_live_is_kept(site)
    again = run_cli(site_workspace, "publish", "--allow-synthetic")
    assert again.exit_code == 0, again.stderr
    assert os.readlink(site.live) == "releases/0004.db" and site.history() == ["0001.db", "0002.db", "0004.db"]


def test_a_first_release_that_fails_after_the_switch_leaves_nothing_live(site_workspace):
    site = site_of(site_workspace)
    failed = published_after_damage(site_workspace, "publish")
    assert failed.returncode == 1, failed.stderr
    assert "webbplatsen klarade inte provkörningen efter bytet" in failed.stderr
    assert "ingen tidigare version fanns, så ingen version är publicerad" in failed.stderr
    assert not site.live.exists() and not site.live.is_symlink()
    assert site.history() == [] and site.published() == []
    assert run_cli(site_workspace, "rollback").exit_code == 1
    # The next publish works; it never reuses the number a visitor may have seen for a moment.
    again = run_cli(site_workspace, "publish")
    assert again.exit_code == 0, again.stderr
    assert os.readlink(site.live) == "releases/0002.db"
    assert [r["id"] for r in sqlite_utils.Database(site.live)["releases"].rows] == [2]
    assert site.history() == ["0002.db"]


def test_a_rollback_that_fails_after_the_switch_is_undone(site_workspace):
    site = two_releases(site_workspace)
    failed = published_after_damage(site_workspace, "rollback")
    assert failed.returncode == 1, failed.stderr
    assert "webbplatsen klarade inte provkörningen efter bytet; releases/0002.db är publicerad igen" in failed.stderr
    assert "/bidrag/decisions.json listar 0 beslut, väntat 1" in failed.stderr
    assert os.readlink(site.live) == "releases/0002.db" and granted(site.live) == 34_000_000
    assert site.history() == ["0001.db", "0002.db"] and not site.release("0003.db").exists()
    again = run_cli(site_workspace, "rollback")
    assert again.exit_code == 0, again.stderr
    assert os.readlink(site.live) == "releases/0004.db" and granted(site.live) == 34_870_000
    assert [r["id"] for r in sqlite_utils.Database(site.live)["releases"].rows] == [1, 2, 4]
