"""The formats layer: every writer on a few hand-built events, read back and checked."""

from __future__ import annotations

import csv
import io
import json
import string
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline import export
from timeline.errors import UsageError
from timeline.formats_common import (
    CSV_COLUMNS,
    EVENT_KEYS,
    EVENT_TYPES,
    MODS,
    PRECISIONS,
    ROLES,
)

ODD = 'Commas, "quotes", new\nline, \r\n CRLF; Кириллица, عربي, 中文, emoji 🙂🇦🇫, </script><b>x</b>'


def make_event(n: int, **fields: Any) -> dict[str, Any]:
    """A complete event dict (every documented key), overridden by ``fields``."""
    event: dict[str, Any] = dict.fromkeys(EVENT_KEYS)
    event.update(
        id=f"ev-{n:010x}",
        type="attack",
        summary=f"event {n}",
        earliest="2024-03-22",
        latest="2024-03-22",
        precision="day",
        date_text="on Friday",
        reference="2024-03-23",
        edtf="2024-03-22",
        actors=[],
        method="manual",
        status="active",
        version=1,
        recorded_at="2024-03-23T10:00:00+00:00",
        updated_at="2024-03-23T10:00:00+00:00",
    )
    event.update(fields)
    return event


@pytest.fixture
def events() -> list[dict[str, Any]]:
    return [
        make_event(
            1,
            subtype="shooting",
            summary=ODD,
            actors=[
                {"name": "Islamic State (Khorasan); ISIS-K", "role": "perpetrator"},
                {"name": "Crocus City Hall", "role": "target"},
            ],
            location="Krasnogorsk, Moscow Oblast",
            country="Russia",
            killed=145,
            injured=551,
            source={
                "name": "Reuters",
                "url": "https://example.org/a?b=1&c=2",
                "title": 'Gunmen attack "concert" hall',
                "published": "2024-03-23",
                "sha256": "a" * 64,
            },
            evidence='=HYPERLINK("http://evil") gunmen opened fire',
            evidence_start=10,
            evidence_end=52,
            confidence=0.85,
            method="extract/1",
        ),
        make_event(
            2,
            type="thwarted_plot",
            summary="Plot foiled in late January",
            earliest="2024-01-21",
            latest="2024-01-31",
            precision="part_of_month",
            mod="END",
            date_text="late January",
            actors=[{"name": "FSB", "role": "agent"}],
        ),
        make_event(
            3,
            type="sentencing",
            summary="Court sentences four",
            earliest="2024-05-01",
            latest="2024-05-31",
            precision="month",
            date_text="in May",
            detained=0,
        ),
        make_event(
            4,
            type="other",
            summary="Surveillance began",
            earliest=None,
            latest="2024-03-07",
            precision="open",
            mod="BEFORE",
            date_text="before March 7",
            actors=[{"name": "Амак 🙂", "role": "source"}],
        ),
        make_event(
            5,
            type="designation",
            summary="Listed as extremist",
            earliest="2023-01-01",
            latest="2023-12-31",
            precision="year",
            date_text="in 2023",
        ),
    ]


def _write(fmt: str, events: list[dict[str, Any]], **kw: Any) -> tuple[int, str]:
    out = io.StringIO()
    n = export.write(fmt, events, out, **kw)
    return n, out.getvalue()


def test_formats_listed() -> None:
    assert export.FORMATS == {
        "csv", "json", "jsonl", "timelinejs", "timesketch", "acled", "html",
    }  # fmt: skip


def test_unknown_format_is_a_usage_error(events: list[dict[str, Any]]) -> None:
    with pytest.raises(UsageError, match="unknown export format 'xml'"):
        export.write("xml", events, io.StringIO())


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_empty_input(fmt: str) -> None:
    n, text = _write(fmt, [])
    assert n == 0
    if fmt == "json":
        assert json.loads(text) == []


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl", "timelinejs", "timesketch", "acled"])
def test_writers_stream(fmt: str, events: list[dict[str, Any]]) -> None:
    """Each event is written before the next one is asked for."""
    out = io.StringIO()

    def gen() -> Iterator[dict[str, Any]]:
        for i, event in enumerate(events):
            if i:
                assert events[i - 1]["id"] in out.getvalue(), "previous event not written yet"
            yield event

    assert export.write(fmt, gen(), out) == len(events)


