"""Exchange through the CLI: ``export`` in every format with every filter, ``import`` of whole
files (all or nothing, idempotent, minimal hand-made CSV, stdin), round trips into an empty
database, and the installed ``timeline`` entry point as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from tests.conftest import event_fields, fingerprint
from timeline.api import Timeline
from timeline.cli import app
from timeline.formats_common import CSV_COLUMNS, ROLES

runner = CliRunner()

EXPORT_FORMATS = ("csv", "json", "jsonl", "timelinejs", "timesketch", "acled", "html")
SHOW_FORMATS = ("csv", "json", "jsonl")
IMPORT_FORMATS = ("csv", "jsonl", "json")
ID_RE = re.compile(r"ev-[0-9a-f]{10}")
#: Transaction times: new by definition in the database that imported the events.
TRANSACTION_KEYS = ("recorded_at", "updated_at")
ODD = 'Commas, "quotes", new\nline; Кириллица, عربي, 中文, 🙂🇦🇫, </script><b>x</b>'


def run(*args: str, input: str | bytes | None = None) -> Result:
    return runner.invoke(app, list(args), input=input)


def ok(*args: str, input: str | bytes | None = None) -> Result:
    result = run(*args, input=input)
    assert result.exit_code == 0, (args, result.stderr, result.exception)
    return result


def show_docs(db: str, *args: str) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = json.loads(ok("show", "--db", db, "-f", "json", *args).stdout)
    return docs


def without(docs: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    return [{k: v for k, v in doc.items() if k not in keys} for doc in docs]


# --------------------------------------------------------------------------- a known timeline


@dataclass(frozen=True)
class Known:
    """The fixture timeline: event ids by name, and a moment between its two batches."""

    ids: dict[str, str]
    as_of: str

    def __getitem__(self, name: str) -> str:
        return self.ids[name]

    def of(self, *names: str) -> set[str]:
        return {self.ids[n] for n in names}


def populate(db: str) -> Known:
    """Two batches with pre-resolved dates; the --as-of moment falls between them.

    Batch 1: crocus (attack, Daesh-K), arrests (detention, late Jan 2024, MIT), shabaab (attack
    2023), claim (statement, May 2024, Daesh - the parent of Daesh-K), alert (warning) and
    strike (airstrike, then retracted). Batch 2: late (attack, Daesh-K), and alert amended.
    """
    names1 = ["crocus", "arrests", "shabaab", "claim", "alert", "strike"]
    batch1 = [
        event_fields(summary=ODD, actors=["Daesh-K", "Crocus City Hall:target"],
                     source={"name": "Reuters", "url": "https://example.org/a?b=1&c=2",
                             "title": 'Gunmen attack "hall"', "published": "2024-03-23"},
                     evidence="=HYPERLINK(\"http://evil\") gunmen opened fire",
                     evidence_start=3, evidence_end=40, confidence=0.85, subtype="shooting"),
        event_fields(type="detention", summary="Suspects detained, \"cell\" broken up",
                     earliest="2024-01-21", latest="2024-01-31", precision="part_of_month",
                     mod="END", date_text="late January", edtf="2024-01-21/2024-01-31",
                     actors=["MIT:agent"], location="Istanbul", country="Türkiye",
                     killed=None, injured=None, detained=25),
        event_fields(summary="Hotel siege", earliest="2023-11-10", latest="2023-11-10",
                     date_text="10 November 2023", edtf="2023-11-10", actors=["al-Shabaab"],
                     location="Mogadishu", country="Somalia", killed=9, injured=None),
        event_fields(type="statement", summary="Claim of responsibility",
                     earliest="2024-05-01", latest="2024-05-31", precision="month",
                     date_text="May 2024", edtf="2024-05", actors=["Daesh:source"],
                     killed=None, injured=None, location=None),
        event_fields(type="warning", summary="Embassy warns of attack", earliest="2024-04-02",
                     latest="2024-04-02", date_text="2 April", edtf="2024-04-02",
                     actors=["US Embassy:source"], killed=None, injured=None),
        event_fields(type="airstrike", summary="Strike on a compound", earliest="2024-02-10",
                     latest="2024-02-10", date_text="10 February", edtf="2024-02-10",
                     actors=["FSB:agent"], killed=None, injured=None),
    ]
    with Timeline(db) as tl:
        ids = dict(zip(names1, tl.add_many(batch1), strict=True))
        tl.retract(ids["strike"], reason="duplicate report")
        as_of = max(d["updated_at"] for d in tl.show(include_retracted=True))
        time.sleep(0.01)
        [ids["late"]] = tl.add_many([event_fields(
            summary="Second attack", earliest="2024-06-01", latest="2024-06-01",
            date_text="1 June", edtf="2024-06-01", actors=["ISKP"], killed=1, injured=2)])
        tl.amend(ids["alert"], reason="toll known", killed=2)
    return Known(ids, as_of)


@pytest.fixture
def known(db: str) -> Known:
    return populate(db)


def filters(k: Known) -> list[tuple[list[str], set[str]]]:
    """Each filter of show that export takes, with the events it must keep."""
    everything = k.of("crocus", "arrests", "shabaab", "claim", "alert", "late")
    return [
        ([], everything),
        # an alias, and (as documented, without --exact) events of the parent organisation
        (["--actor", "ISIS-K"], k.of("crocus", "late", "claim")),
        (["--actor", "mit"], k.of("arrests")),
        (["--type", "detention"], k.of("arrests")),
        (["-t", "attack", "-t", "warning"], k.of("crocus", "shabaab", "alert", "late")),
        (["--from", "2024-03-01"], k.of("crocus", "claim", "alert", "late")),
        (["--to", "2024-01-25"], k.of("shabaab", "arrests")),  # overlap: late Jan touches it
        (["--to", "January 2024"], k.of("shabaab", "arrests")),
        (["--from", "2024-01-25", "--to", "2024-03-22"], k.of("arrests", "crocus")),
        (["--as-of", k.as_of], k.of("crocus", "arrests", "shabaab", "claim", "alert")),
        (["--as-of", k.as_of, "--actor", "ISIS-K", "--type", "attack"], k.of("crocus")),
        (["--include-retracted"], everything | k.of("strike")),
    ]


def ids_in(fmt: str, data: bytes) -> list[str]:
    """The event ids of an export, in order, read the way each format is meant to be read."""
    text = data.decode("utf-8")
    if fmt in ("csv", "timesketch", "acled"):
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
        column = {"csv": "id", "timesketch": "id", "acled": "event_id_cnty"}[fmt]
        return [row[column] for row in rows]
    if fmt == "json":
        return [e["id"] for e in json.loads(text)]
    if fmt == "jsonl":
        return [json.loads(line)["id"] for line in text.splitlines()]
    if fmt == "timelinejs":
        return [slide["unique_id"] for slide in json.loads(text)["events"]]
    assert fmt == "html"
    assert text.lstrip().lower().startswith("<!doctype html")
    return list(dict.fromkeys(ID_RE.findall(text)))


@pytest.mark.parametrize("fmt", EXPORT_FORMATS)
def test_export_every_format_with_every_filter_to_stdout_and_file(
    db: str, known: Known, fmt: str, tmp_path: Path
) -> None:
    for args, expected in filters(known):
        order = [d["id"] for d in show_docs(db, *args)]
        assert set(order) == expected, args
        out = ok("export", "--db", db, "--format", fmt, *args).stdout_bytes
        got = ids_in(fmt, out)
        if fmt == "html":
            assert set(got) == expected, args
        else:
            assert got == order, args  # the same events, in the same (chronological) order
        target = tmp_path / f"out.{fmt}"
        written = ok("export", "--db", db, "-f", fmt, "-o", str(target), *args)
        assert written.stdout == ""
        assert target.read_bytes() == out, args


@pytest.mark.parametrize("args", [["--actor", "ISIS-K", "--exact"],
                                  ["--actor", "Daesh", "--with-affiliates"],
                                  ["--role", "agent"], ["--limit", "2"]])
def test_export_takes_the_other_filters_of_show(db_path: Path, args: list[str]) -> None:
    db = str(db_path)
    populate(db)
    shown = ok("show", "--db", db, "-f", "jsonl", *args).stdout_bytes
    assert run("export", "--db", db, "-f", "jsonl", *args).stdout_bytes == shown


def test_export_as_of_shows_what_was_known_then(db: str, known: Known) -> None:
    [now] = [d for d in show_docs(db) if d["id"] == known["alert"]]
    assert (now["killed"], now["version"]) == (2, 2)
    then = json.loads(ok("export", "--db", db, "-f", "json", "--as-of", known.as_of).stdout)
    [before] = [d for d in then if d["id"] == known["alert"]]
    assert (before["killed"], before["version"]) == (None, 1)
    assert {d["id"] for d in json.loads(ok("export", "--db", db, "-f", "json", "--as-of",
                                           "2000-01-01").stdout)} == set()


@pytest.mark.parametrize("fmt", SHOW_FORMATS)
def test_show_format_is_byte_identical_to_export(db: str, known: Known, fmt: str) -> None:
    for args, _ in filters(known):
        shown = ok("show", "--db", db, "--format", fmt, *args).stdout_bytes
        exported = ok("export", "--db", db, "--format", fmt, *args).stdout_bytes
        assert shown == exported, args
        assert shown  # never empty: csv has a header, json is a list


def test_export_csv_is_rfc4180_with_odd_text_untouched(db: str, known: Known) -> None:
    data = ok("export", "--db", db, "-f", "csv").stdout_bytes
    assert data.startswith(b"id,type,subtype,") and data.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    [crocus] = [r for r in rows if r[0] == known["crocus"]]
    cells = dict(zip(CSV_COLUMNS, crocus, strict=True))
    assert cells["summary"] == " ".join(ODD.split())  # summaries are one line by definition
    assert cells["evidence"].startswith("=HYPERLINK(")  # untouched in csv (see the docs)
    assert cells["actors"] == "Daesh-K (perpetrator); Crocus City Hall (target)"
    assert cells["source_url"] == "https://example.org/a?b=1&c=2"
    html = ok("export", "--db", db, "-f", "html").stdout
    assert "</script><b>" not in html  # the odd summary cannot break out of the page


def test_export_rejects_unknown_format_and_writes_no_file(db: str, tmp_path: Path) -> None:
    target = tmp_path / "x.out"
    result = run("export", "--db", db, "-f", "xml", "-o", str(target))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "xml" in result.stderr
    assert not target.exists()


# --------------------------------------------------------------------------- import files


def good_events(n: int) -> list[dict[str, Any]]:
    """Hand-made events (no ids), each different, as an analyst's file would hold."""
    start = date(2023, 1, 1)
    out = []
    for i in range(n):
        day = (start + timedelta(days=i)).isoformat()
        out.append({
            "type": ("attack", "detention", "statement")[i % 3],
            "summary": f"Incident {i}, with a comma and \"quotes\"",
            "earliest": day,
            "latest": day,
            "actors": [{"name": "Daesh-K", "role": "perpetrator"}] if i % 2 else [],
            "location": "Kabul, Afghanistan",
            "killed": i % 5,
        })
    return out


