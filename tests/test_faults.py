"""Faults: a writer killed mid-batch, writers racing, a log edited behind timeline's back, and
hostile command lines. The store must stay whole, say what is wrong, and change nothing on error.

Random choices come from a seed printed on failure; set TIMELINE_FAULT_SEED to replay one.
TIMELINE_FUZZ_EXAMPLES=1000 runs a longer hunt with the command-line fuzzer.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.conftest import event_fields
from timeline import events as ev
from timeline.api import Timeline
from timeline.cli import app
from timeline.records import chain_hash, dumps

WORKERS = Path(__file__).resolve().parent / "helpers" / "workers.py"
runner = CliRunner()


# -- helpers -------------------------------------------------------------------------------
def raw(db: Path) -> sqlite3.Connection:
    return sqlite3.connect(db, isolation_level=None)


def query(db: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with closing(raw(db)) as conn:
        return conn.execute(sql, params).fetchall()


def spawn(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, str(WORKERS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@contextmanager
def workers(*commands: list[str]) -> Iterator[list[subprocess.Popen[str]]]:
    """Worker processes that never outlive the test, whatever it asserts."""
    procs: list[subprocess.Popen[str]] = []
    with ExitStack() as stack:
        for args in commands:
            procs.append(stack.enter_context(spawn(*args)))
            stack.callback(stop, procs[-1])
        yield procs


def stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.kill()
        proc.wait()


def finish(procs: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    """(exit code, stdout left, stderr) of each worker once it has ended."""
    out = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=120)
        out.append((proc.returncode, stdout, stderr))
    return out


def release(procs: list[subprocess.Popen[str]], go: Path, ready: str = "ready") -> list[str]:
    """Wait until every worker says ``ready``, then let them all go at once."""
    said = [expect_line(proc, ready) for proc in procs]
    go.touch()
    return said


def expect_line(proc: subprocess.Popen[str], prefix: str) -> str:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith(prefix):
        _, err = proc.communicate()
        raise AssertionError(f"worker said {line!r} instead of {prefix!r}; stderr:\n{err}")
    return line.strip()


def seeded() -> int:
    value = os.environ.get("TIMELINE_FAULT_SEED")
    return int(value) if value else random.randrange(2**32)


def verify_ok(db: Path, note: str = "") -> int:
    with Timeline(str(db)) as tl:
        report = tl.verify()
    assert report.ok, f"{note}: {report}"
    return report.count


# -- a writer killed in the middle of a bulk append ------------------------------------------
BATCH = 2000
KILLS = 15


def check_whole(db: Path, before: int, note: str) -> int:
    """The database after a kill: intact, verified, and holding the whole batch or none of it."""
    assert query(db, "PRAGMA integrity_check") == [("ok",)], note
    (count,) = query(db, "SELECT count(*) FROM records")[0]
    assert count in (before, before + BATCH), f"{note}: {count} records, before {before}"
    assert query(db, "SELECT count(*) FROM events") == query(
        db, "SELECT count(*) FROM records WHERE kind = 'event.recorded'"), note
    assert verify_ok(db, note) == count, note
    return int(count)


@pytest.mark.slow
def test_a_writer_killed_mid_batch_leaves_all_of_it_or_none(db_path: Path) -> None:
    seed = seeded()
    rng = random.Random(seed)
    with Timeline(str(db_path)) as tl:
        tl.add_many([event_fields(summary=f"before {i}") for i in range(50)])
    (count,) = query(db_path, "SELECT count(*) FROM records")[0]
    first = count
    # One run to the end times the batch and is the first "all" outcome.
    with workers(["batch", str(db_path), str(BATCH)]) as procs:
        expect_line(procs[0], "ready")
        [(code, out, err)] = finish(procs)
    assert code == 0, err
    duration = float(out.split()[-1])
    count = check_whole(db_path, count, f"seed {seed}, uninterrupted run")
    assert count == first + BATCH
    outcomes = []
    for run in range(KILLS):
        delay = rng.uniform(0, duration * 1.2)
        with workers(["batch", str(db_path), str(BATCH)]) as procs:
            expect_line(procs[0], "ready")
            time.sleep(delay)
            procs[0].kill()
            [(code, _, err)] = finish(procs)
        killed = code == -signal.SIGKILL
        assert killed or code == 0, err
        note = f"seed {seed}, run {run}, killed after {delay:.3f} s of {duration:.3f} s"
        after = check_whole(db_path, count, note)
        outcomes.append(("all" if after > count else "none", killed))
        count = after
    print(f"seed {seed}: batch of {BATCH} in {duration:.2f} s; outcomes {outcomes}")
    # Some kills must land while the batch is being written, or the test proves nothing.
    assert ("none", True) in outcomes, f"seed {seed}: {outcomes}"


# -- an import killed at a random moment -----------------------------------------------------
IMPORT_ROWS = 2500  # more than one chunk of the import's appends: see the uninterrupted run
IMPORT_KILLS = 12
#: What a round's delay is measured from: the worker's start; its first chunk about to be
#: appended; its first chunk appended (inside the transaction, not yet committed).
ANCHORS = ("start", "writing", "appended")
#: How far an import got, by what it said last.
PHASES = {"writing": 1, "appended": 2, "committed": 3, "imported": 3}


def write_import_file(path: Path, tag: str) -> tuple[int, int]:
    """``IMPORT_ROWS`` events shaped as `timeline export --format jsonl` writes them, each with
    its own id and every 100th retracted; returns the (events, records) importing them adds."""
    retracted = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(IMPORT_ROWS):
            day = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
            status = "retracted" if n % 100 == 99 else "active"
            retracted += status == "retracted"
            row = dict(
                id="ev-" + hashlib.sha256(f"{tag}-{n}".encode()).hexdigest()[:10],
                type=("attack", "detention", "warning", "airstrike")[n % 4],
                summary=f"Imported incident {tag}-{n} involving several parties in the region",
                earliest=day, latest=day, precision="day", date_text=day,
                reference="2024-12-31", edtf=day,
                actors=[{"name": f"Group {n % 97}", "role": "perpetrator"},
                        {"name": f"Agency {n % 13}", "role": "agent"}],
                location="Krasnogorsk, Russia", killed=n % 7,
                evidence="A sentence of a news report that says what happened, and where it did.",
                status=status,
            )
            out.write(json.dumps(row) + "\n")
    return IMPORT_ROWS, IMPORT_ROWS + retracted


def counts(db: Path) -> tuple[int, int]:
    [(events, records)] = query(
        db, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM records)")
    return int(events), int(records)


def check_import(db: Path, before: tuple[int, int], whole: tuple[int, int],
                 note: str) -> tuple[int, int]:
    """The database after a killed import: intact, passing `timeline verify`, and holding all
    of the file or none of it; returns its (events, records)."""
    assert query(db, "PRAGMA integrity_check") == [("ok",)], note
    after = counts(db)
    added = (after[0] - before[0], after[1] - before[1])
    assert added in ((0, 0), whole), f"{note}: added {added} (events, records) of {whole}"
    assert query(db, "SELECT count(*) FROM records WHERE kind = 'event.recorded'") == [
        (after[0],)], note
    result = runner.invoke(app, ["verify", "--db", str(db)])
    assert result.exit_code == 0, f"{note}: {result.stdout}{result.stderr}"
    assert result.stdout.startswith(f"ok: {after[1]} records, head "), f"{note}: {result.stdout}"
    return after


def timed_lines(proc: subprocess.Popen[str], start: float) -> dict[str, float]:
    """When (seconds after ``start``) the worker first said each kind of line, and exited."""
    assert proc.stdout is not None
    said = {"start": 0.0}
    for line in proc.stdout:
        said.setdefault(line.split()[0], time.monotonic() - start)
    proc.wait()
    said["exit"] = time.monotonic() - start
    return said


@pytest.mark.slow
def test_an_import_killed_at_any_moment_leaves_all_of_the_file_or_none(
    db_path: Path, tmp_path: Path
) -> None:
    seed = seeded()
    rng = random.Random(seed)
    with Timeline(str(db_path)) as tl:
        tl.add_many([event_fields(summary=f"before {i}") for i in range(50)])
    before = counts(db_path)
    path = tmp_path / "import-0.jsonl"
    whole = write_import_file(path, f"{seed}-0")
    # One run to the end times the import's phases and is the first "all" outcome.
    with workers(["import-cli", str(db_path), str(path)]) as procs:
        start = time.monotonic()
        said = timed_lines(procs[0], start)
        [(code, out, err)] = finish(procs)
    assert code == 0, err
    assert list(said) == ["start", "writing", "appended", "committed", "imported", "exit"], said
    before = check_import(db_path, before, whole, f"seed {seed}, uninterrupted run")
    assert before[0] >= 50 + IMPORT_ROWS
    spans = {anchor: said["exit"] - said[anchor] for anchor in ANCHORS}
    path = tmp_path / "import-1.jsonl"  # a new file whenever the last one is in
    assert write_import_file(path, f"{seed}-1") == whole
    # Each anchor's span cut into equal strata, each with one kill somewhere inside it: the
    # delays cover the whole import and beyond its end, whatever the seed.
    strata = IMPORT_KILLS // len(ANCHORS)
    plan = [(anchor, stratum) for anchor in ANCHORS for stratum in range(strata)]
    rng.shuffle(plan)
    outcomes = []
    for run, (anchor, stratum) in enumerate(plan):
        delay = spans[anchor] * 1.2 * (stratum + rng.random()) / strata
        with workers(["import-cli", str(db_path), str(path)]) as procs:
            lines = []
            if anchor != "start":
                lines.append(expect_line(procs[0], "writing"))
            if anchor == "appended":
                lines.append(expect_line(procs[0], "appended"))
            time.sleep(delay)
            procs[0].kill()
            [(code, out, err)] = finish(procs)
        killed = code == -signal.SIGKILL
        assert killed or code == 0, err
        lines += out.splitlines()
        reached = max((PHASES.get(line.split()[0], 0) for line in lines), default=0)
        note = (f"seed {seed}, run {run}, killed {delay:.3f} s after {anchor} "
                f"(span {spans[anchor]:.3f} s), having said {lines}")
        after = check_import(db_path, before, whole, note)
        landed = after != before
        # Before its first append nothing can have landed; once committed, all of it has.
        if reached == 0:
            assert not landed, note
        elif reached == 3:
            assert landed, note
        if landed:  # the file is in: importing it again adds nothing
            again = runner.invoke(app, ["import", str(path), "--db", str(db_path)])
            assert again.exit_code == 0, f"{note}: {again.stdout}{again.stderr}"
            assert again.stdout == (
                f"imported 0 events ({whole[0]} already present) from {IMPORT_ROWS} rows\n"), note
            assert counts(db_path) == after, note
            path = tmp_path / f"import-{run + 2}.jsonl"
            assert write_import_file(path, f"{seed}-{run + 2}") == whole
        # A file that did not land is imported again next round: a killed import must leave
        # nothing behind that would make a later one skip rows.
        outcomes.append(("all" if landed else "none", killed, reached))
        before = after
    took = {anchor: round(span, 2) for anchor, span in spans.items()}
    print(f"seed {seed}: import of {IMPORT_ROWS} rows, seconds from anchor to exit {took}; "
          f"(outcome, killed, phase reached) {outcomes}")
    # Some kills must land while the transaction holds appended rows, and some after the
    # import is done, or the test proves nothing.
    assert ("none", True, 2) in outcomes, f"seed {seed}: {outcomes}"
    assert any(outcome == "all" for outcome, _, _ in outcomes), f"seed {seed}: {outcomes}"


# -- writers racing --------------------------------------------------------------------------
def race_appends(db: Path, go: Path, writers: int, rounds: int, size: int) -> None:
    with workers(*(["appends", str(db), str(go), str(rounds), str(size), f"w{i}"]
                   for i in range(writers))) as procs:
        release(procs, go)
        for code, _, err in finish(procs):
            assert code == 0, err


@pytest.mark.slow
def test_racing_appenders_lose_nothing_and_number_the_log_without_gaps(tmp_path: Path) -> None:
    db = tmp_path / "race.db"
    with Timeline(str(db)) as tl:
        tl.add_many([event_fields()])
    (base,) = query(db, "SELECT count(*) FROM records")[0]
    writers, rounds, size = 4, 50, 3
    race_appends(db, tmp_path / "go", writers, rounds, size)
    total = base + writers * rounds * size
    assert query(db, "SELECT count(*), min(position), max(position) FROM records") == [
        (total, 1, total)
    ]
    assert query(
        db, "SELECT stream_id, version FROM records GROUP BY 1, 2 HAVING count(*) > 1"
    ) == []
    assert query(db, "SELECT count(*) FROM events") == [(1 + writers * rounds * size,)]
    # Every writer's every event is there, once.
    # (An event as recorded keeps no document of its own: its recording record's payload is.)
    summaries = query(db, "SELECT DISTINCT json_extract(coalesce(e.doc, r.payload), '$.summary') "
                          "FROM events e JOIN records r ON r.position = e.first_position")
    assert len(summaries) == 1 + writers * rounds * size
    assert verify_ok(db) == total


def test_processes_opening_a_new_database_at_once_all_get_in(tmp_path: Path) -> None:
    for attempt in range(4):
        db = tmp_path / f"new{attempt}.db"
        race_appends(db, tmp_path / f"go{attempt}", writers=4, rounds=1, size=1)
        assert query(db, "SELECT count(*) FROM events") == [(4,)]
        verify_ok(db)


def test_amends_from_the_same_read_version_let_exactly_one_win(tmp_path: Path) -> None:
    db = tmp_path / "amend.db"
    with Timeline(str(db)) as tl:
        (event_id,) = tl.add_many([event_fields()])
    racers = 5
    go = tmp_path / "go"
    commands = [["amend-cli", str(db), str(go), "amend", event_id, "--killed", str(200 + i),
                 "--reason", f"racer {i}"] for i in range(racers)]
    with workers(*commands) as procs:
        assert release(procs, go, "read") == ["read 1"] * racers
        results = finish(procs)
    winners = []
    for i, (code, out, err) in enumerate(results):
        if code == 0:
            winners.append(i)
            assert out.splitlines()[-1] == f"{event_id} amended (version 2)"
            assert err == ""
        else:
            assert code == 1, err
            assert err.count("\n") == 1 and err.startswith("Error: "), err
            assert f"{event_id} is at version 2, not 1" in err and "try again" in err, err
    assert len(winners) == 1
    with Timeline(str(db)) as tl:
        history = tl.history(event_id)
        assert [r["version"] for r in history] == [1, 2]
        assert history[1]["payload"]["changes"] == {"killed": 200 + winners[0]}
        assert tl.get(event_id)["killed"] == 200 + winners[0]
    verify_ok(db)


@pytest.mark.slow
def test_free_running_amends_never_overwrite_each_other(tmp_path: Path) -> None:
    db = tmp_path / "amends.db"
    with Timeline(str(db)) as tl:
        (event_id,) = tl.add_many([event_fields()])
    writers, rounds = 4, 15
    go = tmp_path / "go"
    with workers(*(["amends", str(db), str(go), event_id, str(rounds), str(tag)]
                   for tag in range(1, writers + 1))) as procs:
        release(procs, go)
        results = finish(procs)
    won: dict[int, int] = {}  # killed count -> the version amend reported
    conflicts = 0
    for code, out, err in results:
        assert code == 0, err
        lines = out.splitlines()
        assert len(lines) == rounds, out
        for line in lines:
            if line == "conflict":
                conflicts += 1
            else:
                _, version, killed = line.split()
                won[int(killed)] = int(version)
    with Timeline(str(db)) as tl:
        history = tl.history(event_id)
        final = tl.get(event_id)
    # Exactly the successful amends are in the history, each under its own version.
    assert [r["version"] for r in history] == list(range(1, len(won) + 2))
    written = {r["payload"]["changes"]["killed"]: r["version"] for r in history[1:]}
    assert written.keys() == won.keys()
    # amend returns the event as it stands after its write, which may include a later one's.
    assert all(won[killed] >= version for killed, version in written.items())
    assert final["version"] == len(won) + 1
    assert final["killed"] == history[-1]["payload"]["changes"]["killed"]
    assert len(won) + conflicts == writers * rounds
    print(f"{len(won)} amends won, {conflicts} lost to a concurrent one")
    verify_ok(db)


# -- a log edited behind timeline's back -------------------------------------------------------
Rows = list[tuple[Any, ...]]


def tampered_db(db: Path, n: int = 10) -> tuple[Rows, int]:
    """A log ending in ``n`` events, its guards dropped; returns its rows and the position of
    the fourth event, where the tamperings below strike."""
    with Timeline(str(db)) as tl:
        tl.add_many([event_fields(summary=f"event {i}", killed=i) for i in range(1, n + 1)])
    with closing(raw(db)) as conn:
        for name in ("records_no_update", "records_no_delete", "records_no_replace"):
            conn.execute(f"DROP TRIGGER {name}")
        rows = conn.execute("SELECT * FROM records ORDER BY position").fetchall()
    return rows, rows[-n][0] + 3


def move(conn: sqlite3.Connection, where: str, to: str) -> None:
    """Renumber positions in two steps, so the primary key never collides in between."""
    conn.execute(f"UPDATE records SET position = -({to}) WHERE {where}")
    conn.execute("UPDATE records SET position = -position WHERE position < 0")


def forged(rows: Rows, at: int, *, chained: bool) -> tuple[Any, ...]:
    """A record claiming position ``at``, linked to the record before it."""
    before = rows[at - 2]
    payload = dumps(ev.build(event_fields(summary="forged")))
    fields = dict(position=at, record_id="00000000-0000-4000-8000-000000000000",
                  stream_id="ev-00000f0f0f", version=1, kind="event.recorded", schema_version=1,
                  payload=payload, recorded_at=before[7], recorded_by="mallory",
                  prev_hash=before[10])
    digest = chain_hash(fields) if chained else "f" * 64
    return (*fields.values(), digest)


def edit_payload(conn: sqlite3.Connection, rows: Rows, at: int) -> None:
    conn.execute("UPDATE records SET payload = json_set(payload, '$.killed', 999) "
                 "WHERE position = ?", (at,))


def delete_record(conn: sqlite3.Connection, rows: Rows, at: int) -> None:
    conn.execute("DELETE FROM records WHERE position = ?", (at,))


def swap_records(conn: sqlite3.Connection, rows: Rows, at: int) -> None:
    move(conn, f"position IN ({at}, {at + 3})",
         f"CASE position WHEN {at} THEN {at + 3} ELSE {at} END")


def forge(conn: sqlite3.Connection, rows: Rows, at: int, *, chained: bool) -> None:
    move(conn, f"position >= {at}", "position + 1")
    conn.execute("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                 forged(rows, at, chained=chained))


def forge_in_the_middle(conn: sqlite3.Connection, rows: Rows, at: int) -> None:
    forge(conn, rows, at, chained=False)


def forge_linked_in_the_middle(conn: sqlite3.Connection, rows: Rows, at: int) -> None:
    # A forger who links the forgery to its predecessor: it cannot be told from a real record,
    # but the record after it no longer links to it.
    forge(conn, rows, at, chained=True)


# (tampering, where verify finds the break relative to the tampered position, what it says)
TAMPERINGS = [
    (edit_payload, 0, "its content does not match its hash"),
    (delete_record, 0, "position {at} is missing (next is {next})"),
    (swap_records, 0, "its prev_hash does not match the previous record"),
    (forge_in_the_middle, 0, "its content does not match its hash"),
    (forge_linked_in_the_middle, 1, "its prev_hash does not match the previous record"),
]


@pytest.mark.parametrize(("tamper", "offset", "problem"), TAMPERINGS,
                         ids=[t[0].__name__ for t in TAMPERINGS])
def test_verify_names_the_first_position_a_tampering_broke(
    db_path: Path, tamper: Any, offset: int, problem: str
) -> None:
    rows, at = tampered_db(db_path)
    with closing(raw(db_path)) as conn:
        tamper(conn, rows, at)
    bad, problem = at + offset, problem.format(at=at, next=at + 1)
    with Timeline(str(db_path)) as tl:
        report = tl.verify()
    assert (report.ok, report.bad_position, report.problem) == (False, bad, problem)
    assert report.count == bad - 1
    # The head is the last record that still holds (for a linked forgery, the forgery itself).
    assert [(report.head_hash,)] == query(db_path, "SELECT hash FROM records WHERE position = ?",
                                          bad - 1)
    result = runner.invoke(app, ["verify", "--db", str(db_path)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"Error: the log is broken at position {bad}: {problem}\n"


def test_a_rewritten_chain_passes_verify_but_not_the_head_kept_elsewhere(db_path: Path) -> None:
    rows, at = tampered_db(db_path)
    result = runner.invoke(app, ["verify", "--db", str(db_path)])
    kept = rows[-1][10]
    assert result.stdout == f"ok: {len(rows)} records, head {kept}\n"
    # The forger edits a record, recomputes every hash from there on and rebuilds the tables.
    with closing(raw(db_path)) as conn:
        edit_payload(conn, rows, at)
        prev = rows[at - 2][10]
        for row in conn.execute("SELECT * FROM records WHERE position >= ? ORDER BY position",
                                (at,)).fetchall():
            digest = chain_hash(dict(position=row[0], record_id=row[1], stream_id=row[2],
                                     version=row[3], kind=row[4], schema_version=row[5],
                                     payload=row[6], recorded_at=row[7], recorded_by=row[8],
                                     prev_hash=prev))
            conn.execute("UPDATE records SET prev_hash = ?, hash = ? WHERE position = ?",
                         (prev, digest, row[0]))
            prev = digest
    assert runner.invoke(app, ["rebuild", "--db", str(db_path)]).exit_code == 0
    result = runner.invoke(app, ["verify", "--db", str(db_path)])
    assert result.exit_code == 0
    assert result.stdout.startswith(f"ok: {len(rows)} records, head ")
    # Only the head hash the user kept elsewhere shows that history was rewritten.
    assert result.stdout.split()[-1] != kept


def test_edited_read_tables_are_reported_and_rebuild_repairs_them(db_path: Path) -> None:
    with Timeline(str(db_path)) as tl:
        tl.add_many([event_fields(summary=f"event {i}", killed=i) for i in range(1, 11)])
    edits = (
        # An event as recorded given a document of its own that says otherwise.
        "UPDATE events SET doc = json_set((SELECT payload FROM records r WHERE r.position = "
        "first_position), '$.killed', 0) WHERE first_position = (SELECT min(first_position) "
        "FROM events)",
        "UPDATE events SET type = 'other' WHERE first_position = "
        "(SELECT max(first_position) FROM events)",
        "DELETE FROM event_actors WHERE seq = 0 AND event_position = "
        "(SELECT min(event_position) FROM event_actors)",
    )
    good = shown(db_path)
    for edit in edits:
        with closing(raw(db_path)) as conn:
            conn.execute(edit)
        assert shown(db_path) != good, edit
        result = runner.invoke(app, ["verify", "--db", str(db_path)])
        assert result.exit_code == 1, edit
        assert result.stderr == ("Error: the read tables differ from the log; "
                                 "run `timeline rebuild`\n")
        assert runner.invoke(app, ["rebuild", "--db", str(db_path)]).exit_code == 0
        verify_ok(db_path)
        assert shown(db_path) == good


def shown(db: Path) -> str:
    """What the read tables answer: documents, and the type and actor filters' columns."""
    result = runner.invoke(app, ["show", "--format", "jsonl", "--type", "attack", "--actor",
                                 "Daesh-K", "--db", str(db)])
    assert result.exit_code == 0, result.stderr
    return result.stdout