# --------------------------------------------------------------------------- csv


def test_csv_columns_and_rfc4180(events: list[dict[str, Any]]) -> None:
    n, text = _write("csv", events)
    assert n == len(events)
    assert text.startswith(",".join(CSV_COLUMNS) + "\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(events)
    first = rows[0]
    assert first["summary"] == ODD
    assert first["actors"] == (
        "Islamic State (Khorasan)\\; ISIS-K (perpetrator); Crocus City Hall (target)"
    )
    assert first["source"] == "Reuters"
    assert first["source_url"] == "https://example.org/a?b=1&c=2"
    assert first["killed"] == "145"
    assert first["detained"] == ""  # unknown is empty, not 0
    assert first["confidence"] == "0.85"
    # data untouched: no formula escaping in the csv format (faithful round trip)
    assert first["evidence"].startswith("=HYPERLINK")
    assert rows[2]["detained"] == "0"
    assert rows[3]["earliest"] == ""
    assert rows[3]["actors"] == "Амак 🙂 (source)"


def test_csv_round_trip(events: list[dict[str, Any]]) -> None:
    _, text = _write("csv", events)
    back = list(export.read("csv", io.StringIO(text, newline="")))
    assert [row for row, _ in back] == [2, 3, 4, 5, 6]
    for original, (_, event) in zip(events, back, strict=True):
        for key in EVENT_KEYS:
            if key in ("version", "recorded_at", "updated_at"):
                assert event[key] is None  # not CSV columns
            else:
                assert event[key] == original[key], key


# --------------------------------------------------------------------------- json, jsonl


def test_json_list(events: list[dict[str, Any]]) -> None:
    n, text = _write("json", events)
    assert n == len(events)
    assert json.loads(text) == events
    assert "Кириллица" in text and "🙂" in text  # non-ASCII kept, not \u-escaped


def test_jsonl(events: list[dict[str, Any]]) -> None:
    n, text = _write("jsonl", events)
    lines = text.splitlines()
    assert n == len(lines) == len(events)
    assert [json.loads(line) for line in lines] == events
    assert "中文" in text
    back = [e for _, e in export.read("jsonl", io.StringIO(text))]
    assert back == events


def test_json_read_back(events: list[dict[str, Any]]) -> None:
    _, text = _write("json", events)
    assert [e for _, e in export.read("json", io.StringIO(text))] == events


# --------------------------------------------------------------------------- timelinejs


def test_timelinejs(events: list[dict[str, Any]]) -> None:
    n, text = _write("timelinejs", events, title="Crocus <chronology>")
    doc = json.loads(text)
    assert n == len(doc["events"]) == len(events)
    assert doc["title"]["text"]["headline"] == "Crocus &lt;chronology&gt;"
    by_id = {s["unique_id"]: s for s in doc["events"]}

    day = by_id["ev-0000000001"]
    assert day["start_date"] == {"year": 2024, "month": 3, "day": 22}
    assert "end_date" not in day
    assert day["group"] == "attack"
    assert "&lt;/script&gt;" in day["text"]["headline"]
    assert "</script>" not in day["text"]["headline"]
    body = day["text"]["text"]
    assert "Islamic State (Khorasan); ISIS-K (perpetrator)" in body
    assert "145 killed, 551 injured" in body
    assert "=HYPERLINK(&quot;http://evil&quot;)" in body
    assert 'href="https://example.org/a?b=1&amp;c=2"' in body

    fuzzy = by_id["ev-0000000002"]
    assert fuzzy["start_date"] == {"year": 2024, "month": 1, "day": 21}
    assert fuzzy["end_date"] == {"year": 2024, "month": 1, "day": 31}
    assert fuzzy["display_date"].startswith("late January")

    month = by_id["ev-0000000003"]
    assert month["start_date"] == {"year": 2024, "month": 5}  # no day
    assert "end_date" not in month

    open_start = by_id["ev-0000000004"]
    assert open_start["start_date"] == {"year": 2024, "month": 3, "day": 7}
    assert "on or before 2024-03-07" in open_start["display_date"]

    year = by_id["ev-0000000005"]
    assert year["start_date"] == {"year": 2023}


def test_timelinejs_skips_undated_and_labels_open_end() -> None:
    evs = [
        make_event(1, earliest=None, latest=None, date_text="last spring"),
        make_event(2, earliest="2024-02-01", latest=None, precision="open", date_text=None),
    ]
    n, text = _write("timelinejs", evs)
    doc = json.loads(text)
    assert n == 1
    assert doc["events"][0]["display_date"] == "on or after 2024-02-01"


# --------------------------------------------------------------------------- timesketch


def test_timesketch(events: list[dict[str, Any]]) -> None:
    n, text = _write("timesketch", events)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert n == len(rows) == len(events)
    for col in ("message", "datetime", "timestamp_desc", "timestamp"):
        assert col in rows[0]
    assert set(CSV_COLUMNS) <= set(rows[0])
    assert rows[0]["datetime"] == "2024-03-22T00:00:00+00:00"
    assert rows[0]["timestamp"] == "1711065600000000"
    assert rows[0]["timestamp_desc"] == "Event date (earliest)"
    assert rows[0]["message"].startswith(ODD)
    assert rows[1]["datetime"] == "2024-01-21T00:00:00+00:00"
    assert rows[3]["datetime"] == "2024-03-07T00:00:00+00:00"
    assert rows[3]["timestamp_desc"] == "Event date (latest)"


# --------------------------------------------------------------------------- acled


def test_acled(events: list[dict[str, Any]]) -> None:
    n, text = _write("acled", events)
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert n == len(rows) == len(events)
    assert tuple(rows[0]) == export.ACLED_COLUMNS
    first = rows[0]
    assert first["event_date"] == "2024-03-22"
    assert first["time_precision"] == "1"
    assert (first["event_type"], first["sub_event_type"]) == (
        "Violence against civilians", "Attack",
    )  # fmt: skip
    assert first["actor1"] == "Islamic State (Khorasan); ISIS-K"
    assert first["actor2"] == "Crocus City Hall"
    assert first["fatalities"] == "145"
    assert first["source"] == "Reuters"
    assert "Evidence: =HYPERLINK" in first["notes"]
    assert first["notes"].startswith("'Commas") is False  # summary starts with a letter
    assert rows[1]["time_precision"] == "3"  # 11 days
    assert rows[1]["fatalities"] == ""  # unknown: empty, never 0
    assert (rows[1]["event_type"], rows[1]["sub_event_type"]) == (
        "Strategic developments", "Disrupted weapons use",
    )  # fmt: skip
    assert rows[1]["actor1"] == "FSB"
    assert rows[3]["event_date"] == "2024-03-07"  # open start: latest
    assert rows[3]["time_precision"] == "3"


def test_acled_formula_cells_are_neutralised() -> None:
    n, text = _write("acled", [make_event(1, summary="=1+2", location="@home")])
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["notes"] == "'=1+2"
    assert row["location"] == "'@home"


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "attack", "subtype": "bombing"},
         ("Explosions/Remote violence", "Remote explosive/landmine/IED")),
        ({"type": "attack", "subtype": "suicide_bombing"},
         ("Explosions/Remote violence", "Suicide bomb")),
        ({"type": "attack", "subtype": "kidnapping"},
         ("Violence against civilians", "Abduction/forced disappearance")),
        ({"type": "airstrike"}, ("Explosions/Remote violence", "Air/drone strike")),
        ({"type": "detention"}, ("Strategic developments", "Arrests")),
        ({"type": "thwarted_plot"}, ("Strategic developments", "Disrupted weapons use")),
        ({"type": "statement"}, ("Strategic developments", "Other")),
        ({"type": "warning"}, ("Strategic developments", "Other")),
        ({"type": "sentencing"}, ("Strategic developments", "Other")),
        ({"type": "operation", "killed": 2}, ("Battles", "Armed clash")),
        ({"type": "operation", "killed": None}, ("Strategic developments", "Other")),
    ],
)  # fmt: skip
def test_acled_category(fields: dict[str, Any], expected: tuple[str, str]) -> None:
    assert export.acled_category(make_event(1, **fields)) == expected


