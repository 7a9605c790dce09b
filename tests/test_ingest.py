"""`timeline ingest`: an article (text or HTML) to a source and its events, through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from timeline.cli import app
from timeline.errors import TimelineError
from timeline.extract import METHOD

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared/corpus/reference/000_72e2369b582a3854.txt"
EXAMPLES = ROOT / "examples"
EXE = shutil.which("timeline", path=str(Path(sys.executable).parent))

runner = CliRunner()


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def show(db: Path, *args: str) -> list[dict[str, Any]]:
    code, out, err = run("show", "--db", str(db), "--format", "json", *args)
    assert code == 0, err
    return json.loads(out)


def log_count(db: Path) -> int:
    code, out, err = run("log", "--db", str(db), "--format", "json")
    assert code == 0, err
    return len(json.loads(out))


def roles(event: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a["name"], a["role"]) for a in event["actors"]}


def ingest(db: Path, *args: str, input: str | None = None) -> tuple[int, str, str]:
    return run("ingest", *args, "--db", str(db), input=input)


# -- the reference article ---------------------------------------------------------------------


@pytest.fixture
def reference_db(tmp_path: Path) -> Path:
    if not REFERENCE.exists():
        pytest.skip("shared corpus not available")
    db = tmp_path / "ref.db"
    code, _, err = ingest(db, str(REFERENCE), "--published", "2024-06-18")
    assert code == 0, err
    assert "recorded" in err
    return db


# What a careful analyst writes for Daesh-K (and its parent Daesh), in order: type, earliest,
# latest, the actors that must be there, killed, injured, detained.
CHRONOLOGY = [
    ("designation", "2013-01-01", "2013-12-31", {("Daesh", "target")}, None, None, None),
    ("detention", "2023-12-01", "2023-12-31",
     {("Turkish security forces", "agent"), ("Daesh", "target")}, None, None, 32),
    ("attack", "2024-01-21", "2024-01-28", {("Daesh", "perpetrator")}, 1, None, None),
    ("detention", "2024-01-21", "2024-06-18", {("Daesh-K", "target")}, None, None, None),
    ("attack", "2024-03-22", "2024-03-22", {("Daesh-K", "perpetrator")}, 144, 360, None),
    ("warning", "2024-03-22", "2024-06-18",
     {("MIT", "agent"), ("Kremlin", "target"), ("Daesh", "perpetrator")}, None, None, None),
    ("thwarted_plot", "2024-03-22", "2024-06-18",
     {("Russia", "agent"), ("Daesh", "perpetrator")}, None, None, None),
    ("statement", "2024-05-01", "2024-05-31",
     {("Russian security services", "agent"), ("Daesh-K", "other")}, None, None, None),
]  # fmt: skip


def test_reference_chronology_for_daesh_k(reference_db: Path) -> None:
    events = show(reference_db, "--actor", "Daesh-K")
    dated = [e for e in events if e["earliest"] is not None]
    assert len(dated) == len(CHRONOLOGY)
    for event, (kind, earliest, latest, actors, killed, injured, detained) in zip(
        dated, CHRONOLOGY, strict=True
    ):
        assert (event["type"], event["earliest"], event["latest"]) == (kind, earliest, latest)
        assert actors <= roles(event), event["summary"]
        assert (event["killed"], event["injured"], event["detained"]) == (
            killed, injured, detained,
        )  # fmt: skip
    # the one undated event (ongoing airstrikes) is honestly open before the publication date
    (open_ended,) = [e for e in events if e["earliest"] is None]
    assert (open_ended["type"], open_ended["latest"]) == ("airstrike", "2024-06-18")


def test_reference_event_fields(reference_db: Path) -> None:
    text = REFERENCE.read_text(encoding="utf-8").strip()
    events = {(e["type"], e["earliest"]): e for e in show(reference_db, "--actor", "Daesh-K")}
    church = events[("attack", "2024-01-21")]
    assert (church["location"], church["country"], church["subtype"]) == (
        "Istanbul, Türkiye", "Türkiye", "shooting",
    )  # fmt: skip
    assert church["date_text"] == "Sunday in late January"
    moscow = events[("attack", "2024-03-22")]
    assert (moscow["location"], moscow["country"], moscow["precision"]) == (
        "Moscow, Russia", "Russia", "day",
    )  # fmt: skip
    assert "Daesh" not in {a["name"] for a in moscow["actors"]}  # the branch, not its parent
    warning = events[("warning", "2024-03-22")]
    assert warning["summary"] == (
        "MIT warned the Kremlin of a planned Daesh attack on a shopping mall"
    )
    statement = events[("statement", "2024-05-01")]
    assert statement["summary"] == (
        "Russian security services confirmed Daesh-K carried out the terrorist attack in Moscow"
    )
    december = events[("detention", "2023-12-01")]
    assert "churches, synagogues and the Iraqi Embassy" in december["summary"]
    for e in events.values():
        assert text[e["evidence_start"] : e["evidence_end"]] == e["evidence"]
        assert 0 < e["confidence"] <= 1
        assert e["method"] == METHOD == "extract/" + METHOD.split("/")[1]
        assert e["status"] == "active"


def test_aliases_give_the_same_chronology(reference_db: Path) -> None:
    canonical = show(reference_db, "--actor", "Daesh-K")
    assert show(reference_db, "--actor", "ISIS-K") == canonical
    assert show(reference_db, "--actor", "ISKP") == canonical


def test_role_filter(reference_db: Path) -> None:
    perpetrated = show(reference_db, "--actor", "Daesh-K", "--role", "perpetrator")
    assert {e["type"] for e in perpetrated} == {"attack", "warning", "thwarted_plot"}
    for e in perpetrated:
        assert {a["role"] for a in e["actors"] if a["name"] in ("Daesh", "Daesh-K")} == {
            "perpetrator"
        }
    targeted = show(reference_db, "--actor", "Daesh-K", "--role", "target")
    assert {e["type"] for e in targeted} == {"designation", "detention", "airstrike"}


def test_sources_carry_hash_date_and_method(reference_db: Path) -> None:
    import hashlib

    digest = hashlib.sha256(REFERENCE.read_text(encoding="utf-8").strip().encode()).hexdigest()
    for e in show(reference_db):
        assert e["source"]["sha256"] == digest
        assert e["source"]["published"] == "2024-06-18"
        assert e["method"] == METHOD and METHOD.startswith("extract/")


def test_dry_run_records_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    code, _, err = ingest(db, str(EXAMPLES / "istanbul-raid.txt"))  # creates the schema
    assert code == 0, err
    before = db.read_bytes()
    code, out, err = ingest(db, str(EXAMPLES / "drone-strike.txt"), "--dry-run", "-f", "json")
    assert code == 0, err
    assert "dry run" in err
    answer = json.loads(out)
    assert answer["recorded"] is False and [e["type"] for e in answer["events"]] == ["airstrike"]
    assert db.read_bytes() == before


def test_ingesting_twice_records_nothing_new(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    article = str(EXAMPLES / "istanbul-raid.txt")
    assert ingest(db, article)[0] == 0
    count, events = log_count(db), show(db)
    code, _, err = ingest(db, article)
    assert code == 0
    assert "already ingested" in err
    assert log_count(db) == count and show(db) == events


FIRST = (
    "Turkish police detained 14 suspects over alleged links with Daesh in dawn raids across{wrap}"
    "Istanbul on <b>Monday</b>, security sources said."
)
SECOND = (
    "The raids came after an attack on a police checkpoint in Gaziantep in late April that left "
    "two officers injured."
)
HTML_PAGE = """<!doctype html>
<html><head>
<title>Police detain suspects | Example Wire</title>
<meta property="article:published_time" content="2024-05-07T08:30:00+03:00">
<script>var detained = "Police detained 99 suspects in Ankara";</script>
</head><body>
<nav><a href="/">Home</a> Turkish police detained 77 people in Izmir yesterday</nav>
<article>
<p>{first}</p>
<p>{second}</p>
</article>
<script>console.log("attack in Mosul killed 5")</script>
</body></html>
"""


def page_html(wrap: str) -> str:
    return HTML_PAGE.format(first=FIRST.format(wrap=wrap), second=SECOND)


def test_html_is_stripped_and_dated_from_its_metadata(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(page_html(" "), encoding="utf-8")
    db = tmp_path / "t.db"
    code, _, err = ingest(db, str(page))
    assert code == 0, err
    events = show(db)
    assert [(e["type"], e["earliest"], e["latest"]) for e in events] == [
        ("attack", "2024-04-21", "2024-04-30"),
        ("detention", "2024-05-06", "2024-05-06"),
    ]
    detention = events[1]
    assert (detention["detained"], detention["location"]) == (14, "Istanbul, Türkiye")
    assert detention["source"]["published"] == "2024-05-07"
    assert detention["source"]["title"] == "Police detain suspects | Example Wire"
    for e in events:
        for noise in ("<", "99", "77", "Mosul", "Home", "console"):
            assert noise not in e["evidence"]


def test_html_line_wrapped_inside_a_paragraph_is_one_sentence(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(page_html("\n"), encoding="utf-8")
    db = tmp_path / "t.db"
    assert ingest(db, str(page))[0] == 0
    (detention,) = [e for e in show(db) if e["type"] == "detention"]
    assert (detention["earliest"], detention["location"]) == ("2024-05-06", "Istanbul, Türkiye")


def test_no_date_anywhere_is_a_one_line_error(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert ingest(db, str(EXAMPLES / "drone-strike.txt"))[0] == 0
    before = db.read_bytes()
    article = tmp_path / "undated.txt"
    article.write_text("Turkish police detained 5 suspects in Izmir on Monday.\n")
    code, out, err = ingest(db, str(article))
    assert code == 1
    assert err.startswith("Error: ") and err.count("\n") == 1 and "--published" in err
    assert out == ""
    assert db.read_bytes() == before


def test_ingested_event_can_be_amended_and_retracted(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert ingest(db, str(EXAMPLES / "court-sentence.txt"))[0] == 0
    bombing, sentence = show(db)
    code, _, err = run("amend", bombing["id"], "--killed", "10", "--reason", "Toll revised",
                       "--db", str(db))  # fmt: skip
    assert code == 0, err
    (amended,) = [e for e in show(db) if e["id"] == bombing["id"]]
    assert (amended["killed"], amended["version"], amended["injured"]) == (10, 2, 40)
    assert amended["method"] == METHOD and amended["evidence"] == bombing["evidence"]
    code, _, err = run("retract", sentence["id"], "--reason", "Duplicate", "--db", str(db))
    assert code == 0, err
    assert [e["id"] for e in show(db)] == [bombing["id"]]
    retracted = show(db, "--include-retracted")
    assert {e["id"]: e["status"] for e in retracted}[sentence["id"]] == "retracted"


def test_ingest_from_stdin(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    raw = (EXAMPLES / "foiled-plot.txt").read_text(encoding="utf-8")
    code, _, err = ingest(db, "-", input=raw)
    assert code == 0, err
    events = show(db)
    assert sorted(e["type"] for e in events) == ["detention", "thwarted_plot"]
    assert all(e["source"]["published"] == "2024-09-12" for e in events)


# -- the example articles ----------------------------------------------------------------------

# name -> (type, earliest, latest, location, killed, injured, detained, actors that must be there)
EXPECTED: dict[str, list[tuple[Any, ...]]] = {
    "istanbul-raid.txt": [
        ("attack", "2024-04-21", "2024-04-30", "Gaziantep, Türkiye", None, 2, None, set()),
        ("detention", "2024-05-06", "2024-05-06", "Istanbul, Türkiye", None, None, 14,
         {("Turkish police", "agent"), ("Daesh", "target")}),
    ],
    "drone-strike.txt": [
        ("airstrike", "2024-02-11", "2024-02-11", "northern Iraq", 3, None, None,
         {("Türkiye", "agent"), ("PKK", "target")}),
    ],
    "court-sentence.txt": [
        ("attack", "2022-03-01", "2022-03-31", "Gaziantep, Türkiye", 9, 40, None,
         {("Daesh", "perpetrator")}),
        ("sentencing", "2023-11-28", "2023-11-28", "Istanbul, Türkiye", None, None, None,
         {("Daesh", "target")}),
    ],
    "foiled-plot.txt": [
        ("thwarted_plot", "2024-09-10", "2024-09-10", "Moscow, Russia", None, None, None,
         {("FSB", "agent"), ("Daesh-K", "perpetrator")}),
        ("detention", "2024-09-10", "2024-09-10", None, None, None, 2, {("FSB", "agent")}),
    ],
}  # fmt: skip


def _facts(e: dict[str, Any]) -> tuple[Any, ...]:
    return (e["type"], e["earliest"], e["latest"], e["location"], e["killed"], e["injured"],
            e["detained"])  # fmt: skip


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_articles(tmp_path: Path, name: str) -> None:
    db = tmp_path / "t.db"
    code, _, err = ingest(db, str(EXAMPLES / name))
    assert code == 0, err
    events = show(db)
    expected = EXPECTED[name]
    key = lambda f: (f[1], f[0])  # noqa: E731
    assert sorted(map(_facts, events), key=key) == sorted((x[:7] for x in expected), key=key)
    for e in events:
        (want,) = [x for x in expected if x[:7] == _facts(e)]
        assert want[7] <= roles(e)


@pytest.mark.skipif(EXE is None, reason="the timeline entry point is not installed")
def test_ingest_as_a_subprocess(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    env = dict(os.environ, TIMELINE_DB=str(db))
    done = subprocess.run(
        [str(EXE), "ingest", str(EXAMPLES / "drone-strike.txt"), "--format", "json"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["recorded"] is True
    (strike,) = answer["events"]
    assert (strike["type"], strike["killed"], strike["earliest"]) == ("airstrike", 3, "2024-02-11")
    assert "recorded 1 events" in done.stderr
    again = subprocess.run(
        [str(EXE), "ingest", str(EXAMPLES / "drone-strike.txt")],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert again.returncode == 0 and "already ingested" in again.stderr


# -- arbitrary input ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from timeline.api import Timeline

    with Timeline(str(tmp_path_factory.mktemp("ingest") / "t.db")) as tl:
        yield tl


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.text(
        alphabet=st.sampled_from(
            list("<p>Daesh MIT detained attack killed 12 on March 22 after the, its \"\n.&;")
        ),
        max_size=300,
    )
    | st.text(max_size=300)
)
def test_arbitrary_text_through_ingest_raises_only_timeline_errors(scratch: Any, raw: str) -> None:
    try:
        result = scratch.ingest(raw, dry_run=True, published=date(2024, 6, 18))
    except TimelineError:
        return
    assert result.recorded is False
    for e in result.events:
        assert e["earliest"] is None or e["latest"] is None or e["earliest"] <= e["latest"]


# -- the demo ----------------------------------------------------------------------------------


def test_demo_ships_the_example_article_and_ingests_it_once(tmp_path: Path) -> None:
    from timeline import demo
    from timeline.api import Timeline

    assert demo.article() == (EXAMPLES / "istanbul-raid.txt").read_text(encoding="utf-8")
    with Timeline(str(tmp_path / "t.db")) as tl:
        first = demo.load(tl)
        assert first == len(demo.items()) + 2
        assert demo.load(tl) == 0
        extracted = [e for e in tl.show() if e["method"] == METHOD]
    assert [(e["type"], e["location"]) for e in extracted] == [
        ("attack", "Gaziantep, Türkiye"),
        ("detention", "Istanbul, Türkiye"),
    ]
    assert all(e["source"]["name"] == demo.ARTICLE_SOURCE for e in extracted)