def encode(fmt: str, events: list[dict[str, Any]]) -> str:
    """A file in ``fmt``: CSV with just the columns used (actors as ``name (role)``)."""
    if fmt == "jsonl":
        return "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events)
    if fmt == "json":
        return json.dumps(events, ensure_ascii=False, indent=1)
    columns = list(dict.fromkeys(k for e in events for k in e))
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(columns)
    for e in events:
        row = []
        for c in columns:
            v = e.get(c)
            if c == "actors" and isinstance(v, list):
                v = "; ".join(f"{a['name']} ({a['role']})" for a in v)
            row.append("" if v is None else str(v))
        w.writerow(row)
    return buf.getvalue()


def row_number(fmt: str, index: int) -> int:
    """What the error must call the event at 0-based ``index``: the CSV header is row 1."""
    return index + 2 if fmt == "csv" else index + 1


BAD_ROWS: list[tuple[str, dict[str, Any], str]] = [
    ("negative", {"killed": -3}, "killed must be a non-negative integer, got '-3'"),
    ("type", {"type": "massacre"}, "type must be one of attack, detention"),
    ("impossible-date", {"earliest": "2024-02-30", "latest": None},
     "earliest is not a real date, got '2024-02-30'"),
    ("reversed", {"earliest": "2024-05-02", "latest": "2024-05-01"},
     "earliest 2024-05-02 is after latest 2024-05-01"),
    ("no-date", {"earliest": None, "latest": None}, "no date: give earliest and/or latest"),
    ("no-summary", {"summary": "  "}, "summary is missing"),
    ("role", {"actors": [{"name": "Daesh", "role": "boss"}]}, "unknown role 'boss'"),
    # valid in shape, refused by the date layer: the second check still names the row
    ("date-text", {"earliest": None, "latest": None, "date_text": "blorp and flarn",
                   "reference": "2024-05-01"}, ""),
]


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
@pytest.mark.parametrize(("bad", "problem"), [(b[1], b[2]) for b in BAD_ROWS],
                         ids=[b[0] for b in BAD_ROWS])
