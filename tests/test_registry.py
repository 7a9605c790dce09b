"""The actor registry through the CLI: records, aliases, affiliations, and show's actor filters."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from timeline.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def add(db: str, summary: str, *actors: str, date: str = "2024-03-22") -> str:
    args = ["add", "--db", db, "-t", "attack", "-s", summary, "-d", date]
    for actor in actors:
        args += ["-a", actor]
    code, out, err = run(*args)
    assert code == 0, err
    return out.strip()


def summaries(db: str, *args: str) -> list[str]:
    code, out, err = run("show", "--db", db, "--format", "json", *args)
    assert code == 0, err
    return [e["summary"] for e in json.loads(out)]


def test_aliases_find_the_same_actor_and_events_are_recorded_canonically(db: str) -> None:
    add(db, "A", "ISKP")
    add(db, "B", "Islamic State Khorasan Province")
    add(db, "C", "daesh k")
    wanted = summaries(db, "--actor", "Daesh-K", "--exact")
    assert wanted == ["A", "B", "C"]
    for alias in ("ISIS-K", "ISKP", "IS-K", "Daesh Khorasan"):
        assert summaries(db, "--actor", alias, "--exact") == wanted
    code, out, _ = run("show", "--db", db, "--format", "json")
    assert {a["name"] for e in json.loads(out) for a in e["actors"]} == {"Daesh-K"}


def test_parents_branches_and_roles(db: str) -> None:
    add(db, "branch", "Daesh-K")
    add(db, "parent", "Daesh")
    add(db, "sibling", "ISWAP")
    add(db, "raid", "MIT:agent", "Daesh-K:target")
    assert summaries(db, "--actor", "Daesh-K") == ["branch", "parent", "raid"]
    assert summaries(db, "--actor", "Daesh-K", "--exact") == ["branch", "raid"]
    assert summaries(db, "--actor", "Daesh", "--exact") == ["parent"]
    assert summaries(db, "--actor", "Daesh", "--with-affiliates") == [
        "branch", "parent", "sibling", "raid"]
    assert summaries(db, "--actor", "Daesh-K", "--role", "perpetrator") == ["branch", "parent"]
    assert summaries(db, "--role", "agent") == ["raid"]


def test_actors_add_alias_link_are_records(db: str) -> None:
    code, out, err = run("actors", "add", "Jamaat Ansarullah", "--kind", "armed_group",
                         "--country", "Tajikistan", "--alias", "JA", "--db", db)
    assert code == 0, err
    code, _, err = run("actors", "alias", "jamaat ansarullah", "Ansarullah", "--db", db)
    assert code == 0, err
    code, out, err = run("actors", "link", "Ansarullah", "--parent", "Daesh-K", "--db", db)
    assert code == 0, err
    assert out.strip() == "Jamaat Ansarullah is a branch of Daesh-K"
    add(db, "cell", "Ansarullah")
    code, out, _ = run("actors", "show", "JA", "--format", "json", "--db", db)
    actor = json.loads(out)
    assert (actor["name"], actor["kind"], actor["country"], actor["parent"]) == (
        "Jamaat Ansarullah", "armed_group", "Tajikistan", "Daesh-K")
    assert set(actor["aliases"]) == {"JA", "Ansarullah"}
    assert actor["events"] == 1
    assert summaries(db, "--actor", "Daesh", "--with-affiliates") == ["cell"]
    code, out, _ = run("log", "--db", db, "--format", "json")
    kinds = [r["kind"] for r in json.loads(out) if r["recorded_by"] == "tester"]
    assert kinds[:3] == ["actor.added", "actor.alias_added", "actor.affiliated"]
    code, out, _ = run("actors", "--search", "ansar", "--format", "json", "--db", db)
    found = [a["name"] for a in json.loads(out)]
    assert "Jamaat Ansarullah" in found and "Houthis" in found  # "Ansar Allah"
    assert "Daesh" not in found


@pytest.mark.parametrize("args", [
    ["actors", "add", "ISKP", "--kind", "armed_group"],
    ["actors", "add", "New group", "--kind", "gang"],
    ["actors", "alias", "Nobody at all", "X"],
    ["actors", "alias", "Daesh-K", "ISWAP"],
    ["actors", "link", "Daesh", "--parent", "Daesh-K"],
    ["actors", "link", "Daesh", "--parent", "Daesh"],
    ["actors", "show", "Nobody at all"],
])
def test_registry_refusals_are_one_line_and_change_nothing(db_path: object, args: list[str]
                                                           ) -> None:
    db = str(db_path)
    add(db, "seed the database", "Daesh")
    before = db_path.read_bytes()  # type: ignore[attr-defined]
    code, out, err = run(*args, "--db", db)
    assert code == 1
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert db_path.read_bytes() == before  # type: ignore[attr-defined]
