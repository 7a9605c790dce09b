from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import timeline.extract as extract_module
from timeline.actors import Actor, Gazetteer
from timeline.errors import TimelineError, UsageError
from timeline.extract import METHOD, extract, parse_article, split_sentences
from timeline.lexicon import casualties, lexicon, number

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared/corpus/reference/000_72e2369b582a3854.txt"
EXAMPLES = ROOT / "examples"
SHAPE_KEYS = {
    "type", "subtype", "summary", "earliest", "latest", "precision", "mod", "date_text",
    "reference", "edtf", "actors", "location", "country", "killed", "injured", "detained",
    "evidence", "evidence_start", "evidence_end", "confidence", "method",
}  # fmt: skip


def _dates_work() -> bool:
    try:
        from timeline.dates import find

        find("on March 22", date(2024, 6, 18))
    except Exception:  # the date layer is written concurrently; skip until it works
        return False
    return True


needs_dates = pytest.mark.skipif(not _dates_work(), reason="timeline.dates not usable yet")


@pytest.fixture
def no_dates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract_module, "_find_dates", lambda sentence, published: [])


def roles(event: dict[str, Any]) -> set[tuple[str, str]]:
    return {(a["name"], a["role"]) for a in event["actors"]}


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


# -- pieces ------------------------------------------------------------------------------------


def test_split_sentences_keeps_abbreviations_and_offsets() -> None:
    text = "The U.S. State Department spoke. Dr. Smith left!\nNew line here"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "The U.S. State Department spoke.",
        "Dr. Smith left!",
        "New line here",
    ]


@pytest.mark.parametrize(
    ("text", "killed", "injured", "detained"),
    [
        ("an attack that left 144 people dead and 360 others injured", 144, 360, None),
        ("gunmen shot dead a man during Mass", 1, None, None),
        ("the blast killed 12 and wounded thirty-two", 12, 32, None),
        ("police detained 32 suspects", None, None, 32),
        ("14 suspects were arrested", None, None, 14),
        ("Two of the four gunmen were of Tajik origin", None, None, None),
        ("on March 22 that left", None, None, None),
    ],
)
def test_casualties(
    text: str, killed: int | None, injured: int | None, detained: int | None
) -> None:
    c = casualties(text)
    assert (c.killed, c.injured, c.detained) == (killed, injured, detained)


def test_number_words() -> None:
    assert [number(w) for w in ("32", "1,200", "thirty-two", "nine", "a dozen", "many")] == [
        32, 1200, 32, 9, 12, None,
    ]  # fmt: skip


def test_places() -> None:
    lex = lexicon()
    found = lex.find_places("hideouts in northern Iraq and Syria, and a van in Van")
    assert [(p.text, p.country) for p in found] == [
        ("northern Iraq", "Iraq"),
        ("Syria", "Syria"),
        ("Van", "Türkiye"),
    ]


def test_parse_article() -> None:
    text, published = parse_article("Published: 2024-05-07\nBody.\n")
    assert (text, published) == ("Body.\n", date(2024, 5, 7))
    assert parse_article("No header.") == ("No header.", None)
    with pytest.raises(UsageError):
        parse_article("Published: 2024-13-45\nx")


def test_bad_arguments() -> None:
    with pytest.raises(UsageError):
        extract(b"bytes", date(2024, 1, 1))  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        extract("text", "2024-01-01")  # type: ignore[arg-type]
    assert extract("", datetime(2024, 1, 1, 12, 0)) == []


def test_undated_event_gets_an_honest_open_interval(no_dates: None) -> None:
    events = extract("Turkish police detained 5 suspects in Izmir.", date(2024, 3, 1))
    assert len(events) == 1
    e = events[0]
    assert (e["earliest"], e["latest"], e["precision"], e["mod"]) == (
        None, "2024-03-01", "open", "ON_OR_BEFORE",
    )  # fmt: skip
    assert e["edtf"] == "../2024-03-01" and e["date_text"] == "before 2024-03-01"
    assert (e["detained"], e["location"], e["country"]) == (5, "Izmir, Türkiye", "Türkiye")
    assert roles(e) == {("Turkish police", "agent")}
    assert set(e) == SHAPE_KEYS and e["method"] == METHOD


