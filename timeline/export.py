"""The formats layer: write events as CSV, JSON, JSONL, TimelineJS, Timesketch, ACLED or HTML, and
read them back (:func:`read`, :func:`validate`, re-exported from :mod:`timeline.formats_import`).

Every writer takes an iterable of event dicts (docs/event-shape.md) and a text stream, writes as
it goes (csv, json, jsonl, timelinejs, timesketch and acled never hold more than one event), and
returns how many events it wrote. Open files with ``newline=""`` and ``encoding="utf-8"`` for
the CSV-based formats: the writers put the RFC 4180 ``\\r\\n`` themselves.

Spreadsheet formula injection: a CSV cell that starts with ``= + - @`` may be run as a formula
by a spreadsheet. The ``csv`` format writes the data untouched, since a faithful round trip
through ``import`` matters more here and a leading ``-`` or ``+`` is common in real text; open
exported CSV in a spreadsheet with "text" columns. ``acled``, a one-way format made to be opened
in spreadsheets, prefixes such a cell with ``'`` (the OWASP advice); ``timesketch`` goes to a
search index, not a spreadsheet, and is left untouched.
"""

from __future__ import annotations

import csv
import html
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, TextIO

import orjson

from timeline.errors import UsageError
from timeline.formats_common import CSV_COLUMNS, event_csv_row
from timeline.formats_import import read, validate

__all__ = [
    "ACLED_COLUMNS",
    "CSV_COLUMNS",
    "FORMATS",
    "TIMESKETCH_COLUMNS",
    "acled_category",
    "read",
    "validate",
    "write",
]

FORMATS: frozenset[str] = frozenset(
    {"csv", "json", "jsonl", "timelinejs", "timesketch", "acled", "html"}
)

_JSON_OPTS = orjson.OPT_NON_STR_KEYS


def write(
    fmt: str, events: Iterable[dict[str, Any]], out: TextIO, *, title: str | None = None
) -> int:
    """Write ``events`` to ``out`` in format ``fmt``; return how many events were written.

    ``title`` names the timeline in the ``timelinejs`` and ``html`` formats (ignored elsewhere).
    Raises :class:`UsageError` for an unknown format. timelinejs and timesketch leave out an
    event that has no resolved date at all (neither earliest nor latest): they cannot place it.
    """
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise UsageError(f"unknown export format {fmt!r} (known: {', '.join(sorted(FORMATS))})")
    return writer(events, out, title)


# --------------------------------------------------------------------------- csv


def _new_csv_writer(out: TextIO) -> Any:
    return csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)


def write_csv(events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None) -> int:
    """The documented CSV columns, one row per event, data untouched (see the module doc)."""
    w = _new_csv_writer(out)
    w.writerow(CSV_COLUMNS)
    n = 0

    def rows() -> Iterator[list[Any]]:
        # the row of each event straight in column order; the csv writer does the loop in C
        nonlocal n
        for event in events:
            n += 1
            yield event_csv_row(event)

    w.writerows(rows())
    return n


def _formula_safe(text: str) -> str:
    """Prefix a cell that a spreadsheet would run as a formula with ``'``."""
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


# --------------------------------------------------------------------------- json, jsonl


def _dumps(obj: Any) -> str:
    return orjson.dumps(obj, option=_JSON_OPTS).decode("utf-8")


def write_json(events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None) -> int:
    """A JSON list, one event per line, streamed: ``[`` items ``]``."""
    n = 0
    for event in events:
        out.write(("[\n" if n == 0 else ",\n") + _dumps(event))
        n += 1
    out.write("\n]\n" if n else "[]\n")
    return n


def write_jsonl(events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None) -> int:
    """One JSON object per line."""
    n = 0
    for event in events:
        out.write(_dumps(event) + "\n")
        n += 1
    return n


# --------------------------------------------------------------------------- dates


