"""Import: every validation error is one line naming the row and the problem."""

from __future__ import annotations

import io
from typing import Any

import pytest

from timeline.errors import UsageError
from timeline.export import read, validate
from timeline.formats_common import EVENT_KEYS


def read_csv(text: str) -> list[tuple[int, dict[str, Any]]]:
    return list(read("csv", io.StringIO(text, newline="")))


def csv_error(text: str) -> str:
    with pytest.raises(UsageError) as info:
        read_csv(text)
    message = str(info.value)
    assert "\n" not in message, "an error message is one line"
    return message


HEAD = "type,summary,earliest,latest,killed,actors\n"


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ("bombing,x,2024-01-01,,,",
         "row 2: type must be one of attack, detention, warning, thwarted_plot, airstrike, "
         "statement, sentencing, operation, designation, other, got 'bombing'"),
        (",x,2024-01-01,,,", "row 2: type is missing"),
        ("attack,,2024-01-01,,,", "row 2: summary is missing"),
        ("attack,x,22/03/2024,,,",
         "row 2: earliest must be an ISO date (YYYY-MM-DD), got '22/03/2024'"),
        ("attack,x,2024-02-30,,,", "row 2: earliest is not a real date, got '2024-02-30'"),
        ("attack,x,2024-03-02,2024-03-01,,",
         "row 2: earliest 2024-03-02 is after latest 2024-03-01"),
        ("attack,x,,,,",
         "row 2: no date: give earliest and/or latest, or date_text with reference"),
        ("attack,x,2024-01-01,,-3,",
         "row 2: killed must be a non-negative integer, got '-3'"),
        ("attack,x,2024-01-01,,three,",
         "row 2: killed must be a non-negative integer, got 'three'"),
        ("attack,x,2024-01-01,,2.5,",
         "row 2: killed must be a non-negative integer, got '2.5'"),
        ("attack,x,2024-01-01,,,Islamic State",
         "row 2: actor 'Islamic State' must be written 'name (role)' with role in "
         "perpetrator, target, victim, agent, source, other"),
        ("attack,x,2024-01-01,,,IS (attacker)",
         "row 2: actor 'IS' has unknown role 'attacker' "
         "(known: perpetrator, target, victim, agent, source, other)"),
        ("attack,x,2024-01-01,,,\"IS (perpetrator); \"\"Bad\"\" ()\"",
         "row 2: actor '\"Bad\"' has unknown role ''"),
        ("attack,x,2024-01-01,,1,,extra",
         "row 2: has 7 cells but the header has 6 columns"),
    ],
)  # fmt: skip
def test_csv_row_errors(row: str, expected: str) -> None:
    assert csv_error(HEAD + row + "\n").startswith(expected)


@pytest.mark.parametrize(
    ("header", "row", "expected"),
    [
        ("type,summary,earliest,confidence", "attack,x,2024-01-01,1.5",
         "row 2: confidence must be a number from 0 to 1, got '1.5'"),
        ("type,summary,earliest,confidence", "attack,x,2024-01-01,high",
         "row 2: confidence must be a number from 0 to 1, got 'high'"),
        ("type,summary,earliest,confidence", "attack,x,2024-01-01,nan",
         "row 2: confidence must be a number from 0 to 1, got 'nan'"),
        ("id,type,summary,earliest", "42,attack,x,2024-01-01",
         "row 2: id must be 'ev-' and 10 hex digits, got '42'"),
        ("type,summary,earliest,precision", "attack,x,2024-01-01,fortnight",
         "row 2: precision must be one of day, week"),
        ("type,summary,earliest,mod", "attack,x,2024-01-01,SOMETIME",
         "row 2: mod must be one of START, MID"),
        ("type,summary,earliest,status", "attack,x,2024-01-01,deleted",
         "row 2: status must be one of active, retracted, got 'deleted'"),
        ("type,summary,earliest,source_sha256", "attack,x,2024-01-01,abc",
         "row 2: source_sha256 must be 64 hex digits, got 'abc'"),
        ("type,summary,earliest,source_published", "attack,x,2024-01-01,yesterday",
         "row 2: source_published must be an ISO date or date-time, got 'yesterday'"),
        ("type,summary,earliest,evidence_start,evidence_end", "attack,x,2024-01-01,9,3",
         "row 2: evidence_start is after evidence_end"),
        ("type,summary,date_text", "attack,x,late January",
         "row 2: no date: give earliest and/or latest, or date_text with reference"),
        ("type,summary,reference", "attack,x,2024-02-02",
         "row 2: no date: give earliest and/or latest, or date_text with reference"),
        ("type,summary,earliest,reference", "attack,x,2024-01-01,soon",
         "row 2: reference must be an ISO date (YYYY-MM-DD), got 'soon'"),
    ],
)  # fmt: skip
def test_csv_field_errors(header: str, row: str, expected: str) -> None:
    assert csv_error(f"{header}\n{row}\n").startswith(expected)


def test_header_errors() -> None:
    assert csv_error("type,summary,date,earliest\n") == (
        "row 1: unknown column 'date' (known: " + csv_known() + ")"
    )
    assert csv_error("type,summary,type\n") == "row 1: column 'type' appears twice"


def csv_known() -> str:
    from timeline.formats_common import CSV_COLUMNS

    return ", ".join(CSV_COLUMNS)


def test_row_numbers_count_records_not_lines() -> None:
    text = HEAD + 'attack,"two\nlines",2024-01-01,,,\n\nattack,x,2024-01-01,,-1,\n'
    # as in a spreadsheet: header row 1, the two-line record row 2, the blank line row 3
    assert csv_error(text).startswith("row 4: killed must be a non-negative integer")