def test_one_bad_row_records_nothing_and_names_row_and_problem(
    db: str, tmp_path: Path, fmt: str, bad: dict[str, Any], problem: str
) -> None:
    with Timeline(db) as tl:
        tl.add_many([event_fields()])
    events = good_events(60)
    events[37] = dict(events[37], **bad)
    path = tmp_path / f"in.{fmt}"
    path.write_text(encode(fmt, events), encoding="utf-8", newline="")
    before = fingerprint(db)
    result = run("import", "--db", db, str(path), "--format", fmt)
    assert result.exit_code == 1, result.stdout
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"Error: row {row_number(fmt, 37)}: "), lines[0]
    assert problem in lines[0]
    assert fingerprint(db) == before


def test_a_bad_row_after_the_first_write_chunk_records_nothing(db: str, tmp_path: Path) -> None:
    from timeline.importing import CHUNK

    events = good_events(CHUNK + 300)
    events[CHUNK + 150] = dict(events[CHUNK + 150], killed="many")
    path = tmp_path / "big.csv"
    path.write_text(encode("csv", events), encoding="utf-8", newline="")
    before = fingerprint(db)
    result = run("import", "--db", db, str(path))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        f"Error: row {CHUNK + 152}: killed must be a non-negative integer, got 'many'")
    assert fingerprint(db) == before


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_import_then_reimport_adds_nothing(db: str, tmp_path: Path, fmt: str) -> None:
    path = tmp_path / f"in.{fmt}"
    path.write_text(encode(fmt, good_events(25)), encoding="utf-8", newline="")
    first = ok("import", "--db", db, str(path))  # the format comes from the file name
    assert first.stdout.strip() == "imported 25 events (0 already present) from 25 rows"
    docs = show_docs(db)
    assert len(docs) == 25 and {d["method"] for d in docs} == {"import"}
    before = fingerprint(db)
    again = ok("import", "--db", db, str(path), "--format", fmt)
    assert again.stdout.strip() == "imported 0 events (25 already present) from 25 rows"
    assert fingerprint(db) == before
    # the same rows in another format are the same events (content hash)
    other = "jsonl" if fmt != "jsonl" else "csv"
    path2 = tmp_path / f"in.{other}"
    path2.write_text(encode(other, good_events(26)), encoding="utf-8", newline="")
    third = ok("import", "--db", db, str(path2))
    assert third.stdout.strip() == "imported 1 events (25 already present) from 26 rows"