def _d(value: Any) -> date | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _bounds(event: dict[str, Any]) -> tuple[date | None, date | None]:
    return _d(event.get("earliest")), _d(event.get("latest"))


def _is_whole_month(a: date, b: date) -> bool:
    if a.day != 1 or (a.year, a.month) != (b.year, b.month):
        return False
    nxt = date(b.year + (b.month == 12), b.month % 12 + 1, 1)
    return (nxt - b).days == 1


def date_label(event: dict[str, Any]) -> str:
    """A human label for the event's date: its ``date_text`` with the ISO bounds when they add
    anything, else the bounds alone (``on or before 2024-03-22`` for an open start)."""
    lo, hi = _bounds(event)
    text = (event.get("date_text") or "").strip()
    if lo and hi:
        iso = lo.isoformat() if lo == hi else f"{lo.isoformat()} – {hi.isoformat()}"
    elif hi:
        iso = f"on or before {hi.isoformat()}"
    elif lo:
        iso = f"on or after {lo.isoformat()}"
    else:
        iso = ""
    if text and iso and text != iso:
        return f"{text} ({iso})"
    return text or iso


# --------------------------------------------------------------------------- timelinejs

_DAY_PRECISIONS = {"day"}
_MONTH_PRECISIONS = {"month"}
_YEAR_PRECISIONS = {"year"}


def _tjs_date(d: date, unit: str) -> dict[str, int]:
    if unit == "year":
        return {"year": d.year}
    if unit == "month":
        return {"year": d.year, "month": d.month}
    return {"year": d.year, "month": d.month, "day": d.day}


def timelinejs_slide(event: dict[str, Any]) -> dict[str, Any] | None:
    """One TimelineJS slide, dated at the precision actually known; None when undated."""
    lo, hi = _bounds(event)
    if lo is None and hi is None:
        return None
    precision = event.get("precision")
    slide: dict[str, Any] = {}
    if lo is None or hi is None:
        # an open side: place it at the known side, and say so in display_date
        slide["start_date"] = _tjs_date(lo or hi, "day")  # type: ignore[arg-type]
    elif lo == hi:
        slide["start_date"] = _tjs_date(lo, "day")
    elif precision in _MONTH_PRECISIONS or (precision is None and _is_whole_month(lo, hi)):
        slide["start_date"] = _tjs_date(lo, "month")
        if (lo.year, lo.month) != (hi.year, hi.month):
            slide["end_date"] = _tjs_date(hi, "month")
    elif precision in _YEAR_PRECISIONS or precision in ("decade", "century"):
        slide["start_date"] = _tjs_date(lo, "year")
        if lo.year != hi.year:
            slide["end_date"] = _tjs_date(hi, "year")
    else:
        slide["start_date"] = _tjs_date(lo, "day")
        slide["end_date"] = _tjs_date(hi, "day")
    slide["display_date"] = date_label(event)
    slide["text"] = {
        "headline": html.escape(event.get("summary") or ""),
        "text": _details_html(event),
    }
    slide["group"] = event.get("type")
    if event.get("id"):
        slide["unique_id"] = event["id"]
    return slide


def _safe_url(url: Any) -> str | None:
    if isinstance(url, str) and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


def casualties_text(event: dict[str, Any]) -> str:
    """``3 killed, 5 injured`` from the known counts (unknown ones left out)."""
    parts = [
        f"{event[k]} {k}" for k in ("killed", "injured", "detained") if event.get(k) is not None
    ]
    return ", ".join(parts)