def test_malformed_csv_is_a_usage_error() -> None:
    assert csv_error(HEAD + 'attack,"x"y,2024-01-01,,,\n').startswith("row 2: malformed CSV")


def test_errors_are_raised_lazily_at_the_bad_row() -> None:
    it = read("csv", io.StringIO(HEAD + "attack,ok,2024-01-01,,,\nattack,bad,,,,\n"))
    assert next(it)[0] == 2
    with pytest.raises(UsageError, match="^row 3: no date"):
        next(it)


def test_subset_csv_is_accepted() -> None:
    rows = read_csv("\ufeffType , Summary,Earliest\nattack,Gunmen attack hall,2024-03-22\n")
    assert len(rows) == 1
    row, event = rows[0]
    assert row == 2
    assert set(event) == set(EVENT_KEYS)
    assert event["type"] == "attack"
    assert event["summary"] == "Gunmen attack hall"
    assert event["earliest"] == "2024-03-22"
    assert event["latest"] is None
    assert event["actors"] == []
    assert event["source"] is None
    assert event["killed"] is None


def test_date_text_with_reference_is_accepted() -> None:
    [(_, event)] = read_csv(
        "type,summary,date_text,reference,actors,killed,source,source_url\n"
        "Attack,x,late January,2024-02-02, IS (Perpetrator) ; Crocus (target),0,AP,\n"
    )
    assert event["type"] == "attack"
    assert event["earliest"] is None and event["latest"] is None
    assert event["date_text"] == "late January"
    assert event["reference"] == "2024-02-02"
    assert event["actors"] == [
        {"name": "IS", "role": "perpetrator"},
        {"name": "Crocus", "role": "target"},
    ]
    assert event["killed"] == 0  # 0 is a known zero
    assert event["source"] == {
        "name": "AP", "url": None, "title": None, "published": None, "sha256": None,
    }  # fmt: skip


def test_empty_csv_yields_nothing() -> None:
    assert read_csv("") == []
    assert read_csv(HEAD) == []


# --------------------------------------------------------------------------- jsonl, json


def jsonl_error(text: str) -> str:
    with pytest.raises(UsageError) as info:
        list(read("jsonl", io.StringIO(text)))
    message = str(info.value)
    assert "\n" not in message
    return message


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('{"type": "attack"\n', "row 1: not valid JSON"),
        ('\n[1, 2]\n', "row 2: an event must be an object, got list"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", "dead": 3}\n',
         "row 1: unknown field 'dead'"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", "killed": -3}\n',
         "row 1: killed must be a non-negative integer, got '-3'"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", "killed": true}\n',
         "row 1: killed must be a non-negative integer, got True"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", "killed": "5"}\n'
         '{"type": "attack", "summary": "x", "earliest": "2024-01-01", "injured": 1.5}\n',
         "row 2: injured must be a non-negative integer, got '1.5'"),
        ('{"type": "attack", "summary": 7, "earliest": "2024-01-01"}\n',
         "row 1: summary must be text, got int"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", '
         '"actors": [{"name": "IS"}]}\n',
         "row 1: actor 'IS' has unknown role None"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", '
         '"actors": [{"role": "victim"}]}\n',
         "row 1: actor 1 has no name"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", "actors": "IS"}\n',
         "row 1: actor 'IS' must be written 'name (role)'"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01", '
         '"source": {"name": "AP", "link": "x"}}\n',
         "row 1: source has unknown field 'link'"),
        ('{"type": "attack", "summary": "x", "earliest": "2024-01-01T10:00:00"}\n',
         "row 1: earliest must be an ISO date (YYYY-MM-DD), got '2024-01-01T10:00:00'"),
        ('{"type": "attack", "summary": "x", "latest": "2024-01-01", "confidence": "x"}\n',
         "row 1: confidence must be a number from 0 to 1, got 'x'"),
        ('{"type": "attack", "summary": "x", "latest": "2024-01-01", "version": -1}\n',
         "row 1: version must be a non-negative integer, got '-1'"),
        ('{"type": "attack", "summary": "x", "latest": "2024-01-01", "recorded_at": "now"}\n',
         "row 1: recorded_at must be an ISO date or date-time, got 'now'"),
    ],
)  # fmt: skip
def test_jsonl_errors(lines: str, expected: str) -> None:
    assert jsonl_error(lines).startswith(expected)


def test_json_list_errors() -> None:
    with pytest.raises(UsageError, match="^a JSON import must be a list of events, got dict$"):
        list(read("json", io.StringIO('{"type": "attack"}')))
    with pytest.raises(UsageError, match="^not valid JSON"):
        list(read("json", io.StringIO("[")))
    with pytest.raises(UsageError, match="^row 2: type is missing$"):
        list(read("json", io.StringIO(
            '[{"type": "attack", "summary": "x", "earliest": "2024-01-01"}, {"summary": "y"}]'
        )))  # fmt: skip


def test_unknown_import_format() -> None:
    with pytest.raises(UsageError, match="cannot import format 'xlsx'"):
        list(read("xlsx", io.StringIO("")))


def test_validate_direct() -> None:
    event = validate({"type": "attack", "summary": "x", "earliest": "2024-01-01",
                      "killed": 3.0, "confidence": 1}, 9)  # fmt: skip
    assert event["killed"] == 3 and isinstance(event["killed"], int)
    assert event["confidence"] == 1.0 and isinstance(event["confidence"], float)
    with pytest.raises(UsageError, match="^row 9: an event must be an object, got str$"):
        validate("attack", 9)  # type: ignore[arg-type]