def test_reimporting_an_export_adds_nothing(db: str, known: Known, tmp_path: Path) -> None:
    path = tmp_path / "all.csv"
    ok("export", "--db", db, "-o", str(path), "--include-retracted")
    before = fingerprint(db)
    result = ok("import", "--db", db, str(path))
    assert result.stdout.strip() == "imported 0 events (7 already present) from 7 rows"
    assert fingerprint(db) == before


def test_a_row_repeated_in_one_file_is_recorded_once(db: str, tmp_path: Path) -> None:
    events = good_events(3)
    path = tmp_path / "rep.jsonl"
    path.write_text(encode("jsonl", [*events, events[1]]), encoding="utf-8")
    result = ok("import", "--db", db, str(path))
    assert result.stdout.strip() == "imported 3 events (1 already present) from 4 rows"


MINIMAL_CSV = [
    # the documented minimum: type, summary and a date
    ("type,summary,earliest\r\nattack,Bombing at a market,2024-03-01\r\n",
     {"earliest": "2024-03-01", "latest": None}),
    ("type,summary,latest\r\nstatement,Threat issued,2024-03-01\r\n",
     {"earliest": None, "latest": "2024-03-01"}),
    ("type,summary,earliest,latest\nattack,Raid,2024-03-01,2024-03-05\n",
     {"earliest": "2024-03-01", "latest": "2024-03-05", "precision": "interval"}),
    ("type,summary,date_text,reference\r\ndetention,Arrests,late January,2024-05-07\r\n",
     {"earliest": "2024-01-21", "latest": "2024-01-31", "precision": "part_of_month",
      "date_text": "late January", "reference": "2024-05-07"}),
    # header case and spaces are ignored, columns in any order, a spreadsheet's BOM
    ("\ufeff Reference ,SUMMARY, Date_Text ,Type\r\n2024-05-07,Arrests,2 May,detention\r\n",
     {"earliest": "2024-05-02", "latest": "2024-05-02", "date_text": "2 May"}),
]


