"""The import side: read CSV / JSONL / JSON events and validate them into the event shape.

Every error is a :class:`~timeline.errors.UsageError` whose message is one line naming the row
and the problem, e.g. ``row 7: killed must be a non-negative integer, got '-3'``.

Row numbers are what an analyst sees: in a CSV the header is row 1 (as in a spreadsheet, and a
cell with a line break does not add a row); in JSONL the line number; in a JSON list the
1-based position in the list.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, TextIO

import orjson

from timeline.errors import UsageError
from timeline.formats_common import (
    _SOURCE_COLUMNS,
    CSV_COLUMNS,
    EVENT_KEYS,
    EVENT_TYPES,
    MODS,
    PRECISIONS,
    ROLES,
    SOURCE_KEYS,
    STATUSES,
    parse_actors,
)

READ_FORMATS: frozenset[str] = frozenset({"csv", "jsonl", "json"})

_ISO_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID_RE = re.compile(r"^ev-[0-9a-f]{10}$")
_SHA256_RE = re.compile(r"^[0-9a-fA-F]{64}$")
_INT_RE = re.compile(r"^[+-]?\d+$")
_INT_FIELDS = ("killed", "injured", "detained", "evidence_start", "evidence_end")
_TEXT_FIELDS = ("subtype", "summary", "date_text", "edtf", "location", "country", "evidence")


def read(fmt: str, stream: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    """Yield ``(row_number, event)`` for each event in ``stream``, validated by :func:`validate`.

    ``fmt`` is ``csv``, ``jsonl`` or ``json`` (a list). Open CSV files with ``newline=""`` so that
    line breaks inside quoted cells survive. Reading is lazy: a bad row raises when reached.
    """
    if fmt == "csv":
        yield from _read_csv(stream)
    elif fmt == "jsonl":
        yield from _read_jsonl(stream)
    elif fmt == "json":
        yield from _read_json(stream)
    else:
        raise UsageError(f"cannot import format {fmt!r} (known: {', '.join(sorted(READ_FORMATS))})")


def _read_csv(stream: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.reader(stream, strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise UsageError(f"row 1: not a readable CSV header: {exc}") from None
    if header is None:
        return
    names = [h.strip().lower() for h in header]
    if names:
        names[0] = names[0].lstrip("\ufeff")  # a byte-order mark written by spreadsheets
    known = set(CSV_COLUMNS)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise UsageError(f"row 1: unknown column {unknown[0]!r} (known: {', '.join(CSV_COLUMNS)})")
    dup = next((n for n in names if names.count(n) > 1), None)
    if dup is not None:
        raise UsageError(f"row 1: column {dup!r} appears twice")
    # where each column goes, worked out once: plain keys, the actor cell, the source object
    plain = [(i, n) for i, n in enumerate(names) if n != "actors" and not n.startswith("source")]
    actors_at = names.index("actors") if "actors" in names else None
    source_at = {n: i for i, n in enumerate(names) if n.startswith("source")}
    source_cols = [(source_at.get(col), key) for col, key in _SOURCE_COLUMNS.items()]
    has_source = bool(source_at)
    width = len(names)
    row_no = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UsageError(f"row {row_no + 1}: malformed CSV: {exc}") from None
        row_no += 1
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != width:
            raise UsageError(
                f"row {row_no}: has {len(cells)} cells but the header has {width} columns"
            )
        event: dict[str, Any] = dict.fromkeys(EVENT_KEYS)
        for i, col in plain:
            event[col] = cells[i] or None
        event["actors"] = parse_actors(cells[actors_at], row_no) if actors_at is not None else []
        if has_source:
            src = {key: (cells[i] or None) if i is not None else None for i, key in source_cols}
            event["source"] = None if all(v is None for v in src.values()) else src
        yield row_no, validate(event, row_no)


def _read_jsonl(stream: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    for row_no, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            raise UsageError(f"row {row_no}: not valid JSON: {exc}") from None
        yield row_no, validate(obj, row_no)


def _read_json(stream: TextIO) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        data = orjson.loads(stream.read())
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"not valid JSON: {exc}") from None
    if not isinstance(data, list):
        raise UsageError(f"a JSON import must be a list of events, got {type(data).__name__}")
    for row_no, obj in enumerate(data, start=1):
        yield row_no, validate(obj, row_no)


# --------------------------------------------------------------------------- validation


def _fail(row: int, message: str) -> UsageError:
    return UsageError(f"row {row}: {message}")


def _iso_date(value: Any, key: str, row: int) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        raise _fail(row, f"{key} must be an ISO date (YYYY-MM-DD), got {value.isoformat()!r}")
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip() if isinstance(value, str) else value
    if not isinstance(text, str) or not _ISO_DATE_RE.match(text):
        raise _fail(row, f"{key} must be an ISO date (YYYY-MM-DD), got {value!r}")
    try:
        date.fromisoformat(text)
    except ValueError:
        raise _fail(row, f"{key} is not a real date, got {value!r}") from None
    return text


def _timestamp(value: Any, key: str, row: int) -> str | None:
    """An ISO date or date-time (source published, recorded_at, updated_at)."""
    if value is None:
        return None
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            pass
        else:
            return text
    raise _fail(row, f"{key} must be an ISO date or date-time, got {value!r}")


def _nonneg_int(value: Any, key: str, row: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _fail(row, f"{key} must be a non-negative integer, got {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if not _INT_RE.match(text):
            raise _fail(row, f"{key} must be a non-negative integer, got {value!r}")
        value = int(text)
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or value < 0:
        raise _fail(row, f"{key} must be a non-negative integer, got {_show(value)}")
    return value


def _show(value: Any) -> str:
    return repr(value) if isinstance(value, str) else repr(str(value))


def _choice(value: Any, key: str, allowed: tuple[str, ...], row: int, *, lower: bool) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(row, f"{key} must be one of {', '.join(allowed)}, got {value!r}")
    text = value.strip()
    text = text.lower() if lower else text.upper()
    if text not in allowed:
        raise _fail(row, f"{key} must be one of {', '.join(allowed)}, got {value!r}")
    return text


def _text(value: Any, key: str, row: int) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _fail(row, f"{key} must be text, got {type(value).__name__}")
    return value


def _actors(value: Any, row: int) -> list[dict[str, str]]:
    if value is None:
        return []
    if isinstance(value, str):
        return parse_actors(value, row)
    if not isinstance(value, list):
        raise _fail(row, f"actors must be a list of {{name, role}}, got {type(value).__name__}")
    actors: list[dict[str, str]] = []
    for i, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise _fail(row, f"actor {i} must be an object {{name, role}}, got {item!r}")
        name, role = item.get("name"), item.get("role")
        if not isinstance(name, str) or not name.strip():
            raise _fail(row, f"actor {i} has no name")
        if not isinstance(role, str) or role.strip().lower() not in ROLES:
            raise _fail(
                row, f"actor {name!r} has unknown role {role!r} (known: {', '.join(ROLES)})"
            )
        extra = set(item) - {"name", "role"}
        if extra:
            raise _fail(row, f"actor {name!r} has unknown field {sorted(extra)[0]!r}")
        actors.append({"name": name, "role": role.strip().lower()})
    return actors


def _source(value: Any, row: int) -> dict[str, str | None] | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = {"name": value}
    if not isinstance(value, dict):
        raise _fail(row, f"source must be an object {{name, url, ...}}, got {value!r}")
    extra = set(value) - set(SOURCE_KEYS)
    if extra:
        raise _fail(row, f"source has unknown field {sorted(extra)[0]!r}")
    src: dict[str, str | None] = {}
    for key in SOURCE_KEYS:
        v = value.get(key)
        if key == "published":
            src[key] = _timestamp(v, "source_published", row)
        elif v is None or isinstance(v, str):
            src[key] = v
        else:
            raise _fail(row, f"source_{key} must be text, got {v!r}")
    sha = src["sha256"]
    if sha is not None and not _SHA256_RE.match(sha):
        raise _fail(row, f"source_sha256 must be 64 hex digits, got {sha!r}")
    if all(v is None for v in src.values()):
        return None
    return src


def validate(event: dict[str, Any], row: int) -> dict[str, Any]:
    """Check one event and return it normalised to the event shape (every key present).

    Accepts the strings a CSV gives (``"3"`` for 3, ``"name (role); ..."`` for actors, a source
    name for ``source``) as well as typed JSON values. Requires ``type``, ``summary`` and a date:
    ``earliest`` and/or ``latest``, or ``date_text`` with ``reference`` (for the date layer to
    resolve). Missing keys become None (``actors`` becomes ``[]``); nothing else is defaulted,
    the store decides ``method``, ``status``, ``precision`` and friends.
    """
    if not isinstance(event, dict):
        raise _fail(row, f"an event must be an object, got {type(event).__name__}")
    unknown = [k for k in event if k not in EVENT_KEYS]
    if unknown:
        raise _fail(row, f"unknown field {unknown[0]!r}")
    out: dict[str, Any] = dict.fromkeys(EVENT_KEYS)

    ev_id = event.get("id")
    if ev_id is not None:
        if not isinstance(ev_id, str) or not _ID_RE.match(ev_id.strip()):
            raise _fail(row, f"id must be 'ev-' and 10 hex digits, got {ev_id!r}")
        ev_id = ev_id.strip()
    out["id"] = ev_id

    etype = event.get("type")
    if etype is None or (isinstance(etype, str) and not etype.strip()):
        raise _fail(row, "type is missing")
    out["type"] = _choice(etype, "type", EVENT_TYPES, row, lower=True)

    for key in _TEXT_FIELDS:
        out[key] = _text(event.get(key), key, row)
    if out["summary"] is None or not out["summary"].strip():
        raise _fail(row, "summary is missing")

    out["earliest"] = _iso_date(event.get("earliest"), "earliest", row)
    out["latest"] = _iso_date(event.get("latest"), "latest", row)
    out["reference"] = _iso_date(event.get("reference"), "reference", row)
    if out["earliest"] and out["latest"] and out["earliest"] > out["latest"]:
        raise _fail(row, f"earliest {out['earliest']} is after latest {out['latest']}")
    if out["earliest"] is None and out["latest"] is None:
        has_text = out["date_text"] is not None and out["date_text"].strip() != ""
        if not (has_text and out["reference"]):
            raise _fail(row, "no date: give earliest and/or latest, or date_text with reference")
    out["precision"] = _choice(event.get("precision"), "precision", PRECISIONS, row, lower=True)
    out["mod"] = _choice(event.get("mod"), "mod", MODS, row, lower=False)

    out["actors"] = _actors(event.get("actors"), row)
    out["source"] = _source(event.get("source"), row)

    for key in _INT_FIELDS:
        out[key] = _nonneg_int(event.get(key), key, row)
    if (
        out["evidence_start"] is not None
        and out["evidence_end"] is not None
        and out["evidence_start"] > out["evidence_end"]
    ):
        raise _fail(row, "evidence_start is after evidence_end")

    conf = event.get("confidence")
    if conf is not None:
        try:
            if isinstance(conf, bool):
                raise ValueError
            conf_f = float(conf.strip() if isinstance(conf, str) else conf)
        except (TypeError, ValueError):
            raise _fail(row, f"confidence must be a number from 0 to 1, got {conf!r}") from None
        if math.isnan(conf_f) or not 0.0 <= conf_f <= 1.0:
            raise _fail(row, f"confidence must be a number from 0 to 1, got {conf!r}")
        conf = conf_f
    out["confidence"] = conf

    out["method"] = _text(event.get("method"), "method", row)
    out["status"] = _choice(event.get("status"), "status", STATUSES, row, lower=True)

    out["version"] = _nonneg_int(event.get("version"), "version", row)
    out["recorded_at"] = _timestamp(event.get("recorded_at"), "recorded_at", row)
    out["updated_at"] = _timestamp(event.get("updated_at"), "updated_at", row)
    return out