def test_roles_from_voice(no_dates: None) -> None:
    published = date(2024, 3, 1)
    (active,) = extract("Hamas attacked an Israeli checkpoint near Gaza.", published)
    assert ("Hamas", "perpetrator") in roles(active)
    (passive,) = extract("Three Daesh members were detained by MIT in Hatay.", published)
    assert roles(passive) == {("Daesh", "target"), ("MIT", "agent")}
    (warning,) = extract("The CIA warned the FSB about a planned attack.", published)
    assert roles(warning) >= {("CIA", "agent"), ("FSB", "target")}


def test_no_events_from_plain_reporting(no_dates: None) -> None:
    text = (
        "Security sources say the group is weakened. Officials said it was calm. "
        "The ministry would not detain anyone. Analysts fear a possible attack."
    )
    assert extract(text, date(2024, 1, 1)) == []


def test_user_gazetteer_is_used(no_dates: None) -> None:
    gaz = Gazetteer.builtin().with_actor(Actor("Red Cell", "armed_group", aliases=("RC-9",)))
    (event,) = extract("RC-9 carried out a bombing in Mosul.", date(2024, 1, 1), gazetteer=gaz)
    assert ("Red Cell", "perpetrator") in roles(event)
    assert (event["subtype"], event["location"], event["country"]) == (
        "bombing", "Mosul, Iraq", "Iraq",
    )  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.text(
        alphabet=st.sampled_from(
            list('Daesh ISIS MIT detained attack killed 12 on March 22 after the, its "\n.')
        ),
        max_size=200,
    )
    | st.text(max_size=200)
)
def test_arbitrary_text_never_breaks(text: str) -> None:
    try:
        events = extract(text, date(2024, 6, 18))
    except TimelineError:
        return
    for e in events:
        assert text[e["evidence_start"] : e["evidence_end"]] == e["evidence"]
        assert 0 <= e["confidence"] <= 1
        assert e["earliest"] is None or e["latest"] is None or e["earliest"] <= e["latest"]


# -- the reference article ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference() -> tuple[str, list[dict[str, Any]]]:
    if not REFERENCE.exists():
        pytest.skip("shared corpus not available")
    text = REFERENCE.read_text(encoding="utf-8")
    return text, extract(text, date(2024, 6, 18))


@needs_dates
def test_reference_types_and_order(reference: tuple[str, list[dict[str, Any]]]) -> None:
    _, events = reference
    kinds = [e["type"] for e in events]
    assert sorted(kinds) == sorted(
        ["designation", "detention", "attack", "detention", "attack", "warning",
         "thwarted_plot", "statement", "statement", "airstrike"]
    )  # fmt: skip
    keys = [(e["earliest"] or e["latest"], e["latest"]) for e in events]
    assert keys == sorted(keys)


@needs_dates
def test_reference_church_shooting(reference: tuple[str, list[dict[str, Any]]]) -> None:
    text, events = reference
    (church,) = [e for e in of_type(events, "attack") if e["location"] == "Istanbul, Türkiye"]
    assert church["earliest"] == "2024-01-21" and church["latest"] in ("2024-01-28", "2024-01-31")
    assert (church["killed"], church["subtype"], church["country"]) == (1, "shooting", "Türkiye")
    assert ("Daesh", "perpetrator") in roles(church)
    assert "church" in church["evidence"]
    assert text[church["evidence_start"] : church["evidence_end"]] == church["evidence"]


@needs_dates
def test_reference_moscow_attack_is_one_event(reference: tuple[str, list[dict[str, Any]]]) -> None:
    _, events = reference
    moscow = [e for e in of_type(events, "attack") if e["location"] == "Moscow, Russia"]
    assert len(moscow) == 1
    (m,) = moscow
    assert (m["earliest"], m["latest"], m["precision"]) == ("2024-03-22", "2024-03-22", "day")
    assert (m["killed"], m["injured"], m["country"]) == (144, 360, "Russia")
    perpetrators = {a["name"] for a in m["actors"] if a["role"] == "perpetrator"}
    assert perpetrators == {"Daesh-K"}  # the specific branch, not also its parent
    assert "Daesh-K" in m["summary"] and "Moscow" in m["summary"] and "144" in m["summary"]