@pytest.mark.parametrize(("text", "expected"), MINIMAL_CSV)
def test_hand_made_csv_with_only_the_minimal_columns(
    db: str, tmp_path: Path, text: str, expected: dict[str, Any]
) -> None:
    path = tmp_path / "hand.csv"
    path.write_text(text, encoding="utf-8", newline="")
    result = ok("import", "--db", db, str(path))
    assert result.stdout.strip() == "imported 1 events (0 already present) from 1 rows"
    [doc] = show_docs(db)
    for key, value in expected.items():
        assert doc[key] == value, key
    assert doc["actors"] == [] and doc["killed"] is None and doc["source"] is None
    assert doc["method"] == "import" and doc["status"] == "active" and doc["version"] == 1


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_import_from_stdin(db: str, fmt: str) -> None:
    text = encode(fmt, good_events(5))
    args = ("import", "--db", db, "-") + (("--format", fmt) if fmt != "csv" else ())
    result = ok(*args, input=text.encode("utf-8"))
    assert result.stdout.strip() == "imported 5 events (0 already present) from 5 rows"
    assert result.stderr == ""  # no progress display off a terminal
    assert [d["summary"] for d in show_docs(db)] == [e["summary"] for e in good_events(5)]


def test_import_from_stdin_with_a_bad_row_records_nothing(db: str) -> None:
    events = good_events(10)
    events[4] = dict(events[4], latest="tomorrow")
    before = fingerprint(db)
    result = run("import", "--db", db, "-", "-f", "jsonl", input=encode("jsonl", events))
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: row 5: latest must be an ISO date (YYYY-MM-DD), got 'tomorrow'")
    assert fingerprint(db) == before


# --------------------------------------------------------------------------- round trips