# -- hostile command lines -------------------------------------------------------------------
# What a shell can hand over: any text but NUL. (Invalid UTF-8 arrives as lone surrogates; see
# test_undecodable_argv_bytes_get_a_clear_error.)
TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=24)
ID = "<ID>"  # replaced by an event that exists


def values(*samples: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(samples), TEXT)


COUNT = st.one_of(
    st.sampled_from(["0", "3", "-1", "-0", "1e3", "007", " 5", "999999999999", "2147483648"]),
    st.integers(-(10**12), 10**12).map(str),
    TEXT,
)
DATE = values("2024-03-22", "late January", "since 2013", "last month", "yesterday",
              "2024-13-45", "", "Q3 2023", "12/11/10", "the 1990s")
EVENT_ID = values(ID, ID, "ev-0000000000", "ev-", "EV-0123456789", f" {ID} ", "-")
TYPES = values(*ev.TYPES, "ATTACK", " attack ", "picnic", "")
ACTOR = values("Daesh-K", "MIT:agent", "FSB:Agent", "X:boss", ":", "a:b:c", "", "ISIS-K:")
FREE = values("Krasnogorsk, Russia", "", " ", "https://example.org/a", "line\nbreak")
FORMAT = values("table", "json", "jsonl", "csv", "xml", "")
EVENT_OPTIONS: dict[str, st.SearchStrategy[str]] = {
    "--type": TYPES, "--summary": FREE, "--date": DATE, "--ref": DATE, "--lang": values("tr", "ru"),
    "--actor": ACTOR, "--location": FREE, "--country": FREE, "--killed": COUNT,
    "--injured": COUNT, "--detained": COUNT, "--subtype": FREE, "--source": FREE,
    "--evidence": FREE,
}
FILTERS: dict[str, st.SearchStrategy[str]] = {
    "--actor": ACTOR, "--type": TYPES, "--from": DATE, "--to": DATE, "--as-of": DATE,
}
FLAGS = {"--with-affiliates", "--include-retracted"}
# A later value of an option replaces an earlier one, so these are valid until overridden.
VALID = {
    "add": ["--type", "attack", "--summary", "A fuzzed event", "--date", "2024-03-22"],
    "amend": ["--reason", "fuzzing"],
    "retract": ["--reason", "fuzzing"],
}
COMMANDS: dict[str, tuple[list[st.SearchStrategy[str]], dict[str, st.SearchStrategy[str]]]] = {
    "add": ([], EVENT_OPTIONS),
    "amend": ([EVENT_ID], {**EVENT_OPTIONS, "--reason": FREE}),
    "retract": ([EVENT_ID], {"--reason": FREE}),
    "show": ([], {**FILTERS, "--role": values(*ev.ROLES, "boss"), "--limit": COUNT,
                  "--format": FORMAT, "--with-affiliates": st.nothing(),
                  "--include-retracted": st.nothing()}),
    "history": ([EVENT_ID], {"--format": FORMAT}),
    "export": ([], {**FILTERS, "--format": FORMAT, "--include-retracted": st.nothing(),
                    "--output": st.just("<OUT>")}),
}


