"""The commands through typer's runner: exit codes, output, and what lands in the database."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.conftest import fingerprint
from timeline.actors import Gazetteer
from timeline.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def add(db: str, *args: str) -> str:
    code, out, err = run("add", "--db", str(db), *args)
    assert code == 0, err
    return out.strip()


@pytest.fixture
def crocus(db: str) -> str:
    return add(
        db, "--type", "attack", "--summary", "Gunmen attack a concert hall",
        "--date", "2024-03-22", "--actor", "ISIS-K", "--actor", "FSB:agent",
        "--location", "Krasnogorsk, Russia", "--killed", "144", "--injured", "360",
        "--source", "https://example.org/report", "--evidence", "Gunmen opened fire.",
    )


def show_json(db: str, *args: str) -> list[dict]:
    code, out, err = run("show", "--db", str(db), "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def test_add_prints_an_id_and_show_json_carries_every_field(db: str, crocus: str) -> None:
    assert crocus.startswith("ev-") and len(crocus) == 13
    [event] = show_json(db)
    assert event["id"] == crocus
    assert (event["type"], event["earliest"], event["latest"]) == (
        "attack", "2024-03-22", "2024-03-22")
    assert event["precision"] == "day"
    assert (event["killed"], event["injured"], event["detained"]) == (144, 360, None)
    assert {"name": "FSB", "role": "agent"} in event["actors"]
    assert event["source"]["url"] == "https://example.org/report"
    assert event["evidence"] == "Gunmen opened fire."
    assert event["status"] == "active"
    for key in ("summary", "date_text", "reference", "location"):
        assert event[key]


def test_fuzzy_dates_are_stored_as_intervals_and_shown_as_what_they_are(db: str) -> None:
    add(db, "--type", "attack", "--summary", "Church shooting", "--date", "late January",
        "--ref", "2024-05-07", "--actor", "Daesh")
    [event] = show_json(db)
    assert (event["earliest"], event["latest"]) == ("2024-01-21", "2024-01-31")
    assert event["precision"] == "part_of_month"
    assert (event["date_text"], event["reference"]) == ("late January", "2024-05-07")
    code, out, _ = run("show", "--db", db)
    assert code == 0
    assert "late Jan 2024" in out
    assert "2024-01-21" not in out


def test_show_is_chronological_with_overlap_filters(db: str) -> None:
    add(db, "-t", "statement", "-s", "C", "-d", "2024-05", "--ref", "2024-06-18")
    add(db, "-t", "attack", "-s", "A", "-d", "2024-01-28")
    add(db, "-t", "detention", "-s", "B", "-d", "December 2023", "--ref", "2024-06-18")
    assert [e["summary"] for e in show_json(db)] == ["B", "A", "C"]
    # May 2024 (a month) overlaps a window that only touches its last day.
    assert [e["summary"] for e in show_json(db, "--from", "2024-05-31")] == ["C"]
    assert [e["summary"] for e in show_json(db, "--to", "2023-12-01")] == ["B"]
    assert [e["summary"] for e in show_json(db, "--type", "attack")] == ["A"]
    assert [e["summary"] for e in show_json(db, "--limit", "2")] == ["B", "A"]


def test_actor_matching_ignores_case_and_accents(db: str) -> None:
    add(db, "-t", "statement", "-s", "Ankara speaks", "-d", "2024-03-23",
        "--actor", "Türkiye:source")
    assert len(show_json(db, "--actor", "turkiye")) == 1
    assert len(show_json(db, "--actor", "TÜRKIYE")) == 1
    assert show_json(db, "--actor", "Russia") == []


def test_amend_and_retract_are_new_records_with_history(db: str, crocus: str) -> None:
    code, out, err = run("amend", crocus, "--db", db, "--killed", "145",
                         "--reason", "Toll revised")
    assert code == 0, err
    assert "version 2" in out
    [event] = show_json(db)
    assert event["killed"] == 145 and event["injured"] == 360
    code, out, _ = run("retract", crocus, "--db", db, "--reason", "Duplicate")
    assert code == 0
    assert show_json(db) == []
    [gone] = show_json(db, "--include-retracted")
    assert gone["status"] == "retracted"
    code, out, _ = run("history", crocus, "--db", db, "--format", "json")
    history = json.loads(out)
    assert [r["kind"] for r in history] == ["event.recorded", "event.amended", "event.retracted"]
    assert history[1]["payload"] == {"changes": {"killed": 145}, "reason": "Toll revised"}
    assert history[2]["payload"]["reason"] == "Duplicate"
    assert all(r["recorded_by"] == "tester" for r in history)
    code, out, _ = run("history", crocus, "--db", db)
    assert "Toll revised" in out and "Duplicate" in out


def test_show_as_of_gives_the_timeline_as_it_was_known(db: str, crocus: str) -> None:
    [first] = json.loads(run("history", crocus, "--db", db, "--format", "json")[1])
    run("amend", crocus, "--db", db, "--killed", "145", "--reason", "Revised")
    [before] = show_json(db, "--as-of", first["recorded_at"])
    assert before["killed"] == 144
    [now] = show_json(db)
    assert now["killed"] == 145
    assert show_json(db, "--as-of", "2000-01-01") == []


def test_export_csv_has_the_documented_header_and_one_row_per_event(
    db: str, crocus: str, tmp_path: Path
) -> None:
    out_file = tmp_path / "out.csv"
    code, _, err = run("export", "--db", db, "--format", "csv", "-o", str(out_file))
    assert code == 0, err
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert len(rows) == 1
    for column in ("id", "type", "earliest", "latest", "precision", "date_text", "summary",
                   "actors", "location", "killed", "injured", "detained", "source",
                   "evidence"):
        assert column in rows[0]
    assert rows[0]["actors"] == "Daesh-K (perpetrator); FSB (agent)" or "FSB (agent)" in (
        rows[0]["actors"])
    assert rows[0]["killed"] == "144" and rows[0]["detained"] == ""


SEEDED = len(Gazetteer.builtin())  # a new database starts with the gazetteer's actor records


def test_verify_and_rebuild(db: str, crocus: str) -> None:
    code, out, _ = run("verify", "--db", db)
    assert code == 0 and out.startswith(f"ok: {SEEDED + 1} records, head ")
    before = show_json(db)
    code, out, _ = run("rebuild", "--db", db)
    assert code == 0 and f"{SEEDED + 1} records" in out
    assert show_json(db) == before


def test_verify_names_the_tampered_position(db_path: Path) -> None:
    db = str(db_path)
    add(db, "-t", "attack", "-s", "A", "-d", "2024-01-28")
    conn = sqlite3.connect(db_path)
    conn.execute("DROP TRIGGER records_no_update")
    conn.execute("UPDATE records SET recorded_by = 'mallory' WHERE kind = 'event.recorded'")
    conn.commit()
    conn.close()
    code, _, err = run("verify", "--db", db)
    assert code == 1
    assert err.strip() == (f"Error: the log is broken at position {SEEDED + 1}: "
                           "its content does not match its hash")


def test_log_prints_raw_records(db: str, crocus: str) -> None:
    run("amend", crocus, "--db", db, "--summary", "Concert hall attack",
        "--reason", "Clearer")
    code, out, _ = run("log", "--db", db)
    lines = [json.loads(line) for line in out.splitlines()]
    assert [r["position"] for r in lines] == list(range(1, SEEDED + 3))
    assert {r["kind"] for r in lines[:SEEDED]} == {"actor.added"}
    code, out, _ = run("log", "--db", db, "--since-position", str(SEEDED))
    kinds = [json.loads(line)["kind"] for line in out.splitlines()]
    assert kinds == ["event.recorded", "event.amended"]


BAD_INPUTS = [
    ["add", "--type", "picnic", "--summary", "x", "--date", "2024-01-01"],
    ["add", "--type", "attack", "--summary", "x", "--date", "no date in here at all"],
    ["add", "--type", "attack", "--summary", "x", "--date", "2024-01-01", "--killed", "-3"],
    ["add", "--type", "attack", "--summary", "x", "--date", "2024-01-01", "--actor", "X:boss"],
    ["add", "--type", "attack", "--summary", "x", "--date", "2024-01-01", "--ref", "soon"],
    ["add", "--type", "attack", "--summary", "   ", "--date", "2024-01-01"],
    ["add", "--summary", "x", "--date", "2024-01-01"],
    ["amend", "ev-0000000000", "--killed", "3", "--reason", "r"],
    ["amend", "not-an-id", "--killed", "3", "--reason", "r"],
    ["retract", "ev-0000000000", "--reason", "r"],
    ["history", "ev-0000000000"],
    ["show", "--type", "picnic"],
    ["show", "--as-of", "yesterday-ish"],
    ["show", "--format", "xml"],
    ["show", "--from", "2024-05-01", "--to", "2024-01-01"],
    ["export", "--format", "csv", "-o", "/nonexistent-dir/x.csv"],
]


@pytest.mark.parametrize("args", BAD_INPUTS, ids=lambda a: " ".join(a)[:50])
def test_bad_input_is_one_line_nonzero_and_changes_nothing(
    db: str, crocus: str, args: list[str]
) -> None:
    before = fingerprint(db)
    code, out, err = run(*args, "--db", db)
    assert code != 0
    assert err.startswith("Error: ") and err.count("\n") == 1, err
    assert "Traceback" not in err + out
    assert fingerprint(db) == before


def test_amend_with_a_stale_version_is_refused(db: str, crocus: str) -> None:
    from timeline.api import Timeline
    from timeline.errors import ConcurrencyError
    from timeline.records import NewRecord

    with Timeline(db) as tl:
        with pytest.raises(ConcurrencyError):
            tl.store.append([NewRecord(crocus, "event.amended", {"changes": {}}, 0)],
                            recorded_by="x")


def test_not_a_database_file_is_an_error_that_leaves_it_alone(tmp_path: Path) -> None:
    path = tmp_path / "report.txt"
    path.write_text("hello\n" * 500)
    code, _, err = run("show", "--db", str(path))
    assert code == 1
    assert err == f"Error: not a SQLite database: {path}\n"
    assert path.read_text() == "hello\n" * 500


def test_every_command_has_help_with_an_example() -> None:
    code, out, _ = run("--help")
    assert code == 0
    commands = [c.name for c in app.registered_commands]
    assert {"add", "show", "amend", "retract", "history", "log", "rebuild", "verify",
            "export", "when", "demo"} <= set(commands)
    for name in commands:
        code, out, _ = run(name, "--help")
        assert code == 0, name
        assert "Example" in out, name
        assert "timeline " in out, name


def test_when_prints_an_interval(tmp_path: Path) -> None:
    code, out, _ = run("when", "late January", "--ref", "2024-05-07", "--format", "json")
    assert code == 0
    answer = json.loads(out)
    assert (answer["earliest"], answer["latest"]) == ("2024-01-21", "2024-01-31")
    code, out, _ = run("when", "-", "--ref", "2024-06-18",
                       input="last month\nIn December last year\nnothing here\n")
    lines = [json.loads(line) for line in out.splitlines()]
    assert [x.get("earliest") for x in lines] == ["2024-05-01", "2023-12-01", None]
    assert "error" in lines[2]


def test_demo_loads_once(db: str) -> None:
    code, out, err = run("demo", "--db", db)
    assert code == 0, err
    assert "concert hall" in out
    count = len(show_json(db))
    assert count >= 5
    code, out, err = run("demo", "--db", db)
    assert code == 0
    assert len(show_json(db)) == count
    assert "loaded" not in err