def differences(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> dict[str, set[str]]:
    """Keys that differ, by event id (both lists in the same order with the same ids)."""
    assert [d["id"] for d in a] == [d["id"] for d in b]
    out: dict[str, set[str]] = {}
    for x, y in zip(a, b, strict=True):
        keys = {k for k in x.keys() | y.keys() if x.get(k) != y.get(k)}
        if keys:
            out[x["id"]] = keys
    return out


@pytest.mark.parametrize("fmt", IMPORT_FORMATS)
def test_round_trip_into_an_empty_database(
    db: str, known: Known, fmt: str, tmp_path: Path
) -> None:
    path = tmp_path / f"all.{fmt}"
    ok("export", "--db", db, "-f", fmt, "-o", str(path), "--include-retracted")
    target = str(tmp_path / "empty.db")
    result = ok("import", "--db", target, str(path))
    assert result.stdout.strip() == "imported 7 events (0 already present) from 7 rows"
    original = show_docs(db, "--include-retracted")
    copy = show_docs(target, "--include-retracted")
    diff = differences(without(original, TRANSACTION_KEYS), without(copy, TRANSACTION_KEYS))
    # Only the number of records differs, and only where the history had more than one import
    # gives back: an amended event comes back as one record (version 1, showing the amended
    # fields); a retracted one as recorded + retracted (version 2).
    assert diff == {known["alert"]: {"version"}}
    by_id = {d["id"]: d for d in copy}
    assert by_id[known["alert"]]["version"] == 1 and by_id[known["alert"]]["killed"] == 2
    assert by_id[known["strike"]]["status"] == "retracted"
    assert by_id[known["strike"]]["version"] == 2
    # method is kept (manual stays manual); the filters give the same answers in the copy
    assert {d["method"] for d in copy} == {"manual"}
    for args, expected in filters(known):
        if "--as-of" not in args:
            assert {d["id"] for d in show_docs(target, *args)} == expected, args


def test_round_trip_of_a_twice_changed_retracted_event(db: str, tmp_path: Path) -> None:
    with Timeline(db) as tl:
        [event_id] = tl.add_many([event_fields()])
        tl.amend(event_id, reason="revised", killed=145)
        tl.retract(event_id, reason="duplicate")
    path = tmp_path / "r.jsonl"
    ok("export", "--db", db, "-f", "jsonl", "-o", str(path), "--include-retracted")
    target = str(tmp_path / "empty.db")
    ok("import", "--db", target, str(path))
    [a] = show_docs(db, "--include-retracted")
    [b] = show_docs(target, "--include-retracted")
    # recorded + amended + retracted there; recorded + retracted here
    assert (a["version"], b["version"]) == (3, 2)
    keys = ("version", *TRANSACTION_KEYS)
    assert without([a], keys) == without([b], keys)


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty, migrated and seeded SQLite database, copied for each example (fast)."""
    path = tmp_path_factory.mktemp("template") / "empty.db"
    with Timeline(str(path)) as tl:
        tl._open()
    assert not Path(str(path) + "-wal").exists()
    return path


TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    min_size=1, max_size=25,
)
PIECES = st.sampled_from([
    ",", '"', '""', "\n", "\r\n", "\r", ";", "\\", "\\;", "(", ")", "=", "=1+2", "+", "-", "@",
    "</script>", "<!--", "&amp;", "'", "\t", "Кириллица", "عربي", "中文", "🙂", "🇦🇫", "\u2028",
    "\ufeff", "ev-0123456789", "attack", " ", "(perpetrator)",
])
ODD_TEXT = st.lists(st.one_of(TEXT, PIECES), min_size=1, max_size=6).map("".join)
LINE = ODD_TEXT.filter(lambda s: bool(s.split()))  # survives being made one line
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@st.composite
def odd_events(draw: st.DrawFn) -> dict[str, Any]:
    a, b = sorted([draw(DAYS), draw(DAYS)])
    open_side = draw(st.sampled_from(["none", "start", "end"]))
    earliest = None if open_side == "start" else a.isoformat()
    latest = None if open_side == "end" else b.isoformat()
    maybe = st.none() | LINE
    start = draw(st.none() | st.integers(0, 10_000))
    end = None if start is None else start + draw(st.integers(0, 500))
    source = draw(st.none() | st.fixed_dictionaries({
        "name": maybe, "url": maybe, "title": maybe,
        "published": st.none() | DAYS.map(date.isoformat),
        "sha256": st.none() | st.text("0123456789abcdef", min_size=64, max_size=64),
    }))
    if source is not None and not any(source.values()):
        source = None
    return event_fields(
        type=draw(st.sampled_from(["attack", "detention", "statement", "other"])),
        subtype=draw(maybe),
        summary=draw(LINE),
        earliest=earliest,
        latest=latest,
        precision="day" if earliest == latest else "interval",
        date_text=draw(LINE),  # kept as written: newlines and all
        edtf=f"{earliest or '..'}/{latest or '..'}",
        actors=draw(st.lists(st.fixed_dictionaries({"name": LINE,
                                                    "role": st.sampled_from(ROLES)}),
                             max_size=3)),
        location=draw(maybe),
        country=draw(maybe),
        killed=draw(st.none() | st.integers(0, 10**6)),
        injured=draw(st.none() | st.integers(0, 10**6)),
        detained=draw(st.none() | st.integers(0, 10**6)),
        source=source,
        evidence=draw(maybe),
        evidence_start=start,
        evidence_end=end,
        confidence=draw(st.none() | st.floats(0, 1)),
        method=draw(st.sampled_from(["manual", "extract/1.2"])),
    )


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(items=st.lists(odd_events(), min_size=1, max_size=5), retract=st.booleans())
def test_round_trip_of_odd_text_through_csv_and_jsonl(
    template_db: Path, items: list[dict[str, Any]], retract: bool
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = str(folder / "source.db")
        shutil.copyfile(template_db, source)
        with Timeline(source) as tl:
            ids = tl.add_many(items)
            if retract:
                tl.retract(ids[0], reason="odd")
        original = without(show_docs(source, "--include-retracted"), TRANSACTION_KEYS)
        assert len(original) == len(items)
        for fmt in ("csv", "jsonl"):
            path = folder / f"out.{fmt}"
            ok("export", "--db", source, "-f", fmt, "-o", str(path), "--include-retracted")
            target = str(folder / f"{fmt}.db")
            shutil.copyfile(template_db, target)
            ok("import", "--db", target, str(path))
            copy = without(show_docs(target, "--include-retracted"), TRANSACTION_KEYS)
            assert differences(original, copy) == {}, fmt


# --------------------------------------------------------------------------- the real program


def timeline_exe() -> str:
    exe = Path(sys.executable).with_name("timeline")
    assert exe.exists(), exe
    return str(exe)


def test_entry_point_export_and_import_as_subprocesses(db: str, tmp_path: Path) -> None:
    known = populate(db)
    exe = timeline_exe()
    env_db = str(tmp_path / "copy.db")

    def call(*args: str, data: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([exe, *args], input=data, capture_output=True, timeout=120,
                              check=False)

    exported = call("export", "--db", db, "--format", "csv", "--include-retracted")
    assert exported.returncode == 0, exported.stderr
    assert exported.stderr == b""
    assert exported.stdout.startswith(b"id,type,") and exported.stdout.count(b"\r\n") >= 8
    piped = call("import", "--db", env_db, "-", data=exported.stdout)
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout == b"imported 7 events (0 already present) from 7 rows\n"
    assert piped.stderr == b""  # no progress bar: stderr is not a terminal

    jsonl = tmp_path / "out.jsonl"
    written = call("export", "--db", db, "-f", "jsonl", "-o", str(jsonl), "--include-retracted")
    assert written.returncode == 0 and written.stdout == b"", written.stderr
    again = call("import", "--db", env_db, str(jsonl))
    assert again.stdout == b"imported 0 events (7 already present) from 7 rows\n"

    original = without(show_docs(db, "--include-retracted"), TRANSACTION_KEYS)
    copy = without(show_docs(env_db, "--include-retracted"), TRANSACTION_KEYS)
    assert differences(original, copy) == {known["alert"]: {"version"}}

    bad = call("import", "--db", env_db, "-", "-f", "jsonl", data=b'{"type": "attack"}\n')
    assert bad.returncode == 1
    assert bad.stderr == b"Error: row 1: summary is missing\n"