@st.composite
def command_lines(draw: st.DrawFn, command: str) -> list[str]:
    arguments, options = COMMANDS[command]
    argv = [command, *(draw(a) for a in arguments)]
    if draw(st.booleans()):  # start from a valid line, so that some mutations of it succeed
        argv.extend(VALID.get(command, []))
    names = draw(st.lists(st.sampled_from(sorted(options)), max_size=8))
    for name in names:
        argv.extend([name] if name in FLAGS else [name, draw(options[name])])
    if draw(st.integers(0, 9)) == 0:  # a stray argument
        argv.insert(draw(st.integers(1, len(argv))), draw(TEXT))
    return argv


def fingerprint(db: Path) -> tuple[bytes, bytes | None]:
    wal = db.with_name(db.name + "-wal")
    return db.read_bytes(), wal.read_bytes() if wal.exists() else None


@pytest.fixture(scope="module")
def fuzz_db() -> Iterator[tuple[Path, list[str]]]:
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "fuzz.db"
        with Timeline(str(db), user="fuzz") as tl:
            ids = tl.add_many([event_fields(summary=f"seed event {i}") for i in range(3)])
        yield db, ids


@pytest.mark.parametrize("command", sorted(COMMANDS))
@settings(max_examples=int(os.environ.get("TIMELINE_FUZZ_EXAMPLES") or 60), deadline=None,
          database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_command_line_is_done_or_refused_in_one_line_changing_nothing(
    fuzz_db: tuple[Path, list[str]], command: str, data: st.DataObject
) -> None:
    db, ids = fuzz_db
    event_id = data.draw(st.sampled_from(ids))
    argv = [a.replace(ID, event_id).replace("<OUT>", str(db.with_name("out.txt")))
            for a in data.draw(command_lines(command))]
    before = fingerprint(db)
    result = runner.invoke(app, [*argv, "--db", str(db)])
    output = result.stdout + result.stderr
    event(f"exit {result.exit_code}")
    assert "Traceback" not in output
    assert result.exception is None or isinstance(result.exception, SystemExit), output
    if result.exit_code == 0:
        return
    assert fingerprint(db) == before, f"{argv} failed and changed the database"
    if result.exit_code == 2:  # typer's own parsing: a usage box is fine
        assert "Usage:" in result.stderr, output
        return
    assert result.exit_code == 1, output
    assert result.stderr.startswith("Error: ") and len(result.stderr.splitlines()) == 1, output
    assert result.stderr.endswith("\n"), output
    assert not result.stderr.startswith("Error: unexpected "), output


def test_undecodable_argv_bytes_get_a_clear_error(db_path: Path) -> None:
    # `timeline add --summary $'caf\xe9'` in a UTF-8 locale: Python hands over 'caf\udce9'.
    result = runner.invoke(app, ["add", "--db", str(db_path), "--type", "attack",
                                 "--date", "2024-03-22", "--summary", "caf\udce9"])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ")
    assert not result.stderr.startswith("Error: unexpected "), result.stderr


def test_a_refused_export_prints_nothing_on_stdout(db_path: Path) -> None:
    result = runner.invoke(app, ["export", "--db", str(db_path), "--as-of", "late January"])
    assert result.exit_code == 1 and result.stderr.startswith("Error: not a date")
    assert result.stdout == ""