@needs_dates
def test_reference_detentions(reference: tuple[str, list[dict[str, Any]]]) -> None:
    _, events = reference
    december, after_church = sorted(of_type(events, "detention"), key=lambda e: e["latest"])
    assert (december["earliest"], december["latest"]) == ("2023-12-01", "2023-12-31")
    assert december["detained"] == 32
    assert ("Turkish security forces", "agent") in roles(december)
    assert after_church["earliest"] >= "2024-01-21" and after_church["latest"] == "2024-06-18"
    assert after_church["detained"] is None
    agents = {a["name"] for a in after_church["actors"] if a["role"] == "agent"}
    assert agents & {"MIT", "Turkish security forces"}
    assert ("Daesh-K", "target") in roles(after_church)


@needs_dates
def test_reference_warning_and_plot(reference: tuple[str, list[dict[str, Any]]]) -> None:
    _, events = reference
    (warning,) = of_type(events, "warning")
    assert {("MIT", "agent"), ("Kremlin", "target")} <= roles(warning)
    assert warning["earliest"] >= "2024-03-22" and warning["latest"] == "2024-06-18"
    (plot,) = of_type(events, "thwarted_plot")
    names = {a["name"] for a in plot["actors"] if a["role"] == "perpetrator"}
    assert names and names <= {"Daesh", "Daesh-K"}
    agents = {a["name"] for a in plot["actors"] if a["role"] == "agent"}
    assert agents and agents <= {"Russia", "Kremlin", "FSB"}
    assert plot["earliest"] >= "2024-03-22" and plot["latest"] == "2024-06-18"


@needs_dates
def test_reference_statements_designation_airstrikes(
    reference: tuple[str, list[dict[str, Any]]],
) -> None:
    _, events = reference
    statements = {e["evidence_start"]: e for e in of_type(events, "statement")}
    may = [e for e in statements.values() if e["earliest"] == "2024-05-01"]
    assert len(may) == 1 and may[0]["latest"] == "2024-05-31"
    assert ("Daesh-K", "other") in roles(may[0])
    erdogan = [e for e in statements.values() if ("Recep Tayyip Erdoğan", "agent") in roles(e)]
    assert len(erdogan) == 1 and erdogan[0]["earliest"] >= "2024-03-22"
    assert ("Vladimir Putin", "target") in roles(erdogan[0])
    (designation,) = of_type(events, "designation")
    assert designation["earliest"] == "2013-01-01" and ("Daesh", "target") in roles(designation)
    (air,) = of_type(events, "airstrike")
    assert (air["earliest"], air["latest"], air["mod"]) == (None, "2024-06-18", "ON_OR_BEFORE")
    assert air["location"] == "northern Iraq and Syria"
    assert {("Türkiye", "agent"), ("Daesh", "target")} <= roles(air)


def test_reference_has_no_junk(reference: tuple[str, list[dict[str, Any]]]) -> None:
    text, events = reference
    for e in events:
        assert "now facing life" not in e["evidence"] or e["type"] == "attack"
        assert e["type"] != "sentencing"
        assert text[e["evidence_start"] : e["evidence_end"]] == e["evidence"]


# -- the example articles ----------------------------------------------------------------------


def load(name: str) -> tuple[str, list[dict[str, Any]]]:
    text, published = parse_article((EXAMPLES / name).read_text(encoding="utf-8"))
    assert published is not None
    return text, extract(text, published)


@needs_dates
def test_example_istanbul_raid() -> None:
    _, events = load("istanbul-raid.txt")
    assert [e["type"] for e in events] == ["attack", "detention"]
    attack, detention = events
    assert (attack["earliest"], attack["latest"]) == ("2024-04-21", "2024-04-30")
    assert (attack["location"], attack["injured"], attack["killed"]) == (
        "Gaziantep, Türkiye", 2, None,
    )  # fmt: skip
    assert (detention["earliest"], detention["latest"]) == ("2024-05-06", "2024-05-06")
    assert (detention["detained"], detention["location"]) == (14, "Istanbul, Türkiye")
    assert roles(detention) == {("Turkish police", "agent"), ("Daesh", "target")}