def _details_html(event: dict[str, Any]) -> str:
    """The slide body: escaped details (actors, casualties, place, evidence, source)."""
    esc = html.escape
    lines: list[str] = []
    actors = event.get("actors") or []
    if actors:
        lines.append(
            "<p><b>Actors:</b> "
            + "; ".join(f"{esc(a['name'])} ({esc(a['role'])})" for a in actors)
            + "</p>"
        )
    cas = casualties_text(event)
    if cas:
        lines.append(f"<p><b>Casualties:</b> {esc(cas)}</p>")
    place = ", ".join(p for p in (event.get("location"), event.get("country")) if p)
    if place:
        lines.append(f"<p><b>Place:</b> {esc(place)}</p>")
    if event.get("evidence"):
        lines.append(f"<blockquote>{esc(event['evidence'])}</blockquote>")
    src = event.get("source") or {}
    label = src.get("title") or src.get("name") or src.get("url")
    if label:
        url = _safe_url(src.get("url"))
        body = (
            f'<a href="{esc(url)}" rel="noopener noreferrer">{esc(label)}</a>'
            if url
            else esc(label)
        )
        extra = f" ({esc(src['name'])})" if src.get("name") and src.get("title") else ""
        lines.append(f"<p><b>Source:</b> {body}{extra}</p>")
    return "".join(lines)


def write_timelinejs(
    events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None
) -> int:
    """Knight Lab TimelineJS JSON, streamed: ``{"title": ..., "events": [...]}``."""
    head = {"text": {"headline": html.escape(title or "Timeline"), "text": ""}}
    out.write('{"title":' + _dumps(head) + ',"events":[')
    n = 0
    for event in events:
        slide = timelinejs_slide(event)
        if slide is None:
            continue
        out.write(("\n" if n == 0 else ",\n") + _dumps(slide))
        n += 1
    out.write("\n]}\n")
    return n


# --------------------------------------------------------------------------- timesketch

TIMESKETCH_COLUMNS: tuple[str, ...] = (
    "message",
    "datetime",
    "timestamp",
    "timestamp_desc",
    *CSV_COLUMNS,
)


def write_timesketch(
    events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None
) -> int:
    """Timesketch CSV import: ``message, datetime, timestamp (µs), timestamp_desc`` and the
    documented columns. Dated at earliest (``Event date (earliest)``), else at latest."""
    w = _new_csv_writer(out)
    w.writerow(TIMESKETCH_COLUMNS)
    n = 0
    for event in events:
        lo, hi = _bounds(event)
        when, desc = (lo, "Event date (earliest)") if lo else (hi, "Event date (latest)")
        if when is None:
            continue
        moment = datetime(when.year, when.month, when.day, tzinfo=UTC)
        micros = int(moment.timestamp()) * 1_000_000
        message = event.get("summary") or ""
        label = date_label(event)
        if label:
            message = f"{message} [{label}]"
        row = [message, moment.isoformat(), str(micros), desc]
        row += event_csv_row(event)
        w.writerow(row)
        n += 1
    return n


# --------------------------------------------------------------------------- acled

ACLED_COLUMNS: tuple[str, ...] = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "actor2",
    "assoc_actor_2",
    "location",
    "country",
    "fatalities",
    "source",
    "notes",
)

_SD = "Strategic developments"
_ERV = "Explosions/Remote violence"
_VAC = "Violence against civilians"
# subtype words -> ACLED sub-event type under Explosions/Remote violence
_EXPLOSIVE_SUBTYPES: tuple[tuple[tuple[str, ...], str], ...] = (
    (("suicide",), "Suicide bomb"),
    (("drone", "air"), "Air/drone strike"),
    (("grenade",), "Grenade"),
    (("shell", "artillery", "rocket", "missile", "mortar"), "Shelling/artillery/missile attack"),
    (
        ("bomb", "ied", "explos", "landmine", "mine", "car_bomb", "vbied"),
        "Remote explosive/landmine/IED",
    ),
)