def test_acled_week_precision() -> None:
    row = next(
        csv.DictReader(
            io.StringIO(
                _write("acled", [make_event(1, earliest="2024-02-10", latest="2024-02-16")])[1]
            )
        )
    )
    assert row["time_precision"] == "2"


# --------------------------------------------------------------------------- html


class _PageParser(HTMLParser):
    """Collects the JSON data script, the table rows and every tag with a src or link href."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data_json: str | None = None
        self._in_data = False
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._row: list[str] | None = None
        self.scripts_with_src: list[str] = []
        self.stylesheets: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            if a.get("src"):
                self.scripts_with_src.append(a["src"] or "")
            self._in_data = a.get("type") == "application/json"
            if self._in_data:
                self.data_json = ""
        elif tag == "link":
            self.stylesheets.append(a.get("href") or "")
        elif tag == "tr" and a.get("data-i") is not None:
            self._row = []
        elif tag == "td" and self._row is not None:
            self._cell = []
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_data = False
        elif tag == "td" and self._row is not None and self._cell is not None:
            self._row.append("".join(self._cell))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None
        elif tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_data and self.data_json is not None:
            self.data_json += data
        if self._cell is not None:
            self._cell.append(data)
        if self._in_title:
            self.title += data


def test_html_page(events: list[dict[str, Any]]) -> None:
    n, page = _write("html", events, title="Crocus </title><script>alert(1)</script>")
    assert n == len(events)
    parser = _PageParser()
    parser.feed(page)
    parser.close()
    assert parser.title == "Crocus </title><script>alert(1)</script>"
    assert "<script>alert(1)" not in page
    # self-contained: nothing loaded from elsewhere
    assert parser.scripts_with_src == [] and parser.stylesheets == []
    assert "http://" not in page.replace("http://evil", "")  # only the event's own text
    # the data survives whole, and no "</" can close the script early
    assert parser.data_json is not None
    data = json.loads(parser.data_json)
    assert [d["id"] for d in data] == [e["id"] for e in events]
    assert data[0]["summary"] == ODD
    assert data[1]["label"] == "late January (2024-01-21 – 2024-01-31)"
    script_text = page.split('id="timeline-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in script_text
    # the table fallback: one row per event, text escaped and intact
    assert len(parser.rows) == len(events)
    assert parser.rows[0][2].startswith(ODD)
    assert "Islamic State (Khorasan); ISIS-K (perpetrator)" in parser.rows[0][3]
    assert parser.rows[0][5] == "145 killed, 551 injured"
    assert '<a href="https://example.org/a?b=1&amp;c=2"' in page


def test_html_does_not_link_javascript_urls() -> None:
    ev = make_event(1, source={"name": "x", "url": "javascript:alert(1)", "title": None,
                               "published": None, "sha256": None})  # fmt: skip
    _, page = _write("html", [ev])
    assert 'href="javascript' not in page


# --------------------------------------------------------------------------- round trips

_text = st.text(min_size=1, max_size=30)
_opt_text = st.none() | _text
_name = st.text(min_size=1, max_size=20).filter(lambda s: s == s.strip() and s != "")
_count = st.none() | st.integers(min_value=0, max_value=10**9)


@st.composite
def generated_events(draw: st.DrawFn) -> dict[str, Any]:
    d1 = draw(st.dates())
    d2 = draw(st.dates())
    lo, hi = min(d1, d2), max(d1, d2)
    side = draw(st.sampled_from(["both", "lo", "hi"]))
    start = draw(st.none() | st.integers(min_value=0, max_value=10**6))
    end = None if start is None else start + draw(st.integers(min_value=0, max_value=1000))
    source = draw(
        st.none()
        | st.fixed_dictionaries(
            {
                "name": _text,
                "url": _opt_text,
                "title": _opt_text,
                "published": st.none() | st.dates().map(lambda d: d.isoformat()),
                "sha256": st.none() | st.text(alphabet="0123456789abcdef", min_size=64,
                                              max_size=64),
            }
        )
    )  # fmt: skip
    return {
        "id": draw(st.none() | st.text(alphabet=string.hexdigits[:16], min_size=10,
                                       max_size=10).map(lambda h: "ev-" + h)),
        "type": draw(st.sampled_from(EVENT_TYPES)),
        "subtype": draw(_opt_text),
        "summary": draw(_text.filter(lambda s: s.strip() != "")),
        "earliest": lo.isoformat() if side in ("both", "lo") else None,
        "latest": hi.isoformat() if side in ("both", "hi") else None,
        "precision": draw(st.none() | st.sampled_from(PRECISIONS)),
        "mod": draw(st.none() | st.sampled_from(MODS)),
        "date_text": draw(_opt_text),
        "reference": draw(st.none() | st.dates().map(lambda d: d.isoformat())),
        "edtf": draw(_opt_text),
        "actors": draw(
            st.lists(st.fixed_dictionaries({"name": _name, "role": st.sampled_from(ROLES)}),
                     max_size=4)
        ),
        "location": draw(_opt_text),
        "country": draw(_opt_text),
        "killed": draw(_count),
        "injured": draw(_count),
        "detained": draw(_count),
        "source": source,
        "evidence": draw(_opt_text),
        "evidence_start": start,
        "evidence_end": end,
        "confidence": draw(st.none() | st.floats(min_value=0.0, max_value=1.0)),
        "method": draw(_opt_text),
        "status": draw(st.none() | st.sampled_from(["active", "retracted"])),
        "version": draw(st.none() | st.integers(min_value=1, max_value=1000)),
        "recorded_at": draw(st.none() | st.datetimes().map(lambda d: d.isoformat())),
        "updated_at": None,
    }  # fmt: skip


_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])  # fmt: skip


@_SETTINGS
@given(st.lists(generated_events(), max_size=5))
def test_csv_round_trip_property(evs: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    assert export.write("csv", evs, out) == len(evs)
    back = [e for _, e in export.read("csv", io.StringIO(out.getvalue(), newline=""))]
    # label is derived from the date fields, not a CSV column; transaction data is not either
    expected = [{**e, "label": None, "version": None, "recorded_at": None, "updated_at": None}
                for e in evs]
    assert back == expected


@_SETTINGS
@given(st.lists(generated_events(), max_size=5))
def test_jsonl_round_trip_property(evs: list[dict[str, Any]]) -> None:
    out = io.StringIO()
    assert export.write("jsonl", evs, out) == len(evs)
    back = [e for _, e in export.read("jsonl", io.StringIO(out.getvalue()))]
    assert back == [{**e, "label": e.get("label")} for e in evs]


@pytest.mark.parametrize("fmt", sorted(export.FORMATS))
def test_only_the_formats_that_say_so_print_a_documents_own_label(
    fmt: str, events: list[dict[str, Any]]
) -> None:
    """`timeline export` spares the label of formats outside render.PRINTS_LABEL
    (Timeline.show(labels=False)): their output must not depend on it."""
    from timeline.render import PRINTS_LABEL

    unlabelled = [dict(e, label=None) for e in events]
    relabelled = [dict(e, label=f"label {n}") for n, e in enumerate(events)]
    same = _write(fmt, events) == _write(fmt, unlabelled) == _write(fmt, relabelled)
    assert same == (fmt not in PRINTS_LABEL)