@needs_dates
def test_example_drone_strike() -> None:
    _, events = load("drone-strike.txt")
    (strike,) = events
    assert strike["type"] == "airstrike" and strike["killed"] == 3
    assert (strike["earliest"], strike["location"], strike["country"]) == (
        "2024-02-11", "northern Iraq", "Iraq",
    )  # fmt: skip
    assert roles(strike) == {("Türkiye", "agent"), ("PKK", "target")}


@needs_dates
def test_example_court_sentence() -> None:
    _, events = load("court-sentence.txt")
    assert [e["type"] for e in events] == ["attack", "sentencing"]
    bombing, sentence = events
    assert (bombing["earliest"], bombing["latest"]) == ("2022-03-01", "2022-03-31")
    assert (bombing["killed"], bombing["injured"], bombing["subtype"]) == (9, 40, "bombing")
    assert ("Daesh", "perpetrator") in roles(bombing)
    assert sentence["earliest"] == sentence["latest"] == "2023-11-28"
    assert ("Daesh", "target") in roles(sentence)


@needs_dates
def test_example_foiled_plot() -> None:
    _, events = load("foiled-plot.txt")
    assert sorted(e["type"] for e in events) == ["detention", "thwarted_plot"]
    for e in events:
        assert e["earliest"] == e["latest"] == "2024-09-10"
        assert ("FSB", "agent") in roles(e)
    (plot,) = of_type(events, "thwarted_plot")
    assert ("Daesh-K", "perpetrator") in roles(plot) and plot["location"] == "Moscow, Russia"
    (detention,) = of_type(events, "detention")
    assert detention["detained"] == 2


# -- what a clause adds ------------------------------------------------------------------------


def test_warning_names_the_plotter(no_dates: None) -> None:
    (warning,) = of_type(
        extract(
            "The CIA warned the FSB that Daesh-K was plotting an attack on a stadium.",
            date(2024, 3, 1),
        ),
        "warning",
    )
    assert roles(warning) >= {("CIA", "agent"), ("FSB", "target"), ("Daesh-K", "perpetrator")}
    assert warning["summary"] == "The CIA warned the FSB of a planned Daesh-K attack"


def test_detention_says_what_the_suspects_planned(no_dates: None) -> None:
    (detention,) = extract(
        "Turkish police detained five suspects linked to Daesh, who were planning attacks on "
        "churches and synagogues, as well as a hotel.",
        date(2024, 3, 1),
    )
    assert detention["summary"] == (
        "Turkish police detained 5 suspects linked to Daesh who were planning attacks on "
        "churches, synagogues and a hotel"
    )


@needs_dates
def test_statement_summary_is_its_clause_with_names_and_without_dates() -> None:
    gaz = Gazetteer.builtin().with_actor(Actor("Jane Q Doe", "person"))
    events = extract(
        "Interior Minister Jane Q Doe confirmed last week it was ISKP that carried out the "
        "bombing, officials said.",
        date(2024, 3, 13),
        gazetteer=gaz,
    )
    (statement,) = of_type(events, "statement")
    assert statement["summary"] == "Doe confirmed Daesh-K carried out the bombing"
    assert (statement["earliest"], statement["latest"]) == ("2024-03-04", "2024-03-10")


@needs_dates
def test_designation_since_a_year_took_place_that_year() -> None:
    (designation,) = extract(
        "Daesh, which has been designated a terrorist organisation since 2014, was weakened.",
        date(2024, 3, 1),
    )
    assert (designation["earliest"], designation["latest"]) == ("2014-01-01", "2014-12-31")
    assert designation["date_text"] == "since 2014"


@needs_dates
def test_weekday_inside_a_broader_date() -> None:
    (attack,) = extract(
        "Gunmen shot dead a guard during Friday prayers at a mosque in Kabul in early March.",
        date(2024, 6, 18),
    )
    assert (attack["earliest"], attack["latest"]) == ("2024-03-01", "2024-03-08")
    assert attack["date_text"] == "Friday in early March"
    assert attack["location"] == "Kabul, Afghanistan"