def acled_category(event: dict[str, Any]) -> tuple[str, str]:
    """``(event_type, sub_event_type)`` in ACLED's terms.

    attack: a bombing-like subtype -> Explosions/Remote violence (Suicide bomb, Grenade,
    Shelling/artillery/missile attack, Remote explosive/landmine/IED); a kidnapping ->
    Violence against civilians / Abduction/forced disappearance; else Violence against
    civilians / Attack. airstrike -> Explosions/Remote violence / Air/drone strike. detention ->
    Strategic developments / Arrests. thwarted_plot -> Strategic developments / Disrupted weapons
    use. operation -> Battles / Armed clash when it killed or injured someone (a fight), else
    Strategic developments / Other (a raid or deployment without a clash). statement, warning,
    sentencing, designation, other -> Strategic developments / Other.
    """
    etype = event.get("type")
    sub = (event.get("subtype") or "").lower()
    if etype == "attack":
        for words, acled_sub in _EXPLOSIVE_SUBTYPES:
            if any(w in sub for w in words):
                return _ERV, acled_sub
        if any(w in sub for w in ("kidnap", "abduct", "hostage")):
            return _VAC, "Abduction/forced disappearance"
        return _VAC, "Attack"
    if etype == "airstrike":
        return _ERV, "Air/drone strike"
    if etype == "detention":
        return _SD, "Arrests"
    if etype == "thwarted_plot":
        return _SD, "Disrupted weapons use"
    if etype == "operation":
        if (event.get("killed") or 0) > 0 or (event.get("injured") or 0) > 0:
            return "Battles", "Armed clash"
        return _SD, "Other"
    return _SD, "Other"


def acled_time_precision(event: dict[str, Any]) -> int:
    """ACLED time precision: 1 a known day, 2 within a week, 3 a month or coarser (or open)."""
    lo, hi = _bounds(event)
    if lo is None or hi is None:
        return 3
    span = (hi - lo).days
    if span == 0:
        return 1
    if span <= 6:
        return 2
    return 3


def _actor_names(event: dict[str, Any], roles: tuple[str, ...]) -> list[str]:
    return [a["name"] for a in event.get("actors") or [] if a.get("role") in roles]


def write_acled(events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None) -> int:
    """ACLED-style CSV rows (see :data:`ACLED_COLUMNS`, :func:`acled_category`). event_date is
    earliest (latest for an open start); fatalities is empty when unknown, never 0."""
    w = _new_csv_writer(out)
    w.writerow(ACLED_COLUMNS)
    n = 0
    for event in events:
        lo, hi = _bounds(event)
        when = lo or hi
        event_type, sub_type = acled_category(event)
        disorder = _SD if event_type == _SD else "Political violence"
        actor1 = _actor_names(event, ("perpetrator",)) or _actor_names(event, ("agent",))
        actor2 = _actor_names(event, ("target", "victim"))
        src = event.get("source") or {}
        notes = event.get("summary") or ""
        if event.get("evidence"):
            notes = f"{notes} Evidence: {event['evidence']}"
        killed = event.get("killed")
        row = [
            event.get("id") or "",
            when.isoformat() if when else "",
            str(when.year) if when else "",
            str(acled_time_precision(event)),
            disorder,
            event_type,
            sub_type,
            actor1[0] if actor1 else "",
            "; ".join(actor1[1:]),
            actor2[0] if actor2 else "",
            "; ".join(actor2[1:]),
            event.get("location") or "",
            event.get("country") or "",
            "" if killed is None else str(killed),
            src.get("name") or src.get("url") or "",
            notes,
        ]
        w.writerow([_formula_safe(c) for c in row])
        n += 1
    return n


# --------------------------------------------------------------------------- html


def write_html(events: Iterable[dict[str, Any]], out: TextIO, title: str | None = None) -> int:
    """One self-contained offline page; see :mod:`timeline.formats_html`."""
    from timeline.formats_html import write_html_page

    return write_html_page(events, out, title=title)


_Writer = Callable[[Iterable[dict[str, Any]], TextIO, "str | None"], int]

_WRITERS: dict[str, _Writer] = {
    "csv": write_csv,
    "json": write_json,
    "jsonl": write_jsonl,
    "timelinejs": write_timelinejs,
    "timesketch": write_timesketch,
    "acled": write_acled,
    "html": write_html,
}
